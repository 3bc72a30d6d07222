/*
 * treestat [-x] PID: one sample of a process tree (PID and all its
 * descendants, found through the parent pid in /proc/N/stat; with -x, the
 * descendants only, so that a wrapper such as timeout(1) is left out),
 * printed as
 *   procs N rss_kb R pss_kb P cpu_ns C
 * RSS is VmRSS summed over the processes (pages shared between them count
 * once per process); PSS divides shared pages among their users and is the
 * fairer total; CPU is the time on CPU of every live thread, from
 * /proc/N/task/T/schedstat (nanoseconds). run.sh takes two samples during an
 * idle sleep and divides the CPU difference by the wall time between them.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define MAXP 65536

static int ppid_of(int pid)
{
	char path[64], buf[1024];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	int ppid;
	char state;
	if (!p || sscanf(p + 1, " %c %d", &state, &ppid) != 2)
		return -1;
	return ppid;
}

static long field_kb(const char *path, const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long v = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen)) {
			v = atol(line + klen);
			break;
		}
	fclose(f);
	return v;
}

static unsigned long long cpu_ns(int pid)
{
	char path[64];
	unsigned long long sum = 0;
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d))) {
		char sp[320];
		unsigned long long ns;
		FILE *f;
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(sp, sizeof(sp), "/proc/%d/task/%s/schedstat", pid,
			 e->d_name);
		if ((f = fopen(sp, "r"))) {
			if (fscanf(f, "%llu", &ns) == 1)
				sum += ns;
			fclose(f);
		}
	}
	closedir(d);
	return sum;
}

int main(int argc, char **argv)
{
	static int pids[MAXP], ppids[MAXP], in[MAXP];
	int n = 0;
	DIR *d;
	struct dirent *e;

	int exclude_root = argc == 3 && !strcmp(argv[1], "-x");

	if (argc != 2 + exclude_root) {
		fprintf(stderr, "usage: treestat [-x] PID\n");
		return 2;
	}
	int root = atoi(argv[argc - 1]);
	if (!(d = opendir("/proc")))
		return perror("/proc"), 1;
	while ((e = readdir(d)) && n < MAXP) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pids[n] = atoi(e->d_name);
		ppids[n] = ppid_of(pids[n]);
		in[n] = pids[n] == root;
		n++;
	}
	closedir(d);
	/* Mark descendants until nothing changes (parents may sort after
	 * children). */
	for (int changed = 1; changed;) {
		changed = 0;
		for (int i = 0; i < n; i++) {
			if (in[i])
				continue;
			for (int j = 0; j < n; j++)
				if (in[j] && ppids[i] == pids[j]) {
					in[i] = changed = 1;
					break;
				}
		}
	}
	long rss = 0, pss = 0;
	unsigned long long cpu = 0;
	int procs = 0;
	for (int i = 0; i < n; i++) {
		char path[64];
		if (!in[i] || (exclude_root && pids[i] == root))
			continue;
		procs++;
		snprintf(path, sizeof(path), "/proc/%d/status", pids[i]);
		rss += field_kb(path, "VmRSS:");
		snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pids[i]);
		pss += field_kb(path, "Pss:");
		cpu += cpu_ns(pids[i]);
	}
	if (!procs)
		return fprintf(stderr, "treestat: no process %d\n", root), 1;
	printf("procs %d rss_kb %ld pss_kb %ld cpu_ns %llu\n", procs, rss, pss,
	       cpu);
	return 0;
}
