/*
 * httpjob.c — HTTP exchanges on the loop, over kept-alive connections.
 *
 * Bytes move as in agent/httpcmd.c: socket <-> the stream's record side,
 * the stream's application side <-> net/http's http_conn.  A connection
 * (struct httpjob_conn) belongs to at most one job at a time; between
 * jobs it is parked in a short list, watched for the server's close.
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
#include <strings.h>
#include <unistd.h>

#include "agent/httpjob.h"
#include "agent/log.h"
#include "net/http.h"
#include "net/stream.h"
#include "xfrsync_config.h"
#if CFG_TLS
#include "tls/tls.h"
#endif

struct httpjob_conn {
	struct loop_io io;
	struct loop_timer timer;        /* connect timeout, then keep-alive */
	struct httpjob *job;            /* NULL while parked */
	struct httpjob_conn *next;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char host[256];
	int tls;
	const struct tls_anchors *anchors;
	int connected;
	uint64_t parked_at;
	struct xs_stream *s;
	struct http_conn hc;
	union {
		struct xs_plain plain;
#if CFG_TLS
		struct tls_stream ts;
#endif
	} st;
};

static struct httpjob_conn *conns;

static void pump(struct httpjob_conn *c);

void
httpjob_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

/* ---- addresses ------------------------------------------------------------ */

static uint16_t
addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)(const void *)ss)->
		    sin_port);
	return ntohs(((const struct sockaddr_in6 *)(const void *)ss)->
	    sin6_port);
}

static int
addr_eq(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return a6->sin6_port == b6->sin6_port &&
	    a6->sin6_scope_id == b6->sin6_scope_id &&
	    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
}

static const char *
addr_text(const struct sockaddr_storage *ss, char *buf, size_t cap)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    ss)->sin_addr, ip, sizeof ip);
	else
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)
		    ss)->sin6_addr, ip, sizeof ip);
	snprintf(buf, cap, "%s port %u", ip, addr_port(ss));
	return buf;
}

int
httpjob_endpoint_set(struct httpjob_endpoint *ep, const char *addr,
    uint16_t port, const char *host, int tls)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)&ep->addr;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)&ep->addr;

	memset(ep, 0, sizeof *ep);
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		ep->addrlen = sizeof *s4;
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		ep->addrlen = sizeof *s6;
	} else {
		return -1;
	}
	if (host == NULL)
		host = addr;
	if (strlen(host) >= sizeof ep->host)
		return -1;
	strcpy(ep->host, host);
	ep->tls = tls;
	return 0;
}

/* ---- connections ------------------------------------------------------------ */

/* Best effort: push out what the stream still has (a close_notify). */
static void
drain(struct httpjob_conn *c)
{
	uint8_t *b;
	size_t len;
	ssize_t k;

	while ((b = xs_sendrec_buf(c->s, &len)) != NULL && len > 0 &&
	    (k = send(c->io.fd, b, len, MSG_NOSIGNAL | MSG_DONTWAIT)) > 0)
		xs_sendrec_ack(c->s, (size_t)k);
}

