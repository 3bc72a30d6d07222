/* The runsc command line: global flags, the subcommands and what they
 * share (logging, the helpers' directory, flag parsing).
 *
 * Every subcommand returns its exit status; on failure it sets *e and
 * returns a status > 0 (1 unless said otherwise), and main prints e once:
 * `runsc: MESSAGE` on stderr, and to --log when given. The CLI is
 * single-threaded. */
#ifndef RUNSC_CLI_H
#define RUNSC_CLI_H

#include <limits.h>
#include <stdbool.h>

#include "runsc/error.h"

struct globals {
	/* runsc do and the sandbox */
	bool strace, profile;
	int syscall_patch; /* 0: off; N > 0: traps at a site before patching;
			    -1: the sentry's default */
	bool debug;
	const char *platform;  /* NULL: ptrace */
	const char *debug_log; /* --debug-log=FILE|DIR */
	/* runc's global flags, for the OCI commands */
	const char *root; /* state directory, default /run/runsc */
	const char *log;  /* --log FILE */
	bool log_json;	  /* --log-format json */
	bool systemd_cgroup;
};

/* Directory holding runsc, runsc-gofer and runsc-sentry (absolute). */
extern char helper_dir[PATH_MAX];

/* Log a line to --log (text or JSON as --log-format says), and to stderr
 * only when stderr_too. level: "debug", "info", "warning", "error";
 * "debug" lines are dropped unless --debug. */
void cli_log(const struct globals *g, const char *level, bool stderr_too,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Subcommand flag parsing, runc-style: `--name value`, `--name=value`,
 * `-name value`; a bool flag takes no value. Flags and positional
 * arguments may be interleaved; `--` ends the flags. */
struct flag {
	const char *name; /* long name without dashes */
	char short_name;  /* 0: none */
	bool takes_value;
	const char **value; /* takes_value: where the value goes */
	bool *set;	    /* !takes_value: set to true */
	/* takes_value and repeatable (runc's --env): called with each
	 * occurrence's value instead of storing it in *value. */
	void (*each)(const char *value);
};

/* Parse argv[0..argc) (argv[0] is the first argument after the command
 * name) against flags (terminated by a zero entry); positional arguments
 * are moved to the front of argv and their count returned, or -1 with e
 * set ("create: unknown flag --x"). */
int parse_flags(const char *cmd, int argc, char **argv,
		const struct flag *flags, struct rerr *e);

/* Is sig one runsc passes on to the sandbox when it gets it? Every signal
 * that can be caught but those about runsc itself: a child's end, its own
 * faults, a broken pipe, terminal job control. */
bool signal_forwardable(int sig);

/* Is name a platform the sentry has? Returns 0, or -1 with e set
 * ("--platform=x: unsupported platform (available: ptrace, systrap)"). */
int check_platform(const char *name, struct rerr *e);

/* The OCI runtime-spec version runsc implements. */
#define RUNSC_OCI_VERSION "1.0.2"

int cmd_do(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_spec(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_create(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_run(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_start(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_state(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_list(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_ps(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_wait(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_kill(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_pause(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_resume(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_delete(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_exec(struct globals *g, int argc, char **argv, struct rerr *e);
int cmd_events(struct globals *g, int argc, char **argv, struct rerr *e);

#endif
