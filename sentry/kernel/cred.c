/* Capability rules of Linux's security/commoncap.c, for a sandbox with one
 * user namespace and no file capabilities or set-id executables. */
#include "sentry/kernel/cred.h"

#include "abi/errno.h"

#include <inttypes.h>
#include <stdio.h>

bool capable(const struct cred *c, int cap)
{
	return cap >= 0 && cap <= CAP_LAST_CAP &&
	       (c->cap_effective & CAP_BIT(cap));
}

bool cred_in_group(const struct cred *c, uint32_t gid)
{
	if (c->fsgid == gid)
		return true;
	for (uint32_t i = 0; i < c->ngroups && i < 32; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

void cred_fix_setuid(struct cred *new, const struct cred *old)
{
	if (old->securebits & SECBIT_NO_SETUID_FIXUP)
		return;
	bool was_root = old->uid == 0 || old->euid == 0 || old->suid == 0;
	bool is_root = new->uid == 0 || new->euid == 0 || new->suid == 0;
	if (was_root && !is_root) {
		if (!(old->securebits & SECBIT_KEEP_CAPS))
			new->cap_permitted = new->cap_effective = 0;
		/* Programs from before ambient capabilities expect a switch
		 * to non-root followed by execve to leave no capability. */
		new->cap_ambient = 0;
	}
	if (old->euid == 0 && new->euid != 0)
		new->cap_effective = 0;
	if (old->euid != 0 && new->euid == 0)
		new->cap_effective = new->cap_permitted;
}

void cred_fix_setfsuid(struct cred *new, uint32_t old_fsuid)
{
	if (new->securebits & SECBIT_NO_SETUID_FIXUP)
		return;
	if (old_fsuid == 0 && new->fsuid != 0)
		new->cap_effective &= ~CAP_FS_SET;
	if (old_fsuid != 0 && new->fsuid == 0)
		new->cap_effective |= new->cap_permitted &CAP_FS_SET;
}

void cred_exec(struct cred *c)
{
	uint64_t old_permitted = c->cap_permitted, permitted = 0;
	bool effective = false;

	/* Root is treated as if every file had all its capabilities
	 * (inheritable and permitted), unless SECBIT_NOROOT. */
	if (!(c->securebits & SECBIT_NOROOT)) {
		if (c->euid == 0 || c->uid == 0)
			permitted = c->cap_bounding | c->cap_inheritable;
		effective = c->euid == 0;
	}
	/* no_new_privs: execve never grants what the caller did not hold. */
	if (c->no_new_privs && (permitted & ~old_permitted))
		permitted &= old_permitted;
	c->suid = c->fsuid = c->euid;
	c->sgid = c->fsgid = c->egid;
	c->cap_permitted = permitted | c->cap_ambient;
	c->cap_effective = effective ? c->cap_permitted : c->cap_ambient;
	c->securebits &= ~(uint32_t)SECBIT_KEEP_CAPS;
}

int cred_capset(struct cred *c, uint64_t effective, uint64_t permitted,
		uint64_t inheritable)
{
	effective &= CAP_FULL_SET;
	permitted &= CAP_FULL_SET;
	inheritable &= CAP_FULL_SET;
	/* Without CAP_SETPCAP, inheritable may only take what the task
	 * already holds; never what the bounding set excludes. */
	if (!capable(c, CAP_SETPCAP) &&
	    (inheritable & ~(c->cap_inheritable | c->cap_permitted)))
		return -LINUX_EPERM;
	if (inheritable & ~(c->cap_inheritable | c->cap_bounding))
		return -LINUX_EPERM;
	if (permitted & ~c->cap_permitted)
		return -LINUX_EPERM;
	if (effective & ~permitted)
		return -LINUX_EPERM;
	c->cap_effective = effective;
	c->cap_permitted = permitted;
	c->cap_inheritable = inheritable;
	c->cap_ambient &= permitted & inheritable;
	return 0;
}

void cred_set_caps(struct cred *c, uint64_t bounding, uint64_t effective,
		   uint64_t inheritable, uint64_t permitted, uint64_t ambient)
{
	c->cap_bounding = bounding & CAP_FULL_SET;
	c->cap_permitted = permitted & CAP_FULL_SET;
	c->cap_inheritable = inheritable & CAP_FULL_SET;
	c->cap_effective = effective & c->cap_permitted;
	c->cap_ambient = ambient & c->cap_permitted & c->cap_inheritable;
}

int cred_set_caps_arg(struct cred *c, const char *arg)
{
	uint64_t v[5];
	int n = 0;

	if (sscanf(arg,
		   "%" SCNx64 ":%" SCNx64 ":%" SCNx64 ":%" SCNx64 ":%" SCNx64
		   "%n",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &n) != 5 ||
	    arg[n] || arg[0] == '-')
		return -1;
	cred_set_caps(c, v[0], v[1], v[2], v[3], v[4]);
	return 0;
}
