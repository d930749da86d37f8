/*
 * tls.c — BearSSL's client engine as a struct xs_stream: set-up with the
 * tailored suite set, the session cache, the X.509 wrapper that dates a
 * validity failure, and the error texts.  See tls.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "tls/tls.h"

/* Days from 0000-01-01 to 1970-01-01, in BearSSL's proleptic calendar. */
#define EPOCH_DAYS 719528u

const char *
tls_strerror(int err)
{
	switch (err) {
	case TLS_OK: return "success";
	case TLS_E_AGAIN: return "kernel random pool not initialised yet";
	case TLS_E_RANDOM: return "getrandom failed";
	case TLS_E_HOST: return "bad TLS server name";
	case TLS_E_ENGINE: return "TLS engine failed to start";
	case TLS_E_FILE: return "cannot read CA file";
	case TLS_E_PEM: return "malformed PEM in CA file";
	case TLS_E_CERT: return "malformed certificate in CA file";
	case TLS_E_KEY: return "unsupported key in CA file";
	case TLS_E_EMPTY: return "no certificate in CA file";
	case TLS_E_NOMEM: return "out of memory";
	default: return "unknown TLS error";
	}
}

/* ---- randomness ------------------------------------------------------------- */

int
tls_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, GRND_NONBLOCK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return TLS_E_AGAIN;
		if (n <= 0)
			return TLS_E_RANDOM;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
tls_random_wait(void)
{
	uint8_t b;

	/* Blocks until the pool is initialised; then never again. */
	while (getrandom(&b, 1, 0) < 0)
		if (errno != EINTR)
			return TLS_E_RANDOM;
	return 0;
}

/* ---- sessions ------------------------------------------------------------------ */

void
tls_sessions_init(struct tls_sessions *s)
{
	memset(s, 0, sizeof *s);
}

static void
wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n--)
		*v++ = 0;
}

void
tls_sessions_wipe(struct tls_sessions *s)
{
	wipe(s, sizeof *s);
}

static int
find(struct tls_sessions *s, const char *host, uint16_t port)
{
	int i;

	for (i = 0; i < TLS_SESSIONS_MAX; i++)
		if (s->e[i].valid && s->e[i].port == port &&
		    strcmp(s->e[i].host, host) == 0)
			return i;
	return -1;
}

static void
forget(struct tls_sessions *s, const char *host, uint16_t port)
{
	int i = s ? find(s, host, port) : -1;

	if (i >= 0)
		wipe(&s->e[i], sizeof s->e[i]);
}

static void
remember(struct tls_sessions *s, const char *host, uint16_t port,
    const br_ssl_session_parameters *sp, int64_t now)
{
	int i = find(s, host, port), j;

	if (i < 0) {
		/* A free slot, else the least recently used. */
		for (i = 0, j = 0; j < TLS_SESSIONS_MAX; j++) {
			if (!s->e[j].valid) {
				i = j;
				break;
			}
			if (s->e[j].used < s->e[i].used)
				i = j;
		}
	}
	wipe(&s->e[i], sizeof s->e[i]);
	memcpy(s->e[i].host, host, strlen(host) + 1);
	s->e[i].port = port;
	s->e[i].sp = *sp;
	s->e[i].used = ++s->clock;
	s->e[i].when = now;
	s->e[i].valid = 1;
}

/* ---- the X.509 wrapper ------------------------------------------------------------ */

/*
 * BearSSL reports one code, BR_ERR_X509_EXPIRED, for both ends of the
 * validity period.  This class forwards everything to the minimal engine
 * and decodes each certificate on the side to say which end it was.
 */
static struct tls_x509 *
X(const br_x509_class **ctx)
{
	return (struct tls_x509 *)(void *)ctx;
}

static void
xw_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct tls_x509 *x = X(ctx);

	x->index = -1;
	x->bad_index = -1;
	x->bad_when = 0;
	x->minimal.vtable->start_chain(&x->minimal.vtable, server_name);
}

static void
xw_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_x509 *x = X(ctx);

	x->index++;
	br_x509_decoder_init(&x->dec, NULL, NULL);
	x->minimal.vtable->start_cert(&x->minimal.vtable, length);
}

