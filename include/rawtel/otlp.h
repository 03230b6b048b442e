/* The telemetry model (spans, log records, metrics) and its OTLP encodings.
 *
 * A batch holds one signal's items grouped resource -> scope -> items, the
 * shape of ExportTrace/Metrics/LogsServiceRequest. It owns one arena and two
 * fixed tables sized at creation: adding an item deep-copies it (strings,
 * attributes, events, points) into the arena, so the caller's structures may
 * live on its stack. A batch never grows: when something does not fit the
 * add fails with -ENOSPC and leaves the batch as it was. otlp_batch_reset()
 * empties it for reuse without freeing anything.
 *
 * Resources and scopes are added once per batch and referenced by handle:
 * the agent keeps one resource per observed process and adds it the first
 * time the process shows up in a batch (handles stay valid until the next
 * reset, which bumps otlp_batch_generation()).
 *
 * Strings are (pointer, length): they may hold any bytes, including NUL.
 * Copies in the arena are NUL-terminated as well, for convenience. */
#ifndef RAWTEL_OTLP_H
#define RAWTEL_OTLP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum otlp_signal { OTLP_TRACES, OTLP_METRICS, OTLP_LOGS };

struct otlp_str {
	const char *p;
	uint32_t len;
};
/* A string literal or a NUL-terminated string as an otlp_str. */
#define OTLP_S(lit) ((struct otlp_str){ (lit), sizeof(lit) - 1 })
static inline struct otlp_str otlp_s(const char *s)
{
	return (struct otlp_str){ s, s ? (uint32_t)strlen(s) : 0 };
}

/* AnyValue. OTLP_V_EMPTY is an AnyValue with no value set. */
enum otlp_vtype {
	OTLP_V_EMPTY,
	OTLP_V_STRING,
	OTLP_V_BOOL,
	OTLP_V_INT,
	OTLP_V_DOUBLE,
	OTLP_V_ARRAY,
	OTLP_V_KVLIST,
	OTLP_V_BYTES,
};
struct otlp_kv;
struct otlp_value {
	uint32_t type;		/* enum otlp_vtype */
	uint32_t len;		/* bytes of s/b, elements of arr/kvs */
	union {
		const char *s;
		const uint8_t *b;
		int64_t i;
		double d;
		int boolean;
		const struct otlp_value *arr;
		const struct otlp_kv *kvs;
	} u;
};
struct otlp_kv {
	struct otlp_str key;
	struct otlp_value v;
};

/* Constructors for attribute tables on the caller's stack. */
static inline struct otlp_kv otlp_kv_str(const char *k, const char *v)
{
	struct otlp_kv kv = { otlp_s(k), { OTLP_V_STRING, 0, { .s = v } } };

	kv.v.len = v ? (uint32_t)strlen(v) : 0;
	return kv;
}
static inline struct otlp_kv otlp_kv_int(const char *k, int64_t v)
{
	return (struct otlp_kv){ otlp_s(k), { OTLP_V_INT, 0, { .i = v } } };
}
static inline struct otlp_kv otlp_kv_double(const char *k, double v)
{
	return (struct otlp_kv){ otlp_s(k), { OTLP_V_DOUBLE, 0, { .d = v } } };
}
static inline struct otlp_kv otlp_kv_bool(const char *k, int v)
{
	return (struct otlp_kv){ otlp_s(k), { OTLP_V_BOOL, 0, { .boolean = !!v } } };
}

struct otlp_resource {
	const struct otlp_kv *attrs;
	uint32_t n_attrs;
	uint32_t dropped_attrs;
	struct otlp_str schema_url;	/* ResourceSpans.schema_url */
};

struct otlp_scope {
	struct otlp_str name, version;
	const struct otlp_kv *attrs;
	uint32_t n_attrs;
	uint32_t dropped_attrs;
	struct otlp_str schema_url;	/* ScopeSpans.schema_url */
};

/* ---- traces --------------------------------------------------------- */
enum otlp_span_kind {
	OTLP_KIND_UNSPECIFIED, OTLP_KIND_INTERNAL, OTLP_KIND_SERVER,
	OTLP_KIND_CLIENT, OTLP_KIND_PRODUCER, OTLP_KIND_CONSUMER,
};
enum otlp_status_code { OTLP_STATUS_UNSET, OTLP_STATUS_OK, OTLP_STATUS_ERROR };

/* Span and link flags: bits 0-7 are the W3C trace flags. */
#define OTLP_FLAG_SAMPLED	  0x01u
#define OTLP_FLAG_HAS_IS_REMOTE	  0x100u
#define OTLP_FLAG_IS_REMOTE	  0x200u

struct otlp_event {
	uint64_t time_ns;
	struct otlp_str name;
	const struct otlp_kv *attrs;
	uint32_t n_attrs;
	uint32_t dropped_attrs;
};

