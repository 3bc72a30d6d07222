/* Unit tests for sentry/loader/elf.c: real binaries of the host and
 * malformed images built in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/errno.h"
#include "sentry/loader/elf.h"

/* ---- readers ---- */

struct mem_file {
	const uint8_t *data;
	size_t len;
	int fail_at_call; /* > 0: the n-th read fails with fail_err */
	int calls;
	long fail_err;
};

static long mem_read(void *ctx, void *buf, size_t n, uint64_t off)
{
	struct mem_file *f = ctx;

	if (f->fail_at_call && ++f->calls == f->fail_at_call)
		return f->fail_err;
	if (off >= f->len)
		return 0;
	if (n > f->len - off)
		n = f->len - off;
	memcpy(buf, f->data + off, n);
	return (long)n;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return NULL;
	}
	buf = malloc(st.st_size);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, st.st_size, 0), st.st_size);
	close(fd);
	*len = st.st_size;
	return buf;
}

static int parse_mem(const uint8_t *data, size_t len, struct elf_info *out)
{
	struct mem_file f = {.data = data, .len = len};
	return elf_parse(mem_read, &f, len, out);
}

/* ---- real binaries ---- */

static void test_busybox_static(void **state)
{
	struct elf_info info;
	size_t len;
	uint8_t *data = slurp("/bin/busybox", &len);

	if (!data)
		skip();
	assert_int_equal(parse_mem(data, len, &info), 0);
	assert_int_equal(info.type, ET_EXEC);
	assert_false(info.has_interp);
	assert_false(info.exec_stack);
	assert_non_null(info.phdrs);
	assert_int_equal(info.phentsize, sizeof(Elf64_Phdr));
	assert_true(info.phnum > 1);
	assert_int_equal(info.min_vaddr % 4096, 0);
	assert_int_equal(info.max_vaddr % 4096, 0);
	assert_true(info.min_vaddr >= 0x400000);
	assert_true(info.entry >= info.min_vaddr &&
		    info.entry < info.max_vaddr);
	elf_info_free(&info);
	assert_null(info.phdrs);
	elf_info_free(&info); /* idempotent */
	free(data);
}

static void test_ls_dynamic(void **state)
{
	struct elf_info info;
	size_t len;
	uint8_t *data = slurp("/bin/ls", &len);

	if (!data)
		skip();
	assert_int_equal(parse_mem(data, len, &info), 0);
	assert_int_equal(info.type, ET_DYN);
	assert_true(info.has_interp);
	assert_string_equal(info.interp, "/lib64/ld-linux-x86-64.so.2");
	assert_int_equal(info.min_vaddr, 0);
	assert_true(info.max_vaddr > 0);
	assert_int_equal(info.phoff, 64);
	elf_info_free(&info);
	free(data);
}

static void test_ldso(void **state)
{
	struct elf_info info;
	size_t len;
	uint8_t *data = slurp("/lib64/ld-linux-x86-64.so.2", &len);

	if (!data)
		skip();
	assert_int_equal(parse_mem(data, len, &info), 0);
	assert_int_equal(info.type, ET_DYN);
	assert_false(info.has_interp);
	assert_int_equal(info.min_vaddr, 0);
	elf_info_free(&info);
	free(data);
}

/* A real fd-backed reader, as exec will use. */
static long fd_read(void *ctx, void *buf, size_t n, uint64_t off)
{
	ssize_t r = pread(*(int *)ctx, buf, n, off);
	return r < 0 ? -LINUX_EIO : r;
}

static void test_fd_reader(void **state)
{
	struct elf_info info;
	struct stat st;
	int fd = open("/bin/ls", O_RDONLY);

	if (fd < 0)
		skip();
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(elf_parse(fd_read, &fd, st.st_size, &info), 0);
	assert_true(info.has_interp);
	elf_info_free(&info);
	close(fd);
}

/* Every truncation of a real binary before the end of its last PT_LOAD's
 * file bytes is refused, never read past EOF. */
static void test_truncated_real(void **state)
{
	struct elf_info info;
	size_t len, need = 0;
	uint8_t *data = slurp("/bin/ls", &len);

	if (!data)
		skip();
	assert_int_equal(parse_mem(data, len, &info), 0);
	for (unsigned i = 0; i < info.phnum; i++)
		if (info.phdrs[i].p_type == PT_LOAD &&
		    info.phdrs[i].p_offset + info.phdrs[i].p_filesz > need)
			need = info.phdrs[i].p_offset + info.phdrs[i].p_filesz;
	elf_info_free(&info);
	for (size_t cut = 0; cut < need; cut += (cut < 4096 ? 1 : 997)) {
		/* The reader sees only cut bytes too: a real short file. */
		assert_int_equal(parse_mem(data, cut, &info), -LINUX_ENOEXEC);
		assert_null(info.phdrs);
	}
	assert_int_equal(parse_mem(data, need, &info), 0);
	elf_info_free(&info);
	free(data);
}