static void
conn_close(struct httpjob_conn *c)
{
	struct httpjob_conn **p;

	for (p = &conns; *p != NULL; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	timer_disarm(&c->timer);
	if (c->io.fd >= 0) {
		if (c->connected && c->s != NULL && xs_state(c->s) == XS_OPEN) {
			xs_close(c->s);
			drain(c);
		}
		loop_del(&c->io);
		close(c->io.fd);
	}
#if CFG_TLS
	if (c->tls)
		tls_stream_wipe(&c->st.ts);
#endif
	httpjob_wipe(c, sizeof *c);
	free(c);
}

static unsigned
count_parked(struct httpjob_conn **oldest)
{
	struct httpjob_conn *c;
	unsigned n = 0;

	*oldest = NULL;
	for (c = conns; c != NULL; c = c->next)
		if (c->job == NULL) {
			n++;
			if (*oldest == NULL || c->parked_at < (*oldest)->parked_at)
				*oldest = c;
		}
	return n;
}

static void
park(struct httpjob_conn *c)
{
	struct httpjob_conn *oldest;

	c->job = NULL;
	c->hc.resp = NULL;
	c->parked_at = loop_now();
	loop_set_events(&c->io, POLLIN);
	timer_arm(&c->timer, HTTPJOB_KEEPALIVE_MS);
	while (count_parked(&oldest) > HTTPJOB_PARKED_MAX && oldest != NULL)
		conn_close(oldest);
}

/* A parked connection that fits ep, or NULL. */
static struct httpjob_conn *
find_parked(const struct httpjob_endpoint *ep)
{
	struct httpjob_conn *c;

	for (c = conns; c != NULL; c = c->next)
		if (c->job == NULL && c->tls == (ep->tls != 0) &&
		    c->anchors == ep->anchors &&
		    strcasecmp(c->host, ep->host) == 0 &&
		    addr_eq(&c->addr, &ep->addr))
			return c;
	return NULL;
}

/* ---- ending a job --------------------------------------------------------------- */

static void
finish(struct httpjob *j, int err)
{
	struct httpjob_conn *c = j->conn;

	j->conn = NULL;
	if (c != NULL) {
		c->job = NULL;
		if (err == 0 && http_conn_reusable(&c->hc))
			park(c);
		else
			conn_close(c);
	}
	timer_disarm(&j->idle);
	timer_disarm(&j->total);
	httpjob_wipe(j->head, sizeof j->head);
	j->busy = 0;
	if (err == 0) {
		j->status = j->resp.status;
		j->body_len = (size_t)j->resp.body_len;
	}
	j->rq.done(j, err);
}

static int open_conn(struct httpjob *j);

/* A kept-alive connection the server closed before answering. */
static int
retryable(const struct httpjob *j, int err)
{
	const struct httpjob_conn *c = j->conn;

	return j->reused && j->tries == 0 && c != NULL &&
	    (j->rq.idempotent || strcmp(j->rq.method, "GET") == 0 ||
	    strcmp(j->rq.method, "HEAD") == 0 ||
	    strcmp(j->rq.method, "PUT") == 0) &&
	    http_conn_nothing_received(&c->hc) &&
	    (err == HTTP_E_CLOSED || err == HTTP_E_STREAM ||
	    err == HTTP_E_TRUNC || err == HTTPJOB_E_IO || err == HTTPJOB_E_TLS);
}

static void fail(struct httpjob *j, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct httpjob *j, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->why, sizeof j->why, fmt, ap);
	va_end(ap);
	if (retryable(j, err)) {
		log_debug("http: kept-alive connection to %s closed (%s): "
		    "reconnecting", j->rq.ep->host, j->why);
		conn_close(j->conn);
		j->conn = NULL;
		j->tries++;
		j->reused = 0;
		j->why[0] = '\0';
		if (open_conn(j) == 0)
			return;
		err = HTTPJOB_E_CONNECT;
	}
	finish(j, err);
}

/* ---- moving bytes ------------------------------------------------------------------ */

