/*
 * xfr.h — the client side of a zone transfer (AXFR, RFC 5936; IXFR,
 * RFC 1995) as a state machine fed one message at a time.
 *
 * The caller sends the query built by xfr_query, frames the TCP stream
 * (net/frame.h) and feeds each message to xfr_feed, which verifies it
 * (ID, flags, question, TSIG) and reports every answer RR to a callback
 * with its role in the transfer.  Every structural rule of
 * ../shared/reference/dns-xfr.md is enforced: the closing SOA equals the
 * opening one, no SOA in the middle of an AXFR, nothing after the end, a
 * continuous diff chain starting at our serial, owners inside the zone,
 * SOA only at the apex, no meta types, class IN only, the same ID in
 * every message, limits on RRs and bytes.  Nothing is applied here: the
 * caller builds the new zone aside and keeps it only on XFR_DONE.
 */
#ifndef XFRSYNC_NET_XFR_H
#define XFRSYNC_NET_XFR_H

#include <stddef.h>
#include <stdint.h>

#include "net/msg.h"
#include "net/name.h"
#include "net/tsig.h"

/* What an RR is in the transfer. */
enum xfr_op {
	XFR_OP_RR = 1,      /* a record of the whole zone (AXFR, AXFR-style) */
	XFR_OP_END,         /* the closing SOA of a full transfer (not a record) */
	XFR_OP_IXFR_SOA,    /* the opening SOA of an incremental answer */
	XFR_OP_DEL,         /* delete (the first of a diff is the old SOA) */
	XFR_OP_ADD,         /* add (the first of a diff is the new SOA) */
	XFR_OP_IXFR_END,    /* the closing SOA of an incremental answer */
	XFR_OP_UPTODATE     /* the single SOA of an "up to date" answer */
};

/* The form of the answer, once known. */
enum xfr_form {
	XFR_FORM_UNKNOWN = 0,
	XFR_FORM_AXFR,      /* a full zone (answer to AXFR, or AXFR-style IXFR) */
	XFR_FORM_IXFR,      /* incremental */
	XFR_FORM_UPTODATE   /* IXFR: nothing newer than our serial */
};

/* Return 0 to go on, a negative DNS_E* to abort the transfer. */
typedef int (*xfr_rr_fn)(void *ctx, enum xfr_op op, const struct dns_rr *rr);

struct xfr_ctx {
	/* set by xfr_init */
	uint8_t zone[DNS_NAME_MAX];
	uint16_t qtype;           /* DNS_T_AXFR or DNS_T_IXFR */
	uint16_t id;
	uint32_t serial;          /* ours (IXFR) */
	struct tsig_ctx *tsig;    /* NULL: unsigned */
	uint64_t max_rrs, max_bytes; /* 0: unlimited */
	xfr_rr_fn fn;
	void *fn_ctx;
	/* progress */
	enum xfr_form form;
	int state;                /* private */
	uint32_t new_serial;      /* serial of the opening SOA */
	uint32_t diff_from, diff_to; /* current diff (IXFR) */
	unsigned diffs;           /* diff sequences seen */
	unsigned messages;
	uint64_t rrs, bytes;
	uint64_t rrs_in_answer;   /* answer RRs over all messages */
	uint8_t soa_rdata[2 * DNS_NAME_MAX + 20]; /* opening SOA, canonical */
	uint16_t soa_len;
	uint8_t soa_owner[DNS_NAME_MAX];
	uint32_t soa_ttl;
	/* outcome */
	int err;                  /* 0 or the first DNS_E* */
	int rcode;                /* the server's RCODE when it refused */
	int fallback;             /* 1: an AXFR should be tried instead */
	const char *why;          /* what broke a rule (static string) */
	size_t err_off;           /* where, in message `messages` */
	uint8_t rd[DNS_RDATA_MAX];
};

/*
 * Prepare a transfer of zone: qtype DNS_T_AXFR, or DNS_T_IXFR from
 * serial.  tsig may be NULL; it must have been tsig_init'ed with the key.
 */
void xfr_init(struct xfr_ctx *c, const uint8_t *zone, uint16_t qtype,
    uint32_t serial, uint16_t id, struct tsig_ctx *tsig, xfr_rr_fn fn,
    void *fn_ctx);

/*
 * The query (without TCP framing) in buf[0..cap): the question, for IXFR
 * our SOA in the authority section (RFC 1995 §3), signed when tsig is set.
 * Returns its length or a negative DNS_E*.
 */
int xfr_query(struct xfr_ctx *c, uint8_t *buf, size_t cap, uint64_t now);

/*
 * Feed the next message of the answer.  Returns 0 (more messages
 * expected), 1 (the transfer is complete and verified: c->form tells its
 * form), or a negative DNS_E* (also in c->err, with c->why, c->err_off,
 * c->fallback, c->rcode).  After 1 or an error, every further call fails
 * with DNS_EXFR ("message after the end of the transfer").
 */
int xfr_feed(struct xfr_ctx *c, const uint8_t *msg, size_t len,
    uint64_t now);

/* One line describing c->err for a log or the command line. */
size_t xfr_strerror(const struct xfr_ctx *c, char *buf, size_t cap);

#endif
