/* serial.c — RFC 1982 comparison. */
#include "net/serial.h"

enum dns_serial_cmp
dns_serial_cmp(uint32_t a, uint32_t b)
{
	uint32_t d = a - b; /* modulo 2^32 */

	if (d == 0)
		return DNS_SERIAL_EQ;
	if (d == 0x80000000u)
		return DNS_SERIAL_UNDEF;
	return d < 0x80000000u ? DNS_SERIAL_GT : DNS_SERIAL_LT;
}
