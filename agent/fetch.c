/*
 * fetch.c — `xfrsync fetch`: transfer a zone once and print it.
 *
 * A command-line tool, not the daemon: it may block, with a poll()
 * timeout on every wait.  The protocol work is net/xfr's; this file only
 * connects, frames and prints.  An AXFR prints the zone like `dig AXFR`,
 * an IXFR the difference sequences like `dig IXFR=N`; stderr says which
 * form the server sent and, when it fell back to AXFR, why.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "agent/fetch.h"
#include "agent/keyfile.h"
#include "net/err.h"
#include "net/frame.h"
#include "net/rrtype.h"
#include "net/xfr.h"
#include "net/zonetext.h"
#include "xfrsync_config.h"

struct fetch {
	struct sockaddr_storage ss;
	socklen_t sslen;
	uint8_t zone[DNS_NAME_MAX];
	uint16_t qtype;
	uint32_t serial;
	int timeout_ms;
	unsigned long max_rrs;
	struct tsig_key key;
	int have_key;
};

static struct xfr_ctx xc;
static struct dns_frame fr;
static struct tsig_ctx tc;

/*
 * The text of the transfer, kept until it is verified: a transfer that
 * fails half-way (or falls back to AXFR) must print nothing of itself.
 */
static char *text;
static size_t text_len, text_cap;

static int
print_rr(void *ctx, enum xfr_op op, const struct dns_rr *rr)
{
	struct dns_tb t;
	size_t n;

	(void)ctx;
	(void)op;
	if (text_cap - text_len < DNS_PRINT_LINE_MAX + 1) {
		size_t cap = text_cap ? 2 * text_cap : 4 * DNS_PRINT_LINE_MAX;
		char *p = realloc(text, cap);

		if (p == NULL)
			return DNS_ESPACE;
		text = p;
		text_cap = cap;
	}
	dns_tb_init(&t, text + text_len, text_cap - text_len);
	dns_rr_to_text(&t, rr);
	n = dns_tb_end(&t);
	text[text_len + n] = '\n';
	text_len += n + 1;
	return 0;
}

static int
wait_fd(int fd, short ev, int ms)
{
	struct pollfd p = { fd, ev, 0 };
	int rc;

	while ((rc = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	if (rc == 0)
		errno = ETIMEDOUT;
	return rc > 0 ? 0 : -1;
}

static int
dial(const struct fetch *f)
{
	int fd = socket(f->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0), err = 0;
	socklen_t el = sizeof err;

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&f->ss, f->sslen) != 0 &&
	    errno != EINPROGRESS)
		goto bad;
	if (wait_fd(fd, POLLOUT, f->timeout_ms) != 0)
		goto bad;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0) {
		errno = err ? err : errno;
		goto bad;
	}
	return fd;
bad:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

