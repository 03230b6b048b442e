/* Batches (arena limits, handles, grouping order) and encoder details that
 * the node oracle does not pin down: exact bytes, output buffers, JSON
 * text for escapes and doubles. */
#include <errno.h>
#include <math.h>

#include "../../user/otlp/batch_int.h"
#include "otlp_fixtures.h"
#include "rawtel/err.h"
#include "t_fmt.h"

static struct otlp_batch *batch(enum otlp_signal sig, size_t arena, uint32_t res, uint32_t scopes)
{
	struct otlp_batch_limits lim = { arena, res, scopes };
	struct otlp_batch *b;

	return otlp_batch_new(&b, sig, &lim) ? NULL : b;
}

static void small_span(struct otlp_span *s, uint8_t id)
{
	memset(s, 0, sizeof(*s));
	fx_id(s->trace_id, 16, 1);
	fx_id(s->span_id, 8, id);
	s->name = OTLP_S("a");
	s->kind = OTLP_KIND_SERVER;
	s->start_ns = 1;
}

/* Hand-assembled from the field numbers in opentelemetry-proto. */
static void golden_bytes(void)
{
	static const uint8_t want[] = {
		0x0a, 0x32,				/* resource_spans, 50 */
		0x0a, 0x00,				/*  resource {} */
		0x12, 0x2e,				/*  scope_spans, 46 */
		0x0a, 0x00,				/*   scope {} */
		0x12, 0x2a,				/*   spans, 42 */
		0x0a, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		0x12, 0x08, 9, 10, 11, 12, 13, 14, 15, 16,
		0x2a, 0x01, 'a',			/*    name */
		0x30, 0x02,				/*    kind SERVER */
		0x39, 1, 0, 0, 0, 0, 0, 0, 0,		/*    start fixed64 */
	};
	struct otlp_batch *b = batch(OTLP_TRACES, 4096, 1, 1);
	struct otlp_resource r = { NULL, 0, 0, OTLP_S("") };
	struct otlp_scope sc = { OTLP_S(""), OTLP_S(""), NULL, 0, 0, OTLP_S("") };
	struct otlp_span s;
	struct otlp_buf o;
	uint8_t mem[sizeof(want)];
	int res, scope;

	T_ASSERT(b);
	small_span(&s, 9);
	T_ASSERT((res = otlp_batch_add_resource(b, &r)) == 0);
	T_ASSERT((scope = otlp_batch_add_scope(b, res, &sc)) == 0);
	T_EQ_INT(otlp_batch_add_span(b, scope, &s), 0);
	otlp_buf_init_fixed(&o, mem, sizeof(mem));		/* an exact fit */
	T_EQ_INT(otlp_encode_pb(b, &o), 0);
	T_EQ_INT(o.len, sizeof(want));
	T_CHECK(!memcmp(mem, want, sizeof(want)));
	otlp_buf_init_fixed(&o, mem, sizeof(mem) - 1);		/* one byte short */
	T_EQ_INT(otlp_encode_pb(b, &o), -ENOSPC);
	T_EQ_INT(otlp_encode_json(b, &o), -ENOSPC);
	otlp_batch_free(b);
}

