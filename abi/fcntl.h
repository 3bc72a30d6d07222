/* Linux x86-64 file ABI constants: open flags, *at flags, fcntl commands,
 * lseek whences, poll bits, renameat2 flags, d_type values. The guest's
 * numbers, never the host headers'. */
#ifndef ABI_FCNTL_H
#define ABI_FCNTL_H

#include <stdint.h>

/* open(2) flags (octal, as in asm-generic/fcntl.h for x86-64). */
#define LINUX_O_ACCMODE	  00000003
#define LINUX_O_RDONLY	  00000000
#define LINUX_O_WRONLY	  00000001
#define LINUX_O_RDWR	  00000002
#define LINUX_O_CREAT	  00000100
#define LINUX_O_EXCL	  00000200
#define LINUX_O_NOCTTY	  00000400
#define LINUX_O_TRUNC	  00001000
#define LINUX_O_APPEND	  00002000
#define LINUX_O_NONBLOCK  00004000
#define LINUX_O_DSYNC	  00010000
#define LINUX_O_ASYNC	  00020000
#define LINUX_O_DIRECT	  00040000
#define LINUX_O_LARGEFILE 00100000
#define LINUX_O_DIRECTORY 00200000
#define LINUX_O_NOFOLLOW  00400000
#define LINUX_O_NOATIME	  01000000
#define LINUX_O_CLOEXEC	  02000000
#define LINUX_O_SYNC	  04010000
#define LINUX_O_PATH	  010000000
#define LINUX_O_TMPFILE	  020200000

/* *at(2) */
#define LINUX_AT_FDCWD		  (-100)
#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
#define LINUX_AT_REMOVEDIR	  0x200
#define LINUX_AT_EACCESS	  0x200
#define LINUX_AT_SYMLINK_FOLLOW	  0x400
#define LINUX_AT_NO_AUTOMOUNT	  0x800
#define LINUX_AT_EMPTY_PATH	  0x1000
#define LINUX_AT_STATX_SYNC_TYPE  0x6000

/* fcntl(2) */
#define LINUX_F_DUPFD	      0
#define LINUX_F_GETFD	      1
#define LINUX_F_SETFD	      2
#define LINUX_F_GETFL	      3
#define LINUX_F_SETFL	      4
#define LINUX_F_GETLK	      5
#define LINUX_F_SETLK	      6
#define LINUX_F_SETLKW	      7
#define LINUX_F_SETOWN	      8
#define LINUX_F_GETOWN	      9
#define LINUX_F_SETSIG	      10
#define LINUX_F_GETSIG	      11
#define LINUX_F_OFD_GETLK     36
#define LINUX_F_OFD_SETLK     37
#define LINUX_F_OFD_SETLKW    38
#define LINUX_F_SETLEASE      1024
#define LINUX_F_GETLEASE      1025
#define LINUX_F_DUPFD_CLOEXEC 1030
#define LINUX_F_SETPIPE_SZ    1031
#define LINUX_F_GETPIPE_SZ    1032
#define LINUX_F_ADD_SEALS     1033
#define LINUX_F_GET_SEALS     1034
#define LINUX_FD_CLOEXEC      1
#define LINUX_F_RDLCK	      0
#define LINUX_F_WRLCK	      1
#define LINUX_F_UNLCK	      2

struct linux_flock {
	int16_t l_type;
	int16_t l_whence;
	int32_t pad0;
	int64_t l_start;
	int64_t l_len;
	int32_t l_pid;
	int32_t pad1;
};

/* lseek(2) */
#define LINUX_SEEK_SET	0
#define LINUX_SEEK_CUR	1
#define LINUX_SEEK_END	2
#define LINUX_SEEK_DATA 3
#define LINUX_SEEK_HOLE 4

/* renameat2(2) */
#define LINUX_RENAME_NOREPLACE 1
#define LINUX_RENAME_EXCHANGE  2
#define LINUX_RENAME_WHITEOUT  4

/* access(2) */
#define LINUX_F_OK 0
#define LINUX_X_OK 1
#define LINUX_W_OK 2
#define LINUX_R_OK 4

/* poll(2) event bits */
#ifndef LINUX_POLLIN
#define LINUX_POLLIN	 0x0001
#define LINUX_POLLPRI	 0x0002
#define LINUX_POLLOUT	 0x0004
#define LINUX_POLLERR	 0x0008
#define LINUX_POLLHUP	 0x0010
#define LINUX_POLLNVAL	 0x0020
#define LINUX_POLLRDNORM 0x0040
#define LINUX_POLLRDBAND 0x0080
#define LINUX_POLLWRNORM 0x0100
#define LINUX_POLLWRBAND 0x0200
#define LINUX_POLLRDHUP	 0x2000
#endif

/* getdents d_type */
#define LINUX_DT_UNKNOWN 0
#define LINUX_DT_FIFO	 1
#define LINUX_DT_CHR	 2
#define LINUX_DT_DIR	 4
#define LINUX_DT_BLK	 6
#define LINUX_DT_REG	 8
#define LINUX_DT_LNK	 10
#define LINUX_DT_SOCK	 12

/* close_range(2) */
#define LINUX_CLOSE_RANGE_UNSHARE (1U << 1)
#define LINUX_CLOSE_RANGE_CLOEXEC (1U << 2)

#endif
