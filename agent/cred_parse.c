/*
 * cred_parse.c — the pure parts of the credential providers: source
 * names, value checks, times and refresh timing, the JSON and XML
 * readers for the answers of IMDS, ECS and STS, endpoint URLs.
 *
 * No I/O, no clock, no allocation: everything is tested on the host
 * (tests/unit/test_cred.c).  The readers decode a value straight into its
 * final buffer, so a secret is never copied through a scratch buffer, and
 * their messages give positions and field names, never a value.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agent/cred.h"
#include "xfrsync_config.h"

/* ---- names ---------------------------------------------------------------- */

static const char *const src_names[CRED_NSRC] = {
	"config", "env", "web-identity", "profile", "ecs", "imds"
};

const char *
cred_source_name(int src)
{
	if (src == CRED_AUTO)
		return "auto";
	return src >= 0 && src < CRED_NSRC ? src_names[src] : "none";
}

int
cred_source_parse(const char *s)
{
	int i;

	if (strcmp(s, "auto") == 0)
		return CRED_AUTO;
	for (i = 0; i < CRED_NSRC; i++)
		if (strcmp(s, src_names[i]) == 0)
			return i;
	return -2;
}

int
cred_source_built(int src)
{
	switch (src) {
	case CRED_CONFIG: return CFG_CRED_CONFIG;
	case CRED_ENV: return CFG_CRED_ENV;
	case CRED_WEB_IDENTITY: return CFG_CRED_WEB_IDENTITY;
	case CRED_PROFILE: return CFG_CRED_PROFILE;
	case CRED_ECS: return CFG_CRED_ECS;
	case CRED_IMDS: return CFG_CRED_IMDS;
	default: return 0;
	}
}

void
cred_wipe(struct cred *c)
{
	explicit_bzero(c, sizeof *c);
	c->source = -1;
}

/* ---- values --------------------------------------------------------------- */

static const char *
check_chars(const char *s, size_t n, size_t cap, int word)
{
	size_t i;

	if (n == 0)
		return "empty";
	if (n >= cap)
		return "too long";
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (word ? !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_') : (c <= ' ' || c >= 0x7f))
			return word ? "not made of letters and digits" :
			    "has a space, a control character or a non-ASCII "
			    "byte";
	}
	return NULL;
}

const char *
cred_check_akid(const char *s, size_t n)
{
	return check_chars(s, n, CRED_AKID_MAX, 1);
}

const char *
cred_check_secret(const char *s, size_t n)
{
	return check_chars(s, n, CRED_SECRET_MAX, 0);
}

const char *
cred_check_token(const char *s, size_t n)
{
	return check_chars(s, n, CRED_TOKEN_MAX, 0);
}

const char *
cred_set_value(char *dst, size_t cap, const char *s, size_t n,
    const char *(*check)(const char *, size_t))
{
	const char *why = check(s, n);

	if (why == NULL && n >= cap)
		why = "too long";
	if (why != NULL)
		return why;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return NULL;
}

/* ---- times ---------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int
digits(const char *s, size_t n, size_t at, size_t k, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	if (at + k > n)
		return -1;
	for (i = at; i < at + k; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int
cred_time_parse(const char *s, size_t n, int64_t *out)
{
	static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31,
		30, 31, 30, 31 };
	unsigned y, mo, d, h, mi, sec, oh = 0, om = 0;
	size_t i = 19;
	int64_t t, sign = 0;

	if (digits(s, n, 0, 4, &y) || n < 19 || s[4] != '-' ||
	    digits(s, n, 5, 2, &mo) || s[7] != '-' || digits(s, n, 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s, n, 11, 2, &h) || s[13] != ':' ||
	    digits(s, n, 14, 2, &mi) || s[16] != ':' ||
	    digits(s, n, 17, 2, &sec))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0))) || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (sec == 60)
		sec = 59;               /* a leap second: close enough */
	if (i < n && s[i] == '.') {
		if (++i >= n || s[i] < '0' || s[i] > '9')
			return -1;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '+' ? 1 : -1;
		if (digits(s, n, i + 1, 2, &oh))
			return -1;
		i += 3;
		if (i < n && s[i] == ':')
			i++;
		if (digits(s, n, i, 2, &om) || oh > 23 || om > 59)
			return -1;
		i += 2;
	} else {
		return -1;              /* no zone: not a time AWS writes */
	}
	if (i != n)
		return -1;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	*out = t - sign * (int64_t)(oh * 3600 + om * 60);
	return 0;
}

