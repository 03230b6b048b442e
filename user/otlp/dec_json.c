/* OTLP JSON ExportTrace/Metrics/LogsServiceRequest -> batch, from untrusted
 * text (for `rawtel cat` on .jsonl files). Follows the protobuf JSON
 * mapping as OTLP uses it: lowerCamelCase names (the proto names are
 * accepted too), hex trace and span ids, base64 for other bytes, 64-bit
 * integers as strings or numbers, null as absent, unknown names ignored.
 * Metrics of types the model lacks are skipped and counted. */
#include <errno.h>

#include "batch_int.h"
#include "rawtel/err.h"
#include "rawtel/util.h"
#include "rawtel/json.h"

#define JDEC_MAX_DEPTH	256		/* JSON nesting; AnyValues use 3 per level */
#define JDEC_VALUE_DEPTH 32		/* AnyValue nesting, as the model allows */

struct jdec {
	struct otlp_batch *b;
	const struct json_doc *doc;
	int skipped;
};

typedef const struct json_node jnode;

static int jbad(const char *name, const char *what)
{
	return err_set(EBADMSG, "OTLP JSON: \"%s\" %s", name, what);
}

static int full(struct jdec *d)
{
	return err_set(ENOSPC, "OTLP batch of %zu bytes too small for the request",
		       d->b->arena_cap);
}

/* Member `camel` of obj, or its proto name (snake_case); NULL when absent
 * or null. */
static jnode *get(struct jdec *d, jnode *obj, const char *camel)
{
	char snake[64];
	size_t n = 0;
	jnode *x = json_member(d->doc, obj, camel);

	if (!x) {
		for (const char *c = camel; *c && n < sizeof(snake) - 2; c++) {
			if (*c >= 'A' && *c <= 'Z') {
				snake[n++] = '_';
				snake[n++] = (char)(*c - 'A' + 'a');
			} else {
				snake[n++] = *c;
			}
		}
		snake[n] = 0;
		x = json_member(d->doc, obj, snake);
	}
	return x && x->type != JSON_NULL ? x : NULL;
}

static int j_str(struct jdec *d, jnode *obj, const char *key, struct otlp_str *s)
{
	jnode *x = get(d, obj, key);
	size_t len;
	const char *p;

	*s = OTLP_S("");
	if (!x)
		return 0;
	if (!(p = json_str(d->doc, x, &len)))
		return jbad(key, "is not a string");
	*s = (struct otlp_str){ p, (uint32_t)len };
	return otlp_arena_str(d->b, s) ? full(d) : 0;
}

static int j_u64(struct jdec *d, jnode *obj, const char *key, uint64_t *v)
{
	jnode *x = get(d, obj, key);

	*v = 0;
	if (x && json_u64(d->doc, x, v))
		return jbad(key, "is not an unsigned 64-bit integer");
	return 0;
}

static int j_u32(struct jdec *d, jnode *obj, const char *key, uint32_t *v)
{
	uint64_t u;
	int ret = j_u64(d, obj, key, &u);

	if (!ret && u > UINT32_MAX)
		return jbad(key, "is over 2^32-1");
	*v = (uint32_t)u;
	return ret;
}

static int j_double(struct jdec *d, jnode *obj, const char *key, double *v,
		    uint8_t *has)
{
	jnode *x = get(d, obj, key);

	*v = 0;
	if (has)
		*has = x != NULL;
	if (x && json_double(d->doc, x, v))
		return jbad(key, "is not a number");
	return 0;
}


