/*
 * base64.h — RFC 4648 base64 (standard alphabet, with padding).
 */
#ifndef XFRSYNC_NET_BASE64_H
#define XFRSYNC_NET_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include "net/text.h"

/* Append the base64 of p[0..n) to t. */
void dns_tb_base64(struct dns_tb *t, const uint8_t *p, size_t n);

/*
 * Decode s[0..n); blanks (space, tab, CR, LF, parentheses) between
 * characters are skipped.  Padding is required to complete the last
 * quantum; non-zero trailing bits are an error.  Returns the decoded
 * length, or DNS_ESYNTAX / DNS_ESPACE.
 */
int dns_base64_decode(const char *s, size_t n, uint8_t *out, size_t cap);

#endif
