/*
 * Futex ping-pong between two threads of one process: each side hands the
 * turn over with FUTEX_WAKE and sleeps with FUTEX_WAIT; per round trip.
 */
#include "bench.h"
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

static _Atomic int turn; /* 0: main's turn, 1: the partner's */
static _Atomic int stop;

static void fwait(_Atomic int *w, int val)
{
	syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void fwake(_Atomic int *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *partner(void *arg)
{
	(void)arg;
	for (;;) {
		while (atomic_load(&turn) == 0)
			fwait(&turn, 0);
		if (atomic_load(&stop))
			return NULL;
		atomic_store(&turn, 0);
		fwake(&turn);
	}
}

static int op(uint64_t n, void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < n; i++) {
		atomic_store(&turn, 1);
		fwake(&turn);
		while (atomic_load(&turn) == 1)
			fwait(&turn, 1);
	}
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if ((errno = pthread_create(&t, NULL, partner, NULL)) != 0)
		die("pthread_create");
	double ns = bench_measure(op, NULL, target_ns(argc, argv));
	atomic_store(&stop, 1);
	atomic_store(&turn, 1);
	fwake(&turn);
	if ((errno = pthread_join(t, NULL)) != 0)
		die("pthread_join");
	bench_result(ns / 1000.0, "us");
	return 0;
}
