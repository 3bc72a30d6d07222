/* The sandbox's resource controllers: pids and memory limits, the OOM
 * killer, usage for `runsc events` (cgroup.h). */
#define _GNU_SOURCE
#include "sentry/kernel/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "abi/errno.h"
#include "sentry/kernel/kernel.h"
#include "sentry/kernel/klock.h"
#include "sentry/kernel/signal.h"
#include "sentry/log.h"
#include "sentry/mm/mm.h"

static uint64_t mem_limit, pids_limit;
static int procfd = -1, oom_fd = -1;

/* Updated by charging tasks (kernel lock) and read by the monitor. */
static _Atomic uint64_t heap;	     /* cg_mem_charge'd bytes */
static _Atomic uint64_t last_rest;   /* usage but heap, last exact sample */
static _Atomic uint64_t oom_pending; /* bytes a refused charge wanted */
static _Atomic uint64_t failcnt, oom_kills;

static pthread_mutex_t wake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cv;

/* One sample at a time (monitor, stats requests): it owns what follows. */
static pthread_mutex_t sample_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t max_usage;
static int64_t next_peak_ms;
static pid_t victim; /* stub of the last OOM kill, until it is gone */
static int64_t victim_deadline_ms;
static struct stub {
	pid_t pid; /* host pid of the address space */
	int tgid;  /* one process using it */
	char comm[16];
	uint64_t kb; /* its charge */
} stubs[MAX_TASKS];
static int nstubs;

#define LIMITED_INTERVAL_MS   10
#define UNLIMITED_INTERVAL_MS 100
/* Exact samples for the peak alone: at most this often (smaps costs a
 * page-table walk per stub; near a limit they are taken every interval
 * anyway). */
#define PEAK_INTERVAL_MS 1000
#define VICTIM_WAIT_MS	 1000

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A procfs instance of our own pid namespace, attached nowhere: only the
 * pid directories (subset=pid), read-only. */
static int mount_proc(void)
{
	int fs, m, err;

	fs = fsopen("proc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (fsconfig(fs, FSCONFIG_SET_STRING, "subset", "pid", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		err = -errno;
		close(fs);
		return err;
	}
	m = fsmount(fs, FSMOUNT_CLOEXEC,
		    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			MOUNT_ATTR_NOEXEC);
	err = -errno;
	close(fs);
	return m < 0 ? err : m;
}

int cg_init(uint64_t mlimit, uint64_t plimit, int ofd)
{
	int fd = mount_proc();

	oom_fd = ofd;
	mem_limit = mlimit;
	pids_limit = plimit;
	if (fd < 0) {
		if (mlimit)
			return fd;
		log_debug("cgroup: no procfs (%s): memory usage unknown",
			  strerror(-fd));
		return 0;
	}
	procfd = fd;
	return 0;
}

int cg_procfd(void)
{
	return procfd;
}

uint64_t cg_mem_limit(void)
{
	return mem_limit;
}

uint64_t cg_mem_usage_estimate(void)
{
	return last_rest + heap;
}

void cg_mem_view(uint64_t host_total, uint64_t host_free, uint64_t *total,
		 uint64_t *free)
{
	uint64_t used;

	if (!mem_limit) {
		*total = host_total;
		*free = host_free;
		return;
	}
	*total = mem_limit < host_total ? mem_limit : host_total;
	used = cg_mem_usage_estimate();
	*free = used < *total ? *total - used : 0;
	if (*free > host_free)
		*free = host_free;
}

int cg_pids_check(void)
{
	if (pids_limit && (uint64_t)task_count() >= pids_limit)
		return -LINUX_EAGAIN;
	return 0;
}

static void wake_monitor(void)
{
	pthread_mutex_lock(&wake_mu);
	pthread_cond_signal(&wake_cv);
	pthread_mutex_unlock(&wake_mu);
}

/* Would bytes more go over the limit? Then count the failure and have the
 * OOM killer look. */
static int over(uint64_t bytes)
{
	if (!mem_limit || last_rest + heap + bytes <= mem_limit)
		return 0;
	failcnt++;
	oom_pending = bytes;
	wake_monitor();
	return -LINUX_ENOMEM;
}

int cg_mem_charge(uint64_t bytes)
{
	int err = over(bytes);

	if (!err)
		heap += bytes;
	return err;
}

void cg_mem_uncharge(uint64_t bytes)
{
	heap -= bytes < heap ? bytes : heap;
}

int cg_mem_check(uint64_t bytes)
{
	return over(bytes);
}

/* Each line of procfs file PID/name, NUL-terminated, to line(). Lines
 * longer than the buffer are dropped. 0 or -errno. */
