/* rdata.c — RDATA schemas, validation, decompression and compression. */
#include <string.h>

#include "net/err.h"
#include "net/rdata.h"
#include "net/rrtype.h"
#include "net/svcb.h"

#define E DNS_RF_END
static const struct dns_rdesc descs[] = {
	{ DNS_T_A, 1, { DNS_RF_A, E } },
	{ DNS_T_NS, 1, { DNS_RF_NAME_C, E } },
	{ DNS_T_MD, 0, { DNS_RF_NAME_C, E } },
	{ DNS_T_MF, 0, { DNS_RF_NAME_C, E } },
	{ DNS_T_CNAME, 1, { DNS_RF_NAME_C, E } },
	{ DNS_T_SOA, 1, { DNS_RF_NAME_C, DNS_RF_NAME_C, DNS_RF_U32,
	    DNS_RF_U32, DNS_RF_U32, DNS_RF_U32, DNS_RF_U32, E } },
	{ DNS_T_MB, 0, { DNS_RF_NAME_C, E } },
	{ DNS_T_MG, 0, { DNS_RF_NAME_C, E } },
	{ DNS_T_MR, 0, { DNS_RF_NAME_C, E } },
	{ DNS_T_PTR, 1, { DNS_RF_NAME_C, E } },
	{ DNS_T_MINFO, 0, { DNS_RF_NAME_C, DNS_RF_NAME_C, E } },
	{ DNS_T_MX, 1, { DNS_RF_U16, DNS_RF_NAME_C, E } },
	{ DNS_T_TXT, 1, { DNS_RF_STRS, E } },
	{ DNS_T_RP, 0, { DNS_RF_NAME_D, DNS_RF_NAME_D, E } },
	{ DNS_T_AFSDB, 0, { DNS_RF_U16, DNS_RF_NAME_D, E } },
	{ DNS_T_RT, 0, { DNS_RF_U16, DNS_RF_NAME_D, E } },
	{ DNS_T_PX, 0, { DNS_RF_U16, DNS_RF_NAME_D, DNS_RF_NAME_D, E } },
	{ DNS_T_AAAA, 1, { DNS_RF_AAAA, E } },
	{ DNS_T_SRV, 1, { DNS_RF_U16, DNS_RF_U16, DNS_RF_U16, DNS_RF_NAME_D,
	    E } },
	{ DNS_T_NAPTR, 1, { DNS_RF_U16, DNS_RF_U16, DNS_RF_STR, DNS_RF_STR,
	    DNS_RF_STR, DNS_RF_NAME_D, E } },
	{ DNS_T_DS, 1, { DNS_RF_U16, DNS_RF_U8, DNS_RF_U8, DNS_RF_HEX1, E } },
	{ DNS_T_SSHFP, 1, { DNS_RF_U8, DNS_RF_U8, DNS_RF_HEX1, E } },
	{ DNS_T_TLSA, 1, { DNS_RF_U8, DNS_RF_U8, DNS_RF_U8, DNS_RF_HEX1, E } },
	{ DNS_T_SVCB, 1, { DNS_RF_U16, DNS_RF_NAME, DNS_RF_SVCP, E } },
	{ DNS_T_HTTPS, 1, { DNS_RF_U16, DNS_RF_NAME, DNS_RF_SVCP, E } },
	{ DNS_T_SPF, 1, { DNS_RF_STRS, E } },
	{ DNS_T_TSIG, 1, { DNS_RF_NAME, DNS_RF_TIME48, DNS_RF_U16,
	    DNS_RF_B64LEN, DNS_RF_U16, DNS_RF_RCODE, DNS_RF_B64LEN, E } },
	{ DNS_T_CAA, 1, { DNS_RF_U8, DNS_RF_TAG, DNS_RF_REST, E } },
};
#undef E

const struct dns_rdesc *
dns_rdesc(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof descs / sizeof descs[0]; i++)
		if (descs[i].type == type)
			return &descs[i];
	return NULL;
}

static int
alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/*
 * Walk one field at s->off (s->len is the end of the RDATA, s->buf the
 * whole message) and copy its canonical form to w.
 */
