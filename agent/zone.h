/*
 * zone.h — the zone store: immutable, compact versions of one zone.
 *
 * A struct zone is one version of a zone (class IN): its apex, its SOA
 * serial and every RRset in canonical order (RFC 4034 §6): owner by
 * dns_name_cmp, then type ascending, and inside an RRset the RDATAs as
 * unsigned byte strings (a shorter string that is a prefix of a longer
 * one sorts first).  A version never changes once built; a transfer builds
 * a new version aside (struct zone_build) and the caller swaps it in when
 * the whole transfer has been verified.  On any failure the version the
 * transfer started from is untouched.
 *
 * Identity.  An RR is (owner compared ignoring ASCII case, type, RDATA
 * compared byte for byte); the TTL belongs to the RRset and is not part of
 * an RR's identity.  Owner names keep the case of the first RR received
 * for them (for an IXFR: the case already in the base version, if the
 * owner is there).  Names inside RDATA are kept exactly as received and
 * compared byte for byte.
 *
 * Memory.  A version is four malloc'd arrays, sized exactly:
 *   - owner names in wire form, each owner once (an IXFR version may also
 *     carry the names of owners it no longer uses, at most as many bytes
 *     again: it compacts when they reach half);
 *   - 16 bytes per RRset: owner offset, RDATA offset, TTL, type, count;
 *   - the RDATAs of all RRsets, in canonical order, each as a 2-byte
 *     big-endian length then the bytes;
 *   - for a version built by IXFR, 8 bytes per RRset the IXFR touched.
 * A 1M-RR zone of A records named like host123456.example.com. takes
 * 46 bytes per RR (24 name + 16 RRset + 6 RDATA); 100k TXT RRs of two
 * strings (28 bytes of RDATA) at owners like txt123456.example.com. take
 * 72.  Offsets are 32-bit, so each array is capped at 4 GiB and an RRset
 * at 65535 RRs; reaching a cap fails the build with DNS_ELIMIT.
 *
 * Building takes scratch memory, freed by zone_build_finish(): at the
 * peak about 30 bytes per RR plus the RDATA once more beyond the new
 * version (76 bytes per RR in all for the A zone above).  An IXFR builds
 * a whole new version (copying the untouched parts of the base in blocks),
 * so base and result coexist until the caller frees the base.
 *
 * Not thread-safe: versions get their identity from a process-wide
 * counter (the agent is one thread around poll()).
 */
#ifndef XFRSYNC_AGENT_ZONE_H
#define XFRSYNC_AGENT_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "net/err.h"
#include "net/name.h"

/*
 * Allocation failure.  The codec's error enum has no out-of-memory code
 * yet; until it has, the zone store reports DNS_ESPACE.
 */
#define ZONE_ENOMEM DNS_ESPACE

/* One immutable version.  Opaque; obtained from zone_build_finish(). */
struct zone;

/* One RRset of a version, as returned by zone_rrset_get(). */
struct zone_rrset {
	const uint8_t *owner;  /* wire form, in the version's memory */
	uint16_t type;
	uint16_t count;        /* number of RRs, >= 1 */
	uint32_t ttl;
	const uint8_t *rdata;  /* count x (u16 big-endian length, bytes) */
	size_t rdata_len;      /* bytes at rdata, length prefixes included */
};

/* Walks the RDATAs of an RRset: zone_rdata_begin(), then zone_rdata_next(). */
struct zone_rdata_it {
	const uint8_t *p, *end;
};

/* Limits of one build; 0 means unlimited. */
struct zone_limits {
	/*
	 * RRs in the zone.  For an AXFR every RR received counts (duplicates
	 * are only dropped by zone_build_finish()); for an IXFR, the RRs of
	 * the base plus additions minus deletions so far.  An IXFR may also
	 * record at most 2 x max_rrs operations.
	 */
	uint64_t max_rrs;
	/*
	 * Bytes of the zone in uncompressed wire form (owner + 10 + RDATA
	 * per RR, as Knot's zone-max-size), counted like max_rrs; an IXFR's
	 * operations may total at most 2 x max_bytes.
	 */
	uint64_t max_bytes;
};

/* ---- reading a version ----------------------------------------------- */

