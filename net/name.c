/* name.c — domain names: decompression, comparison, text, compression. */
#include <string.h>

#include "net/err.h"
#include "net/name.h"
#include "net/text.h"

static inline uint8_t
lc(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

size_t
dns_name_read(struct dns_rd *r, uint8_t *out, int allow_ptr)
{
	size_t pos = r->off;   /* where labels are read now */
	size_t low = r->off;   /* every pointer must go strictly below this */
	size_t n = 0;
	int jumped = 0;

	if (r->err)
		return 0;
	for (;;) {
		uint8_t c;

		if (pos >= r->len)
			return (size_t)(dns_rd_fail(r, DNS_ETRUNC), 0);
		c = r->buf[pos];
		if ((c & 0xc0) == 0xc0) {
			size_t to;

			if (!allow_ptr)
				return (size_t)(dns_rd_fail(r, DNS_ECOMPRESS), 0);
			if (pos + 1 >= r->len)
				return (size_t)(dns_rd_fail(r, DNS_ETRUNC), 0);
			to = (size_t)(c & 0x3f) << 8 | r->buf[pos + 1];
			if (to >= low)
				return (size_t)(dns_rd_fail(r, DNS_EPTR), 0);
			if (!jumped)
				r->off = pos + 2;
			jumped = 1;
			low = to;
			pos = to;
			continue;
		}
		if (c & 0xc0)
			return (size_t)(dns_rd_fail(r, DNS_ELABEL), 0);
		if (n + 1 + c > DNS_NAME_MAX)
			return (size_t)(dns_rd_fail(r, DNS_ENAMELEN), 0);
		if (pos + 1 + c > r->len)
			return (size_t)(dns_rd_fail(r, DNS_ETRUNC), 0);
		memcpy(out + n, r->buf + pos, 1 + (size_t)c);
		n += 1 + (size_t)c;
		pos += 1 + (size_t)c;
		if (c == 0)
			break;
	}
	if (!jumped)
		r->off = pos;
	return n;
}

size_t
dns_name_len(const uint8_t *name)
{
	size_t n = 0;

	while (name[n] != 0)
		n += 1 + (size_t)name[n];
	return n + 1;
}

unsigned
dns_name_labels(const uint8_t *name)
{
	unsigned k = 0;

	for (; *name; name += 1 + *name)
		k++;
	return k;
}

int
dns_name_eq(const uint8_t *a, const uint8_t *b)
{
	size_t n = dns_name_len(a), i;

	if (n != dns_name_len(b))
		return 0;
	for (i = 0; i < n; i++)
		if (lc(a[i]) != lc(b[i]))
			return 0;
	return 1;
}

/* Offsets of the labels of name, left to right; returns the count. */
static unsigned
label_offsets(const uint8_t *name, uint8_t off[DNS_NAME_MAX / 2 + 1])
{
	unsigned k = 0;
	size_t i = 0;

	while (name[i] != 0) {
		off[k++] = (uint8_t)i;
		i += 1 + (size_t)name[i];
	}
	return k;
}

int
dns_name_cmp(const uint8_t *a, const uint8_t *b)
{
	uint8_t oa[DNS_NAME_MAX / 2 + 1], ob[DNS_NAME_MAX / 2 + 1];
	unsigned na = label_offsets(a, oa), nb = label_offsets(b, ob);

	while (na > 0 && nb > 0) {
		const uint8_t *la = a + oa[--na], *lb = b + ob[--nb];
		unsigned i, m = la[0] < lb[0] ? la[0] : lb[0];

		for (i = 1; i <= m; i++)
			if (lc(la[i]) != lc(lb[i]))
				return lc(la[i]) < lc(lb[i]) ? -1 : 1;
		if (la[0] != lb[0])
			return la[0] < lb[0] ? -1 : 1;
	}
	return na == nb ? 0 : (na < nb ? -1 : 1);
}

int
dns_name_is_sub(const uint8_t *name, const uint8_t *zone)
{
	size_t nl = dns_name_len(name), zl = dns_name_len(zone), i = 0;

	if (zl > nl)
		return 0;
	while (nl - i > zl)
		i += 1 + (size_t)name[i];
	return nl - i == zl && dns_name_eq(name + i, zone);
}

void
dns_name_lower(uint8_t *name)
{
	size_t i = 0;

	while (name[i] != 0) {
		size_t j, end = i + 1 + name[i];

		for (j = i + 1; j < end; j++)
			name[j] = lc(name[j]);
		i = end;
	}
}

/* Append one byte of text, counting what would be needed past cap. */
static void
put(char *buf, size_t cap, size_t *n, char c)
{
	if (*n + 1 < cap)
		buf[*n] = c;
	(*n)++;
}

size_t
dns_name_to_text(const uint8_t *name, char *buf, size_t cap)
{
	size_t n = 0, i = 0;

	if (name[0] == 0)
		put(buf, cap, &n, '.');
	while (name[i] != 0) {
		size_t j, end = i + 1 + name[i];

		for (j = i + 1; j < end; j++) {
			uint8_t c = name[j];

			if (c <= 0x20 || c >= 0x7f) {
				put(buf, cap, &n, '\\');
				put(buf, cap, &n, (char)('0' + c / 100));
				put(buf, cap, &n, (char)('0' + c / 10 % 10));
				put(buf, cap, &n, (char)('0' + c % 10));
				continue;
			}
			if (strchr(".;\\()\"@$", c) != NULL)
				put(buf, cap, &n, '\\');
			put(buf, cap, &n, (char)c);
		}
		put(buf, cap, &n, '.');
		i = end;
	}
	if (cap > 0)
		buf[n < cap ? n : cap - 1] = '\0';
	return n;
}

int
dns_name_from_text(const char *s, size_t n, const uint8_t *origin,
    uint8_t *out)
{
	size_t i = 0, o = 1, lab = 0; /* o: next byte; lab: current length byte */

	if (n == 1 && s[0] == '@') {
		if (origin == NULL)
			return DNS_ESYNTAX;
		memcpy(out, origin, dns_name_len(origin));
		return (int)dns_name_len(origin);
	}
	if (n == 1 && s[0] == '.') {
		out[0] = 0;
		return 1;
	}
	if (n == 0)
		return DNS_ESYNTAX;
	while (i < n) {
		int c;

		if (s[i] == '.') {
			i++;
			if (o - lab - 1 == 0)
				return DNS_ELABEL; /* empty label */
			out[lab] = (uint8_t)(o - lab - 1);
			lab = o++;
			if (i == n) { /* absolute */
				out[lab] = 0;
				return (int)o;
			}
			continue;
		}
		if ((c = dns_text_byte(s, n, &i)) < 0)
			return c;
		if (o - lab - 1 >= DNS_LABEL_MAX)
			return DNS_ELABEL;
		if (o + 1 >= DNS_NAME_MAX) /* keep room for the root label */
			return DNS_ENAMELEN;
		out[o++] = (uint8_t)c;
	}
	/* Relative: close the last label and append the origin. */
	out[lab] = (uint8_t)(o - lab - 1);
	if (origin == NULL)
		return DNS_ESYNTAX;
	if (o + dns_name_len(origin) > DNS_NAME_MAX)
		return DNS_ENAMELEN;
	memcpy(out + o, origin, dns_name_len(origin));
	return (int)(o + dns_name_len(origin));
}

void
dns_ctab_init(struct dns_ctab *ct)
{
	ct->n = 0;
}

/* Offset in the message where suffix (uncompressed) already stands, or -1. */
static int
ctab_find(const struct dns_wr *w, const struct dns_ctab *ct,
    const uint8_t *suffix)
{
	unsigned k;

	for (k = 0; k < ct->n; k++) {
		uint8_t tmp[DNS_NAME_MAX];
		struct dns_rd r;

		dns_rd_init(&r, w->buf, w->off);
		r.off = ct->off[k];
		if (dns_name_read(&r, tmp, 1) > 0 && dns_name_eq(tmp, suffix))
			return ct->off[k];
	}
	return -1;
}

void
dns_name_write(struct dns_wr *w, const uint8_t *name, struct dns_ctab *ct)
{
	size_t i = 0;

	while (name[i] != 0) {
		int at = ct ? ctab_find(w, ct, name + i) : -1;

		if (at >= 0) {
			dns_wr_u16(w, (uint16_t)(0xc000 | at));
			return;
		}
		if (ct && ct->n < DNS_CTAB_MAX && w->off < 0x3fff && !w->err)
			ct->off[ct->n++] = (uint16_t)w->off;
		dns_wr_bytes(w, name + i, 1 + (size_t)name[i]);
		i += 1 + (size_t)name[i];
	}
	dns_wr_u8(w, 0);
}
