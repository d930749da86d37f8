/* zonetext.c — one RR in zone-file form, both ways. */
#include <string.h>

#include "net/err.h"
#include "net/rdata.h"
#include "net/rrtype.h"
#include "net/zonetext.h"

void
dns_rr_to_text(struct dns_tb *t, const struct dns_rr *rr)
{
	char tmp[DNS_NAME_TEXT_MAX];

	dns_name_to_text(rr->owner, tmp, sizeof tmp);
	dns_tb_puts(t, tmp);
	dns_tb_putc(t, '\t');
	dns_tb_uint(t, rr->ttl);
	dns_tb_putc(t, '\t');
	dns_class_to_text(rr->cls, tmp, sizeof tmp);
	dns_tb_puts(t, tmp);
	dns_tb_putc(t, '\t');
	dns_type_to_text(rr->type, tmp, sizeof tmp);
	dns_tb_puts(t, tmp);
	dns_tb_putc(t, '\t');
	dns_rdata_to_text(t, rr->type, rr->rdata, rr->rdlen);
}

static int
is_ttl(const char *p, size_t n, uint32_t *ttl)
{
	return dns_parse_u32(p, n, 0xffffffff, ttl) == 0;
}

int
dns_rr_from_text(const char *s, size_t n, const uint8_t *origin,
    long default_ttl, struct dns_rr *rr, uint8_t *rdbuf, size_t cap)
{
	struct dns_tok k = { s, n, 0 };
	const char *p;
	size_t len;
	int q, rc, have_ttl = 0, have_cls = 0;

	memset(rr, 0, sizeof *rr);
	if (dns_tok_next(&k, &p, &len, &q) != 1 || q)
		return DNS_ESYNTAX;
	if ((rc = dns_name_from_text(p, len, origin, rr->owner)) < 0)
		return rc;
	rr->cls = DNS_C_IN;
	for (;;) {
		if (dns_tok_next(&k, &p, &len, &q) != 1 || q)
			return DNS_ESYNTAX;
		if (!have_ttl && is_ttl(p, len, &rr->ttl))
			have_ttl = 1;
		else if (!have_cls && dns_class_from_text(p, len, &rr->cls) == 0)
			have_cls = 1;
		else if (dns_type_from_text(p, len, &rr->type) == 0)
			break;
		else
			return DNS_ENOTYPE;
	}
	if (!have_ttl) {
		if (default_ttl < 0)
			return DNS_ESYNTAX;
		rr->ttl = (uint32_t)default_ttl;
	}
	rc = dns_rdata_from_text(&k, rr->type, origin, rdbuf, cap);
	if (rc < 0)
		return rc;
	rr->rdata = rdbuf;
	rr->rdlen = (uint16_t)rc;
	return 0;
}
