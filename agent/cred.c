/*
 * cred.c — the AWS credential chain on the loop (see cred.h).
 *
 * At cred_init() (start-up, before the sandbox) the static sources are
 * resolved at once — the aws block, the environment, the shared files —
 * and what the network providers need from the environment is captured.
 * cred_start() then walks the providers in order; the network ones run
 * as one httpjob at a time (IMDS: up to three in a row, kept alive).
 *
 * Where secrets are: slot[src] (one struct cred per source: the static
 * candidates, and what each network provider fetched), `pending` while an
 * answer is parsed, and `bearer` (the container authorization token and
 * the IMDS session token, which are not AWS credentials but must not leak
 * either).  Request and answer buffers are wiped after every exchange,
 * the other slots once a source wins, everything by cred_stop().
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>

#include "agent/conf.h"
#include "agent/cred.h"
#include "agent/httpjob.h"
#include "agent/log.h"
#include "agent/resolve.h"
#include "agent/loop.h"
#include "xfrsync_config.h"
#if CFG_TLS
#include "tls/tls.h"
#endif

#define FILE_MAX (1u << 20)             /* shared files, token files */
#define BODY_MAX 32768                  /* an answer */
#define WHY_MAX 256

/* Per-request timeouts (ms).  IMDS: 1 s, as botocore. */
#define IMDS_MS 1000
#define ECS_MS 2000                     /* botocore: 2 s */
#define STS_CONNECT_MS 5000
#define STS_MS 10000

#define IMDS_TTL "21600"
#define IMDS_TTL_S 21600
#define IMDS_ADDR "169.254.169.254"
#define IMDS_ADDR6 "fd00:ec2::254"
#define ECS_ADDR "169.254.170.2"

/* State of a static source after cred_init. */
enum { ST_NONE, ST_OK, ST_BROKEN };

/* What was captured at start-up (no secret here). */
static struct {
	int pin;
	int st[CRED_NSRC];
	/* web identity */
	char wi_file[PATH_MAX];
	char role_arn[2048];
	char session_name[65];
	/* container */
	char ecs_url[2048 + 64];
	char ecs_token_file[PATH_MAX];
	int ecs_token_env;              /* bearer.ecs holds the token */
	/* IMDS */
	int imds_disabled;
	char imds_url[256];
	/* test-only endpoint overrides (aws { test-endpoint }) */
	char test_url[CONF_EP_N][CONF_URL_MAX];
	char test_addr[CONF_EP_N][64];
	char region[64];
} E;

/* Secrets. */
static struct cred slot[CRED_NSRC];
static struct cred pending;
static struct {
	char ecs[CRED_TOKEN_MAX];       /* AWS_CONTAINER_AUTHORIZATION_TOKEN */
	char imds[1024];                /* IMDSv2 session token */
	char hval[CRED_TOKEN_MAX];      /* a header value being sent */
} bearer;
static uint64_t imds_token_until;       /* loop_now() ms */

/* The exchange in progress. */
static struct {
	struct httpjob job;
	struct httpjob_endpoint ep;
	struct http_header hdr[2];
	char target[2048 + 64];
	uint8_t body[BODY_MAX];
	char req[3 * 16384 + 512];      /* STS form body */
	char scratch[16384];            /* the web identity token */
	char role[80];
	int src;
	int step;                       /* IMDS: 0 token, 1 role, 2 keys */
	int token_retry;
	int refreshing;
	/* An endpoint by name: the request waits for the resolver. */
	struct resolve_req rr;
	struct httpjob_req rq;
	uint16_t port;
	int resolving;
	int by_name;                    /* the address came from the resolver */
} N;

#if CFG_TLS
static struct tls_anchors anchors;
static struct tls_ca ca;
static struct tls_sessions sessions;
#endif

static struct cred *cur;                /* in use: a slot, or NULL */
static int stale;                       /* cur refused as expired */
static int walk_pos = CRED_NSRC;
static unsigned walk_failures, refresh_failures;
static struct loop_timer t_walk, t_refresh;
static cred_event_fn ev_fn;
static void *ev_ctx;
static char why[CRED_NSRC][WHY_MAX];
static int tried[CRED_NSRC];
static char failure[CRED_NSRC * (WHY_MAX + 16)];
static uint64_t last_fetch;             /* loop_now() of the last answer */

static void walk_next(void);
static void refresh_start(void);

static void
refresh_timer(struct loop_timer *t)
{
	(void)t;
	refresh_start();
}

static void set_why(int src, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_why(int src, const char *fmt, ...)
{
	va_list ap;

	tried[src] = 1;
	va_start(ap, fmt);
	vsnprintf(why[src], sizeof why[src], fmt, ap);
	va_end(ap);
}

/* snprintf for messages, where truncation is fine. */
static void fmt(char *buf, size_t cap, const char *f, ...)
    __attribute__((format(printf, 3, 4)));

static void
fmt(char *buf, size_t cap, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, cap, f, ap);
	va_end(ap);
}

static void
event(int ev)
{
	if (ev_fn != NULL)
		ev_fn(ev_ctx, ev);
}

/* ---- capture: static sources --------------------------------------------- */

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static void
capture_config(const struct conf_aws *aws)
{
	if (aws == NULL || !aws->have_keys) {
		set_why(CRED_CONFIG, "no keys in the configuration");
		return;
	}
	slot[CRED_CONFIG] = aws->keys;
	slot[CRED_CONFIG].source = CRED_CONFIG;
	E.st[CRED_CONFIG] = ST_OK;
}

