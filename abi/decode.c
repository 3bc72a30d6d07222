/* Decoders of syscall argument values (see decode.h). The tables hold
 * Linux's x86-64 values, in the order strace prints them. */
#include "abi/decode.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define N(tab) (sizeof(tab) / sizeof((tab)[0]))
#define X(v, name)                                                             \
	{                                                                      \
		(uint64_t)(v), name                                            \
	}

/* A bounded writer: appends, truncates silently, always NUL-terminated. */
struct out {
	char *p;
	size_t sz, len;
};

static void put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->len + 1 >= o->sz)
		return;
	if (n > o->sz - 1 - o->len)
		n = o->sz - 1 - o->len;
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

__attribute__((format(printf, 2, 3))) static void putf(struct out *o,
						       const char *fmt, ...)
{
	char tmp[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	put(o, tmp);
}

static struct out out_init(char *p, size_t sz)
{
	struct out o = {.p = p, .sz = sz, .len = 0};

	if (sz)
		p[0] = '\0';
	return o;
}

/* Append the names of tab's bits set in *v, clearing them from *v. */
static void put_bits(struct out *o, uint64_t *v, const struct xlat *tab,
		     size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (tab[i].val && (*v & tab[i].val) == tab[i].val) {
			if (o->len)
				put(o, "|");
			put(o, tab[i].name);
			*v &= ~tab[i].val;
		}
	}
}

static void put_rest(struct out *o, uint64_t v)
{
	if (!v)
		return;
	if (o->len)
		put(o, "|");
	putf(o, "%#llx", (unsigned long long)v);
}

size_t decode_flags(char *out, size_t sz, uint64_t v, const struct xlat *tab,
		    size_t n, const char *zero_name)
{
	struct out o = out_init(out, sz);

	if (v == 0) {
		put(&o, zero_name ? zero_name : "0");
		return o.len;
	}
	put_bits(&o, &v, tab, n);
	put_rest(&o, v);
	return o.len;
}

size_t decode_enum(char *out, size_t sz, uint64_t v, const struct xlat *tab,
		   size_t n, const char *fallback_fmt)
{
	struct out o = out_init(out, sz);

	for (size_t i = 0; i < n; i++) {
		if (tab[i].val == v) {
			put(&o, tab[i].name);
			return o.len;
		}
	}
	putf(&o, fallback_fmt, (unsigned long long)v);
	return o.len;
}

/* ---- files ---- */

static const struct xlat open_flags[] = {
    X(000000100, "O_CREAT"),	 X(000000200, "O_EXCL"),
    X(000000400, "O_NOCTTY"),	 X(000001000, "O_TRUNC"),
    X(000002000, "O_APPEND"),	 X(000004000, "O_NONBLOCK"),
    X(004010000, "O_SYNC"), /* __O_SYNC|O_DSYNC, before O_DSYNC */
    X(000010000, "O_DSYNC"),	 X(000020000, "O_ASYNC"),
    X(000040000, "O_DIRECT"),	 X(000100000, "O_LARGEFILE"),
    X(020200000, "O_TMPFILE"), /* includes O_DIRECTORY */
    X(000200000, "O_DIRECTORY"), X(000400000, "O_NOFOLLOW"),
    X(001000000, "O_NOATIME"),	 X(002000000, "O_CLOEXEC"),
    X(010000000, "O_PATH"),
};

size_t decode_open_flags(char *out, size_t sz, uint64_t v)
{
	static const char *const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR",
					  "O_ACCMODE"};
	struct out o = out_init(out, sz);

	v &= 0xffffffff; /* an int in the kernel */
	put(&o, acc[v & 3]);
	v &= ~(uint64_t)3;
	put_bits(&o, &v, open_flags, N(open_flags));
	put_rest(&o, v);
	return o.len;
}

size_t decode_oflags(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v & 0xffffffff, open_flags, N(open_flags),
			    NULL);
}

static const struct xlat file_types[] = {
    X(0140000, "S_IFSOCK"), X(0120000, "S_IFLNK"), X(0100000, "S_IFREG"),
    X(0060000, "S_IFBLK"),  X(0040000, "S_IFDIR"), X(0020000, "S_IFCHR"),
    X(0010000, "S_IFIFO"),
};

