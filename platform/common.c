#define _GNU_SOURCE
#include "platform/common.h"
#include "platform/platform.h"

#include "abi/scm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/rseq.h>
#include <sys/socket.h>
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

void stub_child_cleanup(const int *keep_in, int n)
{
	unsigned from = 0;
	int keep[8];

	if (n > 8)
		n = 8;
	/* sorted, so that the gaps between them can be closed in order */
	for (int i = 0; i < n; i++) {
		int j = i;

		for (; j > 0 && keep[j - 1] > keep_in[i]; j--)
			keep[j] = keep[j - 1];
		keep[j] = keep_in[i];
	}

	/* glibc registers at least 32 bytes even where __rseq_size says
	 * less, and unregistering needs the same length. */
	if (__rseq_size)
		syscall(SYS_rseq,
			(char *)__builtin_thread_pointer() + __rseq_offset,
			__rseq_size < 32 ? 32 : __rseq_size,
			RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
	for (int i = 0; i < n; i++) {
		if (keep[i] < (int)from)
			continue;
		if (keep[i] > (int)from)
			syscall(SYS_close_range, from, keep[i] - 1, 0);
		from = keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

struct platform_vdso platform_vdso;

void platform_vdso_probe(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	struct platform_vdso v;
	char line[512];

	memset(&v, 0, sizeof(v));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && v.n < 4) {
		unsigned long lo, hi;
		char perms[8], name[64] = "";
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %63s", &lo, &hi,
			   perms, name) < 3)
			continue;
		if (strncmp(name, "[vvar", 5) && strcmp(name, "[vdso]"))
			continue;
		v.r[v.n].lo = lo;
		v.r[v.n].hi = hi;
		v.r[v.n].prot = (perms[0] == 'r' ? PROT_READ : 0) |
				(perms[2] == 'x' ? PROT_EXEC : 0);
		snprintf(v.r[v.n].name, sizeof(v.r[v.n].name), "%s", name);
		if (!strcmp(name, "[vdso]"))
			v.ehdr = lo;
		v.n++;
	}
	fclose(f);
	if (!v.n || !v.ehdr)
		return;
	v.lo = v.r[0].lo;
	v.hi = v.r[v.n - 1].hi;
	/* One contiguous range, inside the application's part of the address
	 * space (the platform's own area starts at PLATFORM_APP_TOP). */
	for (int i = 1; i < v.n; i++)
		if (v.r[i].lo != v.r[i - 1].hi)
			return;
	if (v.lo < PLATFORM_APP_MIN || v.hi > PLATFORM_APP_TOP)
		return;
	platform_vdso = v;
}

int chan_send_fd(int sock, int fd)
{
	char byte = 0;

	if (scm_send(sock, &byte, 1, &fd, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1)
		return -EIO;
	return 0;
}

void chan_msg_init(void *buf, uint64_t at)
{
	struct msghdr *mh = buf;
	struct iovec *iov = (struct iovec *)((char *)buf + 64);

	memset(buf, 0, CHAN_MSG_SIZE);
	iov->iov_base = (void *)(at + 80); /* the data byte */
	iov->iov_len = 1;
	mh->msg_iov = (struct iovec *)(at + 64);
	mh->msg_iovlen = 1;
	mh->msg_control = (void *)(at + CHAN_MSG_CMSG);
	mh->msg_controllen = CMSG_SPACE(sizeof(int));
}

int chan_msg_fd(const void *buf)
{
	const struct cmsghdr *c =
	    (const struct cmsghdr *)((const char *)buf + CHAN_MSG_CMSG);
	int fd;

	if (c->cmsg_len != CMSG_LEN(sizeof(int)) ||
	    c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}
