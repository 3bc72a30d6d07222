/* Credentials of a task: ids, supplementary groups, Linux capabilities
 * (man 7 capabilities) and securebits, with Linux's transition rules.
 *
 * The sandbox has one user namespace: a capability is checked against the
 * task's effective set, never against its uid. These functions only compute;
 * callers hold the kernel lock and own the struct cred they pass (a task's
 * cred is written by that task alone, read by others under the lock).
 */
#ifndef SENTRY_KERNEL_CRED_H
#define SENTRY_KERNEL_CRED_H

#include <stdbool.h>
#include <stdint.h>

/* Capability numbers: Linux's (include/uapi/linux/capability.h). */
enum {
	CAP_CHOWN = 0,
	CAP_DAC_OVERRIDE = 1,
	CAP_DAC_READ_SEARCH = 2,
	CAP_FOWNER = 3,
	CAP_FSETID = 4,
	CAP_KILL = 5,
	CAP_SETGID = 6,
	CAP_SETUID = 7,
	CAP_SETPCAP = 8,
	CAP_LINUX_IMMUTABLE = 9,
	CAP_SYS_CHROOT = 18,
	CAP_SYS_ADMIN = 21,
	CAP_SYS_RESOURCE = 24,
	CAP_MKNOD = 27,
	CAP_MAC_OVERRIDE = 32,
	CAP_LAST_CAP = 40, /* CAP_CHECKPOINT_RESTORE, Linux 5.9 to 6.x */
};

#define CAP_FULL_SET ((1ull << (CAP_LAST_CAP + 1)) - 1)
#define CAP_BIT(c)   (1ull << (c))
/* What fsuid 0 means (Linux's CAP_FS_SET): dropped from the effective set
 * when fsuid leaves 0, raised again from permitted when it returns. */
#define CAP_FS_SET                                                             \
	(CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_DAC_OVERRIDE) |                      \
	 CAP_BIT(CAP_DAC_READ_SEARCH) | CAP_BIT(CAP_FOWNER) |                  \
	 CAP_BIT(CAP_FSETID) | CAP_BIT(CAP_LINUX_IMMUTABLE) |                  \
	 CAP_BIT(CAP_MKNOD) | CAP_BIT(CAP_MAC_OVERRIDE))

/* securebits (include/uapi/linux/securebits.h): each bit has a lock bit
 * just above it. */
enum {
	SECBIT_NOROOT = 1 << 0,
	SECBIT_NO_SETUID_FIXUP = 1 << 2,
	SECBIT_KEEP_CAPS = 1 << 4,
	SECBIT_KEEP_CAPS_LOCKED = 1 << 5,
	SECBIT_NO_CAP_AMBIENT_RAISE = 1 << 6,
	SECBIT_ALL_BITS = 0x55,
	SECBIT_ALL_LOCKS = 0xaa,
};

struct cred {
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	uint32_t ngroups;
	uint32_t groups[32];
	/* Capability sets, bit N = capability N. Invariants (Linux's):
	 * effective and ambient within permitted, ambient within
	 * inheritable. */
	uint64_t cap_effective, cap_permitted, cap_inheritable, cap_bounding,
	    cap_ambient;
	uint32_t securebits;
	/* prctl(PR_SET_NO_NEW_PRIVS): execve grants nothing new. Inherited
	 * by children, never cleared (Linux keeps it in the task, not the
	 * cred; here it travels with the cred for the same lifetime). */
	bool no_new_privs;
};

/* Is cap (0..CAP_LAST_CAP) in c's effective set? */
bool capable(const struct cred *c, int cap);

/* Is gid c's fsgid or one of its supplementary groups? */
bool cred_in_group(const struct cred *c, uint32_t gid);

/* After a change of real/effective/saved uid from old to new (setuid,
 * setreuid, setresuid): Linux's cap_emulate_setxuid. */
void cred_fix_setuid(struct cred *new, const struct cred *old);

/* After setfsuid: leaving fsuid 0 drops the filesystem capabilities from
 * the effective set, returning to it raises them from permitted. */
void cred_fix_setfsuid(struct cred *new, uint32_t old_fsuid);

/* execve's capability transition (Linux's cap_bprm_creds_from_file for a
 * file with neither set-id bits nor file capabilities, which the sandbox
 * does not honour). */
void cred_exec(struct cred *c);

/* capset on c: 0, or -LINUX_EPERM when Linux's rules refuse the sets. */
int cred_capset(struct cred *c, uint64_t effective, uint64_t permitted,
		uint64_t inheritable);

/* The five sets as given (runsc's --caps, from an OCI config), made
 * consistent the way capset and PR_CAP_AMBIENT_RAISE would leave them:
 * effective within permitted, ambient within permitted and inheritable. */
void cred_set_caps(struct cred *c, uint64_t bounding, uint64_t effective,
		   uint64_t inheritable, uint64_t permitted, uint64_t ambient);

/* cred_set_caps from "BND:EFF:INH:PRM:AMB", hex masks (the form of the
 * sentry's --caps and of the control request's caps= field). 0, or -1
 * with c untouched when arg is not that. */
int cred_set_caps_arg(struct cred *c, const char *arg);

#endif
