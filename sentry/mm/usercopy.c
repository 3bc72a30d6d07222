/* Application memory access through the platform. A short copy means an
 * unmapped or inaccessible page: EFAULT, as Linux's copy_{from,to}_user. */
#include "sentry/mm/usercopy.h"

#include <string.h>

#include "abi/errno.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/mm.h"

int copy_in(struct task *t, uint64_t addr, void *dst, size_t n)
{
	ssize_t r;

	if (n == 0)
		return 0;
	if (addr + n < addr || addr + n > PLATFORM_APP_TOP)
		return -LINUX_EFAULT;
	r = plat->read_mem(t->pctx, addr, dst, n);
	return r == (ssize_t)n ? 0 : -LINUX_EFAULT;
}

int copy_out(struct task *t, uint64_t addr, const void *src, size_t n)
{
	ssize_t r;

	if (n == 0)
		return 0;
	if (addr + n < addr || addr + n > PLATFORM_APP_TOP)
		return -LINUX_EFAULT;
	r = plat->write_mem(t->pctx, addr, src, n);
	return r == (ssize_t)n ? 0 : -LINUX_EFAULT;
}

long copy_string_in(struct task *t, uint64_t addr, char *dst, size_t max)
{
	size_t done = 0;

	/* Page by page: the string may end just before an unmapped page. */
	while (done < max) {
		uint64_t a = addr + done;
		size_t chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));
		char *nul;
		if (chunk > max - done)
			chunk = max - done;
		if (copy_in(t, a, dst + done, chunk))
			return -LINUX_EFAULT;
		nul = memchr(dst + done, 0, chunk);
		if (nul)
			return nul - dst;
		done += chunk;
	}
	return -LINUX_ENAMETOOLONG;
}

long copy_path_in(struct task *t, uint64_t addr, char *dst, int allow_empty)
{
	long n = copy_string_in(t, addr, dst, 4096);
	if (n == 0 && !allow_empty)
		return -LINUX_ENOENT;
	return n;
}

long copy_iovec_in(struct task *t, uint64_t addr, uint64_t count,
		   struct linux_iovec *out)
{
	uint64_t total = 0;

	if (count > 1024)
		return -LINUX_EINVAL;
	if (copy_in(t, addr, out, count * sizeof(*out)))
		return -LINUX_EFAULT;
	for (uint64_t i = 0; i < count; i++) {
		if ((int64_t)out[i].len < 0)
			return -LINUX_EINVAL;
		total += out[i].len;
		if ((int64_t)total < 0)
			return -LINUX_EINVAL;
	}
	return count;
}
