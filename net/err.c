/* err.c — descriptions of the codec's error codes. */
#include "net/err.h"

const char *
dns_strerror(int err)
{
	switch (err) {
	case DNS_OK: return "success";
	case DNS_ETRUNC: return "truncated";
	case DNS_ESPACE: return "no space left in output";
	case DNS_ELABEL: return "bad label";
	case DNS_ENAMELEN: return "name longer than 255 bytes";
	case DNS_EPTR: return "bad compression pointer";
	case DNS_ERDATA: return "malformed RDATA";
	case DNS_ECOUNT: return "section count larger than the message";
	case DNS_ETRAIL: return "trailing bytes after the last RR";
	case DNS_ESYNTAX: return "syntax error";
	case DNS_ETSIG: return "TSIG not last or repeated";
	case DNS_EOPT: return "OPT misplaced or repeated";
	case DNS_ETOOBIG: return "message too large";
	case DNS_ENOTYPE: return "unknown type or class";
	case DNS_ECOMPRESS: return "compression pointer not allowed here";
	case DNS_EBADKEY: return "BADKEY";
	case DNS_EBADSIG: return "BADSIG";
	case DNS_EBADTIME: return "BADTIME";
	case DNS_ENOSIG: return "TSIG signature missing";
	case DNS_EBADTRUNC: return "BADTRUNC";
	case DNS_EXFR: return "transfer protocol violation";
	case DNS_ELIMIT: return "limit exceeded";
	case DNS_EDIVERGE: return "IXFR does not apply to the zone held";
	case DNS_ERCODE: return "error RCODE";
	default: return "unknown error";
	}
}