/* SOA serial, read from the apex SOA. */
uint32_t zone_serial(const struct zone *z);
/* Apex name, wire form. */
const uint8_t *zone_apex(const struct zone *z);
size_t zone_rr_count(const struct zone *z);
size_t zone_rrset_count(const struct zone *z);
/* Bytes of memory the version holds (its arrays and its header). */
size_t zone_mem(const struct zone *z);
/*
 * RRsets whose RRs disagreed on TTL in the transfer that built this
 * version.  AXFR: the lowest TTL was kept.  IXFR: the RRset took the TTL
 * of its last addition, and either the additions disagreed or RRs of the
 * old RRset with another TTL were kept.
 */
size_t zone_ttl_conflicts(const struct zone *z);

/* RRset i, 0 <= i < zone_rrset_count(z), in canonical order. */
void zone_rrset_get(const struct zone *z, size_t i, struct zone_rrset *out);

/*
 * Binary search for the RRset (owner, type).  Returns 1 and sets *pos to
 * its index if present; otherwise returns 0 and sets *pos to where it
 * would be (the index of the first RRset after it, possibly
 * zone_rrset_count(z)).  With type 0, *pos is the first RRset of owner.
 */
int zone_find(const struct zone *z, const uint8_t *owner, uint16_t type,
    size_t *pos);

void zone_rdata_begin(struct zone_rdata_it *it, const struct zone_rrset *s);
/* 1 with *rd and *len set to the next RDATA, 0 after the last one. */
int zone_rdata_next(struct zone_rdata_it *it, const uint8_t **rd,
    uint16_t *len);

/*
 * Call fn once per RR of RRset i, as a struct dns_rr (class IN, the
 * RRset's TTL) valid during the call.  fn returns 0 to go on; anything
 * else stops and is returned.  For printers and pushers.
 */
struct dns_rr;
int zone_rrset_each(const struct zone *z, size_t i,
    int (*fn)(void *ctx, const struct dns_rr *rr), void *ctx);

/* Free a version (NULL is fine). */
void zone_free(struct zone *z);

/* ---- building a version ------------------------------------------------- */

struct zone_brr;  /* private to zone.c */

/*
 * A build in progress, owned by the caller (on the stack or in the
 * transfer's state).  Every field is private to zone.c.  Errors are
 * sticky: after one, every call returns it and the scratch memory is
 * already freed.  zone_build_finish() and zone_build_abort() release
 * everything; afterwards every call returns DNS_EXFR until the struct is
 * initialised again.
 */
struct zone_build {
	const struct zone *base;  /* IXFR: the version the ops apply to */
	struct zone_limits lim;
	int err;                  /* sticky error, 0 while healthy */
	int64_t rrs, bytes;       /* zone size so far, for the limits */
	uint64_t ops, op_bytes;   /* IXFR: operations recorded */
	uint8_t *names;           /* owner names, once per run of RRs */
	size_t names_len, names_cap;
	size_t names_dup;         /* bytes of names seen again later */
	uint32_t *off;            /* owner id -> offset in names */
	size_t nowners, off_cap;
	uint32_t last;            /* owner id of the previous RR */
	struct zone_brr *recs;    /* RRs (AXFR) or operations (IXFR) */
	size_t nrecs, recs_cap;
	uint8_t *rd;              /* their RDATA: u16 length, bytes */
	size_t rd_len, rd_cap;
	uint8_t apex[DNS_NAME_MAX];
};

/*
 * Start a build for an AXFR of the zone at apex.  lim may be NULL
 * (unlimited).  Then call zone_build_add() for every RR, in any order.
 * Returns 0 (a build that is only started holds no memory).
 */
int zone_build_init(struct zone_build *b, const uint8_t *apex,
    const struct zone_limits *lim);

/*
 * Start a build for an IXFR applied to base, which must stay alive and
 * unchanged until zone_build_finish() or zone_build_abort().  Then call
 * zone_build_del() and zone_build_add() in stream order: each diff's SOA
 * RRs are operations too (delete the old SOA, add the new one), so a
 * chain of diffs is simply all of its operations in order.  Operations
 * apply one after the other: deleting an RR that is not present at that
 * point, or adding one that is, makes zone_build_finish() fail with
 * DNS_EDIVERGE (the IXFR does not fit the version held: fall back to
 * AXFR).  An RRset the IXFR touched takes the TTL of its last addition
 * that is still present at the end, else keeps its old TTL.  The work is done by zone_build_finish() in O(N + D log D) for a
 * base of N RRs and D operations; recording an operation is O(1)
 * amortised.  Returns 0.
 */
