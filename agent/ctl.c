/* ctl.c — the daemon side of the control socket (client: ctlclient.c). */
#define _GNU_SOURCE /* accept4 with glibc (the sanitizer build) */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/conf.h"
#include "agent/ctl.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/zones.h"
#include "net/msg.h"
#include "net/rrtype.h"
#include "net/zonetext.h"
#include "xfrsync_config.h"
#if CFG_ROUTE53
#include "agent/push.h"
#endif

#define CTL_CONN_MAX 8
#define CTL_LINE_MAX 1100
#define CTL_TIMEOUT_MS 30000
#define OUT_CHUNK (1 << 16)

struct cconn {
	struct loop_io io;
	struct loop_timer timer;
	char line[CTL_LINE_MAX];
	size_t line_len;
	char *out;                   /* OUT_CHUNK + DNS_PRINT_LINE_MAX */
	size_t out_len, out_off;
	const struct zone *dump;     /* borrowed while dumping */
	size_t next_set;             /* next RRset to print */
	size_t next_rr;              /* RRs of it already printed */
	size_t seen;                 /* private to put_rr */
	int soa_done, used;
};

static struct loop_io lio = { .fd = -1, .slot = -1 };
static char sock_path[sizeof ((struct sockaddr_un *)0)->sun_path];
static struct cconn cc[CTL_CONN_MAX];

static void
cc_close(struct cconn *c)
{
	loop_del(&c->io);
	close(c->io.fd);
	timer_disarm(&c->timer);
	zones_release(c->dump);
	c->dump = NULL;
	free(c->out);
	c->out = NULL;
	c->used = 0;
}

static void
put(struct cconn *c, const char *s)
{
	size_t n = strlen(s);

	if (c->out_len + n + 1 > OUT_CHUNK + DNS_PRINT_LINE_MAX)
		return;
	memcpy(c->out + c->out_len, s, n);
	c->out_len += n;
	c->out[c->out_len++] = '\n';
}

static void
emit_line(void *ctx, const char *line)
{
	put(ctx, line);
}

/*
 * One RR of a dump as a line into c->out.  Skips the RRs of the set that
 * an earlier refill printed; stops (returns 1) when a longest line might
 * no longer fit, so a refill never overruns, however large the RRset.
 */
static int
put_rr(void *ctx, const struct dns_rr *rr)
{
	struct cconn *c = ctx;
	struct dns_tb t;

	if (c->seen++ < c->next_rr)
		return 0;
	if (c->out_len >= OUT_CHUNK) /* below it, a longest line fits */
		return 1;
	dns_tb_init(&t, c->out + c->out_len,
	    OUT_CHUNK + DNS_PRINT_LINE_MAX - c->out_len - 1);
	dns_rr_to_text(&t, rr);
	c->out_len += dns_tb_end(&t);
	c->out[c->out_len++] = '\n';
	c->next_rr++;
	return 0;
}

/* Print what fits of RRset i; 1 when all of it is out. */
static int
put_set(struct cconn *c, size_t i)
{
	c->seen = 0;
	if (zone_rrset_each(c->dump, i, put_rr, c) != 0)
		return 0;
	c->next_rr = 0;
	return 1;
}

/* Refill c->out with the next RRs of a dump: the SOA first. */
static void
refill(struct cconn *c)
{
	size_t soa;

	c->out_len = c->out_off = 0;
	if (c->dump == NULL)
		return;
	if (!c->soa_done) {
		if (zone_find(c->dump, zone_apex(c->dump), DNS_T_SOA, &soa))
			put_set(c, soa);
		c->soa_done = 1;
	}
	while (c->out_len < OUT_CHUNK &&
	    c->next_set < zone_rrset_count(c->dump)) {
		struct zone_rrset set;

		zone_rrset_get(c->dump, c->next_set, &set);
		if (set.type == DNS_T_SOA &&
		    dns_name_eq(set.owner, zone_apex(c->dump))) {
			c->next_set++;
			continue;
		}
		if (!put_set(c, c->next_set))
			break;
		c->next_set++;
	}
	if (c->next_set >= zone_rrset_count(c->dump)) {
		zones_release(c->dump);
		c->dump = NULL;
	}
}

static struct zstate *
zone_arg(struct cconn *c, const char *arg)
{
	uint8_t name[DNS_NAME_MAX];
	struct zstate *z = NULL;
	char msg[CTL_LINE_MAX + 32];

	if (arg != NULL && dns_name_from_text(arg, strlen(arg),
	    (const uint8_t *)"", name) > 0)
		z = zones_find(name);
	if (z == NULL) {
		snprintf(msg, sizeof msg, "ERR no such zone: %s", arg ? arg : "");
		put(c, msg);
	}
	return z;
}

