/* Linux x86-64 stat-family structures and mode bits, with fixed-width
 * types: struct stat (newfstatat/fstat), struct statx, struct statfs,
 * struct linux_dirent64 / linux_dirent, and the device number encoding. */
#ifndef ABI_STAT_H
#define ABI_STAT_H

#include <stdint.h>

#define LINUX_S_IFMT   0170000
#define LINUX_S_IFSOCK 0140000
#define LINUX_S_IFLNK  0120000
#define LINUX_S_IFREG  0100000
#define LINUX_S_IFBLK  0060000
#define LINUX_S_IFDIR  0040000
#define LINUX_S_IFCHR  0020000
#define LINUX_S_IFIFO  0010000
#define LINUX_S_ISUID  0004000
#define LINUX_S_ISGID  0002000
#define LINUX_S_ISVTX  0001000

#define LINUX_S_ISREG(m)  (((m)&LINUX_S_IFMT) == LINUX_S_IFREG)
#define LINUX_S_ISDIR(m)  (((m)&LINUX_S_IFMT) == LINUX_S_IFDIR)
#define LINUX_S_ISLNK(m)  (((m)&LINUX_S_IFMT) == LINUX_S_IFLNK)
#define LINUX_S_ISCHR(m)  (((m)&LINUX_S_IFMT) == LINUX_S_IFCHR)
#define LINUX_S_ISBLK(m)  (((m)&LINUX_S_IFMT) == LINUX_S_IFBLK)
#define LINUX_S_ISFIFO(m) (((m)&LINUX_S_IFMT) == LINUX_S_IFIFO)
#define LINUX_S_ISSOCK(m) (((m)&LINUX_S_IFMT) == LINUX_S_IFSOCK)

/* Device numbers as user space sees them (glibc's makedev encoding, which
 * is also what the x86-64 struct stat carries). */
#define LINUX_MKDEV(ma, mi)                                                    \
	((((uint64_t)(ma)&0xfffff000ULL) << 32) |                              \
	 (((uint64_t)(ma)&0xfffULL) << 8) |                                    \
	 (((uint64_t)(mi)&0xffffff00ULL) << 12) | ((uint64_t)(mi)&0xffULL))
#define LINUX_MAJOR(d)                                                         \
	((uint32_t)((((uint64_t)(d) >> 32) & 0xfffff000) |                     \
		    (((uint64_t)(d) >> 8) & 0xfff)))
#define LINUX_MINOR(d)                                                         \
	((uint32_t)((((uint64_t)(d) >> 12) & 0xffffff00) |                     \
		    ((uint64_t)(d)&0xff)))

/* struct stat for x86-64 (arch/x86/include/uapi/asm/stat.h): 144 bytes. */
struct linux_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	uint64_t st_atime_sec;
	uint64_t st_atime_nsec;
	uint64_t st_mtime_sec;
	uint64_t st_mtime_nsec;
	uint64_t st_ctime_sec;
	uint64_t st_ctime_nsec;
	int64_t unused[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "struct stat size");

struct linux_statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

/* struct statx (include/uapi/linux/stat.h): 256 bytes. */
struct linux_statx {
	uint32_t stx_mask;
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink;
	uint32_t stx_uid;
	uint32_t stx_gid;
	uint16_t stx_mode;
	uint16_t spare0;
	uint64_t stx_ino;
	uint64_t stx_size;
	uint64_t stx_blocks;
	uint64_t stx_attributes_mask;
	struct linux_statx_timestamp stx_atime;
	struct linux_statx_timestamp stx_btime;
	struct linux_statx_timestamp stx_ctime;
	struct linux_statx_timestamp stx_mtime;
	uint32_t stx_rdev_major;
	uint32_t stx_rdev_minor;
	uint32_t stx_dev_major;
	uint32_t stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align;
	uint32_t stx_dio_offset_align;
	uint64_t spare3[12];
};
_Static_assert(sizeof(struct linux_statx) == 256, "struct statx size");

#define LINUX_STATX_TYPE	0x0001U
#define LINUX_STATX_MODE	0x0002U
#define LINUX_STATX_NLINK	0x0004U
#define LINUX_STATX_UID		0x0008U
#define LINUX_STATX_GID		0x0010U
#define LINUX_STATX_ATIME	0x0020U
#define LINUX_STATX_MTIME	0x0040U
#define LINUX_STATX_CTIME	0x0080U
#define LINUX_STATX_INO		0x0100U
#define LINUX_STATX_SIZE	0x0200U
#define LINUX_STATX_BLOCKS	0x0400U
#define LINUX_STATX_BASIC_STATS 0x07ffU
#define LINUX_STATX_BTIME	0x0800U
#define LINUX_STATX_MNT_ID	0x1000U
#define LINUX_STATX__RESERVED	0x80000000U

/* struct statfs for x86-64 (asm-generic/statfs.h, 64-bit words): 120 bytes. */
struct linux_statfs {
	int64_t f_type;
	int64_t f_bsize;
	uint64_t f_blocks;
	uint64_t f_bfree;
	uint64_t f_bavail;
	uint64_t f_files;
	uint64_t f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen;
	int64_t f_frsize;
	int64_t f_flags;
	int64_t f_spare[4];
};
_Static_assert(sizeof(struct linux_statfs) == 120, "struct statfs size");

#define LINUX_TMPFS_MAGIC	    0x01021994
#define LINUX_PROC_SUPER_MAGIC	    0x9fa0
#define LINUX_OVERLAYFS_SUPER_MAGIC 0x794c7630
#define LINUX_V9FS_MAGIC	    0x01021997
#define LINUX_DEVPTS_SUPER_MAGIC    0x1cd1
#define LINUX_SYSFS_MAGIC	    0x62656572
#define LINUX_PIPEFS_MAGIC	    0x50495045
#define LINUX_SOCKFS_MAGIC	    0x534F434B
#define LINUX_ANON_INODE_FS_MAGIC   0x09041934

/* getdents64 record header; d_name follows, NUL-terminated, the record
 * padded to 8 bytes. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/* getdents (legacy) record header: d_name, NUL, pad, then d_type as the
 * record's last byte. */
struct linux_dirent {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	char d_name[];
};

/* utimensat special nsec values */
#define LINUX_UTIME_NOW	 ((1L << 30) - 1L)
#define LINUX_UTIME_OMIT ((1L << 30) - 2L)

#endif