static int proc_lines(pid_t pid, const char *name, void (*line)(void *, char *),
		      void *ctx)
{
	char path[64], buf[8192];
	size_t have = 0;
	int fd;

	snprintf(path, sizeof(path), "%d/%s", (int)pid, name);
	/* The raw call: the seccomp filter allows exactly these flags. */
	fd = (int)syscall(SYS_openat, procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
		char *p = buf, *nl;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		while ((nl = memchr(p, '\n', buf + have - p))) {
			*nl = 0;
			line(ctx, p);
			p = nl + 1;
		}
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
		if (have == sizeof(buf) - 1)
			have = 0;
	}
	if (have) {
		buf[have] = 0;
		line(ctx, buf);
	}
	close(fd);
	return 0;
}

/* "Name:   N kB" lines: add N when the line starts with key. */
static void add_kb(const char *l, const char *key, uint64_t *acc)
{
	size_t k = strlen(key);

	if (!strncmp(l, key, k))
		*acc += strtoull(l + k, NULL, 10);
}

/* An upper bound of a stub's charge: its anonymous and shmem RSS. */
static void status_line(void *ctx, char *l)
{
	add_kb(l, "RssAnon:", ctx);
	add_kb(l, "RssShmem:", ctx);
}

/* smaps, mapping by mapping: anonymous and shared anonymous mappings are
 * charged their proportional size (a page shared by n stubs counts 1/n in
 * each); file mappings (the memory file, host files) only the pages
 * copied on write in them, whose file pages are charged elsewhere or are
 * the host's. */
struct smaps_acc {
	uint64_t kb;
	bool anon; /* the current mapping is anonymous memory */
};

static void smaps_line(void *ctx, char *l)
{
	struct smaps_acc *a = ctx;
	unsigned long lo, hi;
	char perms[8];
	int n = 0;

	if (sscanf(l, "%lx-%lx %7s %*s %*s %*s%n", &lo, &hi, perms, &n) == 3 &&
	    n > 0) {
		const char *path = l + n;

		while (*path == ' ')
			path++;
		a->anon = !*path || !strcmp(path, "/dev/zero (deleted)") ||
			  !strncmp(path, "/SYSV", 5);
		return;
	}
	add_kb(l, a->anon ? "Pss:" : "Anonymous:", &a->kb);
}

/* utime and stime, in clock ticks, from /proc/PID/stat. */
struct stat_acc {
	uint64_t user, sys;
	bool ok;
};

static void stat_line(void *ctx, char *l)
{
	struct stat_acc *a = ctx;
	unsigned long long u, s;
	char *p = strrchr(l, ')');

	/* After the name: state and 10 more fields, then utime, stime. */
	if (p && sscanf(p + 1,
			" %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
			"%llu",
			&u, &s) == 2) {
		a->user += u;
		a->sys += s;
		a->ok = true;
	}
}

/* The stubs of the live processes, one entry per address space. */
static void collect_stubs(void)
{
	struct thread_group *tg;
	int i = 0;

	nstubs = 0;
	klock_acquire();
	while ((tg = tg_iter(&i)) && nstubs < MAX_TASKS) {
		struct task *t;
		pid_t pid;
		bool dup = false;

		if (tg->zombie)
			continue;
		for (t = tg->threads; t; t = t->tg_next)
			if (!t->exited && t->pctx)
				break;
		if (!t || !plat->as_pid)
			continue;
		pid = plat->as_pid(t->pctx);
		/* vfork: parent and child share one stub */
		for (int k = 0; k < nstubs && !dup; k++)
			dup = stubs[k].pid == pid;
		if (dup)
			continue;
		stubs[nstubs].pid = pid;
		stubs[nstubs].tgid = tg->pid;
		memcpy(stubs[nstubs].comm, t->comm, sizeof(t->comm));
		stubs[nstubs].kb = 0;
		nstubs++;
	}
	klock_release();
}

static uint64_t memfile_bytes(void)
{
	struct stat st;

	if (mm_memfd() < 0 || fstat(mm_memfd(), &st) < 0)
		return 0;
	return (uint64_t)st.st_blocks * 512;
}

/* The exact charge of every stub (stubs[].kb); returns their sum in
 * bytes. */
static uint64_t stubs_exact(void)
{
	uint64_t sum = 0;

	for (int i = 0; i < nstubs; i++) {
		struct smaps_acc a = {0};

		proc_lines(stubs[i].pid, "smaps", smaps_line, &a);
		stubs[i].kb = a.kb;
		sum += a.kb * 1024;
	}
	return sum;
}

/* Kill the stub charged the most (stubs_exact done), unless the last
 * victim is still dying. */
