/*
 * svcb.c — SvcParams (RFC 9460): wire check, text, and text parser.
 *
 * The text is what dig and named of BIND 9.18.49 (Debian 12,
 * 9.18.49-1~deb12u3) print, checked byte for byte against an AXFR of a
 * test zone; tests/unit/test_svcb.c holds what they printed:
 *
 *   - params in wire order, each as " key" alone when its value is empty
 *     (no-default-alpn, keyNNNNN, and an empty ech, which BIND 9.18
 *     accepts and so do we), else " key=value";
 *   - names for keys 0..6 only: key 7 prints as key7 (dohpath is
 *     accepted on input but not printed by 9.18);
 *   - mandatory=alpn,port and the hints as bare comma lists, port in
 *     decimal, ech in base64, all unquoted;
 *   - alpn always in double quotes: inside an id ',' becomes \\, and '\'
 *     becomes \\\\ (escaped for the list, then for the string), '"'
 *     becomes \", and bytes outside 0x21..0x7e (space too) \DDD;
 *   - keyNNNNN and key7 values in double quotes with only '"' and '\'
 *     escaped, bytes outside 0x20..0x7e as \DDD (dns_tb_str).
 *
 * Parsing follows the same named: keyNNNNN takes its value as a plain
 * character-string for every key (key3=\001\187 is port 443); a value
 * is the rest of the token after '=' or a quoted string glued to it;
 * alpn is unescaped twice (string, then list: "\X" is X, ',' splits);
 * mandatory, port, the hints and ech take no escapes.
 *
 * Checks are per key only.  named also insists that the keys listed in
 * mandatory be present, that no-default-alpn come with alpn, and that
 * dohpath be a URI template with {?dns}; nothing here enforces those.
 */
#include <string.h>

#include "net/base64.h"
#include "net/err.h"
#include "net/svcb.h"
#include "net/wire.h"

enum {
	KEY_MANDATORY, KEY_ALPN, KEY_NDALPN, KEY_PORT, KEY_IPV4HINT,
	KEY_ECH, KEY_IPV6HINT, KEY_DOHPATH, KEY_NAMED /* keys with a name */
};
#define KEY_PRINTED KEY_DOHPATH /* 9.18 prints names below this only */
#define CS_END 256              /* cs_get: end of the string */

static const char *const names[KEY_NAMED] = {
	"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech",
	"ipv6hint", "dohpath",
};

/*
 * The param at p[*off..n): key, value and its length; moves *off past
 * it.  Returns 1, 0 at the end, or DNS_ERDATA if it is truncated.
 */
static int
next_param(const uint8_t *p, size_t n, size_t *off, uint16_t *key,
    const uint8_t **v, size_t *len)
{
	if (*off >= n)
		return 0;
	if (n - *off < 4)
		return DNS_ERDATA;
	*key = dns_get16(p + *off);
	*len = dns_get16(p + *off + 2);
	if (*len > n - *off - 4)
		return DNS_ERDATA;
	*v = p + *off + 4;
	*off += 4 + *len;
	return 1;
}

/* ---- wire check ------------------------------------------------------ */

static int
check_mandatory(const uint8_t *v, size_t n)
{
	size_t i;

	if (n == 0 || n % 2 != 0 || dns_get16(v) == KEY_MANDATORY)
		return DNS_ERDATA;
	for (i = 2; i < n; i += 2)
		if (dns_get16(v + i) <= dns_get16(v + i - 2))
			return DNS_ERDATA;
	return 0;
}

static int
check_alpn(const uint8_t *v, size_t n)
{
	size_t i = 0;

	if (n == 0)
		return DNS_ERDATA;
	while (i < n) {
		if (v[i] == 0 || v[i] > n - i - 1)
			return DNS_ERDATA;
		i += 1 + (size_t)v[i];
	}
	return 0;
}

static int
check_value(uint16_t key, const uint8_t *v, size_t n)
{
	switch (key) {
	case KEY_MANDATORY:
		return check_mandatory(v, n);
	case KEY_ALPN:
		return check_alpn(v, n);
	case KEY_NDALPN:
		return n == 0 ? 0 : DNS_ERDATA;
	case KEY_PORT:
		return n == 2 ? 0 : DNS_ERDATA;
	case KEY_IPV4HINT:
		return n > 0 && n % 4 == 0 ? 0 : DNS_ERDATA;
	case KEY_ECH: /* BIND 9.18 serves an empty ech; so must we */
		return 0;
	case KEY_IPV6HINT:
		return n > 0 && n % 16 == 0 ? 0 : DNS_ERDATA;
	default: /* dohpath and unknown keys: any bytes */
		return 0;
	}
}

