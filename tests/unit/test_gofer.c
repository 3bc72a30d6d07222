/* runsc-gofer end to end: the gofer (found next to this binary) serves a
 * temporary tree on a socketpair; the sentry's client (p9client.h) talks to
 * it. The gofer runs under its seccomp filter in every test, so a syscall
 * missing from the filter shows up as a killed gofer at teardown. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "abi/errno.h"
#include "abi/stat.h"
#include "abi/fcntl.h"
#include "gofer/p9/p9.h"
#include "gofer/server.h"
#include "sentry/fs/gofer/p9client.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define GOFER_FIDS_TRIED 70000

static char gofer_path[PATH_MAX];
static char tree[256];
static char big[300000];

struct gofer {
	pid_t pid;
	int fd; /* our end, until handed to the client */
	struct p9_client *c;
	uint32_t root;
};

static void put_file(const char *rel, const void *data, size_t len)
{
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void mk(const char *fmt, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	if (strcmp(fmt, "dir") == 0)
		assert_int_equal(mkdir(p, 0755), 0);
	else
		assert_int_equal(mkfifo(p, 0644), 0);
}

static void link_to(const char *target, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int group_setup(void **state)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return -1;
	self[n] = 0;
	snprintf(gofer_path, sizeof(gofer_path), "%s/runsc-gofer",
		 dirname(self));
	snprintf(tree, sizeof(tree), "/tmp/test_gofer.XXXXXX");
	if (!mkdtemp(tree))
		return -1;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 251);
	put_file("hello", "hello world\n", 12);
	put_file("big", big, sizeof(big));
	mk("dir", "sub");
	put_file("sub/inner", "inner\n", 6);
	mk("dir", "sub/deeper");
	link_to("/etc/passwd", "escape");
	link_to("../../..", "up");
	link_to("hello", "rel");
	mk("fifo", "fifo");
	mk("dir", "rw");
	signal(SIGPIPE, SIG_DFL); /* the client must not need SIG_IGN */
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
	return system(cmd) == 0 ? 0 : -1;
}

/* Start a gofer on a fresh socketpair (extra: more arguments, or NULL);
 * the client is not connected. */
static void spawn_with(struct gofer *g, bool ro, const char *const *extra)
{
	int sv[2];

	memset(g, 0, sizeof(*g));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			 0);
	g->pid = fork();
	assert_true(g->pid >= 0);
	if (g->pid == 0) {
		char fdstr[16];
		int fd = dup(sv[1]); /* without CLOEXEC */

		const char *args[16] = {"runsc-gofer", "--root", tree, "--fd",
					fdstr};
		int n = 5;

		snprintf(fdstr, sizeof(fdstr), "%d", fd);
		if (ro)
			args[n++] = "--ro";
		while (extra && *extra && n < 15)
			args[n++] = *extra++;
		execv(gofer_path, (char *const *)args);
		_exit(127);
	}
	close(sv[1]);
	g->fd = sv[0];
}

static void spawn(struct gofer *g, bool ro)
{
	spawn_with(g, ro, NULL);
}

static void start(struct gofer *g, bool ro, uint32_t msize)
{
	struct p9_qid q;
	int err = 0;

	spawn(g, ro);
	g->c = p9c_connect(g->fd, msize, &err);
	assert_non_null(g->c);
	assert_int_equal(p9c_attach(g->c, "", &g->root, &q), 0);
	assert_int_equal(q.type, P9_QTDIR);
}

/* Close the connection and check the gofer exited cleanly (status 0, not
 * killed by its seccomp filter or a crash). */
static void stop(struct gofer *g, int want_status)
{
	int status;

	if (g->c)
		p9c_close(g->c);
	else
		close(g->fd);
	assert_int_equal(waitpid(g->pid, &status, 0), g->pid);
	if (!WIFEXITED(status))
		fail_msg("gofer died with signal %d", WTERMSIG(status));
	assert_int_equal(WEXITSTATUS(status), want_status);
}

/* The gofer's tree ("/0") is mounted nodev,nosuid in its namespace, and
 * read-only when serving read-only. */
static void check_root_mount(struct gofer *g, bool ro)
{
	char p[64], line[1024], mnt[512], opts[512];
	bool found = false;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/mountinfo", (int)g->pid);
	f = fopen(p, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %*s %511s %511s", mnt, opts) != 2)
			continue;
		if (strcmp(mnt, "/0") == 0) {
			found = true;
			assert_int_equal(strncmp(opts, "ro,", 3) == 0, ro);
			assert_non_null(strstr(opts, "nodev"));
			assert_non_null(strstr(opts, "nosuid"));
		}
		/* The directory of the trees is read-only itself. */
		if (strcmp(mnt, "/") == 0)
			assert_int_equal(strncmp(opts, "ro,", 3), 0);
	}
	fclose(f);
	assert_true(found);
}

/* The gofer confined itself: seccomp filter mode, no_new_privs, and its
 * root holds the tree and nothing else. */
