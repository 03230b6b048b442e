/* HTTP/1.1 of known shape over loopback for the http probe's tests: a
 * server (a child process) and a client (this process) that go through a
 * script of connections, each with its own syscalls. Prints one JSON
 * object saying what it did: pids, port, and every exchange with its
 * method, path, status and the exact bytes of request and response.
 *   rtt_http run ADDR           the whole script (below)
 *   rtt_http seed ADDR FIFO     connect first, print "ready", wait for a
 *                               line on FIFO, then one exchange on it
 *   rtt_http prefork ADDR PORT N  the parent binds and listens on PORT,
 *                               a forked worker accepts N connections (the
 *                               parent never accepts: nginx's master and
 *                               worker); a forked client makes them
 * ADDR is an IPv4 or IPv6 literal. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG "rtt_http"
#include "prog_net.h"

enum { RW, RS, VEC, MSG };		/* syscalls a connection uses */
enum { R_CL, R_CHUNKED, R_BIG, R_SENDFILE };	/* response kinds */

struct conn_step {
	const char *name;
	int style, nreq, pipelined, resp, split, nonblock;
};

static const struct conn_step script[] = {
	{ "rw", RW, 1, 0, R_CL, 0, 0 },
	{ "rs", RS, 1, 0, R_CL, 0, 0 },
	{ "vec", VEC, 1, 0, R_CL, 0, 0 },
	{ "msg", MSG, 1, 0, R_CL, 0, 0 },
	{ "sendfile", RW, 1, 0, R_SENDFILE, 0, 0 },
	{ "keepalive", RS, 3, 0, R_CL, 0, 0 },
	{ "pipeline", RW, 3, 1, R_CL, 0, 0 },
	{ "chunked", RW, 1, 0, R_CHUNKED, 0, 0 },
	{ "big", RW, 1, 0, R_BIG, 0, 0 },
	{ "split", RW, 2, 0, R_CL, 1, 0 },
	{ "nonblock", RS, 1, 0, R_CL, 0, 1 },
};
#define N_STEPS (sizeof(script) / sizeof(script[0]))
#define BIG (2u << 20)
#define FILE_BYTES 10000

static int connect_to(const char *addr, unsigned port, int nonblock)
{
	struct sockaddr_storage ss;
	socklen_t l = addr_of(addr, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&ss, l)) {
		if (!nonblock || errno != EINPROGRESS)
			die("connect");
		if (poll(&p, 1, 5000) != 1)
			die("poll");
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	}
	return fd;
}

/* ---- moving bytes with a connection's syscalls --------------------------- */
static ssize_t io_send(int fd, int style, const char *b, size_t n)
{
	struct iovec v[3];
	struct msghdr m = { .msg_iov = v };
	size_t a = n / 3, c = n / 3;

	switch (style) {
	case RS:
		return send(fd, b, n, 0);
	case VEC:
	case MSG:
		/* three pieces: the walk over iovecs is what is tested */
		v[0] = (struct iovec){ (void *)b, a };
		v[1] = (struct iovec){ (void *)(b + a), c };
		v[2] = (struct iovec){ (void *)(b + a + c), n - a - c };
		m.msg_iovlen = 3;
		return style == VEC ? writev(fd, v, 3) : sendmsg(fd, &m, 0);
	default:
		return write(fd, b, n);
	}
}

static ssize_t io_recv(int fd, int style, char *b, size_t n)
{
	struct iovec v[2];
	struct msghdr m = { .msg_iov = v, .msg_iovlen = 2 };
	size_t a = n < 20 ? n / 2 : 20;

	switch (style) {
	case RS:
		return recv(fd, b, n, 0);
	case VEC:
	case MSG:
		v[0] = (struct iovec){ b, a };
		v[1] = (struct iovec){ b + a, n - a };
		return style == VEC ? readv(fd, v, 2) : recvmsg(fd, &m, 0);
	default:
		return read(fd, b, n);
	}
}

