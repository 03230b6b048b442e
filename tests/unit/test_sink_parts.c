/* The sink's parts on their own: backoff steps and jitter bounds, the
 * collector-response readers (protobuf bytes built by hand from the
 * google.rpc.Status and Export*ServiceResponse definitions, JSON as the
 * OTLP JSON mapping writes it) including malformed input, the queue and
 * the spool's order, bounds, recovery and restart. */
#include <dirent.h>
#include <errno.h>

#include "rawtel/err.h"
#include "rawtel/sink_parts.h"
#include "sink_t.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

static void test_backoff(void)
{
	/* step = min(max, initial * 2^attempt); delay in [step/2, step] */
	T_EQ_INT(backoff_delay_ms(0, 1000, 30000, 0), 500);
	T_EQ_INT(backoff_delay_ms(0, 1000, 30000, 500), 1000);
	T_EQ_INT(backoff_delay_ms(0, 1000, 30000, 501), 500);	/* rnd % 501 */
	T_EQ_INT(backoff_delay_ms(1, 1000, 30000, 0), 1000);
	T_EQ_INT(backoff_delay_ms(3, 1000, 30000, 4000), 8000);
	T_EQ_INT(backoff_delay_ms(4, 1000, 30000, 0), 8000);
	T_EQ_INT(backoff_delay_ms(5, 1000, 30000, 0), 15000);	/* capped at 30 s */
	T_EQ_INT(backoff_delay_ms(5, 1000, 30000, 15000), 30000);
	T_EQ_INT(backoff_delay_ms(4000000000u, 1000, 30000, 7), 15007);
	T_EQ_INT(backoff_delay_ms(0, 0, 30000, 9), 1);
	T_EQ_INT(backoff_delay_ms(2, 1, 1, 9), 1);
	/* jitter spreads: many draws are within bounds and not all equal */
	uint64_t lo = UINT64_MAX, hi = 0;

	for (int i = 0; i < 1000; i++) {
		uint64_t d = backoff_delay_ms(2, 1000, 30000, backoff_rand());

		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	T_CHECK(lo >= 2000 && hi <= 4000);
	T_CHECK(hi - lo > 1000);
}

static void test_rpc_protobuf(void)
{
	char msg[64];
	int64_t rej;
	/* Status { code: 3, message: "bad thing", details: [Any{}] } */
	static const uint8_t st[] = { 0x08, 0x03, 0x12, 0x09, 'b', 'a', 'd', ' ', 't', 'h', 'i', 'n',
				      'g', 0x1a, 0x00 };

	T_EQ_INT(rpc_status_message(st, sizeof(st), 0, msg, sizeof(msg)), 0);
	T_EQ_STR(msg, "bad thing");
	T_EQ_INT(rpc_status_message(st, 2, 0, msg, sizeof(msg)), -ENOENT);
	T_EQ_INT(rpc_status_message(st, 6, 0, msg, sizeof(msg)), -EBADMSG);	/* cut string */
	T_EQ_INT(rpc_status_message(st, sizeof(st), 0, msg, 4), 0);
	T_EQ_STR(msg, "bad");
	/* control characters in the message do not reach the log */
	static const uint8_t ctl[] = { 0x12, 0x03, 'a', '\n', 0xff };

	T_EQ_INT(rpc_status_message(ctl, sizeof(ctl), 0, msg, sizeof(msg)), 0);
	T_EQ_STR(msg, "a??");
	/* partial_success { rejected: 3, error_message: "old" } */
	static const uint8_t ps[] = { 0x0a, 0x07, 0x08, 0x03, 0x12, 0x03, 'o', 'l', 'd' };

	T_EQ_INT(rpc_partial_success(ps, sizeof(ps), 0, SINK_TRACES, &rej, msg, sizeof(msg)), 1);
	T_EQ_INT(rej, 3);
	T_EQ_STR(msg, "old");
	T_EQ_INT(rpc_partial_success(ps, 0, 0, SINK_LOGS, &rej, msg, sizeof(msg)), 0);
	T_EQ_INT(rej, 0);
	/* unknown fields of every wire type are skipped */
	static const uint8_t unk[] = { 0x15, 1, 2, 3, 4, 0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0x20, 0x7f,
				       0x0a, 0x02, 0x08, 0x05 };

	T_EQ_INT(rpc_partial_success(unk, sizeof(unk), 0, SINK_METRICS, &rej, msg, sizeof(msg)), 1);
	T_EQ_INT(rej, 5);
	/* malformed: group wire type, field 0, overlong varint, length past end */
	static const uint8_t grp[] = { 0x0b }, f0[] = { 0x02, 0x00 },
			     vlong[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 },
			     past[] = { 0x0a, 0x05, 0x08 }, inner[] = { 0x0a, 0x01, 0x0b };

	T_EQ_INT(rpc_partial_success(grp, 1, 0, 0, &rej, msg, sizeof(msg)), -EBADMSG);
	T_EQ_INT(rpc_partial_success(f0, 2, 0, 0, &rej, msg, sizeof(msg)), -EBADMSG);
	T_EQ_INT(rpc_partial_success(vlong, sizeof(vlong), 0, 0, &rej, msg, sizeof(msg)), -EBADMSG);
	T_EQ_INT(rpc_partial_success(past, 3, 0, 0, &rej, msg, sizeof(msg)), -EBADMSG);
	T_EQ_INT(rpc_partial_success(inner, 3, 0, 0, &rej, msg, sizeof(msg)), -EBADMSG);
}

static int js(const char *j, int sig, int64_t *rej, char *msg)
{
	return rpc_partial_success((const uint8_t *)j, strlen(j), 1, sig, rej, msg, 64);
}

static void test_rpc_json(void)
{
	char msg[64];
	int64_t rej;
	const char *st = "{\"code\": 3, \"message\": \"bad \\\"x\\\" \\u00e9\\n\", \"details\": [{}]}";

	T_EQ_INT(rpc_status_message((const uint8_t *)st, strlen(st), 1, msg, sizeof(msg)), 0);
	T_EQ_STR(msg, "bad \"x\" ? ");
	T_EQ_INT(rpc_status_message((const uint8_t *)"{}", 2, 1, msg, sizeof(msg)), -ENOENT);
	T_EQ_INT(rpc_status_message((const uint8_t *)"{\"message\":", 11, 1, msg, sizeof(msg)), -EBADMSG);
	T_EQ_INT(rpc_status_message((const uint8_t *)"[1]", 3, 1, msg, sizeof(msg)), -EBADMSG);
	T_EQ_INT(rpc_status_message((const uint8_t *)"{\"message\":3}", 13, 1, msg, sizeof(msg)), -EBADMSG);

	T_EQ_INT(js("{\"partialSuccess\":{\"rejectedSpans\":\"12\",\"errorMessage\":\"too old\"}}", SINK_TRACES, &rej, msg), 1);
	T_EQ_INT(rej, 12);
	T_EQ_STR(msg, "too old");
	T_EQ_INT(js(" { \"partialSuccess\" : { \"rejectedDataPoints\" : 7 } } ", SINK_METRICS, &rej, msg), 1);
	T_EQ_INT(rej, 7);
	T_EQ_INT(js("{\"partial_success\":{\"rejected_log_records\":\"2\"}}", SINK_LOGS, &rej, msg), 1);
	T_EQ_INT(rej, 2);
	/* the key of another signal does not count */
	T_EQ_INT(js("{\"partialSuccess\":{\"rejectedSpans\":\"5\"}}", SINK_LOGS, &rej, msg), 1);
	T_EQ_INT(rej, 0);
	T_EQ_INT(js("{}", SINK_TRACES, &rej, msg), 0);
	T_EQ_INT(js("{\"other\":{\"partialSuccess\":{\"rejectedSpans\":\"5\"}}}", SINK_TRACES, &rej, msg), 0);
	T_EQ_INT(js("", SINK_TRACES, &rej, msg), 0);
	/* malformed */
	T_EQ_INT(js("{\"partialSuccess\":{\"rejectedSpans\":\"5}}", SINK_TRACES, &rej, msg), -EBADMSG);
	T_EQ_INT(js("{\"partialSuccess\":{\"rejectedSpans\":\"x\"}}", SINK_TRACES, &rej, msg), -EBADMSG);
	T_EQ_INT(js("{\"partialSuccess\":[}", SINK_TRACES, &rej, msg), -EBADMSG);
	T_EQ_INT(js("{\"a\" 1}", SINK_TRACES, &rej, msg), -EBADMSG);
	T_EQ_INT(js("{\"a\":1,}", SINK_TRACES, &rej, msg), -EBADMSG);
	T_EQ_INT(js("{\"a\":\"\x01\"}", SINK_TRACES, &rej, msg), -EBADMSG);
	/* nesting past the limit is refused, not recursed into */
	char deep[200];

	memset(deep, '[', sizeof(deep) - 1);
	deep[0] = '{';
	deep[sizeof(deep) - 1] = 0;
	memcpy(deep + 1, "\"a\":", 4);
	T_EQ_INT(js(deep, SINK_TRACES, &rej, msg), -EBADMSG);
}

static void test_queue(void)
{
	struct sink_queue q;
	struct sink_req *r;

	T_EQ_INT(queue_init(&q, 0), -EINVAL);
	T_ASSERT(queue_init(&q, 3) == 0);
	for (int i = 0; i < 3; i++)
		T_EQ_INT(queue_push(&q, sink_req_new((uint64_t)i, "abcd", 4, SINK_PROTO_JSON)), 0);
	r = sink_req_new(9, "x", 1, 0);
	T_EQ_INT(queue_push(&q, r), -ENOSPC);
	free(r);
	T_EQ_INT(q.bytes, 12);
	r = queue_pop(&q);
	T_EQ_INT(r->seq, 0);
	T_EQ_INT(r->proto, SINK_PROTO_JSON);
	T_CHECK(!memcmp(r->body, "abcd", 4));
	free(r);
	T_EQ_INT(queue_push(&q, sink_req_new(3, "ef", 2, 0)), 0);	/* wraps */
	T_EQ_INT(queue_peek(&q)->seq, 1);
	T_EQ_INT(q.bytes, 10);
	queue_free(&q);
	T_CHECK(sink_req_new(0, "", (size_t)SINK_BODY_MAX + 1, 0) == NULL);
}

static char dir[64];

static int count_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.' || !strncmp(de->d_name, ".tmp-", 5);
	if (d)
		closedir(d);
	return n;
}

