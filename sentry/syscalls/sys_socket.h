#ifndef SENTRY_SYSCALLS_SYS_SOCKET_H
#define SENTRY_SYSCALLS_SYS_SOCKET_H
#include "sentry/syscalls/handlers.h"
DECL_SYS(socketpair);
DECL_SYS(sendto);
DECL_SYS(recvfrom);
DECL_SYS(sendmsg);
DECL_SYS(recvmsg);
DECL_SYS(shutdown);
DECL_SYS(getsockopt);
DECL_SYS(setsockopt);
DECL_SYS(getsockname);
DECL_SYS(getpeername);
#endif
