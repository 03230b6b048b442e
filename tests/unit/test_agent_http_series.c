/* rawtel run's duration histograms when a connection's exchanges share
 * their series (ahttp_span.c remembers the last one per connection):
 * each exchange still lands in the point of its own attributes, whether
 * they stay, change and come back, on one connection or several, and
 * after a collection or a process's resource went. Also the HTTP/2 spans
 * of a connection whose peer is not known (built on the same streams). */
#include "agent_http_t.h"
#include "agent_case.h"

#define S 1000000000ull

static void serve(struct th *t, uint64_t conn, uint64_t ts, const char *path, int status)
{
	char req[128], resp[128];

	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: h\r\n\r\n", path);
	snprintf(resp, sizeof(resp), "HTTP/1.1 %d X\r\nContent-Length: 0\r\n\r\n", status);
	RECV(t, conn, ts, req);
	SEND(t, conn, ts + 1000 * (uint64_t)status, resp);
}

/* The count and sum (in us) of the point with route and status. */
static void point_is(struct th *t, const char *route, const char *status, uint64_t count, double sum_us)
{
	const struct otlp_metric *m = th_metric(t, "http.server.request.duration");

	T_ASSERT(m);
	for (uint32_t i = 0; i < m->n_points; i++) {
		const struct otlp_hist_point *p = &m->hists[i];

		if (strcmp(th_attr(p->attrs, p->n_attrs, "http.route"), route) ||
		    strcmp(th_attr(p->attrs, p->n_attrs, "http.response.status_code"), status))
			continue;
		T_EQ_INT(p->count, count);
		if (!(p->sum * 1e6 > sum_us - 0.01 && p->sum * 1e6 < sum_us + 0.01))
			T_FAILF("%s %s: sum %f us, not %f", route, status, p->sum * 1e6, sum_us);
		return;
	}
	T_FAILF("no point for %s %s", route, status);
}

static void test_series_per_connection(void)
{
	static const struct { uint64_t conn; const char *path; int status; } ex[] = {
		{ 1, "/a", 200 }, { 1, "/a", 200 }, { 1, "/a", 500 }, { 1, "/b", 200 },
		{ 2, "/b", 200 }, { 1, "/a", 200 }, { 2, "/a", 500 }, { 1, "/a", 404 },
	};
	struct th t;
	uint64_t ts = 2 * S;

	th_opts(&t.o);
	th_start(&t, false);
	th_sock(&t, PID, TID, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
	th_sock(&t, PID, TID, 2, SOCK_K_ACCEPT, 1 * S, 80, 40001, 3);
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++, ts += S)
		serve(&t, ex[i].conn, ts, ex[i].path, ex[i].status);
	th_collect(&t);
	T_EQ_INT(th_metric(&t, "http.server.request.duration")->n_points, 4);
	point_is(&t, "/a", "200", 3, 600);
	point_is(&t, "/a", "500", 2, 1000);
	point_is(&t, "/b", "200", 2, 400);
	point_is(&t, "/a", "404", 1, 404);
	/* cumulative: the same points go on */
	serve(&t, 1, ts, "/a", 404);
	serve(&t, 2, ts + S, "/a", 200);
	th_collect(&t);
	point_is(&t, "/a", "404", 2, 808);
	point_is(&t, "/a", "200", 4, 800);
	/* the process's resource gone (and its series): found again */
	otlp_agg_drop_resource(t.a->agg, procs_get(&t.a->procs, PID, "testsrv")->agg_res);
	procs_get(&t.a->procs, PID, "testsrv")->agg_res = -1;
	serve(&t, 1, ts + 2 * S, "/a", 404);
	th_collect(&t);
	T_EQ_INT(th_metric(&t, "http.server.request.duration")->n_points, 1);
	point_is(&t, "/a", "404", 1, 404);
	th_stop(&t);
}

/* One h2c frame (prior knowledge) at o: its length. */
static size_t h2_frame(uint8_t *o, uint8_t type, uint8_t flags, uint32_t sid, const uint8_t *p,
		       size_t n)
{
	uint8_t h[9] = { 0, 0, (uint8_t)n, type, flags, (uint8_t)(sid >> 24), (uint8_t)(sid >> 16),
			 (uint8_t)(sid >> 8), (uint8_t)sid };

	memcpy(o, h, 9);
	if (n)
		memcpy(o + 9, p, n);
	return 9 + n;
}

/* Stream sid: GET / (Host h), answered with the static table's status
 * at index st (8: 200, 13: 404, 14: 500); the first with the preface
 * and the SETTINGS each way. */
