/*
 * stub.h — the protocol half of a stub resolver (address lookups).
 *
 * Pure functions, no sockets: read resolv.conf text, build an A or AAAA
 * query (RD, EDNS0 with a 1232-byte buffer, the name in 0x20 mixed case),
 * and judge an answer to it.  agent/resolve owns the sockets, timers,
 * retries and the cache.
 *
 * Judging an answer (stub_check), in this order:
 *   - it must be a response (QR, opcode QUERY) with the query's ID and
 *     exactly its question: same type, class IN, and the name byte for
 *     byte (case included, so a 0x20 name must be echoed exactly) —
 *     anything else is STUB_IGNORE (not ours: keep waiting), except a
 *     question that differs only in case (STUB_CASE) and an error RCODE
 *     without a question section (STUB_FAIL);
 *   - TC=1 is STUB_TRUNCATED whatever else it carries;
 *   - NXDOMAIN, NOERROR: the answer section is walked from the query name
 *     along CNAMEs (at most STUB_CHAIN_MAX, loops detected) and only the
 *     RRs of that chain count: addresses of the query type owned by the
 *     last name, CNAMEs owned by a name of the chain.  Every other RR of
 *     any section (unrelated names, other types or classes, additional
 *     data, out-of-bailiwick junk) is ignored; the authority section is
 *     read only for an SOA that encloses the last name (the RFC 2308
 *     negative TTL) and for NS (a referral: the server does not recurse);
 *   - any other RCODE, a malformed message, a referral: STUB_FAIL.
 */
#ifndef XFRSYNC_NET_STUB_H
#define XFRSYNC_NET_STUB_H

#include <stddef.h>
#include <stdint.h>

#include "net/name.h"

/* ---- resolv.conf ------------------------------------------------------ */
#define STUB_NS_MAX 3            /* glibc's MAXNS */
#define STUB_TIMEOUT_DEFAULT 5   /* seconds (glibc RES_TIMEOUT) */
#define STUB_TIMEOUT_MAX 30      /* glibc RES_MAXRETRANS */
#define STUB_ATTEMPTS_DEFAULT 2  /* glibc RES_DFLRETRY */
#define STUB_ATTEMPTS_MAX 5      /* glibc RES_MAXRETRY */
#define STUB_EDNS_SIZE 1232      /* DNS flag day 2020 */

struct stub_ns {
	uint8_t family;          /* 4 or 6 */
	uint8_t addr[16];        /* 4 or 16 bytes used */
	char scope[16];          /* IPv6 zone after '%' ("eth0", "2"), or "" */
};

struct stub_conf {
	struct stub_ns ns[STUB_NS_MAX];
	unsigned n;              /* nameservers read (0: none) */
	unsigned timeout;        /* seconds per try, 1..STUB_TIMEOUT_MAX */
	unsigned attempts;       /* rounds, 1..STUB_ATTEMPTS_MAX */
	unsigned skipped;        /* nameserver lines ignored (bad, or > 3) */
};

/*
 * Read resolv.conf text as glibc does, for what a resolver of absolute
 * names needs: "nameserver ADDR" (IPv4, or IPv6 with an optional %zone;
 * the first three valid ones), "options timeout:N attempts:N" (clamped
 * like glibc; other options ignored).  search, domain, sortlist and
 * unknown keywords are ignored; '#' or ';' starts a comment line.  Never
 * fails: c gets the defaults and whatever was understood.
 */
void stub_conf_parse(struct stub_conf *c, const char *text, size_t len);

/* ---- queries ---------------------------------------------------------- */
/*
 * Mixed-case ("0x20") form of name in place: each ASCII letter of its
 * labels becomes upper case when its bit in rnd (one bit per byte of the
 * name, LSB first; rnd holds at least (DNS_NAME_MAX + 7) / 8 bytes) is
 * set, lower case otherwise.  Length octets are left alone.
 */
void stub_mix_case(uint8_t *name, const uint8_t *rnd);

/*
 * A recursive query for qname/qtype (class IN) with id, RD=1 and an EDNS0
 * OPT advertising STUB_EDNS_SIZE, in buf[0..cap).  Returns its length or
 * a negative DNS_E*.
 */
int stub_query(uint8_t *buf, size_t cap, uint16_t id, const uint8_t *qname,
    uint16_t qtype);

/* ---- answers ---------------------------------------------------------- */
#define STUB_ADDR_MAX 8          /* addresses kept per type */
#define STUB_CHAIN_MAX 8         /* CNAMEs followed */

enum stub_verdict {
	STUB_IGNORE = 0,   /* not an answer to this query: keep waiting */
	STUB_ANSWER,       /* addresses: a->n > 0 */
	STUB_NODATA,       /* the name exists but has no RR of the type */
	STUB_NXDOMAIN,     /* the name (or its CNAME target) does not exist */
	STUB_TRUNCATED,    /* TC=1: ask again over TCP */
	STUB_CASE,         /* ours but for the name's case: 0x20 not kept */
	STUB_FAIL,         /* this server cannot answer now: try another */
	STUB_LOOP          /* CNAME loop or chain too long (the data's fault) */
};

/* What was asked; exact_case: 1 when qname went out in 0x20 mixed case. */
struct stub_q {
	uint16_t id;
	uint16_t qtype;          /* DNS_T_A or DNS_T_AAAA */
	const uint8_t *qname;
	int exact_case;
};

struct stub_answer {
	unsigned n;              /* addresses kept, in order, no repeats */
	uint8_t addr[STUB_ADDR_MAX][16];   /* 4 (A) or 16 (AAAA) bytes each */
	unsigned total;          /* addresses in the answer (may exceed n) */
	uint32_t ttl;            /* STUB_ANSWER: least TTL of the chain and
	                            addresses; NODATA/NXDOMAIN: RFC 2308's
	                            min(SOA TTL, SOA MINIMUM), 0 without SOA */
	int has_soa;             /* negative answer carried an enclosing SOA */
	unsigned chain;          /* CNAMEs followed */
	uint8_t target[DNS_NAME_MAX];      /* last name of the chain */
	int rcode;               /* the answer's RCODE (-1 before it is read) */
	int ignored;             /* RRs not taken into account */
	const char *why;         /* IGNORE, CASE, FAIL, LOOP: a static phrase */
};

/* Judge the answer msg[0..len) to q; see the top of this file. */
enum stub_verdict stub_check(const uint8_t *msg, size_t len,
    const struct stub_q *q, struct stub_answer *a);

/* "answer", "NXDOMAIN", … for logs. */
const char *stub_verdict_name(enum stub_verdict v);

#endif
