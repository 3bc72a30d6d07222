/* runsc-gofer: serve one directory over 9P2000.L on an inherited socket.
 *
 *   runsc-gofer --root DIR --fd N [--ro]
 *
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
	fprintf(f, "usage: runsc-gofer --root DIR --fd N [--ro]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"root", required_argument, NULL, 'r'},
	    {"fd", required_argument, NULL, 'f'},
	    {"ro", no_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *root = NULL;
	bool ro = false;
	char err[512];
	int sock = -1, devnull, rootfd, c, ret;
	char *end;
	long v;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
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
			ro = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (!root || sock < 0 || optind != argc) {
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
	rootfd = gofer_confine_fs(root, ro, err, sizeof(err));
	if (rootfd < 0 ||
	    gofer_close_fds(sock, rootfd, devnull, true, err, sizeof(err)) <
		0 ||
	    gofer_install_seccomp(err, sizeof(err)) < 0) {
		fprintf(stderr, "runsc-gofer: %s\n", err);
		return 1;
	}

	ret = gofer_serve(sock, rootfd, ro);
	if (ret < 0) {
		const char *name = linux_errno_name(-ret);

		fprintf(stderr, "runsc-gofer: serving: %s\n",
			name ? name : "error");
		return 2;
	}
	return 0;
}