struct otlp_link {
	uint8_t trace_id[16], span_id[8];
	struct otlp_str trace_state;
	const struct otlp_kv *attrs;
	uint32_t n_attrs;
	uint32_t dropped_attrs;
	uint32_t flags;
};

struct otlp_span {
	uint8_t trace_id[16], span_id[8];
	uint8_t parent_span_id[8];	/* all zero: a root span */
	struct otlp_str trace_state, name;
	uint32_t kind;			/* enum otlp_span_kind */
	uint64_t start_ns, end_ns;
	const struct otlp_kv *attrs;
	uint32_t n_attrs, dropped_attrs;
	const struct otlp_event *events;
	uint32_t n_events, dropped_events;
	const struct otlp_link *links;
	uint32_t n_links, dropped_links;
	uint32_t status_code;		/* enum otlp_status_code */
	struct otlp_str status_msg;
	uint32_t flags;
};

/* ---- logs ----------------------------------------------------------- */
struct otlp_log {
	uint64_t time_ns, observed_ns;
	uint32_t severity;		/* SeverityNumber 0..24 */
	struct otlp_str severity_text;
	struct otlp_value body;		/* OTLP_V_EMPTY: no body */
	const struct otlp_kv *attrs;
	uint32_t n_attrs, dropped_attrs;
	uint32_t flags;
	uint8_t trace_id[16], span_id[8];	/* all zero: not set */
	struct otlp_str event_name;
};

/* ---- metrics -------------------------------------------------------- */
enum otlp_metric_type { OTLP_GAUGE = 1, OTLP_SUM, OTLP_HISTOGRAM };
enum otlp_temporality {
	OTLP_TEMP_UNSPECIFIED, OTLP_TEMP_DELTA, OTLP_TEMP_CUMULATIVE,
};

struct otlp_num_point {
	const struct otlp_kv *attrs;
	uint32_t n_attrs;
	uint32_t flags;
	uint64_t start_ns, time_ns;
	int is_double;
	union {
		int64_t i;
		double d;
	} v;
};

struct otlp_hist_point {
	const struct otlp_kv *attrs;
	uint32_t n_attrs;
	uint32_t flags;
	uint64_t start_ns, time_ns;
	uint64_t count;
	double sum, min, max;		/* sent only when has_* is set */
	uint8_t has_sum, has_min, has_max;
	const uint64_t *bucket_counts;	/* n_bounds + 1 of them, or none */
	uint32_t n_buckets;
	const double *bounds;
	uint32_t n_bounds;
};

struct otlp_metric {
	struct otlp_str name, description, unit;
	uint32_t type;			/* enum otlp_metric_type */
	uint32_t temporality;		/* sum and histogram */
	int monotonic;			/* sum */
	/* OTLP_HISTOGRAM uses hists, the others nums; n_points of them */
	const struct otlp_num_point *nums;
	const struct otlp_hist_point *hists;
	uint32_t n_points;
};

/* ---- batches -------------------------------------------------------- */
struct otlp_batch;

struct otlp_batch_limits {
	size_t arena_bytes;		/* copies of items and their strings */
	uint32_t max_resources;
	uint32_t max_scopes;		/* over all resources */
};

/* Allocate a batch (the only allocations it ever makes). */
int otlp_batch_new(struct otlp_batch **out, enum otlp_signal sig,
		   const struct otlp_batch_limits *lim);
void otlp_batch_free(struct otlp_batch *b);
/* Forget every item, scope and resource; memory is kept for reuse. */
void otlp_batch_reset(struct otlp_batch *b);

/* Copy a resource in; returns its handle (>= 0) or -ENOSPC. */
int otlp_batch_add_resource(struct otlp_batch *b, const struct otlp_resource *r);
/* The scope under resource handle `res`, added if no scope with the same
 * name, version and schema URL is there yet; returns its handle. */
int otlp_batch_add_scope(struct otlp_batch *b, int res,
			 const struct otlp_scope *s);
/* Copy an item in under scope handle `scope`; 0, -ENOSPC when the batch is
 * full, -EINVAL for a handle or value that cannot be encoded. */
int otlp_batch_add_span(struct otlp_batch *b, int scope, const struct otlp_span *s);
/* As otlp_batch_add_span, the span encoded as protobuf at once into the
 * batch's store (otlp_batch_set_store): one copy of its bytes instead of
 * a copy of each string now and an encoding at export. For batches
 * exported with otlp_encode_pb: otlp_encode_json and otlp_batch_walk first
 * decode such a span into the arena (which may then be found full:
 * -ENOSPC). Spans with events or links, or whose strings or attributes
 * otlp_batch_add_span would refuse, and every span of a batch with no
 * store, are added by it. Written in one pass, it asks for a few hundred
 * bytes of room beyond its own. */
