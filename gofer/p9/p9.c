/* 9P2000.L codec: see p9.h. */
#include "gofer/p9/p9.h"

#include "abi/errno.h"
#include "abi/scm.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* ---- Strings ---- */

struct p9_str p9_str_c(const char *s)
{
	struct p9_str r = {"", 0};
	size_t n;

	if (!s)
		return r;
	n = strlen(s);
	if (n > 0xffff) {
		r.s = NULL;
		r.len = 0xffff;
		return r;
	}
	r.s = s;
	r.len = (uint16_t)n;
	return r;
}

int p9_str_copy(struct p9_str s, char *dst, size_t size)
{
	if (s.len && (!s.s || memchr(s.s, 0, s.len)))
		return -LINUX_EINVAL;
	if ((size_t)s.len + 1 > size)
		return -LINUX_ENAMETOOLONG;
	if (s.len)
		memcpy(dst, s.s, s.len);
	dst[s.len] = 0;
	return s.len;
}

bool p9_str_eq(struct p9_str s, const char *c)
{
	size_t n = strlen(c);

	return n == s.len && (n == 0 || memcmp(s.s, c, n) == 0);
}

/* ---- Write cursor ----
 * Every put checks the room left and sets a sticky flag instead of
 * writing past cap; the message is accepted or refused once, at the end. */

struct wcur {
	uint8_t *p;
	size_t cap;
	size_t off;
	bool full;  /* ran out of room */
	bool inval; /* a value the wire cannot carry */
};

static bool w_room(struct wcur *w, size_t n)
{
	if (w->full || w->cap - w->off < n) {
		w->full = true;
		return false;
	}
	return true;
}

static void w_u8(struct wcur *w, uint8_t v)
{
	if (w_room(w, 1))
		w->p[w->off++] = v;
}

static void w_u16(struct wcur *w, uint16_t v)
{
	if (!w_room(w, 2))
		return;
	w->p[w->off++] = (uint8_t)v;
	w->p[w->off++] = (uint8_t)(v >> 8);
}

static void w_u32(struct wcur *w, uint32_t v)
{
	if (!w_room(w, 4))
		return;
	for (int i = 0; i < 4; i++)
		w->p[w->off++] = (uint8_t)(v >> (8 * i));
}

static void w_u64(struct wcur *w, uint64_t v)
{
	if (!w_room(w, 8))
		return;
	for (int i = 0; i < 8; i++)
		w->p[w->off++] = (uint8_t)(v >> (8 * i));
}

/* memmove: the source may already sit inside the output buffer. */
static void w_bytes(struct wcur *w, const void *src, size_t n)
{
	if (n && !src) {
		w->inval = true;
		return;
	}
	if (!w_room(w, n))
		return;
	if (n && w->p + w->off != src)
		memmove(w->p + w->off, src, n);
	w->off += n;
}

static void w_str(struct wcur *w, struct p9_str s)
{
	if (s.len && !s.s) {
		w->inval = true;
		return;
	}
	w_u16(w, s.len);
	w_bytes(w, s.s, s.len);
}

static void w_qid(struct wcur *w, const struct p9_qid *q)
{
	w_u8(w, q->type);
	w_u32(w, q->version);
	w_u64(w, q->path);
}

static void w_begin(struct wcur *w, void *buf, size_t cap, uint8_t type,
		    uint16_t tag)
{
	w->p = buf;
	w->cap = cap;
	w->off = 0;
	w->full = false;
	w->inval = false;
	w_u32(w, 0); /* size, filled by w_end */
	w_u8(w, type);
	w_u16(w, tag);
}

static long w_end(struct wcur *w)
{
	if (w->inval)
		return -LINUX_EINVAL;
	if (w->full || w->off > 0xffffffffu)
		return -LINUX_EMSGSIZE;
	for (int i = 0; i < 4; i++)
		w->p[i] = (uint8_t)(w->off >> (8 * i));
	return (long)w->off;
}

/* ---- Read cursor ----
 * Same idea: a short read sets the sticky flag and yields zeros, so a
 * decoder runs straight through and checks once at the end. */

struct rcur {
	const uint8_t *p;
	size_t len;
	size_t off;
	bool bad;
};

static bool r_have(struct rcur *r, size_t n)
{
	if (r->bad || r->len - r->off < n) {
		r->bad = true;
		return false;
	}
	return true;
}

static uint8_t r_u8(struct rcur *r)
{
	if (!r_have(r, 1))
		return 0;
	return r->p[r->off++];
}

