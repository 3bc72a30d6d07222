/* stat family, statfs, getdents (sys_stat.c). */
#ifndef SENTRY_SYSCALLS_SYS_STAT_H
#define SENTRY_SYSCALLS_SYS_STAT_H

#include "sentry/syscalls/handlers.h"

DECL_SYS(stat);
DECL_SYS(fstat);
DECL_SYS(lstat);
DECL_SYS(newfstatat);
DECL_SYS(statx);
DECL_SYS(statfs);
DECL_SYS(fstatfs);
DECL_SYS(getdents);
DECL_SYS(getdents64);

#endif
