/* rdata_text.c — RDATA to and from presentation text. */
#include <string.h>

#include "net/base64.h"
#include "net/err.h"
#include "net/rdata.h"
#include "net/rrtype.h"
#include "net/svcb.h"

/* ---- output ------------------------------------------------------------ */

static void
generic_to_text(struct dns_tb *t, const uint8_t *rd, size_t len)
{
	dns_tb_printf(t, "\\# %zu", len);
	if (len > 0) {
		dns_tb_putc(t, ' ');
		dns_tb_hex(t, rd, len);
	}
}

/* Print one field at rd[*off]; advance *off. */
static void
field_to_text(struct dns_tb *t, uint8_t kind, const uint8_t *rd, size_t len,
    size_t *off)
{
	const uint8_t *p = rd + *off;
	char tmp[DNS_NAME_TEXT_MAX];
	size_t n;

	switch (kind) {
	case DNS_RF_U8: dns_tb_uint(t, p[0]); n = 1; break;
	case DNS_RF_U16: dns_tb_uint(t, dns_get16(p)); n = 2; break;
	case DNS_RF_U32: dns_tb_uint(t, dns_get32(p)); n = 4; break;
	case DNS_RF_A: dns_tb_ipv4(t, p); n = 4; break;
	case DNS_RF_AAAA: dns_tb_ipv6(t, p); n = 16; break;
	case DNS_RF_TIME48:
		dns_tb_printf(t, "%llu", (unsigned long long)dns_get16(p) << 32 |
		    dns_get32(p + 2));
		n = 6;
		break;
	case DNS_RF_RCODE:
		dns_rcode_to_text(dns_get16(p), tmp, sizeof tmp);
		dns_tb_puts(t, tmp);
		n = 2;
		break;
	case DNS_RF_NAME_C: case DNS_RF_NAME_D: case DNS_RF_NAME:
		dns_name_to_text(p, tmp, sizeof tmp);
		dns_tb_puts(t, tmp);
		n = dns_name_len(p);
		break;
	case DNS_RF_STR:
		dns_tb_str(t, p + 1, p[0], 1);
		n = 1 + (size_t)p[0];
		break;
	case DNS_RF_STRS:
		for (n = 0; *off + n < len; n += 1 + (size_t)p[n]) {
			if (n > 0)
				dns_tb_putc(t, ' ');
			dns_tb_str(t, p + n + 1, p[n], 1);
		}
		break;
	case DNS_RF_TAG:
		dns_tb_str(t, p + 1, p[0], 0);
		n = 1 + (size_t)p[0];
		break;
	case DNS_RF_REST:
		n = len - *off;
		dns_tb_str(t, p, n, 1);
		break;
	case DNS_RF_SVCP:
		n = len - *off;
		dns_svcb_to_text(t, p, n);
		break;
	case DNS_RF_B64LEN:
		n = dns_get16(p);
		dns_tb_printf(t, "%zu", n);
		if (n > 0) {
			dns_tb_putc(t, ' ');
			dns_tb_base64(t, p + 2, n);
		}
		n += 2;
		break;
	default: /* DNS_RF_HEX, DNS_RF_HEX1 */
		n = len - *off;
		dns_tb_hex(t, p, n);
		break;
	}
	*off += n;
}

void
dns_rdata_to_text(struct dns_tb *t, uint16_t type, const uint8_t *rd,
    size_t len)
{
	const struct dns_rdesc *d = dns_rdesc(type);
	size_t off = 0, k;

	if (d == NULL || !d->text) {
		generic_to_text(t, rd, len);
		return;
	}
	for (k = 0; d->f[k] != DNS_RF_END; k++) {
		/* SvcParams print their own leading spaces. */
		if (k > 0 && d->f[k] != DNS_RF_SVCP)
			dns_tb_putc(t, ' ');
		field_to_text(t, d->f[k], rd, len, &off);
	}
}

/* ---- input ------------------------------------------------------------- */

struct tok {
	const char *p;
	size_t n;
	int quoted;
};