/* ---- synthetic images ---- */

#define IMG_SIZE   0x3000
#define INTERP_OFF 0x200
static const char interp_path[] = "/lib/ld.so";

struct img {
	uint8_t b[IMG_SIZE];
};

static Elf64_Ehdr *ehdr(struct img *m)
{
	return (Elf64_Ehdr *)m->b;
}

static Elf64_Phdr *phdr(struct img *m, int i)
{
	return (Elf64_Phdr *)(m->b + sizeof(Elf64_Ehdr)) + i;
}

/* PT_INTERP, two PT_LOADs, PT_GNU_STACK (RWX). */
static void build(struct img *m)
{
	Elf64_Ehdr *e = ehdr(m);
	Elf64_Phdr *p;

	memset(m, 0, sizeof(*m));
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_entry = 0x401000;
	e->e_phoff = sizeof(Elf64_Ehdr);
	e->e_ehsize = sizeof(Elf64_Ehdr);
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phnum = 4;

	p = phdr(m, 0);
	p->p_type = PT_INTERP;
	p->p_offset = INTERP_OFF;
	p->p_filesz = p->p_memsz = sizeof(interp_path);
	memcpy(m->b + INTERP_OFF, interp_path, sizeof(interp_path));

	p = phdr(m, 1);
	p->p_type = PT_LOAD;
	p->p_flags = PF_R | PF_X;
	p->p_offset = 0;
	p->p_vaddr = 0x400000;
	p->p_filesz = p->p_memsz = 0x1800;

	p = phdr(m, 2);
	p->p_type = PT_LOAD;
	p->p_flags = PF_R | PF_W;
	p->p_offset = 0x2010;
	p->p_vaddr = 0x602010;
	p->p_filesz = 0xff0;
	p->p_memsz = 0x5000;

	p = phdr(m, 3);
	p->p_type = PT_GNU_STACK;
	p->p_flags = PF_R | PF_W | PF_X;
}

static int parse_img(struct img *m)
{
	struct elf_info info;
	int ret = parse_mem(m->b, sizeof(m->b), &info);
	if (ret == 0)
		elf_info_free(&info);
	else
		assert_null(info.phdrs);
	return ret;
}

static void test_synthetic_ok(void **state)
{
	struct img m;
	struct elf_info info;

	build(&m);
	assert_int_equal(parse_mem(m.b, sizeof(m.b), &info), 0);
	assert_true(info.has_interp);
	assert_string_equal(info.interp, interp_path);
	assert_true(info.exec_stack);
	assert_int_equal(info.min_vaddr, 0x400000);
	assert_int_equal(info.max_vaddr, 0x608000); /* 0x602010+0x5000 up */
	assert_int_equal(info.entry, 0x401000);
	assert_int_equal(info.phnum, 4);
	assert_int_equal(info.phdrs[2].p_memsz, 0x5000);
	elf_info_free(&info);

	/* Without PT_GNU_STACK: non-executable stack. */
	phdr(&m, 3)->p_type = PT_NOTE;
	assert_int_equal(parse_mem(m.b, sizeof(m.b), &info), 0);
	assert_false(info.exec_stack);
	elf_info_free(&info);
}

static void test_bad_ident(void **state)
{
	struct img m;

	build(&m);
	m.b[0] = 0x7e;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	m.b[3] = 'G';
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	m.b[EI_CLASS] = ELFCLASS32;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	m.b[EI_DATA] = ELFDATA2MSB;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	m.b[EI_VERSION] = 2;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	ehdr(&m)->e_machine = EM_AARCH64;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	ehdr(&m)->e_type = ET_REL;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	ehdr(&m)->e_type = ET_CORE;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	ehdr(&m)->e_type = ET_DYN;
	assert_int_equal(parse_img(&m), 0);
}

