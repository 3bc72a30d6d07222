/*
 * timeit CMD ARGS...: runs CMD once (fork + execvp + waitpid) and prints its
 * wall time; the real-workload rows run it inside each sandbox so that the
 * sandbox's own start-up is not counted, and run.sh uses it on the host for
 * the start-to-exit row. CMD's stdout is sent to stderr so that the only
 * line on stdout is the result.
 */
#include "bench.h"
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: timeit CMD ARGS...\n");
		return 2;
	}
	uint64_t t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		dup2(2, 1);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "timeit: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	uint64_t el = now_ns() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "timeit: %s failed (status 0x%x)\n", argv[1],
			status);
		return 1;
	}
	bench_result((double)el / 1e6, "ms");
	return 0;
}
