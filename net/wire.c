/* wire.c — bounded cursors with a sticky error. */
#include <string.h>

#include "net/err.h"
#include "net/wire.h"

void
dns_rd_init(struct dns_rd *r, const void *buf, size_t len)
{
	r->buf = buf;
	r->len = len;
	r->off = 0;
	r->err = 0;
}

int
dns_rd_fail(struct dns_rd *r, int err)
{
	if (r->err == 0)
		r->err = err;
	return r->err;
}

const uint8_t *
dns_rd_bytes(struct dns_rd *r, size_t n)
{
	const uint8_t *p;

	if (r->err != 0)
		return NULL;
	if (n > r->len - r->off) {
		dns_rd_fail(r, DNS_ETRUNC);
		return NULL;
	}
	p = r->buf + r->off;
	r->off += n;
	return p;
}

uint8_t
dns_rd_u8(struct dns_rd *r)
{
	const uint8_t *p = dns_rd_bytes(r, 1);

	return p ? p[0] : 0;
}

uint16_t
dns_rd_u16(struct dns_rd *r)
{
	const uint8_t *p = dns_rd_bytes(r, 2);

	return p ? dns_get16(p) : 0;
}

uint32_t
dns_rd_u32(struct dns_rd *r)
{
	const uint8_t *p = dns_rd_bytes(r, 4);

	return p ? dns_get32(p) : 0;
}

size_t
dns_rd_left(const struct dns_rd *r)
{
	return r->err ? 0 : r->len - r->off;
}

void
dns_wr_init(struct dns_wr *w, void *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->off = 0;
	w->err = 0;
}

int
dns_wr_fail(struct dns_wr *w, int err)
{
	if (w->err == 0)
		w->err = err;
	return w->err;
}

void
dns_wr_bytes(struct dns_wr *w, const void *p, size_t n)
{
	if (w->err != 0)
		return;
	if (n > w->cap - w->off) {
		dns_wr_fail(w, DNS_ESPACE);
		return;
	}
	if (n > 0 && w->buf != NULL)
		memcpy(w->buf + w->off, p, n);
	w->off += n;
}

void
dns_wr_u8(struct dns_wr *w, uint8_t v)
{
	dns_wr_bytes(w, &v, 1);
}

void
dns_wr_u16(struct dns_wr *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	dns_wr_bytes(w, b, 2);
}

void
dns_wr_u32(struct dns_wr *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		(uint8_t)(v >> 8), (uint8_t)v };

	dns_wr_bytes(w, b, 4);
}

void
dns_wr_put16(struct dns_wr *w, size_t off, uint16_t v)
{
	if (w->err != 0 || w->buf == NULL || off + 2 > w->off)
		return;
	w->buf[off] = (uint8_t)(v >> 8);
	w->buf[off + 1] = (uint8_t)v;
}
