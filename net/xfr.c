/* xfr.c — the AXFR/IXFR client state machine (RFC 1995, RFC 5936). */
#include <stdio.h>
#include <string.h>

#include "net/err.h"
#include "net/rrtype.h"
#include "net/serial.h"
#include "net/xfr.h"
#include "xfrsync_config.h"

enum {
	ST_START,       /* expecting the opening SOA */
	ST_IXFR_FIRST,  /* IXFR: opening SOA seen, form not known yet */
	ST_AXFR,        /* inside a full zone */
	ST_DEL,         /* inside the deletions of a diff */
	ST_ADD,         /* inside the additions of a diff */
	ST_DONE,
	ST_FAILED
};

void
xfr_init(struct xfr_ctx *c, const uint8_t *zone, uint16_t qtype,
    uint32_t serial, uint16_t id, struct tsig_ctx *tsig, xfr_rr_fn fn,
    void *fn_ctx)
{
	memset(c, 0, offsetof(struct xfr_ctx, rd));
	memcpy(c->zone, zone, dns_name_len(zone));
	c->qtype = qtype;
	c->serial = serial;
	c->id = id;
	c->tsig = tsig;
	c->fn = fn;
	c->fn_ctx = fn_ctx;
	c->state = ST_START;
}

int
xfr_query(struct xfr_ctx *c, uint8_t *buf, size_t cap, uint64_t now)
{
	uint8_t soa[2 + 20] = { 0 };
	struct dns_mb b;
	size_t len;
	int n;

	dns_mb_init(&b, buf, cap, c->id, 0);
	dns_mb_question(&b, c->zone, c->qtype, DNS_C_IN);
	if (c->qtype == DNS_T_IXFR) {
		/* RFC 1995 §3: our version as an SOA; only its serial matters. */
		soa[2] = (uint8_t)(c->serial >> 24);
		soa[3] = (uint8_t)(c->serial >> 16);
		soa[4] = (uint8_t)(c->serial >> 8);
		soa[5] = (uint8_t)c->serial;
		dns_mb_rr(&b, DNS_S_NS, c->zone, DNS_T_SOA, DNS_C_IN, 0, soa,
		    sizeof soa);
	}
	if ((n = dns_mb_end(&b)) < 0)
		return n;
	len = (size_t)n;
	if (CFG_TSIG && c->tsig != NULL &&
	    (n = tsig_sign(c->tsig, buf, &len, cap, now, 0)) != 0)
		return n;
	return (int)len;
}

/* Latch the first error; every later feed fails. */
static int
fail(struct xfr_ctx *c, int err, const char *why, size_t off, int fallback)
{
	if (c->err == 0) {
		c->err = err;
		c->why = why;
		c->err_off = off;
		c->fallback = fallback;
	}
	c->state = ST_FAILED;
	return c->err;
}

static uint32_t
soa_serial(const struct dns_rr *rr)
{
	const uint8_t *p = rr->rdata;

	p += dns_name_len(p);
	p += dns_name_len(p);
	return dns_get32(p);
}

static int
same_soa(const struct xfr_ctx *c, const struct dns_rr *rr)
{
	return rr->rdlen == c->soa_len &&
	    memcmp(rr->rdata, c->soa_rdata, c->soa_len) == 0;
}

static int
emit(struct xfr_ctx *c, enum xfr_op op, const struct dns_rr *rr)
{
	int rc = c->fn ? c->fn(c->fn_ctx, op, rr) : 0;

	return rc < 0 ? fail(c, rc, "the new zone was refused", rr->off, 0) : 0;
}

/* The opening SOA, saved while the form of an IXFR answer is unknown. */
static void
opening(const struct xfr_ctx *c, struct dns_rr *rr)
{
	memset(rr, 0, sizeof *rr);
	memcpy(rr->owner, c->soa_owner, dns_name_len(c->soa_owner));
	rr->type = DNS_T_SOA;
	rr->cls = DNS_C_IN;
	rr->ttl = c->soa_ttl;
	rr->rdata = (uint8_t *)(uintptr_t)c->soa_rdata;
	rr->rdlen = c->soa_len;
}

static int
start(struct xfr_ctx *c, const struct dns_rr *rr)
{
	if (rr->type != DNS_T_SOA)
		return fail(c, DNS_EXFR, "first RR is not the zone's SOA",
		    rr->off, c->qtype == DNS_T_IXFR);
	memcpy(c->soa_owner, rr->owner, dns_name_len(rr->owner));
	memcpy(c->soa_rdata, rr->rdata, rr->rdlen);
	c->soa_len = rr->rdlen;
	c->soa_ttl = rr->ttl;
	c->new_serial = soa_serial(rr);
	if (c->qtype == DNS_T_IXFR) {
		c->state = ST_IXFR_FIRST;
		return 0;
	}
	c->form = XFR_FORM_AXFR;
	c->state = ST_AXFR;
	return emit(c, XFR_OP_RR, rr);
}

