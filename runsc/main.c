/* runsc: the command-line front end. Global flags come before the
 * subcommand, as runc and gVisor's runsc take them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "runsc/cli.h"

char helper_dir[PATH_MAX];

static void find_helpers(void)
{
	ssize_t n =
	    readlink("/proc/self/exe", helper_dir, sizeof(helper_dir) - 1);
	char *slash;

	if (n <= 0) {
		strcpy(helper_dir, ".");
		return;
	}
	helper_dir[n] = 0;
	slash = strrchr(helper_dir, '/');
	if (slash)
		*slash = 0;
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: runsc [global flags] COMMAND [args]\n"
	    "\n"
	    "commands:\n"
	    "  do [--root-rw] CMD [ARG...]\n"
	    "                    run CMD in a sandbox over the host's root\n"
	    "                    filesystem (read-only, with an in-memory\n"
	    "                    overlay: writes vanish when CMD exits;\n"
	    "                    --root-rw: no overlay, writes reach the "
	    "host)\n"
	    "\n"
	    "OCI runtime commands (runc's command line):\n"
	    "  spec [--bundle DIR]            write a default config.json\n"
	    "  create [--bundle DIR] [--pid-file F] ID\n"
	    "                                 create a container, waiting to "
	    "start\n"
	    "  start ID                       start a created container\n"
	    "  run [--bundle DIR] [--pid-file F] [--detach] ID\n"
	    "                                 create and start; wait unless "
	    "--detach\n"
	    "  state ID                       the container's state as JSON\n"
	    "  kill [--all] ID [SIGNAL]       signal the container (TERM)\n"
	    "  delete [--force] ID            remove a stopped container\n"
	    "  exec [--process F] [--detach] [--pid-file F] [--cwd D]\n"
	    "       [--env K=V]... [--user UID[:GID]] [--cap CAP]...\n"
	    "       [--no-new-privs] ID [CMD ARG...]\n"
	    "                                 run another process in the "
	    "container\n"
	    "  list [--format table|json] [-q]\n"
	    "  ps [--format table|json] ID    the container's host processes\n"
	    "  wait ID                        wait for the exit, print it\n"
	    "  pause ID / resume ID           stop / restart the container's "
	    "processes\n"
	    "  events [--stats] [--interval DUR] ID\n"
	    "                                 resource usage and OOM kills "
	    "as JSON\n"
	    "\n"
	    "global flags:\n"
	    "  --platform=NAME     how application code is run: systrap "
	    "(default) or ptrace\n"
	    "  --strace            print each syscall of the application\n"
	    "  --profile           on exit, log where the time went "
	    "(syscalls,\n"
	    "                      9P round trips, application code)\n"
	    "  --syscall-patch[=N] systrap: rewrite `mov $nr, %%eax; syscall`"
	    " sites\n"
	    "                      that trapped N times (64) into jumps to a "
	    "fast\n"
	    "                      entry (experimental)\n"
	    "  --debug             verbose sentry log on stderr\n"
	    "  --debug-log=FILE    write the sentry's log to FILE\n"
	    "  --root DIR          container state (default /run/runsc)\n"
	    "  --log FILE          log file of the OCI commands\n"
	    "  --log-format F      text or json\n"
	    "  --systemd-cgroup    accepted (runc's); cgroups go through "
	    "cgroupfs\n");
}

void cli_log(const struct globals *g, const char *level, bool stderr_too,
	     const char *fmt, ...)
{
	char msg[4096], when[64];
	struct timeval tv;
	struct tm tm;
	va_list ap;
	int fd;

	if (!strcmp(level, "debug") && !g->debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (stderr_too)
		fprintf(stderr, "runsc: %s\n", msg);
	if (!g->log)
		return;
	fd = open(g->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (g->log_json) {
		/* json-c does the string escaping. */
		struct json_object *o = json_object_new_object();
		char ts[96];

		snprintf(ts, sizeof(ts), "%s.%06ldZ", when, (long)tv.tv_usec);
		json_object_object_add(o, "level",
				       json_object_new_string(level));
		json_object_object_add(o, "msg", json_object_new_string(msg));
		json_object_object_add(o, "time", json_object_new_string(ts));
		dprintf(
		    fd, "%s\n",
		    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		dprintf(fd, "time=\"%sZ\" level=%s msg=\"%s\"\n", when, level,
			msg);
	}
	close(fd);
}

