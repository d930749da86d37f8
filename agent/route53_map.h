/*
 * route53_map.h — the zone's RRsets as Route53 ResourceRecordSets, and the
 * changes that make Route53 equal to the zone.
 *
 * Pure: no I/O, no clock.  The XML parser of ListResourceRecordSets fills
 * struct r53_rrset; route53_batch.h packs the changes computed here into
 * ChangeResourceRecordSets requests.  Facts are from route53.md (the
 * project's reference, ../shared/reference/route53.md), §"Names and
 * values", §"Semantics" and §"Limits".
 *
 * ---- Names (route53.md §Names and values) --------------------------------
 *
 * Route53 stores names lowercase, returns them with a trailing dot and
 * every byte other than a-z 0-9 - _ as a 3-digit octal escape \ooo (a
 * wildcard comes back as \052.example.com.).  It requires bytes 0-32,
 * 127-255 and a dot inside a label to be sent as \ooo and accepts the
 * other bytes either way.  We SEND one canonical form:
 *   - ASCII A-Z lowercased (names are case-insensitive, RFC 4343);
 *   - a-z 0-9 - _ as themselves;
 *   - a first label that is exactly "*" as "*" (the wildcard as AWS's
 *     documents write it; Route53 stores the same byte 0x2a either way);
 *   - every other byte, including a '*' anywhere else, as \ooo (octal,
 *     three digits: '.' in a label is \056, ' ' \040, 0xff \377) — the
 *     form Route53 returns, so our text equals its listing byte for byte
 *     except for the wildcard;
 *   - labels joined by '.', with a final '.'; the root is ".".
 * We READ (r53_name_from_text) \ooo as octal (exactly three digits 0-7,
 * value <= 0377), "\X" for any other X as X, an unescaped '.' as a label
 * separator; a missing final dot is accepted (Route53 names are always
 * absolute).  The result is lowercased wire form, so "\052.Example.COM"
 * and "*.example.com." give the same wire name and r53_name_cmp() says 0.
 *
 * ---- Values (route53.md §Names and values) -------------------------------
 *
 * One Value per RR, in zone-file presentation with Route53's escapes:
 *   A        192.0.2.1
 *   AAAA     2001:db8::1                   (RFC 5952, as the codec prints)
 *   CNAME NS PTR  target.example.com.      (names as above)
 *   MX       10 mail.example.com.
 *   SRV      10 5 80 host.example.com.
 *   SOA      mname rname serial refresh retry expire minimum
 *   TXT SPF  "one" "two"  (every character-string of the RR, each quoted;
 *            the wire already holds them as <= 255-byte strings)
 *   CAA      0 issue "ca.example.net"
 *   DS       12345 13 2 ABCDEF...          (uppercase hex)
 *   SSHFP    1 2 ABCDEF...
 *   TLSA     3 1 1 ABCDEF...
 *   NAPTR    100 10 "S" "SIP+D2U" "" _sip._udp.example.com.
 *   SVCB HTTPS  1 target.example.com. alpn="h2,h3" port=443 ...
 * Quoted strings (TXT, SPF, CAA value, NAPTR fields) escape '"' as \",
 * '\' as \\ and bytes 0-31 and 127-255 as \ooo OCTAL; the space and the
 * other printable bytes are written as themselves.
 *
 * Octal, not decimal: RFC 1035's \DDD (what dig prints) is decimal, but
 * AWS's documentation for TXT says "\three-digit octal code" and gives
 * "exämple.com" as "ex\344mple.com" (ä = 0xe4 = 228 = octal 344), and
 * Route53 uses octal for names as well.  A decimal \228 would be read by
 * Route53 as something else (or rejected: 8 is not an octal digit).  The
 * space stays literal: AWS's own SPF examples ("v=spf1 include:... ~all")
 * are quoted strings with plain spaces, and inside quotes it is
 * unambiguous.
 *
 * Everything else reuses the codec: numbers, addresses (net/text.h), hex
 * (uppercase) and SvcParams (dns_svcb_to_text, BIND's form, with every
 * \DDD it writes turned into the same byte's \ooo, for consistency with
 * the strings).  Names inside RDATA use our name form, not the codec's
 * (BIND escapes only . ; \ ( ) " @ $ and uses decimal).
 *
 * Types (route53.md §Semantics): A AAAA CAA CNAME DS HTTPS MX NAPTR NS PTR
 * SOA SPF SRV SSHFP SVCB TLSA TXT.  Every other type (RRSIG, NSEC, NSEC3,
 * NSEC3PARAM, DNSKEY, CDS, CDNSKEY, ZONEMD, TYPEnnn, ...) is skipped and
 * counted per type in struct r53_stats, so the caller can warn once per
 * type per zone.
 *
 * ---- Comparing -----------------------------------------------------------
 *
 * Two RRsets are equal when their TTLs are equal and their values are the
 * same set after normalising: a value Route53 returned is parsed (\ooo
 * read as octal, then the codec's parser for the type) and printed again
 * as above.  A value that cannot be parsed compares unequal (the RRset is
 * then UPSERTed: harmless) and is counted.
 *
 * ---- Policy (route53.md §Semantics; issue 5 "Mapping the zone") ----------
 *
 *   - Alias records and routing-policy sets (SetIdentifier) in Route53
 *     are never touched: they are left out of every diff.  A zone RRset at
 *     the same (name, type) as one of them, any RRset at a name where one
 *     of them is a CNAME, or a CNAME at a name where Route53 holds one of
 *     them, is not pushed and is counted as "protected" (pushing it would
 *     replace the alias, or be refused by Route53 over and over).  The
 *     incremental path knows them only through opts.guard.
 *   - The apex NS is left out of every diff unless opts.apex_ns.  It is
 *     never deleted (Route53 forbids it).
 *   - The apex SOA is never deleted.  With R53_SOA_SERIAL (the default)
 *     it is UPSERTed with Route53's own value — MNAME, RNAME, refresh,
 *     retry, expire, minimum and TTL — with only the serial replaced by
 *     the primary's: the SOA is written to carry the synced serial and
 *     nothing else, Route53's timers describe Route53's servers (there is
 *     no secondary of Route53 to refresh) and its minimum (the negative
 *     caching TTL) is a setting the user made in Route53.  R53_SOA_PRIMARY
 *     takes the primary's serial, timers and TTL (still Route53's MNAME
 *     and RNAME); R53_SOA_OFF never touches it.  The SOA change carries
 *     R53_CH_LAST: it goes in the last request of a sync, so Route53
 *     shows the new serial only once everything else is in.
 *   - TTL: one per RRset, the zone store's (the lowest when the primary's
 *     RRs disagree; r53_stats.ttl_conflicts says how many did).  A TTL
 *     above 2147483647 (Route53's maximum) is sent as 2147483647.
 *
 * ---- Changes (route53.md §Semantics) ---------------------------------------
 *
 *   - A set Route53 lacks: CREATE (opts.create_new, the default) or
 *     UPSERT.  CREATE counts once against the request limits where UPSERT
 *     counts twice: an initial sync of 5 201 RRsets needs at least 6
 *     requests with CREATE and 11 with UPSERT.  A CREATE that fails means
 *     Route53 is not what the agent believes: reconcile.
 *   - A set that differs: UPSERT with the zone's TTL and values.
 *   - A set gone from the zone: DELETE with the exact TTL and values
 *     Route53 holds (from its listing in a full diff; in the incremental
 *     path, the old version's mapped as above — the values we pushed).
 *   - The changes of one name are a group (same nonzero group id: they
 *     must land in one request) when there are two or more of them and
 *     one is a CNAME (A -> CNAME: DELETE A + CREATE CNAME; the reverse
 *     likewise), or both NS and DS are among them (a DS needs its
 *     delegation).  Inside a group, DELETEs come first (higher types
 *     first, so DS before NS), then CREATEs/UPSERTs (lower types first).
 *   - Changes come in canonical order of owner (RFC 4034 §6.1), then by
 *     type, except inside a group (above).
 */
