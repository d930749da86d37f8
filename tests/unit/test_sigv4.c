/*
 * test_sigv4.c — sigv4/: known answers from the AWS documentation, the
 * canonical forms' edge cases, output buffers that are too small, and the
 * signing-key cache.  The whole AWS test suite and the differential test
 * against botocore are tests/system/test_sigv4.py's.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <bearssl_hash.h>
#include <bearssl_hmac.h>
#pragma GCC diagnostic pop

#include "sigv4/sigv4.h"
#include "tests/unit/unit.h"

/* The AWS documentation's example credentials. */
#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define EMPTY_HASH \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static const char *
hex(const uint8_t *p, size_t n)
{
	static char buf[2 * 64 + 1];
	size_t i;

	for (i = 0; i < n && i < 64; i++)
		snprintf(buf + 2 * i, 3, "%02x", p[i]);
	buf[2 * i] = '\0';
	return buf;
}

#define H(n, v) { n, sizeof n - 1, v, sizeof v - 1 }

/* ---- known answers ------------------------------------------------------ */
UNIT_TEST(sigv4_signing_key_aws_doc_examples)
{
	uint8_t key[SV4_KEY_LEN];

	/* "Examples of how to derive a signing key for Signature Version 4" */
	CHECK_INT(sv4_signing_key(SECRET, "20150830", "us-east-1", "iam", key),
	    SV4_OK);
	CHECK_STR(hex(key, sizeof key), "c4afb1cc5771d871763a393e44b70357"
	    "1b55cc28424d1a5e86da6ed3c154a4b9");
	CHECK_INT(sv4_signing_key(SECRET, "20120215", "us-east-1", "iam", key),
	    SV4_OK);
	CHECK_STR(hex(key, sizeof key), "f4780e2d9f65fa895f9c67b32ce1baf0"
	    "b0d8a43505a000a1a9e090d414db404d");
}

