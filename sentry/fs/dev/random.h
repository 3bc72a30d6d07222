/* The sentry's entropy source, for /dev/random, /dev/urandom and
 * /proc/sys/kernel/random/uuid. Host getrandom(2) underneath (the sentry's
 * seccomp filter must allow it). Any thread, no lock needed. */
#ifndef SENTRY_FS_DEV_RANDOM_H
#define SENTRY_FS_DEV_RANDOM_H

#include <stddef.h>

/* Fill buf with n random bytes. Returns n or -LINUX_EIO. Never blocks once
 * the host pool is initialized (always true after boot). */
long sentry_getrandom(void *buf, size_t n);

#endif
