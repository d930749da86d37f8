/*
 * conf.h — the configuration file, xfrsync.conf(5).
 *
 * The grammar is line-oriented, in the manner of OpenBSD's daemons and of
 * nsd.conf/named.conf:
 *
 *	# comment (also // and C comments)
 *	listen 127.0.0.1 port 5300
 *	listen ::1 port 5300
 *	control "/run/xfrsync/ctl.sock"
 *	state-dir "/var/lib/xfrsync"
 *	log-level info
 *	key "xfr-key" { algorithm hmac-sha256; secret "base64=="; }
 *	key-file "extra.key"
 *	defaults { max-rrs 500000; idle-timeout 30 }
 *	zone "example.com" {
 *		primary 192.0.2.1 port 53 key "xfr-key"
 *		notify-from 192.0.2.0/24 2001:db8::/32
 *		notify-key "xfr-key"
 *		max-bytes 256m
 *		refresh-min 5m refresh-max 1d
 *	}
 *	aws {
 *		credentials-source auto
 *		profile "xfrsync"
 *		ca-file "/etc/xfrsync/ca.pem"
 *	}
 *
 * A statement ends at a newline or a ";" (the two are interchangeable, so
 * semicolons are optional); a "}" also ends the statement before it.
 * Words may be quoted ("..."; a backslash keeps the next character from
 * ending the string and stays, as in BIND, so name escapes like \. and
 * \032 work); keywords may not.  Numbers
 * are decimal; sizes take k, m or g (powers of 1024), durations s, m, h, d
 * or w.  Keys must be defined (key or key-file) before they are used, and
 * defaults must come before the first zone.  Every error names the file
 * and the line.  A file holding a secret (the configuration file or a key
 * file) is refused when group or others can access it, and no message
 * ever quotes a secret.
 *
 * The aws block (at most one) holds what agent/cred.h needs: a pinned
 * credentials source, static keys (access-key-id, secret-access-key,
 * session-token: a long token may be written as several quoted strings,
 * which are joined), the profile of the shared files, a CA file for the
 * AWS endpoints, and, for tests only, endpoint overrides:
 *	test-endpoint imds|ecs|sts URL [address ADDR]
 * and Route53's: endpoint URL, region NAME, request-rate N, max-changes N
 * (zones name their hosted zone with hosted-zone-id ID).
 */
#ifndef XFRSYNC_AGENT_CONF_H
#define XFRSYNC_AGENT_CONF_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "agent/cred.h"
#include "net/name.h"
#include "net/tsig.h"

#define CONF_LISTEN_MAX 16      /* listen statements */
#define CONF_KEY_MAX 64         /* keys, from key and key-file together */
#define CONF_PRIMARY_MAX 8      /* primaries per zone */
#define CONF_NOTIFY_MAX 32      /* notify-from prefixes per zone */
#define CONF_PATH_MAX 1024      /* state-dir, key-file */
#define CONF_CONTROL_MAX 108    /* control socket: sizeof sun_path */
#define CONF_HZID_MAX 64        /* a hosted zone id, NUL included */

/* Defaults (xfrsync.conf(5)). */
#define CONF_DEFAULT_PORT 53
#define CONF_DEFAULT_CONTROL "/run/xfrsync/ctl.sock"
#define CONF_DEFAULT_STATE_DIR "/var/lib/xfrsync"
#define CONF_DEFAULT_MAX_BYTES (1024ULL * 1024 * 1024)  /* 1g */
#define CONF_DEFAULT_MAX_TRANSFER_TIME 7200     /* BIND: 120 minutes */
#define CONF_DEFAULT_IDLE_TIMEOUT 60
#define CONF_DEFAULT_REFRESH_MIN 300            /* BIND's clamps */
#define CONF_DEFAULT_REFRESH_MAX 2419200        /* 4 weeks */
#define CONF_DEFAULT_RETRY_MIN 60
#define CONF_DEFAULT_RETRY_MAX 1209600          /* 2 weeks */
#define CONF_DEFAULT_EXPIRE_MIN 86400           /* 1 day */
#define CONF_DEFAULT_EXPIRE_MAX 31536000        /* 1 year */
#define CONF_DEFAULT_R53_ENDPOINT "https://route53.amazonaws.com"
#define CONF_DEFAULT_R53_REGION "us-east-1"
#define CONF_DEFAULT_R53_RATE 5                 /* requests per second */
#define CONF_DEFAULT_R53_MAX_CHANGES 1000       /* Change elements */
#define CONF_DEFAULT_R53_DRIFT 3600             /* seconds between checks */
/* max-rrs defaults to CFG_DEFAULT_MAX_RRS (Kconfig). */

/* log-level: the syslog(3) priority numbers. */
enum conf_log {
	CONF_LOG_ERR = 3, CONF_LOG_WARNING = 4, CONF_LOG_NOTICE = 5,
	CONF_LOG_INFO = 6, CONF_LOG_DEBUG = 7
};

/* An IPv4 or IPv6 socket address, port included (network order). */
union conf_addr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/* Limits of one transfer and clamps on the SOA timers, all in seconds
 * except the counts. */
struct conf_limits {
	uint64_t max_bytes;             /* wire bytes of one transfer */
	uint32_t max_rrs;               /* RRs in one transfer */
	uint32_t max_transfer_time;     /* whole transfer */
	uint32_t idle_timeout;          /* without receiving a byte */
	uint32_t refresh_min, refresh_max;
	uint32_t retry_min, retry_max;
	uint32_t expire_min, expire_max;
};

