/*
 * daemon.h — `xfrsync run -c FILE [-d] [-v] [-n] [-u USER]`: the daemon.
 *
 * Once its sockets are open it switches to USER (-u) and confines itself
 * with a seccomp allowlist (CONFIG_SECCOMP); a reload then reads the
 * configuration as USER, so the file must be readable by it (mode 0600,
 * owned by USER).
 * -d: stay in the foreground, log to stderr; -v: more detail (debug);
 * -n: check the configuration and exit.  SIGHUP reloads the
 * configuration (a bad one is reported and the running one kept);
 * SIGTERM and SIGINT stop cleanly.
 */
#ifndef XFRSYNC_AGENT_DAEMON_H
#define XFRSYNC_AGENT_DAEMON_H

int daemon_main(int argc, char **argv);

#endif