size_t decode_file_mode(char *out, size_t sz, uint64_t v)
{
	struct out o = out_init(out, sz);
	uint64_t type = v & 0170000;

	for (size_t i = 0; i < N(file_types); i++)
		if (file_types[i].val == type) {
			put(&o, file_types[i].name);
			type = 0;
			break;
		}
	if (type) /* an unknown type: keep the bits */
		putf(&o, "%#llo", (unsigned long long)type);
	if (v & 04000)
		put(&o, o.len ? "|S_ISUID" : "S_ISUID");
	if (v & 02000)
		put(&o, o.len ? "|S_ISGID" : "S_ISGID");
	if (v & 01000)
		put(&o, o.len ? "|S_ISVTX" : "S_ISVTX");
	if (o.len)
		put(&o, "|");
	putf(&o, "%#03llo", (unsigned long long)(v & 0777));
	return o.len;
}

size_t decode_mode(char *out, size_t sz, uint64_t v)
{
	struct out o = out_init(out, sz);

	if (v & 0170000)
		return decode_file_mode(out, sz, v);
	putf(&o, "%#03llo", (unsigned long long)v);
	return o.len;
}

static const struct xlat at_flags[] = {
    X(0x100, "AT_SYMLINK_NOFOLLOW"), X(0x200, "AT_REMOVEDIR"),
    X(0x400, "AT_SYMLINK_FOLLOW"),   X(0x800, "AT_NO_AUTOMOUNT"),
    X(0x1000, "AT_EMPTY_PATH"),	     X(0x2000, "AT_STATX_FORCE_SYNC"),
    X(0x4000, "AT_STATX_DONT_SYNC"), X(0x8000, "AT_RECURSIVE"),
};

size_t decode_at_flags(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v & 0xffffffff, at_flags, N(at_flags),
			    NULL);
}

/* statx flags: the sync type (a 2-bit field whose 0 has a name) first. */
size_t decode_statx_flags(char *out, size_t sz, uint64_t v)
{
	static const char *const sync[] = {
	    "AT_STATX_SYNC_AS_STAT", "AT_STATX_FORCE_SYNC",
	    "AT_STATX_DONT_SYNC", "AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC"};
	struct out o = out_init(out, sz);

	v &= 0xffffffff;
	put(&o, sync[(v >> 13) & 3]);
	v &= ~(uint64_t)0x6000;
	put_bits(&o, &v, at_flags, N(at_flags));
	put_rest(&o, v);
	return o.len;
}

static const struct xlat statx_mask[] = {
    X(0x7ff, "STATX_BASIC_STATS"), X(0x1, "STATX_TYPE"),
    X(0x2, "STATX_MODE"),	   X(0x4, "STATX_NLINK"),
    X(0x8, "STATX_UID"),	   X(0x10, "STATX_GID"),
    X(0x20, "STATX_ATIME"),	   X(0x40, "STATX_MTIME"),
    X(0x80, "STATX_CTIME"),	   X(0x100, "STATX_INO"),
    X(0x200, "STATX_SIZE"),	   X(0x400, "STATX_BLOCKS"),
    X(0x800, "STATX_BTIME"),	   X(0x1000, "STATX_MNT_ID"),
    X(0x2000, "STATX_DIOALIGN"),   X(0x4000, "STATX_MNT_ID_UNIQUE"),
};

size_t decode_statx_mask(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v & 0xffffffff, statx_mask, N(statx_mask),
			    NULL);
}

size_t decode_dirfd(char *out, size_t sz, uint64_t v)
{
	struct out o = out_init(out, sz);

	if ((int)v == -100)
		put(&o, "AT_FDCWD");
	else
		putf(&o, "%d", (int)v);
	return o.len;
}

static const struct xlat fcntl_cmds[] = {
    X(0, "F_DUPFD"),	      X(1, "F_GETFD"),
    X(2, "F_SETFD"),	      X(3, "F_GETFL"),
    X(4, "F_SETFL"),	      X(5, "F_GETLK"),
    X(6, "F_SETLK"),	      X(7, "F_SETLKW"),
    X(8, "F_SETOWN"),	      X(9, "F_GETOWN"),
    X(10, "F_SETSIG"),	      X(11, "F_GETSIG"),
    X(15, "F_SETOWN_EX"),     X(16, "F_GETOWN_EX"),
    X(17, "F_GETOWNER_UIDS"), X(36, "F_OFD_GETLK"),
    X(37, "F_OFD_SETLK"),     X(38, "F_OFD_SETLKW"),
    X(1024, "F_SETLEASE"),    X(1025, "F_GETLEASE"),
    X(1026, "F_NOTIFY"),      X(1030, "F_DUPFD_CLOEXEC"),
    X(1031, "F_SETPIPE_SZ"),  X(1032, "F_GETPIPE_SZ"),
    X(1033, "F_ADD_SEALS"),   X(1034, "F_GET_SEALS"),
};

size_t decode_fcntl_cmd(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, fcntl_cmds, N(fcntl_cmds),
			   "%#llx /* F_??? */");
}

