/* futex(2): WAIT/WAKE (plain and bitset), REQUEUE, CMP_REQUEUE, WAKE_OP.
 * Private futexes are keyed by (address space, address); shared ones by
 * their memory-file offset when file-backed, else by address alone (shared
 * anonymous memory is at the same address in a forked child). */
#include "sentry/syscalls/sys_futex.h"

/* Waiters live on the sleeping thread's stack, unlinked before return. */
#pragma GCC diagnostic ignored "-Wdangling-pointer"

#include <stdlib.h>

#include "abi/errno.h"
#include "sentry/kernel/futex.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"
#include "sentry/mm/usercopy.h"

#define FUTEX_WAIT	       0
#define FUTEX_WAKE	       1
#define FUTEX_REQUEUE	       3
#define FUTEX_CMP_REQUEUE      4
#define FUTEX_WAKE_OP	       5
#define FUTEX_WAIT_BITSET      9
#define FUTEX_WAKE_BITSET      10
#define FUTEX_PRIVATE_FLAG     128
#define FUTEX_CLOCK_REALTIME   256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffU

struct fkey {
	const void *space; /* mm for private, NULL for shared */
	uint64_t addr;
};

struct fwaiter {
	struct fwaiter *next;
	struct fkey key;
	uint32_t bitset;
	bool woken;
	struct waitq wq;
};

static struct fwaiter *waiters;

static int make_key(struct task *t, uint64_t addr, bool private, struct fkey *k)
{
	if (addr & 3)
		return -LINUX_EINVAL;
	if (private) {
		k->space = t->mm;
		k->addr = addr;
		return 0;
	}
	struct vma *v = vma_find(&t->mm->vmas, addr);
	if (!v)
		return -LINUX_EFAULT;
	if ((v->flags & VMA_SHARED) && (v->flags & VMA_MEMFD)) {
		k->space = (void *)1; /* the memory file */
		k->addr = v->memfd_off + (addr - v->start);
	} else if (v->flags & VMA_SHARED) {
		k->space = NULL;
		k->addr = addr;
	} else {
		k->space = t->mm;
		k->addr = addr;
	}
	return 0;
}

static bool key_eq(const struct fkey *a, const struct fkey *b)
{
	return a->space == b->space && a->addr == b->addr;
}

static int wake(const struct fkey *k, int n, uint32_t bitset)
{
	int woken = 0;

	for (struct fwaiter **pp = &waiters; *pp && woken < n;) {
		struct fwaiter *w = *pp;
		if (key_eq(&w->key, k) && (w->bitset & bitset)) {
			*pp = w->next;
			w->woken = true;
			waitq_wake_all(&w->wq);
			woken++;
		} else {
			pp = &w->next;
		}
	}
	return woken;
}

int futex_wake_addr(struct task *t, uint64_t addr, int n)
{
	struct fkey k;

	if (make_key(t, addr, true, &k))
		return 0;
	/* Both private and shared waiters may use the clear-tid word. */
	int woken = wake(&k, n, FUTEX_BITSET_MATCH_ANY);
	if (!make_key(t, addr, false, &k) && woken < n)
		woken += wake(&k, n - woken, FUTEX_BITSET_MATCH_ANY);
	return woken;
}

static long do_wait(struct task *t, uint64_t addr, bool private, uint32_t val,
		    uint64_t utime, bool absolute, bool realtime,
		    uint32_t bitset)
{
	struct fwaiter w = {.bitset = bitset};
	struct timespec deadline, *dl = NULL;
	uint32_t cur;
	int err;

	if (!bitset)
		return -LINUX_EINVAL;
	err = make_key(t, addr, private, &w.key);
	if (err)
		return err;
	if (utime) {
		struct {
			int64_t sec, nsec;
		} ts;
		int64_t ns;
		if (copy_in(t, utime, &ts, sizeof(ts)))
			return -LINUX_EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return -LINUX_EINVAL;
		ns = ts.sec * 1000000000LL + ts.nsec;
		if (absolute && realtime)
			ns += now_ns(CLOCK_MONOTONIC) - now_ns(CLOCK_REALTIME);
		else if (!absolute)
			ns += now_ns(CLOCK_MONOTONIC);
		deadline.tv_sec = ns / 1000000000LL;
		deadline.tv_nsec = ns % 1000000000LL;
		dl = &deadline;
	}
	if (copy_in(t, addr, &cur, 4))
		return -LINUX_EFAULT;
	if (cur != val)
		return -LINUX_EAGAIN;
	waitq_init(&w.wq);
	w.next = waiters;
	waiters = &w;
	while (!w.woken) {
		err = task_wait(t, &w.wq, dl);
		if (err)
			break;
	}
	if (!w.woken) {
		for (struct fwaiter **pp = &waiters; *pp; pp = &(*pp)->next)
			if (*pp == &w) {
				*pp = w.next;
				break;
			}
		if (err == -LINUX_ETIMEDOUT)
			return -LINUX_ETIMEDOUT;
		return dl ? -LINUX_EINTR : -LINUX_ERESTARTSYS;
	}
	return 0;
}

