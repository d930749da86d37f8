/*
 * test_xml.c — net/xml: tokens, names and namespaces, references, CDATA,
 * comments, line ends, every malformed case with its code and offset,
 * sticky errors, leaf text, skipping, attributes, every prefix of a
 * document.
 */
#include <stdio.h>
#include <string.h>

#include "net/xml.h"
#include "tests/unit/unit.h"

/*
 * The tokens of a document as one string: <name> for a START (qualified
 * name), </name> for an END, [text] for decoded TEXT; "!CODE@OFF" on an
 * error.
 */
static const char *
trace_n(const char *doc, size_t n)
{
	static char out[4096];
	char text[1024];
	struct xml_rd r;
	size_t o = 0;
	int t;

	out[0] = '\0';
	xml_init(&r, doc, n);
	while ((t = xml_next(&r)) > 0 && o < sizeof out - 64) {
		if (t == XML_TEXT) {
			xml_text(&r, text, sizeof text);
			o += (size_t)snprintf(out + o, sizeof out - o, "[%s]", text);
		} else
			o += (size_t)snprintf(out + o, sizeof out - o, "<%s%.*s>",
			    t == XML_END ? "/" : "", (int)r.name_len, r.name);
	}
	if (t < 0)
		snprintf(out + o, sizeof out - o, "!%d@%zu", t, r.err_off);
	return out;
}

static const char *
trace(const char *doc)
{
	return trace_n(doc, strlen(doc));
}

/* The error code of a document (0 when it parses). */
static int
verdict(const char *doc)
{
	struct xml_rd r;
	int t;

	xml_init(&r, doc, strlen(doc));
	while ((t = xml_next(&r)) > 0)
		;
	return t;
}

UNIT_TEST(xml_tokens)
{
	CHECK_STR(trace("<a/>"), "<a></a>");
	CHECK_STR(trace("<a></a>"), "<a></a>");
	CHECK_STR(trace("<a>x</a>"), "<a>[x]</a>");
	CHECK_STR(trace("<a><b>1</b><c/>tail</a>"),
	    "<a><b>[1]</b><c></c>[tail]</a>");
	CHECK_STR(trace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r>\n"
	    "  <v>1</v>\n</r>\n"), "<r>[\n  ]<v>[1]</v>[\n]</r>");
	/* Spaces inside tags, before '>' of an end tag. */
	CHECK_STR(trace("<a  x = 'y' >t</a >"), "<a>[t]</a>");
	/* A UTF-8 BOM, then the declaration. */
	CHECK_STR(trace("\xef\xbb\xbf<?xml version='1.0'?><a/>"), "<a></a>");
	/* Comments and PIs in the prolog, epilog and content. */
	CHECK_STR(trace("<!-- c --><?pi x?>\n<a><!--in--><?p?></a>\n<!--e-->"
	    "<?q?>\n"), "<a></a>");
	/* Names with digits, dots, dashes, underscores, non-ASCII. */
	CHECK_STR(trace("<a.b-c_1><\xc3\xa9t\xc3\xa9/></a.b-c_1>"),
	    "<a.b-c_1><\xc3\xa9t\xc3\xa9></\xc3\xa9t\xc3\xa9></a.b-c_1>");
}

UNIT_TEST(xml_text_runs)
{
	/* One run across comments, CDATA and PIs. */
	CHECK_STR(trace("<a>x<!-- no -->y<![CDATA[<z>&amp;]]><?p i?>w</a>"),
	    "<a>[xy<z>&amp;w]</a>");
	/* A run of only comments is not text; empty CDATA is nothing. */
	CHECK_STR(trace("<a><!--c--><![CDATA[]]></a>"), "<a></a>");
	CHECK_STR(trace("<a><![CDATA[ ]]></a>"), "<a>[ ]</a>");
	/* Predefined entities. */
	CHECK_STR(trace("<a>&lt;&gt;&amp;&quot;&apos;</a>"),
	    "<a>[<>&\"']</a>");
	/* '>' and ']' alone are fine in text. */
	CHECK_STR(trace("<a>a>b]c]]d</a>"), "<a>[a>b]c]]d]</a>");
	/* Character references to UTF-8. */
	CHECK_STR(trace("<a>&#65;&#x42;&#x63;&#233;&#xE9;&#x20AC;&#x1F600;"
	    "&#9;&#10;&#13;</a>"),
	    "<a>[ABc\xc3\xa9\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\t\n\r]</a>");
	/* Raw UTF-8 passes through. */
	CHECK_STR(trace("<a>ex\xc3\xa4mple \xe2\x82\xac</a>"),
	    "<a>[ex\xc3\xa4mple \xe2\x82\xac]</a>");
	/* Line ends: CR LF and lone CR to LF, also in CDATA. */
	CHECK_STR(trace("<a>1\r\n2\r3\n<![CDATA[4\r\n5\r]]></a>"),
	    "<a>[1\n2\n3\n4\n5\n]</a>");
	/* A backslash and octal escapes are plain text to XML. */
	CHECK_STR(trace("<a>\\052.example.com.</a>"),
	    "<a>[\\052.example.com.]</a>");
}

