/*
 * rdata.h — RDATA of every type: structure, validation, (de)compression.
 *
 * RDATA is held in canonical uncompressed wire form.  Types with a schema
 * below are validated field by field; every other type is opaque (RFC 3597)
 * and passes through byte for byte.  Names are decompressed only inside the
 * RDATA of types that allow it (RFC 3597 §4) and compressed on output only
 * for the RFC 1035 types.
 */
#ifndef XFRSYNC_NET_RDATA_H
#define XFRSYNC_NET_RDATA_H

#include <stddef.h>
#include <stdint.h>

#include "net/name.h"
#include "net/text.h"
#include "net/wire.h"

/* Longest canonical RDATA (names expanded). */
#define DNS_RDATA_MAX 65535

/* Field kinds of a schema. */
enum dns_rf {
	DNS_RF_END = 0,
	DNS_RF_U8, DNS_RF_U16, DNS_RF_U32,
	DNS_RF_A,       /* 4-byte IPv4 address */
	DNS_RF_AAAA,    /* 16-byte IPv6 address */
	DNS_RF_NAME_C,  /* name: decompress on read, compress on write */
	DNS_RF_NAME_D,  /* name: decompress on read, never compress */
	DNS_RF_NAME,    /* name: no compression either way */
	DNS_RF_STR,     /* one <character-string> */
	DNS_RF_STRS,    /* one or more character-strings to the end */
	DNS_RF_TAG,     /* CAA tag: length-prefixed, 1..255 alphanumerics */
	DNS_RF_REST,    /* the rest as one unprefixed string (CAA value) */
	DNS_RF_HEX,     /* the rest as hex (may be empty) */
	DNS_RF_HEX1,    /* the rest as hex, at least one byte */
	DNS_RF_SVCP,    /* the rest: SVCB/HTTPS SvcParams */
	DNS_RF_B64LEN,  /* u16 length then that many bytes, text base64 */
	DNS_RF_TIME48,  /* 48-bit seconds (TSIG time signed) */
	DNS_RF_RCODE    /* u16 printed as an RCODE mnemonic (TSIG error) */
};

struct dns_rdesc {
	uint16_t type;
	uint8_t text;      /* 1: native presentation; 0: RFC 3597 form */
	uint8_t f[10];     /* fields, DNS_RF_END-terminated */
};

/* The schema of a type, or NULL for opaque types. */
const struct dns_rdesc *dns_rdesc(uint16_t type);

/*
 * Read rdlen bytes of RDATA of the given type at r->off (r covers the
 * whole message, so compression pointers resolve), validate them and
 * write the canonical form to out[0..cap).  Returns the canonical length;
 * on failure returns 0 and latches the error in r.  r->off moves past
 * the RDATA either way.
 */
size_t dns_rdata_unpack(struct dns_rd *r, uint16_t type, uint16_t rdlen,
    uint8_t *out, size_t cap);

/* Validate canonical RDATA (no pointers).  0 or a negative DNS_E*. */
int dns_rdata_check(uint16_t type, const uint8_t *rd, size_t len);

/*
 * Write RDLENGTH and the RDATA, compressing names of RFC 1035 types
 * against ct (NULL: no compression).
 */
void dns_rdata_pack(struct dns_wr *w, uint16_t type, const uint8_t *rd,
    size_t len, struct dns_ctab *ct);

/*
 * Append the presentation form of canonical RDATA: the native form for
 * types with text=1 (as dig +nosplit prints it), else RFC 3597
 * "\# LEN HEX".  rd must have passed dns_rdata_check/unpack.
 */
void dns_rdata_to_text(struct dns_tb *t, uint16_t type, const uint8_t *rd,
    size_t len);

/*
 * Parse the presentation form from the tokens of k (to its end) into
 * canonical RDATA in out[0..cap).  The RFC 3597 form is accepted for every
 * type.  Relative names are completed with origin (may be NULL).  Returns
 * the length or a negative DNS_E*.
 */
int dns_rdata_from_text(struct dns_tok *k, uint16_t type,
    const uint8_t *origin, uint8_t *out, size_t cap);

#endif
