/* Records lost in the kernel, found by their stream offsets (sockcap, user/
 * probes/sockcap.c) and fed to rawtel run's HTTP code as gaps: on a
 * keep-alive connection that lost a response record, the exchanges after
 * it still pair their requests with their responses, the one that lost
 * its response is flagged partial and counted, and nothing ends as a
 * bogus "connection_closed". Without sockcap in between (the old way) the
 * same records pair every later response with the wrong request. */
#include "agent_http_t.h"
#include "sockcap_t.h"

#define S 1000000000ull
#define MS 1000000ull
#define FD 7
#define CONN 0x10001ull

struct feed {
	struct th *t;
	struct sockcap *c;	/* NULL: straight to the agent */
	uint64_t off[2];	/* the kernel's stream offsets */
};

static void put(struct feed *f, const void *rec, size_t size)
{
	if (f->c)
		T_ASSERT(sockcap_record(f->c, rec, size, to_agent, f->t->a) == 0);
	else
		ahttp_on_record(f->t->a, rec, size);
}

static void sock(struct feed *f, int kind, uint64_t ts)
{
	struct ev_sock e;

	sc_sock_ev(&e, kind, ts, CONN, FD, f->off);
	e.role = SOCK_ROLE_SERVER;
	e.lport = 80;
	e.rport = 40000;
	memcpy(e.comm, "testsrv", 8);
	put(f, &e, sizeof(e));
}

/* One call that moved s in direction dir; lost: the kernel counted its
 * bytes, but its record never came. */
static void data(struct feed *f, int dir, uint64_t ts, const char *s, bool lost)
{
	static struct ev_data d;
	size_t n = strlen(s);

	memset(&d, 0, DATA_OFF_BYTES);
	d.h = (struct ev_hdr){ EV_DATA, (uint16_t)(DATA_OFF_BYTES + n), 0, ts, TID, PID };
	d.conn = CONN;
	d.fd = FD;
	d.dir = (uint8_t)dir;
	d.call = dir == DATA_DIR_RECV ? DATA_CALL_READ : DATA_CALL_WRITEV;
	d.cap = (uint16_t)n;
	d.total = n;
	d.start = ts - 1000;
	d.seq = f->off[dir];
	d.peer = f->off[!dir];
	memcpy(d.bytes, s, n);
	f->off[dir] += n;
	if (!lost)
		put(f, &d, DATA_OFF_BYTES + n);
}

static char reqs[6][64], resps[6][96];

/* Six keep-alive exchanges on one connection (GET /0 .. /5, bodies "r0"
 * .. "r5"); the records of the calls named in lost_req/lost_resp (bit i:
 * exchange i) lost. */
static void run(struct feed *f, unsigned lost_req, unsigned lost_resp)
{
	sock(f, SOCK_K_ACCEPT, 1 * S);
	for (int i = 0; i < 6; i++) {
		snprintf(reqs[i], sizeof(reqs[i]), "GET /%d HTTP/1.1\r\nHost: h\r\n\r\n", i);
		snprintf(resps[i], sizeof(resps[i]),
			 "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nr%d", i);
		data(f, DATA_DIR_RECV, 2 * S + (uint64_t)i * S, reqs[i], lost_req >> i & 1);
		data(f, DATA_DIR_SEND, 2 * S + (uint64_t)i * S + MS, resps[i], lost_resp >> i & 1);
	}
	sock(f, SOCK_K_CLOSE, 9 * S);
}

static const struct otlp_span *span_of(struct th *t, int n, const char *path)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(SA(t->spans[i], "url.path"), path))
			return t->spans[i];
	return NULL;
}

/* Response 2 lost mid-connection, response 5 (the last) lost too. */
static void lost_response(bool perf)
{
	struct th t;
	struct feed f = { &t, sc_new(), { 0, 0 } };
	struct sockcap_gaps g;
	int n;

	th_opts(&t.o);
	th_start(&t, perf);
	run(&f, 0, 1u << 2 | 1u << 5);
	ahttp_finish(t.a);
	n = th_spans(&t);
	T_EQ_INT(n, 6);
	for (int i = 0; i < 6; i++) {
		char path[8];
		const struct otlp_span *s;

		snprintf(path, sizeof(path), "/%d", i);
		T_ASSERT((s = span_of(&t, n, path)));
		/* no response pairs with the wrong request, none is given up */
		if (!strcmp(SA(s, "error.type"), "connection_closed"))
			T_FAILF("%s given up", path);
		if (i == 2 || i == 5) {
			if (!strstr(SA(s, "rawtel.http.partial"), "response_head"))
				T_FAILF("%s: partial \"%s\"", path, SA(s, "rawtel.http.partial"));
			T_CHECK(!SHAS(s, "http.response.status_code"));
		} else {
			T_EQ_STR(SA(s, "http.response.status_code"), "200");
			if (SHAS(s, "rawtel.http.partial"))
				T_FAILF("%s: partial \"%s\"", path, SA(s, "rawtel.http.partial"));
			T_EQ_STR(SA(s, "http.response.body.size"), "2");
		}
	}
	sockcap_gaps(f.c, &g);
	T_EQ_INT(g.records, 2);
	T_EQ_INT(g.bytes, strlen(resps[2]) + strlen(resps[5]));
	T_EQ_INT(t.a->http->ev[HEV_GAP], 2);
	T_EQ_INT(t.a->http->st.gap_bytes, g.bytes);
	sockcap_free(f.c);
	th_stop(&t);
}

static void test_lost_response(void)
{
	lost_response(false);
}

