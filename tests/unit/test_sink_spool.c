/* Outages: the spool keeps requests on disk while the collector is down
 * and replays them in order when it returns (also after a restart), its
 * bound drops the oldest with counters that match what the receiver got,
 * shutdown keeps what it could not deliver, memory stays bounded (over all
 * signals) without a spool and spills to it with one while the collector
 * stalls, and endpoints by IPv6 address and by host name work. */
#include <dirent.h>
#include <errno.h>

#include "rawtel/err.h"
#include "sink_t.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

static char spool_dir[64];

static void make_spool_dir(void)
{
	snprintf(spool_dir, sizeof(spool_dir), "/tmp/rawtel-spool.XXXXXX");
	T_ASSERT(mkdtemp(spool_dir) != NULL);
}

static void remove_dir(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (!strncmp(dir, "/tmp/rawtel-", 12) && system(cmd))
		printf("  (could not remove %s)\n", dir);
}

/* Files in the spool directory, and whether all are 0600. */
static int spool_files(int *all_0600)
{
	DIR *d = opendir(spool_dir);
	struct dirent *de;
	int n = 0;

	*all_0600 = 1;
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char p[512];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", spool_dir, de->d_name);
		if (!stat(p, &st) && (st.st_mode & 0777) != 0600)
			*all_0600 = 0;
		n++;
	}
	closedir(d);
	return n;
}

static void expect_items(const struct st_req *q, int n, const char *prefix, int first, int count)
{
	T_EQ_INT(n, count);
	for (int i = 0; i < n && i < count; i++) {
		char want[32];

		snprintf(want, sizeof(want), "%s%d", prefix, first + i);
		T_EQ_STR(q[i].item, want);
		T_CHECK(q[i].ok);
		if (strcmp(q[i].item, want))
			return;
	}
}

/* A sink spooling into spool_dir for a collector on a free port that is
 * not up yet; spool_end also stops the receiver and removes the spool. */
struct spool_fix {
	struct loop *l;
	struct sink *s;
	struct sink_config c;
	struct st_rcv r;
	int port;
};

static void spool_begin(struct spool_fix *f, int max_files)
{
	memset(f, 0, sizeof(*f));
	f->port = st_free_port();
	st_require_node();
	make_spool_dir();
	sink_set_log(st_log_capture);
	st_config(&f->c, f->port);
	snprintf(f->c.spool_dir, sizeof(f->c.spool_dir), "%s", spool_dir);
	if (max_files)
		f->c.spool_max_files = max_files;
	T_ASSERT(loop_new(&f->l) == 0);
	T_ASSERT(sink_new(f->l, &f->c, &f->s) == 0);
}

/* The collector comes up: run until the sink is idle, and read what it got */
static int spool_deliver(struct spool_fix *f, struct st_req *q, int max)
{
	int conns;

	T_ASSERT(st_rcv_start_at(&f->r, "127.0.0.1", f->port, "[]", 5000, NULL) == 0);
	T_CHECK(st_run_until_idle(f->l, f->s, 10000));
	return st_rcv_requests(&f->r, q, max, &conns);
}

static void spool_end(struct spool_fix *f)
{
	sink_free(f->s);
	loop_free(f->l);
	st_rcv_cleanup(&f->r);
	remove_dir(spool_dir);
	sink_set_log(NULL);
}

/* Collector down for several seconds: everything submitted meanwhile is
 * spooled (0600 files) and replayed in order once it is back. */
