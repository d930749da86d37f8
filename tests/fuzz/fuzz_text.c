/*
 * fuzz_text.c — the presentation parser on arbitrary text.  Whatever
 * parses must print, and the printed text must parse to the same RR
 * (text -> wire -> text -> wire is stable).
 */
#include <stdlib.h>
#include <string.h>

#include "net/rdata.h"
#include "net/zonetext.h"
#include "tests/fuzz/fuzz.h"

static uint8_t rd[DNS_RDATA_MAX], rd2[DNS_RDATA_MAX];
static char text[4 * DNS_RDATA_MAX + 4096];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t origin[] = "\7example\3com";
	struct dns_rr rr, back;
	struct dns_tb t;
	size_t n;

	if (dns_rr_from_text((const char *)data, size, origin, 3600, &rr, rd,
	    sizeof rd) != 0)
		return 0;
	if (dns_rdata_check(rr.type, rr.rdata, rr.rdlen) != 0)
		abort();
	dns_tb_init(&t, text, sizeof text);
	dns_rr_to_text(&t, &rr);
	n = dns_tb_end(&t);
	if (n >= sizeof text)
		abort();
	if (dns_rr_from_text(text, n, NULL, -1, &back, rd2, sizeof rd2) != 0 ||
	    back.type != rr.type || back.ttl != rr.ttl || back.cls != rr.cls ||
	    back.rdlen != rr.rdlen ||
	    memcmp(back.rdata, rr.rdata, rr.rdlen) != 0 ||
	    !dns_name_eq(back.owner, rr.owner))
		abort();
	return 0;
}
