/*
 * loop.h — the one poll() loop: descriptors, timers, signals.
 *
 * Everything the daemon does is a callback from here.  No callback may
 * block: sockets are non-blocking and every wait is a timer.  Contexts
 * (struct loop_io, struct loop_timer) are owned by their callers.
 */
#ifndef XFRSYNC_AGENT_LOOP_H
#define XFRSYNC_AGENT_LOOP_H

#include <stdint.h>

struct loop_io {
	int fd;
	short events;                /* POLLIN / POLLOUT */
	void (*cb)(struct loop_io *io, short revents);
	void *ctx;
	int slot;                    /* private: -1 when not registered */
};

struct loop_timer {
	uint64_t when;               /* private: deadline, monotonic ms */
	void (*cb)(struct loop_timer *t);
	void *ctx;
	int armed;
	struct loop_timer *next;     /* private */
};

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t loop_now(void);
/* Seconds of CLOCK_REALTIME (for TSIG and status output). */
uint64_t loop_wall(void);

void loop_init(void);
/* Register io (fd, events, cb set); 0 or -1 when the table is full. */
int loop_add(struct loop_io *io);
void loop_del(struct loop_io *io);
void loop_set_events(struct loop_io *io, short events);

/* (Re)arm t to fire in `ms` milliseconds. */
void timer_arm(struct loop_timer *t, uint64_t ms);
void timer_disarm(struct loop_timer *t);

/* Signals delivered through the loop (signalfd): SIGHUP, SIGTERM, SIGINT. */
int loop_signals(void (*cb)(int signo));

/* Run until loop_stop(); 0 on a clean stop. */
int loop_run(void);
void loop_stop(void);

#endif
