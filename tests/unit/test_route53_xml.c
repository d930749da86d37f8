/*
 * test_route53_xml.c — agent/route53_xml on canned Route53 answers: AWS's
 * shapes (as its documents and SDK models give them) and moto's (captured
 * from moto_server 5.2.1), every error shape, namespaces and CDATA,
 * pagination with escaped names, alias and routing-policy sets, a
 * generated 300-set page, the size limits, truncated and mangled bodies,
 * and the error classification table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "agent/route53_xml.h"
#include "net/rrtype.h"
#include "net/xml.h"
#include "tests/unit/unit.h"

#define R53NS "https://route53.amazonaws.com/doc/2013-04-01/"

/* ---- ChangeInfo ---------------------------------------------------------------- */

static const char change_aws[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ChangeResourceRecordSetsResponse xmlns=\"" R53NS "\">\n"
    "   <ChangeInfo>\n"
    "      <Comment>xfrsync serial 2024010101</Comment>\n"
    "      <Id>/change/C2682N5HXP0BZ4</Id>\n"
    "      <Status>PENDING</Status>\n"
    "      <SubmittedAt>2017-03-10T01:36:41.958Z</SubmittedAt>\n"
    "   </ChangeInfo>\n"
    "</ChangeResourceRecordSetsResponse>\n";

/* moto: GetChange echoes the bare ID it was given. */
static const char change_moto[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<GetChangeResponse xmlns=\"" R53NS "\"><ChangeInfo><Id>C123</Id>"
    "<Status>INSYNC</Status><SubmittedAt>2026-11-30T00:01:28.559743Z"
    "</SubmittedAt></ChangeInfo></GetChangeResponse>";

static int
change_of(const char *doc, struct r53_change_info *c)
{
	return r53_parse_change_info(doc, strlen(doc), c, NULL);
}

UNIT_TEST(r53_change_info)
{
	struct r53_change_info c;
	size_t off = 0;

	CHECK_INT(change_of(change_aws, &c), 0);
	CHECK_STR(c.id, "C2682N5HXP0BZ4");
	CHECK_INT(c.status, R53_PENDING);
	CHECK_STR(c.submitted_at, "2017-03-10T01:36:41.958Z");
	CHECK_INT(change_of(change_moto, &c), 0);
	CHECK_STR(c.id, "C123");
	CHECK_INT(c.status, R53_INSYNC);
	/* A prefix on every element. */
	CHECK_INT(change_of("<a:GetChangeResponse xmlns:a='" R53NS "'>"
	    "<a:ChangeInfo><a:Id>/change/CX</a:Id><a:Status>INSYNC</a:Status>"
	    "</a:ChangeInfo></a:GetChangeResponse>", &c), 0);
	CHECK_STR(c.id, "CX");
	CHECK_STR(c.submitted_at, "");
	/* Wrong answers. */
	CHECK_INT(change_of("<GetChangeResponse><ChangeInfo><Id>C1</Id>"
	    "</ChangeInfo></GetChangeResponse>", &c), R53_E_MISSING);
	CHECK_INT(change_of("<GetChangeResponse></GetChangeResponse>", &c),
	    R53_E_MISSING);
	CHECK_INT(change_of("<GetChangeResponse><ChangeInfo><Id>C1</Id>"
	    "<Status>DONE</Status></ChangeInfo></GetChangeResponse>", &c),
	    R53_E_VALUE);
	CHECK_INT(change_of("<GetChangeResponse><ChangeInfo><Id>C1</Id>"
	    "<Status>INSYNC</Status><Status>INSYNC</Status></ChangeInfo>"
	    "</GetChangeResponse>", &c), R53_E_DUP);
	CHECK_INT(change_of("<GetChangeResponse><ChangeInfo><Id>/change/C1?x=1"
	    "</Id><Status>INSYNC</Status></ChangeInfo></GetChangeResponse>",
	    &c), R53_E_VALUE);
	CHECK_INT(change_of("<GetChangeResponse><ChangeInfo><Id>/change/</Id>"
	    "<Status>INSYNC</Status></ChangeInfo></GetChangeResponse>", &c),
	    R53_E_VALUE);
	CHECK_INT(change_of("<GetChangeResponse><ChangeInfo><Id>C1<b/></Id>"
	    "<Status>INSYNC</Status></ChangeInfo></GetChangeResponse>", &c),
	    XML_E_CHILD);
	CHECK_INT(change_of("<GetHostedZoneResponse/>", &c), R53_E_ROOT);
	CHECK_INT(change_of("<GetChangeResponse><ChangeInfo><Id>C1</Id>"
	    "<Status>INSYNC</Status></ChangeInfo></GetChangeResponse><x/>",
	    &c), XML_E_ROOT);
	CHECK_INT(r53_parse_change_info(change_aws, 100, &c, &off),
	    XML_E_TRUNC);
	CHECK_INT((long)off, 100);
}

/* ---- ListResourceRecordSets ------------------------------------------------------ */

/*
 * An AWS page, laid out as AWS's documents show them: an alias at the
 * apex, MX, NS, SOA, TXT with quotes and octal escapes, a wildcard (which
 * Route53 lists as \052), weighted sets with health checks, a geolocation
 * set, a failover alias, a multivalue set; more to come after
 * \052.sub.example.com. (the next name keeps its escape).
 */
static const char list_aws[] =
    "<?xml version=\"1.0\"?>\n"
    "<ListResourceRecordSetsResponse xmlns=\"" R53NS "\">\n"
    "   <ResourceRecordSets>\n"
    "      <ResourceRecordSet>\n"
    "         <Name>example.com.</Name>\n"
    "         <Type>A</Type>\n"
    "         <AliasTarget>\n"
    "            <HostedZoneId>Z2FDTNDATAQYW2</HostedZoneId>\n"
    "            <DNSName>d111111abcdef8.cloudfront.net.</DNSName>\n"
    "            <EvaluateTargetHealth>false</EvaluateTargetHealth>\n"
    "         </AliasTarget>\n"
    "      </ResourceRecordSet>\n"
    "      <ResourceRecordSet>\n"
    "         <Name>example.com.</Name>\n"
    "         <Type>MX</Type>\n"
    "         <TTL>3600</TTL>\n"
    "         <ResourceRecords>\n"
    "            <ResourceRecord><Value>10 mail.example.com.</Value>"
    "</ResourceRecord>\n"
    "            <ResourceRecord><Value>20 mail2.example.com.</Value>"
    "</ResourceRecord>\n"
    "         </ResourceRecords>\n"
    "      </ResourceRecordSet>\n"
    "      <ResourceRecordSet>\n"
    "         <Name>example.com.</Name>\n"
    "         <Type>NS</Type>\n"
    "         <TTL>172800</TTL>\n"
    "         <ResourceRecords>\n"
    "            <ResourceRecord><Value>ns-2048.awsdns-64.com.</Value>"
    "</ResourceRecord>\n"
    "            <ResourceRecord><Value>ns-2049.awsdns-65.net.</Value>"
    "</ResourceRecord>\n"
    "            <ResourceRecord><Value>ns-2050.awsdns-66.org.</Value>"
    "</ResourceRecord>\n"
    "            <ResourceRecord><Value>ns-2051.awsdns-67.co.uk.</Value>"
    "</ResourceRecord>\n"
    "         </ResourceRecords>\n"
    "      </ResourceRecordSet>\n"
    "      <ResourceRecordSet>\n"
    "         <Name>example.com.</Name>\n"
    "         <Type>SOA</Type>\n"
    "         <TTL>900</TTL>\n"
    "         <ResourceRecords>\n"
    "            <ResourceRecord><Value>ns-2048.awsdns-64.com. "
    "awsdns-hostmaster.amazon.com. 2024010101 7200 900 1209600 86400"
    "</Value></ResourceRecord>\n"
    "         </ResourceRecords>\n"
    "      </ResourceRecordSet>\n"
    "      <ResourceRecordSet>\n"
    "         <Name>example.com.</Name>\n"
    "         <Type>TXT</Type>\n"
    "         <TTL>300</TTL>\n"
    "         <ResourceRecords>\n"
    "            <ResourceRecord><Value>\"v=spf1 include:_spf.example.net "
    "~all\"</Value></ResourceRecord>\n"
    "            <ResourceRecord><Value>\"say \\\"hi\\\"\" \"back\\\\slash\" "
    "\"ex\\344mple\" \"tab\\011end\" \"&lt;b&gt; &amp; &apos;q&apos;\""
    "</Value></ResourceRecord>\n"
    "            <ResourceRecord><Value>\"\"</Value></ResourceRecord>\n"
    "         </ResourceRecords>\n"
    "      </ResourceRecordSet>\n"
    "      <ResourceRecordSet>\n"
    "         <Name>\\052.example.com.</Name>\n"
    "         <Type>A</Type>\n"
    "         <TTL>60</TTL>\n"
    "         <ResourceRecords>\n"
    "            <ResourceRecord><Value>192.0.2.10</Value></ResourceRecord>\n"
    "         </ResourceRecords>\n"
    "      </ResourceRecordSet>\n"
    "      <ResourceRecordSet>\n"
    "         <Name>api.example.com.</Name>\n"
    "         <Type>CNAME</Type>\n"
    "         <SetIdentifier>blue</SetIdentifier>\n"
    "         <Weight>90</Weight>\n"
    "         <TTL>60</TTL>\n"
    "         <ResourceRecords>\n"
    "            <ResourceRecord><Value>blue.example.net.</Value>"
    "</ResourceRecord>\n"
    "         </ResourceRecords>\n"
    "         <HealthCheckId>abcdef11-2222-3333-4444-555555fedcba"
    "</HealthCheckId>\n"
    "      </ResourceRecordSet>\n"
    "      <ResourceRecordSet>\n"
    "         <Name>api.example.com.</Name>\n"
    "         <Type>CNAME</Type>\n"
    "         <SetIdentifier>green &amp; new</SetIdentifier>\n"
    "         <Weight>10</Weight>\n"
    "         <TTL>60</TTL>\n"
    "         <ResourceRecords>\n"
    "            <ResourceRecord><Value>green.example.net.</Value>"
    "</ResourceRecord>\n"
    "         </ResourceRecords>\n"
    "      </ResourceRecordSet>\n"
    "      <ResourceRecordSet>\n"
    "         <Name>geo.example.com.</Name>\n"
    "         <Type>A</Type>\n"
    "         <SetIdentifier>europe</SetIdentifier>\n"
    "         <GeoLocation><ContinentCode>EU</ContinentCode></GeoLocation>\n"
    "         <TTL>60</TTL>\n"
    "         <ResourceRecords>\n"
    "            <ResourceRecord><Value>192.0.2.20</Value></ResourceRecord>\n"
    "         </ResourceRecords>\n"
    "      </ResourceRecordSet>\n"
    "      <ResourceRecordSet>\n"
    "         <Name>shop.example.com.</Name>\n"
    "         <Type>A</Type>\n"
    "         <SetIdentifier>primary</SetIdentifier>\n"
    "         <Failover>PRIMARY</Failover>\n"
    "         <AliasTarget>\n"
    "            <HostedZoneId>Z35SXDOTRQ7X7K</HostedZoneId>\n"
    "            <DNSName>dualstack.elb-1.us-east-1.elb.amazonaws.com."
    "</DNSName>\n"
    "            <EvaluateTargetHealth>true</EvaluateTargetHealth>\n"
    "         </AliasTarget>\n"
    "      </ResourceRecordSet>\n"
    "      <ResourceRecordSet>\n"
    "         <Name>mv.example.com.</Name>\n"
    "         <Type>A</Type>\n"
    "         <SetIdentifier>one</SetIdentifier>\n"
    "         <MultiValueAnswer>true</MultiValueAnswer>\n"
    "         <TTL>30</TTL>\n"
    "         <ResourceRecords>\n"
    "            <ResourceRecord><Value>192.0.2.30</Value></ResourceRecord>\n"
    "         </ResourceRecords>\n"
    "      </ResourceRecordSet>\n"
    "   </ResourceRecordSets>\n"
    "   <IsTruncated>true</IsTruncated>\n"
    "   <MaxItems>10</MaxItems>\n"
    "   <NextRecordName>\\052.sub.example.com.</NextRecordName>\n"
    "   <NextRecordType>A</NextRecordType>\n"
    "   <NextRecordIdentifier>blue</NextRecordIdentifier>\n"
    "</ListResourceRecordSetsResponse>\n";

/* moto 5.2.1's answer, as captured: its own SOA value is garbled. */
static const char list_moto[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<ListResourceRecordSetsResponse xmlns=\"" R53NS "\"><ResourceRecordSets>"
    "<ResourceRecordSet><Name>example.com.</Name><Type>NS</Type><TTL>172800"
    "</TTL><ResourceRecords><ResourceRecord><Value>ns-2048.awsdns-64.com"
    "</Value></ResourceRecord><ResourceRecord><Value>ns-2049.awsdns-65.net"
    "</Value></ResourceRecord><ResourceRecord><Value>ns-2050.awsdns-66.org"
    "</Value></ResourceRecord><ResourceRecord><Value>"
    "ns-2051.awsdns-67.co.uk</Value></ResourceRecord></ResourceRecords>"
    "</ResourceRecordSet><ResourceRecordSet><Name>example.com.</Name><Type>"
    "SOA</Type><TTL>900</TTL><ResourceRecords><ResourceRecord><Value>"
    "{'Value': 'ns-2048.awsdns-64.com. hostmaster.example.com. 1 7200 900 "
    "1209600 86400'}</Value></ResourceRecord></ResourceRecords>"
    "</ResourceRecordSet><ResourceRecordSet><Name>*.example.com.</Name>"
    "<Type>TXT</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>"
    "\"a \\\"q\\\" b\" \"\\010x\"</Value></ResourceRecord></ResourceRecords>"
    "</ResourceRecordSet><ResourceRecordSet><Name>www.example.com.</Name>"
    "<Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>"
    "192.0.2.1</Value></ResourceRecord><ResourceRecord><Value>192.0.2.2"
    "</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
    "<ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type><TTL>300"
    "</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.9</Value>"
    "</ResourceRecord></ResourceRecords></ResourceRecordSet>"
    "<ResourceRecordSet><Name>x.example.com.</Name><Type>TXT</Type><TTL>60"
    "</TTL><ResourceRecords><ResourceRecord><Value>\"&lt;&amp;&gt;\"</Value>"
    "</ResourceRecord></ResourceRecords></ResourceRecordSet>"
    "</ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>300"
    "</MaxItems></ListResourceRecordSetsResponse>";

/* What the callback saw, one line per set. */
struct seen {
	char text[8192];
	size_t o;
	unsigned n;
	int stop_at;           /* stop (return -1000) at this set, from 1 */
};

static void add(struct seen *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Append to s->text, cutting what does not fit. */
static void
add(struct seen *s, const char *fmt, ...)
{
	size_t room = sizeof s->text - s->o;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s->text + s->o, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->o += (size_t)n < room ? (size_t)n : room - 1;
}

static int
collect(void *ctx, const struct r53_lrec *rec)
{
	struct seen *s = ctx;
	unsigned i;

	s->n++;
	if (s->stop_at != 0 && (int)s->n == s->stop_at)
		return -1000;
	/* The struct r53_rrset view must agree with the rest. */
	if (rec->set.name != rec->name || rec->set.nvalues != rec->n_values ||
	    rec->set.values != rec->values ||
	    rec->set.ttl != (rec->has_ttl ? rec->ttl : 0))
		unit_fail(__FILE__, __LINE__, "set view differs");
	for (i = 0; i < rec->n_values; i++) {
		if (strlen(rec->values[i]) != rec->value_len[i])
			unit_fail(__FILE__, __LINE__, "value length");
	}
	add(s, "%s %s", rec->name, rec->type);
	if (rec->has_ttl)
		add(s, " %u", (unsigned)rec->ttl);
	if (rec->flags & R53_LR_ALIAS)
		add(s, " alias(%s,%s)", rec->alias_name, rec->alias_zone);
	if (rec->flags & R53_LR_SETID)
		add(s, " id(%s)", rec->set_id);
	if (rec->flags & R53_LR_ROUTING)
		add(s, " routing");
	if (rec->flags & R53_LR_HEALTH)
		add(s, " health");
	if (rec->flags & R53_LR_TRAFFIC)
		add(s, " traffic");
	for (i = 0; i < rec->n_values; i++)
		add(s, " |%s|", rec->values[i]);
	add(s, "\n");
	return 0;
}

static struct r53_lrec rec;   /* the parser's scratch: keep it static */
static struct seen seen;
static struct r53_list_page page;

static int
list_of(const char *doc, size_t n)
{
	memset(&seen, 0, sizeof seen);
	return r53_parse_list(doc, n, &rec, collect, &seen, &page, NULL);
}

UNIT_TEST(r53_list_aws)
{
	CHECK_INT(list_of(list_aws, sizeof list_aws - 1), 0);
	CHECK_STR(seen.text,
	    "example.com. A alias(d111111abcdef8.cloudfront.net.,"
	    "Z2FDTNDATAQYW2)\n"
	    "example.com. MX 3600 |10 mail.example.com.| "
	    "|20 mail2.example.com.|\n"
	    "example.com. NS 172800 |ns-2048.awsdns-64.com.| "
	    "|ns-2049.awsdns-65.net.| |ns-2050.awsdns-66.org.| "
	    "|ns-2051.awsdns-67.co.uk.|\n"
	    "example.com. SOA 900 |ns-2048.awsdns-64.com. "
	    "awsdns-hostmaster.amazon.com. 2024010101 7200 900 1209600 86400|\n"
	    "example.com. TXT 300 |\"v=spf1 include:_spf.example.net ~all\"| "
	    "|\"say \\\"hi\\\"\" \"back\\\\slash\" \"ex\\344mple\" "
	    "\"tab\\011end\" \"<b> & 'q'\"| |\"\"|\n"
	    "\\052.example.com. A 60 |192.0.2.10|\n"
	    "api.example.com. CNAME 60 id(blue) routing health "
	    "|blue.example.net.|\n"
	    "api.example.com. CNAME 60 id(green & new) routing "
	    "|green.example.net.|\n"
	    "geo.example.com. A 60 id(europe) routing |192.0.2.20|\n"
	    "shop.example.com. A alias(dualstack.elb-1.us-east-1.elb."
	    "amazonaws.com.,Z35SXDOTRQ7X7K) id(primary) routing\n"
	    "mv.example.com. A 30 id(one) routing |192.0.2.30|\n");
	CHECK_INT(seen.n, 11);
	CHECK_INT(page.n_records, 11);
	CHECK_INT(page.truncated, 1);
	CHECK_STR(page.next_name, "\\052.sub.example.com.");
	CHECK_STR(page.next_type, "A");
	CHECK_STR(page.next_id, "blue");
	CHECK_INT(page.max_items, 10);
	/* The last set, as route53_map sees it. */
	CHECK_STR(rec.set.name, "mv.example.com.");
	CHECK_INT(rec.set.type, DNS_T_A);
	CHECK_INT(rec.set.flags, R53_SETID);
	CHECK_INT(rec.set.ttl, 30);
	CHECK_INT((long)rec.set.nvalues, 1);
	CHECK_STR(rec.set.values[0], "192.0.2.30");
	/* Stopped by the callback. */
	memset(&seen, 0, sizeof seen);
	seen.stop_at = 3;
	CHECK_INT(r53_parse_list(list_aws, sizeof list_aws - 1, &rec, collect,
	    &seen, &page, NULL), -1000);
	CHECK_INT(page.n_records, 3);
	/* No callback: just the page. */
	CHECK_INT(r53_parse_list(list_aws, sizeof list_aws - 1, &rec, NULL,
	    NULL, &page, NULL), 0);
	CHECK_INT(page.n_records, 11);
}

static int
flags_of(void *ctx, const struct r53_lrec *r)
{
	unsigned *f = ctx;

	*f++ = r->set.flags;
	*f = r->flags;
	return 0;
}

UNIT_TEST(r53_list_flags)
{
	static const char *const sets[] = {
		"<AliasTarget><DNSName>x.</DNSName><HostedZoneId>Z1</HostedZoneId>"
		"<EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget>",
		"<SetIdentifier>s</SetIdentifier><Region>eu-west-1</Region>"
		"<TTL>1</TTL><ResourceRecords><ResourceRecord><Value>1.2.3.4"
		"</Value></ResourceRecord></ResourceRecords>",
		/* Routing or traffic policy without a SetIdentifier: protected. */
		"<GeoProximityLocation><AWSRegion>us-east-1</AWSRegion>"
		"</GeoProximityLocation><TTL>1</TTL><ResourceRecords>"
		"<ResourceRecord><Value>1.2.3.4</Value></ResourceRecord>"
		"</ResourceRecords>",
		"<CidrRoutingConfig><CollectionId>c</CollectionId><LocationName>l"
		"</LocationName></CidrRoutingConfig><TTL>1</TTL><ResourceRecords>"
		"<ResourceRecord><Value>1.2.3.4</Value></ResourceRecord>"
		"</ResourceRecords>",
		"<TrafficPolicyInstanceId>t-1</TrafficPolicyInstanceId>",
		/* A health check on a simple set: reported, not protected. */
		"<TTL>1</TTL><HealthCheckId>h</HealthCheckId><ResourceRecords>"
		"<ResourceRecord><Value>1.2.3.4</Value></ResourceRecord>"
		"</ResourceRecords>",
	};
	static const unsigned want[][2] = {
		{ R53_ALIAS, R53_LR_ALIAS },
		{ R53_SETID, R53_LR_SETID | R53_LR_ROUTING },
		{ R53_SETID, R53_LR_ROUTING },
		{ R53_SETID, R53_LR_ROUTING },
		{ R53_SETID, R53_LR_TRAFFIC },
		{ 0, R53_LR_HEALTH },
	};
	size_t i;

	for (i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		char doc[1024];
		unsigned got[2] = { 99, 99 };
		int n = snprintf(doc, sizeof doc, "<ListResourceRecordSetsResponse>"
		    "<ResourceRecordSets><ResourceRecordSet><Name>a.example.</Name>"
		    "<Type>A</Type>%s</ResourceRecordSet></ResourceRecordSets>"
		    "<IsTruncated>false</IsTruncated>"
		    "</ListResourceRecordSetsResponse>", sets[i]);

		CHECK_INT(r53_parse_list(doc, (size_t)n, &rec, flags_of, got,
		    &page, NULL), 0);
		CHECK_INT(got[0], want[i][0]);
		CHECK_INT(got[1], want[i][1]);
	}
}

UNIT_TEST(r53_list_moto)
{
	CHECK_INT(list_of(list_moto, sizeof list_moto - 1), 0);
	CHECK_STR(seen.text,
	    "example.com. NS 172800 |ns-2048.awsdns-64.com| "
	    "|ns-2049.awsdns-65.net| |ns-2050.awsdns-66.org| "
	    "|ns-2051.awsdns-67.co.uk|\n"
	    "example.com. SOA 900 |{'Value': 'ns-2048.awsdns-64.com. "
	    "hostmaster.example.com. 1 7200 900 1209600 86400'}|\n"
	    "*.example.com. TXT 60 |\"a \\\"q\\\" b\" \"\\010x\"|\n"
	    "www.example.com. A 300 |192.0.2.1| |192.0.2.2|\n"
	    "www.example.com. A 300 |192.0.2.9|\n"
	    "x.example.com. TXT 60 |\"<&>\"|\n");
	CHECK_INT(page.truncated, 0);
	CHECK_STR(page.next_name, "");
	CHECK_INT(page.max_items, 300);
	CHECK_INT(rec.set.type, DNS_T_TXT);
	CHECK_INT(rec.set.flags, 0);
}

/* A page of sets (generated): nothing in it needs more than one set. */
static char big[1 << 20];

static size_t
gen_page(unsigned nsets, int truncated)
{
	size_t o = 0;
	unsigned i;

	o += (size_t)snprintf(big + o, sizeof big - o,
	    "<?xml version=\"1.0\"?>\n<ListResourceRecordSetsResponse "
	    "xmlns=\"" R53NS "\"><ResourceRecordSets>");
	for (i = 0; i < nsets; i++) {
		if (i % 10 == 9)
			o += (size_t)snprintf(big + o, sizeof big - o,
			    "<ResourceRecordSet><Name>h%03u.example.com.</Name>"
			    "<Type>TXT</Type><TTL>%u</TTL><ResourceRecords>"
			    "<ResourceRecord><Value>\"set &quot;%u&quot;\" "
			    "\"\\303\\251\"</Value></ResourceRecord>"
			    "</ResourceRecords></ResourceRecordSet>\n", i, 300 + i,
			    i);
		else
			o += (size_t)snprintf(big + o, sizeof big - o,
			    "<ResourceRecordSet><Name>h%03u.example.com.</Name>"
			    "<Type>A</Type><TTL>%u</TTL><ResourceRecords>"
			    "<ResourceRecord><Value>192.0.2.%u</Value>"
			    "</ResourceRecord><ResourceRecord><Value>"
			    "198.51.100.%u</Value></ResourceRecord>"
			    "</ResourceRecords></ResourceRecordSet>\n", i, 300 + i,
			    i % 256, (i * 7) % 256);
	}
	o += (size_t)snprintf(big + o, sizeof big - o,
	    "</ResourceRecordSets><IsTruncated>%s</IsTruncated>%s"
	    "<MaxItems>300</MaxItems></ListResourceRecordSetsResponse>",
	    truncated ? "true" : "false", truncated ?
	    "<NextRecordName>h300.example.com.</NextRecordName>"
	    "<NextRecordType>A</NextRecordType>" : "");
	return o;
}

struct check300 {
	unsigned n, bad;
};

static int
check_set(void *ctx, const struct r53_lrec *r)
{
	struct check300 *c = ctx;
	char want[64];
	unsigned i = c->n++;

	snprintf(want, sizeof want, "h%03u.example.com.", i);
	if (strcmp(r->name, want) != 0 || r->ttl != 300 + i || r->flags != 0)
		c->bad++;
	if (i % 10 == 9) {
		snprintf(want, sizeof want, "\"set \"%u\"\" \"\\303\\251\"", i);
		if (r->set.type != DNS_T_TXT || r->n_values != 1 ||
		    strcmp(r->values[0], want) != 0)
			c->bad++;
	} else {
		snprintf(want, sizeof want, "198.51.100.%u", (i * 7) % 256);
		if (r->set.type != DNS_T_A || r->n_values != 2 ||
		    strcmp(r->values[1], want) != 0)
			c->bad++;
	}
	return 0;
}

UNIT_TEST(r53_list_300)
{
	struct check300 c = { 0, 0 };
	size_t n = gen_page(300, 1);

	CHECK_INT(r53_parse_list(big, n, &rec, check_set, &c, &page, NULL), 0);
	CHECK_INT(c.n, 300);
	CHECK_INT(c.bad, 0);
	CHECK_INT(page.n_records, 300);
	CHECK_INT(page.truncated, 1);
	CHECK_STR(page.next_name, "h300.example.com.");
	CHECK_STR(page.next_type, "A");
	CHECK_STR(page.next_id, "");
	/* An empty last page. */
	n = gen_page(0, 0);
	c.n = 0;
	CHECK_INT(r53_parse_list(big, n, &rec, check_set, &c, &page, NULL), 0);
	CHECK_INT(c.n, 0);
	CHECK_INT(page.truncated, 0);
}

/* One set with n values of len characters each. */
static size_t
gen_values(unsigned n, size_t len)
{
	size_t o = 0;
	unsigned i;

	o += (size_t)snprintf(big + o, sizeof big - o,
	    "<ListResourceRecordSetsResponse><ResourceRecordSets>"
	    "<ResourceRecordSet><Name>t.example.</Name><Type>TXT</Type>"
	    "<TTL>1</TTL><ResourceRecords>");
	for (i = 0; i < n; i++) {
		o += (size_t)snprintf(big + o, sizeof big - o,
		    "<ResourceRecord><Value>");
		memset(big + o, 'v', len);
		o += len;
		o += (size_t)snprintf(big + o, sizeof big - o,
		    "</Value></ResourceRecord>");
	}
	o += (size_t)snprintf(big + o, sizeof big - o,
	    "</ResourceRecords></ResourceRecordSet></ResourceRecordSets>"
	    "<IsTruncated>false</IsTruncated>"
	    "</ListResourceRecordSetsResponse>");
	return o;
}

UNIT_TEST(r53_list_limits)
{
	/* 400 values, and 32 000 characters (8 x 4000): the most Route53
	 * holds in one set. */
	CHECK_INT(list_of(big, gen_values(R53_VALUES_MAX, 10)), 0);
	CHECK_INT(rec.n_values, R53_VALUES_MAX);
	CHECK_INT(list_of(big, gen_values(8, 4000)), 0);
	CHECK_INT((long)rec.value_len[7], 4000);
	CHECK_INT(list_of(big, gen_values(R53_VALUES_MAX + 1, 10)),
	    R53_E_VALUES);
	CHECK_INT(list_of(big, gen_values(10, 4000)), R53_E_VALUES);
	CHECK_INT(list_of(big, gen_values(1, R53_VALUE_BYTES)), R53_E_VALUES);
	CHECK_INT(list_of(big, gen_values(1, R53_VALUE_BYTES - 1)), 0);
}

static int
list_rc(const char *sets, const char *tail)
{
	char doc[4096];
	int n = snprintf(doc, sizeof doc, "<ListResourceRecordSetsResponse>"
	    "<ResourceRecordSets>%s</ResourceRecordSets>%s"
	    "</ListResourceRecordSetsResponse>", sets, tail);

	return list_of(doc, (size_t)n);
}

#define RS(x) "<ResourceRecordSet>" x "</ResourceRecordSet>"
#define VAL "<ResourceRecords><ResourceRecord><Value>v</Value>" \
	"</ResourceRecord></ResourceRecords>"
#define NOTR "<IsTruncated>false</IsTruncated>"

UNIT_TEST(r53_list_bad)
{
	static char name[R53_NAME_TEXT_MAX + 1];

	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>A</Type><TTL>1</TTL>" VAL),
	    NOTR), 0);
	/* Required fields. */
	CHECK_INT(list_rc(RS("<Type>A</Type><TTL>1</TTL>" VAL), NOTR),
	    R53_E_MISSING);
	CHECK_INT(list_rc(RS("<Name>a.</Name><TTL>1</TTL>" VAL), NOTR),
	    R53_E_MISSING);
	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>A</Type>" VAL), NOTR),
	    R53_E_MISSING);
	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>A</Type><TTL>1</TTL>"),
	    NOTR), R53_E_MISSING);
	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>A</Type><TTL>1</TTL>"
	    "<ResourceRecords><ResourceRecord/></ResourceRecords>"), NOTR),
	    R53_E_MISSING);
	CHECK_INT(list_rc(RS("<Name></Name><Type>A</Type><TTL>1</TTL>" VAL),
	    NOTR), R53_E_MISSING);
	CHECK_INT(list_rc("", ""), R53_E_MISSING);
	CHECK_INT(list_rc("", "<IsTruncated>true</IsTruncated>"),
	    R53_E_MISSING);
	CHECK_INT(list_rc("", "<IsTruncated>true</IsTruncated><NextRecordName>"
	    "a.</NextRecordName>"), R53_E_MISSING);
	CHECK_INT(list_rc("", "<IsTruncated>true</IsTruncated><NextRecordName>"
	    "a.</NextRecordName><NextRecordType>A</NextRecordType>"), 0);
	/* Values. */
	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>A</Type><TTL>x</TTL>" VAL),
	    NOTR), R53_E_VALUE);
	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>A</Type><TTL>-1</TTL>" VAL),
	    NOTR), R53_E_VALUE);
	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>A</Type><TTL>4294967296"
	    "</TTL>" VAL), NOTR), R53_E_VALUE);
	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>A</Type><TTL>"
	    "99999999999999999999999999999999999</TTL>" VAL), NOTR),
	    R53_E_VALUE);
	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>A</Type><TTL> 4294967295\n"
	    "</TTL>" VAL), NOTR), 0);
	CHECK_INT(rec.ttl, 4294967295u);
	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>A</Type><TTL></TTL>" VAL),
	    NOTR), R53_E_VALUE);
	CHECK_INT(list_rc("", "<IsTruncated>yes</IsTruncated>"), R53_E_VALUE);
	CHECK_INT(list_rc("", "<IsTruncated>false</IsTruncated><MaxItems>"
	    "a lot</MaxItems>"), R53_E_VALUE);
	/* Repeats. */
	CHECK_INT(list_rc(RS("<Name>a.</Name><Name>b.</Name><Type>A</Type>"
	    "<TTL>1</TTL>" VAL), NOTR), R53_E_DUP);
	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>A</Type><TTL>1</TTL>"
	    "<ResourceRecords><ResourceRecord><Value>v</Value><Value>w</Value>"
	    "</ResourceRecord></ResourceRecords>"), NOTR), R53_E_DUP);
	CHECK_INT(list_rc("", NOTR NOTR), R53_E_DUP);
	/* An unknown type is listed with type 0 (the map skips it). */
	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>NEWTYPE</Type><TTL>1</TTL>"
	    VAL), NOTR), 0);
	CHECK_INT(rec.set.type, 0);
	CHECK_STR(rec.type, "NEWTYPE");
	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>TYPE65534</Type><TTL>1"
	    "</TTL>" VAL), NOTR), 0);
	CHECK_INT(rec.set.type, 65534);
	CHECK_INT(list_rc(RS("<Name>a.</Name><Type>VERYLONGTYPENAME</Type>"
	    "<TTL>1</TTL>" VAL), NOTR), R53_E_LONG);
	/* Names: the longest Route53 can write, and one byte more. */
	memset(name, 'a', R53_NAME_TEXT_MAX - 1);
	name[R53_NAME_TEXT_MAX - 1] = '\0';
	{
		char sets[R53_NAME_TEXT_MAX + 256];

		snprintf(sets, sizeof sets, RS("<Name>%s</Name><Type>A</Type>"
		    "<TTL>1</TTL>" VAL), name);
		CHECK_INT(list_rc(sets, NOTR), 0);
		CHECK_INT((long)strlen(rec.name), R53_NAME_TEXT_MAX - 1);
		name[R53_NAME_TEXT_MAX - 1] = 'a';
		name[R53_NAME_TEXT_MAX] = '\0';
		snprintf(sets, sizeof sets, RS("<Name>%s</Name><Type>A</Type>"
		    "<TTL>1</TTL>" VAL), name);
		CHECK_INT(list_rc(sets, NOTR), R53_E_LONG);
	}
	/* Unknown elements anywhere are skipped. */
	CHECK_INT(list_rc("<Other><x/></Other>" RS("<New>1</New><Name>a.</Name>"
	    "<Type>A</Type><TTL>1</TTL><ResourceRecords><Extra/><ResourceRecord>"
	    "<Value>v</Value><Note>n</Note></ResourceRecord></ResourceRecords>"),
	    NOTR "<Future><a>b</a></Future>"), 0);
	CHECK_INT(seen.n, 1);
	/* Not a listing. */
	CHECK_INT(list_of(change_aws, sizeof change_aws - 1), R53_E_ROOT);
	CHECK_INT(list_of("<ErrorResponse/>", 16), R53_E_ROOT);
}

