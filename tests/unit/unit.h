/*
 * unit.h — the unit-test runner's whole API.
 *
 *   UNIT_TEST(name) { CHECK(x == 1); CHECK_STR(buf, "a."); }
 *
 * Tests register themselves (constructor); tests/unit/main.c runs them all
 * and ends with "N passed, N failed", exiting non-zero on any failure.
 * A failed CHECK prints file:line and the expression, marks the test
 * failed and carries on.
 */
#ifndef XFRSYNC_TESTS_UNIT_H
#define XFRSYNC_TESTS_UNIT_H

#include <stddef.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
void unit_fail(const char *file, int line, const char *what);
void unit_fail_str(const char *file, int line, const char *what,
    const char *got, const char *want);
void unit_fail_int(const char *file, int line, const char *what,
    long long got, long long want);
/* Hex dump helper for failure messages; returns a static buffer. */
const char *unit_hex(const void *p, size_t n);

#define UNIT_TEST(nm)                                                   \
	static void nm(void);                                           \
	static struct unit_test unit_t_##nm = { #nm, nm, NULL };        \
	__attribute__((constructor)) static void unit_reg_##nm(void)    \
	{ unit_register(&unit_t_##nm); }                                \
	static void nm(void)

#define CHECK(e) do { if (!(e)) unit_fail(__FILE__, __LINE__, #e); } while (0)
#define CHECK_INT(got, want) do { long long g_ = (long long)(got),      \
	w_ = (long long)(want); if (g_ != w_)                           \
	unit_fail_int(__FILE__, __LINE__, #got, g_, w_); } while (0)
#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); \
	if (strcmp(g_, w_) != 0)                                        \
	unit_fail_str(__FILE__, __LINE__, #got, g_, w_); } while (0)
#define CHECK_MEM(got, want, n) do { if (memcmp((got), (want), (n)) != 0) \
	unit_fail_str(__FILE__, __LINE__, #got, unit_hex((got), (n)),   \
	    "(differs)"); } while (0)

#endif