static int
send_all(int fd, const uint8_t *p, size_t n, int ms)
{
	while (n > 0) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_fd(fd, POLLOUT, ms) != 0)
				return -1;
			continue;
		}
		if (k < 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Read and feed messages until the transfer ends; 0, or -1 with a cause
 * printed. */
static int
pump(int fd, const struct fetch *f)
{
	uint8_t buf[16384];
	char why[256];

	for (;;) {
		ssize_t k;
		size_t off = 0;

		if (wait_fd(fd, POLLIN, f->timeout_ms) != 0) {
			fprintf(stderr, "xfrsync fetch: timeout after %d s without "
			    "data\n", f->timeout_ms / 1000);
			return -1;
		}
		k = recv(fd, buf, sizeof buf, 0);
		if (k < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (k <= 0) {
			fprintf(stderr, "xfrsync fetch: %s before the transfer "
			    "ended (message %u)\n", k == 0 ? "connection closed" :
			    strerror(errno), xc.messages);
			return -1;
		}
		while (off < (size_t)k) {
			const uint8_t *msg;
			size_t len;
			int rc;

			off += dns_frame_feed(&fr, buf + off, (size_t)k - off);
			if (!dns_frame_take(&fr, &msg, &len))
				continue;
			rc = xfr_feed(&xc, msg, len, (uint64_t)time(NULL));
			if (rc < 0) {
				xfr_strerror(&xc, why, sizeof why);
				fprintf(stderr, "xfrsync fetch: %s\n", why);
				return xc.fallback ? -2 : -1;
			}
			if (rc == 1)
				return 0;
		}
	}
}

static int
transfer(const struct fetch *f, uint16_t qtype)
{
	uint8_t q[512 + TSIG_RR_MAX + 2];
	uint16_t id;
	int fd, n, rc;

	if (getrandom(&id, sizeof id, 0) != sizeof id)
		id = (uint16_t)time(NULL);
	if (f->have_key)
		tsig_init(&tc, &f->key);
	xfr_init(&xc, f->zone, qtype, f->serial, id, f->have_key ? &tc : NULL,
	    print_rr, NULL);
	xc.max_rrs = f->max_rrs;
	dns_frame_init(&fr);
	text_len = 0;
	n = xfr_query(&xc, q + 2, sizeof q - 2, (uint64_t)time(NULL));
	if (n < 0) {
		fprintf(stderr, "xfrsync fetch: query: %s\n", dns_strerror(n));
		return -1;
	}
	q[0] = (uint8_t)(n >> 8);
	q[1] = (uint8_t)n;
	if ((fd = dial(f)) < 0 || send_all(fd, q, (size_t)n + 2,
	    f->timeout_ms) != 0) {
		fprintf(stderr, "xfrsync fetch: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	rc = pump(fd, f);
	close(fd);
	return rc;
}

static void
report(void)
{
	switch (xc.form) {
	case XFR_FORM_AXFR:
		fprintf(stderr, ";; %s: full zone, serial %lu, %llu RRs in %u "
		    "messages\n", xc.qtype == DNS_T_IXFR ? "IXFR answered "
		    "AXFR-style" : "AXFR", (unsigned long)xc.new_serial,
		    (unsigned long long)xc.rrs_in_answer, xc.messages);
		break;
	case XFR_FORM_IXFR:
		fprintf(stderr, ";; IXFR: incremental, %u diff%s from serial %lu "
		    "to %lu, %u messages\n", xc.diffs, xc.diffs == 1 ? "" : "s",
		    (unsigned long)xc.serial, (unsigned long)xc.new_serial,
		    xc.messages);
		break;
	default:
		fprintf(stderr, ";; IXFR: up to date (server serial %lu, ours "
		    "%lu)\n", (unsigned long)xc.new_serial,
		    (unsigned long)xc.serial);
	}
}

static int
usage(void)
{
	fprintf(stderr, "usage: xfrsync fetch [-y ALG:NAME:SECRET | -k KEYFILE] "
	    "[-p PORT]\n\t[--ixfr SERIAL | --axfr] [-t SECONDS] [--max-rrs N] "
	    "@HOST ZONE\n");
	return 2;
}

static int
parse_y(struct fetch *f, char *spec)
{
	const char *a = spec;
	char *n, *s;

	/* dig: [alg:]name:secret */
	if ((s = strrchr(spec, ':')) == NULL)
		return -1;
	*s++ = '\0';
	if ((n = strchr(spec, ':')) != NULL)
		*n++ = '\0';
	else {
		n = spec;
		a = "hmac-sha256";
	}
	return tsig_key_set(&f->key, a, n, s) == 0 ? 0 : -1;
}

/* A numeric address: no resolver, so nothing here can block on DNS. */
static int
set_addr(struct fetch *f, const char *host, uint16_t port)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&f->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&f->ss;

	memset(&f->ss, 0, sizeof f->ss);
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		f->sslen = sizeof *v4;
		return 0;
	}
	if (CFG_IPV6 && inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		f->sslen = sizeof *v6;
		return 0;
	}
	return -1;
}

static int
parse_args(struct fetch *f, int argc, char **argv)
{
	const char *host = NULL, *zone = NULL;
	unsigned long port = 53;
	char *end;
	int i;

	f->qtype = DNS_T_AXFR;
	f->timeout_ms = 15000;
	f->max_rrs = CFG_DEFAULT_MAX_RRS;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-y") == 0 && i + 1 < argc) {
			if (parse_y(f, argv[++i]) != 0)
				return fprintf(stderr, "xfrsync fetch: bad -y key "
				    "(want ALG:NAME:BASE64)\n"), -1;
			f->have_key = 1;
		} else if (strcmp(a, "-k") == 0 && i + 1 < argc) {
			char err[512];
			size_t n = 0;

			if (keyfile_load(argv[++i], &f->key, 1, &n, err,
			    sizeof err) != 0)
				return fprintf(stderr, "xfrsync fetch: %s\n", err), -1;
			if (n != 1)
				return fprintf(stderr, "xfrsync fetch: %s: no key in "
				    "the file\n", argv[i]), -1;
			f->have_key = 1;
		} else if (strcmp(a, "-p") == 0 && i + 1 < argc) {
			port = strtoul(argv[++i], &end, 10);
			if (*end || port == 0 || port > 65535)
				return -1;
		} else if (strcmp(a, "-t") == 0 && i + 1 < argc) {
			f->timeout_ms = (int)strtoul(argv[++i], &end, 10) * 1000;
			if (*end || f->timeout_ms <= 0)
				return -1;
		} else if (strcmp(a, "--ixfr") == 0 && i + 1 < argc) {
			f->qtype = DNS_T_IXFR;
			f->serial = (uint32_t)strtoul(argv[++i], &end, 10);
			if (*end)
				return -1;
		} else if (strcmp(a, "--max-rrs") == 0 && i + 1 < argc) {
			f->max_rrs = strtoul(argv[++i], &end, 10);
			if (*end || f->max_rrs == 0)
				return -1;
		} else if (strcmp(a, "--axfr") == 0)
			f->qtype = DNS_T_AXFR;
		else if (a[0] == '@' && host == NULL)
			host = a + 1;
		else if (a[0] != '-' && zone == NULL)
			zone = a;
		else
			return -1;
	}
	if (host == NULL || zone == NULL)
		return -1;
	if (set_addr(f, host, (uint16_t)port) != 0) {
		fprintf(stderr, "xfrsync fetch: %s: not an IPv4 or IPv6 address\n",
		    host);
		return -1;
	}
	if (dns_name_from_text(zone, strlen(zone), (const uint8_t *)"",
	    f->zone) < 0) {
		fprintf(stderr, "xfrsync fetch: %s: not a domain name\n", zone);
		return -1;
	}
	return 0;
}

int
fetch_main(int argc, char **argv)
{
	static struct fetch f;
	int rc;

	if (parse_args(&f, argc, argv) != 0)
		return usage();
	rc = transfer(&f, f.qtype);
	if (rc == -2) {
		fprintf(stderr, ";; falling back to AXFR\n");
		rc = transfer(&f, DNS_T_AXFR);
	}
	tsig_key_wipe(&f.key);
	if (rc != 0)
		return 1;
	if (text_len > 0 && fwrite(text, 1, text_len, stdout) != text_len)
		return 1;
	free(text);
	report();
	return fflush(stdout) == 0 ? 0 : 1;
}
