/* 9P2000.L message codec, shared by the gofer (server) and the sentry's
 * client (sentry/fs/gofer/p9client.h).
 *
 * Wire format: every message is size[4] type[1] tag[2] body, all integers
 * little-endian, strings are len[2] bytes (not NUL-terminated).
 *
 * Encoders: p9_enc_<msg>(buf, cap, tag, &m) write one whole message,
 * size field included, and return its length (> 0), or -LINUX_EMSGSIZE
 * when it does not fit in cap, or -LINUX_EINVAL for a value the protocol
 * cannot carry (a string longer than 65535, more than P9_MAXWELEM names).
 *
 * Decoders: p9_dec_<msg>(msg, len, &m) parse one whole message as returned
 * by p9_recv_msg (size field included) and return 0, or -LINUX_EPROTO when
 * the size field disagrees with len, the type is not <msg>, a field runs
 * past the end, or bytes are left over. They read through a cursor whose
 * overflow flag is sticky and checked once per message, so no input can
 * make them read outside [msg, msg+len). Decoded strings and data point
 * INTO msg (struct p9_str / data pointers): they live as long as the
 * caller's buffer and are not NUL-terminated.
 *
 * Everything here is pure (no I/O, no globals) and thread-safe, except
 * p9_recv_msg/p9_send_msg which do I/O on the fd they are given.
 */
#ifndef GOFER_P9_P9_H
#define GOFER_P9_P9_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define P9_VERSION_L "9P2000.L"
/* Our dialect over an AF_UNIX stream: 9P2000.L, plus one rule. An Rlopen
 * or Rlcreate that opened a regular file may carry, as SCM_RIGHTS on its
 * first byte, a host descriptor of that open file with the access mode
 * of the request (O_RDONLY, O_WRONLY or O_RDWR; creation flags and
 * O_TRUNC already applied by the server), which the client then owns.
 * The sentry reads, writes and maps such files without a round trip per
 * call (as gVisor's gofer donates descriptors): a file opened O_RDWR is
 * written with pwrite and mapped MAP_SHARED writable from the host file
 * itself, so the host's page cache is the only copy. A server that does
 * not know the dialect answers Tversion with "unknown"; the client then
 * asks for plain 9P2000.L (every operation then goes over 9P). */
#define P9_VERSION_L_FD "9P2000.L.fd"
#define P9_HDRSZ	7  /* size[4] type[1] tag[2] */
#define P9_IOHDRSZ	24 /* conventional room for a Tread/Twrite header */
#define P9_MAX_MSIZE	(1u << 20)
#define P9_MIN_MSIZE	4096u
#define P9_MAXWELEM	16
#define P9_NOTAG	0xffffu
#define P9_NOFID	0xffffffffu
#define P9_NONUNAME	0xffffffffu

/* Rread and Rreaddir: header then count[4] then data. */
#define P9_RREAD_HDRSZ (P9_HDRSZ + 4)

enum p9_type {
	P9_TLERROR = 6,
	P9_RLERROR = 7,
	P9_TSTATFS = 8,
	P9_RSTATFS = 9,
	P9_TLOPEN = 12,
	P9_RLOPEN = 13,
	P9_TLCREATE = 14,
	P9_RLCREATE = 15,
	P9_TSYMLINK = 16,
	P9_RSYMLINK = 17,
	P9_TMKNOD = 18,
	P9_RMKNOD = 19,
	P9_TRENAME = 20,
	P9_RRENAME = 21,
	P9_TREADLINK = 22,
	P9_RREADLINK = 23,
	P9_TGETATTR = 24,
	P9_RGETATTR = 25,
	P9_TSETATTR = 26,
	P9_RSETATTR = 27,
	P9_TXATTRWALK = 30,
	P9_RXATTRWALK = 31,
	P9_TXATTRCREATE = 32,
	P9_RXATTRCREATE = 33,
	P9_TREADDIR = 40,
	P9_RREADDIR = 41,
	P9_TFSYNC = 50,
	P9_RFSYNC = 51,
	P9_TLOCK = 52,
	P9_RLOCK = 53,
	P9_TGETLOCK = 54,
	P9_RGETLOCK = 55,
	P9_TLINK = 70,
	P9_RLINK = 71,
	P9_TMKDIR = 72,
	P9_RMKDIR = 73,
	P9_TRENAMEAT = 74,
	P9_RRENAMEAT = 75,
	P9_TUNLINKAT = 76,
	P9_RUNLINKAT = 77,
	P9_TVERSION = 100,
	P9_RVERSION = 101,
	P9_TAUTH = 102,
	P9_RAUTH = 103,
	P9_TATTACH = 104,
	P9_RATTACH = 105,
	P9_TFLUSH = 108,
	P9_RFLUSH = 109,
	P9_TWALK = 110,
	P9_RWALK = 111,
	P9_TREAD = 116,
	P9_RREAD = 117,
	P9_TWRITE = 118,
	P9_RWRITE = 119,
	P9_TCLUNK = 120,
	P9_RCLUNK = 121,
	P9_TREMOVE = 122,
	P9_RREMOVE = 123,
};

