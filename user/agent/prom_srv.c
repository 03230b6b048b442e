/* rawtel run --prometheus: GET /metrics served from the agent's loop.
 *
 * Every socket is non-blocking and every resource bounded: PROM_CLIENTS
 * connections at once (one more is accepted and closed at once), a request
 * head of at most PROM_REQ_MAX bytes, PROM_CLIENT_MS for a client to send
 * its request and read the answer (then it is dropped), one request per
 * connection (Connection: close). A scrape observes rawtel's own counters,
 * collects the aggregator into the metrics batch (cumulative: collecting
 * does not disturb the OTLP export), renders it (prom.h) into the
 * client's buffer and empties the batch again. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "agent_int.h"
#include "rawtel/fmt.h"
#include "rawtel/err.h"
#include "rawtel/opt.h"
#include "rawtel/prom.h"

#define PROM_CLIENTS 4
#define PROM_REQ_MAX 4096
#define PROM_CLIENT_MS 10000
#define PROM_BODY_MAX (64u << 20)

struct prom_client {
	int fd;				/* -1: free */
	uint64_t since_ms;
	size_t in_len, sent;
	char hdr[256];
	size_t hdr_len, body_len;	/* body_len: what is sent of body */
	struct otlp_buf body;
	char in[PROM_REQ_MAX];
};

struct prom_srv {
	struct agent *a;
	int lfd;
	struct prom_client c[PROM_CLIENTS];
};

int agent_prom_addr(struct agent_opts *o, const char *v)
{
	const char *colon = strrchr(v, ':'), *port = colon ? colon + 1 : v;
	char host[64];
	unsigned long p;
	size_t hn = colon ? (size_t)(colon - v) : 0;

	if (!opt_uint(port, 1, 65535, &p) || hn >= sizeof(host))
		return err_set(EINVAL, "--prometheus %s: [ADDR:]PORT, e.g. 9464, 0.0.0.0:9464 or "
			       "[::1]:9464", v);
	memcpy(host, v, hn);
	host[hn] = 0;
	if (hn > 1 && host[0] == '[' && host[hn - 1] == ']') {
		memmove(host, host + 1, hn - 2);
		host[hn - 2] = 0;
	}
	memset(&o->prom, 0, sizeof(o->prom));
	o->prom.port = (uint16_t)p;
	o->prom.v6 = strchr(host, ':') != NULL;
	/* loopback unless an address is given: metrics say what runs here */
	if (fmt_pton(o->prom.v6 ? AF_INET6 : AF_INET, hn ? host : "127.0.0.1", o->prom.addr))
		return err_set(EINVAL, "--prometheus %s: '%s' is not an IPv4 or [IPv6] address", v,
			       host);
	return 0;
}

static int listen_on(const struct agent_opts *o)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(o->prom.port) };
	struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_port = htons(o->prom.port) };
	int one = 1, fd = socket(o->prom.v6 ? AF_INET6 : AF_INET,
				 SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	char a[64];

	memcpy(&s6.sin6_addr, o->prom.addr, 16);
	memcpy(&s4.sin_addr, o->prom.addr, 4);
	fmt_ntop(o->prom.v6 ? AF_INET6 : AF_INET, o->prom.addr, a, sizeof(a));
	if (fd >= 0 && !setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) &&
	    !(o->prom.v6 ? bind(fd, (struct sockaddr *)&s6, sizeof(s6))
			 : bind(fd, (struct sockaddr *)&s4, sizeof(s4))) &&
	    !listen(fd, 16)) {
		fmt_fprintf(stderr, "rawtel: Prometheus metrics on http://%s%s%s:%u/metrics\n",
			o->prom.v6 ? "[" : "", a, o->prom.v6 ? "]" : "", o->prom.port);
		return fd;
	}
	one = errno;
	if (fd >= 0)
		close(fd);
	return err_set(one, "--prometheus: cannot listen on %s%s%s:%u: %s", o->prom.v6 ? "[" : "",
		       a, o->prom.v6 ? "]" : "", o->prom.port, strerror(one));
}

static void client_close(struct prom_srv *s, struct prom_client *c)
{
	loop_del_fd(s->a->loop, c->fd);
	close(c->fd);
	c->fd = -1;
	otlp_buf_free(&c->body);
}