UNIT_TEST(xml_namespaces)
{
	struct xml_rd r;

	static const char doc[] =
	    "<ns:Resp xmlns:ns=\"urn:a\" xmlns=\"urn:b\"><ns:Id>1</ns:Id>"
	    "<Id>2</Id></ns:Resp>";

	xml_init(&r, doc, sizeof doc - 1);
	CHECK_INT(xml_next(&r), XML_START);
	CHECK(xml_is(&r, "Resp"));
	CHECK(!xml_is(&r, "ns:Resp"));
	CHECK(!xml_is(&r, "Res"));
	CHECK(!xml_is(&r, "resp"));
	CHECK_INT((int)r.name_len, 7);
	CHECK_INT(xml_next(&r), XML_START);
	CHECK(xml_is(&r, "Id"));
	CHECK_INT(xml_next(&r), XML_TEXT);
	CHECK_INT(xml_next(&r), XML_END);
	CHECK(xml_is(&r, "Id"));
	CHECK_INT(xml_next(&r), XML_START);
	CHECK(xml_is(&r, "Id"));
	CHECK_INT(xml_next(&r), XML_TEXT);
	CHECK_INT(xml_next(&r), XML_END);
	CHECK_INT(xml_next(&r), XML_END);
	CHECK(xml_is(&r, "Resp"));
	CHECK_INT(xml_next(&r), XML_EOF);
	CHECK_INT(xml_next(&r), XML_EOF);
	/* End tags must repeat the prefix exactly. */
	CHECK_INT(verdict("<p:a xmlns:p='u'></a>"), XML_E_MISMATCH);
	CHECK_INT(verdict("<p:a xmlns:p='u'></q:a>"), XML_E_MISMATCH);
	/* One colon, with something on both sides. */
	CHECK_INT(verdict("<a:b:c/>"), XML_E_NAME);
	CHECK_INT(verdict("<:a/>"), XML_E_NAME);
	CHECK_INT(verdict("<a:/>"), XML_E_NAME);
	CHECK_INT(verdict("<a x:y:z='1'/>"), XML_E_NAME);
}

