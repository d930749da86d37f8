/*
 * test_route53_batch.c — packing changes into ChangeResourceRecordSets
 * requests at the exact limits, groups, the change cap, the request sent
 * last, the XML body byte for byte, and the request counts of issue 5's
 * benchmark (5 201 RRsets; a 1 200-record change).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "agent/route53_batch.h"
#include "agent/route53_map.h"
#include "agent/zone.h"
#include "net/err.h"
#include "net/rdata.h"
#include "net/rrtype.h"
#include "net/xml.h"
#include "net/zonetext.h"
#include "tests/unit/unit.h"

/* ---- hand-made change lists --------------------------------------------- */

#define MAXC 2100
struct list {
	struct r53_changes c;
	struct r53_change v[MAXC];
	void *mem[3 * MAXC];
	size_t nmem;
};

static void *
keep(struct list *l, void *p)
{
	if (p == NULL)
		abort();
	l->mem[l->nmem++] = p;
	return p;
}

static void
list_init(struct list *l)
{
	memset(l, 0, sizeof *l);
	l->c.v = l->v;
	l->c.cap = MAXC;
}

static void
list_free(struct list *l)
{
	size_t i;

	for (i = 0; i < l->nmem; i++)
		free(l->mem[i]);
	l->nmem = 0;
}

/* A change with n values of len characters each (last one last_len). */
static struct r53_change *
mk(struct list *l, enum r53_action a, size_t n, size_t len, size_t last_len)
{
	struct r53_change *c = &l->v[l->c.n++];
	const char **v = keep(l, malloc((n ? n : 1) * sizeof *v));
	char *s = keep(l, malloc(len + 1)), *t = keep(l, malloc(last_len + 1));
	size_t i;

	memset(s, 'a', len);
	s[len] = '\0';
	memset(t, 'b', last_len);
	t[last_len] = '\0';
	for (i = 0; i < n; i++)
		v[i] = i + 1 == n ? t : s;
	memset(c, 0, sizeof *c);
	c->action = a;
	c->set.name = "x.example.com.";
	c->set.type = DNS_T_TXT;
	c->set.ttl = 300;
	c->set.nvalues = n;
	c->set.values = v;
	return c;
}

static struct r53_change *
mk1(struct list *l, enum r53_action a, size_t len)
{
	return mk(l, a, 1, len, len);
}

/* Batch sizes as "n/n/n", checked with the plan's bookkeeping. */
static const char *
sizes(const struct r53_plan *p)
{
	static char buf[256];
	struct dns_tb t;
	size_t i;

	dns_tb_init(&t, buf, sizeof buf);
	for (i = 0; i < p->nb; i++)
		dns_tb_printf(&t, "%s%zu", i ? "/" : "", p->b[i].n);
	dns_tb_end(&t);
	return buf;
}

static void
check_plan(const struct list *l, const struct r53_plan *p,
    const struct r53_limits *lim)
{
	size_t i, k, seen = 0, r, c, recs, chars;

	for (i = 0; i < p->nb; i++) {
		recs = chars = 0;
		for (k = 0; k < p->b[i].n; k++) {
			r53_change_cost(&l->v[p->idx[p->b[i].first + k]], &r,
			    &c);
			recs += r;
			chars += c;
		}
		CHECK_INT(recs, p->b[i].records);
		CHECK_INT(chars, p->b[i].chars);
		CHECK(recs <= lim->records && chars <= lim->chars &&
		    p->b[i].n <= lim->changes);
		CHECK_INT(p->b[i].first, seen);
		seen += p->b[i].n;
	}
	CHECK_INT(seen + p->nrej, l->c.n);
}

/* Plan l under lim (NULL: defaults); returns the number of requests. */
static size_t
plan(const struct list *l, const struct r53_limits *lim, struct r53_plan *p)
{
	struct r53_limits d;

	r53_limits_default(&d);
	if (lim == NULL)
		lim = &d;
	CHECK_INT(r53_plan_make(&l->c, lim, p), 0);
	check_plan(l, p, lim);
	return p->nb;
}

/* ---- limits ------------------------------------------------------------- */

UNIT_TEST(r53_batch_defaults_and_costs)
{
	static struct list l;
	struct r53_limits d;
	size_t r, c;

	r53_limits_default(&d);
	CHECK_INT(d.records, 1000);
	CHECK_INT(d.chars, 32000);
	CHECK_INT(d.value_chars, 4000);
	CHECK_INT(d.values, 400);
	CHECK_INT(d.changes, 1000);
	CHECK_INT(r53_value_chars("a&b<c>\"'"), 1 + 5 + 1 + 4 + 1 + 4 + 2);
	list_init(&l);
	r53_change_cost(mk(&l, R53_CREATE, 3, 10, 5), &r, &c);
	CHECK_INT(r, 3);
	CHECK_INT(c, 25);
	r53_change_cost(mk(&l, R53_DELETE, 3, 10, 5), &r, &c);
	CHECK_INT(r, 3);
	CHECK_INT(c, 25);
	r53_change_cost(mk(&l, R53_UPSERT, 3, 10, 5), &r, &c);
	CHECK_INT(r, 6);
	CHECK_INT(c, 50);
	list_free(&l);
}

