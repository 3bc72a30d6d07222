/* The control channel: `runsc exec` into a running sandbox (control.h). */
#define _GNU_SOURCE
#include "sentry/control.h"

#include "abi/scm.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sentry/kernel/cgroup.h"
#include "sentry/kernel/kernel.h"
#include "sentry/kernel/klock.h"
#include "sentry/kernel/signal.h"
#include "sentry/kernel/task.h"
#include "sentry/log.h"
#include "sentry/vfs/container_root.h"
#include "sentry/vfs/fs_context.h"

static int listen_fd = -1;
/* Containers that joined so far (the kernel lock guards it). */
static int containers;

/* One line to runsc exec; it may be gone (then nothing happens). */
static void reply(int conn, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void reply(int conn, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	(void)!send(conn, line, n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

void control_report_exit(int conn, int status)
{
	reply(conn, "exited %d", status);
	/* The signal reader holds a copy of conn: this ends its read. */
	shutdown(conn, SHUT_RDWR);
	close(conn);
}

struct killer {
	int fd;	  /* a duplicate of the connection */
	int conn; /* the connection's own number, as in tg->exec_conn */
	int pid;
};

/* The "kill SIG" lines of a running exec'd process's connection. */
static void *kill_main(void *arg)
{
	struct killer *k = arg;
	char line[64];
	size_t n = 0;

	pthread_setname_np(pthread_self(), "control-kill");
	for (;;) {
		char ch;
		ssize_t r = read(k->fd, &ch, 1);
		int sig;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (ch != '\n') {
			if (n + 1 < sizeof(line))
				line[n++] = ch;
			continue;
		}
		line[n] = 0;
		n = 0;
		if (sscanf(line, "kill %d", &sig) != 1 || sig < 1 ||
		    sig > LINUX_NSIG)
			continue;
		klock_acquire();
		struct thread_group *tg = tg_lookup(k->pid);
		/* Only while it is still this connection's process. */
		if (tg && tg->exec_conn == k->conn) {
			struct linux_siginfo info = {.signo = sig,
						     .code = LINUX_SI_USER};
			send_signal_group(tg, sig, &info);
		}
		klock_release();
	}
	/* A joined container's monitor is gone (killed, or the container
	 * deleted): so is the container, as its pid namespace would be. */
	klock_acquire();
	struct thread_group *tg = tg_lookup(k->pid);
	if (tg && tg->exec_conn == k->conn && tg->container_init)
		kill_container(tg->container);
	klock_release();
	close(k->fd);
	free(k);
	return NULL;
}

/* Start reading conn's kill lines for the process pid. */
static void start_killer(int conn, int pid)
{
	struct killer *k = malloc(sizeof(*k));
	pthread_attr_t a;
	pthread_t th;

	if (!k)
		return;
	k->conn = conn;
	k->pid = pid;
	k->fd = fcntl(conn, F_DUPFD_CLOEXEC, 0);
	if (k->fd < 0) {
		free(k);
		return;
	}
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &a, kill_main, k)) {
		close(k->fd);
		free(k);
	}
	pthread_attr_destroy(&a);
}

/* Refuse a request: the reason, a status, and the end. What the client
 * sent and we did not read is dropped first, or the close would reset the
 * connection before the client reads the reply. */
static void refuse(int conn, const char *why)
{
	char junk[4096];
	size_t total = 0;
	ssize_t r;

	reply(conn, "error %s", why);
	reply(conn, "exited %d", 125 << 8);
	shutdown(conn, SHUT_WR);
	while (total < CONTROL_MAX_REQUEST &&
	       (r = recv(conn, junk, sizeof(junk), MSG_DONTWAIT)) > 0)
		total += (size_t)r;
	close(conn);
}

static int read_full(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r, n -= (size_t)r;
	}
	return 0;
}

static struct cred exec_cred;

void control_set_exec_cred(const struct cred *c)
{
	exec_cred = *c;
}

static void reply_stats(int conn);
static void reply_freeze(int conn, bool frozen);

static void do_stats(int conn)
{
	reply_stats(conn);
}

static void do_pause(int conn)
{
	reply_freeze(conn, true);
}

static void do_resume(int conn)
{
	reply_freeze(conn, false);
}

/* The requests made of a magic and a zero length alone. */
static const struct simple {
	const char *magic, *name;
	void (*answer)(int conn); /* replies and ends the connection */
} simple[] = {
    {CONTROL_STATS_MAGIC, "stats", do_stats},
    {CONTROL_PAUSE_MAGIC, "pause", do_pause},
    {CONTROL_RESUME_MAGIC, "resume", do_resume},
};
#define NSIMPLE (sizeof(simple) / sizeof(simple[0]))

