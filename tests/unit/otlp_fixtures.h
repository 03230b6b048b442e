/* Rich OTLP fixtures shared by the oracle test (test_otlp_oracle.c) and the
 * round-trip tests (test_otlp_decode.c). tests/node/check-fixtures.js holds
 * the values these must decode to: change both together. */
#ifndef RAWTEL_TEST_OTLP_FIXTURES_H
#define RAWTEL_TEST_OTLP_FIXTURES_H

#include <math.h>
#include <stdint.h>

#include "rawtel/otlp.h"

static const uint8_t fx_bytes[] = { 0x00, 0x01, 0x02, 0xfe, 0xff };

/* Every AnyValue type, nested ones, extremes and tricky strings. With
 * `bad_utf8`, one more string holds invalid UTF-8 (JSON must replace it;
 * the protobuf decoder would make its own guess, so it is JSON-only). */
static inline uint32_t fx_attrs(struct otlp_kv *kv, int bad_utf8)
{
	static const struct otlp_value inner_arr[] = {
		{ OTLP_V_BOOL, 0, { .boolean = 1 } },
		{ OTLP_V_BOOL, 0, { .boolean = 0 } },
	};
	static const struct otlp_kv inner_kv[] = {
		{ { "c", 1 }, { OTLP_V_DOUBLE, 0, { .d = 0.25 } } },
	};
	static const struct otlp_value arr[] = {
		{ OTLP_V_STRING, 1, { .s = "x" } },
		{ OTLP_V_INT, 0, { .i = -42 } },
		{ OTLP_V_ARRAY, 2, { .arr = inner_arr } },
		{ OTLP_V_KVLIST, 1, { .kvs = inner_kv } },
		{ OTLP_V_EMPTY, 0, { .i = 0 } },
		{ OTLP_V_BYTES, 2, { .b = fx_bytes } },
	};
	static const struct otlp_kv kvl[] = {
		{ { "a", 1 }, { OTLP_V_STRING, 0, { .s = "" } } },
		{ { "b", 1 }, { OTLP_V_KVLIST, 1, { .kvs = inner_kv } } },
	};
	uint32_t n = 0;

	kv[n++] = otlp_kv_str("str", "h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5\xf0\x9f\x98\x80");
	kv[n++] = otlp_kv_str("esc", "q\"b\\n\nt\tc\x01\x1f/\x7f");
	kv[n++] = otlp_kv_str("empty", "");
	kv[n++] = otlp_kv_bool("t", 1);
	kv[n++] = otlp_kv_bool("f", 0);
	kv[n++] = otlp_kv_int("zero", 0);
	kv[n++] = otlp_kv_int("neg", -1);
	kv[n++] = otlp_kv_int("min", INT64_MIN);
	kv[n++] = otlp_kv_int("max", INT64_MAX);
	kv[n++] = otlp_kv_double("d0", 0.0);
	kv[n++] = otlp_kv_double("dneg", -2.5);
	kv[n++] = otlp_kv_double("dtenth", 0.1);
	kv[n++] = otlp_kv_double("dbig", 1e300);
	kv[n++] = otlp_kv_double("nan", NAN);
	kv[n++] = otlp_kv_double("inf", INFINITY);
	kv[n++] = otlp_kv_double("ninf", -INFINITY);
	kv[n++] = (struct otlp_kv){ OTLP_S("bytes"),
		{ OTLP_V_BYTES, sizeof(fx_bytes), { .b = fx_bytes } } };
	kv[n++] = (struct otlp_kv){ OTLP_S("nobytes"), { OTLP_V_BYTES, 0, { .b = NULL } } };
	kv[n++] = (struct otlp_kv){ OTLP_S("arr"), { OTLP_V_ARRAY, 6, { .arr = arr } } };
	kv[n++] = (struct otlp_kv){ OTLP_S("noarr"), { OTLP_V_ARRAY, 0, { .arr = NULL } } };
	kv[n++] = (struct otlp_kv){ OTLP_S("kvl"), { OTLP_V_KVLIST, 2, { .kvs = kvl } } };
	kv[n++] = (struct otlp_kv){ OTLP_S("nokvl"), { OTLP_V_KVLIST, 0, { .kvs = NULL } } };
	kv[n++] = (struct otlp_kv){ OTLP_S("unset"), { OTLP_V_EMPTY, 0, { .i = 0 } } };
	kv[n++] = (struct otlp_kv){ { "nul\0in", 6 }, { OTLP_V_STRING, 3, { .s = "a\0b" } } };
	kv[n++] = (struct otlp_kv){ { "", 0 }, { OTLP_V_STRING, 9, { .s = "empty key" } } };
	if (bad_utf8)
		kv[n++] = otlp_kv_str("bad", "a\xff" "b\xe2\x82" "c\xed\xa0\x80" "d\xc3");
	return n;
}
#define FX_MAX_ATTRS 32