/* 1 if bytes moved, 0 if none could, -1 on a socket error (errno). */
static int
send_some(struct httpjob_conn *c)
{
	uint8_t *b;
	size_t len;
	ssize_t k;

	b = xs_sendrec_buf(c->s, &len);
	if (b == NULL || len == 0)
		return 0;
	k = send(c->io.fd, b, len, MSG_NOSIGNAL);
	if (k > 0) {
		xs_sendrec_ack(c->s, (size_t)k);
		return 1;
	}
	if (k < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (k < 0 && (errno == EPIPE || errno == ECONNRESET)) {
		xs_eof(c->s);           /* the peer is gone: let HTTP say how */
		return 1;
	}
	return -1;
}

static int
recv_some(struct httpjob_conn *c)
{
	uint8_t *b;
	size_t len;
	ssize_t k;

	b = xs_recvrec_buf(c->s, &len);
	if (b == NULL || len == 0)
		return 0;
	k = recv(c->io.fd, b, len, 0);
	if (k > 0) {
		xs_recvrec_ack(c->s, (size_t)k);
		return 1;
	}
	if (k == 0 || (k < 0 && errno == ECONNRESET)) {
		xs_eof(c->s);
		return 1;
	}
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	return -1;
}

static void
step_failed(struct httpjob *j, int rc)
{
	struct httpjob_conn *c = j->conn;

	if (rc == HTTP_E_STREAM && c->tls)
		fail(j, HTTPJOB_E_TLS, "TLS: %s", xs_strerror(c->s));
	else if (rc == HTTP_E_STREAM)
		fail(j, rc, "%s", xs_strerror(c->s));
	else if (rc == HTTP_E_BODY_SIZE)
		fail(j, rc, "answer body larger than %zu bytes",
		    j->rq.bbuf ? j->rq.bcap : (size_t)j->rq.max_body);
	else
		fail(j, rc, "%s", http_strerror(rc));
}

static void
pump(struct httpjob_conn *c)
{
	struct httpjob *j = c->job;
	short ev = 0;
	size_t len;
	int rounds, rc, moved, k;

	for (rounds = 0; rounds < 64; rounds++) {
		rc = http_conn_step(&c->hc);
		if (rc == HTTP_DONE) {
			finish(j, 0);
			return;
		}
		if (rc < 0) {
			step_failed(j, rc);
			return;
		}
		moved = 0;
		if ((k = send_some(c)) < 0) {
			fail(j, HTTPJOB_E_IO, "send: %s", strerror(errno));
			return;
		}
		moved |= k;
		if ((k = recv_some(c)) < 0) {
			fail(j, HTTPJOB_E_IO, "recv: %s", strerror(errno));
			return;
		}
		moved |= k;
		if (!moved)
			break;
		timer_arm(&j->idle, j->rq.idle_ms);
	}
	if (xs_sendrec_buf(c->s, &len) != NULL && len > 0)
		ev |= POLLOUT;
	if (xs_recvrec_buf(c->s, &len) != NULL && len > 0)
		ev |= POLLIN;
	if (ev == 0) {
		fail(j, HTTP_E_STREAM, "stream stalled (nothing to send and "
		    "no room to receive)");
		return;
	}
	loop_set_events(&c->io, ev);
}

static void
on_io(struct loop_io *io, short re)
{
	struct httpjob_conn *c = io->ctx;
	struct httpjob *j = c->job;
	char at[INET6_ADDRSTRLEN + 16];
	int e = 0;
	socklen_t el = sizeof e;

	if (j == NULL) {
		/* Parked: a close, or bytes nobody asked for.  Either way the
		 * connection cannot carry another request. */
		conn_close(c);
		return;
	}
	if (!c->connected) {
		if (!(re & (POLLOUT | POLLERR | POLLHUP)))
			return;
		if (getsockopt(io->fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0)
			e = errno;
		if (e != 0) {
			fail(j, HTTPJOB_E_CONNECT, "connect to %s: %s",
			    addr_text(&c->addr, at, sizeof at), strerror(e));
			return;
		}
		c->connected = 1;
		timer_disarm(&c->timer);
		log_debug("http: connected to %s (%s)", addr_text(&c->addr, at,
		    sizeof at), j->rq.ep->host);
	}
	pump(c);
}

static void
on_conn_timer(struct loop_timer *t)
{
	struct httpjob_conn *c = t->ctx;

	if (c->job == NULL) {
		conn_close(c);          /* kept alive long enough */
		return;
	}
	fail(c->job, HTTPJOB_E_TIMEOUT, "connect timed out after %u ms",
	    c->job->rq.connect_ms);
}

static void
on_idle(struct loop_timer *t)
{
	struct httpjob *j = t->ctx;

	fail(j, HTTPJOB_E_TIMEOUT, "no answer: nothing received for %u ms",
	    j->rq.idle_ms);
}

static void
on_total(struct loop_timer *t)
{
	struct httpjob *j = t->ctx;

	if (j->why[0] != '\0' && j->conn == NULL) {
		finish(j, HTTPJOB_E_CONNECT);   /* failed in httpjob_start */
		return;
	}
	fail(j, HTTPJOB_E_TIMEOUT, "no complete answer within %u ms",
	    j->rq.total_ms);
}

/* ---- starting ---------------------------------------------------------------------- */

static void
attach(struct httpjob *j, struct httpjob_conn *c)
{
	c->job = j;
	j->conn = c;
	c->hc.resp = &j->resp;
	timer_disarm(&c->timer);
	(void)http_conn_request(&c->hc, (const uint8_t *)j->head, j->head_len,
	    j->rq.body, j->rq.body_len, strcmp(j->rq.method, "HEAD") == 0, 0);
	timer_arm(&j->idle, j->rq.idle_ms);
	/* Let the loop call pump(): done is never called from the caller's
	 * own call, and a fresh socket reports POLLOUT once connected. */
	loop_set_events(&c->io, POLLOUT);
}

/* A new connection for j, attached.  0, or -1 with j->why set. */
static int
open_conn(struct httpjob *j)
{
	const struct httpjob_endpoint *ep = j->rq.ep;
	struct httpjob_conn *c;
	char at[INET6_ADDRSTRLEN + 16];
	int one = 1;

	c = calloc(1, sizeof *c);
	if (c == NULL) {
		snprintf(j->why, sizeof j->why, "out of memory");
		return -1;
	}
	c->io.fd = -1;
	c->io.slot = -1;
	c->addr = ep->addr;
	c->addrlen = ep->addrlen;
	snprintf(c->host, sizeof c->host, "%s", ep->host);
	c->tls = ep->tls != 0;
	c->anchors = ep->anchors;
	c->timer.cb = on_conn_timer;
	c->timer.ctx = c;
	if (c->tls) {
#if CFG_TLS
		int rc = tls_stream_start(&c->st.ts, ep->anchors, ep->sessions,
		    ep->host, addr_port(&ep->addr), (int64_t)loop_wall());

		if (rc == TLS_E_AGAIN) {
			snprintf(j->why, sizeof j->why, "TLS: the kernel's "
			    "random pool is not initialised yet");
			free(c);
			return -1;
		}
		if (rc != 0) {
			snprintf(j->why, sizeof j->why, "TLS: %s",
			    rc == TLS_E_ENGINE ? xs_strerror(&c->st.ts.base) :
			    tls_strerror(rc));
			tls_stream_wipe(&c->st.ts);
			free(c);
			return -1;
		}
		c->s = &c->st.ts.base;
#else
		snprintf(j->why, sizeof j->why, "https needs a build with "
		    "CONFIG_TLS");
		free(c);
		return -1;
#endif
	} else {
		xs_plain_init(&c->st.plain);
		c->s = &c->st.plain.base;
	}
	http_conn_init(&c->hc, c->s, &j->resp);
	c->io.fd = socket(ep->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (c->io.fd < 0) {
		snprintf(j->why, sizeof j->why, "socket: %s", strerror(errno));
		conn_close(c);
		return -1;
	}
	(void)setsockopt(c->io.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(c->io.fd, (const struct sockaddr *)&ep->addr,
	    ep->addrlen) != 0 && errno != EINPROGRESS) {
		snprintf(j->why, sizeof j->why, "connect to %s: %s",
		    addr_text(&ep->addr, at, sizeof at), strerror(errno));
		conn_close(c);
		return -1;
	}
	c->io.events = POLLOUT;
	c->io.cb = on_io;
	c->io.ctx = c;
	if (loop_add(&c->io) != 0) {
		snprintf(j->why, sizeof j->why, "too many open descriptors");
		close(c->io.fd);
		c->io.fd = -1;
		conn_close(c);
		return -1;
	}
	c->next = conns;
	conns = c;
	attach(j, c);
	timer_arm(&c->timer, j->rq.connect_ms);
	log_debug("http: connecting to %s (%s%s)", addr_text(&ep->addr, at,
	    sizeof at), ep->tls ? "https://" : "http://", ep->host);
	return 0;
}

static int
discard(void *ctx, const uint8_t *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	return 0;
}

int
httpjob_start(struct httpjob *j, const struct httpjob_req *rq)
{
	const struct httpjob_endpoint *ep = rq->ep;
	struct http_request hr;
	struct httpjob_conn *c;
	char hosthdr[300], ua[48];
	uint16_t port;
	int n;

	if (j->busy) {
		snprintf(j->why, sizeof j->why, "job already running");
		return -1;
	}
	memset(j, 0, offsetof(struct httpjob, hbuf));
	j->rq = *rq;
	if (j->rq.connect_ms == 0)
		j->rq.connect_ms = HTTPJOB_CONNECT_MS;
	if (j->rq.idle_ms == 0)
		j->rq.idle_ms = HTTPJOB_IDLE_MS;
	if (j->rq.total_ms == 0)
		j->rq.total_ms = HTTPJOB_TOTAL_MS;
	if (ep->tls && ep->anchors == NULL) {
		snprintf(j->why, sizeof j->why, "https without trust anchors");
		return -1;
	}
	/* Host: the name (IPv6 literals in brackets), the port if unusual. */
	port = addr_port(&ep->addr);
	n = snprintf(hosthdr, sizeof hosthdr, strchr(ep->host, ':') ? "[%s]" :
	    "%s", ep->host);
	if (port != (ep->tls ? 443 : 80))
		snprintf(hosthdr + n, sizeof hosthdr - (size_t)n, ":%u", port);
	snprintf(ua, sizeof ua, "xfrsync/%s", XFRSYNC_VERSION);
	memset(&hr, 0, sizeof hr);
	hr.method = rq->method;
	hr.target = rq->target;
	hr.host = hosthdr;
	hr.user_agent = ua;
	hr.headers = rq->headers;
	hr.n_headers = rq->n_headers;
	hr.body_len = rq->body_len;
	n = http_request_head(j->head, sizeof j->head, &hr);
	if (n < 0 || (size_t)n >= sizeof j->head) {
		snprintf(j->why, sizeof j->why, "cannot build the request: %s",
		    n < 0 ? http_strerror(n) : "head too long");
		httpjob_wipe(j->head, sizeof j->head);
		return -1;
	}
	j->head_len = (size_t)n;
	http_resp_init(&j->resp, j->hbuf, sizeof j->hbuf, HTTPJOB_RESP_FIELDS,
	    rq->bbuf != NULL ? 0 : rq->max_body);
	if (rq->bbuf != NULL)
		http_resp_body_buf(&j->resp, rq->bbuf, rq->bcap);
	else
		http_resp_body_fn(&j->resp, rq->body_fn ? rq->body_fn : discard,
		    rq->body_ctx);
	j->idle.cb = on_idle;
	j->idle.ctx = j;
	j->total.cb = on_total;
	j->total.ctx = j;
	j->busy = 1;
	c = find_parked(ep);
	if (c != NULL && http_conn_reusable(&c->hc)) {
		j->reused = 1;
		attach(j, c);
		timer_arm(&j->total, j->rq.total_ms);
		log_debug("http: reusing the connection to %s", ep->host);
		return 0;
	}
	if (c != NULL)
		conn_close(c);
	if (open_conn(j) != 0) {
		/* Report through done, like every later failure. */
		timer_arm(&j->total, 0);
		return 0;
	}
	timer_arm(&j->total, j->rq.total_ms);
	return 0;
}

void
httpjob_cancel(struct httpjob *j)
{
	if (!j->busy)
		return;
	if (j->conn != NULL) {
		j->conn->job = NULL;
		conn_close(j->conn);
		j->conn = NULL;
	}
	timer_disarm(&j->idle);
	timer_disarm(&j->total);
	httpjob_wipe(j->head, sizeof j->head);
	j->busy = 0;
}

int
httpjob_busy(const struct httpjob *j)
{
	return j->busy;
}

void
httpjob_shutdown(void)
{
	struct httpjob_conn *c, *next;

	for (c = conns; c != NULL; c = next) {
		next = c->next;
		if (c->job != NULL)
			httpjob_cancel(c->job);
		else
			conn_close(c);
	}
	conns = NULL;
}
