/*
 * text.h — shared pieces of presentation (zone-file) text.
 *
 * Output goes through a struct dns_tb, which counts what it would need
 * beyond its capacity (snprintf-style): writers never overrun and the
 * caller learns the size it needs.  Input is split by a struct dns_tok.
 */
#ifndef XFRSYNC_NET_TEXT_H
#define XFRSYNC_NET_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* ---- output ----------------------------------------------------------- */
struct dns_tb {
	char *buf;
	size_t cap;  /* bytes of buf, including room for the NUL */
	size_t n;    /* bytes the text needs so far (may exceed cap) */
};

void dns_tb_init(struct dns_tb *t, char *buf, size_t cap);
void dns_tb_putc(struct dns_tb *t, char c);
void dns_tb_puts(struct dns_tb *t, const char *s);
void dns_tb_putn(struct dns_tb *t, const char *s, size_t n);
void dns_tb_printf(struct dns_tb *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* NUL-terminate (truncating if needed); returns t->n. */
size_t dns_tb_end(struct dns_tb *t);

/* Decimal, without printf (the hot path of printing a zone). */
void dns_tb_uint(struct dns_tb *t, uint64_t v);
void dns_tb_ipv4(struct dns_tb *t, const uint8_t a[4]);
/* RFC 5952 form as glibc's inet_ntop prints it (what dig shows). */
void dns_tb_ipv6(struct dns_tb *t, const uint8_t a[16]);
void dns_tb_hex(struct dns_tb *t, const uint8_t *p, size_t n); /* upper */
/*
 * A character-string as BIND prints it: in double quotes when quoted, with
 * \" and \\ escaped and bytes outside 0x20..0x7e as \DDD.  With quoted=0,
 * spaces are escaped as well (\032), so the result is one token.
 */
void dns_tb_str(struct dns_tb *t, const uint8_t *p, size_t n, int quoted);

/* ---- input ------------------------------------------------------------- */
struct dns_tok {
	const char *s;
	size_t n;
	size_t off;
};

/*
 * One token: a run of non-blank characters, or a double-quoted string.
 * Parentheses are treated as blanks (multi-line records), ';' starts a
 * comment to the end of the line.  p and len: the token without its quotes,
 * escapes untouched; *quoted: 1 if it was in quotes.  Returns 1, 0 at
 * the end of input, or DNS_ESYNTAX (unterminated quote).
 */
int dns_tok_next(struct dns_tok *k, const char **p, size_t *len, int *quoted);
/* The rest of the input after blanks, for "\#" generic data and the like. */
int dns_tok_more(struct dns_tok *k);

/*
 * The byte at s[*i] (with n the end), decoding one \X or \DDD escape,
 * and advance *i past it.  Returns 0..255, or DNS_ESYNTAX.
 */
int dns_text_byte(const char *s, size_t n, size_t *i);

/*
 * Decode \X and \DDD escapes of s[0..n) into out (at most cap bytes).
 * Returns the decoded length, or DNS_ESYNTAX / DNS_ESPACE.
 */
int dns_unescape(const char *s, size_t n, uint8_t *out, size_t cap);

int dns_parse_u32(const char *s, size_t n, uint32_t max, uint32_t *v);
int dns_parse_ipv4(const char *s, size_t n, uint8_t out[4]);
int dns_parse_ipv6(const char *s, size_t n, uint8_t out[16]);
/* Hex digits (either case), blanks allowed between digit pairs. */
int dns_parse_hex(const char *s, size_t n, uint8_t *out, size_t cap);

#endif
