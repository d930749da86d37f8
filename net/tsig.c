/* tsig.c — TSIG (RFC 8945): sign and verify with BearSSL's HMAC. */
#include <string.h>

/* BearSSL's headers test an undefined macro with #if (-Wundef). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <bearssl_hash.h>
#include <bearssl_hmac.h>

#include "net/tsig.h"
#pragma GCC diagnostic pop

#include "net/base64.h"
#include "net/err.h"
#include "net/msg.h"
#include "net/rrtype.h"
#include "xfrsync_config.h"

#define TSIG_BADTRUNC 22 /* TSIG error code (RFC 8945 §4.3) */

/* ---- algorithms ------------------------------------------------------- */
struct alg {
	uint8_t id;
	uint8_t on;                 /* enabled in Kconfig */
	const char *text;
	const uint8_t *wire;        /* canonical wire form */
	const br_hash_class *vt;    /* NULL when disabled: not linked in */
	size_t mac_len;
};

static const struct alg algs[] = {
	{ TSIG_HMAC_SHA256, CFG_TSIG_HMAC_SHA256, "hmac-sha256",
	    (const uint8_t *)"\013hmac-sha256",
	    CFG_TSIG_HMAC_SHA256 ? &br_sha256_vtable : NULL, 32 },
	{ TSIG_HMAC_SHA512, CFG_TSIG_HMAC_SHA512, "hmac-sha512",
	    (const uint8_t *)"\013hmac-sha512",
	    CFG_TSIG_HMAC_SHA512 ? &br_sha512_vtable : NULL, 64 },
	{ TSIG_HMAC_SHA384, CFG_TSIG_HMAC_SHA384, "hmac-sha384",
	    (const uint8_t *)"\013hmac-sha384",
	    CFG_TSIG_HMAC_SHA384 ? &br_sha384_vtable : NULL, 48 },
	{ TSIG_HMAC_SHA224, CFG_TSIG_HMAC_SHA224, "hmac-sha224",
	    (const uint8_t *)"\013hmac-sha224",
	    CFG_TSIG_HMAC_SHA224 ? &br_sha224_vtable : NULL, 28 },
	{ TSIG_HMAC_SHA1, CFG_TSIG_HMAC_SHA1, "hmac-sha1",
	    (const uint8_t *)"\011hmac-sha1",
	    CFG_TSIG_HMAC_SHA1 ? &br_sha1_vtable : NULL, 20 },
};

/* The enabled algorithm with that number, or NULL. */
static const struct alg *
alg_get(int id)
{
	size_t i;

	for (i = 0; i < sizeof algs / sizeof algs[0]; i++)
		if (algs[i].id == id && algs[i].on)
			return &algs[i];
	return NULL;
}

static int
lc(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

int
tsig_alg_from_text(const char *s, size_t n)
{
	size_t i, k;

	if (n > 0 && s[n - 1] == '.')
		n--;
	for (i = 0; i < sizeof algs / sizeof algs[0]; i++) {
		const char *t = algs[i].text;

		if (!algs[i].on || strlen(t) != n)
			continue;
		for (k = 0; k < n && lc((unsigned char)s[k]) == t[k]; k++)
			;
		if (k == n)
			return algs[i].id;
	}
	return TSIG_ALG_NONE;
}

const uint8_t *
tsig_alg_name(int alg)
{
	const struct alg *a = alg_get(alg);

	return a ? a->wire : NULL;
}

const char *
tsig_alg_text(int alg)
{
	const struct alg *a = alg_get(alg);

	return a ? a->text : NULL;
}

/* ---- keys ------------------------------------------------------------- */
/* Zero n bytes so that the compiler cannot drop the stores. */
static void
wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n--)
		*v++ = 0;
}

