#ifndef SENTRY_SYSCALLS_SYS_IDENTITY_H
#define SENTRY_SYSCALLS_SYS_IDENTITY_H
#include "sentry/syscalls/handlers.h"
DECL_SYS(getuid);
DECL_SYS(geteuid);
DECL_SYS(getgid);
DECL_SYS(getegid);
DECL_SYS(getresuid);
DECL_SYS(getresgid);
DECL_SYS(setuid);
DECL_SYS(setgid);
DECL_SYS(setreuid);
DECL_SYS(setregid);
DECL_SYS(setresuid);
DECL_SYS(setresgid);
DECL_SYS(setfsuid);
DECL_SYS(setfsgid);
DECL_SYS(getgroups);
DECL_SYS(setgroups);
#endif
