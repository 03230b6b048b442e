/* ExportTrace/Metrics/LogsServiceRequest protobuf -> batch, from untrusted
 * bytes (for `rawtel cat`). Items are built in place in the batch arena:
 * repeated fields are counted first, then their arrays filled. Unknown
 * fields are skipped; a known field with the wrong wire type is malformed.
 * Metrics of types the model lacks (exponential histogram, summary) are
 * skipped and counted: the return value. */
#include <errno.h>

#include "batch_int.h"
#include "rawtel/err.h"
#include "rawtel/pb.h"

struct dec {
	struct otlp_batch *b;
	int skipped;
};

static int full(struct dec *d)
{
	return err_set(ENOSPC, "OTLP batch of %zu bytes too small for the request",
		       d->b->arena_cap);
}

static int want(const struct pb_reader *r, const struct pb_field *f, uint32_t wt)
{
	return f->wt == wt ? 0 : pb_bad(r, "a field has the wrong wire type");
}

static int d_str(struct dec *d, const struct pb_reader *r,
		 const struct pb_field *f, struct otlp_str *s)
{
	int ret;

	if ((ret = want(r, f, PB_WT_LEN)))
		return ret;
	if (f->len > UINT32_MAX)
		return pb_bad(r, "string over 4 GiB");
	*s = (struct otlp_str){ (const char *)f->data, (uint32_t)f->len };
	return otlp_arena_str(d->b, s) ? full(d) : 0;
}

/* trace_id / span_id: exactly n bytes, or empty (left zero: unset). */
static int d_id(const struct pb_reader *r, const struct pb_field *f,
		uint8_t *dst, size_t n)
{
	int ret;

	if ((ret = want(r, f, PB_WT_LEN)))
		return ret;
	if (f->len && f->len != n)
		return pb_bad(r, n == 16 ? "trace id is not 16 bytes" : "span id is not 8 bytes");
	memcpy(dst, f->data, f->len);
	return 0;
}

static int d_u32(const struct pb_reader *r, const struct pb_field *f, uint32_t *v)
{
	int ret = want(r, f, PB_WT_VARINT);

	*v = (uint32_t)f->u;
	return ret;
}

static int d_u64(const struct pb_reader *r, const struct pb_field *f,
		 uint32_t wt, uint64_t *v)
{
	int ret = want(r, f, wt);

	*v = f->u;
	return ret;
}

static int d_double(const struct pb_reader *r, const struct pb_field *f, double *v)
{
	int ret = want(r, f, PB_WT_I64);

	memcpy(v, &f->u, sizeof(*v));
	return ret;
}

/* Arena array for `count` elements (NULL for none). */
static int d_array(struct dec *d, uint32_t count, size_t elem, void **out)
{
	*out = NULL;
	if (!count)
		return 0;
	*out = otlp_arena_alloc(d->b, (size_t)count * elem, 8);
	if (!*out)
		return full(d);
	memset(*out, 0, (size_t)count * elem);
	return 0;
}

static int d_kvs(struct dec *d, const struct pb_reader *msg, uint32_t num,
		 const struct otlp_kv **out, uint32_t *n);