static const struct {
	const char *doc;
	int err;
	size_t off;
} bad[] = {
	/* truncation */
	{ "", XML_E_TRUNC, 0 },
	{ "   ", XML_E_TRUNC, 3 },
	{ "<?xml version='1.0'?>", XML_E_TRUNC, 21 },
	{ "<", XML_E_TRUNC, 0 },
	{ "<a", XML_E_TRUNC, 2 },
	{ "<a>", XML_E_TRUNC, 3 },
	{ "<a>text", XML_E_TRUNC, 7 },
	{ "<a><b></b>", XML_E_TRUNC, 10 },
	{ "<a x='1", XML_E_TRUNC, 7 },
	{ "<a><!-- c", XML_E_TRUNC, 9 },
	{ "<a><![CDATA[x", XML_E_TRUNC, 13 },
	{ "<a>&amp", XML_E_REF, 3 },
	{ "<a></a", XML_E_TRUNC, 6 },
	{ "<a/", XML_E_TRUNC, 3 },
	/* nesting */
	{ "<a><b></a></b>", XML_E_MISMATCH, 6 },
	{ "<a></b>", XML_E_MISMATCH, 3 },
	{ "</a>", XML_E_MISMATCH, 0 },
	{ "<a></a></a>", XML_E_MISMATCH, 7 },
	{ "<a></ab>", XML_E_MISMATCH, 3 },
	{ "<ab></a>", XML_E_MISMATCH, 4 },
	{ "<a/><b/>", XML_E_ROOT, 4 },
	{ "<a></a>x", XML_E_TEXT, 7 },
	{ "x<a/>", XML_E_TEXT, 0 },
	/* markup */
	{ "<a x='1'y='2'/>", XML_E_SYNTAX, 8 },
	{ "<a x=1/>", XML_E_SYNTAX, 5 },
	{ "<a x/>", XML_E_SYNTAX, 4 },
	{ "<a x='<'/>", XML_E_SYNTAX, 6 },
	{ "<a x='&bogus;'/>", XML_E_REF, 6 },
	{ "<a/ >", XML_E_SYNTAX, 3 },
	{ "< a/>", XML_E_NAME, 1 },
	{ "<1a/>", XML_E_NAME, 1 },
	{ "<a><1/></a>", XML_E_NAME, 4 },
	{ "<a></ a>", XML_E_NAME, 5 },
	{ "<a></a x>", XML_E_SYNTAX, 7 },
	{ "<a>]]></a>", XML_E_SYNTAX, 3 },
	{ "<a><!-- a -- b --></a>", XML_E_SYNTAX, 10 },
	{ "<a><!-- x ---></a>", XML_E_SYNTAX, 10 },
	{ "<a><!x></a>", XML_E_SYNTAX, 3 },
	{ "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", XML_E_DTD, 0 },
	{ "<a><!DOCTYPE a></a>", XML_E_DTD, 3 },
	{ " <?xml version='1.0'?><a/>", XML_E_SYNTAX, 1 },
	{ "<a/><?xml version='1.0'?>", XML_E_SYNTAX, 4 },
	{ "<a><?XmL x?></a>", XML_E_SYNTAX, 3 },
	{ "<?xml version='1.0'?><?xml version='1.0'?><a/>", XML_E_SYNTAX, 21 },
	{ "<a><?pi", XML_E_TRUNC, 7 },
	{ "<a><?pi?x?></a>", XML_E_SYNTAX, 7 },
	/* references */
	{ "<a>&foo;</a>", XML_E_REF, 3 },
	{ "<a>&amp </a>", XML_E_REF, 3 },
	{ "<a>& </a>", XML_E_REF, 3 },
	{ "<a>&#;</a>", XML_E_REF, 3 },
	{ "<a>&#x;</a>", XML_E_REF, 3 },
	{ "<a>&#0;</a>", XML_E_REF, 3 },
	{ "<a>&#1;</a>", XML_E_REF, 3 },
	{ "<a>&#xD800;</a>", XML_E_REF, 3 },
	{ "<a>&#xFFFE;</a>", XML_E_REF, 3 },
	{ "<a>&#x110000;</a>", XML_E_REF, 3 },
	{ "<a>&#99999999999999999999;</a>", XML_E_REF, 3 },
	{ "<a>&#x4G;</a>", XML_E_REF, 3 },
	{ "<a>&#X41;</a>", XML_E_REF, 3 },
	{ "<a>&AMP;</a>", XML_E_REF, 3 },
	/* characters */
	{ "<a>\x01</a>", XML_E_CHAR, 3 },
	{ "<a>\x7f\x1b</a>", XML_E_CHAR, 4 },
	{ "<a>\xff</a>", XML_E_CHAR, 3 },
	{ "<a>\xc0\x80</a>", XML_E_CHAR, 3 },
	{ "<a>\xe0\x80\x80</a>", XML_E_CHAR, 3 },
	{ "<a>\xed\xa0\x80</a>", XML_E_CHAR, 3 },
	{ "<a>\xef\xbf\xbe</a>", XML_E_CHAR, 3 },
	{ "<a>\xf4\x90\x80\x80</a>", XML_E_CHAR, 3 },
	{ "<a>\xc3</a>", XML_E_CHAR, 3 },
	{ "<a x='\x02'/>", XML_E_CHAR, 6 },
	{ "<a><!--\x03--></a>", XML_E_CHAR, 7 },
	{ "<a><![CDATA[\x04]]></a>", XML_E_CHAR, 12 },
	{ "<\xc3\x28/>", XML_E_CHAR, 1 },
};

UNIT_TEST(xml_malformed)
{
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct xml_rd r;
		int t;

		xml_init(&r, bad[i].doc, strlen(bad[i].doc));
		while ((t = xml_next(&r)) > 0)
			;
		if (t != bad[i].err || r.err_off != bad[i].off) {
			printf("  bad[%zu] \"%s\": %d@%zu, want %d@%zu\n", i,
			    bad[i].doc, t, r.err_off, bad[i].err, bad[i].off);
			CHECK(0);
		}
		/* Sticky. */
		CHECK_INT(r.err, t);
		CHECK_INT(xml_next(&r), t);
		CHECK_INT(xml_next(&r), t);
	}
	/* A NUL byte inside (the length says where the input ends). */
	CHECK_STR(trace_n("<a>\0</a>", 8), "<a>!-6@3");
}

