#define _GNU_SOURCE
#include "runsc/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int rerr_set(struct rerr *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	if (errnum && n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s",
			 strerror(errnum));
	return -1;
}

int rerr_wrap(struct rerr *e, const char *fmt, ...)
{
	char prefix[512];
	size_t n, old = strnlen(e->msg, sizeof(e->msg) - 1);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	n = strlen(prefix);
	if (n + old >= sizeof(e->msg))
		old = sizeof(e->msg) - 1 - n;
	memmove(e->msg + n, e->msg, old);
	memcpy(e->msg, prefix, n);
	e->msg[n + old] = 0;
	return -1;
}
