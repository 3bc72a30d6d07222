/* ioctl (Linux's fs/ioctl.c): the generic requests here, the rest to the
 * file's file_ops.ioctl. */
#ifndef SENTRY_SYSCALLS_SYS_IOCTL_H
#define SENTRY_SYSCALLS_SYS_IOCTL_H

#include "sentry/syscalls/handlers.h"

/* Generic ioctl request numbers (asm-generic/ioctls.h). */
#define LINUX_FIONREAD 0x541B
#define LINUX_FIONBIO  0x5421
#define LINUX_FIONCLEX 0x5450
#define LINUX_FIOCLEX  0x5451
#define LINUX_FIOASYNC 0x5452
#define LINUX_FIOQSIZE 0x5460
#define LINUX_FIGETBSZ 2

DECL_SYS(ioctl);

#endif
