/* Sentry panics (see log.h's sentry_panic) and the syscall history they
 * print. */
#ifndef SENTRY_PANIC_H
#define SENTRY_PANIC_H

#include <stdint.h>

/* Remember a syscall for the panic report (lock-free, any thread). */
void panic_record_syscall(int tid, uint64_t nr);

/* Turn fatal signals in the sentry itself into panics. */
void panic_install_handlers(void);

#endif