static void test_bad_phdr_table(void **state)
{
	struct img m;

	build(&m);
	ehdr(&m)->e_phentsize = 32;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	ehdr(&m)->e_phnum = 0;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	ehdr(&m)->e_phnum = ELF_MAX_PHNUM + 1;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	ehdr(&m)->e_phnum = 0xffff;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	ehdr(&m)->e_phoff = IMG_SIZE - 100; /* table runs past EOF */
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	ehdr(&m)->e_phoff = UINT64_MAX - 8; /* offset + size wraps */
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	ehdr(&m)->e_phnum = ELF_MAX_PHNUM; /* zeroed PT_NULL entries: fine */
	assert_int_equal(parse_img(&m), 0);
}

static void test_bad_load(void **state)
{
	struct img m;

	build(&m);
	phdr(&m, 2)->p_filesz = 0x6000; /* > memsz */
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	phdr(&m, 2)->p_filesz = 0x1000; /* 0x2010 + 0x1000 > 0x3000 */
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	phdr(&m, 2)->p_offset = UINT64_MAX - 0x10; /* offset wraps */
	phdr(&m, 2)->p_vaddr = 0x602000 + ((UINT64_MAX - 0x10) & 0xfff);
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	phdr(&m, 2)->p_vaddr = UINT64_MAX - 0xfef; /* vaddr + memsz wraps */
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	phdr(&m, 2)->p_vaddr = 0x7ffffffff010; /* beyond user space */
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	phdr(&m, 2)->p_vaddr = 0x7fffffff9010; /* ends in the last page */
	assert_int_equal(parse_img(&m), 0);
	build(&m);
	phdr(&m, 2)->p_vaddr = 0x602020; /* offset/vaddr not congruent */
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	phdr(&m, 2)->p_vaddr = 0x401010; /* overlaps the first load */
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	phdr(&m, 2)->p_vaddr = 0x200010; /* below the first: unsorted */
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	phdr(&m, 2)->p_vaddr = 0x401810; /* adjacent, same page: allowed */
	phdr(&m, 2)->p_offset = 0x1810;
	assert_int_equal(parse_img(&m), 0);
	build(&m);
	phdr(&m, 1)->p_type = PT_NOTE; /* no PT_LOAD at all */
	phdr(&m, 2)->p_type = PT_NOTE;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
}

static void test_bad_interp(void **state)
{
	struct img m;

	build(&m);
	m.b[INTERP_OFF + sizeof(interp_path) - 1] = 'x'; /* no NUL */
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	m.b[INTERP_OFF + 4] = '\0'; /* NUL inside */
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	phdr(&m, 0)->p_filesz = 1;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	phdr(&m, 0)->p_filesz = ELF_INTERP_MAX + 1;
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	phdr(&m, 0)->p_offset = IMG_SIZE - 4; /* past EOF */
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);
	build(&m);
	phdr(&m, 3)->p_type = PT_INTERP; /* twice */
	phdr(&m, 3)->p_offset = INTERP_OFF;
	phdr(&m, 3)->p_filesz = sizeof(interp_path);
	assert_int_equal(parse_img(&m), -LINUX_ENOEXEC);

	/* The longest allowed path: 4095 chars + NUL. */
	{
		static uint8_t big[IMG_SIZE + ELF_INTERP_MAX];
		struct elf_info info;

		build((struct img *)big);
		phdr((struct img *)big, 0)->p_offset = IMG_SIZE;
		phdr((struct img *)big, 0)->p_filesz = ELF_INTERP_MAX;
		memset(big + IMG_SIZE, 'a', ELF_INTERP_MAX - 1);
		big[IMG_SIZE + ELF_INTERP_MAX - 1] = '\0';
		assert_int_equal(parse_mem(big, sizeof(big), &info), 0);
		assert_int_equal(strlen(info.interp), ELF_INTERP_MAX - 1);
		elf_info_free(&info);
	}
}

static void test_truncated_synthetic(void **state)
{
	struct img m;
	struct elf_info info;

	build(&m);
	for (size_t cut = 0; cut < IMG_SIZE; cut++)
		assert_int_equal(parse_mem(m.b, cut, &info), -LINUX_ENOEXEC);
}

