/* The initial process state built by the ELF loader: argv, envp, the auxv
 * entries (AT_PHDR/PHENT/PHNUM, AT_ENTRY, AT_BASE, AT_PAGESZ, AT_RANDOM,
 * AT_EXECFN, AT_UID..., AT_SECURE, AT_HWCAP, AT_PLATFORM, AT_CLKTCK), and
 * the stack. Printed as relations, since addresses differ per run. */
#include "compat.h"
#include <elf.h>
#include <link.h>
#include <sys/auxv.h>

extern char **environ;
extern void _start(void);

static int phdr_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	/* The first object is the main program. */
	if (*(int *)data == 0)
		*(const void **)((int *)data + 2) = info->dlpi_phdr;
	(*(int *)data)++;
	return 0;
}

int main(int argc, char **argv, char **envp)
{
	printf("argc = %d\n", argc);
	YESNO("argv[argc] == NULL", argv[argc] == NULL);
	YESNO("envp == environ", envp == environ);
	YESNO("envp follows argv on the stack", envp == argv + argc + 1);
	YESNO("env has PATH", getenv("PATH") != NULL);

	printf("AT_PAGESZ = %lu\n", getauxval(AT_PAGESZ));
	printf("AT_PHENT == sizeof(Elf64_Phdr): %s\n",
	       getauxval(AT_PHENT) == sizeof(Elf64_Phdr) ? "yes" : "no");
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long phnum = getauxval(AT_PHNUM);
	YESNO("AT_PHNUM > 0", phnum > 0);
	int has_load = 0, has_interp = 0;
	for (unsigned long i = 0; ph && i < phnum; i++) {
		has_load |= ph[i].p_type == PT_LOAD;
		has_interp |= ph[i].p_type == PT_INTERP;
	}
	YESNO("AT_PHDR points at program headers with a PT_LOAD", has_load);
	printf("PT_INTERP present (dynamic binary): %s\n",
	       has_interp ? "yes" : "no");
	struct {
		int count, pad;
		const void *first;
	} it = {0, 0, NULL};
	dl_iterate_phdr(phdr_cb, &it);
	YESNO("AT_PHDR == the main program's phdrs (dl_iterate_phdr)",
	      it.first == (const void *)ph);
	YESNO("AT_ENTRY == _start",
	      getauxval(AT_ENTRY) == (unsigned long)_start);
	printf("AT_BASE non-zero: %s (want yes for dynamic, no for static)\n",
	       getauxval(AT_BASE) ? "yes" : "no");
	YESNO("AT_BASE present iff PT_INTERP",
	      !!getauxval(AT_BASE) == has_interp);

	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	int nz = 0;
	for (int i = 0; rnd && i < 16; i++)
		nz += rnd[i] != 0;
	YESNO("AT_RANDOM: 16 readable bytes, not all zero", rnd && nz > 0);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	YESNO("AT_EXECFN == argv[0]", execfn && strcmp(execfn, argv[0]) == 0);
	YESNO("AT_UID == getuid()", getauxval(AT_UID) == getuid());
	YESNO("AT_EUID == geteuid()", getauxval(AT_EUID) == geteuid());
	YESNO("AT_GID == getgid()", getauxval(AT_GID) == getgid());
	YESNO("AT_EGID == getegid()", getauxval(AT_EGID) == getegid());
	printf("AT_SECURE = %lu\n", getauxval(AT_SECURE));
	YESNO("AT_HWCAP non-zero", getauxval(AT_HWCAP) != 0);
	const char *plat = (const char *)getauxval(AT_PLATFORM);
	printf("AT_PLATFORM = %s\n", plat ? plat : "(none)");
	printf("AT_CLKTCK = %lu\n", getauxval(AT_CLKTCK));
	YESNO("sysconf(_SC_CLK_TCK) == AT_CLKTCK",
	      sysconf(_SC_CLK_TCK) == (long)getauxval(AT_CLKTCK));

	/* The stack: argv strings live above argv, the stack grows down, and
	 * is 16-byte aligned at main's frame per the ABI. */
	int local;
	YESNO("argv strings above the argv array",
	      (void *)argv[0] > (void *)argv);
	YESNO("a local lies below argv", (void *)&local < (void *)argv);
	YESNO("stack is executable-free (no PROT_EXEC): /proc/self/maps "
	      "[stack] rw-p",
	      ({
		      char line[512];
		      int ok = 0;
		      FILE *f = fopen("/proc/self/maps", "r");
		      while (f && fgets(line, sizeof(line), f))
			      if (strstr(line, "[stack]") &&
				  strstr(line, " rw-p "))
				      ok = 1;
		      if (f)
			      fclose(f);
		      ok;
	      }));
	/* Deep recursion grows the stack on demand. */
	char *big = alloca(4 << 20);
	memset(big, 1, 4 << 20);
	YESNO("4 MiB of stack usable", big[(4 << 20) - 1] == 1);
	return 0;
}
