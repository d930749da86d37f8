/*
 * r53state.h — what the daemon knows of Route53 across restarts.
 *
 * One small text file per pushing zone in the state directory, named
 * after the zone ("example.com.route53"; bytes other than letters,
 * digits, '-' and '_' in the name as %XX, the root zone "root.route53"):
 *
 *   # xfrsync: Route53 state of zone example.com.
 *   hosted-zone-id Z1PA6795UKMFR9
 *   serial 2026113001
 *   synced 1796011425
 *   protected www.example.com. A
 *
 * written after every sync that ended with Route53 holding the zone at
 * that serial (synced: wall seconds), atomically: a temporary file in the
 * same directory, fsync, rename.  "protected" lines name the alias and
 * routing-policy sets of the last listing (the incremental path must not
 * push over them; after a restart without a full listing they come from
 * here).  Unknown lines are ignored, so newer versions may add some.
 */
#ifndef XFRSYNC_AGENT_R53STATE_H
#define XFRSYNC_AGENT_R53STATE_H

#include <stddef.h>
#include <stdint.h>

#include "agent/conf.h"
#include "agent/route53_map.h"

#define R53_STATE_PROTECTED_MAX 10000  /* protected lines read at most */

struct r53_state {
	char hzid[CONF_HZID_MAX];
	uint32_t serial;
	uint64_t synced;                /* wall seconds */
	struct r53_rrset *prot;         /* names and types only (flag ALIAS) */
	size_t nprot;
	char *mem;                      /* holds prot's names */
};

/*
 * Before the sandbox: create dir (0700) if it does not exist, owned by
 * user when not NULL.  0, or -1 with err set.
 */
int r53_state_prepare(const char *dir, const char *user, char *err,
    size_t errlen);

/*
 * Read zone's file (zone in text form, with its final dot) into st.
 * 1 read, 0 no file, -1 unreadable or malformed (err says where; treat
 * as no state).  Free st with r53_state_free() after 1.
 */
int r53_state_load(const char *dir, const char *zone, struct r53_state *st,
    char *err, size_t errlen);
void r53_state_free(struct r53_state *st);

/*
 * Write zone's file atomically: hzid, serial, synced and the protected
 * sets of g (may be NULL).  0, or -1 with err set (the old file stays).
 */
int r53_state_save(const char *dir, const char *zone, const char *hzid,
    uint32_t serial, uint64_t synced, const struct r53_guard *g, char *err,
    size_t errlen);

/* The file name for zone into buf[cap]; snprintf-style. */
size_t r53_state_path(const char *dir, const char *zone, char *buf,
    size_t cap);

#endif
