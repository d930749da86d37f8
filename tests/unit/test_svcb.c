/*
 * test_svcb.c — SvcParams: known answers taken from BIND 9.18.49.
 *
 * Every vector below was produced by named 9.18.49 (Debian 12) serving a
 * test zone and read back with `dig +nosplit AXFR` (the text) and
 * `dig +unknownformat AXFR` (the wire bytes).  The r/p comments name the
 * owner in that zone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/err.h"
#include "net/svcb.h"
#include "tests/unit/unit.h"

struct vec {
	const char *hex;  /* SvcParams wire form */
	const char *text; /* what dig printed after "priority target" */
};

struct invec {
	const char *in;   /* zone-file text named accepted */
	const char *hex;  /* the wire form it loaded */
	const char *text; /* what dig printed for it */
};

/* What dig 9.18.49 printed for SvcParams, with their wire form. */
static const struct vec printed[] = {
	{ /* p1 */
	    "0001010280000102030405060708090a0b0c0d0e0f101112131415161718191a"
	    "1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a"
	    "3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a"
	    "5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a"
	    "7b7c7d7e7f80808182838485868788898a8b8c8d8e8f90919293949596979899"
	    "9a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9"
	    "babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9"
	    "dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9"
	    "fafbfcfdfeff",
	    " alpn=\"\\000\\001\\002\\003\\004\\005\\006\\007\\008\\009\\01"
	    "0\\011\\012\\013\\014\\015\\016\\017\\018\\019\\020\\021\\022"
	    "\\023\\024\\025\\026\\027\\028\\029\\030\\031\\032!\\\"#$%&'()"
	    "*+\\\\,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\\\\\"
	    "]^_`abcdefghijklmnopqrstuvwxyz{|}~\\127,"
	    "\\128\\129\\130\\131\\132\\133\\134\\135\\136\\137\\138\\139\\"
	    "140\\141\\142\\143\\144\\145\\146\\147\\148\\149\\150\\151\\15"
	    "2\\153\\154\\155\\156\\157\\158\\159\\160\\161\\162\\163\\164"
	    "\\165\\166\\167\\168\\169\\170\\171\\172\\173\\174\\175\\176\\"
	    "177\\178\\179\\180\\181\\182\\183\\184\\185\\186\\187\\188\\18"
	    "9\\190\\191\\192\\193\\194\\195\\196\\197\\198\\199\\200\\201"
	    "\\202\\203\\204\\205\\206\\207\\208\\209\\210\\211\\212\\213\\"
	    "214\\215\\216\\217\\218\\219\\220\\221\\222\\223\\224\\225\\22"
	    "6\\227\\228\\229\\230\\231\\232\\233\\234\\235\\236\\237\\238"
	    "\\239\\240\\241\\242\\243\\244\\245\\246\\247\\248\\249\\250\\"
	    "251\\252\\253\\254\\255\"" },
	{ /* p2 */
	    "fde80100000102030405060708090a0b0c0d0e0f101112131415161718191a1b"
	    "1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b"
	    "3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b"
	    "5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b"
	    "7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b"
	    "9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babb"
	    "bcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadb"
	    "dcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafb"
	    "fcfdfeff",
	    " key65000=\"\\000\\001\\002\\003\\004\\005\\006\\007\\008\\009"
	    "\\010\\011\\012\\013\\014\\015\\016\\017\\018\\019\\020\\021\\"
	    "022\\023\\024\\025\\026\\027\\028\\029\\030\\031 "
	    "!\\\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ["
	    "\\\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\\127\\128\\129\\130\\13"
	    "1\\132\\133\\134\\135\\136\\137\\138\\139\\140\\141\\142\\143"
	    "\\144\\145\\146\\147\\148\\149\\150\\151\\152\\153\\154\\155\\"
	    "156\\157\\158\\159\\160\\161\\162\\163\\164\\165\\166\\167\\16"
	    "8\\169\\170\\171\\172\\173\\174\\175\\176\\177\\178\\179\\180"
	    "\\181\\182\\183\\184\\185\\186\\187\\188\\189\\190\\191\\192\\"
	    "193\\194\\195\\196\\197\\198\\199\\200\\201\\202\\203\\204\\20"
	    "5\\206\\207\\208\\209\\210\\211\\212\\213\\214\\215\\216\\217"
	    "\\218\\219\\220\\221\\222\\223\\224\\225\\226\\227\\228\\229\\"
	    "230\\231\\232\\233\\234\\235\\236\\237\\238\\239\\240\\241\\24"
	    "2\\243\\244\\245\\246\\247\\248\\249\\250\\251\\252\\253\\254"
	    "\\255\"" },
	{ /* p3 */
	    "0000000600010007fde800010003026832000700072f7b3f646e737dfde80000",
	    " mandatory=alpn,key7,key65000 alpn=\"h2\" key7=\"/{?dns}\" "
	    "key65000" },
	{ /* p4 */
	    "00010006012c015c0120",
	    " alpn=\"\\\\,,\\\\\\\\,\\032\"" },
	{ /* p5 */
	    "000700632f2021222324262728292a2b2c2d2e2f303132333435363738393a3b"
	    "3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b"
	    "5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7c"
	    "7e7b3f646e737d",
	    " key7=\"/ !\\\"#$&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQR"
	    "STUVWXYZ[\\\\]^_`abcdefghijklmnopqrstuvwxyz|~{?dns}\"" },
	{ /* p6 */
	    "000000040008000900080000000900017a",
	    " mandatory=key8,key9 key8 key9=\"z\"" },
	{ /* p7 */
	    "000601000000000000000000000000000000000000000000000000000000ffff"
	    "0102030400000000000000000000000000000001000000000000000000000000"
	    "000000020000000000000000000000010000000000000000000000000000ffff"
	    "0000000000000000000000000000ffff00000001000100000000000000000000"
	    "0000000000010000000000020000000000000003000100000000000200000000"
	    "000000030000000100000000000000000000000000000000000000000000fffe"
	    "0102030400000000000000000001ffff00010002000000000000000000000000"
	    "0000010000000000000000000000000000010000fe8000000000000000000000"
	    "00010002",
	    " ipv6hint=::,::ffff:1.2.3.4,::1,::2,::1:0:0,::ffff:0.0.0.0,"
	    "::ffff:0.0.0.1,1::,1:0:0:2::3,1:0:0:2::3,0:1::,::fffe:102:304,"
	    "::1:ffff:1:2,::100,::0.1.0.0,fe80::1:2" },
	{ /* r01 */
	    "00010006026832026833",
	    " alpn=\"h2,h3\"" },
	{ /* r03 */
	    "000100080468322c78026833",
	    " alpn=\"h2\\\\,x,h3\"" },
	{ /* r05 */
	    "0001000603615c620163",
	    " alpn=\"a\\\\\\\\b,c\"" },
	{ /* r06 */
	    "fde8000b68656c6c6f20776f726c64fde90000",
	    " key65000=\"hello world\" key65001" },
	{ /* r07 */
	    "fde90000",
	    " key65001" },
	{ /* r08 */
	    "000600400000000000000000000000000000000100000000000000000000ffff"
	    "0102030420010db8000000000000000000000001000000000000000000000000"
	    "00000000",
	    " ipv6hint=::1,::ffff:1.2.3.4,2001:db8::1,::" },
	{ /* r09 */
	    "000000040001000300010003026832000300020355",
	    " mandatory=alpn,port alpn=\"h2\" port=853" },
	{ /* r10 */
	    "0005000400010203",
	    " ech=AAECAw==" },
	{ /* r11 */
	    "0001000403646f74000700102f646e732d71756572797b3f646e737d",
	    " alpn=\"dot\" key7=\"/dns-query{?dns}\"" },
	{ /* r12 */
	    "0001000302683300020000",
	    " alpn=\"h3\" no-default-alpn" },
	{ /* r13 */
	    "000400080102030405060708",
	    " ipv4hint=1.2.3.4,5.6.7.8" },
	{ /* r14 */
	    "",
	    "" },
	{ /* r15 */
	    "000100030268320003000201bb000700082f717b3f646e737d",
	    " alpn=\"h2\" port=443 key7=\"/q{?dns}\"" },
	{ /* r16 */
	    "fde800086122625c5c633b64fdea000201ff",
	    " key65000=\"a\\\"b\\\\\\\\c;d\" key65002=\"\\001\\255\"" },
	{ /* r17 */
	    "fdeb0005612c623d63fdec0003287829",
	    " key65003=\"a,b=c\" key65004=\"(x)\"" },
	{ /* r18 */
	    "0000000600040005fde80004000401010101000500020102fde8000178",
	    " mandatory=ipv4hint,ech,key65000 ipv4hint=1.1.1.1 ech=AQI= "
	    "key65000=\"x\"" },
	{ /* r19 */
	    "0007000a2f6120627b3f646e737d",
	    " key7=\"/a b{?dns}\"" },
	{ /* r20 */
	    "0001000502017801ff",
	    " alpn=\"\\001x,\\255\"" },
	{ /* r21 */
	    "ffff0003616263",
	    " key65535=\"abc\"" },
	{ /* r22 */
	    "0001000403612062",
	    " alpn=\"a\\032b\"" },
	{ /* r23 */
	    "0006004020010db8000000000001000000000001000100020003000400050006"
	    "0007000800000000000000000000000001020304fe8000000000000000000000"
	    "00000000",
	    " ipv6hint=2001:db8::1:0:0:1,1:2:3:4:5:6:7:8,::1.2.3.4,fe80::" },
	{ /* r24 */
	    "fde800013bfde9000128fdea0002c3a9fdeb00027409",
	    " key65000=\";\" key65001=\"(\" key65002=\"\\195\\169\" "
	    "key65003=\"t\\009\"" },
	{ /* r26 */
	    "000300020000",
	    " port=0" },
	{ /* r27 */
	    "00030002ffff0004000800000000ffffffff",
	    " port=65535 ipv4hint=0.0.0.0,255.255.255.255" },
	{ /* r28 */
	    "0000000200020001000302683200020000",
	    " mandatory=no-default-alpn alpn=\"h2\" no-default-alpn" },
	{ /* r29 */
	    "00010006015c012c0178",
	    " alpn=\"\\\\\\\\,\\\\,,x\"" },
	{ /* r30 */
	    "00010003022271",
	    " alpn=\"\\\"q\"" },
	{ /* r31 */
	    "fde800015c",
	    " key65000=\"\\\\\"" },
	{ /* r32 */
	    "fde80000",
	    " key65000" },
	{ /* r33 */
	    "00000002000100010003026832",
	    " mandatory=alpn alpn=\"h2\"" },
	{ /* r34 */
	    "000100070663322c5c2c22",
	    " alpn=\"c2\\\\,\\\\\\\\\\\\,\\\"\"" },
	{ /* r35 */
	    "00010002017800020000",
	    " alpn=\"x\" no-default-alpn" },
	{ /* r36 */
	    "0001000903612c62015c02223b",
	    " alpn=\"a\\\\,b,\\\\\\\\,\\\";\"" },
	{ /* r42 */
	    "fde80005207f800a00",
	    " key65000=\" \\127\\128\\010\\000\"" },
};