static void send_all(int fd, int style, const char *b, size_t n)
{
	while (n) {
		ssize_t w = io_send(fd, style, b, n);
		if (w <= 0)
			die("send");
		b += w;
		n -= (size_t)w;
	}
}

static void recv_exact(int fd, int style, char *b, size_t n)
{
	while (n) {
		ssize_t r = io_recv(fd, style, b, n);
		if (r <= 0)
			die("recv");
		b += r;
		n -= (size_t)r;
	}
}

/* ---- the messages ------------------------------------------------------ */
/* request k of step s: GET, or a POST with a body on odd k */
static size_t request(const struct conn_step *s, int k, char *out, size_t cap)
{
	if (k % 2 == 0)
		return (size_t)snprintf(out, cap, "GET /%s/%d?token=secret HTTP/1.1\r\nHost: test\r\n"
					"User-Agent: rtt_http\r\ntraceparent: 00-0af7651916cd43dd8448eb211c80319c-"
					"b7ad6b7169203331-01\r\n\r\n", s->name, k);
	return (size_t)snprintf(out, cap, "POST /%s/%d HTTP/1.1\r\nHost: test\r\nUser-Agent: rtt_http\r\n"
				"Content-Length: 11\r\n\r\nhello=world", s->name, k);
}

/* the response's head; the body follows (*body bytes) */
static size_t response(const struct conn_step *s, int k, char *out, size_t cap, size_t *body)
{
	int status = k % 2 ? 201 : 200;

	switch (s->resp) {
	case R_CHUNKED:
		*body = 0;
		return (size_t)snprintf(out, cap, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
					"5\r\nhello\r\n6\r\n world\r\n1\r\n!\r\n0\r\n\r\n");
	case R_BIG:
		*body = BIG;
		break;
	case R_SENDFILE:
		*body = FILE_BYTES;
		break;
	default:
		*body = 13;
	}
	return (size_t)snprintf(out, cap, "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n\r\n", status,
				status == 200 ? "OK" : "Created", *body);
}

/* ---- server: one connection per step, in the script's order -------------- */
static char big[BIG];

/* one request from buf (holding *have bytes), reading more as needed */
static size_t take_request(int fd, int style, char *buf, size_t *have, size_t cap)
{
	char *end;
	size_t head, clen = 0, n;

	for (;;) {
		buf[*have] = 0;
		if ((end = strstr(buf, "\r\n\r\n"))) {
			head = (size_t)(end - buf) + 4;
			char *cl = strstr(buf, "Content-Length: ");
			if (cl && cl < end)
				clen = strtoul(cl + 16, NULL, 10);
			if (*have >= head + clen)
				break;
		}
		ssize_t r = io_recv(fd, style, buf + *have, cap - 1 - *have);
		if (r <= 0)
			die("server recv");
		*have += (size_t)r;
	}
	n = head + clen;
	memmove(buf, buf + n, *have - n);
	*have -= n;
	return n;
}

