/*
 * sigv4.c — AWS Signature Version 4: dates, signing keys and their cache,
 * the string to sign and the Authorization value.  The canonical
 * request's pieces are canon.c's.
 */
#include <string.h>

#include "sigv4/sigv4.h"
#include "sigv4/sv4_int.h"

static const char ALGORITHM[] = "AWS4-HMAC-SHA256";
static const char TERMINATOR[] = "aws4_request";

const char *
sv4_strerror(int err)
{
	switch (err) {
	case SV4_OK:
		return "success";
	case SV4_ESPACE:
		return "output buffer too small";
	case SV4_EDATE:
		return "not a valid YYYYMMDDTHHMMSSZ time";
	case SV4_ESCOPE:
		return "region or service empty, too long or with characters "
		    "other than letters, digits, '.', '_' and '-'";
	case SV4_ECREDS:
		return "access key id, secret key or session token missing or "
		    "malformed";
	case SV4_EMETHOD:
		return "method empty or not an HTTP token";
	case SV4_EESCAPE:
		return "'%' not followed by two hex digits";
	case SV4_EHEADER:
		return "header name not an HTTP token, or control byte in a "
		    "header value";
	case SV4_ENOHOST:
		return "no Host header";
	case SV4_ECONFLICT:
		return "X-Amz-Date or X-Amz-Security-Token header differs from "
		    "the date or token being signed";
	case SV4_EHASH:
		return "payload hash empty or with a space or control byte";
	}
	return "unknown sigv4 error";
}

/* ---- dates -------------------------------------------------------------- */
static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* "YYYYMMDD" at s: a real calendar date. */
static int
check_date8(const char *s)
{
	int y, m, d;

	if (!digits(s, 4, &y) || !digits(s + 4, 2, &m) || !digits(s + 6, 2, &d))
		return SV4_EDATE;
	if (m < 1 || m > 12 || d < 1 || d > days_in(y, m))
		return SV4_EDATE;
	return SV4_OK;
}

int
sv4_check_amz_date(const char *s)
{
	int h, mi, se;

	if (s == NULL || strlen(s) != SV4_AMZ_DATE_LEN || check_date8(s) < 0 ||
	    s[8] != 'T' || s[15] != 'Z' || !digits(s + 9, 2, &h) ||
	    !digits(s + 11, 2, &mi) || !digits(s + 13, 2, &se) || h > 23 ||
	    mi > 59 || se > 59)
		return SV4_EDATE;
	return SV4_OK;
}

int
sv4_amz_date(int64_t t, char out[SV4_AMZ_DATE_LEN + 1])
{
	static const int at[6] = { 0, 4, 6, 9, 11, 13 };
	static const int width[6] = { 4, 2, 2, 2, 2, 2 };
	int64_t days, z, era, doe, yoe, y, doy, mp, d, m, sec, v[6];
	int i, k;

	/* 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59Z */
	if (t < 0 || t > INT64_C(253402300799))
		return SV4_EDATE;
	days = t / 86400;
	sec = t % 86400;
	/* Days to civil date (H. Hinnant's algorithm), for days >= 0. */
	z = days + 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	v[0] = y + (m <= 2);
	v[1] = m;
	v[2] = d;
	v[3] = sec / 3600;
	v[4] = sec / 60 % 60;
	v[5] = sec % 60;
	for (i = 0; i < 6; i++)
		for (k = width[i] - 1; k >= 0; k--, v[i] /= 10)
			out[at[i] + k] = (char)('0' + v[i] % 10);
	out[8] = 'T';
	out[15] = 'Z';
	out[16] = '\0';
	return SV4_OK;
}

/* ---- checks of the inputs ----------------------------------------------- */
static int
check_scope_name(const char *s)
{
	size_t i, n;

	if (s == NULL || (n = strlen(s)) == 0 || n > SV4_NAME_MAX)
		return SV4_ESCOPE;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return SV4_ESCOPE;
	return SV4_OK;
}

