/* Cost of socket I/O with and without rawtel's tcp probe, which runs on
 * every send and receive through the socket API (sock:sock_send_length,
 * sock:sock_recv_length):
 *   sock_loop tcp N   N rounds of a 1-byte write + read over a loopback
 *                     TCP connection (the programs' counting path)
 *   sock_loop unix N  the same over a UNIX socket pair (their early exit)
 * Prints CPU nanoseconds of this process per round (see openat_loop.c). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int tcp_pair(int fd[2])
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1) ||
	    getsockname(s, (struct sockaddr *)&a, &l))
		return -1;
	fd[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fd[0] < 0 || connect(fd[0], (struct sockaddr *)&a, sizeof(a)))
		return -1;
	fd[1] = accept(s, NULL, NULL);
	close(s);
	return fd[1] < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 200000;
	int fd[2];
	char c = 'x';
	double a;

	if (argc < 2 || (strcmp(argv[1], "tcp") ? socketpair(AF_UNIX, SOCK_STREAM, 0, fd)
						 : tcp_pair(fd))) {
		fprintf(stderr, "usage: sock_loop tcp|unix [N]\n");
		return 2;
	}
	a = now();
	for (long i = 0; i < n; i++)
		if (write(fd[0], &c, 1) != 1 || read(fd[1], &c, 1) != 1)
			return 1;
	printf("%.1f\n", (now() - a) / (double)n);
	return 0;
}
