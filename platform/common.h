/* Pieces every platform built on stub processes shares. */
#ifndef PLATFORM_COMMON_H
#define PLATFORM_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Copy from/to a stub's memory (process_vm_readv/writev): bytes copied
 * (short at an inaccessible page) or -errno. */
ssize_t stub_read_mem(pid_t pid, uint64_t addr, void *buf, size_t n);
ssize_t stub_write_mem(pid_t pid, uint64_t addr, const void *buf, size_t n);

/* In a freshly forked stub child: drop glibc's rseq registration (the
 * kernel would write it on return to user mode, into memory the stub is
 * about to unmap) and close every fd but the n in keep (-1s are ignored). */
void stub_child_cleanup(const int *keep, int n);

#endif
