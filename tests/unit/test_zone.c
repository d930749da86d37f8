/*
 * test_zone.c — the zone store: AXFR builds in any order, SOA rules, IXFR
 * semantics (sequential operations, divergence, TTLs), limits, diff and
 * printing; plus a randomised check that IXFR == AXFR of the same data.
 */
#include <stdio.h>
#include <stdlib.h>

#include "agent/zone.h"
#include "net/err.h"
#include "net/rdata.h"
#include "net/rrtype.h"
#include "net/zonetext.h"
#include "tests/unit/unit.h"

#define SOA1 "example.com. 3600 IN SOA ns1.example.com. host.example.com. " \
	"1 7200 3600 1209600 300"
#define SOA2 "example.com. 3600 IN SOA ns1.example.com. host.example.com. " \
	"2 7200 3600 1209600 300"
#define SOA3 "example.com. 3600 IN SOA ns1.example.com. host.example.com. " \
	"3 7200 3600 1209600 300"

static const uint8_t apex[] = "\7example\3com";

/* The small zone most tests start from, in canonical order. */
static const char *const base_rrs[] = {
	SOA1,
	"example.com. 3600 IN NS ns1.example.com.",
	"example.com. 3600 IN NS ns2.example.com.",
	"example.com. 300 IN MX 10 mail.example.com.",
	"*.example.com. 300 IN TXT \"wild\"",
	"mail.example.com. 300 IN A 192.0.2.25",
	"Www.example.com. 300 IN A 192.0.2.2",
	"www.example.com. 300 IN A 192.0.2.10",
	"www.example.com. 300 IN AAAA 2001:db8::1",
};
#define NBASE (sizeof base_rrs / sizeof base_rrs[0])

/* ---- helpers ---------------------------------------------------------- */

/* Add (+) or delete (-) one RR given as zone-file text. */
static int
op(struct zone_build *b, const char *text)
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
	return zone_build_add(b, rr.owner, rr.type, rr.ttl, rr.rdata,
	    rr.rdlen);
}

/* AXFR of n RRs; *rc gets the result, the version is returned (or NULL). */
static struct zone *
axfr(const char *const *rrs, size_t n, const struct zone_limits *lim,
    int *rc)
{
	struct zone_build b;
	struct zone *z = NULL;
	size_t i;

	zone_build_init(&b, apex, lim);
	for (i = 0; i < n; i++)
		if ((*rc = op(&b, rrs[i])) != 0) {
			zone_build_abort(&b);
			return NULL;
		}
	*rc = zone_build_finish(&b, NULL, &z);
	return z;
}

/* IXFR operations ("+RR" / "-RR") applied to base. */
static struct zone *
ixfr(const struct zone *base, const char *const *ops, size_t n,
    const struct zone_limits *lim, int *rc)
{
	struct zone_build b;
	struct zone *z = NULL;
	size_t i;

	zone_build_init_from(&b, base, lim);
	for (i = 0; i < n; i++)
		if ((*rc = op(&b, ops[i])) != 0) {
			zone_build_abort(&b);
			return NULL;
		}
	*rc = zone_build_finish(&b, NULL, &z);
	return z;
}

struct text {
	char *buf;
	size_t n, cap;
};

static void
text_add(struct text *t, const char *s)
{
	size_t n = strlen(s);

	if (t->n + n + 1 > t->cap) {
		t->cap = 2 * (t->n + n + 1);
		t->buf = realloc(t->buf, t->cap);
		if (t->buf == NULL)
			abort();
	}
	memcpy(t->buf + t->n, s, n + 1);
	t->n += n;
}

static void
emit_line(void *ctx, const char *line)
{
	text_add(ctx, line);
	text_add(ctx, "\n");
}

/* zone_print output; the caller frees it. */
static char *
dump(const struct zone *z)
{
	struct text t = { NULL, 0, 0 };

	text_add(&t, "");
	CHECK_INT(zone_print(z, emit_line, &t), 0);
	return t.buf;
}

/* "TTL[rdata|rdata]" or "-" */
static void
set_text(struct text *t, int has, const struct zone_rrset *s)
{
	char buf[1024];
	struct zone_rdata_it it;
	struct dns_tb tb;
	const uint8_t *rd;
	uint16_t len;
	int first = 1;

	if (!has) {
		text_add(t, "-");
		return;
	}
	snprintf(buf, sizeof buf, "%lu[", (unsigned long)s->ttl);
	text_add(t, buf);
	zone_rdata_begin(&it, s);
	while (zone_rdata_next(&it, &rd, &len)) {
		dns_tb_init(&tb, buf, sizeof buf);
		dns_rdata_to_text(&tb, s->type, rd, len);
		dns_tb_end(&tb);
		text_add(t, first ? "" : "|");
		text_add(t, buf);
		first = 0;
	}
	text_add(t, "]");
}

/* One line per change: "owner TYPE old -> new". */
static int
change_line(void *ctx, const struct zone_change *c)
{
	struct text *t = ctx;
	char buf[DNS_NAME_TEXT_MAX + 32];
	size_t n;

	n = dns_name_to_text(c->owner, buf, sizeof buf);
	buf[n++] = ' ';
	dns_type_to_text(c->type, buf + n, sizeof buf - n);
	text_add(t, buf);
	text_add(t, " ");
	set_text(t, c->has_old, &c->old);
	text_add(t, " -> ");
	set_text(t, c->has_new, &c->new);
	text_add(t, "\n");
	return 0;
}

static char *
diff(const struct zone *old, const struct zone *new)
{
	struct text t = { NULL, 0, 0 };

	text_add(&t, "");
	CHECK_INT(zone_diff(old, new, change_line, &t), 0);
	return t.buf;
}

