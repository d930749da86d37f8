/*
 * svcb.h — SvcParams of SVCB and HTTPS records (RFC 9460).
 *
 * The SvcParams are the RDATA after SvcPriority and TargetName.  Keys:
 * mandatory(0) alpn(1) no-default-alpn(2) port(3) ipv4hint(4) ech(5)
 * ipv6hint(6) dohpath(7); any other as keyNNNNN.
 */
#ifndef XFRSYNC_NET_SVCB_H
#define XFRSYNC_NET_SVCB_H

#include <stddef.h>
#include <stdint.h>

#include "net/text.h"

/*
 * Validate SvcParams wire data p[0..n): keys strictly increasing, each
 * value within n and well-formed for its key.  0 or DNS_ERDATA.
 */
int dns_svcb_check(const uint8_t *p, size_t n);

/*
 * Append the presentation form (" key=value" for each param, each
 * preceded by one space) exactly as BIND 9.18's dig prints it.
 * p[0..n) must have passed dns_svcb_check.
 */
void dns_svcb_to_text(struct dns_tb *t, const uint8_t *p, size_t n);

/*
 * Parse SvcParams from the tokens left in k (to its end) into wire form,
 * sorted by key, in out[0..cap).  Returns the length, or a negative
 * DNS_E* (DNS_ESYNTAX for text that is not a valid SvcParam list).
 */
int dns_svcb_from_text(struct dns_tok *k, uint8_t *out, size_t cap);

#endif