#ifndef XFRSYNC_AGENT_ROUTE53_MAP_H
#define XFRSYNC_AGENT_ROUTE53_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "agent/zone.h"
#include "net/err.h"
#include "net/text.h"

#define R53_ENOMEM ZONE_ENOMEM

/* Longest name text: every byte of a 255-byte name as \ooo, the dots, NUL. */
#define R53_NAME_TEXT_MAX (4 * 255 + 2)
/* Route53's largest TTL. */
#define R53_TTL_MAX 2147483647u

/* ---- ResourceRecordSets ------------------------------------------------- */

/* r53_rrset.flags */
#define R53_ALIAS 0x1u  /* has an AliasTarget (no TTL, no values) */
#define R53_SETID 0x2u  /* a SetIdentifier, or any routing/traffic policy */

/*
 * One ResourceRecordSet: as Route53 listed it (filled by the XML parser;
 * the strings are the parser's, XML entities already decoded) or as we
 * send it (in a struct r53_changes, whose memory holds the strings).
 */
struct r53_rrset {
	const char *name;           /* text, as listed / as we send it */
	uint16_t type;              /* dns_type_from_text() of <Type> */
	unsigned flags;             /* R53_ALIAS | R53_SETID */
	uint32_t ttl;               /* absent (alias): 0 */
	size_t nvalues;
	const char *const *values;  /* <Value> texts */
};

