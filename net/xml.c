/*
 * xml.c — the XML pull reader: tags, text runs, references, checks.
 *
 * Everything is checked when the reader moves over it, so decoding a span
 * later (xml_text, xml_attr_text) cannot fail; the decoder still stays
 * within its span whatever it is given.
 */
#include <string.h>

#include "net/xml.h"

enum { PH_PROLOG, PH_ROOT, PH_EPILOG };

const char *
xml_strerror(int err)
{
	switch (err) {
	case XML_OK: return "success";
	case XML_E_TRUNC: return "XML document truncated";
	case XML_E_SYNTAX: return "malformed XML markup";
	case XML_E_NAME: return "bad XML name";
	case XML_E_MISMATCH: return "XML end tag does not match";
	case XML_E_DEPTH: return "XML nested too deeply";
	case XML_E_CHAR: return "character not allowed in XML";
	case XML_E_REF: return "bad XML entity or character reference";
	case XML_E_DTD: return "XML DOCTYPE not supported";
	case XML_E_TEXT: return "text outside the XML root element";
	case XML_E_ROOT: return "more than one XML root element";
	case XML_E_CHILD: return "XML element where only text was expected";
	case XML_E_STATE: return "XML reader used out of order";
	default: return "unknown XML error";
	}
}

static int
fail(struct xml_rd *r, int err, size_t off)
{
	if (r->err == 0) {
		r->err = err;
		r->err_off = off;
	}
	return r->err;
}

void
xml_init(struct xml_rd *r, const void *buf, size_t len)
{
	memset(r, 0, sizeof *r);
	r->buf = buf;
	r->len = len;
	r->phase = PH_PROLOG;
	/* A UTF-8 byte-order mark. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		r->off = 3;
}

/* ---- characters ----------------------------------------------------------- */

static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A code point XML 1.0 allows (Char production). */
static int
char_ok(unsigned long c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
	    (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/*
 * The length of the allowed character at p (n bytes available): 1..4, or
 * 0 when it is malformed UTF-8 or a character XML forbids.
 */
static size_t
char_len(const unsigned char *p, size_t n)
{
	unsigned long c;
	size_t k, i;

	if (p[0] < 0x80)
		return char_ok(p[0]) ? 1 : 0;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		k = 2;
		c = p[0] & 0x1fu;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		k = 3;
		c = p[0] & 0x0fu;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		k = 4;
		c = p[0] & 0x07u;
	} else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3fu);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && c < 0x10000))
		return 0; /* overlong */
	return char_ok(c) ? k : 0;
}

static int
name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c == ':' || c >= 0x80;
}

static int
name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int
starts(const struct xml_rd *r, const char *s)
{
	size_t n = strlen(s);

	return r->len - r->off >= n && memcmp(r->buf + r->off, s, n) == 0;
}

/* Step over one allowed character, or latch XML_E_CHAR / XML_E_TRUNC. */
static int
step_char(struct xml_rd *r)
{
	const unsigned char *p = (const unsigned char *)r->buf + r->off;
	size_t n = r->len - r->off, k;

	if (n == 0)
		return fail(r, XML_E_TRUNC, r->off);
	k = char_len(p, n);
	if (k == 0)
		return fail(r, XML_E_CHAR, r->off);
	r->off += k;
	return 0;
}

/*
 * A name at r->off: returns its length (>= 1), or a latched negative code.
 * *colon: offset of its colon within the name, or 0 when it has none.
 */
static long
scan_name(struct xml_rd *r, size_t *colon)
{
	size_t start = r->off, k;

	*colon = 0;
	if (r->off >= r->len)
		return fail(r, XML_E_TRUNC, r->off);
	if (!name_start((unsigned char)r->buf[r->off]))
		return fail(r, XML_E_NAME, r->off);
	while (r->off < r->len && name_char((unsigned char)r->buf[r->off])) {
		unsigned char c = (unsigned char)r->buf[r->off];

		if (c == ':') {
			/* One colon, with a prefix and a local part. */
			if (*colon != 0 || r->off == start)
				return fail(r, XML_E_NAME, r->off);
			*colon = r->off - start;
		}
		if (c >= 0x80) {
			k = char_len((const unsigned char *)r->buf + r->off,
			    r->len - r->off);
			if (k == 0)
				return fail(r, XML_E_CHAR, r->off);
			r->off += k;
		} else
			r->off++;
		if (r->off - start > XML_NAME_MAX)
			return fail(r, XML_E_NAME, start);
	}
	if (r->off >= r->len)
		return fail(r, XML_E_TRUNC, r->off);
	if (*colon != 0 && *colon == r->off - start - 1)
		return fail(r, XML_E_NAME, start);
	return (long)(r->off - start);
}

