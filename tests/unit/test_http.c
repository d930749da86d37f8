/*
 * test_http.c — net/http: request heads, the response parser on every
 * framing and every malformed case (each input fed whole, byte by byte,
 * and split in two at every boundary), and exchanges over a plain stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/http.h"
#include "net/stream.h"
#include "tests/unit/unit.h"

/* ---- the response parser, fed in pieces ----------------------------------- */

struct res {
	int rc;
	int status;
	int minor;
	int reusable;
	size_t used;             /* bytes consumed up to DONE or the error */
	uint8_t body[8192];
	size_t blen;
	char fields[2048];       /* "name=value;" for every field */
};

static char hbuf[4096];
static uint8_t bbuf[8192];
static size_t hcap = 1024;
static unsigned max_fields = 16;
static uint64_t max_body = 0;
static size_t bcap = sizeof bbuf;
static int use_fn;           /* body to a callback instead of a buffer */
static int fn_refuse;

static int
body_fn(void *ctx, const uint8_t *p, size_t n)
{
	struct res *r = ctx;

	if (fn_refuse)
		return -1;
	if (r->blen + n > sizeof r->body)
		abort();
	memcpy(r->body + r->blen, p, n);
	r->blen += n;
	return 0;
}

/* Parse in with the pieces ending at cuts[]; eof: close after the input. */
static void
parse(const char *in, size_t n, const size_t *cuts, size_t ncuts, int head,
    int eof, struct res *out)
{
	struct http_resp r;
	size_t start = 0, i, used, pos = 0;
	const char *fn, *fv;
	int rc = HTTP_MORE;

	memset(out, 0, sizeof *out);
	http_resp_init(&r, hbuf, hcap, max_fields, max_body);
	if (use_fn)
		http_resp_body_fn(&r, body_fn, out);
	else
		http_resp_body_buf(&r, bbuf, bcap);
	http_resp_begin(&r, head);
	for (i = 0; i <= ncuts && rc == HTTP_MORE; i++) {
		size_t end = i < ncuts ? cuts[i] : n;

		rc = http_resp_feed(&r, (const uint8_t *)in + start,
		    end - start, &used);
		out->used += used;
		if (rc == HTTP_MORE && used != end - start)
			unit_fail(__FILE__, __LINE__, "MORE without using all");
		start = end;
	}
	if (rc == HTTP_MORE && eof)
		rc = http_resp_eof(&r);
	out->rc = rc;
	out->status = r.status;
	out->minor = r.minor;
	out->reusable = http_resp_reusable(&r);
	if (!use_fn) {
		memcpy(out->body, bbuf, (size_t)r.body_len);
		out->blen = (size_t)r.body_len;
	}
	if (rc == HTTP_DONE)
		while (http_resp_next(&r, &pos, &fn, &fv)) {
			size_t l = strlen(out->fields);

			snprintf(out->fields + l, sizeof out->fields - l,
			    "%s=%s;", fn, fv);
		}
	/* Errors are sticky. */
	if (rc < 0 && http_resp_feed(&r, (const uint8_t *)"x", 1, &used) != rc)
		unit_fail(__FILE__, __LINE__, "error not sticky");
}

/*
 * Check one response in every split: whole, byte by byte, and two pieces
 * cut at every boundary.  want_rc is HTTP_DONE, HTTP_MORE or an error;
 * want_body and want_fields are checked on HTTP_DONE (NULL: skip).
 */
static void
check_at(const char *file, int line, const char *in, size_t n, int head,
    int eof, int want_rc, int want_status, const char *want_body,
    const char *want_fields)
{
	static size_t cuts[16384];
	struct res ref, got;
	size_t i, k;
	char what[256];

	parse(in, n, NULL, 0, head, eof, &ref);
	if (ref.rc != want_rc) {
		snprintf(what, sizeof what, "rc for %.60s", in);
		unit_fail_int(file, line, what, ref.rc, want_rc);
		printf("    (%s)\n", http_strerror(ref.rc));
		return;
	}
	if (want_rc == HTTP_DONE) {
		if (want_status && ref.status != want_status)
			unit_fail_int(file, line, "status", ref.status,
			    want_status);
		if (want_body != NULL && (ref.blen != strlen(want_body) ||
		    memcmp(ref.body, want_body, ref.blen) != 0)) {
			ref.body[ref.blen < sizeof ref.body ? ref.blen : 0] = 0;
			unit_fail_str(file, line, "body", (char *)ref.body,
			    want_body);
		}
		if (want_fields != NULL && strcmp(ref.fields, want_fields))
			unit_fail_str(file, line, "fields", ref.fields,
			    want_fields);
	}
	/* The bytes delivered before a limit or a refusal vary with the
	 * cuts; the verdict may not. */
	if (ref.rc < 0)
		ref.blen = 0, ref.used = 0;
	/* Byte by byte. */
	for (i = 0; i + 1 < n && i < sizeof cuts / sizeof cuts[0]; i++)
		cuts[i] = i + 1;
	parse(in, n, cuts, i, head, eof, &got);
	if (got.rc < 0)
		got.blen = 0, got.used = 0;
	if (got.rc != ref.rc || got.status != ref.status ||
	    got.blen != ref.blen || memcmp(got.body, ref.body, ref.blen) ||
	    strcmp(got.fields, ref.fields) || got.used != ref.used ||
	    got.reusable != ref.reusable) {
		snprintf(what, sizeof what, "byte by byte differs (rc %d/%d) "
		    "for %.60s", got.rc, ref.rc, in);
		unit_fail(file, line, what);
	}
	/* Two pieces, every cut. */
	for (k = 0; k <= n; k++) {
		cuts[0] = k;
		parse(in, n, cuts, 1, head, eof, &got);
		if (got.rc < 0)
			got.blen = 0, got.used = 0;
		if (got.rc != ref.rc || got.status != ref.status ||
		    got.blen != ref.blen ||
		    memcmp(got.body, ref.body, ref.blen) ||
		    strcmp(got.fields, ref.fields) || got.used != ref.used ||
		    got.reusable != ref.reusable) {
			snprintf(what, sizeof what, "cut at %zu differs (rc "
			    "%d/%d) for %.60s", k, got.rc, ref.rc, in);
			unit_fail(file, line, what);
			break;
		}
	}
}

