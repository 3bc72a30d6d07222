/* futex WAIT/WAKE: value mismatch, timeouts, wake counts, private and
 * shared (across fork through a MAP_SHARED page). */
#include "compat.h"
#include <linux/futex.h>
#include <pthread.h>
#include <sys/mman.h>
#include <time.h>

static long futex(volatile int *uaddr, int op, int val,
		  const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static volatile int word;
static volatile int woken, ready;

static void *waiter(void *arg)
{
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
	long r = futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL);
	__atomic_add_fetch(&woken, 1, __ATOMIC_SEQ_CST);
	return (void *)r;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int main(void)
{
	struct timespec ts = {0, 50 * 1000 * 1000};
	struct timespec t0, t1;

	ERR("FUTEX_WAIT with wrong value", futex(&word, FUTEX_WAIT, 1, NULL));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ERR("FUTEX_WAIT 50ms timeout", futex(&word, FUTEX_WAIT, 0, &ts));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		  (t1.tv_nsec - t0.tv_nsec) / 1000000;
	YESNO("waited >= 45ms", ms >= 45);
	RET("FUTEX_WAKE with no waiters", futex(&word, FUTEX_WAKE, 1, NULL));
	ERR("FUTEX_WAIT(unmapped address)",
	    futex((int *)16, FUTEX_WAIT, 0, NULL));
	ERR("FUTEX_WAIT(unaligned)",
	    futex((int *)((char *)&word + 1), FUTEX_WAIT, 0, NULL));
	struct timespec bad = {0, -1};
	ERR("FUTEX_WAIT(bad timeout)", futex(&word, FUTEX_WAIT, 0, &bad));
	ERR("futex(bad op)", futex(&word, 99, 0, NULL));

	/* Three waiting threads; wake 1, then the rest. */
	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, waiter, NULL);
	/* FUTEX_WAKE counts only threads already queued: wait until all
	 * three are about to wait, then give them ample time to queue. */
	while (ready < 3)
		sleep_ms(10);
	sleep_ms(300);
	long r1 = futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL);
	printf("FUTEX_WAKE(1) = %ld\n", r1);
	sleep_ms(100);
	printf("woken so far: %d\n", woken);
	long r2 = futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL);
	printf("FUTEX_WAKE(10) = %ld\n", r2);
	for (int i = 0; i < 3; i++) {
		void *ret;
		pthread_join(th[i], &ret);
		printf("waiter %d returned %ld\n", i, (long)ret);
	}

	/* Shared futex between processes. */
	volatile int *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	*sh = 0;
	pid_t pid = fork();
	if (pid == 0) {
		while (*sh == 0)
			futex(sh, FUTEX_WAIT, 0, NULL);
		_exit(*sh);
	}
	sleep_ms(200);
	*sh = 33;
	long n = futex(sh, FUTEX_WAKE, 1, NULL);
	int st;
	waitpid(pid, &st, 0);
	printf("shared futex: woke %ld, child %s\n", n, wstatus_str(st));

	/* FUTEX_WAIT_BITSET with an absolute CLOCK_MONOTONIC deadline. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 30 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	ERR("FUTEX_WAIT_BITSET absolute deadline",
	    syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL,
		    FUTEX_BITSET_MATCH_ANY));
	ERR("FUTEX_WAIT_BITSET bitset 0",
	    syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL,
		    0));
	return 0;
}
