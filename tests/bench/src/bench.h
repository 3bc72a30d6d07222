/*
 * Shared helpers for the microbenchmarks in tests/bench/src.
 *
 * Every benchmark takes the measuring time in milliseconds as argv[1] and
 * prints exactly one line "RESULT <value> <unit>" on stdout on success; any
 * failure (a syscall that errs, data that does not match) prints a reason on
 * stderr and exits non-zero, so that run.sh reports n/a instead of a figure.
 * Timing is done inside the program with CLOCK_MONOTONIC, so the sandbox's
 * start-up cost is not part of these rows (it has its own row).
 */
#ifndef BENCH_H
#define BENCH_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static inline uint64_t target_ns(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 200;

	if (ms <= 0)
		ms = 200;
	return (uint64_t)ms * 1000000ull;
}

/*
 * Runs op(iters, arg) in growing batches until one batch lasts at least
 * `target` ns and returns that batch's nanoseconds per iteration. Batches
 * grow by the measured speed, so a slow sandbox runs few iterations and a
 * fast native run many, both for about the same wall time. op returns 0, or
 * -1 after printing why it failed.
 */
typedef int (*bench_op)(uint64_t iters, void *arg);

static inline double bench_measure(bench_op op, void *arg, uint64_t target)
{
	uint64_t iters = 1;
	uint64_t t0 = now_ns();

	if (op(1, arg) < 0) /* warm-up: page in code, libraries, caches */
		exit(1);
	uint64_t warm = now_ns() - t0;
	/* An operation this long is measured once: its cold start is small next
	 * to it. */
	if (warm >= 4 * target)
		return (double)warm;
	for (;;) {
		uint64_t t0 = now_ns();
		if (op(iters, arg) < 0)
			exit(1);
		uint64_t el = now_ns() - t0;
		if (el >= target)
			return (double)el / (double)iters;
		uint64_t next;
		if (el < target / 100)
			next = iters * 100;
		else
			next = (uint64_t)((double)iters * (double)target /
					  (double)el * 1.1) +
			       1;
		iters = next > iters ? next : iters + 1;
	}
}

static inline void bench_result(double value, const char *unit)
{
	printf("RESULT %.6g %s\n", value, unit);
	fflush(stdout);
}

#endif