/* The AWS documentation's IAM ListUsers request, signed step by step. */
UNIT_TEST(sigv4_iam_listusers_aws_doc_example)
{
	static const struct sv4_header hs[] = {
		H("Content-Type", "application/x-www-form-urlencoded; "
		    "charset=utf-8"),
		H("Host", "iam.amazonaws.com"),
		H("X-Amz-Date", "20150830T123600Z"),
	};
	static const char q[] = "Version=2010-05-08&Action=ListUsers";
	struct sv4_request rq = { "GET", "/", 1, q, sizeof q - 1, hs, 3,
		EMPTY_HASH, 0 };
	struct sv4_creds cr = { AKID, SECRET, NULL };
	char auth[256], creq[512], sts[256];
	struct sv4_output out = { auth, sizeof auth, creq, sizeof creq, sts,
		sizeof sts, 0, 0, 0 };

	CHECK_INT(sv4_sign(&rq, &cr, "us-east-1", "iam", "20150830T123600Z",
	    NULL, &out), SV4_OK);
	CHECK_STR(creq, "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
	    "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
	    "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
	    "content-type;host;x-amz-date\n" EMPTY_HASH);
	CHECK_STR(sts, "AWS4-HMAC-SHA256\n20150830T123600Z\n"
	    "20150830/us-east-1/iam/aws4_request\n"
	    "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
	CHECK_STR(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/"
	    "us-east-1/iam/aws4_request, SignedHeaders=content-type;host;"
	    "x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c"
	    "82c400e06b5924a6f2b5d7");
	CHECK_INT(out.authorization_len, strlen(auth));
	CHECK_INT(out.canonical_request_len, strlen(creq));
	CHECK_INT(out.string_to_sign_len, strlen(sts));
}

UNIT_TEST(sigv4_payload_hash)
{
	char h[SV4_HASH_HEX_LEN + 1];

	sv4_payload_hash("", 0, h);
	CHECK_STR(h, EMPTY_HASH);
	sv4_payload_hash("abc", 3, h);
	CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

/* A secret longer than HMAC's block: "AWS4"+secret is hashed first. */
UNIT_TEST(sigv4_signing_key_long_secret)
{
	char secret[200];
	uint8_t want[32], key[32];
	br_hmac_key_context kc;
	br_hmac_context hc;
	char k0[210];
	size_t n;

	memset(secret, 'k', sizeof secret - 1);
	secret[sizeof secret - 1] = '\0';
	for (n = 1; n < sizeof secret; n += 29) {
		secret[n] = '\0';
		memcpy(k0, "AWS4", 4);
		memcpy(k0 + 4, secret, n);
		br_hmac_key_init(&kc, &br_sha256_vtable, k0, n + 4);
		br_hmac_init(&hc, &kc, 0);
		br_hmac_update(&hc, "20240102", 8);
		br_hmac_out(&hc, want);
		br_hmac_key_init(&kc, &br_sha256_vtable, want, 32);
		br_hmac_init(&hc, &kc, 0);
		br_hmac_update(&hc, "eu-west-3", 9);
		br_hmac_out(&hc, want);
		br_hmac_key_init(&kc, &br_sha256_vtable, want, 32);
		br_hmac_init(&hc, &kc, 0);
		br_hmac_update(&hc, "route53", 7);
		br_hmac_out(&hc, want);
		br_hmac_key_init(&kc, &br_sha256_vtable, want, 32);
		br_hmac_init(&hc, &kc, 0);
		br_hmac_update(&hc, "aws4_request", 12);
		br_hmac_out(&hc, want);
		CHECK_INT(sv4_signing_key(secret, "20240102", "eu-west-3",
		    "route53", key), SV4_OK);
		CHECK_MEM(key, want, 32);
		secret[n] = 'k';
	}
}

/* ---- dates -------------------------------------------------------------- */
UNIT_TEST(sigv4_amz_date_known)
{
	char d[SV4_AMZ_DATE_LEN + 1];

	CHECK_INT(sv4_amz_date(0, d), SV4_OK);
	CHECK_STR(d, "19700101T000000Z");
	CHECK_INT(sv4_amz_date(1440938160, d), SV4_OK);
	CHECK_STR(d, "20150830T123600Z");
	CHECK_INT(sv4_amz_date(951782400, d), SV4_OK);
	CHECK_STR(d, "20000229T000000Z");
	CHECK_INT(sv4_amz_date(INT64_C(253402300799), d), SV4_OK);
	CHECK_STR(d, "99991231T235959Z");
	CHECK_INT(sv4_amz_date(-1, d), SV4_EDATE);
	CHECK_INT(sv4_amz_date(INT64_C(253402300800), d), SV4_EDATE);
}

UNIT_TEST(sigv4_amz_date_matches_gmtime)
{
	char d[SV4_AMZ_DATE_LEN + 1], want[32];
	struct tm tm;
	int64_t t;
	time_t tt;

	for (t = 0; t < INT64_C(253402300799);
	    t += INT64_C(7777777) * 61 + 13) {
		tt = (time_t)t;
		if (gmtime_r(&tt, &tm) == NULL)
			break;
		strftime(want, sizeof want, "%Y%m%dT%H%M%SZ", &tm);
		CHECK_INT(sv4_amz_date(t, d), SV4_OK);
		if (strcmp(d, want) != 0) {
			CHECK_STR(d, want);
			break;
		}
		CHECK_INT(sv4_check_amz_date(d), SV4_OK);
	}
}

UNIT_TEST(sigv4_check_amz_date)
{
	static const char *const bad[] = {
		"", "20150830", "20150830T123600", "20150830T123600Zx",
		"20150830t123600Z", "2015083OT123600Z", "20151330T123600Z",
		"20150000T123600Z", "20150230T123600Z", "21000229T000000Z",
		"20150830T243600Z", "20150830T126000Z", "20150830T123660Z",
		"2015-08-30T12:36", "+0150830T123600Z",
	};
	size_t i;

	CHECK_INT(sv4_check_amz_date("20150830T123600Z"), SV4_OK);
	CHECK_INT(sv4_check_amz_date("20000229T235959Z"), SV4_OK);
	CHECK_INT(sv4_check_amz_date(NULL), SV4_EDATE);
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		if (sv4_check_amz_date(bad[i]) != SV4_EDATE)
			CHECK_STR(bad[i], "(should be refused)");
}

/* ---- URI ---------------------------------------------------------------- */
/* What uri() and query() return for SV4_EESCAPE. */
#define BAD_ESCAPE "(bad escape)"

static const char *
uri(const char *path, unsigned flags)
{
	static char buf[4096];
	size_t len;
	int rc = sv4_canonical_uri(path, strlen(path), flags, buf, sizeof buf,
	    &len);

	if (rc < 0)
		return rc == SV4_EESCAPE ? BAD_ESCAPE : sv4_strerror(rc);
	return len == strlen(buf) ? buf : "(length differs)";
}

UNIT_TEST(sigv4_uri_normalisation)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "", "/" }, { "/", "/" }, { "//", "/" }, { "///", "/" },
		{ "/.", "/" }, { "/..", "/" }, { "/./", "/" }, { "/../", "/" },
		{ "/a", "/a" }, { "/a/", "/a/" }, { "//a//", "/a/" },
		{ "/a/b/..", "/a" },          /* RFC 3986 says "/a/" */
		{ "/a/b/../", "/a/" }, { "/a/.", "/a" }, { "/a/./", "/a/" },
		{ "/../a", "/a" }, { "/a/./b/", "/a/b/" },
		{ "/a/../../b/./c/..", "/b" }, { "/a/b/c/../../d", "/a/d" },
		{ "/a/b/../c/../../d/", "/d/" }, { "/a/b/c/../..", "/a" },
		{ "/example1/example2/../..", "/" },
		{ "a/b", "/a/b" }, { "/...", "/..." },
		{ "/.a/..b/a.", "/.a/..b/a." },
		{ "/-._~09AZaz", "/-._~09AZaz" },
		{ "/a b", "/a%20b" }, { "/a%20b", "/a%2520b" },  /* double */
		{ "/a+b=c;d,e:f@g!h$i&j'k(l)m*n", "/a%2Bb%3Dc%3Bd%2Ce%3Af%40g"
		    "%21h%24i%26j%27k%28l%29m%2An" },
		{ "/\xe1\x88\xb4", "/%E1%88%B4" }, { "/\xff\x01", "/%FF%01" },
		{ "/%", "/%25" }, { "/%zz", "/%25zz" },
		{ "/a/%2E%2E/b", "/a/%252E%252E/b" }, /* not a dot segment */
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++)
		CHECK_STR(uri(t[i].in, 0), t[i].want);
}