static inline void fx_id(uint8_t *id, size_t n, uint8_t first)
{
	for (size_t i = 0; i < n; i++)
		id[i] = (uint8_t)(first + i);
}

/* A resource per index: service.name svc-<i> plus pid. */
static inline int fx_resource(struct otlp_batch *b, int i)
{
	static const char *names[] = { "svc-0", "svc-1", "svc-2" };
	struct otlp_kv kv[2] = {
		otlp_kv_str("service.name", names[i]),
		otlp_kv_int("process.pid", 1000 + i),
	};
	struct otlp_resource r = { kv, 2, (uint32_t)i, OTLP_S("") };

	if (i == 1)
		r.schema_url = OTLP_S("https://opentelemetry.io/schemas/1.26.0");
	return otlp_batch_add_resource(b, &r);
}

static inline int fx_scope(struct otlp_batch *b, int res, const char *name, int rich)
{
	struct otlp_kv kv[1] = { otlp_kv_str("scope.attr", "yes") };
	struct otlp_scope s = { otlp_s(name), OTLP_S(""), NULL, 0, 0, OTLP_S("") };

	if (rich) {
		s.version = OTLP_S("1.2.3");
		s.attrs = kv;
		s.n_attrs = 1;
		s.dropped_attrs = 2;
		s.schema_url = OTLP_S("https://example.com/scope");
	}
	return otlp_batch_add_scope(b, res, &s);
}

/* traces: svc-0 {rawtel/test (rich): full span, minimal span},
 *         svc-1 {"" : extremes span, rawtel/other: span "second"},
 *         svc-2 with a scope but no spans (left out of the encoding). */
static inline int fx_traces(struct otlp_batch *b, int bad_utf8)
{
	struct otlp_kv attrs[FX_MAX_ATTRS], eattr[1] = { otlp_kv_int("ev.n", 7) };
	struct otlp_event ev[2] = {
		{ 1700000000000000500ull, OTLP_S("ev1"), eattr, 1, 1 },
		{ 0, OTLP_S(""), NULL, 0, 0 },
	};
	struct otlp_link ln[2];
	struct otlp_span s;
	int r0, r1, r2, s0, s1, s2, ret;

	memset(ln, 0, sizeof(ln));
	fx_id(ln[0].trace_id, 16, 0x21);
	fx_id(ln[0].span_id, 8, 0x31);
	ln[0].trace_state = OTLP_S("a=b");
	ln[0].attrs = eattr;
	ln[0].n_attrs = 1;
	ln[0].dropped_attrs = 6;
	ln[0].flags = OTLP_FLAG_SAMPLED | OTLP_FLAG_HAS_IS_REMOTE | OTLP_FLAG_IS_REMOTE;
	fx_id(ln[1].trace_id, 16, 0x41);
	fx_id(ln[1].span_id, 8, 0x51);

	if ((r0 = fx_resource(b, 0)) < 0 || (r1 = fx_resource(b, 1)) < 0 ||
	    (r2 = fx_resource(b, 2)) < 0)
		return -1;
	if ((s0 = fx_scope(b, r0, "rawtel/test", 1)) < 0 ||
	    (s1 = fx_scope(b, r1, "", 0)) < 0 ||
	    (s2 = fx_scope(b, r1, "rawtel/other", 0)) < 0 ||
	    fx_scope(b, r2, "unused", 0) < 0)
		return -1;

	memset(&s, 0, sizeof(s));
	fx_id(s.trace_id, 16, 0x01);
	fx_id(s.span_id, 8, 0xa1);
	fx_id(s.parent_span_id, 8, 0xb1);
	s.trace_state = OTLP_S("rojo=00f067aa0ba902b7");
	s.name = OTLP_S("GET /users/{id}");
	s.kind = OTLP_KIND_SERVER;
	s.start_ns = 1700000000000000000ull;
	s.end_ns = 1700000000123456789ull;
	s.attrs = attrs;
	s.n_attrs = fx_attrs(attrs, bad_utf8);
	s.dropped_attrs = 3;
	s.events = ev;
	s.n_events = 2;
	s.dropped_events = 4;
	s.links = ln;
	s.n_links = 2;
	s.dropped_links = 5;
	s.status_code = OTLP_STATUS_ERROR;
	s.status_msg = OTLP_S("boom");
	s.flags = OTLP_FLAG_SAMPLED | OTLP_FLAG_HAS_IS_REMOTE;
	if ((ret = otlp_batch_add_span(b, s0, &s)))
		return ret;

	memset(&s, 0, sizeof(s));		/* every field at its default */
	fx_id(s.trace_id, 16, 0x02);
	fx_id(s.span_id, 8, 0xc1);
	if ((ret = otlp_batch_add_span(b, s0, &s)))
		return ret;

	memset(&s, 0, sizeof(s));		/* extremes */
	memset(s.trace_id, 0xff, 16);
	memset(s.span_id, 0xff, 8);
	s.name = OTLP_S("max");
	s.kind = OTLP_KIND_CONSUMER;
	s.start_ns = UINT64_MAX - 1;
	s.end_ns = UINT64_MAX;
	s.dropped_attrs = UINT32_MAX;
	s.dropped_events = UINT32_MAX;
	s.dropped_links = UINT32_MAX;
	s.status_code = OTLP_STATUS_OK;
	s.flags = UINT32_MAX;
	if ((ret = otlp_batch_add_span(b, s1, &s)))
		return ret;

	memset(&s, 0, sizeof(s));
	fx_id(s.trace_id, 16, 0x03);
	fx_id(s.span_id, 8, 0xd1);
	s.name = OTLP_S("second");
	s.kind = OTLP_KIND_CLIENT;
	s.status_msg = OTLP_S("message only");
	return otlp_batch_add_span(b, s2, &s);
}

