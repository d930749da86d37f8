/*
 * httpcmd.c — `xfrsync http`: requests over plain TCP or TLS, printed.
 *
 * A command-line tool, not the daemon: it waits in poll() (with a
 * deadline) instead of the loop, but moves bytes exactly as the daemon
 * does — socket <-> stream record side, stream application side <->
 * net/http — so it exercises the same engines end to end.  Nothing here
 * resolves names: the URL's host is a numeric address, or --connect
 * gives one and the URL's host is only the Host header and the TLS name.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "agent/httpcmd.h"
#include "net/http.h"
#include "net/stream.h"
#include "xfrsync_config.h"
#if CFG_TLS
#include "tls/tls.h"
#endif

#define MAX_HEADERS 64
#define BODY_FILE_MAX (16u << 20)

struct opts {
	const char *ca_file;
	const char *connect;
	const char *method;
	struct http_header hdr[MAX_HEADERS];
	size_t n_hdr;
	char *body;
	size_t body_len;
	int include, verbose, fail;
	int timeout_ms;
};

struct url {
	int tls;
	char host[256];          /* without brackets: TLS name */
	char hosthdr[264];       /* Host header value */
	uint16_t port;
	const char *target;      /* points into a copy kept by the caller */
	char target_buf[8192];
};

/* One connection, kept across URLs while it can be reused. */
struct conn {
	int fd;
	int tls;
	struct sockaddr_storage ss;
	socklen_t sslen;
	char host[256];
	uint16_t port;
	struct xs_stream *s;
	struct http_conn hc;
	int noted;               /* TLS handshake reported (-v) */
};

static struct xs_plain plain;
#if CFG_TLS
static struct tls_stream ts;
static struct tls_sessions sessions;
static struct tls_anchors anchors;
static struct tls_ca ca;
#endif
static struct http_resp resp;
static char hbuf[65536];
static struct conn cn = { .fd = -1 };
static const struct opts *O;
static int head_printed;

static int
usage(void)
{
	fprintf(stderr, "usage: xfrsync http [--ca-file FILE] [--connect "
	    "ADDR:PORT] [-X METHOD]\n"
	    "                    [-H 'Name: value']... [-d BODY | -d @FILE] "
	    "[-i] [-v] [-f]\n"
	    "                    [-m SECONDS] URL...\n");
	return 2;
}

static int die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The one-line cause of a failure; returns the exit status 1. */
static int
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xfrsync http: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static uint64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* ---- arguments ---------------------------------------------------------------- */

static int
parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int
parse_url(const char *u, struct url *url)
{
	const char *p, *a, *end;
	size_t n;

	memset(url, 0, sizeof *url);
	if (strncasecmp(u, "http://", 7) == 0) {
		p = u + 7;
		url->port = 80;
	} else if (strncasecmp(u, "https://", 8) == 0) {
		p = u + 8;
		url->tls = 1;
		url->port = 443;
	} else {
		return die("%s: only http:// and https:// URLs", u);
	}
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p)) != NULL)
		return die("%s: user names in URLs are not supported", u);
	a = p;
	if (*a == '[') {
		const char *rb = memchr(a, ']', (size_t)(end - a));

		if (rb == NULL || (size_t)(rb - a - 1) >= sizeof url->host)
			return die("%s: bad IPv6 literal", u);
		memcpy(url->host, a + 1, (size_t)(rb - a - 1));
		p = rb + 1;
	} else {
		const char *c = memchr(a, ':', (size_t)(end - a));

		p = c ? c : end;
		if (p == a || (size_t)(p - a) >= sizeof url->host)
			return die("%s: bad host", u);
		memcpy(url->host, a, (size_t)(p - a));
	}
	if (p < end) {
		char port[8];

		if (*p != ':' || (size_t)(end - p - 1) >= sizeof port)
			return die("%s: bad port", u);
		memcpy(port, p + 1, (size_t)(end - p - 1));
		port[end - p - 1] = '\0';
		if (parse_port(port, &url->port) != 0)
			return die("%s: bad port", u);
	}
	/* Host header: as written (brackets kept), port when not default. */
	n = (size_t)(p - a);
	memcpy(url->hosthdr, a, n);
	url->hosthdr[n] = '\0';
	if (url->port != (url->tls ? 443 : 80))
		snprintf(url->hosthdr + n, sizeof url->hosthdr - n, ":%u",
		    url->port);
	/* Target: path and query, without the fragment. */
	n = strcspn(end, "#");
	if (n + 2 > sizeof url->target_buf)
		return die("%s: URL too long", u);
	if (n == 0 || end[0] != '/') {
		url->target_buf[0] = '/';
		memcpy(url->target_buf + 1, end, n);
		url->target_buf[n + 1] = '\0';
	} else {
		memcpy(url->target_buf, end, n);
		url->target_buf[n] = '\0';
	}
	url->target = url->target_buf;
	return 0;
}

