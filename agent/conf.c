/* conf.c — the configuration file: parsing, checks, lookups. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/conf.h"
#include "agent/cred.h"
#include "agent/keyfile.h"
#include "net/name.h"
#include "xfrsync_config.h"

#define MAX_DURATION 2147483647ULL      /* seconds, about 68 years */
#define MAX_SIZE (1ULL << 40)           /* 1 TiB */

enum { NUM, SIZE, DUR };        /* kinds of numbers */
enum { SEEN_CONTROL = 1, SEEN_STATE_DIR = 2, SEEN_LOG_LEVEL = 4,
	SEEN_DEFAULTS = 8, SEEN_AWS = 16 };

struct parser {
	struct keyfile_lex lx;
	struct conf *c;
	const char *path;               /* the configuration file */
	struct conf_limits defaults;
	unsigned seen;                  /* SEEN_* */
	unsigned clamp_line[3];         /* where a clamp pair was last set */
	size_t zcap;                    /* room in c->zones */
};

static const uint8_t root[1] = { 0 };

/* ---- small helpers ------------------------------------------------------ */
/* A name for a message: presentation form without the final dot. */
static const char *
name_text(const uint8_t *name, char *buf, size_t cap)
{
	size_t n = dns_name_to_text(name, buf, cap);

	if (n > 1 && n < cap && buf[n - 1] == '.')
		buf[n - 1] = '\0';
	return buf;
}

/* The next token, which must be a value (word or quoted string). */
static int
value(struct parser *p, const char *what)
{
	int t = keyfile_next(&p->lx);

	if (t == KEYFILE_WORD || t == KEYFILE_STRING)
		return 0;
	if (t == KEYFILE_ERR)
		return -1;
	return keyfile_error(&p->lx, "expected a value after %s, got %s",
	    what, keyfile_quote(&p->lx));
}

/* The current token as a name in wire form.  0 or -1. */
static int
tok_name(struct parser *p, const char *what, uint8_t *out)
{
	if (p->lx.len == 0 ||
	    dns_name_from_text(p->lx.tok, p->lx.len, root, out) < 0)
		return keyfile_error(&p->lx, "bad %s name %s", what,
		    keyfile_quote(&p->lx));
	dns_name_lower(out);
	return 0;
}

/* ---- numbers ------------------------------------------------------------ */
/* The multiplier of a unit letter for kind, 0 if none. */
static uint64_t
unit(int kind, char u)
{
	if (kind == SIZE)
		switch (u) {
		case 'k': case 'K': return 1024;
		case 'm': case 'M': return 1024 * 1024;
		case 'g': case 'G': return 1024 * 1024 * 1024;
		default: return 0;
		}
	if (kind == DUR)
		switch (u) {
		case 's': case 'S': return 1;
		case 'm': case 'M': return 60;
		case 'h': case 'H': return 3600;
		case 'd': case 'D': return 86400;
		case 'w': case 'W': return 604800;
		default: return 0;
		}
	return 0;
}

/* Decimal digits of s[0..n) times mul: 0, -1 (syntax), -2 (overflow). */
static int
decimal(const char *s, size_t n, uint64_t mul, uint64_t *out)
{
	uint64_t v = 0;
	int over = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - 9) / 10)
			over = 1;
		else
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (over || v > UINT64_MAX / mul)
		return -2;
	*out = v * mul;
	return 0;
}

static const char *const kind_help[] = {
	"a number", "a size: a number with k, m or g",
	"a duration: seconds, or a number with s, m, h, d or w"
};

/* The current token as a number of kind in 1..max, for keyword kw. */
static int
number(struct parser *p, const char *kw, int kind, uint64_t max,
    uint64_t *out)
{
	const char *s = p->lx.tok;
	size_t n = p->lx.len;
	uint64_t mul = n > 0 ? unit(kind, s[n - 1]) : 0;
	int rc;

	rc = decimal(s, mul ? n - 1 : n, mul ? mul : 1, out);
	if (rc == -1)
		return keyfile_error(&p->lx, "%s: bad value %s (want %s)", kw,
		    keyfile_quote(&p->lx), kind_help[kind]);
	if (rc == -2 || *out < 1 || *out > max)
		return keyfile_error(&p->lx, "%s: %s is out of range (1 to %llu)",
		    kw, keyfile_quote(&p->lx), (unsigned long long)max);
	return 0;
}

/* ---- addresses ---------------------------------------------------------- */
/* s as an IPv4 or IPv6 address into a (port 0).  0 or -1. */
static int
addr_parse(const char *s, union conf_addr *a)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, &a->sin.sin_addr) == 1) {
		a->sin.sin_family = AF_INET;
		return 0;
	}
	if (CFG_IPV6 && inet_pton(AF_INET6, s, &a->sin6.sin6_addr) == 1) {
		a->sin6.sin6_family = AF_INET6;
		return 0;
	}
	return -1;
}

static void
addr_set_port(union conf_addr *a, uint16_t port)
{
	if (a->sa.sa_family == AF_INET)
		a->sin.sin_port = htons(port);
	else
		a->sin6.sin6_port = htons(port);
}

static int
addr_eq(const union conf_addr *a, const union conf_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return 0;
	if (a->sa.sa_family == AF_INET)
		return a->sin.sin_port == b->sin.sin_port &&
		    a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr;
	return a->sin6.sin6_port == b->sin6.sin6_port &&
	    memcmp(&a->sin6.sin6_addr, &b->sin6.sin6_addr, 16) == 0;
}

socklen_t
conf_addr_len(const union conf_addr *a)
{
	return a->sa.sa_family == AF_INET ? sizeof a->sin : sizeof a->sin6;
}

void
conf_addr_text(const union conf_addr *a, char *buf, size_t cap)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	unsigned port;

	if (a->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &a->sin.sin_addr, ip, sizeof ip);
		port = ntohs(a->sin.sin_port);
	} else {
		inet_ntop(AF_INET6, &a->sin6.sin6_addr, ip, sizeof ip);
		port = ntohs(a->sin6.sin6_port);
	}
	snprintf(buf, cap, "%s port %u", ip, port);
}

