/*
 * rrtype.h — RR type and class numbers and their mnemonics.
 */
#ifndef XFRSYNC_NET_RRTYPE_H
#define XFRSYNC_NET_RRTYPE_H

#include <stddef.h>
#include <stdint.h>

enum dns_type {
	DNS_T_A = 1, DNS_T_NS = 2, DNS_T_MD = 3, DNS_T_MF = 4, DNS_T_CNAME = 5,
	DNS_T_SOA = 6, DNS_T_MB = 7, DNS_T_MG = 8, DNS_T_MR = 9,
	DNS_T_NULL = 10, DNS_T_PTR = 12, DNS_T_MINFO = 14, DNS_T_MX = 15,
	DNS_T_TXT = 16, DNS_T_RP = 17, DNS_T_AFSDB = 18, DNS_T_RT = 21,
	DNS_T_SIG = 24, DNS_T_PX = 26, DNS_T_AAAA = 28, DNS_T_NXT = 30,
	DNS_T_SRV = 33, DNS_T_NAPTR = 35, DNS_T_DNAME = 39, DNS_T_OPT = 41,
	DNS_T_DS = 43, DNS_T_SSHFP = 44, DNS_T_RRSIG = 46, DNS_T_NSEC = 47,
	DNS_T_DNSKEY = 48, DNS_T_NSEC3 = 50, DNS_T_NSEC3PARAM = 51,
	DNS_T_TLSA = 52, DNS_T_CDS = 59, DNS_T_CDNSKEY = 60, DNS_T_SVCB = 64,
	DNS_T_HTTPS = 65, DNS_T_SPF = 99, DNS_T_TKEY = 249, DNS_T_TSIG = 250,
	DNS_T_IXFR = 251, DNS_T_AXFR = 252, DNS_T_MAILB = 253,
	DNS_T_MAILA = 254, DNS_T_ANY = 255, DNS_T_CAA = 257
};

enum dns_class {
	DNS_C_IN = 1, DNS_C_CH = 3, DNS_C_HS = 4, DNS_C_NONE = 254,
	DNS_C_ANY = 255
};

/* 1 for query-only and pseudo types (OPT, TKEY, TSIG, IXFR, AXFR, ANY…). */
int dns_type_is_meta(uint16_t type);

/* Mnemonic ("A", "DNSKEY"), or "TYPEnnn".  snprintf-style. */
size_t dns_type_to_text(uint16_t type, char *buf, size_t cap);
/* Mnemonic (any case) or TYPEnnn; 0 or DNS_ENOTYPE. */
int dns_type_from_text(const char *s, size_t n, uint16_t *type);

/* "IN", "CH", "HS", "NONE", "ANY" or "CLASSnnn".  snprintf-style. */
size_t dns_class_to_text(uint16_t cls, char *buf, size_t cap);
int dns_class_from_text(const char *s, size_t n, uint16_t *cls);

/* RCODE mnemonic ("NOERROR", "BADSIG" for 16 as in TSIG), or "RCODEnnn". */
size_t dns_rcode_to_text(unsigned rcode, char *buf, size_t cap);
/* Opcode mnemonic ("QUERY", "NOTIFY"…) or "OPCODEnn". */
size_t dns_opcode_to_text(unsigned opcode, char *buf, size_t cap);

#endif
