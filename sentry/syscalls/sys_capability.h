#ifndef SENTRY_SYSCALLS_SYS_CAPABILITY_H
#define SENTRY_SYSCALLS_SYS_CAPABILITY_H
#include <stdbool.h>

#include "sentry/syscalls/handlers.h"
DECL_SYS(capget);
DECL_SYS(capset);

/* prctl's capability and securebits options (PR_CAPBSET_*, PR_CAP_AMBIENT,
 * PR_GET/SET_KEEPCAPS, PR_GET/SET_SECUREBITS, PR_GET/SET_NO_NEW_PRIVS):
 * true with *ret set if a[0] is one of them, false otherwise. */
bool prctl_cred(struct task *t, const uint64_t a[6], long *ret);
#endif
