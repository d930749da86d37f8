/*
 * test_tsig.c — TSIG against dnspython's known answers (tsig_vectors.h,
 * made by gen_tsig_vectors.py) and the rules of RFC 8945: check order,
 * truncation, time, multi-message answers, the server side.
 */
#include <stdint.h>
#include <string.h>

#include "xfrsync_config.h"

#if CFG_TSIG
/* BearSSL's headers test an undefined macro with #if (-Wundef). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include "net/tsig.h"
#pragma GCC diagnostic pop

#include "net/err.h"
#include "net/msg.h"
#include "net/rrtype.h"
#include "tests/unit/tsig_vectors.h"
#include "tests/unit/unit.h"

#define NVEC (sizeof tv_algs / sizeof tv_algs[0])
#define BUF 4096

static struct tsig_key key0; /* tv_algs[0]: hmac-sha256 */

static int
setkey(struct tsig_key *k, const struct tv_key *v)
{
	return tsig_key_set(k, v->alg, v->name, v->secret);
}

static size_t
maclen(int alg)
{
	switch (alg) {
	case TSIG_HMAC_SHA1: return 20;
	case TSIG_HMAC_SHA224: return 28;
	case TSIG_HMAC_SHA256: return 32;
	case TSIG_HMAC_SHA384: return 48;
	default: return 64;
	}
}

/* Where the MAC of a message with an empty Other Data starts. */
static size_t
macoff(size_t n, int alg)
{
	return n - 6 - maclen(alg);
}

/* Start an exchange: sign v's unsigned query as dnspython did. */
static int
start(struct tsig_ctx *c, const struct tsig_key *k, const uint8_t *plain,
    size_t plain_n, uint64_t t, uint8_t *buf, size_t *n)
{
	memcpy(buf, plain, plain_n);
	*n = plain_n;
	tsig_init(c, k);
	return tsig_sign(c, buf, n, BUF, t, 0);
}

static int
have_sha256(void)
{
	if (!CFG_TSIG_HMAC_SHA256)
		return 0;
	if (key0.secret_len == 0)
		setkey(&key0, &tv_algs[0].key);
	return 1;
}

/* Start an exchange with tv_algs[0]'s query. */
static void
start0(struct tsig_ctx *c)
{
	uint8_t buf[BUF];
	size_t n;

	CHECK_INT(start(c, &key0, tv_algs[0].plain.p, tv_algs[0].plain.n,
	    tv_algs[0].t, buf, &n), 0);
}

/* Verify msg with one byte XORed with x. */
static int
verify_flipped(struct tsig_ctx *c, const struct tv_msg *m, size_t at,
    uint8_t x, uint64_t now)
{
	uint8_t buf[BUF];

	memcpy(buf, m->p, m->n);
	buf[at] ^= x;
	return tsig_verify(c, buf, m->n, now);
}

/* ---- algorithms and keys ------------------------------------------------- */
UNIT_TEST(tsig_algorithms)
{
	static const struct { const char *s; int alg, on; } v[] = {
		{ "hmac-sha256", TSIG_HMAC_SHA256, CFG_TSIG_HMAC_SHA256 },
		{ "HMAC-SHA256.", TSIG_HMAC_SHA256, CFG_TSIG_HMAC_SHA256 },
		{ "hmac-sha512", TSIG_HMAC_SHA512, CFG_TSIG_HMAC_SHA512 },
		{ "Hmac-Sha384", TSIG_HMAC_SHA384, CFG_TSIG_HMAC_SHA384 },
		{ "hmac-sha224.", TSIG_HMAC_SHA224, CFG_TSIG_HMAC_SHA224 },
		{ "hmac-sha1", TSIG_HMAC_SHA1, CFG_TSIG_HMAC_SHA1 },
	};
	static const char *const bad[] = {
		"", ".", "hmac-md5", "hmac-md5.sig-alg.reg.int",
		"hmac-sha256..",
		"hmac-sha256-128", "hmac-sha", "hmac-sha2560", "sha256",
	};
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		CHECK_INT(tsig_alg_from_text(v[i].s, strlen(v[i].s)),
		    v[i].on ? v[i].alg : TSIG_ALG_NONE);
		CHECK_INT(tsig_alg_name(v[i].alg) != NULL, v[i].on);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT(tsig_alg_from_text(bad[i], strlen(bad[i])), 0);
	CHECK(tsig_alg_name(TSIG_ALG_NONE) == NULL);
	CHECK(tsig_alg_text(99) == NULL);
	if (CFG_TSIG_HMAC_SHA256) {
		CHECK_STR(tsig_alg_text(TSIG_HMAC_SHA256), "hmac-sha256");
		CHECK_MEM(tsig_alg_name(TSIG_HMAC_SHA256), "\013hmac-sha256",
		    13);
	}
	if (CFG_TSIG_HMAC_SHA1) {
		CHECK_STR(tsig_alg_text(TSIG_HMAC_SHA1), "hmac-sha1");
		CHECK_MEM(tsig_alg_name(TSIG_HMAC_SHA1), "\011hmac-sha1", 11);
	}
}

