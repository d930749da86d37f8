/* log.c — stderr or syslog logging, and a rate limiter for noisy lines. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "agent/log.h"
#include "xfrsync_config.h"

static int foreground = 1;
static int level = LOG_LVL_INFO;

void
log_init(int fg, int lvl)
{
	foreground = fg;
	level = lvl;
	if (CFG_SYSLOG && !fg)
		openlog("xfrsync", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(int lvl)
{
	level = lvl;
}

int
log_get_level(void)
{
	return level;
}

static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char msg[1024];
	int n = vsnprintf(msg, sizeof msg, fmt, ap);

	if (n < 0)
		return;
	if (CFG_SYSLOG && !foreground) {
		syslog(pri, "%s%s%s", msg, suffix ? ": " : "",
		    suffix ? suffix : "");
		return;
	}
	{
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ldZ %s%s%s\n", when, ts.tv_nsec / 1000000,
		    msg, suffix ? ": " : "", suffix ? suffix : "");
	}
}

#define LOGFN(name, pri, lvl, with_errno)                               \
	void                                                            \
	name(const char *fmt, ...)                                      \
	{                                                               \
		int e = errno;                                          \
		va_list ap;                                             \
		if (level < (lvl))                                      \
			return;                                         \
		va_start(ap, fmt);                                      \
		vlog(pri, fmt, ap, with_errno ? strerror(e) : NULL);    \
		va_end(ap);                                             \
		errno = e;                                              \
	}

LOGFN(log_warn, LOG_WARNING, LOG_LVL_WARN, 1)
LOGFN(log_warnx, LOG_WARNING, LOG_LVL_WARN, 0)
LOGFN(log_info, LOG_INFO, LOG_LVL_INFO, 0)
LOGFN(log_debug, LOG_DEBUG, LOG_LVL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, strerror(e));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

int
log_allow(struct log_limit *l, uint64_t now_ms, double per_sec, double burst)
{
	if (l->last_ms == 0)
		l->tokens = burst;
	else
		l->tokens += (double)(now_ms - l->last_ms) * per_sec / 1000.0;
	if (l->tokens > burst)
		l->tokens = burst;
	l->last_ms = now_ms;
	if (l->tokens < 1.0) {
		l->suppressed++;
		return 0;
	}
	l->tokens -= 1.0;
	return 1;
}