/* Full arena: -ENOSPC, nothing half-added, still encodable; reset. */
static void arena_full(void)
{
	struct otlp_batch *b = batch(OTLP_TRACES, 2048, 2, 2);
	struct otlp_resource r = { NULL, 0, 0, OTLP_S("") };
	struct otlp_scope sc = { OTLP_S("s"), OTLP_S(""), NULL, 0, 0, OTLP_S("") };
	struct otlp_kv attrs[FX_MAX_ATTRS];
	struct otlp_span s;
	struct otlp_buf o;
	int scope, added = 0, ret;
	size_t used;
	uint32_t gen;

	T_ASSERT(b);
	scope = otlp_batch_add_scope(b, otlp_batch_add_resource(b, &r), &sc);
	T_ASSERT(scope == 0);
	small_span(&s, 1);
	s.attrs = attrs;
	s.n_attrs = fx_attrs(attrs, 0);
	for (;;) {
		used = otlp_batch_arena_used(b);
		if ((ret = otlp_batch_add_span(b, scope, &s)))
			break;
		added++;
	}
	T_EQ_INT(ret, -ENOSPC);
	T_CHECK(strstr(err_msg(), "OTLP batch full") != NULL);
	T_CHECK(added >= 1);
	T_EQ_INT(otlp_batch_items(b), added);
	T_EQ_INT(otlp_batch_arena_used(b), used);		/* rolled back */
	otlp_buf_init(&o, 1 << 20);
	T_EQ_INT(otlp_encode_pb(b, &o), 0);
	T_CHECK(o.len > 0);
	gen = otlp_batch_generation(b);
	otlp_batch_reset(b);
	T_EQ_INT(otlp_batch_generation(b), gen + 1);
	T_EQ_INT(otlp_batch_items(b), 0);
	T_EQ_INT(otlp_batch_arena_used(b), 0);
	T_EQ_INT(otlp_batch_add_span(b, scope, &s), -EINVAL);	/* handle gone */
	T_EQ_INT(otlp_encode_pb(b, &o), 0);
	T_EQ_INT(o.len, 0);					/* empty request */
	otlp_buf_free(&o);
	otlp_batch_free(b);
}

static void tables_and_handles(void)
{
	struct otlp_batch *b = batch(OTLP_TRACES, 8192, 2, 3);
	struct otlp_resource r = { NULL, 0, 0, OTLP_S("") };
	struct otlp_kv kv = otlp_kv_str("k", "v");
	struct otlp_scope s1 = { OTLP_S("s1"), OTLP_S("1"), NULL, 0, 0, OTLP_S("") };
	struct otlp_scope s2 = { OTLP_S("s1"), OTLP_S("1"), &kv, 1, 0, OTLP_S("") };
	struct otlp_log l;
	struct otlp_span s;
	struct otlp_kv deep[40];
	struct otlp_value bad = { 99, 0, { .i = 0 } };
	int r0, r1, a, c;

	T_ASSERT(b);
	T_EQ_INT(r0 = otlp_batch_add_resource(b, &r), 0);
	T_EQ_INT(r1 = otlp_batch_add_resource(b, &r), 1);
	T_EQ_INT(otlp_batch_add_resource(b, &r), -ENOSPC);
	T_EQ_INT(a = otlp_batch_add_scope(b, r0, &s1), 0);
	T_EQ_INT(otlp_batch_add_scope(b, r0, &s1), a);		/* the same scope */
	T_EQ_INT(otlp_batch_add_scope(b, r0, &s2), 1);		/* attributes: its own */
	T_EQ_INT(c = otlp_batch_add_scope(b, r1, &s1), 2);	/* other resource */
	T_EQ_INT(otlp_batch_add_scope(b, r1, &s2), -ENOSPC);
	T_EQ_INT(otlp_batch_add_scope(b, 7, &s1), -EINVAL);
	small_span(&s, 1);
	T_EQ_INT(otlp_batch_add_span(b, 3, &s), -EINVAL);
	memset(&l, 0, sizeof(l));
	T_EQ_INT(otlp_batch_add_log(b, a, &l), -EINVAL);	/* a traces batch */
	s.n_attrs = 2;						/* NULL table */
	T_EQ_INT(otlp_batch_add_span(b, a, &s), -EINVAL);
	/* values nested deeper than the model allows */
	for (int i = 0; i < 40; i++)
		deep[i] = (struct otlp_kv){ OTLP_S("d"), { OTLP_V_KVLIST, i < 39 ? 1 : 0,
			{ .kvs = i < 39 ? &deep[i + 1] : NULL } } };
	s.attrs = deep;
	s.n_attrs = 1;
	T_EQ_INT(otlp_batch_add_span(b, a, &s), -EINVAL);
	s.attrs = &(struct otlp_kv){ OTLP_S("x"), bad };
	T_EQ_INT(otlp_batch_add_span(b, a, &s), -EINVAL);
	T_EQ_INT(otlp_batch_items(b), 0);
	T_EQ_INT(otlp_batch_add_span(b, c, &(struct otlp_span){ .name = { "x", 1 } }), 0);
	otlp_batch_free(b);
}

