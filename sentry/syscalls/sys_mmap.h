#ifndef SENTRY_SYSCALLS_SYS_MMAP_H
#define SENTRY_SYSCALLS_SYS_MMAP_H
#include "sentry/syscalls/handlers.h"
DECL_SYS(mmap);
DECL_SYS(munmap);
DECL_SYS(mprotect);
DECL_SYS(mremap);
DECL_SYS(brk);
DECL_SYS(madvise);
DECL_SYS(msync);
DECL_SYS(mincore);
#endif
