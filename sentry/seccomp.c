/* The sentry's own seccomp filter: the host syscalls the sentry itself
 * needs, and nothing else. Stub processes are forked from the sentry and
 * inherit it, so the trampoline's calls are on the list too. A call off
 * the list raises SIGSYS, which the panic handler reports by number.
 *
 * Installed after start-up (memory file, gofer connection, /proc facts)
 * and before any application code runs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stddef.h>

#include "sentry/seccomp.h"

static const int allowed[] = {
    /* I/O on fds the sentry holds: gofer socket, host stdio, eventfds,
     * the memory file. */
    SCMP_SYS(read),
    SCMP_SYS(write),
    SCMP_SYS(readv),
    SCMP_SYS(writev),
    SCMP_SYS(pread64),
    SCMP_SYS(pwrite64),
    SCMP_SYS(lseek),
    SCMP_SYS(sendto),
    SCMP_SYS(recvfrom),
    SCMP_SYS(sendmsg),
    SCMP_SYS(recvmsg),
    SCMP_SYS(socketpair), /* systrap: each stub's descriptor channel */
    SCMP_SYS(shutdown),
    SCMP_SYS(accept4), /* the control channel (runsc exec) */
    SCMP_SYS(close),
    SCMP_SYS(close_range),
    SCMP_SYS(dup),
    SCMP_SYS(fcntl),
    SCMP_SYS(ioctl),
    SCMP_SYS(fstat),
    SCMP_SYS(newfstatat),
    SCMP_SYS(statx),
    SCMP_SYS(fstatfs),
    SCMP_SYS(poll),
    SCMP_SYS(ppoll),
    SCMP_SYS(eventfd2),
    SCMP_SYS(fallocate),
    SCMP_SYS(ftruncate),
    SCMP_SYS(fsync),
    SCMP_SYS(fdatasync),
    /* Memory: the sentry's own, and the trampoline's in the stubs. */
    SCMP_SYS(mmap),
    SCMP_SYS(munmap),
    SCMP_SYS(mprotect),
    SCMP_SYS(mremap),
    SCMP_SYS(madvise),
    SCMP_SYS(brk),
    /* Threads and stubs. */
    SCMP_SYS(clone),
    SCMP_SYS(clone3),
    SCMP_SYS(exit),
    SCMP_SYS(exit_group),
    SCMP_SYS(wait4),
    SCMP_SYS(waitid),
    SCMP_SYS(ptrace),
    SCMP_SYS(process_vm_readv),
    SCMP_SYS(process_vm_writev),
    SCMP_SYS(kill),
    SCMP_SYS(tgkill),
    SCMP_SYS(pause),
    SCMP_SYS(getpid),
    SCMP_SYS(gettid),
    SCMP_SYS(getppid),
    SCMP_SYS(futex),
    SCMP_SYS(set_robust_list),
    SCMP_SYS(rseq),
    SCMP_SYS(set_tid_address),
    SCMP_SYS(sched_yield),
    SCMP_SYS(sched_getaffinity),
    SCMP_SYS(getcpu),
    SCMP_SYS(prctl),
    SCMP_SYS(arch_prctl),
    SCMP_SYS(seccomp),
    SCMP_SYS(setsid),
    /* Signals. */
    SCMP_SYS(rt_sigaction),
    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(rt_sigreturn),
    SCMP_SYS(rt_sigtimedwait),
    SCMP_SYS(sigaltstack),
    /* Time, identity, randomness. */
    SCMP_SYS(clock_gettime),
    SCMP_SYS(clock_getres),
    SCMP_SYS(clock_nanosleep),
    SCMP_SYS(nanosleep),
    SCMP_SYS(gettimeofday),
    SCMP_SYS(time),
    SCMP_SYS(getrandom),
    SCMP_SYS(getuid),
    SCMP_SYS(geteuid),
    SCMP_SYS(getgid),
    SCMP_SYS(getegid),
    SCMP_SYS(sysinfo),
    SCMP_SYS(uname),
    SCMP_SYS(getrlimit),
    SCMP_SYS(prlimit64),
    SCMP_SYS(getrusage),
    SCMP_SYS(times),
};

/* Path-based calls have nothing to reach after the pivot into an empty
 * root; libraries probing files (sysconf reading /sys) get a plain error. */
static const int refused[] = {
    SCMP_SYS(open),   SCMP_SYS(readlink),  SCMP_SYS(readlinkat),
    SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(stat),
    SCMP_SYS(lstat),
};

/* openat: read-only, relative to the sentry's private procfs (the
 * resource monitor's /proc/PID files, sentry/kernel/cgroup.h); refused
 * like the path calls above otherwise. */
static int add_openat(scmp_filter_ctx ctx, int procfd)
{
	int err;

	if (procfd < 0)
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
					SCMP_SYS(openat), 0);
	err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 2,
			       SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)procfd),
			       SCMP_A2(SCMP_CMP_EQ, O_RDONLY | O_CLOEXEC));
	if (!err)
		err = seccomp_rule_add(
		    ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 1,
		    SCMP_A0(SCMP_CMP_NE, (scmp_datum_t)procfd));
	if (!err)
		err = seccomp_rule_add(
		    ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 1,
		    SCMP_A2(SCMP_CMP_NE, O_RDONLY | O_CLOEXEC));
	return err;
}

int sentry_seccomp_install(int procfd)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int err = 0;

	if (!ctx)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !err;
	     i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]) && !err;
	     i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), refused[i],
				       0);
	if (!err)
		err = add_openat(ctx, procfd);
	/* Every thread, including ones already started. */
	if (!err)
		err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!err)
		err = seccomp_load(ctx);
	seccomp_release(ctx);
	return err;
}