UNIT_TEST(r53_batch_records_boundary)
{
	static struct list l;
	struct r53_plan p;
	size_t extra;

	/* An UPSERT of 400 values (800 records) + a CREATE of 199/200/201. */
	for (extra = 199; extra <= 201; extra++) {
		list_init(&l);
		mk(&l, R53_UPSERT, 400, 7, 7);
		mk(&l, R53_CREATE, extra, 7, 7);
		CHECK_INT(plan(&l, NULL, &p), extra <= 200 ? 1 : 2);
		CHECK_INT(p.records, 800 + extra);
		CHECK_INT(p.min_batches, extra <= 200 ? 1 : 2);
		r53_plan_free(&p);
		list_free(&l);
	}
	/* 999 / 1000 / 1001 single-record CREATEs. */
	for (extra = 999; extra <= 1001; extra++) {
		size_t i;

		list_init(&l);
		for (i = 0; i < extra; i++)
			mk1(&l, R53_CREATE, 9);
		CHECK_INT(plan(&l, NULL, &p), extra <= 1000 ? 1 : 2);
		CHECK_INT(p.min_batches, p.nb);
		r53_plan_free(&p);
		list_free(&l);
	}
	/* 499 / 500 / 501 UPSERTs of one record: 998 / 1000 / 1002. */
	for (extra = 499; extra <= 501; extra++) {
		size_t i;

		list_init(&l);
		for (i = 0; i < extra; i++)
			mk1(&l, R53_UPSERT, 9);
		CHECK_INT(plan(&l, NULL, &p), extra <= 500 ? 1 : 2);
		CHECK_INT(p.records, 2 * extra);
		r53_plan_free(&p);
		list_free(&l);
	}
}

UNIT_TEST(r53_batch_chars_boundary)
{
	static struct list l;
	struct r53_plan p;
	size_t last, i;

	/* 7 CREATEs of 4000 characters, then one of 3999 / 4000 / 4000+1. */
	for (last = 3999; last <= 4001; last++) {
		list_init(&l);
		for (i = 0; i < 7; i++)
			mk1(&l, R53_CREATE, 4000);
		if (last <= 4000)
			mk1(&l, R53_CREATE, last);
		else
			mk(&l, R53_CREATE, 2, 4000, 1);
		CHECK_INT(plan(&l, NULL, &p), last <= 4000 ? 1 : 2);
		CHECK_INT(p.chars, 28000 + last);
		if (p.nb > 0)
			CHECK_INT(p.b[0].chars,
			    last <= 4000 ? 28000 + last : 28000);
		r53_plan_free(&p);
		list_free(&l);
	}
	/* An UPSERT of 15 999 characters counts 31 998; + 1 / 2 / 3. */
	for (last = 1; last <= 3; last++) {
		list_init(&l);
		mk(&l, R53_UPSERT, 4, 4000, 3999);
		mk1(&l, R53_CREATE, last);
		CHECK_INT(plan(&l, NULL, &p), last <= 2 ? 1 : 2);
		CHECK_INT(p.chars, 31998 + last);
		CHECK_INT(p.min_batches, last <= 2 ? 1 : 2);
		r53_plan_free(&p);
		list_free(&l);
	}
	/* An UPSERT of exactly 16 000 characters fills a request alone. */
	list_init(&l);
	mk(&l, R53_UPSERT, 4, 4000, 4000);
	mk(&l, R53_UPSERT, 4, 4000, 4000);
	CHECK_INT(plan(&l, NULL, &p), 2);
	CHECK_INT(p.nrej, 0);
	r53_plan_free(&p);
	list_free(&l);
}

UNIT_TEST(r53_batch_per_set_limits)
{
	static struct list l;
	struct r53_plan p;

	list_init(&l);
	mk1(&l, R53_CREATE, 4000);             /* 0: fine */
	mk1(&l, R53_CREATE, 4001);             /* 1: value too long */
	mk(&l, R53_CREATE, 400, 7, 7);         /* 2: fine */
	mk(&l, R53_CREATE, 401, 7, 7);         /* 3: too many values */
	mk(&l, R53_UPSERT, 400, 7, 7);         /* 4: fine (800 records) */
	mk(&l, R53_UPSERT, 400, 41, 41);       /* 5: 32 800 characters */
	mk(&l, R53_CREATE, 400, 41, 41);       /* 6: 16 400: fine */
	{
		/* "a" x 3995 + "&" counts 4000; "a" x 3996 + "&" 4001. */
		static char ok[4001], bad[4002];
		static const char *okv[1] = { ok }, *badv[1] = { bad };

		memset(ok, 'a', 3995);
		ok[3995] = '&';
		memset(bad, 'a', 3996);
		bad[3996] = '&';
		mk1(&l, R53_CREATE, 1)->set.values = okv;   /* 7: fine */
		mk1(&l, R53_CREATE, 1)->set.values = badv;  /* 8: too long */
	}
	CHECK_INT(plan(&l, NULL, &p), 2);
	CHECK_INT(p.nrej, 4);
	if (p.nrej == 4) {
		CHECK_INT(p.rej[0].change, 1);
		CHECK_INT(p.rej[0].why, R53_REJ_VALUE_CHARS);
		CHECK_INT(p.rej[1].change, 3);
		CHECK_INT(p.rej[1].why, R53_REJ_VALUES);
		CHECK_INT(p.rej[2].change, 5);
		CHECK_INT(p.rej[2].why, R53_REJ_TOO_BIG);
		CHECK_INT(p.rej[3].change, 8);
		CHECK_INT(p.rej[3].why, R53_REJ_VALUE_CHARS);
	}
	CHECK_STR(r53_reject_text(R53_REJ_VALUES),
	    "more values than Route53 takes in an RRset");
	r53_plan_free(&p);
	list_free(&l);
}

