/* stub.c — resolv.conf, address queries and the checks of their answers. */
#include <string.h>

#include "net/err.h"
#include "net/msg.h"
#include "net/rrtype.h"
#include "net/stub.h"
#include "net/text.h"

/* ---- resolv.conf ------------------------------------------------------ */

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The keyword at line[0..n) followed by a blank (glibc's MATCH). */
static int
keyword(const char *line, size_t n, const char *kw)
{
	size_t k = strlen(kw);

	return n > k && memcmp(line, kw, k) == 0 && blank(line[k]);
}

static unsigned
number(const char *s, size_t n, unsigned max)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		if ((v = v * 10 + (unsigned long)(s[i] - '0')) > max)
			v = max;
	return (unsigned)v;
}

static void
nameserver(struct stub_conf *c, const char *s, size_t n)
{
	struct stub_ns ns;
	size_t i = 0, end, pct;

	while (i < n && blank(s[i]))
		i++;
	/* glibc cuts the address at a blank, ';' or '#'. */
	for (end = i; end < n && !blank(s[end]) && s[end] != ';' &&
	    s[end] != '#'; end++)
		;
	memset(&ns, 0, sizeof ns);
	if (dns_parse_ipv4(s + i, end - i, ns.addr) == 0)
		ns.family = 4;
	else {
		for (pct = i; pct < end && s[pct] != '%'; pct++)
			;
		if (dns_parse_ipv6(s + i, pct - i, ns.addr) != 0 ||
		    (pct < end && (end - pct - 1 == 0 ||
		    end - pct - 1 >= sizeof ns.scope))) {
			c->skipped++;
			return;
		}
		if (pct < end)
			memcpy(ns.scope, s + pct + 1, end - pct - 1);
		ns.family = 6;
	}
	if (c->n == STUB_NS_MAX) {
		c->skipped++;
		return;
	}
	c->ns[c->n++] = ns;
}

static void
options(struct stub_conf *c, const char *s, size_t n)
{
	size_t i = 0, t;

	for (;;) {
		while (i < n && blank(s[i]))
			i++;
		if (i == n)
			return;
		for (t = i; t < n && !blank(s[t]); t++)
			;
		if (t - i > 8 && memcmp(s + i, "timeout:", 8) == 0) {
			c->timeout = number(s + i + 8, t - i - 8,
			    STUB_TIMEOUT_MAX);
			if (c->timeout == 0)
				c->timeout = 1;
		} else if (t - i > 9 && memcmp(s + i, "attempts:", 9) == 0) {
			c->attempts = number(s + i + 9, t - i - 9,
			    STUB_ATTEMPTS_MAX);
			if (c->attempts == 0)
				c->attempts = 1;
		}
		i = t;
	}
}

void
stub_conf_parse(struct stub_conf *c, const char *text, size_t len)
{
	size_t i = 0;

	memset(c, 0, sizeof *c);
	c->timeout = STUB_TIMEOUT_DEFAULT;
	c->attempts = STUB_ATTEMPTS_DEFAULT;
	while (i < len) {
		const char *line = text + i;
		size_t n = 0;

		while (i + n < len && text[i + n] != '\n')
			n++;
		i += n + 1;
		if (n == 0 || line[0] == '#' || line[0] == ';')
			continue;
		if (keyword(line, n, "nameserver"))
			nameserver(c, line + 10, n - 10);
		else if (keyword(line, n, "options"))
			options(c, line + 7, n - 7);
	}
}

/* ---- queries ---------------------------------------------------------- */

void
stub_mix_case(uint8_t *name, const uint8_t *rnd)
{
	size_t i = 0, k;

	while (i < DNS_NAME_MAX && name[i] != 0) {
		size_t len = name[i++];

		for (k = 0; k < len && i < DNS_NAME_MAX; k++, i++) {
			uint8_t c = name[i];

			if (c >= 'a' && c <= 'z')
				c = (uint8_t)(c - 'a' + 'A');
			if (c >= 'A' && c <= 'Z' &&
			    !(rnd[i / 8] >> (i % 8) & 1))
				c = (uint8_t)(c - 'A' + 'a');
			name[i] = c;
		}
	}
}

int
stub_query(uint8_t *buf, size_t cap, uint16_t id, const uint8_t *qname,
    uint16_t qtype)
{
	struct dns_mb b;

	dns_mb_init(&b, buf, cap, id, DNS_F_RD);
	dns_mb_question(&b, qname, qtype, DNS_C_IN);
	dns_mb_opt(&b, STUB_EDNS_SIZE, 0);
	return dns_mb_end(&b);
}

