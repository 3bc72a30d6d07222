/* Pieces every platform built on stub processes shares. */
#ifndef PLATFORM_COMMON_H
#define PLATFORM_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Copy from/to a stub's memory (process_vm_readv/writev): bytes copied
 * (short at an inaccessible page) or -errno. */
ssize_t stub_read_mem(pid_t pid, uint64_t addr, void *buf, size_t n);
ssize_t stub_write_mem(pid_t pid, uint64_t addr, const void *buf, size_t n);

/* In a freshly forked stub child: drop glibc's rseq registration (the
 * kernel would write it on return to user mode, into memory the stub is
 * about to unmap) and close every fd but the n in keep (-1s are ignored). */
void stub_child_cleanup(const int *keep, int n);

/* A stub's descriptor channel: a socket pair, one end in the stub. The
 * sentry passes a host descriptor with chan_send_fd; the stub takes it
 * with a recvmsg laid out by chan_msg_init in its own memory. */
int chan_send_fd(int sock, int fd); /* 0 or -errno */
/* The recvmsg block (msghdr, iovec, one data byte, room for one
 * descriptor at CHAN_MSG_CMSG), built in buf as it will sit at address at
 * in the stub. */
#define CHAN_MSG_SIZE 112
#define CHAN_MSG_CMSG 88
void chan_msg_init(void *buf, uint64_t at);
/* The descriptor a recvmsg on such a block received (buf: the block as
 * it is after the call), or -1. */
int chan_msg_fd(const void *buf);

#endif
