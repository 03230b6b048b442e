/* OTLP protobuf encoding of a batch (ExportTrace/Metrics/LogsService-
 * Request), written back to front (pbw.h): every message's fields in
 * descending field number, repeated fields from last to first, so the
 * result reads in ascending order like any other encoder's. Field numbers:
 * opentelemetry-proto (see /work/shared/reference/otlp.md). */
#include <errno.h>

#include "batch_int.h"
#include "pbw.h"
#include "rawtel/err.h"

static int nonzero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 1;
	return 0;
}

static void put_kvs(struct pbw *w, uint32_t field, const struct otlp_kv *kv,
		    uint32_t n);

/* pbw.h's bytes and close as calls: inlined at every message's fields they
 * cost ~1 KB of the static binary. Attributes (put_kvs, many per item)
 * keep them inlined; the agent's spans do not come here (enc_span.c). */
static __attribute__((noinline)) void put_bytes(struct pbw *w, uint32_t field, const void *p, size_t n)
{
	pbw_bytes(w, field, p, n);
}

static __attribute__((noinline)) void put_close(struct pbw *w, uint32_t field, size_t mark)
{
	pbw_close(w, field, mark);
}

/* The AnyValue's fields (not its own tag and length). */
static void put_value_body(struct pbw *w, const struct otlp_value *v)
{
	size_t mark;

	switch (v->type) {
	case OTLP_V_STRING:
		pbw_bytes(w, 1, v->u.s, v->len);
		break;
	case OTLP_V_BOOL:
		pbw_uint(w, 2, v->u.boolean ? 1 : 0);
		break;
	case OTLP_V_INT:
		pbw_uint(w, 3, (uint64_t)v->u.i);
		break;
	case OTLP_V_DOUBLE:
		pbw_double(w, 4, v->u.d);
		break;
	case OTLP_V_ARRAY:
		mark = pbw_size(w);
		for (uint32_t i = v->len; i-- > 0;) {
			size_t m = pbw_size(w);

			put_value_body(w, &v->u.arr[i]);
			pbw_close(w, 1, m);
		}
		pbw_close(w, 5, mark);
		break;
	case OTLP_V_KVLIST:
		mark = pbw_size(w);
		put_kvs(w, 1, v->u.kvs, v->len);
		pbw_close(w, 6, mark);
		break;
	case OTLP_V_BYTES:
		pbw_bytes(w, 7, v->u.b, v->len);
		break;
	}
}

/* repeated KeyValue `field` */
static void put_kvs(struct pbw *w, uint32_t field, const struct otlp_kv *kv,
		    uint32_t n)
{
	for (uint32_t i = n; i-- > 0;) {
		size_t m = pbw_size(w), mv = m;

		put_value_body(w, &kv[i].v);
		pbw_close(w, 2, mv);
		pbw_str_opt(w, 1, kv[i].key);
		pbw_close(w, field, m);
	}
}

static void put_resource(struct pbw *w, const struct otlp_resource *r)
{
	size_t m = pbw_size(w);

	if (r->dropped_attrs)
		pbw_uint(w, 2, r->dropped_attrs);
	put_kvs(w, 1, r->attrs, r->n_attrs);
	put_close(w, 1, m);
}

static void put_scope(struct pbw *w, const struct otlp_scope *s)
{
	size_t m = pbw_size(w);

	if (s->dropped_attrs)
		pbw_uint(w, 4, s->dropped_attrs);
	put_kvs(w, 3, s->attrs, s->n_attrs);
	pbw_str_opt(w, 2, s->version);
	pbw_str_opt(w, 1, s->name);
	put_close(w, 1, m);
}

/* ---- traces ------------------------------------------------------------- */

