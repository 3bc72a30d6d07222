/* The gofer's confinement: see setup.h. */
#define _GNU_SOURCE
#include "gofer/setup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* From linux/mount.h, which clashes with sys/mount.h. */
struct gofer_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};
#define GOFER_MOUNT_ATTR_RDONLY	      0x00000001
#define GOFER_MOUNT_ATTR_NOSUID	      0x00000002
#define GOFER_MOUNT_ATTR_NODEV	      0x00000004
#define GOFER_AT_RECURSIVE	      0x8000
#define GOFER_AT_EMPTY_PATH	      0x1000
#define GOFER_OPEN_TREE_CLONE	      1
#define GOFER_MOVE_MOUNT_F_EMPTY_PATH 0x4
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = (size_t)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (errno && n < errlen)
		snprintf(err + n, errlen - n, ": %s", strerror(errno));
	return -1;
}

/* A detached recursive copy of the host's tree at path, with tree's flags
 * on all of it: the fd of the copy, or -1. */
static int clone_tree(const struct gofer_tree *t, char *real, char *err,
		      size_t errlen)
{
	struct gofer_mount_attr a = {.attr_set = GOFER_MOUNT_ATTR_NODEV |
						 GOFER_MOUNT_ATTR_NOSUID};
	int fd;

	/* nodev and nosuid always, so that a device node in the tree can
	 * never be opened on the host, even if a name is swapped between a
	 * walk and an open. */
	if (t->read_only)
		a.attr_set |= GOFER_MOUNT_ATTR_RDONLY;
	if (!realpath(t->path, real))
		return fail(err, errlen, "%s", t->path);
	fd = syscall(SYS_open_tree, AT_FDCWD, real,
		     GOFER_OPEN_TREE_CLONE | GOFER_AT_RECURSIVE | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "open_tree %s", real);
	if (syscall(SYS_mount_setattr, fd, "",
		    GOFER_AT_EMPTY_PATH | GOFER_AT_RECURSIVE, &a,
		    sizeof(a)) < 0) {
		fail(err, errlen, "mount_setattr %s", real);
		close(fd);
		return -1;
	}
	return fd;
}

int gofer_confine_fs(const struct gofer_tree *trees, int ntrees, char *err,
		     size_t errlen)
{
	char real[PATH_MAX], entry[32];
	int *fds, fd = -1, i;

	errno = 0;
	fds = calloc((size_t)ntrees, sizeof(*fds));
	if (!fds)
		return fail(err, errlen, "out of memory");
	for (i = 0; i < ntrees; i++)
		fds[i] = -1;
	if (unshare(CLONE_NEWNS) < 0) {
		fail(err, errlen, "unshare(CLONE_NEWNS)");
		goto out;
	}
	/* Nothing we do below may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fail(err, errlen, "make / private");
		goto out;
	}
	/* Copies first: the scratch mount below could hide a tree's path. */
	for (i = 0; i < ntrees; i++)
		if ((fds[i] = clone_tree(&trees[i], real, err, errlen)) < 0)
			goto out;
	if (mount("runsc-gofer", "/tmp", "tmpfs",
		  MS_NODEV | MS_NOSUID | MS_NOEXEC, "size=4k,mode=0700") < 0) {
		fail(err, errlen, "scratch mount for the trees");
		goto out;
	}
	for (i = 0; i < ntrees; i++) {
		struct stat st;

		snprintf(entry, sizeof(entry), "/tmp/%d", i);
		if (fstat(fds[i], &st) < 0) {
			fail(err, errlen, "stat %s", trees[i].path);
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			if (mkdir(entry, 0700) < 0)
				fd = -2;
		} else {
			/* A bind-mounted file: mounted on an empty file. */
			int f =
			    open(entry, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
				 0600);
			if (f < 0 || close(f) < 0)
				fd = -2;
		}
		if (fd == -2) {
			fd = -1;
			fail(err, errlen, "mount point for %s", trees[i].path);
			goto out;
		}
		if (syscall(SYS_move_mount, fds[i], "", AT_FDCWD, entry,
			    GOFER_MOVE_MOUNT_F_EMPTY_PATH) < 0) {
			fail(err, errlen, "attach %s", trees[i].path);
			goto out;
		}
	}
	/* pivot_root(".", ".") stacks the old root under the new one; the
	 * detach then leaves only the scratch directory and the trees on it
	 * (crun's trick), which is then made read-only itself. */
	if (chdir("/tmp") < 0 || syscall(SYS_pivot_root, ".", ".") < 0) {
		fail(err, errlen, "pivot_root to the trees");
		goto out;
	}
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
		fail(err, errlen, "detach the old root");
		goto out;
	}
	if (mount(NULL, "/", NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NODEV | MS_NOSUID |
		      MS_NOEXEC,
		  NULL) < 0) {
		fail(err, errlen, "make the scratch directory read-only");
		goto out;
	}
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fail(err, errlen, "open the new root");
out:
	for (i = 0; i < ntrees; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return fd;
}

