/* A plain span (no events or links; attribute values strings, bytes or
 * scalars: every span the agent makes) as protobuf, front to back, in one
 * pass, for otlp_batch_add_span_pb: straight into the batch's store, no
 * scratch to copy from, one test of room per field and one of the value's
 * type per attribute (enc_pb.c's back-to-front writer, a third of a
 * traced HTTP request's span building, paid a bounds check per tag and
 * length and mispredicted its switch on the type). The span's own tag and
 * length are the request encoder's (put_item), so nothing here needs a
 * length before its contents are written but small messages' whose parts
 * are all known. Byte for byte what enc_pb.c's put_span writes: fields in
 * ascending order, proto3 defaults left out, minimal varints
 * (test_otlp_batch compares the two on random spans). */
#include <errno.h>
#include <stdbool.h>

#include "batch_int.h"
#include "pbw.h"

#define TAG(field, wt) ((uint8_t)((field) << 3 | (wt)))
/* the most tags and varints around a KeyValue's key and value bytes, and
 * around the span's fields other than its attributes and strings */
#define KV_FRAME 40
#define SPAN_FRAME 120

static size_t vlen(uint64_t v)
{
	size_t n = 1;

	for (; v >= 0x80; v >>= 7)
		n++;
	return n;
}

static uint8_t *put_varint(uint8_t *d, uint64_t v)
{
	for (; v >= 0x80; v >>= 7)
		*d++ = (uint8_t)(v | 0x80);
	*d++ = (uint8_t)v;
	return d;
}

static uint8_t *put_uint(uint8_t *d, uint32_t field, uint64_t v)
{
	*d++ = TAG(field, PB_VARINT);
	return put_varint(d, v);
}

static uint8_t *put_ld(uint8_t *d, uint32_t field, const void *p, size_t n)
{
	*d++ = TAG(field, PB_LEN);
	d = put_varint(d, n);
	pbw_copy(d, p, n);
	return d + n;
}

/* n (4 or 8) bytes little-endian, whatever the host: one store on a
 * little-endian one (every target rawtel is built for) */
static uint8_t *put_le(uint8_t *d, uint64_t v, size_t n)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n == 8)
		memcpy(d, &v, 8);
	else
		memcpy(d, &(uint32_t){ (uint32_t)v }, 4);
	return d + n;
#else
	for (size_t i = 0; i < n; i++, v >>= 8)
		*d++ = (uint8_t)v;
	return d;
#endif
}

static uint8_t *put_fixed64(uint8_t *d, uint32_t field, uint64_t v)
{
	*d++ = TAG(field, PB_I64);
	return put_le(d, v, 8);
}

/* Span.attributes' tag and length, the key and the value's tag and length
 * (vs: the AnyValue's size) */
static uint8_t *kv_head(uint8_t *d, struct otlp_str key, size_t vs)
{
	size_t ks = key.len ? 1 + vlen(key.len) + key.len : 0;

	*d++ = TAG(9, PB_LEN);
	d = put_varint(d, ks + 1 + vlen(vs) + vs);
	if (key.len)
		d = put_ld(d, 1, key.p, key.len);
	*d++ = TAG(2, PB_LEN);
	return put_varint(d, vs);
}

/* One attribute at d: past its end; NULL when it does not fit (*err
 * -ENOSPC) or is not plain (-EINVAL). Types by frequency: strings, then
 * integers. */
