/*
 * log.h — logging in the style of OpenBSD's daemons.
 *
 * Foreground (-d): lines on stderr with a timestamp.  Otherwise syslog
 * (CONFIG_SYSLOG), falling back to stderr.  log_warn appends strerror
 * (errno); the x variants do not.  fatal/fatalx log and exit(1).
 * Secrets must never be passed to these functions.
 */
#ifndef XFRSYNC_AGENT_LOG_H
#define XFRSYNC_AGENT_LOG_H

#include <stdint.h>

enum log_level { LOG_LVL_WARN = 0, LOG_LVL_INFO = 1, LOG_LVL_DEBUG = 2 };

void log_init(int foreground, int level);
void log_set_level(int level);
int log_get_level(void);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));

/*
 * A token bucket for noisy log lines (refused NOTIFYs, junk): returns 1
 * when a line may be logged now.  At most `burst` lines, refilled at
 * `per_sec`; *suppressed counts what was dropped (log it with the next).
 */
struct log_limit {
	double tokens;
	uint64_t last_ms;
	unsigned suppressed;
};
int log_allow(struct log_limit *l, uint64_t now_ms, double per_sec,
    double burst);

#endif
