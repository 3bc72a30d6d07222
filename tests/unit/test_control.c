/* The sentry's control channel (sentry/control.c) against what a peer may
 * send: malformed requests, random bytes, missing or extra descriptors.
 * No sandbox runs here (no init task), so even a well-formed request is
 * refused, after it was parsed; every connection must get "error ..." then
 * "exited 32000" (status 125), and nothing may crash, leak or hang (run
 * under ASan too). A stats request is answered, with what a sentry without
 * a sandbox knows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "abi/scm.h"
#include "sentry/control.h"

static struct sockaddr_un addr;

static int setup(void **state)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	(void)state;
	addr.sun_family = AF_UNIX;
	snprintf(addr.sun_path, sizeof(addr.sun_path),
		 "/tmp/test_control.%d.sock", (int)getpid());
	unlink(addr.sun_path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(fd, 64) < 0)
		return -1;
	return control_start(fd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	unlink(addr.sun_path);
	return 0;
}

/* Send data (with nfds copies of /dev/null passed on its first byte),
 * close our sending side, and return the whole reply (static buffer). */
static const char *ask(const void *data, size_t len, int nfds)
{
	static char reply[4096];
	int fds[8], sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	size_t n = 0;
	ssize_t r;

	assert_true(sock >= 0);
	assert_int_equal(connect(sock, (struct sockaddr *)&addr, sizeof(addr)),
			 0);
	for (int i = 0; i < nfds; i++)
		fds[i] = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (len)
		assert_int_equal(
		    scm_send(sock, data, len, fds, nfds, MSG_NOSIGNAL),
		    (ssize_t)len);
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	shutdown(sock, SHUT_WR);
	while (n + 1 < sizeof(reply) &&
	       (r = read(sock, reply + n, sizeof(reply) - 1 - n)) > 0)
		n += (size_t)r;
	reply[n] = 0;
	close(sock);
	return reply;
}

static void assert_refused(const char *reply, const char *why)
{
	char want[256];

	snprintf(want, sizeof(want), "error %s\nexited 32000\n", why);
	assert_string_equal(reply, want);
}

/* A request as runsc exec builds it: magic, length, fields. */
static size_t request(char *buf, const char *fields, size_t flen)
{
	uint32_t len = (uint32_t)flen;

	memcpy(buf, CONTROL_MAGIC, 4);
	memcpy(buf + 4, &len, 4);
	memcpy(buf + 8, fields, flen);
	return 8 + flen;
}

