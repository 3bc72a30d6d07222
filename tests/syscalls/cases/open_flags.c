/* open/openat flags: O_CREAT|O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY,
 * O_NOFOLLOW, O_CLOEXEC, O_PATH, dirfd-relative opens and their errors. */
#include "compat.h"

static void show_fd_flags(const char *label, int fd)
{
	int fl = fcntl(fd, F_GETFL);
	int fdf = fcntl(fd, F_GETFD);

	printf("%s: accmode=%d append=%d nonblock=%d cloexec=%d\n", label,
	       fl & O_ACCMODE, !!(fl & O_APPEND), !!(fl & O_NONBLOCK),
	       !!(fdf & FD_CLOEXEC));
}

int main(void)
{
	char buf[64];
	struct stat st;
	int fd;

	compat_tmpdir();
	fd = RET("open(a, O_CREAT|O_EXCL|O_WRONLY, 0600)",
		 open("a", O_CREAT | O_EXCL | O_WRONLY, 0600));
	RET("write", write(fd, "0123456789", 10));
	close(fd);
	ERR("open(a, O_CREAT|O_EXCL) again",
	    open("a", O_CREAT | O_EXCL | O_WRONLY, 0600));
	RET("stat(a)", stat("a", &st));
	printf("mode=%o size=%ld\n", st.st_mode & 07777, (long)st.st_size);

	fd = RET("open(a, O_RDWR|O_APPEND)", open("a", O_RDWR | O_APPEND));
	show_fd_flags("flags", fd);
	RET("lseek(0)", lseek(fd, 0, SEEK_SET));
	RET("write(\"AB\") with O_APPEND", write(fd, "AB", 2));
	RET("offset after append", lseek(fd, 0, SEEK_CUR));
	RET("pread(0)", pread(fd, buf, sizeof(buf), 0));
	print_bytes("a", buf, 12);
	close(fd);

	fd = RET("open(a, O_WRONLY|O_TRUNC)", open("a", O_WRONLY | O_TRUNC));
	RET("fstat", fstat(fd, &st));
	printf("size after O_TRUNC=%ld\n", (long)st.st_size);
	close(fd);

	fd =
	    RET("open(a, O_RDONLY|O_CLOEXEC)", open("a", O_RDONLY | O_CLOEXEC));
	show_fd_flags("cloexec fd", fd);
	close(fd);
	fd = RET("open(a, O_RDONLY|O_NONBLOCK)",
		 open("a", O_RDONLY | O_NONBLOCK));
	show_fd_flags("nonblock fd", fd);
	close(fd);

	/* Lowest free descriptor is reused. */
	int f1 = open("a", O_RDONLY), f2 = open("a", O_RDONLY);
	close(f1);
	RET("open reuses lowest fd", open("a", O_RDONLY));
	close(f1);
	close(f2);

	die_if(mkdir("d", 0755) != 0, "mkdir");
	die_if(symlink("a", "link") != 0, "symlink");
	die_if(symlink("d", "dlink") != 0, "symlink");
	die_if(symlink("nowhere", "dangling") != 0, "symlink");

	OK("open(d, O_RDONLY|O_DIRECTORY)",
	   fd = open("d", O_RDONLY | O_DIRECTORY));
	close(fd);
	ERR("open(a, O_DIRECTORY)", open("a", O_RDONLY | O_DIRECTORY));
	ERR("open(d, O_WRONLY)", open("d", O_WRONLY));
	ERR("open(d, O_RDWR)", open("d", O_RDWR));
	ERR("open(d, O_CREAT)", open("d", O_CREAT | O_RDONLY, 0644));
	OK("open(link) follows", fd = open("link", O_RDONLY));
	RET("fstat(link fd)", fstat(fd, &st));
	printf("type=%s\n", ftype_str(st.st_mode));
	close(fd);
	ERR("open(link, O_NOFOLLOW)", open("link", O_RDONLY | O_NOFOLLOW));
	ERR("open(dlink, O_NOFOLLOW|O_DIRECTORY)",
	    open("dlink", O_RDONLY | O_NOFOLLOW | O_DIRECTORY));
	OK("open(dlink, O_DIRECTORY)",
	   fd = open("dlink", O_RDONLY | O_DIRECTORY));
	close(fd);
	ERR("open(dangling)", open("dangling", O_RDONLY));
	OK("open(dangling, O_CREAT) creates the target",
	   fd = open("dangling", O_CREAT | O_WRONLY, 0644));
	close(fd);
	YESNO("nowhere exists now", access("nowhere", F_OK) == 0);
	ERR("open(dangling, O_CREAT|O_EXCL)",
	    open("dangling", O_CREAT | O_EXCL | O_WRONLY, 0644));

	/* O_PATH: usable as a dirfd and for fstat, not for I/O. */
	OK("open(a, O_PATH)", fd = open("a", O_PATH));
	ERR("read(O_PATH fd)", read(fd, buf, 1));
	RET("fstat(O_PATH fd)", fstat(fd, &st));
	close(fd);
	OK("open(link, O_PATH|O_NOFOLLOW)",
	   fd = open("link", O_PATH | O_NOFOLLOW));
	RET("fstat(symlink O_PATH fd)", fstat(fd, &st));
	printf("type=%s\n", ftype_str(st.st_mode));
	close(fd);

	/* Path errors. */
	ERR("open(missing)", open("missing", O_RDONLY));
	ERR("open(missing/x)", open("missing/x", O_RDONLY));
	ERR("open(a/x) file as dir", open("a/x", O_RDONLY));
	ERR("open(a/, O_RDONLY)", open("a/", O_RDONLY));
	ERR("open(\"\")", open("", O_RDONLY));
	ERR("open(BADPTR)", syscall(SYS_open, BADPTR, O_RDONLY));
	ERR("open(x, O_CREAT|O_DIRECTORY)",
	    open("x", O_CREAT | O_DIRECTORY | O_RDWR, 0644));
	memset(buf, 'n', sizeof(buf));
	char longname[300];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	ERR("open(300-char name)", open(longname, O_RDONLY));

	/* openat. */
	int dfd = RET("open(d)", open("d", O_RDONLY | O_DIRECTORY));
	OK("openat(dfd, f, O_CREAT)",
	   fd = openat(dfd, "f", O_CREAT | O_WRONLY, 0644));
	close(fd);
	YESNO("d/f exists", access("d/f", F_OK) == 0);
	OK("openat(AT_FDCWD, d/f)", fd = openat(AT_FDCWD, "d/f", O_RDONLY));
	close(fd);
	OK("openat(dfd, ../a)", fd = openat(dfd, "../a", O_RDONLY));
	close(fd);
	int afd = open("a", O_RDONLY);
	ERR("openat(file fd, x)", openat(afd, "x", O_RDONLY));
	ERR("openat(999, x)", openat(999, "x", O_RDONLY));
	OK("openat(999, /tmp) absolute ignores dirfd",
	   fd = openat(999, "/tmp", O_RDONLY));
	close(fd);
	ERR("openat(dfd, f, O_CREAT|O_EXCL)",
	    openat(dfd, "f", O_CREAT | O_EXCL | O_WRONLY, 0644));
	return 0;
}