static void serve(int lfd, int tmpfd)
{
	char buf[8192], out[8192];

	for (size_t i = 0; i < N_STEPS; i++) {
		const struct conn_step *s = &script[i];
		struct sockaddr_storage ss;
		socklen_t l = sizeof(ss);
		/* the first without a sockaddr: the peer is then unknown */
		int fd = accept4(lfd, i ? (struct sockaddr *)&ss : NULL, i ? &l : NULL, SOCK_CLOEXEC);
		size_t have = 0, total = 0, body;

		if (fd < 0)
			die("accept");
		/* pipelined: every request, then every response in one call */
		for (int k = 0; s->pipelined && k < s->nreq; k++)
			take_request(fd, s->style, buf, &have, sizeof(buf));
		for (int k = 0; k < s->nreq; k++) {
			if (!s->pipelined)
				take_request(fd, s->style, buf, &have, sizeof(buf));
			size_t h = response(s, k, out + total, sizeof(out) - total, &body);
			if (s->resp == R_CL)
				memcpy(out + total + h, "hello, world!", 13);
			total += h + (s->resp == R_CL ? 13 : 0);
			if (!s->pipelined || k == s->nreq - 1) {
				send_all(fd, s->style, out, total);
				total = 0;
			}
			if (s->resp == R_BIG)
				send_all(fd, s->style, big, BIG);
			if (s->resp == R_SENDFILE) {
				off_t off = 0;
				while (off < FILE_BYTES)
					if (sendfile(fd, tmpfd, &off, FILE_BYTES - (size_t)off) <= 0)
						die("sendfile");
			}
		}
		/* the client closes first */
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	/* a server lives on: rawtel finds its listener in /proc meanwhile */
	usleep(500000);
}

/* ---- client ---------------------------------------------------------------- */
static void one_step(const char *addr, unsigned port, const struct conn_step *s, int *first)
{
	char req[3][512], head[512];
	size_t rl[3], body;
	int fd = connect_to(addr, port, s->nonblock);
	static char in[BIG + 4096];

	for (int k = 0; k < s->nreq; k++)
		rl[k] = request(s, k, req[k], sizeof(req[k]));
	for (int k = 0; k < s->nreq; k++) {
		if (s->pipelined) {
			if (k == 0) {
				char all[1536];
				size_t n = 0;
				for (int j = 0; j < s->nreq; j++) {
					memcpy(all + n, req[j], rl[j]);
					n += rl[j];
				}
				send_all(fd, s->style, all, n);
			}
		} else if (s->split) {
			for (size_t o = 0; o < rl[k]; o += 7)
				send_all(fd, s->style, req[k] + o, rl[k] - o < 7 ? rl[k] - o : 7);
		} else {
			send_all(fd, s->style, req[k], rl[k]);
		}
		size_t hl = response(s, k, head, sizeof(head), &body);
		size_t want = hl + body;
		recv_exact(fd, s->style, in, want);
		if (memcmp(in, head, hl))
			fprintf(stderr, "rtt_http: unexpected response to %s/%d\n", s->name, k), exit(1);
		printf("%s{\"conn\":\"%s\",\"method\":\"%s\",\"path\":\"/%s/%d\",\"status\":%d,"
		       "\"req_bytes\":%zu,\"resp_bytes\":%zu,\"client_port\":%u}", *first ? "" : ",",
		       s->name, k % 2 ? "POST" : "GET", s->name, k,
		       s->resp == R_CHUNKED ? 200 : k % 2 ? 201 : 200, rl[k], want, port_of(fd, 0));
		*first = 0;
	}
	close(fd);
}

static int run(const char *addr)
{
	int lfd = bound(addr, 0, 64), first = 1, st;
	unsigned port = port_of(lfd, 0);
	char tmpl[] = "/tmp/rtt_http.XXXXXX";
	int tmpfd = mkstemp(tmpl);
	pid_t srv;

	if (tmpfd < 0)
		die("mkstemp");
	unlink(tmpl);
	memset(big, 'b', sizeof(big));
	if (write(tmpfd, big, FILE_BYTES) != FILE_BYTES)
		die("write file");
	if ((srv = fork()) < 0)
		die("fork");
	if (!srv) {
		serve(lfd, tmpfd);
		_exit(0);
	}
	close(lfd);
	printf("{\"client_pid\":%d,\"server_pid\":%d,\"port\":%u,\"exchanges\":[", (int)getpid(),
	       (int)srv, port);
	for (size_t i = 0; i < N_STEPS; i++)
		one_step(addr, port, &script[i], &first);
	printf("]}\n");
	if (waitpid(srv, &st, 0) != srv || !WIFEXITED(st) || WEXITSTATUS(st))
		fprintf(stderr, "rtt_http: server failed\n"), exit(1);
	return 0;
}

/* a connection made before the tracer starts, used after */
static int seed(const char *addr, const char *fifo)
{
	static const struct conn_step s = { "seeded", RW, 2, 0, R_CL, 0, 0 };
	int lfd = bound(addr, 0, 64), st;
	unsigned port = port_of(lfd, 0);
	pid_t srv = fork();
	char x[16], req[512], buf[4096], out[512];
	size_t rl, have = 0, body, hl;
	FILE *f;

	if (srv < 0)
		die("fork");
	if (!srv) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		/* as an event loop would: a read blocked since before the
		 * tracer started is a call it never saw begin */
		poll(&p, 1, -1);
		take_request(fd, RW, buf, &have, sizeof(buf));
		hl = response(&s, 0, out, sizeof(out), &body);
		memcpy(out + hl, "hello, world!", 13);
		send_all(fd, RW, out, hl + 13);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	int fd = connect_to(addr, port, 0);
	fprintf(stderr, "ready\n");
	if (!(f = fopen(fifo, "r")) || !fgets(x, sizeof(x), f))
		die("fifo");
	rl = request(&s, 0, req, sizeof(req));
	send_all(fd, RW, req, rl);
	hl = response(&s, 0, out, sizeof(out), &body);
	recv_exact(fd, RW, buf, hl + body);
	printf("{\"client_pid\":%d,\"server_pid\":%d,\"port\":%u,\"exchanges\":[{\"conn\":\"seeded\","
	       "\"method\":\"GET\",\"path\":\"/seeded/0\",\"status\":200,\"req_bytes\":%zu,"
	       "\"resp_bytes\":%zu,\"client_port\":%u}]}\n", (int)getpid(), (int)srv, port, rl,
	       hl + body, port_of(fd, 0));
	close(fd);
	waitpid(srv, &st, 0);
	return 0;
}

/* nginx's shape: the master binds, a worker accepts on the inherited fd */
static int prefork(const char *addr, unsigned port, int n)
{
	static const struct conn_step s = { "prefork", RW, 1, 0, R_CL, 0, 0 };
	int lfd, st, go[2];
	char buf[4096], out[512], req[512];
	size_t have = 0, body, hl, rl;
	pid_t w, c;

	/* the client first: not a child of the process that binds the port */
	if (pipe(go) || (c = fork()) < 0)
		die("fork");
	if (c == 0) {
		close(go[1]);
		if (read(go[0], buf, 1) != 1)
			_exit(1);
		for (int i = 0; i < n; i++) {
			int fd = connect_to(addr, port, 0);
			rl = request(&s, 0, req, sizeof(req));
			send_all(fd, RW, req, rl);
			hl = response(&s, 0, out, sizeof(out), &body);
			recv_exact(fd, RW, buf, hl + body);
			close(fd);
		}
		_exit(0);
	}
	close(go[0]);
	lfd = bound(addr, port, 64);
	if ((w = fork()) < 0)
		die("fork");
	if (!w) {
		for (int i = 0; i < n; i++) {
			struct sockaddr_storage ss;
			socklen_t l = sizeof(ss);
			int fd = accept(lfd, (struct sockaddr *)&ss, &l);
			have = 0;
			take_request(fd, RW, buf, &have, sizeof(buf));
			hl = response(&s, 0, out, sizeof(out), &body);
			memcpy(out + hl, "hello, world!", 13);
			send_all(fd, RW, out, hl + 13);
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
		}
		usleep(500000);
		_exit(0);
	}
	if (write(go[1], "g", 1) != 1)
		die("pipe");
	waitpid(c, &st, 0);
	waitpid(w, &st, 0);
	rl = request(&s, 0, req, sizeof(req));
	hl = response(&s, 0, out, sizeof(out), &body);
	printf("{\"master_pid\":%d,\"worker_pid\":%d,\"client_pid\":%d,\"port\":%u,\"n\":%d,"
	       "\"req_bytes\":%zu,\"resp_bytes\":%zu}\n", (int)getpid(), (int)w, (int)c, port, n, rl,
	       hl + body);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (argc == 3 && !strcmp(argv[1], "run"))
		return run(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "seed"))
		return seed(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "prefork"))
		return prefork(argv[2], (unsigned)atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: rtt_http run ADDR | seed ADDR FIFO | prefork ADDR PORT N\n");
	return 2;
}
