/* System information and resource limits: uname, getrandom, sysinfo,
 * prlimit family, getrusage, CPU affinity, prctl. */
#define _GNU_SOURCE
#include "sentry/syscalls/sys_misc.h"

#include <string.h>
#include <sys/random.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "abi/errno.h"
#include "sentry/kernel/cgroup.h"
#include "sentry/kernel/kernel.h"
#include "sentry/fs/proc/proc_gen.h"
#include "sentry/kernel/version.h"
#include "sentry/mm/usercopy.h"
#include "sentry/syscalls/sys_capability.h"

long sys_uname(struct task *t, const uint64_t a[6])
{
	char u[6][65];

	memset(u, 0, sizeof(u));
	strcpy(u[0], SENTRY_UNAME_SYSNAME);
	strcpy(u[1], proc_hostname);
	strcpy(u[2], SENTRY_UNAME_RELEASE);
	strcpy(u[3], SENTRY_UNAME_VERSION);
	strcpy(u[4], SENTRY_UNAME_MACHINE);
	strcpy(u[5], "(none)");
	return copy_out(t, a[0], u, sizeof(u));
}

long sys_sethostname(struct task *t, const uint64_t a[6])
{
	char buf[65];

	if (!capable(&t->cred, CAP_SYS_ADMIN))
		return -LINUX_EPERM;
	if (a[1] > 64)
		return -LINUX_EINVAL;
	if (copy_in(t, a[0], buf, a[1]))
		return -LINUX_EFAULT;
	buf[a[1]] = 0;
	memcpy(proc_hostname, buf, sizeof(buf));
	return 0;
}

long sys_getrandom(struct task *t, const uint64_t a[6])
{
	unsigned flags = (unsigned)a[2];
	char buf[4096];
	size_t n = a[1], done = 0;

	if (flags & ~(1u | 2u | 4u)) /* NONBLOCK, RANDOM, INSECURE */
		return -LINUX_EINVAL;
	if ((flags & 2) && (flags & 4))
		return -LINUX_EINVAL;
	if (n > 33554431)
		n = 33554431;
	while (done < n) {
		size_t c = n - done < sizeof(buf) ? n - done : sizeof(buf);
		if (getrandom(buf, c, 0) != (ssize_t)c)
			return done ? (long)done : -LINUX_EIO;
		if (copy_out(t, a[0] + done, buf, c))
			return done ? (long)done : -LINUX_EFAULT;
		done += c;
		if (done < n && task_interrupted(t))
			break;
	}
	return done;
}

long sys_sysinfo(struct task *t, const uint64_t a[6])
{
	struct sysinfo si;
	struct {
		int64_t uptime;
		uint64_t loads[3];
		uint64_t totalram, freeram, sharedram, bufferram, totalswap,
		    freeswap;
		uint16_t procs, pad;
		uint32_t pad2;
		uint64_t totalhigh, freehigh;
		uint32_t mem_unit;
		char pad3[4];
	} out;
	int n = 0, i = 0;

	sysinfo(&si);
	memset(&out, 0, sizeof(out));
	out.uptime = now_ns(CLOCK_MONOTONIC) / 1000000000LL;
	/* As /proc/meminfo shows it: the memory limit, when there is one. */
	uint64_t unit = si.mem_unit ? si.mem_unit : 1, total, free;
	cg_mem_view((uint64_t)si.totalram * unit, (uint64_t)si.freeram * unit,
		    &total, &free);
	out.totalram = total / unit;
	out.freeram = free / unit;
	out.sharedram = si.sharedram;
	out.bufferram = si.bufferram;
	out.mem_unit = si.mem_unit;
	for (struct thread_group *tg; (tg = tg_iter(&i));)
		n += tg->nthreads_live;
	out.procs = n;
	return copy_out(t, a[0], &out, sizeof(out));
}

#define RLIM_INFINITY (~0ULL)
#define RLIMIT_STACK  3
#define RLIMIT_NOFILE 7

/* Limits start as Linux's defaults for a fresh process. */
static void rlim_default(int r, struct rlimit64 *out)
{
	out->cur = out->max = RLIM_INFINITY;
	if (r == RLIMIT_STACK)
		out->cur = 8ULL << 20;
	else if (r == RLIMIT_NOFILE) {
		out->cur = 1024;
		out->max = 1048576;
	} else if (r == 4) /* CORE */
		out->cur = 0;
	else if (r == 8) /* MEMLOCK */
		out->cur = out->max = 8ULL << 20;
	else if (r == 12) /* MSGQUEUE */
		out->cur = out->max = 819200;
	else if (r == 6 || r == 11) /* NPROC, SIGPENDING */
		out->cur = out->max = 95000;
	else if (r == 13 || r == 14) /* NICE, RTPRIO */
		out->cur = out->max = 0;
}

static struct rlimit64 *rlim_of(struct thread_group *tg, int r)
{
	struct rlimit64 *l = &tg->rlim[r];
	if (l->cur == 0 && l->max == 0)
		rlim_default(r, l);
	return l;
}

/* Linux's check_prlimit_permission: another process's limits need the
 * same ids in all three of its uids and gids, or CAP_SYS_RESOURCE. */
