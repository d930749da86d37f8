/*
 * test_xfr.c — the AXFR/IXFR state machine fed with byte streams of every
 * answer form (RFC 1995, RFC 5936) and every rule of dns-xfr.md.
 *
 * Each message is built from RR lines in zone-file form, so a test reads
 * like the transfer it checks.  Our serial (for IXFR) is 10.
 */
#include <stdio.h>

#include "net/err.h"
#include "net/msg.h"
#include "net/rrtype.h"
#include "net/xfr.h"
#include "net/zonetext.h"
#include "tests/unit/unit.h"

#define ID 0x4242
#define SOA(s) "example.com. 300 IN SOA ns.example.com. h.example.com. " \
	#s " 3600 600 86400 60"

static const uint8_t zone[] = "\7example\3com";
static struct xfr_ctx xc;
static char log_[4096];     /* "op:type " for each RR reported */
static size_t log_len;

static int
record(void *ctx, enum xfr_op op, const struct dns_rr *rr)
{
	char t[16];

	(void)ctx;
	dns_type_to_text(rr->type, t, sizeof t);
	log_len += (size_t)snprintf(log_ + log_len, sizeof log_ - log_len,
	    "%d:%s ", (int)op, t);
	return 0;
}

/* Build one answer message: header flags, question (qd), RR lines. */
static size_t
message(uint8_t *buf, size_t cap, uint16_t id, uint16_t flags, int qd,
    uint16_t qtype, const char *const *lines)
{
	static uint8_t rd[DNS_RDATA_MAX];
	struct dns_mb b;
	struct dns_rr rr;
	uint8_t sec = DNS_S_AN;
	int n;

	dns_mb_init(&b, buf, cap, id, (uint16_t)(DNS_F_QR | flags));
	if (qd)
		dns_mb_question(&b, zone, qtype, DNS_C_IN);
	for (; *lines != NULL; lines++) {
		if (**lines == '\0') /* marks a message with no RRs */
			continue;
		if (strcmp(*lines, "AUTHORITY") == 0) {
			sec = DNS_S_NS;
			continue;
		}
		if (dns_rr_from_text(*lines, strlen(*lines), NULL, -1, &rr, rd,
		    sizeof rd) != 0) {
			unit_fail(__FILE__, __LINE__, *lines);
			return 0;
		}
		dns_mb_rr(&b, sec, rr.owner, rr.type, rr.cls, rr.ttl, rr.rdata,
		    rr.rdlen);
	}
	n = dns_mb_end(&b);
	return n > 0 ? (size_t)n : 0;
}

/*
 * Run a transfer of qtype over the messages (NULL-separated groups of
 * lines, the whole list ended by two NULLs; "" stands for a message
 * without RRs); every message is fed, even after the end, and the last
 * result is returned (the first error sticks).
 */
static int
run(uint16_t qtype, uint16_t flags, const char *const *msgs)
{
	uint8_t buf[8192];
	int rc = 0, first = 1;

	log_len = 0;
	log_[0] = '\0';
	xfr_init(&xc, zone, qtype, 10, ID, NULL, record, NULL);
	while (*msgs != NULL && rc >= 0) {
		size_t len = message(buf, sizeof buf, ID, flags, first, qtype,
		    msgs);

		first = 0;
		rc = xfr_feed(&xc, buf, len, 0);
		while (*msgs != NULL)
			msgs++;
		msgs++;
	}
	return rc;
}

static const char *const axfr_two[] = {
	SOA(20), "www.example.com. 300 IN A 192.0.2.1", NULL,
	"mail.example.com. 300 IN MX 10 www.example.com.", SOA(20), NULL, NULL
};

UNIT_TEST(xfr_axfr_multi_message)
{
	CHECK_INT(run(DNS_T_AXFR, 0, axfr_two), 1);
	CHECK_INT(xc.form, XFR_FORM_AXFR);
	CHECK_INT(xc.new_serial, 20);
	CHECK_INT(xc.messages, 2);
	CHECK_STR(log_, "1:SOA 1:A 1:MX 2:SOA ");
}

