/* Credentials, with Linux's rules: uid 0 (CAP_SETUID/CAP_SETGID in the
 * sandbox's user namespace) may set anything, others only among their
 * real, effective and saved ids. Changes apply to the calling thread only,
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

/* setresuid/setresgid core on (r, e, s, fs). */
static long set_res(bool priv, uint32_t *r, uint32_t *e, uint32_t *s,
		    uint32_t *fs, uint32_t nr, uint32_t ne, uint32_t ns)
{
	if (!priv && ((nr != KEEP && !one_of(nr, *r, *e, *s)) ||
		      (ne != KEEP && !one_of(ne, *r, *e, *s)) ||
		      (ns != KEEP && !one_of(ns, *r, *e, *s))))
		return -LINUX_EPERM;
	if (nr != KEEP)
		*r = nr;
	if (ne != KEEP)
		*e = ne;
	if (ns != KEEP)
		*s = ns;
	*fs = *e;
	return 0;
}

long sys_setresuid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred;
	return set_res(c->euid == 0, &c->uid, &c->euid, &c->suid, &c->fsuid,
		       a[0], a[1], a[2]);
}

long sys_setresgid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred;
	return set_res(c->euid == 0, &c->gid, &c->egid, &c->sgid, &c->fsgid,
		       a[0], a[1], a[2]);
}

long sys_setuid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred;
	uint32_t u = a[0];

	if (u == KEEP)
		return -LINUX_EINVAL;
	if (c->euid == 0)
		return set_res(true, &c->uid, &c->euid, &c->suid, &c->fsuid, u,
			       u, u);
	if (u != c->uid && u != c->suid)
		return -LINUX_EPERM;
	c->euid = c->fsuid = u;
	return 0;
}

long sys_setgid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred;
	uint32_t g = a[0];

	if (g == KEEP)
		return -LINUX_EINVAL;
	if (c->euid == 0)
		return set_res(true, &c->gid, &c->egid, &c->sgid, &c->fsgid, g,
			       g, g);
	if (g != c->gid && g != c->sgid)
		return -LINUX_EPERM;
	c->egid = c->fsgid = g;
	return 0;
}

long sys_setreuid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred;
	uint32_t r = a[0], e = a[1], s = KEEP;

	if (!(c->euid == 0) &&
	    ((r != KEEP && r != c->uid && r != c->euid) ||
	     (e != KEEP && !one_of(e, c->uid, c->euid, c->suid))))
		return -LINUX_EPERM;
	if (r != KEEP || (e != KEEP && e != c->uid))
		s = e != KEEP ? e : c->euid;
	return set_res(true, &c->uid, &c->euid, &c->suid, &c->fsuid, r, e, s);
}

long sys_setregid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred;
	uint32_t r = a[0], e = a[1], s = KEEP;

	if (!(c->euid == 0) &&
	    ((r != KEEP && r != c->gid && r != c->egid) ||
	     (e != KEEP && !one_of(e, c->gid, c->egid, c->sgid))))
		return -LINUX_EPERM;
	if (r != KEEP || (e != KEEP && e != c->gid))
		s = e != KEEP ? e : c->egid;
	return set_res(true, &c->gid, &c->egid, &c->sgid, &c->fsgid, r, e, s);
}

long sys_setfsuid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred;
	uint32_t old = c->fsuid, u = a[0];

	if (c->euid == 0 || one_of(u, c->uid, c->euid, c->suid) || u == old)
		c->fsuid = u;
	return old;
}

long sys_setfsgid(struct task *t, const uint64_t a[6])
{
	struct cred *c = &t->cred;
	uint32_t old = c->fsgid, g = a[0];

	if (c->euid == 0 || one_of(g, c->gid, c->egid, c->sgid) || g == old)
		c->fsgid = g;
	return old;
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

	if (t->cred.euid != 0)
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
