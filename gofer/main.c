/* runsc-gofer: serve a directory over 9P2000.L on an inherited socket.
 *
 *   runsc-gofer --root DIR --fd N [--ro] [--mount SRC | --mount-ro SRC]...
 *
 * DIR is the tree attached as "/"; each --mount (a directory or a file)
 * the tree attached as "1", "2"... in order, read-only with --mount-ro.
 * Confines itself (setup.h), then serves until the peer closes the socket.
 * Exit status: 0 after a clean EOF, 1 on a setup error (message on
 * stderr), 2 when the stream broke (garbage framing, I/O error).
 */
#define _GNU_SOURCE
#include "abi/errno.h"
#include "gofer/server.h"
#include "gofer/setup.h"

#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
/* LeakSanitizer runs at exit and needs /proc and threads, neither of which
 * exists for a pivot_rooted, seccomp-filtered gofer. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

static void usage(FILE *f)
{
	fprintf(f, "usage: runsc-gofer --root DIR --fd N [--ro] "
		   "[--mount SRC | --mount-ro SRC]...\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"root", required_argument, NULL, 'r'},
	    {"fd", required_argument, NULL, 'f'},
	    {"ro", no_argument, NULL, 'o'},
	    {"mount", required_argument, NULL, 'm'},
	    {"mount-ro", required_argument, NULL, 'M'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	/* trees[0] is the root; argc bounds the number of mounts. */
	struct gofer_tree *trees = calloc((size_t)argc + 1, sizeof(*trees));
	bool all_ro = true;
	int ntrees = 1;
	char err[512];
	int sock = -1, devnull, treesfd, c, ret;
	char *end;
	long v;

	if (!trees) {
		perror("runsc-gofer");
		return 1;
	}
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			trees[0].path = optarg;
			break;
		case 'm':
		case 'M':
			trees[ntrees].path = optarg;
			trees[ntrees++].read_only = c == 'M';
			break;
		case 'f':
			v = strtol(optarg, &end, 10);
			if (*optarg == 0 || *end || v < 0 || v > INT_MAX) {
				fprintf(stderr,
					"runsc-gofer: --fd %s: not an "
					"fd number\n",
					optarg);
				return 1;
			}
			sock = (int)v;
			break;
		case 'o':
			trees[0].read_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (!trees[0].path || sock < 0 || optind != argc) {
		usage(stderr);
		return 1;
	}
	if (fcntl(sock, F_GETFD) < 0) {
		fprintf(stderr, "runsc-gofer: --fd %d: not open\n", sock);
		return 1;
	}
	/* A dead peer must be an error from send, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	/* Modes of created files come from the client, its umask applied
	 * (as 9P2000.L clients do): the gofer's own must not mask them. */
	umask(0);

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0) {
		perror("runsc-gofer: /dev/null");
		return 1;
	}
	for (int i = 0; i < ntrees; i++)
		all_ro = all_ro && trees[i].read_only;
	treesfd = gofer_confine_fs(trees, ntrees, err, sizeof(err));
	free(trees);
	if (treesfd < 0 ||
	    gofer_close_fds(sock, treesfd, devnull, true, err, sizeof(err)) <
		0 ||
	    gofer_install_seccomp(err, sizeof(err)) < 0) {
		fprintf(stderr, "runsc-gofer: %s\n", err);
		return 1;
	}

	/* Read-only trees among writable ones get EROFS from the host. */
	ret = gofer_serve(sock, treesfd, ntrees, all_ro);
	if (ret < 0) {
		const char *name = linux_errno_name(-ret);

		fprintf(stderr, "runsc-gofer: serving: %s\n",
			name ? name : "error");
		return 2;
	}
	return 0;
}
