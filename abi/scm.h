/* Descriptors passed over AF_UNIX sockets (SCM_RIGHTS), the one way the
 * gofer, the sentry, the stubs and runsc hand host descriptors to each
 * other. */
#ifndef ABI_SCM_H
#define ABI_SCM_H

#include <stddef.h>
#include <sys/types.h>

#define SCM_MAX_FDS 8

/* sendmsg of len bytes of buf with nfds (0 to SCM_MAX_FDS) descriptors
 * on the first byte. Returns what sendmsg returns (-1 and errno). */
ssize_t scm_send(int sock, const void *buf, size_t len, const int *fds,
		 int nfds, int flags);

/* recvmsg of up to len bytes into buf, EINTR retried; the descriptors that
 * came with them (close-on-exec) go to fds[0..max), *nfds says how many,
 * and any beyond max are closed. Returns what recvmsg returns. */
ssize_t scm_recv(int sock, void *buf, size_t len, int *fds, int max, int *nfds);

#endif
