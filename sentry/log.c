#include "sentry/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum log_level log_min_level = LOG_WARN;
int log_fd = 2;

static const char *const level_names[] = {"D", "I", "W", "E"};

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	char buf[1024];
	struct timespec ts;
	int n;
	va_list ap;

	if (lvl < log_min_level)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(buf, sizeof(buf), "%s%ld.%06ld sentry: ", level_names[lvl],
		     (long)ts.tv_sec, ts.tv_nsec / 1000);
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	/* One write per line: lines from several sentry threads stay whole. */
	(void)!write(log_fd, buf, n);
}