#define OK(in, st, body, fields) check_at(__FILE__, __LINE__, in, \
	strlen(in), 0, 0, HTTP_DONE, st, body, fields)
#define OK_EOF(in, st, body) check_at(__FILE__, __LINE__, in, strlen(in), \
	0, 1, HTTP_DONE, st, body, NULL)
#define OK_HEAD(in, st) check_at(__FILE__, __LINE__, in, strlen(in), 1, 0, \
	HTTP_DONE, st, "", NULL)
#define BAD(in, err) check_at(__FILE__, __LINE__, in, strlen(in), 0, 1, \
	err, 0, NULL, NULL)
#define BADN(in, n, err) check_at(__FILE__, __LINE__, in, n, 0, 1, err, 0, \
	NULL, NULL)

static void
defaults(void)
{
	hcap = 1024;
	max_fields = 16;
	max_body = 0;
	bcap = sizeof bbuf;
	use_fn = 0;
	fn_refuse = 0;
}

static int
reusable(const char *in, int head)
{
	struct res r;

	parse(in, strlen(in), NULL, 0, head, 0, &r);
	return r.rc == HTTP_DONE && r.reusable;
}

UNIT_TEST(http_content_length)
{
	defaults();
	OK("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, "hello",
	    "Content-Length=5;");
	OK("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, "", NULL);
	OK("HTTP/1.1 404 Not Found\r\nContent-Length:3\r\n\r\nabc", 404,
	    "abc", NULL);
	/* Identical repeats, and a list of identical values. */
	OK("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n"
	    "ab", 200, "ab", NULL);
	OK("HTTP/1.1 200 OK\r\ncontent-length: 2, 2\r\n\r\nab", 200, "ab",
	    NULL);
	/* Empty reason, odd but valid reason characters, obs-text. */
	OK("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", 200, "", NULL);
	OK("HTTP/1.1 299 \x80weird\treason!\r\nContent-Length: 0\r\n\r\n",
	    299, "", NULL);
	CHECK(reusable("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", 0));
}

UNIT_TEST(http_chunked)
{
	defaults();
	OK("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 200, "hello world",
	    "Transfer-Encoding=chunked;");
	/* Hex in both cases, leading zeros, extensions of every shape. */
	OK("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
	    "0000A;name\r\n0123456789\r\n"
	    "b ; a=1;b = \"q\\\"s;x\" ;c\t=tok\r\n0123456789a\r\n"
	    "0;last\r\n\r\n", 200, "01234567890123456789a", NULL);
	/* Trailers are kept after the headers. */
	OK("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nA: 1\r\n\r\n"
	    "1\r\nx\r\n0\r\nX-Trailer: t v \r\nY:\r\n\r\n", 200, "x",
	    "Transfer-Encoding=chunked;A=1;X-Trailer=t v;Y=;");
	OK("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	    200, "", NULL);
	CHECK(reusable("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "0\r\n\r\n", 0));
}

UNIT_TEST(http_close_delimited)
{
	defaults();
	OK_EOF("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nall of it", 200,
	    "all of it");
	OK_EOF("HTTP/1.0 200 OK\r\n\r\n", 200, "");
	/* Without the close it is not over. */
	check_at(__FILE__, __LINE__, "HTTP/1.1 200 OK\r\n\r\nabc", 22, 0, 0,
	    HTTP_MORE, 0, NULL, NULL);
	CHECK(!reusable("HTTP/1.1 200 OK\r\n\r\n", 0));
}

UNIT_TEST(http_no_body)
{
	defaults();
	OK_HEAD("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 200);
	OK_HEAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 200);
	OK("HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n", 204, "",
	    NULL);
	OK("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", 304, "",
	    NULL);
	OK("HTTP/1.1 204 No Content\r\n\r\n", 204, "", NULL);
	CHECK(reusable("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 1));
	CHECK(reusable("HTTP/1.1 204 No Content\r\n\r\n", 0));
}

UNIT_TEST(http_interim)
{
	defaults();
	OK("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
	    "Content-Length: 2\r\n\r\nok", 200, "ok", "Content-Length=2;");
	/* 103's fields are not the final answer's. */
	OK("HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n"
	    "Content-Length: 99\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
	    "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nz", 201, "z",
	    "Content-Length=1;");
	BAD("HTTP/1.1 100 Continue\r\n\r\n100\r\n", HTTP_E_STATUS_LINE);
}

UNIT_TEST(http_reuse_rules)
{
	defaults();
	CHECK(!reusable("HTTP/1.1 200 OK\r\nConnection: close\r\n"
	    "Content-Length: 0\r\n\r\n", 0));
	CHECK(!reusable("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\n"
	    "Content-Length: 0\r\n\r\n", 0));
	CHECK(reusable("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n"
	    "Content-Length: 0\r\n\r\n", 0));
	CHECK(!reusable("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0));
	CHECK(!reusable("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
	    "Content-Length: 0\r\n\r\n", 0));
}

UNIT_TEST(http_extra_bytes_stay)
{
	struct res r;
	const char *in = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1";

	defaults();
	parse(in, strlen(in), NULL, 0, 0, 0, &r);
	CHECK_INT(r.rc, HTTP_DONE);
	CHECK_INT(r.used, strlen(in) - 8);
}

UNIT_TEST(http_fields)
{
	struct http_resp r;
	size_t used;
	const char *in = "HTTP/1.1 200 Fine\r\nContent-Type:  text/xml \t\r\n"
	    "X-Empty:\r\nx-amzn-RequestId: abc\r\nSet: 1\r\nSet: 2\r\n"
	    "Content-Length: 0\r\n\r\n";

	defaults();
	http_resp_init(&r, hbuf, sizeof hbuf, 16, 0);
	http_resp_begin(&r, 0);
	CHECK_INT(http_resp_feed(&r, (const uint8_t *)in, strlen(in), &used),
	    HTTP_DONE);
	CHECK(http_resp_have_head(&r));
	CHECK_STR(r.reason, "Fine");
	CHECK_INT(r.minor, 1);
	CHECK_STR(http_resp_header(&r, "content-type"), "text/xml");
	CHECK_STR(http_resp_header(&r, "X-AMZN-REQUESTID"), "abc");
	CHECK_STR(http_resp_header(&r, "x-empty"), "");
	CHECK_STR(http_resp_header(&r, "set"), "1");
	CHECK(http_resp_header(&r, "missing") == NULL);
	CHECK(http_resp_header(&r, "Content") == NULL);
	/* Feeding after the end changes nothing. */
	CHECK_INT(http_resp_feed(&r, (const uint8_t *)"x", 1, &used),
	    HTTP_DONE);
	CHECK_INT(used, 0);
	/* Begin again: the same context parses the next answer. */
	http_resp_begin(&r, 0);
	CHECK(!http_resp_have_head(&r));
	in = "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n";
	CHECK_INT(http_resp_feed(&r, (const uint8_t *)in, strlen(in), &used),
	    HTTP_DONE);
	CHECK_INT(r.status, 500);
	CHECK(http_resp_header(&r, "content-type") == NULL);
}

UNIT_TEST(http_bad_status_line)
{
	defaults();
	BAD("HTTPS/1.1 200 OK\r\n\r\n", HTTP_E_STATUS_LINE);
	BAD("http/1.1 200 OK\r\n\r\n", HTTP_E_STATUS_LINE);
	BAD("\r\n", HTTP_E_STATUS_LINE);
	BAD("HTTP/2 200 OK\r\n\r\n", HTTP_E_VERSION);
	BAD("HTTP/2.0 200 OK\r\n\r\n", HTTP_E_VERSION);
	BAD("HTTP/1.10 200 OK\r\n\r\n", HTTP_E_VERSION);
	BAD("HTTP/1 200 OK\r\n\r\n", HTTP_E_VERSION);
	BAD("HTTP/1.1 20 OK\r\n\r\n", HTTP_E_STATUS_CODE);
	BAD("HTTP/1.1 2000 OK\r\n\r\n", HTTP_E_STATUS_CODE);
	BAD("HTTP/1.1 099 Low\r\n\r\n", HTTP_E_STATUS_CODE);
	BAD("HTTP/1.1 2x0 OK\r\n\r\n", HTTP_E_STATUS_CODE);
	BAD("HTTP/1.1 200\r\n\r\n", HTTP_E_STATUS_SP);
	BAD("HTTP/1.1  200 OK\r\n\r\n", HTTP_E_STATUS_SP);
	BAD("HTTP/1.1\t200 OK\r\n\r\n", HTTP_E_STATUS_SP);
	BAD("HTTP/1.1 200\tOK\r\n\r\n", HTTP_E_STATUS_SP);
	BAD("HTTP/1.1 200 O\x01K\r\n\r\n", HTTP_E_REASON);
	BAD("HTTP/1.1 200 O\x7fK\r\n\r\n", HTTP_E_REASON);
	BADN("HTTP/1.1 200 O\0K\r\n\r\n", 20, HTTP_E_REASON);
	BAD("HTTP/1.1 101 Switching Protocols\r\n\r\n", HTTP_E_UPGRADE);
}

UNIT_TEST(http_bad_lines)
{
	defaults();
	BAD("HTTP/1.1 200 OK\rX", HTTP_E_BARE_CR);
	BAD("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", HTTP_E_BARE_CR);
	BAD("HTTP/1.1 200 OK\r\nA: b\r\r\n\r\n", HTTP_E_BARE_CR);
	BAD("HTTP/1.1 200 OK\n\n", HTTP_E_BARE_LF);
	BAD("HTTP/1.1 200 OK\r\nA: b\n\r\n", HTTP_E_BARE_LF);
	BAD("HTTP/1.1 200 OK\r\nA: b\r\n\n", HTTP_E_BARE_LF);
	BAD("HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", HTTP_E_OBS_FOLD);
	BAD("HTTP/1.1 200 OK\r\nA: b\r\n\tc\r\n\r\n", HTTP_E_OBS_FOLD);
	BAD("HTTP/1.1 200 OK\r\n A: b\r\n\r\n", HTTP_E_OBS_FOLD);
	BAD("HTTP/1.1 200 OK\r\nA(b: c\r\n\r\n", HTTP_E_NAME);
	BAD("HTTP/1.1 200 OK\r\nA b: c\r\n\r\n", HTTP_E_NAME);
	BAD("HTTP/1.1 200 OK\r\nA\x80: c\r\n\r\n", HTTP_E_NAME);
	BAD("HTTP/1.1 200 OK\r\n: c\r\n\r\n", HTTP_E_EMPTY_NAME);
	BAD("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", HTTP_E_COLON);
	BAD("HTTP/1.1 200 OK\r\nNo Colon\r\n\r\n", HTTP_E_COLON);
	BAD("HTTP/1.1 200 OK\r\nName : v\r\n\r\n", HTTP_E_SPACE_COLON);
	BAD("HTTP/1.1 200 OK\r\nName\t: v\r\n\r\n", HTTP_E_SPACE_COLON);
	BAD("HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n", HTTP_E_VALUE);
	BAD("HTTP/1.1 200 OK\r\nA: b\x7f\r\n\r\n", HTTP_E_VALUE);
	BADN("HTTP/1.1 200 OK\r\nA: \0b\r\n\r\n", 26, HTTP_E_VALUE);
}

UNIT_TEST(http_limits)
{
	char big[2048];
	int i, n;

	defaults();
	/* Header block: 1024 bytes pass, 1025 do not. */
	n = snprintf(big, sizeof big, "HTTP/1.1 200 OK\r\nX: ");
	memset(big + n, 'a', 1024 - (size_t)n - 4);
	strcpy(big + 1024 - 4, "\r\n\r\n");
	check_at(__FILE__, __LINE__, big, 1024, 0, 1, HTTP_DONE, 200, "",
	    NULL);
	memmove(big + 20, big + 19, 1024 - 19);
	check_at(__FILE__, __LINE__, big, 1025, 0, 1, HTTP_E_HEAD_SIZE, 0,
	    NULL, NULL);
	/* Field count. */
	max_fields = 3;
	OK_EOF("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 200, "");
	BAD("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n",
	    HTTP_E_FIELDS);
	/* Trailers count too. */
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nB: 2\r\n\r\n"
	    "0\r\nC: 3\r\nD: 4\r\n\r\n", HTTP_E_FIELDS);
	max_fields = 16;
	/* Body: the limit, and the buffer. */
	max_body = 4;
	OK("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd", 200, "abcd",
	    NULL);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcde",
	    HTTP_E_BODY_SIZE);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", HTTP_E_BODY_SIZE);
	BAD("HTTP/1.1 200 OK\r\n\r\nabcde", HTTP_E_BODY_SIZE);
	max_body = 0;
	bcap = 3;
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd",
	    HTTP_E_BODY_SIZE);
	bcap = sizeof bbuf;
	/* A callback has no buffer limit, only max_body. */
	use_fn = 1;
	OK("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", 200, NULL, NULL);
	fn_refuse = 1;
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", HTTP_E_SINK);
	defaults();
	/* Interim answers are bounded. */
	for (i = 0, n = 0; i < 9; i++)
		n += snprintf(big + n, sizeof big - (size_t)n,
		    "HTTP/1.1 100 Continue\r\n\r\n");
	snprintf(big + n, sizeof big - (size_t)n,
	    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	BAD(big, HTTP_E_INTERIM);
	/* Eight are fine. */
	BAD(big + 25, HTTP_DONE);
}

UNIT_TEST(http_bad_framing)
{
	defaults();
	BAD("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", HTTP_E_CL);
	BAD("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", HTTP_E_CL);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", HTTP_E_CL);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n", HTTP_E_CL);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", HTTP_E_CL);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
	    HTTP_E_CL);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n",
	    HTTP_E_CL_CONFLICT);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
	    HTTP_E_CL_CONFLICT);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", HTTP_E_TE);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
	    HTTP_E_TE);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", HTTP_E_TE);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Content-Length: 3\r\n\r\n", HTTP_E_TE_CL);
	BAD("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
	    HTTP_E_TE_HTTP10);
}

#define CHUNKED "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

UNIT_TEST(http_bad_chunks)
{
	char big[8192];
	int n;

	defaults();
	BAD(CHUNKED "x\r\n", HTTP_E_CHUNK_SIZE);
	BAD(CHUNKED "\r\n", HTTP_E_CHUNK_SIZE);
	BAD(CHUNKED "-5\r\n", HTTP_E_CHUNK_SIZE);
	BAD(CHUNKED " 5\r\n", HTTP_E_CHUNK_SIZE);
	BAD(CHUNKED "5 \r\nhello\r\n", HTTP_E_CHUNK_SIZE);
	BAD(CHUNKED "5x\r\n", HTTP_E_CHUNK_SIZE);
	BAD(CHUNKED "0x5\r\n", HTTP_E_CHUNK_SIZE);
	BAD(CHUNKED "ffffffffffffffffff\r\n", HTTP_E_CHUNK_BIG);
	BAD(CHUNKED "5;\r\nhello\r\n", HTTP_E_CHUNK_EXT);
	BAD(CHUNKED "5;a=\r\nhello\r\n", HTTP_E_CHUNK_EXT);
	BAD(CHUNKED "5;a b\r\nhello\r\n", HTTP_E_CHUNK_EXT);
	BAD(CHUNKED "5;a=b c\r\nhello\r\n", HTTP_E_CHUNK_EXT);
	BAD(CHUNKED "5;a=\"open\r\nhello\r\n", HTTP_E_CHUNK_EXT);
	BAD(CHUNKED "5;a=\"q\"x\r\nhello\r\n", HTTP_E_CHUNK_EXT);
	BAD(CHUNKED "5;a=@\r\nhello\r\n", HTTP_E_CHUNK_EXT);
	BAD(CHUNKED "5;@\r\nhello\r\n", HTTP_E_CHUNK_EXT);
	BAD(CHUNKED "5;a=\"\x01\"\r\nhello\r\n", HTTP_E_CHUNK_EXT);
	BAD(CHUNKED "5;a=\"\\\x01\"\r\nhello\r\n", HTTP_E_CHUNK_EXT);
	n = snprintf(big, sizeof big, CHUNKED "5;a=\"");
	memset(big + n, 'x', 4200);
	strcpy(big + n + 4200, "\"\r\nhello\r\n0\r\n\r\n");
	BAD(big, HTTP_E_CHUNK_EXT_SIZE);
	BAD(CHUNKED "5\r\nhelloX\r\n", HTTP_E_CHUNK_END);
	BAD(CHUNKED "5\r\nhello\rX", HTTP_E_CHUNK_END);
	BAD(CHUNKED "5\r\nhello\n", HTTP_E_CHUNK_END);
	BAD(CHUNKED "5\nhello\r\n", HTTP_E_BARE_LF);
	BAD(CHUNKED "5;a\nhello\r\n", HTTP_E_BARE_LF);
	BAD(CHUNKED "5\rhello\r\n", HTTP_E_BARE_CR);
	BAD(CHUNKED "0\r\nbad trailer\r\n\r\n", HTTP_E_COLON);
	BAD(CHUNKED "0\r\n trailer: x\r\n\r\n", HTTP_E_OBS_FOLD);
	BAD(CHUNKED "0\r\nT: x\n\r\n", HTTP_E_BARE_LF);
}

UNIT_TEST(http_truncated)
{
	defaults();
	BAD("", HTTP_E_CLOSED);
	BAD("H", HTTP_E_TRUNC);
	BAD("HTTP/1.1 200 OK\r\n", HTTP_E_TRUNC);
	BAD("HTTP/1.1 200 OK\r\nA: b\r", HTTP_E_TRUNC);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhell", HTTP_E_TRUNC);
	BAD(CHUNKED "5\r\nhel", HTTP_E_TRUNC);
	BAD(CHUNKED "5\r\nhello\r\n", HTTP_E_TRUNC);
	BAD(CHUNKED "0\r\n", HTTP_E_TRUNC);
	BAD(CHUNKED "0\r\nT: 1\r\n", HTTP_E_TRUNC);
	BAD("HTTP/1.1 100 Continue\r\n\r\n", HTTP_E_TRUNC);
}

UNIT_TEST(http_fields_after_error)
{
	struct http_resp r;
	const char *in = "HTTP/1.1 200 OK\r\nA: 1\r\nB: partial\x01 line";
	const char *n, *v;
	size_t used, pos = 0;
	int k = 0;

	/* The fields before the bad line stay readable; the bad one not. */
	memset(hbuf, 'x', sizeof hbuf);
	http_resp_init(&r, hbuf, sizeof hbuf, 16, 0);
	http_resp_begin(&r, 0);
	CHECK_INT(http_resp_feed(&r, (const uint8_t *)in, strlen(in), &used),
	    HTTP_MORE);
	CHECK_INT(http_resp_feed(&r, (const uint8_t *)"\r\n", 2, &used),
	    HTTP_E_VALUE);
	while (http_resp_next(&r, &pos, &n, &v))
		k++;
	CHECK_INT(k, 1);
	CHECK_STR(http_resp_header(&r, "a"), "1");
	CHECK(http_resp_header(&r, "b") == NULL);
	/* Same while a line is still coming. */
	http_resp_begin(&r, 0);
	CHECK_INT(http_resp_feed(&r, (const uint8_t *)in, 30, &used),
	    HTTP_MORE);
	CHECK_STR(http_resp_header(&r, "a"), "1");
	CHECK(http_resp_header(&r, "b") == NULL);
}

UNIT_TEST(http_out_of_sequence)
{
	struct http_resp r;
	size_t used;

	http_resp_init(&r, hbuf, sizeof hbuf, 4, 0);
	CHECK_INT(http_resp_feed(&r, (const uint8_t *)"H", 1, &used),
	    HTTP_E_STATE);
	http_resp_init(&r, hbuf, sizeof hbuf, 4, 0);
	CHECK_INT(http_resp_eof(&r), HTTP_E_STATE);
}

UNIT_TEST(http_strerror_distinct)
{
	int i, j;

	for (i = HTTP_E_EXTRA; i <= HTTP_OK; i++) {
		CHECK(strcmp(http_strerror(i), "unknown HTTP error") != 0);
		for (j = HTTP_E_EXTRA; j < i; j++)
			if (strcmp(http_strerror(i), http_strerror(j)) == 0)
				unit_fail_int(__FILE__, __LINE__,
				    "same text for two codes", i, j);
	}
	CHECK_STR(http_strerror(-1000), "unknown HTTP error");
}

/* ---- request heads ---------------------------------------------------------- */

UNIT_TEST(http_request_heads)
{
	char buf[512];
	struct http_header h[] = {
		{ "X-Amz-Date", "20240101T000000Z" },
		{ "Content-Type", "application/xml" },
	};
	struct http_request rq = { "GET", "/2013-04-01/hostedzone", "route53."
	    "amazonaws.com", NULL, NULL, 0, 0, 0 };
	int n;

	n = http_request_head(buf, sizeof buf, &rq);
	CHECK_STR(buf, "GET /2013-04-01/hostedzone HTTP/1.1\r\n"
	    "Host: route53.amazonaws.com\r\nUser-Agent: xfrsync\r\n\r\n");
	CHECK_INT(n, strlen(buf));
	/* snprintf-style: the length needed, whatever the room. */
	CHECK_INT(http_request_head(buf, 10, &rq), n);
	CHECK_INT(http_request_head(NULL, 0, &rq), n);

	rq.method = "POST";
	rq.target = "/2013-04-01/hostedzone/Z1/rrset/";
	rq.host = "127.0.0.1:8443";
	rq.user_agent = "xfrsync/0.1";
	rq.headers = h;
	rq.n_headers = 2;
	rq.body_len = 1234;
	rq.close = 1;
	http_request_head(buf, sizeof buf, &rq);
	CHECK_STR(buf, "POST /2013-04-01/hostedzone/Z1/rrset/ HTTP/1.1\r\n"
	    "Host: 127.0.0.1:8443\r\nUser-Agent: xfrsync/0.1\r\n"
	    "X-Amz-Date: 20240101T000000Z\r\nContent-Type: application/xml\r\n"
	    "Content-Length: 1234\r\nConnection: close\r\n\r\n");
	/* POST without a body still says Content-Length: 0. */
	rq.body_len = 0;
	rq.n_headers = 0;
	rq.close = 0;
	rq.host = "[::1]:443";
	http_request_head(buf, sizeof buf, &rq);
	CHECK_STR(buf, "POST /2013-04-01/hostedzone/Z1/rrset/ HTTP/1.1\r\n"
	    "Host: [::1]:443\r\nUser-Agent: xfrsync/0.1\r\n"
	    "Content-Length: 0\r\n\r\n");
	/* An extra User-Agent replaces the default. */
	h[0].name = "user-agent";
	h[0].value = "curl/8";
	rq.method = "GET";
	rq.n_headers = 1;
	http_request_head(buf, sizeof buf, &rq);
	CHECK_STR(buf, "GET /2013-04-01/hostedzone/Z1/rrset/ HTTP/1.1\r\n"
	    "Host: [::1]:443\r\nuser-agent: curl/8\r\n\r\n");
}

UNIT_TEST(http_request_refused)
{
	char buf[512];
	struct http_header h[1] = { { "X", "y" } };
	struct http_request ok = { "GET", "/", "h", NULL, h, 1, 0, 0 }, rq;

	rq = ok;
	CHECK(http_request_head(buf, sizeof buf, &rq) > 0);
	rq.method = "GE T";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_METHOD);
	rq.method = "";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_METHOD);
	rq = ok;
	rq.target = "path";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_TARGET);
	rq.target = "/a b";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_TARGET);
	rq.target = "/a\r\nX: y";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_TARGET);
	rq.target = "/a#frag";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_TARGET);
	rq.target = "/\xc3\xa9";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_TARGET);
	rq = ok;
	rq.host = "a/b";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_HOST);
	rq.host = "";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_HOST);
	rq.host = "a\r\nb";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_HOST);
	rq = ok;
	h[0].name = "Bad Name";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_REQ_NAME);
	h[0].name = "X";
	h[0].value = "a\r\nInjected: x";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_REQ_VALUE);
	h[0].value = "a\x7f";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_REQ_VALUE);
	h[0].value = "tab\tok";
	CHECK(http_request_head(buf, sizeof buf, &rq) > 0);
	h[0].name = "content-length";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_REQ_OWNED);
	h[0].name = "Host";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_REQ_OWNED);
	h[0].name = "Transfer-Encoding";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_REQ_OWNED);
	h[0].name = "CONNECTION";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_REQ_OWNED);
	rq = ok;
	rq.n_headers = 0;
	rq.user_agent = "x\ny";
	CHECK_INT(http_request_head(buf, sizeof buf, &rq), HTTP_E_REQ_VALUE);
}

