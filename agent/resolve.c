/*
 * resolve.c — the stub resolver's sockets, retries, sharing and cache.
 *
 * A lookup (struct resolve_req, the caller's) waits on a job, one per name
 * in flight; a job has one query per type (A, AAAA), each walking the
 * servers glibc's way: try i goes to server i % n, for attempts rounds.
 * A finished job is delivered from a zero timer, so no callback ever runs
 * inside resolve_start.  What net/stub accepts is cached per name and type.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "agent/log.h"
#include "agent/loop.h"
#include "agent/resolve.h"
#include "net/err.h"
#include "net/frame.h"
#include "net/rrtype.h"
#include "net/stub.h"
#include "xfrsync_config.h"

#define CACHE_MAX 32
#define RESOLV_CONF "/etc/resolv.conf"
#define CONF_FILE_MAX 65536
#define RECV_BURST 16             /* datagrams read per wake-up */
#define SRV_TEXT_MAX 80

enum { TA = 0, TAAAA = 1, NTYPES = 2 };
static const uint16_t qtypes[NTYPES] = { DNS_T_A, DNS_T_AAAA };
static const char *const tnames[NTYPES] = { "A", "AAAA" };

enum { T_NONE = 0, T_PENDING, T_DONE };

struct server {
	union resolve_addr a;
	char text[SRV_TEXT_MAX];      /* "192.0.2.1#53" */
};

/* One type's outcome. */
struct tres {
	int state;
	int err;                      /* RESOLVE_OK (n > 0) or RESOLVE_E* */
	unsigned n;
	uint8_t addr[STUB_ADDR_MAX][16];
	uint32_t ttl;                 /* seconds left valid */
	int cached;
	uint8_t canon[DNS_NAME_MAX];
	char why[RESOLVE_WHY_MAX];
};

struct query {
	struct resolve_job *job;
	int t;                        /* TA or TAAAA */
	struct loop_io io;
	struct loop_timer timer;
	unsigned tries;               /* sends so far */
	unsigned srv;                 /* server of the current try */
	int tcp;
	int nocase;                   /* 0x20 given up for this query */
	uint16_t id;
	uint8_t qname[DNS_NAME_MAX];  /* as sent */
	uint8_t q[2 + 512];           /* TCP length prefix, then the query */
	size_t qlen, qoff;
	struct dns_frame *frame;      /* TCP only */
	const char *fail[RESOLVE_SERVER_MAX];   /* each server's last failure */
	int answered;                 /* some server answered (with an error) */
};

struct resolve_job {
	struct resolve_job *next;     /* in flight, or done and not delivered */
	uint8_t name[DNS_NAME_MAX];   /* lower case */
	char text[DNS_NAME_TEXT_MAX];
	struct resolve_req *waiters;
	struct tres res[NTYPES];
	struct query q[NTYPES];
	struct loop_timer deliver;
	int literal;                  /* a numeric address: not shared */
};

struct centry {
	int used;
	uint64_t last;
	uint8_t name[DNS_NAME_MAX];
	struct {
		int valid;
		uint64_t expires;     /* loop_now() ms */
		int err;
		unsigned n;
		uint8_t addr[STUB_ADDR_MAX][16];
		uint8_t canon[DNS_NAME_MAX];
	} t[NTYPES];
};

static struct server conf_srv[RESOLVE_SERVER_MAX], over_srv[RESOLVE_SERVER_MAX];
static unsigned n_conf, n_over;
static unsigned conf_timeout_ms = STUB_TIMEOUT_DEFAULT * 1000;
static unsigned conf_attempts = STUB_ATTEMPTS_DEFAULT;
static unsigned set_timeout_ms, set_attempts;
static int inited;

static struct resolve_job *jobs;
static struct resolve_job *delivering;
static struct centry cache[CACHE_MAX];
static struct resolve_stats stats;
static uint8_t rbuf[65536];

static void q_next(struct query *q);

/* ---- small things ----------------------------------------------------- */

const char *
resolve_strerror(int err)
{
	switch (err) {
	case RESOLVE_OK: return "success";
	case RESOLVE_ENXDOMAIN: return "no such name (NXDOMAIN)";
	case RESOLVE_ENODATA: return "no address";
	case RESOLVE_ETIMEOUT: return "no answer from the nameservers";
	case RESOLVE_ESERVFAIL: return "nameservers failed";
	case RESOLVE_ELOOP: return "CNAME loop or chain too long";
	case RESOLVE_EBADNAME: return "not a domain name";
	case RESOLVE_ENOSERVER: return "no nameserver";
	case RESOLVE_ESYS: return "socket error";
	}
	return "unknown error";
}

socklen_t
resolve_addr_len(const union resolve_addr *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof a->sin6 : sizeof a->sin;
}