/* botocore's EnvProvider: AWS_ACCESS_KEY_ID set (non-empty) means the
 * source is in use; the secret must be there too (PartialCredentialsError);
 * the token is AWS_SECURITY_TOKEN, else AWS_SESSION_TOKEN. */
static void
capture_env(void)
{
	struct cred *c = &slot[CRED_ENV];
	const char *akid = env("AWS_ACCESS_KEY_ID");
	const char *sec = env("AWS_SECRET_ACCESS_KEY");
	const char *tokvar = env("AWS_SECURITY_TOKEN") ? "AWS_SECURITY_TOKEN" :
	    "AWS_SESSION_TOKEN";
	const char *tok = env(tokvar), *w;

	if (akid == NULL) {
		set_why(CRED_ENV, "AWS_ACCESS_KEY_ID is not set");
		return;
	}
	E.st[CRED_ENV] = ST_BROKEN;
	if (sec == NULL) {
		set_why(CRED_ENV, "AWS_ACCESS_KEY_ID is set but "
		    "AWS_SECRET_ACCESS_KEY is not");
		return;
	}
	if ((w = cred_set_value(c->access_key_id, sizeof c->access_key_id,
	    akid, strlen(akid), cred_check_akid)) != NULL) {
		set_why(CRED_ENV, "AWS_ACCESS_KEY_ID %s", w);
		goto bad;
	}
	if ((w = cred_set_value(c->secret, sizeof c->secret, sec, strlen(sec),
	    cred_check_secret)) != NULL) {
		set_why(CRED_ENV, "AWS_SECRET_ACCESS_KEY %s", w);
		goto bad;
	}
	if (tok != NULL && (w = cred_set_value(c->token, sizeof c->token, tok,
	    strlen(tok), cred_check_token)) != NULL) {
		set_why(CRED_ENV, "%s %s", tokvar, w);
		goto bad;
	}
	c->source = CRED_ENV;
	snprintf(c->origin, sizeof c->origin, "environment");
	E.st[CRED_ENV] = ST_OK;
	return;
bad:
	cred_wipe(c);
}

/* ~/x with $HOME; other paths as they are.  0 or -1. */
static int
home_path(char *out, size_t cap, const char *var, const char *dflt)
{
	const char *v = env(var), *home = env("HOME");

	if (v == NULL)
		v = dflt;
	if (v[0] == '~' && (v[1] == '/' || v[1] == '\0')) {
		if (home == NULL)
			return -1;
		return (size_t)snprintf(out, cap, "%s%s", home, v + 1) < cap ?
		    0 : -1;
	}
	return (size_t)snprintf(out, cap, "%s", v) < cap ? 0 : -1;
}

/* Look profile up in one file: a CRED_FILE_* result, *msg set for the
 * ones that are not FOUND. */
