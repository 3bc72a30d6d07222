/* ELF64 and "#!" header parsing (see elf.h). */
#include "sentry/loader/elf.h"

#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"

/* Highest user address + 1 on x86-64 with 4-level paging (Linux's
 * TASK_SIZE_MAX). */
#define USER_ADDR_END 0x7ffffffff000ULL

/* Read exactly n bytes at off; the caller has checked off+n <= file size,
 * so a short read means the file changed or the reader failed. */
static int read_full(elf_read_fn rd, void *ctx, void *buf, size_t n,
		     uint64_t off)
{
	size_t done = 0;

	while (done < n) {
		long got = rd(ctx, (char *)buf + done, n - done, off + done);
		if (got < 0)
			return (int)got;
		if (got == 0)
			return -LINUX_EIO;
		done += (size_t)got;
	}
	return 0;
}

static int check_ehdr(const Elf64_Ehdr *eh, uint64_t file_size)
{
	uint64_t ph_bytes;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return -LINUX_ENOEXEC;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT)
		return -LINUX_ENOEXEC;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return -LINUX_ENOEXEC;
	if (eh->e_machine != EM_X86_64)
		return -LINUX_ENOEXEC;
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return -LINUX_ENOEXEC;
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHNUM)
		return -LINUX_ENOEXEC;
	ph_bytes = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (eh->e_phoff > file_size || ph_bytes > file_size - eh->e_phoff)
		return -LINUX_ENOEXEC;
	return 0;
}

/* Bytes [off, off+len) lie inside the file (without wrapping). */
static bool in_file(uint64_t off, uint64_t len, uint64_t file_size)
{
	return off <= file_size && len <= file_size - off;
}

static int check_load(const Elf64_Phdr *ph, uint64_t file_size,
		      uint64_t *prev_end)
{
	uint64_t end;

	if (ph->p_filesz > ph->p_memsz)
		return -LINUX_ENOEXEC;
	if (!in_file(ph->p_offset, ph->p_filesz, file_size))
		return -LINUX_ENOEXEC;
	/* The end rounded up to a page must neither wrap nor leave user
	 * space: the mapping code computes exactly that. */
	if (ph->p_vaddr >= USER_ADDR_END ||
	    ph->p_memsz > USER_ADDR_END - ph->p_vaddr)
		return -LINUX_ENOEXEC;
	end = ph->p_vaddr + ph->p_memsz;
	/* mmap maps whole pages of the file: offset and address must agree
	 * within a page or the segment cannot be mapped (Linux fails the
	 * mmap with EINVAL after the point of no return; we refuse early). */
	if ((ph->p_vaddr - ph->p_offset) % ELF_PAGE_SIZE != 0)
		return -LINUX_ENOEXEC;
	if (ph->p_vaddr < *prev_end)
		return -LINUX_ENOEXEC;
	*prev_end = end;
	return 0;
}

static int read_interp(elf_read_fn rd, void *ctx, const Elf64_Phdr *ph,
		       uint64_t file_size, struct elf_info *out)
{
	int ret;

	if (out->has_interp)
		return -LINUX_ENOEXEC;
	if (ph->p_filesz < 2 || ph->p_filesz > ELF_INTERP_MAX)
		return -LINUX_ENOEXEC;
	if (!in_file(ph->p_offset, ph->p_filesz, file_size))
		return -LINUX_ENOEXEC;
	ret = read_full(rd, ctx, out->interp, ph->p_filesz, ph->p_offset);
	if (ret < 0)
		return ret;
	/* Linux only checks the last byte; a NUL inside would make the path
	 * silently shorter than the segment says, so refuse that too. */
	if (out->interp[ph->p_filesz - 1] != '\0' ||
	    strlen(out->interp) != ph->p_filesz - 1)
		return -LINUX_ENOEXEC;
	out->has_interp = true;
	return 0;
}