size_t
resolve_addr_text(const union resolve_addr *a, char *buf, size_t cap)
{
	char t[INET6_ADDRSTRLEN + 1 + IF_NAMESIZE + 12];
	size_t n;

	if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->sin6.sin6_addr, t, INET6_ADDRSTRLEN);
		if (a->sin6.sin6_scope_id != 0)
			snprintf(t + strlen(t), sizeof t - strlen(t), "%%%u",
			    (unsigned)a->sin6.sin6_scope_id);
	} else
		inet_ntop(AF_INET, &a->sin.sin_addr, t, sizeof t);
	n = strlen(t);
	if (cap > 0)
		snprintf(buf, cap, "%s", t);
	return n;
}

static void
set_addr(union resolve_addr *a, int family, const uint8_t *p, uint16_t port)
{
	memset(a, 0, sizeof *a);
	if (family == AF_INET6) {
		a->sin6.sin6_family = AF_INET6;
		memcpy(&a->sin6.sin6_addr, p, 16);
		a->sin6.sin6_port = htons(port);
	} else {
		a->sin.sin_family = AF_INET;
		memcpy(&a->sin.sin_addr, p, 4);
		a->sin.sin_port = htons(port);
	}
}

static void
server_text(struct server *s)
{
	char t[SRV_TEXT_MAX - 8];

	resolve_addr_text(&s->a, t, sizeof t);
	snprintf(s->text, sizeof s->text, "%s#%u", t, (unsigned)ntohs(
	    s->a.sa.sa_family == AF_INET6 ? s->a.sin6.sin6_port :
	    s->a.sin.sin_port));
}

static void
name_text(const uint8_t *name, char *buf, size_t cap)
{
	size_t n = dns_name_to_text(name, buf, cap);

	if (n > 1 && n < cap && buf[n - 1] == '.')
		buf[n - 1] = '\0';
}

/* Random bytes from a pool refilled by getrandom. */
static void
rnd(void *p, size_t n)
{
	static uint8_t pool[512];
	static size_t used = sizeof pool;
	static int warned;

	if (n > sizeof pool)
		n = sizeof pool;
	if (used + n > sizeof pool) {
		size_t got = 0;

		while (got < sizeof pool) {
			ssize_t k = getrandom(pool + got, sizeof pool - got, 0);

			if (k <= 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			got += (size_t)k;
		}
		if (got < sizeof pool) {
			/* Never expected on Linux >= 3.17; weak, but loud. */
			uint64_t x = loop_now() ^ (uint64_t)getpid() << 32;
			size_t i;

			if (!warned++)
				log_warn("resolve: getrandom");
			for (i = got; i < sizeof pool; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				pool[i] ^= (uint8_t)x;
			}
		}
		used = 0;
	}
	memcpy(p, pool + used, n);
	memset(pool + used, 0, n);
	used += n;
}

/* ---- servers and options ---------------------------------------------- */

static const struct server *
servers(unsigned *n)
{
	if (n_over > 0) {
		*n = n_over;
		return over_srv;
	}
	*n = n_conf;
	return conf_srv;
}

static unsigned
timeout_ms(void)
{
	return set_timeout_ms ? set_timeout_ms : conf_timeout_ms;
}

static unsigned
attempts(void)
{
	return set_attempts ? set_attempts : conf_attempts;
}

static void
conf_default(void)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 };

	set_addr(&conf_srv[0].a, AF_INET, lo, 53);
	server_text(&conf_srv[0]);
	n_conf = 1;
}

int
resolve_init(const char *path)
{
	struct stub_conf c;
	char *buf;
	ssize_t k;
	size_t len = 0;
	unsigned i;
	int fd, rc = 0;

	inited = 1;
	if (path == NULL)
		path = RESOLV_CONF;
	if ((buf = malloc(CONF_FILE_MAX)) == NULL)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno != ENOENT) {
			log_warn("resolve: %s", path);
			rc = -1;
		}
	} else {
		while (len < CONF_FILE_MAX &&
		    (k = read(fd, buf + len, CONF_FILE_MAX - len)) != 0) {
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				log_warn("resolve: %s", path);
				rc = -1;
				break;
			}
			len += (size_t)k;
		}
		close(fd);
	}
	stub_conf_parse(&c, buf, len);
	free(buf);
	n_conf = 0;
	for (i = 0; i < c.n; i++) {
		struct server *s = &conf_srv[n_conf];

		if (c.ns[i].family == 4)
			set_addr(&s->a, AF_INET, c.ns[i].addr, 53);
		else {
			if (!CFG_IPV6)
				continue;
			set_addr(&s->a, AF_INET6, c.ns[i].addr, 53);
			if (c.ns[i].scope[0] != '\0') {
				char *end;
				const char *z = c.ns[i].scope;
				unsigned long v = strtoul(z, &end, 10);

				if (*end != '\0')
					v = if_nametoindex(z);
				if (v == 0 || v > 0xffffffffu) {
					log_warnx("resolve: %s: nameserver "
					    "on unknown interface %%%s ignored",
					    path, z);
					continue;
				}
				s->a.sin6.sin6_scope_id = (uint32_t)v;
			}
		}
		server_text(s);
		n_conf++;
	}
	if (c.skipped)
		log_debug("resolve: %s: %u nameserver line%s ignored", path,
		    c.skipped, c.skipped == 1 ? "" : "s");
	if (n_conf == 0)
		conf_default();
	conf_timeout_ms = c.timeout * 1000;
	conf_attempts = c.attempts;
	return rc;
}

