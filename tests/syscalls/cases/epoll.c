/* epoll: create flags, ctl errors (EBADF, EINVAL, EPERM on a regular file,
 * EEXIST, ENOENT, ELOOP), readiness of pipes and eventfds, EPOLLONESHOT,
 * timeouts, a reader woken by a writer in another process, nesting. */
#include "compat.h"
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void show(const char *label, struct epoll_event *ev, int r)
{
	printf("%s = %d%s%s", label, r, r < 0 ? " " : "",
	       r < 0 ? errname(errno) : "");
	for (int i = 0; i < r; i++)
		printf(" [data=%llu%s%s%s%s]",
		       (unsigned long long)ev[i].data.u64,
		       ev[i].events & EPOLLIN ? " IN" : "",
		       ev[i].events & EPOLLOUT ? " OUT" : "",
		       ev[i].events & EPOLLHUP ? " HUP" : "",
		       ev[i].events & EPOLLERR ? " ERR" : "");
	printf("\n");
}

int main(void)
{
	struct epoll_event ev, out[8];
	int p[2], ep, r, st;

	ERR("epoll_create(0)", epoll_create(0));
	ERR("epoll_create1(bad flags)", epoll_create1(0x1234));
	ep = epoll_create1(EPOLL_CLOEXEC);
	YESNO("epoll_create1(EPOLL_CLOEXEC) is close-on-exec",
	      (fcntl(ep, F_GETFD) & FD_CLOEXEC) != 0);
	die_if(pipe(p) != 0, "pipe");

	ev.events = EPOLLIN;
	ev.data.u64 = 1;
	ERR("ctl(bad epfd)", epoll_ctl(999, EPOLL_CTL_ADD, p[0], &ev));
	ERR("ctl(bad fd)", epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev));
	ERR("ctl(epfd on itself)", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	ERR("ctl(not an epoll fd)", epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &ev));
	int reg = open(compat_tmpdir(), O_RDONLY | O_DIRECTORY);
	ERR("ctl(a directory)", epoll_ctl(ep, EPOLL_CTL_ADD, reg, &ev));
	close(reg);
	ERR("ctl(bad event pointer)",
	    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], (void *)BADPTR));
	ERR("ctl(MOD of absent fd)", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	ERR("ctl(DEL of absent fd)", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], &ev));
	RET("ctl(ADD read end)", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ERR("ctl(ADD again)", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ev.events = EPOLLOUT;
	ev.data.u64 = 2;
	RET("ctl(ADD write end)", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	ERR("wait(maxevents 0)", epoll_wait(ep, out, 0, 0));
	ERR("wait(bad buffer)", epoll_wait(ep, (void *)BADPTR, 8, 0));

	r = epoll_wait(ep, out, 8, 0);
	show("wait(empty pipe)", out, r);
	write(p[1], "x", 1);
	r = epoll_wait(ep, out, 8, 0);
	/* Order of events is not specified: sort by data for the output. */
	if (r == 2 && out[0].data.u64 > out[1].data.u64) {
		struct epoll_event tmp = out[0];
		out[0] = out[1];
		out[1] = tmp;
	}
	show("wait(one byte in)", out, r);
	RET("ctl(DEL write end)", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));

	double t0 = now();
	char c;
	read(p[0], &c, 1);
	r = epoll_wait(ep, out, 8, 100);
	show("wait(100 ms, nothing)", out, r);
	YESNO("waited about 100 ms", now() - t0 >= 0.09);

	/* A writer in another process wakes the waiter. */
	pid_t pid = fork();
	if (pid == 0) {
		usleep(50000);
		write(p[1], "y", 1);
		_exit(0);
	}
	r = epoll_wait(ep, out, 8, 5000);
	show("wait(woken by a child)", out, r);
	waitpid(pid, &st, 0);
	read(p[0], &c, 1);

	/* EPOLLONESHOT: reported once until re-armed. */
	int efd = eventfd(1, 0);
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.u64 = 3;
	RET("ctl(ADD eventfd, ONESHOT)",
	    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
	r = epoll_wait(ep, out, 8, 0);
	show("wait(oneshot, first)", out, r);
	r = epoll_wait(ep, out, 8, 0);
	show("wait(oneshot, again)", out, r);
	RET("ctl(MOD re-arm)", epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev));
	r = epoll_wait(ep, out, 8, 0);
	show("wait(re-armed)", out, r);

	/* Hang-up: the write end closed. */
	close(p[1]);
	RET("ctl(DEL eventfd)", epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL));
	r = epoll_wait(ep, out, 8, 0);
	show("wait(writer closed)", out, r);

	/* Nesting: an epoll fd is readable when its items are ready, and a
	 * loop is refused. */
	int outer = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.u64 = 9;
	RET("ctl(ADD epoll in epoll)",
	    epoll_ctl(outer, EPOLL_CTL_ADD, ep, &ev));
	r = epoll_wait(outer, out, 8, 0);
	show("wait(outer)", out, r);
	ERR("ctl(loop)", epoll_ctl(ep, EPOLL_CTL_ADD, outer, &ev));
	return 0;
}
