/*
 * http.c — the HTTP/1.1 response parser: status line, fields, framing.
 *
 * Bytes come in pieces of any size.  The status line and each field line
 * are collected in the caller's header buffer and checked when their CRLF
 * arrives; "Name: value" is then rewritten in place as "Name\0value\0".
 * Body bytes go straight from the input to the caller's buffer or
 * callback.  Chunk-size lines are checked byte by byte and never stored.
 */
#include <string.h>

#include "net/http.h"

enum {
	ST_IDLE,        /* http_resp_begin() not called */
	ST_STATUS,      /* collecting the status line */
	ST_HEADER,      /* collecting a header line */
	ST_BODY_LEN,    /* Content-Length body */
	ST_BODY_CLOSE,  /* body until the connection closes */
	ST_CHUNK_LINE,  /* chunk size and extensions */
	ST_CHUNK_DATA,
	ST_CHUNK_CR,    /* CRLF after chunk data */
	ST_CHUNK_LF,
	ST_TRAILER,     /* collecting a trailer line */
	ST_DONE,
	ST_ERROR
};

enum { FR_NONE, FR_LENGTH, FR_CHUNKED, FR_CLOSE };

/* Sub-states of the chunk-size line. */
enum {
	C_SIZE, C_SIZE_WS, C_NAME0, C_NAME, C_AFTER_NAME, C_VAL0, C_TOK, C_AFTER_VAL,
	C_QS, C_QP, C_AFTER_QS, C_LF
};

#define MAX_INTERIM 8          /* 1xx answers before the final one */
#define MAX_CHUNK_LINE 4096    /* chunk size plus extensions */
#define MAX_LENGTH (UINT64_MAX / 16)

const char *
http_strerror(int err)
{
	switch (err) {
	case HTTP_OK: return "success";
	case HTTP_E_STATUS_LINE: return "status line does not start with HTTP/";
	case HTTP_E_VERSION: return "unsupported HTTP version in status line";
	case HTTP_E_STATUS_CODE: return "bad status code";
	case HTTP_E_STATUS_SP: return "status line: code not between single spaces";
	case HTTP_E_REASON: return "control character in reason phrase";
	case HTTP_E_BARE_CR: return "CR not followed by LF";
	case HTTP_E_BARE_LF: return "line ended by LF without CR";
	case HTTP_E_OBS_FOLD: return "header line starts with whitespace (obs-fold)";
	case HTTP_E_NAME: return "bad character in header name";
	case HTTP_E_EMPTY_NAME: return "empty header name";
	case HTTP_E_COLON: return "header line without a colon";
	case HTTP_E_SPACE_COLON: return "whitespace before the colon of a header";
	case HTTP_E_VALUE: return "control character in header value";
	case HTTP_E_HEAD_SIZE: return "response headers larger than the limit";
	case HTTP_E_FIELDS: return "too many header fields";
	case HTTP_E_INTERIM: return "too many 1xx interim responses";
	case HTTP_E_UPGRADE: return "unexpected 101 Switching Protocols";
	case HTTP_E_CL: return "bad Content-Length";
	case HTTP_E_CL_CONFLICT: return "conflicting Content-Length values";
	case HTTP_E_TE: return "unsupported Transfer-Encoding";
	case HTTP_E_TE_CL: return "both Transfer-Encoding and Content-Length";
	case HTTP_E_TE_HTTP10: return "Transfer-Encoding in an HTTP/1.0 response";
	case HTTP_E_CHUNK_SIZE: return "bad chunk size";
	case HTTP_E_CHUNK_BIG: return "chunk size too large";
	case HTTP_E_CHUNK_EXT: return "bad chunk extension";
	case HTTP_E_CHUNK_EXT_SIZE: return "chunk extensions too long";
	case HTTP_E_CHUNK_END: return "chunk data not followed by CRLF";
	case HTTP_E_BODY_SIZE: return "response body larger than the limit";
	case HTTP_E_SINK: return "response body refused by its consumer";
	case HTTP_E_TRUNC: return "connection closed before the end of the response";
	case HTTP_E_CLOSED: return "connection closed before the response began";
	case HTTP_E_STATE: return "HTTP parser used out of sequence";
	case HTTP_E_METHOD: return "bad request method";
	case HTTP_E_TARGET: return "bad request target";
	case HTTP_E_HOST: return "bad Host value";
	case HTTP_E_REQ_NAME: return "bad request header name";
	case HTTP_E_REQ_VALUE: return "control character in request header value";
	case HTTP_E_REQ_OWNED: return "request header is set by the HTTP engine";
	case HTTP_E_BUSY: return "a request is already in progress";
	case HTTP_E_NOREUSE: return "connection cannot carry another request";
	case HTTP_E_STREAM: return "connection failed";
	case HTTP_E_EXTRA: return "data received while no request was pending";
	default: return "unknown HTTP error";
	}
}

