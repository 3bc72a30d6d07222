/* Shared helpers for the syscall-compatibility cases (tests/syscalls/cases).
 *
 * Every case runs twice, natively and under `runsc do`, and the runner
 * compares stdout and the exit status byte for byte. So a case prints only
 * what must be identical on both sides: return values, errno NAMES, data read
 * back, and relations ("same inode: yes") instead of pids, addresses, times,
 * inode or device numbers, which legitimately differ.
 *
 * Header-only on purpose: each case is one translation unit compiled with
 * `gcc -O1 [-static] -pthread -I tests/syscalls cases/NAME.c`.
 *
 * Conventions:
 *   RET(label, expr)    prints "label = VALUE" or "label = -1 ENAME"
 *   OK(label, expr)     prints "label: ok" (value not printed: fds whose
 *                       number is irrelevant, pointers) or "label = -1 ENAME"
 *   ERR(label, expr)    same as RET; reads better for calls expected to fail
 *   YESNO(label, cond)  prints "label: yes" / "label: no"
 *   compat_tmpdir()     makes a private directory under /tmp, chdirs into
 *                       it and removes it at exit (only in the process that
 *                       made it, so forked children that exit() do not).
 *   compat_cat(path)    prints the first 64 bytes of path
 *   die_if(cond, what)  aborts the case with status 99 on setup failures
 *                       that make the rest meaningless.
 */
#ifndef TESTS_SYSCALLS_COMPAT_H
#define TESTS_SYSCALLS_COMPAT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* An address that is never mapped: the classic EFAULT probe. */
#define BADPTR ((void *)1)

static inline const char *errname(int e)
{
	static char buf[32];
	const char *n = strerrorname_np(e);

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E#%d", e);
	return buf;
}

static inline const char *signame(int s)
{
	static char buf[32];
	const char *n = sigabbrev_np(s);

	if (n) {
		snprintf(buf, sizeof(buf), "SIG%s", n);
		return buf;
	}
	snprintf(buf, sizeof(buf), "SIG#%d", s);
	return buf;
}

static inline long compat_report(const char *label, long r, int e, int quiet)
{
	if (r == -1)
		printf("%s = -1 %s\n", label, errname(e));
	else if (quiet)
		printf("%s: ok\n", label);
	else
		printf("%s = %ld\n", label, r);
	return r;
}

/* errno is sampled right after expr so that printf cannot clobber it. */
#define COMPAT_EVAL(label, expr, quiet)                                        \
	({                                                                     \
		errno = 0;                                                     \
		long __r = (long)(expr);                                       \
		int __e = errno;                                               \
		compat_report((label), __r, __e, (quiet));                     \
		errno = __e;                                                   \
		__r;                                                           \
	})

#define RET(label, expr) COMPAT_EVAL(label, expr, 0)
#define ERR(label, expr) COMPAT_EVAL(label, expr, 0)
#define OK(label, expr)	 COMPAT_EVAL(label, expr, 1)

/* For calls that return a pointer and MAP_FAILED/NULL on error. */
#define PTR_OK(label, expr, failval)                                           \
	({                                                                     \
		errno = 0;                                                     \
		void *__p = (void *)(expr);                                    \
		int __e = errno;                                               \
		if (__p == (void *)(failval))                                  \
			printf("%s = failed %s\n", (label), errname(__e));     \
		else                                                           \
			printf("%s: ok\n", (label));                           \
		__p;                                                           \
	})

#define YESNO(label, cond) printf("%s: %s\n", (label), (cond) ? "yes" : "no")

static inline void die_if(int cond, const char *what)
{
	if (cond) {
		printf("SETUP FAILED: %s: %s\n", what, errname(errno));
		fflush(stdout);
		_exit(99);
	}
}

/* Describe a wait status the way a person would read it. */
static inline const char *wstatus_str(int st)
{
	static char buf[64];

	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by %s%s",
			 signame(WTERMSIG(st)), WCOREDUMP(st) ? " (core)" : "");
	else if (WIFSTOPPED(st))
		snprintf(buf, sizeof(buf), "stopped by %s",
			 signame(WSTOPSIG(st)));
	else
		snprintf(buf, sizeof(buf), "status 0x%x", st);
	return buf;
}

static inline const char *ftype_str(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
		return "regular";
	case S_IFDIR:
		return "directory";
	case S_IFLNK:
		return "symlink";
	case S_IFCHR:
		return "chardev";
	case S_IFBLK:
		return "blockdev";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	}
	return "unknown";
}

static char compat_tmp_path[PATH_MAX];
static pid_t compat_tmp_owner;

static inline int compat_rm_one(const char *p, const struct stat *sb, int flag,
				struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(p);
	return 0;
}

static inline void compat_tmp_cleanup(void)
{
	if (compat_tmp_path[0] && getpid() == compat_tmp_owner) {
		if (chdir("/") == 0)
			nftw(compat_tmp_path, compat_rm_one, 16,
			     FTW_DEPTH | FTW_PHYS);
	}
}

/* Make a fresh directory under /tmp, chdir into it, and return its path.
 * The path itself is random: never print it. */
static inline const char *compat_tmpdir(void)
{
	strcpy(compat_tmp_path, "/tmp/compat-XXXXXX");
	die_if(mkdtemp(compat_tmp_path) == NULL, "mkdtemp");
	die_if(chdir(compat_tmp_path) != 0, "chdir tmpdir");
	compat_tmp_owner = getpid();
	atexit(compat_tmp_cleanup);
	return compat_tmp_path;
}

/* Create path with exactly the given contents. */
static inline void compat_write_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	die_if(fd < 0, path);
	die_if(write(fd, data, strlen(data)) != (ssize_t)strlen(data), path);
	close(fd);
}

/* Print a buffer with non-printable bytes escaped, so output stays text. */
static inline void print_bytes(const char *label, const void *buf, long n)
{
	const unsigned char *p = buf;

	printf("%s: \"", label);
	for (long i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
	printf("\"\n");
}

/* Print the first 64 bytes of path (or why it cannot be opened). */
static inline void compat_cat(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		printf("cat(%s) = -1 %s\n", path, errname(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf));
	print_bytes(path, buf, n > 0 ? n : 0);
	close(fd);
}

/* Line-buffer stdout even into a pipe, so that output written before a
 * fork() is not duplicated by the child and output order is the call order.
 */
/*
 * Under `runsc do` the case would be pid 1, the init of its pid namespace,
 * and init is special (orphans are reparented to it; signals whose action is
 * the default do not reach it). Natively it never is. So when the case finds
 * itself pid 1, it forks: the child runs the case, and pid 1 only reaps
 * orphans and passes the case's exit status on (128+N for signal N, as a
 * shell reports it, which is what the runner sees natively too).
 */
__attribute__((constructor)) static void compat_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getpid() == 1) {
		pid_t child = fork();
		int st;

		if (child < 0) {
			perror("compat: fork of the case under pid 1");
			_exit(98);
		}
		if (child == 0)
			return;
		for (;;) {
			pid_t r = waitpid(-1, &st, 0);

			if (r < 0 && errno != EINTR)
				_exit(97);
			if (r != child)
				continue;
			if (WIFEXITED(st))
				_exit(WEXITSTATUS(st));
			_exit(128 + WTERMSIG(st));
		}
	}
}

#endif
