/* base64.c — RFC 4648 base64, standard alphabet, with padding. */
#include "net/base64.h"
#include "net/err.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
dns_tb_base64(struct dns_tb *t, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		dns_tb_putc(t, alphabet[v >> 18 & 63]);
		dns_tb_putc(t, alphabet[v >> 12 & 63]);
		dns_tb_putc(t, i + 1 < n ? alphabet[v >> 6 & 63] : '=');
		dns_tb_putc(t, i + 2 < n ? alphabet[v & 63] : '=');
	}
}

/* The value of a base64 digit, 64 for '=', -1 for anything else. */
static int
digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return c == '=' ? 64 : -1;
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(' ||
	    c == ')';
}

/*
 * Read the next four digits of s[*i..n) into q, skipping blanks.  Returns
 * 4, 0 at the end of the input, or DNS_ESYNTAX (bad character, or the
 * input ends inside a quantum).
 */
static int
quantum(const char *s, size_t n, size_t *i, int q[4])
{
	int k = 0;

	while (k < 4) {
		while (*i < n && blank(s[*i]))
			(*i)++;
		if (*i >= n)
			return k == 0 ? 0 : DNS_ESYNTAX;
		if ((q[k++] = digit(s[(*i)++])) < 0)
			return DNS_ESYNTAX;
	}
	return 4;
}

/*
 * Decode one quantum into b; returns the byte count (1..3) or
 * DNS_ESYNTAX for misplaced padding or non-zero trailing bits.
 */
static int
decode(const int q[4], uint8_t b[3])
{
	uint32_t v;

	if (q[0] == 64 || q[1] == 64 || (q[2] == 64 && q[3] != 64))
		return DNS_ESYNTAX;
	v = (uint32_t)q[0] << 18 | (uint32_t)q[1] << 12 |
	    (uint32_t)(q[2] & 63) << 6 | (uint32_t)(q[3] & 63);
	if ((q[2] == 64 && (v & 0xffff) != 0) ||
	    (q[3] == 64 && (v & 0xff) != 0))
		return DNS_ESYNTAX;
	b[0] = (uint8_t)(v >> 16);
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)v;
	return q[2] == 64 ? 1 : q[3] == 64 ? 2 : 3;
}

int
dns_base64_decode(const char *s, size_t n, uint8_t *out, size_t cap)
{
	size_t i = 0, o = 0;
	int q[4], r, k;
	uint8_t b[3];

	while ((r = quantum(s, n, &i, q)) == 4) {
		if ((k = decode(q, b)) < 0)
			return k;
		if ((size_t)k > cap - o)
			return DNS_ESPACE;
		for (r = 0; r < k; r++)
			out[o++] = b[r];
		if (k < 3)	/* padded: only blanks may follow */
			return quantum(s, n, &i, q) == 0 ? (int)o : DNS_ESYNTAX;
	}
	return r < 0 ? r : (int)o;
}
