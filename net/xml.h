/*
 * xml.h — a minimal, bounded XML pull reader over one byte buffer.
 *
 * For the small, data-oriented documents web APIs answer with.  The
 * caller holds the whole document in memory and pulls tokens one at a
 * time: a start tag, an end tag, or a run of text.  Nothing is allocated
 * or copied: names and raw text point into the caller's buffer, and text
 * is decoded only when asked, into the caller's buffer, snprintf-style.
 *
 * What it accepts (XML 1.0, UTF-8 only, without DTDs):
 *   - an optional UTF-8 byte-order mark and XML declaration <?xml ...?>;
 *   - comments <!-- --> and processing instructions <?target ...?>
 *     anywhere outside tags (skipped; "--" inside a comment is an error);
 *   - exactly one root element; only whitespace, comments and PIs before
 *     and after it;
 *   - start tags with attributes (well-formed, not checked for repeats),
 *     empty-element tags <a/> (reported as a start then an end),
 *     end tags that must name the innermost open element exactly;
 *   - text with the five predefined entities, decimal and hexadecimal
 *     character references (decoded to UTF-8), CDATA sections, and line
 *     ends normalised to LF.
 * Rejected: a DOCTYPE (so no entity expansion of any kind), any other
 * named entity, "]]>" in text, "<" in attribute values, control
 * characters other than TAB, LF and CR, malformed UTF-8, characters XML
 * forbids (U+FFFE, U+FFFF, surrogates), names with more than one colon,
 * nesting deeper than XML_DEPTH_MAX, names longer than XML_NAME_MAX.
 *
 * Namespaces: a name "p:local" is split at its colon; xml_is() compares
 * the local part only, so a document may use any prefix or none, and any
 * xmlns declaration (attributes are not interpreted).
 *
 * Errors are sticky: the first one is latched with the offset where it was
 * found, and every later call returns it.
 *
 * Typical use:
 *
 *	xml_init(&x, body, len);
 *	while ((t = xml_next(&x)) > 0) {
 *		if (t == XML_START && xml_is(&x, "Value"))
 *			n = xml_leaf(&x, buf, sizeof buf);
 *		...
 *	}
 *	if (t < 0) ...x.err, x.err_off...
 */
#ifndef XFRSYNC_NET_XML_H
#define XFRSYNC_NET_XML_H

#include <stddef.h>

#define XML_DEPTH_MAX 32   /* open elements at once */
#define XML_NAME_MAX 256   /* bytes of an element or attribute name */

/* Tokens returned by xml_next(); 0 is the end of the document. */
enum xml_tok {
	XML_EOF = 0,    /* the root element has ended (and nothing follows) */
	XML_START = 1,  /* a start tag: name, local, attrs */
	XML_END = 2,    /* an end tag (or the end of <a/>): name, local */
	XML_TEXT = 3    /* character data: text, text_len (raw, undecoded) */
};

enum xml_err {
	XML_OK = 0,
	XML_E_TRUNC = -1,    /* the input ends inside the document */
	XML_E_SYNTAX = -2,   /* malformed markup */
	XML_E_NAME = -3,     /* bad or over-long name */
	XML_E_MISMATCH = -4, /* end tag does not match the open element */
	XML_E_DEPTH = -5,    /* nesting deeper than XML_DEPTH_MAX */
	XML_E_CHAR = -6,     /* character XML forbids, or malformed UTF-8 */
	XML_E_REF = -7,      /* unknown entity or bad character reference */
	XML_E_DTD = -8,      /* DOCTYPE (not supported) */
	XML_E_TEXT = -9,     /* text outside the root element */
	XML_E_ROOT = -10,    /* more than one root element */
	XML_E_CHILD = -11,   /* xml_leaf(): an element inside the element */
	XML_E_STATE = -12    /* call does not fit the current token */
};

/* A short English description of an XML_E_* code (never NULL). */
const char *xml_strerror(int err);

struct xml_span {
	size_t off;
	size_t len;
};

struct xml_rd {
	const char *buf;
	size_t len;
	size_t off;            /* next byte to read */
	int err;               /* 0 or the first XML_E_* met */
	size_t err_off;        /* where it was met */
	int tok;               /* the current token (XML_EOF before the first) */
	/* START and END: the qualified name and its local part. */
	const char *name;
	size_t name_len;
	const char *local;
	size_t local_len;
	/* START: the attributes as written (for xml_attr_next()). */
	const char *attrs;
	size_t attrs_len;
	/* TEXT: the raw run, markup included (for xml_text()). */
	const char *text;
	size_t text_len;
	/* Open elements (the current START included); ENDs pop them. */
	unsigned depth;
	/* private */
	int phase;             /* before, inside, after the root element */
	int pending_end;       /* <a/> reported as START: END comes next */
	struct xml_span open[XML_DEPTH_MAX];
};

void xml_init(struct xml_rd *r, const void *buf, size_t len);

/*
 * The next token: XML_START, XML_END or XML_TEXT (> 0), XML_EOF (0) once
 * the root element has closed and only comments, PIs and whitespace
 * followed, or a negative XML_E_* code.
 *
 * A TEXT token is the whole run of character data between two tags:
 * text, references, CDATA sections, with comments and PIs inside it left
 * out when decoded.  It is reported even when it is only whitespace; a
 * run made only of comments or PIs is not reported.  Empty CDATA counts
 * as nothing.
 */
int xml_next(struct xml_rd *r);

/* The current START or END has this local name (ASCII, exact case). */
int xml_is(const struct xml_rd *r, const char *local);

/*
 * Decode the current TEXT token into out (cap bytes, NUL-terminated when
 * cap > 0).  Returns the decoded length, snprintf-style: when it is
 * >= cap the text was cut.  Decoded text is valid UTF-8 without NULs and
 * never longer than the raw text.
 */
size_t xml_text(const struct xml_rd *r, char *out, size_t cap);

/*
 * At a START: read the element's text up to and including its END, and
 * decode it into out as xml_text() does ("" for <a/> and <a></a>).
 * Returns the decoded length (>= cap when cut), or a negative code:
 * XML_E_CHILD (latched) when an element is nested inside, XML_E_STATE
 * when the current token is not a START.
 */
long xml_leaf(struct xml_rd *r, char *out, size_t cap);

/* At a START: skip to the end of that element.  0 or a negative code. */
int xml_skip(struct xml_rd *r);

struct xml_attr {
	const char *name;
	size_t name_len;
	const char *local;
	size_t local_len;
	const char *value;     /* raw, between the quotes */
	size_t value_len;
};

/*
 * Iterate over the current START's attributes: *pos starts at 0.  Returns
 * 1 and fills *a, or 0 after the last one (the tag was checked already).
 */
int xml_attr_next(const struct xml_rd *r, size_t *pos, struct xml_attr *a);

/* Decode an attribute value as xml_text() does (whitespace → space). */
size_t xml_attr_text(const struct xml_attr *a, char *out, size_t cap);

#endif
