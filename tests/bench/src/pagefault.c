/*
 * Page-fault rate: first-touch write faults on fresh private anonymous
 * memory, timing only the touching (mmap and munmap are outside the clock);
 * thousands of faults per second.
 */
#include "bench.h"
#include <sys/mman.h>
#include <unistd.h>

#define SIZE (16ul << 20)

int main(int argc, char **argv)
{
	uint64_t target = target_ns(argc, argv), spent = 0, faults = 0;
	long page = sysconf(_SC_PAGESIZE);
	int round = 0;

	if (page <= 0)
		page = 4096;
	/* Round 0 is a warm-up that is not counted. */
	for (; round < 3 || spent < target; round++) {
		char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		madvise(p, SIZE, MADV_NOHUGEPAGE);
		uint64_t t0 = now_ns();
		for (unsigned long off = 0; off < SIZE; off += page)
			p[off] = 1;
		uint64_t el = now_ns() - t0;
		for (unsigned long off = 0; off < SIZE; off += page)
			if (p[off] != 1)
				return fprintf(stderr,
					       "pagefault: lost a write\n"),
				       1;
		if (munmap(p, SIZE) < 0)
			die("munmap");
		if (round > 0) {
			spent += el;
			faults += SIZE / page;
		}
	}
	bench_result((double)faults / ((double)spent / 1e9) / 1000.0,
		     "kfaults/s");
	return 0;
}
