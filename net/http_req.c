/*
 * http_req.c — HTTP/1.1 requests: building the head, and running
 * consecutive exchanges over one byte stream (net/stream.h).
 *
 * The response side is net/http.c.  Nothing here does I/O: the caller
 * moves the stream's record bytes to and from its socket and calls
 * http_conn_step() after each move.
 */
#include <string.h>

#include "net/http.h"

/* ---- the request head --------------------------------------------------- */

/* An appender that keeps counting past the end, snprintf-style. */
struct out {
	char *buf;
	size_t cap, len;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t k = o->cap - o->len;

		memcpy(o->buf + o->len, s, n < k ? n : k);
	}
	o->len += n;
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static int
tchar(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
is_token(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s; s++)
		if (!tchar((unsigned char)*s))
			return 0;
	return 1;
}

/* A field value: HTAB, SP, VCHAR, obs-text; no CR, LF, NUL, CTL, DEL. */
static int
is_value(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < ' ' && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

/* origin-form: "/" then VCHARs (no SP, no fragment). */
static int
is_target(const char *s)
{
	if (s == NULL || *s != '/')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f ||
		    *s == '#')
			return 0;
	return 1;
}

/* uri-host [":" port]: reg-name, IPv4 or an IP literal in brackets. */
static int
is_host(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			continue;
		if (strchr("-._~%!$&'()*+,;=:[]", c) == NULL)
			return 0;
	}
	return 1;
}

static int
eqi(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return 0;
	}
	return *a == *b;
}

static int
owned(const char *name)
{
	return eqi(name, "host") || eqi(name, "content-length") ||
	    eqi(name, "transfer-encoding") || eqi(name, "connection");
}

int
http_request_head(char *buf, size_t cap, const struct http_request *rq)
{
	struct out o = { buf, cap, 0 };
	const char *ua = rq->user_agent ? rq->user_agent : "xfrsync";
	char num[24];
	size_t i;
	int own_ua = 0, n;

	if (!is_token(rq->method))
		return HTTP_E_METHOD;
	if (!is_target(rq->target))
		return HTTP_E_TARGET;
	if (!is_host(rq->host))
		return HTTP_E_HOST;
	if (!is_value(ua))
		return HTTP_E_REQ_VALUE;
	for (i = 0; i < rq->n_headers; i++) {
		const struct http_header *h = &rq->headers[i];

		if (!is_token(h->name))
			return HTTP_E_REQ_NAME;
		if (h->value == NULL || !is_value(h->value))
			return HTTP_E_REQ_VALUE;
		if (owned(h->name))
			return HTTP_E_REQ_OWNED;
		if (eqi(h->name, "user-agent"))
			own_ua = 1;
	}
	puts_(&o, rq->method);
	put(&o, " ", 1);
	puts_(&o, rq->target);
	puts_(&o, " HTTP/1.1\r\nHost: ");
	puts_(&o, rq->host);
	puts_(&o, "\r\n");
	if (!own_ua) {
		puts_(&o, "User-Agent: ");
		puts_(&o, ua);
		puts_(&o, "\r\n");
	}
	for (i = 0; i < rq->n_headers; i++) {
		puts_(&o, rq->headers[i].name);
		puts_(&o, ": ");
		puts_(&o, rq->headers[i].value);
		puts_(&o, "\r\n");
	}
	if (rq->body_len > 0 || eqi(rq->method, "POST") ||
	    eqi(rq->method, "PUT") || eqi(rq->method, "PATCH")) {
		/* No printf in the engine: format the length by hand. */
		size_t v = rq->body_len;

		n = (int)sizeof num;
		do {
			num[--n] = (char)('0' + v % 10);
			v /= 10;
		} while (v > 0);
		puts_(&o, "Content-Length: ");
		put(&o, num + n, sizeof num - (size_t)n);
		puts_(&o, "\r\n");
	}
	if (rq->close)
		puts_(&o, "Connection: close\r\n");
	puts_(&o, "\r\n");
	if (o.len > (size_t)0x7fffffff)
		return HTTP_E_REQ_VALUE;
	if (o.len < cap)
		buf[o.len] = '\0';
	return (int)o.len;
}

/* ---- exchanges over a stream --------------------------------------------- */

enum { HC_IDLE, HC_BUSY, HC_DEAD };

void
http_conn_init(struct http_conn *c, struct xs_stream *s,
    struct http_resp *resp)
{
	memset(c, 0, sizeof *c);
	c->s = s;
	c->resp = resp;
	c->state = HC_IDLE;
}

int
http_conn_reusable(const struct http_conn *c)
{
	size_t n = 0;

	if (c->state != HC_IDLE || c->err != 0 || xs_state(c->s) != XS_OPEN)
		return 0;
	/* Bytes the server sent unasked poison the connection. */
	(void)xs_recvapp_buf(c->s, &n);
	return n == 0;
}

int
http_conn_request(struct http_conn *c, const uint8_t *head, size_t head_len,
    const uint8_t *body, size_t body_len, int head_request, int close)
{
	if (c->state == HC_BUSY)
		return HTTP_E_BUSY;
	if (!http_conn_reusable(c))
		return HTTP_E_NOREUSE;
	c->head = head;
	c->head_len = head_len;
	c->body = body;
	c->body_len = body ? body_len : 0;
	c->sent = 0;
	c->received = 0;
	c->req_close = close;
	c->state = HC_BUSY;
	http_resp_begin(c->resp, head_request);
	return 0;
}

static int
failed(struct http_conn *c, int err)
{
	c->err = err;
	c->state = HC_DEAD;
	return err;
}

static int
finished(struct http_conn *c)
{
	c->requests++;
	/* An answer before the whole request was sent (an early 413, say)
	 * leaves the stream mid-request: it cannot be reused. */
	c->state = http_resp_reusable(c->resp) && !c->req_close &&
	    c->sent == c->head_len + c->body_len ? HC_IDLE : HC_DEAD;
	return HTTP_DONE;
}

int
http_conn_step(struct http_conn *c)
{
	size_t total = c->head_len + c->body_len, len, used;
	uint8_t *buf;
	int rc;

	if (c->err != 0)
		return c->err;
	if (c->state != HC_BUSY)
		return c->requests ? HTTP_DONE : HTTP_E_STATE;
	/* Request bytes into the stream, flushed once complete. */
	while (c->sent < total &&
	    (buf = xs_sendapp_buf(c->s, &len)) != NULL) {
		const uint8_t *src = c->sent < c->head_len ?
		    c->head + c->sent : c->body + (c->sent - c->head_len);
		size_t k = c->sent < c->head_len ? c->head_len - c->sent :
		    total - c->sent;

		if (k > len)
			k = len;
		memcpy(buf, src, k);
		xs_sendapp_ack(c->s, k);
		c->sent += k;
		if (c->sent == total)
			xs_flush(c->s);
	}
	/* Received bytes into the parser. */
	while ((buf = xs_recvapp_buf(c->s, &len)) != NULL && len > 0) {
		rc = http_resp_feed(c->resp, buf, len, &used);
		xs_recvapp_ack(c->s, used);
		c->received += used;
		if (rc < 0)
			return failed(c, rc);
		if (rc == HTTP_DONE)
			return finished(c);
	}
	switch (xs_state(c->s)) {
	case XS_FAILED:
		return failed(c, HTTP_E_STREAM);
	case XS_CLOSED:
		rc = http_resp_eof(c->resp);
		if (rc < 0)
			return failed(c, rc);
		return finished(c);
	default:
		return HTTP_MORE;
	}
}

int
http_conn_nothing_received(const struct http_conn *c)
{
	return c->received == 0;
}
