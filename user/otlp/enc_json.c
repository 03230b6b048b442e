/* OTLP JSON encoding of a batch: the protobuf JSON mapping with OTLP's
 * exceptions (opentelemetry-proto docs/specification.md): lowerCamelCase
 * keys, trace and span ids as hex, other bytes base64, enums as integers,
 * 64-bit integers as decimal strings, default-valued fields left out. */
#include "batch_int.h"
#include "jw.h"

static int nonzero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 1;
	return 0;
}

static void key_str(struct jw *w, const char *key, struct otlp_str s)
{
	if (s.len) {
		jw_key(w, key);
		jw_str(w, s.p, s.len);
	}
}

static void key_u32(struct jw *w, const char *key, uint32_t v)
{
	if (v) {
		jw_key(w, key);
		jw_u64(w, v);
	}
}

static void key_time(struct jw *w, const char *key, uint64_t v)
{
	if (v) {
		jw_key(w, key);
		jw_u64q(w, v);
	}
}

static void put_kvs(struct jw *w, const char *key, const struct otlp_kv *kv,
		    uint32_t n);

static void put_value(struct jw *w, const struct otlp_value *v)
{
	jw_open(w, '{');
	switch (v->type) {
	case OTLP_V_STRING:
		jw_key(w, "stringValue");
		jw_str(w, v->u.s, v->len);
		break;
	case OTLP_V_BOOL:
		jw_key(w, "boolValue");
		jw_bool(w, v->u.boolean);
		break;
	case OTLP_V_INT:
		jw_key(w, "intValue");
		jw_i64q(w, v->u.i);
		break;
	case OTLP_V_DOUBLE:
		jw_key(w, "doubleValue");
		jw_double(w, v->u.d);
		break;
	case OTLP_V_ARRAY:
		jw_key(w, "arrayValue");
		jw_open(w, '{');
		jw_key(w, "values");
		jw_open(w, '[');
		for (uint32_t i = 0; i < v->len; i++) {
			jw_elem(w);
			put_value(w, &v->u.arr[i]);
		}
		jw_close(w, ']');
		jw_close(w, '}');
		break;
	case OTLP_V_KVLIST:
		jw_key(w, "kvlistValue");
		jw_open(w, '{');
		jw_key(w, "values");
		jw_open(w, '[');
		put_kvs(w, NULL, v->u.kvs, v->len);
		jw_close(w, ']');
		jw_close(w, '}');
		break;
	case OTLP_V_BYTES:
		jw_key(w, "bytesValue");
		jw_base64(w, v->u.b, v->len);
		break;
	}
	jw_close(w, '}');
}

/* "key":[KeyValue...] (left out when empty), or with key NULL just the
 * elements, inside an array the caller opened. */
static void put_kvs(struct jw *w, const char *key, const struct otlp_kv *kv,
		    uint32_t n)
{
	if (key) {
		if (!n)
			return;
		jw_key(w, key);
		jw_open(w, '[');
	}
	for (uint32_t i = 0; i < n; i++) {
		jw_elem(w);
		jw_open(w, '{');
		key_str(w, "key", kv[i].key);
		jw_key(w, "value");
		put_value(w, &kv[i].v);
		jw_close(w, '}');
	}
	if (key)
		jw_close(w, ']');
}

static void put_resource(struct jw *w, const struct otlp_resource *r)
{
	jw_key(w, "resource");
	jw_open(w, '{');
	put_kvs(w, "attributes", r->attrs, r->n_attrs);
	key_u32(w, "droppedAttributesCount", r->dropped_attrs);
	jw_close(w, '}');
}

static void put_scope(struct jw *w, const struct otlp_scope *s)
{
	jw_key(w, "scope");
	jw_open(w, '{');
	key_str(w, "name", s->name);
	key_str(w, "version", s->version);
	put_kvs(w, "attributes", s->attrs, s->n_attrs);
	key_u32(w, "droppedAttributesCount", s->dropped_attrs);
	jw_close(w, '}');
}

/* ---- traces ------------------------------------------------------------- */