/* ---- groups, the change cap, the last request --------------------------- */

UNIT_TEST(r53_batch_group_atomic)
{
	static struct list l;
	struct r53_plan p;
	size_t i;

	list_init(&l);
	for (i = 0; i < 999; i++)
		mk1(&l, R53_CREATE, 9);
	mk1(&l, R53_DELETE, 9)->group = 1;     /* 999 */
	mk1(&l, R53_CREATE, 9)->group = 1;     /* 1000 */
	mk1(&l, R53_CREATE, 9);                /* 1001: fills request 0 */
	CHECK_INT(plan(&l, NULL, &p), 2);
	CHECK_STR(sizes(&p), "1000/2");
	if (p.nb == 2) {
		CHECK_INT(p.idx[p.b[0].first + 999], 1001);
		CHECK_INT(p.idx[p.b[1].first], 999);
		CHECK_INT(p.idx[p.b[1].first + 1], 1000);
	}
	r53_plan_free(&p);

	/* A group that cannot fit any request, and one with a bad member. */
	l.c.n = 0;
	list_free(&l);
	list_init(&l);
	mk(&l, R53_DELETE, 300, 7, 7)->group = 1;
	mk(&l, R53_UPSERT, 400, 7, 7)->group = 1;   /* 300 + 800 > 1000 */
	mk(&l, R53_DELETE, 1, 7, 7)->group = 2;
	mk(&l, R53_CREATE, 401, 7, 7)->group = 2;
	mk(&l, R53_CREATE, 1, 7, 7);
	CHECK_INT(plan(&l, NULL, &p), 1);
	CHECK_INT(p.nrej, 4);
	if (p.nrej == 4) {
		CHECK_INT(p.rej[0].why, R53_REJ_TOO_BIG);
		CHECK_INT(p.rej[1].why, R53_REJ_TOO_BIG);
		CHECK_INT(p.rej[2].change, 2);
		CHECK_INT(p.rej[2].why, R53_REJ_GROUP);
		CHECK_INT(p.rej[3].change, 3);
		CHECK_INT(p.rej[3].why, R53_REJ_VALUES);
	}
	r53_plan_free(&p);
	list_free(&l);
}

UNIT_TEST(r53_batch_change_cap)
{
	static struct list l;
	struct r53_limits lim;
	struct r53_plan p;
	size_t i;

	r53_limits_default(&lim);
	lim.changes = 100;
	list_init(&l);
	for (i = 0; i < 250; i++)
		mk1(&l, R53_CREATE, 9);
	CHECK_INT(plan(&l, &lim, &p), 3);
	CHECK_STR(sizes(&p), "100/100/50");
	CHECK_INT(p.min_batches, 3);
	r53_plan_free(&p);
	/* A group of 3 changes under a cap of 2 cannot be pushed. */
	lim.changes = 2;
	l.c.n = 0;
	for (i = 0; i < 3; i++)
		mk1(&l, R53_CREATE, 9)->group = 7;
	CHECK_INT(plan(&l, &lim, &p), 0);
	CHECK_INT(p.nrej, 3);
	r53_plan_free(&p);
	list_free(&l);
}

UNIT_TEST(r53_batch_last_request)
{
	static struct list l;
	struct r53_plan p;
	size_t i;

	list_init(&l);
	mk1(&l, R53_UPSERT, 60)->flags = R53_CH_LAST;  /* the apex SOA */
	for (i = 0; i < 1500; i++)
		mk1(&l, R53_CREATE, 9);
	CHECK_INT(plan(&l, NULL, &p), 2);
	CHECK_INT(p.min_batches, 2);
	CHECK_STR(sizes(&p), "502/999");
	if (p.nb == 2) {
		CHECK_INT(p.idx[p.b[1].first], 0);
		CHECK_INT(p.b[1].records, 1000);
	}
	r53_plan_free(&p);
	list_free(&l);
}

UNIT_TEST(r53_batch_empty)
{
	static struct list l;
	struct r53_plan p;

	list_init(&l);
	CHECK_INT(plan(&l, NULL, &p), 0);
	CHECK_INT(p.min_batches, 0);
	r53_plan_free(&p);
}

/* ---- the XML body ------------------------------------------------------- */