static void
xw_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct tls_x509 *x = X(ctx);

	br_x509_decoder_push(&x->dec, buf, len);
	x->minimal.vtable->append(&x->minimal.vtable, buf, len);
}

static void
xw_end_cert(const br_x509_class **ctx)
{
	struct tls_x509 *x = X(ctx);
	const br_x509_decoder_context *d = &x->dec;

	if (x->bad_index < 0 && br_x509_decoder_last_error(&x->dec) == 0) {
		if (x->days < d->notbefore_days || (x->days ==
		    d->notbefore_days && x->secs < d->notbefore_seconds)) {
			x->bad_index = x->index;
			x->bad_when = -1;
			x->bad_days = d->notbefore_days;
			x->bad_secs = d->notbefore_seconds;
		} else if (x->days > d->notafter_days || (x->days ==
		    d->notafter_days && x->secs > d->notafter_seconds)) {
			x->bad_index = x->index;
			x->bad_when = 1;
			x->bad_days = d->notafter_days;
			x->bad_secs = d->notafter_seconds;
		}
	}
	x->minimal.vtable->end_cert(&x->minimal.vtable);
}

static unsigned
xw_end_chain(const br_x509_class **ctx)
{
	struct tls_x509 *x = X(ctx);

	return x->minimal.vtable->end_chain(&x->minimal.vtable);
}

static const br_x509_pkey *
xw_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	const struct tls_x509 *x = (const struct tls_x509 *)(const void *)ctx;

	return x->minimal.vtable->get_pkey(&x->minimal.vtable, usages);
}

static const br_x509_class xw_vtable = {
	sizeof(struct tls_x509),
	xw_start_chain, xw_start_cert, xw_append, xw_end_cert, xw_end_chain,
	xw_get_pkey
};

/* ---- error texts ------------------------------------------------------------------ */

static const char *
alert_name(int a)
{
	switch (a) {
	case BR_ALERT_CLOSE_NOTIFY: return "close_notify";
	case BR_ALERT_UNEXPECTED_MESSAGE: return "unexpected_message";
	case BR_ALERT_BAD_RECORD_MAC: return "bad_record_mac";
	case BR_ALERT_RECORD_OVERFLOW: return "record_overflow";
	case BR_ALERT_DECOMPRESSION_FAILURE: return "decompression_failure";
	case BR_ALERT_HANDSHAKE_FAILURE: return "handshake_failure";
	case BR_ALERT_BAD_CERTIFICATE: return "bad_certificate";
	case BR_ALERT_UNSUPPORTED_CERTIFICATE: return "unsupported_certificate";
	case BR_ALERT_CERTIFICATE_REVOKED: return "certificate_revoked";
	case BR_ALERT_CERTIFICATE_EXPIRED: return "certificate_expired";
	case BR_ALERT_CERTIFICATE_UNKNOWN: return "certificate_unknown";
	case BR_ALERT_ILLEGAL_PARAMETER: return "illegal_parameter";
	case BR_ALERT_UNKNOWN_CA: return "unknown_ca";
	case BR_ALERT_ACCESS_DENIED: return "access_denied";
	case BR_ALERT_DECODE_ERROR: return "decode_error";
	case BR_ALERT_DECRYPT_ERROR: return "decrypt_error";
	case BR_ALERT_PROTOCOL_VERSION: return "protocol_version";
	case BR_ALERT_INSUFFICIENT_SECURITY: return "insufficient_security";
	case BR_ALERT_INTERNAL_ERROR: return "internal_error";
	case BR_ALERT_USER_CANCELED: return "user_canceled";
	case BR_ALERT_NO_RENEGOTIATION: return "no_renegotiation";
	case BR_ALERT_UNSUPPORTED_EXTENSION: return "unsupported_extension";
	case BR_ALERT_NO_APPLICATION_PROTOCOL: return "no_application_protocol";
	default: return "unknown alert";
	}
}

