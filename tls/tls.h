/*
 * tls.h — a TLS 1.2 client (BearSSL) behind the byte-stream interface of
 * net/stream.h, so that HTTP runs over it exactly as over plain TCP.
 *
 * The engine does no I/O: the caller (agent/) moves record bytes between
 * its non-blocking socket and the stream, and the HTTP engine uses the
 * application side.  The caller passes the current time (certificate
 * validity is checked against it), the host name (sent as SNI, checked
 * against the certificate) and the trust anchors: the ones compiled in
 * (tls_anchors_builtin, C generated at build time from Debian's
 * ca-certificates by scripts/gen-anchors.py) or a CA file
 * (tls_ca_file_load), never both — like curl's --cacert, a CA file
 * replaces the built-in set.  A host given as an IP address is checked
 * against the certificate's DNS names like any name (BearSSL has no
 * iPAddress matching), so use a name and connect to the address.
 *
 * Cipher suites: TLS 1.2 only, ECDHE key exchange (forward secrecy) with
 * ECDSA or RSA certificates, AEAD records only: AES-128/256-GCM and
 * ChaCha20-Poly1305.  ChaCha20 comes first unless the CPU has AES
 * instructions.  Signatures (certificates, key exchange) with SHA-256,
 * SHA-384 or SHA-512 only: no MD5 or SHA-1 (RFC 9155).  No RSA key exchange, CBC, CCM or 3DES: Route53, STS and
 * the EC2/ECS endpoints all offer ECDHE-RSA-AES128-GCM-SHA256, and the
 * smaller set keeps BearSSL's unused code out of the static binary.
 *
 * Sessions: a struct tls_sessions (caller-owned) remembers the session
 * parameters per host and port; the next connection to the same place
 * offers them, and the server may resume (abbreviated handshake: no
 * certificate, no key exchange).  A failed handshake forgets the entry;
 * an entry older than TLS_SESSION_LIFETIME is not offered.
 *
 * Randomness: every stream is seeded with 32 bytes from getrandom().  If
 * the kernel's pool is not initialised yet (early boot), tls_stream_start
 * returns TLS_E_AGAIN: the caller logs it and retries later (or calls
 * tls_random_wait()).  There is no fallback to a weaker source, and
 * BearSSL's own seeder (/dev/urandom, RDRAND) is not used.
 */
#ifndef XFRSYNC_TLS_TLS_H
#define XFRSYNC_TLS_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "net/stream.h"

enum tls_err {
	TLS_OK = 0,
	TLS_E_AGAIN = -1,      /* the kernel's random pool is not ready */
	TLS_E_RANDOM = -2,     /* getrandom() failed */
	TLS_E_HOST = -3,       /* host name empty or longer than 255 */
	TLS_E_ENGINE = -4,     /* BearSSL refused to start (see the stream) */
	TLS_E_FILE = -5,       /* CA file unreadable */
	TLS_E_PEM = -6,        /* CA file: malformed PEM */
	TLS_E_CERT = -7,       /* CA file: malformed certificate */
	TLS_E_KEY = -8,        /* CA file: unsupported public key */
	TLS_E_EMPTY = -9,      /* CA file: no certificate in it */
	TLS_E_NOMEM = -10      /* out of memory while loading a CA file */
};

/* A short English description of a TLS_E_* code (never NULL). */
const char *tls_strerror(int err);

/* ---- trust anchors ----------------------------------------------------------- */

struct tls_anchors {
	const br_x509_trust_anchor *ta;
	size_t n;
};

/* The anchors compiled in (Kconfig: Route53's roots or the whole bundle). */
void tls_anchors_builtin(struct tls_anchors *a);

/* Anchors loaded from a PEM file (allocated; start-up only). */
struct tls_ca {
	br_x509_trust_anchor *ta;
	size_t n;
};

