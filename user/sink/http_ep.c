/* One collector endpoint (host:port): a non-blocking TCP connection kept
 * alive across requests, one request at a time. Resolve (names only), try
 * each address, write the request, parse the response; every step runs
 * from the event loop and the whole exchange is bounded by the request
 * timeout. Outcomes go to sink_request_done(), which owns the policy. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <unistd.h>

#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/loop.h"
#include "rawtel/stage.h"
#include "sink_int.h"

static void on_fd(struct loop *l, int fd, uint32_t events, void *arg);
static void start(struct sink_ep *ep);

int sink_http_ep_init(struct sink_ep *ep, struct sink *s, const struct sink_target *t)
{
	memset(ep, 0, sizeof(*ep));
	ep->s = s;
	ep->fd = -1;
	fmt_snprintf(ep->host, sizeof(ep->host), "%s", t->host);
	fmt_snprintf(ep->hostport, sizeof(ep->hostport), "%s", t->hostport);
	ep->port = t->port;
	sink_http_resp_init(&ep->resp);
	ep->naddrs = ep->numeric = sink_addr_parse(t->host, t->port, &ep->addrs[0], &ep->lens[0]);
	return 0;
}

/* Watch the connection for events: an epoll_ctl only when they change
 * (the request written at once and the response read, the usual case,
 * leave it watched for input: two system calls an export saved). */
static void ep_watch(struct sink_ep *ep, uint32_t events)
{
	if (ep->events != events && !loop_mod_fd(ep->s->loop, ep->fd, events))
		ep->events = events;
}

static void close_conn(struct sink_ep *ep)
{
	if (ep->fd >= 0) {
		loop_del_fd(ep->s->loop, ep->fd);
		close(ep->fd);
		ep->fd = -1;
	}
	ep->reused = 0;
}

static void stop_resolving(struct sink_ep *ep)
{
	if (ep->res) {
		sink_resolve_abandon(ep->res);
		ep->res = NULL;
	}
}

static void cancel_timer(struct sink_ep *ep, int *id)
{
	if (*id > 0)
		loop_timer_cancel(ep->s->loop, *id);
	*id = 0;
}

void sink_http_ep_abort(struct sink_ep *ep)
{
	stop_resolving(ep);
	close_conn(ep);
	cancel_timer(ep, &ep->timeout_timer);
	cancel_timer(ep, &ep->retry_timer);
	sink_http_resp_free(&ep->resp);
	ep->state = EP_IDLE;
}

void sink_http_ep_free(struct sink_ep *ep)
{
	sink_http_ep_abort(ep);
	free(ep->req);
	ep->req = NULL;
}

/* The exchange ended: report it; the sink decides what comes next. */
static void finish(struct sink_ep *ep, int result)
{
	cancel_timer(ep, &ep->timeout_timer);
	stop_resolving(ep);
	if (result < 0)
		close_conn(ep);
	ep->state = EP_IDLE;
	sink_request_done(ep, result);
}

/* A failure before any response byte on a connection that carried an
 * earlier request is most likely the server closing an idle keep-alive
 * connection as we reused it: retry once at once on a fresh connection. */
static void fail(struct sink_ep *ep, int err)
{
	if (ep->reused && !ep->resp.got && !ep->stale_retried) {
		ep->stale_retried = 1;
		ep->s->st[ep->sig].retried++;
		close_conn(ep);
		start(ep);
		return;
	}
	finish(ep, err);
}

static void on_timeout(struct loop *l, void *arg)
{
	struct sink_ep *ep = arg;

	(void)l;
	ep->timeout_timer = 0;
	ep->stale_retried = 1;	/* a slow server is not a stale connection */
	err_set(ETIMEDOUT, "no complete answer from %s within %u ms", ep->hostport,
		ep->s->tgt[ep->sig].timeout_ms);
	finish(ep, -ETIMEDOUT);
}

static void try_send(struct sink_ep *ep)
{
	size_t total = ep->head_len + ep->req->len;

	while (ep->sent < total) {
		struct iovec iov[2];
		struct msghdr mh;
		int n = 0;

		if (ep->sent < ep->head_len) {
			iov[n].iov_base = ep->head + ep->sent;
			iov[n++].iov_len = ep->head_len - ep->sent;
			iov[n].iov_base = ep->req->body;
			iov[n++].iov_len = ep->req->len;
		} else {
			iov[n].iov_base = ep->req->body + (ep->sent - ep->head_len);
			iov[n++].iov_len = total - ep->sent;
		}
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = (size_t)n;
		ssize_t w = sendmsg(ep->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			ep_watch(ep, EPOLLOUT);
			return;
		}
		if (w < 0) {
			int e = errno;

			err_set(e, "sending to %s: %s", ep->hostport, strerror(e));
			fail(ep, -e);
			return;
		}
		ep->sent += (size_t)w;
	}
	ep->s->st[ep->sig].sent++;
	ep->s->st[ep->sig].bytes_sent += ep->req->len;
	ep->state = EP_RECEIVING;
	ep_watch(ep, EPOLLIN | EPOLLRDHUP);
}

