/*
 * route53_xml.h — Route53's XML answers, read with net/xml.
 *
 * One function per answer xfrsync reads.  Each takes the whole body of
 * the HTTP answer, fills a caller-owned result and returns 0, or a
 * negative code: an XML_E_* (net/xml.h) when the document is not
 * well-formed XML, an R53_E_* when it is XML but not the expected answer,
 * or what a callback returned.  *err_off (when not NULL) gets the byte
 * offset of the problem.  Nothing is allocated.
 *
 * Element names are matched by local name, so any namespace prefix (or
 * none) is accepted; unknown elements are skipped.  Names (Name,
 * NextRecordName, DNSName) are kept exactly as Route53 wrote them, with
 * their \ooo escapes (\052 for a wildcard): normalising and URL-encoding
 * them is the caller's job.  IDs lose their "/hostedzone/" or "/change/"
 * prefix and are checked to be safe in a URL path.
 */
#ifndef XFRSYNC_AGENT_ROUTE53_XML_H
#define XFRSYNC_AGENT_ROUTE53_XML_H

#include <stddef.h>
#include <stdint.h>

#include "agent/route53_map.h"  /* struct r53_rrset, R53_NAME_TEXT_MAX */

#define R53_TYPE_MAX 16         /* "CNAME", with room to spare */
#define R53_ID_MAX 64           /* "Z0123456789ABCDEFGHIJ", "C2682N5HXP0BZ4" */
#define R53_SETID_MAX 129       /* SetIdentifier: 1 to 128 characters */
#define R53_VALUES_MAX 400      /* ResourceRecord elements per RRset */
/*
 * Decoded Value characters of one RRset, NULs included: Route53 caps a
 * change batch at 32 000 Value characters and one RRset's change never
 * spans two batches, so no RRset it holds can need more.
 */
#define R53_VALUE_BYTES (36 * 1024)
#define R53_CODE_MAX 64
#define R53_MSG_MAX 2048        /* all messages of an error, NULs included */
#define R53_REQID_MAX 128

enum r53_xml_err {
	R53_E_ROOT = -64,    /* not the answer expected (another root element) */
	R53_E_MISSING = -65, /* a required element is missing */
	R53_E_VALUE = -66,   /* an element's text is not valid for it */
	R53_E_DUP = -67,     /* an element given twice where once is allowed */
	R53_E_LONG = -68,    /* a name, type or ID longer than its buffer */
	R53_E_VALUES = -69   /* more values or Value bytes than R53_VALUE_* */
};

/* Describes an R53_E_* or XML_E_* code (never NULL). */
const char *r53_xml_strerror(int err);

/* ---- ChangeResourceRecordSetsResponse, GetChangeResponse ------------- */

enum r53_status { R53_PENDING = 1, R53_INSYNC = 2 };

struct r53_change_info {
	char id[R53_ID_MAX];    /* "C2682N5HXP0BZ4": "/change/" stripped */
	int status;             /* R53_PENDING or R53_INSYNC */
	char submitted_at[40];  /* as given: "2017-03-10T01:36:41.958Z" */
};

/* ChangeInfo: Id and Status required. */
int r53_parse_change_info(const char *xml, size_t len,
    struct r53_change_info *c, size_t *err_off);

/* ---- ListResourceRecordSetsResponse ---------------------------------------- */

/* struct r53_lrec.flags: what makes a set one xfrsync leaves alone. */
#define R53_LR_ALIAS 0x01    /* AliasTarget (no TTL, no values) */
#define R53_LR_SETID 0x02    /* SetIdentifier */
#define R53_LR_ROUTING 0x04  /* Weight, Region, Failover, GeoLocation,
                                GeoProximityLocation, CidrRoutingConfig,
                                MultiValueAnswer */
#define R53_LR_HEALTH 0x08   /* HealthCheckId */
#define R53_LR_TRAFFIC 0x10  /* TrafficPolicyInstanceId */