UNIT_TEST(sigv4_uri_s3)
{
	CHECK_STR(uri("", SV4_S3), "/");
	CHECK_STR(uri("/a//b/./c/../", SV4_S3), "/a//b/./c/../");
	CHECK_STR(uri("/a%20b", SV4_S3), "/a%20b");
	CHECK_STR(uri("/a b", SV4_S3), "/a%20b");
	CHECK_STR(uri("/a%2fb%7e", SV4_S3), "/a/b~");
	CHECK_STR(uri("/\xe1\x88\xb4", SV4_S3), "/%E1%88%B4");
	CHECK_STR(uri("/bad%zz", SV4_S3), BAD_ESCAPE);
	CHECK_STR(uri("/bad%4", SV4_S3), BAD_ESCAPE);
}

/*
 * The reference: RFC 3986's stack walk with an explicit stack (as botocore
 * and aws-c-auth do it), on random paths of "", ".", "..", names and
 * slashes, against sigv4/'s allocation-free version.
 */
static void
ref_normalize(const char *path, char *out)
{
	const char *seg[64];
	size_t len[64], n = 0, i, k, pl = strlen(path);
	const char *p = path, *e;

	while (p <= path + pl) {
		e = strchr(p, '/');
		if (e == NULL)
			e = path + pl;
		k = (size_t)(e - p);
		if (k == 2 && p[0] == '.' && p[1] == '.') {
			if (n)
				n--;
		} else if (k && !(k == 1 && p[0] == '.')) {
			seg[n] = p;
			len[n++] = k;
		}
		p = e + 1;
	}
	k = 0;
	out[k++] = '/';
	for (i = 0; i < n; i++) {
		memcpy(out + k, seg[i], len[i]);
		k += len[i];
		if (i + 1 < n || (pl && path[pl - 1] == '/'))
			out[k++] = '/';
	}
	out[k] = '\0';
}

UNIT_TEST(sigv4_uri_normalisation_random)
{
	static const char *const parts[] = { "", ".", "..", "a", "bc", "..",
		"d", "..." };
	char path[256], want[256];
	uint32_t x = 12345;
	int i, j, n;

	for (i = 0; i < 20000; i++) {
		path[0] = '\0';
		x = x * 1103515245u + 12345u;
		n = (int)(x >> 16) % 12;
		for (j = 0; j < n; j++) {
			x = x * 1103515245u + 12345u;
			strcat(path, "/");
			strcat(path, parts[(x >> 16) % 8]);
		}
		if (n && (x >> 20) % 3 == 0)
			strcat(path, "/");
		ref_normalize(path, want);
		if (strcmp(uri(path, 0), want) != 0) {
			CHECK_STR(path, want);
			CHECK_STR(uri(path, 0), want);
			break;
		}
	}
}

