#ifndef SENTRY_SYSCALLS_SYS_SIGNAL_H
#define SENTRY_SYSCALLS_SYS_SIGNAL_H
#include "sentry/syscalls/handlers.h"
DECL_SYS(rt_sigaction);
DECL_SYS(rt_sigprocmask);
DECL_SYS(rt_sigreturn);
DECL_SYS(rt_sigpending);
DECL_SYS(rt_sigsuspend);
DECL_SYS(rt_sigtimedwait);
DECL_SYS(sigaltstack);
DECL_SYS(kill);
DECL_SYS(tkill);
DECL_SYS(tgkill);
DECL_SYS(pause);
DECL_SYS(rt_sigqueueinfo);
DECL_SYS(rt_tgsigqueueinfo);
#endif
