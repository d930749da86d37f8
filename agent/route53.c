/*
 * route53.c — the Route53 client on the loop (route53.h).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "agent/conf.h"
#include "agent/cred.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/route53.h"
#include "sigv4/sigv4.h"
#include "xfrsync_config.h"
#if CFG_TLS
#include "tls/tls.h"
#endif

#define API "/2013-04-01"
#define BACKOFF_FIRST_MS 200
#define BACKOFF_MAX_MS 20000
#define CRED_WAIT_MS 500
#define CRED_WAITS 60           /* 30 s for refreshed credentials */

static struct {
	struct cred_url url;
	struct httpjob_endpoint ep;
	int have_addr, fixed_addr;      /* fixed: numeric or aws address */
	char region[64];
	double rate, tokens;
	uint64_t last_ms;
	struct sv4_key_cache keys;
	struct r53_counters cnt;
} C;

#if CFG_TLS
static struct tls_anchors anchors;
static struct tls_ca ca;
static struct tls_sessions sessions;
#endif

static void attempt(struct r53_req *r);

int
r53_init(const struct conf_aws *aws, char *err, size_t errlen)
{
	const char *ep = aws ? aws->endpoint : CONF_DEFAULT_R53_ENDPOINT;
	char e[128];

	memset(&C, 0, sizeof C);
	if (cred_url_parse(ep, &C.url, e, sizeof e) < 0) {
		snprintf(err, errlen, "endpoint %s: %s", ep, e);
		return -1;
	}
	snprintf(C.region, sizeof C.region, "%s", aws && aws->region[0] ?
	    aws->region : CONF_DEFAULT_R53_REGION);
	C.rate = aws && aws->request_rate ? aws->request_rate :
	    CONF_DEFAULT_R53_RATE;
	C.tokens = C.rate;
	C.last_ms = loop_now();
	sv4_key_cache_init(&C.keys);
	if (C.url.tls && !CFG_TLS) {
		snprintf(err, errlen, "endpoint %s: https needs a build with "
		    "CONFIG_TLS", ep);
		return -1;
	}
#if CFG_TLS
	tls_sessions_init(&sessions);
	if (aws != NULL && aws->ca_file[0] != '\0') {
		if (tls_ca_file_load(aws->ca_file, &ca, err, errlen) != 0)
			return -1;
		tls_ca_anchors(&ca, &anchors);
	} else {
		tls_anchors_builtin(&anchors);
	}
	C.ep.anchors = &anchors;
	C.ep.sessions = &sessions;
#endif
	snprintf(C.ep.host, sizeof C.ep.host, "%s", C.url.host);
	C.ep.tls = C.url.tls;
	if (aws != NULL && aws->endpoint_addr[0] != '\0') {
		if (httpjob_endpoint_set(&C.ep, aws->endpoint_addr, C.url.port,
		    C.url.host, C.url.tls) != 0) {
			snprintf(err, errlen, "endpoint %s: bad address %s", ep,
			    aws->endpoint_addr);
			return -1;
		}
#if CFG_TLS
		C.ep.anchors = &anchors;
		C.ep.sessions = &sessions;
#endif
		C.have_addr = C.fixed_addr = 1;
	} else if (C.url.numeric) {
		C.ep.addr = C.url.addr;
		C.ep.addrlen = C.url.addrlen;
		C.have_addr = C.fixed_addr = 1;
	}
	return 0;
}

void
r53_shutdown(void)
{
	sv4_key_cache_wipe(&C.keys);
#if CFG_TLS
	tls_sessions_wipe(&sessions);
	tls_ca_free(&ca);
#endif
}

const struct r53_counters *
r53_counters(void)
{
	return &C.cnt;
}

const char *
r53_call_name(enum r53_call c)
{
	static const char *const n[R53_NCALLS] = { "ListResourceRecordSets",
		"ChangeResourceRecordSets", "GetChange" };

	return (unsigned)c < R53_NCALLS ? n[c] : "?";
}

size_t
r53_uri_escape(char *out, size_t cap, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		    c == '~';

		if (keep) {
			if (n + 1 < cap)
				out[n] = (char)c;
			n++;
		} else {
			if (n + 3 < cap) {
				out[n] = '%';
				out[n + 1] = hex[c >> 4];
				out[n + 2] = hex[c & 15];
			}
			n += 3;
		}
	}
	if (cap > 0)
		out[n < cap ? n : cap - 1] = '\0';
	return n;
}

