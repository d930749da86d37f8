/* daemon.c — start-up, signals, reload and shutdown of `xfrsync run`. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/conf.h"
#include "agent/cred.h"
#include "agent/ctl.h"
#include "agent/daemon.h"
#include "agent/httpjob.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/notifyd.h"
#include "agent/push.h"
#include "agent/resolve.h"
#include "agent/route53.h"
#include "agent/r53state.h"
#include "agent/sandbox.h"
#include "agent/zone.h"
#include "xfrsync_config.h"
#include "agent/zones.h"

#define DEFAULT_CONF "/etc/xfrsync/xfrsync.conf"

/* Two configurations: the running one and the one a reload fills. */
static struct conf confs[2];
static int cur;
static const char *conf_path;
static int verbose;
static const char *run_as;
static int pushing;              /* Route53 client and credentials set up */

static int
level_of(const struct conf *c)
{
	if (verbose || c->log_level >= CONF_LOG_DEBUG)
		return LOG_LVL_DEBUG;
	return c->log_level >= CONF_LOG_INFO ? LOG_LVL_INFO : LOG_LVL_WARN;
}

static void
reload(void)
{
	struct conf *next = &confs[!cur];
	char err[512];

	if (conf_load(next, conf_path, err, sizeof err) != 0) {
		log_warnx("reload failed, keeping the running configuration: %s",
		    err);
		return;
	}
	if (strcmp(next->control, confs[cur].control) != 0)
		log_warnx("reload: a new control socket path takes effect at "
		    "the next start");
	if (zones_reload(next) != 0) {
		log_warnx("reload failed: out of memory");
		conf_free(next);
		return;
	}
	if (CFG_ROUTE53 && !pushing && push_wanted(next))
		log_warnx("reload: pushing to Route53 (a new aws block or "
		    "hosted-zone-id) takes effect at the next start");
	if (CFG_ROUTE53 && pushing && push_reload(next) != 0)
		log_warnx("reload: out of memory: Route53 pushes keep the "
		    "running configuration");
	notifyd_conf(next);
	log_set_level(level_of(next));
	conf_free(&confs[cur]);
	cur = !cur;
	log_info("configuration reloaded: %zu zones", confs[cur].nzones);
}

static void
on_signal(int signo)
{
	if (signo == SIGHUP)
		reload();
	else {
		log_info("stopping on signal %d", signo);
		loop_stop();
	}
}

static int
usage(void)
{
	fprintf(stderr, "usage: xfrsync run [-c FILE] [-d] [-v] [-n] [-u USER]\n");
	return 2;
}

static void
on_yield(void *ctx)
{
	(void)ctx;
	notifyd_service();
}

static int
start(struct conf *c, int foreground)
{
	loop_init();
	if (loop_signals(on_signal) != 0)
		fatal("signals");
	if (notifyd_start(c) != 0 || ctl_start(c->control) != 0)
		return -1;
	/* Credentials (environment, shared files, CA file) and the Route53
	 * client are read before the sandbox. */
	if (CFG_ROUTE53 && push_wanted(c)) {
		char err[512];

		if (cred_init(&c->aws, CRED_PIN_CONF, err, sizeof err) != 0 ||
		    r53_init(&c->aws, err, sizeof err) != 0 ||
		    r53_state_prepare(c->state_dir, run_as, err,
		    sizeof err) != 0) {
			log_warnx("aws: %s", err);
			cred_stop();
			return -1;
		}
		pushing = 1;
	}
	if (!foreground && daemon(0, 0) != 0)
		fatal("daemon");
	if (CFG_SECCOMP && sandbox_enter_daemon(run_as) != 0)
		return -1;
	if (!CFG_SECCOMP && run_as != NULL) {
		log_warnx("-u needs CONFIG_SECCOMP (the privilege drop lives "
		    "with the sandbox)");
		return -1;
	}
	zone_set_yield(on_yield, NULL);
	if (zones_start(c) != 0)
		return -1;
	return (CFG_ROUTE53 && pushing) ? push_start(c) : 0;
}

static void
stop_pushing(void)
{
	if (!CFG_ROUTE53 || !pushing)
		return;
	push_stop();
	httpjob_shutdown();
	resolve_shutdown();
	r53_shutdown();
	cred_stop();
	pushing = 0;
}

int
daemon_main(int argc, char **argv)
{
	int opt, fg = 0, check = 0, rc;
	char err[512];

	conf_path = DEFAULT_CONF;
	while ((opt = getopt(argc, argv, "c:dnu:v")) != -1) {
		switch (opt) {
		case 'c': conf_path = optarg; break;
		case 'u': run_as = optarg; break;
		case 'd': fg = 1; break;
		case 'n': check = 1; break;
		case 'v': verbose = 1; break;
		default: return usage();
		}
	}
	if (optind != argc)
		return usage();
	if (conf_load(&confs[cur], conf_path, err, sizeof err) != 0) {
		fprintf(stderr, "xfrsync: %s\n", err);
		return 1;
	}
	if (check) {
		printf("%s: configuration OK, %zu zones\n", conf_path,
		    confs[cur].nzones);
		conf_free(&confs[cur]);
		return 0;
	}
	log_init(fg, level_of(&confs[cur]));
	if (start(&confs[cur], fg) != 0) {
		stop_pushing();
		conf_free(&confs[cur]);
		return 1;
	}
	log_info("xfrsync started: %zu zones", confs[cur].nzones);
	rc = loop_run();
	stop_pushing();
	zones_stop();
	notifyd_stop();
	ctl_stop();
	conf_free(&confs[cur]);
	return rc == 0 ? 0 : 1;
}