int
tsig_key_set(struct tsig_key *k, const char *alg, const char *name,
    const char *secret_b64)
{
	static const uint8_t root[1] = { 0 };
	int n;

	tsig_key_wipe(k);
	k->alg = (uint8_t)tsig_alg_from_text(alg, strlen(alg));
	if (k->alg == TSIG_ALG_NONE)
		return DNS_EBADKEY;
	if (dns_name_from_text(name, strlen(name), root, k->name) < 0)
		return DNS_ESYNTAX;
	dns_name_lower(k->name);
	n = dns_base64_decode(secret_b64, strlen(secret_b64), k->secret,
	    sizeof k->secret);
	if (n <= 0) {
		tsig_key_wipe(k);
		return DNS_ESYNTAX;
	}
	k->secret_len = (size_t)n;
	return 0;
}

void
tsig_key_wipe(struct tsig_key *k)
{
	wipe(k->secret, sizeof k->secret);
	k->secret_len = 0;
}

/* ---- finding the TSIG RR ---------------------------------------------- */
struct tsig_rr {
	size_t off;                     /* where the RR starts */
	uint8_t owner[DNS_NAME_MAX];    /* key name as received */
	uint8_t alg[DNS_NAME_MAX];
	uint64_t time;                  /* time signed, 48 bits */
	uint16_t fudge, mac_len, orig_id, error, other_len;
	const uint8_t *mac, *other;     /* point into the message */
};

/* Parse the RDATA of a TSIG RR: r is bounded to its end. */
static int
tsig_rdata(struct dns_rd *r, struct tsig_rr *t)
{
	dns_name_read(r, t->alg, 0);
	t->time = (uint64_t)dns_rd_u16(r) << 32;
	t->time |= dns_rd_u32(r);
	t->fudge = dns_rd_u16(r);
	t->mac_len = dns_rd_u16(r);
	t->mac = dns_rd_bytes(r, t->mac_len);
	t->orig_id = dns_rd_u16(r);
	t->error = dns_rd_u16(r);
	t->other_len = dns_rd_u16(r);
	t->other = dns_rd_bytes(r, t->other_len);
	if (r->err == 0 && dns_rd_left(r) != 0)
		dns_rd_fail(r, DNS_ERDATA);
	return r->err;
}

/*
 * Walk msg with the codec (RDATA is skipped, not decoded) and find its
 * TSIG RR, which must be the last RR of the additional section.  1 with t
 * filled, 0 when there is none, or a negative DNS_E*.
 */
static int
find_tsig(const uint8_t *msg, size_t len, struct tsig_rr *t)
{
	struct dns_msg m;
	struct dns_rd *r = &m.rd;
	uint8_t name[DNS_NAME_MAX];
	uint16_t qt, qc;
	unsigned i, nrr, first_ar;
	int rc;

	if ((rc = dns_msg_init(&m, msg, len)) < 0)
		return rc;
	while ((rc = dns_msg_question(&m, name, &qt, &qc)) == 1)
		;
	if (rc < 0)
		return rc;
	first_ar = (unsigned)m.hdr.count[DNS_S_AN] + m.hdr.count[DNS_S_NS];
	nrr = first_ar + m.hdr.count[DNS_S_AR];
	rc = 0;
	for (i = 0; i < nrr && r->err == 0; i++) {
		size_t off = r->off;
		uint16_t type, cls, rdlen;
		uint32_t ttl;

		dns_name_read(r, t->owner, 1);
		type = dns_rd_u16(r);
		cls = dns_rd_u16(r);
		ttl = dns_rd_u32(r);
		rdlen = dns_rd_u16(r);
		if (type == DNS_T_TSIG && r->err == 0) {
			struct dns_rd s = *r;

			if (i + 1 != nrr || i < first_ar)
				return dns_rd_fail(r, DNS_ETSIG);
			if (cls != DNS_C_ANY || ttl != 0 ||
			    rdlen > dns_rd_left(r))
				return dns_rd_fail(r, DNS_ERDATA);
			s.len = s.off + rdlen;
			if (tsig_rdata(&s, t) != 0)
				return dns_rd_fail(r, s.err);
			t->off = off;
			rc = 1;
		}
		dns_rd_bytes(r, rdlen);
	}
	if (r->err)
		return r->err;
	if (dns_rd_left(r) != 0)
		return dns_rd_fail(r, DNS_ETRAIL);
	return rc;
}

