/* The calls every libc makes at start-up: arch_prctl (FS base),
 * set_tid_address, set_robust_list/get_robust_list, and prctl's task name. */
#include "compat.h"
#include <asm/prctl.h>
#include <linux/futex.h>
#include <sys/prctl.h>

static __thread int tls_marker = 1234;

int main(void)
{
	unsigned long fs = 0, fs2 = 0;

	RET("arch_prctl(ARCH_GET_FS)",
	    syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
	/* x86-64 TLS: the thread pointer points at itself (the TCB header). */
	YESNO("FS base points at the thread's TCB",
	      fs != 0 && *(unsigned long *)fs == fs);
	YESNO("__thread variable lies below the FS base",
	      (unsigned long)&tls_marker < fs && tls_marker == 1234);
	unsigned long gs = 1;
	RET("arch_prctl(ARCH_GET_GS)",
	    syscall(SYS_arch_prctl, ARCH_GET_GS, &gs));
	printf("GS base = %lu\n", gs);

	/* Set FS to a copy of the TCB and back: no libc call in between may
	 * use TLS, so only raw syscalls run while it is changed. */
	static unsigned long fake_tcb[64];
	/* A copy keeps the stack canary and pointer guard the same. */
	memcpy(fake_tcb, (void *)fs, sizeof(fake_tcb));
	fake_tcb[0] = (unsigned long)fake_tcb;
	fake_tcb[2] = (unsigned long)fake_tcb; /* tcbhead_t.self */
	long r1 = syscall(SYS_arch_prctl, ARCH_SET_FS, fake_tcb);
	long r2 = syscall(SYS_arch_prctl, ARCH_GET_FS, &fs2);
	long r3 = syscall(SYS_arch_prctl, ARCH_SET_FS, fs);
	printf("ARCH_SET_FS = %ld, get = %ld, read back right: %s, restore = "
	       "%ld\n",
	       r1, r2, fs2 == (unsigned long)fake_tcb ? "yes" : "no", r3);
	ERR("arch_prctl(bad code)", syscall(SYS_arch_prctl, 0x9999, &fs));
	ERR("arch_prctl(ARCH_GET_FS, BADPTR)",
	    syscall(SYS_arch_prctl, ARCH_GET_FS, BADPTR));
	ERR("arch_prctl(ARCH_SET_FS, non-canonical)",
	    syscall(SYS_arch_prctl, ARCH_SET_FS, 0x8000000000000000UL));

	static int clear_me;
	YESNO("set_tid_address returns gettid()",
	      syscall(SYS_set_tid_address, &clear_me) == gettid());

	struct robust_list_head head = {.list = {&head.list},
					.futex_offset = 0};
	RET("set_robust_list(head, sizeof)",
	    syscall(SYS_set_robust_list, &head, sizeof(head)));
	ERR("set_robust_list(head, 1)", syscall(SYS_set_robust_list, &head, 1));
	struct robust_list_head *got = NULL;
	size_t len = 0;
	RET("get_robust_list(0)", syscall(SYS_get_robust_list, 0, &got, &len));
	YESNO("get_robust_list returns what was set",
	      got == &head && len == sizeof(head));
	ERR("get_robust_list(no such tid)",
	    syscall(SYS_get_robust_list, 999999, &got, &len));

	char name[32] = "";
	RET("prctl(PR_GET_NAME)", prctl(PR_GET_NAME, name));
	printf("name = %s\n", name);
	RET("prctl(PR_SET_NAME, compat-renamed-long-name)",
	    prctl(PR_SET_NAME, "compat-renamed-long-name"));
	prctl(PR_GET_NAME, name);
	printf("name = %s (truncated to 15)\n", name);
	char comm[64] = "";
	int fd = open("/proc/self/comm", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, comm, sizeof(comm) - 1) : -1;
	printf("/proc/self/comm = %s", n > 0 ? comm : "(unreadable)\n");
	ERR("prctl(bad option)", prctl(0x7fff, 0, 0, 0, 0));
	return 0;
}
