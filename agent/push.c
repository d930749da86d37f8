/* push.c — the per-zone Route53 push state machine of the daemon (push.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "agent/cred.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/push.h"
#include "agent/r53state.h"
#include "agent/route53.h"
#include "agent/route53_batch.h"
#include "agent/route53_map.h"
#include "agent/zones.h"
#include "net/rrtype.h"

enum pphase { PP_IDLE, PP_PROBING, PP_LISTING, PP_PUSHING };
enum probe_kind { PROBE_START, PROBE_PUSH, PROBE_REFUSED };

struct pzone {
	uint8_t apex[DNS_NAME_MAX];
	char name[DNS_NAME_TEXT_MAX];
	char hzid[CONF_HZID_MAX];
	enum pphase phase;
	int dirty;                   /* Route53 unknown: reconcile next */
	int pending;                 /* a version arrived during work */
	int reconciling;             /* the push in flight is a reconcile's */
	int synced;                  /* synced_serial is meaningful */
	uint32_t synced_serial, target_serial;
	uint64_t last_push;          /* wall seconds, 0: never */
	uint64_t behind_since;       /* wall seconds; 0: not behind */
	unsigned failures;
	struct r53_counters cnt;     /* this zone's requests */
	struct loop_timer backoff;
	/* the state file, as read at start (used once) */
	int have_state;
	uint32_t state_serial;
	/* the SOA serial check (PP_PROBING) */
	enum probe_kind probe;
	int probe_found;             /* Route53's apex SOA was read */
	uint32_t probe_serial;
	/* drift checks */
	struct loop_timer drift;
	int drift_run;               /* the reconcile in flight is one */
	int skips_told;              /* skipped types were warned about */
	/* Route53's listing (during a reconcile) */
	struct r53_rrset *sets;
	size_t nsets, capsets;
	/* kept from the last listing: the apex SOA and the protected sets */
	int have_soa;
	struct r53_rrset soa;
	char *soa_mem;
	struct r53_guard guard;
	/* the push in flight */
	struct r53_changes ch;
	struct r53_plan plan;
	size_t next;
	char *body;
	struct r53_req req;
};

static struct pzone **pz;
static size_t npz;
static int cred_ready;
static struct r53_limits lim;
static struct {
	char state_dir[CONF_PATH_MAX];
	uint32_t drift;              /* seconds, 0: off */
	int soa_serial;
	struct r53_map_opts opts;
} P;

static void reconcile(struct pzone *p);
static void probe(struct pzone *p, enum probe_kind kind);

/* ---- helpers ----------------------------------------------------------- */

static struct pzone *
find(const uint8_t *apex)
{
	size_t i;

	for (i = 0; i < npz; i++)
		if (dns_name_eq(pz[i]->apex, apex))
			return pz[i];
	return NULL;
}

static void
free_sets(struct pzone *p)
{
	size_t i;

	for (i = 0; i < p->nsets; i++)
		free((void *)(uintptr_t)p->sets[i].values);
	free(p->sets);
	p->sets = NULL;
	p->nsets = p->capsets = 0;
}

static void
free_work(struct pzone *p)
{
	free(p->body);
	p->body = NULL;
	r53_plan_free(&p->plan);
	memset(&p->plan, 0, sizeof p->plan);
	r53_changes_free(&p->ch);
	r53_changes_init(&p->ch);
	p->next = 0;
}

/* Copy set into one allocation (values array, values, name). */
static char *
copy_set(struct r53_rrset *dst, const struct r53_rrset *src)
{
	size_t i, len, nv = src->nvalues;
	const char **vals;
	char *q;

	len = nv * sizeof(char *) + strlen(src->name) + 1;
	for (i = 0; i < nv; i++)
		len += strlen(src->values[i]) + 1;
	if ((vals = malloc(len ? len : 1)) == NULL)
		return NULL;
	q = (char *)(vals + nv);
	*dst = *src;
	for (i = 0; i < nv; i++) {
		vals[i] = q;
		q = stpcpy(q, src->values[i]) + 1;
	}
	dst->name = strcpy(q, src->name);
	dst->values = vals;
	return (char *)vals;
}