int
tsig_present(const uint8_t *msg, size_t len)
{
	struct tsig_rr t;

	if (len < DNS_HDR_LEN || dns_get16(msg + 10) == 0)
		return 0;
	return find_tsig(msg, len, &t) == 1;
}

/* ---- digests ---------------------------------------------------------- */
static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put48(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 6; i++)
		p[i] = (uint8_t)(v >> (40 - 8 * i));
}

/*
 * The message as it was before its TSIG was added: msg[0..end) with the
 * ID replaced by the Original ID and ARCOUNT less `less`.
 */
static void
hash_msg(br_hmac_context *h, const uint8_t *msg, size_t end,
    uint16_t orig_id, unsigned less)
{
	uint8_t b[2];

	put16(b, orig_id);
	br_hmac_update(h, b, 2);
	br_hmac_update(h, msg + 2, 8);
	put16(b, (uint16_t)(dns_get16(msg + 10) - less));
	br_hmac_update(h, b, 2);
	br_hmac_update(h, msg + DNS_HDR_LEN, end - DNS_HDR_LEN);
}

/* The TSIG variables (RFC 8945 §4.3.3), or only the timers. */
static void
hash_vars(br_hmac_context *h, const struct tsig_key *k, const struct alg *a,
    const struct tsig_rr *t, int timers_only)
{
	uint8_t name[DNS_NAME_MAX], b[10];

	if (!timers_only) {
		memcpy(name, k->name, dns_name_len(k->name));
		dns_name_lower(name);
		br_hmac_update(h, name, dns_name_len(name));
		put16(b, DNS_C_ANY);
		memset(b + 2, 0, 4);             /* TTL */
		br_hmac_update(h, b, 6);
		br_hmac_update(h, a->wire, dns_name_len(a->wire));
	}
	put48(b, t->time);
	put16(b + 6, t->fudge);
	br_hmac_update(h, b, 8);
	if (!timers_only) {
		put16(b, t->error);
		put16(b + 2, t->other_len);
		br_hmac_update(h, b, 4);
		br_hmac_update(h, t->other, t->other_len);
	}
}

/* The new prior MAC; the running digest restarts from it. */
static void
set_prior(struct tsig_ctx *c, const uint8_t *mac, size_t n)
{
	uint8_t b[2];

	memcpy(c->mac, mac, n);
	c->mac_len = n;
	br_hmac_init(&c->run, &c->kc, 0);
	put16(b, (uint16_t)n);
	br_hmac_update(&c->run, b, 2);
	br_hmac_update(&c->run, mac, n);
}

static int
same(const uint8_t *a, const uint8_t *b, size_t n)
{
	unsigned d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= (unsigned)(a[i] ^ b[i]);
	return d == 0;
}

static int
key_match(const struct tsig_key *k, const struct tsig_rr *t)
{
	const struct alg *a = alg_get(k->alg);

	return a != NULL && dns_name_eq(k->name, t->owner) &&
	    dns_name_eq(a->wire, t->alg);
}

/*
 * MAC check of a signed message: h already holds whatever comes before
 * the message (the prior MAC, unsigned messages).  0, DNS_EBADTRUNC or
 * DNS_EBADSIG.
 */
static int
check_mac(br_hmac_context *h, const struct tsig_key *k, const struct alg *a,
    const uint8_t *msg, const struct tsig_rr *t, int timers_only)
{
	uint8_t mac[TSIG_MAC_MAX];
	int rc = DNS_EBADSIG;

	if (t->mac_len < a->mac_len) {
		rc = DNS_EBADTRUNC;
	} else if (t->mac_len == a->mac_len) {
		hash_msg(h, msg, t->off, t->orig_id, 1);
		hash_vars(h, k, a, t, timers_only);
		br_hmac_out(h, mac);
		if (same(mac, t->mac, a->mac_len))
			rc = 0;
	}
	wipe(h, sizeof *h);
	return rc;
}

