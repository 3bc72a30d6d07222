/* poll, ppoll, select, pselect6 (Linux's fs/select.c).
 *
 * Readiness comes from every file's file_ops.poll (vfs_poll), so these work
 * on any file type. Waiting: a single wait queue among the polled files is
 * slept on directly; several are covered by the global poll wait queue,
 * which file types wake through poll_notify() when their readiness changes
 * (pipes and eventfds do), with a periodic re-check (POLL_TICK_MS) for file
 * types that do not call it. Kernel lock held, as in every handler.
 */
#ifndef SENTRY_SYSCALLS_SYS_POLL_H
#define SENTRY_SYSCALLS_SYS_POLL_H

#include "sentry/syscalls/handlers.h"

#define POLL_TICK_MS 10

/* Wake every task sleeping in a poll/select on more than one wait queue.
 * Any file type may call it (kernel lock held) whenever it also wakes its
 * own wait queue; cheap when nobody polls. */
void poll_notify(void);

DECL_SYS(poll);
DECL_SYS(ppoll);
DECL_SYS(select);
DECL_SYS(pselect6);

#endif