int elf_parse(elf_read_fn rd, void *ctx, uint64_t file_size,
	      struct elf_info *out)
{
	Elf64_Ehdr eh;
	Elf64_Phdr *phdrs = NULL;
	uint64_t prev_end = 0, lo = UINT64_MAX, hi = 0;
	bool any_load = false;
	int ret;

	memset(out, 0, sizeof(*out));
	if (file_size < sizeof(eh))
		return -LINUX_ENOEXEC;
	ret = read_full(rd, ctx, &eh, sizeof(eh), 0);
	if (ret < 0)
		return ret;
	ret = check_ehdr(&eh, file_size);
	if (ret < 0)
		return ret;

	phdrs = malloc((size_t)eh.e_phnum * sizeof(Elf64_Phdr));
	if (!phdrs)
		return -LINUX_ENOMEM;
	ret = read_full(rd, ctx, phdrs, (size_t)eh.e_phnum * sizeof(Elf64_Phdr),
			eh.e_phoff);
	if (ret < 0)
		goto fail;

	for (unsigned i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &phdrs[i];

		switch (ph->p_type) {
		case PT_LOAD:
			ret = check_load(ph, file_size, &prev_end);
			if (ret < 0)
				goto fail;
			if (ph->p_vaddr < lo)
				lo = ph->p_vaddr;
			if (ph->p_vaddr + ph->p_memsz > hi)
				hi = ph->p_vaddr + ph->p_memsz;
			any_load = true;
			break;
		case PT_INTERP:
			ret = read_interp(rd, ctx, ph, file_size, out);
			if (ret < 0)
				goto fail;
			break;
		case PT_GNU_STACK:
			out->exec_stack = (ph->p_flags & PF_X) != 0;
			break;
		}
	}
	if (!any_load) {
		ret = -LINUX_ENOEXEC;
		goto fail;
	}

	out->type = eh.e_type;
	out->entry = eh.e_entry;
	out->phoff = eh.e_phoff;
	out->phnum = eh.e_phnum;
	out->phentsize = eh.e_phentsize;
	out->phdrs = phdrs;
	/* hi <= USER_ADDR_END (checked per segment): rounding cannot wrap. */
	out->min_vaddr = lo & ~(ELF_PAGE_SIZE - 1);
	out->max_vaddr = (hi + ELF_PAGE_SIZE - 1) & ~(ELF_PAGE_SIZE - 1);
	return 0;

fail:
	free(phdrs);
	memset(out, 0, sizeof(*out));
	return ret;
}

void elf_info_free(struct elf_info *info)
{
	free(info->phdrs);
	info->phdrs = NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int script_parse(const char *buf, size_t n, char *interp, size_t isz, char *arg,
		 size_t asz)
{
	size_t end, i, j, k;

	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return -LINUX_ENOEXEC;
	if (n > SCRIPT_BUF_SIZE)
		n = SCRIPT_BUF_SIZE;
	for (end = 2; end < n; end++)
		if (buf[end] == '\n' || buf[end] == '\0')
			break;
	/* Linux >= 5.0 refuses a first line that does not fit the 256-byte
	 * buffer rather than run a truncated interpreter name. */
	if (end > SCRIPT_BUF_SIZE - 1)
		return -LINUX_ENOEXEC;

	for (i = 2; i < end && is_blank(buf[i]); i++)
		;
	for (j = i; j < end && !is_blank(buf[j]); j++)
		;
	if (j == i || j - i >= isz)
		return -LINUX_ENOEXEC;
	memcpy(interp, buf + i, j - i);
	interp[j - i] = '\0';

	for (k = j; k < end && is_blank(buf[k]); k++)
		;
	while (end > k && is_blank(buf[end - 1]))
		end--;
	if (end - k >= asz)
		return -LINUX_ENOEXEC;
	memcpy(arg, buf + k, end - k);
	arg[end - k] = '\0';
	return 0;
}
