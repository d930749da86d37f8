/*
 * resolve.h — an asynchronous stub resolver: names to addresses, on the loop.
 *
 * getaddrinfo() blocks (a dead nameserver costs seconds) and is forbidden
 * on the loop; this asks the nameservers of /etc/resolv.conf (or those
 * set with resolve_server_add) for A and AAAA itself:
 *
 *   - each try is a new UDP socket connected to the server (the kernel
 *     picks a random source port and drops datagrams from anyone else),
 *     a random ID (getrandom) and the name in random 0x20 mixed case,
 *     which the answer must echo exactly (a server that does not keep the
 *     case is asked again without it, once per query);
 *   - net/stub judges each datagram: only the answer to that exact
 *     question counts, and only the RRs of the name's CNAME chain in it;
 *   - TC=1: the same server again over TCP; no answer within the timeout,
 *     SERVFAIL, REFUSED, a referral, an ICMP error: the next server;
 *     glibc's order (for each attempt, each server), `options timeout:N
 *     attempts:N` honoured;
 *   - A and AAAA go out in parallel; NXDOMAIN for either ends the lookup;
 *     once every waiter has addresses of a family it asked for, the other
 *     type gets RESOLVE_GRACE_MS more at most (a forwarder that drops
 *     AAAA queries must not cost every timeout);
 *   - answers are cached by name and type: positive ones for their TTL
 *     clamped to RESOLVE_TTL_MIN..RESOLVE_TTL_MAX, NODATA and NXDOMAIN for
 *     the RFC 2308 TTL clamped to RESOLVE_NEG_MIN..RESOLVE_NEG_MAX;
 *     failures are not cached;
 *   - concurrent lookups of the same name share one set of queries.
 *
 * Only absolute names are resolved ("a.example" means "a.example."): no
 * search list, no /etc/hosts.  A numeric IPv4 or IPv6 address is its own
 * answer.  Nothing here blocks; every result is delivered from the loop,
 * never from inside resolve_start.
 */
#ifndef XFRSYNC_AGENT_RESOLVE_H
#define XFRSYNC_AGENT_RESOLVE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RESOLVE_ADDR_MAX 16      /* addresses in a result (8 per family) */
#define RESOLVE_SERVER_MAX 3     /* nameservers, as glibc */
#define RESOLVE_TTL_MIN 30       /* seconds an answer is cached, at least */
#define RESOLVE_TTL_MAX 3600     /* … and at most */
#define RESOLVE_NEG_MIN 5        /* NODATA / NXDOMAIN, at least */
#define RESOLVE_NEG_MAX 60       /* … and at most */
#define RESOLVE_GRACE_MS 1000    /* wait for the other family, at most */
#define RESOLVE_WHY_MAX 256

enum resolve_err {
	RESOLVE_OK = 0,
	RESOLVE_ENXDOMAIN = -1,  /* the name does not exist */
	RESOLVE_ENODATA = -2,    /* it has no address (of that family) */
	RESOLVE_ETIMEOUT = -3,   /* no server answered */
	RESOLVE_ESERVFAIL = -4,  /* servers answered, but with errors */
	RESOLVE_ELOOP = -5,      /* CNAME loop or chain too long */
	RESOLVE_EBADNAME = -6,   /* not a domain name */
	RESOLVE_ENOSERVER = -7,  /* no nameserver to ask */
	RESOLVE_ESYS = -8        /* a socket could not be opened */
};

const char *resolve_strerror(int err);

/* Which addresses, in which order. */
enum resolve_family {
	RESOLVE_ANY = 0,         /* AAAA and A, interleaved (RFC 8305 §4);
	                            IPv6 first when there is a route to it */
	RESOLVE_INET,            /* A only */
	RESOLVE_INET6,           /* AAAA only */
	RESOLVE_PREFER_INET,     /* both, interleaved, IPv4 first */
	RESOLVE_PREFER_INET6     /* both, interleaved, IPv6 first */
};

/* An address of a result: IPv4 or IPv6 (scope kept), port 0. */
union resolve_addr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/* Length of a's sockaddr (for connect). */
socklen_t resolve_addr_len(const union resolve_addr *a);
/* "192.0.2.1" or "2001:db8::1" (with "%scope" if any); snprintf-style. */
size_t resolve_addr_text(const union resolve_addr *a, char *buf, size_t cap);

struct resolve_result {
	int err;                 /* 0 (n > 0) or a negative RESOLVE_E* */
	const char *why;         /* failure: one line, "NAME: cause"; else "" */
	unsigned n;
	union resolve_addr addr[RESOLVE_ADDR_MAX];
	uint32_t ttl;            /* seconds the answer stays valid (cache) */
	int cached;              /* 1 if no query was sent for it */
	const char *canon;       /* last name of the CNAME chain, or the name */
};

struct resolve_req;
/* The result is valid during the call only.  The callback may start or
 * cancel lookups (this one included: it is already finished). */
typedef void resolve_done_fn(struct resolve_req *r,
    const struct resolve_result *res);

/* A lookup; owned by the caller, which must keep it until done or cancel. */
struct resolve_req {
	resolve_done_fn *done;
	void *ctx;
	/* private */
	enum resolve_family fam;
	struct resolve_job *job;
	struct resolve_req *next, **pprev;
};

/*
 * Read nameservers and options from a resolv.conf file (NULL:
 * /etc/resolv.conf) — at start-up, before the sandbox.  A missing file
 * or one without nameservers means 127.0.0.1 (as glibc and musl).  May
 * be called again (SIGHUP); servers set with resolve_server_add are kept
 * then.  0, or -1 when the file exists but cannot be read (defaults used).
 */
int resolve_init(const char *path);

/*
 * Use this server (port included) instead of resolv.conf's: the first
 * call replaces that list, later ones append (RESOLVE_SERVER_MAX at
 * most).  For the configuration's `resolver ADDR [port N]` and for
 * tests.  0, or -1 (full, or not an IPv4/IPv6 address).
 */
int resolve_server_add(const struct sockaddr *sa, socklen_t len);
/* The same from text: "ADDR" (port 53), "ADDR:PORT", "[V6]:PORT", "V6%ZONE". */
int resolve_server_add_text(const char *s);
/* Go back to resolv.conf's servers. */
void resolve_server_reset(void);

/* Override resolv.conf's timeout (per try) and attempts; 0 keeps them. */
void resolve_set_timing(unsigned timeout_ms, unsigned attempts);

/*
 * Look name up (text, absolute, with or without the final dot).  done
 * is called once from the loop, unless resolve_cancel comes first.
 * Returns 0, or RESOLVE_EBADNAME / RESOLVE_ENOSERVER / RESOLVE_ESYS, or
 * RESOLVE_ENODATA for RESOLVE_INET6 without CONFIG_IPV6 (no callback then).
 */
int resolve_start(struct resolve_req *r, const char *name,
    enum resolve_family fam, resolve_done_fn *done, void *ctx);
/* Forget a lookup not done yet (no callback); harmless otherwise. */
void resolve_cancel(struct resolve_req *r);

/* Drop the cache. */
void resolve_flush(void);
/* Cancel everything (no callbacks), close the sockets, drop the cache. */
void resolve_shutdown(void);

/* Counters, for tests and status: queries sent (UDP and TCP), answers
 * from the cache, lookups that joined one in flight. */
struct resolve_stats {
	unsigned long udp, tcp, cache_hits, joined, case_retries;
};
void resolve_stats(struct resolve_stats *s);

#endif
