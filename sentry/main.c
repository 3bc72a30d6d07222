/* runsc-sentry: the sandbox's kernel. Started by runsc as pid 1 of new
 * mount/pid/ipc/uts namespaces with the gofer's socket and the caller's
 * stdio; runs one command and exits with its status. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sentry/fs/dev/devfs.h"
#include "sentry/fs/proc/proc_gen.h"
#include "sentry/fs/proc/procfs.h"
#include "sentry/kernel/cgroup.h"
#include "sentry/kernel/kernel.h"
#include "sentry/kernel/signal.h"
#include "sentry/log.h"
#include "sentry/mm/mm.h"
#include "sentry/panic.h"
#include "sentry/seccomp.h"
#include "sentry/control.h"
#include "sentry/profile.h"
#include "sentry/kernel/syspatch.h"
#include "sentry/strace.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/fs_context.h"
#include "sentry/vfs/hostfd.h"
#include "sentry/vfs/mount_spec.h"
#include "sentry/vfs/vfs.h"

extern char **environ;

static void usage(void)
{
	fprintf(stderr, "usage: runsc-sentry --gofer-fd=N [--control-fd=N] "
			"[--strace] [--profile] [--syscall-patch] "
			"[--debug] [--cwd=DIR] [--no-pivot] [--no-overlay] "
			"[--root-ro] "
			"[--hostname=NAME] [--user=UID:GID[:GROUPS]] "
			"[--rlimit=RES:SOFT:HARD]... "
			"[--caps=BND:EFF:INH:PRM:AMB] [--no-new-privs] "
			"[--memory-limit=BYTES] [--pids-limit=N] [--oom-fd=N] "
			"-- CMD [ARG...]\n");
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "runsc-sentry: %s: %s\n", what, strerror(errno));
	exit(125);
}

/* Leave nothing of the host's filesystem reachable: the root becomes an
 * empty read-only tmpfs. Every file the sandbox sees comes via the gofer. */
static void pivot_into_empty_root(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("make mounts private");
	if (mount("runsc-sentry", "/tmp", "tmpfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555"))
		die("mount empty root");
	if (chdir("/tmp"))
		die("chdir empty root");
	if (syscall(SYS_pivot_root, ".", "."))
		die("pivot_root");
	if (umount2(".", MNT_DETACH))
		die("detach old root");
	if (chdir("/"))
		die("chdir /");
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL))
		die("remount root read-only");
}

/* Host signals aimed at the sandbox (Ctrl-C on the terminal, runsc
 * forwarding SIGTERM) go to the application's init process. */
static void *signal_forwarder(void *arg)
{
	sigset_t *set = arg;
	int sig;

	for (;;) {
		if (sigwait(set, &sig))
			continue;
		klock_acquire();
		if (init_tg && !init_tg->zombie) {
			struct linux_siginfo info = {.signo = sig,
						     .code = LINUX_SI_KERNEL};
			send_signal_group(init_tg, sig, &info);
		}
		klock_release();
	}
	return NULL;
}

/* The sentry's own capabilities on the host, which are the caller's of
 * `runsc do`: the application then holds what it would hold run
 * natively (all of the bounding set for root, nothing for other users). */
static void host_caps(struct cred *c)
{
	struct {
		uint32_t version;
		int pid;
	} h = {0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0};
	struct {
		uint32_t eff, prm, inh;
	} d[2] = {{0}};
	int sb;

	if (syscall(SYS_capget, &h, d) == 0) {
		c->cap_effective = d[0].eff | (uint64_t)d[1].eff << 32;
		c->cap_permitted = d[0].prm | (uint64_t)d[1].prm << 32;
		c->cap_inheritable = d[0].inh | (uint64_t)d[1].inh << 32;
	}
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
			c->cap_bounding |= CAP_BIT(cap);
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) ==
		    1)
			c->cap_ambient |= CAP_BIT(cap);
	}
	sb = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	if (sb > 0)
		c->securebits =
		    (uint32_t)sb & (SECBIT_ALL_BITS | SECBIT_ALL_LOCKS);
	c->cap_effective &= CAP_FULL_SET;
	c->cap_permitted &= CAP_FULL_SET;
	c->cap_inheritable &= CAP_FULL_SET;
}