static int
next(struct dns_tok *k, struct tok *x)
{
	int rc = dns_tok_next(k, &x->p, &x->n, &x->quoted);

	return rc == 1 ? 0 : (rc == 0 ? DNS_ESYNTAX : rc);
}

static int
generic_from_text(struct dns_tok *k, uint16_t type, uint8_t *out, size_t cap)
{
	struct tok x;
	uint32_t want;
	size_t got = 0;
	int rc;

	if ((rc = next(k, &x)) != 0 ||
	    (rc = dns_parse_u32(x.p, x.n, 65535, &want)) != 0)
		return rc ? rc : DNS_ESYNTAX;
	while (dns_tok_more(k)) {
		if ((rc = next(k, &x)) != 0)
			return rc;
		rc = dns_parse_hex(x.p, x.n, out + got, cap - got);
		if (rc < 0)
			return rc;
		got += (size_t)rc;
	}
	if (got != want)
		return DNS_ESYNTAX;
	rc = dns_rdata_check(type, out, got);
	return rc ? rc : (int)got;
}

static int
num(const struct tok *x, uint32_t max, struct dns_wr *w, size_t bytes)
{
	uint32_t v;

	if (dns_parse_u32(x->p, x->n, max, &v) != 0)
		return DNS_ESYNTAX;
	if (bytes == 1)
		dns_wr_u8(w, (uint8_t)v);
	else if (bytes == 2)
		dns_wr_u16(w, (uint16_t)v);
	else
		dns_wr_u32(w, v);
	return 0;
}

/*
 * A character-string, unescaped straight into w: length-prefixed (at most
 * 255 bytes) or, for a CAA value, the rest of the RDATA.
 */
static int
str(const struct tok *x, struct dns_wr *w, int prefixed)
{
	size_t at = w->off + (prefixed ? 1 : 0), room;
	int n;

	if (w->err || w->buf == NULL || at > w->cap)
		return DNS_ESPACE;
	room = w->cap - at;
	if (prefixed && room > 255)
		room = 255;
	n = dns_unescape(x->p, x->n, w->buf + at, room);
	if (n < 0)
		return (n == DNS_ESPACE && room == 255) ? DNS_ESYNTAX : n;
	if (prefixed)
		w->buf[w->off] = (uint8_t)n;
	w->off = at + (size_t)n;
	return 0;
}

/* 48-bit decimal seconds (up to 15 digits). */
static int
time48(const struct tok *x, struct dns_wr *w)
{
	uint32_t hi = 0, lo;
	size_t split = x->n > 9 ? x->n - 9 : 0;
	uint64_t v;

	if (x->n == 0 || x->n > 15 ||
	    (split > 0 && dns_parse_u32(x->p, split, 999999, &hi) != 0) ||
	    dns_parse_u32(x->p + split, x->n - split, 999999999, &lo) != 0)
		return DNS_ESYNTAX;
	v = (uint64_t)hi * 1000000000u + lo;
	if (v >> 48)
		return DNS_ESYNTAX;
	dns_wr_u16(w, (uint16_t)(v >> 32));
	dns_wr_u32(w, (uint32_t)v);
	return 0;
}

static int
rest_hex(struct dns_tok *k, struct dns_wr *w, int need_one)
{
	struct tok x;
	size_t start = w->off;
	int rc;

	while (dns_tok_more(k)) {
		if ((rc = next(k, &x)) != 0)
			return rc;
		if (w->buf == NULL)
			return DNS_ESPACE;
		rc = dns_parse_hex(x.p, x.n, w->buf + w->off, w->cap - w->off);
		if (rc < 0)
			return rc;
		w->off += (size_t)rc;
	}
	return (need_one && w->off == start) ? DNS_ESYNTAX : 0;
}

static int
b64len(struct dns_tok *k, const struct tok *x, struct dns_wr *w)
{
	uint32_t want;
	struct tok y;
	int rc;

	if (dns_parse_u32(x->p, x->n, 65535, &want) != 0)
		return DNS_ESYNTAX;
	dns_wr_u16(w, (uint16_t)want);
	if (want == 0)
		return 0;
	if ((rc = next(k, &y)) != 0)
		return rc;
	if (w->err)
		return w->err;
	rc = dns_base64_decode(y.p, y.n, w->buf + w->off, w->cap - w->off);
	if (rc < 0)
		return rc;
	if ((uint32_t)rc != want)
		return DNS_ESYNTAX;
	w->off += (size_t)rc;
	return 0;
}