/* Count into the process's counters and the request's own (if any). */
static void
count_retry(struct r53_req *r)
{
	C.cnt.retries++;
	if (r->zc != NULL)
		r->zc->retries++;
}

/* ---- the request budget and the back-off -------------------------------- */

/* 0 when a token was taken, else the milliseconds until there is one. */
static uint64_t
take_token(void)
{
	uint64_t now = loop_now();

	C.tokens += (double)(now - C.last_ms) * C.rate / 1000.0;
	if (C.tokens > C.rate)
		C.tokens = C.rate;
	C.last_ms = now;
	if (C.tokens >= 1.0) {
		C.tokens -= 1.0;
		return 0;
	}
	return (uint64_t)((1.0 - C.tokens) * 1000.0 / C.rate) + 1;
}

/* Full jitter: uniform in [0, min(max, first * 2^n)]. */
static uint64_t
backoff_ms(unsigned n)
{
	uint64_t cap = BACKOFF_FIRST_MS, rnd = 0;

	while (n-- > 0 && cap < BACKOFF_MAX_MS)
		cap *= 2;
	if (cap > BACKOFF_MAX_MS)
		cap = BACKOFF_MAX_MS;
	if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		rnd = loop_now() * 2654435761u;
	return rnd % (cap + 1);
}

/* ---- ending ------------------------------------------------------------- */

static void
finish(struct r53_req *r, enum r53_class cls)
{
	timer_disarm(&r->timer);
	if (r->rbuf != NULL) {
		free(r->rbuf);
		r->rbuf = NULL;
	}
	free(r->rec);
	r->rec = NULL;
	free(r->starts);
	r->starts = NULL;
	r->nstarts = r->capstarts = 0;
	if (cls != R53_C_OK) {
		C.cnt.failures++;
		if (r->zc != NULL)
			r->zc->failures++;
	}
	r->done(r, cls);
}

