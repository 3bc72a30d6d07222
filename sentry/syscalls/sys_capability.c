/* capget, capset and the capability options of prctl, with Linux's rules
 * (kernel/capability.c, security/commoncap.c). The sets themselves and
 * their transitions are in kernel/cred.c. */
#include "sentry/syscalls/sys_capability.h"

#include "abi/errno.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"

#define CAP_VERSION_1 0x19980330 /* one 32-bit word per set */
#define CAP_VERSION_2 0x20071026 /* two words; deprecated, same as 3 */
#define CAP_VERSION_3 0x20080522

struct cap_header {
	uint32_t version;
	int32_t pid;
};

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

/* The number of cap_data words the header's version asks for, or an error
 * after writing the preferred version back (how libcap probes). */
static int cap_words(struct task *t, uint64_t uhdr)
{
	uint32_t version, preferred = CAP_VERSION_3;

	if (copy_in(t, uhdr, &version, sizeof(version)))
		return -LINUX_EFAULT;
	switch (version) {
	case CAP_VERSION_1:
		return 1;
	case CAP_VERSION_2:
	case CAP_VERSION_3:
		return 2;
	}
	if (copy_out(t, uhdr, &preferred, sizeof(preferred)))
		return -LINUX_EFAULT;
	return -LINUX_EINVAL;
}

/* capget: a NULL data pointer only probes the version (0 even for an
 * unknown one, after writing the preferred version). */
long sys_capget(struct task *t, const uint64_t a[6])
{
	struct cap_header h;
	struct cap_data d[2];
	int words = cap_words(t, a[0]);

	if (!a[1])
		return words == -LINUX_EINVAL ? 0 : words < 0 ? words : 0;
	if (words < 0)
		return words;
	if (copy_in(t, a[0], &h, sizeof(h)))
		return -LINUX_EFAULT;
	if (h.pid < 0)
		return -LINUX_EINVAL;
	struct task *target = h.pid ? task_lookup(h.pid) : t;
	if (!target)
		return -LINUX_ESRCH;
	const struct cred *c = &target->cred;
	for (int i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(c->cap_effective >> (32 * i));
		d[i].permitted = (uint32_t)(c->cap_permitted >> (32 * i));
		d[i].inheritable = (uint32_t)(c->cap_inheritable >> (32 * i));
	}
	/* Version 1 silently loses capabilities 32 and up. */
	if (copy_out(t, a[1], d, (size_t)words * sizeof(d[0])))
		return -LINUX_EFAULT;
	return 0;
}

/* capset: only on the calling thread (pid 0 or its own tid). A version 1
 * caller clears capabilities 32 and up, as on Linux. */
long sys_capset(struct task *t, const uint64_t a[6])
{
	struct cap_header h;
	struct cap_data d[2] = {{0}};
	int words = cap_words(t, a[0]);

	if (words < 0)
		return words;
	if (copy_in(t, a[0], &h, sizeof(h)))
		return -LINUX_EFAULT;
	if (h.pid != 0 && h.pid != t->tid)
		return -LINUX_EPERM;
	if (copy_in(t, a[1], d, (size_t)words * sizeof(d[0])))
		return -LINUX_EFAULT;
	return cred_capset(&t->cred,
			   d[0].effective | (uint64_t)d[1].effective << 32,
			   d[0].permitted | (uint64_t)d[1].permitted << 32,
			   d[0].inheritable | (uint64_t)d[1].inheritable << 32);
}

#define PR_GET_KEEPCAPS		 7
#define PR_SET_KEEPCAPS		 8
#define PR_CAPBSET_READ		 23
#define PR_CAPBSET_DROP		 24
#define PR_GET_SECUREBITS	 27
#define PR_SET_SECUREBITS	 28
#define PR_SET_NO_NEW_PRIVS	 38
#define PR_GET_NO_NEW_PRIVS	 39
#define PR_CAP_AMBIENT		 47
#define PR_CAP_AMBIENT_IS_SET	 1
#define PR_CAP_AMBIENT_RAISE	 2
#define PR_CAP_AMBIENT_LOWER	 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4

static bool cap_valid(uint64_t cap)
{
	return cap <= CAP_LAST_CAP;
}