/* ---- answers ---------------------------------------------------------- */

/* RDATA of any RR of an answer (a junk TXT may fill 64 KiB). */
static uint8_t rdbuf[DNS_RDATA_MAX];

static enum stub_verdict
why(struct stub_answer *a, enum stub_verdict v, const char *s)
{
	a->why = s;
	return v;
}

static const char *
rcode_why(int rcode)
{
	switch (rcode) {
	case DNS_R_FORMERR: return "FORMERR";
	case DNS_R_SERVFAIL: return "SERVFAIL";
	case DNS_R_NOTIMP: return "NOTIMP";
	case DNS_R_REFUSED: return "REFUSED";
	default: return "error RCODE";
	}
}

/* RFC 2181 §8: a TTL with the top bit set counts as zero. */
static uint32_t
ttl_of(uint32_t ttl)
{
	return ttl > 0x7fffffffu ? 0 : ttl;
}

/* Header and question: 0 when they are the query's, else the verdict. */
static enum stub_verdict
check_head(struct dns_msg *m, const uint8_t *msg, size_t len,
    const struct stub_q *q, struct stub_answer *a)
{
	uint8_t qn[DNS_NAME_MAX];
	uint16_t qt, qc;
	int rcode;

	if (dns_msg_init(m, msg, len) != 0)
		return why(a, STUB_IGNORE, "malformed header");
	if (m->hdr.id != q->id)
		return why(a, STUB_IGNORE, "wrong ID");
	if (!(m->hdr.flags & DNS_F_QR) ||
	    DNS_OPCODE(m->hdr.flags) != DNS_OP_QUERY)
		return why(a, STUB_IGNORE, "not a response to a query");
	rcode = DNS_RCODE(m->hdr.flags);
	if (m->hdr.count[DNS_S_QD] == 0 && rcode != DNS_R_NOERROR &&
	    rcode != DNS_R_NXDOMAIN) {
		a->rcode = rcode;   /* FORMERR and the like may drop it */
		return why(a, STUB_FAIL, rcode_why(rcode));
	}
	if (m->hdr.count[DNS_S_QD] != 1)
		return why(a, STUB_IGNORE, "not exactly one question");
	if (dns_msg_question(m, qn, &qt, &qc) != 1)
		return why(a, STUB_IGNORE, "malformed question");
	if (qt != q->qtype || qc != DNS_C_IN || !dns_name_eq(qn, q->qname))
		return why(a, STUB_IGNORE, "question differs from the query's");
	if (q->exact_case && memcmp(qn, q->qname, dns_name_len(qn)) != 0)
		return why(a, STUB_CASE, "question's case differs from the "
		    "query's (0x20 not echoed)");
	a->rcode = rcode;
	if (m->hdr.flags & DNS_F_TC)
		return why(a, STUB_TRUNCATED, "truncated");
	if (rcode != DNS_R_NOERROR && rcode != DNS_R_NXDOMAIN)
		return why(a, STUB_FAIL, rcode_why(rcode));
	return STUB_IGNORE; /* = go on */
}

/*
 * The CNAME owned by name in the answer section: copies its target to
 * next and returns 1 (the first one if there are several), 0 if none, or
 * a negative DNS_E* for a malformed message.
 */
static int
find_cname(const uint8_t *msg, size_t len, const uint8_t *name,
    uint8_t *next, uint32_t *ttl)
{
	struct dns_msg m;
	struct dns_rr rr;
	int rc;

	if ((rc = dns_msg_init(&m, msg, len)) != 0)
		return rc;
	while ((rc = dns_msg_rr(&m, &rr, rdbuf, sizeof rdbuf)) == 1)
		if (rr.section == DNS_S_AN && rr.type == DNS_T_CNAME &&
		    rr.cls == DNS_C_IN && dns_name_eq(rr.owner, name)) {
			memcpy(next, rr.rdata, dns_name_len(rr.rdata));
			*ttl = ttl_of(rr.ttl);
			return 1;
		}
	return rc;
}

static void
add_addr(struct stub_answer *a, const uint8_t *p, size_t n)
{
	unsigned i;

	for (i = 0; i < a->n; i++)
		if (memcmp(a->addr[i], p, n) == 0)
			return;
	a->total++;
	if (a->n < STUB_ADDR_MAX)
		memcpy(a->addr[a->n++], p, n);
}

