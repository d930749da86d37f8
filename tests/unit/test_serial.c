/* test_serial.c — RFC 1982 comparison including the undefined case. */
#include "net/serial.h"
#include "tests/unit/unit.h"

UNIT_TEST(serial_rfc1982)
{
	CHECK_INT(dns_serial_cmp(1, 1), DNS_SERIAL_EQ);
	CHECK_INT(dns_serial_cmp(2, 1), DNS_SERIAL_GT);
	CHECK_INT(dns_serial_cmp(1, 2), DNS_SERIAL_LT);
	CHECK_INT(dns_serial_cmp(0, 0xffffffffu), DNS_SERIAL_GT); /* wrap */
	CHECK_INT(dns_serial_cmp(0xffffffffu, 0), DNS_SERIAL_LT);
	CHECK_INT(dns_serial_cmp(0x7fffffffu, 0), DNS_SERIAL_GT);
	CHECK_INT(dns_serial_cmp(0x80000000u, 0), DNS_SERIAL_UNDEF);
	CHECK_INT(dns_serial_cmp(0, 0x80000000u), DNS_SERIAL_UNDEF);
	CHECK_INT(dns_serial_cmp(0x80000001u, 0), DNS_SERIAL_LT);
	CHECK_INT(dns_serial_cmp(2026112901u, 2026112900u), DNS_SERIAL_GT);
}
