/* xfrjob.c — a zone transfer as a non-blocking job on the loop. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "agent/log.h"
#include "agent/xfrjob.h"
#include "net/err.h"
#include "net/rrtype.h"
#include "xfrsync_config.h"

/* net/xfr tells each RR's role; the zone store builds the new version. */
static int
on_rr(void *ctx, enum xfr_op op, const struct dns_rr *rr)
{
	struct xfrjob *j = ctx;
	struct zone_build *b = &j->build;

	switch (op) {
	case XFR_OP_RR:
		if (j->building == 0) {
			zone_build_init(b, j->p.apex, &j->p.lim);
			j->building = 1;
		}
		return zone_build_add(b, rr->owner, rr->type, rr->ttl, rr->rdata,
		    rr->rdlen);
	case XFR_OP_IXFR_SOA:
		if (j->p.base == NULL)
			return DNS_EXFR;
		zone_build_init_from(b, j->p.base, &j->p.lim);
		j->building = 2;
		return 0;
	case XFR_OP_DEL:
		return zone_build_del(b, rr->owner, rr->type, rr->rdata,
		    rr->rdlen);
	case XFR_OP_ADD:
		return zone_build_add(b, rr->owner, rr->type, rr->ttl, rr->rdata,
		    rr->rdlen);
	default:
		return 0;
	}
}

static void
finish(struct xfrjob *j, int err, struct zone *z)
{
	loop_del(&j->io);
	close(j->io.fd);
	j->io.fd = -1;
	timer_disarm(&j->idle);
	timer_disarm(&j->total);
	if (j->building)
		zone_build_abort(&j->build);
	j->building = 0;
	j->p.done(j, err, z);
}

static void fail(struct xfrjob *j, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct xfrjob *j, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->why, sizeof j->why, fmt, ap);
	va_end(ap);
	finish(j, err < 0 ? err : DNS_EXFR, NULL);
}

static void
complete(struct xfrjob *j)
{
	struct zone *z = NULL;
	int rc;

	if (j->xfr.form == XFR_FORM_UPTODATE || j->building == 0) {
		finish(j, 0, NULL);
		return;
	}
	rc = zone_build_finish(&j->build, &j->xfr.new_serial, &z);
	j->building = 0;
	if (rc != 0) {
		j->fallback = rc == DNS_EDIVERGE;
		snprintf(j->why, sizeof j->why, "the new zone was refused: %s",
		    dns_strerror(rc));
		finish(j, rc, NULL);
		return;
	}
	finish(j, 0, z);
}

static void
feed(struct xfrjob *j, const uint8_t *p, size_t n)
{
	while (n > 0 && j->io.fd >= 0) {
		const uint8_t *msg;
		size_t used = dns_frame_feed(&j->frame, p, n), len;
		int rc;

		p += used;
		n -= used;
		if (!dns_frame_take(&j->frame, &msg, &len))
			continue;
		rc = xfr_feed(&j->xfr, msg, len, loop_wall());
		if (rc < 0) {
			j->fallback = j->xfr.fallback;
			xfr_strerror(&j->xfr, j->why, sizeof j->why);
			finish(j, rc, NULL);
			return;
		}
		if (rc == 1) {
			complete(j);
			return;
		}
	}
}

