/* Address spaces: VMA bookkeeping plus the stub operations that realize
 * it. The VMA set is updated only after the host operation succeeded, so
 * the two never disagree about what is mapped. */
#define _GNU_SOURCE
#include "sentry/mm/mm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "abi/errno.h"
#include "abi/mman.h"
#include "abi/stat.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/filecache.h"
#include "sentry/vfs/vfs.h"

/* systrap is the default: it passes everything ptrace passes, 5x faster
 * per syscall (docs/performance.md). */
const struct platform_ops *plat = &platform_systrap_ops;

static void backing_ref(void *b)
{
	file_get(b);
}

static void backing_unref(void *b)
{
	file_put(b);
}

static const struct vma_ops backing_ops = {
    .ref = backing_ref,
    .unref = backing_unref,
};

struct mm *mm_new(void)
{
	struct mm *mm = calloc(1, sizeof(*mm));
	if (!mm)
		return NULL;
	mm->refs = 1;
	vma_set_init(&mm->vmas, &backing_ops);
	return mm;
}

struct mm *mm_get(struct mm *mm)
{
	mm->refs++;
	return mm;
}

void mm_put(struct mm *mm)
{
	if (!mm || --mm->refs > 0)
		return;
	vma_set_destroy(&mm->vmas);
	free(mm);
}

struct mm *mm_fork(struct mm *src)
{
	struct mm *mm = calloc(1, sizeof(*mm));
	if (!mm)
		return NULL;
	*mm = *src;
	mm->refs = 1;
	if (vma_set_clone(&mm->vmas, &src->vmas)) {
		free(mm);
		return NULL;
	}
	return mm;
}

static int host_err(long r)
{
	return r < 0 ? -linux_errno_from_host((int)-r) : 0;
}

/* Write back the shared, writable file mappings in [start, end). */
static void writeback_range(struct mm *mm, uint64_t start, uint64_t end)
{
	for (struct vma *v = vma_first(&mm->vmas); v;
	     v = vma_next(&mm->vmas, v)) {
		uint64_t s, e;
		if (v->end <= start || v->start >= end)
			continue;
		/* A host file mapped as such is its own page cache. */
		if (!v->backing || !(v->flags & VMA_SHARED) ||
		    !(v->prot & VMA_PROT_WRITE) || (v->flags & VMA_HOSTFD))
			continue;
		s = v->start > start ? v->start : start;
		e = v->end < end ? v->end : end;
		filecache_writeback(v->backing, v->off + (s - v->start), e - s);
	}
}

/* The first address of vma v past its file's last page (v->end when the
 * whole vma is within the file, or for anonymous memory). Pages beyond it
 * are kept PROT_NONE on the host, so that touching them faults and the
 * application gets Linux's SIGBUS. */
static uint64_t vma_eof(const struct vma *v)
{
	uint64_t fend, e;

	/* A host file mapped as such: the host raises SIGBUS itself. */
	if (!v->backing || (v->flags & VMA_HOSTFD))
		return v->end;
	fend = PAGE_UP(((struct file *)v->backing)->inode->size);
	if (fend <= v->off)
		return v->start;
	e = v->start + (fend - v->off);
	return e < v->end ? e : v->end;
}

static bool range_ok(uint64_t addr, uint64_t len)
{
	return addr >= PLATFORM_APP_MIN && addr + len <= PLATFORM_APP_TOP &&
	       addr + len > addr;
}

/* Map [addr, addr+len) of file from its copy in the memory file (*moff: the
 * memory-file offset of off). Pages past the file's last one stay
 * PROT_NONE anonymous memory: touching them is Linux's SIGBUS (see
 * vma_eof). Returns >= 0 or -errno (host) / -LINUX_Exxx. */
static long map_memfile(struct task *t, struct file *file, int type,
			uint64_t addr, uint64_t len, int prot, int hflags,
			uint64_t off, uint64_t *moff)
{
	uint64_t fend, in;
	long r;
	int err = filecache_get(file, off + len, moff);

	if (err)
		return err;
	*moff += off;
	if (type == LINUX_MAP_SHARED)
		filecache_note_shared_writable(file->inode);
	fend = PAGE_UP(file->inode->size);
	in = fend > off ? fend - off : 0;
	if (in > len)
		in = len;
	r = 0;
	if (in)
		r = plat->mmap(t->pctx, addr, in, prot & 7, hflags, mm_memfd(),
			       *moff);
	if (r >= 0 && in < len)
		r = plat->mmap(t->pctx, addr + in, len - in, 0,
			       MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS |
				   MAP_NORESERVE,
			       -1, 0);
	return r;
}

