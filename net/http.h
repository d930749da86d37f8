/*
 * http.h — an HTTP/1.1 client engine with no I/O of its own.
 *
 * Three parts:
 *
 *   http_request_head()  builds a request head (net/http_req.c);
 *   struct http_resp     parses a response from bytes given in pieces of
 *                        any size (net/http.c);
 *   struct http_conn     runs consecutive exchanges over one byte stream
 *                        (net/stream.h: plain TCP or TLS), reusing the
 *                        connection when both sides allow it
 *                        (net/http_req.c).
 *
 * Nothing here allocates, reads a clock or calls the system: the caller
 * owns every context and buffer, and moves bytes between the socket and
 * the stream.  Every malformed input is a distinct negative HTTP_E_* code
 * (http_strerror() says what), and an error is sticky: once failed, a
 * response parser or a connection reports the same code until restarted.
 *
 * What the parser accepts (RFC 9110/9112, strictly): a status line
 * "HTTP/1.x DDD reason" (x one digit, DDD 100..999, a space after the code
 * even when the reason is empty); header lines "token: value" ended by
 * CRLF, with no whitespace before the colon, no obs-fold, no bare CR or
 * bare LF, and no control characters in values; framing by
 * Transfer-Encoding: chunked (extensions checked and skipped, trailers
 * kept like headers), Content-Length (identical repeats allowed), or the
 * connection's close.  Interim 1xx answers (100 Continue, 103 Early Hints)
 * are skipped; 101 is an error since we never ask to upgrade.  A response
 * to HEAD, and 204 and 304, have no body.
 */
#ifndef XFRSYNC_NET_HTTP_H
#define XFRSYNC_NET_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "net/stream.h"

/* Positive results of the feeding functions. */
#define HTTP_MORE 0        /* need more bytes */
#define HTTP_DONE 1        /* the response is complete */

enum http_err {
	HTTP_OK = 0,
	/* status line */
	HTTP_E_STATUS_LINE = -1,   /* does not start with "HTTP/" */
	HTTP_E_VERSION = -2,       /* not HTTP/1.0 or HTTP/1.1 */
	HTTP_E_STATUS_CODE = -3,   /* not three digits, or below 100 */
	HTTP_E_STATUS_SP = -4,     /* no single space around the code */
	HTTP_E_REASON = -5,        /* control character in the reason */
	/* header and trailer lines */
	HTTP_E_BARE_CR = -6,       /* CR not followed by LF */
	HTTP_E_BARE_LF = -7,       /* line ended by LF alone */
	HTTP_E_OBS_FOLD = -8,      /* line starts with whitespace */
	HTTP_E_NAME = -9,          /* non-token character in a field name */
	HTTP_E_EMPTY_NAME = -10,   /* line starts with a colon */
	HTTP_E_COLON = -11,        /* header line without a colon */
	HTTP_E_SPACE_COLON = -12,  /* whitespace between name and colon */
	HTTP_E_VALUE = -13,        /* control character in a field value */
	HTTP_E_HEAD_SIZE = -14,    /* header block larger than the limit */
	HTTP_E_FIELDS = -15,       /* more header fields than the limit */
	HTTP_E_INTERIM = -16,      /* too many 1xx interim responses */
	HTTP_E_UPGRADE = -17,      /* 101 Switching Protocols */
	/* framing */
	HTTP_E_CL = -18,           /* Content-Length not a decimal number */
	HTTP_E_CL_CONFLICT = -19,  /* Content-Length values differ */
	HTTP_E_TE = -20,           /* transfer coding other than chunked */
	HTTP_E_TE_CL = -21,        /* both Transfer-Encoding and Content-Length */
	HTTP_E_TE_HTTP10 = -22,    /* Transfer-Encoding in an HTTP/1.0 answer */
	HTTP_E_CHUNK_SIZE = -23,   /* chunk size not hexadecimal */
	HTTP_E_CHUNK_BIG = -24,    /* chunk size overflows */
	HTTP_E_CHUNK_EXT = -25,    /* malformed chunk extension */
	HTTP_E_CHUNK_EXT_SIZE = -26, /* chunk line longer than the limit */
	HTTP_E_CHUNK_END = -27,    /* chunk data not followed by CRLF */
	HTTP_E_BODY_SIZE = -28,    /* body larger than the limit or buffer */
	HTTP_E_SINK = -29,         /* the body callback refused the data */
	HTTP_E_TRUNC = -30,        /* connection closed inside the response */
	HTTP_E_CLOSED = -31,       /* closed before the response began */
	HTTP_E_STATE = -32,        /* used after completion (caller bug) */
	/* requests */
	HTTP_E_METHOD = -33,       /* method not a token */
	HTTP_E_TARGET = -34,       /* request target not "/..." of VCHARs */
	HTTP_E_HOST = -35,         /* Host value with forbidden characters */
	HTTP_E_REQ_NAME = -36,     /* extra header name not a token */
	HTTP_E_REQ_VALUE = -37,    /* extra header value with CR, LF, CTL */
	HTTP_E_REQ_OWNED = -38,    /* extra header the engine sets itself */
	/* connections */
	HTTP_E_BUSY = -39,         /* a request is already in progress */
	HTTP_E_NOREUSE = -40,      /* the connection cannot carry another */
	HTTP_E_STREAM = -41,       /* the stream failed: see xs_strerror */
	HTTP_E_EXTRA = -42         /* bytes received while no request was out */
};

