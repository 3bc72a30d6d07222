/* ELF64 and "#!" script header parsing for execve.
 *
 * Pure parsing: nothing is mapped here (kernel/exec does the mapping from
 * the elf_info filled in). Every check Linux's binfmt_elf makes before
 * mapping, plus a few it leaves to mmap (segment order and overlap), fails
 * with -LINUX_ENOEXEC, so that a corrupt binary is refused before the old
 * address space is torn down.
 *
 * Thread-safety: none needed; the functions only touch their arguments.
 */
#ifndef SENTRY_LOADER_ELF_H
#define SENTRY_LOADER_ELF_H

#include <elf.h> /* file-format types only: Elf64_Ehdr/Phdr are fixed layouts */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_PHNUM  128
#define ELF_INTERP_MAX 4096 /* including the NUL */
#define ELF_PAGE_SIZE  4096ULL

struct elf_info {
	uint16_t type; /* ET_EXEC or ET_DYN */
	uint64_t entry;
	uint64_t phoff;
	uint16_t phnum, phentsize;
	Elf64_Phdr *phdrs; /* malloc'd copy of the phnum program headers */
	bool has_interp;
	char interp[ELF_INTERP_MAX]; /* PT_INTERP path, NUL-terminated */
	/* PT_GNU_STACK has PF_X. Without PT_GNU_STACK, false: 64-bit x86
	 * Linux no longer implies an executable stack (since 5.8). */
	bool exec_stack;
	/* Page-aligned extent of the PT_LOAD segments: [min_vaddr, max_vaddr).
	 * For ET_DYN these are relative to the load bias. */
	uint64_t min_vaddr, max_vaddr;
};

/* Read n bytes at offset off of the file into buf. Returns the number of
 * bytes read (short only at end of file) or -LINUX_Exxx. */
typedef long (*elf_read_fn)(void *ctx, void *buf, size_t n, uint64_t off);

/* Parse the ELF headers of a file of file_size bytes, read through rd(ctx).
 * On success returns 0 and fills *out (release with elf_info_free).
 * Errors (nothing to free, out->phdrs is NULL):
 *   -LINUX_ENOEXEC: not an x86-64 little-endian ELF64 ET_EXEC/ET_DYN file
 *     of version 1, or malformed: truncated headers, e_phentsize !=
 *     sizeof(Elf64_Phdr), e_phnum 0 or > ELF_MAX_PHNUM, no PT_LOAD, a
 *     PT_LOAD with p_filesz > p_memsz or file bytes past EOF or an address
 *     range that wraps or leaves the 47-bit user space or whose offset and
 *     address disagree modulo the page size, PT_LOADs not sorted by address
 *     or overlapping, PT_INTERP more than once or of size < 2 or > 4096 or
 *     not NUL-terminated (or with a NUL inside).
 *   -LINUX_EIO: rd returned fewer bytes than file_size promised.
 *   -LINUX_ENOMEM: no memory for the phdr copy.
 *   any negative value rd returned (e.g. -LINUX_EINVAL, -LINUX_EIO). */
int elf_parse(elf_read_fn rd, void *ctx, uint64_t file_size,
	      struct elf_info *out);

/* Free what elf_parse allocated (safe on a zeroed or already freed info). */
void elf_info_free(struct elf_info *info);

/* Bytes of a file execve examines for "#!" (Linux's BINPRM_BUF_SIZE). */
#define SCRIPT_BUF_SIZE 256

/* Parse a "#!" line in the first n bytes of a file (pass up to
 * SCRIPT_BUF_SIZE bytes). Linux semantics: after "#!", spaces and tabs are
 * skipped; the interpreter is the word up to the next space, tab or end of
 * line; the optional argument is everything after it up to the end of line
 * (newline or NUL or n), with spaces and tabs trimmed at both ends (a
 * carriage return is NOT trimmed, as on Linux). On success returns 0 and
 * fills interp (size isz) and arg (size asz; "" when there is none).
 * -LINUX_ENOEXEC: no "#!", no interpreter, a line longer than 255 bytes,
 * or a result that does not fit isz/asz. */
int script_parse(const char *buf, size_t n, char *interp, size_t isz, char *arg,
		 size_t asz);

#endif