static void
on_io(struct loop_io *io, short re)
{
	struct xfrjob *j = io->ctx;
	uint8_t buf[16384];
	ssize_t k;

	if (!j->connected && (re & (POLLOUT | POLLERR | POLLHUP))) {
		int e = 0;
		socklen_t el = sizeof e;

		if (getsockopt(io->fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0 || e) {
			fail(j, DNS_EXFR, "connect: %s", strerror(e ? e : errno));
			return;
		}
		j->connected = 1;
	}
	if (j->out_off < j->out_len && (re & POLLOUT)) {
		k = send(io->fd, j->out + j->out_off, j->out_len - j->out_off,
		    MSG_NOSIGNAL);
		if (k < 0 && errno != EAGAIN && errno != EINTR) {
			fail(j, DNS_EXFR, "send: %s", strerror(errno));
			return;
		}
		if (k > 0)
			j->out_off += (size_t)k;
		if (j->out_off == j->out_len)
			loop_set_events(io, POLLIN);
	}
	if (!(re & (POLLIN | POLLHUP | POLLERR)) || j->out_off < j->out_len)
		return;
	k = recv(io->fd, buf, sizeof buf, 0);
	if (k < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (k <= 0) {
		fail(j, DNS_EXFR, "%s before the transfer ended", k == 0 ?
		    "connection closed" : strerror(errno));
		return;
	}
	timer_arm(&j->idle, (uint64_t)j->p.idle_secs * 1000);
	feed(j, buf, (size_t)k);
}

static void
on_timeout(struct loop_timer *t)
{
	struct xfrjob *j = t->ctx;

	fail(j, DNS_ELIMIT, "%s", t == &j->idle ? "idle timeout" :
	    "transfer took longer than max-transfer-time");
}

static int
query(struct xfrjob *j)
{
	uint16_t qtype = (CFG_IXFR && j->p.base != NULL && !j->p.axfr) ?
	    DNS_T_IXFR : DNS_T_AXFR;
	uint16_t id;
	int n;

	if (getrandom(&id, sizeof id, 0) != (ssize_t)sizeof id)
		id = (uint16_t)loop_now();
	if (CFG_TSIG && j->p.key != NULL)
		tsig_init(&j->tsig, j->p.key);
	xfr_init(&j->xfr, j->p.apex, qtype, j->p.base ? zone_serial(j->p.base) :
	    0, id, (CFG_TSIG && j->p.key) ? &j->tsig : NULL, on_rr, j);
	j->xfr.max_rrs = 0;   /* the zone store counts against the limits */
	j->xfr.max_bytes = j->p.max_wire;
	n = xfr_query(&j->xfr, j->out + 2, sizeof j->out - 2, loop_wall());
	if (n < 0)
		return n;
	j->out[0] = (uint8_t)(n >> 8);
	j->out[1] = (uint8_t)n;
	j->out_len = (size_t)n + 2;
	j->out_off = 0;
	return 0;
}

int
xfrjob_start(struct xfrjob *j, const struct xfrjob_params *p)
{
	int fd;

	memset(j, 0, offsetof(struct xfrjob, xfr));
	j->p = *p;
	j->io.fd = -1;
	dns_frame_init(&j->frame);
	if (query(j) != 0) {
		snprintf(j->why, sizeof j->why, "cannot build the query");
		return -1;
	}
	fd = socket(p->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0 || (connect(fd, (const struct sockaddr *)&p->addr,
	    p->addrlen) != 0 && errno != EINPROGRESS)) {
		snprintf(j->why, sizeof j->why, "connect: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	j->io.fd = fd;
	j->io.events = POLLOUT;
	j->io.cb = on_io;
	j->io.ctx = j;
	if (loop_add(&j->io) != 0) {
		close(fd);
		snprintf(j->why, sizeof j->why, "too many open connections");
		return -1;
	}
	j->idle.cb = j->total.cb = on_timeout;
	j->idle.ctx = j->total.ctx = j;
	timer_arm(&j->idle, (uint64_t)p->idle_secs * 1000);
	timer_arm(&j->total, (uint64_t)p->max_secs * 1000);
	j->started = loop_now();
	return 0;
}

void
xfrjob_cancel(struct xfrjob *j)
{
	if (j->io.fd < 0)
		return;
	loop_del(&j->io);
	close(j->io.fd);
	j->io.fd = -1;
	timer_disarm(&j->idle);
	timer_disarm(&j->total);
	if (j->building)
		zone_build_abort(&j->build);
	j->building = 0;
}