/* The current token as an address; what names the statement. */
static int
tok_addr(struct parser *p, const char *what, union conf_addr *a)
{
	if (addr_parse(p->lx.tok, a) == 0)
		return 0;
	if (!CFG_IPV6 && strchr(p->lx.tok, ':') != NULL)
		return keyfile_error(&p->lx, "%s: IPv6 is not enabled in this "
		    "build", what);
	return keyfile_error(&p->lx, "%s: bad address %s", what,
	    keyfile_quote(&p->lx));
}

/* "port N" after an address, if present: sets a's port (default 53). */
static int
opt_port(struct parser *p, union conf_addr *a)
{
	uint64_t v = CONF_DEFAULT_PORT;
	int t = keyfile_next(&p->lx);

	if (t == KEYFILE_ERR)
		return -1;
	if (keyfile_is(&p->lx, "port")) {
		if (value(p, "port") < 0 ||
		    number(p, "port", NUM, 65535, &v) < 0)
			return -1;
	} else {
		keyfile_unget(&p->lx);
	}
	addr_set_port(a, (uint16_t)v);
	return 0;
}

/* ---- prefixes ----------------------------------------------------------- */
/* Store an IPv4-mapped IPv6 prefix (::ffff:0:0/96 and longer) as IPv4. */
static void
prefix_unmap(struct conf_prefix *pf)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };

	if (pf->family != AF_INET6 || pf->bits < 96 ||
	    memcmp(pf->addr, mapped, 12) != 0)
		return;
	pf->family = AF_INET;
	pf->bits -= 96;
	memmove(pf->addr, pf->addr + 12, 4);
	memset(pf->addr + 4, 0, 12);
}

/* 1 if the first bits of a and b are equal. */
static int
prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));

	if (memcmp(a, b, full) != 0)
		return 0;
	return rest == 0 || ((a[full] ^ b[full]) & mask) == 0;
}

/* The prefix of a host address (IPv4-mapped kept as IPv6). */
static void
prefix_host(struct conf_prefix *pf, const union conf_addr *a)
{
	memset(pf, 0, sizeof *pf);
	pf->family = (uint8_t)a->sa.sa_family;
	if (pf->family == AF_INET) {
		pf->bits = 32;
		memcpy(pf->addr, &a->sin.sin_addr, 4);
	} else {
		pf->bits = 128;
		memcpy(pf->addr, &a->sin6.sin6_addr, 16);
	}
}

/* The prefix length after '/': 0..max without leading zeros, else -1. */
static int
prefix_bits(const char *s, unsigned max)
{
	uint64_t v;

	if (strcmp(s, "0") == 0)
		return 0;
	if (s[0] == '0' || decimal(s, strlen(s), 1, &v) < 0 || v > max)
		return -1;
	return (int)v;
}

/* 1 if pf has bits set after its length. */
static int
prefix_host_bits(const struct conf_prefix *pf)
{
	unsigned i;

	for (i = pf->bits; i < 128; i++)
		if (pf->addr[i / 8] & (0x80 >> (i % 8)))
			return 1;
	return 0;
}

/* The current token as ADDR or ADDR/BITS.  0 or -1. */
static int
tok_prefix(struct parser *p, struct conf_prefix *pf)
{
	char text[INET6_ADDRSTRLEN + 8];
	union conf_addr a;
	char *slash;
	int bits;

	if (p->lx.len >= sizeof text)
		return keyfile_error(&p->lx, "notify-from: bad prefix %s",
		    keyfile_quote(&p->lx));
	memcpy(text, p->lx.tok, p->lx.len + 1);
	slash = strchr(text, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (addr_parse(text, &a) < 0)
		return keyfile_error(&p->lx, "notify-from: bad prefix %s",
		    keyfile_quote(&p->lx));
	prefix_host(pf, &a);
	bits = slash == NULL ? pf->bits : prefix_bits(slash, pf->bits);
	if (bits < 0)
		return keyfile_error(&p->lx, "notify-from: bad prefix length "
		    "in %s", keyfile_quote(&p->lx));
	pf->bits = (uint8_t)bits;
	if (prefix_host_bits(pf))
		return keyfile_error(&p->lx, "notify-from: %s has bits set "
		    "after the prefix length", keyfile_quote(&p->lx));
	prefix_unmap(pf);
	return 0;
}

/* ---- lookups ------------------------------------------------------------ */
const struct conf_zone *
conf_zone_find(const struct conf *c, const uint8_t *name)
{
	size_t i;

	for (i = 0; i < c->nzones; i++)
		if (dns_name_eq(c->zones[i].name, name))
			return &c->zones[i];
	return NULL;
}

const struct tsig_key *
conf_key_find(const struct conf *c, const uint8_t *name)
{
	size_t i;

	for (i = 0; i < c->nkeys; i++)
		if (dns_name_eq(c->keys[i].name, name))
			return &c->keys[i];
	return NULL;
}

int
conf_notify_allowed(const struct conf_zone *z, const struct sockaddr *sa)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };
	const char *base = (const char *)sa;
	uint8_t a[16];
	int family = sa->sa_family;
	size_t i;

	if (family == AF_INET) {
		memcpy(a, base + offsetof(struct sockaddr_in, sin_addr), 4);
	} else if (family == AF_INET6) {
		memcpy(a, base + offsetof(struct sockaddr_in6, sin6_addr), 16);
		if (memcmp(a, mapped, 12) == 0) {
			family = AF_INET;
			memmove(a, a + 12, 4);
		}
	} else {
		return 0;
	}
	for (i = 0; i < z->nnotify; i++)
		if (z->notify_from[i].family == family &&
		    prefix_match(z->notify_from[i].addr, a,
		    z->notify_from[i].bits))
			return 1;
	return 0;
}

/* ---- limits ------------------------------------------------------------- */
struct limit {
	const char *kw;
	int kind;               /* NUM, SIZE or DUR */
	size_t off;             /* in struct conf_limits */
	uint64_t max;
};