static void
skip_ws(struct xml_rd *r)
{
	while (r->off < r->len && is_ws((unsigned char)r->buf[r->off]))
		r->off++;
}

/* ---- references, comments, PIs, CDATA ----------------------------------- */

static const struct {
	const char *name;
	char c;
} entities[] = {
	{ "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' },
	{ "apos", '\'' },
};

/*
 * Parse the reference at s[0] == '&' within n bytes: returns its length
 * (through ';') and the code point in *cp, or 0 when it is malformed,
 * unknown, or names a character XML forbids.
 */
static size_t
parse_ref(const char *s, size_t n, unsigned long *cp)
{
	size_t i, j;

	if (n >= 3 && s[1] == '#') {
		unsigned long v = 0;
		int hex = s[2] == 'x', digits = 0;

		for (i = hex ? 3 : 2; i < n && s[i] != ';'; i++) {
			unsigned char c = (unsigned char)s[i];
			unsigned d;

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				return 0;
			v = v * (hex ? 16 : 10) + d;
			if (v > 0x10ffff)
				return 0;
			digits++;
		}
		if (i >= n || digits == 0 || !char_ok(v))
			return 0;
		*cp = v;
		return i + 1;
	}
	for (j = 0; j < sizeof entities / sizeof entities[0]; j++) {
		size_t k = strlen(entities[j].name);

		if (n >= k + 2 && memcmp(s + 1, entities[j].name, k) == 0 &&
		    s[k + 1] == ';') {
			*cp = (unsigned char)entities[j].c;
			return k + 2;
		}
	}
	return 0;
}

static int
step_ref(struct xml_rd *r)
{
	unsigned long cp;
	size_t k = parse_ref(r->buf + r->off, r->len - r->off, &cp);

	if (k == 0)
		return fail(r, XML_E_REF, r->off);
	r->off += k;
	return 0;
}

/* Until the terminator term, every character checked; then past it. */
static int
scan_until(struct xml_rd *r, const char *term)
{
	while (!starts(r, term)) {
		if (step_char(r) < 0)
			return r->err;
	}
	r->off += strlen(term);
	return 0;
}

/* At "<!--". */
static int
skip_comment(struct xml_rd *r)
{
	r->off += 4;
	while (!starts(r, "--")) {
		if (step_char(r) < 0)
			return r->err;
	}
	if (!starts(r, "-->"))
		return fail(r, XML_E_SYNTAX, r->off);
	r->off += 3;
	return 0;
}

/* At "<?": a PI (the declaration too when decl is set). */
static int
skip_pi(struct xml_rd *r, int decl)
{
	size_t colon, at = r->off;
	long n;
	const char *t;

	r->off += 2;
	t = r->buf + r->off;
	if ((n = scan_name(r, &colon)) < 0)
		return (int)n;
	if (n == 3 && (t[0] | 0x20) == 'x' && (t[1] | 0x20) == 'm' &&
	    (t[2] | 0x20) == 'l') {
		/* The declaration, only first in the document. */
		if (!decl || memcmp(t, "xml", 3) != 0)
			return fail(r, XML_E_SYNTAX, at);
	}
	if (!starts(r, "?>") && !is_ws((unsigned char)r->buf[r->off]))
		return fail(r, XML_E_SYNTAX, r->off);
	return scan_until(r, "?>");
}

/* At "<![CDATA[": *data set when it holds at least one character. */
static int
skip_cdata(struct xml_rd *r, int *data)
{
	size_t start;

	r->off += 9;
	start = r->off;
	if (scan_until(r, "]]>") < 0)
		return r->err;
	if (r->off - start > 3)
		*data = 1;
	return 0;
}

/* ---- tags ---------------------------------------------------------------- */

static void
set_name(struct xml_rd *r, size_t off, size_t len, size_t colon)
{
	r->name = r->buf + off;
	r->name_len = len;
	r->local = r->name + (colon ? colon + 1 : 0);
	r->local_len = len - (colon ? colon + 1 : 0);
}

/* At '<' + name start. */
static int
start_tag(struct xml_rd *r)
{
	size_t colon, noff, ncolon, at = r->off;
	long n;

	if (r->phase == PH_EPILOG)
		return fail(r, XML_E_ROOT, r->off);
	r->off++;
	noff = r->off;
	if ((n = scan_name(r, &ncolon)) < 0)
		return (int)n;
	r->attrs = r->buf + r->off;
	for (;;) {
		size_t before = r->off;

		skip_ws(r);
		if (r->off >= r->len)
			return fail(r, XML_E_TRUNC, r->off);
		if (r->buf[r->off] == '>' || r->buf[r->off] == '/')
			break;
		if (r->off == before)   /* attributes need whitespace between */
			return fail(r, XML_E_SYNTAX, r->off);
		if (scan_name(r, &colon) < 0)
			return r->err;
		skip_ws(r);
		if (r->off >= r->len)
			return fail(r, XML_E_TRUNC, r->off);
		if (r->buf[r->off] != '=')
			return fail(r, XML_E_SYNTAX, r->off);
		r->off++;
		skip_ws(r);
		if (r->off >= r->len)
			return fail(r, XML_E_TRUNC, r->off);
		{
			char q = r->buf[r->off];

			if (q != '"' && q != '\'')
				return fail(r, XML_E_SYNTAX, r->off);
			r->off++;
			for (;;) {
				if (r->off >= r->len)
					return fail(r, XML_E_TRUNC, r->off);
				if (r->buf[r->off] == q)
					break;
				if (r->buf[r->off] == '<')
					return fail(r, XML_E_SYNTAX, r->off);
				if (r->buf[r->off] == '&' ? step_ref(r) < 0 :
				    step_char(r) < 0)
					return r->err;
			}
			r->off++;
		}
	}
	r->attrs_len = (size_t)(r->buf + r->off - r->attrs);
	if (r->buf[r->off] == '/') {
		r->off++;
		if (r->off >= r->len)
			return fail(r, XML_E_TRUNC, r->off);
		if (r->buf[r->off] != '>')
			return fail(r, XML_E_SYNTAX, r->off);
		r->pending_end = 1;
	}
	r->off++;
	if (r->depth >= XML_DEPTH_MAX)
		return fail(r, XML_E_DEPTH, at);
	r->open[r->depth].off = noff;
	r->open[r->depth].len = (size_t)n;
	r->depth++;
	r->phase = PH_ROOT;
	set_name(r, noff, (size_t)n, ncolon);
	return r->tok = XML_START;
}

/* At "</". */
static int
end_tag(struct xml_rd *r)
{
	size_t colon, noff, at = r->off;
	long n;
	const struct xml_span *top;

	r->off += 2;
	noff = r->off;
	if ((n = scan_name(r, &colon)) < 0)
		return (int)n;
	skip_ws(r);
	if (r->off >= r->len)
		return fail(r, XML_E_TRUNC, r->off);
	if (r->buf[r->off] != '>')
		return fail(r, XML_E_SYNTAX, r->off);
	r->off++;
	if (r->depth == 0)
		return fail(r, XML_E_MISMATCH, at);
	top = &r->open[r->depth - 1];
	if (top->len != (size_t)n ||
	    memcmp(r->buf + top->off, r->buf + noff, (size_t)n) != 0)
		return fail(r, XML_E_MISMATCH, at);
	r->depth--;
	if (r->depth == 0)
		r->phase = PH_EPILOG;
	set_name(r, noff, (size_t)n, colon);
	return r->tok = XML_END;
}

/* Inside the root: a run of text up to the next tag. */
static int
text_run(struct xml_rd *r, int *data)
{
	*data = 0;
	for (;;) {
		unsigned char c;

		if (r->off >= r->len)
			return fail(r, XML_E_TRUNC, r->off);
		c = (unsigned char)r->buf[r->off];
		if (c == '<') {
			if (starts(r, "<!--")) {
				if (skip_comment(r) < 0)
					return r->err;
			} else if (starts(r, "<![CDATA[")) {
				if (skip_cdata(r, data) < 0)
					return r->err;
			} else if (starts(r, "<?")) {
				if (skip_pi(r, 0) < 0)
					return r->err;
			} else if (starts(r, "<!DOCTYPE")) {
				return fail(r, XML_E_DTD, r->off);
			} else if (starts(r, "<!")) {
				return fail(r, XML_E_SYNTAX, r->off);
			} else
				return 0;
			continue;
		}
		if (c == '&') {
			if (step_ref(r) < 0)
				return r->err;
		} else if (c == ']' && starts(r, "]]>")) {
			return fail(r, XML_E_SYNTAX, r->off);
		} else if (step_char(r) < 0)
			return r->err;
		*data = 1;
	}
}

/* Outside the root: whitespace, comments, PIs; stop at '<' of a tag. */
static int
misc(struct xml_rd *r)
{
	for (;;) {
		skip_ws(r);
		if (r->off >= r->len)
			return 0;
		if (r->buf[r->off] != '<')
			return fail(r, XML_E_TEXT, r->off);
		if (starts(r, "<!--")) {
			if (skip_comment(r) < 0)
				return r->err;
		} else if (starts(r, "<?")) {
			if (skip_pi(r, 0) < 0)
				return r->err;
		} else if (starts(r, "<!DOCTYPE")) {
			return fail(r, XML_E_DTD, r->off);
		} else if (starts(r, "<!")) {
			return fail(r, XML_E_SYNTAX, r->off);
		} else
			return 0;
	}
}

int
xml_next(struct xml_rd *r)
{
	if (r->err)
		return r->err;
	if (r->pending_end) {
		const struct xml_span *top = &r->open[r->depth - 1];
		size_t colon = (size_t)(r->local - r->name);

		r->pending_end = 0;
		r->depth--;
		if (r->depth == 0)
			r->phase = PH_EPILOG;
		set_name(r, top->off, top->len, colon ? colon - 1 : 0);
		return r->tok = XML_END;
	}
	if (r->phase != PH_ROOT) {
		size_t decl_off = (r->len >= 3 &&
		    memcmp(r->buf, "\xef\xbb\xbf", 3) == 0) ? 3 : 0;

		/* The declaration: first in the document, before any blank. */
		if (r->phase == PH_PROLOG && r->off == decl_off &&
		    starts(r, "<?xml") && r->len - r->off > 5 &&
		    is_ws((unsigned char)r->buf[r->off + 5]) &&
		    skip_pi(r, 1) < 0)
			return r->err;
		if (misc(r) < 0)
			return r->err;
		if (r->off >= r->len) {
			if (r->phase == PH_PROLOG)
				return fail(r, XML_E_TRUNC, r->off);
			return r->tok = XML_EOF;
		}
		if (r->off + 1 >= r->len)
			return fail(r, XML_E_TRUNC, r->off);
		if (r->buf[r->off + 1] == '/')
			return fail(r, XML_E_MISMATCH, r->off);
		return start_tag(r);
	}
	for (;;) {
		size_t start = r->off;
		int data;

		if (text_run(r, &data) < 0)
			return r->err;
		if (data) {
			r->text = r->buf + start;
			r->text_len = r->off - start;
			return r->tok = XML_TEXT;
		}
		/* At '<' that is not a comment, CDATA or PI. */
		if (r->off + 1 >= r->len)
			return fail(r, XML_E_TRUNC, r->off);
		if (r->buf[r->off + 1] == '/')
			return end_tag(r);
		if (!name_start((unsigned char)r->buf[r->off + 1]))
			return fail(r, XML_E_NAME, r->off + 1);
		return start_tag(r);
	}
}

int
xml_is(const struct xml_rd *r, const char *local)
{
	size_t n = strlen(local);

	return (r->tok == XML_START || r->tok == XML_END) && r->err == 0 &&
	    r->local_len == n && memcmp(r->local, local, n) == 0;
}

/* ---- decoding ---------------------------------------------------------- */

struct out {
	char *buf;
	size_t cap;
	size_t n;
};

static void
put(struct out *o, const char *p, size_t n)
{
	if (o->n < o->cap) {
		size_t room = o->cap - o->n;

		memcpy(o->buf + o->n, p, n < room ? n : room);
	}
	o->n += n;
}

static void
put_cp(struct out *o, unsigned long c)
{
	char u[4];
	size_t k;

	if (c < 0x80) {
		u[0] = (char)c;
		k = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		k = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | (c >> 6 & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		k = 3;
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | (c >> 12 & 0x3f));
		u[2] = (char)(0x80 | (c >> 6 & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		k = 4;
	}
	put(o, u, k);
}

/* Where term next occurs in s[i..n), or n. */
static size_t
find(const char *s, size_t n, size_t i, const char *term)
{
	size_t k = strlen(term);

	for (; i + k <= n; i++) {
		if (memcmp(s + i, term, k) == 0)
			return i;
	}
	return n;
}

/*
 * Decode s[0..n): references, CDATA, comments and PIs left out, CR LF and
 * lone CR to LF; attr: TAB, LF and CR (as written) to spaces.
 */
static size_t
decode(const char *s, size_t n, char *out, size_t cap, int attr)
{
	struct out o = { out, cap, 0 };
	size_t i = 0, e;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		unsigned long cp;

		if (c == '&') {
			e = parse_ref(s + i, n - i, &cp);
			if (e == 0) {
				put(&o, s + i, 1);
				i++;
			} else {
				put_cp(&o, cp);
				i += e;
			}
		} else if (c == '<' && n - i >= 9 &&
		    memcmp(s + i, "<![CDATA[", 9) == 0) {
			size_t b = i + 9, t = find(s, n, b, "]]>");
			size_t j;

			/* Line ends are normalised inside CDATA too. */
			for (j = b; j < t; j++) {
				if (s[j] == '\r') {
					put(&o, "\n", 1);
					if (j + 1 < t && s[j + 1] == '\n')
						j++;
				} else
					put(&o, s + j, 1);
			}
			i = t + 3 < n ? t + 3 : n;
		} else if (c == '<' && n - i >= 4 &&
		    memcmp(s + i, "<!--", 4) == 0) {
			e = find(s, n, i + 4, "-->");
			i = e + 3 < n ? e + 3 : n;
		} else if (c == '<' && n - i >= 2 && s[i + 1] == '?') {
			e = find(s, n, i + 2, "?>");
			i = e + 2 < n ? e + 2 : n;
		} else if (c == '\r') {
			put(&o, attr ? " " : "\n", 1);
			i++;
			if (i < n && s[i] == '\n')
				i++;
		} else if (attr && (c == '\t' || c == '\n')) {
			put(&o, " ", 1);
			i++;
		} else {
			put(&o, s + i, 1);
			i++;
		}
	}
	if (cap > 0)
		out[o.n < cap ? o.n : cap - 1] = '\0';
	return o.n;
}

size_t
xml_text(const struct xml_rd *r, char *out, size_t cap)
{
	if (r->tok != XML_TEXT || r->err) {
		if (cap > 0)
			out[0] = '\0';
		return 0;
	}
	return decode(r->text, r->text_len, out, cap, 0);
}

long
xml_leaf(struct xml_rd *r, char *out, size_t cap)
{
	size_t n = 0;
	int t;

	if (cap > 0)
		out[0] = '\0';
	if (r->err)
		return r->err;
	if (r->tok != XML_START)
		return XML_E_STATE;
	t = xml_next(r);
	if (t == XML_TEXT) {
		n = xml_text(r, out, cap);
		t = xml_next(r);
	}
	if (t < 0)
		return t;
	if (t != XML_END)
		return fail(r, XML_E_CHILD, (size_t)(r->name - r->buf));
	return (long)n;
}

int
xml_skip(struct xml_rd *r)
{
	unsigned d = r->depth;
	int t;

	if (r->err)
		return r->err;
	if (r->tok != XML_START)
		return XML_E_STATE;
	do {
		t = xml_next(r);
		if (t < 0)
			return t;
	} while (!(t == XML_END && r->depth < d));
	return 0;
}

/* ---- attributes ---------------------------------------------------------- */

int
xml_attr_next(const struct xml_rd *r, size_t *pos, struct xml_attr *a)
{
	const char *s = r->attrs;
	size_t n = r->attrs_len, i = *pos, b;
	char q;

	if (r->tok != XML_START || r->err)
		return 0;
	while (i < n && is_ws((unsigned char)s[i]))
		i++;
	if (i >= n)
		return 0;
	/* Checked by start_tag(): name, blanks, '=', blanks, quoted value. */
	b = i;
	a->name = s + b;
	a->local = a->name;
	while (i < n && s[i] != '=' && !is_ws((unsigned char)s[i])) {
		if (s[i] == ':')
			a->local = s + i + 1;
		i++;
	}
	a->name_len = i - b;
	a->local_len = (size_t)(s + i - a->local);
	while (i < n && s[i] != '\'' && s[i] != '"')
		i++;
	if (i >= n)
		return 0;
	q = s[i++];
	b = i;
	while (i < n && s[i] != q)
		i++;
	a->value = s + b;
	a->value_len = i - b;
	*pos = i < n ? i + 1 : n;
	return 1;
}

size_t
xml_attr_text(const struct xml_attr *a, char *out, size_t cap)
{
	return decode(a->value, a->value_len, out, cap, 1);
}
