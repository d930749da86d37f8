/*
 * sigv4cmd.c — `xfrsync sigv4`: sign one raw HTTP/1.1 request.
 *
 *   xfrsync sigv4 --region R --service S [--date YYYYMMDDTHHMMSSZ]
 *                 [--unsigned-token] [-v]  < request  > signed-request
 *
 * A debugging aid (like curl --aws-sigv4) and the conformance harness of
 * sigv4/ against the AWS SigV4 test suite and botocore.  The request on
 * stdin is a request line, header lines (obs-fold continuation lines
 * allowed), then an empty line and the body, which is everything after
 * it; without the empty line there is no body.  Lines end in CRLF (as on
 * the wire) or LF (as in the suite's .req files): the ending of the
 * request line decides which form the output takes.
 *
 * The output is the request as read, with header lines added at the end
 * of its header block: X-Amz-Date (unless the request has one: its value
 * is then the time signed), X-Amz-Security-Token (when AWS_SESSION_TOKEN
 * is set and the request lacks it) and Authorization — spelled as in the
 * suite's .sreq files ("X-Amz-Date:D", "Authorization: A").  LF form
 * follows the .sreq files exactly: no empty line and no final newline
 * unless there is a body.  CRLF form is a valid HTTP/1.1 message.
 *
 * Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the
 * optional AWS_SESSION_TOKEN; the time from --date, the request's
 * X-Amz-Date or the clock.  X-Amz-Content-SHA256, when present, is the
 * payload hash signed (S3's UNSIGNED-PAYLOAD), as botocore does; else the
 * body is hashed.  --service s3 selects S3's path rules.  -v also prints
 * the canonical request and the string to sign on stderr.  The secret
 * never appears in any output.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/sigv4cmd.h"
#include "sigv4/sigv4.h"

#define INPUT_MAX (64u << 20)   /* far beyond any request worth signing */
#define METHOD_MAX 32

static const char USAGE[] = "usage: xfrsync sigv4 --region R --service S "
    "[--date YYYYMMDDTHHMMSSZ] [--unsigned-token] [-v] < request\n";

struct req {
	char *buf;
	size_t len;
	int crlf;                 /* the request line ends in CRLF */
	size_t head_end;          /* end of the header block, before its EOL */
	const char *body;
	size_t body_len;
	char method[METHOD_MAX + 1];
	const char *path, *query; /* query: NULL without a '?' */
	size_t path_len, query_len;
	struct sv4_header *h;
	size_t nh;
};

