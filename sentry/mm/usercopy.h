/* Copying between the sentry and application memory.
 *
 * Any address the application gives is untrusted: these functions never
 * fault in the sentry. They return 0 on success or -LINUX_EFAULT when any
 * byte of the range is not mapped with the needed access in t's address
 * space (as Linux, a partial copy may have happened before the fault).
 * Callable from t's own sentry thread, kernel lock held.
 */
#ifndef SENTRY_MM_USERCOPY_H
#define SENTRY_MM_USERCOPY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct task;

int copy_in(struct task *t, uint64_t addr, void *dst, size_t n);
int copy_out(struct task *t, uint64_t addr, const void *src, size_t n);

/* Copy a NUL-terminated string of at most max-1 chars into dst (size max).
 * Returns its length, -LINUX_EFAULT, or -LINUX_ENAMETOOLONG when no NUL is
 * found within max bytes. */
long copy_string_in(struct task *t, uint64_t addr, char *dst, size_t max);

/* Copy a path argument: like copy_string_in with PATH_MAX (4096), and an
 * empty string is -LINUX_ENOENT unless allow_empty. */
long copy_path_in(struct task *t, uint64_t addr, char *dst, int allow_empty);

/* A reader that keeps the last few application pages it copied in, so
 * that many small reads from nearby addresses (execve's argv and envp: a
 * pointer array and the strings, usually side by side) cost one host copy
 * per page instead of two per string. What it returns is the memory as it
 * was when each page was first read. Same errors as copy_in and
 * copy_string_in. */
#define UREADER_PAGES 4
struct ureader {
	struct task *t;
	uint64_t base[UREADER_PAGES]; /* page address; valid[i] says if read */
	int valid[UREADER_PAGES];
	unsigned next; /* the slot replaced next */
	char page[UREADER_PAGES][4096];
};
void ureader_init(struct ureader *r, struct task *t);
int ureader_copy(struct ureader *r, uint64_t addr, void *dst, size_t n);
long ureader_string(struct ureader *r, uint64_t addr, char *dst, size_t max);

/* Scatter/gather: read the application's struct iovec array (count entries)
 * into a sentry array. Returns count or -LINUX_EFAULT/-LINUX_EINVAL
 * (count > 1024, or lengths summing past SSIZE_MAX). */
struct linux_iovec {
	uint64_t base;
	uint64_t len;
};
long copy_iovec_in(struct task *t, uint64_t addr, uint64_t count,
		   struct linux_iovec *out);

#endif
