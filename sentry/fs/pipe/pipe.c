/* Pipes and FIFOs. See pipe.h. */
#include "sentry/fs/pipe/pipe.h"

#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/stat.h"
#include "sentry/fs/pipe/pipebuf.h"
#include "sentry/kernel/klock.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/syscalls/sys_poll.h"

#define LINUX_SIGPIPE  13
#define LINUX_FIONREAD 0x541B

struct pipe {
	struct pipebuf buf;
	int readers, writers; /* open ends */
	/* Opens so far of each kind: a FIFO open waiting for its peer waits
	 * for these to move (the peer may open and close meanwhile). */
	unsigned long r_counter, w_counter;
	struct waitq wq;
	/* The inode whose fifo_private points here (borrowed: every open end
	 * holds a reference to it): a FIFO's, or the anonymous pipe's, so
	 * that /proc/PID/fd/N can reopen it as Linux allows. */
	struct inode *fifo;
};

struct pipe_end {
	struct pipe *p;
	/* w_counter when this end was opened: a FIFO reader opened before any
	 * writer does not see POLLHUP (Linux's f_version trick). */
	unsigned long w_seen;
};

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	pipebuf_init(&p->buf, PIPEBUF_DEFAULT_CAP);
	waitq_init(&p->wq);
	return p;
}

static void pipe_free_if_unused(struct pipe *p)
{
	if (p->readers > 0 || p->writers > 0)
		return;
	if (p->fifo)
		p->fifo->fifo_private = NULL;
	pipebuf_destroy(&p->buf);
	free(p);
}

/* Readiness changed: wake this pipe's sleepers and multi-file pollers. */
static void pipe_wake(struct pipe *p)
{
	waitq_wake_all(&p->wq);
	poll_notify();
}

static bool end_reads(const struct file *f)
{
	return (f->flags & LINUX_O_ACCMODE) != LINUX_O_WRONLY;
}

static bool end_writes(const struct file *f)
{
	uint32_t acc = f->flags & LINUX_O_ACCMODE;
	return acc == LINUX_O_WRONLY || acc == LINUX_O_RDWR;
}

static long pipe_read(struct file *f, struct task *t, void *buf, size_t n,
		      loff_t *pos)
{
	struct pipe_end *e = f->priv;
	struct pipe *p = e->p;
	if (n == 0)
		return 0;
	for (;;) {
		if (p->buf.len > 0) {
			bool was_full = pipebuf_space(&p->buf) < PIPEBUF_ATOMIC;
			size_t got = pipebuf_peek(&p->buf, buf, n);
			pipebuf_consume(&p->buf, got);
			if (was_full || p->buf.len == 0)
				pipe_wake(p);
			return (long)got;
		}
		if (p->writers == 0)
			return 0;
		if ((f->flags & LINUX_O_NONBLOCK) || !t)
			return -LINUX_EAGAIN;
		int r = task_wait(t, &p->wq, NULL);
		if (r < 0)
			return r;
	}
}

static long pipe_write(struct file *f, struct task *t, const void *buf,
		       size_t n, loff_t *pos)
{
	struct pipe_end *e = f->priv;
	struct pipe *p = e->p;
	size_t done = 0;
	/* Writes of at most PIPE_BUF bytes are never interleaved with others:
	 * they wait until all of it fits. */
	size_t need = n <= PIPEBUF_ATOMIC ? n : 1;
	if (n == 0)
		return 0;
	for (;;) {
		if (p->readers == 0) {
			if (t)
				send_signal_task(t, LINUX_SIGPIPE, NULL);
			return done ? (long)done : -LINUX_EPIPE;
		}
		size_t space = pipebuf_space(&p->buf);
		if (space >= need && space > 0) {
			long w = pipebuf_write(
			    &p->buf, (const char *)buf + done, n - done);
			if (w < 0)
				return done ? (long)done : w;
			done += (size_t)w;
			pipe_wake(p);
			if (done == n)
				return (long)done;
			/* Only the non-atomic remainder of a large write gets
			 * here; it may be split wherever space appears. */
			need = 1;
			continue;
		}
		if ((f->flags & LINUX_O_NONBLOCK) || !t)
			return done ? (long)done : -LINUX_EAGAIN;
		int r = task_wait(t, &p->wq, NULL);
		if (r < 0)
			return done ? (long)done : r;
	}
}

static unsigned pipe_poll(struct file *f, struct waitq **wq)
{
	struct pipe_end *e = f->priv;
	struct pipe *p = e->p;
	unsigned mask = 0;
	if (wq)
		*wq = &p->wq;
	if (end_reads(f)) {
		if (p->buf.len > 0)
			mask |= LINUX_POLLIN | LINUX_POLLRDNORM;
		if (p->writers == 0 && p->w_counter != e->w_seen)
			mask |= LINUX_POLLHUP;
	}
	if (end_writes(f)) {
		/* Linux says writable when a whole page buffer is free. */
		if (pipebuf_space(&p->buf) >= PIPEBUF_ATOMIC)
			mask |= LINUX_POLLOUT | LINUX_POLLWRNORM;
		if (p->readers == 0)
			mask |= LINUX_POLLERR;
	}
	return mask;
}

static long pipe_ioctl(struct file *f, struct task *t, unsigned cmd,
		       uint64_t arg)
{
	struct pipe_end *e = f->priv;
	if (cmd == LINUX_FIONREAD) {
		int32_t avail = (int32_t)e->p->buf.len;
		return copy_out(t, arg, &avail, sizeof(avail));
	}
	return -LINUX_ENOTTY;
}