struct order { char seen[16]; int n; };

static int walk_names(void *ctx, const struct otlp_resource *r, const struct otlp_scope *s,
		      const void *item)
{
	struct order *o = ctx;

	(void)r;
	(void)s;
	if (o->n < 15)
		o->seen[o->n++] = ((const struct otlp_span *)item)->name.p[0];
	return 0;
}

/* Items are grouped by resource, then scope, whatever order they came in. */
static void grouping_order(void)
{
	struct otlp_batch *b = batch(OTLP_TRACES, 8192, 2, 4), *c = batch(OTLP_TRACES, 8192, 4, 4);
	struct otlp_resource r = { NULL, 0, 0, OTLP_S("") };
	struct otlp_scope sx = { OTLP_S("x"), OTLP_S(""), NULL, 0, 0, OTLP_S("") };
	struct otlp_scope sy = { OTLP_S("y"), OTLP_S(""), NULL, 0, 0, OTLP_S("") };
	struct order o = { .n = 0 };
	struct otlp_buf pb;
	int r0, r1, x0, y0, x1;
	const char *names = "abcdef";
	int where[6];

	T_ASSERT(b && c);
	r0 = otlp_batch_add_resource(b, &r);
	r1 = otlp_batch_add_resource(b, &r);
	x0 = otlp_batch_add_scope(b, r0, &sx);
	x1 = otlp_batch_add_scope(b, r1, &sx);
	y0 = otlp_batch_add_scope(b, r0, &sy);
	where[0] = x1; where[1] = y0; where[2] = x0; where[3] = x1; where[4] = x0; where[5] = y0;
	for (int i = 0; i < 6; i++) {
		struct otlp_span s;

		small_span(&s, (uint8_t)i);
		s.name = (struct otlp_str){ names + i, 1 };
		T_EQ_INT(otlp_batch_add_span(b, where[i], &s), 0);
	}
	T_EQ_INT(otlp_batch_walk(b, walk_names, &o), 0);
	T_EQ_STR(o.seen, "cebfad");		/* r0: x(c,e) y(b,f); r1: x(a,d) */
	/* the encoding has the same order */
	otlp_buf_init(&pb, 1 << 20);
	T_ASSERT(otlp_encode_pb(b, &pb) == 0 && otlp_decode_pb(c, pb.p, pb.len) == 0);
	o.n = 0;
	memset(o.seen, 0, sizeof(o.seen));
	otlp_batch_walk(c, walk_names, &o);
	T_EQ_STR(o.seen, "cebfad");
	otlp_buf_free(&pb);
	otlp_batch_free(b);
	otlp_batch_free(c);
}

/* A heap buffer that grows many times (the back-to-front writer moves its
 * output each time) gives the same bytes as one big enough at the start. */
static void growing_buffer(void)
{
	struct otlp_batch *b = batch(OTLP_TRACES, 1 << 22, 1, 1);
	struct otlp_resource r = { NULL, 0, 0, OTLP_S("") };
	struct otlp_scope sc = { OTLP_S("s"), OTLP_S(""), NULL, 0, 0, OTLP_S("") };
	struct otlp_kv attrs[FX_MAX_ATTRS];
	static uint8_t big[1 << 21];
	struct otlp_buf grow, fixed, capped;
	struct otlp_span s;
	int scope;

	T_ASSERT(b);
	scope = otlp_batch_add_scope(b, otlp_batch_add_resource(b, &r), &sc);
	small_span(&s, 1);
	s.attrs = attrs;
	s.n_attrs = fx_attrs(attrs, 0);
	for (int i = 0; i < 500; i++)
		T_ASSERT(otlp_batch_add_span(b, scope, &s) == 0);
	otlp_buf_init(&grow, 1 << 24);
	otlp_buf_init_fixed(&fixed, big, sizeof(big));
	T_EQ_INT(otlp_encode_pb(b, &grow), 0);
	T_EQ_INT(otlp_encode_pb(b, &fixed), 0);
	T_CHECK(grow.len > 100000 && grow.len == fixed.len && !memcmp(grow.p, big, grow.len));
	T_EQ_INT(otlp_encode_json(b, &grow), 0);
	T_EQ_INT(otlp_encode_json(b, &fixed), 0);
	T_CHECK(grow.len == fixed.len && !memcmp(grow.p, big, grow.len));
	otlp_buf_init(&capped, 10000);				/* a cap on growth */
	T_EQ_INT(otlp_encode_pb(b, &capped), -ENOSPC);
	T_CHECK(strstr(err_msg(), "needs more than 10000 bytes") != NULL);
	otlp_buf_free(&capped);
	otlp_buf_free(&grow);
	otlp_batch_free(b);
}

