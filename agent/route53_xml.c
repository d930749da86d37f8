/*
 * route53_xml.c — Route53's answers and errors, over the net/xml reader.
 *
 * Each answer is read top-down: the root, then its children by local
 * name, skipping what we do not know.  A "child loop" below returns 1 at
 * each child START and 0 at its container's END: every child is consumed
 * whole (leaf text, a nested loop, or xml_skip) before the next one.
 */
#include <string.h>

#include "agent/route53_xml.h"
#include "net/rrtype.h"
#include "net/xml.h"

const char *
r53_xml_strerror(int err)
{
	switch (err) {
	case R53_E_ROOT: return "not the Route53 answer expected";
	case R53_E_MISSING: return "Route53 answer lacks a required element";
	case R53_E_VALUE: return "Route53 answer has an invalid value";
	case R53_E_DUP: return "Route53 answer repeats an element";
	case R53_E_LONG: return "Route53 answer has an over-long name or ID";
	case R53_E_VALUES: return "Route53 RRset has too many values";
	default: return xml_strerror(err);
	}
}

/* ---- helpers --------------------------------------------------------------- */

/* Latch the offset of a failure for the caller, pass rc through. */
static int
finish(const struct xml_rd *x, int rc, size_t *err_off)
{
	if (rc < 0 && err_off != NULL)
		*err_off = x->err ? x->err_off : x->off;
	return rc;
}

/* The root START. */
static int
root(struct xml_rd *x, const char *xml, size_t len)
{
	int t;

	xml_init(x, xml, len);
	t = xml_next(x);
	if (t < 0)
		return t;
	return t == XML_START ? 0 : XML_E_TRUNC;
}

/* After the root's END: nothing but comments and blanks may follow. */
static int
end(struct xml_rd *x)
{
	int t = xml_next(x);

	if (t < 0)
		return t;
	return t == XML_EOF ? 0 : XML_E_SYNTAX;
}

/* 1 at the next child's START, 0 at the container's END; text ignored. */
static int
child(struct xml_rd *x)
{
	for (;;) {
		int t = xml_next(x);

		if (t < 0)
			return t;
		if (t == XML_START)
			return 1;
		if (t == XML_END)
			return 0;
		if (t == XML_EOF)
			return XML_E_TRUNC;
	}
}

/* Leaf text into buf; R53_E_LONG when it does not fit. */
static int
leaf(struct xml_rd *x, char *buf, size_t cap)
{
	long n = xml_leaf(x, buf, cap);

	if (n < 0)
		return (int)n;
	return (size_t)n >= cap ? R53_E_LONG : 0;
}