/* One line on stderr; returns the exit status of an error. */
__attribute__((format(printf, 1, 2))) static int
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("xfrsync sigv4: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int
slurp(int fd, struct req *r)
{
	size_t cap = 1 << 14;
	char *nb;
	ssize_t k;

	if ((r->buf = malloc(cap)) == NULL)
		return -1;
	r->len = 0;
	for (;;) {
		if (r->len == cap) {
			if (cap >= INPUT_MAX) {
				errno = EFBIG;
				return -1;
			}
			if ((nb = realloc(r->buf, cap * 2)) == NULL)
				return -1;
			r->buf = nb;
			cap *= 2;
		}
		k = read(fd, r->buf + r->len, cap - r->len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			return 0;
		r->len += (size_t)k;
	}
}

/*
 * The line starting at *off: its content [*start, *end) without the EOL,
 * and *off moved past the EOL.  Returns 0 at the end of the input.
 */
static int
next_line(const struct req *r, size_t *off, size_t *start, size_t *end,
    int *crlf)
{
	const char *nl;

	if (*off >= r->len)
		return 0;
	*start = *off;
	nl = memchr(r->buf + *off, '\n', r->len - *off);
	*end = nl ? (size_t)(nl - r->buf) : r->len;
	*off = nl ? *end + 1 : r->len;
	*crlf = *end > *start && r->buf[*end - 1] == '\r';
	if (*crlf)
		(*end)--;
	return 1;
}

static int
tchar(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int
parse_request_line(struct req *r, size_t start, size_t end)
{
	const char *l = r->buf + start, *sp1, *sp2, *t, *q;
	size_t n = end - start;

	sp1 = memchr(l, ' ', n);
	for (sp2 = l + n; sp2 > l && sp2[-1] != ' '; sp2--)
		;
	if (sp1 == NULL || --sp2 <= sp1 || l + n - (sp2 + 1) < 6 ||
	    memcmp(sp2 + 1, "HTTP/", 5) != 0)
		return fail("line 1: not an HTTP request line "
		    "(METHOD TARGET HTTP/1.1)");
	if ((size_t)(sp1 - l) > METHOD_MAX)
		return fail("line 1: method longer than %d bytes", METHOD_MAX);
	memcpy(r->method, l, (size_t)(sp1 - l));
	r->method[sp1 - l] = '\0';
	t = sp1 + 1;
	if (t == sp2 || *t != '/')
		return fail("line 1: the request target must be a path "
		    "starting with '/'");
	q = memchr(t, '?', (size_t)(sp2 - t));
	r->path = t;
	r->path_len = (size_t)((q ? q : sp2) - t);
	r->query = q ? q + 1 : NULL;
	r->query_len = q ? (size_t)(sp2 - (q + 1)) : 0;
	return 0;
}

static int
parse(struct req *r)
{
	size_t off = 0, start, end, lineno = 1, cap = 0, i;
	int crlf;
	const char *colon;

	if (!next_line(r, &off, &start, &end, &crlf))
		return fail("no request on stdin");
	r->crlf = crlf;
	if (parse_request_line(r, start, end))
		return 1;
	r->head_end = end;
	r->body = r->buf + r->len;
	r->body_len = 0;
	while (next_line(r, &off, &start, &end, &crlf)) {
		lineno++;
		if (start == end) { /* the empty line: the body follows */
			r->body = r->buf + off;
			r->body_len = r->len - off;
			break;
		}
		r->head_end = end;
		if (r->buf[start] == ' ' || r->buf[start] == '\t') {
			if (r->nh == 0)
				return fail("line %zu: continuation line "
				    "before any header", lineno);
			/* obs-fold: the value runs on (sigv4/ unfolds it) */
			r->h[r->nh - 1].value_len =
			    end - (size_t)(r->h[r->nh - 1].value - r->buf);
			continue;
		}
		colon = memchr(r->buf + start, ':', end - start);
		if (colon == NULL)
			return fail("line %zu: not a header line (no ':')",
			    lineno);
		for (i = start; r->buf + i < colon; i++)
			if (!tchar(r->buf[i]))
				return fail("line %zu: bad header name (not an "
				    "HTTP token)", lineno);
		if (r->buf + start == colon)
			return fail("line %zu: empty header name", lineno);
		if (r->nh == cap) {
			struct sv4_header *nh;

			cap = cap ? 2 * cap : 32;
			if ((nh = realloc(r->h, cap * sizeof *nh)) == NULL)
				return fail("%s", strerror(errno));
			r->h = nh;
		}
		r->h[r->nh].name = r->buf + start;
		r->h[r->nh].name_len = (size_t)(colon - (r->buf + start));
		r->h[r->nh].value = colon + 1;
		r->h[r->nh].value_len = end - (size_t)(colon + 1 - r->buf);
		r->nh++;
	}
	return 0;
}

static int
name_is(const struct sv4_header *h, const char *lname)
{
	size_t i;

	if (strlen(lname) != h->name_len)
		return 0;
	for (i = 0; i < h->name_len; i++)
		if (tolower((unsigned char)h->name[i]) != lname[i])
			return 0;
	return 1;
}

/* A header value trimmed of spaces and tabs, as a new string. */
static char *
trimmed(const struct sv4_header *h)
{
	const char *v = h->value;
	size_t n = h->value_len;
	char *s;

	while (n && (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n'))
		v++, n--;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' ||
	    v[n - 1] == '\n'))
		n--;
	if ((s = malloc(n + 1)) != NULL) {
		memcpy(s, v, n);
		s[n] = '\0';
	}
	return s;
}

struct opts {
	const char *region, *service, *date;
	int verbose, unsigned_token;
};

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof *o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **val = NULL;

		if (strcmp(a, "--region") == 0)
			val = &o->region;
		else if (strcmp(a, "--service") == 0)
			val = &o->service;
		else if (strcmp(a, "--date") == 0)
			val = &o->date;
		else if (strcmp(a, "-v") == 0)
			o->verbose = 1;
		else if (strcmp(a, "--unsigned-token") == 0)
			o->unsigned_token = 1;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(USAGE, stdout);
			return 0;
		} else {
			fail("unknown option '%s' (see --help)", a);
			return 2;
		}
		if (val != NULL) {
			if (++i == argc) {
				fail("%s needs a value (see --help)", a);
				return 2;
			}
			*val = argv[i];
		}
	}
	if (o->region == NULL || o->service == NULL) {
		fail("--region and --service are required (see --help)");
		return 2;
	}
	if (o->date != NULL && sv4_check_amz_date(o->date) < 0) {
		fail("bad --date '%s': expected YYYYMMDDTHHMMSSZ (UTC)",
		    o->date);
		return 2;
	}
	return -1;
}

