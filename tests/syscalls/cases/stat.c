/* stat, fstat, lstat, newfstatat, statx: stable fields only (type, mode,
 * size, nlink) and relations for the rest (inode/device equality). */
#include "compat.h"
#include <sys/sysmacros.h>

static void show(const char *label, int r, const struct stat *st)
{
	if (r != 0) {
		printf("%s = -1 %s\n", label, errname(errno));
		return;
	}
	printf("%s: type=%s perm=%o size=%ld nlink=%ld blksize>0=%d\n", label,
	       ftype_str(st->st_mode), st->st_mode & 07777,
	       S_ISDIR(st->st_mode) ? -1L : (long)st->st_size,
	       S_ISDIR(st->st_mode) ? -1L : (long)st->st_nlink,
	       st->st_blksize > 0);
}

int main(void)
{
	struct stat a, b;
	struct statx sx;
	int fd, r;

	compat_tmpdir();
	umask(022);
	compat_write_file("file", "twelve bytes");
	chmod("file", 0640);
	mkdir("dir", 0751);
	symlink("file", "link");
	link("file", "hard");

	r = stat("file", &a);
	show("stat(file)", r, &a);
	r = stat("dir", &b);
	show("stat(dir)", r, &b);
	YESNO("dir and file on the same device", a.st_dev == b.st_dev);
	YESNO("dir and file differ in inode", a.st_ino != b.st_ino);
	r = stat("link", &b);
	show("stat(link)", r, &b);
	YESNO("stat(link) is file's inode", a.st_ino == b.st_ino);
	r = lstat("link", &b);
	show("lstat(link)", r, &b);
	YESNO("lstat(link) is another inode", a.st_ino != b.st_ino);
	r = lstat("hard", &b);
	show("lstat(hard)", r, &b);
	YESNO("hard link is file's inode", a.st_ino == b.st_ino);
	YESNO("mtime is set", a.st_mtime > 0);

	fd = open("file", O_RDONLY);
	r = fstat(fd, &b);
	show("fstat(file fd)", r, &b);
	YESNO("fstat inode == stat inode",
	      a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	r = fstatat(AT_FDCWD, "link", &b, AT_SYMLINK_NOFOLLOW);
	show("newfstatat(link, AT_SYMLINK_NOFOLLOW)", r, &b);
	r = fstatat(fd, "", &b, AT_EMPTY_PATH);
	show("newfstatat(fd, \"\", AT_EMPTY_PATH)", r, &b);
	int dfd = open("dir", O_RDONLY);
	r = fstatat(dfd, "../file", &b, 0);
	show("newfstatat(dirfd, ../file)", r, &b);
	errno = 0;
	r = fstatat(fd, "x", &b, 0);
	show("newfstatat(file fd, x)", r, &b);
	r = fstatat(AT_FDCWD, "file", &b, 0x12345);
	show("newfstatat(bad flags)", r, &b);
	r = fstatat(fd, "", &b, 0);
	show("newfstatat(fd, \"\", 0)", r, &b);

	/* statx */
	r = statx(AT_FDCWD, "file", 0, STATX_BASIC_STATS, &sx);
	RET("statx(file, BASIC_STATS)", r);
	printf("statx: mask has basic=%d type=%s perm=%o size=%llu nlink=%u\n",
	       (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS,
	       ftype_str(sx.stx_mode), sx.stx_mode & 07777,
	       (unsigned long long)sx.stx_size, sx.stx_nlink);
	YESNO("statx inode == stat inode", sx.stx_ino == a.st_ino);
	YESNO("statx dev == stat dev",
	      (dev_t)makedev(sx.stx_dev_major, sx.stx_dev_minor) == a.st_dev);
	r = statx(AT_FDCWD, "link", AT_SYMLINK_NOFOLLOW,
		  STATX_TYPE | STATX_MODE, &sx);
	RET("statx(link, NOFOLLOW)", r);
	printf("statx: type=%s\n", ftype_str(sx.stx_mode));
	r = statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx);
	RET("statx(fd, \"\", AT_EMPTY_PATH)", r);
	printf("statx: size=%llu\n", (unsigned long long)sx.stx_size);
	r = statx(AT_FDCWD, "dir", 0, STATX_ALL, &sx);
	RET("statx(dir, STATX_ALL)", r);
	printf("statx: type=%s perm=%o\n", ftype_str(sx.stx_mode),
	       sx.stx_mode & 07777);
	ERR("statx(bad flags)",
	    statx(AT_FDCWD, "file", 0x40000000, STATX_BASIC_STATS, &sx));
	ERR("statx(STATX__RESERVED)",
	    statx(AT_FDCWD, "file", 0, 0x80000000U, &sx));
	ERR("statx(missing)",
	    statx(AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &sx));
	ERR("statx(buf=BADPTR)",
	    syscall(SYS_statx, AT_FDCWD, "file", 0, STATX_BASIC_STATS, BADPTR));

	/* Errors. */
	ERR("stat(missing)", stat("missing", &b));
	ERR("stat(file/x)", stat("file/x", &b));
	ERR("stat(\"\")", stat("", &b));
	ERR("stat(BADPTR path)", syscall(SYS_stat, BADPTR, &b));
	ERR("stat(buf=BADPTR)", syscall(SYS_stat, "file", BADPTR));
	ERR("fstat(99)", fstat(99, &b));
	ERR("fstat(fd, BADPTR)", syscall(SYS_fstat, fd, BADPTR));
	ERR("lstat(missing)", lstat("missing", &b));

	/* Well-known host objects. */
	r = stat("/", &b);
	show("stat(/)", r, &b);
	r = stat("/dev/null", &b);
	show("stat(/dev/null)", r, &b);
	printf("/dev/null rdev=%u:%u\n", major(b.st_rdev), minor(b.st_rdev));
	r = stat("/bin/sh", &b);
	printf("stat(/bin/sh) = %d, executable=%d\n", r,
	       !!(b.st_mode & S_IXUSR));
	return 0;
}
