/*
 * cred.h — AWS credentials: where they come from, where they are kept,
 * when they are refreshed.
 *
 * Providers, tried in this order (../shared/reference/sigv4-credentials.md),
 * each compiled in by its Kconfig option; the configuration
 * (aws { credentials-source NAME }) or `xfrsync credentials --source` can
 * pin one:
 *
 *   config        aws { access-key-id; secret-access-key; session-token }
 *   env           AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, and
 *                 AWS_SESSION_TOKEN (botocore's legacy AWS_SECURITY_TOKEN
 *                 first, as botocore does)
 *   web-identity  AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
 *                 (+ AWS_ROLE_SESSION_NAME; AWS_REGION picks the regional
 *                 STS endpoint): unsigned STS AssumeRoleWithWebIdentity,
 *                 POST with the query protocol; the token file is read
 *                 again for every refresh
 *   profile       the shared credentials file (AWS_SHARED_CREDENTIALS_FILE,
 *                 ~/.aws/credentials), then the shared config file
 *                 (AWS_CONFIG_FILE, ~/.aws/config); the profile from the
 *                 configuration, AWS_PROFILE or "default" (cred_file.c)
 *   ecs           AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (http://169.254.170.2
 *                 and the URI) or _FULL_URI (https, loopback, or the ECS/EKS
 *                 link-local hosts), Authorization from
 *                 AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read for every
 *                 request) or AWS_CONTAINER_AUTHORIZATION_TOKEN
 *   imds          EC2 instance metadata, IMDSv2 only (a token refused is
 *                 an error, never a fallback to IMDSv1), 1 s timeouts;
 *                 http://169.254.169.254, [fd00:ec2::254] with
 *                 AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6, or
 *                 AWS_EC2_METADATA_SERVICE_ENDPOINT; off with
 *                 AWS_EC2_METADATA_DISABLED=true
 *
 * An endpoint given by name (STS) is resolved on the loop by
 * agent/resolve (resolv.conf is read by cred_init); numeric ones are used
 * as they are.  The aws block's test-only test-endpoint points STS, IMDS
 * and the container endpoint at a stand-in (tests/system/awsstub.py).
 *
 * The environment and the shared files are read once, by cred_init(),
 * before the sandbox; what the network providers need from the
 * environment is captured then.  The chain walks the providers in order
 * until one yields credentials: a provider that is not set up is skipped,
 * a network provider that fails (error answer, timeout) is passed over,
 * and a static source that is set up but broken (only one of the two keys,
 * a malformed shared file, a profile named but absent) ends the walk, as
 * botocore's PartialCredentialsError, ConfigParseError and
 * ProfileNotFound do.
 *
 * Temporary credentials (from web-identity, ecs, imds, or any source with
 * an expiration) are refreshed by the same provider CRED_REFRESH_MARGIN
 * seconds before they expire, and after cred_invalidate() (an
 * ExpiredToken answer) at once — but never sooner than CRED_REFRESH_MIN
 * seconds after the last answer, so that a service that keeps refusing
 * does not make us hammer the provider.  A failed refresh keeps the
 * current credentials while they last and is retried with a backoff.
 *
 * Secrets: the access keys and session tokens live only in struct cred
 * (here and, for the config source, in the loaded struct conf), are wiped
 * when replaced and by cred_stop(), and never reach a log line, an error
 * message or status output: every text this module produces names at
 * most the source, the access key ID, whether there is a session token,
 * and the expiration.  The process is made non-dumpable (no core file,
 * no ptrace by the same user) by cred_init().
 */
#ifndef XFRSYNC_AGENT_CRED_H
#define XFRSYNC_AGENT_CRED_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Buffer sizes, NUL included. */
#define CRED_AKID_MAX 128       /* AWS: 16 to 128 characters */
#define CRED_SECRET_MAX 128
#define CRED_TOKEN_MAX 8192     /* AWS sets no bound; ~1 KB in practice */
#define CRED_ORIGIN_MAX 256

/* Refresh this long before Expiration (seconds). */
#define CRED_REFRESH_MARGIN 300

enum cred_source {
	CRED_CONFIG = 0,
	CRED_ENV,
	CRED_WEB_IDENTITY,
	CRED_PROFILE,
	CRED_ECS,
	CRED_IMDS,
	CRED_NSRC
};
#define CRED_AUTO (-1)          /* no source pinned: walk the chain */
#define CRED_PIN_CONF (-3)      /* cred_init: as the configuration says */

/* One set of credentials. */
struct cred {
	char access_key_id[CRED_AKID_MAX];
	char secret[CRED_SECRET_MAX];
	char token[CRED_TOKEN_MAX];     /* "" without a session token */
	int64_t expiration;             /* Unix seconds; 0: never expires */
	int source;                     /* enum cred_source */
	char origin[CRED_ORIGIN_MAX];   /* where from (profile and file, role,
	                                   endpoint); never a secret */
};

