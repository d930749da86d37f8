/*
 * test_rdata.c — RDATA text -> wire -> text for every type, with the wire
 * bytes checked by hand, and malformed RDATA rejected.
 */
#include "net/err.h"
#include "net/rdata.h"
#include "net/rrtype.h"
#include "net/zonetext.h"
#include "tests/unit/unit.h"

static uint8_t rd[DNS_RDATA_MAX];

/* Parse "text" as RDATA of type, compare with wire, print, compare text. */
static void
rt(uint16_t type, const char *text, const char *wire, size_t wlen,
    const char *want_text)
{
	struct dns_tok k = { text, strlen(text), 0 };
	char out[4096];
	struct dns_tb t;
	int n = dns_rdata_from_text(&k, type, (const uint8_t *)"\7example",
	    rd, sizeof rd);

	CHECK_INT(n, (long long)wlen);
	if (n != (int)wlen)
		return;
	CHECK_MEM(rd, wire, wlen);
	dns_tb_init(&t, out, sizeof out);
	dns_rdata_to_text(&t, type, rd, (size_t)n);
	dns_tb_end(&t);
	CHECK_STR(out, want_text ? want_text : text);
}

UNIT_TEST(rdata_basic_types)
{
	rt(DNS_T_A, "192.0.2.1", "\xc0\0\2\1", 4, NULL);
	rt(DNS_T_AAAA, "2001:db8::1", "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1",
	    16, NULL);
	rt(DNS_T_AAAA, "::ffff:192.0.2.1",
	    "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\0\2\1", 16, NULL);
	rt(DNS_T_AAAA, "::1", "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16, NULL);
	rt(DNS_T_AAAA, "1:0:2:0:0:3::", "\0\1\0\0\0\2\0\0\0\0\0\3\0\0\0\0",
	    16, "1:0:2::3:0:0");
	rt(DNS_T_NS, "ns1", "\3ns1\7example\0", 13, "ns1.example.");
	rt(DNS_T_CNAME, "a.b.", "\1a\1b\0", 5, NULL);
	rt(DNS_T_PTR, "host.example.", "\4host\7example\0", 14, NULL);
	rt(DNS_T_MX, "10 mail.example.", "\0\12\4mail\7example\0", 16, NULL);
	rt(DNS_T_SOA, "ns. host. 2026112901 3600 900 604800 300",
	    "\2ns\0\4host\0\x78\xc4\x07\x85\0\0\x0e\x10\0\0\x03\x84"
	    "\0\x09\x3a\x80\0\0\1\x2c", 30, NULL);
	rt(DNS_T_SRV, "0 5 5060 sip.example.",
	    "\0\0\0\5\x13\xc4\3sip\7example\0", 19, NULL);
	rt(DNS_T_NAPTR, "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.",
	    "\0\x64\0\x0a\1S\7SIP+D2U\0\4_sip\4_udp\7example\0", 34, NULL);
	rt(DNS_T_DS, "60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118",
	    "\xec\x45\5\1\x2b\xb1\x83\xaf\x5f\x22\x58\x81\x79\xa5\x3b\x0a"
	    "\x98\x63\x1f\xad\x1a\x29\x21\x18", 24,
	    "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118");
	rt(DNS_T_SSHFP, "1 1 ABCD EF01", "\1\1\xab\xcd\xef\x01", 6,
	    "1 1 ABCDEF01");
	rt(DNS_T_TLSA, "3 1 1 00ff", "\3\1\1\0\xff", 5, "3 1 1 00FF");
	rt(DNS_T_CAA, "0 issue \"letsencrypt.org\"",
	    "\0\5issueletsencrypt.org", 22, NULL);
	rt(DNS_T_CAA, "128 iodef \"mailto:a\\\"b@c\"",
	    "\x80\5iodefmailto:a\"b@c", 19, NULL);
}

UNIT_TEST(rdata_txt_strings)
{
	char big[600], want[600];

	rt(DNS_T_TXT, "\"hello world\" \"\" x", "\13hello world\0\1x", 15,
	    "\"hello world\" \"\" \"x\"");
	rt(DNS_T_TXT, "\"q\\\"b\\\\s\\255\\009\"", "\7q\"b\\s\xff\x09", 8,
	    "\"q\\\"b\\\\s\\255\\009\"");
	rt(DNS_T_SPF, "\"v=spf1 -all\"", "\13v=spf1 -all", 12, NULL);
	/* 255 bytes fit one string, 256 do not. */
	memset(big, 'a', sizeof big);
	big[0] = '"';
	big[256] = '"';
	big[257] = 0;
	{
		struct dns_tok k = { big, 257, 0 };

		CHECK_INT(dns_rdata_from_text(&k, DNS_T_TXT, NULL, rd, sizeof rd),
		    256);
	}
	big[257] = 'a';
	big[258] = '"';
	big[259] = 0;
	big[256] = 'a';
	{
		struct dns_tok k = { big, 259, 0 };

		CHECK_INT(dns_rdata_from_text(&k, DNS_T_TXT, NULL, rd, sizeof rd),
		    DNS_ESYNTAX);
	}
	(void)want;
}

UNIT_TEST(rdata_generic_rfc3597)
{
	rt(65534, "\\# 4 0a0b0c0d", "\x0a\x0b\x0c\x0d", 4, "\\# 4 0A0B0C0D");
	rt(DNS_T_DNSKEY, "\\# 6 0101 0308 ABCD", "\1\1\3\x08\xab\xcd", 6,
	    "\\# 6 01010308ABCD");
	rt(65534, "\\# 0", "", 0, NULL);
	/* The generic form of a known type must still be valid for it. */
	rt(DNS_T_A, "\\# 4 c0000201", "\xc0\0\2\1", 4, "192.0.2.1");
	{
		struct dns_tok k = { "\\# 3 c00002", 11, 0 };

		CHECK_INT(dns_rdata_from_text(&k, DNS_T_A, NULL, rd, sizeof rd),
		    DNS_ERDATA);
	}
	{
		struct dns_tok k = { "\\# 5 c0000201", 13, 0 };

		CHECK_INT(dns_rdata_from_text(&k, 65534, NULL, rd, sizeof rd),
		    DNS_ESYNTAX);
	}
}

UNIT_TEST(rdata_text_errors)
{
	static const struct { uint16_t t; const char *s; } bad[] = {
		{ DNS_T_A, "1.2.3" }, { DNS_T_A, "1.2.3.4 5" },
		{ DNS_T_AAAA, "1::2::3" }, { DNS_T_MX, "65536 a." },
		{ DNS_T_MX, "10" }, { DNS_T_TXT, "\"open" },
		{ DNS_T_CAA, "0 is-sue \"x\"" }, { DNS_T_DS, "1 2 3" },
		{ DNS_T_DS, "1 2 3 ABC" }, { DNS_T_SOA, "a. b. 1 2 3 4" },
		{ DNS_T_DNSKEY, "257 3 8 AwEAAQ==" },
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct dns_tok k = { bad[i].s, strlen(bad[i].s), 0 };
		int rc = dns_rdata_from_text(&k, bad[i].t, NULL, rd, sizeof rd);

		if (rc >= 0)
			unit_fail(__FILE__, __LINE__, bad[i].s);
	}
}

UNIT_TEST(rdata_wire_checks)
{
	/* Fixed sizes. */
	CHECK_INT(dns_rdata_check(DNS_T_A, (const uint8_t *)"\1\2\3", 3),
	    DNS_ERDATA);
	CHECK_INT(dns_rdata_check(DNS_T_A, (const uint8_t *)"\1\2\3\4\5", 5),
	    DNS_ERDATA);
	CHECK_INT(dns_rdata_check(DNS_T_MX, (const uint8_t *)"\0\1\0", 3), 0);
	/* A string running past the end. */
	CHECK_INT(dns_rdata_check(DNS_T_TXT, (const uint8_t *)"\5abc", 4),
	    DNS_ERDATA);
	CHECK_INT(dns_rdata_check(DNS_T_TXT, (const uint8_t *)"", 0),
	    DNS_ERDATA);
	/* CAA with an empty or non-alphanumeric tag. */
	CHECK_INT(dns_rdata_check(DNS_T_CAA, (const uint8_t *)"\0\0x", 3),
	    DNS_ERDATA);
	CHECK_INT(dns_rdata_check(DNS_T_CAA, (const uint8_t *)"\0\1-x", 4),
	    DNS_ERDATA);
	/* Canonical RDATA never holds a pointer. */
	CHECK_INT(dns_rdata_check(DNS_T_NS, (const uint8_t *)"\xc0\0", 2),
	    DNS_ECOMPRESS);
	/* Unknown types are opaque, even when they look like pointers. */
	CHECK_INT(dns_rdata_check(65534, (const uint8_t *)"\xc0\0", 2), 0);
}

UNIT_TEST(rr_text_line)
{
	static const char line[] = "www.example. 300 IN A 192.0.2.7";
	struct dns_rr rr;
	char out[512];
	struct dns_tb t;

	CHECK_INT(dns_rr_from_text(line, sizeof line - 1, NULL, -1, &rr, rd,
	    sizeof rd), 0);
	CHECK_INT(rr.ttl, 300);
	CHECK_INT(rr.type, DNS_T_A);
	dns_tb_init(&t, out, sizeof out);
	dns_rr_to_text(&t, &rr);
	dns_tb_end(&t);
	CHECK_STR(out, "www.example.\t300\tIN\tA\t192.0.2.7");
	/* Class before TTL, relative owner, default TTL, parentheses. */
	CHECK_INT(dns_rr_from_text("mail IN MX ( 10\n mx ) ; c", 25,
	    (const uint8_t *)"\7example", 60, &rr, rd, sizeof rd), 0);
	CHECK_INT(rr.ttl, 60);
	CHECK_MEM(rr.rdata, "\0\12\2mx\7example\0", 14);
	CHECK_INT(dns_rr_from_text("x. IN BOGUS 1", 13, NULL, 1, &rr, rd,
	    sizeof rd), DNS_ENOTYPE);
	CHECK_INT(dns_rr_from_text("x. A 1.2.3.4", 12, NULL, -1, &rr, rd,
	    sizeof rd), DNS_ESYNTAX);
}
