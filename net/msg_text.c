/* msg_text.c — print a DNS message the way dig does. */
#include <string.h>

#include "net/err.h"
#include "net/msg.h"
#include "net/rrtype.h"
#include "net/zonetext.h"

struct printer {
	struct dns_print_buf *b;
	void (*emit)(void *ctx, const char *line);
	void *ctx;
	struct dns_tb t;
};

static struct dns_tb *
line(struct printer *p)
{
	dns_tb_init(&p->t, p->b->line, sizeof p->b->line);
	return &p->t;
}

static void
flush(struct printer *p)
{
	dns_tb_end(&p->t);
	p->emit(p->ctx, p->b->line);
}

static void
say(struct printer *p, const char *s)
{
	dns_tb_puts(line(p), s);
	flush(p);
}

static void
print_header(struct printer *p, const struct dns_hdr *h)
{
	static const struct { uint16_t bit; const char *s; } fl[] = {
		{ DNS_F_QR, " qr" }, { DNS_F_AA, " aa" }, { DNS_F_TC, " tc" },
		{ DNS_F_RD, " rd" }, { DNS_F_RA, " ra" }, { DNS_F_AD, " ad" },
		{ DNS_F_CD, " cd" },
	};
	char op[16], rc[16];
	struct dns_tb *t = line(p);
	size_t i;

	dns_opcode_to_text(DNS_OPCODE(h->flags), op, sizeof op);
	dns_rcode_to_text(DNS_RCODE(h->flags), rc, sizeof rc);
	dns_tb_printf(t, ";; ->>HEADER<<- opcode: %s, status: %s, id: %u", op,
	    rc, h->id);
	flush(p);
	t = line(p);
	dns_tb_puts(t, ";; flags:");
	for (i = 0; i < sizeof fl / sizeof fl[0]; i++)
		if (h->flags & fl[i].bit)
			dns_tb_puts(t, fl[i].s);
	dns_tb_printf(t, "; QUERY: %u, ANSWER: %u, AUTHORITY: %u, "
	    "ADDITIONAL: %u", h->count[0], h->count[1], h->count[2],
	    h->count[3]);
	flush(p);
}

/* The OPT pseudosection: EDNS version, flags, UDP size, options. */
static void
print_opt(struct printer *p, const struct dns_rr *rr)
{
	struct dns_tb *t;
	size_t off = 0;

	say(p, "");
	say(p, ";; OPT PSEUDOSECTION:");
	t = line(p);
	dns_tb_printf(t, "; EDNS: version: %u, flags:%s; udp: %u",
	    (unsigned)(rr->ttl >> 16 & 0xff), (rr->ttl & 0x8000) ? " do" : "",
	    rr->cls);
	flush(p);
	while (off + 4 <= rr->rdlen) {
		unsigned code = dns_get16(rr->rdata + off);
		size_t n = dns_get16(rr->rdata + off + 2);

		if (off + 4 + n > rr->rdlen)
			break;
		t = line(p);
		if (code == 10)
			dns_tb_puts(t, "; COOKIE: ");
		else if (code == 3)
			dns_tb_puts(t, "; NSID: ");
		else
			dns_tb_printf(t, "; OPT=%u: ", code);
		dns_tb_hex(t, rr->rdata + off + 4, n);
		flush(p);
		off += 4 + n;
	}
}

/* First pass: find the OPT RR (printed before the question) and check. */
static int
find_opt(const uint8_t *msg, size_t len, struct printer *p, size_t *err_off)
{
	struct dns_msg m;
	struct dns_rr rr;
	int rc;

	if (dns_msg_init(&m, msg, len) != 0) {
		*err_off = dns_msg_offset(&m);
		return m.rd.err;
	}
	while ((rc = dns_msg_rr(&m, &rr, p->b->rdata, sizeof p->b->rdata)) == 1)
		if (rr.type == DNS_T_OPT)
			print_opt(p, &rr);
	*err_off = dns_msg_offset(&m);
	return rc;
}

static void
print_question(struct printer *p, const uint8_t *name, uint16_t qt,
    uint16_t qc)
{
	char tmp[DNS_NAME_TEXT_MAX];
	struct dns_tb *t = line(p);

	dns_name_to_text(name, tmp, sizeof tmp);
	dns_tb_printf(t, ";%s\t\t", tmp);
	dns_class_to_text(qc, tmp, sizeof tmp);
	dns_tb_printf(t, "%s\t", tmp);
	dns_type_to_text(qt, tmp, sizeof tmp);
	dns_tb_puts(t, tmp);
	flush(p);
}

static const char *const sec_title[] = {
	";; QUESTION SECTION:", ";; ANSWER SECTION:",
	";; AUTHORITY SECTION:", ";; ADDITIONAL SECTION:",
};

int
dns_msg_print(const uint8_t *msg, size_t len, struct dns_print_buf *scratch,
    void (*emit)(void *ctx, const char *line), void *ctx, size_t *err_off)
{
	struct printer p = { scratch, emit, ctx, { NULL, 0, 0 } };
	uint8_t qname[DNS_NAME_MAX];
	uint16_t qt, qc;
	struct dns_msg m;
	struct dns_rr rr;
	int rc, titled = -1;

	if (dns_msg_init(&m, msg, len) != 0) {
		*err_off = dns_msg_offset(&m);
		return m.rd.err;
	}
	print_header(&p, &m.hdr);
	rc = find_opt(msg, len, &p, err_off);
	while ((rc = dns_msg_question(&m, qname, &qt, &qc)) == 1) {
		if (titled < DNS_S_QD) {
			say(&p, "");
			say(&p, sec_title[DNS_S_QD]);
			titled = DNS_S_QD;
		}
		print_question(&p, qname, qt, qc);
	}
	while (rc >= 0 &&
	    (rc = dns_msg_rr(&m, &rr, scratch->rdata, sizeof scratch->rdata)) == 1) {
		if (rr.type == DNS_T_OPT)
			continue;
		if (rr.type == DNS_T_TSIG) {
			say(&p, "");
			say(&p, ";; TSIG PSEUDOSECTION:");
		} else if (titled < rr.section) {
			say(&p, "");
			say(&p, sec_title[rr.section]);
			titled = rr.section;
		}
		dns_rr_to_text(line(&p), &rr);
		flush(&p);
	}
	*err_off = dns_msg_offset(&m);
	return rc < 0 ? rc : 0;
}
