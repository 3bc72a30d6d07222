/* The container's control socket, ROOT/ID/control.sock: the monitor listens
 * on it for the sentry (which serves it: sentry/control.h), `runsc exec`
 * connects to it. */
#ifndef RUNSC_CONTROL_H
#define RUNSC_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "runsc/error.h"

/* A listening socket bound at DIR/control.sock (a stale one is replaced).
 * Returns the fd (close-on-exec) or -1 with e set. */
int control_listen(const char *dir, struct rerr *e);

/* A socket connected to DIR/control.sock, or -1 with e set. */
int control_connect(const char *dir, struct rerr *e);

/* A process for the sentry to start (the request of sentry/control.h). */
struct control_request {
	unsigned long long uid, gid;
	const char
	    *groups;	 /* supplementary gids, comma-separated; NULL: none */
	const char *cwd; /* NULL: "/" */
	const char **argv;
	size_t argc;
	const char **envp;
	size_t envc;
	/* >= 0: a container joining the sandbox, whose root and bind mounts
	 * this gofer serves (CONTROL_MAGIC_CONTAINER); -1: runsc exec. */
	int gofer_fd;
	/* > 0: runsc exec into a pod member, whose init has this pid in the
	 * sandbox (CONTROL_MAGIC_MEMBER). */
	unsigned member_pid;
	bool read_only;	     /* the joining container's root */
	char *const *mounts; /* its --mount arguments */
	size_t nmounts;
	/* The process's own, in the sentry's forms (sandbox.h's
	 * sandbox_config): "BND:EFF:INH:PRM:AMB" (NULL: the container's
	 * sets), no_new_privs, "RES:SOFT:HARD" limits replacing the
	 * container's (NULL-terminated; NULL: none). */
	const char *caps;
	bool no_new_privs;
	char *const *rlimits;
};

/* Send r on sock, with stdio (the process's stdin, stdout, stderr). 0, or
 * -1 with e set. */
int control_send(int sock, const struct control_request *r, const int stdio[3],
		 struct rerr *e);

/* Send the body-less request magic (CONTROL_STATS_MAGIC...) to the
 * sandbox serving DIR/control.sock and read its one-line reply into
 * line[size] (waiting 10 s at most). 0, or -1 with e set. */
int control_ask(const char *dir, const char *magic, char *line, size_t size,
		struct rerr *e);

/* The next reply line into line (NUL-terminated, no newline); -1 at EOF. */
int control_read_line(int sock, char *line, size_t size);

/* From now on, signals this process gets that runsc passes on go to the
 * sandboxed process, as "kill SIG" lines on sock. */
void control_forward_signals(int sock);

/* Wait for "exited STATUS": the exit code as a shell reports it. When
 * the sandbox goes away first (its init ended: every process in it is
 * killed, as in a pid namespace), that is SIGKILL's 137. */
int control_wait_exit(int sock);

#endif
