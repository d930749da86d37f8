/*
 * soaq.h — the SOA query a secondary sends to learn a primary's serial.
 *
 * Build the query (signed when a TSIG context is given) and check the
 * answer: same ID and question, QR and AA set, NOERROR, exactly one SOA
 * owned by the apex in the answer section.  A referral, a CNAME, NODATA or
 * a non-authoritative answer are failures of that primary.
 */
#ifndef XFRSYNC_NET_SOAQ_H
#define XFRSYNC_NET_SOAQ_H

#include <stddef.h>
#include <stdint.h>

#include "net/tsig.h"

/* The query in buf[0..cap); returns its length or a negative DNS_E*. */
int soaq_build(const uint8_t *zone, uint16_t id, struct tsig_ctx *tsig,
    uint8_t *buf, size_t cap, uint64_t now);

/* Outcome of soaq_check. */
struct soaq_answer {
	uint32_t serial;
	uint32_t refresh, retry, expire; /* the SOA's timers */
	int truncated;      /* TC=1: ask again over TCP */
	int rcode;          /* the server's RCODE */
	const char *why;    /* on failure, what was wrong (static string) */
};

/*
 * Check an answer to the query with id for zone.  tsig: the context that
 * signed the query, or NULL.  Returns 0 with a filled, or a negative
 * DNS_E* with a->why (and a->truncated for TC=1).
 */
int soaq_check(const uint8_t *msg, size_t len, uint16_t id,
    const uint8_t *zone, struct tsig_ctx *tsig, uint64_t now,
    struct soaq_answer *a);

#endif
