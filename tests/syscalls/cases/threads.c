/* clone threads through pthreads: create/join, a mutex-protected counter
 * over 4 threads, gettid vs getpid, TLS, thread exit vs exit_group, and a
 * raw clone(CLONE_VM|CLONE_THREAD|...) with CLONE_CHILD_CLEARTID. */
#include "compat.h"
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>

#define NTHREADS 4
#define NITER	 20000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int tls_value = 5;
static pid_t main_pid, main_tid;

struct result {
	int same_pid, own_tid, tls_ok;
};

static void *worker(void *arg)
{
	struct result *r = arg;

	r->same_pid = getpid() == main_pid;
	r->own_tid = gettid() != main_tid && gettid() > 0;
	r->tls_ok = tls_value == 5;
	tls_value = 100;
	for (int i = 0; i < NITER; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
	}
	return (void *)(long)gettid();
}

static void *exiter(void *arg)
{
	pthread_exit((void *)42);
}

static void *sleeper(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static volatile int raw_flag;
static int raw_child(void *arg)
{
	raw_flag = getpid() == main_pid ? 1 : 2;
	return 0;
}

int main(void)
{
	pthread_t th[NTHREADS];
	struct result res[NTHREADS];
	void *ret;
	pid_t tids[NTHREADS];

	main_pid = getpid();
	main_tid = gettid();
	YESNO("main thread: gettid() == getpid()", main_tid == main_pid);
	for (int i = 0; i < NTHREADS; i++)
		die_if(pthread_create(&th[i], NULL, worker, &res[i]) != 0,
		       "pthread_create");
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], &ret);
		tids[i] = (pid_t)(long)ret;
		printf("thread %d: same pid %d, own tid %d, tls initial %d\n",
		       i, res[i].same_pid, res[i].own_tid, res[i].tls_ok);
	}
	int distinct = 1;
	for (int i = 0; i < NTHREADS; i++)
		for (int j = i + 1; j < NTHREADS; j++)
			distinct &= tids[i] != tids[j];
	YESNO("thread ids distinct", distinct);
	printf("counter = %ld (want %d)\n", counter, NTHREADS * NITER);
	printf("main's tls untouched: %d\n", tls_value);

	pthread_t t;
	pthread_create(&t, NULL, exiter, NULL);
	pthread_join(t, &ret);
	printf("pthread_exit value: %ld\n", (long)ret);
	printf("pthread_join(self) = %s\n",
	       errname(pthread_join(pthread_self(), NULL)));

	/* A raw thread: CLONE_CHILD_CLEARTID wakes us through the futex. */
	size_t stsz = 64 * 1024;
	char *stack = malloc(stsz);
	volatile pid_t ctid = -1;
	int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
		    CLONE_THREAD | CLONE_SYSVSEM | CLONE_PARENT_SETTID |
		    CLONE_CHILD_CLEARTID;
	pid_t ptid = 0;
	int tid =
	    clone(raw_child, stack + stsz, flags, NULL, &ptid, NULL, &ctid);
	YESNO("raw clone returned a tid", tid > 0);
	YESNO("CLONE_PARENT_SETTID stored it", ptid == tid);
	while (ctid != 0) {
		pid_t v = ctid;
		if (v != 0)
			syscall(SYS_futex, &ctid, FUTEX_WAIT, v, NULL, NULL, 0);
	}
	printf("raw thread ran in our thread group: %d, ctid cleared: yes\n",
	       raw_flag);
	ERR("clone(CLONE_THREAD without CLONE_SIGHAND)",
	    clone(raw_child, stack + stsz, CLONE_VM | CLONE_THREAD, NULL));
	free(stack);

	/* exit_group from the main thread ends blocked threads too. */
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t s;
		pthread_create(&s, NULL, sleeper, NULL);
		exit(17);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("process with a blocked thread, exit(17): %s\n",
	       wstatus_str(st));

	/* The process lives on while a non-main thread runs after main's
	 * thread exits with pthread_exit. */
	pid = fork();
	if (pid == 0) {
		pthread_t s;
		pthread_create(&s, NULL, exiter, NULL);
		pthread_exit(NULL);
	}
	waitpid(pid, &st, 0);
	printf("main thread pthread_exit, last thread exits: %s\n",
	       wstatus_str(st));
	return 0;
}