/* RFC 9110 tchar. */
static int
tchar(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Field-value and reason characters: HTAB, SP, VCHAR, obs-text. */
static int
vchar(int c)
{
	return c == '\t' || (c >= ' ' && c != 0x7f);
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
eqi(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] == '\0' || lower((unsigned char)a[i]) !=
		    lower((unsigned char)b[i]))
			return 0;
	return b[n] == '\0';
}

static int
fail(struct http_resp *r, int err)
{
	r->err = err;
	r->st = ST_ERROR;
	return err;
}

void
http_resp_init(struct http_resp *r, char *hbuf, size_t hcap,
    unsigned max_fields, uint64_t max_body)
{
	memset(r, 0, sizeof *r);
	r->hbuf = hbuf;
	r->hcap = hcap;
	r->max_fields = max_fields;
	r->max_body = max_body;
	r->st = ST_IDLE;
}

void
http_resp_body_buf(struct http_resp *r, uint8_t *buf, size_t cap)
{
	r->bbuf = buf;
	r->bcap = cap;
	r->body_fn = NULL;
}

void
http_resp_body_fn(struct http_resp *r, http_body_fn fn, void *ctx)
{
	r->body_fn = fn;
	r->body_ctx = ctx;
	r->bbuf = NULL;
	r->bcap = 0;
}

/* Forget the previous (or interim) answer; keep the configuration. */
static void
reset_head(struct http_resp *r)
{
	r->minor = 0;
	r->status = 0;
	r->reason = "";
	r->hlen = r->line = r->fstart = 0;
	r->head_bytes = 0;
	r->fields = 0;
	r->have_cl = r->te = r->conn_close = 0;
	r->cl = 0;
	r->crlf = 0;
	r->st = ST_STATUS;
}

void
http_resp_begin(struct http_resp *r, int head_request)
{
	reset_head(r);
	r->interim = 0;
	r->head_req = head_request;
	r->keep = 0;
	r->framing = FR_NONE;
	r->body_len = 0;
	r->left = 0;
	r->err = 0;
}

/* ---- the status line --------------------------------------------------- */

static int
status_line(struct http_resp *r, char *s, size_t n)
{
	size_t i, rlen;

	if (n < 5 || memcmp(s, "HTTP/", 5) != 0)
		return HTTP_E_STATUS_LINE;
	if (n < 8 || s[5] < '0' || s[5] > '9' || s[6] != '.' ||
	    s[7] < '0' || s[7] > '9' || s[5] != '1')
		return HTTP_E_VERSION;
	r->minor = s[7] - '0';
	if (n < 9 || s[8] != ' ')
		return (n > 8 && s[8] >= '0' && s[8] <= '9') ? HTTP_E_VERSION :
		    HTTP_E_STATUS_SP;
	if (n > 9 && s[9] == ' ')
		return HTTP_E_STATUS_SP;
	r->status = 0;
	for (i = 9; i < 12; i++) {
		if (i >= n || s[i] < '0' || s[i] > '9')
			return HTTP_E_STATUS_CODE;
		r->status = r->status * 10 + (s[i] - '0');
	}
	if (r->status < 100)
		return HTTP_E_STATUS_CODE;
	if (n < 13 || s[12] != ' ')
		return (n > 12 && s[12] >= '0' && s[12] <= '9') ?
		    HTTP_E_STATUS_CODE : HTTP_E_STATUS_SP;
	for (i = 13; i < n; i++)
		if (!vchar((unsigned char)s[i]))
			return HTTP_E_REASON;
	/* Keep the reason at the start of the buffer. */
	rlen = n - 13;
	memmove(r->hbuf, s + 13, rlen);
	r->hbuf[rlen] = '\0';
	r->reason = r->hbuf;
	r->hlen = r->fstart = rlen + 1;
	return 0;
}

