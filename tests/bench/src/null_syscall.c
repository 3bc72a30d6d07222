/* Null syscall: getppid(2) through syscall(2), so libc cannot cache it. */
#include "bench.h"
#include <sys/syscall.h>
#include <unistd.h>

static int op(uint64_t n, void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < n; i++)
		if (syscall(SYS_getppid) < 0)
			return perror("getppid"), -1;
	return 0;
}

int main(int argc, char **argv)
{
	bench_result(bench_measure(op, NULL, target_ns(argc, argv)), "ns");
	return 0;
}