/* The diff, checked against the full O(N) walk (an AXFR of new's data). */
static void
check_diff(const struct zone *old, const struct zone *new, const char *want)
{
	char *got = diff(old, new), *cp, *full;
	struct zone *copy;
	int rc;

	CHECK_STR(got, want);
	/* The same data built by AXFR, so zone_diff must walk. */
	cp = dump(new);
	{
		const char *rrs[64];
		size_t n = 0;
		char *line = strtok(cp, "\n");

		for (; line && n < 64; line = strtok(NULL, "\n"))
			rrs[n++] = line;
		copy = axfr(rrs, n, NULL, &rc);
	}
	CHECK_INT(rc, 0);
	if (copy != NULL) {
		CHECK(!zone_diff_incremental(old, copy));
		full = diff(old, copy);
		CHECK_STR(full, want);
		free(full);
	}
	zone_free(copy);
	free(cp);
	free(got);
}

static struct zone *
base_zone(void)
{
	int rc;
	struct zone *z = axfr(base_rrs, NBASE, NULL, &rc);

	CHECK_INT(rc, 0);
	return z;
}

/* ---- AXFR ---------------------------------------------------------------- */

UNIT_TEST(zone_axfr_canonical_order)
{
	/* RFC 4034 §6.1's example, shuffled. */
	static const char *const rrs[] = {
		"*.z.example.com. 1 IN A 192.0.2.6",
		"zABC.a.EXAMPLE.com. 1 IN A 192.0.2.4",
		"\\200.z.example.com. 1 IN A 192.0.2.7",
		"example.com. 1 IN A 192.0.2.0",
		"Z.a.example.com. 1 IN A 192.0.2.3",
		"\\001.z.example.com. 1 IN A 192.0.2.5",
		"yljkjljk.a.example.com. 1 IN A 192.0.2.2",
		"z.example.com. 1 IN A 192.0.2.8",
		"a.example.com. 1 IN A 192.0.2.1",
		SOA1,
	};
	int rc;
	struct zone *z = axfr(rrs, 10, NULL, &rc);
	char *out;

	CHECK_INT(rc, 0);
	if (z == NULL)
		return;
	out = dump(z);
	CHECK_STR(out,
	    "example.com.\t3600\tIN\tSOA\tns1.example.com. host.example.com. "
	    "1 7200 3600 1209600 300\n"
	    "example.com.\t1\tIN\tA\t192.0.2.0\n"
	    "a.example.com.\t1\tIN\tA\t192.0.2.1\n"
	    "yljkjljk.a.example.com.\t1\tIN\tA\t192.0.2.2\n"
	    "Z.a.example.com.\t1\tIN\tA\t192.0.2.3\n"
	    "zABC.a.EXAMPLE.com.\t1\tIN\tA\t192.0.2.4\n"
	    "z.example.com.\t1\tIN\tA\t192.0.2.8\n"
	    "\\001.z.example.com.\t1\tIN\tA\t192.0.2.5\n"
	    "*.z.example.com.\t1\tIN\tA\t192.0.2.6\n"
	    "\\200.z.example.com.\t1\tIN\tA\t192.0.2.7\n");
	CHECK_INT(zone_rr_count(z), 10);
	CHECK_INT(zone_rrset_count(z), 10);
	free(out);
	zone_free(z);
}

UNIT_TEST(zone_axfr_shuffled_same_version)
{
	const char *rrs[NBASE];
	struct zone *sorted = base_zone(), *z;
	char *want, *got, *d;
	unsigned seed = 12345, round;
	size_t i, j;
	int rc;

	if (sorted == NULL)
		return;
	want = dump(sorted);
	for (round = 0; round < 50; round++) {
		memcpy(rrs, base_rrs, sizeof rrs);
		for (i = NBASE - 1; i > 0; i--) {
			const char *t;

			seed = seed * 1103515245u + 12345u;
			j = (seed >> 8) % (i + 1);
			t = rrs[i];
			rrs[i] = rrs[j];
			rrs[j] = t;
		}
		z = axfr(rrs, NBASE, NULL, &rc);
		CHECK_INT(rc, 0);
		if (z == NULL)
			continue;
		got = dump(z);
		d = diff(sorted, z);
		CHECK_STR(d, "");
		CHECK_INT(zone_rr_count(z), NBASE);
		CHECK_INT(zone_rrset_count(z), 7);
		CHECK_INT(zone_mem(z), zone_mem(sorted));
		CHECK_INT(zone_serial(z), 1);
		/* Owner case differs with the order: compare ignoring it. */
		for (i = 0; got[i]; i++)
			if (got[i] == 'W')
				got[i] = 'w';
		for (i = 0; want[i]; i++)
			if (want[i] == 'W')
				want[i] = 'w';
		CHECK_STR(got, want);
		free(got);
		free(d);
		zone_free(z);
	}
	free(want);
	zone_free(sorted);
}

UNIT_TEST(zone_print_small_zone)
{
	struct zone *z = base_zone();
	char *out;

	if (z == NULL)
		return;
	out = dump(z);
	/* SOA first; www's A values sorted as bytes; owner case of the
	 * first RR seen for the owner. */
	CHECK_STR(out,
	    "example.com.\t3600\tIN\tSOA\tns1.example.com. host.example.com. "
	    "1 7200 3600 1209600 300\n"
	    "example.com.\t3600\tIN\tNS\tns1.example.com.\n"
	    "example.com.\t3600\tIN\tNS\tns2.example.com.\n"
	    "example.com.\t300\tIN\tMX\t10 mail.example.com.\n"
	    "*.example.com.\t300\tIN\tTXT\t\"wild\"\n"
	    "mail.example.com.\t300\tIN\tA\t192.0.2.25\n"
	    "Www.example.com.\t300\tIN\tA\t192.0.2.2\n"
	    "Www.example.com.\t300\tIN\tA\t192.0.2.10\n"
	    "Www.example.com.\t300\tIN\tAAAA\t2001:db8::1\n");
	free(out);
	zone_free(z);
}

