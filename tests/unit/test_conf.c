/* test_conf.c — xfrsync.conf and key files: every field, every error. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/conf.h"
#include "agent/keyfile.h"
#include "net/base64.h"
#include "tests/unit/unit.h"
#include "xfrsync_config.h"

#define DATA "tests/unit/data/conf/"

static const char secret_a[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/* ---- temporary files ------------------------------------------------------ */
static char tmpdir[256];

static void
tmp_setup(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof tmpdir, "%s/xfrsync-conf-XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		abort();
	}
}

static void
tmp_cleanup(void)
{
	char p[512];
	struct dirent *e;
	DIR *d = opendir(tmpdir);

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
		unlink(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(tmpdir);
}

/* Write text to tmpdir/name with mode; the path goes to out[512]. */
static void
tmp_write(const char *name, const char *text, mode_t mode, char *out)
{
	size_t n = strlen(text);
	int fd;

	snprintf(out, 512, "%s/%s", tmpdir, name);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n || fchmod(fd, mode) != 0)
		abort();
	close(fd);
}

/*
 * Copy the file src (relative to the repository root) to tmpdir/name,
 * mode 0600.  A missing file fails the test and is copied as empty.
 */
static void
tmp_copy(const char *src, const char *name, char *out)
{
	static char text[65536];
	FILE *f = fopen(src, "r");
	size_t n = 0;

	if (f == NULL) {
		unit_fail_str(__FILE__, __LINE__, "data file (run from the "
		    "repository root)", src, strerror(errno));
	} else {
		n = fread(text, 1, sizeof text - 1, f);
		fclose(f);
	}
	text[n] = '\0';
	tmp_write(name, text, 0600, out);
}

/*
 * Load text as tmpdir/t.conf (mode 0600) and check the error is
 * "PATH:" + want (or want itself when it starts with '/': another file).
 * Also checks that no secret used in these tests leaks.
 */
static void
check_error(int line, const char *text, const char *want)
{
	struct conf c;
	char path[512], err[1024], full[1024];

	tmp_write("t.conf", text, 0600, path);
	snprintf(full, sizeof full, "%s%s%s", want[0] == '/' ? "" : path,
	    want[0] == '/' ? "" : ":", want);
	if (conf_load(&c, path, err, sizeof err) == 0) {
		unit_fail_str(__FILE__, line, "conf_load succeeded", text, want);
		conf_free(&c);
		return;
	}
	if (strcmp(err, full) != 0)
		unit_fail_str(__FILE__, line, text, err, full);
	if (strstr(err, "AAECAwQF") != NULL || strstr(err, "QEFCQ0RF") != NULL)
		unit_fail_str(__FILE__, line, "secret in message", err, "");
	CHECK(c.zones == NULL && c.nzones == 0 && c.nkeys == 0);
}

