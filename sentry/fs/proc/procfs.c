/* procfs: the tree and the per-process files. See procfs.h; the global
 * files' content is in proc_gen.c. */
#include "sentry/fs/proc/procfs.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "abi/errno.h"
#include "abi/stat.h"
#include "sentry/fs/dev/random.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/fs/proc/proc_gen.h"
#include "sentry/kernel/task.h"
#include "sentry/log.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/fs_context.h"
#include "sentry/vfs/vfs.h"

/* ------------------------------------------------------------------ */
/* Start-up facts */

void procfs_preload(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	proc_host.boot_mono_ns =
	    (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	proc_host.boot_real_s = (long long)time(NULL);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n > 0)
		proc_host.ncpus = (int)n;
	struct sysinfo si;
	if (sysinfo(&si) == 0) {
		unsigned long unit = si.mem_unit ? si.mem_unit : 1;
		proc_host.mem_total_kb = si.totalram / 1024 * unit;
		proc_host.mem_free_kb = si.freeram / 1024 * unit;
	}
	unsigned char b[16];
	if (sentry_getrandom(b, sizeof(b)) == sizeof(b)) {
		b[6] = (b[6] & 0x0f) | 0x40;
		b[8] = (b[8] & 0x3f) | 0x80;
		snprintf(proc_host.boot_id, sizeof(proc_host.boot_id),
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			 "%02x%02x%02x%02x%02x%02x",
			 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8],
			 b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	}
	int fd = open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		if (len == cap) {
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (buf && len > 0) {
		buf[len] = '\0';
		proc_host.cpuinfo = buf;
		proc_host.cpuinfo_len = (long)len;
	} else {
		free(buf);
	}
}

/* ------------------------------------------------------------------ */
/* Which process a /proc/PID (or /proc/PID/task/TID) inode is about.
 *
 * Synthetic inodes carry a pointer-sized arg and never free it, so the
 * identity is packed into it: bits 0-31 the pid or tid, bit 32 set for a
 * tid, bits 33-63 an fd for /proc/PID/fd/N and fdinfo/N. */

static void *proc_arg(int id, bool is_tid, int extra)
{
	return (void *)(uintptr_t)((uint64_t)(uint32_t)id |
				   ((uint64_t)is_tid << 32) |
				   ((uint64_t)(uint32_t)extra << 33));
}

static int arg_id(void *arg)
{
	return (int)(uint32_t)(uintptr_t)arg;
}

static bool arg_is_tid(void *arg)
{
	return ((uint64_t)(uintptr_t)arg >> 32) & 1;
}

static int arg_extra(void *arg)
{
	return (int)((uint64_t)(uintptr_t)arg >> 33);
}

/* The task that represents arg's process or thread, NULL when gone. A
 * process whose leader exited is shown through a live thread, and a zombie
 * through its leader (its files then show what proc_render can). */
static struct task *proc_target(void *arg)
{
	int id = arg_id(arg);
	if (arg_is_tid(arg)) {
		struct task *t = task_lookup(id);
		return t && !t->exited ? t : NULL;
	}
	struct thread_group *tg = tg_lookup(id);
	if (!tg)
		return NULL;
	if (tg->leader && !tg->leader->exited)
		return tg->leader;
	for (struct task *t = tg->threads; t; t = t->tg_next)
		if (!t->exited)
			return t;
	return tg->leader;
}

/* Parse a decimal name without sign or leading zeros; -1 if not one. */
static int parse_num(const char *s)
{
	if (!*s || (s[0] == '0' && s[1]) || strlen(s) > 9)
		return -1;
	int v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

static int copy_link(const char *target, char *buf, size_t size)
{
	size_t len = strlen(target);
	if (len > size)
		len = size;
	memcpy(buf, target, len);
	return (int)len;
}

/* ------------------------------------------------------------------ */
/* /proc/self, /proc/thread-self */

static int self_link(struct task *t, void *arg, char *buf, size_t size)
{
	if (!t)
		return -LINUX_ENOENT;
	char tmp[16];
	snprintf(tmp, sizeof(tmp), "%d", task_pid(t));
	return copy_link(tmp, buf, size);
}

static int thread_self_link(struct task *t, void *arg, char *buf, size_t size)
{
	if (!t)
		return -LINUX_ENOENT;
	char tmp[40];
	snprintf(tmp, sizeof(tmp), "%d/task/%d", task_pid(t), t->tid);
	return copy_link(tmp, buf, size);
}

/* ------------------------------------------------------------------ */
/* Per-process files */

static long render(void *arg, const char *what, char **out)
{
	struct task *tt = proc_target(arg);
	if (!tt)
		return -LINUX_ESRCH;
	return proc_render(tt, what, out);
}

#define RENDERED(name)                                                         \
	static long gen_##name(struct task *t, void *arg, char **out)          \
	{                                                                      \
		return render(arg, #name, out);                                \
	}
RENDERED(maps)
RENDERED(stat)
RENDERED(status)
RENDERED(cmdline)
RENDERED(environ)
RENDERED(comm)

static long gen_cgroup(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "0::/\n");
}

static long gen_oom_score_adj(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "0\n");
}

/* Accepted and forgotten: there is no OOM killer to steer. */
static long write_ignored(struct task *t, void *arg, const char *buf, size_t n)
{
	return (long)n;
}

static long gen_limits(struct task *t, void *arg, char **out)
{
	static const struct {
		const char *name, *unit;
	} lim[LINUX_RLIM_NLIMITS] = {
	    {"Max cpu time", "seconds"},     {"Max file size", "bytes"},
	    {"Max data size", "bytes"},	     {"Max stack size", "bytes"},
	    {"Max core file size", "bytes"}, {"Max resident set", "bytes"},
	    {"Max processes", "processes"},  {"Max open files", "files"},
	    {"Max locked memory", "bytes"},  {"Max address space", "bytes"},
	    {"Max file locks", "locks"},     {"Max pending signals", "signals"},
	    {"Max msgqueue size", "bytes"},  {"Max nice priority", ""},
	    {"Max realtime priority", ""},   {"Max realtime timeout", "us"},
	};
	struct task *tt = proc_target(arg);
	if (!tt)
		return -LINUX_ESRCH;
	char *acc;
	long len = proc_printf(&acc, "%-25s %-20s %-20s %-10s\n", "Limit",
			       "Soft Limit", "Hard Limit", "Units");
	for (int i = 0; i < LINUX_RLIM_NLIMITS && len >= 0; i++) {
		char cur[24], max[24], *n;
		uint64_t c = tt->tg->rlim[i].cur, m = tt->tg->rlim[i].max;
		if (c == UINT64_MAX)
			snprintf(cur, sizeof(cur), "unlimited");
		else
			snprintf(cur, sizeof(cur), "%llu",
				 (unsigned long long)c);
		if (m == UINT64_MAX)
			snprintf(max, sizeof(max), "unlimited");
		else
			snprintf(max, sizeof(max), "%llu",
				 (unsigned long long)m);
		len = proc_printf(&n, "%s%-25s %-20s %-20s %-10s\n", acc,
				  lim[i].name, cur, max, lim[i].unit);
		free(acc);
		acc = n;
	}
	if (len >= 0)
		*out = acc;
	return len;
}

/* A path of tt's fs context as the reader t sees it from its root. */
static int fs_link(struct task *t, void *arg, char *buf, size_t size, bool root)
{
	struct task *tt = proc_target(arg);
	if (!tt || !tt->fs)
		return -LINUX_ENOENT;
	char *tmp = malloc(VFS_PATH_MAX);
	if (!tmp)
		return -LINUX_ENOMEM;
	const struct path *p = root ? &tt->fs->root : &tt->fs->cwd;
	int len = vfs_path_name(t && t->fs ? &t->fs->root : NULL, p, tmp,
				VFS_PATH_MAX);
	if (len >= 0)
		len = copy_link(tmp, buf, size);
	free(tmp);
	return len;
}

static int cwd_link(struct task *t, void *arg, char *buf, size_t size)
{
	return fs_link(t, arg, buf, size, false);
}

static int root_link(struct task *t, void *arg, char *buf, size_t size)
{
	return fs_link(t, arg, buf, size, true);
}

static int exe_link(struct task *t, void *arg, char *buf, size_t size)
{
	struct task *tt = proc_target(arg);
	if (!tt || !tt->tg->exe_path)
		return -LINUX_ENOENT;
	return copy_link(tt->tg->exe_path, buf, size);
}

/* ------------------------------------------------------------------ */
/* fd/ and fdinfo/ */

/* Set in the inode number of /proc/PID/fd/N links: procfs_is_fd_link(). */
#define FD_LINK_INO_BIT (1ULL << 41)

static struct super *proc_sb;

static struct file *target_file(void *arg)
{
	struct task *tt = proc_target(arg);
	if (!tt || !tt->fdt)
		return NULL;
	return fdtable_get_file(tt->fdt, arg_extra(arg));
}

static int fd_link(struct task *t, void *arg, char *buf, size_t size)
{
	struct file *f = target_file(arg);
	if (!f)
		return -LINUX_ENOENT;
	char *tmp = malloc(VFS_PATH_MAX + 16);
	int len = -LINUX_ENOMEM;
	if (tmp) {
		len = file_path(f, tmp, VFS_PATH_MAX + 16);
		if (len >= 0)
			len = copy_link(tmp, buf, size);
		free(tmp);
	}
	file_put(f);
	return len;
}

static long gen_fdinfo(struct task *t, void *arg, char **out)
{
	struct task *tt = proc_target(arg);
	struct file *f = target_file(arg);
	if (!f)
		return -LINUX_ENOENT;
	uint32_t flags = f->flags;
	if (fdtable_get_cloexec(tt->fdt, arg_extra(arg)) > 0)
		flags |= LINUX_O_CLOEXEC;
	long r = proc_printf(
	    out, "pos:\t%lld\nflags:\t0%o\nmnt_id:\t%d\nino:\t%llu\n",
	    (long long)f->pos, flags, f->path.mnt ? f->path.mnt->id : 0,
	    (unsigned long long)f->inode->ino);
	file_put(f);
	return r;
}

static int fd_list_common(struct inode *dir, void *arg,
			  bool (*emit)(void *, const char *, uint64_t,
				       unsigned),
			  void *ectx, unsigned dtype)
{
	struct task *tt = proc_target(arg);
	if (!tt || !tt->fdt)
		return 0;
	int max = fdtable_max_fd(tt->fdt);
	for (int fd = 0; fd < max; fd++) {
		if (!tt->fdt->files[fd])
			continue;
		char name[16];
		snprintf(name, sizeof(name), "%d", fd);
		if (!emit(ectx, name, dir->ino + 1 + (uint64_t)fd, dtype))
			break;
	}
	return 0;
}

static int fd_list(struct inode *dir, void *arg,
		   bool (*emit)(void *, const char *, uint64_t, unsigned),
		   void *ectx)
{
	return fd_list_common(dir, arg, emit, ectx, LINUX_DT_LNK);
}

static int fdinfo_list(struct inode *dir, void *arg,
		       bool (*emit)(void *, const char *, uint64_t, unsigned),
		       void *ectx)
{
	return fd_list_common(dir, arg, emit, ectx, LINUX_DT_REG);
}

static int fd_lookup_common(struct inode *dir, void *arg, const char *name,
			    struct inode **out, bool info)
{
	int fd = parse_num(name);
	if (fd < 0)
		return -LINUX_ENOENT;
	void *farg = proc_arg(arg_id(arg), arg_is_tid(arg), fd);
	struct file *f = target_file(farg);
	if (!f)
		return -LINUX_ENOENT;
	bool rd = file_readable(f), wr = file_writable(f);
	file_put(f);
	struct inode *i;
	if (info) {
		i = synth_file_new(dir->sb, LINUX_S_IFREG | 0400, gen_fdinfo,
				   NULL, farg);
	} else {
		i = synth_symlink_new(dir->sb, fd_link, farg);
		if (i)
			i->mode =
			    LINUX_S_IFLNK | (rd ? 0500 : 0) | (wr ? 0300 : 0);
	}
	if (!i)
		return -LINUX_ENOMEM;
	i->ino = dir->ino + 1 + (uint64_t)fd;
	if (!info)
		i->ino |= FD_LINK_INO_BIT;
	i->uid = dir->uid;
	i->gid = dir->gid;
	*out = i;
	return 0;
}

static int fd_lookup(struct inode *dir, void *arg, const char *name,
		     struct inode **out)
{
	return fd_lookup_common(dir, arg, name, out, false);
}

static int fdinfo_lookup(struct inode *dir, void *arg, const char *name,
			 struct inode **out)
{
	return fd_lookup_common(dir, arg, name, out, true);
}

static const struct synth_dir_ops fd_dir_ops = {
    .lookup = fd_lookup,
    .list = fd_list,
};

static const struct synth_dir_ops fdinfo_dir_ops = {
    .lookup = fdinfo_lookup,
    .list = fdinfo_list,
};

/* ------------------------------------------------------------------ */
/* /proc/PID and /proc/PID/task/TID directories */

/* Stable inode numbers: a process directory's is derived from its id, its
 * children's from the directory's (ls -i, find and du compare them). */
static uint64_t pid_dir_ino(int id, bool is_tid)
{
	return (1ULL << 40) | ((uint64_t)is_tid << 39) | ((uint64_t)id << 12);
}

static struct inode *pid_dir_new(struct super *sb, int id, bool is_tid);

static int task_list(struct inode *dir, void *arg,
		     bool (*emit)(void *, const char *, uint64_t, unsigned),
		     void *ectx)
{
	struct task *tt = proc_target(arg);
	if (!tt)
		return 0;
	for (struct task *th = tt->tg->threads; th; th = th->tg_next) {
		if (th->exited)
			continue;
		char name[16];
		snprintf(name, sizeof(name), "%d", th->tid);
		if (!emit(ectx, name, pid_dir_ino(th->tid, true), LINUX_DT_DIR))
			break;
	}
	return 0;
}

static int task_lookup_dir(struct inode *dir, void *arg, const char *name,
			   struct inode **out)
{
	int tid = parse_num(name);
	struct task *tt = proc_target(arg);
	struct task *th = tid > 0 ? task_lookup(tid) : NULL;
	if (!tt || !th || th->exited || th->tg != tt->tg)
		return -LINUX_ENOENT;
	struct inode *i = pid_dir_new(dir->sb, tid, true);
	if (!i)
		return -LINUX_ENOMEM;
	*out = i;
	return 0;
}

static const struct synth_dir_ops task_dir_ops = {
    .lookup = task_lookup_dir,
    .list = task_list,
};

struct pid_file {
	const char *name;
	uint32_t perm;
	synth_gen_fn gen;
	synth_write_fn write;
};

static const struct pid_file pid_files[] = {
    {"cmdline", 0444, gen_cmdline, NULL},
    {"comm", 0644, gen_comm, NULL},
    {"environ", 0400, gen_environ, NULL},
    {"maps", 0444, gen_maps, NULL},
    {"stat", 0444, gen_stat, NULL},
    {"status", 0444, gen_status, NULL},
    {"mounts", 0444, proc_gen_mounts, NULL},
    {"mountinfo", 0444, proc_gen_mountinfo, NULL},
    {"cgroup", 0444, gen_cgroup, NULL},
    {"limits", 0444, gen_limits, NULL},
    {"oom_score_adj", 0644, gen_oom_score_adj, write_ignored},
};

struct pid_link {
	const char *name;
	synth_link_fn fn;
};

static const struct pid_link pid_links[] = {
    {"exe", exe_link},
    {"cwd", cwd_link},
    {"root", root_link},
};

static int add_child(struct inode *dir, const char *name, struct inode *child,
		     uint64_t ino)
{
	if (!child)
		return -LINUX_ENOMEM;
	child->ino = ino;
	child->uid = dir->uid;
	child->gid = dir->gid;
	int r = synth_dir_add(dir, name, child);
	if (r < 0)
		inode_put(child);
	return r;
}

static struct inode *pid_dir_new(struct super *sb, int id, bool is_tid)
{
	void *arg = proc_arg(id, is_tid, 0);
	struct task *tt = proc_target(arg);
	if (!tt)
		return NULL;
	struct inode *dir = synth_dir_new(sb, 0555, NULL, arg);
	if (!dir)
		return NULL;
	uint64_t base = pid_dir_ino(id, is_tid);
	dir->ino = base;
	dir->uid = tt->cred.euid;
	dir->gid = tt->cred.egid;
	uint64_t k = 1;
	int r = 0;
	for (size_t i = 0; r == 0 && i < sizeof(pid_files) / sizeof(*pid_files);
	     i++) {
		const struct pid_file *pf = &pid_files[i];
		r = add_child(dir, pf->name,
			      synth_file_new(sb, LINUX_S_IFREG | pf->perm,
					     pf->gen, pf->write, arg),
			      base + k++);
	}
	for (size_t i = 0; r == 0 && i < sizeof(pid_links) / sizeof(*pid_links);
	     i++)
		r = add_child(dir, pid_links[i].name,
			      synth_symlink_new(sb, pid_links[i].fn, arg),
			      base + k++);
	/* fd/ and fdinfo/ children take inode numbers above their dir's. */
	if (r == 0)
		r = add_child(dir, "fd",
			      synth_dir_new(sb, 0500, &fd_dir_ops, arg),
			      base + 0x100);
	if (r == 0)
		r = add_child(dir, "fdinfo",
			      synth_dir_new(sb, 0500, &fdinfo_dir_ops, arg),
			      base + 0x800);
	if (r == 0 && !is_tid)
		r = add_child(dir, "task",
			      synth_dir_new(sb, 0555, &task_dir_ops, arg),
			      base + k++);
	if (r < 0) {
		inode_put(dir);
		return NULL;
	}
	return dir;
}

/* ------------------------------------------------------------------ */
/* The root: fixed entries, then one directory per process */

static int root_lookup(struct inode *dir, void *arg, const char *name,
		       struct inode **out)
{
	int pid = parse_num(name);
	if (pid <= 0 || !tg_lookup(pid))
		return -LINUX_ENOENT;
	struct inode *i = pid_dir_new(dir->sb, pid, false);
	if (!i)
		return proc_target(proc_arg(pid, false, 0)) ? -LINUX_ENOMEM
							    : -LINUX_ENOENT;
	*out = i;
	return 0;
}

static int root_list(struct inode *dir, void *arg,
		     bool (*emit)(void *, const char *, uint64_t, unsigned),
		     void *ectx)
{
	int max = 4096;
	int *pids = malloc(sizeof(int) * (size_t)max);
	if (!pids)
		return -LINUX_ENOMEM;
	int n = tg_list_pids(pids, max);
	for (int i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof(name), "%d", pids[i]);
		if (!emit(ectx, name, pid_dir_ino(pids[i], false),
			  LINUX_DT_DIR))
			break;
	}
	free(pids);
	return 0;
}

