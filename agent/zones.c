/* zones.c — refresh, transfer and timers of every configured zone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "agent/log.h"
#include "agent/loop.h"
#include "agent/push.h"
#include "agent/soacheck.h"
#include "agent/xfrjob.h"
#include "agent/zones.h"
#include "net/err.h"
#include "net/rrtype.h"
#include "net/serial.h"
#include "xfrsync_config.h"

#define FIRST_RETRY_S 5          /* backoff start while never loaded */
#define NO_IXFR_S (3 * 3600)     /* after NOTIMP/FORMERR to IXFR */
#define SOA_RATE 20.0            /* SOA queries per second, all zones */

enum phase { P_IDLE, P_SOA, P_XFR };

struct zstate {
	const struct conf_zone *cz;
	char name[DNS_NAME_TEXT_MAX];
	struct zone *data;
	enum phase phase;
	int recheck;                 /* NOTIFY or ctl during a round */
	int force_axfr;              /* retransfer requested */
	size_t primary;              /* index being tried */
	uint64_t no_ixfr_until[CONF_PRIMARY_MAX]; /* wall seconds */
	struct soacheck *soa;
	struct xfrjob *job;
	struct loop_timer refresh, expire;
	unsigned failures;
	int expired;
	uint64_t last_ok;            /* wall seconds of the last success */
	uint64_t expire_at;
	char last_err[320];
	int last_code;               /* DNS_E* of the last failure */
	uint64_t n_notify, n_ixfr, n_axfr, n_changes;
};

static struct zstate *zs;
static size_t nzs;

/* Versions lent out by zones_acquire, and how often. */
#define LENT_MAX 16
static struct { const struct zone *v; unsigned refs; int retired; }
    lent[LENT_MAX];
static struct log_limit soa_limit;

static uint32_t
rnd(void)
{
	uint32_t r;

	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		r = (uint32_t)loop_now() * 2654435761u;
	return r;
}

/* ms for s seconds less 10-25 % (spreads refreshes of many zones). */
static uint64_t
jitter(uint32_t s)
{
	uint64_t ms = (uint64_t)s * 1000;

	return ms - ms * (10 + rnd() % 16) / 100;
}

static uint32_t
clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : (v > hi ? hi : v);
}

/* The held SOA's refresh, retry and expire. */
static void
soa_timers(const struct zstate *z, uint32_t *refresh, uint32_t *retry,
    uint32_t *expire)
{
	const struct conf_limits *l = &z->cz->lim;
	struct zone_rdata_it it;
	struct zone_rrset set;
	const uint8_t *rd;
	uint16_t len;
	size_t pos;

	*refresh = l->refresh_min;
	*retry = l->retry_min;
	*expire = l->expire_max;
	if (z->data == NULL ||
	    !zone_find(z->data, zone_apex(z->data), DNS_T_SOA, &pos))
		return;
	zone_rrset_get(z->data, pos, &set);
	zone_rdata_begin(&it, &set);
	if (zone_rdata_next(&it, &rd, &len)) {
		rd += dns_name_len(rd);
		rd += dns_name_len(rd);
		*refresh = dns_get32(rd + 4);
		*retry = dns_get32(rd + 8);
		*expire = dns_get32(rd + 12);
	}
	*refresh = clamp(*refresh, l->refresh_min, l->refresh_max);
	*retry = clamp(*retry, l->retry_min, l->retry_max);
	*expire = clamp(*expire, l->expire_min, l->expire_max);
}

/* Free a version unless it is lent out; then free it on return. */
static void
retire(struct zone *v)
{
	size_t i;

	for (i = 0; v != NULL && i < LENT_MAX; i++)
		if (lent[i].v == v && lent[i].refs > 0) {
			lent[i].retired = 1;
			return;
		}
	zone_free(v);
}

const struct zone *
zones_acquire(struct zstate *z)
{
	size_t i, fr = LENT_MAX;

	if (z->data == NULL)
		return NULL;
	for (i = 0; i < LENT_MAX; i++) {
		if (lent[i].v == z->data && lent[i].refs > 0) {
			lent[i].refs++;
			return z->data;
		}
		if (lent[i].refs == 0 && fr == LENT_MAX)
			fr = i;
	}
	if (fr == LENT_MAX)
		return NULL;
	lent[fr].v = z->data;
	lent[fr].refs = 1;
	lent[fr].retired = 0;
	return z->data;
}

void
zones_release(const struct zone *v)
{
	size_t i;

	for (i = 0; v != NULL && i < LENT_MAX; i++)
		if (lent[i].v == v && lent[i].refs > 0) {
			if (--lent[i].refs == 0 && lent[i].retired)
				zone_free((struct zone *)(uintptr_t)v);
			return;
		}
}

static void check(struct zstate *z);
static void try_primary(struct zstate *z);

