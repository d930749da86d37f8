/*
 * sigv4.h — AWS Signature Version 4 (AWS4-HMAC-SHA256, Authorization
 * header form).
 *
 * Pure functions over the caller's buffers: no clock (the caller passes
 * the time), no I/O, no allocation.  The canonical request and the string
 * to sign are hashed while they are produced, so signing needs no buffer
 * for them; they are also written out only when the caller asks (for
 * debugging and the conformance tests).
 *
 * What is signed, per the AWS SigV4 test suite and the AWS SDKs:
 *
 *   path    As it appears in the request line (already percent-encoded once
 *           for the wire).  Dot segments and empty segments are removed
 *           ("//a/./b/../c" -> "/a/c"); a trailing slash stays when the
 *           path ended with one and something is left.  Unlike RFC 3986
 *           section 5.2.4, a final "." or ".." leaves no trailing slash
 *           ("/a/b/.." -> "/a"), as botocore and aws-c-auth do.  Every byte
 *           except the RFC 3986 unreserved characters and '/' is then
 *           percent-encoded with uppercase hex, '%' included: a path sent as
 *           "/a%20b" is signed as "/a%2520b".  This is the suite's "double
 *           encoding" rule for every service except S3.  With SV4_S3 the
 *           path is not normalised and is encoded once: escapes are decoded,
 *           then everything is encoded again.
 *   query   Split on '&' (empty pieces are dropped), each piece into a key
 *           and a value at its first '=' (no '=' means an empty value, and
 *           the canonical form still has the '=').  Keys and values are
 *           percent-decoded and encoded again (unreserved characters stay,
 *           everything else becomes %XX, uppercase; '+' is a literal plus,
 *           not a space), then sorted by encoded key, then encoded value.
 *   headers Names lowercased, sorted; the values of a repeated name are
 *           joined with ',' in request order.  Each value is trimmed and
 *           every run of whitespace inside it (space, tab, CR, LF, VT, FF;
 *           so obs-fold continuation lines too, and inside quotes too)
 *           becomes one space.  Every header given is signed except
 *           Authorization, User-Agent, Expect and X-Amzn-Trace-Id.  A Host
 *           header is required.  X-Amz-Date (and X-Amz-Security-Token when
 *           the credentials carry a session token) are signed even when the
 *           caller's list lacks them: the caller adds them to the request it
 *           sends, with exactly the values it passed in here.
 *
 * Typical use (Route53):
 *
 *	struct sv4_key_cache cache;          // once, for the process
 *	sv4_key_cache_init(&cache);
 *	...
 *	char hash[SV4_HASH_HEX_LEN + 1], date[SV4_AMZ_DATE_LEN + 1], auth[512];
 *	sv4_payload_hash(body, body_len, hash);
 *	sv4_amz_date(time_now, date);
 *	struct sv4_request rq = { "POST", path, path_len, NULL, 0,
 *	    headers, nheaders, hash, 0 };
 *	struct sv4_output out = { .authorization = auth,
 *	    .authorization_size = sizeof auth };
 *	rc = sv4_sign(&rq, &creds, "us-east-1", "route53", date, &cache, &out);
 *	// send: headers, "X-Amz-Date: <date>",
 *	// ("X-Amz-Security-Token: <token>",) "Authorization: <auth>"
 */
#ifndef XFRSYNC_SIGV4_SIGV4_H
#define XFRSYNC_SIGV4_SIGV4_H

#include <stddef.h>
#include <stdint.h>

#define SV4_HASH_HEX_LEN 64     /* hex SHA-256 */
#define SV4_AMZ_DATE_LEN 16     /* "YYYYMMDDTHHMMSSZ" */
#define SV4_KEY_LEN 32          /* a derived signing key */
#define SV4_NAME_MAX 63         /* longest region or service name */
#define SV4_CACHE_SLOTS 4       /* signing keys one cache holds */

enum sv4_err {
	SV4_OK = 0,
	SV4_ESPACE = -1,    /* an output buffer is too small */
	SV4_EDATE = -2,     /* not a valid YYYYMMDDTHHMMSSZ time (or year) */
	SV4_ESCOPE = -3,    /* region or service empty, too long, or not
	                       [A-Za-z0-9._-] */
	SV4_ECREDS = -4,    /* access key id or secret missing or malformed */
	SV4_EMETHOD = -5,   /* method empty or not an HTTP token */
	SV4_EESCAPE = -6,   /* '%' not followed by two hex digits (query,
	                       S3 path) */
	SV4_EHEADER = -7,   /* header name not a token, or a control byte in
	                       a value */
	SV4_ENOHOST = -8,   /* no Host header */
	SV4_ECONFLICT = -9, /* an X-Amz-Date or X-Amz-Security-Token header
	                       differs from the date or token being signed */
	SV4_EHASH = -10     /* payload hash empty or with a space or control
	                       byte */
};

/* A short English description of an SV4_E* code (never NULL). */
const char *sv4_strerror(int err);

