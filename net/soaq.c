/* soaq.c — build SOA queries and check their answers. */
#include <string.h>

#include "net/err.h"
#include "net/msg.h"
#include "net/rrtype.h"
#include "net/soaq.h"
#include "xfrsync_config.h"

int
soaq_build(const uint8_t *zone, uint16_t id, struct tsig_ctx *tsig,
    uint8_t *buf, size_t cap, uint64_t now)
{
	struct dns_mb b;
	size_t len;
	int n;

	dns_mb_init(&b, buf, cap, id, 0);
	dns_mb_question(&b, zone, DNS_T_SOA, DNS_C_IN);
	if ((n = dns_mb_end(&b)) < 0)
		return n;
	len = (size_t)n;
	if (CFG_TSIG && tsig != NULL &&
	    (n = tsig_sign(tsig, buf, &len, cap, now, 0)) != 0)
		return n;
	return (int)len;
}

static int
bad(struct soaq_answer *a, int err, const char *why)
{
	a->why = why;
	return err;
}

static void
timers(struct soaq_answer *a, const uint8_t *rd)
{
	const uint8_t *p = rd + dns_name_len(rd);

	p += dns_name_len(p);
	a->serial = dns_get32(p);
	a->refresh = dns_get32(p + 4);
	a->retry = dns_get32(p + 8);
	a->expire = dns_get32(p + 12);
}

/* Header, question and TSIG; 0 or an error with a->why. */
static int
check_head(struct dns_msg *m, const uint8_t *msg, size_t len, uint16_t id,
    const uint8_t *zone, struct tsig_ctx *tsig, uint64_t now,
    struct soaq_answer *a)
{
	uint8_t q[DNS_NAME_MAX];
	uint16_t qt, qc;
	int rc;

	if (dns_msg_init(m, msg, len) != 0)
		return bad(a, m->rd.err, "malformed header");
	if (m->hdr.id != id || !(m->hdr.flags & DNS_F_QR))
		return bad(a, DNS_EXFR, "not the answer to our query");
	if (CFG_TSIG && tsig != NULL && (DNS_RCODE(m->hdr.flags) == 0 ||
	    tsig_present(msg, len)) && (rc = tsig_verify(tsig, msg, len, now)))
		return bad(a, rc, dns_strerror(rc));
	if (m->hdr.flags & DNS_F_TC) {
		a->truncated = 1;
		return bad(a, DNS_EXFR, "truncated");
	}
	a->rcode = DNS_RCODE(m->hdr.flags);
	if (a->rcode != DNS_R_NOERROR)
		return bad(a, DNS_ERCODE, "error RCODE");
	if (dns_msg_question(m, q, &qt, &qc) != 1 || !dns_name_eq(q, zone) ||
	    qt != DNS_T_SOA || qc != DNS_C_IN)
		return bad(a, DNS_EXFR, "question differs from the query's");
	if (!(m->hdr.flags & DNS_F_AA))
		return bad(a, DNS_EXFR, "answer is not authoritative");
	return 0;
}

int
soaq_check(const uint8_t *msg, size_t len, uint16_t id, const uint8_t *zone,
    struct tsig_ctx *tsig, uint64_t now, struct soaq_answer *a)
{
	static uint8_t rd[DNS_RDATA_MAX];
	struct dns_msg m;
	struct dns_rr rr;
	int rc, soas = 0, others = 0;

	memset(a, 0, sizeof *a);
	if ((rc = check_head(&m, msg, len, id, zone, tsig, now, a)) != 0)
		return rc;
	while ((rc = dns_msg_rr(&m, &rr, rd, sizeof rd)) == 1) {
		if (rr.section != DNS_S_AN)
			continue;
		if (rr.type == DNS_T_SOA && dns_name_eq(rr.owner, zone) &&
		    rr.cls == DNS_C_IN) {
			soas++;
			timers(a, rr.rdata);
		} else
			others++;
	}
	if (rc < 0)
		return bad(a, rc, "malformed answer");
	if (soas != 1 || others != 0)
		return bad(a, DNS_EXFR, soas == 0 ? "no SOA for the zone in the "
		    "answer (referral, CNAME or NODATA)" : "more than one RR in "
		    "the answer");
	return 0;
}
