/*
 * test_route53_map.c — Route53 names and values, the skip list, and the
 * diffs: against a Route53 listing and from a zone_diff (IXFR).
 */
#include <stdio.h>
#include <stdlib.h>

#include "agent/route53_map.h"
#include "agent/zone.h"
#include "net/err.h"
#include "net/name.h"
#include "net/rdata.h"
#include "net/rrtype.h"
#include "net/zonetext.h"
#include "tests/unit/unit.h"

static const uint8_t apex[] = "\7example\3com";

/* The apex SOA of the test zones, with serial n. */
#define SOA(n) "example.com. 3600 IN SOA ns1.example.com. " \
	"host.example.com. " #n " 7200 3600 1209600 300"

/* ---- helpers ------------------------------------------------------------ */

/* Wire name from BIND text (decimal \DDD escapes). */
static const uint8_t *
wire(const char *text)
{
	static uint8_t w[DNS_NAME_MAX];

	if (dns_name_from_text(text, strlen(text), NULL, w) < 0) {
		unit_fail(__FILE__, __LINE__, text);
		w[0] = 0;
	}
	return w;
}

static const char *
name_text(const char *bind_text)
{
	static char buf[R53_NAME_TEXT_MAX];

	r53_name_to_text(wire(bind_text), buf, sizeof buf);
	return buf;
}

/* The Route53 value of one RR given as zone-file text. */
static const char *
value(const char *rr_text)
{
	static uint8_t rd[DNS_RDATA_MAX];
	static char buf[8192];
	struct dns_rr rr;
	struct dns_tb t;
	int rc;

	rc = dns_rr_from_text(rr_text, strlen(rr_text), NULL, -1, &rr, rd,
	    sizeof rd);
	if (rc != 0) {
		unit_fail(__FILE__, __LINE__, rr_text);
		return "";
	}
	dns_tb_init(&t, buf, sizeof buf);
	rc = r53_value_put(&t, rr.type, rr.rdata, rr.rdlen);
	dns_tb_end(&t);
	return rc == 0 ? buf : "(unsupported)";
}

static const char *
norm(uint16_t type, const char *v)
{
	static char buf[8192];
	struct dns_tb t;
	int rc;

	dns_tb_init(&t, buf, sizeof buf);
	rc = r53_value_norm(&t, type, v, strlen(v));
	dns_tb_end(&t);
	return rc == 0 ? buf : "(error)";
}

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

/* A version built from rrs: the whole zone (base NULL: as an AXFR gives
 * it), or base changed by them (as an IXFR does). */
static struct zone *
build(const struct zone *base, const char *const *rrs, size_t n)
{
	struct zone_build b;
	struct zone *z = NULL;
	size_t i;

	if (base == NULL)
		zone_build_init(&b, apex, NULL);
	else
		zone_build_init_from(&b, base, NULL);
	for (i = 0; i < n; i++)
		if (add(&b, rrs[i]) != 0) {
			zone_build_abort(&b);
			return NULL;
		}
	CHECK_INT(zone_build_finish(&b, NULL, &z), 0);
	return z;
}

static struct zone *
axfr(const char *const *rrs, size_t n)
{
	return build(NULL, rrs, n);
}

static struct zone *
ixfr(const struct zone *base, const char *const *ops, size_t n)
{
	return build(base, ops, n);
}

/* "ACTION name TYPE ttl [v|v] gN last" per change, one per line. */
static const char *
changes_text(const struct r53_changes *c)
{
	static char buf[16384];
	struct dns_tb t;
	char type[16];
	size_t i, k;

	dns_tb_init(&t, buf, sizeof buf);
	for (i = 0; i < c->n; i++) {
		const struct r53_change *x = &c->v[i];

		dns_type_to_text(x->set.type, type, sizeof type);
		dns_tb_printf(&t, "%s %s %s %lu [", r53_action_name(x->action),
		    x->set.name, type, (unsigned long)x->set.ttl);
		for (k = 0; k < x->set.nvalues; k++) {
			if (k > 0)
				dns_tb_putc(&t, '|');
			dns_tb_puts(&t, x->set.values[k]);
		}
		dns_tb_putc(&t, ']');
		if (x->group)
			dns_tb_printf(&t, " g%u", (unsigned)x->group);
		if (x->flags & R53_CH_LAST)
			dns_tb_puts(&t, " last");
		dns_tb_putc(&t, '\n');
	}
	dns_tb_end(&t);
	return buf;
}

/* r53_diff_full (default options) of the zone rrs against the listing l
 * gives exactly want (changes_text form). */
static void
full_diff_is(const char *const *rrs, size_t nrrs, const struct r53_rrset *l,
    size_t nl, const char *want)
{
	struct zone *z = axfr(rrs, nrrs);
	struct r53_changes c;

	if (z == NULL)
		return;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, l, nl, NULL, &c), 0);
	CHECK_STR(changes_text(&c), want);
	r53_changes_free(&c);
	zone_free(z);
}

/* ---- names -------------------------------------------------------------- */

UNIT_TEST(r53_name_text)
{
	CHECK_STR(name_text("WWW.Example.COM."), "www.example.com.");
	CHECK_STR(name_text("a\\032b.example.com."), "a\\040b.example.com.");
	CHECK_STR(name_text("\\255.example.com."), "\\377.example.com.");
	CHECK_STR(name_text("\\000x.example.com."), "\\000x.example.com.");
	CHECK_STR(name_text("\\127.example.com."), "\\177.example.com.");
	CHECK_STR(name_text("*.example.com."), "*.example.com.");
	CHECK_STR(name_text("*.Sub.example.com."), "*.sub.example.com.");
	CHECK_STR(name_text("a.*.example.com."), "a.\\052.example.com.");
	CHECK_STR(name_text("**.example.com."), "\\052\\052.example.com.");
	CHECK_STR(name_text("a*.example.com."), "a\\052.example.com.");
	CHECK_STR(name_text("a\\.b.example.com."), "a\\056b.example.com.");
	CHECK_STR(name_text("_sip._tcp.example.com."),
	    "_sip._tcp.example.com.");
	CHECK_STR(name_text("_dmarc.Ex-Ample.com."), "_dmarc.ex-ample.com.");
	CHECK_STR(name_text("a+b!\\@~.example.com."),
	    "a\\053b\\041\\100\\176.example.com.");
	CHECK_STR(name_text("a\\\\b\\\"c.example.com."),
	    "a\\134b\\042c.example.com.");
	CHECK_STR(name_text("."), ".");
}

