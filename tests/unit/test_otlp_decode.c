/* The request decoders (protobuf and JSON -> batch) against the encoders:
 * decoding what we encoded and encoding it again must give the same bytes,
 * for every signal; malformed and truncated input must fail cleanly. */
#include <errno.h>

#include "otlp_fixtures.h"
#include "rawtel/err.h"
#include "t_fmt.h"

static struct otlp_batch *batch(enum otlp_signal sig, size_t arena)
{
	struct otlp_batch_limits lim = { arena, 64, 64 };
	struct otlp_batch *b;

	return otlp_batch_new(&b, sig, &lim) ? NULL : b;
}

static int fill(struct otlp_batch *b, enum otlp_signal sig)
{
	if (sig == OTLP_TRACES)
		return fx_traces(b, 0);
	if (sig == OTLP_METRICS)
		return fx_metrics(b);
	return fx_logs(b, 0);
}

static int same(const struct otlp_buf *a, const struct otlp_buf *b)
{
	return a->len == b->len && !memcmp(a->p, b->p, a->len);
}

/* fixture -> pb -> decode -> pb and json; fixture -> json -> decode -> pb. */
static void roundtrip(enum otlp_signal sig)
{
	struct otlp_batch *b = batch(sig, 1 << 20), *c = batch(sig, 1 << 20);
	struct otlp_buf pb, js, pb2, js2;

	T_ASSERT(b && c);
	otlp_buf_init(&pb, 1 << 24);
	otlp_buf_init(&js, 1 << 24);
	otlp_buf_init(&pb2, 1 << 24);
	otlp_buf_init(&js2, 1 << 24);
	T_ASSERTF(fill(b, sig) == 0, "%s", err_msg());
	T_ASSERT(otlp_encode_pb(b, &pb) == 0 && otlp_encode_json(b, &js) == 0);

	T_ASSERTF(otlp_decode_pb(c, pb.p, pb.len) == 0, "%s", err_msg());
	T_ASSERT(otlp_encode_pb(c, &pb2) == 0 && otlp_encode_json(c, &js2) == 0);
	T_CHECK(pb.len <= otlp_encode_pb_bound(b) && pb2.len <= otlp_encode_pb_bound(c));
	T_CHECK(same(&pb, &pb2), "protobuf -> batch -> protobuf changed the bytes");
	T_CHECK(same(&js, &js2), "protobuf -> batch -> JSON differs from the JSON");

	otlp_batch_reset(c);
	T_ASSERTF(otlp_decode_json(c, (const char *)js.p, js.len) == 0, "%s", err_msg());
	T_ASSERT(otlp_encode_pb(c, &pb2) == 0 && otlp_encode_json(c, &js2) == 0);
	T_CHECK(same(&pb, &pb2), "JSON -> batch -> protobuf differs from the protobuf");
	T_CHECK(same(&js, &js2), "JSON -> batch -> JSON changed the text");

	otlp_buf_free(&pb);
	otlp_buf_free(&js);
	otlp_buf_free(&pb2);
	otlp_buf_free(&js2);
	otlp_batch_free(b);
	otlp_batch_free(c);
}

static void roundtrip_traces(void) { roundtrip(OTLP_TRACES); }
static void roundtrip_metrics(void) { roundtrip(OTLP_METRICS); }
static void roundtrip_logs(void) { roundtrip(OTLP_LOGS); }

/* Every prefix and every single-byte corruption of a valid request either
 * decodes or fails with -EBADMSG; ASan/UBSan watch for the rest. */
static void truncated_and_corrupted(void)
{
	for (int sig = OTLP_TRACES; sig <= OTLP_LOGS; sig++) {
		struct otlp_batch *b = batch(sig, 1 << 20), *c = batch(sig, 1 << 20);
		struct otlp_buf pb, js;
		int bad_pb = 0, bad_js = 0;

		T_ASSERT(b && c && fill(b, sig) == 0);
		otlp_buf_init(&pb, 1 << 24);
		otlp_buf_init(&js, 1 << 24);
		T_ASSERT(otlp_encode_pb(b, &pb) == 0 && otlp_encode_json(b, &js) == 0);
		for (size_t n = 0; n < pb.len; n++) {
			int ret;

			otlp_batch_reset(c);
			ret = otlp_decode_pb(c, pb.p, n);
			T_ASSERTF(ret >= 0 || ret == -EBADMSG, "prefix %zu: %d %s", n, ret, err_msg());
			bad_pb += ret < 0;
		}
		for (size_t n = 0; n < js.len; n += 7) {
			otlp_batch_reset(c);
			T_ASSERT(otlp_decode_json(c, (const char *)js.p, n) == -EBADMSG);
			bad_js++;
		}
		for (size_t i = 0; i < pb.len; i++) {
			uint8_t save = pb.p[i];
			int ret;

			pb.p[i] ^= (uint8_t)(0x80 | i);
			otlp_batch_reset(c);
			ret = otlp_decode_pb(c, pb.p, pb.len);
			T_ASSERTF(ret >= 0 || ret == -EBADMSG, "flip %zu: %d %s", i, ret, err_msg());
			pb.p[i] = save;
		}
		T_CHECK(bad_pb > 0 && bad_js > 0);
		otlp_buf_free(&pb);
		otlp_buf_free(&js);
		otlp_batch_free(b);
		otlp_batch_free(c);
	}
}

