/* execve: load an ELF executable (and its interpreter) or a "#!" script
 * into a fresh address space, build the initial stack, and replace the
 * calling process's image. */
#define _GNU_SOURCE
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>

#include "abi/errno.h"
#include "abi/mman.h"
#include "sentry/kernel/kernel.h"
#include "sentry/kernel/signal.h"
#include "sentry/loader/elf.h"
#include "sentry/log.h"
#include "sentry/mm/mm.h"
#include "sentry/mm/usercopy.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/vfs.h"

#define STACK_SIZE	 (8ULL << 20)
#define MAX_ARG_STRLEN	 131072
#define MAX_ARG_TOTAL	 (2ULL << 20)
#define MAX_SCRIPT_DEPTH 4

/* Linux auxv types. */
enum {
	AT_NULL_ = 0,
	AT_PHDR_ = 3,
	AT_PHENT_ = 4,
	AT_PHNUM_ = 5,
	AT_PAGESZ_ = 6,
	AT_BASE_ = 7,
	AT_FLAGS_ = 8,
	AT_ENTRY_ = 9,
	AT_UID_ = 11,
	AT_EUID_ = 12,
	AT_GID_ = 13,
	AT_EGID_ = 14,
	AT_PLATFORM_ = 15,
	AT_HWCAP_ = 16,
	AT_CLKTCK_ = 17,
	AT_SECURE_ = 23,
	AT_RANDOM_ = 25,
	AT_HWCAP2_ = 26,
	AT_EXECFN_ = 31,
	AT_SYSINFO_EHDR_ = 33,
	AT_MINSIGSTKSZ_ = 51,
};

struct image {
	uint64_t entry, bias, phdr, phnum, end;
};

static long rd_file(void *ctx, void *buf, size_t n, uint64_t off)
{
	return file_pread(ctx, buf, n, off);
}

static int elf_prot(uint32_t pf)
{
	return ((pf & PF_R) ? LINUX_PROT_READ : 0) |
	       ((pf & PF_W) ? LINUX_PROT_WRITE : 0) |
	       ((pf & PF_X) ? LINUX_PROT_EXEC : 0);
}

static int map_segments(struct task *t, struct file *f, struct elf_info *ei,
			uint64_t bias, struct image *img)
{
	static const char zeros[4096];

	img->bias = bias;
	img->entry = bias + ei->entry;
	img->phnum = ei->phnum;
	img->phdr = 0;
	img->end = 0;
	for (int i = 0; i < ei->phnum; i++) {
		Elf64_Phdr *ph = &ei->phdrs[i];
		if (ph->p_type == PT_PHDR)
			img->phdr = bias + ph->p_vaddr;
	}
	for (int i = 0; i < ei->phnum; i++) {
		Elf64_Phdr *ph = &ei->phdrs[i];
		uint64_t start, file_end, mem_end;
		int prot, mprot;
		long r;

		if (ph->p_type != PT_LOAD)
			continue;
		prot = elf_prot(ph->p_flags);
		start = PAGE_DOWN(bias + ph->p_vaddr);
		file_end = bias + ph->p_vaddr + ph->p_filesz;
		mem_end = bias + ph->p_vaddr + ph->p_memsz;
		/* bss zeroing in the last file page needs it writable. */
		mprot = prot;
		if (ph->p_memsz > ph->p_filesz && (file_end & (PAGE_SIZE - 1)))
			mprot |= LINUX_PROT_WRITE;
		if (ph->p_filesz) {
			r = mm_map(t, start, PAGE_UP(file_end) - start, mprot,
				   LINUX_MAP_PRIVATE | LINUX_MAP_FIXED, f,
				   PAGE_DOWN(ph->p_offset), NULL);
			if (r < 0)
				return r;
			if (ph->p_memsz > ph->p_filesz &&
			    copy_out(t, file_end, zeros,
				     PAGE_UP(file_end) - file_end))
				return -LINUX_EFAULT;
			if (mprot != prot) {
				r = mm_protect(t, start,
					       PAGE_UP(file_end) - start, prot);
				if (r < 0)
					return r;
			}
		}
		if (PAGE_UP(mem_end) > PAGE_UP(file_end)) {
			uint64_t s = ph->p_filesz ? PAGE_UP(file_end) : start;
			r = mm_map(t, s, PAGE_UP(mem_end) - s, prot,
				   LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS |
				       LINUX_MAP_FIXED,
				   NULL, 0, NULL);
			if (r < 0)
				return r;
		}
		if (!img->phdr && ei->phoff >= ph->p_offset &&
		    ei->phoff < ph->p_offset + ph->p_filesz)
			img->phdr =
			    bias + ph->p_vaddr + (ei->phoff - ph->p_offset);
		if (PAGE_UP(mem_end) > img->end)
			img->end = PAGE_UP(mem_end);
	}
	return 0;
}