UNIT_TEST(r53_name_text_longest)
{
	uint8_t w[DNS_NAME_MAX], back[DNS_NAME_MAX];
	char buf[R53_NAME_TEXT_MAX];
	size_t n;

	/* Labels of 63, 63, 63 and 61 bytes 0xff and the root: 255 bytes. */
	memset(w, 0xff, sizeof w);
	w[0] = w[64] = w[128] = 63;
	w[192] = 61;
	w[254] = 0;
	CHECK_INT(dns_name_len(w), 255);
	n = r53_name_to_text(w, buf, sizeof buf);
	CHECK_INT(n, 250 * 4 + 4);
	CHECK(n < R53_NAME_TEXT_MAX);
	CHECK_INT(r53_name_from_text(buf, n, back), 255);
	CHECK_MEM(back, w, 255);
	/* Truncation is snprintf-style. */
	CHECK_INT(r53_name_to_text(wire("abc.example.com."), buf, 4), 16);
	CHECK_STR(buf, "abc");
}

static int
rd(const char *s, uint8_t *w)
{
	return r53_name_from_text(s, strlen(s), w);
}

UNIT_TEST(r53_name_read)
{
	uint8_t w[DNS_NAME_MAX];
	char long_label[80];

	CHECK_INT(rd("\\052.example.com.", w), 15);
	CHECK_MEM(w, "\1*\7example\3com", 15);
	CHECK_INT(rd("*.EXAMPLE.com", w), 15);
	CHECK_MEM(w, "\1*\7example\3com", 15);
	CHECK_INT(rd("a\\056b.x.", w), 7);
	CHECK_MEM(w, "\3a.b\1x", 7);
	CHECK_INT(rd("a\\.b.x.", w), 7);
	CHECK_MEM(w, "\3a.b\1x", 7);
	CHECK_INT(rd("\\377\\000\\101.x.", w), 7);
	CHECK_MEM(w, "\3\377\000a\1x", 7); /* \101 = 'A', lowercased */
	CHECK_INT(rd("_Sip._TCP.x", w), 13);
	CHECK_MEM(w, "\4_sip\4_tcp\1x", 13);
	CHECK_INT(rd(".", w), 1);
	CHECK_INT(w[0], 0);
	CHECK_INT(rd("", w), DNS_ESYNTAX);
	CHECK_INT(rd("a..b.", w), DNS_ESYNTAX);
	CHECK_INT(rd(".a.", w), DNS_ESYNTAX);
	CHECK_INT(rd("a.b..", w), DNS_ESYNTAX);
	CHECK_INT(rd("\\8aa.x.", w), DNS_ESYNTAX);
	CHECK_INT(rd("\\018.x.", w), DNS_ESYNTAX);
	CHECK_INT(rd("\\400.x.", w), DNS_ESYNTAX);
	CHECK_INT(rd("a\\01", w), DNS_ESYNTAX);
	CHECK_INT(rd("a\\", w), DNS_ESYNTAX);
	memset(long_label, 'a', 64);
	CHECK_INT(r53_name_from_text(long_label, 63, w), 65);
	CHECK_INT(r53_name_from_text(long_label, 64, w), DNS_ELABEL);
}

UNIT_TEST(r53_name_read_length_limit)
{
	char text[600];
	uint8_t w[DNS_NAME_MAX];
	size_t n = 0, i;

	/* 127 labels "a." = 254 wire bytes + root = 255: the longest. */
	for (i = 0; i < 127; i++) {
		text[n++] = 'a';
		text[n++] = '.';
	}
	CHECK_INT(r53_name_from_text(text, n, w), 255);
	text[n++] = 'b';
	CHECK_INT(r53_name_from_text(text, n, w), DNS_ENAMELEN);
}

UNIT_TEST(r53_name_compare)
{
	CHECK_INT(r53_name_cmp("\\052.example.com.", "*.example.com."), 0);
	CHECK_INT(r53_name_cmp("*.Example.COM", "\\052.example.com."), 0);
	CHECK_INT(r53_name_cmp("WWW.example.com", "www.example.com."), 0);
	CHECK_INT(r53_name_cmp("a\\056b.example.com.", "a\\.b.example.com."),
	    0);
	CHECK_INT(r53_name_cmp("a\\040b.example.com.", "a\\ b.example.com."),
	    0);
	CHECK(r53_name_cmp("a.example.com.", "b.example.com.") < 0);
	CHECK(r53_name_cmp("example.com.", "a.example.com.") < 0);
	CHECK(r53_name_cmp("z.example.com.", "a.b.example.com.") > 0);
	CHECK(r53_name_cmp("\\052.example.com.", "a.example.com.") < 0);
	/* Unreadable text sorts last. */
	CHECK(r53_name_cmp("a..b.", "zzz.example.com.") > 0);
	CHECK(r53_name_cmp("zzz.example.com.", "a..b.") < 0);
	CHECK_INT(r53_name_cmp("a..b.", "a..b."), 0);
	/* Our text reads back as the same (lowercase) name. */
	CHECK_INT(r53_name_cmp(name_text("A\\.B\\255\\000*.x."),
	    "a\\.b\\377\\000\\052.X"), 0);
}

/* ---- values ------------------------------------------------------------- */

UNIT_TEST(r53_types_supported)
{
	static const uint16_t yes[] = { DNS_T_A, DNS_T_AAAA, DNS_T_CAA,
		DNS_T_CNAME, DNS_T_DS, DNS_T_HTTPS, DNS_T_MX, DNS_T_NAPTR,
		DNS_T_NS, DNS_T_PTR, DNS_T_SOA, DNS_T_SPF, DNS_T_SRV,
		DNS_T_SSHFP, DNS_T_SVCB, DNS_T_TLSA, DNS_T_TXT };
	static const uint16_t no[] = { DNS_T_RRSIG, DNS_T_NSEC, DNS_T_NSEC3,
		DNS_T_NSEC3PARAM, DNS_T_DNSKEY, DNS_T_CDS, DNS_T_CDNSKEY,
		63 /* ZONEMD */, DNS_T_DNAME, DNS_T_RP, DNS_T_AFSDB,
		DNS_T_MINFO, DNS_T_NULL, 0, 65280, 99 + 1 };
	size_t i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		CHECK_INT(r53_type_supported(yes[i]), 1);
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		CHECK_INT(r53_type_supported(no[i]), 0);
	CHECK_STR(value("x.example.com. 300 IN RRSIG \\# 4 01020304"),
	    "(unsupported)");
	CHECK_STR(value("x.example.com. 300 IN DNAME \\# 1 00"),
	    "(unsupported)");
}

