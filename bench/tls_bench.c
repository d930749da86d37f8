/*
 * tls_bench.c — TLS handshake plus one HTTP request, timed: full
 * handshakes (empty session cache every time) against resumed ones (the
 * cache primed once).  Built static with musl and the product's BearSSL
 * and flags by bench/tls_bench.py, which also runs the server.
 *
 *   tls_bench HOST PORT CAFILE PATH N
 *
 * Connects to 127.0.0.1:PORT, checks the certificate for HOST against
 * CAFILE, sends GET PATH with Connection: close and reads the answer to
 * its end.  Prints, per mode, the median and 90th percentile of wall
 * time and of this process's CPU time, in microseconds.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/http.h"
#include "tls/tls.h"

static struct tls_stream ts;
static struct tls_sessions cache;
static struct tls_anchors anchors;
static struct http_resp resp;
static char hbuf[16384];
static uint8_t body[65536];

static uint64_t
usec(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

static int
cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One connection, one request; returns 1 if the session was resumed,
 * 0 if not, -1 on failure. */
static int
once(const char *host, int port, const char *path)
{
	struct sockaddr_in sa;
	struct http_conn hc;
	struct http_request rq;
	struct pollfd p;
	char head[512];
	uint8_t *b;
	size_t len;
	ssize_t k;
	int fd, n, rc, one = 1;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		perror("connect");
		return -1;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (tls_stream_start(&ts, &anchors, &cache, host, (uint16_t)port,
	    (int64_t)time(NULL)) != 0) {
		fprintf(stderr, "tls_stream_start failed\n");
		return -1;
	}
	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.target = path;
	rq.host = host;
	rq.close = 1;
	n = http_request_head(head, sizeof head, &rq);
	http_resp_body_buf(&resp, body, sizeof body);
	http_conn_init(&hc, &ts.base, &resp);
	http_conn_request(&hc, (const uint8_t *)head, (size_t)n, NULL, 0, 0, 1);
	while ((rc = http_conn_step(&hc)) == HTTP_MORE) {
		p.fd = fd;
		p.events = 0;
		if (xs_sendrec_buf(&ts.base, &len) != NULL)
			p.events |= POLLOUT;
		if (xs_recvrec_buf(&ts.base, &len) != NULL)
			p.events |= POLLIN;
		if (poll(&p, 1, 10000) <= 0)
			break;
		if (p.revents & POLLOUT) {
			b = xs_sendrec_buf(&ts.base, &len);
			if ((k = send(fd, b, len, MSG_NOSIGNAL)) > 0)
				xs_sendrec_ack(&ts.base, (size_t)k);
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			b = xs_recvrec_buf(&ts.base, &len);
			k = recv(fd, b, len, 0);
			if (k > 0)
				xs_recvrec_ack(&ts.base, (size_t)k);
			else
				xs_eof(&ts.base);
		}
	}
	close(fd);
	if (rc != HTTP_DONE || resp.status != 200) {
		fprintf(stderr, "request failed: %s %s (status %d)\n",
		    http_strerror(rc), rc == HTTP_E_STREAM ?
		    xs_strerror(&ts.base) : "", resp.status);
		return -1;
	}
	return tls_stream_resumed(&ts);
}

static void
report(const char *mode, uint64_t *wall, uint64_t *cpu, int n)
{
	qsort(wall, (size_t)n, sizeof *wall, cmp);
	qsort(cpu, (size_t)n, sizeof *cpu, cmp);
	printf("%s n=%d wall_median_us=%llu wall_p90_us=%llu cpu_median_us=%llu "
	    "cpu_p90_us=%llu\n", mode, n, (unsigned long long)wall[n / 2],
	    (unsigned long long)wall[n * 9 / 10],
	    (unsigned long long)cpu[n / 2], (unsigned long long)cpu[n * 9 / 10]);
}

int
main(int argc, char **argv)
{
	static struct tls_ca ca;
	static uint64_t wall[100000], cpu[100000];
	char err[256];
	int n, i, port, mode;

	if (argc != 6 || (n = atoi(argv[5])) <= 0 || n > 100000) {
		fprintf(stderr, "usage: tls_bench HOST PORT CAFILE PATH N\n");
		return 2;
	}
	port = atoi(argv[2]);
	if (tls_ca_file_load(argv[3], &ca, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	tls_ca_anchors(&ca, &anchors);
	http_resp_init(&resp, hbuf, sizeof hbuf, 64, 0);
	for (mode = 0; mode < 2; mode++) {
		tls_sessions_init(&cache);
		if (mode == 1 && once(argv[1], port, argv[4]) != 0)
			return 1; /* prime the cache with a full handshake */
		for (i = 0; i < n; i++) {
			uint64_t w0, c0;
			int r;

			if (mode == 0)
				tls_sessions_init(&cache);
			w0 = usec(CLOCK_MONOTONIC);
			c0 = usec(CLOCK_PROCESS_CPUTIME_ID);
			r = once(argv[1], port, argv[4]);
			cpu[i] = usec(CLOCK_PROCESS_CPUTIME_ID) - c0;
			wall[i] = usec(CLOCK_MONOTONIC) - w0;
			if (r != mode) {
				fprintf(stderr, "iteration %d: %s\n", i, r < 0 ?
				    "failed" : "unexpected resumption state");
				return 1;
			}
		}
		report(mode ? "resumed" : "full", wall, cpu, n);
	}
	printf("suite %s\n", tls_stream_suite(&ts));
	tls_ca_free(&ca);
	return 0;
}
