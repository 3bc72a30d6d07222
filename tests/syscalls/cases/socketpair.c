/* AF_UNIX stream pairs: creation errors, both directions, EOF after close,
 * EPIPE (with MSG_NOSIGNAL), shutdown, MSG_PEEK and MSG_DONTWAIT,
 * socket options and names, ENOTSOCK. */
#include "compat.h"
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
	int sv[2], v;
	char buf[16];
	socklen_t len;

	ERR("socketpair(AF_INET)", socketpair(AF_INET, SOCK_STREAM, 0, sv));
	ERR("socketpair(bad protocol)",
	    socketpair(AF_UNIX, SOCK_STREAM, 7, sv));
	ERR("socketpair(bad pointer)",
	    socketpair(AF_UNIX, SOCK_STREAM, 0, (void *)BADPTR));
	RET("socketpair(AF_UNIX, STREAM|CLOEXEC)",
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	YESNO("close-on-exec", (fcntl(sv[0], F_GETFD) & FD_CLOEXEC) != 0);
	RET("write a->b", write(sv[0], "hello", 5));
	RET("recv MSG_PEEK", recv(sv[1], buf, sizeof(buf), MSG_PEEK));
	RET("read b", read(sv[1], buf, sizeof(buf)));
	printf("got %.5s\n", buf);
	RET("send b->a", send(sv[1], "back", 4, 0));
	RET("recv a", recv(sv[0], buf, sizeof(buf), 0));
	ERR("recv MSG_DONTWAIT empty",
	    recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT));

	len = sizeof(v);
	RET("getsockopt(SO_TYPE)",
	    getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len));
	printf("SO_TYPE is SOCK_STREAM: %s\n", v == SOCK_STREAM ? "yes" : "no");
	ERR("getsockopt(bad option)",
	    getsockopt(sv[0], SOL_SOCKET, 12345, &v, &len));
	struct sockaddr_un sa;
	len = sizeof(sa);
	RET("getsockname", getsockname(sv[0], (struct sockaddr *)&sa, &len));
	printf("family AF_UNIX: %s, len %u\n",
	       sa.sun_family == AF_UNIX ? "yes" : "no", (unsigned)len);
	ERR("shutdown(bad how)", shutdown(sv[0], 7));
	RET("shutdown(a, SHUT_WR)", shutdown(sv[0], SHUT_WR));
	RET("read b after peer's SHUT_WR (EOF)", read(sv[1], buf, sizeof(buf)));
	RET("close b", close(sv[1]));
	ERR("send to a closed peer, MSG_NOSIGNAL",
	    send(sv[0], "x", 1, MSG_NOSIGNAL));
	int p[2];
	die_if(pipe(p) != 0, "pipe");
	ERR("shutdown(a pipe)", shutdown(p[0], SHUT_RD));
	ERR("recv(bad fd)", recv(999, buf, 1, 0));
	return 0;
}