static void oom_kill(uint64_t usage)
{
	struct stub *v = NULL;

	for (int i = 0; i < nstubs; i++) {
		if (victim && stubs[i].pid == victim &&
		    mono_ms() < victim_deadline_ms)
			return;
		if (!v || stubs[i].kb > v->kb)
			v = &stubs[i];
	}
	if (!v)
		return;
	klock_acquire();
	struct thread_group *tg = tg_lookup(v->tgid);
	if (tg && !tg->exiting) {
		struct linux_siginfo info = {.signo = LINUX_SIGKILL,
					     .code = LINUX_SI_KERNEL};

		/* Told before the kill: killing init ends the sentry. */
		oom_kills++;
		if (oom_fd >= 0)
			dprintf(oom_fd, "oom %d %s\n", v->tgid, v->comm);
		log_warn("memory limit: usage %llu kB over the limit of %llu "
			 "kB: killing process %d (%s) using %llu kB",
			 (unsigned long long)(usage >> 10),
			 (unsigned long long)(mem_limit >> 10), v->tgid,
			 v->comm, (unsigned long long)v->kb);
		send_signal_group(tg, LINUX_SIGKILL, &info);
		victim = v->pid;
		victim_deadline_ms = mono_ms() + VICTIM_WAIT_MS;
	}
	klock_release();
}

/* One look at the sandbox's memory (sample_mu held). */
static void monitor_pass(void)
{
	uint64_t bound, usage, rest, pending;
	int64_t now = mono_ms();
	bool peak;

	collect_stubs();
	rest = memfile_bytes();
	bound = rest + heap;
	for (int i = 0; i < nstubs; i++) {
		uint64_t kb = 0;

		proc_lines(stubs[i].pid, "status", status_line, &kb);
		bound += kb * 1024;
	}
	pending = oom_pending;
	peak = bound > max_usage && now >= next_peak_ms;
	if (!peak && !pending && (!mem_limit || bound <= mem_limit))
		return;
	rest += stubs_exact();
	usage = rest + heap;
	last_rest = rest;
	if (usage > max_usage)
		max_usage = usage;
	next_peak_ms = now + PEAK_INTERVAL_MS;
	oom_pending = 0;
	if (!mem_limit || usage + pending <= mem_limit)
		return;
	if (usage > mem_limit)
		failcnt++;
	oom_kill(usage);
}

static void *monitor_main(void *arg)
{
	int ms = mem_limit ? LIMITED_INTERVAL_MS : UNLIMITED_INTERVAL_MS;

	(void)arg;
	pthread_setname_np(pthread_self(), "cgroup");
	for (;;) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += ms * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&wake_mu);
		if (!oom_pending)
			pthread_cond_timedwait(&wake_cv, &wake_mu, &ts);
		pthread_mutex_unlock(&wake_mu);
		pthread_mutex_lock(&sample_mu);
		monitor_pass();
		pthread_mutex_unlock(&sample_mu);
	}
	return NULL;
}

int cg_start(void)
{
	pthread_condattr_t ca;
	pthread_t th;

	if (procfd < 0)
		return 0;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wake_cv, &ca);
	pthread_condattr_destroy(&ca);
	return -pthread_create(&th, NULL, monitor_main, NULL);
}

void cg_stats(struct cg_stats *s)
{
	struct stat_acc cpu = {0};
	long tick = sysconf(_SC_CLK_TCK);
	struct tms tms;

	memset(s, 0, sizeof(*s));
	s->mem_limit = mem_limit;
	s->pids_limit = pids_limit;
	s->mem_failcnt = failcnt;
	s->oom_kills = oom_kills;
	klock_acquire();
	s->pids_current = (uint64_t)task_count();
	klock_release();
	if (procfd < 0)
		return;
	pthread_mutex_lock(&sample_mu);
	collect_stubs();
	s->mem_anon = stubs_exact();
	s->mem_file = memfile_bytes();
	s->mem_heap = heap;
	s->mem_usage = s->mem_anon + s->mem_file + s->mem_heap;
	last_rest = s->mem_anon + s->mem_file;
	if (s->mem_usage > max_usage)
		max_usage = s->mem_usage;
	s->mem_max = max_usage;
	s->mem_known = true;
	for (int i = 0; i < nstubs; i++)
		proc_lines(stubs[i].pid, "stat", stat_line, &cpu);
	pthread_mutex_unlock(&sample_mu);
	/* The sentry's threads, the stubs it reaped, the live ones. */
	if (tick <= 0 || times(&tms) == (clock_t)-1)
		return;
	cpu.user += (uint64_t)tms.tms_utime + (uint64_t)tms.tms_cutime;
	cpu.sys += (uint64_t)tms.tms_stime + (uint64_t)tms.tms_cstime;
	s->cpu_known = true;
	s->cpu_user_ns = cpu.user * (1000000000ULL / (uint64_t)tick);
	s->cpu_sys_ns = cpu.sys * (1000000000ULL / (uint64_t)tick);
}