/* Hex id of exactly n bytes, or "" (unset: left zero). */
static int j_id(struct jdec *d, jnode *obj, const char *key, uint8_t *dst, size_t n)
{
	jnode *x = get(d, obj, key);
	const char *p;
	size_t len;

	if (!x)
		return 0;
	if (!(p = json_str(d->doc, x, &len)) || (len && len != 2 * n))
		return jbad(key, n == 16 ? "is not 32 hex digits" : "is not 16 hex digits");
	for (size_t i = 0; i < len / 2; i++) {
		int hi = util_hexval(p[2 * i]), lo = util_hexval(p[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return jbad(key, "holds a character that is not a hex digit");
		dst[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* base64 (standard or URL alphabet, padding optional) into the arena. */
static int j_base64(struct jdec *d, jnode *x, const char *key, struct otlp_value *v)
{
	size_t len, n = 0;
	const char *p = json_str(d->doc, x, &len);
	uint32_t acc = 0;
	int bits = 0;
	uint8_t *out;

	if (!p)
		return jbad(key, "is not a base64 string");
	while (len && p[len - 1] == '=')
		len--;
	if (len % 4 == 1)
		return jbad(key, "is not valid base64");
	if (!(out = otlp_arena_alloc(d->b, len * 3 / 4 + 1, 1)))
		return full(d);
	for (size_t i = 0; i < len; i++) {
		int c = b64val(p[i]);

		if (c < 0)
			return jbad(key, "is not valid base64");
		acc = acc << 6 | (uint32_t)c;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	v->type = OTLP_V_BYTES;
	v->u.b = out;
	v->len = (uint32_t)n;
	return 0;
}

/* Arena array for n elements, zeroed (NULL for none). */
static int j_array(struct jdec *d, uint32_t n, size_t elem, void **out)
{
	*out = NULL;
	if (!n)
		return 0;
	if (!(*out = otlp_arena_alloc(d->b, (size_t)n * elem, 8)))
		return full(d);
	memset(*out, 0, (size_t)n * elem);
	return 0;
}

/* Member `key` as an array (absent: none): its first element and count. */
static int j_list(struct jdec *d, jnode *obj, const char *key, jnode **first,
		  uint32_t *n)
{
	jnode *x = get(d, obj, key);

	*first = NULL;
	*n = 0;
	if (!x)
		return 0;
	if (x->type != JSON_ARRAY)
		return jbad(key, "is not an array");
	*first = json_first(d->doc, x);
	*n = x->n;
	return 0;
}

static int j_obj(jnode *x, const char *what)
{
	return x->type == JSON_OBJECT ? 0 : jbad(what, "element is not an object");
}

static int j_kvs(struct jdec *d, jnode *obj, const char *key,
		 const struct otlp_kv **out, uint32_t *n, int depth);

static int j_value(struct jdec *d, jnode *x, struct otlp_value *v, int depth)
{
	jnode *y;
	struct otlp_str s;
	int ret;

	memset(v, 0, sizeof(*v));
	if (x->type != JSON_OBJECT)
		return jbad("value", "is not an AnyValue object");
	if (depth > JDEC_VALUE_DEPTH)
		return jbad("value", "nests values too deep");
	if (get(d, x, "stringValue")) {
		if ((ret = j_str(d, x, "stringValue", &s)))
			return ret;
		*v = (struct otlp_value){ OTLP_V_STRING, s.len, { .s = s.p } };
	} else if ((y = get(d, x, "boolValue"))) {
		if (y->type != JSON_BOOL)
			return jbad("boolValue", "is not true or false");
		*v = (struct otlp_value){ OTLP_V_BOOL, 0, { .boolean = y->boolean } };
	} else if ((y = get(d, x, "intValue"))) {
		v->type = OTLP_V_INT;
		if (json_i64(d->doc, y, &v->u.i))
			return jbad("intValue", "is not a 64-bit integer");
	} else if ((y = get(d, x, "doubleValue"))) {
		v->type = OTLP_V_DOUBLE;
		if (json_double(d->doc, y, &v->u.d))
			return jbad("doubleValue", "is not a number");
	} else if ((y = get(d, x, "arrayValue"))) {
		struct otlp_value *arr;
		jnode *e;
		uint32_t n, i = 0;

		if ((ret = j_obj(y, "arrayValue")) || (ret = j_list(d, y, "values", &e, &n)) ||
		    (ret = j_array(d, n, sizeof(*arr), (void **)&arr)))
			return ret;
		for (; e; e = json_next(d->doc, e))
			if ((ret = j_value(d, e, &arr[i++], depth + 1)))
				return ret;
		*v = (struct otlp_value){ OTLP_V_ARRAY, n, { .arr = arr } };
	} else if ((y = get(d, x, "kvlistValue"))) {
		v->type = OTLP_V_KVLIST;
		if ((ret = j_obj(y, "kvlistValue")) ||
		    (ret = j_kvs(d, y, "values", &v->u.kvs, &v->len, depth + 1)))
			return ret;
	} else if ((y = get(d, x, "bytesValue"))) {
		return j_base64(d, y, "bytesValue", v);
	}
	return 0;
}

static int j_kvs(struct jdec *d, jnode *obj, const char *key,
		 const struct otlp_kv **out, uint32_t *n, int depth)
{
	struct otlp_kv *kv;
	jnode *e, *v;
	uint32_t i = 0;
	int ret;

	if ((ret = j_list(d, obj, key, &e, n)) ||
	    (ret = j_array(d, *n, sizeof(*kv), (void **)&kv)))
		return ret;
	for (; e; e = json_next(d->doc, e), i++) {
		if ((ret = j_obj(e, key)) || (ret = j_str(d, e, "key", &kv[i].key)))
			return ret;
		if ((v = get(d, e, "value")) && (ret = j_value(d, v, &kv[i].v, depth)))
			return ret;
	}
	*out = kv;
	return 0;
}

/* ---- traces ------------------------------------------------------------- */

static int j_span(struct jdec *d, jnode *x, struct otlp_span *s)
{
	struct otlp_event *ev;
	struct otlp_link *ln;
	jnode *e, *st;
	uint32_t i;
	int ret;

	if ((ret = j_id(d, x, "traceId", s->trace_id, 16)) ||
	    (ret = j_id(d, x, "spanId", s->span_id, 8)) ||
	    (ret = j_str(d, x, "traceState", &s->trace_state)) ||
	    (ret = j_id(d, x, "parentSpanId", s->parent_span_id, 8)) ||
	    (ret = j_str(d, x, "name", &s->name)) ||
	    (ret = j_u32(d, x, "kind", &s->kind)) ||
	    (ret = j_u64(d, x, "startTimeUnixNano", &s->start_ns)) ||
	    (ret = j_u64(d, x, "endTimeUnixNano", &s->end_ns)) ||
	    (ret = j_kvs(d, x, "attributes", &s->attrs, &s->n_attrs, 0)) ||
	    (ret = j_u32(d, x, "droppedAttributesCount", &s->dropped_attrs)) ||
	    (ret = j_u32(d, x, "droppedEventsCount", &s->dropped_events)) ||
	    (ret = j_u32(d, x, "droppedLinksCount", &s->dropped_links)) ||
	    (ret = j_u32(d, x, "flags", &s->flags)))
		return ret;
	s->status_msg = OTLP_S("");
	if ((st = get(d, x, "status")) &&
	    ((ret = j_obj(st, "status")) || (ret = j_str(d, st, "message", &s->status_msg)) ||
	     (ret = j_u32(d, st, "code", &s->status_code))))
		return ret;
	if ((ret = j_list(d, x, "events", &e, &s->n_events)) ||
	    (ret = j_array(d, s->n_events, sizeof(*ev), (void **)&ev)))
		return ret;
	for (i = 0; e; e = json_next(d->doc, e), i++)
		if ((ret = j_obj(e, "events")) ||
		    (ret = j_u64(d, e, "timeUnixNano", &ev[i].time_ns)) ||
		    (ret = j_str(d, e, "name", &ev[i].name)) ||
		    (ret = j_kvs(d, e, "attributes", &ev[i].attrs, &ev[i].n_attrs, 0)) ||
		    (ret = j_u32(d, e, "droppedAttributesCount", &ev[i].dropped_attrs)))
			return ret;
	s->events = ev;
	if ((ret = j_list(d, x, "links", &e, &s->n_links)) ||
	    (ret = j_array(d, s->n_links, sizeof(*ln), (void **)&ln)))
		return ret;
	for (i = 0; e; e = json_next(d->doc, e), i++)
		if ((ret = j_obj(e, "links")) ||
		    (ret = j_id(d, e, "traceId", ln[i].trace_id, 16)) ||
		    (ret = j_id(d, e, "spanId", ln[i].span_id, 8)) ||
		    (ret = j_str(d, e, "traceState", &ln[i].trace_state)) ||
		    (ret = j_kvs(d, e, "attributes", &ln[i].attrs, &ln[i].n_attrs, 0)) ||
		    (ret = j_u32(d, e, "droppedAttributesCount", &ln[i].dropped_attrs)) ||
		    (ret = j_u32(d, e, "flags", &ln[i].flags)))
			return ret;
	s->links = ln;
	return 0;
}

/* ---- logs --------------------------------------------------------------- */

static int j_log(struct jdec *d, jnode *x, struct otlp_log *l)
{
	jnode *body;
	int ret;

	if ((ret = j_u64(d, x, "timeUnixNano", &l->time_ns)) ||
	    (ret = j_u64(d, x, "observedTimeUnixNano", &l->observed_ns)) ||
	    (ret = j_u32(d, x, "severityNumber", &l->severity)) ||
	    (ret = j_str(d, x, "severityText", &l->severity_text)) ||
	    (ret = j_kvs(d, x, "attributes", &l->attrs, &l->n_attrs, 0)) ||
	    (ret = j_u32(d, x, "droppedAttributesCount", &l->dropped_attrs)) ||
	    (ret = j_u32(d, x, "flags", &l->flags)) ||
	    (ret = j_id(d, x, "traceId", l->trace_id, 16)) ||
	    (ret = j_id(d, x, "spanId", l->span_id, 8)) ||
	    (ret = j_str(d, x, "eventName", &l->event_name)))
		return ret;
	if ((body = get(d, x, "body")))
		return j_value(d, body, &l->body, 0);
	return 0;
}

/* ---- metrics ------------------------------------------------------------ */

static int j_num_point(struct jdec *d, jnode *x, struct otlp_num_point *p)
{
	jnode *v;
	int ret;

	if ((ret = j_obj(x, "dataPoints")) ||
	    (ret = j_kvs(d, x, "attributes", &p->attrs, &p->n_attrs, 0)) ||
	    (ret = j_u64(d, x, "startTimeUnixNano", &p->start_ns)) ||
	    (ret = j_u64(d, x, "timeUnixNano", &p->time_ns)) ||
	    (ret = j_u32(d, x, "flags", &p->flags)))
		return ret;
	if ((v = get(d, x, "asInt"))) {
		if (json_i64(d->doc, v, &p->v.i))
			return jbad("asInt", "is not a 64-bit integer");
	} else if (get(d, x, "asDouble")) {
		p->is_double = 1;
		return j_double(d, x, "asDouble", &p->v.d, NULL);
	}
	return 0;
}

static int j_hist_point(struct jdec *d, jnode *x, struct otlp_hist_point *p)
{
	uint64_t *counts;
	double *bounds;
	jnode *e;
	uint32_t i;
	int ret;

	if ((ret = j_obj(x, "dataPoints")) ||
	    (ret = j_kvs(d, x, "attributes", &p->attrs, &p->n_attrs, 0)) ||
	    (ret = j_u64(d, x, "startTimeUnixNano", &p->start_ns)) ||
	    (ret = j_u64(d, x, "timeUnixNano", &p->time_ns)) ||
	    (ret = j_u64(d, x, "count", &p->count)) ||
	    (ret = j_double(d, x, "sum", &p->sum, &p->has_sum)) ||
	    (ret = j_double(d, x, "min", &p->min, &p->has_min)) ||
	    (ret = j_double(d, x, "max", &p->max, &p->has_max)) ||
	    (ret = j_u32(d, x, "flags", &p->flags)))
		return ret;
	if ((ret = j_list(d, x, "bucketCounts", &e, &p->n_buckets)) ||
	    (ret = j_array(d, p->n_buckets, 8, (void **)&counts)))
		return ret;
	for (i = 0; e; e = json_next(d->doc, e), i++)
		if (json_u64(d->doc, e, &counts[i]))
			return jbad("bucketCounts", "holds a value that is not a count");
	if ((ret = j_list(d, x, "explicitBounds", &e, &p->n_bounds)) ||
	    (ret = j_array(d, p->n_bounds, 8, (void **)&bounds)))
		return ret;
	for (i = 0; e; e = json_next(d->doc, e), i++)
		if (json_double(d->doc, e, &bounds[i]))
			return jbad("explicitBounds", "holds a value that is not a number");
	if (p->n_buckets && p->n_buckets != p->n_bounds + 1)
		return jbad("bucketCounts", "is not one longer than explicitBounds");
	p->bucket_counts = counts;
	p->bounds = bounds;
	return 0;
}

/* 1 when decoded, 0 when the metric has no type the model holds. */
static int j_metric(struct jdec *d, jnode *x, struct otlp_metric *m)
{
	static const char *const data_key[] = {
		[OTLP_GAUGE] = "gauge", [OTLP_SUM] = "sum", [OTLP_HISTOGRAM] = "histogram",
	};
	jnode *data = NULL, *e, *y;
	uint32_t i;
	void *pts;
	int ret;

	if ((ret = j_str(d, x, "name", &m->name)) ||
	    (ret = j_str(d, x, "description", &m->description)) ||
	    (ret = j_str(d, x, "unit", &m->unit)))
		return ret;
	for (uint32_t t = OTLP_GAUGE; t <= OTLP_HISTOGRAM && !data; t++)
		if ((data = get(d, x, data_key[t])))
			m->type = t;
	if (!data)
		return 0;
	if ((ret = j_obj(data, data_key[m->type])) ||
	    (ret = j_list(d, data, "dataPoints", &e, &m->n_points)) ||
	    (ret = j_array(d, m->n_points, m->type == OTLP_HISTOGRAM ?
			   sizeof(*m->hists) : sizeof(*m->nums), &pts)))
		return ret;
	if (m->type != OTLP_GAUGE &&
	    (ret = j_u32(d, data, "aggregationTemporality", &m->temporality)))
		return ret;
	if (m->type == OTLP_SUM && (y = get(d, data, "isMonotonic"))) {
		if (y->type != JSON_BOOL)
			return jbad("isMonotonic", "is not true or false");
		m->monotonic = y->boolean;
	}
	for (i = 0; e; e = json_next(d->doc, e), i++)
		if ((ret = m->type == OTLP_HISTOGRAM ?
		     j_hist_point(d, e, (struct otlp_hist_point *)pts + i) :
		     j_num_point(d, e, (struct otlp_num_point *)pts + i)))
			return ret;
	m->hists = m->type == OTLP_HISTOGRAM ? pts : NULL;
	m->nums = m->type == OTLP_HISTOGRAM ? NULL : pts;
	return 1;
}

/* ---- request ------------------------------------------------------------ */

static int j_items(struct jdec *d, jnode *sx, const char *key, int scope)
{
	struct otlp_item *it;
	jnode *e;
	uint32_t n;
	int ret;

	if ((ret = j_list(d, sx, key, &e, &n)))
		return ret;
	for (; e; e = json_next(d->doc, e)) {
		if ((ret = j_obj(e, key)))
			return ret;
		if (!(it = otlp_arena_alloc(d->b, sizeof(*it), 8)))
			return full(d);
		memset(it, 0, sizeof(*it));
		ret = d->b->sig == OTLP_TRACES ? j_span(d, e, &it->u.span)
		      : d->b->sig == OTLP_LOGS ? j_log(d, e, &it->u.log)
					       : j_metric(d, e, &it->u.metric);
		if ((ret = otlp_batch_keep(d->b, scope, it, ret, &d->skipped)))
			return ret;
	}
	return 0;
}

int otlp_decode_json(struct otlp_batch *b, const char *p, size_t n)
{
	static const char *const keys[][3] = {
		[OTLP_TRACES] = { "resourceSpans", "scopeSpans", "spans" },
		[OTLP_METRICS] = { "resourceMetrics", "scopeMetrics", "metrics" },
		[OTLP_LOGS] = { "resourceLogs", "scopeLogs", "logRecords" },
	};
	const char *const *k = keys[b->sig];
	struct json_doc doc;
	struct jdec d = { b, &doc, 0 };
	jnode *rx, *sx, *x;
	uint32_t cnt;
	int ret;

	/* every value takes at least one byte of text */
	if ((ret = json_parse(&doc, p, n, JDEC_MAX_DEPTH, (uint32_t)(n < UINT32_MAX ? n + 1 : UINT32_MAX))))
		goto out;
	if ((ret = j_obj(json_root(&doc), "request")) ||
	    (ret = j_list(&d, json_root(&doc), k[0], &rx, &cnt)))
		goto out;
	for (; rx; rx = json_next(&doc, rx)) {
		struct otlp_resource res = { NULL, 0, 0, OTLP_S("") };
		int handle;

		if ((ret = j_obj(rx, k[0])) ||
		    (ret = j_str(&d, rx, "schemaUrl", &res.schema_url)))
			goto out;
		if ((x = get(&d, rx, "resource")) &&
		    ((ret = j_obj(x, "resource")) ||
		     (ret = j_kvs(&d, x, "attributes", &res.attrs, &res.n_attrs, 0)) ||
		     (ret = j_u32(&d, x, "droppedAttributesCount", &res.dropped_attrs))))
			goto out;
		if ((ret = handle = otlp_batch_add_resource(b, &res)) < 0 ||
		    (ret = j_list(&d, rx, k[1], &sx, &cnt)))
			goto out;
		for (; sx; sx = json_next(&doc, sx)) {
			struct otlp_scope sc = { OTLP_S(""), OTLP_S(""), NULL, 0, 0, OTLP_S("") };
			int scope;

			if ((ret = j_obj(sx, k[1])) ||
			    (ret = j_str(&d, sx, "schemaUrl", &sc.schema_url)))
				goto out;
			if ((x = get(&d, sx, "scope")) &&
			    ((ret = j_obj(x, "scope")) ||
			     (ret = j_str(&d, x, "name", &sc.name)) ||
			     (ret = j_str(&d, x, "version", &sc.version)) ||
			     (ret = j_kvs(&d, x, "attributes", &sc.attrs, &sc.n_attrs, 0)) ||
			     (ret = j_u32(&d, x, "droppedAttributesCount", &sc.dropped_attrs))))
				goto out;
			if ((ret = scope = otlp_batch_add_scope(b, handle, &sc)) < 0 ||
			    (ret = j_items(&d, sx, k[2], scope)))
				goto out;
		}
	}
	ret = d.skipped;
out:
	json_free(&doc);
	return ret;
}