static void test_read_errors(void **state)
{
	struct img m;
	struct elf_info info;

	build(&m);
	for (int call = 1; call <= 3; call++) {
		struct mem_file f = {.data = m.b,
				     .len = sizeof(m.b),
				     .fail_at_call = call,
				     .fail_err = -LINUX_EIO};
		assert_int_equal(elf_parse(mem_read, &f, sizeof(m.b), &info),
				 -LINUX_EIO);
		assert_null(info.phdrs);
	}
	{
		struct mem_file f = {.data = m.b,
				     .len = sizeof(m.b),
				     .fail_at_call = 1,
				     .fail_err = -LINUX_EINVAL};
		assert_int_equal(elf_parse(mem_read, &f, sizeof(m.b), &info),
				 -LINUX_EINVAL);
	}
	{
		/* The file shrank under us: a short read is EIO. */
		struct mem_file f = {.data = m.b, .len = 0x100};
		assert_int_equal(elf_parse(mem_read, &f, sizeof(m.b), &info),
				 -LINUX_EIO);
		assert_null(info.phdrs);
	}
}

/* ---- scripts ---- */

static int sp(const char *s, char *interp, char *arg)
{
	return script_parse(s, strlen(s), interp, 256, arg, 256);
}

static void test_script(void **state)
{
	char interp[256], arg[256];

	assert_int_equal(sp("#!/bin/sh\necho hi\n", interp, arg), 0);
	assert_string_equal(interp, "/bin/sh");
	assert_string_equal(arg, "");

	assert_int_equal(sp("#! /usr/bin/env  python3 -u  \nx", interp, arg),
			 0);
	assert_string_equal(interp, "/usr/bin/env");
	assert_string_equal(arg, "python3 -u");

	assert_int_equal(sp("#!\t/bin/awk\t-f\t\n", interp, arg), 0);
	assert_string_equal(interp, "/bin/awk");
	assert_string_equal(arg, "-f");

	/* No newline: the line ends with the file. */
	assert_int_equal(sp("#!/bin/sh -e", interp, arg), 0);
	assert_string_equal(interp, "/bin/sh");
	assert_string_equal(arg, "-e");

	/* A CR stays part of the name, as on Linux. */
	assert_int_equal(sp("#!/bin/sh\r\n", interp, arg), 0);
	assert_string_equal(interp, "/bin/sh\r");

	/* NUL ends the line. */
	assert_int_equal(
	    script_parse("#!/bin/a\0b\n", 11, interp, 256, arg, 256), 0);
	assert_string_equal(interp, "/bin/a");
	assert_string_equal(arg, "");

	assert_int_equal(sp("#!\n", interp, arg), -LINUX_ENOEXEC);
	assert_int_equal(sp("#!   \n", interp, arg), -LINUX_ENOEXEC);
	assert_int_equal(sp("# /bin/sh\n", interp, arg), -LINUX_ENOEXEC);
	assert_int_equal(sp("#", interp, arg), -LINUX_ENOEXEC);
	assert_int_equal(sp("\x7f"
			    "ELF",
			    interp, arg),
			 -LINUX_ENOEXEC);

	/* Interpreter does not fit the caller's buffer. */
	assert_int_equal(
	    script_parse("#!/bin/shell\n", 13, interp, 5, arg, 256),
	    -LINUX_ENOEXEC);
}

static void test_script_long_line(void **state)
{
	char buf[400], interp[256], arg[256];

	/* 255 bytes before the newline: accepted. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "#!/x ", 5);
	buf[255] = '\n';
	assert_int_equal(script_parse(buf, sizeof(buf), interp, 256, arg, 256),
			 0);
	assert_string_equal(interp, "/x");
	assert_int_equal(strlen(arg), 250);
	/* 256: refused. */
	buf[255] = 'a';
	buf[256] = '\n';
	assert_int_equal(script_parse(buf, sizeof(buf), interp, 256, arg, 256),
			 -LINUX_ENOEXEC);
	/* Exactly a 256-byte file without newline: refused too. */
	assert_int_equal(script_parse(buf, 256, interp, 256, arg, 256),
			 -LINUX_ENOEXEC);
	assert_int_equal(script_parse(buf, 255, interp, 256, arg, 256), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_busybox_static),
	    cmocka_unit_test(test_ls_dynamic),
	    cmocka_unit_test(test_ldso),
	    cmocka_unit_test(test_fd_reader),
	    cmocka_unit_test(test_truncated_real),
	    cmocka_unit_test(test_synthetic_ok),
	    cmocka_unit_test(test_bad_ident),
	    cmocka_unit_test(test_bad_phdr_table),
	    cmocka_unit_test(test_bad_load),
	    cmocka_unit_test(test_bad_interp),
	    cmocka_unit_test(test_truncated_synthetic),
	    cmocka_unit_test(test_read_errors),
	    cmocka_unit_test(test_script),
	    cmocka_unit_test(test_script_long_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
