/* loop.c — poll() over registered descriptors, timers, signalfd. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "agent/log.h"
#include "agent/loop.h"

#define LOOP_MAX 512

static struct pollfd pfd[LOOP_MAX];
static struct loop_io *ios[LOOP_MAX];
static int nio;
static struct loop_timer *timers;
static int stopping;
static struct loop_io sig_io;
static void (*sig_cb)(int);

uint64_t
loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
loop_wall(void)
{
	return (uint64_t)time(NULL);
}

void
loop_init(void)
{
	nio = 0;
	timers = NULL;
	stopping = 0;
}

int
loop_add(struct loop_io *io)
{
	if (nio >= LOOP_MAX)
		return -1;
	io->slot = nio;
	ios[nio] = io;
	pfd[nio].fd = io->fd;
	pfd[nio].events = io->events;
	pfd[nio].revents = 0;
	nio++;
	return 0;
}

void
loop_del(struct loop_io *io)
{
	int s = io->slot;

	if (s < 0 || s >= nio || ios[s] != io)
		return;
	nio--;
	if (s != nio) { /* move the last one into the hole */
		ios[s] = ios[nio];
		pfd[s] = pfd[nio];
		ios[s]->slot = s;
	}
	io->slot = -1;
}

void
loop_set_events(struct loop_io *io, short events)
{
	io->events = events;
	if (io->slot >= 0 && io->slot < nio && ios[io->slot] == io)
		pfd[io->slot].events = events;
}

void
timer_disarm(struct loop_timer *t)
{
	struct loop_timer **p;

	for (p = &timers; *p != NULL; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	t->armed = 0;
}

void
timer_arm(struct loop_timer *t, uint64_t ms)
{
	struct loop_timer **p;

	if (t->armed)
		timer_disarm(t);
	t->when = loop_now() + ms;
	for (p = &timers; *p != NULL && (*p)->when <= t->when; p = &(*p)->next)
		;
	t->next = *p;
	*p = t;
	t->armed = 1;
}

static void
on_signal(struct loop_io *io, short revents)
{
	struct signalfd_siginfo si;

	(void)revents;
	while (read(io->fd, &si, sizeof si) == (ssize_t)sizeof si)
		if (sig_cb != NULL)
			sig_cb((int)si.ssi_signo);
}

int
loop_signals(void (*cb)(int signo))
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	sig_io.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sig_io.fd < 0)
		return -1;
	sig_io.events = POLLIN;
	sig_io.cb = on_signal;
	sig_cb = cb;
	return loop_add(&sig_io);
}

static void
run_timers(void)
{
	uint64_t now = loop_now();

	while (timers != NULL && timers->when <= now) {
		struct loop_timer *t = timers;

		timers = t->next;
		t->armed = 0;
		t->cb(t);
	}
}

int
loop_run(void)
{
	while (!stopping) {
		int wait = -1, n, i;

		if (timers != NULL) {
			uint64_t now = loop_now();

			wait = timers->when <= now ? 0 :
			    (int)(timers->when - now > 60000 ? 60000 :
			    timers->when - now);
		}
		n = poll(pfd, (nfds_t)nio, wait);
		if (n < 0 && errno != EINTR) {
			log_warn("poll");
			return -1;
		}
		/* Callbacks may add or remove descriptors: walk a snapshot. */
		for (i = nio - 1; n > 0 && i >= 0; i--) {
			struct loop_io *io;
			short re;

			if (i >= nio || (re = pfd[i].revents) == 0)
				continue;
			pfd[i].revents = 0;
			io = ios[i];
			io->cb(io, re);
		}
		run_timers();
	}
	return 0;
}

void
loop_stop(void)
{
	stopping = 1;
}
