/* Pods: containers sharing one sandbox.
 *
 * containerd's CRI plugin runs a Kubernetes pod as a "sandbox" container
 * (the pause process) and then each of the pod's containers with the
 * annotations
 *
 *   io.kubernetes.cri.container-type  "container"
 *   io.kubernetes.cri.sandbox-id      the sandbox container's id
 *
 * Such a container joins that container's sandbox (one sentry for the
 * pod) instead of starting one: a gofer of its own serves its root and
 * bind mounts, the sentry gives it a file tree and an init of its own
 * (sentry/control.h); network, IPC, hostname and pid numbers are the
 * pod's. Its monitor, the container's pid as for any container, starts it
 * at `runsc start`, passes signals on and exits with its init's status;
 * killing the monitor (runsc kill ... KILL, runsc delete) ends the
 * container, and the pod's end ends it too. */
#ifndef RUNSC_POD_H
#define RUNSC_POD_H

#include <stdbool.h>

#include "runsc/cli.h"
#include "runsc/container.h"
#include "runsc/oci_spec.h"
#include "runsc/sandbox.h"

/* The sandbox container's id when spec asks to join one, else NULL. */
const char *pod_sandbox_id(const struct oci_spec *spec);

/* Where `runsc exec` into c goes: the directory of the control socket to
 * use (dir, PATH_MAX) and, for a pod member, its init's pid in the sandbox
 * (*pid; 0 for a container with a sandbox of its own). 0, or -1 with e
 * set (a member that has not started, a pod that is gone). */
int pod_exec_target(const struct globals *g, const struct container *c,
		    char *dir, unsigned *pid, struct rerr *e);

/* The monitor of container c joining sandbox's sandbox: never returns.
 * Starts the gofer cfg describes, tells create through sync_fd (one
 * struct monitor_ready), waits for `start`, then has the sentry start the
 * container with spec's process and cfg's mounts, as create's monitor
 * does for a sandbox of its own (console: the terminal to use as stdio,
 * or -1). */
void pod_monitor_main(const struct globals *g, const struct container *c,
		      const struct container *sandbox,
		      const struct oci_spec *spec, struct sandbox_config *cfg,
		      int sync_fd, bool foreground, int console);

#endif