/* ---- exchanges over a plain stream ---------------------------------------- */

static struct xs_plain ps;
static struct http_resp cr;
static struct http_conn cc;
static char chbuf[2048];
static uint8_t cbody[65536];

/* What the "server" read from the stream since the last call. */
static size_t
server_read(char *out, size_t cap)
{
	size_t n = 0, len;
	uint8_t *p;

	while ((p = xs_sendrec_buf(&ps.base, &len)) != NULL && n < cap) {
		if (len > cap - n)
			len = cap - n;
		memcpy(out + n, p, len);
		xs_sendrec_ack(&ps.base, len);
		n += len;
	}
	return n;
}

static void
server_write(const char *s)
{
	size_t n = strlen(s), len;
	uint8_t *p = xs_recvrec_buf(&ps.base, &len);

	if (p == NULL || len < n)
		abort();
	memcpy(p, s, n);
	xs_recvrec_ack(&ps.base, n);
}

static void
conn_setup(void)
{
	xs_plain_init(&ps);
	http_resp_init(&cr, chbuf, sizeof chbuf, 32, 0);
	http_resp_body_buf(&cr, cbody, sizeof cbody);
	http_conn_init(&cc, &ps.base, &cr);
}

static int
send_get(const char *path, int close)
{
	static char heads[2][256];
	static int which;
	char *head = heads[which ^= 1]; /* the pending one stays intact */
	struct http_request rq = { "GET", path, "h", NULL, NULL, 0, 0, close };
	int n = http_request_head(head, sizeof heads[0], &rq);

	return http_conn_request(&cc, (const uint8_t *)head, (size_t)n, NULL,
	    0, 0, close);
}

