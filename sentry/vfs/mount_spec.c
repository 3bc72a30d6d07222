/* The container's mounts from the command line: see mount_spec.h. */
#include "sentry/vfs/mount_spec.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"
#include "abi/stat.h"
#include "sentry/fs/gofer/gofer_fs.h"
#include "sentry/fs/tmpfs/tmpfs.h"
#include "sentry/vfs/namei.h"
#include "sentry/vfs/vfs.h"

enum spec_type { SPEC_BIND, SPEC_TMPFS, SPEC_MASK, SPEC_READONLY };

static const char *const type_names[] = {
    [SPEC_BIND] = "bind",
    [SPEC_TMPFS] = "tmpfs",
    [SPEC_MASK] = "mask",
    [SPEC_READONLY] = "readonly",
};

struct spec {
	enum spec_type type;
	char tree[16];	/* bind: the gofer's aname */
	unsigned flags; /* MNT_* */
	uint32_t mode, uid, gid;
	uint64_t size, nr_inodes; /* tmpfs; 0: no limit */
	char *dest;
};

static struct spec *specs;
static size_t nspecs;

static int bad(char *err, size_t errlen, const char *arg, const char *why)
{
	snprintf(err, errlen, "--mount=%s: %s", arg, why);
	return -1;
}

/* A decimal number below limit (strict: digits only, no sign). */
static bool number(const char *s, int base, unsigned long limit, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	v = strtoul(s, &end, base);
	if (*end || v >= limit)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* tmpfs's size=, nr_blocks=, nr_inodes=: a number with an optional k, m
 * or g suffix (binary, as tmpfs takes them), times unit. */
static bool amount(const char *s, uint64_t unit, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10, end++;
		break;
	case 'm':
	case 'M':
		v <<= 20, end++;
		break;
	case 'g':
	case 'G':
		v <<= 30, end++;
		break;
	}
	if (*end || v > (1ULL << 50))
		return false;
	*out = v * unit;
	return true;
}

static int parse_opts(struct spec *s, char *opts, const char *arg, char *err,
		      size_t errlen)
{
	static const struct {
		const char *name;
		unsigned set, clear;
	} flags[] = {
	    {"ro", MNT_RDONLY, 0},     {"rw", 0, MNT_RDONLY},
	    {"nosuid", MNT_NOSUID, 0}, {"suid", 0, MNT_NOSUID},
	    {"nodev", MNT_NODEV, 0},   {"dev", 0, MNT_NODEV},
	    {"noexec", MNT_NOEXEC, 0}, {"exec", 0, MNT_NOEXEC},
	};
	char *save = NULL;

	for (char *o = strtok_r(opts, ",", &save); o;
	     o = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
			if (!strcmp(o, flags[i].name))
				break;
		if (i < sizeof(flags) / sizeof(flags[0])) {
			s->flags = (s->flags | flags[i].set) & ~flags[i].clear;
			continue;
		}
		if (s->type == SPEC_TMPFS &&
		    ((!strncmp(o, "mode=", 5) &&
		      number(o + 5, 8, 010000, &s->mode)) ||
		     (!strncmp(o, "uid=", 4) &&
		      number(o + 4, 10, UINT32_MAX, &s->uid)) ||
		     (!strncmp(o, "gid=", 4) &&
		      number(o + 4, 10, UINT32_MAX, &s->gid)) ||
		     (!strncmp(o, "size=", 5) && amount(o + 5, 1, &s->size)) ||
		     (!strncmp(o, "nr_blocks=", 10) &&
		      amount(o + 10, 4096, &s->size)) ||
		     (!strncmp(o, "nr_inodes=", 10) &&
		      amount(o + 10, 1, &s->nr_inodes))))
			continue;
		snprintf(err, errlen, "--mount=%s: unknown or bad option %s",
			 arg, o);
		return -1;
	}
	return 0;
}

int mount_spec_add(const char *arg, char *err, size_t errlen)
{
	struct spec s = {.mode = 01777};
	char *copy = strdup(arg), *f[4], *p;
	struct spec *grown;
	size_t t;
	int ret = -1;

	if (!copy)
		return bad(err, errlen, arg, "out of memory");
	/* TYPE:SRC:OPTS:DEST, DEST last so that it may hold ':'. */
	p = copy;
	for (int i = 0; i < 3; i++) {
		f[i] = p;
		p = strchr(p, ':');
		if (!p) {
			bad(err, errlen, arg, "want TYPE:SRC:OPTS:DEST");
			goto out;
		}
		*p++ = 0;
	}
	f[3] = p;
	for (t = 0; t < sizeof(type_names) / sizeof(type_names[0]); t++)
		if (!strcmp(f[0], type_names[t]))
			break;
	if (t == sizeof(type_names) / sizeof(type_names[0])) {
		bad(err, errlen, arg, "unknown mount type");
		goto out;
	}
	s.type = (enum spec_type)t;
	if (s.type == SPEC_BIND) {
		uint32_t n;

		if (!number(f[1], 10, 100000, &n) || n == 0) {
			bad(err, errlen, arg, "bind needs a tree number >= 1");
			goto out;
		}
		/* n <= 100000; the modulo tells the compiler it fits. */
		snprintf(s.tree, sizeof(s.tree), "%u", n % 1000000u);
	} else if (*f[1]) {
		bad(err, errlen, arg, "only bind mounts have a source");
		goto out;
	}
	if (s.type >= SPEC_MASK && *f[2]) {
		bad(err, errlen, arg,
		    "masked and read-only paths take no "
		    "options");
		goto out;
	}
	if (parse_opts(&s, f[2], arg, err, errlen) < 0)
		goto out;
	if (f[3][0] != '/') {
		bad(err, errlen, arg, "the destination must be absolute");
		goto out;
	}
	s.dest = strdup(f[3]);
	grown = realloc(specs, (nspecs + 1) * sizeof(*specs));
	if (!s.dest || !grown) {
		free(s.dest);
		if (grown)
			specs = grown;
		bad(err, errlen, arg, "out of memory");
		goto out;
	}
	specs = grown;
	specs[nspecs++] = s;
	ret = 0;
out:
	free(copy);
	return ret;
}

