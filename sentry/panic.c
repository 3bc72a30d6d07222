/* Sentry panics: a message, a backtrace (libunwind) and the last syscalls
 * the sandbox made go to the debug log, then the sandbox dies (the sentry
 * is pid 1 of its pid namespace: every stub dies with it). */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sentry/log.h"
#include "sentry/panic.h"
#include "sentry/syscalls/syscall.h"

#define RING 64

static struct {
	int tid;
	uint64_t nr;
} ring[RING];
static atomic_uint ring_next;

void panic_record_syscall(int tid, uint64_t nr)
{
	unsigned i =
	    atomic_fetch_add_explicit(&ring_next, 1, memory_order_relaxed) %
	    RING;
	ring[i].tid = tid;
	ring[i].nr = nr;
}

static void dump_backtrace(void)
{
	unw_context_t ctx;
	unw_cursor_t cur;
	int depth = 0;

	if (unw_getcontext(&ctx) || unw_init_local(&cur, &ctx))
		return;
	while (unw_step(&cur) > 0 && depth < 64) {
		unw_word_t ip, off;
		char name[128];
		unw_get_reg(&cur, UNW_REG_IP, &ip);
		if (unw_get_proc_name(&cur, name, sizeof(name), &off))
			snprintf(name, sizeof(name), "?");
		log_error("  #%d %#lx %s+%#lx", depth++, (unsigned long)ip,
			  name, (unsigned long)off);
	}
}

static void dump_syscalls(void)
{
	unsigned end = atomic_load(&ring_next);
	unsigned start = end > RING ? end - RING : 0;

	log_error("last %u syscalls (oldest first):", end - start);
	for (unsigned i = start; i < end; i++) {
		const char *name = syscall_name(ring[i % RING].nr);
		log_error("  tid %d %s (%lu)", ring[i % RING].tid,
			  name ? name : "?", (unsigned long)ring[i % RING].nr);
	}
}

static atomic_int panicking;

static void __attribute__((noreturn)) die(void)
{
	/* The exit status runsc reports for a crashed sandbox. */
	_exit(125);
}

void sentry_panic(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (atomic_exchange(&panicking, 1))
		die(); /* a panic while panicking: just go */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("PANIC: %s", msg);
	dump_backtrace();
	dump_syscalls();
	die();
}

static void on_fatal(int sig, siginfo_t *si, void *uc)
{
	if (sig == SIGSYS)
		sentry_panic("host syscall %d refused by the sentry's seccomp "
			     "filter",
			     si->si_syscall);
	sentry_panic("fatal signal %d (%s) at address %p", sig, strsignal(sig),
		     si->si_addr);
}

void panic_install_handlers(void)
{
	static const int sigs[] = {SIGSEGV, SIGBUS,  SIGILL,
				   SIGFPE,  SIGABRT, SIGSYS};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fatal;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}
