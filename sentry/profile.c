/* --profile counters: see profile.h. */
#include "sentry/profile.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gofer/p9/p9.h"
#include "platform/platform.h"
#include "sentry/log.h"
#include "sentry/syscalls/syscall.h"

bool profile_enabled;

struct counter {
	_Atomic uint64_t n, ns;
};

static struct counter sys[SYSCALL_TABLE_SIZE];
static struct counter p9[256];
static struct counter app;

/* Platform operations, timed by a wrapper around the real ops. */
enum {
	OP_NEW_AS,
	OP_FORK_AS,
	OP_NEW_THREAD,
	OP_DESTROY,
	OP_MMAP,
	OP_MUNMAP,
	OP_MPROTECT,
	OP_READ_MEM,
	OP_WRITE_MEM,
	OP_N
};
static const char *const op_names[OP_N] = {
    "new_as", "fork_as",  "new_thread", "destroy",   "mmap",
    "munmap", "mprotect", "read_mem",	"write_mem",
};
static struct counter ops[OP_N];
static const struct platform_ops *real;

#define TIMED(op, call)                                                        \
	({                                                                     \
		uint64_t t0_ = profile_now();                                  \
		__auto_type r_ = (call);                                       \
		add(&ops[op], profile_now() - t0_);                            \
		r_;                                                            \
	})

uint64_t profile_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void add(struct counter *c, uint64_t ns)
{
	atomic_fetch_add_explicit(&c->n, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->ns, ns, memory_order_relaxed);
}

void profile_syscall(uint64_t nr, uint64_t ns)
{
	if (nr < SYSCALL_TABLE_SIZE)
		add(&sys[nr], ns);
}

void profile_p9(uint8_t type, uint64_t ns)
{
	add(&p9[type], ns);
}

void profile_app(uint64_t ns)
{
	add(&app, ns);
}

static int p_new_as(struct platform_ctx **out)
{
	return TIMED(OP_NEW_AS, real->new_as(out));
}

static int p_fork_as(struct platform_ctx *c, struct platform_ctx **out)
{
	return TIMED(OP_FORK_AS, real->fork_as(c, out));
}

static int p_new_thread(struct platform_ctx *c, struct platform_ctx **out)
{
	return TIMED(OP_NEW_THREAD, real->new_thread(c, out));
}

static void p_destroy(struct platform_ctx *c)
{
	uint64_t t0 = profile_now();

	real->destroy(c);
	add(&ops[OP_DESTROY], profile_now() - t0);
}

static long p_mmap(struct platform_ctx *c, uint64_t addr, uint64_t len,
		   int prot, int flags, int fd, uint64_t off)
{
	return TIMED(OP_MMAP, real->mmap(c, addr, len, prot, flags, fd, off));
}

static int p_munmap(struct platform_ctx *c, uint64_t addr, uint64_t len)
{
	return TIMED(OP_MUNMAP, real->munmap(c, addr, len));
}

static int p_mprotect(struct platform_ctx *c, uint64_t addr, uint64_t len,
		      int prot)
{
	return TIMED(OP_MPROTECT, real->mprotect(c, addr, len, prot));
}

static ssize_t p_read_mem(struct platform_ctx *c, uint64_t addr, void *buf,
			  size_t n)
{
	return TIMED(OP_READ_MEM, real->read_mem(c, addr, buf, n));
}

static ssize_t p_write_mem(struct platform_ctx *c, uint64_t addr,
			   const void *buf, size_t n)
{
	return TIMED(OP_WRITE_MEM, real->write_mem(c, addr, buf, n));
}

const struct platform_ops *profile_platform(const struct platform_ops *p)
{
	static struct platform_ops w;

	real = p;
	w = *p;
	w.new_as = p_new_as;
	w.fork_as = p_fork_as;
	w.new_thread = p_new_thread;
	w.destroy = p_destroy;
	w.mmap = p_mmap;
	w.munmap = p_munmap;
	w.mprotect = p_mprotect;
	w.read_mem = p_read_mem;
	w.write_mem = p_write_mem;
	return &w;
}

struct row {
	const char *name;
	uint64_t n, ns;
};

static int by_time(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

/* Rows sorted by total time, largest first; prints the top max. */
static void print_rows(const char *title, struct row *r, size_t n, size_t max)
{
	uint64_t tn = 0, tns = 0;

	qsort(r, n, sizeof(*r), by_time);
	for (size_t i = 0; i < n; i++) {
		tn += r[i].n;
		tns += r[i].ns;
	}
	dprintf(log_fd, "profile: %s: %" PRIu64 " calls, %.3f ms\n", title, tn,
		(double)tns / 1e6);
	for (size_t i = 0; i < n && i < max; i++)
		dprintf(log_fd,
			"profile:   %-20s %8" PRIu64
			" %10.3f ms %8.1f us/call\n",
			r[i].name, r[i].n, (double)r[i].ns / 1e6,
			(double)r[i].ns / 1e3 / (double)r[i].n);
}

void profile_report(void)
{
	static struct row r[SYSCALL_TABLE_SIZE];
	size_t n = 0;

	if (!profile_enabled)
		return;
	dprintf(log_fd,
		"profile: application code ran %" PRIu64 " times, %.3f ms\n",
		atomic_load(&app.n), (double)atomic_load(&app.ns) / 1e6);
	for (size_t i = 0; i < SYSCALL_TABLE_SIZE; i++) {
		uint64_t c = atomic_load(&sys[i].n);

		if (!c)
			continue;
		r[n].name = syscall_name(i) ? syscall_name(i) : "?";
		r[n].n = c;
		r[n++].ns = atomic_load(&sys[i].ns);
	}
	print_rows("syscalls", r, n, 25);
	n = 0;
	for (size_t i = 0; i < 256; i++) {
		uint64_t c = atomic_load(&p9[i].n);

		if (!c)
			continue;
		r[n].name = p9_type_name((uint8_t)i);
		r[n].n = c;
		r[n++].ns = atomic_load(&p9[i].ns);
	}
	print_rows("9P round trips", r, n, 25);
	n = 0;
	for (size_t i = 0; i < OP_N; i++) {
		uint64_t c = atomic_load(&ops[i].n);

		if (!c)
			continue;
		r[n].name = op_names[i];
		r[n].n = c;
		r[n++].ns = atomic_load(&ops[i].ns);
	}
	print_rows("platform operations", r, n, OP_N);
}