/* "1.2.3.4:443", "[::1]:443", or a bare address with the URL's port. */
static int
parse_addr(const char *s, uint16_t dport, struct sockaddr_storage *ss,
    socklen_t *len)
{
	char host[64];
	const char *port = NULL;
	struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;
	uint16_t p = dport;
	size_t n;

	memset(ss, 0, sizeof *ss);
	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || (n = (size_t)(rb - s - 1)) >= sizeof host)
			return -1;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		if (rb[1] == ':')
			port = rb + 2;
		else if (rb[1] != '\0')
			return -1;
	} else {
		const char *c = strchr(s, ':');

		if (c != NULL && strchr(c + 1, ':') != NULL)
			c = NULL; /* a bare IPv6 address */
		n = c ? (size_t)(c - s) : strlen(s);
		if (n >= sizeof host)
			return -1;
		memcpy(host, s, n);
		host[n] = '\0';
		if (c)
			port = c + 1;
	}
	if (port != NULL && parse_port(port, &p) != 0)
		return -1;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(p);
		*len = sizeof *s4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(p);
		*len = sizeof *s6;
		return 0;
	}
	return -1;
}

static int
read_body_file(const char *path, struct opts *o)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n = 0, k;
	char *p;

	if (f == NULL)
		return die("%s: %s", path, strerror(errno));
	o->body = malloc(cap);
	while (o->body != NULL && (k = fread(o->body + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) {
			if (cap >= BODY_FILE_MAX) {
				fclose(f);
				return die("%s: larger than 16 MiB", path);
			}
			p = realloc(o->body, cap *= 2);
			if (p == NULL)
				free(o->body);
			o->body = p;
		}
	}
	if (o->body == NULL || ferror(f)) {
		fclose(f);
		return die("%s: %s", path, o->body ? strerror(errno) :
		    "out of memory");
	}
	fclose(f);
	o->body_len = n;
	return 0;
}

static int
parse_args(int argc, char **argv, struct opts *o, int *first_url)
{
	int i;

	memset(o, 0, sizeof *o);
	o->timeout_ms = 30000;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-')
			break;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "-i") == 0) {
			o->include = 1;
		} else if (strcmp(a, "-v") == 0) {
			o->verbose = 1;
		} else if (strcmp(a, "-f") == 0 || strcmp(a, "--fail") == 0) {
			o->fail = 1;
		} else if (i + 1 >= argc) {
			return usage();
		} else if (strcmp(a, "--ca-file") == 0) {
			o->ca_file = argv[++i];
		} else if (strcmp(a, "--connect") == 0) {
			o->connect = argv[++i];
		} else if (strcmp(a, "-X") == 0) {
			o->method = argv[++i];
		} else if (strcmp(a, "-m") == 0) {
			char *end;
			unsigned long s = strtoul(argv[++i], &end, 10);

			if (*end != '\0' || s == 0 || s > 86400)
				return usage();
			o->timeout_ms = (int)s * 1000;
		} else if (strcmp(a, "-d") == 0) {
			const char *d = argv[++i];

			if (d[0] == '@') {
				if (read_body_file(d + 1, o) != 0)
					return 1;
			} else {
				o->body = strdup(d);
				o->body_len = strlen(d);
			}
		} else if (strcmp(a, "-H") == 0) {
			char *h = argv[++i], *c = strchr(h, ':');

			if (c == NULL || c == h || o->n_hdr == MAX_HEADERS)
				return die("bad header '%s'", h);
			*c++ = '\0';
			while (*c == ' ' || *c == '\t')
				c++;
			o->hdr[o->n_hdr].name = h;
			o->hdr[o->n_hdr++].value = c;
		} else {
			return usage();
		}
	}
	if (i >= argc)
		return usage();
	if (o->method == NULL)
		o->method = o->body ? "POST" : "GET";
	*first_url = i;
	return 0;
}

