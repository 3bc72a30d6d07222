/* Syscall patching: see syspatch.h.
 *
 * A site is the 7 bytes `b8 imm32 0f 05` ending at the trapped syscall's
 * return address, imm32 being the number the trap reported. Its first 5
 * bytes become `e9 rel32`, a jump to a slot of a trampoline page within
 * 2 GiB; the `0f 05` stays, so a thread stopped between the two old
 * instructions (or a restarted syscall, rip - 2) still traps as before.
 * The slot sets what the mov and the syscall would (eax = nr, rcx = the
 * address after the syscall) and jumps to the platform's fast entry,
 * which returns there. The store is one 16-byte compare-and-swap by the
 * stub itself, so the 5 bytes must lie in one aligned 16-byte block.
 *
 * Trampoline pages are ordinary private anonymous mappings of the
 * application ("[syspatch]"): fork copies them with the patched text,
 * execve drops both. They hold no instruction the application could not
 * write itself: the fast entry only posts a syscall for the sentry to
 * emulate, whatever the registers.
 */
#include "sentry/kernel/syspatch.h"

#include <string.h>

#include "abi/mman.h"
#include "sentry/kernel/task.h"
#include "sentry/log.h"
#include "sentry/mm/mm.h"

bool syspatch_enabled;
/* Each patch costs several round trips to the stub and four host
 * mprotects (about 100 us on the VM measured, against about 4 us saved
 * per syscall): only sites that trapped this often get one. */
unsigned syspatch_hot = 64;

#define SLOT	  32
#define SITE_LEN  7
#define REACH	  ((1LL << 31) - 2 * (long long)PAGE_SIZE)
#define TRAMP_TAG "[syspatch]"

/* Syscalls that must keep the trap's full signal frame: the ones that
 * replace or duplicate the thread's whole state. */
static bool excluded(uint64_t nr)
{
	switch (nr) {
	case 15:  /* rt_sigreturn */
	case 56:  /* clone */
	case 57:  /* fork */
	case 58:  /* vfork */
	case 59:  /* execve */
	case 322: /* execveat */
	case 435: /* clone3 */
		return true;
	}
	return nr > 0xffff;
}

/* Bytes that, just before the site, would make its b8 part of a longer
 * instruction (a prefix): then the site is not `mov $imm, %eax`. */
static bool prefix_byte(uint8_t b)
{
	return (b >= 0x40 && b <= 0x4f) || b == 0x66 || b == 0x67 ||
	       b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x36 ||
	       b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65;
}

static bool near(uint64_t a, uint64_t b)
{
	long long d = (long long)(a - b);
	return d > -REACH && d < REACH;
}

static bool is_tramp(struct mm *mm, uint64_t page)
{
	struct vma *v = vma_find(&mm->vmas, page);

	return v && v->start <= page && v->end >= page + PAGE_SIZE && v->name &&
	       !strcmp(v->name, TRAMP_TAG);
}

/* Write bytes into a trampoline page (read-only to the application). */
static int tramp_write(struct task *t, uint64_t addr, const void *b, size_t n)
{
	uint64_t page = PAGE_DOWN(addr);
	const int rx = LINUX_PROT_READ | LINUX_PROT_EXEC;
	long r;

	if (plat->mprotect(t->pctx, page, PAGE_SIZE, rx | LINUX_PROT_WRITE))
		return -1;
	r = plat->write_mem(t->pctx, addr, b, n);
	plat->mprotect(t->pctx, page, PAGE_SIZE, rx);
	return r == (long)n ? 0 : -1;
}

/* A free slot within a rel32 of target, or 0. */
static uint64_t tramp_slot(struct task *t, uint64_t target, uint64_t entry)
{
	struct mm *mm = t->mm;
	struct mm_syspatch *p = &mm->patch;
	int free_i = -1;
	uint64_t lo, hi, at;
	long r;

	for (int i = 0; i < MM_SYSPATCH_PAGES; i++) {
		if (!p->page[i]) {
			if (free_i < 0)
				free_i = i;
			continue;
		}
		if (!near(p->page[i], target) ||
		    (uint64_t)p->used[i] + SLOT > PAGE_SIZE)
			continue;
		if (!is_tramp(mm, p->page[i])) {
			p->page[i] = 0; /* unmapped by the application */
			continue;
		}
		at = p->page[i] + p->used[i];
		p->used[i] += SLOT;
		return at;
	}
	if (free_i < 0)
		return 0;
	lo = target > (uint64_t)REACH + PLATFORM_APP_MIN
		 ? PAGE_UP(target - REACH)
		 : PLATFORM_APP_MIN;
	hi = PAGE_DOWN(target + REACH < PLATFORM_APP_TOP ? target + REACH
							 : PLATFORM_APP_TOP);
	/* Just below the code's mapping: the heap grows up after the data,
	 * shared libraries are placed top-down above. */
	if (vma_find_gap(&mm->vmas, PAGE_SIZE, PAGE_DOWN(target) - (1 << 20),
			 lo, hi, &at))
		return 0;
	r = mm_map(t, at, PAGE_SIZE, LINUX_PROT_READ | LINUX_PROT_EXEC,
		   LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS |
		       LINUX_MAP_FIXED_NOREPLACE,
		   NULL, 0, TRAMP_TAG);
	if (r < 0 || (uint64_t)r != at)
		return 0;
	if (tramp_write(t, at, &entry, sizeof(entry))) {
		mm_unmap(t, at, PAGE_SIZE);
		return 0;
	}
	p->page[free_i] = at;
	p->used[free_i] = 2 * SLOT;
	return at + SLOT;
}

