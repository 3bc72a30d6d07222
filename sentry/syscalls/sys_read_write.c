/* read/write family, lseek, sendfile, copy_file_range. Data passes through
 * a sentry buffer in chunks; regular files are transferred in full (until
 * EOF), other files return after the first chunk that moved data, as a
 * pipe or terminal read does on Linux. */
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/syscalls/sys_read_write.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/vfs.h"

#define CHUNK	     (256 * 1024)
#define MAX_RW_COUNT 0x7ffff000L

static int arg_fd(uint64_t v)
{
	return (int)(int32_t)v;
}

static bool seekable(struct file *f)
{
	uint32_t type = f->inode->mode & LINUX_S_IFMT;
	if (type == LINUX_S_IFIFO || type == LINUX_S_IFSOCK)
		return false;
	return !(f->ops && f->ops->llseek == vfs_no_llseek);
}

/* Read up to n bytes into application memory at addr. pos: NULL for the
 * file offset. */
static long read_to_user(struct task *t, struct file *f, uint64_t addr,
			 size_t n, loff_t *pos)
{
	if (n > MAX_RW_COUNT)
		n = MAX_RW_COUNT;
	if (n == 0)
		return vfs_read(f, t, NULL, 0, pos);
	size_t bufsz = n < CHUNK ? n : CHUNK;
	char *buf = malloc(bufsz);
	if (!buf)
		return -LINUX_ENOMEM;
	bool full = LINUX_S_ISREG(f->inode->mode);
	size_t done = 0;
	long ret = 0;
	while (done < n) {
		size_t want = n - done < bufsz ? n - done : bufsz;
		ret = vfs_read(f, t, buf, want, pos);
		if (ret <= 0)
			break;
		int cr = copy_out(t, addr + done, buf, (size_t)ret);
		if (cr < 0) {
			ret = cr;
			break;
		}
		done += (size_t)ret;
		if ((size_t)ret < want || !full)
			break;
	}
	free(buf);
	return done ? (long)done : ret;
}

static long write_from_user(struct task *t, struct file *f, uint64_t addr,
			    size_t n, loff_t *pos)
{
	if (n > MAX_RW_COUNT)
		n = MAX_RW_COUNT;
	if (n == 0)
		return vfs_write(f, t, NULL, 0, pos);
	size_t bufsz = n < CHUNK ? n : CHUNK;
	char *buf = malloc(bufsz);
	if (!buf)
		return -LINUX_ENOMEM;
	size_t done = 0;
	long ret = 0;
	while (done < n) {
		size_t want = n - done < bufsz ? n - done : bufsz;
		int cr = copy_in(t, addr + done, buf, want);
		if (cr < 0) {
			ret = cr;
			break;
		}
		ret = vfs_write(f, t, buf, want, pos);
		if (ret <= 0)
			break;
		done += (size_t)ret;
		if ((size_t)ret < want)
			break;
	}
	free(buf);
	return done ? (long)done : ret;
}

static struct file *get_rw(struct task *t, int fd)
{
	return fd_get(t, fd);
}

long sys_read(struct task *t, const uint64_t a[6])
{
	struct file *f = get_rw(t, arg_fd(a[0]));
	if (!f)
		return -LINUX_EBADF;
	long ret = read_to_user(t, f, a[1], a[2], NULL);
	file_put(f);
	return ret;
}

long sys_write(struct task *t, const uint64_t a[6])
{
	struct file *f = get_rw(t, arg_fd(a[0]));
	if (!f)
		return -LINUX_EBADF;
	long ret = write_from_user(t, f, a[1], a[2], NULL);
	file_put(f);
	return ret;
}

static long do_pread(struct task *t, int fd, uint64_t addr, size_t n,
		     int64_t off, bool write)
{
	struct file *f = get_rw(t, fd);
	if (!f)
		return -LINUX_EBADF;
	long ret;
	if (off < 0)
		ret = -LINUX_EINVAL;
	else if (write ? !file_writable(f) : !file_readable(f))
		ret = -LINUX_EBADF;
	else if (!seekable(f))
		ret = -LINUX_ESPIPE;
	else {
		loff_t pos = off;
		ret = write ? write_from_user(t, f, addr, n, &pos)
			    : read_to_user(t, f, addr, n, &pos);
	}
	file_put(f);
	return ret;
}

