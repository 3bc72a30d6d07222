/*
 * execve(2) of a static binary: this program (built -static) re-executes
 * itself in a chain, carrying the start time and the count in argv, until the
 * chain has lasted the target time; the average is pure execve cost (no fork).
 *   exec_static MS                 start a chain
 *   exec_static MS START COUNT     one link of the chain (internal)
 */
#include "bench.h"
#include <unistd.h>

int main(int argc, char **argv)
{
	uint64_t target = target_ns(argc, argv);
	uint64_t start, count;
	char s_start[32], s_count[32];

	if (argc == 2) {
		start = now_ns();
		count = 0;
	} else if (argc == 4) {
		start = strtoull(argv[2], NULL, 10);
		count = strtoull(argv[3], NULL, 10);
		uint64_t el = now_ns() - start;
		/* At least 10 links so that the first exec's cold caches do not
		 * dominate. */
		if (count >= 10 && el >= target) {
			bench_result((double)el / (double)count / 1000.0, "us");
			return 0;
		}
	} else {
		fprintf(stderr, "usage: exec_static MS\n");
		return 2;
	}
	snprintf(s_start, sizeof(s_start), "%llu", (unsigned long long)start);
	snprintf(s_count, sizeof(s_count), "%llu",
		 (unsigned long long)count + 1);
	char *args[] = {argv[0], argv[1], s_start, s_count, NULL};
	char *envp[] = {NULL};
	execve(argv[0], args, envp);
	die("execve");
}