/* One request header, exactly as given (name case, spacing, folding). */
struct sv4_header {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

/*
 * Credentials.  secret is never copied, printed or kept (the cache keeps
 * only keys derived from it).  session_token is NULL or "" without one.
 */
struct sv4_creds {
	const char *access_key_id;
	const char *secret;
	const char *session_token;
};

/* Flags of struct sv4_request. */
enum {
	SV4_S3 = 1u,             /* S3 rules for the path (see above) */
	SV4_TOKEN_UNSIGNED = 2u  /* the session token is sent but not signed:
	                            added to the request after signing (a
	                            few services; the suite's
	                            post-sts-header-after) */
};

struct sv4_request {
	const char *method;        /* "GET", "POST", ... as sent */
	const char *path;          /* path of the request target, as sent */
	size_t path_len;
	const char *query;         /* after the '?', without it; NULL if none */
	size_t query_len;
	const struct sv4_header *headers;
	size_t header_count;
	const char *payload_hash;  /* sv4_payload_hash() of the body, or the
	                              value of X-Amz-Content-SHA256 (S3's
	                              "UNSIGNED-PAYLOAD") */
	unsigned flags;            /* SV4_S3, SV4_TOKEN_UNSIGNED */
};

/*
 * What sv4_sign() writes.  The caller points authorization at a buffer
 * (about 200 bytes plus the signed header names is enough); the canonical
 * request and the string to sign are written only where their pointer is
 * not NULL.  Every text is NUL-terminated and truncated to its buffer;
 * the *_len fields receive the full length of each text (without the NUL)
 * whether or not it fitted, snprintf-style.
 */
struct sv4_output {
	char *authorization;
	size_t authorization_size;
	char *canonical_request;
	size_t canonical_request_size;
	char *string_to_sign;
	size_t string_to_sign_size;
	size_t authorization_len;
	size_t canonical_request_len;
	size_t string_to_sign_len;
};

/*
 * Signing keys derived per (secret, date, region, service), so that a run
 * of requests does not recompute the four-HMAC chain each time.  Owned by
 * the caller (one per process is enough); the least recently used of
 * SV4_CACHE_SLOTS keys is replaced.  A changed secret never hits: a slot
 * also records the SHA-256 of the secret it was derived from.  hits and
 * misses count lookups (tests, metrics).
 */
struct sv4_key_cache {
	struct sv4_cached_key {
		uint8_t secret_id[32];
		char date[8];
		char region[SV4_NAME_MAX + 1];
		char service[SV4_NAME_MAX + 1];
		uint8_t key[SV4_KEY_LEN];
		unsigned long used;  /* 0: empty slot */
	} slot[SV4_CACHE_SLOTS];
	unsigned long tick;
	unsigned long hits, misses;
};

/* Empty the cache (also what zero-initialisation gives). */
void sv4_key_cache_init(struct sv4_key_cache *c);

/* Forget every key, overwriting them (call when the credentials go). */
void sv4_key_cache_wipe(struct sv4_key_cache *c);

/*
 * Sign a request: build the canonical request, the string to sign, the
 * signature and the Authorization header value ("AWS4-HMAC-SHA256
 * Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=...,
 * Signature=...").  amz_date is "YYYYMMDDTHHMMSSZ" (UTC).  cache may be
 * NULL (the key is then derived for this call only).
 * Returns SV4_OK, SV4_ESPACE when a buffer was too small (the lengths say
 * how much was needed; nothing is valid then), or another SV4_E* error
 * about the input (and then no length is meaningful).
 */
int sv4_sign(const struct sv4_request *rq, const struct sv4_creds *cr,
    const char *region, const char *service, const char *amz_date,
    struct sv4_key_cache *cache, struct sv4_output *out);

/*
 * Derive the signing key: HMAC(HMAC(HMAC(HMAC("AWS4" secret, date8),
 * region), service), "aws4_request").  date8 is "YYYYMMDD".  Returns
 * SV4_OK, SV4_EDATE, SV4_ESCOPE or SV4_ECREDS.
 */
int sv4_signing_key(const char *secret, const char *date8,
    const char *region, const char *service, uint8_t key[SV4_KEY_LEN]);

/*
 * The same through the cache: copy the key for (secret, date8, region,
 * service) into key, deriving and storing it if it is not there.
 */
int sv4_key_cache_get(struct sv4_key_cache *c, const char *secret,
    const char *date8, const char *region, const char *service,
    uint8_t key[SV4_KEY_LEN]);

/* Lowercase hex SHA-256 of body (NUL-terminated; len 0: e3b0c442...). */
void sv4_payload_hash(const void *body, size_t len,
    char hex[SV4_HASH_HEX_LEN + 1]);

/*
 * Format seconds since 1970-01-01 UTC as "YYYYMMDDTHHMMSSZ" (years
 * 1970-9999).  Returns SV4_OK or SV4_EDATE.
 */
int sv4_amz_date(int64_t unix_seconds, char out[SV4_AMZ_DATE_LEN + 1]);

/* SV4_OK if s is a valid "YYYYMMDDTHHMMSSZ" time, else SV4_EDATE. */
int sv4_check_amz_date(const char *s);

/*
 * The canonical forms on their own (for tests and debugging).  Each
 * writes a NUL-terminated text into out[size], truncated if need be,
 * stores its full length in *len and returns SV4_OK, SV4_ESPACE when it
 * did not fit, or SV4_EESCAPE.
 */
int sv4_canonical_uri(const char *path, size_t path_len, unsigned flags,
    char *out, size_t size, size_t *len);
int sv4_canonical_query(const char *query, size_t query_len, char *out,
    size_t size, size_t *len);

#endif