UNIT_TEST(r53_values_every_type)
{
	CHECK_STR(value("x.example.com. 300 IN A 192.0.2.1"), "192.0.2.1");
	CHECK_STR(value("x.example.com. 300 IN AAAA 2001:DB8:0:0:0:0:0:1"),
	    "2001:db8::1");
	CHECK_STR(value("x.example.com. 300 IN AAAA ::ffff:192.0.2.1"),
	    "::ffff:192.0.2.1");
	CHECK_STR(value("x.example.com. 300 IN CNAME Target.Example.COM."),
	    "target.example.com.");
	CHECK_STR(value("x.example.com. 300 IN NS NS1.example.com."),
	    "ns1.example.com.");
	CHECK_STR(value("1.2.0.192.in-addr.arpa. 300 IN PTR "
	    "*.Host\\.1.example."),
	    "*.host\\0561.example.");
	CHECK_STR(value("x.example.com. 300 IN MX 10 Mail.example.com."),
	    "10 mail.example.com.");
	CHECK_STR(value("x.example.com. 300 IN MX 0 ."), "0 .");
	CHECK_STR(value("example.com. 300 IN SOA NS1.example.com. "
	    "Host\\.Master.example.com. 2024010101 7200 3600 1209600 300"),
	    "ns1.example.com. host\\056master.example.com. 2024010101 7200 "
	    "3600 1209600 300");
	CHECK_STR(value("x.example.com. 300 IN SRV 10 5 80 Host.example.com."),
	    "10 5 80 host.example.com.");
	CHECK_STR(value("x.example.com. 300 IN SPF \"v=spf1 -all\""),
	    "\"v=spf1 -all\"");
	CHECK_STR(value("x.example.com. 300 IN CAA 0 issue \"ca.example.net\""),
	    "0 issue \"ca.example.net\"");
	CHECK_STR(value("x.example.com. 300 IN CAA 128 iodef "
	    "\"mailto:a@example.net\""), "128 iodef \"mailto:a@example.net\"");
	CHECK_STR(value("x.example.com. 300 IN CAA 0 issue \"\""),
	    "0 issue \"\"");
	CHECK_STR(value("x.example.com. 300 IN CAA 0 tbs \"a\\\"b\\\\c\\233\""),
	    "0 tbs \"a\\\"b\\\\c\\351\"");
	CHECK_STR(value("x.example.com. 300 IN DS 12345 13 2 "
	    "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"),
	    "12345 13 2 "
	    "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789");
	CHECK_STR(value("x.example.com. 300 IN SSHFP 4 2 "
	    "0011223344556677889900aabbccddeeff0011223344556677889900aabbccdd"),
	    "4 2 0011223344556677889900AABBCCDDEEFF"
	    "0011223344556677889900AABBCCDD");
	CHECK_STR(value("_443._tcp.x.example.com. 300 IN TLSA 3 1 1 "
	    "d2abde240d7cd3ee6b4b28c54df034b97983a1d16e8a410e4561cb106618e971"),
	    "3 1 1 D2ABDE240D7CD3EE6B4B28C54DF034B9"
	    "7983A1D16E8A410E4561CB106618E971");
	CHECK_STR(value("x.example.com. 300 IN NAPTR 100 10 \"S\" \"SIP+D2U\" "
	    "\"\" _sip._udp.Example.com."),
	    "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.com.");
	CHECK_STR(value("x.example.com. 300 IN NAPTR 100 50 \"u\" \"E2U+sip\" "
	    "\"!^.*$!sip:info@example.com!\" ."),
	    "100 50 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .");
	CHECK_STR(value("x.example.com. 300 IN SVCB 1 Svc.example.com. "
	    "alpn=h2,h3 port=8443 ipv4hint=192.0.2.1,192.0.2.2"),
	    "1 svc.example.com. alpn=\"h2,h3\" port=8443 "
	    "ipv4hint=192.0.2.1,192.0.2.2");
	CHECK_STR(value("x.example.com. 300 IN SVCB 0 Pool.example.com."),
	    "0 pool.example.com.");
	CHECK_STR(value("example.com. 300 IN HTTPS 1 . alpn=h3 "
	    "no-default-alpn ipv6hint=2001:db8::1 ech=AQI="),
	    "1 . alpn=\"h3\" no-default-alpn ech=AQI= ipv6hint=2001:db8::1");
	/* The codec's decimal escapes in SvcParams become octal. */
	CHECK_STR(value("example.com. 300 IN HTTPS 1 . "
	    "key65000=\"\\000\\009 \\200\\255\" "
	    "alpn=\"a\\\\\\\\b\\\\,c\\010\""),
	    "1 . alpn=\"a\\\\\\\\b\\\\,c\\012\" "
	    "key65000=\"\\000\\011 \\310\\377\"");
}

UNIT_TEST(r53_values_txt)
{
	char rr[1200], want[700];
	size_t n;

	CHECK_STR(value("x.example.com. 300 IN TXT \"hello world\""),
	    "\"hello world\"");
	CHECK_STR(value("x.example.com. 300 IN TXT hello world"),
	    "\"hello\" \"world\"");
	CHECK_STR(value("x.example.com. 300 IN TXT \"part one\" \"part two\""),
	    "\"part one\" \"part two\"");
	CHECK_STR(value("x.example.com. 300 IN TXT \"\""), "\"\"");
	CHECK_STR(value("x.example.com. 300 IN TXT \"\" \"a\" \"\""),
	    "\"\" \"a\" \"\"");
	CHECK_STR(value("x.example.com. 300 IN TXT \"say \\\"hi\\\" \\\\ ok\""),
	    "\"say \\\"hi\\\" \\\\ ok\"");
	CHECK_STR(value("x.example.com. 300 IN TXT \"a;b(c)@$'\""),
	    "\"a;b(c)@$'\"");
	/* Non-ASCII and control bytes: octal (ä = 228 = \344). */
	CHECK_STR(value("x.example.com. 300 IN TXT \"ex\\228mple\""),
	    "\"ex\\344mple\"");
	CHECK_STR(value("x.example.com. 300 IN TXT "
	    "\"\\000\\009\\010\\031\\127\\128\\255 ~\""),
	    "\"\\000\\011\\012\\037\\177\\200\\377 ~\"");
	CHECK_STR(value("x.example.com. 300 IN TXT \"caf\\195\\169\""),
	    "\"caf\\303\\251\"");
	/* 255-byte strings (the wire's limit), one and several. */
	memcpy(rr, "x.example.com. 300 IN TXT \"", 27);
	memset(rr + 27, 'a', 255);
	memcpy(rr + 27 + 255, "\" \"b\"", 6);
	want[0] = '"';
	memset(want + 1, 'a', 255);
	memcpy(want + 256, "\" \"b\"", 6);
	CHECK_STR(value(rr), want);
	n = strlen(value(rr));
	CHECK_INT(n, 255 + 6);
	/* 255 bytes of 0xff: 1020 characters of \377 in one string. */
	strcpy(rr, "x.example.com. 300 IN TXT \"");
	for (n = 0; n < 255; n++)
		strcat(rr, "\\255");
	strcat(rr, "\"");
	CHECK_INT(strlen(value(rr)), 255 * 4 + 2);
	CHECK(strncmp(value(rr), "\"\\377\\377", 9) == 0);
}

