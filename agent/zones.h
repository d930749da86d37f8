/*
 * zones.h — the per-zone state machine of the daemon.
 *
 * Each configured zone is idle, checking the SOA with its primaries, or
 * transferring.  A refresh (SOA timer, NOTIFY, `ctl refresh`) asks the
 * configured primaries in order for the SOA; a newer serial starts an
 * IXFR (AXFR without data, or on fallback) from the primary that
 * answered.  NOTIFYs arriving meanwhile coalesce into one re-check when
 * the current round ends.  A new version replaces the held one only when
 * the transfer is complete and verified; the RRsets that changed are
 * handed to zones_changed (today: a debug log line per change).
 */
#ifndef XFRSYNC_AGENT_ZONES_H
#define XFRSYNC_AGENT_ZONES_H

#include <stdint.h>

#include "agent/conf.h"
#include "agent/zone.h"
#include "net/notify.h"

struct zstate;

/* Create a state per zone of c and start each zone's first refresh. */
int zones_start(const struct conf *c);
/*
 * After a reload: zones still configured keep their data and counters and
 * are checked again; new ones start; removed ones are dropped.
 */
int zones_reload(const struct conf *c);
void zones_stop(void);

struct zstate *zones_find(const uint8_t *name);
const struct conf_zone *zones_conf(const struct zstate *z);
/* The version held, or NULL before the first transfer. */
const struct zone *zones_data(const struct zstate *z);

/*
 * Borrow the version held (NULL if none) for a long read such as a dump:
 * it stays valid until zones_release even if a transfer replaces it.
 */
const struct zone *zones_acquire(struct zstate *z);
void zones_release(const struct zone *v);

/* An accepted NOTIFY (its SOA, if any, is only a hint). */
void zones_notify(struct zstate *z, const struct notify_req *req);
/* Check the SOA now (ctl refresh). */
void zones_refresh(struct zstate *z);
/* Transfer the whole zone now, without comparing serials (ctl retransfer). */
void zones_retransfer(struct zstate *z);

/* One status line per zone (no newline), for `xfrsync ctl status`. */
void zones_status(void (*emit)(void *ctx, const char *line), void *ctx);

#endif
