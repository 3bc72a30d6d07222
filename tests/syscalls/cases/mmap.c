/* mmap: anonymous, private and shared file mappings, MAP_FIXED, munmap,
 * msync, and the errors (EINVAL, EBADF, EACCES); touching unmapped memory
 * gives SIGSEGV with SEGV_MAPERR. */
#include "compat.h"
#include <setjmp.h>
#include <sys/mman.h>

static sigjmp_buf jb;
static volatile void *fault_addr;
static volatile int fault_code, fault_sig;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	fault_sig = sig;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(jb, 1);
}

static const char *code_str(int sig, int code)
{
	if (sig == SIGSEGV && code == SEGV_MAPERR)
		return "SEGV_MAPERR";
	if (sig == SIGSEGV && code == SEGV_ACCERR)
		return "SEGV_ACCERR";
	if (sig == SIGBUS && code == BUS_ADRERR)
		return "BUS_ADRERR";
	return "other";
}

/* Touch addr (write if w); report what happened. */
static void probe(const char *label, volatile char *addr, int w)
{
	fault_sig = 0;
	if (sigsetjmp(jb, 1) == 0) {
		if (w)
			*addr = 1;
		else
			(void)*addr;
		printf("%s: no fault\n", label);
	} else {
		printf("%s: %s %s, si_addr correct: %s\n", label,
		       signame(fault_sig), code_str(fault_sig, fault_code),
		       fault_addr == (void *)addr ? "yes" : "no");
	}
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct sigaction sa = {.sa_sigaction = on_fault,
			       .sa_flags = SA_SIGINFO};
	char buf[64];
	char *p, *q;

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	printf("page size %ld\n", pg);
	compat_tmpdir();

	/* Anonymous private. */
	p = PTR_OK("mmap(anon, 4 pages)",
		   mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		   MAP_FAILED);
	YESNO("page aligned", ((uintptr_t)p & (pg - 1)) == 0);
	YESNO("zero filled", p[0] == 0 && p[4 * pg - 1] == 0);
	memset(p, 'a', 4 * pg);
	YESNO("writable", p[3 * pg] == 'a');
	RET("munmap(2nd page)", munmap(p + pg, pg));
	probe("read unmapped page", p + pg + 10, 0);
	YESNO("neighbours intact", p[0] == 'a' && p[2 * pg] == 'a');
	RET("munmap(all, incl. the hole)", munmap(p, 4 * pg));
	probe("read after munmap", p, 0);

	/* MAP_FIXED replaces what was there. */
	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 'x', 2 * pg);
	q = mmap(p + pg, pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	YESNO("MAP_FIXED at the requested address", q == p + pg);
	YESNO("MAP_FIXED page is fresh (zero)", q[0] == 0);
	YESNO("page before untouched", p[0] == 'x');
	q = mmap(p + pg, pg, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	printf("MAP_FIXED_NOREPLACE over a mapping: %s\n",
	       q == MAP_FAILED ? errname(errno) : "mapped");
	munmap(p, 2 * pg);

	/* Shared anonymous memory is shared with a forked child. */
	int *shared = mmap(NULL, pg, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *priv = mmap(NULL, pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*shared = 1;
	*priv = 1;
	pid_t pid = fork();
	if (pid == 0) {
		*shared = 42;
		*priv = 42;
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	printf("after child wrote 42: shared=%d private=%d\n", *shared, *priv);

	/* File mappings. */
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	for (int i = 0; i < 3; i++) {
		memset(buf, 'A' + i, sizeof(buf));
		for (long off = 0; off < pg; off += sizeof(buf))
			write(fd, buf, sizeof(buf));
	}
	write(fd, "tail", 4); /* file is 3 pages + 4 bytes */
	p = PTR_OK(
	    "mmap(file, PRIVATE, offset 1 page)",
	    mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, pg),
	    MAP_FAILED);
	printf("bytes: %c %c\n", p[0], p[pg]);
	p[0] = 'z';
	pread(fd, buf, 1, pg);
	printf("private write reaches the file: %s\n",
	       buf[0] == 'z' ? "yes" : "no");
	pwrite(fd, "Q", 1, 2 * pg + 1);
	printf("file write seen through an untouched private page: %c\n",
	       p[pg + 1]);
	munmap(p, 2 * pg);

	p = PTR_OK(
	    "mmap(file, SHARED, 5 pages)",
	    mmap(NULL, 5 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
	    MAP_FAILED);
	print_bytes("tail page", p + 3 * pg, 6);
	p[1] = 'S';
	pread(fd, buf, 2, 0);
	print_bytes("file after shared write", buf, 2);
	pwrite(fd, "W", 1, 2);
	printf("file write seen through shared map: %c\n", p[2]);
	RET("msync(MS_SYNC)", msync(p, pg, MS_SYNC));
	ERR("msync(unaligned)", msync(p + 1, pg, MS_SYNC));
	ERR("msync(bad flags)", msync(p, pg, MS_SYNC | MS_ASYNC));
	probe("read within the last page past EOF", p + 3 * pg + 100, 0);
	probe("read a whole page past EOF", p + 4 * pg, 0);
	munmap(p, 5 * pg);
	/* Written back after munmap + close. */
	close(fd);
	fd = open("f", O_RDONLY);
	pread(fd, buf, 3, 0);
	print_bytes("file after munmap", buf, 3);

	/* Mapping a file read-only fd for shared write is EACCES. */
	ERR("mmap(O_RDONLY fd, SHARED, PROT_WRITE)",
	    (long)mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	OK("mmap(O_RDONLY fd, PRIVATE, PROT_WRITE)",
	   (long)mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
	close(fd);

	/* Errors. */
	ERR("mmap(len 0)",
	    (long)mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	ERR("mmap(no PRIVATE/SHARED)",
	    (long)mmap(NULL, pg, PROT_READ, MAP_ANONYMOUS, -1, 0));
	ERR("mmap(bad fd)",
	    (long)mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 99, 0));
	ERR("mmap(unaligned offset)",
	    (long)mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 0, 1));
	ERR("mmap(MAP_FIXED unaligned)",
	    (long)mmap((void *)0x10001, pg, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	int dfd = open(".", O_RDONLY);
	ERR("mmap(directory)",
	    (long)mmap(NULL, pg, PROT_READ, MAP_PRIVATE, dfd, 0));
	int pp[2];
	pipe(pp);
	ERR("mmap(pipe)",
	    (long)mmap(NULL, pg, PROT_READ, MAP_PRIVATE, pp[0], 0));
	ERR("munmap(unaligned)", munmap((void *)0x10001, pg));
	ERR("munmap(len 0)", munmap(p, 0));
	RET("munmap(nothing mapped there)", munmap(p, pg));

	/* /dev/zero private mapping behaves as anonymous. */
	fd = open("/dev/zero", O_RDWR);
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	YESNO("mmap(/dev/zero) zero and writable",
	      p != MAP_FAILED && p[5] == 0 && (p[5] = 1));

	/* A file of the (read-only) root tree, this very binary: in the
	 * sandbox it is mapped from the host's own file. */
	struct stat est;
	fd = open("/proc/self/exe", O_RDONLY);
	die_if(fd < 0 || fstat(fd, &est) < 0, "open /proc/self/exe");
	size_t span = ((est.st_size + pg - 1) / pg + 1) * pg;
	p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	die_if(p == MAP_FAILED, "mmap /proc/self/exe");
	YESNO("exe mapped: ELF magic", memcmp(p, "\177ELF", 4) == 0);
	if (est.st_size % pg)
		probe("exe: read within the last page past EOF",
		      p + est.st_size + 1, 0);
	probe("exe: read a whole page past EOF", p + span - pg, 0);
	p[0] = 'X';
	char head[4];
	pread(fd, head, 4, 0);
	YESNO("exe: private write seen in the mapping", p[0] == 'X');
	YESNO("exe: private write not in the file", head[0] == 0x7f);
	munmap(p, span);
	ERR("exe: mmap(SHARED, PROT_WRITE) of a read-only fd",
	    (long)mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
	YESNO("exe: mmap(SHARED, PROT_READ)", p != MAP_FAILED && p[1] == 'E');
	ERR("exe: mprotect(PROT_WRITE) of that", mprotect(p, pg, PROT_WRITE));
	close(fd);
	return 0;
}