/* Printable ASCII without space, and none of the characters in bad. */
static int
check_word(const char *s, const char *bad)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s; s++)
		if (*s <= ' ' || *s >= 0x7f || strchr(bad, *s) != NULL)
			return 0;
	return 1;
}

static int
check_scope(const char *secret, const char *date8, const char *region,
    const char *service)
{
	if (secret == NULL || *secret == '\0')
		return SV4_ECREDS;
	if (date8 == NULL || strnlen(date8, 9) < 8 || check_date8(date8) < 0)
		return SV4_EDATE;
	if (check_scope_name(region) < 0 || check_scope_name(service) < 0)
		return SV4_ESCOPE;
	return SV4_OK;
}

/* ---- signing keys ------------------------------------------------------- */
static void
hmac(const void *key, size_t klen, const void *msg, size_t mlen,
    uint8_t out[32])
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &br_sha256_vtable, key, klen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, mlen);
	br_hmac_out(&hc, out);
	sv4_wipe(&kc, sizeof kc);
	sv4_wipe(&hc, sizeof hc);
}

static void
derive(const char *secret, const char *date8, const char *region,
    const char *service, uint8_t key[SV4_KEY_LEN])
{
	uint8_t k[64];
	size_t slen = strlen(secret), klen;

	/*
	 * The first HMAC key is "AWS4" + secret.  One longer than SHA-256's
	 * block is replaced by its hash, as HMAC itself would do: no buffer
	 * needs to hold the whole of it.
	 */
	if (slen <= sizeof k - 4) {
		memcpy(k, "AWS4", 4);
		memcpy(k + 4, secret, slen);
		klen = 4 + slen;
	} else {
		br_sha256_context sc;

		br_sha256_init(&sc);
		br_sha256_update(&sc, "AWS4", 4);
		br_sha256_update(&sc, secret, slen);
		br_sha256_out(&sc, k);
		sv4_wipe(&sc, sizeof sc);
		klen = 32;
	}
	hmac(k, klen, date8, 8, key);
	hmac(key, SV4_KEY_LEN, region, strlen(region), key);
	hmac(key, SV4_KEY_LEN, service, strlen(service), key);
	hmac(key, SV4_KEY_LEN, TERMINATOR, sizeof TERMINATOR - 1, key);
	sv4_wipe(k, sizeof k);
}

int
sv4_signing_key(const char *secret, const char *date8, const char *region,
    const char *service, uint8_t key[SV4_KEY_LEN])
{
	int rc;

	if ((rc = check_scope(secret, date8, region, service)) < 0)
		return rc;
	derive(secret, date8, region, service, key);
	return SV4_OK;
}

void
sv4_key_cache_init(struct sv4_key_cache *c)
{
	memset(c, 0, sizeof *c);
}

void
sv4_key_cache_wipe(struct sv4_key_cache *c)
{
	sv4_wipe(c, sizeof *c);
}

int
sv4_key_cache_get(struct sv4_key_cache *c, const char *secret,
    const char *date8, const char *region, const char *service,
    uint8_t key[SV4_KEY_LEN])
{
	struct sv4_cached_key *e, *victim;
	uint8_t id[32];
	br_sha256_context sc;
	size_t i;
	int rc;

	if ((rc = check_scope(secret, date8, region, service)) < 0)
		return rc;
	br_sha256_init(&sc);
	br_sha256_update(&sc, secret, strlen(secret));
	br_sha256_out(&sc, id);
	sv4_wipe(&sc, sizeof sc);
	victim = &c->slot[0];
	for (i = 0; i < SV4_CACHE_SLOTS; i++) {
		e = &c->slot[i];
		if (e->used && memcmp(e->secret_id, id, sizeof id) == 0 &&
		    memcmp(e->date, date8, 8) == 0 &&
		    strcmp(e->region, region) == 0 &&
		    strcmp(e->service, service) == 0) {
			memcpy(key, e->key, SV4_KEY_LEN);
			e->used = ++c->tick;
			c->hits++;
			sv4_wipe(id, sizeof id);
			return SV4_OK;
		}
		if (e->used < victim->used)
			victim = e;
	}
	c->misses++;
	derive(secret, date8, region, service, key);
	sv4_wipe(victim, sizeof *victim);
	memcpy(victim->secret_id, id, sizeof id);
	memcpy(victim->date, date8, 8);
	strcpy(victim->region, region);
	strcpy(victim->service, service);
	memcpy(victim->key, key, SV4_KEY_LEN);
	victim->used = ++c->tick;
	sv4_wipe(id, sizeof id);
	return SV4_OK;
}

