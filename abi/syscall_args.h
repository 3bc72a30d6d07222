/* How strace prints each x86-64 syscall: argument kinds per number.
 *
 * Data only: sentry/strace.c interprets the kinds (reads memory, calls the
 * decoders of abi/decode.h). A syscall without an entry is printed with six
 * hexadecimal arguments.
 */
#ifndef ABI_SYSCALL_ARGS_H
#define ABI_SYSCALL_ARGS_H

#include <stdint.h>

enum sarg_kind {
	SA_NONE = 0,
	/* plain numbers */
	SA_DEC,	  /* int, signed decimal */
	SA_LDEC,  /* long, signed decimal */
	SA_UDEC,  /* unsigned long, decimal */
	SA_HEX,	  /* %#lx ("0" for zero) */
	SA_PTR,	  /* "NULL" or 0x... */
	SA_FD,	  /* int */
	SA_DIRFD, /* AT_FDCWD or int */
	/* memory read at entry */
	SA_PATH,	 /* NUL-terminated, printed whole (up to PATH_MAX) */
	SA_STR,		 /* NUL-terminated, at most 32 chars then "..." */
	SA_BUF_IN,	 /* the next argument is its length */
	SA_STRV,	 /* execve argv: ["a", "b"] */
	SA_ENVP,	 /* execve envp: 0x7ffc... / * 12 vars * / */
	SA_SIGSET_IN,	 /* pointer to a 64-bit signal set: [INT TERM] */
	SA_SIGACTION_IN, /* {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0} */
	SA_TIMESPEC_IN,	 /* {tv_sec=1, tv_nsec=0} */
	SA_IOV_IN,	 /* the next argument is the count */
	SA_RLIMIT_IN,	 /* {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY} */
	SA_SOCKADDR_IN,	 /* the next argument is its length */
	/* memory read at exit (printed as a pointer when the call fails);
	 * keep them contiguous, SA_BUF_OUT_HEX..SA_TIMESPEC_OUT */
	SA_BUF_OUT_HEX, /* like SA_BUF_OUT, every byte as \\xNN (getrandom) */
	SA_RLIMIT_OUT,
	SA_STATX_OUT, /* {stx_mask=..., stx_attributes=0, stx_mode=..., ...} */
	SA_BUF_OUT,   /* the return value is its length */
	SA_PATH_OUT,  /* NUL-terminated string (getcwd) */
	SA_IOV_OUT,   /* readv: the return value spread over the iovecs */
	SA_SIGSET_OUT,
	SA_SIGACTION_OUT,
	SA_STAT_OUT,	/* {st_mode=S_IFREG|0644, st_size=42, ...} */
	SA_PIPEFDS_OUT, /* [3, 4] */
	SA_WSTATUS_OUT, /* [{WIFEXITED(s) && WEXITSTATUS(s) == 0}] */
	SA_DIRENTS_OUT, /* 0x... / * 5 entries * / */
	SA_UTSNAME_OUT, /* {sysname="Linux", nodename="x", ...} */
	SA_TIMESPEC_OUT,
	/* flags and enums (abi/decode.h) */
	SA_OPEN_FLAGS,
	SA_OFLAGS,    /* O_* without access mode: pipe2, dup3, epoll_create1 */
	SA_OPEN_MODE, /* shown only when the previous argument (open flags)
			 has O_CREAT or O_TMPFILE, as strace does */
	SA_MODE,
	SA_PROT,
	SA_MMAP_FLAGS,
	SA_MREMAP_FLAGS,
	SA_MSYNC_FLAGS,
	SA_MADVISE,
	SA_FADVISE,
	SA_AT_FLAGS,
	SA_CLONE_FLAGS,
	SA_SIGNAL,
	SA_SIGHOW,
	SA_FCNTL_CMD,
	SA_FCNTL_ARG, /* depends on the previous argument (the command) */
	SA_IOCTL_CMD,
	SA_WHENCE,
	SA_ACCESS,
	SA_WAIT_OPTIONS,
	SA_SOCK_FAMILY,
	SA_SOCK_TYPE,
	SA_SOCK_FLAGS,
	SA_MSG_FLAGS,
	SA_SHUT_HOW,
	SA_FUTEX_OP,
	SA_ARCH_PRCTL,
	SA_PRCTL,
	SA_CLOCKID,
	SA_RLIMIT,
	SA_FLOCK_OP,
	SA_EPOLL_OP,
	SA_GRND_FLAGS,
	SA_EFD_FLAGS,
	SA_MFD_FLAGS,
	SA_TIMER_FLAGS,
	SA_RUSAGE_WHO,
	SA_STATX_FLAGS,
	SA_STATX_MASK,
	SA_KIND_MAX
};

enum sret_kind {
	SR_DEC = 0, /* default: signed decimal */
	SR_HEX,	    /* addresses: mmap, brk, mremap, shmat */
	SR_OCT,	    /* umask */
	SR_NONE,    /* never returns: exit, exit_group (" = ?") */
};

struct syscall_args {
	const char *name; /* NULL: no description for this number */
	uint8_t nargs;
	uint8_t ret;	/* enum sret_kind */
	uint8_t arg[6]; /* enum sarg_kind */
};

#define SYSCALL_ARGS_MAX 512

/* The description of syscall nr, or NULL. */
const struct syscall_args *syscall_args_get(uint64_t nr);

#endif