/* The second RR of an IXFR answer decides its form. */
static int
ixfr_second(struct xfr_ctx *c, const struct dns_rr *rr)
{
	struct dns_rr soa;
	int rc;

	opening(c, &soa);
	if (rr->type != DNS_T_SOA) { /* AXFR-style */
		c->form = XFR_FORM_AXFR;
		c->state = ST_AXFR;
		return (rc = emit(c, XFR_OP_RR, &soa)) ? rc :
		    emit(c, XFR_OP_RR, rr);
	}
	if (same_soa(c, rr)) { /* AXFR-style of a zone that is just its SOA */
		c->form = XFR_FORM_AXFR;
		c->state = ST_DONE;
		return (rc = emit(c, XFR_OP_RR, &soa)) ? rc :
		    emit(c, XFR_OP_END, rr);
	}
	if (soa_serial(rr) != c->serial)
		return fail(c, DNS_EXFR, "first diff does not start at our "
		    "serial", rr->off, 1);
	c->form = XFR_FORM_IXFR;
	c->state = ST_DEL;
	c->diff_from = c->serial;
	c->diffs = 1;
	return (rc = emit(c, XFR_OP_IXFR_SOA, &soa)) ? rc :
	    emit(c, XFR_OP_DEL, rr);
}

static int
axfr_rr(struct xfr_ctx *c, const struct dns_rr *rr)
{
	if (rr->type != DNS_T_SOA)
		return emit(c, XFR_OP_RR, rr);
	if (!same_soa(c, rr))
		return fail(c, DNS_EXFR, soa_serial(rr) == c->new_serial ?
		    "closing SOA differs from the opening SOA" :
		    "SOA in the middle of a full transfer", rr->off, 0);
	c->state = ST_DONE;
	return emit(c, XFR_OP_END, rr);
}

static int
ixfr_rr(struct xfr_ctx *c, const struct dns_rr *rr)
{
	uint32_t s;

	if (rr->type != DNS_T_SOA)
		return emit(c, c->state == ST_DEL ? XFR_OP_DEL : XFR_OP_ADD, rr);
	s = soa_serial(rr);
	if (c->state == ST_DEL) { /* the new SOA of this diff */
		if (s == c->diff_from)
			return fail(c, DNS_EXFR, "diff does not change the serial",
			    rr->off, 1);
		c->diff_to = s;
		c->state = ST_ADD;
		return emit(c, XFR_OP_ADD, rr);
	}
	if (s == c->new_serial && c->diff_to == c->new_serial) {
		if (!same_soa(c, rr))
			return fail(c, DNS_EXFR, "closing SOA differs from the "
			    "opening SOA", rr->off, 1);
		c->state = ST_DONE;
		return emit(c, XFR_OP_IXFR_END, rr);
	}
	if (s != c->diff_to)
		return fail(c, DNS_EXFR, "gap in the diff chain", rr->off, 1);
	c->diff_from = s;
	c->diffs++;
	c->state = ST_DEL;
	return emit(c, XFR_OP_DEL, rr);
}

/* Rules every answer RR must follow, then its role by state. */
static int
answer_rr(struct xfr_ctx *c, const struct dns_rr *rr)
{
	int ixfr = c->qtype == DNS_T_IXFR;

	if (c->state == ST_DONE)
		return fail(c, DNS_EXFR, "RR after the end of the transfer",
		    rr->off, 0);
	if (rr->cls != DNS_C_IN)
		return fail(c, DNS_EXFR, "class other than IN", rr->off, 0);
	if (dns_type_is_meta(rr->type))
		return fail(c, DNS_EXFR, "meta type in the answer", rr->off, 0);
	if (!dns_name_is_sub(rr->owner, c->zone))
		return fail(c, DNS_EXFR, "owner outside the zone", rr->off, ixfr);
	if (rr->type == DNS_T_SOA && !dns_name_eq(rr->owner, c->zone))
		return fail(c, DNS_EXFR, "SOA at a name other than the apex",
		    rr->off, ixfr);
	/* The closing SOA repeats the opening one: not one of the zone's RRs. */
	if (c->max_rrs && ++c->rrs > c->max_rrs + 1)
		return fail(c, DNS_ELIMIT, "more RRs than max-rrs", rr->off, 0);
	switch (c->state) {
	case ST_START: return start(c, rr);
	case ST_IXFR_FIRST: return ixfr_second(c, rr);
	case ST_AXFR: return axfr_rr(c, rr);
	default: return ixfr_rr(c, rr);
	}
}