/* ---- the providers on the loop (cred.c) --------------------------------- */

struct conf_aws;

/* Events passed to the cred_start() callback. */
enum cred_event {
	CRED_EV_READY = 1,      /* the chain found credentials */
	CRED_EV_FAILED,         /* the chain found none: cred_failure() says
	                           why; it is walked again later */
	CRED_EV_REFRESHED,      /* temporary credentials were replaced */
	CRED_EV_REFRESH_FAILED  /* a refresh failed: cred_failure() */
};
typedef void (*cred_event_fn)(void *ctx, int ev);

/*
 * Capture the environment, read the shared files, load the CA file of
 * the aws block (aws may be NULL: no aws block), and remember the pinned
 * source: pin, a source or CRED_AUTO (the command line's choice), or
 * CRED_PIN_CONF for the configuration's.  0, or -1 with err
 * set: a pinned source that is not in this build, an unreadable CA file.
 * Problems of a provider are not errors here: the chain reports them.
 */
int cred_init(const struct conf_aws *aws, int pin, char *err, size_t errlen);

/* Walk the chain on the loop; fn(ctx, event) reports progress. */
void cred_start(cred_event_fn fn, void *ctx);

/* The current credentials, or NULL (none yet, expired, invalidated). */
const struct cred *cred_get(void);

/*
 * The credentials were refused as expired (ExpiredToken and the like):
 * stop using them and refresh now.  Static credentials cannot be
 * refreshed: they are kept, and the caller is told so (-1).
 */
int cred_invalidate(void);

/* Cancel every job and timer, wipe every secret. */
void cred_stop(void);

/*
 * Why the last walk or refresh failed, one line per provider tried:
 * "env: AWS_ACCESS_KEY_ID is not set; imds: ...".  Never a secret.
 */
const char *cred_failure(void);

/* The source in use ("none" before the chain ends). */
const char *cred_source_in_use(void);

/* One status line, no secret: "imds (role r), key ASIA..., session
 * token, expires 2024-01-02T03:04:05Z". */
void cred_status(char *buf, size_t cap);

/* ---- pure parts: names, values, times (cred_parse.c) --------------------- */

/* "config", "env", "web-identity", "profile", "ecs", "imds". */
const char *cred_source_name(int src);
/* The source named s, CRED_AUTO for "auto", or -2 if unknown. */
int cred_source_parse(const char *s);
/* 1 if src is compiled in (its Kconfig option). */
int cred_source_built(int src);

/* Wipe c entirely. */
void cred_wipe(struct cred *c);

/* What a value must be to be used: printable ASCII without spaces, not
 * empty, shorter than the buffer.  NULL if s is acceptable, else why
 * (never quoting s). */
const char *cred_check_akid(const char *s, size_t n);
const char *cred_check_secret(const char *s, size_t n);
const char *cred_check_token(const char *s, size_t n);

/* Copy s[0..n) into dst (cap bytes) after the check; NULL or why. */
const char *cred_set_value(char *dst, size_t cap, const char *s, size_t n,
    const char *(*check)(const char *, size_t));

/*
 * An ISO 8601 UTC time as AWS writes it: "2024-01-02T03:04:05Z", with
 * optional fractional seconds and "Z", "+HH:MM" or "-HH:MM".  0 and
 * *out in Unix seconds, or -1.
 */
int cred_time_parse(const char *s, size_t n, int64_t *out);
/* "2024-01-02T03:04:05Z" (21 bytes with the NUL). */
void cred_time_format(int64_t t, char out[21]);
/* "5h 59m", "4m 10s", "expired" (for expiration - now). */
void cred_time_left(int64_t left, char *out, size_t cap);

/*
 * Seconds from now until credentials expiring at exp (0: never) should be
 * refreshed: margin seconds before exp; when already inside the margin,
 * half the time left, at least CRED_REFRESH_MIN and at most
 * CRED_REFRESH_INSIDE; -1 when they never expire.
 */
#define CRED_REFRESH_MIN 5
#define CRED_REFRESH_INSIDE 60
int64_t cred_refresh_delay(int64_t now, int64_t exp, unsigned margin);
/* The wait before retry number n (0, 1, ...) after failures: first,
 * doubling, at most CRED_RETRY_MAX. */
#define CRED_RETRY_FIRST 5
#define CRED_RETRY_MAX 300
unsigned cred_retry_delay(unsigned n, unsigned first);

/* ---- pure parts: answers of the network providers (cred_parse.c) -------- */

/*
 * A field to pick out of a JSON object or an XML document.  parent (XML
 * only) is the enclosing element's local name, NULL for any.  The value,
 * decoded, goes into buf (NUL-terminated); seen counts occurrences.
 */