static uint8_t *put_kv(uint8_t *d, const uint8_t *end, const struct otlp_kv *kv, int *err)
{
	const struct otlp_value *v = &kv->v;
	bool bytes = v->type == OTLP_V_STRING || v->type == OTLP_V_BYTES;
	uint64_t u;

	*err = -EINVAL;
	if ((kv->key.len && !kv->key.p) || (bytes && v->len && !v->u.s))
		return NULL;
	if ((size_t)(end - d) < KV_FRAME + (size_t)kv->key.len + (bytes ? v->len : 0)) {
		*err = -ENOSPC;
		return NULL;
	}
	if (bytes && (size_t)kv->key.len + v->len < 120) {
		/* the common case: every length one byte */
		d[0] = TAG(9, PB_LEN);
		d[1] = (uint8_t)(kv->key.len + v->len + 6 - !kv->key.len * 2);
		d += 2;
		if (kv->key.len) {
			d[0] = TAG(1, PB_LEN);
			d[1] = (uint8_t)kv->key.len;
			pbw_copy(d + 2, (const uint8_t *)kv->key.p, kv->key.len);
			d += 2 + kv->key.len;
		}
		d[0] = TAG(2, PB_LEN);
		d[1] = (uint8_t)(v->len + 2);
		d[2] = v->type == OTLP_V_STRING ? TAG(1, PB_LEN) : TAG(7, PB_LEN);
		d[3] = (uint8_t)v->len;
		pbw_copy(d + 4, (const uint8_t *)v->u.s, v->len);
		return d + 4 + v->len;
	}
	if (bytes) {
		d = kv_head(d, kv->key, 1 + vlen(v->len) + v->len);
		return put_ld(d, v->type == OTLP_V_STRING ? 1 : 7, v->u.s, v->len);
	}
	if (v->type == OTLP_V_INT || v->type == OTLP_V_BOOL) {
		bool i = v->type == OTLP_V_INT;

		u = i ? (uint64_t)v->u.i : v->u.boolean != 0;
		d = kv_head(d, kv->key, 1 + vlen(u));
		return put_uint(d, i ? 3 : 2, u);
	}
	if (v->type == OTLP_V_DOUBLE) {
		memcpy(&u, &v->u.d, sizeof(u));
		return put_fixed64(kv_head(d, kv->key, 9), 4, u);
	}
	return v->type == OTLP_V_EMPTY ? kv_head(d, kv->key, 0) : NULL;
}

static int str_ok(struct otlp_str s)
{
	return !s.len || s.p;
}

static int nonzero8(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v != 0;
}

/* the fields before the attributes */
static uint8_t *put_head(uint8_t *d, const struct otlp_span *s)
{
	d = put_ld(d, 1, s->trace_id, 16);
	d = put_ld(d, 2, s->span_id, 8);
	if (s->trace_state.len)
		d = put_ld(d, 3, s->trace_state.p, s->trace_state.len);
	if (nonzero8(s->parent_span_id))
		d = put_ld(d, 4, s->parent_span_id, 8);
	if (s->name.len)
		d = put_ld(d, 5, s->name.p, s->name.len);
	if (s->kind)
		d = put_uint(d, 6, s->kind);
	if (s->start_ns)
		d = put_fixed64(d, 7, s->start_ns);
	if (s->end_ns)
		d = put_fixed64(d, 8, s->end_ns);
	return d;
}

/* ... and after them */
static uint8_t *put_tail(uint8_t *d, const struct otlp_span *s)
{
	if (s->dropped_attrs)
		d = put_uint(d, 10, s->dropped_attrs);
	if (s->dropped_events)
		d = put_uint(d, 12, s->dropped_events);
	if (s->dropped_links)
		d = put_uint(d, 14, s->dropped_links);
	if (s->status_code || s->status_msg.len) {
		uint32_t ms = s->status_msg.len;

		*d++ = TAG(15, PB_LEN);
		d = put_varint(d, (ms ? 1 + vlen(ms) + ms : 0) +
				  (s->status_code ? 1 + vlen(s->status_code) : 0));
		if (ms)
			d = put_ld(d, 2, s->status_msg.p, ms);
		if (s->status_code)
			d = put_uint(d, 3, s->status_code);
	}
	if (s->flags) {
		/* field 16, fixed32: a two-byte tag */
		*d++ = (uint8_t)(16 << 3 | PB_I32 | 0x80);
		*d++ = 1;
		d = put_le(d, s->flags, 4);
	}
	return d;
}

int otlp_pb_span_put(uint8_t *d, size_t room, const struct otlp_span *s, size_t *len)
{
	const uint8_t *start = d, *end = d + room;
	int err;

	if (s->n_events || s->n_links || (s->n_attrs && !s->attrs) || !str_ok(s->trace_state) ||
	    !str_ok(s->name) || !str_ok(s->status_msg))
		return -EINVAL;
	/* the fields other than attributes, together: room once (the head
	 * and, kept free by the attributes, the tail) */
	if (room < 2 * SPAN_FRAME + (size_t)s->trace_state.len + s->name.len + s->status_msg.len)
		return -ENOSPC;
	d = put_head(d, s);
	for (uint32_t i = 0; i < s->n_attrs; i++)
		if (!(d = put_kv(d, end - SPAN_FRAME - s->status_msg.len, &s->attrs[i], &err)))
			return err;
	*len = (size_t)(put_tail(d, s) - start);
	return 0;
}
