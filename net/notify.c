/* notify.c — parse NOTIFY requests and build their replies (RFC 1996). */
#include <string.h>

#include "net/err.h"
#include "net/msg.h"
#include "net/notify.h"
#include "net/rrtype.h"
#include "xfrsync_config.h"

enum notify_verdict
notify_parse(const uint8_t *msg, size_t len, struct notify_req *req)
{
	static uint8_t rd[DNS_RDATA_MAX];
	struct dns_msg m;
	struct dns_rr rr;
	int rc;

	memset(req, 0, sizeof *req);
	if (dns_msg_init(&m, msg, len) != 0)
		return NOTIFY_DROP;
	req->id = m.hdr.id;
	req->flags = m.hdr.flags;
	if ((m.hdr.flags & DNS_F_QR) ||
	    DNS_OPCODE(m.hdr.flags) != DNS_OP_NOTIFY)
		return NOTIFY_DROP;
	if (m.hdr.count[DNS_S_QD] != 1)
		return NOTIFY_FORMERR;
	if (dns_msg_question(&m, req->zone, &req->qtype, &req->qclass) != 1)
		return NOTIFY_DROP;
	req->has_question = 1;
	if (req->qtype != DNS_T_SOA || req->qclass != DNS_C_IN)
		return NOTIFY_FORMERR;
	while ((rc = dns_msg_rr(&m, &rr, rd, sizeof rd)) == 1) {
		if (rr.section == DNS_S_AN && rr.type == DNS_T_SOA &&
		    dns_name_eq(rr.owner, req->zone)) {
			const uint8_t *p = rr.rdata;

			p += dns_name_len(p);
			p += dns_name_len(p);
			req->has_soa = 1;
			req->soa_serial = dns_get32(p);
		}
		if (rr.type == DNS_T_TSIG)
			req->has_tsig = 1;
	}
	return rc < 0 ? NOTIFY_FORMERR : NOTIFY_OK;
}

/* Header and echoed question of a reply. */
static void
reply_head(struct dns_mb *b, const struct notify_req *req, int rcode,
    uint8_t *buf, size_t cap)
{
	dns_mb_init(b, buf, cap, req->id, (uint16_t)(DNS_F_QR | DNS_F_AA |
	    DNS_OP_NOTIFY << 11 | (rcode & 15)));
	if (req->has_question)
		dns_mb_question(b, req->zone, req->qtype, req->qclass);
}

int
notify_reply(const struct notify_req *req, int rcode, struct tsig_ctx *tsig,
    uint16_t tsig_error, uint8_t *buf, size_t cap, uint64_t now)
{
	struct dns_mb b;
	size_t len;
	int n;

	reply_head(&b, req, rcode, buf, cap);
	n = dns_mb_end(&b);

	if (n < 0)
		return n;
	len = (size_t)n;
	if (CFG_TSIG && tsig != NULL &&
	    (n = tsig_sign(tsig, buf, &len, cap, now, tsig_error)) != 0)
		return n;
	return (int)len;
}

int
notify_reply_tsig_error(const struct notify_req *req, int rcode,
    const uint8_t *key_name, const uint8_t *alg_name, uint16_t tsig_error,
    uint8_t *buf, size_t cap, uint64_t now)
{
	uint8_t rd[DNS_NAME_MAX + 16];
	struct dns_mb b;
	struct dns_wr w;

	reply_head(&b, req, rcode, buf, cap);
	dns_wr_init(&w, rd, sizeof rd);
	dns_wr_bytes(&w, alg_name, dns_name_len(alg_name));
	dns_wr_u16(&w, (uint16_t)(now >> 32));
	dns_wr_u32(&w, (uint32_t)now);
	dns_wr_u16(&w, TSIG_FUDGE);
	dns_wr_u16(&w, 0);               /* MAC size: empty */
	dns_wr_u16(&w, req->id);         /* original ID */
	dns_wr_u16(&w, tsig_error);
	dns_wr_u16(&w, 0);               /* other len */
	if (w.err)
		return w.err;
	dns_mb_rr(&b, DNS_S_AR, key_name, DNS_T_TSIG, DNS_C_ANY, 0, rd, w.off);
	return dns_mb_end(&b);
}

int
notify_request(const uint8_t *zone, uint16_t id, uint8_t *buf, size_t cap)
{
	struct dns_mb b;

	dns_mb_init(&b, buf, cap, id, (uint16_t)(DNS_F_AA | DNS_OP_NOTIFY << 11));
	dns_mb_question(&b, zone, DNS_T_SOA, DNS_C_IN);
	return dns_mb_end(&b);
}