static long cap_ambient(struct cred *c, const uint64_t a[6])
{
	if (a[1] == PR_CAP_AMBIENT_CLEAR_ALL) {
		if (a[2] || a[3] || a[4])
			return -LINUX_EINVAL;
		c->cap_ambient = 0;
		return 0;
	}
	if (!cap_valid(a[2]) || a[3] || a[4])
		return -LINUX_EINVAL;
	uint64_t bit = CAP_BIT(a[2]);
	switch (a[1]) {
	case PR_CAP_AMBIENT_IS_SET:
		return !!(c->cap_ambient & bit);
	case PR_CAP_AMBIENT_RAISE:
		if (!(c->cap_permitted & bit) || !(c->cap_inheritable & bit) ||
		    (c->securebits & SECBIT_NO_CAP_AMBIENT_RAISE))
			return -LINUX_EPERM;
		c->cap_ambient |= bit;
		return 0;
	case PR_CAP_AMBIENT_LOWER:
		c->cap_ambient &= ~bit;
		return 0;
	}
	return -LINUX_EINVAL;
}

/* PR_SET_SECUREBITS: a locked bit cannot change, a lock cannot be undone,
 * unknown bits are refused, and any change needs CAP_SETPCAP. The bits
 * Linux 6.14 added (SECBIT_EXEC_RESTRICT_FILE, SECBIT_EXEC_DENY_INTERACTIVE)
 * count as unknown. */
static long set_securebits(struct cred *c, uint64_t bits)
{
	uint32_t old = c->securebits;

	if ((((old & SECBIT_ALL_LOCKS) >> 1) & (old ^ bits)) ||
	    (old & SECBIT_ALL_LOCKS & ~bits) ||
	    (bits & ~(uint64_t)(SECBIT_ALL_LOCKS | SECBIT_ALL_BITS)) ||
	    !capable(c, CAP_SETPCAP))
		return -LINUX_EPERM;
	c->securebits = (uint32_t)bits;
	return 0;
}

static long drop_bounding(struct cred *c, uint64_t cap)
{
	if (!capable(c, CAP_SETPCAP))
		return -LINUX_EPERM;
	if (!cap_valid(cap))
		return -LINUX_EINVAL;
	c->cap_bounding &= ~CAP_BIT(cap);
	return 0;
}

static long set_keepcaps(struct cred *c, uint64_t on)
{
	if (on > 1)
		return -LINUX_EINVAL;
	if (c->securebits & SECBIT_KEEP_CAPS_LOCKED)
		return -LINUX_EPERM;
	c->securebits &= ~(uint32_t)SECBIT_KEEP_CAPS;
	if (on)
		c->securebits |= SECBIT_KEEP_CAPS;
	return 0;
}

static long set_nnp(struct cred *c, const uint64_t a[6])
{
	if (a[1] != 1 || a[2] || a[3] || a[4])
		return -LINUX_EINVAL;
	c->no_new_privs = true;
	return 0;
}

bool prctl_cred(struct task *t, const uint64_t a[6], long *ret)
{
	struct cred *c = &t->cred;

	switch (a[0]) {
	case PR_CAPBSET_READ:
		*ret = !cap_valid(a[1]) ? -LINUX_EINVAL
					: !!(c->cap_bounding & CAP_BIT(a[1]));
		return true;
	case PR_CAPBSET_DROP:
		*ret = drop_bounding(c, a[1]);
		return true;
	case PR_CAP_AMBIENT:
		*ret = cap_ambient(c, a);
		return true;
	case PR_GET_KEEPCAPS:
		*ret = !!(c->securebits & SECBIT_KEEP_CAPS);
		return true;
	case PR_SET_KEEPCAPS:
		*ret = set_keepcaps(c, a[1]);
		return true;
	case PR_GET_SECUREBITS:
		*ret = c->securebits;
		return true;
	case PR_SET_SECUREBITS:
		*ret = set_securebits(c, a[1]);
		return true;
	case PR_SET_NO_NEW_PRIVS:
		*ret = set_nnp(c, a);
		return true;
	case PR_GET_NO_NEW_PRIVS:
		*ret = a[1] || a[2] || a[3] || a[4] ? -LINUX_EINVAL
						    : c->no_new_privs;
		return true;
	}
	return false;
}
