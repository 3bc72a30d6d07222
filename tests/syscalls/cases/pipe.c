/* pipe, pipe2 and fork: data across processes, EOF, EPIPE/SIGPIPE,
 * O_NONBLOCK (EAGAIN), O_CLOEXEC, and errors. */
#include "compat.h"

static volatile sig_atomic_t got_sigpipe;

static void on_sigpipe(int s)
{
	got_sigpipe++;
}

int main(void)
{
	int p[2], st;
	char buf[64];
	pid_t pid;

	RET("pipe(p)", pipe(p));
	printf("fds: %d %d\n", p[0], p[1]);
	RET("fcntl(p[0], F_GETFL) accmode", fcntl(p[0], F_GETFL) & O_ACCMODE);
	RET("fcntl(p[1], F_GETFL) accmode", fcntl(p[1], F_GETFL) & O_ACCMODE);
	struct stat sb;
	fstat(p[0], &sb);
	printf("fstat type=%s\n", ftype_str(sb.st_mode));

	pid = fork();
	die_if(pid < 0, "fork");
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < 3; i++) {
			char msg[32];
			int n = snprintf(msg, sizeof(msg),
					 "line %d from child\n", i);
			if (write(p[1], msg, n) != n)
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	size_t total = 0;
	ssize_t n;
	char all[256];
	while ((n = read(p[0], buf, sizeof(buf))) > 0) {
		memcpy(all + total, buf, n);
		total += n;
	}
	printf("read until EOF: last read = %zd, total %zu bytes\n", n, total);
	fwrite(all, 1, total, stdout);
	waitpid(pid, &st, 0);
	printf("child: %s\n", wstatus_str(st));
	close(p[0]);

	/* A large write is delivered whole, in order. */
	RET("pipe(p)", pipe(p));
	pid = fork();
	if (pid == 0) {
		static char big[200000];
		close(p[0]);
		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (char)(i * 7);
		_exit(write(p[1], big, sizeof(big)) == sizeof(big) ? 0 : 1);
	}
	close(p[1]);
	unsigned long sum = 0, cnt = 0;
	int in_order = 1;
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++, cnt++) {
			sum += (unsigned char)buf[i];
			in_order &= buf[i] == (char)(cnt * 7);
		}
	waitpid(pid, &st, 0);
	printf("200000-byte write: got %lu bytes, in order: %s, child %s\n",
	       cnt, in_order ? "yes" : "no", wstatus_str(st));
	close(p[0]);

	/* EPIPE and SIGPIPE when no reader is left. */
	RET("pipe(p)", pipe(p));
	close(p[0]);
	signal(SIGPIPE, on_sigpipe);
	ERR("write with no reader", write(p[1], "x", 1));
	printf("SIGPIPE delivered: %d\n", (int)got_sigpipe);
	signal(SIGPIPE, SIG_DFL);
	pid = fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	printf("writer with default SIGPIPE: %s\n", wstatus_str(st));
	close(p[1]);

	/* pipe2 flags. */
	RET("pipe2(O_NONBLOCK|O_CLOEXEC)", pipe2(p, O_NONBLOCK | O_CLOEXEC));
	printf("nonblock=%d cloexec=%d\n",
	       !!(fcntl(p[0], F_GETFL) & O_NONBLOCK),
	       !!(fcntl(p[1], F_GETFD) & FD_CLOEXEC));
	ERR("read(empty nonblocking pipe)", read(p[0], buf, 1));
	/* Fill it: a nonblocking writer gets a short count, then EAGAIN. */
	long filled = 0;
	static char chunk[4096];
	while ((n = write(p[1], chunk, sizeof(chunk))) > 0)
		filled += n;
	printf("filled: %s, then %s\n", filled >= 4096 ? "yes" : "no",
	       errname(errno));
	close(p[0]);
	close(p[1]);
	ERR("pipe2(p, 0x1234)", pipe2(p, 0x1234));
	ERR("pipe(BADPTR)", syscall(SYS_pipe, BADPTR));
	ERR("pipe2(BADPTR, 0)", syscall(SYS_pipe2, BADPTR, 0));

	/* Reading with a writer still open but nothing written: use O_NONBLOCK
	 * via fcntl. */
	RET("pipe(p)", pipe(p));
	RET("fcntl(F_SETFL, O_NONBLOCK)", fcntl(p[0], F_SETFL, O_NONBLOCK));
	ERR("read", read(p[0], buf, 1));
	RET("write 3", write(p[1], "abc", 3));
	RET("read 64", read(p[0], buf, 64));
	close(p[1]);
	RET("read at EOF", read(p[0], buf, 64));
	return 0;
}
