/* The memory file and the file contents cached in it. */
#define _GNU_SOURCE
#include "sentry/mm/filecache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi/errno.h"
#include "sentry/kernel/cgroup.h"
#include "sentry/log.h"
#include "sentry/mm/mm.h"
#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"

/* Sparse: only pages written take memory. */
#define MEMFILE_SIZE (1ULL << 40)

static int g_memfd = -1;
static uint64_t g_next;

struct fcache {
	uint64_t off, len;    /* range in the memory file */
	uint64_t size;	      /* file size when loaded */
	uint64_t generation;  /* inode generation when loaded */
	bool shared_writable; /* ever mapped MAP_SHARED|PROT_WRITE */
};

int mm_init(void)
{
	g_memfd = memfd_create("runsc-memory", 0);
	if (g_memfd < 0)
		return -errno;
	if (ftruncate(g_memfd, MEMFILE_SIZE) < 0)
		return -errno;
	return g_memfd;
}

int mm_memfd(void)
{
	return g_memfd;
}

int memfile_alloc(uint64_t len, uint64_t *off)
{
	len = PAGE_UP(len);
	if (len == 0)
		len = PAGE_SIZE;
	if (g_next + len > MEMFILE_SIZE || g_next + len < g_next)
		return -LINUX_ENOMEM;
	*off = g_next;
	g_next += len;
	return 0;
}

void memfile_free(uint64_t off, uint64_t len)
{
	fallocate(g_memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
		  PAGE_UP(len));
}

static int load(struct file *f, struct fcache *fc)
{
	char *p;
	long n;

	if (fc->size == 0)
		return 0;
	/* Populated up front: one pass allocating the pages instead of a
	 * page fault per page as the read fills them. */
	p = mmap(NULL, PAGE_UP(fc->size), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_POPULATE, g_memfd, fc->off);
	if (p == MAP_FAILED)
		return -LINUX_ENOMEM;
	n = file_pread(f, p, fc->size, 0);
	munmap(p, PAGE_UP(fc->size));
	return n < 0 ? (int)n : 0;
}

int filecache_get(struct file *f, uint64_t need, uint64_t *memfd_off)
{
	struct inode *inode = f->inode;
	struct fcache *fc = inode->mm_private;
	uint64_t len;
	int err;

	vfs_getattr(inode);
	len = PAGE_UP(inode->size > need ? inode->size : need);
	if (len == 0)
		len = PAGE_SIZE;
	if (fc && fc->generation == inode->generation &&
	    fc->size == inode->size && fc->len >= len) {
		*memfd_off = fc->off;
		return 0;
	}
	/* Stale or too short: load afresh. The old range may still be mapped
	 * somewhere (copy-on-write snapshots keep reading it), so it is not
	 * freed here; it goes with the inode. */
	if (fc) {
		log_debug("filecache: reload ino %lu",
			  (unsigned long)inode->ino);
		free(fc);
		inode->mm_private = NULL;
	}
	fc = calloc(1, sizeof(*fc));
	if (!fc)
		return -LINUX_ENOMEM;
	/* Slack so that a mapping grown by mremap stays in this file's
	 * range. */
	fc->len = len + (len >> 2);
	fc->len = PAGE_UP(fc->len);
	fc->size = inode->size;
	fc->generation = inode->generation;
	/* The copy counts toward the container's memory limit (its pages
	 * show in the memory file's size once loaded). */
	err = cg_mem_check(PAGE_UP(fc->size));
	if (!err)
		err = memfile_alloc(fc->len, &fc->off);
	if (!err)
		err = load(f, fc);
	if (err) {
		free(fc);
		return err;
	}
	inode->mm_private = fc;
	*memfd_off = fc->off;
	return 0;
}

uint64_t filecache_len(struct inode *inode)
{
	struct fcache *fc = inode->mm_private;
	return fc ? fc->len : 0;
}

int filecache_writeback(struct file *f, uint64_t off, uint64_t len)
{
	struct fcache *fc = f->inode->mm_private;
	uint64_t size = f->inode->size;
	char *p;
	loff_t pos = off;
	long n = 0;

	if (!fc || off >= size)
		return 0;
	if (off + len > size)
		len = size - off;
	p = mmap(NULL, PAGE_UP(len + (off & (PAGE_SIZE - 1))), PROT_READ,
		 MAP_SHARED, g_memfd, fc->off + PAGE_DOWN(off));
	if (p == MAP_FAILED)
		return -LINUX_ENOMEM;
	if (f->ops && f->ops->write)
		n = f->ops->write(f, NULL, p + (off & (PAGE_SIZE - 1)), len,
				  &pos);
	munmap(p, PAGE_UP(len + (off & (PAGE_SIZE - 1))));
	/* Our own write bumped the generation: the cache is still right. */
	fc->generation = f->inode->generation;
	fc->size = f->inode->size;
	return n < 0 ? (int)n : 0;
}

void mm_inode_release(struct inode *inode)
{
	struct fcache *fc = inode->mm_private;

	if (!fc)
		return;
	memfile_free(fc->off, fc->len);
	free(fc);
	inode->mm_private = NULL;
}

void filecache_note_shared_writable(struct inode *inode)
{
	struct fcache *fc = inode->mm_private;
	if (fc)
		fc->shared_writable = true;
}

/* write()/pwrite() changed the file: the same bytes go into the cached
 * copy, so every mapping (shared, and private pages not yet copied) sees
 * them, as with Linux's single page cache. */
void mm_inode_written(struct inode *inode, uint64_t off, const void *buf,
		      size_t n)
{
	struct fcache *fc = inode->mm_private;

	if (!fc)
		return;
	if (off + n > fc->len || off + n < off) {
		/* Past the cached range: later mappings load afresh; the
		 * existing ones keep the old range (left allocated). */
		free(fc);
		inode->mm_private = NULL;
		return;
	}
	if (pwrite(g_memfd, buf, n, fc->off + off) != (ssize_t)n) {
		free(fc);
		inode->mm_private = NULL;
		return;
	}
	fc->size = inode->size;
	fc->generation = inode->generation;
}

/* A shared writable mapping of inode in any address space, to write it
 * back through. */
static struct file *find_shared_writer(struct inode *inode)
{
	int i = 0;
	for (struct thread_group *tg; (tg = tg_iter(&i));) {
		for (struct task *t = tg->threads; t; t = t->tg_next) {
			if (!t->mm)
				continue;
			for (struct vma *v = vma_first(&t->mm->vmas); v;
			     v = vma_next(&t->mm->vmas, v)) {
				struct file *f = v->backing;
				if (f && f->inode == inode &&
				    (v->flags & VMA_SHARED) &&
				    (v->prot & VMA_PROT_WRITE) &&
				    !(v->flags & VMA_HOSTFD))
					return f;
			}
		}
	}
	return NULL;
}

/* Before read(): stores through shared mappings must be visible. */
void mm_inode_sync(struct inode *inode)
{
	struct fcache *fc = inode->mm_private;
	struct file *f;

	if (!fc || !fc->shared_writable)
		return;
	f = find_shared_writer(inode);
	if (!f) {
		fc->shared_writable = false;
		return;
	}
	filecache_writeback(f, 0, inode->size);
}
