/* Every syscall handler the table points at, by family (one header each). */
#ifndef SENTRY_SYSCALLS_HANDLERS_H
#define SENTRY_SYSCALLS_HANDLERS_H

#include <stdint.h>

struct task;

#define DECL_SYS(n) long sys_##n(struct task *t, const uint64_t a[6])

#endif

#ifndef SENTRY_SYSCALLS_HANDLERS_ALL
#define SENTRY_SYSCALLS_HANDLERS_ALL
#include "sentry/syscalls/sys_capability.h"
#include "sentry/syscalls/sys_epoll.h"
#include "sentry/syscalls/sys_eventfd.h"
#include "sentry/syscalls/sys_file.h"
#include "sentry/syscalls/sys_futex.h"
#include "sentry/syscalls/sys_identity.h"
#include "sentry/syscalls/sys_ioctl.h"
#include "sentry/syscalls/sys_misc.h"
#include "sentry/syscalls/sys_mmap.h"
#include "sentry/syscalls/sys_pipe.h"
#include "sentry/syscalls/sys_poll.h"
#include "sentry/syscalls/sys_read_write.h"
#include "sentry/syscalls/sys_signal.h"
#include "sentry/syscalls/sys_socket.h"
#include "sentry/syscalls/sys_stat.h"
#include "sentry/syscalls/sys_thread.h"
#include "sentry/syscalls/sys_time.h"
#endif