/* mkdir -p of path's directories; the last component too when last. */
static int make_dirs(const struct walk_ctx *wc, const char *path, bool last)
{
	char buf[VFS_PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -LINUX_ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && (buf[i] || !last))
			continue;
		char c = buf[i];
		buf[i] = 0;
		int ret = vfs_mkdir(wc, buf, 0755);
		buf[i] = c;
		if (ret < 0 && ret != -LINUX_EEXIST)
			return ret;
	}
	return 0;
}

/* Resolve dest, creating it (a directory, or an empty file when dir is
 * false) and its parents when missing. */
static int mountpoint(const struct walk_ctx *wc, const char *dest, bool dir,
		      struct path *p)
{
	int ret = vfs_walk(wc, dest, LOOKUP_FOLLOW, p);
	if (ret != -LINUX_ENOENT)
		return ret;
	ret = make_dirs(wc, dest, dir);
	if (ret == 0 && !dir)
		ret = vfs_mknod(wc, dest, LINUX_S_IFREG | 0644, 0);
	if (ret < 0 && ret != -LINUX_EEXIST)
		return ret;
	return vfs_walk(wc, dest, LOOKUP_FOLLOW, p);
}

/* Hide p: a directory under an empty read-only tmpfs, anything else under
 * /dev/null (as runc does). */
static int mask(const struct walk_ctx *wc, const struct path *p)
{
	if (LINUX_S_ISDIR(p->dentry->inode->mode)) {
		struct super *sb = tmpfs_new(0755);
		if (!sb)
			return -LINUX_ENOMEM;
		return vfs_mount_tree(p, sb->root, MNT_RDONLY, "tmpfs");
	}
	struct path null;
	int ret = vfs_walk(wc, "/dev/null", 0, &null);
	if (ret < 0)
		return ret;
	ret = vfs_mount_tree(p, null.dentry, 0, null.mnt->source);
	path_put(&null);
	return ret;
}

static int apply_one(const struct walk_ctx *wc, struct super *gofer,
		     const struct spec *s)
{
	struct super *sb = NULL;
	struct path p;
	int ret;

	switch (s->type) {
	case SPEC_MASK:
	case SPEC_READONLY:
		ret = vfs_walk(wc, s->dest, LOOKUP_FOLLOW, &p);
		if (ret == -LINUX_ENOENT || ret == -LINUX_ENOTDIR)
			return 0; /* runc skips what is not there */
		if (ret < 0)
			return ret;
		if (s->type == SPEC_MASK)
			ret = mask(wc, &p);
		else
			ret = vfs_mount_tree(&p, p.dentry,
					     p.mnt->flags | MNT_RDONLY,
					     p.mnt->source);
		path_put(&p);
		return ret;
	case SPEC_BIND:
		if (!gofer)
			return -LINUX_ENODEV;
		/* A read-only bind is read-only in the gofer too (its tree
		 * is mounted so); the mount flag says so to the sandbox. */
		sb = goferfs_attach(gofer, s->tree, false, &ret);
		if (!sb)
			return ret;
		break;
	case SPEC_TMPFS:
		sb = tmpfs_new(s->mode);
		if (!sb)
			return -LINUX_ENOMEM;
		sb->root->inode->uid = s->uid;
		sb->root->inode->gid = s->gid;
		tmpfs_set_limits(sb, s->size, s->nr_inodes);
		break;
	}
	ret = mountpoint(wc, s->dest, LINUX_S_ISDIR(sb->root->inode->mode), &p);
	if (ret < 0)
		return ret;
	ret = vfs_mount_tree(&p, sb->root, s->flags, sb->fstype);
	path_put(&p);
	return ret;
}

void mount_spec_clear(void)
{
	for (size_t i = 0; i < nspecs; i++)
		free(specs[i].dest);
	free(specs);
	specs = NULL;
	nspecs = 0;
}

int mount_spec_apply(struct mount *rm, struct super *gofer, char *err,
		     size_t errlen)
{
	struct walk_ctx wc = {.root = {rm, rm->root}, .start = {rm, rm->root}};
	int ret = 0;
	size_t i;

	for (i = 0; i < nspecs && ret == 0; i++) {
		ret = apply_one(&wc, gofer, &specs[i]);
		if (ret < 0)
			snprintf(err, errlen, "%s mount on %s: %s",
				 type_names[specs[i].type], specs[i].dest,
				 linux_errno_msg(-ret));
	}
	mount_spec_clear();
	return ret < 0 ? -1 : 0;
}