int
resolve_server_add(const struct sockaddr *sa, socklen_t len)
{
	struct server *s;

	if (n_over == RESOLVE_SERVER_MAX)
		return -1;
	s = &over_srv[n_over];
	memset(s, 0, sizeof *s);
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof s->a.sin)
		memcpy(&s->a.sin, sa, sizeof s->a.sin);
	else if (CFG_IPV6 && sa->sa_family == AF_INET6 &&
	    len >= (socklen_t)sizeof s->a.sin6)
		memcpy(&s->a.sin6, sa, sizeof s->a.sin6);
	else
		return -1;
	server_text(s);
	n_over++;
	return 0;
}

int
resolve_server_add_text(const char *s)
{
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	const char *port = NULL, *p;
	union resolve_addr a;
	unsigned long v = 53;
	char *end, *pct;
	size_t n;

	if (s[0] == '[') {             /* [V6]:PORT */
		if ((p = strchr(s, ']')) == NULL ||
		    (p[1] != '\0' && p[1] != ':'))
			return -1;
		n = (size_t)(p - s - 1);
		if (p[1] == ':')
			port = p + 2;
		s++;
	} else if ((p = strchr(s, ':')) != NULL && strchr(p + 1, ':') == NULL) {
		n = (size_t)(p - s);       /* V4:PORT */
		port = p + 1;
	} else
		n = strlen(s);             /* V4, V6, V6%ZONE */
	if (n == 0 || n >= sizeof host)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (port != NULL) {
		errno = 0;
		v = strtoul(port, &end, 10);
		if (*port == '\0' || *end != '\0' || v == 0 || v > 65535)
			return -1;
	}
	memset(&a, 0, sizeof a);
	if (inet_pton(AF_INET, host, &a.sin.sin_addr) == 1) {
		a.sin.sin_family = AF_INET;
		a.sin.sin_port = htons((uint16_t)v);
		return resolve_server_add(&a.sa, sizeof a.sin);
	}
	if ((pct = strchr(host, '%')) != NULL)
		*pct++ = '\0';
	if (inet_pton(AF_INET6, host, &a.sin6.sin6_addr) != 1)
		return -1;
	a.sin6.sin6_family = AF_INET6;
	a.sin6.sin6_port = htons((uint16_t)v);
	if (pct != NULL) {
		unsigned long z = strtoul(pct, &end, 10);

		if (*pct == '\0' || *end != '\0')
			z = if_nametoindex(pct);
		if (z == 0 || z > 0xffffffffu)
			return -1;
		a.sin6.sin6_scope_id = (uint32_t)z;
	}
	return resolve_server_add(&a.sa, sizeof a.sin6);
}

void
resolve_server_reset(void)
{
	n_over = 0;
}

void
resolve_set_timing(unsigned ms, unsigned n)
{
	set_timeout_ms = ms;
	set_attempts = n;
}

void
resolve_stats(struct resolve_stats *s)
{
	*s = stats;
}

/* ---- cache ------------------------------------------------------------ */

static uint32_t
clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static struct centry *
cache_find(const uint8_t *name)
{
	unsigned i;

	for (i = 0; i < CACHE_MAX; i++)
		if (cache[i].used && dns_name_eq(cache[i].name, name))
			return &cache[i];
	return NULL;
}

/* Copy a live cache entry of type t into r; 1 if there was one. */
static int
cache_get(const uint8_t *name, int t, struct tres *r)
{
	struct centry *e = cache_find(name);
	uint64_t now = loop_now();

	if (e == NULL || !e->t[t].valid || e->t[t].expires <= now)
		return 0;
	e->last = now;
	r->state = T_DONE;
	r->err = e->t[t].err;
	r->n = e->t[t].n;
	memcpy(r->addr, e->t[t].addr, sizeof r->addr);
	memcpy(r->canon, e->t[t].canon, sizeof r->canon);
	r->ttl = (uint32_t)((e->t[t].expires - now + 999) / 1000);
	r->cached = 1;
	r->why[0] = '\0';
	if (r->err == RESOLVE_ENXDOMAIN)
		snprintf(r->why, sizeof r->why, "NXDOMAIN (cached)");
	else if (r->err == RESOLVE_ENODATA)
		snprintf(r->why, sizeof r->why, "no %s record (cached)",
		    tnames[t]);
	return 1;
}