static const char *
br_text(int e)
{
	switch (e) {
	case BR_ERR_BAD_PARAM: return "bad parameter";
	case BR_ERR_BAD_STATE: return "engine in a bad state";
	case BR_ERR_UNSUPPORTED_VERSION:
		return "server does not support TLS 1.2";
	case BR_ERR_BAD_VERSION: return "record with the wrong TLS version";
	case BR_ERR_BAD_LENGTH: return "record with a bad length";
	case BR_ERR_TOO_LARGE: return "record too large";
	case BR_ERR_BAD_MAC:
		return "record failed authentication (corrupted or tampered)";
	case BR_ERR_NO_RANDOM: return "no randomness for the handshake";
	case BR_ERR_UNKNOWN_TYPE: return "record of an unknown type";
	case BR_ERR_UNEXPECTED: return "unexpected message from the server";
	case BR_ERR_BAD_CCS: return "bad ChangeCipherSpec";
	case BR_ERR_BAD_ALERT: return "malformed alert";
	case BR_ERR_BAD_HANDSHAKE: return "malformed handshake message";
	case BR_ERR_OVERSIZED_ID: return "session ID too long";
	case BR_ERR_BAD_CIPHER_SUITE:
		return "server chose a cipher suite we do not offer "
		    "(ECDHE with AES-GCM or ChaCha20 is required)";
	case BR_ERR_BAD_COMPRESSION: return "server chose compression";
	case BR_ERR_BAD_FRAGLEN: return "bad maximum fragment length";
	case BR_ERR_BAD_SECRENEG: return "secure renegotiation failed";
	case BR_ERR_EXTRA_EXTENSION: return "server sent an unrequested extension";
	case BR_ERR_BAD_SNI: return "bad server name indication";
	case BR_ERR_BAD_HELLO_DONE: return "malformed ServerHelloDone";
	case BR_ERR_LIMIT_EXCEEDED: return "server message exceeds a limit";
	case BR_ERR_BAD_FINISHED: return "handshake Finished does not verify";
	case BR_ERR_RESUME_MISMATCH: return "session resumption mismatch";
	case BR_ERR_INVALID_ALGORITHM:
		return "server used an algorithm we do not support";
	case BR_ERR_BAD_SIGNATURE: return "bad server key exchange signature";
	case BR_ERR_WRONG_KEY_USAGE:
		return "server key not allowed for this key exchange";
	case BR_ERR_NO_CLIENT_AUTH: return "server requires a client certificate";
	case BR_ERR_X509_EMPTY_CHAIN: return "server sent no certificate";
	case BR_ERR_X509_NOT_TRUSTED:
		return "server certificate not trusted (its chain leads to "
		    "no trust anchor)";
	case BR_ERR_X509_BAD_SERVER_NAME:
		return "server certificate does not match the host name";
	case BR_ERR_X509_BAD_SIGNATURE:
		return "certificate signature does not verify";
	case BR_ERR_X509_DN_MISMATCH:
		return "certificate chain out of order (issuer name mismatch)";
	case BR_ERR_X509_NOT_CA: return "chain certificate is not a CA";
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
		return "certificate key usage forbids TLS server use";
	case BR_ERR_X509_WEAK_PUBLIC_KEY: return "certificate key too weak";
	case BR_ERR_X509_CRITICAL_EXTENSION:
		return "certificate has an unsupported critical extension";
	case BR_ERR_X509_UNSUPPORTED:
		return "certificate uses an unsupported algorithm";
	case BR_ERR_X509_WRONG_KEY_TYPE: return "certificate key of the wrong type";
	case BR_ERR_X509_TIME_UNKNOWN: return "current time unknown";
	case BR_ERR_X509_LIMIT_EXCEEDED: return "certificate chain too long";
	default:
		return NULL;
	}
}

