/*
 * cred_file.c — the AWS shared credentials and config files.
 *
 * The AWS CLI reads both files with botocore.configloader.raw_config_parse
 * (Python's configparser.RawConfigParser with its default settings) and,
 * for the config file, maps sections to profiles with build_profile_map;
 * the credential providers then look the profile up
 * (botocore.credentials: SharedCredentialProvider, ConfigProvider).  This
 * file reads them the same way (checked against botocore 1.29 by
 * tests/system/test_cred.py):
 *
 *  - Lines end at "\n", "\r\n" or "\r" (Python's universal newlines).
 *    The text must be UTF-8; a byte order mark is refused (Python's utf-8
 *    codec keeps it, and the first line is then no section header).
 *  - A line whose first non-blank character is '#' or ';' is a comment.
 *    Nothing else is: "aws_access_key_id = AKID # mine" has the value
 *    "AKID # mine" (inline_comment_prefixes=None).  Blank and comment lines
 *    are skipped, even between the lines of one value.
 *  - A line indented deeper than the key line above it continues that
 *    key's value; a credential key continued that way is refused (botocore
 *    would take "AKID\nmore").  When the key line's value is empty, the
 *    continuation lines are nested settings ("s3 =\n  addressing_style =
 *    path") and each must hold an '=', or the whole file is refused
 *    (botocore's _parse_nested, for every key of every section).
 *  - "[NAME]" starts section NAME: from the '[' that begins the stripped
 *    line to the last ']' on it, exactly as written — case and inner
 *    blanks count, "[ default ]" is not "[default]"; text after the last
 *    ']' is ignored (SECTCRE is "\[(?P<header>.+)\]", matched, not
 *    full-matched).
 *  - "key = value" or "key: value": the key ends at the first '=' or ':',
 *    blanks around both are dropped, the key is lowercased
 *    (optionxform), quotes stay in the value.
 *  - strict=True: a section given twice in one file, a key given twice in
 *    one section, a key line before any section, a line that is neither a
 *    section nor a key line: the whole file is refused
 *    (DuplicateSectionError, DuplicateOptionError,
 *    MissingSectionHeaderError, ParsingError; botocore raises
 *    ConfigParseError and no credentials are found).
 *  - [DEFAULT] (that exact name) is configparser's default section: its
 *    keys apply to every section that lacks them.  It may be given more
 *    than once, but its keys only once.
 *  - Credentials file: the profile is the section of that name.  Config
 *    file: [default] is profile "default", and a section whose name
 *    starts with "profile" and splits (shlex, POSIX rules) into exactly
 *    two words is the profile named by the second word: [profile x],
 *    [profile  x ], [profile "my x"].  When several sections name the
 *    same profile, the last one in the file wins whole; values are not
 *    merged.
 *  - A profile with aws_access_key_id must have aws_secret_access_key
 *    (PartialCredentialsError); a profile without aws_access_key_id has no
 *    credentials (the next provider is tried).  The session token is
 *    aws_security_token if present, else aws_session_token; an empty one
 *    means none.
 *
 * Values are never copied anywhere but into the struct cred of the
 * winner; positions in the caller's text are kept until then.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/cred.h"

enum { K_AKID, K_SECRET, K_SESSION, K_SECURITY, NKEYS };
static const char *const key_names[NKEYS] = {
	"aws_access_key_id", "aws_secret_access_key", "aws_session_token",
	"aws_security_token"
};
/* Keys that mean "credentials come some other way". */
static const char *const other_ways[] = {
	"role_arn", "credential_process", "sso_start_url", "sso_session",
	"web_identity_token_file"
};
#define NOTHER (sizeof other_ways / sizeof other_ways[0])

struct val {
	const char *p;
	size_t n;
	unsigned line;
	int set, multi;
};

struct sect_vals {
	struct val k[NKEYS];
	unsigned other;                 /* bits of other_ways */
};

struct span {
	const char *p;
	size_t n;
	unsigned line;
};

