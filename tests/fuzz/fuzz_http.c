/*
 * fuzz_http.c — the HTTP/1.1 response parser on arbitrary bytes.
 *
 * Input: one flags byte, then the response.  Flags: bit 0 the request was
 * HEAD; bits 1-3 the size of the pieces of the second run; bit 4 a body
 * callback instead of a buffer; bits 5-6 pick small limits.  The bytes
 * are parsed twice, whole and in pieces, then the connection closes.
 * The two runs must agree on the verdict, the status and the body; the
 * limits must hold; an error must be sticky; fields must be readable.
 */
#include <stdlib.h>
#include <string.h>

#include "net/http.h"
#include "tests/fuzz/fuzz.h"

struct run {
	int rc, status, reusable;
	uint64_t body_len;
	uint8_t body[4096];
	size_t fn_len;
};

static char hbuf[2][1024];
static uint8_t bbuf[2][4096];

static int
sink(void *ctx, const uint8_t *p, size_t n)
{
	struct run *r = ctx;

	if (n == 0)
		abort(); /* never called for nothing */
	if (r->fn_len + n <= sizeof r->body)
		memcpy(r->body + r->fn_len, p, n);
	r->fn_len += n;
	return 0;
}

static void
parse(int k, const uint8_t *data, size_t size, size_t piece, int flags,
    struct run *out)
{
	static const size_t hcaps[4] = { 1024, 64, 200, 1024 };
	static const unsigned fields[4] = { 64, 2, 8, 64 };
	static const uint64_t bodies[4] = { 0, 10, 100, 4096 };
	struct http_resp r;
	size_t off = 0, used, pos = 0;
	const char *name, *value;
	int lim = (flags >> 5) & 3, rc = HTTP_MORE;

	memset(out, 0, sizeof *out);
	http_resp_init(&r, hbuf[k], hcaps[lim], fields[lim], bodies[lim]);
	if (flags & 0x10)
		http_resp_body_fn(&r, sink, out);
	else
		http_resp_body_buf(&r, bbuf[k], sizeof bbuf[k]);
	http_resp_begin(&r, flags & 1);
	while (off < size && rc == HTTP_MORE) {
		size_t n = size - off < piece ? size - off : piece;

		rc = http_resp_feed(&r, data + off, n, &used);
		if (used > n || (rc == HTTP_MORE && used != n))
			abort();
		off += used;
	}
	if (rc == HTTP_MORE)
		rc = http_resp_eof(&r);
	if (rc < 0 && (r.err != rc || http_resp_eof(&r) != rc ||
	    http_resp_feed(&r, data, size, &used) != rc))
		abort(); /* sticky */
	if (rc == HTTP_DONE) {
		if (r.status < 200 || r.status > 999 || r.status == 101)
			abort();
		if (bodies[lim] && r.body_len > bodies[lim])
			abort();
		if ((flags & 1) && r.body_len != 0)
			abort();
		if (http_resp_header(&r, "content-length") == NULL &&
		    http_resp_header(&r, "transfer-encoding") == NULL &&
		    r.status != 204 && r.status != 304 && !(flags & 1) &&
		    http_resp_reusable(&r))
			abort(); /* close-delimited bodies end the connection */
	}
	/* Fields are readable whatever happened, and stay in the buffer. */
	while (http_resp_next(&r, &pos, &name, &value)) {
		if (name < hbuf[k] || value + strlen(value) >= hbuf[k] +
		    hcaps[lim] || *name == '\0')
			abort();
	}
	out->rc = rc;
	out->status = r.status;
	out->reusable = http_resp_reusable(&r);
	out->body_len = r.body_len;
	if (!(flags & 0x10) && r.body_len <= sizeof out->body)
		memcpy(out->body, bbuf[k], (size_t)r.body_len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run a, b;
	int flags;

	if (size < 1)
		return 0;
	flags = data[0];
	parse(0, data + 1, size - 1, size, flags, &a);
	parse(1, data + 1, size - 1, 1 + (size_t)((flags >> 1) & 7), flags,
	    &b);
	if (a.rc != b.rc)
		abort();
	if (a.rc == HTTP_DONE && (a.status != b.status ||
	    a.reusable != b.reusable || a.body_len != b.body_len ||
	    memcmp(a.body, b.body, sizeof a.body) != 0))
		abort();
	return 0;
}