/* 1 if Route53 accepts RRsets of this type (the list above). */
int r53_type_supported(uint16_t type);

/*
 * Route53 text of a wire name (rules above).  snprintf-style: returns the
 * length needed without the NUL and writes at most cap bytes including
 * it.  R53_NAME_TEXT_MAX is always enough.
 */
size_t r53_name_to_text(const uint8_t *name, char *buf, size_t cap);
/* The same, appended to t. */
void r53_name_put(struct dns_tb *t, const uint8_t *name);

/*
 * Read n bytes of name text (Route53's or ours; rules above) into
 * lowercase wire form in out[DNS_NAME_MAX].  Returns the wire length, or
 * DNS_ESYNTAX (empty label, bad escape), DNS_ELABEL or DNS_ENAMELEN.
 */
int r53_name_from_text(const char *s, size_t n, uint8_t *out);

/*
 * Compare two name texts after normalising both: 0 when they name the
 * same owner ("\052.example.com." and "*.Example.com"), else the
 * canonical order of RFC 4034 §6.1.  A text that cannot be read sorts
 * after every readable one; two such texts compare as strcmp().
 */
int r53_name_cmp(const char *a, const char *b);

/*
 * Append the Route53 Value text of one RDATA (canonical wire form, as
 * the zone store holds it; it must have passed dns_rdata_check()).
 * Returns 0, or DNS_ENOTYPE (nothing appended) for a type Route53 does
 * not accept.
 */
int r53_value_put(struct dns_tb *t, uint16_t type, const uint8_t *rd,
    size_t len);

/*
 * Normalise a Value as Route53 returned it: parse it (octal escapes, then
 * the codec's parser for the type; names must be absolute) and append
 * our text for it.  Returns 0, or DNS_ESYNTAX / DNS_ERDATA / DNS_ENOTYPE
 * (nothing appended) / R53_ENOMEM.
 */
int r53_value_norm(struct dns_tb *t, uint16_t type, const char *v,
    size_t n);

/*
 * The serial of Route53's SOA set s ("mname rname serial refresh retry
 * expire minimum").  0, or -1 when s is not such an SOA (moto's garbled
 * value, an alias).
 */
int r53_soa_serial(const struct r53_rrset *s, uint32_t *serial);

/* ---- policy, statistics, changes ---------------------------------------- */

enum r53_soa_mode {
	R53_SOA_SERIAL = 0,  /* Route53's SOA with the primary's serial */
	R53_SOA_PRIMARY,     /* ... with the primary's serial, timers, TTL */
	R53_SOA_OFF          /* never touch the apex SOA */
};

/*
 * Route53's alias and SetIdentifier sets, by (name, type), kept from a
 * listing so that the incremental path leaves them alone too.  A zone
 * RRset (owner, type) is blocked when Route53 holds such a set at
 * (owner, type), or a CNAME one at owner, or type is CNAME and Route53
 * holds any such set at owner.
 */
struct r53_gkey {
	const uint8_t *name;  /* lowercase wire form, in names */
	uint16_t type;
};
struct r53_guard {
	struct r53_gkey *k;   /* sorted by name (canonical order), type */
	size_t n;
	uint8_t *names;
};

/*
 * Collect the flagged sets of r53[0..n) (any order; names that cannot be
 * read are left out).  Returns 0 or R53_ENOMEM; free with
 * r53_guard_free() (also after a failure).
 */
int r53_guard_init(struct r53_guard *g, const struct r53_rrset *r53,
    size_t n);
