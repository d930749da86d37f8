/*
 * canon.c — the canonical request's text: URI path, query and headers.
 *
 * Nothing here allocates or keeps a copy: sorting the query parameters
 * and the headers is done by repeated selection over the caller's input
 * (find the smallest item above the last one written), comparing the
 * encoded or lowercased forms on the fly.  That costs O(n^2) comparisons
 * for n parameters or headers, which for a signed API request (a handful
 * of each) is less than the copying it avoids.
 */
#include <string.h>

#include "sigv4/sigv4.h"
#include "sigv4/sv4_int.h"

static const char HEX[] = "0123456789ABCDEF";

/* ---- sinks -------------------------------------------------------------- */
void
sv4_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

void
sv4_sink_init(struct sv4_sink *s, br_sha256_context *sha,
    br_hmac_context *mac, char *buf, size_t size)
{
	s->sha = sha;
	s->mac = mac;
	s->buf = size ? buf : NULL;
	s->size = size;
	s->len = 0;
	s->nstage = 0;
}

static void
consume(struct sv4_sink *s, const void *p, size_t n)
{
	if (s->sha != NULL)
		br_sha256_update(s->sha, p, n);
	if (s->mac != NULL)
		br_hmac_update(s->mac, p, n);
	if (s->buf != NULL && s->len < s->size - 1) {
		size_t room = s->size - 1 - s->len;

		memcpy(s->buf + s->len, p, n < room ? n : room);
	}
	s->len += n;
}

static void
flush(struct sv4_sink *s)
{
	if (s->nstage) {
		consume(s, s->stage, s->nstage);
		s->nstage = 0;
	}
}

void
sv4_put(struct sv4_sink *s, const void *p, size_t n)
{
	if (n <= sizeof s->stage - s->nstage) {
		memcpy(s->stage + s->nstage, p, n);
		s->nstage += n;
		return;
	}
	flush(s);
	consume(s, p, n);
}

void
sv4_puts(struct sv4_sink *s, const char *str)
{
	sv4_put(s, str, strlen(str));
}

void
sv4_putc(struct sv4_sink *s, char c)
{
	if (s->nstage == sizeof s->stage)
		flush(s);
	s->stage[s->nstage++] = c;
}

int
sv4_sink_end(struct sv4_sink *s)
{
	flush(s);
	if (s->buf != NULL)
		s->buf[s->len < s->size ? s->len : s->size - 1] = '\0';
	return s->buf != NULL && s->len >= s->size ? SV4_ESPACE : SV4_OK;
}

/* ---- percent-encoding --------------------------------------------------- */
static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
sv4_check_escapes(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '%' && (len - i < 3 ||
		    hexval((unsigned char)s[i + 1]) < 0 ||
		    hexval((unsigned char)s[i + 2]) < 0))
			return SV4_EESCAPE;
	return SV4_OK;
}

/*
 * The encoded form of some input bytes, one byte at a time: optionally
 * percent-decoded first (escapes already checked), then every byte that
 * is not unreserved (nor '/', with keep_slash) written as %XX.
 */
struct enc {
	const unsigned char *p, *end;
	int decode, keep_slash;
	char pend[2];
	int npend;
};

static void
enc_init(struct enc *e, const char *p, size_t len, int decode, int keep_slash)
{
	e->p = (const unsigned char *)p;
	e->end = e->p + len;
	e->decode = decode;
	e->keep_slash = keep_slash;
	e->npend = 0;
}

/* The next byte of the encoded form, or -1 at its end. */
static int
enc_next(struct enc *e)
{
	unsigned c;
	int hi, lo;

	if (e->npend) {
		c = (unsigned char)e->pend[2 - e->npend];
		e->npend--;
		return (int)c;
	}
	if (e->p == e->end)
		return -1;
	c = *e->p++;
	/* (escapes are checked first; a bad one would stay a literal '%') */
	if (e->decode && c == '%' && e->end - e->p >= 2 &&
	    (hi = hexval(e->p[0])) >= 0 && (lo = hexval(e->p[1])) >= 0) {
		c = (unsigned)(hi << 4 | lo);
		e->p += 2;
	}
	if (unreserved((unsigned char)c) || (e->keep_slash && c == '/'))
		return (int)c;
	e->pend[0] = HEX[c >> 4];
	e->pend[1] = HEX[c & 15];
	e->npend = 2;
	return '%';
}

