/* Socket helpers of the traffic generators (rtt_tcp.c, rtt_http.c):
 * define PROG (the program's name in messages) before including. */
#ifndef RAWTEL_PROG_NET_H
#define RAWTEL_PROG_NET_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static inline void die(const char *what)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ADDR (an IPv4 or IPv6 literal):port as a sockaddr */
static inline socklen_t addr_of(const char *addr, unsigned port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		return sizeof(*a4);
	}
	if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return sizeof(*a6);
	}
	fprintf(stderr, PROG ": not an address: %s\n", addr);
	exit(2);
}

/* The socket's local port, or (peer) its peer's */
static inline unsigned port_of(int fd, int peer)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);

	if ((peer ? getpeername : getsockname)(fd, (struct sockaddr *)&ss, &l))
		die("getsockname");
	return ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
				       : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A TCP socket bound to ADDR:port (0: any free port), listening with
 * that backlog unless it is 0. */
static inline int bound(const char *addr, unsigned port, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t l = addr_of(addr, port, &ss);
	int one = 1, fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, l))
		die("bind");
	if (backlog && listen(fd, backlog))
		die("listen");
	return fd;
}

#endif