static void
keep_soa(struct pzone *p, const struct r53_rrset *s)
{
	struct r53_rrset c;
	char *mem = copy_set(&c, s);

	if (mem == NULL)
		return;
	free(p->soa_mem);
	p->soa_mem = mem;
	p->soa = c;
	p->have_soa = 1;
}

/* 1 if s is Route53's own apex SOA for p (not an alias, our apex). */
static int
is_apex_soa(const struct pzone *p, const struct r53_rrset *s)
{
	uint8_t w[DNS_NAME_MAX];

	return s->type == DNS_T_SOA && !(s->flags & (R53_ALIAS | R53_SETID)) &&
	    r53_name_from_text(s->name, strlen(s->name), w) > 0 &&
	    dns_name_eq(w, p->apex);
}

static void
map_opts(struct r53_map_opts *o)
{
	*o = P.opts;
}

static void
save_state(struct pzone *p)
{
	char err[512];

	if (P.state_dir[0] == '\0')
		return;
	if (r53_state_save(P.state_dir, p->name, p->hzid, p->synced_serial,
	    p->last_push, p->guard.n ? &p->guard : NULL, err, sizeof err) != 0)
		log_warnx("zone %s: cannot record the synced serial: %s",
		    p->name, err);
}

/* The serial of the version zones.c holds now, or -1 (none loaded). */
static int64_t
current_serial(const struct pzone *p)
{
	struct zstate *z = zones_find(p->apex);
	const struct zone *d = z != NULL ? zones_data(z) : NULL;

	return d != NULL ? (int64_t)zone_serial(d) : -1;
}

static void
free_pzone(struct pzone *p)
{
	r53_cancel(&p->req);
	timer_disarm(&p->backoff);
	timer_disarm(&p->drift);
	free_work(p);
	r53_changes_free(&p->ch);
	free_sets(p);
	free(p->soa_mem);
	r53_guard_free(&p->guard);
	free(p);
}

/* ---- ending a sync ------------------------------------------------------ */

static void
on_backoff(struct loop_timer *t)
{
	struct pzone *p = t->ctx;

	if (p->phase == PP_IDLE && p->dirty)
		reconcile(p);
}

/* Every drift-check seconds: a full reconcile of an idle, synced zone
 * (a busy or dirty one is being reconciled anyway). */
static void
on_drift(struct loop_timer *t)
{
	struct pzone *p = t->ctx;

	if (P.drift == 0)
		return;         /* turned off by a reload */
	timer_arm(&p->drift, (uint64_t)P.drift * 1000);
	if (p->phase != PP_IDLE || p->dirty || !p->synced || !cred_ready)
		return;
	log_debug("zone %s: drift check", p->name);
	p->drift_run = 1;
	reconcile(p);
}

static void
set_dirty(struct pzone *p, const char *why)
{
	uint64_t ms = PUSH_RETRY_FIRST_MS;
	unsigned i;
	uint32_t r;

	free_work(p);
	free_sets(p);
	p->phase = PP_IDLE;
	p->dirty = 1;
	p->pending = 0;
	p->reconciling = 0;
	for (i = 0; i < p->failures && ms < PUSH_RETRY_MAX_MS; i++)
		ms *= 2;
	if (ms > PUSH_RETRY_MAX_MS)
		ms = PUSH_RETRY_MAX_MS;
	p->failures++;
	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		r = 0;
	ms = ms / 2 + r % (ms / 2 + 1);  /* half fixed, half jitter */
	log_warnx("zone %s: push to Route53 failed: %s; dirty, reconcile in "
	    "%llu ms", p->name, why, (unsigned long long)ms);
	timer_arm(&p->backoff, ms);
}

/* Route53 holds the zone at p->target_serial: record it. */
static void
in_sync(struct pzone *p)
{
	free_work(p);
	p->phase = PP_IDLE;
	p->synced = 1;
	p->synced_serial = p->target_serial;
	p->last_push = loop_wall();
	p->dirty = 0;
	p->failures = 0;
	p->reconciling = 0;
	p->drift_run = 0;
	if (current_serial(p) == (int64_t)p->synced_serial)
		p->behind_since = 0;
	save_state(p);
	if (P.drift && !p->drift.armed)
		timer_arm(&p->drift, (uint64_t)P.drift * 1000);
	if (p->pending) {
		p->pending = 0;
		p->dirty = 1;
		reconcile(p);
	}
}

