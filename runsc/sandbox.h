/* Starting one sandbox: a gofer serving a host directory over 9P on a
 * socketpair, and the sentry as pid 1 of new pid/mount/ipc/uts namespaces
 * running one command over it. Used by `runsc do` and by the container
 * monitor of `runsc create/run`.
 *
 * Called from a single-threaded process, which becomes the parent of both
 * children and must reap them (sandbox_wait). */
#ifndef RUNSC_SANDBOX_H
#define RUNSC_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

#include "runsc/error.h"

/* One mount made inside the sandbox, after its /proc and /dev, in order
 * (sentry/vfs/mount_spec.h has what each type does). */
struct sandbox_mount {
	const char *type;    /* "bind", "tmpfs", "mask" or "readonly" */
	const char *source;  /* bind: the host path the gofer serves */
	const char *dest;    /* absolute, in the sandbox */
	const char *options; /* the sentry's OPTS ("ro,nosuid"); may be NULL */
	bool read_only;	     /* bind: the gofer serves it read-only */
};

struct sandbox_config {
	const char *rootfs;   /* absolute host path served by the gofer */
	bool rootfs_ro;	      /* gofer --ro */
	bool overlay;	      /* in-memory overlay over the root (runsc do) */
	const char *cwd;      /* the command's working directory */
	char *const *argv;    /* the command, argv[0] first; NULL-terminated */
	char *const *envp;    /* NULL: runsc's own environment */
	const char *hostname; /* NULL: the sentry's default */
	const char *platform; /* NULL: the sentry's default (ptrace) */
	/* "UID:GID[:G1,G2...]" of the command; NULL: the sentry's own. */
	const char *user;
	/* "RES:SOFT:HARD" limits of the command (RES: Linux's RLIMIT_*
	 * number), NULL-terminated; NULL: Linux's defaults. */
	char *const *rlimits;
	/* "BND:EFF:INH:PRM:AMB", hex masks of the command's capability sets
	 * before its execve (which then applies Linux's rules); NULL: the
	 * caller's own. */
	const char *caps;
	bool no_new_privs; /* the command runs with no_new_privs */
	const struct sandbox_mount *mounts;
	size_t n_mounts;
	/* The container's linux.resources the sentry enforces
	 * (sentry/kernel/cgroup.h): memory.limit in bytes, pids.limit; 0:
	 * none. */
	unsigned long long memory_limit, pids_limit;
	bool strace, profile, debug;
	int syscall_patch; /* as struct globals */
	int log_fd;	   /* -1: none; else passed to the sentry as --log-fd */
	/* -1: none; else passed to the sentry as --oom-fd, where it appends a
	 * line per OOM kill (sentry/kernel/cgroup.h). */
	int oom_fd;
	/* -1: none; else a listening socket passed to the sentry as
	 * --control-fd, where `runsc exec` connects (sentry/control.h). The
	 * caller keeps its own copy. */
	int control_fd;
	/* -1: run at once. Otherwise the sandbox's pid-1 process waits,
	 * before it becomes the sentry, for one byte on this fd; EOF or an
	 * error makes it exit 125 without running anything. The caller keeps
	 * its own copy; the launcher closes nothing of it. */
	int release_fd;
	/* The caller's write end of release_fd's pipe (or -1): closed in the
	 * children, so that the caller's death is an EOF there even when it
	 * dies before PR_SET_PDEATHSIG is in place. */
	int release_wfd;
	/* Kill both children with SIGKILL when the calling process dies. */
	bool die_with_parent;
};

struct sandbox {
	pid_t gofer;
	pid_t sentry;
};

/* Start the gofer and the sentry. Returns 0 with sb filled, or -1 with e
 * set and nothing left running. */
int sandbox_launch(const struct sandbox_config *c, struct sandbox *sb,
		   struct rerr *e);

/* Start the gofer alone (for a container joining a running sandbox): its
 * pid in *pid, the sentry's end of its socket in *sock (close-on-exec).
 * 0, or -1 with e set. */
int sandbox_start_gofer(const struct sandbox_config *c, pid_t *pid, int *sock,
			struct rerr *e);

/* c's mounts as the sentry's --mount TYPE:SRC:OPTS:DEST values (bind
 * mounts numbered as the gofer serves them), NULL-terminated; NULL on
 * out-of-memory. Free with sandbox_free_args. */
char **sandbox_mount_args(const struct sandbox_config *c);
void sandbox_free_args(char **v);

/* Wait for the sentry (retrying on EINTR), then end and reap the gofer.
 * Returns the sandbox's exit status as a shell reports it: the command's
 * status, 128+N for a signal N. *signaled (may be NULL) tells whether the
 * sentry itself was killed by a signal. */
int sandbox_wait(struct sandbox *sb, bool *signaled);

#endif
