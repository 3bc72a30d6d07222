/* --strace: print every syscall of the sandbox the way strace(1) does.
 *
 *   openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
 *   read(3, "root:x:0:0:root:/root:/bin/sh\n"..., 4096) = 1024
 *   [pid 7] exit_group(0)                    = ?
 *
 * Arguments that only exist before the call (paths, execve's argv, data
 * written) are decoded by strace_enter(); buffers filled by the call are
 * decoded by strace_exit(), which writes the whole line. exit and exit_group
 * never return: their line is written by strace_enter() with " = ?".
 *
 * Each line goes out in one write() to strace_fd, so lines of different
 * tasks never interleave. The argument descriptions are in
 * abi/syscall_args.h, the flag decoders in abi/decode.h.
 */
#ifndef SENTRY_STRACE_H
#define SENTRY_STRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct task;

/* Set by main from --strace before the first task runs; read-only after. */
extern bool strace_enabled;
/* Where lines go (default 2). Set before the first task runs. */
extern int strace_fd;

/* Called by syscall_dispatch() around each handler when strace_enabled, on
 * t's own sentry thread with the kernel lock held (it reads t's memory
 * with copy_in). strace_exit must follow strace_enter on the same thread
 * for the same syscall: the decoded entry arguments are kept in
 * thread-local storage in between. a: the six argument registers. */
void strace_enter(struct task *t, uint64_t nr, const uint64_t a[6]);
void strace_exit(struct task *t, uint64_t nr, const uint64_t a[6], long ret);

/* ---- Pure formatting helpers (sentry/strace_fmt.c; no task needed). ---- */

/* Quote n bytes of buf as strace does: "..." with \n \t \r \v \f \" \\
 * escaped, other non-printable bytes as octal (\0, \177, and \000-style
 * three digits when the next byte is an octal digit). When truncated is
 * true, "..." follows the closing quote. Writes at most outsz-1 chars plus
 * a NUL into out (outsz > 0); returns the length written. */
size_t strace_quote(char *out, size_t outsz, const void *buf, size_t n,
		    bool truncated);

/* Like strace_quote with every byte as \xNN (strace does this for
 * getrandom's random bytes). */
size_t strace_quote_hex(char *out, size_t outsz, const void *buf, size_t n,
			bool truncated);

/* The text after " = " for a return value, as strace prints it:
 * "3", "0x7f12a000" (kind SR_HEX), "022" (SR_OCT),
 * "-1 ENOENT (No such file or directory)",
 * "? ERESTARTSYS (To be restarted if SA_RESTART is set)".
 * kind: enum sret_kind of abi/syscall_args.h. Returns the length. */
size_t strace_format_ret(char *out, size_t outsz, long ret, int kind);

/* Build one output line: the "[pid N] " prefix when pid > 0, call (e.g.
 * "close(3)"), spaces up to column 40 as strace aligns results, " = ",
 * ret_text and a newline. Returns a malloc'd NUL-terminated string or NULL
 * when out of memory. */
char *strace_make_line(int pid, const char *call, const char *ret_text);

#endif
