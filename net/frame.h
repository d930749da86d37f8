/*
 * frame.h — DNS over TCP framing (RFC 7766): 2-byte length, then message.
 *
 * A struct dns_frame collects bytes as they come, in pieces of any size,
 * and hands out whole messages.  It holds at most one message: the caller
 * takes it (dns_frame_take) before feeding more.
 */
#ifndef XFRSYNC_NET_FRAME_H
#define XFRSYNC_NET_FRAME_H

#include <stddef.h>
#include <stdint.h>

struct dns_frame {
	uint8_t buf[65535];
	size_t need;      /* message length once the prefix is complete */
	size_t have;      /* bytes of the prefix (0..2) or of the message */
	uint8_t hdr[2];
	uint8_t in_msg;   /* 1 once the 2-byte prefix is complete */
};

void dns_frame_init(struct dns_frame *f);

/*
 * Feed up to n bytes of p; returns how many were consumed (less than n
 * when a message is complete: take it, then feed the rest).
 */
size_t dns_frame_feed(struct dns_frame *f, const uint8_t *p, size_t n);

/* If a whole message is ready, point msg and len at it and return 1; the
 * next feed starts a new message. */
int dns_frame_take(struct dns_frame *f, const uint8_t **msg, size_t *len);

/* 1 if a message is partly received (a close now loses data). */
int dns_frame_partial(const struct dns_frame *f);

#endif