static void check_confined(struct gofer *g)
{
	char p[64], line[256];
	bool seccomp = false, nnp = false;
	struct stat a, b;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/status", (int)g->pid);
	f = fopen(p, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (strcmp(line, "Seccomp:\t2\n") == 0)
			seccomp = true;
		if (strcmp(line, "NoNewPrivs:\t1\n") == 0)
			nnp = true;
	}
	fclose(f);
	assert_true(seccomp);
	assert_true(nnp);
	/* Its "/" holds the trees and nothing else: the tree is "0". */
	snprintf(p, sizeof(p), "/proc/%d/root/0", (int)g->pid);
	assert_int_equal(stat(p, &a), 0);
	assert_int_equal(stat(tree, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_dev, b.st_dev);
	snprintf(p, sizeof(p), "/proc/%d/root/", (int)g->pid);
	DIR *d = opendir(p);
	struct dirent *de;
	int n = 0;
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	assert_int_equal(n, 1);
}

static uint32_t walk(struct gofer *g, const char *a, const char *b)
{
	const char *names[2] = {a, b};
	uint32_t fid;

	assert_int_equal(p9c_walk(g->c, g->root, b ? 2 : 1, names, &fid, NULL),
			 0);
	return fid;
}

static void test_attach_walk_getattr(void **state)
{
	struct gofer g;
	struct p9_attr a;
	struct p9_qid q;
	const char *names[] = {"sub", "inner"};
	uint32_t fid, clone;

	start(&g, false, 65536);
	check_confined(&g);
	check_root_mount(&g, false);
	assert_int_equal(p9c_walk(g.c, g.root, 2, names, &fid, &q), 0);
	assert_int_equal(q.type, P9_QTFILE);
	assert_int_equal(p9c_getattr(g.c, fid, P9_GETATTR_BASIC, &a), 0);
	assert_true(S_ISREG(a.mode));
	assert_int_equal(a.size, 6);
	assert_int_equal(a.valid & P9_GETATTR_BASIC, P9_GETATTR_BASIC);

	assert_int_equal(p9c_walk(g.c, fid, 0, NULL, &clone, NULL), 0);
	assert_int_not_equal(clone, fid);
	assert_int_equal(p9c_getattr(g.c, clone, P9_GETATTR_BASIC, &a), 0);
	assert_int_equal(a.size, 6);
	assert_int_equal(p9c_clunk(g.c, clone), 0);
	assert_int_equal(p9c_clunk(g.c, fid), 0);

	assert_int_equal(p9c_getattr(g.c, g.root, P9_GETATTR_BASIC, &a), 0);
	assert_true(S_ISDIR(a.mode));
	assert_int_equal(a.qid.type, P9_QTDIR);

	/* Missing names: first component is the gofer's error, later ones a
	 * partial walk; neither creates a fid. */
	names[0] = "nope";
	assert_int_equal(p9c_walk(g.c, g.root, 1, names, &fid, NULL),
			 -LINUX_ENOENT);
	names[0] = "sub";
	names[1] = "nope";
	assert_int_equal(p9c_walk(g.c, g.root, 2, names, &fid, NULL),
			 -LINUX_ENOENT);
	names[0] = "hello";
	names[1] = "x";
	assert_int_equal(p9c_walk(g.c, g.root, 1, names + 1, &fid, NULL),
			 -LINUX_ENOENT);
	assert_int_equal(p9c_walk(g.c, g.root, 2, names, &fid, NULL),
			 -LINUX_ENOENT);
	stop(&g, 0);
}

static void test_long_walk(void **state)
{
	struct gofer g;
	const char *names[40];
	struct p9_qid q;
	uint32_t fid;
	char p[PATH_MAX];

	/* 20 levels: more than one Twalk's worth. */
	snprintf(p, sizeof(p), "%s/sub/deeper", tree);
	for (int i = 0; i < 18; i++) {
		strcat(p, "/d");
		mkdir(p, 0755);
	}
	start(&g, false, 8192);
	names[0] = "sub";
	names[1] = "deeper";
	for (int i = 2; i < 20; i++)
		names[i] = "d";
	assert_int_equal(p9c_walk(g.c, g.root, 20, names, &fid, &q), 0);
	assert_int_equal(q.type, P9_QTDIR);
	assert_int_equal(p9c_clunk(g.c, fid), 0);
	names[19] = "missing";
	assert_int_equal(p9c_walk(g.c, g.root, 20, names, &fid, &q),
			 -LINUX_ENOENT);
	stop(&g, 0);
}

static void test_read(void **state)
{
	static char buf[sizeof(big) + 100];
	struct gofer g;
	uint32_t fid, iounit;
	struct p9_qid q;

	/* Small msize: the big read is split into many Treads. */
	start(&g, false, 8192);
	assert_int_equal(p9c_msize(g.c), 8192);
	fid = walk(&g, "hello", NULL);
	assert_int_equal(p9c_read(g.c, fid, 0, buf, 10), -LINUX_EBADF);
	assert_int_equal(p9c_lopen(g.c, fid, LINUX_O_RDONLY, &q, &iounit, NULL),
			 0);
	assert_int_equal(q.type, P9_QTFILE);
	assert_int_equal(p9c_lopen(g.c, fid, LINUX_O_RDONLY, NULL, NULL, NULL),
			 -LINUX_EINVAL);
	assert_int_equal(p9c_read(g.c, fid, 0, buf, sizeof(buf)), 12);
	assert_memory_equal(buf, "hello world\n", 12);
	assert_int_equal(p9c_read(g.c, fid, 6, buf, 5), 5);
	assert_memory_equal(buf, "world", 5);
	assert_int_equal(p9c_read(g.c, fid, 100, buf, 5), 0);
	assert_int_equal(p9c_clunk(g.c, fid), 0);

	fid = walk(&g, "big", NULL);
	assert_int_equal(p9c_lopen(g.c, fid, LINUX_O_RDONLY, NULL, NULL, NULL),
			 0);
	assert_int_equal(p9c_read(g.c, fid, 0, buf, sizeof(buf)), sizeof(big));
	assert_memory_equal(buf, big, sizeof(big));
	assert_int_equal(p9c_read(g.c, fid, 12345, buf, 20000), 20000);
	assert_memory_equal(buf, big + 12345, 20000);
	assert_int_equal(p9c_clunk(g.c, fid), 0);

	/* The dialect's donated descriptor: a regular file comes with one
	 * of the access mode asked for, which reads the same bytes; a
	 * directory does not. */
	{
		int hfd = -2;

		fid = walk(&g, "hello", NULL);
		assert_int_equal(
		    p9c_lopen(g.c, fid, LINUX_O_RDONLY, NULL, NULL, &hfd), 0);
		assert_true(hfd >= 0);
		assert_int_equal(fcntl(hfd, F_GETFL) & O_ACCMODE, O_RDONLY);
		assert_int_equal(pread(hfd, buf, 64, 0), 12);
		assert_memory_equal(buf, "hello world\n", 12);
		assert_true(fcntl(hfd, F_GETFD) & FD_CLOEXEC);
		close(hfd);
		assert_int_equal(p9c_clunk(g.c, fid), 0);
		fid = walk(&g, "sub", NULL);
		assert_int_equal(p9c_lopen(g.c, fid,
					   LINUX_O_RDONLY | LINUX_O_DIRECTORY,
					   NULL, NULL, &hfd),
				 0);
		assert_int_equal(hfd, -1);
		assert_int_equal(p9c_clunk(g.c, fid), 0);
		fid = walk(&g, "hello", NULL);
		assert_int_equal(
		    p9c_lopen(g.c, fid, LINUX_O_RDWR, NULL, NULL, &hfd), 0);
		assert_true(hfd >= 0);
		assert_int_equal(fcntl(hfd, F_GETFL) & O_ACCMODE, O_RDWR);
		close(hfd);
		assert_int_equal(p9c_clunk(g.c, fid), 0);
	}

	/* Opening a directory for writing, a FIFO, a symlink. */
	fid = walk(&g, "sub", NULL);
	assert_int_equal(p9c_lopen(g.c, fid, LINUX_O_RDWR, NULL, NULL, NULL),
			 -LINUX_EISDIR);
	assert_int_equal(p9c_clunk(g.c, fid), 0);
	fid = walk(&g, "fifo", NULL);
	assert_int_equal(p9c_lopen(g.c, fid, LINUX_O_RDONLY, NULL, NULL, NULL),
			 -LINUX_EOPNOTSUPP);
	assert_int_equal(p9c_clunk(g.c, fid), 0);
	fid = walk(&g, "rel", NULL);
	assert_int_equal(p9c_lopen(g.c, fid, LINUX_O_RDONLY, NULL, NULL, NULL),
			 -LINUX_ELOOP);
	assert_int_equal(p9c_clunk(g.c, fid), 0);
	fid = walk(&g, "hello", NULL);
	assert_int_equal(p9c_lopen(g.c, fid, LINUX_O_RDONLY | LINUX_O_DIRECTORY,
				   NULL, NULL, NULL),
			 -LINUX_ENOTDIR);
	assert_int_equal(p9c_clunk(g.c, fid), 0);
	stop(&g, 0);
}

static void test_readdir(void **state)
{
	static const char *const want[] = {"hello", "big", "sub",  "escape",
					   "up",    "rel", "fifo", "rw"};
	bool seen[8] = {0};
	char buf[512];
	struct gofer g;
	uint64_t off = 0;
	uint32_t fid;
	int entries = 0, calls = 0;
	long n;

	start(&g, false, 8192);
	assert_int_equal(p9c_walk(g.c, g.root, 0, NULL, &fid, NULL), 0);
	assert_int_equal(p9c_readdir(g.c, fid, 0, buf, sizeof(buf)),
			 -LINUX_EBADF);
	assert_int_equal(p9c_lopen(g.c, fid, LINUX_O_RDONLY, NULL, NULL, NULL),
			 0);
	/* A small count: several Treaddirs, each resuming at an offset. */
	while ((n = p9c_readdir(g.c, fid, off, buf, 80)) > 0) {
		struct p9_dirent_iter it;
		struct p9_dirent d;
		int r;

		calls++;
		p9_dirent_iter_init(&it, buf, (size_t)n);
		while ((r = p9_dirent_next(&it, &d)) == 1) {
			entries++;
			off = d.offset;
			for (int i = 0; i < 8; i++)
				if (p9_str_eq(d.name, want[i])) {
					assert_false(seen[i]);
					seen[i] = true;
					if (i == 2)
						assert_int_equal(d.qid.type,
								 P9_QTDIR);
				}
		}
		assert_int_equal(r, 0);
		assert_true(calls < 100);
	}
	assert_int_equal(n, 0);
	assert_true(calls > 1);
	assert_int_equal(entries, 10); /* with "." and ".." */
	for (int i = 0; i < 8; i++)
		assert_true(seen[i]);
	/* Count too small for one entry. */
	assert_int_equal(p9c_readdir(g.c, fid, 0, buf, 10), -LINUX_EINVAL);
	assert_int_equal(p9c_clunk(g.c, fid), 0);
	stop(&g, 0);
}

static void test_symlinks_do_not_escape(void **state)
{
	const char *names[3];
	struct gofer g;
	struct p9_attr a;
	char buf[PATH_MAX];
	uint32_t fid, fid2;

	start(&g, false, 65536);
	fid = walk(&g, "escape", NULL);
	assert_int_equal(p9c_getattr(g.c, fid, P9_GETATTR_BASIC, &a), 0);
	assert_true(S_ISLNK(a.mode));
	assert_int_equal(p9c_readlink(g.c, fid, buf, sizeof(buf)), 11);
	assert_string_equal(buf, "/etc/passwd");
	assert_int_equal(p9c_readlink(g.c, fid, buf, 5), -LINUX_ENAMETOOLONG);
	assert_int_equal(p9c_lopen(g.c, fid, LINUX_O_RDONLY, NULL, NULL, NULL),
			 -LINUX_ELOOP);
	/* Through the symlink: not a directory to the gofer. */
	names[0] = "x";
	assert_int_equal(p9c_walk(g.c, fid, 1, names, &fid2, NULL),
			 -LINUX_ENOTDIR);
	assert_int_equal(p9c_clunk(g.c, fid), 0);

	fid = walk(&g, "up", NULL);
	assert_int_equal(p9c_readlink(g.c, fid, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "../../..");
	names[0] = "etc";
	assert_int_equal(p9c_walk(g.c, fid, 1, names, &fid2, NULL),
			 -LINUX_ENOTDIR);
	assert_int_equal(p9c_clunk(g.c, fid), 0);

	/* ".." and friends are refused, at any position. */
	names[0] = "..";
	assert_int_equal(p9c_walk(g.c, g.root, 1, names, &fid, NULL),
			 -LINUX_EINVAL);
	names[0] = "sub";
	names[1] = "..";
	names[2] = "..";
	assert_int_equal(p9c_walk(g.c, g.root, 3, names, &fid, NULL),
			 -LINUX_EINVAL);
	names[1] = ".";
	assert_int_equal(p9c_walk(g.c, g.root, 2, names, &fid, NULL),
			 -LINUX_EINVAL);
	names[1] = "";
	assert_int_equal(p9c_walk(g.c, g.root, 2, names, &fid, NULL),
			 -LINUX_EINVAL);
	names[0] = "sub/inner";
	assert_int_equal(p9c_walk(g.c, g.root, 1, names, &fid, NULL),
			 -LINUX_EINVAL);
	/* Absolute host paths mean nothing: /etc is not in the tree. */
	names[0] = "etc";
	names[1] = "passwd";
	assert_int_equal(p9c_walk(g.c, g.root, 2, names, &fid, NULL),
			 -LINUX_ENOENT);
	/* readlink of a non-symlink. */
	fid = walk(&g, "hello", NULL);
	assert_int_equal(p9c_readlink(g.c, fid, buf, sizeof(buf)),
			 -LINUX_EINVAL);
	assert_int_equal(p9c_clunk(g.c, fid), 0);
	stop(&g, 0);
}

static void test_statfs_badfid_clunk(void **state)
{
	struct gofer g;
	struct p9_statfs st;
	struct p9_attr a;
	char buf[16];
	uint32_t fid;
	const char *names[] = {"hello"};

	start(&g, false, 65536);
	assert_int_equal(p9c_statfs(g.c, g.root, &st), 0);
	assert_true(st.bsize > 0);
	assert_true(st.namelen >= 255);
	assert_int_equal(p9c_getattr(g.c, 4242, P9_GETATTR_BASIC, &a),
			 -LINUX_EBADF);
	assert_int_equal(p9c_statfs(g.c, 4242, &st), -LINUX_EBADF);
	assert_int_equal(p9c_read(g.c, 4242, 0, buf, 4), -LINUX_EBADF);
	assert_int_equal(p9c_walk(g.c, 4242, 1, names, &fid, NULL),
			 -LINUX_EBADF);
	fid = walk(&g, "hello", NULL);
	assert_int_equal(p9c_clunk(g.c, fid), 0);
	assert_int_equal(p9c_clunk(g.c, fid), -LINUX_EBADF);
	assert_int_equal(p9c_getattr(g.c, fid, P9_GETATTR_BASIC, &a),
			 -LINUX_EBADF);
	/* Attaching to anything but the root. */
	assert_int_equal(p9c_attach(g.c, "/etc", &fid, NULL), -LINUX_ENOENT);
	/* The connection still works. */
	assert_int_equal(p9c_getattr(g.c, g.root, P9_GETATTR_BASIC, &a), 0);
	stop(&g, 0);
}

static void test_gofer_death_is_eio(void **state)
{
	struct gofer g;
	struct p9_attr a;
	char buf[8];
	int status;

	start(&g, false, 65536);
	kill(g.pid, SIGKILL);
	assert_int_equal(waitpid(g.pid, &status, 0), g.pid);
	/* No SIGPIPE (left at SIG_DFL in group_setup), no hang. */
	assert_int_equal(p9c_getattr(g.c, g.root, P9_GETATTR_BASIC, &a),
			 -LINUX_EIO);
	assert_int_equal(p9c_read(g.c, g.root, 0, buf, 8), -LINUX_EIO);
	assert_int_equal(p9c_clunk(g.c, g.root), -LINUX_EIO);
	p9c_close(g.c);
}

/* The gofer's fid table is bounded; the client gets ENFILE, not a dead
 * gofer, and everything works again once fids are clunked. */
static void test_fid_limit(void **state)
{
	static uint32_t fids[GOFER_FIDS_TRIED];
	struct gofer g;
	int n = 0, r = 0;

	start(&g, false, 65536);
	while (n < GOFER_FIDS_TRIED) {
		r = p9c_walk(g.c, g.root, 0, NULL, &fids[n], NULL);
		if (r < 0)
			break;
		n++;
	}
	assert_int_equal(r, -LINUX_ENFILE);
	assert_int_equal(n, GOFER_MAX_FIDS - 1); /* plus the root */
	for (int i = 0; i < n; i++)
		assert_int_equal(p9c_clunk(g.c, fids[i]), 0);
	assert_int_equal(p9c_walk(g.c, g.root, 0, NULL, &fids[0], NULL), 0);
	stop(&g, 0);
}

/* Several sentry threads share one client. */
struct hammer {
	struct gofer *g;
	int errors;
};

static void *hammer_thread(void *arg)
{
	struct hammer *h = arg;
	const char *names[] = {"sub", "inner"};
	char buf[16];

	for (int i = 0; i < 300; i++) {
		uint32_t fid;

		if (p9c_walk(h->g->c, h->g->root, 2, names, &fid, NULL) < 0) {
			h->errors++;
			continue;
		}
		if (p9c_lopen(h->g->c, fid, LINUX_O_RDONLY, NULL, NULL, NULL) <
			0 ||
		    p9c_read(h->g->c, fid, 0, buf, sizeof(buf)) != 6 ||
		    memcmp(buf, "inner\n", 6) != 0)
			h->errors++;
		if (p9c_clunk(h->g->c, fid) < 0)
			h->errors++;
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct hammer h[4];
	pthread_t th[4];
	struct gofer g;

	start(&g, false, 65536);
	for (int i = 0; i < 4; i++) {
		h[i].g = &g;
		h[i].errors = 0;
		assert_int_equal(
		    pthread_create(&th[i], NULL, hammer_thread, &h[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(h[i].errors, 0);
	}
	stop(&g, 0);
}

/* ---- raw peers sending garbage ---- */

static void raw_send(int fd, const void *buf, size_t len)
{
	assert_int_equal(p9_send_msg(fd, buf, len), 0);
}

/* Receive one reply and return its type (or -1 at EOF). */
static int raw_reply(int fd, uint8_t *buf, uint32_t *ecode)
{
	struct p9_rlerror e;
	struct p9_hdr h;
	long n = p9_recv_msg(fd, buf, P9_MAX_MSIZE);

	if (n <= 0)
		return -1;
	assert_int_equal(p9_dec_hdr(buf, (size_t)n, &h), 0);
	if (h.type == P9_RLERROR && ecode) {
		assert_int_equal(p9_dec_rlerror(buf, (size_t)n, &e), 0);
		*ecode = e.ecode;
	}
	return h.type;
}

static void raw_version(int fd, uint8_t *buf)
{
	struct p9_tversion tv = {.msize = 65536,
				 .version = p9_str_c(P9_VERSION_L)};
	long n = p9_enc_tversion(buf, P9_MAX_MSIZE, P9_NOTAG, &tv);

	raw_send(fd, buf, (size_t)n);
	assert_int_equal(raw_reply(fd, buf, NULL), P9_RVERSION);
}

static void test_garbage(void **state)
{
	static uint8_t buf[P9_MAX_MSIZE];
	struct gofer g;
	uint32_t ecode = 0;
	long n;

	/* Before Tversion: EPROTO. */
	spawn(&g, false);
	{
		struct p9_tclunk t = {.fid = 1};

		n = p9_enc_tclunk(buf, sizeof(buf), 1, &t);
		raw_send(g.fd, buf, (size_t)n);
		assert_int_equal(raw_reply(g.fd, buf, &ecode), P9_RLERROR);
		assert_int_equal(ecode, LINUX_EPROTO);
	}
	raw_version(g.fd, buf);

	/* Unknown type. */
	memcpy(buf, "\x07\x00\x00\x00\xfa\x01\x00", 7);
	raw_send(g.fd, buf, 7);
	assert_int_equal(raw_reply(g.fd, buf, &ecode), P9_RLERROR);
	assert_int_equal(ecode, LINUX_EOPNOTSUPP);
	/* An R-message sent to the server. */
	memcpy(buf, "\x07\x00\x00\x00\x79\x01\x00", 7);
	raw_send(g.fd, buf, 7);
	assert_int_equal(raw_reply(g.fd, buf, &ecode), P9_RLERROR);

	/* Twalk with nwname 17: malformed. */
	{
		uint8_t m[7 + 10 + 17 * 3];
		size_t o = 7;

		memset(m, 0, sizeof(m));
		m[0] = sizeof(m);
		m[4] = P9_TWALK;
		o += 8;
		m[o++] = 17;
		m[o++] = 0;
		for (int i = 0; i < 17 && o + 3 <= sizeof(m); i++) {
			m[o++] = 1;
			m[o++] = 0;
			m[o++] = 'a';
		}
		raw_send(g.fd, m, o);
		assert_int_equal(raw_reply(g.fd, buf, &ecode), P9_RLERROR);
		assert_int_equal(ecode, LINUX_EPROTO);
	}
	/* A string length running past the end. */
	memcpy(buf,
	       "\x11\x00\x00\x00\x68\x01\x00\x01\x00\x00\x00\xff\xff\xff"
	       "\xff\xff\xff",
	       17);
	raw_send(g.fd, buf, 17);
	assert_int_equal(raw_reply(g.fd, buf, &ecode), P9_RLERROR);
	assert_int_equal(ecode, LINUX_EPROTO);

	/* Random well-framed messages of every type. */
	srand(1234);
	for (int i = 0; i < 3000; i++) {
		size_t len = 7 + (size_t)(rand() % 60);
		int type;

		buf[0] = (uint8_t)len;
		buf[1] = buf[2] = buf[3] = 0;
		for (size_t j = 4; j < len; j++)
			buf[j] = (uint8_t)rand();
		if (i % 2)
			buf[4] = (uint8_t)(P9_TSTATFS + rand() % 116);
		if (buf[4] == P9_TVERSION)
			buf[4] = P9_TFLUSH;
		raw_send(g.fd, buf, len);
		type = raw_reply(g.fd, buf, NULL);
		assert_true(type > 0);
	}
	/* Still serving. */
	{
		struct p9_tattach t = {.fid = 77,
				       .afid = P9_NOFID,
				       .uname = p9_str_c(""),
				       .aname = p9_str_c(""),
				       .n_uname = P9_NONUNAME};

		n = p9_enc_tattach(buf, sizeof(buf), 3, &t);
		raw_send(g.fd, buf, (size_t)n);
		n = raw_reply(g.fd, buf, &ecode);
		/* fid 77 may have been created by the random messages. */
		assert_true(n == P9_RATTACH ||
			    (n == P9_RLERROR && ecode == LINUX_EBADF));
	}
	/* A size field below the header: the stream is lost, clean close. */
	memcpy(buf, "\x03\x00\x00\x00", 4);
	raw_send(g.fd, buf, 4);
	assert_int_equal(raw_reply(g.fd, buf, NULL), -1);
	stop(&g, 2);

	/* A size field above msize. */
	spawn(&g, false);
	raw_version(g.fd, buf);
	memcpy(buf, "\xff\xff\xff\xff\x64\x00\x00", 7);
	raw_send(g.fd, buf, 7);
	assert_int_equal(raw_reply(g.fd, buf, NULL), -1);
	stop(&g, 2);

	/* A peer that disconnects in the middle of a message. */
	spawn(&g, false);
	raw_version(g.fd, buf);
	memcpy(buf, "\x20\x00\x00\x00\x78\x01", 6);
	raw_send(g.fd, buf, 6);
	stop(&g, 2);

	/* A peer that disconnects without a word. */
	spawn(&g, false);
	stop(&g, 0);
}

/* ---- write side ---- */

static void test_write_side(void **state)
{
	struct gofer g;
	struct p9_tsetattr sa = {0};
	struct p9_attr a;
	struct p9_qid q;
	char buf[64];
	uint32_t dir, f, f2;
	const char *names[2];

	start(&g, false, 65536);
	dir = walk(&g, "rw", NULL);
	assert_int_equal(p9c_walk(g.c, dir, 0, NULL, &f, NULL), 0);
	assert_int_equal(
	    p9c_lcreate(g.c, f, "new", LINUX_O_RDWR, 0640, 0, &q, NULL, NULL),
	    0);
	assert_int_equal(q.type, P9_QTFILE);
	assert_int_equal(p9c_write(g.c, f, 0, "abcdef", 6), 6);
	assert_int_equal(p9c_read(g.c, f, 2, buf, 10), 4);
	assert_memory_equal(buf, "cdef", 4);
	assert_int_equal(p9c_fsync(g.c, f, 0), 0);
	assert_int_equal(p9c_getattr(g.c, f, P9_GETATTR_BASIC, &a), 0);
	assert_int_equal(a.mode & 07777, 0640);
	assert_int_equal(a.size, 6);
	/* Exclusive: a second create of the same name fails. */
	assert_int_equal(p9c_walk(g.c, dir, 0, NULL, &f2, NULL), 0);
	assert_int_equal(p9c_lcreate(g.c, f2, "new", LINUX_O_RDWR, 0640, 0,
				     NULL, NULL, NULL),
			 -LINUX_EEXIST);
	assert_int_equal(p9c_clunk(g.c, f2), 0);

	/* setattr: size, mode, times. */
	sa.valid = P9_SETATTR_SIZE | P9_SETATTR_MODE | P9_SETATTR_MTIME |
		   P9_SETATTR_MTIME_SET;
	sa.size = 3;
	sa.mode = 0600;
	sa.mtime_sec = 1000000;
	assert_int_equal(p9c_setattr(g.c, f, &sa), 0);
	assert_int_equal(p9c_getattr(g.c, f, P9_GETATTR_BASIC, &a), 0);
	assert_int_equal(a.size, 3);
	assert_int_equal(a.mode & 07777, 0600);
	assert_int_equal(a.mtime_sec, 1000000);
	assert_int_equal(p9c_clunk(g.c, f), 0);

	assert_int_equal(p9c_mkdir(g.c, dir, "d", 0755, 0, &q), 0);
	assert_int_equal(q.type, P9_QTDIR);
	assert_int_equal(p9c_symlink(g.c, dir, "l", "/etc/shadow", 0, &q), 0);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(p9c_mkdir(g.c, dir, "..", 0755, 0, &q), -LINUX_EINVAL);
	assert_int_equal(p9c_symlink(g.c, dir, "a/b", "x", 0, &q),
			 -LINUX_EINVAL);

	/* Rename a file that a fid names, then open it through that fid. */
	names[0] = "new";
	assert_int_equal(p9c_walk(g.c, dir, 1, names, &f, NULL), 0);
	names[0] = "d";
	assert_int_equal(p9c_walk(g.c, dir, 1, names, &f2, NULL), 0);
	assert_int_equal(p9c_renameat(g.c, dir, "new", f2, "moved"), 0);
	assert_int_equal(p9c_lopen(g.c, f, LINUX_O_RDONLY, NULL, NULL, NULL),
			 0);
	assert_int_equal(p9c_read(g.c, f, 0, buf, 10), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(p9c_clunk(g.c, f), 0);
	assert_int_equal(p9c_unlinkat(g.c, dir, "d", P9_AT_REMOVEDIR),
			 -LINUX_ENOTEMPTY);
	assert_int_equal(p9c_unlinkat(g.c, f2, "moved", 0), 0);
	assert_int_equal(p9c_clunk(g.c, f2), 0);
	assert_int_equal(p9c_unlinkat(g.c, dir, "d", P9_AT_REMOVEDIR), 0);
	assert_int_equal(p9c_unlinkat(g.c, dir, "l", 0), 0);
	/* lopen with O_TRUNC truncates. */
	assert_int_equal(p9c_walk(g.c, dir, 0, NULL, &f, NULL), 0);
	assert_int_equal(
	    p9c_lcreate(g.c, f, "t", LINUX_O_WRONLY, 0644, 0, NULL, NULL, NULL),
	    0);
	assert_int_equal(p9c_write(g.c, f, 0, "xyz", 3), 3);
	assert_int_equal(p9c_read(g.c, f, 0, buf, 3), -LINUX_EBADF);
	assert_int_equal(p9c_clunk(g.c, f), 0);
	names[0] = "t";
	assert_int_equal(p9c_walk(g.c, dir, 1, names, &f, NULL), 0);
	assert_int_equal(
	    p9c_lopen(g.c, f, LINUX_O_WRONLY | LINUX_O_TRUNC, NULL, NULL, NULL),
	    0);
	assert_int_equal(p9c_getattr(g.c, f, P9_GETATTR_BASIC, &a), 0);
	assert_int_equal(a.size, 0);
	assert_int_equal(p9c_clunk(g.c, f), 0);
	assert_int_equal(p9c_unlinkat(g.c, dir, "t", 0), 0);
	assert_int_equal(p9c_clunk(g.c, dir), 0);
	stop(&g, 0);
}

/* Tmknod and Tlink, and the descriptor a Tlcreate donates. */
static void test_mknod_link(void **state)
{
	struct gofer g;
	struct p9_attr a;
	struct p9_qid q;
	struct stat st;
	char p[PATH_MAX], buf[8];
	uint32_t dir, f, l;
	const char *names[1];
	int hfd = -1;

	start(&g, false, 65536);
	dir = walk(&g, "rw", NULL);
	assert_int_equal(
	    p9c_mknod(g.c, dir, "fifo", LINUX_S_IFIFO | 0640, 0, &q), 0);
	snprintf(p, sizeof(p), "%s/rw/fifo", tree);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640); /* no umask applied */
	assert_int_equal(
	    p9c_mknod(g.c, dir, "sock", LINUX_S_IFSOCK | 0600, 0, NULL), 0);
	assert_int_equal(
	    p9c_mknod(g.c, dir, "chr", LINUX_S_IFCHR | 0600, 0, NULL),
	    -LINUX_EPERM);
	assert_int_equal(
	    p9c_mknod(g.c, dir, "blk", LINUX_S_IFBLK | 0600, 0, NULL),
	    -LINUX_EPERM);
	assert_int_equal(
	    p9c_mknod(g.c, dir, "d", LINUX_S_IFDIR | 0600, 0, NULL),
	    -LINUX_EINVAL);
	assert_int_equal(
	    p9c_mknod(g.c, dir, "fifo", LINUX_S_IFIFO | 0600, 0, NULL),
	    -LINUX_EEXIST);
	assert_int_equal(
	    p9c_mknod(g.c, dir, "../x", LINUX_S_IFIFO | 0600, 0, NULL),
	    -LINUX_EINVAL);

	/* A created file comes with a read-write descriptor. */
	assert_int_equal(p9c_walk(g.c, dir, 0, NULL, &f, NULL), 0);
	assert_int_equal(
	    p9c_lcreate(g.c, f, "src", LINUX_O_RDWR, 0644, 0, NULL, NULL, &hfd),
	    0);
	assert_true(hfd >= 0);
	assert_int_equal(fcntl(hfd, F_GETFL) & O_ACCMODE, O_RDWR);
	assert_int_equal(pwrite(hfd, "linked", 6, 0), 6);
	close(hfd);

	/* Links: the file, never a directory; the name must be new. */
	assert_int_equal(p9c_link(g.c, dir, f, "dst"), 0);
	assert_int_equal(p9c_getattr(g.c, f, P9_GETATTR_BASIC, &a), 0);
	assert_int_equal(a.nlink, 2);
	assert_int_equal(p9c_link(g.c, dir, f, "dst"), -LINUX_EEXIST);
	assert_int_equal(p9c_link(g.c, dir, dir, "dirlink"), -LINUX_EPERM);
	assert_int_equal(p9c_link(g.c, f, f, "x"), -LINUX_ENOTDIR);
	assert_int_equal(p9c_link(g.c, dir, f, "a/b"), -LINUX_EINVAL);
	assert_int_equal(p9c_clunk(g.c, f), 0);
	/* A symlink is linked itself, not its target. */
	assert_int_equal(p9c_symlink(g.c, dir, "sl", "/etc/passwd", 0, NULL),
			 0);
	names[0] = "sl";
	assert_int_equal(p9c_walk(g.c, dir, 1, names, &l, NULL), 0);
	assert_int_equal(p9c_link(g.c, dir, l, "sl2"), 0);
	snprintf(p, sizeof(p), "%s/rw/sl2", tree);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(p9c_clunk(g.c, l), 0);
	snprintf(p, sizeof(p), "%s/rw/dst", tree);
	int fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "linked", 6);
	close(fd);
	static const char *const gone[] = {"fifo", "sock", "src",
					   "dst",  "sl",   "sl2"};
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		assert_int_equal(p9c_unlinkat(g.c, dir, gone[i], 0), 0);
	assert_int_equal(p9c_clunk(g.c, dir), 0);
	stop(&g, 0);
}

static void test_read_only(void **state)
{
	struct gofer g;
	struct p9_tsetattr sa = {.valid = P9_SETATTR_SIZE};
	char buf[16];
	uint32_t dir, f;

	start(&g, true, 65536);
	check_root_mount(&g, true);
	dir = walk(&g, "rw", NULL);
	assert_int_equal(p9c_walk(g.c, dir, 0, NULL, &f, NULL), 0);
	assert_int_equal(
	    p9c_lcreate(g.c, f, "x", LINUX_O_RDWR, 0644, 0, NULL, NULL, NULL),
	    -LINUX_EROFS);
	assert_int_equal(p9c_mkdir(g.c, dir, "x", 0755, 0, NULL), -LINUX_EROFS);
	assert_int_equal(p9c_symlink(g.c, dir, "x", "y", 0, NULL),
			 -LINUX_EROFS);
	assert_int_equal(
	    p9c_mknod(g.c, dir, "x", LINUX_S_IFIFO | 0600, 0, NULL),
	    -LINUX_EROFS);
	assert_int_equal(p9c_link(g.c, dir, f, "x"), -LINUX_EROFS);
	assert_int_equal(p9c_unlinkat(g.c, g.root, "hello", 0), -LINUX_EROFS);
	assert_int_equal(p9c_renameat(g.c, g.root, "hello", dir, "h"),
			 -LINUX_EROFS);
	assert_int_equal(p9c_clunk(g.c, f), 0);
	f = walk(&g, "hello", NULL);
	assert_int_equal(p9c_setattr(g.c, f, &sa), -LINUX_EROFS);
	assert_int_equal(p9c_lopen(g.c, f, LINUX_O_RDWR, NULL, NULL, NULL),
			 -LINUX_EROFS);
	assert_int_equal(
	    p9c_lopen(g.c, f, LINUX_O_RDONLY | LINUX_O_TRUNC, NULL, NULL, NULL),
	    -LINUX_EROFS);
	assert_int_equal(p9c_lopen(g.c, f, LINUX_O_RDONLY, NULL, NULL, NULL),
			 0);
	assert_int_equal(p9c_read(g.c, f, 0, buf, 5), 5);
	assert_int_equal(p9c_write(g.c, f, 0, "x", 1), -LINUX_EBADF);
	assert_int_equal(p9c_clunk(g.c, f), 0);
	assert_int_equal(p9c_clunk(g.c, dir), 0);
	stop(&g, 0);
}

/* Bind mounts: more trees, attached by number; a single file is a tree
 * too; read-only ones get EROFS from the host; other anames do not exist.
 */
static void test_mounts(void **state)
{
	char sub[PATH_MAX], hello[PATH_MAX], buf[16];
	const char *extra[] = {"--mount", sub, "--mount-ro", hello, NULL};
	struct p9_qid q;
	uint32_t d, f, x;
	struct gofer g;
	int err = 0;

	snprintf(sub, sizeof(sub), "%s/sub", tree);
	snprintf(hello, sizeof(hello), "%s/hello", tree);
	spawn_with(&g, false, extra);
	g.c = p9c_connect(g.fd, 65536, &err);
	assert_non_null(g.c);
	assert_int_equal(p9c_attach(g.c, "1", &d, &q), 0);
	assert_int_equal(q.type, P9_QTDIR);
	const char *inner[] = {"inner"};
	assert_int_equal(p9c_walk(g.c, d, 1, inner, &f, NULL), 0);
	assert_int_equal(p9c_lopen(g.c, f, LINUX_O_RDONLY, NULL, NULL, NULL),
			 0);
	assert_int_equal(p9c_read(g.c, f, 0, buf, 6), 6);
	assert_memory_equal(buf, "inner\n", 6);
	assert_int_equal(p9c_clunk(g.c, f), 0);
	/* Writable: a file made there is on the host. */
	assert_int_equal(p9c_walk(g.c, d, 0, NULL, &f, NULL), 0);
	assert_int_equal(p9c_lcreate(g.c, f, "made", LINUX_O_RDWR, 0644, 0,
				     NULL, NULL, NULL),
			 0);
	assert_int_equal(p9c_clunk(g.c, f), 0);
	char made[PATH_MAX + 8];
	snprintf(made, sizeof(made), "%s/made", sub);
	assert_int_equal(unlink(made), 0);
	/* The single file: opened through its own entry, read-only. */
	assert_int_equal(p9c_attach(g.c, "2", &f, &q), 0);
	assert_int_equal(q.type, P9_QTFILE);
	assert_int_equal(p9c_walk(g.c, f, 1, inner, &x, NULL), -LINUX_ENOTDIR);
	assert_int_equal(p9c_walk(g.c, f, 0, NULL, &x, NULL), 0);
	assert_int_equal(p9c_lopen(g.c, x, LINUX_O_RDWR, NULL, NULL, NULL),
			 -LINUX_EROFS);
	assert_int_equal(p9c_lopen(g.c, f, LINUX_O_RDONLY, NULL, NULL, NULL),
			 0);
	assert_int_equal(p9c_read(g.c, f, 0, buf, 12), 12);
	assert_memory_equal(buf, "hello world\n", 12);
	assert_int_equal(p9c_clunk(g.c, x), 0);
	assert_int_equal(p9c_clunk(g.c, f), 0);
	/* Nothing else can be attached. */
	for (const char *const *a =
		 (const char *const[]){"3", "0", "01", "..", "1/..", "-1",
				       "99999999", NULL};
	     *a; a++)
		assert_int_equal(p9c_attach(g.c, *a, &x, NULL), -LINUX_ENOENT);
	assert_int_equal(p9c_clunk(g.c, d), 0);
	stop(&g, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_attach_walk_getattr),
	    cmocka_unit_test(test_long_walk),
	    cmocka_unit_test(test_read),
	    cmocka_unit_test(test_readdir),
	    cmocka_unit_test(test_symlinks_do_not_escape),
	    cmocka_unit_test(test_statfs_badfid_clunk),
	    cmocka_unit_test(test_gofer_death_is_eio),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_fid_limit),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_write_side),
	    cmocka_unit_test(test_mknod_link),
	    cmocka_unit_test(test_read_only),
	    cmocka_unit_test(test_mounts),
	};

	if (geteuid() != 0) {
		/* The gofer needs CAP_SYS_ADMIN for its mount namespace. */
		printf("test_gofer: skipped (needs root)\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