UNIT_TEST(r53_batch_xml_exact)
{
	static const char *const a_v[] = { "192.0.2.1", "192.0.2.2" };
	static const char *const t_v[] = { "\"a&b\" \"<c>\" \"q\\\"\"" };
	static const char *const c_v[] = { "target.example.com." };
	static const char *const s_v[] = { "ns-1.awsdns-01.com. "
		"awsdns-hostmaster.amazon.com. 2 7200 900 1209600 86400" };
	struct r53_change v[4];
	size_t idx[3] = { 1, 3, 2 };
	char buf[4096];
	struct dns_tb t;
	size_t n;

	memset(v, 0, sizeof v);
	v[0].action = R53_UPSERT;
	v[0].set = (struct r53_rrset){ "example.com.", DNS_T_SOA, 0, 900, 1,
		s_v };
	v[1].action = R53_DELETE;
	v[1].set = (struct r53_rrset){ "x.example.com.", DNS_T_TXT, 0, 60, 1,
		t_v };
	v[2].action = R53_CREATE;
	v[2].set = (struct r53_rrset){ "www.example.com.", DNS_T_A, 0, 300, 2,
		a_v };
	v[3].action = R53_UPSERT;
	v[3].set = (struct r53_rrset){ "*.example.com.", DNS_T_CNAME, 0, 3600,
		1, c_v };
	dns_tb_init(&t, buf, sizeof buf);
	n = r53_batch_xml(&t, v, idx, 3, "xfrsync: example.com. serial 2 <&>");
	CHECK_STR(buf,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ChangeResourceRecordSetsRequest "
	    "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
	    "<ChangeBatch>"
	    "<Comment>xfrsync: example.com. serial 2 &lt;&amp;&gt;</Comment>"
	    "<Changes>"
	    "<Change><Action>DELETE</Action><ResourceRecordSet>"
	    "<Name>x.example.com.</Name><Type>TXT</Type><TTL>60</TTL>"
	    "<ResourceRecords><ResourceRecord>"
	    "<Value>\"a&amp;b\" \"&lt;c&gt;\" \"q\\\"\"</Value>"
	    "</ResourceRecord></ResourceRecords></ResourceRecordSet></Change>"
	    "<Change><Action>UPSERT</Action><ResourceRecordSet>"
	    "<Name>*.example.com.</Name><Type>CNAME</Type><TTL>3600</TTL>"
	    "<ResourceRecords><ResourceRecord>"
	    "<Value>target.example.com.</Value>"
	    "</ResourceRecord></ResourceRecords></ResourceRecordSet></Change>"
	    "<Change><Action>CREATE</Action><ResourceRecordSet>"
	    "<Name>www.example.com.</Name><Type>A</Type><TTL>300</TTL>"
	    "<ResourceRecords>"
	    "<ResourceRecord><Value>192.0.2.1</Value></ResourceRecord>"
	    "<ResourceRecord><Value>192.0.2.2</Value></ResourceRecord>"
	    "</ResourceRecords></ResourceRecordSet></Change>"
	    "</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>");
	CHECK_INT(n, strlen(buf));
	/* Measuring with no buffer gives the same length. */
	dns_tb_init(&t, NULL, 0);
	CHECK_INT(r53_batch_xml(&t, v, idx, 3,
	    "xfrsync: example.com. serial 2 <&>"), n);
	/* No comment: no element. */
	idx[0] = 0;
	dns_tb_init(&t, buf, sizeof buf);
	r53_batch_xml(&t, v, idx, 1, NULL);
	CHECK_STR(buf,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ChangeResourceRecordSetsRequest "
	    "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
	    "<ChangeBatch><Changes>"
	    "<Change><Action>UPSERT</Action><ResourceRecordSet>"
	    "<Name>example.com.</Name><Type>SOA</Type><TTL>900</TTL>"
	    "<ResourceRecords><ResourceRecord>"
	    "<Value>ns-1.awsdns-01.com. awsdns-hostmaster.amazon.com. 2 7200 "
	    "900 1209600 86400</Value>"
	    "</ResourceRecord></ResourceRecords></ResourceRecordSet></Change>"
	    "</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>");
}

UNIT_TEST(r53_batch_xml_comment)
{
	char comment[700], buf[2048], want[300];
	const char *c, *e;
	struct dns_tb t;
	size_t idx = 0;

	memset(comment, 'c', 300);
	comment[300] = '\0';
	comment[0] = '\n';
	comment[1] = '\t';
	dns_tb_init(&t, buf, sizeof buf);
	r53_batch_xml(&t, NULL, &idx, 0, comment);
	c = strstr(buf, "<Comment>");
	e = strstr(buf, "</Comment>");
	CHECK(c != NULL && e != NULL);
	if (c == NULL || e == NULL)
		return;
	c += 9;
	CHECK_INT(e - c, 256);
	memset(want, 'c', 256);
	want[0] = want[1] = ' ';
	CHECK(memcmp(c, want, 256) == 0);
	/* UTF-8: 256 characters, not bytes (each é is two bytes). */
	for (idx = 0; idx < 300; idx++)
		memcpy(comment + 2 * idx, "\303\251", 2);
	comment[600] = '\0';
	dns_tb_init(&t, buf, sizeof buf);
	idx = 0;
	r53_batch_xml(&t, NULL, &idx, 0, comment);
	c = strstr(buf, "<Comment>");
	e = strstr(buf, "</Comment>");
	CHECK(c != NULL && e != NULL);
	if (c != NULL && e != NULL)
		CHECK_INT(e - (c + 9), 512);
}

/* ---- issue 5's benchmark shapes ----------------------------------------- */

static const uint8_t apex[] = "\7example\3com";

static int
add(struct zone_build *b, const char *text)
{
	static uint8_t rd[DNS_RDATA_MAX];
	struct dns_rr rr;
	int del = text[0] == '-', rc;

	if (text[0] == '-' || text[0] == '+')
		text++;
	rc = dns_rr_from_text(text, strlen(text), NULL, -1, &rr, rd, sizeof rd);
	if (rc != 0) {
		unit_fail(__FILE__, __LINE__, text);
		return rc;
	}
	if (del)
		return zone_build_del(b, rr.owner, rr.type, rr.rdata, rr.rdlen);
	return zone_build_add(b, rr.owner, rr.type, rr.ttl, rr.rdata, rr.rdlen);
}

#define SOA_TEXT(serial) "example.com. 3600 IN SOA ns1.example.com. " \
	"hostmaster.example.com. " serial " 7200 3600 1209600 300"