static const double fx_bounds14[] = {
	0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
};

/* metrics on svc-0 / rawtel/test: gauge (int), gauge (double), sum
 * (monotonic cumulative int), sum (delta double), histogram with three
 * points (no buckets, 15 buckets, 64 bounds); svc-1 / "" : one gauge. */
static inline int fx_metrics(struct otlp_batch *b)
{
	struct otlp_kv pa[2] = { otlp_kv_str("http.request.method", "GET"),
				 otlp_kv_int("http.response.status_code", 200) };
	struct otlp_num_point np[3];
	struct otlp_hist_point hp[3];
	uint64_t c15[15], c65[65];
	double b64[64];
	struct otlp_metric m;
	int r0, r1, s0, s1, ret;

	if ((r0 = fx_resource(b, 0)) < 0 || (r1 = fx_resource(b, 1)) < 0 ||
	    (s0 = fx_scope(b, r0, "rawtel/test", 1)) < 0 ||
	    (s1 = fx_scope(b, r1, "", 0)) < 0)
		return -1;

	memset(np, 0, sizeof(np));
	np[0] = (struct otlp_num_point){ pa, 2, 0, 0, 1700000000000000000ull, 0, { .i = -7 } };
	np[1] = (struct otlp_num_point){ NULL, 0, 1, 5, 6, 0, { .i = 0 } };
	m = (struct otlp_metric){ .name = OTLP_S("g.int"),
				  .description = OTLP_S("an int gauge"),
				  .unit = OTLP_S("{thing}"), .type = OTLP_GAUGE, .nums = np,
				  .n_points = 2 };
	if ((ret = otlp_batch_add_metric(b, s0, &m)))
		return ret;

	np[0] = (struct otlp_num_point){ NULL, 0, 0, 0, 10, 1, { .d = NAN } };
	np[1] = (struct otlp_num_point){ NULL, 0, 0, 0, 11, 1, { .d = -INFINITY } };
	np[2] = (struct otlp_num_point){ NULL, 0, 0, 0, 12, 1, { .d = 0.0 } };
	m = (struct otlp_metric){ .name = OTLP_S("g.double"), .type = OTLP_GAUGE, .nums = np,
				  .n_points = 3 };
	if ((ret = otlp_batch_add_metric(b, s0, &m)))
		return ret;

	np[0] = (struct otlp_num_point){ pa, 1, 0, 100, 200, 0, { .i = INT64_MAX } };
	m = (struct otlp_metric){ .name = OTLP_S("s.mono"), .unit = OTLP_S("By"),
				  .type = OTLP_SUM, .temporality = OTLP_TEMP_CUMULATIVE,
				  .monotonic = 1, .nums = np, .n_points = 1 };
	if ((ret = otlp_batch_add_metric(b, s0, &m)))
		return ret;

	np[0] = (struct otlp_num_point){ NULL, 0, 0, 100, 200, 1, { .d = -0.5 } };
	m = (struct otlp_metric){ .name = OTLP_S("s.delta"), .type = OTLP_SUM,
				  .temporality = OTLP_TEMP_DELTA, .nums = np, .n_points = 1 };
	if ((ret = otlp_batch_add_metric(b, s0, &m)))
		return ret;

	memset(hp, 0, sizeof(hp));
	hp[0].start_ns = 1;		/* no buckets, optional fields all 0 */
	hp[0].time_ns = 2;
	hp[0].has_sum = hp[0].has_min = hp[0].has_max = 1;
	for (int i = 0; i < 15; i++)
		c15[i] = (uint64_t)i;
	hp[1].attrs = pa;
	hp[1].n_attrs = 2;
	hp[1].start_ns = 1;
	hp[1].time_ns = 3;
	hp[1].count = 105;
	hp[1].sum = 123.5;
	hp[1].has_sum = 1;
	hp[1].min = -1;
	hp[1].has_min = 1;		/* max not set */
	hp[1].bucket_counts = c15;
	hp[1].n_buckets = 15;
	hp[1].bounds = fx_bounds14;
	hp[1].n_bounds = 14;
	for (int i = 0; i < 64; i++)
		b64[i] = (double)i * 1.5 - 10;
	for (int i = 0; i < 65; i++)
		c65[i] = i == 64 ? UINT64_MAX : (uint64_t)i * 1000003u;
	hp[2].time_ns = 4;
	hp[2].count = 1;
	hp[2].bucket_counts = c65;
	hp[2].n_buckets = 65;
	hp[2].bounds = b64;
	hp[2].n_bounds = 64;
	hp[2].flags = 1;
	m = (struct otlp_metric){ .name = OTLP_S("http.server.request.duration"),
				  .unit = OTLP_S("s"), .type = OTLP_HISTOGRAM,
				  .temporality = OTLP_TEMP_CUMULATIVE, .hists = hp,
				  .n_points = 3 };
	if ((ret = otlp_batch_add_metric(b, s0, &m)))
		return ret;

	np[0] = (struct otlp_num_point){ NULL, 0, 0, 0, 0, 0, { .i = 1 } };
	m = (struct otlp_metric){ .name = OTLP_S("other"), .type = OTLP_GAUGE, .nums = np,
				  .n_points = 1 };
	return otlp_batch_add_metric(b, s1, &m);
}

