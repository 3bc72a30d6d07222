/* The container's control socket, ROOT/ID/control.sock: the monitor listens
 * on it for the sentry (which serves it: sentry/control.h), `runsc exec`
 * connects to it. */
#ifndef RUNSC_CONTROL_H
#define RUNSC_CONTROL_H

#include "runsc/error.h"

/* A listening socket bound at DIR/control.sock (a stale one is replaced).
 * Returns the fd (close-on-exec) or -1 with e set. */
int control_listen(const char *dir, struct rerr *e);

/* A socket connected to DIR/control.sock, or -1 with e set. */
int control_connect(const char *dir, struct rerr *e);

#endif
