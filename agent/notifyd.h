/*
 * notifyd.h — the NOTIFY listeners: UDP and TCP on every listen address.
 *
 * Each NOTIFY is answered at once from the socket it came on (net/notify
 * builds the reply).  Unknown zone → NOTAUTH; a source outside the
 * zone's notify-from → REFUSED; a missing signature where notify-key is
 * set → REFUSED; a bad one → NOTAUTH with the TSIG error; no/several
 * questions or QTYPE not SOA → FORMERR; responses and other opcodes are
 * dropped.  Refusals are logged, at most a few lines a second.
 */
#ifndef XFRSYNC_AGENT_NOTIFYD_H
#define XFRSYNC_AGENT_NOTIFYD_H

#include "agent/conf.h"

/* Open and register the listeners of c (before dropping privileges).
 * 0, or -1 after logging which address failed. */
int notifyd_start(const struct conf *c);
/* A reloaded configuration (keys, zones); the sockets stay. */
void notifyd_conf(const struct conf *c);
void notifyd_stop(void);

/*
 * Answer whatever NOTIFYs are waiting, without blocking.  Called from
 * inside long computations (the zone store's yield hook) so that a big
 * transfer finishing never delays another zone's NOTIFY.
 */
void notifyd_service(void);

#endif
