/* fork(2) + _exit in the child + waitpid(2) in the parent. */
#include "bench.h"
#include <sys/wait.h>
#include <unistd.h>

static int op(uint64_t n, void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < n; i++) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			return perror("fork"), -1;
		if (pid == 0)
			_exit(7);
		pid_t got = waitpid(pid, &status, 0);
		if (got != pid)
			return fprintf(stderr,
				       "waitpid returned %d, not the child %d: "
				       "%s\n",
				       (int)got, (int)pid, strerror(errno)),
			       -1;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 7)
			return fprintf(stderr,
				       "waitpid: status 0x%x, not exit 7\n",
				       status),
			       -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	bench_result(bench_measure(op, NULL, target_ns(argc, argv)) / 1000.0,
		     "us");
	return 0;
}
