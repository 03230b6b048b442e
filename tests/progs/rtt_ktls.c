/* HTTP/1.1 over kernel TLS for the http probe's test of kTLS sockets
 * (tests/qemu/init, on a kernel with CONFIG_TLS): a server (a child
 * process) and a client (this process) on loopback key each connection
 * themselves, with no TLS library and no handshake: TCP_ULP "tls", then
 * TLS_TX and TLS_RX with fixed test keys (TLS 1.2, AES-GCM-128; each end's
 * TX key is the other's RX key, so each kernel decrypts what the other
 * sent). Every byte on the wire is then a TLS record, and every write(),
 * read() and sendfile() moves plaintext. Each connection ends with a
 * close_notify alert sent and received through sendmsg/recvmsg with the
 * record type in a control message, as OpenSSL does over kTLS: bytes that
 * are no HTTP. Prints what it did as
 * `rtt_http run` does, for tests/integ/check_http.py run.
 *   rtt_ktls ADDR [DIR]  ADDR an IPv4 or IPv6 literal; with DIR, every
 *                        connection is made and keyed first, then DIR/keyed
 *                        written, and the exchanges wait for DIR/go (60 s
 *                        at most): a tracer started in between finds kTLS
 *                        sockets keyed before it started
 * Exits 3 when the kernel has no TLS (setsockopt TCP_ULP fails). */
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <sys/sendfile.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG "rtt_ktls"
#include "prog_net.h"

/* the kernel's TLS ABI (linux/tls.h; musl ships no kernel headers) */
#ifndef TCP_ULP
#define TCP_ULP 31
#endif
#define KT_SOL_TLS 282
#define KT_TLS_TX 1
#define KT_TLS_RX 2
#define KT_SET_RECORD_TYPE 1
#define KT_ALERT 21
#define KT_TLS_1_2 0x0303
#define KT_AES_GCM_128 51
struct kt_gcm128 {
	uint16_t version, cipher;
	uint8_t iv[8], key[16], salt[4], rec_seq[8];
};

#define BODY 13
#define FILE_BYTES 3000
#define TP "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

/* the connections: one keep-alive with two exchanges through write() and
 * read(), one whose response body goes through sendfile() */
static const struct { const char *name; int nreq, sendfile; } script[] = {
	{ "kt", 2, 0 }, { "kf", 1, 1 },
};
#define N_CONNS (sizeof(script) / sizeof(script[0]))

static void key_dir(int fd, int opt, const char *key)
{
	struct kt_gcm128 ci = { .version = KT_TLS_1_2, .cipher = KT_AES_GCM_128 };

	memcpy(ci.iv, "rtt-iv-8", 8);
	memcpy(ci.key, key, 16);
	memcpy(ci.salt, "salt", 4);
	if (setsockopt(fd, KT_SOL_TLS, opt, &ci, sizeof(ci)))
		die(opt == KT_TLS_TX ? "setsockopt TLS_TX" : "setsockopt TLS_RX");
}

/* kernel TLS both ways: the client sends with key A, the server with B */
static void ktls(int fd, int server)
{
	if (setsockopt(fd, IPPROTO_TCP, TCP_ULP, "tls", 4)) {
		fprintf(stderr, PROG ": setsockopt TCP_ULP tls: %s (no kernel TLS)\n", strerror(errno));
		exit(3);
	}
	key_dir(fd, KT_TLS_TX, server ? "rawtel-ktls-key-" : "rawtel-ktls-keyA");
	key_dir(fd, KT_TLS_RX, server ? "rawtel-ktls-keyA" : "rawtel-ktls-key-");
}

static void send_all(int fd, const char *b, size_t n)
{
	for (ssize_t w; n; b += w, n -= (size_t)w)
		if ((w = write(fd, b, n)) <= 0)
			die("write");
}

static void recv_exact(int fd, char *b, size_t n)
{
	for (ssize_t r; n; b += r, n -= (size_t)r)
		if ((r = read(fd, b, n)) <= 0)
			die(r ? "read" : "read: early end");
}