void
sv4_payload_hash(const void *body, size_t len, char hex[SV4_HASH_HEX_LEN + 1])
{
	static const char x[] = "0123456789abcdef";
	br_sha256_context sc;
	uint8_t h[32];
	size_t i;

	br_sha256_init(&sc);
	br_sha256_update(&sc, body, len);
	br_sha256_out(&sc, h);
	for (i = 0; i < 32; i++) {
		hex[2 * i] = x[h[i] >> 4];
		hex[2 * i + 1] = x[h[i] & 15];
	}
	hex[SV4_HASH_HEX_LEN] = '\0';
}

/* ---- signing ------------------------------------------------------------ */
static void
put_hex(struct sv4_sink *s, const uint8_t *p, size_t n)
{
	static const char x[] = "0123456789abcdef";

	while (n--) {
		sv4_putc(s, x[*p >> 4]);
		sv4_putc(s, x[*p++ & 15]);
	}
}

/* "DATE/REGION/SERVICE/aws4_request" */
static void
put_scope(struct sv4_sink *s, const char *amz_date, const char *region,
    const char *service)
{
	sv4_put(s, amz_date, 8);
	sv4_putc(s, '/');
	sv4_puts(s, region);
	sv4_putc(s, '/');
	sv4_puts(s, service);
	sv4_putc(s, '/');
	sv4_puts(s, TERMINATOR);
}

/* Everything about the input that can be wrong, before any work. */
static int
check_request(const struct sv4_request *rq, const struct sv4_creds *cr,
    const char *region, const char *service, const char *amz_date,
    const char *token)
{
	size_t i;
	int rc, host = 0;

	if (sv4_check_amz_date(amz_date) < 0)
		return SV4_EDATE;
	if ((rc = check_scope(cr->secret, amz_date, region, service)) < 0)
		return rc;
	if (!check_word(cr->access_key_id, "/,=") ||
	    (token != NULL && !check_word(token, "")))
		return SV4_ECREDS;
	if (!check_word(rq->method, "\"(),/:;<=>?@[\\]{}"))
		return SV4_EMETHOD;
	if (!check_word(rq->payload_hash, ""))
		return SV4_EHASH;
	if (rq->query != NULL &&
	    (rc = sv4_check_escapes(rq->query, rq->query_len)) < 0)
		return rc;
	if ((rq->flags & SV4_S3) &&
	    (rc = sv4_check_escapes(rq->path, rq->path_len)) < 0)
		return rc;
	for (i = 0; i < rq->header_count; i++) {
		const struct sv4_header *h = &rq->headers[i];

		if ((rc = sv4_check_header(h)) < 0)
			return rc;
		if (sv4_name_is(h->name, h->name_len, "host"))
			host = 1;
		if (sv4_name_is(h->name, h->name_len, "x-amz-date") &&
		    !sv4_value_is(h->value, h->value_len, amz_date))
			return SV4_ECONFLICT;
		if (token != NULL &&
		    sv4_name_is(h->name, h->name_len, "x-amz-security-token") &&
		    !sv4_value_is(h->value, h->value_len, token))
			return SV4_ECONFLICT;
	}
	return host ? SV4_OK : SV4_ENOHOST;
}