static int d_value(struct dec *d, const struct pb_reader *r,
		   const struct pb_field *vf, struct otlp_value *v)
{
	struct pb_reader m, a;
	struct pb_field f;
	struct otlp_str s;
	int ret;

	memset(v, 0, sizeof(*v));
	if ((ret = pb_enter(r, vf, &m)))
		return ret;
	while ((ret = pb_next(&m, &f)) > 0) {
		switch (f.num) {
		case 1:
		case 7:
			if ((ret = d_str(d, &m, &f, &s)))
				return ret;
			v->type = f.num == 1 ? OTLP_V_STRING : OTLP_V_BYTES;
			v->u.s = s.p;
			v->len = s.len;
			break;
		case 2:
			ret = want(&m, &f, PB_WT_VARINT);
			v->type = OTLP_V_BOOL;
			v->u.boolean = f.u != 0;
			break;
		case 3:
			ret = want(&m, &f, PB_WT_VARINT);
			v->type = OTLP_V_INT;
			v->u.i = (int64_t)f.u;
			break;
		case 4:
			v->type = OTLP_V_DOUBLE;
			ret = d_double(&m, &f, &v->u.d);
			break;
		case 5: {
			struct otlp_value *arr;
			uint32_t cnt, i = 0;

			if ((ret = pb_enter(&m, &f, &a)) ||
			    (ret = pb_count(&a, 1, &cnt)) ||
			    (ret = d_array(d, cnt, sizeof(*arr), (void **)&arr)))
				return ret;
			while ((ret = pb_next(&a, &f)) > 0)
				if (f.num == 1 && (ret = d_value(d, &a, &f, &arr[i++])))
					return ret;
			v->type = OTLP_V_ARRAY;
			v->u.arr = arr;
			v->len = cnt;
			break;
		}
		case 6:
			if ((ret = pb_enter(&m, &f, &a)) ||
			    (ret = d_kvs(d, &a, 1, &v->u.kvs, &v->len)))
				return ret;
			v->type = OTLP_V_KVLIST;
			break;
		}
		if (ret < 0)
			return ret;
	}
	return ret;
}

/* Every KeyValue field `num` of msg. */
static int d_kvs(struct dec *d, const struct pb_reader *msg, uint32_t num,
		 const struct otlp_kv **out, uint32_t *n)
{
	struct pb_reader r = *msg, kr;
	struct pb_field f, g;
	struct otlp_kv *kv;
	uint32_t cnt, i = 0;
	int ret;

	if ((ret = pb_count(msg, num, &cnt)) ||
	    (ret = d_array(d, cnt, sizeof(*kv), (void **)&kv)))
		return ret;
	while ((ret = pb_next(&r, &f)) > 0) {
		if (f.num != num)
			continue;
		if ((ret = pb_enter(&r, &f, &kr)))
			return ret;
		kv[i].key = OTLP_S("");
		while ((ret = pb_next(&kr, &g)) > 0) {
			if (g.num == 1)
				ret = d_str(d, &kr, &g, &kv[i].key);
			else if (g.num == 2)
				ret = d_value(d, &kr, &g, &kv[i].v);
			if (ret < 0)
				return ret;
		}
		if (ret < 0)
			return ret;
		i++;
	}
	*out = kv;
	*n = cnt;
	return ret;
}

/* ---- traces ------------------------------------------------------------- */

static int d_event(struct dec *d, const struct pb_reader *r,
		   const struct pb_field *ef, struct otlp_event *e)
{
	struct pb_reader m;
	struct pb_field f;
	int ret;

	if ((ret = pb_enter(r, ef, &m)) || (ret = d_kvs(d, &m, 3, &e->attrs, &e->n_attrs)))
		return ret;
	e->name = OTLP_S("");
	while ((ret = pb_next(&m, &f)) > 0) {
		if (f.num == 1)
			ret = d_u64(&m, &f, PB_WT_I64, &e->time_ns);
		else if (f.num == 2)
			ret = d_str(d, &m, &f, &e->name);
		else if (f.num == 4)
			ret = d_u32(&m, &f, &e->dropped_attrs);
		if (ret < 0)
			return ret;
	}
	return ret;
}

static int d_link(struct dec *d, const struct pb_reader *r,
		  const struct pb_field *lf, struct otlp_link *l)
{
	struct pb_reader m;
	struct pb_field f;
	uint64_t flags;
	int ret;

	if ((ret = pb_enter(r, lf, &m)) || (ret = d_kvs(d, &m, 4, &l->attrs, &l->n_attrs)))
		return ret;
	l->trace_state = OTLP_S("");
	while ((ret = pb_next(&m, &f)) > 0) {
		if (f.num == 1)
			ret = d_id(&m, &f, l->trace_id, 16);
		else if (f.num == 2)
			ret = d_id(&m, &f, l->span_id, 8);
		else if (f.num == 3)
			ret = d_str(d, &m, &f, &l->trace_state);
		else if (f.num == 5)
			ret = d_u32(&m, &f, &l->dropped_attrs);
		else if (f.num == 6 && !(ret = d_u64(&m, &f, PB_WT_I32, &flags)))
			l->flags = (uint32_t)flags;
		if (ret < 0)
			return ret;
	}
	return ret;
}