static struct sv4_key_cache cache;

/* Sign, growing the output buffers until they fit. */
static int
sign(const struct sv4_request *rq, const struct sv4_creds *cr,
    const struct opts *o, const char *date, struct sv4_output *out)
{
	int rc, tries;

	memset(out, 0, sizeof *out);
	out->authorization_size = 512;
	out->canonical_request_size = o->verbose ? 4096 : 0;
	out->string_to_sign_size = o->verbose ? 512 : 0;
	for (tries = 0; tries < 2; tries++) {
		free(out->authorization);
		free(out->canonical_request);
		free(out->string_to_sign);
		out->authorization = malloc(out->authorization_size);
		out->canonical_request = o->verbose ?
		    malloc(out->canonical_request_size) : NULL;
		out->string_to_sign = o->verbose ?
		    malloc(out->string_to_sign_size) : NULL;
		if (out->authorization == NULL || (o->verbose &&
		    (!out->canonical_request || !out->string_to_sign)))
			return fail("%s", strerror(ENOMEM));
		rc = sv4_sign(rq, cr, o->region, o->service, date, &cache, out);
		if (rc != SV4_ESPACE)
			break;
		out->authorization_size = out->authorization_len + 1;
		out->canonical_request_size = out->canonical_request_len + 1;
		out->string_to_sign_size = out->string_to_sign_len + 1;
	}
	if (rc < 0)
		return fail("cannot sign: %s", sv4_strerror(rc));
	return 0;
}