static uint16_t r_u16(struct rcur *r)
{
	uint16_t v;

	if (!r_have(r, 2))
		return 0;
	v = (uint16_t)(r->p[r->off] | (r->p[r->off + 1] << 8));
	r->off += 2;
	return v;
}

static uint32_t r_u32(struct rcur *r)
{
	uint32_t v = 0;

	if (!r_have(r, 4))
		return 0;
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)r->p[r->off + i] << (8 * i);
	r->off += 4;
	return v;
}

static uint64_t r_u64(struct rcur *r)
{
	uint64_t v = 0;

	if (!r_have(r, 8))
		return 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)r->p[r->off + i] << (8 * i);
	r->off += 8;
	return v;
}

static const void *r_bytes(struct rcur *r, size_t n)
{
	const void *p;

	if (!r_have(r, n))
		return NULL;
	p = r->p + r->off;
	r->off += n;
	return p;
}

static struct p9_str r_str(struct rcur *r)
{
	struct p9_str s = {"", 0};
	uint16_t n = r_u16(r);
	const char *p = r_bytes(r, n);

	if (p) {
		s.s = p;
		s.len = n;
	}
	return s;
}

static void r_qid(struct rcur *r, struct p9_qid *q)
{
	q->type = r_u8(r);
	q->version = r_u32(r);
	q->path = r_u64(r);
}

static void r_init(struct rcur *r, const void *buf, size_t len)
{
	r->p = buf;
	r->len = len;
	r->off = 0;
	r->bad = false;
}

int p9_dec_hdr(const void *msg, size_t len, struct p9_hdr *h)
{
	struct rcur r;

	r_init(&r, msg, len);
	h->size = r_u32(&r);
	h->type = r_u8(&r);
	h->tag = r_u16(&r);
	if (r.bad || h->size != len)
		return -LINUX_EPROTO;
	return 0;
}

static void r_begin(struct rcur *r, const void *msg, size_t len, uint8_t type)
{
	struct p9_hdr h;

	r_init(r, msg, len);
	if (!msg || p9_dec_hdr(msg, len, &h) < 0 || h.type != type) {
		r->bad = true;
		return;
	}
	r->off = P9_HDRSZ;
}

static int r_end(struct rcur *r)
{
	if (r->bad || r->off != r->len)
		return -LINUX_EPROTO;
	return 0;
}

/* ---- Messages ---- */

/* Each message has a put_<msg> (body encoder) and a get_<msg> (body
 * decoder); CODEC wraps them with the header and the final checks. */
#define CODEC(name, type)                                                      \
	long p9_enc_##name(void *buf, size_t cap, uint16_t tag,                \
			   const struct p9_##name *m)                          \
	{                                                                      \
		struct wcur w;                                                 \
		w_begin(&w, buf, cap, type, tag);                              \
		put_##name(&w, m);                                             \
		return w_end(&w);                                              \
	}                                                                      \
	int p9_dec_##name(const void *msg, size_t len, struct p9_##name *m)    \
	{                                                                      \
		struct rcur r;                                                 \
		memset(m, 0, sizeof(*m));                                      \
		r_begin(&r, msg, len, type);                                   \
		get_##name(&r, m);                                             \
		return r_end(&r);                                              \
	}

#define EMPTY(name, type)                                                      \
	long p9_enc_##name(void *buf, size_t cap, uint16_t tag)                \
	{                                                                      \
		struct wcur w;                                                 \
		w_begin(&w, buf, cap, type, tag);                              \
		return w_end(&w);                                              \
	}                                                                      \
	int p9_dec_##name(const void *msg, size_t len)                         \
	{                                                                      \
		struct rcur r;                                                 \
		r_begin(&r, msg, len, type);                                   \
		return r_end(&r);                                              \
	}

/* Tversion / Rversion */
static void put_tversion(struct wcur *w, const struct p9_tversion *m)
{
	w_u32(w, m->msize);
	w_str(w, m->version);
}

static void get_tversion(struct rcur *r, struct p9_tversion *m)
{
	m->msize = r_u32(r);
	m->version = r_str(r);
}

CODEC(tversion, P9_TVERSION)

static void put_rversion(struct wcur *w, const struct p9_rversion *m)
{
	w_u32(w, m->msize);
	w_str(w, m->version);
}

static void get_rversion(struct rcur *r, struct p9_rversion *m)
{
	m->msize = r_u32(r);
	m->version = r_str(r);
}

CODEC(rversion, P9_RVERSION)

