/* The sentry's host-syscall allowlist (libseccomp). */
#ifndef SENTRY_SECCOMP_H
#define SENTRY_SECCOMP_H

/* Install it for every sentry thread (and, by inheritance, every stub
 * forked afterwards). procfd: the sentry's private procfs
 * (sentry/kernel/cgroup.h), the one directory openat may open files
 * under, read-only; -1: none. Returns 0 or -errno. */
int sentry_seccomp_install(int procfd);

#endif
