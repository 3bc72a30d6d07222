/* config.json's mounts for the sandbox: see mounts.h. */
#define _GNU_SOURCE
#include "runsc/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Resolved like a path inside the container: ".." and absolute symlinks
 * stop at rootfs. */
static int open_in_root(int root, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_PATH | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	if (!*path)
		return fcntl(root, F_DUPFD_CLOEXEC, 0);
	return (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
}

/* Make buf's last component (from start on) in its resolved parent, by
 * name only (a symlink there is never followed), unless it exists. */
static int make_one(int root, char *buf, size_t start, bool file)
{
	int fd = open_in_root(root, buf, 0), parent;

	if (fd >= 0)
		return close(fd);
	if (errno != ENOENT)
		return -1;
	if (start)
		buf[start - 1] = 0;
	parent = open_in_root(root, start ? buf : "", O_DIRECTORY);
	if (start)
		buf[start - 1] = '/';
	if (parent < 0)
		return -1;
	if (file) {
		fd = openat(
		    parent, buf + start,
		    O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	} else {
		fd = mkdirat(parent, buf + start, 0755);
	}
	close(parent);
	return fd < 0 && errno != EEXIST ? -1 : 0;
}

int mkdir_beneath(const char *rootfs, const char *path, int dir)
{
	char buf[PATH_MAX];
	size_t n, start = 0;
	int root, ret = 0;

	while (*path == '/')
		path++;
	n = strlen(path);
	while (n && path[n - 1] == '/')
		n--;
	if (n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n);
	buf[n] = 0;
	root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -1;
	/* One component at a time: buf[0..end) is the prefix so far. */
	while (start < n && ret == 0) {
		char *slash = memchr(buf + start, '/', n - start);
		size_t end = slash ? (size_t)(slash - buf) : n;

		buf[end] = 0;
		ret = make_one(root, buf, start, end == n && !dir);
		if (end < n)
			buf[end] = '/';
		start = end + 1;
	}
	close(root);
	return ret;
}

/* The types whose mounts the sandbox makes by itself. */
static bool sandbox_provides(const struct oci_mount *m)
{
	static const char *const types[] = {
	    "proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2", NULL};
	const char *t = m->type ? m->type : "";

	for (int i = 0; types[i]; i++)
		if (!strcmp(t, types[i]))
			return true;
	/* /dev/shm's tmpfs is a mount like any (its size= and flags count);
	 * /dev itself is the sentry's tmpfs already. */
	return !strcmp(t, "tmpfs") && !strcmp(m->destination, "/dev");
}

static bool in_list(const char *o, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(o, *list))
			return true;
	return false;
}

static bool has_prefix_in(const char *o, const char *const *list)
{
	for (; *list; list++)
		if (!strncmp(o, *list, strlen(*list)))
			return true;
	return false;
}

static bool is_bind(const struct oci_mount *om)
{
	if (om->type && !strcmp(om->type, "bind"))
		return true;
	for (size_t j = 0; j < om->n_options; j++)
		if (!strcmp(om->options[j], "bind") ||
		    !strcmp(om->options[j], "rbind"))
			return true;
	return false;
}

static char *keep(struct container_mounts *m, char *s)
{
	if (s)
		m->owned[m->n_owned++] = s;
	return s;
}

/* mounts[i]'s options as the sentry's OPTS (into opts[size]); sets
 * *read_only. -1 with e naming the option. */
static int options(const struct globals *g, const struct oci_mount *om,
		   size_t i, bool bind, char *opts, size_t size,
		   bool *read_only, struct rerr *e)
{
	static const char *const flags[] = {"ro",     "rw",    "nosuid",
					    "suid",   "nodev", "dev",
					    "noexec", "exec",  NULL};
	static const char *const ignored[] = {
	    "bind",	  "rbind",	 "private",	"rprivate",
	    "shared",	  "rshared",	 "slave",	"rslave",
	    "unbindable", "runbindable", "relatime",	"norelatime",
	    "noatime",	  "atime",	 "strictatime", "nostrictatime",
	    "nodiratime", "diratime",	 "sync",	"async",
	    NULL};
	static const char *const tmpfs_kept[] = {
	    "mode=", "uid=", "gid=", "size=", "nr_inodes=", "nr_blocks=", NULL};
	size_t n = 0;

	*read_only = false;
	opts[0] = 0;
	for (size_t j = 0; j < om->n_options; j++) {
		const char *o = om->options[j];

		if (in_list(o, flags)) {
			if (!strcmp(o, "ro") || !strcmp(o, "rw"))
				*read_only = o[0] == 'r' && o[1] == 'o';
		} else if (in_list(o, ignored)) {
			continue;
		} else if (!bind && has_prefix_in(o, tmpfs_kept)) {
			;
		} else {
			return rerr_set(
			    e, 0,
			    "config.json: mounts[%zu].options[%zu]: "
			    "unsupported option \"%s\"",
			    i, j, o);
		}
		n += (size_t)snprintf(opts + n, size > n ? size - n : 0, "%s%s",
				      n ? "," : "", o);
		if (n >= size)
			return rerr_set(e, 0,
					"config.json: mounts[%zu].options: "
					"too long",
					i);
	}
	return 0;
}

static int add_mount(const struct globals *g, const struct oci_mount *om,
		     size_t i, const char *bundle, struct container_mounts *m,
		     struct rerr *e)
{
	struct sandbox_mount *sm = &m->v[m->n];
	bool bind = is_bind(om);
	char opts[512], *src = NULL;
	struct stat st;

	if (!bind && !(om->type && !strcmp(om->type, "tmpfs")))
		return rerr_set(e, 0,
				"config.json: mounts[%zu].type: %s mounts are "
				"not supported",
				i, om->type ? om->type : "(none)");
	if (!strcmp(om->destination, "/"))
		return rerr_set(e, 0,
				"config.json: mounts[%zu].destination: cannot "
				"mount over the root",
				i);
	if (options(g, om, i, bind, opts, sizeof(opts), &sm->read_only, e) < 0)
		return -1;
	if (bind) {
		if (!om->source)
			return rerr_set(e, 0,
					"config.json: mounts[%zu].source: "
					"missing for a bind mount",
					i);
		if (om->source[0] == '/')
			src = strdup(om->source);
		else if (asprintf(&src, "%s/%s", bundle, om->source) < 0)
			src = NULL;
		if (!keep(m, src))
			return rerr_set(e, ENOMEM, "config.json: mounts");
		if (stat(src, &st) < 0)
			return rerr_set(e, errno,
					"config.json: mounts[%zu].source: %s",
					i, src);
	}
	sm->type = bind ? "bind" : "tmpfs";
	sm->source = src;
	sm->dest = om->destination;
	sm->options = keep(m, strdup(opts));
	if (!sm->options)
		return rerr_set(e, ENOMEM, "config.json: mounts");
	m->n++;
	return 0;
}

/* As runc: each mount point is made in root.path (also when it is
 * read-only to the container), once every entry is known good. Failing
 * is not an error here: the sentry says what it cannot mount. */
static void make_mount_points(const struct globals *g,
			      const struct container_mounts *m,
			      const char *rootfs)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct sandbox_mount *sm = &m->v[i];
		struct stat st = {.st_mode = S_IFDIR};

		/* The sentry's own trees: it makes mount points there. */
		if (!strncmp(sm->dest, "/dev/", 5) ||
		    !strncmp(sm->dest, "/proc/", 6))
			continue;
		if (sm->source && stat(sm->source, &st) < 0)
			continue;
		if (mkdir_beneath(rootfs, sm->dest, S_ISDIR(st.st_mode)) < 0)
			cli_log(g, "debug", false, "creating %s in %s: %s",
				sm->dest, rootfs, strerror(errno));
	}
}

