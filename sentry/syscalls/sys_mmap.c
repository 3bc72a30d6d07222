/* Memory-mapping syscalls: mmap, munmap, mprotect, mremap, brk, madvise,
 * msync, mincore. The work is in mm/mm.c; here arguments are decoded and
 * checked as Linux checks them. */
#define _GNU_SOURCE
#include "sentry/syscalls/sys_mmap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "abi/errno.h"
#include "abi/mman.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/filecache.h"
#include "sentry/mm/mm.h"
#include "sentry/mm/usercopy.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/vfs.h"

long sys_mmap(struct task *t, const uint64_t a[6])
{
	uint64_t addr = a[0], len = a[1], off = a[5];
	int prot = (int)a[2], flags = (int)a[3], fd = (int)a[4];
	struct file *f = NULL;
	long r;

	if (off & (PAGE_SIZE - 1))
		return -LINUX_EINVAL;
	if (prot & ~(7 | LINUX_PROT_GROWSDOWN | LINUX_PROT_GROWSUP))
		return -LINUX_EINVAL;
	if (!(flags & LINUX_MAP_ANONYMOUS)) {
		f = fd_get(t, fd);
		if (!f)
			return -LINUX_EBADF;
	}
	r = mm_map(t, addr, len, prot, flags, f, off, NULL);
	if (f)
		file_put(f);
	return r;
}

long sys_munmap(struct task *t, const uint64_t a[6])
{
	return mm_unmap(t, a[0], a[1]);
}

long sys_mprotect(struct task *t, const uint64_t a[6])
{
	return mm_protect(t, a[0], a[1], (int)a[2]);
}

/* brk: grows and shrinks the heap above the executable's bss; a request it
 * cannot satisfy returns the current break (Linux's way to say ENOMEM). */
long sys_brk(struct task *t, const uint64_t a[6])
{
	struct mm *mm = t->mm;
	uint64_t want = a[0], old_end, new_end;
	long r;

	if (want < mm->brk_start)
		return mm->brk_cur;
	old_end = PAGE_UP(mm->brk_cur);
	new_end = PAGE_UP(want);
	if (new_end > old_end) {
		if (new_end > MM_MMAP_BASE ||
		    vma_find_first_intersecting(&mm->vmas, old_end, new_end))
			return mm->brk_cur;
		r = mm_map(t, old_end, new_end - old_end,
			   LINUX_PROT_READ | LINUX_PROT_WRITE,
			   LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS |
			       LINUX_MAP_FIXED,
			   NULL, 0, "[heap]");
		if (r < 0)
			return mm->brk_cur;
	} else if (new_end < old_end) {
		if (mm_unmap(t, new_end, old_end - new_end) < 0)
			return mm->brk_cur;
	}
	mm->brk_cur = want;
	return want;
}

/* Move or grow [old, old+oldlen) to [dst, dst+newlen) in the stub and in
 * the VMA set. The range lies inside one vma (checked by the caller). */
