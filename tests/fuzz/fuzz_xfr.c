/*
 * fuzz_xfr.c — the transfer state machine on arbitrary answers.  The
 * input is a TCP stream (2-byte length framing); the first byte picks
 * AXFR or IXFR.  Whatever happens, the engine must end in a defined state
 * and never report success after an error.
 */
#include <stdlib.h>
#include <string.h>

#include "net/frame.h"
#include "net/rrtype.h"
#include "net/xfr.h"
#include "tests/fuzz/fuzz.h"

static struct xfr_ctx xc;
static struct dns_frame fr;

static int
sink(void *ctx, enum xfr_op op, const struct dns_rr *rr)
{
	(void)ctx;
	if (op < XFR_OP_RR || op > XFR_OP_UPTODATE || rr->owner[0] > 63)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zone[] = "\7example\3com";
	size_t off = 1;
	int rc = 0, done = 0;

	if (size < 5)
		return 0;
	/* Our serial is 1; the ID is the first message's, so seeds work. */
	xfr_init(&xc, zone, (data[0] & 1) ? DNS_T_IXFR : DNS_T_AXFR, 1,
	    (uint16_t)(data[3] << 8 | data[4]), NULL, sink, NULL);
	dns_frame_init(&fr);
	while (off < size && rc >= 0) {
		const uint8_t *msg;
		size_t len;

		off += dns_frame_feed(&fr, data + off, size - off);
		if (!dns_frame_take(&fr, &msg, &len))
			continue;
		rc = xfr_feed(&xc, msg, len, 1700000000);
		if (rc == 1)
			done = 1;
		if (done && rc == 0)
			abort(); /* success must be final */
	}
	if (rc < 0 && xc.err == 0)
		abort();
	return 0;
}
