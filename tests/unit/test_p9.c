/* The 9P2000.L codec (gofer/p9/p9.h): round trips of every message, and
 * malformed input of every kind gives an error, never a crash or a read
 * outside the buffer (run under ASan: every decode here reads from a heap
 * block of exactly the length it is given). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "abi/errno.h"
#include "gofer/p9/p9.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint8_t buf[P9_MAX_MSIZE];

/* An exact-size heap copy of msg[0..len) with its size field set to len
 * (when it has one), so that ASan sees any read past the end. */
static uint8_t *exact(const uint8_t *msg, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, msg, len);
	if (len >= 4) {
		p[0] = (uint8_t)len;
		p[1] = (uint8_t)(len >> 8);
		p[2] = (uint8_t)(len >> 16);
		p[3] = (uint8_t)(len >> 24);
	}
	return p;
}

/* Every decoder, behind one signature. */
typedef int (*dec_fn)(const void *msg, size_t len);
#define W(name)                                                                \
	static int w_##name(const void *m, size_t l)                           \
	{                                                                      \
		struct p9_##name x;                                            \
		return p9_dec_##name(m, l, &x);                                \
	}
W(tversion)
W(rversion)
W(tattach)
W(rattach)
W(twalk)
W(rwalk)
W(tgetattr)
W(rgetattr)
W(tlopen)
W(rlopen)
W(tread)
W(rread)
W(treaddir)
W(rreaddir)
W(treadlink)
W(rreadlink)
W(tstatfs)
W(rstatfs)
W(tclunk)
W(rlerror)
W(twrite)
W(rwrite)
W(tlcreate)
W(rlcreate)
W(tmkdir)
W(rmkdir)
W(tsymlink)
W(rsymlink)
W(tunlinkat)
W(trenameat)
W(tsetattr)
W(tfsync)
W(tflush)

static const dec_fn all_decoders[] = {
    w_tversion,	     w_rversion,    w_tattach,	      w_rattach,
    w_twalk,	     w_rwalk,	    w_tgetattr,	      w_rgetattr,
    w_tlopen,	     w_rlopen,	    w_tread,	      w_rread,
    w_treaddir,	     w_rreaddir,    w_treadlink,      w_rreadlink,
    w_tstatfs,	     w_rstatfs,	    w_tclunk,	      w_rlerror,
    w_twrite,	     w_rwrite,	    w_tlcreate,	      w_rlcreate,
    w_tmkdir,	     w_rmkdir,	    w_tsymlink,	      w_rsymlink,
    w_tunlinkat,     w_trenameat,   w_tsetattr,	      w_tfsync,
    w_tflush,	     p9_dec_rclunk, p9_dec_runlinkat, p9_dec_rrenameat,
    p9_dec_rsetattr, p9_dec_rfsync, p9_dec_rflush,
};
#define NDEC (sizeof(all_decoders) / sizeof(all_decoders[0]))

/* msg[len] (a valid encoding for dec) decodes; every truncation of it and
 * an extra trailing byte do not; the wrong type does not; an encoder given
 * less room than needed refuses without writing past its cap. */
static void check_strict(const uint8_t *msg, size_t len, dec_fn dec)
{
	uint8_t *p;

	p = exact(msg, len);
	assert_int_equal(dec(p, len), 0);
	/* Size field not matching the buffer length. */
	p[0]++;
	assert_int_equal(dec(p, len), -LINUX_EPROTO);
	free(p);
	for (size_t l = 0; l < len; l++) {
		p = exact(msg, l);
		assert_int_equal(dec(p, l), -LINUX_EPROTO);
		/* The original size field on a short buffer, too. */
		if (l >= 4) {
			memcpy(p, msg, 4);
			assert_int_equal(dec(p, l), -LINUX_EPROTO);
		}
		free(p);
	}
	memcpy(buf, msg, len);
	buf[len] = 0;
	p = exact(buf, len + 1);
	assert_int_equal(dec(p, len + 1), -LINUX_EPROTO);
	free(p);
	/* Any other type. */
	p = exact(msg, len);
	p[4] ^= 0x80;
	assert_int_equal(dec(p, len), -LINUX_EPROTO);
	free(p);
}

