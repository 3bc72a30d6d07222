/* The host cgroups of a container: linux.resources.cpu (shares, quota,
 * period, cpus, mems), which the sentry cannot enforce itself, applied to
 * the sandbox's host processes through cgroup v1's cpu and cpuset
 * controllers (cgroupfs, also under --systemd-cgroup).
 *
 * Each controller needed gets the group RUNSC/ID under its hierarchy's
 * mount point (a parent `runsc` made on first use); the container's
 * monitor joins them before it starts the gofer and the sentry, whose
 * processes (stubs included) inherit them. linux.cgroupsPath is not used.
 * Removed with the container's state directory (container_remove_dir).
 *
 * Host-side, single-threaded. */
#ifndef RUNSC_HOSTCG_H
#define RUNSC_HOSTCG_H

#include <stdbool.h>

#include "runsc/error.h"

struct oci_spec;

/* Does spec ask for anything of this file (a linux.resources.cpu field)? */
bool hostcg_wanted(const struct oci_spec *spec);

/* Make the container's groups and write spec's values. 0; -1 with e set
 * naming the field (a value the kernel refused); 1 with e set naming the
 * field when the host has no usable controller for it ("...cpu.quota: the
 * host has no usable cgroup v1 cpu controller"). Nothing is left behind
 * unless 0. */
int hostcg_create(const char *id, const struct oci_spec *spec, struct rerr *e);

/* Move the calling process into the container's groups (those that
 * exist). 0, or -1 with e set. */
int hostcg_enter(const char *id, struct rerr *e);

/* Remove the container's groups, waiting up to a second for exiting
 * processes to leave them. Missing groups are fine. */
void hostcg_remove(const char *id);

#endif
