/* Files backed by a host fd the sentry owns (the caller's stdio in
 * `runsc do`). Streams (ttys, pipes, sockets) are waited on with
 * task_wait_host_fd() so a signal interrupts a blocking read; the host fd's
 * own flags are never changed, since the terminal is shared with the
 * user's shell. Seekable host files (a shell redirection to a file) use
 * the host's offset for read()/write()/lseek(), since the host description
 * may be shared (2>&1 gives stdout and stderr one offset), and
 * pread/pwrite for the positioned calls. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fcntl.h>

#include "sentry/kernel/klock.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/vfs/hostfd.h"
#include "sentry/vfs/vfs.h"

#define LINUX_TCGETS	 0x5401
#define LINUX_TCSETS	 0x5402
#define LINUX_TCSETSW	 0x5403
#define LINUX_TCSETSF	 0x5404
#define LINUX_TIOCGPGRP	 0x540F
#define LINUX_TIOCSPGRP	 0x5410
#define LINUX_TIOCGWINSZ 0x5413
#define LINUX_TIOCSWINSZ 0x5414
#define LINUX_FIONREAD	 0x541B
#define LINUX_SIGPIPE	 13
#define KTERMIOS_SIZE	 36 /* struct termios of the TCGETS ioctl */

struct hostfd {
	int fd;
	bool stream; /* tty, pipe or socket: no offset */
	bool tty;
	int fg_pgrp; /* the sandbox's foreground process group (0: unset) */
};

static struct hostfd *HF(struct file *f)
{
	return f->priv;
}

/* Run a host call with the kernel lock dropped when we hold it. */
#define UNLOCKED(expr)                                                         \
	({                                                                     \
		bool held_ = klock_held();                                     \
		if (held_)                                                     \
			klock_release();                                       \
		__typeof__(expr) r_ = (expr);                                  \
		int e_ = errno;                                                \
		if (held_)                                                     \
			klock_acquire();                                       \
		errno = e_;                                                    \
		r_;                                                            \
	})

static bool host_ready(int fd, short events)
{
	struct pollfd p = {.fd = fd, .events = events};
	return poll(&p, 1, 0) > 0;
}

/* Wait until fd is ready for events, or fail with EAGAIN/ERESTARTSYS. */
static int wait_ready(struct file *f, struct task *t, short events)
{
	struct hostfd *h = HF(f);
	if (!h->stream || host_ready(h->fd, events))
		return 0;
	if (!t || (f->flags & LINUX_O_NONBLOCK))
		return -LINUX_EAGAIN;
	return task_wait_host_fd(t, h->fd, events);
}

/* After a transfer of r bytes: sequential I/O on a seekable host file
 * moved the host offset, which is the file's. */
static void advance(struct file *f, loff_t *pos, bool seq, ssize_t r)
{
	if (HF(f)->stream)
		return;
	if (!seq) {
		*pos += r;
		return;
	}
	off_t off = lseek(HF(f)->fd, 0, SEEK_CUR);
	if (off >= 0)
		f->pos = off;
}

/* One read (or write, when out) of up to n bytes, waiting for readiness
 * unless the file is non-blocking. */
static long hostfd_io(struct file *f, struct task *t, void *buf, size_t n,
		      loff_t *pos, bool out)
{
	struct hostfd *h = HF(f);
	for (;;) {
		int ret = wait_ready(f, t, out ? POLLOUT : POLLIN);
		if (ret < 0)
			return ret;
		bool seq = h->stream || pos == &f->pos;
		ssize_t r;
		if (out)
			r = seq ? UNLOCKED(write(h->fd, buf, n))
				: UNLOCKED(pwrite(h->fd, buf, n, *pos));
		else
			r = seq ? UNLOCKED(read(h->fd, buf, n))
				: UNLOCKED(pread(h->fd, buf, n, *pos));
		if (r >= 0) {
			advance(f, pos, seq, r);
			return r;
		}
		if (errno == EINTR)
			continue;
		/* Readiness was stolen (another reader of the terminal). */
		if (errno == EAGAIN && t && !(f->flags & LINUX_O_NONBLOCK))
			continue;
		if (errno == EPIPE && out && t)
			send_signal_task(t, LINUX_SIGPIPE, NULL);
		return -linux_errno_from_host(errno);
	}
}

