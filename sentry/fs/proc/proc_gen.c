/* Content of procfs's global synthetic files. See proc_gen.h. */
#define _GNU_SOURCE
#include "sentry/fs/proc/proc_gen.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "abi/errno.h"
#include "sentry/fs/dev/random.h"
#include "sentry/fs/pipe/pipebuf.h"
#include "sentry/kernel/cgroup.h"
#include "sentry/kernel/task.h"
#include "sentry/kernel/version.h"
#include "sentry/vfs/fs_context.h"
#include "sentry/vfs/vfs.h"

struct proc_host_facts proc_host = {
    .ncpus = 1,
    .mem_total_kb = 2 * 1024 * 1024,
    .mem_free_kb = 1024 * 1024,
    .boot_id = "00000000-0000-0000-0000-000000000000",
};

long proc_printf(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(out, fmt, ap);
	va_end(ap);
	if (n < 0) {
		*out = NULL;
		return -LINUX_ENOMEM;
	}
	return n;
}

static long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Nanoseconds since the sandbox "booted" (procfs_preload). */
static long long uptime_ns(void)
{
	long long d = mono_ns() - proc_host.boot_mono_ns;
	return d > 0 ? d : 0;
}

long proc_gen_meminfo(struct task *t, void *arg, char **out)
{
	/* Without a memory limit, the host's totals at start-up (what a
	 * container with no limit sees on Linux); with one, the limit and
	 * what the sandbox's usage leaves of it. */
	uint64_t total, free;
	cg_mem_view((uint64_t)proc_host.mem_total_kb << 10,
		    (uint64_t)proc_host.mem_free_kb << 10, &total, &free);
	unsigned long tot = total >> 10, fr = free >> 10;
	return proc_printf(out,
			   "MemTotal:       %8lu kB\n"
			   "MemFree:        %8lu kB\n"
			   "MemAvailable:   %8lu kB\n"
			   "Buffers:        %8lu kB\n"
			   "Cached:         %8lu kB\n"
			   "SwapCached:     %8lu kB\n"
			   "Active:         %8lu kB\n"
			   "Inactive:       %8lu kB\n"
			   "Active(anon):   %8lu kB\n"
			   "Inactive(anon): %8lu kB\n"
			   "Active(file):   %8lu kB\n"
			   "Inactive(file): %8lu kB\n"
			   "Unevictable:    %8lu kB\n"
			   "Mlocked:        %8lu kB\n"
			   "SwapTotal:      %8lu kB\n"
			   "SwapFree:       %8lu kB\n"
			   "Dirty:          %8lu kB\n"
			   "Writeback:      %8lu kB\n"
			   "AnonPages:      %8lu kB\n"
			   "Mapped:         %8lu kB\n"
			   "Shmem:          %8lu kB\n"
			   "CommitLimit:    %8lu kB\n"
			   "Committed_AS:   %8lu kB\n"
			   "VmallocTotal:   %8lu kB\n"
			   "VmallocUsed:    %8lu kB\n"
			   "VmallocChunk:   %8lu kB\n"
			   "HugePages_Total:   %5d\n"
			   "HugePages_Free:    %5d\n"
			   "Hugepagesize:   %8d kB\n",
			   tot, fr, fr, 0UL, 0UL, 0UL, tot - fr, 0UL, tot - fr,
			   0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL,
			   tot - fr, 0UL, 0UL, tot, tot - fr, 34359738367UL,
			   0UL, 0UL, 0, 0, 2048);
}

long proc_gen_cpuinfo(struct task *t, void *arg, char **out)
{
	if (proc_host.cpuinfo) {
		char *c = malloc(proc_host.cpuinfo_len + 1);
		if (!c)
			return -LINUX_ENOMEM;
		memcpy(c, proc_host.cpuinfo, proc_host.cpuinfo_len + 1);
		*out = c;
		return proc_host.cpuinfo_len;
	}
	/* No host copy (preload not called): a generic x86-64 entry per CPU. */
	char *acc = NULL;
	long len = 0;
	for (int i = 0; i < proc_host.ncpus; i++) {
		char *n;
		long r = proc_printf(
		    &n,
		    "%sprocessor\t: %d\n"
		    "vendor_id\t: GenuineIntel\n"
		    "cpu family\t: 6\n"
		    "model\t\t: 85\n"
		    "model name\t: Virtual CPU\n"
		    "cpu MHz\t\t: 2000.000\n"
		    "cache size\t: 32768 KB\n"
		    "physical id\t: 0\n"
		    "siblings\t: %d\n"
		    "core id\t\t: %d\n"
		    "cpu cores\t: %d\n"
		    "fpu\t\t: yes\n"
		    "flags\t\t: fpu vme de pse tsc msr pae mce "
		    "cx8 apic sep mtrr pge mca cmov pat pse36 "
		    "clflush mmx fxsr sse sse2 ht syscall nx "
		    "lm constant_tsc rep_good nopl pni ssse3 "
		    "cx16 sse4_1 sse4_2 popcnt aes xsave avx\n"
		    "bogomips\t: 4000.00\n"
		    "address sizes\t: 46 bits physical, 48 bits "
		    "virtual\n\n",
		    acc ? acc : "", i, proc_host.ncpus, i, proc_host.ncpus);
		free(acc);
		if (r < 0)
			return r;
		acc = n;
		len = r;
	}
	*out = acc;
	return len;
}

