/*
 * test_stub.c — the stub resolver's protocol half (net/stub): resolv.conf,
 * the query, 0x20, and the checks of crafted answers — wrong ID or
 * question, CNAME chains and loops, truncation, negative answers with
 * and without an enclosing SOA, and unrelated or out-of-bailiwick RRs
 * that must not count.
 */
#include <string.h>

#include "net/err.h"
#include "net/msg.h"
#include "net/rrtype.h"
#include "net/stub.h"
#include "tests/unit/unit.h"

static const uint8_t QNAME[] = "\7route53\11amazonaws\3com";
static const uint8_t ZONE[] = "\11amazonaws\3com";
static const uint8_t A1[4] = { 192, 0, 2, 1 }, A2[4] = { 192, 0, 2, 2 };
static const uint8_t V6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 };

#define ID 0x4242

static uint8_t msg[4096];
static struct dns_mb mb;

/* Start an answer to (qname, qtype) with rcode and extra flags. */
static void
begin(uint16_t id, uint16_t flags, const uint8_t *qname, uint16_t qtype)
{
	dns_mb_init(&mb, msg, sizeof msg, id, DNS_F_QR | DNS_F_RD | DNS_F_RA |
	    flags);
	if (qname != NULL)
		dns_mb_question(&mb, qname, qtype, DNS_C_IN);
}

static void
rr(uint8_t sec, const uint8_t *owner, uint16_t type, uint32_t ttl,
    const void *rd, size_t len)
{
	dns_mb_rr(&mb, sec, owner, type, DNS_C_IN, ttl, rd, len);
}

static void
cname(uint8_t sec, const uint8_t *owner, const uint8_t *target, uint32_t ttl)
{
	rr(sec, owner, DNS_T_CNAME, ttl, target, dns_name_len(target));
}

/* An SOA for zone with the given MINIMUM. */
static void
soa(const uint8_t *zone, uint32_t ttl, uint32_t minimum)
{
	uint8_t rd[DNS_NAME_MAX * 2 + 20];
	size_t n = 0;

	memcpy(rd, "\3ns1", 4);
	n = 4;
	memcpy(rd + n, zone, dns_name_len(zone));
	n += dns_name_len(zone);
	memcpy(rd + n, "\0", 1);  /* rname: the root */
	n += 1;
	memcpy(rd + n, "\0\0\0\1\0\0\16\20\0\0\2\130\0\1\121\200", 16);
	n += 16;
	rd[n++] = (uint8_t)(minimum >> 24);
	rd[n++] = (uint8_t)(minimum >> 16);
	rd[n++] = (uint8_t)(minimum >> 8);
	rd[n++] = (uint8_t)minimum;
	rr(DNS_S_NS, zone, DNS_T_SOA, ttl, rd, n);
}

static enum stub_verdict
check_q(uint16_t qtype, const uint8_t *qname, int exact, struct stub_answer *a)
{
	struct stub_q q = { ID, qtype, qname, exact };
	int len = dns_mb_end(&mb);

	CHECK(len > 0);
	return stub_check(msg, (size_t)len, &q, a);
}

static enum stub_verdict
check(struct stub_answer *a)
{
	return check_q(DNS_T_A, QNAME, 1, a);
}

/* ---- resolv.conf ------------------------------------------------------ */

UNIT_TEST(stub_conf_glibc_rules)
{
	static const char text[] =
	    "# comment\n"
	    "; comment too\n"
	    "domain example.net\n"
	    "search a.example b.example\n"
	    "nameserver 192.0.2.53  # trailing comment\n"
	    "nameserver\t2001:db8::53\n"
	    "nameserver not-an-address\n"
	    "nameserverX 192.0.2.99\n"
	    "nameserver fe80::1%eth0\n"
	    "nameserver 192.0.2.54\n"      /* a fourth: ignored */
	    "options ndots:2 timeout:3 rotate attempts:9\n";
	struct stub_conf c;

	stub_conf_parse(&c, text, sizeof text - 1);
	CHECK_INT(c.n, 3);
	CHECK_INT(c.ns[0].family, 4);
	CHECK_MEM(c.ns[0].addr, "\300\0\2\65", 4);
	CHECK_INT(c.ns[1].family, 6);
	CHECK_MEM(c.ns[1].addr, V6, 16);
	CHECK_STR(c.ns[1].scope, "");
	CHECK_INT(c.ns[2].family, 6);
	CHECK_STR(c.ns[2].scope, "eth0");
	CHECK_INT(c.skipped, 2);
	CHECK_INT(c.timeout, 3);
	CHECK_INT(c.attempts, STUB_ATTEMPTS_MAX);   /* clamped as glibc */
}