/* ---- moving bytes --------------------------------------------------------------- */

static int
dial(struct conn *c, int timeout_ms)
{
	struct pollfd p;
	int err = 0, one = 1;
	socklen_t el = sizeof err;

	c->fd = socket(c->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(c->fd, (struct sockaddr *)&c->ss, c->sslen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	p.fd = c->fd;
	p.events = POLLOUT;
	while ((err = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	if (err == 0)
		errno = ETIMEDOUT;
	if (err <= 0)
		return -1;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0)
		return -1;
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

/* Best effort: push out what the stream still has (an alert, a
 * close_notify) without waiting. */
static void
drain(struct conn *c)
{
	uint8_t *b;
	size_t len;
	ssize_t k;

	while ((b = xs_sendrec_buf(c->s, &len)) != NULL && len > 0 &&
	    (k = send(c->fd, b, len, MSG_NOSIGNAL | MSG_DONTWAIT)) > 0)
		xs_sendrec_ack(c->s, (size_t)k);
}

static void
hang_up(struct conn *c)
{
	if (c->fd < 0)
		return;
	if (xs_state(c->s) == XS_OPEN) {
		xs_close(c->s);
		drain(c);
	}
	close(c->fd);
	c->fd = -1;
#if CFG_TLS
	if (c->tls)
		tls_stream_wipe(&ts);
#endif
}

#if CFG_TLS
static void
note_handshake(struct conn *c)
{
	if (!c->tls || c->noted || !tls_stream_ready(&ts))
		return;
	c->noted = 1;
	if (O->verbose)
		fprintf(stderr, "* TLS 1.2 %s, %s session\n",
		    tls_stream_suite(&ts), tls_stream_resumed(&ts) ?
		    "resumed" : "new");
}
#endif

/*
 * Run one exchange to its end: HTTP_DONE or an error code; *why holds a
 * cause for errors that are not HTTP_E_* (network, stream, timeout).
 */
static int
exchange(struct conn *c, uint64_t deadline, const char **why)
{
	static char msg[160];
	struct pollfd p;
	uint8_t *b;
	size_t len;
	ssize_t k;
	int rc;

	*why = NULL;
	for (;;) {
		rc = http_conn_step(&c->hc);
#if CFG_TLS
		note_handshake(c);
#endif
		if (rc != HTTP_MORE)
			break;
		p.fd = c->fd;
		p.events = 0;
		if (xs_sendrec_buf(c->s, &len) != NULL && len > 0)
			p.events |= POLLOUT;
		if (xs_recvrec_buf(c->s, &len) != NULL && len > 0)
			p.events |= POLLIN;
		if (p.events == 0) {
			*why = "stream stalled (no data to send or room to "
			    "receive)";
			return HTTP_E_STREAM;
		}
		{
			uint64_t t = now_ms();
			int ms = t >= deadline ? 0 : (int)(deadline - t);

			k = poll(&p, 1, ms);
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k == 0) {
			snprintf(msg, sizeof msg, "timeout after %d s",
			    O->timeout_ms / 1000);
			*why = msg;
			return HTTP_E_STREAM;
		}
		if (k < 0) {
			*why = strerror(errno);
			return HTTP_E_STREAM;
		}
		if (p.revents & POLLOUT) {
			b = xs_sendrec_buf(c->s, &len);
			k = send(c->fd, b, len, MSG_NOSIGNAL);
			if (k > 0)
				xs_sendrec_ack(c->s, (size_t)k);
			else if (k < 0 && errno == EPIPE)
				xs_eof(c->s); /* the peer is gone */
			else if (k < 0 && errno != EAGAIN && errno != EINTR)
				goto neterr;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			b = xs_recvrec_buf(c->s, &len);
			if (b == NULL)
				continue;
			k = recv(c->fd, b, len, 0);
			if (k > 0)
				xs_recvrec_ack(c->s, (size_t)k);
			else if (k == 0)
				xs_eof(c->s);
			else if (errno == ECONNRESET)
				xs_eof(c->s); /* let the layers name it */
			else if (errno != EAGAIN && errno != EINTR)
				goto neterr;
		}
	}
	if (rc == HTTP_E_STREAM)
		*why = xs_strerror(c->s);
	return rc;
neterr:
	snprintf(msg, sizeof msg, "%s", strerror(errno));
	*why = msg;
	return HTTP_E_STREAM;
}

/* ---- output ----------------------------------------------------------------------- */

static void
print_head(void)
{
	const char *n, *v;
	size_t pos = 0;

	if (head_printed || !O->include)
		return;
	head_printed = 1;
	printf("HTTP/1.%d %d %s\r\n", resp.minor, resp.status, resp.reason);
	while (http_resp_next(&resp, &pos, &n, &v))
		printf("%s: %s\r\n", n, v);
	printf("\r\n");
}

static int
body_out(void *ctx, const uint8_t *p, size_t n)
{
	(void)ctx;
	if (O->fail && resp.status >= 400)
		return 0;
	print_head();
	return fwrite(p, 1, n, stdout) == n ? 0 : -1;
}

/* ---- one URL ------------------------------------------------------------------------ */

static int
open_conn(struct conn *c, const struct url *u, const char *url)
{
	char addr[INET6_ADDRSTRLEN + 8];
	int rc;

	c->tls = u->tls;
	c->noted = 0;
	snprintf(c->host, sizeof c->host, "%s", u->host);
	c->port = u->port;
	if (O->verbose) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)&c->ss;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)&c->ss;

		if (c->ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof addr);
		else
			inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof addr);
		fprintf(stderr, "* connecting to %s port %u\n", addr,
		    ntohs(c->ss.ss_family == AF_INET ? s4->sin_port :
		    s6->sin6_port));
	}
	if (dial(c, O->timeout_ms) != 0) {
		rc = errno;
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		return die("%s: connect: %s", url, strerror(rc));
	}
	if (!u->tls) {
		xs_plain_init(&plain);
		c->s = &plain.base;
	} else {
#if CFG_TLS
		while ((rc = tls_stream_start(&ts, &anchors, &sessions, u->host,
		    u->port, (int64_t)time(NULL))) == TLS_E_AGAIN) {
			fprintf(stderr, "xfrsync http: waiting for the kernel's "
			    "random pool to be initialised\n");
			if (tls_random_wait() != 0)
				break;
		}
		if (rc != 0) {
			close(c->fd);
			c->fd = -1;
			return die("%s: %s", url, rc == TLS_E_ENGINE ?
			    xs_strerror(&ts.base) : tls_strerror(rc));
		}
		c->s = &ts.base;
#else
		close(c->fd);
		c->fd = -1;
		return die("%s: https needs a build with CONFIG_TLS", url);
#endif
	}
	http_conn_init(&c->hc, c->s, &resp);
	return 0;
}