static int
time_ok(uint64_t now, const struct tsig_rr *t)
{
	uint64_t d = now > t->time ? now - t->time : t->time - now;

	return d <= t->fudge;
}

/* The peer reported an error in its TSIG: remember it, map it. */
static int
peer_error(struct tsig_ctx *c, const struct tsig_rr *t)
{
	c->server_error = t->error;
	if (t->error == DNS_R_BADTIME && t->other_len == 6)
		c->server_time = (uint64_t)dns_get16(t->other) << 32 |
		    dns_get32(t->other + 2);
	switch (t->error) {
	case DNS_R_BADKEY: return DNS_EBADKEY;
	case DNS_R_BADTIME: return DNS_EBADTIME;
	case TSIG_BADTRUNC: return DNS_EBADTRUNC;
	default: return DNS_EBADSIG;
	}
}

/* ---- the exchange ----------------------------------------------------- */
void
tsig_init(struct tsig_ctx *c, const struct tsig_key *key)
{
	const struct alg *a = alg_get(key->alg);

	memset(c, 0, sizeof *c);
	c->key = key;
	if (a == NULL)
		return; /* tsig_sign and tsig_verify report DNS_EBADKEY */
	br_hmac_key_init(&c->kc, a->vt, key->secret, key->secret_len);
	br_hmac_init(&c->run, &c->kc, 0);
}

/* Append the TSIG RR for t (owner: the key name, uncompressed). */
static int
put_rr(uint8_t *at, size_t need, const struct tsig_key *k,
    const struct alg *a, const struct tsig_rr *t)
{
	size_t nlen = dns_name_len(k->name);
	struct dns_wr w;

	dns_wr_init(&w, at, need);
	dns_wr_bytes(&w, k->name, nlen);
	dns_wr_u16(&w, DNS_T_TSIG);
	dns_wr_u16(&w, DNS_C_ANY);
	dns_wr_u32(&w, 0);
	dns_wr_u16(&w, (uint16_t)(need - nlen - 10));
	dns_wr_bytes(&w, a->wire, dns_name_len(a->wire));
	dns_wr_u16(&w, (uint16_t)(t->time >> 32));
	dns_wr_u32(&w, (uint32_t)t->time);
	dns_wr_u16(&w, t->fudge);
	dns_wr_u16(&w, t->mac_len);
	dns_wr_bytes(&w, t->mac, t->mac_len);
	dns_wr_u16(&w, t->orig_id);
	dns_wr_u16(&w, t->error);
	dns_wr_u16(&w, t->other_len);
	dns_wr_bytes(&w, t->other, t->other_len);
	return w.err;
}

int
tsig_sign(struct tsig_ctx *c, uint8_t *msg, size_t *len, size_t cap,
    uint64_t now, uint16_t error)
{
	const struct tsig_key *k = c->key;
	const struct alg *a = k ? alg_get(k->alg) : NULL;
	uint8_t mac[TSIG_MAC_MAX], other[6];
	struct tsig_rr t;
	br_hmac_context h;
	size_t need;
	int rc;

	if (a == NULL)
		return DNS_EBADKEY;
	if (*len < DNS_HDR_LEN || *len > cap)
		return DNS_ETRUNC;
	if (dns_get16(msg + 10) == 0xffff)
		return DNS_ECOUNT;
	memset(&t, 0, sizeof t);
	t.time = now;
	t.fudge = TSIG_FUDGE;
	t.error = error;
	t.orig_id = dns_get16(msg);
	t.mac = mac;
	t.other = other;
	if (error == DNS_R_BADTIME) {
		/* Time signed is the request's; our clock goes in Other. */
		t.time = c->last_time;
		put48(other, now);
		t.other_len = 6;
	}
	/* BADSIG and BADKEY answers are unsigned (RFC 8945 §5.3.2). */
	if (error != DNS_R_BADSIG && error != DNS_R_BADKEY)
		t.mac_len = (uint16_t)a->mac_len;
	need = dns_name_len(k->name) + 10 + dns_name_len(a->wire) + 16 +
	    t.mac_len + t.other_len;
	if (need > cap - *len || *len + need > CFG_MAX_DNS_MSG)
		return DNS_ESPACE;
	if (t.mac_len != 0) {
		/* A reply covers the request's MAC; a request stands alone. */
		if (dns_get16(msg + 2) & DNS_F_QR)
			h = c->run;
		else
			br_hmac_init(&h, &c->kc, 0);
		hash_msg(&h, msg, *len, t.orig_id, 0);
		hash_vars(&h, k, a, &t, 0);
		br_hmac_out(&h, mac);
		wipe(&h, sizeof h);
	}
	if ((rc = put_rr(msg + *len, need, k, a, &t)) != 0)
		return rc;
	put16(msg + 10, (uint16_t)(dns_get16(msg + 10) + 1));
	*len += need;
	if (t.mac_len != 0)
		set_prior(c, mac, t.mac_len);
	return 0;
}

