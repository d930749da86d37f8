/*
 * test_msg.c — messages: build then parse, section rules, and every kind
 * of malformed input rejected without a crash.
 */
#include "net/err.h"
#include "net/msg.h"
#include "net/rrtype.h"
#include "tests/unit/unit.h"

static uint8_t rd[DNS_RDATA_MAX];
static const uint8_t zone[] = "\7example\3com";

/* A NOTIFY-like answer: question, SOA answer, an MX, OPT. */
static int
build(uint8_t *buf, size_t cap)
{
	static const uint8_t soa[] = "\3ns1\7example\3com\0\4host\7example\3com"
	    "\0\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0\5";
	struct dns_mb b;

	dns_mb_init(&b, buf, cap, 0x1234, DNS_F_QR | DNS_F_AA |
	    DNS_OP_NOTIFY << 11);
	dns_mb_question(&b, zone, DNS_T_SOA, DNS_C_IN);
	dns_mb_rr(&b, DNS_S_AN, zone, DNS_T_SOA, DNS_C_IN, 3600, soa,
	    sizeof soa - 1);
	dns_mb_rr(&b, DNS_S_AN, zone, DNS_T_MX, DNS_C_IN, 60,
	    (const uint8_t *)"\0\12\4mail\7example\3com", 20);
	dns_mb_opt(&b, 1232, 1);
	return dns_mb_end(&b);
}

static int
parse_all(const uint8_t *buf, size_t len, int *nrr)
{
	struct dns_msg m;
	struct dns_rr rr;
	int rc;

	*nrr = 0;
	if ((rc = dns_msg_init(&m, buf, len)) != 0)
		return rc;
	while ((rc = dns_msg_rr(&m, &rr, rd, sizeof rd)) == 1)
		(*nrr)++;
	return rc;
}

UNIT_TEST(msg_build_parse_compressed)
{
	uint8_t buf[512], q[DNS_NAME_MAX];
	struct dns_msg m;
	struct dns_rr rr;
	uint16_t qt, qc;
	int len = build(buf, sizeof buf);

	CHECK(len > 0);
	/* Names were compressed: far shorter than written out. */
	CHECK(len < 12 + 17 + 3 * 30 + 50);
	CHECK_INT(dns_msg_init(&m, buf, (size_t)len), 0);
	CHECK_INT(m.hdr.id, 0x1234);
	CHECK_INT(DNS_OPCODE(m.hdr.flags), DNS_OP_NOTIFY);
	CHECK_INT(m.hdr.count[DNS_S_AN], 2);
	CHECK_INT(dns_msg_question(&m, q, &qt, &qc), 1);
	CHECK(dns_name_eq(q, zone));
	CHECK_INT(qt, DNS_T_SOA);
	CHECK_INT(dns_msg_rr(&m, &rr, rd, sizeof rd), 1);
	CHECK_INT(rr.type, DNS_T_SOA);
	CHECK_INT(rr.rdlen, 17 + 18 + 20);
	CHECK_MEM(rr.rdata, "\3ns1\7example\3com\0\4host", 22);
	CHECK_INT(dns_msg_rr(&m, &rr, rd, sizeof rd), 1);
	CHECK_INT(rr.type, DNS_T_MX);
	CHECK_MEM(rr.rdata, "\0\12\4mail\7example\3com\0", 20);
	CHECK_INT(dns_msg_rr(&m, &rr, rd, sizeof rd), 1);
	CHECK_INT(rr.type, DNS_T_OPT);
	CHECK_INT(rr.cls, 1232);
	CHECK_INT(dns_msg_rr(&m, &rr, rd, sizeof rd), 0);
}

UNIT_TEST(msg_truncated_at_every_offset)
{
	uint8_t buf[512];
	int len = build(buf, sizeof buf), n, i, bad = 0;

	for (i = 0; i < len; i++)
		if (parse_all(buf, (size_t)i, &n) >= 0)
			bad++;
	CHECK_INT(bad, 0);
	CHECK_INT(parse_all(buf, (size_t)len, &n), 0);
	CHECK_INT(n, 3);
}

UNIT_TEST(msg_trailing_and_counts)
{
	uint8_t buf[512];
	int len = build(buf, sizeof buf), n;

	buf[len] = 0;
	CHECK_INT(parse_all(buf, (size_t)len + 1, &n), DNS_ETRAIL);
	/* ANCOUNT 0xffff cannot fit in the message. */
	buf[6] = 0xff;
	buf[7] = 0xff;
	CHECK_INT(parse_all(buf, (size_t)len, &n), DNS_ECOUNT);
	/* One RR more than there is. */
	buf[6] = 0;
	buf[7] = 3;
	CHECK(parse_all(buf, (size_t)len, &n) < 0);
}

