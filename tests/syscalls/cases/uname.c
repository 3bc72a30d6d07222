/* uname: sysname is Linux, every field is non-empty, machine is x86_64. */
#include "compat.h"
#include <sys/utsname.h>

int main(void)
{
	struct utsname u;

	RET("uname", uname(&u));
	printf("sysname=%s\n", u.sysname);
	printf("machine=%s\n", u.machine);
	YESNO("nodename non-empty", u.nodename[0] != 0);
	YESNO("release non-empty", u.release[0] != 0);
	YESNO("release looks like N.N", u.release[0] >= '1' &&
					    u.release[0] <= '9' &&
					    strchr(u.release, '.') != NULL);
	YESNO("version non-empty", u.version[0] != 0);
	int major = 0, minor = 0;
	sscanf(u.release, "%d.%d", &major, &minor);
	YESNO("release >= 3.2 (what glibc requires)",
	      major > 3 || (major == 3 && minor >= 2));
	ERR("uname(BADPTR)", syscall(SYS_uname, BADPTR));
	char host[256];
	RET("gethostname", gethostname(host, sizeof(host)));
	YESNO("gethostname == nodename", strcmp(host, u.nodename) == 0);
	return 0;
}