struct request {
	bool container;	 /* CONTROL_MAGIC_CONTAINER: a joining container */
	uint32_t member; /* CONTROL_MAGIC_MEMBER: the pid of a process of the
			  * joined container to run in; 0: none */
	bool read_only;	 /* its root */
	char **mounts;	 /* its --mount specs, NULL-terminated */
	char *buf;	 /* the fields, owned */
	uint32_t uid, gid;
	uint32_t groups[32];
	int ngroups;
	const char *cwd;
	char **argv, **envp; /* NULL-terminated, pointing into buf */
	int fds[4];	     /* stdin, stdout, stderr; a container's gofer */
	/* A request with no body (nothing above is set): one of simple[]. */
	const struct simple *simple;
	/* The optional fields: the process's own capability sets (NULL:
	 * the container's), no_new_privs, and limits replacing the
	 * container's where rlim_set says so. */
	const char *caps;
	bool no_new_privs;
	struct rlimit64 rlim[LINUX_RLIM_NLIMITS];
	bool rlim_set[LINUX_RLIM_NLIMITS];
};

static void request_free(struct request *r)
{
	for (int i = 0; i < 4; i++)
		if (r->fds[i] >= 0)
			close(r->fds[i]);
	free(r->mounts);
	free(r->argv);
	free(r->envp);
	free(r->buf);
}

/* The next NUL-terminated field of [*p, end), or NULL. */
static const char *field(char **p, char *end)
{
	char *s = *p, *nul = memchr(s, 0, end - s);

	if (!nul)
		return NULL;
	*p = nul + 1;
	return s;
}