/* A message with one RR "a.example.com. A" whose RDLENGTH we choose. */
static size_t
one_a(uint8_t *buf, uint16_t rdlen, size_t datalen)
{
	struct dns_wr w;

	dns_wr_init(&w, buf, 512);
	dns_wr_bytes(&w, "\0\1\x84\0\0\0\0\1\0\0\0\0", 12);
	dns_wr_bytes(&w, "\1a\7example\3com\0\0\1\0\1\0\0\0\x3c", 23);
	dns_wr_u16(&w, rdlen);
	dns_wr_bytes(&w, "\xc0\0\2\1\5\6\7\x08", datalen);
	return w.off;
}

UNIT_TEST(msg_rdlength_checks)
{
	uint8_t buf[512];
	int n;

	CHECK_INT(parse_all(buf, one_a(buf, 4, 4), &n), 0);
	/* RDLENGTH past the end of the message. */
	CHECK_INT(parse_all(buf, one_a(buf, 8, 4), &n), DNS_ETRUNC);
	/* Wrong for a fixed-size type. */
	CHECK_INT(parse_all(buf, one_a(buf, 5, 5), &n), DNS_ERDATA);
	CHECK_INT(parse_all(buf, one_a(buf, 3, 3), &n), DNS_ERDATA);
}

UNIT_TEST(msg_opt_and_tsig_placement)
{
	static const uint8_t tsig[] = "\13hmac-sha256\0\0\0\x65\0\0\0\1\x2c"
	    "\0\0\0\1\0\0\0\0";
	uint8_t buf[512];
	struct dns_mb b;
	int len, n;

	/* TSIG not last. */
	dns_mb_init(&b, buf, sizeof buf, 1, DNS_F_QR);
	dns_mb_rr(&b, DNS_S_AR, zone, DNS_T_TSIG, DNS_C_ANY, 0, tsig,
	    sizeof tsig - 1);
	dns_mb_rr(&b, DNS_S_AR, zone, DNS_T_A, DNS_C_IN, 0,
	    (const uint8_t *)"\1\2\3\4", 4);
	len = dns_mb_end(&b);
	CHECK_INT(parse_all(buf, (size_t)len, &n), DNS_ETSIG);
	/* TSIG last: fine. */
	dns_mb_init(&b, buf, sizeof buf, 1, DNS_F_QR);
	dns_mb_rr(&b, DNS_S_AR, zone, DNS_T_A, DNS_C_IN, 0,
	    (const uint8_t *)"\1\2\3\4", 4);
	dns_mb_rr(&b, DNS_S_AR, zone, DNS_T_TSIG, DNS_C_ANY, 0, tsig,
	    sizeof tsig - 1);
	len = dns_mb_end(&b);
	CHECK_INT(parse_all(buf, (size_t)len, &n), 0);
	/* TSIG in the answer section. */
	dns_mb_init(&b, buf, sizeof buf, 1, DNS_F_QR);
	dns_mb_rr(&b, DNS_S_AN, zone, DNS_T_TSIG, DNS_C_ANY, 0, tsig,
	    sizeof tsig - 1);
	len = dns_mb_end(&b);
	CHECK_INT(parse_all(buf, (size_t)len, &n), DNS_ETSIG);
	/* Two OPTs. */
	dns_mb_init(&b, buf, sizeof buf, 1, DNS_F_QR);
	dns_mb_opt(&b, 1232, 0);
	dns_mb_opt(&b, 1232, 0);
	len = dns_mb_end(&b);
	CHECK_INT(parse_all(buf, (size_t)len, &n), DNS_EOPT);
}

UNIT_TEST(msg_builder_limits)
{
	uint8_t buf[40];
	struct dns_mb b;

	dns_mb_init(&b, buf, sizeof buf, 1, 0);
	dns_mb_question(&b, zone, DNS_T_SOA, DNS_C_IN);
	dns_mb_rr(&b, DNS_S_AN, zone, DNS_T_A, DNS_C_IN, 0,
	    (const uint8_t *)"\1\2\3\4", 4);
	CHECK_INT(dns_mb_end(&b), DNS_ESPACE);
	/* Sections out of order. */
	dns_mb_init(&b, buf, sizeof buf, 1, 0);
	dns_mb_opt(&b, 512, 0);
	dns_mb_question(&b, zone, DNS_T_SOA, DNS_C_IN);
	CHECK_INT(dns_mb_end(&b), DNS_ECOUNT);
}
