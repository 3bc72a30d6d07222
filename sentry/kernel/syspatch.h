/* Syscall patching (runsc --syscall-patch; systrap only, off by default):
 * a `mov $nr, %eax; syscall` the application traps on is rewritten, in its
 * own address space, into a jump to the platform's fast entry (through a
 * slot of a trampoline page near the code), which skips the host's signal
 * delivery. Sites that cannot be rewritten safely stay as they are; the
 * application sees the same registers either way (DESIGN.md, "Platform").
 *
 * Called from the task's sentry thread with the kernel lock held.
 */
#ifndef SENTRY_KERNEL_SYSPATCH_H
#define SENTRY_KERNEL_SYSPATCH_H

#include <stdbool.h>

struct task;

extern bool syspatch_enabled;
extern unsigned syspatch_hot; /* traps at a site before it is patched */

/* t stopped on a syscall trap (not a fast entry): rewrite the sequence
 * that made it, when it is one we can. Never fails the syscall: on any
 * doubt the site is left (and remembered as such). */
void syspatch_try(struct task *t);

#endif