static int number(const char *s, uint32_t *out)
{
	char *e;
	unsigned long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoul(s, &e, 10);
	if (errno || *e || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* A list of n strings from the fields (n first). */
static char **strings(char **p, char *end)
{
	uint32_t n;
	char **v;

	if (number(field(p, end), &n) < 0 || n > 65536)
		return NULL;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		v[i] = (char *)field(p, end);
		if (!v[i]) {
			free(v);
			return NULL;
		}
	}
	return v;
}

/* The optional fields after the required ones (control.h), checked as
 * they will be applied. 0, or -1 with msg set. */
static int read_options(struct request *r, char *p, char *end, char *msg,
			size_t size)
{
	struct cred scratch = {0};

	while (p != end) {
		const char *f = field(&p, end);

		if (!f) {
			snprintf(msg, size, "malformed request");
			return -1;
		}
		if (!strcmp(f, "nnp")) {
			r->no_new_privs = true;
		} else if (!strncmp(f, "caps=", 5) &&
			   cred_set_caps_arg(&scratch, f + 5) == 0) {
			r->caps = f + 5;
		} else if (!strncmp(f, "rlimit=", 7) &&
			   rlimit_set_arg(r->rlim, f + 7) == 0) {
			r->rlim_set[atoi(f + 7)] = true;
		} else {
			snprintf(msg, size,
				 "bad field \"%.64s\" in the request", f);
			return -1;
		}
	}
	return 0;
}

/* Read and check one request: 0, or -1 with msg set. */
static int read_request(int conn, struct request *r, char *msg, size_t size)
{
	char head[8];
	uint32_t len;
	ssize_t n;
	char *p, *end;
	const char *g;
	int nfds;

	n = scm_recv(conn, head, sizeof(head), r->fds, 4, &nfds);
	if (n > 0 && n < (ssize_t)sizeof(head) &&
	    read_full(conn, head + n, sizeof(head) - n) == 0)
		n = sizeof(head);
	for (size_t i = 0; n == sizeof(head) && i < NSIMPLE; i++) {
		if (memcmp(head, simple[i].magic, 4))
			continue;
		memcpy(&len, head + 4, 4);
		if (len) {
			snprintf(msg, size, "%s request of %u bytes",
				 simple[i].name, len);
			return -1;
		}
		r->simple = &simple[i];
		return 0;
	}
	r->container =
	    n == sizeof(head) && !memcmp(head, CONTROL_MAGIC_CONTAINER, 4);
	bool member =
	    n == sizeof(head) && !memcmp(head, CONTROL_MAGIC_MEMBER, 4);
	if (n != sizeof(head) ||
	    (memcmp(head, CONTROL_MAGIC, 4) && !r->container && !member)) {
		snprintf(msg, size, "malformed request");
		return -1;
	}
	if (!r->container && r->fds[3] >= 0) {
		/* More than runsc exec passes: not ours to keep. */
		close(r->fds[3]);
		r->fds[3] = -1;
	}
	if (r->container && r->fds[3] < 0) {
		snprintf(msg, size,
			 "a container request must pass its gofer's socket");
		return -1;
	}
	memcpy(&len, head + 4, 4);
	if (len == 0 || len > CONTROL_MAX_REQUEST) {
		snprintf(msg, size, "request of %u bytes", len);
		return -1;
	}
	if (r->fds[0] < 0 || r->fds[1] < 0 || r->fds[2] < 0) {
		snprintf(msg, size,
			 "the request must pass stdin, stdout and "
			 "stderr");
		return -1;
	}
	r->buf = malloc(len);
	if (!r->buf || read_full(conn, r->buf, len) < 0) {
		snprintf(msg, size, "truncated request");
		return -1;
	}
	p = r->buf, end = r->buf + len;
	if (member && (number(field(&p, end), &r->member) < 0 || !r->member)) {
		snprintf(msg, size, "bad member pid in the request");
		return -1;
	}
	if (number(field(&p, end), &r->uid) < 0 ||
	    number(field(&p, end), &r->gid) < 0 || !(g = field(&p, end))) {
		snprintf(msg, size, "bad user in the request");
		return -1;
	}
	while (*g) {
		char num[16];
		size_t k = strcspn(g, ",");

		if (r->ngroups == 32 || k >= sizeof(num)) {
			snprintf(msg, size, "too many supplementary groups");
			return -1;
		}
		memcpy(num, g, k);
		num[k] = 0;
		if (number(num, &r->groups[r->ngroups++]) < 0) {
			snprintf(msg, size, "bad group \"%s\"", num);
			return -1;
		}
		g += k + (g[k] == ',');
	}
	r->cwd = field(&p, end);
	r->argv = strings(&p, end);
	r->envp = r->argv ? strings(&p, end) : NULL;
	if (r->container && r->envp) {
		const char *mode = field(&p, end);

		r->read_only = mode && !strcmp(mode, "ro");
		if (mode && (r->read_only || !strcmp(mode, "rw")))
			r->mounts = strings(&p, end);
	}
	if (!r->cwd || r->cwd[0] != '/' || !r->argv || !r->argv[0] ||
	    !r->envp || (r->container && !r->mounts)) {
		snprintf(msg, size, "malformed request");
		return -1;
	}
	return read_options(r, p, end, msg, size);
}

/* KEY=VALUE of a stats line, when known. */
static size_t put_stat(char *buf, size_t at, size_t size, bool known,
		       const char *key, uint64_t v)
{
	int n;

	if (!known || at >= size)
		return at;
	n = snprintf(buf + at, size - at, " %s=%llu", key,
		     (unsigned long long)v);
	return n < 0 ? at : at + (size_t)n;
}

/* Answer a stats request and end the connection. */
static void reply_stats(int conn)
{
	struct cg_stats s;
	char line[512];
	size_t n;

	cg_stats(&s);
	n = (size_t)snprintf(line, sizeof(line), "stats");
	n = put_stat(line, n, sizeof(line), s.mem_known, "mem_usage",
		     s.mem_usage);
	n = put_stat(line, n, sizeof(line), s.mem_known, "mem_max", s.mem_max);
	n = put_stat(line, n, sizeof(line), s.mem_known, "mem_anon",
		     s.mem_anon);
	n = put_stat(line, n, sizeof(line), s.mem_known, "mem_file",
		     s.mem_file);
	n = put_stat(line, n, sizeof(line), s.mem_known, "mem_heap",
		     s.mem_heap);
	n = put_stat(line, n, sizeof(line), s.mem_limit, "mem_limit",
		     s.mem_limit);
	n = put_stat(line, n, sizeof(line), true, "mem_failcnt", s.mem_failcnt);
	n = put_stat(line, n, sizeof(line), true, "oom_kills", s.oom_kills);
	n = put_stat(line, n, sizeof(line), true, "pids_current",
		     s.pids_current);
	n = put_stat(line, n, sizeof(line), s.pids_limit, "pids_limit",
		     s.pids_limit);
	n = put_stat(line, n, sizeof(line), s.cpu_known, "cpu_user_ns",
		     s.cpu_user_ns);
	put_stat(line, n, sizeof(line), s.cpu_known, "cpu_sys_ns",
		 s.cpu_sys_ns);
	reply(conn, "%s", line);
	shutdown(conn, SHUT_RDWR);
	close(conn);
}

/* Answer a pause or resume request and end the connection. */
static void reply_freeze(int conn, bool frozen)
{
	klock_acquire();
	sandbox_freeze(frozen);
	klock_release();
	reply(conn, frozen ? "paused" : "resumed");
	shutdown(conn, SHUT_RDWR);
	close(conn);
}

/* One connection: start its process and become its first thread. */
static void *exec_main(void *arg)
{
	int conn = (int)(intptr_t)arg;
	struct request r = {.fds = {-1, -1, -1, -1}};
	struct mount *root = NULL;
	struct task *t = NULL;
	char msg[512];
	int status;

	if (read_request(conn, &r, msg, sizeof(msg)) < 0) {
		request_free(&r);
		refuse(conn, msg);
		return NULL;
	}
	if (r.simple) {
		request_free(&r);
		r.simple->answer(conn);
		return NULL;
	}
	klock_acquire();
	if (r.container && init_tg && !init_tg->zombie) {
		root = container_root_new(r.fds[3], r.read_only, r.mounts, msg,
					  sizeof(msg));
		r.fds[3] = -1; /* taken */
		if (!root) {
			klock_release();
			request_free(&r);
			refuse(conn, msg);
			return NULL;
		}
	}
	if (init_tg && !init_tg->zombie)
		t = process_new(r.fds);
	memset(r.fds, -1, 3 * sizeof(r.fds[0])); /* process_new took them */
	if (!t) {
		klock_release();
		request_free(&r);
		refuse(conn,
		       init_tg ? "out of memory" : "the sandbox has ended");
		return NULL;
	}
	bool gone = false;
	if (r.member) {
		/* runsc exec into a joined container: its tree, its
		 * number (it dies with the container's init). */
		struct thread_group *in = tg_lookup((int)r.member);

		gone = !in || in->zombie || !in->container || !in->leader ||
		       !in->leader->fs;
		if (!gone) {
			fs_context_set_root(t->fs, &in->leader->fs->root);
			fs_context_set_cwd(t->fs, &in->leader->fs->root);
			t->tg->container = in->container;
		}
	}
	if (root) {
		/* Its own tree and its own number: what it forks stays in
		 * it, and dies with its init. */
		struct path top = {root, root->root};

		fs_context_set_root(t->fs, &top);
		fs_context_set_cwd(t->fs, &top);
		t->tg->container = ++containers;
		t->tg->container_init = true;
	}
	snprintf(msg, sizeof(msg), "task-%d", t->tid);
	pthread_setname_np(pthread_self(), msg);
	/* The container's limits and capabilities unless the request has
	 * its own, the requested identity. */
	memcpy(t->tg->rlim, init_tg->rlim, sizeof(t->tg->rlim));
	for (int res = 0; res < LINUX_RLIM_NLIMITS; res++)
		if (r.rlim_set[res])
			t->tg->rlim[res] = r.rlim[res];
	t->cred = exec_cred;
	if (r.caps)
		cred_set_caps_arg(&t->cred, r.caps);
	if (r.no_new_privs)
		t->cred.no_new_privs = true;
	t->cred.uid = t->cred.euid = t->cred.suid = t->cred.fsuid = r.uid;
	t->cred.gid = t->cred.egid = t->cred.sgid = t->cred.fsgid = r.gid;
	t->cred.ngroups = r.ngroups;
	memcpy(t->cred.groups, r.groups, r.ngroups * sizeof(r.groups[0]));
	t->tg->exec_conn = conn;
	if (gone)
		status = (125 << 8),
		snprintf(msg, sizeof(msg), "the container has ended");
	else if (fs_context_chdir(t->fs, r.cwd) < 0)
		status = (125 << 8),
		snprintf(msg, sizeof(msg), "cannot enter %s", r.cwd);
	else
		status =
		    boot_task(t, r.argv[0], r.argv, r.envp, msg, sizeof(msg));
	if (status) {
		reply(conn, "error %s", msg);
		t->tg->exit_status = status;
		t->tg->exiting = true;
		t->killed = true;
	} else {
		reply(conn, "started %d", t->tg->pid);
		start_killer(conn, t->tg->pid);
	}
	request_free(&r);
	task_run_loop(t);
	task_exit_self(t); /* the last thread out reports and reaps */
	klock_release();
	return NULL;
}

static void *accept_main(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "control");
	for (;;) {
		pthread_attr_t a;
		pthread_t th;
		int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				/* Out of descriptors for now: wait a little
				 * rather than spin. */
				struct timespec ts = {0, 10 * 1000 * 1000};

				nanosleep(&ts, NULL);
				continue;
			}
			log_warn("control: accept: %s", strerror(errno));
			return NULL;
		}
		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&th, &a, exec_main, (void *)(intptr_t)conn))
			refuse(conn, "the sandbox is out of threads");
		pthread_attr_destroy(&a);
	}
}

int control_start(int fd)
{
	pthread_t th;

	listen_fd = fd;
	return -pthread_create(&th, NULL, accept_main, NULL);
}