UNIT_TEST(zone_axfr_duplicates_ignored)
{
	static const char *const rrs[] = {
		SOA1,
		"a.example.com. 60 IN A 192.0.2.1",
		"A.EXAMPLE.COM. 60 IN A 192.0.2.1",
		SOA1,
		/* Seen again after another owner: the first case stays. */
		"A.example.com. 60 IN A 192.0.2.1",
		"a.example.com. 60 IN A 192.0.2.2",
	};
	int rc;
	struct zone *z = axfr(rrs, 6, NULL, &rc);
	char *out;

	CHECK_INT(rc, 0);
	if (z == NULL)
		return;
	CHECK_INT(zone_rr_count(z), 3);
	CHECK_INT(zone_rrset_count(z), 2);
	CHECK_INT(zone_ttl_conflicts(z), 0);
	out = dump(z);
	CHECK_STR(out,
	    "example.com.\t3600\tIN\tSOA\tns1.example.com. host.example.com. "
	    "1 7200 3600 1209600 300\n"
	    "a.example.com.\t60\tIN\tA\t192.0.2.1\n"
	    "a.example.com.\t60\tIN\tA\t192.0.2.2\n");
	free(out);
	zone_free(z);
}

UNIT_TEST(zone_axfr_ttl_conflict_keeps_lowest)
{
	static const char *const rrs[] = {
		SOA1,
		"a.example.com. 600 IN A 192.0.2.1",
		"a.example.com. 60 IN A 192.0.2.2",
		"a.example.com. 300 IN A 192.0.2.3",
		"b.example.com. 60 IN A 192.0.2.1",
	};
	int rc;
	struct zone *z = axfr(rrs, 5, NULL, &rc);
	struct zone_rrset s;
	size_t pos;

	CHECK_INT(rc, 0);
	if (z == NULL)
		return;
	CHECK_INT(zone_ttl_conflicts(z), 1);
	CHECK(zone_find(z, (const uint8_t *)"\1a\7example\3com", DNS_T_A, &pos));
	zone_rrset_get(z, pos, &s);
	CHECK_INT(s.ttl, 60);
	CHECK_INT(s.count, 3);
	zone_free(z);
}

UNIT_TEST(zone_soa_rules)
{
	static const char *const none[] = { "a.example.com. 1 IN A 192.0.2.1" };
	static const char *const two[] = { SOA1, SOA2 };
	static const char *const off[] = { SOA1,
		"sub.example.com. 3600 IN SOA a.example.com. b.example.com. "
		"1 2 3 4 5" };
	static const char *const one[] = { SOA2, SOA2 };
	struct zone_build b;
	struct zone *z;
	uint32_t want = 3;
	int rc;

	CHECK(axfr(none, 1, NULL, &rc) == NULL);
	CHECK_INT(rc, DNS_EXFR);
	CHECK(axfr(two, 2, NULL, &rc) == NULL);
	CHECK_INT(rc, DNS_EXFR);
	CHECK(axfr(off, 2, NULL, &rc) == NULL);
	CHECK_INT(rc, DNS_EXFR);
	z = axfr(one, 2, NULL, &rc); /* a zone that is only its SOA */
	CHECK_INT(rc, 0);
	if (z != NULL) {
		CHECK_INT(zone_serial(z), 2);
		CHECK_INT(zone_rr_count(z), 1);
	}
	zone_free(z);
	/* Expected serial. */
	zone_build_init(&b, apex, NULL);
	CHECK_INT(op(&b, SOA2), 0);
	CHECK_INT(zone_build_finish(&b, &want, &z), DNS_EXFR);
	CHECK(z == NULL);
	want = 2;
	zone_build_init(&b, apex, NULL);
	CHECK_INT(op(&b, SOA2), 0);
	CHECK_INT(zone_build_finish(&b, &want, &z), 0);
	zone_free(z);
}

UNIT_TEST(zone_rejects_out_of_zone_and_meta)
{
	struct zone_build b;
	struct zone *z;

	zone_build_init(&b, apex, NULL);
	CHECK_INT(op(&b, SOA1), 0);
	CHECK_INT(op(&b, "www.example.org. 1 IN A 192.0.2.1"), DNS_EXFR);
	/* sticky */
	CHECK_INT(op(&b, "www.example.com. 1 IN A 192.0.2.1"), DNS_EXFR);
	CHECK_INT(zone_build_finish(&b, NULL, &z), DNS_EXFR);
	CHECK(z == NULL);
	zone_build_init(&b, apex, NULL);
	CHECK_INT(zone_build_add(&b, apex, DNS_T_ANY, 0, NULL, 0), DNS_EXFR);
	zone_build_abort(&b);
	/* zone_build_del on an AXFR build is a caller bug. */
	zone_build_init(&b, apex, NULL);
	CHECK_INT(op(&b, "-a.example.com. 1 IN A 192.0.2.1"), DNS_EXFR);
	zone_build_abort(&b);
	zone_build_abort(&b);
}

UNIT_TEST(zone_find_and_iterate)
{
	struct zone *z = base_zone();
	struct zone_rrset s;
	struct zone_rdata_it it;
	const uint8_t *rd;
	uint16_t len;
	size_t pos;

	if (z == NULL)
		return;
	CHECK(zone_find(z, (const uint8_t *)"\3WWW\7example\3com", DNS_T_A,
	    &pos));
	CHECK_INT(pos, 5);
	zone_rrset_get(z, pos, &s);
	CHECK_INT(s.count, 2);
	CHECK_INT(s.rdata_len, 12);
	CHECK_MEM(s.owner, "\3Www\7example\3com", 17);
	zone_rdata_begin(&it, &s);
	CHECK_INT(zone_rdata_next(&it, &rd, &len), 1);
	CHECK_INT(len, 4);
	CHECK_MEM(rd, "\300\0\2\2", 4);
	CHECK_INT(zone_rdata_next(&it, &rd, &len), 1);
	CHECK_MEM(rd, "\300\0\2\12", 4);
	CHECK_INT(zone_rdata_next(&it, &rd, &len), 0);
	/* Not there: position of the next RRset. */
	CHECK(!zone_find(z, (const uint8_t *)"\3www\7example\3com", DNS_T_MX,
	    &pos));
	CHECK_INT(pos, 6);
	CHECK(!zone_find(z, (const uint8_t *)"\1b\7example\3com", 0, &pos));
	CHECK_INT(pos, 4);
	CHECK(!zone_find(z, (const uint8_t *)"\1z\7example\3com", 0, &pos));
	CHECK_INT(pos, 7);
	CHECK(zone_find(z, apex, DNS_T_SOA, &pos));
	CHECK_INT(pos, 1);
	zone_free(z);
}