/* A growable list of names seen (sections, keys of one section). */
struct names {
	struct span *v;
	size_t n, cap;
};

enum { S_NONE, S_DEFAULT, S_TARGET, S_OTHER };

struct fp {
	const char *fname;
	char *err;
	size_t errlen;
	unsigned line;
	int failed;
};

static int ferr(struct fp *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
ferr(struct fp *f, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (f->failed)
		return CRED_FILE_ERROR;
	f->failed = 1;
	if (f->errlen == 0)
		return CRED_FILE_ERROR;
	k = snprintf(f->err, f->errlen, "%s:%u: ", f->fname, f->line);
	if (k >= 0 && (size_t)k < f->errlen) {
		va_start(ap, fmt);
		vsnprintf(f->err + k, f->errlen - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return CRED_FILE_ERROR;
}

/* Python's str.isspace() for ASCII. */
static int
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' ||
	    (c >= 0x1c && c <= 0x1f);
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
eq_nocase(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i;

	if (an != bn)
		return 0;
	for (i = 0; i < an; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

static int
eq_word(const char *a, size_t an, const char *w)
{
	return eq_nocase(a, an, w, strlen(w));
}

/* A name that may appear in a message: short, [a-z0-9_-]. */
static const char *
shown(const char *p, size_t n, char *buf, size_t cap)
{
	size_t i;

	if (n == 0 || n + 3 > cap || n > 64)
		return "(not shown)";
	for (i = 0; i < n; i++) {
		int c = lower((unsigned char)p[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-' || c == '.'))
			return "(not shown)";
	}
	buf[0] = '"';
	memcpy(buf + 1, p, n);
	buf[n + 1] = '"';
	buf[n + 2] = '\0';
	return buf;
}

/* A section name, printable ASCII only, for messages (names are not
 * secrets, but may hold anything). */
static const char *
sect_text(const char *p, size_t n, char *buf, size_t cap)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 4 < cap; i++)
		buf[k++] = (unsigned char)p[i] >= 0x20 &&
		    (unsigned char)p[i] < 0x7f ? p[i] : '?';
	if (i < n) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = '\0';
	return buf;
}

static int
names_find(const struct names *l, const char *p, size_t n, int nocase)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (nocase ? eq_nocase(l->v[i].p, l->v[i].n, p, n) :
		    (l->v[i].n == n && memcmp(l->v[i].p, p, n) == 0))
			return (int)i;
	return -1;
}

static int
names_add(struct names *l, const char *p, size_t n, unsigned line)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct span *v = realloc(l->v, cap * sizeof *v);

		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].p = p;
	l->v[l->n].n = n;
	l->v[l->n++].line = line;
	return 0;
}

/*
 * shlex.split(s) (POSIX mode, no comments): 1 if it gives exactly two
 * words, the second into w2 (NUL-terminated; longer ones do not fit and
 * give 0); 0 otherwise, also when shlex would raise (unclosed quote).
 */
static int
shlex_two(const char *s, size_t n, char *w2, size_t cap)
{
	size_t i, len = 0;
	int words = 0, in_word = 0, overflow = 0;
	char q = 0;

	for (i = 0; i <= n; i++) {
		int c = i < n ? (unsigned char)s[i] : -1;

		if (q == 0 && (c == -1 || c == ' ' || c == '\t' || c == '\r' ||
		    c == '\n')) {
			if (in_word) {
				words++;
				in_word = 0;
			}
			continue;
		}
		if (c == -1)
			return 0;               /* EOF inside quotes */
		if (!in_word) {
			in_word = 1;
			len = 0;
		}
		if (q == 0 && (c == '"' || c == '\'')) {
			q = (char)c;
			continue;
		}
		if (q != 0 && c == q) {
			q = 0;
			continue;
		}
		if (c == '\\' && q != '\'') {
			if (++i >= n)
				return 0;       /* "No escaped character" */
			c = (unsigned char)s[i];
			/* In double quotes only \" and \\ are escapes. */
			if (q == '"' && c != '"' && c != '\\') {
				if (words == 1 && len + 1 < cap)
					w2[len] = '\\';
				len++;
			}
		}
		if (words == 1) {
			if (len + 1 < cap)
				w2[len] = (char)c;
			else
				overflow = 1;
		}
		len++;
		if (words == 1 && len < cap)
			w2[len] = '\0';
	}
	if (words == 2 && !overflow) {
		return 1;
	}
	return 0;
}

/* Does section name[0..n) hold profile in a file of kind? */
static int
is_target(const char *name, size_t n, int kind, const char *profile)
{
	char w2[256];
	size_t pl = strlen(profile);

	if (kind == CRED_FILE_CREDENTIALS)
		return n == pl && memcmp(name, profile, n) == 0;
	if (n >= 7 && memcmp(name, "profile", 7) == 0) {
		w2[0] = '\0';
		return shlex_two(name, n, w2, sizeof w2) &&
		    strcmp(w2, profile) == 0;
	}
	return n == 7 && memcmp(name, "default", 7) == 0 &&
	    strcmp(profile, "default") == 0;
}

/* 1 if text is valid UTF-8 (no overlongs, surrogates, > U+10FFFF). */
static int
utf8_ok(const unsigned char *s, size_t n, size_t *bad)
{
	size_t i = 0, k, j;
	unsigned cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			k = 1;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			k = 2;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			k = 3;
			cp = s[i] & 0x07;
		} else {
			*bad = i;
			return 0;
		}
		for (j = 1; j <= k; j++) {
			if (i + j >= n || (s[i + j] & 0xc0) != 0x80) {
				*bad = i;
				return 0;
			}
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) ||
		    (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff)) {
			*bad = i;
			return 0;
		}
		i += k + 1;
	}
	return 1;
}