/* logs on svc-0 / rawtel/test: a full record with a kvlist body, one with
 * a string body, one with every field at its default. */
static inline int fx_logs(struct otlp_batch *b, int bad_utf8)
{
	struct otlp_kv attrs[FX_MAX_ATTRS];
	struct otlp_log l;
	int r0, s0, ret;

	if ((r0 = fx_resource(b, 0)) < 0 || (s0 = fx_scope(b, r0, "rawtel/test", 1)) < 0)
		return -1;
	memset(&l, 0, sizeof(l));
	l.time_ns = 1700000000000000001ull;
	l.observed_ns = 1700000000000000002ull;
	l.severity = 24;
	l.severity_text = OTLP_S("FATAL");
	l.body.type = OTLP_V_KVLIST;
	l.attrs = attrs;
	l.n_attrs = fx_attrs(attrs, bad_utf8);
	l.body.u.kvs = attrs;		/* the same table as a body */
	l.body.len = l.n_attrs;
	l.dropped_attrs = 9;
	l.flags = OTLP_FLAG_SAMPLED;
	fx_id(l.trace_id, 16, 0x61);
	fx_id(l.span_id, 8, 0x71);
	l.event_name = OTLP_S("rawtel.test.event");
	if ((ret = otlp_batch_add_log(b, s0, &l)))
		return ret;

	memset(&l, 0, sizeof(l));
	l.severity = 9;
	l.body = (struct otlp_value){ OTLP_V_STRING, 11, { .s = "hello\nworld" } };
	if ((ret = otlp_batch_add_log(b, s0, &l)))
		return ret;

	memset(&l, 0, sizeof(l));
	return otlp_batch_add_log(b, s0, &l);
}

#endif
