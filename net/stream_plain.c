/* stream_plain.c — plain TCP behind the stream interface. */
#include <string.h>

#include "net/stream.h"

static struct xs_plain *
P(struct xs_stream *s)
{
	return (struct xs_plain *)(void *)s;
}

static uint8_t *
sendrec_buf(struct xs_stream *s, size_t *len)
{
	*len = P(s)->out_len;
	return *len ? P(s)->out : NULL;
}

static void
sendrec_ack(struct xs_stream *s, size_t len)
{
	struct xs_plain *p = P(s);

	memmove(p->out, p->out + len, p->out_len - len);
	p->out_len -= len;
}

static uint8_t *
recvrec_buf(struct xs_stream *s, size_t *len)
{
	struct xs_plain *p = P(s);

	*len = p->eof ? 0 : sizeof p->in - p->in_len;
	return *len ? p->in + p->in_len : NULL;
}

static void
recvrec_ack(struct xs_stream *s, size_t len)
{
	P(s)->in_len += len;
}

static uint8_t *
sendapp_buf(struct xs_stream *s, size_t *len)
{
	struct xs_plain *p = P(s);

	*len = p->closed ? 0 : sizeof p->out - p->out_len;
	return *len ? p->out + p->out_len : NULL;
}

static void
sendapp_ack(struct xs_stream *s, size_t len)
{
	P(s)->out_len += len;
}

static uint8_t *
recvapp_buf(struct xs_stream *s, size_t *len)
{
	*len = P(s)->in_len;
	return *len ? P(s)->in : NULL;
}

static void
recvapp_ack(struct xs_stream *s, size_t len)
{
	struct xs_plain *p = P(s);

	memmove(p->in, p->in + len, p->in_len - len);
	p->in_len -= len;
}

static void
flush(struct xs_stream *s)
{
	(void)s;
}

static void
eof(struct xs_stream *s)
{
	P(s)->eof = 1;
}

static void
close_(struct xs_stream *s)
{
	P(s)->closed = 1;
}

static int
state(const struct xs_stream *s)
{
	const struct xs_plain *p = (const struct xs_plain *)(const void *)s;

	return (p->eof && p->in_len == 0) ? XS_CLOSED : XS_OPEN;
}

static const char *
strerror_(const struct xs_stream *s)
{
	(void)s;
	return "no error";
}

static const struct xs_stream_vt plain_vt = {
	sendrec_buf, sendrec_ack, recvrec_buf, recvrec_ack,
	sendapp_buf, sendapp_ack, recvapp_buf, recvapp_ack,
	flush, eof, close_, state, strerror_,
};

void
xs_plain_init(struct xs_plain *p)
{
	p->base.vt = &plain_vt;
	p->out_len = p->in_len = 0;
	p->eof = p->closed = 0;
}