int gofer_close_fds(int keep_a, int keep_b, int devnull, bool keep_stderr,
		    char *err, size_t errlen)
{
	int keep[2] = {keep_a < keep_b ? keep_a : keep_b,
		       keep_a < keep_b ? keep_b : keep_a};
	unsigned int from = 3;
	struct rlimit rl;

	errno = 0;
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 ||
	    (!keep_stderr && dup2(devnull, 2) < 0))
		return fail(err, errlen, "redirect stdio to /dev/null");
	for (int i = 0; i < 2; i++) {
		if (keep[i] < (int)from)
			continue;
		if (keep[i] > (int)from &&
		    syscall(SYS_close_range, from, keep[i] - 1, 0) < 0)
			return fail(err, errlen, "close_range");
		from = (unsigned int)keep[i] + 1;
	}
	if (syscall(SYS_close_range, from, ~0U, 0) < 0)
		return fail(err, errlen, "close_range");
	/* Every fid holds an fd: allow as many as the hard limit lets us. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	return 0;
}

/* What gofer_serve and the C library under it call. */
static const int allowed[] = {
    /* the socket and the fids */
    SCMP_SYS(read),
    SCMP_SYS(write),
    SCMP_SYS(sendto),
    SCMP_SYS(recvfrom),
    SCMP_SYS(sendmsg),
    SCMP_SYS(recvmsg),
    SCMP_SYS(shutdown),
    SCMP_SYS(close),
    SCMP_SYS(openat),
    SCMP_SYS(fcntl),
    SCMP_SYS(fstat),
    SCMP_SYS(newfstatat),
    SCMP_SYS(statx),
    SCMP_SYS(fstatfs),
    SCMP_SYS(lseek),
    SCMP_SYS(getdents64),
    SCMP_SYS(pread64),
    SCMP_SYS(pwrite64),
    SCMP_SYS(readlinkat),
    /* the write side */
    SCMP_SYS(ftruncate),
    SCMP_SYS(fsync),
    SCMP_SYS(fdatasync),
    SCMP_SYS(mkdirat),
    SCMP_SYS(symlinkat),
    SCMP_SYS(mknodat),
    SCMP_SYS(linkat),
    SCMP_SYS(unlinkat),
    SCMP_SYS(renameat),
    SCMP_SYS(renameat2),
    SCMP_SYS(fchmod),
    SCMP_SYS(fchmodat),
    SCMP_SYS(fchown),
    SCMP_SYS(fchownat),
    SCMP_SYS(utimensat),
    /* memory, exit, the C library */
    SCMP_SYS(brk),
    SCMP_SYS(mmap),
    SCMP_SYS(munmap),
    SCMP_SYS(mremap),
    SCMP_SYS(mprotect),
    SCMP_SYS(madvise),
    SCMP_SYS(exit),
    SCMP_SYS(exit_group),
    SCMP_SYS(rt_sigreturn),
    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(futex),
    SCMP_SYS(getpid),
    SCMP_SYS(gettid),
    SCMP_SYS(tgkill),
    SCMP_SYS(clock_gettime),
    SCMP_SYS(getrandom),
#if defined(__SANITIZE_ADDRESS__)
    /* the sanitizer runtime, reporting an error */
    SCMP_SYS(sigaltstack),
    SCMP_SYS(rt_sigaction),
    SCMP_SYS(prctl),
    SCMP_SYS(sched_yield),
    SCMP_SYS(readlink),
    SCMP_SYS(getppid),
    SCMP_SYS(ioctl),
    SCMP_SYS(open),
    SCMP_SYS(pipe2),
    SCMP_SYS(clone),
    SCMP_SYS(wait4),
    SCMP_SYS(kill),
    SCMP_SYS(execve),
    SCMP_SYS(dup2),
#endif
};

int gofer_install_seccomp(char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	int r;

	errno = 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(err, errlen, "PR_SET_NO_NEW_PRIVS");
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return fail(err, errlen, "seccomp_init");
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
		if (r < 0 && r != -EDOM) {
			seccomp_release(ctx);
			errno = -r;
			return fail(err, errlen, "seccomp rule for syscall %d",
				    allowed[i]);
		}
	}
	/* fchmodat2 (6.6) may be newer than libseccomp's table. */
	seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SYS_fchmodat2, 0);
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0) {
		errno = -r;
		return fail(err, errlen, "seccomp_load");
	}
	return 0;
}