static const struct xlat fd_flags[] = {X(1, "FD_CLOEXEC")};

size_t decode_fd_flags(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v, fd_flags, N(fd_flags), NULL);
}

static const struct xlat ioctl_cmds[] = {
    X(0x5401, "TCGETS"),	 X(0x5402, "TCSETS"),
    X(0x5403, "TCSETSW"),	 X(0x5404, "TCSETSF"),
    X(0x5405, "TCGETA"),	 X(0x5406, "TCSETA"),
    X(0x5407, "TCSETAW"),	 X(0x5408, "TCSETAF"),
    X(0x5409, "TCSBRK"),	 X(0x540A, "TCXONC"),
    X(0x540B, "TCFLSH"),	 X(0x540C, "TIOCEXCL"),
    X(0x540D, "TIOCNXCL"),	 X(0x540E, "TIOCSCTTY"),
    X(0x540F, "TIOCGPGRP"),	 X(0x5410, "TIOCSPGRP"),
    X(0x5411, "TIOCOUTQ"),	 X(0x5412, "TIOCSTI"),
    X(0x5413, "TIOCGWINSZ"),	 X(0x5414, "TIOCSWINSZ"),
    X(0x5415, "TIOCMGET"),	 X(0x5416, "TIOCMBIS"),
    X(0x5417, "TIOCMBIC"),	 X(0x5418, "TIOCMSET"),
    X(0x541B, "FIONREAD"),	 X(0x541C, "TIOCLINUX"),
    X(0x541D, "TIOCCONS"),	 X(0x5420, "TIOCPKT"),
    X(0x5421, "FIONBIO"),	 X(0x5422, "TIOCNOTTY"),
    X(0x5423, "TIOCSETD"),	 X(0x5424, "TIOCGETD"),
    X(0x5425, "TCSBRKP"),	 X(0x5427, "TIOCSBRK"),
    X(0x5428, "TIOCCBRK"),	 X(0x5429, "TIOCGSID"),
    X(0x802c542a, "TCGETS2"),	 X(0x402c542b, "TCSETS2"),
    X(0x80045430, "TIOCGPTN"),	 X(0x40045431, "TIOCSPTLCK"),
    X(0x80045432, "TIOCGDEV"),	 X(0x40045436, "TIOCSIG"),
    X(0x5437, "TIOCVHANGUP"),	 X(0x80045438, "TIOCGPKT"),
    X(0x80045439, "TIOCGPTLCK"), X(0x80045440, "TIOCGEXCL"),
    X(0x5441, "TIOCGPTPEER"),	 X(0x5450, "FIONCLEX"),
    X(0x5451, "FIOCLEX"),	 X(0x5452, "FIOASYNC"),
    X(0x5460, "FIOQSIZE"),	 X(0x8901, "FIOSETOWN"),
    X(0x8903, "FIOGETOWN"),	 X(0x8912, "SIOCGIFCONF"),
    X(0x8913, "SIOCGIFFLAGS"),	 X(0x8914, "SIOCSIFFLAGS"),
    X(0x8915, "SIOCGIFADDR"),	 X(0x8921, "SIOCGIFMTU"),
    X(0x8927, "SIOCGIFHWADDR"),	 X(0x8933, "SIOCGIFINDEX"),
};

size_t decode_ioctl_cmd(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, ioctl_cmds, N(ioctl_cmds),
			   "%#llx");
}

static const struct xlat whences[] = {
    X(0, "SEEK_SET"),  X(1, "SEEK_CUR"),  X(2, "SEEK_END"),
    X(3, "SEEK_DATA"), X(4, "SEEK_HOLE"),
};

size_t decode_whence(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, whences, N(whences),
			   "%#llx /* SEEK_??? */");
}

static const struct xlat access_modes[] = {
    X(4, "R_OK"),
    X(2, "W_OK"),
    X(1, "X_OK"),
};

size_t decode_access_mode(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v & 0xffffffff, access_modes,
			    N(access_modes), "F_OK");
}

static const struct xlat flock_ops[] = {
    X(1, "LOCK_SH"),
    X(2, "LOCK_EX"),
    X(8, "LOCK_UN"),
    X(4, "LOCK_NB"),
};

size_t decode_flock_op(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v & 0xffffffff, flock_ops, N(flock_ops),
			    NULL);
}

/* ---- memory ---- */

static const struct xlat prots[] = {
    X(0x1, "PROT_READ"),
    X(0x2, "PROT_WRITE"),
    X(0x4, "PROT_EXEC"),
    X(0x8, "PROT_SEM"),
    X(0x01000000, "PROT_GROWSDOWN"),
    X(0x02000000, "PROT_GROWSUP"),
};

