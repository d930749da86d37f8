/* r53state.c — the per-zone Route53 state file (r53state.h). */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/r53state.h"
#include "net/rrtype.h"

#define LINE_MAX_LEN (R53_NAME_TEXT_MAX + 64)

size_t
r53_state_path(const char *dir, const char *zone, char *buf, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = (size_t)snprintf(buf, cap, "%s/", dir);
	size_t zl = strlen(zone);
	const char *s;

	if (zl > 0 && zone[zl - 1] == '.')
		zl--;
	if (zl == 0) {
		n += (size_t)snprintf(n < cap ? buf + n : NULL, n < cap ?
		    cap - n : 0, "root");
	}
	for (s = zone; s < zone + zl; s++) {
		unsigned char c = (unsigned char)*s;
		int keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.';

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a'), keep = 1;
		if (keep) {
			if (n + 1 < cap)
				buf[n] = (char)c;
			n++;
		} else {
			if (n + 3 < cap) {
				buf[n] = '%';
				buf[n + 1] = hex[c >> 4];
				buf[n + 2] = hex[c & 15];
			}
			n += 3;
		}
	}
	if (n + 1 < cap)
		buf[n] = '\0';
	n += (size_t)snprintf(n < cap ? buf + n : NULL, n < cap ? cap - n : 0,
	    ".route53");
	if (cap > 0 && n >= cap)
		buf[cap - 1] = '\0';
	return n;
}

