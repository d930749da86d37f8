/*
 * name.h — domain names in uncompressed wire form.
 *
 * A name is held as its wire form (length-prefixed labels ending with the
 * root label), at most DNS_NAME_MAX bytes, case kept as received.
 * Comparisons ignore ASCII case.  Reading decompresses, with every pointer
 * strictly below everything read so far for that name (loops are
 * impossible by construction); writing compresses against a table of names
 * already in the message.
 */
#ifndef XFRSYNC_NET_NAME_H
#define XFRSYNC_NET_NAME_H

#include <stddef.h>
#include <stdint.h>

#include "net/wire.h"

#define DNS_NAME_MAX 255
#define DNS_LABEL_MAX 63
/* Longest presentation form: every byte as \DDD, dots, NUL. */
#define DNS_NAME_TEXT_MAX (4 * DNS_NAME_MAX + 2)

/*
 * Read a name at r->off.  allow_ptr: 1 where compression is legal, 0 where
 * a pointer is an error (DNS_ECOMPRESS).  Writes the uncompressed name to
 * out[DNS_NAME_MAX] and returns its length, or 0 with r->err latched.
 */
size_t dns_name_read(struct dns_rd *r, uint8_t *out, int allow_ptr);

/* Wire length of a well-formed uncompressed name. */
size_t dns_name_len(const uint8_t *name);
/* Number of labels, not counting the root. */
unsigned dns_name_labels(const uint8_t *name);
/* 1 if equal ignoring ASCII case. */
int dns_name_eq(const uint8_t *a, const uint8_t *b);
/* Canonical order of RFC 4034 §6.1: <0, 0, >0. */
int dns_name_cmp(const uint8_t *a, const uint8_t *b);
/* 1 if name is zone or below it. */
int dns_name_is_sub(const uint8_t *name, const uint8_t *zone);
/* Lowercase ASCII letters in place. */
void dns_name_lower(uint8_t *name);

/*
 * Presentation form, absolute with the final dot, \DDD for bytes outside
 * 0x21..0x7e and a backslash before . ; \ ( ) " @ $ (BIND's master-file
 * escapes).  snprintf-style: returns the length the text needs (without
 * NUL) and writes at most cap bytes including the NUL.
 */
size_t dns_name_to_text(const uint8_t *name, char *buf, size_t cap);

/*
 * Parse n bytes of presentation text.  "@" is the origin; a name without a
 * final dot is relative to origin (an error when origin is NULL).  Returns
 * the wire length written to out[DNS_NAME_MAX], or a negative DNS_E*.
 */
int dns_name_from_text(const char *s, size_t n, const uint8_t *origin,
    uint8_t *out);

/* Compression table for building one message. */
#define DNS_CTAB_MAX 64
struct dns_ctab {
	uint16_t off[DNS_CTAB_MAX]; /* offsets of label starts in the message */
	unsigned n;
};

void dns_ctab_init(struct dns_ctab *ct);
/* Append name to w, compressed against ct (NULL: no compression). */
void dns_name_write(struct dns_wr *w, const uint8_t *name,
    struct dns_ctab *ct);

#endif