static void pipe_release(struct file *f)
{
	struct pipe_end *e = f->priv;
	if (!e)
		return;
	struct pipe *p = e->p;
	if (end_reads(f))
		p->readers--;
	if (end_writes(f))
		p->writers--;
	pipe_wake(p);
	pipe_free_if_unused(p);
	free(e);
	f->priv = NULL;
}

const struct file_ops pipe_file_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .llseek = vfs_no_llseek,
    .ioctl = pipe_ioctl,
    .poll = pipe_poll,
    .release = pipe_release,
};

bool file_is_pipe(const struct file *f)
{
	return f && f->ops == &pipe_file_ops && f->priv;
}

static struct pipe_end *end_new(struct pipe *p)
{
	struct pipe_end *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->p = p;
	e->w_seen = p->w_counter;
	return e;
}

int pipe_create(struct task *t, uint32_t extra_flags, struct file **rd,
		struct file **wr)
{
	extra_flags &= LINUX_O_NONBLOCK | LINUX_O_DIRECT;
	struct pipe *p = pipe_alloc();
	if (!p)
		return -LINUX_ENOMEM;
	struct pipe_end *re = end_new(p), *we = end_new(p);
	struct file *r = NULL, *w = NULL;
	if (!re || !we)
		goto nomem;
	r = file_new_anon(&pipe_file_ops, LINUX_S_IFIFO | 0600,
			  LINUX_O_RDONLY | extra_flags, re);
	if (!r)
		goto nomem;
	w = file_new_anon_inode(r->inode, &pipe_file_ops,
				LINUX_O_WRONLY | extra_flags, we);
	if (!w)
		goto nomem;
	if (t) {
		r->inode->uid = t->cred.euid;
		r->inode->gid = t->cred.egid;
	}
	p->readers = p->writers = 1;
	p->r_counter = p->w_counter = 1;
	p->fifo = r->inode;
	r->inode->fifo_private = p;
	/* Anonymous pipes are born with both ends: hangup is reportable. */
	re->w_seen = we->w_seen = 0;
	*rd = r;
	*wr = w;
	return 0;
nomem:
	/* The files own no pipe count yet: detach priv before putting them so
	 * their release does not touch the pipe. */
	if (r) {
		r->priv = NULL;
		file_put(r);
	}
	free(re);
	free(we);
	pipebuf_destroy(&p->buf);
	free(p);
	return -LINUX_ENOMEM;
}

/* Sleep until *counter moves past seen (a peer opened). */
static int fifo_wait_peer(struct task *t, struct pipe *p,
			  unsigned long *counter, unsigned long seen)
{
	while (*counter == seen) {
		if (!t)
			return -LINUX_EAGAIN;
		int r = task_wait(t, &p->wq, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

int fifo_open(struct inode *inode, struct file *f, struct task *t)
{
	struct pipe *p = inode->fifo_private;
	bool created = false;
	if (!p) {
		p = pipe_alloc();
		if (!p)
			return -LINUX_ENOMEM;
		p->fifo = inode;
		inode->fifo_private = p;
		created = true;
	}
	struct pipe_end *e = end_new(p);
	if (!e) {
		if (created)
			pipe_free_if_unused(p);
		return -LINUX_ENOMEM;
	}
	bool nonblock = f->flags & LINUX_O_NONBLOCK;
	/* An anonymous pipe reopened through /proc/PID/fd never waits for a
	 * peer (Linux waits only on named FIFOs). */
	bool anon = inode_is_anon(inode);
	int r = 0;
	switch (f->flags & LINUX_O_ACCMODE) {
	case LINUX_O_RDONLY:
		p->readers++;
		p->r_counter++;
		pipe_wake(p);
		if (!anon && !nonblock && p->writers == 0) {
			r = fifo_wait_peer(t, p, &p->w_counter, p->w_counter);
			if (r < 0)
				p->readers--;
		}
		break;
	case LINUX_O_WRONLY:
		if (!anon && nonblock && p->readers == 0) {
			r = -LINUX_ENXIO;
			break;
		}
		p->writers++;
		p->w_counter++;
		pipe_wake(p);
		if (!anon && p->readers == 0) {
			r = fifo_wait_peer(t, p, &p->r_counter, p->r_counter);
			if (r < 0)
				p->writers--;
		}
		break;
	default:
		/* O_RDWR: POSIX leaves it undefined; Linux never blocks. */
		p->readers++;
		p->writers++;
		p->r_counter++;
		p->w_counter++;
		pipe_wake(p);
		break;
	}
	if (r < 0) {
		free(e);
		pipe_wake(p);
		pipe_free_if_unused(p);
		return r;
	}
	f->ops = &pipe_file_ops;
	f->priv = e;
	return 0;
}

long pipe_fcntl(struct file *f, int cmd, uint64_t arg)
{
	if (!file_is_pipe(f))
		return -LINUX_EBADF;
	struct pipe *p = ((struct pipe_end *)f->priv)->p;
	if (cmd == LINUX_F_GETPIPE_SZ)
		return (long)p->buf.cap;
	if (cmd != LINUX_F_SETPIPE_SZ)
		return -LINUX_EINVAL;
	long r = pipebuf_resize(&p->buf, (size_t)(uint32_t)arg);
	if (r >= 0)
		pipe_wake(p);
	return r;
}

/* The inode goes away while its pipe still exists: cannot happen while an
 * end is open (ends hold the inode), so only an empty pipe is left. */
static void fifo_release(struct inode *inode)
{
	struct pipe *p = inode->fifo_private;
	inode->fifo_private = NULL;
	if (p && p->readers == 0 && p->writers == 0) {
		p->fifo = NULL;
		pipe_free_if_unused(p);
	}
}

void pipe_install_hooks(void)
{
	vfs_fifo_open_hook = fifo_open;
	vfs_fifo_release_hook = fifo_release;
}