UNIT_TEST(http_conn_keepalive)
{
	char got[512];
	size_t n;

	conn_setup();
	CHECK(http_conn_reusable(&cc));
	CHECK_INT(send_get("/one", 0), 0);
	CHECK_INT(send_get("/two", 0), HTTP_E_BUSY);
	CHECK_INT(http_conn_step(&cc), HTTP_MORE);
	n = server_read(got, sizeof got - 1);
	got[n] = '\0';
	CHECK_STR(got, "GET /one HTTP/1.1\r\nHost: h\r\nUser-Agent: xfrsync"
	    "\r\n\r\n");
	server_write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
	CHECK_INT(http_conn_step(&cc), HTTP_DONE);
	CHECK_INT(cr.body_len, 3);
	CHECK(http_conn_reusable(&cc));
	/* Second request on the same connection, chunked answer in pieces. */
	CHECK_INT(send_get("/two", 0), 0);
	CHECK_INT(http_conn_step(&cc), HTTP_MORE);
	n = server_read(got, sizeof got - 1);
	got[n] = '\0';
	CHECK(strncmp(got, "GET /two ", 9) == 0);
	server_write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r");
	CHECK_INT(http_conn_step(&cc), HTTP_MORE);
	CHECK(http_conn_nothing_received(&cc) == 0);
	server_write("\ntwo\r\n0\r\n\r\n");
	CHECK_INT(http_conn_step(&cc), HTTP_DONE);
	CHECK_MEM(cbody, "two", 3);
	CHECK_INT(cc.requests, 2);
	CHECK(http_conn_reusable(&cc));
	/* The server closes the idle connection: no more reuse. */
	xs_eof(&ps.base);
	CHECK(!http_conn_reusable(&cc));
	CHECK_INT(send_get("/three", 0), HTTP_E_NOREUSE);
}

