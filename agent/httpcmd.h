/*
 * httpcmd.h — `xfrsync http`: a small curl for debugging, on the same
 * HTTP and TLS engines as the daemon.
 *
 *   xfrsync http [--ca-file FILE] [--connect ADDR:PORT] [-X METHOD]
 *                [-H 'Name: value']... [-d BODY | -d @FILE] [-i] [-v] [-f]
 *                [-m SECONDS] URL...
 *
 * Prints each response body (with -i, the status line and fields first).
 * Several URLs to the same place reuse the connection when HTTP allows,
 * else reconnect resuming the TLS session.  Exit 0; 1 with a one-line
 * cause on any failure (and with -f on a status >= 400); 2 on misuse.
 */
#ifndef XFRSYNC_AGENT_HTTPCMD_H
#define XFRSYNC_AGENT_HTTPCMD_H

/* The subcommand; argv[0] is "http".  Returns the exit status. */
int http_main(int argc, char **argv);

#endif
