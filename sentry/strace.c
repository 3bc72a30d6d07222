/* --strace output (see strace.h). Arguments are decoded by kind
 * (abi/syscall_args.h): in-arguments at entry, into thread-local storage,
 * out-arguments at exit; the line is written at exit. */
#include "sentry/strace.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi/decode.h"
#include "abi/syscall_args.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/syscalls/syscall.h"

bool strace_enabled;
int strace_fd = 2;

#define MAX_STRLEN   32 /* strace's default -s */
#define MAX_ARRAY    32 /* argv entries, iovecs shown */
#define PATH_MAX_LEN 4096
#define ARG_TEXT     20000 /* a whole path escaped, 4 chars per byte */
#define PAGE	     4096ULL

/* Entry-time text of each argument; NULL for out-arguments (decoded at
 * exit) and for a syscall never entered on this thread. */
struct pending {
	bool active;
	uint64_t nr;
	char *arg[6];
};
static __thread struct pending pend;

/* strace -f prefixes lines with [pid N] once it traces several tasks. */
static atomic_int first_tid;
static atomic_bool many_tasks;

/* ---- reading application memory without ever failing the syscall ---- */

/* Copy up to n bytes from addr; returns how many leading bytes were
 * readable (a string may end right before an unmapped page). */
static size_t read_some(struct task *t, uint64_t addr, void *buf, size_t n)
{
	size_t done = 0;

	if (n == 0 || copy_in(t, addr, buf, n) == 0)
		return n;
	while (done < n) {
		uint64_t a = addr + done;
		size_t chunk = PAGE - (a & (PAGE - 1));

		if (chunk > n - done)
			chunk = n - done;
		if (copy_in(t, a, (char *)buf + done, chunk) != 0)
			break;
		done += chunk;
	}
	return done;
}

/* Read a NUL-terminated string of at most max bytes (excluding the NUL).
 * Returns its length, with *more set when no NUL came within max bytes, or
 * -1 when the memory is unreadable before the end. */
static long read_cstr(struct task *t, uint64_t addr, char *buf, size_t max,
		      bool *more)
{
	size_t got = read_some(t, addr, buf, max + 1);
	char *nul = memchr(buf, '\0', got);

	*more = false;
	if (nul)
		return nul - buf;
	if (got == max + 1) {
		*more = true;
		return (long)max;
	}
	return -1;
}

/* ---- a bounded appender ---- */

struct sb {
	char *p;
	size_t sz, len;
};

static void sb_put(struct sb *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + 1 >= b->sz)
		return;
	if (n > b->sz - 1 - b->len)
		n = b->sz - 1 - b->len;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

__attribute__((format(printf, 2, 3))) static void
sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len + 1 >= b->sz)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->sz - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len +=
		    (size_t)n < b->sz - b->len ? (size_t)n : b->sz - b->len - 1;
}

static void sb_ptr(struct sb *b, uint64_t p)
{
	if (p)
		sb_printf(b, "%#" PRIx64, p);
	else
		sb_put(b, "NULL");
}

static void sb_quote(struct sb *b, const void *buf, size_t n, bool truncated)
{
	if (b->len + 1 >= b->sz)
		return;
	b->len +=
	    strace_quote(b->p + b->len, b->sz - b->len, buf, n, truncated);
}

static void sb_decode(struct sb *b, decode_fn fn, uint64_t v)
{
	if (b->len + 1 >= b->sz)
		return;
	b->len += fn(b->p + b->len, b->sz - b->len, v);
}

/* A buffer of len bytes at addr, strace -s style. */
static void put_buf_as(struct sb *b, struct task *t, uint64_t addr,
		       uint64_t len, bool hex)
{
	char data[MAX_STRLEN];
	size_t n = len < MAX_STRLEN ? (size_t)len : MAX_STRLEN;

	if (!addr || read_some(t, addr, data, n) != n) {
		sb_ptr(b, addr);
		return;
	}
	if (hex && b->len + 1 < b->sz)
		b->len += strace_quote_hex(b->p + b->len, b->sz - b->len, data,
					   n, len > n);
	else
		sb_quote(b, data, n, len > n);
}

static void put_buf(struct sb *b, struct task *t, uint64_t addr, uint64_t len)
{
	put_buf_as(b, t, addr, len, false);
}