static int
profile_in(const char *path, int kind, const char *profile, struct cred *out,
    char *msg, size_t cap)
{
	char *text;
	size_t len;
	int rc;

	if (cred_file_slurp(path, FILE_MAX, &text, &len) != 0) {
		if (errno == ENOENT)
			fmt(msg, cap, "%s does not exist", path);
		else
			fmt(msg, cap, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? CRED_FILE_NOPROFILE : -2;
	}
	rc = cred_file_lookup(text, len, kind, profile, path, out, msg, cap);
	explicit_bzero(text, len);
	free(text);
	if (rc == CRED_FILE_NOPROFILE)
		fmt(msg, cap, "no profile \"%s\" in %s", profile, path);
	else if (rc == CRED_FILE_NOKEYS && msg[0] == '\0')
		fmt(msg, cap, "profile \"%s\" in %s has no "
		    "aws_access_key_id", profile, path);
	return rc;
}

static void
capture_profile(const struct conf_aws *aws)
{
	struct cred *c = &slot[CRED_PROFILE];
	char files[2][PATH_MAX], msg[2][WHY_MAX];
	const char *profile = "default";
	int explicit = 0, rc[2] = { -3, -3 }, k;

	if (aws != NULL && aws->profile[0] != '\0') {
		profile = aws->profile;
		explicit = 1;
	} else if (env("AWS_PROFILE") != NULL) {
		profile = env("AWS_PROFILE");
		explicit = 1;
	}
	if (strlen(profile) >= CONF_PROFILE_MAX) {
		set_why(CRED_PROFILE, "AWS_PROFILE is too long");
		E.st[CRED_PROFILE] = ST_BROKEN;
		return;
	}
	if (home_path(files[0], sizeof files[0], "AWS_SHARED_CREDENTIALS_FILE",
	    "~/.aws/credentials") != 0 || home_path(files[1], sizeof files[1],
	    "AWS_CONFIG_FILE", "~/.aws/config") != 0) {
		set_why(CRED_PROFILE, "HOME is not set (and "
		    "AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE are not)");
		return;
	}
	for (k = 0; k < 2; k++) {
		msg[k][0] = '\0';
		rc[k] = profile_in(files[k], k == 0 ? CRED_FILE_CREDENTIALS :
		    CRED_FILE_CONFIG, profile, c, msg[k], sizeof msg[k]);
		if (rc[k] == CRED_FILE_FOUND) {
			c->source = CRED_PROFILE;
			c->expiration = 0;
			fmt(c->origin, sizeof c->origin, "profile \"%s\" "
			    "in %s", profile, files[k]);
			E.st[CRED_PROFILE] = ST_OK;
			return;
		}
		if (rc[k] == CRED_FILE_ERROR || rc[k] == CRED_FILE_PARTIAL) {
			set_why(CRED_PROFILE, "%s", msg[k]);
			E.st[CRED_PROFILE] = ST_BROKEN;
			return;
		}
	}
	if (explicit && rc[0] <= CRED_FILE_NOPROFILE &&
	    rc[1] <= CRED_FILE_NOPROFILE) {
		/* botocore's ProfileNotFound. */
		set_why(CRED_PROFILE, "profile \"%s\" was asked for but is in "
		    "neither %s nor %s", profile, files[0], files[1]);
		E.st[CRED_PROFILE] = ST_BROKEN;
		return;
	}
	k = rc[0] == CRED_FILE_NOKEYS ? 0 : rc[1] == CRED_FILE_NOKEYS ? 1 : -1;
	if (k >= 0)
		set_why(CRED_PROFILE, "%s", msg[k]);
	else
		set_why(CRED_PROFILE, "no profile \"%s\" in %s or %s", profile,
		    files[0], files[1]);
}

/* ---- capture: network sources ----------------------------------------------- */

/* A header value we may send: printable ASCII and inner spaces (no CR or
 * LF: botocore's "Auth token value is not a legal header value"). */
static int
header_value_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

static void
capture_network(const struct conf_aws *aws)
{
	const char *v, *rel, *full;
	int i;

	for (i = 0; aws != NULL && i < CONF_EP_N; i++) {
		snprintf(E.test_url[i], sizeof E.test_url[i], "%s",
		    aws->test_endpoint[i].url);
		snprintf(E.test_addr[i], sizeof E.test_addr[i], "%s",
		    aws->test_endpoint[i].addr);
	}
	/* web identity */
	if ((v = env("AWS_WEB_IDENTITY_TOKEN_FILE")) != NULL)
		snprintf(E.wi_file, sizeof E.wi_file, "%s", v);
	if ((v = env("AWS_ROLE_ARN")) != NULL)
		snprintf(E.role_arn, sizeof E.role_arn, "%s", v);
	if ((v = env("AWS_ROLE_SESSION_NAME")) != NULL)
		snprintf(E.session_name, sizeof E.session_name, "%s", v);
	else    /* botocore: botocore-session-<time> */
		snprintf(E.session_name, sizeof E.session_name,
		    "xfrsync-session-%llu", (unsigned long long)loop_wall());
	if ((v = env("AWS_REGION")) != NULL ||
	    (v = env("AWS_DEFAULT_REGION")) != NULL)
		snprintf(E.region, sizeof E.region, "%s", v);
	/* container: the relative URI wins, as in botocore */
	rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	if (rel != NULL)
		snprintf(E.ecs_url, sizeof E.ecs_url, "http://" ECS_ADDR "%s%s",
		    rel[0] == '/' ? "" : "/", rel);
	else if (full != NULL)
		snprintf(E.ecs_url, sizeof E.ecs_url, "%s", full);
	if ((v = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) != NULL)
		snprintf(E.ecs_token_file, sizeof E.ecs_token_file, "%s", v);
	else if ((v = env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) != NULL) {
		E.ecs_token_env = strlen(v) < sizeof bearer.ecs &&
		    header_value_ok(v, strlen(v)) ? 1 : -1;
		if (E.ecs_token_env > 0)
			snprintf(bearer.ecs, sizeof bearer.ecs, "%s", v);
	}
	/* IMDS */
	v = getenv("AWS_EC2_METADATA_DISABLED");
	E.imds_disabled = v != NULL && strcasecmp(v, "true") == 0;
	if ((v = env("AWS_EC2_METADATA_SERVICE_ENDPOINT")) != NULL)
		snprintf(E.imds_url, sizeof E.imds_url, "%s", v);
	else if ((v = env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")) != NULL &&
	    strcasecmp(v, "IPv6") == 0)
		snprintf(E.imds_url, sizeof E.imds_url, "http://[%s]",
		    IMDS_ADDR6);
	else
		snprintf(E.imds_url, sizeof E.imds_url, "http://%s", IMDS_ADDR);
}

int
cred_init(const struct conf_aws *aws, int pin, char *err, size_t errlen)
{
	int i;

	cred_stop();
	memset(&E, 0, sizeof E);
	for (i = 0; i < CRED_NSRC; i++)
		cred_wipe(&slot[i]);
	E.pin = pin != CRED_PIN_CONF ? pin : aws != NULL ? aws->source :
	    CRED_AUTO;
	if (E.pin != CRED_AUTO && !cred_source_built(E.pin)) {
		snprintf(err, errlen, "credentials source %s is not in this "
		    "build", cred_source_name(E.pin));
		return -1;
	}
	/* Endpoints by name (STS) are resolved on the loop; read
	 * resolv.conf now, before any sandbox. */
	(void)resolve_init(NULL);
	/* No core file, no ptrace by the same user: the process will hold
	 * secrets. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#if CFG_TLS
	tls_sessions_init(&sessions);
	if (aws != NULL && aws->ca_file[0] != '\0') {
		if (tls_ca_file_load(aws->ca_file, &ca, err, errlen) != 0)
			return -1;
		tls_ca_anchors(&ca, &anchors);
	} else {
		tls_anchors_builtin(&anchors);
	}
#endif
	memset(why, 0, sizeof why);
	memset(tried, 0, sizeof tried);
	if (CFG_CRED_CONFIG)
		capture_config(aws);
	if (CFG_CRED_ENV)
		capture_env();
	if (CFG_CRED_PROFILE && (E.pin == CRED_AUTO || E.pin == CRED_PROFILE))
		capture_profile(aws);
	capture_network(aws);
	/* A pinned source: forget the other static candidates now. */
	for (i = 0; i < CRED_NSRC && E.pin != CRED_AUTO; i++)
		if (i != E.pin) {
			cred_wipe(&slot[i]);
			E.st[i] = ST_NONE;
		}
	return 0;
}

/* ---- using credentials ---------------------------------------------------------- */

static void
describe(const struct cred *c, char *buf, size_t cap)
{
	char t[21], left[32];

	if (c->expiration != 0) {
		cred_time_format(c->expiration, t);
		cred_time_left(c->expiration - (int64_t)loop_wall(), left,
		    sizeof left);
	}
	snprintf(buf, cap, "%s (%s), access key %s, %s, %s%s%s%s",
	    cred_source_name(c->source), c->origin, c->access_key_id,
	    c->token[0] ? "session token" : "no session token",
	    c->expiration ? "expires " : "does not expire",
	    c->expiration ? t : "", c->expiration ? " in " : "",
	    c->expiration ? left : "");
}

void
cred_status(char *buf, size_t cap)
{
	if (cur == NULL)
		snprintf(buf, cap, "none%s%s", failure[0] ? ": " : "", failure);
	else
		describe(cur, buf, cap);
}

const char *
cred_source_in_use(void)
{
	return cur != NULL ? cred_source_name(cur->source) : "none";
}

static void
schedule_refresh(void)
{
	int64_t d;

	timer_disarm(&t_refresh);
	if (cur == NULL || cur->expiration == 0 ||
	    (cur->source != CRED_WEB_IDENTITY && cur->source != CRED_ECS &&
	    cur->source != CRED_IMDS))
		return;
	d = cred_refresh_delay((int64_t)loop_wall(), cur->expiration,
	    CRED_REFRESH_MARGIN);
	if (d < 0)
		return;
	t_refresh.cb = refresh_timer;
	timer_arm(&t_refresh, (uint64_t)d * 1000);
	log_debug("credentials: refresh in %lld s", (long long)d);
}

/* src won the walk. */
static void
use(int src)
{
	char line[512];
	int i;

	walk_failures = 0;
	cur = &slot[src];
	stale = 0;
	for (i = 0; i < CRED_NSRC; i++)
		if (i != src)
			cred_wipe(&slot[i]);
	describe(cur, line, sizeof line);
	log_info("AWS credentials: %s", line);
	schedule_refresh();
	event(CRED_EV_READY);
}

static void
build_failure(void)
{
	size_t k = 0;
	int i;

	failure[0] = '\0';
	for (i = 0; i < CRED_NSRC; i++) {
		if (!tried[i])
			continue;
		k += (size_t)snprintf(failure + k, sizeof failure - k, "%s%s: %s",
		    k ? "; " : "", cred_source_name(i), why[i]);
		if (k >= sizeof failure)
			break;
	}
	if (failure[0] == '\0')
		snprintf(failure, sizeof failure, "no source tried");
}

const char *
cred_failure(void)
{
	return failure;
}

static void
walk_timer(struct loop_timer *t)
{
	(void)t;
	walk_pos = 0;
	memset(tried, 0, sizeof tried);
	walk_next();
}

static void
walk_failed(void)
{
	unsigned d = cred_retry_delay(walk_failures++, 0);

	build_failure();
	log_warnx("no AWS credentials (retrying in %u s): %s", d, failure);
	t_walk.cb = walk_timer;
	timer_arm(&t_walk, (uint64_t)d * 1000);
	event(CRED_EV_FAILED);
}

/* ---- network exchanges ------------------------------------------------------------ */

static void net_done(struct httpjob *j, int err);
static void net_failed(void);

static void
wipe_exchange(void)
{
	httpjob_wipe(N.body, sizeof N.body);
	httpjob_wipe(N.req, sizeof N.req);
	httpjob_wipe(N.scratch, sizeof N.scratch);
	httpjob_wipe(bearer.hval, sizeof bearer.hval);
	cred_wipe(&pending);
}

/*
 * The endpoint of URL url for provider src (test override: test, with an
 * optional address); the request target goes to N.target.  0, or -1 with
 * why[src] set.
 */
static int
endpoint(int src, const char *url, int ep)
{
	static struct cred_url u, t;
	char e[128];
	const char *test = ep >= 0 ? E.test_url[ep] : "";
	const char *addr = ep >= 0 ? E.test_addr[ep] : "";

	if (cred_url_parse(url, &u, e, sizeof e) < 0) {
		set_why(src, "bad URL: %s", e);
		return -1;
	}
	if (test[0] != '\0') {
		/* Tests only: another scheme, host and port, same path
		 * (unless the override has one of its own). */
		if (cred_url_parse(test, &t, e, sizeof e) < 0) {
			set_why(src, "test-endpoint: %s", e);
			return -1;
		}
		if (strcmp(t.path, "/") != 0 || strcmp(u.path, "/") == 0)
			snprintf(u.path, sizeof u.path, "%s", t.path);
		u.tls = t.tls;
		u.port = t.port;
		u.numeric = t.numeric;
		u.addr = t.addr;
		u.addrlen = t.addrlen;
		snprintf(u.host, sizeof u.host, "%s", t.host);
	}
	N.by_name = 0;
	if (addr[0] != '\0') {
		if (httpjob_endpoint_set(&N.ep, addr, u.port, u.host, u.tls) != 0) {
			set_why(src, "bad test-endpoint address");
			return -1;
		}
	} else if (!u.numeric) {
		/* Resolved on the loop when the request is sent (send_req). */
		memset(&N.ep, 0, sizeof N.ep);
		N.by_name = 1;
		snprintf(N.ep.host, sizeof N.ep.host, "%s", u.host);
		N.ep.tls = u.tls;
		N.port = u.port;
	} else {
		memset(&N.ep, 0, sizeof N.ep);
		N.ep.addr = u.addr;
		N.ep.addrlen = u.addrlen;
		snprintf(N.ep.host, sizeof N.ep.host, "%s", u.host);
		N.ep.tls = u.tls;
	}
	if (u.tls && !CFG_TLS) {
		set_why(src, "https needs a build with CONFIG_TLS");
		return -1;
	}
#if CFG_TLS
	N.ep.anchors = &anchors;
	N.ep.sessions = &sessions;
#endif
	snprintf(N.target, sizeof N.target, "%s", u.path);
	return 0;
}

/* The endpoint's name resolved: send the request that waited for it. */
static void
on_resolved(struct resolve_req *r, const struct resolve_result *res)
{
	union resolve_addr a;

	(void)r;
	N.resolving = 0;
	if (res->err != 0) {
		set_why(N.src, "%s", res->why);
		net_failed();
		return;
	}
	a = res->addr[0];

	if (a.sa.sa_family == AF_INET6)
		a.sin6.sin6_port = htons(N.port);
	else
		a.sin.sin_port = htons(N.port);
	memcpy(&N.ep.addr, &a, resolve_addr_len(&a));
	N.ep.addrlen = resolve_addr_len(&a);
	if (httpjob_start(&N.job, &N.rq) != 0) {
		set_why(N.src, "%s", N.job.why);
		net_failed();
	}
}

/* Send the request prepared in N; 0, or -1 with why[N.src] set. */
static int
send_req(const char *method, size_t nh, const char *body, size_t blen,
    unsigned connect_ms, unsigned ms)
{
	struct httpjob_req rq;

	memset(&rq, 0, sizeof rq);
	rq.ep = &N.ep;
	rq.method = method;
	rq.target = N.target;
	rq.headers = N.hdr;
	rq.n_headers = nh;
	rq.body = (const uint8_t *)body;
	rq.body_len = blen;
	rq.idempotent = 1;
	rq.bbuf = N.body;
	rq.bcap = sizeof N.body - 1;    /* room for a NUL */
	rq.connect_ms = connect_ms;
	rq.idle_ms = ms;
	rq.total_ms = 2 * ms;
	rq.done = net_done;
	if (N.ep.addrlen == 0) { /* a name: resolve first, never block */
		N.rq = rq;
		N.resolving = 1;
		if (resolve_start(&N.rr, N.ep.host, RESOLVE_ANY, on_resolved,
		    NULL) != 0) {
			N.resolving = 0;
			set_why(N.src, "%s: cannot start a lookup", N.ep.host);
			return -1;
		}
		return 0;
	}
	if (httpjob_start(&N.job, &rq) != 0) {
		set_why(N.src, "%s", N.job.why);
		return -1;
	}
	return 0;
}

/* Read a token file (trailing blanks dropped) into out.  0 or -1 (why). */
static int
read_token_file(int src, const char *path, char *out, size_t cap,
    const char *what, int header)
{
	char *text;
	size_t len;

	if (cred_file_slurp(path, cap - 1, &text, &len) != 0) {
		set_why(src, "%s %s: %s", what, path, errno == EFBIG ?
		    "too large" : strerror(errno));
		return -1;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' ||
	    text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (len == 0 || (header ? !header_value_ok(text, len) :
	    cred_check_token(text, len) != NULL)) {
		set_why(src, "%s %s: %s", what, path, len == 0 ? "empty" :
		    header ? "holds a control character or a non-ASCII byte" :
		    "holds a space, a control character or a non-ASCII byte");
		explicit_bzero(text, len);
		free(text);
		return -1;
	}
	memcpy(out, text, len);
	out[len] = '\0';
	explicit_bzero(text, len);
	free(text);
	return 0;
}

/* ---- providers ---------------------------------------------------------------------- */

static int
wi_start(void)
{
	char host[128], esc_arn[3 * sizeof E.role_arn], esc_name[200];
	size_t k;

	if (E.wi_file[0] == '\0') {
		set_why(CRED_WEB_IDENTITY, "AWS_WEB_IDENTITY_TOKEN_FILE is not "
		    "set");
		return -1;
	}
	if (E.role_arn[0] == '\0') {
		set_why(CRED_WEB_IDENTITY, "AWS_WEB_IDENTITY_TOKEN_FILE is set "
		    "but AWS_ROLE_ARN is not");
		return -1;
	}
	if (E.region[0] != '\0' && strspn(E.region, "abcdefghijklmnopqrstuvwxyz"
	    "0123456789-") != strlen(E.region)) {
		set_why(CRED_WEB_IDENTITY, "AWS_REGION is not a region name");
		return -1;
	}
	if (E.region[0] != '\0')
		snprintf(host, sizeof host, "https://sts.%s.amazonaws.com/",
		    E.region);
	else
		snprintf(host, sizeof host, "https://sts.amazonaws.com/");
	/* The token file is read again for every request (it is rotated). */
	if (read_token_file(CRED_WEB_IDENTITY, E.wi_file, N.scratch,
	    sizeof N.scratch, "web identity token file", 0) < 0 ||
	    endpoint(CRED_WEB_IDENTITY, host, CONF_EP_STS) < 0)
		return -1;
	cred_form_escape(esc_arn, sizeof esc_arn, E.role_arn);
	cred_form_escape(esc_name, sizeof esc_name, E.session_name);
	k = (size_t)snprintf(N.req, sizeof N.req, "Action="
	    "AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=%s&"
	    "RoleSessionName=%s&WebIdentityToken=", esc_arn, esc_name);
	if (k >= sizeof N.req || k + cred_form_escape(N.req + k,
	    sizeof N.req - k, N.scratch) >= sizeof N.req) {
		set_why(CRED_WEB_IDENTITY, "the request is too long");
		return -1;
	}
	httpjob_wipe(N.scratch, sizeof N.scratch);
	N.hdr[0].name = "Content-Type";
	N.hdr[0].value = "application/x-www-form-urlencoded; charset=utf-8";
	N.hdr[1].name = "Accept";
	N.hdr[1].value = "text/xml";
	log_debug("credentials: web identity: AssumeRoleWithWebIdentity for "
	    "%s at %s", E.role_arn, N.ep.host);
	return send_req("POST", 2, N.req, strlen(N.req), STS_CONNECT_MS,
	    STS_MS);
}

static int
ecs_start(void)
{
	static struct cred_url u;
	char e[128];
	size_t nh = 0;

	if (E.ecs_url[0] == '\0') {
		set_why(CRED_ECS, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
		    "_FULL_URI are not set");
		return -1;
	}
	if (cred_url_parse(E.ecs_url, &u, e, sizeof e) < 0) {
		set_why(CRED_ECS, "AWS_CONTAINER_CREDENTIALS_FULL_URI: %s", e);
		return -1;
	}
	if (!cred_url_ecs_allowed(&u) && E.test_url[CONF_EP_ECS][0] == '\0') {
		set_why(CRED_ECS, "AWS_CONTAINER_CREDENTIALS_FULL_URI: host %s "
		    "is not allowed (https, a loopback address, or the "
		    "ECS/EKS link-local addresses only)", u.host);
		return -1;
	}
	if (endpoint(CRED_ECS, E.ecs_url, CONF_EP_ECS) < 0)
		return -1;
	if (E.ecs_token_file[0] != '\0') {
		if (read_token_file(CRED_ECS, E.ecs_token_file, bearer.hval,
		    sizeof bearer.hval, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
		    1) < 0)
			return -1;
	} else if (E.ecs_token_env < 0) {
		set_why(CRED_ECS, "AWS_CONTAINER_AUTHORIZATION_TOKEN is too long "
		    "or holds a control character");
		return -1;
	} else if (E.ecs_token_env > 0) {
		snprintf(bearer.hval, sizeof bearer.hval, "%s", bearer.ecs);
	}
	if (bearer.hval[0] != '\0') {
		N.hdr[0].name = "Authorization";
		N.hdr[0].value = bearer.hval;
		nh = 1;
	}
	log_debug("credentials: container endpoint %s", N.ep.host);
	return send_req("GET", nh, NULL, 0, ECS_MS, ECS_MS);
}

/* The next IMDS request (N.step). */
static int
imds_step(void)
{
	static const char base[] = "/latest/meta-data/iam/security-credentials/";
	size_t nh = 1;

	if (N.step == 0 && bearer.imds[0] != '\0' &&
	    loop_now() < imds_token_until)
		N.step = 1;             /* the session token is still good */
	if (endpoint(CRED_IMDS, E.imds_url, CONF_EP_IMDS) < 0)
		return -1;
	if (N.step == 0) {
		snprintf(N.target, sizeof N.target, "/latest/api/token");
		N.hdr[0].name = "X-aws-ec2-metadata-token-ttl-seconds";
		N.hdr[0].value = IMDS_TTL;
		return send_req("PUT", nh, NULL, 0, IMDS_MS, IMDS_MS);
	}
	N.hdr[0].name = "X-aws-ec2-metadata-token";
	N.hdr[0].value = bearer.imds;
	snprintf(N.target, sizeof N.target, "%s%s", base,
	    N.step == 2 ? N.role : "");
	return send_req("GET", nh, NULL, 0, IMDS_MS, IMDS_MS);
}

static int
imds_start(void)
{
	if (E.imds_disabled) {
		set_why(CRED_IMDS, "AWS_EC2_METADATA_DISABLED is true");
		return -1;
	}
	N.step = 0;
	N.token_retry = 0;
	return imds_step();
}

/* Start provider src (network); 0, or -1 with why[src] set. */
static int
net_start(int src, int refreshing)
{
	int rc;

	httpjob_cancel(&N.job);
	wipe_exchange();
	N.src = src;
	N.refreshing = refreshing;
	switch (src) {
	case CRED_WEB_IDENTITY:
		rc = wi_start();
		break;
	case CRED_ECS:
		rc = ecs_start();
		break;
	case CRED_IMDS:
		rc = imds_start();
		break;
	default:
		rc = -1;
	}
	if (rc != 0)
		wipe_exchange();
	return rc;
}

/* ---- answers ------------------------------------------------------------------------- */

static const char *
status_text(int status)
{
	switch (status) {
	case 400: return " Bad Request";
	case 401: return " Unauthorized";
	case 403: return " Forbidden";
	case 404: return " Not Found";
	case 405: return " Method Not Allowed";
	case 500: return " Internal Server Error";
	case 503: return " Service Unavailable";
	default: return "";
	}
}

/* A fetched set of credentials is in `pending`: take it. */
static void
fetched(int src)
{
	char line[512];

	pending.source = src;
	cred_wipe(&slot[src]);
	slot[src] = pending;
	cred_wipe(&pending);
	last_fetch = loop_now();
	if (!N.refreshing) {
		use(src);
		return;
	}
	stale = 0;
	refresh_failures = 0;
	describe(&slot[src], line, sizeof line);
	log_info("AWS credentials refreshed: %s", line);
	schedule_refresh();
	event(CRED_EV_REFRESHED);
}

static void
net_failed(void)
{
	int src = N.src;

	wipe_exchange();
	if (!N.refreshing) {
		log_debug("credentials: %s: %s", cred_source_name(src), why[src]);
		walk_next();
		return;
	}
	{
		unsigned d = cred_retry_delay(refresh_failures++, 0);
		int64_t left = cur != NULL && cur->expiration ?
		    cur->expiration - (int64_t)loop_wall() : 0;

		snprintf(failure, sizeof failure, "%s: %s",
		    cred_source_name(src), why[src]);
		log_warnx("AWS credentials: refresh failed (retrying in %u s%s):"
		    " %s", d, left > 0 ? "" : "; the current ones have expired",
		    failure);
		t_refresh.cb = refresh_timer;
		timer_arm(&t_refresh, (uint64_t)d * 1000);
		event(CRED_EV_REFRESH_FAILED);
	}
}

static void
sts_answer(const char *body, size_t n, int status)
{
	char e[WHY_MAX];

	if (cred_parse_sts(body, n, &pending, e, sizeof e) == 0 &&
	    status == 200) {
		fmt(pending.origin, sizeof pending.origin, "role %s, "
		    "session %s", E.role_arn, E.session_name);
		fetched(CRED_WEB_IDENTITY);
		return;
	}
	if (status == 200)
		set_why(CRED_WEB_IDENTITY, "STS answer: %s", e);
	else if (strncmp(e, "XML", 3) != 0 && e[0] != '\0')
		set_why(CRED_WEB_IDENTITY, "STS: HTTP %d: %s", status, e);
	else
		set_why(CRED_WEB_IDENTITY, "STS: HTTP %d%s", status,
		    status_text(status));
	net_failed();
}

static void
ecs_answer(const char *body, size_t n, int status)
{
	char e[WHY_MAX];
	char at[300];

	if (status != 200) {
		cred_json_error(body, n, e, sizeof e);
		set_why(CRED_ECS, "HTTP %d%s%s%s", status, status_text(status),
		    e[0] ? ": " : "", e);
		net_failed();
		return;
	}
	if (cred_parse_json(body, n, &pending, e, sizeof e) != 0) {
		set_why(CRED_ECS, "answer: %s", e);
		net_failed();
		return;
	}
	snprintf(at, sizeof at, "%s", N.ep.host);
	fmt(pending.origin, sizeof pending.origin, "endpoint %s", at);
	fetched(CRED_ECS);
}

static int
role_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || (c != 0 && strchr("+=,.@_-", c));
}

static void
imds_answer(const char *body, size_t n, int status)
{
	static const char *const what[3] = { "token request", "role listing",
		"credentials" };
	char e[WHY_MAX];
	size_t k;

	if (status == 401 && N.step > 0 && !N.token_retry) {
		/* The session token expired: get a new one, once. */
		httpjob_wipe(bearer.imds, sizeof bearer.imds);
		N.token_retry = 1;
		N.step = 0;
		if (imds_step() != 0)
			net_failed();
		return;
	}
	if (status != 200) {
		if (N.step == 1 && status == 404)
			set_why(CRED_IMDS, "no IAM role is attached to the "
			    "instance (HTTP 404)");
		else
			set_why(CRED_IMDS, "%s: HTTP %d%s", what[N.step], status,
			    status_text(status));
		net_failed();
		return;
	}
	switch (N.step) {
	case 0:
		while (n > 0 && (body[n - 1] == '\n' || body[n - 1] == '\r'))
			n--;
		if (n == 0 || n >= sizeof bearer.imds ||
		    cred_check_token(body, n) != NULL) {
			set_why(CRED_IMDS, "token request: not a usable token");
			net_failed();
			return;
		}
		memcpy(bearer.imds, body, n);
		bearer.imds[n] = '\0';
		imds_token_until = loop_now() + (IMDS_TTL_S - 60) * 1000ull;
		break;
	case 1:
		for (k = 0; k < n && role_char((unsigned char)body[k]); k++)
			;
		if (k == 0 || k >= sizeof N.role || (k < n && body[k] != '\n' &&
		    body[k] != '\r')) {
			set_why(CRED_IMDS, "role listing: not a role name");
			net_failed();
			return;
		}
		memcpy(N.role, body, k);
		N.role[k] = '\0';
		break;
	default:
		if (cred_parse_json(body, n, &pending, e, sizeof e) != 0) {
			set_why(CRED_IMDS, "role %s: %s", N.role, e);
			net_failed();
			return;
		}
		fmt(pending.origin, sizeof pending.origin, "role %s at %s",
		    N.role, N.ep.host);
		fetched(CRED_IMDS);
		return;
	}
	N.step++;
	httpjob_wipe(N.body, sizeof N.body);
	if (imds_step() != 0)
		net_failed();
}

static void
net_done(struct httpjob *j, int err)
{
	const char *body = (const char *)N.body;
	size_t n = j->body_len;

	if (err != 0) {
		if (N.src == CRED_IMDS)
			set_why(N.src, "%s%s", N.step == 0 ? "" : N.step == 1 ?
			    "role listing: " : "credentials: ", j->why);
		else if (N.by_name) /* the address alone would not say which */
			set_why(N.src, "%s: %s", N.ep.host, j->why);
		else
			set_why(N.src, "%s", j->why);
		net_failed();
		return;
	}
	N.body[n < sizeof N.body ? n : sizeof N.body - 1] = '\0';
	log_debug("credentials: %s: HTTP %d, %zu bytes", cred_source_name(N.src),
	    j->status, n);
	switch (N.src) {
	case CRED_WEB_IDENTITY:
		sts_answer(body, n, j->status);
		break;
	case CRED_ECS:
		ecs_answer(body, n, j->status);
		break;
	default:
		imds_answer(body, n, j->status);
		break;
	}
	if (!httpjob_busy(&N.job))
		wipe_exchange();
}

/* ---- the walk ---------------------------------------------------------------------- */

static void
walk_next(void)
{
	while (walk_pos < CRED_NSRC) {
		int s = walk_pos++;

		if (E.pin != CRED_AUTO && s != E.pin)
			continue;
		if (!cred_source_built(s)) {
			set_why(s, "not in this build");
			continue;
		}
		switch (s) {
		case CRED_CONFIG:
		case CRED_ENV:
		case CRED_PROFILE:
			tried[s] = 1;
			if (E.st[s] == ST_OK) {
				use(s);
				return;
			}
			if (E.st[s] == ST_BROKEN) {
				/* Set up but broken: fix it, do not guess. */
				walk_pos = CRED_NSRC;
				walk_failed();
				return;
			}
			continue;
		default:
			if (net_start(s, 0) == 0)
				return;
			continue;
		}
	}
	walk_failed();
}

void
cred_start(cred_event_fn fn, void *ctx)
{
	ev_fn = fn;
	ev_ctx = ctx;
	t_walk.cb = walk_timer;
	timer_arm(&t_walk, 0);
}

static void
refresh_start(void)
{
	int src;

	if (cur == NULL || httpjob_busy(&N.job))
		return;
	src = cur->source;
	log_debug("credentials: refreshing from %s", cred_source_name(src));
	if (net_start(src, 1) != 0)
		net_failed();
}

const struct cred *
cred_get(void)
{
	if (cur == NULL || stale)
		return NULL;
	if (cur->expiration != 0 && (int64_t)loop_wall() >= cur->expiration)
		return NULL;
	return cur;
}

int
cred_invalidate(void)
{
	uint64_t now = loop_now(), wait;

	if (cur == NULL)
		return 0;
	if (cur->source != CRED_WEB_IDENTITY && cur->source != CRED_ECS &&
	    cur->source != CRED_IMDS) {
		log_warnx("AWS credentials from %s were refused as expired; "
		    "they cannot be refreshed", cred_source_name(cur->source));
		return -1;
	}
	stale = 1;
	if (httpjob_busy(&N.job))
		return 0;               /* a refresh is on its way */
	/* Not more than one fetch every CRED_REFRESH_MIN seconds. */
	wait = last_fetch + CRED_REFRESH_MIN * 1000 > now ?
	    last_fetch + CRED_REFRESH_MIN * 1000 - now : 0;
	log_info("AWS credentials refused as expired: refreshing from %s",
	    cred_source_name(cur->source));
	t_refresh.cb = refresh_timer;
	timer_arm(&t_refresh, wait);
	return 0;
}

void
cred_stop(void)
{
	int i;

	httpjob_cancel(&N.job);
	httpjob_shutdown();
	if (N.resolving)
		resolve_cancel(&N.rr);
	N.resolving = 0;
	timer_disarm(&t_walk);
	timer_disarm(&t_refresh);
	wipe_exchange();
	httpjob_wipe(&bearer, sizeof bearer);
	imds_token_until = 0;
	for (i = 0; i < CRED_NSRC; i++)
		cred_wipe(&slot[i]);
	cur = NULL;
	stale = 0;
	walk_failures = refresh_failures = 0;
#if CFG_TLS
	tls_sessions_wipe(&sessions);
	tls_ca_free(&ca);
#endif
}
