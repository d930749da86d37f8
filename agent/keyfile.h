/*
 * keyfile.h — BIND-style key files, and the tokenizer they share with
 * xfrsync.conf.
 *
 * A key file holds one or more key statements, as written by tsig-keygen,
 * ddns-confgen or rndc-confgen:
 *
 *	key "xfr-key" {
 *		algorithm hmac-sha256;
 *		secret "base64==";
 *	};
 *
 * Comments are "#", "//" (to the end of the line) and "/" "*" ... "*" "/".
 * A statement ends at ";" or at the end of the line, so the semicolons are
 * optional and "};" is "}" followed by an empty statement.
 *
 * Secrets: a file that holds a secret must not be accessible to group or
 * others (mode & 077 == 0), like ssh's private keys; no error message ever
 * quotes anything written inside a key block; the read buffers are wiped
 * when the file is closed.
 */
#ifndef XFRSYNC_AGENT_KEYFILE_H
#define XFRSYNC_AGENT_KEYFILE_H

#include <stddef.h>

#include "net/tsig.h"

/*
 * Load every key of the file at path into out[0..max) and set *n to their
 * number.  Returns 0; -1 with err holding "PATH:LINE: message"; or -2,
 * with err "PATH: reason", when the file cannot be opened.  On failure
 * out[] is wiped and *n is 0.  Errors: no key at all, more than max keys, a key
 * defined twice, a statement other than key, a bad key (name, algorithm,
 * secret, missing part), a file group or others can access.
 */
int keyfile_load(const char *path, struct tsig_key *out, size_t max,
    size_t *n, char *err, size_t errlen);

/* ---- the tokenizer, shared with agent/conf.c -------------------------- */

#define KEYFILE_TOK_MAX 1024    /* longest word or quoted string */

enum keyfile_tok {
	KEYFILE_ERR = -1,       /* lx->err says why */
	KEYFILE_EOF = 0,
	KEYFILE_WORD,           /* bare word */
	KEYFILE_STRING,         /* "quoted string", quotes removed */
	KEYFILE_LBRACE,
	KEYFILE_RBRACE,
	KEYFILE_END             /* ";" or end of line */
};

struct keyfile_lex {
	const char *path;       /* for messages; must outlive the lexer */
	int fd;
	unsigned mode;          /* the file's permission bits */
	unsigned line;          /* line of the current token */
	unsigned next_line;     /* line being read */
	int type;               /* current token, enum keyfile_tok */
	int again;              /* keyfile_unget() was called */
	size_t len;             /* length of tok */
	char tok[KEYFILE_TOK_MAX];      /* current token, NUL-terminated */
	char *err;              /* the first error, "PATH:LINE: message" */
	size_t errlen;
	int failed;
	int hide;               /* in a key block: keyfile_quote shows nothing */
	size_t pos, fill;
	int eof;
	unsigned char buf[4096];
};

/*
 * Open path for reading: a regular file.  0, or -1 with err set to
 * "PATH: reason".  Errors found later are written to err as well.
 */
int keyfile_open(struct keyfile_lex *lx, const char *path, char *err,
    size_t errlen);
/* Close the file and wipe every buffer. */
void keyfile_close(struct keyfile_lex *lx);

/* The next token (enum keyfile_tok); KEYFILE_ERR after any error. */
int keyfile_next(struct keyfile_lex *lx);
/* Make the next keyfile_next() return the current token again. */
void keyfile_unget(struct keyfile_lex *lx);
/* Like keyfile_next(), but skip ends of statements (empty lines). */
int keyfile_next_nonempty(struct keyfile_lex *lx);
/* 1 if the current token is the bare word kw. */
int keyfile_is(const struct keyfile_lex *lx, const char *kw);

/*
 * Record "PATH:LINE: message" (LINE of the current token) unless an error
 * is already recorded.  Returns -1.
 */
int keyfile_error(struct keyfile_lex *lx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same at another line of the same file. */
int keyfile_error_at(struct keyfile_lex *lx, unsigned line, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/*
 * The current token, quoted, if it may appear in a message: a short word
 * of lowercase letters, digits and "-./:_*", and not inside a key block —
 * never anything that could be a secret.  Else a description of it.
 */
const char *keyfile_quote(const struct keyfile_lex *lx);

/*
 * The end of a statement: ";", end of line, end of file, or a "}" (left
 * for the caller).  what names the statement for the message.  0 or -1.
 */
int keyfile_expect_end(struct keyfile_lex *lx, const char *what);
/* An opening brace after what, empty lines allowed before it.  0 or -1. */
int keyfile_expect_lbrace(struct keyfile_lex *lx, const char *what);

/*
 * Parse the rest of a key statement, the word "key" having been read:
 * NAME { algorithm ALG; secret "BASE64"; }, and the end of the statement.
 * Fills k (key name lowercased).  0, or -1 with the error recorded.
 */
int keyfile_parse_key(struct keyfile_lex *lx, struct tsig_key *k);

/* 1 if k's name (any case) is among keys[0..n). */
int keyfile_key_dup(const struct tsig_key *keys, size_t n,
    const struct tsig_key *k);

#endif