/* JSON text: escapes, invalid UTF-8, doubles, ints; exact. */
/* Spans added as protobuf: the same request bytes and the same JSON as
 * spans added as structs; the same view for walks; spans the encoder
 * does not take whole (nested values, events) and bad ones as before. */
static int count_walk(void *ctx, const struct otlp_resource *r, const struct otlp_scope *sc,
		      const void *item)
{
	const struct otlp_span *s = item;
	size_t *n = ctx;

	(void)r;
	(void)sc;
	*n += s->n_attrs + s->name.len + 100 * s->n_events;
	return 0;
}

static void pb_spans(void)
{
	struct otlp_resource r = { NULL, 0, 0, OTLP_S("") };
	struct otlp_scope sc = { OTLP_S("s"), OTLP_S("1"), NULL, 0, 0, OTLP_S("") };
	struct otlp_kv flat[8], rich[FX_MAX_ATTRS];
	struct otlp_event ev = { 5, OTLP_S("e"), NULL, 0, 0 };
	struct otlp_span s[3];
	struct otlp_buf o[2][2];
	size_t walked[2] = { 0, 0 };
	uint32_t nf = 0;

	flat[nf++] = otlp_kv_str("http.route", "/a/{id}");
	flat[nf++] = otlp_kv_int("http.response.status_code", 503);
	flat[nf++] = otlp_kv_bool("b", 1);
	flat[nf++] = otlp_kv_double("d", -2.5);
	flat[nf++] = (struct otlp_kv){ { "nul\0in", 6 }, { OTLP_V_STRING, 3, { .s = "a\0b" } } };
	flat[nf++] = (struct otlp_kv){ OTLP_S("bytes"), { OTLP_V_BYTES, sizeof(fx_bytes), { .b = fx_bytes } } };
	flat[nf++] = (struct otlp_kv){ OTLP_S("unset"), { OTLP_V_EMPTY, 0, { .i = 0 } } };
	flat[nf++] = otlp_kv_str("", "");
	small_span(&s[0], 1);
	s[0].attrs = flat;
	s[0].n_attrs = nf;
	s[0].name = OTLP_S("GET /a/{id}");
	s[0].trace_state = OTLP_S("k=v");
	fx_id(s[0].parent_span_id, 8, 7);
	s[0].end_ns = 2;
	s[0].status_code = OTLP_STATUS_ERROR;
	s[0].status_msg = OTLP_S("timeout");
	s[0].flags = OTLP_FLAG_SAMPLED;
	s[0].dropped_attrs = 2;
	small_span(&s[1], 2);
	s[1].attrs = rich;
	s[1].n_attrs = fx_attrs(rich, 0);
	small_span(&s[2], 3);
	s[2].events = &ev;
	s[2].n_events = 1;
	for (int pb = 0; pb < 2; pb++) {
		struct otlp_batch *b = batch(OTLP_TRACES, 1 << 16, 1, 1);
		static uint8_t store[1 << 16];
		struct otlp_span bad = s[0];
		int scope;

		if (pb)
			otlp_batch_set_store(b, store, sizeof(store), 0);

		T_ASSERT(b);
		T_ASSERT(otlp_batch_add_resource(b, &r) == 0);
		T_ASSERT((scope = otlp_batch_add_scope(b, 0, &sc)) == 0);
		for (int i = 0; i < 3; i++)
			T_EQ_INT((pb ? otlp_batch_add_span_pb : otlp_batch_add_span)(b, scope, &s[i]), 0);
		bad.attrs = NULL;
		T_EQ_INT((pb ? otlp_batch_add_span_pb : otlp_batch_add_span)(b, scope, &bad), -EINVAL);
		T_EQ_INT(otlp_batch_items(b), 3);
		otlp_buf_init(&o[pb][0], 1 << 20);
		otlp_buf_init(&o[pb][1], 1 << 20);
		T_EQ_INT(otlp_encode_pb(b, &o[pb][0]), 0);
		T_EQ_INT(otlp_encode_json(b, &o[pb][1]), 0);
		T_EQ_INT(otlp_batch_walk(b, count_walk, &walked[pb]), 0);
		otlp_batch_free(b);
	}
	for (int k = 0; k < 2; k++) {
		T_EQ_INT(o[0][k].len, o[1][k].len);
		T_CHECK(!memcmp(o[0][k].p, o[1][k].p, o[0][k].len));
		otlp_buf_free(&o[0][k]);
		otlp_buf_free(&o[1][k]);
	}
	T_EQ_INT(walked[0], walked[1]);
}

