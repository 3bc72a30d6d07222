/* Privilege checks after dropping capabilities (as root), and how the sets
 * follow setuid, setfsuid and execve. Each scenario runs in a child. */
#include "caps.h"
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <utime.h>

static const char *self;

/* A file and a directory of another user, mode 0600/0700. */
static void others_files(void)
{
	compat_write_file("theirs", "secret\n");
	die_if(chown("theirs", 1234, 1234) || chmod("theirs", 0600), "theirs");
	die_if(mkdir("theirdir", 0700) || chown("theirdir", 1234, 1234),
	       "theirdir");
}

static void dac(void)
{
	caps_drop(BIT(C_DAC_OVERRIDE) | BIT(C_DAC_READ_SEARCH), 0);
	ERR("open(other's 0600, O_RDONLY)", open("theirs", O_RDONLY));
	ERR("open(other's 0700 dir)", open("theirdir", O_RDONLY));
	ERR("stat(other's dir/x)",
	    open("theirdir/x", O_RDONLY | O_CREAT, 0600));
	/* access() uses the real uid's capabilities: root's permitted set. */
	RET("access(R_OK): permitted still holds them", access("theirs", R_OK));
	caps_drop(BIT(C_DAC_OVERRIDE) | BIT(C_DAC_READ_SEARCH), 1);
	ERR("access(R_OK) once dropped from permitted", access("theirs", R_OK));
}

static void read_search(void)
{
	caps_drop(BIT(C_DAC_OVERRIDE), 0);
	int fd = OK("open(other's 0600, O_RDONLY)", open("theirs", O_RDONLY));
	close(fd);
	ERR("open(other's 0600, O_WRONLY)", open("theirs", O_WRONLY));
	fd = OK("open(other's 0700 dir)", open("theirdir", O_RDONLY));
	close(fd);
	ERR("create in other's 0700 dir",
	    open("theirdir/x", O_RDONLY | O_CREAT, 0600));
}

static void override(void)
{
	caps_drop(BIT(C_DAC_READ_SEARCH), 0);
	int fd = OK("open(other's 0600, O_RDWR)", open("theirs", O_RDWR));
	close(fd);
	compat_write_file("noexec", "#!/bin/sh\n");
	ERR("access(0644 file, X_OK)", access("noexec", X_OK));
}

static void chown_caps(void)
{
	compat_write_file("mine", "x");
	caps_drop(BIT(C_CHOWN), 0);
	ERR("chown(mine, 1234)", chown("mine", 1234, -1));
	ERR("chown(theirs, 0)", chown("theirs", 0, -1));
	RET("chown(mine, own uid)", chown("mine", 0, -1));
	RET("chown(mine, -1, own group)", chown("mine", -1, 0));
	ERR("chown(mine, -1, 1234)", chown("mine", -1, 1234));
}

static void fowner(void)
{
	struct timespec ts[2] = {{1, 0}, {2, 0}};

	caps_drop(BIT(C_FOWNER), 0);
	ERR("chmod(theirs)", chmod("theirs", 0644));
	ERR("utimensat(theirs, explicit times)",
	    utimensat(AT_FDCWD, "theirs", ts, 0));
	RET("utimensat(theirs, now): write access suffices",
	    utimensat(AT_FDCWD, "theirs", NULL, 0));
	die_if(mkdir("sticky", 01777) || chown("sticky", 1235, 1235), "sticky");
	compat_write_file("sticky/f", "x");
	die_if(chown("sticky/f", 1234, 1234), "chown sticky/f");
	ERR("unlink(other's file in other's sticky dir)", unlink("sticky/f"));
	compat_write_file("sticky/mine", "x");
	RET("unlink(own file there)", unlink("sticky/mine"));
}

static void fsetid(void)
{
	struct stat st;

	compat_write_file("g", "x");
	die_if(chown("g", 0, 1234), "chown g");
	RET("chmod(g, 02755) with CAP_FSETID", chmod("g", 02755));
	stat("g", &st);
	printf("  mode %o\n", st.st_mode & 07777);
	caps_drop(BIT(C_FSETID), 0);
	RET("chmod(g, 02755) without, not in group 1234", chmod("g", 02755));
	stat("g", &st);
	printf("  mode %o\n", st.st_mode & 07777);
}