static void put_span(struct jw *w, const struct otlp_span *s)
{
	jw_key(w, "traceId");
	jw_hex(w, s->trace_id, 16);
	jw_key(w, "spanId");
	jw_hex(w, s->span_id, 8);
	key_str(w, "traceState", s->trace_state);
	if (nonzero(s->parent_span_id, 8)) {
		jw_key(w, "parentSpanId");
		jw_hex(w, s->parent_span_id, 8);
	}
	key_str(w, "name", s->name);
	key_u32(w, "kind", s->kind);
	key_time(w, "startTimeUnixNano", s->start_ns);
	key_time(w, "endTimeUnixNano", s->end_ns);
	put_kvs(w, "attributes", s->attrs, s->n_attrs);
	key_u32(w, "droppedAttributesCount", s->dropped_attrs);
	if (s->n_events) {
		jw_key(w, "events");
		jw_open(w, '[');
		for (uint32_t i = 0; i < s->n_events; i++) {
			const struct otlp_event *e = &s->events[i];

			jw_elem(w);
			jw_open(w, '{');
			key_time(w, "timeUnixNano", e->time_ns);
			key_str(w, "name", e->name);
			put_kvs(w, "attributes", e->attrs, e->n_attrs);
			key_u32(w, "droppedAttributesCount", e->dropped_attrs);
			jw_close(w, '}');
		}
		jw_close(w, ']');
	}
	key_u32(w, "droppedEventsCount", s->dropped_events);
	if (s->n_links) {
		jw_key(w, "links");
		jw_open(w, '[');
		for (uint32_t i = 0; i < s->n_links; i++) {
			const struct otlp_link *l = &s->links[i];

			jw_elem(w);
			jw_open(w, '{');
			jw_key(w, "traceId");
			jw_hex(w, l->trace_id, 16);
			jw_key(w, "spanId");
			jw_hex(w, l->span_id, 8);
			key_str(w, "traceState", l->trace_state);
			put_kvs(w, "attributes", l->attrs, l->n_attrs);
			key_u32(w, "droppedAttributesCount", l->dropped_attrs);
			key_u32(w, "flags", l->flags);
			jw_close(w, '}');
		}
		jw_close(w, ']');
	}
	key_u32(w, "droppedLinksCount", s->dropped_links);
	if (s->status_code || s->status_msg.len) {
		jw_key(w, "status");
		jw_open(w, '{');
		key_str(w, "message", s->status_msg);
		key_u32(w, "code", s->status_code);
		jw_close(w, '}');
	}
	key_u32(w, "flags", s->flags);
}

/* ---- logs --------------------------------------------------------------- */

static void put_log(struct jw *w, const struct otlp_log *l)
{
	key_time(w, "timeUnixNano", l->time_ns);
	key_time(w, "observedTimeUnixNano", l->observed_ns);
	key_u32(w, "severityNumber", l->severity);
	key_str(w, "severityText", l->severity_text);
	if (l->body.type != OTLP_V_EMPTY) {
		jw_key(w, "body");
		put_value(w, &l->body);
	}
	put_kvs(w, "attributes", l->attrs, l->n_attrs);
	key_u32(w, "droppedAttributesCount", l->dropped_attrs);
	key_u32(w, "flags", l->flags);
	if (nonzero(l->trace_id, 16)) {
		jw_key(w, "traceId");
		jw_hex(w, l->trace_id, 16);
	}
	if (nonzero(l->span_id, 8)) {
		jw_key(w, "spanId");
		jw_hex(w, l->span_id, 8);
	}
	key_str(w, "eventName", l->event_name);
}

/* ---- metrics ------------------------------------------------------------ */

static void put_num_point(struct jw *w, const struct otlp_num_point *p)
{
	put_kvs(w, "attributes", p->attrs, p->n_attrs);
	key_time(w, "startTimeUnixNano", p->start_ns);
	key_time(w, "timeUnixNano", p->time_ns);
	if (p->is_double) {
		jw_key(w, "asDouble");
		jw_double(w, p->v.d);
	} else {
		jw_key(w, "asInt");
		jw_i64q(w, p->v.i);
	}
	key_u32(w, "flags", p->flags);
}