#define LIM(f) offsetof(struct conf_limits, f)
/* The clamps come in min/max pairs from index CLAMP0 on. */
static const struct limit limits[] = {
	{ "max-rrs", NUM, LIM(max_rrs), UINT32_MAX },
	{ "max-bytes", SIZE, LIM(max_bytes), MAX_SIZE },
	{ "max-transfer-time", DUR, LIM(max_transfer_time), MAX_DURATION },
	{ "idle-timeout", DUR, LIM(idle_timeout), MAX_DURATION },
	{ "refresh-min", DUR, LIM(refresh_min), MAX_DURATION },
	{ "refresh-max", DUR, LIM(refresh_max), MAX_DURATION },
	{ "retry-min", DUR, LIM(retry_min), MAX_DURATION },
	{ "retry-max", DUR, LIM(retry_max), MAX_DURATION },
	{ "expire-min", DUR, LIM(expire_min), MAX_DURATION },
	{ "expire-max", DUR, LIM(expire_max), MAX_DURATION },
};
#define CLAMP0 4
#define NLIMITS (sizeof limits / sizeof limits[0])

static uint64_t
lim_get(const struct conf_limits *l, const struct limit *d)
{
	uint32_t v32;
	uint64_t v64;

	if (d->kind == SIZE) {
		memcpy(&v64, (const char *)l + d->off, sizeof v64);
		return v64;
	}
	memcpy(&v32, (const char *)l + d->off, sizeof v32);
	return v32;
}

static void
lim_set(struct conf_limits *l, const struct limit *d, uint64_t v)
{
	uint32_t v32 = (uint32_t)v;

	if (d->kind == SIZE)
		memcpy((char *)l + d->off, &v, sizeof v);
	else
		memcpy((char *)l + d->off, &v32, sizeof v32);
}

static void
limits_default(struct conf_limits *l)
{
	l->max_rrs = CFG_DEFAULT_MAX_RRS;
	l->max_bytes = CONF_DEFAULT_MAX_BYTES;
	l->max_transfer_time = CONF_DEFAULT_MAX_TRANSFER_TIME;
	l->idle_timeout = CONF_DEFAULT_IDLE_TIMEOUT;
	l->refresh_min = CONF_DEFAULT_REFRESH_MIN;
	l->refresh_max = CONF_DEFAULT_REFRESH_MAX;
	l->retry_min = CONF_DEFAULT_RETRY_MIN;
	l->retry_max = CONF_DEFAULT_RETRY_MAX;
	l->expire_min = CONF_DEFAULT_EXPIRE_MIN;
	l->expire_max = CONF_DEFAULT_EXPIRE_MAX;
}

/*
 * If the current token is a limit keyword, parse the statement into l and
 * return 1; 0 if it is not one; -1 on error.
 */
static int
limit_stmt(struct parser *p, struct conf_limits *l)
{
	const struct limit *d;
	uint64_t v;
	size_t i;

	for (i = 0; i < NLIMITS; i++)
		if (keyfile_is(&p->lx, limits[i].kw))
			break;
	if (i == NLIMITS)
		return 0;
	d = &limits[i];
	if (value(p, d->kw) < 0 || number(p, d->kw, d->kind, d->max, &v) < 0)
		return -1;
	lim_set(l, d, v);
	if (i >= CLAMP0)
		p->clamp_line[(i - CLAMP0) / 2] = p->lx.line;
	return keyfile_expect_end(&p->lx, d->kw) < 0 ? -1 : 1;
}

/* Every clamp min <= max; line: where the block started. */
static int
limits_check(struct parser *p, const struct conf_limits *l, unsigned line)
{
	const struct limit *lo, *hi;
	unsigned k;

	for (k = 0; k < 3; k++) {
		lo = &limits[CLAMP0 + 2 * k];
		hi = lo + 1;
		if (lim_get(l, lo) <= lim_get(l, hi))
			continue;
		return keyfile_error_at(&p->lx, p->clamp_line[k] ?
		    p->clamp_line[k] : line, "%s (%llu) is greater than %s "
		    "(%llu)", lo->kw, (unsigned long long)lim_get(l, lo), hi->kw,
		    (unsigned long long)lim_get(l, hi));
	}
	return 0;
}

/* ---- zone statements ------------------------------------------------------ */
/* A key name after what: *out becomes the defined key. */
static int
key_ref(struct parser *p, const char *what, const struct tsig_key **out)
{
	uint8_t name[DNS_NAME_MAX];

	if (value(p, what) < 0 || tok_name(p, "key", name) < 0)
		return -1;
	*out = conf_key_find(p->c, name);
	if (*out == NULL)
		return keyfile_error(&p->lx, "%s: key %s is not defined (keys "
		    "must be defined before they are used)", what,
		    keyfile_quote(&p->lx));
	return 0;
}

/* The options of a primary: port N, key NAME, in any order. */
static int
primary_opts(struct parser *p, struct conf_primary *pr)
{
	uint64_t port = 0;

	for (;;) {
		int t = keyfile_next(&p->lx);

		if (t == KEYFILE_ERR)
			return -1;
		if (keyfile_is(&p->lx, "port")) {
			if (port != 0)
				return keyfile_error(&p->lx, "primary: port "
				    "given twice");
			if (value(p, "port") < 0 ||
			    number(p, "port", NUM, 65535, &port) < 0)
				return -1;
		} else if (keyfile_is(&p->lx, "key")) {
			if (pr->key != NULL)
				return keyfile_error(&p->lx, "primary: key "
				    "given twice");
			if (key_ref(p, "primary", &pr->key) < 0)
				return -1;
		} else if (t == KEYFILE_END || t == KEYFILE_EOF ||
		    t == KEYFILE_RBRACE) {
			keyfile_unget(&p->lx);
			break;
		} else {
			return keyfile_error(&p->lx, "primary: unexpected %s",
			    keyfile_quote(&p->lx));
		}
	}
	addr_set_port(&pr->addr, port ? (uint16_t)port : CONF_DEFAULT_PORT);
	return 0;
}

static int
st_primary(struct parser *p, struct conf_zone *z)
{
	struct conf_primary *pr = &z->primary[z->nprimary];
	char text[INET6_ADDRSTRLEN + 16];
	size_t i;

	if (z->nprimary == CONF_PRIMARY_MAX)
		return keyfile_error(&p->lx, "too many primaries (at most %d)",
		    CONF_PRIMARY_MAX);
	memset(pr, 0, sizeof *pr);
	if (value(p, "primary") < 0 || tok_addr(p, "primary", &pr->addr) < 0 ||
	    primary_opts(p, pr) < 0)
		return -1;
	for (i = 0; i < z->nprimary; i++)
		if (addr_eq(&z->primary[i].addr, &pr->addr)) {
			conf_addr_text(&pr->addr, text, sizeof text);
			return keyfile_error(&p->lx, "primary %s given twice",
			    text);
		}
	z->nprimary++;
	return 0;
}