UNIT_TEST(stub_conf_defaults_and_clamps)
{
	struct stub_conf c;

	stub_conf_parse(&c, "", 0);
	CHECK_INT(c.n, 0);
	CHECK_INT(c.timeout, STUB_TIMEOUT_DEFAULT);
	CHECK_INT(c.attempts, STUB_ATTEMPTS_DEFAULT);
	stub_conf_parse(&c, "options timeout:0 attempts:0", 28);
	CHECK_INT(c.timeout, 1);
	CHECK_INT(c.attempts, 1);
	stub_conf_parse(&c, "options timeout:99999999999999\r\n", 32);
	CHECK_INT(c.timeout, STUB_TIMEOUT_MAX);
	/* No final newline; a CR before it is a blank. */
	stub_conf_parse(&c, "nameserver 10.0.0.1\r\nnameserver 10.0.0.2", 40);
	CHECK_INT(c.n, 2);
	CHECK_MEM(c.ns[1].addr, "\12\0\0\2", 4);
}

/* ---- queries ---------------------------------------------------------- */

UNIT_TEST(stub_query_form)
{
	uint8_t buf[512], q[DNS_NAME_MAX], rdb[64];
	struct dns_msg m;
	struct dns_rr r;
	uint16_t qt, qc;
	int len = stub_query(buf, sizeof buf, 0xbeef, QNAME, DNS_T_AAAA);

	CHECK(len > 0);
	CHECK_INT(dns_msg_init(&m, buf, (size_t)len), 0);
	CHECK_INT(m.hdr.id, 0xbeef);
	CHECK_INT(m.hdr.flags, DNS_F_RD);
	CHECK_INT(dns_msg_question(&m, q, &qt, &qc), 1);
	CHECK_MEM(q, QNAME, sizeof QNAME);
	CHECK_INT(qt, DNS_T_AAAA);
	CHECK_INT(qc, DNS_C_IN);
	CHECK_INT(dns_msg_rr(&m, &r, rdb, sizeof rdb), 1);
	CHECK_INT(r.type, DNS_T_OPT);
	CHECK_INT(r.cls, STUB_EDNS_SIZE);
	CHECK_INT(r.ttl, 0);         /* no DO bit */
	CHECK_INT(dns_msg_rr(&m, &r, rdb, sizeof rdb), 0);
}

UNIT_TEST(stub_mix_case_letters_only)
{
	uint8_t n[DNS_NAME_MAX], ones[32], zeros[32], alt[32];

	memset(ones, 0xff, sizeof ones);
	memset(zeros, 0, sizeof zeros);
	memset(alt, 0x55, sizeof alt);
	memcpy(n, "\3a-1\7ExAmPlE\0", 13);
	stub_mix_case(n, ones);
	CHECK_MEM(n, "\3A-1\7EXAMPLE\0", 13);
	stub_mix_case(n, zeros);
	CHECK_MEM(n, "\3a-1\7example\0", 13);
	/* Bit i is byte i of the name: 0x55 sets the even offsets. */
	stub_mix_case(n, alt);
	CHECK_MEM(n, "\3a-1\7eXaMpLe\0", 13);
	CHECK(dns_name_eq(n, (const uint8_t *)"\3a-1\7example"));
	/* Length octets 'a'..'z' (97..122) are never touched. */
	memset(n, 'x', sizeof n);
	n[0] = 'a';   /* a 97-byte label */
	n[98] = 0;
	stub_mix_case(n, ones);
	CHECK_INT(n[0], 'a');
	CHECK_INT(n[1], 'X');
	CHECK_INT(n[98], 0);
}

/* ---- answers ---------------------------------------------------------- */