UNIT_TEST(xfr_ixfr_forms)
{
	static const char *const uptodate[] = { SOA(10), NULL, NULL };
	static const char *const older[] = { SOA(9), NULL, NULL };
	static const char *const axfr_style[] = { SOA(20),
		"www.example.com. 300 IN A 192.0.2.1", SOA(20), NULL, NULL };
	static const char *const undetermined[] = { SOA(20), NULL,
		"www.example.com. 300 IN A 192.0.2.1", SOA(20), NULL, NULL };
	static const char *const only_soa[] = { SOA(20), SOA(20), NULL, NULL };
	static const char *const incr[] = { SOA(12), SOA(10),
		"old.example.com. 300 IN A 192.0.2.9", SOA(11),
		"new.example.com. 300 IN A 192.0.2.8", NULL,
		SOA(11), SOA(12), "x.example.com. 300 IN TXT \"a\"", SOA(12),
		NULL, NULL };

	CHECK_INT(run(DNS_T_IXFR, 0, uptodate), 1);
	CHECK_INT(xc.form, XFR_FORM_UPTODATE);
	CHECK_STR(log_, "7:SOA ");
	CHECK_INT(run(DNS_T_IXFR, 0, older), 1);
	CHECK_INT(xc.form, XFR_FORM_UPTODATE);
	CHECK_INT(run(DNS_T_IXFR, 0, axfr_style), 1);
	CHECK_INT(xc.form, XFR_FORM_AXFR);
	CHECK_STR(log_, "1:SOA 1:A 2:SOA ");
	/* The first message holds only the new SOA: decided by the next. */
	CHECK_INT(run(DNS_T_IXFR, 0, undetermined), 1);
	CHECK_INT(xc.form, XFR_FORM_AXFR);
	CHECK_INT(xc.messages, 2);
	CHECK_INT(run(DNS_T_IXFR, 0, only_soa), 1);
	CHECK_INT(xc.form, XFR_FORM_AXFR);
	CHECK_STR(log_, "1:SOA 2:SOA ");
	/* Two diffs, 10->11 and 11->12, over two messages; the second diff
	 * deletes nothing. */
	CHECK_INT(run(DNS_T_IXFR, 0, incr), 1);
	CHECK_INT(xc.form, XFR_FORM_IXFR);
	CHECK_INT(xc.diffs, 2);
	CHECK_STR(log_, "3:SOA 4:SOA 4:A 5:SOA 5:A 4:SOA 5:SOA 5:TXT 6:SOA ");
}

/* One failing transfer: the error, whether it falls back, and the why. */
static void
fails(uint16_t qtype, uint16_t flags, const char *const *msgs, int err,
    int fallback, const char *why)
{
	int rc = run(qtype, flags, msgs);

	CHECK_INT(rc, err);
	CHECK_INT(xc.fallback, fallback);
	if (why != NULL && (xc.why == NULL || strstr(xc.why, why) == NULL))
		unit_fail_str(__FILE__, __LINE__, "why", xc.why ? xc.why : "",
		    why);
	/* Nothing succeeds after a failure. */
	CHECK(xfr_feed(&xc, (const uint8_t *)"", 0, 0) < 0);
}

