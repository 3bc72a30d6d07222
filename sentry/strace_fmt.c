/* Pure formatting pieces of --strace (see strace.h): quoting, return
 * values, line layout. Kept apart from strace.c so that unit tests link
 * them without the task and memory machinery. */
#include "sentry/strace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"
#include "abi/syscall_args.h"

/* strace's "acolumn": results are aligned at this column. */
#define RESULT_COLUMN 40

size_t strace_quote(char *out, size_t outsz, const void *buf, size_t n,
		    bool truncated)
{
	const unsigned char *s = buf;
	size_t o = 0;
	char esc[8];

#define EMIT(str)                                                              \
	do {                                                                   \
		const char *e_ = (str);                                        \
		size_t l_ = strlen(e_);                                        \
		if (o + l_ >= outsz)                                           \
			goto full;                                             \
		memcpy(out + o, e_, l_);                                       \
		o += l_;                                                       \
	} while (0)

	if (outsz == 0)
		return 0;
	EMIT("\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		switch (c) {
		case '"':
			EMIT("\\\"");
			break;
		case '\\':
			EMIT("\\\\");
			break;
		case '\f':
			EMIT("\\f");
			break;
		case '\n':
			EMIT("\\n");
			break;
		case '\r':
			EMIT("\\r");
			break;
		case '\t':
			EMIT("\\t");
			break;
		case '\v':
			EMIT("\\v");
			break;
		default:
			if (c >= ' ' && c < 0x7f) {
				esc[0] = (char)c;
				esc[1] = '\0';
			} else if (i + 1 < n && s[i + 1] >= '0' &&
				   s[i + 1] <= '7') {
				/* A digit follows: all three octal digits,
				 * or "\1" "7" would read back as "\17". */
				snprintf(esc, sizeof(esc), "\\%03o", c);
			} else {
				snprintf(esc, sizeof(esc), "\\%o", c);
			}
			EMIT(esc);
		}
	}
	EMIT("\"");
	if (truncated)
		EMIT("...");
full:
	out[o] = '\0';
	return o;
#undef EMIT
}

size_t strace_quote_hex(char *out, size_t outsz, const void *buf, size_t n,
			bool truncated)
{
	const unsigned char *s = buf;
	size_t o = 0, need = 2 + 4 * n + (truncated ? 3 : 0);

	if (outsz == 0)
		return 0;
	if (need >= outsz) /* does not fit: cut whole escapes */
		n = outsz > 6 ? (outsz - 3) / 4 : 0;
	out[o++] = '"';
	for (size_t i = 0; i < n && o + 4 < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", s[i]);
	if (o + 1 < outsz)
		out[o++] = '"';
	if (truncated && o + 3 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return o;
}

size_t strace_format_ret(char *out, size_t outsz, long ret, int kind)
{
	int n;

	if (ret < 0 && ret >= -4095) {
		int e = (int)-ret;
		const char *name = linux_errno_name(e);
		const char *msg;

		switch (e) {
		case LINUX_ERESTARTSYS:
			msg = "To be restarted if SA_RESTART is set";
			break;
		case LINUX_ERESTARTNOINTR:
			name = "ERESTARTNOINTR";
			msg = "To be restarted";
			break;
		case LINUX_ERESTARTNOHAND:
			name = "ERESTARTNOHAND";
			msg = "To be restarted if no handler";
			break;
		case LINUX_ERESTART_RESTARTBLOCK:
			name = "ERESTART_RESTARTBLOCK";
			msg = "Interrupted by signal";
			break;
		default:
			msg = NULL;
		}
		if (msg) /* never seen by the application: strace's "?" */
			n = snprintf(out, outsz, "? %s (%s)", name, msg);
		else if (name)
			n = snprintf(out, outsz, "-1 %s (%s)", name,
				     linux_errno_msg(e));
		else
			n = snprintf(out, outsz, "-1 (errno %d)", e);
	} else if (kind == SR_HEX) {
		n = snprintf(out, outsz, "%#lx", (unsigned long)ret);
	} else if (kind == SR_OCT) {
		n = snprintf(out, outsz, "%#lo", (unsigned long)ret);
	} else if (kind == SR_NONE) {
		n = snprintf(out, outsz, "?");
	} else {
		n = snprintf(out, outsz, "%ld", ret);
	}
	if (n < 0)
		n = 0;
	if (outsz && (size_t)n >= outsz)
		n = (int)outsz - 1;
	return (size_t)n;
}

char *strace_make_line(int pid, const char *call, const char *ret_text)
{
	char prefix[32] = "";
	size_t plen, clen, rlen, col, pad, len;
	char *line;

	if (pid > 0)
		snprintf(prefix, sizeof(prefix), "[pid %d] ", pid);
	plen = strlen(prefix);
	clen = strlen(call);
	rlen = strlen(ret_text);
	/* strace prints ") ", pads to the column, then "= ". */
	col = plen + clen + 1;
	pad = col < RESULT_COLUMN ? RESULT_COLUMN - col : 0;
	len = col + pad + 2 + rlen + 1;
	line = malloc(len + 1);
	if (!line)
		return NULL;
	memcpy(line, prefix, plen);
	memcpy(line + plen, call, clen);
	memset(line + col - 1, ' ', pad + 1);
	memcpy(line + col + pad, "= ", 2);
	memcpy(line + col + pad + 2, ret_text, rlen);
	line[len - 1] = '\n';
	line[len] = '\0';
	return line;
}