size_t decode_prot(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v, prots, N(prots), "PROT_NONE");
}

static const struct xlat mmap_flags[] = {
    X(0x10, "MAP_FIXED"),
    X(0x20, "MAP_ANONYMOUS"),
    X(0x40, "MAP_32BIT"),
    X(0x100, "MAP_GROWSDOWN"),
    X(0x800, "MAP_DENYWRITE"),
    X(0x1000, "MAP_EXECUTABLE"),
    X(0x2000, "MAP_LOCKED"),
    X(0x4000, "MAP_NORESERVE"),
    X(0x8000, "MAP_POPULATE"),
    X(0x10000, "MAP_NONBLOCK"),
    X(0x20000, "MAP_STACK"),
    X(0x40000, "MAP_HUGETLB"),
    X(0x80000, "MAP_SYNC"),
    X(0x100000, "MAP_FIXED_NOREPLACE"),
    X(0x4000000, "MAP_UNINITIALIZED"),
};

size_t decode_mmap_flags(char *out, size_t sz, uint64_t v)
{
	static const char *const types[] = {NULL, "MAP_SHARED", "MAP_PRIVATE",
					    "MAP_SHARED_VALIDATE"};
	struct out o = out_init(out, sz);

	v &= 0xffffffff;
	if (types[v & 3])
		put(&o, types[v & 3]);
	v &= ~(uint64_t)3;
	put_bits(&o, &v, mmap_flags, N(mmap_flags));
	put_rest(&o, v);
	if (!o.len)
		put(&o, "0");
	return o.len;
}

static const struct xlat mremap_flags[] = {
    X(1, "MREMAP_MAYMOVE"),
    X(2, "MREMAP_FIXED"),
    X(4, "MREMAP_DONTUNMAP"),
};

size_t decode_mremap_flags(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v, mremap_flags, N(mremap_flags), NULL);
}

static const struct xlat msync_flags[] = {
    X(1, "MS_ASYNC"),
    X(2, "MS_INVALIDATE"),
    X(4, "MS_SYNC"),
};

size_t decode_msync_flags(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v, msync_flags, N(msync_flags), NULL);
}

static const struct xlat fadvices[] = {
    X(0, "POSIX_FADV_NORMAL"),	   X(1, "POSIX_FADV_RANDOM"),
    X(2, "POSIX_FADV_SEQUENTIAL"), X(3, "POSIX_FADV_WILLNEED"),
    X(4, "POSIX_FADV_DONTNEED"),   X(5, "POSIX_FADV_NOREUSE"),
};

size_t decode_fadvise(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, fadvices, N(fadvices),
			   "%#llx /* POSIX_FADV_??? */");
}

static const struct xlat madvices[] = {
    X(0, "MADV_NORMAL"),	  X(1, "MADV_RANDOM"),
    X(2, "MADV_SEQUENTIAL"),	  X(3, "MADV_WILLNEED"),
    X(4, "MADV_DONTNEED"),	  X(8, "MADV_FREE"),
    X(9, "MADV_REMOVE"),	  X(10, "MADV_DONTFORK"),
    X(11, "MADV_DOFORK"),	  X(12, "MADV_MERGEABLE"),
    X(13, "MADV_UNMERGEABLE"),	  X(14, "MADV_HUGEPAGE"),
    X(15, "MADV_NOHUGEPAGE"),	  X(16, "MADV_DONTDUMP"),
    X(17, "MADV_DODUMP"),	  X(18, "MADV_WIPEONFORK"),
    X(19, "MADV_KEEPONFORK"),	  X(20, "MADV_COLD"),
    X(21, "MADV_PAGEOUT"),	  X(22, "MADV_POPULATE_READ"),
    X(23, "MADV_POPULATE_WRITE"), X(24, "MADV_DONTNEED_LOCKED"),
    X(25, "MADV_COLLAPSE"),	  X(100, "MADV_HWPOISON"),
    X(101, "MADV_SOFT_OFFLINE"),
};

size_t decode_madvise(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, madvices, N(madvices),
			   "%#llx /* MADV_??? */");
}

/* ---- processes and signals ---- */

static const char *const signames[32] = {
    NULL,      "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",    "SIGTRAP",
    "SIGABRT", "SIGBUS",  "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV",
    "SIGUSR2", "SIGPIPE", "SIGALRM",   "SIGTERM", "SIGSTKFLT", "SIGCHLD",
    "SIGCONT", "SIGSTOP", "SIGTSTP",   "SIGTTIN", "SIGTTOU",   "SIGURG",
    "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",  "SIGIO",
    "SIGPWR",  "SIGSYS",
};