/* Every prefix fails; every byte replaced by something nasty is safe. */
static void
mangle(int (*parse)(const char *, size_t), const char *doc, size_t n)
{
	static const char subst[] = { '<', '&', '/', '\0', 'x' };
	static char buf[1 << 16];
	size_t i, k;

	if (n > sizeof buf)
		return;
	for (i = 0; i < n; i++) {
		/* A prefix may only pass when it lacks just the trailing blanks. */
		int rc = parse(doc, i);
		size_t j;

		for (j = i; j < n && (doc[j] == '\n' || doc[j] == ' '); j++)
			;
		if (j < n && rc >= 0)
			unit_fail(__FILE__, __LINE__, "prefix accepted");
	}
	memcpy(buf, doc, n);
	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof subst; k++) {
			buf[i] = subst[k];
			(void)parse(buf, n);
		}
		buf[i] = doc[i];
	}
}

static int
p_list(const char *d, size_t n)
{
	return list_of(d, n);
}

static int
p_change(const char *d, size_t n)
{
	struct r53_change_info c;

	return r53_parse_change_info(d, n, &c, NULL);
}

static int
p_zone(const char *d, size_t n)
{
	struct r53_zone z;

	return r53_parse_zone(d, n, &z, NULL);
}

static int
p_zones(const char *d, size_t n)
{
	struct r53_zones_page zp;

	return r53_parse_zones_by_name(d, n, NULL, NULL, &zp, NULL);
}