/* 5 000 A + 200 two-string TXT + SOA + 2 apex NS (5 201 RRsets pushed). */
static struct zone *
bench_zone(void)
{
	struct zone_build b;
	struct zone *z = NULL;
	char line[256];
	int i;

	zone_build_init(&b, apex, NULL);
	add(&b, SOA_TEXT("100"));
	add(&b, "example.com. 3600 IN NS ns1.example.com.");
	add(&b, "example.com. 3600 IN NS ns2.example.com.");
	for (i = 0; i < 5000; i++) {
		snprintf(line, sizeof line,
		    "host%d.example.com. 300 IN A 10.%d.%d.%d", i,
		    i >> 16 & 255, i >> 8 & 255, i & 255);
		add(&b, line);
	}
	for (i = 0; i < 200; i++) {
		snprintf(line, sizeof line, "txt%d.example.com. 300 IN TXT "
		    "\"v=spf1 include:_spf%d.example.net ~all\" "
		    "\"second string of record %d\"", i, i, i);
		add(&b, line);
	}
	CHECK_INT(zone_build_finish(&b, NULL, &z), 0);
	return z;
}

static const char *const r53_soa_v[] = { "ns-1.awsdns-01.com. "
	"awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400" };
static const char *const r53_ns_v[] = { "ns-1.awsdns-01.com.",
	"ns-2.awsdns-02.net." };
/* A new hosted zone: Route53's SOA and NS only. */
static const struct r53_rrset empty_hz[] = {
	{ "example.com.", DNS_T_NS, 0, 172800, 2, r53_ns_v },
	{ "example.com.", DNS_T_SOA, 0, 900, 1, r53_soa_v },
};

UNIT_TEST(r53_batch_initial_sync_5201)
{
	struct zone *z = bench_zone();
	struct r53_map_opts o;
	struct r53_changes c;
	struct r53_plan p;

	if (z == NULL)
		return;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, empty_hz, 2, NULL, &c), 0);
	CHECK_INT(c.n, 5201);
	CHECK_INT(r53_plan_make(&c, NULL, &p), 0);
	/* 5 200 CREATEs (1 record each) + the SOA UPSERT (2): 5 202 records
	 * -> at least 6 requests; characters are far from binding. */
	CHECK_INT(p.records, 5202);
	CHECK_INT(p.min_batches, 6);
	CHECK_INT(p.nb, 6);
	CHECK(p.chars < 32000 * 3);
	CHECK_INT(p.nrej, 0);
	if (p.nb == 6)
		CHECK_INT(c.v[p.idx[p.b[5].first]].set.type, DNS_T_SOA);
	printf("  route53: initial sync of 5201 RRsets (%zu records, %zu "
	    "chars): %zu requests, lower bound %zu\n", p.records, p.chars,
	    p.nb, p.min_batches);
	r53_plan_free(&p);
	r53_changes_free(&c);

	/* UPSERT for new sets doubles the count: 10 402 records, 11. */
	r53_map_opts_default(&o);
	o.create_new = 0;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, empty_hz, 2, &o, &c), 0);
	CHECK_INT(r53_plan_make(&c, NULL, &p), 0);
	CHECK_INT(p.records, 10402);
	CHECK_INT(p.nb, 11);
	CHECK_INT(p.min_batches, 11);
	printf("  route53: the same with UPSERT for new sets: %zu requests\n",
	    p.nb);
	r53_plan_free(&p);
	r53_changes_free(&c);
	zone_free(z);
}

/*
 * A 1 200-record IXFR on the benchmark zone, pushed incrementally: kind
 * 0 changes the address of 1 200 A RRsets, 1 adds 1 200 names, 2
 * deletes 600 names and adds 600.
 */
static void
bench_change(const struct zone *base, int kind, size_t *nb, size_t *min,
    size_t *records)
{
	struct r53_rrset soa = { "example.com.", DNS_T_SOA, 0, 900, 1,
		r53_soa_v };
	struct zone_build b;
	struct zone *z = NULL;
	struct r53_changes c;
	struct r53_plan p;
	char line[256];
	int i;

	zone_build_init_from(&b, base, NULL);
	add(&b, "-" SOA_TEXT("100"));
	add(&b, "+" SOA_TEXT("101"));
	for (i = 0; i < 1200; i++) {
		if (kind == 0 || (kind == 2 && i < 600)) {
			snprintf(line, sizeof line, "-host%d.example.com. "
			    "300 IN A 10.%d.%d.%d", i, i >> 16 & 255,
			    i >> 8 & 255, i & 255);
			add(&b, line);
		}
		if (kind == 0)
			snprintf(line, sizeof line, "+host%d.example.com. "
			    "300 IN A 192.168.%d.%d", i, i >> 8 & 255, i & 255);
		else if (kind == 1 || i >= 600)
			snprintf(line, sizeof line, "+new%d.example.com. "
			    "300 IN A 192.168.%d.%d", i, i >> 8 & 255, i & 255);
		else
			continue;
		add(&b, line);
	}
	CHECK_INT(zone_build_finish(&b, NULL, &z), 0);
	if (z == NULL)
		return;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_zones(base, z, &soa, NULL, &c), 0);
	CHECK_INT(c.n, 1201);
	CHECK_INT(r53_plan_make(&c, NULL, &p), 0);
	*nb = p.nb;
	*min = p.min_batches;
	*records = p.records;
	r53_plan_free(&p);
	r53_changes_free(&c);
	zone_free(z);
}