/* What a scrape answers: the metrics, or one line saying what is wrong. */
static void respond(struct prom_srv *s, struct prom_client *c, const struct prom_req *q)
{
	static const char *const why[] = { "bad request", "only /metrics is served",
					   "only GET and HEAD are served", "metrics unavailable" };
	int st = q->status, r = 0;
	const char *line = NULL;

	otlp_buf_init(&c->body, PROM_BODY_MAX);
	if (st == 200) {
		r = selfmet_snapshot(s->a);
		r = r < 0 ? r : prom_render(s->a->b[OTLP_METRICS], q->openmetrics, &c->body);
		otlp_batch_reset(s->a->b[OTLP_METRICS]);
		if (r)
			st = 500;
	}
	if (st != 200) {
		line = why[st == 400 ? 0 : st == 404 ? 1 : st == 405 ? 2 : 3];
		c->body.len = 0;
		if (!otlp_buf_grow(&c->body, 128))
			c->body.len = (size_t)fmt_snprintf((char *)c->body.p, 128, "%s\n", line);
	}
	c->hdr_len = (size_t)fmt_snprintf(c->hdr, sizeof(c->hdr),
				      "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
				      "%sConnection: close\r\n\r\n", st, line ? line : "OK",
				      line ? "text/plain; charset=utf-8" : prom_content_type(q->openmetrics),
				      c->body.len, st == 405 ? "Allow: GET, HEAD\r\n" : "");
	c->body_len = q->head ? 0 : c->body.len;
	c->sent = 0;
}

/* Send what the socket takes; 1 when all is sent. */
static int client_write(struct prom_client *c)
{
	for (;;) {
		size_t h = c->sent < c->hdr_len ? c->hdr_len - c->sent : 0;
		size_t boff = c->sent > c->hdr_len ? c->sent - c->hdr_len : 0;
		struct iovec iv[2] = { { c->hdr + c->hdr_len - h, h },
				       { c->body.p + boff, c->body_len - boff } };
		ssize_t n;

		if (!h && boff == c->body_len)
			return 1;
		n = writev(c->fd, iv, 2);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->sent += (size_t)n;
	}
}

/* Read the request head; once it is whole (or too long), answer. */
static int client_read(struct prom_srv *s, struct prom_client *c)
{
	struct prom_req q;
	ssize_t n;

	while (c->in_len < sizeof(c->in)) {
		n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return -1;
		if (n < 0)
			break;
		c->in_len += (size_t)n;
	}
	if (!prom_req_parse(c->in, c->in_len, &q)) {
		if (c->in_len < sizeof(c->in))
			return 0;
		q = (struct prom_req){ .status = 400 };
	}
	respond(s, c, &q);
	return loop_mod_fd(s->a->loop, c->fd, EPOLLOUT) < 0 ? -1 : 1;
}

static void on_client(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct prom_srv *s = arg;
	struct prom_client *c = NULL;
	int r;

	(void)l;
	for (int i = 0; i < PROM_CLIENTS; i++)
		if (s->c[i].fd == fd)
			c = &s->c[i];
	if (!c)
		return;
	if (events & (EPOLLERR | EPOLLHUP))
		r = -1;
	else if (c->hdr_len)
		r = client_write(c);
	else
		r = (r = client_read(s, c)) == 1 ? client_write(c) : r == 0 ? 0 : -1;
	if (r)
		client_close(s, c);
}

static void on_accept(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct prom_srv *s = arg;

	(void)events;
	for (int k = 0; k < 16; k++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), i = 0;

		if (cfd < 0)
			return;
		while (i < PROM_CLIENTS && s->c[i].fd >= 0)
			i++;
		/* all slots taken: this one is closed, the scrape retries */
		if (i == PROM_CLIENTS || loop_add_fd(l, cfd, EPOLLIN, on_client, s) < 0) {
			close(cfd);
			continue;
		}
		memset(&s->c[i], 0, offsetof(struct prom_client, in));
		s->c[i].fd = cfd;
		s->c[i].since_ms = loop_now_ms();
	}
}

/* Slow clients are dropped: a scrape holds a slot PROM_CLIENT_MS at most. */
static void on_tick(struct loop *l, void *arg)
{
	struct prom_srv *s = arg;
	uint64_t now = loop_now_ms();

	(void)l;
	for (int i = 0; i < PROM_CLIENTS; i++)
		if (s->c[i].fd >= 0 && now - s->c[i].since_ms > PROM_CLIENT_MS)
			client_close(s, &s->c[i]);
}

int agent_prom_open(struct agent *a)
{
	struct prom_srv *s;
	int r;

	if (!a->o->prom.port)
		return 0;
	if (!(s = calloc(1, sizeof(*s))))
		return err_set(ENOMEM, "cannot allocate the Prometheus endpoint");
	s->a = a;
	for (int i = 0; i < PROM_CLIENTS; i++)
		s->c[i].fd = -1;
	a->prom = s;
	if ((s->lfd = listen_on(a->o)) < 0) {
		r = s->lfd;
		s->lfd = -1;
		return r;
	}
	if ((r = loop_add_fd(a->loop, s->lfd, EPOLLIN, on_accept, s)) < 0 ||
	    (r = loop_timer_add(a->loop, 1000, 1000, on_tick, s)) < 0)
		return r;
	return 0;
}

void agent_prom_close(struct agent *a)
{
	struct prom_srv *s = a->prom;

	if (!s)
		return;
	for (int i = 0; i < PROM_CLIENTS; i++)
		if (s->c[i].fd >= 0)
			client_close(s, &s->c[i]);
	if (s->lfd >= 0) {
		loop_del_fd(a->loop, s->lfd);
		close(s->lfd);
	}
	free(s);
	a->prom = NULL;
}
