/* /proc/self: exe, cmdline, maps (has the binary), status (Name:, Pid
 * relations), fd/, stat. */
#include "compat.h"
#include <dirent.h>

static ssize_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + total, size - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = 0;
	return total;
}

static long status_field(const char *st, const char *name)
{
	const char *p = strstr(st, name);
	return p ? strtol(p + strlen(name), NULL, 10) : -12345;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	char exe[PATH_MAX], real[PATH_MAX];
	ssize_t n;

	if (!realpath(argv[0], real))
		strcpy(real, "?");

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n >= 0)
		exe[n] = 0;
	YESNO("readlink(/proc/self/exe) == realpath(argv[0])",
	      n > 0 && strcmp(exe, real) == 0);

	n = slurp("/proc/self/cmdline", buf, sizeof(buf));
	printf("cmdline bytes = %zd\n", n);
	YESNO("cmdline == argv[0] NUL",
	      n == (ssize_t)strlen(argv[0]) + 1 && strcmp(buf, argv[0]) == 0);

	n = slurp("/proc/self/maps", buf, sizeof(buf));
	YESNO("maps readable", n > 0);
	YESNO("maps lists the binary", strstr(buf, real) != NULL);
	YESNO("maps has [stack]", strstr(buf, "[stack]") != NULL);
	YESNO("maps has an r-xp mapping", strstr(buf, " r-xp ") != NULL);
	int wellformed = 1;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long lo, hi, off;
		char perms[5];
		if (sscanf(line, "%lx-%lx %4s %lx", &lo, &hi, perms, &off) !=
			4 ||
		    lo >= hi)
			wellformed = 0;
	}
	YESNO("every maps line is lo-hi perms offset", wellformed);

	n = slurp("/proc/self/status", buf, sizeof(buf));
	YESNO("status readable", n > 0);
	char name[32] = "";
	char *p = strstr(buf, "Name:");
	if (p)
		sscanf(p, "Name:\t%31s", name);
	printf("status Name: %s\n", name);
	YESNO("status Pid == getpid()",
	      status_field(buf, "\nPid:") == getpid());
	YESNO("status PPid == getppid()",
	      status_field(buf, "\nPPid:") == getppid());
	YESNO("status Tgid == getpid()",
	      status_field(buf, "\nTgid:") == getpid());
	YESNO("status has Uid:", strstr(buf, "\nUid:") != NULL);
	YESNO("status has State:", strstr(buf, "\nState:") != NULL);

	n = slurp("/proc/self/stat", buf, sizeof(buf));
	YESNO("stat starts with pid (comm)", ({
		      char want[64];
		      snprintf(want, sizeof(want), "%d (%s) ", getpid(), name);
		      strncmp(buf, want, strlen(want)) == 0;
	      }));

	/* fd/: an opened file shows up and links to its path. */
	int fd = open("/etc/passwd", O_RDONLY);
	char path[64], target[PATH_MAX];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n >= 0)
		target[n] = 0;
	printf("readlink(/proc/self/fd/%d) = %s\n", fd,
	       n >= 0 ? target : errname(errno));
	DIR *d = opendir("/proc/self/fd");
	int has0 = 0, has1 = 0, has2 = 0, hasfd = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		int v = atoi(de->d_name);
		if (!strcmp(de->d_name, "0"))
			has0 = 1;
		if (v == 1)
			has1 = 1;
		if (v == 2)
			has2 = 1;
		if (v == fd)
			hasfd = 1;
	}
	if (d)
		closedir(d);
	printf("/proc/self/fd lists 0,1,2: %d%d%d, and the open file: %d\n",
	       has0, has1, has2, hasfd);
	int fd2 = open(path, O_RDONLY);
	YESNO("open(/proc/self/fd/N) reopens the file",
	      fd2 >= 0 && read(fd2, buf, 5) == 5 &&
		  strncmp(buf, "root:", 5) == 0);
	close(fd);
	n = readlink(path, target, sizeof(target) - 1);
	printf("readlink(closed fd link) = %s\n",
	       n >= 0 ? "ok" : errname(errno));

	/* /proc/self is the caller, in a child too. */
	pid_t pid = fork();
	if (pid == 0) {
		char s[64];
		n = readlink("/proc/self", s, sizeof(s) - 1);
		s[n > 0 ? n : 0] = 0;
		_exit(atoi(s) == getpid() ? 0 : 1);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("child: /proc/self == its pid: %s\n",
	       WEXITSTATUS(st) == 0 ? "yes" : "no");
	ERR("open(/proc/self/nonexistent)",
	    open("/proc/self/nonexistent", O_RDONLY));
	return 0;
}