void r53_guard_free(struct r53_guard *g);
/* 1 if the zone RRset (owner, type) must not be pushed (rule above). */
int r53_guard_blocks(const struct r53_guard *g, const uint8_t *owner,
    uint16_t type);

struct r53_map_opts {
	int apex_ns;              /* 1: push the apex NS like any RRset */
	enum r53_soa_mode soa;
	int create_new;           /* 1: CREATE sets Route53 lacks; 0: UPSERT */
	/*
	 * Incremental path only (a full diff reads them from its listing):
	 * Route53's protected sets as of the last listing, or NULL when
	 * there are none / they are not known.
	 */
	const struct r53_guard *guard;
};

/* apex_ns 0, R53_SOA_SERIAL, create_new 1, guard NULL. */
void r53_map_opts_default(struct r53_map_opts *o);

/* One skipped type: RRsets and RRs of the zone not pushed. */
struct r53_skip {
	uint16_t type;
	size_t rrsets, rrs;
};

struct r53_stats {
	size_t rrsets;        /* zone RRsets examined (all types) */
	size_t unchanged;     /* full diff: RRsets already equal in Route53 */
	size_t ttl_conflicts; /* zone_ttl_conflicts() of the version mapped */
	size_t protected_sets; /* zone RRsets not pushed: alias/SetIdentifier */
	size_t r53_unread;    /* Route53 names/values that could not be read */
	int soa_unknown;      /* the SOA needed an update but Route53's SOA
	                         was not given or not readable: not pushed */
	struct r53_skip *skip;  /* skipped types, ascending */
	size_t nskip;
};

enum r53_action { R53_CREATE = 0, R53_DELETE, R53_UPSERT };

/* r53_change.flags */
#define R53_CH_LAST 0x1u  /* must go in the last request of the sync */

struct r53_change {
	enum r53_action action;
	unsigned flags;
	uint32_t group;          /* 0, or shared by changes of one request */
	struct r53_rrset set;    /* strings in the list's memory */
	const uint8_t *owner;    /* lowercase wire form of set.name */
};

struct r53_chunk;  /* private to route53_map.c */

/*
 * A list of changes and the memory behind it; zero it with
 * r53_changes_init(), release it with r53_changes_free().  Errors are
 * sticky: after an allocation failure every call returns R53_ENOMEM.
 */
struct r53_changes {
	struct r53_change *v;
	size_t n, cap;
	uint32_t ngroups;
	struct r53_stats st;
	int err;
	size_t run;              /* incremental: first change of the name
	                            still open */
	struct r53_chunk *mem;
	size_t skip_cap;
};

void r53_changes_init(struct r53_changes *c);
void r53_changes_free(struct r53_changes *c);

/* "CREATE", "DELETE", "UPSERT". */
const char *r53_action_name(enum r53_action a);

/*
 * Full diff (initial sync, reconcile, drift check): the changes that make
 * Route53's sets r53[0..n) (a whole listing, any order) equal to zone z
 * under the policy o (NULL: defaults), appended to out.  Returns 0 or
 * R53_ENOMEM.
 */
int r53_diff_full(const struct zone *z, const struct r53_rrset *r53,
    size_t n, const struct r53_map_opts *o, struct r53_changes *out);

/*
 * Incremental diff (after an IXFR): the changes that turn Route53 from
 * version old into version new, assuming it holds old as we mapped it.
 * r53_soa is Route53's apex SOA (from a listing or the pre-push serial
 * check); NULL leaves the SOA alone (stats.soa_unknown is set if it
 * changed).  Runs zone_diff(old, new) and r53_changes_add() on each
 * change, then r53_changes_end().  Returns 0 or R53_ENOMEM.
 */
int r53_diff_zones(const struct zone *old, const struct zone *new,
    const struct r53_rrset *r53_soa, const struct r53_map_opts *o,
    struct r53_changes *out);

/*
 * The same one change at a time, for a caller walking zone_diff() itself:
 * call r53_changes_add() for each struct zone_change, in zone_diff()'s
 * (canonical) order, then r53_changes_end() once, which closes the last
 * name's group.  apex is the zone's.  Returns 0 or R53_ENOMEM.
 */
int r53_changes_add(struct r53_changes *out, const uint8_t *apex,
    const struct zone_change *c, const struct r53_rrset *r53_soa,
    const struct r53_map_opts *o);
int r53_changes_end(struct r53_changes *out);

#endif
