/*
 * notify.h — the NOTIFY responder's protocol half (RFC 1996).
 *
 * notify_parse classifies an incoming message; the caller decides what
 * the zone, the source address and TSIG allow; notify_reply builds the
 * answer: same ID, QR and AA set, opcode NOTIFY, the question echoed, the
 * chosen RCODE, every other field zero, TSIG-signed when a context is
 * given.  The SOA a NOTIFY may carry is only a hint ("nothing new").
 */
#ifndef XFRSYNC_NET_NOTIFY_H
#define XFRSYNC_NET_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "net/name.h"
#include "net/tsig.h"

struct notify_req {
	uint16_t id;
	uint16_t flags;
	int has_question;          /* exactly one question was read */
	uint8_t zone[DNS_NAME_MAX];
	uint16_t qtype, qclass;
	int has_soa;               /* answer section held the zone's SOA */
	uint32_t soa_serial;       /* its serial: a hint, never trusted */
	int has_tsig;
};

/* Verdicts of notify_parse. */
enum notify_verdict {
	NOTIFY_OK = 0,        /* a well-formed NOTIFY for req->zone */
	NOTIFY_FORMERR = 1,   /* answer FORMERR (no or several questions,
	                         QTYPE not SOA, class not IN) */
	NOTIFY_DROP = 2       /* say nothing: a response (QR=1), another
	                         opcode, or bytes that are not a message */
};

/* Classify msg[0..len) and fill req as far as it could be read. */
enum notify_verdict notify_parse(const uint8_t *msg, size_t len,
    struct notify_req *req);

/*
 * The reply to req with rcode (DNS_R_NOERROR, NOTAUTH, REFUSED,
 * FORMERR) in buf[0..cap).  tsig: NULL for an unsigned reply, else a
 * context that verified the request (tsig_verify_request), and
 * tsig_error the TSIG error to carry (0, or DNS_R_BADTIME: signed).
 * Returns the length or a negative DNS_E*.
 */
int notify_reply(const struct notify_req *req, int rcode,
    struct tsig_ctx *tsig, uint16_t tsig_error, uint8_t *buf, size_t cap,
    uint64_t now);

/*
 * An unsigned reply carrying a TSIG error record with an empty MAC
 * (RFC 8945 §5.3.2: BADKEY, BADSIG), for a request whose signature
 * could not be checked.  key_name/alg_name come from the request.
 */
int notify_reply_tsig_error(const struct notify_req *req, int rcode,
    const uint8_t *key_name, const uint8_t *alg_name, uint16_t tsig_error,
    uint8_t *buf, size_t cap, uint64_t now);

/* Build a NOTIFY request for zone (for tests and for peers). */
int notify_request(const uint8_t *zone, uint16_t id, uint8_t *buf,
    size_t cap);

#endif
