/*
 * decode.c — `xfrsync decode [--tcp] FILE`.
 *
 * Reads one raw DNS message, or with --tcp a stream of messages each
 * preceded by its 2-byte length, and prints each as dig does.  The input
 * is read whole first; then, with CONFIG_SECCOMP, the process confines
 * itself to writing and exiting before any byte of it is parsed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/decode.h"
#include "agent/sandbox.h"
#include "net/err.h"
#include "net/msg.h"
#include "xfrsync_config.h"

#define INPUT_MAX (1u << 30) /* 1 GiB: far beyond any zone transfer */

static struct dns_print_buf scratch;

static void
emit(void *ctx, const char *line)
{
	FILE *f = ctx;

	fputs(line, f);
	fputc('\n', f);
}

/* Read all of fd into a malloc'd buffer. */
static int
slurp(int fd, uint8_t **out, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap), *nb;
	ssize_t k;

	if (buf == NULL)
		return -1;
	for (;;) {
		if (n == cap) {
			if (cap >= INPUT_MAX || (nb = realloc(buf, cap * 2)) == NULL) {
				free(buf);
				errno = EFBIG;
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
		k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			free(buf);
			return -1;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	*out = buf;
	*len = n;
	return 0;
}

static int
print_one(const uint8_t *msg, size_t len, unsigned idx)
{
	size_t err_off = 0;
	int rc;

	printf("%s;; MESSAGE %u (%zu bytes)\n", idx > 1 ? "\n" : "", idx, len);
	rc = dns_msg_print(msg, len, &scratch, emit, stdout, &err_off);
	if (rc < 0) {
		fflush(stdout);
		fprintf(stderr, "xfrsync decode: malformed: %s in message %u at "
		    "offset %zu\n", dns_strerror(rc), idx, err_off);
		return -1;
	}
	return 0;
}

static int
decode_stream(const uint8_t *buf, size_t len)
{
	size_t off = 0;
	unsigned idx = 0;

	while (off < len) {
		size_t n;

		idx++;
		if (len - off < 2) {
			fprintf(stderr, "xfrsync decode: malformed: truncated "
			    "length prefix of message %u at offset %zu\n", idx, off);
			return -1;
		}
		n = (size_t)buf[off] << 8 | buf[off + 1];
		if (len - off - 2 < n) {
			fprintf(stderr, "xfrsync decode: malformed: message %u "
			    "announces %zu bytes, %zu remain\n", idx, n,
			    len - off - 2);
			return -1;
		}
		if (print_one(buf + off + 2, n, idx) != 0)
			return -1;
		off += 2 + n;
	}
	return 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: xfrsync decode [--tcp] FILE\n"
	    "  FILE: one raw DNS message, or with --tcp a stream of messages\n"
	    "  each preceded by its 2-byte length; - reads standard input\n");
	return 2;
}

int
decode_main(int argc, char **argv)
{
	const char *path = NULL;
	int tcp = 0, fd, i, rc;
	uint8_t *buf;
	size_t len;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tcp") == 0)
			tcp = 1;
		else if (path == NULL && (argv[i][0] != '-' || argv[i][1] == 0))
			path = argv[i];
		else
			return usage();
	}
	if (path == NULL)
		return usage();
	fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || slurp(fd, &buf, &len) != 0) {
		fprintf(stderr, "xfrsync decode: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fd != 0)
		close(fd);
	if (CFG_SECCOMP && sandbox_enter_filter() != 0)
		return 1;
	rc = tcp ? decode_stream(buf, len) : print_one(buf, len, 1);
	free(buf);
	if (fflush(stdout) != 0)
		return 1;
	return rc == 0 ? 0 : 1;
}
