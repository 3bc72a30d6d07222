/* poll and ppoll on pipes: readiness, POLLHUP, POLLNVAL, timeouts, and a
 * reader woken by a writer in another process. */
#include "compat.h"
#include <poll.h>
#include <time.h>

static void show(const char *label, struct pollfd *f, int n, int r)
{
	printf("%s = %d%s%s", label, r, r < 0 ? " " : "",
	       r < 0 ? errname(errno) : "");
	for (int i = 0; i < n; i++)
		printf(" [fd%d:%s%s%s%s%s]", i,
		       f[i].revents & POLLIN ? " IN" : "",
		       f[i].revents & POLLOUT ? " OUT" : "",
		       f[i].revents & POLLHUP ? " HUP" : "",
		       f[i].revents & POLLERR ? " ERR" : "",
		       f[i].revents & POLLNVAL ? " NVAL" : "");
	printf("\n");
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	int p[2], r, st;
	struct pollfd f[3];

	die_if(pipe(p) != 0, "pipe");
	f[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
	f[1] = (struct pollfd){.fd = p[1], .events = POLLOUT};
	r = poll(f, 2, 0);
	show("poll(empty pipe, 0ms)", f, 2, r);

	double t0 = now();
	r = poll(f, 1, 100);
	double el = now() - t0;
	show("poll(read end, 100ms)", f, 1, r);
	YESNO("waited at least 90ms", el >= 0.09);

	write(p[1], "x", 1);
	r = poll(f, 2, 1000);
	show("poll(after write)", f, 2, r);

	char c;
	read(p[0], &c, 1);
	close(p[1]);
	r = poll(f, 1, 1000);
	show("poll(read end, writer closed)", f, 1, r);
	close(p[0]);

	die_if(pipe(p) != 0, "pipe");
	close(p[0]);
	f[0] = (struct pollfd){.fd = p[1], .events = POLLOUT};
	r = poll(f, 1, 0);
	show("poll(write end, reader closed)", f, 1, r);
	close(p[1]);

	f[0] = (struct pollfd){.fd = 99, .events = POLLIN};
	f[1] = (struct pollfd){.fd = -1, .events = POLLIN};
	f[2] = (struct pollfd){.fd = 0, .events = 0};
	r = poll(f, 3, 0);
	show("poll(bad fd, negative fd, no events)", f, 3, r);

	ERR("poll(BADPTR, 1)", poll(BADPTR, 1, 0));
	ERR("poll(nfds huge)", poll(f, 1 << 30, 0));
	RET("poll(NULL, 0, 10ms)", poll(NULL, 0, 10));

	/* Block until another process writes. */
	die_if(pipe(p) != 0, "pipe");
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
		write(p[1], "y", 1);
		_exit(0);
	}
	f[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
	r = poll(f, 1, 10000);
	show("poll(woken by child's write)", f, 1, r);
	waitpid(pid, &st, 0);

	/* ppoll with a timeout and a signal mask. */
	struct timespec ts = {0, 20 * 1000 * 1000};
	sigset_t mask;
	sigemptyset(&mask);
	read(p[0], &c, 1);
	r = ppoll(f, 1, &ts, &mask);
	show("ppoll(20ms)", f, 1, r);
	struct timespec bad = {0, 2000000000L};
	r = ppoll(f, 1, &bad, NULL);
	show("ppoll(tv_nsec out of range)", f, 1, r);
	return 0;
}
