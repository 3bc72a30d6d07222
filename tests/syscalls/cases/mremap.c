/* mremap: grow in place or moving, shrink, MREMAP_FIXED, errors. */
#include "compat.h"
#include <sys/mman.h>

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p, *q, *r;

	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	die_if(p == MAP_FAILED, "mmap");
	for (long i = 0; i < 2 * pg; i++)
		p[i] = (char)(i % 251);

	/* Shrink in place. */
	q = mremap(p, 2 * pg, pg, 0);
	YESNO("shrink stays in place", q == p);
	/* Grow, allowed to move: contents preserved, new part zero. */
	q = mremap(p, pg, 8 * pg, MREMAP_MAYMOVE);
	YESNO("grow with MAYMOVE succeeded", q != MAP_FAILED);
	int same = 1;
	for (long i = 0; i < pg; i++)
		same &= q[i] == (char)(i % 251);
	YESNO("contents preserved", same);
	YESNO("grown part is zero", q[pg] == 0 && q[8 * pg - 1] == 0);
	q[8 * pg - 1] = 'e';

	/* Growing without MAYMOVE when the next page is taken fails. */
	r = mmap(q + 8 * pg, pg, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	die_if(r == MAP_FAILED, "mmap blocker");
	r = mremap(q, 8 * pg, 9 * pg, 0);
	printf("grow in place into a used page: %s\n",
	       r == MAP_FAILED ? errname(errno) : "ok");

	/* MREMAP_FIXED moves to a chosen address. */
	char *dst =
	    mmap(NULL, 16 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r = mremap(q, 8 * pg, 8 * pg, MREMAP_MAYMOVE | MREMAP_FIXED,
		   dst + 4 * pg);
	YESNO("MREMAP_FIXED at the requested address", r == dst + 4 * pg);
	YESNO("moved contents", r[0] == 0 && r[1] == 1 && r[8 * pg - 1] == 'e');
	printf("old range still mapped: %s\n",
	       msync(q, pg, MS_ASYNC) == 0 ? "yes" : errname(errno));

	/* A shared anonymous mapping may be duplicated with old_size 0. */
	char *s = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *s2 = mremap(s, 0, pg, MREMAP_MAYMOVE);
	if (s2 != MAP_FAILED) {
		s[0] = 'Z';
		printf("old_size 0 alias of shared mapping sees writes: %c\n",
		       s2[0]);
	} else {
		printf("old_size 0 alias: %s\n", errname(errno));
	}

	ERR("mremap(unaligned)",
	    (long)mremap(r + 1, pg, 2 * pg, MREMAP_MAYMOVE));
	ERR("mremap(bad flags)", (long)mremap(r, pg, 2 * pg, 0x80));
	ERR("mremap(FIXED without MAYMOVE)",
	    (long)mremap(r, pg, pg, MREMAP_FIXED, dst));
	ERR("mremap(new size 0)", (long)mremap(r, pg, 0, MREMAP_MAYMOVE));
	munmap(dst, 16 * pg);
	ERR("mremap(unmapped)", (long)mremap(dst, pg, 2 * pg, MREMAP_MAYMOVE));
	return 0;
}