UNIT_TEST(r53_values_normalise)
{
	CHECK_STR(norm(DNS_T_TXT, "\"ex\\344mple\""), "\"ex\\344mple\"");
	CHECK_STR(norm(DNS_T_TXT, "\"part one\" \"part two\""),
	    "\"part one\" \"part two\"");
	CHECK_STR(norm(DNS_T_TXT, "unquoted"), "\"unquoted\"");
	CHECK_STR(norm(DNS_T_TXT, "\"a\\040b\\\"\\\\\""), "\"a b\\\"\\\\\"");
	CHECK_STR(norm(DNS_T_TXT, "\"\""), "\"\"");
	CHECK_STR(norm(DNS_T_TXT, "\"\\8\""), "(error)"); /* \ then a digit */
	CHECK_STR(norm(DNS_T_TXT, "\"\\018\""), "(error)");
	CHECK_STR(norm(DNS_T_TXT, "\"open"), "(error)");
	CHECK_STR(norm(DNS_T_CNAME, "\\052.Example.COM."), "*.example.com.");
	CHECK_STR(norm(DNS_T_CNAME, "a\\056b.example.com."),
	    "a\\056b.example.com.");
	CHECK_STR(norm(DNS_T_CNAME, "relative"), "(error)");
	CHECK_STR(norm(DNS_T_MX, "10   mail.example.com."),
	    "10 mail.example.com.");
	CHECK_STR(norm(DNS_T_AAAA, "2001:DB8:0:0::1"), "2001:db8::1");
	CHECK_STR(norm(DNS_T_A, "192.0.2.256"), "(error)");
	CHECK_STR(norm(DNS_T_DS, "12345 13 2 abcd ef"), "12345 13 2 ABCDEF");
	CHECK_STR(norm(DNS_T_CAA, "0 issue \"ca.example.net\""),
	    "0 issue \"ca.example.net\"");
	CHECK_STR(norm(DNS_T_HTTPS, "1 . alpn=h2,h3 port=443"),
	    "1 . alpn=\"h2,h3\" port=443");
	CHECK_STR(norm(DNS_T_HTTPS, "1 . key65000=\"\\310\""),
	    "1 . key65000=\"\\310\"");
	CHECK_STR(norm(DNS_T_RRSIG, "\\# 1 00"), "(error)");
}

/* ---- the diff against a Route53 listing --------------------------------- */

static const char *const zone1[] = {
	SOA(2024),
	"example.com. 3600 IN NS ns1.example.com.",
	"example.com. 3600 IN NS ns2.example.com.",
	"example.com. 300 IN MX 10 mail.example.com.",
	"example.com. 300 IN DNSKEY \\# 4 01000003",
	"*.example.com. 300 IN TXT \"wild\"",
	"a.example.com. 300 IN A 192.0.2.1",
	"a.example.com. 300 IN A 192.0.2.2",
	"a.example.com. 300 IN RRSIG \\# 4 01020304",
	"a.example.com. 300 IN NSEC \\# 3 000000",
	"alias.example.com. 300 IN A 192.0.2.9",
	"b.example.com. 300 IN A 192.0.2.3",
	"c.example.com. 300 IN TXT \"x\"",
	"d.example.com. 300 IN AAAA 2001:db8::d",
	"Upper.example.com. 300 IN TXT \"Case Kept\"",
};

static const char *const soa_v[] = {
	"ns-1.awsdns-01.com. awsdns-hostmaster.amazon.com. 1 7200 900 "
	    "1209600 86400" };
static const char *const soa_v2024[] = {
	"ns-1.awsdns-01.com. awsdns-hostmaster.amazon.com. 2024 7200 900 "
	    "1209600 86400" };
static const char *const ns_v[] = { "ns-1.awsdns-01.com.",
	"ns-2.awsdns-02.net." };
static const char *const mx_v[] = { "10 mail.example.com." };
static const char *const wild_v[] = { "\"wild\"" };
static const char *const a_v[] = { "192.0.2.2", "192.0.2.1" };
static const char *const b_v[] = { "192.0.2.3" };
static const char *const c_v[] = { "\"y\"" };
static const char *const gone_v[] = { "198.51.100.1", "198.51.100.2" };
static const char *const w1_v[] = { "192.0.2.100" };
static const char *const upper_v[] = { "\"Case Kept\"" };

static const struct r53_rrset listing1[] = {
	{ "gone.example.com.", DNS_T_A, 0, 60, 2, gone_v },
	{ "example.com.", DNS_T_NS, 0, 172800, 2, ns_v },
	{ "example.com.", DNS_T_SOA, 0, 900, 1, soa_v },
	{ "example.com.", DNS_T_MX, 0, 300, 1, mx_v },
	{ "\\052.example.com.", DNS_T_TXT, 0, 300, 1, wild_v },
	{ "a.example.com.", DNS_T_A, 0, 300, 2, a_v },
	{ "alias.example.com.", DNS_T_A, R53_ALIAS, 0, 0, NULL },
	{ "b.example.com.", DNS_T_A, 0, 600, 1, b_v },
	{ "c.example.com.", DNS_T_TXT, 0, 300, 1, c_v },
	{ "w.example.com.", DNS_T_A, R53_SETID, 60, 1, w1_v },
	{ "w.example.com.", DNS_T_A, R53_SETID, 60, 1, w1_v },
	{ "upper.example.com.", DNS_T_TXT, 0, 300, 1, upper_v },
};
#define NL1 (sizeof listing1 / sizeof listing1[0])

UNIT_TEST(r53_diff_against_listing)
{
	struct zone *z = axfr(zone1, sizeof zone1 / sizeof zone1[0]);
	struct r53_changes c;

	if (z == NULL)
		return;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, listing1, NL1, NULL, &c), 0);
	CHECK_STR(changes_text(&c),
	    "UPSERT example.com. SOA 900 [ns-1.awsdns-01.com. "
	    "awsdns-hostmaster.amazon.com. 2024 7200 900 1209600 86400] last\n"
	    "UPSERT b.example.com. A 300 [192.0.2.3]\n"
	    "UPSERT c.example.com. TXT 300 [\"x\"]\n"
	    "CREATE d.example.com. AAAA 300 [2001:db8::d]\n"
	    "DELETE gone.example.com. A 60 [198.51.100.1|198.51.100.2]\n");
	/* MX, wildcard TXT (listed as \052), a (values in another order),
	 * Upper/upper: equal. */
	CHECK_INT(c.st.unchanged, 4);
	CHECK_INT(c.st.protected_sets, 1);
	CHECK_INT(c.st.rrsets, 13);
	CHECK_INT(c.st.r53_unread, 0);
	CHECK_INT(c.st.soa_unknown, 0);
	CHECK_INT(c.st.ttl_conflicts, 0);
	CHECK_INT(c.st.nskip, 3);
	if (c.st.nskip == 3) {
		CHECK_INT(c.st.skip[0].type, DNS_T_RRSIG);
		CHECK_INT(c.st.skip[1].type, DNS_T_NSEC);
		CHECK_INT(c.st.skip[2].type, DNS_T_DNSKEY);
		CHECK_INT(c.st.skip[2].rrsets, 1);
		CHECK_INT(c.st.skip[2].rrs, 1);
	}
	r53_changes_free(&c);
	zone_free(z);
}

