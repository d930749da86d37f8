/*
 * resolvecmd.h — `xfrsync resolve`: look names up with the daemon's own
 * stub resolver (agent/resolve), on the loop, and print the addresses.
 *
 *   xfrsync resolve [--server ADDR[:PORT]]... [--conf FILE]
 *                   [--timeout SECONDS] [--attempts N]
 *                   [-4 | -6 | --prefer4 | --prefer6] [--serial]
 *                   [--stats] [-v] NAME...
 *
 * One line per address, "ADDRESS<TAB>NAME", in the order a connection
 * should try them, names in argument order.  The lookups run
 * concurrently (the same name twice shares its queries); --serial runs
 * them one after another, so a repeated name comes from the cache.  -v
 * adds a ";; NAME: …" line per name on stderr (canonical name, TTL,
 * cached) and the resolver's debug log; --stats a ";; stats: …" line.
 * Exit 0; 1 when a name fails (its one-line cause on stderr); 2 on misuse.
 */
#ifndef XFRSYNC_AGENT_RESOLVECMD_H
#define XFRSYNC_AGENT_RESOLVECMD_H

/* The subcommand; argv[0] is "resolve".  Returns the exit status. */
int resolve_main(int argc, char **argv);

#endif