/* A round ended well: arm the timers from the SOA. */
static void
succeeded(struct zstate *z)
{
	uint32_t refresh, retry, expire;

	z->phase = P_IDLE;
	z->failures = 0;
	z->expired = 0;
	z->force_axfr = 0;
	z->last_ok = loop_wall();
	z->last_err[0] = '\0';
	z->last_code = 0;
	soa_timers(z, &refresh, &retry, &expire);
	timer_arm(&z->refresh, jitter(refresh));
	z->expire_at = z->last_ok + expire;
	timer_arm(&z->expire, (uint64_t)expire * 1000);
	if (z->recheck) {
		z->recheck = 0;
		check(z);
	}
}

/* Every primary failed: retry later, backing off. */
static void
failed(struct zstate *z)
{
	uint32_t refresh, retry, expire;
	uint64_t s;

	z->phase = P_IDLE;
	z->failures++;
	soa_timers(z, &refresh, &retry, &expire);
	/* A key problem is configuration or an attack: no quick retry. */
	if (z->last_code <= DNS_EBADKEY && z->last_code >= DNS_EBADTRUNC)
		s = retry;
	else if (z->data == NULL) {
		s = (uint64_t)FIRST_RETRY_S << (z->failures > 12 ? 12 :
		    z->failures - 1);
		if (s > retry)
			s = retry;
	} else
		s = retry;
	log_warnx("zone %s: refresh failed (%s); retry in %llu s", z->name,
	    z->last_err, (unsigned long long)s);
	timer_arm(&z->refresh, jitter((uint32_t)s));
	if (z->recheck) {
		z->recheck = 0;
		check(z);
	}
}

static void
next_primary(struct zstate *z)
{
	if (++z->primary < z->cz->nprimary)
		try_primary(z);
	else
		failed(z);
}

static int
log_change(void *ctx, const struct zone_change *c)
{
	struct zstate *z = ctx;
	char owner[DNS_NAME_TEXT_MAX], type[16];

	z->n_changes++;
	zone_yield_tick(64); /* a log line costs far more than a compare */
	dns_name_to_text(c->owner, owner, sizeof owner);
	dns_type_to_text(c->type, type, sizeof type);
	log_debug("zone %s: %s %s: %u -> %u RRs", z->name, owner, type,
	    c->has_old ? c->old.count : 0, c->has_new ? c->new.count : 0);
	return 0;
}

/*
 * The changed RRsets of a new version, before old is released: agent/push
 * turns them into Route53 changes (push.h; nothing for a zone without a
 * hosted zone).  With debug logging each one is also logged; without, that
 * walk is skipped: on a large AXFR it would cost a good fraction of a
 * second for nothing.
 */
static void
zones_changed(struct zstate *z, const struct zone *old, const struct zone *new)
{
	if (log_get_level() >= LOG_LVL_DEBUG)
		zone_diff(old, new, log_change, z);
	if (CFG_ROUTE53)
		push_changed(z->cz->name, old, new);
}

static void
xfr_done(struct xfrjob *j, int err, struct zone *nz)
{
	struct zstate *z = j->p.ctx;
	int ixfr = j->xfr.qtype == DNS_T_IXFR, fallback = j->fallback;
	int form = j->xfr.form, rcode = j->xfr.rcode;
	unsigned msgs = j->xfr.messages;
	uint64_t ms = loop_now() - j->started;
	size_t p = z->primary;

	snprintf(z->last_err, sizeof z->last_err, "%s from primary %zu",
	    j->why, p + 1);
	z->last_code = err;
	free(z->job); /* j is gone from here on */
	z->job = NULL;
	if (err == 0 && nz != NULL) {
		struct zone *old = z->data;

		log_info("zone %s: %s serial %lu -> %lu from primary %zu, %zu RRs, "
		    "%u messages, %llu ms", z->name, form == XFR_FORM_IXFR ?
		    "IXFR" : "AXFR", old ? (unsigned long)zone_serial(old) : 0ul,
		    (unsigned long)zone_serial(nz), p + 1, zone_rr_count(nz),
		    msgs, (unsigned long long)ms);
		if (form == XFR_FORM_IXFR)
			z->n_ixfr++;
		else
			z->n_axfr++;
		zones_changed(z, old, nz);
		z->data = nz;
		retire(old);
	}
	if (err == 0) {
		succeeded(z);
		return;
	}
	if (ixfr && fallback) {
		if (rcode == DNS_R_NOTIMP || rcode == DNS_R_FORMERR)
			z->no_ixfr_until[p] = loop_wall() + NO_IXFR_S;
		log_info("zone %s: IXFR failed (%s), falling back to AXFR",
		    z->name, z->last_err);
		z->force_axfr = 1;
		try_primary(z);
		return;
	}
	log_warnx("zone %s: transfer failed: %s", z->name, z->last_err);
	next_primary(z);
}