/* Tattach / Rattach */
static void put_tattach(struct wcur *w, const struct p9_tattach *m)
{
	w_u32(w, m->fid);
	w_u32(w, m->afid);
	w_str(w, m->uname);
	w_str(w, m->aname);
	w_u32(w, m->n_uname);
}

static void get_tattach(struct rcur *r, struct p9_tattach *m)
{
	m->fid = r_u32(r);
	m->afid = r_u32(r);
	m->uname = r_str(r);
	m->aname = r_str(r);
	m->n_uname = r_u32(r);
}

CODEC(tattach, P9_TATTACH)

static void put_rattach(struct wcur *w, const struct p9_rattach *m)
{
	w_qid(w, &m->qid);
}

static void get_rattach(struct rcur *r, struct p9_rattach *m)
{
	r_qid(r, &m->qid);
}

CODEC(rattach, P9_RATTACH)

/* Twalk / Rwalk */
static void put_twalk(struct wcur *w, const struct p9_twalk *m)
{
	if (m->nwname > P9_MAXWELEM) {
		w->inval = true;
		return;
	}
	w_u32(w, m->fid);
	w_u32(w, m->newfid);
	w_u16(w, m->nwname);
	for (int i = 0; i < m->nwname; i++)
		w_str(w, m->wname[i]);
}

static void get_twalk(struct rcur *r, struct p9_twalk *m)
{
	m->fid = r_u32(r);
	m->newfid = r_u32(r);
	m->nwname = r_u16(r);
	if (m->nwname > P9_MAXWELEM) {
		r->bad = true;
		return;
	}
	for (int i = 0; i < m->nwname; i++)
		m->wname[i] = r_str(r);
}

CODEC(twalk, P9_TWALK)

static void put_rwalk(struct wcur *w, const struct p9_rwalk *m)
{
	if (m->nwqid > P9_MAXWELEM) {
		w->inval = true;
		return;
	}
	w_u16(w, m->nwqid);
	for (int i = 0; i < m->nwqid; i++)
		w_qid(w, &m->wqid[i]);
}

static void get_rwalk(struct rcur *r, struct p9_rwalk *m)
{
	m->nwqid = r_u16(r);
	if (m->nwqid > P9_MAXWELEM) {
		r->bad = true;
		return;
	}
	for (int i = 0; i < m->nwqid; i++)
		r_qid(r, &m->wqid[i]);
}

CODEC(rwalk, P9_RWALK)

/* Tgetattr / Rgetattr */
static void put_tgetattr(struct wcur *w, const struct p9_tgetattr *m)
{
	w_u32(w, m->fid);
	w_u64(w, m->request_mask);
}

static void get_tgetattr(struct rcur *r, struct p9_tgetattr *m)
{
	m->fid = r_u32(r);
	m->request_mask = r_u64(r);
}

CODEC(tgetattr, P9_TGETATTR)

static void put_rgetattr(struct wcur *w, const struct p9_rgetattr *m)
{
	const struct p9_attr *a = &m->attr;
	w_u64(w, a->valid);
	w_qid(w, &a->qid);
	w_u32(w, a->mode);
	w_u32(w, a->uid);
	w_u32(w, a->gid);
	w_u64(w, a->nlink);
	w_u64(w, a->rdev);
	w_u64(w, a->size);
	w_u64(w, a->blksize);
	w_u64(w, a->blocks);
	w_u64(w, a->atime_sec);
	w_u64(w, a->atime_nsec);
	w_u64(w, a->mtime_sec);
	w_u64(w, a->mtime_nsec);
	w_u64(w, a->ctime_sec);
	w_u64(w, a->ctime_nsec);
	w_u64(w, a->btime_sec);
	w_u64(w, a->btime_nsec);
	w_u64(w, a->gen);
	w_u64(w, a->data_version);
}

static void get_rgetattr(struct rcur *r, struct p9_rgetattr *m)
{
	struct p9_attr *a = &m->attr;
	a->valid = r_u64(r);
	r_qid(r, &a->qid);
	a->mode = r_u32(r);
	a->uid = r_u32(r);
	a->gid = r_u32(r);
	a->nlink = r_u64(r);
	a->rdev = r_u64(r);
	a->size = r_u64(r);
	a->blksize = r_u64(r);
	a->blocks = r_u64(r);
	a->atime_sec = r_u64(r);
	a->atime_nsec = r_u64(r);
	a->mtime_sec = r_u64(r);
	a->mtime_nsec = r_u64(r);
	a->ctime_sec = r_u64(r);
	a->ctime_nsec = r_u64(r);
	a->btime_sec = r_u64(r);
	a->btime_nsec = r_u64(r);
	a->gen = r_u64(r);
	a->data_version = r_u64(r);
}

