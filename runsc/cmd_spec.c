/* runsc spec: write runc's default config.json into the bundle. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runsc/cli.h"
#include "runsc/oci_spec.h"

int cmd_spec(struct globals *g, int argc, char **argv, struct rerr *e)
{
	const char *bundle = ".";
	bool rootless = false;
	const struct flag flags[] = {
	    {"bundle", 'b', true, &bundle, NULL},
	    {"rootless", 0, false, NULL, &rootless},
	    {NULL, 0, false, NULL, NULL},
	};
	const char *text = oci_spec_default();
	char path[PATH_MAX + 16];
	size_t len = strlen(text);
	int n, fd;

	n = parse_flags("spec", argc, argv, flags, e);
	if (n < 0)
		return 1;
	if (n > 0) {
		rerr_set(e, 0, "spec: unexpected argument %s", argv[0]);
		return 1;
	}
	if (rootless) {
		rerr_set(e, 0, "spec: --rootless: not supported yet");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			rerr_set(e, 0, "spec: %s exists; remove it first",
				 path);
		else
			rerr_set(e, errno, "spec: %s", path);
		return 1;
	}
	if (write(fd, text, len) != (ssize_t)len) {
		rerr_set(e, errno, "spec: writing %s", path);
		close(fd);
		unlink(path);
		return 1;
	}
	close(fd);
	return 0;
}
