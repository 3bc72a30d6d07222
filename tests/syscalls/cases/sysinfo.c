/* sysinfo: sane totals and relations; EFAULT. */
#include "compat.h"
#include <sys/sysinfo.h>

int main(void)
{
	struct sysinfo si;

	RET("sysinfo", sysinfo(&si));
	YESNO("totalram > 0", si.totalram > 0);
	YESNO("mem_unit > 0", si.mem_unit > 0);
	YESNO("freeram <= totalram", si.freeram <= si.totalram);
	YESNO("uptime >= 0", si.uptime >= 0);
	YESNO("procs >= 1", si.procs >= 1);
	YESNO("totalswap >= freeswap", si.totalswap >= si.freeswap);
	ERR("sysinfo(BADPTR)", syscall(SYS_sysinfo, BADPTR));
	YESNO("get_nprocs() >= 1", get_nprocs() >= 1);
	YESNO("sysconf(_SC_NPROCESSORS_ONLN) >= 1",
	      sysconf(_SC_NPROCESSORS_ONLN) >= 1);
	YESNO("sysconf(_SC_PHYS_PAGES) > 0", sysconf(_SC_PHYS_PAGES) > 0);
	return 0;
}