static void
cache_put(const uint8_t *name, int t, const struct tres *r)
{
	struct centry *e = cache_find(name);
	uint64_t now = loop_now();
	unsigned i;

	if (e == NULL) {
		/* A free slot, else an expired one, else the least used. */
		struct centry *lru = &cache[0];

		for (i = 0; i < CACHE_MAX && e == NULL; i++)
			if (!cache[i].used)
				e = &cache[i];
		for (i = 0; i < CACHE_MAX && e == NULL; i++)
			if ((!cache[i].t[TA].valid ||
			    cache[i].t[TA].expires <= now) &&
			    (!cache[i].t[TAAAA].valid ||
			    cache[i].t[TAAAA].expires <= now))
				e = &cache[i];
			else if (cache[i].last < lru->last)
				lru = &cache[i];
		if (e == NULL)
			e = lru;
		memset(e, 0, sizeof *e);
		e->used = 1;
		memcpy(e->name, name, dns_name_len(name));
	}
	e->last = now;
	e->t[t].valid = 1;
	e->t[t].expires = now + (uint64_t)r->ttl * 1000;
	e->t[t].err = r->err;
	e->t[t].n = r->n;
	memcpy(e->t[t].addr, r->addr, sizeof r->addr);
	memcpy(e->t[t].canon, r->canon, sizeof r->canon);
}

void
resolve_flush(void)
{
	memset(cache, 0, sizeof cache);
}

/* ---- queries ---------------------------------------------------------- */

static void on_udp(struct loop_io *io, short re);
static void on_tcp(struct loop_io *io, short re);
static void job_check(struct resolve_job *j);

static void
q_close(struct query *q)
{
	if (q->io.fd >= 0) {
		loop_del(&q->io);
		close(q->io.fd);
		q->io.fd = -1;
	}
	timer_disarm(&q->timer);
	free(q->frame);
	q->frame = NULL;
}

/* The query is over: record its outcome for the job. */
static void
q_finish(struct query *q, int err, const struct stub_answer *a,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
q_finish(struct query *q, int err, const struct stub_answer *a,
    const char *fmt, ...)
{
	struct resolve_job *j = q->job;
	struct tres *r = &j->res[q->t];
	size_t alen = q->t == TA ? 4 : 16;
	va_list ap;

	q_close(q);
	memset(r, 0, sizeof *r);
	r->state = T_DONE;
	r->err = err;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof r->why, fmt, ap);
	va_end(ap);
	memcpy(r->canon, j->name, dns_name_len(j->name));
	if (a != NULL) {
		unsigned i;

		for (i = 0; i < a->n; i++)
			memcpy(r->addr[i], a->addr[i], alen);
		r->n = a->n;
		memcpy(r->canon, a->target, dns_name_len(a->target));
		dns_name_lower(r->canon);
		r->ttl = err == RESOLVE_OK ?
		    clamp(a->ttl, RESOLVE_TTL_MIN, RESOLVE_TTL_MAX) :
		    clamp(a->ttl, RESOLVE_NEG_MIN, RESOLVE_NEG_MAX);
		cache_put(j->name, q->t, r);
	}
	log_debug("resolve: %s %s: %s%s%s", j->text, tnames[q->t],
	    err == 0 ? "answer" : resolve_strerror(err), r->why[0] ? ": " : "",
	    r->why);
	if (err == RESOLVE_ENXDOMAIN) {
		/* The name does not exist, whatever the type. */
		int o = !q->t;

		if (j->res[o].state == T_PENDING) {
			q_close(&j->q[o]);
			j->res[o] = *r;
			j->res[o].n = 0;
			cache_put(j->name, o, r);
		} else if (j->res[o].state == T_NONE && a != NULL)
			cache_put(j->name, o, r);
	}
	job_check(j);
}

/* All tries used: fail with what each server did. */
static void
q_exhausted(struct query *q)
{
	char list[RESOLVE_WHY_MAX];
	const struct server *sv;
	unsigned n, i, all_timeout = 1;
	size_t o = 0;

	sv = servers(&n);
	if (n > RESOLVE_SERVER_MAX)
		n = RESOLVE_SERVER_MAX;
	for (i = 0; i < n; i++)
		if (q->fail[i] == NULL || strcmp(q->fail[i], "no answer") != 0)
			all_timeout = 0;
	/* "A, B" when all timed out, else "A cause, B cause". */
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		o += (size_t)snprintf(list + o, o < sizeof list ?
		    sizeof list - o : 0, "%s%s%s%s", i ? ", " : "", sv[i].text,
		    all_timeout ? "" : " ", all_timeout ? "" :
		    q->fail[i] ? q->fail[i] : "not asked");
		if (o >= sizeof list)
			o = sizeof list;
	}
	if (all_timeout)
		q_finish(q, RESOLVE_ETIMEOUT, NULL, "timeout: no answer from "
		    "%s (%u tr%s, %u ms each)", list, q->tries, q->tries == 1 ?
		    "y" : "ies", timeout_ms());
	else
		q_finish(q, q->answered ? RESOLVE_ESERVFAIL : RESOLVE_ETIMEOUT,
		    NULL, "%s: %s (%u tr%s)", q->answered ? "server failure" :
		    "no answer", list, q->tries, q->tries == 1 ? "y" : "ies");
}

/* This server failed this try: note why and go on. */
static void
q_failed(struct query *q, const char *why)
{
	if (q->srv < RESOLVE_SERVER_MAX)
		q->fail[q->srv] = why;
	q_close(q);
	q->tcp = 0;
	q_next(q);
}