/* ---- a full valid file ----------------------------------------------------- */
static void
check_addr(const union conf_addr *a, int family, const char *ip,
    unsigned port)
{
	char text[128], want[128];

	CHECK_INT(a->sa.sa_family, family);
	conf_addr_text(a, text, sizeof text);
	snprintf(want, sizeof want, "%s port %u", ip, port);
	CHECK_STR(text, want);
	CHECK_INT(conf_addr_len(a), family == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
}

static void
check_secret(const struct tsig_key *k, const char *b64)
{
	uint8_t want[TSIG_SECRET_MAX];
	int n = dns_base64_decode(b64, strlen(b64), want, sizeof want);

	CHECK(n > 0);
	CHECK_INT(k->secret_len, n);
	CHECK_MEM(k->secret, want, (size_t)n);
}

static void
check_prefix(const struct conf_prefix *pf, int family, const char *ip,
    unsigned bits)
{
	uint8_t want[16] = { 0 };

	CHECK_INT(pf->family, family);
	CHECK_INT(pf->bits, bits);
	CHECK(inet_pton(family, ip, want) == 1);
	CHECK_MEM(pf->addr, want, 16);
}

static void
check_full_keys(const struct conf *c)
{
	CHECK_INT(c->nkeys, 4);
	CHECK_MEM(c->keys[0].name, "\7xfr-key\0", 9);
	CHECK_INT(c->keys[0].alg, TSIG_HMAC_SHA256);
	check_secret(&c->keys[0], secret_a);
	CHECK_MEM(c->keys[1].name, "\12notify-key\0", 12);
	CHECK_INT(c->keys[1].alg, TSIG_HMAC_SHA512);
	check_secret(&c->keys[1], "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9"
	    "gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+fw==");
	CHECK_MEM(c->keys[2].name, "\13from-file-1\0", 13);
	CHECK_INT(c->keys[2].alg, TSIG_HMAC_SHA1);
	check_secret(&c->keys[2], "yMnKy8zNzs/Q0dLT1NXW19jZ2ts=");
	CHECK_MEM(c->keys[3].name, "\13from-file-2\0", 13);
	CHECK_INT(c->keys[3].alg, TSIG_HMAC_SHA384);
	check_secret(&c->keys[3], "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CB"
	    "goOEhYaHiImKi4yNjo+QkZKT");
	CHECK(conf_key_find(c, (const uint8_t *)"\7XFR-Key\0") == &c->keys[0]);
	CHECK(conf_key_find(c, (const uint8_t *)"\13FROM-FILE-2\0") ==
	    &c->keys[3]);
	CHECK(conf_key_find(c, (const uint8_t *)"\3nok\0") == NULL);
}

static void
check_full_zone1(const struct conf *c, const struct conf_zone *z)
{
	CHECK_MEM(z->name, "\7example\3com\0", 13);
	CHECK_INT(z->line, 26);
	CHECK_INT(z->nprimary, 3);
	check_addr(&z->primary[0].addr, AF_INET, "192.0.2.1", 5353);
	CHECK(z->primary[0].key == &c->keys[0]);
	check_addr(&z->primary[1].addr, AF_INET6, "2001:db8::1", 53);
	CHECK(z->primary[1].key == &c->keys[0]);
	check_addr(&z->primary[2].addr, AF_INET, "192.0.2.2", 53);
	CHECK(z->primary[2].key == NULL);
	CHECK_INT(z->nnotify, 3);
	check_prefix(&z->notify_from[0], AF_INET, "192.0.2.0", 24);
	check_prefix(&z->notify_from[1], AF_INET6, "2001:db8::", 32);
	check_prefix(&z->notify_from[2], AF_INET, "198.51.100.7", 32);
	CHECK(z->notify_key == &c->keys[1]);
	CHECK_INT(z->lim.max_rrs, 500000);              /* from defaults */
	CHECK_INT(z->lim.max_bytes, 256 * 1024 * 1024);
	CHECK_INT(z->lim.max_transfer_time, 7200);
	CHECK_INT(z->lim.idle_timeout, 45);             /* overrides 30s */
	CHECK_INT(z->lim.refresh_min, 600);             /* from defaults */
	CHECK_INT(z->lim.refresh_max, 86400);
	CHECK_INT(z->lim.retry_min, 30);
	CHECK_INT(z->lim.retry_max, 604800);
	CHECK_INT(z->lim.expire_min, 172800);
	CHECK_INT(z->lim.expire_max, 52 * 604800);
}

static void
check_full_zone2(const struct conf *c, const struct conf_zone *z)
{
	CHECK_MEM(z->name, "\7example\3net\0", 13);
	CHECK_INT(z->nprimary, 1);
	check_addr(&z->primary[0].addr, AF_INET6, "::ffff:203.0.113.9", 53);
	CHECK(z->primary[0].key == &c->keys[2]);
	/* Default: the primaries' addresses, IPv4-mapped stored as IPv4. */
	CHECK_INT(z->nnotify, 1);
	check_prefix(&z->notify_from[0], AF_INET, "203.0.113.9", 32);
	CHECK(z->notify_key == NULL);
	CHECK_INT(z->lim.max_rrs, 500000);
	CHECK_INT(z->lim.max_bytes, CONF_DEFAULT_MAX_BYTES);
	CHECK_INT(z->lim.max_transfer_time, CONF_DEFAULT_MAX_TRANSFER_TIME);
	CHECK_INT(z->lim.idle_timeout, 30);
	CHECK_INT(z->lim.refresh_min, 600);
	CHECK_INT(z->lim.refresh_max, CONF_DEFAULT_REFRESH_MAX);
	CHECK_INT(z->lim.retry_min, CONF_DEFAULT_RETRY_MIN);
	CHECK_INT(z->lim.retry_max, CONF_DEFAULT_RETRY_MAX);
	CHECK_INT(z->lim.expire_min, CONF_DEFAULT_EXPIRE_MIN);
	CHECK_INT(z->lim.expire_max, CONF_DEFAULT_EXPIRE_MAX);
}

UNIT_TEST(conf_full_file)
{
	struct conf c;
	char path[512], kpath[512], err[1024] = "";

	tmp_setup();
	tmp_copy(DATA "full.conf", "full.conf", path);
	tmp_copy(DATA "full.key", "full.key", kpath);
	CHECK_INT(conf_load(&c, path, err, sizeof err), 0);
	CHECK_STR(err, "");
	CHECK_INT(c.nlisten, 3);
	check_addr(&c.listen[0], AF_INET, "127.0.0.1", 5300);
	check_addr(&c.listen[1], AF_INET6, "::1", 5300);
	check_addr(&c.listen[2], AF_INET, "192.0.2.53", 53);
	CHECK_STR(c.control, "/run/xfrsync-test/ctl.sock");
	CHECK_STR(c.state_dir, "/var/lib/xfrsync-test");
	CHECK_INT(c.log_level, CONF_LOG_DEBUG);
	check_full_keys(&c);
	CHECK_INT(c.nzones, 2);
	if (c.nzones == 2) {
		check_full_zone1(&c, &c.zones[0]);
		check_full_zone2(&c, &c.zones[1]);
		CHECK(conf_zone_find(&c, (const uint8_t *)"\7EXAMPLE\3cOm\0") ==
		    &c.zones[0]);
		CHECK(conf_zone_find(&c, (const uint8_t *)"\7example\3net\0") ==
		    &c.zones[1]);
	}
	CHECK(conf_zone_find(&c, (const uint8_t *)"\7example\3org\0") == NULL);
	conf_free(&c);
	CHECK(c.zones == NULL && c.nzones == 0 && c.nkeys == 0);
	CHECK_INT(c.keys[0].secret_len, 0);
	CHECK(c.keys[0].secret[0] == 0 && c.keys[0].secret[31] == 0);
	tmp_cleanup();
}

UNIT_TEST(conf_minimal_defaults)
{
	struct conf c;
	char path[512], err[512];
	const struct conf_zone *z;

	tmp_setup();
	tmp_write("m.conf", "zone example.org { primary 192.0.2.1 }\n", 0644,
	    path);
	CHECK_INT(conf_load(&c, path, err, sizeof err), 0);
	CHECK_INT(c.nlisten, CFG_IPV6 ? 2 : 1);
	check_addr(&c.listen[0], AF_INET, "0.0.0.0", 53);
	if (CFG_IPV6)
		check_addr(&c.listen[1], AF_INET6, "::", 53);
	CHECK_STR(c.control, CONF_DEFAULT_CONTROL);
	CHECK_STR(c.state_dir, CONF_DEFAULT_STATE_DIR);
	CHECK_INT(c.log_level, CONF_LOG_INFO);
	CHECK_INT(c.nkeys, 0);
	CHECK_INT(c.nzones, 1);
	z = &c.zones[0];
	CHECK_INT(z->lim.max_rrs, CFG_DEFAULT_MAX_RRS);
	CHECK_INT(z->lim.max_bytes, CONF_DEFAULT_MAX_BYTES);
	CHECK_INT(z->lim.max_transfer_time, 7200);
	CHECK_INT(z->lim.idle_timeout, 60);
	CHECK_INT(z->lim.refresh_min, 300);
	CHECK_INT(z->lim.refresh_max, 2419200);
	CHECK_INT(z->lim.retry_min, 60);
	CHECK_INT(z->lim.retry_max, 1209600);
	CHECK_INT(z->lim.expire_min, 86400);
	CHECK_INT(z->lim.expire_max, 31536000);
	conf_free(&c);
	/* An empty file is a valid configuration (no zones). */
	tmp_write("e.conf", "# nothing\n", 0644, path);
	CHECK_INT(conf_load(&c, path, err, sizeof err), 0);
	CHECK_INT(c.nzones, 0);
	conf_free(&c);
	tmp_cleanup();
}

UNIT_TEST(conf_quoted_names)
{
	struct conf c;
	char path[512], err[512] = "";

	tmp_setup();
	tmp_write("q.conf", "zone \"ex\\.ample\" { primary 192.0.2.1 }\n"
	    "zone \\065Bc.example. { primary 192.0.2.1 }\n"
	    "zone . { primary 192.0.2.1 }\r\n"
	    "zone \"a\\\"b\" { primary 192.0.2.1 }\n", 0644, path);
	CHECK_INT(conf_load(&c, path, err, sizeof err), 0);
	CHECK_STR(err, "");
	CHECK_INT(c.nzones, 4);
	if (c.nzones == 4) {
		CHECK_MEM(c.zones[0].name, "\10ex.ample\0", 10);
		CHECK_MEM(c.zones[1].name, "\3abc\7example\0", 13);
		CHECK_MEM(c.zones[2].name, "\0", 1);
		CHECK_MEM(c.zones[3].name, "\3a\"b\0", 5);
	}
	conf_free(&c);
	tmp_cleanup();
}

UNIT_TEST(conf_example_loads)
{
	struct conf c;
	char path[512], err[1024] = "";

	tmp_setup();
	tmp_copy("docs/xfrsync.conf.example", "xfrsync.conf", path);
	CHECK_INT(conf_load(&c, path, err, sizeof err), 0);
	CHECK_STR(err, "");
	CHECK(c.nzones >= 1);
	CHECK(c.nkeys >= 1);
	conf_free(&c);
	tmp_cleanup();
}

/* ---- errors ------------------------------------------------------------------ */
#define ERR(text, want) check_error(__LINE__, text, want)
#define KEY_A "key \"k\" { algorithm hmac-sha256; secret \"" \
	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\"; }\n"
#define ZONE "zone a.example {\n primary 192.0.2.1\n"

UNIT_TEST(conf_error_keywords)
{
	tmp_setup();
	ERR("frobnicate 1\n", "1: unknown keyword \"frobnicate\"");
	ERR("\n\"listen\" 127.0.0.1\n",
	    "2: expected a keyword, got \"listen\"");
	ERR("}\n", "1: expected a keyword, got }");
	ERR(ZONE " masters 192.0.2.1\n}\n",
	    "3: unknown keyword \"masters\" in zone");
	ERR("defaults { primary 192.0.2.1 }\n",
	    "1: unknown keyword \"primary\" in defaults");
	ERR(ZONE " max-rrs 5 max-bytes 1m\n}\n",
	    "3: unexpected \"max-bytes\" after max-rrs (a statement ends "
	    "at ; or a newline)");
	ERR("control \"/a\"\ncontrol \"/b\"\n", "2: control given twice");
	ERR("log-level info\nlog-level debug\n", "2: log-level given twice");
	ERR("state-dir /a; state-dir /b\n", "1: state-dir given twice");
	ERR("defaults { }\ndefaults { }\n", "2: defaults given twice");
	ERR(ZONE "}\ndefaults { max-rrs 1 }\n",
	    "4: defaults must come before the first zone");
	ERR("log-level loud\n", "1: log-level: unknown level \"loud\" "
	    "(error, warning, notice, info or debug)");
	ERR("state-dir var/lib\n", "1: state-dir: not an absolute path");
	ERR("control\n", "1: expected a value after control, got end of "
	    "statement");
	ERR("control \"/run/xfrsync/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\"\n",
	    "1: control: path longer than 107 bytes");
	tmp_cleanup();
}

UNIT_TEST(conf_error_lexical)
{
	tmp_setup();
	ERR("\n\ncontrol \"/run/x\n", "3: unterminated quoted string");
	ERR("# ok\n/* never\nclosed\n", "2: unterminated /* comment");
	ERR("listen 127.0.0.1\x01\n", "1: control character 0x01");
	ERR("control \"/a\tb\x7f\"\n",
	    "1: control character 0x7f in a quoted string");
	tmp_cleanup();
}

UNIT_TEST(conf_error_duplicates)
{
	tmp_setup();
	ERR("zone a.example { primary 192.0.2.1 }\n"
	    "zone A.Example. { primary 192.0.2.1 }\n",
	    "2: zone \"a.example\" defined twice (first on line 1)");
	ERR(KEY_A "\n" KEY_A, "3: key \"k\" defined twice");
	ERR("listen ::1 port 53\nlisten ::1\n",
	    "2: listen ::1 port 53 given twice");
	ERR(ZONE " primary 192.0.2.1 port 53\n}\n",
	    "3: primary 192.0.2.1 port 53 given twice");
	ERR(ZONE " primary 192.0.2.2 port 1 port 2\n}\n",
	    "3: primary: port given twice");
	ERR(KEY_A ZONE " notify-key k\n notify-key k\n}\n",
	    "5: notify-key given twice");
	tmp_cleanup();
}

UNIT_TEST(conf_error_zones)
{
	tmp_setup();
	ERR("zone \"a.example\" {\n notify-from 192.0.2.1\n}\n",
	    "1: zone \"a.example\" has no primary");
	ERR(ZONE " primary 192.0.2.2 key nokey\n}\n",
	    "3: primary: key \"nokey\" is not defined (keys must be defined "
	    "before they are used)");
	ERR(ZONE " notify-key k\n}\n" KEY_A,
	    "3: notify-key: key \"k\" is not defined (keys must be defined "
	    "before they are used)");
	ERR("zone \"a..b\" { primary 192.0.2.1 }\n",
	    "1: bad zone name \"a..b\"");
	ERR("zone aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    ".example { primary 192.0.2.1 }\n",
	    "1: bad zone name <not shown>");
	ERR("zone a.example\nprimary 192.0.2.1\n",
	    "2: expected { after zone \"a.example\", got \"primary\"");
	ERR("\n" ZONE, "2: zone \"a.example\": no closing }");
	ERR(ZONE " primary 192.0.2.2\n primary 192.0.2.3\n primary 192.0.2.4\n"
	    " primary 192.0.2.5\n primary 192.0.2.6\n primary 192.0.2.7\n"
	    " primary 192.0.2.8\n primary 192.0.2.9\n}\n",
	    "10: too many primaries (at most 8)");
	ERR(ZONE " primary 192.0.2.2 tsig k\n}\n",
	    "3: primary: unexpected \"tsig\"");
	ERR(ZONE " notify-from\n}\n",
	    "3: notify-from: expected addresses or prefixes");
	tmp_cleanup();
}

UNIT_TEST(conf_error_addresses)
{
	tmp_setup();
	ERR("listen 192.0.2.300\n", "1: listen: bad address \"192.0.2.300\"");
	ERR("listen localhost\n", "1: listen: bad address \"localhost\"");
	ERR("listen 127.0.0.1 port 0\n",
	    "1: port: \"0\" is out of range (1 to 65535)");
	ERR("listen 127.0.0.1 port 65536\n",
	    "1: port: \"65536\" is out of range (1 to 65535)");
	ERR("listen 127.0.0.1 port http\n",
	    "1: port: bad value \"http\" (want a number)");
	ERR("listen 127.0.0.1 port 53 udp\n",
	    "1: unexpected \"udp\" after listen (a statement ends at ; or a "
	    "newline)");
	ERR(ZONE " primary 2001:db8::g\n}\n",
	    "3: primary: bad address \"2001:db8::g\"");
	ERR(ZONE " notify-from 192.0.2.0/33\n}\n",
	    "3: notify-from: bad prefix length in \"192.0.2.0/33\"");
	ERR(ZONE " notify-from 2001:db8::/129\n}\n",
	    "3: notify-from: bad prefix length in \"2001:db8::/129\"");
	ERR(ZONE " notify-from 192.0.2.0/024\n}\n",
	    "3: notify-from: bad prefix length in \"192.0.2.0/024\"");
	ERR(ZONE " notify-from 192.0.2.0/\n}\n",
	    "3: notify-from: bad prefix length in \"192.0.2.0/\"");
	ERR(ZONE " notify-from 192.0.2.1/24\n}\n",
	    "3: notify-from: \"192.0.2.1/24\" has bits set after the prefix "
	    "length");
	ERR(ZONE " notify-from 2001:db8::1:0/108\n}\n",
	    "3: notify-from: \"2001:db8::1:0/108\" has bits set after the "
	    "prefix length");
	ERR(ZONE " notify-from 192.0.2.0/24 example.com\n}\n",
	    "3: notify-from: bad prefix \"example.com\"");
	tmp_cleanup();
}

UNIT_TEST(conf_error_numbers)
{
	tmp_setup();
	ERR(ZONE " max-rrs 12x\n}\n",
	    "3: max-rrs: bad value \"12x\" (want a number)");
	ERR(ZONE " max-rrs 0\n}\n",
	    "3: max-rrs: \"0\" is out of range (1 to 4294967295)");
	ERR(ZONE " max-rrs 4294967296\n}\n",
	    "3: max-rrs: \"4294967296\" is out of range (1 to 4294967295)");
	ERR(ZONE " max-rrs -1\n}\n",
	    "3: max-rrs: bad value \"-1\" (want a number)");
	ERR(ZONE " max-bytes 5t\n}\n", "3: max-bytes: bad value \"5t\" "
	    "(want a size: a number with k, m or g)");
	ERR(ZONE " max-bytes 2048g\n}\n",
	    "3: max-bytes: \"2048g\" is out of range (1 to 1099511627776)");
	ERR(ZONE " idle-timeout 99999999999999999999999\n}\n",
	    "3: idle-timeout: \"99999999999999999999999\" is out of range "
	    "(1 to 2147483647)");
	ERR(ZONE " idle-timeout 1y\n}\n", "3: idle-timeout: bad value \"1y\" "
	    "(want a duration: seconds, or a number with s, m, h, d or w)");
	ERR(ZONE " max-transfer-time m\n}\n",
	    "3: max-transfer-time: bad value \"m\" (want a duration: seconds, "
	    "or a number with s, m, h, d or w)");
	ERR(ZONE " max-rrs\n}\n",
	    "3: expected a value after max-rrs, got end of statement");
	tmp_cleanup();
}

UNIT_TEST(conf_error_clamps)
{
	tmp_setup();
	ERR(ZONE " refresh-min 2h\n refresh-max 1h\n}\n",
	    "4: refresh-min (7200) is greater than refresh-max (3600)");
	ERR(ZONE " retry-max 1h\n retry-min 2h\n}\n",
	    "4: retry-min (7200) is greater than retry-max (3600)");
	/* The default expire-min (1 day) against a configured max. */
	ERR(ZONE " expire-max 3600\n}\n",
	    "3: expire-min (86400) is greater than expire-max (3600)");
	/* Inside defaults, against the built-in retry-max (2 weeks). */
	ERR("defaults {\n retry-min 3w\n}\n",
	    "2: retry-min (1814400) is greater than retry-max (1209600)");
	/* A zone inheriting a clamp it contradicts. */
	ERR("defaults { refresh-min 1d }\n" ZONE " refresh-max 1h\n}\n",
	    "4: refresh-min (86400) is greater than refresh-max (3600)");
	tmp_cleanup();
}

UNIT_TEST(conf_error_keys)
{
	char want[256];

	tmp_setup();
	snprintf(want, sizeof want, "1: key \"k\": unsupported algorithm "
	    "(this build knows:%s%s%s%s%s)",
	    CFG_TSIG_HMAC_SHA1 ? " hmac-sha1" : "",
	    CFG_TSIG_HMAC_SHA224 ? " hmac-sha224" : "",
	    CFG_TSIG_HMAC_SHA256 ? " hmac-sha256" : "",
	    CFG_TSIG_HMAC_SHA384 ? " hmac-sha384" : "",
	    CFG_TSIG_HMAC_SHA512 ? " hmac-sha512" : "");
	ERR("key k { algorithm hmac-md5; secret \"AAECAwQF\"; }\n", want);
	ERR("key k {\n algorithm hmac-sha256\n}\n", "3: key \"k\": no secret");
	ERR("key k {\n secret \"AAECAwQF\"\n}\n", "3: key \"k\": no algorithm");
	ERR("key k { algorithm hmac-sha256; algorithm hmac-sha1 }\n",
	    "1: key \"k\": algorithm given twice");
	ERR("key k { algorithm hmac-sha256; secret \"AAECAwQF!!\"; }\n",
	    "1: key \"k\": secret is not valid base64");
	ERR("key k { algorithm hmac-sha256; secret \"\"; }\n",
	    "1: key \"k\": empty secret");
	ERR("key \"a..b\" { algorithm hmac-sha256; secret \"AAECAwQF\"; }\n",
	    "1: bad key name \"a..b\"");
	ERR("key { algorithm hmac-sha256 }\n",
	    "1: expected a key name after key, got {");
	ERR("key k\n{\n algorithm hmac-sha256;\n", "1: key \"k\": no closing }");
	ERR("key k { algorithm hmac-sha256; secret \"AAECAwQF\"; } zone\n",
	    "1: unexpected \"zone\" after key block (a statement ends at ; "
	    "or a newline)");
	tmp_cleanup();
}

/* ---- key files ------------------------------------------------------------- */
UNIT_TEST(keyfile_valid)
{
	struct tsig_key k[4];
	char path[512], err[1024] = "", want[1024];
	size_t n = 99;

	tmp_setup();
	tmp_copy(DATA "full.key", "a.key", path);
	CHECK_INT(keyfile_load(path, k, 4, &n, err, sizeof err), 0);
	CHECK_STR(err, "");
	CHECK_INT(n, 2);
	CHECK_MEM(k[0].name, "\13from-file-1\0", 13);
	CHECK_INT(k[0].alg, TSIG_HMAC_SHA1);
	check_secret(&k[0], "yMnKy8zNzs/Q0dLT1NXW19jZ2ts=");
	CHECK_MEM(k[1].name, "\13from-file-2\0", 13);
	CHECK_INT(k[1].alg, TSIG_HMAC_SHA384);
	/* Room for one key only: an error, and nothing kept. */
	CHECK_INT(keyfile_load(path, k, 1, &n, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:6: too many keys (room for 1)", path);
	CHECK_STR(err, want);
	CHECK_INT(n, 0);
	CHECK_INT(k[0].secret_len, 0);
	CHECK(k[0].secret[0] == 0);
	tmp_cleanup();
}

static void
check_keyfile_error(int line, const char *text, mode_t mode, int rc,
    const char *want)
{
	struct tsig_key k[2];
	char path[512], err[1024], full[1024];
	size_t n = 99;

	tmp_write("t.key", text, mode, path);
	snprintf(full, sizeof full, "%s%s", path, want);
	if (keyfile_load(path, k, 2, &n, err, sizeof err) != rc)
		unit_fail_str(__FILE__, line, "keyfile_load", text, want);
	else if (strcmp(err, full) != 0)
		unit_fail_str(__FILE__, line, text, err, full);
	if (n != 0)
		unit_fail_int(__FILE__, line, "n", (long long)n, 0);
}
#define KERR(text, mode, want) check_keyfile_error(__LINE__, text, mode, -1, \
	want)

UNIT_TEST(keyfile_errors)
{
	char path[512], err[1024], want[1024];
	struct tsig_key k[1];
	size_t n;

	tmp_setup();
	KERR("", 0600, ":1: no key statement");
	KERR("# only a comment\n\n", 0600, ":3: no key statement");
	KERR("options { };\n", 0600,
	    ":1: expected a key statement, got \"options\"");
	KERR(KEY_A "key K. { algorithm hmac-sha1; secret \"AAECAwQF\" }\n",
	    0600, ":2: key \"k\" defined twice");
	KERR("\n\n" KEY_A, 0640, ":3: permissions 0640 are too open for a "
	    "file holding a secret (group or others can access it)");
	KERR(KEY_A, 0604, ":1: permissions 0604 are too open for a file "
	    "holding a secret (group or others can access it)");
	KERR(KEY_A, 0620, ":1: permissions 0620 are too open for a file "
	    "holding a secret (group or others can access it)");
	KERR("key k { algorithm hmac-sha256; secret \"AAECAwQF\"; };;\n"
	    "key j { algorithm hmac-sha256; secret \"AAECAwQF\"; } key l {\n",
	    0600, ":2: unexpected \"key\" after key block (a statement ends "
	    "at ; or a newline)");
	tmp_copy(DATA "bad.key", "bad.key", path);
	CHECK_INT(keyfile_load(path, k, 1, &n, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:4: key \"bad-key\": unknown attribute "
	    "(expected algorithm or secret)", path);
	CHECK_STR(err, want);
	snprintf(path, sizeof path, "%s/missing.key", tmpdir);
	CHECK_INT(keyfile_load(path, k, 1, &n, err, sizeof err), -2);
	snprintf(want, sizeof want, "%s: No such file or directory", path);
	CHECK_STR(err, want);
	CHECK_INT(keyfile_load(tmpdir, k, 1, &n, err, sizeof err), -2);
	snprintf(want, sizeof want, "%s: not a regular file", tmpdir);
	CHECK_STR(err, want);
	tmp_cleanup();
}

UNIT_TEST(conf_key_file_errors)
{
	char path[512], want[1024], text[600];
	struct conf c;

	tmp_setup();
	/* An error inside a key file names the key file and its line. */
	tmp_copy(DATA "bad.key", "bad.key", path);
	snprintf(want, sizeof want, "%s:4: key \"bad-key\": unknown attribute "
	    "(expected algorithm or secret)", path);
	ERR("\nkey-file \"bad.key\"\n", want);
	snprintf(want, sizeof want, "2: key-file: %s/missing.key: No such file "
	    "or directory", tmpdir);
	ERR("\nkey-file missing.key\n", want);
	tmp_copy(DATA "full.key", "full.key", path);
	ERR("key from-file-2 { algorithm hmac-sha256; secret \"AAECAwQF\" }\n"
	    "key-file full.key\n",
	    "2: key-file: key \"from-file-2\" is already defined");
	/* An absolute path works too; a key file others can read does not. */
	tmp_write("open.key", KEY_A, 0644, path);
	snprintf(want, sizeof want, "%s:1: permissions 0644 are too open for "
	    "a file holding a secret (group or others can access it)", path);
	snprintf(text, sizeof text, "key-file \"%s\"\n", path);
	ERR(text, want);
	chmod(path, 0600);
	tmp_write("t.conf", text, 0600, path);
	CHECK_INT(conf_load(&c, path, want, sizeof want), 0);
	CHECK_INT(c.nkeys, 1);
	conf_free(&c);
	tmp_cleanup();
}

/* ---- permissions and secrets ----------------------------------------------- */
UNIT_TEST(conf_permissions)
{
	struct conf c;
	char path[512], err[1024], want[1024];
	static const mode_t bad[] = { 0640, 0604, 0660, 0644, 0700 | 0001 };
	size_t i;

	tmp_setup();
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		tmp_write("s.conf", "log-level info\n" KEY_A, bad[i], path);
		CHECK_INT(conf_load(&c, path, err, sizeof err), -1);
		snprintf(want, sizeof want, "%s:2: permissions %04o are too "
		    "open for a file holding a secret (group or others can "
		    "access it)", path, (unsigned)bad[i]);
		CHECK_STR(err, want);
	}
	tmp_write("s.conf", "log-level info\n" KEY_A, 0400, path);
	CHECK_INT(conf_load(&c, path, err, sizeof err), 0);
	conf_free(&c);
	/* No secret: any mode will do. */
	tmp_write("n.conf", "log-level info\n", 0644, path);
	CHECK_INT(conf_load(&c, path, err, sizeof err), 0);
	conf_free(&c);
	snprintf(path, sizeof path, "%s/none.conf", tmpdir);
	CHECK_INT(conf_load(&c, path, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: No such file or directory", path);
	CHECK_STR(err, want);
	CHECK_INT(conf_load(&c, tmpdir, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: not a regular file", tmpdir);
	CHECK_STR(err, want);
	tmp_cleanup();
}

/* 1 if err holds any 10 consecutive characters of secret. */
static int
leaks(const char *err, const char *secret)
{
	char w[11];
	size_t i, n = strlen(secret);

	for (i = 0; i + 10 <= n; i++) {
		memcpy(w, secret + i, 10);
		w[10] = '\0';
		if (strstr(err, w) != NULL)
			return 1;
	}
	return 0;
}

/* Copy pattern to out[2048] with every '@' replaced by secret. */
static void
subst(char *out, const char *pattern, const char *secret)
{
	size_t o = 0, n = strlen(secret);

	for (; *pattern != '\0'; pattern++)
		if (*pattern == '@') {
			memcpy(out + o, secret, n);
			o += n;
		} else {
			out[o++] = *pattern;
		}
	out[o] = '\0';
}

/* text fails to load, as a configuration and as a key file, and no
 * message shows the secret. */
static void
check_no_leak(const char *text, const char *secret)
{
	char path[512], err[1024];
	struct conf c;

	tmp_write("x.conf", text, 0600, path);
	if (conf_load(&c, path, err, sizeof err) == 0) {
		unit_fail_str(__FILE__, __LINE__, "loaded", text, "an error");
		conf_free(&c);
	} else if (leaks(err, secret)) {
		unit_fail_str(__FILE__, __LINE__, text, err, "no secret");
	}
	tmp_write("x.key", text, 0600, path);
	tmp_write("y.conf", "key-file x.key\n", 0600, path);
	if (conf_load(&c, path, err, sizeof err) == 0)
		conf_free(&c);
	else if (leaks(err, secret))
		unit_fail_str(__FILE__, __LINE__, text, err, "no secret");
}

UNIT_TEST(conf_secrets_never_in_messages)
{
	/* @ stands for the secret. */
	static const char *const cases[] = {
		"key k { algorithm hmac-sha256; \"@\"; }\n",
		"key k { algorithm hmac-sha256; @; }\n",
		"key k { algorithm hmac-sha256; @ }\n",
		"key k { algorithm hmac-sha256; secret \"@\" \"@\"; }\n",
		"key k { algorithm hmac-sha256; secret @ @ }\n",
		"key k { algorithm hmac-sha256 secret \"@\"; }\n",
		"key k { algorithm \"@\"; secret \"@\" }\n",
		"key k { secret @!; algorithm hmac-sha256 }\n",
		"key k { secret \"@=@\"; algorithm hmac-sha256 }\n",
		"key k { secret \"@@@@@@@@\"; algorithm hmac-sha256 }\n",
		"key k { algorithm hmac-sha256; secret \"@\n",
		"key k { algorithm hmac-sha256; secret \"@\"; secret \"@\" }\n",
		"key k { algorithm hmac-sha256; secret { \"@\" } }\n",
		"key k algorithm hmac-sha256; secret \"@\";\n",
		"key k { algorithm hmac-sha256; secret \"@\"; } \"@\"\n",
		"@\n",
		"\"@\"\n",
		"listen @\n",
		"zone a.example { primary 192.0.2.1 key @ }\n",
		"zone a.example { primary 192.0.2.1 key \"@\" }\n",
		"zone a.example { primary 192.0.2.1; notify-key @ }\n",
		"zone a.example { primary 192.0.2.1; notify-from @ }\n",
		"zone a.example { primary 192.0.2.1 @ }\n",
		"zone a.example { primary 192.0.2.1; max-rrs @ }\n",
	};
	static const char *const secrets[] = {
		"ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4yNjo+QkZKT",
		("QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5v"
		    "cHFyc3R1dnd4eXp7fH1+fw=="),
		"ABCDEFGHIJKLMNOPQRSTUVWX",
	};
	char text[2048];
	size_t i, s;

	tmp_setup();
	for (s = 0; s < sizeof secrets / sizeof secrets[0]; s++)
		for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			subst(text, cases[i], secrets[s]);
			check_no_leak(text, secrets[s]);
		}
	tmp_cleanup();
}

/* ---- NOTIFY sources ------------------------------------------------------------ */
static int
allowed(const struct conf_zone *z, const char *ip)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	memset(&sin, 0, sizeof sin);
	memset(&sin6, 0, sizeof sin6);
	if (inet_pton(AF_INET, ip, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons(40000);
		return conf_notify_allowed(z, (struct sockaddr *)&sin);
	}
	if (inet_pton(AF_INET6, ip, &sin6.sin6_addr) != 1)
		abort();
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(40000);
	return conf_notify_allowed(z, (struct sockaddr *)&sin6);
}

static const char acl_conf[] =
    "zone a.example {\n"
    "  primary 192.0.2.1\n"
    "  notify-from 198.51.100.0/22 2001:db8:abcd::/61\n"
    "  notify-from ::ffff:203.0.113.0/120 192.0.2.77\n"
    "}\n"
    "zone b.example { primary 192.0.2.1 port 5353; primary 2001:db8::53 }\n"
    "zone c.example { primary 192.0.2.1; notify-from 0.0.0.0/0 ::/0 }\n"
    "zone d.example { primary 192.0.2.1; notify-from 10.1.2.2/31 }\n";

UNIT_TEST(conf_notify_acl)
{
	struct conf c;
	struct sockaddr_un sun;
	char path[512], err[512];
	const struct conf_zone *a, *b, *d;

	tmp_setup();
	tmp_write("acl.conf", acl_conf, 0644, path);
	CHECK_INT(conf_load(&c, path, err, sizeof err), 0);
	CHECK_INT(c.nzones, 4);
	a = &c.zones[0], b = &c.zones[1], d = &c.zones[3];
	CHECK(allowed(a, "198.51.100.1"));
	CHECK(allowed(a, "198.51.103.255"));
	CHECK(!allowed(a, "198.51.104.0"));
	CHECK(!allowed(a, "198.51.99.255"));
	CHECK(allowed(a, "2001:db8:abcd:7::1"));
	CHECK(!allowed(a, "2001:db8:abcd:8::1"));
	CHECK(allowed(a, "::ffff:198.51.101.5"));       /* mapped source */
	CHECK(allowed(a, "203.0.113.200"));             /* mapped prefix */
	CHECK(allowed(a, "::ffff:203.0.113.5"));
	CHECK(!allowed(a, "203.0.114.1"));
	CHECK(allowed(a, "192.0.2.77"));
	CHECK(!allowed(a, "192.0.2.1"));        /* not a default when given */
	CHECK(!allowed(a, "192.0.2.78"));
	CHECK(!allowed(a, "::1"));
	CHECK(!allowed(a, "::c633:6401"));      /* IPv4-compatible: not v4 */
	/* Default: the primaries' addresses, whatever the port. */
	CHECK_INT(b->nnotify, 2);
	CHECK(allowed(b, "192.0.2.1"));
	CHECK(allowed(b, "::ffff:192.0.2.1"));
	CHECK(!allowed(b, "192.0.2.2"));
	CHECK(allowed(b, "2001:db8::53"));
	CHECK(!allowed(b, "2001:db8::54"));
	CHECK(allowed(&c.zones[2], "8.8.8.8"));
	CHECK(allowed(&c.zones[2], "2001:db8::99"));
	CHECK(allowed(d, "10.1.2.2"));
	CHECK(allowed(d, "10.1.2.3"));
	CHECK(!allowed(d, "10.1.2.4"));
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	CHECK(!conf_notify_allowed(a, (struct sockaddr *)&sun));
	conf_free(&c);
	tmp_cleanup();
}