UNIT_TEST(xfr_structural_rules)
{
	static const char *const closing[] = { SOA(20),
		"www.example.com. 300 IN A 192.0.2.1", SOA(21), NULL, NULL };
	static const char *const closing_fields[] = { SOA(20),
		"example.com. 300 IN SOA ns.example.com. h.example.com. 20 1 1 1 1",
		NULL, NULL };
	static const char *const mid_soa[] = { SOA(20), SOA(19),
		"www.example.com. 300 IN A 192.0.2.1", SOA(20), NULL, NULL };
	static const char *const after_end[] = { SOA(20), SOA(20),
		"www.example.com. 300 IN A 192.0.2.1", NULL, NULL };
	static const char *const after_end_msg[] = { SOA(20), SOA(20), NULL,
		"www.example.com. 300 IN A 192.0.2.1", NULL, NULL };
	static const char *const outside[] = { SOA(20),
		"www.example.net. 300 IN A 192.0.2.1", SOA(20), NULL, NULL };
	static const char *const chaos[] = { SOA(20),
		"www.example.com. 300 CH A 192.0.2.1", SOA(20), NULL, NULL };
	static const char *const meta[] = { SOA(20),
		"www.example.com. 300 IN ANY \\# 0", SOA(20), NULL, NULL };
	static const char *const soa_below[] = { SOA(20),
		"a.example.com. 300 IN SOA ns. h. 1 2 3 4 5", SOA(20), NULL, NULL };
	static const char *const first_not_soa[] = {
		"www.example.com. 300 IN A 192.0.2.1", SOA(20), NULL, NULL };

	fails(DNS_T_AXFR, 0, closing, DNS_EXFR, 0, "SOA in the middle");
	fails(DNS_T_AXFR, 0, closing_fields, DNS_EXFR, 0,
	    "closing SOA differs");
	fails(DNS_T_AXFR, 0, mid_soa, DNS_EXFR, 0, "SOA in the middle");
	fails(DNS_T_AXFR, 0, after_end, DNS_EXFR, 0, "after the end");
	fails(DNS_T_AXFR, 0, after_end_msg, DNS_EXFR, 0, "after the end");
	fails(DNS_T_AXFR, 0, outside, DNS_EXFR, 0, "outside the zone");
	fails(DNS_T_AXFR, 0, chaos, DNS_EXFR, 0, "class");
	fails(DNS_T_AXFR, 0, meta, DNS_EXFR, 0, "meta type");
	fails(DNS_T_AXFR, 0, soa_below, DNS_EXFR, 0, "apex");
	fails(DNS_T_AXFR, 0, first_not_soa, DNS_EXFR, 0, "first RR");
}

UNIT_TEST(xfr_ixfr_chain_rules)
{
	static const char *const gap[] = { SOA(13), SOA(10), SOA(11), SOA(12),
		SOA(13), SOA(13), NULL, NULL };
	static const char *const wrong_start[] = { SOA(13), SOA(9), SOA(13),
		SOA(13), NULL, NULL };
	static const char *const closing[] = { SOA(11), SOA(10), SOA(11),
		"example.com. 300 IN SOA ns.example.com. h.example.com. 11 1 1 1 1",
		NULL, NULL };
	static const char *const no_change[] = { SOA(11), SOA(10), SOA(10),
		NULL, NULL };

	fails(DNS_T_IXFR, 0, gap, DNS_EXFR, 1, "gap in the diff chain");
	fails(DNS_T_IXFR, 0, wrong_start, DNS_EXFR, 1, "our serial");
	fails(DNS_T_IXFR, 0, closing, DNS_EXFR, 1, "closing SOA differs");
	fails(DNS_T_IXFR, 0, no_change, DNS_EXFR, 1, "does not change");
}

UNIT_TEST(xfr_rcodes_and_fallback)
{
	static const char *const none[] = { "", NULL, NULL };
	static const char *const auth_soa[] = { "AUTHORITY", SOA(20), NULL,
		NULL };

	fails(DNS_T_IXFR, DNS_R_NOTIMP, none, DNS_ERCODE, 1, NULL);
	CHECK_INT(xc.rcode, DNS_R_NOTIMP);
	fails(DNS_T_IXFR, DNS_R_FORMERR, none, DNS_ERCODE, 1, NULL);
	fails(DNS_T_IXFR, DNS_R_REFUSED, none, DNS_ERCODE, 0, NULL);
	fails(DNS_T_IXFR, DNS_R_NOTAUTH, none, DNS_ERCODE, 0, NULL);
	fails(DNS_T_AXFR, DNS_R_NOTIMP, none, DNS_ERCODE, 0, NULL);
	fails(DNS_T_IXFR, 0, none, DNS_EXFR, 1, "empty answer");
	fails(DNS_T_IXFR, 0, auth_soa, DNS_EXFR, 1, "authority");
	fails(DNS_T_AXFR, DNS_F_TC, axfr_two, DNS_EXFR, 0, "truncated");
}

