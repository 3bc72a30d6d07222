/* gettimeofday(2) through libc: the vDSO natively, whatever the sandbox offers.
 */
#include "bench.h"
#include <sys/time.h>

static int op(uint64_t n, void *arg)
{
	struct timeval tv;

	(void)arg;
	for (uint64_t i = 0; i < n; i++)
		if (gettimeofday(&tv, NULL) < 0 || tv.tv_sec < 1000000000)
			return fprintf(stderr, "gettimeofday failed\n"), -1;
	return 0;
}

int main(int argc, char **argv)
{
	bench_result(bench_measure(op, NULL, target_ns(argc, argv)), "ns");
	return 0;
}
