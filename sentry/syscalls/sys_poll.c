/* poll, ppoll, select, pselect6. See sys_poll.h. */
#include "sentry/syscalls/sys_poll.h"
#include "sentry/syscalls/poll_wait.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "sentry/kernel/klock.h"
#include "sentry/kernel/task.h"
#include "sentry/mm/usercopy.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/vfs.h"

/* An interrupted poll/select is never restarted after a handler ran, even
 * with SA_RESTART; it is when no handler ran (Linux: ERESTARTNOHAND; poll's
 * restart block, which shortens the timeout, is not reproduced). */

#define POLLIN_SET                                                             \
	(LINUX_POLLRDNORM | LINUX_POLLRDBAND | LINUX_POLLIN | LINUX_POLLHUP |  \
	 LINUX_POLLERR)
#define POLLOUT_SET                                                            \
	(LINUX_POLLWRBAND | LINUX_POLLWRNORM | LINUX_POLLOUT | LINUX_POLLERR)
#define POLLEX_SET (LINUX_POLLPRI)

static struct waitq poll_global_wq = {0};

void poll_notify(void)
{
	if (poll_global_wq.head)
		waitq_wake_all(&poll_global_wq);
}

/* One polled descriptor. */
struct pentry {
	int fd;
	unsigned want; /* events that count, incl. the always-reported ones */
	unsigned got;
};

void ws_release(struct wait_set *ws)
{
	for (int i = 0; i < ws->nheld; i++)
		file_put(ws->held[i]);
	ws->nheld = 0;
	ws->one = NULL;
	ws->nwq = 0;
	ws->nhost = 0;
	ws->hostfd = -1;
	ws->hostev = 0;
	ws->tick = false;
}

void ws_add(struct wait_set *ws, struct file *f, struct waitq *wq,
	    unsigned want)
{
	ws->held[ws->nheld++] = f;
	if (wq) {
		if (ws->nwq == 0) {
			ws->one = wq;
			ws->nwq = 1;
		} else if (wq != ws->one) {
			ws->nwq = 2;
		}
		return;
	}
	int hfd = f->ops && f->ops->host_fd ? f->ops->host_fd(f) : -1;
	if (hfd >= 0) {
		if (ws->nhost == 0 || ws->hostfd != hfd)
			ws->nhost++;
		ws->hostfd = hfd;
		if (want & (LINUX_POLLIN | LINUX_POLLRDNORM))
			ws->hostev |= LINUX_POLLIN;
		if (want & (LINUX_POLLOUT | LINUX_POLLWRNORM))
			ws->hostev |= LINUX_POLLOUT;
		return;
	}
	/* A file without a poll op never changes readiness (regular files):
	 * nothing to wait for. One with a poll op but no queue must be
	 * re-checked. */
	if (f->ops && f->ops->poll)
		ws->tick = true;
}

static struct timespec mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Sleep until something in ws may have changed. 0 to re-scan,
 * -LINUX_ETIMEDOUT at the deadline, or -LINUX_ERESTARTSYS. */
int ws_wait(struct task *t, struct wait_set *ws,
	    const struct timespec *deadline)
{
	if (!ws->tick && ws->nhost == 0 && ws->nwq <= 1)
		return task_wait(t, ws->nwq ? ws->one : &poll_global_wq,
				 deadline);
	if (!ws->tick && ws->nwq == 0 && ws->nhost == 1 && !deadline &&
	    ws->hostev)
		return task_wait_host_fd(t, ws->hostfd, ws->hostev);
	struct timespec slice = mono_now();
	slice.tv_nsec += POLL_TICK_MS * 1000000L;
	if (slice.tv_nsec >= 1000000000L) {
		slice.tv_sec++;
		slice.tv_nsec -= 1000000000L;
	}
	if (deadline && !ts_before(&slice, deadline))
		return task_wait(t, &poll_global_wq, deadline);
	int r = task_wait(t, &poll_global_wq, &slice);
	return r == -LINUX_ETIMEDOUT ? 0 : r;
}

/* The common engine: scan, and sleep until something is ready, the
 * deadline passes (deadline NULL: never; nowait: return after one scan) or
 * a signal arrives. select_mode: a closed fd is EBADF instead of POLLNVAL.
 * Returns the number of ready entries or -LINUX_Exxx. */
