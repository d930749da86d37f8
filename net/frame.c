/* frame.c — 2-byte length framing of DNS messages over TCP. */
#include <string.h>

#include "net/frame.h"

void
dns_frame_init(struct dns_frame *f)
{
	f->need = 0;
	f->have = 0;
	f->in_msg = 0;
}

static int
ready(const struct dns_frame *f)
{
	return f->in_msg && f->have == f->need;
}

size_t
dns_frame_feed(struct dns_frame *f, const uint8_t *p, size_t n)
{
	size_t used = 0, k;

	while (used < n && !ready(f)) {
		if (!f->in_msg) {
			f->hdr[f->have++] = p[used++];
			if (f->have == 2) {
				f->need = (size_t)f->hdr[0] << 8 | f->hdr[1];
				f->have = 0;
				f->in_msg = 1;
			}
			continue;
		}
		k = f->need - f->have;
		if (k > n - used)
			k = n - used;
		memcpy(f->buf + f->have, p + used, k);
		f->have += k;
		used += k;
	}
	return used;
}

int
dns_frame_take(struct dns_frame *f, const uint8_t **msg, size_t *len)
{
	if (!ready(f))
		return 0;
	*msg = f->buf;
	*len = f->need;
	f->in_msg = 0;
	f->have = 0;
	f->need = 0;
	return 1;
}

int
dns_frame_partial(const struct dns_frame *f)
{
	return f->have > 0 || f->in_msg;
}