static void
field(struct dns_rd *s, uint8_t kind, int allow_ptr, struct dns_wr *w)
{
	uint8_t name[DNS_NAME_MAX];
	size_t n, start = s->off;

	switch (kind) {
	case DNS_RF_U8: n = 1; break;
	case DNS_RF_U16: case DNS_RF_RCODE: n = 2; break;
	case DNS_RF_U32: case DNS_RF_A: n = 4; break;
	case DNS_RF_TIME48: n = 6; break;
	case DNS_RF_AAAA: n = 16; break;
	case DNS_RF_NAME_C: case DNS_RF_NAME_D: case DNS_RF_NAME:
		n = dns_name_read(s, name, allow_ptr && kind != DNS_RF_NAME);
		dns_wr_bytes(w, name, n);
		return;
	case DNS_RF_STR:
		n = 1 + (size_t)dns_rd_u8(s);
		s->off = start;
		break;
	case DNS_RF_STRS:
		do
			dns_rd_bytes(s, dns_rd_u8(s));
		while (dns_rd_left(s) > 0);
		s->off = start;
		n = s->err ? 0 : s->len - start;
		break;
	case DNS_RF_TAG: {
		size_t i, k = dns_rd_u8(s);
		const uint8_t *p = dns_rd_bytes(s, k);

		for (i = 0; p != NULL && i < k; i++)
			if (!alnum(p[i]))
				dns_rd_fail(s, DNS_ERDATA);
		if (k == 0)
			dns_rd_fail(s, DNS_ERDATA);
		s->off = start;
		n = 1 + k;
		break;
	}
	case DNS_RF_B64LEN:
		n = 2 + (size_t)dns_rd_u16(s);
		s->off = start;
		break;
	case DNS_RF_HEX1:
		if (dns_rd_left(s) == 0)
			dns_rd_fail(s, DNS_ERDATA);
		n = dns_rd_left(s);
		break;
	case DNS_RF_SVCP:
		n = dns_rd_left(s);
		if (s->err == 0 && dns_svcb_check(s->buf + s->off, n) != 0)
			dns_rd_fail(s, DNS_ERDATA);
		break;
	default: /* DNS_RF_REST, DNS_RF_HEX */
		n = dns_rd_left(s);
		break;
	}
	{
		const uint8_t *p = dns_rd_bytes(s, n);

		if (p != NULL)
			dns_wr_bytes(w, p, n);
	}
}

/* Validate and copy one RDATA; s is bounded to its end. */
static int
walk(struct dns_rd *s, uint16_t type, int allow_ptr, struct dns_wr *w)
{
	const struct dns_rdesc *d = dns_rdesc(type);
	const uint8_t *f;

	if (d == NULL) {
		size_t n = dns_rd_left(s);
		const uint8_t *p = dns_rd_bytes(s, n);

		if (p != NULL)
			dns_wr_bytes(w, p, n);
		return s->err ? s->err : w->err;
	}
	for (f = d->f; *f != DNS_RF_END && s->err == 0; f++)
		field(s, *f, allow_ptr, w);
	if (s->err == DNS_ETRUNC || (s->err == 0 && s->off != s->len))
		return DNS_ERDATA;
	return s->err ? s->err : w->err;
}

size_t
dns_rdata_unpack(struct dns_rd *r, uint16_t type, uint16_t rdlen,
    uint8_t *out, size_t cap)
{
	struct dns_rd s;
	struct dns_wr w;
	int err;

	if (r->err)
		return 0;
	if (rdlen > r->len - r->off)
		return (size_t)(dns_rd_fail(r, DNS_ETRUNC), 0);
	s = *r;
	s.len = r->off + rdlen;
	dns_wr_init(&w, out, cap);
	err = walk(&s, type, 1, &w);
	r->off += rdlen;
	if (err)
		return (size_t)(dns_rd_fail(r, err), 0);
	return w.off;
}

int
dns_rdata_check(uint16_t type, const uint8_t *rd, size_t len)
{
	struct dns_rd s;
	struct dns_wr w;

	dns_rd_init(&s, rd, len);
	dns_wr_init(&w, NULL, (size_t)-1); /* counts only */
	return walk(&s, type, 0, &w);
}

void
dns_rdata_pack(struct dns_wr *w, uint16_t type, const uint8_t *rd,
    size_t len, struct dns_ctab *ct)
{
	const struct dns_rdesc *d = dns_rdesc(type);
	size_t at = w->off, off = 0, k;

	dns_wr_u16(w, 0);
	/* Only the RFC 1035 types compress (RFC 3597 §4). */
	if (d == NULL || ct == NULL || type == DNS_T_TSIG) {
		dns_wr_bytes(w, rd, len);
	} else {
		for (k = 0; d->f[k] != DNS_RF_END && off < len; k++) {
			struct dns_rd s;
			struct dns_wr skip;

			if (d->f[k] == DNS_RF_NAME_C) {
				dns_name_write(w, rd + off, ct);
				off += dns_name_len(rd + off);
				continue;
			}
			/* Any other field: measure it, copy it as it is. */
			dns_rd_init(&s, rd, len);
			s.off = off;
			dns_wr_init(&skip, NULL, (size_t)-1);
			field(&s, d->f[k], 0, &skip);
			dns_wr_bytes(w, rd + off, skip.off);
			off += skip.off;
		}
		dns_wr_bytes(w, rd + off, len - off);
	}
	if (w->off - at - 2 > 0xffff)
		dns_wr_fail(w, DNS_ESPACE);
	dns_wr_put16(w, at, (uint16_t)(w->off - at - 2));
}