UNIT_TEST(zone_diff_from_nothing)
{
	struct zone *z = base_zone();
	char *d;

	if (z == NULL)
		return;
	d = diff(NULL, z);
	CHECK_STR(d,
	    "example.com. NS - -> 3600[ns1.example.com.|ns2.example.com.]\n"
	    "example.com. SOA - -> 3600[ns1.example.com. host.example.com. "
	    "1 7200 3600 1209600 300]\n"
	    "example.com. MX - -> 300[10 mail.example.com.]\n"
	    "*.example.com. TXT - -> 300[\"wild\"]\n"
	    "mail.example.com. A - -> 300[192.0.2.25]\n"
	    "Www.example.com. A - -> 300[192.0.2.2|192.0.2.10]\n"
	    "Www.example.com. AAAA - -> 300[2001:db8::1]\n");
	free(d);
	d = diff(z, z);
	CHECK_STR(d, "");
	free(d);
	zone_free(z);
}

/* ---- IXFR ------------------------------------------------------------------- */

#define SOA12 "-" SOA1, "+" SOA2
#define SOA_CHANGE12 "example.com. SOA 3600[ns1.example.com. " \
	"host.example.com. 1 7200 3600 1209600 300] -> 3600[ns1.example.com. " \
	"host.example.com. 2 7200 3600 1209600 300]\n"

/* Apply ops to the base zone; check the diff and the dump of the result. */
static void
ixfr_case(const char *const *ops, size_t n, const char *want_diff,
    const char *want_dump)
{
	struct zone *base = base_zone(), *z;
	char *before, *after, *out;
	int rc;

	if (base == NULL)
		return;
	before = dump(base);
	z = ixfr(base, ops, n, NULL, &rc);
	CHECK_INT(rc, 0);
	if (z != NULL) {
		CHECK(zone_diff_incremental(base, z));
		CHECK_INT(zone_serial(z), 2);
		check_diff(base, z, want_diff);
		if (want_dump != NULL) {
			out = dump(z);
			CHECK_STR(out, want_dump);
			free(out);
		}
	}
	after = dump(base);
	CHECK_STR(after, before);
	free(before);
	free(after);
	zone_free(z);
	zone_free(base);
}

UNIT_TEST(zone_ixfr_delete_add_same_rr)
{
	static const char *const same[] = { SOA12,
		"-www.example.com. 300 IN A 192.0.2.2",
		"+www.example.com. 300 IN A 192.0.2.2" };
	static const char *const ttl[] = { SOA12,
		"-www.example.com. 300 IN AAAA 2001:db8::1",
		"+www.example.com. 900 IN AAAA 2001:db8::1" };
	/* Added then deleted within one transfer: never there. */
	static const char *const gone[] = { SOA12,
		"+new.example.com. 300 IN A 192.0.2.99",
		"-new.example.com. 300 IN A 192.0.2.99" };

	ixfr_case(same, 4, SOA_CHANGE12, NULL);
	ixfr_case(ttl, 4, SOA_CHANGE12
	    "Www.example.com. AAAA 300[2001:db8::1] -> 900[2001:db8::1]\n",
	    NULL);
	ixfr_case(gone, 4, SOA_CHANGE12, NULL);
}

UNIT_TEST(zone_ixfr_rrset_loses_one_value)
{
	static const char *const ops[] = { SOA12,
		"-www.example.com. 300 IN A 192.0.2.10",
		"-example.com. 3600 IN NS ns1.example.com." };

	ixfr_case(ops, 4,
	    "example.com. NS 3600[ns1.example.com.|ns2.example.com.] -> "
	    "3600[ns2.example.com.]\n"
	    SOA_CHANGE12
	    "Www.example.com. A 300[192.0.2.2|192.0.2.10] -> 300[192.0.2.2]\n",
	    NULL);
}

UNIT_TEST(zone_ixfr_rrset_and_owner_deleted)
{
	static const char *const ops[] = { SOA12,
		"-mail.example.com. 300 IN A 192.0.2.25",
		"-www.example.com. 300 IN AAAA 2001:db8::1" };

	ixfr_case(ops, 4,
	    SOA_CHANGE12
	    "mail.example.com. A 300[192.0.2.25] -> -\n"
	    "Www.example.com. AAAA 300[2001:db8::1] -> -\n",
	    "example.com.\t3600\tIN\tSOA\tns1.example.com. host.example.com. "
	    "2 7200 3600 1209600 300\n"
	    "example.com.\t3600\tIN\tNS\tns1.example.com.\n"
	    "example.com.\t3600\tIN\tNS\tns2.example.com.\n"
	    "example.com.\t300\tIN\tMX\t10 mail.example.com.\n"
	    "*.example.com.\t300\tIN\tTXT\t\"wild\"\n"
	    "Www.example.com.\t300\tIN\tA\t192.0.2.2\n"
	    "Www.example.com.\t300\tIN\tA\t192.0.2.10\n");
}

UNIT_TEST(zone_ixfr_a_to_cname)
{
	static const char *const ops[] = { SOA12,
		"-mail.example.com. 300 IN A 192.0.2.25",
		/* Owner case: the base's. */
		"+Mail.example.com. 120 IN CNAME www.example.com.",
		"+new.example.com. 60 IN AAAA 2001:db8::2" };

	ixfr_case(ops, 5,
	    SOA_CHANGE12
	    "mail.example.com. A 300[192.0.2.25] -> -\n"
	    "mail.example.com. CNAME - -> 120[www.example.com.]\n"
	    "new.example.com. AAAA - -> 60[2001:db8::2]\n",
	    "example.com.\t3600\tIN\tSOA\tns1.example.com. host.example.com. "
	    "2 7200 3600 1209600 300\n"
	    "example.com.\t3600\tIN\tNS\tns1.example.com.\n"
	    "example.com.\t3600\tIN\tNS\tns2.example.com.\n"
	    "example.com.\t300\tIN\tMX\t10 mail.example.com.\n"
	    "*.example.com.\t300\tIN\tTXT\t\"wild\"\n"
	    "mail.example.com.\t120\tIN\tCNAME\twww.example.com.\n"
	    "new.example.com.\t60\tIN\tAAAA\t2001:db8::2\n"
	    "Www.example.com.\t300\tIN\tA\t192.0.2.2\n"
	    "Www.example.com.\t300\tIN\tA\t192.0.2.10\n"
	    "Www.example.com.\t300\tIN\tAAAA\t2001:db8::1\n");
}