static int d_status(struct dec *d, const struct pb_reader *r,
		    const struct pb_field *sf, struct otlp_span *s)
{
	struct pb_reader m;
	struct pb_field f;
	int ret;

	if ((ret = pb_enter(r, sf, &m)))
		return ret;
	while ((ret = pb_next(&m, &f)) > 0) {
		if (f.num == 2)
			ret = d_str(d, &m, &f, &s->status_msg);
		else if (f.num == 3)
			ret = d_u32(&m, &f, &s->status_code);
		if (ret < 0)
			return ret;
	}
	return ret;
}

static int d_span(struct dec *d, const struct pb_reader *m, struct otlp_span *s)
{
	struct pb_reader r = *m;
	struct otlp_event *ev;
	struct otlp_link *ln;
	struct pb_field f;
	uint32_t ne = 0, nl = 0;
	uint64_t flags;
	int ret;

	s->trace_state = s->name = s->status_msg = OTLP_S("");
	if ((ret = d_kvs(d, m, 9, &s->attrs, &s->n_attrs)) ||
	    (ret = pb_count(m, 11, &s->n_events)) ||
	    (ret = pb_count(m, 13, &s->n_links)) ||
	    (ret = d_array(d, s->n_events, sizeof(*ev), (void **)&ev)) ||
	    (ret = d_array(d, s->n_links, sizeof(*ln), (void **)&ln)))
		return ret;
	s->events = ev;
	s->links = ln;
	while ((ret = pb_next(&r, &f)) > 0) {
		switch (f.num) {
		case 1: ret = d_id(&r, &f, s->trace_id, 16); break;
		case 2: ret = d_id(&r, &f, s->span_id, 8); break;
		case 3: ret = d_str(d, &r, &f, &s->trace_state); break;
		case 4: ret = d_id(&r, &f, s->parent_span_id, 8); break;
		case 5: ret = d_str(d, &r, &f, &s->name); break;
		case 6: ret = d_u32(&r, &f, &s->kind); break;
		case 7: ret = d_u64(&r, &f, PB_WT_I64, &s->start_ns); break;
		case 8: ret = d_u64(&r, &f, PB_WT_I64, &s->end_ns); break;
		case 10: ret = d_u32(&r, &f, &s->dropped_attrs); break;
		case 11: ret = d_event(d, &r, &f, &ev[ne++]); break;
		case 12: ret = d_u32(&r, &f, &s->dropped_events); break;
		case 13: ret = d_link(d, &r, &f, &ln[nl++]); break;
		case 14: ret = d_u32(&r, &f, &s->dropped_links); break;
		case 15: ret = d_status(d, &r, &f, s); break;
		case 16:
			if (!(ret = d_u64(&r, &f, PB_WT_I32, &flags)))
				s->flags = (uint32_t)flags;
			break;
		}
		if (ret < 0)
			return ret;
	}
	return ret;
}

/* ---- logs --------------------------------------------------------------- */

static int d_log(struct dec *d, const struct pb_reader *m, struct otlp_log *l)
{
	struct pb_reader r = *m;
	struct pb_field f;
	uint64_t flags;
	int ret;

	l->severity_text = l->event_name = OTLP_S("");
	if ((ret = d_kvs(d, m, 6, &l->attrs, &l->n_attrs)))
		return ret;
	while ((ret = pb_next(&r, &f)) > 0) {
		switch (f.num) {
		case 1: ret = d_u64(&r, &f, PB_WT_I64, &l->time_ns); break;
		case 2: ret = d_u32(&r, &f, &l->severity); break;
		case 3: ret = d_str(d, &r, &f, &l->severity_text); break;
		case 5: ret = d_value(d, &r, &f, &l->body); break;
		case 7: ret = d_u32(&r, &f, &l->dropped_attrs); break;
		case 8:
			if (!(ret = d_u64(&r, &f, PB_WT_I32, &flags)))
				l->flags = (uint32_t)flags;
			break;
		case 9: ret = d_id(&r, &f, l->trace_id, 16); break;
		case 10: ret = d_id(&r, &f, l->span_id, 8); break;
		case 11: ret = d_u64(&r, &f, PB_WT_I64, &l->observed_ns); break;
		case 12: ret = d_str(d, &r, &f, &l->event_name); break;
		}
		if (ret < 0)
			return ret;
	}
	return ret;
}

