/* main.c — the xfrsync command line: dispatch to subcommands. */
#include <stdio.h>
#include <string.h>

#include "agent/credcmd.h"
#include "agent/ctl.h"
#include "agent/daemon.h"
#include "agent/decode.h"
#include "agent/fetch.h"
#include "agent/plan.h"
#include "agent/httpcmd.h"
#include "agent/resolvecmd.h"
#include "agent/sigv4cmd.h"
#include "xfrsync_config.h"

static int
version(void)
{
	printf("xfrsync %s\n", XFRSYNC_VERSION);
	printf("options: %s\n", XFRSYNC_CONFIG_STRING);
	return 0;
}

static int
usage(FILE *f)
{
	fprintf(f, "usage: xfrsync --version\n"
	    "       xfrsync run [-c FILE] [-d] [-v] [-n]   the daemon\n"
	    "       xfrsync ctl [-c FILE] status | refresh ZONE | "
	    "retransfer ZONE | dump ZONE\n"
	    "       xfrsync fetch [-y ALG:NAME:SECRET | -k KEYFILE] [-p PORT]\n"
	    "                     [--ixfr SERIAL | --axfr] [-t SECONDS] "
	    "@HOST ZONE\n"
	    "       xfrsync decode [--tcp] FILE   print DNS messages like dig\n"
	    "       xfrsync http [--ca-file F] [--connect ADDR:PORT] [-X M] "
	    "[-H H]... [-d D] [-i] URL...\n"
	    "       xfrsync sigv4 --region R --service S [--date YYYYMMDDTHHMMSSZ] "
	    "[-v] < REQUEST\n"
	    "       xfrsync resolve [--server ADDR[:PORT]] [-4|-6] NAME...\n"
	    "       xfrsync credentials [-c FILE] [--source NAME] [-t SECONDS] "
	    "[-v]\n"
	    "       xfrsync plan -c FILE [-v] [-t SECONDS] ZONE   what a sync "
	    "would do\n"
	    "       xfrsync sync -c FILE [-v] [-t SECONDS] ZONE   push ZONE to "
	    "Route53 once\n");
	return f == stdout ? 0 : 2;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		return version();
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return usage(stdout);
	if (strcmp(argv[1], "decode") == 0)
		return decode_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "fetch") == 0)
		return fetch_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") == 0)
		return daemon_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "ctl") == 0)
		return ctl_main(argc - 1, argv + 1);
	if (CFG_ROUTE53 && strcmp(argv[1], "http") == 0)
		return http_main(argc - 1, argv + 1);
	if (CFG_ROUTE53 && strcmp(argv[1], "sigv4") == 0)
		return sigv4_main(argc - 1, argv + 1);
	if (CFG_ROUTE53 && strcmp(argv[1], "credentials") == 0)
		return credentials_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "resolve") == 0)
		return resolve_main(argc - 1, argv + 1);
	if (CFG_ROUTE53 && strcmp(argv[1], "plan") == 0)
		return plan_main(argc - 1, argv + 1);
	if (CFG_ROUTE53 && strcmp(argv[1], "sync") == 0)
		return sync_main(argc - 1, argv + 1);
	fprintf(stderr, "xfrsync: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
