/* keyfile.c — BIND-style key files and the tokenizer shared with conf.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/keyfile.h"
#include "net/base64.h"
#include "net/err.h"
#include "net/name.h"
#include "xfrsync_config.h"

/* Zero n bytes so that the compiler cannot drop the stores. */
static void
wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

/* ---- errors ------------------------------------------------------------ */
static int verror(struct keyfile_lex *lx, unsigned line, const char *fmt,
    va_list ap) __attribute__((format(printf, 3, 0)));

static int
verror(struct keyfile_lex *lx, unsigned line, const char *fmt, va_list ap)
{
	int k;

	if (lx->failed)
		return -1;
	lx->failed = 1;
	lx->type = KEYFILE_ERR;
	if (lx->err == NULL || lx->errlen == 0)
		return -1;
	k = snprintf(lx->err, lx->errlen, "%s:%u: ", lx->path, line);
	if (k >= 0 && (size_t)k < lx->errlen)
		vsnprintf(lx->err + k, lx->errlen - (size_t)k, fmt, ap);
	return -1;
}

int
keyfile_error(struct keyfile_lex *lx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(lx, lx->line, fmt, ap);
	va_end(ap);
	return -1;
}

int
keyfile_error_at(struct keyfile_lex *lx, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(lx, line, fmt, ap);
	va_end(ap);
	return -1;
}

const char *
keyfile_quote(const struct keyfile_lex *lx)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz0123456789-./:_*";
	static char q[68];
	size_t i;

	switch (lx->type) {
	case KEYFILE_EOF:
		return "end of file";
	case KEYFILE_LBRACE:
		return "{";
	case KEYFILE_RBRACE:
		return "}";
	case KEYFILE_END:
		return "end of statement";
	default:
		break;
	}
	if (lx->len == 0)
		return "an empty string";
	for (i = 0; i < lx->len; i++)
		if (strchr(ok, lx->tok[i]) == NULL)
			break;
	if (lx->hide || i < lx->len || lx->len > 64)
		return "<not shown>";
	snprintf(q, sizeof q, "\"%.64s\"", lx->tok);
	return q;
}

/* ---- opening ----------------------------------------------------------- */
int
keyfile_open(struct keyfile_lex *lx, const char *path, char *err,
    size_t errlen)
{
	struct stat st;

	memset(lx, 0, sizeof *lx);
	lx->path = path;
	lx->err = err;
	lx->errlen = errlen;
	lx->line = lx->next_line = 1;
	/* O_NONBLOCK: a FIFO must not hang us before the S_ISREG check. */
	lx->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (lx->fd < 0 || fstat(lx->fd, &st) != 0) {
		if (errlen > 0)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		keyfile_close(lx);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		if (errlen > 0)
			snprintf(err, errlen, "%s: not a regular file", path);
		keyfile_close(lx);
		return -1;
	}
	lx->mode = st.st_mode & 07777;
	return 0;
}

void
keyfile_close(struct keyfile_lex *lx)
{
	if (lx->fd >= 0)
		close(lx->fd);
	lx->fd = -1;
	wipe(lx->buf, sizeof lx->buf);
	wipe(lx->tok, sizeof lx->tok);
}

/* ---- characters -------------------------------------------------------- */
/* The next byte without consuming it, or -1 at the end of the file. */
static int
peekc(struct keyfile_lex *lx)
{
	ssize_t k;

	if (lx->pos == lx->fill && !lx->eof && !lx->failed) {
		do
			k = read(lx->fd, lx->buf, sizeof lx->buf);
		while (k < 0 && errno == EINTR);
		if (k < 0)
			keyfile_error_at(lx, lx->next_line, "read: %s",
			    strerror(errno));
		lx->pos = 0;
		lx->fill = k > 0 ? (size_t)k : 0;
		lx->eof = k <= 0;
	}
	return lx->pos < lx->fill ? lx->buf[lx->pos] : -1;
}