enum stub_verdict
stub_check(const uint8_t *msg, size_t len, const struct stub_q *q,
    struct stub_answer *a)
{
	uint8_t chain[STUB_CHAIN_MAX + 1][DNS_NAME_MAX];
	struct dns_msg m;
	struct dns_rr rr;
	enum stub_verdict v;
	uint32_t ttl = 0x7fffffffu, t = 0;
	size_t alen = q->qtype == DNS_T_A ? 4 : 16;
	unsigned i;
	int rc, on_chain, referral = 0;

	memset(a, 0, sizeof *a);
	a->rcode = -1;
	if ((v = check_head(&m, msg, len, q, a)) != STUB_IGNORE || a->why)
		return v;

	/* Walk the CNAME chain from the query name. */
	memcpy(chain[0], q->qname, dns_name_len(q->qname));
	for (;;) {
		uint8_t next[DNS_NAME_MAX];

		rc = find_cname(msg, len, chain[a->chain], next, &t);
		if (rc < 0)
			return why(a, STUB_FAIL, "malformed answer");
		if (rc == 0)
			break;
		for (i = 0; i <= a->chain; i++)
			if (dns_name_eq(chain[i], next))
				return why(a, STUB_LOOP, "CNAME loop");
		if (a->chain == STUB_CHAIN_MAX)
			return why(a, STUB_LOOP, "CNAME chain too long");
		memcpy(chain[++a->chain], next, dns_name_len(next));
		if (t < ttl)
			ttl = t;
	}
	memcpy(a->target, chain[a->chain], dns_name_len(chain[a->chain]));

	/* Addresses of the last name; the SOA or NS of the authority. */
	dns_msg_init(&m, msg, len);
	while ((rc = dns_msg_rr(&m, &rr, rdbuf, sizeof rdbuf)) == 1) {
		if (rr.section == DNS_S_AN && rr.cls == DNS_C_IN &&
		    rr.type == q->qtype && rr.rdlen == alen &&
		    dns_name_eq(rr.owner, a->target)) {
			add_addr(a, rr.rdata, alen);
			if (ttl_of(rr.ttl) < ttl)
				ttl = ttl_of(rr.ttl);
			continue;
		}
		if (rr.section == DNS_S_AN && rr.cls == DNS_C_IN &&
		    rr.type == DNS_T_CNAME) {
			for (on_chain = 0, i = 0; i < a->chain; i++)
				on_chain |= dns_name_eq(rr.owner, chain[i]);
			if (on_chain)
				continue;
		}
		if (rr.section == DNS_S_NS && rr.cls == DNS_C_IN &&
		    rr.type == DNS_T_SOA && !a->has_soa &&
		    dns_name_is_sub(a->target, rr.owner)) {
			uint32_t min = dns_get32(rr.rdata + rr.rdlen - 4);

			a->has_soa = 1;
			a->ttl = ttl_of(rr.ttl < min ? rr.ttl : min);
			continue;
		}
		if (rr.section == DNS_S_NS && rr.cls == DNS_C_IN &&
		    rr.type == DNS_T_NS) {
			referral = 1;
			continue;
		}
		if (rr.type == DNS_T_OPT)
			continue;
		a->ignored++;
	}
	if (rc < 0)
		return why(a, STUB_FAIL, "malformed answer");
	if (a->rcode == DNS_R_NXDOMAIN) {
		a->n = 0;
		if (!a->has_soa)
			a->ttl = 0;
		return STUB_NXDOMAIN;
	}
	if (a->n > 0) {
		a->ttl = ttl;
		return STUB_ANSWER;
	}
	if (a->has_soa)
		return STUB_NODATA;
	if (referral)
		return why(a, STUB_FAIL, "referral (the server does not "
		    "recurse)");
	a->ttl = 0;
	return STUB_NODATA;
}

const char *
stub_verdict_name(enum stub_verdict v)
{
	switch (v) {
	case STUB_IGNORE: return "ignored";
	case STUB_ANSWER: return "answer";
	case STUB_NODATA: return "no data";
	case STUB_NXDOMAIN: return "NXDOMAIN";
	case STUB_TRUNCATED: return "truncated";
	case STUB_CASE: return "case differs";
	case STUB_FAIL: return "failure";
	case STUB_LOOP: return "CNAME loop";
	}
	return "?";
}