UNIT_TEST(r53_diff_policies)
{
	struct zone *z = axfr(zone1, sizeof zone1 / sizeof zone1[0]);
	struct r53_rrset l[NL1];
	struct r53_map_opts o;
	struct r53_changes c;

	if (z == NULL)
		return;
	memcpy(l, listing1, sizeof l);
	/* Everything equal but the apex NS; SOA already at 2024. */
	l[0].flags = R53_SETID;          /* gone: a routing-policy set */
	l[2].values = soa_v2024;
	l[7].ttl = 300;
	l[8].values = wild_v;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, l, NL1, NULL, &c), 0);
	CHECK_STR(changes_text(&c),
	    "UPSERT c.example.com. TXT 300 [\"x\"]\n"
	    "CREATE d.example.com. AAAA 300 [2001:db8::d]\n");
	r53_changes_free(&c);

	/* Opt in to the apex NS; UPSERT for new sets; primary's SOA timers. */
	r53_map_opts_default(&o);
	o.apex_ns = 1;
	o.create_new = 0;
	o.soa = R53_SOA_PRIMARY;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, l, NL1, &o, &c), 0);
	CHECK_STR(changes_text(&c),
	    "UPSERT example.com. NS 3600 [ns1.example.com.|ns2.example.com.]\n"
	    "UPSERT example.com. SOA 3600 [ns-1.awsdns-01.com. "
	    "awsdns-hostmaster.amazon.com. 2024 7200 3600 1209600 300] last\n"
	    "UPSERT c.example.com. TXT 300 [\"x\"]\n"
	    "UPSERT d.example.com. AAAA 300 [2001:db8::d]\n");
	r53_changes_free(&c);

	/* SOA off: not touched; an unreadable Route53 SOA is reported. */
	o.apex_ns = 0;
	o.soa = R53_SOA_OFF;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, l, NL1, &o, &c), 0);
	CHECK(strstr(changes_text(&c), " SOA ") == NULL);
	CHECK_INT(c.st.soa_unknown, 0);
	r53_changes_free(&c);
	{
		static const char *const bad[] = { "ns.example. 1 2 3" };

		l[2].values = bad;
		r53_changes_init(&c);
		CHECK_INT(r53_diff_full(z, l, NL1, NULL, &c), 0);
		CHECK(strstr(changes_text(&c), " SOA ") == NULL);
		CHECK_INT(c.st.soa_unknown, 1);
		r53_changes_free(&c);
	}
	zone_free(z);
}

UNIT_TEST(r53_diff_empty_hosted_zone)
{
	static const char *const rrs[] = {
		SOA(7),
		"example.com. 3600 IN NS ns1.example.com.",
		"*.example.com. 60 IN A 192.0.2.1",
		"a\\.b.example.com. 60 IN A 192.0.2.2",
		"A\\032B.example.com. 60 IN TXT \"x\"",
	};
	struct zone *z = axfr(rrs, sizeof rrs / sizeof rrs[0]);
	struct r53_changes c;

	if (z == NULL)
		return;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, listing1 + 1, 2, NULL, &c), 0);
	CHECK_STR(changes_text(&c),
	    "UPSERT example.com. SOA 900 [ns-1.awsdns-01.com. "
	    "awsdns-hostmaster.amazon.com. 7 7200 900 1209600 86400] last\n"
	    "CREATE *.example.com. A 60 [192.0.2.1]\n"
	    "CREATE a\\040b.example.com. TXT 60 [\"x\"]\n"
	    "CREATE a\\056b.example.com. A 60 [192.0.2.2]\n");
	r53_changes_free(&c);
	/* Nothing listed at all: the SOA cannot be written. */
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, NULL, 0, NULL, &c), 0);
	CHECK_INT(c.n, 3);
	CHECK_INT(c.st.soa_unknown, 1);
	r53_changes_free(&c);
	zone_free(z);
}

UNIT_TEST(r53_diff_type_change_groups)
{
	static const char *const rrs[] = {
		SOA(2024),
		"example.com. 3600 IN NS ns1.example.com.",
		"x.example.com. 300 IN CNAME y.example.com.",
		"y.example.com. 300 IN A 192.0.2.1",
		"y.example.com. 300 IN TXT \"t\"",
		"sub.example.com. 300 IN NS ns.sub.example.com.",
		"sub.example.com. 300 IN DS 1 13 2 00",
		"p.example.com. 300 IN CNAME y.example.com.",
		"q.example.com. 300 IN A 192.0.2.7",
		"r.example.com. 300 IN A 192.0.2.8",
		"r.example.com. 300 IN TXT \"r\"",
	};
	static const char *const xa[] = { "192.0.2.5" };
	static const char *const xt[] = { "\"old\"" };
	static const char *const yc[] = { "x.example.com." };
	static const struct r53_rrset l[] = {
		{ "example.com.", DNS_T_SOA, 0, 900, 1, soa_v2024 },
		{ "x.example.com.", DNS_T_A, 0, 60, 1, xa },
		{ "x.example.com.", DNS_T_TXT, 0, 60, 1, xt },
		{ "y.example.com.", DNS_T_CNAME, 0, 60, 1, yc },
		{ "p.example.com.", DNS_T_AAAA, R53_ALIAS, 0, 0, NULL },
		{ "q.example.com.", DNS_T_A, R53_ALIAS, 0, 0, NULL },
		{ "r.example.com.", DNS_T_CNAME, R53_ALIAS, 0, 0, NULL },
	};
	struct zone *z = axfr(rrs, sizeof rrs / sizeof rrs[0]);
	struct r53_changes c;

	if (z == NULL)
		return;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, l, sizeof l / sizeof l[0], NULL, &c), 0);
	/* p: a CNAME beside an alias is not pushed; q: the alias stays;
	 * r: nothing beside an alias CNAME. */
	CHECK_STR(changes_text(&c),
	    "CREATE sub.example.com. NS 300 [ns.sub.example.com.] g1\n"
	    "CREATE sub.example.com. DS 300 [1 13 2 00] g1\n"
	    "DELETE x.example.com. TXT 60 [\"old\"] g2\n"
	    "DELETE x.example.com. A 60 [192.0.2.5] g2\n"
	    "CREATE x.example.com. CNAME 300 [y.example.com.] g2\n"
	    "DELETE y.example.com. CNAME 60 [x.example.com.] g3\n"
	    "CREATE y.example.com. A 300 [192.0.2.1] g3\n"
	    "CREATE y.example.com. TXT 300 [\"t\"] g3\n");
	CHECK_INT(c.st.protected_sets, 4);
	CHECK_INT(c.ngroups, 3);
	r53_changes_free(&c);
	zone_free(z);
}

