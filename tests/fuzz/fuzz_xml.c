/*
 * fuzz_xml.c — the XML pull reader on arbitrary bytes.
 *
 * Input: one flags byte, then the document.  The document is read three
 * ways and the results must agree:
 *   1. token by token: names well-formed and balanced (checked against
 *      our own stack), depth and name limits held, text decoded whole and
 *      cut (flags pick the cut) to valid UTF-8 without NULs and never
 *      longer than its raw form, attributes decoded;
 *   2. as a consumer would: xml_leaf() or xml_skip() at some STARTs (the
 *      flags pick which), which may only add an XML_E_CHILD;
 *   3. a document that parsed is written back out (self-closing tags
 *      expanded, text re-escaped) and must parse to the same tokens.
 * Errors must be sticky.
 */
#include <stdlib.h>
#include <string.h>

#include "net/xml.h"
#include "tests/fuzz/fuzz.h"

#define MAX_IN 65536
#define MAX_TOKENS 8192

/* What pass 1 saw, for pass 3 to compare with. */
struct tok {
	int t;
	size_t a, n;    /* name or decoded text: in names[] / texts[] */
};

static struct tok toks[MAX_TOKENS];
static size_t ntoks;
static char texts[MAX_IN + 64];
static size_t texts_n;
static char out[6 * MAX_IN + 64];
static size_t out_n;
static char dec[MAX_IN + 1], cut[MAX_IN + 1];

static int
utf8_ok(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t k, j;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
		if (k == 0 || c > 0xf4 || i + k > n)
			return 0;
		for (j = 1; j < k; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
		}
		i += k;
	}
	return 1;
}

static void
emit(const char *p, size_t n)
{
	if (out_n + n > sizeof out)
		abort();
	memcpy(out + out_n, p, n);
	out_n += n;
}

static void
emit_text(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (p[i]) {
		case '<': emit("&lt;", 4); break;
		case '>': emit("&gt;", 4); break;
		case '&': emit("&amp;", 5); break;
		case '\r': emit("&#13;", 5); break;
		default: emit(p + i, 1);
		}
	}
}

/* Decode the current TEXT token whole and cut; check both. */
static size_t
check_text(const struct xml_rd *r, size_t cap)
{
	size_t n = xml_text(r, dec, sizeof dec), m;

	if (n > r->text_len || n == 0 || n >= sizeof dec)
		abort();
	if (strlen(dec) != n || !utf8_ok((const unsigned char *)dec, n))
		abort();
	m = xml_text(r, cut, cap);
	if (m != n || (cap > 0 && (strlen(cut) != (n < cap ? n : cap - 1) ||
	    memcmp(cut, dec, strlen(cut)) != 0)))
		abort();
	return n;
}

static void
check_sticky(struct xml_rd *r, int rc)
{
	char b[4];

	if (r->err != rc || xml_next(r) != rc || xml_leaf(r, b, sizeof b) != rc ||
	    xml_skip(r) != rc)
		abort();
}