/*
 * One ResourceRecordSet of a listing.  The parser reuses it for every
 * set of a page: copy what you keep before the callback returns.
 *
 * set is the same set as route53_map.h's struct r53_rrset, pointing into
 * this struct: name, type (0 when dns_type_from_text() does not know the
 * <Type>: r53_type_supported() then says no), ttl (0 for an alias),
 * values, and flags: R53_ALIAS for an AliasTarget, R53_SETID for a
 * SetIdentifier — and also for a routing policy or traffic-policy set
 * without one, so that the diff leaves every such set alone.
 */
struct r53_lrec {
	struct r53_rrset set;
	char name[R53_NAME_TEXT_MAX];   /* as listed: "\052.example.com." */
	char type[R53_TYPE_MAX];        /* "A", "TXT", ... */
	uint32_t ttl;
	int has_ttl;                    /* alias sets have none */
	unsigned flags;                 /* R53_LR_* */
	char set_id[R53_SETID_MAX];     /* "" without SetIdentifier */
	char alias_name[R53_NAME_TEXT_MAX]; /* AliasTarget/DNSName or "" */
	char alias_zone[R53_ID_MAX];    /* AliasTarget/HostedZoneId or "" */
	unsigned n_values;
	const char *values[R53_VALUES_MAX]; /* decoded, NUL-terminated, in vbuf */
	size_t value_len[R53_VALUES_MAX];
	char vbuf[R53_VALUE_BYTES];
	size_t vused;
};

struct r53_list_page {
	int truncated;                      /* IsTruncated (required) */
	char next_name[R53_NAME_TEXT_MAX];  /* verbatim, \ooo escapes kept */
	char next_type[R53_TYPE_MAX];
	char next_id[R53_SETID_MAX];        /* NextRecordIdentifier or "" */
	uint32_t max_items;                 /* MaxItems, 0 when absent */
	unsigned n_records;                 /* sets given to the callback */
};

/*
 * Called once per ResourceRecordSet, in document order, as soon as it is
 * read.  Return 0 to go on; a negative value stops the parse, which
 * returns it.
 */
typedef int (*r53_lrec_fn)(void *ctx, const struct r53_lrec *rec);

/*
 * A ListResourceRecordSets page.  rec is the parser's scratch (about
 * 45 KB: keep it static or in a long-lived context).  Each set needs Name
 * and Type; a set that is neither an alias nor a traffic-policy set also
 * needs TTL and at least one Value.  When IsTruncated is true,
 * NextRecordName and NextRecordType are required.
 */
int r53_parse_list(const char *xml, size_t len, struct r53_lrec *rec,
    r53_lrec_fn fn, void *ctx, struct r53_list_page *page, size_t *err_off);

/* ---- GetHostedZoneResponse, ListHostedZonesByNameResponse ------------------ */

struct r53_zone {
	char id[R53_ID_MAX];            /* "Z…": "/hostedzone/" stripped */
	char name[R53_NAME_TEXT_MAX];   /* "example.com." as given */
	uint64_t rrset_count;           /* ResourceRecordSetCount */
	int has_count;
	int private_zone;               /* Config/PrivateZone is true */
};

/* HostedZone: Id and Name required. */
int r53_parse_zone(const char *xml, size_t len, struct r53_zone *z,
    size_t *err_off);

struct r53_zones_page {
	int truncated;                       /* IsTruncated, 0 when absent */
	char next_name[R53_NAME_TEXT_MAX];   /* NextDNSName or "" */
	char next_id[R53_ID_MAX];            /* NextHostedZoneId or "" */
	uint32_t max_items;
	unsigned n_zones;
};

typedef int (*r53_zone_fn)(void *ctx, const struct r53_zone *z);

/* Each HostedZone to fn (same contract as r53_lrec_fn). */
int r53_parse_zones_by_name(const char *xml, size_t len, r53_zone_fn fn,
    void *ctx, struct r53_zones_page *page, size_t *err_off);

/* ---- errors ---------------------------------------------------------------- */

