/* mprotect: a write to a PROT_READ page raises SIGSEGV with SEGV_ACCERR and
 * the faulting address; PROT_NONE; splitting a mapping; errors. */
#include "compat.h"
#include <setjmp.h>
#include <sys/mman.h>

static sigjmp_buf jb;
static volatile void *fault_addr;
static volatile int fault_code, fault_sig, fault_signo;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	fault_sig = sig;
	fault_signo = si->si_signo;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(jb, 1);
}

static void probe(const char *label, volatile char *addr, int w)
{
	fault_sig = 0;
	if (sigsetjmp(jb, 1) == 0) {
		if (w)
			*addr = 7;
		else
			(void)*addr;
		printf("%s: no fault\n", label);
	} else {
		printf(
		    "%s: %s si_signo ok: %s si_code=%s si_addr correct: %s\n",
		    label, signame(fault_sig),
		    fault_signo == fault_sig ? "yes" : "no",
		    fault_code == SEGV_ACCERR	? "SEGV_ACCERR"
		    : fault_code == SEGV_MAPERR ? "SEGV_MAPERR"
						: "other",
		    fault_addr == (void *)addr ? "yes" : "no");
	}
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct sigaction sa = {.sa_sigaction = on_fault,
			       .sa_flags = SA_SIGINFO};
	char *p;

	sigaction(SIGSEGV, &sa, NULL);
	p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	die_if(p == MAP_FAILED, "mmap");
	memset(p, 'm', 3 * pg);

	RET("mprotect(middle page, PROT_READ)",
	    mprotect(p + pg, pg, PROT_READ));
	probe("write to PROT_READ page", p + pg + 123, 1);
	probe("read PROT_READ page", p + pg + 123, 0);
	printf("value kept: %c\n", p[pg + 123]);
	probe("write to page before", p + 5, 1);
	probe("write to page after", p + 2 * pg + 5, 1);

	RET("mprotect(middle page, PROT_NONE)",
	    mprotect(p + pg, pg, PROT_NONE));
	probe("read PROT_NONE page", p + pg, 0);
	RET("mprotect(all, RW)", mprotect(p, 3 * pg, PROT_READ | PROT_WRITE));
	probe("write after restoring RW", p + pg + 1, 1);
	printf("value: %d\n", p[pg + 1]);

	/* The signal mask is restored by siglongjmp(..., 1): a second fault is
	 * delivered too. */
	mprotect(p, pg, PROT_READ);
	probe("second fault", p + 17, 1);

	ERR("mprotect(unaligned)", mprotect(p + 1, pg, PROT_READ));
	ERR("mprotect(bad prot)", mprotect(p, pg, 0x100));
	munmap(p + 2 * pg, pg);
	ERR("mprotect(range with a hole)", mprotect(p, 3 * pg, PROT_READ));
	RET("mprotect(len 0)", mprotect(p, 0, PROT_READ));

	/* Executable code pages are not writable. */
	probe("write to own code (main)", (char *)main, 1);
	/* NULL page */
	fault_sig = 0;
	if (sigsetjmp(jb, 1) == 0) {
		*(volatile int *)16 = 1;
		printf("NULL+16: no fault\n");
	} else {
		printf("NULL+16: %s %s addr ok: %s\n", signame(fault_sig),
		       fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other",
		       fault_addr == (void *)16 ? "yes" : "no");
	}
	return 0;
}
