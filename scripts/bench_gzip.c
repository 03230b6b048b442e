/* rawtel's side of scripts/bench-gzip: gzip_encode against zlib's level 6
 * (what gzip -6 and the Collector's default use) on the same OTLP request
 * bodies: trace batches of 512 HTTP server spans as rawtel exports them
 * (random trace and span ids, a few routes, statuses, peers and times),
 * encoded as protobuf and as JSON, and any files named on the command
 * line (a request body each). Per body: its size, both compressed sizes,
 * their ratio, and the CPU time per batch and per MB of each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "rawtel/gzip.h"
#include "rawtel/otlp.h"

#define BATCH 512

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fill(struct otlp_batch *b)
{
	static const char *const routes[] = { "GET /api/users/{id}", "GET /health",
					      "POST /api/orders", "GET /static/*" };
	struct otlp_kv ra[6] = {
		otlp_kv_str("service.name", "checkout"), otlp_kv_int("process.pid", 4242),
		otlp_kv_str("process.executable.name", "nginx"), otlp_kv_str("host.name", "edge-01"),
		otlp_kv_str("telemetry.sdk.name", "rawtel"), otlp_kv_str("telemetry.sdk.language", "c"),
	};
	struct otlp_resource r = { ra, 6, 0, OTLP_S("") };
	struct otlp_scope sc = { OTLP_S("rawtel/http"), OTLP_S("0.1.0"), NULL, 0, 0, OTLP_S("") };
	char peer[BATCH][20];
	int res = otlp_batch_add_resource(b, &r), scope = res < 0 ? res : otlp_batch_add_scope(b, res, &sc);

	for (int i = 0; scope >= 0 && i < BATCH; i++) {
		int route = (int)(rnd() % 4);
		struct otlp_kv sa[7] = {
			otlp_kv_str("http.request.method", route == 2 ? "POST" : "GET"),
			otlp_kv_str("url.path", routes[route] + (route == 2 ? 5 : 4)),
			otlp_kv_str("url.scheme", "http"),
			otlp_kv_int("http.response.status_code", rnd() % 10 ? 200 : 503),
			otlp_kv_int("server.port", 8080),
			otlp_kv_str("network.peer.address", peer[i]),
			otlp_kv_int("network.peer.port", (int64_t)(32768 + rnd() % 28000)),
		};
		struct otlp_span s = { 0 };
		uint64_t a = rnd(), c = rnd(), d = rnd();

		snprintf(peer[i], sizeof(peer[i]), "10.0.%u.%u", (unsigned)(rnd() % 4), (unsigned)(rnd() % 250));
		memcpy(s.trace_id, &a, 8), memcpy(s.trace_id + 8, &c, 8), memcpy(s.span_id, &d, 8);
		s.name = otlp_s(routes[route]);
		s.kind = OTLP_KIND_SERVER;
		s.attrs = sa;
		s.n_attrs = 7;
		s.start_ns = 1765000000000000000ull + (uint64_t)i * 1953125 + rnd() % 100000;
		s.end_ns = s.start_ns + 200000 + rnd() % 20000000;
		if (otlp_batch_add_span(b, scope, &s))
			return -1;
	}
	return scope < 0 ? -1 : 0;
}

static void measure(const char *what, const uint8_t *in, size_t n)
{
	size_t cap = gzip_bound(n) + compressBound(n);
	uint8_t *z = malloc(cap);
	long ours = 0;
	uLongf zl = 0;
	double t0, t_ours, t_zlib;
	int reps = (int)(20000000 / (n + 1)) + 3;

	t0 = cpu_s();
	for (int i = 0; i < reps; i++)
		ours = gzip_encode(in, n, z, cap);
	t_ours = (cpu_s() - t0) / reps;
	t0 = cpu_s();
	for (int i = 0; i < reps; i++) {
		zl = cap;
		compress2(z, &zl, in, n, 6);
	}
	t_zlib = (cpu_s() - t0) / reps;
	zl += 18 - 6;	/* as gzip: its header and trailer instead of zlib's */
	printf("%-22s %8zu bytes  rawtel %7ld (%5.1f%%)  zlib-6 %7lu (%5.1f%%)  rawtel/zlib %5.1f%%"
	       "  cpu/batch rawtel %7.0f us  zlib %7.0f us  cpu/MB rawtel %5.1f ms  zlib %5.1f ms\n",
	       what, n, ours, 100.0 * (double)ours / (double)n, (unsigned long)zl,
	       100.0 * (double)zl / (double)n, 100.0 * (double)ours / (double)zl, t_ours * 1e6,
	       t_zlib * 1e6, t_ours * 1e3 * 1e6 / (double)n, t_zlib * 1e3 * 1e6 / (double)n);
	free(z);
}

static void measure_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	static uint8_t buf[64 << 20];
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;

	if (f)
		fclose(f);
	if (!n)
		fprintf(stderr, "bench-gzip: %s: empty or unreadable\n", path);
	else
		measure(path, buf, n);
}

int main(int argc, char **argv)
{
	struct otlp_batch_limits lim = { 1 << 22, 4, 4 };
	struct otlp_batch *b;
	struct otlp_buf o;

	if (otlp_batch_new(&b, OTLP_TRACES, &lim))
		return 1;
	otlp_buf_init(&o, 1 << 26);
	for (int k = 0; k < 3; k++) {
		char name[32];

		otlp_batch_reset(b);
		if (fill(b) || otlp_encode_pb(b, &o))
			return 1;
		snprintf(name, sizeof(name), "traces-%d.pb (512)", k);
		measure(name, o.p, o.len);
		o.len = 0;
		if (otlp_encode_json(b, &o))
			return 1;
		snprintf(name, sizeof(name), "traces-%d.json (512)", k);
		measure(name, o.p, o.len);
		o.len = 0;
	}
	for (int i = 1; i < argc; i++)
		measure_file(argv[i]);
	otlp_buf_free(&o);
	otlp_batch_free(b);
	return 0;
}