/* Pass 1: every token; record them; write the document back out. */
static int
pass1(const char *doc, size_t size, size_t cap, size_t *err_off, int record)
{
	struct xml_rd r;
	struct xml_span stack[XML_DEPTH_MAX];
	unsigned depth = 0;
	int t;

	xml_init(&r, doc, size);
	while ((t = xml_next(&r)) > 0) {
		if (t == XML_TEXT) {
			size_t n = check_text(&r, cap);

			if (depth == 0)
				abort();
			if (record && ntoks < MAX_TOKENS) {
				toks[ntoks].t = t;
				toks[ntoks].a = texts_n;
				toks[ntoks].n = n;
				ntoks++;
				memcpy(texts + texts_n, dec, n);
				texts_n += n;
			}
			if (record)
				emit_text(dec, n);
			continue;
		}
		if (r.name_len == 0 || r.name_len > XML_NAME_MAX ||
		    r.local_len == 0 || r.local + r.local_len !=
		    r.name + r.name_len || r.name < doc ||
		    r.name + r.name_len > doc + size)
			abort();
		if (t == XML_START) {
			struct xml_attr a;
			size_t pos = 0, na = 0;

			if (depth >= XML_DEPTH_MAX || r.depth != depth + 1)
				abort();
			stack[depth].off = (size_t)(r.name - doc);
			stack[depth].len = r.name_len;
			depth++;
			while (xml_attr_next(&r, &pos, &a)) {
				size_t n = xml_attr_text(&a, dec, sizeof dec);

				if (n > a.value_len || strlen(dec) != n ||
				    a.name_len == 0 || ++na > r.attrs_len)
					abort();
			}
			if (record) {
				emit("<", 1);
				emit(r.name, r.name_len);
				emit(r.attrs, r.attrs_len);
				emit(">", 1);
			}
		} else {
			if (depth == 0 || r.depth != depth - 1 ||
			    stack[depth - 1].len != r.name_len ||
			    memcmp(doc + stack[depth - 1].off, r.name,
			    r.name_len) != 0)
				abort();
			depth--;
			if (record) {
				emit("</", 2);
				emit(r.name, r.name_len);
				emit(">", 1);
			}
		}
		if (record && ntoks < MAX_TOKENS) {
			toks[ntoks].t = t;
			toks[ntoks].a = (size_t)(r.name - doc);
			toks[ntoks].n = r.name_len;
			ntoks++;
		}
	}
	if (t == XML_EOF && depth != 0)
		abort();
	if (t < 0) {
		*err_off = r.err_off;
		if (r.err_off > size)
			abort();
		check_sticky(&r, t);
	}
	return t;
}

/* Pass 2: a consumer's way through, choosing by the flags and names. */
static int
pass2(const char *doc, size_t size, unsigned flags, size_t *err_off)
{
	struct xml_rd r;
	char b[64];
	int t;

	xml_init(&r, doc, size);
	while ((t = xml_next(&r)) > 0) {
		unsigned h;
		long n;

		if (t != XML_START)
			continue;
		h = (unsigned)r.name[0] + (unsigned)r.name_len + flags;
		if (h % 3 == 0) {
			n = xml_leaf(&r, b, sizeof b);
			if (n >= 0 && (r.tok != XML_END || strlen(b) !=
			    ((size_t)n < sizeof b ? (size_t)n : sizeof b - 1)))
				abort();
			if (n < 0) {
				t = (int)n;
				break;
			}
		} else if (h % 3 == 1) {
			unsigned d = r.depth;

			t = xml_skip(&r);
			if (t < 0)
				break;
			if (r.tok != XML_END || r.depth != d - 1)
				abort();
		}
	}
	if (t < 0) {
		*err_off = r.err_off;
		check_sticky(&r, t);
	}
	return t;
}

/* Pass 3: the written-back document gives the same tokens. */
static void
pass3(const char *doc)
{
	struct xml_rd r;
	size_t i = 0;
	int t;

	xml_init(&r, out, out_n);
	while ((t = xml_next(&r)) > 0 && i < ntoks) {
		const struct tok *k = &toks[i++];

		if (t != k->t)
			abort();
		if (t == XML_TEXT) {
			size_t n = xml_text(&r, dec, sizeof dec);

			if (n != k->n || memcmp(dec, texts + k->a, n) != 0)
				abort();
		} else if (r.name_len != k->n ||
		    memcmp(r.name, doc + k->a, k->n) != 0)
			abort();
	}
	if (i == ntoks && t != XML_EOF && ntoks < MAX_TOKENS)
		abort();
	if (t < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *doc = (const char *)data + 1;
	size_t n, off1 = 0, off2 = 0, cap;
	unsigned flags;
	int rc1, rc2;

	if (size < 1 || size - 1 > MAX_IN)
		return 0;
	flags = data[0];
	n = size - 1;
	cap = flags & 0x0f;
	ntoks = 0;
	texts_n = 0;
	out_n = 0;
	rc1 = pass1(doc, n, cap, &off1, 1);
	rc2 = pass2(doc, n, flags >> 4, &off2);
	/* Leaf reading may only stop earlier, at an element inside text. */
	if (rc2 != rc1 && !(rc2 == XML_E_CHILD && (rc1 == XML_EOF ||
	    off2 <= off1)))
		abort();
	if (rc2 == rc1 && rc1 < 0 && off1 != off2)
		abort();
	if (rc1 == XML_EOF)
		pass3(doc);
	return 0;
}