static void too_small_batch(void)
{
	struct otlp_batch *b = batch(OTLP_TRACES, 1 << 20), *c = batch(OTLP_TRACES, 512);
	struct otlp_buf pb;

	T_ASSERT(b && c && fx_traces(b, 0) == 0);
	otlp_buf_init(&pb, 1 << 24);
	T_ASSERT(otlp_encode_pb(b, &pb) == 0);
	T_EQ_INT(otlp_decode_pb(c, pb.p, pb.len), -ENOSPC);
	T_CHECK(strstr(err_msg(), "too small") != NULL);
	otlp_buf_free(&pb);
	otlp_batch_free(b);
	otlp_batch_free(c);
}

/* A metric of a type the model lacks is skipped and counted. */
static void unsupported_metric_skipped(void)
{
	/* ResourceMetrics{ ScopeMetrics{ Metric{name "e", exponential_histogram {}},
	 *                                Metric{name "g", gauge{ point{as_int 5} }} } } */
	static const uint8_t req[] = {
		0x0a, 0x1b, 0x12, 0x19,
		0x12, 0x05, 0x0a, 0x01, 'e', 0x52, 0x00,
		0x12, 0x10, 0x0a, 0x01, 'g', 0x2a, 0x0b, 0x0a, 0x09, 0x31,
		5, 0, 0, 0, 0, 0, 0, 0,
	};
	struct otlp_batch *c = batch(OTLP_METRICS, 4096);
	static const char js[] = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":"
		"[{\"name\":\"s\",\"summary\":{}},{\"name\":\"g\",\"gauge\":{\"dataPoints\":"
		"[{\"asInt\":5}]}}]}]}]}";

	T_ASSERT(c);
	T_EQ_INT(otlp_decode_pb(c, req, sizeof(req) - 1), -EBADMSG);	/* torn */
	otlp_batch_reset(c);
	T_EQ_INT(otlp_decode_pb(c, req, sizeof(req)), 1);
	T_EQ_INT(otlp_batch_items(c), 1);
	otlp_batch_reset(c);
	T_EQ_INT(otlp_decode_json(c, js, sizeof(js) - 1), 1);
	T_EQ_INT(otlp_batch_items(c), 1);
	otlp_batch_free(c);
}

/* JSON written by others: proto names, numbers for 64-bit fields, nulls,
 * unknown members, URL-safe unpadded base64, uppercase hex. */
static void json_variants(void)
{
	static const char js[] =
		"{\"resource_spans\":[{\"resource\":null,\"scope_spans\":[{\"spans\":[{"
		"\"trace_id\":\"0102030405060708090A0B0C0D0E0F10\",\"spanId\":\"a1a2a3a4a5a6a7a8\","
		"\"name\":\"x\",\"kind\":2,\"start_time_unix_nano\":1000,\"endTimeUnixNano\":\"2000\","
		"\"unknown\":{\"deep\":[1,2,3]},\"attributes\":[{\"key\":\"b\",\"value\":"
		"{\"bytesValue\":\"-_8\"}},{\"key\":\"i\",\"value\":{\"intValue\":-3}}]}]}]}]}";
	struct otlp_batch *c = batch(OTLP_TRACES, 4096);
	struct otlp_buf out;

	T_ASSERT(c);
	T_ASSERTF(otlp_decode_json(c, js, sizeof(js) - 1) == 0, "%s", err_msg());
	otlp_buf_init(&out, 1 << 20);
	T_ASSERT(otlp_encode_json(c, &out) == 0);
	T_ASSERT(otlp_buf_grow(&out, out.len + 1) == 0);
	out.p[out.len] = 0;
	T_CHECKF(!strcmp((char *)out.p,
		 "{\"resourceSpans\":[{\"resource\":{},\"scopeSpans\":[{\"scope\":{},\"spans\":[{"
		 "\"traceId\":\"0102030405060708090a0b0c0d0e0f10\",\"spanId\":\"a1a2a3a4a5a6a7a8\","
		 "\"name\":\"x\",\"kind\":2,\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"2000\","
		 "\"attributes\":[{\"key\":\"b\",\"value\":{\"bytesValue\":\"+/8=\"}},"
		 "{\"key\":\"i\",\"value\":{\"intValue\":\"-3\"}}]}]}]}]}"),
		 "got %s", (char *)out.p);
	otlp_buf_free(&out);
	otlp_batch_free(c);
}

static void json_rejects(void)
{
	static const char *bad[] = {
		"[]",
		"{\"resourceSpans\":{}}",
		"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0102\"}]}]}]}",
		"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"spanId\":\"zz02030405060708\"}]}]}]}",
		"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":\"2x\"}]}]}]}",
		"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":4294967296}]}]}]}",
		"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"attributes\":[{\"key\":1}]}]}]}]}",
		"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"attributes\":[{\"value\":"
			"{\"intValue\":\"9223372036854775808\"}}]}]}]}]}",
		"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"attributes\":[{\"value\":"
			"{\"bytesValue\":\"a\"}}]}]}]}]}",
		"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"status\":[]}]}]}]}",
		"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{}]}]}]} x",
	};
	struct otlp_batch *c = batch(OTLP_TRACES, 4096);

	T_ASSERT(c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		otlp_batch_reset(c);
		T_CHECKF(otlp_decode_json(c, bad[i], strlen(bad[i])) == -EBADMSG,
			 "accepted %s", bad[i]);
	}
	otlp_batch_free(c);
}

int main(void)
{
	T_RUN(roundtrip_traces);
	T_RUN(roundtrip_metrics);
	T_RUN(roundtrip_logs);
	T_RUN(truncated_and_corrupted);
	T_RUN(too_small_batch);
	T_RUN(unsupported_metric_skipped);
	T_RUN(json_variants);
	T_RUN(json_rejects);
	return t_done();
}