UNIT_TEST(xfr_message_ids_and_limits)
{
	uint8_t buf[4096];
	size_t len;
	static const char *const first[] = { SOA(20),
		"www.example.com. 300 IN A 192.0.2.1", NULL };
	static const char *const second[] = { SOA(20), NULL };

	xfr_init(&xc, zone, DNS_T_AXFR, 0, ID, NULL, record, NULL);
	len = message(buf, sizeof buf, ID, 0, 1, DNS_T_AXFR, first);
	CHECK_INT(xfr_feed(&xc, buf, len, 0), 0);
	len = message(buf, sizeof buf, ID + 1, 0, 0, DNS_T_AXFR, second);
	CHECK_INT(xfr_feed(&xc, buf, len, 0), DNS_EXFR);
	CHECK(strstr(xc.why, "message ID") != NULL);
	CHECK_INT(xc.messages, 2);
	/* max-rrs counts the zone's RRs, not the closing SOA. */
	xfr_init(&xc, zone, DNS_T_AXFR, 0, ID, NULL, record, NULL);
	xc.max_rrs = 2;
	len = message(buf, sizeof buf, ID, 0, 1, DNS_T_AXFR, axfr_two);
	CHECK_INT(xfr_feed(&xc, buf, len, 0), 0);
	len = message(buf, sizeof buf, ID, 0, 0, DNS_T_AXFR, axfr_two + 3);
	CHECK_INT(xfr_feed(&xc, buf, len, 0), DNS_ELIMIT);
	xfr_init(&xc, zone, DNS_T_AXFR, 0, ID, NULL, record, NULL);
	xc.max_rrs = 3;
	CHECK_INT(run(DNS_T_AXFR, 0, axfr_two), 1);
	/* The question must be the query's. */
	xfr_init(&xc, zone, DNS_T_IXFR, 10, ID, NULL, record, NULL);
	len = message(buf, sizeof buf, ID, 0, 1, DNS_T_AXFR, second);
	CHECK_INT(xfr_feed(&xc, buf, len, 0), DNS_EXFR);
	CHECK(strstr(xc.why, "question") != NULL);
}

UNIT_TEST(xfr_query_form)
{
	uint8_t buf[512], rd[DNS_RDATA_MAX], q[DNS_NAME_MAX];
	struct dns_msg m;
	struct dns_rr rr;
	uint16_t qt, qc;
	int n;

	xfr_init(&xc, zone, DNS_T_IXFR, 0xfffffffe, ID, NULL, record, NULL);
	n = xfr_query(&xc, buf, sizeof buf, 0);
	CHECK(n > 0);
	CHECK_INT(dns_msg_init(&m, buf, (size_t)n), 0);
	CHECK_INT(m.hdr.id, ID);
	CHECK_INT(m.hdr.count[DNS_S_NS], 1);
	CHECK_INT(dns_msg_question(&m, q, &qt, &qc), 1);
	CHECK_INT(qt, DNS_T_IXFR);
	CHECK_INT(dns_msg_rr(&m, &rr, rd, sizeof rd), 1);
	/* RFC 1995: our version as an SOA in the authority section. */
	CHECK_INT(rr.section, DNS_S_NS);
	CHECK_INT(rr.type, DNS_T_SOA);
	CHECK_MEM(rr.rdata + 2, "\xff\xff\xff\xfe", 4);
}