UNIT_TEST(r53_batch_change_1200)
{
	static const char *const what[] = { "1200 changed A RRsets (UPSERT)",
		"1200 new A RRsets (CREATE)", "600 deleted + 600 new" };
	static const size_t want[] = { 3, 2, 2 };
	struct zone *z = bench_zone();
	size_t nb = 0, min = 0, records = 0;
	int k;

	if (z == NULL)
		return;
	for (k = 0; k < 3; k++) {
		bench_change(z, k, &nb, &min, &records);
		CHECK_INT(nb, want[k]);
		CHECK_INT(min, nb);
		printf("  route53: %s: %zu records, %zu requests, lower bound "
		    "%zu\n", what[k], records, nb, min);
	}
	zone_free(z);
}

/* ---- every plan within every limit, read back from the XML bodies ------- */

/* A deterministic generator (xorshift), so a failure reproduces. */
static uint32_t rng_state;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return n ? rng_state % n : 0;
}

/* Value texts of any length up to 4 100: tails of two long strings, one
 * of them with & < > that count 5, 4 and 4 once escaped. */
#define VMAX 4100
static char plain_s[VMAX + 1], amp_s[VMAX + 1];

static const char *
val_of(size_t len, int amp)
{
	const char *s = amp ? amp_s : plain_s;

	return s + VMAX - len;
}

/* Characters a value counts as written: our own count, not the packer's. */
static size_t
written(const char *v)
{
	size_t n = 0;

	for (; *v; v++)
		n += *v == '&' ? 5 : *v == '<' || *v == '>' ? 4 : 1;
	return n;
}

/*
 * One random change list: mostly small sets, some near or over the
 * per-set limits (400 values, 4 000 characters), groups of 2-3 changes,
 * at most one change flagged LAST.  Names are unique per change.
 */
static void
random_list(struct list *l, size_t n, char (*names)[32])
{
	size_t i, k, in_group = 0;
	uint32_t group = 0;
	int have_last = 0;

	list_init(l);
	for (i = 0; i < n; i++) {
		struct r53_change *c = &l->v[l->c.n++];
		uint32_t shape = rnd(100);
		size_t nv, len;
		const char **v;
		int amp = rnd(4) == 0;

		if (shape < 70) {
			nv = 1 + rnd(4);
			len = 1 + rnd(200);
		} else if (shape < 85) {
			nv = 1 + rnd(40);
			len = 100 + rnd(900);
		} else if (shape < 92) {
			nv = 1 + rnd(10);
			len = 3900 + rnd(150);          /* around 4 000 */
		} else if (shape < 97) {
			nv = 395 + rnd(10);             /* around 400 */
			len = 1 + rnd(60);
		} else {
			nv = 1 + rnd(8);
			len = 2000 + rnd(2000);
		}
		v = keep(l, malloc(nv * sizeof *v));
		for (k = 0; k < nv; k++)
			v[k] = val_of(k + 1 == nv ? len : 1 + rnd(len), amp);
		memset(c, 0, sizeof *c);
		c->action = (enum r53_action)rnd(3);
		snprintf(names[i], sizeof names[i], "n%u.example.com.", (unsigned)(i % 100000));
		c->set.name = names[i];
		c->set.type = DNS_T_TXT;
		c->set.ttl = 300;
		c->set.nvalues = nv;
		c->set.values = v;
		if (!have_last && rnd(50) == 0) {
			c->flags = R53_CH_LAST;
			have_last = 1;
		}
		/* Now and then a group of 2-3 consecutive changes. */
		if (in_group == 0 && i + 1 < n && rnd(12) == 0) {
			group++;
			in_group = 2 + rnd(2);
		}
		if (in_group > 0) {
			c->group = group;
			in_group--;
		}
	}
}

/* Counts read back from one XML body. */
struct readback {
	size_t changes, records, chars;
	size_t idx[MAXC];       /* change numbers from the names, in order */
	size_t nvalues[MAXC];
	int ok;
};

static void
read_body(const char *body, size_t len, struct readback *rb)
{
	struct xml_rd x;
	char action[16], name[64], *val = malloc(VMAX + 1);
	int t, upsert = 0;
	long n;

	memset(rb, 0, sizeof *rb);
	rb->ok = 1;
	if (val == NULL)
		abort();
	xml_init(&x, body, len);
	while ((t = xml_next(&x)) > 0) {
		if (t != XML_START)
			continue;
		if (xml_is(&x, "Change")) {
			rb->changes++;
		} else if (xml_is(&x, "Action")) {
			xml_leaf(&x, action, sizeof action);
			upsert = strcmp(action, "UPSERT") == 0;
		} else if (xml_is(&x, "Name")) {
			xml_leaf(&x, name, sizeof name);
			rb->idx[rb->changes - 1] = strtoul(name + 1, NULL, 10);
		} else if (xml_is(&x, "Value")) {
			n = xml_leaf(&x, val, VMAX + 1);
			if (n < 0 || n > VMAX) {
				rb->ok = 0;
				continue;
			}
			rb->records += upsert ? 2 : 1;
			rb->chars += (upsert ? 2 : 1) * written(val);
			rb->nvalues[rb->changes - 1]++;
		}
	}
	if (t != XML_EOF)
		rb->ok = 0;
	free(val);
}

