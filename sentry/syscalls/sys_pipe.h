/* pipe, pipe2 (Linux's fs/pipe.c syscalls). Pipe objects: fs/pipe/pipe.h. */
#ifndef SENTRY_SYSCALLS_SYS_PIPE_H
#define SENTRY_SYSCALLS_SYS_PIPE_H

#include "sentry/syscalls/handlers.h"

DECL_SYS(pipe);
DECL_SYS(pipe2);

#endif