const char *linux_signal_name(int sig)
{
	/* strace's names for the real-time range: SIGRTMIN is 32 (glibc
	 * reserves 32 and 33 for itself, strace still names the kernel's). */
	static const char *const rt[33] = {
	    "SIGRTMIN", "SIGRT_1",  "SIGRT_2",	"SIGRT_3",  "SIGRT_4",
	    "SIGRT_5",	"SIGRT_6",  "SIGRT_7",	"SIGRT_8",  "SIGRT_9",
	    "SIGRT_10", "SIGRT_11", "SIGRT_12", "SIGRT_13", "SIGRT_14",
	    "SIGRT_15", "SIGRT_16", "SIGRT_17", "SIGRT_18", "SIGRT_19",
	    "SIGRT_20", "SIGRT_21", "SIGRT_22", "SIGRT_23", "SIGRT_24",
	    "SIGRT_25", "SIGRT_26", "SIGRT_27", "SIGRT_28", "SIGRT_29",
	    "SIGRT_30", "SIGRT_31", "SIGRT_32",
	};

	if (sig >= 1 && sig < 32)
		return signames[sig];
	if (sig >= 32 && sig <= 64)
		return rt[sig - 32];
	return NULL;
}

size_t decode_signal(char *out, size_t sz, uint64_t v)
{
	struct out o = out_init(out, sz);
	const char *name = linux_signal_name((int)v);

	if (name)
		put(&o, name);
	else
		putf(&o, "%d", (int)v);
	return o.len;
}

size_t decode_sigset(char *out, size_t sz, uint64_t mask)
{
	struct out o = out_init(out, sz);
	int count = __builtin_popcountll(mask);
	bool first = true;

	/* Like strace, a set with more than half the signals is shown as
	 * the complement: ~[RTMIN RT_1]. */
	if (count > 32) {
		put(&o, "~");
		mask = ~mask;
	}
	put(&o, "[");
	for (int sig = 1; sig <= 64; sig++) {
		if (!(mask & (UINT64_C(1) << (sig - 1))))
			continue;
		if (!first)
			put(&o, " ");
		put(&o, linux_signal_name(sig) + 3);
		first = false;
	}
	put(&o, "]");
	return o.len;
}

static const struct xlat sa_flags[] = {
    X(0x04000000, "SA_RESTORER"),  X(0x08000000, "SA_ONSTACK"),
    X(0x10000000, "SA_RESTART"),   X(0x40000000, "SA_NODEFER"),
    X(0x80000000, "SA_RESETHAND"), X(1, "SA_NOCLDSTOP"),
    X(2, "SA_NOCLDWAIT"),	   X(4, "SA_SIGINFO"),
    X(0x400, "SA_UNSUPPORTED"),	   X(0x800, "SA_EXPOSE_TAGBITS"),
};

size_t decode_sa_flags(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v, sa_flags, N(sa_flags), NULL);
}

static const struct xlat sighows[] = {
    X(0, "SIG_BLOCK"),
    X(1, "SIG_UNBLOCK"),
    X(2, "SIG_SETMASK"),
};

size_t decode_sighow(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, sighows, N(sighows),
			   "%#llx /* SIG_??? */");
}

static const struct xlat clone_flags[] = {
    X(0x00000100, "CLONE_VM"),
    X(0x00000200, "CLONE_FS"),
    X(0x00000400, "CLONE_FILES"),
    X(0x00000800, "CLONE_SIGHAND"),
    X(0x00001000, "CLONE_PIDFD"),
    X(0x00002000, "CLONE_PTRACE"),
    X(0x00004000, "CLONE_VFORK"),
    X(0x00008000, "CLONE_PARENT"),
    X(0x00010000, "CLONE_THREAD"),
    X(0x00020000, "CLONE_NEWNS"),
    X(0x00040000, "CLONE_SYSVSEM"),
    X(0x00080000, "CLONE_SETTLS"),
    X(0x00100000, "CLONE_PARENT_SETTID"),
    X(0x00200000, "CLONE_CHILD_CLEARTID"),
    X(0x00400000, "CLONE_DETACHED"),
    X(0x00800000, "CLONE_UNTRACED"),
    X(0x01000000, "CLONE_CHILD_SETTID"),
    X(0x02000000, "CLONE_NEWCGROUP"),
    X(0x04000000, "CLONE_NEWUTS"),
    X(0x08000000, "CLONE_NEWIPC"),
    X(0x10000000, "CLONE_NEWUSER"),
    X(0x20000000, "CLONE_NEWPID"),
    X(0x40000000, "CLONE_NEWNET"),
    X(0x80000000, "CLONE_IO"),
};

