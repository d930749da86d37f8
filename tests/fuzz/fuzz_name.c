/*
 * fuzz_name.c — name decompression on arbitrary bytes: the first two
 * bytes choose where in the input the name starts.  A name read must
 * print, parse back equal, and compare equal to itself.
 */
#include <stdlib.h>

#include "net/name.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t name[DNS_NAME_MAX], back[DNS_NAME_MAX];
	char text[DNS_NAME_TEXT_MAX];
	struct dns_rd r;
	size_t n, t;

	if (size < 2)
		return 0;
	dns_rd_init(&r, data + 2, size - 2);
	r.off = ((size_t)data[0] << 8 | data[1]) % (size - 1);
	n = dns_name_read(&r, name, 1);
	if (n == 0)
		return 0;
	if (n != dns_name_len(name) || n > DNS_NAME_MAX)
		abort();
	t = dns_name_to_text(name, text, sizeof text);
	if (t >= sizeof text)
		abort();
	if (dns_name_from_text(text, t, NULL, back) != (int)n ||
	    !dns_name_eq(name, back) || dns_name_cmp(name, back) != 0)
		abort();
	return 0;
}
