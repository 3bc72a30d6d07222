/* The sentry's host-syscall allowlist (libseccomp). */
#ifndef SENTRY_SECCOMP_H
#define SENTRY_SECCOMP_H

/* Install it for every sentry thread (and, by inheritance, every stub
 * forked afterwards). Returns 0 or -errno. */
int sentry_seccomp_install(void);

#endif