CODEC(rgetattr, P9_RGETATTR)

/* Tlopen / Rlopen */
static void put_tlopen(struct wcur *w, const struct p9_tlopen *m)
{
	w_u32(w, m->fid);
	w_u32(w, m->flags);
}

static void get_tlopen(struct rcur *r, struct p9_tlopen *m)
{
	m->fid = r_u32(r);
	m->flags = r_u32(r);
}

CODEC(tlopen, P9_TLOPEN)

static void put_rlopen(struct wcur *w, const struct p9_rlopen *m)
{
	w_qid(w, &m->qid);
	w_u32(w, m->iounit);
}

static void get_rlopen(struct rcur *r, struct p9_rlopen *m)
{
	r_qid(r, &m->qid);
	m->iounit = r_u32(r);
}

CODEC(rlopen, P9_RLOPEN)

/* Tread / Rread, Treaddir / Rreaddir: same shapes. */
static long enc_tread(void *buf, size_t cap, uint8_t type, uint16_t tag,
		      const struct p9_tread *m)
{
	struct wcur w;

	w_begin(&w, buf, cap, type, tag);
	w_u32(&w, m->fid);
	w_u64(&w, m->offset);
	w_u32(&w, m->count);
	return w_end(&w);
}

static int dec_tread(const void *msg, size_t len, uint8_t type,
		     struct p9_tread *m)
{
	struct rcur r;

	r_begin(&r, msg, len, type);
	m->fid = r_u32(&r);
	m->offset = r_u64(&r);
	m->count = r_u32(&r);
	return r_end(&r);
}

static long enc_rread(void *buf, size_t cap, uint8_t type, uint16_t tag,
		      const struct p9_rread *m)
{
	struct wcur w;

	w_begin(&w, buf, cap, type, tag);
	w_u32(&w, m->count);
	w_bytes(&w, m->data, m->count);
	return w_end(&w);
}

static int dec_rread(const void *msg, size_t len, uint8_t type,
		     struct p9_rread *m)
{
	struct rcur r;

	r_begin(&r, msg, len, type);
	m->count = r_u32(&r);
	m->data = r_bytes(&r, m->count);
	if (r.bad)
		m->count = 0;
	return r_end(&r);
}

long p9_enc_tread(void *buf, size_t cap, uint16_t tag, const struct p9_tread *m)
{
	return enc_tread(buf, cap, P9_TREAD, tag, m);
}

int p9_dec_tread(const void *msg, size_t len, struct p9_tread *m)
{
	return dec_tread(msg, len, P9_TREAD, m);
}

long p9_enc_treaddir(void *buf, size_t cap, uint16_t tag,
		     const struct p9_treaddir *m)
{
	return enc_tread(buf, cap, P9_TREADDIR, tag, m);
}

int p9_dec_treaddir(const void *msg, size_t len, struct p9_treaddir *m)
{
	return dec_tread(msg, len, P9_TREADDIR, m);
}

long p9_enc_rread(void *buf, size_t cap, uint16_t tag, const struct p9_rread *m)
{
	return enc_rread(buf, cap, P9_RREAD, tag, m);
}

int p9_dec_rread(const void *msg, size_t len, struct p9_rread *m)
{
	return dec_rread(msg, len, P9_RREAD, m);
}

long p9_enc_rreaddir(void *buf, size_t cap, uint16_t tag,
		     const struct p9_rreaddir *m)
{
	return enc_rread(buf, cap, P9_RREADDIR, tag, m);
}

int p9_dec_rreaddir(const void *msg, size_t len, struct p9_rreaddir *m)
{
	return dec_rread(msg, len, P9_RREADDIR, m);
}

/* Treadlink / Rreadlink */
static void put_treadlink(struct wcur *w, const struct p9_treadlink *m)
{
	w_u32(w, m->fid);
}

static void get_treadlink(struct rcur *r, struct p9_treadlink *m)
{
	m->fid = r_u32(r);
}

CODEC(treadlink, P9_TREADLINK)

static void put_rreadlink(struct wcur *w, const struct p9_rreadlink *m)
{
	w_str(w, m->target);
}

static void get_rreadlink(struct rcur *r, struct p9_rreadlink *m)
{
	m->target = r_str(r);
}