size_t decode_clone_flags(char *out, size_t sz, uint64_t v)
{
	struct out o = out_init(out, sz);
	uint64_t sig = v & 0xff;

	v &= ~(uint64_t)0xff;
	put_bits(&o, &v, clone_flags, N(clone_flags));
	put_rest(&o, v);
	if (sig) {
		const char *name = linux_signal_name((int)sig);
		if (o.len)
			put(&o, "|");
		if (name)
			put(&o, name);
		else
			putf(&o, "%llu", (unsigned long long)sig);
	}
	if (!o.len)
		put(&o, "0");
	return o.len;
}

static const struct xlat wait_opts[] = {
    X(1, "WNOHANG"),	      X(2, "WSTOPPED"),
    X(4, "WEXITED"),	      X(8, "WCONTINUED"),
    X(0x01000000, "WNOWAIT"), X(0x20000000, "__WNOTHREAD"),
    X(0x40000000, "__WALL"),  X(0x80000000, "__WCLONE"),
};

size_t decode_wait_options(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v & 0xffffffff, wait_opts, N(wait_opts),
			    NULL);
}

size_t decode_wait_status(char *out, size_t sz, uint64_t v)
{
	struct out o = out_init(out, sz);
	int s = (int)v;
	const char *name;

	if ((s & 0x7f) == 0) {
		putf(&o, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]",
		     (s >> 8) & 0xff);
	} else if ((s & 0xff) == 0x7f) {
		name = linux_signal_name((s >> 8) & 0xff);
		putf(&o, "[{WIFSTOPPED(s) && WSTOPSIG(s) == %s",
		     name ? name : "?");
		/* PTRACE_EVENT stops carry the event in the high bits. */
		if (s >> 16)
			putf(&o, " && s >> 16 == %d", s >> 16);
		put(&o, "}]");
	} else if (s == 0xffff) {
		put(&o, "[{WIFCONTINUED(s)}]");
	} else {
		name = linux_signal_name(s & 0x7f);
		if (name)
			putf(&o, "[{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}]",
			     name, (s & 0x80) ? " && WCOREDUMP(s)" : "");
		else
			putf(&o, "[%#x]", s);
	}
	return o.len;
}

static const struct xlat arch_prctls[] = {
    X(0x1001, "ARCH_SET_GS"),	      X(0x1002, "ARCH_SET_FS"),
    X(0x1003, "ARCH_GET_FS"),	      X(0x1004, "ARCH_GET_GS"),
    X(0x1011, "ARCH_GET_CPUID"),      X(0x1012, "ARCH_SET_CPUID"),
    X(0x1021, "ARCH_GET_XCOMP_SUPP"), X(0x1022, "ARCH_GET_XCOMP_PERM"),
    X(0x1023, "ARCH_REQ_XCOMP_PERM"), X(0x2001, "ARCH_MAP_VDSO_X32"),
    X(0x2002, "ARCH_MAP_VDSO_32"),    X(0x2003, "ARCH_MAP_VDSO_64"),
    X(0x5001, "ARCH_SHSTK_ENABLE"),   X(0x5002, "ARCH_SHSTK_DISABLE"),
    X(0x5003, "ARCH_SHSTK_LOCK"),     X(0x5005, "ARCH_SHSTK_STATUS"),
};

size_t decode_arch_prctl(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, arch_prctls, N(arch_prctls),
			   "%#llx /* ARCH_??? */");
}

static const struct xlat prctl_opts[] = {
    X(1, "PR_SET_PDEATHSIG"),
    X(2, "PR_GET_PDEATHSIG"),
    X(3, "PR_GET_DUMPABLE"),
    X(4, "PR_SET_DUMPABLE"),
    X(7, "PR_GET_KEEPCAPS"),
    X(8, "PR_SET_KEEPCAPS"),
    X(15, "PR_SET_NAME"),
    X(16, "PR_GET_NAME"),
    X(21, "PR_GET_SECCOMP"),
    X(22, "PR_SET_SECCOMP"),
    X(23, "PR_CAPBSET_READ"),
    X(24, "PR_CAPBSET_DROP"),
    X(25, "PR_GET_TSC"),
    X(26, "PR_SET_TSC"),
    X(27, "PR_GET_SECUREBITS"),
    X(28, "PR_SET_SECUREBITS"),
    X(29, "PR_SET_TIMERSLACK"),
    X(30, "PR_GET_TIMERSLACK"),
    X(35, "PR_SET_MM"),
    X(36, "PR_SET_CHILD_SUBREAPER"),
    X(37, "PR_GET_CHILD_SUBREAPER"),
    X(38, "PR_SET_NO_NEW_PRIVS"),
    X(39, "PR_GET_NO_NEW_PRIVS"),
    X(40, "PR_GET_TID_ADDRESS"),
    X(41, "PR_SET_THP_DISABLE"),
    X(42, "PR_GET_THP_DISABLE"),
    X(47, "PR_CAP_AMBIENT"),
    X(0x53564d41, "PR_SET_VMA"),
};

