/* ctlclient.c — `xfrsync ctl`: send one command, print the answer. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/conf.h"
#include "agent/ctl.h"

#define DEFAULT_CONF "/etc/xfrsync/xfrsync.conf"

static int
usage(void)
{
	fprintf(stderr, "usage: xfrsync ctl [-c FILE] status | refresh ZONE | "
	    "retransfer ZONE | reconcile ZONE | dump ZONE\n");
	return 2;
}

/* Copy the answer to stdout; the first line says OK or ERR. */
static int
relay(int fd)
{
	char buf[65536];
	ssize_t k;
	int first = 1, ok = 0;

	while ((k = read(fd, buf, sizeof buf)) > 0) {
		char *p = buf;
		size_t n = (size_t)k;

		if (first) {
			char *nl = memchr(buf, '\n', n);
			size_t hl = nl ? (size_t)(nl - buf) : n;

			ok = hl >= 2 && memcmp(buf, "OK", 2) == 0;
			if (!ok)
				fprintf(stderr, "xfrsync ctl: %.*s\n", (int)hl,
				    buf + (hl > 4 ? 4 : hl));
			else if (hl > 3)
				fprintf(stderr, "%.*s\n", (int)(hl - 3), buf + 3);
			p = nl ? nl + 1 : buf + n;
			n -= (size_t)(p - buf);
			first = 0;
		}
		if (n > 0 && fwrite(p, 1, n, stdout) != n)
			return 1;
	}
	if (first) {
		fprintf(stderr, "xfrsync ctl: no answer from the daemon\n");
		return 1;
	}
	return fflush(stdout) == 0 && ok ? 0 : 1;
}

int
ctl_main(int argc, char **argv)
{
	static struct conf c;
	const char *path = DEFAULT_CONF;
	struct sockaddr_un sun;
	char err[512], line[1100];
	int i = 1, fd, rc;

	if (argc > 2 && strcmp(argv[1], "-c") == 0) {
		path = argv[2];
		i = 3;
	}
	if (i >= argc || (strcmp(argv[i], "status") != 0 && i + 2 != argc) ||
	    (strcmp(argv[i], "status") == 0 && i + 1 != argc))
		return usage();
	if (conf_load(&c, path, err, sizeof err) != 0) {
		fprintf(stderr, "xfrsync ctl: %s\n", err);
		return 1;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", c.control);
	conf_free(&c);
	snprintf(line, sizeof line, "%s%s%s\n", argv[i], i + 1 < argc ? " " :
	    "", i + 1 < argc ? argv[i + 1] : "");
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		fprintf(stderr, "xfrsync ctl: %s: %s (is the daemon running?)\n",
		    sun.sun_path, strerror(errno));
		return 1;
	}
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		fprintf(stderr, "xfrsync ctl: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	shutdown(fd, SHUT_WR);
	rc = relay(fd);
	close(fd);
	return rc;
}