/* v as k decimal digits, zero-padded. */
static void
put_num(char *out, unsigned v, int k)
{
	while (k-- > 0) {
		out[k] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
cred_time_format(int64_t t, char out[21])
{
	int64_t z = t / 86400, era, y;
	unsigned doe, yoe, doy, mp, d, m, s = (unsigned)(t % 86400);

	if (t < 0) {
		snprintf(out, 21, "1970-01-01T00:00:00Z");
		return;
	}
	z += 719468;
	era = z / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	put_num(out, (unsigned)(y % 10000), 4);
	out[4] = '-';
	put_num(out + 5, m, 2);
	out[7] = '-';
	put_num(out + 8, d, 2);
	out[10] = 'T';
	put_num(out + 11, s / 3600, 2);
	out[13] = ':';
	put_num(out + 14, s / 60 % 60, 2);
	out[16] = ':';
	put_num(out + 17, s % 60, 2);
	out[19] = 'Z';
	out[20] = '\0';
}

void
cred_time_left(int64_t left, char *out, size_t cap)
{
	if (left <= 0)
		snprintf(out, cap, "expired");
	else if (left >= 86400)
		snprintf(out, cap, "%lldd %lldh", (long long)(left / 86400),
		    (long long)(left % 86400 / 3600));
	else if (left >= 3600)
		snprintf(out, cap, "%lldh %lldm", (long long)(left / 3600),
		    (long long)(left % 3600 / 60));
	else
		snprintf(out, cap, "%lldm %llds", (long long)(left / 60),
		    (long long)(left % 60));
}

int64_t
cred_refresh_delay(int64_t now, int64_t exp, unsigned margin)
{
	int64_t d;

	if (exp == 0)
		return -1;
	if (exp - (int64_t)margin > now)
		return exp - (int64_t)margin - now;
	d = (exp - now) / 2;
	if (d > CRED_REFRESH_INSIDE)
		d = CRED_REFRESH_INSIDE;
	if (d < CRED_REFRESH_MIN)
		d = CRED_REFRESH_MIN;
	return d;
}

unsigned
cred_retry_delay(unsigned n, unsigned first)
{
	unsigned d = first ? first : CRED_RETRY_FIRST;

	while (n-- > 0 && d < CRED_RETRY_MAX)
		d *= 2;
	return d < CRED_RETRY_MAX ? d : CRED_RETRY_MAX;
}

/* ---- errors of the readers ----------------------------------------------------- */

struct rd {
	const char *p;
	size_t n, i;
	char *err;
	size_t errlen;
	int failed;
	const char *what;               /* "JSON" or "XML" */
};

static int rd_fail(struct rd *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
rd_fail(struct rd *r, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (r->failed)
		return -1;
	r->failed = 1;
	if (r->errlen == 0)
		return -1;
	k = snprintf(r->err, r->errlen, "%s: ", r->what);
	if (k < 0 || (size_t)k >= r->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(r->err + k, r->errlen - (size_t)k, fmt, ap);
	va_end(ap);
	return -1;
}

/* Append the UTF-8 form of cp to out (NULL: count only). */
static void
put_utf8(char *out, size_t cap, size_t *len, int *overflow, unsigned cp)
{
	char b[4];
	size_t k, i;

	if (cp < 0x80) {
		b[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	for (i = 0; i < k; i++) {
		if (out != NULL && *len + 1 < cap)
			out[*len] = b[i];
		else if (out != NULL)
			*overflow = 1;
		(*len)++;
	}
	if (out != NULL && *len < cap)
		out[*len] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- JSON ------------------------------------------------------------------------ */

#define JSON_DEPTH 16

static void
j_ws(struct rd *r)
{
	while (r->i < r->n && (r->p[r->i] == ' ' || r->p[r->i] == '\t' ||
	    r->p[r->i] == '\n' || r->p[r->i] == '\r'))
		r->i++;
}

static int
j_hex4(struct rd *r, unsigned *out)
{
	unsigned v = 0;
	int k, h;

	if (r->i + 4 > r->n)
		return rd_fail(r, "truncated \\u escape at byte %zu", r->i);
	for (k = 0; k < 4; k++) {
		if ((h = hexval((unsigned char)r->p[r->i + (size_t)k])) < 0)
			return rd_fail(r, "bad \\u escape at byte %zu", r->i);
		v = v * 16 + (unsigned)h;
	}
	r->i += 4;
	*out = v;
	return 0;
}

/*
 * A string, the opening quote next; its decoded form into out (NULL:
 * skipped), *len its full length, *overflow set when it did not fit.
 */
static int
j_string(struct rd *r, char *out, size_t cap, size_t *len, int *overflow)
{
	unsigned cp, lo;

	*len = 0;
	*overflow = 0;
	if (out != NULL && cap > 0)
		out[0] = '\0';
	if (r->i >= r->n || r->p[r->i] != '"')
		return rd_fail(r, "expected a string at byte %zu", r->i);
	r->i++;
	for (;;) {
		unsigned char c;

		if (r->i >= r->n)
			return rd_fail(r, "unterminated string");
		c = (unsigned char)r->p[r->i++];
		if (c == '"')
			return 0;
		if (c < 0x20)
			return rd_fail(r, "control character in a string at "
			    "byte %zu", r->i - 1);
		if (c != '\\') {
			if (out != NULL && *len + 1 < cap) {
				out[*len] = (char)c;
				out[*len + 1] = '\0';
			} else if (out != NULL) {
				*overflow = 1;
			}
			(*len)++;
			continue;
		}
		if (r->i >= r->n)
			return rd_fail(r, "unterminated string");
		c = (unsigned char)r->p[r->i++];
		switch (c) {
		case '"': case '\\': case '/': cp = c; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (j_hex4(r, &cp) < 0)
				return -1;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return rd_fail(r, "lone low surrogate at byte %zu",
				    r->i - 6);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (r->i + 2 > r->n || r->p[r->i] != '\\' ||
				    r->p[r->i + 1] != 'u')
					return rd_fail(r, "lone high surrogate "
					    "at byte %zu", r->i - 6);
				r->i += 2;
				if (j_hex4(r, &lo) < 0)
					return -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return rd_fail(r, "bad surrogate pair at "
					    "byte %zu", r->i - 12);
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			if (cp == 0)
				return rd_fail(r, "\\u0000 in a string");
			break;
		default:
			return rd_fail(r, "bad escape at byte %zu", r->i - 2);
		}
		put_utf8(out, cap, len, overflow, cp);
	}
}

static int j_skip(struct rd *r, int depth);

static int
j_number(struct rd *r)
{
	size_t s = r->i;

	if (r->i < r->n && r->p[r->i] == '-')
		r->i++;
	if (r->i < r->n && r->p[r->i] == '0') {
		r->i++;
	} else if (r->i < r->n && r->p[r->i] >= '1' && r->p[r->i] <= '9') {
		while (r->i < r->n && r->p[r->i] >= '0' && r->p[r->i] <= '9')
			r->i++;
	} else {
		return rd_fail(r, "bad value at byte %zu", s);
	}
	if (r->i < r->n && r->p[r->i] == '.') {
		r->i++;
		if (r->i >= r->n || r->p[r->i] < '0' || r->p[r->i] > '9')
			return rd_fail(r, "bad number at byte %zu", s);
		while (r->i < r->n && r->p[r->i] >= '0' && r->p[r->i] <= '9')
			r->i++;
	}
	if (r->i < r->n && (r->p[r->i] == 'e' || r->p[r->i] == 'E')) {
		r->i++;
		if (r->i < r->n && (r->p[r->i] == '+' || r->p[r->i] == '-'))
			r->i++;
		if (r->i >= r->n || r->p[r->i] < '0' || r->p[r->i] > '9')
			return rd_fail(r, "bad number at byte %zu", s);
		while (r->i < r->n && r->p[r->i] >= '0' && r->p[r->i] <= '9')
			r->i++;
	}
	return 0;
}

static int
j_word(struct rd *r, const char *w)
{
	size_t k = strlen(w);

	if (r->i + k > r->n || memcmp(r->p + r->i, w, k) != 0)
		return rd_fail(r, "bad value at byte %zu", r->i);
	r->i += k;
	return 0;
}

/* Skip any value (containers up to JSON_DEPTH deep). */
static int
j_skip(struct rd *r, int depth)
{
	size_t len;
	int ov, first;
	char close;

	j_ws(r);
	if (r->i >= r->n)
		return rd_fail(r, "truncated");
	switch (r->p[r->i]) {
	case '"':
		return j_string(r, NULL, 0, &len, &ov);
	case 't':
		return j_word(r, "true");
	case 'f':
		return j_word(r, "false");
	case 'n':
		return j_word(r, "null");
	case '{':
	case '[':
		break;
	default:
		return j_number(r);
	}
	if (depth >= JSON_DEPTH)
		return rd_fail(r, "nested deeper than %d", JSON_DEPTH);
	close = r->p[r->i] == '{' ? '}' : ']';
	r->i++;
	for (first = 1;; first = 0) {
		j_ws(r);
		if (r->i < r->n && r->p[r->i] == close) {
			if (!first)
				return rd_fail(r, "trailing comma at byte %zu",
				    r->i);
			r->i++;
			return 0;
		}
		if (close == '}') {
			if (j_string(r, NULL, 0, &len, &ov) < 0)
				return -1;
			j_ws(r);
			if (r->i >= r->n || r->p[r->i] != ':')
				return rd_fail(r, "expected ':' at byte %zu",
				    r->i);
			r->i++;
		}
		if (j_skip(r, depth + 1) < 0)
			return -1;
		j_ws(r);
		if (r->i < r->n && r->p[r->i] == ',') {
			r->i++;
			j_ws(r);
			if (r->i < r->n && r->p[r->i] == close)
				return rd_fail(r, "trailing comma at byte %zu",
				    r->i);
			continue;
		}
		if (r->i < r->n && r->p[r->i] == close) {
			r->i++;
			return 0;
		}
		return rd_fail(r, "expected ',' or '%c' at byte %zu", close,
		    r->i);
	}
}

int
cred_json_read(const char *p, size_t n, struct cred_field *f, size_t nf,
    char *err, size_t errlen)
{
	struct rd r = { p, n, 0, err, errlen, 0, "JSON" };
	char key[64];
	size_t len, k;
	int ov;

	for (k = 0; k < nf; k++) {
		f[k].seen = 0;
		if (f[k].cap > 0)
			f[k].buf[0] = '\0';
	}
	if (errlen > 0)
		err[0] = '\0';
	j_ws(&r);
	if (r.i >= n || p[r.i] != '{')
		return rd_fail(&r, "not an object");
	r.i++;
	j_ws(&r);
	if (r.i < n && p[r.i] == '}') {
		r.i++;
		goto end;
	}
	for (;;) {
		j_ws(&r);
		if (j_string(&r, key, sizeof key, &len, &ov) < 0)
			return -1;
		if (ov || strlen(key) != len)
			key[0] = '\0';  /* no field has such a name */
		j_ws(&r);
		if (r.i >= n || p[r.i] != ':')
			return rd_fail(&r, "expected ':' at byte %zu", r.i);
		r.i++;
		j_ws(&r);
		for (k = 0; k < nf && key[0] != '\0'; k++)
			if (strcmp(f[k].name, key) == 0)
				break;
		if (key[0] != '\0' && k < nf) {
			if (f[k].seen++)
				return rd_fail(&r, "\"%s\" given twice", f[k].name);
			if (r.i >= n || p[r.i] != '"')
				return rd_fail(&r, "\"%s\" is not a string",
				    f[k].name);
			if (j_string(&r, f[k].buf, f[k].cap, &len, &ov) < 0)
				return -1;
			if (ov)
				return rd_fail(&r, "\"%s\" is longer than %zu "
				    "bytes", f[k].name, f[k].cap - 1);
			if (strlen(f[k].buf) != len)
				return rd_fail(&r, "NUL in \"%s\"", f[k].name);
		} else if (j_skip(&r, 1) < 0) {
			return -1;
		}
		j_ws(&r);
		if (r.i < n && p[r.i] == ',') {
			r.i++;
			continue;
		}
		if (r.i < n && p[r.i] == '}') {
			r.i++;
			break;
		}
		return rd_fail(&r, r.i >= n ? "truncated" :
		    "expected ',' or '}' at byte %zu", r.i);
	}
end:
	j_ws(&r);
	if (r.i != n)
		return rd_fail(&r, "data after the object at byte %zu", r.i);
	return 0;
}

/* ---- XML -------------------------------------------------------------------------- */

#define XML_DEPTH 16
#define XML_NAME 64

struct xml {
	struct rd r;
	char stack[XML_DEPTH][XML_NAME];        /* local names */
	int field[XML_DEPTH];                   /* index into f, or -1 */
	size_t flen[XML_DEPTH];
	int depth, root_done;
	struct cred_field *f;
	size_t nf;
};

static int
x_starts(const struct xml *x, const char *s)
{
	size_t k = strlen(s);

	return x->r.i + k <= x->r.n && memcmp(x->r.p + x->r.i, s, k) == 0;
}

/* Skip to just after the text end; error what if absent. */
static int
x_skip_past(struct xml *x, const char *end, const char *what)
{
	size_t k = strlen(end);

	for (; x->r.i + k <= x->r.n; x->r.i++)
		if (memcmp(x->r.p + x->r.i, end, k) == 0) {
			x->r.i += k;
			return 0;
		}
	return rd_fail(&x->r, "unterminated %s", what);
}

static int
x_namechar(int c, int first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	    c == ':' || c >= 0x80)
		return 1;
	return !first && ((c >= '0' && c <= '9') || c == '-' || c == '.');
}

/* A name at the cursor; its local part (after any prefix) into out. */
static int
x_name(struct xml *x, char *out)
{
	size_t s = x->r.i, k;
	const char *colon;

	if (s >= x->r.n || !x_namechar((unsigned char)x->r.p[s], 1))
		return rd_fail(&x->r, "bad name at byte %zu", s);
	while (x->r.i < x->r.n && x_namechar((unsigned char)x->r.p[x->r.i], 0))
		x->r.i++;
	colon = memchr(x->r.p + s, ':', x->r.i - s);
	if (colon != NULL)
		s = (size_t)(colon - x->r.p) + 1;
	k = x->r.i - s;
	if (k == 0 || k >= XML_NAME)
		return rd_fail(&x->r, "bad name at byte %zu", s);
	memcpy(out, x->r.p + s, k);
	out[k] = '\0';
	return 0;
}

static int
x_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
x_skip_ws(struct xml *x)
{
	while (x->r.i < x->r.n && x_ws((unsigned char)x->r.p[x->r.i]))
		x->r.i++;
}

/* Text (or CDATA) bytes for the element on top. */
static int
x_put(struct xml *x, const char *s, size_t k)
{
	int fi = x->depth > 0 ? x->field[x->depth - 1] : -1;
	struct cred_field *f;
	size_t *len, i;

	if (fi < 0)
		return 0;
	f = &x->f[fi];
	len = &x->flen[x->depth - 1];
	for (i = 0; i < k; i++) {
		if (s[i] == '\0')
			return rd_fail(&x->r, "NUL in <%s>", f->name);
		if (*len + 1 >= f->cap)
			return rd_fail(&x->r, "<%s> is longer than %zu bytes",
			    f->name, f->cap - 1);
		f->buf[(*len)++] = s[i];
		f->buf[*len] = '\0';
	}
	return 0;
}

static int
x_entity(struct xml *x)
{
	static const struct { const char *name; char c; } ents[] = {
		{ "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	char u[5];
	size_t i, ulen = 0, s = x->r.i;
	unsigned cp = 0;
	int ov = 0, h, base = 10, nd = 0;

	x->r.i++;                               /* the '&' */
	for (i = 0; i < sizeof ents / sizeof ents[0]; i++)
		if (x_starts(x, ents[i].name)) {
			x->r.i += strlen(ents[i].name);
			return x_put(x, &ents[i].c, 1);
		}
	if (!x_starts(x, "#"))
		return rd_fail(&x->r, "unknown entity at byte %zu", s);
	x->r.i++;
	if (x_starts(x, "x")) {
		base = 16;
		x->r.i++;
	}
	for (; x->r.i < x->r.n && x->r.p[x->r.i] != ';'; x->r.i++, nd++) {
		h = hexval((unsigned char)x->r.p[x->r.i]);
		if (h < 0 || h >= base || cp > 0x10ffff)
			return rd_fail(&x->r, "bad character reference at "
			    "byte %zu", s);
		cp = cp * (unsigned)base + (unsigned)h;
	}
	if (x->r.i >= x->r.n || nd == 0 || cp == 0 || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return rd_fail(&x->r, "bad character reference at byte %zu", s);
	x->r.i++;
	put_utf8(u, sizeof u, &ulen, &ov, cp);
	return x_put(x, u, ulen);
}

/* "<name attrs>" or "<name attrs/>", the '<' next. */
static int
x_start(struct xml *x)
{
	char name[XML_NAME], aname[XML_NAME];
	const char *parent;
	size_t k;
	int fi = -1;

	x->r.i++;
	if (x_name(x, name) < 0)
		return -1;
	if (x->depth == 0 && x->root_done)
		return rd_fail(&x->r, "a second root element at byte %zu",
		    x->r.i);
	if (x->depth >= XML_DEPTH)
		return rd_fail(&x->r, "nested deeper than %d", XML_DEPTH);
	/* Attributes: name = "value" or 'value', skipped. */
	for (;;) {
		char q;

		x_skip_ws(x);
		if (x->r.i >= x->r.n)
			return rd_fail(&x->r, "truncated start tag");
		if (x->r.p[x->r.i] == '>' || x_starts(x, "/>"))
			break;
		if (x_name(x, aname) < 0)
			return -1;
		x_skip_ws(x);
		if (!x_starts(x, "="))
			return rd_fail(&x->r, "expected '=' at byte %zu",
			    x->r.i);
		x->r.i++;
		x_skip_ws(x);
		if (x->r.i >= x->r.n || (x->r.p[x->r.i] != '"' &&
		    x->r.p[x->r.i] != '\''))
			return rd_fail(&x->r, "expected a quoted attribute "
			    "value at byte %zu", x->r.i);
		q = x->r.p[x->r.i++];
		while (x->r.i < x->r.n && x->r.p[x->r.i] != q) {
			if (x->r.p[x->r.i] == '<')
				return rd_fail(&x->r, "'<' in an attribute at "
				    "byte %zu", x->r.i);
			x->r.i++;
		}
		if (x->r.i >= x->r.n)
			return rd_fail(&x->r, "unterminated attribute value");
		x->r.i++;
	}
	parent = x->depth > 0 ? x->stack[x->depth - 1] : NULL;
	for (k = 0; k < x->nf; k++)
		if (strcmp(x->f[k].name, name) == 0 && (x->f[k].parent == NULL ||
		    (parent != NULL && strcmp(x->f[k].parent, parent) == 0))) {
			if (x->f[k].seen++)
				return rd_fail(&x->r, "<%s> given twice",
				    x->f[k].name);
			fi = (int)k;
			break;
		}
	memcpy(x->stack[x->depth], name, sizeof name);
	x->field[x->depth] = fi;
	x->flen[x->depth] = 0;
	x->depth++;
	if (x_starts(x, "/>")) {
		x->r.i += 2;
		x->depth--;
		if (x->depth == 0)
			x->root_done = 1;
	} else {
		x->r.i++;
	}
	return 0;
}

static int
x_end(struct xml *x)
{
	char name[XML_NAME];

	x->r.i += 2;
	if (x_name(x, name) < 0)
		return -1;
	x_skip_ws(x);
	if (!x_starts(x, ">"))
		return rd_fail(&x->r, "expected '>' at byte %zu", x->r.i);
	x->r.i++;
	if (x->depth == 0 || strcmp(x->stack[x->depth - 1], name) != 0)
		return rd_fail(&x->r, "mismatched end tag at byte %zu", x->r.i);
	x->depth--;
	if (x->depth == 0)
		x->root_done = 1;
	return 0;
}

int
cred_xml_read(const char *p, size_t n, char *root, size_t rootcap,
    struct cred_field *f, size_t nf, char *err, size_t errlen)
{
	static struct xml x;            /* 1 KiB of names: keep off the stack */
	size_t k;

	memset(&x, 0, sizeof x);
	x.r.p = p;
	x.r.n = n;
	x.r.err = err;
	x.r.errlen = errlen;
	x.r.what = "XML";
	x.f = f;
	x.nf = nf;
	if (errlen > 0)
		err[0] = '\0';
	if (rootcap > 0)
		root[0] = '\0';
	for (k = 0; k < nf; k++) {
		f[k].seen = 0;
		if (f[k].cap > 0)
			f[k].buf[0] = '\0';
	}
	while (x.r.i < n && !x.r.failed) {
		char c = p[x.r.i];

		if (c == '<') {
			if (x_starts(&x, "<?")) {
				x_skip_past(&x, "?>", "processing instruction");
			} else if (x_starts(&x, "<!--")) {
				x_skip_past(&x, "-->", "comment");
			} else if (x_starts(&x, "<![CDATA[")) {
				size_t s = x.r.i + 9;

				if (x.depth == 0)
					rd_fail(&x.r, "CDATA outside the root");
				else if (x_skip_past(&x, "]]>", "CDATA") == 0)
					x_put(&x, p + s, x.r.i - 3 - s);
			} else if (x_starts(&x, "<!")) {
				rd_fail(&x.r, "DTDs and declarations are not "
				    "accepted");
			} else if (x_starts(&x, "</")) {
				x_end(&x);
			} else {
				int first = x.depth == 0 && !x.root_done;

				if (x_start(&x) == 0 && first && rootcap > 0)
					snprintf(root, rootcap, "%s", x.stack[0]);
			}
		} else if (c == '&') {
			if (x.depth == 0)
				rd_fail(&x.r, "text outside the root element");
			else
				x_entity(&x);
		} else {
			if (x.depth == 0 && !x_ws((unsigned char)c))
				rd_fail(&x.r, "text outside the root element at "
				    "byte %zu", x.r.i);
			else if (x.depth > 0 && x_put(&x, &c, 1) == 0)
				x.r.i++;
			else if (x.depth == 0)
				x.r.i++;
		}
	}
	if (x.r.failed)
		return -1;
	if (!x.root_done || x.depth != 0)
		return rd_fail(&x.r, x.root_done || x.depth ? "truncated" :
		    "no root element");
	return 0;
}

/* ---- the answers --------------------------------------------------------------------- */

/* Printable ASCII of s (others dropped), at most cap - 1 bytes. */
static void
sanitize(char *out, size_t cap, const char *s)
{
	size_t k = 0;

	for (; *s != '\0' && k + 1 < cap; s++)
		if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
			out[k++] = *s;
	if (cap > 0)
		out[k] = '\0';
}

/* Check the decoded keys of out; NULL or why ("AccessKeyId: empty"). */
static const char *
check_out(const struct cred *out, const char *tokname, char *why, size_t cap)
{
	const char *w;

	if ((w = cred_check_akid(out->access_key_id,
	    strlen(out->access_key_id))) != NULL) {
		snprintf(why, cap, "AccessKeyId: %s", w);
		return why;
	}
	if ((w = cred_check_secret(out->secret, strlen(out->secret))) != NULL) {
		snprintf(why, cap, "SecretAccessKey: %s", w);
		return why;
	}
	if (out->token[0] != '\0' &&
	    (w = cred_check_token(out->token, strlen(out->token))) != NULL) {
		snprintf(why, cap, "%s: %s", tokname, w);
		return why;
	}
	return NULL;
}

int
cred_parse_json(const char *p, size_t n, struct cred *out, char *err,
    size_t errlen)
{
	char code[64], exp[64], why[128];
	struct cred_field f[] = {
		{ NULL, "Code", code, sizeof code, 0 },
		{ NULL, "AccessKeyId", out->access_key_id,
		    sizeof out->access_key_id, 0 },
		{ NULL, "SecretAccessKey", out->secret, sizeof out->secret, 0 },
		{ NULL, "Token", out->token, sizeof out->token, 0 },
		{ NULL, "Expiration", exp, sizeof exp, 0 },
	};

	out->expiration = 0;
	if (cred_json_read(p, n, f, sizeof f / sizeof f[0], err, errlen) < 0)
		goto bad;
	if (f[0].seen && strcmp(code, "Success") != 0) {
		sanitize(why, sizeof why, code);
		snprintf(err, errlen, "Code is \"%s\", not Success", why);
		goto bad;
	}
	if (!f[1].seen || !f[2].seen) {
		snprintf(err, errlen, "no %s in the answer", f[1].seen ?
		    "SecretAccessKey" : "AccessKeyId");
		goto bad;
	}
	if (f[4].seen && cred_time_parse(exp, strlen(exp),
	    &out->expiration) < 0) {
		snprintf(err, errlen, "Expiration is not an ISO 8601 time");
		goto bad;
	}
	if (check_out(out, "Token", why, sizeof why) != NULL) {
		snprintf(err, errlen, "%s", why);
		goto bad;
	}
	return 0;
bad:
	cred_wipe(out);
	return -1;
}

int
cred_parse_sts(const char *p, size_t n, struct cred *out, char *err,
    size_t errlen)
{
	char root[64], exp[64], code[128], msg[512], why[160];
	struct cred_field f[] = {
		{ "Credentials", "AccessKeyId", out->access_key_id,
		    sizeof out->access_key_id, 0 },
		{ "Credentials", "SecretAccessKey", out->secret,
		    sizeof out->secret, 0 },
		{ "Credentials", "SessionToken", out->token,
		    sizeof out->token, 0 },
		{ "Credentials", "Expiration", exp, sizeof exp, 0 },
		{ "Error", "Code", code, sizeof code, 0 },
		{ "Error", "Message", msg, sizeof msg, 0 },
	};
	size_t nf = sizeof f / sizeof f[0], k;

	out->expiration = 0;
	if (cred_xml_read(p, n, root, sizeof root, f, nf, err, errlen) < 0)
		goto bad;
	if (f[4].seen || strcmp(root, "ErrorResponse") == 0) {
		sanitize(why, sizeof why, code);
		sanitize(msg, sizeof msg, msg);
		snprintf(err, errlen, "%s: %.200s", why[0] ? why : "error",
		    msg);
		goto bad;
	}
	for (k = 0; k < 4; k++)
		if (!f[k].seen) {
			snprintf(err, errlen, "no Credentials/%s in the answer",
			    f[k].name);
			goto bad;
		}
	if (cred_time_parse(exp, strlen(exp), &out->expiration) < 0) {
		snprintf(err, errlen, "Expiration is not an ISO 8601 time");
		goto bad;
	}
	if (check_out(out, "SessionToken", why, sizeof why) != NULL) {
		snprintf(err, errlen, "%s", why);
		goto bad;
	}
	return 0;
bad:
	cred_wipe(out);
	return -1;
}

void
cred_json_error(const char *p, size_t n, char *out, size_t cap)
{
	char code[64], Code[64], msg[256], Msg[256], e[8], a[64], b[200];
	struct cred_field f[] = {
		{ NULL, "code", code, sizeof code, 0 },
		{ NULL, "Code", Code, sizeof Code, 0 },
		{ NULL, "message", msg, sizeof msg, 0 },
		{ NULL, "Message", Msg, sizeof Msg, 0 },
	};

	if (cap > 0)
		out[0] = '\0';
	if (cred_json_read(p, n, f, 4, e, sizeof e) < 0)
		return;
	sanitize(a, sizeof a, f[0].seen ? code : Code);
	sanitize(b, sizeof b, f[2].seen ? msg : Msg);
	if (a[0] != '\0' && b[0] != '\0')
		snprintf(out, cap, "%s: %s", a, b);
	else
		snprintf(out, cap, "%s", a[0] != '\0' ? a : b);
}

size_t
cred_form_escape(char *out, size_t cap, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			if (k + 1 < cap)
				out[k] = (char)c;
			k++;
		} else {
			if (k + 3 < cap) {
				out[k] = '%';
				out[k + 1] = hex[c >> 4];
				out[k + 2] = hex[c & 15];
			}
			k += 3;
		}
	}
	if (cap > 0)
		out[k < cap ? k : cap - 1] = '\0';
	return k;
}

/* ---- URLs ----------------------------------------------------------------------- */

int
cred_url_parse(const char *s, struct cred_url *u, char *err, size_t errlen)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)&u->addr;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)&u->addr;
	const char *p, *end, *hs, *he;
	size_t n;

	memset(u, 0, sizeof *u);
	if (strncasecmp(s, "http://", 7) == 0) {
		p = s + 7;
		u->port = 80;
	} else if (strncasecmp(s, "https://", 8) == 0) {
		p = s + 8;
		u->tls = 1;
		u->port = 443;
	} else {
		snprintf(err, errlen, "not an http:// or https:// URL");
		return -1;
	}
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p)) != NULL) {
		snprintf(err, errlen, "user names in URLs are not supported");
		return -1;
	}
	if (*p == '[') {
		hs = p + 1;
		he = memchr(hs, ']', (size_t)(end - hs));
		if (he == NULL) {
			snprintf(err, errlen, "bad IPv6 literal");
			return -1;
		}
		p = he + 1;
	} else {
		hs = p;
		he = memchr(p, ':', (size_t)(end - p));
		if (he == NULL)
			he = end;
		p = he;
	}
	n = (size_t)(he - hs);
	if (n == 0 || n >= sizeof u->host) {
		snprintf(err, errlen, "bad host");
		return -1;
	}
	memcpy(u->host, hs, n);
	u->host[n] = '\0';
	if (p < end) {
		unsigned long v = 0;

		if (*p++ != ':' || p == end) {
			snprintf(err, errlen, "bad port");
			return -1;
		}
		for (; p < end; p++) {
			if (*p < '0' || *p > '9' || (v = v * 10 +
			    (unsigned long)(*p - '0')) > 65535) {
				snprintf(err, errlen, "bad port");
				return -1;
			}
		}
		if (v == 0) {
			snprintf(err, errlen, "bad port");
			return -1;
		}
		u->port = (uint16_t)v;
	}
	n = strcspn(end, "#");
	if (n + 2 > sizeof u->path) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	if (n == 0 || end[0] != '/') {
		u->path[0] = '/';
		memcpy(u->path + 1, end, n);
		u->path[n + 1] = '\0';
	} else {
		memcpy(u->path, end, n);
		u->path[n] = '\0';
	}
	if (inet_pton(AF_INET, u->host, &s4->sin_addr) == 1 ||
	    strcasecmp(u->host, "localhost") == 0) {
		if (s4->sin_addr.s_addr == 0)
			s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s4->sin_family = AF_INET;
		s4->sin_port = htons(u->port);
		u->addrlen = sizeof *s4;
		u->numeric = 1;
	} else if (inet_pton(AF_INET6, u->host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(u->port);
		u->addrlen = sizeof *s6;
		u->numeric = 1;
	}
	return 0;
}

int
cred_url_ecs_allowed(const struct cred_url *u)
{
	const struct sockaddr_in *s4 = (const void *)&u->addr;
	const struct sockaddr_in6 *s6 = (const void *)&u->addr;
	static const uint8_t eks6[16] = { 0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0x23 };
	uint32_t a;

	if (u->tls)
		return 1;
	if (!u->numeric)
		return 0;
	if (u->addr.ss_family == AF_INET) {
		a = ntohl(s4->sin_addr.s_addr);
		return (a >> 24) == 127 || a == 0xa9feaa02 ||  /* .170.2 */
		    a == 0xa9feaa17;                          /* .170.23 */
	}
	return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr) ||
	    memcmp(&s6->sin6_addr, eks6, 16) == 0;
}