static void
transfer(struct zstate *z)
{
	const struct conf_primary *pr = &z->cz->primary[z->primary];
	struct xfrjob_params p;

	memset(&p, 0, sizeof p);
	p.apex = z->cz->name;
	memcpy(&p.addr, &pr->addr, sizeof pr->addr);
	p.addrlen = conf_addr_len(&pr->addr);
	p.key = pr->key;
	p.base = z->data;
	p.axfr = z->force_axfr || z->no_ixfr_until[z->primary] > loop_wall();
	p.lim.max_rrs = z->cz->lim.max_rrs;
	p.lim.max_bytes = z->cz->lim.max_bytes;
	p.max_wire = z->cz->lim.max_bytes;
	p.max_secs = z->cz->lim.max_transfer_time;
	p.idle_secs = z->cz->lim.idle_timeout;
	p.done = xfr_done;
	p.ctx = z;
	z->phase = P_XFR;
	if ((z->job = malloc(sizeof *z->job)) == NULL) {
		snprintf(z->last_err, sizeof z->last_err, "out of memory");
		failed(z);
		return;
	}
	if (xfrjob_start(z->job, &p) != 0) {
		snprintf(z->last_err, sizeof z->last_err, "%s", z->job->why);
		free(z->job);
		z->job = NULL;
		next_primary(z);
	}
}

static void
soa_done(struct soacheck *s, int err, const struct soaq_answer *a)
{
	struct zstate *z = s->ctx;
	uint32_t held = z->data ? zone_serial(z->data) : 0;
	char why[sizeof s->why];

	snprintf(why, sizeof why, "%s", s->why);
	free(z->soa);
	z->soa = NULL;
	if (err != 0 && !(err == DNS_ERCODE && a && a->rcode == DNS_R_REFUSED)) {
		snprintf(z->last_err, sizeof z->last_err, "%s from primary %zu",
		    why, z->primary + 1);
		z->last_code = err;
		log_info("zone %s: %s", z->name, z->last_err);
		next_primary(z);
		return;
	}
	/* REFUSED to the SOA query: try the transfer anyway (as BIND does). */
	if (err != 0 || z->data == NULL ||
	    dns_serial_cmp(a->serial, held) == DNS_SERIAL_GT) {
		transfer(z);
		return;
	}
	if (dns_serial_cmp(a->serial, held) != DNS_SERIAL_EQ)
		log_warnx("zone %s: primary %zu went backwards (serial %lu, we "
		    "hold %lu); `xfrsync ctl retransfer` forces an AXFR", z->name,
		    z->primary + 1, (unsigned long)a->serial, (unsigned long)held);
	else
		log_debug("zone %s: serial %lu is current", z->name,
		    (unsigned long)held);
	succeeded(z);
}

static void
try_primary(struct zstate *z)
{
	const struct conf_primary *pr = &z->cz->primary[z->primary];
	struct soacheck *s;

	if (z->force_axfr) {
		transfer(z);
		return;
	}
	z->phase = P_SOA;
	if ((s = calloc(1, sizeof *s)) == NULL) {
		snprintf(z->last_err, sizeof z->last_err, "out of memory");
		failed(z);
		return;
	}
	s->zone = z->cz->name;
	memcpy(&s->addr, &pr->addr, sizeof pr->addr);
	s->addrlen = conf_addr_len(&pr->addr);
	s->key = pr->key;
	s->done = soa_done;
	s->ctx = z;
	z->soa = s;
	if (soacheck_start(s) != 0) {
		snprintf(z->last_err, sizeof z->last_err, "%s", s->why);
		free(s);
		z->soa = NULL;
		next_primary(z);
	}
}

/* Start a round, or remember to start one when the current one ends. */
static void
check(struct zstate *z)
{
	if (z->phase != P_IDLE) {
		z->recheck = 1;
		return;
	}
	if (!log_allow(&soa_limit, loop_now(), SOA_RATE, SOA_RATE)) {
		timer_arm(&z->refresh, 1000 / (uint64_t)SOA_RATE + rnd() % 100);
		return;
	}
	timer_disarm(&z->refresh);
	z->primary = 0;
	try_primary(z);
}

static void
on_refresh(struct loop_timer *t)
{
	check(t->ctx);
}

static void
on_expire(struct loop_timer *t)
{
	struct zstate *z = t->ctx;

	z->expired = 1;
	log_warnx("zone %s: expired: no primary confirmed serial %lu within "
	    "the SOA expire time; the data is kept", z->name, z->data ?
	    (unsigned long)zone_serial(z->data) : 0ul);
}

static void
init_state(struct zstate *z, const struct conf_zone *cz)
{
	memset(z, 0, sizeof *z);
	z->cz = cz;
	dns_name_to_text(cz->name, z->name, sizeof z->name);
	z->refresh.cb = on_refresh;
	z->refresh.ctx = z;
	z->expire.cb = on_expire;
	z->expire.ctx = z;
}

