/* OCI hooks: each hook of a kind runs in order, as a child of the CLI,
 * with the container's state JSON on its stdin, its path, args and env
 * from config.json, killed after its timeout.
 *
 * Host-side, single-threaded. */
#ifndef RUNSC_HOOKS_H
#define RUNSC_HOOKS_H

#include "runsc/error.h"
#include "runsc/oci_spec.h"

struct json_object;

/* Run the hooks of kind k; the first one to fail (exit status != 0,
 * killed, timed out, not executable) stops the run. Returns 0, or -1 with
 * e set ("hooks.prestart[1]: /x exited with status 3"). */
int run_hooks(const struct oci_spec *spec, enum oci_hook_kind k,
	      struct json_object *state, struct rerr *e);

#endif