/* An encoder called with every cap below the needed size. */
#define CHECK_ENC_CAPS(name, m)                                                \
	do {                                                                   \
		long full_ = p9_enc_##name(buf, sizeof(buf), 9, m);            \
		assert_true(full_ > 0);                                        \
		for (long c_ = 0; c_ < full_; c_++) {                          \
			uint8_t *b_ = malloc(c_ ? (size_t)c_ : 1);             \
			assert_int_equal(p9_enc_##name(b_, (size_t)c_, 9, m),  \
					 -LINUX_EMSGSIZE);                     \
			free(b_);                                              \
		}                                                              \
	} while (0)

/* Encode m, check the header, decode into out, run the strictness checks. */
#define ROUNDTRIP(name, m, out)                                                \
	do {                                                                   \
		struct p9_hdr h_;                                              \
		long n_ = p9_enc_##name(buf, sizeof(buf), 0x1234, m);          \
		assert_true(n_ >= P9_HDRSZ);                                   \
		assert_int_equal(p9_dec_hdr(buf, (size_t)n_, &h_), 0);         \
		assert_int_equal(h_.size, n_);                                 \
		assert_int_equal(h_.tag, 0x1234);                              \
		assert_int_equal(p9_dec_##name(buf, (size_t)n_, out), 0);      \
		check_strict(buf, (size_t)n_, w_##name);                       \
		CHECK_ENC_CAPS(name, m);                                       \
		/* check_strict reused buf: decode again for the caller. */    \
		n_ = p9_enc_##name(buf, sizeof(buf), 0x1234, m);               \
		assert_int_equal(p9_dec_##name(buf, (size_t)n_, out), 0);      \
	} while (0)

static void assert_str(struct p9_str s, const char *c)
{
	assert_true(p9_str_eq(s, c));
}

static void assert_qid(const struct p9_qid *a, const struct p9_qid *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->path, b->path);
}

static const struct p9_qid QID = {
    .type = P9_QTDIR, .version = 0xdeadbeef, .path = 0x0102030405060708ull};

static void test_version_attach(void **state)
{
	struct p9_tversion tv = {.msize = 65536,
				 .version = p9_str_c(P9_VERSION_L)},
			   tv2;
	struct p9_tattach ta = {.fid = 1,
				.afid = P9_NOFID,
				.uname = p9_str_c("root"),
				.aname = p9_str_c("/"),
				.n_uname = 0},
			  ta2;
	struct p9_rattach ra = {.qid = QID}, ra2;
	struct p9_rversion rv2;

	ROUNDTRIP(tversion, &tv, &tv2);
	assert_int_equal(tv2.msize, 65536);
	assert_str(tv2.version, "9P2000.L");
	/* Explicit little-endian on the wire. */
	assert_memory_equal(buf,
			    "\x15\x00\x00\x00\x64\x34\x12\x00\x00\x01\x00"
			    "\x08\x00"
			    "9P2000.L",
			    21);
	ROUNDTRIP(rversion, &tv, &rv2);
	assert_int_equal(rv2.msize, 65536);
	ROUNDTRIP(tattach, &ta, &ta2);
	assert_int_equal(ta2.fid, 1);
	assert_int_equal(ta2.afid, P9_NOFID);
	assert_str(ta2.uname, "root");
	assert_str(ta2.aname, "/");
	assert_int_equal(ta2.n_uname, 0);
	ROUNDTRIP(rattach, &ra, &ra2);
	assert_qid(&ra2.qid, &QID);
}

static void test_walk(void **state)
{
	struct p9_twalk tw = {.fid = 3, .newfid = 4, .nwname = P9_MAXWELEM},
			tw2;
	struct p9_rwalk rw = {.nwqid = 3}, rw2;

	for (int i = 0; i < P9_MAXWELEM; i++)
		tw.wname[i] = p9_str_c(i % 2 ? "a" : "long-name");
	ROUNDTRIP(twalk, &tw, &tw2);
	assert_int_equal(tw2.fid, 3);
	assert_int_equal(tw2.newfid, 4);
	assert_int_equal(tw2.nwname, P9_MAXWELEM);
	for (int i = 0; i < P9_MAXWELEM; i++)
		assert_str(tw2.wname[i], i % 2 ? "a" : "long-name");
	tw.nwname = 0;
	ROUNDTRIP(twalk, &tw, &tw2);
	assert_int_equal(tw2.nwname, 0);
	tw.nwname = P9_MAXWELEM + 1;
	assert_int_equal(p9_enc_twalk(buf, sizeof(buf), 1, &tw), -LINUX_EINVAL);

	for (int i = 0; i < 3; i++) {
		rw.wqid[i] = QID;
		rw.wqid[i].path += (uint64_t)i;
	}
	ROUNDTRIP(rwalk, &rw, &rw2);
	assert_int_equal(rw2.nwqid, 3);
	for (int i = 0; i < 3; i++)
		assert_qid(&rw2.wqid[i], &rw.wqid[i]);
	rw.nwqid = 17;
	assert_int_equal(p9_enc_rwalk(buf, sizeof(buf), 1, &rw), -LINUX_EINVAL);
}

static void test_getattr_lopen(void **state)
{
	struct p9_tgetattr tg = {.fid = 7, .request_mask = P9_GETATTR_ALL}, tg2;
	struct p9_rgetattr rg = {0}, rg2;
	struct p9_tlopen tl = {.fid = 7, .flags = 0x8002}, tl2;
	struct p9_rlopen rl = {.qid = QID, .iounit = 8192}, rl2;
	uint64_t *f = &rg.attr.nlink;

	rg.attr.valid = P9_GETATTR_BASIC;
	rg.attr.qid = QID;
	rg.attr.mode = 0100644;
	rg.attr.uid = 1000;
	rg.attr.gid = 1001;
	/* nlink .. data_version: distinct values, 64 bits wide. */
	for (uint64_t *p = f; p <= &rg.attr.data_version; p++)
		*p = 0x1111111111111111ull * (uint64_t)(p - f + 1);
	ROUNDTRIP(tgetattr, &tg, &tg2);
	assert_int_equal(tg2.fid, 7);
	assert_int_equal(tg2.request_mask, P9_GETATTR_ALL);
	ROUNDTRIP(rgetattr, &rg, &rg2);
	assert_memory_equal(&rg2.attr.nlink, &rg.attr.nlink,
			    sizeof(uint64_t) * 15);
	assert_int_equal(rg2.attr.valid, P9_GETATTR_BASIC);
	assert_qid(&rg2.attr.qid, &QID);
	assert_int_equal(rg2.attr.mode, 0100644);
	assert_int_equal(rg2.attr.uid, 1000);
	assert_int_equal(rg2.attr.gid, 1001);
	ROUNDTRIP(tlopen, &tl, &tl2);
	assert_int_equal(tl2.fid, 7);
	assert_int_equal(tl2.flags, 0x8002);
	ROUNDTRIP(rlopen, &rl, &rl2);
	assert_qid(&rl2.qid, &QID);
	assert_int_equal(rl2.iounit, 8192);
}

static void test_read_readdir(void **state)
{
	static char data[5000];
	struct p9_tread tr = {.fid = 2, .offset = 1ull << 40, .count = 4096},
			tr2;
	struct p9_rread rr = {.count = sizeof(data), .data = data}, rr2;
	long n;

	memset(data, 'x', sizeof(data));
	ROUNDTRIP(tread, &tr, &tr2);
	assert_int_equal(tr2.fid, 2);
	assert_int_equal(tr2.offset, 1ull << 40);
	assert_int_equal(tr2.count, 4096);
	ROUNDTRIP(treaddir, &tr, &tr2);
	assert_int_equal(tr2.offset, 1ull << 40);
	rr.count = 100; /* keep the per-cap loop short */
	ROUNDTRIP(rread, &rr, &rr2);
	assert_int_equal(rr2.count, 100);
	assert_memory_equal(rr2.data, data, 100);
	ROUNDTRIP(rreaddir, &rr, &rr2);
	assert_int_equal(rr2.count, 100);
	rr.count = 0;
	ROUNDTRIP(rread, &rr, &rr2);
	assert_int_equal(rr2.count, 0);

	/* In place: the payload already sits after the header. */
	memset(buf + P9_RREAD_HDRSZ, 'y', 3000);
	rr.count = 3000;
	rr.data = buf + P9_RREAD_HDRSZ;
	n = p9_enc_rread(buf, sizeof(buf), 5, &rr);
	assert_int_equal(n, P9_RREAD_HDRSZ + 3000);
	assert_int_equal(p9_dec_rread(buf, (size_t)n, &rr2), 0);
	assert_int_equal(rr2.count, 3000);
	assert_int_equal(((const char *)rr2.data)[2999], 'y');

	/* A count larger than the data that follows. */
	rr.count = 10;
	rr.data = data;
	n = p9_enc_rread(buf, sizeof(buf), 5, &rr);
	buf[7] = 11;
	assert_int_equal(p9_dec_rread(buf, (size_t)n, &rr2), -LINUX_EPROTO);
	buf[7] = 0xff;
	buf[10] = 0xff;
	assert_int_equal(p9_dec_rread(buf, (size_t)n, &rr2), -LINUX_EPROTO);
	assert_int_equal(rr2.count, 0);
}

static void test_small_messages(void **state)
{
	struct p9_treadlink trl = {.fid = 5}, trl2;
	struct p9_rreadlink rrl = {.target = p9_str_c("../../etc/passwd")},
			    rrl2;
	struct p9_tstatfs ts = {.fid = 6}, ts2;
	struct p9_rstatfs rs = {.st = {.type = 0x01021994,
				       .bsize = 4096,
				       .blocks = 1ull << 33,
				       .bfree = 2,
				       .bavail = 3,
				       .files = 4,
				       .ffree = 5,
				       .fsid = 0xfeedfacecafebeefull,
				       .namelen = 255}},
			  rs2;
	struct p9_tclunk tc = {.fid = 8}, tc2;
	struct p9_rlerror re = {.ecode = LINUX_ENOENT}, re2;
	struct p9_tflush tf = {.oldtag = 77}, tf2;
	long n;

	ROUNDTRIP(treadlink, &trl, &trl2);
	assert_int_equal(trl2.fid, 5);
	ROUNDTRIP(rreadlink, &rrl, &rrl2);
	assert_str(rrl2.target, "../../etc/passwd");
	ROUNDTRIP(tstatfs, &ts, &ts2);
	assert_int_equal(ts2.fid, 6);
	ROUNDTRIP(rstatfs, &rs, &rs2);
	assert_int_equal(rs2.st.type, rs.st.type);
	assert_int_equal(rs2.st.bsize, rs.st.bsize);
	assert_int_equal(rs2.st.blocks, rs.st.blocks);
	assert_int_equal(rs2.st.bfree, rs.st.bfree);
	assert_int_equal(rs2.st.bavail, rs.st.bavail);
	assert_int_equal(rs2.st.files, rs.st.files);
	assert_int_equal(rs2.st.ffree, rs.st.ffree);
	assert_int_equal(rs2.st.fsid, rs.st.fsid);
	assert_int_equal(rs2.st.namelen, rs.st.namelen);
	ROUNDTRIP(tclunk, &tc, &tc2);
	assert_int_equal(tc2.fid, 8);
	ROUNDTRIP(rlerror, &re, &re2);
	assert_int_equal(re2.ecode, LINUX_ENOENT);
	ROUNDTRIP(tflush, &tf, &tf2);
	assert_int_equal(tf2.oldtag, 77);

	/* Empty bodies. */
	n = p9_enc_rclunk(buf, sizeof(buf), 3);
	assert_int_equal(n, P9_HDRSZ);
	check_strict(buf, (size_t)n, p9_dec_rclunk);
	n = p9_enc_runlinkat(buf, sizeof(buf), 3);
	check_strict(buf, (size_t)n, p9_dec_runlinkat);
	n = p9_enc_rrenameat(buf, sizeof(buf), 3);
	check_strict(buf, (size_t)n, p9_dec_rrenameat);
	n = p9_enc_rsetattr(buf, sizeof(buf), 3);
	check_strict(buf, (size_t)n, p9_dec_rsetattr);
	n = p9_enc_rfsync(buf, sizeof(buf), 3);
	check_strict(buf, (size_t)n, p9_dec_rfsync);
	n = p9_enc_rflush(buf, sizeof(buf), 3);
	check_strict(buf, (size_t)n, p9_dec_rflush);
	assert_int_equal(p9_enc_rclunk(buf, 6, 3), -LINUX_EMSGSIZE);
}

static void test_write_side(void **state)
{
	struct p9_twrite tw = {.fid = 1,
			       .offset = 99,
			       .count = 5,
			       .data = "hello"},
			 tw2;
	struct p9_rwrite rw = {.count = 5}, rw2;
	struct p9_tlcreate tc = {.fid = 2,
				 .name = p9_str_c("new"),
				 .flags = 0101,
				 .mode = 0644,
				 .gid = 100},
			   tc2;
	struct p9_rlcreate rc = {.qid = QID, .iounit = 0}, rc2;
	struct p9_tmkdir tm = {.dfid = 3,
			       .name = p9_str_c("d"),
			       .mode = 0755,
			       .gid = 5},
			 tm2;
	struct p9_rmkdir rm = {.qid = QID}, rm2;
	struct p9_tsymlink ts = {.fid = 4,
				 .name = p9_str_c("l"),
				 .target = p9_str_c("/x/y"),
				 .gid = 6},
			   ts2;
	struct p9_rsymlink rs = {.qid = QID}, rs2;
	struct p9_tunlinkat tu = {.dirfid = 5,
				  .name = p9_str_c("gone"),
				  .flags = P9_AT_REMOVEDIR},
			    tu2;
	struct p9_trenameat tr = {.olddirfid = 6,
				  .oldname = p9_str_c("a"),
				  .newdirfid = 7,
				  .newname = p9_str_c("b")},
			    tr2;
	struct p9_tsetattr sa = {.fid = 8,
				 .valid = P9_SETATTR_MODE | P9_SETATTR_SIZE,
				 .mode = 0600,
				 .uid = 1,
				 .gid = 2,
				 .size = 1ull << 35,
				 .atime_sec = 10,
				 .atime_nsec = 11,
				 .mtime_sec = 12,
				 .mtime_nsec = 13},
			   sa2;
	struct p9_tfsync tf = {.fid = 9, .datasync = 1}, tf2;

	ROUNDTRIP(twrite, &tw, &tw2);
	assert_int_equal(tw2.fid, 1);
	assert_int_equal(tw2.offset, 99);
	assert_int_equal(tw2.count, 5);
	assert_memory_equal(tw2.data, "hello", 5);
	ROUNDTRIP(rwrite, &rw, &rw2);
	assert_int_equal(rw2.count, 5);
	ROUNDTRIP(tlcreate, &tc, &tc2);
	assert_str(tc2.name, "new");
	assert_int_equal(tc2.flags, 0101);
	assert_int_equal(tc2.mode, 0644);
	assert_int_equal(tc2.gid, 100);
	ROUNDTRIP(rlcreate, &rc, &rc2);
	assert_qid(&rc2.qid, &QID);
	ROUNDTRIP(tmkdir, &tm, &tm2);
	assert_int_equal(tm2.dfid, 3);
	assert_str(tm2.name, "d");
	assert_int_equal(tm2.mode, 0755);
	ROUNDTRIP(rmkdir, &rm, &rm2);
	assert_qid(&rm2.qid, &QID);
	ROUNDTRIP(tsymlink, &ts, &ts2);
	assert_str(ts2.name, "l");
	assert_str(ts2.target, "/x/y");
	assert_int_equal(ts2.gid, 6);
	ROUNDTRIP(rsymlink, &rs, &rs2);
	ROUNDTRIP(tunlinkat, &tu, &tu2);
	assert_int_equal(tu2.dirfid, 5);
	assert_str(tu2.name, "gone");
	assert_int_equal(tu2.flags, P9_AT_REMOVEDIR);
	ROUNDTRIP(trenameat, &tr, &tr2);
	assert_int_equal(tr2.olddirfid, 6);
	assert_str(tr2.oldname, "a");
	assert_int_equal(tr2.newdirfid, 7);
	assert_str(tr2.newname, "b");
	ROUNDTRIP(tsetattr, &sa, &sa2);
	assert_int_equal(sa2.fid, sa.fid);
	assert_int_equal(sa2.valid, sa.valid);
	assert_int_equal(sa2.mode, sa.mode);
	assert_int_equal(sa2.uid, sa.uid);
	assert_int_equal(sa2.gid, sa.gid);
	assert_int_equal(sa2.size, sa.size);
	assert_int_equal(sa2.atime_sec, sa.atime_sec);
	assert_int_equal(sa2.atime_nsec, sa.atime_nsec);
	assert_int_equal(sa2.mtime_sec, sa.mtime_sec);
	assert_int_equal(sa2.mtime_nsec, sa.mtime_nsec);
	ROUNDTRIP(tfsync, &tf, &tf2);
	assert_int_equal(tf2.fid, 9);
	assert_int_equal(tf2.datasync, 1);
}

static void test_bad_strings(void **state)
{
	char *huge = malloc(70000);
	struct p9_tattach ta = {.uname = p9_str_c(""), .aname = {0}};
	struct p9_twalk tw = {.nwname = 1};
	char out[8];
	uint8_t *p;

	memset(huge, 'a', 69999);
	huge[69999] = 0;
	ta.aname = p9_str_c(huge);
	assert_null(ta.aname.s);
	assert_int_equal(p9_enc_tattach(buf, sizeof(buf), 1, &ta),
			 -LINUX_EINVAL);
	free(huge);

	/* A string length past the end of the message. */
	tw.wname[0] = p9_str_c("abc");
	assert_int_equal(p9_enc_twalk(buf, sizeof(buf), 1, &tw), 22);
	buf[17] = 0xff;
	buf[18] = 0xff;
	p = exact(buf, 22);
	assert_int_equal(w_twalk(p, 22), -LINUX_EPROTO);
	free(p);
	/* nwname 17, with the names present. */
	tw.nwname = P9_MAXWELEM;
	for (int i = 0; i < P9_MAXWELEM; i++)
		tw.wname[i] = p9_str_c("n");
	{
		long n = p9_enc_twalk(buf, sizeof(buf), 1, &tw);

		buf[n] = 1;
		buf[n + 1] = 0;
		buf[n + 2] = 'n';
		buf[15] = 17;
		p = exact(buf, (size_t)n + 3);
		assert_int_equal(w_twalk(p, (size_t)n + 3), -LINUX_EPROTO);
		free(p);
	}
	/* p9_str_copy. */
	assert_int_equal(p9_str_copy(p9_str_c("abc"), out, sizeof(out)), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(p9_str_copy(p9_str_c("abcdefgh"), out, sizeof(out)),
			 -LINUX_ENAMETOOLONG);
	assert_int_equal(
	    p9_str_copy((struct p9_str){"a\0b", 3}, out, sizeof(out)),
	    -LINUX_EINVAL);
}

static void test_header(void **state)
{
	struct p9_hdr h;
	struct p9_tclunk t;

	assert_int_equal(p9_dec_hdr("\x07\x00\x00\x00\x78\x01\x00", 7, &h), 0);
	assert_int_equal(h.type, P9_TCLUNK);
	assert_int_equal(h.tag, 1);
	assert_int_equal(p9_dec_hdr("\x07\x00\x00\x00\x78\x01", 6, &h),
			 -LINUX_EPROTO);
	assert_int_equal(p9_dec_hdr("\xff\xff\xff\xff\x78\x01\x00", 7, &h),
			 -LINUX_EPROTO);
	assert_int_equal(p9_dec_tclunk(NULL, 0, &t), -LINUX_EPROTO);
	/* Unknown type: the header is fine, no decoder accepts it. */
	memcpy(buf, "\x0b\x00\x00\x00\xfa\x01\x00\x01\x00\x00\x00", 11);
	for (size_t i = 0; i < NDEC; i++)
		assert_int_equal(all_decoders[i](buf, 11), -LINUX_EPROTO);
	assert_null(p9_type_name(0xfa));
	assert_string_equal(p9_type_name(P9_TWALK), "Twalk");
}

static void test_dirents(void **state)
{
	static const char *const names[] = {".", "..", "file", "a-longer-name"};
	struct p9_dirent_iter it;
	struct p9_dirent d;
	uint8_t payload[256];
	size_t used = 0, full;
	int i = 0, r;

	for (int k = 0; k < 4; k++) {
		struct p9_dirent e = {.qid = QID,
				      .offset = (uint64_t)k + 100,
				      .type = 4,
				      .name = p9_str_c(names[k])};

		assert_int_equal(
		    p9_dirent_put(payload, sizeof(payload), &used, &e), 0);
	}
	full = used;
	/* No room: nothing written, used unchanged. */
	{
		struct p9_dirent e = {.name = p9_str_c("x")};
		size_t u = full;

		assert_int_equal(p9_dirent_put(payload, full + 10, &u, &e),
				 -LINUX_EMSGSIZE);
		assert_int_equal(u, full);
	}
	p9_dirent_iter_init(&it, payload, full);
	while ((r = p9_dirent_next(&it, &d)) == 1) {
		assert_str(d.name, names[i]);
		assert_int_equal(d.offset, (uint64_t)i + 100);
		assert_qid(&d.qid, &QID);
		assert_int_equal(d.type, 4);
		i++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(i, 4);
	assert_int_equal(p9_dirent_next(&it, &d), 0);

	/* Truncated anywhere: whole entries, then EPROTO or the end. */
	for (size_t l = 0; l < full; l++) {
		uint8_t *p = malloc(l ? l : 1);
		int got = 0;

		memcpy(p, payload, l);
		p9_dirent_iter_init(&it, p, l);
		while ((r = p9_dirent_next(&it, &d)) == 1)
			got++;
		assert_true(got < 4);
		assert_true(r == 0 || r == -LINUX_EPROTO);
		assert_int_equal(p9_dirent_next(&it, &d), 0);
		free(p);
	}
	p9_dirent_iter_init(&it, NULL, 100);
	assert_int_equal(p9_dirent_next(&it, &d), 0);
}

static void test_framing(void **state)
{
	uint8_t in[64];
	struct p9_tclunk t = {.fid = 1};
	int sv[2];
	long n;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	n = p9_enc_tclunk(buf, sizeof(buf), 1, &t);
	/* Two messages in one write, read back one at a time. */
	memcpy(buf + n, buf, (size_t)n);
	assert_int_equal(p9_send_msg(sv[0], buf, (size_t)n * 2), 0);
	assert_int_equal(p9_recv_msg(sv[1], in, sizeof(in)), n);
	assert_int_equal(p9_recv_msg(sv[1], in, sizeof(in)), n);
	assert_int_equal(p9_dec_tclunk(in, (size_t)n, &t), 0);
	/* Bigger than msize. */
	assert_int_equal(p9_send_msg(sv[0], buf, (size_t)n), 0);
	assert_int_equal(p9_recv_msg(sv[1], in, 8), -LINUX_EMSGSIZE);
	assert_int_equal(p9_recv_msg(sv[1], in, sizeof(in)) <= 0, 1);
	close(sv[0]);
	close(sv[1]);

	/* A size below the header. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(p9_send_msg(sv[0], "\x06\x00\x00\x00", 4), 0);
	assert_int_equal(p9_recv_msg(sv[1], in, sizeof(in)), -LINUX_EPROTO);
	/* EOF inside a message, then at a boundary. */
	assert_int_equal(p9_send_msg(sv[0], "\x0b\x00\x00\x00\x78", 5), 0);
	close(sv[0]);
	assert_int_equal(p9_recv_msg(sv[1], in, sizeof(in)), -LINUX_EIO);
	assert_int_equal(p9_recv_msg(sv[1], in, sizeof(in)), 0);
	/* Writing to a closed peer: EPIPE, no SIGPIPE (default action). */
	signal(SIGPIPE, SIG_DFL);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	assert_int_equal(p9_send_msg(sv[0], buf, (size_t)n), -LINUX_EPIPE);
	close(sv[0]);
}

/* Random bytes, with a consistent size field, into every decoder. */
static void test_fuzz(void **state)
{
	struct p9_dirent_iter it;
	struct p9_dirent d;

	srand(42);
	for (int i = 0; i < 20000; i++) {
		size_t len = (size_t)(rand() % 80);
		uint8_t *p = malloc(len ? len : 1);

		for (size_t j = 0; j < len; j++)
			p[j] = (uint8_t)rand();
		if (len >= 4) {
			p[0] = (uint8_t)len;
			p[1] = p[2] = p[3] = 0;
		}
		for (size_t k = 0; k < NDEC; k++)
			all_decoders[k](p, len);
		p9_dirent_iter_init(&it, p, len);
		while (p9_dirent_next(&it, &d) == 1)
			;
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_version_attach),
	    cmocka_unit_test(test_walk),
	    cmocka_unit_test(test_getattr_lopen),
	    cmocka_unit_test(test_read_readdir),
	    cmocka_unit_test(test_small_messages),
	    cmocka_unit_test(test_write_side),
	    cmocka_unit_test(test_bad_strings),
	    cmocka_unit_test(test_header),
	    cmocka_unit_test(test_dirents),
	    cmocka_unit_test(test_framing),
	    cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