int container_mounts_build(const struct globals *g, const struct oci_spec *s,
			   const char *bundle, const char *rootfs,
			   struct container_mounts *m, struct rerr *e)
{
	size_t cap =
	    s->n_mounts + s->lnx.n_readonly_paths + s->lnx.n_masked_paths + 1;

	memset(m, 0, sizeof(*m));
	m->v = calloc(cap, sizeof(*m->v));
	m->owned = calloc(2 * s->n_mounts + 1, sizeof(*m->owned));
	if (!m->v || !m->owned) {
		container_mounts_free(m);
		return rerr_set(e, ENOMEM, "config.json: mounts");
	}
	for (size_t i = 0; i < s->n_mounts; i++) {
		if (sandbox_provides(&s->mounts[i]))
			continue;
		if (add_mount(g, &s->mounts[i], i, bundle, m, e) < 0) {
			container_mounts_free(m);
			return -1;
		}
	}
	make_mount_points(g, m, rootfs);
	for (size_t i = 0; i < s->lnx.n_readonly_paths; i++)
		m->v[m->n++] = (struct sandbox_mount){
		    .type = "readonly", .dest = s->lnx.readonly_paths[i]};
	for (size_t i = 0; i < s->lnx.n_masked_paths; i++)
		m->v[m->n++] = (struct sandbox_mount){
		    .type = "mask", .dest = s->lnx.masked_paths[i]};
	return 0;
}

void container_mounts_free(struct container_mounts *m)
{
	for (size_t i = 0; i < m->n_owned; i++)
		free(m->owned[i]);
	free(m->owned);
	free(m->v);
	memset(m, 0, sizeof(*m));
}