static int patch(struct task *t, uint64_t site, uint32_t nr)
{
	const uint64_t block = site & ~15ULL, off = site & 15;
	uint64_t entry = plat->fast_entry(), slot;
	uint8_t old[16], new[16], prev, code[SLOT];
	uint32_t imm;
	int32_t rel;
	struct vma *v;
	int prot, err;

	if (off + 5 > 16)
		return -1;
	v = vma_find(&t->mm->vmas, site);
	if (!v || v->start > site || v->end < site + SITE_LEN ||
	    !(v->prot & LINUX_PROT_EXEC) || (v->flags & VMA_SHARED) ||
	    (v->name && !strcmp(v->name, TRAMP_TAG)))
		return -1;
	prot = v->prot;
	if (plat->read_mem(t->pctx, block, old, 16) != 16)
		return -1;
	if (off ? (prev = old[off - 1], 0)
		: plat->read_mem(t->pctx, site - 1, &prev, 1) != 1)
		return -1;
	memcpy(&imm, old + off + 1, 4);
	if (old[off] != 0xb8 || imm != nr || prefix_byte(prev))
		return -1;
	/* The syscall's own bytes may lie past the block: read them too. */
	{
		uint8_t sc[2];

		if (plat->read_mem(t->pctx, site + 5, sc, 2) != 2 ||
		    sc[0] != 0x0f || sc[1] != 0x05)
			return -1;
	}
	slot = tramp_slot(t, site + 5, entry);
	if (!slot)
		return -1;
	/* lea site+7(%rip), %rcx; mov $nr, %eax; jmp *entry(%rip) */
	memset(code, 0xcc, sizeof(code));
	code[0] = 0x48, code[1] = 0x8d, code[2] = 0x0d;
	rel = (int32_t)(site + SITE_LEN - (slot + 7));
	memcpy(code + 3, &rel, 4);
	code[7] = 0xb8;
	memcpy(code + 8, &nr, 4);
	code[12] = 0xff, code[13] = 0x25;
	rel = (int32_t)(PAGE_DOWN(slot) - (slot + 18));
	memcpy(code + 14, &rel, 4);
	if (tramp_write(t, slot, code, sizeof(code)))
		return -1;
	memcpy(new, old, 16);
	new[off] = 0xe9;
	rel = (int32_t)(slot - (site + 5));
	memcpy(new + off + 1, &rel, 4);
	if (plat->mprotect(t->pctx, PAGE_DOWN(block), PAGE_SIZE,
			   prot | LINUX_PROT_WRITE))
		return -1;
	err = plat->poke_text(t->pctx, block, old, new);
	plat->mprotect(t->pctx, PAGE_DOWN(block), PAGE_SIZE, prot);
	if (err)
		return -1;
	log_debug("syspatch: tid %d: %#lx (nr %u) -> %#lx", t->tid,
		  (unsigned long)site, nr, (unsigned long)slot);
	return 0;
}

void syspatch_try(struct task *t)
{
	static int avail = -1;
	uint64_t nr = t->regs.r.orig_rax, site = t->regs.r.rip - SITE_LEN;
	struct mm_syspatch *p = &t->mm->patch;
	unsigned h = (unsigned)((site * 0x9e3779b97f4a7c15ULL) >> 58);

	if (avail < 0)
		avail = plat->fast_entry && plat->poke_text &&
			plat->fast_entry() != 0;
	if (!avail || excluded(nr))
		return;
	if (p->site[h] != site) {
		p->site[h] = site;
		p->hits[h] = 0;
	}
	if (p->hits[h] == UINT32_MAX || ++p->hits[h] < syspatch_hot)
		return;
	if (patch(t, site, (uint32_t)nr))
		p->hits[h] = UINT32_MAX;
}