/* Header and question checks; returns 0 or fails. */
static int
check_header(struct xfr_ctx *c, struct dns_msg *m)
{
	const struct dns_hdr *h = &m->hdr;
	uint8_t qname[DNS_NAME_MAX];
	uint16_t qt, qc;
	int rc, first = c->messages == 1;

	if (h->id != c->id)
		return fail(c, DNS_EXFR, "message ID differs from the query's",
		    0, 0);
	if (!(h->flags & DNS_F_QR) || DNS_OPCODE(h->flags) != DNS_OP_QUERY)
		return fail(c, DNS_EXFR, "not an answer to a query", 2, 0);
	if (h->flags & DNS_F_TC)
		return fail(c, DNS_EXFR, "truncated (TC) answer over TCP", 2, 0);
	if (DNS_RCODE(h->flags) != DNS_R_NOERROR) {
		int r = DNS_RCODE(h->flags);

		c->rcode = r;
		return fail(c, DNS_ERCODE, "server refused", 3, c->qtype ==
		    DNS_T_IXFR && (r == DNS_R_NOTIMP || r == DNS_R_FORMERR));
	}
	if (h->count[DNS_S_QD] > 1 || (first && h->count[DNS_S_QD] == 0))
		return fail(c, DNS_EXFR, "bad question count", 4, 0);
	rc = dns_msg_question(m, qname, &qt, &qc);
	if (rc < 0)
		return fail(c, rc, "malformed question", dns_msg_offset(m), 0);
	if (rc == 1 && (!dns_name_eq(qname, c->zone) || qt != c->qtype ||
	    qc != DNS_C_IN))
		return fail(c, DNS_EXFR, "question differs from the query's",
		    DNS_HDR_LEN, 0);
	return 0;
}

/* After the last RR of a message: the answer may now be complete. */
static int
end_of_message(struct xfr_ctx *c, unsigned answers, int authority_soa)
{
	if (c->messages == 1 && answers == 0)
		return fail(c, DNS_EXFR, authority_soa ? "answer holds only an "
		    "SOA in the authority section" : "empty answer", 0,
		    c->qtype == DNS_T_IXFR);
	if (c->state == ST_IXFR_FIRST && c->rrs_in_answer == 1 &&
	    dns_serial_cmp(c->new_serial, c->serial) != DNS_SERIAL_GT) {
		struct dns_rr soa;

		c->form = XFR_FORM_UPTODATE;
		c->state = ST_DONE;
		opening(c, &soa);
		if (emit(c, XFR_OP_UPTODATE, &soa) < 0)
			return c->err;
	}
	if (c->state == ST_DONE && CFG_TSIG && c->tsig != NULL &&
	    tsig_end(c->tsig) != 0)
		return fail(c, DNS_ENOSIG, "last message is not signed", 0, 0);
	return c->state == ST_DONE ? 1 : 0;
}

int
xfr_feed(struct xfr_ctx *c, const uint8_t *msg, size_t len, uint64_t now)
{
	unsigned answers = 0;
	int rc, authority_soa = 0;
	struct dns_msg m;
	struct dns_rr rr;

	if (c->state == ST_DONE || c->state == ST_FAILED)
		return fail(c, DNS_EXFR, "message after the end of the transfer",
		    0, 0);
	c->messages++;
	c->bytes += len;
	if (c->max_bytes && c->bytes > c->max_bytes)
		return fail(c, DNS_ELIMIT, "more bytes than max-bytes", 0, 0);
	if (dns_msg_init(&m, msg, len) != 0)
		return fail(c, m.rd.err, "malformed header", 0, 0);
	if (CFG_TSIG && c->tsig != NULL &&
	    (DNS_RCODE(m.hdr.flags) == 0 || tsig_present(msg, len)) &&
	    (rc = tsig_verify(c->tsig, msg, len, now)) != 0)
		return fail(c, rc, dns_strerror(rc), 0, 0);
	if (check_header(c, &m) != 0)
		return c->err;
	while ((rc = dns_msg_rr(&m, &rr, c->rd, sizeof c->rd)) == 1) {
		if (rr.section == DNS_S_NS && rr.type == DNS_T_SOA)
			authority_soa = 1;
		if (rr.section != DNS_S_AN)
			continue;
		answers++;
		c->rrs_in_answer++;
		if (answer_rr(c, &rr) != 0)
			return c->err;
	}
	if (rc < 0)
		return fail(c, rc, "malformed message", dns_msg_offset(&m), 0);
	return end_of_message(c, answers, authority_soa);
}

size_t
xfr_strerror(const struct xfr_ctx *c, char *buf, size_t cap)
{
	char rc[16];

	switch (c->err) {
	case 0:
		return (size_t)snprintf(buf, cap, "ok");
	case DNS_ERCODE:
		dns_rcode_to_text((unsigned)c->rcode, rc, sizeof rc);
		return (size_t)snprintf(buf, cap, "%s", rc);
	case DNS_EBADKEY: case DNS_EBADSIG: case DNS_EBADTIME:
	case DNS_ENOSIG: case DNS_EBADTRUNC:
		if (c->tsig != NULL && c->tsig->server_error != 0) {
			dns_rcode_to_text(c->tsig->server_error, rc, sizeof rc);
			return (size_t)snprintf(buf, cap, "%s (reported by the "
			    "server)", rc);
		}
		return (size_t)snprintf(buf, cap, "%s (answer failed TSIG "
		    "verification in message %u)", dns_strerror(c->err),
		    c->messages);
	case DNS_ELIMIT:
		return (size_t)snprintf(buf, cap, "limit exceeded: %s", c->why);
	default:
		return (size_t)snprintf(buf, cap, "malformed: %s in message %u "
		    "at offset %zu", c->why ? c->why : dns_strerror(c->err),
		    c->messages, c->err_off);
	}
}