size_t decode_prctl_option(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, prctl_opts, N(prctl_opts),
			   "%#llx /* PR_??? */");
}

static const struct xlat clockids[] = {
    X(0, "CLOCK_REALTIME"),
    X(1, "CLOCK_MONOTONIC"),
    X(2, "CLOCK_PROCESS_CPUTIME_ID"),
    X(3, "CLOCK_THREAD_CPUTIME_ID"),
    X(4, "CLOCK_MONOTONIC_RAW"),
    X(5, "CLOCK_REALTIME_COARSE"),
    X(6, "CLOCK_MONOTONIC_COARSE"),
    X(7, "CLOCK_BOOTTIME"),
    X(8, "CLOCK_REALTIME_ALARM"),
    X(9, "CLOCK_BOOTTIME_ALARM"),
    X(11, "CLOCK_TAI"),
};

size_t decode_clockid(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, clockids, N(clockids),
			   "%#llx");
}

static const struct xlat rlimits[] = {
    X(0, "RLIMIT_CPU"),	      X(1, "RLIMIT_FSIZE"),  X(2, "RLIMIT_DATA"),
    X(3, "RLIMIT_STACK"),     X(4, "RLIMIT_CORE"),   X(5, "RLIMIT_RSS"),
    X(6, "RLIMIT_NPROC"),     X(7, "RLIMIT_NOFILE"), X(8, "RLIMIT_MEMLOCK"),
    X(9, "RLIMIT_AS"),	      X(10, "RLIMIT_LOCKS"), X(11, "RLIMIT_SIGPENDING"),
    X(12, "RLIMIT_MSGQUEUE"), X(13, "RLIMIT_NICE"),  X(14, "RLIMIT_RTPRIO"),
    X(15, "RLIMIT_RTTIME"),
};

size_t decode_rlimit(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, rlimits, N(rlimits),
			   "%#llx /* RLIMIT_??? */");
}

static const struct xlat rusage_who[] = {
    X(0, "RUSAGE_SELF"),
    X(0xffffffff, "RUSAGE_CHILDREN"),
    X(1, "RUSAGE_THREAD"),
};

size_t decode_rusage_who(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, rusage_who, N(rusage_who),
			   "%lld");
}

static const struct xlat futex_cmds[] = {
    X(0, "FUTEX_WAIT"),
    X(1, "FUTEX_WAKE"),
    X(2, "FUTEX_FD"),
    X(3, "FUTEX_REQUEUE"),
    X(4, "FUTEX_CMP_REQUEUE"),
    X(5, "FUTEX_WAKE_OP"),
    X(6, "FUTEX_LOCK_PI"),
    X(7, "FUTEX_UNLOCK_PI"),
    X(8, "FUTEX_TRYLOCK_PI"),
    X(9, "FUTEX_WAIT_BITSET"),
    X(10, "FUTEX_WAKE_BITSET"),
    X(11, "FUTEX_WAIT_REQUEUE_PI"),
    X(12, "FUTEX_CMP_REQUEUE_PI"),
    X(13, "FUTEX_LOCK_PI2"),
};

size_t decode_futex_op(char *out, size_t sz, uint64_t v)
{
	struct out o = out_init(out, sz);
	uint64_t cmd = v & 0x7f;
	const char *name = NULL;

	for (size_t i = 0; i < N(futex_cmds); i++)
		if (futex_cmds[i].val == cmd)
			name = futex_cmds[i].name;
	if (!name)
		return decode_enum(out, sz, v & 0xffffffff, NULL, 0, "%#llx");
	put(&o, name);
	if (v & 128)
		put(&o, "_PRIVATE");
	if (v & 256)
		put(&o, "|FUTEX_CLOCK_REALTIME");
	v &= 0xffffffff & ~(uint64_t)(0x7f | 128 | 256);
	put_rest(&o, v);
	return o.len;
}

/* ---- sockets and fds ---- */

static const struct xlat families[] = {
    X(0, "AF_UNSPEC"),	 X(1, "AF_UNIX"),    X(2, "AF_INET"), X(10, "AF_INET6"),
    X(16, "AF_NETLINK"), X(17, "AF_PACKET"), X(38, "AF_ALG"), X(40, "AF_VSOCK"),
};