long proc_gen_uptime(struct task *t, void *arg, char **out)
{
	long long ns = uptime_ns();
	long long idle = ns / 10000000LL * proc_host.ncpus; /* centiseconds */
	return proc_printf(out, "%lld.%02lld %lld.%02lld\n", ns / 1000000000LL,
			   (ns / 10000000LL) % 100, idle / 100, idle % 100);
}

/* The number of live thread groups, and the highest pid. */
static int count_procs(int *last_pid)
{
	static int pids[32768];
	int n = tg_list_pids(pids, (int)(sizeof(pids) / sizeof(pids[0])));
	*last_pid = n > 0 ? pids[n - 1] : 0;
	return n;
}

long proc_gen_loadavg(struct task *t, void *arg, char **out)
{
	int last;
	int n = count_procs(&last);
	return proc_printf(out, "0.00 0.00 0.00 %d/%d %d\n", n > 0, n, last);
}

long proc_gen_filesystems(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "nodev\tsysfs\n"
				"nodev\ttmpfs\n"
				"nodev\tproc\n"
				"nodev\tdevtmpfs\n"
				"nodev\tdevpts\n"
				"nodev\tpipefs\n"
				"nodev\toverlay\n"
				"nodev\t9p\n");
}

long proc_gen_version(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "%s", SENTRY_PROC_VERSION);
}

long proc_gen_stat(struct task *t, void *arg, char **out)
{
	/* No per-CPU accounting in the sentry: CPU time is reported idle. */
	long long ticks = uptime_ns() / 10000000LL; /* USER_HZ = 100 */
	char *cpus = NULL;
	long r = proc_printf(&cpus, "cpu  0 0 0 %lld 0 0 0 0 0 0\n",
			     ticks * proc_host.ncpus);
	if (r < 0)
		return r;
	for (int i = 0; i < proc_host.ncpus; i++) {
		char *n;
		r = proc_printf(&n, "%scpu%d 0 0 0 %lld 0 0 0 0 0 0\n", cpus, i,
				ticks);
		free(cpus);
		if (r < 0)
			return r;
		cpus = n;
	}
	int last;
	int nprocs = count_procs(&last);
	r = proc_printf(out,
			"%sintr 0\nctxt 0\nbtime %lld\nprocesses %d\n"
			"procs_running 1\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 "
			"0 0 0 0 0\n",
			cpus, proc_host.boot_real_s,
			last > nprocs ? last : nprocs);
	free(cpus);
	return r;
}

long proc_gen_osrelease(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "%s\n", SENTRY_UNAME_RELEASE);
}

long proc_gen_ostype(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "%s\n", SENTRY_UNAME_SYSNAME);
}

long proc_gen_kversion(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "%s\n", SENTRY_UNAME_VERSION);
}

long proc_gen_pid_max(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "4194304\n");
}

long proc_gen_ngroups_max(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "65536\n");
}

long proc_gen_overcommit(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "0\n");
}

long proc_gen_nr_open(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "1048576\n");
}

long proc_gen_file_max(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "9223372036854775807\n");
}

long proc_gen_pipe_max_size(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "%d\n", PIPEBUF_MAX_CAP);
}

long proc_gen_cap_last_cap(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "40\n");
}

long proc_gen_boot_id(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "%s\n", proc_host.boot_id);
}

long proc_gen_random_uuid(struct task *t, void *arg, char **out)
{
	unsigned char b[16];
	if (sentry_getrandom(b, sizeof(b)) < 0)
		return -LINUX_EIO;
	b[6] = (b[6] & 0x0f) | 0x40; /* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80; /* RFC 4122 variant */
	return proc_printf(out,
			   "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			   "%02x%02x%02x%02x%02x%02x\n",
			   b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8],
			   b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

char proc_hostname[65] = "sandbox"; /* as sys_misc.c's uname */

long proc_gen_hostname(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "%s\n", proc_hostname);
}

long proc_write_hostname(struct task *t, void *arg, const char *buf, size_t n)
{
	if (t && t->cred.euid != 0)
		return -LINUX_EPERM;
	size_t len = n;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 64)
		return -LINUX_EINVAL;
	memcpy(proc_hostname, buf, len);
	proc_hostname[len] = '\0';
	return (long)n;
}

/* A growing output buffer for the line-by-line files. */
struct obuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void ob_put(struct obuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 1024;
		while (nc < b->len + n + 1)
			nc *= 2;
		char *ns = realloc(b->s, nc);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void ob_str(struct obuf *b, const char *s)
{
	ob_put(b, s, strlen(s));
}

/* Mount paths escape blanks and backslashes in octal, as Linux's
 * seq_path/mangle. */
static void ob_escaped(struct obuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\') {
			char e[5];
			snprintf(e, sizeof(e), "\\%03o", (unsigned char)*s);
			ob_put(b, e, 4);
		} else {
			ob_put(b, s, 1);
		}
	}
}

