/* access, faccessat (and faccessat2 flags) on files, dirs, symlinks. */
#include "compat.h"

int main(void)
{
	compat_tmpdir();
	compat_write_file("rw", "");
	chmod("rw", 0644);
	compat_write_file("x", "");
	chmod("x", 0755);
	compat_write_file("none", "");
	chmod("none", 0000);
	symlink("x", "lx");
	symlink("nowhere", "dangling");
	mkdir("d", 0755);

	RET("access(rw, F_OK)", access("rw", F_OK));
	RET("access(rw, R_OK|W_OK)", access("rw", R_OK | W_OK));
	/* root may read/write anything but needs some x bit to execute. */
	ERR("access(rw, X_OK)", access("rw", X_OK));
	RET("access(x, X_OK)", access("x", X_OK));
	RET("access(lx, X_OK) follows", access("lx", X_OK));
	ERR("access(none, X_OK)", access("none", X_OK));
	RET("access(d, X_OK) dir search", access("d", X_OK));
	ERR("access(missing, F_OK)", access("missing", F_OK));
	ERR("access(dangling, F_OK)", access("dangling", F_OK));
	ERR("access(rw/x, F_OK)", access("rw/x", F_OK));
	ERR("access(rw, 8) bad mode", access("rw", 8));
	ERR("access(BADPTR)", syscall(SYS_access, BADPTR, F_OK));
	ERR("access(\"\")", access("", F_OK));

	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	RET("faccessat(dirfd, ../x, X_OK)", faccessat(dfd, "../x", X_OK, 0));
	RET("faccessat(AT_FDCWD, rw, R_OK)",
	    faccessat(AT_FDCWD, "rw", R_OK, 0));
	ERR("faccessat(99, rw)", syscall(SYS_faccessat, 99, "rw", R_OK));
	RET("faccessat(99, /tmp) absolute",
	    syscall(SYS_faccessat, 99, "/tmp", R_OK));
	ERR("faccessat(file fd, x)",
	    syscall(SYS_faccessat, open("rw", O_RDONLY), "x", R_OK));
#ifdef SYS_faccessat2
	RET("faccessat2(dangling, AT_SYMLINK_NOFOLLOW)",
	    syscall(SYS_faccessat2, AT_FDCWD, "dangling", F_OK,
		    AT_SYMLINK_NOFOLLOW));
	RET("faccessat2(rw, AT_EACCESS)",
	    syscall(SYS_faccessat2, AT_FDCWD, "rw", R_OK, AT_EACCESS));
	ERR("faccessat2(rw, bad flags)",
	    syscall(SYS_faccessat2, AT_FDCWD, "rw", R_OK, 0x1));
#endif
	RET("access(/bin/sh, X_OK)", access("/bin/sh", X_OK));
	RET("access(/, R_OK|X_OK)", access("/", R_OK | X_OK));
	return 0;
}
