/* rawtel run's HTTP spans and metrics from synthetic sock and data
 * records: names, kinds, attributes, status, times, and what incomplete
 * exchanges become. (Trace context, sampling, options, reordering and
 * secrets: test_agent_http_ctx.c.) */
#include "agent_case.h"

#define S 1000000000ull
#define MS 1000000ull

static const char *req_get =
	"GET /users/123/orders?id=7&token=abc HTTP/1.1\r\nHost: example.com:8080\r\n"
	"User-Agent: curl/8.1\r\nAccept: */*\r\n\r\n";

/* An agent with the default options, on the ring buffer's path. */
static void th_begin(struct th *t)
{
	th_opts(&t->o);
	th_start(t, false);
}

/* A server exchange: the request read at `ts`, the response written
 * 1 ns later. */
static void serve(struct th *t, uint64_t conn, uint64_t ts, const char *req, const char *resp)
{
	RECV(t, conn, ts, req);
	SEND(t, conn, ts + 1, resp);
}

/* An attribute's value type (OTLP_V_*); -1 when the span has none. */
static int attr_type(const struct otlp_span *s, const char *k)
{
	for (uint32_t i = 0; i < s->n_attrs; i++) {
		const struct otlp_kv *kv = &s->attrs[i];

		if (kv->key.len == strlen(k) && !memcmp(kv->key.p, k, kv->key.len))
			return kv->v.type;
	}
	return -1;
}

/* The exchanges a duration histogram counted, over all its points. */
static uint64_t hist_total(struct th *t, const char *name)
{
	const struct otlp_metric *m;
	uint64_t total = 0;

	th_collect(t);
	m = th_metric(t, name);
	T_ASSERT(m);
	for (uint32_t i = 0; i < m->n_points; i++)
		total += m->hists[i].count;
	return total;
}

/* A 2 MB body after `head`, in 64 KB calls of which 300 bytes each are
 * captured: the parser sees the head and then only gaps and fill. */
static void feed_big(struct th *t, int dir, const char *head, char fill, uint64_t *ts)
{
	static char big[4096];
	size_t hl = strlen(head);
	uint64_t left = 2097152 + hl;

	memset(big, fill, sizeof(big));
	memcpy(big, head, hl);
	while (left) {
		size_t n = left > 65536 ? 65536 : (size_t)left;
		th_data_cap(t, PID, TID, 1, dir, *ts, *ts + 1, big, n, 300);
		*ts += 2;
		left -= n;
		memset(big, fill, hl);	/* later calls: body bytes */
	}
}

