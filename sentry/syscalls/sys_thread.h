#ifndef SENTRY_SYSCALLS_SYS_THREAD_H
#define SENTRY_SYSCALLS_SYS_THREAD_H
#include "sentry/syscalls/handlers.h"
DECL_SYS(clone);
DECL_SYS(clone3);
DECL_SYS(fork);
DECL_SYS(vfork);
DECL_SYS(execve);
DECL_SYS(execveat);
DECL_SYS(exit);
DECL_SYS(exit_group);
DECL_SYS(wait4);
DECL_SYS(waitid);
DECL_SYS(getpid);
DECL_SYS(getppid);
DECL_SYS(gettid);
DECL_SYS(set_tid_address);
DECL_SYS(arch_prctl);
DECL_SYS(getpgid);
DECL_SYS(setpgid);
DECL_SYS(getpgrp);
DECL_SYS(getsid);
DECL_SYS(setsid);
DECL_SYS(sched_yield);
#endif
