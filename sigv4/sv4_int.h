/*
 * sv4_int.h — what sigv4/'s two files share; not part of the API.
 *
 * A sink receives the text of the canonical request, the string to sign
 * or the Authorization value as it is produced: it hashes (SHA-256) or
 * MACs (HMAC-SHA-256) it when asked, keeps as much of it as fits in the
 * caller's buffer, and counts its full length.  Small writes are staged,
 * so byte-at-a-time producers cost little.
 */
#ifndef XFRSYNC_SIGV4_SV4_INT_H
#define XFRSYNC_SIGV4_SV4_INT_H

#include <stddef.h>

/* BearSSL's headers test an undefined macro with #if (-Wundef). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <bearssl_hash.h>
#include <bearssl_hmac.h>
#pragma GCC diagnostic pop

#include "sigv4/sigv4.h"

struct sv4_sink {
	br_sha256_context *sha;  /* NULL: not hashed */
	br_hmac_context *mac;    /* NULL: not MACed */
	char *buf;               /* NULL: not kept */
	size_t size;
	size_t len;              /* bytes put so far (kept or not) */
	size_t nstage;
	char stage[128];
};

/* A sink over the given consumers (any may be NULL). */
void sv4_sink_init(struct sv4_sink *s, br_sha256_context *sha,
    br_hmac_context *mac, char *buf, size_t size);
void sv4_put(struct sv4_sink *s, const void *p, size_t n);
void sv4_puts(struct sv4_sink *s, const char *str);
void sv4_putc(struct sv4_sink *s, char c);
/* Flush and NUL-terminate; SV4_OK, or SV4_ESPACE if the text was cut. */
int sv4_sink_end(struct sv4_sink *s);

/*
 * The request's headers as the canonical request sees them: the caller's
 * list minus the unsigned ones, plus x-amz-date (always) and
 * x-amz-security-token (when token is not NULL), which replace any the
 * caller gave.
 */
struct sv4_hdrs {
	const struct sv4_header *h;
	size_t n;
	const char *date;   /* value of x-amz-date */
	const char *token;  /* value of x-amz-security-token, or NULL */
	int drop_token;     /* leave out the caller's x-amz-security-token */
};

/* 1 if name (len bytes) equals lower, a lowercase name, ignoring case. */
int sv4_name_is(const char *name, size_t len, const char *lower);
/* 1 if a value, trimmed and with inner whitespace runs collapsed, is s. */
int sv4_value_is(const char *v, size_t len, const char *s);

/* Checks done before anything is written. */
int sv4_check_escapes(const char *s, size_t len);       /* SV4_EESCAPE */
int sv4_check_header(const struct sv4_header *h);       /* SV4_EHEADER */

/* Writers of the pieces of the canonical request (inputs checked). */
void sv4_put_uri(struct sv4_sink *s, const char *path, size_t len,
    unsigned flags);
void sv4_put_query(struct sv4_sink *s, const char *q, size_t len);
void sv4_put_headers(struct sv4_sink *s, const struct sv4_hdrs *hd);
void sv4_put_signed_headers(struct sv4_sink *s, const struct sv4_hdrs *hd);

/* Zero n bytes in a way the compiler cannot drop. */
void sv4_wipe(void *p, size_t n);

#endif