UNIT_TEST(stub_plain_answer)
{
	struct stub_answer a;

	begin(ID, 0, QNAME, DNS_T_A);
	rr(DNS_S_AN, QNAME, DNS_T_A, 60, A1, 4);
	rr(DNS_S_AN, QNAME, DNS_T_A, 30, A2, 4);
	rr(DNS_S_AN, QNAME, DNS_T_A, 60, A1, 4);   /* a repeat */
	dns_mb_opt(&mb, 1232, 0);
	CHECK_INT(check(&a), STUB_ANSWER);
	CHECK_INT(a.n, 2);
	CHECK_INT(a.total, 2);
	CHECK_MEM(a.addr[0], A1, 4);
	CHECK_MEM(a.addr[1], A2, 4);
	CHECK_INT(a.ttl, 30);
	CHECK_INT(a.chain, 0);
	CHECK_INT(a.ignored, 0);
	CHECK(dns_name_eq(a.target, QNAME));
}

UNIT_TEST(stub_aaaa_answer)
{
	struct stub_answer a;

	begin(ID, 0, QNAME, DNS_T_AAAA);
	rr(DNS_S_AN, QNAME, DNS_T_A, 60, A1, 4);    /* other type: ignored */
	rr(DNS_S_AN, QNAME, DNS_T_AAAA, 300, V6, 16);
	CHECK_INT(check_q(DNS_T_AAAA, QNAME, 1, &a), STUB_ANSWER);
	CHECK_INT(a.n, 1);
	CHECK_MEM(a.addr[0], V6, 16);
	CHECK_INT(a.ttl, 300);
	CHECK_INT(a.ignored, 1);
}

UNIT_TEST(stub_not_ours_is_ignored)
{
	static const uint8_t other[] = "\3sts\11amazonaws\3com";
	struct stub_answer a;

	begin(ID + 1, 0, QNAME, DNS_T_A);          /* wrong ID */
	rr(DNS_S_AN, QNAME, DNS_T_A, 60, A1, 4);
	CHECK_INT(check(&a), STUB_IGNORE);
	CHECK_STR(a.why, "wrong ID");

	begin(ID, 0, other, DNS_T_A);              /* wrong name */
	rr(DNS_S_AN, other, DNS_T_A, 60, A1, 4);
	CHECK_INT(check(&a), STUB_IGNORE);

	begin(ID, 0, QNAME, DNS_T_AAAA);           /* wrong type */
	CHECK_INT(check(&a), STUB_IGNORE);

	dns_mb_init(&mb, msg, sizeof msg, ID, DNS_F_QR);   /* wrong class */
	dns_mb_question(&mb, QNAME, DNS_T_A, DNS_C_CH);
	CHECK_INT(check(&a), STUB_IGNORE);

	dns_mb_init(&mb, msg, sizeof msg, ID, DNS_F_RD);   /* a query */
	dns_mb_question(&mb, QNAME, DNS_T_A, DNS_C_IN);
	rr(DNS_S_AN, QNAME, DNS_T_A, 60, A1, 4);
	CHECK_INT(check(&a), STUB_IGNORE);

	begin(ID, DNS_OP_NOTIFY << 11, QNAME, DNS_T_A);   /* a NOTIFY answer */
	CHECK_INT(check(&a), STUB_IGNORE);

	begin(ID, 0, NULL, 0);                     /* NOERROR, no question */
	rr(DNS_S_AN, QNAME, DNS_T_A, 60, A1, 4);
	CHECK_INT(check(&a), STUB_IGNORE);

	begin(ID, 0, QNAME, DNS_T_A);              /* two questions */
	dns_mb_question(&mb, QNAME, DNS_T_A, DNS_C_IN);
	CHECK_INT(check(&a), STUB_IGNORE);

	CHECK_INT(stub_check(msg, 11, &(struct stub_q){ ID, DNS_T_A, QNAME, 1 },
	    &a), STUB_IGNORE);                     /* shorter than a header */
}

