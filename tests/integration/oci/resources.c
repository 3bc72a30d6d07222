/* What oci.sh runs under linux.resources limits:
 *   resources mem MIB     allocate and touch MIB MiB, then print "touched"
 *   resources fork N      fork up to N children (they wait), then print
 *                         "forked K" and the first fork error, if any
 *   resources thread N    the same with threads
 *   resources hold MIB    touch MIB MiB, print "holding", wait to be killed
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int gate[2];

static void touch(long mib)
{
	size_t len = (size_t)mib << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	for (size_t i = 0; i < len; i += 4096)
		p[i] = (char)i;
	/* Read it back: a page must never come back as something else. */
	for (size_t i = 0; i < len; i += 4096)
		if (p[i] != (char)i) {
			printf("corrupt at %zu\n", i);
			exit(2);
		}
}

static void *waiter(void *arg)
{
	char c;

	(void)arg;
	(void)!read(gate[0], &c, 1);
	return NULL;
}

int main(int argc, char **argv)
{
	long n, k;
	int err = 0;

	if (argc != 3)
		return 2;
	n = atol(argv[2]);
	if (!strcmp(argv[1], "mem") || !strcmp(argv[1], "hold")) {
		touch(n);
		printf("%s\n", !strcmp(argv[1], "mem") ? "touched" : "holding");
		fflush(stdout);
		if (!strcmp(argv[1], "hold"))
			for (;;)
				pause();
		return 0;
	}
	if (pipe(gate))
		return 1;
	for (k = 0; k < n; k++) {
		if (!strcmp(argv[1], "fork")) {
			pid_t pid = fork();

			if (pid == 0) {
				close(gate[1]);
				waiter(NULL);
				_exit(0);
			}
			if (pid < 0)
				err = errno;
		} else {
			pthread_t th;

			err = pthread_create(&th, NULL, waiter, NULL);
		}
		if (err)
			break;
	}
	printf("forked %ld%s%s\n", k, err ? " " : "",
	       err ? strerrorname_np(err) : "");
	fflush(stdout);
	close(gate[1]);
	if (!strcmp(argv[1], "fork"))
		while (wait(NULL) > 0)
			;
	return 0;
}
