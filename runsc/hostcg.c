/* The container's host cgroups: see hostcg.h. */
#define _GNU_SOURCE
#include "runsc/hostcg.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runsc/container.h"
#include "runsc/oci_spec.h"

enum { CG_CPU, CG_CPUSET, CG_N };
static const char *const cg_names[CG_N] = {"cpu", "cpuset"};

/* The mount point of the cgroup v1 hierarchy holding controller into mnt
 * (PATH_MAX); -1 when there is none. */
static int find_mount(const char *controller, char *mnt)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int ret = -1;

	if (!f)
		return -1;
	while (ret < 0 && getline(&line, &cap, f) > 0) {
		char point[PATH_MAX], fstype[64], opts[512];
		char *sep = strstr(line, " - ");
		char *save, *tok;

		if (!sep ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
		    sscanf(sep + 3, "%63s %*s %511s", fstype, opts) != 2 ||
		    strcmp(fstype, "cgroup"))
			continue;
		for (tok = strtok_r(opts, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save))
			if (!strcmp(tok, controller)) {
				snprintf(mnt, PATH_MAX, "%s", point);
				ret = 0;
				break;
			}
	}
	free(line);
	fclose(f);
	return ret;
}

/* DIR/FILE's content, trailing newline dropped, into buf. */
static int read_file(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX + 64];
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_small_file(path, buf, size) < 0)
		return -1;
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	return 0;
}

static int write_file(const char *dir, const char *file, const char *value)
{
	char path[PATH_MAX + 64];
	size_t len = strlen(value);
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, value, len) != (ssize_t)len)
		ret = -1;
	if (close(fd) < 0)
		ret = -1;
	return ret;
}

/* MNT/runsc/ID into path; the parent made when missing (a cpuset parent
 * given its own parent's cpus and mems, which v1 needs before any child
 * can hold a process). */
static int group_path(int cg, const char *id, bool make, char *path,
		      size_t size)
{
	char mnt[PATH_MAX], parent[PATH_MAX + 8], v[4096];

	if (find_mount(cg_names[cg], mnt) < 0)
		return -1;
	snprintf(parent, sizeof(parent), "%s/runsc", mnt);
	snprintf(path, size, "%s/%s", parent, id);
	if (!make)
		return 0;
	if (mkdir(parent, 0755) < 0 && errno != EEXIST)
		return -1;
	if (cg == CG_CPUSET)
		for (const char *const *f =
			 (const char *const[]){"cpuset.cpus", "cpuset.mems",
					       NULL};
		     *f; f++)
			if (read_file(parent, *f, v, sizeof(v)) < 0 ||
			    (!v[0] && (read_file(mnt, *f, v, sizeof(v)) < 0 ||
				       write_file(parent, *f, v) < 0)))
				return -1;
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

bool hostcg_wanted(const struct oci_spec *s)
{
	return s->lnx.resources.cpu_shares || s->lnx.resources.cpu_quota ||
	       s->lnx.resources.cpu_period || s->lnx.resources.cpus ||
	       s->lnx.resources.mems;
}

/* One value into the group: 0, or -1 with e naming the field. */
static int set(const char *dir, const char *file, const char *value,
	       const char *field, struct rerr *e)
{
	if (write_file(dir, file, value) < 0)
		return rerr_set(e, errno,
				"config.json: linux.resources.cpu.%s: writing "
				"\"%s\" to %s/%s",
				field, value, dir, file);
	return 0;
}

static int create_cpu(const char *dir, const struct oci_spec *s, struct rerr *e)
{
	char v[32];

	if (s->lnx.resources.cpu_shares) {
		snprintf(v, sizeof(v), "%llu",
			 (unsigned long long)s->lnx.resources.cpu_shares);
		if (set(dir, "cpu.shares", v, "shares", e) < 0)
			return -1;
	}
	/* The period first: the kernel checks the quota against it. */
	if (s->lnx.resources.cpu_period) {
		snprintf(v, sizeof(v), "%llu",
			 (unsigned long long)s->lnx.resources.cpu_period);
		if (set(dir, "cpu.cfs_period_us", v, "period", e) < 0)
			return -1;
	}
	if (s->lnx.resources.cpu_quota) {
		snprintf(v, sizeof(v), "%lld",
			 (long long)s->lnx.resources.cpu_quota);
		if (set(dir, "cpu.cfs_quota_us", v, "quota", e) < 0)
			return -1;
	}
	return 0;
}

static int create_cpuset(const char *dir, const struct oci_spec *s,
			 struct rerr *e)
{
	char parent[PATH_MAX], v[4096];

	/* Both must be set before a process may join: what is not given
	 * is the parent's. */
	snprintf(parent, sizeof(parent), "%s/..", dir);
	if (s->lnx.resources.cpus) {
		if (set(dir, "cpuset.cpus", s->lnx.resources.cpus, "cpus", e) <
		    0)
			return -1;
	} else if (read_file(parent, "cpuset.cpus", v, sizeof(v)) < 0 ||
		   set(dir, "cpuset.cpus", v, "cpus", e) < 0) {
		return -1;
	}
	if (s->lnx.resources.mems)
		return set(dir, "cpuset.mems", s->lnx.resources.mems, "mems",
			   e);
	if (read_file(parent, "cpuset.mems", v, sizeof(v)) < 0)
		return rerr_set(e, errno, "%s/cpuset.mems", parent);
	return set(dir, "cpuset.mems", v, "mems", e);
}

int hostcg_create(const char *id, const struct oci_spec *s, struct rerr *e)
{
	const bool want[CG_N] = {
	    s->lnx.resources.cpu_shares || s->lnx.resources.cpu_quota ||
		s->lnx.resources.cpu_period,
	    s->lnx.resources.cpus || s->lnx.resources.mems};
	const char *field[CG_N] = {s->lnx.resources.cpu_shares	? "shares"
				   : s->lnx.resources.cpu_quota ? "quota"
								: "period",
				   s->lnx.resources.cpus ? "cpus" : "mems"};
	char dir[PATH_MAX + 300];

	for (int cg = 0; cg < CG_N; cg++) {
		if (!want[cg])
			continue;
		if (group_path(cg, id, true, dir, sizeof(dir)) < 0) {
			rerr_set(e, errno,
				 "config.json: linux.resources.cpu.%s: the "
				 "host has no usable cgroup v1 %s controller",
				 field[cg], cg_names[cg]);
			hostcg_remove(id);
			return 1;
		}
		if ((cg == CG_CPU ? create_cpu : create_cpuset)(dir, s, e) <
		    0) {
			hostcg_remove(id);
			return -1;
		}
	}
	return 0;
}

int hostcg_enter(const char *id, struct rerr *e)
{
	char dir[PATH_MAX + 300];

	for (int cg = 0; cg < CG_N; cg++) {
		if (group_path(cg, id, false, dir, sizeof(dir)) < 0 ||
		    access(dir, F_OK) < 0)
			continue;
		if (write_file(dir, "cgroup.procs", "0") < 0)
			return rerr_set(e, errno, "joining %s", dir);
	}
	return 0;
}

void hostcg_remove(const char *id)
{
	char dir[PATH_MAX + 300];

	for (int cg = 0; cg < CG_N; cg++) {
		if (group_path(cg, id, false, dir, sizeof(dir)) < 0)
			continue;
		/* Processes that just died may still be leaving it. */
		for (int i = 0; i < 100 && rmdir(dir) < 0 && errno == EBUSY;
		     i++)
			nanosleep(&(struct timespec){0, 10 * 1000 * 1000},
				  NULL);
	}
}
