/* File descriptor tables. */
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/task.h"
#include "sentry/vfs/fdtable.h"
#include "sentry/vfs/vfs.h"

#define RLIMIT_NOFILE_ 7

struct fdtable *fdtable_new(void)
{
	struct fdtable *fdt = calloc(1, sizeof(*fdt));
	if (fdt)
		fdt->refs = 1;
	return fdt;
}

static int fdtable_grow(struct fdtable *fdt, int need)
{
	if (need <= fdt->size)
		return 0;
	int n = fdt->size ? fdt->size : 64;
	while (n < need)
		n *= 2;
	struct file **files = realloc(fdt->files, (size_t)n * sizeof(*files));
	if (!files)
		return -LINUX_ENOMEM;
	fdt->files = files;
	uint8_t *ce = realloc(fdt->cloexec, (size_t)n);
	if (!ce)
		return -LINUX_ENOMEM;
	fdt->cloexec = ce;
	memset(fdt->files + fdt->size, 0,
	       (size_t)(n - fdt->size) * sizeof(*files));
	memset(fdt->cloexec + fdt->size, 0, (size_t)(n - fdt->size));
	fdt->size = n;
	return 0;
}

struct fdtable *fdtable_dup(struct fdtable *old)
{
	struct fdtable *fdt = fdtable_new();
	if (!fdt)
		return NULL;
	if (fdtable_grow(fdt, old->size) < 0) {
		fdtable_put(fdt);
		return NULL;
	}
	for (int i = 0; i < old->size; i++) {
		fdt->files[i] = file_get(old->files[i]);
		fdt->cloexec[i] = old->cloexec[i];
	}
	return fdt;
}

struct fdtable *fdtable_get(struct fdtable *fdt)
{
	if (fdt)
		fdt->refs++;
	return fdt;
}

void fdtable_put(struct fdtable *fdt)
{
	if (!fdt || --fdt->refs > 0)
		return;
	for (int i = 0; i < fdt->size; i++) {
		struct file *f = fdt->files[i];
		fdt->files[i] = NULL;
		file_put(f);
	}
	free(fdt->files);
	free(fdt->cloexec);
	free(fdt);
}

void fdtable_close_on_exec(struct fdtable *fdt)
{
	for (int i = 0; i < fdt->size; i++)
		if (fdt->files[i] && fdt->cloexec[i])
			fdtable_close(fdt, i);
}

int fdtable_install_at(struct fdtable *fdt, int fd, struct file *f,
		       bool cloexec)
{
	if (fd < 0 || fd >= FDTABLE_HARD_MAX)
		return -LINUX_EBADF;
	int ret = fdtable_grow(fdt, fd + 1);
	if (ret < 0)
		return ret;
	struct file *old = fdt->files[fd];
	fdt->files[fd] = file_get(f);
	fdt->cloexec[fd] = cloexec;
	/* Put last: a release op may re-enter the table. */
	file_put(old);
	return fd;
}

int fdtable_alloc(struct fdtable *fdt, struct file *f, int minfd,
		  uint64_t limit, bool cloexec)
{
	if (limit > FDTABLE_HARD_MAX)
		limit = FDTABLE_HARD_MAX;
	if (minfd < 0)
		return -LINUX_EINVAL;
	int fd = minfd;
	while (fd < fdt->size && fdt->files[fd])
		fd++;
	if ((uint64_t)fd >= limit)
		return -LINUX_EMFILE;
	return fdtable_install_at(fdt, fd, f, cloexec);
}

struct file *fdtable_get_file(struct fdtable *fdt, int fd)
{
	if (!fdt || fd < 0 || fd >= fdt->size)
		return NULL;
	return file_get(fdt->files[fd]);
}

int fdtable_close(struct fdtable *fdt, int fd)
{
	if (fd < 0 || fd >= fdt->size || !fdt->files[fd])
		return -LINUX_EBADF;
	struct file *f = fdt->files[fd];
	fdt->files[fd] = NULL;
	fdt->cloexec[fd] = 0;
	file_put(f);
	return 0;
}

int fdtable_get_cloexec(struct fdtable *fdt, int fd)
{
	if (fd < 0 || fd >= fdt->size || !fdt->files[fd])
		return -LINUX_EBADF;
	return fdt->cloexec[fd];
}

int fdtable_set_cloexec(struct fdtable *fdt, int fd, bool on)
{
	if (fd < 0 || fd >= fdt->size || !fdt->files[fd])
		return -LINUX_EBADF;
	fdt->cloexec[fd] = on;
	return 0;
}

int fdtable_max_fd(struct fdtable *fdt)
{
	int n = fdt->size;
	while (n > 0 && !fdt->files[n - 1])
		n--;
	return n;
}

uint64_t task_nofile_limit(struct task *t)
{
	if (t && t->tg && t->tg->rlim[RLIMIT_NOFILE_].cur)
		return t->tg->rlim[RLIMIT_NOFILE_].cur;
	return FDTABLE_DEFAULT_MAX;
}

int fd_install(struct task *t, struct file *f, bool cloexec)
{
	return fdtable_alloc(t->fdt, f, 0, task_nofile_limit(t), cloexec);
}

struct file *fd_get(struct task *t, int fd)
{
	return fdtable_get_file(t->fdt, fd);
}
