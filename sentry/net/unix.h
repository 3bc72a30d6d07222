/* AF_UNIX sockets, entirely inside the sentry. So far: connected stream
 * pairs (socketpair); named sockets, datagrams and SCM_RIGHTS come later.
 * Kernel lock held. */
#ifndef SENTRY_NET_UNIX_H
#define SENTRY_NET_UNIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct file;
struct task;

/* Two connected stream sockets (O_NONBLOCK in flags applies to both). */
int unix_stream_pair(uint32_t flags, struct file **a, struct file **b);

/* f is one of ours. */
bool unix_is_socket(struct file *f);

/* send/recv with MSG_* flags (MSG_DONTWAIT, MSG_NOSIGNAL, MSG_PEEK,
 * MSG_WAITALL). Bytes or -LINUX_Exxx. */
long unix_send(struct file *f, struct task *t, const void *buf, size_t n,
	       int flags);
long unix_recv(struct file *f, struct task *t, void *buf, size_t n, int flags);

/* shutdown(how): 0 SHUT_RD, 1 SHUT_WR, 2 SHUT_RDWR. */
int unix_shutdown(struct file *f, int how);

/* Socket type (SOCK_STREAM) and the peer's credentials for SO_PEERCRED. */
int unix_type(struct file *f);

#endif