static void
put_encoded(struct sv4_sink *s, const char *p, size_t len, int decode,
    int keep_slash)
{
	struct enc e;
	int c;

	enc_init(&e, p, len, decode, keep_slash);
	while ((c = enc_next(&e)) >= 0)
		sv4_putc(s, (char)c);
}

/* Compare the encoded forms of two decoded-then-encoded strings. */
static int
enc_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	struct enc ea, eb;
	int ca, cb;

	enc_init(&ea, a, alen, 1, 0);
	enc_init(&eb, b, blen, 1, 0);
	do {
		ca = enc_next(&ea);
		cb = enc_next(&eb);
	} while (ca == cb && ca >= 0);
	return ca - cb;
}

/* ---- URI path ----------------------------------------------------------- */
/*
 * Normalising the path is the stack walk of RFC 3986 section 5.2.4 (a
 * name pushes, ".." pops, "" and "." do nothing), but the stack would
 * need memory.  Read from the right instead, it is a counter: a ".." adds
 * one pending pop, a name is dropped if a pop is pending (using it up) and
 * kept otherwise.  That finds the survivors from last to first, and they
 * must be written first to last, so the path is split in two halves: the
 * right half's pass gives the count pending at the split, with which the
 * left half is written, then the right half is written with the count
 * from the end.  Each level of halving reads the path once: O(n log n)
 * time for n bytes, and a recursion depth of log2(n).
 */
enum seg { SEG_EMPTY, SEG_DOT, SEG_DOTDOT, SEG_NAME };

static enum seg
seg_kind(const char *p, size_t n)
{
	if (n == 0)
		return SEG_EMPTY;
	if (n == 1 && p[0] == '.')
		return SEG_DOT;
	if (n == 2 && p[0] == '.' && p[1] == '.')
		return SEG_DOTDOT;
	return SEG_NAME;
}

/* Pending pops before the segments of path[lo, hi), given s after them. */
static size_t
pops_before(const char *path, size_t lo, size_t hi, size_t s)
{
	size_t end = hi, start;

	for (;;) {
		for (start = end; start > lo && path[start - 1] != '/'; start--)
			;
		switch (seg_kind(path + start, end - start)) {
		case SEG_DOTDOT:
			s++;
			break;
		case SEG_NAME:
			if (s)
				s--;
			break;
		case SEG_EMPTY:
		case SEG_DOT:
			break;
		}
		if (start == lo)
			return s;
		end = start - 1;
	}
}

/* A '/' in path[lo, hi) near its middle, or hi if there is none. */
static size_t
middle_slash(const char *path, size_t lo, size_t hi)
{
	size_t mid = lo + (hi - lo) / 2, i;
	const char *q;

	if (mid < hi && (q = memchr(path + mid, '/', hi - mid)) != NULL)
		return (size_t)(q - path);
	for (i = mid; i > lo; i--)
		if (path[i - 1] == '/')
			return i - 1;
	return hi;
}

/* Write the surviving names of path[lo, hi), with pops pending after it. */
static void
put_survivors(struct sv4_sink *s, const char *path, size_t lo, size_t hi,
    size_t pops, int *any)
{
	size_t m = middle_slash(path, lo, hi);

	if (pops > (hi - lo + 1) / 2)
		return; /* more pops than the range can hold names */
	if (m == hi) { /* one segment */
		if (pops == 0 && seg_kind(path + lo, hi - lo) == SEG_NAME) {
			if (*any)
				sv4_putc(s, '/');
			put_encoded(s, path + lo, hi - lo, 0, 0);
			*any = 1;
		}
		return;
	}
	put_survivors(s, path, lo, m, pops_before(path, m + 1, hi, pops), any);
	put_survivors(s, path, m + 1, hi, pops, any);
}

static void
put_normalized(struct sv4_sink *s, const char *path, size_t len)
{
	int any = 0;

	sv4_putc(s, '/');
	put_survivors(s, path, 0, len, 0, &any);
	if (any && path[len - 1] == '/')
		sv4_putc(s, '/');
}

void
sv4_put_uri(struct sv4_sink *s, const char *path, size_t len, unsigned flags)
{
	if (len == 0)
		sv4_putc(s, '/');
	else if (flags & SV4_S3)
		put_encoded(s, path, len, 1, 1);
	else
		put_normalized(s, path, len);
}

