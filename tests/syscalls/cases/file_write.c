/* The write side of a filesystem as an application sees it, beyond
 * rw_basic and links: O_APPEND and O_TRUNC, truncation both ways, shared
 * writable mappings seen by read() and by a second mapping, names created,
 * renamed and removed while a directory stream is open, nlink and size of
 * files held open across unlink and rename, a hard link outliving the
 * name it was made from, modes, owners and times set, FIFOs made by
 * name. Run by tests/run_all.sh over the in-memory overlay (runsc
 * do) and over the gofer's writable tree (runsc do --root-rw). */
#include "compat.h"
#include <dirent.h>
#include <sys/mman.h>

static void show(const char *label, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		printf("%s: lstat = -1 %s\n", label, errname(errno));
		return;
	}
	printf("%s: %s mode %o nlink %ld size %ld uid %u gid %u\n", label,
	       ftype_str(st.st_mode), (unsigned)(st.st_mode & 07777),
	       (long)st.st_nlink, (long)st.st_size, (unsigned)st.st_uid,
	       (unsigned)st.st_gid);
}

static void showfd(const char *label, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		printf("%s: fstat = -1 %s\n", label, errname(errno));
		return;
	}
	printf("%s: nlink %ld size %ld\n", label, (long)st.st_nlink,
	       (long)st.st_size);
}

/* The names of ".", sorted, so that listing order does not matter. */
static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void ls(const char *label)
{
	char *names[64];
	int n = 0;
	DIR *d = opendir(".");
	struct dirent *e;

	die_if(!d, "opendir");
	while ((e = readdir(d)) && n < 64)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	printf("%s:", label);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void append_and_trunc(void)
{
	char buf[64];
	int a, b;

	a = RET("open(log, O_WRONLY|O_CREAT|O_APPEND)",
		open("log", O_WRONLY | O_CREAT | O_APPEND, 0644));
	b = RET("open(log, O_RDWR)", open("log", O_RDWR));
	RET("write(a, 1234)", write(a, "1234", 4));
	RET("pwrite(b, xy, 0)", pwrite(b, "xy", 2, 0));
	RET("write(a, 56) appends", write(a, "56", 2));
	RET("pwrite(a, Z, 0) appends too", pwrite(a, "Z", 1, 0));
	RET("lseek(a, 0, SEEK_CUR)", lseek(a, 0, SEEK_CUR));
	RET("pread(b)", pread(b, buf, sizeof(buf), 0));
	print_bytes("log", buf, 7);
	showfd("log", b);
	close(a);
	a = RET("open(log, O_WRONLY|O_TRUNC)", open("log", O_WRONLY | O_TRUNC));
	showfd("after O_TRUNC", b);
	RET("ftruncate(b, 10) grows", ftruncate(b, 10));
	RET("pread(b) zeros", pread(b, buf, sizeof(buf), 0));
	print_bytes("grown", buf, 10);
	RET("truncate(log, 3)", truncate("log", 3));
	showfd("after truncate", a);
	RET("write(a, abcdef)", write(a, "abcdef", 6));
	compat_cat("log");
	RET("fsync(a)", fsync(a));
	RET("fdatasync(b)", fdatasync(b));
	ERR("ftruncate(O_RDONLY fd)", ({
		    int r = open("log", O_RDONLY);
		    long x = ftruncate(r, 0);
		    int e = errno;
		    close(r);
		    errno = e;
		    x;
	    }));
	ERR("truncate(log, -1)", truncate("log", -1));
	ERR("truncate(., 0)", truncate(".", 0));
	close(a);
	close(b);
}

static void shared_mappings(void)
{
	char buf[16];
	int fd = open("map", O_RDWR | O_CREAT, 0644);
	char *p, *q;

	die_if(fd < 0, "open map");
	die_if(ftruncate(fd, 8192) < 0, "ftruncate map");
	p = PTR_OK("mmap(MAP_SHARED, RW)",
		   mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
		   MAP_FAILED);
	q = PTR_OK("mmap(MAP_SHARED, R)",
		   mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0), MAP_FAILED);
	if (p == MAP_FAILED || q == MAP_FAILED)
		return;
	memcpy(p + 4090, "stores!", 7);
	YESNO("second mapping sees the stores",
	      !memcmp(q + 4090, "stores!", 7));
	RET("pread after stores", pread(fd, buf, 7, 4090));
	print_bytes("read", buf, 7);
	RET("pwrite(written)", pwrite(fd, "written", 7, 100));
	YESNO("mappings see the write",
	      !memcmp(p + 100, "written", 7) && !memcmp(q + 100, "written", 7));
	RET("msync", msync(p, 8192, MS_SYNC));
	RET("munmap(p)", munmap(p, 8192));
	RET("munmap(q)", munmap(q, 8192));
	close(fd);
	fd = open("map", O_RDONLY);
	RET("pread after munmap", pread(fd, buf, 7, 4090));
	print_bytes("read", buf, 7);
	q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	ERR("mprotect(read-only fd's shared map, W)",
	    mprotect(q, 4096, PROT_READ | PROT_WRITE));
	munmap(q, 4096);
	close(fd);
	unlink("map");
}