static void
record(struct sect_vals *sv, const char *key, size_t kn, const char *v,
    size_t vn, unsigned line, struct val **last)
{
	size_t i;

	*last = NULL;
	for (i = 0; i < NKEYS; i++)
		if (eq_word(key, kn, key_names[i])) {
			sv->k[i].p = v;
			sv->k[i].n = vn;
			sv->k[i].line = line;
			sv->k[i].set = 1;
			sv->k[i].multi = 0;
			*last = &sv->k[i];
			return;
		}
	for (i = 0; i < NOTHER; i++)
		if (eq_word(key, kn, other_ways[i]))
			sv->other |= 1u << i;
}

/* The value of key k: the section's, else [DEFAULT]'s. */
static const struct val *
pick(const struct sect_vals *t, const struct sect_vals *d, int k)
{
	return t->k[k].set ? &t->k[k] : d->k[k].set ? &d->k[k] : NULL;
}

static int
take(struct fp *f, const char *profile, const struct val *v, int k,
    char *dst, size_t cap, const char *(*check)(const char *, size_t))
{
	const char *why;

	f->line = v->line;
	if (v->multi) {
		ferr(f, "profile \"%s\": %s continues on an indented line",
		    profile, key_names[k]);
		return CRED_FILE_PARTIAL;
	}
	why = cred_set_value(dst, cap, v->p, v->n, check);
	if (why != NULL) {
		ferr(f, "profile \"%s\": %s %s", profile, key_names[k],
		    strcmp(why, "empty") == 0 ? "is empty" : why);
		return CRED_FILE_PARTIAL;
	}
	return 0;
}