/* Zone-file input named 9.18.49 accepted: its wire form and print. */
static const struct invec parsed[] = {
	{ "alpn=h2,h3",
	    "00010006026832026833",
	    " alpn=\"h2,h3\"" },
	{ "alpn=h2\\\\,x,h3",
	    "000100080468322c78026833",
	    " alpn=\"h2\\\\,x,h3\"" },
	{ "alpn=\"a\\\\\\\\b,c\"",
	    "0001000603615c620163",
	    " alpn=\"a\\\\\\\\b,c\"" },
	{ "key1=\"\\002h2\" key3=\\001\\187 key7=/q{?dns}",
	    "000100030268320003000201bb000700082f717b3f646e737d",
	    " alpn=\"h2\" port=443 key7=\"/q{?dns}\"" },
	{ "mandatory=key65000,ipv4hint,key5 ech=\"AQI=\" key65000=x "
	    "ipv4hint=1.1.1.1",
	    "0000000600040005fde80004000401010101000500020102fde8000178",
	    " mandatory=ipv4hint,ech,key65000 ipv4hint=1.1.1.1 ech=AQI= "
	    "key65000=\"x\"" },
	{ "port=\"53\"",
	    "000300020035",
	    " port=53" },
	{ "port=053",
	    "000300020035",
	    " port=53" },
	{ "ech=\"AA EC\"",
	    "00050003000102",
	    " ech=AAEC" },
	/* An empty ech: BIND 9.18 loads and serves it, dig prints " ech". */
	{ "ech=\"\"",
	    "00050000",
	    " ech" },
	{ "ech",
	    "00050000",
	    " ech" },
	{ "key5",
	    "00050000",
	    " ech" },
	{ "key2 alpn=h2",
	    "0001000302683200020000",
	    " alpn=\"h2\" no-default-alpn" },
	{ "alpn=a\\,b",
	    "0001000401610162",
	    " alpn=\"a,b\"" },
	{ "alpn=a\\\\044b",
	    "00010006056130343462",
	    " alpn=\"a044b\"" },
	{ "alpn=h2\\044x",
	    "000100050268320178",
	    " alpn=\"h2,x\"" },
	{ "alpn=\"a\\\\b\"",
	    "00010003026162",
	    " alpn=\"ab\"" },
	{ "dohpath=/dns-query{?dns}",
	    "000700102f646e732d71756572797b3f646e737d",
	    " key7=\"/dns-query{?dns}\"" },
	{ "key65000=",
	    "fde80000",
	    " key65000" },
	{ "key65000=\"\"",
	    "fde80000",
	    " key65000" },
	{ "key65000=x=y",
	    "fde80003783d79",
	    " key65000=\"x=y\"" },
	{ "key65000=a\\ b",
	    "fde80003612062",
	    " key65000=\"a b\"" },
	{ "( alpn=h2 port=1 )",
	    "00010003026832000300020001",
	    " alpn=\"h2\" port=1" },
	{ "alpn=h2 ; comment",
	    "00010003026832",
	    " alpn=\"h2\"" },
	{ "mandatory=port,alpn port=1 alpn=h2",
	    "000000040001000300010003026832000300020001",
	    " mandatory=alpn,port alpn=\"h2\" port=1" },
	{ "mandatory=key3 port=1",
	    "000000020003000300020001",
	    " mandatory=port port=1" },
	{ "port=1 alpn=h2",
	    "00010003026832000300020001",
	    " alpn=\"h2\" port=1" },
	{ "key65535=abc key0=\\000\\001 key1=\\002h3",
	    "00000002000100010003026833ffff0003616263",
	    " mandatory=alpn alpn=\"h3\" key65535=\"abc\"" },
	{ "ipv4hint=\"1.2.3.4,5.6.7.8\"",
	    "000400080102030405060708",
	    " ipv4hint=1.2.3.4,5.6.7.8" },
	{ "ipv6hint=::1,::ffff:1.2.3.4,2001:db8::1,::",
	    "000600400000000000000000000000000000000100000000000000000000ffff"
	    "0102030420010db8000000000000000000000001000000000000000000000000"
	    "00000000",
	    " ipv6hint=::1,::ffff:1.2.3.4,2001:db8::1,::" },
	{ "key65002=\"\\195\\169\" key65001=\"(\" key65000=\";\"",
	    "fde800013bfde9000128fdea0002c3a9",
	    " key65000=\";\" key65001=\"(\" key65002=\"\\195\\169\"" },
	{ "alpn=\"\\\\\\\\,\\\\,,x\"",
	    "00010006015c012c0178",
	    " alpn=\"\\\\\\\\,\\\\,,x\"" },
	{ "key65000=x ipv6hint=::1 alpn=h2 key7=/p{?dns} mandatory=alpn "
	    "port=1",
	    "0000000200010001000302683200030002000100060010000000000000000000"
	    "00000000000001000700082f707b3f646e737dfde8000178",
	    " mandatory=alpn alpn=\"h2\" port=1 ipv6hint=::1 "
	    "key7=\"/p{?dns}\" key65000=\"x\"" },
	{ "alpn=h2 port=443 key2 ipv4hint=192.0.2.1 ech=AAEC "
	    "ipv6hint=2001:db8::1 key65000=zz mandatory=port,alpn key9",
	    "000000040001000300010003026832000200000003000201bb00040004c00002"
	    "01000500030001020006001020010db800000000000000000000000100090000"
	    "fde800027a7a",
	    " mandatory=alpn,port alpn=\"h2\" no-default-alpn port=443 "
	    "ipv4hint=192.0.2.1 ech=AAEC ipv6hint=2001:db8::1 key9 "
	    "key65000=\"zz\"" },
	{ "alpn=\"h3,h2\" ech=\"AAEC AwQF\"",
	    "0001000602683302683200050006000102030405",
	    " alpn=\"h3,h2\" ech=AAECAwQF" },
};

