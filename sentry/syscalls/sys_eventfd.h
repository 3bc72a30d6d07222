/* eventfd, eventfd2 (Linux's fs/eventfd.c): the object lives in
 * sys_eventfd.c, as it has no other user. */
#ifndef SENTRY_SYSCALLS_SYS_EVENTFD_H
#define SENTRY_SYSCALLS_SYS_EVENTFD_H

#include "sentry/syscalls/handlers.h"

DECL_SYS(eventfd);
DECL_SYS(eventfd2);

#endif