/* Spans of random shape, lengths on both sides of the varints' byte
 * boundaries, added both ways: the protobuf written at once must be the
 * model's encoding byte for byte (and was written at once: reading it
 * back for JSON takes arena the model's does not). */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state >> 11) % n;
}

static uint32_t rnd_len(void)
{
	static const uint32_t lens[] = { 0, 1, 7, 8, 16, 17, 33, 125, 126, 127, 128, 200, 16383, 16384 };

	return lens[rnd(sizeof(lens) / sizeof(lens[0]))];
}

static void rnd_kv(struct otlp_kv *kv, const char *text)
{
	static const int64_t ints[] = { 0, 1, 127, 128, -1, INT64_MIN, INT64_MAX, 300 };

	kv->key = (struct otlp_str){ text, rnd_len() };
	kv->v.type = rnd(8);
	kv->v.len = 0;
	switch (kv->v.type) {
	case OTLP_V_STRING:
	case OTLP_V_BYTES:
		kv->v.len = rnd_len();
		kv->v.u.s = text + rnd(7);
		break;
	case OTLP_V_ARRAY:
	case OTLP_V_KVLIST:
		kv->v.type = OTLP_V_EMPTY;
		break;
	case OTLP_V_DOUBLE:
		kv->v.u.d = -1.5 * rnd(1000);
		break;
	default:
		kv->v.u.i = ints[rnd(8)];
		break;
	}
}

static void rnd_span(struct otlp_span *s, struct otlp_kv *kv, const char *text)
{
	static const uint32_t nums[] = { 0, 1, 127, 128, 65535, UINT32_MAX };

	small_span(s, (uint8_t)rnd(256));
	if (rnd(2))
		fx_id(s->parent_span_id, 8, (uint8_t)(rnd(255) + 1));
	s->trace_state = (struct otlp_str){ text, rnd_len() };
	s->name = (struct otlp_str){ text + 1, rnd_len() };
	s->kind = rnd(2) ? rnd(6) : nums[rnd(6)];
	s->start_ns = rnd(2) ? 0 : (uint64_t)rnd(1000) << rnd(54);
	s->end_ns = rnd(2) ? 0 : ~0ull >> rnd(64);
	s->n_attrs = rnd(40);
	for (uint32_t i = 0; i < s->n_attrs; i++)
		rnd_kv(&kv[i], text + i);
	s->attrs = kv;
	s->dropped_attrs = nums[rnd(6)];
	s->dropped_events = nums[rnd(6)];
	s->dropped_links = nums[rnd(6)];
	s->status_code = rnd(2) ? 0 : nums[rnd(6)];
	s->status_msg = (struct otlp_str){ text + 2, rnd(3) ? 0 : rnd_len() };
	s->flags = rnd(2) ? 0 : nums[rnd(6)];
}

/* A store from too small to just enough (ASan sees any byte written
 * past it): the span fits whole or the add says -ENOSPC. */
