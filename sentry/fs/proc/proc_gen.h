/* Content generators of procfs's synthetic files, separated from the VFS
 * glue (procfs.c) so they can be read and tested alone.
 *
 * Each generator renders the whole file into a malloc'd buffer (*out, caller
 * frees) and returns its length, or -LINUX_ENOMEM. Called with the kernel
 * lock held, on the opening task's thread (t is the opener).
 */
#ifndef SENTRY_FS_PROC_PROC_GEN_H
#define SENTRY_FS_PROC_PROC_GEN_H

#include <stddef.h>

struct task;

/* Global files. */
long proc_gen_meminfo(struct task *t, void *arg, char **out);
long proc_gen_cpuinfo(struct task *t, void *arg, char **out);
long proc_gen_uptime(struct task *t, void *arg, char **out);
long proc_gen_loadavg(struct task *t, void *arg, char **out);
long proc_gen_filesystems(struct task *t, void *arg, char **out);
long proc_gen_version(struct task *t, void *arg, char **out);
long proc_gen_stat(struct task *t, void *arg, char **out);
long proc_gen_mounts(struct task *t, void *arg, char **out);
long proc_gen_mountinfo(struct task *t, void *arg, char **out);
long proc_gen_hostname(struct task *t, void *arg, char **out);
long proc_gen_osrelease(struct task *t, void *arg, char **out);
long proc_gen_ostype(struct task *t, void *arg, char **out);
long proc_gen_kversion(struct task *t, void *arg, char **out);
long proc_gen_pid_max(struct task *t, void *arg, char **out);
long proc_gen_ngroups_max(struct task *t, void *arg, char **out);
long proc_gen_overcommit(struct task *t, void *arg, char **out);
long proc_gen_nr_open(struct task *t, void *arg, char **out);
long proc_gen_file_max(struct task *t, void *arg, char **out);
long proc_gen_pipe_max_size(struct task *t, void *arg, char **out);
long proc_gen_cap_last_cap(struct task *t, void *arg, char **out);
long proc_gen_random_uuid(struct task *t, void *arg, char **out);
long proc_gen_boot_id(struct task *t, void *arg, char **out);

/* /proc/sys/kernel/hostname: the sandbox's host name. The UTS namespace
 * is the kernel's; until it exposes one, procfs keeps it (proc_hostname,
 * writable through the file by root). */
extern char proc_hostname[65];
long proc_write_hostname(struct task *t, void *arg, const char *buf, size_t n);

/* Render a printf format into a new malloc'd buffer; length or -ENOMEM. */
long proc_printf(char **out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Host facts captured once by procfs_preload() (procfs.h). */
struct proc_host_facts {
	char *cpuinfo; /* host /proc/cpuinfo text, or NULL */
	long cpuinfo_len;
	int ncpus;
	unsigned long mem_total_kb;
	unsigned long mem_free_kb;
	long long boot_mono_ns; /* CLOCK_MONOTONIC at preload: "boot" time */
	long long boot_real_s;	/* wall-clock seconds at preload (btime) */
	char boot_id[40];
};
extern struct proc_host_facts proc_host;

#endif