static long poll_entries(struct task *t, struct pentry *e, int n,
			 const struct timespec *deadline, bool nowait,
			 bool select_mode)
{
	struct wait_set ws = {.hostfd = -1};
	ws.held = malloc(sizeof(*ws.held) * (size_t)(n ? n : 1));
	if (!ws.held)
		return -LINUX_ENOMEM;
	long ret;
	for (;;) {
		int count = 0;
		for (int i = 0; i < n; i++) {
			e[i].got = 0;
			if (e[i].fd < 0)
				continue;
			struct file *f = fd_get(t, e[i].fd);
			if (!f) {
				if (select_mode) {
					ret = -LINUX_EBADF;
					goto out;
				}
				e[i].got = LINUX_POLLNVAL;
				count++;
				continue;
			}
			struct waitq *wq = NULL;
			unsigned m = vfs_poll(f, &wq);
			if ((m & LINUX_POLLNVAL) && select_mode) {
				file_put(f);
				ret = -LINUX_EBADF;
				goto out;
			}
			e[i].got = m & (e[i].want | LINUX_POLLNVAL);
			if (e[i].got)
				count++;
			ws_add(&ws, f, wq, e[i].want);
		}
		if (count || nowait) {
			ret = count;
			goto out;
		}
		int r = ws_wait(t, &ws, deadline);
		ws_release(&ws);
		if (r == -LINUX_ETIMEDOUT) {
			ret = 0;
			goto out;
		}
		if (r < 0) {
			ret = POLL_EINTR;
			goto out;
		}
	}
out:
	ws_release(&ws);
	free(ws.held);
	return ret;
}

/* Absolute deadline from a relative timeout; false when it is so far away
 * that it is "never". */
bool deadline_from(struct timespec rel, struct timespec *abs)
{
	if (rel.tv_sec > (int64_t)1 << 40)
		return false;
	*abs = mono_now();
	abs->tv_sec += rel.tv_sec;
	abs->tv_nsec += rel.tv_nsec;
	if (abs->tv_nsec >= 1000000000L) {
		abs->tv_sec++;
		abs->tv_nsec -= 1000000000L;
	}
	return true;
}

static struct timespec remaining(const struct timespec *deadline)
{
	struct timespec now = mono_now(), r = {0, 0};
	if (!ts_before(&now, deadline))
		return r;
	r.tv_sec = deadline->tv_sec - now.tv_sec;
	r.tv_nsec = deadline->tv_nsec - now.tv_nsec;
	if (r.tv_nsec < 0) {
		r.tv_sec--;
		r.tv_nsec += 1000000000L;
	}
	return r;
}

/* ppoll/pselect6's temporary signal mask. The old mask goes to
 * t->saved_mask: restored here when the call completes, or by the signal
 * delivery code after the handler's frame is built when it is interrupted
 * (the sigsuspend protocol of task.h). */
int sigmask_install(struct task *t, uint64_t uaddr, uint64_t size)
{
	if (!uaddr)
		return 0;
	if (size != sizeof(linux_sigset_t))
		return -LINUX_EINVAL;
	linux_sigset_t m;
	int r = copy_in(t, uaddr, &m, sizeof(m));
	if (r < 0)
		return r;
	m &= ~((1ULL << (9 - 1)) | (1ULL << (19 - 1))); /* SIGKILL, SIGSTOP */
	/* A restarted call must not save its own temporary mask. */
	if (!t->has_saved_mask) {
		t->saved_mask = t->blocked;
		t->has_saved_mask = true;
	}
	t->blocked = m;
	return 1;
}

void sigmask_finish(struct task *t, int installed, long ret)
{
	if (installed <= 0 || ret == POLL_EINTR)
		return;
	t->blocked = t->saved_mask;
	t->has_saved_mask = false;
}

struct linux_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};