/* A request of the fields written with '|' between them (for NUL). */
static size_t fields(char *buf, const char *spec)
{
	char f[256];
	size_t n = strlen(spec) + 1;

	memcpy(f, spec, n);
	for (size_t i = 0; i < n; i++)
		if (f[i] == '|')
			f[i] = 0;
	return request(buf, f, n);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *fields, *why;
	} bad[] = {
	    {"x|0||/|1|true|0", "bad user in the request"},
	    {"0|0|1,z|/|1|true|0", "bad group \"z\""},
	    {"0|0||rel|1|true|0", "malformed request"}, /* cwd not absolute */
	    {"0|0||/|0|0", "malformed request"},	/* no argv[0] */
	    {"0|0||/|2|true|0", "malformed request"},	/* argc too big */
	    {"0|0||/|1|true|0|x", "bad field \"x\" in the request"},
	    /* The optional fields, each checked as it would be applied. */
	    {"0|0||/|1|true|0|caps=zz", "bad field \"caps=zz\" in the request"},
	    {"0|0||/|1|true|0|caps=1:2:3:4",
	     "bad field \"caps=1:2:3:4\" in the request"},
	    {"0|0||/|1|true|0|caps=1:2:3:4:5:6",
	     "bad field \"caps=1:2:3:4:5:6\" in the request"},
	    {"0|0||/|1|true|0|caps=-1:0:0:0:0",
	     "bad field \"caps=-1:0:0:0:0\" in the request"},
	    {"0|0||/|1|true|0|rlimit=7:20:10",
	     "bad field \"rlimit=7:20:10\" in the request"}, /* soft > hard */
	    {"0|0||/|1|true|0|rlimit=16:1:1",
	     "bad field \"rlimit=16:1:1\" in the request"},
	    {"0|0||/|1|true|0|rlimit=-1:1:1",
	     "bad field \"rlimit=-1:1:1\" in the request"},
	    {"0|0||/|1|true|0|rlimit=7:-1:1",
	     "bad field \"rlimit=7:-1:1\" in the request"},
	    {"0|0||/|1|true|0|rlimit=7:1:1x",
	     "bad field \"rlimit=7:1:1x\" in the request"},
	    {"0|0||/|1|true|0|nnp=1", "bad field \"nnp=1\" in the request"},
	    {"0|0||/|1|true|0|nnp|", "bad field \"\" in the request"},
	};
	char buf[512];
	size_t n;

	(void)state;
	assert_refused(ask("", 0, 0), "malformed request");
	assert_refused(ask("RSX", 3, 3), "malformed request");
	assert_refused(ask("XXXX\4\0\0\0abcd", 12, 3), "malformed request");
	assert_refused(ask("RSX1\0\0\0\0", 8, 3), "request of 0 bytes");
	assert_refused(ask("RSX1\377\377\377\377", 8, 3),
		       "request of 4294967295 bytes");
	n = fields(buf, "0|0||/|1|true|0");
	assert_refused(ask(buf, n, 0),
		       "the request must pass stdin, stdout and stderr");
	assert_refused(ask(buf, n, 2),
		       "the request must pass stdin, stdout and stderr");
	assert_refused(ask(buf, n - 3, 3), "truncated request");
	/* Well formed, 3 or more descriptors (extra ones closed): refused
	 * only because no sandbox runs. */
	assert_refused(ask(buf, n, 3), "the sandbox has ended");
	assert_refused(ask(buf, n, 8), "the sandbox has ended");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = fields(buf, bad[i].fields);
		assert_refused(ask(buf, n, 3), bad[i].why);
	}
	/* Optional fields in any order, repeated: well formed. */
	n = fields(buf, "0|0||/|1|true|0|rlimit=7:10:20|nnp|caps=1:1:0:1:"
			"0|rlimit=7:5:5|caps="
			"ffffffffff:0:0:ff:0");
	assert_refused(ask(buf, n, 3), "the sandbox has ended");
	/* A joining container's request: its gofer's socket as a fourth
	 * descriptor, its root's mode and mounts after the environment. */
	n = fields(buf, "0|0||/|1|true|0|rw|0");
	memcpy(buf, CONTROL_MAGIC_CONTAINER, 4);
	assert_refused(ask(buf, n, 3),
		       "a container request must pass its gofer's socket");
	assert_refused(ask(buf, n, 4), "the sandbox has ended");
	static const char *const bad_container[] = {
	    "0|0||/|1|true|0",		       /* no root mode */
	    "0|0||/|1|true|0|rx|0",	       /* bad root mode */
	    "0|0||/|1|true|0|ro|2|bind:1::/x", /* fewer mounts */
	};
	for (size_t i = 0; i < 3; i++) {
		n = fields(buf, bad_container[i]);
		memcpy(buf, CONTROL_MAGIC_CONTAINER, 4);
		assert_refused(ask(buf, n, 4), "malformed request");
	}
	/* runsc exec into a pod member: its init's pid first. */
	n = fields(buf, "7|0|0||/|1|true|0");
	memcpy(buf, CONTROL_MAGIC_MEMBER, 4);
	assert_refused(ask(buf, n, 3), "the sandbox has ended");
	for (const char *const *f =
		 (const char *const[]){"0|0|0||/|1|true|0", "x|0|0||/|1|true|0",
				       "0|0||/|1|true|0", NULL};
	     *f; f++) {
		n = fields(buf, *f);
		memcpy(buf, CONTROL_MAGIC_MEMBER, 4);
		assert_refused(ask(buf, n, 3), "bad member pid in the request");
	}
	/* Its process's own capabilities and limits after its mounts. */
	n = fields(buf, "0|0||/|1|true|0|ro|0|extra");
	memcpy(buf, CONTROL_MAGIC_CONTAINER, 4);
	assert_refused(ask(buf, n, 4), "bad field \"extra\" in the request");
	n = fields(buf, "0|0||/|1|true|0|ro|1|tmpfs::/t|caps=0:0:0:0:0|nnp|"
			"rlimit=6:1:1");
	memcpy(buf, CONTROL_MAGIC_CONTAINER, 4);
	assert_refused(ask(buf, n, 4), "the sandbox has ended");
}

