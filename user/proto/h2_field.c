/* The header fields an HTTP/2 exchange keeps, copied bounded and made
 * printable; everything else is dropped as it is decoded. */
#include <string.h>
#include <strings.h>

#include "h2_int.h"

#if defined(__x86_64__) || defined(__i386__)
int h2_name_eq(const char *a, const char *b, size_t n)
{
	uint64_t w[4];
	uint32_t h[4];

	if (n < 8) {
		memcpy(&h[0], a, 4);
		memcpy(&h[1], b, 4);
		memcpy(&h[2], a + n - 4, 4);
		memcpy(&h[3], b + n - 4, 4);
		return !((h[0] ^ h[1]) | (h[2] ^ h[3]));
	}
	memcpy(&w[0], a, 8);
	memcpy(&w[1], b, 8);
	memcpy(&w[2], a + n - 8, 8);
	memcpy(&w[3], b + n - 8, 8);
	return !((w[0] ^ w[1]) | (w[2] ^ w[3]));
}
#endif

#define H2_ONES 0x0101010101010101ULL
#define H2_HIGHS 0x8080808080808080ULL

void h2_copy(char *dst, size_t size, const char *src, size_t n, uint32_t *flags)
{
	size_t k = n < size - 1 ? n : size - 1, i = 0;

	/* eight bytes at a time while all are printable (a byte below 0x20
	 * or above 0x7e sets its high bit in one of the two tests): byte by
	 * byte, the values kept were 3% of rawtel's CPU under h2load */
#if defined(__x86_64__) || defined(__i386__)
	/* (x86 only: the arm64 binary has no room for it) */
	for (; i + 8 <= k; i += 8) {
		uint64_t w, low, high;

		memcpy(&w, src + i, 8);
		low = (w - H2_ONES * 0x20) & ~w;
		high = (w + H2_ONES * (127 - 0x7e)) | w;
		if ((low | high) & H2_HIGHS)
			break;
		memcpy(dst + i, &w, 8);
	}
#endif
	for (; i < k; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[i] = ch >= 0x20 && ch <= 0x7e ? (char)ch : '?';
	}
	dst[k] = 0;
	if (k < n)
		*flags |= H2_X_VALUE_TRUNC;
}

#define KEEP(field) h2_copy(x->field, sizeof(x->field), f->value, f->vlen, &x->flags)

static void grpc_status(struct h2_exchange *x, const struct hpack_field *f)
{
	int v = 0;

	if (!f->vlen || f->vlen > 3)
		return;
	for (size_t i = 0; i < f->vlen; i++) {
		if (f->value[i] < '0' || f->value[i] > '9')
			return;
		v = v * 10 + (f->value[i] - '0');
	}
	x->grpc_status = (int16_t)v;
}

static void request_field(struct h2_exchange *x, const struct hpack_field *f)
{
	if (H2_NAME_IS(f, ":method"))
		KEEP(method);
	else if (H2_NAME_IS(f, ":scheme"))
		KEEP(scheme);
	else if (H2_NAME_IS(f, ":path"))
		KEEP(path);
	else if (H2_NAME_IS(f, ":authority") || (H2_NAME_IS(f, "host") && !x->authority[0]))
		KEEP(authority);
	else if (H2_NAME_IS(f, "user-agent"))
		KEEP(user_agent);
	else if (H2_NAME_IS(f, "tracestate"))
		KEEP(tracestate);
	else if (H2_NAME_IS(f, "traceparent"))
		x->tp_state = http1_traceparent_parse(f->value, f->vlen, &x->tp)
				      ? HTTP1_TP_INVALID : HTTP1_TP_VALID;
	else if (H2_NAME_IS(f, "content-type") && !x->content_type[0])
		KEEP(content_type);
	else if (H2_NAME_IS(f, "grpc-timeout"))
		x->grpc_timeout_ns = h2_grpc_timeout(f->value, f->vlen);
}

void h2_field(struct h2_stream *s, int resp, const struct hpack_field *f)
{
	struct h2_exchange *x = &s->x;

	if (f->flags & (HPACK_F_HIDDEN | HPACK_F_UNKNOWN))
		return;
	if (!resp)
		request_field(x, f);
	else if (H2_NAME_IS(f, "content-type"))
		KEEP(content_type);
	else if (H2_NAME_IS(f, "grpc-status"))
		grpc_status(x, f);
	else if (H2_NAME_IS(f, "grpc-message"))
		KEEP(grpc_message);
	if (H2_NAME_IS(f, "content-type") && f->vlen >= 16 &&
	    !strncasecmp(f->value, "application/grpc", 16)) {
		/* known only from the response: the request's DATA so far
		 * went uncounted */
		if (!(x->flags & H2_X_GRPC) && x->req_bytes)
			s->g[0].lost = 1;
		x->flags |= H2_X_GRPC;
	}
}
