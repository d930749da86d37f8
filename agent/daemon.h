/*
 * daemon.h — `xfrsync run -c FILE [-d] [-v] [-n]`: the daemon.
 *
 * -d: stay in the foreground, log to stderr; -v: more detail (debug);
 * -n: check the configuration and exit.  SIGHUP reloads the
 * configuration (a bad one is reported and the running one kept);
 * SIGTERM and SIGINT stop cleanly.
 */
#ifndef XFRSYNC_AGENT_DAEMON_H
#define XFRSYNC_AGENT_DAEMON_H

int daemon_main(int argc, char **argv);

#endif
