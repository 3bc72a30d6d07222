#define _GNU_SOURCE
#include "platform/common.h"

#include <errno.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

ssize_t stub_read_mem(pid_t pid, uint64_t addr, void *buf, size_t n)
{
	struct iovec local = {buf, n}, remote = {(void *)addr, n};
	ssize_t r = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	return r < 0 ? -errno : r;
}

ssize_t stub_write_mem(pid_t pid, uint64_t addr, const void *buf, size_t n)
{
	struct iovec local = {(void *)buf, n}, remote = {(void *)addr, n};
	ssize_t r = process_vm_writev(pid, &local, 1, &remote, 1, 0);
	return r < 0 ? -errno : r;
}

void stub_child_cleanup(int keep_a, int keep_b)
{
	unsigned from = 0;
	int keep[2] = {keep_a < keep_b ? keep_a : keep_b,
		       keep_a < keep_b ? keep_b : keep_a};

	/* glibc registers at least 32 bytes even where __rseq_size says
	 * less, and unregistering needs the same length. */
	if (__rseq_size)
		syscall(SYS_rseq,
			(char *)__builtin_thread_pointer() + __rseq_offset,
			__rseq_size < 32 ? 32 : __rseq_size,
			RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
	for (int i = 0; i < 2; i++) {
		if (keep[i] < (int)from)
			continue;
		if (keep[i] > (int)from)
			syscall(SYS_close_range, from, keep[i] - 1, 0);
		from = keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}
