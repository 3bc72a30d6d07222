/* Extended attributes (sys_xattr.c): none stored yet. */
#ifndef SENTRY_SYSCALLS_SYS_XATTR_H
#define SENTRY_SYSCALLS_SYS_XATTR_H

#include "sentry/syscalls/handlers.h"

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
