/* text.c — presentation text: counting output buffer, tokens, numbers. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "net/err.h"
#include "net/text.h"

void
dns_tb_init(struct dns_tb *t, char *buf, size_t cap)
{
	t->buf = buf;
	t->cap = cap;
	t->n = 0;
	if (cap > 0)
		buf[0] = '\0';
}

void
dns_tb_putc(struct dns_tb *t, char c)
{
	if (t->n + 1 < t->cap)
		t->buf[t->n] = c;
	t->n++;
}

void
dns_tb_putn(struct dns_tb *t, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dns_tb_putc(t, s[i]);
}

void
dns_tb_puts(struct dns_tb *t, const char *s)
{
	dns_tb_putn(t, s, strlen(s));
}

void
dns_tb_printf(struct dns_tb *t, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (k > 0)
		dns_tb_putn(t, tmp, (size_t)k < sizeof tmp ? (size_t)k :
		    sizeof tmp - 1);
}

size_t
dns_tb_end(struct dns_tb *t)
{
	if (t->cap > 0)
		t->buf[t->n < t->cap ? t->n : t->cap - 1] = '\0';
	return t->n;
}

void
dns_tb_uint(struct dns_tb *t, uint64_t v)
{
	char d[20];
	size_t n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		dns_tb_putc(t, d[--n]);
}

void
dns_tb_ipv4(struct dns_tb *t, const uint8_t a[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0)
			dns_tb_putc(t, '.');
		dns_tb_uint(t, a[i]);
	}
}

void
dns_tb_ipv6(struct dns_tb *t, const uint8_t a[16])
{
	unsigned w[8], i;
	int best = -1, blen = 0, cur = -1, clen = 0;

	for (i = 0; i < 8; i++) {
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		if (w[i] == 0) {
			if (cur < 0)
				cur = (int)i, clen = 0;
			if (++clen > blen)
				best = cur, blen = clen;
		} else
			cur = -1;
	}
	if (blen < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best >= 0 && (int)i >= best && (int)i < best + blen) {
			if ((int)i == best)
				dns_tb_putc(t, ':');
			continue;
		}
		if (i > 0)
			dns_tb_putc(t, ':');
		/* IPv4-compatible and IPv4-mapped addresses end dotted. */
		if (i == 6 && best == 0 &&
		    (blen == 6 || (blen == 5 && w[5] == 0xffff))) {
			dns_tb_ipv4(t, a + 12);
			return;
		}
		dns_tb_printf(t, "%x", w[i]);
	}
	if (best >= 0 && best + blen == 8)
		dns_tb_putc(t, ':');
}

void
dns_tb_hex(struct dns_tb *t, const uint8_t *p, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		dns_tb_putc(t, hx[p[i] >> 4]);
		dns_tb_putc(t, hx[p[i] & 15]);
	}
}

void
dns_tb_str(struct dns_tb *t, const uint8_t *p, size_t n, int quoted)
{
	size_t i;

	if (quoted)
		dns_tb_putc(t, '"');
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c < 0x20 || c > 0x7e || (!quoted && c == ' ')) {
			dns_tb_putc(t, '\\');
			dns_tb_putc(t, (char)('0' + c / 100));
			dns_tb_putc(t, (char)('0' + c / 10 % 10));
			dns_tb_putc(t, (char)('0' + c % 10));
		}
		else if (c == '"' || c == '\\' ||
		    (!quoted && strchr(";()", c) != NULL)) {
			dns_tb_putc(t, '\\');
			dns_tb_putc(t, (char)c);
		} else
			dns_tb_putc(t, (char)c);
	}
	if (quoted)
		dns_tb_putc(t, '"');
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(' ||
	    c == ')';
}

static void
skip_blanks(struct dns_tok *k)
{
	while (k->off < k->n) {
		if (blank(k->s[k->off]))
			k->off++;
		else if (k->s[k->off] == ';')
			while (k->off < k->n && k->s[k->off] != '\n')
				k->off++;
		else
			break;
	}
}

int
dns_tok_more(struct dns_tok *k)
{
	skip_blanks(k);
	return k->off < k->n;
}

int
dns_tok_next(struct dns_tok *k, const char **p, size_t *len, int *quoted)
{
	size_t start;

	skip_blanks(k);
	if (k->off >= k->n)
		return 0;
	*quoted = k->s[k->off] == '"';
	if (*quoted) {
		start = ++k->off;
		while (k->off < k->n && k->s[k->off] != '"') {
			if (k->s[k->off] == '\\')
				k->off++;
			k->off++;
		}
		if (k->off >= k->n)
			return DNS_ESYNTAX;
		*p = k->s + start;
		*len = k->off - start;
		k->off++; /* closing quote */
		return 1;
	}
	start = k->off;
	while (k->off < k->n && !blank(k->s[k->off]) && k->s[k->off] != ';' &&
	    k->s[k->off] != '"') {
		if (k->s[k->off] == '\\' && k->off + 1 < k->n)
			k->off++;
		k->off++;
	}
	*p = k->s + start;
	*len = k->off - start;
	return 1;
}

int
dns_text_byte(const char *s, size_t n, size_t *i)
{
	size_t k = *i;
	unsigned c = (unsigned char)s[k++];

	if (c == '\\') {
		if (k >= n)
			return DNS_ESYNTAX;
		if (s[k] >= '0' && s[k] <= '9') {
			if (k + 3 > n || s[k + 1] < '0' || s[k + 1] > '9' ||
			    s[k + 2] < '0' || s[k + 2] > '9')
				return DNS_ESYNTAX;
			c = (unsigned)(s[k] - '0') * 100 +
			    (unsigned)(s[k + 1] - '0') * 10 +
			    (unsigned)(s[k + 2] - '0');
			if (c > 255)
				return DNS_ESYNTAX;
			k += 3;
		} else
			c = (unsigned char)s[k++];
	}
	*i = k;
	return (int)c;
}

int
dns_unescape(const char *s, size_t n, uint8_t *out, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < n) {
		int c = dns_text_byte(s, n, &i);

		if (c < 0)
			return c;
		if (o >= cap)
			return DNS_ESPACE;
		out[o++] = (uint8_t)c;
	}
	return (int)o;
}

int
dns_parse_u32(const char *s, size_t n, uint32_t max, uint32_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 10)
		return DNS_ESYNTAX;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return DNS_ESYNTAX;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > max)
		return DNS_ESYNTAX;
	*v = (uint32_t)x;
	return 0;
}

static int
pton(int af, const char *s, size_t n, void *out)
{
	char tmp[64];

	if (n == 0 || n >= sizeof tmp)
		return DNS_ESYNTAX;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(af, tmp, out) == 1 ? 0 : DNS_ESYNTAX;
}

int
dns_parse_ipv4(const char *s, size_t n, uint8_t out[4])
{
	return pton(AF_INET, s, n, out);
}

int
dns_parse_ipv6(const char *s, size_t n, uint8_t out[16])
{
	return pton(AF_INET6, s, n, out);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
dns_parse_hex(const char *s, size_t n, uint8_t *out, size_t cap)
{
	size_t i = 0, o = 0;

	for (;;) {
		int hi, lo;

		while (i < n && blank(s[i]))
			i++;
		if (i >= n)
			return (int)o;
		if (i + 1 >= n || (hi = hexval(s[i])) < 0 ||
		    (lo = hexval(s[i + 1])) < 0)
			return DNS_ESYNTAX;
		if (o >= cap)
			return DNS_ESPACE;
		out[o++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
}