/*
 * Any of the error shapes Route53 (or moto) answers with:
 *   <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>
 *   <InvalidChangeBatch><Messages><Message/>...</Messages><RequestId/>
 *   <InvalidSignatureException><Message/></InvalidSignatureException>
 *   <ErrorResponse><Errors><Error><Code/><Message/></Error></Errors>... (moto)
 * Without a Code element the code is the root's local name
 * ("InvalidChangeBatch", "InvalidSignatureException").  RequestId and
 * RequestID are both read.
 */
struct r53_error {
	char code[R53_CODE_MAX];        /* cut to fit: then matches nothing */
	char type[16];                  /* "Sender", "Receiver" or "" */
	char request_id[R53_REQID_MAX]; /* cut to fit */
	/* Every Message, each NUL-terminated, one after the other. */
	char messages[R53_MSG_MAX];
	unsigned n_messages;            /* messages stored */
	unsigned n_lost;                /* messages that did not fit */
	int cut;                        /* a stored message was shortened */
};

/*
 * Parse an error body.  0 when a code was found; R53_E_MISSING when the
 * document is an error without a code (what was found is filled in);
 * an XML_E_* code when it is not XML.
 */
int r53_parse_error(const char *xml, size_t len, struct r53_error *e,
    size_t *err_off);

/* The i-th message (from 0), or NULL. */
const char *r53_error_message(const struct r53_error *e, unsigned i);

/* What the agent does about a failed request. */
enum r53_class {
	R53_C_OK = 0,       /* 2xx: not an error */
	R53_C_RETRY,        /* back off (full jitter) and send it again */
	R53_C_RECONCILE,    /* Route53 is not what we believe: list and diff */
	R53_C_REFRESH,      /* credentials expired: refresh once, then retry */
	R53_C_CLOCK,        /* our clock is off by more than 5 minutes */
	R53_C_FATAL         /* configuration or bug: stop and say so */
};

/*
 * Classify an answer by HTTP status, error code and (for the clock test)
 * first message; code and message may be NULL or "".  In order:
 *   2xx                                                       OK
 *   429, 5xx (any code, or none)                              RETRY
 *   Throttling, ThrottlingException, ThrottledException,
 *   RequestThrottled, RequestThrottledException,
 *   TooManyRequestsException, RequestLimitExceeded, SlowDown,
 *   PriorRequestNotComplete, RequestTimeout,
 *   RequestTimeoutException, ServiceUnavailable,
 *   ServiceUnavailableException, InternalFailure, InternalError RETRY
 *   RequestTimeTooSkewed, RequestExpired, RequestInTheFuture;
 *   InvalidSignatureException, SignatureDoesNotMatch or
 *   AuthFailure whose message says "Signature expired" or
 *   "Signature not yet current"                               CLOCK
 *   ExpiredToken, ExpiredTokenException, TokenRefreshRequired,
 *   InvalidClientTokenId, UnrecognizedClientException         REFRESH
 *   InvalidChangeBatch, InvalidInput                          RECONCILE
 *   anything else (AccessDenied, NoSuchHostedZone,
 *   other signature errors, other 4xx, unknown)               FATAL
 * Why: the RETRY codes are botocore's "standard" retry list (throttling
 * and transient) plus Route53's own; 5xx and 429 retry whatever the body.
 * CLOCK follows the SDKs' clock-skew codes, and a signature error only
 * when AWS says the time is out ("Signature expired: ... is now earlier
 * than ...", "Signature not yet current: ..."); any other signature error
 * is a signer or secret-key bug.  REFRESH includes InvalidClientTokenId
 * and UnrecognizedClientException because rotated temporary credentials
 * (instance roles, SSO) give them too; the caller refreshes once and then
 * fails loudly, so a wrong static key still ends FATAL.  InvalidInput
 * is RECONCILE because moto answers a mismatched DELETE with it; with
 * real Route53 it means a malformed request, which a reconcile rebuilds —
 * the caller must give up if the same zone fails again right after.
 */
enum r53_class r53_error_class(int http_status, const char *code,
    const char *message);

/* "retry", "reconcile", ... */
const char *r53_class_name(enum r53_class c);

#endif