static int
p_error(const char *d, size_t n)
{
	struct r53_error er;

	return r53_parse_error(d, n, &er, NULL);
}

/* ---- hosted zones -------------------------------------------------------------- */

static const char zone_aws[] =
    "<?xml version=\"1.0\"?>\n"
    "<GetHostedZoneResponse xmlns=\"" R53NS "\">\n"
    "   <HostedZone>\n"
    "      <Id>/hostedzone/Z1D633PJN98FT9</Id>\n"
    "      <Name>example.com.</Name>\n"
    "      <CallerReference>2014-04-01-18:47</CallerReference>\n"
    "      <Config>\n"
    "         <Comment>Migrate an existing domain to Route 53</Comment>\n"
    "         <PrivateZone>false</PrivateZone>\n"
    "      </Config>\n"
    "      <ResourceRecordSetCount>17</ResourceRecordSetCount>\n"
    "   </HostedZone>\n"
    "   <DelegationSet>\n"
    "      <NameServers>\n"
    "         <NameServer>ns-2048.awsdns-64.com</NameServer>\n"
    "         <NameServer>ns-2049.awsdns-65.net</NameServer>\n"
    "      </NameServers>\n"
    "   </DelegationSet>\n"
    "</GetHostedZoneResponse>\n";

static const char zone_moto[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<GetHostedZoneResponse xmlns=\"" R53NS "\"><HostedZone><Id>"
    "/hostedzone/L5AVZDKQXG2MXDLZ9L6XU7</Id><Name>example.com.</Name>"
    "<CallerReference>x1</CallerReference><Config><PrivateZone>false"
    "</PrivateZone></Config><ResourceRecordSetCount>6"
    "</ResourceRecordSetCount></HostedZone><DelegationSet><Id></Id>"
    "<CallerReference>DelSet_example.com.</CallerReference><NameServers>"
    "<NameServer>ns-2048.awsdns-64.com</NameServer></NameServers>"
    "</DelegationSet></GetHostedZoneResponse>";

static const char zones_aws[] =
    "<?xml version=\"1.0\"?>\n"
    "<ListHostedZonesByNameResponse xmlns=\"" R53NS "\">\n"
    "   <HostedZones>\n"
    "      <HostedZone>\n"
    "         <Id>/hostedzone/Z111111QQQQQQQ</Id>\n"
    "         <Name>example.com.</Name>\n"
    "         <CallerReference>MyCallerReference1</CallerReference>\n"
    "         <Config><Comment>public</Comment>"
    "<PrivateZone>false</PrivateZone></Config>\n"
    "         <ResourceRecordSetCount>42</ResourceRecordSetCount>\n"
    "      </HostedZone>\n"
    "      <HostedZone>\n"
    "         <Id>/hostedzone/Z222222VVVVVVV</Id>\n"
    "         <Name>example.com.</Name>\n"
    "         <CallerReference>MyCallerReference2</CallerReference>\n"
    "         <Config><PrivateZone>true</PrivateZone></Config>\n"
    "         <ResourceRecordSetCount>4</ResourceRecordSetCount>\n"
    "         <LinkedService><ServicePrincipal>x</ServicePrincipal>"
    "<Description>d</Description></LinkedService>\n"
    "      </HostedZone>\n"
    "   </HostedZones>\n"
    "   <DNSName>example.com.</DNSName>\n"
    "   <IsTruncated>true</IsTruncated>\n"
    "   <NextDNSName>example2.com.</NextDNSName>\n"
    "   <NextHostedZoneId>Z333333YYYYYYY</NextHostedZoneId>\n"
    "   <MaxItems>2</MaxItems>\n"
    "</ListHostedZonesByNameResponse>\n";

/* moto: no IsTruncated, no MaxItems. */
static const char zones_moto[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<ListHostedZonesByNameResponse xmlns=\"" R53NS "\"><HostedZones>"
    "<HostedZone><Id>/hostedzone/L5AVZDKQXG2MXDLZ9L6XU7</Id><Name>"
    "example.com.</Name><CallerReference>x1</CallerReference><Config>"
    "<PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>6"
    "</ResourceRecordSetCount></HostedZone></HostedZones><DNSName>"
    "example.com.</DNSName></ListHostedZonesByNameResponse>";

static int
zone_line(void *ctx, const struct r53_zone *z)
{
	struct seen *s = ctx;

	s->n++;
	add(s, "%s %s %llu%s\n", z->id, z->name,
	    (unsigned long long)z->rrset_count, z->private_zone ? " private" : "");
	return s->stop_at && (int)s->n == s->stop_at ? -7 : 0;
}

static int
zone_of(const char *doc, struct r53_zone *z)
{
	return r53_parse_zone(doc, strlen(doc), z, NULL);
}

UNIT_TEST(r53_zones)
{
	struct r53_zone z;
	struct r53_zones_page zp;

	CHECK_INT(r53_parse_zone(zone_aws, sizeof zone_aws - 1, &z, NULL), 0);
	CHECK_STR(z.id, "Z1D633PJN98FT9");
	CHECK_STR(z.name, "example.com.");
	CHECK_INT(z.has_count, 1);
	CHECK_INT((long)z.rrset_count, 17);
	CHECK_INT(z.private_zone, 0);
	CHECK_INT(r53_parse_zone(zone_moto, sizeof zone_moto - 1, &z, NULL), 0);
	CHECK_STR(z.id, "L5AVZDKQXG2MXDLZ9L6XU7");
	CHECK_INT((long)z.rrset_count, 6);
	CHECK_INT(zone_of("<GetHostedZoneResponse><HostedZone><Name>a."
	    "</Name></HostedZone></GetHostedZoneResponse>", &z), 
	    R53_E_MISSING);
	CHECK_INT(zone_of("<GetHostedZoneResponse><HostedZone><Id>Z1"
	    "</Id><Name>a.</Name><Config><PrivateZone>true</PrivateZone>"
	    "</Config></HostedZone></GetHostedZoneResponse>", &z), 0);
	CHECK_INT(z.private_zone, 1);
	CHECK_INT(z.has_count, 0);
	CHECK_INT(r53_parse_zone(zones_aws, sizeof zones_aws - 1, &z, NULL),
	    R53_E_ROOT);

	memset(&seen, 0, sizeof seen);
	CHECK_INT(r53_parse_zones_by_name(zones_aws, sizeof zones_aws - 1,
	    zone_line, &seen, &zp, NULL), 0);
	CHECK_STR(seen.text, "Z111111QQQQQQQ example.com. 42\n"
	    "Z222222VVVVVVV example.com. 4 private\n");
	CHECK_INT(zp.n_zones, 2);
	CHECK_INT(zp.truncated, 1);
	CHECK_STR(zp.next_name, "example2.com.");
	CHECK_STR(zp.next_id, "Z333333YYYYYYY");
	CHECK_INT(zp.max_items, 2);
	memset(&seen, 0, sizeof seen);
	CHECK_INT(r53_parse_zones_by_name(zones_moto, sizeof zones_moto - 1,
	    zone_line, &seen, &zp, NULL), 0);
	CHECK_STR(seen.text, "L5AVZDKQXG2MXDLZ9L6XU7 example.com. 6\n");
	CHECK_INT(zp.truncated, 0);
	memset(&seen, 0, sizeof seen);
	seen.stop_at = 1;
	CHECK_INT(r53_parse_zones_by_name(zones_aws, sizeof zones_aws - 1,
	    zone_line, &seen, &zp, NULL), -7);
	CHECK_INT(r53_parse_zones_by_name(zone_aws, sizeof zone_aws - 1,
	    NULL, NULL, &zp, NULL), R53_E_ROOT);
}

/* ---- errors -------------------------------------------------------------------- */

/* 1. AWS: ErrorResponse/Error. */
static const char err_throttle[] =
    "<?xml version=\"1.0\"?>\n"
    "<ErrorResponse xmlns=\"" R53NS "\"><Error><Type>Sender</Type><Code>"
    "Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>"
    "8e2d5a3c-1f3b-4a1e-9d3c-000000000001</RequestId></ErrorResponse>";

/* 2. AWS: InvalidChangeBatch, one message per bad change. */
static const char err_batch[] =
    "<?xml version=\"1.0\"?>\n"
    "<InvalidChangeBatch xmlns=\"" R53NS "\">\n"
    "  <Messages>\n"
    "    <Message>Tried to delete resource record set "
    "[name=&apos;www.example.com.&apos;, type=&apos;A&apos;] but the values "
    "provided do not match the current values</Message>\n"
    "    <Message>Tried to create resource record set "
    "[name='new.example.com.', type='TXT'] but it already exists</Message>\n"
    "  </Messages>\n"
    "  <RequestId>b25f48e8-84fd-11e6-80d9-574e0c4664cb</RequestId>\n"
    "</InvalidChangeBatch>\n";

/* 3. AWS: InvalidSignatureException, no namespace; clock skew. */
static const char err_sig_expired[] =
    "<InvalidSignatureException>\n"
    "  <Message>Signature expired: 20240101T000000Z is now earlier than "
    "20240101T000500Z (20240101T001000Z - 5 min.)</Message>\n"
    "</InvalidSignatureException>\n";

static const char err_sig_future[] =
    "<InvalidSignatureException><Message>Signature not yet current: "
    "20240101T002000Z is still later than 20240101T001500Z "
    "(20240101T001000Z + 5 min.)</Message></InvalidSignatureException>";

static const char err_sig_bad[] =
    "<InvalidSignatureException><Message>The request signature we "
    "calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service "
    "documentation for details.</Message></InvalidSignatureException>";

/* 4. moto (older): ErrorResponse/Errors/Error, CDATA, no namespace. */
static const char err_moto_errors[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ErrorResponse>\n"
    "  <Errors>\n"
    "    <Error>\n"
    "      <Code>InvalidInput</Code>\n"
    "      <Message><![CDATA[Invalid request: Expected exactly one of "
    "[AliasTarget, all of [TTL, and ResourceRecords], or "
    "TrafficPolicyInstanceId], but found none in Change with "
    "[Action=DELETE, Name=www.example.com., Type=A, SetIdentifier=null]]]>"
    "</Message>\n"
    "    </Error>\n"
    "  </Errors>\n"
    "  <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>\n"
    "</ErrorResponse>\n";

/* moto 5.2.1, captured: shape 1 with a lowercase <message> copy. */
static const char err_moto_52[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<ErrorResponse xmlns=\"" R53NS "\"><Error><Type>Sender</Type><Code>"
    "NoSuchHostedZone</Code><Message>No hosted zone found with ID: ZNOPE"
    "</Message><message>No hosted zone found with ID: ZNOPE</message>"
    "</Error><RequestId>zo4DOVr6LufkpGSppPMEunILtd5ciR5JXtlTVAIxPHPydAkuwhw2"
    "</RequestId></ErrorResponse>";

/* A prefix on every element. */
static const char err_prefixed[] =
    "<r:ErrorResponse xmlns:r=\"" R53NS "\"><r:Error><r:Type>Sender</r:Type>"
    "<r:Code>ExpiredToken</r:Code><r:Message>The security token included "
    "in the request is expired</r:Message></r:Error><r:RequestId>r-2"
    "</r:RequestId></r:ErrorResponse>";

/* An S3-style <Error> root with RequestID. */
static const char err_bare[] =
    "<Error><Code>AccessDenied</Code><Message>User: "
    "arn:aws:iam::123456789012:user/xfrsync is not authorized to perform: "
    "route53:ChangeResourceRecordSets on resource: "
    "arn:aws:route53:::hostedzone/Z1</Message><RequestID>abc</RequestID>"
    "</Error>";

static struct r53_error e;

static int
err_of(const char *doc)
{
	return r53_parse_error(doc, strlen(doc), &e, NULL);
}

UNIT_TEST(r53_error_shapes)
{
	CHECK_INT(err_of(err_throttle), 0);
	CHECK_STR(e.code, "Throttling");
	CHECK_STR(e.type, "Sender");
	CHECK_STR(e.request_id, "8e2d5a3c-1f3b-4a1e-9d3c-000000000001");
	CHECK_INT(e.n_messages, 1);
	CHECK_STR(r53_error_message(&e, 0), "Rate exceeded");
	CHECK(r53_error_message(&e, 1) == NULL);

	CHECK_INT(err_of(err_batch), 0);
	CHECK_STR(e.code, "InvalidChangeBatch");
	CHECK_STR(e.type, "");
	CHECK_STR(e.request_id, "b25f48e8-84fd-11e6-80d9-574e0c4664cb");
	CHECK_INT(e.n_messages, 2);
	CHECK_STR(r53_error_message(&e, 0), "Tried to delete resource record "
	    "set [name='www.example.com.', type='A'] but the values provided "
	    "do not match the current values");
	CHECK_STR(r53_error_message(&e, 1), "Tried to create resource record "
	    "set [name='new.example.com.', type='TXT'] but it already exists");
	CHECK_INT(e.n_lost, 0);
	CHECK_INT(e.cut, 0);

	CHECK_INT(err_of(err_sig_expired), 0);
	CHECK_STR(e.code, "InvalidSignatureException");
	CHECK_STR(e.request_id, "");
	CHECK_INT(e.n_messages, 1);
	CHECK_INT(r53_error_class(403, e.code, r53_error_message(&e, 0)),
	    R53_C_CLOCK);
	CHECK_INT(err_of(err_sig_future), 0);
	CHECK_INT(r53_error_class(403, e.code, r53_error_message(&e, 0)),
	    R53_C_CLOCK);
	CHECK_INT(err_of(err_sig_bad), 0);
	CHECK_INT(r53_error_class(403, e.code, r53_error_message(&e, 0)),
	    R53_C_FATAL);

	CHECK_INT(err_of(err_moto_errors), 0);
	CHECK_STR(e.code, "InvalidInput");
	CHECK_STR(e.request_id, "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE");
	CHECK_STR(r53_error_message(&e, 0), "Invalid request: Expected exactly "
	    "one of [AliasTarget, all of [TTL, and ResourceRecords], or "
	    "TrafficPolicyInstanceId], but found none in Change with "
	    "[Action=DELETE, Name=www.example.com., Type=A, SetIdentifier=null]");
	CHECK_INT(r53_error_class(400, e.code, NULL), R53_C_RECONCILE);

	CHECK_INT(err_of(err_moto_52), 0);
	CHECK_STR(e.code, "NoSuchHostedZone");
	CHECK_INT(e.n_messages, 1);
	CHECK_STR(e.request_id,
	    "zo4DOVr6LufkpGSppPMEunILtd5ciR5JXtlTVAIxPHPydAkuwhw2");
	CHECK_INT(r53_error_class(404, e.code, NULL), R53_C_FATAL);

	CHECK_INT(err_of(err_prefixed), 0);
	CHECK_STR(e.code, "ExpiredToken");
	CHECK_STR(e.request_id, "r-2");
	CHECK_INT(r53_error_class(403, e.code, NULL), R53_C_REFRESH);

	CHECK_INT(err_of(err_bare), 0);
	CHECK_STR(e.code, "AccessDenied");
	CHECK_STR(e.request_id, "abc");
	CHECK_INT(r53_error_class(403, e.code, NULL), R53_C_FATAL);
}

UNIT_TEST(r53_error_odd)
{
	static char doc[8192];
	size_t o;
	int i;

	/* Entities and CDATA mixed in a message; blanks kept. */
	CHECK_INT(err_of("<ErrorResponse><Error><Code>InvalidInput</Code>"
	    "<Message> value &quot;x&lt;y&quot; <![CDATA[& <z>]]>&#x41; "
	    "</Message></Error></ErrorResponse>"), 0);
	CHECK_STR(r53_error_message(&e, 0), " value \"x<y\" & <z>A ");
	/* The first Code wins; an empty message counts. */
	CHECK_INT(err_of("<ErrorResponse><Error><Code>A</Code><Code>B</Code>"
	    "<Message/></Error></ErrorResponse>"), 0);
	CHECK_STR(e.code, "A");
	CHECK_INT(e.n_messages, 1);
	CHECK_STR(r53_error_message(&e, 0), "");
	/* No code. */
	CHECK_INT(err_of("<ErrorResponse><Error><Message>m</Message></Error>"
	    "</ErrorResponse>"), R53_E_MISSING);
	CHECK_STR(r53_error_message(&e, 0), "m");
	CHECK_INT(err_of("<Error/>"), R53_E_MISSING);
	/* An answer is not an error. */
	CHECK_INT(err_of(change_aws), R53_E_ROOT);
	/* Not XML at all (a proxy's HTML page, an empty body). */
	CHECK_INT(err_of("<html><body>502 Bad Gateway</body></html>"), 0);
	CHECK_STR(e.code, "html");
	CHECK_INT(err_of("Bad Gateway"), XML_E_TEXT);
	CHECK_INT(err_of(""), XML_E_TRUNC);
	CHECK_INT(err_of("<html><br></html>"), XML_E_MISMATCH);
	/* A code longer than its buffer is cut (and then matches nothing). */
	CHECK_INT(err_of("<ErrorResponse><Error><Code>Throttling"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "</Code></Error></ErrorResponse>"), 0);
	CHECK_INT((long)strlen(e.code), R53_CODE_MAX - 1);
	CHECK_INT(r53_error_class(400, e.code, NULL), R53_C_FATAL);
	/* A root name too long for the code. */
	CHECK_INT(err_of("<Xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxException/>"), R53_E_LONG);
	/* Many messages: as many as fit, the rest counted. */
	o = (size_t)snprintf(doc, sizeof doc, "<InvalidChangeBatch><Messages>");
	for (i = 0; i < 40; i++)
		o += (size_t)snprintf(doc + o, sizeof doc - o, "<Message>%02d "
		    "Tried to create resource record set [name='n%02d.example.', "
		    "type='A'] but it already exists</Message>", i, i);
	o += (size_t)snprintf(doc + o, sizeof doc - o,
	    "</Messages></InvalidChangeBatch>");
	CHECK_INT(r53_parse_error(doc, o, &e, NULL), 0);
	CHECK_INT(e.n_messages + e.n_lost, 40);
	CHECK(e.n_messages >= 20 && e.n_lost > 0);
	CHECK_INT(e.cut, 1);
	CHECK(strncmp(r53_error_message(&e, 19), "19 Tried", 8) == 0);
	/* A long message is cut on a character boundary. */
	o = (size_t)snprintf(doc, sizeof doc, "<ErrorResponse><Error><Code>X"
	    "</Code><Message>");
	for (i = 0; i < 1500; i++)
		o += (size_t)snprintf(doc + o, sizeof doc - o, "\xc3\xa9");
	o += (size_t)snprintf(doc + o, sizeof doc - o,
	    "</Message></Error></ErrorResponse>");
	CHECK_INT(r53_parse_error(doc, o, &e, NULL), 0);
	CHECK_INT(e.cut, 1);
	CHECK_INT((long)strlen(r53_error_message(&e, 0)), R53_MSG_MAX - 2);
}

UNIT_TEST(r53_mangled)
{
	size_t off = 12345;

	mangle(p_list, list_aws, sizeof list_aws - 1);
	mangle(p_list, list_moto, sizeof list_moto - 1);
	mangle(p_change, change_aws, sizeof change_aws - 1);
	mangle(p_zone, zone_aws, sizeof zone_aws - 1);
	mangle(p_zones, zones_aws, sizeof zones_aws - 1);
	mangle(p_error, err_batch, sizeof err_batch - 1);
	mangle(p_error, err_moto_errors, sizeof err_moto_errors - 1);
	/* The offset of a failure. */
	CHECK_INT(r53_parse_list(list_aws, 1000, &rec, NULL, NULL, &page, &off),
	    XML_E_TRUNC);
	CHECK_INT((long)off, 1000);
	{
		static const char d[] = "<ListResourceRecordSetsResponse><x></y>"
		    "</ListResourceRecordSetsResponse>";

		CHECK_INT(r53_parse_list(d, sizeof d - 1, &rec, NULL, NULL,
		    &page, &off), XML_E_MISMATCH);
	}
	CHECK_INT((long)off, 35);
}

/* ---- classification -------------------------------------------------------------- */

static const struct {
	int status;
	const char *code, *message;
	enum r53_class want;
} classes[] = {
	{ 200, NULL, NULL, R53_C_OK },
	{ 201, "Throttling", NULL, R53_C_OK },
	{ 400, "Throttling", "Rate exceeded", R53_C_RETRY },
	{ 400, "ThrottlingException", NULL, R53_C_RETRY },
	{ 400, "PriorRequestNotComplete", NULL, R53_C_RETRY },
	{ 400, "RequestLimitExceeded", NULL, R53_C_RETRY },
	{ 400, "TooManyRequestsException", NULL, R53_C_RETRY },
	{ 400, "RequestThrottled", NULL, R53_C_RETRY },
	{ 400, "SlowDown", NULL, R53_C_RETRY },
	{ 408, "RequestTimeout", NULL, R53_C_RETRY },
	{ 400, "RequestTimeoutException", NULL, R53_C_RETRY },
	{ 503, "ServiceUnavailable", NULL, R53_C_RETRY },
	{ 400, "ServiceUnavailable", NULL, R53_C_RETRY },
	{ 500, "InternalFailure", NULL, R53_C_RETRY },
	{ 429, NULL, NULL, R53_C_RETRY },
	{ 429, "AccessDenied", NULL, R53_C_RETRY },
	{ 500, NULL, NULL, R53_C_RETRY },
	{ 502, "", NULL, R53_C_RETRY },
	{ 504, "html", NULL, R53_C_RETRY },
	{ 599, "InvalidChangeBatch", NULL, R53_C_RETRY },
	{ 400, "InvalidChangeBatch", "Tried to delete", R53_C_RECONCILE },
	{ 400, "InvalidInput", NULL, R53_C_RECONCILE },
	{ 403, "ExpiredToken", NULL, R53_C_REFRESH },
	{ 400, "ExpiredTokenException", NULL, R53_C_REFRESH },
	{ 403, "InvalidClientTokenId", NULL, R53_C_REFRESH },
	{ 403, "UnrecognizedClientException", NULL, R53_C_REFRESH },
	{ 400, "com.amazon.coral.service#ExpiredTokenException", NULL,
	  R53_C_REFRESH },
	{ 403, "InvalidSignatureException", "Signature expired: 20240101T000000Z"
	  " is now earlier than 20240101T000500Z", R53_C_CLOCK },
	{ 403, "InvalidSignatureException", "Signature not yet current: x",
	  R53_C_CLOCK },
	{ 403, "SignatureDoesNotMatch", "Signature expired: x", R53_C_CLOCK },
	{ 403, "RequestTimeTooSkewed", NULL, R53_C_CLOCK },
	{ 400, "RequestExpired", NULL, R53_C_CLOCK },
	{ 403, "InvalidSignatureException", "The request signature we "
	  "calculated does not match", R53_C_FATAL },
	{ 403, "InvalidSignatureException", NULL, R53_C_FATAL },
	{ 403, "SignatureDoesNotMatch", NULL, R53_C_FATAL },
	{ 403, "IncompleteSignature", NULL, R53_C_FATAL },
	{ 403, "MissingAuthenticationToken", NULL, R53_C_FATAL },
	{ 403, "AccessDenied", NULL, R53_C_FATAL },
	{ 400, "AccessDeniedException", NULL, R53_C_FATAL },
	{ 404, "NoSuchHostedZone", NULL, R53_C_FATAL },
	{ 404, "NoSuchChange", NULL, R53_C_FATAL },
	{ 400, "InvalidArgument", NULL, R53_C_FATAL },
	{ 400, "InvalidDomainName", NULL, R53_C_FATAL },
	{ 400, "LimitsExceeded", NULL, R53_C_FATAL },
	{ 400, "throttling", NULL, R53_C_FATAL },
	{ 400, NULL, NULL, R53_C_FATAL },
	{ 403, "", "", R53_C_FATAL },
	{ 301, NULL, NULL, R53_C_FATAL },
	{ 0, NULL, NULL, R53_C_FATAL },
};

UNIT_TEST(r53_classify)
{
	size_t i;

	for (i = 0; i < sizeof classes / sizeof classes[0]; i++) {
		enum r53_class c = r53_error_class(classes[i].status,
		    classes[i].code, classes[i].message);

		if (c != classes[i].want) {
			printf("  classes[%zu] %d %s: %s, want %s\n", i,
			    classes[i].status, classes[i].code ?
			    classes[i].code : "(null)", r53_class_name(c),
			    r53_class_name(classes[i].want));
			CHECK(0);
		}
	}
	CHECK_STR(r53_class_name(R53_C_REFRESH), "refresh-credentials");
	CHECK_STR(r53_xml_strerror(R53_E_VALUES),
	    "Route53 RRset has too many values");
	CHECK_STR(r53_xml_strerror(XML_E_DTD), "XML DOCTYPE not supported");
}

/* ---- every error shape, end to end: parse, then classify -------------------------- */

/*
 * One row per answer the agent may get: the HTTP status, the body as
 * sent, what r53_parse_error() returns, the code and messages it finds,
 * and the class r53_error_class() gives with them.  The shapes are
 * route53.md's (§Errors) plus bodies that are not Route53's at all (a
 * proxy's HTML or text page, an empty body, JSON).
 */
static const struct {
	const char *what;
	int status;
	const char *body;
	int rc;                 /* of r53_parse_error */
	const char *code;
	unsigned nmsg;
	const char *msg0;       /* first message, or NULL */
	enum r53_class cls;
} shapes[] = {
	{ "ErrorResponse Throttling", 400,
	  "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"" R53NS "\">"
	  "<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate "
	  "exceeded</Message></Error><RequestId>r1</RequestId>"
	  "</ErrorResponse>",
	  0, "Throttling", 1, "Rate exceeded", R53_C_RETRY },
	{ "ErrorResponse ThrottlingException", 400,
	  "<ErrorResponse xmlns=\"" R53NS "\"><Error><Type>Sender</Type>"
	  "<Code>ThrottlingException</Code><Message>Rate exceeded</Message>"
	  "</Error><RequestId>r2</RequestId></ErrorResponse>",
	  0, "ThrottlingException", 1, "Rate exceeded", R53_C_RETRY },
	{ "ErrorResponse PriorRequestNotComplete", 400,
	  "<ErrorResponse xmlns=\"" R53NS "\"><Error><Type>Sender</Type>"
	  "<Code>PriorRequestNotComplete</Code><Message>The request was "
	  "rejected because Route 53 was still processing a prior request."
	  "</Message></Error><RequestId>r3</RequestId></ErrorResponse>",
	  0, "PriorRequestNotComplete", 1, "The request was rejected because "
	  "Route 53 was still processing a prior request.", R53_C_RETRY },
	{ "ErrorResponse ServiceUnavailable 503", 503,
	  "<ErrorResponse><Error><Type>Receiver</Type><Code>"
	  "ServiceUnavailable</Code><Message>Service is unavailable</Message>"
	  "</Error></ErrorResponse>",
	  0, "ServiceUnavailable", 1, "Service is unavailable", R53_C_RETRY },
	{ "InvalidChangeBatch, three messages", 400,
	  "<?xml version=\"1.0\"?>\n<InvalidChangeBatch xmlns=\"" R53NS "\">"
	  "<Messages><Message>Tried to delete resource record set "
	  "[name='a.example.com.', type='A'] but the values provided do not "
	  "match the current values</Message><Message>Tried to delete resource "
	  "record set [name='b.example.com.', type='TXT'] but it was not found"
	  "</Message><Message>Tried to create resource record set "
	  "[name='c.example.com.', type='CNAME'] but it already exists"
	  "</Message></Messages><RequestId>r4</RequestId></InvalidChangeBatch>",
	  0, "InvalidChangeBatch", 3, "Tried to delete resource record set "
	  "[name='a.example.com.', type='A'] but the values provided do not "
	  "match the current values", R53_C_RECONCILE },
	{ "InvalidChangeBatch, prefixed, CDATA", 400,
	  "<r:InvalidChangeBatch xmlns:r=\"" R53NS "\"><r:Messages><r:Message>"
	  "<![CDATA[RRSet of type CNAME with DNS name x.example.com. is not "
	  "permitted as it conflicts with other records with the same DNS "
	  "name in zone example.com.]]></r:Message></r:Messages>"
	  "</r:InvalidChangeBatch>",
	  0, "InvalidChangeBatch", 1, "RRSet of type CNAME with DNS name "
	  "x.example.com. is not permitted as it conflicts with other records "
	  "with the same DNS name in zone example.com.", R53_C_RECONCILE },
	{ "InvalidSignatureException, clock behind", 403,
	  "<InvalidSignatureException><Message>Signature expired: "
	  "20240101T000000Z is now earlier than 20240101T000500Z "
	  "(20240101T001000Z - 5 min.)</Message></InvalidSignatureException>",
	  0, "InvalidSignatureException", 1, "Signature expired: "
	  "20240101T000000Z is now earlier than 20240101T000500Z "
	  "(20240101T001000Z - 5 min.)", R53_C_CLOCK },
	{ "ErrorResponse SignatureDoesNotMatch, clock ahead", 403,
	  "<ErrorResponse xmlns=\"" R53NS "\"><Error><Type>Sender</Type>"
	  "<Code>SignatureDoesNotMatch</Code><Message>Signature not yet "
	  "current: 20240101T002000Z is still later than 20240101T001500Z "
	  "(20240101T001000Z + 5 min.)</Message></Error><RequestId>r5"
	  "</RequestId></ErrorResponse>",
	  0, "SignatureDoesNotMatch", 1, "Signature not yet current: "
	  "20240101T002000Z is still later than 20240101T001500Z "
	  "(20240101T001000Z + 5 min.)", R53_C_CLOCK },
	{ "ErrorResponse SignatureDoesNotMatch, wrong key", 403,
	  "<ErrorResponse xmlns=\"" R53NS "\"><Error><Type>Sender</Type>"
	  "<Code>SignatureDoesNotMatch</Code><Message>The request signature "
	  "we calculated does not match the signature you provided."
	  "</Message></Error></ErrorResponse>",
	  0, "SignatureDoesNotMatch", 1, "The request signature we calculated "
	  "does not match the signature you provided.", R53_C_FATAL },
	{ "ErrorResponse ExpiredToken", 403,
	  "<ErrorResponse xmlns=\"" R53NS "\"><Error><Type>Sender</Type>"
	  "<Code>ExpiredToken</Code><Message>The security token included in "
	  "the request is expired</Message></Error><RequestId>r6</RequestId>"
	  "</ErrorResponse>",
	  0, "ExpiredToken", 1, "The security token included in the request "
	  "is expired", R53_C_REFRESH },
	{ "ErrorResponse InvalidClientTokenId", 403,
	  "<ErrorResponse xmlns=\"" R53NS "\"><Error><Type>Sender</Type>"
	  "<Code>InvalidClientTokenId</Code><Message>The security token "
	  "included in the request is invalid.</Message></Error>"
	  "</ErrorResponse>",
	  0, "InvalidClientTokenId", 1, "The security token included in the "
	  "request is invalid.", R53_C_REFRESH },
	{ "ErrorResponse AccessDenied", 403,
	  "<ErrorResponse xmlns=\"" R53NS "\"><Error><Type>Sender</Type>"
	  "<Code>AccessDenied</Code><Message>User: arn:aws:iam::1:user/x is "
	  "not authorized to perform: route53:ChangeResourceRecordSets"
	  "</Message></Error></ErrorResponse>",
	  0, "AccessDenied", 1, "User: arn:aws:iam::1:user/x is not authorized "
	  "to perform: route53:ChangeResourceRecordSets", R53_C_FATAL },
	{ "ErrorResponse NoSuchHostedZone 404", 404,
	  "<ErrorResponse xmlns=\"" R53NS "\"><Error><Type>Sender</Type>"
	  "<Code>NoSuchHostedZone</Code><Message>No hosted zone found with "
	  "ID: Z1</Message></Error></ErrorResponse>",
	  0, "NoSuchHostedZone", 1, "No hosted zone found with ID: Z1",
	  R53_C_FATAL },
	{ "moto ErrorResponse/Errors InvalidInput", 400,
	  "<ErrorResponse><Errors><Error><Code>InvalidInput</Code><Message>"
	  "Invalid request</Message></Error></Errors><RequestId>m1"
	  "</RequestId></ErrorResponse>",
	  0, "InvalidInput", 1, "Invalid request", R53_C_RECONCILE },
	{ "HTML 502 from a proxy", 502,
	  "<html><head><title>502 Bad Gateway</title></head><body>"
	  "<center><h1>502 Bad Gateway</h1></center></body></html>",
	  0, "html", 0, NULL, R53_C_RETRY },
	{ "plain text 503", 503, "Service Unavailable\r\n",
	  XML_E_TEXT, "", 0, NULL, R53_C_RETRY },
	{ "empty 500", 500, "", XML_E_TRUNC, "", 0, NULL, R53_C_RETRY },
	{ "empty 503", 503, "", XML_E_TRUNC, "", 0, NULL, R53_C_RETRY },
	{ "empty 429", 429, "", XML_E_TRUNC, "", 0, NULL, R53_C_RETRY },
	{ "truncated XML 504", 504, "<ErrorResponse><Error><Code>Inter",
	  XML_E_TRUNC, "", 0, NULL, R53_C_RETRY },
	{ "empty 400", 400, "", XML_E_TRUNC, "", 0, NULL, R53_C_FATAL },
	{ "empty 403", 403, "", XML_E_TRUNC, "", 0, NULL, R53_C_FATAL },
	{ "JSON 400", 400, "{\"__type\":\"Throttling\",\"message\":\"x\"}",
	  XML_E_TEXT, "", 0, NULL, R53_C_FATAL },
};

UNIT_TEST(r53_error_every_shape_parsed_and_classified)
{
	const char *m;
	unsigned k;
	size_t i;

	for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		const char *m0;
		int rc = err_of(shapes[i].body);
		enum r53_class c;

		/* What the client does: the code and first message found,
		 * whatever the parse returned. */
		m0 = r53_error_message(&e, 0);
		c = r53_error_class(shapes[i].status, e.code, m0);
		if (rc != shapes[i].rc || strcmp(e.code, shapes[i].code) != 0 ||
		    e.n_messages != shapes[i].nmsg || c != shapes[i].cls ||
		    (shapes[i].msg0 == NULL) != (m0 == NULL) ||
		    (m0 != NULL && strcmp(m0, shapes[i].msg0) != 0)) {
			printf("  shapes[%zu] %s: rc %d code \"%s\" %u messages "
			    "class %s; want rc %d code \"%s\" %u class %s\n", i,
			    shapes[i].what, rc, e.code, e.n_messages,
			    r53_class_name(c), shapes[i].rc, shapes[i].code,
			    shapes[i].nmsg, r53_class_name(shapes[i].cls));
			CHECK(0);
		}
		/* Every message of these shapes reads as one line. */
		for (k = 0; (m = r53_error_message(&e, k)) != NULL; k++)
			if (strchr(m, '\n') != NULL)
				CHECK(!"a message spans lines");
	}
}

UNIT_TEST(r53_error_class_names_are_words)
{
	static const enum r53_class all[] = { R53_C_OK, R53_C_RETRY,
		R53_C_RECONCILE, R53_C_REFRESH, R53_C_CLOCK, R53_C_FATAL };
	static const char *const want[] = { "ok", "retry", "reconcile",
		"refresh-credentials", "clock-skew", "fatal" };
	size_t i;

	for (i = 0; i < sizeof all / sizeof all[0]; i++)
		CHECK_STR(r53_class_name(all[i]), want[i]);
	CHECK_STR(r53_class_name((enum r53_class)99), "unknown");
	/* Every R53_E_* has its own description, none of them empty. */
	CHECK_STR(r53_xml_strerror(R53_E_ROOT),
	    "not the Route53 answer expected");
	CHECK_STR(r53_xml_strerror(R53_E_MISSING),
	    "Route53 answer lacks a required element");
	CHECK_STR(r53_xml_strerror(R53_E_VALUE),
	    "Route53 answer has an invalid value");
	CHECK_STR(r53_xml_strerror(R53_E_DUP), "Route53 answer repeats an element");
	CHECK_STR(r53_xml_strerror(R53_E_LONG),
	    "Route53 answer has an over-long name or ID");
	CHECK(strlen(r53_xml_strerror(XML_E_TRUNC)) > 0);
}

/* ---- pagination: the escaped NextRecordName, read back as a wire name ------------- */

/* A truncated, empty page whose next record is (name, type[, id]). */
static int
next_page_of(const char *name, const char *type, const char *id)
{
	char doc[2048];
	int n = snprintf(doc, sizeof doc, "<?xml version=\"1.0\"?>\n"
	    "<ListResourceRecordSetsResponse xmlns=\"" R53NS "\">"
	    "<ResourceRecordSets><ResourceRecordSet><Name>z.example.com.</Name>"
	    "<Type>A</Type><TTL>60</TTL><ResourceRecords><ResourceRecord>"
	    "<Value>192.0.2.1</Value></ResourceRecord></ResourceRecords>"
	    "</ResourceRecordSet></ResourceRecordSets>"
	    "<IsTruncated>true</IsTruncated><NextRecordName>%s</NextRecordName>"
	    "<NextRecordType>%s</NextRecordType>%s%s%s<MaxItems>1</MaxItems>"
	    "</ListResourceRecordSetsResponse>", name, type,
	    id ? "<NextRecordIdentifier>" : "", id ? id : "",
	    id ? "</NextRecordIdentifier>" : "");

	return list_of(doc, (size_t)n);
}

UNIT_TEST(r53_list_next_name_escapes_read_as_wire_names)
{
	/* As Route53 writes them (octal for every byte but a-z 0-9 - _),
	 * and the wire name each one is. */
	static const struct {
		const char *listed;
		const char *wire;       /* length-prefixed labels */
		size_t wlen;            /* with the root's 0 */
		const char *same_as;    /* an equal name as we send it */
	} n[] = {
		{ "\\052.example.com.", "\1*\7example\3com", 15,
		  "*.example.com." },
		{ "\\052.sub.example.com.", "\1*\3sub\7example\3com", 19,
		  "*.SUB.example.com" },
		{ "\\100home.example.com.", "\5@home\7example\3com", 19,
		  "\\@home.example.com." },
		{ "a\\040b.example.com.", "\3a b\7example\3com", 17,
		  "a\\ b.example.com." },
		{ "\\052.a\\040b\\100c.example.com.", "\1*\5a b@c\7example\3com",
		  21, "*.a\\040b\\@c.example.com." },
		{ "dot\\056in.example.com.", "\6dot.in\7example\3com", 20,
		  "dot\\.in.example.com." },
		{ "back\\134slash.example.com.", "\x0a" "back\\slash\7example\3com",
		  24, "back\\\\slash.example.com." },
		{ "\\303\\251t\\303\\251.example.com.",
		  "\5\303\251t\303\251\7example\3com", 19, NULL },
		{ "tab\\011.example.com.", "\4tab\t\7example\3com", 18, NULL },
	};
	uint8_t w[256];
	size_t i;
	int len;

	for (i = 0; i < sizeof n / sizeof n[0]; i++) {
		CHECK_INT(next_page_of(n[i].listed, "TXT", NULL), 0);
		CHECK_INT(page.truncated, 1);
		/* Kept exactly as Route53 wrote it (the next request sends
		 * it back, RFC 3986 encoded). */
		CHECK_STR(page.next_name, n[i].listed);
		CHECK_STR(page.next_type, "TXT");
		CHECK_STR(page.next_id, "");
		len = r53_name_from_text(page.next_name,
		    strlen(page.next_name), w);
		CHECK_INT(len, (long)n[i].wlen);
		if (len == (int)n[i].wlen)
			CHECK_MEM(w, n[i].wire, n[i].wlen);
		if (n[i].same_as != NULL)
			CHECK_INT(r53_name_cmp(page.next_name, n[i].same_as), 0);
	}
	/* An identifier with an entity and spaces, decoded once. */
	CHECK_INT(next_page_of("\\052.example.com.", "A",
	    "green &amp; blue 2"), 0);
	CHECK_STR(page.next_id, "green & blue 2");
	/* An entity in the name is decoded once, its backslash escapes
	 * kept for the caller. */
	CHECK_INT(next_page_of("\\052.x&#46;y.example.com.", "A", NULL), 0);
	CHECK_STR(page.next_name, "\\052.x.y.example.com.");
	/* The name of the last set of a page and the next name may be
	 * the same owner (another type next). */
	CHECK_INT(next_page_of("z.example.com.", "AAAA", NULL), 0);
	CHECK_STR(page.next_name, "z.example.com.");
	CHECK_STR(page.next_type, "AAAA");
	/* A bad escape in NextRecordName is the caller's to refuse. */
	CHECK_INT(next_page_of("bad\\09.example.com.", "A", NULL), 0);
	CHECK(r53_name_from_text(page.next_name, strlen(page.next_name), w) < 0);
}