UNIT_TEST(http_conn_close_rules)
{
	char got[512];

	/* The server says close. */
	conn_setup();
	CHECK_INT(send_get("/", 0), 0);
	http_conn_step(&cc);
	server_read(got, sizeof got);
	server_write("HTTP/1.1 200 OK\r\nConnection: close\r\n"
	    "Content-Length: 0\r\n\r\n");
	CHECK_INT(http_conn_step(&cc), HTTP_DONE);
	CHECK_INT(send_get("/", 0), HTTP_E_NOREUSE);
	/* We said close. */
	conn_setup();
	CHECK_INT(send_get("/", 1), 0);
	http_conn_step(&cc);
	server_read(got, sizeof got);
	server_write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	CHECK_INT(http_conn_step(&cc), HTTP_DONE);
	CHECK(!http_conn_reusable(&cc));
	/* Close-delimited body ends at EOF. */
	conn_setup();
	CHECK_INT(send_get("/", 0), 0);
	http_conn_step(&cc);
	server_read(got, sizeof got);
	server_write("HTTP/1.0 200 OK\r\n\r\nbody");
	CHECK_INT(http_conn_step(&cc), HTTP_MORE);
	xs_eof(&ps.base);
	CHECK_INT(http_conn_step(&cc), HTTP_DONE);
	CHECK_MEM(cbody, "body", 4);
	CHECK(!http_conn_reusable(&cc));
	/* Closed before any answer: retryable. */
	conn_setup();
	CHECK_INT(send_get("/", 0), 0);
	http_conn_step(&cc);
	xs_eof(&ps.base);
	CHECK_INT(http_conn_step(&cc), HTTP_E_CLOSED);
	CHECK(http_conn_nothing_received(&cc));
	CHECK_INT(http_conn_step(&cc), HTTP_E_CLOSED); /* sticky */
	/* Bytes after the answer poison the connection. */
	conn_setup();
	CHECK_INT(send_get("/", 0), 0);
	http_conn_step(&cc);
	server_write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\njunk");
	CHECK_INT(http_conn_step(&cc), HTTP_DONE);
	CHECK(!http_conn_reusable(&cc));
	/* A malformed answer. */
	conn_setup();
	CHECK_INT(send_get("/", 0), 0);
	http_conn_step(&cc);
	server_write("HTTP/1.1 200 OK\r\nBad Header\r\n\r\n");
	CHECK_INT(http_conn_step(&cc), HTTP_E_COLON);
	CHECK_INT(send_get("/", 0), HTTP_E_NOREUSE);
}

