/* test_r53state.c — the Route53 state file: names, round trip, bad files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/r53state.h"
#include "net/name.h"
#include "net/rrtype.h"
#include "tests/unit/unit.h"

static void
tmpdir(char *buf, size_t cap)
{
	snprintf(buf, cap, "/tmp/xfrsync-unit-r53state-XXXXXX");
	if (mkdtemp(buf) == NULL)
		buf[0] = '\0';
}

static void
put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

UNIT_TEST(r53state_path_names)
{
	char b[256];

	r53_state_path("/var/lib/x", "Example.COM.", b, sizeof b);
	CHECK_STR(b, "/var/lib/x/example.com.route53");
	r53_state_path("/s", ".", b, sizeof b);
	CHECK_STR(b, "/s/root.route53");
	r53_state_path("/s", "a/b\\032c.test.", b, sizeof b);
	CHECK_STR(b, "/s/a%2Fb%5C032c.test.route53");
	/* truncation is reported, the buffer stays a string */
	CHECK(r53_state_path("/s", "example.com.", b, 8) > 8);
	CHECK_INT(strlen(b), 7);
}

UNIT_TEST(r53state_round_trip_with_protected_sets)
{
	struct r53_rrset sets[3];
	struct r53_guard g;
	struct r53_state st;
	char dir[64], err[256], path[256];
	uint8_t w[DNS_NAME_MAX];
	struct stat sb;

	tmpdir(dir, sizeof dir);
	CHECK(dir[0] != '\0');
	memset(sets, 0, sizeof sets);
	sets[0] = (struct r53_rrset){ "www.example.com.", DNS_T_A, R53_ALIAS,
		0, 0, NULL };
	sets[1] = (struct r53_rrset){ "\\052.example.com.", DNS_T_AAAA,
		R53_SETID, 60, 0, NULL };
	sets[2] = (struct r53_rrset){ "plain.example.com.", DNS_T_A, 0, 60, 0,
		NULL };
	CHECK_INT(r53_guard_init(&g, sets, 3), 0);
	CHECK_INT(g.n, 2);
	CHECK_INT(r53_state_load(dir, "example.com.", &st, err, sizeof err), 0);
	CHECK_INT(r53_state_save(dir, "example.com.", "Z1PA6795", 2026113001u,
	    1796011425u, &g, err, sizeof err), 0);
	r53_guard_free(&g);
	r53_state_path(dir, "example.com.", path, sizeof path);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	strcat(path, ".new");
	CHECK(stat(path, &sb) != 0);    /* the temporary file is gone */

	CHECK_INT(r53_state_load(dir, "example.com.", &st, err, sizeof err), 1);
	CHECK_STR(st.hzid, "Z1PA6795");
	CHECK_INT(st.serial, 2026113001u);
	CHECK_INT(st.synced, 1796011425u);
	CHECK_INT(st.nprot, 2);
	/* what came back guards the same names */
	CHECK_INT(r53_guard_init(&g, st.prot, st.nprot), 0);
	CHECK_INT(g.n, 2);
	CHECK(r53_name_from_text("*.example.com.", 14, w) > 0);
	CHECK_INT(r53_guard_blocks(&g, w, DNS_T_AAAA), 1);
	CHECK(r53_name_from_text("www.example.com.", 16, w) > 0);
	CHECK_INT(r53_guard_blocks(&g, w, DNS_T_A), 1);
	CHECK(r53_name_from_text("plain.example.com.", 18, w) > 0);
	CHECK_INT(r53_guard_blocks(&g, w, DNS_T_A), 0);
	r53_guard_free(&g);
	r53_state_free(&st);

	/* a second save replaces the file; no guard, no protected lines */
	CHECK_INT(r53_state_save(dir, "example.com.", "Z1PA6795", 7, 8, NULL,
	    err, sizeof err), 0);
	CHECK_INT(r53_state_load(dir, "example.com.", &st, err, sizeof err), 1);
	CHECK_INT(st.serial, 7);
	CHECK_INT(st.nprot, 0);
	r53_state_free(&st);
	r53_state_path(dir, "example.com.", path, sizeof path);
	unlink(path);
	rmdir(dir);
}

UNIT_TEST(r53state_bad_files_name_the_line)
{
	struct r53_state st;
	char dir[64], err[256], path[256];

	tmpdir(dir, sizeof dir);
	r53_state_path(dir, "bad.test.", path, sizeof path);
	put_file(path, "hosted-zone-id Z1\nserial 12x\n");
	CHECK_INT(r53_state_load(dir, "bad.test.", &st, err, sizeof err), -1);
	CHECK(strstr(err, "bad.test.route53:2: cannot read this line") != NULL);
	put_file(path, "hosted-zone-id Z1\nserial 4294967296\n");
	CHECK_INT(r53_state_load(dir, "bad.test.", &st, err, sizeof err), -1);
	put_file(path, "hosted-zone-id Z1\n# no serial\n");
	CHECK_INT(r53_state_load(dir, "bad.test.", &st, err, sizeof err), -1);
	CHECK(strstr(err, "no serial line") != NULL);
	put_file(path, "hosted-zone-id Z1\nserial 5\nprotected a.bad.test. "
	    "NOTATYPE\n");
	CHECK_INT(r53_state_load(dir, "bad.test.", &st, err, sizeof err), -1);
	CHECK(strstr(err, ":3:") != NULL);
	put_file(path, "hosted-zone-id Z1\nserial 5");  /* not ended */
	CHECK_INT(r53_state_load(dir, "bad.test.", &st, err, sizeof err), -1);
	/* unknown lines are skipped */
	put_file(path, "future-field 1\nhosted-zone-id Z1\nserial 5\n");
	CHECK_INT(r53_state_load(dir, "bad.test.", &st, err, sizeof err), 1);
	CHECK_INT(st.serial, 5);
	r53_state_free(&st);
	unlink(path);
	rmdir(dir);
}