static void pb_tight(const struct otlp_span *s, size_t enc_len)
{
	struct otlp_resource r = { NULL, 0, 0, OTLP_S("") };
	struct otlp_scope sc = { OTLP_S("s"), OTLP_S("1"), NULL, 0, 0, OTLP_S("") };

	for (size_t room = enc_len > 664 ? enc_len - 600 : 1; room < enc_len + 400; room += 1 + rnd(60)) {
		struct otlp_batch *b = batch(OTLP_TRACES, 4096, 1, 1);
		uint8_t *store = malloc(room);
		int ret;

		T_ASSERT(b && store && otlp_batch_add_resource(b, &r) == 0 &&
			 otlp_batch_add_scope(b, 0, &sc) == 0);
		otlp_batch_set_store(b, store, room, 0);
		ret = otlp_batch_add_span_pb(b, 0, s);
		T_CHECK(ret == 0 || ret == -ENOSPC);
		T_EQ_INT(otlp_batch_items(b), ret == 0);
		otlp_batch_free(b);
		free(store);
	}
}

static void pb_spans_random(void)
{
	static char text[16384 + 64];
	struct otlp_resource r = { NULL, 0, 0, OTLP_S("") };
	struct otlp_scope sc = { OTLP_S("s"), OTLP_S("1"), NULL, 0, 0, OTLP_S("") };
	struct otlp_kv kv[40];
	struct otlp_span s;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 26);
	for (int round = 0; round < 300; round++) {
		struct otlp_batch *b[2] = { batch(OTLP_TRACES, 4 << 20, 1, 1), batch(OTLP_TRACES, 4 << 20, 1, 1) };
		static uint8_t store[1 << 20];
		struct otlp_buf o[2];
		size_t used;

		T_ASSERT(b[0] && b[1]);
		otlp_batch_set_store(b[1], store, sizeof(store), 0);
		rnd_span(&s, kv, text);
		for (int pb = 0; pb < 2; pb++) {
			T_ASSERT(otlp_batch_add_resource(b[pb], &r) == 0);
			T_ASSERT(otlp_batch_add_scope(b[pb], 0, &sc) == 0);
			T_EQ_INT((pb ? otlp_batch_add_span_pb : otlp_batch_add_span)(b[pb], 0, &s), 0);
			otlp_buf_init(&o[pb], 16 << 20);
			T_EQ_INT(otlp_encode_pb(b[pb], &o[pb]), 0);
			/* the agent encodes into a block of this size */
			T_CHECK(o[pb].len <= otlp_encode_pb_bound(b[pb]));
		}
		T_EQ_INT(o[0].len, o[1].len);
		T_CHECK(!memcmp(o[0].p, o[1].p, o[0].len));
		pb_tight(&s, o[0].len);
		for (int pb = 0; pb < 2; pb++) {
			used = otlp_batch_arena_used(b[pb]);
			o[pb].len = 0;
			T_EQ_INT(otlp_encode_json(b[pb], &o[pb]), 0);
			T_CHECK(pb ? otlp_batch_arena_used(b[pb]) > used : otlp_batch_arena_used(b[pb]) == used);
			otlp_buf_free(&o[pb]);
			otlp_batch_free(b[pb]);
		}
	}
}

/* The store (the agent's traces, spans one process made): random spans
 * across the prefix's 1/2/3-byte lengths, encoded in place, must be the
 * model's request byte for byte; a second process's span, a scope schema
 * URL or a head too small for the resource fall back (-EAGAIN, -ENOSPC),
 * and otlp_encode_pb then reads the spans from the store. A store too
 * small for the next span refuses it and leaves the batch as it was. */
/* As the agent does: -EAGAIN when the spans cannot be sent in place */
static int in_place(const struct otlp_batch *b, uint8_t *store, size_t *off, size_t *len)
{
	size_t n = otlp_encode_pb_store(b);
	struct otlp_buf o;
	int ret;

	if (!n)
		return -EAGAIN;
	otlp_buf_init_fixed(&o, store, n);
	ret = otlp_encode_pb_at(b, &o, off);
	*len = o.len;
	return ret;
}

static int stats[3];	/* in place, -ENOSPC, -EAGAIN */