UNIT_TEST(xml_limits)
{
	static char doc[4096];
	size_t o = 0;
	int i;

	/* XML_DEPTH_MAX open elements are fine, one more is not. */
	for (i = 0; i < XML_DEPTH_MAX; i++)
		o += (size_t)snprintf(doc + o, sizeof doc - o, "<e>");
	for (i = 0; i < XML_DEPTH_MAX; i++)
		o += (size_t)snprintf(doc + o, sizeof doc - o, "</e>");
	CHECK_INT(verdict(doc), 0);
	o = 0;
	for (i = 0; i <= XML_DEPTH_MAX; i++)
		o += (size_t)snprintf(doc + o, sizeof doc - o, "<e>");
	for (i = 0; i <= XML_DEPTH_MAX; i++)
		o += (size_t)snprintf(doc + o, sizeof doc - o, "</e>");
	CHECK_INT(verdict(doc), XML_E_DEPTH);
	/* Deep but closed at once: <e/> still counts. */
	o = 0;
	for (i = 0; i < XML_DEPTH_MAX; i++)
		o += (size_t)snprintf(doc + o, sizeof doc - o, "<e>");
	o += (size_t)snprintf(doc + o, sizeof doc - o, "<f/>");
	for (i = 0; i < XML_DEPTH_MAX; i++)
		o += (size_t)snprintf(doc + o, sizeof doc - o, "</e>");
	CHECK_INT(verdict(doc), XML_E_DEPTH);
	/* Names up to XML_NAME_MAX bytes. */
	memset(doc, 0, sizeof doc);
	doc[0] = '<';
	memset(doc + 1, 'n', XML_NAME_MAX);
	memcpy(doc + 1 + XML_NAME_MAX, "/>", 2);
	CHECK_INT(verdict(doc), 0);
	doc[1 + XML_NAME_MAX] = 'n';
	memcpy(doc + 2 + XML_NAME_MAX, "/>", 2);
	CHECK_INT(verdict(doc), XML_E_NAME);
}

UNIT_TEST(xml_leaf_skip)
{
	static const char doc[] =
	    "<r><a>one &amp; two</a><b/><c></c><d><![CDATA[x]]></d>"
	    "<e><f>1</f><g><h/></g></e><i>0123456789</i><j>x<k/></j></r>";
	struct xml_rd r;
	char buf[8];

	xml_init(&r, doc, sizeof doc - 1);
	CHECK_INT(xml_next(&r), XML_START);
	/* Not at a START. */
	CHECK_INT(xml_next(&r), XML_START);
	CHECK(xml_is(&r, "a"));
	CHECK_INT(xml_leaf(&r, buf, sizeof buf), 9);   /* cut */
	CHECK_STR(buf, "one & t");
	CHECK(xml_is(&r, "a"));
	CHECK_INT(r.tok, XML_END);
	CHECK_INT(xml_leaf(&r, buf, sizeof buf), XML_E_STATE);
	CHECK_INT(r.err, 0);
	CHECK_INT(xml_skip(&r), XML_E_STATE);
	CHECK_INT(xml_next(&r), XML_START);
	CHECK_INT(xml_leaf(&r, buf, sizeof buf), 0);   /* <b/> */
	CHECK_STR(buf, "");
	CHECK_INT(xml_next(&r), XML_START);
	CHECK_INT(xml_leaf(&r, buf, sizeof buf), 0);   /* <c></c> */
	CHECK_INT(xml_next(&r), XML_START);
	CHECK_INT(xml_leaf(&r, buf, sizeof buf), 1);   /* CDATA */
	CHECK_STR(buf, "x");
	CHECK_INT(xml_next(&r), XML_START);
	CHECK(xml_is(&r, "e"));
	CHECK_INT(r.depth, 2);
	CHECK_INT(xml_skip(&r), 0);
	CHECK(xml_is(&r, "e"));
	CHECK_INT(r.tok, XML_END);
	CHECK_INT(r.depth, 1);
	CHECK_INT(xml_next(&r), XML_START);
	CHECK_INT(xml_leaf(&r, buf, 0), 10);           /* just the length */
	CHECK_INT(xml_next(&r), XML_START);
	CHECK(xml_is(&r, "j"));
	CHECK_INT(xml_leaf(&r, buf, sizeof buf), XML_E_CHILD);
	CHECK_INT(r.err, XML_E_CHILD);
	CHECK_INT(r.err_off, (long)(strstr(doc, "k/>") - doc));
	CHECK_INT(xml_next(&r), XML_E_CHILD);
	CHECK_INT(xml_skip(&r), XML_E_CHILD);
	CHECK_INT(xml_leaf(&r, buf, sizeof buf), XML_E_CHILD);
	/* Skipping an empty element, and the root. */
	xml_init(&r, "<r><a/>t</r>", 12);
	CHECK_INT(xml_next(&r), XML_START);
	CHECK_INT(xml_next(&r), XML_START);
	CHECK_INT(xml_skip(&r), 0);
	CHECK_INT(xml_next(&r), XML_TEXT);
	CHECK_INT(xml_next(&r), XML_END);
	CHECK_INT(xml_next(&r), XML_EOF);
	xml_init(&r, "<r><a/>t</r><!--x-->", 20);
	CHECK_INT(xml_next(&r), XML_START);
	CHECK_INT(xml_skip(&r), 0);
	CHECK_INT(xml_next(&r), XML_EOF);
	/* A skip that meets an error. */
	xml_init(&r, "<r><a><b></a></r>", 17);
	CHECK_INT(xml_next(&r), XML_START);
	CHECK_INT(xml_skip(&r), XML_E_MISMATCH);
}