int
r53_state_prepare(const char *dir, const char *user, char *err,
    size_t errlen)
{
	struct passwd *pw = NULL;

	if (user != NULL && (pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "state-dir %s: no user %s", dir, user);
		return -1;
	}
	if (mkdir(dir, 0700) != 0) {
		if (errno == EEXIST)
			return 0;
		snprintf(err, errlen, "state-dir %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (pw != NULL && chown(dir, pw->pw_uid, pw->pw_gid) != 0) {
		snprintf(err, errlen, "state-dir %s: chown to %s: %s", dir,
		    user, strerror(errno));
		return -1;
	}
	return 0;
}

void
r53_state_free(struct r53_state *st)
{
	free(st->prot);
	free(st->mem);
	memset(st, 0, sizeof *st);
}

/* "KEY VALUE" on one line: VALUE (up to the end), or NULL. */
static const char *
field(const char *line, const char *key)
{
	size_t k = strlen(key);

	if (strncmp(line, key, k) != 0 || line[k] != ' ')
		return NULL;
	return line + k + 1;
}

static int
number(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* "NAME TYPE" of a protected line into st: names go to st->mem (as
 * offsets until parse() ends: st->mem may move); -1 bad, -2 no memory. */
static int
add_protected(struct r53_state *st, const char *v, size_t *memlen,
    size_t *cap)
{
	const char *sp = strchr(v, ' ');
	uint16_t type;
	size_t nl;
	char *m;

	if (sp == NULL || sp == v ||
	    dns_type_from_text(sp + 1, strlen(sp + 1), &type) < 0)
		return -1;
	if (st->nprot == R53_STATE_PROTECTED_MAX)
		return 0;
	if (st->nprot == *cap) {
		size_t nc = *cap ? 2 * *cap : 16;
		struct r53_rrset *p = realloc(st->prot, nc * sizeof *p);

		if (p == NULL)
			return -2;
		st->prot = p;
		*cap = nc;
	}
	nl = (size_t)(sp - v);
	if ((m = realloc(st->mem, *memlen + nl + 1)) == NULL)
		return -2;
	st->mem = m;
	memcpy(m + *memlen, v, nl);
	m[*memlen + nl] = '\0';
	memset(&st->prot[st->nprot], 0, sizeof st->prot[0]);
	st->prot[st->nprot].type = type;
	st->prot[st->nprot].flags = R53_ALIAS;
	st->prot[st->nprot].name = (const char *)(uintptr_t)*memlen;
	st->nprot++;
	*memlen += nl + 1;
	return 0;
}

static int
parse(FILE *f, struct r53_state *st, const char *path, char *err,
    size_t errlen)
{
	char line[LINE_MAX_LEN];
	unsigned ln = 0, have = 0;
	size_t memlen = 0, cap = 0, i;
	const char *v;
	uint64_t n;
	int rc;

	while (fgets(line, sizeof line, f) != NULL) {
		size_t len = strlen(line);

		ln++;
		if (len == 0 || line[len - 1] != '\n') {
			snprintf(err, errlen, "%s:%u: line too long or not "
			    "ended", path, ln);
			return -1;
		}
		line[len - 1] = '\0';
		if ((v = field(line, "hosted-zone-id")) != NULL) {
			if (strlen(v) == 0 || strlen(v) >= sizeof st->hzid)
				goto bad;
			memcpy(st->hzid, v, strlen(v) + 1);
			have |= 1;
		} else if ((v = field(line, "serial")) != NULL) {
			if (number(v, UINT32_MAX, &n) != 0)
				goto bad;
			st->serial = (uint32_t)n;
			have |= 2;
		} else if ((v = field(line, "synced")) != NULL) {
			if (number(v, UINT64_MAX, &n) != 0)
				goto bad;
			st->synced = n;
		} else if ((v = field(line, "protected")) != NULL) {
			if ((rc = add_protected(st, v, &memlen, &cap)) == -2) {
				snprintf(err, errlen, "%s: out of memory", path);
				return -1;
			}
			if (rc < 0)
				goto bad;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (have != 3) {
		snprintf(err, errlen, "%s: no %s line", path, (have & 1) ?
		    "serial" : "hosted-zone-id");
		return -1;
	}
	for (i = 0; i < st->nprot; i++)
		st->prot[i].name = st->mem + (uintptr_t)st->prot[i].name;
	return 0;
bad:
	snprintf(err, errlen, "%s:%u: cannot read this line", path, ln);
	return -1;
}

int
r53_state_load(const char *dir, const char *zone, struct r53_state *st,
    char *err, size_t errlen)
{
	char path[CONF_PATH_MAX + R53_NAME_TEXT_MAX * 3];
	FILE *f;
	int rc;

	memset(st, 0, sizeof *st);
	if (r53_state_path(dir, zone, path, sizeof path) >= sizeof path) {
		snprintf(err, errlen, "%s: state file name too long", dir);
		return -1;
	}
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = parse(f, st, path, err, errlen);
	fclose(f);
	if (rc != 0) {
		r53_state_free(st);
		return -1;
	}
	return 1;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* The file's text into a malloc'd buffer; its length in *len. */
static char *
render(const char *zone, const char *hzid, uint32_t serial, uint64_t synced,
    const struct r53_guard *g, size_t *len)
{
	size_t cap = 256 + (g ? g->n : 0) * (R53_NAME_TEXT_MAX + 32), n, i;
	char *buf = malloc(cap), t[32];

	if (buf == NULL)
		return NULL;
	n = (size_t)snprintf(buf, cap, "# xfrsync: Route53 state of zone %s\n"
	    "hosted-zone-id %s\nserial %lu\nsynced %llu\n", zone, hzid,
	    (unsigned long)serial, (unsigned long long)synced);
	for (i = 0; g != NULL && i < g->n && n < cap; i++) {
		n += (size_t)snprintf(buf + n, cap - n, "protected ");
		if (n < cap)
			n += r53_name_to_text(g->k[i].name, buf + n, cap - n);
		dns_type_to_text(g->k[i].type, t, sizeof t);
		if (n < cap)
			n += (size_t)snprintf(buf + n, cap - n, " %s\n", t);
	}
	if (n >= cap) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

int
r53_state_save(const char *dir, const char *zone, const char *hzid,
    uint32_t serial, uint64_t synced, const struct r53_guard *g, char *err,
    size_t errlen)
{
	char path[CONF_PATH_MAX + R53_NAME_TEXT_MAX * 3], tmp[sizeof path + 4];
	char *text;
	size_t len, pl;
	int fd, rc;

	if ((pl = r53_state_path(dir, zone, path, sizeof path)) >= sizeof path) {
		snprintf(err, errlen, "%s: state file name too long", dir);
		return -1;
	}
	memcpy(tmp, path, pl);
	memcpy(tmp + pl, ".new", 5);
	if ((text = render(zone, hzid, serial, synced, g, &len)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		free(text);
		return -1;
	}
	rc = write_all(fd, text, len) == 0 && fsync(fd) == 0 ? 0 : -1;
	free(text);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
	if (close(fd) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: rename: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		(void)unlink(tmp);
	return rc;
}