long mm_map(struct task *t, uint64_t addr, uint64_t len, int prot, int flags,
	    struct file *file, uint64_t off, const char *name)
{
	struct mm *mm = t->mm;
	int type = flags & LINUX_MAP_TYPE;
	int hflags = MAP_FIXED, hostfd = -1;
	uint64_t moff = 0;
	struct vma v = {0};
	char path[VFS_PATH_MAX];
	long r;
	int err;

	if (len == 0 || (off & (PAGE_SIZE - 1)))
		return -LINUX_EINVAL;
	if (PAGE_UP(len) < len)
		return -LINUX_ENOMEM;
	len = PAGE_UP(len);
	if (type != LINUX_MAP_SHARED && type != LINUX_MAP_PRIVATE &&
	    type != LINUX_MAP_SHARED_VALIDATE)
		return -LINUX_EINVAL;
	if (type == LINUX_MAP_SHARED_VALIDATE)
		type = LINUX_MAP_SHARED;
	if (file && !(flags & LINUX_MAP_ANONYMOUS)) {
		uint32_t fmt = file->inode->mode & LINUX_S_IFMT;
		if (fmt == LINUX_S_IFCHR &&
		    file->inode->rdev == LINUX_MKDEV(1, 5)) {
			file = NULL; /* /dev/zero: anonymous memory */
		} else if (fmt != LINUX_S_IFREG) {
			return -LINUX_ENODEV;
		} else if (!file_readable(file)) {
			return -LINUX_EACCES;
		} else if (type == LINUX_MAP_SHARED &&
			   (prot & LINUX_PROT_WRITE) && !file_writable(file)) {
			return -LINUX_EACCES;
		}
		if (off + len < off)
			return -LINUX_EOVERFLOW;
	} else {
		file = NULL;
	}

	if (flags & (LINUX_MAP_FIXED | LINUX_MAP_FIXED_NOREPLACE)) {
		if (addr & (PAGE_SIZE - 1))
			return -LINUX_EINVAL;
		if (!range_ok(addr, len))
			return addr < PLATFORM_APP_MIN ? -LINUX_EPERM
						       : -LINUX_ENOMEM;
		if (!(flags & LINUX_MAP_FIXED) &&
		    vma_find_first_intersecting(&mm->vmas, addr, addr + len))
			return -LINUX_EEXIST;
	} else {
		uint64_t hint = PAGE_UP(addr);
		if (!range_ok(hint, len))
			hint = 0;
		err = vma_find_gap(&mm->vmas, len, hint, PLATFORM_APP_MIN,
				   MM_MMAP_BASE, &addr);
		if (err)
			err = vma_find_gap(&mm->vmas, len, 0, PLATFORM_APP_MIN,
					   PLATFORM_APP_TOP, &addr);
		if (err)
			return err;
	}

	if (file && plat->mmap_host && file->ops && file->ops->mmap_fd)
		hostfd = file->ops->mmap_fd(file);
	/* Stores of a shared mapping must reach the file, and a shared
	 * mapping may be made writable later (mprotect): either needs a host
	 * descriptor open for writing. */
	if (hostfd >= 0 && type == LINUX_MAP_SHARED && file_writable(file) &&
	    (fcntl(hostfd, F_GETFL) & O_ACCMODE) != O_RDWR)
		hostfd = -1;
	hflags |= type == LINUX_MAP_SHARED ? MAP_SHARED : MAP_PRIVATE;
	if (!file)
		hflags |= MAP_ANONYMOUS;
	if (flags & LINUX_MAP_NORESERVE)
		hflags |= MAP_NORESERVE;
	if (flags & LINUX_MAP_POPULATE)
		hflags |= MAP_POPULATE;

	/* A replaced shared mapping is written back first, as munmap would. */
	if (flags & LINUX_MAP_FIXED)
		writeback_range(mm, addr, addr + len);
	r = -ENOSYS;
	if (hostfd >= 0)
		r = plat->mmap_host(t->pctx, addr, len, prot & 7, hflags,
				    hostfd, off);
	if (r == -ENOSYS) { /* not from the host file (or not to this stub) */
		hostfd = -1;
		if (file)
			r = map_memfile(t, file, type, addr, len, prot, hflags,
					off, &moff);
		else
			r = plat->mmap(t->pctx, addr, len, prot & 7, hflags, -1,
				       0);
	}
	if (r < 0)
		return host_err(r);

