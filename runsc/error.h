/* Errors of the host-side CLI, crun's way: the function that fails builds
 * a message naming what failed (with the host's strerror when there is
 * one), callers may prefix context on the way up, and main prints it once.
 *
 * Single-threaded use; an error value belongs to the caller that declared
 * it. */
#ifndef RUNSC_ERROR_H
#define RUNSC_ERROR_H

#include <stddef.h>

struct rerr {
	char msg[2048];
};

/* Set the message from fmt; when errnum != 0 append ": strerror(errnum)".
 * Returns -1 so that failure sites can `return rerr_set(...)`. */
int rerr_set(struct rerr *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix the current message with context ("create: " + message). Returns
 * -1. */
int rerr_wrap(struct rerr *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
