/*
 * zone.c — the zone store: compact immutable versions, built from an AXFR
 * or from a base version and an IXFR; diff and printing.  See zone.h.
 *
 * Layout of a version: sets[] in canonical order; each RRset's RDATAs
 * follow one another in rd[] in the same order as sets[], so an RRset's
 * RDATA ends where the next one's starts.  names[] holds each owner once,
 * in no particular order: an AXFR version adopts the builder's array as
 * it was received; an IXFR version copies its base's array whole (so
 * unchanged RRsets keep their offsets), appends new owners and counts the
 * bytes of owners it no longer uses, compacting when they reach half.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/zone.h"
#include "net/err.h"
#include "net/msg.h"
#include "net/name.h"
#include "net/rrtype.h"
#include "net/text.h"
#include "net/zonetext.h"

#define NONE UINT32_MAX
#define ARENA_MAX ((size_t)UINT32_MAX)  /* offsets are 32-bit */
#define SET_MAX 65535u                  /* RRs per RRset */

/* One RRset: 16 bytes. */
struct zone_set {
	uint32_t owner;  /* offset of the owner name in names */
	uint32_t rd;     /* offset of the first RDATA in rd */
	uint32_t ttl;
	uint16_t type;
	uint16_t count;
};

/* An (owner, type) an IXFR touched: RRset index before and after. */
struct zone_touch {
	uint32_t old, cur;  /* NONE: absent */
};

struct zone {
	uint64_t id;       /* unique in the process */
	uint64_t base_id;  /* IXFR: id of the base; 0 for AXFR */
	uint32_t serial;
	size_t nsets, nrrs, conflicts;
	struct zone_set *sets;
	uint8_t *names;
	size_t names_len, names_dead;  /* dead: bytes of unused owners */
	uint8_t *rd;
	size_t rd_len;
	struct zone_touch *touch;
	size_t ntouch;
	uint64_t wire;     /* uncompressed wire size of all RRs */
	uint8_t apex[DNS_NAME_MAX];
};

/* One RR received (AXFR) or one operation (IXFR): 16 bytes. */
struct zone_brr {
	uint32_t owner;  /* owner id; its canonical rank once sorted */
	uint32_t rd;     /* offset of the RDATA entry in b->rd */
	uint32_t ttl;
	uint16_t type;
	uint8_t del;     /* IXFR: 1 delete, 0 add */
	uint8_t pad;
};

static uint64_t zone_last_id;

/* ---- small helpers ---------------------------------------------------- */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Bytes of one RDATA entry, length prefix included. */
static size_t
ent_len(const uint8_t *e)
{
	return 2 + (size_t)get16(e);
}

/* RFC 4034 §6.3 order of two RDATA entries. */
static int
rd_cmp(const uint8_t *a, const uint8_t *b)
{
	size_t la = get16(a), lb = get16(b);
	int c = memcmp(a + 2, b + 2, la < lb ? la : lb);

	if (c != 0)
		return c;
	return la < lb ? -1 : la > lb;
}

/* Room for need elements of size bytes (need > *cap); NULL on failure. */
static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap < 64 ? 64 : *cap + *cap / 2;
	void *np;

	if (n < need)
		n = need;
	if (n > SIZE_MAX / size || (np = realloc(p, n * size)) == NULL)
		return NULL;
	*cap = n;
	return np;
}

/* Give back the unused tail of a malloc'd array. */
static void *
shrink(void *p, size_t n)
{
	void *np;

	if (p == NULL || n == 0)
		return p;
	np = realloc(p, n);
	return np != NULL ? np : p;
}

/* ---- sorting indices ------------------------------------------------------ */

typedef int (*cmp_fn)(const void *ctx, uint32_t x, uint32_t y);

/* The agent's hook for staying responsive during long finishes. */
static void (*yield_fn)(void *ctx);
static void *yield_ctx;
static size_t yield_work;

void
zone_set_yield(void (*fn)(void *ctx), void *ctx)
{
	yield_fn = fn;
	yield_ctx = ctx;
}

/* Count n units of work; every YIELD_EVERY of them, call the hook. */
#define YIELD_EVERY 32768
#define tick zone_yield_tick
void
zone_yield_tick(size_t n)
{
	yield_work += n;
	if (yield_work >= YIELD_EVERY) {
		yield_work = 0;
		if (yield_fn != NULL)
			yield_fn(yield_ctx);
	}
}

/* Merge src[lo, mid) and src[mid, hi) into dst; stable. */
static void
merge(const uint32_t *src, uint32_t *dst, size_t lo, size_t mid, size_t hi,
    cmp_fn cmp, const void *ctx)
{
	size_t i = lo, j = mid, k = lo;

	if (mid >= hi || cmp(ctx, src[mid - 1], src[mid]) <= 0) {
		memcpy(dst + lo, src + lo, (hi - lo) * sizeof *src);
		return;
	}
	while (i < mid && j < hi) {
		dst[k++] = cmp(ctx, src[j], src[i]) < 0 ? src[j++] : src[i++];
		tick(1);
	}
	memcpy(dst + k, src + i, (mid - i) * sizeof *src);
	k += mid - i;
	memcpy(dst + k, src + j, (hi - j) * sizeof *src);
}