/* Many segments and many "..": right, and not quadratic in practice. */
UNIT_TEST(sigv4_uri_long_paths)
{
	static char path[120000], out[120000];
	size_t i, n = 0, len;

	for (i = 0; i < 10000; i++)
		n += (size_t)snprintf(path + n, sizeof path - n, "/s%zu", i);
	for (i = 0; i < 9999; i++)
		n += (size_t)snprintf(path + n, sizeof path - n, "/..");
	CHECK_INT(sv4_canonical_uri(path, n, 0, out, sizeof out, &len), SV4_OK);
	CHECK_STR(out, "/s0");
	n = 0;
	for (i = 0; i < 15000; i++)
		n += (size_t)snprintf(path + n, sizeof path - n, "/x");
	CHECK_INT(sv4_canonical_uri(path, n, 0, out, sizeof out, &len), SV4_OK);
	CHECK_INT(len, n);
	CHECK(memcmp(out, path, n) == 0);
}

/* ---- query -------------------------------------------------------------- */
static const char *
query(const char *q)
{
	static char buf[1024];
	size_t len;
	int rc = sv4_canonical_query(q, strlen(q), buf, sizeof buf, &len);

	if (rc < 0)
		return rc == SV4_EESCAPE ? BAD_ESCAPE : sv4_strerror(rc);
	return len == strlen(buf) ? buf : "(length differs)";
}

UNIT_TEST(sigv4_query_canonical)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "", "" }, { "&", "" }, { "&&a=1&", "a=1" },
		{ "b=2&a=1", "a=1&b=2" },
		{ "a=2&a=1&a=10", "a=1&a=10&a=2" },
		{ "a=1&a=1", "a=1&a=1" },
		{ "Param1=value2&Param1=Value1",
		    "Param1=Value1&Param1=value2" },
		{ "a&b=", "a=&b=" }, { "=v", "=v" }, { "=", "=" },
		{ "a=b=c", "a=b%3Dc" },
		{ "a+b=c d", "a%2Bb=c%20d" },             /* '+' is a plus */
		{ "%7E%41=%2d%2E%5f", "~A=-._" },          /* over-encoded */
		{ "%e1%88%b4=x", "%E1%88%B4=x" },          /* lowercase hex */
		{ "\xe1\x88\xb4=bar", "%E1%88%B4=bar" },
		{ "k=%2F%3f%26%3D", "k=%2F%3F%26%3D" },
		{ "a=%00", "a=%00" },
		/* sorted by the encoded key: '%' sorts before letters */
		{ "Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
		    "%E1%88%B4=Value1&Param=Value2&Param-3=Value3" },
		/* key before value: "a=z" < "a-=a" although "a-" > "a=" */
		{ "a-=a&a=z", "a=z&a-=a" },
		{ "b&a&c=&a=", "a=&a=&b=&c=" },
		{ "x=%", BAD_ESCAPE },
		{ "x=%4", BAD_ESCAPE },
		{ "x=%4g", BAD_ESCAPE },
		{ "%=x", BAD_ESCAPE },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++)
		CHECK_STR(query(t[i].in), t[i].want);
}

/* ---- headers and the whole canonical request ---------------------------- */
struct signed_req {
	char auth[512], creq[2048], sts[256];
	int rc;
};

static void
sign(struct signed_req *s, const struct sv4_header *hs, size_t n,
    const char *token, unsigned flags)
{
	struct sv4_request rq = { "GET", "/", 1, NULL, 0, hs, n, EMPTY_HASH,
		flags };
	struct sv4_creds cr = { AKID, SECRET, token };
	struct sv4_output out = { s->auth, sizeof s->auth, s->creq,
		sizeof s->creq, s->sts, sizeof s->sts, 0, 0, 0 };

	s->rc = sv4_sign(&rq, &cr, "us-east-1", "service", "20150830T123600Z",
	    NULL, &out);
}

/* The canonical headers: the lines between the query and the empty line. */
static const char *
creq_headers(const struct signed_req *s)
{
	static char buf[2048];
	const char *p = strchr(s->creq, '\n'), *e;

	p = strchr(p + 1, '\n');
	p = strchr(p + 1, '\n') + 1;
	e = strstr(p, "\n\n");
	snprintf(buf, sizeof buf, "%.*s", (int)(e - p), p);
	return buf;
}