	err = vma_remove_range(&mm->vmas, addr, addr + len);
	if (err)
		return err;
	v.start = addr;
	v.end = addr + len;
	v.prot = prot & 7;
	v.flags = (type == LINUX_MAP_SHARED ? VMA_SHARED : VMA_PRIVATE) |
		  (hostfd >= 0 ? VMA_HOSTFD
		   : file      ? VMA_MEMFD
			       : VMA_ANONYMOUS) |
		  (flags & (LINUX_MAP_GROWSDOWN | LINUX_MAP_STACK));
	v.backing = file;
	v.off = file ? off : 0;
	v.memfd_off = moff;
	v.name = (char *)name;
	/* Named by the path it was mapped from, as Linux shows it. */
	if (file && !name && file_path(file, path, sizeof(path)) > 0)
		v.name = path;
	err = vma_insert(&mm->vmas, &v);
	if (err)
		return err;
	vma_try_merge(&mm->vmas, addr);
	return addr;
}

int mm_unmap(struct task *t, uint64_t addr, uint64_t len)
{
	struct mm *mm = t->mm;
	long r;

	if ((addr & (PAGE_SIZE - 1)) || len == 0)
		return -LINUX_EINVAL;
	len = PAGE_UP(len);
	if (addr + len < addr || addr + len > PLATFORM_APP_TOP)
		return -LINUX_EINVAL;
	if (!vma_find_first_intersecting(&mm->vmas, addr, addr + len))
		return 0;
	writeback_range(mm, addr, addr + len);
	r = plat->munmap(t->pctx, addr, len);
	if (r < 0)
		return host_err(r);
	return vma_remove_range(&mm->vmas, addr, addr + len);
}

int mm_protect(struct task *t, uint64_t addr, uint64_t len, int prot)
{
	struct mm *mm = t->mm;
	uint64_t end, a;
	bool clipped = false;
	long r;

	if (addr & (PAGE_SIZE - 1))
		return -LINUX_EINVAL;
	if (prot & ~(7 | LINUX_PROT_GROWSDOWN | LINUX_PROT_GROWSUP))
		return -LINUX_EINVAL;
	if (len == 0)
		return 0;
	end = PAGE_UP(addr + len);
	if (end <= addr)
		return -LINUX_ENOMEM;
	/* The whole range must be mapped (ENOMEM), checked before changing
	 * anything; a shared file mapping of a read-only file cannot become
	 * writable (EACCES). */
	for (a = addr; a < end;) {
		struct vma *v = vma_find(&mm->vmas, a);
		if (!v)
			return -LINUX_ENOMEM;
		if ((prot & LINUX_PROT_WRITE) && v->backing &&
		    (v->flags & VMA_SHARED) && !file_writable(v->backing))
			return -LINUX_EACCES;
		if (vma_eof(v) < (v->end < end ? v->end : end))
			clipped = true;
		a = v->end;
	}
	if (!clipped) {
		r = plat->mprotect(t->pctx, addr, end - addr, prot & 7);
		if (r < 0)
			return host_err(r);
	} else {
		/* Leave the pages past a file's end PROT_NONE. */
		for (a = addr; a < end;) {
			struct vma *v = vma_find(&mm->vmas, a);
			uint64_t e = v->end < end ? v->end : end;
			uint64_t eof = vma_eof(v);
			if (eof > a) {
				r = plat->mprotect(t->pctx, a,
						   (eof < e ? eof : e) - a,
						   prot & 7);
				if (r < 0)
					return host_err(r);
			}
			a = e;
		}
	}
	return vma_protect_range(&mm->vmas, addr, end, prot & 7);
}

static void devino(void *ctx, const struct vma *v, uint32_t *major,
		   uint32_t *minor, uint64_t *ino)
{
	struct file *f = v->backing;
	*major = LINUX_MAJOR(f->inode->dev);
	*minor = LINUX_MINOR(f->inode->dev);
	*ino = f->inode->ino;
}

long mm_render_maps(struct mm *mm, char **out)
{
	return vma_render_maps(&mm->vmas, devino, NULL, out);
}

bool mm_fault_is_sigbus(struct task *t, uint64_t addr)
{
	struct vma *v = vma_find(&t->mm->vmas, addr);

	/* A page of a file mapping past the end of the file, in a vma the
	 * application may access: Linux's SIGBUS (BUS_ADRERR). */
	return v && v->backing && v->prot && addr >= vma_eof(v);
}