static void others(void)
{
	struct rlimit rl;
	int p[2];
	char b;

	/* Another user's process, for kill. */
	die_if(pipe(p), "pipe");
	pid_t c = fork();
	if (c == 0) {
		die_if(setresuid(1234, 1234, 1234), "setresuid");
		close(p[0]);
		write(p[1], "r", 1);
		pause();
		_exit(0);
	}
	read(p[0], &b, 1);
	caps_drop(BIT(C_SETUID) | BIT(C_SETGID) | BIT(C_SYS_CHROOT) |
		      BIT(C_SYS_ADMIN) | BIT(C_MKNOD) | BIT(C_KILL) |
		      BIT(C_SYS_RESOURCE),
		  0);
	ERR("setuid(1000)", setuid(1000));
	ERR("setresuid(-1, 1000, -1)", setresuid(-1, 1000, -1));
	ERR("setgid(1000)", setgid(1000));
	gid_t g = 0;
	ERR("setgroups(1)", setgroups(1, &g));
	ERR("chroot(.)", chroot("."));
	ERR("sethostname", sethostname("x", 1));
	ERR("mknod(char 1:3)", mknod("null", S_IFCHR | 0600, makedev(1, 3)));
	RET("mknod(fifo)", mknod("fifo", S_IFIFO | 0600, 0));
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_max++;
	ERR("setrlimit(NOFILE hard + 1)", setrlimit(RLIMIT_NOFILE, &rl));

	ERR("kill(uid 1234's process, 0)", kill(c, 0));
	ERR("kill(uid 1234's process, SIGTERM)", kill(c, SIGTERM));
	RET("kill(uid 1234's process, SIGCONT): same session",
	    kill(c, SIGCONT));
	ERR("tgkill(uid 1234's process)", syscall(SYS_tgkill, c, c, SIGTERM));
	RET("kill(own process group, 0): some may be signalled",
	    kill(-getpgrp(), 0));
	ERR("prlimit(uid 1234's process)",
	    prlimit(c, RLIMIT_NOFILE, NULL, &rl));
	struct caps now = caps_get();
	now.eff |= BIT(C_KILL);
	die_if(caps_set(now), "raise CAP_KILL");
	RET("kill with CAP_KILL", kill(c, SIGKILL));
	waitpid(c, NULL, 0);
}

static void setuid_clears(void)
{
	uint64_t bnd = status_caps("CapBnd");
	RET("setuid(1000)", setuid(1000));
	struct caps c = caps_get();
	YESNO("permitted, effective, inheritable empty",
	      !c.prm && !c.eff && !c.inh);
	YESNO("bounding unchanged", status_caps("CapBnd") == bnd);
	ERR("setuid(0)", setuid(0));
}

static void keepcaps(void)
{
	struct caps before = caps_get();
	RET("PR_SET_KEEPCAPS(1)", prctl(PR_SET_KEEPCAPS, 1));
	RET("setresuid(1000, 1000, 1000)", setresuid(1000, 1000, 1000));
	struct caps c = caps_get();
	YESNO("permitted kept", c.prm == before.prm);
	YESNO("effective cleared", c.eff == 0);
	ERR("open(other's 0600) without effective", open("theirs", O_RDONLY));
	c.eff = BIT(C_DAC_OVERRIDE);
	RET("capset(effective CAP_DAC_OVERRIDE)", caps_set(c));
	int fd = OK("open(other's 0600) as uid 1000", open("theirs", O_RDONLY));
	close(fd);
}

