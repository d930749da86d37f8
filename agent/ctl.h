/*
 * ctl.h — the control socket, in the manner of rndc, knotc, nsd-control.
 *
 *   xfrsync ctl [-c FILE] status | refresh ZONE | retransfer ZONE | dump ZONE
 *
 * The daemon listens on a unix socket (mode 0600, path from `control` in
 * the configuration).  A client sends one line; the daemon answers "OK"
 * or "ERR <reason>" on the first line, then the body, then closes.
 * `dump` streams the zone exactly as held, in presentation form, without
 * stopping the loop: the version being dumped stays valid even if a
 * transfer replaces it meanwhile.
 */
#ifndef XFRSYNC_AGENT_CTL_H
#define XFRSYNC_AGENT_CTL_H

/* Daemon side: listen on path.  0, or -1 after logging why. */
int ctl_start(const char *path);
void ctl_stop(void);

/* The `xfrsync ctl` command; argv[0] is "ctl".  Returns the exit status. */
int ctl_main(int argc, char **argv);

#endif