UNIT_TEST(r53_diff_unreadable_listing)
{
	static const char *const rrs[] = {
		SOA(2024),
		"x.example.com. 300 IN TXT \"t\"",
	};
	static const char *const bad[] = { "\"\\9\\9\\9" };
	static const struct r53_rrset l[] = {
		{ "example.com.", DNS_T_SOA, 0, 900, 1, soa_v2024 },
		{ "x.example.com.", DNS_T_TXT, 0, 300, 1, bad },
		{ "a..b.example.com.", DNS_T_A, 0, 300, 1, b_v },
		{ "other.example.net.", DNS_T_A, 0, 300, 1, b_v },
	};
	struct zone *z = axfr(rrs, sizeof rrs / sizeof rrs[0]);
	struct r53_changes c;

	if (z == NULL)
		return;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, l, sizeof l / sizeof l[0], NULL, &c), 0);
	CHECK_STR(changes_text(&c), "UPSERT x.example.com. TXT 300 [\"t\"]\n");
	CHECK_INT(c.st.r53_unread, 3);
	r53_changes_free(&c);
	zone_free(z);
}

UNIT_TEST(r53_diff_ttl_conflicts_and_clamp)
{
	static const char *const rrs[] = {
		SOA(2024),
		"x.example.com. 300 IN A 192.0.2.1",
		"x.example.com. 100 IN A 192.0.2.2",
		"y.example.com. 4294967295 IN A 192.0.2.3",
	};
	struct zone *z = axfr(rrs, sizeof rrs / sizeof rrs[0]);
	struct r53_changes c;

	if (z == NULL)
		return;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, listing1 + 2, 1, NULL, &c), 0);
	CHECK_STR(changes_text(&c),
	    "UPSERT example.com. SOA 900 [ns-1.awsdns-01.com. "
	    "awsdns-hostmaster.amazon.com. 2024 7200 900 1209600 86400] last\n"
	    "CREATE x.example.com. A 100 [192.0.2.1|192.0.2.2]\n"
	    "CREATE y.example.com. A 2147483647 [192.0.2.3]\n");
	CHECK_INT(c.st.ttl_conflicts, 1);
	r53_changes_free(&c);
	zone_free(z);
}

/* ---- the incremental path (IXFR) ---------------------------------------- */

static const char *const base2[] = {
	SOA(1),
	"example.com. 3600 IN NS ns1.example.com.",
	"old.example.com. 120 IN TXT \"gone\" \"soon\"",
	"www.example.com. 300 IN A 192.0.2.1",
	"www.example.com. 300 IN A 192.0.2.9",
	"x.example.com. 300 IN A 192.0.2.5",
	"z.example.com. 300 IN CNAME www.example.com.",
};

static const char *const ops2[] = {
	"-example.com. 3600 IN SOA ns1.example.com. host.example.com. "
	    "1 7200 3600 1209600 300",
	"-example.com. 3600 IN NS ns1.example.com.",
	"-old.example.com. 120 IN TXT \"gone\" \"soon\"",
	"-www.example.com. 300 IN A 192.0.2.1",
	"-x.example.com. 300 IN A 192.0.2.5",
	"-z.example.com. 300 IN CNAME www.example.com.",
	"+example.com. 3600 IN SOA ns1.example.com. host.example.com. "
	    "2 7200 3600 1209600 300",
	"+example.com. 3600 IN NS ns9.example.com.",
	"+new.example.com. 60 IN A 192.0.2.7",
	"+new.example.com. 60 IN RRSIG \\# 2 0102",
	"+www.example.com. 300 IN A 192.0.2.2",
	"+x.example.com. 300 IN CNAME www.example.com.",
	"+z.example.com. 300 IN AAAA 2001:db8::1",
	"+z.example.com. 300 IN A 192.0.2.8",
};

UNIT_TEST(r53_diff_incremental)
{
	struct zone *old = axfr(base2, sizeof base2 / sizeof base2[0]);
	struct zone *new = old ? ixfr(old, ops2, sizeof ops2 / sizeof ops2[0]) :
	    NULL;
	struct r53_rrset soa = { "example.com.", DNS_T_SOA, 0, 900, 1, soa_v };
	struct r53_map_opts o;
	struct r53_changes c;

	if (new == NULL) {
		zone_free(old);
		return;
	}
	CHECK_INT(zone_diff_incremental(old, new), 1);
	r53_changes_init(&c);
	CHECK_INT(r53_diff_zones(old, new, &soa, NULL, &c), 0);
	CHECK_STR(changes_text(&c),
	    "UPSERT example.com. SOA 900 [ns-1.awsdns-01.com. "
	    "awsdns-hostmaster.amazon.com. 2 7200 900 1209600 86400] last\n"
	    "CREATE new.example.com. A 60 [192.0.2.7]\n"
	    "DELETE old.example.com. TXT 120 [\"gone\" \"soon\"]\n"
	    "UPSERT www.example.com. A 300 [192.0.2.2|192.0.2.9]\n"
	    "DELETE x.example.com. A 300 [192.0.2.5] g1\n"
	    "CREATE x.example.com. CNAME 300 [www.example.com.] g1\n"
	    "DELETE z.example.com. CNAME 300 [www.example.com.] g2\n"
	    "CREATE z.example.com. A 300 [192.0.2.8] g2\n"
	    "CREATE z.example.com. AAAA 300 [2001:db8::1] g2\n");
	CHECK_INT(c.st.nskip, 1);
	if (c.st.nskip == 1) {
		CHECK_INT(c.st.skip[0].type, DNS_T_RRSIG);
		CHECK_INT(c.st.skip[0].rrs, 1);
	}
	r53_changes_free(&c);

	/* UPSERT for new sets, the apex NS opted in, Route53's SOA unknown. */
	r53_map_opts_default(&o);
	o.create_new = 0;
	o.apex_ns = 1;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_zones(old, new, NULL, &o, &c), 0);
	CHECK_STR(changes_text(&c),
	    "UPSERT example.com. NS 3600 [ns9.example.com.]\n"
	    "UPSERT new.example.com. A 60 [192.0.2.7]\n"
	    "DELETE old.example.com. TXT 120 [\"gone\" \"soon\"]\n"
	    "UPSERT www.example.com. A 300 [192.0.2.2|192.0.2.9]\n"
	    "DELETE x.example.com. A 300 [192.0.2.5] g1\n"
	    "UPSERT x.example.com. CNAME 300 [www.example.com.] g1\n"
	    "DELETE z.example.com. CNAME 300 [www.example.com.] g2\n"
	    "UPSERT z.example.com. A 300 [192.0.2.8] g2\n"
	    "UPSERT z.example.com. AAAA 300 [2001:db8::1] g2\n");
	CHECK_INT(c.st.soa_unknown, 1);
	r53_changes_free(&c);
	zone_free(new);
	zone_free(old);
}