UNIT_TEST(http_conn_big_body)
{
	static uint8_t body[40000], seen[50000];
	char head[256];
	struct http_request rq = { "PUT", "/big", "h", NULL, NULL, 0,
	    sizeof body, 0 };
	size_t n = 0, k;
	int hn, rc, rounds = 0;

	conn_setup();
	memset(body, 'b', sizeof body);
	hn = http_request_head(head, sizeof head, &rq);
	CHECK_INT(http_conn_request(&cc, (const uint8_t *)head, (size_t)hn,
	    body, sizeof body, 0, 0), 0);
	/* The plain stream holds 16 KiB: the request goes in rounds. */
	do {
		rc = http_conn_step(&cc);
		k = server_read((char *)seen + n, sizeof seen - n);
		n += k;
		rounds++;
	} while (k > 0 && rc == HTTP_MORE);
	CHECK_INT(n, (size_t)hn + sizeof body);
	CHECK(rounds >= 3);
	CHECK(memcmp(seen, head, (size_t)hn) == 0);
	server_write("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
	CHECK_INT(http_conn_step(&cc), HTTP_DONE);
	CHECK_INT(cr.status, 201);
	CHECK(http_conn_reusable(&cc));
}

/* A stream that has failed (a TLS alert, say). */
static uint8_t *
nobuf(struct xs_stream *s, size_t *len)
{
	(void)s;
	*len = 0;
	return NULL;
}

static void
noack(struct xs_stream *s, size_t len)
{
	(void)s;
	(void)len;
}

static void
nop(struct xs_stream *s)
{
	(void)s;
}

static int
failed_state(const struct xs_stream *s)
{
	(void)s;
	return XS_FAILED;
}

static const char *
failed_why(const struct xs_stream *s)
{
	(void)s;
	return "certificate expired";
}

UNIT_TEST(http_conn_stream_failure)
{
	static const struct xs_stream_vt vt = { nobuf, noack, nobuf, noack,
	    nobuf, noack, nobuf, noack, nop, nop, nop, failed_state,
	    failed_why };
	struct xs_stream s = { &vt };
	struct http_conn c;

	http_resp_init(&cr, chbuf, sizeof chbuf, 32, 0);
	http_conn_init(&c, &s, &cr);
	/* A failed stream carries nothing. */
	CHECK_INT(http_conn_request(&c, (const uint8_t *)"x", 1, NULL, 0, 0,
	    0), HTTP_E_NOREUSE);
	c.state = 1; /* as if a request were out when the stream failed */
	CHECK_INT(http_conn_step(&c), HTTP_E_STREAM);
	CHECK_STR(xs_strerror(c.s), "certificate expired");
}