static int
result(struct fp *f, const char *profile, const struct sect_vals *t,
    const struct sect_vals *d, struct cred *out)
{
	const struct val *akid = pick(t, d, K_AKID), *sec, *tok;
	unsigned other = t->other | d->other;
	size_t i;
	int rc;

	if (akid == NULL) {
		for (i = 0; i < NOTHER; i++)
			if (other & (1u << i))
				break;
		if (i < NOTHER && f->errlen > 0)
			snprintf(f->err, f->errlen, "profile \"%s\" in %s uses "
			    "%s, which xfrsync does not support", profile,
			    f->fname, other_ways[i]);
		return CRED_FILE_NOKEYS;
	}
	sec = pick(t, d, K_SECRET);
	if (sec == NULL) {
		f->line = akid->line;
		ferr(f, "profile \"%s\" has aws_access_key_id but no "
		    "aws_secret_access_key", profile);
		return CRED_FILE_PARTIAL;
	}
	tok = pick(t, d, K_SECURITY);
	if (tok == NULL)
		tok = pick(t, d, K_SESSION);
	if ((rc = take(f, profile, akid, K_AKID, out->access_key_id,
	    sizeof out->access_key_id, cred_check_akid)) != 0 ||
	    (rc = take(f, profile, sec, K_SECRET, out->secret,
	    sizeof out->secret, cred_check_secret)) != 0)
		return rc;
	out->token[0] = '\0';
	if (tok != NULL && (tok->n > 0 || tok->multi) &&
	    (rc = take(f, profile, tok, tok == pick(t, d, K_SECURITY) ?
	    K_SECURITY : K_SESSION, out->token, sizeof out->token,
	    cred_check_token)) != 0)
		return rc;
	out->expiration = 0;
	return CRED_FILE_FOUND;
}