UNIT_TEST(tsig_key_set_and_wipe)
{
	struct tsig_key k;
	char big[2 * TSIG_SECRET_MAX];
	size_t i;

	if (!CFG_TSIG_HMAC_SHA256)
		return;
	CHECK_INT(tsig_key_set(&k, "hmac-sha256", "XfrSync.Example",
	    "Zm9vYmFy"), 0);
	CHECK_INT(k.alg, TSIG_HMAC_SHA256);
	CHECK_MEM(k.name, "\007xfrsync\007example\000", 17);
	CHECK_INT(k.secret_len, 6);
	CHECK_MEM(k.secret, "foobar", 6);
	CHECK_INT(tsig_key_set(&k, "HMAC-SHA256.", "key.", "Zm9v"), 0);
	CHECK_MEM(k.name, "\003key\000", 5);
	tsig_key_wipe(&k);
	CHECK_INT(k.secret_len, 0);
	for (i = 0; i < sizeof k.secret; i++)
		CHECK(k.secret[i] == 0);

	CHECK_INT(tsig_key_set(&k, "hmac-md5", "key", "Zm9v"), DNS_EBADKEY);
	CHECK_INT(tsig_key_set(&k, "hmac-sha256", "a..b", "Zm9v"),
	    DNS_ESYNTAX);
	CHECK_INT(tsig_key_set(&k, "hmac-sha256", "", "Zm9v"), DNS_ESYNTAX);
	CHECK_INT(tsig_key_set(&k, "hmac-sha256", "key", "Zm9"), DNS_ESYNTAX);
	CHECK_INT(tsig_key_set(&k, "hmac-sha256", "key", ""), DNS_ESYNTAX);
	CHECK_INT(k.secret_len, 0);
	/* 132 bytes: longer than TSIG_SECRET_MAX. */
	memset(big, 'A', 176);
	big[176] = '\0';
	CHECK_INT(tsig_key_set(&k, "hmac-sha256", "key", big), DNS_ESYNTAX);
	CHECK_INT(k.secret_len, 0);
	big[168] = '\0'; /* 126 bytes: fits */
	CHECK_INT(tsig_key_set(&k, "hmac-sha256", "key", big), 0);
	CHECK_INT(k.secret_len, 126);
	tsig_key_wipe(&k);
}

/* ---- a signed query, byte for byte, with every algorithm ----------------- */
UNIT_TEST(tsig_sign_query_like_dnspython)
{
	struct tsig_key k;
	struct tsig_ctx c;
	uint8_t buf[BUF];
	size_t i, n;

	for (i = 0; i < NVEC; i++) {
		const struct tv_alg *v = &tv_algs[i];

		if (tsig_alg_name(v->alg) == NULL) {
			CHECK_INT(setkey(&k, &v->key), DNS_EBADKEY);
			continue;
		}
		CHECK_INT(setkey(&k, &v->key), 0);
		CHECK_INT(start(&c, &k, v->plain.p, v->plain.n, v->t, buf, &n),
		    0);
		CHECK_INT(n, v->query.n);
		CHECK_MEM(buf, v->query.p, v->query.n);
		CHECK_INT(c.mac_len, maclen(v->alg));
		CHECK_MEM(c.mac, v->query.p + macoff(v->query.n, v->alg),
		    c.mac_len);
		CHECK(tsig_present(buf, n));
		/* Signing it again (a retry over TCP) gives the same bytes:
		 * a request does not cover the prior MAC. */
		memcpy(buf, v->plain.p, v->plain.n);
		n = v->plain.n;
		CHECK_INT(tsig_sign(&c, buf, &n, sizeof buf, v->t, 0), 0);
		CHECK_MEM(buf, v->query.p, v->query.n);
		tsig_key_wipe(&k);
	}
}

