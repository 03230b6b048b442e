/* libFuzzer target over every parser of untrusted OTLP bytes: the protobuf
 * reader (walking every nested message), the JSON parser, the response and
 * status decoders, and the request decoders (whose output is encoded again,
 * both ways, so the encoders see whatever the decoders let through).
 * The first byte picks the parser; the rest is the input. */
#include <stdint.h>
#include <stdlib.h>

#include "rawtel/json.h"
#include "rawtel/otlp.h"
#include "rawtel/pb.h"

static void walk(struct pb_reader *r)
{
	struct pb_field f;
	struct pb_reader sub;

	while (pb_next(r, &f) > 0)
		if (f.wt == PB_WT_LEN && pb_enter(r, &f, &sub) == 0)
			walk(&sub);
}

static void json_walk(const struct json_doc *d, const struct json_node *x)
{
	int64_t i;
	uint64_t u;
	double v;
	size_t len;

	json_i64(d, x, &i);
	json_u64(d, x, &u);
	json_double(d, x, &v);
	json_str(d, x, &len);
	for (const struct json_node *c = json_first(d, x); c; c = json_next(d, c))
		json_walk(d, c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct otlp_batch *batches[3];
	static struct otlp_buf out;
	const uint8_t *p = data + 1;
	size_t n = size ? size - 1 : 0;

	if (!batches[0]) {
		struct otlp_batch_limits lim = { 1 << 20, 1024, 1024 };

		for (int s = 0; s < 3; s++)
			if (otlp_batch_new(&batches[s], (enum otlp_signal)s, &lim))
				abort();
		otlp_buf_init(&out, 1 << 26);
	}
	if (!size)
		return 0;
	switch (data[0] % 5) {
	case 0: {
		struct pb_reader r;

		pb_init(&r, p, n);
		walk(&r);
		break;
	}
	case 1: {
		struct json_doc d;

		if (json_parse(&d, (const char *)p, n, 64, 1 << 16) == 0)
			json_walk(&d, json_root(&d));
		json_free(&d);
		break;
	}
	case 2: {
		struct otlp_partial ps;
		struct otlp_rpc_status st;

		otlp_decode_response_pb((enum otlp_signal)(data[0] / 5 % 3), p, n, &ps);
		otlp_decode_response_json((enum otlp_signal)(data[0] / 5 % 3), (const char *)p, n, &ps);
		otlp_decode_status_pb(p, n, &st);
		otlp_decode_status_json((const char *)p, n, &st);
		break;
	}
	default: {
		struct otlp_batch *b = batches[data[0] / 5 % 3];

		otlp_batch_reset(b);
		if ((data[0] % 5 == 3 ? otlp_decode_pb(b, p, n)
				      : otlp_decode_json(b, (const char *)p, n)) >= 0) {
			otlp_encode_pb(b, &out);
			otlp_encode_json(b, &out);
		}
		break;
	}
	}
	return 0;
}