/* qid.type bits */
#define P9_QTDIR     0x80
#define P9_QTAPPEND  0x40
#define P9_QTEXCL    0x20
#define P9_QTMOUNT   0x10
#define P9_QTAUTH    0x08
#define P9_QTTMP     0x04
#define P9_QTSYMLINK 0x02
#define P9_QTFILE    0x00

/* Tgetattr request_mask / Rgetattr valid bits */
#define P9_GETATTR_MODE		0x00000001ull
#define P9_GETATTR_NLINK	0x00000002ull
#define P9_GETATTR_UID		0x00000004ull
#define P9_GETATTR_GID		0x00000008ull
#define P9_GETATTR_RDEV		0x00000010ull
#define P9_GETATTR_ATIME	0x00000020ull
#define P9_GETATTR_MTIME	0x00000040ull
#define P9_GETATTR_CTIME	0x00000080ull
#define P9_GETATTR_INO		0x00000100ull
#define P9_GETATTR_SIZE		0x00000200ull
#define P9_GETATTR_BLOCKS	0x00000400ull
#define P9_GETATTR_BTIME	0x00000800ull
#define P9_GETATTR_GEN		0x00001000ull
#define P9_GETATTR_DATA_VERSION 0x00002000ull
#define P9_GETATTR_BASIC	0x000007ffull
#define P9_GETATTR_ALL		0x00003fffull

/* Tsetattr valid bits */
#define P9_SETATTR_MODE	     0x00000001u
#define P9_SETATTR_UID	     0x00000002u
#define P9_SETATTR_GID	     0x00000004u
#define P9_SETATTR_SIZE	     0x00000008u
#define P9_SETATTR_ATIME     0x00000010u
#define P9_SETATTR_MTIME     0x00000020u
#define P9_SETATTR_CTIME     0x00000040u
#define P9_SETATTR_ATIME_SET 0x00000080u
#define P9_SETATTR_MTIME_SET 0x00000100u

/* Tunlinkat flags (Linux's AT_REMOVEDIR). */
#define P9_AT_REMOVEDIR 0x200u

/* A counted string pointing into a message buffer (decode) or into the
 * caller's memory (encode). Not NUL-terminated. */
struct p9_str {
	const char *s;
	uint16_t len;
};

/* Make a p9_str from a C string (NULL gives ""). A string longer than
 * 65535 gives {NULL, 0xffff}, which every encoder rejects with
 * -LINUX_EINVAL. */
struct p9_str p9_str_c(const char *s);
/* Copy s into dst[size] NUL-terminated; -LINUX_ENAMETOOLONG if it does not
 * fit, -LINUX_EINVAL if s contains a NUL byte. Returns the length. */
int p9_str_copy(struct p9_str s, char *dst, size_t size);
/* s equals the C string c. */
bool p9_str_eq(struct p9_str s, const char *c);

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};
#define P9_QID_SIZE 13

struct p9_attr {
	uint64_t valid;
	struct p9_qid qid;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	uint64_t nlink;
	uint64_t rdev;
	uint64_t size;
	uint64_t blksize;
	uint64_t blocks;
	uint64_t atime_sec, atime_nsec;
	uint64_t mtime_sec, mtime_nsec;
	uint64_t ctime_sec, ctime_nsec;
	uint64_t btime_sec, btime_nsec;
	uint64_t gen;
	uint64_t data_version;
};

struct p9_statfs {
	uint32_t type;
	uint32_t bsize;
	uint64_t blocks;
	uint64_t bfree;
	uint64_t bavail;
	uint64_t files;
	uint64_t ffree;
	uint64_t fsid;
	uint32_t namelen;
};

/* The header of any message. */
struct p9_hdr {
	uint32_t size;
	uint8_t type;
	uint16_t tag;
};