static void
cancel(struct zstate *z)
{
	if (z->soa != NULL) {
		soacheck_cancel(z->soa);
		free(z->soa);
		z->soa = NULL;
	}
	if (z->job != NULL) {
		xfrjob_cancel(z->job);
		free(z->job);
		z->job = NULL;
	}
	timer_disarm(&z->refresh);
	timer_disarm(&z->expire);
	z->phase = P_IDLE;
}

int
zones_start(const struct conf *c)
{
	size_t i;

	if ((zs = calloc(c->nzones ? c->nzones : 1, sizeof *zs)) == NULL)
		return -1;
	nzs = c->nzones;
	for (i = 0; i < nzs; i++) {
		init_state(&zs[i], &c->zones[i]);
		timer_arm(&zs[i].refresh, rnd() % 500);
	}
	return 0;
}

int
zones_reload(const struct conf *c)
{
	struct zstate *nz = calloc(c->nzones ? c->nzones : 1, sizeof *nz);
	size_t i, j;

	if (nz == NULL)
		return -1;
	for (i = 0; i < c->nzones; i++) {
		init_state(&nz[i], &c->zones[i]);
		for (j = 0; j < nzs; j++)
			if (zs[j].cz != NULL &&
			    dns_name_eq(zs[j].cz->name, c->zones[i].name)) {
				nz[i].data = zs[j].data;
				nz[i].last_ok = zs[j].last_ok;
				nz[i].n_notify = zs[j].n_notify;
				nz[i].n_ixfr = zs[j].n_ixfr;
				nz[i].n_axfr = zs[j].n_axfr;
				nz[i].n_changes = zs[j].n_changes;
				zs[j].data = NULL;
			}
		timer_arm(&nz[i].refresh, rnd() % 500);
	}
	zones_stop();
	zs = nz;
	nzs = c->nzones;
	return 0;
}

void
zones_stop(void)
{
	size_t i;

	for (i = 0; i < nzs; i++) {
		cancel(&zs[i]);
		retire(zs[i].data);
	}
	free(zs);
	zs = NULL;
	nzs = 0;
}

struct zstate *
zones_find(const uint8_t *name)
{
	size_t i;

	for (i = 0; i < nzs; i++)
		if (dns_name_eq(zs[i].cz->name, name))
			return &zs[i];
	return NULL;
}

const struct conf_zone *
zones_conf(const struct zstate *z)
{
	return z->cz;
}

const struct zone *
zones_data(const struct zstate *z)
{
	return z->data;
}

void
zones_notify(struct zstate *z, const struct notify_req *req)
{
	z->n_notify++;
	if (req->has_soa && z->data != NULL && z->phase == P_IDLE &&
	    dns_serial_cmp(req->soa_serial, zone_serial(z->data)) !=
	    DNS_SERIAL_GT) {
		log_debug("zone %s: NOTIFY with serial %lu: nothing new", z->name,
		    (unsigned long)req->soa_serial);
		return;
	}
	check(z);
}

void
zones_refresh(struct zstate *z)
{
	check(z);
}

void
zones_retransfer(struct zstate *z)
{
	if (z->phase != P_IDLE) {
		z->force_axfr = 1;
		z->recheck = 1;
		return;
	}
	z->force_axfr = 1;
	check(z);
}

static void
when(uint64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0) {
		snprintf(buf, cap, "never");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
zones_status(void (*emit)(void *ctx, const char *line), void *ctx)
{
	static const char *const phases[] = { "idle", "checking",
		"transferring" };
	char line[2048], ok[32], exp[32], serial[16];
	size_t i;

	for (i = 0; i < nzs; i++) {
		struct zstate *z = &zs[i];

		when(z->last_ok, ok, sizeof ok);
		when(z->data ? z->expire_at : 0, exp, sizeof exp);
		if (z->data)
			snprintf(serial, sizeof serial, "%lu",
			    (unsigned long)zone_serial(z->data));
		else
			snprintf(serial, sizeof serial, "-");
		snprintf(line, sizeof line, "%s serial %s rrs %zu state %s%s "
		    "last-refresh %s expires %s notifies %llu ixfr %llu axfr %llu "
		    "last-error \"%s\"", z->name, serial, z->data ?
		    zone_rr_count(z->data) : 0, phases[z->phase],
		    z->expired ? " EXPIRED" : "", ok, exp,
		    (unsigned long long)z->n_notify,
		    (unsigned long long)z->n_ixfr, (unsigned long long)z->n_axfr,
		    z->last_err);
		if (CFG_ROUTE53)
			push_status(z->cz->name, line, sizeof line);
		emit(ctx, line);
	}
}
