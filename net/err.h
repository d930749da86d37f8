/*
 * err.h — the error codes of the DNS codec.
 *
 * Every function of net/ that can fail returns a negative DNS_E* code (or
 * latches it in a cursor); 0 or a positive length means success.
 */
#ifndef XFRSYNC_NET_ERR_H
#define XFRSYNC_NET_ERR_H

enum dns_err {
	DNS_OK = 0,
	DNS_ETRUNC = -1,    /* input ends before the field does */
	DNS_ESPACE = -2,    /* output buffer or message too small */
	DNS_ELABEL = -3,    /* label longer than 63 or of type 0x40/0x80 */
	DNS_ENAMELEN = -4,  /* name longer than 255 bytes */
	DNS_EPTR = -5,      /* compression pointer not strictly backwards */
	DNS_ERDATA = -6,    /* RDATA malformed or wrong length for its type */
	DNS_ECOUNT = -7,    /* section counts exceed the message */
	DNS_ETRAIL = -8,    /* bytes after the last RR */
	DNS_ESYNTAX = -9,   /* presentation text not understood */
	DNS_ETSIG = -10,    /* TSIG not the last RR, or more than one */
	DNS_EOPT = -11,     /* OPT misplaced or repeated */
	DNS_ETOOBIG = -12,  /* message longer than the configured maximum */
	DNS_ENOTYPE = -13,  /* unknown type or class mnemonic */
	DNS_ECOMPRESS = -14, /* compression pointer where none is allowed */
	/* TSIG (RFC 8945) */
	DNS_EBADKEY = -15,   /* key unknown, or the algorithm does not match */
	DNS_EBADSIG = -16,   /* MAC does not verify */
	DNS_EBADTIME = -17,  /* time outside the fudge, or going backwards */
	DNS_ENOSIG = -18,    /* a signature was required and is missing */
	DNS_EBADTRUNC = -19, /* truncated MAC */
	/* Zone transfers */
	DNS_EXFR = -20,      /* transfer answer breaks the protocol's rules */
	DNS_ELIMIT = -21,    /* a configured limit was exceeded */
	DNS_EDIVERGE = -22,  /* IXFR deletes a missing RR or adds a present one */
	DNS_ERCODE = -23     /* the server answered with an error RCODE */
};

/* A short English description of a DNS_E* code (never NULL). */
const char *dns_strerror(int err);

#endif
