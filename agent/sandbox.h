/*
 * sandbox.h — confine the process with a seccomp allowlist (libseccomp).
 *
 * Default action: kill the process (or, with CONFIG_SECCOMP_DEBUG, trap
 * and name the system call).  Without CONFIG_SECCOMP, or in a sanitizer
 * build, these functions do nothing and return 0.
 */
#ifndef XFRSYNC_AGENT_SANDBOX_H
#define XFRSYNC_AGENT_SANDBOX_H

/*
 * For filters: after its input is in memory, the process may only write
 * to open descriptors, manage memory and exit.  0, or -1 with a message
 * on stderr.
 */
int sandbox_enter_filter(void);

/*
 * For the daemon, once its sockets are open: switch to user (when not
 * NULL: its uid, gid and no supplementary groups), then allow only what
 * the event loop needs — network I/O on open and new sockets, memory,
 * clocks, randomness, signals, reading files (configuration reload) and
 * exiting.  0, or -1 with a message on stderr.
 */
int sandbox_enter_daemon(const char *user);

#endif
