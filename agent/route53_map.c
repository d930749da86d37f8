/*
 * route53_map.c — zone RRsets as Route53 ResourceRecordSets; diffs.
 * The rules are in route53_map.h.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/route53_map.h"
#include "net/name.h"
#include "net/rdata.h"
#include "net/rrtype.h"
#include "net/svcb.h"
#include "net/wire.h"

/* ---- types -------------------------------------------------------------- */

int
r53_type_supported(uint16_t type)
{
	switch (type) {
	case DNS_T_A: case DNS_T_AAAA: case DNS_T_CAA: case DNS_T_CNAME:
	case DNS_T_DS: case DNS_T_HTTPS: case DNS_T_MX: case DNS_T_NAPTR:
	case DNS_T_NS: case DNS_T_PTR: case DNS_T_SOA: case DNS_T_SPF:
	case DNS_T_SRV: case DNS_T_SSHFP: case DNS_T_SVCB: case DNS_T_TLSA:
	case DNS_T_TXT:
		return 1;
	default:
		return 0;
	}
}

/* ---- names -------------------------------------------------------------- */

static void
put_octal(struct dns_tb *t, uint8_t c)
{
	dns_tb_putc(t, '\\');
	dns_tb_putc(t, (char)('0' + (c >> 6)));
	dns_tb_putc(t, (char)('0' + (c >> 3 & 7)));
	dns_tb_putc(t, (char)('0' + (c & 7)));
}

void
r53_name_put(struct dns_tb *t, const uint8_t *name)
{
	size_t i = 0, j, end;

	if (name[0] == 0) {
		dns_tb_putc(t, '.');
		return;
	}
	while (name[i] != 0) {
		end = i + 1 + name[i];
		if (i == 0 && name[0] == 1 && name[1] == '*')
			dns_tb_putc(t, '*');
		else
			for (j = i + 1; j < end; j++) {
				uint8_t c = name[j];

				if (c >= 'A' && c <= 'Z')
					c = (uint8_t)(c + ('a' - 'A'));
				if ((c >= 'a' && c <= 'z') ||
				    (c >= '0' && c <= '9') || c == '-' ||
				    c == '_')
					dns_tb_putc(t, (char)c);
				else
					put_octal(t, c);
			}
		dns_tb_putc(t, '.');
		i = end;
	}
}

size_t
r53_name_to_text(const uint8_t *name, char *buf, size_t cap)
{
	struct dns_tb t;

	dns_tb_init(&t, buf, cap);
	r53_name_put(&t, name);
	return dns_tb_end(&t);
}

/* An octal escape's three digits at s[0..3), or -1. */
static int
octal3(const char *s)
{
	int i, v = 0;

	for (i = 0; i < 3; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -1;
		v = v * 8 + (s[i] - '0');
	}
	return v <= 255 ? v : -1;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
r53_name_from_text(const char *s, size_t n, uint8_t *out)
{
	size_t i, o = 1, lab = 0; /* o: next byte; lab: current length byte */

	if (n == 1 && s[0] == '.') {
		out[0] = 0;
		return 1;
	}
	if (n == 0)
		return DNS_ESYNTAX;
	out[0] = 0;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '.') {
			if (o == lab + 1)
				return DNS_ESYNTAX; /* empty label */
			if (i + 1 == n)
				break;
			lab = o++;
			if (o > DNS_NAME_MAX)
				return DNS_ENAMELEN;
			out[lab] = 0;
			continue;
		}
		if (c == '\\') {
			if (i + 1 >= n)
				return DNS_ESYNTAX;
			if (is_digit(s[i + 1])) {
				if (i + 4 > n || (c = octal3(s + i + 1)) < 0)
					return DNS_ESYNTAX;
				i += 3;
			} else
				c = (unsigned char)s[++i];
		}
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (out[lab] == DNS_LABEL_MAX)
			return DNS_ELABEL;
		if (o + 1 >= DNS_NAME_MAX) /* this byte and the root */
			return DNS_ENAMELEN;
		out[o++] = (uint8_t)c;
		out[lab]++;
	}
	out[o++] = 0;
	return (int)o;
}

int
r53_name_cmp(const char *a, const char *b)
{
	uint8_t wa[DNS_NAME_MAX], wb[DNS_NAME_MAX];
	int ra = r53_name_from_text(a, strlen(a), wa);
	int rb = r53_name_from_text(b, strlen(b), wb);

	if (ra > 0 && rb > 0)
		return dns_name_cmp(wa, wb);
	if (ra > 0)
		return -1;
	if (rb > 0)
		return 1;
	return strcmp(a, b);
}

/* ---- values ------------------------------------------------------------- */

/* A character-string in double quotes: \" \\ and \ooo for 0-31, 127-255. */
static void
put_str(struct dns_tb *t, const uint8_t *p, size_t n)
{
	size_t i;

	dns_tb_putc(t, '"');
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c < 0x20 || c >= 0x7f)
			put_octal(t, c);
		else if (c == '"' || c == '\\') {
			dns_tb_putc(t, '\\');
			dns_tb_putc(t, (char)c);
		} else
			dns_tb_putc(t, (char)c);
	}
	dns_tb_putc(t, '"');
}