static void fail(struct r53_req *r, enum r53_class cls, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static void
fail(struct r53_req *r, enum r53_class cls, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(r->why, sizeof r->why, "%s: ", r53_call_name(r->call));
	va_start(ap, fmt);
	vsnprintf(r->why + n, sizeof r->why - (size_t)n, fmt, ap);
	va_end(ap);
	finish(r, cls);
}

static void
on_timer(struct loop_timer *t)
{
	attempt(t->ctx);
}

static void
later(struct r53_req *r, uint64_t ms)
{
	r->timer.cb = on_timer;
	r->timer.ctx = r;
	timer_arm(&r->timer, ms);
}

/* Try again after a back-off, or give up. */
static void
retry(struct r53_req *r, const char *why)
{
	char n[16];

	if (r->tries >= R53_TRIES) {
		snprintf(n, sizeof n, "%u", r->tries);
		fail(r, R53_C_RETRY, "%s (gave up after %s attempts)", why, n);
		return;
	}
	count_retry(r);
	log_info("route53: %s: %s; retrying", r53_call_name(r->call), why);
	later(r, backoff_ms(r->tries));
}

static int
is_throttle(int status, const char *code)
{
	return status == 429 || strstr(code, "Throttl") != NULL ||
	    strcmp(code, "PriorRequestNotComplete") == 0 ||
	    strcmp(code, "RequestLimitExceeded") == 0 ||
	    strcmp(code, "TooManyRequestsException") == 0 ||
	    strcmp(code, "SlowDown") == 0;
}

/* ---- answers ------------------------------------------------------------ */

/* Message m with runs of white space folded into one space, into
 * buf[cap]; its length (cut to fit). */
static size_t
fold(char *buf, size_t cap, const char *m)
{
	size_t n = 0;
	int sp = 0;

	for (; *m != '\0' && n + 2 < cap; m++) {
		unsigned char c = (unsigned char)*m;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			sp = n > 0;
			continue;
		}
		if (sp)
			buf[n++] = ' ';
		sp = 0;
		buf[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	buf[n] = '\0';
	return n;
}

/*
 * "HTTP 400 Code: message; message ..." into buf[cap], one line: whole
 * messages only (white space folded), then "(and N more)" for those that
 * did not fit or that the parser could not keep.
 */
static void
error_text(char *buf, size_t cap, int status, const struct r53_error *e)
{
	char m1[R53_MSG_MAX];
	size_t n, ml;
	unsigned i, left;
	const char *m;

	n = (size_t)snprintf(buf, cap, "HTTP %d %s", status,
	    e->code[0] ? e->code : "(no code)");
	for (i = 0; (m = r53_error_message(e, i)) != NULL; i++) {
		ml = fold(m1, sizeof m1, m);
		/* room for this one and for " (and 9999 more)"; the first
		 * one always (cut if it must be) */
		if (i > 0 && n + 2 + ml + 20 >= cap)
			break;
		n += (size_t)snprintf(buf + n, cap - n, "%s %s", i ? ";" : ":",
		    m1);
	}
	left = e->n_lost;
	for (; r53_error_message(e, i) != NULL; i++)
		left++;
	if (left > 0)
		snprintf(buf + n, cap - n, " (and %u more)", left);
}

/* FNV-1a over s and its NUL, continuing from h. */
static uint64_t
fnv(uint64_t h, const char *s)
{
	do {
		h ^= (unsigned char)*s;
		h *= 1099511628211u;
	} while (*s++ != '\0');
	return h;
}

/* 1 if the next page's start was the start of a page read before (or
 * memory ran out: then the listing cannot be trusted to end either). */
static int
seen_before(struct r53_req *r)
{
	uint64_t h = fnv(fnv(fnv(14695981039346656037u, r->page.next_name),
	    r->page.next_type), r->page.next_id);
	size_t i;

	for (i = 0; i < r->nstarts; i++)
		if (r->starts[i] == h)
			return 1;
	if (r->nstarts == r->capstarts) {
		size_t cap = r->capstarts ? 2 * r->capstarts : 16;
		uint64_t *v = realloc(r->starts, cap * sizeof *v);

		if (v == NULL)
			return 1;
		r->starts = v;
		r->capstarts = cap;
	}
	r->starts[r->nstarts++] = h;
	return 0;
}

static void
next_page(struct r53_req *r)
{
	char n[3 * R53_NAME_TEXT_MAX], t[3 * R53_TYPE_MAX];
	char id[3 * R53_SETID_MAX];
	int k;

	/* Each page must start somewhere new; and no zone is this big. */
	if (seen_before(r)) {
		fail(r, R53_C_FATAL, "bad answer: page %u leads back to a page "
		    "already read (%s %s)", r->pages, r->page.next_name,
		    r->page.next_type);
		return;
	}
	if (r->pages >= R53_LIST_MAX_PAGES) {
		fail(r, R53_C_FATAL, "bad answer: more than %u pages",
		    R53_LIST_MAX_PAGES);
		return;
	}

	k = snprintf(r->target, sizeof r->target, API "/hostedzone/%s/rrset"
	    "?maxitems=%d", r->zone_id, R53_LIST_PAGE);
	if (r->pages > 0) {
		r53_uri_escape(n, sizeof n, r->page.next_name);
		r53_uri_escape(t, sizeof t, r->page.next_type);
		k += snprintf(r->target + k, sizeof r->target - (size_t)k,
		    "&name=%s&type=%s", n, t);
		if (r->page.next_id[0] != '\0') {
			r53_uri_escape(id, sizeof id, r->page.next_id);
			snprintf(r->target + k, sizeof r->target - (size_t)k,
			    "&identifier=%s", id);
		}
	}
	r->tries = 0;
	r->refreshed = 0;
	attempt(r);
}

static void
answer_ok(struct r53_req *r, const char *body, size_t len)
{
	size_t off = 0;
	char m[80];
	int rc;

	if (r->call == R53_CALL_LIST) {
		memset(&r->page, 0, sizeof r->page);
		rc = r53_parse_list(body, len, r->rec, r->fn, r->fn_ctx,
		    &r->page, &off);
		if (rc < 0) {
			snprintf(m, sizeof m, "%zu", off);
			fail(r, R53_C_FATAL, "bad answer: %s at byte %s",
			    r53_xml_strerror(rc), m);
			return;
		}
		r->pages++;
		if (r->page.truncated && !r->one_page)
			next_page(r);
		else
			finish(r, R53_C_OK);
		return;
	}
	rc = r53_parse_change_info(body, len, &r->info, &off);
	if (rc < 0) {
		snprintf(m, sizeof m, "%zu", off);
		fail(r, R53_C_FATAL, "bad answer: %s at byte %s",
		    r53_xml_strerror(rc), m);
		return;
	}
	if (r->info.status == R53_INSYNC) {
		finish(r, R53_C_OK);
		return;
	}
	if (r->call == R53_CALL_CHANGE) {
		r->insync_start = loop_now();
		r->poll_ms = 1000;
	} else if (loop_now() - r->insync_start > R53_INSYNC_MAX_MS) {
		fail(r, R53_C_RETRY, "change %s still PENDING after 15 minutes",
		    r->info.id);
		return;
	} else if ((r->poll_ms = r->poll_ms * 3 / 2) > 10000) {
		r->poll_ms = 10000;
	}
	r->call = R53_CALL_GET_CHANGE;
	snprintf(r->target, sizeof r->target, API "/change/%s", r->info.id);
	r->tries = 0;
	r->refreshed = 0;
	later(r, r->poll_ms);
}

static void
on_http(struct httpjob *j, int err)
{
	struct r53_req *r = j->rq.ctx;
	struct r53_error e;
	const char *body = (const char *)r->rbuf;
	enum r53_class cls;
	char why[sizeof r->why - 64];

	/* a kept-alive connection closed under a GET was sent again inside
	 * httpjob: one more call and a retry (outside the budget, at most
	 * once per attempt) */
	if (j->tries > 0) {
		C.cnt.calls[r->call] += (unsigned)j->tries;
		if (r->zc != NULL)
			r->zc->calls[r->call] += (unsigned)j->tries;
		count_retry(r);
	}
	if (err < 0) {
		if (!C.fixed_addr)
			C.have_addr = 0;        /* resolve again */
		retry(r, j->why);
		return;
	}
	r->rbuf[j->body_len] = '\0';
	if (j->status >= 200 && j->status < 300) {
		answer_ok(r, body, j->body_len);
		return;
	}
	memset(&e, 0, sizeof e);
	(void)r53_parse_error(body, j->body_len, &e, NULL);
	cls = r53_error_class(j->status, e.code, r53_error_message(&e, 0));
	if (is_throttle(j->status, e.code)) {
		C.cnt.throttles++;
		if (r->zc != NULL)
			r->zc->throttles++;
	}
	error_text(why, sizeof why, j->status, &e);
	switch (cls) {
	case R53_C_RETRY:
		retry(r, why);
		return;
	case R53_C_REFRESH:
		if (!r->refreshed && cred_invalidate() == 0) {
			r->refreshed = 1;
			count_retry(r);
			sv4_key_cache_wipe(&C.keys);
			later(r, CRED_WAIT_MS);
			return;
		}
		break;
	default:
		break;
	}
	fail(r, cls == R53_C_OK ? R53_C_FATAL : cls, "%s%s", why,
	    cls == R53_C_REFRESH ? " (credentials refused)" :
	    cls == R53_C_CLOCK ? " (is this host's clock right? SigV4 "
	    "allows 5 minutes)" : "");
}

/* ---- sending ------------------------------------------------------------ */

static void
on_resolved(struct resolve_req *rs, const struct resolve_result *res)
{
	struct r53_req *r = rs->ctx;

	if (res->err != 0 || res->n == 0) {
		retry(r, res->why[0] ? res->why : "cannot resolve the endpoint");
		return;
	}
	memset(&C.ep.addr, 0, sizeof C.ep.addr);
	memcpy(&C.ep.addr, &res->addr[0], resolve_addr_len(&res->addr[0]));
	C.ep.addrlen = resolve_addr_len(&res->addr[0]);
	if (C.ep.addr.ss_family == AF_INET)
		((struct sockaddr_in *)&C.ep.addr)->sin_port =
		    htons(C.url.port);
	else
		((struct sockaddr_in6 *)&C.ep.addr)->sin6_port =
		    htons(C.url.port);
	C.have_addr = 1;
	attempt(r);
}

/* Host as httpjob sends it: brackets for IPv6, the port when unusual. */
static void
host_value(char *buf, size_t cap)
{
	int n = snprintf(buf, cap, strchr(C.url.host, ':') ? "[%s]" : "%s",
	    C.url.host);

	if (C.url.port != (C.url.tls ? 443 : 80))
		snprintf(buf + n, cap - (size_t)n, ":%u", C.url.port);
}

static void
attempt(struct r53_req *r)
{
	const struct cred *cr;
	struct sv4_header sh[4];
	struct http_header hh[4];
	struct sv4_creds sc;
	struct sv4_request sr;
	struct sv4_output out;
	struct httpjob_req rq;
	char host[300], date[SV4_AMZ_DATE_LEN + 1];
	char hash[SV4_HASH_HEX_LEN + 1], auth[1024];
	const char *method = r->call == R53_CALL_CHANGE ? "POST" : "GET";
	const char *q = strchr(r->target, '?');
	size_t nh = 0, nsh;
	uint64_t wait;
	int rc;

	if (!C.have_addr) {
		if (resolve_start(&r->rs, C.url.host, RESOLVE_ANY, on_resolved,
		    r) != 0)
			retry(r, "cannot start resolving the endpoint");
		return;
	}
	if ((cr = cred_get()) == NULL) {
		if (++r->cred_waits > CRED_WAITS) {
			fail(r, R53_C_FATAL, "no credentials: %s",
			    cred_failure());
			return;
		}
		later(r, CRED_WAIT_MS);
		return;
	}
	if ((wait = take_token()) != 0) {
		later(r, wait);
		return;
	}
	host_value(host, sizeof host);
	if (sv4_amz_date((int64_t)loop_wall(), date) != SV4_OK) {
		fail(r, R53_C_CLOCK, "the clock is off");
		return;
	}
	sv4_payload_hash(r->call == R53_CALL_CHANGE ? r->body : "",
	    r->call == R53_CALL_CHANGE ? r->body_len : 0, hash);
	sh[0] = (struct sv4_header){ "Host", 4, host, strlen(host) };
	sh[1] = (struct sv4_header){ "X-Amz-Date", 10, date, strlen(date) };
	hh[nh++] = (struct http_header){ "X-Amz-Date", date };
	nsh = 2;
	if (cr->token[0] != '\0') {
		sh[nsh++] = (struct sv4_header){ "X-Amz-Security-Token", 20,
		    cr->token, strlen(cr->token) };
		hh[nh++] = (struct http_header){ "X-Amz-Security-Token",
		    cr->token };
	}
	if (r->call == R53_CALL_CHANGE) {
		sh[nsh++] = (struct sv4_header){ "Content-Type", 12,
		    "application/xml", 15 };
		hh[nh++] = (struct http_header){ "Content-Type",
		    "application/xml" };
	}
	memset(&sr, 0, sizeof sr);
	sr.method = method;
	sr.path = r->target;
	sr.path_len = q ? (size_t)(q - r->target) : strlen(r->target);
	sr.query = q ? q + 1 : NULL;
	sr.query_len = q ? strlen(q + 1) : 0;
	sr.headers = sh;
	sr.header_count = nsh;
	sr.payload_hash = hash;
	sc.access_key_id = cr->access_key_id;
	sc.secret = cr->secret;
	sc.session_token = cr->token;
	memset(&out, 0, sizeof out);
	out.authorization = auth;
	out.authorization_size = sizeof auth;
	rc = sv4_sign(&sr, &sc, C.region, "route53", date, &C.keys, &out);
	if (rc != SV4_OK) {
		fail(r, R53_C_FATAL, "signing: %s", sv4_strerror(rc));
		return;
	}
	hh[nh++] = (struct http_header){ "Authorization", auth };
	memset(&rq, 0, sizeof rq);
	rq.ep = &C.ep;
	rq.method = method;
	rq.target = r->target;
	rq.headers = hh;
	rq.n_headers = nh;
	if (r->call == R53_CALL_CHANGE) {
		rq.body = (const uint8_t *)r->body;
		rq.body_len = r->body_len;
	}
	rq.idempotent = r->call != R53_CALL_CHANGE;
	rq.bbuf = r->rbuf;
	rq.bcap = R53_BODY_MAX - 1;
	rq.done = on_http;
	rq.ctx = r;
	r->tries++;
	C.cnt.calls[r->call]++;
	if (r->zc != NULL)
		r->zc->calls[r->call]++;
	if (httpjob_start(&r->job, &rq) != 0) {
		char why[sizeof r->job.why];

		memcpy(why, r->job.why, sizeof why);
		retry(r, why);
	}
	httpjob_wipe(auth, sizeof auth);
}

static int
start(struct r53_req *r, const char *zone_id, r53_done_fn done, void *dctx)
{
	size_t i, n;

	if (strncmp(zone_id, "/hostedzone/", 12) == 0)
		zone_id += 12;
	n = strlen(zone_id);
	for (i = 0; i < n; i++)
		if (!((zone_id[i] >= 'A' && zone_id[i] <= 'Z') ||
		    (zone_id[i] >= 'a' && zone_id[i] <= 'z') ||
		    (zone_id[i] >= '0' && zone_id[i] <= '9')))
			break;
	if (n == 0 || i < n || n >= sizeof r->zone_id) {
		snprintf(r->why, sizeof r->why, "bad hosted zone id");
		return -1;
	}
	memcpy(r->zone_id, zone_id, n + 1);
	r->done = done;
	r->ctx = dctx;
	r->pages = 0;
	r->cred_waits = 0;
	r->why[0] = '\0';
	memset(&r->info, 0, sizeof r->info);
	if ((r->rbuf = malloc(R53_BODY_MAX)) == NULL) {
		snprintf(r->why, sizeof r->why, "out of memory");
		return -1;
	}
	return 0;
}

int
r53_list(struct r53_req *r, const char *zone_id, r53_lrec_fn fn, void *ctx,
    r53_done_fn done, void *dctx)
{
	if (start(r, zone_id, done, dctx) != 0)
		return -1;
	if ((r->rec = malloc(sizeof *r->rec)) == NULL) {
		free(r->rbuf);
		r->rbuf = NULL;
		snprintf(r->why, sizeof r->why, "out of memory");
		return -1;
	}
	r->call = R53_CALL_LIST;
	r->fn = fn;
	r->fn_ctx = ctx;
	r->one_page = 0;
	r->nstarts = 0;
	/* From the loop, never from inside this call. */
	snprintf(r->target, sizeof r->target, API "/hostedzone/%s/rrset"
	    "?maxitems=%d", r->zone_id, R53_LIST_PAGE);
	r->tries = 0;
	r->refreshed = 0;
	later(r, 0);
	return 0;
}

int
r53_list_soa(struct r53_req *r, const char *zone_id, const char *apex,
    r53_lrec_fn fn, void *ctx, r53_done_fn done, void *dctx)
{
	size_t k, cap = sizeof r->target;

	if (r53_list(r, zone_id, fn, ctx, done, dctx) != 0)
		return -1;
	r->one_page = 1;
	k = (size_t)snprintf(r->target, cap, API "/hostedzone/%s/rrset"
	    "?maxitems=1&name=", r->zone_id);
	k += r53_uri_escape(r->target + k, cap - k, apex);
	if (k + sizeof "&type=SOA" > cap) {
		r53_cancel(r);
		snprintf(r->why, sizeof r->why, "zone name too long");
		return -1;
	}
	memcpy(r->target + k, "&type=SOA", sizeof "&type=SOA");
	return 0;
}

int
r53_change(struct r53_req *r, const char *zone_id, const char *body,
    size_t len, r53_done_fn done, void *dctx)
{
	if (start(r, zone_id, done, dctx) != 0)
		return -1;
	r->rec = NULL;
	r->call = R53_CALL_CHANGE;
	r->body = body;
	r->body_len = len;
	snprintf(r->target, sizeof r->target, API "/hostedzone/%s/rrset/",
	    r->zone_id);
	r->tries = 0;
	r->refreshed = 0;
	later(r, 0);
	return 0;
}

void
r53_cancel(struct r53_req *r)
{
	timer_disarm(&r->timer);
	httpjob_cancel(&r->job);
	resolve_cancel(&r->rs);
	free(r->rbuf);
	r->rbuf = NULL;
	free(r->rec);
	r->rec = NULL;
	free(r->starts);
	r->starts = NULL;
	r->nstarts = r->capstarts = 0;
}
