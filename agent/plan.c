/*
 * plan.c — `xfrsync plan` and `xfrsync sync` (plan.h).
 *
 * One pass on the loop: transfer (xfrjob, AXFR) -> credentials (cred) ->
 * listing (r53_list) -> diff and plan (pure) -> print -> for sync, each
 * request (r53_change, INSYNC) in order.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent/conf.h"
#include "agent/cred.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/plan.h"
#include "agent/resolve.h"
#include "agent/push.h"
#include "agent/route53.h"
#include "agent/route53_batch.h"
#include "agent/route53_map.h"
#include "agent/xfrjob.h"
#include "net/rrtype.h"

static struct conf conf;

static struct {
	const char *cmd;                /* "plan" or "sync" */
	int push;
	const struct conf_zone *cz;
	char zname[DNS_NAME_TEXT_MAX];
	size_t primary;
	struct xfrjob xj;
	struct zone *z;
	int cred_ready;
	struct r53_req req;
	struct r53_rrset *sets;         /* Route53's listing, copies */
	size_t nsets, capsets;
	struct r53_changes ch;
	struct r53_limits lim;
	struct r53_plan plan;
	size_t next;                    /* sync: next request */
	char *body;
	int rc;                         /* exit status once stopped */
	char why[sizeof ((struct r53_req *)0)->why + 128];
} S;

static void stop(int rc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
stop(int rc, const char *fmt, ...)
{
	va_list ap;

	S.rc = rc;
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(S.why, sizeof S.why, fmt, ap);
		va_end(ap);
	}
	loop_stop();
}

/* ---- Route53's listing, kept ------------------------------------------- */

static int
keep_set(void *ctx, const struct r53_lrec *rec)
{
	struct r53_rrset *s;
	size_t i, len, nv = rec->set.nvalues;
	char *p;
	const char **vals;

	(void)ctx;
	if (S.nsets == S.capsets) {
		size_t cap = S.capsets ? 2 * S.capsets : 256;
		struct r53_rrset *n = realloc(S.sets, cap * sizeof *n);

		if (n == NULL)
			return R53_ENOMEM;
		S.sets = n;
		S.capsets = cap;
	}
	len = nv * sizeof(char *) + strlen(rec->set.name) + 1;
	for (i = 0; i < nv; i++)
		len += strlen(rec->set.values[i]) + 1;
	if ((vals = malloc(len)) == NULL)
		return R53_ENOMEM;
	p = (char *)(vals + nv);
	s = &S.sets[S.nsets++];
	*s = rec->set;
	for (i = 0; i < nv; i++) {
		vals[i] = p;
		p = stpcpy(p, rec->set.values[i]) + 1;
	}
	s->name = strcpy(p, rec->set.name);
	s->values = vals;
	return 0;
}

static void
free_sets(void)
{
	size_t i;

	for (i = 0; i < S.nsets; i++)
		free((void *)(uintptr_t)S.sets[i].values);
	free(S.sets);
	S.sets = NULL;
	S.nsets = 0;
}

static const struct r53_rrset *
listed(const struct r53_rrset *set)
{
	size_t i;

	for (i = 0; i < S.nsets; i++)
		if (S.sets[i].type == set->type && !(S.sets[i].flags &
		    (R53_ALIAS | R53_SETID)) &&
		    r53_name_cmp(S.sets[i].name, set->name) == 0)
			return &S.sets[i];
	return NULL;
}

/* ---- printing ---------------------------------------------------------- */

static void
print_set(char sign, const struct r53_rrset *s)
{
	char t[32];
	size_t i;

	dns_type_to_text(s->type, t, sizeof t);
	for (i = 0; i < s->nvalues; i++)
		printf("%c %s %lu %s %s\n", sign, s->name,
		    (unsigned long)s->ttl, t, s->values[i]);
}