static void send_request(struct sink_ep *ep)
{
	static const char *const ctype[] = { "application/x-protobuf", "application/json" };
	const struct sink_target *t = &ep->s->tgt[ep->sig];
	char extra[SINK_HDRS_MAX + 32];
	int n;

	/* the request's own encoding: a spooled one keeps what it was made with */
	fmt_snprintf(extra, sizeof(extra), "%s%s", ep->req->enc == SINK_COMP_GZIP ?
		 "Content-Encoding: gzip\r\n" : "", t->headers);
	n = sink_http_req_head(ep->head, sizeof(ep->head), t->path, t->hostport,
			       ctype[ep->req->proto == SINK_PROTO_JSON], ep->req->len, extra);

	if (n < 0) {	/* cannot happen with the config's size limits */
		err_set(E2BIG, "request head for %s too long", t->hostport);
		finish(ep, -E2BIG);
		return;
	}
	ep->head_len = (size_t)n;
	ep->sent = 0;
	sink_http_resp_free(&ep->resp);
	ep->state = EP_SENDING;
	try_send(ep);
}

/* Remember the local end of a connection just started (the port is bound
 * by connect(), even before it completes). */
static void remember_local(struct sink *s, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	uint8_t *a = s->own[s->own_next % SINK_OWN_MAX].addr;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;

		memset(a, 0, 10);
		a[10] = a[11] = 0xff;
		memcpy(a + 12, &in->sin_addr, 4);
		s->own[s->own_next % SINK_OWN_MAX].port = ntohs(in->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

		memcpy(a, &in6->sin6_addr, 16);
		s->own[s->own_next % SINK_OWN_MAX].port = ntohs(in6->sin6_port);
	} else {
		return;
	}
	s->own_next++;
}

int sink_own_endpoint(const struct sink *s, const uint8_t addr[16], uint16_t port)
{
	unsigned n = s->own_next < SINK_OWN_MAX ? s->own_next : SINK_OWN_MAX;

	for (unsigned i = 0; i < n; i++)
		if (s->own[i].port == port && !memcmp(s->own[i].addr, addr, 16))
			return 1;
	return 0;
}

/* Start a non-blocking connect to the next address; on immediate failure
 * move on to the one after. */
static void connect_next(struct sink_ep *ep)
{
	int last_err = ECONNREFUSED;

	while (ep->next_addr < ep->naddrs) {
		int i = ep->next_addr++, one = 1;
		int fd = socket(ep->addrs[i].ss_family,
				SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);

		if (fd < 0) {
			last_err = errno;
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, (struct sockaddr *)&ep->addrs[i], ep->lens[i]) < 0 &&
		    errno != EINPROGRESS) {
			last_err = errno;
			close(fd);
			continue;
		}
		if (loop_add_fd(ep->s->loop, fd, EPOLLOUT, on_fd, ep) < 0) {
			last_err = ENOMEM;
			close(fd);
			continue;
		}
		remember_local(ep->s, fd);
		ep->fd = fd;
		ep->events = EPOLLOUT;
		ep->state = EP_CONNECTING;
		return;
	}
	err_set(last_err, "cannot connect to %s: %s", ep->hostport, strerror(last_err));
	finish(ep, -last_err);
}

static void on_resolved(struct loop *l, void *arg)
{
	struct sink_ep *ep = arg;
	int n = 0;

	(void)l;
	int ret = sink_resolve_finish(ep->res, ep->addrs, ep->lens, EP_MAX_ADDRS, &n);

	ep->res = NULL;
	if (ret) {
		finish(ep, ret);
		return;
	}
	ep->naddrs = n;
	ep->next_addr = 0;
	connect_next(ep);
}

/* Begin (or begin again) delivering ep->req. */
static void start(struct sink_ep *ep)
{
	sink_http_resp_free(&ep->resp);
	if (!ep->timeout_timer) {
		int id = loop_timer_add(ep->s->loop, ep->s->tgt[ep->sig].timeout_ms, 0,
					on_timeout, ep);

		if (id < 0) {
			finish(ep, id);
			return;
		}
		ep->timeout_timer = id;
	}
	if (ep->fd >= 0) {
		send_request(ep);
		return;
	}
	ep->next_addr = 0;
	if (ep->numeric) {
		connect_next(ep);
		return;
	}
	int ret = sink_resolve_start(ep->s->loop, ep->host, ep->port, on_resolved, ep, &ep->res);

	if (ret) {
		finish(ep, ret);
		return;
	}
	ep->state = EP_RESOLVING;
}

