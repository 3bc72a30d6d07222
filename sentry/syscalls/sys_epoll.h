#ifndef SENTRY_SYSCALLS_SYS_EPOLL_H
#define SENTRY_SYSCALLS_SYS_EPOLL_H
#include "sentry/syscalls/handlers.h"
DECL_SYS(epoll_create);
DECL_SYS(epoll_create1);
DECL_SYS(epoll_ctl);
DECL_SYS(epoll_wait);
DECL_SYS(epoll_pwait);
DECL_SYS(epoll_pwait2);
#endif
