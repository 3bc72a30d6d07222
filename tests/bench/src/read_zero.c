/* read(2) of one byte from /dev/zero. */
#include "bench.h"
#include <fcntl.h>
#include <unistd.h>

static int op(uint64_t n, void *arg)
{
	int fd = *(int *)arg;
	char c = 1;

	for (uint64_t i = 0; i < n; i++) {
		if (read(fd, &c, 1) != 1 || c != 0)
			return fprintf(stderr, "read /dev/zero failed\n"), -1;
		c = 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("open /dev/zero");
	bench_result(bench_measure(op, &fd, target_ns(argc, argv)), "ns");
	return 0;
}
