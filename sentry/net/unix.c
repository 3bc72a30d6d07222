/* Connected AF_UNIX stream sockets: a pair shares two byte rings, one per
 * direction, and one wait queue woken on every change. */
#include "sentry/net/unix.h"

#include <stdlib.h>

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/stat.h"
#include "sentry/fs/pipe/pipebuf.h"
#include "sentry/kernel/signal.h"
#include "sentry/kernel/task.h"
#include "sentry/syscalls/sys_poll.h"
#include "sentry/vfs/vfs.h"

#define MSG_PEEK     0x2
#define MSG_DONTWAIT 0x40
#define MSG_WAITALL  0x100
#define MSG_NOSIGNAL 0x4000
#define SOCK_STREAM  1
/* Linux's default socket buffer (net.core.wmem_default). */
#define UNIX_BUF (208 * 1024)

struct upair {
	struct pipebuf ring[2]; /* ring[i]: bytes for side i to read */
	struct waitq wq;
	bool closed[2];
	bool shut_rd[2], shut_wr[2];
};

struct usock {
	struct upair *p;
	int side;
};

static void changed(struct upair *p)
{
	waitq_wake_all(&p->wq);
	poll_notify();
}

static long do_recv(struct file *f, struct task *t, void *buf, size_t n,
		    int flags)
{
	struct usock *s = f->priv;
	struct upair *p = s->p;
	struct pipebuf *rb = &p->ring[s->side];
	int peer = !s->side;
	bool nonblock = (f->flags & LINUX_O_NONBLOCK) || (flags & MSG_DONTWAIT);
	size_t done = 0;

	if (n == 0)
		return 0;
	for (;;) {
		if (rb->len) {
			size_t k =
			    pipebuf_peek(rb, (char *)buf + done, n - done);
			if (!(flags & MSG_PEEK)) {
				pipebuf_consume(rb, k);
				changed(p);
			}
			done += k;
			if (done == n || !(flags & MSG_WAITALL) ||
			    (flags & MSG_PEEK))
				return done;
			continue;
		}
		if (p->closed[peer] || p->shut_wr[peer] || p->shut_rd[s->side])
			return done;
		if (done && !(flags & MSG_WAITALL))
			return done;
		if (nonblock)
			return done ? (long)done : -LINUX_EAGAIN;
		if (!t)
			return -LINUX_EAGAIN;
		int r = task_wait(t, &p->wq, NULL);
		if (r < 0)
			return done ? (long)done : r;
	}
}

static long do_send(struct file *f, struct task *t, const void *buf, size_t n,
		    int flags)
{
	struct usock *s = f->priv;
	struct upair *p = s->p;
	int peer = !s->side;
	struct pipebuf *wb = &p->ring[peer];
	bool nonblock = (f->flags & LINUX_O_NONBLOCK) || (flags & MSG_DONTWAIT);
	size_t done = 0;

	while (done < n) {
		if (p->closed[peer] || p->shut_rd[peer] ||
		    p->shut_wr[s->side]) {
			if (done)
				return done;
			if (t && !(flags & MSG_NOSIGNAL))
				send_signal_task(t, LINUX_SIGPIPE, NULL);
			return -LINUX_EPIPE;
		}
		if (pipebuf_space(wb)) {
			long k = pipebuf_write(wb, (const char *)buf + done,
					       n - done);
			if (k < 0)
				return done ? (long)done : k;
			done += (size_t)k;
			changed(p);
			continue;
		}
		if (nonblock || !t)
			return done ? (long)done : -LINUX_EAGAIN;
		int r = task_wait(t, &p->wq, NULL);
		if (r < 0)
			return done ? (long)done : r;
	}
	return done;
}

static long us_read(struct file *f, struct task *t, void *buf, size_t n,
		    loff_t *pos)
{
	return do_recv(f, t, buf, n, 0);
}

static long us_write(struct file *f, struct task *t, const void *buf, size_t n,
		     loff_t *pos)
{
	return do_send(f, t, buf, n, 0);
}

static unsigned us_poll(struct file *f, struct waitq **wq)
{
	struct usock *s = f->priv;
	struct upair *p = s->p;
	int peer = !s->side;
	unsigned m = 0;

	if (wq)
		*wq = &p->wq;
	if (p->ring[s->side].len || p->shut_rd[s->side])
		m |= LINUX_POLLIN | LINUX_POLLRDNORM;
	if (p->closed[peer] || p->shut_wr[peer])
		m |= LINUX_POLLIN | LINUX_POLLRDNORM | LINUX_POLLRDHUP;
	if (!p->closed[peer] && !p->shut_wr[s->side] &&
	    pipebuf_space(&p->ring[peer]))
		m |= LINUX_POLLOUT | LINUX_POLLWRNORM;
	if (p->closed[peer] && p->shut_wr[s->side])
		m |= LINUX_POLLHUP;
	if (p->closed[peer])
		m |= LINUX_POLLHUP;
	return m;
}

static void us_release(struct file *f)
{
	struct usock *s = f->priv;
	struct upair *p = s->p;

	p->closed[s->side] = true;
	changed(p);
	if (p->closed[!s->side]) {
		pipebuf_destroy(&p->ring[0]);
		pipebuf_destroy(&p->ring[1]);
		free(p);
	}
	free(s);
}

static const struct file_ops unix_stream_ops = {
    .read = us_read,
    .write = us_write,
    .llseek = vfs_no_llseek,
    .poll = us_poll,
    .release = us_release,
};

bool unix_is_socket(struct file *f)
{
	return f->ops == &unix_stream_ops;
}

int unix_type(struct file *f)
{
	return SOCK_STREAM;
}

int unix_stream_pair(uint32_t flags, struct file **a, struct file **b)
{
	struct upair *p = calloc(1, sizeof(*p));
	struct usock *s0 = calloc(1, sizeof(*s0)), *s1 = calloc(1, sizeof(*s1));
	uint32_t fl = LINUX_O_RDWR | (flags & LINUX_O_NONBLOCK);

	if (!p || !s0 || !s1)
		goto nomem;
	pipebuf_init(&p->ring[0], UNIX_BUF);
	pipebuf_init(&p->ring[1], UNIX_BUF);
	waitq_init(&p->wq);
	*s0 = (struct usock){p, 0};
	*s1 = (struct usock){p, 1};
	*a = file_new_anon(&unix_stream_ops, LINUX_S_IFSOCK | 0777, fl, s0);
	if (!*a)
		goto nomem;
	*b = file_new_anon(&unix_stream_ops, LINUX_S_IFSOCK | 0777, fl, s1);
	if (!*b) {
		/* Releasing a closes its side; the pair then needs b's side
		 * marked closed to be freed. */
		p->closed[1] = true;
		file_put(*a);
		free(s1);
		return -LINUX_ENOMEM;
	}
	return 0;
nomem:
	free(p);
	free(s0);
	free(s1);
	return -LINUX_ENOMEM;
}

long unix_send(struct file *f, struct task *t, const void *buf, size_t n,
	       int flags)
{
	return do_send(f, t, buf, n, flags);
}

long unix_recv(struct file *f, struct task *t, void *buf, size_t n, int flags)
{
	return do_recv(f, t, buf, n, flags);
}

int unix_shutdown(struct file *f, int how)
{
	struct usock *s = f->priv;

	if (how < 0 || how > 2)
		return -LINUX_EINVAL;
	if (how != 1)
		s->p->shut_rd[s->side] = true;
	if (how != 0)
		s->p->shut_wr[s->side] = true;
	changed(s->p);
	return 0;
}