static void put_rlim_value(struct sb *b, uint64_t v)
{
	if (v == UINT64_MAX)
		sb_put(b, "RLIM64_INFINITY");
	else if (v && v % 1024 == 0)
		sb_printf(b, "%" PRIu64 "*1024", v / 1024);
	else
		sb_printf(b, "%" PRIu64, v);
}

static void put_rlimit(struct sb *b, struct task *t, uint64_t addr)
{
	uint64_t r[2];

	if (!addr || copy_in(t, addr, r, sizeof(r)) != 0) {
		sb_ptr(b, addr);
		return;
	}
	sb_put(b, "{rlim_cur=");
	put_rlim_value(b, r[0]);
	sb_put(b, ", rlim_max=");
	put_rlim_value(b, r[1]);
	sb_put(b, "}");
}

/* struct statx: mask u32 @0, attributes u64 @8, mode u16 @28, size
 * u64 @40. */
static void put_statx(struct sb *b, struct task *t, uint64_t addr)
{
	uint8_t sx[48];
	uint32_t mask;
	uint64_t attrs, size;
	uint16_t mode;

	if (!addr || copy_in(t, addr, sx, sizeof(sx)) != 0) {
		sb_ptr(b, addr);
		return;
	}
	memcpy(&mask, sx, 4);
	memcpy(&attrs, sx + 8, 8);
	memcpy(&mode, sx + 28, 2);
	memcpy(&size, sx + 40, 8);
	sb_put(b, "{stx_mask=");
	sb_decode(b, decode_statx_mask, mask);
	sb_printf(b, ", stx_attributes=%#" PRIx64 ", stx_mode=", attrs);
	sb_decode(b, decode_file_mode, mode);
	sb_printf(b, ", stx_size=%" PRIu64 ", ...}", size);
}

static void put_cstr(struct sb *b, struct task *t, uint64_t addr, size_t max)
{
	char *s = malloc(max + 1);
	bool more;
	long n;

	if (!s || !addr || (n = read_cstr(t, addr, s, max, &more)) < 0)
		sb_ptr(b, addr);
	else
		sb_quote(b, s, (size_t)n, more);
	free(s);
}

static void put_strv(struct sb *b, struct task *t, uint64_t addr)
{
	uint64_t p;
	int i;

	if (!addr || copy_in(t, addr, &p, sizeof(p)) != 0) {
		sb_ptr(b, addr);
		return;
	}
	sb_put(b, "[");
	for (i = 0; i < MAX_ARRAY; i++) {
		if (copy_in(t, addr + 8 * i, &p, sizeof(p)) != 0 || !p)
			break;
		if (i)
			sb_put(b, ", ");
		put_cstr(b, t, p, MAX_STRLEN);
	}
	if (i == MAX_ARRAY && copy_in(t, addr + 8 * i, &p, sizeof(p)) == 0 && p)
		sb_put(b, ", ...");
	sb_put(b, "]");
}

static void put_envp(struct sb *b, struct task *t, uint64_t addr)
{
	uint64_t p;
	int n = 0;

	sb_ptr(b, addr);
	if (!addr)
		return;
	while (n < 65536 &&
	       copy_in(t, addr + 8 * (uint64_t)n, &p, sizeof(p)) == 0 && p)
		n++;
	sb_printf(b, " /* %d var%s */", n, n == 1 ? "" : "s");
}

static void put_sigset(struct sb *b, struct task *t, uint64_t addr)
{
	uint64_t set;

	if (!addr || copy_in(t, addr, &set, sizeof(set)) != 0)
		sb_ptr(b, addr);
	else
		sb_decode(b, decode_sigset, set);
}

/* The kernel's struct sigaction: handler, flags, restorer, mask. */
static void put_sigaction(struct sb *b, struct task *t, uint64_t addr)
{
	uint64_t sa[4];

	if (!addr || copy_in(t, addr, sa, sizeof(sa)) != 0) {
		sb_ptr(b, addr);
		return;
	}
	sb_put(b, "{sa_handler=");
	if (sa[0] == 0)
		sb_put(b, "SIG_DFL");
	else if (sa[0] == 1)
		sb_put(b, "SIG_IGN");
	else
		sb_printf(b, "%#" PRIx64, sa[0]);
	sb_put(b, ", sa_mask=");
	sb_decode(b, decode_sigset, sa[3]);
	sb_put(b, ", sa_flags=");
	sb_decode(b, decode_sa_flags, sa[1]);
	if (sa[1] & 0x04000000) { /* SA_RESTORER */
		sb_put(b, ", sa_restorer=");
		sb_ptr(b, sa[2]);
	}
	sb_put(b, "}");
}

