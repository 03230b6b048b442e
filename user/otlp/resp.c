/* Collector responses, from untrusted bytes: ExportXServiceResponse's
 * partial_success and google.rpc.Status error bodies, protobuf or JSON. */
#include <errno.h>
#include <stdio.h>

#include "rawtel/err.h"
#include "rawtel/json.h"
#include "rawtel/otlp.h"
#include "rawtel/pb.h"

/* Copy a message for logging: truncated, control bytes as '?'. */
static void copy_msg(char *dst, size_t cap, const void *src, size_t n)
{
	const uint8_t *s = src;

	if (n > cap - 1)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		dst[i] = s[i] < 0x20 || s[i] == 0x7f ? '?' : (char)s[i];
	dst[n] = 0;
}

int otlp_decode_response_pb(enum otlp_signal sig, const uint8_t *p, size_t n,
			    struct otlp_partial *out)
{
	struct pb_reader r, ps;
	struct pb_field f;
	int ret;

	(void)sig;	/* the three responses are shaped alike */
	memset(out, 0, sizeof(*out));
	pb_init(&r, p, n);
	while ((ret = pb_next(&r, &f)) > 0) {
		if (f.num != 1)
			continue;
		if ((ret = pb_enter(&r, &f, &ps)))
			return ret;
		while ((ret = pb_next(&ps, &f)) > 0) {
			if (f.num == 1 && f.wt == PB_WT_VARINT)
				out->rejected = (int64_t)f.u;
			else if (f.num == 2 && f.wt == PB_WT_LEN)
				copy_msg(out->message, sizeof(out->message), f.data, f.len);
			else if (f.num == 1 || f.num == 2)
				return pb_bad(&ps, "partial_success field with the wrong wire type");
		}
		if (ret < 0)
			return ret;
	}
	return ret;
}

int otlp_decode_status_pb(const uint8_t *p, size_t n, struct otlp_rpc_status *out)
{
	struct pb_reader r;
	struct pb_field f;
	int ret;

	memset(out, 0, sizeof(*out));
	pb_init(&r, p, n);
	while ((ret = pb_next(&r, &f)) > 0) {
		if (f.num == 1 && f.wt == PB_WT_VARINT)
			out->code = (int32_t)f.u;
		else if (f.num == 2 && f.wt == PB_WT_LEN)
			copy_msg(out->message, sizeof(out->message), f.data, f.len);
		else if (f.num == 1 || f.num == 2)
			return pb_bad(&r, "google.rpc.Status field with the wrong wire type");
	}
	return ret;
}

/* Small bodies only: a response is a few hundred bytes. */
#define RESP_MAX_NODES	4096
#define RESP_MAX_DEPTH	16

static int json_body(struct json_doc *d, const char *p, size_t n)
{
	int ret = json_parse(d, p, n, RESP_MAX_DEPTH, RESP_MAX_NODES);

	if (!ret && json_root(d)->type != JSON_OBJECT)
		ret = err_set(EBADMSG, "JSON response body is not an object");
	return ret;
}

static int bad_field(const char *name)
{
	return err_set(EBADMSG, "JSON response: \"%s\" has the wrong type", name);
}

static int json_message(const struct json_doc *d, const struct json_node *x,
			const char *name, char *dst, size_t cap)
{
	const char *s;
	size_t len;

	if (!x)
		return 0;
	if (!(s = json_str(d, x, &len)))
		return bad_field(name);
	copy_msg(dst, cap, s, len);
	return 0;
}

int otlp_decode_response_json(enum otlp_signal sig, const char *p, size_t n,
			      struct otlp_partial *out)
{
	static const char *const rejected[] = {
		[OTLP_TRACES] = "rejectedSpans",
		[OTLP_METRICS] = "rejectedDataPoints",
		[OTLP_LOGS] = "rejectedLogRecords",
	};
	const struct json_node *ps, *x;
	struct json_doc d;
	int ret;

	memset(out, 0, sizeof(*out));
	if (sig > OTLP_LOGS)
		return err_set(EINVAL, "unknown OTLP signal %d", (int)sig);
	if ((ret = json_body(&d, p, n)))
		goto out;
	ps = json_member(&d, json_root(&d), "partialSuccess");
	if (!ps || ps->type == JSON_NULL)
		goto out;
	if (ps->type != JSON_OBJECT) {
		ret = bad_field("partialSuccess");
		goto out;
	}
	if ((x = json_member(&d, ps, rejected[sig])) &&
	    json_i64(&d, x, &out->rejected)) {
		ret = bad_field(rejected[sig]);
		goto out;
	}
	ret = json_message(&d, json_member(&d, ps, "errorMessage"), "errorMessage",
			   out->message, sizeof(out->message));
out:
	json_free(&d);
	return ret;
}

int otlp_decode_status_json(const char *p, size_t n, struct otlp_rpc_status *out)
{
	const struct json_node *x;
	struct json_doc d;
	int64_t code;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = json_body(&d, p, n)))
		goto out;
	if ((x = json_member(&d, json_root(&d), "code"))) {
		if (json_i64(&d, x, &code) || code < INT32_MIN || code > INT32_MAX) {
			ret = bad_field("code");
			goto out;
		}
		out->code = (int32_t)code;
	}
	ret = json_message(&d, json_member(&d, json_root(&d), "message"), "message",
			   out->message, sizeof(out->message));
out:
	json_free(&d);
	return ret;
}