static void
print_warnings(void)
{
	char t[32];
	size_t i;

	for (i = 0; i < S.ch.st.nskip; i++) {
		dns_type_to_text(S.ch.st.skip[i].type, t, sizeof t);
		fprintf(stderr, "xfrsync %s: warning: %s: %zu %s RRset%s (%zu "
		    "RRs) skipped: Route53 cannot hold the type\n", S.cmd,
		    S.zname, S.ch.st.skip[i].rrsets, t,
		    S.ch.st.skip[i].rrsets == 1 ? "" : "s", S.ch.st.skip[i].rrs);
	}
	if (S.ch.st.protected_sets)
		fprintf(stderr, "xfrsync %s: warning: %s: %zu RRsets not pushed: "
		    "alias or routing-policy sets in Route53\n", S.cmd, S.zname,
		    S.ch.st.protected_sets);
	if (S.ch.st.ttl_conflicts)
		fprintf(stderr, "xfrsync %s: warning: %s: %zu RRsets with "
		    "differing TTLs: the lowest is used\n", S.cmd, S.zname,
		    S.ch.st.ttl_conflicts);
	if (S.ch.st.r53_unread)
		fprintf(stderr, "xfrsync %s: warning: %s: %zu Route53 names or "
		    "values unreadable\n", S.cmd, S.zname, S.ch.st.r53_unread);
	if (S.ch.st.soa_unknown)
		fprintf(stderr, "xfrsync %s: warning: %s: Route53's SOA is "
		    "unreadable: the serial is not pushed\n", S.cmd, S.zname);
	for (i = 0; i < S.plan.nrej; i++) {
		const struct r53_change *c = &S.ch.v[S.plan.rej[i].change];

		dns_type_to_text(c->set.type, t, sizeof t);
		fprintf(stderr, "xfrsync %s: warning: %s %s cannot be pushed: "
		    "%s\n", S.cmd, c->set.name, t,
		    r53_reject_text(S.plan.rej[i].why));
	}
}

static size_t
ceil_div(size_t a, size_t b)
{
	return b ? (a + b - 1) / b : 0;
}

static void
print_plan(void)
{
	const struct r53_plan *p = &S.plan;
	size_t b, k, need[3];
	const char *what[3] = { "records", "characters", "changes" };
	const char *bind = "none";

	for (b = 0; b < p->nb; b++) {
		printf("; request %zu of %zu: %zu changes, %zu records, %zu "
		    "characters\n", b + 1, p->nb, p->b[b].n, p->b[b].records,
		    p->b[b].chars);
		for (k = 0; k < p->b[b].n; k++) {
			const struct r53_change *c = &S.ch.v[p->idx[p->b[b].first +
			    k]];
			const struct r53_rrset *old;

			if (c->action == R53_DELETE) {
				print_set('-', &c->set);
				continue;
			}
			if (c->action == R53_UPSERT && (old = listed(&c->set)))
				print_set('-', old);
			print_set('+', &c->set);
		}
	}
	need[0] = ceil_div(p->records, S.lim.records);
	need[1] = ceil_div(p->chars, S.lim.chars);
	need[2] = ceil_div(p->changes, S.lim.changes);
	for (k = 0; k < 3; k++)
		if (need[k] > 1 && need[k] == p->min_batches)
			bind = what[k];
	printf("plan: %zu changes in %zu request%s (at least %zu); %zu "
	    "records of %zu, %zu characters of %zu, %zu changes of %zu per "
	    "request; binding limit: %s\n", p->changes, p->nb,
	    p->nb == 1 ? "" : "s", p->min_batches, p->records, S.lim.records,
	    p->chars, S.lim.chars, p->changes, S.lim.changes, bind);
	fflush(stdout);
}

static void
print_calls(void)
{
	const struct r53_counters *c = r53_counters();

	printf("calls: %s %lu, %s %lu, %s %lu; retries %lu, throttles %lu\n",
	    r53_call_name(R53_CALL_LIST), c->calls[R53_CALL_LIST],
	    r53_call_name(R53_CALL_CHANGE), c->calls[R53_CALL_CHANGE],
	    r53_call_name(R53_CALL_GET_CHANGE), c->calls[R53_CALL_GET_CHANGE],
	    c->retries, c->throttles);
	fflush(stdout);
}