static void store_round(const char *text, struct otlp_kv *kv, size_t head, int procs, int url)
{
	struct otlp_resource r[2] = { { NULL, 0, 0, OTLP_S("") }, { NULL, 0, 0, OTLP_S("") } };
	struct otlp_scope sc = { OTLP_S("s"), OTLP_S("1"), NULL, 0, 0, OTLP_S("") };
	struct otlp_kv rkv = { OTLP_S("service.name"), { OTLP_V_STRING, 7, { .s = "service" } } };
	size_t cap = head + (64 << 10) + rnd(256 << 10), off, len;
	struct otlp_batch *b[2] = { batch(OTLP_TRACES, 8 << 20, 2, 2), batch(OTLP_TRACES, 8 << 20, 2, 2) };
	uint8_t *store = malloc(cap);
	struct otlp_buf o[2];
	struct otlp_span s;
	int n = 1 + (int)rnd(8), used[2] = { 0, 0 }, odd = 0, common = rnd(4) > 0, want, ret;

	r[0].attrs = &rkv;
	r[0].n_attrs = 1;
	if (url)
		sc.schema_url = OTLP_S("https://opentelemetry.io/schemas/1.26.0");
	T_ASSERT(b[0] && b[1] && store);
	otlp_batch_set_store(b[1], store, cap, head);
	for (int pb = 0; pb < 2; pb++)
		for (int i = 0; i < procs; i++) {
			T_EQ_INT(otlp_batch_add_resource(b[pb], &r[i]), i);
			T_EQ_INT(otlp_batch_add_scope(b[pb], i, &sc), i);
		}
	for (int i = 0; i < n; i++) {
		int scope = (int)rnd((uint32_t)procs);
		static uint8_t one[1 << 20];
		size_t one_len = 0;

		rnd_span(&s, kv, text);
		if (common || !rnd(3)) {
			/* the common shape: 128 bytes to 16 KB */
			small_span(&s, (uint8_t)i);
			s.attrs = kv;
			s.n_attrs = 3;
			for (int k = 0; k < 3; k++)
				kv[k] = (struct otlp_kv){ OTLP_S("k"), { OTLP_V_STRING, 40 + rnd(4000), { .s = text } } };
		}
		T_EQ_INT(otlp_pb_span_put(one, sizeof(one), &s, &one_len), 0);
		ret = otlp_batch_add_span_pb(b[1], scope, &s);
		T_CHECK(ret == 0 || ret == -ENOSPC);
		if (ret) {
			T_EQ_INT(otlp_batch_items(b[1]), (uint32_t)i);
			break;
		}
		T_EQ_INT(otlp_batch_add_span(b[0], scope, &s), 0);
		used[scope] = 1;
		odd |= one_len < 128 || one_len >= 16384;
	}
	otlp_buf_init(&o[0], 16 << 20);
	T_EQ_INT(otlp_encode_pb(b[0], &o[0]), 0);
	ret = in_place(b[1], store, &off, &len);
	want = procs != 1 || !(used[0] + used[1]) || url || odd ? -EAGAIN : head < 256 ? -ENOSPC : 0;
	stats[want == 0 ? 0 : want == -ENOSPC ? 1 : 2]++;
	T_EQ_INT(ret, want);
	if (!ret) {
		T_EQ_INT(len, o[0].len);
		T_CHECK(off < head && !memcmp(store + off, o[0].p, len));
	}
	otlp_buf_init(&o[1], 16 << 20);
	T_EQ_INT(otlp_encode_pb(b[1], &o[1]), 0);
	T_EQ_INT(o[1].len, o[0].len);
	T_CHECK(!o[0].len || !memcmp(o[1].p, o[0].p, o[0].len));
	T_CHECK(o[1].len <= otlp_encode_pb_bound(b[1]));
	/* emptied by a reset, the store takes a batch again */
	otlp_batch_reset(b[1]);
	T_EQ_INT(otlp_batch_add_resource(b[1], &r[0]), 0);
	T_EQ_INT(otlp_batch_add_scope(b[1], 0, &sc), 0);
	small_span(&s, 9);
	kv[0] = (struct otlp_kv){ OTLP_S("k"), { OTLP_V_STRING, 200, { .s = text } } };
	s.attrs = kv;
	s.n_attrs = 1;
	T_EQ_INT(otlp_batch_add_span_pb(b[1], 0, &s), 0);
	T_EQ_INT(in_place(b[1], store, &off, &len), url ? -EAGAIN : head >= 256 ? 0 : -ENOSPC);
	for (int k = 0; k < 2; k++) {
		otlp_buf_free(&o[k]);
		otlp_batch_free(b[k]);
	}
	free(store);
}

