/*
 * credcmd.h — `xfrsync credentials`: find AWS credentials once and say
 * where they came from, without showing a secret.
 *
 *   xfrsync credentials [-c FILE] [--source NAME] [-t SECONDS] [-v]
 *                       [--watch N] [--invalidate]
 */
#ifndef XFRSYNC_AGENT_CREDCMD_H
#define XFRSYNC_AGENT_CREDCMD_H

/* The subcommand; argv[0] is "credentials".  Returns the exit status. */
int credentials_main(int argc, char **argv);

#endif