UNIT_TEST(stub_0x20_case_must_be_echoed)
{
	static const uint8_t mixed[] = "\7rOuTe53\11AmAzOnAwS\3cOm";
	static const uint8_t lower[] = "\7route53\11amazonaws\3com";
	struct stub_answer a;

	/* Echoed exactly: accepted; owners of the answer may differ in case. */
	begin(ID, 0, mixed, DNS_T_A);
	rr(DNS_S_AN, lower, DNS_T_A, 60, A1, 4);
	CHECK_INT(check_q(DNS_T_A, mixed, 1, &a), STUB_ANSWER);
	/* Lower-cased by the server: not accepted as is... */
	begin(ID, 0, lower, DNS_T_A);
	rr(DNS_S_AN, lower, DNS_T_A, 60, A1, 4);
	CHECK_INT(check_q(DNS_T_A, mixed, 1, &a), STUB_CASE);
	/* ...but fine for a query sent without 0x20. */
	CHECK_INT(check_q(DNS_T_A, mixed, 0, &a), STUB_ANSWER);
}

UNIT_TEST(stub_cname_chain)
{
	static const uint8_t c1[] = "\3sts\11us-east-1\11amazonaws\3com";
	static const uint8_t c2[] = "\2lb\4edge\7example\3net";
	static const uint8_t c3[] = "\4e123\4edge\7example\3net";
	struct stub_answer a;

	/* Out of order on purpose; the TTL is the least along the chain. */
	begin(ID, 0, QNAME, DNS_T_A);
	rr(DNS_S_AN, c3, DNS_T_A, 120, A2, 4);
	cname(DNS_S_AN, c2, c3, 20);
	cname(DNS_S_AN, QNAME, c1, 300);
	rr(DNS_S_AN, QNAME, DNS_T_A, 60, A1, 4);   /* beside a CNAME: unused */
	cname(DNS_S_AN, c1, c2, 3600);
	CHECK_INT(check(&a), STUB_ANSWER);
	CHECK_INT(a.chain, 3);
	CHECK(dns_name_eq(a.target, c3));
	CHECK_INT(a.n, 1);
	CHECK_MEM(a.addr[0], A2, 4);
	CHECK_INT(a.ttl, 20);
	CHECK_INT(a.ignored, 1);

	/* The chain ends in a name with no address: NODATA, not the A of
	 * another link. */
	begin(ID, 0, QNAME, DNS_T_A);
	cname(DNS_S_AN, QNAME, c1, 300);
	rr(DNS_S_AN, QNAME, DNS_T_A, 60, A1, 4);
	soa(ZONE, 900, 45);
	CHECK_INT(check(&a), STUB_NODATA);
	CHECK_INT(a.chain, 1);
	CHECK_INT(a.ttl, 45);
}

UNIT_TEST(stub_cname_loop_and_length)
{
	static const uint8_t x[] = "\1x\7example";
	static const uint8_t y[] = "\1y\7example";
	uint8_t names[STUB_CHAIN_MAX + 2][16];
	struct stub_answer a;
	int i, len;

	begin(ID, 0, QNAME, DNS_T_A);
	cname(DNS_S_AN, QNAME, x, 60);
	cname(DNS_S_AN, x, y, 60);
	cname(DNS_S_AN, y, x, 60);
	CHECK_INT(check(&a), STUB_LOOP);
	CHECK_STR(a.why, "CNAME loop");

	/* Back to the query name itself, in another case. */
	begin(ID, 0, QNAME, DNS_T_A);
	cname(DNS_S_AN, QNAME, (const uint8_t *)"\7ROUTE53\11amazonaws\3com",
	    60);
	CHECK_INT(check(&a), STUB_LOOP);

	/* STUB_CHAIN_MAX links are fine, one more is too long. */
	for (i = 0; i < STUB_CHAIN_MAX + 2; i++) {
		memcpy(names[i], "\1n\7example\0", 11);
		names[i][1] = (uint8_t)('a' + i);
	}
	for (len = STUB_CHAIN_MAX; len <= STUB_CHAIN_MAX + 1; len++) {
		begin(ID, 0, QNAME, DNS_T_A);
		cname(DNS_S_AN, QNAME, names[0], 60);
		for (i = 0; i + 1 < len; i++)
			cname(DNS_S_AN, names[i], names[i + 1], 60);
		rr(DNS_S_AN, names[len - 1], DNS_T_A, 60, A1, 4);
		if (len == STUB_CHAIN_MAX) {
			CHECK_INT(check(&a), STUB_ANSWER);
			CHECK_INT(a.chain, STUB_CHAIN_MAX);
		} else {
			CHECK_INT(check(&a), STUB_LOOP);
			CHECK_STR(a.why, "CNAME chain too long");
		}
	}
}

