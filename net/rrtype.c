/* rrtype.c — RR type and class mnemonics (the IANA registry's common part). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "net/err.h"
#include "net/rrtype.h"

struct mnem {
	uint16_t v;
	const char *s;
};

static const struct mnem types[] = {
	{ 1, "A" }, { 2, "NS" }, { 3, "MD" }, { 4, "MF" }, { 5, "CNAME" },
	{ 6, "SOA" }, { 7, "MB" }, { 8, "MG" }, { 9, "MR" }, { 10, "NULL" },
	{ 11, "WKS" }, { 12, "PTR" }, { 13, "HINFO" }, { 14, "MINFO" },
	{ 15, "MX" }, { 16, "TXT" }, { 17, "RP" }, { 18, "AFSDB" },
	{ 19, "X25" }, { 20, "ISDN" }, { 21, "RT" }, { 22, "NSAP" },
	{ 23, "NSAP-PTR" }, { 24, "SIG" }, { 25, "KEY" }, { 26, "PX" },
	{ 27, "GPOS" }, { 28, "AAAA" }, { 29, "LOC" }, { 30, "NXT" },
	{ 33, "SRV" }, { 35, "NAPTR" }, { 36, "KX" }, { 37, "CERT" },
	{ 38, "A6" }, { 39, "DNAME" }, { 41, "OPT" }, { 42, "APL" },
	{ 43, "DS" }, { 44, "SSHFP" }, { 45, "IPSECKEY" }, { 46, "RRSIG" },
	{ 47, "NSEC" }, { 48, "DNSKEY" }, { 49, "DHCID" }, { 50, "NSEC3" },
	{ 51, "NSEC3PARAM" }, { 52, "TLSA" }, { 53, "SMIMEA" }, { 55, "HIP" },
	{ 59, "CDS" }, { 60, "CDNSKEY" }, { 61, "OPENPGPKEY" },
	{ 62, "CSYNC" }, { 63, "ZONEMD" }, { 64, "SVCB" }, { 65, "HTTPS" },
	{ 99, "SPF" }, { 104, "NID" }, { 105, "L32" }, { 106, "L64" },
	{ 107, "LP" }, { 108, "EUI48" }, { 109, "EUI64" }, { 249, "TKEY" },
	{ 250, "TSIG" }, { 251, "IXFR" }, { 252, "AXFR" }, { 253, "MAILB" },
	{ 254, "MAILA" }, { 255, "ANY" }, { 256, "URI" }, { 257, "CAA" },
	{ 258, "AVC" }, { 259, "DOA" }, { 260, "AMTRELAY" }, { 32768, "TA" },
	{ 32769, "DLV" },
};

static const struct mnem classes[] = {
	{ 1, "IN" }, { 3, "CH" }, { 4, "HS" }, { 254, "NONE" }, { 255, "ANY" },
};

int
dns_type_is_meta(uint16_t type)
{
	return type == DNS_T_OPT || (type >= 128 && type <= 255);
}

static size_t
to_text(const struct mnem *t, size_t nt, const char *pfx, uint16_t v,
    char *buf, size_t cap)
{
	size_t i;

	for (i = 0; i < nt; i++)
		if (t[i].v == v)
			return (size_t)snprintf(buf, cap, "%s", t[i].s);
	return (size_t)snprintf(buf, cap, "%s%u", pfx, (unsigned)v);
}

static int
from_text(const struct mnem *t, size_t nt, const char *pfx, const char *s,
    size_t n, uint16_t *v)
{
	size_t i, pl = strlen(pfx);
	unsigned long x = 0;

	for (i = 0; i < nt; i++)
		if (strlen(t[i].s) == n && strncasecmp(t[i].s, s, n) == 0) {
			*v = t[i].v;
			return 0;
		}
	if (n <= pl || n > pl + 5 || strncasecmp(s, pfx, pl) != 0)
		return DNS_ENOTYPE;
	for (i = pl; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return DNS_ENOTYPE;
		x = x * 10 + (unsigned long)(s[i] - '0');
	}
	if (x > 65535)
		return DNS_ENOTYPE;
	*v = (uint16_t)x;
	return 0;
}

size_t
dns_type_to_text(uint16_t type, char *buf, size_t cap)
{
	return to_text(types, sizeof types / sizeof types[0], "TYPE", type,
	    buf, cap);
}

int
dns_type_from_text(const char *s, size_t n, uint16_t *type)
{
	return from_text(types, sizeof types / sizeof types[0], "TYPE", s, n,
	    type);
}

size_t
dns_class_to_text(uint16_t cls, char *buf, size_t cap)
{
	return to_text(classes, sizeof classes / sizeof classes[0], "CLASS",
	    cls, buf, cap);
}

int
dns_class_from_text(const char *s, size_t n, uint16_t *cls)
{
	return from_text(classes, sizeof classes / sizeof classes[0], "CLASS",
	    s, n, cls);
}

static const struct mnem rcodes[] = {
	{ 0, "NOERROR" }, { 1, "FORMERR" }, { 2, "SERVFAIL" },
	{ 3, "NXDOMAIN" }, { 4, "NOTIMP" }, { 5, "REFUSED" },
	{ 6, "YXDOMAIN" }, { 7, "YXRRSET" }, { 8, "NXRRSET" },
	{ 9, "NOTAUTH" }, { 10, "NOTZONE" }, { 16, "BADSIG" },
	{ 17, "BADKEY" }, { 18, "BADTIME" }, { 19, "BADMODE" },
	{ 20, "BADNAME" }, { 21, "BADALG" }, { 22, "BADTRUNC" },
	{ 23, "BADCOOKIE" },
};

static const struct mnem opcodes[] = {
	{ 0, "QUERY" }, { 1, "IQUERY" }, { 2, "STATUS" }, { 4, "NOTIFY" },
	{ 5, "UPDATE" },
};

size_t
dns_rcode_to_text(unsigned rcode, char *buf, size_t cap)
{
	return to_text(rcodes, sizeof rcodes / sizeof rcodes[0], "RCODE",
	    (uint16_t)rcode, buf, cap);
}

size_t
dns_opcode_to_text(unsigned opcode, char *buf, size_t cap)
{
	return to_text(opcodes, sizeof opcodes / sizeof opcodes[0], "OPCODE",
	    (uint16_t)opcode, buf, cap);
}
