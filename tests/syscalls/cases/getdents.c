/* getdents64 over a directory: names (sorted), d_type, and errors. */
#include "compat.h"
#include <dirent.h>

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *dtype(int t)
{
	switch (t) {
	case DT_REG:
		return "reg";
	case DT_DIR:
		return "dir";
	case DT_LNK:
		return "lnk";
	case DT_FIFO:
		return "fifo";
	case DT_UNKNOWN:
		return "unknown";
	}
	return "other";
}

/* Read the whole directory with a buffer of bufsz bytes per call. */
static void list(const char *path, size_t bufsz)
{
	char *names[512];
	int n = 0, calls = 0;
	char *buf = malloc(bufsz);
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	long r;

	die_if(fd < 0, path);
	while ((r = syscall(SYS_getdents64, fd, buf, bufsz)) > 0) {
		calls++;
		for (long off = 0; off < r;) {
			struct linux_dirent64 *d = (void *)(buf + off);
			char line[300];
			snprintf(line, sizeof(line), "%s %s%s", d->d_name,
				 dtype(d->d_type), d->d_ino ? "" : " ino=0!");
			if (n < 512)
				names[n++] = strdup(line);
			off += d->d_reclen;
		}
	}
	if (r < 0)
		printf("getdents64(%s) = -1 %s\n", path, errname(errno));
	qsort(names, n, sizeof(*names), cmp);
	printf("%s (%d entries, buffer %zu, needed more than one call: %s):\n",
	       path, n, bufsz, calls > 1 ? "yes" : "no");
	for (int i = 0; i < n; i++) {
		printf("  %s\n", names[i]);
		free(names[i]);
	}
	RET("getdents64 at end again", syscall(SYS_getdents64, fd, buf, bufsz));
	/* Rewinding restarts the listing. */
	lseek(fd, 0, SEEK_SET);
	YESNO("after lseek(0) entries again",
	      syscall(SYS_getdents64, fd, buf, bufsz) > 0);
	close(fd);
	free(buf);
}

int main(void)
{
	char buf[4096];
	char name[64];
	int fd;

	compat_tmpdir();
	mkdir("d", 0755);
	compat_write_file("d/regular", "x");
	mkdir("d/subdir", 0755);
	symlink("regular", "d/symlink");
	mkfifo("d/fifo", 0644);
	list("d", 4096);

	mkdir("big", 0755);
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name),
			 "big/file-with-a-longish-name-%03d", i);
		compat_write_file(name, "");
	}
	list("big", 512);

	/* Empty directory still has . and .. */
	mkdir("empty", 0755);
	list("empty", 4096);

	fd = open("d/regular", O_RDONLY);
	ERR("getdents64(regular file)",
	    syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	close(fd);
	ERR("getdents64(99)", syscall(SYS_getdents64, 99, buf, sizeof(buf)));
	fd = open("d", O_RDONLY | O_DIRECTORY);
	ERR("getdents64(buf too small)", syscall(SYS_getdents64, fd, buf, 8));
	ERR("getdents64(BADPTR)", syscall(SYS_getdents64, fd, BADPTR, 4096));
	close(fd);

	/* Entries removed while the directory is open disappear. */
	unlink("d/fifo");
	list("d", 4096);

	/* The host's /usr/share/doc/coreutils via the filesystem server. */
	list("/usr/share/doc/coreutils", 4096);
	return 0;
}
