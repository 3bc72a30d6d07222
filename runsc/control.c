/* The container's control socket: see control.h. */
#define _GNU_SOURCE
#include "runsc/control.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "abi/scm.h"
#include "runsc/cli.h"
#include "sentry/control.h"

/* The address of DIR/control.sock, through an O_PATH descriptor of DIR so
 * that a long state directory still fits in sun_path. *dirfd: close it
 * after the bind or connect. */
static int sock_addr(const char *dir, struct sockaddr_un *a, int *dirfd,
		     struct rerr *e)
{
	*dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return rerr_set(e, errno, "%s", dir);
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path),
		 "/proc/self/fd/%d/control.sock", *dirfd);
	return 0;
}

/* A socket at DIR/control.sock: bound and listening (a stale one
 * replaced), or connected. */
static int control_socket(const char *dir, bool listening, struct rerr *e)
{
	struct sockaddr_un a;
	int dfd, fd, r;

	if (sock_addr(dir, &a, &dfd, e) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rerr_set(e, errno, "socket");
		close(dfd);
		return -1;
	}
	if (listening) {
		unlink(a.sun_path);
		r = bind(fd, (struct sockaddr *)&a, sizeof(a));
		if (r == 0)
			r = listen(fd, 16);
	} else {
		r = connect(fd, (struct sockaddr *)&a, sizeof(a));
	}
	if (r < 0) {
		rerr_set(e, errno, "%s%s/control.sock",
			 listening ? "" : "connecting to the sandbox at ", dir);
		close(fd);
		fd = -1;
	}
	close(dfd);
	return fd;
}

int control_listen(const char *dir, struct rerr *e)
{
	return control_socket(dir, true, e);
}

int control_connect(const char *dir, struct rerr *e)
{
	return control_socket(dir, false, e);
}

/* The request's fields, NUL-separated. */
struct buf {
	char *p;
	size_t n, cap;
};

static void put(struct buf *b, const char *s)
{
	size_t k = strlen(s) + 1;

	if (b->n + k > b->cap) {
		b->cap = (b->n + k) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->n, s, k);
	b->n += k;
}

static void put_num(struct buf *b, unsigned long long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%llu", v);
	put(b, s);
}

/* An optional field KEYVALUE, when there is a value. */
static void put_opt(struct buf *b, const char *key, const char *value)
{
	char *s;

	if (!value)
		return;
	if (asprintf(&s, "%s%s", key, value) < 0)
		abort();
	put(b, s);
	free(s);
}

static int send_all(int sock, const char *p, size_t n)
{
	while (n) {
		ssize_t r = send(sock, p, n, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r, n -= (size_t)r;
	}
	return 0;
}

int control_send(int sock, const struct control_request *r, const int stdio[3],
		 struct rerr *e)
{
	bool container = r->gofer_fd >= 0;
	int fds[4] = {stdio[0], stdio[1], stdio[2], r->gofer_fd};
	struct buf b = {0};
	char head[8];
	uint32_t len;
	int ret = 0;

	if (r->member_pid)
		put_num(&b, r->member_pid);
	put_num(&b, r->uid);
	put_num(&b, r->gid);
	put(&b, r->groups ? r->groups : "");
	put(&b, r->cwd ? r->cwd : "/");
	put_num(&b, r->argc);
	for (size_t i = 0; i < r->argc; i++)
		put(&b, r->argv[i]);
	put_num(&b, r->envc);
	for (size_t i = 0; i < r->envc; i++)
		put(&b, r->envp[i]);
	if (container) {
		put(&b, r->read_only ? "ro" : "rw");
		put_num(&b, r->nmounts);
		for (size_t i = 0; i < r->nmounts; i++)
			put(&b, r->mounts[i]);
	}
	put_opt(&b, "caps=", r->caps);
	if (r->no_new_privs)
		put(&b, "nnp");
	for (size_t i = 0; r->rlimits && r->rlimits[i]; i++)
		put_opt(&b, "rlimit=", r->rlimits[i]);
	if (b.n > CONTROL_MAX_REQUEST) {
		free(b.p);
		return rerr_set(e, 0,
				"the process's arguments and environment "
				"are too long");
	}
	len = (uint32_t)b.n;
	memcpy(head,
	       container       ? CONTROL_MAGIC_CONTAINER
	       : r->member_pid ? CONTROL_MAGIC_MEMBER
			       : CONTROL_MAGIC,
	       4);
	memcpy(head + 4, &len, 4);
	if (scm_send(sock, head, sizeof(head), fds, container ? 4 : 3,
		     MSG_NOSIGNAL) != sizeof(head) ||
	    send_all(sock, b.p, b.n) < 0)
		ret = rerr_set(e, errno, "sending the request to the sandbox");
	free(b.p);
	return ret;
}

int control_ask(const char *dir, const char *magic, char *line, size_t size,
		struct rerr *e)
{
	char req[8] = {0};
	struct pollfd p;
	int sock = control_connect(dir, e), ret = 0;

	if (sock < 0)
		return -1;
	memcpy(req, magic, 4);
	p = (struct pollfd){.fd = sock, .events = POLLIN};
	if (send_all(sock, req, sizeof(req)) < 0)
		ret = rerr_set(e, errno, "sending to the sandbox");
	else if (poll(&p, 1, 10000) <= 0)
		ret = rerr_set(e, ETIMEDOUT, "waiting for the sandbox");
	else if (control_read_line(sock, line, size) < 0)
		ret = rerr_set(e, 0, "the sandbox closed the connection");
	close(sock);
	return ret;
}

int control_read_line(int sock, char *line, size_t size)
{
	size_t n = 0;

	for (;;) {
		char ch;
		ssize_t r = read(sock, &ch, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (ch == '\n')
			break;
		if (n + 1 < size)
			line[n++] = ch;
	}
	line[n] = 0;
	return 0;
}

static int fwd_sock = -1;

static void forward(int sig)
{
	char line[16] = "kill ";
	int n = 5, saved = errno;

	if (sig >= 10)
		line[n++] = (char)('0' + sig / 10);
	line[n++] = (char)('0' + sig % 10);
	line[n++] = '\n';
	(void)!send(fwd_sock, line, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	errno = saved;
}

void control_forward_signals(int sock)
{
	struct sigaction sa = {.sa_handler = forward};

	fwd_sock = sock;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++) {
		if (!signal_forwardable(sig))
			continue;
		sigaction(sig, &sa, NULL); /* EINVAL for glibc's own: fine */
	}
}

int control_wait_exit(int sock)
{
	char line[600];
	int st;

	while (control_read_line(sock, line, sizeof(line)) == 0)
		if (sscanf(line, "exited %d", &st) == 1)
			return (st & 0x7f) ? 128 + (st & 0x7f)
					   : (st >> 8) & 0xff;
	return 128 + SIGKILL;
}
