/* One byte back and forth between two processes over two pipes; per round trip.
 */
#include "bench.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int to_child[2], to_parent[2];

static int op(uint64_t n, void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < n; i++) {
		char c = (char)i, r;
		if (write(to_child[1], &c, 1) != 1 ||
		    read(to_parent[0], &r, 1) != 1)
			return perror("pipe ping-pong"), -1;
		if (r != (char)(c + 1))
			return fprintf(stderr, "pipe ping-pong: bad byte\n"),
			       -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (pipe(to_child) < 0 || pipe(to_parent) < 0)
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char c;
		close(to_child[1]);
		close(to_parent[0]);
		while (read(to_child[0], &c, 1) == 1) {
			c++;
			if (write(to_parent[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(to_child[0]);
	close(to_parent[1]);
	double ns = bench_measure(op, NULL, target_ns(argc, argv));
	close(to_child[1]); /* the child sees EOF and exits */
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return fprintf(stderr, "pipe ping-pong: child failed\n"), 1;
	bench_result(ns / 1000.0, "us");
	return 0;
}