/* ---- a signed reply ------------------------------------------------------ */
UNIT_TEST(tsig_verify_reply_every_alg)
{
	struct tsig_key k;
	struct tsig_ctx c;
	uint8_t buf[BUF];
	size_t i, n;

	for (i = 0; i < NVEC; i++) {
		const struct tv_alg *v = &tv_algs[i];
		size_t m;

		if (setkey(&k, &v->key) != 0)
			continue;
		CHECK_INT(start(&c, &k, v->plain.p, v->plain.n, v->t, buf, &n),
		    0);
		CHECK_INT(tsig_end(&c), DNS_ENOSIG);
		CHECK_INT(tsig_verify(&c, v->reply.p, v->reply.n, v->t_reply),
		    0);
		CHECK_INT(tsig_end(&c), 0);
		CHECK_INT(c.messages, 1);
		CHECK_INT(c.last_time, v->t_reply);
		m = macoff(v->reply.n, v->alg);
		CHECK_MEM(c.mac, v->reply.p + m, maclen(v->alg));

		/* A flipped bit anywhere covered: MAC, header, answer. */
		start(&c, &k, v->plain.p, v->plain.n, v->t, buf, &n);
		CHECK_INT(verify_flipped(&c, &v->reply, m + 5, 0x01,
		    v->t_reply), DNS_EBADSIG);
		CHECK_INT(verify_flipped(&c, &v->reply, 3, 0x20, v->t_reply),
		    DNS_EBADSIG);
		/* The answer's TTL (after a 25-byte question, a pointer,
		 * type and class). */
		CHECK_INT(verify_flipped(&c, &v->reply, 33, 0x40, v->t_reply),
		    DNS_EBADSIG);
		CHECK_INT(c.messages, 0);
		CHECK_INT(tsig_verify(&c, v->reply.p, v->reply.n, v->t_reply),
		    0);
		tsig_key_wipe(&k);
	}
}

UNIT_TEST(tsig_reply_checks_and_their_order)
{
	const struct tv_alg *v = &tv_algs[0];
	const struct tv_msg *r = &v->reply;
	size_t m = macoff(r->n, v->alg);
	struct tsig_key other;
	struct tsig_ctx c;
	uint64_t t = v->t_reply;

	if (!have_sha256())
		return;
	/* The ID is not covered: the Original ID stands in for it. */
	start0(&c);
	CHECK_INT(verify_flipped(&c, r, 0, 0xff, t), 0);

	/* Time: |now - time signed| <= fudge. */
	start0(&c);
	CHECK_INT(tsig_verify(&c, r->p, r->n, t + TV_FUDGE + 1), DNS_EBADTIME);
	CHECK_INT(tsig_verify(&c, r->p, r->n, t - TV_FUDGE - 1), DNS_EBADTIME);
	CHECK_INT(tsig_verify(&c, r->p, r->n, t - TV_FUDGE), 0);
	start0(&c);
	CHECK_INT(tsig_verify(&c, r->p, r->n, t + TV_FUDGE), 0);

	/* Key before MAC before time. */
	other = key0;
	memcpy(other.name, "\005other\000", 7);
	start0(&c);
	c.key = &other;
	CHECK_INT(tsig_verify(&c, r->p, r->n, t), DNS_EBADKEY);
	CHECK_INT(verify_flipped(&c, r, m, 1, t + 1000), DNS_EBADKEY);
	if (CFG_TSIG_HMAC_SHA512) {
		other = key0;
		other.alg = TSIG_HMAC_SHA512;
		c.key = &other;
		CHECK_INT(tsig_verify(&c, r->p, r->n, t), DNS_EBADKEY);
	}
	start0(&c);
	CHECK_INT(verify_flipped(&c, r, m, 1, t + 1000), DNS_EBADSIG);
	/* The key name is compared ignoring case. */
	other = key0;
	memcpy(other.name + 1, "XFRSYNC", 7);
	start0(&c);
	c.key = &other;
	CHECK_INT(tsig_verify(&c, r->p, r->n, t), 0);

	/* A reply to another request (another prior MAC). */
	{
		uint8_t buf[BUF];
		size_t n;

		start(&c, &key0, v->plain.p, v->plain.n, v->t + 1, buf, &n);
		CHECK_INT(tsig_verify(&c, r->p, r->n, t), DNS_EBADSIG);
	}
	start0(&c);
	CHECK_INT(tsig_verify(&c, v->query.p, v->query.n, t), DNS_EBADSIG);
}