/* ---- metrics ------------------------------------------------------------ */

static int d_num_point(struct dec *d, const struct pb_reader *r,
		       const struct pb_field *pf, struct otlp_num_point *p)
{
	struct pb_reader m;
	struct pb_field f;
	uint64_t v;
	int ret;

	if ((ret = pb_enter(r, pf, &m)) || (ret = d_kvs(d, &m, 7, &p->attrs, &p->n_attrs)))
		return ret;
	while ((ret = pb_next(&m, &f)) > 0) {
		switch (f.num) {
		case 2: ret = d_u64(&m, &f, PB_WT_I64, &p->start_ns); break;
		case 3: ret = d_u64(&m, &f, PB_WT_I64, &p->time_ns); break;
		case 4:
			p->is_double = 1;
			ret = d_double(&m, &f, &p->v.d);
			break;
		case 6:
			p->is_double = 0;
			if (!(ret = d_u64(&m, &f, PB_WT_I64, &v)))
				p->v.i = (int64_t)v;
			break;
		case 8: ret = d_u32(&m, &f, &p->flags); break;
		}
		if (ret < 0)
			return ret;
	}
	return ret;
}

/* Elements of repeated fixed64/double field `num`, packed or not. */
static int count_fixed64(const struct pb_reader *m, uint32_t num, uint32_t *n)
{
	struct pb_reader r = *m;
	struct pb_field f;
	int ret;

	*n = 0;
	while ((ret = pb_next(&r, &f)) > 0) {
		if (f.num != num)
			continue;
		if (f.wt == PB_WT_I64)
			(*n)++;
		else if (f.wt == PB_WT_LEN && f.len % 8 == 0 && f.len / 8 <= UINT32_MAX - *n)
			*n += (uint32_t)(f.len / 8);
		else
			return pb_bad(&r, "packed fixed64 field of a bad size or wire type");
	}
	return ret;
}

/* Into an array of uint64_t or double (hence memcpy). */
static void put_fixed64(const struct pb_field *f, void *out, uint32_t *i)
{
	uint64_t v = f->u;

	if (f->wt == PB_WT_I64) {
		memcpy((uint8_t *)out + 8 * (size_t)(*i)++, &v, 8);
		return;
	}
	for (size_t k = 0; k < f->len; k += 8) {
		v = 0;
		for (unsigned j = 8; j-- > 0;)
			v = v << 8 | f->data[k + j];
		memcpy((uint8_t *)out + 8 * (size_t)(*i)++, &v, 8);
	}
}

static int d_hist_point(struct dec *d, const struct pb_reader *r,
			const struct pb_field *pf, struct otlp_hist_point *p)
{
	struct pb_reader m;
	struct pb_field f;
	uint64_t *counts;
	double *bounds;
	uint32_t nc = 0, nb = 0;
	int ret;

	if ((ret = pb_enter(r, pf, &m)) || (ret = d_kvs(d, &m, 9, &p->attrs, &p->n_attrs)) ||
	    (ret = count_fixed64(&m, 6, &p->n_buckets)) ||
	    (ret = count_fixed64(&m, 7, &p->n_bounds)) ||
	    (ret = d_array(d, p->n_buckets, 8, (void **)&counts)) ||
	    (ret = d_array(d, p->n_bounds, 8, (void **)&bounds)))
		return ret;
	if (p->n_buckets && p->n_buckets != p->n_bounds + 1)
		return pb_bad(&m, "histogram bucket counts are not one more than the bounds");
	p->bucket_counts = counts;
	p->bounds = bounds;
	while ((ret = pb_next(&m, &f)) > 0) {
		switch (f.num) {
		case 2: ret = d_u64(&m, &f, PB_WT_I64, &p->start_ns); break;
		case 3: ret = d_u64(&m, &f, PB_WT_I64, &p->time_ns); break;
		case 4: ret = d_u64(&m, &f, PB_WT_I64, &p->count); break;
		case 5: p->has_sum = 1; ret = d_double(&m, &f, &p->sum); break;
		case 6: put_fixed64(&f, counts, &nc); break;
		case 7: put_fixed64(&f, bounds, &nb); break;
		case 10: ret = d_u32(&m, &f, &p->flags); break;
		case 11: p->has_min = 1; ret = d_double(&m, &f, &p->min); break;
		case 12: p->has_max = 1; ret = d_double(&m, &f, &p->max); break;
		}
		if (ret < 0)
			return ret;
	}
	return ret;
}

