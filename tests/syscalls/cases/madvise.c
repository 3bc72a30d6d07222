/* madvise: DONTNEED zeroes private anonymous memory and re-reads private
 * file mappings from the file; harmless advice succeeds; errors. */
#include "compat.h"
#include <sys/mman.h>

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p;

	p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 'x', 4 * pg);
	RET("madvise(pages 1-2, DONTNEED)",
	    madvise(p + pg, 2 * pg, MADV_DONTNEED));
	printf("after DONTNEED: page0=%d page1=%d page2=%d page3=%d\n", p[0],
	       p[pg], p[2 * pg], p[3 * pg]);

	compat_tmpdir();
	compat_write_file("f", "file data");
	int fd = open("f", O_RDONLY);
	char *f = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	f[0] = 'F';
	printf("private file page after write: %.9s\n", f);
	RET("madvise(file page, DONTNEED)", madvise(f, pg, MADV_DONTNEED));
	printf("private file page after DONTNEED: %.9s\n", f);

	/* Shared anonymous memory keeps its contents. */
	char *s = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	s[0] = 's';
	RET("madvise(shared anon, DONTNEED)", madvise(s, pg, MADV_DONTNEED));
	printf("shared anon after DONTNEED: %c\n", s[0]);

	RET("madvise(NORMAL)", madvise(p, pg, MADV_NORMAL));
	RET("madvise(SEQUENTIAL)", madvise(p, pg, MADV_SEQUENTIAL));
	RET("madvise(RANDOM)", madvise(p, pg, MADV_RANDOM));
	RET("madvise(WILLNEED)", madvise(p, pg, MADV_WILLNEED));
	RET("madvise(FREE)", madvise(p, pg, MADV_FREE));
	RET("madvise(len 0)", madvise(p, 0, MADV_DONTNEED));
	ERR("madvise(unaligned)", madvise(p + 1, pg, MADV_DONTNEED));
	ERR("madvise(bad advice)", madvise(p, pg, 12345));
	munmap(p + pg, pg);
	ERR("madvise(range with a hole)", madvise(p, 3 * pg, MADV_DONTNEED));
	return 0;
}