UNIT_TEST(tsig_reply_truncated_mac)
{
	struct tsig_ctx c;

	if (!have_sha256())
		return;
	start0(&c);
	CHECK_INT(tsig_verify(&c, tv_trunc, sizeof tv_trunc,
	    tv_algs[0].t_reply), DNS_EBADTRUNC);
	CHECK_INT(c.server_error, 0);
	CHECK_INT(tsig_end(&c), DNS_ENOSIG);
}

/* ---- the server complains ------------------------------------------------ */
UNIT_TEST(tsig_server_errors)
{
	uint64_t t = tv_algs[0].t + 1;
	struct tsig_ctx c;

	if (!have_sha256())
		return;
	start0(&c);
	CHECK_INT(tsig_verify(&c, tv_badkey, sizeof tv_badkey, t),
	    DNS_EBADKEY);
	CHECK_INT(c.server_error, DNS_R_BADKEY);
	CHECK_INT(c.server_time, 0);
	CHECK_INT(tsig_end(&c), DNS_ENOSIG);
	start0(&c);
	CHECK_INT(tsig_verify(&c, tv_badsig, sizeof tv_badsig, t),
	    DNS_EBADSIG);
	CHECK_INT(c.server_error, DNS_R_BADSIG);
	start0(&c);
	CHECK_INT(tsig_verify(&c, tv_badtime, sizeof tv_badtime, t),
	    DNS_EBADTIME);
	CHECK_INT(c.server_error, DNS_R_BADTIME);
	CHECK_INT(c.server_time, TV_SERVER_NOW);

	/* Signed BADTIME: the MAC is checked first, then the error. */
	start0(&c);
	CHECK_INT(tsig_verify(&c, tv_badtime_signed, sizeof tv_badtime_signed,
	    t), DNS_EBADTIME);
	CHECK_INT(c.server_error, DNS_R_BADTIME);
	CHECK_INT(c.server_time, TV_SERVER_NOW);
	CHECK_INT(tsig_end(&c), DNS_ENOSIG);
	start0(&c);
	{
		struct tv_msg m = TV(tv_badtime_signed, 1);

		/* Other Data is 6 bytes here. */
		CHECK_INT(verify_flipped(&c, &m, m.n - 12 - 32, 1, t),
		    DNS_EBADSIG);
	}
	CHECK_INT(c.server_error, 0);
}

/* dnspython keeps the key name's case and compresses it; the MAC uses the
 * canonical form, so ours (lowercase, uncompressed) is the same. */
UNIT_TEST(tsig_key_name_case_and_compression)
{
	struct tsig_key k;
	struct tsig_ctx c;
	uint8_t buf[BUF];
	size_t n;

	if (!CFG_TSIG_HMAC_SHA256)
		return;
	CHECK_INT(setkey(&k, &tv_case_key), 0);
	CHECK_MEM(k.name, "\004tsig\007example\000", 14);
	CHECK_INT(start(&c, &k, tv_case_plain, sizeof tv_case_plain,
	    tv_algs[0].t, buf, &n), 0);
	CHECK(n != sizeof tv_case_query);
	CHECK_MEM(c.mac, tv_case_query + macoff(sizeof tv_case_query,
	    TSIG_HMAC_SHA256), 32);
	CHECK_INT(tsig_verify(&c, tv_case_reply, sizeof tv_case_reply,
	    tv_algs[0].t + 2), 0);
	CHECK_INT(tsig_end(&c), 0);
	/* Server side, same request as dnspython sent it. */
	CHECK_INT(tsig_verify_request(&c, &k, 1, tv_case_query,
	    sizeof tv_case_query, tv_algs[0].t), 0);
	tsig_key_wipe(&k);
}

