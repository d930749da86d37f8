/*
 * fuzz_msg.c — the message parser and printer on arbitrary bytes.
 * Every parsed RR's canonical RDATA must pass dns_rdata_check, print, and
 * its text must parse back to the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "net/msg.h"
#include "net/rdata.h"
#include "net/zonetext.h"
#include "tests/fuzz/fuzz.h"

static struct dns_print_buf pb;
static uint8_t rd[DNS_RDATA_MAX], rd2[DNS_RDATA_MAX];
static char text[DNS_PRINT_LINE_MAX];

static void
sink(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

static void
roundtrip(const struct dns_rr *rr)
{
	struct dns_tb t;
	struct dns_rr back;
	size_t n;

	if (rr->type == 41 || rr->type == 250)
		return; /* OPT, TSIG: not zone data */
	if (dns_rdata_check(rr->type, rr->rdata, rr->rdlen) != 0)
		abort();
	dns_tb_init(&t, text, sizeof text);
	dns_rr_to_text(&t, rr);
	n = dns_tb_end(&t);
	if (n >= sizeof text)
		abort();
	if (dns_rr_from_text(text, n, NULL, -1, &back, rd2, sizeof rd2) != 0 ||
	    back.type != rr->type || back.rdlen != rr->rdlen ||
	    memcmp(back.rdata, rr->rdata, rr->rdlen) != 0 ||
	    !dns_name_eq(back.owner, rr->owner))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_msg m;
	struct dns_rr rr;
	size_t off;

	if (dns_msg_init(&m, data, size) == 0)
		while (dns_msg_rr(&m, &rr, rd, sizeof rd) == 1)
			roundtrip(&rr);
	dns_msg_print(data, size, &pb, sink, NULL, &off);
	return 0;
}
