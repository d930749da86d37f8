/* main.c — run every registered unit test; end with a summary line. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/unit.h"

static struct unit_test *head, **tail = &head;
static int cur_failed;

void
unit_register(struct unit_test *t)
{
	*tail = t;
	tail = &t->next;
}

void
unit_fail(const char *file, int line, const char *what)
{
	printf("  FAIL %s:%d: %s\n", file, line, what);
	cur_failed = 1;
}

void
unit_fail_str(const char *file, int line, const char *what, const char *got,
    const char *want)
{
	printf("  FAIL %s:%d: %s\n    got:  \"%s\"\n    want: \"%s\"\n", file,
	    line, what, got, want);
	cur_failed = 1;
}

void
unit_fail_int(const char *file, int line, const char *what, long long got,
    long long want)
{
	printf("  FAIL %s:%d: %s = %lld, want %lld\n", file, line, what, got,
	    want);
	cur_failed = 1;
}

const char *
unit_hex(const void *p, size_t n)
{
	static char buf[1024];
	const unsigned char *b = p;
	size_t i, o = 0;

	for (i = 0; i < n && o + 3 < sizeof buf; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%02x", b[i]);
	buf[o] = '\0';
	return buf;
}

int
main(int argc, char **argv)
{
	struct unit_test *t;
	int passed = 0, failed = 0;

	(void)argc;
	(void)argv;
	for (t = head; t != NULL; t = t->next) {
		cur_failed = 0;
		t->fn();
		if (cur_failed) {
			printf("not ok %s\n", t->name);
			failed++;
		} else
			passed++;
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