/* Days since 0000-01-01 (proleptic Gregorian) to a civil date. */
static void
civil(uint32_t days, int *y, int *m, int *d)
{
	/* H. Hinnant's civil_from_days, shifted to 1970. */
	long z = (long)days - (long)EPOCH_DAYS + 719468, era, doe, yoe, doy,
	    mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void
set_why(struct tls_stream *t)
{
	int e = br_ssl_engine_last_error(&t->cc.eng);
	char who[48];
	int y, m, d;

	if (t->err == 1) {
		snprintf(t->why, sizeof t->why, "TLS: server closed the "
		    "connection during the handshake");
		return;
	}
	if (t->err == 2) {
		snprintf(t->why, sizeof t->why, "TLS: server closed the "
		    "connection without close_notify");
		return;
	}
	if (e == BR_ERR_X509_EXPIRED && t->x.bad_when != 0) {
		if (t->x.bad_index == 0)
			snprintf(who, sizeof who, "server certificate");
		else
			snprintf(who, sizeof who, "certificate %d of the "
			    "server's chain", t->x.bad_index + 1);
		civil(t->x.bad_days, &y, &m, &d);
		snprintf(t->why, sizeof t->why, "TLS: %s %s (%s "
		    "%04d-%02d-%02d %02u:%02u:%02u UTC)", who,
		    t->x.bad_when > 0 ? "has expired" : "is not yet valid",
		    t->x.bad_when > 0 ? "not after" : "not before", y, m, d,
		    t->x.bad_secs / 3600, t->x.bad_secs / 60 % 60,
		    t->x.bad_secs % 60);
		return;
	}
	if (e == BR_ERR_X509_EXPIRED) {
		snprintf(t->why, sizeof t->why, "TLS: certificate expired or "
		    "not yet valid");
		return;
	}
	if (e == BR_ERR_X509_BAD_SERVER_NAME) {
		snprintf(t->why, sizeof t->why, "TLS: server certificate does "
		    "not match host name '%.100s'", t->host);
		return;
	}
	if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_SEND_FATAL_ALERT) {
		snprintf(t->why, sizeof t->why, "TLS: server sent fatal alert "
		    "%s (%d)", alert_name(e - BR_ERR_RECV_FATAL_ALERT),
		    e - BR_ERR_RECV_FATAL_ALERT);
		return;
	}
	if (e >= BR_ERR_SEND_FATAL_ALERT) {
		snprintf(t->why, sizeof t->why, "TLS: we sent fatal alert "
		    "%s (%d)", alert_name(e - BR_ERR_SEND_FATAL_ALERT),
		    e - BR_ERR_SEND_FATAL_ALERT);
		return;
	}
	if (br_text(e) != NULL)
		snprintf(t->why, sizeof t->why, "TLS: %s", br_text(e));
	else
		snprintf(t->why, sizeof t->why, "TLS: %s (BearSSL error %d)",
		    e >= BR_ERR_X509_OK && e < BR_ERR_X509_OK + 32 ?
		    "malformed certificate" : "handshake failed", e);
}

/* ---- the stream ------------------------------------------------------------------ */

static struct tls_stream *
T(struct xs_stream *s)
{
	return (struct tls_stream *)(void *)s;
}

static const struct tls_stream *
CT(const struct xs_stream *s)
{
	return (const struct tls_stream *)(const void *)s;
}

/* After every engine call: note the end of the handshake, or a failure. */
static void
update(struct tls_stream *t)
{
	unsigned st = br_ssl_engine_current_state(&t->cc.eng);
	br_ssl_session_parameters sp;

	if (st == BR_SSL_CLOSED) {
		if (br_ssl_engine_last_error(&t->cc.eng) != BR_ERR_OK &&
		    t->why[0] == '\0') {
			set_why(t);
			/* A failed handshake may be a stale session. */
			if (!t->hs_done)
				forget(t->cache, t->host, t->port);
		}
		return;
	}
	if (!t->hs_done && (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP))) {
		t->hs_done = 1;
		br_ssl_engine_get_session_parameters(&t->cc.eng, &sp);
		t->resumed = t->offered_len > 0 &&
		    sp.session_id_len == t->offered_len &&
		    memcmp(sp.session_id, t->offered, t->offered_len) == 0;
		if (t->cache != NULL && sp.session_id_len > 0)
			remember(t->cache, t->host, t->port, &sp, t->now);
		wipe(&sp, sizeof sp);
	}
}

static uint8_t *
sendrec_buf(struct xs_stream *s, size_t *len)
{
	return br_ssl_engine_sendrec_buf(&T(s)->cc.eng, len);
}

static void
sendrec_ack(struct xs_stream *s, size_t len)
{
	br_ssl_engine_sendrec_ack(&T(s)->cc.eng, len);
	update(T(s));
}

static uint8_t *
recvrec_buf(struct xs_stream *s, size_t *len)
{
	if (T(s)->eof) {
		*len = 0;
		return NULL;
	}
	return br_ssl_engine_recvrec_buf(&T(s)->cc.eng, len);
}