/* Wire data dns_svcb_check must refuse. */
static const char *const bad_wire[] = {
	"00",                           /* truncated key */
	"000100",                       /* truncated length */
	"000100030268",                 /* value past the end */
	"00030002003500010003026832",   /* port before alpn */
	"0001000302683200010003026833", /* alpn twice */
	"00000000",                     /* mandatory: empty */
	"0000000100",                   /* mandatory: odd length */
	"000000020000",                 /* mandatory: lists itself */
	"0000000400030001",             /* mandatory: not ascending */
	"0000000400010001",             /* mandatory: duplicate */
	"00010000",                     /* alpn: empty */
	"0001000100",                   /* alpn: empty id */
	"0001000402683200",             /* alpn: empty second id */
	"00010003036832",               /* alpn: id past the value */
	"0002000100",                   /* no-default-alpn: not empty */
	"0003000135",                   /* port: one byte */
	"00030003000035",               /* port: three bytes */
	"00040000",                     /* ipv4hint: empty */
	"00040003010203",               /* ipv4hint: 3 bytes */
	"000400050102030405",           /* ipv4hint: 5 bytes */
	"00060000",                     /* ipv6hint: empty */
	"0006000401020304",             /* ipv6hint: 4 bytes */
	"000600110000000000000000000000000000000001",  /* 17 bytes */
};

