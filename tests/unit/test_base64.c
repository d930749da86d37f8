/* test_base64.c — RFC 4648 section 10 vectors and the decoder's rules. */
#include <stdint.h>
#include <string.h>

#include "net/base64.h"
#include "net/err.h"
#include "tests/unit/unit.h"

static const struct {
	const char *raw, *b64;
} rfc4648[] = {
	{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

static const char *const bad[] = {
	"Z", "Zm", "Zm9", "Zm9vY", "Zm=v", "Z===", "====", "=", "Zg=", "Zg=x",
	"Zh==",     /* trailing bits set */
	"Zm9=",     /* trailing bits set */
	"Zg==Zg==", "Zg== x", "Zm9vYmFy=", "Zm9v!", "Zm9v-_", "Zm9\\v",
	"Zm9v\001", "Zm9v\200",
};

static const char *
enc(const void *p, size_t n)
{
	static char buf[512];
	struct dns_tb t;

	dns_tb_init(&t, buf, sizeof buf);
	dns_tb_base64(&t, p, n);
	dns_tb_end(&t);
	return buf;
}

static int
dec(const char *s, uint8_t *out, size_t cap)
{
	return dns_base64_decode(s, strlen(s), out, cap);
}

UNIT_TEST(base64_rfc4648_vectors)
{
	uint8_t out[16];
	size_t i, n;

	for (i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
		n = strlen(rfc4648[i].raw);
		CHECK_STR(enc(rfc4648[i].raw, n), rfc4648[i].b64);
		CHECK_INT(dec(rfc4648[i].b64, out, sizeof out), n);
		CHECK_MEM(out, rfc4648[i].raw, n);
	}
}

UNIT_TEST(base64_alphabet_ends)
{
	static const uint8_t raw[] = { 0xfb, 0xff, 0xbf, 0x00, 0x10, 0x83 };
	uint8_t out[8];

	CHECK_STR(enc(raw, 6), "+/+/ABCD");
	CHECK_STR(enc(raw, 2), "+/8=");
	CHECK_INT(dec("+/+/ABCD", out, sizeof out), 6);
	CHECK_MEM(out, raw, 6);
	CHECK_STR(enc("\x00\x01\x02\x03", 4), "AAECAw==");
}

UNIT_TEST(base64_skips_blanks)
{
	uint8_t out[16];

	CHECK_INT(dec(" Zm 9v\tYm\r\nFy ", out, sizeof out), 6);
	CHECK_MEM(out, "foobar", 6);
	CHECK_INT(dec("( Zm9v\n  Yg== )", out, sizeof out), 4);
	CHECK_MEM(out, "foob", 4);
	CHECK_INT(dec("Z m 8 =", out, sizeof out), 2);
	CHECK_MEM(out, "fo", 2);
	CHECK_INT(dec(" \t() ", out, sizeof out), 0);
}

UNIT_TEST(base64_rejects_bad_input)
{
	uint8_t out[16];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (dec(bad[i], out, sizeof out) != DNS_ESYNTAX)
			CHECK_STR(bad[i], "(rejected)");
	/* An embedded NUL is a bad character, not the end. */
	CHECK_INT(dns_base64_decode("Zg==\0", 5, out, sizeof out), DNS_ESYNTAX);
	CHECK_INT(dns_base64_decode("Zm\09v", 5, out, sizeof out), DNS_ESYNTAX);
}

UNIT_TEST(base64_reports_space)
{
	uint8_t out[8];

	CHECK_INT(dec("Zm9vYmFy", out, 5), DNS_ESPACE);
	CHECK_INT(dec("Zm9vYmE=", out, 4), DNS_ESPACE);
	CHECK_INT(dec("Zm9vYmE=", out, 5), 5);
	CHECK_INT(dec("Zg==", out, 0), DNS_ESPACE);
	CHECK_INT(dec("", out, 0), 0);
}

UNIT_TEST(base64_round_trips_every_byte)
{
	uint8_t raw[256], out[256];
	char text[400];
	size_t n, k;

	for (n = 0; n < 256; n++)
		raw[n] = (uint8_t)(255 - n);
	for (n = 0; n <= 256; n += 37) {
		strcpy(text, enc(raw, n));
		CHECK_INT(strlen(text), (n + 2) / 3 * 4);
		k = (size_t)dec(text, out, sizeof out);
		CHECK_INT(k, n);
		CHECK_MEM(out, raw, n);
	}
}
