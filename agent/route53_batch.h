/*
 * route53_batch.h — pack Route53 changes into the fewest
 * ChangeResourceRecordSets requests, and write their XML bodies.
 *
 * Pure: no I/O.  Input is a struct r53_changes (route53_map.h).
 *
 * Limits per request (route53.md §"Limits per ChangeResourceRecordSets
 * request", AWS's Route53 quotas page):
 *   - at most 1000 ResourceRecord elements and 32 000 characters of Value
 *     text in all, an UPSERT's records and characters counting twice;
 *   - at most 4000 characters in one Value and 400 values in one RRset:
 *     a change beyond these cannot be pushed at all and is reported;
 *   - a cap on Change elements, configurable.  AWS documents none today
 *     (the quotas page lists only the two limits above; each Change holds
 *     at least one ResourceRecord, so 1000 records imply <= 1000
 *     Changes); older documents said 100.  Default 1000, i.e. no further
 *     constraint; set 100 to follow the old documents.
 * Characters are counted as written in the body, i.e. after XML escaping
 * (so "&" counts 5): equal to the Value's own length for every value the
 * mapper writes without & < >, and never less than what Route53 counts.
 *
 * Packing:
 *   - a change (one RRset) is never split; the changes of a group
 *     (r53_change.group) go into one request, in their order (the mapper
 *     puts DELETEs first);
 *   - changes flagged R53_CH_LAST (the apex SOA carrying the serial) go
 *     into the request sent last;
 *   - the rest is first-fit, in change order, over the 16 most recently
 *     opened requests (bounded work per change; with RRsets much smaller
 *     than a request this reaches the lower bound max(ceil(records/1000),
 *     ceil(chars/32000), ceil(changes/cap)), which the plan reports).
 * Requests are independent (each is atomic in Route53); only the one
 * holding R53_CH_LAST changes must be sent last, and it is the last in
 * the plan.
 */
#ifndef XFRSYNC_AGENT_ROUTE53_BATCH_H
#define XFRSYNC_AGENT_ROUTE53_BATCH_H

#include <stddef.h>

#include "agent/route53_map.h"
#include "net/text.h"

#define R53_MAX_RECORDS 1000
#define R53_MAX_CHARS 32000
#define R53_MAX_VALUE_CHARS 4000
#define R53_MAX_VALUES 400
#define R53_MAX_CHANGES 1000
#define R53_MAX_COMMENT 256

struct r53_limits {
	size_t records;      /* ResourceRecord elements per request */
	size_t chars;        /* Value characters per request */
	size_t value_chars;  /* characters per Value */
	size_t values;       /* values per RRset */
	size_t changes;      /* Change elements per request */
};

/* The R53_MAX_* values above. */
void r53_limits_default(struct r53_limits *l);

/* Characters a Value counts for: its length after XML escaping. */
size_t r53_value_chars(const char *v);

/* What one change costs against a request's limits (UPSERT twice). */
void r53_change_cost(const struct r53_change *c, size_t *records,
    size_t *chars);

enum r53_reject {
	R53_REJ_VALUES = 1,   /* more values than limits.values */
	R53_REJ_VALUE_CHARS,  /* a value longer than limits.value_chars */
	R53_REJ_TOO_BIG,      /* the change (or its group) alone exceeds a
	                         request's records, chars or changes */
	R53_REJ_GROUP         /* another change of its group was rejected */
};

const char *r53_reject_text(enum r53_reject why);

struct r53_rejected {
	size_t change;        /* index in the struct r53_changes */
	enum r53_reject why;
};

/* One request: changes idx[first .. first + n) of the plan. */
struct r53_batch {
	size_t first, n;
	size_t records, chars;  /* counted as above */
};

struct r53_plan {
	size_t *idx;            /* change indexes, request after request */
	struct r53_batch *b;
	size_t nb;
	struct r53_rejected *rej;  /* changes that cannot be pushed */
	size_t nrej;
	size_t min_batches;     /* lower bound for the accepted changes */
	size_t records, chars, changes;  /* totals of the accepted changes */
};

/*
 * Plan the requests for every change of ch under limits l (NULL: the
 * defaults).  Returns 0 or R53_ENOMEM; free with r53_plan_free().
 */
int r53_plan_make(const struct r53_changes *ch, const struct r53_limits *l,
    struct r53_plan *p);
void r53_plan_free(struct r53_plan *p);

/* Append s[0..n) with & < > escaped (text content: quotes need none). */
void r53_xml_text(struct dns_tb *t, const char *s, size_t n);

/*
 * Append the ChangeResourceRecordSetsRequest body for changes v[idx[0]],
 * ..., v[idx[n - 1]], with an optional comment (NULL or "": none; longer
 * than 256 characters: cut at 256; control bytes become spaces).
 * Elements in the order of route53.md; one line after the XML
 * declaration, no other whitespace.  Returns t->n (snprintf-style: call
 * with a zero-capacity t to measure).
 */
size_t r53_batch_xml(struct dns_tb *t, const struct r53_change *v,
    const size_t *idx, size_t n, const char *comment);

#endif
