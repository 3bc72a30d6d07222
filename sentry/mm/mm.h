/* The memory manager: the sentry's truth about an address space (a VMA
 * set) and its realization in the stub through the platform.
 *
 * File-backed memory comes from the sentry's memory file (a memfd, the
 * sandbox's page cache): the first mapping of an inode loads its content
 * into a range of the memory file, and every mapping of it, in any process,
 * maps that range (MAP_PRIVATE: copy-on-write by the host; MAP_SHARED:
 * shared pages, written back to the file on msync and munmap).
 *
 * All functions: kernel lock held, called from the sentry thread of a task
 * using this mm (the stub is driven through t->pctx).
 */
#ifndef SENTRY_MM_MM_H
#define SENTRY_MM_MM_H

#include <stdbool.h>
#include <stdint.h>

#include "platform/platform.h"
#include "sentry/mm/vma.h"

struct task;
struct file;
struct inode;

extern const struct platform_ops *plat;

#undef PAGE_SIZE
#define PAGE_SIZE    4096ULL
#define PAGE_DOWN(x) ((x) & ~(PAGE_SIZE - 1))
#define PAGE_UP(x)   (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

/* Layout, as Linux lays out a 47-bit address space without randomization. */
#define MM_STACK_TOP (PLATFORM_APP_TOP - 0x22000ULL)
#define MM_MMAP_BASE (MM_STACK_TOP - (128ULL << 20))
#define MM_PIE_BASE  0x555555554000ULL

/* Syscall patching's state (kernel/syspatch.c): plain values, so that
 * fork's copy of the struct copies it. */
#define MM_SYSPATCH_PAGES 8
#define MM_SYSPATCH_BAD	  64
struct mm_syspatch {
	uint64_t page[MM_SYSPATCH_PAGES]; /* trampoline pages; 0: none */
	uint16_t used[MM_SYSPATCH_PAGES]; /* bytes of each in use */
	/* Traps per site, hashed (a site is patched once hot; UINT32_MAX:
	 * left alone for good). */
	uint64_t site[MM_SYSPATCH_BAD];
	uint32_t hits[MM_SYSPATCH_BAD];
};

struct mm {
	int refs; /* tasks using it (CLONE_VM shares) */
	struct mm_syspatch patch;
	struct vma_set vmas;
	uint64_t brk_start, brk_cur;
	uint64_t stack_top;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t auxv[64];
	int auxv_len;
};

/* Open the memory file (once, at sentry start). Returns its fd or -errno. */
int mm_init(void);
int mm_memfd(void);

struct mm *mm_new(void);
struct mm *mm_get(struct mm *mm);
void mm_put(struct mm *mm);
/* The bookkeeping copy for fork (the platform copies the memory). */
struct mm *mm_fork(struct mm *src);

/* Map into t's address space (t->mm through t->pctx). flags: Linux MAP_*.
 * file: NULL for anonymous memory. addr is a hint unless MAP_FIXED(_NOREPLACE).
 * name: for /proc/PID/maps when no file ("[heap]", "[stack]"), or NULL.
 * Returns the address or -LINUX_Exxx. */
long mm_map(struct task *t, uint64_t addr, uint64_t len, int prot, int flags,
	    struct file *file, uint64_t off, const char *name);
int mm_unmap(struct task *t, uint64_t addr, uint64_t len);
int mm_protect(struct task *t, uint64_t addr, uint64_t len, int prot);

/* A SIGSEGV at addr is, for Linux, a SIGBUS: the page lies past the end
 * of the mapped file. */
bool mm_fault_is_sigbus(struct task *t, uint64_t addr);

/* /proc/PID/maps of mm. */
long mm_render_maps(struct mm *mm, char **out);

#endif