/* Gauge / Sum / Histogram message `df` into mt. */
static int d_data(struct dec *d, const struct pb_reader *r,
		  const struct pb_field *df, struct otlp_metric *mt)
{
	struct pb_reader m, c;
	struct pb_field f;
	uint32_t n, i = 0;
	void *pts;
	int ret;

	if ((ret = pb_enter(r, df, &m)) || (ret = pb_count(&m, 1, &n)) ||
	    (ret = d_array(d, n, mt->type == OTLP_HISTOGRAM ? sizeof(*mt->hists) :
			   sizeof(*mt->nums), &pts)))
		return ret;
	mt->n_points = n;
	mt->hists = mt->type == OTLP_HISTOGRAM ? pts : NULL;
	mt->nums = mt->type == OTLP_HISTOGRAM ? NULL : pts;
	c = m;
	while ((ret = pb_next(&c, &f)) > 0) {
		if (f.num == 1 && mt->type == OTLP_HISTOGRAM)
			ret = d_hist_point(d, &c, &f, (struct otlp_hist_point *)pts + i++);
		else if (f.num == 1)
			ret = d_num_point(d, &c, &f, (struct otlp_num_point *)pts + i++);
		else if (f.num == 2 && mt->type != OTLP_GAUGE)
			ret = d_u32(&c, &f, &mt->temporality);
		else if (f.num == 3 && mt->type == OTLP_SUM)
			ret = d_u32(&c, &f, (uint32_t *)&mt->monotonic);
		if (ret < 0)
			return ret;
	}
	mt->monotonic = mt->monotonic != 0;
	return ret;
}

/* 1 when the metric was decoded, 0 when it has no type the model holds. */
static int d_metric(struct dec *d, const struct pb_reader *m, struct otlp_metric *mt)
{
	static const uint8_t type_of[] = { [5] = OTLP_GAUGE, [7] = OTLP_SUM,
					   [9] = OTLP_HISTOGRAM };
	struct pb_reader r = *m;
	struct pb_field f, data = { 0 };
	int ret;

	mt->name = mt->description = mt->unit = OTLP_S("");
	while ((ret = pb_next(&r, &f)) > 0) {
		if (f.num == 1)
			ret = d_str(d, &r, &f, &mt->name);
		else if (f.num == 2)
			ret = d_str(d, &r, &f, &mt->description);
		else if (f.num == 3)
			ret = d_str(d, &r, &f, &mt->unit);
		else if (f.num >= 5 && f.num <= 11 && f.num != 6 && f.num != 8) {
			mt->type = f.num < sizeof(type_of) ? type_of[f.num] : 0;
			data = f;	/* a oneof: the last one wins */
		}
		if (ret < 0)
			return ret;
	}
	if (ret < 0)
		return ret;
	if (!mt->type)
		return 0;
	return (ret = d_data(d, m, &data, mt)) ? ret : 1;
}

/* ---- request ------------------------------------------------------------ */

