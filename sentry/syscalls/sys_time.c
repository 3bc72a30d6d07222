/* Clocks and sleeps. The sandbox's clocks are the host's (read by the
 * sentry, never by the application: no vDSO is mapped). */
#include "sentry/syscalls/sys_time.h"

#include <time.h>

#include "abi/errno.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/usercopy.h"

struct linux_timespec {
	int64_t sec, nsec;
};

/* Linux clock ids the sandbox knows; CPU-time clocks of the caller map to
 * the sentry thread's own, which is where its time is spent. */
static int host_clock(int clk, clockid_t *out)
{
	switch (clk) {
	case 0:
		*out = CLOCK_REALTIME;
		return 0;
	case 1:
		*out = CLOCK_MONOTONIC;
		return 0;
	case 2:
		*out = CLOCK_PROCESS_CPUTIME_ID;
		return 0;
	case 3:
		*out = CLOCK_THREAD_CPUTIME_ID;
		return 0;
	case 4:
		*out = CLOCK_MONOTONIC_RAW;
		return 0;
	case 5:
		*out = CLOCK_REALTIME_COARSE;
		return 0;
	case 6:
		*out = CLOCK_MONOTONIC_COARSE;
		return 0;
	case 7:
		*out = CLOCK_BOOTTIME;
		return 0;
	case 8:
		*out = CLOCK_REALTIME;
		return 0; /* REALTIME_ALARM */
	case 9:
		*out = CLOCK_BOOTTIME;
		return 0; /* BOOTTIME_ALARM */
	case 11:
		*out = CLOCK_TAI;
		return 0;
	}
	return -LINUX_EINVAL;
}

long sys_clock_gettime(struct task *t, const uint64_t a[6])
{
	struct timespec ts;
	struct linux_timespec lts;
	clockid_t c;
	int err = host_clock((int)a[0], &c);

	if (err)
		return err;
	clock_gettime(c, &ts);
	lts.sec = ts.tv_sec;
	lts.nsec = ts.tv_nsec;
	return copy_out(t, a[1], &lts, sizeof(lts));
}

long sys_clock_getres(struct task *t, const uint64_t a[6])
{
	struct timespec ts;
	struct linux_timespec lts;
	clockid_t c;
	int err = host_clock((int)a[0], &c);

	if (err)
		return err;
	if (!a[1])
		return 0;
	clock_getres(c, &ts);
	lts.sec = ts.tv_sec;
	lts.nsec = ts.tv_nsec;
	return copy_out(t, a[1], &lts, sizeof(lts));
}

long sys_gettimeofday(struct task *t, const uint64_t a[6])
{
	struct timespec ts;
	int64_t tv[2];
	int32_t tz[2] = {0, 0};

	clock_gettime(CLOCK_REALTIME, &ts);
	tv[0] = ts.tv_sec;
	tv[1] = ts.tv_nsec / 1000;
	if (a[0] && copy_out(t, a[0], tv, sizeof(tv)))
		return -LINUX_EFAULT;
	if (a[1] && copy_out(t, a[1], tz, sizeof(tz)))
		return -LINUX_EFAULT;
	return 0;
}

long sys_time(struct task *t, const uint64_t a[6])
{
	int64_t now = time(NULL);
	if (a[0] && copy_out(t, a[0], &now, 8))
		return -LINUX_EFAULT;
	return now;
}

/* Sleep until an absolute CLOCK_MONOTONIC time in ns; on interruption
 * write the remaining time to rem (if given). */
static long sleep_until(struct task *t, int64_t until, uint64_t rem)
{
	struct waitq never;
	struct timespec dl = {until / 1000000000LL, until % 1000000000LL};
	int err;

	waitq_init(&never);
	do {
		err = task_wait(t, &never, &dl);
	} while (err == 0);
	if (err == -LINUX_ETIMEDOUT)
		return 0;
	if (rem) {
		int64_t left = until - now_ns(CLOCK_MONOTONIC);
		struct linux_timespec r;
		if (left < 0)
			left = 0;
		r.sec = left / 1000000000LL;
		r.nsec = left % 1000000000LL;
		if (copy_out(t, rem, &r, sizeof(r)))
			return -LINUX_EFAULT;
	}
	/* Restarting would sleep the whole time again: return EINTR to a
	 * handler, restart only when no handler runs. */
	return -LINUX_ERESTARTNOHAND;
}

static int read_ts(struct task *t, uint64_t addr, int64_t *ns)
{
	struct linux_timespec ts;
	if (copy_in(t, addr, &ts, sizeof(ts)))
		return -LINUX_EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -LINUX_EINVAL;
	*ns = ts.sec * 1000000000LL + ts.nsec;
	return 0;
}

long sys_nanosleep(struct task *t, const uint64_t a[6])
{
	int64_t ns;
	int err = read_ts(t, a[0], &ns);

	if (err)
		return err;
	return sleep_until(t, now_ns(CLOCK_MONOTONIC) + ns, a[1]);
}

long sys_clock_nanosleep(struct task *t, const uint64_t a[6])
{
	int clk = (int)a[0], flags = (int)a[1];
	clockid_t c;
	int64_t ns;
	int err = host_clock(clk, &c);

	if (err)
		return err;
	if (clk == 3) /* THREAD_CPUTIME */
		return -LINUX_EINVAL;
	err = read_ts(t, a[2], &ns);
	if (err)
		return err;
	if (flags & 1) /* TIMER_ABSTIME */
		ns = ns - now_ns(c) + now_ns(CLOCK_MONOTONIC);
	else
		ns += now_ns(CLOCK_MONOTONIC);
	return sleep_until(t, ns, (flags & 1) ? 0 : a[3]);
}

long sys_times(struct task *t, const uint64_t a[6])
{
	struct timespec ts;
	int64_t buf[4] = {0, 0, 0, 0};

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	buf[0] = ts.tv_sec * 100 + ts.tv_nsec / 10000000;
	if (a[0] && copy_out(t, a[0], buf, sizeof(buf)))
		return -LINUX_EFAULT;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 100 + ts.tv_nsec / 10000000;
}