size_t decode_sock_family(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, families, N(families),
			   "%#llx /* AF_??? */");
}

static const struct xlat sock_flags[] = {
    X(02000000, "SOCK_CLOEXEC"),
    X(04000, "SOCK_NONBLOCK"),
};

size_t decode_sock_flags(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v & 0xffffffff, sock_flags, N(sock_flags),
			    NULL);
}

size_t decode_sock_type(char *out, size_t sz, uint64_t v)
{
	static const struct xlat types[] = {
	    X(1, "SOCK_STREAM"),  X(2, "SOCK_DGRAM"),	  X(3, "SOCK_RAW"),
	    X(4, "SOCK_RDM"),	  X(5, "SOCK_SEQPACKET"), X(6, "SOCK_DCCP"),
	    X(10, "SOCK_PACKET"),
	};
	struct out o = out_init(out, sz);
	uint64_t rest = v & 0xffffffff & ~(uint64_t)0xf;
	char tmp[64];

	decode_enum(tmp, sizeof(tmp), v & 0xf, types, N(types), "%#llx");
	put(&o, tmp);
	put_bits(&o, &rest, sock_flags, N(sock_flags));
	put_rest(&o, rest);
	return o.len;
}

static const struct xlat msg_flags[] = {
    X(0x1, "MSG_OOB"),
    X(0x2, "MSG_PEEK"),
    X(0x4, "MSG_DONTROUTE"),
    X(0x8, "MSG_CTRUNC"),
    X(0x10, "MSG_PROXY"),
    X(0x20, "MSG_TRUNC"),
    X(0x40, "MSG_DONTWAIT"),
    X(0x80, "MSG_EOR"),
    X(0x100, "MSG_WAITALL"),
    X(0x200, "MSG_FIN"),
    X(0x400, "MSG_SYN"),
    X(0x800, "MSG_CONFIRM"),
    X(0x1000, "MSG_RST"),
    X(0x2000, "MSG_ERRQUEUE"),
    X(0x4000, "MSG_NOSIGNAL"),
    X(0x8000, "MSG_MORE"),
    X(0x10000, "MSG_WAITFORONE"),
    X(0x40000, "MSG_BATCH"),
    X(0x4000000, "MSG_ZEROCOPY"),
    X(0x20000000, "MSG_FASTOPEN"),
    X(0x40000000, "MSG_CMSG_CLOEXEC"),
};

size_t decode_msg_flags(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v & 0xffffffff, msg_flags, N(msg_flags),
			    NULL);
}

static const struct xlat shut_hows[] = {
    X(0, "SHUT_RD"),
    X(1, "SHUT_WR"),
    X(2, "SHUT_RDWR"),
};

size_t decode_shutdown_how(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, shut_hows, N(shut_hows),
			   "%#llx /* SHUT_??? */");
}

static const struct xlat epoll_ops[] = {
    X(1, "EPOLL_CTL_ADD"),
    X(2, "EPOLL_CTL_DEL"),
    X(3, "EPOLL_CTL_MOD"),
};

size_t decode_epoll_op(char *out, size_t sz, uint64_t v)
{
	return decode_enum(out, sz, v & 0xffffffff, epoll_ops, N(epoll_ops),
			   "%#llx /* EPOLL_CTL_??? */");
}

static const struct xlat grnd_flags[] = {
    X(1, "GRND_NONBLOCK"),
    X(2, "GRND_RANDOM"),
    X(4, "GRND_INSECURE"),
};

size_t decode_grnd_flags(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v & 0xffffffff, grnd_flags, N(grnd_flags),
			    NULL);
}

static const struct xlat efd_flags[] = {
    X(02000000, "EFD_CLOEXEC"),
    X(04000, "EFD_NONBLOCK"),
    X(1, "EFD_SEMAPHORE"),
};

size_t decode_efd_flags(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v & 0xffffffff, efd_flags, N(efd_flags),
			    NULL);
}

static const struct xlat mfd_flags[] = {
    X(1, "MFD_CLOEXEC"),     X(2, "MFD_ALLOW_SEALING"), X(4, "MFD_HUGETLB"),
    X(8, "MFD_NOEXEC_SEAL"), X(0x10, "MFD_EXEC"),
};

size_t decode_mfd_flags(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v & 0xffffffff, mfd_flags, N(mfd_flags),
			    NULL);
}

static const struct xlat timer_flags[] = {X(1, "TIMER_ABSTIME")};

size_t decode_timer_flags(char *out, size_t sz, uint64_t v)
{
	return decode_flags(out, sz, v & 0xffffffff, timer_flags,
			    N(timer_flags), NULL);
}
