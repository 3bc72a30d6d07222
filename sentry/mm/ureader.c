/* A page-caching reader of application memory: see usercopy.h. (Its own
 * file: it needs only copy_in, which unit tests may provide themselves.) */
#include <string.h>

#include "abi/errno.h"
#include "platform/platform.h"
#include "sentry/mm/mm.h"
#include "sentry/mm/usercopy.h"

void ureader_init(struct ureader *r, struct task *t)
{
	memset(r->valid, 0, sizeof(r->valid));
	r->t = t;
	r->next = 0;
}

/* The cached copy of the page holding addr, reading it on a miss; NULL
 * when that page is not readable. */
static const char *ureader_page(struct ureader *r, uint64_t addr)
{
	uint64_t base = addr & ~(uint64_t)(PAGE_SIZE - 1);
	unsigned i;

	for (i = 0; i < UREADER_PAGES; i++)
		if (r->valid[i] && r->base[i] == base)
			return r->page[i];
	i = r->next++ % UREADER_PAGES;
	r->valid[i] = 0;
	if (copy_in(r->t, base, r->page[i], PAGE_SIZE))
		return NULL;
	r->base[i] = base;
	r->valid[i] = 1;
	return r->page[i];
}

int ureader_copy(struct ureader *r, uint64_t addr, void *dst, size_t n)
{
	char *d = dst;

	if (addr + n < addr || addr + n > PLATFORM_APP_TOP)
		return -LINUX_EFAULT;
	while (n) {
		size_t in = addr & (PAGE_SIZE - 1), chunk = PAGE_SIZE - in;
		const char *p = ureader_page(r, addr);

		if (!p)
			return -LINUX_EFAULT;
		if (chunk > n)
			chunk = n;
		memcpy(d, p + in, chunk);
		d += chunk, addr += chunk, n -= chunk;
	}
	return 0;
}

long ureader_string(struct ureader *r, uint64_t addr, char *dst, size_t max)
{
	size_t done = 0;

	while (done < max) {
		uint64_t a = addr + done;
		size_t in = a & (PAGE_SIZE - 1), chunk = PAGE_SIZE - in;
		const char *p, *nul;

		if (a < addr || a >= PLATFORM_APP_TOP)
			return -LINUX_EFAULT;
		p = ureader_page(r, a);
		if (!p)
			return -LINUX_EFAULT;
		if (chunk > max - done)
			chunk = max - done;
		nul = memchr(p + in, 0, chunk);
		if (nul) {
			memcpy(dst + done, p + in, nul - (p + in) + 1);
			return done + (nul - (p + in));
		}
		memcpy(dst + done, p + in, chunk);
		done += chunk;
	}
	return -LINUX_ENAMETOOLONG;
}