static int
q_socket(struct query *q, const struct server *s, int type)
{
	int fd = socket(s->a.sa.sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);

	if (fd < 0)
		return -1;
	if (connect(fd, &s->a.sa, resolve_addr_len(&s->a)) != 0 &&
	    errno != EINPROGRESS) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	q->io.fd = fd;
	q->io.ctx = q;
	q->io.cb = type == SOCK_STREAM ? on_tcp : on_udp;
	q->io.events = type == SOCK_STREAM ? POLLOUT : POLLIN;
	if (loop_add(&q->io) != 0) {
		close(fd);
		q->io.fd = -1;
		errno = EMFILE;
		return -1;
	}
	timer_arm(&q->timer, timeout_ms());
	return 0;
}

/* A new ID (and case) for the current server's name and type. */
static int
q_build(struct query *q)
{
	uint8_t bits[(DNS_NAME_MAX + 7) / 8];
	int n;

	rnd(&q->id, sizeof q->id);
	memcpy(q->qname, q->job->name, dns_name_len(q->job->name));
	if (!q->nocase) {
		rnd(bits, sizeof bits);
		stub_mix_case(q->qname, bits);
	}
	n = stub_query(q->q + 2, sizeof q->q - 2, q->id, q->qname,
	    qtypes[q->t]);
	if (n < 0)
		return -1;
	q->q[0] = (uint8_t)(n >> 8);
	q->q[1] = (uint8_t)n;
	q->qlen = (size_t)n;
	q->qoff = 0;
	return 0;
}

/* Send over UDP to server q->srv; -1 with errno on a local failure. */
static int
q_send_udp(struct query *q)
{
	const struct server *sv;
	unsigned n;
	char t[DNS_NAME_TEXT_MAX];

	sv = servers(&n);
	if (q_build(q) != 0) {
		errno = EINVAL;
		return -1;
	}
	if (q_socket(q, &sv[q->srv], SOCK_DGRAM) != 0)
		return -1;
	stats.udp++;
	if (log_get_level() >= LOG_LVL_DEBUG) {
		dns_name_to_text(q->qname, t, sizeof t);
		log_debug("resolve: %s %s? to %s over UDP, id %u", t,
		    tnames[q->t], sv[q->srv].text, (unsigned)q->id);
	}
	if (send(q->io.fd, q->q + 2, q->qlen, 0) < 0) {
		if (errno == EAGAIN || errno == ENOBUFS)
			loop_set_events(&q->io, POLLOUT);
		else {
			int e = errno;

			q_close(q);
			errno = e;
			return -1;
		}
	}
	return 0;
}

/* The next try: the next server, or the next round, or give up. */
static void
q_next(struct query *q)
{
	unsigned n;

	servers(&n);
	while (q->tries < attempts() * n) {
		q->srv = q->tries++ % n;
		if (q_send_udp(q) == 0)
			return;
		q->fail[q->srv] = strerror(errno);
	}
	q_exhausted(q);
}

static void
q_start(struct query *q)
{
	q->tries = 0;
	q->tcp = 0;
	q->nocase = 0;
	q->answered = 0;
	memset(q->fail, 0, sizeof q->fail);
	q_next(q);
}

/* Act on the verdict of an answer; 1 if the query moved on. */
static int
q_answer(struct query *q, const uint8_t *msg, size_t len)
{
	const struct server *sv;
	struct stub_answer a;
	struct stub_q sq;
	enum stub_verdict v;
	unsigned n;
	char t[DNS_NAME_TEXT_MAX];

	sv = servers(&n);
	sq.id = q->id;
	sq.qtype = qtypes[q->t];
	sq.qname = q->qname;
	sq.exact_case = !q->nocase;
	v = stub_check(msg, len, &sq, &a);
	log_debug("resolve: %s %s from %s over %s: %s%s%s", q->job->text,
	    tnames[q->t], sv[q->srv].text, q->tcp ? "TCP" : "UDP",
	    stub_verdict_name(v), a.why ? ": " : "", a.why ? a.why : "");
	switch (v) {
	case STUB_IGNORE:
		return 0;
	case STUB_CASE:
		/* The server does not keep the case: once more without it. */
		stats.case_retries++;
		q->nocase = 1;
		q_close(q);
		q->tcp = 0;
		if (q_send_udp(q) != 0)
			q_failed(q, strerror(errno));
		return 1;
	case STUB_TRUNCATED:
		if (q->tcp) {
			q->answered = 1;
			q_failed(q, "truncated over TCP");
			return 1;
		}
		q_close(q);
		q->tcp = 1;
		if (q_build(q) != 0 || (q->frame = malloc(sizeof *q->frame)) ==
		    NULL || q_socket(q, &sv[q->srv], SOCK_STREAM) != 0) {
			q_failed(q, "TCP failed");
			return 1;
		}
		dns_frame_init(q->frame);
		stats.tcp++;
		if (log_get_level() >= LOG_LVL_DEBUG) {
			dns_name_to_text(q->qname, t, sizeof t);
			log_debug("resolve: %s %s? to %s over TCP, id %u", t,
			    tnames[q->t], sv[q->srv].text, (unsigned)q->id);
		}
		return 1;
	case STUB_FAIL:
		q->answered = 1;
		q_failed(q, a.why);
		return 1;
	case STUB_LOOP:
		q_finish(q, RESOLVE_ELOOP, NULL, "%s (from %s)", a.why,
		    sv[q->srv].text);
		return 1;
	case STUB_NXDOMAIN:
		q_finish(q, RESOLVE_ENXDOMAIN, &a, "NXDOMAIN from %s",
		    sv[q->srv].text);
		return 1;
	case STUB_NODATA:
		q_finish(q, RESOLVE_ENODATA, &a, "no %s record (from %s)",
		    tnames[q->t], sv[q->srv].text);
		return 1;
	case STUB_ANSWER:
		q_finish(q, RESOLVE_OK, &a, "%s", "");
		return 1;
	}
	return 1;
}