/* ---- field lines --------------------------------------------------------- */

/* Split "name: value" (n bytes at s); name and value point into s. */
static int
split_field(char *s, size_t n, size_t *nlen, char **val, size_t *vlen)
{
	size_t i, j, k;

	if (n > 0 && (s[0] == ' ' || s[0] == '\t'))
		return HTTP_E_OBS_FOLD;
	if (n > 0 && s[0] == ':')
		return HTTP_E_EMPTY_NAME;
	for (i = 0; i < n && tchar((unsigned char)s[i]); i++)
		;
	if (i == n)
		return HTTP_E_COLON;
	if (s[i] != ':') {
		for (j = i; j < n && (s[j] == ' ' || s[j] == '\t'); j++)
			;
		if (j > i && j < n && s[j] == ':')
			return HTTP_E_SPACE_COLON;
		return memchr(s + i, ':', n - i) ? HTTP_E_NAME : HTTP_E_COLON;
	}
	*nlen = i;
	for (j = i + 1; j < n && (s[j] == ' ' || s[j] == '\t'); j++)
		;
	for (k = n; k > j && (s[k - 1] == ' ' || s[k - 1] == '\t'); k--)
		;
	for (i = j; i < k; i++)
		if (!vchar((unsigned char)s[i]))
			return HTTP_E_VALUE;
	*val = s + j;
	*vlen = k - j;
	return 0;
}

/* The next element of a comma-separated list; 0 at the end. */
static int
list_next(const char **p, const char *end, const char **e, size_t *elen)
{
	const char *s = *p, *t;

	for (;;) {
		while (s < end && (*s == ' ' || *s == '\t' || *s == ','))
			s++;
		if (s == end)
			return 0;
		t = s;
		while (t < end && *t != ',')
			t++;
		*p = t;
		while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		*e = s;
		*elen = (size_t)(t - s);
		return 1;
	}
}

static int
content_length(struct http_resp *r, const char *v, size_t n)
{
	const char *p = v, *end = v + n, *e;
	size_t elen, i;
	int any = 0;

	while (list_next(&p, end, &e, &elen)) {
		uint64_t x = 0;

		for (i = 0; i < elen; i++) {
			if (e[i] < '0' || e[i] > '9')
				return HTTP_E_CL;
			if (x > (MAX_LENGTH - 9) / 10)
				return HTTP_E_CL;
			x = x * 10 + (uint64_t)(e[i] - '0');
		}
		if (r->have_cl && x != r->cl)
			return HTTP_E_CL_CONFLICT;
		r->cl = x;
		r->have_cl = 1;
		any = 1;
	}
	return any ? 0 : HTTP_E_CL;
}

static int
transfer_encoding(struct http_resp *r, const char *v, size_t n)
{
	const char *p = v, *end = v + n, *e;
	size_t elen;

	while (list_next(&p, end, &e, &elen)) {
		/* chunked must be the only coding, and appear once. */
		if (r->te || !eqi(e, elen, "chunked"))
			return HTTP_E_TE;
		r->te = 1;
	}
	return 0;
}

static void
connection(struct http_resp *r, const char *v, size_t n)
{
	const char *p = v, *end = v + n, *e;
	size_t elen;

	while (list_next(&p, end, &e, &elen))
		if (eqi(e, elen, "close"))
			r->conn_close = 1;
}

/* A complete field line (without CRLF) of n bytes at hbuf + line. */
static int
field_line(struct http_resp *r, int trailer)
{
	char *s = r->hbuf + r->line, *val = NULL;
	size_t n = r->hlen - r->line, nlen = 0, vlen = 0;
	int rc;

	if ((rc = split_field(s, n, &nlen, &val, &vlen)) != 0)
		return rc;
	if (++r->fields > r->max_fields)
		return HTTP_E_FIELDS;
	if (!trailer && r->status >= 200) {
		if (eqi(s, nlen, "content-length"))
			rc = content_length(r, val, vlen);
		else if (eqi(s, nlen, "transfer-encoding"))
			rc = transfer_encoding(r, val, vlen);
		else if (eqi(s, nlen, "connection"))
			connection(r, val, vlen);
		if (rc != 0)
			return rc;
	}
	/* "name\0value\0", in place (the value only moves left). */
	s[nlen] = '\0';
	memmove(s + nlen + 1, val, vlen);
	s[nlen + 1 + vlen] = '\0';
	r->hlen = r->line + nlen + vlen + 2;
	return 0;
}

