/* The sandbox's resource controllers: what the cgroups of an OCI
 * container's linux.resources do to its application, enforced by the
 * sentry, and the numbers `runsc events` reports.
 *
 * pids (pids.max): every task (thread) counts, and a process until it is
 * reaped; clone/fork past the limit fails with EAGAIN (cg_pids_check).
 *
 * memory (memory.max). What is charged, in bytes:
 *  - anonymous memory the application touched: the stubs' private
 *    anonymous pages and shared anonymous ones, each page once however many
 *    stubs map it (the host's proportional set size, /proc/PID/smaps), and
 *    the pages copied on write in private file mappings;
 *  - the memory file, the sandbox's page cache (sentry/mm/filecache.h): the
 *    pages it holds (fstat st_blocks);
 *  - file data the sentry keeps in its heap (tmpfs, the overlay's upper
 *    layer), charged explicitly with cg_mem_charge.
 * Sentry bookkeeping (task structs, pipe and socket buffers) is not.
 *
 * Stub memory is the host's anonymous memory: touching a new page never
 * reaches the sentry. A monitor thread samples it instead, every 10 ms with
 * a limit and 100 ms without (the host's RSS counters first; the exact
 * proportional sizes only when those could be over the limit, or a new
 * peak, checked once a second at most). When usage is over the limit, the OOM
 * killer sends SIGKILL to the process charged the most, as Linux's memcg OOM
 * killer does, and waits for it to be gone (1 s at most) before it chooses
 * another. An application may thus overshoot the limit by what it touches in
 * one interval before it dies; what it reads is never garbage.
 *
 * The host facts come from a procfs instance of the sentry's own pid
 * namespace (subset=pid), mounted detached by cg_init before the sentry
 * leaves the host's filesystem; the seccomp filter lets the sentry open
 * files read-only relative to it and nothing else (sentry/seccomp.h).
 */
#ifndef SENTRY_KERNEL_CGROUP_H
#define SENTRY_KERNEL_CGROUP_H

#include <stdbool.h>
#include <stdint.h>

/* As pid 1 of the sandbox's pid namespace, before the pivot and the
 * seccomp filter: set the limits (0: none) and mount the private procfs.
 * oom_fd (-1: none; taken over): each OOM kill appends a line "oom PID
 * COMM" there, for `runsc events` to find even after the sandbox ended.
 * Returns 0, or -errno when a memory limit was asked for and cannot be
 * enforced (without one, no procfs only leaves the usage unknown). */
int cg_init(uint64_t mem_limit, uint64_t pids_limit, int oom_fd);

/* The procfs directory descriptor cg_init opened, or -1. */
int cg_procfd(void);

/* Start the monitor thread (after the seccomp filter is in place): needed
 * for a memory limit, and for the peak cg_stats reports (sampled between
 * requests too). Returns 0 or -errno. */
int cg_start(void);

/* May the sandbox have one more task? 0 or -LINUX_EAGAIN. Kernel lock
 * held. */
int cg_pids_check(void);

/* Memory the sentry holds for the application outside the stubs and the
 * memory file (tmpfs data): charge before allocating, uncharge after
 * freeing. A charge that would go over the limit fails with -LINUX_ENOMEM
 * and makes the OOM killer run. Kernel lock held. */
int cg_mem_charge(uint64_t bytes);
void cg_mem_uncharge(uint64_t bytes);

/* Could bytes more of page cache (the memory file) be charged now? 0, or
 * -LINUX_ENOMEM and the OOM killer runs. Kernel lock held. */
int cg_mem_check(uint64_t bytes);

/* The memory limit in bytes (0: none). */
uint64_t cg_mem_limit(void);

/* Usage as last sampled plus explicit charges since, for /proc/meminfo
 * and sysinfo. Any thread. */
uint64_t cg_mem_usage_estimate(void);

/* The memory the sandbox shows its application (/proc/meminfo, sysinfo),
 * in bytes, from the host's: with a limit, the limit (at most the host's
 * total) and what usage leaves of it, as gVisor shows a limited
 * container; else the host's own. */
void cg_mem_view(uint64_t host_total, uint64_t host_free, uint64_t *total,
		 uint64_t *free);

struct cg_stats {
	bool mem_known;	      /* false: no procfs, the sizes are 0 */
	uint64_t mem_usage;   /* bytes, sampled now */
	uint64_t mem_max;     /* the highest usage sampled so far */
	uint64_t mem_anon;    /* of usage: stub memory */
	uint64_t mem_file;    /* of usage: the memory file */
	uint64_t mem_heap;    /* of usage: tmpfs data */
	uint64_t mem_limit;   /* 0: none */
	uint64_t mem_failcnt; /* times usage reached the limit */
	uint64_t oom_kills;   /* processes the OOM killer killed */
	uint64_t pids_current, pids_limit; /* limit 0: none */
	/* Host CPU time of the sentry and its stubs (live ones, and those
	 * reaped), nanoseconds. */
	bool cpu_known;
	uint64_t cpu_user_ns, cpu_sys_ns;
};

/* A fresh sample. Any thread not holding the kernel lock. */
void cg_stats(struct cg_stats *s);

#endif