long sys_pread64(struct task *t, const uint64_t a[6])
{
	return do_pread(t, arg_fd(a[0]), a[1], a[2], (int64_t)a[3], false);
}

long sys_pwrite64(struct task *t, const uint64_t a[6])
{
	return do_pread(t, arg_fd(a[0]), a[1], a[2], (int64_t)a[3], true);
}

/* readv/writev/preadv/pwritev: one iovec after the other, stopping at the
 * first short transfer. */
static long do_iov(struct task *t, int fd, uint64_t uiov, uint64_t cnt,
		   int64_t off, bool has_off, bool write)
{
	struct file *f = get_rw(t, fd);
	if (!f)
		return -LINUX_EBADF;
	long ret;
	struct linux_iovec *iov = NULL;
	if (write ? !file_writable(f) : !file_readable(f)) {
		ret = -LINUX_EBADF;
		goto out;
	}
	if (has_off && off < 0) {
		ret = -LINUX_EINVAL;
		goto out;
	}
	if (has_off && !seekable(f)) {
		ret = -LINUX_ESPIPE;
		goto out;
	}
	if (cnt > 1024) {
		ret = -LINUX_EINVAL;
		goto out;
	}
	iov = calloc(cnt ? cnt : 1, sizeof(*iov));
	if (!iov) {
		ret = -LINUX_ENOMEM;
		goto out;
	}
	ret = copy_iovec_in(t, uiov, cnt, iov);
	if (ret < 0)
		goto out;
	loff_t pos = off;
	long total = 0;
	ret = 0;
	for (uint64_t i = 0; i < cnt; i++) {
		if (iov[i].len == 0)
			continue;
		if (total && !write && !LINUX_S_ISREG(f->inode->mode) &&
		    !(f->flags & LINUX_O_NONBLOCK)) {
			/* Do not block for the next iovec once data came. */
			struct waitq *wq;
			if (!(vfs_poll(f, &wq) & LINUX_POLLIN))
				break;
		}
		ret = write ? write_from_user(t, f, iov[i].base, iov[i].len,
					      has_off ? &pos : NULL)
			    : read_to_user(t, f, iov[i].base, iov[i].len,
					   has_off ? &pos : NULL);
		if (ret < 0)
			break;
		total += ret;
		if ((uint64_t)ret < iov[i].len)
			break;
	}
	if (total)
		ret = total;
	else if (ret > 0)
		ret = 0;
out:
	free(iov);
	file_put(f);
	return ret;
}

long sys_readv(struct task *t, const uint64_t a[6])
{
	return do_iov(t, arg_fd(a[0]), a[1], a[2], 0, false, false);
}

long sys_writev(struct task *t, const uint64_t a[6])
{
	return do_iov(t, arg_fd(a[0]), a[1], a[2], 0, false, true);
}

long sys_preadv(struct task *t, const uint64_t a[6])
{
	return do_iov(t, arg_fd(a[0]), a[1], a[2], (int64_t)a[3], true, false);
}

long sys_pwritev(struct task *t, const uint64_t a[6])
{
	return do_iov(t, arg_fd(a[0]), a[1], a[2], (int64_t)a[3], true, true);
}

/* preadv2/pwritev2: offset -1 means the file offset; RWF_* flags other than
 * none are refused. */
long sys_preadv2(struct task *t, const uint64_t a[6])
{
	if (a[5])
		return -LINUX_EOPNOTSUPP;
	int64_t off = (int64_t)a[3];
	return do_iov(t, arg_fd(a[0]), a[1], a[2], off, off != -1, false);
}

long sys_pwritev2(struct task *t, const uint64_t a[6])
{
	if (a[5])
		return -LINUX_EOPNOTSUPP;
	int64_t off = (int64_t)a[3];
	return do_iov(t, arg_fd(a[0]), a[1], a[2], off, off != -1, true);
}

long sys_lseek(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, arg_fd(a[0]));
	if (!f)
		return -LINUX_EBADF;
	long ret;
	if ((unsigned)a[2] > LINUX_SEEK_HOLE)
		ret = -LINUX_EINVAL;
	else
		ret = vfs_llseek(f, (loff_t)a[1], (int)a[2]);
	file_put(f);
	return ret;
}

/* Copy count bytes from in to out between sentry buffers. in_pos/out_pos
 * NULL: the files' offsets. */