/* ---- the steps --------------------------------------------------------- */

static void push_next(void);

static void
pushed(struct r53_req *r, enum r53_class cls)
{
	free(S.body);
	S.body = NULL;
	if (cls != R53_C_OK) {
		stop(1, "%s%s", r->why, cls == R53_C_RECONCILE ? " (Route53 is "
		    "not what the diff expected: reconcile needed)" : "");
		return;
	}
	printf("; request %zu of %zu: change %s INSYNC\n", S.next, S.plan.nb,
	    r->info.id);
	push_next();
}

static void
push_next(void)
{
	const struct r53_batch *b;
	struct dns_tb t;
	size_t n;

	if (S.next == S.plan.nb) {
		printf("sync: %s: %zu request%s pushed, serial %lu\n", S.zname,
		    S.plan.nb, S.plan.nb == 1 ? "" : "s",
		    (unsigned long)zone_serial(S.z));
		print_calls();
		stop(0, NULL);
		return;
	}
	b = &S.plan.b[S.next++];
	dns_tb_init(&t, NULL, 0);
	n = r53_batch_xml(&t, S.ch.v, S.plan.idx + b->first, b->n, "xfrsync");
	if ((S.body = malloc(n + 1)) == NULL) {
		stop(1, "out of memory");
		return;
	}
	dns_tb_init(&t, S.body, n + 1);
	r53_batch_xml(&t, S.ch.v, S.plan.idx + b->first, b->n, "xfrsync");
	if (r53_change(&S.req, S.cz->hosted_zone_id, S.body, n, pushed,
	    NULL) != 0)
		stop(1, "%s", S.req.why);
}

static void
listed_done(struct r53_req *r, enum r53_class cls)
{
	struct r53_map_opts o;

	if (cls != R53_C_OK) {
		stop(1, "%s", r->why);
		return;
	}
	push_map_opts(&conf.aws, &o);
	if (r53_diff_full(S.z, S.sets, S.nsets, &o, &S.ch) != 0 ||
	    r53_plan_make(&S.ch, &S.lim, &S.plan) != 0) {
		stop(1, "out of memory");
		return;
	}
	print_warnings();
	print_plan();
	if (!S.push) {
		stop(0, NULL);
		return;
	}
	if (S.plan.nrej > 0) {
		stop(1, "%s: changes that cannot be pushed (see above)",
		    S.zname);
		return;
	}
	push_next();
}

static void
list(void)
{
	if (r53_list(&S.req, S.cz->hosted_zone_id, keep_set, NULL,
	    listed_done, NULL) != 0)
		stop(1, "%s", S.req.why);
}

static void
on_cred(void *ctx, int ev)
{
	(void)ctx;
	if (ev == CRED_EV_READY && !S.cred_ready) {
		S.cred_ready = 1;
		list();
	} else if (ev == CRED_EV_FAILED && !S.cred_ready) {
		stop(1, "no credentials: %s", cred_failure());
	}
}

static void transfer(void);

static void
xfr_done(struct xfrjob *j, int err, struct zone *z)
{
	if (err < 0 || z == NULL) {
		fprintf(stderr, "xfrsync %s: %s: transfer from primary %zu "
		    "failed: %s\n", S.cmd, S.zname, S.primary + 1,
		    err < 0 ? j->why : "no zone");
		S.primary++;
		transfer();
		return;
	}
	S.z = z;
	fprintf(stderr, "xfrsync %s: %s: serial %lu, %zu RRsets\n", S.cmd,
	    S.zname, (unsigned long)zone_serial(z), zone_rrset_count(z));
	cred_start(on_cred, NULL);
}