static void pb_store(void)
{
	static char text[16384 + 64];
	static const size_t heads[] = { 2048, 256, 8 };
	struct otlp_kv kv[40];

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 26);
	for (int round = 0; round < 200; round++)
		store_round(text, kv, heads[round % 3], 1 + round / 3 % 2, round % 7 == 6);
	/* each outcome was met */
	T_CHECK(stats[0] > 10 && stats[1] > 10 && stats[2] > 10);
}

static void json_text(void)
{
	struct otlp_batch *b = batch(OTLP_LOGS, 8192, 1, 1);
	struct otlp_resource r = { NULL, 0, 0, OTLP_S("") };
	struct otlp_scope sc = { OTLP_S(""), OTLP_S(""), NULL, 0, 0, OTLP_S("") };
	struct otlp_value arr[9] = {
		{ OTLP_V_DOUBLE, 0, { .d = 0.1 } }, { OTLP_V_DOUBLE, 0, { .d = 1e300 } },
		{ OTLP_V_DOUBLE, 0, { .d = 5 } }, { OTLP_V_DOUBLE, 0, { .d = -0.0 } },
		{ OTLP_V_DOUBLE, 0, { .d = NAN } }, { OTLP_V_DOUBLE, 0, { .d = -INFINITY } },
		{ OTLP_V_DOUBLE, 0, { .d = 1.0 / 3 } }, { OTLP_V_INT, 0, { .i = INT64_MIN } },
		{ OTLP_V_STRING, 14, { .s = "a\"\\\x01\x7f\n\xff\xe2\x82\xac\xe2\x82\xf0\x9f" } },
	};
	struct otlp_log l = { .body = { OTLP_V_ARRAY, 9, { .arr = arr } } };
	static const char want[] =
		"{\"resourceLogs\":[{\"resource\":{},\"scopeLogs\":[{\"scope\":{},\"logRecords\":"
		"[{\"body\":{\"arrayValue\":{\"values\":[{\"doubleValue\":0.1},{\"doubleValue\":1e+300},"
		"{\"doubleValue\":5},{\"doubleValue\":-0},{\"doubleValue\":\"NaN\"},"
		"{\"doubleValue\":\"-Infinity\"},{\"doubleValue\":0.3333333333333333},"
		"{\"intValue\":\"-9223372036854775808\"},{\"stringValue\":"
		"\"a\\\"\\\\\\u0001\x7f\\n\xef\xbf\xbd\xe2\x82\xac\xef\xbf\xbd\xef\xbf\xbd\"}]}}}]}]}]}";
	struct otlp_buf o;
	int scope;

	T_ASSERT(b);
	scope = otlp_batch_add_scope(b, otlp_batch_add_resource(b, &r), &sc);
	T_EQ_INT(otlp_batch_add_log(b, scope, &l), 0);
	otlp_buf_init(&o, 1 << 20);
	T_EQ_INT(otlp_encode_json(b, &o), 0);
	T_CHECKF(o.len == sizeof(want) - 1 && !memcmp(o.p, want, o.len), "got %.*s",
		 (int)o.len, (char *)o.p);
	otlp_buf_free(&o);
	otlp_batch_free(b);
}

int main(void)
{
	T_RUN(golden_bytes);
	T_RUN(arena_full);
	T_RUN(tables_and_handles);
	T_RUN(grouping_order);
	T_RUN(growing_buffer);
	T_RUN(json_text);
	T_RUN(pb_spans);
	T_RUN(pb_spans_random);
	T_RUN(pb_store);
	return t_done();
}