static int
same_place(const struct conn *c, const struct url *u,
    const struct sockaddr_storage *ss, socklen_t sslen)
{
	return c->fd >= 0 && c->tls == u->tls && c->port == u->port &&
	    strcmp(c->host, u->host) == 0 && c->sslen == sslen &&
	    memcmp(&c->ss, ss, sslen) == 0;
}

static int
do_url(const char *text)
{
	static struct url u;
	static char head[16384];
	struct http_request rq;
	struct sockaddr_storage ss;
	socklen_t sslen;
	const char *why;
	char ua[64];
	int n, rc, tries, idempotent, reused;
	uint64_t deadline = now_ms() + (uint64_t)O->timeout_ms;

	if (parse_url(text, &u) != 0)
		return 1;
	if (u.tls && !CFG_TLS)
		return die("%s: https needs a build with CONFIG_TLS", text);
	if (parse_addr(O->connect ? O->connect : u.host, u.port, &ss,
	    &sslen) != 0)
		return O->connect ? die("bad --connect address '%s'%s",
		    O->connect, "") : die("%s: host is not a numeric address "
		    "(use --connect ADDR:PORT)", text);
	snprintf(ua, sizeof ua, "xfrsync/%s", XFRSYNC_VERSION);
	memset(&rq, 0, sizeof rq);
	rq.method = O->method;
	rq.target = u.target;
	rq.host = u.hosthdr;
	rq.user_agent = ua;
	rq.headers = O->hdr;
	rq.n_headers = O->n_hdr;
	rq.body_len = O->body_len;
	n = http_request_head(head, sizeof head, &rq);
	if (n < 0)
		return die("%s: %s", text, http_strerror(n));
	if ((size_t)n >= sizeof head)
		return die("%s: request head too long", text);
	idempotent = strcmp(O->method, "GET") == 0 ||
	    strcmp(O->method, "HEAD") == 0;
	for (tries = 0;; tries++) {
		reused = same_place(&cn, &u, &ss, sslen) &&
		    http_conn_reusable(&cn.hc);
		if (!reused) {
			hang_up(&cn);
			cn.ss = ss;
			cn.sslen = sslen;
			if (open_conn(&cn, &u, text) != 0)
				return 1;
		} else if (O->verbose) {
			fprintf(stderr, "* reusing the connection\n");
		}
		if (O->verbose)
			fprintf(stderr, "> %.*s\n", (int)strcspn(head, "\r"),
			    head);
		rc = http_conn_request(&cn.hc, (const uint8_t *)head,
		    (size_t)n, (const uint8_t *)O->body, O->body_len,
		    strcmp(O->method, "HEAD") == 0, 0);
		if (rc == 0) {
			head_printed = 0;
			rc = exchange(&cn, deadline, &why);
		} else {
			why = NULL;
		}
		/* A kept-alive connection closed under us: retry once. */
		if (rc < 0 && reused && tries == 0 && idempotent &&
		    http_conn_nothing_received(&cn.hc)) {
			if (O->verbose)
				fprintf(stderr, "* reused connection closed: "
				    "reconnecting\n");
			hang_up(&cn);
			continue;
		}
		break;
	}
	if (rc < 0) {
		if (cn.fd >= 0)
			drain(&cn);
		hang_up(&cn);
		return die("%s: %s", text, why ? why : http_strerror(rc));
	}
	if (O->verbose)
		fprintf(stderr, "< HTTP/1.%d %d %s\n", resp.minor, resp.status,
		    resp.reason);
	if (!(O->fail && resp.status >= 400))
		print_head();
	fflush(stdout);
	if (!http_conn_reusable(&cn.hc))
		hang_up(&cn);
	if (O->fail && resp.status >= 400) {
		return die("%s: HTTP status %d %s", text, resp.status,
		    resp.reason);
	}
	return 0;
}

int
http_main(int argc, char **argv)
{
	static struct opts o;
	int first = 0, i, rc = 0;

	if ((rc = parse_args(argc, argv, &o, &first)) != 0)
		return rc;
	O = &o;
#if CFG_TLS
	tls_sessions_init(&sessions);
	if (o.ca_file != NULL) {
		char err[512];

		if (tls_ca_file_load(o.ca_file, &ca, err, sizeof err) != 0)
			return die("%s", err);
		tls_ca_anchors(&ca, &anchors);
	} else {
		tls_anchors_builtin(&anchors);
	}
#else
	if (o.ca_file != NULL)
		return die("--ca-file needs a build with CONFIG_TLS");
#endif
	http_resp_init(&resp, hbuf, sizeof hbuf, 256, 1u << 30);
	http_resp_body_fn(&resp, body_out, NULL);
	for (i = first; i < argc && rc == 0; i++)
		rc = do_url(argv[i]);
	hang_up(&cn);
#if CFG_TLS
	tls_sessions_wipe(&sessions);
	tls_ca_free(&ca);
#endif
	free(o.body);
	return rc;
}
