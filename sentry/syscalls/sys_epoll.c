/* epoll: an interest list of (fd, file) with events, waited on through the
 * same readiness engine as poll (poll_wait.h). Level-triggered semantics;
 * EPOLLET is reported level-triggered (a program written for edge
 * triggering reads until EAGAIN and is correct, with extra wake-ups);
 * EPOLLONESHOT disables an item after one report until EPOLL_CTL_MOD. */
#include "sentry/syscalls/sys_epoll.h"

#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/stat.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/syscalls/poll_wait.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/vfs.h"

#define EPOLL_CTL_ADD  1
#define EPOLL_CTL_DEL  2
#define EPOLL_CTL_MOD  3
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP    (1u << 29)
#define EPOLLONESHOT   (1u << 30)
#define EPOLLET	       (1u << 31)
#define EP_MAX_EVENTS  (0x7fffffff / 12)

struct linux_epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct epitem {
	int fd;
	struct file *file; /* referenced */
	uint32_t events;
	uint64_t data;
	bool disabled; /* EPOLLONESHOT fired */
};

struct eventpoll {
	struct epitem *items;
	int n, cap;
};

static void ep_release(struct file *f)
{
	struct eventpoll *ep = f->priv;

	for (int i = 0; i < ep->n; i++)
		file_put(ep->items[i].file);
	free(ep->items);
	free(ep);
}

static unsigned ep_poll(struct file *f, struct waitq **wq);

static const struct file_ops epoll_ops = {
    .llseek = vfs_no_llseek,
    .poll = ep_poll,
    .release = ep_release,
};

/* The ready events of item it now (0 if none), with its queue for ws. */
static unsigned item_ready(struct epitem *it, struct waitq **wq)
{
	unsigned m;

	if (it->disabled)
		return 0;
	m = vfs_poll(it->file, wq);
	return m & (it->events | LINUX_POLLERR | LINUX_POLLHUP);
}

/* An epoll file is readable when one of its items is ready (nested
 * epoll); its waiters re-check periodically (no queue of its own). */
static unsigned ep_poll(struct file *f, struct waitq **wq)
{
	struct eventpoll *ep = f->priv;

	if (wq)
		*wq = NULL;
	for (int i = 0; i < ep->n; i++) {
		struct waitq *q = NULL;
		if (item_ready(&ep->items[i], &q))
			return LINUX_POLLIN | LINUX_POLLRDNORM;
	}
	return 0;
}

static long ep_create(struct task *t, bool cloexec)
{
	struct eventpoll *ep = calloc(1, sizeof(*ep));
	struct file *f;
	int fd;

	if (!ep)
		return -LINUX_ENOMEM;
	/* Like Linux's anonymous inodes: no file type, mode 0600. */
	f = file_new_anon(&epoll_ops, 0600, LINUX_O_RDWR, ep);
	if (!f) {
		free(ep);
		return -LINUX_ENOMEM;
	}
	fd = fd_install(t, f, cloexec);
	file_put(f);
	return fd;
}

long sys_epoll_create(struct task *t, const uint64_t a[6])
{
	if ((int)a[0] <= 0)
		return -LINUX_EINVAL;
	return ep_create(t, false);
}

long sys_epoll_create1(struct task *t, const uint64_t a[6])
{
	if (a[0] & ~(uint64_t)LINUX_O_CLOEXEC)
		return -LINUX_EINVAL;
	return ep_create(t, a[0] & LINUX_O_CLOEXEC);
}

static struct eventpoll *ep_of(struct file *f)
{
	return f->ops == &epoll_ops ? f->priv : NULL;
}

static int find(struct eventpoll *ep, int fd, struct file *f)
{
	for (int i = 0; i < ep->n; i++)
		if (ep->items[i].fd == fd && ep->items[i].file == f)
			return i;
	return -1;
}

long sys_epoll_ctl(struct task *t, const uint64_t a[6])
{
	int epfd = (int)a[0], op = (int)a[1], fd = (int)a[2];
	struct linux_epoll_event ev = {0};
	struct file *epf = NULL, *f = NULL;
	struct eventpoll *ep;
	long ret;
	int i;

	if (op != EPOLL_CTL_DEL && copy_in(t, a[3], &ev, sizeof(ev)))
		return -LINUX_EFAULT;
	epf = fd_get(t, epfd);
	f = fd_get(t, fd);
	ret = -LINUX_EBADF;
	if (!epf || !f)
		goto out;
	/* Files that are always ready (regular files, directories) cannot
	 * be watched, as on Linux. */
	ret = -LINUX_EPERM;
	if (!f->ops || !f->ops->poll || LINUX_S_ISREG(f->inode->mode) ||
	    LINUX_S_ISDIR(f->inode->mode))
		goto out;
	ret = -LINUX_EINVAL;
	ep = ep_of(epf);
	if (!ep || f == epf)
		goto out;
	if (op != EPOLL_CTL_DEL && (ev.events & EPOLLEXCLUSIVE) &&
	    op == EPOLL_CTL_MOD)
		goto out;
	i = find(ep, fd, f);
	switch (op) {
	case EPOLL_CTL_ADD:
		ret = -LINUX_EEXIST;
		if (i >= 0)
			break;
		if (ep_of(f)) {
			/* Nested epoll: refuse a loop back to ourselves. */
			struct eventpoll *inner = ep_of(f);
			ret = -LINUX_ELOOP;
			bool loop = false;
			for (int k = 0; k < inner->n; k++)
				if (inner->items[k].file == epf)
					loop = true;
			if (loop)
				break;
		}
		if (ep->n == ep->cap) {
			int cap = ep->cap ? ep->cap * 2 : 8;
			struct epitem *n = realloc(ep->items, cap * sizeof(*n));
			ret = -LINUX_ENOMEM;
			if (!n)
				break;
			ep->items = n;
			ep->cap = cap;
		}
		ep->items[ep->n++] = (struct epitem){
		    .fd = fd,
		    .file = file_get(f),
		    .events = ev.events,
		    .data = ev.data,
		};
		ret = 0;
		break;
	case EPOLL_CTL_MOD:
		ret = -LINUX_ENOENT;
		if (i < 0)
			break;
		ep->items[i].events = ev.events;
		ep->items[i].data = ev.data;
		ep->items[i].disabled = false;
		ret = 0;
		break;
	case EPOLL_CTL_DEL:
		ret = -LINUX_ENOENT;
		if (i < 0)
			break;
		file_put(ep->items[i].file);
		ep->items[i] = ep->items[--ep->n];
		ret = 0;
		break;
	default:
		ret = -LINUX_EINVAL;
	}
out:
	if (epf)
		file_put(epf);
	if (f)
		file_put(f);
	return ret;
}