/* A short English description of an HTTP_E_* code (never NULL). */
const char *http_strerror(int err);

/* ---- requests (net/http_req.c) ------------------------------------------ */

struct http_header {
	const char *name;
	const char *value;
};

struct http_request {
	const char *method;        /* a token: "GET", "POST", ... */
	const char *target;        /* origin form: "/path?query" */
	const char *host;          /* Host value: "name", "name:port", "[v6]" */
	const char *user_agent;    /* NULL: "xfrsync" (an extra header wins) */
	const struct http_header *headers;  /* extra fields, in order */
	size_t n_headers;
	size_t body_len;           /* the body follows the head separately */
	int close;                 /* ask for Connection: close */
};

/*
 * Write the request head (request line, Host, User-Agent, Content-Length
 * when there is a body or the method is POST/PUT/PATCH, Connection: close
 * when asked, the extra fields, the empty line) into buf.  Returns its
 * length, snprintf-style: when that is >= cap nothing useful was written
 * and the caller needs a larger buffer.  A negative HTTP_E_* code when the
 * request is invalid: a bad method, target, Host or extra field (CR/LF
 * injection), or an extra field the engine owns (Host, Content-Length,
 * Transfer-Encoding, Connection).  HTTP/1.1 keeps the connection alive
 * by default, so no Connection header is sent otherwise.
 */
int http_request_head(char *buf, size_t cap, const struct http_request *rq);

/* ---- responses (net/http.c) ---------------------------------------------- */

/* The body callback: return 0 to go on, negative to abort (HTTP_E_SINK). */
typedef int (*http_body_fn)(void *ctx, const uint8_t *p, size_t n);

struct http_resp {
	/* configuration, kept across http_resp_begin() */
	char *hbuf;                /* header storage, hcap bytes: the limit */
	size_t hcap;               /* on the status line + header lines */
	unsigned max_fields;       /* header fields (trailers count too) */
	uint64_t max_body;         /* body bytes; 0: only the buffer limits */
	uint8_t *bbuf;             /* body buffer (when no callback) */
	size_t bcap;
	http_body_fn body_fn;      /* or a callback receiving the body */
	void *body_ctx;
	/* results */
	int minor;                 /* HTTP/1.<minor> */
	int status;                /* final status code */
	const char *reason;        /* reason phrase (in hbuf), NUL-terminated */
	uint64_t body_len;         /* body bytes delivered so far */
	int err;                   /* sticky HTTP_E_* once failed */
	/* private */
	int st;                    /* parser state */
	int head_req;              /* the request was HEAD */
	int keep;                  /* connection may be reused afterwards */
	int framing;               /* none, length, chunked, close */
	int crlf;                  /* a CR was seen at the end of a line */
	int interim;               /* 1xx answers skipped */
	int have_cl, te, conn_close;
	unsigned fields;
	size_t hlen;               /* used bytes of hbuf */
	size_t line;               /* start of the current line in hbuf */
	size_t fstart;             /* first field in hbuf (after the reason) */
	size_t head_bytes;         /* raw header bytes of this response */
	uint64_t cl;               /* Content-Length */
	uint64_t left;             /* bytes left in the body or the chunk */
	unsigned cline;            /* bytes of the current chunk-size line */
	int cst;                   /* chunk-size line sub-state */
	int had_digit;
};

