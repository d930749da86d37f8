/*
 * stream.h — the byte-stream interface between the agent's sockets and a
 * protocol engine: plain TCP (net/stream_plain.c) or TLS (tls/).
 *
 * The model is BearSSL's engine: four buffers and no I/O.  The agent
 * moves bytes between the socket and the "record" side (what goes on the
 * wire); the protocol on top (HTTP) uses the "application" side.  For
 * plain TCP both sides are the same bytes.  A stream never blocks and
 * never calls the system: it tells what it can take or give.
 *
 *   socket --read--> recvrec_buf/recvrec_ack   (bytes from the network)
 *   socket <-write-- sendrec_buf/sendrec_ack   (bytes for the network)
 *   app    --write-> sendapp_buf/sendapp_ack, then flush
 *   app    <-read--- recvapp_buf/recvapp_ack
 *
 * A *_buf function returns a pointer and sets *len to how many bytes may
 * be read or written there (NULL, *len = 0 when none right now); the
 * matching *_ack says how many were used.
 */
#ifndef XFRSYNC_NET_STREAM_H
#define XFRSYNC_NET_STREAM_H

#include <stddef.h>
#include <stdint.h>

/* Stream states (xs_state). */
enum xs_state {
	XS_OPEN = 0,        /* handshaking or ready */
	XS_CLOSED = 1,      /* closed cleanly (close_notify, or EOF on plain) */
	XS_FAILED = 2       /* failed (TLS: EOF without close_notify too);
	                       xs_strerror() tells why */
};

struct xs_stream;

struct xs_stream_vt {
	uint8_t *(*sendrec_buf)(struct xs_stream *s, size_t *len);
	void (*sendrec_ack)(struct xs_stream *s, size_t len);
	uint8_t *(*recvrec_buf)(struct xs_stream *s, size_t *len);
	void (*recvrec_ack)(struct xs_stream *s, size_t len);
	uint8_t *(*sendapp_buf)(struct xs_stream *s, size_t *len);
	void (*sendapp_ack)(struct xs_stream *s, size_t len);
	uint8_t *(*recvapp_buf)(struct xs_stream *s, size_t *len);
	void (*recvapp_ack)(struct xs_stream *s, size_t len);
	/* Push application bytes written so far toward the record side. */
	void (*flush)(struct xs_stream *s);
	/* The peer closed the socket (read returned 0). */
	void (*eof)(struct xs_stream *s);
	/* Start an orderly close (TLS close_notify). */
	void (*close)(struct xs_stream *s);
	int (*state)(const struct xs_stream *s);
	/* Why the stream failed, as one line (never a secret). */
	const char *(*strerror)(const struct xs_stream *s);
};

/* Every stream implementation starts with this member. */
struct xs_stream {
	const struct xs_stream_vt *vt;
};

/* Plain TCP: a pass-through with two small queues. */
struct xs_plain {
	struct xs_stream base;
	uint8_t out[16384];
	size_t out_len;
	uint8_t in[16384];
	size_t in_len;
	int eof;
	int closed;
};

void xs_plain_init(struct xs_plain *p);

/* The vtable calls, spelled out. */
static inline uint8_t *
xs_sendrec_buf(struct xs_stream *s, size_t *len)
{
	return s->vt->sendrec_buf(s, len);
}

static inline void
xs_sendrec_ack(struct xs_stream *s, size_t len)
{
	s->vt->sendrec_ack(s, len);
}

static inline uint8_t *
xs_recvrec_buf(struct xs_stream *s, size_t *len)
{
	return s->vt->recvrec_buf(s, len);
}

static inline void
xs_recvrec_ack(struct xs_stream *s, size_t len)
{
	s->vt->recvrec_ack(s, len);
}

static inline uint8_t *
xs_sendapp_buf(struct xs_stream *s, size_t *len)
{
	return s->vt->sendapp_buf(s, len);
}

static inline void
xs_sendapp_ack(struct xs_stream *s, size_t len)
{
	s->vt->sendapp_ack(s, len);
}

static inline uint8_t *
xs_recvapp_buf(struct xs_stream *s, size_t *len)
{
	return s->vt->recvapp_buf(s, len);
}

static inline void
xs_recvapp_ack(struct xs_stream *s, size_t len)
{
	s->vt->recvapp_ack(s, len);
}

static inline void
xs_flush(struct xs_stream *s)
{
	s->vt->flush(s);
}

static inline void
xs_eof(struct xs_stream *s)
{
	s->vt->eof(s);
}

static inline void
xs_close(struct xs_stream *s)
{
	s->vt->close(s);
}

static inline int
xs_state(const struct xs_stream *s)
{
	return s->vt->state(s);
}

static inline const char *
xs_strerror(const struct xs_stream *s)
{
	return s->vt->strerror(s);
}

#endif
