/* Decoders of Linux x86-64 syscall argument values into the text strace(1)
 * prints: "O_RDONLY|O_CLOEXEC", "PROT_READ|PROT_WRITE", "SIGCHLD",
 * "AT_FDCWD", "TCGETS"... The numeric values are Linux's, written out here
 * (never taken from the host's headers).
 *
 * Every decoder has the same shape: it writes at most sz-1 characters and a
 * NUL into out (sz > 0) and returns the number of characters written. Bits
 * or values without a name are printed in hex ("O_RDONLY|0x40000000"), so
 * nothing is ever lost. Pure functions: callable from any thread.
 */
#ifndef ABI_DECODE_H
#define ABI_DECODE_H

#include <stddef.h>
#include <stdint.h>

struct xlat {
	uint64_t val;
	const char *name;
};

/* Names of the table entries whose bits are all set in v, in table order
 * (put multi-bit values before their parts), joined by '|', then the
 * remaining bits as "0x..". v == 0: zero_name, or "0" when NULL. */
size_t decode_flags(char *out, size_t sz, uint64_t v, const struct xlat *tab,
		    size_t n, const char *zero_name);
/* The name of the entry equal to v, else v formatted with fallback_fmt
 * (a printf format taking one unsigned long long, e.g. "%#llx"). */
size_t decode_enum(char *out, size_t sz, uint64_t v, const struct xlat *tab,
		   size_t n, const char *fallback_fmt);

typedef size_t (*decode_fn)(char *out, size_t sz, uint64_t v);

size_t decode_open_flags(char *out, size_t sz, uint64_t v); /* O_* */
/* O_* flags without an access mode (pipe2, dup3, epoll_create1): "0" or
 * "O_CLOEXEC|O_NONBLOCK"-style. */
size_t decode_oflags(char *out, size_t sz, uint64_t v);
size_t decode_mode(char *out, size_t sz, uint64_t v);	      /* 0644 */
size_t decode_file_mode(char *out, size_t sz, uint64_t v);    /* S_IFREG|0644 */
size_t decode_prot(char *out, size_t sz, uint64_t v);	      /* PROT_* */
size_t decode_mmap_flags(char *out, size_t sz, uint64_t v);   /* MAP_* */
size_t decode_mremap_flags(char *out, size_t sz, uint64_t v); /* MREMAP_* */
size_t decode_msync_flags(char *out, size_t sz, uint64_t v);  /* MS_* */
size_t decode_fadvise(char *out, size_t sz, uint64_t v);      /* POSIX_FADV_* */
size_t decode_madvise(char *out, size_t sz, uint64_t v);      /* MADV_* */
size_t decode_at_flags(char *out, size_t sz, uint64_t v);     /* AT_* */
size_t decode_statx_flags(char *out, size_t sz, uint64_t v);  /* AT_STATX_* */
size_t decode_statx_mask(char *out, size_t sz, uint64_t v);   /* STATX_* */
size_t decode_dirfd(char *out, size_t sz, uint64_t v);	      /* AT_FDCWD|int */
size_t decode_clone_flags(char *out, size_t sz, uint64_t v);  /* CLONE_*|SIG */
size_t decode_signal(char *out, size_t sz, uint64_t v);	      /* SIGINT */
size_t decode_sigset(char *out, size_t sz, uint64_t mask);    /* [INT TERM] */
size_t decode_sa_flags(char *out, size_t sz, uint64_t v);     /* SA_RESTART */
size_t decode_sighow(char *out, size_t sz, uint64_t v);	      /* SIG_BLOCK */
size_t decode_fcntl_cmd(char *out, size_t sz, uint64_t v);    /* F_SETFD */
size_t decode_fd_flags(char *out, size_t sz, uint64_t v);     /* FD_CLOEXEC */
size_t decode_ioctl_cmd(char *out, size_t sz, uint64_t v);    /* TCGETS */
size_t decode_whence(char *out, size_t sz, uint64_t v);	      /* SEEK_SET */
size_t decode_access_mode(char *out, size_t sz, uint64_t v);  /* R_OK|W_OK */
size_t decode_wait_options(char *out, size_t sz, uint64_t v); /* WNOHANG */
size_t decode_wait_status(char *out, size_t sz, uint64_t status);
size_t decode_sock_family(char *out, size_t sz, uint64_t v); /* AF_UNIX */
size_t decode_sock_type(char *out, size_t sz, uint64_t v);  /* SOCK_STREAM|.. */
size_t decode_sock_flags(char *out, size_t sz, uint64_t v); /* SOCK_CLOEXEC */
size_t decode_msg_flags(char *out, size_t sz, uint64_t v);  /* MSG_* */
size_t decode_shutdown_how(char *out, size_t sz, uint64_t v); /* SHUT_RD */
size_t decode_futex_op(char *out, size_t sz,
		       uint64_t v); /* FUTEX_WAIT_PRIVATE */
size_t decode_arch_prctl(char *out, size_t sz, uint64_t v);   /* ARCH_SET_FS */
size_t decode_prctl_option(char *out, size_t sz, uint64_t v); /* PR_SET_NAME */
size_t decode_clockid(char *out, size_t sz, uint64_t v);  /* CLOCK_MONOTONIC */
size_t decode_rlimit(char *out, size_t sz, uint64_t v);	  /* RLIMIT_NOFILE */
size_t decode_flock_op(char *out, size_t sz, uint64_t v); /* LOCK_EX|LOCK_NB */
size_t decode_epoll_op(char *out, size_t sz, uint64_t v); /* EPOLL_CTL_ADD */
size_t decode_grnd_flags(char *out, size_t sz, uint64_t v);  /* GRND_* */
size_t decode_efd_flags(char *out, size_t sz, uint64_t v);   /* EFD_* */
size_t decode_mfd_flags(char *out, size_t sz, uint64_t v);   /* MFD_* */
size_t decode_timer_flags(char *out, size_t sz, uint64_t v); /* TIMER_ABSTIME */
size_t decode_rusage_who(char *out, size_t sz, uint64_t v);  /* RUSAGE_SELF */

/* "SIGSEGV" for 11, "SIGRTMIN" for 32, "SIGRT_2" for 34; NULL when sig is
 * not in 1..64. */
const char *linux_signal_name(int sig);

#endif