static int
st_notify_from(struct parser *p, struct conf_zone *z)
{
	size_t n = 0;
	int t;

	while ((t = keyfile_next(&p->lx)) == KEYFILE_WORD ||
	    t == KEYFILE_STRING) {
		if (z->nnotify == CONF_NOTIFY_MAX)
			return keyfile_error(&p->lx, "notify-from: more than %d "
			    "prefixes", CONF_NOTIFY_MAX);
		if (tok_prefix(p, &z->notify_from[z->nnotify]) < 0)
			return -1;
		z->nnotify++;
		n++;
	}
	if (t == KEYFILE_ERR)
		return -1;
	keyfile_unget(&p->lx);
	if (n == 0)
		return keyfile_error(&p->lx, "notify-from: expected addresses "
		    "or prefixes");
	return 0;
}

static int
st_notify_key(struct parser *p, struct conf_zone *z)
{
	if (z->notify_key != NULL)
		return keyfile_error(&p->lx, "notify-key given twice");
	if (key_ref(p, "notify-key", &z->notify_key) < 0)
		return -1;
	return keyfile_expect_end(&p->lx, "notify-key");
}

/* hosted-zone-id ID: letters and digits, "/hostedzone/" stripped. */
static int
st_hosted_zone_id(struct parser *p, struct conf_zone *z)
{
	const char *s;
	size_t i, n;

	if (z->hosted_zone_id[0] != '\0')
		return keyfile_error(&p->lx, "hosted-zone-id given twice");
	if (value(p, "hosted-zone-id") < 0)
		return -1;
	s = p->lx.tok;
	n = p->lx.len;
	if (n > 12 && memcmp(s, "/hostedzone/", 12) == 0) {
		s += 12;
		n -= 12;
	}
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			break;
	if (n == 0 || i < n || n >= sizeof z->hosted_zone_id)
		return keyfile_error(&p->lx, "hosted-zone-id: bad id %s",
		    keyfile_quote(&p->lx));
	memcpy(z->hosted_zone_id, s, n);
	z->hosted_zone_id[n] = '\0';
	return keyfile_expect_end(&p->lx, "hosted-zone-id");
}

static const struct {
	const char *kw;
	int (*fn)(struct parser *, struct conf_zone *);
} zone_stmts[] = {
	{ "primary", st_primary },
	{ "notify-from", st_notify_from },
	{ "notify-key", st_notify_key },
	{ "hosted-zone-id", st_hosted_zone_id },
};
#define NZONE_STMTS (sizeof zone_stmts / sizeof zone_stmts[0])

/* One statement of a zone (z) or defaults (z NULL) block.  0 or -1. */
static int
block_stmt(struct parser *p, struct conf_zone *z, struct conf_limits *l)
{
	size_t i;
	int rc;

	for (i = 0; z != NULL && i < NZONE_STMTS; i++)
		if (keyfile_is(&p->lx, zone_stmts[i].kw))
			return zone_stmts[i].fn(p, z);
	rc = limit_stmt(p, l);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (p->lx.type != KEYFILE_WORD)
		return keyfile_error(&p->lx, "expected a keyword, got %s",
		    keyfile_quote(&p->lx));
	return keyfile_error(&p->lx, "unknown keyword %s in %s",
	    keyfile_quote(&p->lx), z != NULL ? "zone" : "defaults");
}

/*
 * The body of a zone or defaults block, after its "{", up to and
 * including its "}".  what and line name the block for messages.
 */
static int
block(struct parser *p, struct conf_zone *z, struct conf_limits *l,
    const char *what, unsigned line)
{
	memset(p->clamp_line, 0, sizeof p->clamp_line);
	if (keyfile_expect_lbrace(&p->lx, what) < 0)
		return -1;
	for (;;) {
		switch (keyfile_next_nonempty(&p->lx)) {
		case KEYFILE_RBRACE:
			return limits_check(p, l, line);
		case KEYFILE_ERR:
			return -1;
		case KEYFILE_EOF:
			return keyfile_error_at(&p->lx, line, "%s: no closing }",
			    what);
		default:
			break;
		}
		if (block_stmt(p, z, l) < 0)
			return -1;
	}
}

/* The primaries' addresses, when notify-from is not given. */
static void
notify_default(struct conf_zone *z)
{
	struct conf_prefix pf;
	size_t i, k;

	for (i = 0; i < z->nprimary; i++) {
		prefix_host(&pf, &z->primary[i].addr);
		prefix_unmap(&pf);
		for (k = 0; k < z->nnotify; k++)
			if (memcmp(&z->notify_from[k], &pf, sizeof pf) == 0)
				break;
		if (k == z->nnotify)
			z->notify_from[z->nnotify++] = pf;
	}
}

static int
zone_push(struct parser *p, const struct conf_zone *z)
{
	struct conf *c = p->c;
	struct conf_zone *nz;
	size_t cap;

	if (c->nzones == p->zcap) {
		cap = p->zcap ? 2 * p->zcap : 8;
		nz = realloc(c->zones, cap * sizeof *nz);
		if (nz == NULL)
			return keyfile_error(&p->lx, "out of memory");
		c->zones = nz;
		p->zcap = cap;
	}
	c->zones[c->nzones++] = *z;
	return 0;
}

static int
st_zone(struct parser *p)
{
	struct conf_zone z;
	const struct conf_zone *old;
	char what[DNS_NAME_TEXT_MAX + 8], text[DNS_NAME_TEXT_MAX];

	memset(&z, 0, sizeof z);
	z.line = p->lx.line;
	z.lim = p->defaults;
	if (value(p, "zone") < 0 || tok_name(p, "zone", z.name) < 0)
		return -1;
	name_text(z.name, text, sizeof text);
	old = conf_zone_find(p->c, z.name);
	if (old != NULL)
		return keyfile_error(&p->lx, "zone \"%s\" defined twice (first "
		    "on line %u)", text, old->line);
	snprintf(what, sizeof what, "zone \"%s\"", text);
	if (block(p, &z, &z.lim, what, z.line) < 0)
		return -1;
	if (z.nprimary == 0)
		return keyfile_error_at(&p->lx, z.line, "%s has no primary",
		    what);
	if (z.nnotify == 0)
		notify_default(&z);
	if (zone_push(p, &z) < 0)
		return -1;
	return keyfile_expect_end(&p->lx, "zone block");
}