static int
rcode_from_text(const struct tok *x, struct dns_wr *w)
{
	char tmp[16];
	unsigned v;

	for (v = 0; v < 4096; v++) {
		size_t n = dns_rcode_to_text(v, tmp, sizeof tmp);

		if (n == x->n && strncmp(tmp, x->p, n) == 0) {
			dns_wr_u16(w, (uint16_t)v);
			return 0;
		}
	}
	return num(x, 65535, w, 2);
}

static int
field_from_text(struct dns_tok *k, uint8_t kind, const uint8_t *origin,
    struct dns_wr *w)
{
	uint8_t b[DNS_NAME_MAX];
	struct tok x;
	int rc;

	/* Fields that take the rest of the input. */
	if (kind == DNS_RF_HEX || kind == DNS_RF_HEX1)
		return rest_hex(k, w, kind == DNS_RF_HEX1);
	if (kind == DNS_RF_SVCP) {
		if (w->err)
			return w->err;
		rc = dns_svcb_from_text(k, w->buf + w->off, w->cap - w->off);
		if (rc >= 0)
			w->off += (size_t)rc;
		return rc < 0 ? rc : 0;
	}
	if (kind == DNS_RF_STRS) {
		do {
			if ((rc = next(k, &x)) != 0 || (rc = str(&x, w, 1)) != 0)
				return rc;
		} while (dns_tok_more(k));
		return 0;
	}
	if ((rc = next(k, &x)) != 0)
		return rc;
	switch (kind) {
	case DNS_RF_U8: return num(&x, 255, w, 1);
	case DNS_RF_U16: return num(&x, 65535, w, 2);
	case DNS_RF_U32: return num(&x, 0xffffffff, w, 4);
	case DNS_RF_A:
		rc = dns_parse_ipv4(x.p, x.n, b);
		dns_wr_bytes(w, b, 4);
		return rc;
	case DNS_RF_AAAA:
		rc = dns_parse_ipv6(x.p, x.n, b);
		dns_wr_bytes(w, b, 16);
		return rc;
	case DNS_RF_NAME_C: case DNS_RF_NAME_D: case DNS_RF_NAME:
		rc = dns_name_from_text(x.p, x.n, origin, b);
		if (rc > 0)
			dns_wr_bytes(w, b, (size_t)rc);
		return rc < 0 ? rc : 0;
	case DNS_RF_STR: case DNS_RF_TAG: return str(&x, w, 1);
	case DNS_RF_REST: return str(&x, w, 0);
	case DNS_RF_B64LEN: return b64len(k, &x, w);
	case DNS_RF_RCODE: return rcode_from_text(&x, w);
	case DNS_RF_TIME48: return time48(&x, w);
	default:
		return DNS_ESYNTAX;
	}
}

int
dns_rdata_from_text(struct dns_tok *k, uint16_t type, const uint8_t *origin,
    uint8_t *out, size_t cap)
{
	const struct dns_rdesc *d = dns_rdesc(type);
	struct dns_tok peek = *k;
	struct dns_wr w;
	struct tok x;
	size_t i;
	int rc;

	if (next(&peek, &x) == 0 && !x.quoted && x.n == 2 &&
	    memcmp(x.p, "\\#", 2) == 0) {
		*k = peek;
		return generic_from_text(k, type, out, cap);
	}
	if (d == NULL || !d->text)
		return DNS_ESYNTAX; /* only the RFC 3597 form is defined */
	dns_wr_init(&w, out, cap);
	for (i = 0; d->f[i] != DNS_RF_END; i++)
		if ((rc = field_from_text(k, d->f[i], origin, &w)) != 0)
			return rc;
	if (w.err)
		return w.err;
	if (dns_tok_more(k))
		return DNS_ESYNTAX;
	rc = dns_rdata_check(type, out, w.off);
	return rc ? rc : (int)w.off;
}