static void
execute(struct cconn *c)
{
	char *cmd = strtok(c->line, " \t\r"), *arg = strtok(NULL, " \t\r");
	struct zstate *z;

	if (cmd == NULL)
		put(c, "ERR empty command");
	else if (strcmp(cmd, "status") == 0) {
		put(c, "OK");
		zones_status(emit_line, c);
	} else if (strcmp(cmd, "refresh") == 0 || strcmp(cmd, "retransfer") == 0
	    || strcmp(cmd, "dump") == 0) {
		if ((z = zone_arg(c, arg)) == NULL)
			;
		else if (cmd[0] == 'r' && cmd[2] == 'f') {
			zones_refresh(z);
			put(c, "OK refresh started");
		} else if (cmd[0] == 'r') {
			zones_retransfer(z);
			put(c, "OK retransfer started");
		} else if ((c->dump = zones_acquire(z)) == NULL)
			put(c, "ERR zone not loaded yet");
		else
			put(c, "OK");
	} else if (strcmp(cmd, "reconcile") == 0) {
		if ((z = zone_arg(c, arg)) == NULL)
			;
#if CFG_ROUTE53
		else if (push_reconcile(zones_conf(z)->name) == 0)
			put(c, "OK reconcile started");
#endif
		else
			put(c, "ERR zone does not push to Route53");
	} else
		put(c, "ERR unknown command (status, refresh, retransfer, "
		    "reconcile, dump)");
	loop_set_events(&c->io, POLLOUT);
}

static void
on_conn(struct loop_io *io, short re)
{
	struct cconn *c = io->ctx;
	ssize_t k;

	if (c->out_len == 0 && (re & POLLIN)) {
		k = recv(io->fd, c->line + c->line_len, sizeof c->line - 1 -
		    c->line_len, 0);
		if (k <= 0 && !(k < 0 && errno == EAGAIN)) {
			cc_close(c);
			return;
		}
		c->line_len += k > 0 ? (size_t)k : 0;
		c->line[c->line_len] = '\0';
		if (strchr(c->line, '\n') != NULL ||
		    c->line_len == sizeof c->line - 1) {
			c->line[strcspn(c->line, "\n")] = 0;
			execute(c);
		}
		return;
	}
	if (!(re & (POLLOUT | POLLERR | POLLHUP)))
		return;
	if (c->out_off == c->out_len)
		refill(c);
	if (c->out_len == 0) {
		cc_close(c);
		return;
	}
	k = send(io->fd, c->out + c->out_off, c->out_len - c->out_off,
	    MSG_NOSIGNAL | MSG_DONTWAIT);
	if (k < 0 && errno != EAGAIN) {
		cc_close(c);
		return;
	}
	if (k > 0)
		c->out_off += (size_t)k;
	timer_arm(&c->timer, CTL_TIMEOUT_MS);
}

static void
on_timeout(struct loop_timer *t)
{
	cc_close(t->ctx);
}

static void
on_accept(struct loop_io *io, short re)
{
	struct cconn *c = NULL;
	size_t i;
	int fd;

	(void)re;
	if ((fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0)
		return;
	for (i = 0; i < CTL_CONN_MAX && c == NULL; i++)
		if (!cc[i].used)
			c = &cc[i];
	if (c == NULL || (c->out = malloc(OUT_CHUNK + DNS_PRINT_LINE_MAX)) ==
	    NULL) {
		close(fd);
		return;
	}
	c->used = 1;
	c->line_len = c->out_len = c->out_off = c->next_set = c->next_rr = 0;
	c->soa_done = 0;
	c->dump = NULL;
	c->io.fd = fd;
	c->io.events = POLLIN;
	c->io.cb = on_conn;
	c->io.ctx = c;
	c->timer.cb = on_timeout;
	c->timer.ctx = c;
	if (loop_add(&c->io) != 0) {
		cc_close(c);
		return;
	}
	timer_arm(&c->timer, CTL_TIMEOUT_MS);
}

int
ctl_start(const char *path)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		log_warnx("control socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0)
		return -1;
	unlink(path);
	old = umask(077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) != 0 ||
	    listen(fd, 8) != 0 || chmod(path, 0600) != 0) {
		umask(old);
		log_warn("control socket %s", path);
		close(fd);
		return -1;
	}
	umask(old);
	strcpy(sock_path, path);
	lio.fd = fd;
	lio.events = POLLIN;
	lio.cb = on_accept;
	return loop_add(&lio);
}

void
ctl_stop(void)
{
	size_t i;

	for (i = 0; i < CTL_CONN_MAX; i++)
		if (cc[i].used)
			cc_close(&cc[i]);
	if (lio.fd >= 0) {
		loop_del(&lio);
		close(lio.fd);
		lio.fd = -1;
		unlink(sock_path);
	}
}
