#ifndef SENTRY_SYSCALLS_SYS_MISC_H
#define SENTRY_SYSCALLS_SYS_MISC_H
#include "sentry/syscalls/handlers.h"
DECL_SYS(uname);
DECL_SYS(getrandom);
DECL_SYS(sysinfo);
DECL_SYS(prlimit64);
DECL_SYS(getrlimit);
DECL_SYS(setrlimit);
DECL_SYS(getrusage);
DECL_SYS(sched_getaffinity);
DECL_SYS(sched_setaffinity);
DECL_SYS(getcpu);
DECL_SYS(prctl);
DECL_SYS(sethostname);
#endif
