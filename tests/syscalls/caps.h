/* Capability helpers shared by the caps_* cases: capget/capset on the
 * calling thread through the raw syscalls (no libcap), and the Cap* lines
 * of /proc/self/status. Values differ between hosts (the bounding set of
 * whoever runs the harness), so the cases print single capabilities and
 * relations between sets, never whole masks. */
#ifndef TESTS_SYSCALLS_CAPS_H
#define TESTS_SYSCALLS_CAPS_H

#include "compat.h"
#include <sys/prctl.h>

#define V1 0x19980330u
#define V3 0x20080522u

struct cap_hdr {
	uint32_t version;
	int pid;
};

struct cap_word {
	uint32_t eff, prm, inh;
};

struct caps {
	uint64_t eff, prm, inh;
};

#define BIT(c) (1ull << (c))
/* Linux's numbers. */
enum {
	C_CHOWN = 0,
	C_DAC_OVERRIDE = 1,
	C_DAC_READ_SEARCH = 2,
	C_FOWNER = 3,
	C_FSETID = 4,
	C_KILL = 5,
	C_SETGID = 6,
	C_SETUID = 7,
	C_SETPCAP = 8,
	C_NET_BIND_SERVICE = 10,
	C_NET_RAW = 13,
	C_SYS_CHROOT = 18,
	C_SYS_ADMIN = 21,
	C_SYS_RESOURCE = 24,
	C_MKNOD = 27,
};

static inline struct caps caps_get(void)
{
	struct cap_hdr h = {V3, 0};
	struct cap_word w[2];
	struct caps c;

	die_if(syscall(SYS_capget, &h, w) != 0, "capget");
	c.eff = w[0].eff | (uint64_t)w[1].eff << 32;
	c.prm = w[0].prm | (uint64_t)w[1].prm << 32;
	c.inh = w[0].inh | (uint64_t)w[1].inh << 32;
	return c;
}

/* capset on the calling thread; -1 with errno on failure. */
static inline long caps_set(struct caps c)
{
	struct cap_hdr h = {V3, 0};
	struct cap_word w[2] = {
	    {(uint32_t)c.eff, (uint32_t)c.prm, (uint32_t)c.inh},
	    {(uint32_t)(c.eff >> 32), (uint32_t)(c.prm >> 32),
	     (uint32_t)(c.inh >> 32)},
	};
	return syscall(SYS_capset, &h, w);
}

/* Drop caps from the effective set (and from permitted too if all). */
static inline void caps_drop(uint64_t mask, int all)
{
	struct caps c = caps_get();

	c.eff &= ~mask;
	if (all)
		c.prm &= ~mask, c.inh &= ~mask;
	die_if(caps_set(c) != 0, "capset (drop)");
}

/* A Cap* line of /proc/self/status ("CapBnd"...), or ~0 if absent. */
static inline uint64_t status_caps(const char *name)
{
	char line[256];
	size_t n = strlen(name);
	uint64_t v = ~0ull;
	FILE *f = fopen("/proc/self/status", "r");

	die_if(!f, "open /proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ':')
			v = strtoull(line + n + 1, NULL, 16);
	fclose(f);
	return v;
}

/* Run fn in a forked child (so that what it drops stays there) and say
 * how it ended if not with 0. */
static inline void in_child(const char *what, void (*fn)(void))
{
	int st;
	pid_t pid;

	printf("-- %s\n", what);
	fflush(stdout);
	pid = fork();
	die_if(pid < 0, "fork");
	if (pid == 0) {
		fn();
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		printf("child %s\n", wstatus_str(st));
}

#endif