/* Every batch of the push landed. */
static void
synced(struct pzone *p)
{
	size_t i;

	/* Route53's SOA is now the one we pushed. */
	for (i = 0; i < p->ch.n; i++)
		if (p->ch.v[i].set.type == DNS_T_SOA &&
		    p->ch.v[i].action != R53_DELETE)
			keep_soa(p, &p->ch.v[i].set);
	if (p->drift_run && p->plan.changes > 0)
		log_warnx("zone %s: drift check: Route53 differed from the zone "
		    "(%zu changes pushed)", p->name, p->plan.changes);
	else if (p->drift_run)
		log_info("zone %s: drift check: Route53 equals the zone",
		    p->name);
	log_info("zone %s: Route53 in sync at serial %lu (%zu request%s)",
	    p->name, (unsigned long)p->target_serial, p->plan.nb,
	    p->plan.nb == 1 ? "" : "s");
	in_sync(p);
}

/* ---- pushing ------------------------------------------------------------- */

static void push_next(struct pzone *p);

static void
pushed(struct r53_req *r, enum r53_class cls)
{
	struct pzone *p = r->ctx;

	free(p->body);
	p->body = NULL;
	if (cls == R53_C_OK) {
		log_debug("zone %s: request %zu of %zu: change %s INSYNC",
		    p->name, p->next, p->plan.nb, r->info.id);
		push_next(p);
		return;
	}
	if (cls == R53_C_RECONCILE && !p->reconciling) {
		log_warnx("zone %s: %s: Route53 is not what the agent believed",
		    p->name, r->why);
		if (P.soa_serial && p->have_soa) {
			/* another agent, or our own retried request, may have
			 * done it all: read the SOA before a full listing */
			free_work(p);
			p->dirty = 1;
			probe(p, PROBE_REFUSED);
			return;
		}
		free_work(p);
		p->phase = PP_IDLE;
		p->dirty = 1;
		reconcile(p);
		return;
	}
	p->synced = 0;  /* some batches may have landed */
	set_dirty(p, r->why);
}

static void
push_next(struct pzone *p)
{
	const struct r53_batch *b;
	struct dns_tb t;
	size_t n;

	if (p->next == p->plan.nb) {
		synced(p);
		return;
	}
	b = &p->plan.b[p->next++];
	dns_tb_init(&t, NULL, 0);
	n = r53_batch_xml(&t, p->ch.v, p->plan.idx + b->first, b->n, "xfrsync");
	if ((p->body = malloc(n + 1)) == NULL) {
		set_dirty(p, "out of memory");
		return;
	}
	dns_tb_init(&t, p->body, n + 1);
	r53_batch_xml(&t, p->ch.v, p->plan.idx + b->first, b->n, "xfrsync");
	if (r53_change(&p->req, p->hzid, p->body, n, pushed, p) != 0)
		set_dirty(p, p->req.why);
}

static void
warn_stats(struct pzone *p)
{
	char t[32];
	size_t i;

	for (i = 0; i < p->plan.nrej; i++) {
		const struct r53_change *c = &p->ch.v[p->plan.rej[i].change];

		dns_type_to_text(c->set.type, t, sizeof t);
		log_warnx("zone %s: %s %s cannot be pushed: %s", p->name,
		    c->set.name, t, r53_reject_text(p->plan.rej[i].why));
	}
	/* once per zone: later reconciles (drift checks) say it quietly */
	for (i = 0; i < p->ch.st.nskip && p->reconciling; i++) {
		dns_type_to_text(p->ch.st.skip[i].type, t, sizeof t);
		(p->skips_told ? log_debug : log_warnx)("zone %s: %zu %s RRsets "
		    "skipped: Route53 cannot hold the type", p->name,
		    p->ch.st.skip[i].rrsets, t);
	}
	if (p->ch.st.nskip && p->reconciling)
		p->skips_told = 1;
	if (p->ch.st.protected_sets)
		log_info("zone %s: %zu RRsets not pushed: alias or "
		    "routing-policy sets in Route53", p->name,
		    p->ch.st.protected_sets);
}