UNIT_TEST(xml_text_cut)
{
	struct xml_rd r;
	char buf[16];

	xml_init(&r, "<a>&#x20AC;&#x20AC;</a>", 23);
	CHECK_INT(xml_next(&r), XML_START);
	CHECK_INT((long)xml_text(&r, buf, sizeof buf), 0);  /* not TEXT */
	CHECK_INT(xml_next(&r), XML_TEXT);
	CHECK_INT((long)r.text_len, 16);
	CHECK_INT((long)xml_text(&r, buf, sizeof buf), 6);
	CHECK_STR(buf, "\xe2\x82\xac\xe2\x82\xac");
	CHECK_INT((long)xml_text(&r, buf, 4), 6);   /* cut, NUL-terminated */
	CHECK_INT((long)strlen(buf), 3);
	CHECK_INT((long)xml_text(&r, NULL, 0), 6);
}

UNIT_TEST(xml_attributes)
{
	static const char doc[] =
	    "<a xmlns=\"urn:x\" p:k = 'v&amp;&#65;\"' e=\"\" w=\"1\t2\r\n3\n\"/>";
	struct xml_rd r;
	struct xml_attr a;
	size_t pos = 0;
	char buf[32];

	xml_init(&r, doc, sizeof doc - 1);
	CHECK_INT(xml_next(&r), XML_START);
	CHECK_INT(xml_attr_next(&r, &pos, &a), 1);
	CHECK(a.name_len == 5 && memcmp(a.name, "xmlns", 5) == 0);
	CHECK(a.value_len == 5 && memcmp(a.value, "urn:x", 5) == 0);
	CHECK_INT(xml_attr_next(&r, &pos, &a), 1);
	CHECK(a.name_len == 3 && memcmp(a.name, "p:k", 3) == 0);
	CHECK(a.local_len == 1 && a.local[0] == 'k');
	CHECK_INT((long)xml_attr_text(&a, buf, sizeof buf), 4);
	CHECK_STR(buf, "v&A\"");
	CHECK_INT(xml_attr_next(&r, &pos, &a), 1);
	CHECK(a.name_len == 1 && a.value_len == 0);
	CHECK_INT(xml_attr_next(&r, &pos, &a), 1);
	CHECK_INT((long)xml_attr_text(&a, buf, sizeof buf), 6);
	CHECK_STR(buf, "1 2 3 ");
	CHECK_INT(xml_attr_next(&r, &pos, &a), 0);
	CHECK_INT(xml_attr_next(&r, &pos, &a), 0);
	/* Only at a START. */
	CHECK_INT(xml_next(&r), XML_END);
	pos = 0;
	CHECK_INT(xml_attr_next(&r, &pos, &a), 0);
}

UNIT_TEST(xml_every_prefix)
{
	static const char doc[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/"
	    "2013-04-01/\"><Error><Type>Sender</Type><Code>Throttling</Code>"
	    "<Message><![CDATA[Rate &exceeded]]> &amp; &#x41;</Message>"
	    "<!-- c --></Error><RequestId>r-1</RequestId></ErrorResponse>\n";
	size_t n;

	CHECK_STR(trace(doc),
	    "<ErrorResponse><Error><Type>[Sender]</Type><Code>[Throttling]"
	    "</Code><Message>[Rate &exceeded & A]</Message></Error><RequestId>"
	    "[r-1]</RequestId></ErrorResponse>");
	/* Every proper prefix but those ending after the root is an error. */
	for (n = 0; n < sizeof doc - 1; n++) {
		struct xml_rd r;
		int t;

		xml_init(&r, doc, n);
		while ((t = xml_next(&r)) > 0)
			;
		if (n < sizeof doc - 2)
			CHECK(t < 0);
		else
			CHECK_INT(t, 0);
	}
}