/* ---- query -------------------------------------------------------------- */
struct param {
	const char *k, *v;
	size_t klen, vlen;
};

/* The next non-empty '&'-separated piece at or after *off, split at '='. */
static int
next_param(const char *q, size_t len, size_t *off, struct param *p)
{
	const char *amp, *eq;
	size_t n;

	while (*off < len) {
		amp = memchr(q + *off, '&', len - *off);
		n = amp ? (size_t)(amp - (q + *off)) : len - *off;
		p->k = q + *off;
		*off += n + 1;
		if (n == 0)
			continue;
		eq = memchr(p->k, '=', n);
		p->klen = eq ? (size_t)(eq - p->k) : n;
		p->v = eq ? eq + 1 : p->k + n;
		p->vlen = eq ? n - p->klen - 1 : 0;
		return 1;
	}
	return 0;
}

static int
param_cmp(const struct param *a, const struct param *b)
{
	int c = enc_cmp(a->k, a->klen, b->k, b->klen);

	return c ? c : enc_cmp(a->v, a->vlen, b->v, b->vlen);
}

void
sv4_put_query(struct sv4_sink *s, const char *q, size_t len)
{
	struct param p, best = { 0 }, prev = { 0 };
	size_t off, count;
	int have_prev = 0, first = 1, have_best;

	for (;;) {
		have_best = 0;
		count = 0;
		for (off = 0; next_param(q, len, &off, &p);) {
			int c;

			if (have_prev && param_cmp(&p, &prev) <= 0)
				continue;
			c = have_best ? param_cmp(&p, &best) : -1;
			if (c < 0) {
				best = p;
				have_best = 1;
				count = 1;
			} else if (c == 0)
				count++;
		}
		if (!have_best)
			break;
		while (count--) {
			if (!first)
				sv4_putc(s, '&');
			put_encoded(s, best.k, best.klen, 1, 0);
			sv4_putc(s, '=');
			put_encoded(s, best.v, best.vlen, 1, 0);
			first = 0;
		}
		prev = best;
		have_prev = 1;
	}
}

/* ---- headers ------------------------------------------------------------ */
static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

static int
tchar(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

int
sv4_check_header(const struct sv4_header *h)
{
	size_t i;

	if (h->name_len == 0)
		return SV4_EHEADER;
	for (i = 0; i < h->name_len; i++)
		if (!tchar((unsigned char)h->name[i]))
			return SV4_EHEADER;
	for (i = 0; i < h->value_len; i++) {
		unsigned char c = (unsigned char)h->value[i];

		if ((c < 0x20 && !is_ws(c)) || c == 0x7f)
			return SV4_EHEADER;
	}
	return SV4_OK;
}

int
sv4_name_is(const char *name, size_t len, const char *lname)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (lname[i] == '\0' || lower((unsigned char)name[i]) !=
		    (unsigned char)lname[i])
			return 0;
	return lname[len] == '\0';
}

/* A header value, trimmed, each inner run of whitespace one space. */
static void
put_value(struct sv4_sink *s, const char *v, size_t len)
{
	size_t i = 0, start;
	int any = 0;

	for (;;) {
		while (i < len && is_ws((unsigned char)v[i]))
			i++;
		if (i == len)
			return;
		if (any)
			sv4_putc(s, ' ');
		start = i;
		while (i < len && !is_ws((unsigned char)v[i]))
			i++;
		sv4_put(s, v + start, i - start);
		any = 1;
	}
}

int
sv4_value_is(const char *v, size_t len, const char *str)
{
	size_t i = 0, start, n;
	int any = 0;

	for (;;) {
		while (i < len && is_ws((unsigned char)v[i]))
			i++;
		if (i == len)
			return *str == '\0';
		if (any && *str++ != ' ')
			return 0;
		start = i;
		while (i < len && !is_ws((unsigned char)v[i]))
			i++;
		for (n = 0; start + n < i; n++)
			if (str[n] == '\0' || str[n] != v[start + n])
				return 0;
		str += n;
		any = 1;
	}
}

/* Headers never signed (as botocore): proxies and clients change them. */
static const char *const unsigned_names[] = {
	"authorization", "user-agent", "expect", "x-amzn-trace-id",
};

/*
 * Header i of the canonical set: the caller's 0..n-1, then x-amz-date,
 * then x-amz-security-token.  Returns 0 for one that is not signed.
 */