static long requeue(struct task *t, uint64_t addr, uint64_t addr2, bool private,
		    int nwake, int nreq, bool cmp, uint32_t val)
{
	struct fkey k1, k2;
	int err, woken, moved = 0;

	if (nwake < 0 || nreq < 0)
		return -LINUX_EINVAL;
	err = make_key(t, addr, private, &k1);
	if (!err)
		err = make_key(t, addr2, private, &k2);
	if (err)
		return err;
	if (cmp) {
		uint32_t cur;
		if (copy_in(t, addr, &cur, 4))
			return -LINUX_EFAULT;
		if (cur != val)
			return -LINUX_EAGAIN;
	}
	woken = wake(&k1, nwake, FUTEX_BITSET_MATCH_ANY);
	for (struct fwaiter *w = waiters; w && moved < nreq; w = w->next) {
		if (key_eq(&w->key, &k1)) {
			w->key = k2;
			moved++;
		}
	}
	return woken + (cmp ? moved : 0);
}

static long wake_op(struct task *t, uint64_t addr, uint64_t addr2, bool private,
		    int n, int n2, uint32_t op)
{
	struct fkey k1, k2;
	uint32_t old, nv, oparg = (op >> 12) & 0xfff, cmparg = op & 0xfff;
	int kind = (op >> 28) & 7, cmp = (op >> 24) & 15, err, woken;
	bool cond;

	if ((op >> 31) & 1)
		oparg = 1U << (oparg & 31);
	err = make_key(t, addr, private, &k1);
	if (!err)
		err = make_key(t, addr2, private, &k2);
	if (err)
		return err;
	if (copy_in(t, addr2, &old, 4))
		return -LINUX_EFAULT;
	switch (kind) {
	case 0:
		nv = oparg;
		break;
	case 1:
		nv = old + oparg;
		break;
	case 2:
		nv = old | oparg;
		break;
	case 3:
		nv = old & ~oparg;
		break;
	case 4:
		nv = old ^ oparg;
		break;
	default:
		return -LINUX_ENOSYS;
	}
	if (copy_out(t, addr2, &nv, 4))
		return -LINUX_EFAULT;
	switch (cmp) {
	case 0:
		cond = old == cmparg;
		break;
	case 1:
		cond = old != cmparg;
		break;
	case 2:
		cond = (int)old < (int)cmparg;
		break;
	case 3:
		cond = (int)old <= (int)cmparg;
		break;
	case 4:
		cond = (int)old > (int)cmparg;
		break;
	case 5:
		cond = (int)old >= (int)cmparg;
		break;
	default:
		return -LINUX_ENOSYS;
	}
	woken = wake(&k1, n, FUTEX_BITSET_MATCH_ANY);
	if (cond)
		woken += wake(&k2, n2, FUTEX_BITSET_MATCH_ANY);
	return woken;
}

long sys_futex(struct task *t, const uint64_t a[6])
{
	int op = (int)a[1];
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	bool private = op & FUTEX_PRIVATE_FLAG;
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	uint32_t val = (uint32_t)a[2];

	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
		return -LINUX_ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		return do_wait(t, a[0], private, val, a[3], false, false,
			       FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAIT_BITSET:
		return do_wait(t, a[0], private, val, a[3], true, realtime,
			       (uint32_t)a[5]);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: {
		struct fkey k;
		uint32_t bits =
		    cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : (uint32_t)a[5];
		int err = make_key(t, a[0], private, &k);
		if (err)
			return err;
		if (!bits)
			return -LINUX_EINVAL;
		return wake(&k, (int)val < 0 ? 0x7fffffff : (int)val, bits);
	}
	case FUTEX_REQUEUE:
		return requeue(t, a[0], a[4], private, (int)val, (int)a[3],
			       false, 0);
	case FUTEX_CMP_REQUEUE:
		return requeue(t, a[0], a[4], private, (int)val, (int)a[3],
			       true, (uint32_t)a[5]);
	case FUTEX_WAKE_OP:
		return wake_op(t, a[0], a[4], private, (int)val, (int)a[3],
			       (uint32_t)a[5]);
	}
	return -LINUX_ENOSYS;
}

long sys_set_robust_list(struct task *t, const uint64_t a[6])
{
	if (a[1] != 24)
		return -LINUX_EINVAL;
	t->robust_list = a[0];
	t->robust_len = a[1];
	return 0;
}

long sys_get_robust_list(struct task *t, const uint64_t a[6])
{
	int pid = (int)a[0];
	struct task *target = pid ? task_lookup(pid) : t;
	uint64_t len = 24;

	if (!target)
		return -LINUX_ESRCH;
	if (copy_out(t, a[1], &target->robust_list, 8) ||
	    copy_out(t, a[2], &len, 8))
		return -LINUX_EFAULT;
	return 0;
}