/* The changes are in p->ch: pack and push them. */
static void
push_changes(struct pzone *p)
{
	if (p->ch.err != 0 || r53_plan_make(&p->ch, &lim, &p->plan) != 0) {
		set_dirty(p, "out of memory");
		return;
	}
	warn_stats(p);
	log_info("zone %s: %s to serial %lu: %zu changes in %zu request%s",
	    p->name, p->reconciling ? "reconcile" : "incremental push",
	    (unsigned long)p->target_serial, p->plan.changes, p->plan.nb,
	    p->plan.nb == 1 ? "" : "s");
	p->phase = PP_PUSHING;
	p->next = 0;
	push_next(p);
}

/* ---- reconcile ------------------------------------------------------------ */

static int
keep_set(void *ctx, const struct r53_lrec *rec)
{
	struct pzone *p = ctx;

	if (p->nsets == p->capsets) {
		size_t cap = p->capsets ? 2 * p->capsets : 256;
		struct r53_rrset *n = realloc(p->sets, cap * sizeof *n);

		if (n == NULL)
			return R53_ENOMEM;
		p->sets = n;
		p->capsets = cap;
	}
	if (copy_set(&p->sets[p->nsets], &rec->set) == NULL)
		return R53_ENOMEM;
	p->nsets++;
	return 0;
}

static void
listed(struct r53_req *r, enum r53_class cls)
{
	struct pzone *p = r->ctx;
	struct zstate *z;
	const struct zone *data;
	struct r53_map_opts o;
	size_t i;

	if (cls != R53_C_OK) {
		set_dirty(p, r->why);
		return;
	}
	z = zones_find(p->apex);
	data = z != NULL ? zones_data(z) : NULL;
	if (data == NULL) {  /* nothing to push yet */
		free_sets(p);
		p->phase = PP_IDLE;
		p->reconciling = 0;
		return;
	}
	/* keep what the incremental path needs from this listing */
	r53_guard_free(&p->guard);
	memset(&p->guard, 0, sizeof p->guard);
	if (r53_guard_init(&p->guard, p->sets, p->nsets) != 0) {
		set_dirty(p, "out of memory");
		return;
	}
	p->have_soa = 0;
	for (i = 0; i < p->nsets; i++)
		if (is_apex_soa(p, &p->sets[i]))
			keep_soa(p, &p->sets[i]);
	map_opts(&o);
	free_work(p);
	p->target_serial = zone_serial(data);
	if (r53_diff_full(data, p->sets, p->nsets, &o, &p->ch) != 0) {
		set_dirty(p, "out of memory");
		return;
	}
	log_debug("zone %s: listing of %s: %zu sets in %u pages, %zu unchanged",
	    p->name, p->hzid, p->nsets, r->pages, p->ch.st.unchanged);
	free_sets(p);
	push_changes(p);
}

static void
reconcile(struct pzone *p)
{
	if (p->phase != PP_IDLE) {
		p->pending = 1;
		return;
	}
	timer_disarm(&p->backoff);
	p->dirty = 1;
	if (!cred_ready)
		return;  /* on_cred starts it */
	free_sets(p);
	free_work(p);
	p->reconciling = 1;
	p->phase = PP_LISTING;
	if (r53_list(&p->req, p->hzid, keep_set, p, listed, p) != 0)
		set_dirty(p, p->req.why);
}

/* ---- the SOA serial check ---------------------------------------------------- */

static int
probe_set(void *ctx, const struct r53_lrec *rec)
{
	struct pzone *p = ctx;

	if (is_apex_soa(p, &rec->set) &&
	    r53_soa_serial(&rec->set, &p->probe_serial) == 0) {
		p->probe_found = 1;
		keep_soa(p, &rec->set);
	}
	return 0;
}

/* At start: the state file, Route53's SOA and the zone agree → in sync
 * without a listing; anything else → a full reconcile. */