/*
 * Turn the codec's decimal \DDD escapes in t's text from start on into
 * octal \ooo (the same length); "\X" pairs are skipped whole.  Only text
 * that fit in the buffer is converted (a truncated result is redone by
 * the caller with a bigger one anyway).
 */
static void
dec_to_octal(struct dns_tb *t, size_t start)
{
	size_t end = t->n < t->cap ? t->n : (t->cap > 0 ? t->cap - 1 : 0);
	size_t i;

	for (i = start; i < end; i++) {
		char *p = t->buf + i;
		unsigned v;

		if (p[0] != '\\' || i + 1 >= end)
			continue;
		if (i + 3 < end && is_digit(p[1]) && is_digit(p[2]) &&
		    is_digit(p[3])) {
			v = (unsigned)(p[1] - '0') * 100 +
			    (unsigned)(p[2] - '0') * 10 +
			    (unsigned)(p[3] - '0');
			p[1] = (char)('0' + (v >> 6 & 7));
			p[2] = (char)('0' + (v >> 3 & 7));
			p[3] = (char)('0' + (v & 7));
			i += 3;
		} else
			i++;
	}
}

int
r53_value_put(struct dns_tb *t, uint16_t type, const uint8_t *rd,
    size_t len)
{
	const struct dns_rdesc *d = dns_rdesc(type);
	size_t off = 0, k, n, start;
	const uint8_t *p;

	if (!r53_type_supported(type) || d == NULL)
		return DNS_ENOTYPE;
	for (k = 0; d->f[k] != DNS_RF_END; k++) {
		/* SvcParams print their own leading spaces. */
		if (k > 0 && d->f[k] != DNS_RF_SVCP)
			dns_tb_putc(t, ' ');
		p = rd + off;
		switch (d->f[k]) {
		case DNS_RF_U8:
			dns_tb_uint(t, p[0]);
			off += 1;
			break;
		case DNS_RF_U16:
			dns_tb_uint(t, dns_get16(p));
			off += 2;
			break;
		case DNS_RF_U32:
			dns_tb_uint(t, dns_get32(p));
			off += 4;
			break;
		case DNS_RF_A:
			dns_tb_ipv4(t, p);
			off += 4;
			break;
		case DNS_RF_AAAA:
			dns_tb_ipv6(t, p);
			off += 16;
			break;
		case DNS_RF_NAME_C: case DNS_RF_NAME_D: case DNS_RF_NAME:
			r53_name_put(t, p);
			off += dns_name_len(p);
			break;
		case DNS_RF_STR:
			put_str(t, p + 1, p[0]);
			off += 1 + (size_t)p[0];
			break;
		case DNS_RF_STRS:
			for (n = 0; off + n < len; n += 1 + (size_t)p[n]) {
				if (n > 0)
					dns_tb_putc(t, ' ');
				put_str(t, p + n + 1, p[n]);
			}
			off += n;
			break;
		case DNS_RF_TAG: /* 1..255 alphanumerics (checked) */
			dns_tb_putn(t, (const char *)p + 1, p[0]);
			off += 1 + (size_t)p[0];
			break;
		case DNS_RF_REST:
			put_str(t, p, len - off);
			off = len;
			break;
		case DNS_RF_SVCP:
			start = t->n;
			dns_svcb_to_text(t, p, len - off);
			dec_to_octal(t, start);
			off = len;
			break;
		case DNS_RF_HEX: case DNS_RF_HEX1:
			dns_tb_hex(t, p, len - off);
			off = len;
			break;
		default: /* no type Route53 takes has other fields */
			return DNS_ENOTYPE;
		}
	}
	return 0;
}

/*
 * Route53 text to the codec's: every \ooo becomes the same byte's decimal
 * \DDD (the same length), "\X" pairs are copied.  out has n + 1 bytes.
 */
static int
octal_to_dec(const char *s, size_t n, char *out)
{
	size_t i;
	int v;

	for (i = 0; i < n; i++) {
		out[i] = s[i];
		if (s[i] != '\\' || i + 1 >= n)
			continue;
		if (is_digit(s[i + 1])) {
			if (i + 4 > n || (v = octal3(s + i + 1)) < 0)
				return DNS_ESYNTAX;
			out[i + 1] = (char)('0' + v / 100);
			out[i + 2] = (char)('0' + v / 10 % 10);
			out[i + 3] = (char)('0' + v % 10);
			i += 3;
		} else {
			out[i + 1] = s[i + 1];
			i++;
		}
	}
	out[n] = '\0';
	return 0;
}

