/* pipe, pipe2. */
#include "sentry/syscalls/sys_pipe.h"

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "sentry/fs/pipe/pipe.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/vfs.h"

/* pipe2(2): O_DIRECT is accepted but pipes stay byte streams (no packet
 * mode); O_NOTIFICATION_PIPE is EINVAL. */
long sys_pipe2(struct task *t, const uint64_t a[6])
{
	uint64_t flags = a[1];
	if (flags &
	    ~(uint64_t)(LINUX_O_CLOEXEC | LINUX_O_NONBLOCK | LINUX_O_DIRECT))
		return -LINUX_EINVAL;
	struct file *rd, *wr;
	int r = pipe_create(t, (uint32_t)flags, &rd, &wr);
	if (r < 0)
		return r;
	bool cloexec = flags & LINUX_O_CLOEXEC;
	int fds[2] = {-1, -1};
	long ret = fds[0] = fd_install(t, rd, cloexec);
	if (ret >= 0)
		ret = fds[1] = fd_install(t, wr, cloexec);
	if (ret >= 0)
		ret = copy_out(t, a[0], fds, sizeof(fds));
	if (ret < 0) {
		/* Linux undoes the installs when the result cannot be
		 * stored. */
		for (int i = 0; i < 2; i++)
			if (fds[i] >= 0)
				fdtable_close(t->fdt, fds[i]);
	}
	file_put(rd);
	file_put(wr);
	return ret < 0 ? ret : 0;
}

/* pipe(2) */
long sys_pipe(struct task *t, const uint64_t a[6])
{
	const uint64_t b[6] = {a[0], 0, 0, 0, 0, 0};
	return sys_pipe2(t, b);
}