int
dns_svcb_check(const uint8_t *p, size_t n)
{
	size_t off = 0, len;
	const uint8_t *v;
	uint16_t key;
	long prev = -1;
	int r;

	while ((r = next_param(p, n, &off, &key, &v, &len)) == 1) {
		if ((long)key <= prev || check_value(key, v, len) < 0)
			return DNS_ERDATA;
		prev = key;
	}
	return r;
}

/* ---- text output ----------------------------------------------------- */

static void
put_key(struct dns_tb *t, uint16_t key)
{
	if (key < KEY_PRINTED)
		dns_tb_puts(t, names[key]);
	else
		dns_tb_printf(t, "key%u", key);
}

static void
put_alpn(struct dns_tb *t, const uint8_t *v, size_t n)
{
	size_t i = 0, end;

	dns_tb_putc(t, '"');
	while (i < n) {
		if (i > 0)
			dns_tb_putc(t, ',');
		end = i + 1 + v[i];
		for (i++; i < end && i < n; i++) {
			if (v[i] < 0x21 || v[i] > 0x7e)
				dns_tb_printf(t, "\\%03u", v[i]);
			else if (v[i] == ',')
				dns_tb_puts(t, "\\\\,");
			else if (v[i] == '\\')
				dns_tb_puts(t, "\\\\\\\\");
			else if (v[i] == '"')
				dns_tb_puts(t, "\\\"");
			else
				dns_tb_putc(t, (char)v[i]);
		}
	}
	dns_tb_putc(t, '"');
}

/* mandatory, ipv4hint, ipv6hint: comma-separated items of size w. */
static void
put_list(struct dns_tb *t, uint16_t key, const uint8_t *v, size_t n)
{
	size_t w = key == KEY_MANDATORY ? 2 : key == KEY_IPV4HINT ? 4 : 16;
	size_t i;

	for (i = 0; i + w <= n; i += w) {
		if (i > 0)
			dns_tb_putc(t, ',');
		if (key == KEY_MANDATORY)
			put_key(t, dns_get16(v + i));
		else if (key == KEY_IPV4HINT)
			dns_tb_ipv4(t, v + i);
		else
			dns_tb_ipv6(t, v + i);
	}
}

static void
put_value(struct dns_tb *t, uint16_t key, const uint8_t *v, size_t n)
{
	switch (key) {
	case KEY_MANDATORY:
	case KEY_IPV4HINT:
	case KEY_IPV6HINT:
		put_list(t, key, v, n);
		break;
	case KEY_ALPN:
		put_alpn(t, v, n);
		break;
	case KEY_PORT:
		dns_tb_printf(t, "%u", n == 2 ? dns_get16(v) : 0u);
		break;
	case KEY_ECH:
		dns_tb_base64(t, v, n);
		break;
	default:
		dns_tb_str(t, v, n, 1);
		break;
	}
}

void
dns_svcb_to_text(struct dns_tb *t, const uint8_t *p, size_t n)
{
	size_t off = 0, len;
	const uint8_t *v;
	uint16_t key;

	while (next_param(p, n, &off, &key, &v, &len) == 1) {
		dns_tb_putc(t, ' ');
		put_key(t, key);
		if (len > 0) {
			dns_tb_putc(t, '=');
			put_value(t, key, v, len);
		}
	}
}

/* ---- text input ------------------------------------------------------ */

/* A key name or keyNNNNN (no leading zeros) into *key; *generic for the
 * latter.  0 or DNS_ESYNTAX. */
static int
parse_key(const char *s, size_t n, uint16_t *key, int *generic)
{
	uint32_t v;
	unsigned i;

	for (i = 0; i < KEY_NAMED; i++)
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0) {
			*key = (uint16_t)i;
			*generic = 0;
			return 0;
		}
	if (n < 4 || memcmp(s, "key", 3) != 0 || (s[3] == '0' && n > 4) ||
	    dns_parse_u32(s + 3, n - 3, 65535, &v) < 0)
		return DNS_ESYNTAX;
	*key = (uint16_t)v;
	*generic = 1;
	return 0;
}

