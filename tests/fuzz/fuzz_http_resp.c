/* libFuzzer target: the OTLP client's HTTP response parser
 * (sink_http_resp_*) never crashes, never reads or writes out of bounds,
 * respects its caps, and gives the same answer whether the input arrives
 * in one piece or split where the first byte says. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/sink_http.h"

static int run(const uint8_t *d, size_t n, size_t step, struct sink_http_resp *r,
	       size_t *consumed)
{
	int ret = 0;

	sink_http_resp_init(r);
	*consumed = 0;
	for (size_t off = 0; off < n && ret == 0;) {
		size_t k = step && step < n - off ? step : n - off, used;

		ret = sink_http_resp_feed(r, d + off, k, &used);
		if (used > k)
			abort();
		*consumed += used;
		off += k;
	}
	if (ret == 0)
		ret = sink_http_resp_eof(r) == 1 ? 2 : -1;
	if (r->body_len > SINK_HTTP_BODY_MAX || r->body_len > r->body_cap)
		abort();
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink_http_resp a, b;
	size_t ua, ub;

	if (size < 1)
		return 0;
	size_t step = data[0] % 17 + 1;
	int ra = run(data + 1, size - 1, 0, &a, &ua);
	int rb = run(data + 1, size - 1, step, &b, &ub);

	/* errors may be found at the same byte only; successes must agree */
	if ((ra > 0) != (rb > 0))
		abort();
	if (ra > 0 && (a.status != b.status || a.body_len != b.body_len ||
		       ua != ub || a.keep_alive != b.keep_alive ||
		       (a.body_len && memcmp(a.body, b.body, a.body_len))))
		abort();
	if (ra > 0 && (a.status < 200 || a.status > 599))
		abort();
	sink_http_resp_free(&a);
	sink_http_resp_free(&b);
	return 0;
}