/* r53_value_norm with the caller's scratch: tmp of n + 1, rd of 65535. */
static int
value_norm(struct dns_tb *t, uint16_t type, const char *v, size_t n,
    char *tmp, uint8_t *rd)
{
	struct dns_tok k;
	int rc;

	if (!r53_type_supported(type))
		return DNS_ENOTYPE;
	if ((rc = octal_to_dec(v, n, tmp)) != 0)
		return rc;
	k.s = tmp;
	k.n = n;
	k.off = 0;
	rc = dns_rdata_from_text(&k, type, NULL, rd, DNS_RDATA_MAX);
	if (rc < 0)
		return rc;
	return r53_value_put(t, type, rd, (size_t)rc);
}

int
r53_value_norm(struct dns_tb *t, uint16_t type, const char *v, size_t n)
{
	char *tmp = malloc(n + 1);
	uint8_t *rd = malloc(DNS_RDATA_MAX);
	int rc = R53_ENOMEM;

	if (tmp != NULL && rd != NULL)
		rc = value_norm(t, type, v, n, tmp, rd);
	free(tmp);
	free(rd);
	return rc;
}

/* ---- the change list and its memory ------------------------------------- */

struct r53_chunk {
	struct r53_chunk *next;
	size_t used, cap;
};
#define CHUNK_BYTES 65536

static void *
arena(struct r53_changes *c, size_t n)
{
	struct r53_chunk *k = c->mem;

	n = (n + 7) & ~(size_t)7;
	if (k == NULL || k->cap - k->used < n) {
		size_t cap = n > CHUNK_BYTES / 4 ? n : CHUNK_BYTES;

		k = malloc(sizeof *k + cap);
		if (k == NULL) {
			c->err = R53_ENOMEM;
			return NULL;
		}
		k->used = 0;
		k->cap = cap;
		if (cap == n && c->mem != NULL) {
			/* A big one-off: keep filling the current chunk. */
			k->next = c->mem->next;
			c->mem->next = k;
		} else {
			k->next = c->mem;
			c->mem = k;
		}
	}
	k->used += n;
	return (char *)(k + 1) + k->used - n;
}