static void
on_udp(struct loop_io *io, short re)
{
	struct query *q = io->ctx;
	int i;

	if (re & POLLOUT) {
		if (send(io->fd, q->q + 2, q->qlen, 0) < 0) {
			if (errno != EAGAIN && errno != ENOBUFS)
				q_failed(q, strerror(errno));
			return;
		}
		loop_set_events(io, POLLIN);
		return;
	}
	for (i = 0; i < RECV_BURST; i++) {
		ssize_t k = recv(io->fd, rbuf, sizeof rbuf, 0);

		if (k < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (k < 0) {   /* ICMP unreachable: ECONNREFUSED */
			q_failed(q, strerror(errno));
			return;
		}
		if (q_answer(q, rbuf, (size_t)k))
			return;
	}
}

static void
on_tcp(struct loop_io *io, short re)
{
	struct query *q = io->ctx;
	ssize_t k;

	if (q->qoff < q->qlen + 2) {
		if (!(re & (POLLOUT | POLLERR | POLLHUP)))
			return;
		k = send(io->fd, q->q + q->qoff, q->qlen + 2 - q->qoff,
		    MSG_NOSIGNAL);
		if (k < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (k < 0) {
			q_failed(q, strerror(errno));
			return;
		}
		if ((q->qoff += (size_t)k) == q->qlen + 2)
			loop_set_events(io, POLLIN);
		return;
	}
	k = recv(io->fd, rbuf, sizeof rbuf, 0);
	if (k < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (k <= 0) {
		q_failed(q, k == 0 ? "TCP connection closed" : strerror(errno));
		return;
	}
	{
		size_t off = 0;

		while (off < (size_t)k) {
			const uint8_t *msg;
			size_t len;

			off += dns_frame_feed(q->frame, rbuf + off,
			    (size_t)k - off);
			if (dns_frame_take(q->frame, &msg, &len) &&
			    q_answer(q, msg, len))
				return;
		}
	}
}

static void
on_qtimer(struct loop_timer *t)
{
	struct query *q = t->ctx;

	q_failed(q, q->tcp ? "no answer over TCP" : "no answer");
}

/* ---- jobs and delivery ------------------------------------------------ */

static unsigned
need_mask(enum resolve_family fam)
{
	unsigned m = fam == RESOLVE_INET ? 1u : fam == RESOLVE_INET6 ? 2u : 3u;

	return CFG_IPV6 ? m : (m & 1u);
}

/* 1 if every waiter has an address of a family it asked for. */
static int
all_served(const struct resolve_job *j)
{
	const struct resolve_req *r;
	unsigned ok = 0;
	int t;

	for (t = 0; t < NTYPES; t++)
		if (j->res[t].state == T_DONE && j->res[t].err == RESOLVE_OK)
			ok |= 1u << t;
	if (ok == 0)
		return 0;
	for (r = j->waiters; r != NULL; r = r->next)
		if (!(need_mask(r->fam) & ok))
			return 0;
	return 1;
}

/*
 * Deliver once no query is pending; or, when every waiter already has
 * addresses, RESOLVE_GRACE_MS after that at the latest, so a server that
 * drops AAAA queries (or A) costs a second, not every timeout.
 */
static void
job_check(struct resolve_job *j)
{
	int t, pending = 0;

	for (t = 0; t < NTYPES; t++)
		pending |= j->res[t].state == T_PENDING;
	if (!pending)
		timer_arm(&j->deliver, 0);
	else if (!j->deliver.armed && all_served(j))
		timer_arm(&j->deliver, RESOLVE_GRACE_MS);
}

static void
job_free(struct resolve_job *j)
{
	struct resolve_job **p;
	int t;

	for (p = &jobs; *p != NULL; p = &(*p)->next)
		if (*p == j) {
			*p = j->next;
			break;
		}
	for (t = 0; t < NTYPES; t++)
		q_close(&j->q[t]);
	timer_disarm(&j->deliver);
	free(j);
}

/* Is there a route to this IPv6 address (RFC 6724's "usable source")? */
static int
v6_routable(const uint8_t *a)
{
	union resolve_addr sa;
	int fd, ok;

	set_addr(&sa, AF_INET6, a, 53);
	if ((fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	ok = connect(fd, &sa.sa, sizeof sa.sin6) == 0;
	close(fd);
	return ok;
}

/* The error a family-set reports when it has no address. */
static int
pick_err(const struct resolve_job *j, unsigned need, const struct tres **r)
{
	static const int order[] = { RESOLVE_ENXDOMAIN, RESOLVE_ELOOP,
	    RESOLVE_ESERVFAIL, RESOLVE_ETIMEOUT, RESOLVE_ESYS,
	    RESOLVE_ENODATA };
	unsigned i;
	int t;

	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		for (t = 0; t < NTYPES; t++)
			if ((need >> t & 1) && j->res[t].state == T_DONE &&
			    j->res[t].err == order[i]) {
				*r = &j->res[t];
				return order[i];
			}
	*r = NULL;
	return RESOLVE_ENODATA;
}

static void
build(const struct resolve_job *j, enum resolve_family fam,
    struct resolve_result *res, char *why, size_t whycap, char *canon,
    size_t canoncap)
{
	unsigned need = need_mask(fam), i4 = 0, i6 = 0, n4 = 0, n6 = 0;
	const struct tres *a4 = &j->res[TA], *a6 = &j->res[TAAAA], *e;
	int six_first, t, cached = 1;
	uint32_t ttl = UINT32_MAX;

	memset(res, 0, sizeof *res);
	why[0] = '\0';
	res->why = why;
	if ((need & 1) && a4->state == T_DONE && a4->err == RESOLVE_OK)
		n4 = a4->n;
	if ((need & 2) && a6->state == T_DONE && a6->err == RESOLVE_OK)
		n6 = a6->n;
	for (t = 0; t < NTYPES; t++)
		if (need >> t & 1) {
			if (j->res[t].state == T_DONE && j->res[t].ttl < ttl)
				ttl = j->res[t].ttl;
			cached &= j->res[t].cached;
		}
	res->ttl = ttl == UINT32_MAX ? 0 : ttl;
	res->cached = cached;
	if (j->literal)
		snprintf(canon, canoncap, "%s", j->text);
	else
		name_text(n4 ? a4->canon : n6 ? a6->canon : j->name, canon,
		    canoncap);
	res->canon = canon;
	if (n4 + n6 == 0) {
		res->err = pick_err(j, need, &e);
		snprintf(why, whycap, "%s: %s", j->text,
		    e != NULL && e->why[0] ? e->why :
		    resolve_strerror(res->err));
		if (res->err == RESOLVE_ENODATA && need == 3)
			snprintf(why, whycap, "%s: no address (no A or AAAA "
			    "record)", j->text);
		return;
	}
	if (fam == RESOLVE_PREFER_INET6)
		six_first = 1;
	else if (fam == RESOLVE_PREFER_INET)
		six_first = 0;
	else
		six_first = n6 > 0 && (n4 == 0 || v6_routable(a6->addr[0]));
	/* Interleave, the preferred family first (RFC 8305 §4). */
	while (res->n < RESOLVE_ADDR_MAX && (i4 < n4 || i6 < n6)) {
		int six = six_first ? (i6 < n6 && (i6 <= i4 || i4 >= n4)) :
		    !(i4 < n4 && (i4 <= i6 || i6 >= n6));

		if (six)
			set_addr(&res->addr[res->n++], AF_INET6,
			    a6->addr[i6++], 0);
		else
			set_addr(&res->addr[res->n++], AF_INET,
			    a4->addr[i4++], 0);
	}
}

static void
on_deliver(struct loop_timer *tm)
{
	struct resolve_job *j = tm->ctx, **p;
	struct resolve_req *r;
	struct resolve_result res;
	static char why[RESOLVE_WHY_MAX + DNS_NAME_TEXT_MAX + 8];
	static char canon[DNS_NAME_TEXT_MAX];
	int t;

	for (t = 0; t < NTYPES; t++)
		if (j->res[t].state == T_PENDING && !all_served(j))
			return;   /* its answer will arm the timer again */
	for (t = 0; t < NTYPES; t++)
		if (j->res[t].state == T_PENDING) {
			q_close(&j->q[t]);
			j->res[t].state = T_DONE;
			j->res[t].err = RESOLVE_ETIMEOUT;
			snprintf(j->res[t].why, sizeof j->res[t].why, "no %s "
			    "answer %u ms after the %s one", tnames[t],
			    RESOLVE_GRACE_MS, tnames[!t]);
			log_debug("resolve: %s: %s", j->text, j->res[t].why);
		}
	for (p = &jobs; *p != NULL; p = &(*p)->next)
		if (*p == j) {
			*p = j->next;
			break;
		}
	delivering = j;
	while ((r = j->waiters) != NULL) {
		j->waiters = r->next;
		if (r->next != NULL)
			r->next->pprev = &j->waiters;
		r->job = NULL;
		r->next = NULL;
		r->pprev = NULL;
		build(j, r->fam, &res, why, sizeof why, canon, sizeof canon);
		r->done(r, &res);
	}
	delivering = NULL;
	job_free(j);
}

static struct resolve_job *
job_new(void)
{
	struct resolve_job *j = calloc(1, sizeof *j);
	int t;

	if (j == NULL)
		return NULL;
	for (t = 0; t < NTYPES; t++) {
		j->q[t].job = j;
		j->q[t].t = t;
		j->q[t].io.fd = -1;
		j->q[t].io.slot = -1;
		j->q[t].timer.cb = on_qtimer;
		j->q[t].timer.ctx = &j->q[t];
	}
	j->deliver.cb = on_deliver;
	j->deliver.ctx = j;
	return j;
}

static void
attach(struct resolve_job *j, struct resolve_req *r)
{
	r->job = j;
	r->next = j->waiters;
	if (r->next != NULL)
		r->next->pprev = &r->next;
	r->pprev = &j->waiters;
	j->waiters = r;
}

/* A numeric address as its own answer. */
static int
literal(const char *name, struct resolve_job *j)
{
	uint8_t a[16];
	int t;

	if (inet_pton(AF_INET, name, a) == 1)
		t = TA;
	else if (CFG_IPV6 && inet_pton(AF_INET6, name, a) == 1)
		t = TAAAA;
	else
		return 0;
	j->literal = 1;
	snprintf(j->text, sizeof j->text, "%s", name);
	j->res[t].state = T_DONE;
	j->res[t].n = 1;
	j->res[t].cached = 1;
	j->res[t].ttl = RESOLVE_TTL_MAX;
	memcpy(j->res[t].addr[0], a, t == TA ? 4 : 16);
	j->res[!t].state = T_DONE;
	j->res[!t].err = RESOLVE_ENODATA;
	j->res[!t].cached = 1;
	j->res[!t].ttl = RESOLVE_TTL_MAX;
	snprintf(j->res[!t].why, sizeof j->res[!t].why, "is an IPv%c address",
	    t == TA ? '4' : '6');
	return 1;
}

int
resolve_start(struct resolve_req *r, const char *name,
    enum resolve_family fam, resolve_done_fn *done, void *ctx)
{
	static const uint8_t root[1] = { 0 };
	uint8_t wire[DNS_NAME_MAX];
	struct resolve_job *j;
	unsigned need = need_mask(fam), n;
	int t, rc, joined = 0;

	r->done = done;
	r->ctx = ctx;
	r->fam = fam;
	r->job = NULL;
	r->next = NULL;
	r->pprev = NULL;
	if (need == 0)
		return RESOLVE_ENODATA;
	if (!inited)
		resolve_init(NULL);
	servers(&n);
	if ((j = job_new()) == NULL)
		return RESOLVE_ESYS;
	if (literal(name, j)) {
		j->next = jobs;
		jobs = j;
		attach(j, r);
		timer_arm(&j->deliver, 0);
		return 0;
	}
	rc = dns_name_from_text(name, strlen(name), root, wire);
	if (rc <= 0 || strlen(name) == 0) {
		free(j);
		return RESOLVE_EBADNAME;
	}
	dns_name_lower(wire);
	if (n == 0) {
		free(j);
		return RESOLVE_ENOSERVER;
	}
	/* Share a job for the same name. */
	{
		struct resolve_job *o;

		for (o = jobs; o != NULL; o = o->next)
			if (!o->literal && dns_name_eq(o->name, wire))
				break;
		if (o != NULL) {
			free(j);
			j = o;
			joined = 1;
		} else {
			memcpy(j->name, wire, (size_t)rc);
			name_text(wire, j->text, sizeof j->text);
			j->next = jobs;
			jobs = j;
		}
	}
	attach(j, r);
	for (t = 0; t < NTYPES; t++) {
		if (!(need >> t & 1) || j->res[t].state != T_NONE)
			continue;
		if (cache_get(j->name, t, &j->res[t])) {
			stats.cache_hits++;
			continue;
		}
		j->res[t].state = T_PENDING;
		q_start(&j->q[t]);
	}
	if (joined)
		stats.joined++;
	job_check(j);
	return 0;
}

void
resolve_cancel(struct resolve_req *r)
{
	struct resolve_job *j = r->job;

	if (j == NULL)
		return;
	*r->pprev = r->next;
	if (r->next != NULL)
		r->next->pprev = r->pprev;
	r->job = NULL;
	r->next = NULL;
	r->pprev = NULL;
	if (j->waiters == NULL && j != delivering)
		job_free(j);
}

void
resolve_shutdown(void)
{
	struct resolve_req *r;

	while (jobs != NULL) {
		if ((r = jobs->waiters) != NULL)
			resolve_cancel(r);  /* the last one frees the job */
		else
			job_free(jobs);
	}
	if (delivering != NULL)
		while ((r = delivering->waiters) != NULL)
			resolve_cancel(r);
	resolve_flush();
}