UNIT_TEST(sigv4_headers_canonical)
{
	static const struct sv4_header hs[] = {
		H("Host", "example.amazonaws.com"),
		H("My-Header1", "  a \t  b  "),
		H("zz", "last"),
		H("my-header1", "\r\n  c\r\n\t d"),      /* obs-fold */
		H("X-Empty", ""),
		H("x-spaces", " \t "),
		H("My-Header2", "\"a   b   c\""),       /* quotes too */
		H("User-Agent", "xfrsync/0.1"),         /* never signed */
		H("Authorization", "stale"),
		H("Expect", "100-continue"),
		H("X-Amzn-Trace-Id", "Root=1"),
		H("MY-HEADER1", "e"),
		H("x-empty", "f"),
	};
	struct signed_req s;

	sign(&s, hs, sizeof hs / sizeof *hs, NULL, 0);
	CHECK_INT(s.rc, SV4_OK);
	CHECK_STR(creq_headers(&s), "host:example.amazonaws.com\n"
	    "my-header1:a b,c d,e\n"
	    "my-header2:\"a b c\"\n"
	    "x-amz-date:20150830T123600Z\n"
	    "x-empty:,f\n"
	    "x-spaces:\n"
	    "zz:last");
	CHECK(strstr(s.auth, ", SignedHeaders=host;my-header1;my-header2;"
	    "x-amz-date;x-empty;x-spaces;zz, Signature=") != NULL);
}

/* The suite's get-vanilla, through the API rather than the command. */
UNIT_TEST(sigv4_get_vanilla_and_date_header)
{
	static const struct sv4_header with_date[] = {
		H("Host", "example.amazonaws.com"),
		H("X-Amz-Date", " 20150830T123600Z "),
	};
	static const char want[] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"
	    "20150830/us-east-1/service/aws4_request, SignedHeaders=host;"
	    "x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a"
	    "2260956d9b8aae1d763fbf31";
	struct signed_req s;

	sign(&s, with_date, 1, NULL, 0);   /* x-amz-date added */
	CHECK_INT(s.rc, SV4_OK);
	CHECK_STR(s.auth, want);
	sign(&s, with_date, 2, NULL, 0);   /* given: signed once */
	CHECK_INT(s.rc, SV4_OK);
	CHECK_STR(s.auth, want);
}

UNIT_TEST(sigv4_session_token)
{
	static const struct sv4_header hs[] = {
		H("Host", "example.amazonaws.com"),
		H("X-Amz-Security-Token", "TOKEN/+="),
	};
	struct signed_req s, t;

	sign(&s, hs, 1, "TOKEN/+=", 0);
	CHECK_INT(s.rc, SV4_OK);
	CHECK_STR(creq_headers(&s), "host:example.amazonaws.com\n"
	    "x-amz-date:20150830T123600Z\nx-amz-security-token:TOKEN/+=");
	/* the same token already in the request: the same signature */
	sign(&t, hs, 2, "TOKEN/+=", 0);
	CHECK_INT(t.rc, SV4_OK);
	CHECK_STR(t.auth, s.auth);
	/* without credentials' token, a request's token is just a header */
	sign(&t, hs, 2, NULL, 0);
	CHECK_INT(t.rc, SV4_OK);
	CHECK_STR(t.auth, s.auth);
	/* "" means no token */
	sign(&t, hs, 1, "", 0);
	CHECK_INT(t.rc, SV4_OK);
	CHECK_STR(creq_headers(&t), "host:example.amazonaws.com\n"
	    "x-amz-date:20150830T123600Z");
	/* added after signing: not in the canonical request */
	sign(&t, hs, 2, "TOKEN/+=", SV4_TOKEN_UNSIGNED);
	CHECK_INT(t.rc, SV4_OK);
	CHECK_STR(creq_headers(&t), "host:example.amazonaws.com\n"
	    "x-amz-date:20150830T123600Z");
	CHECK(strstr(t.auth, "SignedHeaders=host;x-amz-date,") != NULL);
}