CODEC(rreadlink, P9_RREADLINK)

/* Tstatfs / Rstatfs */
static void put_tstatfs(struct wcur *w, const struct p9_tstatfs *m)
{
	w_u32(w, m->fid);
}

static void get_tstatfs(struct rcur *r, struct p9_tstatfs *m)
{
	m->fid = r_u32(r);
}

CODEC(tstatfs, P9_TSTATFS)

static void put_rstatfs(struct wcur *w, const struct p9_rstatfs *m)
{
	w_u32(w, m->st.type);
	w_u32(w, m->st.bsize);
	w_u64(w, m->st.blocks);
	w_u64(w, m->st.bfree);
	w_u64(w, m->st.bavail);
	w_u64(w, m->st.files);
	w_u64(w, m->st.ffree);
	w_u64(w, m->st.fsid);
	w_u32(w, m->st.namelen);
}

static void get_rstatfs(struct rcur *r, struct p9_rstatfs *m)
{
	m->st.type = r_u32(r);
	m->st.bsize = r_u32(r);
	m->st.blocks = r_u64(r);
	m->st.bfree = r_u64(r);
	m->st.bavail = r_u64(r);
	m->st.files = r_u64(r);
	m->st.ffree = r_u64(r);
	m->st.fsid = r_u64(r);
	m->st.namelen = r_u32(r);
}

CODEC(rstatfs, P9_RSTATFS)

/* Tclunk / Rclunk */
static void put_tclunk(struct wcur *w, const struct p9_tclunk *m)
{
	w_u32(w, m->fid);
}

static void get_tclunk(struct rcur *r, struct p9_tclunk *m)
{
	m->fid = r_u32(r);
}

CODEC(tclunk, P9_TCLUNK)

EMPTY(rclunk, P9_RCLUNK)

/* Rlerror */
static void put_rlerror(struct wcur *w, const struct p9_rlerror *m)
{
	w_u32(w, m->ecode);
}

static void get_rlerror(struct rcur *r, struct p9_rlerror *m)
{
	m->ecode = r_u32(r);
}

CODEC(rlerror, P9_RLERROR)

/* Twrite / Rwrite */
static void put_twrite(struct wcur *w, const struct p9_twrite *m)
{
	w_u32(w, m->fid);
	w_u64(w, m->offset);
	w_u32(w, m->count);
	w_bytes(w, m->data, m->count);
}

static void get_twrite(struct rcur *r, struct p9_twrite *m)
{
	m->fid = r_u32(r);
	m->offset = r_u64(r);
	m->count = r_u32(r);
	m->data = r_bytes(r, m->count);
	if (r->bad)
		m->count = 0;
}

CODEC(twrite, P9_TWRITE)

static void put_rwrite(struct wcur *w, const struct p9_rwrite *m)
{
	w_u32(w, m->count);
}

static void get_rwrite(struct rcur *r, struct p9_rwrite *m)
{
	m->count = r_u32(r);
}

CODEC(rwrite, P9_RWRITE)

/* Tlcreate / Rlcreate */
static void put_tlcreate(struct wcur *w, const struct p9_tlcreate *m)
{
	w_u32(w, m->fid);
	w_str(w, m->name);
	w_u32(w, m->flags);
	w_u32(w, m->mode);
	w_u32(w, m->gid);
}

static void get_tlcreate(struct rcur *r, struct p9_tlcreate *m)
{
	m->fid = r_u32(r);
	m->name = r_str(r);
	m->flags = r_u32(r);
	m->mode = r_u32(r);
	m->gid = r_u32(r);
}

CODEC(tlcreate, P9_TLCREATE)

static void put_rlcreate(struct wcur *w, const struct p9_rlcreate *m)
{
	w_qid(w, &m->qid);
	w_u32(w, m->iounit);
}

static void get_rlcreate(struct rcur *r, struct p9_rlcreate *m)
{
	r_qid(r, &m->qid);
	m->iounit = r_u32(r);
}

CODEC(rlcreate, P9_RLCREATE)

/* Tmkdir / Rmkdir */
static void put_tmkdir(struct wcur *w, const struct p9_tmkdir *m)
{
	w_u32(w, m->dfid);
	w_str(w, m->name);
	w_u32(w, m->mode);
	w_u32(w, m->gid);
}

static void get_tmkdir(struct rcur *r, struct p9_tmkdir *m)
{
	m->dfid = r_u32(r);
	m->name = r_str(r);
	m->mode = r_u32(r);
	m->gid = r_u32(r);
}