/* Text dns_svcb_from_text must refuse with DNS_ESYNTAX. */
static const char *const bad_text[] = {
	"alpn", "alpn=", "alpn=\"\"", "alpn=h2,", "alpn=,h2", "alpn=h2,,h3",
	"alpn=a\\\\", "alpn=h2\\", "key1=h2", "key1=\\002h", "port", "port=",
	"port=65536", "port=+53", "port=-1", "port=\\053\\051", "port = 1",
	"key3=443", "\"port=53\"", "alpn=h2 \"port=53\"", "key65000=a\"b\"",
	"key65000= \"x\"", "key65000=\"x\"y", "key65000=\"x\"\"y\"",
	"key65000\"x\"", "KEY3=1", "Port=1", "key00003=1", "key01=x",
	"key065000=x", "key00", "key 65000=x", "key-1=x", "key1x=h2", "k", "ke",
	"key65000=\"x\"port=1", "key65000=\"\"key65001", "alpn=\"h2\"\"h3\"",
	"key65536=1", "key=1", "key", "=x", "foo=1", "dohpath2=/", "mandatory",
	"mandatory=", "mandatory=mandatory", "mandatory=key0", "mandatory=alpn,",
	"mandatory=,alpn", "mandatory=port,port", "mandatory=port,alpn,port",
	"mandatory=alpn\\044port", "mandatory=\"alpn port\"", "mandatory=bogus",
	"key0", "key0=\\000\\000", "no-default-alpn=x", "key2=x", "ipv4hint",
	"ipv4hint=", "ipv4hint=1.2.3.4,", "ipv4hint=1.2.3.4,,1.2.3.5",
	"ipv4hint=::1", "ipv4hint=1.2.3", "ipv6hint=", "ipv6hint=1.2.3.4",
	"ipv6hint=::1,", "ipv6hint=1::2::3", "key4=\\001\\002\\003",
	"ech=AAEC===", "ech=AAECAw", "ech=AAE\\061", "ech=AR==",
	"ech=A===", "ech=AA==AA==", "ech=AA!C", "key6=\\000",
	"alpn=h2 alpn=h3", "key65000=a key65000=b", "port=1 key3=\\000\\002",
	"key65000=a key65001=b key65000=c", "key65000=\\", "key65000=\\25",
	"key65000=\\256", "key65000=\"unterminated",
};