UNIT_TEST(sigv4_bad_input)
{
	static const struct sv4_header host = H("Host", "h");
	static const struct sv4_header bad_date[] = {
		H("Host", "h"), H("x-amz-date", "20150830T123601Z") };
	static const struct sv4_header bad_token[] = {
		H("Host", "h"), H("X-Amz-Security-Token", "other") };
	static const struct sv4_header no_host[] = { H("Hostx", "h") };
	static const struct sv4_header bad_name[] = {
		H("Host", "h"), H("Bad Name", "v") };
	static const struct sv4_header bad_name2[] = {
		H("Host", "h"), H("", "v") };
	static const struct sv4_header bad_value[] = {
		H("Host", "h"), H("X", "a\001b") };
	struct sv4_request rq = { "GET", "/", 1, NULL, 0, &host, 1, EMPTY_HASH,
		0 };
	struct sv4_creds cr = { AKID, SECRET, NULL };
	char auth[512];
	struct sv4_output out = { auth, sizeof auth, NULL, 0, NULL, 0, 0, 0,
		0 };
	const char *d = "20150830T123600Z";
	char longname[SV4_NAME_MAX + 2];

#define SIGN() sv4_sign(&rq, &cr, "us-east-1", "service", d, NULL, &out)
	CHECK_INT(SIGN(), SV4_OK);
	rq.headers = bad_date;
	rq.header_count = 2;
	CHECK_INT(SIGN(), SV4_ECONFLICT);
	rq.headers = bad_token;
	cr.session_token = "token";
	CHECK_INT(SIGN(), SV4_ECONFLICT);
	cr.session_token = "tok en";
	rq.headers = &host;
	rq.header_count = 1;
	CHECK_INT(SIGN(), SV4_ECREDS);
	cr.session_token = NULL;
	rq.headers = no_host;
	CHECK_INT(SIGN(), SV4_ENOHOST);
	rq.header_count = 0;
	CHECK_INT(SIGN(), SV4_ENOHOST);
	rq.header_count = 2;
	rq.headers = bad_name;
	CHECK_INT(SIGN(), SV4_EHEADER);
	rq.headers = bad_name2;
	CHECK_INT(SIGN(), SV4_EHEADER);
	rq.headers = bad_value;
	CHECK_INT(SIGN(), SV4_EHEADER);
	rq.headers = &host;
	rq.header_count = 1;
	rq.method = "GE T";
	CHECK_INT(SIGN(), SV4_EMETHOD);
	rq.method = "";
	CHECK_INT(SIGN(), SV4_EMETHOD);
	rq.method = "GET";
	rq.payload_hash = "";
	CHECK_INT(SIGN(), SV4_EHASH);
	rq.payload_hash = "a b";
	CHECK_INT(SIGN(), SV4_EHASH);
	rq.payload_hash = "UNSIGNED-PAYLOAD";
	CHECK_INT(SIGN(), SV4_OK);
	rq.query = "a=%g0";
	rq.query_len = 5;
	CHECK_INT(SIGN(), SV4_EESCAPE);
	rq.query = NULL;
	rq.query_len = 0;
	d = "20150230T123600Z";
	CHECK_INT(SIGN(), SV4_EDATE);
	d = "20150830T123600Z";
	cr.access_key_id = "AKID/X";
	CHECK_INT(SIGN(), SV4_ECREDS);
	cr.access_key_id = "";
	CHECK_INT(SIGN(), SV4_ECREDS);
	cr.access_key_id = AKID;
	cr.secret = "";
	CHECK_INT(SIGN(), SV4_ECREDS);
	cr.secret = SECRET;
	CHECK_INT(sv4_sign(&rq, &cr, "us east", "service", d, NULL, &out),
	    SV4_ESCOPE);
	CHECK_INT(sv4_sign(&rq, &cr, "us-east-1", "", d, NULL, &out),
	    SV4_ESCOPE);
	CHECK_INT(sv4_sign(&rq, &cr, "us-east-1", "a/b", d, NULL, &out),
	    SV4_ESCOPE);
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	CHECK_INT(sv4_sign(&rq, &cr, longname, "service", d, NULL, &out),
	    SV4_ESCOPE);
	longname[SV4_NAME_MAX] = '\0';
	CHECK_INT(sv4_sign(&rq, &cr, longname, "service", d, NULL, &out),
	    SV4_OK);
	CHECK(strcmp(sv4_strerror(SV4_ENOHOST), "no Host header") == 0);
	CHECK(strcmp(sv4_strerror(12345), "unknown sigv4 error") == 0);
#undef SIGN
}