static void put_span(struct pbw *w, const struct otlp_span *s)
{
	if (s->flags)
		pbw_fixed32(w, 16, s->flags);
	if (s->status_code || s->status_msg.len) {
		size_t m = pbw_size(w);

		if (s->status_code)
			pbw_uint(w, 3, s->status_code);
		pbw_str_opt(w, 2, s->status_msg);
		put_close(w, 15, m);
	}
	if (s->dropped_links)
		pbw_uint(w, 14, s->dropped_links);
	for (uint32_t i = s->n_links; i-- > 0;) {
		const struct otlp_link *l = &s->links[i];
		size_t m = pbw_size(w);

		if (l->flags)
			pbw_fixed32(w, 6, l->flags);
		if (l->dropped_attrs)
			pbw_uint(w, 5, l->dropped_attrs);
		put_kvs(w, 4, l->attrs, l->n_attrs);
		pbw_str_opt(w, 3, l->trace_state);
		put_bytes(w, 2, l->span_id, 8);
		put_bytes(w, 1, l->trace_id, 16);
		put_close(w, 13, m);
	}
	if (s->dropped_events)
		pbw_uint(w, 12, s->dropped_events);
	for (uint32_t i = s->n_events; i-- > 0;) {
		const struct otlp_event *e = &s->events[i];
		size_t m = pbw_size(w);

		if (e->dropped_attrs)
			pbw_uint(w, 4, e->dropped_attrs);
		put_kvs(w, 3, e->attrs, e->n_attrs);
		pbw_str_opt(w, 2, e->name);
		if (e->time_ns)
			pbw_fixed64(w, 1, e->time_ns);
		put_close(w, 11, m);
	}
	if (s->dropped_attrs)
		pbw_uint(w, 10, s->dropped_attrs);
	put_kvs(w, 9, s->attrs, s->n_attrs);
	if (s->end_ns)
		pbw_fixed64(w, 8, s->end_ns);
	if (s->start_ns)
		pbw_fixed64(w, 7, s->start_ns);
	if (s->kind)
		pbw_uint(w, 6, s->kind);
	pbw_str_opt(w, 5, s->name);
	if (nonzero(s->parent_span_id, 8))
		put_bytes(w, 4, s->parent_span_id, 8);
	pbw_str_opt(w, 3, s->trace_state);
	put_bytes(w, 2, s->span_id, 8);
	put_bytes(w, 1, s->trace_id, 16);
}

/* ---- logs --------------------------------------------------------------- */

static void put_log(struct pbw *w, const struct otlp_log *l)
{
	pbw_str_opt(w, 12, l->event_name);
	if (l->observed_ns)
		pbw_fixed64(w, 11, l->observed_ns);
	if (nonzero(l->span_id, 8))
		put_bytes(w, 10, l->span_id, 8);
	if (nonzero(l->trace_id, 16))
		put_bytes(w, 9, l->trace_id, 16);
	if (l->flags)
		pbw_fixed32(w, 8, l->flags);
	if (l->dropped_attrs)
		pbw_uint(w, 7, l->dropped_attrs);
	put_kvs(w, 6, l->attrs, l->n_attrs);
	if (l->body.type != OTLP_V_EMPTY) {
		size_t m = pbw_size(w);

		put_value_body(w, &l->body);
		put_close(w, 5, m);
	}
	pbw_str_opt(w, 3, l->severity_text);
	if (l->severity)
		pbw_uint(w, 2, l->severity);
	if (l->time_ns)
		pbw_fixed64(w, 1, l->time_ns);
}

/* ---- metrics ------------------------------------------------------------ */

static void put_num_point(struct pbw *w, const struct otlp_num_point *p)
{
	if (p->flags)
		pbw_uint(w, 8, p->flags);
	put_kvs(w, 7, p->attrs, p->n_attrs);
	if (p->is_double)
		pbw_double(w, 4, p->v.d);
	else
		pbw_fixed64(w, 6, (uint64_t)p->v.i);	/* sfixed64 */
	if (p->time_ns)
		pbw_fixed64(w, 3, p->time_ns);
	if (p->start_ns)
		pbw_fixed64(w, 2, p->start_ns);
}

static void put_hist_point(struct pbw *w, const struct otlp_hist_point *p)
{
	size_t m;

	if (p->has_max)
		pbw_double(w, 12, p->max);
	if (p->has_min)
		pbw_double(w, 11, p->min);
	if (p->flags)
		pbw_uint(w, 10, p->flags);
	put_kvs(w, 9, p->attrs, p->n_attrs);
	if (p->n_bounds) {		/* packed double */
		m = pbw_size(w);
		for (uint32_t i = p->n_bounds; i-- > 0;) {
			uint64_t v;

			memcpy(&v, &p->bounds[i], sizeof(v));
			pbw_le(w, v, 8);
		}
		put_close(w, 7, m);
	}
	if (p->n_buckets) {		/* packed fixed64 */
		m = pbw_size(w);
		for (uint32_t i = p->n_buckets; i-- > 0;)
			pbw_le(w, p->bucket_counts[i], 8);
		put_close(w, 6, m);
	}
	if (p->has_sum)
		pbw_double(w, 5, p->sum);
	if (p->count)
		pbw_fixed64(w, 4, p->count);
	if (p->time_ns)
		pbw_fixed64(w, 3, p->time_ns);
	if (p->start_ns)
		pbw_fixed64(w, 2, p->start_ns);
}