static char *
arena_str(struct r53_changes *c, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = arena(c, n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

void
r53_changes_init(struct r53_changes *c)
{
	memset(c, 0, sizeof *c);
}

void
r53_changes_free(struct r53_changes *c)
{
	struct r53_chunk *k, *next;

	for (k = c->mem; k != NULL; k = next) {
		next = k->next;
		free(k);
	}
	free(c->v);
	free(c->st.skip);
	memset(c, 0, sizeof *c);
}

const char *
r53_action_name(enum r53_action a)
{
	return a == R53_DELETE ? "DELETE" : a == R53_UPSERT ? "UPSERT" :
	    "CREATE";
}

void
r53_map_opts_default(struct r53_map_opts *o)
{
	memset(o, 0, sizeof *o);
	o->soa = R53_SOA_SERIAL;
	o->create_new = 1;
}

static uint32_t
clamp_ttl(uint32_t ttl)
{
	return ttl > R53_TTL_MAX ? R53_TTL_MAX : ttl;
}

/* A new change with its name and owner set; values left to the caller. */
static struct r53_change *
new_change(struct r53_changes *c, enum r53_action a, const uint8_t *owner,
    const char *name_text, uint16_t type, uint32_t ttl)
{
	char name[R53_NAME_TEXT_MAX];
	struct r53_change *ch;
	size_t olen = dns_name_len(owner);
	uint8_t *w;

	if (c->err)
		return NULL;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct r53_change *v = realloc(c->v, cap * sizeof *v);

		if (v == NULL) {
			c->err = R53_ENOMEM;
			return NULL;
		}
		c->v = v;
		c->cap = cap;
	}
	if (name_text == NULL) {
		r53_name_to_text(owner, name, sizeof name);
		name_text = name;
	}
	ch = &c->v[c->n];
	memset(ch, 0, sizeof *ch);
	ch->action = a;
	ch->set.type = type;
	ch->set.ttl = ttl;
	if ((ch->set.name = arena_str(c, name_text)) == NULL ||
	    (w = arena(c, olen)) == NULL)
		return NULL;
	memcpy(w, owner, olen);
	dns_name_lower(w);
	ch->owner = w;
	c->n++;
	return ch;
}

/* Count n RRs of one RRset of a type Route53 does not take. */
static void
skip_count(struct r53_changes *c, uint16_t type, size_t rrs)
{
	struct r53_stats *st = &c->st;
	size_t i;

	for (i = 0; i < st->nskip && st->skip[i].type < type; i++)
		;
	if (i == st->nskip || st->skip[i].type != type) {
		if (st->nskip == c->skip_cap) {
			size_t cap = c->skip_cap ? 2 * c->skip_cap : 8;
			struct r53_skip *v = realloc(st->skip, cap * sizeof *v);

			if (v == NULL) {
				c->err = R53_ENOMEM;
				return;
			}
			st->skip = v;
			c->skip_cap = cap;
		}
		memmove(st->skip + i + 1, st->skip + i,
		    (st->nskip - i) * sizeof *st->skip);
		st->nskip++;
		st->skip[i].type = type;
		st->skip[i].rrsets = 0;
		st->skip[i].rrs = 0;
	}
	st->skip[i].rrsets++;
	st->skip[i].rrs += rrs;
}

/* Text of one value into the list's memory (measured, then written). */
static char *
arena_value(struct r53_changes *c, uint16_t type, const uint8_t *rd,
    size_t len)
{
	struct dns_tb t;
	char *p;

	dns_tb_init(&t, NULL, 0);
	r53_value_put(&t, type, rd, len);
	if ((p = arena(c, t.n + 1)) == NULL)
		return NULL;
	dns_tb_init(&t, p, t.n + 1);
	r53_value_put(&t, type, rd, len);
	dns_tb_end(&t);
	return p;
}

/* Set ch's values to those of the zone RRset s. */
static int
values_from_zone(struct r53_changes *c, struct r53_change *ch,
    const struct zone_rrset *s)
{
	struct zone_rdata_it it;
	const uint8_t *rd;
	const char **v;
	uint16_t len;
	size_t i = 0;

	if ((v = arena(c, s->count * sizeof *v)) == NULL)
		return c->err;
	zone_rdata_begin(&it, s);
	while (zone_rdata_next(&it, &rd, &len) && i < s->count)
		if ((v[i++] = arena_value(c, s->type, rd, len)) == NULL)
			return c->err;
	ch->set.values = v;
	ch->set.nvalues = i;
	return 0;
}

/* Set ch's values to copies of strings vals[0..n). */
static int
values_copy(struct r53_changes *c, struct r53_change *ch,
    const char *const *vals, size_t n)
{
	const char **v;
	size_t i;

	if ((v = arena(c, (n ? n : 1) * sizeof *v)) == NULL)
		return c->err;
	for (i = 0; i < n; i++)
		if ((v[i] = arena_str(c, vals[i])) == NULL)
			return c->err;
	ch->set.values = v;
	ch->set.nvalues = n;
	return 0;
}

/* ---- groups ------------------------------------------------------------- */

/* Order inside a group: DELETEs by type descending, then the rest ascending. */
static int
group_before(const struct r53_change *a, const struct r53_change *b)
{
	int da = a->action == R53_DELETE, db = b->action == R53_DELETE;

	if (da != db)
		return da;
	return da ? a->set.type > b->set.type : a->set.type < b->set.type;
}

/* Changes [start, c->n) are one name's: make them a group if they must be. */
static void
group_run(struct r53_changes *c, size_t start)
{
	int cname = 0, ns = 0, ds = 0;
	size_t i, j;

	if (c->err || c->n - start < 2)
		return;
	for (i = start; i < c->n; i++) {
		cname |= c->v[i].set.type == DNS_T_CNAME;
		ns |= c->v[i].set.type == DNS_T_NS;
		ds |= c->v[i].set.type == DNS_T_DS;
	}
	if (!cname && !(ns && ds))
		return;
	c->ngroups++;
	for (i = start; i < c->n; i++)
		c->v[i].group = c->ngroups;
	/* Insertion sort: a name has few types. */
	for (i = start + 1; i < c->n; i++) {
		struct r53_change x = c->v[i];

		for (j = i; j > start && group_before(&x, &c->v[j - 1]); j--)
			c->v[j] = c->v[j - 1];
		c->v[j] = x;
	}
}

/* ---- the apex SOA ------------------------------------------------------- */

static int
blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/*
 * Split Route53's SOA value "mname rname serial refresh retry expire
 * minimum" into its seven fields (the last five numbers).  0, or -1.
 */
static int
soa_split(const char *r53, const char *tok[7], size_t len[7])
{
	const char *p = r53;
	uint32_t v;
	size_t k;

	for (k = 0; k < 7; k++) {
		while (blank(*p))
			p++;
		if (*p == '\0')
			return -1;
		tok[k] = p;
		while (*p != '\0' && !blank(*p))
			p++;
		len[k] = (size_t)(p - tok[k]);
		if (k >= 2 &&
		    dns_parse_u32(tok[k], len[k], 0xffffffffu, &v) != 0)
			return -1;
	}
	while (blank(*p))
		p++;
	return *p == '\0' ? 0 : -1;
}

int
r53_soa_serial(const struct r53_rrset *s, uint32_t *serial)
{
	const char *tok[7];
	size_t len[7];

	if (s->type != DNS_T_SOA || s->nvalues != 1 ||
	    soa_split(s->values[0], tok, len) != 0)
		return -1;
	return dns_parse_u32(tok[2], len[2], 0xffffffffu, serial) == 0 ? 0 :
	    -1;
}

/*
 * The SOA value to send: Route53's value r53 with the serial replaced by
 * the primary's (its SOA RDATA rd), and with R53_SOA_PRIMARY the timers
 * too.  Returns the length written to out[cap], or -1 when Route53's
 * value is not "mname rname serial refresh retry expire minimum" with
 * five numbers (or too long).
 */
static int
soa_value(const char *r53, const uint8_t *rd, enum r53_soa_mode mode,
    char *out, size_t cap)
{
	const char *tok[7];
	size_t len[7], i, k, off;
	struct dns_tb t;

	if (soa_split(r53, tok, len) != 0)
		return -1;
	off = dns_name_len(rd);
	off += dns_name_len(rd + off);
	dns_tb_init(&t, out, cap);
	for (k = 0; k < 7; k++) {
		if (k > 0)
			dns_tb_putc(&t, ' ');
		if (k == 2 || (k > 2 && mode == R53_SOA_PRIMARY))
			dns_tb_uint(&t, dns_get32(rd + off + 4 * (k - 2)));
		else
			dns_tb_putn(&t, tok[k], len[k]);
	}
	i = dns_tb_end(&t);
	return i < cap ? (int)i : -1;
}

/*
 * The SOA change, if any: zone SOA s (its RDATA, TTL), Route53's SOA r
 * (NULL: unknown).
 */
static int
soa_change(struct r53_changes *c, const uint8_t *apex,
    const struct zone_rrset *s, const struct r53_rrset *r,
    enum r53_soa_mode mode)
{
	char val[2 * R53_NAME_TEXT_MAX + 64];
	const char *vp = val;
	struct zone_rdata_it it;
	struct r53_change *ch;
	const uint8_t *rd;
	uint16_t len;
	uint32_t ttl;

	if (mode == R53_SOA_OFF)
		return 0;
	zone_rdata_begin(&it, s);
	if (!zone_rdata_next(&it, &rd, &len))
		return 0;
	if (r == NULL || r->nvalues < 1 ||
	    (r->flags & (R53_ALIAS | R53_SETID)) ||
	    soa_value(r->values[0], rd, mode, val, sizeof val) < 0) {
		c->st.soa_unknown = 1;
		return 0;
	}
	ttl = mode == R53_SOA_PRIMARY ? clamp_ttl(s->ttl) : r->ttl;
	if (r->nvalues == 1 && strcmp(r->values[0], val) == 0 &&
	    r->ttl == ttl) {
		c->st.unchanged++;
		return 0;
	}
	ch = new_change(c, R53_UPSERT, apex, NULL, DNS_T_SOA, ttl);
	if (ch == NULL)
		return c->err;
	ch->flags |= R53_CH_LAST;
	return values_copy(c, ch, &vp, 1);
}

/* ---- protected sets ----------------------------------------------------- */

static int
gkey_cmp(const void *a, const void *b)
{
	const struct r53_gkey *x = a, *y = b;
	int c = dns_name_cmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->type < y->type ? -1 : x->type > y->type;
}

/* Bytes of the wire names of r53[0..n) (only the flagged ones if asked). */
static size_t
names_size(const struct r53_rrset *r53, size_t n, int flagged_only)
{
	uint8_t w[DNS_NAME_MAX];
	size_t i, total = 0;
	int len;

	for (i = 0; i < n; i++) {
		if (flagged_only && !(r53[i].flags & (R53_ALIAS | R53_SETID)))
			continue;
		len = r53_name_from_text(r53[i].name, strlen(r53[i].name), w);
		if (len > 0)
			total += (size_t)len;
	}
	return total;
}

int
r53_guard_init(struct r53_guard *g, const struct r53_rrset *r53, size_t n)
{
	uint8_t w[DNS_NAME_MAX];
	size_t i, nf = 0, nl = 0;
	int len;

	memset(g, 0, sizeof *g);
	for (i = 0; i < n; i++)
		nf += (r53[i].flags & (R53_ALIAS | R53_SETID)) != 0;
	g->k = malloc((nf ? nf : 1) * sizeof *g->k);
	g->names = malloc(nf ? names_size(r53, n, 1) + 1 : 1);
	if (g->k == NULL || g->names == NULL)
		return R53_ENOMEM;
	for (i = 0; i < n; i++) {
		if (!(r53[i].flags & (R53_ALIAS | R53_SETID)))
			continue;
		len = r53_name_from_text(r53[i].name, strlen(r53[i].name), w);
		if (len < 0)
			continue;
		memcpy(g->names + nl, w, (size_t)len);
		g->k[g->n].name = g->names + nl;
		g->k[g->n].type = r53[i].type;
		g->n++;
		nl += (size_t)len;
	}
	qsort(g->k, g->n, sizeof *g->k, gkey_cmp);
	return 0;
}

void
r53_guard_free(struct r53_guard *g)
{
	free(g->k);
	free(g->names);
	memset(g, 0, sizeof *g);
}

int
r53_guard_blocks(const struct r53_guard *g, const uint8_t *owner,
    uint16_t type)
{
	size_t lo = 0, hi = g != NULL ? g->n : 0;

	while (lo < hi) { /* first key whose name is >= owner */
		size_t mid = lo + (hi - lo) / 2;

		if (dns_name_cmp(g->k[mid].name, owner) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; g != NULL && lo < g->n && dns_name_eq(g->k[lo].name, owner);
	    lo++)
		if (g->k[lo].type == type || g->k[lo].type == DNS_T_CNAME ||
		    type == DNS_T_CNAME)
			return 1;
	return 0;
}

/* ---- incremental -------------------------------------------------------- */

int
r53_changes_add(struct r53_changes *out, const uint8_t *apex,
    const struct zone_change *c, const struct r53_rrset *r53_soa,
    const struct r53_map_opts *o)
{
	struct r53_map_opts def;
	const struct zone_rrset *s;
	struct r53_change *ch;
	enum r53_action a;
	int at_apex;

	if (out->err)
		return out->err;
	if (o == NULL) {
		r53_map_opts_default(&def);
		o = &def;
	}
	if (out->n > out->run &&
	    !dns_name_eq(out->v[out->run].owner, c->owner)) {
		group_run(out, out->run);
		out->run = out->n;
	}
	if (c->has_new)
		out->st.rrsets++;
	if (!r53_type_supported(c->type)) {
		if (c->has_new)
			skip_count(out, c->type, c->new.count);
		return out->err;
	}
	at_apex = dns_name_eq(c->owner, apex);
	if (at_apex && c->type == DNS_T_NS && !o->apex_ns)
		return 0;
	if (at_apex && c->type == DNS_T_SOA)
		return c->has_new ?
		    soa_change(out, apex, &c->new, r53_soa, o->soa) : 0;
	if (r53_guard_blocks(o->guard, c->owner, c->type)) {
		if (c->has_new)
			out->st.protected_sets++;
		return 0;
	}
	if (c->has_new) {
		s = &c->new;
		a = c->has_old || !o->create_new ? R53_UPSERT : R53_CREATE;
	} else if (c->has_old) {
		s = &c->old;
		a = R53_DELETE;
	} else
		return 0;
	if (a == R53_DELETE && at_apex && c->type == DNS_T_NS)
		return 0; /* Route53 cannot delete its apex NS */
	ch = new_change(out, a, c->owner, NULL, c->type, clamp_ttl(s->ttl));
	if (ch == NULL)
		return out->err;
	return values_from_zone(out, ch, s);
}

int
r53_changes_end(struct r53_changes *out)
{
	group_run(out, out->run);
	out->run = out->n;
	return out->err;
}

struct incr {
	struct r53_changes *out;
	const uint8_t *apex;
	const struct r53_rrset *soa;
	const struct r53_map_opts *o;
};

static int
incr_fn(void *ctx, const struct zone_change *c)
{
	struct incr *x = ctx;

	return r53_changes_add(x->out, x->apex, c, x->soa, x->o);
}

int
r53_diff_zones(const struct zone *old, const struct zone *new,
    const struct r53_rrset *r53_soa, const struct r53_map_opts *o,
    struct r53_changes *out)
{
	struct incr x;
	int rc;

	x.out = out;
	x.apex = zone_apex(new);
	x.soa = r53_soa;
	x.o = o;
	out->st.ttl_conflicts = zone_ttl_conflicts(new);
	out->run = out->n;
	rc = zone_diff(old, new, incr_fn, &x);
	if (rc != 0)
		return rc;
	return r53_changes_end(out);
}

/* ---- full diff ---------------------------------------------------------- */

/* Strings one after another, with pointers to them for sorting. */
struct strs {
	char *buf;
	size_t len, cap;
	size_t *off;
	const char **v;
	size_t n, ncap;
};

struct full {
	struct r53_changes *out;
	struct r53_map_opts o;
	const struct zone *z;
	const uint8_t *apex;
	const struct r53_rrset *r53;
	uint8_t *rd;       /* DNS_RDATA_MAX bytes: parsing Route53's values */
	char *tmp;         /* octal_to_dec() output */
	size_t tmp_cap;
	struct strs ours, theirs;
	struct r53_guard guard;   /* the listing's protected sets */
};

/* One Route53 set, by name and type, for the merge with the zone. */
struct rkey {
	const uint8_t *name;
	uint16_t type;
	size_t idx;
};

static int
rkey_cmp(const void *a, const void *b)
{
	const struct rkey *x = a, *y = b;
	int c = dns_name_cmp(x->name, y->name);

	if (c != 0)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int
strs_grow(struct strs *s, size_t need)
{
	char *b;

	if (need <= s->cap)
		return 0;
	if (need < 2 * s->cap)
		need = 2 * s->cap;
	if ((b = realloc(s->buf, need)) == NULL)
		return R53_ENOMEM;
	s->buf = b;
	s->cap = need;
	return 0;
}

static int
strs_slot(struct strs *s)
{
	if (s->n == s->ncap) {
		size_t cap = s->ncap ? 2 * s->ncap : 16;
		size_t *off = realloc(s->off, cap * sizeof *off);
		const char **v;

		if (off == NULL)
			return R53_ENOMEM;
		s->off = off;
		if ((v = realloc(s->v, cap * sizeof *v)) == NULL)
			return R53_ENOMEM;
		s->v = v;
		s->ncap = cap;
	}
	return 0;
}

/*
 * Append one value: our text of RDATA rd (r53v NULL), or the
 * normalisation of Route53's r53v.  Returns 0, R53_ENOMEM, or another
 * negative DNS_E* when r53v cannot be read.
 */
static int
strs_add(struct full *f, struct strs *s, uint16_t type, const uint8_t *rd,
    size_t len, const char *r53v)
{
	struct dns_tb t;
	size_t n = r53v ? strlen(r53v) : 0;
	int rc;

	if (strs_slot(s) != 0)
		return R53_ENOMEM;
	if (r53v != NULL && n + 1 > f->tmp_cap) {
		char *p = realloc(f->tmp, n + 1);

		if (p == NULL)
			return R53_ENOMEM;
		f->tmp = p;
		f->tmp_cap = n + 1;
	}
	for (;;) {
		if (strs_grow(s, s->len + 64) != 0)
			return R53_ENOMEM;
		dns_tb_init(&t, s->buf + s->len, s->cap - s->len);
		rc = r53v ? value_norm(&t, type, r53v, n, f->tmp, f->rd) :
		    r53_value_put(&t, type, rd, len);
		if (rc != 0)
			return rc;
		if (t.n < s->cap - s->len) {
			dns_tb_end(&t);
			break;
		}
		if (strs_grow(s, s->len + t.n + 1) != 0)
			return R53_ENOMEM;
	}
	s->off[s->n++] = s->len;
	s->len += t.n + 1;
	return 0;
}

static int
str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Pointers to the strings of s, sorted. */
static void
strs_sort(struct strs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		s->v[i] = s->buf + s->off[i];
	qsort(s->v, s->n, sizeof *s->v, str_ptr_cmp);
}

/*
 * Zone RRset zs against Route53's plain set r (NULL: none): CREATE,
 * UPSERT or nothing.
 */
static int
full_set(struct full *f, const struct zone_rrset *zs, const struct r53_rrset *r)
{
	struct r53_changes *out = f->out;
	struct zone_rdata_it it;
	struct r53_change *ch;
	const uint8_t *rd;
	uint16_t len;
	size_t i;
	int rc, equal;

	if (r != NULL) {
		f->ours.n = f->ours.len = 0;
		f->theirs.n = f->theirs.len = 0;
		zone_rdata_begin(&it, zs);
		while (zone_rdata_next(&it, &rd, &len))
			if ((rc = strs_add(f, &f->ours, zs->type, rd, len,
			    NULL)) != 0)
				return out->err = rc;
		equal = r->ttl == clamp_ttl(zs->ttl) &&
		    r->nvalues == f->ours.n;
		for (i = 0; equal && i < r->nvalues; i++) {
			rc = strs_add(f, &f->theirs, zs->type, NULL, 0,
			    r->values[i]);
			if (rc == R53_ENOMEM)
				return out->err = rc;
			if (rc != 0) {
				out->st.r53_unread++;
				equal = 0;
			}
		}
		if (equal) {
			strs_sort(&f->ours);
			strs_sort(&f->theirs);
			for (i = 0; equal && i < f->ours.n; i++)
				equal = strcmp(f->ours.v[i],
				    f->theirs.v[i]) == 0;
		}
		if (equal) {
			out->st.unchanged++;
			return 0;
		}
	}
	ch = new_change(out, r != NULL || !f->o.create_new ? R53_UPSERT :
	    R53_CREATE, zs->owner, NULL, zs->type, clamp_ttl(zs->ttl));
	if (ch == NULL)
		return out->err;
	return values_from_zone(out, ch, zs);
}

/* Route53's plain set r, absent from the zone: DELETE it exactly. */
static int
full_delete(struct full *f, const struct rkey *k, const struct r53_rrset *r)
{
	struct r53_change *ch;

	ch = new_change(f->out, R53_DELETE, k->name, r->name, r->type, r->ttl);
	if (ch == NULL)
		return f->out->err;
	return values_copy(f->out, ch, r->values, r->nvalues);
}

/*
 * One name: zone RRsets [zi, zend) (possibly none) and Route53 sets
 * keys[ri, rend) (possibly none), both by type.
 */
static int
full_name(struct full *f, size_t zi, size_t zend, const struct rkey *keys,
    size_t ri, size_t rend)
{
	struct r53_changes *out = f->out;
	size_t start = out->n, b2;
	const uint8_t *name;
	struct zone_rrset zs;
	int at_apex, prot, rc = 0;

	if (zi < zend) {
		zone_rrset_get(f->z, zi, &zs);
		name = zs.owner;
	} else
		name = keys[ri].name;
	at_apex = dns_name_eq(name, f->apex);
	while (rc == 0 && (zi < zend || ri < rend)) {
		const struct r53_rrset *plain = NULL;
		int has_z = 0;
		uint16_t type;

		if (zi < zend)
			zone_rrset_get(f->z, zi, &zs);
		if (zi < zend && (ri >= rend || zs.type <= keys[ri].type)) {
			type = zs.type;
			has_z = 1;
			zi++;
		} else
			type = keys[ri].type;
		prot = 0;
		for (b2 = ri; b2 < rend && keys[b2].type == type; b2++) {
			const struct r53_rrset *r = &f->r53[keys[b2].idx];

			if (r->flags & (R53_ALIAS | R53_SETID))
				prot = 1;
			else if (plain == NULL)
				plain = r;
		}
		if (prot)
			plain = NULL;
		if (has_z) {
			out->st.rrsets++;
			if (!r53_type_supported(type))
				skip_count(out, type, zs.count);
			else if (at_apex && type == DNS_T_NS && !f->o.apex_ns)
				;
			else if (at_apex && type == DNS_T_SOA)
				rc = soa_change(out, f->apex, &zs, plain,
				    f->o.soa);
			else if (r53_guard_blocks(&f->guard, zs.owner, type))
				out->st.protected_sets++;
			else
				rc = full_set(f, &zs, plain);
		} else if (plain != NULL && r53_type_supported(type) &&
		    !(at_apex && (type == DNS_T_NS || type == DNS_T_SOA)))
			rc = full_delete(f, &keys[ri], plain);
		ri = b2;
		if (rc == 0)
			rc = out->err;
	}
	group_run(out, start);
	return rc ? rc : out->err;
}

int
r53_diff_full(const struct zone *z, const struct r53_rrset *r53, size_t n,
    const struct r53_map_opts *o, struct r53_changes *out)
{
	struct full f;
	struct rkey *keys = NULL;
	uint8_t *names = NULL, w[DNS_NAME_MAX];
	size_t nk = 0, nl = 0, i, zi = 0, ri = 0, nz = zone_rrset_count(z);
	int rc = 0;

	if (out->err)
		return out->err;
	memset(&f, 0, sizeof f);
	f.out = out;
	if (o != NULL)
		f.o = *o;
	else
		r53_map_opts_default(&f.o);
	f.z = z;
	f.apex = zone_apex(z);
	f.r53 = r53;
	out->st.ttl_conflicts = zone_ttl_conflicts(z);
	f.rd = malloc(DNS_RDATA_MAX);
	keys = malloc((n ? n : 1) * sizeof *keys);
	names = malloc(names_size(r53, n, 0) + 1);
	if (f.rd == NULL || keys == NULL || names == NULL ||
	    r53_guard_init(&f.guard, r53, n) != 0) {
		rc = out->err = R53_ENOMEM;
		goto done;
	}
	/* Route53's sets by (name, type), names normalised. */
	for (i = 0; i < n; i++) {
		int len = r53_name_from_text(r53[i].name,
		    strlen(r53[i].name), w);

		if (len < 0 || !dns_name_is_sub(w, f.apex)) {
			out->st.r53_unread++;
			continue;
		}
		memcpy(names + nl, w, (size_t)len);
		keys[nk].name = names + nl;
		keys[nk].type = r53[i].type;
		keys[nk].idx = i;
		nk++;
		nl += (size_t)len;
	}
	qsort(keys, nk, sizeof *keys, rkey_cmp);
	/* Merge walk by owner name. */
	while (rc == 0 && (zi < nz || ri < nk)) {
		struct zone_rrset zs;
		size_t zend = zi, rend = ri;
		int c;

		if (zi < nz) {
			zone_rrset_get(z, zi, &zs);
			c = ri >= nk ? -1 :
			    dns_name_cmp(zs.owner, keys[ri].name);
		} else {
			memset(&zs, 0, sizeof zs);
			c = 1;
		}
		if (c <= 0) {
			struct zone_rrset x;

			for (zend = zi + 1; zend < nz; zend++) {
				zone_rrset_get(z, zend, &x);
				if (!dns_name_eq(x.owner, zs.owner))
					break;
			}
		}
		if (c >= 0) {
			const uint8_t *nm = keys[ri].name;

			for (rend = ri + 1; rend < nk &&
			    dns_name_eq(keys[rend].name, nm); rend++)
				;
		}
		rc = full_name(&f, zi, zend, keys, ri, rend);
		zi = zend;
		ri = rend;
		zone_yield_tick(1);
	}
done:
	r53_guard_free(&f.guard);
	free(f.rd);
	free(f.tmp);
	free(f.ours.buf);
	free(f.ours.off);
	free(f.ours.v);
	free(f.theirs.buf);
	free(f.theirs.off);
	free(f.theirs.v);
	free(keys);
	free(names);
	return rc ? rc : out->err;
}