/* ---- top-level statements ------------------------------------------------- */
/* A statement allowed once: 0, or -1 if seen before. */
static int
once(struct parser *p, unsigned bit, const char *kw)
{
	if (p->seen & bit)
		return keyfile_error(&p->lx, "%s given twice", kw);
	p->seen |= bit;
	return 0;
}

static int
st_listen(struct parser *p)
{
	struct conf *c = p->c;
	union conf_addr *a = &c->listen[c->nlisten];
	char text[INET6_ADDRSTRLEN + 16];
	size_t i;

	if (c->nlisten == CONF_LISTEN_MAX)
		return keyfile_error(&p->lx, "too many listen statements (at "
		    "most %d)", CONF_LISTEN_MAX);
	if (value(p, "listen") < 0 || tok_addr(p, "listen", a) < 0 ||
	    opt_port(p, a) < 0)
		return -1;
	for (i = 0; i < c->nlisten; i++)
		if (addr_eq(&c->listen[i], a)) {
			conf_addr_text(a, text, sizeof text);
			return keyfile_error(&p->lx, "listen %s given twice",
			    text);
		}
	c->nlisten++;
	return keyfile_expect_end(&p->lx, "listen");
}

/* An absolute path shorter than cap into out, for keyword kw. */
static int
path(struct parser *p, const char *kw, char *out, size_t cap)
{
	if (value(p, kw) < 0)
		return -1;
	if (p->lx.tok[0] != '/')
		return keyfile_error(&p->lx, "%s: not an absolute path", kw);
	if (p->lx.len >= cap)
		return keyfile_error(&p->lx, "%s: path longer than %zu bytes",
		    kw, cap - 1);
	memcpy(out, p->lx.tok, p->lx.len + 1);
	return keyfile_expect_end(&p->lx, kw);
}

static int
st_control(struct parser *p)
{
	if (once(p, SEEN_CONTROL, "control") < 0)
		return -1;
	return path(p, "control", p->c->control, sizeof p->c->control);
}

static int
st_state_dir(struct parser *p)
{
	if (once(p, SEEN_STATE_DIR, "state-dir") < 0)
		return -1;
	return path(p, "state-dir", p->c->state_dir, sizeof p->c->state_dir);
}

static int
st_log_level(struct parser *p)
{
	static const char *const names[] = { "error", "warning", "notice",
		"info", "debug" };
	size_t i;

	if (once(p, SEEN_LOG_LEVEL, "log-level") < 0 ||
	    value(p, "log-level") < 0)
		return -1;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(p->lx.tok, names[i]) == 0) {
			p->c->log_level = CONF_LOG_ERR + (int)i;
			return keyfile_expect_end(&p->lx, "log-level");
		}
	return keyfile_error(&p->lx, "log-level: unknown level %s (error, "
	    "warning, notice, info or debug)", keyfile_quote(&p->lx));
}

static int
st_key(struct parser *p)
{
	struct conf *c = p->c;
	struct tsig_key *k = &c->keys[c->nkeys];
	char text[DNS_NAME_TEXT_MAX];
	unsigned line = p->lx.line;

	if (c->nkeys == CONF_KEY_MAX)
		return keyfile_error(&p->lx, "too many keys (at most %d)",
		    CONF_KEY_MAX);
	if (keyfile_parse_key(&p->lx, k) < 0)
		return -1;
	if (keyfile_key_dup(c->keys, c->nkeys, k))
		return keyfile_error_at(&p->lx, line, "key \"%s\" defined twice",
		    name_text(k->name, text, sizeof text));
	c->nkeys++;
	return 0;
}

/* The key-file's path: relative ones are taken from the config's dir. */
static int
key_file_path(struct parser *p, char *out, size_t cap)
{
	const char *slash = strrchr(p->path, '/');
	size_t dir = p->lx.tok[0] == '/' || slash == NULL ? 0 :
	    (size_t)(slash - p->path) + 1;

	if (dir + p->lx.len >= cap)
		return keyfile_error(&p->lx, "key-file: path longer than %zu "
		    "bytes", cap - 1);
	memcpy(out, p->path, dir);
	memcpy(out + dir, p->lx.tok, p->lx.len + 1);
	return 0;
}

/* Record an error message made elsewhere (a key file's). */
static int
error_raw(struct parser *p, const char *msg)
{
	if (!p->lx.failed && p->lx.errlen > 0)
		snprintf(p->lx.err, p->lx.errlen, "%s", msg);
	p->lx.failed = 1;
	return -1;
}

static int
st_key_file(struct parser *p)
{
	struct conf *c = p->c;
	char file[CONF_PATH_MAX], kerr[CONF_PATH_MAX + 256];
	char text[DNS_NAME_TEXT_MAX];
	size_t i, n;
	int rc;

	if (value(p, "key-file") < 0 || key_file_path(p, file, sizeof file) < 0)
		return -1;
	rc = keyfile_load(file, &c->keys[c->nkeys], CONF_KEY_MAX - c->nkeys,
	    &n, kerr, sizeof kerr);
	if (rc == -2)
		return keyfile_error(&p->lx, "key-file: %s", kerr);
	if (rc < 0)
		return error_raw(p, kerr);
	for (i = c->nkeys; i < c->nkeys + n; i++)
		if (keyfile_key_dup(c->keys, c->nkeys, &c->keys[i])) {
			name_text(c->keys[i].name, text, sizeof text);
			while (n > 0)
				tsig_key_wipe(&c->keys[c->nkeys + --n]);
			return keyfile_error(&p->lx, "key-file: key \"%s\" is "
			    "already defined", text);
		}
	c->nkeys += n;
	return keyfile_expect_end(&p->lx, "key-file");
}

static int
st_defaults(struct parser *p)
{
	unsigned line = p->lx.line;

	if (once(p, SEEN_DEFAULTS, "defaults") < 0)
		return -1;
	if (p->c->nzones > 0)
		return keyfile_error(&p->lx, "defaults must come before the "
		    "first zone");
	if (block(p, NULL, &p->defaults, "defaults", line) < 0)
		return -1;
	return keyfile_expect_end(&p->lx, "defaults block");
}