static long ob_finish(struct obuf *b, char **out)
{
	if (b->oom) {
		free(b->s);
		return -LINUX_ENOMEM;
	}
	if (!b->s)
		ob_put(b, "", 0);
	if (b->oom)
		return -LINUX_ENOMEM;
	*out = b->s;
	return (long)b->len;
}

/* The mounts in mount order (by id). Returns a malloc'd array. */
static struct mount **sorted_mounts(int *n)
{
	int cnt = 0;
	for (struct mount *m = vfs_mounts(); m; m = m->next)
		cnt++;
	struct mount **a = malloc(sizeof(*a) * (cnt ? cnt : 1));
	if (!a)
		return NULL;
	int i = 0;
	for (struct mount *m = vfs_mounts(); m; m = m->next)
		a[i++] = m;
	for (int x = 1; x < cnt; x++)
		for (int y = x; y > 0 && a[y - 1]->id > a[y]->id; y--) {
			struct mount *tmp = a[y];
			a[y] = a[y - 1];
			a[y - 1] = tmp;
		}
	*n = cnt;
	return a;
}

static int mount_point(struct mount *m, char *buf, size_t size)
{
	if (!m->parent || !m->mountpoint) {
		snprintf(buf, size, "/");
		return 1;
	}
	struct path p = {m->parent, m->mountpoint};
	return vfs_path_name(NULL, &p, buf, size);
}

/* mountinfo's root: where in its filesystem the mount's root is ("/" for
 * a whole filesystem, the subtree's path for a bind mount of one). */
static void mount_root(const struct mount *m, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = 0;
	/* Built from the end: each parent's name goes in front. */
	for (const struct dentry *d = m->root; d && d->parent; d = d->parent) {
		size_t n = strlen(d->name);
		if (len + n + 2 > size)
			break;
		memmove(buf + n + 1, buf, len + 1);
		buf[0] = '/';
		memcpy(buf + 1, d->name, n);
		len += n + 1;
	}
	if (!len)
		snprintf(buf, size, "/");
}

/* The mounts of t's tree (its container's: a joined container's tree is
 * apart from the sandbox's), as Linux lists a mount namespace's. */
static long gen_mounts(struct task *t, char **out, bool info)
{
	struct mount *ns =
	    t && t->fs ? vfs_mount_ns_root(t->fs->root.mnt) : vfs_root_mount();
	int n;
	struct mount **a = sorted_mounts(&n);
	if (!a)
		return -LINUX_ENOMEM;
	char *path = malloc(VFS_PATH_MAX), *root = malloc(VFS_PATH_MAX);
	if (!path || !root) {
		free(path);
		free(root);
		free(a);
		return -LINUX_ENOMEM;
	}
	struct obuf b = {0};
	for (int i = 0; i < n; i++) {
		struct mount *m = a[i];
		if (vfs_mount_ns_root(m) != ns ||
		    mount_point(m, path, VFS_PATH_MAX) < 0)
			continue;
		char ro[32];
		snprintf(ro, sizeof(ro), "%s%s%s%s",
			 (m->sb->flags & SB_RDONLY) || (m->flags & MNT_RDONLY)
			     ? "ro"
			     : "rw",
			 m->flags & MNT_NOSUID ? ",nosuid" : "",
			 m->flags & MNT_NODEV ? ",nodev" : "",
			 m->flags & MNT_NOEXEC ? ",noexec" : "");
		const char *src = m->source ? m->source : "none";
		char line[128];
		if (info) {
			snprintf(line, sizeof(line), "%d %d %u:%u ", m->id,
				 m->parent ? m->parent->id : m->id,
				 LINUX_MAJOR(m->sb->dev),
				 LINUX_MINOR(m->sb->dev));
			ob_str(&b, line);
			mount_root(m, root, VFS_PATH_MAX);
			ob_escaped(&b, root);
			ob_str(&b, " ");
			ob_escaped(&b, path);
			ob_str(&b, " ");
			ob_str(&b, ro);
			ob_str(&b, ",relatime - ");
			ob_str(&b, m->sb->fstype);
			ob_str(&b, " ");
			ob_escaped(&b, src);
			ob_str(&b, " ");
			ob_str(&b, ro);
			ob_str(&b, "\n");
		} else {
			ob_escaped(&b, src);
			ob_str(&b, " ");
			ob_escaped(&b, path);
			ob_str(&b, " ");
			ob_str(&b, m->sb->fstype);
			ob_str(&b, " ");
			ob_str(&b, ro);
			ob_str(&b, ",relatime 0 0\n");
		}
	}
	free(path);
	free(root);
	free(a);
	return ob_finish(&b, out);
}

long proc_gen_mounts(struct task *t, void *arg, char **out)
{
	return gen_mounts(t, out, false);
}

long proc_gen_mountinfo(struct task *t, void *arg, char **out)
{
	return gen_mounts(t, out, true);
}