static int
run(const struct opts *o, struct req *r)
{
	const char *akid = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");
	char date[SV4_AMZ_DATE_LEN + 1], hash[SV4_HASH_HEX_LEN + 1];
	char *req_date = NULL, *req_token = NULL, *req_hash = NULL;
	const char *eol = r->crlf ? "\r\n" : "\n";
	struct sv4_request rq;
	struct sv4_creds cr;
	struct sv4_output out;
	size_t i, ndate = 0;
	int rc = 1;

	if (akid == NULL || *akid == '\0')
		return fail("AWS_ACCESS_KEY_ID is not set");
	if (secret == NULL || *secret == '\0')
		return fail("AWS_SECRET_ACCESS_KEY is not set");
	if (token != NULL && *token == '\0')
		token = NULL;
	memset(&out, 0, sizeof out);
	for (i = 0; i < r->nh; i++) {
		const struct sv4_header *h = &r->h[i];
		char **slot = NULL;

		if (name_is(h, "authorization")) {
			fail("the request is already signed (it has an "
			    "Authorization header)");
			goto done;
		}
		if (name_is(h, "x-amz-date")) {
			slot = &req_date;
			ndate++;
		} else if (name_is(h, "x-amz-security-token"))
			slot = &req_token;
		else if (name_is(h, "x-amz-content-sha256"))
			slot = &req_hash;
		if (slot != NULL) {
			free(*slot);
			if ((*slot = trimmed(h)) == NULL) {
				fail("%s", strerror(ENOMEM));
				goto done;
			}
		}
	}
	if (ndate > 1) {
		fail("the request has more than one X-Amz-Date header");
		goto done;
	}
	if (req_date != NULL) {
		if (sv4_check_amz_date(req_date) < 0) {
			fail("the request's X-Amz-Date '%s' is not "
			    "YYYYMMDDTHHMMSSZ", req_date);
			goto done;
		}
		if (o->date != NULL && strcmp(o->date, req_date) != 0) {
			fail("the request's X-Amz-Date %s differs from --date "
			    "%s", req_date, o->date);
			goto done;
		}
		memcpy(date, req_date, sizeof date);
	} else if (o->date != NULL)
		memcpy(date, o->date, sizeof date);
	else if (sv4_amz_date((int64_t)time(NULL), date) < 0) {
		fail("the clock is outside 1970-9999");
		goto done;
	}
	if (token != NULL && req_token != NULL &&
	    strcmp(token, req_token) != 0) {
		fail("the request's X-Amz-Security-Token differs from "
		    "AWS_SESSION_TOKEN");
		goto done;
	}
	if (req_hash == NULL)
		sv4_payload_hash(r->body, r->body_len, hash);

	rq.method = r->method;
	rq.path = r->path;
	rq.path_len = r->path_len;
	rq.query = r->query;
	rq.query_len = r->query_len;
	rq.headers = r->h;
	rq.header_count = r->nh;
	rq.payload_hash = req_hash ? req_hash : hash;
	rq.flags = (strcmp(o->service, "s3") == 0 ? SV4_S3 : 0) |
	    (o->unsigned_token ? SV4_TOKEN_UNSIGNED : 0);
	cr.access_key_id = akid;
	cr.secret = secret;
	cr.session_token = token;
	if (sign(&rq, &cr, o, date, &out))
		goto done;

	if (o->verbose) {
		fputs("---- canonical request ----\n", stderr);
		fwrite(out.canonical_request, 1, out.canonical_request_len,
		    stderr);
		fputs("\n---- string to sign ----\n", stderr);
		fwrite(out.string_to_sign, 1, out.string_to_sign_len, stderr);
		fputc('\n', stderr);
	}
	fwrite(r->buf, 1, r->head_end, stdout);
	if (req_date == NULL)
		printf("%sX-Amz-Date:%s", eol, date);
	if (token != NULL && req_token == NULL)
		printf("%sX-Amz-Security-Token:%s", eol, token);
	printf("%sAuthorization: %s", eol, out.authorization);
	if (r->crlf || r->body_len)
		printf("%s%s", eol, eol);
	fwrite(r->body, 1, r->body_len, stdout);
	if (fflush(stdout) != 0 || ferror(stdout))
		fail("writing the signed request: %s", strerror(errno));
	else
		rc = 0;
done:
	free(req_date);
	free(req_token);
	free(req_hash);
	free(out.authorization);
	free(out.canonical_request);
	free(out.string_to_sign);
	return rc;
}

int
sigv4_main(int argc, char **argv)
{
	struct opts o;
	struct req r;
	int rc;

	if ((rc = parse_opts(argc, argv, &o)) >= 0)
		return rc;
	memset(&r, 0, sizeof r);
	if (slurp(STDIN_FILENO, &r) < 0)
		rc = fail("reading stdin: %s", strerror(errno));
	else if ((rc = parse(&r)) == 0)
		rc = run(&o, &r);
	sv4_key_cache_wipe(&cache);
	free(r.h);
	free(r.buf);
	return rc;
}