struct cred_field {
	const char *parent;
	const char *name;
	char *buf;
	size_t cap;
	int seen;
};

/*
 * A flat JSON object (RFC 8259): string fields listed in f are decoded
 * into their buffers; other members may hold any value (nested ones are
 * skipped, up to a depth of 16).  0, or -1 with err saying what is wrong
 * (a listed field that is not a string, too long or repeated; bad JSON;
 * anything after the object) — never quoting a value.
 */
int cred_json_read(const char *p, size_t n, struct cred_field *f, size_t nf,
    char *err, size_t errlen);

/*
 * An XML document, enough of XML 1.0 for AWS's query-protocol answers:
 * prolog, comments, elements with attributes, character and entity
 * references, CDATA; no DTD.  The root element's local name goes into
 * root.  Text of the listed elements (local names, namespace prefixes
 * ignored) is decoded into their buffers.  0 or -1 with err.
 */
int cred_xml_read(const char *p, size_t n, char *root, size_t rootcap,
    struct cred_field *f, size_t nf, char *err, size_t errlen);

/*
 * The credentials in an IMDS or ECS answer: {"AccessKeyId",
 * "SecretAccessKey", "Token", "Expiration"} (IMDS adds "Code": it must be
 * "Success").  out's keys, token and expiration are set; 0 or -1 with err.
 * Token and Expiration may be absent from a container endpoint's answer.
 */
int cred_parse_json(const char *p, size_t n, struct cred *out, char *err,
    size_t errlen);

/*
 * The credentials in an STS AssumeRoleWithWebIdentity answer
 * (…Result/Credentials/{AccessKeyId, SecretAccessKey, SessionToken,
 * Expiration}).  An ErrorResponse gives -1 with err "Code: Message".
 */
int cred_parse_sts(const char *p, size_t n, struct cred *out, char *err,
    size_t errlen);

/* The "code"/"message" (or "Code"/"Message") of a JSON error answer, as
 * "Code: message", printable ASCII only; "" if there are none. */
void cred_json_error(const char *p, size_t n, char *out, size_t cap);

/* application/x-www-form-urlencoded value: unreserved characters kept,
 * the rest %XX.  Returns the length needed, snprintf-style. */
size_t cred_form_escape(char *out, size_t cap, const char *s);

/* ---- pure parts: endpoint URLs (cred_parse.c) ----------------------------- */

struct cred_url {
	int tls;                        /* https */
	char host[256];                 /* without brackets */
	uint16_t port;
	char path[2048];                /* "/..." with the query */
	int numeric;                    /* host is an IP address */
	struct sockaddr_storage addr;   /* when numeric (or localhost) */
	socklen_t addrlen;
};

/*
 * Parse "http[s]://host[:port][/path]" (host a name, an IPv4 address or
 * a bracketed IPv6 one).  "localhost" counts as 127.0.0.1, the only name
 * that needs no resolver.  0, or -1 with err.
 */
int cred_url_parse(const char *s, struct cred_url *u, char *err,
    size_t errlen);

/* 1 if u may serve container credentials: https, a loopback address, or
 * one of the ECS/EKS link-local hosts (169.254.170.2, 169.254.170.23,
 * fd00:ec2::23). */
int cred_url_ecs_allowed(const struct cred_url *u);

/* ---- pure parts: the shared files (cred_file.c) ---------------------------- */

enum cred_file_kind {
	CRED_FILE_CREDENTIALS,  /* sections [name] */
	CRED_FILE_CONFIG        /* sections [profile name], and [default] */
};

/* Results of cred_file_lookup(). */
enum {
	CRED_FILE_ERROR = -1,   /* the file is malformed: err has FILE:LINE */
	CRED_FILE_NOPROFILE = 0,/* no section for the profile */
	CRED_FILE_NOKEYS = 1,   /* the profile has no aws_access_key_id */
	CRED_FILE_FOUND = 2,    /* keys in out */
	CRED_FILE_PARTIAL = 3   /* aws_access_key_id without the secret, or
	                           a value that cannot be used: err says */
};

/*
 * Find profile in the text of a shared credentials or config file, the
 * way the AWS CLI (botocore's raw_config_parse over Python's
 * configparser, then build_profile_map) reads it; see cred_file.c.  fname
 * names the file in messages.  On CRED_FILE_FOUND, out's keys and token
 * are set; on CRED_FILE_NOKEYS, err may say what the profile uses instead
 * (role_arn, sso_..., credential_process).
 */
int cred_file_lookup(const char *text, size_t len, int kind,
    const char *profile, const char *fname, struct cred *out, char *err,
    size_t errlen);

/* Read a whole file (at most max bytes) into *text (malloc'd, NUL added).
 * 0; -1 with errno (ENOENT: absent) ; EFBIG when larger than max. */
int cred_file_slurp(const char *path, size_t max, char **text, size_t *len);

#endif