/* ---- multi-message answers ----------------------------------------------- */
static void
axfr_start(struct tsig_ctx *c)
{
	uint8_t buf[BUF];
	size_t n;

	CHECK_INT(start(c, &key0, tv_axfr_plain, sizeof tv_axfr_plain,
	    TV_AXFR_T, buf, &n), 0);
	CHECK_INT(n, sizeof tv_axfr_query);
	CHECK_MEM(buf, tv_axfr_query, sizeof tv_axfr_query);
}

/* Verify the first n messages of seq; the index of the first failure
 * (its code in *rc) or n. */
static size_t
run(struct tsig_ctx *c, const struct tv_msg *seq, size_t n, uint64_t now,
    int *rc)
{
	size_t i;

	*rc = 0;
	for (i = 0; i < n; i++) {
		CHECK_INT(tsig_present(seq[i].p, seq[i].n), seq[i].sig);
		if ((*rc = tsig_verify(c, seq[i].p, seq[i].n, now)) != 0)
			return i;
	}
	return n;
}

#define NSEQ(a) (sizeof a / sizeof a[0])

UNIT_TEST(tsig_axfr_every_message_signed)
{
	struct tsig_ctx c;
	uint64_t now = TV_AXFR_T + 3;
	struct tv_msg bad[NSEQ(tv_axfr_all)];
	int rc;

	if (!have_sha256())
		return;
	axfr_start(&c);
	CHECK_INT(run(&c, tv_axfr_all, NSEQ(tv_axfr_all), now, &rc),
	    NSEQ(tv_axfr_all));
	CHECK_INT(tsig_end(&c), 0);
	CHECK_INT(c.messages, NSEQ(tv_axfr_all));
	CHECK_INT(c.last_time, TV_AXFR_T + 3);

	/* Out of order: message 2 right after message 0. */
	memcpy(bad, tv_axfr_all, sizeof bad);
	bad[1] = bad[2];
	axfr_start(&c);
	CHECK_INT(run(&c, bad, NSEQ(bad), now, &rc), 1);
	CHECK_INT(rc, DNS_EBADSIG);
	/* A later message checked as if it were the first. */
	axfr_start(&c);
	CHECK_INT(run(&c, tv_axfr_all + 1, 1, now, &rc), 0);
	CHECK_INT(rc, DNS_EBADSIG);
	/* Later messages carry only the timers: a flipped bit still shows. */
	axfr_start(&c);
	CHECK_INT(run(&c, tv_axfr_all, 2, now, &rc), 2);
	CHECK_INT(verify_flipped(&c, &tv_axfr_all[2], 20, 1, now), DNS_EBADSIG);
}

UNIT_TEST(tsig_axfr_unsigned_between)
{
	struct tsig_ctx c;
	uint64_t now = TV_AXFR_T + 3;
	struct tv_msg seq[NSEQ(tv_axfr_sparse)];
	uint8_t buf[BUF];
	int rc;

	if (!have_sha256())
		return;
	axfr_start(&c);
	CHECK_INT(run(&c, tv_axfr_sparse, NSEQ(tv_axfr_sparse), now, &rc),
	    NSEQ(tv_axfr_sparse));
	CHECK_INT(tsig_end(&c), 0);

	/* Stops after an unsigned message: not complete. */
	axfr_start(&c);
	CHECK_INT(run(&c, tv_axfr_sparse, 5, now, &rc), 5);
	CHECK_INT(c.unsigned_run, 1);
	CHECK_INT(tsig_end(&c), DNS_ENOSIG);

	/* The first message must be signed. */
	axfr_start(&c);
	CHECK_INT(tsig_verify(&c, tv_axfr_sparse[1].p, tv_axfr_sparse[1].n,
	    now), DNS_ENOSIG);

	/* A changed unsigned message fails at the next signed one. */
	memcpy(seq, tv_axfr_sparse, sizeof seq);
	memcpy(buf, seq[2].p, seq[2].n);
	buf[seq[2].n - 1] ^= 1;
	seq[2].p = buf;
	axfr_start(&c);
	CHECK_INT(run(&c, seq, NSEQ(seq), now, &rc), 3);
	CHECK_INT(rc, DNS_EBADSIG);

	/* So does a dropped one. */
	memcpy(seq, tv_axfr_sparse, sizeof seq);
	seq[2] = seq[3];
	axfr_start(&c);
	CHECK_INT(run(&c, seq, 3, now, &rc), 2);
	CHECK_INT(rc, DNS_EBADSIG);
}

