/* The OTLP/HTTP sink against tests/node/receiver.js, which decodes every
 * request with the OpenTelemetry project's protobuf code (the oracle) and
 * logs it. Exact request counts at the receiver prove nothing was lost
 * where the spec says retry and nothing retried where it says not. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>

#include "rawtel/err.h"
#include "sink_t.h"

/* t.h formats the compared strings into a fixed buffer; harmless here */
#pragma GCC diagnostic ignored "-Wformat-truncation"

struct fixture {
	struct loop *l;
	struct sink *s;
	struct st_rcv r;
	struct st_req q[64];
	int nq, conns;
};

static void fx_start(struct fixture *f, const char *script, struct sink_config *c_or_null)
{
	struct sink_config c;

	st_require_node();
	memset(f, 0, sizeof(*f));
	st_nlogs = 0;
	sink_set_log(st_log_capture);
	T_ASSERT(st_rcv_start(&f->r, script) == 0, "receiver did not start");
	if (c_or_null) {
		c = *c_or_null;
		char url[64];

		snprintf(url, sizeof(url), "http://127.0.0.1:%d", f->r.port);
		T_ASSERT(sink_config_set_endpoint(&c, -1, url) == 0);
	} else {
		st_config(&c, f->r.port);
	}
	T_ASSERT(loop_new(&f->l) == 0);
	T_ASSERT(sink_new(f->l, &c, &f->s) == 0, "sink_new");
}

static void fx_read(struct fixture *f)
{
	f->nq = st_rcv_requests(&f->r, f->q, 64, &f->conns);
}

static void fx_end(struct fixture *f)
{
	sink_free(f->s);
	loop_free(f->l);
	st_rcv_cleanup(&f->r);
	sink_set_log(NULL);
}

/* All three signals in both encodings over one kept-alive connection, in
 * order, with the configured headers and rawtel's User-Agent. */
