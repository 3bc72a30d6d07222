/* read/write family, lseek, sendfile, copy_file_range (sys_read_write.c). */
#ifndef SENTRY_SYSCALLS_SYS_READ_WRITE_H
#define SENTRY_SYSCALLS_SYS_READ_WRITE_H

#include "sentry/syscalls/handlers.h"

DECL_SYS(read);
DECL_SYS(write);
DECL_SYS(pread64);
DECL_SYS(pwrite64);
DECL_SYS(readv);
DECL_SYS(writev);
DECL_SYS(preadv);
DECL_SYS(pwritev);
DECL_SYS(preadv2);
DECL_SYS(pwritev2);
DECL_SYS(lseek);
DECL_SYS(sendfile);
DECL_SYS(copy_file_range);

#endif
