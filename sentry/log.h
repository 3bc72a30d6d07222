/* Sentry logging: one sink (the debug log fd, stderr unless --debug-log),
 * levels, printf-style. Thread-safe; never allocates on the app's behalf. */
#ifndef SENTRY_LOG_H
#define SENTRY_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

extern enum log_level log_min_level;
extern int log_fd; /* default 2 */

void log_msg(enum log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_debug(...)                                                         \
	do {                                                                   \
		if (log_min_level <= LOG_DEBUG)                                \
			log_msg(LOG_DEBUG, __VA_ARGS__);                       \
	} while (0)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* Panic: print msg, a backtrace (libunwind) and the last syscalls to the
 * debug log, then kill the sandbox. */
__attribute__((noreturn, format(printf, 1, 2))) void
sentry_panic(const char *fmt, ...);

#endif
