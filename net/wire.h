/*
 * wire.h — bounded read and write cursors with a sticky error.
 *
 * A cursor latches the first error: every later read returns zero (or
 * NULL) and moves nothing, every later write is dropped.  A parser is a
 * straight sequence of reads followed by one check of `err`.
 */
#ifndef XFRSYNC_NET_WIRE_H
#define XFRSYNC_NET_WIRE_H

#include <stddef.h>
#include <stdint.h>

struct dns_rd {
	const uint8_t *buf; /* whole input (a message: names point into it) */
	size_t len;         /* bytes valid in buf */
	size_t off;         /* next byte to read */
	int err;            /* 0 or the first DNS_E* met */
};

struct dns_wr {
	uint8_t *buf;      /* NULL: count only, store nothing */
	size_t cap;
	size_t off;         /* bytes written */
	int err;
};

void dns_rd_init(struct dns_rd *r, const void *buf, size_t len);
/* Latch err (if none is latched yet) and return it. */
int dns_rd_fail(struct dns_rd *r, int err);
uint8_t dns_rd_u8(struct dns_rd *r);
uint16_t dns_rd_u16(struct dns_rd *r);
uint32_t dns_rd_u32(struct dns_rd *r);
/* Pointer to the next n bytes and skip them, or NULL (DNS_ETRUNC). */
const uint8_t *dns_rd_bytes(struct dns_rd *r, size_t n);
/* Bytes left, 0 once failed. */
size_t dns_rd_left(const struct dns_rd *r);

void dns_wr_init(struct dns_wr *w, void *buf, size_t cap);
int dns_wr_fail(struct dns_wr *w, int err);
void dns_wr_u8(struct dns_wr *w, uint8_t v);
void dns_wr_u16(struct dns_wr *w, uint16_t v);
void dns_wr_u32(struct dns_wr *w, uint32_t v);
void dns_wr_bytes(struct dns_wr *w, const void *p, size_t n);
/* Overwrite a 16-bit value already written at off (lengths, counts). */
void dns_wr_put16(struct dns_wr *w, size_t off, uint16_t v);

static inline uint16_t
dns_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
dns_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

#endif