struct walk {
	struct r53_changes *c;
	const struct r53_rrset *soa;
};

static int
walk_fn(void *ctx, const struct zone_change *zc)
{
	struct walk *w = ctx;

	return r53_changes_add(w->c, apex, zc, w->soa, NULL);
}

UNIT_TEST(r53_diff_changes_add)
{
	static const char *const a[] = {
		SOA(1),
		"a.example.com. 300 IN A 192.0.2.1",
		"b.example.com. 300 IN CNAME a.example.com.",
	};
	static const char *const b[] = {
		SOA(5),
		"a.example.com. 300 IN CNAME b.example.com.",
		"b.example.com. 300 IN A 192.0.2.1",
	};
	struct zone *za = axfr(a, 3), *zb = axfr(b, 3);
	struct r53_rrset soa = { "example.com.", DNS_T_SOA, 0, 900, 1,
		soa_v2024 };
	struct r53_changes c;
	struct walk w;

	if (za == NULL || zb == NULL) {
		zone_free(za);
		zone_free(zb);
		return;
	}
	r53_changes_init(&c);
	w.c = &c;
	w.soa = &soa;
	CHECK_INT(zone_diff(za, zb, walk_fn, &w), 0);
	CHECK_INT(r53_changes_end(&c), 0);
	CHECK_STR(changes_text(&c),
	    "UPSERT example.com. SOA 900 [ns-1.awsdns-01.com. "
	    "awsdns-hostmaster.amazon.com. 5 7200 900 1209600 86400] last\n"
	    "DELETE a.example.com. A 300 [192.0.2.1] g1\n"
	    "CREATE a.example.com. CNAME 300 [b.example.com.] g1\n"
	    "DELETE b.example.com. CNAME 300 [a.example.com.] g2\n"
	    "CREATE b.example.com. A 300 [192.0.2.1] g2\n");
	r53_changes_free(&c);
	zone_free(za);
	zone_free(zb);
}

UNIT_TEST(r53_guard_incremental)
{
	static const char *const a[] = {
		SOA(1),
		"k.example.com. 300 IN TXT \"k\"",
		"m.example.com. 300 IN A 192.0.2.1",
	};
	static const char *const b[] = {
		SOA(2),
		"k.example.com. 300 IN TXT \"k2\"",
		"k.example.com. 300 IN A 192.0.2.9",
		"l.example.com. 300 IN CNAME m.example.com.",
		"m.example.com. 300 IN A 192.0.2.2",
		"n.example.com. 300 IN AAAA 2001:db8::1",
	};
	static const struct r53_rrset listing[] = {
		{ "example.com.", DNS_T_SOA, 0, 900, 1, soa_v2024 },
		{ "K.example.com.", DNS_T_A, R53_ALIAS, 0, 0, NULL },
		{ "l.example.com.", DNS_T_AAAA, R53_SETID, 60, 1, b_v },
		{ "\\155.example.com.", DNS_T_A, R53_SETID, 60, 1, b_v },
		{ "n.example.com.", DNS_T_A, R53_SETID, 60, 1, b_v },
		{ "a..b.example.com.", DNS_T_A, R53_ALIAS, 0, 0, NULL },
	};
	struct zone *za = axfr(a, 3), *zb = axfr(b, 6);
	struct r53_guard g;
	struct r53_map_opts o;
	struct r53_changes c;
	uint8_t w[DNS_NAME_MAX];

	if (za == NULL || zb == NULL) {
		zone_free(za);
		zone_free(zb);
		return;
	}
	CHECK_INT(r53_guard_init(&g, listing, 6), 0);
	CHECK_INT(g.n, 4);
	r53_name_from_text("k.example.com.", 14, w);
	CHECK_INT(r53_guard_blocks(&g, w, DNS_T_A), 1);
	CHECK_INT(r53_guard_blocks(&g, w, DNS_T_TXT), 0);
	CHECK_INT(r53_guard_blocks(&g, w, DNS_T_CNAME), 1);
	CHECK_INT(r53_guard_blocks(NULL, w, DNS_T_A), 0);
	r53_map_opts_default(&o);
	o.guard = &g;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_zones(za, zb, NULL, &o, &c), 0);
	/* k A: alias there; l CNAME: a routing set at l; m (listed as
	 * \155): same type; n AAAA beside a weighted A: pushed. */
	CHECK_STR(changes_text(&c),
	    "UPSERT k.example.com. TXT 300 [\"k2\"]\n"
	    "CREATE n.example.com. AAAA 300 [2001:db8::1]\n");
	CHECK_INT(c.st.protected_sets, 3);
	r53_changes_free(&c);
	/* Without the guard everything is pushed. */
	r53_changes_init(&c);
	CHECK_INT(r53_diff_zones(za, zb, NULL, NULL, &c), 0);
	CHECK_INT(c.n, 5);
	r53_changes_free(&c);
	r53_guard_free(&g);
	zone_free(za);
	zone_free(zb);
}

/* ---- exact-match DELETE: Route53's TTL and values, as listed -------------- */

/*
 * Route53 refuses a DELETE whose TTL or values differ from what it holds
 * (route53.md §Semantics; moto does not check).  Sets the zone dropped
 * are listed here with TTLs the primary never had and values in
 * spellings other than ours (uppercase, uncompressed IPv6, octal escapes,
 * an unreadable value, names with \ooo escapes): the DELETEs must carry
 * them byte for byte.
 */
