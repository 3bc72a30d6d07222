/* Contents of /proc/PID/{maps,stat,status,cmdline,environ,comm}. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"
#include "sentry/kernel/kernel.h"
#include "sentry/mm/mm.h"

/* Read [start, end) of target's memory (cmdline, environ). */
static long read_range(struct task *target, uint64_t start, uint64_t end,
		       char **out)
{
	size_t n = end > start ? end - start : 0;
	char *buf = malloc(n + 1);

	if (!buf)
		return -LINUX_ENOMEM;
	if (n && plat->read_mem(target->pctx, start, buf, n) != (ssize_t)n)
		n = 0;
	buf[n] = 0;
	*out = buf;
	return n;
}

static char state_char(struct task *t)
{
	if (t->tg->zombie)
		return 'Z';
	return t->state == TS_BLOCKED ? 'S' : 'R';
}

long proc_render(struct task *target, const char *what, char **out)
{
	struct thread_group *tg = target->tg;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!strcmp(what, "maps"))
		return target->mm	     ? mm_render_maps(target->mm, out)
		       : (*out = strdup("")) ? 0
					     : -LINUX_ENOMEM;
	if (!strcmp(what, "cmdline"))
		return target->mm ? read_range(target, target->mm->arg_start,
					       target->mm->arg_end, out)
				  : read_range(target, 0, 0, out);
	if (!strcmp(what, "environ"))
		return target->mm ? read_range(target, target->mm->env_start,
					       target->mm->env_end, out)
				  : read_range(target, 0, 0, out);

	f = open_memstream(&buf, &len);
	if (!f)
		return -LINUX_ENOMEM;
	if (!strcmp(what, "comm")) {
		fprintf(f, "%s\n", target->comm);
	} else if (!strcmp(what, "stat")) {
		uint64_t vsz =
		    target->mm ? vma_total_size(&target->mm->vmas) : 0;
		int64_t start = tg->start_time_ns / 10000000;
		fprintf(f,
			"%d (%s) %c %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 "
			"%d 0 %lld %llu %llu 18446744073709551615 0 0 0 0 0 0 "
			"%llu %llu %llu 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
			target->tid, target->comm, state_char(target),
			tg->parent ? tg->parent->pid : 0, tg->pgid, tg->sid,
			tg->nthreads_live, (long long)start,
			(unsigned long long)vsz,
			(unsigned long long)(vsz / 4096 / 4),
			(unsigned long long)target->blocked,
			(unsigned long long)0, (unsigned long long)0);
	} else if (!strcmp(what, "status")) {
		struct cred *c = &target->cred;
		uint64_t vsz =
		    target->mm ? vma_total_size(&target->mm->vmas) : 0;
		fprintf(f, "Name:\t%s\n", target->comm);
		fprintf(f, "Umask:\t0022\n");
		fprintf(f, "State:\t%c (%s)\n", state_char(target),
			state_char(target) == 'S' ? "sleeping" : "running");
		fprintf(f, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n",
			tg->pid, target->tid, tg->parent ? tg->parent->pid : 0);
		fprintf(f, "TracerPid:\t0\n");
		fprintf(f, "Uid:\t%u\t%u\t%u\t%u\n", c->uid, c->euid, c->suid,
			c->fsuid);
		fprintf(f, "Gid:\t%u\t%u\t%u\t%u\n", c->gid, c->egid, c->sgid,
			c->fsgid);
		fprintf(f, "FDSize:\t64\nGroups:\t");
		for (uint32_t i = 0; i < c->ngroups; i++)
			fprintf(f, "%u ", c->groups[i]);
		fprintf(f, "\n");
		fprintf(f, "VmSize:\t%8llu kB\n",
			(unsigned long long)vsz / 1024);
		fprintf(f, "Threads:\t%d\n", tg->nthreads_live);
		fprintf(f, "SigQ:\t0/95000\n");
		fprintf(f, "SigPnd:\t%016llx\n",
			(unsigned long long)target->pending);
		fprintf(f, "ShdPnd:\t%016llx\n",
			(unsigned long long)tg->shared_pending);
		fprintf(f, "SigBlk:\t%016llx\n",
			(unsigned long long)target->blocked);
		uint64_t ign = 0, cgt = 0;
		for (int s = 1; s <= LINUX_NSIG; s++) {
			if (tg->sighand->act[s].handler == 1)
				ign |= 1ULL << (s - 1);
			else if (tg->sighand->act[s].handler > 1)
				cgt |= 1ULL << (s - 1);
		}
		fprintf(f, "SigIgn:\t%016llx\nSigCgt:\t%016llx\n",
			(unsigned long long)ign, (unsigned long long)cgt);
		fprintf(f,
			"CapInh:\t%016llx\nCapPrm:\t%016llx\n"
			"CapEff:\t%016llx\nCapBnd:\t%016llx\n"
			"CapAmb:\t%016llx\n",
			(unsigned long long)c->cap_inheritable,
			(unsigned long long)c->cap_permitted,
			(unsigned long long)c->cap_effective,
			(unsigned long long)c->cap_bounding,
			(unsigned long long)c->cap_ambient);
		fprintf(f, "NoNewPrivs:\t%d\nSeccomp:\t0\n", c->no_new_privs);
		fprintf(f, "Cpus_allowed_list:\t0-1\n");
		fprintf(f, "voluntary_ctxt_switches:\t0\n"
			   "nonvoluntary_ctxt_switches:\t0\n");
	} else {
		fclose(f);
		free(buf);
		return -LINUX_ENOENT;
	}
	if (fclose(f)) {
		free(buf);
		return -LINUX_ENOMEM;
	}
	*out = buf;
	return len;
}