/* Parse the header of msg[len]: 0, or -LINUX_EPROTO when len < P9_HDRSZ
 * or the size field is not len. */
int p9_dec_hdr(const void *msg, size_t len, struct p9_hdr *h);

/* ---- Message bodies ---- */

struct p9_tversion {
	uint32_t msize;
	struct p9_str version;
};
/* Rversion has the same body. */
#define p9_rversion p9_tversion

struct p9_tattach {
	uint32_t fid;
	uint32_t afid;
	struct p9_str uname;
	struct p9_str aname;
	uint32_t n_uname;
};
struct p9_rattach {
	struct p9_qid qid;
};

struct p9_twalk {
	uint32_t fid;
	uint32_t newfid;
	uint16_t nwname; /* <= P9_MAXWELEM */
	struct p9_str wname[P9_MAXWELEM];
};
struct p9_rwalk {
	uint16_t nwqid; /* <= P9_MAXWELEM */
	struct p9_qid wqid[P9_MAXWELEM];
};

struct p9_tgetattr {
	uint32_t fid;
	uint64_t request_mask;
};
struct p9_rgetattr {
	struct p9_attr attr;
};

struct p9_tlopen {
	uint32_t fid;
	uint32_t flags; /* Linux open(2) flags, Linux's numbers */
};
struct p9_rlopen {
	struct p9_qid qid;
	uint32_t iounit;
};

/* Tread and Treaddir. */
struct p9_tread {
	uint32_t fid;
	uint64_t offset;
	uint32_t count;
};
#define p9_treaddir p9_tread

/* Rread and Rreaddir: data points into the message (decode) or is the
 * payload to copy (encode; it may overlap the output buffer, e.g. sit at
 * buf + P9_RREAD_HDRSZ so that no copy happens). */
struct p9_rread {
	uint32_t count;
	const void *data;
};
#define p9_rreaddir p9_rread

struct p9_treadlink {
	uint32_t fid;
};
struct p9_rreadlink {
	struct p9_str target;
};

struct p9_tstatfs {
	uint32_t fid;
};
struct p9_rstatfs {
	struct p9_statfs st;
};

struct p9_tclunk {
	uint32_t fid;
};

struct p9_rlerror {
	uint32_t ecode; /* Linux errno number */
};

struct p9_twrite {
	uint32_t fid;
	uint64_t offset;
	uint32_t count;
	const void *data;
};
struct p9_rwrite {
	uint32_t count;
};

struct p9_tlcreate {
	uint32_t fid; /* the directory; becomes the new, open file */
	struct p9_str name;
	uint32_t flags;
	uint32_t mode;
	uint32_t gid;
};
/* Rlcreate: same body as Rlopen. */
#define p9_rlcreate p9_rlopen

struct p9_tmkdir {
	uint32_t dfid;
	struct p9_str name;
	uint32_t mode;
	uint32_t gid;
};
/* Rmkdir and Rsymlink: qid only, like Rattach. */
#define p9_rmkdir   p9_rattach
#define p9_rsymlink p9_rattach

struct p9_tsymlink {
	uint32_t fid;
	struct p9_str name;
	struct p9_str target;
	uint32_t gid;
};

/* Tmknod: like Tmkdir plus the device numbers; Rmknod is a qid. */
struct p9_tmknod {
	uint32_t dfid;
	struct p9_str name;
	uint32_t mode;
	uint32_t major, minor;
	uint32_t gid;
};
#define p9_rmknod p9_rattach

/* Tlink: a new name in directory dfid for the file fid. */
struct p9_tlink {
	uint32_t dfid;
	uint32_t fid;
	struct p9_str name;
};

struct p9_tunlinkat {
	uint32_t dirfid;
	struct p9_str name;
	uint32_t flags;
};

struct p9_trenameat {
	uint32_t olddirfid;
	struct p9_str oldname;
	uint32_t newdirfid;
	struct p9_str newname;
};

struct p9_tsetattr {
	uint32_t fid;
	uint32_t valid;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	uint64_t size;
	uint64_t atime_sec, atime_nsec;
	uint64_t mtime_sec, mtime_nsec;
};

struct p9_tflush {
	uint16_t oldtag;
};

struct p9_tfsync {
	uint32_t fid;
	uint32_t datasync;
};

#define P9_CODEC(name)                                                         \
	long p9_enc_##name(void *buf, size_t cap, uint16_t tag,                \
			   const struct p9_##name *m);                         \
	int p9_dec_##name(const void *msg, size_t len, struct p9_##name *m)

