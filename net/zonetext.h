/*
 * zonetext.h — one RR in zone-file (presentation) form, both ways.
 *
 * Output: "owner<TAB>ttl<TAB>class<TAB>type<TAB>rdata", as dig prints an
 * RR (after whitespace normalisation).  Input: one RR,
 * "owner [ttl] [class] type rdata" with ttl and class in either order,
 * parentheses spanning lines and ';' comments allowed.
 */
#ifndef XFRSYNC_NET_ZONETEXT_H
#define XFRSYNC_NET_ZONETEXT_H

#include <stddef.h>
#include <stdint.h>

#include "net/msg.h"
#include "net/text.h"

void dns_rr_to_text(struct dns_tb *t, const struct dns_rr *rr);

/*
 * Parse one RR from s[0..n).  Relative names are completed with origin
 * (NULL: names must be absolute); "@" is the origin.  A missing TTL takes
 * default_ttl, or is an error when default_ttl is negative; a missing
 * class is IN.  RDATA goes into rdbuf[0..cap).  Returns 0 or a negative
 * DNS_E*.
 */
int dns_rr_from_text(const char *s, size_t n, const uint8_t *origin,
    long default_ttl, struct dns_rr *rr, uint8_t *rdbuf, size_t cap);

#endif