UNIT_TEST(stub_truncated)
{
	struct stub_answer a;

	/* TC wins over whatever partial answer came with it. */
	begin(ID, DNS_F_TC, QNAME, DNS_T_A);
	rr(DNS_S_AN, QNAME, DNS_T_A, 60, A1, 4);
	CHECK_INT(check(&a), STUB_TRUNCATED);
	/* but only for our question. */
	begin(ID + 7, DNS_F_TC, QNAME, DNS_T_A);
	CHECK_INT(check(&a), STUB_IGNORE);
}

UNIT_TEST(stub_nxdomain_with_soa)
{
	static const uint8_t other[] = "\7example\3org";
	struct stub_answer a;

	begin(ID, DNS_R_NXDOMAIN, QNAME, DNS_T_A);
	soa(ZONE, 900, 120);
	CHECK_INT(check(&a), STUB_NXDOMAIN);
	CHECK(a.has_soa);
	CHECK_INT(a.ttl, 120);               /* min(SOA TTL, MINIMUM) */
	CHECK_INT(a.rcode, DNS_R_NXDOMAIN);

	begin(ID, DNS_R_NXDOMAIN, QNAME, DNS_T_A);
	soa(ZONE, 40, 120);
	CHECK_INT(check(&a), STUB_NXDOMAIN);
	CHECK_INT(a.ttl, 40);

	/* An SOA that does not enclose the name says nothing about it. */
	begin(ID, DNS_R_NXDOMAIN, QNAME, DNS_T_A);
	soa(other, 900, 86400);
	CHECK_INT(check(&a), STUB_NXDOMAIN);
	CHECK(!a.has_soa);
	CHECK_INT(a.ttl, 0);
	CHECK_INT(a.ignored, 1);

	/* NXDOMAIN at the end of a CNAME chain: SOA of the target's zone. */
	begin(ID, DNS_R_NXDOMAIN, QNAME, DNS_T_A);
	cname(DNS_S_AN, QNAME, (const uint8_t *)"\4gone\7example\3org", 300);
	soa(other, 900, 30);
	CHECK_INT(check(&a), STUB_NXDOMAIN);
	CHECK_INT(a.chain, 1);
	CHECK_INT(a.ttl, 30);
}

UNIT_TEST(stub_nodata_and_referral)
{
	static const uint8_t ns[] = "\3ns1\11amazonaws\3com";
	struct stub_answer a;

	begin(ID, 0, QNAME, DNS_T_AAAA);
	soa(ZONE, 900, 60);
	CHECK_INT(check_q(DNS_T_AAAA, QNAME, 1, &a), STUB_NODATA);
	CHECK_INT(a.ttl, 60);

	/* An empty NOERROR with no SOA: NODATA of unknown TTL. */
	begin(ID, 0, QNAME, DNS_T_AAAA);
	CHECK_INT(check_q(DNS_T_AAAA, QNAME, 1, &a), STUB_NODATA);
	CHECK_INT(a.ttl, 0);

	/* NS in the authority and nothing else: a referral. */
	begin(ID, 0, QNAME, DNS_T_A);
	rr(DNS_S_NS, ZONE, DNS_T_NS, 3600, ns, sizeof ns);
	rr(DNS_S_AR, ns, DNS_T_A, 3600, A2, 4);
	CHECK_INT(check(&a), STUB_FAIL);
	CHECK_STR(a.why, "referral (the server does not recurse)");
}

UNIT_TEST(stub_error_rcodes)
{
	static const struct { int rcode; const char *why; } t[] = {
		{ DNS_R_SERVFAIL, "SERVFAIL" }, { DNS_R_REFUSED, "REFUSED" },
		{ DNS_R_NOTIMP, "NOTIMP" }, { DNS_R_FORMERR, "FORMERR" },
		{ 9, "error RCODE" },
	};
	struct stub_answer a;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		begin(ID, (uint16_t)t[i].rcode, QNAME, DNS_T_A);
		CHECK_INT(check(&a), STUB_FAIL);
		CHECK_STR(a.why, t[i].why);
		CHECK_INT(a.rcode, t[i].rcode);
		/* Without the question (FORMERR often drops it). */
		begin(ID, (uint16_t)t[i].rcode, NULL, 0);
		CHECK_INT(check(&a), STUB_FAIL);
		/* Someone else's error. */
		begin(ID ^ 1, (uint16_t)t[i].rcode, NULL, 0);
		CHECK_INT(check(&a), STUB_IGNORE);
	}
}