static const struct synth_dir_ops root_dir_ops = {
    .lookup = root_lookup,
    .list = root_list,
};

struct gfile {
	const char *path; /* relative to /proc; parents made as needed */
	uint32_t perm;
	synth_gen_fn gen;
	synth_write_fn write;
};

static long gen_swaps(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\t"
				"Priority\n");
}

static long gen_max_map_count(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "65530\n");
}

static long gen_mmap_min_addr(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "65536\n");
}

static long gen_somaxconn(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "4096\n");
}

static long gen_shmmax(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "18446744073692774399\n");
}

static long gen_threads_max(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "126205\n");
}

static long gen_yama_ptrace(struct task *t, void *arg, char **out)
{
	return proc_printf(out, "0\n");
}

static const struct gfile gfiles[] = {
    {"meminfo", 0444, proc_gen_meminfo, NULL},
    {"cpuinfo", 0444, proc_gen_cpuinfo, NULL},
    {"uptime", 0444, proc_gen_uptime, NULL},
    {"loadavg", 0444, proc_gen_loadavg, NULL},
    {"filesystems", 0444, proc_gen_filesystems, NULL},
    {"version", 0444, proc_gen_version, NULL},
    {"stat", 0444, proc_gen_stat, NULL},
    {"swaps", 0444, gen_swaps, NULL},
    {"sys/kernel/hostname", 0644, proc_gen_hostname, proc_write_hostname},
    {"sys/kernel/osrelease", 0444, proc_gen_osrelease, NULL},
    {"sys/kernel/ostype", 0444, proc_gen_ostype, NULL},
    {"sys/kernel/version", 0444, proc_gen_kversion, NULL},
    {"sys/kernel/pid_max", 0644, proc_gen_pid_max, write_ignored},
    {"sys/kernel/threads-max", 0644, gen_threads_max, write_ignored},
    {"sys/kernel/ngroups_max", 0444, proc_gen_ngroups_max, NULL},
    {"sys/kernel/cap_last_cap", 0444, proc_gen_cap_last_cap, NULL},
    {"sys/kernel/shmmax", 0644, gen_shmmax, write_ignored},
    {"sys/kernel/random/boot_id", 0444, proc_gen_boot_id, NULL},
    {"sys/kernel/random/uuid", 0444, proc_gen_random_uuid, NULL},
    {"sys/kernel/yama/ptrace_scope", 0644, gen_yama_ptrace, write_ignored},
    {"sys/vm/overcommit_memory", 0644, proc_gen_overcommit, write_ignored},
    {"sys/vm/max_map_count", 0644, gen_max_map_count, write_ignored},
    {"sys/vm/mmap_min_addr", 0644, gen_mmap_min_addr, write_ignored},
    {"sys/fs/nr_open", 0644, proc_gen_nr_open, write_ignored},
    {"sys/fs/file-max", 0644, proc_gen_file_max, write_ignored},
    {"sys/fs/pipe-max-size", 0644, proc_gen_pipe_max_size, write_ignored},
    {"sys/net/core/somaxconn", 0644, gen_somaxconn, write_ignored},
};