UNIT_TEST(tsig_axfr_99_unsigned_in_a_row)
{
	const struct tv_msg first = TV(tv_axfr_long_first, 1);
	const struct tv_msg u = TV(tv_axfr_long_unsigned, 0);
	const struct tv_msg last = TV(tv_axfr_long_last, 1);
	uint64_t now = TV_AXFR_T + 4;
	struct tsig_ctx c;
	int i;

	if (!have_sha256())
		return;
	CHECK_INT(TSIG_MAX_UNSIGNED, 99);
	axfr_start(&c);
	CHECK_INT(tsig_verify(&c, first.p, first.n, now), 0);
	for (i = 0; i < 99; i++)
		CHECK_INT(tsig_verify(&c, u.p, u.n, now), 0);
	CHECK_INT(tsig_end(&c), DNS_ENOSIG);
	CHECK_INT(tsig_verify(&c, last.p, last.n, now), 0);
	CHECK_INT(tsig_end(&c), 0);
	CHECK_INT(c.messages, 101);

	/* The 100th in a row is refused. */
	axfr_start(&c);
	CHECK_INT(tsig_verify(&c, first.p, first.n, now), 0);
	for (i = 0; i < 99; i++)
		CHECK_INT(tsig_verify(&c, u.p, u.n, now), 0);
	CHECK_INT(tsig_verify(&c, u.p, u.n, now), DNS_ENOSIG);
}

UNIT_TEST(tsig_axfr_time_goes_backwards)
{
	struct tsig_ctx c;
	int rc;

	if (!have_sha256())
		return;
	/* Both within the fudge; dnspython accepts the pair. */
	axfr_start(&c);
	CHECK_INT(run(&c, tv_axfr_back, NSEQ(tv_axfr_back), TV_AXFR_T + 5,
	    &rc), 1);
	CHECK_INT(rc, DNS_EBADTIME);
	CHECK_INT(tsig_end(&c), 0);
	CHECK_INT(c.messages, 1);
	/* Same time twice is fine (tv_axfr_all does it). */
}

/* ---- server side: a NOTIFY and our replies ------------------------------- */
static void
notify_keys(struct tsig_key *keys)
{
	memset(keys, 0, 3 * sizeof *keys);
	setkey(&keys[0], &tv_algs[1].key); /* other name */
	keys[1] = key0;                     /* same name, other algorithm */
	keys[1].alg = TSIG_HMAC_SHA512;
	keys[2] = key0;
}

static int
sign_reply(struct tsig_ctx *c, const uint8_t *plain, size_t n, uint64_t now,
    uint16_t error, const uint8_t *want, size_t want_n)
{
	uint8_t buf[BUF];
	int rc;

	memcpy(buf, plain, n);
	if ((rc = tsig_sign(c, buf, &n, sizeof buf, now, error)) != 0)
		return rc;
	CHECK_INT(n, want_n);
	CHECK_MEM(buf, want, want_n);
	return 0;
}