/* The empty line after the headers: choose the framing. */
static int
end_of_head(struct http_resp *r)
{
	uint64_t lim;

	if (r->status < 200) {
		/* Interim: forget it, read the next status line. */
		if (++r->interim > MAX_INTERIM)
			return HTTP_E_INTERIM;
		reset_head(r);
		return HTTP_MORE;
	}
	if (r->te && r->have_cl)
		return HTTP_E_TE_CL;
	if (r->te && r->minor == 0)
		return HTTP_E_TE_HTTP10;
	r->keep = r->minor >= 1 && !r->conn_close;
	if (r->head_req || r->status == 204 || r->status == 304) {
		r->framing = FR_NONE;
		r->st = ST_DONE;
		return HTTP_DONE;
	}
	if (r->te) {
		r->framing = FR_CHUNKED;
		r->st = ST_CHUNK_LINE;
		r->cst = C_SIZE;
		r->cline = 0;
		r->had_digit = 0;
		r->left = 0;
		return HTTP_MORE;
	}
	if (r->have_cl) {
		lim = r->max_body;
		if (r->body_fn == NULL && r->bbuf != NULL &&
		    (lim == 0 || lim > r->bcap))
			lim = r->bcap;
		if ((lim != 0 || r->bbuf != NULL) && r->cl > lim)
			return HTTP_E_BODY_SIZE;
		r->framing = FR_LENGTH;
		r->left = r->cl;
		r->st = r->cl ? ST_BODY_LEN : ST_DONE;
		return r->cl ? HTTP_MORE : HTTP_DONE;
	}
	r->framing = FR_CLOSE;
	r->keep = 0;
	r->st = ST_BODY_CLOSE;
	return HTTP_MORE;
}

/*
 * One byte of a status, header or trailer line.  Returns HTTP_MORE,
 * HTTP_DONE (trailers ended) or an error.
 */
static int
line_byte(struct http_resp *r, uint8_t c)
{
	int rc;

	if (++r->head_bytes > r->hcap)
		return HTTP_E_HEAD_SIZE;
	if (r->crlf) {
		if (c != '\n')
			return HTTP_E_BARE_CR;
		r->crlf = 0;
	} else if (c == '\r') {
		r->crlf = 1;
		return HTTP_MORE;
	} else if (c == '\n') {
		return HTTP_E_BARE_LF;
	} else {
		/* hlen < head_bytes <= hcap: room for the byte. */
		r->hbuf[r->hlen++] = (char)c;
		return HTTP_MORE;
	}
	/* A whole line is at hbuf + line. */
	switch (r->st) {
	case ST_STATUS:
		rc = status_line(r, r->hbuf, r->hlen);
		if (rc != 0)
			return rc;
		if (r->status == 101)
			return HTTP_E_UPGRADE;
		r->st = ST_HEADER;
		r->line = r->hlen;
		return HTTP_MORE;
	case ST_HEADER:
		if (r->hlen == r->line)
			return end_of_head(r);
		if ((rc = field_line(r, 0)) != 0)
			return rc;
		r->line = r->hlen;
		return HTTP_MORE;
	default: /* ST_TRAILER */
		if (r->hlen == r->line) {
			r->st = ST_DONE;
			return HTTP_DONE;
		}
		if ((rc = field_line(r, 1)) != 0)
			return rc;
		r->line = r->hlen;
		return HTTP_MORE;
	}
}

/* ---- the body ----------------------------------------------------------- */

static int
deliver(struct http_resp *r, const uint8_t *p, size_t n)
{
	uint64_t lim = r->max_body;

	if (n == 0)
		return 0;
	if (r->body_fn == NULL && r->bbuf != NULL &&
	    (lim == 0 || lim > r->bcap))
		lim = r->bcap;
	if ((lim != 0 || r->bbuf != NULL) && (r->body_len > lim ||
	    n > lim - r->body_len))
		return HTTP_E_BODY_SIZE;
	if (r->body_fn != NULL) {
		if (r->body_fn(r->body_ctx, p, n) < 0)
			return HTTP_E_SINK;
	} else if (r->bbuf != NULL) {
		memcpy(r->bbuf + r->body_len, p, n);
	}
	r->body_len += n;
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* qdtext of a quoted string, and quoted-pair's second byte. */
static int
qdtext(int c)
{
	return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) ||
	    (c >= 0x5d && c <= 0x7e) || c >= 0x80;
}

