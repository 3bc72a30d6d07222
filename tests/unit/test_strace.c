/* Unit tests for --strace: the flag decoders (abi/decode.c), quoting and
 * line layout (sentry/strace_fmt.c), and whole lines from strace_enter/
 * strace_exit (sentry/strace.c) over a fake application memory. Expected
 * lines are copied from strace 5.x/6.x output on Linux. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi/decode.h"
#include "abi/errno.h"
#include "abi/syscall_args.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/strace.h"
#include "sentry/syscalls/syscall.h"

/* ---- stubs for what strace.c uses from the rest of the sentry ---- */

static uint8_t arena[1 << 16]; /* the "application memory" */

int copy_in(struct task *t, uint64_t addr, void *dst, size_t n)
{
	uint64_t lo = (uintptr_t)arena, hi = lo + sizeof(arena);

	if (addr < lo || addr > hi || n > hi - addr)
		return -LINUX_EFAULT;
	memcpy(dst, (void *)(uintptr_t)addr, n);
	return 0;
}

const char *syscall_name(uint64_t nr)
{
	const struct syscall_args *d = syscall_args_get(nr);
	return d ? d->name : NULL;
}

static uint64_t put_mem(size_t off, const void *data, size_t n)
{
	memcpy(arena + off, data, n);
	return (uintptr_t)(arena + off);
}

/* ---- decoders ---- */

#define DEC(fn, v, expect)                                                     \
	do {                                                                   \
		char b_[256];                                                  \
		size_t n_ = fn(b_, sizeof(b_), (v));                           \
		assert_string_equal(b_, expect);                               \
		assert_int_equal(n_, strlen(expect));                          \
	} while (0)

static void test_open_flags(void **state)
{
	DEC(decode_open_flags, 0, "O_RDONLY");
	DEC(decode_open_flags, 02000000, "O_RDONLY|O_CLOEXEC");
	DEC(decode_open_flags, 01 | 0100 | 01000, "O_WRONLY|O_CREAT|O_TRUNC");
	DEC(decode_open_flags, 02 | 04000 | 02000000 | 0200000,
	    "O_RDWR|O_NONBLOCK|O_DIRECTORY|O_CLOEXEC");
	DEC(decode_open_flags, 0100001, "O_WRONLY|O_LARGEFILE");
	DEC(decode_open_flags, 020200002, "O_RDWR|O_TMPFILE");
	DEC(decode_open_flags, 04010000, "O_RDONLY|O_SYNC");
	DEC(decode_open_flags, 010000, "O_RDONLY|O_DSYNC");
	DEC(decode_open_flags, 010000000 | 02000000,
	    "O_RDONLY|O_CLOEXEC|O_PATH");
	DEC(decode_open_flags, 3 | 0x40000000, "O_ACCMODE|0x40000000");
}

static void test_mem_flags(void **state)
{
	DEC(decode_prot, 0, "PROT_NONE");
	DEC(decode_prot, 3, "PROT_READ|PROT_WRITE");
	DEC(decode_prot, 5, "PROT_READ|PROT_EXEC");
	DEC(decode_prot, 0x01000007,
	    "PROT_READ|PROT_WRITE|PROT_EXEC|PROT_GROWSDOWN");
	DEC(decode_prot, 0x10, "0x10");
	DEC(decode_mmap_flags, 0x22, "MAP_PRIVATE|MAP_ANONYMOUS");
	DEC(decode_mmap_flags, 0x812, "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE");
	DEC(decode_mmap_flags, 0x20022, "MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK");
	DEC(decode_mmap_flags, 0x01, "MAP_SHARED");
	DEC(decode_mmap_flags, 0x03, "MAP_SHARED_VALIDATE");
	DEC(decode_mmap_flags, 0x100022 | 0x200000,
	    "MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE|0x200000");
	DEC(decode_mremap_flags, 1, "MREMAP_MAYMOVE");
	DEC(decode_madvise, 4, "MADV_DONTNEED");
	DEC(decode_madvise, 77, "0x4d /* MADV_??? */");
	DEC(decode_msync_flags, 4, "MS_SYNC");
}