UNIT_TEST(zone_ixfr_ttl_change)
{
	/* BIND's way: the whole RRset out, then in with the new TTL. */
	static const char *const all[] = { SOA12,
		"-www.example.com. 300 IN A 192.0.2.2",
		"-www.example.com. 300 IN A 192.0.2.10",
		"+www.example.com. 60 IN A 192.0.2.10",
		"+www.example.com. 60 IN A 192.0.2.2" };
	/* One value added with another TTL: the RRset takes it. */
	static const char *const one[] = { SOA12,
		"+www.example.com. 30 IN A 192.0.2.3" };
	struct zone *base = base_zone(), *z;
	int rc;

	ixfr_case(all, 6, SOA_CHANGE12
	    "Www.example.com. A 300[192.0.2.2|192.0.2.10] -> "
	    "60[192.0.2.2|192.0.2.10]\n", NULL);
	ixfr_case(one, 3, SOA_CHANGE12
	    "Www.example.com. A 300[192.0.2.2|192.0.2.10] -> "
	    "30[192.0.2.2|192.0.2.3|192.0.2.10]\n", NULL);
	if (base == NULL)
		return;
	z = ixfr(base, all, 6, NULL, &rc);
	CHECK_INT(zone_ttl_conflicts(z), 0);
	zone_free(z);
	z = ixfr(base, one, 3, NULL, &rc);
	CHECK_INT(zone_ttl_conflicts(z), 1);
	zone_free(z);
	zone_free(base);
}

UNIT_TEST(zone_ixfr_chain_of_diffs)
{
	/* 1 -> 2 adds an RR, 2 -> 3 deletes it again and changes MX. */
	static const char *const ops[] = { SOA12,
		"+tmp.example.com. 60 IN TXT \"x\" \"y\"",
		"-" SOA2, "+" SOA3,
		"-tmp.example.com. 60 IN TXT \"x\" \"y\"",
		"-example.com. 300 IN MX 10 mail.example.com.",
		"+example.com. 300 IN MX 20 mail.example.com." };
	struct zone *base = base_zone(), *z;
	char *d;
	int rc;

	if (base == NULL)
		return;
	z = ixfr(base, ops, 8, NULL, &rc);
	CHECK_INT(rc, 0);
	if (z != NULL) {
		CHECK_INT(zone_serial(z), 3);
		CHECK_INT(zone_rr_count(z), NBASE);
		d = diff(base, z);
		CHECK_STR(d,
		    "example.com. SOA 3600[ns1.example.com. host.example.com. "
		    "1 7200 3600 1209600 300] -> 3600[ns1.example.com. "
		    "host.example.com. 3 7200 3600 1209600 300]\n"
		    "example.com. MX 300[10 mail.example.com.] -> "
		    "300[20 mail.example.com.]\n");
		free(d);
	}
	zone_free(z);
	zone_free(base);
}

/* An IXFR that must fail with err; the base must not change. */
static void
ixfr_fails(const char *const *ops, size_t n, const struct zone_limits *lim,
    int err)
{
	struct zone *base = base_zone(), *z;
	char *before, *after;
	int rc;

	if (base == NULL)
		return;
	before = dump(base);
	z = ixfr(base, ops, n, lim, &rc);
	CHECK(z == NULL);
	CHECK_INT(rc, err);
	after = dump(base);
	CHECK_STR(after, before);
	CHECK_INT(zone_rr_count(base), NBASE);
	free(before);
	free(after);
	zone_free(base);
}

UNIT_TEST(zone_ixfr_divergence)
{
	static const char *const del_missing[] = { SOA12,
		"-www.example.com. 300 IN A 192.0.2.99" };
	static const char *const add_present[] = { SOA12,
		"+www.example.com. 60 IN A 192.0.2.10" };
	static const char *const del_twice[] = { SOA12,
		"-www.example.com. 300 IN A 192.0.2.10",
		"-www.example.com. 300 IN A 192.0.2.10" };
	static const char *const add_twice[] = { SOA12,
		"+new.example.com. 300 IN A 192.0.2.1",
		"+NEW.example.com. 300 IN A 192.0.2.1" };
	/* The IXFR starts from another serial: the old SOA is not there. */
	static const char *const wrong_soa[] = { "-" SOA2, "+" SOA3 };
	static const char *const no_soa[] = { "-" SOA1 };
	static const char *const two_soa[] = { "+" SOA2 };
	static const char *const soa_off[] = { SOA12,
		"+x.example.com. 1 IN SOA a.example.com. b.example.com. 1 2 3 4 5" };

	ixfr_fails(del_missing, 3, NULL, DNS_EDIVERGE);
	ixfr_fails(add_present, 3, NULL, DNS_EDIVERGE);
	ixfr_fails(del_twice, 4, NULL, DNS_EDIVERGE);
	ixfr_fails(add_twice, 4, NULL, DNS_EDIVERGE);
	ixfr_fails(wrong_soa, 2, NULL, DNS_EDIVERGE);
	ixfr_fails(no_soa, 1, NULL, DNS_EXFR);
	ixfr_fails(two_soa, 1, NULL, DNS_EXFR);
	ixfr_fails(soa_off, 3, NULL, DNS_EXFR);
}

/* ---- limits ------------------------------------------------------------------ */

