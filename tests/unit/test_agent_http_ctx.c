/* rawtel run's HTTP trace context (traceparent continued, client requests
 * as children of the request their thread serves), sampling, the http
 * options (--route, --ignore-route, --route-cap, --capture-query), the
 * reorder buffer of the perf-buffer path, and secrets never exported. */
#include "agent_http_t.h"

#define S 1000000000ull
#define MS 1000000ull

#define TRACE "4bf92f3577b34da6a3ce929d0e0e4736"
#define PARENT "00f067aa0ba902b7"

static void hex_of(const uint8_t *id, int n, char *out)
{
	th_hex(id, n, out);
}

static void test_traceparent_continued(void)
{
	struct th t;
	const struct otlp_span *s;
	char tid[33], pid[17];

	th_opts(&t.o);
	th_start(&t, false);
	th_sock(&t, PID, TID, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
	RECV(&t, 1, 2 * S, "GET / HTTP/1.1\r\nHost: h\r\ntraceparent: 00-" TRACE "-" PARENT "-01\r\n"
			   "tracestate: vendor=abc,other=1\r\n\r\n");
	SEND(&t, 1, 2 * S + 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	T_ASSERT(th_spans(&t) == 1);
	s = t.spans[0];
	hex_of(s->trace_id, 16, tid);
	hex_of(s->parent_span_id, 8, pid);
	T_EQ_STR(tid, TRACE);
	T_EQ_STR(pid, PARENT);
	T_CHECK(memcmp(s->span_id, s->parent_span_id, 8));
	T_EQ_INT(s->flags, OTLP_FLAG_SAMPLED | OTLP_FLAG_HAS_IS_REMOTE | OTLP_FLAG_IS_REMOTE);
	T_CHECK(s->trace_state.len == 18 && !memcmp(s->trace_state.p, "vendor=abc,other=1", 18));
	/* not sampled upstream: parent-based drops it; the metric counts it */
	RECV(&t, 1, 3 * S, "GET / HTTP/1.1\r\nHost: h\r\ntraceparent: 00-" TRACE "-" PARENT "-00\r\n\r\n");
	SEND(&t, 1, 3 * S + 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	/* invalid (all-zero trace id): a new trace, tracestate ignored */
	RECV(&t, 1, 4 * S, "GET / HTTP/1.1\r\nHost: h\r\ntraceparent: 00-00000000000000000000000000000000-"
			   PARENT "-01\r\ntracestate: a=b\r\n\r\n");
	SEND(&t, 1, 4 * S + 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	T_ASSERT(th_spans(&t) == 2);
	s = t.spans[1];
	hex_of(s->trace_id, 16, tid);
	T_CHECK(strcmp(tid, TRACE) && strcmp(tid, "00000000000000000000000000000000"));
	T_CHECK(!memcmp(s->parent_span_id, "\0\0\0\0\0\0\0\0", 8));
	T_EQ_INT(s->trace_state.len, 0);
	T_EQ_INT(s->flags, OTLP_FLAG_SAMPLED | OTLP_FLAG_HAS_IS_REMOTE);
	T_EQ_INT(t.a->http->ev[HEV_UNSAMPLED], 1);
	th_collect(&t);
	const struct otlp_metric *m = th_metric(&t, "http.server.request.duration");
	T_ASSERT(m && m->n_points == 1);
	T_EQ_INT(m->hists[0].count, 3);
	th_stop(&t);
}

/* A server (conn 1) that calls another service (conn 2) while serving:
 * nginx proxying, python calling out. */
static void serve_with_call(struct th *t, uint64_t ts, uint32_t srv_tid, uint32_t cli_tid,
			    const char *in_tp, const char *out_tp)
{
	char req[512], out[512];

	snprintf(req, sizeof(req), "GET /front HTTP/1.1\r\nHost: h\r\n%s%s%s\r\n", in_tp ? "traceparent: " : "",
		 in_tp ? in_tp : "", in_tp ? "\r\n" : "");
	snprintf(out, sizeof(out), "GET /back HTTP/1.1\r\nHost: up:9000\r\n%s%s%s\r\n",
		 out_tp ? "traceparent: " : "", out_tp ? out_tp : "", out_tp ? "\r\n" : "");
	th_data(t, PID, srv_tid, 1, DATA_DIR_RECV, ts, ts + 1, req);
	th_data(t, PID, cli_tid, 2, DATA_DIR_SEND, ts + 2, ts + 3, out);
	th_data(t, PID, cli_tid, 2, DATA_DIR_RECV, ts + 4, ts + 5, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	th_data(t, PID, srv_tid, 1, DATA_DIR_SEND, ts + 6, ts + 7, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
}

static const struct otlp_span *find_kind(struct th *t, int from, int kind)
{
	for (int i = from; i < t->n; i++)
		if ((int)t->spans[i]->kind == kind)
			return t->spans[i];
	return NULL;
}

static void test_client_child_of_server(void)
{
	struct th t;
	const struct otlp_span *srv, *cli;
	char tid[33];

	th_opts(&t.o);
	th_start(&t, false);
	th_sock(&t, PID, 7, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
	th_sock(&t, PID, 7, 2, SOCK_K_CONNECT, 1 * S, 50000, 9000, 3);
	/* same thread, nothing else in progress: the child */
	serve_with_call(&t, 2 * S, 7, 7, NULL, NULL);
	T_ASSERT(th_spans(&t) == 2);
	cli = t.spans[0];	/* the client's response ends first */
	srv = t.spans[1];
	T_EQ_INT(cli->kind, OTLP_KIND_CLIENT);
	T_EQ_INT(srv->kind, OTLP_KIND_SERVER);
	T_CHECK(!memcmp(cli->trace_id, srv->trace_id, 16));
	T_CHECK(!memcmp(cli->parent_span_id, srv->span_id, 8));
	T_EQ_INT(cli->flags, OTLP_FLAG_SAMPLED | OTLP_FLAG_HAS_IS_REMOTE);
	T_CHECK(cli->start_ns > srv->start_ns && cli->end_ns < srv->end_ns);
	/* an incoming traceparent, forwarded as is (nginx): one trace, the
	 * client under the server, the server under the caller */
	serve_with_call(&t, 3 * S, 7, 7, "00-" TRACE "-" PARENT "-01", "00-" TRACE "-" PARENT "-01");
	T_ASSERT(th_spans(&t) == 4);
	cli = t.spans[2];
	srv = t.spans[3];
	hex_of(srv->trace_id, 16, tid);
	T_EQ_STR(tid, TRACE);
	T_CHECK(!memcmp(cli->trace_id, srv->trace_id, 16));
	T_CHECK(!memcmp(cli->parent_span_id, srv->span_id, 8));
	T_EQ_INT(cli->flags, OTLP_FLAG_SAMPLED | OTLP_FLAG_HAS_IS_REMOTE);
	/* another thread: not a child */
	serve_with_call(&t, 4 * S, 7, 8, NULL, NULL);
	T_ASSERT(th_spans(&t) == 6);
	cli = t.spans[4];
	T_CHECK(memcmp(cli->trace_id, t.spans[5]->trace_id, 16));
	T_CHECK(!memcmp(cli->parent_span_id, "\0\0\0\0\0\0\0\0", 8));
	/* the application propagates a context of its own: the header's */
	serve_with_call(&t, 5 * S, 7, 7, NULL, "00-" TRACE "-" PARENT "-01");
	T_ASSERT(th_spans(&t) == 8);
	cli = t.spans[6];
	hex_of(cli->trace_id, 16, tid);
	T_EQ_STR(tid, TRACE);
	hex_of(cli->parent_span_id, 8, tid);
	T_EQ_STR(tid, PARENT);
	T_EQ_INT(cli->flags, OTLP_FLAG_SAMPLED | OTLP_FLAG_HAS_IS_REMOTE | OTLP_FLAG_IS_REMOTE);
	th_stop(&t);
}

/* An event loop serving two requests at once: without a header the
 * parent cannot be told, with a forwarded one it can. */
static void test_event_loop(void)
{
	struct th t;
	const char *ka = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	const struct otlp_span *s;
	char tid[33];

	th_opts(&t.o);
	th_start(&t, false);
	th_sock(&t, PID, PID, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
	th_sock(&t, PID, PID, 2, SOCK_K_ACCEPT, 1 * S, 80, 40001, 2);
	th_sock(&t, PID, PID, 3, SOCK_K_CONNECT, 1 * S, 50000, 9000, 3);
	th_data(&t, PID, PID, 1, DATA_DIR_RECV, 2 * S, 2 * S + 1,
		"GET /a HTTP/1.1\r\nHost: h\r\ntraceparent: 00-" TRACE "-" PARENT "-01\r\n\r\n");
	th_data(&t, PID, PID, 2, DATA_DIR_RECV, 2 * S + 2, 2 * S + 3,
		"GET /b HTTP/1.1\r\nHost: h\r\ntraceparent: 00-11111111111111111111111111111111-"
		PARENT "-01\r\n\r\n");
	/* no header: two candidates, no parent */
	th_data(&t, PID, PID, 3, DATA_DIR_SEND, 2 * S + 4, 2 * S + 5, "GET /x HTTP/1.1\r\nHost: u\r\n\r\n");
	th_data(&t, PID, PID, 3, DATA_DIR_RECV, 2 * S + 6, 2 * S + 7, ka);
	/* the header /b forwards: /b's child */
	th_data(&t, PID, PID, 3, DATA_DIR_SEND, 2 * S + 8, 2 * S + 9,
		"GET /y HTTP/1.1\r\nHost: u\r\ntraceparent: 00-11111111111111111111111111111111-"
		PARENT "-01\r\n\r\n");
	th_data(&t, PID, PID, 3, DATA_DIR_RECV, 2 * S + 10, 2 * S + 11, ka);
	th_data(&t, PID, PID, 2, DATA_DIR_SEND, 2 * S + 12, 2 * S + 13, ka);
	th_data(&t, PID, PID, 1, DATA_DIR_SEND, 2 * S + 14, 2 * S + 15, ka);
	T_ASSERT(th_spans(&t) == 4);
	s = t.spans[0];
	/* Host without a port: the port connected to */
	T_EQ_STR(SA(s, "url.full"), "http://u:9000/x");
	T_CHECK(!memcmp(s->parent_span_id, "\0\0\0\0\0\0\0\0", 8));
	T_CHECK(memcmp(s->trace_id, t.spans[2]->trace_id, 16) && memcmp(s->trace_id, t.spans[3]->trace_id, 16));
	s = t.spans[1];
	T_EQ_STR(SA(s, "url.full"), "http://u:9000/y");
	T_EQ_STR(SA(t.spans[2], "url.path"), "/b");
	T_CHECK(!memcmp(s->parent_span_id, t.spans[2]->span_id, 8));
	hex_of(s->trace_id, 16, tid);
	T_EQ_STR(tid, "11111111111111111111111111111111");
	th_stop(&t);
}

static uint64_t xs = 88172645463325252ull;
static uint64_t xorshift(void)
{
	xs ^= xs << 13;
	xs ^= xs >> 7;
	xs ^= xs << 17;
	return xs;
}

static void test_sampler(void)
{
	uint8_t id[16];
	int kept = 0, n = 200000;

	/* the ratio: about ratio of random trace ids, decided from the last 8
	 * bytes only (the same id always decides the same) */
	for (int i = 0; i < n; i++) {
		uint64_t a = xorshift(), b = xorshift();
		memcpy(id, &a, 8);
		memcpy(id + 8, &b, 8);
		bool k = ahttp_sample(SAMPLER_RATIO, 0.25, id, -1);
		kept += k;
		memset(id, 0xee, 8);
		T_CHECK(ahttp_sample(SAMPLER_RATIO, 0.25, id, -1) == k);
		/* traceidratio ignores the parent */
		T_CHECK(ahttp_sample(SAMPLER_RATIO, 0.25, id, 1) == k);
		if (t_case_failed)
			break;
	}
	/* 4 standard deviations: sqrt(n p (1-p)) = 194 */
	T_CHECK(kept > n / 4 - 800 && kept < n / 4 + 800, "ratio 0.25");
	/* the boundaries of the spec's computation: last 8 bytes big-endian,
	 * shifted right once, below ratio * 2^63 */
	memset(id, 0, 16);
	id[8] = 0x3f, id[9] = 0xff;	/* 0x3fff... >> 1 < 0.5 * 2^63 */
	T_CHECK(ahttp_sample(SAMPLER_RATIO, 0.5, id, -1));
	id[8] = 0xff;
	T_CHECK(!ahttp_sample(SAMPLER_RATIO, 0.5, id, -1));
	T_CHECK(ahttp_sample(SAMPLER_RATIO, 1, id, -1));
	memset(id + 8, 0, 8);
	T_CHECK(!ahttp_sample(SAMPLER_RATIO, 0, id, -1));
	/* the parent-based rules: a parent's choice wins, the root sampler
	 * decides for roots */
	T_CHECK(ahttp_sample(SAMPLER_PB_ALWAYS_ON, 0, id, -1));
	T_CHECK(ahttp_sample(SAMPLER_PB_ALWAYS_ON, 0, id, 1));
	T_CHECK(!ahttp_sample(SAMPLER_PB_ALWAYS_ON, 0, id, 0));
	T_CHECK(!ahttp_sample(SAMPLER_PB_ALWAYS_OFF, 0, id, -1));
	T_CHECK(ahttp_sample(SAMPLER_PB_ALWAYS_OFF, 0, id, 1));
	T_CHECK(!ahttp_sample(SAMPLER_PB_RATIO, 0, id, -1));
	T_CHECK(ahttp_sample(SAMPLER_PB_RATIO, 0, id, 1));
	T_CHECK(!ahttp_sample(SAMPLER_PB_RATIO, 1, id, 0));
	T_CHECK(ahttp_sample(SAMPLER_ALWAYS_ON, 0, id, 0));
	T_CHECK(!ahttp_sample(SAMPLER_ALWAYS_OFF, 0, id, 1));
}

static void test_sampler_env(void)
{
	uint8_t s;
	double r;

	unsetenv("OTEL_TRACES_SAMPLER");
	setenv("OTEL_TRACES_SAMPLER_ARG", "0.5", 1);
	ahttp_sampler_env(&s, &r);
	T_EQ_INT(s, SAMPLER_PB_ALWAYS_ON);
	T_CHECK(r == 1);	/* the argument needs a sampler */
	setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio", 1);
	ahttp_sampler_env(&s, &r);
	T_EQ_INT(s, SAMPLER_PB_RATIO);
	T_CHECK(r == 0.5);
	setenv("OTEL_TRACES_SAMPLER", "traceidratio", 1);
	setenv("OTEL_TRACES_SAMPLER_ARG", "1.5", 1);	/* warned, 1.0 */
	ahttp_sampler_env(&s, &r);
	T_EQ_INT(s, SAMPLER_RATIO);
	T_CHECK(r == 1);
	setenv("OTEL_TRACES_SAMPLER", "always_off", 1);
	ahttp_sampler_env(&s, &r);
	T_EQ_INT(s, SAMPLER_ALWAYS_OFF);
	setenv("OTEL_TRACES_SAMPLER", "jaeger_remote", 1);	/* warned, default */
	ahttp_sampler_env(&s, &r);
	T_EQ_INT(s, SAMPLER_PB_ALWAYS_ON);
	unsetenv("OTEL_TRACES_SAMPLER");
	unsetenv("OTEL_TRACES_SAMPLER_ARG");
}

/* always_off: no span, every request in the metrics; parent-based
 * children follow their parent's choice. */
static void test_sampled_out(void)
{
	struct th t;

	th_opts(&t.o);
	t.o.sampler = SAMPLER_ALWAYS_OFF;
	th_start(&t, false);
	th_sock(&t, PID, 7, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
	th_sock(&t, PID, 7, 2, SOCK_K_CONNECT, 1 * S, 50000, 9000, 3);
	for (int i = 0; i < 10; i++)
		serve_with_call(&t, (uint64_t)(2 + i) * S, 7, 7, NULL, NULL);
	T_EQ_INT(th_spans(&t), 0);
	th_collect(&t);
	T_ASSERT(th_metric(&t, "http.server.request.duration"));
	T_EQ_INT(th_metric(&t, "http.server.request.duration")->hists[0].count, 10);
	T_EQ_INT(th_metric(&t, "http.client.request.duration")->hists[0].count, 10);
	th_stop(&t);

	th_opts(&t.o);
	t.o.sampler = SAMPLER_PB_RATIO;
	t.o.sampler_ratio = 0.5;
	th_start(&t, false);
	th_sock(&t, PID, 7, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
	th_sock(&t, PID, 7, 2, SOCK_K_CONNECT, 1 * S, 50000, 9000, 3);
	for (int i = 0; i < 400; i++)
		serve_with_call(&t, (uint64_t)(2 + i) * S, 7, 7, NULL, NULL);
	int n = th_spans(&t), servers = 0;
	/* whole traces kept or dropped: every client span kept has its server */
	for (int i = 0; i < n; i++) {
		if (t.spans[i]->kind != OTLP_KIND_CLIENT)
			continue;
		const struct otlp_span *srv = find_kind(&t, i + 1, OTLP_KIND_SERVER);
		T_ASSERT(srv && !memcmp(srv->span_id, t.spans[i]->parent_span_id, 8));
	}
	for (int i = 0; i < n; i++)
		servers += t.spans[i]->kind == OTLP_KIND_SERVER;
	T_EQ_INT(n, 2 * servers);
	T_CHECK(servers > 140 && servers < 260, "about half of 400");
	th_stop(&t);
}

static void test_routes_options(void)
{
	struct th t;
	static const char *paths[] = { "/users/42", "/users/7/profile", "/a", "/b", "/c", "/health",
				       "/metrics", "/internal/x" };
	char req[128];

	th_opts(&t.o);
	t.o.routes[t.o.n_routes++] = "/users/{user}";
	t.o.route_cap = 2;
	t.o.ignore[t.o.n_ignore++] = (struct agent_ignore){ "/health", HTTP_IGN_TRACES | HTTP_IGN_METRICS };
	t.o.ignore[t.o.n_ignore++] = (struct agent_ignore){ "/metrics", HTTP_IGN_TRACES };
	t.o.ignore[t.o.n_ignore++] = (struct agent_ignore){ "/internal/*", HTTP_IGN_METRICS };
	th_start(&t, false);
	th_sock(&t, PID, TID, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
	for (int i = 0; i < 8; i++) {
		snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: h\r\n\r\n", paths[i]);
		RECV(&t, 1, (uint64_t)(2 + i) * S, req);
		SEND(&t, 1, (uint64_t)(2 + i) * S + 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	}
	T_ASSERT(th_spans(&t) == 6);
	/* a named route; ids replaced; the cap of 2 distinct routes */
	T_EQ_STR(th_name(t.spans[0]), "GET /users/{user}");
	T_EQ_STR(th_name(t.spans[1]), "GET /users/{id}/profile");
	T_EQ_STR(th_name(t.spans[2]), "GET /a");
	T_EQ_STR(th_name(t.spans[3]), "GET /*");
	T_EQ_STR(SA(t.spans[4], "http.route"), "/*");
	T_EQ_STR(SA(t.spans[4], "url.path"), "/c");
	T_EQ_STR(SA(t.spans[5], "url.path"), "/internal/x");
	T_EQ_INT(t.a->http->ev[HEV_IGNORED], 2);
	th_collect(&t);
	const struct otlp_metric *m = th_metric(&t, "http.server.request.duration");
	uint64_t total = 0;
	T_ASSERT(m);
	for (uint32_t i = 0; i < m->n_points; i++) {
		total += m->hists[i].count;
		const char *route = th_attr(m->hists[i].attrs, m->hists[i].n_attrs, "http.route");
		T_CHECK(!strcmp(route, "/users/{user}") || !strcmp(route, "/users/{id}/profile") ||
			!strcmp(route, "/a") || !strcmp(route, "/*"), "bounded routes");
	}
	T_EQ_INT(total, 6);	/* not /health, not /internal/x */
	th_stop(&t);
}

static void test_opts_parse(void)
{
	static struct agent_opts o;
	char *ok[] = { "run", "--route", "/users/{id}", "--ignore-route", "/health",
		       "--ignore-route", "/metrics:traces", "--ignore-route", "/v1/{x}:metrics",
		       "--route-cap", "50", "--capture-query", "--http-max-conns", "64", NULL };
	char *bad1[] = { "run", "--route", "users", NULL };
	char *bad2[] = { "run", "--ignore-route", "/a/*/b", NULL };
	char *bad3[] = { "run", "--route-cap", "0", NULL };

	unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
	T_ASSERT(agent_opts_parse(&o, 14, ok) == 0);
	T_EQ_INT(o.n_routes, 1);
	T_EQ_STR(o.routes[0], "/users/{id}");
	T_EQ_INT(o.n_ignore, 3);
	T_EQ_STR(o.ignore[0].pattern, "/health");
	T_EQ_INT(o.ignore[0].what, HTTP_IGN_TRACES | HTTP_IGN_METRICS);
	T_EQ_STR(o.ignore[1].pattern, "/metrics");
	T_EQ_INT(o.ignore[1].what, HTTP_IGN_TRACES);
	T_EQ_STR(o.ignore[2].pattern, "/v1/{x}");
	T_EQ_INT(o.ignore[2].what, HTTP_IGN_METRICS);
	T_EQ_INT(o.route_cap, 50);
	T_EQ_INT(o.http_max_conns, 64);
	T_CHECK(o.capture_query);
	T_CHECK(agent_opts_parse(&o, 3, bad1) < 0);
	T_CHECK(agent_opts_parse(&o, 3, bad2) < 0);
	T_CHECK(agent_opts_parse(&o, 3, bad3) < 0);
}

/* Authorization, cookies and query values never reach the OTLP output,
 * in either encoding; --capture-query exports the query as sent. */
static void test_secrets(void)
{
	struct th t;
	struct otlp_buf out;
	static const char *secrets[] = { "S3cr3tBearer", "s3ss10nC00kie", "SetC00kieVal",
					 "pr0xyAuth", "qv4lue" };

	for (int raw = 0; raw < 2; raw++) {
		th_opts(&t.o);
		t.o.capture_query = raw;
		th_start(&t, false);
		th_sock(&t, PID, TID, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
		th_sock(&t, PID, TID, 2, SOCK_K_CONNECT, 1 * S, 50000, 9000, 3);
		RECV(&t, 1, 2 * S, "GET /login?user=bob&pw=qv4lue HTTP/1.1\r\nHost: h\r\n"
				   "Authorization: Bearer S3cr3tBearer\r\nCookie: sid=s3ss10nC00kie\r\n"
				   "Proxy-Authorization: Basic pr0xyAuth\r\n\r\n");
		SEND(&t, 1, 2 * S + 1, "HTTP/1.1 200 OK\r\nSet-Cookie: sid=SetC00kieVal; HttpOnly\r\n"
				       "Content-Length: 0\r\n\r\n");
		SEND(&t, 2, 3 * S, "GET /api?key=qv4lue HTTP/1.1\r\nHost: up\r\n"
				   "Authorization: Bearer S3cr3tBearer\r\nCookie: a=s3ss10nC00kie\r\n\r\n");
		RECV(&t, 2, 3 * S + 1, "HTTP/1.1 200 OK\r\nSet-Cookie: b=SetC00kieVal\r\n"
				       "Content-Length: 0\r\n\r\n");
		T_ASSERT(th_spans(&t) == 2);
		th_collect(&t);
		for (int enc = 0; enc < 4; enc++) {
			otlp_buf_init(&out, 1u << 22);
			struct otlp_batch *b = enc < 2 ? t.a->b[OTLP_TRACES] : t.mb;
			T_ASSERT((enc & 1 ? otlp_encode_json(b, &out) : otlp_encode_pb(b, &out)) == 0);
			for (int k = 0; k < 5; k++) {
				bool expect = raw && k == 4 && enc < 2;
				T_CHECK((memmem(out.p, out.len, secrets[k], strlen(secrets[k])) != NULL) == expect,
					"secret in the output");
			}
			if (enc < 2)
				T_CHECK(memmem(out.p, out.len, raw ? "pw=qv4lue" : "pw=REDACTED", 9) != NULL);
			otlp_buf_free(&out);
		}
		T_EQ_STR(SA(t.spans[1], "url.full"), raw ? "http://up:9000/api?key=qv4lue" :
			 "http://up:9000/api?key=REDACTED");
		th_stop(&t);
	}
}

/* The reorder buffer alone: oldest first, ties in arrival order, bounded. */
static int rel_n;
static uint64_t rel_ts[REORDER_MAX_RECS + 10];
static void rel_cb(void *ctx, const void *rec, size_t len)
{
	(void)ctx;
	(void)len;
	memcpy(&rel_ts[rel_n++], rec, 8);
}

static void test_reorder_buffer(void)
{
	struct ahttp_reorder *r;
	uint64_t v;

	T_ASSERT(ahttp_reorder_new(&r) == 0);
	rel_n = 0;
	for (uint64_t i = 0; i < 1000; i++) {
		v = (i * 7919) % 1000;
		T_ASSERT(ahttp_reorder_push(r, &v, 8, v, rel_cb, NULL) == 0);
	}
	ahttp_reorder_release(r, 499, rel_cb, NULL);
	T_EQ_INT(rel_n, 500);
	T_EQ_INT(ahttp_reorder_held(r), 500);
	ahttp_reorder_release(r, UINT64_MAX, rel_cb, NULL);
	T_EQ_INT(rel_n, 1000);
	for (int i = 0; i < 1000; i++)
		T_EQ_INT(rel_ts[i], (uint64_t)i);
	/* full: the oldest go early, in order */
	rel_n = 0;
	for (uint64_t i = 0; i < REORDER_MAX_RECS + 10; i++) {
		v = REORDER_MAX_RECS + 10 - i;
		T_ASSERT(ahttp_reorder_push(r, &v, 8, v, rel_cb, NULL) == 0);
	}
	T_EQ_INT(rel_n, 10);
	T_EQ_INT(ahttp_reorder_held(r), REORDER_MAX_RECS);
	ahttp_reorder_free(r);	/* frees what it holds */
}

/* Perf buffers: a connection's records from two CPUs come swapped; the
 * agent puts them back in order. One that comes after its connection
 * moved on is dropped and counted. */
static void test_reorder_agent(void)
{
	struct th t;

	th_opts(&t.o);
	th_start(&t, true);
	t.a->s.wall_off_ns = 0;	/* "now" is far after these records */
	th_sock(&t, PID, TID, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
	SEND(&t, 1, 2 * S + 5, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	RECV(&t, 1, 2 * S, "GET /swapped HTTP/1.1\r\nHost: h\r\n\r\n");
	T_EQ_INT(th_spans(&t), 0);	/* held */
	ahttp_drain_tick(t.a);
	T_ASSERT(th_spans(&t) == 1);
	T_EQ_STR(th_name(t.spans[0]), "GET /swapped");
	T_EQ_INT(t.spans[0]->end_ns - t.spans[0]->start_ns, 5);
	/* too late */
	RECV(&t, 1, 1 * S + 500, "GET /late HTTP/1.1\r\nHost: h\r\n\r\n");
	ahttp_drain_tick(t.a);
	T_EQ_INT(t.a->http->ev[HEV_REORDER_LATE], 1);
	/* the exit waits its turn too */
	RECV(&t, 1, 3 * S, "GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
	ahttp_on_exit(t.a, PID, 3 * S + 10);
	SEND(&t, 1, 3 * S + 5, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	ahttp_finish(t.a);
	T_ASSERT(th_spans(&t) == 2);
	T_EQ_STR(SA(t.spans[1], "http.response.status_code"), "200");
	T_EQ_INT(t.a->http->n_procs, 0);
	th_stop(&t);
}

/* Bounds: a process's connections, the processes followed. */
static void test_bounds(void)
{
	struct th t;
	char req[64];

	th_opts(&t.o);
	t.o.http_max_conns = 8;
	th_start(&t, false);
	for (uint64_t c = 1; c <= 100; c++) {
		th_sock(&t, PID, TID, c, SOCK_K_ACCEPT, c * S, 80, (uint16_t)(40000 + c), 2);
		snprintf(req, sizeof(req), "GET /c%llu HTTP/1.1\r\nHost: h\r\n\r\n", (unsigned long long)c);
		RECV(&t, c, c * S + 1, req);
	}
	T_EQ_INT(t.a->http->procs[0]->conns.n, 8);
	for (uint32_t pid = 1; pid <= HTTP_PROCS_MAX + 5; pid++)
		th_sock(&t, 100000 + pid, 1, 1, SOCK_K_ACCEPT, 200 * S + pid, 80, 40000, 2);
	T_EQ_INT(t.a->http->n_procs, HTTP_PROCS_MAX);
	T_EQ_INT(t.a->http->ev[HEV_PROC_EVICTED], 6);
	th_stop(&t);
}

int main(void)
{
	T_RUN(test_traceparent_continued);
	T_RUN(test_client_child_of_server);
	T_RUN(test_event_loop);
	T_RUN(test_sampler);
	T_RUN(test_sampler_env);
	T_RUN(test_sampled_out);
	T_RUN(test_routes_options);
	T_RUN(test_opts_parse);
	T_RUN(test_secrets);
	T_RUN(test_reorder_buffer);
	T_RUN(test_reorder_agent);
	T_RUN(test_bounds);
	return t_done();
}
