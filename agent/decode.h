/*
 * decode.h — `xfrsync decode [--tcp] FILE`: print DNS messages like dig.
 */
#ifndef XFRSYNC_AGENT_DECODE_H
#define XFRSYNC_AGENT_DECODE_H

/* The subcommand; argv[0] is "decode".  Returns the exit status. */
int decode_main(int argc, char **argv);

#endif