static void test_outage_replay_in_order(void)
{
	struct spool_fix f;
	struct sink_stats st;
	static struct st_req q[64];
	int all_0600;

	spool_begin(&f, 0);
	for (int i = 0; i < 10; i++) {	/* 3 s of outage */
		T_EQ_INT(st_submit(f.s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", i), 0);
		st_run_for(f.l, 300);
	}
	sink_stats(f.s, SINK_TRACES, &st);
	T_EQ_INT(st.spool_files, 10);
	T_EQ_INT(st.queue_requests, 0);
	T_EQ_INT(spool_files(&all_0600), 10);
	T_CHECK(all_0600);
	T_CHECK(st.retried >= 3);
	T_CHECK(st_logs_with("cannot connect to 127.0.0.1:") == 1);
	expect_items(q, spool_deliver(&f, q, 64), "t", 0, 10);
	sink_stats(f.s, SINK_TRACES, &st);
	T_EQ_INT(st.succeeded, 10);
	T_EQ_INT(st.spool_files, 0);
	T_EQ_INT(st.spool_bytes, 0);
	T_EQ_INT(spool_files(&all_0600), 0);
	spool_end(&f);
}

/* A spool bound of 4 files with 11 requests in an outage: the 7 oldest are
 * dropped and counted, the newest 4 arrive. */
static void test_spool_bound(void)
{
	struct spool_fix f;
	struct sink_stats st;
	static struct st_req q[64];
	int all_0600;

	spool_begin(&f, 4);
	for (int i = 0; i < 11; i++) {
		T_EQ_INT(st_submit(f.s, SINK_LOGS, SINK_PROTO_JSON, "l", i), 0);
		st_run_for(f.l, 50);
	}
	sink_stats(f.s, SINK_LOGS, &st);
	T_EQ_INT(st.spool_files, 4);
	T_EQ_INT(st.dropped[SINK_DROP_SPOOL_FULL], 7);
	T_EQ_INT(spool_files(&all_0600), 4);
	expect_items(q, spool_deliver(&f, q, 64), "l", 7, 4);
	sink_stats(f.s, SINK_LOGS, &st);
	T_EQ_INT(st.succeeded, 4);
	T_EQ_INT(st.succeeded + st.dropped[SINK_DROP_SPOOL_FULL], 11);
	spool_end(&f);
}

/* Shutdown during an outage spools everything; a new sink on the same
 * directory (a restarted rawtel) replays it first, then new requests. */
static void test_spool_survives_restart(void)
{
	struct spool_fix f;
	static struct st_req q[64];

	spool_begin(&f, 0);
	/* no failure yet: these sit in memory until the flush */
	for (int i = 0; i < 3; i++)
		T_EQ_INT(st_submit(f.s, SINK_METRICS, SINK_PROTO_PROTOBUF, "m", i), 0);
	T_EQ_INT(sink_flush(f.s, loop_now_ms() + 300), 3);
	sink_free(f.s);
	loop_free(f.l);

	T_ASSERT(loop_new(&f.l) == 0);
	T_ASSERT(sink_new(f.l, &f.c, &f.s) == 0);
	T_EQ_INT(st_submit(f.s, SINK_METRICS, SINK_PROTO_PROTOBUF, "m", 3), 0);
	expect_items(q, spool_deliver(&f, q, 64), "m", 0, 4);
	T_EQ_INT(sink_flush(f.s, loop_now_ms() + 100), 0);
	spool_end(&f);
}

/* sink_flush delivers what is pending within the deadline. */
static void test_flush_delivers(void)
{
	struct loop *l;
	struct sink *s;
	struct sink_config c;
	struct st_rcv r = { 0 };
	static struct st_req q[64];
	int conns;

	st_require_node();
	T_ASSERT(st_rcv_start(&r, "[{\"delayMs\":200,\"times\":3}]") == 0);
	st_config(&c, r.port);
	T_ASSERT(loop_new(&l) == 0);
	T_ASSERT(sink_new(l, &c, &s) == 0);
	for (int i = 0; i < 3; i++)
		T_EQ_INT(st_submit(s, SINK_TRACES, SINK_PROTO_JSON, "t", i), 0);
	T_EQ_INT(sink_flush(s, loop_now_ms() + 5000), 0);
	int n = st_rcv_requests(&r, q, 64, &conns);

	expect_items(q, n, "t", 0, 3);
	sink_free(s);
	loop_free(l);
	st_rcv_cleanup(&r);
}

/* Without a spool, a long outage costs bounded memory: the queue holds at
 * most its bound and every dropped request is counted. */
static void test_memory_bounded(void)
{
	struct loop *l;
	struct sink *s;
	struct sink_config c;
	struct sink_stats st;
	static uint8_t body[4000];

	sink_set_log(st_log_capture);
	st_config(&c, st_free_port());
	c.queue_max_requests = 1000;
	c.queue_max_bytes = 64 << 10;
	T_ASSERT(loop_new(&l) == 0);
	T_ASSERT(sink_new(l, &c, &s) == 0);
	memset(body, 'x', sizeof(body));
	for (int i = 0; i < 500; i++) {
		T_EQ_INT(sink_submit(s, SINK_LOGS, body, sizeof(body), SINK_PROTO_PROTOBUF), 0);
		if (i % 50 == 0)
			loop_run_once(l, 0);
		sink_stats(s, SINK_LOGS, &st);
		T_ASSERT(st.queue_bytes <= c.queue_max_bytes);
	}
	sink_stats(s, SINK_LOGS, &st);
	T_EQ_INT(st.queue_bytes_peak <= c.queue_max_bytes, 1);
	T_EQ_INT(st.queue_requests, (64 << 10) / 4000);
	/* in the queue + held for retry + dropped = submitted */
	T_EQ_INT(st.queue_requests + 1 + st.dropped[SINK_DROP_QUEUE_FULL], 500);
	T_EQ_INT(st_logs_with("logs queue full"), 1);
	/* a request over the byte bound goes in alone: the others are
	 * dropped, counted (a batch of long spans must not be refused) */
	static uint8_t huge[(64 << 10) + 1];
	uint64_t full = st.dropped[SINK_DROP_QUEUE_FULL];

	T_EQ_INT(sink_submit(s, SINK_LOGS, huge, sizeof(huge), SINK_PROTO_PROTOBUF), 0);
	sink_stats(s, SINK_LOGS, &st);
	T_EQ_INT(st.queue_requests, 1);
	T_EQ_INT(st.dropped[SINK_DROP_QUEUE_FULL], full + (64 << 10) / 4000);
	T_EQ_INT(st.dropped[SINK_DROP_TOO_LARGE], 0);
	/* shutdown without a spool: what is left is counted, not silently lost */
	int left = sink_flush(s, loop_now_ms() + 50);

	sink_stats(s, SINK_LOGS, &st);
	T_EQ_INT(left, 2);	/* the big one queued, one held for retry */
	T_EQ_INT(st.dropped[SINK_DROP_SHUTDOWN], left);
	T_EQ_INT(sink_submit(s, SINK_LOGS, body, 0, SINK_PROTO_PROTOBUF), -EINVAL);
	sink_free(s);
	loop_free(l);
	sink_set_log(NULL);
}

/* Bytes queued in memory over all signals, checked against the bound. */
static uint64_t queued_bytes(struct sink *s, uint64_t bound)
{
	struct sink_stats st;
	uint64_t n = 0;

	for (int sig = 0; sig < SINK_NSIG; sig++) {
		sink_stats(s, sig, &st);
		n += st.queue_bytes;
	}
	T_ASSERT(n <= bound);
	return n;
}

/* The byte bound holds over all signals: a busy signal filling it gives
 * its oldest requests to one that comes later (never starves it), and
 * every request is queued, held for a retry or dropped and counted. */
static void test_memory_bound_all_signals(void)
{
	struct loop *l;
	struct sink *s;
	struct sink_config c;
	struct sink_stats t, m, g;
	static uint8_t body[4000];

	sink_set_log(st_log_capture);
	st_nlogs = 0;
	st_config(&c, st_free_port());
	c.queue_max_requests = 1000;
	c.queue_max_bytes = 64 << 10;
	T_ASSERT(loop_new(&l) == 0);
	T_ASSERT(sink_new(l, &c, &s) == 0);
	memset(body, 'x', sizeof(body));
	for (int i = 0; i < 40; i++) {
		T_EQ_INT(sink_submit(s, SINK_TRACES, body, sizeof(body), SINK_PROTO_PROTOBUF), 0);
		queued_bytes(s, c.queue_max_bytes);
	}
	T_EQ_INT(sink_submit(s, SINK_METRICS, body, sizeof(body), SINK_PROTO_PROTOBUF), 0);
	T_EQ_INT(sink_submit(s, SINK_LOGS, body, sizeof(body), SINK_PROTO_PROTOBUF), 0);
	T_EQ_INT(queued_bytes(s, c.queue_max_bytes), (64 << 10) / 4000 * 4000);
	sink_stats(s, SINK_TRACES, &t);
	sink_stats(s, SINK_METRICS, &m);
	sink_stats(s, SINK_LOGS, &g);
	T_EQ_INT(m.queue_requests, 1);
	T_EQ_INT(g.queue_requests, 1);
	T_EQ_INT(t.queue_requests, (64 << 10) / 4000 - 2);
	T_EQ_INT(m.dropped[SINK_DROP_QUEUE_FULL] + g.dropped[SINK_DROP_QUEUE_FULL], 0);
	/* the first traces request is held by the endpoint for its retry */
	T_EQ_INT(t.queue_requests + 1 + t.dropped[SINK_DROP_QUEUE_FULL], 40);
	T_EQ_INT(st_logs_with("traces queue full"), 1);
	sink_free(s);
	loop_free(l);
	sink_set_log(NULL);
}

/* A collector that stalls (answers its first request after 1.5 s) while
 * traces and logs come in: what passes the byte bound over both goes to
 * the spool, not dropped, memory stays under the bound, and everything
 * arrives in order per signal afterwards. */
static void test_stalled_collector_spools(void)
{
	struct spool_fix f;
	struct sink_stats st;
	static struct st_req q[64], per[2][64];
	int n, conns, got[2] = { 0, 0 };

	memset(&f, 0, sizeof(f));
	st_require_node();
	make_spool_dir();
	sink_set_log(st_log_capture);
	T_ASSERT(st_rcv_start(&f.r, "[{\"delayMs\":1500}]") == 0);
	st_config(&f.c, f.r.port);
	snprintf(f.c.spool_dir, sizeof(f.c.spool_dir), "%s", spool_dir);
	f.c.queue_max_bytes = 300;	/* about 5 of these requests */
	T_ASSERT(loop_new(&f.l) == 0);
	T_ASSERT(sink_new(f.l, &f.c, &f.s) == 0);
	for (int i = 0; i < 12; i++) {
		T_EQ_INT(st_submit(f.s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", i), 0);
		T_EQ_INT(st_submit(f.s, SINK_LOGS, SINK_PROTO_PROTOBUF, "l", i), 0);
		st_run_for(f.l, 20);
		queued_bytes(f.s, f.c.queue_max_bytes);
	}
	sink_stats(f.s, SINK_LOGS, &st);
	T_EQ_INT(st.succeeded, 0);
	T_CHECK(st.spool_files >= 5);
	T_CHECK(st_run_until_idle(f.l, f.s, 10000));
	n = st_rcv_requests(&f.r, q, 64, &conns);
	for (int i = 0; i < n; i++) {
		int k = !strcmp(q[i].path, "/v1/logs");

		per[k][got[k]++] = q[i];
	}
	expect_items(per[0], got[0], "t", 0, 12);
	expect_items(per[1], got[1], "l", 0, 12);
	for (int sig = 0; sig < SINK_NSIG; sig += 2) {
		uint64_t dropped = 0;

		sink_stats(f.s, sig, &st);
		for (int d = 0; d < SINK_DROP_N; d++)
			dropped += st.dropped[d];
		T_EQ_INT(st.succeeded, 12);
		T_EQ_INT(dropped, 0);
	}
	spool_end(&f);
}

/* IPv6 literal endpoint, and a host name resolved off the loop
 * ("localhost": whichever of ::1 and 127.0.0.1 it gives first, the other
 * is tried when that one refuses). */
static void test_ipv6_and_names(void)
{
	struct loop *l;
	struct sink *s;
	struct sink_config c;
	struct st_rcv r = { 0 }, r6 = { 0 };
	static struct st_req q[64];
	char url[64];
	int conns;

	st_require_node();
	sink_set_log(st_log_capture);
	T_ASSERT(st_rcv_start(&r, "[]") == 0);
	st_config(&c, r.port);
	snprintf(url, sizeof(url), "http://localhost:%d/", r.port);
	T_ASSERT(sink_config_set_endpoint(&c, -1, url) == 0);
	T_ASSERT(loop_new(&l) == 0);
	T_ASSERT(sink_new(l, &c, &s) == 0);
	T_EQ_INT(st_submit(s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", 0), 0);
	T_CHECK(st_run_until_idle(l, s, 10000));
	int n = st_rcv_requests(&r, q, 64, &conns);

	expect_items(q, n, "t", 0, 1);
	T_CHECK(strstr(q[0].line, "\"host\":\"localhost:"));
	sink_free(s);
	st_rcv_cleanup(&r);

	if (st_rcv_start_at(&r6, "::1", 0, "[]", 5000, NULL)) {
		loop_free(l);
		st_rcv_cleanup(&r6);
		T_SKIP("no IPv6 loopback here");
	}
	st_config(&c, 1);
	snprintf(url, sizeof(url), "http://[::1]:%d/otlp/", r6.port);
	T_ASSERT(sink_config_set_endpoint(&c, -1, url) == 0);
	T_ASSERT(sink_new(l, &c, &s) == 0);
	T_EQ_INT(st_submit(s, SINK_LOGS, SINK_PROTO_JSON, "l", 0), 0);
	T_CHECK(st_run_until_idle(l, s, 10000));
	n = st_rcv_requests(&r6, q, 64, &conns);
	expect_items(q, n, "l", 0, 1);
	T_EQ_STR(q[0].path, "/otlp/v1/logs");
	T_CHECK(strstr(q[0].line, "\"host\":\"[::1]:"));
	sink_free(s);
	loop_free(l);
	st_rcv_cleanup(&r6);
	sink_set_log(NULL);
}

/* A name that does not resolve fails the attempt (retried), and the loop
 * keeps running meanwhile. */
static void test_unresolvable_name(void)
{
	struct loop *l;
	struct sink *s;
	struct sink_config c;
	struct sink_stats st;

	sink_set_log(st_log_capture);
	st_nlogs = 0;
	st_config(&c, 1);
	T_ASSERT(sink_config_set_endpoint(&c, -1, "http://no-such-host.invalid:4318") == 0);
	T_ASSERT(sink_config_set_timeout(&c, -1, "2000") == 0);
	T_ASSERT(loop_new(&l) == 0);
	T_ASSERT(sink_new(l, &c, &s) == 0);
	T_EQ_INT(st_submit(s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", 0), 0);
	st_run_for(l, 2500);
	sink_stats(s, SINK_TRACES, &st);
	T_CHECK(st.retried >= 1);
	T_EQ_INT(st.sent, 0);
	T_CHECK(st_logs_with("no-such-host.invalid") >= 1);
	sink_free(s);
	loop_free(l);
	sink_set_log(NULL);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	T_RUN(test_outage_replay_in_order);
	T_RUN(test_spool_bound);
	T_RUN(test_spool_survives_restart);
	T_RUN(test_flush_delivers);
	T_RUN(test_memory_bounded);
	T_RUN(test_memory_bound_all_signals);
	T_RUN(test_stalled_collector_spools);
	T_RUN(test_ipv6_and_names);
	T_RUN(test_unresolvable_name);
	return t_done();
}