static void
probed_start(struct pzone *p)
{
	int64_t cur = current_serial(p);

	if (!p->probe_found || cur < 0 || p->probe_serial != p->state_serial ||
	    (uint32_t)cur != p->state_serial || p->pending) {
		log_info("zone %s: Route53's SOA serial %s%lu, the state file's "
		    "%lu, the zone's %lld: reconciling", p->name,
		    p->probe_found ? "" : "unknown ", (unsigned long)
		    p->probe_serial, (unsigned long)p->state_serial,
		    (long long)cur);
		p->phase = PP_IDLE;
		p->pending = 0;
		reconcile(p);
		return;
	}
	log_info("zone %s: Route53 already at serial %lu, as the state file "
	    "says: no listing needed", p->name, (unsigned long)p->state_serial);
	p->target_serial = p->state_serial;
	in_sync(p);
}

/* Before an incremental push (changes in p->ch): skip work another agent
 * did, push onto the base we know, reconcile anything else. */
static void
probed_push(struct pzone *p)
{
	if (!p->probe_found || p->probe_serial == p->synced_serial) {
		push_changes(p);
		return;
	}
	if (p->probe_serial == p->target_serial) {
		log_info("zone %s: Route53 already holds serial %lu (another "
		    "agent?): nothing to push", p->name,
		    (unsigned long)p->target_serial);
		in_sync(p);
		return;
	}
	log_warnx("zone %s: Route53's SOA serial is %lu, expected %lu: "
	    "reconciling", p->name, (unsigned long)p->probe_serial,
	    (unsigned long)p->synced_serial);
	free_work(p);
	p->phase = PP_IDLE;
	p->dirty = 1;
	reconcile(p);
}

/* After a refused incremental push: Route53 at the target serial means
 * the work is done (all batches land before the SOA's); else reconcile. */
static void
probed_refused(struct pzone *p)
{
	p->phase = PP_IDLE;
	if (p->probe_found && p->probe_serial == p->target_serial &&
	    !p->pending) {
		log_info("zone %s: Route53 already holds serial %lu (another "
		    "agent?): no listing needed", p->name,
		    (unsigned long)p->target_serial);
		in_sync(p);
		return;
	}
	p->pending = 0;
	reconcile(p);
}

static void
probed(struct r53_req *r, enum r53_class cls)
{
	struct pzone *p = r->ctx;

	if (cls != R53_C_OK) {
		set_dirty(p, r->why);
		return;
	}
	if (p->probe == PROBE_START)
		probed_start(p);
	else if (p->probe == PROBE_PUSH)
		probed_push(p);
	else
		probed_refused(p);
}

static void
probe(struct pzone *p, enum probe_kind kind)
{
	p->phase = PP_PROBING;
	p->probe = kind;
	p->probe_found = 0;
	if (r53_list_soa(&p->req, p->hzid, p->name, probe_set, p, probed,
	    p) != 0)
		set_dirty(p, p->req.why);
}

/* The first sync after start (the zone at serial cur): the cheap check
 * when the state file can vouch for Route53, else a full reconcile. */
static void
resync(struct pzone *p, int64_t cur)
{
	if (p->phase == PP_IDLE && !p->synced && p->have_state &&
	    P.soa_serial && cred_ready && cur == (int64_t)p->state_serial) {
		p->have_state = 0;  /* once */
		probe(p, PROBE_START);
		return;
	}
	reconcile(p);
}

/* ---- the hook --------------------------------------------------------------- */

void
push_changed(const uint8_t *apex, const struct zone *old,
    const struct zone *new)
{
	struct pzone *p = find(apex);
	struct r53_map_opts o;

	if (p == NULL || new == NULL)
		return;
	if (p->behind_since == 0 && (!p->synced ||
	    zone_serial(new) != p->synced_serial))
		p->behind_since = loop_wall();
	if (p->phase != PP_IDLE) {
		p->pending = 1;     /* one reconcile after the work in flight */
		return;
	}
	if (p->dirty || !p->synced || old == NULL || !cred_ready ||
	    zone_serial(old) != p->synced_serial) {
		if (p->backoff.armed) {
			p->dirty = 1;   /* the back-off timer reconciles */
			return;
		}
		resync(p, zone_serial(new));
		return;
	}
	map_opts(&o);
	o.guard = p->guard.n ? &p->guard : NULL;
	free_work(p);
	p->target_serial = zone_serial(new);
	p->reconciling = 0;
	if (r53_diff_zones(old, new, p->have_soa ? &p->soa : NULL, &o,
	    &p->ch) != 0) {
		set_dirty(p, "out of memory");
		return;
	}
	if (P.soa_serial && p->have_soa)
		probe(p, PROBE_PUSH);   /* then push_changes() */
	else
		push_changes(p);
}