/* ---- the aws block ---------------------------------------------------------- */
enum { AWS_SOURCE = 1, AWS_AKID = 2, AWS_SECRET = 4, AWS_TOKEN = 8,
	AWS_PROFILE = 16, AWS_CA = 32, AWS_ENDPOINT = 512, AWS_REGION = 1024,
	AWS_RATE = 2048, AWS_MAXCH = 4096, AWS_DRIFT = 8192, AWS_APEXNS = 16384,
	AWS_SOASERIAL = 32768 };

/* Statements that hold keys need CONFIG_CRED_CONFIG. */
static int
aws_keys_built(struct parser *p, const char *kw)
{
	if (CFG_CRED_CONFIG)
		return 0;
	return keyfile_error(&p->lx, "aws: %s needs CONFIG_CRED_CONFIG (keys "
	    "in the configuration are not in this build)", kw);
}

static int
aws_source(struct parser *p)
{
	int src;

	if (value(p, "credentials-source") < 0)
		return -1;
	src = cred_source_parse(p->lx.tok);
	if (src == -2)
		return keyfile_error(&p->lx, "credentials-source: unknown "
		    "source %s (auto, config, env, web-identity, profile, ecs "
		    "or imds)", keyfile_quote(&p->lx));
	if (src != CRED_AUTO && !cred_source_built(src))
		return keyfile_error(&p->lx, "credentials-source: %s is not in "
		    "this build", cred_source_name(src));
	p->c->aws.source = src;
	return keyfile_expect_end(&p->lx, "credentials-source");
}

static int
aws_akid(struct parser *p)
{
	struct cred *k = &p->c->aws.keys;
	const char *why;

	if (aws_keys_built(p, "access-key-id") < 0 ||
	    value(p, "access-key-id") < 0)
		return -1;
	why = cred_set_value(k->access_key_id, sizeof k->access_key_id,
	    p->lx.tok, p->lx.len, cred_check_akid);
	if (why != NULL)
		return keyfile_error(&p->lx, "access-key-id: %s%s",
		    strcmp(why, "empty") == 0 ? "is " : "", why);
	return keyfile_expect_end(&p->lx, "access-key-id");
}

/* The permission check of a file that holds a secret. */
static int
aws_secret_mode(struct parser *p)
{
	if (p->lx.mode & 077)
		return keyfile_error(&p->lx, "permissions %04o are too open for "
		    "a file holding a secret (group or others can access it)",
		    p->lx.mode);
	return 0;
}

static int
aws_secret(struct parser *p)
{
	struct cred *k = &p->c->aws.keys;
	const char *why;
	int rc = -1;

	if (aws_keys_built(p, "secret-access-key") < 0 ||
	    aws_secret_mode(p) < 0)
		return -1;
	p->lx.hide++;           /* nothing near a secret is quoted */
	if (value(p, "secret-access-key") == 0) {
		why = cred_set_value(k->secret, sizeof k->secret, p->lx.tok,
		    p->lx.len, cred_check_secret);
		if (why != NULL)
			keyfile_error(&p->lx, "secret-access-key: %s%s",
			    strcmp(why, "empty") == 0 ? "is " : "", why);
		else
			rc = keyfile_expect_end(&p->lx, "secret-access-key");
	}
	p->lx.hide--;
	return rc;
}

/* session-token "part" ["part" ...]: joined (a word is at most
 * KEYFILE_TOK_MAX - 1 bytes, a token may be longer). */
static int
aws_token(struct parser *p)
{
	struct cred *k = &p->c->aws.keys;
	const char *why = NULL;
	size_t len = 0;
	int t, parts = 0, rc = -1;

	if (aws_keys_built(p, "session-token") < 0 || aws_secret_mode(p) < 0)
		return -1;
	p->lx.hide++;
	while ((t = keyfile_next(&p->lx)) == KEYFILE_WORD ||
	    t == KEYFILE_STRING) {
		parts++;
		if (len + p->lx.len >= sizeof k->token) {
			why = "too long";
			break;
		}
		memcpy(k->token + len, p->lx.tok, p->lx.len);
		len += p->lx.len;
		k->token[len] = '\0';
	}
	if (t == KEYFILE_ERR)
		goto out;
	if (why == NULL && parts == 0) {
		keyfile_error(&p->lx, "expected a value after session-token");
		goto out;
	}
	if (why == NULL)
		why = cred_check_token(k->token, len);
	if (why != NULL) {
		explicit_bzero(k->token, sizeof k->token);
		keyfile_error(&p->lx, "session-token: %s%s", strcmp(why,
		    "empty") == 0 ? "is " : "", why);
		goto out;
	}
	keyfile_unget(&p->lx);
	rc = keyfile_expect_end(&p->lx, "session-token");
out:
	p->lx.hide--;
	return rc;
}

static int
aws_profile(struct parser *p)
{
	struct conf_aws *a = &p->c->aws;

	if (value(p, "profile") < 0)
		return -1;
	if (p->lx.len == 0 || p->lx.len >= sizeof a->profile)
		return keyfile_error(&p->lx, "profile: empty or longer than "
		    "%zu bytes", sizeof a->profile - 1);
	memcpy(a->profile, p->lx.tok, p->lx.len + 1);
	return keyfile_expect_end(&p->lx, "profile");
}

static int
aws_ca_file(struct parser *p)
{
	return path(p, "ca-file", p->c->aws.ca_file,
	    sizeof p->c->aws.ca_file);
}

/* After a URL: an optional "address ADDR" (numeric) into buf[cap]. */
static int
opt_address(struct parser *p, char *buf, size_t cap)
{
	union conf_addr a;

	if (keyfile_next(&p->lx) == KEYFILE_ERR)
		return -1;
	if (!keyfile_is(&p->lx, "address")) {
		keyfile_unget(&p->lx);
		return 0;
	}
	if (value(p, "address") < 0 || tok_addr(p, "address", &a) < 0)
		return -1;
	if (p->lx.len >= cap)
		return keyfile_error(&p->lx, "address: too long");
	memcpy(buf, p->lx.tok, p->lx.len + 1);
	return 0;
}

/* endpoint URL [address ADDR]: Route53's (http only for tests); ADDR is
 * connected to instead of resolving the URL's host. */