/* A stats request: magic, a zero length, nothing else. Descriptors sent
 * along are closed; any other length is refused. */
static void test_stats(void **state)
{
	const char *r;

	(void)state;
	for (int nfds = 0; nfds <= 3; nfds += 3) {
		r = ask(CONTROL_STATS_MAGIC "\0\0\0\0", 8, nfds);
		assert_true(!strncmp(r, "stats ", 6));
		/* No sandbox here: no tasks, no memory facts, no limits. */
		assert_non_null(strstr(r, " pids_current=0"));
		assert_null(strstr(r, "mem_limit="));
		assert_null(strstr(r, "pids_limit="));
		assert_int_equal(strchr(r, '\n') - r + 1, (long)strlen(r));
	}
	assert_refused(ask(CONTROL_STATS_MAGIC "\5\0\0\0hello", 13, 0),
		       "stats request of 5 bytes");
	assert_refused(ask(CONTROL_STATS_MAGIC "\0\0", 6, 0),
		       "malformed request");
	/* pause and resume: the same shape, one line back. */
	assert_string_equal(ask(CONTROL_PAUSE_MAGIC "\0\0\0\0", 8, 0),
			    "paused\n");
	assert_string_equal(ask(CONTROL_RESUME_MAGIC "\0\0\0\0", 8, 0),
			    "resumed\n");
	assert_refused(ask(CONTROL_PAUSE_MAGIC "\1\0\0\0x", 9, 1),
		       "pause request of 1 bytes");
}

static void test_random(void **state)
{
	char buf[600];

	(void)state;
	srand(1);
	for (int i = 0; i < 300; i++) {
		size_t n = 8 + (size_t)(rand() % 500);

		for (size_t k = 0; k < n; k++)
			buf[k] = (char)(rand() % 4 ? rand() % 8 + '0' : 0);
		if (i % 3) {
			uint32_t len = (uint32_t)(n - 8);

			memcpy(buf,
			       i % 3 == 1 ? CONTROL_MAGIC : CONTROL_STATS_MAGIC,
			       4);
			memcpy(buf + 4, &len, 4);
		}
		const char *r = ask(buf, n, i % 5);

		assert_true(!strncmp(r, "error ", 6));
		assert_non_null(strstr(r, "\nexited 32000\n"));
	}
}

/* Random optional fields after a well-formed request: refused or, when
 * they happen to be valid, parsed; never a crash. */
static void test_random_options(void **state)
{
	static const char *const keys[] = {"caps=", "rlimit=", "nnp", ""};
	static const char alphabet[] = "0123456789abcdefx:-+ ";
	char spec[300], buf[400];

	(void)state;
	srand(2);
	for (int i = 0; i < 300; i++) {
		int k = snprintf(spec, sizeof(spec), "0|0||/|1|true|0");

		for (int f = rand() % 4; f >= 0; f--) {
			k += snprintf(spec + k, sizeof(spec) - k, "|%s",
				      keys[rand() % 4]);
			for (int c = rand() % 12; c > 0; c--)
				spec[k++] =
				    alphabet[rand() % (sizeof(alphabet) - 1)];
			spec[k] = 0;
		}
		size_t n = fields(buf, spec);
		const char *r = ask(buf, n, 3);

		assert_true(!strncmp(r, "error ", 6));
		assert_non_null(strstr(r, "\nexited 32000\n"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_stats),
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_random_options),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