/* through the reorder buffer of the perf-buffer path */
static void test_lost_response_perf(void)
{
	lost_response(true);
}

/* The same records without gap detection: what the offsets fix. */
static void test_without_offsets(void)
{
	struct th t;
	struct feed f = { &t, NULL, { 0, 0 } };
	const struct otlp_span *s;
	int n;

	th_opts(&t.o);
	th_start(&t, false);
	run(&f, 0, 1u << 2);
	ahttp_finish(t.a);
	n = th_spans(&t);
	T_EQ_INT(n, 6);
	/* request 2 got response 3's status, and the last was given up */
	T_ASSERT((s = span_of(&t, n, "/5")));
	T_EQ_STR(SA(s, "error.type"), "connection_closed");
	th_stop(&t);
}

/* A request lost: its exchange is flagged (no path), the others pair. */
static void test_lost_request(void)
{
	struct th t;
	struct feed f = { &t, sc_new(), { 0, 0 } };
	int n, flagged = 0;

	th_opts(&t.o);
	th_start(&t, false);
	run(&f, 1u << 3, 0);
	ahttp_finish(t.a);
	n = th_spans(&t);
	T_EQ_INT(n, 6);
	for (int i = 0; i < n; i++) {
		const struct otlp_span *s = t.spans[i];

		T_CHECK(strcmp(SA(s, "error.type"), "connection_closed"));
		T_EQ_STR(SA(s, "http.response.status_code"), "200");
		if (SHAS(s, "rawtel.http.partial")) {
			flagged++;
			T_CHECK(strcmp(SA(s, "url.path"), "/3"));
		}
	}
	T_EQ_INT(flagged, 1);
	for (int i = 0; i < 6; i++) {
		char path[8];

		snprintf(path, sizeof(path), "/%d", i);
		if ((span_of(&t, n, path) != NULL) != (i != 3))
			T_FAILF("%s: span or not", path);
	}
	T_EQ_INT(t.a->http->ev[HEV_GAP], 1);
	sockcap_free(f.c);
	th_stop(&t);
}

/* Request 2 and response 2 lost, then response 3: at request 3 bytes
 * are missing both ways (a reset: pairing starts afresh), at request 4
 * the response side only (response 3 inferred). Exchange 2 is missing,
 * 3 flagged, the others right. */
static void test_lost_both(void)
{
	struct th t;
	struct feed f = { &t, sc_new(), { 0, 0 } };
	const struct otlp_span *s;
	int n;

	th_opts(&t.o);
	th_start(&t, false);
	run(&f, 1u << 2, 1u << 2 | 1u << 3);
	ahttp_finish(t.a);
	n = th_spans(&t);
	T_EQ_INT(n, 5);
	for (int i = 0; i < n; i++)
		if (!strcmp(SA(t.spans[i], "error.type"), "connection_closed"))
			T_FAILF("%s given up", SA(t.spans[i], "url.path"));
	T_CHECK(span_of(&t, n, "/2") == NULL);
	T_ASSERT((s = span_of(&t, n, "/3")));
	T_CHECK(strstr(SA(s, "rawtel.http.partial"), "response_head") != NULL);
	for (int i = 0; i < 6; i++) {
		char path[8];

		snprintf(path, sizeof(path), "/%d", i);
		if (i == 2 || i == 3)
			continue;
		T_ASSERT((s = span_of(&t, n, path)));
		T_EQ_STR(SA(s, "http.response.status_code"), "200");
		T_CHECK(!SHAS(s, "rawtel.http.partial"));
	}
	T_EQ_INT(t.a->http->ev[HEV_GAP], 3);
	sockcap_free(f.c);
	th_stop(&t);
}

/* Nothing lost: no gap. An offset unknown (the socket forgotten mid-
 * call): passed on as it is, no gap either. A record that comes after
 * the one after it (its bytes fed as a gap by then): dropped, counted. */
static void test_no_false_gaps(void)
{
	struct th t;
	struct feed f = { &t, sc_new(), { 0, 0 } };
	struct sockcap_gaps g;

	th_opts(&t.o);
	th_start(&t, false);
	run(&f, 0, 0);
	sockcap_gaps(f.c, &g);
	T_EQ_INT(g.records, 0);
	T_EQ_INT(th_spans(&t), 6);
	/* a new connection: its offsets begin at 0 */
	sock(&f, SOCK_K_ACCEPT, 10 * S);
	f.off[0] = f.off[1] = DATA_SEQ_NONE;
	data(&f, DATA_DIR_RECV, 11 * S, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n", false);
	f.off[0] = f.off[1] = 0;
	sockcap_gaps(f.c, &g);
	T_EQ_INT(g.records, 0);
	/* the record of /b held back, /c's delivered first */
	data(&f, DATA_DIR_RECV, 12 * S, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n", true);
	data(&f, DATA_DIR_RECV, 13 * S, "GET /c HTTP/1.1\r\nHost: h\r\n\r\n", false);
	f.off[0] = 0;
	data(&f, DATA_DIR_RECV, 12 * S, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n", false);
	sockcap_gaps(f.c, &g);
	T_EQ_INT(g.records, 1);
	T_EQ_INT(g.late, 1);
	sockcap_free(f.c);
	th_stop(&t);
}

int main(void)
{
	T_RUN(test_lost_response);
	T_RUN(test_lost_response_perf);
	T_RUN(test_without_offsets);
	T_RUN(test_lost_request);
	T_RUN(test_lost_both);
	T_RUN(test_no_false_gaps);
	return t_done();
}
