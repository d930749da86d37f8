/*
 * fetch.h — `xfrsync fetch`: one zone transfer, printed like dig.
 *
 *   xfrsync fetch [-y ALG:NAME:SECRET | -k KEYFILE] [-p PORT]
 *                 [--ixfr SERIAL | --axfr] [-t SECONDS] [--max-rrs N]
 *                 @HOST ZONE
 */
#ifndef XFRSYNC_AGENT_FETCH_H
#define XFRSYNC_AGENT_FETCH_H

int fetch_main(int argc, char **argv);

#endif