static void
recvrec_ack(struct xs_stream *s, size_t len)
{
	br_ssl_engine_recvrec_ack(&T(s)->cc.eng, len);
	update(T(s));
}

static uint8_t *
sendapp_buf(struct xs_stream *s, size_t *len)
{
	return br_ssl_engine_sendapp_buf(&T(s)->cc.eng, len);
}

static void
sendapp_ack(struct xs_stream *s, size_t len)
{
	br_ssl_engine_sendapp_ack(&T(s)->cc.eng, len);
	update(T(s));
}

static uint8_t *
recvapp_buf(struct xs_stream *s, size_t *len)
{
	return br_ssl_engine_recvapp_buf(&T(s)->cc.eng, len);
}

static void
recvapp_ack(struct xs_stream *s, size_t len)
{
	br_ssl_engine_recvapp_ack(&T(s)->cc.eng, len);
	update(T(s));
}

static void
flush(struct xs_stream *s)
{
	br_ssl_engine_flush(&T(s)->cc.eng, 0);
	update(T(s));
}

static void
eof(struct xs_stream *s)
{
	struct tls_stream *t = T(s);

	if (t->eof)
		return;
	t->eof = 1;
	if (br_ssl_engine_current_state(&t->cc.eng) == BR_SSL_CLOSED)
		return;
	/* No close_notify: during the handshake the server gave up; after
	 * it, the data may have been cut short. */
	t->err = t->hs_done ? 2 : 1;
	set_why(t);
	if (!t->hs_done)
		forget(t->cache, t->host, t->port);
}

static void
close_(struct xs_stream *s)
{
	br_ssl_engine_close(&T(s)->cc.eng);
	update(T(s));
}

static int
state(const struct xs_stream *s)
{
	const struct tls_stream *t = CT(s);
	size_t n = 0;

	if (br_ssl_engine_current_state(&t->cc.eng) == BR_SSL_CLOSED)
		return br_ssl_engine_last_error(&t->cc.eng) == BR_ERR_OK ?
		    XS_CLOSED : XS_FAILED;
	if (t->err != 0) {
		/* Let the application read what was decrypted first. */
		(void)br_ssl_engine_recvapp_buf(&t->cc.eng, &n);
		return n > 0 ? XS_OPEN : XS_FAILED;
	}
	return XS_OPEN;
}

static const char *
strerror_(const struct xs_stream *s)
{
	const struct tls_stream *t = CT(s);

	return t->why[0] ? t->why : "no error";
}

static const struct xs_stream_vt tls_vt = {
	sendrec_buf, sendrec_ack, recvrec_buf, recvrec_ack,
	sendapp_buf, sendapp_ack, recvapp_buf, recvapp_ack,
	flush, eof, close_, state, strerror_,
};

/* ---- set-up ----------------------------------------------------------------------- */

static const uint16_t suites_chacha_first[] = {
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};

static const uint16_t suites_aes_first[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
};

const char *
tls_stream_suite(const struct tls_stream *t)
{
	switch (t->cc.eng.session.cipher_suite) {
	case BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256:
		return "ECDHE-ECDSA-CHACHA20-POLY1305";
	case BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256:
		return "ECDHE-RSA-CHACHA20-POLY1305";
	case BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:
		return "ECDHE-ECDSA-AES128-GCM-SHA256";
	case BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:
		return "ECDHE-RSA-AES128-GCM-SHA256";
	case BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:
		return "ECDHE-ECDSA-AES256-GCM-SHA384";
	case BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:
		return "ECDHE-RSA-AES256-GCM-SHA384";
	default:
		return "none";
	}
}

