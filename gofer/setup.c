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

/* Flags on every mount of the served tree: read-only if asked, and always
 * nodev/nosuid, so that a device node in the tree can never be opened on
 * the host, even if a name is swapped between a walk and an open. */
static int restrict_mounts(const char *root, bool read_only, char *err,
			   size_t errlen)
{
	struct gofer_mount_attr a = {.attr_set = GOFER_MOUNT_ATTR_NODEV |
						 GOFER_MOUNT_ATTR_NOSUID};
	unsigned long fl = MS_REMOUNT | MS_BIND | MS_NODEV | MS_NOSUID;

	if (read_only) {
		a.attr_set |= GOFER_MOUNT_ATTR_RDONLY;
		fl |= MS_RDONLY;
	}
	if (syscall(SYS_mount_setattr, AT_FDCWD, root, GOFER_AT_RECURSIVE, &a,
		    sizeof(a)) == 0)
		return 0;
	if (errno != ENOSYS)
		return fail(err, errlen, "mount_setattr %s", root);
	/* Kernels before 5.12: the top mount only. The server refuses writes
	 * in read-only mode and never opens devices anyway: this is the
	 * second wall. */
	if (mount(NULL, root, NULL, fl, NULL) < 0)
		return fail(err, errlen, "remount %s", root);
	return 0;
}

int gofer_confine_fs(const char *root, bool read_only, char *err, size_t errlen)
{
	char real[PATH_MAX];
	int fd, tree;

	errno = 0;
	if (!realpath(root, real))
		return fail(err, errlen, "--root %s", root);
	if (unshare(CLONE_NEWNS) < 0)
		return fail(err, errlen, "unshare(CLONE_NEWNS)");
	/* Nothing we do below may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail(err, errlen, "make / private");
	/* A detached recursive copy of the tree, made read-only/nodev/nosuid
	 * as a whole, then chrooted into. Unlike bind + pivot_root this also
	 * works when the served root is the host's "/" itself. */
	tree = syscall(SYS_open_tree, AT_FDCWD, real,
		       GOFER_OPEN_TREE_CLONE | GOFER_AT_RECURSIVE | O_CLOEXEC);
	if (tree >= 0) {
		struct gofer_mount_attr a = {
		    .attr_set = GOFER_MOUNT_ATTR_NODEV |
				GOFER_MOUNT_ATTR_NOSUID |
				(read_only ? GOFER_MOUNT_ATTR_RDONLY : 0)};
		if (syscall(SYS_mount_setattr, tree, "",
			    GOFER_AT_EMPTY_PATH | GOFER_AT_RECURSIVE, &a,
			    sizeof(a)) < 0)
			return fail(err, errlen, "mount_setattr %s", real);
		/* Attach it on a private scratch tmpfs (mounted after the
		 * clone, so not part of it) and make it the root. */
		if (mount("runsc-gofer", "/tmp", "tmpfs", 0, "size=4k") < 0 ||
		    mkdir("/tmp/root", 0700) < 0)
			return fail(err, errlen, "scratch mount for the root");
		if (syscall(SYS_move_mount, tree, "", AT_FDCWD, "/tmp/root",
			    GOFER_MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return fail(err, errlen, "attach %s", real);
		close(tree);
		if (chdir("/tmp/root") < 0)
			return fail(err, errlen, "chdir to the new root");
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return fail(err, errlen, "pivot_root %s", real);
		if (umount2(".", MNT_DETACH) < 0)
			return fail(err, errlen, "detach the old root");
	} else {
		if (mount(real, real, NULL, MS_BIND | MS_REC, NULL) < 0)
			return fail(err, errlen, "bind-mount %s", real);
		if (restrict_mounts(real, read_only, err, errlen) < 0)
			return -1;
		/* pivot_root(".", ".") stacks the old root under the new one;
		 * the detach then leaves only the new root (crun's trick). */
		if (chdir(real) < 0)
			return fail(err, errlen, "chdir %s", real);
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return fail(err, errlen, "pivot_root %s", real);
		if (umount2(".", MNT_DETACH) < 0)
			return fail(err, errlen, "detach the old root");
	}
	if (chdir("/") < 0)
		return fail(err, errlen, "chdir /");
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "open the new root");
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
