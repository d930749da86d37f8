/*
 * credcmd.c — `xfrsync credentials`: walk the credential chain once.
 *
 *   xfrsync credentials [-c FILE] [--source NAME] [-t SECONDS] [-v]
 *                       [--watch N] [--invalidate]
 *
 * Like `aws configure list` (or `aws sts get-caller-identity` without the
 * call): runs the providers of agent/cred.h on the loop until one yields
 * credentials or all have failed, then prints the source, where it got
 * them, the access key ID, whether there is a session token and the
 * expiration — never the secret or the token.  -c names the configuration
 * whose aws block to use (default /etc/xfrsync/xfrsync.conf, when it
 * exists); --source pins one provider (overriding credentials-source);
 * -t bounds the whole run (default 60 s); -v logs each step on stderr.
 *
 * For checking refreshes: --watch N stays on the loop after the first
 * answer and prints one line per refresh (or failed refresh) until N of
 * them; --invalidate acts once as after an ExpiredToken answer
 * (cred_invalidate) and waits for the refresh.
 *
 * Exit status: 0 found, 1 none (one line on stderr naming each provider
 * tried and why it failed), 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent/conf.h"
#include "agent/credcmd.h"
#include "agent/cred.h"
#include "agent/log.h"
#include "agent/loop.h"

#define DEFAULT_CONF "/etc/xfrsync/xfrsync.conf"

static struct conf conf;

static struct {
	int watch, invalidate, verbose;
	int found, failed, timed_out, events, invalidated, cannot;
} S;

static int
usage(void)
{
	fprintf(stderr, "usage: xfrsync credentials [-c FILE] [--source NAME] "
	    "[-t SECONDS] [-v]\n"
	    "                           [--watch N] [--invalidate]\n"
	    "sources: config, env, web-identity, profile, ecs, imds "
	    "(default: auto, in that order)\n");
	return 2;
}

static void
show(const struct cred *c)
{
	char t[21], left[32];

	printf("source: %s\n", cred_source_name(c->source));
	printf("origin: %s\n", c->origin);
	printf("access-key-id: %s\n", c->access_key_id);
	printf("session-token: %s\n", c->token[0] ? "yes" : "no");
	if (c->expiration != 0) {
		cred_time_format(c->expiration, t);
		cred_time_left(c->expiration - (int64_t)loop_wall(), left,
		    sizeof left);
		printf("expiration: %s (in %s)\n", t, left);
	} else {
		printf("expiration: none\n");
	}
	fflush(stdout);
}

static void
show_line(const char *what, const struct cred *c)
{
	char t[21] = "none";

	if (c->expiration != 0)
		cred_time_format(c->expiration, t);
	printf("%s: access-key-id %s, session-token %s, expiration %s\n", what,
	    c->access_key_id, c->token[0] ? "yes" : "no", t);
	fflush(stdout);
}

static void
on_event(void *ctx, int ev)
{
	const struct cred *c = cred_get();

	(void)ctx;
	switch (ev) {
	case CRED_EV_READY:
		S.found = 1;
		show(c);
		if (S.invalidate && !S.invalidated) {
			S.invalidated = 1;
			if (cred_invalidate() != 0) {
				S.cannot = 1;
				loop_stop();
			}
			return;
		}
		if (S.watch == 0)
			loop_stop();
		return;
	case CRED_EV_FAILED:
		S.failed = 1;
		loop_stop();
		return;
	case CRED_EV_REFRESHED:
		show_line("refreshed", c);
		break;
	case CRED_EV_REFRESH_FAILED:
		printf("refresh failed: %s\n", cred_failure());
		fflush(stdout);
		break;
	default:
		return;
	}
	if (++S.events >= S.watch)
		loop_stop();
}

static void
on_deadline(struct loop_timer *t)
{
	(void)t;
	S.timed_out = 1;
	loop_stop();
}

int
credentials_main(int argc, char **argv)
{
	static struct loop_timer deadline;
	const char *path = NULL, *source = NULL;
	unsigned long secs = 60;
	char err[1024], *end;
	int i, pin = CRED_PIN_CONF, have_conf = 0, rc;
	struct stat st;

	memset(&S, 0, sizeof S);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-v") == 0) {
			S.verbose = 1;
		} else if (strcmp(a, "--invalidate") == 0) {
			S.invalidate = 1;
		} else if (i + 1 >= argc) {
			return usage();
		} else if (strcmp(a, "-c") == 0) {
			path = argv[++i];
		} else if (strcmp(a, "--source") == 0) {
			source = argv[++i];
		} else if (strcmp(a, "-t") == 0) {
			secs = strtoul(argv[++i], &end, 10);
			if (*end != '\0' || secs == 0 || secs > 86400)
				return usage();
		} else if (strcmp(a, "--watch") == 0) {
			unsigned long n = strtoul(argv[++i], &end, 10);

			if (*end != '\0' || n == 0 || n > 1000)
				return usage();
			S.watch = (int)n;
		} else {
			return usage();
		}
	}
	if (source != NULL && (pin = cred_source_parse(source)) == -2) {
		fprintf(stderr, "xfrsync credentials: unknown source '%s'\n",
		    source);
		return usage();
	}
	if (S.invalidate && S.watch == 0)
		S.watch = 1;
	if (path == NULL && stat(DEFAULT_CONF, &st) == 0)
		path = DEFAULT_CONF;
	if (path != NULL) {
		if (conf_load(&conf, path, err, sizeof err) != 0) {
			fprintf(stderr, "xfrsync credentials: %s\n", err);
			return 1;
		}
		have_conf = 1;
	}
	/* Quiet unless -v: the outcome is printed below. */
	log_init(1, S.verbose ? LOG_LVL_DEBUG : -1);
	loop_init();
	rc = cred_init(have_conf ? &conf.aws : NULL, pin, err, sizeof err);
	if (have_conf)
		conf_free(&conf);       /* cred_init took its copy */
	if (rc != 0) {
		fprintf(stderr, "xfrsync credentials: %s\n", err);
		cred_stop();
		return 1;
	}
	deadline.cb = on_deadline;
	timer_arm(&deadline, (uint64_t)secs * 1000);
	cred_start(on_event, NULL);
	loop_run();
	timer_disarm(&deadline);
	rc = 0;
	if (!S.found) {
		if (S.timed_out)
			fprintf(stderr, "xfrsync credentials: no credentials "
			    "within %lu s\n", secs);
		else
			fprintf(stderr, "xfrsync credentials: no credentials: "
			    "%s\n", cred_failure());
		rc = 1;
	} else if (S.cannot) {
		fprintf(stderr, "xfrsync credentials: --invalidate: "
		    "credentials from %s cannot be refreshed\n",
		    cred_source_in_use());
		rc = 1;
	} else if (S.watch > 0 && S.events < S.watch) {
		fprintf(stderr, "xfrsync credentials: %d of %d refreshes "
		    "within %lu s\n", S.events, S.watch, secs);
		rc = 1;
	}
	cred_stop();
	return rc;
}