UNIT_TEST(r53_delete_of_dropped_sets_carries_route53_ttl_and_values_verbatim)
{
	static const char *const rrs[] = {
		SOA(2024),
		"example.com. 3600 IN NS ns1.example.com.",
		"kept.example.com. 300 IN A 192.0.2.1",
	};
	static const char *const v6[] = { "2001:DB8:0:0:0:0:0:1",
		"2001:db8::2" };
	static const char *const mx[] = { "10 MAIL.Example.COM.",
		"20 mx2.example.com" };
	static const char *const txt[] = { "\"ex\\344mple\" \"tab\\011end\"",
		"\"\\9\\9\\9" };
	static const char *const cname[] = { "Target.Example.NET." };
	static const char *const kept[] = { "192.0.2.1" };
	static const char *const wild[] = { "192.0.2.7" };
	static const struct r53_rrset l[] = {
		{ "example.com.", DNS_T_SOA, 0, 900, 1, soa_v2024 },
		{ "example.com.", DNS_T_NS, 0, 172800, 2, ns_v },
		{ "kept.example.com.", DNS_T_A, 0, 300, 1, kept },
		{ "v6.example.com.", DNS_T_AAAA, 0, 86400, 2, v6 },
		{ "mx.example.com.", DNS_T_MX, 0, 7, 2, mx },
		{ "t.example.com.", DNS_T_TXT, 0, 2147483647, 2, txt },
		{ "c.example.com.", DNS_T_CNAME, 0, 0, 1, cname },
		{ "\\052.example.com.", DNS_T_A, 0, 61, 1, wild },
		{ "a\\040b\\100c.example.com.", DNS_T_A, 0, 62, 1, wild },
	};
	struct zone *z = axfr(rrs, sizeof rrs / sizeof rrs[0]);
	struct r53_changes c;

	if (z == NULL)
		return;
	r53_changes_init(&c);
	CHECK_INT(r53_diff_full(z, l, sizeof l / sizeof l[0], NULL, &c), 0);
	CHECK_STR(changes_text(&c),
	    "DELETE \\052.example.com. A 61 [192.0.2.7]\n"
	    "DELETE a\\040b\\100c.example.com. A 62 [192.0.2.7]\n"
	    "DELETE c.example.com. CNAME 0 [Target.Example.NET.]\n"
	    "DELETE mx.example.com. MX 7 [10 MAIL.Example.COM.|"
	    "20 mx2.example.com]\n"
	    "DELETE t.example.com. TXT 2147483647 [\"ex\\344mple\" "
	    "\"tab\\011end\"|\"\\9\\9\\9]\n"
	    "DELETE v6.example.com. AAAA 86400 [2001:DB8:0:0:0:0:0:1|"
	    "2001:db8::2]\n");
	/* kept, and the SOA already at 2024. */
	CHECK_INT(c.st.unchanged, 2);
	r53_changes_free(&c);
	zone_free(z);
}

/*
 * A value dropped from a multi-value set, or a TTL changed: one UPSERT
 * of the whole set as the zone has it now (the zone's TTL, the values
 * left), never a DELETE of the dropped value alone — whatever TTL
 * Route53 held.
 */
UNIT_TEST(r53_value_dropped_from_multi_value_set_upserts_the_rest)
{
	static const char *const rrs[] = {
		SOA(2024),
		"m.example.com. 300 IN A 192.0.2.1",
		"m.example.com. 300 IN A 192.0.2.2",
		"t.example.com. 120 IN TXT \"one\"",
		"t.example.com. 120 IN TXT \"two\"",
		"same.example.com. 300 IN A 192.0.2.9",
	};
	static const char *const m3[] = { "192.0.2.3", "192.0.2.2",
		"192.0.2.1" };
	static const char *const t3[] = { "\"two\"", "\"three\"", "\"one\"" };
	static const char *const s1[] = { "192.0.2.9" };
	static const struct r53_rrset l[] = {
		{ "example.com.", DNS_T_SOA, 0, 900, 1, soa_v2024 },
		/* Route53's TTL differs from the primary's, one value more. */
		{ "m.example.com.", DNS_T_A, 0, 600, 3, m3 },
		/* Same TTL, one value more. */
		{ "t.example.com.", DNS_T_TXT, 0, 120, 3, t3 },
		/* Same values, another TTL. */
		{ "same.example.com.", DNS_T_A, 0, 60, 1, s1 },
	};
	full_diff_is(rrs, sizeof rrs / sizeof rrs[0], l, sizeof l / sizeof l[0],
	    "UPSERT m.example.com. A 300 [192.0.2.1|192.0.2.2]\n"
	    "UPSERT same.example.com. A 300 [192.0.2.9]\n"
	    "UPSERT t.example.com. TXT 120 [\"one\"|\"two\"]\n");
}

/*
 * A type change at a name (A -> CNAME, and CNAME -> TXT): the DELETE of
 * the old type carries Route53's TTL and values as listed, in the same
 * group as the CREATE of the new one.
 */
UNIT_TEST(r53_type_change_delete_carries_route53_ttl_and_values)
{
	static const char *const rrs[] = {
		SOA(2024),
		"x.example.com. 300 IN CNAME www.example.com.",
		"y.example.com. 300 IN TXT \"now text\"",
	};
	static const char *const xa[] = { "192.0.2.10", "192.0.2.011" };
	static const char *const yc[] = { "OLD.example.com." };
	static const struct r53_rrset l[] = {
		{ "example.com.", DNS_T_SOA, 0, 900, 1, soa_v2024 },
		{ "X.example.com.", DNS_T_A, 0, 3600, 2, xa },
		{ "y.example.com.", DNS_T_CNAME, 0, 5, 1, yc },
	};
	full_diff_is(rrs, sizeof rrs / sizeof rrs[0], l, sizeof l / sizeof l[0],
	    "DELETE X.example.com. A 3600 [192.0.2.10|192.0.2.011] g1\n"
	    "CREATE x.example.com. CNAME 300 [www.example.com.] g1\n"
	    "DELETE y.example.com. CNAME 5 [OLD.example.com.] g2\n"
	    "CREATE y.example.com. TXT 300 [\"now text\"] g2\n");
}

/* The serial of Route53's SOA value; anything else is refused. */
UNIT_TEST(r53_soa_serial_reads_route53_soa_only)
{
	static const char *const ok[] = { "ns-2048.awsdns-64.com. "
		"hostmaster.example.com. 2026113001 7200 900 1209600 86400" };
	static const char *const garbled[] = { "{'Value': 'ns-2048.awsdns-64.com."
		" hostmaster.example.com. 1 7200 900 1209600 86400'}" };
	static const char *const short6[] = { "a. b. 1 2 3 4" };
	static const char *const big[] = { "a. b. 4294967296 2 3 4 5" };
	struct r53_rrset s = { "example.com.", DNS_T_SOA, 0, 900, 1, ok };
	uint32_t v = 0;

	CHECK_INT(r53_soa_serial(&s, &v), 0);
	CHECK_INT(v, 2026113001u);
	s.values = garbled;
	CHECK_INT(r53_soa_serial(&s, &v), -1);
	s.values = short6;
	CHECK_INT(r53_soa_serial(&s, &v), -1);
	s.values = big;
	CHECK_INT(r53_soa_serial(&s, &v), -1);
	s.values = ok;
	s.type = DNS_T_TXT;
	CHECK_INT(r53_soa_serial(&s, &v), -1);
}
