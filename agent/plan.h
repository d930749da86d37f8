/*
 * plan.h — `xfrsync plan` and `xfrsync sync`: one zone, once.
 *
 *   xfrsync plan -c FILE [-v] [-t SECONDS] ZONE
 *   xfrsync sync -c FILE [-v] [-t SECONDS] ZONE
 *
 * Both transfer ZONE (AXFR, from its primaries in order), list its hosted
 * zone (hosted-zone-id) in Route53, diff the two (r53_diff_full) and pack
 * the changes into requests (r53_plan_make, the aws block's max-changes).
 * plan prints, per request, one line per value: "+ NAME TTL TYPE VALUE"
 * for what is created or upserted, "- NAME TTL TYPE VALUE" for what is
 * deleted or replaced (an UPSERT shows Route53's old set as "-" lines),
 * then "plan: C changes in N requests ..." and the limit that binds; it
 * changes nothing.  sync does the same, then pushes every request in
 * order, each followed by GetChange until INSYNC, and prints the API
 * calls made.  Skipped types are warned on stderr, once per type.
 *
 * Exit status: 0 done; 1 failed (one line on stderr says why, and when
 * Route53 was not what the diff expected, that a reconcile is needed);
 * 2 usage.
 */
#ifndef XFRSYNC_AGENT_PLAN_H
#define XFRSYNC_AGENT_PLAN_H

int plan_main(int argc, char **argv);
int sync_main(int argc, char **argv);

#endif