static void load_expect(struct spool *sp, int sig, uint64_t seq, const char *body)
{
	struct sink_req *r = NULL;

	T_EQ_INT(spool_head(sp, sig)->seq, seq);
	T_EQ_INT(spool_load(sp, sig, seq, &r), 0);
	T_ASSERT(r);
	T_EQ_INT(r->len, strlen(body));
	T_CHECK(!memcmp(r->body, body, r->len));
	free(r);
}

static void test_spool(void)
{
	struct spool sp;
	struct sink_req *r;
	char p[256];

	snprintf(dir, sizeof(dir), "/tmp/rawtel-sp.XXXXXX");
	T_ASSERT(mkdtemp(dir));
	T_ASSERT(spool_open(&sp, dir, 1000, 3) == 0);
	T_CHECK(spool_head(&sp, SINK_TRACES) == NULL);
	/* out-of-order puts are indexed in seq order */
	T_EQ_INT(spool_put(&sp, SINK_TRACES, 5, "five", 4, SINK_PROTO_PROTOBUF), 0);
	T_EQ_INT(spool_put(&sp, SINK_TRACES, 2, "two", 3, SINK_PROTO_JSON), 0);
	T_EQ_INT(spool_put(&sp, SINK_LOGS, 1, "log1", 4, 0), 0);
	T_EQ_INT(spool_sync(&sp), 0);
	load_expect(&sp, SINK_TRACES, 2, "two");
	T_EQ_INT(sp.sig[SINK_TRACES].bytes, 16 + 3 + 16 + 4);
	/* bound: 3 files; a 4th pushes out the oldest */
	T_EQ_INT(spool_put(&sp, SINK_TRACES, 6, "six", 3, 0), 0);
	T_EQ_INT(spool_put(&sp, SINK_TRACES, 7, "seven", 5, 0), 0);
	T_EQ_INT(sp.dropped[SINK_TRACES], 1);
	T_EQ_INT(sp.sig[SINK_TRACES].count, 3);
	load_expect(&sp, SINK_TRACES, 5, "five");
	/* an item older than everything, when full, is the one dropped */
	T_EQ_INT(spool_put(&sp, SINK_TRACES, 1, "one", 3, 0), 0);
	T_EQ_INT(sp.dropped[SINK_TRACES], 2);
	T_EQ_INT(spool_head(&sp, SINK_TRACES)->seq, 5);
	/* byte bound; too large alone */
	T_EQ_INT(spool_put(&sp, SINK_LOGS, 2, "x", 985, 0), -EFBIG);
	T_EQ_INT(count_files(), 4);
	spool_remove(&sp, SINK_TRACES, 6);	/* not the head: ignored */
	spool_remove(&sp, SINK_TRACES, 5);
	T_EQ_INT(spool_head(&sp, SINK_TRACES)->seq, 6);
	T_EQ_INT(count_files(), 3);
	spool_close(&sp);

	/* restart: the index and next sequence come back from the names; a
	 * leftover temporary file is removed; a torn file is dropped on load */
	snprintf(p, sizeof(p), "%s/.tmp-traces-0000000000000009.req", dir);
	T_ASSERT(close(open(p, O_CREAT | O_WRONLY, 0600)) == 0);
	snprintf(p, sizeof(p), "%s/traces-0000000000000007.req", dir);
	T_ASSERT(truncate(p, 16 + 2) == 0);
	snprintf(p, sizeof(p), "%s/unrelated.txt", dir);
	T_ASSERT(close(open(p, O_CREAT | O_WRONLY, 0600)) == 0);
	T_ASSERT(spool_open(&sp, dir, 1000, 3) == 0);
	T_EQ_INT(sp.next_seq[SINK_TRACES], 8);
	T_EQ_INT(sp.next_seq[SINK_LOGS], 2);
	T_EQ_INT(sp.next_seq[SINK_METRICS], 0);
	T_EQ_INT(count_files(), 4);	/* 3 spool files + unrelated.txt */
	load_expect(&sp, SINK_TRACES, 6, "six");
	spool_remove(&sp, SINK_TRACES, 6);
	err_clear();
	T_EQ_INT(spool_load(&sp, SINK_TRACES, 7, &r), -EBADMSG);
	T_CHECK(strstr(err_msg(), "traces-0000000000000007.req is unreadable or torn") != NULL);
	T_EQ_INT(sp.bad_files, 1);
	T_CHECK(spool_head(&sp, SINK_TRACES) == NULL);
	T_EQ_INT(spool_load(&sp, SINK_TRACES, 7, &r), -ENOENT);
	load_expect(&sp, SINK_LOGS, 1, "log1");
	/* a gzip body is kept as it is sent, with its encoding */
	r = sink_req_new(4, "\x1f\x8bgz", 4, SINK_PROTO_JSON);
	T_ASSERT(r);
	r->enc = SINK_COMP_GZIP;
	T_EQ_INT(spool_put_req(&sp, SINK_METRICS, r), 0);
	free(r);
	T_EQ_INT(spool_load(&sp, SINK_METRICS, 4, &r), 0);
	T_CHECK(r->enc == SINK_COMP_GZIP && r->proto == SINK_PROTO_JSON && r->len == 4 &&
		!memcmp(r->body, "\x1f\x8bgz", 4));
	free(r);
	spool_remove(&sp, SINK_METRICS, 4);
	/* an encoding this rawtel does not know: the file is bad, not sent */
	r = sink_req_new(5, "zz", 2, SINK_PROTO_PROTOBUF);
	T_ASSERT(r);
	r->enc = 9;
	T_EQ_INT(spool_put_req(&sp, SINK_METRICS, r), 0);
	free(r);
	r = NULL;
	T_EQ_INT(spool_load(&sp, SINK_METRICS, 5, &r), -EBADMSG);
	T_CHECK(r == NULL && spool_head(&sp, SINK_METRICS) == NULL);
	T_EQ_INT(sp.bad_files, 2);	/* the torn file's, then this one */
	T_EQ_INT(spool_put(&sp, SINK_LOGS, 2, "log2", 4, 0), 0);
	T_EQ_INT(spool_put(&sp, SINK_LOGS, 3, "log3", 4, 0), 0);
	spool_close(&sp);
	/* a lower bound at restart keeps the newest */
	T_ASSERT(spool_open(&sp, dir, 1000, 2) == 0);
	T_EQ_INT(sp.sig[SINK_LOGS].count, 2);
	T_EQ_INT(sp.dropped[SINK_LOGS], 1);
	load_expect(&sp, SINK_LOGS, 2, "log2");
	spool_close(&sp);
	T_ASSERT(spool_open(&sp, dir, 20, 5) == 0);	/* one 20-byte file fits */
	T_EQ_INT(sp.sig[SINK_LOGS].count, 1);
	load_expect(&sp, SINK_LOGS, 3, "log3");
	spool_close(&sp);
	T_CHECK(spool_open(&sp, "/proc/nope/spool", 10, 1) < 0);
	T_CHECK(strstr(err_msg(), "cannot create spool directory /proc/nope/spool") != NULL);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	T_CHECK(system(p) == 0);
}

int main(void)
{
	T_RUN(test_backoff);
	T_RUN(test_rpc_protobuf);
	T_RUN(test_rpc_json);
	T_RUN(test_queue);
	T_RUN(test_spool);
	return t_done();
}
