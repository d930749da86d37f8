/* soacheck.c — the SOA query job: UDP, then TCP. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "agent/soacheck.h"
#include "net/err.h"
#include "xfrsync_config.h"

#define UDP_WAIT_MS 2000
#define UDP_TRIES 2
#define TCP_WAIT_MS 5000

static void
stop(struct soacheck *s)
{
	if (s->io.fd >= 0) {
		loop_del(&s->io);
		close(s->io.fd);
		s->io.fd = -1;
	}
	timer_disarm(&s->timer);
}

static void
finish(struct soacheck *s, int err, const struct soaq_answer *a)
{
	stop(s);
	s->done(s, err, a);
}

static void on_io(struct loop_io *io, short re);

/* A fresh query (new ID, new TSIG exchange) over a new socket. */
static int
open_query(struct soacheck *s, int tcp)
{
	int n, fd;

	stop(s);
	if (getrandom(&s->id, sizeof s->id, 0) != (ssize_t)sizeof s->id)
		s->id = (uint16_t)loop_now();
	if (CFG_TSIG && s->key != NULL)
		tsig_init(&s->tsig, s->key);
	n = soaq_build(s->zone, s->id, (CFG_TSIG && s->key) ? &s->tsig : NULL,
	    s->q + 2, sizeof s->q - 2, loop_wall());
	if (n < 0)
		return -1;
	s->q[0] = (uint8_t)(n >> 8);
	s->q[1] = (uint8_t)n;
	s->qlen = (size_t)n;
	s->qoff = 0;
	s->tcp = tcp;
	s->connected = 0;
	dns_frame_init(&s->frame);
	fd = socket(s->addr.ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&s->addr, s->addrlen) != 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	s->io.fd = fd;
	s->io.events = POLLOUT;
	s->io.cb = on_io;
	s->io.ctx = s;
	if (loop_add(&s->io) != 0) {
		close(fd);
		s->io.fd = -1;
		return -1;
	}
	timer_arm(&s->timer, tcp ? TCP_WAIT_MS : UDP_WAIT_MS);
	return 0;
}

static void
retry_tcp(struct soacheck *s, const char *why)
{
	if (open_query(s, 1) != 0) {
		snprintf(s->why, sizeof s->why, "%s; TCP: %s", why,
		    strerror(errno));
		finish(s, DNS_EXFR, NULL);
	}
}

static void
answer(struct soacheck *s, const uint8_t *msg, size_t len)
{
	struct soaq_answer a;
	int rc = soaq_check(msg, len, s->id, s->zone,
	    (CFG_TSIG && s->key) ? &s->tsig : NULL, loop_wall(), &a);

	if (rc == 0) {
		finish(s, 0, &a);
		return;
	}
	if (a.truncated && !s->tcp) {
		retry_tcp(s, "truncated");
		return;
	}
	snprintf(s->why, sizeof s->why, "SOA query over %s: %s%s",
	    s->tcp ? "TCP" : "UDP", a.why, (CFG_TSIG && s->key &&
	    s->tsig.server_error) ? " (reported by the server)" : "");
	finish(s, rc, &a);
}

static void
on_udp(struct soacheck *s, short re)
{
	uint8_t buf[4096];
	ssize_t k;

	if (re & POLLOUT) {
		if (send(s->io.fd, s->q + 2, s->qlen, 0) < 0 && errno != EAGAIN) {
			snprintf(s->why, sizeof s->why, "send: %s", strerror(errno));
			finish(s, DNS_EXFR, NULL);
			return;
		}
		loop_set_events(&s->io, POLLIN);
		return;
	}
	k = recv(s->io.fd, buf, sizeof buf, 0);
	if (k < 0 && errno == ECONNREFUSED) {
		snprintf(s->why, sizeof s->why, "SOA query: %s", strerror(errno));
		finish(s, DNS_EXFR, NULL);
	} else if (k >= 0)
		answer(s, buf, (size_t)k);
}

static void
on_tcp(struct soacheck *s, short re)
{
	uint8_t buf[4096];
	ssize_t k;

	if (s->qoff < s->qlen + 2 && (re & (POLLOUT | POLLERR | POLLHUP))) {
		k = send(s->io.fd, s->q + s->qoff, s->qlen + 2 - s->qoff,
		    MSG_NOSIGNAL);
		if (k < 0 && errno != EAGAIN) {
			snprintf(s->why, sizeof s->why, "SOA query over TCP: %s",
			    strerror(errno));
			finish(s, DNS_EXFR, NULL);
			return;
		}
		if (k > 0 && (s->qoff += (size_t)k) == s->qlen + 2)
			loop_set_events(&s->io, POLLIN);
		return;
	}
	k = recv(s->io.fd, buf, sizeof buf, 0);
	if (k < 0 && errno == EAGAIN)
		return;
	if (k <= 0) {
		snprintf(s->why, sizeof s->why, "SOA query over TCP: %s",
		    k == 0 ? "connection closed" : strerror(errno));
		finish(s, DNS_EXFR, NULL);
		return;
	}
	{
		const uint8_t *msg;
		size_t len;

		dns_frame_feed(&s->frame, buf, (size_t)k);
		if (dns_frame_take(&s->frame, &msg, &len))
			answer(s, msg, len);
	}
}

static void
on_io(struct loop_io *io, short re)
{
	struct soacheck *s = io->ctx;

	if (s->tcp)
		on_tcp(s, re);
	else
		on_udp(s, re);
}

static void
on_timer(struct loop_timer *t)
{
	struct soacheck *s = t->ctx;

	if (!s->tcp && ++s->tries < UDP_TRIES) {
		loop_set_events(&s->io, POLLOUT); /* resend, same ID */
		timer_arm(&s->timer, UDP_WAIT_MS);
		return;
	}
	if (!s->tcp) {
		retry_tcp(s, "no answer over UDP");
		return;
	}
	snprintf(s->why, sizeof s->why, "SOA query: timeout");
	finish(s, DNS_EXFR, NULL);
}

int
soacheck_start(struct soacheck *s)
{
	s->io.fd = -1;
	s->io.slot = -1;
	s->timer.cb = on_timer;
	s->timer.ctx = s;
	s->timer.armed = 0;
	s->tries = 0;
	s->why[0] = '\0';
	if (open_query(s, 0) != 0) {
		snprintf(s->why, sizeof s->why, "SOA query: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void
soacheck_cancel(struct soacheck *s)
{
	stop(s);
}