/* Stable insertion sort, for short runs. */
static void
isort(uint32_t *v, size_t n, cmp_fn cmp, const void *ctx)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		uint32_t x = v[i];

		for (j = i; j > 0 && cmp(ctx, v[j - 1], x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * Stable bottom-up merge sort; runs already in order cost one comparison,
 * so input that arrives sorted (as most AXFRs do) sorts in O(n) compares.
 */
static int
msort(uint32_t *v, size_t n, cmp_fn cmp, const void *ctx)
{
	uint32_t *tmp, *src = v, *dst, *t;
	size_t w, lo;

	if (n <= 16) {
		isort(v, n, cmp, ctx);
		return 0;
	}
	if ((tmp = malloc(n * sizeof *tmp)) == NULL)
		return ZONE_ENOMEM;
	dst = tmp;
	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			size_t mid = n - lo > w ? lo + w : n;
			size_t hi = n - mid > w ? mid + w : n;

			merge(src, dst, lo, mid, hi, cmp, ctx);
			tick(16);
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
	free(tmp);
	return 0;
}

/* ---- building: recording RRs and operations ----------------------------------- */

static void
build_free(struct zone_build *b)
{
	free(b->names);
	free(b->off);
	free(b->recs);
	free(b->rd);
	b->names = b->rd = NULL;
	b->off = NULL;
	b->recs = NULL;
	b->names_len = b->names_cap = b->nowners = b->off_cap = 0;
	b->nrecs = b->recs_cap = b->rd_len = b->rd_cap = b->names_dup = 0;
}

static int
build_fail(struct zone_build *b, int err)
{
	build_free(b);
	b->err = err;
	return err;
}

static void
build_start(struct zone_build *b, const uint8_t *apex,
    const struct zone_limits *lim)
{
	memset(b, 0, sizeof *b);
	memcpy(b->apex, apex, dns_name_len(apex));
	if (lim != NULL)
		b->lim = *lim;
}

int
zone_build_init(struct zone_build *b, const uint8_t *apex,
    const struct zone_limits *lim)
{
	build_start(b, apex, lim);
	return 0;
}

int
zone_build_init_from(struct zone_build *b, const struct zone *base,
    const struct zone_limits *lim)
{
	build_start(b, base->apex, lim);
	b->base = base;
	b->rrs = (int64_t)base->nrrs;
	b->bytes = (int64_t)base->wire;
	return 0;
}

void
zone_build_abort(struct zone_build *b)
{
	build_free(b);
	b->err = DNS_EXFR;
}

/*
 * The owner id of name: the previous RR's owner if it is the same (AXFRs
 * send an owner's RRs together), else a new id.  An owner seen again later
 * gets another id; sorting merges the two (sort_owners()).
 */
static int
intern(struct zone_build *b, const uint8_t *name, size_t len, uint32_t *id)
{
	void *np;

	if (b->nowners > 0 && dns_name_eq(b->names + b->off[b->last], name)) {
		*id = b->last;
		return 0;
	}
	if (b->nowners >= NONE - 1 || b->names_len + len > ARENA_MAX)
		return DNS_ELIMIT;
	if (b->names_len + len > b->names_cap) {
		if (!(np = grow(b->names, &b->names_cap, b->names_len + len, 1)))
			return ZONE_ENOMEM;
		b->names = np;
	}
	if (b->nowners == b->off_cap) {
		if (!(np = grow(b->off, &b->off_cap, b->nowners + 1,
		    sizeof *b->off)))
			return ZONE_ENOMEM;
		b->off = np;
	}
	memcpy(b->names + b->names_len, name, len);
	b->off[b->nowners] = (uint32_t)b->names_len;
	b->names_len += len;
	*id = b->last = (uint32_t)b->nowners++;
	return 0;
}

/* v > max (times mult), with 0 meaning no limit. */
static int
over(uint64_t v, uint64_t max, unsigned mult)
{
	return max != 0 && v > max && (mult == 1 || v - max > max);
}

/* Account for one RR or operation of wire bytes; DNS_ELIMIT if over. */
static int
account(struct zone_build *b, int del, uint64_t wire)
{
	const struct zone_limits *l = &b->lim;

	b->rrs += del ? -1 : 1;
	b->bytes += del ? -(int64_t)wire : (int64_t)wire;
	b->ops++;
	b->op_bytes += wire;
	if ((b->rrs > 0 && over((uint64_t)b->rrs, l->max_rrs, 1)) ||
	    (b->bytes > 0 && over((uint64_t)b->bytes, l->max_bytes, 1)))
		return DNS_ELIMIT;
	if (b->base != NULL && (over(b->ops, l->max_rrs, 2) ||
	    over(b->op_bytes, l->max_bytes, 2)))
		return DNS_ELIMIT;
	if (b->nrecs >= NONE - 1)
		return DNS_ELIMIT;
	return 0;
}

/* Store the RDATA entry and the record. */
static int
store(struct zone_build *b, const struct zone_brr *r, const uint8_t *rdata,
    size_t rdlen)
{
	void *np;

	if (b->rd_len + 2 + rdlen > ARENA_MAX)
		return DNS_ELIMIT;
	if (b->rd_len + 2 + rdlen > b->rd_cap) {
		if (!(np = grow(b->rd, &b->rd_cap, b->rd_len + 2 + rdlen, 1)))
			return ZONE_ENOMEM;
		b->rd = np;
	}
	if (b->nrecs == b->recs_cap) {
		if (!(np = grow(b->recs, &b->recs_cap, b->nrecs + 1,
		    sizeof *b->recs)))
			return ZONE_ENOMEM;
		b->recs = np;
	}
	b->rd[b->rd_len] = (uint8_t)(rdlen >> 8);
	b->rd[b->rd_len + 1] = (uint8_t)rdlen;
	if (rdlen > 0)
		memcpy(b->rd + b->rd_len + 2, rdata, rdlen);
	b->recs[b->nrecs] = *r;
	b->recs[b->nrecs++].rd = (uint32_t)b->rd_len;
	b->rd_len += 2 + rdlen;
	return 0;
}

static int
record(struct zone_build *b, const uint8_t *owner, uint16_t type,
    uint32_t ttl, const uint8_t *rdata, size_t rdlen, int del)
{
	struct zone_brr r = { 0, 0, ttl, type, (uint8_t)del, 0 };
	size_t olen;
	int rc;

	if (b->err != 0)
		return b->err;
	if (rdlen > 65535)
		return build_fail(b, DNS_ERDATA);
	if ((del && b->base == NULL) || type == 0 || dns_type_is_meta(type) ||
	    !dns_name_is_sub(owner, b->apex))
		return build_fail(b, DNS_EXFR);
	olen = dns_name_len(owner);
	if ((rc = account(b, del, olen + 10 + rdlen)) != 0 ||
	    (rc = intern(b, owner, olen, &r.owner)) != 0 ||
	    (rc = store(b, &r, rdata, rdlen)) != 0)
		return build_fail(b, rc);
	return 0;
}

int
zone_build_add(struct zone_build *b, const uint8_t *owner, uint16_t type,
    uint32_t ttl, const uint8_t *rdata, size_t rdlen)
{
	return record(b, owner, type, ttl, rdata, rdlen, 0);
}

int
zone_build_del(struct zone_build *b, const uint8_t *owner, uint16_t type,
    const uint8_t *rdata, size_t rdlen)
{
	return record(b, owner, type, 0, rdata, rdlen, 1);
}

/* ---- building: sorting --------------------------------------------------------- */

/*
 * Sort keys of the owners: the labels below the apex from the top down,
 * ASCII-lowered, a 0x00 byte as 00 FF, each label ended by 00 00, held
 * like RDATA (u16 length, bytes) so that rd_cmp() on two keys is RFC 4034
 * §6.1 order: far cheaper than dns_name_cmp() inside a sort.
 */
struct keys {
	uint8_t *k;
	uint32_t *off;  /* owner id -> offset of its key in k */
	size_t len, cap;
};

/* Key of name without its last skip labels into out[2 + 510]. */
static size_t
owner_key(const uint8_t *name, unsigned skip, uint8_t *out)
{
	uint8_t lab[DNS_NAME_MAX / 2 + 1];
	unsigned n = 0, i;
	size_t o = 2, k;

	for (k = 0; name[k] != 0; k += 1 + (size_t)name[k])
		lab[n++] = (uint8_t)k;
	for (i = n - skip; i-- > 0;) {
		const uint8_t *l = name + lab[i];

		for (k = 1; k <= l[0]; k++) {
			uint8_t c = l[k];

			out[o++] = c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
			if (c == 0)
				out[o++] = 0xff;
		}
		out[o++] = 0;
		out[o++] = 0;
	}
	out[0] = (uint8_t)((o - 2) >> 8);
	out[1] = (uint8_t)(o - 2);
	return o;
}

static int
keys_make(const struct zone_build *b, struct keys *ks)
{
	unsigned skip = dns_name_labels(b->apex);
	uint8_t key[2 + 2 * DNS_NAME_MAX];
	size_t i, n;
	void *np;

	memset(ks, 0, sizeof *ks);
	if ((ks->off = malloc(b->nowners * sizeof *ks->off)) == NULL)
		return ZONE_ENOMEM;
	for (i = 0; i < b->nowners; i++) {
		tick(4); /* a key costs a few compares */
		n = owner_key(b->names + b->off[i], skip, key);
		if (ks->len + n > ARENA_MAX)
			return DNS_ELIMIT;
		if (ks->len + n > ks->cap) {
			if (!(np = grow(ks->k, &ks->cap, ks->len + n, 1)))
				return ZONE_ENOMEM;
			ks->k = np;
		}
		memcpy(ks->k + ks->len, key, n);
		ks->off[i] = (uint32_t)ks->len;
		ks->len += n;
	}
	return 0;
}

static int
cmp_key(const void *ctx, uint32_t x, uint32_t y)
{
	const struct keys *ks = ctx;

	return rd_cmp(ks->k + ks->off[x], ks->k + ks->off[y]);
}

/*
 * Owner ids in canonical order into ord[nowners], then rank[id]: equal
 * names (an owner seen again after other owners) share a rank, and the
 * first one received gives the name (the sort is stable).  Afterwards
 * ord[r] is the id that names rank r, and *nranks the number of ranks.
 */
static int
sort_owners(struct zone_build *b, uint32_t *ord, uint32_t *rank,
    size_t *nranks)
{
	struct keys ks;
	size_t i, r = 0;
	int rc;

	for (i = 0; i < b->nowners; i++)
		ord[i] = (uint32_t)i;
	if ((rc = keys_make(b, &ks)) == 0 &&
	    (rc = msort(ord, b->nowners, cmp_key, &ks)) == 0) {
		for (i = 0; i < b->nowners; i++) {
			uint32_t id = ord[i];

			tick(1);
			if (i > 0 && cmp_key(&ks, ord[r - 1], id) == 0) {
				b->names_dup += dns_name_len(b->names +
				    b->off[id]);
			} else
				ord[r++] = id;
			rank[id] = (uint32_t)r - 1;
		}
		*nranks = r;
	}
	free(ks.k);
	free(ks.off);
	return rc;
}

/*
 * Sort the owners once, then replace each record's owner id by the
 * owner's canonical rank; b->off becomes indexed by rank.
 */
static int
rank_owners(struct zone_build *b)
{
	size_t i, n = b->nowners;
	uint32_t *ord, *rank;
	int rc;

	if (n == 0)
		return 0;
	ord = malloc(n * sizeof *ord);
	rank = malloc(n * sizeof *rank);
	rc = ord && rank ? sort_owners(b, ord, rank, &n) : ZONE_ENOMEM;
	if (rc == 0) {
		for (i = 0; i < b->nrecs; i++)
			b->recs[i].owner = rank[b->recs[i].owner];
		for (i = 0; i < n; i++)
			ord[i] = b->off[ord[i]];
		free(b->off);
		b->off = ord;
		b->off_cap = b->nowners = n;
		ord = NULL;
	}
	free(rank);
	free(ord);
	return rc;
}

/* (type, RDATA) of two records of one owner; ties keep stream order. */
static int
cmp_rec(const void *ctx, uint32_t x, uint32_t y)
{
	const struct zone_build *b = ctx;
	const struct zone_brr *p = b->recs + x, *q = b->recs + y;

	if (p->type != q->type)
		return p->type < q->type ? -1 : 1;
	return rd_cmp(b->rd + p->rd, b->rd + q->rd);
}

/*
 * *ixp: record indices in canonical order, then stream order.  A stable
 * bucket sort by owner rank, then each owner's few records by (type,
 * RDATA): O(n) plus small sorts.
 */
static int
sort_recs(struct zone_build *b, uint32_t **ixp)
{
	uint32_t *ix, *end;
	size_t i, lo, n = b->nrecs;
	int rc = 0;

	if ((*ixp = ix = malloc((n + 1) * sizeof *ix)) == NULL ||
	    (end = calloc(b->nowners + 1, sizeof *end)) == NULL)
		return ZONE_ENOMEM;
	for (i = 0; i < n; i++)
		end[b->recs[i].owner + 1]++;
	for (i = 1; i <= b->nowners; i++)
		end[i] += end[i - 1];
	for (i = 0; i < n; i++) /* afterwards end[r] is where rank r ends */
		ix[end[b->recs[i].owner]++] = (uint32_t)i;
	for (i = lo = 0; rc == 0 && i < b->nowners; lo = end[i++])
		rc = msort(ix + lo, end[i] - lo, cmp_rec, b);
	free(end);
	return rc;
}

/* ---- building: the version ------------------------------------------------------ */

/* Rewrite names without the owners no RRset uses any more. */
static void
compact_names(struct zone *z)
{
	uint8_t *n = malloc(z->names_len);
	uint32_t prev_old = NONE, prev_new = 0;
	size_t len = 0, i;

	if (n == NULL)
		return; /* keep the slack; the version is valid either way */
	for (i = 0; i < z->nsets; i++) {
		struct zone_set *s = z->sets + i;

		tick(1);
		if (s->owner != prev_old) {
			size_t l = dns_name_len(z->names + s->owner);

			prev_old = s->owner;
			prev_new = (uint32_t)len;
			memcpy(n + len, z->names + s->owner, l);
			len += l;
		}
		s->owner = prev_new;
	}
	free(z->names);
	z->names = n;
	z->names_len = len;
	z->names_dead = 0;
}

/* ---- building: AXFR -------------------------------------------------------------- */

/* Start RRset n for record r; returns it. */
static struct zone_set *
set_start(struct zone *z, const struct zone_build *b, const struct zone_brr *r)
{
	struct zone_set *s = z->sets + z->nsets++;

	s->owner = b->off[r->owner];
	s->rd = (uint32_t)z->rd_len;
	s->ttl = r->ttl;
	s->type = r->type;
	s->count = 0;
	return s;
}

/* One pass over the sorted RRs: group into RRsets, drop duplicates. */
static int
finish_axfr(struct zone_build *b, const uint32_t *ix, struct zone *z)
{
	const struct zone_brr *prev = NULL;
	struct zone_set *s = NULL;
	size_t i, olen = 0, conflict_at = SIZE_MAX;

	z->names = b->names;
	z->names_len = b->names_len;
	z->names_dead = b->names_dup;
	b->names = NULL;
	if (b->nrecs == 0)
		return 0;
	z->sets = malloc(b->nrecs * sizeof *z->sets);
	z->rd = malloc(b->rd_len);
	if (z->sets == NULL || z->rd == NULL)
		return ZONE_ENOMEM;
	for (i = 0; i < b->nrecs; prev = b->recs + ix[i++]) {
		const struct zone_brr *r = b->recs + ix[i];
		const uint8_t *e = b->rd + r->rd;

		tick(1);
		if (!prev || r->owner != prev->owner || r->type != prev->type) {
			s = set_start(z, b, r);
			olen = dns_name_len(z->names + s->owner);
		} else {
			if (r->ttl != s->ttl && conflict_at != z->nsets) {
				z->conflicts++;
				conflict_at = z->nsets;
			}
			if (r->ttl < s->ttl)
				s->ttl = r->ttl;
			if (rd_cmp(e, b->rd + prev->rd) == 0)
				continue; /* duplicate */
		}
		if (s->count == SET_MAX)
			return DNS_ELIMIT;
		memcpy(z->rd + z->rd_len, e, ent_len(e));
		z->rd_len += ent_len(e);
		s->count++;
		z->nrrs++;
		z->wire += olen + 10 + get16(e);
	}
	return 0;
}

/*
 * 1 if an AXFR version's names are used once each, in canonical order
 * (the RRs arrived sorted).  Otherwise compact_names() lays them out so:
 * walks and searches then read names front to back.
 */
static int
names_in_order(const struct zone *z)
{
	size_t i;

	if (z->names_dead > 0)
		return 0;
	for (i = 1; i < z->nsets; i++)
		if (z->sets[i].owner < z->sets[i - 1].owner)
			return 0;
	return 1;
}

/* ---- building: IXFR ---------------------------------------------------------------- */

/* The state of one IXFR merge walk. */
struct walk {
	const struct zone_build *b;
	const struct zone *base;
	struct zone *z;
	const uint32_t *ix;  /* operations in canonical, then stream, order */
};

/* Copy base RRsets [i, j) unchanged; their owners keep their offsets. */
static void
copy_sets(struct walk *w, size_t i, size_t j)
{
	const struct zone *o = w->base;
	struct zone *z = w->z;
	size_t from, to, k;
	uint32_t delta;

	if (i >= j)
		return;
	from = o->sets[i].rd;
	to = j < o->nsets ? o->sets[j].rd : o->rd_len;
	delta = (uint32_t)z->rd_len - (uint32_t)from; /* modulo 2^32 */
	memcpy(z->sets + z->nsets, o->sets + i, (j - i) * sizeof *z->sets);
	for (k = z->nsets; k < z->nsets + (j - i); k++)
		z->sets[k].rd += delta;
	memcpy(z->rd + z->rd_len, o->rd + from, to - from);
	z->nsets += j - i;
	z->rd_len += to - from;
}

/*
 * Apply the operations on one RR (ops from *j on with the same RDATA, in
 * stream order) to its presence.  Returns 1 present, 0 absent, or
 * DNS_EDIVERGE; *add_at: stream position of the addition that made it
 * present (-1 if none).
 */
static int
resolve(const struct walk *w, size_t *j, size_t je, int present,
    int64_t *add_at, uint32_t *ttl)
{
	const struct zone_build *b = w->b;
	const uint8_t *e = b->rd + b->recs[w->ix[*j]].rd;

	for (*add_at = -1; *j < je; (*j)++) {
		const struct zone_brr *r = b->recs + w->ix[*j];

		if (rd_cmp(b->rd + r->rd, e) != 0)
			break;
		if (r->del == !present)
			return DNS_EDIVERGE;
		present = !r->del;
		*add_at = present ? (int64_t)w->ix[*j] : -1;
		*ttl = r->ttl;
	}
	return present;
}

/* TTL bookkeeping of one RRset being rewritten. */
struct ttls {
	int64_t last;       /* stream position of the last surviving add */
	uint32_t ttl, min, max;
	size_t kept;        /* base RRs kept without any operation */
};

static void
emit_rd(struct zone *z, const uint8_t *e, uint32_t *count)
{
	memcpy(z->rd + z->rd_len, e, ent_len(e));
	z->rd_len += ent_len(e);
	(*count)++;
}

/* Merge base RDATAs [*p, pe) with operations [j, je); count the result. */
static int
merge_rdata(struct walk *w, const uint8_t *p, const uint8_t *pe, size_t j,
    size_t je, size_t olen, struct ttls *t, uint32_t *count)
{
	const struct zone_build *b = w->b;
	struct zone *z = w->z;

	while (p < pe || j < je) {
		const uint8_t *e = j < je ? b->rd + b->recs[w->ix[j]].rd : NULL;
		int c = p == pe ? 1 : e == NULL ? -1 : rd_cmp(p, e);
		int64_t at;
		uint32_t ttl = 0;
		int now;

		if (c < 0) {
			emit_rd(z, p, count);
			t->kept++;
			p += ent_len(p);
			continue;
		}
		if ((now = resolve(w, &j, je, c == 0, &at, &ttl)) < 0)
			return now;
		if (c == 0)
			p += ent_len(p);
		if (now != (c == 0)) {
			z->nrrs += now ? 1 : (size_t)-1;
			z->wire += now ? olen + 10 + get16(e) :
			    -(uint64_t)(olen + 10 + get16(e));
		}
		if (!now)
			continue;
		emit_rd(z, e, count);
		if (at < 0) { /* cannot happen: present after ops means added */
			t->kept++;
			continue;
		}
		if (ttl < t->min)
			t->min = ttl;
		if (ttl > t->max)
			t->max = ttl;
		if (at > t->last) {
			t->last = at;
			t->ttl = ttl;
		}
	}
	return 0;
}

/*
 * Apply operations [j, je) (one owner and type) to base RRset si (NONE:
 * absent) and append the result, if not empty.
 */
static int
merge_set(struct walk *w, uint32_t si, size_t j, size_t je, uint32_t owner,
    const uint8_t *name)
{
	const struct zone *o = w->base;
	struct zone *z = w->z;
	struct zone_set out = { owner, (uint32_t)z->rd_len, 0,
	    w->b->recs[w->ix[j]].type, 0 };
	struct ttls t = { -1, 0, UINT32_MAX, 0, 0 };
	const uint8_t *p = NULL, *pe = NULL;
	uint32_t count = 0;
	int rc;

	if (si != NONE) {
		p = o->rd + o->sets[si].rd;
		pe = si + 1 < o->nsets ? o->rd + o->sets[si + 1].rd :
		    o->rd + o->rd_len;
		out.ttl = o->sets[si].ttl;
	}
	if ((rc = merge_rdata(w, p, pe, j, je, dns_name_len(name), &t,
	    &count)) != 0)
		return rc;
	if (t.last >= 0) {
		if (t.min != t.max || (t.kept > 0 && out.ttl != t.ttl))
			z->conflicts++;
		out.ttl = t.ttl;
	}
	if (count > SET_MAX)
		return DNS_ELIMIT;
	if (out.type == DNS_T_SOA && count > 0 &&
	    (count > 1 || !dns_name_eq(name, z->apex)))
		return DNS_EXFR;
	z->touch[z->ntouch].old = si;
	z->touch[z->ntouch++].cur = count > 0 ? (uint32_t)z->nsets : NONE;
	out.count = (uint16_t)count;
	if (count > 0)
		z->sets[z->nsets++] = out;
	return 0;
}

/*
 * One owner: operations [k, ke) and the base RRsets [bs, be) of that
 * owner (bs == be if the owner is new).
 */
static int
merge_owner(struct walk *w, size_t bs, size_t be, size_t k, size_t ke)
{
	const struct zone_build *b = w->b;
	const struct zone *o = w->base;
	struct zone *z = w->z;
	const uint8_t *name = b->names + b->off[b->recs[w->ix[k]].owner];
	size_t olen = dns_name_len(name), n0 = z->nsets, i = bs, kt;
	uint32_t owner = bs < be ? o->sets[bs].owner : (uint32_t)z->names_len;
	int rc;

	if (bs == be) {
		memcpy(z->names + z->names_len, name, olen);
		z->names_len += olen;
	}
	while (i < be || k < ke) {
		uint32_t tb = i < be ? o->sets[i].type : 0x10000;
		uint32_t tk = k < ke ? b->recs[w->ix[k]].type : 0x10000;

		if (tb < tk) {
			copy_sets(w, i, i + 1);
			i++;
			continue;
		}
		for (kt = k; kt < ke && b->recs[w->ix[kt]].type == tk; kt++)
			;
		rc = merge_set(w, tb == tk ? (uint32_t)i : NONE, k, kt, owner,
		    name);
		if (rc != 0)
			return rc;
		i += tb == tk;
		k = kt;
	}
	if (z->nsets == n0) { /* the owner has no RRset left */
		if (bs < be)
			z->names_dead += olen;
		else
			z->names_len -= olen;
	}
	return 0;
}

/* First RRset at or after (name, type) in z, searching [lo, nsets). */
static size_t
lower_bound(const struct zone *z, const uint8_t *name, uint16_t type,
    size_t lo)
{
	size_t hi = z->nsets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct zone_set *s = z->sets + mid;
		int c = dns_name_cmp(z->names + s->owner, name);

		if (c < 0 || (c == 0 && s->type < type))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
ixfr_alloc(const struct zone_build *b, const struct zone *o, struct zone *z)
{
	if (o->names_len + b->names_len > ARENA_MAX ||
	    o->rd_len + b->rd_len > ARENA_MAX)
		return DNS_ELIMIT;
	z->names = malloc(o->names_len + b->names_len);
	z->sets = malloc((o->nsets + b->nrecs) * sizeof *z->sets);
	z->rd = malloc(o->rd_len + b->rd_len + 1);
	z->touch = malloc((b->nrecs + 1) * sizeof *z->touch);
	if (!z->names || !z->sets || !z->rd || !z->touch)
		return ZONE_ENOMEM;
	memcpy(z->names, o->names, o->names_len);
	z->names_len = o->names_len;
	z->names_dead = o->names_dead;
	z->base_id = o->id;
	z->nrrs = o->nrrs;
	z->wire = o->wire;
	return 0;
}

/*
 * IXFR: walk the sorted operations owner by owner; binary-search each
 * owner in the base, copy the untouched RRsets before it in one block,
 * merge its RRsets with its operations.  O(N) copying + O(D log N).
 */
static int
finish_ixfr(struct zone_build *b, const uint32_t *ix, struct zone *z)
{
	const struct zone *o = b->base;
	struct walk w = { b, o, z, ix };
	size_t bi = 0, k = 0, pos, be, ke;
	int rc;

	if ((rc = ixfr_alloc(b, o, z)) != 0)
		return rc;
	for (; k < b->nrecs; bi = be, k = ke) {
		uint32_t r = b->recs[ix[k]].owner;
		const uint8_t *name = b->names + b->off[r];

		pos = be = lower_bound(o, name, 0, bi);
		copy_sets(&w, bi, pos);
		if (pos < o->nsets &&
		    dns_name_eq(o->names + o->sets[pos].owner, name))
			while (be < o->nsets &&
			    o->sets[be].owner == o->sets[pos].owner)
				be++;
		for (ke = k; ke < b->nrecs && b->recs[ix[ke]].owner == r; ke++)
			;
		if ((rc = merge_owner(&w, pos, be, k, ke)) != 0)
			return rc;
	}
	copy_sets(&w, bi, o->nsets);
	if (z->names_dead > 0 && z->names_dead * 2 >= z->names_len)
		compact_names(z);
	return 0;
}

/* ---- building: finishing ----------------------------------------------------------- */

/* Exactly one SOA RR, at the apex (an IXFR checked the rest as it went). */
static int
check_soa(struct zone *z, const uint32_t *serial)
{
	struct zone_rrset s;
	size_t i, pos, nsoa = 0;
	uint16_t len;

	if (z->base_id == 0) {
		for (i = 0; i < z->nsets; i++)
			nsoa += z->sets[i].type == DNS_T_SOA;
		if (nsoa != 1)
			return DNS_EXFR;
	}
	if (!zone_find(z, z->apex, DNS_T_SOA, &pos))
		return DNS_EXFR;
	zone_rrset_get(z, pos, &s);
	len = get16(s.rdata);
	if (s.count != 1 || len < 22)
		return DNS_EXFR;
	z->serial = get32(s.rdata + 2 + len - 20);
	if (serial != NULL && *serial != z->serial)
		return DNS_EXFR;
	return 0;
}

static void
zone_shrink(struct zone *z)
{
	z->sets = shrink(z->sets, z->nsets * sizeof *z->sets);
	z->names = shrink(z->names, z->names_len);
	z->rd = shrink(z->rd, z->rd_len);
	z->touch = shrink(z->touch, z->ntouch * sizeof *z->touch);
}

int
zone_build_finish(struct zone_build *b, const uint32_t *serial,
    struct zone **out)
{
	struct zone *z = NULL;
	uint32_t *ix = NULL;
	int rc = b->err;

	*out = NULL;
	if (rc == 0 && (z = calloc(1, sizeof *z)) == NULL)
		rc = ZONE_ENOMEM;
	if (rc == 0) {
		z->id = ++zone_last_id;
		memcpy(z->apex, b->apex, dns_name_len(b->apex));
		rc = rank_owners(b);
	}
	if (rc == 0)
		rc = sort_recs(b, &ix);
	if (rc == 0)
		rc = b->base ? finish_ixfr(b, ix, z) : finish_axfr(b, ix, z);
	free(ix);
	build_free(b);
	b->err = DNS_EXFR; /* finished: only init may follow */
	if (rc == 0 && z->base_id == 0 && !names_in_order(z))
		compact_names(z); /* now that the scratch memory is back */
	if (rc == 0)
		rc = check_soa(z, serial);
	if (rc != 0) {
		zone_free(z);
		return rc;
	}
	zone_shrink(z);
	*out = z;
	return 0;
}

/* ---- reading a version ---------------------------------------------------------------- */

uint32_t
zone_serial(const struct zone *z)
{
	return z->serial;
}

const uint8_t *
zone_apex(const struct zone *z)
{
	return z->apex;
}

size_t
zone_rr_count(const struct zone *z)
{
	return z->nrrs;
}

size_t
zone_rrset_count(const struct zone *z)
{
	return z->nsets;
}

size_t
zone_ttl_conflicts(const struct zone *z)
{
	return z->conflicts;
}

size_t
zone_mem(const struct zone *z)
{
	return sizeof *z + z->nsets * sizeof *z->sets + z->names_len +
	    z->rd_len + z->ntouch * sizeof *z->touch;
}

void
zone_rrset_get(const struct zone *z, size_t i, struct zone_rrset *out)
{
	const struct zone_set *s = z->sets + i;
	size_t end = i + 1 < z->nsets ? z->sets[i + 1].rd : z->rd_len;

	out->owner = z->names + s->owner;
	out->type = s->type;
	out->count = s->count;
	out->ttl = s->ttl;
	out->rdata = z->rd + s->rd;
	out->rdata_len = end - s->rd;
}

int
zone_find(const struct zone *z, const uint8_t *owner, uint16_t type,
    size_t *pos)
{
	size_t i = lower_bound(z, owner, type, 0);

	*pos = i;
	return i < z->nsets && z->sets[i].type == type &&
	    dns_name_eq(z->names + z->sets[i].owner, owner);
}

void
zone_rdata_begin(struct zone_rdata_it *it, const struct zone_rrset *s)
{
	it->p = s->rdata;
	it->end = s->rdata + s->rdata_len;
}

int
zone_rdata_next(struct zone_rdata_it *it, const uint8_t **rd, uint16_t *len)
{
	if (it->p >= it->end)
		return 0;
	*len = get16(it->p);
	*rd = it->p + 2;
	it->p += 2 + (size_t)*len;
	return 1;
}

void
zone_free(struct zone *z)
{
	if (z == NULL)
		return;
	free(z->sets);
	free(z->names);
	free(z->rd);
	free(z->touch);
	free(z);
}

/* ---- changes between versions ------------------------------------------------------------ */

typedef int (*change_fn)(void *ctx, const struct zone_change *c);

static int
rrset_eq(const struct zone_rrset *a, const struct zone_rrset *b)
{
	return a->ttl == b->ttl && a->count == b->count &&
	    a->rdata_len == b->rdata_len &&
	    memcmp(a->rdata, b->rdata, a->rdata_len) == 0;
}

/* Report old RRset i against new RRset j (SIZE_MAX: absent) if they differ. */
static int
report(const struct zone *old, size_t i, const struct zone *new, size_t j,
    change_fn fn, void *ctx)
{
	struct zone_change c;

	memset(&c, 0, sizeof c);
	if ((c.has_old = i != SIZE_MAX) != 0)
		zone_rrset_get(old, i, &c.old);
	if ((c.has_new = j != SIZE_MAX) != 0)
		zone_rrset_get(new, j, &c.new);
	if (!c.has_old && !c.has_new)
		return 0;
	if (c.has_old && c.has_new && rrset_eq(&c.old, &c.new))
		return 0;
	c.owner = c.has_new ? c.new.owner : c.old.owner;
	c.type = c.has_new ? c.new.type : c.old.type;
	return fn(ctx, &c);
}

int
zone_diff_incremental(const struct zone *old, const struct zone *new)
{
	return old != NULL && new != NULL && new->base_id != 0 &&
	    new->base_id == old->id;
}

/* The O(changes) path: only the keys the IXFR touched. */
static int
diff_touched(const struct zone *old, const struct zone *new, change_fn fn,
    void *ctx)
{
	size_t k;
	int rc;

	for (k = 0; k < new->ntouch; k++) {
		const struct zone_touch *t = new->touch + k;

		rc = report(old, t->old == NONE ? SIZE_MAX : t->old, new,
		    t->cur == NONE ? SIZE_MAX : t->cur, fn, ctx);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Canonical order of old RRset i and new RRset j; caches the name order. */
static int
key_cmp(const struct zone *old, size_t i, const struct zone *new, size_t j,
    uint32_t cache[3])
{
	const struct zone_set *a = old->sets + i, *b = new->sets + j;
	int c;

	if (a->owner == cache[0] && b->owner == cache[1]) {
		c = (int)cache[2] - 1;
	} else {
		c = dns_name_cmp(old->names + a->owner, new->names + b->owner);
		cache[0] = a->owner;
		cache[1] = b->owner;
		cache[2] = (uint32_t)(c < 0 ? 0 : c == 0 ? 1 : 2);
		c = (int)cache[2] - 1;
	}
	if (c == 0 && a->type != b->type)
		c = a->type < b->type ? -1 : 1;
	return c;
}

int
zone_diff(const struct zone *old, const struct zone *new, change_fn fn,
    void *ctx)
{
	size_t i = 0, j = 0, no = old ? old->nsets : 0, nn = new ? new->nsets : 0;
	uint32_t cache[3] = { NONE, NONE, 0 };
	int c, rc;

	if (zone_diff_incremental(old, new))
		return diff_touched(old, new, fn, ctx);
	while (i < no || j < nn) {
		if (i == no)
			c = 1;
		else if (j == nn)
			c = -1;
		else
			c = key_cmp(old, i, new, j, cache);
		rc = report(old, c <= 0 ? i : SIZE_MAX, new,
		    c >= 0 ? j : SIZE_MAX, fn, ctx);
		if (rc != 0)
			return rc;
		i += c <= 0;
		j += c >= 0;
	}
	return 0;
}

/* ---- printing ------------------------------------------------------------------------------ */

struct line {
	char *buf;
	size_t cap;
};

static int
print_rr(struct line *ln, const struct dns_rr *rr,
    void (*emit)(void *ctx, const char *line), void *ctx)
{
	struct dns_tb t;
	size_t need;
	char *nb;

	for (;;) {
		dns_tb_init(&t, ln->buf, ln->cap);
		dns_rr_to_text(&t, rr);
		if ((need = dns_tb_end(&t)) < ln->cap)
			break;
		if ((nb = realloc(ln->buf, need + 1)) == NULL)
			return ZONE_ENOMEM;
		ln->buf = nb;
		ln->cap = need + 1;
	}
	emit(ctx, ln->buf);
	return 0;
}

int
zone_rrset_each(const struct zone *z, size_t i,
    int (*fn)(void *ctx, const struct dns_rr *rr), void *ctx)
{
	struct zone_rrset s;
	struct zone_rdata_it it;
	struct dns_rr rr;
	const uint8_t *rd;
	uint16_t len;
	int rc;

	zone_rrset_get(z, i, &s);
	memset(&rr, 0, sizeof rr);
	memcpy(rr.owner, s.owner, dns_name_len(s.owner));
	rr.type = s.type;
	rr.cls = DNS_C_IN;
	rr.ttl = s.ttl;
	zone_rdata_begin(&it, &s);
	while (zone_rdata_next(&it, &rd, &len)) {
		/* Readers only read through rr.rdata. */
		rr.rdata = (uint8_t *)(uintptr_t)rd;
		rr.rdlen = len;
		if ((rc = fn(ctx, &rr)) != 0)
			return rc;
	}
	return 0;
}

struct print_ctx {
	struct line *ln;
	void (*emit)(void *ctx, const char *line);
	void *ctx;
};

static int
print_one(void *ctx, const struct dns_rr *rr)
{
	struct print_ctx *p = ctx;

	return print_rr(p->ln, rr, p->emit, p->ctx);
}

static int
print_set(const struct zone *z, size_t i, struct line *ln,
    void (*emit)(void *ctx, const char *line), void *ctx)
{
	struct print_ctx p = { ln, emit, ctx };

	return zone_rrset_each(z, i, print_one, &p);
}

int
zone_print(const struct zone *z, void (*emit)(void *ctx, const char *line),
    void *ctx)
{
	struct line ln = { malloc(512), 512 };
	size_t soa, i;
	int rc = 0;

	if (ln.buf == NULL)
		return ZONE_ENOMEM;
	if (!zone_find(z, z->apex, DNS_T_SOA, &soa))
		soa = SIZE_MAX;
	else
		rc = print_set(z, soa, &ln, emit, ctx);
	for (i = 0; rc == 0 && i < z->nsets; i++)
		if (i != soa)
			rc = print_set(z, i, &ln, emit, ctx);
	free(ln.buf);
	return rc;
}