int parse_flags(const char *cmd, int argc, char **argv,
		const struct flag *flags, struct rerr *e)
{
	int npos = 0, i;

	for (i = 0; i < argc; i++) {
		char *a = argv[i], *name, *eq;
		const struct flag *f;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == 0) {
			argv[npos++] = a;
			continue;
		}
		name = a + (a[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		for (f = flags; f->name; f++) {
			size_t n = eq ? (size_t)(eq - name) : strlen(name);

			if ((strlen(f->name) == n &&
			     !strncmp(f->name, name, n)) ||
			    (f->short_name && n == 1 &&
			     name[0] == f->short_name && a[1] != '-'))
				break;
		}
		if (!f->name)
			return rerr_set(e, 0, "%s: unknown flag %s", cmd, a);
		if (!f->takes_value) {
			if (eq && strcmp(eq + 1, "true") &&
			    strcmp(eq + 1, "false"))
				return rerr_set(e, 0, "%s: %s takes no value",
						cmd, a);
			*f->set = !eq || !strcmp(eq + 1, "true");
		} else if (eq || i + 1 < argc) {
			const char *v = eq ? eq + 1 : argv[++i];

			if (f->each)
				f->each(v);
			else
				*f->value = v;
		} else {
			return rerr_set(e, 0, "%s: %s needs a value", cmd, a);
		}
	}
	for (; i < argc; i++)
		argv[npos++] = argv[i];
	return npos;
}

bool signal_forwardable(int sig)
{
	switch (sig) {
	case SIGKILL:
	case SIGSTOP:
	case SIGCHLD:
	case SIGSEGV:
	case SIGBUS:
	case SIGFPE:
	case SIGILL:
	case SIGTRAP:
	case SIGSYS:
	case SIGABRT:
	case SIGPIPE:
	case SIGTTIN:
	case SIGTTOU:
	case SIGTSTP:
		return false;
	}
	return sig > 0 && sig < NSIG;
}

int check_platform(const char *name, struct rerr *e)
{
	if (!name || !strcmp(name, "ptrace") || !strcmp(name, "systrap"))
		return 0;
	return rerr_set(e, 0,
			"--platform=%s: unsupported platform (available: "
			"ptrace, systrap)",
			name);
}

static const struct command {
	const char *name;
	int (*run)(struct globals *g, int argc, char **argv, struct rerr *e);
} commands[] = {
    {"do", cmd_do},	    {"spec", cmd_spec},	    {"create", cmd_create},
    {"run", cmd_run},	    {"start", cmd_start},   {"state", cmd_state},
    {"list", cmd_list},	    {"ps", cmd_ps},	    {"wait", cmd_wait},
    {"kill", cmd_kill},	    {"delete", cmd_delete}, {"exec", cmd_exec},
    {"events", cmd_events}, {"pause", cmd_pause},   {"resume", cmd_resume},
    {NULL, NULL},
};

/* A global flag that takes a value: `--name=V` or `--name V`. Returns the
 * value and advances *i, or NULL when argv[*i] is not that flag. */
static const char *value_flag(int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (a[1] == '-')
		a++;
	if (strncmp(a + 1, name, n))
		return NULL;
	if (a[n + 1] == '=')
		return a + n + 2;
	if (a[n + 1] == 0 && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

int main(int argc, char **argv)
{
	struct globals g = {.root = "/run/runsc"};
	struct rerr e = {{0}};
	const struct command *c;
	const char *v;
	int i, status;

	find_helpers();
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--strace"))
			g.strace = true;
		else if (!strcmp(a, "--profile"))
			g.profile = true;
		else if (!strcmp(a, "--syscall-patch"))
			g.syscall_patch = -1; /* the sentry's default */
		else if (!strncmp(a, "--syscall-patch=", 16) &&
			 atoi(a + 16) > 0)
			g.syscall_patch = atoi(a + 16);
		else if (!strcmp(a, "--debug"))
			g.debug = true;
		else if (!strcmp(a, "--systemd-cgroup"))
			g.systemd_cgroup = true;
		else if (!strncmp(a, "--platform=", 11))
			g.platform = a + 11;
		else if (!strncmp(a, "--debug-log=", 12))
			g.debug_log = a + 12;
		else if ((v = value_flag(argc, argv, &i, "root")))
			g.root = v;
		else if ((v = value_flag(argc, argv, &i, "log")))
			g.log = v;
		else if ((v = value_flag(argc, argv, &i, "log-format"))) {
			if (strcmp(v, "text") && strcmp(v, "json")) {
				fprintf(stderr,
					"runsc: --log-format %s: want text "
					"or json\n",
					v);
				return 2;
			}
			g.log_json = !strcmp(v, "json");
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--version")) {
			printf("runsc version 0.1\nspec: %s\n",
			       RUNSC_OCI_VERSION);
			return 0;
		} else {
			fprintf(stderr, "runsc: unknown flag %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	for (c = commands; c->name; c++)
		if (!strcmp(argv[i], c->name))
			break;
	if (!c->name) {
		fprintf(stderr, "runsc: unknown command %s\n", argv[i]);
		usage(stderr);
		return 2;
	}
	status = c->run(&g, argc - i - 1, argv + i + 1, &e);
	if (status && e.msg[0])
		cli_log(&g, "error", true, "%s", e.msg);
	return status;
}