static int
getch(struct keyfile_lex *lx)
{
	int c = peekc(lx);

	if (c >= 0)
		lx->pos++;
	if (c == '\n')
		lx->next_line++;
	return c;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* A byte that may not appear anywhere: controls other than blanks. */
static int
is_bad(int c)
{
	return (c < 0x20 && c != '\n' && c != '\t' && !is_blank(c)) ||
	    c == 0x7f;
}

/* Skip a comment up to (not including) the end of the line. */
static void
skip_line(struct keyfile_lex *lx)
{
	int c;

	while ((c = peekc(lx)) >= 0 && c != '\n')
		getch(lx);
}

/* Skip a C comment, "/" "*" read.  0 or -1. */
static int
skip_c_comment(struct keyfile_lex *lx)
{
	unsigned start = lx->next_line;
	int c, prev = 0;

	while ((c = getch(lx)) >= 0) {
		if (prev == '*' && c == '/')
			return 0;
		prev = c;
	}
	return keyfile_error_at(lx, start, "unterminated /* comment");
}

/*
 * Skip blanks and comments and consume the first byte of the next token.
 * Returns it, -1 at the end of the file, -2 after an error.
 */
static int
skip_space(struct keyfile_lex *lx)
{
	int c;

	for (;;) {
		lx->line = lx->next_line;
		c = getch(lx);
		if (lx->failed)
			return -2;
		if (is_blank(c))
			continue;
		if (c == '#') {
			skip_line(lx);
		} else if (c == '/' && peekc(lx) == '/') {
			skip_line(lx);
		} else if (c == '/' && peekc(lx) == '*') {
			getch(lx);
			if (skip_c_comment(lx) < 0)
				return -2;
		} else {
			return lx->failed ? -2 : c;
		}
	}
}

/* ---- tokens ------------------------------------------------------------ */
static int
tok_put(struct keyfile_lex *lx, int c)
{
	if (lx->len + 1 >= sizeof lx->tok)
		return keyfile_error(lx, "word or string longer than %d bytes",
		    KEYFILE_TOK_MAX - 1);
	lx->tok[lx->len++] = (char)c;
	return 0;
}

/* 1 if c ends a bare word. */
static int
is_delim(int c)
{
	return c < 0 || is_blank(c) || c == '\n' || c == '{' || c == '}' ||
	    c == ';' || c == '"' || c == '#';
}

static int
read_word(struct keyfile_lex *lx, int c)
{
	for (;;) {
		if (is_bad(c))
			return keyfile_error(lx, "control character 0x%02x",
			    (unsigned)c);
		if (tok_put(lx, c) < 0)
			return -1;
		if (is_delim(peekc(lx)))
			return lx->failed ? -1 : KEYFILE_WORD;
		c = getch(lx);
	}
}

/*
 * A quoted string, the opening quote read.  As in BIND, a backslash keeps
 * the next character from ending the string and both are kept, so the
 * escapes of DNS names (\. \032) reach the name parser.
 */
static int
read_string(struct keyfile_lex *lx)
{
	int c, esc = 0;

	for (;;) {
		c = getch(lx);
		if (c == '"' && !esc)
			return KEYFILE_STRING;
		esc = c == '\\' && !esc;
		if (c < 0 || c == '\n')
			return lx->failed ? -1 :
			    keyfile_error(lx, "unterminated quoted string");
		if (is_bad(c))
			return keyfile_error(lx, "control character 0x%02x in "
			    "a quoted string", (unsigned)c);
		if (tok_put(lx, c) < 0)
			return -1;
	}
}

int
keyfile_next(struct keyfile_lex *lx)
{
	int c, t;

	if (lx->failed)
		return KEYFILE_ERR;
	if (lx->again) {
		lx->again = 0;
		return lx->type;
	}
	lx->len = 0;
	c = skip_space(lx);
	switch (c) {
	case -2:
		t = KEYFILE_ERR;
		break;
	case -1:
		t = KEYFILE_EOF;
		break;
	case '\n':
	case ';':
		t = KEYFILE_END;
		break;
	case '{':
		t = KEYFILE_LBRACE;
		break;
	case '}':
		t = KEYFILE_RBRACE;
		break;
	case '"':
		t = read_string(lx);
		break;
	default:
		t = read_word(lx, c);
		break;
	}
	lx->tok[lx->len] = '\0';
	lx->type = t < 0 ? KEYFILE_ERR : t;
	return lx->type;
}

void
keyfile_unget(struct keyfile_lex *lx)
{
	lx->again = 1;
}

int
keyfile_next_nonempty(struct keyfile_lex *lx)
{
	int t;

	while ((t = keyfile_next(lx)) == KEYFILE_END)
		;
	return t;
}

int
keyfile_is(const struct keyfile_lex *lx, const char *kw)
{
	return lx->type == KEYFILE_WORD && strcmp(lx->tok, kw) == 0;
}

int
keyfile_expect_end(struct keyfile_lex *lx, const char *what)
{
	switch (keyfile_next(lx)) {
	case KEYFILE_END:
		return 0;
	case KEYFILE_EOF:
	case KEYFILE_RBRACE:
		keyfile_unget(lx);
		return 0;
	case KEYFILE_ERR:
		return -1;
	default:
		return keyfile_error(lx, "unexpected %s after %s (a statement "
		    "ends at ; or a newline)", keyfile_quote(lx), what);
	}
}

int
keyfile_expect_lbrace(struct keyfile_lex *lx, const char *what)
{
	switch (keyfile_next_nonempty(lx)) {
	case KEYFILE_LBRACE:
		return 0;
	case KEYFILE_ERR:
		return -1;
	default:
		return keyfile_error(lx, "expected { after %s, got %s", what,
		    keyfile_quote(lx));
	}
}

/* ---- the key statement ------------------------------------------------- */
struct keytext {
	char name[KEYFILE_TOK_MAX];
	char alg[24];
	char secret[KEYFILE_TOK_MAX];
	int have_alg, have_secret;
};

/* A word or a quoted string after what.  0 or -1. */
static int
value(struct keyfile_lex *lx, const char *what)
{
	int t = keyfile_next(lx);

	if (t == KEYFILE_WORD || t == KEYFILE_STRING)
		return 0;
	if (t == KEYFILE_ERR)
		return -1;
	return keyfile_error(lx, "expected a value after %s, got %s", what,
	    keyfile_quote(lx));
}

static int
key_alg(struct keyfile_lex *lx, struct keytext *kt)
{
	char list[96] = "";
	int a;

	if (kt->have_alg)
		return keyfile_error(lx, "key \"%s\": algorithm given twice",
		    kt->name);
	if (value(lx, "algorithm") < 0)
		return -1;
	if (lx->len < sizeof kt->alg &&
	    tsig_alg_from_text(lx->tok, lx->len) != TSIG_ALG_NONE) {
		memcpy(kt->alg, lx->tok, lx->len + 1);
		kt->have_alg = 1;
		return keyfile_expect_end(lx, "algorithm");
	}
	for (a = TSIG_HMAC_SHA1; a <= TSIG_HMAC_SHA512; a++) {
		const char *t = tsig_alg_text(a);

		if (t != NULL && tsig_alg_from_text(t, strlen(t)) == a)
			snprintf(list + strlen(list), sizeof list - strlen(list),
			    " %s", t);
	}
	return keyfile_error(lx, "key \"%s\": unsupported algorithm (this "
	    "build knows:%s)", kt->name, list);
}

static int
key_secret(struct keyfile_lex *lx, struct keytext *kt)
{
	uint8_t tmp[TSIG_SECRET_MAX];
	int n;

	if (lx->mode & 077)
		return keyfile_error(lx, "permissions %04o are too open for a "
		    "file holding a secret (group or others can access it)",
		    lx->mode);
	if (kt->have_secret)
		return keyfile_error(lx, "key \"%s\": secret given twice",
		    kt->name);
	if (value(lx, "secret") < 0)
		return -1;
	n = dns_base64_decode(lx->tok, lx->len, tmp, sizeof tmp);
	wipe(tmp, sizeof tmp);
	if (n == DNS_ESPACE)
		return keyfile_error(lx, "key \"%s\": secret longer than %d "
		    "bytes", kt->name, TSIG_SECRET_MAX);
	if (n < 0)
		return keyfile_error(lx, "key \"%s\": secret is not valid "
		    "base64", kt->name);
	if (n == 0)
		return keyfile_error(lx, "key \"%s\": empty secret", kt->name);
	memcpy(kt->secret, lx->tok, lx->len + 1);
	kt->have_secret = 1;
	return keyfile_expect_end(lx, "secret");
}

/* The key's name; lx->tok holds it.  0 or -1. */
static int
key_name(struct keyfile_lex *lx, struct keytext *kt)
{
	static const uint8_t root[1] = { 0 };
	uint8_t wire[DNS_NAME_MAX];

	if (lx->type != KEYFILE_WORD && lx->type != KEYFILE_STRING)
		return keyfile_error(lx, "expected a key name after key, got "
		    "%s", keyfile_quote(lx));
	if (lx->len == 0 || dns_name_from_text(lx->tok, lx->len, root,
	    wire) < 0)
		return keyfile_error(lx, "bad key name %s", keyfile_quote(lx));
	memcpy(kt->name, lx->tok, lx->len + 1);
	return 0;
}

/* The attributes up to the closing brace; line: the key's.  0 or -1. */
static int
key_body(struct keyfile_lex *lx, struct keytext *kt, unsigned line)
{
	for (;;) {
		switch (keyfile_next_nonempty(lx)) {
		case KEYFILE_RBRACE:
			return 0;
		case KEYFILE_ERR:
			return -1;
		case KEYFILE_EOF:
			return keyfile_error_at(lx, line, "key \"%s\": no "
			    "closing }", kt->name);
		default:
			break;
		}
		if (keyfile_is(lx, "algorithm")) {
			if (key_alg(lx, kt) < 0)
				return -1;
		} else if (keyfile_is(lx, "secret")) {
			if (key_secret(lx, kt) < 0)
				return -1;
		} else {
			return keyfile_error(lx, "key \"%s\": unknown attribute "
			    "(expected algorithm or secret)", kt->name);
		}
	}
}

static int
key_parse(struct keyfile_lex *lx, struct keytext *kt, struct tsig_key *k)
{
	unsigned line = lx->line;
	int rc;

	keyfile_next(lx);
	if (key_name(lx, kt) < 0 || keyfile_expect_lbrace(lx, "key name") < 0)
		return -1;
	lx->hide++;
	rc = key_body(lx, kt, line);
	lx->hide--;
	if (rc < 0)
		return -1;
	if (!kt->have_alg)
		return keyfile_error(lx, "key \"%s\": no algorithm", kt->name);
	if (!kt->have_secret)
		return keyfile_error(lx, "key \"%s\": no secret", kt->name);
	if (tsig_key_set(k, kt->alg, kt->name, kt->secret) != 0)
		return keyfile_error(lx, "key \"%s\": bad key", kt->name);
	return keyfile_expect_end(lx, "key block");
}

int
keyfile_parse_key(struct keyfile_lex *lx, struct tsig_key *k)
{
	struct keytext kt;
	int rc;

	if (!CFG_TSIG)
		return keyfile_error(lx, "key: TSIG is not enabled in this "
		    "build");
	memset(&kt, 0, sizeof kt);
	rc = key_parse(lx, &kt, k);
	wipe(&kt, sizeof kt);
	if (rc < 0)
		tsig_key_wipe(k);
	return rc;
}

/* ---- key files --------------------------------------------------------- */
/* A key's name for a message: presentation form without the final dot. */
static void
name_text(const uint8_t *name, char *buf, size_t cap)
{
	size_t n = dns_name_to_text(name, buf, cap);

	if (n > 1 && n < cap && buf[n - 1] == '.')
		buf[n - 1] = '\0';
}

int
keyfile_key_dup(const struct tsig_key *keys, size_t n,
    const struct tsig_key *k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (dns_name_eq(keys[i].name, k->name))
			return 1;
	return 0;
}

static int
load_keys(struct keyfile_lex *lx, struct tsig_key *out, size_t max,
    size_t *n)
{
	char text[DNS_NAME_TEXT_MAX];
	unsigned line;

	for (;;) {
		switch (keyfile_next_nonempty(lx)) {
		case KEYFILE_EOF:
			if (*n == 0)
				return keyfile_error(lx, "no key statement");
			return 0;
		case KEYFILE_ERR:
			return -1;
		default:
			break;
		}
		if (!keyfile_is(lx, "key"))
			return keyfile_error(lx, "expected a key statement, "
			    "got %s", keyfile_quote(lx));
		if (*n == max)
			return keyfile_error(lx, "too many keys (room for %zu)",
			    max);
		line = lx->line;
		if (keyfile_parse_key(lx, &out[*n]) < 0)
			return -1;
		if (keyfile_key_dup(out, *n, &out[*n])) {
			name_text(out[*n].name, text, sizeof text);
			tsig_key_wipe(&out[*n]);
			return keyfile_error_at(lx, line, "key \"%s\" defined "
			    "twice", text);
		}
		(*n)++;
	}
}

int
keyfile_load(const char *path, struct tsig_key *out, size_t max, size_t *n,
    char *err, size_t errlen)
{
	struct keyfile_lex lx;
	size_t i;
	int rc;

	*n = 0;
	if (keyfile_open(&lx, path, err, errlen) < 0)
		return -2;
	rc = load_keys(&lx, out, max, n);
	keyfile_close(&lx);
	if (rc < 0) {
		for (i = 0; i < *n; i++)
			tsig_key_wipe(&out[i]);
		*n = 0;
	}
	return rc;
}