/* Scan, then sleep until something is ready, the deadline passes or a
 * signal arrives. timeout_ms < 0: no deadline; 0: one scan. */
static long ep_wait(struct task *t, int epfd, uint64_t uevents, int maxevents,
		    const struct timespec *deadline, bool nowait)
{
	struct linux_epoll_event *out;
	struct wait_set ws = {.hostfd = -1};
	struct file *epf;
	struct eventpoll *ep;
	long ret;

	if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
		return -LINUX_EINVAL;
	epf = fd_get(t, epfd);
	if (!epf)
		return -LINUX_EBADF;
	ep = ep_of(epf);
	if (!ep) {
		file_put(epf);
		return -LINUX_EINVAL;
	}
	out = malloc(sizeof(*out) * (size_t)(maxevents < 64 ? maxevents : 64));
	ret = -LINUX_ENOMEM;
	if (!out)
		goto done;
	for (;;) {
		int n = 0, cap = maxevents < 64 ? maxevents : 64;
		ws.held =
		    malloc(sizeof(*ws.held) * (size_t)(ep->n ? ep->n : 1));
		if (!ws.held) {
			ret = -LINUX_ENOMEM;
			goto done;
		}
		for (int i = 0; i < ep->n && n < cap; i++) {
			struct epitem *it = &ep->items[i];
			struct waitq *wq = NULL;
			unsigned m = item_ready(it, &wq);
			if (m) {
				out[n].events = m;
				out[n].data = it->data;
				n++;
				if (it->events & EPOLLONESHOT)
					it->disabled = true;
			}
			ws_add(&ws, file_get(it->file), wq, it->events);
		}
		if (n || nowait) {
			ws_release(&ws);
			free(ws.held);
			ret = copy_out(t, uevents, out, sizeof(*out) * n) ?: n;
			goto done;
		}
		int r = ws_wait(t, &ws, deadline);
		ws_release(&ws);
		free(ws.held);
		ws.held = NULL;
		if (r == -LINUX_ETIMEDOUT) {
			ret = 0;
			goto done;
		}
		if (r < 0) {
			ret = POLL_EINTR;
			goto done;
		}
	}
done:
	free(out);
	file_put(epf);
	return ret;
}

static long ep_wait_ms(struct task *t, const uint64_t a[6], int timeout_ms)
{
	struct timespec dl, *dlp = NULL;

	if (timeout_ms > 0) {
		struct timespec rel = {timeout_ms / 1000,
				       (timeout_ms % 1000) * 1000000L};
		if (deadline_from(rel, &dl))
			dlp = &dl;
	}
	return ep_wait(t, (int)a[0], a[1], (int)a[2], dlp, timeout_ms == 0);
}

long sys_epoll_wait(struct task *t, const uint64_t a[6])
{
	return ep_wait_ms(t, a, (int)a[3]);
}

long sys_epoll_pwait(struct task *t, const uint64_t a[6])
{
	int installed = sigmask_install(t, a[4], a[5]);
	long ret;

	if (installed < 0)
		return installed;
	ret = ep_wait_ms(t, a, (int)a[3]);
	sigmask_finish(t, installed, ret);
	return ret;
}

long sys_epoll_pwait2(struct task *t, const uint64_t a[6])
{
	struct timespec dl, *dlp = NULL;
	bool nowait = false;
	int installed;
	long ret;

	if (a[3]) {
		struct {
			int64_t sec, nsec;
		} ts;
		if (copy_in(t, a[3], &ts, sizeof(ts)))
			return -LINUX_EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return -LINUX_EINVAL;
		struct timespec rel = {ts.sec, ts.nsec};
		nowait = !ts.sec && !ts.nsec;
		if (!nowait && deadline_from(rel, &dl))
			dlp = &dl;
	}
	installed = sigmask_install(t, a[4], a[5]);
	if (installed < 0)
		return installed;
	ret = ep_wait(t, (int)a[0], a[1], (int)a[2], dlp, nowait);
	sigmask_finish(t, installed, ret);
	return ret;
}
