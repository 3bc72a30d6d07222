/* clock_gettime, clock_getres, gettimeofday, time, nanosleep,
 * clock_nanosleep: monotonic increases, realtime agrees across calls,
 * sleeps last at least as asked, and errors. */
#include "compat.h"
#include <sys/time.h>
#include <time.h>

static double ts2d(struct timespec t)
{
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
	struct timespec a, b, r;
	struct timeval tv;

	RET("clock_gettime(MONOTONIC)", clock_gettime(CLOCK_MONOTONIC, &a));
	RET("clock_gettime(MONOTONIC) again",
	    clock_gettime(CLOCK_MONOTONIC, &b));
	YESNO("monotonic does not go back", ts2d(b) >= ts2d(a));
	YESNO("tv_nsec in range", a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
	/* Raw syscalls too, in case libc answers from the vDSO. */
	struct timespec ra, rb;
	RET("syscall(clock_gettime, MONOTONIC)",
	    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ra));
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &rb);
	YESNO("raw monotonic does not go back", ts2d(rb) >= ts2d(ra));

	RET("clock_gettime(REALTIME)", clock_gettime(CLOCK_REALTIME, &a));
	RET("gettimeofday", gettimeofday(&tv, NULL));
	double diff = (tv.tv_sec + tv.tv_usec / 1e6) - ts2d(a);
	YESNO("gettimeofday within 2s of CLOCK_REALTIME",
	      diff > -2 && diff < 2);
	YESNO("realtime after 2020", a.tv_sec > 1577836800);
	time_t t = time(NULL);
	YESNO("time() within 2s of CLOCK_REALTIME",
	      t - a.tv_sec >= -2 && t - a.tv_sec <= 2);
	RET("syscall(gettimeofday)", syscall(SYS_gettimeofday, &tv, NULL));
	YESNO("raw gettimeofday after 2020", tv.tv_sec > 1577836800);

	const clockid_t clocks[] = {
	    CLOCK_REALTIME,	     CLOCK_MONOTONIC,
	    CLOCK_BOOTTIME,	     CLOCK_PROCESS_CPUTIME_ID,
	    CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW,
	    CLOCK_REALTIME_COARSE,   CLOCK_MONOTONIC_COARSE};
	const char *names[] = {"REALTIME",	    "MONOTONIC",
			       "BOOTTIME",	    "PROCESS_CPUTIME_ID",
			       "THREAD_CPUTIME_ID", "MONOTONIC_RAW",
			       "REALTIME_COARSE",   "MONOTONIC_COARSE"};
	for (int i = 0; i < 8; i++) {
		int g = syscall(SYS_clock_gettime, clocks[i], &a);
		int s = syscall(SYS_clock_getres, clocks[i], &r);
		printf("clock %s: gettime=%d getres=%d res>0: %s\n", names[i],
		       g, s,
		       s == 0 && (r.tv_sec > 0 || r.tv_nsec > 0) ? "yes"
								 : "no");
	}
	ERR("clock_gettime(bad clock)", syscall(SYS_clock_gettime, 12345, &a));
	ERR("clock_gettime(BADPTR)",
	    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BADPTR));
	ERR("clock_getres(bad clock)", syscall(SYS_clock_getres, 12345, &r));

	/* CPU time grows while we spin. */
	struct timespec c0, c1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	volatile unsigned long x = 0;
	for (unsigned long i = 0; i < 50000000UL; i++)
		x += i;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	YESNO("process CPU time increased while spinning", ts2d(c1) > ts2d(c0));

	/* nanosleep: at least as long as asked. */
	struct timespec req = {0, 100 * 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &a);
	RET("nanosleep(100ms)", nanosleep(&req, NULL));
	clock_gettime(CLOCK_MONOTONIC, &b);
	YESNO("slept >= 100ms", ts2d(b) - ts2d(a) >= 0.1);
	YESNO("slept < 5s", ts2d(b) - ts2d(a) < 5);
	req.tv_nsec = 50 * 1000 * 1000;
	clock_gettime(CLOCK_MONOTONIC, &a);
	RET("clock_nanosleep(MONOTONIC, 50ms)",
	    clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL));
	clock_gettime(CLOCK_MONOTONIC, &b);
	YESNO("slept >= 50ms", ts2d(b) - ts2d(a) >= 0.05);
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 30 * 1000 * 1000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	RET("clock_nanosleep(TIMER_ABSTIME)",
	    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL));
	clock_gettime(CLOCK_MONOTONIC, &b);
	YESNO("woke after the deadline", ts2d(b) >= ts2d(abs));
	struct timespec bad = {0, 1000000000};
	ERR("nanosleep(tv_nsec 1e9)", nanosleep(&bad, NULL));
	bad.tv_sec = -1;
	bad.tv_nsec = 0;
	ERR("nanosleep(negative)", nanosleep(&bad, NULL));
	ERR("nanosleep(BADPTR)", syscall(SYS_nanosleep, BADPTR, NULL));
	RET("nanosleep(0)", nanosleep(&(struct timespec){0, 0}, NULL));
	return 0;
}