/* An answer message without TSIG: hash it into the running digest. */
static int
unsigned_msg(struct tsig_ctx *c, const uint8_t *msg, size_t len)
{
	if (c->messages == 0 || c->unsigned_run >= TSIG_MAX_UNSIGNED)
		return DNS_ENOSIG;
	br_hmac_update(&c->run, msg, len);
	c->unsigned_run++;
	c->messages++;
	return 0;
}

int
tsig_verify(struct tsig_ctx *c, const uint8_t *msg, size_t len, uint64_t now)
{
	const struct alg *a;
	struct tsig_rr t;
	br_hmac_context h;
	int rc;

	if ((rc = find_tsig(msg, len, &t)) < 0)
		return rc;
	if (rc == 0)
		return unsigned_msg(c, msg, len);
	if (t.error != 0 && t.mac_len == 0)
		return peer_error(c, &t);       /* an unsigned complaint */
	if (c->key == NULL || !key_match(c->key, &t))
		return DNS_EBADKEY;
	a = alg_get(c->key->alg);
	/* The first answer has all the variables, later ones the timers. */
	h = c->run;
	if ((rc = check_mac(&h, c->key, a, msg, &t, c->messages > 0)) != 0)
		return rc;
	if (t.error != 0)
		return peer_error(c, &t);       /* signed, e.g. BADTIME */
	if (!time_ok(now, &t) || (c->messages > 0 && t.time < c->last_time))
		return DNS_EBADTIME;
	set_prior(c, t.mac, t.mac_len);
	c->last_time = t.time;
	c->unsigned_run = 0;
	c->messages++;
	return 0;
}

int
tsig_end(const struct tsig_ctx *c)
{
	return (c->messages > 0 && c->unsigned_run == 0) ? 0 : DNS_ENOSIG;
}

int
tsig_verify_request(struct tsig_ctx *c, const struct tsig_key *keys,
    size_t nkeys, const uint8_t *msg, size_t len, uint64_t now)
{
	const struct tsig_key *k = NULL;
	struct tsig_rr t;
	br_hmac_context h;
	size_t i;
	int rc;

	memset(c, 0, sizeof *c);
	if ((rc = find_tsig(msg, len, &t)) < 0)
		return rc;
	if (rc == 0)
		return DNS_ENOSIG;
	for (i = 0; i < nkeys && k == NULL; i++)
		if (key_match(&keys[i], &t))
			k = &keys[i];
	if (k == NULL)
		return DNS_EBADKEY;
	tsig_init(c, k);
	c->last_time = t.time;          /* a BADTIME reply repeats it */
	h = c->run;
	if ((rc = check_mac(&h, k, alg_get(k->alg), msg, &t, 0)) != 0)
		return rc;
	set_prior(c, t.mac, t.mac_len);
	if (!time_ok(now, &t))
		return DNS_EBADTIME;
	return 0;
}
