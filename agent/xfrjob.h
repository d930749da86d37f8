/*
 * xfrjob.h — one zone transfer from one primary, run on the event loop.
 *
 * Connects over TCP (non-blocking), sends the AXFR or IXFR query, feeds
 * the answer to net/xfr and builds the new version aside with the zone
 * store.  The caller learns the outcome through `done`: a new version
 * (ownership passes to the caller), "up to date", or an error with a
 * one-line reason.  On any error the base version is untouched.
 */
#ifndef XFRSYNC_AGENT_XFRJOB_H
#define XFRSYNC_AGENT_XFRJOB_H

#include <sys/socket.h>

#include "agent/loop.h"
#include "agent/zone.h"
#include "net/frame.h"
#include "net/xfr.h"

struct xfrjob;

/*
 * err 0: success; z is the new version, or NULL when the primary had
 * nothing newer (IXFR "up to date").  err < 0: failed, reason in j->why;
 * j->fallback says an AXFR should be tried (IXFR refused or did not fit).
 */
typedef void (*xfrjob_done_fn)(struct xfrjob *j, int err, struct zone *z);

struct xfrjob_params {
	const uint8_t *apex;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	const struct tsig_key *key;     /* NULL: unsigned */
	const struct zone *base;        /* IXFR from it; NULL: AXFR */
	int axfr;                       /* 1: AXFR even with a base */
	struct zone_limits lim;         /* of the new version */
	uint64_t max_wire;              /* bytes received; 0: unlimited */
	unsigned max_secs, idle_secs;   /* total and idle time limits */
	xfrjob_done_fn done;
	void *ctx;
};

struct xfrjob {
	struct xfrjob_params p;
	struct loop_io io;
	struct loop_timer idle, total;
	struct tsig_ctx tsig;
	struct xfr_ctx xfr;
	struct dns_frame frame;
	struct zone_build build;
	int building;                   /* 0, 1 AXFR, 2 IXFR */
	int build_err;
	uint8_t out[512 + TSIG_RR_MAX + 2];
	size_t out_len, out_off;
	int connected;
	int fallback;
	char why[256];
	uint64_t started;               /* loop_now() at start */
};

/* Start j with p.  0, or -1 (why set; done is not called). */
int xfrjob_start(struct xfrjob *j, const struct xfrjob_params *p);
/* Stop j without calling done (reload, shutdown). */
void xfrjob_cancel(struct xfrjob *j);

#endif