static void
transfer(void)
{
	const struct conf_primary *pr;
	struct xfrjob_params p;

	if (S.primary >= S.cz->nprimary) {
		stop(1, "%s: no primary could transfer the zone", S.zname);
		return;
	}
	pr = &S.cz->primary[S.primary];
	memset(&p, 0, sizeof p);
	p.apex = S.cz->name;
	memcpy(&p.addr, &pr->addr, sizeof pr->addr);
	p.addrlen = conf_addr_len(&pr->addr);
	p.key = pr->key;
	p.axfr = 1;
	p.lim.max_rrs = S.cz->lim.max_rrs;
	p.lim.max_bytes = S.cz->lim.max_bytes;
	p.max_wire = S.cz->lim.max_bytes;
	p.max_secs = S.cz->lim.max_transfer_time;
	p.idle_secs = S.cz->lim.idle_timeout;
	p.done = xfr_done;
	if (xfrjob_start(&S.xj, &p) != 0) {
		fprintf(stderr, "xfrsync %s: %s: %s\n", S.cmd, S.zname, S.xj.why);
		S.primary++;
		transfer();
	}
}

static void
on_deadline(struct loop_timer *t)
{
	(void)t;
	stop(1, "no result within the time limit (-t)");
}

/* ---- the command ------------------------------------------------------- */

static int
usage(void)
{
	fprintf(stderr, "usage: xfrsync %s -c FILE [-v] [-t SECONDS] ZONE\n",
	    S.cmd);
	return 2;
}

static int
run(int argc, char **argv)
{
	static struct loop_timer deadline;
	const char *path = NULL, *zone = NULL;
	unsigned long secs = 600;
	uint8_t wire[DNS_NAME_MAX];
	char err[1024], *end;
	int i, verbose = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
			secs = strtoul(argv[++i], &end, 10);
			if (*end || secs == 0 || secs > 86400)
				return usage();
		} else if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (argv[i][0] != '-' && zone == NULL)
			zone = argv[i];
		else
			return usage();
	}
	if (path == NULL || zone == NULL)
		return usage();
	if (conf_load(&conf, path, err, sizeof err) != 0) {
		fprintf(stderr, "xfrsync %s: %s\n", S.cmd, err);
		return 1;
	}
	if (dns_name_from_text(zone, strlen(zone), (const uint8_t *)"",
	    wire) < 0 || (S.cz = conf_zone_find(&conf, wire)) == NULL) {
		fprintf(stderr, "xfrsync %s: %s: no such zone in %s\n", S.cmd,
		    zone, path);
		conf_free(&conf);
		return 1;
	}
	snprintf(S.zname, sizeof S.zname, "%s", zone);
	if (S.cz->hosted_zone_id[0] == '\0') {
		fprintf(stderr, "xfrsync %s: %s: no hosted-zone-id in %s\n",
		    S.cmd, zone, path);
		conf_free(&conf);
		return 1;
	}
	log_init(1, verbose ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	loop_init();
	(void)resolve_init(NULL);
	r53_changes_init(&S.ch);
	r53_limits_default(&S.lim);
	S.lim.changes = conf.aws.max_changes;
	if (cred_init(&conf.aws, CRED_PIN_CONF, err, sizeof err) != 0 ||
	    r53_init(&conf.aws, err, sizeof err) != 0) {
		fprintf(stderr, "xfrsync %s: %s\n", S.cmd, err);
		cred_stop();
		conf_free(&conf);
		return 1;
	}
	S.rc = 1;
	deadline.cb = on_deadline;
	timer_arm(&deadline, (uint64_t)secs * 1000);
	transfer();
	loop_run();
	timer_disarm(&deadline);
	if (S.rc != 0)
		fprintf(stderr, "xfrsync %s: %s\n", S.cmd, S.why);
	r53_cancel(&S.req);
	xfrjob_cancel(&S.xj);
	free(S.body);
	r53_plan_free(&S.plan);
	r53_changes_free(&S.ch);
	free_sets();
	zone_free(S.z);
	httpjob_shutdown();
	resolve_shutdown();
	r53_shutdown();
	cred_stop();
	conf_free(&conf);
	return S.rc;
}

int
plan_main(int argc, char **argv)
{
	S.cmd = "plan";
	return run(argc, argv);
}

int
sync_main(int argc, char **argv)
{
	S.cmd = "sync";
	S.push = 1;
	return run(argc, argv);
}
