/* rawtel's side of scripts/bench-otlp: spans per second through the OTLP
 * protobuf encoder, from the model (struct otlp_span) to request bytes:
 * each round resets a batch, adds BATCH spans (copying them into the
 * arena, as the agent will) and encodes the request. The spans are the
 * ones scripts/bench-otlp.js gives the OpenTelemetry JS serializer.
 * Prints: spans_per_sec=N bytes_per_span=N encode_only_spans_per_sec=N */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rawtel/otlp.h"

#define BATCH 512

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fill(struct otlp_batch *b, uint64_t round)
{
	struct otlp_kv ra[8] = {
		otlp_kv_str("service.name", "checkout"),
		otlp_kv_int("process.pid", 4242),
		otlp_kv_str("process.executable.name", "nginx"),
		otlp_kv_str("process.executable.path", "/usr/sbin/nginx"),
		otlp_kv_str("host.name", "edge-01"),
		otlp_kv_str("os.type", "linux"),
		otlp_kv_str("telemetry.sdk.name", "rawtel"),
		otlp_kv_str("telemetry.sdk.language", "c"),
	};
	struct otlp_resource r = { ra, 8, 0, OTLP_S("") };
	struct otlp_scope sc = { OTLP_S("rawtel/http"), OTLP_S("0.1.0"), NULL, 0, 0, OTLP_S("") };
	struct otlp_kv sa[10] = {
		otlp_kv_str("http.request.method", "GET"),
		otlp_kv_str("url.path", "/api/users/12345"),
		otlp_kv_str("url.scheme", "http"),
		otlp_kv_str("http.route", "/api/users/{id}"),
		otlp_kv_int("http.response.status_code", 200),
		otlp_kv_str("server.address", "localhost"),
		otlp_kv_int("server.port", 8080),
		otlp_kv_str("network.peer.address", "127.0.0.1"),
		otlp_kv_int("network.peer.port", 54321),
		otlp_kv_str("user_agent.original", "curl/8.5.0"),
	};
	struct otlp_span s = { 0 };
	int res, scope;

	if ((res = otlp_batch_add_resource(b, &r)) < 0 ||
	    (scope = otlp_batch_add_scope(b, res, &sc)) < 0)
		return -1;
	s.name = OTLP_S("GET /api/users/{id}");
	s.kind = OTLP_KIND_SERVER;
	s.attrs = sa;
	s.n_attrs = 10;
	for (int i = 0; i < 16; i++)
		s.trace_id[i] = (uint8_t)(0x10 + i);
	for (int i = 0; i < 8; i++)
		s.parent_span_id[i] = (uint8_t)(0x30 + i);
	for (uint32_t i = 0; i < BATCH; i++) {
		uint64_t id = round * BATCH + i + 1;

		for (int k = 0; k < 8; k++)
			s.span_id[k] = (uint8_t)(id >> (8 * k));
		s.trace_id[15] = (uint8_t)i;
		s.start_ns = 1700000000000000000ull + id * 1000000;
		s.end_ns = s.start_ns + 1234567;
		if (otlp_batch_add_span(b, scope, &s))
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0, t0, t, enc = 0;
	struct otlp_batch_limits lim = { 1 << 20, 4, 4 };
	struct otlp_batch *b;
	struct otlp_buf o;
	uint64_t rounds = 0;
	size_t bytes = 0;

	if (otlp_batch_new(&b, OTLP_TRACES, &lim))
		return 1;
	otlp_buf_init(&o, 1 << 26);
	t0 = now_s();
	do {
		double e0;

		otlp_batch_reset(b);
		if (fill(b, rounds))
			return 1;
		e0 = now_s();
		if (otlp_encode_pb(b, &o))
			return 1;
		t = now_s();
		enc += t - e0;
		bytes = o.len;
		rounds++;
	} while (t - t0 < secs);
	printf("spans_per_sec=%.0f bytes_per_span=%.1f encode_only_spans_per_sec=%.0f\n",
	       (double)(rounds * BATCH) / (t - t0), (double)bytes / BATCH,
	       (double)(rounds * BATCH) / enc);
	otlp_buf_free(&o);
	otlp_batch_free(b);
	return 0;
}