UNIT_TEST(zone_limits)
{
	static const struct zone_limits rrs = { NBASE - 1, 0 };
	static const struct zone_limits fit = { NBASE, 0 };
	static const struct zone_limits bytes = { 0, 200 };
	static const char *const grow[] = { SOA12,
		"+new.example.com. 300 IN A 192.0.2.1" };
	static const char *const churn[] = {
		"-a.example.com. 1 IN A 192.0.2.1", "+a.example.com. 1 IN A 192.0.2.1",
		"-a.example.com. 1 IN A 192.0.2.1", "+a.example.com. 1 IN A 192.0.2.1",
		"-a.example.com. 1 IN A 192.0.2.1", "+a.example.com. 1 IN A 192.0.2.1",
		"-a.example.com. 1 IN A 192.0.2.1", "+a.example.com. 1 IN A 192.0.2.1",
		"-a.example.com. 1 IN A 192.0.2.1", "+a.example.com. 1 IN A 192.0.2.1",
		"-a.example.com. 1 IN A 192.0.2.1", "+a.example.com. 1 IN A 192.0.2.1",
		"-a.example.com. 1 IN A 192.0.2.1", "+a.example.com. 1 IN A 192.0.2.1",
		"-a.example.com. 1 IN A 192.0.2.1", "+a.example.com. 1 IN A 192.0.2.1",
		"-a.example.com. 1 IN A 192.0.2.1", "+a.example.com. 1 IN A 192.0.2.1",
		"-a.example.com. 1 IN A 192.0.2.1", "+a.example.com. 1 IN A 192.0.2.1",
	};
	struct zone_build b;
	struct zone *z;
	size_t i;
	int rc;

	/* AXFR: the RR over the limit fails at once, and stays failed. */
	zone_build_init(&b, apex, &rrs);
	for (i = 0; i < NBASE - 1; i++)
		CHECK_INT(op(&b, base_rrs[i]), 0);
	CHECK_INT(op(&b, base_rrs[i]), DNS_ELIMIT);
	CHECK_INT(op(&b, base_rrs[0]), DNS_ELIMIT);
	CHECK_INT(zone_build_finish(&b, NULL, &z), DNS_ELIMIT);
	CHECK(z == NULL);
	z = axfr(base_rrs, NBASE, &fit, &rc);
	CHECK_INT(rc, 0);
	zone_free(z);
	CHECK(axfr(base_rrs, NBASE, &bytes, &rc) == NULL);
	CHECK_INT(rc, DNS_ELIMIT);
	/* IXFR: the zone it leads to, and the operations it records. */
	ixfr_fails(grow, 3, &fit, DNS_ELIMIT);
	ixfr_fails(churn, 20, &fit, DNS_ELIMIT);
}

/* ---- randomised: IXFR result == AXFR of the same data ------------------------- */

#define R_OWNERS 6
#define R_TYPES 3
#define R_VALUES 4
#define R_N (R_OWNERS * R_TYPES * R_VALUES)

static unsigned r_seed = 99;

static unsigned
rnd(unsigned n)
{
	r_seed = r_seed * 1103515245u + 12345u;
	return (r_seed >> 8) % n;
}

/* Candidate RR k as zone text (TTL fixed per type). */
static void
r_text(unsigned k, char *buf, size_t cap)
{
	static const char *const owners[R_OWNERS] = { "example.com.",
		"a.example.com.", "Bb.a.example.com.", "c.example.com.",
		"*.c.example.com.", "xn--d.example.com." };
	unsigned o = k / (R_TYPES * R_VALUES), t = k / R_VALUES % R_TYPES;
	unsigned v = k % R_VALUES;

	if (t == 0)
		snprintf(buf, cap, "%s 60 IN A 192.0.2.%u", owners[o], v * 50);
	else if (t == 1)
		snprintf(buf, cap, "%s 70 IN TXT \"v%.*s\"", owners[o], (int)v,
		    "xxx");
	else
		snprintf(buf, cap, "%s 80 IN MX %u mx.example.com.", owners[o],
		    v);
}

static void
soa_text(unsigned serial, char *buf, size_t cap)
{
	snprintf(buf, cap, "example.com. 3600 IN SOA ns.example.com. "
	    "h.example.com. %u 1 2 3 4", serial);
}

/* An AXFR of the model (present[] + SOA serial), in a random order. */
static struct zone *
r_axfr(const int *present, unsigned serial)
{
	static char bufs[R_N + 1][128];
	const char *rrs[R_N + 1];
	size_t n = 0, i, j;
	unsigned k;
	int rc;
	struct zone *z;

	soa_text(serial, bufs[R_N], sizeof bufs[R_N]);
	rrs[n++] = bufs[R_N];
	for (k = 0; k < R_N; k++)
		if (present[k]) {
			r_text(k, bufs[k], sizeof bufs[k]);
			rrs[n++] = bufs[k];
		}
	for (i = n - 1; i > 0; i--) {
		const char *t;

		j = rnd((unsigned)i + 1);
		t = rrs[i];
		rrs[i] = rrs[j];
		rrs[j] = t;
	}
	z = axfr(rrs, n, NULL, &rc);
	CHECK_INT(rc, 0);
	return z;
}

/* Record "+RR" or "-RR" for the text in rr. */
static int
op2(struct zone_build *b, char sign, const char *rr)
{
	char line[160];

	snprintf(line, sizeof line, "%c%s", sign, rr);
	return op(b, line);
}

/* One IXFR of a few random operations; some rounds hold a bad one. */
static struct zone *
r_round(struct zone *cur, int *present, unsigned *serial)
{
	struct zone_build b;
	struct zone *z = NULL;
	int next[R_N], bad = rnd(10) == 0, rc;
	char buf[128];
	unsigned i, nops = 1 + rnd(12);

	memcpy(next, present, sizeof next);
	zone_build_init_from(&b, cur, NULL);
	soa_text(*serial, buf, sizeof buf);
	CHECK_INT(op2(&b, '-', buf), 0);
	soa_text(*serial + 1, buf, sizeof buf);
	CHECK_INT(op2(&b, '+', buf), 0);
	for (i = 0; i < nops; i++) {
		unsigned k = rnd(R_N);
		int add = !next[k];

		if (bad && i == nops - 1)
			add = !add; /* the wrong operation */
		r_text(k, buf, sizeof buf);
		CHECK_INT(op2(&b, add ? '+' : '-', buf), 0);
		next[k] = add;
	}
	rc = zone_build_finish(&b, NULL, &z);
	if (bad) {
		CHECK_INT(rc, DNS_EDIVERGE);
		return NULL;
	}
	CHECK_INT(rc, 0);
	memcpy(present, next, sizeof next);
	++*serial;
	return z;
}