int
sv4_sign(const struct sv4_request *rq, const struct sv4_creds *cr,
    const char *region, const char *service, const char *amz_date,
    struct sv4_key_cache *cache, struct sv4_output *out)
{
	const char *token = cr->session_token;
	struct sv4_hdrs hd;
	struct sv4_sink s;
	br_sha256_context sc;
	br_hmac_key_context kc;
	br_hmac_context hc;
	uint8_t key[SV4_KEY_LEN], hash[32], sig[32];
	int rc, space = 0;

	if (token != NULL && *token == '\0')
		token = NULL;
	if ((rc = check_request(rq, cr, region, service, amz_date, token)) < 0)
		return rc;
	hd.h = rq->headers;
	hd.n = rq->header_count;
	hd.date = amz_date;
	hd.token = (rq->flags & SV4_TOKEN_UNSIGNED) ? NULL : token;
	hd.drop_token = token != NULL;

	/* The canonical request, hashed as it is written. */
	br_sha256_init(&sc);
	sv4_sink_init(&s, &sc, NULL, out->canonical_request,
	    out->canonical_request ? out->canonical_request_size : 0);
	sv4_puts(&s, rq->method);
	sv4_putc(&s, '\n');
	sv4_put_uri(&s, rq->path, rq->path_len, rq->flags);
	sv4_putc(&s, '\n');
	if (rq->query != NULL)
		sv4_put_query(&s, rq->query, rq->query_len);
	sv4_putc(&s, '\n');
	sv4_put_headers(&s, &hd);
	sv4_putc(&s, '\n');
	sv4_put_signed_headers(&s, &hd);
	sv4_putc(&s, '\n');
	sv4_puts(&s, rq->payload_hash);
	space |= sv4_sink_end(&s) < 0;
	out->canonical_request_len = s.len;
	br_sha256_out(&sc, hash);

	/* The string to sign, MACed with the signing key as it is written. */
	if (cache != NULL)
		rc = sv4_key_cache_get(cache, cr->secret, amz_date, region,
		    service, key);
	else
		rc = sv4_signing_key(cr->secret, amz_date, region, service,
		    key);
	if (rc < 0)
		return rc; /* checked above: cannot happen */
	br_hmac_key_init(&kc, &br_sha256_vtable, key, sizeof key);
	sv4_wipe(key, sizeof key);
	br_hmac_init(&hc, &kc, 0);
	sv4_wipe(&kc, sizeof kc);
	sv4_sink_init(&s, NULL, &hc, out->string_to_sign,
	    out->string_to_sign ? out->string_to_sign_size : 0);
	sv4_puts(&s, ALGORITHM);
	sv4_putc(&s, '\n');
	sv4_puts(&s, amz_date);
	sv4_putc(&s, '\n');
	put_scope(&s, amz_date, region, service);
	sv4_putc(&s, '\n');
	put_hex(&s, hash, sizeof hash);
	space |= sv4_sink_end(&s) < 0;
	out->string_to_sign_len = s.len;
	br_hmac_out(&hc, sig);
	sv4_wipe(&hc, sizeof hc);

	/* The Authorization value. */
	sv4_sink_init(&s, NULL, NULL, out->authorization,
	    out->authorization ? out->authorization_size : 0);
	sv4_puts(&s, ALGORITHM);
	sv4_puts(&s, " Credential=");
	sv4_puts(&s, cr->access_key_id);
	sv4_putc(&s, '/');
	put_scope(&s, amz_date, region, service);
	sv4_puts(&s, ", SignedHeaders=");
	sv4_put_signed_headers(&s, &hd);
	sv4_puts(&s, ", Signature=");
	put_hex(&s, sig, sizeof sig);
	space |= sv4_sink_end(&s) < 0 || out->authorization == NULL ||
	    out->authorization_size == 0;
	out->authorization_len = s.len;
	return space ? SV4_ESPACE : SV4_OK;
}
