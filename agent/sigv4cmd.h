/*
 * sigv4cmd.h — `xfrsync sigv4 --region R --service S [--date D] [-v]`:
 * sign one raw HTTP/1.1 request read on stdin, write it signed on stdout.
 */
#ifndef XFRSYNC_AGENT_SIGV4CMD_H
#define XFRSYNC_AGENT_SIGV4CMD_H

/* The subcommand; argv[0] is "sigv4".  Returns the exit status. */
int sigv4_main(int argc, char **argv);

#endif