static size_t
unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] != '\0' && h[1] != '\0'; h += 2) {
		unsigned hi = (unsigned)(h[0] <= '9' ? h[0] - '0' : h[0] - 'a' + 10);
		unsigned lo = (unsigned)(h[1] <= '9' ? h[1] - '0' : h[1] - 'a' + 10);

		out[n++] = (uint8_t)(hi << 4 | lo);
	}
	return n;
}

static const char *
totext(const uint8_t *p, size_t n)
{
	static char buf[2048];
	struct dns_tb t;

	dns_tb_init(&t, buf, sizeof buf);
	dns_svcb_to_text(&t, p, n);
	dns_tb_end(&t);
	return buf;
}

/* Parse a copy of s in a heap block of its exact size (no NUL), so that
 * ASan sees any read past the end of the text. */
static int
fromtext(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s);
	char *copy = malloc(n > 0 ? n : 1);
	struct dns_tok k = { copy, n, 0 };
	int r;

	if (copy == NULL)
		return DNS_ESPACE;
	memcpy(copy, s, n);
	r = dns_svcb_from_text(&k, out, cap);
	free(copy);
	return r;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

UNIT_TEST(svcb_totext_matches_dig)
{
	uint8_t wire[512];
	size_t i, n;

	for (i = 0; i < NELEM(printed); i++) {
		n = unhex(printed[i].hex, wire);
		CHECK_INT(dns_svcb_check(wire, n), 0);
		CHECK_STR(totext(wire, n), printed[i].text);
	}
}