/* Next comma-separated item of s[*i..n) (may be empty); 1 or 0 at end. */
static int
next_item(const char *s, size_t n, size_t *i, const char **p, size_t *len)
{
	size_t j;

	if (*i > n)
		return 0;
	for (j = *i; j < n && s[j] != ','; j++)
		;
	*p = s + *i;
	*len = j - *i;
	*i = j + 1;
	return 1;
}

/* Account for r bytes written at w->buf + w->off by a decoder. */
static int
wr_took(struct dns_wr *w, int r)
{
	if (r == DNS_ESPACE)
		return dns_wr_fail(w, r);
	if (r >= 0)
		w->off += (size_t)r;
	return r < 0 ? r : 0;
}

static int
put_unescaped(struct dns_wr *w, const char *s, size_t n)
{
	if (w->err)
		return w->err;
	return wr_took(w, dns_unescape(s, n, w->buf + w->off, w->cap - w->off));
}

static int
put_base64(struct dns_wr *w, const char *s, size_t n)
{
	if (w->err)
		return w->err;
	return wr_took(w, dns_base64_decode(s, n, w->buf + w->off,
	    w->cap - w->off));
}

/* Keys of mandatory, kept in ascending order as they are added (a
 * repeated one is left for dns_svcb_check to refuse). */
static int
put_mandatory(struct dns_wr *w, const char *s, size_t n)
{
	size_t i = 0, len, at, base = w->off;
	const char *p;
	uint16_t key;
	int generic;

	while (next_item(s, n, &i, &p, &len)) {
		if (parse_key(p, len, &key, &generic) < 0)
			return DNS_ESYNTAX;
		dns_wr_u16(w, key);
		if (w->err)
			return w->err;
		for (at = w->off - 2; at > base; at -= 2) {
			uint16_t prev = dns_get16(w->buf + at - 2);

			if (prev <= key)
				break;
			dns_wr_put16(w, at, prev);
			dns_wr_put16(w, at - 2, key);
		}
	}
	return 0;
}

static int
put_hints(struct dns_wr *w, const char *s, size_t n, size_t size)
{
	size_t i = 0, len;
	const char *p;
	uint8_t a[16];
	int r;

	while (next_item(s, n, &i, &p, &len)) {
		r = size == 4 ? dns_parse_ipv4(p, len, a) :
		    dns_parse_ipv6(p, len, a);
		if (r < 0)
			return DNS_ESYNTAX;
		dns_wr_bytes(w, a, size);
	}
	return w->err;
}

/* A character-string read one byte at a time. */
struct cs {
	const char *s;
	size_t n, i;
};

/* Next byte of c, \X and \DDD decoded: 0..255, CS_END, or DNS_ESYNTAX. */
static int
cs_get(struct cs *c)
{
	size_t l = 1;
	uint8_t b;

	if (c->i >= c->n)
		return CS_END;
	if (c->s[c->i] == '\\')
		l = c->i + 1 < c->n && c->s[c->i + 1] >= '0' &&
		    c->s[c->i + 1] <= '9' ? 4 : 2;
	if (l > c->n - c->i || dns_unescape(c->s + c->i, l, &b, 1) != 1)
		return DNS_ESYNTAX;
	c->i += l;
	return b;
}

/* Set the length byte at w->buf[at] of the alpn id that follows it. */
static int
end_id(struct dns_wr *w, size_t at)
{
	size_t len = w->off - at - 1;

	if (w->err)
		return w->err;
	if (len > 255) /* an empty one is left for dns_svcb_check */
		return DNS_ESYNTAX;
	w->buf[at] = (uint8_t)len;
	return 0;
}

static int
put_alpn_ids(struct dns_wr *w, const char *s, size_t n)
{
	struct cs c = { s, n, 0 };
	size_t at = w->off;
	int b;

	dns_wr_u8(w, 0);
	while ((b = cs_get(&c)) != CS_END) {
		if (b == ',') {
			if ((b = end_id(w, at)) < 0)
				return b;
			at = w->off;
			dns_wr_u8(w, 0);
			continue;
		}
		if (b == '\\')
			b = cs_get(&c);
		if (b < 0 || b == CS_END)
			return DNS_ESYNTAX;
		dns_wr_u8(w, (uint8_t)b);
	}
	return end_id(w, at);
}