static void test_at_and_files(void **state)
{
	DEC(decode_dirfd, (uint64_t)(int64_t)-100, "AT_FDCWD");
	DEC(decode_dirfd, 0xffffff9c, "AT_FDCWD"); /* as an int */
	DEC(decode_dirfd, 3, "3");
	DEC(decode_at_flags, 0, "0");
	DEC(decode_at_flags, 0x1000, "AT_EMPTY_PATH");
	DEC(decode_at_flags, 0x1100, "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH");
	DEC(decode_at_flags, 0x200, "AT_REMOVEDIR");
	DEC(decode_mode, 0644, "0644");
	DEC(decode_mode, 0, "000");
	DEC(decode_mode, 04755, "04755");
	DEC(decode_mode, 020600, "S_IFCHR|0600");
	DEC(decode_file_mode, 0100644, "S_IFREG|0644");
	DEC(decode_file_mode, 020666, "S_IFCHR|0666");
	DEC(decode_file_mode, 040755, "S_IFDIR|0755");
	DEC(decode_file_mode, 0104755, "S_IFREG|S_ISUID|0755");
	DEC(decode_file_mode, 041777, "S_IFDIR|S_ISVTX|0777");
	DEC(decode_access_mode, 0, "F_OK");
	DEC(decode_access_mode, 6, "R_OK|W_OK");
	DEC(decode_access_mode, 1, "X_OK");
	DEC(decode_fcntl_cmd, 2, "F_SETFD");
	DEC(decode_fcntl_cmd, 1030, "F_DUPFD_CLOEXEC");
	DEC(decode_fcntl_cmd, 999, "0x3e7 /* F_??? */");
	DEC(decode_fd_flags, 1, "FD_CLOEXEC");
	DEC(decode_fd_flags, 0, "0");
	DEC(decode_ioctl_cmd, 0x5401, "TCGETS");
	DEC(decode_ioctl_cmd, 0x5413, "TIOCGWINSZ");
	DEC(decode_ioctl_cmd, 0x80045430, "TIOCGPTN");
	DEC(decode_ioctl_cmd, 0x1234, "0x1234");
	DEC(decode_whence, 2, "SEEK_END");
	DEC(decode_flock_op, 6, "LOCK_EX|LOCK_NB");
}

