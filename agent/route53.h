/*
 * route53.h — the Route53 client on the loop.
 *
 * Three operations, each one struct r53_req owned by the caller:
 *   r53_list    ListResourceRecordSets, every page (maxitems 300, the
 *               next page from NextRecordName/Type/Identifier, RFC 3986
 *               encoded), each set handed to a callback;
 *   r53_change  ChangeResourceRecordSets (POST .../rrset/) with a body
 *               from r53_batch_xml(), then GetChange until INSYNC, with
 *               a gentle back-off (1 s, x1.5, at most 10 s).
 * Every HTTP request is signed with SigV4 (the aws block's region,
 * service route53; credentials from cred_get(); X-Amz-Date from
 * loop_wall()), goes to the aws block's endpoint through httpjob (a
 * numeric host directly, a name through resolve_start) and takes a token
 * from one request budget (request-rate per second, burst of as many),
 * shared by every request of the process.  Calls, retries, throttling
 * answers and failures are counted for the process (r53_counters) and,
 * when the caller sets r->zc, into that struct too (per zone).
 *
 * Failures (route53_xml.h, r53_error_class):
 *   RETRY and connection errors or timeouts: exponential back-off with
 *     full jitter (200 ms doubling, at most 20 s), R53_TRIES attempts;
 *   REFRESH: cred_invalidate() and one more attempt with the new
 *     credentials, then fail;
 *   RECONCILE, CLOCK, FATAL: the request ends with that class.
 * A ChangeResourceRecordSets that failed on the connection is sent again
 * like the others: if the first one reached Route53, the second is
 * refused (CREATE of an existing set) and the caller reconciles.
 *
 * Before any operation: resolve_init() (names), cred_init() and
 * cred_start() until credentials are ready, and r53_init().
 */
#ifndef XFRSYNC_AGENT_ROUTE53_H
#define XFRSYNC_AGENT_ROUTE53_H

#include <stddef.h>
#include <stdint.h>

#include "agent/httpjob.h"
#include "agent/resolve.h"
#include "agent/route53_xml.h"

#define R53_TRIES 8              /* attempts of one request on RETRY */
#define R53_BODY_MAX (8u << 20)  /* largest answer body */
#define R53_LIST_PAGE 300        /* maxitems */
#define R53_LIST_MAX_PAGES 10000  /* 3 million sets: a listing that
                                     goes on is refused */
#define R53_INSYNC_MAX_MS (15u * 60 * 1000)  /* give up waiting for INSYNC */

struct conf_aws;

/*
 * Read the endpoint, region and request rate of aws (NULL: defaults) and
 * load the trust anchors for https.  0, or -1 with err set.
 */
int r53_init(const struct conf_aws *aws, char *err, size_t errlen);
/* Cancel nothing (requests belong to callers); wipe the signing keys. */
void r53_shutdown(void);

/* What the client did, for `ctl status`. */
enum r53_call { R53_CALL_LIST = 0, R53_CALL_CHANGE, R53_CALL_GET_CHANGE,
	R53_NCALLS };
struct r53_counters {
	unsigned long calls[R53_NCALLS];  /* requests sent, by kind */
	unsigned long retries;            /* attempts after a failure */
	unsigned long throttles;          /* throttling answers */
	unsigned long failures;           /* requests that ended in error */
};
const struct r53_counters *r53_counters(void);
/* "ListResourceRecordSets", "ChangeResourceRecordSets", "GetChange". */
const char *r53_call_name(enum r53_call c);

struct r53_req;
/* cls R53_C_OK, or the class it failed with, why set (one line). */
typedef void (*r53_done_fn)(struct r53_req *r, enum r53_class cls);

struct r53_req {
	r53_done_fn done;
	void *ctx;
	struct r53_counters *zc;        /* NULL, or counted into as well */
	/* results */
	char why[1024];
	struct r53_change_info info;    /* r53_change: the change */
	unsigned pages;                 /* r53_list: pages read */
	/* private */
	enum r53_call call;
	char zone_id[R53_ID_MAX];
	const char *body;
	size_t body_len;
	r53_lrec_fn fn;
	void *fn_ctx;
	struct r53_list_page page;
	uint64_t *starts;               /* hashes of the pages' starts */
	size_t nstarts, capstarts;
	struct r53_lrec *rec;
	uint8_t *rbuf;
	unsigned tries, cred_waits;
	int refreshed, one_page;
	uint64_t poll_ms, insync_start;
	char target[1200];
	struct loop_timer timer;
	struct resolve_req rs;
	struct httpjob job;
};

/*
 * List every set of hosted zone zone_id ("/hostedzone/" prefix allowed),
 * fn(ctx, set) for each (route53_xml.h: copy what you keep).  0: done
 * will be called; -1: why set, nothing started.
 */
int r53_list(struct r53_req *r, const char *zone_id, r53_lrec_fn fn,
    void *ctx, r53_done_fn done, void *dctx);

/*
 * The first set at or after apex's SOA (one page of maxitems=1, apex in
 * text form): normally Route53's apex SOA, the small listing of the
 * serial check.  fn sees at most one set; it may be another name's or
 * type's if the zone has no SOA there.  0 or -1 as above.
 */
int r53_list_soa(struct r53_req *r, const char *zone_id, const char *apex,
    r53_lrec_fn fn, void *ctx, r53_done_fn done, void *dctx);

/*
 * Send one change batch (body[0..len), kept until done) to zone_id and
 * wait until Route53 says INSYNC.  0 or -1 as above.
 */
int r53_change(struct r53_req *r, const char *zone_id, const char *body,
    size_t len, r53_done_fn done, void *dctx);

/* Stop r without calling done. */
void r53_cancel(struct r53_req *r);

/* RFC 3986 encoding of s (unreserved kept, the rest %XX) into out[cap];
 * snprintf-style. */
size_t r53_uri_escape(char *out, size_t cap, const char *s);

#endif