static void test_server_span(void)
{
	struct th t;
	const struct otlp_span *s;

	th_begin(&t);
	th_sock(&t, PID, TID, 1, SOCK_K_ACCEPT, 5 * S, 8080, 40000, 2);
	RECV(&t, 1, 5 * S + 1 * MS, req_get);
	SEND(&t, 1, 5 * S + 3 * MS, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
	s = th_span_is(&t, 1, 0, OTLP_KIND_SERVER, "GET /users/{id}/orders");
	TH_ATTRS(s,
		 "http.request.method", "GET",
		 "url.path", "/users/123/orders",
		 "url.scheme", "http",
		 "url.query", "id=REDACTED&token=REDACTED",
		 "http.route", "/users/{id}/orders",
		 "http.response.status_code", "200");
	T_EQ_INT(attr_type(s, "http.response.status_code"), OTLP_V_INT);
	TH_ATTRS(s,
		 "server.address", "example.com",
		 "server.port", "8080",
		 "client.address", "10.0.0.2",
		 "client.port", "40000",
		 "network.peer.address", "10.0.0.2",
		 "network.peer.port", "40000",
		 "network.protocol.version", "1.1",
		 "user_agent.original", "curl/8.1",
		 "http.response.body.size", "5",
		 "http.request.body.size", "0");
	TH_NO_ATTRS(s, "error.type", "rawtel.http.partial", "url.full");
	T_EQ_INT(s->status_code, OTLP_STATUS_UNSET);
	/* from the return of the read with the request to the return of the
	 * write with the response's end, on the wall clock */
	T_EQ_INT(s->start_ns, 6 * S + 1 * MS);
	T_EQ_INT(s->end_ns, 6 * S + 3 * MS);
	T_EQ_INT(s->flags, OTLP_FLAG_SAMPLED | OTLP_FLAG_HAS_IS_REMOTE);
	T_CHECK(!memcmp(s->parent_span_id, "\0\0\0\0\0\0\0\0", 8));
	T_EQ_INT(s->trace_state.len, 0);
	th_stop(&t);
}

static void test_server_errors(void)
{
	struct th t;
	const struct otlp_span *s;

	th_begin(&t);
	th_sock(&t, PID, TID, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
	serve(&t, 1, 2 * S, "GET /missing HTTP/1.1\r\nHost: h\r\n\r\n",
	      "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
	serve(&t, 1, 3 * S, "POST /api/items HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}",
	      "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
	serve(&t, 1, 4 * S, "FOO /x HTTP/1.0\r\n\r\n",
	      "HTTP/1.0 501 Not Implemented\r\nContent-Length: 0\r\n\r\n");
	/* 4xx: not an error for a server */
	s = th_span_is(&t, 3, 0, OTLP_KIND_SERVER, "GET /missing");
	T_EQ_INT(s->status_code, OTLP_STATUS_UNSET);
	TH_NO_ATTRS(s, "error.type");
	T_EQ_STR(SA(s, "server.address"), "h");
	T_EQ_STR(SA(s, "server.port"), "80");	/* no port in Host: the local one */
	s = th_span_is(&t, 3, 1, OTLP_KIND_SERVER, "POST /api/items");
	T_EQ_INT(s->status_code, OTLP_STATUS_ERROR);
	T_EQ_STR(SA(s, "error.type"), "500");
	T_EQ_INT(s->status_msg.len, 0);
	T_EQ_STR(SA(s, "http.request.body.size"), "2");
	/* unknown method: _OTHER, the original kept, "HTTP" in the name */
	s = th_span_is(&t, 3, 2, OTLP_KIND_SERVER, "HTTP /x");
	TH_ATTRS(s,
		 "http.request.method", "_OTHER",
		 "http.request.method_original", "FOO",
		 "network.protocol.version", "1.0",
		 "error.type", "501");
	TH_NO_ATTRS(s, "server.address");	/* no Host */
	th_stop(&t);
}

static void test_client_span(void)
{
	struct th t;
	const struct otlp_span *s;

	th_begin(&t);
	th_sock(&t, PID, TID, 9, SOCK_K_CONNECT, 1 * S, 51000, 8081, 9);
	/* the write starts at 2 s (entry) and returns later */
	th_data(&t, PID, TID, 9, DATA_DIR_SEND, 2 * S, 2 * S + 5 * MS,
		"GET /p/42?q=1 HTTP/1.1\r\nHost: api:8081\r\nUser-Agent: py\r\n\r\n");
	th_data(&t, PID, TID, 9, DATA_DIR_RECV, 2 * S + 6 * MS, 2 * S + 20 * MS,
		"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!");
	/* no Host: the peer from connect; a 503 */
	th_data(&t, PID, TID, 9, DATA_DIR_SEND, 3 * S, 3 * S + 1,
		"DELETE /x HTTP/1.1\r\n\r\n");
	th_data(&t, PID, TID, 9, DATA_DIR_RECV, 3 * S + 2, 3 * S + 3,
		"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n");
	s = th_span_is(&t, 2, 0, OTLP_KIND_CLIENT, "GET");
	TH_ATTRS(s,
		 "url.full", "http://api:8081/p/42?q=REDACTED",
		 "server.address", "api",
		 "server.port", "8081",
		 "network.peer.address", "10.0.0.9",
		 "network.peer.port", "8081",
		 "http.response.status_code", "404");
	T_EQ_STR(SA(s, "error.type"), "404");	/* 4xx: an error for a client */
	T_EQ_INT(s->status_code, OTLP_STATUS_ERROR);
	TH_NO_ATTRS(s, "http.route", "client.address", "url.path");
	/* from the entry of the write to the return of the read */
	T_EQ_INT(s->start_ns, 3 * S);
	T_EQ_INT(s->end_ns, 3 * S + 20 * MS);
	s = th_span_is(&t, 2, 1, OTLP_KIND_CLIENT, "DELETE");
	TH_ATTRS(s,
		 "url.full", "http://10.0.0.9:8081/x",
		 "server.address", "10.0.0.9",
		 "error.type", "503");
	/* the metric: by method, peer, status, error */
	th_collect(&t);
	const struct otlp_metric *m = th_metric(&t, "http.client.request.duration");
	T_ASSERT(m && m->type == OTLP_HISTOGRAM && m->n_points == 2);
	T_CHECK(!th_metric(&t, "http.server.request.duration"));
	for (uint32_t i = 0; i < m->n_points; i++) {
		const struct otlp_hist_point *p = &m->hists[i];
		T_EQ_INT(p->count, 1);
		T_EQ_INT(p->n_bounds, 14);
		T_CHECK(p->bounds[0] == 0.005 && p->bounds[13] == 10);
		T_EQ_STR(th_attr(p->attrs, p->n_attrs, "url.scheme"), "http");
		T_EQ_STR(th_attr(p->attrs, p->n_attrs, "network.protocol.version"), "1.1");
		T_CHECK(!th_has(p->attrs, p->n_attrs, "url.full"));
		if (!strcmp(th_attr(p->attrs, p->n_attrs, "http.request.method"), "GET")) {
			T_EQ_STR(th_attr(p->attrs, p->n_attrs, "server.address"), "api");
			T_EQ_STR(th_attr(p->attrs, p->n_attrs, "server.port"), "8081");
			T_EQ_STR(th_attr(p->attrs, p->n_attrs, "error.type"), "404");
			T_EQ_STR(th_attr(p->attrs, p->n_attrs, "http.response.status_code"), "404");
			T_CHECK(p->sum > 0.0199 && p->sum < 0.0201);
		}
	}
	th_stop(&t);
}

/* Keep-alive, pipelining, a chunked response, a request in many small
 * writes, a body bigger than what is captured. */
static void test_server_framing(void)
{
	struct th t;
	const char *r = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
	uint64_t ts = 10 * S;

	th_begin(&t);
	th_sock(&t, PID, TID, 1, SOCK_K_ACCEPT, ts, 80, 40000, 2);
	for (int i = 0; i < 20; i++) {
		RECV(&t, 1, ts += MS, r);
		SEND(&t, 1, ts += MS, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	}
	/* three requests in one read, their responses in one write */
	RECV(&t, 1, ts += MS, "GET /p1 HTTP/1.1\r\nHost: h\r\n\r\nGET /p2 HTTP/1.1\r\nHost: h\r\n\r\n"
			      "GET /p3 HTTP/1.1\r\nHost: h\r\n\r\n");
	SEND(&t, 1, ts += MS, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 201 Created\r\n"
			      "Content-Length: 0\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
	/* chunked */
	RECV(&t, 1, ts += MS, "GET /chunks HTTP/1.1\r\nHost: h\r\n\r\n");
	SEND(&t, 1, ts += MS, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
	SEND(&t, 1, ts += MS, "6\r\n world\r\n0\r\n\r\n");
	/* a request written a few bytes at a time */
	const char *slow = "PUT /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody";
	uint64_t first = ts + MS;
	for (size_t i = 0; i < strlen(slow); i += 3) {
		char piece[4] = { 0 };
		memcpy(piece, slow + i, strlen(slow) - i < 3 ? strlen(slow) - i : 3);
		RECV(&t, 1, ts += MS, piece);
	}
	SEND(&t, 1, ts += MS, "HTTP/1.1 204 No Content\r\n\r\n");
	/* 2 MB up, 2 MB down, a few hundred bytes of each call captured */
	feed_big(&t, DATA_DIR_RECV,
		 "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 2097152\r\n\r\n", 'y', &ts);
	feed_big(&t, DATA_DIR_SEND, "HTTP/1.1 200 OK\r\nContent-Length: 2097152\r\n\r\n", 'z', &ts);
	T_ASSERT(th_spans(&t) == 20 + 3 + 1 + 1 + 1);
	for (int i = 0; i < 20; i++)
		T_EQ_STR(th_name(t.spans[i]), "GET /a");
	T_EQ_STR(SA(t.spans[20], "url.path"), "/p1");
	T_EQ_STR(SA(t.spans[21], "http.response.status_code"), "201");
	T_EQ_STR(SA(t.spans[22], "url.path"), "/p3");
	T_EQ_STR(SA(t.spans[22], "http.response.status_code"), "202");
	T_EQ_STR(SA(t.spans[23], "http.route"), "/chunks");
	TH_NO_ATTRS(t.spans[23], "rawtel.http.partial");
	T_EQ_STR(SA(t.spans[24], "http.request.method"), "PUT");
	T_EQ_STR(SA(t.spans[24], "http.response.status_code"), "204");
	T_EQ_INT(t.spans[24]->start_ns, first + S);
	T_EQ_STR(SA(t.spans[25], "http.request.body.size"), "2097152");
	T_EQ_STR(SA(t.spans[25], "http.response.body.size"), "2097152");
	TH_NO_ATTRS(t.spans[25], "rawtel.http.partial");
	T_CHECK(t.a->http->st.gap_bytes > 4000000);
	T_EQ_INT(hist_total(&t, "http.server.request.duration"), 26);
	th_stop(&t);
}

/* A request left without its response, for each way it can end. */
static void test_no_response(void)
{
	struct th t;
	const struct otlp_span *s;
	uint64_t now;

	th_begin(&t);
	/* the client closes before a response */
	th_sock(&t, PID, TID, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
	RECV(&t, 1, 2 * S, "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
	th_sock(&t, PID, TID, 1, SOCK_K_CLOSE, 3 * S, 80, 40000, 2);
	T_ASSERT(th_spans(&t) == 1);
	s = t.spans[0];
	T_EQ_STR(SA(s, "error.type"), "connection_closed");
	T_EQ_INT(s->status_code, OTLP_STATUS_ERROR);
	T_CHECK(s->status_msg.len && !memcmp(s->status_msg.p, "connection_closed", 17));
	TH_NO_ATTRS(s, "http.response.status_code");
	T_EQ_INT(s->end_ns, 4 * S);
	/* the response cut by the close */
	th_sock(&t, PID, TID, 2, SOCK_K_ACCEPT, 4 * S, 80, 40001, 2);
	serve(&t, 2, 5 * S, "GET /cut HTTP/1.1\r\nHost: h\r\n\r\n",
	      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart");
	th_sock(&t, PID, TID, 2, SOCK_K_CLOSE, 6 * S, 80, 40001, 2);
	T_ASSERT(th_spans(&t) == 2);
	s = t.spans[1];
	T_EQ_STR(SA(s, "error.type"), "response_aborted");
	T_EQ_STR(SA(s, "http.response.status_code"), "200");
	TH_NO_ATTRS(s, "http.response.body.size");
	T_EQ_STR(SA(s, "rawtel.http.partial"), "sizes");
	/* the process ends while serving */
	th_sock(&t, PID, TID, 3, SOCK_K_ACCEPT, 7 * S, 80, 40002, 2);
	RECV(&t, 3, 8 * S, "GET /dying HTTP/1.1\r\nHost: h\r\n\r\n");
	ahttp_on_exit(t.a, PID, 9 * S);
	T_ASSERT(th_spans(&t) == 3);
	T_EQ_STR(SA(t.spans[2], "error.type"), "connection_closed");
	T_EQ_INT(t.a->http->n_procs, 0);
	/* no response within 120 s: a timeout (times near the real clock) */
	now = agent_now_ns() - (uint64_t)t.a->s.wall_off_ns;
	th_sock(&t, PID, TID, 4, SOCK_K_ACCEPT, now - 200 * S, 80, 40003, 2);
	RECV(&t, 4, now - 130 * S, "GET /never HTTP/1.1\r\nHost: h\r\n\r\n");
	ahttp_tick(t.a);
	T_ASSERT(th_spans(&t) == 4);
	T_EQ_STR(SA(t.spans[3], "error.type"), "timeout");
	/* rawtel stops first: no error claimed, and no metric */
	RECV(&t, 4, now, "GET /pending HTTP/1.1\r\nHost: h\r\n\r\n");
	ahttp_finish(t.a);
	T_ASSERT(th_spans(&t) == 5);
	s = t.spans[4];
	TH_NO_ATTRS(s, "error.type");
	T_EQ_INT(s->status_code, OTLP_STATUS_UNSET);
	T_EQ_STR(SA(s, "rawtel.http.partial"), "outcome_unknown");
	T_EQ_INT(hist_total(&t, "http.server.request.duration"), 4);
	th_stop(&t);
}

/* Tracing began mid-connection: a response without its request. */
static void test_no_request(void)
{
	struct th t;
	const struct otlp_span *s;

	th_begin(&t);
	th_sock(&t, PID, TID, 1, SOCK_K_SEED, 1 * S, 80, 40000, 2);
	SEND(&t, 1, 2 * S, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	serve(&t, 1, 3 * S, "GET /next HTTP/1.1\r\nHost: h\r\n\r\n",
	      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	s = th_span_is(&t, 2, 0, OTLP_KIND_SERVER, "HTTP");
	T_EQ_STR(SA(s, "http.request.method"), "_OTHER");
	T_EQ_STR(SA(s, "rawtel.http.partial"), "request_not_seen");
	TH_NO_ATTRS(s, "url.path", "http.route");
	th_span_is(&t, 2, 1, OTLP_KIND_SERVER, "GET /next");
	th_collect(&t);
	const struct otlp_metric *m = th_metric(&t, "http.server.request.duration");
	T_ASSERT(m && m->n_points == 1 && m->hists[0].count == 1);
	th_stop(&t);
}

/* A connection whose sock record was lost: the side that receives first
 * is the server; rawtel's own traffic is never traced. */
static void test_roles_and_self(void)
{
	struct th t;

	th_begin(&t);
	serve(&t, 5, 1 * S, "GET /nosock HTTP/1.1\r\nHost: h\r\n\r\n",
	      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	SEND(&t, 6, 2 * S, "GET /out HTTP/1.1\r\nHost: h\r\n\r\n");
	RECV(&t, 6, 2 * S + 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	/* a collector receiving rawtel's exports */
	RECV(&t, 5, 3 * S, "POST /v1/traces HTTP/1.1\r\nHost: c\r\nUser-Agent: rawtel/0.1.0\r\n"
			   "Content-Length: 0\r\n\r\n");
	SEND(&t, 5, 3 * S + 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	/* rawtel's own process */
	th_data(&t, (uint32_t)getpid(), (uint32_t)getpid(), 7, DATA_DIR_SEND, 4 * S, 4 * S,
		"POST /v1/traces HTTP/1.1\r\nHost: c\r\n\r\n");
	th_data(&t, (uint32_t)getpid(), (uint32_t)getpid(), 7, DATA_DIR_RECV, 4 * S, 4 * S + 1,
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	T_ASSERT(th_spans(&t) == 2);
	T_EQ_INT(t.spans[0]->kind, OTLP_KIND_SERVER);
	TH_NO_ATTRS(t.spans[0], "client.address");	/* addresses unknown */
	T_EQ_INT(t.spans[1]->kind, OTLP_KIND_CLIENT);
	T_EQ_INT(t.a->http->ev[HEV_SELF], 1);
	T_EQ_INT(t.a->http->n_procs, 1);
	th_stop(&t);
}

int main(void)
{
	T_RUN(test_server_span);
	T_RUN(test_server_errors);
	T_RUN(test_client_span);
	T_RUN(test_server_framing);
	T_RUN(test_no_response);
	T_RUN(test_no_request);
	T_RUN(test_roles_and_self);
	return t_done();
}