/* One byte of a chunk-size line: chunk-size [ chunk-ext ] CRLF. */
static int
chunk_byte(struct http_resp *r, uint8_t c)
{
	int h, ws = c == ' ' || c == '\t';

	if (++r->cline > MAX_CHUNK_LINE)
		return HTTP_E_CHUNK_EXT_SIZE;
	if (c == '\n' && r->cst != C_LF)
		return HTTP_E_BARE_LF;
	switch (r->cst) {
	case C_SIZE:
		if ((h = hexval(c)) >= 0) {
			if (r->left > MAX_LENGTH >> 4)
				return HTTP_E_CHUNK_BIG;
			r->left = r->left << 4 | (uint64_t)h;
			r->had_digit = 1;
			return HTTP_MORE;
		}
		if (!r->had_digit)
			return HTTP_E_CHUNK_SIZE;
		if (c == '\r')
			r->cst = C_LF;
		else if (c == ';')
			r->cst = C_NAME0;
		else if (ws)
			r->cst = C_SIZE_WS; /* BWS, then ';' */
		else
			return HTTP_E_CHUNK_SIZE;
		return HTTP_MORE;
	case C_SIZE_WS:
		if (c == ';')
			r->cst = C_NAME0;
		else if (!ws)
			return HTTP_E_CHUNK_SIZE;
		return HTTP_MORE;
	case C_NAME0:
		if (ws)
			return HTTP_MORE;
		if (!tchar(c))
			return HTTP_E_CHUNK_EXT;
		r->cst = C_NAME;
		return HTTP_MORE;
	case C_NAME:
		if (tchar(c))
			return HTTP_MORE;
		if (c == '=')
			r->cst = C_VAL0;
		else if (c == ';')
			r->cst = C_NAME0;
		else if (c == '\r')
			r->cst = C_LF;
		else if (ws)
			r->cst = C_AFTER_NAME;
		else
			return HTTP_E_CHUNK_EXT;
		return HTTP_MORE;
	case C_AFTER_NAME:
		if (ws)
			return HTTP_MORE;
		if (c == '=')
			r->cst = C_VAL0;
		else if (c == ';')
			r->cst = C_NAME0;
		else
			return HTTP_E_CHUNK_EXT;
		return HTTP_MORE;
	case C_VAL0:
		if (ws)
			return HTTP_MORE;
		if (c == '"')
			r->cst = C_QS;
		else if (tchar(c))
			r->cst = C_TOK;
		else
			return HTTP_E_CHUNK_EXT;
		return HTTP_MORE;
	case C_TOK:
		if (tchar(c))
			return HTTP_MORE;
		if (c == ';')
			r->cst = C_NAME0;
		else if (c == '\r')
			r->cst = C_LF;
		else if (ws)
			r->cst = C_AFTER_VAL;
		else
			return HTTP_E_CHUNK_EXT;
		return HTTP_MORE;
	case C_AFTER_VAL:
		if (ws)
			return HTTP_MORE;
		if (c != ';')
			return HTTP_E_CHUNK_EXT;
		r->cst = C_NAME0;
		return HTTP_MORE;
	case C_QS:
		if (c == '"')
			r->cst = C_AFTER_QS;
		else if (c == '\\')
			r->cst = C_QP;
		else if (!qdtext(c))
			return HTTP_E_CHUNK_EXT;
		return HTTP_MORE;
	case C_QP:
		if (!vchar(c))
			return HTTP_E_CHUNK_EXT;
		r->cst = C_QS;
		return HTTP_MORE;
	case C_AFTER_QS:
		if (c == ';')
			r->cst = C_NAME0;
		else if (c == '\r')
			r->cst = C_LF;
		else if (ws)
			r->cst = C_AFTER_VAL;
		else
			return HTTP_E_CHUNK_EXT;
		return HTTP_MORE;
	default: /* C_LF */
		if (c != '\n')
			return HTTP_E_BARE_CR;
		if (r->left == 0) {
			/* last-chunk: trailers follow, stored like headers. */
			r->st = ST_TRAILER;
			r->line = r->hlen;
			r->crlf = 0;
		} else {
			r->st = ST_CHUNK_DATA;
		}
		return HTTP_MORE;
	}
}