static void
check_random_plan(const struct list *l, const struct r53_plan *p,
    const struct r53_limits *lim, char *body, size_t cap)
{
	static struct readback rb;
	static unsigned char placed[MAXC];   /* 1 placed, 2 rejected */
	static size_t batch_of[MAXC];
	size_t i, k, last_batch = SIZE_MAX;

	memset(placed, 0, sizeof placed);
	for (i = 0; i < p->nrej; i++) {
		const struct r53_change *c = &l->v[p->rej[i].change];
		size_t big = 0, r, ch;

		CHECK_INT(placed[p->rej[i].change], 0);
		placed[p->rej[i].change] = 2;
		for (k = 0; k < c->set.nvalues; k++)
			if (written(c->set.values[k]) > big)
				big = written(c->set.values[k]);
		r53_change_cost(c, &r, &ch);
		/* The reason given is true of the change (or its group). */
		switch (p->rej[i].why) {
		case R53_REJ_VALUES:
			CHECK(c->set.nvalues > lim->values);
			break;
		case R53_REJ_VALUE_CHARS:
			CHECK(big > lim->value_chars);
			break;
		case R53_REJ_GROUP:
			CHECK(c->group != 0);
			break;
		case R53_REJ_TOO_BIG:
			CHECK(c->group != 0 || r > lim->records ||
			    ch > lim->chars);
			break;
		default:
			CHECK(!"unknown reason");
		}
		CHECK(strlen(r53_reject_text(p->rej[i].why)) > 10);
	}
	for (i = 0; i < p->nb; i++) {
		size_t n;
		struct dns_tb t;

		dns_tb_init(&t, body, cap);
		n = r53_batch_xml(&t, l->v, p->idx + p->b[i].first, p->b[i].n,
		    "xfrsync test");
		CHECK(n < cap);
		if (n >= cap)
			return;
		read_body(body, n, &rb);
		CHECK(rb.ok);
		/* Route53's limits, counted from the body itself. */
		CHECK(rb.records <= lim->records);
		CHECK(rb.chars <= lim->chars);
		CHECK(rb.changes <= lim->changes);
		CHECK_INT(rb.changes, p->b[i].n);
		CHECK_INT(rb.records, p->b[i].records);
		CHECK_INT(rb.chars, p->b[i].chars);
		for (k = 0; k < rb.changes; k++) {
			const struct r53_change *c = &l->v[rb.idx[k]];
			size_t v;

			/* Each change once, whole, within the per-set limits. */
			CHECK_INT(placed[rb.idx[k]], 0);
			placed[rb.idx[k]] = 1;
			batch_of[rb.idx[k]] = i;
			CHECK_INT(rb.nvalues[k], c->set.nvalues);
			CHECK(c->set.nvalues <= lim->values);
			for (v = 0; v < c->set.nvalues; v++)
				CHECK(written(c->set.values[v]) <=
				    lim->value_chars);
			if (c->flags & R53_CH_LAST)
				last_batch = i;
		}
	}
	for (i = 0; i < l->c.n; i++) {
		if (placed[i] == 0) {
			printf("  change %zu neither sent nor rejected\n", i);
			CHECK(0);
		}
		/* A group: all sent in one request, or none sent. */
		if (i > 0 && l->v[i].group != 0 &&
		    l->v[i].group == l->v[i - 1].group) {
			CHECK_INT(placed[i], placed[i - 1]);
			if (placed[i] == 1 && placed[i - 1] == 1)
				CHECK_INT(batch_of[i], batch_of[i - 1]);
		}
	}
	if (last_batch != SIZE_MAX)
		CHECK_INT(last_batch, p->nb - 1);
	CHECK(p->nb >= p->min_batches);
}

UNIT_TEST(r53_batch_random_plans_never_exceed_a_limit_nor_split_a_set)
{
	static struct list l;
	static char names[MAXC][32];
	static char body[1 << 20];
	static const size_t caps[] = { 1000, 100, 7, 2 };
	struct r53_limits lim;
	struct r53_plan p;
	unsigned round;
	size_t i, why[8], most = 0;

	for (i = 0; i < VMAX; i++) {
		plain_s[i] = (char)('a' + i % 26);
		amp_s[i] = "x&y<z>"[i % 6];
	}
	rng_state = 0x2545f491u;
	memset(why, 0, sizeof why);
	for (round = 0; round < 120; round++) {
		r53_limits_default(&lim);
		lim.changes = caps[round % 4];
		random_list(&l, 1 + rnd(600), names);
		CHECK_INT(r53_plan_make(&l.c, &lim, &p), 0);
		check_random_plan(&l, &p, &lim, body, sizeof body);
		for (i = 0; i < p.nrej; i++)
			why[p.rej[i].why & 7]++;
		if (p.nb > most)
			most = p.nb;
		r53_plan_free(&p);
		list_free(&l);
	}
	/* The rounds did meet every limit. */
	CHECK(why[R53_REJ_VALUES] > 0 && why[R53_REJ_VALUE_CHARS] > 0 &&
	    why[R53_REJ_TOO_BIG] > 0 && why[R53_REJ_GROUP] > 0);
	CHECK(most >= 10);
}

/* ---- one RRset at the exact per-request limits -------------------------- */