/*
 * Load every CERTIFICATE of a PEM file as a trust anchor (a CA when its
 * basicConstraints say so, else the exact server key).  On failure
 * returns a TLS_E_* code with a one-line cause in err (file name,
 * certificate number); ca is then empty.
 */
int tls_ca_file_load(const char *path, struct tls_ca *ca, char *err,
    size_t errlen);
void tls_ca_free(struct tls_ca *ca);
static inline void
tls_ca_anchors(const struct tls_ca *ca, struct tls_anchors *a)
{
	a->ta = ca->ta;
	a->n = ca->n;
}

/* ---- sessions ---------------------------------------------------------------- */

#define TLS_SESSIONS_MAX 8
/* Offer a session for at most this long (RFC 5246 F.1.4: 24 hours). */
#define TLS_SESSION_LIFETIME 86400

struct tls_sessions {
	struct {
		char host[256];
		uint16_t port;
		uint8_t valid;
		uint64_t used;                 /* LRU stamp */
		int64_t when;                  /* established (caller's clock) */
		br_ssl_session_parameters sp;  /* holds the master secret */
	} e[TLS_SESSIONS_MAX];
	uint64_t clock;
};

void tls_sessions_init(struct tls_sessions *s);
/* Forget every session, wiping the master secrets. */
void tls_sessions_wipe(struct tls_sessions *s);

/* ---- streams ------------------------------------------------------------------ */

/* Output record buffer: 4 KiB of plaintext per record, plus overhead. */
#define TLS_OUT_RECORD (4096 + 85)

/* The X.509 engine wrapped to tell "expired" from "not yet valid". */
struct tls_x509 {
	const br_x509_class *vtable;
	br_x509_minimal_context minimal;
	br_x509_decoder_context dec;
	uint32_t days, secs;         /* now */
	int index;                   /* certificate being read (0: server) */
	int bad_index;               /* first certificate out of its dates */
	int bad_when;                /* -1 not yet valid, 1 expired */
	uint32_t bad_days, bad_secs; /* its notBefore or notAfter */
};

struct tls_stream {
	struct xs_stream base;
	br_ssl_client_context cc;
	struct tls_x509 x;
	struct tls_sessions *cache;
	char host[256];
	uint16_t port;
	uint8_t offered[32];         /* session ID offered for resumption */
	size_t offered_len;
	int started, eof, hs_done, resumed, err;
	int64_t now;
	char why[192];               /* xs_strerror() once failed */
	/* Full-size input (a server may send 16 KiB records); smaller
	 * output records save 12 KiB per stream at <1% more overhead. */
	unsigned char iobuf[BR_SSL_BUFSIZE_INPUT + TLS_OUT_RECORD];
};

/*
 * Start a client handshake to host (port: the session-cache key).  now is
 * the current time in seconds since the epoch.  cache may be NULL (no
 * resumption).  Returns 0, TLS_E_AGAIN (retry later, nothing started),
 * TLS_E_RANDOM, TLS_E_HOST or TLS_E_ENGINE.  Then drive t->base.
 */
int tls_stream_start(struct tls_stream *t, const struct tls_anchors *ta,
    struct tls_sessions *cache, const char *host, uint16_t port,
    int64_t now);

/* 1 once the handshake has completed. */
int tls_stream_ready(const struct tls_stream *t);
/* 1 if the handshake resumed a cached session. */
int tls_stream_resumed(const struct tls_stream *t);
/* The negotiated cipher suite, e.g. "ECDHE-RSA-AES128-GCM-SHA256". */
const char *tls_stream_suite(const struct tls_stream *t);
/* Wipe keys and buffers (the session cache keeps its own copy). */
void tls_stream_wipe(struct tls_stream *t);

/* ---- randomness ---------------------------------------------------------------- */

/* Fill buf from getrandom(): 0, TLS_E_AGAIN (pool not ready), TLS_E_RANDOM. */
int tls_random(void *buf, size_t len);
/* Block until the kernel's pool is initialised (for command-line tools). */
int tls_random_wait(void);

#endif
