/* notifyd.c — NOTIFY over UDP and TCP, answered from the same socket. */
#define _GNU_SOURCE /* accept4 with glibc (the sanitizer build) */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/log.h"
#include "agent/loop.h"
#include "agent/notifyd.h"
#include "agent/zones.h"
#include "net/err.h"
#include "net/frame.h"
#include "net/msg.h"
#include "net/notify.h"
#include "net/rrtype.h"
#include "xfrsync_config.h"

#define TCP_CONN_MAX 64
#define TCP_IDLE_MS 10000

struct listener {
	struct loop_io io;
	int tcp;
};

struct tconn {
	struct loop_io io;
	struct loop_timer idle;
	union conf_addr from;
	int used;
	struct dns_frame frame;      /* last: large, never cleared whole */
};

static const struct conf *conf;
static struct listener ls[2 * CONF_LISTEN_MAX];
static size_t nls;
static struct tconn *conns;   /* TCP_CONN_MAX, allocated at start */
static struct log_limit refuse_limit;
static uint8_t reply[512 + TSIG_RR_MAX];

static void
addr_text(const struct sockaddr *sa, char *buf, size_t cap)
{
	conf_addr_text((const union conf_addr *)(const void *)sa, buf, cap);
}

static void refused(const struct sockaddr *from, const char *zone,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
refused(const struct sockaddr *from, const char *zone, const char *fmt, ...)
{
	char a[128], why[160];
	va_list ap;

	if (!log_allow(&refuse_limit, loop_now(), 5, 20))
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	addr_text(from, a, sizeof a);
	log_warnx("NOTIFY%s%s from %s refused: %s%s", zone ? " for " : "",
	    zone ? zone : "", a, why, refuse_limit.suppressed ?
	    " (and earlier lines suppressed)" : "");
	refuse_limit.suppressed = 0;
}

/* The key and algorithm names of the request's TSIG, for error replies. */
static int
tsig_names(const uint8_t *msg, size_t len, uint8_t *key, uint8_t *alg)
{
	static uint8_t rd[DNS_RDATA_MAX];
	struct dns_msg m;
	struct dns_rr rr;
	int found = 0;

	if (dns_msg_init(&m, msg, len) != 0)
		return 0;
	while (dns_msg_rr(&m, &rr, rd, sizeof rd) == 1)
		if (rr.type == DNS_T_TSIG) {
			memcpy(key, rr.owner, dns_name_len(rr.owner));
			memcpy(alg, rr.rdata, dns_name_len(rr.rdata));
			found = 1;
		}
	return found;
}

/*
 * The request's TSIG, if any, checked against every configured key before
 * anything else, so that every later reply to a signed request is signed
 * (RFC 8945 §5.3).  0: unsigned, or verified with *signer; otherwise the
 * refusal is built into reply[] (*n its length, -1 for none).
 */
static int
verify(const uint8_t *msg, size_t len, const struct notify_req *req,
    const struct sockaddr *from, struct tsig_ctx *tc,
    const struct tsig_key **signer, int *n)
{
	uint8_t key[DNS_NAME_MAX], alg[DNS_NAME_MAX];
	uint64_t now = loop_wall();
	char zn[DNS_NAME_TEXT_MAX];
	int rc;

	*signer = NULL;
	if (!req->has_tsig)
		return 0;
	dns_name_to_text(req->zone, zn, sizeof zn);
	if (!CFG_TSIG) {
		refused(from, zn, "signed, but TSIG is not in this build");
		*n = notify_reply(req, DNS_R_NOTAUTH, NULL, 0, reply,
		    sizeof reply, now);
		return -1;
	}
	rc = tsig_verify_request(tc, conf->keys, conf->nkeys, msg, len, now);
	if (rc == 0) {
		*signer = tc->key;
		return 0;
	}
	refused(from, zn, "TSIG %s", dns_strerror(rc));
	if (rc == DNS_EBADTIME)
		*n = notify_reply(req, DNS_R_NOTAUTH, tc, DNS_R_BADTIME, reply,
		    sizeof reply, now);
	else if (tsig_names(msg, len, key, alg))
		*n = notify_reply_tsig_error(req, DNS_R_NOTAUTH, key, alg,
		    rc == DNS_EBADKEY ? DNS_R_BADKEY : DNS_R_BADSIG, reply,
		    sizeof reply, now);
	else
		*n = -1;
	return -1;
}

/* A reply carrying rcode, signed when the request was. */
static int
answer(const struct notify_req *req, int rcode, struct tsig_ctx *tc,
    const struct tsig_key *signer)
{
	return notify_reply(req, rcode, signer ? tc : NULL, 0, reply,
	    sizeof reply, loop_wall());
}

/* Decide and build the reply to one message; returns its length, or -1
 * to say nothing. */
static int
handle(const uint8_t *msg, size_t len, const struct sockaddr *from)
{
	static struct tsig_ctx tc;
	const struct tsig_key *signer;
	const struct conf_zone *cz;
	struct notify_req req;
	struct zstate *z;
	char zn[DNS_NAME_TEXT_MAX], a[128];
	int n = -1;

	switch (notify_parse(msg, len, &req)) {
	case NOTIFY_DROP:
		refused(from, NULL, "not a NOTIFY request (%zu bytes dropped)",
		    len);
		return -1;
	case NOTIFY_FORMERR:
		refused(from, NULL, "malformed");
		return answer(&req, DNS_R_FORMERR, NULL, NULL);
	default:
		break;
	}
	if (verify(msg, len, &req, from, &tc, &signer, &n) != 0)
		return n;
	dns_name_to_text(req.zone, zn, sizeof zn);
	if ((z = zones_find(req.zone)) == NULL) {
		refused(from, zn, "zone not configured");
		return answer(&req, DNS_R_NOTAUTH, &tc, signer);
	}
	cz = zones_conf(z);
	if (!conf_notify_allowed(cz, from)) {
		refused(from, zn, "source not in notify-from");
		return answer(&req, DNS_R_REFUSED, &tc, signer);
	}
	if (cz->notify_key != NULL && signer != cz->notify_key) {
		refused(from, zn, signer ? "signed with another key than "
		    "notify-key" : "not signed, notify-key is required");
		return answer(&req, DNS_R_REFUSED, &tc, signer);
	}
	addr_text(from, a, sizeof a);
	log_info("NOTIFY for %s from %s%s", zn, a, signer ? " (signed)" : "");
	n = answer(&req, DNS_R_NOERROR, &tc, signer);
	zones_notify(z, &req);
	return n;
}

static void
on_udp(struct loop_io *io, short re)
{
	uint8_t buf[65535];
	union conf_addr from;
	socklen_t fl = sizeof from;
	ssize_t k;
	int n;

	(void)re;
	while ((k = recvfrom(io->fd, buf, sizeof buf, MSG_DONTWAIT,
	    &from.sa, &fl)) >= 0) {
		n = handle(buf, (size_t)k, &from.sa);
		if (n > 0 && sendto(io->fd, reply, (size_t)n, MSG_DONTWAIT,
		    &from.sa, fl) < 0)
			log_warn("NOTIFY reply");
		fl = sizeof from;
	}
}

static void
conn_close(struct tconn *c)
{
	loop_del(&c->io);
	close(c->io.fd);
	timer_disarm(&c->idle);
	c->used = 0;
}

static void
on_conn(struct loop_io *io, short re)
{
	struct tconn *c = io->ctx;
	uint8_t buf[4096], out[sizeof reply + 2];
	ssize_t k = recv(io->fd, buf, sizeof buf, 0);
	size_t off = 0;

	(void)re;
	if (k < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (k <= 0) {
		conn_close(c);
		return;
	}
	timer_arm(&c->idle, TCP_IDLE_MS);
	while (off < (size_t)k) {
		const uint8_t *msg;
		size_t len;
		int n;

		off += dns_frame_feed(&c->frame, buf + off, (size_t)k - off);
		if (!dns_frame_take(&c->frame, &msg, &len))
			continue;
		if ((n = handle(msg, len, &c->from.sa)) <= 0)
			continue;
		out[0] = (uint8_t)(n >> 8);
		out[1] = (uint8_t)n;
		memcpy(out + 2, reply, (size_t)n);
		/* A small reply into an empty socket buffer: if even that
		 * would block, the peer is not reading; drop it. */
		if (send(io->fd, out, (size_t)n + 2, MSG_DONTWAIT |
		    MSG_NOSIGNAL) != n + 2) {
			conn_close(c);
			return;
		}
	}
}

static void
on_conn_idle(struct loop_timer *t)
{
	conn_close(t->ctx);
}

static void
on_accept(struct loop_io *io, short re)
{
	union conf_addr from;
	socklen_t fl = sizeof from;
	struct tconn *c = NULL;
	size_t i;
	int fd;

	(void)re;
	fd = accept4(io->fd, &from.sa, &fl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < TCP_CONN_MAX && c == NULL; i++)
		if (!conns[i].used)
			c = &conns[i];
	if (c == NULL) {
		refused(&from.sa, NULL, "too many TCP connections");
		close(fd);
		return;
	}
	c->used = 1;
	c->from = from;
	c->io.fd = fd;
	c->io.events = POLLIN;
	c->io.cb = on_conn;
	c->io.ctx = c;
	c->idle.cb = on_conn_idle;
	c->idle.ctx = c;
	c->idle.armed = 0;
	dns_frame_init(&c->frame);
	if (loop_add(&c->io) != 0) {
		close(fd);
		c->used = 0;
		return;
	}
	timer_arm(&c->idle, TCP_IDLE_MS);
}

static int
open_one(const union conf_addr *a, int tcp)
{
	int on = 1, fd = socket(a->sa.sa_family, (tcp ? SOCK_STREAM :
	    SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	char t[128];

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (a->sa.sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
	if (bind(fd, &a->sa, conf_addr_len(a)) != 0 ||
	    (tcp && listen(fd, 64) != 0)) {
		conf_addr_text(a, t, sizeof t);
		log_warn("listen %s (%s)", t, tcp ? "TCP" : "UDP");
		close(fd);
		return -1;
	}
	ls[nls].tcp = tcp;
	ls[nls].io.fd = fd;
	ls[nls].io.events = POLLIN;
	ls[nls].io.cb = tcp ? on_accept : on_udp;
	ls[nls].io.ctx = &ls[nls];
	if (loop_add(&ls[nls].io) != 0) {
		close(fd);
		return -1;
	}
	nls++;
	return 0;
}

int
notifyd_start(const struct conf *c)
{
	size_t i;

	conf = c;
	if (conns == NULL && (conns = calloc(TCP_CONN_MAX, sizeof *conns)) ==
	    NULL)
		return -1;
	for (i = 0; i < c->nlisten; i++) {
		if (!CFG_IPV6 && c->listen[i].sa.sa_family == AF_INET6) {
			log_warnx("listen: IPv6 is not enabled in this build");
			return -1;
		}
		if (open_one(&c->listen[i], 0) != 0 ||
		    open_one(&c->listen[i], 1) != 0)
			return -1;
	}
	return 0;
}

void
notifyd_conf(const struct conf *c)
{
	conf = c;
}

void
notifyd_stop(void)
{
	size_t i;

	for (i = 0; i < nls; i++) {
		loop_del(&ls[i].io);
		close(ls[i].io.fd);
	}
	nls = 0;
	for (i = 0; conns != NULL && i < TCP_CONN_MAX; i++)
		if (conns[i].used)
			conn_close(&conns[i]);
}

void
notifyd_service(void)
{
	static int busy;
	struct pollfd pf[2 * CONF_LISTEN_MAX + TCP_CONN_MAX];
	struct loop_io *io[2 * CONF_LISTEN_MAX + TCP_CONN_MAX];
	size_t i, n = 0;

	if (busy)
		return;
	busy = 1;
	for (i = 0; i < nls; i++, n++) {
		io[n] = &ls[i].io;
		pf[n].fd = ls[i].io.fd;
		pf[n].events = POLLIN;
	}
	for (i = 0; conns != NULL && i < TCP_CONN_MAX; i++)
		if (conns[i].used) {
			io[n] = &conns[i].io;
			pf[n].fd = conns[i].io.fd;
			pf[n++].events = POLLIN;
		}
	if (poll(pf, (nfds_t)n, 0) > 0)
		for (i = 0; i < n; i++)
			if (pf[i].revents != 0)
				io[i]->cb(io[i], pf[i].revents);
	busy = 0;
}