static long hostfd_read(struct file *f, struct task *t, void *buf, size_t n,
			loff_t *pos)
{
	return hostfd_io(f, t, buf, n, pos, false);
}

static long hostfd_write(struct file *f, struct task *t, const void *buf,
			 size_t n, loff_t *pos)
{
	return hostfd_io(f, t, (void *)buf, n, pos, true);
}

static loff_t hostfd_llseek(struct file *f, loff_t off, int whence)
{
	if (HF(f)->stream)
		return -LINUX_ESPIPE;
	int hw;
	switch (whence) {
	case LINUX_SEEK_SET:
		hw = SEEK_SET;
		break;
	case LINUX_SEEK_CUR:
		hw = SEEK_CUR;
		break;
	case LINUX_SEEK_END:
		hw = SEEK_END;
		break;
	case LINUX_SEEK_DATA:
		hw = SEEK_DATA;
		break;
	case LINUX_SEEK_HOLE:
		hw = SEEK_HOLE;
		break;
	default:
		return -LINUX_EINVAL;
	}
	off_t r = lseek(HF(f)->fd, off, hw);
	if (r < 0)
		return -linux_errno_from_host(errno);
	f->pos = r;
	return r;
}

static long hostfd_ioctl(struct file *f, struct task *t, unsigned cmd,
			 uint64_t arg)
{
	struct hostfd *h = HF(f);
	bool pipe =
	    LINUX_S_ISFIFO(f->inode->mode) || LINUX_S_ISSOCK(f->inode->mode);
	if (cmd == LINUX_FIONREAD && (h->tty || pipe)) {
		int n = 0;
		if (ioctl(h->fd, FIONREAD, &n) < 0)
			return -linux_errno_from_host(errno);
		return copy_out(t, arg, &n, sizeof(n));
	}
	if (!h->tty)
		return -LINUX_ENOTTY;
	switch (cmd) {
	case LINUX_TCGETS: {
		char tio[64];
		if (ioctl(h->fd, TCGETS, tio) < 0)
			return -linux_errno_from_host(errno);
		return copy_out(t, arg, tio, KTERMIOS_SIZE);
	}
	case LINUX_TCSETS:
	case LINUX_TCSETSW:
	case LINUX_TCSETSF: {
		char tio[64] = {0};
		int ret = copy_in(t, arg, tio, KTERMIOS_SIZE);
		if (ret < 0)
			return ret;
		unsigned long hcmd = cmd == LINUX_TCSETS    ? TCSETS
				     : cmd == LINUX_TCSETSW ? TCSETSW
							    : TCSETSF;
		/* TCSETSW waits for output to drain: drop the lock. */
		if (UNLOCKED(ioctl(h->fd, hcmd, tio)) < 0)
			return -linux_errno_from_host(errno);
		return 0;
	}
	case LINUX_TIOCGWINSZ: {
		struct winsize ws;
		if (ioctl(h->fd, TIOCGWINSZ, &ws) < 0)
			return -linux_errno_from_host(errno);
		return copy_out(t, arg, &ws, sizeof(ws));
	}
	case LINUX_TIOCSWINSZ: {
		struct winsize ws;
		int ret = copy_in(t, arg, &ws, sizeof(ws));
		if (ret < 0)
			return ret;
		if (ioctl(h->fd, TIOCSWINSZ, &ws) < 0)
			return -linux_errno_from_host(errno);
		return 0;
	}
	case LINUX_TIOCGPGRP: {
		/* The host's process groups mean nothing inside: report the
		 * sandbox's foreground group. */
		int32_t pg = h->fg_pgrp ? h->fg_pgrp : (t ? t->tg->pgid : 0);
		return copy_out(t, arg, &pg, sizeof(pg));
	}
	case LINUX_TIOCSPGRP: {
		int32_t pg;
		int ret = copy_in(t, arg, &pg, sizeof(pg));
		if (ret < 0)
			return ret;
		if (pg < 0)
			return -LINUX_EINVAL;
		h->fg_pgrp = pg;
		return 0;
	}
	default:
		return -LINUX_ENOTTY;
	}
}