/* Messages with an empty body. */
#define P9_CODEC_EMPTY(name)                                                   \
	long p9_enc_##name(void *buf, size_t cap, uint16_t tag);               \
	int p9_dec_##name(const void *msg, size_t len)

P9_CODEC(tversion);
P9_CODEC(rversion);
P9_CODEC(tattach);
P9_CODEC(rattach);
P9_CODEC(twalk);
P9_CODEC(rwalk);
P9_CODEC(tgetattr);
P9_CODEC(rgetattr);
P9_CODEC(tlopen);
P9_CODEC(rlopen);
P9_CODEC(tread);
P9_CODEC(rread);
P9_CODEC(treaddir);
P9_CODEC(rreaddir);
P9_CODEC(treadlink);
P9_CODEC(rreadlink);
P9_CODEC(tstatfs);
P9_CODEC(rstatfs);
P9_CODEC(tclunk);
P9_CODEC_EMPTY(rclunk);
P9_CODEC(rlerror);
P9_CODEC(twrite);
P9_CODEC(rwrite);
P9_CODEC(tlcreate);
P9_CODEC(rlcreate);
P9_CODEC(tmkdir);
P9_CODEC(rmkdir);
P9_CODEC(tsymlink);
P9_CODEC(rsymlink);
P9_CODEC(tmknod);
P9_CODEC(rmknod);
P9_CODEC(tlink);
P9_CODEC_EMPTY(rlink);
P9_CODEC(tunlinkat);
P9_CODEC_EMPTY(runlinkat);
P9_CODEC(trenameat);
P9_CODEC_EMPTY(rrenameat);
P9_CODEC(tsetattr);
P9_CODEC_EMPTY(rsetattr);
P9_CODEC(tflush);
P9_CODEC_EMPTY(rflush);
P9_CODEC(tfsync);
P9_CODEC_EMPTY(rfsync);

/* ---- Rreaddir payload ---- */

struct p9_dirent {
	struct p9_qid qid;
	uint64_t offset; /* pass as Treaddir offset to continue after it */
	uint8_t type;	 /* DT_* */
	struct p9_str name;
};

/* Append one dirent at buf[*used], cap bytes total: 0, or -LINUX_EMSGSIZE
 * when it does not fit (nothing written), -LINUX_EINVAL for a bad name. */
int p9_dirent_put(void *buf, size_t cap, size_t *used,
		  const struct p9_dirent *d);

/* Iterate over the dirents of an Rreaddir payload. The names point into
 * buf, which must outlive the iteration. */
struct p9_dirent_iter {
	const uint8_t *buf;
	size_t len;
	size_t off;
};
void p9_dirent_iter_init(struct p9_dirent_iter *it, const void *buf,
			 size_t len);
/* 1 and *d filled, 0 at the end, -LINUX_EPROTO for a truncated or
 * malformed entry (the iteration then stays at its end). */
int p9_dirent_next(struct p9_dirent_iter *it, struct p9_dirent *d);

/* ---- Framing ---- */

/* Read one whole message from the stream fd into buf (at least msize
 * bytes). Returns its length (>= P9_HDRSZ), 0 on EOF before the first
 * byte, -LINUX_EIO on EOF inside a message, -LINUX_EMSGSIZE when the size
 * field is above msize, -LINUX_EPROTO when it is below P9_HDRSZ, or the
 * host error translated (EINTR is retried). After any error the stream is
 * out of sync: the caller should drop the connection. */
long p9_recv_msg(int fd, void *buf, uint32_t msize);

/* p9_recv_msg that also takes a descriptor passed with the message: *donated
 * is it, or -1 (extra descriptors are closed). */
long p9_recv_msg_fd(int fd, void *buf, uint32_t msize, int *donated);

/* Write len bytes to the stream fd, all of them (partial writes and EINTR
 * are retried), without raising SIGPIPE on a socket. 0 or a negative
 * Linux errno (-LINUX_EPIPE when the peer went away). */
int p9_send_msg(int fd, const void *buf, size_t len);

/* p9_send_msg passing donate (>= 0) along with the message's first bytes
 * (not on a non-socket fd: then it is just not sent). donate stays the
 * caller's. */
int p9_send_msg_fd(int fd, const void *buf, size_t len, int donate);

/* Name of a message type ("Twalk"), or NULL; for logs and tests. */
const char *p9_type_name(uint8_t type);

#endif