int
push_reconcile(const uint8_t *apex)
{
	struct pzone *p = find(apex);

	if (p == NULL)
		return -1;
	log_info("zone %s: reconcile requested", p->name);
	p->failures = 0;
	reconcile(p);
	return 0;
}

/* ---- credentials ------------------------------------------------------------- */

static void
on_cred(void *ctx, int ev)
{
	size_t i;

	(void)ctx;
	if ((ev == CRED_EV_READY || ev == CRED_EV_REFRESHED) && !cred_ready) {
		cred_ready = 1;
		log_info("route53: credentials ready (%s)", cred_source_in_use());
		for (i = 0; i < npz; i++)
			if (pz[i]->phase == PP_IDLE && pz[i]->dirty &&
			    !pz[i]->backoff.armed && current_serial(pz[i]) >= 0)
				resync(pz[i], current_serial(pz[i]));
	} else if (ev == CRED_EV_FAILED && !cred_ready) {
		log_warnx("route53: no credentials yet: %s", cred_failure());
	}
}

/* ---- life cycle ----------------------------------------------------------------- */

int
push_wanted(const struct conf *c)
{
	size_t i;

	if (c->aws.line == 0)
		return 0;
	for (i = 0; i < c->nzones; i++)
		if (c->zones[i].hosted_zone_id[0] != '\0')
			return 1;
	return 0;
}

/* The state file of p, if it is about the same hosted zone. */
static void
load_state(struct pzone *p)
{
	struct r53_state st;
	char err[512];
	const char *a, *b;
	int rc;

	if (P.state_dir[0] == '\0')
		return;
	rc = r53_state_load(P.state_dir, p->name, &st, err, sizeof err);
	if (rc < 0)
		log_warnx("zone %s: state file ignored: %s", p->name, err);
	if (rc <= 0)
		return;
	a = strncmp(st.hzid, "/hostedzone/", 12) ? st.hzid : st.hzid + 12;
	b = strncmp(p->hzid, "/hostedzone/", 12) ? p->hzid : p->hzid + 12;
	if (strcmp(a, b) == 0 &&
	    r53_guard_init(&p->guard, st.prot, st.nprot) == 0) {
		p->have_state = 1;
		p->state_serial = st.serial;
		log_debug("zone %s: state file: serial %lu synced to %s", p->name,
		    (unsigned long)st.serial, p->hzid);
	} else {
		r53_guard_free(&p->guard);
	}
	r53_state_free(&st);
}

static struct pzone *
new_pzone(const struct conf_zone *cz)
{
	struct pzone *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	memcpy(p->apex, cz->name, dns_name_len(cz->name));
	dns_name_to_text(cz->name, p->name, sizeof p->name);
	snprintf(p->hzid, sizeof p->hzid, "%s", cz->hosted_zone_id);
	r53_changes_init(&p->ch);
	p->backoff.cb = on_backoff;
	p->backoff.ctx = p;
	p->drift.cb = on_drift;
	p->drift.ctx = p;
	p->req.zc = &p->cnt;
	p->dirty = 1;  /* nothing known of Route53 yet */
	load_state(p);
	return p;
}

static int
build(const struct conf *c, struct pzone ***out, size_t *nout,
    struct pzone **old, size_t nold)
{
	struct pzone **v = calloc(c->nzones ? c->nzones : 1, sizeof *v);
	size_t i, j, n = 0;

