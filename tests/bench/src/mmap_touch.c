/*
 * mmap(2) 64 MiB of private anonymous memory, write one byte per 4 KiB page,
 * munmap(2); milliseconds per cycle. Transparent huge pages are declined so
 * that every environment takes one fault per 4 KiB page.
 */
#include "bench.h"
#include <sys/mman.h>
#include <unistd.h>

#define SIZE (64ul << 20)

static int op(uint64_t n, void *arg)
{
	long page = *(long *)arg;

	for (uint64_t i = 0; i < n; i++) {
		char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return perror("mmap"), -1;
		madvise(
		    p, SIZE,
		    MADV_NOHUGEPAGE); /* best effort: a sandbox may refuse */
		for (unsigned long off = 0; off < SIZE; off += page)
			p[off] = 1;
		if (munmap(p, SIZE) < 0)
			return perror("munmap"), -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0)
		page = 4096;
	bench_result(bench_measure(op, &page, target_ns(argc, argv)) / 1e6,
		     "ms");
	return 0;
}