static long splice_files(struct task *t, struct file *in, loff_t *in_pos,
			 struct file *out, loff_t *out_pos, size_t count)
{
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	size_t bufsz = count < CHUNK ? count : CHUNK;
	char *buf = malloc(bufsz ? bufsz : 1);
	if (!buf)
		return -LINUX_ENOMEM;
	size_t done = 0;
	long ret = 0;
	while (done < count) {
		size_t want = count - done < bufsz ? count - done : bufsz;
		loff_t save = in_pos ? *in_pos : in->pos;
		ret = vfs_read(in, t, buf, want, in_pos);
		if (ret <= 0)
			break;
		size_t got = (size_t)ret;
		ret = vfs_write(out, t, buf, got, out_pos);
		if (ret < 0) {
			/* Put back what was read but not written. */
			if (in_pos)
				*in_pos = save;
			else
				in->pos = save;
			break;
		}
		if ((size_t)ret < got) {
			loff_t back = save + ret;
			if (in_pos)
				*in_pos = back;
			else
				in->pos = back;
			done += (size_t)ret;
			break;
		}
		done += got;
		if (got < want)
			break;
	}
	free(buf);
	return done ? (long)done : ret;
}

long sys_sendfile(struct task *t, const uint64_t a[6])
{
	struct file *out = fd_get(t, arg_fd(a[0]));
	struct file *in = fd_get(t, arg_fd(a[1]));
	long ret;
	if (!out || !in) {
		ret = -LINUX_EBADF;
		goto done;
	}
	if (!file_readable(in) || !file_writable(out)) {
		ret = -LINUX_EBADF;
		goto done;
	}
	if (out->flags & LINUX_O_APPEND) {
		ret = -LINUX_EINVAL;
		goto done;
	}
	if (a[2]) {
		int64_t off;
		ret = copy_in(t, a[2], &off, sizeof(off));
		if (ret < 0)
			goto done;
		if (off < 0) {
			ret = -LINUX_EINVAL;
			goto done;
		}
		if (!seekable(in)) {
			ret = -LINUX_ESPIPE;
			goto done;
		}
		loff_t pos = off;
		ret = splice_files(t, in, &pos, out, NULL, a[3]);
		if (ret >= 0) {
			off = pos;
			int cr = copy_out(t, a[2], &off, sizeof(off));
			if (cr < 0)
				ret = cr;
		}
	} else {
		ret = splice_files(t, in, NULL, out, NULL, a[3]);
	}
done:
	file_put(out);
	file_put(in);
	return ret;
}

long sys_copy_file_range(struct task *t, const uint64_t a[6])
{
	if (a[5])
		return -LINUX_EINVAL;
	struct file *in = fd_get(t, arg_fd(a[0]));
	struct file *out = fd_get(t, arg_fd(a[2]));
	long ret;
	int64_t ioff = 0, ooff = 0;
	if (!out || !in) {
		ret = -LINUX_EBADF;
		goto done;
	}
	if (!file_readable(in) || !file_writable(out) ||
	    (out->flags & LINUX_O_APPEND)) {
		ret = -LINUX_EBADF;
		goto done;
	}
	if (LINUX_S_ISDIR(in->inode->mode) || LINUX_S_ISDIR(out->inode->mode)) {
		ret = -LINUX_EISDIR;
		goto done;
	}
	if (!LINUX_S_ISREG(in->inode->mode) ||
	    !LINUX_S_ISREG(out->inode->mode)) {
		ret = -LINUX_EINVAL;
		goto done;
	}
	if (a[1] && (ret = copy_in(t, a[1], &ioff, sizeof(ioff))) < 0)
		goto done;
	if (a[3] && (ret = copy_in(t, a[3], &ooff, sizeof(ooff))) < 0)
		goto done;
	if (ioff < 0 || ooff < 0) {
		ret = -LINUX_EINVAL;
		goto done;
	}
	loff_t ip = ioff, op = ooff;
	ret = splice_files(t, in, a[1] ? &ip : NULL, out, a[3] ? &op : NULL,
			   a[4]);
	if (ret >= 0) {
		ioff = ip;
		ooff = op;
		int cr = 0;
		if (a[1])
			cr = copy_out(t, a[1], &ioff, sizeof(ioff));
		if (!cr && a[3])
			cr = copy_out(t, a[3], &ooff, sizeof(ooff));
		if (cr < 0)
			ret = cr;
	}
done:
	file_put(out);
	file_put(in);
	return ret;
}