/* ---- buffers too small -------------------------------------------------- */
UNIT_TEST(sigv4_output_too_small)
{
	static const struct sv4_header hs[] = { H("Host", "example.com") };
	struct sv4_request rq = { "GET", "/a b", 4, "x=1", 3, hs, 1,
		EMPTY_HASH, 0 };
	struct sv4_creds cr = { AKID, SECRET, NULL };
	char big_auth[512], big_creq[512], big_sts[256];
	char buf[600];
	struct sv4_output out = { big_auth, sizeof big_auth, big_creq,
		sizeof big_creq, big_sts, sizeof big_sts, 0, 0, 0 };
	size_t alen, clen, slen, size;

	CHECK_INT(sv4_sign(&rq, &cr, "us-east-1", "s", "20150830T123600Z",
	    NULL, &out), SV4_OK);
	alen = out.authorization_len;
	clen = out.canonical_request_len;
	slen = out.string_to_sign_len;
	CHECK_INT(alen, strlen(big_auth));

	/* Each buffer from 1 byte to its full size: ESPACE below len + 1,
	 * never a byte written past the size, always NUL-terminated. */
	for (size = 1; size <= alen + 1; size++) {
		struct sv4_output o = { buf, size, NULL, 0, NULL, 0, 0, 0, 0 };

		memset(buf, 'Z', sizeof buf);
		CHECK_INT(sv4_sign(&rq, &cr, "us-east-1", "s",
		    "20150830T123600Z", NULL, &o),
		    size > alen ? SV4_OK : SV4_ESPACE);
		CHECK_INT(o.authorization_len, alen);
		CHECK_INT(strlen(buf), size - 1);
		CHECK(memcmp(buf, big_auth, size - 1) == 0);
		CHECK(buf[size] == 'Z');
	}
	for (size = 1; size <= clen + 1; size++) {
		struct sv4_output o = { big_auth, sizeof big_auth, buf, size,
			NULL, 0, 0, 0, 0 };

		memset(buf, 'Z', sizeof buf);
		CHECK_INT(sv4_sign(&rq, &cr, "us-east-1", "s",
		    "20150830T123600Z", NULL, &o),
		    size > clen ? SV4_OK : SV4_ESPACE);
		CHECK_INT(o.canonical_request_len, clen);
		CHECK(memcmp(buf, big_creq, size - 1) == 0);
		CHECK(buf[size - 1] == '\0' && buf[size] == 'Z');
	}
	{
		struct sv4_output o = { big_auth, sizeof big_auth, NULL, 0, buf,
			slen, 0, 0, 0 };

		CHECK_INT(sv4_sign(&rq, &cr, "us-east-1", "s",
		    "20150830T123600Z", NULL, &o), SV4_ESPACE);
		CHECK_INT(o.string_to_sign_len, slen);
		o.string_to_sign_size = slen + 1;
		CHECK_INT(sv4_sign(&rq, &cr, "us-east-1", "s",
		    "20150830T123600Z", NULL, &o), SV4_OK);
		CHECK_STR(buf, big_sts);
		/* no Authorization buffer at all */
		o.authorization = NULL;
		CHECK_INT(sv4_sign(&rq, &cr, "us-east-1", "s",
		    "20150830T123600Z", NULL, &o), SV4_ESPACE);
		CHECK_INT(o.authorization_len, alen);
	}
	{
		size_t len;

		CHECK_INT(sv4_canonical_uri("/a b", 4, 0, buf, 4, &len),
		    SV4_ESPACE);
		CHECK_INT(len, 6);
		CHECK_STR(buf, "/a%");
		CHECK_INT(sv4_canonical_query("b=2&a=1", 7, buf, 7, &len),
		    SV4_ESPACE);
		CHECK_INT(len, 7);
		CHECK_STR(buf, "a=1&b=");
		CHECK_INT(sv4_canonical_query("b=2&a=1", 7, NULL, 0, &len),
		    SV4_OK);
		CHECK_INT(len, 7);
	}
}