int
http_resp_feed(struct http_resp *r, const uint8_t *p, size_t n,
    size_t *used)
{
	size_t i = 0, k;
	int rc = HTTP_MORE;

	*used = 0;
	if (r->st == ST_ERROR)
		return r->err;
	if (r->st == ST_IDLE)
		return fail(r, HTTP_E_STATE);
	if (r->st == ST_DONE)
		return HTTP_DONE;
	while (i < n) {
		switch (r->st) {
		case ST_STATUS:
		case ST_HEADER:
		case ST_TRAILER:
			rc = line_byte(r, p[i++]);
			break;
		case ST_BODY_LEN:
		case ST_CHUNK_DATA:
			k = n - i;
			if (k > r->left)
				k = (size_t)r->left;
			rc = deliver(r, p + i, k);
			i += k;
			r->left -= k;
			if (rc == 0 && r->left == 0) {
				if (r->st == ST_BODY_LEN) {
					r->st = ST_DONE;
					rc = HTTP_DONE;
				} else {
					r->st = ST_CHUNK_CR;
				}
			}
			break;
		case ST_BODY_CLOSE:
			rc = deliver(r, p + i, n - i);
			i = n;
			break;
		case ST_CHUNK_LINE:
			rc = chunk_byte(r, p[i++]);
			break;
		case ST_CHUNK_CR:
			rc = p[i++] == '\r' ? HTTP_MORE : HTTP_E_CHUNK_END;
			r->st = ST_CHUNK_LF;
			break;
		case ST_CHUNK_LF:
			rc = p[i++] == '\n' ? HTTP_MORE : HTTP_E_CHUNK_END;
			r->st = ST_CHUNK_LINE;
			r->cst = C_SIZE;
			r->cline = 0;
			r->had_digit = 0;
			r->left = 0;
			break;
		default:
			rc = HTTP_E_STATE;
			break;
		}
		if (rc < 0) {
			*used = i;
			return fail(r, rc);
		}
		if (rc == HTTP_DONE)
			break;
	}
	*used = i;
	return rc == HTTP_DONE ? HTTP_DONE : HTTP_MORE;
}

int
http_resp_eof(struct http_resp *r)
{
	switch (r->st) {
	case ST_ERROR:
		return r->err;
	case ST_DONE:
		return HTTP_DONE;
	case ST_BODY_CLOSE:
		r->st = ST_DONE;
		return HTTP_DONE;
	case ST_STATUS:
		if (r->head_bytes == 0 && r->interim == 0)
			return fail(r, HTTP_E_CLOSED);
		return fail(r, HTTP_E_TRUNC);
	case ST_IDLE:
		return fail(r, HTTP_E_STATE);
	default:
		return fail(r, HTTP_E_TRUNC);
	}
}

int
http_resp_have_head(const struct http_resp *r)
{
	return r->status >= 200 && r->st != ST_STATUS && r->st != ST_HEADER &&
	    r->st != ST_IDLE && r->st != ST_ERROR;
}

int
http_resp_reusable(const struct http_resp *r)
{
	return r->st == ST_DONE && r->keep;
}

int
http_resp_next(const struct http_resp *r, size_t *pos, const char **name,
    const char **value)
{
	size_t p = *pos ? *pos : r->fstart;

	/* Only complete fields: those before the current line (which may be
	 * partial, or the one that failed). */
	if (r->st == ST_STATUS || r->st == ST_IDLE || p >= r->line)
		return 0;
	*name = r->hbuf + p;
	p += strlen(r->hbuf + p) + 1;
	*value = r->hbuf + p;
	p += strlen(r->hbuf + p) + 1;
	*pos = p;
	return 1;
}

const char *
http_resp_header(const struct http_resp *r, const char *name)
{
	const char *n, *v;
	size_t pos = 0;

	while (http_resp_next(r, &pos, &n, &v))
		if (eqi(n, strlen(n), name))
			return v;
	return NULL;
}