CODEC(tmkdir, P9_TMKDIR)

static void put_rmkdir(struct wcur *w, const struct p9_rmkdir *m)
{
	w_qid(w, &m->qid);
}

static void get_rmkdir(struct rcur *r, struct p9_rmkdir *m)
{
	r_qid(r, &m->qid);
}

CODEC(rmkdir, P9_RMKDIR)

/* Tsymlink / Rsymlink */
static void put_tsymlink(struct wcur *w, const struct p9_tsymlink *m)
{
	w_u32(w, m->fid);
	w_str(w, m->name);
	w_str(w, m->target);
	w_u32(w, m->gid);
}

static void get_tsymlink(struct rcur *r, struct p9_tsymlink *m)
{
	m->fid = r_u32(r);
	m->name = r_str(r);
	m->target = r_str(r);
	m->gid = r_u32(r);
}

CODEC(tsymlink, P9_TSYMLINK)

static void put_rsymlink(struct wcur *w, const struct p9_rsymlink *m)
{
	w_qid(w, &m->qid);
}

static void get_rsymlink(struct rcur *r, struct p9_rsymlink *m)
{
	r_qid(r, &m->qid);
}

CODEC(rsymlink, P9_RSYMLINK)

/* Tmknod / Rmknod */
static void put_tmknod(struct wcur *w, const struct p9_tmknod *m)
{
	w_u32(w, m->dfid);
	w_str(w, m->name);
	w_u32(w, m->mode);
	w_u32(w, m->major);
	w_u32(w, m->minor);
	w_u32(w, m->gid);
}

static void get_tmknod(struct rcur *r, struct p9_tmknod *m)
{
	m->dfid = r_u32(r);
	m->name = r_str(r);
	m->mode = r_u32(r);
	m->major = r_u32(r);
	m->minor = r_u32(r);
	m->gid = r_u32(r);
}

CODEC(tmknod, P9_TMKNOD)

/* Rmknod's body is Rattach's (a qid). */
#define put_rmknod put_rattach
#define get_rmknod get_rattach
CODEC(rmknod, P9_RMKNOD)

/* Tlink / Rlink */
static void put_tlink(struct wcur *w, const struct p9_tlink *m)
{
	w_u32(w, m->dfid);
	w_u32(w, m->fid);
	w_str(w, m->name);
}

static void get_tlink(struct rcur *r, struct p9_tlink *m)
{
	m->dfid = r_u32(r);
	m->fid = r_u32(r);
	m->name = r_str(r);
}

CODEC(tlink, P9_TLINK)

EMPTY(rlink, P9_RLINK)

/* Tunlinkat / Runlinkat */
static void put_tunlinkat(struct wcur *w, const struct p9_tunlinkat *m)
{
	w_u32(w, m->dirfid);
	w_str(w, m->name);
	w_u32(w, m->flags);
}

static void get_tunlinkat(struct rcur *r, struct p9_tunlinkat *m)
{
	m->dirfid = r_u32(r);
	m->name = r_str(r);
	m->flags = r_u32(r);
}

CODEC(tunlinkat, P9_TUNLINKAT)

EMPTY(runlinkat, P9_RUNLINKAT)

/* Trenameat / Rrenameat */
static void put_trenameat(struct wcur *w, const struct p9_trenameat *m)
{
	w_u32(w, m->olddirfid);
	w_str(w, m->oldname);
	w_u32(w, m->newdirfid);
	w_str(w, m->newname);
}

static void get_trenameat(struct rcur *r, struct p9_trenameat *m)
{
	m->olddirfid = r_u32(r);
	m->oldname = r_str(r);
	m->newdirfid = r_u32(r);
	m->newname = r_str(r);
}

CODEC(trenameat, P9_TRENAMEAT)

EMPTY(rrenameat, P9_RRENAMEAT)

/* Tsetattr / Rsetattr */
static void put_tsetattr(struct wcur *w, const struct p9_tsetattr *m)
{
	w_u32(w, m->fid);
	w_u32(w, m->valid);
	w_u32(w, m->mode);
	w_u32(w, m->uid);
	w_u32(w, m->gid);
	w_u64(w, m->size);
	w_u64(w, m->atime_sec);
	w_u64(w, m->atime_nsec);
	w_u64(w, m->mtime_sec);
	w_u64(w, m->mtime_nsec);
}