int
tls_stream_start(struct tls_stream *t, const struct tls_anchors *ta,
    struct tls_sessions *cache, const char *host, uint16_t port,
    int64_t now)
{
	/* SHA-2 only: no MD5 or SHA-1 signatures (RFC 9155). */
	static const struct {
		int id;
		const br_hash_class *vt;
	} hashes[] = {
		{ br_sha256_ID, &br_sha256_vtable },
		{ br_sha384_ID, &br_sha384_vtable },
		{ br_sha512_ID, &br_sha512_vtable },
	};
	br_ssl_engine_context *eng = &t->cc.eng;
	br_x509_minimal_context *xc = &t->x.minimal;
	uint8_t seed[32];
	size_t hl = host ? strlen(host) : 0, i;
	int rc, resume = 0, aes_hw, k = -1;

	t->base.vt = &tls_vt;
	t->started = 0;
	t->eof = t->hs_done = t->resumed = t->err = 0;
	t->why[0] = '\0';
	t->offered_len = 0;
	t->cache = cache;
	if (hl == 0 || hl >= sizeof t->host)
		return TLS_E_HOST;
	memcpy(t->host, host, hl + 1);
	t->port = port;
	t->now = now;
	if ((rc = tls_random(seed, sizeof seed)) != 0)
		return rc;

	br_ssl_client_zero(&t->cc);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	aes_hw = br_aes_x86ni_ctr_get_vtable() != NULL ||
	    br_aes_pwr8_ctr_get_vtable() != NULL;
	if (aes_hw)
		br_ssl_engine_set_suites(eng, suites_aes_first,
		    sizeof suites_aes_first / sizeof suites_aes_first[0]);
	else
		br_ssl_engine_set_suites(eng, suites_chacha_first,
		    sizeof suites_chacha_first / sizeof suites_chacha_first[0]);
	br_ssl_engine_set_default_ec(eng);
	br_ssl_engine_set_default_rsavrfy(eng);
	br_ssl_engine_set_default_ecdsa(eng);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_default_aes_gcm(eng);
	br_ssl_engine_set_default_chapol(eng);

	/* Certificates: BearSSL's minimal engine, wrapped; DNs hashed with
	 * SHA-256; time from the caller. */
	br_x509_minimal_init(xc, &br_sha256_vtable, ta->ta, ta->n);
	for (i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
		br_ssl_engine_set_hash(eng, hashes[i].id, hashes[i].vt);
		br_x509_minimal_set_hash(xc, hashes[i].id, hashes[i].vt);
	}
	br_x509_minimal_set_rsa(xc, br_ssl_engine_get_rsavrfy(eng));
	br_x509_minimal_set_ecdsa(xc, br_ssl_engine_get_ec(eng),
	    br_ssl_engine_get_ecdsa(eng));
	if (now < 0)
		now = 0;
	t->x.days = (uint32_t)((uint64_t)now / 86400) + EPOCH_DAYS;
	t->x.secs = (uint32_t)((uint64_t)now % 86400);
	br_x509_minimal_set_time(xc, t->x.days, t->x.secs);
	t->x.vtable = &xw_vtable;
	t->x.bad_index = -1;
	t->x.bad_when = 0;
	br_ssl_engine_set_x509(eng, &t->x.vtable);

	br_ssl_engine_set_buffer(eng, t->iobuf, sizeof t->iobuf, 1);
	br_ssl_engine_inject_entropy(eng, seed, sizeof seed);
	wipe(seed, sizeof seed);
	/* Our getrandom() seed is the only source: skip BearSSL's seeder
	 * (an open("/dev/urandom") the sandbox would not allow, or RDRAND). */
	eng->rng_os_rand_done = 1;

	if (cache != NULL && (k = find(cache, host, port)) >= 0 &&
	    (now - cache->e[k].when > TLS_SESSION_LIFETIME ||
	    now < cache->e[k].when)) {
		wipe(&cache->e[k], sizeof cache->e[k]);
		k = -1;
	}
	if (cache != NULL && k >= 0) {
		br_ssl_engine_set_session_parameters(eng, &cache->e[k].sp);
		cache->e[k].used = ++cache->clock;
		memcpy(t->offered, cache->e[k].sp.session_id,
		    cache->e[k].sp.session_id_len);
		t->offered_len = cache->e[k].sp.session_id_len;
		resume = 1;
	}
	if (!br_ssl_client_reset(&t->cc, t->host, resume)) {
		set_why(t);
		return TLS_E_ENGINE;
	}
	t->started = 1;
	return 0;
}

int
tls_stream_ready(const struct tls_stream *t)
{
	return t->hs_done;
}

int
tls_stream_resumed(const struct tls_stream *t)
{
	return t->resumed;
}

void
tls_stream_wipe(struct tls_stream *t)
{
	wipe(&t->cc, sizeof t->cc);
	wipe(t->iobuf, sizeof t->iobuf);
	t->started = 0;
}