UNIT_TEST(zone_ixfr_random_equals_axfr)
{
	int present[R_N];
	unsigned serial = 1, round, k;
	struct zone *cur, *z, *ref;
	char *a, *b, *d1, *d2, *before;

	for (k = 0; k < R_N; k++)
		present[k] = rnd(2);
	if ((cur = r_axfr(present, serial)) == NULL)
		return;
	for (round = 0; round < 300; round++) {
		before = dump(cur);
		z = r_round(cur, present, &serial);
		a = dump(cur);
		CHECK_STR(a, before); /* the base never changes */
		free(a);
		free(before);
		if (z == NULL)
			continue;
		if ((ref = r_axfr(present, serial)) == NULL)
			break;
		a = dump(z);
		b = dump(ref);
		CHECK_STR(a, b);
		CHECK_INT(zone_rr_count(z), zone_rr_count(ref));
		CHECK_INT(zone_rrset_count(z), zone_rrset_count(ref));
		d1 = diff(cur, z);   /* O(changes) */
		d2 = diff(cur, ref); /* full walk */
		CHECK_STR(d1, d2);
		free(a);
		free(b);
		free(d1);
		free(d2);
		zone_free(ref);
		zone_free(cur);
		cur = z;
	}
	zone_free(cur);
}

/* ---- bigger zones: hash growth, owner compaction, RRset cap ------------------ */

/* "hN.example.com." in wire form. */
static void
host_name(uint8_t *out, unsigned n)
{
	char t[16];
	int len = snprintf(t, sizeof t, "h%u", n);

	out[0] = (uint8_t)len;
	memcpy(out + 1, t, (size_t)len);
	memcpy(out + 1 + len, apex, sizeof apex);
}

static void
host_a(uint8_t rd[4], unsigned n)
{
	rd[0] = 10;
	rd[1] = (uint8_t)(n >> 16);
	rd[2] = (uint8_t)(n >> 8);
	rd[3] = (uint8_t)n;
}

/* AXFR: the SOA with serial, and hosts [from, to) in descending order. */
static struct zone *
hosts_axfr(unsigned serial, unsigned from, unsigned to)
{
	struct zone_build b;
	struct zone *z = NULL;
	uint8_t name[DNS_NAME_MAX], rd[4];
	char soa[128];
	unsigned n;

	zone_build_init(&b, apex, NULL);
	soa_text(serial, soa, sizeof soa);
	CHECK_INT(op(&b, soa), 0);
	for (n = to; n-- > from;) {
		host_name(name, n);
		host_a(rd, n);
		CHECK_INT(zone_build_add(&b, name, DNS_T_A, 60, rd, 4), 0);
	}
	CHECK_INT(zone_build_finish(&b, NULL, &z), 0);
	return z;
}

/* IXFR serial -> serial + 1 deleting hosts [dfrom, dto), adding [afrom, ato). */
static struct zone *
hosts_ixfr(const struct zone *base, unsigned serial, unsigned dfrom,
    unsigned dto, unsigned afrom, unsigned ato)
{
	struct zone_build b;
	struct zone *z = NULL;
	uint8_t name[DNS_NAME_MAX], rd[4];
	char soa[128];
	unsigned n;

	zone_build_init_from(&b, base, NULL);
	soa_text(serial, soa, sizeof soa);
	CHECK_INT(op2(&b, '-', soa), 0);
	soa_text(serial + 1, soa, sizeof soa);
	CHECK_INT(op2(&b, '+', soa), 0);
	for (n = dfrom; n < dto; n++) {
		host_name(name, n);
		host_a(rd, n);
		CHECK_INT(zone_build_del(&b, name, DNS_T_A, rd, 4), 0);
	}
	for (n = afrom; n < ato; n++) {
		host_name(name, n);
		host_a(rd, n);
		CHECK_INT(zone_build_add(&b, name, DNS_T_A, 60, rd, 4), 0);
	}
	CHECK_INT(zone_build_finish(&b, NULL, &z), 0);
	return z;
}

/* z must hold the same data as ref, and diff from old the same way. */
static void
check_same(const struct zone *old, const struct zone *z,
    const struct zone *ref)
{
	char *a = dump(z), *b = dump(ref), *d1 = diff(old, z),
	    *d2 = diff(old, ref);

	CHECK_STR(a, b);
	CHECK(zone_diff_incremental(old, z));
	CHECK(!zone_diff_incremental(old, ref));
	CHECK_STR(d1, d2);
	CHECK_INT(zone_rr_count(z), zone_rr_count(ref));
	free(a);
	free(b);
	free(d1);
	free(d2);
}

UNIT_TEST(zone_ixfr_many_owners_compacts)
{
	struct zone *base = hosts_axfr(1, 0, 3000), *z1 = NULL, *z2 = NULL;
	struct zone *ref = NULL;

	if (base == NULL)
		return;
	CHECK_INT(zone_rr_count(base), 3001);
	/* Most owners go away: the names array is compacted. */
	if ((z1 = hosts_ixfr(base, 1, 0, 2500, 0, 0)) == NULL ||
	    (ref = hosts_axfr(2, 2500, 3000)) == NULL)
		goto out;
	check_same(base, z1, ref);
	CHECK(zone_mem(z1) < zone_mem(base) / 2);
	CHECK_INT(zone_mem(z1) - zone_mem(ref), 8 * 2501);
	zone_free(ref);
	/* And the compacted version is a good base. */
	if ((z2 = hosts_ixfr(z1, 2, 2500, 2600, 0, 300)) == NULL ||
	    (ref = hosts_axfr(3, 0, 300)) == NULL)
		goto out;
	{
		struct zone *more = hosts_axfr(3, 2600, 3000);
		char *a = dump(z2);

		/* ref + more, printed: hosts 0..299 and 2600..2999. */
		CHECK_INT(zone_rr_count(z2), 1 + 300 + 400);
		CHECK(strstr(a, "h2599.") == NULL);
		CHECK(strstr(a, "h2600.example.com.\t60\tIN\tA\t10.0.10.40\n"));
		CHECK(strstr(a, "h0.example.com.\t60\tIN\tA\t10.0.0.0\n"));
		free(a);
		zone_free(more);
	}
out:
	zone_free(ref);
	zone_free(z2);
	zone_free(z1);
	zone_free(base);
}