static int
aws_endpoint(struct parser *p)
{
	struct conf_aws *a = &p->c->aws;
	struct cred_url u;
	char why[128];

	if (value(p, "endpoint") < 0)
		return -1;
	if (p->lx.len >= sizeof a->endpoint)
		return keyfile_error(&p->lx, "endpoint: URL longer than %zu "
		    "bytes", sizeof a->endpoint - 1);
	if (cred_url_parse(p->lx.tok, &u, why, sizeof why) < 0)
		return keyfile_error(&p->lx, "endpoint: %s", why);
	if (strcmp(u.path, "/") != 0)
		return keyfile_error(&p->lx, "endpoint: a URL without a path");
	memcpy(a->endpoint, p->lx.tok, p->lx.len + 1);
	if (opt_address(p, a->endpoint_addr, sizeof a->endpoint_addr) < 0)
		return -1;
	return keyfile_expect_end(&p->lx, "endpoint");
}

/* region NAME: the SigV4 region of Route53's endpoint. */
static int
aws_region(struct parser *p)
{
	struct conf_aws *a = &p->c->aws;
	size_t i;

	if (value(p, "region") < 0)
		return -1;
	for (i = 0; i < p->lx.len; i++)
		if (!((p->lx.tok[i] >= 'a' && p->lx.tok[i] <= 'z') ||
		    (p->lx.tok[i] >= '0' && p->lx.tok[i] <= '9') ||
		    p->lx.tok[i] == '-'))
			break;
	if (p->lx.len == 0 || i < p->lx.len || p->lx.len >= sizeof a->region)
		return keyfile_error(&p->lx, "region: bad name %s",
		    keyfile_quote(&p->lx));
	memcpy(a->region, p->lx.tok, p->lx.len + 1);
	return keyfile_expect_end(&p->lx, "region");
}

static int
aws_rate(struct parser *p)
{
	uint64_t v;

	if (value(p, "request-rate") < 0 ||
	    number(p, "request-rate", NUM, 1000, &v) < 0)
		return -1;
	p->c->aws.request_rate = (uint32_t)v;
	return keyfile_expect_end(&p->lx, "request-rate");
}

static int
aws_max_changes(struct parser *p)
{
	uint64_t v;

	if (value(p, "max-changes") < 0 ||
	    number(p, "max-changes", NUM, 1000, &v) < 0)
		return -1;
	p->c->aws.max_changes = (uint32_t)v;
	return keyfile_expect_end(&p->lx, "max-changes");
}

/* drift-check DURATION|off: a full reconcile of each zone this often. */
static int
aws_drift(struct parser *p)
{
	uint64_t v;

	if (value(p, "drift-check") < 0)
		return -1;
	if (keyfile_is(&p->lx, "off") || keyfile_is(&p->lx, "0")) {
		p->c->aws.drift_check = 0;
		return keyfile_expect_end(&p->lx, "drift-check");
	}
	if (number(p, "drift-check", DUR, MAX_DURATION, &v) < 0)
		return -1;
	p->c->aws.drift_check = (uint32_t)v;
	return keyfile_expect_end(&p->lx, "drift-check");
}

/* KW yes|no into *out. */
static int
yes_no(struct parser *p, const char *kw, int *out)
{
	if (value(p, kw) < 0)
		return -1;
	if (keyfile_is(&p->lx, "yes"))
		*out = 1;
	else if (keyfile_is(&p->lx, "no"))
		*out = 0;
	else
		return keyfile_error(&p->lx, "%s: %s is neither yes nor no", kw,
		    keyfile_quote(&p->lx));
	return keyfile_expect_end(&p->lx, kw);
}

static int
aws_apex_ns(struct parser *p)
{
	return yes_no(p, "push-apex-ns", &p->c->aws.apex_ns);
}

static int
aws_soa_serial(struct parser *p)
{
	return yes_no(p, "soa-serial", &p->c->aws.soa_serial);
}

/* test-endpoint imds|ecs|sts URL [address ADDR]: for tests only. */
static int
aws_test_endpoint(struct parser *p, unsigned *seen)
{
	static const char *const names[CONF_EP_N] = { "imds", "ecs", "sts" };
	struct conf_aws_endpoint *ep;
	struct cred_url u;
	char why[128];
	int i;

	if (value(p, "test-endpoint") < 0)
		return -1;
	for (i = 0; i < CONF_EP_N; i++)
		if (strcmp(p->lx.tok, names[i]) == 0)
			break;
	if (i == CONF_EP_N)
		return keyfile_error(&p->lx, "test-endpoint: %s is not imds, "
		    "ecs or sts", keyfile_quote(&p->lx));
	if (*seen & (64u << i))
		return keyfile_error(&p->lx, "test-endpoint %s given twice",
		    names[i]);
	*seen |= 64u << i;
	ep = &p->c->aws.test_endpoint[i];
	if (value(p, "test-endpoint") < 0)
		return -1;
	if (p->lx.len >= sizeof ep->url)
		return keyfile_error(&p->lx, "test-endpoint: URL longer than "
		    "%zu bytes", sizeof ep->url - 1);
	if (cred_url_parse(p->lx.tok, &u, why, sizeof why) < 0)
		return keyfile_error(&p->lx, "test-endpoint: %s", why);
	memcpy(ep->url, p->lx.tok, p->lx.len + 1);
	if (opt_address(p, ep->addr, sizeof ep->addr) < 0)
		return -1;
	return keyfile_expect_end(&p->lx, "test-endpoint");
}

