/*
 * soacheck.h — ask one primary for a zone's SOA, on the event loop.
 *
 * UDP first (two tries, 2 s apart), then TCP on TC=1 or when UDP gets no
 * answer; signed when a key is given.  The answer is checked by net/soaq.
 */
#ifndef XFRSYNC_AGENT_SOACHECK_H
#define XFRSYNC_AGENT_SOACHECK_H

#include <sys/socket.h>

#include "agent/loop.h"
#include "net/frame.h"
#include "net/soaq.h"

struct soacheck;
/* err 0: a holds the answer; else why holds the reason. */
typedef void (*soacheck_done_fn)(struct soacheck *s, int err,
    const struct soaq_answer *a);

struct soacheck {
	const uint8_t *zone;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	const struct tsig_key *key;
	soacheck_done_fn done;
	void *ctx;
	/* private */
	struct loop_io io;
	struct loop_timer timer;
	struct tsig_ctx tsig;
	struct dns_frame frame;
	uint16_t id;
	int tcp, tries, connected;
	uint8_t q[512 + TSIG_RR_MAX + 2];
	size_t qlen, qoff;
	char why[160];
};

/* Start; the caller has set zone, addr, addrlen, key, done, ctx.
 * 0, or -1 with why set (done is not called). */
int soacheck_start(struct soacheck *s);
void soacheck_cancel(struct soacheck *s);

#endif
