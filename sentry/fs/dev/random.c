/* Sentry entropy. See random.h. */
#include "sentry/fs/dev/random.h"

#include <errno.h>
#include <sys/random.h>

#include "abi/errno.h"

long sentry_getrandom(void *buf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = getrandom((char *)buf + done, n - done, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -LINUX_EIO;
		}
		done += (size_t)r;
	}
	return (long)n;
}
