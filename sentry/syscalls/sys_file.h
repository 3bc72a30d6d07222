/* File and name-space syscalls (sys_file.c). */
#ifndef SENTRY_SYSCALLS_SYS_FILE_H
#define SENTRY_SYSCALLS_SYS_FILE_H

#include "sentry/syscalls/handlers.h"

DECL_SYS(open);
DECL_SYS(openat);
DECL_SYS(openat2);
DECL_SYS(creat);
DECL_SYS(close);
DECL_SYS(close_range);
DECL_SYS(dup);
DECL_SYS(dup2);
DECL_SYS(dup3);
DECL_SYS(fcntl);
DECL_SYS(getcwd);
DECL_SYS(chdir);
DECL_SYS(fchdir);
DECL_SYS(chroot);
DECL_SYS(umask);
DECL_SYS(mkdir);
DECL_SYS(mkdirat);
DECL_SYS(mknod);
DECL_SYS(mknodat);
DECL_SYS(unlink);
DECL_SYS(unlinkat);
DECL_SYS(rmdir);
DECL_SYS(rename);
DECL_SYS(renameat);
DECL_SYS(renameat2);
DECL_SYS(symlink);
DECL_SYS(symlinkat);
DECL_SYS(link);
DECL_SYS(linkat);
DECL_SYS(readlink);
DECL_SYS(readlinkat);
DECL_SYS(access);
DECL_SYS(faccessat);
DECL_SYS(faccessat2);
DECL_SYS(chmod);
DECL_SYS(fchmod);
DECL_SYS(fchmodat);
DECL_SYS(chown);
DECL_SYS(fchown);
DECL_SYS(lchown);
DECL_SYS(fchownat);
DECL_SYS(truncate);
DECL_SYS(ftruncate);
DECL_SYS(utimensat);
DECL_SYS(utimes);
DECL_SYS(utime);
DECL_SYS(fsync);
DECL_SYS(fdatasync);
DECL_SYS(sync);
DECL_SYS(syncfs);
DECL_SYS(fadvise64);
DECL_SYS(flock);

/* Extended attributes (sys_xattr.c): none stored yet. */
DECL_SYS(getxattr);
DECL_SYS(lgetxattr);
DECL_SYS(fgetxattr);
DECL_SYS(listxattr);
DECL_SYS(llistxattr);
DECL_SYS(flistxattr);
DECL_SYS(setxattr);
DECL_SYS(lsetxattr);
DECL_SYS(fsetxattr);
DECL_SYS(removexattr);
DECL_SYS(lremovexattr);
DECL_SYS(fremovexattr);

#endif