struct strvec {
	char **v;
	int n;
};

static void strvec_free(struct strvec *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int strvec_from(struct strvec *s, char *const src[])
{
	int n = 0;
	while (src && src[n])
		n++;
	s->v = calloc(n + 1, sizeof(char *));
	if (!s->v)
		return -LINUX_ENOMEM;
	for (s->n = 0; s->n < n; s->n++) {
		s->v[s->n] = strdup(src[s->n]);
		if (!s->v[s->n]) {
			strvec_free(s);
			return -LINUX_ENOMEM;
		}
	}
	return 0;
}

/* Build argv, envp, auxv on the new stack; returns the initial rsp. */
static long build_stack(struct task *t, struct strvec *argv,
			struct strvec *envp, const char *execfn, uint64_t *aux,
			int naux)
{
	struct mm *mm = t->mm;
	uint64_t top = MM_STACK_TOP, p, strings_size = 0, *words;
	size_t nwords, i, w = 0;
	char *strbuf;
	uint8_t rnd[16];
	long r;

	for (int k = 0; k < argv->n; k++)
		strings_size += strlen(argv->v[k]) + 1;
	for (int k = 0; k < envp->n; k++)
		strings_size += strlen(envp->v[k]) + 1;
	strings_size += strlen(execfn) + 1 + 8;
	if (strings_size > MAX_ARG_TOTAL)
		return -LINUX_E2BIG;

	r = mm_map(t, top - STACK_SIZE, STACK_SIZE,
		   LINUX_PROT_READ | LINUX_PROT_WRITE,
		   LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS | LINUX_MAP_FIXED |
		       LINUX_MAP_GROWSDOWN,
		   NULL, 0, "[stack]");
	if (r < 0)
		return r;
	mm->stack_top = top;

	/* Strings, low to high: argv, envp, execfn, 8 zero bytes. */
	strbuf = calloc(1, strings_size);
	if (!strbuf)
		return -LINUX_ENOMEM;
	p = top - strings_size;
	uint64_t *argp = calloc(argv->n + envp->n + 1, sizeof(uint64_t));
	if (!argp) {
		free(strbuf);
		return -LINUX_ENOMEM;
	}
	size_t off = 0;
	mm->arg_start = p;
	for (int k = 0; k < argv->n; k++) {
		size_t n = strlen(argv->v[k]) + 1;
		memcpy(strbuf + off, argv->v[k], n);
		argp[k] = p + off;
		off += n;
	}
	mm->arg_end = mm->env_start = p + off;
	for (int k = 0; k < envp->n; k++) {
		size_t n = strlen(envp->v[k]) + 1;
		memcpy(strbuf + off, envp->v[k], n);
		argp[argv->n + k] = p + off;
		off += n;
	}
	mm->env_end = p + off;
	uint64_t execfn_addr = p + off;
	memcpy(strbuf + off, execfn, strlen(execfn) + 1);
	r = copy_out(t, p, strbuf, strings_size);
	free(strbuf);
	if (r) {
		free(argp);
		return r;
	}

	/* AT_PLATFORM string and AT_RANDOM bytes. */
	p -= 16;
	p &= ~15ULL;
	uint64_t platform_addr = p;
	if (copy_out(t, p, "x86_64", 7)) {
		free(argp);
		return -LINUX_EFAULT;
	}
	p -= 16;
	uint64_t random_addr = p;
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		memset(rnd, 0x5a, sizeof(rnd));
	if (copy_out(t, p, rnd, 16)) {
		free(argp);
		return -LINUX_EFAULT;
	}
	for (i = 0; i < (size_t)naux; i += 2) {
		if (aux[i] == AT_PLATFORM_)
			aux[i + 1] = platform_addr;
		else if (aux[i] == AT_RANDOM_)
			aux[i + 1] = random_addr;
		else if (aux[i] == AT_EXECFN_)
			aux[i + 1] = execfn_addr;
	}

	nwords = 1 + argv->n + 1 + envp->n + 1 + naux;
	words = calloc(nwords + 1, sizeof(uint64_t));
	if (!words) {
		free(argp);
		return -LINUX_ENOMEM;
	}
	words[w++] = argv->n;
	for (int k = 0; k < argv->n; k++)
		words[w++] = argp[k];
	words[w++] = 0;
	for (int k = 0; k < envp->n; k++)
		words[w++] = argp[argv->n + k];
	words[w++] = 0;
	for (i = 0; i < (size_t)naux; i++)
		words[w++] = aux[i];
	free(argp);
	p = (p - nwords * 8) & ~15ULL;
	r = copy_out(t, p, words, nwords * 8);
	free(words);
	if (r)
		return r;
	memcpy(mm->auxv, aux, naux * sizeof(uint64_t));
	mm->auxv_len = naux;
	return p;
}

static void exec_fail(struct task *t, const char *what, long err)
{
	log_warn("execve: %s failed after the point of no return: %ld", what,
		 err);
	tg_exit_group(t->tg, LINUX_SIGSEGV);
	t->killed = true;
}

/* Only this thread remains in its group (killable wait). */
static void de_thread(struct task *t)
{
	struct thread_group *tg = t->tg;

	if (tg->nthreads_live == 1)
		return;
	for (struct task *o = tg->threads; o; o = o->tg_next) {
		if (o != t && !o->exited) {
			o->killed = true;
			task_kick(o);
		}
	}
	while (tg->nthreads_live > 1 && !t->killed)
		task_wait_killable(t, &tg->child_wq);
	if (tg->leader != t) {
		struct task *old = tg->leader;
		old->tid = t->tid;
		t->tid = tg->pid;
		tg->leader = t;
	}
}

static void reset_signals(struct task *t)
{
	struct sighand *sh = t->tg->sighand;

	if (sh->refs > 1) {
		struct sighand *n = malloc(sizeof(*n));
		if (n) {
			*n = *sh;
			n->refs = 1;
			sh->refs--;
			t->tg->sighand = sh = n;
		}
	}
	for (int s = 1; s <= LINUX_NSIG; s++) {
		if (sh->act[s].handler > 1) {
			memset(&sh->act[s], 0, sizeof(sh->act[s]));
		}
	}
	t->altstack_sp = t->altstack_size = 0;
	t->altstack_flags = 2;
}

int kernel_execve(struct task *t, const char *path, char *const argv_in[],
		  char *const envp_in[])
{
	struct strvec argv = {0}, envp = {0};
	struct elf_info ei = {0}, ii = {0};
	struct file *f = NULL, *interp = NULL;
	char *filename = strdup(path), hdr[SCRIPT_BUF_SIZE];
	struct platform_ctx *newctx, *oldctx;
	struct mm *newmm, *oldmm;
	struct image img, iimg = {0};
	uint64_t aux[64];
	int naux = 0, err, depth = 0;
	long n, sp;

	if (!filename)
		return -LINUX_ENOMEM;
	err = strvec_from(&argv, argv_in);
	if (!err)
		err = strvec_from(&envp, envp_in);
	if (err)
		goto out;

	for (;;) {
		char interp_path[256], arg[256];
		err = vfs_open_exec(t, filename, &f);
		if (err)
			goto out;
		n = file_pread(f, hdr, sizeof(hdr), 0);
		if (n < 0) {
			err = n;
			goto out;
		}
		if (n < 2 || hdr[0] != '#' || hdr[1] != '!')
			break;
		if (++depth > MAX_SCRIPT_DEPTH) {
			err = -LINUX_ELOOP;
			goto out;
		}
		err = script_parse(hdr, n, interp_path, sizeof(interp_path),
				   arg, sizeof(arg));
		if (err)
			goto out;
		/* argv becomes: interp [arg] script argv[1...] */
		int extra = arg[0] ? 2 : 1;
		char **nv = calloc(argv.n + extra + 1, sizeof(char *));
		if (!nv) {
			err = -LINUX_ENOMEM;
			goto out;
		}
		nv[0] = strdup(interp_path);
		if (arg[0])
			nv[1] = strdup(arg);
		nv[extra] = strdup(filename);
		for (int k = 1; k < argv.n; k++)
			nv[extra + k] = argv.v[k];
		free(argv.v[0]);
		free(argv.v);
		argv.v = nv;
		argv.n = argv.n ? argv.n + extra : extra + 1;
		for (int k = 0; k < argv.n; k++)
			if (!argv.v[k]) {
				err = -LINUX_ENOMEM;
				goto out;
			}
		free(filename);
		filename = strdup(interp_path);
		file_put(f);
		f = NULL;
		if (!filename) {
			err = -LINUX_ENOMEM;
			goto out;
		}
	}
	vfs_getattr(f->inode);
	err = elf_parse(rd_file, f, f->inode->size, &ei);
	if (err)
		goto out;
	if (ei.has_interp) {
		err = vfs_open_exec(t, ei.interp, &interp);
		if (err)
			goto out;
		vfs_getattr(interp->inode);
		err = elf_parse(rd_file, interp, interp->inode->size, &ii);
		if (!err && ii.has_interp)
			err = -LINUX_ELIBBAD;
		if (err)
			goto out;
	}

	/* The point of no return: from here a failure kills the process. */
	de_thread(t);
	if (t->killed) {
		err = -LINUX_EINTR;
		goto out;
	}
	log_debug("exec %s: new address space", filename);
	err = plat->new_as(&newctx);
	if (err) {
		err = -linux_errno_from_host(-err);
		goto out;
	}
	newmm = mm_new();
	if (!newmm) {
		plat->destroy(newctx);
		err = -LINUX_ENOMEM;
		goto out;
	}
	oldctx = t->pctx;
	oldmm = t->mm;
	t->pctx = newctx;
	t->mm = newmm;
	if (oldctx)
		plat->destroy(oldctx);
	if (oldmm)
		mm_put(oldmm);
	task_release_mm(t);

	cred_exec(&t->cred);
	log_debug("exec: mapping");
	/* The host's vDSO is already mapped in every stub: record it, so that
	 * nothing is mapped over it and /proc/PID/maps shows it. */
	for (int i = 0; i < platform_vdso.n; i++) {
		struct vma v = {
		    .start = platform_vdso.r[i].lo,
		    .end = platform_vdso.r[i].hi,
		    .prot = platform_vdso.r[i].prot,
		    .flags = VMA_PRIVATE | VMA_ANONYMOUS,
		    .name = platform_vdso.r[i].name,
		};
		vma_insert(&t->mm->vmas, &v);
	}
	uint64_t bias = 0;
	if (ei.type == ET_DYN)
		bias = MM_PIE_BASE - ei.min_vaddr;
	err = map_segments(t, f, &ei, bias, &img);
	if (err) {
		exec_fail(t, "mapping the executable", err);
		goto out_keep;
	}
	t->mm->brk_start = t->mm->brk_cur = img.end;
	if (interp) {
		uint64_t base;
		uint64_t span = ii.max_vaddr - ii.min_vaddr;
		err = vma_find_gap(&t->mm->vmas, span, 0, PLATFORM_APP_MIN,
				   MM_MMAP_BASE, &base);
		if (!err)
			err = map_segments(t, interp, &ii, base - ii.min_vaddr,
					   &iimg);
		if (err) {
			exec_fail(t, "mapping the interpreter", err);
			goto out_keep;
		}
	}

#define AUX(k, v) (aux[naux++] = (k), aux[naux++] = (v))
	if (platform_vdso.n)
		AUX(AT_SYSINFO_EHDR_, platform_vdso.ehdr);
	AUX(AT_PHDR_, img.phdr);
	AUX(AT_PHENT_, sizeof(Elf64_Phdr));
	AUX(AT_PHNUM_, img.phnum);
	AUX(AT_PAGESZ_, PAGE_SIZE);
	AUX(AT_BASE_, interp ? iimg.bias : 0);
	AUX(AT_FLAGS_, 0);
	AUX(AT_ENTRY_, img.entry);
	AUX(AT_UID_, t->cred.uid);
	AUX(AT_EUID_, t->cred.euid);
	AUX(AT_GID_, t->cred.gid);
	AUX(AT_EGID_, t->cred.egid);
	AUX(AT_SECURE_, 0);
	AUX(AT_HWCAP_, getauxval(AT_HWCAP));
	AUX(AT_HWCAP2_, getauxval(AT_HWCAP2));
	AUX(AT_CLKTCK_, 100);
	AUX(AT_PLATFORM_, 0);
	AUX(AT_RANDOM_, 0);
	AUX(AT_EXECFN_, 0);
	if (getauxval(AT_MINSIGSTKSZ))
		AUX(AT_MINSIGSTKSZ_, getauxval(AT_MINSIGSTKSZ));
	AUX(AT_NULL_, 0);
#undef AUX
	log_debug("exec: stack");
	sp = build_stack(t, &argv, &envp, path, aux, naux);
	if (sp < 0) {
		exec_fail(t, "building the stack", sp);
		goto out_keep;
	}

	/* The new image's process state. */
	if (t->fdt->refs > 1) {
		struct fdtable *nf = fdtable_dup(t->fdt);
		if (nf) {
			fdtable_put(t->fdt);
			t->fdt = nf;
		}
	}
	fdtable_close_on_exec(t->fdt);
	reset_signals(t);
	t->clear_child_tid = 0;
	t->robust_list = 0;
	{
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		snprintf(t->comm, sizeof(t->comm), "%s", base);
	}
	{
		char exe[VFS_PATH_MAX];
		if (file_path(f, exe, sizeof(exe)) > 0) {
			free(t->tg->exe_path);
			t->tg->exe_path = strdup(exe);
		}
	}
	memset(&t->regs, 0, sizeof(t->regs));
	t->regs.r.rip = interp ? iimg.entry : img.entry;
	t->regs.r.rsp = sp;
	t->regs.r.cs = 0x33;
	t->regs.r.ss = 0x2b;
	t->regs.r.eflags = 0x202;
	t->regs.r.orig_rax = -1;
	t->syscall_restartable = false;
	err = 0;
	goto out;
out_keep:
	err = SYSCALL_KEEP_REGS;
out:
	elf_info_free(&ei);
	elf_info_free(&ii);
	if (f)
		file_put(f);
	if (interp)
		file_put(interp);
	strvec_free(&argv);
	strvec_free(&envp);
	free(filename);
	return err;
}

static const char *getenv_in(char *const envp[], const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; envp && envp[i]; i++)
		if (!strncmp(envp[i], name, n) && envp[i][n] == '=')
			return envp[i] + n + 1;
	return NULL;
}