	if (v == NULL)
		return -1;
	for (i = 0; c->aws.line != 0 && i < c->nzones; i++) {
		const struct conf_zone *cz = &c->zones[i];

		if (cz->hosted_zone_id[0] == '\0')
			continue;
		for (j = 0; j < nold; j++)
			if (old[j] != NULL && dns_name_eq(old[j]->apex,
			    cz->name) && strcmp(old[j]->hzid,
			    cz->hosted_zone_id) == 0)
				break;
		if (j < nold) {
			v[n++] = old[j];
			old[j] = NULL;
			continue;
		}
		if ((v[n] = new_pzone(cz)) == NULL) {
			while (n > 0)
				free_pzone(v[--n]);
			free(v);
			return -1;
		}
		n++;
	}
	*out = v;
	*nout = n;
	return 0;
}

static void
read_policy(const struct conf *c)
{
	snprintf(P.state_dir, sizeof P.state_dir, "%s", c->state_dir);
	P.drift = c->aws.drift_check;
	P.soa_serial = c->aws.soa_serial;
	push_map_opts(&c->aws, &P.opts);
}

void
push_map_opts(const struct conf_aws *a, struct r53_map_opts *o)
{
	r53_map_opts_default(o);
	o->apex_ns = a->apex_ns;
	o->soa = a->soa_serial ? R53_SOA_SERIAL : R53_SOA_OFF;
}

int
push_start(const struct conf *c)
{
	read_policy(c);
	if (build(c, &pz, &npz, NULL, 0) != 0)
		return -1;
	r53_limits_default(&lim);
	if (c->aws.max_changes)
		lim.changes = c->aws.max_changes;
	if (npz > 0) {
		log_info("route53: %zu zone%s to push to %s", npz,
		    npz == 1 ? "" : "s", c->aws.endpoint);
		cred_start(on_cred, NULL);
	}
	return 0;
}

int
push_reload(const struct conf *c)
{
	struct pzone **v;
	size_t n, i;

	if (npz == 0 && pz == NULL)
		return 0;  /* not started: the aws block is read at start */
	read_policy(c);
	if (build(c, &v, &n, pz, npz) != 0)
		return -1;
	for (i = 0; i < npz; i++)
		if (pz[i] != NULL)
			free_pzone(pz[i]);
	free(pz);
	pz = v;
	npz = n;
	return 0;
}

void
push_stop(void)
{
	size_t i;

	for (i = 0; i < npz; i++)
		free_pzone(pz[i]);
	free(pz);
	pz = NULL;
	npz = 0;
	cred_ready = 0;
}

/* ---- status ------------------------------------------------------------------------ */

void
push_status(const uint8_t *apex, char *buf, size_t cap)
{
	struct pzone *p = find(apex);
	size_t len = strlen(buf);
	char serial[16], when[32], lag[24];
	const char *state;
	uint64_t now = loop_wall();

	if (p == NULL || len >= cap)
		return;
	if (p->synced)
		snprintf(serial, sizeof serial, "%lu",
		    (unsigned long)p->synced_serial);
	else
		snprintf(serial, sizeof serial, "-");
	if (p->last_push) {
		time_t tt = (time_t)p->last_push;
		struct tm tm;

		gmtime_r(&tt, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	} else
		snprintf(when, sizeof when, "never");
	if (current_serial(p) < 0)
		snprintf(lag, sizeof lag, "-");
	else
		snprintf(lag, sizeof lag, "%llu", (unsigned long long)
		    (p->behind_since && now > p->behind_since ?
		    now - p->behind_since : 0));
	state = p->phase != PP_IDLE ? "pushing" : p->dirty ? "dirty" : "idle";
	snprintf(buf + len, cap - len, " r53-serial %s last-push %s lag %s "
	    "push-state %s r53-calls %lu r53-list %lu r53-change %lu "
	    "r53-getchange %lu r53-retries %lu r53-throttles %lu", serial, when,
	    lag, state, p->cnt.calls[R53_CALL_LIST] +
	    p->cnt.calls[R53_CALL_CHANGE] + p->cnt.calls[R53_CALL_GET_CHANGE],
	    p->cnt.calls[R53_CALL_LIST], p->cnt.calls[R53_CALL_CHANGE],
	    p->cnt.calls[R53_CALL_GET_CHANGE], p->cnt.retries,
	    p->cnt.throttles);
}