int
cred_file_lookup(const char *text, size_t len, int kind,
    const char *profile, const char *fname, struct cred *out, char *err,
    size_t errlen)
{
	struct fp f = { fname, err, errlen, 0, 0 };
	struct names sects = { NULL, 0, 0 }, keys = { NULL, 0, 0 },
	    dkeys = { NULL, 0, 0 };
	struct sect_vals t, d;
	struct val *last = NULL;
	const char *p = text, *end = text + len;
	size_t indent_level = 0, bad;
	int cur = S_NONE, have_opt = 0, found = 0, rc = CRED_FILE_NOPROFILE;
	int nested = 0;
	unsigned default_bad = 0;
	char b1[80], b2[80];
	unsigned lineno = 0;

	memset(&t, 0, sizeof t);
	memset(&d, 0, sizeof d);
	if (errlen > 0)
		err[0] = '\0';
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		f.line = 1;
		rc = ferr(&f, "starts with a byte order mark (the AWS CLI "
		    "refuses it too)");
		goto out;
	}
	if (!utf8_ok((const unsigned char *)text, len, &bad)) {
		for (f.line = 1; text + bad > p; p++)
			if (*p == '\n' || (*p == '\r' && (p + 1 == end ||
			    p[1] != '\n')))
				f.line++;
		rc = ferr(&f, "not UTF-8");
		goto out;
	}
	while (p < end && !f.failed) {
		const char *ls = p, *le, *s, *e, *q;
		size_t indent;

		while (p < end && *p != '\n' && *p != '\r')
			p++;
		le = p;
		if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
			p += 2;
		else if (p < end)
			p++;
		f.line = ++lineno;
		for (s = ls; s < le && blank((unsigned char)*s); s++)
			;
		for (e = le; e > s && blank((unsigned char)e[-1]); e--)
			;
		if (s == e || *s == '#' || *s == ';')
			continue;               /* blank or comment */
		indent = (size_t)(s - ls);
		if (cur != S_NONE && have_opt && indent > indent_level) {
			/* A continuation line.  After an empty first line
			 * the value is nested settings, "name = value" each
			 * (botocore's _parse_nested: ValueError otherwise). */
			if (last != NULL)
				last->multi = 1;
			if (nested && memchr(s, '=', (size_t)(e - s)) == NULL) {
				if (cur != S_DEFAULT) {
					rc = ferr(&f, "a nested setting without "
					    "'='");
					goto out;
				}
				if (default_bad == 0)
					default_bad = lineno;
			}
			continue;
		}
		indent_level = indent;
		if (*s == '[') {
			for (q = e - 1; q > s + 1 && *q != ']'; q--)
				;
			if (q > s + 1) {
				const char *name = s + 1;
				size_t n = (size_t)(q - name);
				int i;

				have_opt = 0;
				last = NULL;
				if (n == 7 && memcmp(name, "DEFAULT", 7) == 0) {
					cur = S_DEFAULT;
					continue;
				}
				if ((i = names_find(&sects, name, n, 0)) >= 0) {
					rc = ferr(&f, "section [%s] given twice "
					    "(first on line %u)", sect_text(name,
					    n, b1, sizeof b1), sects.v[i].line);
					goto out;
				}
				if (names_add(&sects, name, n, lineno) < 0) {
					rc = ferr(&f, "out of memory");
					goto out;
				}
				keys.n = 0;
				if (is_target(name, n, kind, profile)) {
					/* A later section of the same
					 * profile replaces the earlier one. */
					memset(&t, 0, sizeof t);
					found = 1;
					cur = S_TARGET;
				} else {
					cur = S_OTHER;
				}
				continue;
			}
		}
		if (cur == S_NONE) {
			rc = ferr(&f, "a key before any [section]");
			goto out;
		}
		for (q = s; q < e && *q != '=' && *q != ':'; q++)
			;
		if (q == e) {
			rc = ferr(&f, "neither a [section] nor a key = value "
			    "line");
			goto out;
		} else {
			const char *k = s, *ke = q, *v = q + 1;
			struct names *kl = cur == S_DEFAULT ? &dkeys : &keys;
			int i;

			while (ke > k && blank((unsigned char)ke[-1]))
				ke--;
			while (v < e && blank((unsigned char)*v))
				v++;
			if (ke == k) {
				rc = ferr(&f, "a line starting with '%c' (no "
				    "key)", *q);
				goto out;
			}
			if ((i = names_find(kl, k, (size_t)(ke - k), 1)) >= 0) {
				rc = ferr(&f, "key %s given twice in the "
				    "section (first on line %u)", shown(k,
				    (size_t)(ke - k), b2, sizeof b2),
				    kl->v[i].line);
				goto out;
			}
			if (names_add(kl, k, (size_t)(ke - k), lineno) < 0) {
				rc = ferr(&f, "out of memory");
				goto out;
			}
			have_opt = 1;
			nested = v == e;
			last = NULL;
			if (cur == S_TARGET)
				record(&t, k, (size_t)(ke - k), v,
				    (size_t)(e - v), lineno, &last);
			else if (cur == S_DEFAULT)
				record(&d, k, (size_t)(ke - k), v,
				    (size_t)(e - v), lineno, &last);
		}
	}
	if (!f.failed && default_bad != 0 && sects.n > 0) {
		/* [DEFAULT]'s values are parsed for every section.  (Slightly
		 * stricter than botocore when every section has its own.) */
		f.line = default_bad;
		rc = ferr(&f, "a nested setting without '='");
		goto out;
	}
	if (!f.failed)
		rc = found ? result(&f, profile, &t, &d, out) :
		    CRED_FILE_NOPROFILE;
out:
	free(sects.v);
	free(keys.v);
	free(dkeys.v);
	if (rc != CRED_FILE_FOUND) {
		explicit_bzero(out->access_key_id, sizeof out->access_key_id);
		explicit_bzero(out->secret, sizeof out->secret);
		explicit_bzero(out->token, sizeof out->token);
	}
	return rc;
}

int
cred_file_slurp(const char *path, size_t max, char **text, size_t *len)
{
	struct stat st;
	char *buf;
	size_t n = 0;
	ssize_t k;
	int fd, e;

	*text = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		close(fd);
		errno = e;
		return -1;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	while (n < (size_t)st.st_size) {
		k = read(fd, buf + n, (size_t)st.st_size - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	e = errno;
	close(fd);
	if (n < (size_t)st.st_size) {
		explicit_bzero(buf, n);
		free(buf);
		errno = e ? e : EIO;
		return -1;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}