/* The fixed child name of dir, borrowed, or NULL. */
static struct inode *child_of(struct inode *dir, const char *name)
{
	struct inode *c = NULL;
	if (dir->i_op && dir->i_op->lookup &&
	    dir->i_op->lookup(dir, name, &c) == 0) {
		inode_put(c); /* the tree keeps its own reference */
		return c;
	}
	return NULL;
}

/* Add a file at a relative path, creating the directories on the way. */
static int add_path(struct inode *root, const struct gfile *g)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", g->path);
	struct inode *dir = root;
	char *name = buf, *slash;
	while ((slash = strchr(name, '/'))) {
		*slash = '\0';
		struct inode *d = child_of(dir, name);
		if (!d) {
			d = synth_dir_new(root->sb, 0555, NULL, NULL);
			if (!d)
				return -LINUX_ENOMEM;
			int r = synth_dir_add(dir, name, d);
			if (r < 0) {
				inode_put(d);
				return r;
			}
		}
		dir = d;
		name = slash + 1;
	}
	struct inode *f = synth_file_new(root->sb, LINUX_S_IFREG | g->perm,
					 g->gen, g->write, NULL);
	if (!f)
		return -LINUX_ENOMEM;
	int r = synth_dir_add(dir, name, f);
	if (r < 0)
		inode_put(f);
	return r;
}