static long do_poll(struct task *t, uint64_t ufds, uint64_t nfds,
		    const struct timespec *deadline, bool nowait)
{
	if (nfds > task_nofile_limit(t) || nfds > FDTABLE_HARD_MAX)
		return -LINUX_EINVAL;
	int n = (int)nfds;
	struct linux_pollfd *pfd = malloc(sizeof(*pfd) * (n ? n : 1));
	struct pentry *e = malloc(sizeof(*e) * (n ? n : 1));
	long ret = -LINUX_ENOMEM;
	if (!pfd || !e)
		goto out;
	ret = copy_in(t, ufds, pfd, sizeof(*pfd) * n);
	if (ret < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		e[i].fd = pfd[i].fd;
		e[i].want =
		    (uint16_t)pfd[i].events | LINUX_POLLERR | LINUX_POLLHUP;
	}
	ret = poll_entries(t, e, n, deadline, nowait, false);
	if (ret < 0)
		goto out;
	for (int i = 0; i < n; i++)
		pfd[i].revents = (int16_t)e[i].got;
	/* Linux writes back only revents, field by field: fine to write the
	 * whole array back with the fd/events just read. */
	int r = copy_out(t, ufds, pfd, sizeof(*pfd) * n);
	if (r < 0)
		ret = r;
out:
	free(pfd);
	free(e);
	return ret;
}

/* poll(2): interrupted polls restart with their full timeout. */
long sys_poll(struct task *t, const uint64_t a[6])
{
	int timeout_ms = (int)a[2];
	struct timespec dl, *dlp = NULL;
	if (timeout_ms > 0) {
		struct timespec rel = {timeout_ms / 1000,
				       (timeout_ms % 1000) * 1000000L};
		if (deadline_from(rel, &dl))
			dlp = &dl;
	}
	return do_poll(t, a[0], a[1], dlp, timeout_ms == 0);
}

struct linux_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* Read a relative timeout: *nowait when zero, *dlp NULL when none. */
static int timeout_in(struct task *t, uint64_t uaddr, bool usec,
		      struct timespec *dl, struct timespec **dlp, bool *nowait)
{
	*dlp = NULL;
	*nowait = false;
	if (!uaddr)
		return 0;
	struct linux_timespec ts;
	int r = copy_in(t, uaddr, &ts, sizeof(ts));
	if (r < 0)
		return r;
	if (usec) {
		/* struct timeval: Linux normalizes large tv_usec values. */
		if (ts.tv_sec < 0 || ts.tv_nsec < 0)
			return -LINUX_EINVAL;
		ts.tv_sec += ts.tv_nsec / 1000000;
		ts.tv_nsec = (ts.tv_nsec % 1000000) * 1000;
	}
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -LINUX_EINVAL;
	if (ts.tv_sec == 0 && ts.tv_nsec == 0) {
		*nowait = true;
		return 0;
	}
	struct timespec rel = {ts.tv_sec, ts.tv_nsec};
	if (deadline_from(rel, dl))
		*dlp = dl;
	return 0;
}

/* Linux's raw calls write the time left back (select, ppoll, pselect6);
 * a failure to do so is ignored, as in Linux. */
static void timeout_out(struct task *t, uint64_t uaddr, bool usec,
			const struct timespec *dlp)
{
	if (!uaddr || !dlp)
		return;
	struct timespec r = remaining(dlp);
	struct linux_timespec ts = {r.tv_sec,
				    usec ? r.tv_nsec / 1000 : r.tv_nsec};
	copy_out(t, uaddr, &ts, sizeof(ts));
}

/* ppoll(2): the sigmask is applied for the duration of the call. */
long sys_ppoll(struct task *t, const uint64_t a[6])
{
	struct timespec dl, *dlp;
	bool nowait;
	int r = timeout_in(t, a[2], false, &dl, &dlp, &nowait);
	if (r < 0)
		return r;
	int installed = sigmask_install(t, a[3], a[4]);
	if (installed < 0)
		return installed;
	long ret = do_poll(t, a[0], a[1], dlp, nowait);
	sigmask_finish(t, installed, ret);
	timeout_out(t, a[2], false, dlp);
	return ret;
}

#define LONG_BITS 64