/*
 * Configure a parser: header storage hbuf/hcap (which is also the limit on
 * the status line plus header lines), at most max_fields fields, at most
 * max_body body bytes (0: no limit besides the body buffer).  Then choose
 * where the body goes: http_resp_body_buf() or http_resp_body_fn().
 */
void http_resp_init(struct http_resp *r, char *hbuf, size_t hcap,
    unsigned max_fields, uint64_t max_body);
void http_resp_body_buf(struct http_resp *r, uint8_t *buf, size_t cap);
void http_resp_body_fn(struct http_resp *r, http_body_fn fn, void *ctx);

/* Get ready for the response to one request (head_request: it was HEAD). */
void http_resp_begin(struct http_resp *r, int head_request);

/*
 * Feed n bytes.  Returns HTTP_MORE (all consumed, need more), HTTP_DONE
 * (complete; *used tells how many bytes belonged to this response) or a
 * negative HTTP_E_* code.  *used is always set.
 */
int http_resp_feed(struct http_resp *r, const uint8_t *p, size_t n,
    size_t *used);

/* The peer closed the connection: HTTP_DONE when the body was delimited
 * by the close, else HTTP_E_CLOSED (nothing received) or HTTP_E_TRUNC. */
int http_resp_eof(struct http_resp *r);

/* 1 once the status line and headers of the final response are parsed. */
int http_resp_have_head(const struct http_resp *r);

/* 1 if, the response being complete, the connection may carry another
 * request: HTTP/1.1, no "Connection: close", framed body. */
int http_resp_reusable(const struct http_resp *r);

/* The value of the first field called name (any case), or NULL; fields
 * are stored as they came, trailers after headers. */
const char *http_resp_header(const struct http_resp *r, const char *name);

/* Walk the fields: start with *pos = 0; returns 0 at the end. */
int http_resp_next(const struct http_resp *r, size_t *pos,
    const char **name, const char **value);

/* ---- connections (net/http_req.c) ---------------------------------------- */

struct http_conn {
	struct xs_stream *s;
	struct http_resp *resp;
	const uint8_t *head, *body;   /* the request, owned by the caller */
	size_t head_len, body_len, sent;
	int state;                    /* private */
	int req_close;                /* the request asked for close */
	int err;                      /* sticky error */
	unsigned requests;            /* responses completed on this stream */
	uint64_t received;            /* bytes of the current response */
};

/* A connection over stream s (fresh), parsing with resp (configured). */
void http_conn_init(struct http_conn *c, struct xs_stream *s,
    struct http_resp *resp);

/*
 * Start one exchange: head (from http_request_head) and body stay owned
 * by the caller until HTTP_DONE.  head_request: the method is HEAD;
 * close: the head asked for Connection: close.  HTTP_E_BUSY while an
 * exchange is in progress, HTTP_E_NOREUSE when the previous response
 * forbids another on this connection (open a new one).
 */
int http_conn_request(struct http_conn *c, const uint8_t *head,
    size_t head_len, const uint8_t *body, size_t body_len,
    int head_request, int close);

/*
 * Move application bytes: request bytes into the stream, received bytes
 * into the parser.  Call after every change on the record side (bytes
 * read or written, EOF).  Returns HTTP_MORE, HTTP_DONE or a negative
 * HTTP_E_* code (HTTP_E_STREAM: ask xs_strerror(c->s) why).
 */
int http_conn_step(struct http_conn *c);

/* 1 if another request may be sent on this connection now. */
int http_conn_reusable(const struct http_conn *c);

/* 1 if the current request can be retried on a new connection without
 * doubt: nothing of the response was received.  (Whether the server
 * acted on it is unknown; retry only idempotent requests.) */
int http_conn_nothing_received(const struct http_conn *c);

#endif
