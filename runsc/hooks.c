#define _GNU_SOURCE
#include "runsc/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int run_one(const struct oci_hook *h, const char *state,
		   const char *where, struct rerr *e)
{
	char *default_argv[] = {h->path, NULL};
	char *const *argv = h->args[0] ? h->args : default_argv;
	int in[2], status = 0;
	struct timespec start, now;
	pid_t pid, r;

	if (pipe2(in, O_CLOEXEC) < 0)
		return rerr_set(e, errno, "%s: pipe", where);
	pid = fork();
	if (pid < 0) {
		int err = errno;

		close(in[0]);
		close(in[1]);
		return rerr_set(e, err, "%s: fork", where);
	}
	if (pid == 0) {
		dup2(in[0], 0);
		execve(h->path, argv, h->env);
		fprintf(stderr, "runsc: %s: cannot run %s: %s\n", where,
			h->path, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	/* The hook may not read its stdin at all: a broken pipe is fine. */
	signal(SIGPIPE, SIG_IGN);
	if (write(in[1], state, strlen(state)) < 0 && errno != EPIPE) {
		/* Reported through the hook's status if it mattered. */
	}
	close(in[1]);

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		r = waitpid(pid, &status, h->timeout ? WNOHANG : 0);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return rerr_set(e, errno, "%s: waiting for %s", where,
					h->path);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (h->timeout && now.tv_sec - start.tv_sec >= h->timeout) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return rerr_set(e, 0, "%s: %s timed out after %d s",
					where, h->path, h->timeout);
		}
		if (h->timeout)
			usleep(10000);
	}
	if (WIFSIGNALED(status))
		return rerr_set(e, 0, "%s: %s killed by signal %d", where,
				h->path, WTERMSIG(status));
	if (WEXITSTATUS(status))
		return rerr_set(e, 0, "%s: %s exited with status %d", where,
				h->path, WEXITSTATUS(status));
	return 0;
}

int run_hooks(const struct oci_spec *spec, enum oci_hook_kind k,
	      struct json_object *state, struct rerr *e)
{
	const char *text =
	    json_object_to_json_string_ext(state, JSON_C_TO_STRING_PLAIN);

	for (size_t i = 0; i < spec->hooks[k].n; i++) {
		char where[64];

		snprintf(where, sizeof(where), "hooks.%s[%zu]",
			 oci_hook_names[k], i);
		if (run_one(&spec->hooks[k].v[i], text, where, e) < 0)
			return -1;
	}
	return 0;
}
