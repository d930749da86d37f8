/*
 * serial.h — RFC 1982 serial number arithmetic (32-bit SOA serials).
 */
#ifndef XFRSYNC_NET_SERIAL_H
#define XFRSYNC_NET_SERIAL_H

#include <stdint.h>

enum dns_serial_cmp {
	DNS_SERIAL_LT = -1,
	DNS_SERIAL_EQ = 0,
	DNS_SERIAL_GT = 1,
	DNS_SERIAL_UNDEF = 2  /* the two differ by exactly 2^31 */
};

/* Compare a with b: is a less than, equal to or greater than b? */
enum dns_serial_cmp dns_serial_cmp(uint32_t a, uint32_t b);

#endif