static int
st_aws(struct parser *p)
{
	static const struct {
		const char *kw;
		unsigned bit;
		int (*fn)(struct parser *);
	} stmts[] = {
		{ "credentials-source", AWS_SOURCE, aws_source },
		{ "access-key-id", AWS_AKID, aws_akid },
		{ "secret-access-key", AWS_SECRET, aws_secret },
		{ "session-token", AWS_TOKEN, aws_token },
		{ "profile", AWS_PROFILE, aws_profile },
		{ "ca-file", AWS_CA, aws_ca_file },
		{ "endpoint", AWS_ENDPOINT, aws_endpoint },
		{ "region", AWS_REGION, aws_region },
		{ "request-rate", AWS_RATE, aws_rate },
		{ "max-changes", AWS_MAXCH, aws_max_changes },
		{ "drift-check", AWS_DRIFT, aws_drift },
		{ "push-apex-ns", AWS_APEXNS, aws_apex_ns },
		{ "soa-serial", AWS_SOASERIAL, aws_soa_serial },
	};
	struct conf_aws *a = &p->c->aws;
	unsigned line = p->lx.line, seen = 0;
	size_t i;

	if (once(p, SEEN_AWS, "aws") < 0 ||
	    keyfile_expect_lbrace(&p->lx, "aws") < 0)
		return -1;
	a->line = line;
	for (;;) {
		switch (keyfile_next_nonempty(&p->lx)) {
		case KEYFILE_RBRACE:
			goto end;
		case KEYFILE_ERR:
			return -1;
		case KEYFILE_EOF:
			return keyfile_error_at(&p->lx, line, "aws: no closing }");
		case KEYFILE_WORD:
			break;
		default:
			return keyfile_error(&p->lx, "expected a keyword, got %s",
			    keyfile_quote(&p->lx));
		}
		if (keyfile_is(&p->lx, "test-endpoint")) {
			if (aws_test_endpoint(p, &seen) < 0)
				return -1;
			continue;
		}
		for (i = 0; i < sizeof stmts / sizeof stmts[0]; i++)
			if (keyfile_is(&p->lx, stmts[i].kw))
				break;
		if (i == sizeof stmts / sizeof stmts[0])
			return keyfile_error(&p->lx, "unknown keyword %s in aws",
			    keyfile_quote(&p->lx));
		if (seen & stmts[i].bit)
			return keyfile_error(&p->lx, "%s given twice",
			    stmts[i].kw);
		seen |= stmts[i].bit;
		if (stmts[i].fn(p) < 0)
			return -1;
	}
end:
	if ((seen & AWS_AKID) && !(seen & AWS_SECRET))
		return keyfile_error_at(&p->lx, line, "aws: access-key-id "
		    "without secret-access-key");
	if ((seen & (AWS_SECRET | AWS_TOKEN)) && !(seen & AWS_AKID))
		return keyfile_error_at(&p->lx, line, "aws: %s without "
		    "access-key-id", (seen & AWS_SECRET) ? "secret-access-key" :
		    "session-token");
	if (seen & AWS_AKID) {
		a->have_keys = 1;
		a->keys.source = CRED_CONFIG;
		snprintf(a->keys.origin, sizeof a->keys.origin, "%s:%u",
		    p->path, line);
	}
	if (a->source == CRED_CONFIG && !a->have_keys)
		return keyfile_error_at(&p->lx, line, "aws: credentials-source "
		    "config without access-key-id and secret-access-key");
	return keyfile_expect_end(&p->lx, "aws block");
}

static const struct {
	const char *kw;
	int (*fn)(struct parser *);
} top_stmts[] = {
	{ "listen", st_listen },
	{ "control", st_control },
	{ "state-dir", st_state_dir },
	{ "log-level", st_log_level },
	{ "key", st_key },
	{ "key-file", st_key_file },
	{ "defaults", st_defaults },
	{ "zone", st_zone },
	{ "aws", st_aws },
};
#define NTOP_STMTS (sizeof top_stmts / sizeof top_stmts[0])

static int
parse(struct parser *p)
{
	size_t i;

	for (;;) {
		switch (keyfile_next_nonempty(&p->lx)) {
		case KEYFILE_EOF:
			return 0;
		case KEYFILE_ERR:
			return -1;
		case KEYFILE_WORD:
			break;
		default:
			return keyfile_error(&p->lx, "expected a keyword, got %s",
			    keyfile_quote(&p->lx));
		}
		for (i = 0; i < NTOP_STMTS; i++)
			if (keyfile_is(&p->lx, top_stmts[i].kw))
				break;
		if (i == NTOP_STMTS)
			return keyfile_error(&p->lx, "unknown keyword %s",
			    keyfile_quote(&p->lx));
		if (top_stmts[i].fn(p) < 0)
			return -1;
	}
}

/* ---- loading -------------------------------------------------------------- */
static void
listen_default(struct conf *c)
{
	union conf_addr *a;

	a = &c->listen[c->nlisten++];
	memset(a, 0, sizeof *a);
	a->sin.sin_family = AF_INET;
	a->sin.sin_port = htons(CONF_DEFAULT_PORT);
	if (!CFG_IPV6)
		return;
	a = &c->listen[c->nlisten++];
	memset(a, 0, sizeof *a);
	a->sin6.sin6_family = AF_INET6;
	a->sin6.sin6_port = htons(CONF_DEFAULT_PORT);
}

static void
conf_init(struct conf *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->control, sizeof c->control, "%s", CONF_DEFAULT_CONTROL);
	snprintf(c->state_dir, sizeof c->state_dir, "%s",
	    CONF_DEFAULT_STATE_DIR);
	c->log_level = CONF_LOG_INFO;
	c->aws.source = CRED_AUTO;
	c->aws.keys.source = -1;
	snprintf(c->aws.endpoint, sizeof c->aws.endpoint, "%s",
	    CONF_DEFAULT_R53_ENDPOINT);
	snprintf(c->aws.region, sizeof c->aws.region, "%s",
	    CONF_DEFAULT_R53_REGION);
	c->aws.request_rate = CONF_DEFAULT_R53_RATE;
	c->aws.max_changes = CONF_DEFAULT_R53_MAX_CHANGES;
	c->aws.drift_check = CONF_DEFAULT_R53_DRIFT;
	c->aws.soa_serial = 1;
}

int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	struct parser p;
	int rc;

	conf_init(c);
	memset(&p, 0, sizeof p);
	p.c = c;
	p.path = path;
	limits_default(&p.defaults);
	if (keyfile_open(&p.lx, path, err, errlen) < 0)
		return -1;
	rc = parse(&p);
	keyfile_close(&p.lx);
	if (rc == 0 && c->nlisten == 0)
		listen_default(c);
	if (rc < 0)
		conf_free(c);
	return rc;
}

void
conf_free(struct conf *c)
{
	size_t i;

	free(c->zones);
	c->zones = NULL;
	c->nzones = 0;
	for (i = 0; i < CONF_KEY_MAX; i++)
		tsig_key_wipe(&c->keys[i]);
	c->nkeys = 0;
	cred_wipe(&c->aws.keys);
	c->aws.have_keys = 0;
}
