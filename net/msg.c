/* msg.c — parse and build DNS messages. */
#include <string.h>

#include "net/err.h"
#include "net/msg.h"
#include "net/rrtype.h"
#include "xfrsync_config.h"

#define MIN_Q_LEN 5   /* root name + type + class */
#define MIN_RR_LEN 11 /* root name + type, class, ttl, rdlength */

int
dns_msg_init(struct dns_msg *m, const uint8_t *buf, size_t len)
{
	struct dns_rd *r = &m->rd;
	size_t need;
	int i;

	memset(m, 0, sizeof *m);
	dns_rd_init(r, buf, len);
	if (len > CFG_MAX_DNS_MSG)
		return dns_rd_fail(r, DNS_ETOOBIG);
	m->hdr.id = dns_rd_u16(r);
	m->hdr.flags = dns_rd_u16(r);
	for (i = 0; i < 4; i++)
		m->hdr.count[i] = dns_rd_u16(r);
	if (r->err)
		return r->err;
	need = (size_t)m->hdr.count[DNS_S_QD] * MIN_Q_LEN +
	    ((size_t)m->hdr.count[DNS_S_AN] + m->hdr.count[DNS_S_NS] +
	    m->hdr.count[DNS_S_AR]) * MIN_RR_LEN;
	if (need > len - DNS_HDR_LEN)
		return dns_rd_fail(r, DNS_ECOUNT);
	m->sec = DNS_S_QD;
	m->left = m->hdr.count[DNS_S_QD];
	return 0;
}

size_t
dns_msg_offset(const struct dns_msg *m)
{
	return m->rd.off;
}

int
dns_msg_question(struct dns_msg *m, uint8_t *qname, uint16_t *qtype,
    uint16_t *qclass)
{
	struct dns_rd *r = &m->rd;

	if (r->err)
		return r->err;
	if (m->sec != DNS_S_QD || m->left == 0)
		return 0;
	dns_name_read(r, qname, 1);
	*qtype = dns_rd_u16(r);
	*qclass = dns_rd_u16(r);
	if (r->err)
		return r->err;
	m->left--;
	return 1;
}

/* Move to the next non-empty section; 0 when none is left. */
static int
advance(struct dns_msg *m)
{
	uint8_t name[DNS_NAME_MAX];
	uint16_t t, c;
	int rc;

	while ((rc = dns_msg_question(m, name, &t, &c)) == 1)
		;
	if (rc < 0)
		return rc;
	while (m->left == 0) {
		if (m->sec == DNS_S_AR)
			return 0;
		m->sec++;
		m->left = m->hdr.count[m->sec];
	}
	return 1;
}

/* Placement rules for OPT and TSIG. */
static int
check_meta(struct dns_msg *m, const struct dns_rr *rr)
{
	if (rr->type == DNS_T_OPT) {
		if (rr->section != DNS_S_AR || m->seen_opt || rr->owner[0] != 0)
			return DNS_EOPT;
		m->seen_opt = 1;
	}
	if (rr->type == DNS_T_TSIG) {
		if (rr->section != DNS_S_AR || m->left != 0)
			return DNS_ETSIG;
		m->tsig_off = rr->off;
	}
	return 0;
}

int
dns_msg_rr(struct dns_msg *m, struct dns_rr *rr, uint8_t *rdbuf, size_t cap)
{
	struct dns_rd *r = &m->rd;
	uint16_t rdlen;
	int rc;

	if (r->err)
		return r->err;
	if ((rc = advance(m)) <= 0) {
		if (rc == 0 && dns_rd_left(r) != 0)
			return dns_rd_fail(r, DNS_ETRAIL);
		return rc;
	}
	rr->off = r->off;
	rr->section = m->sec;
	dns_name_read(r, rr->owner, 1);
	rr->type = dns_rd_u16(r);
	rr->cls = dns_rd_u16(r);
	rr->ttl = dns_rd_u32(r);
	rdlen = dns_rd_u16(r);
	rr->rdlen = (uint16_t)dns_rdata_unpack(r, rr->type, rdlen, rdbuf, cap);
	rr->rdata = rdbuf;
	if (r->err)
		return r->err;
	m->left--;
	if ((rc = check_meta(m, rr)) != 0)
		return dns_rd_fail(r, rc);
	return 1;
}

void
dns_mb_init(struct dns_mb *b, uint8_t *buf, size_t cap, uint16_t id,
    uint16_t flags)
{
	if (cap > CFG_MAX_DNS_MSG)
		cap = CFG_MAX_DNS_MSG;
	dns_wr_init(&b->w, buf, cap);
	dns_ctab_init(&b->ct);
	memset(&b->hdr, 0, sizeof b->hdr);
	b->hdr.id = id;
	b->hdr.flags = flags;
	b->sec = DNS_S_QD;
	dns_wr_bytes(&b->w, "\0\0\0\0\0\0\0\0\0\0\0\0", DNS_HDR_LEN);
}

static void
count(struct dns_mb *b, uint8_t sec)
{
	if (sec < b->sec || b->hdr.count[sec] == 0xffff)
		dns_wr_fail(&b->w, DNS_ECOUNT);
	b->sec = sec;
	b->hdr.count[sec]++;
}

void
dns_mb_question(struct dns_mb *b, const uint8_t *qname, uint16_t qtype,
    uint16_t qclass)
{
	count(b, DNS_S_QD);
	dns_name_write(&b->w, qname, &b->ct);
	dns_wr_u16(&b->w, qtype);
	dns_wr_u16(&b->w, qclass);
}

void
dns_mb_rr(struct dns_mb *b, uint8_t sec, const uint8_t *owner, uint16_t type,
    uint16_t cls, uint32_t ttl, const uint8_t *rdata, size_t rdlen)
{
	count(b, sec);
	dns_name_write(&b->w, owner, &b->ct);
	dns_wr_u16(&b->w, type);
	dns_wr_u16(&b->w, cls);
	dns_wr_u32(&b->w, ttl);
	dns_rdata_pack(&b->w, type, rdata, rdlen, &b->ct);
}

void
dns_mb_opt(struct dns_mb *b, uint16_t udp_size, int dnssec_ok)
{
	static const uint8_t root[1] = { 0 };

	dns_mb_rr(b, DNS_S_AR, root, DNS_T_OPT, udp_size,
	    dnssec_ok ? 0x8000u : 0, NULL, 0);
}

int
dns_mb_end(struct dns_mb *b)
{
	int i;

	if (b->w.err)
		return b->w.err;
	dns_wr_put16(&b->w, 0, b->hdr.id);
	dns_wr_put16(&b->w, 2, b->hdr.flags);
	for (i = 0; i < 4; i++)
		dns_wr_put16(&b->w, 4 + 2 * (size_t)i, b->hdr.count[i]);
	return (int)b->w.off;
}