UNIT_TEST(r53_batch_single_set_at_request_limits)
{
	static struct list l;
	struct r53_plan p;

	/* UPSERT of 400 values x 40 characters: 800 records, 32 000
	 * characters counted: alone in its request, accepted. */
	list_init(&l);
	mk(&l, R53_UPSERT, 400, 40, 40);
	mk1(&l, R53_CREATE, 1);
	CHECK_INT(plan(&l, NULL, &p), 2);
	CHECK_INT(p.nrej, 0);
	CHECK_STR(sizes(&p), "1/1");
	if (p.nb == 2)
		CHECK_INT(p.b[0].chars, 32000);
	r53_plan_free(&p);
	list_free(&l);
	/* The same with one character more: 32 002, rejected as too big. */
	list_init(&l);
	mk(&l, R53_UPSERT, 400, 40, 41);
	CHECK_INT(plan(&l, NULL, &p), 0);
	CHECK_INT(p.nrej, 1);
	if (p.nrej == 1)
		CHECK_INT(p.rej[0].why, R53_REJ_TOO_BIG);
	r53_plan_free(&p);
	list_free(&l);
	/* A DELETE counts once: 400 x 80 = 32 000 fits; 8 x 4 000 too. */
	list_init(&l);
	mk(&l, R53_DELETE, 400, 80, 80);
	mk(&l, R53_DELETE, 8, 4000, 4000);
	mk(&l, R53_CREATE, 8, 4000, 4001);
	CHECK_INT(plan(&l, NULL, &p), 2);
	CHECK_INT(p.nrej, 1);
	if (p.nrej == 1) {
		CHECK_INT(p.rej[0].change, 2);
		CHECK_INT(p.rej[0].why, R53_REJ_VALUE_CHARS);
	}
	r53_plan_free(&p);
	list_free(&l);
	/* An UPSERT of 400 values x 2 = 800 records + a DELETE of 200:
	 * exactly 1 000 records in one request. */
	list_init(&l);
	mk(&l, R53_UPSERT, 400, 2, 2);
	mk(&l, R53_DELETE, 200, 2, 2);
	mk(&l, R53_UPSERT, 1, 2, 2);
	CHECK_INT(plan(&l, NULL, &p), 2);
	CHECK_STR(sizes(&p), "2/1");
	if (p.nb == 2)
		CHECK_INT(p.b[0].records, 1000);
	r53_plan_free(&p);
	list_free(&l);
}

UNIT_TEST(r53_batch_reject_reasons_are_distinct_lines)
{
	static const enum r53_reject all[] = { R53_REJ_VALUES,
		R53_REJ_VALUE_CHARS, R53_REJ_TOO_BIG, R53_REJ_GROUP };
	size_t i, k;

	for (i = 0; i < 4; i++) {
		const char *s = r53_reject_text(all[i]);

		CHECK(strlen(s) > 10 && strchr(s, '\n') == NULL);
		for (k = 0; k < i; k++)
			CHECK(strcmp(s, r53_reject_text(all[k])) != 0);
	}
	CHECK_STR(r53_reject_text(R53_REJ_VALUE_CHARS),
	    "a value longer than Route53 takes");
	CHECK_STR(r53_reject_text(R53_REJ_TOO_BIG),
	    "larger than one request may be");
	CHECK_STR(r53_reject_text(R53_REJ_GROUP),
	    "another change of the same name was rejected");
}

/* ---- a DELETE from a listing, as the body sends it ------------------------ */

/*
 * The zone dropped sets Route53 lists in its own spelling: the DELETE's
 * body carries Route53's name, TTL and values byte for byte (XML-escaped
 * only), which is what an exact-match DELETE needs.
 */
UNIT_TEST(r53_batch_xml_delete_as_listed_byte_for_byte)
{
	static const char *const txt[] = { "\"a&b\" \"ex\\344mple\"" };
	static const char *const v6[] = { "2001:DB8:0:0:0:0:0:1",
		"2001:db8::2" };
	static const struct r53_rrset l[] = {
		{ "example.com.", DNS_T_SOA, 0, 900, 1, r53_soa_v },
		{ "\\052.gone.example.com.", DNS_T_TXT, 0, 86400, 1, txt },
		{ "v6.example.com.", DNS_T_AAAA, 0, 42, 2, v6 },
	};
	struct zone_build b;
	struct zone *z = NULL;
	struct r53_map_opts o;
	struct r53_changes c;
	struct r53_plan p;
	struct dns_tb t;
	char body[4096];

	zone_build_init(&b, apex, NULL);
	add(&b, SOA_TEXT("1"));
	CHECK_INT(zone_build_finish(&b, NULL, &z), 0);
	if (z == NULL)
		return;
	r53_map_opts_default(&o);
	o.soa = R53_SOA_OFF;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, l, 3, &o, &c), 0);
	CHECK_INT(r53_plan_make(&c, NULL, &p), 0);
	CHECK_INT(p.nb, 1);
	if (p.nb == 1) {
		dns_tb_init(&t, body, sizeof body);
		r53_batch_xml(&t, c.v, p.idx, p.b[0].n, NULL);
		CHECK_STR(body,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<ChangeResourceRecordSetsRequest "
		    "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
		    "<ChangeBatch><Changes>"
		    "<Change><Action>DELETE</Action><ResourceRecordSet>"
		    "<Name>\\052.gone.example.com.</Name><Type>TXT</Type>"
		    "<TTL>86400</TTL><ResourceRecords><ResourceRecord>"
		    "<Value>\"a&amp;b\" \"ex\\344mple\"</Value>"
		    "</ResourceRecord></ResourceRecords></ResourceRecordSet>"
		    "</Change>"
		    "<Change><Action>DELETE</Action><ResourceRecordSet>"
		    "<Name>v6.example.com.</Name><Type>AAAA</Type><TTL>42</TTL>"
		    "<ResourceRecords>"
		    "<ResourceRecord><Value>2001:DB8:0:0:0:0:0:1</Value>"
		    "</ResourceRecord>"
		    "<ResourceRecord><Value>2001:db8::2</Value></ResourceRecord>"
		    "</ResourceRecords></ResourceRecordSet></Change>"
		    "</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>");
	}
	r53_plan_free(&p);
	r53_changes_free(&c);
	zone_free(z);
}
