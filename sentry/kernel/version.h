/* The kernel identity the sandbox reports: one place for uname(2),
 * /proc/version and /proc/sys/kernel/{osrelease,version}. */
#ifndef SENTRY_KERNEL_VERSION_H
#define SENTRY_KERNEL_VERSION_H

#define SENTRY_UNAME_SYSNAME "Linux"
#define SENTRY_UNAME_RELEASE "6.0.0"
#define SENTRY_UNAME_VERSION "#1 SMP runsc-c"
#define SENTRY_UNAME_MACHINE "x86_64"

/* /proc/version: "Linux version RELEASE (builder) VERSION" as Linux prints. */
#define SENTRY_PROC_VERSION                                                    \
	SENTRY_UNAME_SYSNAME " version " SENTRY_UNAME_RELEASE                  \
			     " (runsc-c@sandbox) " SENTRY_UNAME_VERSION "\n"

#endif
