#ifndef SENTRY_SYSCALLS_SYS_TIME_H
#define SENTRY_SYSCALLS_SYS_TIME_H
#include "sentry/syscalls/handlers.h"
DECL_SYS(clock_gettime);
DECL_SYS(clock_getres);
DECL_SYS(gettimeofday);
DECL_SYS(time);
DECL_SYS(nanosleep);
DECL_SYS(clock_nanosleep);
DECL_SYS(times);
#endif
