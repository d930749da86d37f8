/*
 * msg.h — DNS messages: parse, build, print like dig.
 *
 * Parsing walks a message in place: the header, then each question, then
 * each RR of the answer, authority and additional sections, with RDATA
 * decompressed into a caller buffer.  OPT must be in the additional
 * section, owned by the root, at most once; TSIG must be the last RR of the
 * message and the only one.  Bytes after the last RR are an error.
 */
#ifndef XFRSYNC_NET_MSG_H
#define XFRSYNC_NET_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "net/name.h"
#include "net/rdata.h"
#include "net/wire.h"

#define DNS_HDR_LEN 12

/* Header flag bits. */
#define DNS_F_QR 0x8000
#define DNS_F_AA 0x0400
#define DNS_F_TC 0x0200
#define DNS_F_RD 0x0100
#define DNS_F_RA 0x0080
#define DNS_F_AD 0x0020
#define DNS_F_CD 0x0010
#define DNS_OPCODE(flags) (((flags) >> 11) & 15)
#define DNS_RCODE(flags) ((flags) & 15)

enum dns_opcode { DNS_OP_QUERY = 0, DNS_OP_NOTIFY = 4, DNS_OP_UPDATE = 5 };
enum dns_rcode {
	DNS_R_NOERROR = 0, DNS_R_FORMERR = 1, DNS_R_SERVFAIL = 2,
	DNS_R_NXDOMAIN = 3, DNS_R_NOTIMP = 4, DNS_R_REFUSED = 5,
	DNS_R_NOTAUTH = 9, DNS_R_BADSIG = 16, DNS_R_BADKEY = 17,
	DNS_R_BADTIME = 18
};

/* Sections, in message order. */
enum dns_section { DNS_S_QD = 0, DNS_S_AN = 1, DNS_S_NS = 2, DNS_S_AR = 3 };

struct dns_hdr {
	uint16_t id, flags;
	uint16_t count[4]; /* indexed by enum dns_section */
};

struct dns_rr {
	uint8_t owner[DNS_NAME_MAX];
	uint16_t type, cls;
	uint32_t ttl;
	uint16_t rdlen;     /* canonical RDATA length */
	uint8_t *rdata;     /* canonical RDATA in the caller's buffer */
	uint8_t section;    /* enum dns_section */
	size_t off;         /* where the RR starts in the message */
};

struct dns_msg {
	struct dns_rd rd;
	struct dns_hdr hdr;
	uint8_t sec;        /* section being read */
	uint16_t left;      /* entries left in it */
	uint8_t seen_opt;
	size_t tsig_off;    /* offset of the TSIG RR, 0 if none */
};

/*
 * Start parsing buf[0..len): reads the header and checks that the counts
 * can fit.  0 or a negative DNS_E* (also in m->rd.err).
 */
int dns_msg_init(struct dns_msg *m, const uint8_t *buf, size_t len);

/*
 * Next question.  Returns 1 with qname/qtype/qclass filled, 0 when the
 * question section is done, or a negative DNS_E*.
 */
int dns_msg_question(struct dns_msg *m, uint8_t *qname, uint16_t *qtype,
    uint16_t *qclass);

/*
 * Next RR (skipping any questions not read yet).  RDATA is decompressed
 * into rdbuf[0..cap), which should hold DNS_RDATA_MAX bytes.  Returns 1
 * with rr filled, 0 after the last RR (the whole message was consumed), or
 * a negative DNS_E*; dns_msg_offset() then tells where.
 */
int dns_msg_rr(struct dns_msg *m, struct dns_rr *rr, uint8_t *rdbuf,
    size_t cap);

/* Offset where parsing stands (or failed). */
size_t dns_msg_offset(const struct dns_msg *m);

/* ---- building ------------------------------------------------------------ */
struct dns_mb {
	struct dns_wr w;
	struct dns_ctab ct;
	struct dns_hdr hdr;
	uint8_t sec;        /* last section written to */
};

/* Start a message in buf[0..cap) (cap is cut to CFG_MAX_DNS_MSG). */
void dns_mb_init(struct dns_mb *b, uint8_t *buf, size_t cap, uint16_t id,
    uint16_t flags);
void dns_mb_question(struct dns_mb *b, const uint8_t *qname, uint16_t qtype,
    uint16_t qclass);
/* Append an RR to section sec; sections must come in order. */
void dns_mb_rr(struct dns_mb *b, uint8_t sec, const uint8_t *owner,
    uint16_t type, uint16_t cls, uint32_t ttl, const uint8_t *rdata,
    size_t rdlen);
/* Append an EDNS0 OPT RR (no options) to the additional section. */
void dns_mb_opt(struct dns_mb *b, uint16_t udp_size, int dnssec_ok);
/* Write the counts; returns the message length or a negative DNS_E*. */
int dns_mb_end(struct dns_mb *b);

/* ---- printing ------------------------------------------------------------- */
/* Longest printed line: any RDATA byte may take 4 characters (\DDD). */
#define DNS_PRINT_LINE_MAX (4 * DNS_RDATA_MAX + 2 * DNS_NAME_TEXT_MAX + 1024)

struct dns_print_buf {
	uint8_t rdata[DNS_RDATA_MAX];
	char line[DNS_PRINT_LINE_MAX];
};

/*
 * Print a message the way dig does (header, OPT pseudosection, sections,
 * TSIG pseudosection), calling emit once per line (without newline).
 * scratch is caller-owned working space.  Returns 0, or the negative
 * DNS_E* at which parsing stopped (lines before it were emitted), with
 * *err_off set to where.
 */
int dns_msg_print(const uint8_t *msg, size_t len, struct dns_print_buf *scratch,
    void (*emit)(void *ctx, const char *line), void *ctx, size_t *err_off);

#endif