/* a close_notify alert, its record type in a control message */
static void send_alert(int fd)
{
	char alert[2] = { 1, 0 }, ctl[CMSG_SPACE(1)];
	struct iovec v = { alert, sizeof(alert) };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = KT_SOL_TLS;
	c->cmsg_type = KT_SET_RECORD_TYPE;
	c->cmsg_len = CMSG_LEN(1);
	*CMSG_DATA(c) = KT_ALERT;
	if (sendmsg(fd, &m, 0) != (ssize_t)sizeof(alert))
		die("sendmsg alert");
}

static void recv_alert(int fd)
{
	char alert[8], ctl[CMSG_SPACE(1)];
	struct iovec v = { alert, sizeof(alert) };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;

	if (recvmsg(fd, &m, 0) != 2 || !(c = CMSG_FIRSTHDR(&m)) || *CMSG_DATA(c) != KT_ALERT)
		fprintf(stderr, PROG ": no close_notify alert\n"), exit(1);
}

/* request k of connection c: a GET, or a POST with a body on odd k */
static size_t request(size_t c, int k, char *out, size_t cap)
{
	if (k % 2 == 0)
		return (size_t)snprintf(out, cap, "GET /%s/%d?token=secret HTTP/1.1\r\nHost: test\r\n"
					"User-Agent: rtt_ktls\r\ntraceparent: " TP "\r\n\r\n",
					script[c].name, k);
	return (size_t)snprintf(out, cap, "POST /%s/%d HTTP/1.1\r\nHost: test\r\nUser-Agent: rtt_ktls\r\n"
				"Content-Length: 11\r\n\r\nhello=world", script[c].name, k);
}

/* its response's head; *body bytes follow */
static size_t response(size_t c, int k, char *out, size_t cap, size_t *body)
{
	*body = script[c].sendfile ? FILE_BYTES : BODY;
	return (size_t)snprintf(out, cap, "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n\r\n",
				k % 2 ? 201 : 200, k % 2 ? "Created" : "OK", *body);
}

/* a connection accepted, keyed, told ready (a pipe: no byte on the
 * socket that is not HTTP) */
static int accept_keyed(int lfd, int ready)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	int fd = accept(lfd, (struct sockaddr *)&ss, &l);

	if (fd < 0)
		die("accept");
	ktls(fd, 1);
	if (write(ready, "k", 1) != 1)
		die("write ready");
	return fd;
}

/* the server: each connection accepted and keyed (all of them first when
 * the client says go through `go`), then its requests answered */
static void serve(int lfd, int filefd, int ready, int go)
{
	char want[512], got[512], head[128], body[BODY], g;
	int fds[N_CONNS];

	memset(body, 'b', sizeof(body));
	for (size_t c = 0; c < N_CONNS; c++)
		fds[c] = go >= 0 ? accept_keyed(lfd, ready) : -1;
	if (go >= 0 && read(go, &g, 1) != 1)
		die("read go");
	for (size_t c = 0; c < N_CONNS; c++) {
		int fd = fds[c] >= 0 ? fds[c] : accept_keyed(lfd, ready);

		for (int k = 0; k < script[c].nreq; k++) {
			size_t rl = request(c, k, want, sizeof(want)), n;
			size_t hl = response(c, k, head, sizeof(head), &n);
			off_t off = 0;

			recv_exact(fd, got, rl);
			if (memcmp(got, want, rl))
				fprintf(stderr, PROG ": unexpected request %s/%d\n", script[c].name, k), exit(1);
			send_all(fd, head, hl);
			if (!script[c].sendfile)
				send_all(fd, body, n);
			else if (sendfile(fd, filefd, &off, n) != (ssize_t)n)
				die("sendfile");
		}
		send_alert(fd);
		close(fd);
	}
	/* a second before ending: a server gone at once may be gone before
	 * rawtel reads its listener's address from /proc (the listener is
	 * its parent's: the kernel side saw no bind of this process) */
	sleep(1);
}

static int connect_to(const char *addr, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t l = addr_of(addr, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, l))
		die("connect");
	return fd;
}

