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

#endif
