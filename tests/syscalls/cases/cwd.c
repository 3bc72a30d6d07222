/* getcwd, chdir, fchdir: paths are printed relative to the private tmpdir,
 * whose own name is random. */
#include "compat.h"

static const char *base;

static void show_cwd(const char *label)
{
	char buf[PATH_MAX];
	size_t bl = strlen(base);

	if (!getcwd(buf, sizeof(buf))) {
		printf("%s: getcwd = -1 %s\n", label, errname(errno));
		return;
	}
	if (strncmp(buf, base, bl) == 0)
		printf("%s: cwd = <tmp>%s\n", label, buf + bl);
	else
		printf("%s: cwd = %s\n", label, buf);
}

int main(void)
{
	char small[4];

	base = compat_tmpdir();
	show_cwd("start");
	mkdir("a", 0755);
	mkdir("a/b", 0755);
	symlink("a/b", "lb");
	compat_write_file("f", "");

	RET("chdir(a/b)", chdir("a/b"));
	show_cwd("after chdir(a/b)");
	RET("chdir(..)", chdir(".."));
	show_cwd("after chdir(..)");
	RET("chdir(../lb) via symlink", chdir("../lb"));
	show_cwd("after chdir(../lb)");
	RET("chdir(../../)", chdir("../../"));
	show_cwd("after chdir(../../)");
	ERR("chdir(missing)", chdir("missing"));
	ERR("chdir(f)", chdir("f"));
	ERR("chdir(\"\")", chdir(""));
	ERR("chdir(BADPTR)", syscall(SYS_chdir, BADPTR));
	show_cwd("after failed chdirs");

	int dfd = open("a", O_RDONLY | O_DIRECTORY);
	int pfd = open("a/b", O_PATH);
	int ffd = open("f", O_RDONLY);
	RET("fchdir(a)", fchdir(dfd));
	show_cwd("after fchdir(a)");
	RET("fchdir(O_PATH a/b)", fchdir(pfd));
	show_cwd("after fchdir(a/b)");
	ERR("fchdir(file)", fchdir(ffd));
	ERR("fchdir(99)", fchdir(99));

	/* A removed cwd: getcwd says ENOENT ... */
	RET("chdir(base)", chdir(base));
	mkdir("gone", 0755);
	chdir("gone");
	RET("rmdir(../gone) removes the cwd", rmdir("../gone"));
	errno = 0;
	long r = syscall(SYS_getcwd, small, 0);
	printf("getcwd(size 0) = %ld %s\n", r, r < 0 ? errname(errno) : "");
	char buf[PATH_MAX];
	r = syscall(SYS_getcwd, buf, sizeof(buf));
	printf("getcwd(removed dir) = %s %s\n", r < 0 ? "-1" : "ok",
	       r < 0 ? errname(errno)
		     : (strstr(buf, "(unreachable)") ? "(unreachable)" : ""));
	RET("chdir(base)", chdir(base));

	ERR("getcwd(4-byte buffer)", syscall(SYS_getcwd, small, sizeof(small)));
	ERR("getcwd(BADPTR)", syscall(SYS_getcwd, BADPTR, 100));
	RET("chdir(/)", chdir("/"));
	RET("getcwd(/) length incl NUL", syscall(SYS_getcwd, buf, sizeof(buf)));
	printf("cwd = %s\n", buf);
	return 0;
}