static bool may_prlimit(struct task *t, struct thread_group *tg)
{
	const struct cred *c = &t->cred, *tc = &tg->leader->cred;

	if (tg == t->tg || capable(c, CAP_SYS_RESOURCE))
		return true;
	return c->uid == tc->euid && c->uid == tc->suid && c->uid == tc->uid &&
	       c->gid == tc->egid && c->gid == tc->sgid && c->gid == tc->gid;
}

static long do_prlimit(struct task *t, int pid, int r, uint64_t newp,
		       uint64_t oldp)
{
	struct thread_group *tg = pid ? tg_lookup(pid) : t->tg;
	struct rlimit64 nl, *cur;

	if (r < 0 || r >= LINUX_RLIM_NLIMITS)
		return -LINUX_EINVAL;
	if (!tg)
		return -LINUX_ESRCH;
	if (!may_prlimit(t, tg))
		return -LINUX_EPERM;
	cur = rlim_of(tg, r);
	if (newp) {
		if (copy_in(t, newp, &nl, sizeof(nl)))
			return -LINUX_EFAULT;
		if (nl.cur > nl.max)
			return -LINUX_EINVAL;
		if (nl.max > cur->max && !capable(&t->cred, CAP_SYS_RESOURCE))
			return -LINUX_EPERM;
		if (r == RLIMIT_NOFILE && nl.max > 1048576)
			return -LINUX_EPERM;
	}
	if (oldp && copy_out(t, oldp, cur, sizeof(*cur)))
		return -LINUX_EFAULT;
	if (newp)
		*cur = nl;
	return 0;
}

long sys_prlimit64(struct task *t, const uint64_t a[6])
{
	return do_prlimit(t, (int)a[0], (int)a[1], a[2], a[3]);
}

long sys_getrlimit(struct task *t, const uint64_t a[6])
{
	return do_prlimit(t, 0, (int)a[0], 0, a[1]);
}

long sys_setrlimit(struct task *t, const uint64_t a[6])
{
	return do_prlimit(t, 0, (int)a[0], a[1], 0);
}

long sys_getrusage(struct task *t, const uint64_t a[6])
{
	int who = (int)a[0];
	int64_t ru[18];

	if (who != 0 && who != -1 && who != 1) /* SELF, CHILDREN, THREAD */
		return -LINUX_EINVAL;
	memset(ru, 0, sizeof(ru));
	if (who != -1) {
		struct timespec ts;
		clock_gettime(who == 1 ? CLOCK_THREAD_CPUTIME_ID
				       : CLOCK_PROCESS_CPUTIME_ID,
			      &ts);
		ru[0] = ts.tv_sec;
		ru[1] = ts.tv_nsec / 1000;
	}
	return copy_out(t, a[1], ru, sizeof(ru));
}

long sys_sched_getaffinity(struct task *t, const uint64_t a[6])
{
	uint64_t mask = 0, len = a[1];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (a[0] && !task_lookup((int)a[0]))
		return -LINUX_ESRCH;
	if (len < 8 || (len & 7))
		return -LINUX_EINVAL;
	if (ncpu < 1 || ncpu > 64)
		ncpu = ncpu < 1 ? 1 : 64;
	mask = ncpu == 64 ? ~0ULL : (1ULL << ncpu) - 1;
	if (copy_out(t, a[2], &mask, 8))
		return -LINUX_EFAULT;
	return 8;
}

long sys_sched_setaffinity(struct task *t, const uint64_t a[6])
{
	uint64_t mask;

	if (a[0] && !task_lookup((int)a[0]))
		return -LINUX_ESRCH;
	if (a[1] < 8)
		return -LINUX_EINVAL;
	if (copy_in(t, a[2], &mask, 8))
		return -LINUX_EFAULT;
	return mask ? 0 : -LINUX_EINVAL;
}

long sys_getcpu(struct task *t, const uint64_t a[6])
{
	unsigned cpu = sched_getcpu(), node = 0;

	if (a[0] && copy_out(t, a[0], &cpu, 4))
		return -LINUX_EFAULT;
	if (a[1] && copy_out(t, a[1], &node, 4))
		return -LINUX_EFAULT;
	return 0;
}

#define PR_SET_PDEATHSIG       1
#define PR_GET_PDEATHSIG       2
#define PR_GET_DUMPABLE	       3
#define PR_SET_DUMPABLE	       4
#define PR_SET_NAME	       15
#define PR_GET_NAME	       16
#define PR_GET_SECCOMP	       21
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define PR_SET_VMA	       0x53564d41

long sys_prctl(struct task *t, const uint64_t a[6])
{
	char name[16];
	long ret;

	if (prctl_cred(t, a, &ret))
		return ret;
	switch (a[0]) {
	case PR_SET_NAME:
		/* A longer name is cut to 15 bytes, as Linux does. */
		if (copy_string_in(t, a[1], name, sizeof(name)) ==
		    -LINUX_EFAULT)
			return -LINUX_EFAULT;
		name[15] = 0;
		memcpy(t->comm, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		return copy_out(t, a[1], t->comm, sizeof(t->comm));
	case PR_GET_DUMPABLE:
		return 1;
	case PR_SET_DUMPABLE:
		return a[1] <= 1 ? 0 : -LINUX_EINVAL;
	case PR_GET_SECCOMP:
		return 0;
	case PR_SET_VMA:
		return -LINUX_EINVAL; /* as a kernel without
					 CONFIG_ANON_VMA_NAME */
	}
	return -LINUX_EINVAL;
}