UNIT_TEST(svcb_fromtext_reads_dig_output)
{
	uint8_t wire[512], got[512];
	size_t i, n;

	for (i = 0; i < NELEM(printed); i++) {
		n = unhex(printed[i].hex, wire);
		CHECK_INT(fromtext(printed[i].text, got, sizeof got), n);
		CHECK_MEM(got, wire, n);
	}
}

UNIT_TEST(svcb_fromtext_matches_named)
{
	uint8_t wire[512], got[512];
	size_t i, n;
	int r;

	for (i = 0; i < NELEM(parsed); i++) {
		n = unhex(parsed[i].hex, wire);
		r = fromtext(parsed[i].in, got, sizeof got);
		CHECK_INT(r, n);
		CHECK_MEM(got, wire, n);
		CHECK_STR(totext(got, r > 0 ? (size_t)r : 0), parsed[i].text);
	}
}

UNIT_TEST(svcb_check_rejects_malformed)
{
	uint8_t wire[64];
	size_t i, n;

	for (i = 0; i < NELEM(bad_wire); i++) {
		n = unhex(bad_wire[i], wire);
		if (dns_svcb_check(wire, n) != DNS_ERDATA)
			CHECK_STR(bad_wire[i], "(rejected)");
	}
}

UNIT_TEST(svcb_check_accepts_edges)
{
	uint8_t wire[64] = { 0 };
	size_t n;

	CHECK_INT(dns_svcb_check(wire, 0), 0);
	n = unhex("00070000", wire); /* dohpath may be empty */
	CHECK_INT(dns_svcb_check(wire, n), 0);
	CHECK_STR(totext(wire, n), " key7");
	n = unhex("0007000200ff", wire); /* and hold any bytes */
	CHECK_INT(dns_svcb_check(wire, n), 0);
	CHECK_STR(totext(wire, n), " key7=\"\\000\\255\"");
	n = unhex("0000000200010001000201", wire);
	CHECK_INT(dns_svcb_check(wire, n), DNS_ERDATA); /* id overruns */
	n = unhex("00000002ffff", wire); /* mandatory key need not exist */
	CHECK_INT(dns_svcb_check(wire, n), 0);
	CHECK_STR(totext(wire, n), " mandatory=key65535");
	n = unhex("000000020001000100020178", wire);
	CHECK_INT(dns_svcb_check(wire, n), 0);
	CHECK_STR(totext(wire, n), " mandatory=alpn alpn=\"x\"");
}