static struct task *make_init_task(const char *cwd)
{
	int fds[3];
	struct task *t;

	for (int fd = 0; fd < 3; fd++)
		fds[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	t = process_new(fds);
	if (!t)
		return NULL;
	init_tg = t->tg;
	if (cwd && fs_context_chdir(t->fs, cwd) < 0)
		log_warn("cannot enter %s in the sandbox; starting in /", cwd);
	t->cred.uid = t->cred.euid = t->cred.suid = t->cred.fsuid = getuid();
	t->cred.gid = t->cred.egid = t->cred.sgid = t->cred.fsgid = getgid();
	host_caps(&t->cred);
	snprintf(t->comm, sizeof(t->comm), "init");
	return t;
}

/* --user=UID:GID[:G1,G2...] and --rlimit=RES:SOFT:HARD (repeatable), from
 * an OCI config's process.user and process.rlimits: the init task's
 * credentials and limits instead of the sentry's own. The limits are
 * checked as they come (on app_rlim) and applied to the init task. */
static struct cred app_cred;
static bool app_cred_set;
static struct rlimit64 app_rlim[LINUX_RLIM_NLIMITS];
static bool app_rlim_set[LINUX_RLIM_NLIMITS];

/* --caps=BND:EFF:INH:PRM:AMB (hex masks) and --no-new-privs, from an OCI
 * config's process.capabilities and process.noNewPrivileges: the init
 * task's sets before its execve (which then applies Linux's rules, as
 * after runc's capset), instead of the sentry's own. */
static const char *app_caps;
static bool app_nnp;

static int parse_caps(const char *arg)
{
	struct cred scratch = {0};

	if (cred_set_caps_arg(&scratch, arg) < 0)
		return -1;
	app_caps = arg;
	return 0;
}

/* The init task's credentials from the flags. */
static void apply_app_cred(struct cred *c)
{
	if (app_cred_set) {
		c->uid = c->euid = c->suid = c->fsuid = app_cred.uid;
		c->gid = c->egid = c->sgid = c->fsgid = app_cred.gid;
		c->ngroups = app_cred.ngroups;
		memcpy(c->groups, app_cred.groups, sizeof(c->groups));
	}
	if (app_caps)
		cred_set_caps_arg(c, app_caps);
	if (app_nnp)
		c->no_new_privs = true;
}

static int parse_user(const char *arg)
{
	unsigned long uid, gid;
	char *end;

	uid = strtoul(arg, &end, 10);
	if (end == arg || *end != ':' || uid > UINT32_MAX)
		return -1;
	arg = end + 1;
	gid = strtoul(arg, &end, 10);
	if (end == arg || (*end && *end != ':') || gid > UINT32_MAX)
		return -1;
	app_cred.uid = app_cred.euid = app_cred.suid = app_cred.fsuid = uid;
	app_cred.gid = app_cred.egid = app_cred.sgid = app_cred.fsgid = gid;
	while (*end) {
		unsigned long g;

		arg = end + 1;
		g = strtoul(arg, &end, 10);
		if (end == arg || (*end && *end != ',') || g > UINT32_MAX ||
		    app_cred.ngroups >=
			sizeof(app_cred.groups) / sizeof(app_cred.groups[0]))
			return -1;
		app_cred.groups[app_cred.ngroups++] = g;
	}
	app_cred_set = true;
	return 0;
}

static int parse_rlimit(const char *arg)
{
	int res = atoi(arg);

	if (rlimit_set_arg(app_rlim, arg) < 0)
		return -1;
	app_rlim_set[res] = true;
	return 0;
}

/* --memory-limit and --pids-limit: a positive number (0: none). */
static int parse_limit(const char *arg, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-')
		return -1;
	*out = v;
	return 0;
}

struct boot {
	struct task *t;
	const char *cmd;
	char **argv;
};

static void *init_main(void *arg)
{
	struct boot *b = arg;
	struct task *t = b->t;
	int status;

	pthread_setname_np(pthread_self(), "task-1");
	klock_acquire();
	status = boot_init_task(t, b->cmd, b->argv, environ);
	if (status) {
		t->tg->exit_status = status;
		t->tg->exiting = true;
		t->killed = true;
	}
	task_run_loop(t);
	task_exit_self(t);
	klock_release();
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"gofer-fd", required_argument, NULL, 'g'},
	    {"strace", no_argument, NULL, 's'},
	    {"profile", no_argument, NULL, 'P'},
	    {"syscall-patch", optional_argument, NULL, 'Y'},
	    {"control-fd", required_argument, NULL, 'C'},
	    {"debug", no_argument, NULL, 'd'},
	    {"cwd", required_argument, NULL, 'c'},
	    {"no-pivot", no_argument, NULL, 'n'},
	    {"log-fd", required_argument, NULL, 'l'},
	    {"platform", required_argument, NULL, 'p'},
	    {"no-overlay", no_argument, NULL, 'o'},
	    {"root-ro", no_argument, NULL, 'R'},
	    {"hostname", required_argument, NULL, 'H'},
	    {"user", required_argument, NULL, 'u'},
	    {"rlimit", required_argument, NULL, 'r'},
	    {"mount", required_argument, NULL, 'm'},
	    {"caps", required_argument, NULL, 'K'},
	    {"no-new-privs", no_argument, NULL, 'N'},
	    {"memory-limit", required_argument, NULL, 'M'},
	    {"pids-limit", required_argument, NULL, 'L'},
	    {"oom-fd", required_argument, NULL, 'O'},
	    {NULL, 0, NULL, 0},
	};
	int gofer_fd = -1, control_fd = -1, oom_fd = -1, pivot = 1, overlay = 1,
	    c, status, err;
	bool root_ro = false;
	const char *cwd = NULL;
	char msg[512];
	uint64_t mem_limit = 0, pids_limit = 0;
	static sigset_t fwd;
	pthread_t th;
	struct boot b;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			gofer_fd = atoi(optarg);
			break;
		case 's':
			strace_enabled = true;
			break;
		case 'P':
			profile_enabled = true;
			break;
		case 'Y':
			syspatch_enabled = true;
			if (optarg && atoi(optarg) > 0)
				syspatch_hot = atoi(optarg);
			break;
		case 'C':
			control_fd = atoi(optarg);
			break;
		case 'd':
			log_min_level = LOG_DEBUG;
			break;
		case 'c':
			cwd = optarg;
			break;
		case 'n':
			pivot = 0;
			break;
		case 'p':
			if (!strcmp(optarg, "ptrace"))
				plat = &platform_ptrace_ops;
			else if (!strcmp(optarg, "systrap"))
				plat = &platform_systrap_ops;
			else {
				fprintf(stderr,
					"runsc-sentry: unknown platform "
					"%s\n",
					optarg);
				return 2;
			}
			break;
		case 'l':
			/* A debug log: everything at debug level, strace too.
			 */
			log_fd = strace_fd = atoi(optarg);
			log_min_level = LOG_DEBUG;
			break;
		case 'o':
			/* OCI containers: the gofer's tree is the writable (or
			 * read-only: --root-ro) root itself, no in-memory
			 * overlay. */
			overlay = 0;
			break;
		case 'R':
			root_ro = true;
			break;
		case 'H':
			if (strlen(optarg) >= sizeof(proc_hostname))
				usage();
			strcpy(proc_hostname, optarg);
			break;
		case 'u':
			if (parse_user(optarg) < 0)
				usage();
			break;
		case 'r':
			if (parse_rlimit(optarg) < 0)
				usage();
			break;
		case 'K':
			if (parse_caps(optarg) < 0)
				usage();
			break;
		case 'N':
			app_nnp = true;
			break;
		case 'm':
			if (mount_spec_add(optarg, msg, sizeof(msg)) < 0) {
				fprintf(stderr, "runsc-sentry: %s\n", msg);
				return 2;
			}
			break;
		case 'M':
			if (parse_limit(optarg, &mem_limit) < 0)
				usage();
			break;
		case 'O':
			oom_fd = atoi(optarg);
			break;
		case 'L':
			if (parse_limit(optarg, &pids_limit) < 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || gofer_fd < 0)
		usage();

	/* Signals: the forwarder thread takes them; no other thread may. */
	sigemptyset(&fwd);
	sigaddset(&fwd, SIGINT);
	sigaddset(&fwd, SIGTERM);
	sigaddset(&fwd, SIGHUP);
	sigaddset(&fwd, SIGQUIT);
	sigaddset(&fwd, SIGUSR1);
	sigaddset(&fwd, SIGUSR2);
	sigaddset(&fwd, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &fwd, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* The stubs' interrupt signal: a stub tricked into sending it to the
	 * sentry (pid 1 here) must do nothing. */
	signal(SIGSTKFLT, SIG_IGN);

	if (profile_enabled)
		plat = profile_platform(plat);
	log_debug("boot: main");
	panic_install_handlers();
	procfs_preload();
	platform_vdso_probe();
	/* Its procfs is mounted while mounting is still ours to do. */
	err = cg_init(mem_limit, pids_limit, oom_fd);
	if (err < 0) {
		errno = -err;
		die("memory limit: mounting a procfs to measure the "
		    "application's memory");
	}
	log_debug("boot: pivot");
	if (pivot)
		pivot_into_empty_root();
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);

	log_debug("boot: mm_init");
	err = mm_init();
	if (err < 0) {
		errno = -err;
		die("memory file");
	}
	err = plat->init(err);
	if (err) {
		errno = -err;
		die("platform");
	}
	klock_acquire();
	log_debug("boot: vfs_init");
	err = vfs_init(gofer_fd, overlay   ? VFS_ROOT_OVERLAY
				 : root_ro ? VFS_ROOT_RO
					   : VFS_ROOT_RW);
	if (err) {
		fprintf(stderr,
			"runsc-sentry: mounting the root filesystem: %s\n",
			linux_errno_msg(-err));
		return 125;
	}
	log_debug("boot: devfs");
	if (devfs_mount() < 0)
		log_warn("cannot mount /dev");
	log_debug("boot: procfs");
	if (procfs_mount() < 0)
		log_warn("cannot mount /proc");
	log_debug("boot: mounts");
	if (mount_spec_apply(vfs_root_mount(), vfs_gofer_super(), msg,
			     sizeof(msg)) < 0) {
		fprintf(stderr, "runsc-sentry: %s\n", msg);
		return 125;
	}
	log_debug("boot: init task");
	b.t = make_init_task(cwd);
	if (!b.t) {
		fprintf(stderr, "runsc-sentry: cannot create the init task\n");
		return 125;
	}
	apply_app_cred(&b.t->cred);
	control_set_exec_cred(&b.t->cred);
	for (int res = 0; res < LINUX_RLIM_NLIMITS; res++)
		if (app_rlim_set[res])
			b.t->tg->rlim[res] = app_rlim[res];
	klock_release();
	log_debug("boot: seccomp");
	err = sentry_seccomp_install(cg_procfd());
	if (err) {
		errno = -err;
		die("installing the seccomp filter");
	}

	b.cmd = argv[optind];
	b.argv = argv + optind;
	pthread_create(&th, NULL, signal_forwarder, &fwd);
	pthread_create(&th, NULL, init_main, &b);
	/* Its samples serve a memory limit and the stats the control socket
	 * gives `runsc events`: without either (runsc do), nobody reads them,
	 * and an idle sandbox need not wake ten times a second for them. */
	err = mem_limit || control_fd >= 0 ? cg_start() : 0;
	if (err) {
		errno = -err;
		die("starting the resource monitor");
	}
	if (control_fd >= 0 && control_start(control_fd) < 0)
		log_warn("control channel: cannot start: runsc exec will not "
			 "work");
	status = sandbox_wait();
	profile_report();
	if (status & 0x7f)
		return 128 + (status & 0x7f);
	return (status >> 8) & 0xff;
}
