/* Socket syscalls. Only AF_UNIX stream pairs exist so far (net/unix.h);
 * socket(2) itself stays unsupported until named sockets and the TCP/IP
 * stack land. */
#include "sentry/syscalls/sys_socket.h"

#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/net/unix.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/vfs.h"

#define AF_UNIX_       1
#define SOCK_STREAM_   1
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK_ LINUX_O_NONBLOCK
#define SOCK_CLOEXEC_  LINUX_O_CLOEXEC
#define SOL_SOCKET_    1
#define MAX_IO	       (1 << 20)

long sys_socketpair(struct task *t, const uint64_t a[6])
{
	int domain = (int)a[0], type = (int)a[1], proto = (int)a[2];
	struct file *f0, *f1;
	int fds[2], err;

	/* Other address families exist (AF_INET...) but have no pairs. */
	if (domain != AF_UNIX_)
		return domain > 0 && domain < 46 /* AF_MAX */
			   ? -LINUX_EOPNOTSUPP
			   : -LINUX_EAFNOSUPPORT;
	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK_ | SOCK_CLOEXEC_))
		return -LINUX_EINVAL;
	if (proto != 0 && proto != AF_UNIX_)
		return -LINUX_EPROTONOSUPPORT;
	if ((type & SOCK_TYPE_MASK) != SOCK_STREAM_)
		return -LINUX_EOPNOTSUPP; /* datagram pairs: not yet */
	err = unix_stream_pair(type & SOCK_NONBLOCK_, &f0, &f1);
	if (err)
		return err;
	fds[0] = fd_install(t, f0, type & SOCK_CLOEXEC_);
	fds[1] = fds[0] < 0 ? fds[0] : fd_install(t, f1, type & SOCK_CLOEXEC_);
	file_put(f0);
	file_put(f1);
	if (fds[1] < 0) {
		if (fds[0] >= 0)
			fdtable_close(t->fdt, fds[0]);
		return fds[1];
	}
	if (copy_out(t, a[3], fds, sizeof(fds))) {
		fdtable_close(t->fdt, fds[0]);
		fdtable_close(t->fdt, fds[1]);
		return -LINUX_EFAULT;
	}
	return 0;
}

/* The socket at fd with a reference, or NULL with *err set. */
static struct file *sock_get(struct task *t, int fd, long *err)
{
	struct file *f = fd_get(t, fd);

	if (!f) {
		*err = -LINUX_EBADF;
		return NULL;
	}
	if (!unix_is_socket(f)) {
		file_put(f);
		*err = -LINUX_ENOTSOCK;
		return NULL;
	}
	return f;
}

static long send_buf(struct task *t, int fd, uint64_t ubuf, uint64_t len,
		     int flags)
{
	long err;
	struct file *f = sock_get(t, fd, &err);
	char *buf;

	if (!f)
		return err;
	if (len > MAX_IO)
		len = MAX_IO;
	buf = malloc(len ? len : 1);
	err = -LINUX_ENOMEM;
	if (buf)
		err = copy_in(t, ubuf, buf, len)
			  ?: unix_send(f, t, buf, len, flags);
	free(buf);
	file_put(f);
	return err;
}

static long recv_buf(struct task *t, int fd, uint64_t ubuf, uint64_t len,
		     int flags)
{
	long err, n;
	struct file *f = sock_get(t, fd, &err);
	char *buf;

	if (!f)
		return err;
	if (len > MAX_IO)
		len = MAX_IO;
	buf = malloc(len ? len : 1);
	n = -LINUX_ENOMEM;
	if (buf) {
		n = unix_recv(f, t, buf, len, flags);
		if (n > 0 && copy_out(t, ubuf, buf, n))
			n = -LINUX_EFAULT;
	}
	free(buf);
	file_put(f);
	return n;
}

/* An unnamed AF_UNIX address: just the family. */
static int put_unnamed(struct task *t, uint64_t uaddr, uint64_t ulen)
{
	uint32_t len;
	uint16_t fam = AF_UNIX_;

	if (!uaddr)
		return 0;
	if (copy_in(t, ulen, &len, 4))
		return -LINUX_EFAULT;
	if ((int32_t)len < 0)
		return -LINUX_EINVAL;
	if (copy_out(t, uaddr, &fam, len < 2 ? len : 2))
		return -LINUX_EFAULT;
	len = 2;
	return copy_out(t, ulen, &len, 4);
}

long sys_sendto(struct task *t, const uint64_t a[6])
{
	if (a[4])
		return -LINUX_EISCONN; /* a connected pair takes no address */
	return send_buf(t, (int)a[0], a[1], a[2], (int)a[3]);
}

long sys_recvfrom(struct task *t, const uint64_t a[6])
{
	long n = recv_buf(t, (int)a[0], a[1], a[2], (int)a[3]);
	if (n >= 0 && a[4]) {
		int err = put_unnamed(t, a[4], a[5]);
		if (err)
			return err;
	}
	return n;
}

struct linux_msghdr {
	uint64_t name;
	uint32_t namelen, pad0;
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	int32_t flags, pad1;
};