static unsigned hostfd_poll(struct file *f, struct waitq **wq)
{
	if (wq)
		*wq = NULL;
	struct pollfd p = {.fd = HF(f)->fd, .events = POLLIN | POLLOUT};
	if (poll(&p, 1, 0) < 0)
		return LINUX_POLLERR;
	unsigned m = 0;
	if (p.revents & POLLIN)
		m |= LINUX_POLLIN | LINUX_POLLRDNORM;
	if (p.revents & POLLOUT)
		m |= LINUX_POLLOUT | LINUX_POLLWRNORM;
	if (p.revents & POLLERR)
		m |= LINUX_POLLERR;
	if (p.revents & POLLHUP)
		m |= LINUX_POLLHUP;
	if (p.revents & POLLNVAL)
		m |= LINUX_POLLNVAL;
	return m;
}

static int hostfd_host_fd(struct file *f)
{
	return HF(f)->fd;
}

static int hostfd_fsync(struct file *f, int datasync)
{
	if (HF(f)->stream)
		return -LINUX_EINVAL;
	if (fsync(HF(f)->fd) < 0)
		return -linux_errno_from_host(errno);
	return 0;
}

static void hostfd_release(struct file *f)
{
	struct hostfd *h = HF(f);
	if (h) {
		close(h->fd);
		free(h);
	}
}

static int hostfd_getattr(struct inode *inode)
{
	/* Sizes of host files can change under us: ask the host. The fd
	 * is kept in the inode's priv. */
	struct hostfd *h = inode->priv;
	struct stat st;
	if (h && fstat(h->fd, &st) == 0) {
		inode->size = (uint64_t)st.st_size;
		inode->blocks = (uint64_t)st.st_blocks;
		inode->atime = st.st_atim;
		inode->mtime = st.st_mtim;
		inode->ctime = st.st_ctim;
	}
	return 0;
}

static const struct inode_ops hostfd_iops = {
    .getattr = hostfd_getattr,
};

static const struct file_ops hostfd_fops = {
    .read = hostfd_read,
    .write = hostfd_write,
    .llseek = hostfd_llseek,
    .ioctl = hostfd_ioctl,
    .poll = hostfd_poll,
    .host_fd = hostfd_host_fd,
    .fsync = hostfd_fsync,
    .release = hostfd_release,
};

struct file *hostfd_file_new(int hostfd)
{
	struct stat st;
	if (fstat(hostfd, &st) < 0)
		return NULL;
	int hfl = fcntl(hostfd, F_GETFL);
	if (hfl < 0)
		return NULL;
	struct hostfd *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->fd = hostfd;
	h->stream =
	    S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
	h->tty = isatty(hostfd);
	uint32_t flags = LINUX_O_LARGEFILE;
	switch (hfl & O_ACCMODE) {
	case O_WRONLY:
		flags |= LINUX_O_WRONLY;
		break;
	case O_RDWR:
		flags |= LINUX_O_RDWR;
		break;
	default:
		flags |= LINUX_O_RDONLY;
		break;
	}
	if (hfl & O_APPEND)
		flags |= LINUX_O_APPEND;
	/* The host's mode bits map one to one onto Linux's (same ABI). */
	struct file *f =
	    file_new_anon(&hostfd_fops, (uint32_t)st.st_mode, flags, h);
	if (!f) {
		free(h);
		return NULL;
	}
	struct inode *inode = f->inode;
	inode->rdev = LINUX_MKDEV(major(st.st_rdev), minor(st.st_rdev));
	inode->uid = st.st_uid;
	inode->gid = st.st_gid;
	inode->nlink = (uint32_t)st.st_nlink;
	inode->size = (uint64_t)st.st_size;
	inode->blksize = (uint32_t)st.st_blksize;
	inode->i_op = &hostfd_iops;
	if (!h->stream) {
		off_t off = lseek(hostfd, 0, SEEK_CUR);
		f->pos = off > 0 ? off : 0;
	}
	/* For getattr only; the file's release closes the fd, after which
	 * the inode (private to this file) goes away with it. */
	inode->priv = h;
	return f;
}
