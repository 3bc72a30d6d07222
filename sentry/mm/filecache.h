/* Files' contents in the memory file: the page cache of the sandbox.
 * Kernel lock held. */
#ifndef SENTRY_MM_FILECACHE_H
#define SENTRY_MM_FILECACHE_H

#include <stdint.h>

struct file;

/* The memory-file offset where f's inode content starts, loading it on
 * first use (or when the file changed since: its generation moved).
 * The range covers at least need bytes (page-rounded). Returns 0 and sets
 * *memfd_off, or -LINUX_Exxx. */
int filecache_get(struct file *f, uint64_t need, uint64_t *memfd_off);

struct inode;
/* Length of the cached range of inode (0: none). */
uint64_t filecache_len(struct inode *inode);

/* Write back [off, off+len) of f's cached content to the file (shared
 * writable mappings, msync/munmap). */
int filecache_writeback(struct file *f, uint64_t off, uint64_t len);

/* inode got a MAP_SHARED writable mapping: read() must write it back
 * first (mm_inode_sync). */
void filecache_note_shared_writable(struct inode *inode);

/* Allocate/free raw ranges of the memory file. */
int memfile_alloc(uint64_t len, uint64_t *off);
void memfile_free(uint64_t off, uint64_t len);

#endif
