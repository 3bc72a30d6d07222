/* umask: returns the previous mask; applies to open(O_CREAT), mkdir,
 * mkfifo; is inherited across fork. */
#include "compat.h"

static void show(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		printf("%s: %s %o\n", path, ftype_str(st.st_mode),
		       st.st_mode & 07777);
	else
		printf("%s: -1 %s\n", path, errname(errno));
}

int main(void)
{
	compat_tmpdir();
	umask(022);
	RET("umask(027) returns old", umask(027));
	RET("umask(027) again", umask(027));
	close(open("f", O_CREAT | O_WRONLY, 0666));
	show("f");
	mkdir("d", 0777);
	show("d");
	mkfifo("p", 0666);
	show("p");
	RET("umask(0)", umask(0));
	close(open("g", O_CREAT | O_WRONLY, 0666));
	show("g");
	RET("umask(01777) keeps only 0777 bits", umask(01777));
	RET("umask(077)", umask(077));
	pid_t pid = fork();
	if (pid == 0)
		_exit(umask(0));
	int st;
	waitpid(pid, &st, 0);
	printf("child's umask: %o\n", WEXITSTATUS(st));
	/* chmod ignores umask */
	RET("chmod(f, 0777)", chmod("f", 0777));
	show("f");
	RET("fchmod(f, 04755)", fchmod(open("f", O_RDONLY), 04755));
	show("f");
	ERR("chmod(missing)", chmod("missing", 0644));
	return 0;
}