static int add_root_link(struct inode *root, const char *name,
			 struct inode *link)
{
	if (!link)
		return -LINUX_ENOMEM;
	int r = synth_dir_add(root, name, link);
	if (r < 0)
		inode_put(link);
	return r;
}

int procfs_mount(void)
{
	struct super *sb = synth_super_new("proc", LINUX_PROC_SUPER_MAGIC);
	if (!sb)
		return -LINUX_ENOMEM;
	proc_sb = sb;
	struct inode *root = synth_dir_new(sb, 0555, &root_dir_ops, NULL);
	if (!root)
		return -LINUX_ENOMEM;
	int r =
	    add_root_link(root, "self", synth_symlink_new(sb, self_link, NULL));
	if (r == 0)
		r = add_root_link(
		    root, "thread-self",
		    synth_symlink_new(sb, thread_self_link, NULL));
	if (r == 0)
		r = add_root_link(root, "mounts",
				  synth_symlink_fixed(sb, "self/mounts"));
	for (size_t i = 0; r == 0 && i < sizeof(gfiles) / sizeof(*gfiles); i++)
		r = add_path(root, &gfiles[i]);
	if (r < 0) {
		inode_put(root);
		return r;
	}
	r = super_set_root(sb, root);
	if (r < 0)
		return r;
	r = vfs_mount_at("/proc", sb);
	if (r < 0)
		log_warn("procfs: mount at /proc: %s", linux_errno_name(-r));
	return r;
}