static void test_deliver_keepalive(void)
{
	struct fixture f;
	struct sink_config c;
	struct sink_stats st;

	st_config(&c, 1);
	T_ASSERT(sink_config_set_headers(&c, -1, "x-tenant=a%20b,api-key=k1") == 0);
	fx_start(&f, "[]", &c);
	for (int i = 0; i < 4; i++) {
		T_EQ_INT(st_submit(f.s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", i), 0);
		T_EQ_INT(st_submit(f.s, SINK_METRICS, SINK_PROTO_JSON, "m", i), 0);
		T_EQ_INT(st_submit(f.s, SINK_LOGS, i % 2 ? SINK_PROTO_JSON : SINK_PROTO_PROTOBUF, "l", i), 0);
	}
	T_CHECK(st_run_until_idle(f.l, f.s, 10000));
	fx_read(&f);
	T_EQ_INT(f.nq, 12);
	T_EQ_INT(f.conns, 1);
	T_EQ_INT(sink_connections(f.s), 1);
	int next[SINK_NSIG] = { 0, 0, 0 };

	for (int i = 0; i < f.nq; i++) {
		char want[16];
		int sig = strstr(f.q[i].path, "traces") ? 0 : strstr(f.q[i].path, "metrics") ? 1 : 2;

		T_CHECK(f.q[i].ok, "the oracle rejected a request");
		snprintf(want, sizeof(want), "%c%d", "tml"[sig], next[sig]++);
		T_EQ_STR(f.q[i].item, want);
		T_CHECK(strstr(f.q[i].line, "\"user-agent\":\"rawtel/" RAWTEL_VERSION "\""));
		T_CHECK(strstr(f.q[i].line, "\"x-tenant\":\"a b\""));
		T_CHECK(strstr(f.q[i].line, "\"api-key\":\"k1\""));
		T_CHECK(strstr(f.q[i].line, sig == 1 ? "\"ctype\":\"application/json\"" : "\"ctype\":\"application/"));
	}
	/* the connection's local end is known as the sink's own (a traced
	 * collector's view of it is not traced), its neighbours are not */
	int own = 0;

	for (int fd = 0; fd < 1024; fd++) {
		struct sockaddr_in peer, me;
		socklen_t pl = sizeof(peer), ml = sizeof(me);
		uint8_t a[16] = { [10] = 0xff, [11] = 0xff };

		if (getpeername(fd, (struct sockaddr *)&peer, &pl) || peer.sin_family != AF_INET ||
		    ntohs(peer.sin_port) != f.r.port || getsockname(fd, (struct sockaddr *)&me, &ml))
			continue;
		memcpy(a + 12, &me.sin_addr, 4);
		T_CHECK(sink_own_endpoint(f.s, a, ntohs(me.sin_port)), "own end not known");
		T_CHECK(!sink_own_endpoint(f.s, a, (uint16_t)(ntohs(me.sin_port) + 1)));
		a[15] ^= 1;
		T_CHECK(!sink_own_endpoint(f.s, a, ntohs(me.sin_port)));
		own++;
	}
	T_EQ_INT(own, 1);
	sink_stats(f.s, SINK_METRICS, &st);
	T_EQ_INT(st.sent, 4);
	T_EQ_INT(st.succeeded, 4);
	T_EQ_INT(st.retried, 0);
	T_EQ_INT(st.queue_requests, 0);
	T_CHECK(st.bytes_sent > 4 * 60);
	fx_end(&f);
}

/* OTEL_EXPORTER_OTLP_COMPRESSION=gzip, traces only by its per-signal
 * variable: the receiver inflates with Node's zlib before the oracle
 * decodes, and the other signals go as they are. */
static void test_gzip(void)
{
	struct fixture f;
	struct sink_config c;

	st_config(&c, 1);
	T_ASSERT(sink_config_set_compression(&c, SINK_TRACES, "gzip") == 0);
	T_EQ_INT(sink_config_set_compression(&c, -1, "br"), -EINVAL);
	fx_start(&f, "[]", &c);
	for (int i = 0; i < 3; i++) {
		T_EQ_INT(st_submit(f.s, SINK_TRACES, i % 2 ? SINK_PROTO_JSON : SINK_PROTO_PROTOBUF, "t", i), 0);
		T_EQ_INT(st_submit(f.s, SINK_LOGS, SINK_PROTO_PROTOBUF, "l", i), 0);
	}
	T_CHECK(st_run_until_idle(f.l, f.s, 10000));
	fx_read(&f);
	T_EQ_INT(f.nq, 6);
	for (int i = 0; i < f.nq; i++) {
		int traces = strstr(f.q[i].path, "traces") != NULL;

		T_CHECK(f.q[i].ok, "the oracle rejected a request");
		T_CHECK(!strstr(f.q[i].line, "\"content-encoding\":\"gzip\"") == !traces);
	}
	fx_end(&f);
}

/* 503 + Retry-After: 1 -> the second try comes a second later; 429, 502
 * and 504 retried with backoff; each request arrives exactly once more. */
static void test_retry_after_and_retryable(void)
{
	struct fixture f;
	struct sink_stats st;

	fx_start(&f, "[{\"status\":503,\"retryAfter\":\"1\"},{\"status\":429},{\"status\":502},"
		     "{\"status\":504}]", NULL);
	T_EQ_INT(st_submit(f.s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", 0), 0);
	T_CHECK(st_run_until_idle(f.l, f.s, 10000));
	fx_read(&f);
	T_EQ_INT(f.nq, 5);
	for (int i = 0; i < f.nq; i++)
		T_EQ_STR(f.q[i].item, "t0");
	long long gap = f.q[1].t - f.q[0].t;

	T_CHECK(gap >= 950 && gap <= 1500, "Retry-After: 1 not honoured");
	if (gap < 950 || gap > 1500)
		printf("  gap after 503: %lld ms\n", gap);
	for (int i = 2; i < 5; i++)	/* backoff 100..400 ms with jitter */
		T_CHECK(f.q[i].t - f.q[i - 1].t >= 45);
	sink_stats(f.s, SINK_TRACES, &st);
	T_EQ_INT(st.sent, 5);
	T_EQ_INT(st.retried, 4);
	T_EQ_INT(st.succeeded, 1);
	T_EQ_INT(st.failed, 0);
	T_EQ_INT(f.conns, 1);	/* error answers keep the connection */
	fx_end(&f);
}

static void test_retry_after_http_date(void)
{
	struct fixture f;
	char script[160], date[64];
	time_t at = time(NULL) + 2;
	struct tm tm;

	gmtime_r(&at, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	snprintf(script, sizeof(script), "[{\"status\":429,\"retryAfter\":\"%s\"}]", date);
	fx_start(&f, script, NULL);
	T_EQ_INT(st_submit(f.s, SINK_LOGS, SINK_PROTO_JSON, "l", 0), 0);
	T_CHECK(st_run_until_idle(f.l, f.s, 10000));
	fx_read(&f);
	T_EQ_INT(f.nq, 2);
	long long gap = f.q[1].t - f.q[0].t;

	/* a whole-second date two seconds ahead: between 1 and 2 s */
	T_CHECK(gap >= 900 && gap <= 2600);
	fx_end(&f);
}

/* 400 (with a google.rpc.Status message), 500 and 413 are not retried:
 * the receiver sees each request once; the message is logged once. */
static void test_no_retry(void)
{
	struct fixture f;
	struct sink_stats st;

	fx_start(&f, "[{\"status\":400,\"message\":\"bad span data\"},{\"status\":500},"
		     "{\"status\":413}]", NULL);
	for (int i = 0; i < 4; i++)
		T_EQ_INT(st_submit(f.s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", i), 0);
	T_CHECK(st_run_until_idle(f.l, f.s, 10000));
	fx_read(&f);
	T_EQ_INT(f.nq, 4);
	for (int i = 0; i < f.nq; i++) {
		char want[8];

		snprintf(want, sizeof(want), "t%d", i);
		T_EQ_STR(f.q[i].item, want);
	}
	sink_stats(f.s, SINK_TRACES, &st);
	T_EQ_INT(st.failed, 3);
	T_EQ_INT(st.dropped[SINK_DROP_REJECTED], 3);
	T_EQ_INT(st.succeeded, 1);
	T_EQ_INT(st.retried, 0);
	T_EQ_INT(st_logs_with("refused a traces request with HTTP 400: bad span data"), 1);
	T_EQ_INT(st_logs_with("refused"), 1);	/* rate limited */
	fx_end(&f);
}

/* JSON error bodies decode too. */
static void test_no_retry_json_status(void)
{
	struct fixture f;

	fx_start(&f, "[{\"status\":404,\"message\":\"no such tenant\"}]", NULL);
	T_EQ_INT(st_submit(f.s, SINK_METRICS, SINK_PROTO_JSON, "m", 0), 0);
	T_CHECK(st_run_until_idle(f.l, f.s, 10000));
	fx_read(&f);
	T_EQ_INT(f.nq, 1);
	T_EQ_INT(st_logs_with("HTTP 404: no such tenant"), 1);
	fx_end(&f);
}

/* 200 with partial_success: logged with the rejected count, not retried. */
static void test_partial_success(void)
{
	struct fixture f;
	struct sink_stats st;

	fx_start(&f, "[{\"partial\":3,\"message\":\"spans too old\"},{\"partial\":2,\"message\":\"bad points\"}]",
		 NULL);
	T_EQ_INT(st_submit(f.s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", 0), 0);
	T_CHECK(st_run_until_idle(f.l, f.s, 10000));
	T_EQ_INT(st_submit(f.s, SINK_METRICS, SINK_PROTO_JSON, "m", 0), 0);
	T_CHECK(st_run_until_idle(f.l, f.s, 10000));
	fx_read(&f);
	T_EQ_INT(f.nq, 2);
	sink_stats(f.s, SINK_TRACES, &st);
	T_EQ_INT(st.partial_rejected, 3);
	T_EQ_INT(st.succeeded, 1);
	T_EQ_INT(st.retried, 0);
	sink_stats(f.s, SINK_METRICS, &st);
	T_EQ_INT(st.partial_rejected, 2);
	T_EQ_INT(st_logs_with("accepted traces with partial success: 3 rejected: spans too old"), 1);
	fx_end(&f);
}

/* Connections closed mid-request are retried: nothing lost. */
static void test_close_mid_request(void)
{
	struct fixture f;
	struct sink_stats st;

	fx_start(&f, "[{\"close\":true},{\"close\":true}]", NULL);
	for (int i = 0; i < 3; i++)
		T_EQ_INT(st_submit(f.s, SINK_LOGS, SINK_PROTO_PROTOBUF, "l", i), 0);
	T_CHECK(st_run_until_idle(f.l, f.s, 10000));
	fx_read(&f);
	T_EQ_INT(f.nq, 5);
	const char *want[] = { NULL, NULL, "l0", "l1", "l2" };

	for (int i = 2; i < 5 && i < f.nq; i++)
		T_EQ_STR(f.q[i].item, want[i]);
	sink_stats(f.s, SINK_LOGS, &st);
	T_EQ_INT(st.succeeded, 3);
	T_EQ_INT(st.retried, 2);
	fx_end(&f);
}

/* A server slower than the timeout: the attempt is abandoned and retried. */
static void test_timeout(void)
{
	struct fixture f;
	struct sink_config c;
	struct sink_stats st;

	st_config(&c, 1);
	T_ASSERT(sink_config_set_timeout(&c, -1, "400") == 0);
	fx_start(&f, "[{\"delayMs\":1500}]", &c);
	uint64_t t0 = loop_now_ms();

	T_EQ_INT(st_submit(f.s, SINK_TRACES, SINK_PROTO_JSON, "t", 0), 0);
	T_CHECK(st_run_until_idle(f.l, f.s, 10000));
	fx_read(&f);
	T_EQ_INT(f.nq, 2);
	sink_stats(f.s, SINK_TRACES, &st);
	T_EQ_INT(st.retried, 1);
	T_EQ_INT(st.succeeded, 1);
	T_CHECK(loop_now_ms() - t0 >= 400);
	T_EQ_INT(st_logs_with("within 400 ms"), 1);
	fx_end(&f);
}

/* The server closes idle keep-alive connections: the next request opens
 * a new one without a failure. */
static void test_keepalive_server_close(void)
{
	struct fixture f;
	struct sink_config c;
	struct sink_stats st;

	st_config(&c, 1);
	st_require_node();
	memset(&f, 0, sizeof(f));
	sink_set_log(st_log_capture);
	T_ASSERT(st_rcv_start_at(&f.r, "127.0.0.1", 0, "[]", 200, NULL) == 0);
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", f.r.port);
	T_ASSERT(sink_config_set_endpoint(&c, -1, url) == 0);
	T_ASSERT(loop_new(&f.l) == 0);
	T_ASSERT(sink_new(f.l, &c, &f.s) == 0);
	T_EQ_INT(st_submit(f.s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", 0), 0);
	T_CHECK(st_run_until_idle(f.l, f.s, 5000));
	st_run_for(f.l, 2000);	/* node closes idle sockets within ~1.2 s */
	T_EQ_INT(st_submit(f.s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", 1), 0);
	T_CHECK(st_run_until_idle(f.l, f.s, 5000));
	fx_read(&f);
	T_EQ_INT(f.nq, 2);
	T_EQ_INT(f.conns, 2);
	sink_stats(f.s, SINK_TRACES, &st);
	T_EQ_INT(st.retried, 0);
	T_EQ_INT(st.succeeded, 2);
	fx_end(&f);
}

/* A kept-alive connection that dies as the next request goes out (the
 * server closed it at that moment): retried at once on a fresh
 * connection, without waiting for a backoff step. */
static void test_stale_keepalive_retry(void)
{
	struct fixture f;
	struct sink_config c;
	struct sink_stats st;

	st_config(&c, 1);
	c.backoff_initial_ms = c.backoff_max_ms = 3000;
	fx_start(&f, "[{},{\"close\":true}]", &c);
	T_EQ_INT(st_submit(f.s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", 0), 0);
	T_CHECK(st_run_until_idle(f.l, f.s, 5000));
	T_EQ_INT(st_submit(f.s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", 1), 0);
	T_CHECK(st_run_until_idle(f.l, f.s, 5000));
	fx_read(&f);
	T_EQ_INT(f.nq, 3);
	T_EQ_INT(f.conns, 2);
	T_EQ_STR(f.q[2].item, "t1");
	T_CHECK(f.q[2].t - f.q[1].t < 1000, "waited for a backoff step");
	sink_stats(f.s, SINK_TRACES, &st);
	T_EQ_INT(st.retried, 1);
	T_EQ_INT(st.succeeded, 2);
	fx_end(&f);
}

/* Until the collector's answer on the sink's connection to port can be
 * read (without reading it), at most ms */
static int answer_waiting(int port, int ms)
{
	for (int fd = 0; fd < 1024; fd++) {
		struct sockaddr_in peer;
		socklen_t pl = sizeof(peer);
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (getpeername(fd, (struct sockaddr *)&peer, &pl) || peer.sin_family != AF_INET ||
		    ntohs(peer.sin_port) != port)
			continue;
		return poll(&p, 1, ms) == 1;
	}
	return 0;
}

/* Requests queued while the loop does not run (the agent in a long ring
 * drain): each one moves the exchange in progress on, its answer taken
 * and the next request sent, so a one-request queue drops nothing when
 * the collector keeps up. Before, answers were read only by the loop and
 * every request but the last two was dropped. */
static void test_progress_between_loops(void)
{
	struct fixture f;
	struct sink_config c;
	struct sink_stats st;

	st_config(&c, 1);
	c.queue_max_requests = 1;
	fx_start(&f, "[]", &c);
	T_EQ_INT(st_submit(f.s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", 0), 0);
	/* connected and the first request written, its answer not yet read:
	 * one loop step at a time */
	for (int i = 0; i < 200 && (sink_stats(f.s, SINK_TRACES, &st), !st.sent); i++)
		loop_run_once(f.l, 20);
	for (int i = 1; i < 8; i++) {
		T_CHECK(answer_waiting(f.r.port, 5000), "no answer to the last request");
		T_EQ_INT(st_submit(f.s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", i), 0);
	}
	sink_stats(f.s, SINK_TRACES, &st);
	T_EQ_INT(st.succeeded, 7);
	T_CHECK(st_run_until_idle(f.l, f.s, 5000));
	fx_read(&f);
	T_EQ_INT(f.nq, 8);
	T_EQ_STR(f.q[7].item, "t7");
	sink_stats(f.s, SINK_TRACES, &st);
	T_EQ_INT(st.dropped[SINK_DROP_QUEUE_FULL], 0);
	T_EQ_INT(st.succeeded, 8);
	fx_end(&f);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	T_RUN(test_deliver_keepalive);
	T_RUN(test_gzip);
	T_RUN(test_retry_after_and_retryable);
	T_RUN(test_retry_after_http_date);
	T_RUN(test_no_retry);
	T_RUN(test_no_retry_json_status);
	T_RUN(test_partial_success);
	T_RUN(test_close_mid_request);
	T_RUN(test_timeout);
	T_RUN(test_keepalive_server_close);
	T_RUN(test_stale_keepalive_retry);
	T_RUN(test_progress_between_loops);
	return t_done();
}
