/* --profile: where the sandbox's time goes, counted by the sentry and
 * printed to the debug log when the sandbox exits. Counts syscalls (by
 * number), 9P round trips to the gofer (by message type) and the time
 * application threads spend running versus in the sentry. Cheap when off
 * (one predictable branch); when on, two clock reads per event and relaxed
 * atomic adds, safe from any thread with or without the kernel lock. */
#ifndef SENTRY_PROFILE_H
#define SENTRY_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

extern bool profile_enabled;

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t profile_now(void);

void profile_syscall(uint64_t nr, uint64_t ns);
void profile_p9(uint8_t type, uint64_t ns);
/* A stretch of application code run (switch_to until its return). */
void profile_app(uint64_t ns);

struct platform_ops;
/* Ops that time p's address-space and memory operations, then call p. */
const struct platform_ops *profile_platform(const struct platform_ops *p);

/* Print the tables to the debug log (from the sandbox's exit). */
void profile_report(void);

#endif