static int
put_value_text(struct dns_wr *w, uint16_t key, int generic, const char *s,
    size_t n)
{
	uint32_t port;

	if (generic || key >= KEY_DOHPATH)
		return put_unescaped(w, s, n);
	switch (key) {
	case KEY_MANDATORY:
		return put_mandatory(w, s, n);
	case KEY_ALPN:
		return put_alpn_ids(w, s, n);
	case KEY_PORT:
		if (dns_parse_u32(s, n, 65535, &port) < 0)
			return DNS_ESYNTAX;
		dns_wr_u16(w, (uint16_t)port);
		return w->err;
	case KEY_IPV4HINT:
		return put_hints(w, s, n, 4);
	case KEY_ECH:
		return put_base64(w, s, n);
	case KEY_IPV6HINT:
		return put_hints(w, s, n, 16);
	default: /* no-default-alpn */
		return n == 0 ? 0 : DNS_ESYNTAX;
	}
}

static void
reverse(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n / 2; i++) {
		uint8_t c = p[i];

		p[i] = p[n - 1 - i];
		p[n - 1 - i] = c;
	}
}

/*
 * Move the param just written at buf[start..end) to its place among the
 * sorted ones before it (a rotation).  A repeated key lands next to its
 * twin, for dns_svcb_check to refuse.
 */
static void
insert_param(uint8_t *buf, size_t start, size_t end)
{
	uint16_t key = dns_get16(buf + start);
	size_t at;

	for (at = 0; at < start; at += 4 + (size_t)dns_get16(buf + at + 2))
		if (dns_get16(buf + at) > key)
			break;
	reverse(buf + at, start - at);
	reverse(buf + start, end - start);
	reverse(buf + at, end - at);
}

/* Is the next character of k glued to the token just read? */
static int
glued(const struct dns_tok *k)
{
	char c;

	if (k->off >= k->n)
		return 0;
	c = k->s[k->off];
	return !(c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(' ||
	    c == ')' || c == ';');
}

/*
 * The value of the param token s[0..n): after its '=', or the quoted
 * string glued to a bare "key=".  Sets *klen to the key's length.
 */
static int
get_value(struct dns_tok *k, const char *s, size_t n, size_t *klen,
    const char **v, size_t *vn)
{
	const char *eq = memchr(s, '=', n);
	int q, r;

	*klen = eq != NULL ? (size_t)(eq - s) : n;
	*v = s + n;
	*vn = 0;
	if (eq != NULL) {
		*v = eq + 1;
		*vn = n - *klen - 1;
	}
	if (eq != NULL && *vn == 0 && glued(k) &&
	    (r = dns_tok_next(k, v, vn, &q)) != 1)
		return r < 0 ? r : DNS_ESYNTAX;
	return glued(k) ? DNS_ESYNTAX : 0;
}

static int
parse_param(struct dns_tok *k, const char *s, size_t n, struct dns_wr *w)
{
	size_t klen, vn, start = w->off, len;
	const char *v;
	uint16_t key;
	int generic, r;

	if ((r = get_value(k, s, n, &klen, &v, &vn)) < 0 ||
	    (r = parse_key(s, klen, &key, &generic)) < 0)
		return r;
	dns_wr_u16(w, key);
	dns_wr_u16(w, 0);
	if ((r = put_value_text(w, key, generic, v, vn)) < 0)
		return r;
	if (w->err)
		return w->err;
	if ((len = w->off - start - 4) > 65535)
		return DNS_ESYNTAX;
	dns_wr_put16(w, start + 2, (uint16_t)len);
	insert_param(w->buf, start, w->off);
	return 0;
}

int
dns_svcb_from_text(struct dns_tok *k, uint8_t *out, size_t cap)
{
	struct dns_wr w;
	const char *s;
	size_t n;
	int q, r;

	dns_wr_init(&w, out, cap);
	while ((r = dns_tok_next(k, &s, &n, &q)) == 1) {
		if (q)
			return DNS_ESYNTAX;
		if ((r = parse_param(k, s, n, &w)) < 0)
			return r;
	}
	if (r < 0)
		return r;
	return dns_svcb_check(out, w.off) < 0 ? DNS_ESYNTAX : (int)w.off;
}