int otlp_batch_add_span_pb(struct otlp_batch *b, int scope, const struct otlp_span *s);
/* Where otlp_batch_add_span_pb puts spans from now on: p[head, cap),
 * p[0, head) left for the request's head (NULL, 0, 0: no store, spans
 * added as by otlp_batch_add_span). The caller owns p; otlp_batch_reset
 * empties the store. */
void otlp_batch_set_store(struct otlp_batch *b, uint8_t *p, size_t cap, size_t head);
int otlp_batch_add_log(struct otlp_batch *b, int scope, const struct otlp_log *l);
int otlp_batch_add_metric(struct otlp_batch *b, int scope,
			  const struct otlp_metric *m);

enum otlp_signal otlp_batch_signal(const struct otlp_batch *b);
uint32_t otlp_batch_items(const struct otlp_batch *b);	/* spans/logs/metrics */
size_t otlp_batch_arena_used(const struct otlp_batch *b);
/* Bumped by every reset: a cached handle is valid while this is unchanged. */
uint32_t otlp_batch_generation(const struct otlp_batch *b);

/* Visit every item in encoding order. `item` is a const struct otlp_span,
 * otlp_log or otlp_metric as the batch's signal says. A non-zero return
 * from fn stops the walk and is returned. */
typedef int (*otlp_walk_fn)(void *ctx, const struct otlp_resource *r,
			    const struct otlp_scope *s, const void *item);
int otlp_batch_walk(const struct otlp_batch *b, otlp_walk_fn fn, void *ctx);

/* ---- output buffer -------------------------------------------------- */
/* Encoders write into one of these. A heap buffer grows (in otlp_buf_grow
 * only) up to `max` bytes; a fixed one never grows. Either way a result
 * that does not fit is -ENOSPC. */
struct otlp_buf {
	uint8_t *p;
	size_t len, cap, max;
	int fixed;
};
void otlp_buf_init(struct otlp_buf *o, size_t max);
void otlp_buf_init_fixed(struct otlp_buf *o, void *mem, size_t cap);
void otlp_buf_free(struct otlp_buf *o);
/* Make room for at least `need` bytes in total (contents kept). */
int otlp_buf_grow(struct otlp_buf *o, size_t need);

/* ---- encoders ------------------------------------------------------- */
/* The batch as ExportTrace/Metrics/LogsServiceRequest, protobuf or OTLP
 * JSON (one line, no trailing newline), replacing o's contents. Scopes and
 * resources without items are left out. 0 or -errno. */
int otlp_encode_pb(const struct otlp_batch *b, struct otlp_buf *o);
/* otlp_encode_pb without its last step, moving the request to the front
 * of o (it is written back to front): the request is o->p[*off .. *off +
 * o->len). For a caller that copies it anyway. */
int otlp_encode_pb_at(const struct otlp_batch *b, struct otlp_buf *o, size_t *off);
/* Whether the request can be written around the spans in the store, with
 * no copy of them: when the batch has one scope and every item is in the
 * store. Then the bytes of the store to encode into (otlp_encode_pb_at on
 * a fixed buffer over store[0, that): -ENOSPC if the head does not fit
 * before the spans), else 0. */
size_t otlp_encode_pb_store(const struct otlp_batch *b);
/* At least the bytes otlp_encode_pb_at writes for b: room enough for it
 * in a buffer that cannot grow. */
size_t otlp_encode_pb_bound(const struct otlp_batch *b);
int otlp_encode_json(const struct otlp_batch *b, struct otlp_buf *o);

/* ---- decoders (untrusted input) -------------------------------------- */
/* An ExportXServiceRequest (or XData, wire-identical) of the batch's signal
 * into the batch. 0, -EBADMSG for malformed input, -ENOSPC when the batch
 * is too small (the batch then holds part of the request). */
int otlp_decode_pb(struct otlp_batch *b, const uint8_t *p, size_t n);
int otlp_decode_json(struct otlp_batch *b, const char *p, size_t n);

/* ExportXServiceResponse.partial_success, protobuf or JSON. Absent fields
 * read as 0 / "". The message is truncated to fit, NUL-terminated. */
struct otlp_partial {
	int64_t rejected;	/* rejected spans / data points / log records */
	char message[256];
};
int otlp_decode_response_pb(enum otlp_signal sig, const uint8_t *p, size_t n,
			    struct otlp_partial *out);
int otlp_decode_response_json(enum otlp_signal sig, const char *p, size_t n,
			      struct otlp_partial *out);

/* google.rpc.Status { int32 code = 1; string message = 2; details = 3 }. */
struct otlp_rpc_status {
	int32_t code;
	char message[256];
};
int otlp_decode_status_pb(const uint8_t *p, size_t n, struct otlp_rpc_status *out);
int otlp_decode_status_json(const char *p, size_t n, struct otlp_rpc_status *out);

#endif