UNIT_TEST(svcb_fromtext_rejects_bad_text)
{
	uint8_t got[512];
	size_t i;

	for (i = 0; i < NELEM(bad_text); i++)
		if (fromtext(bad_text[i], got, sizeof got) != DNS_ESYNTAX)
			CHECK_STR(bad_text[i], "(rejected)");
}

UNIT_TEST(svcb_fromtext_empty_and_dohpath)
{
	uint8_t got[64];

	CHECK_INT(fromtext("", got, sizeof got), 0);
	CHECK_INT(fromtext("  ; nothing", got, sizeof got), 0);
	/* Per RFC 9460 dohpath is free-form here (named also wants {?dns}). */
	CHECK_INT(fromtext("dohpath=/q", got, sizeof got), 6);
	CHECK_MEM(got, "\x00\x07\x00\x02/q", 6);
	CHECK_INT(fromtext("key7", got, sizeof got), 4);
	CHECK_MEM(got, "\x00\x07\x00\x00", 4);
	CHECK_INT(fromtext("no-default-alpn=\"\"", got, sizeof got), 4);
	CHECK_MEM(got, "\x00\x02\x00\x00", 4);
}

UNIT_TEST(svcb_fromtext_reports_space)
{
	uint8_t wire[512], got[512];
	size_t i, n, cap;

	for (i = 0; i < NELEM(printed); i++) {
		n = unhex(printed[i].hex, wire);
		for (cap = 0; cap < n; cap++)
			CHECK_INT(fromtext(printed[i].text, got, cap), DNS_ESPACE);
		CHECK_INT(fromtext(printed[i].text, got, n), n);
	}
}

UNIT_TEST(svcb_totext_counts_when_short)
{
	uint8_t wire[512];
	char buf[2048];
	struct dns_tb t;
	size_t i, n, cap, want;

	for (i = 0; i < NELEM(printed); i++) {
		n = unhex(printed[i].hex, wire);
		want = strlen(printed[i].text);
		for (cap = 0; cap <= want + 1; cap += 7) {
			dns_tb_init(&t, buf, cap);
			dns_svcb_to_text(&t, wire, n);
			CHECK_INT(dns_tb_end(&t), want);
			if (cap > 0)
				CHECK(strncmp(buf, printed[i].text, cap - 1) == 0 &&
				    strlen(buf) == (cap - 1 < want ? cap - 1 : want));
		}
	}
}
