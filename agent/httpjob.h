/*
 * httpjob.h — one HTTP/1.1 exchange as a non-blocking job on the loop.
 *
 * A job connects to a numeric socket address (IPv4 or IPv6; a name is
 * resolved by the caller, who passes the address in), optionally runs TLS
 * over the connection (tls/: the host name is sent as SNI and checked
 * against the certificate, the caller names the trust anchors and the
 * session cache), sends one request (net/http: http_request_head plus a
 * body) and parses the answer into the caller's buffer, with limits.  The
 * caller learns the outcome through one `done` callback: the status and
 * the body, or an error with a one-line reason.
 *
 * Connections are kept alive between jobs: when net/http says the
 * connection may carry another request, it is parked, and the next job to
 * the same (host, port, TLS, address, anchors) takes it.  An idempotent
 * request that finds its kept-alive connection closed by the server
 * before any byte of the answer is retried once on a fresh connection.
 * Parked connections are closed after HTTPJOB_KEEPALIVE_MS, when the
 * server closes them or sends anything, and by httpjob_shutdown().
 *
 * Timers: connect (until the TCP connection is up), idle (no byte sent or
 * received for that long) and total (the whole exchange).  The request
 * head (which may carry tokens) and every stream buffer are wiped when the
 * job ends; the response buffers are the caller's to wipe.  Nothing here
 * logs a header value or a body.
 */
#ifndef XFRSYNC_AGENT_HTTPJOB_H
#define XFRSYNC_AGENT_HTTPJOB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "agent/loop.h"
#include "net/http.h"

struct tls_anchors;
struct tls_sessions;
struct httpjob_conn;            /* private to httpjob.c */

/* Errors of the job itself; the others are HTTP_E_* from net/http.h. */
enum httpjob_err {
	HTTPJOB_E_CONNECT = -100,  /* socket() or connect() failed */
	HTTPJOB_E_TIMEOUT = -101,  /* connect, idle or total timeout */
	HTTPJOB_E_TLS = -102,      /* TLS could not start, or failed */
	HTTPJOB_E_IO = -103,       /* send() or recv() failed */
	HTTPJOB_E_NOMEM = -104,    /* no memory for a connection */
	HTTPJOB_E_REQUEST = -105   /* the request could not be built */
};

/* Default timeouts (ms) when a field of struct httpjob_req is 0. */
#define HTTPJOB_CONNECT_MS 5000
#define HTTPJOB_IDLE_MS 30000
#define HTTPJOB_TOTAL_MS 60000
/* A parked connection is closed after this long unused. */
#define HTTPJOB_KEEPALIVE_MS 20000
/* At most this many parked connections; the oldest is closed first. */
#define HTTPJOB_PARKED_MAX 4
/* The longest request head (Authorization and a session token fit). */
#define HTTPJOB_HEAD_MAX 16384
/* Response header storage: the limit on the status line and headers. */
#define HTTPJOB_RESP_HEAD_MAX 8192
#define HTTPJOB_RESP_FIELDS 64

/* Where to connect, and as whom. */
struct httpjob_endpoint {
	struct sockaddr_storage addr;   /* numeric, port included */
	socklen_t addrlen;
	char host[256];                 /* Host header and TLS name: a name or
	                                   an address, IPv6 without brackets */
	int tls;                        /* 1: https */
	const struct tls_anchors *anchors;   /* TLS: required */
	struct tls_sessions *sessions;       /* TLS: NULL, no resumption */
};

struct httpjob;
/* err 0: an answer came (j->status, j->body_len, j->resp headers); else a
 * negative HTTPJOB_E_* or HTTP_E_* code with j->why set. */
typedef void (*httpjob_done_fn)(struct httpjob *j, int err);

struct httpjob_req {
	const struct httpjob_endpoint *ep;   /* kept until done */
	const char *method;                  /* "GET", "PUT", "POST", ... */
	const char *target;                  /* "/path?query" */
	const struct http_header *headers;   /* extra fields */
	size_t n_headers;
	const uint8_t *body;                 /* kept until done */
	size_t body_len;
	int idempotent;       /* may be retried; GET, HEAD and PUT always are */
	uint8_t *bbuf;        /* the response body goes here ... */
	size_t bcap;          /* ... at most bcap bytes (more: an error) */
	http_body_fn body_fn; /* or to this callback (bbuf NULL) */
	void *body_ctx;
	uint64_t max_body;    /* with body_fn: 0, no limit */
	unsigned connect_ms, idle_ms, total_ms;   /* 0: the defaults */
	httpjob_done_fn done;
	void *ctx;
};

struct httpjob {
	struct httpjob_req rq;
	/* results, valid in done */
	int status;                     /* final HTTP status */
	size_t body_len;                /* bytes in rq.bbuf */
	struct http_resp resp;          /* http_resp_header(&j->resp, ...) */
	int reused;                     /* went over a parked connection */
	char why[256];                  /* err < 0: one line, never a secret */
	/* private */
	struct httpjob_conn *conn;
	struct loop_timer idle, total;
	int busy, tries;
	size_t head_len;
	char hbuf[HTTPJOB_RESP_HEAD_MAX];
	char head[HTTPJOB_HEAD_MAX];
};

/*
 * Start j.  0: done will be called (never from inside this call).  -1:
 * nothing started, done will not be called, j->why says why (a request
 * that cannot be built, no memory, no socket).  j must stay in place
 * until done or httpjob_cancel().
 */
int httpjob_start(struct httpjob *j, const struct httpjob_req *rq);

/* Stop j without calling done; its connection is closed.  Harmless when
 * j is not running. */
void httpjob_cancel(struct httpjob *j);

/* 1 while j runs. */
int httpjob_busy(const struct httpjob *j);

/* Close every parked connection (at exit, or to drop all state). */
void httpjob_shutdown(void);

/*
 * Fill ep from a numeric address text (IPv4, or IPv6 without brackets),
 * a port and the host name to use in Host and for TLS (NULL: the address
 * itself).  0, or -1 when addr is not numeric or host is too long.
 */
int httpjob_endpoint_set(struct httpjob_endpoint *ep, const char *addr,
    uint16_t port, const char *host, int tls);

/* Wipe n bytes at p so that the compiler cannot drop it. */
void httpjob_wipe(void *p, size_t n);

#endif