static void put_hist_point(struct jw *w, const struct otlp_hist_point *p)
{
	put_kvs(w, "attributes", p->attrs, p->n_attrs);
	key_time(w, "startTimeUnixNano", p->start_ns);
	key_time(w, "timeUnixNano", p->time_ns);
	key_time(w, "count", p->count);
	if (p->has_sum) {
		jw_key(w, "sum");
		jw_double(w, p->sum);
	}
	if (p->n_buckets) {
		jw_key(w, "bucketCounts");
		jw_open(w, '[');
		for (uint32_t i = 0; i < p->n_buckets; i++) {
			jw_elem(w);
			jw_u64q(w, p->bucket_counts[i]);
		}
		jw_close(w, ']');
	}
	if (p->n_bounds) {
		jw_key(w, "explicitBounds");
		jw_open(w, '[');
		for (uint32_t i = 0; i < p->n_bounds; i++) {
			jw_elem(w);
			jw_double(w, p->bounds[i]);
		}
		jw_close(w, ']');
	}
	key_u32(w, "flags", p->flags);
	if (p->has_min) {
		jw_key(w, "min");
		jw_double(w, p->min);
	}
	if (p->has_max) {
		jw_key(w, "max");
		jw_double(w, p->max);
	}
}

static void put_metric(struct jw *w, const struct otlp_metric *m)
{
	static const char *const data_key[] = {
		[OTLP_GAUGE] = "gauge", [OTLP_SUM] = "sum",
		[OTLP_HISTOGRAM] = "histogram",
	};

	key_str(w, "name", m->name);
	key_str(w, "description", m->description);
	key_str(w, "unit", m->unit);
	jw_key(w, data_key[m->type]);
	jw_open(w, '{');
	jw_key(w, "dataPoints");
	jw_open(w, '[');
	for (uint32_t i = 0; i < m->n_points; i++) {
		jw_elem(w);
		jw_open(w, '{');
		if (m->type == OTLP_HISTOGRAM)
			put_hist_point(w, &m->hists[i]);
		else
			put_num_point(w, &m->nums[i]);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	if (m->type != OTLP_GAUGE)
		key_u32(w, "aggregationTemporality", m->temporality);
	if (m->type == OTLP_SUM && m->monotonic) {
		jw_key(w, "isMonotonic");
		jw_bool(w, 1);
	}
	jw_close(w, '}');
}

/* ---- request ------------------------------------------------------------ */

int otlp_encode_json(const struct otlp_batch *b, struct otlp_buf *o)
{
	static const char *const keys[][3] = {
		[OTLP_TRACES] = { "resourceSpans", "scopeSpans", "spans" },
		[OTLP_METRICS] = { "resourceMetrics", "scopeMetrics", "metrics" },
		[OTLP_LOGS] = { "resourceLogs", "scopeLogs", "logRecords" },
	};
	const char *const *k = keys[b->sig];
	struct jw w = { .o = o };

	o->len = 0;
	jw_open(&w, '{');
	jw_key(&w, k[0]);
	jw_open(&w, '[');
	for (uint32_t r = 0; r < b->n_res; r++) {
		const struct otlp_res_rec *rr = &b->res[r];

		if (!rr->n_items)
			continue;
		jw_elem(&w);
		jw_open(&w, '{');
		put_resource(&w, &rr->res);
		jw_key(&w, k[1]);
		jw_open(&w, '[');
		for (int i = rr->first_scope; i >= 0; i = b->scopes[i].next) {
			const struct otlp_scope_rec *s = &b->scopes[i];

			if (!s->n_items)
				continue;
			jw_elem(&w);
			jw_open(&w, '{');
			put_scope(&w, &s->scope);
			jw_key(&w, k[2]);
			jw_open(&w, '[');
			for (const struct otlp_item *it = s->head; it; it = it->next) {
				int ret = otlp_item_view(b, it);

				if (ret) {
					o->len = 0;
					return ret;
				}
				jw_elem(&w);
				jw_open(&w, '{');
				if (b->sig == OTLP_TRACES)
					put_span(&w, &it->u.span);
				else if (b->sig == OTLP_LOGS)
					put_log(&w, &it->u.log);
				else
					put_metric(&w, &it->u.metric);
				jw_close(&w, '}');
			}
			jw_close(&w, ']');
			key_str(&w, "schemaUrl", s->scope.schema_url);
			jw_close(&w, '}');
		}
		jw_close(&w, ']');
		key_str(&w, "schemaUrl", rr->res.schema_url);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_close(&w, '}');
	if (w.err)
		o->len = 0;
	return w.err;
}
