/* gen-compat: write docs/compatibility.md from the syscall table
 * (sentry/syscalls/table.c), so that the document cannot drift from what
 * the sentry does (gVisor generates its compatibility page the same way).
 *
 * Usage: gen-compat [OUTPUT]   (default: stdout)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/syscalls/syscall.h"

static const char *status_word(enum sys_status s)
{
	switch (s) {
	case SYS_STATUS_SUPPORTED:
		return "supported";
	case SYS_STATUS_PARTIAL:
		return "partial";
	default:
		return "unsupported";
	}
}

/* A note inside a Markdown table cell: '|' would end the cell and a
 * newline the row. */
static void put_cell(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static int write_doc(FILE *f)
{
	int counts[3] = {0}, total = 0;

	for (int nr = 0; nr < SYSCALL_TABLE_SIZE; nr++) {
		const struct syscall_entry *e = &syscall_table[nr];

		if (!e->name)
			continue;
		total++;
		counts[e->status <= SYS_STATUS_PARTIAL ? e->status : 0]++;
	}

	fprintf(f, "# Linux syscall compatibility (x86-64)\n\n");
	fprintf(f, "Generated from `sentry/syscalls/table.c` by "
		   "`tools/gen_compat.c` (`cmake --build build --target "
		   "compat-doc`); do not edit by hand.\n\n");
	fprintf(f,
		"**%d supported, %d partial, %d unsupported of %d** "
		"syscalls.\n\n",
		counts[SYS_STATUS_SUPPORTED], counts[SYS_STATUS_PARTIAL],
		counts[SYS_STATUS_UNSUPPORTED], total);
	fprintf(f, "Unsupported syscalls return `ENOSYS` and are logged once "
		   "by name.\n\n");
	fprintf(f, "| # | Name | Status | Notes |\n");
	fprintf(f, "|---:|---|---|---|\n");
	for (int nr = 0; nr < SYSCALL_TABLE_SIZE; nr++) {
		const struct syscall_entry *e = &syscall_table[nr];

		if (!e->name)
			continue;
		fprintf(f, "| %d | %s | %s | ", nr, e->name,
			status_word(e->status));
		put_cell(f, e->note);
		fprintf(f, " |\n");
	}
	return ferror(f) ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *out = argc > 1 ? argv[1] : NULL;
	char *tmp;
	FILE *f;

	if (argc > 2) {
		fprintf(stderr, "usage: gen-compat [OUTPUT]\n");
		return 2;
	}
	if (!out)
		return write_doc(stdout) < 0 || fflush(stdout) != 0;

	/* Write beside the target and rename: a failed run never leaves a
	 * half-written document behind. */
	if (asprintf(&tmp, "%s.tmp", out) < 0) {
		fprintf(stderr, "gen-compat: out of memory\n");
		return 1;
	}
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "gen-compat: %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return 1;
	}
	if (write_doc(f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "gen-compat: %s: write failed: %s\n", tmp,
			strerror(errno));
		remove(tmp);
		free(tmp);
		return 1;
	}
	if (rename(tmp, out) < 0) {
		fprintf(stderr, "gen-compat: %s: %s\n", out, strerror(errno));
		remove(tmp);
		free(tmp);
		return 1;
	}
	free(tmp);
	return 0;
}