UNIT_TEST(tsig_server_notify)
{
	struct tsig_key keys[3];
	struct tsig_ctx c;
	uint64_t t = TV_NOTIFY_T;

	if (!have_sha256() || !CFG_TSIG_HMAC_SHA512 || !CFG_TSIG_HMAC_SHA1)
		return;
	notify_keys(keys);
	CHECK_INT(tsig_verify_request(&c, keys, 3, tv_notify_req,
	    sizeof tv_notify_req, t + 1), 0);
	CHECK(c.key == &keys[2]);
	CHECK_MEM(c.mac, tv_notify_req + macoff(sizeof tv_notify_req,
	    TSIG_HMAC_SHA256), 32);
	CHECK_INT(sign_reply(&c, tv_notify_reply_plain,
	    sizeof tv_notify_reply_plain, t + 1, 0, tv_notify_reply,
	    sizeof tv_notify_reply), 0);
	/* And the client side reads it back. */
	{
		struct tsig_ctx cl;
		uint8_t buf[BUF];
		size_t n;

		CHECK_INT(start(&cl, &key0, tv_notify_unsigned,
		    sizeof tv_notify_unsigned, t, buf, &n), 0);
		CHECK_INT(n, sizeof tv_notify_req);
		CHECK_MEM(buf, tv_notify_req, n);
		CHECK_INT(tsig_verify(&cl, tv_notify_reply,
		    sizeof tv_notify_reply, t + 1), 0);
		CHECK_INT(tsig_end(&cl), 0);
	}
	tsig_key_wipe(&keys[0]);
}

UNIT_TEST(tsig_server_notify_refused)
{
	struct tsig_key keys[3];
	struct tsig_ctx c;
	uint8_t buf[BUF];
	uint64_t t = TV_NOTIFY_T;
	size_t n = sizeof tv_notify_req, m = macoff(n, TSIG_HMAC_SHA256);

	if (!have_sha256() || !CFG_TSIG_HMAC_SHA512 || !CFG_TSIG_HMAC_SHA1)
		return;
	notify_keys(keys);
	CHECK_INT(tsig_verify_request(&c, keys, 3, tv_notify_unsigned,
	    sizeof tv_notify_unsigned, t), DNS_ENOSIG);
	/* Unknown name; known name with another algorithm. */
	CHECK_INT(tsig_verify_request(&c, keys, 1, tv_notify_req, n, t),
	    DNS_EBADKEY);
	CHECK_INT(tsig_verify_request(&c, keys, 2, tv_notify_req, n, t),
	    DNS_EBADKEY);
	CHECK(c.key == NULL);
	CHECK_INT(tsig_sign(&c, buf, &n, sizeof buf, t, DNS_R_BADKEY),
	    DNS_EBADKEY);

	/* Bad MAC (and a bad time: MAC first): unsigned BADSIG reply. */
	memcpy(buf, tv_notify_req, n);
	buf[m] ^= 0x80;
	CHECK_INT(tsig_verify_request(&c, keys, 3, buf, n, t + 5000),
	    DNS_EBADSIG);
	CHECK_INT(sign_reply(&c, tv_notify_badsig_plain,
	    sizeof tv_notify_badsig_plain, t + 1, DNS_R_BADSIG,
	    tv_notify_badsig, sizeof tv_notify_badsig), 0);
	CHECK_INT(c.mac_len, 0);

	/* Our clock is 1000 s ahead: signed BADTIME reply. */
	CHECK_INT(tsig_verify_request(&c, keys, 3, tv_notify_req, n, t + 1000),
	    DNS_EBADTIME);
	CHECK_INT(sign_reply(&c, tv_notify_badtime_plain,
	    sizeof tv_notify_badtime_plain, t + 1000, DNS_R_BADTIME,
	    tv_notify_badtime, sizeof tv_notify_badtime), 0);
	/* Within the fudge either way. */
	CHECK_INT(tsig_verify_request(&c, keys, 3, tv_notify_req, n,
	    t + TV_FUDGE), 0);
	CHECK_INT(tsig_verify_request(&c, keys, 3, tv_notify_req, n,
	    t - TV_FUDGE), 0);
	CHECK_INT(tsig_verify_request(&c, keys, 3, tv_notify_req, n,
	    t - TV_FUDGE - 1), DNS_EBADTIME);
	/* A reply is not a request. */
	CHECK_INT(tsig_verify_request(&c, keys, 3, tv_notify_reply,
	    sizeof tv_notify_reply, t + 1), DNS_EBADSIG);
	tsig_key_wipe(&keys[0]);
}