UNIT_TEST(zone_rrset_cap)
{
	struct zone_build b;
	struct zone *z;
	uint8_t rd[4];
	unsigned n;

	zone_build_init(&b, apex, NULL);
	CHECK_INT(op(&b, SOA1), 0);
	for (n = 0; n < 65536; n++) {
		host_a(rd, n);
		if (zone_build_add(&b, apex, DNS_T_A, 1, rd, 4) != 0)
			break;
	}
	CHECK_INT(n, 65536);
	CHECK_INT(zone_build_finish(&b, NULL, &z), DNS_ELIMIT);
	CHECK(z == NULL);
	zone_build_init(&b, apex, NULL);
	CHECK_INT(zone_build_add(&b, apex, DNS_T_A, 1, rd, 65536), DNS_ERDATA);
	zone_build_abort(&b);
}

static void
count_line(void *ctx, const char *line)
{
	size_t *n = ctx;

	*n += strlen(line) + 1;
}

UNIT_TEST(zone_print_long_line)
{
	static uint8_t rd[4 * 256];
	struct zone_build b;
	struct zone *z;
	size_t n = 0, i;

	for (i = 0; i < 4; i++) {
		rd[256 * i] = 255;
		memset(rd + 256 * i + 1, '"', 255);
	}
	zone_build_init(&b, apex, NULL);
	CHECK_INT(op(&b, SOA1), 0);
	CHECK_INT(zone_build_add(&b, apex, DNS_T_TXT, 1, rd, sizeof rd), 0);
	CHECK_INT(zone_build_finish(&b, NULL, &z), 0);
	if (z == NULL)
		return;
	CHECK(dns_name_eq(zone_apex(z), apex));
	CHECK_INT(zone_print(z, count_line, &n), 0);
	/* SOA line + apex, TTL, class, type, 4 x ("" + 255 x \") + 3 spaces */
	CHECK_INT(n, strlen("example.com.\t3600\tIN\tSOA\tns1.example.com. "
	    "host.example.com. 1 7200 3600 1209600 300\n") +
	    strlen("example.com.\t1\tIN\tTXT\t") +
	    4 * (2 + 2 * 255) + 3 + 1);
	zone_free(z);
}

/* Owners made of awkward bytes (0x00, 0xff, case) sort as dns_name_cmp. */
UNIT_TEST(zone_owner_order_matches_dns_name_cmp)
{
	static const uint8_t alpha[] = { 0, 1, 'A', 'a', 'b', 'Z', '-', 0xff };
	struct zone_build b;
	struct zone *z;
	struct zone_rrset prev, cur;
	uint8_t name[DNS_NAME_MAX], rd[4];
	unsigned i, k, nl, l, len;
	size_t j;

	zone_build_init(&b, apex, NULL);
	CHECK_INT(op(&b, SOA1), 0);
	for (i = 0; i < 3000; i++) {
		size_t o = 0;

		nl = 1 + rnd(3);
		for (l = 0; l < nl; l++) {
			len = 1 + rnd(3);
			name[o++] = (uint8_t)len;
			for (k = 0; k < len; k++)
				name[o++] = alpha[rnd(sizeof alpha)];
		}
		memcpy(name + o, apex, sizeof apex);
		host_a(rd, i);
		CHECK_INT(zone_build_add(&b, name, DNS_T_A, 1, rd, 4), 0);
	}
	CHECK_INT(zone_build_finish(&b, NULL, &z), 0);
	if (z == NULL)
		return;
	CHECK_INT(zone_rr_count(z), 3001);
	zone_rrset_get(z, 0, &prev);
	for (j = 1; j < zone_rrset_count(z); j++) {
		zone_rrset_get(z, j, &cur);
		if (dns_name_cmp(prev.owner, cur.owner) >= 0) {
			unit_fail(__FILE__, __LINE__, "owner order");
			break;
		}
		prev = cur;
	}
	zone_free(z);
}

static int
stop_at_first(void *ctx, const struct zone_change *c)
{
	(void)c;
	++*(int *)ctx;
	return 7;
}

UNIT_TEST(zone_diff_stops_and_empty_axfr)
{
	static const char *const ops[] = { SOA12,
		"-www.example.com. 300 IN A 192.0.2.10" };
	struct zone *base = base_zone(), *z;
	struct zone_build b;
	int rc, n = 0;

	if (base == NULL)
		return;
	z = ixfr(base, ops, 3, NULL, &rc);
	CHECK_INT(rc, 0);
	CHECK_INT(zone_diff(base, z, stop_at_first, &n), 7); /* touched */
	CHECK_INT(n, 1);
	CHECK_INT(zone_diff(z, base, stop_at_first, &n), 7); /* full walk */
	CHECK_INT(n, 2);
	CHECK_INT(zone_diff(base, NULL, stop_at_first, &n), 7);
	CHECK_INT(n, 3);
	zone_free(z);
	zone_free(base);
	/* An AXFR with no RR at all has no SOA. */
	zone_build_init(&b, apex, NULL);
	CHECK_INT(zone_build_finish(&b, NULL, &z), DNS_EXFR);
	CHECK(z == NULL);
	/* Finished: the builder refuses more until initialised again. */
	CHECK_INT(op(&b, SOA1), DNS_EXFR);
}