static void put_timespec(struct sb *b, struct task *t, uint64_t addr)
{
	int64_t ts[2];

	if (!addr || copy_in(t, addr, ts, sizeof(ts)) != 0)
		sb_ptr(b, addr);
	else
		sb_printf(b, "{tv_sec=%" PRId64 ", tv_nsec=%" PRId64 "}", ts[0],
			  ts[1]);
}

/* iovecs of a readv/writev; total: bytes to show across them (the
 * return value of readv), or UINT64_MAX for each iovec's own length. */
static void put_iov(struct sb *b, struct task *t, uint64_t addr, uint64_t count,
		    uint64_t total)
{
	struct linux_iovec iov;
	uint64_t i;

	if (!addr || count == 0 || copy_in(t, addr, &iov, sizeof(iov)) != 0) {
		sb_ptr(b, addr);
		return;
	}
	sb_put(b, "[");
	for (i = 0; i < count && i < MAX_ARRAY; i++) {
		uint64_t show;

		if (copy_in(t, addr + i * sizeof(iov), &iov, sizeof(iov)) != 0)
			break;
		if (i)
			sb_put(b, ", ");
		show = iov.len < total ? iov.len : total;
		if (total != UINT64_MAX)
			total -= show;
		sb_put(b, "{iov_base=");
		put_buf(b, t, iov.base, show);
		sb_printf(b, ", iov_len=%" PRIu64 "}", iov.len);
	}
	if (i < count)
		sb_put(b, ", ...");
	sb_put(b, "]");
}

static void put_sockaddr(struct sb *b, struct task *t, uint64_t addr,
			 uint64_t len)
{
	uint8_t sa[128];
	size_t n = len < sizeof(sa) ? (size_t)len : sizeof(sa);
	uint16_t family;
	char tmp[64];

	if (!addr || n < 2 || read_some(t, addr, sa, n) != n) {
		sb_ptr(b, addr);
		return;
	}
	memcpy(&family, sa, 2);
	sb_put(b, "{sa_family=");
	sb_decode(b, decode_sock_family, family);
	if (family == 1 && n > 2) { /* AF_UNIX */
		size_t plen = strnlen((char *)sa + 2, n - 2);

		sb_put(b, ", sun_path=");
		if (sa[2] == '\0') { /* abstract: the whole length counts */
			sb_put(b, "@");
			sb_quote(b, sa + 3, n - 3, false);
		} else {
			sb_quote(b, sa + 2, plen, false);
		}
	} else if (family == 2 && n >= 8) { /* AF_INET */
		uint16_t port;

		memcpy(&port, sa + 2, 2);
		inet_ntop(AF_INET, sa + 4, tmp, sizeof(tmp));
		sb_printf(b, ", sin_port=htons(%u), sin_addr=inet_addr(\"%s\")",
			  ntohs(port), tmp);
	} else if (family == 10 && n >= 24) { /* AF_INET6 */
		uint16_t port;

		memcpy(&port, sa + 2, 2);
		inet_ntop(AF_INET6, sa + 8, tmp, sizeof(tmp));
		sb_printf(b,
			  ", sin6_port=htons(%u), "
			  "inet_pton(AF_INET6, \"%s\", &sin6_addr)",
			  ntohs(port), tmp);
	} else {
		sb_put(b, ", ...");
	}
	sb_put(b, "}");
}