static long remap_to(struct task *t, struct vma *src, uint64_t old,
		     uint64_t oldlen, uint64_t newlen, uint64_t dst, bool move)
{
	struct mm *mm = t->mm;
	struct vma v = *src;
	char *name = src->name ? strdup(src->name) : NULL;
	long r;
	int err;

	if (src->name && !name)
		return -LINUX_ENOMEM;
	if (move)
		r = plat->mremap(t->pctx, old, oldlen, newlen,
				 MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	else
		r = plat->mremap(t->pctx, old, oldlen, newlen, 0, 0);
	if (r < 0) {
		free(name);
		return -linux_errno_from_host((int)-r);
	}
	v.off += old - src->start;
	v.memfd_off += old - src->start;
	v.start = dst;
	v.end = dst + newlen;
	v.name = name;
	if (v.backing)
		file_get(v.backing); /* survives removal of the old range */
	err = oldlen ? vma_remove_range(&mm->vmas, old, old + oldlen) : 0;
	if (!err && move)
		err = vma_remove_range(&mm->vmas, dst, dst + newlen);
	if (!err)
		err = vma_insert(&mm->vmas, &v);
	if (v.backing)
		file_put(v.backing);
	free(name);
	if (err)
		return err;
	vma_try_merge(&mm->vmas, dst);
	return dst;
}

long sys_mremap(struct task *t, const uint64_t a[6])
{
	struct mm *mm = t->mm;
	uint64_t old = a[0], oldlen = PAGE_UP(a[1]), newlen = PAGE_UP(a[2]);
	uint64_t flags = a[3], dst = a[4];
	struct vma *v;
	int err;

	if (flags & ~(uint64_t)(LINUX_MREMAP_MAYMOVE | LINUX_MREMAP_FIXED))
		return -LINUX_EINVAL; /* MREMAP_DONTUNMAP: not supported */
	if ((flags & LINUX_MREMAP_FIXED) && !(flags & LINUX_MREMAP_MAYMOVE))
		return -LINUX_EINVAL;
	if ((old & (PAGE_SIZE - 1)) || newlen == 0 || newlen < a[2])
		return -LINUX_EINVAL;
	v = vma_find(&mm->vmas, old);
	if (!v || old + oldlen > v->end || old + oldlen < old)
		return -LINUX_EFAULT;
	if (oldlen == 0) {
		/* A second mapping of the same shared pages (Linux allows it
		 * for shared mappings only). */
		if (!(v->flags & VMA_SHARED) || !(flags & LINUX_MREMAP_MAYMOVE))
			return -LINUX_EINVAL;
		if (!(flags & LINUX_MREMAP_FIXED) &&
		    vma_find_gap(&mm->vmas, newlen, 0, PLATFORM_APP_MIN,
				 MM_MMAP_BASE, &dst))
			return -LINUX_ENOMEM;
		return remap_to(t, v, old, 0, newlen, dst, true);
	}
	/* A file mapping may not grow past the file's cached range. */
	if (v->backing && v->off + (old - v->start) + newlen >
			      filecache_len(((struct file *)v->backing)->inode))
		return -LINUX_ENOMEM;

	if (flags & LINUX_MREMAP_FIXED) {
		if ((dst & (PAGE_SIZE - 1)) || dst + newlen < dst ||
		    dst < PLATFORM_APP_MIN || dst + newlen > PLATFORM_APP_TOP)
			return -LINUX_EINVAL;
		if (dst < old + oldlen && old < dst + newlen)
			return -LINUX_EINVAL;
		return remap_to(t, v, old, oldlen, newlen, dst, true);
	}
	if (newlen <= oldlen) {
		if (newlen < oldlen) {
			err = mm_unmap(t, old + newlen, oldlen - newlen);
			if (err)
				return err;
		}
		return old;
	}
	if (old + newlen <= PLATFORM_APP_TOP &&
	    !vma_find_first_intersecting(&mm->vmas, old + oldlen, old + newlen))
		return remap_to(t, v, old, oldlen, newlen, old, false);
	if (!(flags & LINUX_MREMAP_MAYMOVE))
		return -LINUX_ENOMEM;
	err = vma_find_gap(&mm->vmas, newlen, 0, PLATFORM_APP_MIN, MM_MMAP_BASE,
			   &dst);
	if (err)
		return err;
	return remap_to(t, vma_find(&mm->vmas, old), old, oldlen, newlen, dst,
			true);
}

long sys_madvise(struct task *t, const uint64_t a[6])
{
	struct mm *mm = t->mm;
	uint64_t addr = a[0], len = PAGE_UP(a[1]), a2;
	int advice = (int)a[2];
	bool hole = false;
	long r;

	if (addr & (PAGE_SIZE - 1) || len < a[1])
		return -LINUX_EINVAL;
	switch (advice) {
	case LINUX_MADV_NORMAL:
	case LINUX_MADV_RANDOM:
	case LINUX_MADV_SEQUENTIAL:
	case LINUX_MADV_WILLNEED:
	case LINUX_MADV_DONTNEED:
	case LINUX_MADV_FREE:
	case LINUX_MADV_REMOVE:
	case LINUX_MADV_DONTFORK:
	case LINUX_MADV_DOFORK:
	case LINUX_MADV_MERGEABLE:
	case LINUX_MADV_UNMERGEABLE:
	case LINUX_MADV_HUGEPAGE:
	case LINUX_MADV_NOHUGEPAGE:
	case LINUX_MADV_DONTDUMP:
	case LINUX_MADV_DODUMP:
	case LINUX_MADV_WIPEONFORK:
	case LINUX_MADV_KEEPONFORK:
	case LINUX_MADV_COLD:
	case LINUX_MADV_PAGEOUT:
	case LINUX_MADV_POPULATE_READ:
	case LINUX_MADV_POPULATE_WRITE:
		break;
	default:
		return -LINUX_EINVAL;
	}
	if (len == 0)
		return 0;
	for (a2 = addr; a2 < addr + len;) {
		struct vma *v = vma_find(&mm->vmas, a2);
		if (!v) {
			hole = true;
			a2 += PAGE_SIZE;
			continue;
		}
		a2 = v->end;
	}
	/* Advice that changes contents or fork behaviour is carried out by the
	 * host in the stub; the rest only tunes paging and has no effect an
	 * application can observe. */
	switch (advice) {
	case LINUX_MADV_DONTNEED:
	case LINUX_MADV_FREE:
	case LINUX_MADV_REMOVE:
	case LINUX_MADV_DONTFORK:
	case LINUX_MADV_DOFORK:
	case LINUX_MADV_WIPEONFORK:
	case LINUX_MADV_KEEPONFORK:
		for (a2 = addr; a2 < addr + len;) {
			struct vma *v = vma_find(&mm->vmas, a2);
			uint64_t e;
			if (!v) {
				a2 += PAGE_SIZE;
				continue;
			}
			e = v->end < addr + len ? v->end : addr + len;
			r = plat->madvise(t->pctx, a2, e - a2, advice);
			if (r < 0)
				return -linux_errno_from_host((int)-r);
			a2 = e;
		}
		break;
	}
	return hole ? -LINUX_ENOMEM : 0;
}

long sys_msync(struct task *t, const uint64_t a[6])
{
	struct mm *mm = t->mm;
	uint64_t addr = a[0], len = PAGE_UP(a[1]), end, x;
	int flags = (int)a[2];

	if (addr & (PAGE_SIZE - 1))
		return -LINUX_EINVAL;
	if (flags & ~(LINUX_MS_ASYNC | LINUX_MS_INVALIDATE | LINUX_MS_SYNC))
		return -LINUX_EINVAL;
	if ((flags & LINUX_MS_ASYNC) && (flags & LINUX_MS_SYNC))
		return -LINUX_EINVAL;
	end = addr + len;
	if (end < addr)
		return -LINUX_ENOMEM;
	for (x = addr; x < end;) {
		struct vma *v = vma_find(&mm->vmas, x);
		if (!v)
			return -LINUX_ENOMEM;
		if (v->backing && (v->flags & VMA_SHARED)) {
			uint64_t e = v->end < end ? v->end : end;
			filecache_writeback(v->backing, v->off + (x - v->start),
					    e - x);
		}
		x = v->end;
	}
	return 0;
}

/* mincore: every mapped page is reported resident (the host pages them in
 * on touch; the answer only guides prefetching). */
long sys_mincore(struct task *t, const uint64_t a[6])
{
	struct mm *mm = t->mm;
	uint64_t addr = a[0], len = PAGE_UP(a[1]), x;
	unsigned char buf[256];
	uint64_t out = a[2], i = 0;

	if (addr & (PAGE_SIZE - 1))
		return -LINUX_EINVAL;
	for (x = addr; x < addr + len; x += PAGE_SIZE) {
		if (!vma_find(&mm->vmas, x))
			return -LINUX_ENOMEM;
	}
	memset(buf, 1, sizeof(buf));
	for (x = 0; x < len / PAGE_SIZE; x += i) {
		i = len / PAGE_SIZE - x;
		if (i > sizeof(buf))
			i = sizeof(buf);
		if (copy_out(t, out + x, buf, i))
			return -LINUX_EFAULT;
	}
	return 0;
}