static void test_signals(void **state)
{
	DEC(decode_signal, 9, "SIGKILL");
	DEC(decode_signal, 17, "SIGCHLD");
	DEC(decode_signal, 31, "SIGSYS");
	DEC(decode_signal, 32, "SIGRTMIN");
	DEC(decode_signal, 34, "SIGRT_2");
	DEC(decode_signal, 64, "SIGRT_32");
	DEC(decode_signal, 0, "0");
	DEC(decode_signal, 65, "65");
	assert_null(linux_signal_name(0));
	assert_null(linux_signal_name(-1));
	assert_string_equal(linux_signal_name(11), "SIGSEGV");

	DEC(decode_sigset, 0, "[]");
	DEC(decode_sigset, (1 << 1) | (1 << 16), "[INT CHLD]");
	/* glibc's sigfillset minus the two signals it reserves. */
	DEC(decode_sigset, ~((1ULL << 31) | (1ULL << 32)), "~[RTMIN RT_1]");
	DEC(decode_sigset, ~0ULL, "~[]");
	DEC(decode_sighow, 0, "SIG_BLOCK");
	DEC(decode_sighow, 2, "SIG_SETMASK");

	DEC(decode_clone_flags, 0x01200011,
	    "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
	DEC(decode_clone_flags, 0x3d0f00,
	    "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|"
	    "CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|"
	    "CLONE_CHILD_CLEARTID");
	DEC(decode_clone_flags, 0x4111, "CLONE_VM|CLONE_VFORK|SIGCHLD");
	DEC(decode_clone_flags, 0, "0");
	DEC(decode_clone_flags, 0x20000000, "CLONE_NEWPID");

	DEC(decode_wait_status, 3 << 8,
	    "[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]");
	DEC(decode_wait_status, 9,
	    "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}]");
	DEC(decode_wait_status, 0x8b,
	    "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}]");
	DEC(decode_wait_status, (19 << 8) | 0x7f,
	    "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]");
	DEC(decode_wait_status, 0xffff, "[{WIFCONTINUED(s)}]");
	DEC(decode_wait_options, 1 | 0x40000000, "WNOHANG|__WALL");
}

static void test_misc_enums(void **state)
{
	DEC(decode_futex_op, 128, "FUTEX_WAIT_PRIVATE");
	DEC(decode_futex_op, 129, "FUTEX_WAKE_PRIVATE");
	DEC(decode_futex_op, 9 | 128 | 256,
	    "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME");
	DEC(decode_futex_op, 1, "FUTEX_WAKE");
	DEC(decode_arch_prctl, 0x1002, "ARCH_SET_FS");
	DEC(decode_arch_prctl, 0x3001, "0x3001 /* ARCH_??? */");
	DEC(decode_prctl_option, 15, "PR_SET_NAME");
	DEC(decode_clockid, 1, "CLOCK_MONOTONIC");
	DEC(decode_rlimit, 3, "RLIMIT_STACK");
	DEC(decode_sock_family, 1, "AF_UNIX");
	DEC(decode_sock_type, 1 | 02000000, "SOCK_STREAM|SOCK_CLOEXEC");
	DEC(decode_sock_type, 2 | 04000, "SOCK_DGRAM|SOCK_NONBLOCK");
	DEC(decode_msg_flags, 0x4040, "MSG_DONTWAIT|MSG_NOSIGNAL");
	DEC(decode_msg_flags, 0, "0");
	DEC(decode_epoll_op, 1, "EPOLL_CTL_ADD");
	DEC(decode_grnd_flags, 1, "GRND_NONBLOCK");
	DEC(decode_efd_flags, 02004000, "EFD_CLOEXEC|EFD_NONBLOCK");
	DEC(decode_mfd_flags, 3, "MFD_CLOEXEC|MFD_ALLOW_SEALING");
	DEC(decode_rusage_who, (uint64_t)-1, "RUSAGE_CHILDREN");
	DEC(decode_shutdown_how, 1, "SHUT_WR");
}

static void test_decoder_truncation(void **state)
{
	char b[8];

	/* Never overflows, always terminated. */
	decode_open_flags(b, sizeof(b), 02000000 | 0100 | 01);
	assert_int_equal(strlen(b), 7);
	assert_memory_equal(b, "O_WRONL", 7);
	decode_sigset(b, sizeof(b), ~0ULL >> 1);
	assert_int_equal(strlen(b), 7);
	decode_flags(b, 1, 5, NULL, 0, NULL);
	assert_string_equal(b, "");
}

/* ---- quoting, return values, lines ---- */

static const char *q(const void *s, size_t n, bool trunc)
{
	static char out[512];
	size_t len = strace_quote(out, sizeof(out), s, n, trunc);
	assert_int_equal(len, strlen(out));
	return out;
}

static void test_quote(void **state)
{
	assert_string_equal(q("abc", 3, false), "\"abc\"");
	assert_string_equal(q("", 0, false), "\"\"");
	assert_string_equal(q("a\nb\tc\r\v\f", 8, false),
			    "\"a\\nb\\tc\\r\\v\\f\"");
	assert_string_equal(q("\"q\" \\", 5, false), "\"\\\"q\\\" \\\\\"");
	assert_string_equal(q("\177ELF\2\1\1\0", 8, true),
			    "\"\\177ELF\\2\\1\\1\\0\"...");
	/* An octal digit after a non-printable forces three digits. */
	assert_string_equal(q(" \001\0017 ", 5, false), "\" \\1\\0017 \"");
	assert_string_equal(q("\0"
			      "12",
			      3, false),
			    "\"\\00012\"");
	assert_string_equal(q("\0"
			      "8",
			      2, false),
			    "\"\\08\"");
	assert_string_equal(q("\377\200", 2, false), "\"\\377\\200\"");
	/* Too small an output: truncated, terminated. */
	{
		char small[4];
		assert_int_equal(
		    strace_quote(small, sizeof(small), "abcdef", 6, false), 3);
		assert_string_equal(small, "\"ab");
	}
}

static void test_format_ret(void **state)
{
	char b[128];

	strace_format_ret(b, sizeof(b), 3, SR_DEC);
	assert_string_equal(b, "3");
	strace_format_ret(b, sizeof(b), -LINUX_ENOENT, SR_DEC);
	assert_string_equal(b, "-1 ENOENT (No such file or directory)");
	strace_format_ret(b, sizeof(b), -LINUX_ENOSYS, SR_HEX);
	assert_string_equal(b, "-1 ENOSYS (Function not implemented)");
	strace_format_ret(b, sizeof(b), 0x7f6bfaf56000, SR_HEX);
	assert_string_equal(b, "0x7f6bfaf56000");
	strace_format_ret(b, sizeof(b), 0, SR_HEX);
	assert_string_equal(b, "0");
	strace_format_ret(b, sizeof(b), 022, SR_OCT);
	assert_string_equal(b, "022");
	strace_format_ret(b, sizeof(b), -LINUX_ERESTARTSYS, SR_DEC);
	assert_string_equal(
	    b, "? ERESTARTSYS (To be restarted if SA_RESTART is set)");
	strace_format_ret(b, sizeof(b), -LINUX_ERESTART_RESTARTBLOCK, SR_DEC);
	assert_string_equal(b,
			    "? ERESTART_RESTARTBLOCK (Interrupted by signal)");
	strace_format_ret(b, sizeof(b), -4000, SR_DEC);
	assert_string_equal(b, "-1 (errno 4000)");
	strace_format_ret(b, sizeof(b), -5000, SR_DEC);
	assert_string_equal(b, "-5000");
}

static void test_make_line(void **state)
{
	char *l = strace_make_line(0, "close(3)", "0");
	assert_string_equal(l, "close(3)                                = 0\n");
	free(l);
	l = strace_make_line(17170, "exit_group(3)", "?");
	assert_string_equal(l, "[pid 17170] exit_group(3)               = ?\n");
	free(l);
	l = strace_make_line(0, "openat(AT_FDCWD, \"/x\", O_RDONLY|O_CLOEXEC)",
			     "3");
	assert_string_equal(
	    l, "openat(AT_FDCWD, \"/x\", O_RDONLY|O_CLOEXEC) = 3\n");
	free(l);
}

/* ---- whole lines through strace_enter/strace_exit ---- */

static int out_fd;

static char *take_output(void)
{
	static char buf[8192];
	off_t n = lseek(out_fd, 0, SEEK_CUR);

	assert_true(n >= 0 && n < (off_t)sizeof(buf));
	assert_int_equal(pread(out_fd, buf, n, 0), n);
	buf[n] = '\0';
	assert_int_equal(ftruncate(out_fd, 0), 0);
	lseek(out_fd, 0, SEEK_SET);
	return buf;
}

static int setup_out(void **state)
{
	out_fd = memfd_create("strace-test", 0);
	assert_true(out_fd >= 0);
	strace_fd = out_fd;
	return 0;
}

static int teardown_out(void **state)
{
	close(out_fd);
	strace_fd = 2;
	return 0;
}

static void call(struct task *t, uint64_t nr, uint64_t a0, uint64_t a1,
		 uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, long ret)
{
	const uint64_t a[6] = {a0, a1, a2, a3, a4, a5};

	strace_enter(t, nr, a);
	strace_exit(t, nr, a, ret);
}

#define EXPECT(line) assert_string_equal(take_output(), line)

static void test_lines(void **state)
{
	struct task t = {.tid = 1};
	uint64_t path = put_mem(0, "/bin/ls", 8);
	uint64_t buf = put_mem(64,
			       "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\3\0>\0\1\0"
			       "\0\0\320a\0\0\0\0\0\0XXXXXX",
			       38);
	const uint64_t bad = 0x8;

	call(&t, 257, (uint64_t)-100, path, 02000000, 0, 0, 0, 3);
	EXPECT("openat(AT_FDCWD, \"/bin/ls\", O_RDONLY|O_CLOEXEC) = 3\n");
	call(&t, 0, 3, buf, 832, 0, 0, 0, 832);
	EXPECT(
	    "read(3, \"\\177ELF\\2\\1\\1\\0\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0"
	    "\\1\\0\\0\\0\\320a\\0\\0\\0\\0\\0\\0\"..., 832) = 832\n");
	call(&t, 3, 3, 0, 0, 0, 0, 0, 0);
	EXPECT("close(3)                                = 0\n");
	call(&t, 257, (uint64_t)-100, put_mem(200, "/nonexistent", 13), 0, 0, 0,
	     0, -LINUX_ENOENT);
	EXPECT("openat(AT_FDCWD, \"/nonexistent\", O_RDONLY) = -1 ENOENT (No "
	       "such file or directory)\n");
	call(&t, 257, (uint64_t)-100, put_mem(200, "/tmp/x.txt", 11),
	     01 | 0100 | 01000, 0644, 0, 0, 3);
	EXPECT("openat(AT_FDCWD, \"/tmp/x.txt\", O_WRONLY|O_CREAT|O_TRUNC, "
	       "0644) = 3\n");
	call(&t, 1, 1,
	     put_mem(300,
		     "hello \"world\"\n\t\\ \001\0017 and a long tail of text "
		     "here\n",
		     51),
	     51, 0, 0, 0, 51);
	EXPECT("write(1, \"hello \\\"world\\\"\\n\\t\\\\ \\1\\0017 and a long "
	       "\"..., 51) = 51\n");
	call(&t, 9, 0, 8192, 3, 0x22, (uint32_t)-1, 0, 0x7f6bfaf56000);
	EXPECT("mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|"
	       "MAP_ANONYMOUS, -1, 0) = 0x7f6bfaf56000\n");
	call(&t, 0x1c8, 1, 2, 3, 4, 5, 6, -LINUX_ENOSYS);
	EXPECT("syscall_0x1c8(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS "
	       "(Function not implemented)\n");
	{
		uint64_t set = (1 << 1) | (1 << 16);
		call(&t, 14, 0, put_mem(400, &set, 8), 0, 8, 0, 0, 0);
		EXPECT("rt_sigprocmask(SIG_BLOCK, [INT CHLD], NULL, 8) = 0\n");
	}
	{
		uint64_t act[4] = {0x55d1c7a4b123, 0x14000000, 0x7f6bfad9b050,
				   1 << 1};
		uint64_t old[4] = {0, 0, 0, 0};
		call(&t, 13, 2, put_mem(400, act, sizeof(act)),
		     put_mem(440, old, sizeof(old)), 8, 0, 0, 0);
		EXPECT("rt_sigaction(SIGINT, {sa_handler=0x55d1c7a4b123, "
		       "sa_mask=[INT], sa_flags=SA_RESTORER|SA_RESTART, "
		       "sa_restorer=0x7f6bfad9b050}, {sa_handler=SIG_DFL, "
		       "sa_mask=[], sa_flags=0}, 8) = 0\n");
		call(&t, 13, 17, 0, put_mem(440, old, sizeof(old)), 8, 0, 0,
		     -LINUX_EINVAL);
		assert_memory_equal(take_output(),
				    "rt_sigaction(SIGCHLD, NULL, 0x", 30);
	}
	call(&t, 72, 1, 3, 0, 0, 0, 0, 0x8001);
	EXPECT("fcntl(1, F_GETFL)                       = 0x8001 (flags "
	       "O_WRONLY|O_LARGEFILE)\n");
	call(&t, 72, 1, 2, 1, 0, 0, 0, 0);
	EXPECT("fcntl(1, F_SETFD, FD_CLOEXEC)           = 0\n");
	{
		uint8_t st[144] = {0};
		uint32_t mode = 0100644;
		int64_t size = 1221;
		memcpy(st + 24, &mode, 4);
		memcpy(st + 48, &size, 8);
		uint64_t sp = put_mem(1024, st, sizeof(st));
		call(&t, 262, (uint64_t)-100, put_mem(900, "/etc/passwd", 12),
		     sp, 0, 0, 0, 0);
		EXPECT("newfstatat(AT_FDCWD, \"/etc/passwd\", {st_mode=S_IFREG|"
		       "0644, st_size=1221, ...}, 0) = 0\n");
		mode = 020666;
		uint64_t rdev = (1 << 8) | 3;
		memcpy(st + 24, &mode, 4);
		memcpy(st + 40, &rdev, 8);
		put_mem(1024, st, sizeof(st));
		call(&t, 262, 1, put_mem(900, "", 1), sp, 0x1000, 0, 0, 0);
		EXPECT("newfstatat(1, \"\", {st_mode=S_IFCHR|0666, "
		       "st_rdev=makedev(0x1, 0x3), ...}, AT_EMPTY_PATH) = 0\n");
		/* Failed: the out-argument is its address. */
		call(&t, 5, 9, sp, 0, 0, 0, 0, -LINUX_EBADF);
		char exp[128];
		snprintf(exp, sizeof(exp),
			 "fstat(9, %#lx)                = -1 EBADF (Bad file "
			 "descriptor)\n",
			 (unsigned long)sp);
		/* fstat(9, 0x...) is 24 chars for a 14-digit address. */
		char *got = take_output();
		assert_memory_equal(got, "fstat(9, 0x", 11);
		assert_non_null(
		    strstr(got, " = -1 EBADF (Bad file descriptor)\n"));
	}
	{
		struct linux_iovec iov[2] = {
		    {put_mem(2000, "ab", 2), 2},
		    {put_mem(2010, "cd\n", 3), 3},
		};
		call(&t, 20, 1, put_mem(2100, iov, sizeof(iov)), 2, 0, 0, 0, 5);
		EXPECT("writev(1, [{iov_base=\"ab\", iov_len=2}, {iov_base="
		       "\"cd\\n\", iov_len=3}], 2) = 5\n");
		/* readv of 3 bytes: shown spread over the iovecs. */
		call(&t, 19, 0, put_mem(2100, iov, sizeof(iov)), 2, 0, 0, 0, 3);
		EXPECT(
		    "readv(0, [{iov_base=\"ab\", iov_len=2}, {iov_base=\"c\", "
		    "iov_len=3}], 2) = 3\n");
	}
	call(&t, 95, 022, 0, 0, 0, 0, 0, 022);
	EXPECT("umask(022)                              = 022\n");
	call(&t, 21, put_mem(900, "/etc/passwd", 12), 6, 0, 0, 0, 0, 0);
	EXPECT("access(\"/etc/passwd\", R_OK|W_OK)        = 0\n");
	call(&t, 1, 1, bad, 10, 0, 0, 0, 10);
	EXPECT("write(1, 0x8, 10)                       = 10\n");
	call(&t, 2, bad, 0, 0, 0, 0, 0, -LINUX_EFAULT);
	EXPECT("open(0x8, O_RDONLY)                     = -1 EFAULT (Bad "
	       "address)\n");
	{
		int fds[2] = {4, 5};
		call(&t, 293, put_mem(3000, fds, 8), 02000000, 0, 0, 0, 0, 0);
		EXPECT("pipe2([4, 5], O_CLOEXEC)                = 0\n");
	}
	call(&t, 56, 0x01200011, 0, 0, 0x7f6bfad68a10, 0, 0, 17170);
	EXPECT("clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|"
	       "CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f6bfad68a10) = "
	       "17170\n");
	call(&t, 202, 0x1000, 129, 1, 0, 0, 0, 0);
	EXPECT("futex(0x1000, FUTEX_WAKE_PRIVATE, 1)    = 0\n");
	call(&t, 12, 0, 0, 0, 0, 0, 0, 0x55d1c7a4a000);
	EXPECT("brk(NULL)                               = 0x55d1c7a4a000\n");
	call(&t, 158, 0x1002, 0x7f0000001000, 0, 0, 0, 0, 0);
	EXPECT("arch_prctl(ARCH_SET_FS, 0x7f0000001000) = 0\n");
	call(&t, 39, 0, 0, 0, 0, 0, 0, 1);
	EXPECT("getpid()                                = 1\n");

	/* A string argument longer than 32 and one without NUL at the end of
	 * readable memory. */
	call(&t, 319, put_mem(4000, "a-very-long-memfd-name-that-goes-on", 36),
	     1, 0, 0, 0, 0, 4);
	EXPECT("memfd_create(\"a-very-long-memfd-name-that-goes\"..., "
	       "MFD_CLOEXEC) = 4\n");
	memset(arena + sizeof(arena) - 4, 'z', 4);
	call(&t, 84, (uintptr_t)(arena + sizeof(arena) - 4), 0, 0, 0, 0, 0,
	     -LINUX_EFAULT);
	{
		char *got = take_output();
		assert_memory_equal(got, "rmdir(0x", 8);
	}
}

static void test_execve_and_exit(void **state)
{
	struct task t = {.tid = 1};
	uint64_t argv[3] = {put_mem(100, "ls", 3), put_mem(110, "-l", 3), 0};
	uint64_t envp[3] = {put_mem(120, "A=1", 4), put_mem(130, "B=2", 4), 0};
	uint64_t pa = put_mem(200, argv, sizeof(argv));
	uint64_t pe = put_mem(300, envp, sizeof(envp));
	const uint64_t a[6] = {put_mem(0, "/bin/ls", 8), pa, pe};
	char exp[256];

	/* The entry copy survives the exec wiping the memory. */
	strace_enter(&t, 59, a);
	memset(arena, 0, 512);
	strace_exit(&t, 59, a, 0);
	snprintf(
	    exp, sizeof(exp),
	    "execve(\"/bin/ls\", [\"ls\", \"-l\"], %#lx /* 2 vars */) = 0\n",
	    (unsigned long)pe);
	EXPECT(exp);

	/* A handler that set the registers itself: rax is the result. */
	t.regs.r.rax = 0;
	strace_enter(&t, 59, a);
	strace_exit(&t, 59, a, SYSCALL_KEEP_REGS);
	assert_non_null(strstr(take_output(), ") = 0\n"));
	t.regs.r.rax = 7;
	call(&t, 15, 0, 0, 0, 0, 0, 0, SYSCALL_KEEP_REGS);
	EXPECT("rt_sigreturn()                          = 7\n");

	/* exit_group is printed at entry, and only once. */
	const uint64_t e[6] = {3};
	strace_enter(&t, 231, e);
	EXPECT("exit_group(3)                           = ?\n");
	strace_exit(&t, 231, e, 0);
	EXPECT("");

	/* A wait4 status. */
	int status = 3 << 8;
	call(&t, 61, (uint64_t)-1, put_mem(500, &status, 4), 0, 0, 0, 0, 2);
	EXPECT("wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = "
	       "2\n");

	/* A second task appears: from now on every line has [pid N]. */
	struct task t2 = {.tid = 2};
	call(&t2, 186, 0, 0, 0, 0, 0, 0, 2);
	EXPECT("[pid 2] gettid()                        = 2\n");
	call(&t, 186, 0, 0, 0, 0, 0, 0, 1);
	EXPECT("[pid 1] gettid()                        = 1\n");
}

/* Sanity of the description table itself. */
static void test_table(void **state)
{
	int described = 0;

	for (uint64_t nr = 0; nr < SYSCALL_ARGS_MAX; nr++) {
		const struct syscall_args *d = syscall_args_get(nr);
		if (!d)
			continue;
		described++;
		assert_true(d->nargs <= 6);
		for (int i = 0; i < 6; i++) {
			assert_true(d->arg[i] < SA_KIND_MAX);
			if (i >= d->nargs)
				assert_int_equal(d->arg[i], SA_NONE);
			else
				assert_int_not_equal(d->arg[i], SA_NONE);
			/* Kinds that take their length from the next arg. */
			if (d->arg[i] == SA_BUF_IN || d->arg[i] == SA_IOV_IN ||
			    d->arg[i] == SA_SOCKADDR_IN)
				assert_true(i + 1 < d->nargs);
		}
	}
	assert_true(described >= 120);
	assert_string_equal(syscall_args_get(0)->name, "read");
	assert_string_equal(syscall_args_get(257)->name, "openat");
	assert_string_equal(syscall_args_get(231)->name, "exit_group");
	assert_null(syscall_args_get(1000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_flags),
	    cmocka_unit_test(test_mem_flags),
	    cmocka_unit_test(test_at_and_files),
	    cmocka_unit_test(test_signals),
	    cmocka_unit_test(test_misc_enums),
	    cmocka_unit_test(test_decoder_truncation),
	    cmocka_unit_test(test_quote),
	    cmocka_unit_test(test_format_ret),
	    cmocka_unit_test(test_make_line),
	    cmocka_unit_test_setup_teardown(test_lines, setup_out,
					    teardown_out),
	    cmocka_unit_test_setup_teardown(test_execve_and_exit, setup_out,
					    teardown_out),
	    cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