static void h2_serve(struct th *t, uint64_t conn, uint64_t ts, uint32_t sid, uint8_t st)
{
	static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
	static const uint8_t req[] = { 0x82, 0x86, 0x84, 0x01, 0x01, 'h' };
	uint8_t in[128], out[64], resp = (uint8_t)(0x80 | st);
	size_t n = 0, m = 0;

	if (sid == 1) {
		memcpy(in, preface, sizeof(preface) - 1);
		n = sizeof(preface) - 1;
		n += h2_frame(in + n, 4, 0, 0, NULL, 0);
		m = h2_frame(out, 4, 0, 0, NULL, 0);
	}
	n += h2_frame(in + n, 1, 5, sid, req, sizeof(req));
	m += h2_frame(out + m, 1, 5, sid, &resp, 1);
	th_data_cap(t, PID, TID, conn, DATA_DIR_RECV, ts - 1000, ts, in, n, -1);
	th_data_cap(t, PID, TID, conn, DATA_DIR_SEND, ts + 1000 * (uint64_t)st - 1000, ts + 1000 * (uint64_t)st,
		    out, m, -1);
}

/* HTTP/2 streams share their connection's series as HTTP/1 exchanges
 * do (ah2_span.c): each still lands in the point of its status. */
static void test_h2_series(void)
{
	static const struct { uint64_t conn; uint8_t st; } ex[] = {
		{ 1, 8 }, { 1, 8 }, { 1, 14 }, { 2, 8 }, { 1, 8 }, { 2, 14 }, { 1, 13 },
	};
	uint32_t sid[3] = { 0, 1, 1 };
	struct th t;
	uint64_t ts = 2 * S;

	th_opts(&t.o);
	t.o.protos = 1u << PROTO_HTTP1 | 1u << PROTO_HTTP2;
	th_start(&t, false);
	th_sock(&t, PID, TID, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
	th_sock(&t, PID, TID, 2, SOCK_K_ACCEPT, 1 * S, 80, 40001, 3);
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++, ts += S) {
		h2_serve(&t, ex[i].conn, ts, sid[ex[i].conn], ex[i].st);
		sid[ex[i].conn] += 2;
	}
	th_collect(&t);
	T_EQ_INT(th_metric(&t, "http.server.request.duration")->n_points, 3);
	point_is(&t, "/", "200", 4, 32);
	point_is(&t, "/", "500", 2, 28);
	point_is(&t, "/", "404", 1, 13);
	th_stop(&t);
}

/* An HTTP/2 stream on a connection whose sock record was lost says
 * rawtel.http.partial=peer_unknown and names no peer, as HTTP/1 does;
 * one on a known connection says neither. */
static void test_h2_peer_unknown(void)
{
	const struct otlp_span *s;
	struct th t;

	th_opts(&t.o);
	t.o.protos = 1u << PROTO_HTTP1 | 1u << PROTO_HTTP2;
	th_start(&t, false);
	th_sock(&t, PID, TID, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
	h2_serve(&t, 1, 2 * S, 1, 8);
	h2_serve(&t, 2, 3 * S, 1, 8);	/* no sock record */
	T_ASSERT(th_spans(&t) == 2);
	s = t.spans[0];
	TH_ATTRS(s, "network.protocol.version", "2", "client.address", "10.0.0.2",
		 "network.peer.port", "40000");
	TH_NO_ATTRS(s, "rawtel.http.partial");
	s = t.spans[1];
	TH_ATTRS(s, "network.protocol.version", "2", "http.response.status_code", "200",
		 "rawtel.http.partial", "peer_unknown");
	TH_NO_ATTRS(s, "client.address", "client.port", "network.peer.address", "network.peer.port");
	th_stop(&t);
}

/* A Redis client's commands on one connection: a point per command. */
static void test_db_series(void)
{
	static const char *const cmds[] = { "PING", "GET", "PING", "PING", "GET", "SET" };
	const struct otlp_metric *m;
	struct th t;
	uint64_t ts = 2 * S, count[3] = { 0, 0, 0 };

	th_opts(&t.o);
	t.o.protos = 1u << PROTO_HTTP1 | 1u << PROTO_REDIS;
	th_start(&t, false);
	th_sock(&t, PID, TID, 1, SOCK_K_CONNECT, 1 * S, 50000, 6379, 7);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++, ts += S) {
		char req[64];

		snprintf(req, sizeof(req), "*1\r\n$%zu\r\n%s\r\n", strlen(cmds[i]), cmds[i]);
		th_data(&t, PID, TID, 1, DATA_DIR_SEND, ts, ts, req);
		th_data(&t, PID, TID, 1, DATA_DIR_RECV, ts + 1000, ts + 1000, "+OK\r\n");
	}
	th_collect(&t);
	m = th_metric(&t, "db.client.operation.duration");
	T_ASSERT(m);
	T_EQ_INT(m->n_points, 3);
	for (uint32_t i = 0; i < m->n_points; i++) {
		const char *op = th_attr(m->hists[i].attrs, m->hists[i].n_attrs, "db.operation.name");

		count[!strcmp(op, "PING") ? 0 : !strcmp(op, "GET") ? 1 : 2] += m->hists[i].count;
		if (!strcmp(op, "SET"))
			T_EQ_INT(m->hists[i].count, 1);
	}
	T_EQ_INT(count[0], 3);
	T_EQ_INT(count[1], 2);
	th_stop(&t);
}

int main(void)
{
	T_RUN(test_series_per_connection);
	T_RUN(test_h2_series);
	T_RUN(test_h2_peer_unknown);
	T_RUN(test_db_series);
	return t_done();
}
