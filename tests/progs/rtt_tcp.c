/* TCP traffic of known shape for the tcp and retrans probes' tests. Prints
 * one JSON object on stdout saying what it did (pids, ports).
 *   rtt_tcp life ADDR N HOLD_MS   N connections one after the other to a
 *       server in a child process: the client sends 100 bytes, gets 200,
 *       holds the connection HOLD_MS, closes first; the server closes on EOF
 *   rtt_tcp refused ADDR          connect to a port nobody listens on
 *   rtt_tcp abort ADDR            the server aborts (SO_LINGER 0 close) after
 *       reading 10 bytes: it sends a reset, the client receives it
 *   rtt_tcp sink ADDR PORT        accept one connection, read it to EOF
 *   rtt_tcp bulk ADDR PORT BYTES  send BYTES, then wait for the sink's close
 * ADDR is an IPv4 or IPv6 literal. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG "rtt_tcp"
#include "prog_net.h"

static int connect_to(const char *addr, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t l = addr_of(addr, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&ss, l))
		die("connect");
	return fd;
}

static void xwrite(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);
		if (w <= 0)
			die("write");
		buf += w;
		n -= (size_t)w;
	}
}

/* exactly n bytes */
static void xread(int fd, char *buf, size_t n)
{
	while (n) {
		ssize_t r = read(fd, buf, n);
		if (r <= 0)
			die("read");
		buf += r;
		n -= (size_t)r;
	}
}

static size_t drain(int fd)
{
	char buf[65536];
	size_t total = 0;
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) > 0)
		total += (size_t)r;
	return total;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		fprintf(stderr, "rtt_tcp: server failed\n"), exit(1);
}

static int life(const char *addr, int n, unsigned hold_ms)
{
	char buf[200];
	int lfd = bound(addr, 0, 16);
	unsigned port = port_of(lfd, 0);
	pid_t srv = fork();

	if (srv < 0)
		die("fork");
	if (srv == 0) {
		for (int i = 0; i < n; i++) {
			int c = accept(lfd, NULL, NULL);
			if (c < 0)
				die("accept");
			xread(c, buf, 100);
			memset(buf, 's', 200);
			xwrite(c, buf, 200);
			drain(c);	/* the client closes first */
			close(c);
		}
		_exit(0);
	}
	close(lfd);
	uint64_t t0 = now_ns();
	printf("{\"client_pid\":%d,\"server_pid\":%d,\"port\":%u,\"hold_ms\":%u,\"n\":%d,"
	       "\"client_ports\":[", (int)getpid(), (int)srv, port, hold_ms, n);
	for (int i = 0; i < n; i++) {
		int c = connect_to(addr, port);
		printf("%s%u", i ? "," : "", port_of(c, 0));
		memset(buf, 'c', 100);
		xwrite(c, buf, 100);
		xread(c, buf, 200);
		sleep_ms(hold_ms);
		close(c);
	}
	reap(srv);
	/* the run's own length bounds every connection's: under an emulator
	 * the guest stalls for seconds, a fixed slack over the hold is not
	 * enough */
	printf("],\"elapsed_ns\":%llu}\n", (unsigned long long)(now_ns() - t0));
	return 0;
}

static int refused(const char *addr)
{
	/* a port bound but not listening: nobody else takes it meanwhile,
	 * and a SYN to it is answered with a reset */
	int hold = bound(addr, 0, 0), c = bound(addr, 0, 0);
	unsigned port = port_of(hold, 0), cport = port_of(c, 0);
	struct sockaddr_storage ss;
	socklen_t l = addr_of(addr, port, &ss);

	if (connect(c, (struct sockaddr *)&ss, l) == 0 || errno != ECONNREFUSED)
		die("connect should have been refused");
	printf("{\"pid\":%d,\"port\":%u,\"client_port\":%u}\n", (int)getpid(), port, cport);
	close(c);
	close(hold);
	return 0;
}

static int abort_conn(const char *addr)
{
	char buf[16];
	int lfd = bound(addr, 0, 16), c;
	unsigned port = port_of(lfd, 0);
	pid_t srv = fork();

	if (srv < 0)
		die("fork");
	if (srv == 0) {
		struct linger lg = { 1, 0 };
		int s = accept(lfd, NULL, NULL);
		if (s < 0)
			die("accept");
		xread(s, buf, 10);
		setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(s);	/* a reset, no FIN */
		_exit(0);
	}
	close(lfd);
	c = connect_to(addr, port);
	printf("{\"client_pid\":%d,\"server_pid\":%d,\"port\":%u,\"client_port\":%u}\n",
	       (int)getpid(), (int)srv, port, port_of(c, 0));
	memset(buf, 'a', 10);
	xwrite(c, buf, 10);
	if (read(c, buf, sizeof(buf)) >= 0 || errno != ECONNRESET)
		die("the server's reset did not arrive");
	close(c);
	reap(srv);
	return 0;
}

static int sink(const char *addr, unsigned port)
{
	int lfd = bound(addr, port, 16), c = accept(lfd, NULL, NULL);

	if (c < 0)
		die("accept");
	printf("{\"pid\":%d,\"received\":%zu}\n", (int)getpid(), drain(c));
	close(c);
	close(lfd);
	return 0;
}

static int bulk(const char *addr, unsigned port, size_t bytes)
{
	static char buf[65536];
	struct sockaddr_storage ss;
	socklen_t l = addr_of(addr, port, &ss);
	int c = -1;

	/* the sink may not be listening yet */
	for (int i = 0; i < 100; i++) {
		c = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c < 0)
			die("socket");
		if (connect(c, (struct sockaddr *)&ss, l) == 0)
			break;
		if (errno != ECONNREFUSED)
			die("connect");
		close(c);
		c = -1;
		sleep_ms(50);
	}
	if (c < 0)
		die("connect: nobody listening");
	memset(buf, 'b', sizeof(buf));
	for (size_t left = bytes; left;) {
		size_t n = left < sizeof(buf) ? left : sizeof(buf);
		xwrite(c, buf, n);
		left -= n;
	}
	shutdown(c, SHUT_WR);
	drain(c);	/* the sink's close: everything arrived */
	printf("{\"pid\":%d,\"lport\":%u,\"sent\":%zu}\n", (int)getpid(), port_of(c, 0), bytes);
	close(c);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc == 5 && !strcmp(argv[1], "life"))
		return life(argv[2], atoi(argv[3]), (unsigned)atoi(argv[4]));
	if (argc == 3 && !strcmp(argv[1], "refused"))
		return refused(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "abort"))
		return abort_conn(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "sink"))
		return sink(argv[2], (unsigned)atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "bulk"))
		return bulk(argv[2], (unsigned)atoi(argv[3]), (size_t)strtoull(argv[4], NULL, 10));
	fprintf(stderr, "usage: rtt_tcp life|refused|abort|sink|bulk ...\n");
	return 2;
}