static void put_metric(struct pbw *w, const struct otlp_metric *mt)
{
	static const uint8_t data_field[] = {
		[OTLP_GAUGE] = 5, [OTLP_SUM] = 7, [OTLP_HISTOGRAM] = 9,
	};
	size_t m = pbw_size(w);

	if (mt->type == OTLP_SUM && mt->monotonic)
		pbw_uint(w, 3, 1);
	if (mt->type != OTLP_GAUGE && mt->temporality)
		pbw_uint(w, 2, mt->temporality);
	for (uint32_t i = mt->n_points; i-- > 0;) {
		size_t mp = pbw_size(w);

		if (mt->type == OTLP_HISTOGRAM)
			put_hist_point(w, &mt->hists[i]);
		else
			put_num_point(w, &mt->nums[i]);
		put_close(w, 1, mp);
	}
	put_close(w, data_field[mt->type], m);
	pbw_str_opt(w, 3, mt->unit);
	pbw_str_opt(w, 2, mt->description);
	pbw_str_opt(w, 1, mt->name);
}

/* ---- request ------------------------------------------------------------ */

static void put_item(struct pbw *w, enum otlp_signal sig,
		     const struct otlp_item *it)
{
	size_t m = pbw_size(w);

	if (it->pb)
		pbw_raw(w, it->pb, it->pb_len);
	else if (sig == OTLP_TRACES)
		put_span(w, &it->u.span);
	else if (sig == OTLP_LOGS)
		put_log(w, &it->u.log);
	else
		put_metric(w, &it->u.metric);
	put_close(w, 2, m);	/* spans / log_records / metrics = 2 */
}

int otlp_encode_pb_at(const struct otlp_batch *b, struct otlp_buf *o, size_t *off)
{
	struct pbw w = { .o = o, .pos = o->cap };
	/* o is the store (otlp_encode_pb_store): the one scope's spans are
	 * at its end already, each after its prefix */
	size_t in_place = o->p == b->store ? b->store_used - b->store_head : 0;

	for (uint32_t r = b->n_res; r-- > 0 && !w.err;) {
		const struct otlp_res_rec *rr = &b->res[r];
		size_t mr = pbw_size(&w);

		if (!rr->n_items)
			continue;
		pbw_str_opt(&w, 3, rr->res.schema_url);
		for (int i = rr->last_scope; i >= 0; i = b->scopes[i].prev) {
			const struct otlp_scope_rec *s = &b->scopes[i];
			size_t ms = pbw_size(&w);

			if (!s->n_items)
				continue;
			pbw_str_opt(&w, 3, s->scope.schema_url);
			if (in_place)
				w.pos -= in_place;
			else
				for (const struct otlp_item *it = s->tail; it; it = it->prev)
					put_item(&w, b->sig, it);
			put_scope(&w, &s->scope);
			put_close(&w, 2, ms);	/* scope_spans/_metrics/_logs */
		}
		put_resource(&w, &rr->res);
		put_close(&w, 1, mr);		/* resource_spans/... = 1 */
	}
	*off = 0;
	if (w.err) {
		o->len = 0;
		return w.err;
	}
	o->len = pbw_size(&w);
	*off = w.pos;
	return 0;
}

size_t otlp_encode_pb_store(const struct otlp_batch *b)
{
	const struct otlp_scope_rec *s = b->scopes;

	/* one scope (so one resource) holding every item, each in the store:
	 * the store is its spans in their order. Nothing may follow them: no
	 * schema URL (written after them) */
	if (!b->store || !b->n_items || b->store_items != b->n_items || b->n_scopes != 1 ||
	    s->scope.schema_url.len || b->res[s->res].res.schema_url.len)
		return 0;
	return b->store_used;
}

/* Everything the request holds is in the batch's arena (strings, arrays,
 * the items and spans already encoded) or its store, as structs larger
 * than the tags and lengths around their fields (an otlp_kv is 24 or 32
 * bytes, its tags and lengths at most 24; an item more than a span's 6).
 * Resources and scopes add their own messages' tags and lengths, and
 * fields that are not in the arena: less than 64 bytes each. */
size_t otlp_encode_pb_bound(const struct otlp_batch *b)
{
	return b->arena_used + b->store_used - b->store_head + 64 * ((size_t)b->n_res + b->n_scopes);
}

int otlp_encode_pb(const struct otlp_batch *b, struct otlp_buf *o)
{
	size_t off;
	int ret = otlp_encode_pb_at(b, o, &off);

	if (!ret && o->len)
		memmove(o->p, o->p + off, o->len);
	return ret;
}