static long do_select(struct task *t, int64_t nfds, uint64_t uin, uint64_t uout,
		      uint64_t uex, const struct timespec *deadline,
		      bool nowait)
{
	if (nfds < 0 || nfds > INT32_MAX)
		return -LINUX_EINVAL;
	/* Linux ignores descriptors at or above its table's allocated size
	 * (at least 64, more once the table grew); the sentry's analogue is
	 * the RLIMIT_NOFILE bound, below which a set bit on a closed fd is
	 * EBADF as in Linux. */
	uint64_t limit = task_nofile_limit(t);
	if ((uint64_t)nfds > limit)
		nfds = (int64_t)limit;
	int n = (int)nfds;
	size_t words = ((size_t)n + LONG_BITS - 1) / LONG_BITS;
	size_t bytes = words * sizeof(uint64_t);
	uint64_t *sets = calloc(3 * words + 1, sizeof(uint64_t));
	struct pentry *e = malloc(sizeof(*e) * (n ? n : 1));
	long ret = -LINUX_ENOMEM;
	if (!sets || !e)
		goto out;
	uint64_t *in = sets, *outs = sets + words, *ex = sets + 2 * words;
	uint64_t uaddr[3] = {uin, uout, uex};
	for (int k = 0; k < 3; k++) {
		if (uaddr[k] && bytes) {
			ret = copy_in(t, uaddr[k], sets + k * words, bytes);
			if (ret < 0)
				goto out;
		}
	}
	int ne = 0;
	for (int fd = 0; fd < n; fd++) {
		uint64_t bit = 1ULL << (fd % LONG_BITS);
		size_t w = (size_t)fd / LONG_BITS;
		unsigned want = 0;
		if (in[w] & bit)
			want |= POLLIN_SET;
		if (outs[w] & bit)
			want |= POLLOUT_SET;
		if (ex[w] & bit)
			want |= POLLEX_SET;
		if (!want)
			continue;
		e[ne].fd = fd;
		e[ne].want = want;
		ne++;
	}
	ret = poll_entries(t, e, ne, deadline, nowait, true);
	if (ret < 0)
		goto out;
	memset(sets, 0, 3 * bytes);
	long count = 0;
	for (int i = 0; i < ne; i++) {
		uint64_t bit = 1ULL << (e[i].fd % LONG_BITS);
		size_t w = (size_t)e[i].fd / LONG_BITS;
		if (e[i].got & e[i].want & POLLIN_SET &&
		    (e[i].want & LINUX_POLLIN)) {
			in[w] |= bit;
			count++;
		}
		if (e[i].got & e[i].want & POLLOUT_SET &&
		    (e[i].want & LINUX_POLLOUT)) {
			outs[w] |= bit;
			count++;
		}
		if (e[i].got & e[i].want & POLLEX_SET) {
			ex[w] |= bit;
			count++;
		}
	}
	for (int k = 0; k < 3; k++) {
		if (uaddr[k] && bytes) {
			int r = copy_out(t, uaddr[k], sets + k * words, bytes);
			if (r < 0) {
				ret = r;
				goto out;
			}
		}
	}
	ret = count;
out:
	free(sets);
	free(e);
	return ret;
}

/* select(2): the timeval is updated with the time left, as Linux does. */
long sys_select(struct task *t, const uint64_t a[6])
{
	struct timespec dl, *dlp;
	bool nowait;
	int r = timeout_in(t, a[4], true, &dl, &dlp, &nowait);
	if (r < 0)
		return r;
	long ret = do_select(t, (int)a[0], a[1], a[2], a[3], dlp, nowait);
	timeout_out(t, a[4], true, dlp);
	return ret;
}

/* pselect6(2): the 6th argument points to {sigset_t *ss; size_t ss_len}. */
long sys_pselect6(struct task *t, const uint64_t a[6])
{
	struct timespec dl, *dlp;
	bool nowait;
	int r = timeout_in(t, a[4], false, &dl, &dlp, &nowait);
	if (r < 0)
		return r;
	int installed = 0;
	if (a[5]) {
		uint64_t sm[2];
		r = copy_in(t, a[5], sm, sizeof(sm));
		if (r < 0)
			return r;
		installed = sigmask_install(t, sm[0], sm[1]);
		if (installed < 0)
			return installed;
	}
	long ret = do_select(t, (int)a[0], a[1], a[2], a[3], dlp, nowait);
	sigmask_finish(t, installed, ret);
	timeout_out(t, a[4], false, dlp);
	return ret;
}