static void names(void)
{
	DIR *d;
	int fd, held, n = 0;
	struct dirent *e;

	RET("mkdir(a)", mkdir("a", 0755));
	RET("mkdir(b)", mkdir("b", 0700));
	compat_write_file("a/f", "first");
	compat_write_file("b/g", "second");
	show("a", "a");
	/* Names come and go while a stream is open: the ones untouched are
	 * all listed once. */
	d = opendir(".");
	die_if(!d, "opendir");
	e = readdir(d);
	n = e && (!strcmp(e->d_name, "b") || !strcmp(e->d_name, "log"));
	RET("creat(new1)", creat("new1", 0600));
	RET("rename(a, c)", rename("a", "c"));
	while ((e = readdir(d)))
		if (!strcmp(e->d_name, "b") || !strcmp(e->d_name, "log"))
			n++;
	closedir(d);
	printf("untouched names listed: %d\n", n);
	ls("after create and rename");
	show("c", "c");
	compat_cat("c/f");
	ERR("open(a/f)", open("a/f", O_RDONLY));

	/* Replacing a file held open: the old one lives on, unlinked. */
	held = open("b/g", O_RDONLY);
	RET("rename(c/f, b/g)", rename("c/f", "b/g"));
	showfd("replaced, held", held);
	compat_cat("b/g");
	close(held);
	show("c", "c");

	/* A directory moved into another: parents' nlink. */
	RET("mkdir(c/sub)", mkdir("c/sub", 0755));
	show("c", "c");
	RET("rename(c/sub, b/sub)", rename("c/sub", "b/sub"));
	show("c", "c");
	show("b", "b");
	ERR("rmdir(b)", rmdir("b"));
	ERR("rename(c, b) onto non-empty", rename("c", "b"));
	RET("rmdir(b/sub)", rmdir("b/sub"));
	RET("rename(c, b/sub2)", rename("c", "b/sub2"));
	ls("after moves");
	ERR("mkdir(b) again", mkdir("b", 0755));
	ERR("creat(b/sub2) dir", creat("b/sub2", 0644));
	fd = RET("open(b/new, O_CREAT|O_EXCL)",
		 open("b/new", O_CREAT | O_EXCL | O_WRONLY, 0640));
	ERR("open(b/new, O_CREAT|O_EXCL) again",
	    open("b/new", O_CREAT | O_EXCL | O_WRONLY, 0640));
	RET("open(b/new, O_CREAT) existing", ({
		    int r = open("b/new", O_CREAT | O_RDONLY, 0640);
		    if (r >= 0)
			    close(r);
		    r >= 0 ? 0 : -1;
	    }));
	close(fd);
	show("b/new", "b/new");
}

/* A hard link outliving the name it was made from, then opened for
 * writing through the link. */
static void hard_links(void)
{
	int fd;

	compat_write_file("orig", "linked");
	RET("link(orig, l1)", link("orig", "l1"));
	show("l1", "l1");
	RET("unlink(orig)", unlink("orig"));
	show("l1 after unlink(orig)", "l1");
	fd =
	    RET("open(l1, O_WRONLY|O_APPEND)", open("l1", O_WRONLY | O_APPEND));
	RET("write(l1)", write(fd, "+more", 5));
	close(fd);
	compat_cat("l1");
	RET("link(l1, l2)", link("l1", "l2"));
	RET("rename(l1, l2) same file", rename("l1", "l2"));
	show("l2", "l2");
	fd = open("l2", O_RDONLY);
	RET("unlink(l1)", unlink("l1"));
	RET("unlink(l2)", unlink("l2"));
	showfd("held after the last unlink", fd);
	close(fd);
	ERR("link(., dirlink)", link(".", "dirlink"));
	ERR("link(missing, x)", link("missing", "x"));
}

static void attributes(void)
{
	struct timespec ts[2] = {{1000000000, 5}, {1200000000, 700}};
	struct stat st;

	compat_write_file("attr", "x");
	RET("chmod(attr, 4751)", chmod("attr", 04751));
	show("attr", "attr");
	RET("chown(attr, 1234, 5678)", chown("attr", 1234, 5678));
	show("chowned (set-id cleared)", "attr");
	RET("lchown(attr, -1, 0)", lchown("attr", -1, 0));
	RET("utimensat(attr, times)", utimensat(AT_FDCWD, "attr", ts, 0));
	die_if(stat("attr", &st) < 0, "stat attr");
	printf("atime %ld.%09ld mtime %ld.%09ld\n", (long)st.st_atim.tv_sec,
	       st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	RET("utimensat(attr, NULL)", utimensat(AT_FDCWD, "attr", NULL, 0));
	die_if(stat("attr", &st) < 0, "stat attr");
	YESNO("mtime is now", st.st_mtim.tv_sec > 1600000000);
	RET("symlink(attr, sl)", symlink("attr", "sl"));
	RET("lchown(sl, 42, 43)", lchown("sl", 42, 43));
	show("sl", "sl");
	show("attr (target untouched)", "attr");
	umask(027);
	RET("mkdir(m, 0777) under umask 027", mkdir("m", 0777));
	show("m", "m");
	RET("creat(m/f, 0666)", creat("m/f", 0666));
	show("m/f", "m/f");
	umask(022);
}

static void special_nodes(void)
{
	int r, w;

	RET("mkfifo(fifo)", mkfifo("fifo", 0640));
	show("fifo", "fifo");
	r = RET("open(fifo, O_RDONLY|O_NONBLOCK)",
		open("fifo", O_RDONLY | O_NONBLOCK));
	w = RET("open(fifo, O_WRONLY)", open("fifo", O_WRONLY));
	RET("write(fifo)", write(w, "pipe", 4));
	{
		char buf[8];
		RET("read(fifo)", read(r, buf, sizeof(buf)));
	}
	close(r);
	close(w);
	RET("mknod(node, S_IFIFO)", mknod("node", S_IFIFO | 0600, 0));
	show("node", "node");
	RET("mknod(reg, S_IFREG)", mknod("reg", S_IFREG | 0600, 0));
	show("reg", "reg");
	ls("nodes");
	RET("unlink(fifo)", unlink("fifo"));
}

int main(void)
{
	compat_tmpdir();
	append_and_trunc();
	shared_mappings();
	names();
	hard_links();
	attributes();
	special_nodes();
	ls("at the end");
	return 0;
}
