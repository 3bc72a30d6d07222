/* runsc kill and delete: signal a container, remove one. */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runsc/cli.h"
#include "runsc/container.h"
#include "runsc/hooks.h"
#include "runsc/oci_spec.h"

static const struct {
	const char *name;
	int sig;
} signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},	      {"QUIT", SIGQUIT},
    {"ILL", SIGILL},   {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},
    {"IOT", SIGIOT},   {"BUS", SIGBUS},	      {"FPE", SIGFPE},
    {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},
    {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},
    {"CONT", SIGCONT}, {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF}, {"WINCH", SIGWINCH},   {"IO", SIGIO},
    {"POLL", SIGPOLL}, {"PWR", SIGPWR},	      {"SYS", SIGSYS},
};

/* "TERM", "SIGTERM", "15" (and RTMIN+N by number only). */
static int parse_signal(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end)
		return n > 0 && n < NSIG ? (int)n : -1;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcasecmp(s, signals[i].name))
			return signals[i].sig;
	return -1;
}

int cmd_kill(struct globals *g, int argc, char **argv, struct rerr *e)
{
	bool all = false;
	const struct flag flags[] = {
	    {"all", 'a', false, NULL, &all},
	    {NULL, 0, false, NULL, NULL},
	};
	struct container c;
	int n, sig = SIGTERM;

	n = parse_flags("kill", argc, argv, flags, e);
	if (n < 0)
		return 1;
	if (n < 1 || n > 2) {
		rerr_set(e, 0, "kill: usage: kill [--all] ID [SIGNAL]");
		return 1;
	}
	if (n == 2 && (sig = parse_signal(argv[1])) < 0) {
		rerr_set(e, 0, "kill %s: unknown signal \"%s\"", argv[0],
			 argv[1]);
		return 1;
	}
	if (container_load(g, argv[0], &c, e) < 0)
		return 1;
	/* --all: every process of the container lives in the one sandbox,
	 * whose monitor hands the signal on; nothing more to do. */
	if (c.status == CONTAINER_STOPPED) {
		rerr_set(e, 0, "kill %s: container not running", c.id);
		container_free(&c);
		return 1;
	}
	if (kill(c.pid, sig) < 0) {
		rerr_set(e, errno, "kill %s: pid %d", c.id, (int)c.pid);
		container_free(&c);
		return 1;
	}
	cli_log(g, "debug", false, "kill %s: signal %d to pid %d", c.id, sig,
		(int)c.pid);
	container_free(&c);
	return 0;
}

static void poststop(struct globals *g, const struct container *c)
{
	struct oci_spec *spec = NULL;
	struct rerr e;

	/* The bundle may be gone by now: then there is nothing to run. */
	if (oci_spec_load(c->bundle, &spec, &e) < 0)
		return;
	if (spec->hooks[OCI_HOOK_POSTSTOP].n) {
		struct json_object *state = container_state_json(c);

		if (run_hooks(spec, OCI_HOOK_POSTSTOP, state, &e) < 0)
			cli_log(g, "warning", true, "delete %s: %s", c->id,
				e.msg);
		json_object_put(state);
	}
	oci_spec_free(spec);
}

int cmd_delete(struct globals *g, int argc, char **argv, struct rerr *e)
{
	bool force = false;
	const struct flag flags[] = {
	    {"force", 'f', false, NULL, &force},
	    {NULL, 0, false, NULL, NULL},
	};
	char dir[PATH_MAX];
	struct container c;
	int n;

	n = parse_flags("delete", argc, argv, flags, e);
	if (n < 0)
		return 1;
	if (n != 1) {
		rerr_set(e, 0,
			 "delete: want exactly one container id, got %d "
			 "arguments",
			 n);
		return 1;
	}
	if (container_load(g, argv[0], &c, e) < 0) {
		/* A state directory that create left half-written (it was
		 * killed) can still be removed by force. */
		if (force && container_check_id(argv[0], e) == 0) {
			container_dir(g, argv[0], dir);
			if (access(dir, F_OK) == 0)
				return container_remove_dir(dir, e) < 0 ? 1 : 0;
			/* runc: delete --force of a missing container is
			 * not an error. */
			return 0;
		}
		return 1;
	}
	/* A created container was never started: delete may end it (runc
	 * does). A running one needs --force. */
	if ((c.status == CONTAINER_RUNNING || c.status == CONTAINER_PAUSED) &&
	    !force) {
		rerr_set(e, 0,
			 "delete %s: cannot delete a container that is not "
			 "stopped: %s (use --force)",
			 c.id, container_status_name(c.status));
		container_free(&c);
		return 1;
	}
	if (c.status != CONTAINER_STOPPED) {
		kill(c.pid, SIGKILL);
		if (!wait_pid_gone(c.pid, 5000)) {
			rerr_set(e, 0, "delete %s: pid %d survived SIGKILL",
				 c.id, (int)c.pid);
			container_free(&c);
			return 1;
		}
		c.status = CONTAINER_STOPPED;
	}
	/* They die with the monitor (PDEATHSIG): wait until they have, so
	 * that nothing of the container outlives delete. */
	if (c.sentry_pid > 0)
		wait_pid_gone(c.sentry_pid, 5000);
	if (c.gofer_pid > 0)
		wait_pid_gone(c.gofer_pid, 5000);
	if (container_remove_dir(c.dir, e) < 0) {
		rerr_wrap(e, "delete %s: ", c.id);
		container_free(&c);
		return 1;
	}
	poststop(g, &c);
	container_free(&c);
	return 0;
}