static void put_stat(struct sb *b, struct task *t, uint64_t addr)
{
	uint8_t st[144]; /* x86-64 struct stat */
	uint32_t mode;
	uint64_t rdev;
	int64_t size;

	if (!addr || copy_in(t, addr, st, sizeof(st)) != 0) {
		sb_ptr(b, addr);
		return;
	}
	memcpy(&mode, st + 24, 4);
	memcpy(&rdev, st + 40, 8);
	memcpy(&size, st + 48, 8);
	sb_put(b, "{st_mode=");
	sb_decode(b, decode_file_mode, mode);
	if ((mode & 0170000) == 0020000 || (mode & 0170000) == 0060000) {
		unsigned major =
		    ((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffULL);
		unsigned minor = (rdev & 0xff) | ((rdev >> 12) & ~0xffULL);

		sb_printf(b, ", st_rdev=makedev(%#x, %#x), ...}", major, minor);
	} else {
		sb_printf(b, ", st_size=%" PRId64 ", ...}", size);
	}
}

static void put_utsname(struct sb *b, struct task *t, uint64_t addr)
{
	char u[65 * 6];

	if (!addr || copy_in(t, addr, u, sizeof(u)) != 0) {
		sb_ptr(b, addr);
		return;
	}
	u[64] = u[65 + 64] = '\0';
	sb_put(b, "{sysname=");
	sb_quote(b, u, strlen(u), false);
	sb_put(b, ", nodename=");
	sb_quote(b, u + 65, strlen(u + 65), false);
	sb_put(b, ", ...}");
}

static void put_dirents(struct sb *b, struct task *t, uint64_t addr, long ret)
{
	size_t len = ret < 65536 ? (size_t)ret : 65536;
	uint8_t *buf = malloc(len ? len : 1);
	size_t off = 0;
	int n = 0;

	sb_ptr(b, addr);
	if (!buf || copy_in(t, addr, buf, len) != 0) {
		free(buf);
		return;
	}
	/* d_reclen sits at offset 16 in both linux_dirent and dirent64. */
	while (off + 18 <= len) {
		uint16_t reclen;

		memcpy(&reclen, buf + off + 16, 2);
		if (reclen == 0)
			break;
		off += reclen;
		n++;
	}
	free(buf);
	sb_printf(b, " /* %d entr%s */", n, n == 1 ? "y" : "ies");
}

static void put_fcntl_arg(struct sb *b, uint64_t cmd, uint64_t v)
{
	switch ((int)cmd) {
	case 2: /* F_SETFD */
		sb_decode(b, decode_fd_flags, v);
		break;
	case 4: /* F_SETFL */
		sb_decode(b, decode_open_flags, v);
		break;
	case 5:
	case 6:
	case 7:
	case 15:
	case 16:
	case 36:
	case 37:
	case 38:
		sb_ptr(b, v); /* struct flock / f_owner_ex */
		break;
	default:
		sb_printf(b, "%d", (int)v);
	}
}

static bool fcntl_has_arg(uint64_t cmd)
{
	switch ((int)cmd) {
	case 1:
	case 3:
	case 9:
	case 11:
	case 1025:
	case 1032:
	case 1034:
		return false; /* the F_GET* commands */
	default:
		return true;
	}
}

/* The out-kinds are one contiguous block of enum sarg_kind. */
static bool is_out_kind(int k)
{
	return k >= SA_BUF_OUT_HEX && k <= SA_TIMESPEC_OUT;
}

static const decode_fn decoders[SA_KIND_MAX] = {
    [SA_DIRFD] = decode_dirfd,
    [SA_OPEN_FLAGS] = decode_open_flags,
    [SA_OFLAGS] = decode_oflags,
    [SA_OPEN_MODE] = decode_mode,
    [SA_MODE] = decode_mode,
    [SA_PROT] = decode_prot,
    [SA_MMAP_FLAGS] = decode_mmap_flags,
    [SA_MREMAP_FLAGS] = decode_mremap_flags,
    [SA_MSYNC_FLAGS] = decode_msync_flags,
    [SA_MADVISE] = decode_madvise,
    [SA_FADVISE] = decode_fadvise,
    [SA_AT_FLAGS] = decode_at_flags,
    [SA_CLONE_FLAGS] = decode_clone_flags,
    [SA_SIGNAL] = decode_signal,
    [SA_SIGHOW] = decode_sighow,
    [SA_FCNTL_CMD] = decode_fcntl_cmd,
    [SA_IOCTL_CMD] = decode_ioctl_cmd,
    [SA_WHENCE] = decode_whence,
    [SA_ACCESS] = decode_access_mode,
    [SA_WAIT_OPTIONS] = decode_wait_options,
    [SA_SOCK_FAMILY] = decode_sock_family,
    [SA_SOCK_TYPE] = decode_sock_type,
    [SA_SOCK_FLAGS] = decode_sock_flags,
    [SA_MSG_FLAGS] = decode_msg_flags,
    [SA_SHUT_HOW] = decode_shutdown_how,
    [SA_FUTEX_OP] = decode_futex_op,
    [SA_ARCH_PRCTL] = decode_arch_prctl,
    [SA_PRCTL] = decode_prctl_option,
    [SA_CLOCKID] = decode_clockid,
    [SA_RLIMIT] = decode_rlimit,
    [SA_FLOCK_OP] = decode_flock_op,
    [SA_EPOLL_OP] = decode_epoll_op,
    [SA_GRND_FLAGS] = decode_grnd_flags,
    [SA_EFD_FLAGS] = decode_efd_flags,
    [SA_MFD_FLAGS] = decode_mfd_flags,
    [SA_TIMER_FLAGS] = decode_timer_flags,
    [SA_RUSAGE_WHO] = decode_rusage_who,
    [SA_STATX_FLAGS] = decode_statx_flags,
    [SA_STATX_MASK] = decode_statx_mask,
};

/* Decode argument i of kind k. Out-kinds use ret and are only valid at
 * exit: a failed call shows their pointer. */
static void put_arg(struct sb *b, struct task *t, int k, int i,
		    const uint64_t a[6], long ret)
{
	uint64_t v = a[i];
	uint64_t next = i < 5 ? a[i + 1] : 0;

	if (is_out_kind(k) && ret < 0 && k != SA_WSTATUS_OUT) {
		sb_ptr(b, v);
		return;
	}
	switch (k) {
	case SA_DEC:
	case SA_FD:
		sb_printf(b, "%d", (int)v);
		return;
	case SA_LDEC:
		sb_printf(b, "%" PRId64, (int64_t)v);
		return;
	case SA_UDEC:
		sb_printf(b, "%" PRIu64, v);
		return;
	case SA_HEX:
		sb_printf(b, "%#" PRIx64, v);
		return;
	case SA_PTR:
		sb_ptr(b, v);
		return;
	case SA_PATH:
		put_cstr(b, t, v, PATH_MAX_LEN);
		return;
	case SA_STR:
		put_cstr(b, t, v, MAX_STRLEN);
		return;
	case SA_BUF_IN:
		put_buf(b, t, v, next);
		return;
	case SA_STRV:
		put_strv(b, t, v);
		return;
	case SA_ENVP:
		put_envp(b, t, v);
		return;
	case SA_SIGSET_IN:
	case SA_SIGSET_OUT:
		put_sigset(b, t, v);
		return;
	case SA_TIMESPEC_IN:
	case SA_TIMESPEC_OUT:
		put_timespec(b, t, v);
		return;
	case SA_SIGACTION_IN:
	case SA_SIGACTION_OUT:
		put_sigaction(b, t, v);
		return;
	case SA_IOV_IN:
		put_iov(b, t, v, next, UINT64_MAX);
		return;
	case SA_IOV_OUT:
		put_iov(b, t, v, next, (uint64_t)ret);
		return;
	case SA_SOCKADDR_IN:
		put_sockaddr(b, t, v, next);
		return;
	case SA_BUF_OUT:
		put_buf(b, t, v, (uint64_t)ret);
		return;
	case SA_BUF_OUT_HEX:
		put_buf_as(b, t, v, (uint64_t)ret, true);
		return;
	case SA_RLIMIT_IN:
	case SA_RLIMIT_OUT:
		put_rlimit(b, t, v);
		return;
	case SA_STATX_OUT:
		put_statx(b, t, v);
		return;
	case SA_PATH_OUT:
		if (ret > 0)
			put_cstr(b, t, v, PATH_MAX_LEN);
		else
			sb_ptr(b, v);
		return;
	case SA_STAT_OUT:
		put_stat(b, t, v);
		return;
	case SA_PIPEFDS_OUT: {
		int fds[2];

		if (copy_in(t, v, fds, sizeof(fds)) != 0)
			sb_ptr(b, v);
		else
			sb_printf(b, "[%d, %d]", fds[0], fds[1]);
		return;
	}
	case SA_WSTATUS_OUT: {
		int status;

		if (ret > 0 && v && copy_in(t, v, &status, sizeof(status)) == 0)
			sb_decode(b, decode_wait_status, (uint32_t)status);
		else
			sb_ptr(b, v);
		return;
	}
	case SA_DIRENTS_OUT:
		put_dirents(b, t, v, ret);
		return;
	case SA_UTSNAME_OUT:
		put_utsname(b, t, v);
		return;
	case SA_FCNTL_ARG:
		put_fcntl_arg(b, i > 0 ? a[i - 1] : 0, v);
		return;
	default:
		if (k > 0 && k < SA_KIND_MAX && decoders[k])
			sb_decode(b, decoders[k], v);
		else
			sb_printf(b, "%#" PRIx64, v);
	}
}

/* How many arguments strace shows: fewer than the table says for calls
 * whose later arguments only exist for some values of earlier ones. */
static int shown_args(uint64_t nr, const struct syscall_args *d,
		      const uint64_t a[6])
{
	int n = d->nargs;

	for (int i = 1; i < n; i++) {
		if (d->arg[i] == SA_OPEN_MODE &&
		    !(a[i - 1] & (0100 | 020000000))) /* O_CREAT, O_TMPFILE */
			return i;
		if (d->arg[i] == SA_FCNTL_ARG && !fcntl_has_arg(a[i - 1]))
			return i;
	}
	if (nr == 202) { /* futex */
		switch (a[1] & 0x7f) {
		case 0:
		case 6:
		case 11: /* WAIT, LOCK_PI, WAIT_REQUEUE_PI */
			return 4;
		case 1:
		case 2: /* WAKE, FD */
			return 3;
		case 3: /* REQUEUE */
			return 5;
		case 7:
		case 8: /* UNLOCK_PI, TRYLOCK_PI */
			return 2;
		}
	}
	return n;
}

/* clone(flags, stack, parent_tid, child_tid, tls) as strace shows it. */
static void put_clone(struct sb *b, struct task *t, const uint64_t a[6],
		      long ret, bool at_exit)
{
	sb_put(b, "child_stack=");
	sb_ptr(b, a[1]);
	sb_put(b, ", flags=");
	sb_decode(b, decode_clone_flags, a[0]);
	if (a[0] & 0x00100000) { /* CLONE_PARENT_SETTID */
		int tid;

		sb_put(b, ", parent_tid=");
		if (at_exit && ret > 0 &&
		    copy_in(t, a[2], &tid, sizeof(tid)) == 0)
			sb_printf(b, "[%d]", tid);
		else
			sb_ptr(b, a[2]);
	}
	if (a[0] & 0x00080000) { /* CLONE_SETTLS */
		sb_put(b, ", tls=");
		sb_ptr(b, a[4]);
	}
	if (a[0] & 0x01200000) { /* CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID */
		sb_put(b, ", child_tidptr=");
		sb_ptr(b, a[3]);
	}
}

static void pend_clear(void)
{
	for (int i = 0; i < 6; i++) {
		free(pend.arg[i]);
		pend.arg[i] = NULL;
	}
	pend.active = false;
}

static int line_pid(struct task *t)
{
	int expected = 0;

	if (atomic_compare_exchange_strong(&first_tid, &expected, t->tid))
		return 0;
	if (expected != t->tid)
		atomic_store(&many_tasks, true);
	return atomic_load(&many_tasks) ? t->tid : 0;
}

/* Build "name(args)" into b. at_exit: out-arguments are decoded with ret;
 * in-arguments come from the entry-time text when there is one. */
static void format_call(struct sb *b, struct task *t, uint64_t nr,
			const uint64_t a[6], long ret, bool at_exit)
{
	const struct syscall_args *d = syscall_args_get(nr);
	const char *name = syscall_name(nr);
	char *scratch;

	if (!name && d)
		name = d->name;
	if (name)
		sb_put(b, name);
	else
		sb_printf(b, "syscall_%#" PRIx64, nr);
	sb_put(b, "(");
	if (!d) {
		for (int i = 0; i < 6; i++)
			sb_printf(b, "%s%#" PRIx64, i ? ", " : "", a[i]);
		sb_put(b, ")");
		return;
	}
	if (nr == 56) {
		put_clone(b, t, a, ret, at_exit);
		sb_put(b, ")");
		return;
	}
	if (nr == 157 && (a[0] == 15 || a[0] == 16)) {
		/* prctl(PR_SET_NAME/PR_GET_NAME, "comm"): a 16-byte name. */
		sb_put(b, a[0] == 15 ? "PR_SET_NAME, " : "PR_GET_NAME, ");
		if (a[0] == 16 && ret < 0)
			sb_ptr(b, a[1]);
		else
			put_cstr(b, t, a[1], 15);
		sb_put(b, ")");
		return;
	}
	scratch = malloc(ARG_TEXT);
	for (int i = 0, n = shown_args(nr, d, a); i < n; i++) {
		if (i)
			sb_put(b, ", ");
		if (at_exit && pend.active && pend.nr == nr && pend.arg[i]) {
			sb_put(b, pend.arg[i]);
		} else if (!at_exit && is_out_kind(d->arg[i])) {
			continue; /* decoded at exit */
		} else if (scratch) {
			struct sb s = {.p = scratch, .sz = ARG_TEXT};

			scratch[0] = '\0';
			put_arg(&s, t, d->arg[i], i, a, ret);
			sb_put(b, scratch);
		}
	}
	free(scratch);
	sb_put(b, ")");
}

static void emit(struct task *t, const char *call, const char *ret_text)
{
	char *line = strace_make_line(line_pid(t), call, ret_text);

	if (!line)
		return;
	/* One write per line: lines of different tasks never interleave. */
	(void)!write(strace_fd, line, strlen(line));
	free(line);
}

void strace_enter(struct task *t, uint64_t nr, const uint64_t a[6])
{
	const struct syscall_args *d = syscall_args_get(nr);
	char *scratch;

	pend_clear();
	if (d && d->ret == SR_NONE) {
		/* exit/exit_group never come back to strace_exit. */
		char *call = malloc(ARG_TEXT);

		if (call) {
			struct sb b = {.p = call, .sz = ARG_TEXT};

			call[0] = '\0';
			format_call(&b, t, nr, a, 0, true);
			emit(t, call, "?");
			free(call);
		}
		return;
	}
	if (!d || nr == 56 || nr == 157)
		return; /* nothing to capture: all decoded at exit */
	scratch = malloc(ARG_TEXT);
	if (!scratch)
		return;
	pend.nr = nr;
	for (int i = 0, n = shown_args(nr, d, a); i < n; i++) {
		struct sb s = {.p = scratch, .sz = ARG_TEXT};

		if (is_out_kind(d->arg[i]))
			continue;
		scratch[0] = '\0';
		put_arg(&s, t, d->arg[i], i, a, 0);
		pend.arg[i] = strdup(scratch);
	}
	pend.active = true;
	free(scratch);
}

void strace_exit(struct task *t, uint64_t nr, const uint64_t a[6], long ret)
{
	const struct syscall_args *d = syscall_args_get(nr);
	char rtext[256];
	char *call;

	if (d && d->ret == SR_NONE) {
		pend_clear();
		return; /* printed at entry */
	}
#ifdef SYSCALL_KEEP_REGS
	/* execve and rt_sigreturn set every register themselves: what the
	 * application sees in rax is what strace shows. */
	if (ret == SYSCALL_KEEP_REGS)
		ret = (long)t->regs.r.rax;
#endif
	call = malloc(ARG_TEXT * 2);
	if (call) {
		struct sb b = {.p = call, .sz = ARG_TEXT * 2};
		size_t rl;

		call[0] = '\0';
		format_call(&b, t, nr, a, ret, true);
		rl = strace_format_ret(rtext, sizeof(rtext), ret,
				       d ? d->ret : SR_DEC);
		/* fcntl(fd, F_GETFD/F_GETFL) = 0x8002 (flags O_RDWR|...) */
		if (nr == 72 && ret >= 0 &&
		    ((int)a[1] == 1 || (int)a[1] == 3)) {
			rl = (size_t)snprintf(rtext, sizeof(rtext),
					      "%#lx (flags ", ret);
			rl += ((int)a[1] == 1 ? decode_fd_flags
					      : decode_open_flags)(
			    rtext + rl, sizeof(rtext) - rl - 1, (uint64_t)ret);
			rtext[rl++] = ')';
			rtext[rl] = '\0';
		}
		emit(t, call, rtext);
		free(call);
	}
	pend_clear();
}
