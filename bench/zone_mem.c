/*
 * zone_mem.c — memory and time of the zone store (not part of the build).
 *
 *   cc -std=c11 -O2 -D_DEFAULT_SOURCE -I. -Ibuild -o /tmp/zone_mem \
 *       bench/zone_mem.c agent/zone.c net/{err,wire,text,name,rrtype,rdata,\
 *       rdata_text,svcb,base64,msg,msg_text,zonetext,serial}.c
 *   /tmp/zone_mem a 1000000 [shuffle]   A records host%06d.example.com.
 *   /tmp/zone_mem txt 100000 [shuffle]  TXT "key=value-%06d" "second string"
 *
 * Prints zone_mem() per RR, the process RSS growth per RR once the build
 * is finished (steady state) and at the peak, the build time, the time
 * to apply a 10-RR IXFR (SOA out/in, 4 RRs out, 4 in) and diff it, and
 * the time of a diff that cannot use the shared base (a full walk).
 * bench/README.md has the figures from this machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "agent/zone.h"
#include "net/rrtype.h"

static const uint8_t apex[] = "\7example\3com";

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident set size in bytes, from /proc/self/statm. */
static long
rss(void)
{
	long pages = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f != NULL) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * sysconf(_SC_PAGESIZE);
}

static long
peak_rss(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss * 1024L;
}

static size_t
soa(uint8_t *rd, uint32_t serial)
{
	static const uint8_t head[] = "\3ns1\7example\3com\0\4host\7example\3com";
	size_t n = sizeof head, i;
	uint32_t v[5] = { serial, 7200, 3600, 1209600, 300 };

	memcpy(rd, head, n);
	for (i = 0; i < 5; i++, n += 4) {
		rd[n] = (uint8_t)(v[i] >> 24);
		rd[n + 1] = (uint8_t)(v[i] >> 16);
		rd[n + 2] = (uint8_t)(v[i] >> 8);
		rd[n + 3] = (uint8_t)v[i];
	}
	return n;
}

/* Owner and RDATA of RR n; returns the RDATA length. */
static size_t
rr(int txt, unsigned n, uint8_t *owner, uint8_t *rd)
{
	char lab[32];
	int len = snprintf(lab, sizeof lab, txt ? "txt%06u" : "host%06u", n);

	owner[0] = (uint8_t)len;
	memcpy(owner + 1, lab, (size_t)len);
	memcpy(owner + 1 + len, apex, sizeof apex);
	if (!txt) {
		rd[0] = 10;
		rd[1] = (uint8_t)(n >> 16);
		rd[2] = (uint8_t)(n >> 8);
		rd[3] = (uint8_t)n;
		return 4;
	}
	len = snprintf((char *)rd + 1, 64, "key=value-%06u", n);
	rd[0] = (uint8_t)len;
	rd[1 + len] = 13;
	memcpy(rd + 2 + len, "second string", 13);
	return (size_t)len + 15;
}

static int
count_change(void *ctx, const struct zone_change *c)
{
	(void)c;
	++*(size_t *)ctx;
	return 0;
}

static struct zone *
ixfr(const struct zone *base, int txt, unsigned nrr)
{
	struct zone_build b;
	struct zone *z = NULL;
	uint8_t owner[DNS_NAME_MAX], rd[512];
	size_t len;
	unsigned i;

	zone_build_init_from(&b, base, NULL);
	len = soa(rd, 1);
	zone_build_del(&b, apex, DNS_T_SOA, rd, len);
	len = soa(rd, 2);
	zone_build_add(&b, apex, DNS_T_SOA, 3600, rd, len);
	for (i = 0; i < 4; i++) { /* 4 out, 4 in with another value */
		unsigned n = (i + 1) * (nrr / 5);

		len = rr(txt, n, owner, rd);
		zone_build_del(&b, owner, txt ? DNS_T_TXT : DNS_T_A, rd, len);
		rd[len - 1] ^= 0x55;
		zone_build_add(&b, owner, txt ? DNS_T_TXT : DNS_T_A, 300, rd,
		    len);
	}
	if (zone_build_finish(&b, NULL, &z) != 0)
		fprintf(stderr, "ixfr failed\n");
	return z;
}

int
main(int argc, char **argv)
{
	int txt = argc > 1 && strcmp(argv[1], "txt") == 0;
	unsigned nrr = argc > 2 ? (unsigned)atoi(argv[2]) : 1000000, i;
	int shuffle = argc > 3 && strcmp(argv[3], "shuffle") == 0;
	unsigned *order = malloc(nrr * sizeof *order);
	uint8_t owner[DNS_NAME_MAX], rd[512];
	struct zone_build b;
	struct zone *z, *z2;
	long rss0, rss1;
	double t0, t1, t2;
	size_t len, nchg = 0;

	for (i = 0; i < nrr; i++)
		order[i] = i;
	for (i = nrr - 1; shuffle && i > 0; i--) {
		unsigned j = (unsigned)random() % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	rss0 = rss();
	t0 = now();
	zone_build_init(&b, apex, NULL);
	len = soa(rd, 1);
	zone_build_add(&b, apex, DNS_T_SOA, 3600, rd, len);
	for (i = 0; i < nrr; i++) {
		len = rr(txt, order[i], owner, rd);
		if (zone_build_add(&b, owner, txt ? DNS_T_TXT : DNS_T_A, 300,
		    rd, len) != 0)
			return 1;
	}
	t1 = now();
	if (zone_build_finish(&b, NULL, &z) != 0)
		return 1;
	t2 = now();
	rss1 = rss();
	printf("%u %s RRs%s: zone_mem %.1f B/RR; RSS +%.1f B/RR steady, "
	    "peak %.1f B/RR\n", nrr, txt ? "TXT" : "A",
	    shuffle ? " (shuffled)" : "",
	    (double)zone_mem(z) / (double)zone_rr_count(z),
	    (double)(rss1 - rss0) / nrr, (double)(peak_rss() - rss0) / nrr);
	printf("build: add %.3f s + finish %.3f s = %.3f s\n", t1 - t0,
	    t2 - t1, t2 - t0);
	t0 = now();
	z2 = ixfr(z, txt, nrr);
	t1 = now();
	zone_diff(z, z2, count_change, &nchg);
	t2 = now();
	printf("ixfr 10 RRs: apply %.1f ms, diff %.3f ms (%zu changes)\n",
	    (t1 - t0) * 1e3, (t2 - t1) * 1e3, nchg);
	nchg = 0;
	t0 = now();
	zone_diff(z2, z, count_change, &nchg); /* not z2's base: full walk */
	t1 = now();
	printf("full diff walk: %.1f ms (%zu changes)\n", (t1 - t0) * 1e3,
	    nchg);
	zone_free(z2);
	free(order);
	zone_free(z);
	return 0;
}