static int
hdr_get(const struct sv4_hdrs *hd, size_t i, struct sv4_header *out)
{
	size_t k;

	if (i == hd->n) {
		out->name = "x-amz-date";
		out->value = hd->date;
	} else if (i == hd->n + 1) {
		if (hd->token == NULL)
			return 0;
		out->name = "x-amz-security-token";
		out->value = hd->token;
	} else {
		*out = hd->h[i];
		for (k = 0; k < sizeof unsigned_names / sizeof *unsigned_names;
		    k++)
			if (sv4_name_is(out->name, out->name_len,
			    unsigned_names[k]))
				return 0;
		if (sv4_name_is(out->name, out->name_len, "x-amz-date"))
			return 0;
		if (hd->drop_token && sv4_name_is(out->name, out->name_len,
		    "x-amz-security-token"))
			return 0;
		return 1;
	}
	out->name_len = strlen(out->name);
	out->value_len = strlen(out->value);
	return 1;
}

static int
name_cmp(const struct sv4_header *a, const struct sv4_header *b)
{
	size_t i, n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c;

	for (i = 0; i < n; i++) {
		c = lower((unsigned char)a->name[i]) -
		    lower((unsigned char)b->name[i]);
		if (c)
			return c;
	}
	return (a->name_len > n) - (b->name_len > n);
}

/*
 * Walk the distinct signed header names in order: find the smallest name
 * above prev (any name when !have_prev); *best is the first header with
 * it and *best_i its index.  Returns 0 after the last name.
 */
static int
next_name(const struct sv4_hdrs *hd, const struct sv4_header *prev,
    int have_prev, size_t *best_i, struct sv4_header *best)
{
	struct sv4_header h;
	size_t i;
	int have_best = 0;

	for (i = 0; i < hd->n + 2; i++) {
		if (!hdr_get(hd, i, &h))
			continue;
		if (have_prev && name_cmp(&h, prev) <= 0)
			continue;
		if (!have_best || name_cmp(&h, best) < 0) {
			*best = h;
			*best_i = i;
			have_best = 1;
		}
	}
	return have_best;
}

static void
put_lower(struct sv4_sink *s, const char *p, size_t n)
{
	while (n--)
		sv4_putc(s, (char)lower((unsigned char)*p++));
}

void
sv4_put_headers(struct sv4_sink *s, const struct sv4_hdrs *hd)
{
	struct sv4_header name = { 0 }, prev = { 0 }, h;
	size_t first, i;
	int have = 0;

	while (next_name(hd, &prev, have, &first, &name)) {
		prev = name;
		have = 1;
		put_lower(s, name.name, name.name_len);
		sv4_putc(s, ':');
		put_value(s, name.value, name.value_len);
		for (i = first + 1; i < hd->n + 2; i++)
			if (hdr_get(hd, i, &h) && name_cmp(&h, &name) == 0) {
				sv4_putc(s, ',');
				put_value(s, h.value, h.value_len);
			}
		sv4_putc(s, '\n');
	}
}

void
sv4_put_signed_headers(struct sv4_sink *s, const struct sv4_hdrs *hd)
{
	struct sv4_header name = { 0 }, prev = { 0 };
	size_t first;
	int have = 0;

	while (next_name(hd, &prev, have, &first, &name)) {
		if (have)
			sv4_putc(s, ';');
		prev = name;
		have = 1;
		put_lower(s, name.name, name.name_len);
	}
}

/* ---- the pieces on their own -------------------------------------------- */
int
sv4_canonical_uri(const char *path, size_t path_len, unsigned flags,
    char *out, size_t size, size_t *len)
{
	struct sv4_sink s;
	int rc;

	if ((flags & SV4_S3) && (rc = sv4_check_escapes(path, path_len)) < 0)
		return rc;
	sv4_sink_init(&s, NULL, NULL, out, size);
	sv4_put_uri(&s, path, path_len, flags);
	rc = sv4_sink_end(&s);
	*len = s.len;
	return rc;
}

int
sv4_canonical_query(const char *query, size_t query_len, char *out,
    size_t size, size_t *len)
{
	struct sv4_sink s;
	int rc;

	if ((rc = sv4_check_escapes(query, query_len)) < 0)
		return rc;
	sv4_sink_init(&s, NULL, NULL, out, size);
	sv4_put_query(&s, query, query_len);
	rc = sv4_sink_end(&s);
	*len = s.len;
	return rc;
}
