/* brk: query, grow, use, shrink; sbrk through libc. Addresses are printed
 * only as differences. libc's malloc lives below the break we start from
 * (stdout's buffer is allocated by the first printf), so the raw brk calls
 * never go below that start and put the break back before libc runs again. */
#include "compat.h"

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *b0, *b1, *b2;

	printf("brk\n");
	b0 = (char *)syscall(SYS_brk, 0);

	YESNO("brk(0) returns a non-null break", b0 != NULL);
	YESNO("brk(0) again is the same", (char *)syscall(SYS_brk, 0) == b0);
	b1 = (char *)syscall(SYS_brk, b0 + 10 * pg);
	printf("grow by 10 pages: moved %ld pages\n", (long)(b1 - b0) / pg);
	memset(b0, 'b', 10 * pg);
	YESNO("new memory usable", b0[10 * pg - 1] == 'b');
	b2 = (char *)syscall(SYS_brk, b0 + 3 * pg + 5);
	printf("shrink to 3 pages + 5: break at +%ld bytes\n", (long)(b2 - b0));
	b2 = (char *)syscall(SYS_brk, b0 + 10 * pg);
	YESNO("grow again: old contents past the shrink are zero",
	      b0[8 * pg] == 0);
	YESNO("kept part keeps contents", b0[pg] == 'b');
	/* Below the start of the heap is refused: the break stays. */
	b2 = (char *)syscall(SYS_brk, b0 - 1000 * pg);
	YESNO("brk below start refused (returns current break)",
	      b2 == b0 + 10 * pg);
	/* Absurdly large is refused too. */
	b2 = (char *)syscall(SYS_brk, b0 + (1L << 46));
	YESNO("brk(+64TiB) refused", b2 == b0 + 10 * pg);
	syscall(SYS_brk, b0);

	/* libc's malloc of small blocks uses it. */
	void *m = malloc(100);
	YESNO("malloc(100) works", m != NULL);
	free(m);
	char *s0 = sbrk(0);
	YESNO("sbrk(4096) returns old break", sbrk(4096) == s0);
	YESNO("sbrk(0) moved by 4096", (char *)sbrk(0) - s0 == 4096);
	return 0;
}