/* ------------------------------------------------------------------ */
/* Magic links */

bool procfs_is_fd_link(const struct inode *inode)
{
	return inode && proc_sb && inode->sb == proc_sb &&
	       LINUX_S_ISLNK(inode->mode) && (inode->ino & FD_LINK_INO_BIT);
}

struct file *procfs_fd_link_file(struct inode *link, struct task *t)
{
	if (!procfs_is_fd_link(link))
		return NULL;
	return target_file(synth_arg(link));
}

int procfs_fd_link_open(struct inode *link, uint32_t flags,
			const struct cred *cred, struct task *t,
			struct file **out)
{
	struct file *f = procfs_fd_link_file(link, t);
	if (!f)
		return -LINUX_ENOENT;
	int r;
	if (f->path.dentry) {
		r = vfs_open_path(&f->path, flags, cred, t, out);
	} else if (LINUX_S_ISFIFO(f->inode->mode)) {
		uint32_t kept =
		    flags &
		    ~(uint32_t)(LINUX_O_CREAT | LINUX_O_EXCL | LINUX_O_NOCTTY |
				LINUX_O_TRUNC | LINUX_O_CLOEXEC);
		struct file *nf =
		    file_new_anon_inode(f->inode, NULL, kept, NULL);
		r = nf ? fifo_open(f->inode, nf, t) : -LINUX_ENOMEM;
		if (r == 0)
			*out = nf;
		else if (nf)
			file_put(nf);
	} else {
		r = -LINUX_ENXIO;
	}
	file_put(f);
	return r;
}
