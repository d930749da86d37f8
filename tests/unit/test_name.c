/* test_name.c — names: decompression rules, text, ordering, compression. */
#include "net/err.h"
#include "net/name.h"
#include "tests/unit/unit.h"

static int
read_at(const uint8_t *msg, size_t len, size_t off, uint8_t *out)
{
	struct dns_rd r;

	dns_rd_init(&r, msg, len);
	r.off = off;
	return dns_name_read(&r, out, 1) ? (int)r.off : r.err;
}

UNIT_TEST(name_decompress_backwards)
{
	/* "a.example." at 0, then "b" + pointer to 2 ("example."). */
	static const uint8_t m[] = "\1a\7example\0\1b\xc0\x02";
	uint8_t out[DNS_NAME_MAX];

	CHECK_INT(read_at(m, sizeof m - 1, 11, out), 15);
	CHECK_MEM(out, "\1b\7example\0", 11);
	CHECK_INT(dns_name_len(out), 11);
}

UNIT_TEST(name_pointer_forward_or_self_rejected)
{
	static const uint8_t fwd[] = "\xc0\x02\1a\0";
	static const uint8_t self[] = "\1a\xc0\x02";
	/* Jump back, then labels run into the same pointer again. */
	static const uint8_t loop[] = "\1a\1b\xc0\x00";
	uint8_t out[DNS_NAME_MAX];

	CHECK_INT(read_at(fwd, 5, 0, out), DNS_EPTR);
	CHECK_INT(read_at(self, 4, 2, out), DNS_EPTR);
	CHECK_INT(read_at(loop, 6, 2, out), DNS_EPTR);
}

UNIT_TEST(name_bad_labels)
{
	uint8_t m[300], out[DNS_NAME_MAX];
	size_t i, o = 0;

	/* 64-byte label. */
	m[0] = 64;
	memset(m + 1, 'a', 64);
	m[65] = 0;
	CHECK_INT(read_at(m, 66, 0, out), DNS_ELABEL);
	/* 0x40 and 0x80 label types. */
	CHECK_INT(read_at((const uint8_t *)"\x41\0", 2, 0, out), DNS_ELABEL);
	CHECK_INT(read_at((const uint8_t *)"\x81\0", 2, 0, out), DNS_ELABEL);
	/* Four 63-byte labels and the root: 257 bytes > 255. */
	for (i = 0; i < 4; i++) {
		m[o++] = 63;
		memset(m + o, 'x', 63);
		o += 63;
	}
	m[o++] = 0;
	CHECK_INT(o, 257);
	CHECK_INT(read_at(m, o, 0, out), DNS_ENAMELEN);
	/* Exactly 255: the last label 61 bytes long. */
	m[192] = 61;
	m[254] = 0;
	CHECK_INT(read_at(m, 255, 0, out), 255);
	CHECK_INT(dns_name_len(out), 255);
	/* Truncated. */
	CHECK_INT(read_at((const uint8_t *)"\3ab", 3, 0, out), DNS_ETRUNC);
	CHECK_INT(read_at((const uint8_t *)"\xc0", 1, 0, out), DNS_ETRUNC);
}

UNIT_TEST(name_text_escapes)
{
	static const uint8_t n[] = "\5a b.\xff\3ABC\0";
	uint8_t back[DNS_NAME_MAX];
	char t[DNS_NAME_TEXT_MAX];
	size_t len;

	len = dns_name_to_text(n, t, sizeof t);
	CHECK_STR(t, "a\\032b\\.\\255.ABC.");
	CHECK_INT(len, 17);
	CHECK_INT(dns_name_from_text(t, len, NULL, back), 11);
	CHECK_MEM(back, n, 11);
	CHECK_INT(dns_name_to_text((const uint8_t *)"", t, sizeof t), 1);
	CHECK_STR(t, ".");
	/* snprintf-style: short buffer truncates, returns the need. */
	CHECK_INT(dns_name_to_text(n, t, 4), 17);
	CHECK_STR(t, "a\\0");
}

