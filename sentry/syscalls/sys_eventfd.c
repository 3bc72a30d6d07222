/* eventfd, eventfd2. */
#include "sentry/syscalls/sys_eventfd.h"

#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "sentry/kernel/klock.h"
#include "sentry/kernel/task.h"
#include "sentry/syscalls/sys_poll.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/vfs.h"

#define EFD_SEMAPHORE 1
#define EVENTFD_MAX   0xfffffffffffffffeULL

struct eventfd {
	uint64_t count;
	bool semaphore;
	struct waitq wq;
};

static void efd_wake(struct eventfd *e)
{
	waitq_wake_all(&e->wq);
	poll_notify();
}

static long efd_read(struct file *f, struct task *t, void *buf, size_t n,
		     loff_t *pos)
{
	struct eventfd *e = f->priv;
	if (n < sizeof(uint64_t))
		return -LINUX_EINVAL;
	while (e->count == 0) {
		if ((f->flags & LINUX_O_NONBLOCK) || !t)
			return -LINUX_EAGAIN;
		int r = task_wait(t, &e->wq, NULL);
		if (r < 0)
			return r;
	}
	uint64_t v = e->semaphore ? 1 : e->count;
	e->count -= v;
	memcpy(buf, &v, sizeof(v));
	efd_wake(e);
	return sizeof(v);
}

static long efd_write(struct file *f, struct task *t, const void *buf, size_t n,
		      loff_t *pos)
{
	struct eventfd *e = f->priv;
	uint64_t v;
	if (n < sizeof(v))
		return -LINUX_EINVAL;
	memcpy(&v, buf, sizeof(v));
	if (v == UINT64_MAX)
		return -LINUX_EINVAL;
	while (EVENTFD_MAX - e->count < v) {
		if ((f->flags & LINUX_O_NONBLOCK) || !t)
			return -LINUX_EAGAIN;
		int r = task_wait(t, &e->wq, NULL);
		if (r < 0)
			return r;
	}
	e->count += v;
	if (v)
		efd_wake(e);
	return sizeof(v);
}

static unsigned efd_poll(struct file *f, struct waitq **wq)
{
	struct eventfd *e = f->priv;
	unsigned m = 0;
	if (wq)
		*wq = &e->wq;
	if (e->count > 0)
		m |= LINUX_POLLIN | LINUX_POLLRDNORM;
	if (e->count < EVENTFD_MAX)
		m |= LINUX_POLLOUT | LINUX_POLLWRNORM;
	return m;
}

static loff_t efd_llseek(struct file *f, loff_t off, int whence)
{
	return f->pos; /* Linux's noop_llseek */
}

static void efd_release(struct file *f)
{
	free(f->priv);
}

static const struct file_ops eventfd_ops = {
    .read = efd_read,
    .write = efd_write,
    .llseek = efd_llseek,
    .poll = efd_poll,
    .release = efd_release,
};

/* eventfd2(2): fstat shows an anonymous inode (mode 0600, no type). */
long sys_eventfd2(struct task *t, const uint64_t a[6])
{
	uint32_t initval = (uint32_t)a[0];
	uint64_t flags = a[1];
	if (flags &
	    ~(uint64_t)(EFD_SEMAPHORE | LINUX_O_CLOEXEC | LINUX_O_NONBLOCK))
		return -LINUX_EINVAL;
	struct eventfd *e = calloc(1, sizeof(*e));
	if (!e)
		return -LINUX_ENOMEM;
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	waitq_init(&e->wq);
	struct file *f = file_new_anon(
	    &eventfd_ops, 0600,
	    LINUX_O_RDWR | (uint32_t)(flags & LINUX_O_NONBLOCK), e);
	if (!f) {
		free(e);
		return -LINUX_ENOMEM;
	}
	int fd = fd_install(t, f, flags & LINUX_O_CLOEXEC);
	file_put(f);
	return fd;
}

/* eventfd(2): eventfd2 without flags. */
long sys_eventfd(struct task *t, const uint64_t a[6])
{
	const uint64_t b[6] = {a[0], 0, 0, 0, 0, 0};
	return sys_eventfd2(t, b);
}
