/*
 * resolvecmd.c — `xfrsync resolve`: agent/resolve on the loop, printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/log.h"
#include "agent/loop.h"
#include "agent/resolve.h"
#include "agent/resolvecmd.h"

struct lookup {
	struct resolve_req req;
	const char *name;
	int done;
	int err;
	char *text;              /* address lines, or the cause */
	char info[512];          /* the -v line */
};

static struct lookup *lk;
static int n_lk, left, serial, verbose;

static int
usage(void)
{
	fprintf(stderr, "usage: xfrsync resolve [--server ADDR[:PORT]]... "
	    "[--conf FILE]\n\t[--timeout SECONDS] [--attempts N] "
	    "[-4 | -6 | --prefer4 | --prefer6]\n\t[--serial] [--stats] [-v] "
	    "NAME...\n");
	return 2;
}

static void start(int i, enum resolve_family fam);
static enum resolve_family family;

static void
done(struct resolve_req *r, const struct resolve_result *res)
{
	struct lookup *l = r->ctx;
	size_t cap = (size_t)res->n * (64 + strlen(l->name) + 2) +
	    strlen(res->why) + 2, o = 0;
	unsigned i;

	l->done = 1;
	l->err = res->err;
	if ((l->text = malloc(cap)) == NULL) {
		perror("xfrsync resolve");
		exit(1);
	}
	l->text[0] = '\0';
	if (res->err != 0)
		snprintf(l->text, cap, "%s", res->why);
	for (i = 0; i < res->n; i++) {
		char a[80];

		resolve_addr_text(&res->addr[i], a, sizeof a);
		o += (size_t)snprintf(l->text + o, cap - o, "%s\t%s\n", a,
		    l->name);
	}
	snprintf(l->info, sizeof l->info, ";; %s: %s, %u address%s, "
	    "canonical name %s, ttl %lu%s", l->name, res->err ? "failed" : "ok",
	    res->n, res->n == 1 ? "" : "es", res->canon,
	    (unsigned long)res->ttl, res->cached ? ", cached" : "");
	if (--left == 0)
		loop_stop();
	else if (serial)
		start((int)(l - lk) + 1, family);
}

static void
start(int i, enum resolve_family fam)
{
	int rc = resolve_start(&lk[i].req, lk[i].name, fam, done, &lk[i]);

	if (rc != 0) {
		size_t cap = strlen(lk[i].name) + 64;

		lk[i].done = 1;
		lk[i].err = rc;
		if ((lk[i].text = malloc(cap)) != NULL)
			snprintf(lk[i].text, cap, "%s: %s", lk[i].name,
			    resolve_strerror(rc));
		snprintf(lk[i].info, sizeof lk[i].info, ";; %s: failed",
		    lk[i].name);
		if (--left == 0)
			loop_stop();
		else if (serial)
			start(i + 1, fam);
	}
}

int
resolve_main(int argc, char **argv)
{
	const char *conf = NULL;
	unsigned timeout_ms = 0, attempts = 0;
	int i, first, stats = 0, rc = 0;
	char *end;

	family = RESOLVE_ANY;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "--server") == 0 && i + 1 < argc) {
			if (resolve_server_add_text(argv[++i]) != 0) {
				fprintf(stderr, "xfrsync resolve: bad --server "
				    "%s (want ADDR, ADDR:PORT or [V6]:PORT; at "
				    "most %d)\n", argv[i], RESOLVE_SERVER_MAX);
				return 2;
			}
		} else if (strcmp(a, "--conf") == 0 && i + 1 < argc)
			conf = argv[++i];
		else if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
			double s = strtod(argv[++i], &end);

			if (*end != '\0' || !(s >= 0.001 && s <= 60))
				return usage();
			timeout_ms = (unsigned)(s * 1000 + 0.5);
		} else if (strcmp(a, "--attempts") == 0 && i + 1 < argc) {
			unsigned long n = strtoul(argv[++i], &end, 10);

			if (*end != '\0' || n < 1 || n > 10)
				return usage();
			attempts = (unsigned)n;
		} else if (strcmp(a, "-4") == 0)
			family = RESOLVE_INET;
		else if (strcmp(a, "-6") == 0)
			family = RESOLVE_INET6;
		else if (strcmp(a, "--prefer4") == 0)
			family = RESOLVE_PREFER_INET;
		else if (strcmp(a, "--prefer6") == 0)
			family = RESOLVE_PREFER_INET6;
		else if (strcmp(a, "--serial") == 0)
			serial = 1;
		else if (strcmp(a, "--stats") == 0)
			stats = 1;
		else if (strcmp(a, "-v") == 0)
			verbose = 1;
		else
			return usage();
	}
	if (i == argc)
		return usage();
	first = i;
	log_init(1, verbose ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	loop_init();
	resolve_init(conf);
	resolve_set_timing(timeout_ms, attempts);
	n_lk = left = argc - first;
	if ((lk = calloc((size_t)n_lk, sizeof *lk)) == NULL) {
		perror("xfrsync resolve");
		return 1;
	}
	for (i = 0; i < n_lk; i++)
		lk[i].name = argv[first + i];
	if (serial)
		start(0, family);
	else
		for (i = 0; i < n_lk; i++)
			start(i, family);
	if (left > 0 && loop_run() != 0)
		rc = 1;
	for (i = 0; i < n_lk; i++) {
		if (verbose)
			fprintf(stderr, "%s\n", lk[i].info);
		if (!lk[i].done) {
			fprintf(stderr, "xfrsync resolve: %s: not resolved\n",
			    lk[i].name);
			rc = 1;
		} else if (lk[i].err != 0) {
			fprintf(stderr, "xfrsync resolve: %s\n",
			    lk[i].text ? lk[i].text : lk[i].name);
			rc = 1;
		} else
			fputs(lk[i].text, stdout);
		free(lk[i].text);
	}
	if (stats) {
		struct resolve_stats st;

		resolve_stats(&st);
		fprintf(stderr, ";; stats: udp %lu, tcp %lu, cache hits %lu, "
		    "joined %lu, case retries %lu\n", st.udp, st.tcp,
		    st.cache_hits, st.joined, st.case_retries);
	}
	resolve_shutdown();
	free(lk);
	return fflush(stdout) == 0 ? rc : 1;
}