long sys_sendmsg(struct task *t, const uint64_t a[6])
{
	struct linux_msghdr m;
	struct linux_iovec iov[64];
	long n, total = 0;

	if (copy_in(t, a[1], &m, sizeof(m)))
		return -LINUX_EFAULT;
	if (m.controllen)
		return -LINUX_EOPNOTSUPP; /* SCM_RIGHTS/CREDENTIALS: not yet */
	if (m.name)
		return -LINUX_EISCONN;
	if (m.iovlen > 64)
		return -LINUX_EMSGSIZE;
	n = copy_iovec_in(t, m.iov, m.iovlen, iov);
	if (n < 0)
		return n;
	for (uint64_t i = 0; i < m.iovlen; i++) {
		n = send_buf(t, (int)a[0], iov[i].base, iov[i].len, (int)a[2]);
		if (n < 0)
			return total ? total : n;
		total += n;
		if ((uint64_t)n < iov[i].len)
			break;
	}
	return total;
}

long sys_recvmsg(struct task *t, const uint64_t a[6])
{
	struct linux_msghdr m;
	struct linux_iovec iov[64];
	long n, total = 0;

	if (copy_in(t, a[1], &m, sizeof(m)))
		return -LINUX_EFAULT;
	if (m.iovlen > 64)
		return -LINUX_EMSGSIZE;
	n = copy_iovec_in(t, m.iov, m.iovlen, iov);
	if (n < 0)
		return n;
	for (uint64_t i = 0; i < m.iovlen; i++) {
		/* After the first bytes, never wait for more. */
		int flags = (int)a[2] | (total ? 0x40 /* DONTWAIT */ : 0);
		n = recv_buf(t, (int)a[0], iov[i].base, iov[i].len, flags);
		if (n == -LINUX_EAGAIN && total)
			break;
		if (n < 0)
			return total ? total : n;
		total += n;
		if ((uint64_t)n < iov[i].len)
			break;
	}
	/* No ancillary data, no address, no flags. */
	m.controllen = 0;
	m.flags = 0;
	if (m.name)
		m.namelen = 0;
	if (copy_out(t, a[1], &m, sizeof(m)))
		return -LINUX_EFAULT;
	return total;
}

long sys_shutdown(struct task *t, const uint64_t a[6])
{
	long err;
	struct file *f = sock_get(t, (int)a[0], &err);

	if (!f)
		return err;
	err = unix_shutdown(f, (int)a[1]);
	file_put(f);
	return err;
}

long sys_getsockopt(struct task *t, const uint64_t a[6])
{
	long err;
	struct file *f = sock_get(t, (int)a[0], &err);
	int level = (int)a[1], opt = (int)a[2];
	int32_t v[3] = {0, 0, 0};
	uint32_t len, vlen = 4;

	if (!f)
		return err;
	file_put(f);
	if (level != SOL_SOCKET_)
		return -LINUX_EOPNOTSUPP;
	switch (opt) {
	case 3: /* SO_TYPE */
		v[0] = SOCK_STREAM_;
		break;
	case 4:	 /* SO_ERROR */
	case 30: /* SO_ACCEPTCONN */
		v[0] = 0;
		break;
	case 39: /* SO_DOMAIN */
		v[0] = AF_UNIX_;
		break;
	case 7: /* SO_SNDBUF */
	case 8: /* SO_RCVBUF */
		v[0] = 212992;
		break;
	case 17: /* SO_PEERCRED: the pair was made by this process */
		v[0] = t->tg->pid;
		v[1] = (int32_t)t->cred.euid;
		v[2] = (int32_t)t->cred.egid;
		vlen = 12;
		break;
	default:
		return -LINUX_ENOPROTOOPT;
	}
	if (copy_in(t, a[4], &len, 4))
		return -LINUX_EFAULT;
	if ((int32_t)len < 0)
		return -LINUX_EINVAL;
	if (len > vlen)
		len = vlen;
	if (copy_out(t, a[3], v, len) || copy_out(t, a[4], &len, 4))
		return -LINUX_EFAULT;
	return 0;
}

long sys_setsockopt(struct task *t, const uint64_t a[6])
{
	long err;
	struct file *f = sock_get(t, (int)a[0], &err);
	int level = (int)a[1], opt = (int)a[2];

	if (!f)
		return err;
	file_put(f);
	if (level != SOL_SOCKET_)
		return -LINUX_EOPNOTSUPP;
	/* Buffer sizes are accepted and kept at the default. */
	if (opt == 7 || opt == 8 || opt == 32 || opt == 33)
		return (int)a[4] < 4 ? -LINUX_EINVAL : 0;
	return -LINUX_ENOPROTOOPT;
}

long sys_getsockname(struct task *t, const uint64_t a[6])
{
	long err;
	struct file *f = sock_get(t, (int)a[0], &err);

	if (!f)
		return err;
	file_put(f);
	return put_unnamed(t, a[1], a[2]);
}

long sys_getpeername(struct task *t, const uint64_t a[6])
{
	return sys_getsockname(t, a);
}