/* Once-only element: bit in *seen. */
static int
once(unsigned *seen, unsigned bit)
{
	if (*seen & bit)
		return R53_E_DUP;
	*seen |= bit;
	return 0;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Leaf text as a decimal number <= max (blanks around allowed). */
static int
leaf_num(struct xml_rd *x, uint64_t max, uint64_t *v)
{
	char buf[32];
	size_t i = 0;
	int rc = leaf(x, buf, sizeof buf), digits = 0;

	if (rc == R53_E_LONG)
		return R53_E_VALUE;
	if (rc < 0)
		return rc;
	*v = 0;
	while (is_blank(buf[i]))
		i++;
	for (; buf[i] >= '0' && buf[i] <= '9'; i++, digits++) {
		uint64_t d = (uint64_t)(buf[i] - '0');

		if (*v > (max - d) / 10)
			return R53_E_VALUE;
		*v = *v * 10 + d;
	}
	while (is_blank(buf[i]))
		i++;
	return digits > 0 && buf[i] == '\0' ? 0 : R53_E_VALUE;
}

static int
leaf_u32(struct xml_rd *x, uint32_t *v)
{
	uint64_t w;
	int rc = leaf_num(x, UINT32_MAX, &w);

	*v = (uint32_t)w;
	return rc;
}

/* "true" or "false" (blanks around allowed). */
static int
leaf_bool(struct xml_rd *x, int *v)
{
	char buf[16], *p = buf;
	size_t n;
	int rc = leaf(x, buf, sizeof buf);

	if (rc == R53_E_LONG)
		return R53_E_VALUE;
	if (rc < 0)
		return rc;
	while (is_blank(*p))
		p++;
	n = strlen(p);
	while (n > 0 && is_blank(p[n - 1]))
		n--;
	if (n == 4 && memcmp(p, "true", 4) == 0)
		*v = 1;
	else if (n == 5 && memcmp(p, "false", 5) == 0)
		*v = 0;
	else
		return R53_E_VALUE;
	return 0;
}

/*
 * An ID: "/hostedzone/Z123", "/change/C123" or bare "C123"; keep the last
 * path component, which must be letters, digits, '-' and '_'.
 */
static int
leaf_id(struct xml_rd *x, char *id, size_t cap)
{
	char buf[R53_ID_MAX + 32];
	const char *p;
	size_t n, i;
	int rc = leaf(x, buf, sizeof buf);

	if (rc < 0)
		return rc;
	p = strrchr(buf, '/');
	p = p != NULL ? p + 1 : buf;
	n = strlen(p);
	if (n == 0)
		return R53_E_VALUE;
	if (n >= cap)
		return R53_E_LONG;
	for (i = 0; i < n; i++) {
		char c = p[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return R53_E_VALUE;
	}
	memcpy(id, p, n + 1);
	return 0;
}

static int
is_any(const struct xml_rd *x, const char *const *names)
{
	for (; *names != NULL; names++) {
		if (xml_is(x, *names))
			return 1;
	}
	return 0;
}

/* ---- ChangeInfo -------------------------------------------------------------- */

static int
change_info(struct xml_rd *x, struct r53_change_info *c)
{
	char st[16];
	unsigned seen = 0;
	int rc;

	while ((rc = child(x)) > 0) {
		if (xml_is(x, "Id")) {
			if ((rc = once(&seen, 1)) < 0 ||
			    (rc = leaf_id(x, c->id, sizeof c->id)) < 0)
				return rc;
		} else if (xml_is(x, "Status")) {
			if ((rc = once(&seen, 2)) < 0)
				return rc;
			rc = leaf(x, st, sizeof st);
			if (rc == R53_E_LONG)
				return R53_E_VALUE;
			if (rc < 0)
				return rc;
			if (strcmp(st, "PENDING") == 0)
				c->status = R53_PENDING;
			else if (strcmp(st, "INSYNC") == 0)
				c->status = R53_INSYNC;
			else
				return R53_E_VALUE;
		} else if (xml_is(x, "SubmittedAt")) {
			if ((rc = once(&seen, 4)) < 0)
				return rc;
			rc = leaf(x, c->submitted_at, sizeof c->submitted_at);
			if (rc == R53_E_LONG)
				return R53_E_VALUE;
			if (rc < 0)
				return rc;
		} else if ((rc = xml_skip(x)) < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	return (seen & 3) == 3 ? 0 : R53_E_MISSING;
}

/*
 * An answer whose root is `root_name` (or `alt`) and which must hold
 * exactly one `elem` element, read by fn(x, arg); other children are
 * skipped.
 */
static int
single(struct xml_rd *x, const char *xml, size_t len, const char *root_name,
    const char *alt, const char *elem, int (*fn)(struct xml_rd *, void *),
    void *arg)
{
	int rc, found = 0;

	if ((rc = root(x, xml, len)) < 0)
		return rc;
	if (!xml_is(x, root_name) && (alt == NULL || !xml_is(x, alt)))
		return R53_E_ROOT;
	while ((rc = child(x)) > 0) {
		if (xml_is(x, elem)) {
			if (found++)
				return R53_E_DUP;
			rc = fn(x, arg);
		} else
			rc = xml_skip(x);
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (!found)
		return R53_E_MISSING;
	return end(x);
}

static int
change_info_cb(struct xml_rd *x, void *c)
{
	return change_info(x, c);
}

static int
change(struct xml_rd *x, const char *xml, size_t len, struct r53_change_info *c)
{
	memset(c, 0, sizeof *c);
	return single(x, xml, len, "ChangeResourceRecordSetsResponse",
	    "GetChangeResponse", "ChangeInfo", change_info_cb, c);
}

int
r53_parse_change_info(const char *xml, size_t len,
    struct r53_change_info *c, size_t *err_off)
{
	struct xml_rd x;

	return finish(&x, change(&x, xml, len, c), err_off);
}

/* ---- ListResourceRecordSets ------------------------------------------------------ */

static const char *const routing[] = {
	"Weight", "Region", "Failover", "GeoLocation", "GeoProximityLocation",
	"CidrRoutingConfig", "MultiValueAnswer", NULL
};

static int
alias_target(struct xml_rd *x, struct r53_lrec *rec)
{
	int rc;

	while ((rc = child(x)) > 0) {
		if (xml_is(x, "DNSName"))
			rc = leaf(x, rec->alias_name, sizeof rec->alias_name);
		else if (xml_is(x, "HostedZoneId"))
			rc = leaf(x, rec->alias_zone, sizeof rec->alias_zone);
		else
			rc = xml_skip(x);
		if (rc < 0)
			return rc;
	}
	return rc;
}

/* <ResourceRecords><ResourceRecord><Value>...</Value></ResourceRecord>... */
static int
values(struct xml_rd *x, struct r53_lrec *rec)
{
	int rc;

	while ((rc = child(x)) > 0) {
		int n_val = 0;

		if (!xml_is(x, "ResourceRecord")) {
			if ((rc = xml_skip(x)) < 0)
				return rc;
			continue;
		}
		while ((rc = child(x)) > 0) {
			size_t room = sizeof rec->vbuf - rec->vused;
			long n;

			if (!xml_is(x, "Value")) {
				if ((rc = xml_skip(x)) < 0)
					return rc;
				continue;
			}
			if (n_val++)
				return R53_E_DUP;
			if (rec->n_values >= R53_VALUES_MAX)
				return R53_E_VALUES;
			n = xml_leaf(x, rec->vbuf + rec->vused, room);
			if (n < 0)
				return (int)n;
			if ((size_t)n >= room)
				return R53_E_VALUES;
			rec->values[rec->n_values] = rec->vbuf + rec->vused;
			rec->value_len[rec->n_values] = (size_t)n;
			rec->n_values++;
			rec->vused += (size_t)n + 1;
		}
		if (rc < 0)
			return rc;
		if (n_val == 0)
			return R53_E_MISSING;
	}
	return rc;
}

static void
rec_reset(struct r53_lrec *rec)
{
	memset(&rec->set, 0, sizeof rec->set);
	rec->name[0] = '\0';
	rec->type[0] = '\0';
	rec->ttl = 0;
	rec->has_ttl = 0;
	rec->flags = 0;
	rec->set_id[0] = '\0';
	rec->alias_name[0] = '\0';
	rec->alias_zone[0] = '\0';
	rec->n_values = 0;
	rec->vused = 0;
}

enum { S_NAME = 1, S_TYPE = 2, S_TTL = 4, S_SETID = 8, S_ALIAS = 16,
	S_RRS = 32 };

static int
rrset(struct xml_rd *x, struct r53_lrec *rec)
{
	unsigned seen = 0;
	int rc;

	rec_reset(rec);
	while ((rc = child(x)) > 0) {
		if (xml_is(x, "Name")) {
			if ((rc = once(&seen, S_NAME)) >= 0)
				rc = leaf(x, rec->name, sizeof rec->name);
		} else if (xml_is(x, "Type")) {
			if ((rc = once(&seen, S_TYPE)) >= 0)
				rc = leaf(x, rec->type, sizeof rec->type);
		} else if (xml_is(x, "TTL")) {
			if ((rc = once(&seen, S_TTL)) >= 0)
				rc = leaf_u32(x, &rec->ttl);
			rec->has_ttl = 1;
		} else if (xml_is(x, "SetIdentifier")) {
			if ((rc = once(&seen, S_SETID)) >= 0)
				rc = leaf(x, rec->set_id, sizeof rec->set_id);
			rec->flags |= R53_LR_SETID;
		} else if (xml_is(x, "AliasTarget")) {
			if ((rc = once(&seen, S_ALIAS)) >= 0)
				rc = alias_target(x, rec);
			rec->flags |= R53_LR_ALIAS;
		} else if (xml_is(x, "ResourceRecords")) {
			if ((rc = once(&seen, S_RRS)) >= 0)
				rc = values(x, rec);
		} else {
			if (is_any(x, routing))
				rec->flags |= R53_LR_ROUTING;
			else if (xml_is(x, "HealthCheckId"))
				rec->flags |= R53_LR_HEALTH;
			else if (xml_is(x, "TrafficPolicyInstanceId"))
				rec->flags |= R53_LR_TRAFFIC;
			rc = xml_skip(x);
		}
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (rec->name[0] == '\0' || rec->type[0] == '\0')
		return R53_E_MISSING;
	if (!(rec->flags & (R53_LR_ALIAS | R53_LR_TRAFFIC)) &&
	    (!rec->has_ttl || rec->n_values == 0))
		return R53_E_MISSING;
	/* The same set for route53_map. */
	rec->set.name = rec->name;
	if (dns_type_from_text(rec->type, strlen(rec->type),
	    &rec->set.type) < 0)
		rec->set.type = 0;
	rec->set.flags = 0;
	if (rec->flags & R53_LR_ALIAS)
		rec->set.flags |= R53_ALIAS;
	if (rec->flags & (R53_LR_SETID | R53_LR_ROUTING | R53_LR_TRAFFIC))
		rec->set.flags |= R53_SETID;
	rec->set.ttl = rec->has_ttl ? rec->ttl : 0;
	rec->set.nvalues = rec->n_values;
	rec->set.values = rec->values;
	return 0;
}

/*
 * Move to the next `elem` child of the current element, skipping any
 * other: 1, 0 after the last child, or a negative error.
 */
static int
next_item(struct xml_rd *x, const char *elem)
{
	int rc;

	while ((rc = child(x)) > 0) {
		if (xml_is(x, elem))
			return 1;
		if ((rc = xml_skip(x)) < 0)
			return rc;
	}
	return rc;
}

enum { P_TRUNC = 1, P_NAME = 2, P_TYPE = 4, P_ID = 8, P_MAX = 16 };

static int
list(struct xml_rd *x, const char *xml, size_t len, struct r53_lrec *rec,
    r53_lrec_fn fn, void *ctx, struct r53_list_page *page)
{
	unsigned seen = 0;
	int rc;

	memset(page, 0, sizeof *page);
	if ((rc = root(x, xml, len)) < 0)
		return rc;
	if (!xml_is(x, "ListResourceRecordSetsResponse"))
		return R53_E_ROOT;
	while ((rc = child(x)) > 0) {
		if (xml_is(x, "ResourceRecordSets")) {
			while ((rc = next_item(x, "ResourceRecordSet")) > 0) {
				if ((rc = rrset(x, rec)) < 0)
					return rc;
				page->n_records++;
				if (fn != NULL && (rc = fn(ctx, rec)) < 0)
					return rc;
			}
		} else if (xml_is(x, "IsTruncated")) {
			if ((rc = once(&seen, P_TRUNC)) >= 0)
				rc = leaf_bool(x, &page->truncated);
		} else if (xml_is(x, "NextRecordName")) {
			if ((rc = once(&seen, P_NAME)) >= 0)
				rc = leaf(x, page->next_name,
				    sizeof page->next_name);
		} else if (xml_is(x, "NextRecordType")) {
			if ((rc = once(&seen, P_TYPE)) >= 0)
				rc = leaf(x, page->next_type,
				    sizeof page->next_type);
		} else if (xml_is(x, "NextRecordIdentifier")) {
			if ((rc = once(&seen, P_ID)) >= 0)
				rc = leaf(x, page->next_id, sizeof page->next_id);
		} else if (xml_is(x, "MaxItems")) {
			if ((rc = once(&seen, P_MAX)) >= 0)
				rc = leaf_u32(x, &page->max_items);
		} else
			rc = xml_skip(x);
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (!(seen & P_TRUNC))
		return R53_E_MISSING;
	if (page->truncated && (page->next_name[0] == '\0' ||
	    page->next_type[0] == '\0'))
		return R53_E_MISSING;
	return end(x);
}

int
r53_parse_list(const char *xml, size_t len, struct r53_lrec *rec,
    r53_lrec_fn fn, void *ctx, struct r53_list_page *page, size_t *err_off)
{
	struct xml_rd x;

	return finish(&x, list(&x, xml, len, rec, fn, ctx, page), err_off);
}

/* ---- hosted zones ---------------------------------------------------------------- */

static int
zone_config(struct xml_rd *x, struct r53_zone *z)
{
	int rc;

	while ((rc = child(x)) > 0) {
		if (xml_is(x, "PrivateZone"))
			rc = leaf_bool(x, &z->private_zone);
		else
			rc = xml_skip(x);
		if (rc < 0)
			return rc;
	}
	return rc;
}

static int
hosted_zone(struct xml_rd *x, struct r53_zone *z)
{
	unsigned seen = 0;
	int rc;

	memset(z, 0, sizeof *z);
	while ((rc = child(x)) > 0) {
		if (xml_is(x, "Id")) {
			if ((rc = once(&seen, 1)) >= 0)
				rc = leaf_id(x, z->id, sizeof z->id);
		} else if (xml_is(x, "Name")) {
			if ((rc = once(&seen, 2)) >= 0)
				rc = leaf(x, z->name, sizeof z->name);
		} else if (xml_is(x, "ResourceRecordSetCount")) {
			if ((rc = once(&seen, 4)) >= 0)
				rc = leaf_num(x, UINT64_MAX, &z->rrset_count);
			z->has_count = 1;
		} else if (xml_is(x, "Config")) {
			if ((rc = once(&seen, 8)) >= 0)
				rc = zone_config(x, z);
		} else
			rc = xml_skip(x);
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	return (seen & 3) == 3 && z->name[0] != '\0' ? 0 : R53_E_MISSING;
}

static int
hosted_zone_cb(struct xml_rd *x, void *z)
{
	return hosted_zone(x, z);
}

static int
zone(struct xml_rd *x, const char *xml, size_t len, struct r53_zone *z)
{
	memset(z, 0, sizeof *z);
	return single(x, xml, len, "GetHostedZoneResponse", NULL, "HostedZone",
	    hosted_zone_cb, z);
}

int
r53_parse_zone(const char *xml, size_t len, struct r53_zone *z,
    size_t *err_off)
{
	struct xml_rd x;

	return finish(&x, zone(&x, xml, len, z), err_off);
}

static int
zones(struct xml_rd *x, const char *xml, size_t len, r53_zone_fn fn,
    void *ctx, struct r53_zones_page *page)
{
	struct r53_zone z;
	unsigned seen = 0;
	int rc;

	memset(page, 0, sizeof *page);
	if ((rc = root(x, xml, len)) < 0)
		return rc;
	if (!xml_is(x, "ListHostedZonesByNameResponse"))
		return R53_E_ROOT;
	while ((rc = child(x)) > 0) {
		if (xml_is(x, "HostedZones")) {
			while ((rc = next_item(x, "HostedZone")) > 0) {
				if ((rc = hosted_zone(x, &z)) < 0)
					return rc;
				page->n_zones++;
				if (fn != NULL && (rc = fn(ctx, &z)) < 0)
					return rc;
			}
		} else if (xml_is(x, "IsTruncated")) {
			if ((rc = once(&seen, P_TRUNC)) >= 0)
				rc = leaf_bool(x, &page->truncated);
		} else if (xml_is(x, "NextDNSName")) {
			if ((rc = once(&seen, P_NAME)) >= 0)
				rc = leaf(x, page->next_name,
				    sizeof page->next_name);
		} else if (xml_is(x, "NextHostedZoneId")) {
			if ((rc = once(&seen, P_ID)) >= 0)
				rc = leaf_id(x, page->next_id,
				    sizeof page->next_id);
		} else if (xml_is(x, "MaxItems")) {
			if ((rc = once(&seen, P_MAX)) >= 0)
				rc = leaf_u32(x, &page->max_items);
		} else
			rc = xml_skip(x);
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (page->truncated && page->next_name[0] == '\0')
		return R53_E_MISSING;
	return end(x);
}

int
r53_parse_zones_by_name(const char *xml, size_t len, r53_zone_fn fn,
    void *ctx, struct r53_zones_page *page, size_t *err_off)
{
	struct xml_rd x;

	return finish(&x, zones(&x, xml, len, fn, ctx, page), err_off);
}

/* ---- errors ------------------------------------------------------------------------ */

/* Cut s (n bytes) back to a whole UTF-8 sequence. */
static size_t
utf8_trim(const char *s, size_t n)
{
	size_t k = n, need;
	unsigned char c;

	while (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80 && n - k < 3)
		k--;
	if (k == 0)
		return 0;
	c = (unsigned char)s[k - 1];
	if (c < 0x80)
		return n;
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	return n - (k - 1) >= need ? n : k - 1;
}

static int
add_message(struct xml_rd *x, struct r53_error *e, size_t *used)
{
	size_t room = sizeof e->messages - *used;
	char dummy[1];
	char *p = e->messages + *used;
	long n;

	if (room < 2) {
		n = xml_leaf(x, dummy, sizeof dummy);
		if (n < 0)
			return (int)n;
		e->n_lost++;
		return 0;
	}
	n = xml_leaf(x, p, room);
	if (n < 0)
		return (int)n;
	if ((size_t)n >= room) {
		n = (long)utf8_trim(p, room - 1);
		p[n] = '\0';
		e->cut = 1;
	}
	*used += (size_t)n + 1;
	e->n_messages++;
	return 0;
}

/* Text cut to fit: for codes, types and request IDs. */
static int
leaf_cut(struct xml_rd *x, char *buf, size_t cap)
{
	long n = xml_leaf(x, buf, cap);

	return n < 0 ? (int)n : 0;
}

/* The children of an <Error> element, or of an error root. */
static int
error_fields(struct xml_rd *x, struct r53_error *e, size_t *used,
    int *have_code)
{
	int rc;

	while ((rc = child(x)) > 0) {
		if (xml_is(x, "Code") && !*have_code) {
			rc = leaf_cut(x, e->code, sizeof e->code);
			*have_code = 1;
		} else if (xml_is(x, "Type") && e->type[0] == '\0')
			rc = leaf_cut(x, e->type, sizeof e->type);
		else if (xml_is(x, "Message"))
			rc = add_message(x, e, used);
		else if (xml_is(x, "Messages") || xml_is(x, "Errors") ||
		    xml_is(x, "Error"))
			rc = error_fields(x, e, used, have_code);
		else if ((xml_is(x, "RequestId") || xml_is(x, "RequestID")) &&
		    e->request_id[0] == '\0')
			rc = leaf_cut(x, e->request_id, sizeof e->request_id);
		else
			rc = xml_skip(x);
		if (rc < 0)
			return rc;
	}
	return rc;
}

static int
error_doc(struct xml_rd *x, const char *xml, size_t len, struct r53_error *e)
{
	size_t used = 0;
	int rc, have_code = 0;

	memset(e, 0, sizeof *e);
	if ((rc = root(x, xml, len)) < 0)
		return rc;
	if (!xml_is(x, "ErrorResponse") && !xml_is(x, "Error")) {
		/* An answer, not an error. */
		if (x->local_len >= 8 && memcmp(x->local + x->local_len - 8,
		    "Response", 8) == 0)
			return R53_E_ROOT;
		/* InvalidChangeBatch, InvalidSignatureException, ... */
		if (x->local_len >= sizeof e->code)
			return R53_E_LONG;
		memcpy(e->code, x->local, x->local_len);
		e->code[x->local_len] = '\0';
	}
	if ((rc = error_fields(x, e, &used, &have_code)) < 0)
		return rc;
	if ((rc = end(x)) < 0)
		return rc;
	return e->code[0] != '\0' ? 0 : R53_E_MISSING;
}

int
r53_parse_error(const char *xml, size_t len, struct r53_error *e,
    size_t *err_off)
{
	struct xml_rd x;

	return finish(&x, error_doc(&x, xml, len, e), err_off);
}

const char *
r53_error_message(const struct r53_error *e, unsigned i)
{
	const char *p = e->messages;

	if (i >= e->n_messages)
		return NULL;
	while (i-- > 0)
		p += strlen(p) + 1;
	return p;
}

/* ---- classification ---------------------------------------------------------------- */

static const char *const retry_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException",
	"RequestThrottled", "RequestThrottledException",
	"TooManyRequestsException", "RequestLimitExceeded", "SlowDown",
	"PriorRequestNotComplete", "RequestTimeout", "RequestTimeoutException",
	"ServiceUnavailable", "ServiceUnavailableException", "InternalFailure",
	"InternalError", NULL
};

static const char *const clock_codes[] = {
	"RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", NULL
};

static const char *const signature_codes[] = {
	"InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure",
	NULL
};

static const char *const refresh_codes[] = {
	"ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired",
	"InvalidClientTokenId", "UnrecognizedClientException", NULL
};

static const char *const reconcile_codes[] = {
	"InvalidChangeBatch", "InvalidInput", NULL
};

static int
in(const char *code, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(code, *list) == 0)
			return 1;
	}
	return 0;
}

enum r53_class
r53_error_class(int http_status, const char *code, const char *message)
{
	const char *hash;

	if (http_status >= 200 && http_status <= 299)
		return R53_C_OK;
	if (http_status == 429 || (http_status >= 500 && http_status <= 599))
		return R53_C_RETRY;
	if (code == NULL)
		code = "";
	if (message == NULL)
		message = "";
	/* "com.amazon.coral.service#ExpiredTokenException" */
	if ((hash = strrchr(code, '#')) != NULL)
		code = hash + 1;
	if (in(code, retry_codes))
		return R53_C_RETRY;
	if (in(code, clock_codes))
		return R53_C_CLOCK;
	if (in(code, signature_codes) &&
	    (strstr(message, "Signature expired") != NULL ||
	    strstr(message, "Signature not yet current") != NULL))
		return R53_C_CLOCK;
	if (in(code, refresh_codes))
		return R53_C_REFRESH;
	if (in(code, reconcile_codes))
		return R53_C_RECONCILE;
	return R53_C_FATAL;
}

const char *
r53_class_name(enum r53_class c)
{
	switch (c) {
	case R53_C_OK: return "ok";
	case R53_C_RETRY: return "retry";
	case R53_C_RECONCILE: return "reconcile";
	case R53_C_REFRESH: return "refresh-credentials";
	case R53_C_CLOCK: return "clock-skew";
	case R53_C_FATAL: return "fatal";
	}
	return "unknown";
}