/* ---- the key cache ------------------------------------------------------ */
UNIT_TEST(sigv4_key_cache_reuse)
{
	struct sv4_key_cache c;
	uint8_t k1[32], k2[32], want[32];

	sv4_key_cache_init(&c);
	CHECK_INT(sv4_signing_key(SECRET, "20150830", "us-east-1", "iam", want),
	    SV4_OK);
	CHECK_INT(sv4_key_cache_get(&c, SECRET, "20150830", "us-east-1", "iam",
	    k1), SV4_OK);
	CHECK_INT(sv4_key_cache_get(&c, SECRET, "20150830", "us-east-1", "iam",
	    k2), SV4_OK);
	CHECK_MEM(k1, want, 32);
	CHECK_MEM(k2, want, 32);
	CHECK_INT(c.misses, 1);
	CHECK_INT(c.hits, 1);
	/* the next day, another region or service, another secret: misses */
	CHECK_INT(sv4_key_cache_get(&c, SECRET, "20150831", "us-east-1", "iam",
	    k1), SV4_OK);
	CHECK(memcmp(k1, want, 32) != 0);
	CHECK_INT(sv4_key_cache_get(&c, SECRET, "20150830", "us-east-2", "iam",
	    k1), SV4_OK);
	CHECK_INT(sv4_key_cache_get(&c, SECRET, "20150830", "us-east-1", "sts",
	    k1), SV4_OK);
	CHECK_INT(c.misses, 4);
	CHECK_INT(sv4_key_cache_get(&c, "rotated", "20150830", "us-east-1",
	    "iam", k1), SV4_OK);
	CHECK(memcmp(k1, want, 32) != 0);
	CHECK_INT(c.misses, 5);
	CHECK_INT(c.hits, 1);
	CHECK_INT(sv4_key_cache_get(&c, SECRET, "2015083", "us-east-1", "iam",
	    k1), SV4_EDATE);
	CHECK_INT(sv4_key_cache_get(&c, SECRET, "20150830", "", "iam", k1),
	    SV4_ESCOPE);
	sv4_key_cache_wipe(&c);
	{
		static const struct sv4_key_cache zero;

		CHECK(memcmp(&c, &zero, sizeof c) == 0);
	}
}

UNIT_TEST(sigv4_key_cache_lru)
{
	static const char *const svc[] = { "s0", "s1", "s2", "s3", "s4" };
	struct sv4_key_cache c;
	uint8_t k[32];
	size_t i;

	sv4_key_cache_init(&c);
	for (i = 0; i < SV4_CACHE_SLOTS; i++)
		sv4_key_cache_get(&c, SECRET, "20240101", "r", svc[i], k);
	CHECK_INT(c.misses, SV4_CACHE_SLOTS);
	sv4_key_cache_get(&c, SECRET, "20240101", "r", svc[0], k); /* hit */
	CHECK_INT(c.hits, 1);
	/* a fifth key evicts the least recently used: s1, not s0 */
	sv4_key_cache_get(&c, SECRET, "20240101", "r", "s4", k);
	sv4_key_cache_get(&c, SECRET, "20240101", "r", svc[0], k);
	CHECK_INT(c.hits, 2);
	sv4_key_cache_get(&c, SECRET, "20240101", "r", svc[1], k);
	CHECK_INT(c.hits, 2);
	CHECK_INT(c.misses, SV4_CACHE_SLOTS + 2);
}

UNIT_TEST(sigv4_sign_through_cache)
{
	static const struct sv4_header hs[] = {
		H("Host", "route53.amazonaws.com"),
	};
	struct sv4_request rq = { "POST", "/2013-04-01/hostedzone/Z1/rrset/",
		31, NULL, 0, hs, 1, EMPTY_HASH, 0 };
	struct sv4_creds cr = { AKID, SECRET, NULL };
	struct sv4_key_cache c;
	char a1[300], a2[300], a3[300];
	struct sv4_output o = { a1, sizeof a1, NULL, 0, NULL, 0, 0, 0, 0 };
	int i;

	sv4_key_cache_init(&c);
	CHECK_INT(sv4_sign(&rq, &cr, "us-east-1", "route53", "20240102T030405Z",
	    NULL, &o), SV4_OK);
	for (i = 0; i < 3; i++) {
		o.authorization = i ? a3 : a2;
		CHECK_INT(sv4_sign(&rq, &cr, "us-east-1", "route53",
		    "20240102T030405Z", &c, &o), SV4_OK);
	}
	CHECK_STR(a2, a1);
	CHECK_STR(a3, a1);
	CHECK_INT(c.misses, 1);
	CHECK_INT(c.hits, 2);
	/* a later time the same day: still the cached key */
	CHECK_INT(sv4_sign(&rq, &cr, "us-east-1", "route53", "20240102T235959Z",
	    &c, &o), SV4_OK);
	CHECK_INT(c.hits, 3);
	sv4_key_cache_wipe(&c);
}
