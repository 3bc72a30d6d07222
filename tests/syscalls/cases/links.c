/* symlink, readlink, link, unlink, rename, mkdir, rmdir (and their *at
 * forms) with the errors Linux gives. */
#include "compat.h"

static void show_link(const char *path)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf));

	if (n < 0)
		printf("readlink(%s) = -1 %s\n", path, errname(errno));
	else
		printf("readlink(%s) = %zd \"%.*s\"\n", path, n, (int)n, buf);
}

static long nlink(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? (long)st.st_nlink : -1;
}

int main(void)
{
	char buf[8];

	compat_tmpdir();
	compat_write_file("f", "content");

	/* symlink / readlink */
	RET("symlink(f, s)", symlink("f", "s"));
	RET("symlink(/no/such/target, dangling)",
	    symlink("/no/such/target", "dangling"));
	ERR("symlink(f, s) again", symlink("f", "s"));
	ERR("symlink(x, missing/s)", symlink("x", "missing/s"));
	ERR("symlink(\"\", e)", symlink("", "e"));
	show_link("s");
	show_link("dangling");
	show_link("f");
	show_link("missing");
	RET("readlink(s, 3-byte buf) truncates", readlink("dangling", buf, 3));
	print_bytes("truncated", buf, 3);
	ERR("readlink(s, bufsiz 0)", readlink("s", buf, 0));
	ERR("readlink(s, BADPTR)", readlink("s", BADPTR, 8));
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	char b2[64];
	ssize_t n =
	    RET("readlinkat(dirfd, s)", readlinkat(dfd, "s", b2, sizeof(b2)));
	print_bytes("target", b2, n > 0 ? n : 0);
	compat_cat("s");
	ERR("symlink loop: open",
	    (symlink("loop1", "loop2"), symlink("loop2", "loop1"),
	     open("loop1", O_RDONLY)));

	/* link */
	RET("nlink(f)", nlink("f"));
	RET("link(f, h)", link("f", "h"));
	RET("nlink(f) after link", nlink("f"));
	compat_cat("h");
	ERR("link(f, h) again", link("f", "h"));
	ERR("link(missing, x)", link("missing", "x"));
	RET("mkdir(dir)", mkdir("dir", 0755));
	ERR("link(dir, dir2)", link("dir", "dir2"));
	RET("link(s, hs) links the symlink itself", link("s", "hs"));
	show_link("hs");
	RET("linkat(AT_FDCWD, s, AT_FDCWD, hf, AT_SYMLINK_FOLLOW)",
	    linkat(AT_FDCWD, "s", AT_FDCWD, "hf", AT_SYMLINK_FOLLOW));
	RET("nlink(f)", nlink("f"));

	/* unlink */
	RET("unlink(h)", unlink("h"));
	RET("nlink(f) after unlink", nlink("f"));
	ERR("unlink(h) again", unlink("h"));
	ERR("unlink(dir)", unlink("dir"));
	ERR("unlink(f/x)", unlink("f/x"));
	RET("unlink(dangling) removes the link", unlink("dangling"));
	/* An unlinked open file stays readable. */
	int fd = open("hf", O_RDONLY);
	RET("unlink(hf) while open", unlink("hf"));
	RET("read from unlinked file", read(fd, buf, 7));
	close(fd);

	/* mkdir / rmdir */
	ERR("mkdir(dir) again", mkdir("dir", 0755));
	ERR("mkdir(f)", mkdir("f", 0755));
	ERR("mkdir(missing/sub)", mkdir("missing/sub", 0755));
	ERR("mkdir(f/sub)", mkdir("f/sub", 0755));
	RET("mkdir(dir/sub)", mkdir("dir/sub", 0700));
	struct stat st;
	lstat("dir", &st);
	printf("nlink(dir) with one subdir = %ld\n", (long)st.st_nlink);
	ERR("rmdir(dir) not empty", rmdir("dir"));
	ERR("rmdir(f)", rmdir("f"));
	ERR("rmdir(missing)", rmdir("missing"));
	ERR("rmdir(dir/sub/.)", rmdir("dir/sub/."));
	ERR("rmdir(.)", rmdir("."));
	RET("mkdirat(dirfd, dir/sub2)", mkdirat(dfd, "dir/sub2", 0755));
	RET("unlinkat(dirfd, dir/sub2, AT_REMOVEDIR)",
	    unlinkat(dfd, "dir/sub2", AT_REMOVEDIR));
	ERR("unlinkat(dirfd, f, AT_REMOVEDIR)",
	    unlinkat(dfd, "f", AT_REMOVEDIR));
	ERR("unlinkat(dirfd, f, 0x1234)", unlinkat(dfd, "f", 0x1234));
	RET("rmdir(dir/sub)", rmdir("dir/sub"));

	/* rename */
	compat_write_file("g", "other");
	RET("rename(f, f2)", rename("f", "f2"));
	YESNO("f gone", access("f", F_OK) != 0);
	compat_cat("f2");
	RET("rename(g, f2) replaces", rename("g", "f2"));
	compat_cat("f2");
	RET("rename(f2, f2) same file", rename("f2", "f2"));
	ERR("rename(missing, x)", rename("missing", "x"));
	ERR("rename(f2, dir) file over dir", rename("f2", "dir"));
	ERR("rename(dir, f2) dir over file", rename("dir", "f2"));
	RET("mkdir(full)", mkdir("full", 0755));
	compat_write_file("full/x", "");
	RET("mkdir(empty)", mkdir("empty", 0755));
	ERR("rename(dir, full) over non-empty dir", rename("dir", "full"));
	RET("rename(dir, empty) over empty dir", rename("dir", "empty"));
	YESNO("dir gone", access("dir", F_OK) != 0);
	ERR("rename(full, full/x/y) into itself", rename("full", "full/sub"));
	RET("rename(f2, full/moved) across dirs", rename("f2", "full/moved"));
	compat_cat("full/moved");
	RET("renameat(dirfd, full/moved, dirfd, back)",
	    renameat(dfd, "full/moved", dfd, "back"));
	RET("renameat2(RENAME_NOREPLACE) onto existing",
	    renameat2(AT_FDCWD, "back", AT_FDCWD, "full/x", RENAME_NOREPLACE));
	printf("  errno %s\n", errname(errno));
	RET("rename(s, s2) moves the symlink", rename("s", "s2"));
	show_link("s2");
	ERR("rename(BADPTR, x)", syscall(SYS_rename, BADPTR, "x"));
	return 0;
}