int zone_build_init_from(struct zone_build *b, const struct zone *base,
    const struct zone_limits *lim);

/*
 * Add one RR (rdata in canonical uncompressed wire form, as net/msg.h
 * delivers it).  AXFR: an exact duplicate of an RR already added is
 * ignored at finish; RRs of one RRset with different TTLs keep the lowest.
 * IXFR: see zone_build_init_from().  Returns 0, DNS_ELIMIT (a limit was
 * exceeded), DNS_EXFR (owner outside the zone, type 0 or a meta type),
 * DNS_ERDATA (rdlen > 65535) or ZONE_ENOMEM.
 */
int zone_build_add(struct zone_build *b, const uint8_t *owner, uint16_t type,
    uint32_t ttl, const uint8_t *rdata, size_t rdlen);

/* IXFR only: delete one RR (its TTL does not matter).  Returns as above. */
int zone_build_del(struct zone_build *b, const uint8_t *owner, uint16_t type,
    const uint8_t *rdata, size_t rdlen);

/*
 * Finish: sort, merge, verify that the result has exactly one SOA RR,
 * owned by the apex, and none elsewhere (else DNS_EXFR), read the serial
 * from it and, if serial is not NULL, require it to equal *serial (else
 * DNS_EXFR).  Returns 0 with *out set to the new version, or a negative
 * DNS_E* (the sticky error, DNS_EDIVERGE, DNS_ELIMIT, DNS_EXFR,
 * ZONE_ENOMEM) with *out NULL.  Either way the scratch memory is freed.
 *
 * A version built by IXFR remembers which (owner, type) keys the
 * operations touched and which base it was built from, so that
 * zone_diff(base, new) costs O(changes) rather than O(N) without the
 * caller having to do anything: the list is kept in the version rather
 * than handed out because it is only valid against that one base, and
 * zone_diff() can check that itself (see zone_diff_incremental()).
 */
int zone_build_finish(struct zone_build *b, const uint32_t *serial,
    struct zone **out);

/* Drop a build and free its scratch memory; safe to call at any time. */
void zone_build_abort(struct zone_build *b);

/*
 * Finishing a build of a million RRs takes a good part of a second.  The
 * agent's event loop must not stall that long, so zone_build_finish()
 * calls fn(ctx) every 32768 units of work (comparisons while sorting, RRs
 * while grouping): the agent answers pending NOTIFYs there.  fn must not
 * touch the build in progress.  NULL (the default) calls nothing.
 */
void zone_set_yield(void (*fn)(void *ctx), void *ctx);

/* Count n units of other long work against the same hook (diff walks). */
void zone_yield_tick(size_t n);

/* ---- changes between versions ------------------------------------------- */

/* One (owner, type) whose RRset differs between two versions. */
struct zone_change {
	const uint8_t *owner;  /* wire form (from the new version if present) */
	uint16_t type;
	int has_old;           /* old holds the RRset before */
	struct zone_rrset old;
	int has_new;           /* new holds the RRset after */
	struct zone_rrset new;
};

/*
 * Call fn once per (owner, type) whose RRset differs between old and new
 * (added, removed, different RDATAs or TTL), in canonical order.  old may
 * be NULL (everything in new is added), and so may new (all removed).  A merge walk, O(N); O(changes)
 * when new was built by IXFR from old.  Owner case alone is not a change.
 * fn returns 0 to go on; anything else stops the walk and is returned.
 * Returns 0 when the walk completed.
 */
int zone_diff(const struct zone *old, const struct zone *new,
    int (*fn)(void *ctx, const struct zone_change *c), void *ctx);

/* 1 if zone_diff(old, new) takes the O(changes) path. */
int zone_diff_incremental(const struct zone *old, const struct zone *new);

/* ---- printing -------------------------------------------------------------- */

/*
 * Emit every RR in presentation form (dns_rr_to_text: owner, TTL, IN,
 * type, RDATA, tab-separated, no newline): the SOA first, then the rest in
 * canonical order — what `xfrsync ctl dump` prints, comparable with
 * `dig AXFR`.  Returns 0 or ZONE_ENOMEM (lines before were emitted).
 */
int zone_print(const struct zone *z, void (*emit)(void *ctx, const char *line),
    void *ctx);

#endif
