#ifndef SENTRY_SYSCALLS_SYS_FUTEX_H
#define SENTRY_SYSCALLS_SYS_FUTEX_H
#include "sentry/syscalls/handlers.h"
DECL_SYS(futex);
DECL_SYS(set_robust_list);
DECL_SYS(get_robust_list);
#endif