struct conf_primary {
	union conf_addr addr;           /* port included */
	const struct tsig_key *key;     /* into conf.keys; NULL: unsigned */
};

/* An address prefix: family AF_INET or AF_INET6, bits 0..32 or 0..128,
 * host bits zero.  IPv4-mapped IPv6 prefixes are stored as IPv4. */
struct conf_prefix {
	uint8_t family;
	uint8_t bits;
	uint8_t addr[16];
};

struct conf_zone {
	uint8_t name[DNS_NAME_MAX];     /* wire form, lowercased */
	unsigned line;                  /* where the zone statement starts */
	struct conf_primary primary[CONF_PRIMARY_MAX];  /* in order of trial */
	size_t nprimary;                /* at least 1 */
	/* Who may send NOTIFY; the primaries' addresses when not given. */
	struct conf_prefix notify_from[CONF_NOTIFY_MAX];
	size_t nnotify;
	/* When set, a NOTIFY must be signed with this key (into conf.keys). */
	const struct tsig_key *notify_key;
	struct conf_limits lim;
	/* hosted-zone-id: the Route53 hosted zone ("Z..."; a "/hostedzone/"
	 * prefix is stripped); "" when not given. */
	char hosted_zone_id[CONF_HZID_MAX];
};

/* Endpoints of the aws block's test-endpoint statement. */
enum { CONF_EP_IMDS, CONF_EP_ECS, CONF_EP_STS, CONF_EP_N };
#define CONF_URL_MAX 512
#define CONF_PROFILE_MAX 128

/* The aws block (xfrsync.conf(5)); all empty without one. */
struct conf_aws {
	unsigned line;                  /* of the block; 0: no block */
	int source;                     /* CRED_AUTO or enum cred_source */
	int have_keys;                  /* keys holds access-key-id etc. */
	struct cred keys;               /* source CRED_CONFIG; wiped by
	                                   conf_free */
	char profile[CONF_PROFILE_MAX]; /* "": AWS_PROFILE or default */
	char ca_file[CONF_PATH_MAX];    /* "": the built-in trust anchors */
	/* For tests only: where IMDS, the container endpoint and STS are.
	 * url "" when not set; addr "" to use the URL's (numeric) host. */
	struct conf_aws_endpoint {
		char url[CONF_URL_MAX];
		char addr[64];
	} test_endpoint[CONF_EP_N];
	/* Route53: the endpoint URL (http for tests), the SigV4 region, the
	 * request budget of the account (requests per second, all zones),
	 * the cap on Change elements per request. */
	char endpoint[CONF_URL_MAX];
	char endpoint_addr[64];         /* "": the URL's host (resolved) */
	char region[64];
	uint32_t request_rate;
	uint32_t max_changes;
	/* The push: seconds between drift checks (full reconciles; 0: off),
	 * whether Route53's apex NS is pushed like any RRset (default no)
	 * and whether Route53's apex SOA carries the synced serial. */
	uint32_t drift_check;
	int apex_ns;
	int soa_serial;
};

/*
 * The whole configuration.  Zones and primaries point into keys[], so a
 * struct conf must not be copied or moved once loaded: keep it where
 * conf_load filled it (a reload loads a second one and swaps pointers).
 */
struct conf {
	union conf_addr listen[CONF_LISTEN_MAX];        /* UDP and TCP each */
	size_t nlisten;                 /* default: 0.0.0.0 and :: port 53 */
	char control[CONF_CONTROL_MAX]; /* unix socket for xfrsync ctl */
	char state_dir[CONF_PATH_MAX];
	int log_level;                  /* enum conf_log, default INFO */
	struct tsig_key keys[CONF_KEY_MAX];
	size_t nkeys;
	struct conf_zone *zones;        /* malloc'd, in file order */
	size_t nzones;
	struct conf_aws aws;
};

/*
 * Read the configuration file at path into c (any previous content is
 * ignored, not freed).  Returns 0, or -1 with err holding
 * "FILE:LINE: message" (FILE the configuration file or a key file it
 * names; "FILE: message" when a file cannot be opened) and c emptied:
 * conf_free(c) is then harmless but not needed.
 */
int conf_load(struct conf *c, const char *path, char *err, size_t errlen);

/* Free the zones and wipe every secret (TSIG keys, the aws block's
 * keys).  c may be loaded again after. */
void conf_free(struct conf *c);

/* The zone named name (wire form, any case), or NULL. */
const struct conf_zone *conf_zone_find(const struct conf *c,
    const uint8_t *name);

/* The key named name (wire form, any case), or NULL. */
const struct tsig_key *conf_key_find(const struct conf *c,
    const uint8_t *name);

/*
 * 1 if a NOTIFY for z may come from sa (AF_INET or AF_INET6; an
 * IPv4-mapped IPv6 address counts as its IPv4 address), else 0.  Only the
 * address is compared, never the port.
 */
int conf_notify_allowed(const struct conf_zone *z, const struct sockaddr *sa);

/* The length of a's sockaddr, for bind(2) and connect(2). */
socklen_t conf_addr_len(const union conf_addr *a);

/* a's address and port as text: "192.0.2.1 port 53", "::1 port 5300". */
void conf_addr_text(const union conf_addr *a, char *buf, size_t cap);

#endif