/* ---- format -------------------------------------------------------------- */
UNIT_TEST(tsig_present_and_placement)
{
	const struct tv_alg *v = &tv_algs[0];
	size_t rr = v->query.n - v->plain.n; /* TSIG RR length */
	struct tsig_ctx c;
	uint8_t buf[BUF];
	size_t n;

	CHECK(!tsig_present(v->plain.p, v->plain.n));
	CHECK(tsig_present(v->query.p, v->query.n));
	CHECK(tsig_present(v->reply.p, v->reply.n));
	CHECK(!tsig_present(v->query.p, v->query.n - 1));
	CHECK(!tsig_present(v->query.p, 5));
	CHECK(!tsig_present(tv_notify_unsigned, sizeof tv_notify_unsigned));
	if (!have_sha256())
		return;

	/* Two TSIG RRs: the first is not the last RR. */
	memcpy(buf, v->query.p, v->query.n);
	memcpy(buf + v->query.n, v->query.p + v->plain.n, rr);
	buf[11]++;
	start0(&c);
	CHECK_INT(tsig_verify(&c, buf, v->query.n + rr, v->t), DNS_ETSIG);
	CHECK(!tsig_present(buf, v->query.n + rr));
	CHECK_INT(tsig_verify_request(&c, &key0, 1, buf, v->query.n + rr,
	    v->t), DNS_ETSIG);
	/* TSIG in the answer section. */
	memcpy(buf, v->plain.p, 12);
	memset(buf + 4, 0, 8);
	buf[7] = 1;
	memcpy(buf + 12, v->query.p + v->plain.n, rr);
	CHECK_INT(tsig_verify_request(&c, &key0, 1, buf, 12 + rr, v->t),
	    DNS_ETSIG);
	/* Bytes after the TSIG. */
	memcpy(buf, v->query.p, v->query.n);
	buf[v->query.n] = 0;
	CHECK_INT(tsig_verify_request(&c, &key0, 1, buf, v->query.n + 1, v->t),
	    DNS_ETRAIL);
	/* Class IN instead of ANY. */
	memcpy(buf, v->query.p, v->query.n);
	buf[v->plain.n + dns_name_len(key0.name) + 3] = DNS_C_IN;
	CHECK_INT(tsig_verify_request(&c, &key0, 1, buf, v->query.n, v->t),
	    DNS_ERDATA);
	/* A MAC length past the RDATA. */
	memcpy(buf, v->query.p, v->query.n);
	buf[macoff(v->query.n, v->alg) - 2] = 0xff;
	CHECK_INT(tsig_verify_request(&c, &key0, 1, buf, v->query.n, v->t),
	    DNS_ETRUNC);
	/* Our own signed query verifies as a request. */
	CHECK_INT(start(&c, &key0, v->plain.p, v->plain.n, v->t, buf, &n), 0);
	CHECK_INT(tsig_verify_request(&c, &key0, 1, buf, n, v->t), 0);
}

UNIT_TEST(tsig_sign_needs_space)
{
	const struct tv_alg *v = &tv_algs[0];
	struct tsig_ctx c;
	uint8_t buf[BUF];
	size_t n;

	if (!have_sha256())
		return;
	tsig_init(&c, &key0);
	memset(buf, 0xee, sizeof buf);
	memcpy(buf, v->plain.p, v->plain.n);
	n = v->plain.n;
	CHECK_INT(tsig_sign(&c, buf, &n, v->query.n - 1, v->t, 0),
	    DNS_ESPACE);
	CHECK_INT(n, v->plain.n);
	CHECK_INT(buf[n], 0xee);
	CHECK_INT(c.mac_len, 0);
	CHECK_INT(tsig_sign(&c, buf, &n, v->query.n, v->t, 0), 0);
	CHECK_MEM(buf, v->query.p, v->query.n);
	n = 11;
	CHECK_INT(tsig_sign(&c, buf, &n, sizeof buf, v->t, 0), DNS_ETRUNC);
}
#endif