static void euid_only(void)
{
	struct caps before = caps_get();
	RET("seteuid(1000)", seteuid(1000));
	struct caps c = caps_get();
	YESNO("permitted kept", c.prm == before.prm);
	YESNO("effective cleared", c.eff == 0);
	RET("seteuid(0)", seteuid(0));
	YESNO("effective back to permitted", caps_get().eff == before.prm);
	RET("setfsuid(1000) returns the old fsuid", setfsuid(1000));
	c = caps_get();
	YESNO("CAP_DAC_OVERRIDE and CAP_CHOWN gone from effective",
	      !(c.eff & (BIT(C_DAC_OVERRIDE) | BIT(C_CHOWN))));
	YESNO("CAP_KILL kept", !!(c.eff & BIT(C_KILL)));
	ERR("open(other's 0600) with fsuid 1000", open("theirs", O_RDONLY));
	RET("setfsuid(0)", setfsuid(0));
	YESNO("effective restored", caps_get().eff == before.prm);
	RET("setfsuid(-1) changes nothing", setfsuid(-1));
}

static void exec_child(const char *mode)
{
	char *argv[] = {(char *)self, (char *)mode, NULL};
	fflush(stdout);
	execv(self, argv);
	die_if(1, "execv");
}

static void exec_bounding(void)
{
	struct caps c = caps_get();
	c.eff &= ~BIT(C_CHOWN);
	c.prm &= ~BIT(C_CHOWN);
	die_if(caps_set(c), "capset");
	RET("PR_CAPBSET_DROP(CAP_NET_RAW)", prctl(PR_CAPBSET_DROP, C_NET_RAW));
	exec_child("root-exec");
}

static void exec_nnp(void)
{
	struct caps c = caps_get();
	c.eff &= ~BIT(C_CHOWN);
	c.prm &= ~BIT(C_CHOWN);
	die_if(caps_set(c), "capset");
	RET("PR_SET_NO_NEW_PRIVS", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	exec_child("nnp-exec");
}

static void exec_ambient(void)
{
	prctl(PR_SET_KEEPCAPS, 1);
	RET("setresuid(1000, 1000, 1000)", setresuid(1000, 1000, 1000));
	/* CAP_DAC_READ_SEARCH: the harness's directory is 0700. */
	uint64_t keep = BIT(C_NET_BIND_SERVICE) | BIT(C_DAC_READ_SEARCH);
	struct caps c = {keep, keep | BIT(C_CHOWN),
			 BIT(C_NET_BIND_SERVICE) | BIT(C_CHOWN)};
	RET("capset", caps_set(c));
	RET("RAISE(CAP_NET_BIND_SERVICE)",
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, C_NET_BIND_SERVICE, 0,
		  0));
	exec_child("user-exec");
}

static void after_exec(const char *mode)
{
	uint64_t bnd = status_caps("CapBnd"), prm = status_caps("CapPrm"),
		 eff = status_caps("CapEff"), amb = status_caps("CapAmb");
	printf("after execve (%s):\n", mode);
	YESNO("  CAP_NET_RAW in bounding", !!(bnd & BIT(C_NET_RAW)));
	YESNO("  CAP_CHOWN permitted", !!(prm & BIT(C_CHOWN)));
	YESNO("  permitted == bounding", prm == bnd);
	YESNO("  effective == permitted", eff == prm);
	YESNO("  permitted == ambient", prm == amb);
	YESNO("  ambient is CAP_NET_BIND_SERVICE",
	      amb == BIT(C_NET_BIND_SERVICE));
	RET("  PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS));
	RET("  PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1) {
		after_exec(argv[1]);
		return 0;
	}
	compat_tmpdir();
	die_if(chmod(".", 0755), "chmod tmpdir");
	others_files();
	in_child("no CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH", dac);
	in_child("CAP_DAC_READ_SEARCH only", read_search);
	in_child("CAP_DAC_OVERRIDE only", override);
	in_child("no CAP_CHOWN", chown_caps);
	in_child("no CAP_FOWNER", fowner);
	in_child("CAP_FSETID", fsetid);
	in_child("no CAP_SETUID, SETGID, SYS_CHROOT, SYS_ADMIN, MKNOD, KILL",
		 others);
	in_child("setuid(1000) as root", setuid_clears);
	in_child("keep-caps", keepcaps);
	in_child("effective and filesystem uid", euid_only);
	in_child("execve as root after PR_CAPBSET_DROP", exec_bounding);
	in_child("execve with no_new_privs", exec_nnp);
	in_child("execve as uid 1000 with an ambient capability", exec_ambient);
	return 0;
}