UNIT_TEST(name_from_text_relative_and_errors)
{
	static const uint8_t origin[] = "\7example\3com";
	uint8_t out[DNS_NAME_MAX];

	CHECK_INT(dns_name_from_text("www", 3, origin, out), 17);
	CHECK_MEM(out, "\3www\7example\3com\0", 17);
	CHECK_INT(dns_name_from_text("@", 1, origin, out), 13);
	CHECK_INT(dns_name_from_text("*.x.", 4, NULL, out), 5);
	CHECK_INT(dns_name_from_text("a..b.", 5, NULL, out), DNS_ELABEL);
	CHECK_INT(dns_name_from_text("www", 3, NULL, out), DNS_ESYNTAX);
	CHECK_INT(dns_name_from_text("a\\256.", 6, NULL, out), DNS_ESYNTAX);
	CHECK_INT(dns_name_from_text(
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.",
	    65, NULL, out), DNS_ELABEL);
}

UNIT_TEST(name_compare_case_and_canonical_order)
{
	/* RFC 4034 §6.1 example order. */
	static const char *const order[] = {
		"example.", "a.example.", "yljkjljk.a.example.",
		"Z.a.example.", "zABC.a.EXAMPLE.", "z.example.",
		"\\001.z.example.", "*.z.example.", "\\200.z.example.",
	};
	uint8_t a[DNS_NAME_MAX], b[DNS_NAME_MAX];
	size_t i, j;

	for (i = 0; i < 9; i++)
		for (j = 0; j < 9; j++) {
			int want = i < j ? -1 : (i > j ? 1 : 0), got;

			dns_name_from_text(order[i], strlen(order[i]), NULL, a);
			dns_name_from_text(order[j], strlen(order[j]), NULL, b);
			got = dns_name_cmp(a, b);
			got = got < 0 ? -1 : (got > 0 ? 1 : 0);
			CHECK_INT(got, want);
		}
	dns_name_from_text("WWW.Example.", 12, NULL, a);
	dns_name_from_text("www.example.", 12, NULL, b);
	CHECK(dns_name_eq(a, b));
	CHECK(dns_name_is_sub(a, (const uint8_t *)"\7EXAMPLE"));
	CHECK(!dns_name_is_sub((const uint8_t *)"\7example", a));
	CHECK(!dns_name_is_sub((const uint8_t *)"\010xexample", (const uint8_t *)"\7example"));
	dns_name_lower(a);
	CHECK_MEM(a, "\3www\7example", 13);
}

UNIT_TEST(name_compression_on_write)
{
	uint8_t buf[64], out[DNS_NAME_MAX];
	struct dns_ctab ct;
	struct dns_wr w;

	dns_wr_init(&w, buf, sizeof buf);
	dns_ctab_init(&ct);
	dns_name_write(&w, (const uint8_t *)"\3www\7example\3com", &ct);
	dns_name_write(&w, (const uint8_t *)"\4mail\7EXAMPLE\3com", &ct);
	dns_name_write(&w, (const uint8_t *)"\3www\7example\3com", &ct);
	CHECK_INT(w.err, 0);
	CHECK_INT(w.off, 17 + 7 + 2);
	CHECK_MEM(buf + 17, "\4mail\xc0\x04\xc0\x00", 9);
	CHECK_INT(read_at(buf, w.off, 17, out), 24);
	CHECK_MEM(out, "\4mail\7example\3com", 18);
}

UNIT_TEST(name_from_text_length_limit)
{
	/* 3 x 63-byte labels + one of 61: 4 + 252 = 255 bytes on the wire. */
	char t[300];
	uint8_t out[DNS_NAME_MAX + 8];
	size_t n = 0, i;

	memset(out, 0xee, sizeof out);
	for (i = 0; i < 4; i++) {
		memset(t + n, 'a', i < 3 ? 63 : 61);
		n += i < 3 ? 63 : 61;
		t[n++] = '.';
	}
	CHECK_INT(dns_name_from_text(t, n, NULL, out), 255);
	CHECK_INT(out[254], 0);
	/* One byte more in the last label: 256 bytes, refused, and nothing
	 * written past the 255-byte buffer. */
	memmove(t + 64 * 3 + 1, t + 64 * 3, n - 64 * 3);
	n++;
	memset(out, 0xee, sizeof out);
	CHECK_INT(dns_name_from_text(t, n, NULL, out), DNS_ENAMELEN);
	CHECK_INT(out[255], 0xee);
}