/* Called with every request queued. The loop reads the collector's
 * answers only between ring drains, and a drain can be long (a ring's
 * worth, tens of thousands of spans, after rawtel was kept from the CPU):
 * one answer per drain let the queue overflow while the collector kept
 * up. So the exchange in progress is moved on here too: the rest of the
 * request written, the answer taken if it came (a recv each, per request
 * queued), and then the next request started (sink_request_done kicks). */
void sink_http_ep_kick(struct sink_ep *ep)
{
	if (ep->state != EP_IDLE) {
		/* sending or receiving: on a connection (fd) */
		if (ep->state == EP_SENDING || ep->state == EP_RECEIVING)
			on_fd(ep->s->loop, ep->fd, EPOLLIN | EPOLLOUT, ep);
		return;
	}
	if (ep->req)
		return;
	if (!sink_next_request(ep))
		return;
	ep->stale_retried = 0;
	start(ep);
}

static void on_retry(struct loop *l, void *arg)
{
	struct sink_ep *ep = arg;

	(void)l;
	ep->retry_timer = 0;
	ep->state = EP_IDLE;
	if (!ep->req || !sink_request_valid(ep)) {
		sink_http_ep_kick(ep);
		return;
	}
	ep->stale_retried = 0;
	start(ep);
}

void sink_http_ep_backoff(struct sink_ep *ep, uint64_t ms)
{
	int id = loop_timer_add(ep->s->loop, ms, 0, on_retry, ep);

	ep->state = EP_BACKOFF;
	if (id < 0) {	/* no timer slot: retry at once rather than stall */
		on_retry(ep->s->loop, ep);
		return;
	}
	ep->retry_timer = id;
}

void sink_http_ep_hurry(struct sink_ep *ep)
{
	if (ep->state == EP_BACKOFF) {
		cancel_timer(ep, &ep->retry_timer);
		on_retry(ep->s->loop, ep);
	}
}

static void on_connected(struct sink_ep *ep)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(ep->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		close_conn(ep);
		if (ep->next_addr < ep->naddrs) {
			connect_next(ep);
			return;
		}
		err_set(err, "cannot connect to %s: %s", ep->hostport, strerror(err));
		finish(ep, -err);
		return;
	}
	ep->s->connections++;
	send_request(ep);
}

static void on_readable(struct sink_ep *ep)
{
	uint8_t buf[16384];

	for (;;) {
		ssize_t n = recv(ep->fd, buf, sizeof(buf), MSG_DONTWAIT);
		size_t used;
		int ret;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			int e = errno;

			err_set(e, "receiving from %s: %s", ep->hostport, strerror(e));
			fail(ep, -e);
			return;
		}
		if (n == 0) {
			ret = sink_http_resp_eof(&ep->resp);
			if (ret < 0) {
				fail(ep, ret);
				return;
			}
			close_conn(ep);
			finish(ep, ep->resp.status);
			return;
		}
		ret = sink_http_resp_feed(&ep->resp, buf, (size_t)n, &used);
		if (ret < 0) {
			err_wrap(ret, "from %s", ep->hostport);
			finish(ep, ret);
			return;
		}
		if (ret == 1) {
			/* bytes past the response: a server we cannot trust to
			 * frame the next one either */
			if (used < (size_t)n || !ep->resp.keep_alive)
				close_conn(ep);
			else
				ep->reused = 1;
			if (ep->fd >= 0)
				ep_watch(ep, EPOLLIN | EPOLLRDHUP);
			finish(ep, ep->resp.status);
			return;
		}
	}
}

/* An idle kept-alive connection became readable: the server closed it
 * (or sent something unasked); either way it is done. */
static void on_idle_readable(struct sink_ep *ep)
{
	close_conn(ep);
}

static void on_fd(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct sink_ep *ep = arg;

	(void)l;
	(void)fd;
	stage_enter(STAGE_EXPORT);
	switch (ep->state) {
	case EP_CONNECTING:
		on_connected(ep);
		break;
	case EP_SENDING:
		if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLOUT)) {
			err_set(ECONNRESET, "connection to %s dropped while sending", ep->hostport);
			fail(ep, -ECONNRESET);
		} else {
			try_send(ep);
		}
		break;
	case EP_RECEIVING:
		on_readable(ep);
		break;
	default:
		on_idle_readable(ep);
		break;
	}
	stage_leave();
}
