/* Credentials, with Linux's rules: CAP_SETUID/CAP_SETGID may set anything,
 * others only among their real, effective and saved ids; capabilities
 * follow uid changes (kernel/cred.h). Changes apply to the calling thread only,
 * as the raw syscalls do (glibc broadcasts them to all threads). */
#include "sentry/syscalls/sys_identity.h"

#include "abi/errno.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"

#define KEEP ((uint32_t)-1)

long sys_getuid(struct task *t, const uint64_t a[6])
{
	return t->cred.uid;
}
long sys_geteuid(struct task *t, const uint64_t a[6])
{
	return t->cred.euid;
}
long sys_getgid(struct task *t, const uint64_t a[6])
{
	return t->cred.gid;
}
long sys_getegid(struct task *t, const uint64_t a[6])
{
	return t->cred.egid;
}

long sys_getresuid(struct task *t, const uint64_t a[6])
{
	if (copy_out(t, a[0], &t->cred.uid, 4) ||
	    copy_out(t, a[1], &t->cred.euid, 4) ||
	    copy_out(t, a[2], &t->cred.suid, 4))
		return -LINUX_EFAULT;
	return 0;
}

long sys_getresgid(struct task *t, const uint64_t a[6])
{
	if (copy_out(t, a[0], &t->cred.gid, 4) ||
	    copy_out(t, a[1], &t->cred.egid, 4) ||
	    copy_out(t, a[2], &t->cred.sgid, 4))
		return -LINUX_EFAULT;
	return 0;
}

static bool one_of(uint32_t v, uint32_t a, uint32_t b, uint32_t c)
{
	return v == a || v == b || v == c;
}

/* The four ids of one kind (uid or gid) of a cred. */
struct ids {
	uint32_t *r, *e, *s, *fs;
};

static struct ids uids(struct cred *c)
{
	return (struct ids){&c->uid, &c->euid, &c->suid, &c->fsuid};
}

static struct ids gids(struct cred *c)
{
	return (struct ids){&c->gid, &c->egid, &c->sgid, &c->fsgid};
}

/* setresuid/setresgid core: without the capability, each new id must be
 * one of the current real, effective and saved ids. fsuid follows euid. */
static long set_res(bool priv, struct ids id, uint32_t nr, uint32_t ne,
		    uint32_t ns)
{
	if (!priv && ((nr != KEEP && !one_of(nr, *id.r, *id.e, *id.s)) ||
		      (ne != KEEP && !one_of(ne, *id.r, *id.e, *id.s)) ||
		      (ns != KEEP && !one_of(ns, *id.r, *id.e, *id.s))))
		return -LINUX_EPERM;
	if (nr != KEEP)
		*id.r = nr;
	if (ne != KEEP)
		*id.e = ne;
	if (ns != KEEP)
		*id.s = ns;
	*id.fs = *id.e;
	return 0;
}

/* Linux returns early, leaving fsuid alone, when nothing would change. */
static bool res_unchanged(struct ids id, uint32_t nr, uint32_t ne, uint32_t ns)
{
	return (nr == KEEP || nr == *id.r) &&
	       (ne == KEEP || (ne == *id.e && ne == *id.fs)) &&
	       (ns == KEEP || ns == *id.s);
}

/* Capabilities follow uid changes (cred_fix_setuid) on success. */
static long uid_change(struct task *t, long ret, const struct cred *old)
{
	if (ret == 0)
		cred_fix_setuid(&t->cred, old);
	return ret;
}

long sys_setresuid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred, old = *c;
	if (res_unchanged(uids(c), a[0], a[1], a[2]))
		return 0;
	return uid_change(
	    t, set_res(capable(c, CAP_SETUID), uids(c), a[0], a[1], a[2]),
	    &old);
}

long sys_setresgid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred;
	if (res_unchanged(gids(c), a[0], a[1], a[2]))
		return 0;
	return set_res(capable(c, CAP_SETGID), gids(c), a[0], a[1], a[2]);
}

/* setuid/setgid: with the capability, all three ids; else the effective
 * one, to the real or saved id. */
static long set_one(bool priv, struct ids id, uint32_t v)
{
	if (v == KEEP)
		return -LINUX_EINVAL;
	if (priv)
		return set_res(true, id, v, v, v);
	if (v != *id.r && v != *id.s)
		return -LINUX_EPERM;
	*id.e = *id.fs = v;
	return 0;
}

long sys_setuid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred, old = *c;
	return uid_change(t, set_one(capable(c, CAP_SETUID), uids(c), a[0]),
			  &old);
}

long sys_setgid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred;
	return set_one(capable(c, CAP_SETGID), gids(c), a[0]);
}

/* setreuid/setregid: the real id may become the effective one, the
 * effective any of the three; the saved id follows the new effective id
 * when the real one is set or the effective one leaves it. */
static long set_re(bool priv, struct ids id, uint32_t r, uint32_t e)
{
	uint32_t s = KEEP;
	if (!priv && ((r != KEEP && r != *id.r && r != *id.e) ||
		      (e != KEEP && !one_of(e, *id.r, *id.e, *id.s))))
		return -LINUX_EPERM;
	if (r != KEEP || (e != KEEP && e != *id.r))
		s = e != KEEP ? e : *id.e;
	return set_res(true, id, r, e, s);
}

long sys_setreuid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred, old = *c;
	return uid_change(
	    t, set_re(capable(c, CAP_SETUID), uids(c), a[0], a[1]), &old);
}

long sys_setregid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred;
	return set_re(capable(c, CAP_SETGID), gids(c), a[0], a[1]);
}

/* setfsuid/setfsgid: always the old value; -1 (invalid) changes nothing. */
static uint32_t set_fs(bool priv, struct ids id, uint32_t v)
{
	uint32_t old = *id.fs;
	if (v != KEEP && (priv || one_of(v, *id.r, *id.e, *id.s)))
		*id.fs = v;
	return old;
}

long sys_setfsuid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred;
	uint32_t old = set_fs(capable(c, CAP_SETUID), uids(c), a[0]);
	cred_fix_setfsuid(c, old);
	return old;
}

long sys_setfsgid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred;
	return set_fs(capable(c, CAP_SETGID), gids(c), a[0]);
}

long sys_getgroups(struct task *t, const uint64_t a[6])
{
	int size = (int)a[0];

	if (size < 0)
		return -LINUX_EINVAL;
	if (size == 0)
		return t->cred.ngroups;
	if ((uint32_t)size < t->cred.ngroups)
		return -LINUX_EINVAL;
	if (copy_out(t, a[1], t->cred.groups, t->cred.ngroups * 4))
		return -LINUX_EFAULT;
	return t->cred.ngroups;
}

long sys_setgroups(struct task *t, const uint64_t a[6])
{
	int size = (int)a[0];
	uint32_t g[32];

	if (!capable(&t->cred, CAP_SETGID))
		return -LINUX_EPERM;
	if (size < 0 || size > 65536)
		return -LINUX_EINVAL;
	if (size > 32)
		return -LINUX_ENOMEM; /* the sentry keeps at most 32 */
	if (copy_in(t, a[1], g, size * 4))
		return -LINUX_EFAULT;
	for (int i = 0; i < size; i++)
		t->cred.groups[i] = g[i];
	t->cred.ngroups = size;
	return 0;
}
