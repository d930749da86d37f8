/*
 * tsig.h — TSIG transaction signatures (RFC 8945) with BearSSL's HMAC.
 *
 * A struct tsig_ctx follows one exchange: a signed request and its answer
 * (one message, or the many messages of a zone transfer), or, on the server
 * side, a signed request (NOTIFY) and the signed reply.  It keeps the prior
 * MAC and a running HMAC over unsigned intermediate messages, so a
 * transfer may carry up to 99 unsigned messages in a row between signed
 * ones; the first and the last message must be signed.
 *
 * Checks, in this order (RFC 8945 §5.2): key (name and algorithm), MAC
 * (full length only), then time (|now - time signed| <= fudge, and never
 * earlier than the previous signed message of the same exchange).
 * Algorithms are those enabled in Kconfig (CONFIG_TSIG_HMAC_*).
 * No function here reads the clock: the caller passes `now`.
 */
#ifndef XFRSYNC_NET_TSIG_H
#define XFRSYNC_NET_TSIG_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl_hmac.h>

#include "net/name.h"

#define TSIG_MAC_MAX 64        /* SHA-512 */
#define TSIG_SECRET_MAX 128
#define TSIG_FUDGE 300
#define TSIG_MAX_UNSIGNED 99   /* unsigned messages in a row */
/* Bytes a TSIG RR may add to a message (name, algorithm, MAC, other). */
#define TSIG_RR_MAX (2 * DNS_NAME_MAX + 10 + 16 + TSIG_MAC_MAX + 6)

enum tsig_alg {
	TSIG_ALG_NONE = 0,
	TSIG_HMAC_SHA1, TSIG_HMAC_SHA224, TSIG_HMAC_SHA256,
	TSIG_HMAC_SHA384, TSIG_HMAC_SHA512
};

struct tsig_key {
	uint8_t name[DNS_NAME_MAX];     /* wire form, lowercased */
	uint8_t alg;                    /* enum tsig_alg */
	uint8_t secret[TSIG_SECRET_MAX];
	size_t secret_len;
};

/* "hmac-sha256" (any case, final dot optional) -> enum tsig_alg; 0 when
 * unknown or not enabled in this build. */
int tsig_alg_from_text(const char *s, size_t n);
/* The algorithm's name in wire form ("\013hmac-sha256"), NULL if none. */
const uint8_t *tsig_alg_name(int alg);
/* Presentation name ("hmac-sha256"). */
const char *tsig_alg_text(int alg);

/*
 * Fill k from text: algorithm name, key name (absolute or not: a final
 * dot is implied) and base64 secret.  0, DNS_EBADKEY (algorithm), or
 * DNS_ESYNTAX (name or secret).
 */
int tsig_key_set(struct tsig_key *k, const char *alg, const char *name,
    const char *secret_b64);
/* Overwrite the secret. */
void tsig_key_wipe(struct tsig_key *k);

struct tsig_ctx {
	const struct tsig_key *key;
	uint8_t mac[TSIG_MAC_MAX];      /* prior MAC: request's, or last one */
	size_t mac_len;
	br_hmac_key_context kc;
	br_hmac_context run;            /* covers unsigned messages so far */
	unsigned unsigned_run;          /* unsigned messages since the last signed */
	unsigned messages;              /* answer messages seen */
	uint64_t last_time;             /* time signed of the last verified one */
	uint16_t server_error;          /* TSIG error field the peer sent */
	uint64_t server_time;           /* peer's clock, from BADTIME Other Data */
};

/* Start an exchange with key (never NULL). */
void tsig_init(struct tsig_ctx *c, const struct tsig_key *key);

/*
 * Sign msg[0..*len) in place: append a TSIG RR (fudge TSIG_FUDGE), bump
 * ARCOUNT and update *len (cap is the buffer size).  A request is signed
 * on its own; a reply (server side, after tsig_verify_request) covers the
 * request's MAC.  error: the TSIG error to report (0, or DNS_R_BADTIME
 * etc.; with BADTIME, Other Data carries `now`).  The new MAC becomes the
 * prior MAC.  0 or DNS_ESPACE.
 */
int tsig_sign(struct tsig_ctx *c, uint8_t *msg, size_t *len, size_t cap,
    uint64_t now, uint16_t error);

/*
 * Verify the next message of the answer to a request signed with c.
 * A message without TSIG is accepted when it is not the first and fewer
 * than TSIG_MAX_UNSIGNED came in a row (it is then covered by the next
 * signed one).  Returns 0, DNS_ENOSIG, DNS_EBADKEY, DNS_EBADSIG,
 * DNS_EBADTRUNC, DNS_EBADTIME, or a parse error.  When the peer itself
 * reported an error (an unsigned TSIG with BADKEY/BADSIG/BADTIME), the
 * matching DNS_E* is returned and c->server_error/server_time tell more.
 */
int tsig_verify(struct tsig_ctx *c, const uint8_t *msg, size_t len,
    uint64_t now);

/* The answer is complete: 0 if its last message was signed, else
 * DNS_ENOSIG. */
int tsig_end(const struct tsig_ctx *c);

/*
 * Server side: verify a request signed with one of keys[0..nkeys).  On 0,
 * c is ready for tsig_sign of the reply.  On DNS_EBADKEY, DNS_EBADSIG,
 * DNS_EBADTIME the reply should carry that TSIG error (RFC 8945 §5.3:
 * BADKEY/BADSIG replies are unsigned, BADTIME replies are signed);
 * DNS_ENOSIG means the request carries no TSIG at all.
 */
int tsig_verify_request(struct tsig_ctx *c, const struct tsig_key *keys,
    size_t nkeys, const uint8_t *msg, size_t len, uint64_t now);

/* 1 if msg carries a TSIG RR (cheap: looks only at the last RR). */
int tsig_present(const uint8_t *msg, size_t len);

#endif