static void get_tsetattr(struct rcur *r, struct p9_tsetattr *m)
{
	m->fid = r_u32(r);
	m->valid = r_u32(r);
	m->mode = r_u32(r);
	m->uid = r_u32(r);
	m->gid = r_u32(r);
	m->size = r_u64(r);
	m->atime_sec = r_u64(r);
	m->atime_nsec = r_u64(r);
	m->mtime_sec = r_u64(r);
	m->mtime_nsec = r_u64(r);
}

CODEC(tsetattr, P9_TSETATTR)

EMPTY(rsetattr, P9_RSETATTR)

/* Tflush / Rflush */
static void put_tflush(struct wcur *w, const struct p9_tflush *m)
{
	w_u16(w, m->oldtag);
}

static void get_tflush(struct rcur *r, struct p9_tflush *m)
{
	m->oldtag = r_u16(r);
}

CODEC(tflush, P9_TFLUSH)
EMPTY(rflush, P9_RFLUSH)

/* Tfsync / Rfsync */
static void put_tfsync(struct wcur *w, const struct p9_tfsync *m)
{
	w_u32(w, m->fid);
	w_u32(w, m->datasync);
}

static void get_tfsync(struct rcur *r, struct p9_tfsync *m)
{
	m->fid = r_u32(r);
	m->datasync = r_u32(r);
}

CODEC(tfsync, P9_TFSYNC)

EMPTY(rfsync, P9_RFSYNC)

/* ---- Dirents ---- */

int p9_dirent_put(void *buf, size_t cap, size_t *used,
		  const struct p9_dirent *d)
{
	struct wcur w = {.p = buf, .cap = cap, .off = *used};

	if (*used > cap)
		return -LINUX_EMSGSIZE;
	w_qid(&w, &d->qid);
	w_u64(&w, d->offset);
	w_u8(&w, d->type);
	w_str(&w, d->name);
	if (w.inval)
		return -LINUX_EINVAL;
	if (w.full)
		return -LINUX_EMSGSIZE;
	*used = w.off;
	return 0;
}

void p9_dirent_iter_init(struct p9_dirent_iter *it, const void *buf, size_t len)
{
	it->buf = buf;
	it->len = buf ? len : 0;
	it->off = 0;
}

int p9_dirent_next(struct p9_dirent_iter *it, struct p9_dirent *d)
{
	struct rcur r;

	if (it->off >= it->len)
		return 0;
	r_init(&r, it->buf, it->len);
	r.off = it->off;
	r_qid(&r, &d->qid);
	d->offset = r_u64(&r);
	d->type = r_u8(&r);
	d->name = r_str(&r);
	if (r.bad) {
		it->off = it->len;
		return -LINUX_EPROTO;
	}
	it->off = r.off;
	return 1;
}

/* ---- Framing ---- */

/* Read exactly n bytes: n, or the count before EOF, or -errno. */
static long read_full(int fd, uint8_t *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -linux_errno_from_host(errno);
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long)got;
}

/* The first chunk of a message through recvmsg, keeping a descriptor
 * passed with it in *donated (closing any others). */
static long recv_first(int fd, uint8_t *p, size_t n, int *donated)
{
	int fds[1], nfds;
	ssize_t r = scm_recv(fd, p, n, fds, 1, &nfds);

	if (r < 0)
		return errno == ENOTSOCK ? read_full(fd, p, n)
					 : -linux_errno_from_host(errno);
	if (nfds && *donated < 0)
		*donated = fds[0];
	else if (nfds)
		close(fds[0]);
	if (r == 0 || (size_t)r == n)
		return r;
	long rest = read_full(fd, p + r, n - (size_t)r);
	return rest < 0 ? rest : r + rest;
}

static long recv_msg(int fd, void *buf, uint32_t msize, int *donated)
{
	uint8_t *p = buf;
	uint32_t size;
	long r;

	if (msize < P9_HDRSZ)
		return -LINUX_EINVAL;
	r = donated ? recv_first(fd, p, 4, donated) : read_full(fd, p, 4);
	if (r < 0)
		return r;
	if (r == 0)
		return 0;
	if (r < 4)
		return -LINUX_EIO;
	size = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
	if (size < P9_HDRSZ)
		return -LINUX_EPROTO;
	if (size > msize)
		return -LINUX_EMSGSIZE;
	r = read_full(fd, p + 4, size - 4);
	if (r < 0)
		return r;
	if ((uint32_t)r < size - 4)
		return -LINUX_EIO;
	return (long)size;
}

long p9_recv_msg(int fd, void *buf, uint32_t msize)
{
	return recv_msg(fd, buf, msize, NULL);
}

