/*
 * push.h — keeping Route53 equal to each zone, in the daemon.
 *
 * One state per zone that names a hosted zone (hosted-zone-id), when the
 * configuration has an aws block.  A zone is
 *   idle     Route53 holds the version last pushed (or nothing is known
 *            yet and nothing is wanted: no version loaded);
 *   pushing  a listing or a change batch is in flight;
 *   dirty    Route53's content is not known to equal a version we hold:
 *            the next attempt (after a back-off, or as soon as
 *            credentials are ready) is a full reconcile.
 *
 * When zones.c swaps a new version in, push_changed(old, new) runs
 * before old is released:
 *   - if the zone is idle, not dirty, and Route53 was last synced from
 *     exactly old (its serial), the changes are computed at once with
 *     r53_diff_zones(old, new) (the strings are copied into the change
 *     list, so neither version is needed afterwards); then, when the
 *     SOA carries the serial (aws soa-serial, the default), Route53's apex
 *     SOA is read (one page of one set): at old's serial the changes are
 *     pushed; at new's the push is skipped (another agent did it); at any
 *     other the zone is reconciled;
 *   - otherwise (first version, a push in flight, dirty, unknown base)
 *     the zone is marked dirty and reconciled: list the hosted zone,
 *     r53_diff_full against the version then held, push.  A version that
 *     arrives during a push is handled after it by one reconcile against
 *     the newest version (coalescing).  The first version after start
 *     skips the listing when the state file (r53state.h), Route53's SOA
 *     serial and the version's serial all agree.
 * Requests of one zone go one at a time, each waited on until INSYNC;
 * the synced serial is recorded (the state file; Route53's SOA in the
 * last batch) only after the last one succeeded.  A RECONCILE answer to
 * an incremental push reads the SOA again (done already by someone →
 * in sync) and otherwise reconciles at once; any other failure (retries
 * exhausted, connection errors, a RECONCILE answer to a reconcile's own
 * push) leaves the zone dirty with an exponential back-off
 * (PUSH_RETRY_FIRST_MS doubling, at most PUSH_RETRY_MAX_MS).  Every
 * drift-check seconds an idle zone is reconciled in full; push_reconcile()
 * (ctl reconcile) starts one now.
 *
 * The caller runs cred_init() and r53_init() before the sandbox
 * (push_wanted() says whether to), then push_start() on the loop.
 */
#ifndef XFRSYNC_AGENT_PUSH_H
#define XFRSYNC_AGENT_PUSH_H

#include <stddef.h>

#include "agent/conf.h"
#include "agent/zone.h"

#define PUSH_RETRY_FIRST_MS 2000u
#define PUSH_RETRY_MAX_MS (5u * 60 * 1000)

/* 1 if c has an aws block and a zone with a hosted-zone-id. */
int push_wanted(const struct conf *c);

/*
 * Create the states of c's pushing zones and start the credentials chain
 * (cred_start).  cred_init() and r53_init() must have succeeded.  0 or -1
 * (out of memory).
 */
int push_start(const struct conf *c);
/*
 * After a reload: zones still pushing to the same hosted zone keep their
 * state; new ones start dirty (reconciled at their next version); removed
 * ones are cancelled.  The aws block itself (endpoint, credentials) is
 * read at start only.  0 or -1.
 */
int push_reload(const struct conf *c);
/* Cancel every request and free every state. */
void push_stop(void);

/*
 * zones.c: version new of zone apex replaces old (NULL: the first one).
 * Both are valid for the duration of the call only.
 */
void push_changed(const uint8_t *apex, const struct zone *old,
    const struct zone *new);

/*
 * `xfrsync ctl reconcile ZONE`: list the hosted zone and push the
 * difference now (after the work in flight, if any).  0, or -1 when the
 * zone does not push.
 */
int push_reconcile(const uint8_t *apex);

/* The mapping policy of the aws block (apex NS, SOA serial). */
struct r53_map_opts;
void push_map_opts(const struct conf_aws *a, struct r53_map_opts *o);

/*
 * Append " r53-serial N|- last-push T|never lag S|- push-state S
 * r53-calls N r53-list N r53-change N r53-getchange N r53-retries N
 * r53-throttles N" for zone apex to buf (len used of cap); nothing for a
 * zone that does not push.  lag: seconds since the zone first held a
 * version Route53 does not have yet (0 when in sync, - before the first
 * version); counters are this zone's requests since start.
 */
void push_status(const uint8_t *apex, char *buf, size_t cap);

#endif