int boot_task(struct task *t, const char *cmd, char *const argv[],
	      char *const envp[], char *msg, size_t msgsize)
{
	int err = -LINUX_ENOENT, saw_eacces = 0;

	if (strchr(cmd, '/')) {
		err = kernel_execve(t, cmd, argv, envp);
	} else {
		const char *path = getenv_in(envp, "PATH");
		char *dirs, *save = NULL, full[4096];
		if (!path)
			path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:"
			       "/usr/bin:/sbin:/bin";
		dirs = strdup(path);
		for (char *d = dirs ? strtok_r(dirs, ":", &save) : NULL; d;
		     d = strtok_r(NULL, ":", &save)) {
			snprintf(full, sizeof(full), "%s/%s", *d ? d : ".",
				 cmd);
			err = kernel_execve(t, full, argv, envp);
			if (err == -LINUX_EACCES)
				saw_eacces = 1;
			if (err != -LINUX_ENOENT && err != -LINUX_ENOTDIR &&
			    err != -LINUX_EACCES)
				break;
		}
		free(dirs);
		if (err == -LINUX_ENOENT && saw_eacces)
			err = -LINUX_EACCES;
	}
	if (err == 0 || err == SYSCALL_KEEP_REGS)
		return 0;
	if (err == -LINUX_ENOENT && !strchr(cmd, '/')) {
		snprintf(msg, msgsize, "%s: command not found", cmd);
		return 127 << 8;
	}
	snprintf(msg, msgsize, "%s: %s", cmd,
		 err == -LINUX_ENOEXEC ? "cannot execute binary file: Exec "
					 "format error"
				       : linux_errno_msg(-err));
	return (err == -LINUX_ENOENT ? 127 : 126) << 8;
}

int boot_init_task(struct task *t, const char *cmd, char *const argv[],
		   char *const envp[])
{
	char msg[512];
	int status = boot_task(t, cmd, argv, envp, msg, sizeof(msg));

	if (status)
		fprintf(stderr, "runsc: %s\n", msg);
	return status;
}