UNIT_TEST(stub_junk_is_ignored)
{
	static const uint8_t bank[] = "\3www\4bank\7example";
	static const uint8_t sub[] = "\3sub\7route53\11amazonaws\3com";
	struct stub_answer a;
	uint8_t txt[300];

	memset(txt, 'j', sizeof txt);
	txt[0] = 255;
	begin(ID, 0, QNAME, DNS_T_A);
	rr(DNS_S_AN, bank, DNS_T_A, 86400, A2, 4);          /* unrelated */
	cname(DNS_S_AN, bank, QNAME, 86400);                /* off the chain */
	rr(DNS_S_AN, sub, DNS_T_A, 86400, A2, 4);           /* below the name */
	dns_mb_rr(&mb, DNS_S_AN, QNAME, DNS_T_A, DNS_C_CH, 60, A2, 4);
	rr(DNS_S_AN, QNAME, DNS_T_TXT, 60, txt, 256);
	rr(DNS_S_AN, QNAME, DNS_T_A, 60, A1, 4);            /* the one */
	rr(DNS_S_NS, bank, DNS_T_A, 60, A2, 4);             /* authority junk */
	rr(DNS_S_AR, QNAME, DNS_T_A, 60, A2, 4);            /* additional: no */
	rr(DNS_S_AR, bank, DNS_T_A, 60, A2, 4);
	CHECK_INT(check(&a), STUB_ANSWER);
	CHECK_INT(a.n, 1);
	CHECK_MEM(a.addr[0], A1, 4);
	CHECK_INT(a.ttl, 60);
	CHECK_INT(a.ignored, 8);
}

UNIT_TEST(stub_many_addresses_and_ttls)
{
	struct stub_answer a;
	uint8_t ip[4] = { 198, 51, 100, 0 };
	int i;

	begin(ID, 0, QNAME, DNS_T_A);
	for (i = 0; i < 20; i++) {
		ip[3] = (uint8_t)i;
		/* 0x80000000 and up count as 0 (RFC 2181 §8) */
		rr(DNS_S_AN, QNAME, DNS_T_A, i == 5 ? 0x80000001u : 100, ip, 4);
	}
	CHECK_INT(check(&a), STUB_ANSWER);
	CHECK_INT(a.n, STUB_ADDR_MAX);
	CHECK_INT(a.total, 20);
	CHECK_INT(a.addr[7][3], 7);
	CHECK_INT(a.ttl, 0);
}

UNIT_TEST(stub_malformed_never_crashes)
{
	static const uint8_t c1[] = "\3sts\11amazonaws\3com";
	struct stub_answer a;
	int len, cut;

	begin(ID, 0, QNAME, DNS_T_A);
	cname(DNS_S_AN, QNAME, c1, 60);
	rr(DNS_S_AN, c1, DNS_T_A, 60, A1, 4);
	soa(ZONE, 60, 60);
	dns_mb_opt(&mb, 1232, 0);
	len = dns_mb_end(&mb);
	CHECK(len > 0);
	for (cut = 0; cut < len; cut++) {
		struct stub_q q = { ID, DNS_T_A, QNAME, 1 };
		enum stub_verdict v = stub_check(msg, (size_t)cut, &q, &a);

		CHECK(v == STUB_IGNORE || v == STUB_FAIL);
	}
	/* A flipped byte anywhere: no crash, and at most the one address. */
	for (cut = 0; cut < len; cut++) {
		struct stub_q q = { ID, DNS_T_A, QNAME, 1 };
		uint8_t save = msg[cut];

		msg[cut] ^= 0x41;
		if (stub_check(msg, (size_t)len, &q, &a) == STUB_ANSWER)
			CHECK_INT(a.n, 1);
		msg[cut] = save;
	}
}