static int d_item(struct dec *d, const struct pb_reader *r,
		  const struct pb_field *itf, int scope)
{
	struct otlp_item *it;
	struct pb_reader m;
	int ret;

	if ((ret = pb_enter(r, itf, &m)))
		return ret;
	if (!(it = otlp_arena_alloc(d->b, sizeof(*it), 8)))
		return full(d);
	memset(it, 0, sizeof(*it));
	ret = d->b->sig == OTLP_TRACES ? d_span(d, &m, &it->u.span)
	      : d->b->sig == OTLP_LOGS ? d_log(d, &m, &it->u.log)
				       : d_metric(d, &m, &it->u.metric);
	return otlp_batch_keep(d->b, scope, it, ret, &d->skipped);
}

/* ScopeX: the scope and schema URL first (fields may come in any order),
 * then the items. */
static int d_scope_x(struct dec *d, const struct pb_reader *r,
		     const struct pb_field *sf, int res)
{
	struct otlp_scope sc = { OTLP_S(""), OTLP_S(""), NULL, 0, 0, OTLP_S("") };
	struct pb_reader m, c, sm;
	struct pb_field f, g;
	int scope, ret;

	if ((ret = pb_enter(r, sf, &m)))
		return ret;
	c = m;
	while ((ret = pb_next(&c, &f)) > 0) {
		if (f.num == 3)
			ret = d_str(d, &c, &f, &sc.schema_url);
		else if (f.num == 1) {
			if ((ret = pb_enter(&c, &f, &sm)) ||
			    (ret = d_kvs(d, &sm, 3, &sc.attrs, &sc.n_attrs)))
				return ret;
			while ((ret = pb_next(&sm, &g)) > 0) {
				if (g.num == 1)
					ret = d_str(d, &sm, &g, &sc.name);
				else if (g.num == 2)
					ret = d_str(d, &sm, &g, &sc.version);
				else if (g.num == 4)
					ret = d_u32(&sm, &g, &sc.dropped_attrs);
				if (ret < 0)
					return ret;
			}
		}
		if (ret < 0)
			return ret;
	}
	if (ret < 0)
		return ret;
	if ((scope = otlp_batch_add_scope(d->b, res, &sc)) < 0)
		return scope;
	c = m;
	while ((ret = pb_next(&c, &f)) > 0)
		if (f.num == 2 && (ret = d_item(d, &c, &f, scope)))
			return ret;
	return ret;
}

static int d_resource_x(struct dec *d, const struct pb_reader *r,
			const struct pb_field *rf)
{
	struct otlp_resource res = { NULL, 0, 0, OTLP_S("") };
	struct pb_reader m, c, rm;
	struct pb_field f, g;
	int handle, ret;

	if ((ret = pb_enter(r, rf, &m)))
		return ret;
	c = m;
	while ((ret = pb_next(&c, &f)) > 0) {
		if (f.num == 3)
			ret = d_str(d, &c, &f, &res.schema_url);
		else if (f.num == 1) {
			if ((ret = pb_enter(&c, &f, &rm)) ||
			    (ret = d_kvs(d, &rm, 1, &res.attrs, &res.n_attrs)))
				return ret;
			while ((ret = pb_next(&rm, &g)) > 0)
				if (g.num == 2 && (ret = d_u32(&rm, &g, &res.dropped_attrs)))
					return ret;
		}
		if (ret < 0)
			return ret;
	}
	if (ret < 0)
		return ret;
	if ((handle = otlp_batch_add_resource(d->b, &res)) < 0)
		return handle;
	c = m;
	while ((ret = pb_next(&c, &f)) > 0)
		if (f.num == 2 && (ret = d_scope_x(d, &c, &f, handle)))
			return ret;
	return ret;
}

int otlp_pb_span_decode(struct otlp_batch *b, const uint8_t *p, size_t n, struct otlp_span *s)
{
	struct dec d = { b, 0 };
	struct pb_reader r;

	pb_init(&r, p, n);
	return d_span(&d, &r, s);
}

int otlp_decode_pb(struct otlp_batch *b, const uint8_t *p, size_t n)
{
	struct dec d = { b, 0 };
	struct pb_reader r;
	struct pb_field f;
	int ret;

	pb_init(&r, p, n);
	while ((ret = pb_next(&r, &f)) > 0)
		if (f.num == 1 && (ret = d_resource_x(&d, &r, &f)))
			return ret;
	return ret < 0 ? ret : d.skipped;
}