long p9_recv_msg_fd(int fd, void *buf, uint32_t msize, int *donated)
{
	long r;

	*donated = -1;
	r = recv_msg(fd, buf, msize, donated);
	if (r <= 0 && *donated >= 0) {
		close(*donated);
		*donated = -1;
	}
	return r;
}

int p9_send_msg(int fd, const void *buf, size_t len)
{
	return p9_send_msg_fd(fd, buf, len, -1);
}

int p9_send_msg_fd(int fd, const void *buf, size_t len, int donate)
{
	const uint8_t *p = buf;
	size_t done = 0;
	bool sock = true;

	while (done < len) {
		ssize_t r;

		if (sock && donate >= 0 && done == 0) {
			r = scm_send(fd, p, len, &donate, 1, MSG_NOSIGNAL);
		} else if (sock) {
			r = send(fd, p + done, len - done, MSG_NOSIGNAL);
		} else {
			r = write(fd, p + done, len - done);
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOTSOCK && sock) {
				sock = false;
				continue;
			}
			return -linux_errno_from_host(errno);
		}
		done += (size_t)r;
	}
	return 0;
}

const char *p9_type_name(uint8_t type)
{
	static const char *const names[256] = {
	    [P9_TLERROR] = "Tlerror",
	    [P9_RLERROR] = "Rlerror",
	    [P9_TSTATFS] = "Tstatfs",
	    [P9_RSTATFS] = "Rstatfs",
	    [P9_TLOPEN] = "Tlopen",
	    [P9_RLOPEN] = "Rlopen",
	    [P9_TLCREATE] = "Tlcreate",
	    [P9_RLCREATE] = "Rlcreate",
	    [P9_TSYMLINK] = "Tsymlink",
	    [P9_RSYMLINK] = "Rsymlink",
	    [P9_TMKNOD] = "Tmknod",
	    [P9_RMKNOD] = "Rmknod",
	    [P9_TRENAME] = "Trename",
	    [P9_RRENAME] = "Rrename",
	    [P9_TREADLINK] = "Treadlink",
	    [P9_RREADLINK] = "Rreadlink",
	    [P9_TGETATTR] = "Tgetattr",
	    [P9_RGETATTR] = "Rgetattr",
	    [P9_TSETATTR] = "Tsetattr",
	    [P9_RSETATTR] = "Rsetattr",
	    [P9_TXATTRWALK] = "Txattrwalk",
	    [P9_RXATTRWALK] = "Rxattrwalk",
	    [P9_TXATTRCREATE] = "Txattrcreate",
	    [P9_RXATTRCREATE] = "Rxattrcreate",
	    [P9_TREADDIR] = "Treaddir",
	    [P9_RREADDIR] = "Rreaddir",
	    [P9_TFSYNC] = "Tfsync",
	    [P9_RFSYNC] = "Rfsync",
	    [P9_TLOCK] = "Tlock",
	    [P9_RLOCK] = "Rlock",
	    [P9_TGETLOCK] = "Tgetlock",
	    [P9_RGETLOCK] = "Rgetlock",
	    [P9_TLINK] = "Tlink",
	    [P9_RLINK] = "Rlink",
	    [P9_TMKDIR] = "Tmkdir",
	    [P9_RMKDIR] = "Rmkdir",
	    [P9_TRENAMEAT] = "Trenameat",
	    [P9_RRENAMEAT] = "Rrenameat",
	    [P9_TUNLINKAT] = "Tunlinkat",
	    [P9_RUNLINKAT] = "Runlinkat",
	    [P9_TVERSION] = "Tversion",
	    [P9_RVERSION] = "Rversion",
	    [P9_TAUTH] = "Tauth",
	    [P9_RAUTH] = "Rauth",
	    [P9_TATTACH] = "Tattach",
	    [P9_RATTACH] = "Rattach",
	    [P9_TFLUSH] = "Tflush",
	    [P9_RFLUSH] = "Rflush",
	    [P9_TWALK] = "Twalk",
	    [P9_RWALK] = "Rwalk",
	    [P9_TREAD] = "Tread",
	    [P9_RREAD] = "Rread",
	    [P9_TWRITE] = "Twrite",
	    [P9_RWRITE] = "Rwrite",
	    [P9_TCLUNK] = "Tclunk",
	    [P9_RCLUNK] = "Rclunk",
	    [P9_TREMOVE] = "Tremove",
	    [P9_RREMOVE] = "Rremove",
	};

	return names[type];
}