static int connect_keyed(const char *addr, unsigned port, int ready)
{
	int fd = connect_to(addr, port);
	char ok;

	ktls(fd, 0);
	if (read(ready, &ok, 1) != 1)
		die("read ready");
	return fd;
}

/* DIR/keyed written, DIR/go waited for (60 s at most), the server told */
static void wait_go(const char *dir, int go)
{
	char path[256];
	int fd, i;

	snprintf(path, sizeof(path), "%s/keyed", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 || write(fd, "keyed\n", 6) != 6)
		die("write DIR/keyed");
	close(fd);
	snprintf(path, sizeof(path), "%s/go", dir);
	for (i = 0; i < 600 && access(path, F_OK); i++)
		usleep(100000);
	if (i == 600)
		fprintf(stderr, PROG ": no %s in 60 s\n", path), exit(1);
	if (write(go, "g", 1) != 1)
		die("write go");
}

/* the client's side of connection c (fd), its exchanges printed */
static void one_conn(int fd, size_t c, int *first)
{
	char req[512], head[128], in[FILE_BYTES + 128];

	for (int k = 0; k < script[c].nreq; k++) {
		size_t rl = request(c, k, req, sizeof(req)), body;
		size_t hl = response(c, k, head, sizeof(head), &body);

		send_all(fd, req, rl);
		recv_exact(fd, in, hl + body);
		if (memcmp(in, head, hl))
			fprintf(stderr, PROG ": unexpected response to %s/%d\n", script[c].name, k), exit(1);
		printf("%s{\"conn\":\"%s\",\"method\":\"%s\",\"path\":\"/%s/%d\",\"status\":%d,"
		       "\"req_bytes\":%zu,\"resp_bytes\":%zu,\"client_port\":%u}", *first ? "" : ",",
		       script[c].name, k % 2 ? "POST" : "GET", script[c].name, k, k % 2 ? 201 : 200,
		       rl, hl + body, port_of(fd, 0));
		*first = 0;
	}
	recv_alert(fd);
	close(fd);
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/rtt_ktls.XXXXXX", file[FILE_BYTES];
	int lfd, tmpfd, pipefd[2], gofd[2] = { -1, -1 }, first = 1, st, fds[N_CONNS];
	unsigned port;
	pid_t srv;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: rtt_ktls ADDR [DIR]\n");
		return 2;
	}
	lfd = bound(argv[1], 0, 8);
	port = port_of(lfd, 0);
	if ((tmpfd = mkstemp(tmpl)) < 0 || pipe(pipefd) || (argc == 3 && pipe(gofd)))
		die("mkstemp");
	unlink(tmpl);
	memset(file, 'f', sizeof(file));
	if (write(tmpfd, file, sizeof(file)) != (ssize_t)sizeof(file))
		die("write file");
	if ((srv = fork()) < 0)
		die("fork");
	if (!srv) {
		close(pipefd[0]);
		if (gofd[1] >= 0)
			close(gofd[1]);
		serve(lfd, tmpfd, pipefd[1], gofd[0]);
		_exit(0);
	}
	/* a server that fails ends the pipe: the client's wait ends too */
	close(pipefd[1]);
	close(lfd);
	if (gofd[0] >= 0)
		close(gofd[0]);
	printf("{\"client_pid\":%d,\"server_pid\":%d,\"port\":%u,\"comm\":\"rtt_ktls\",\"tls\":true,"
	       "\"exchanges\":[", (int)getpid(), (int)srv, port);
	for (size_t c = 0; c < N_CONNS; c++)
		fds[c] = argc == 3 ? connect_keyed(argv[1], port, pipefd[0]) : -1;
	if (argc == 3)
		wait_go(argv[2], gofd[1]);
	for (size_t c = 0; c < N_CONNS; c++)
		one_conn(fds[c] >= 0 ? fds[c] : connect_keyed(argv[1], port, pipefd[0]), c, &first);
	printf("]}\n");
	if (waitpid(srv, &st, 0) != srv || !WIFEXITED(st) || WEXITSTATUS(st))
		fprintf(stderr, PROG ": server failed\n"), exit(1);
	return 0;
}
