/* Batches: one arena plus fixed resource and scope tables (see otlp.h).
 * Every add copies the caller's data into the arena and either succeeds
 * whole or leaves the batch exactly as it was. */
#include <errno.h>
#include <stdlib.h>

#include "batch_int.h"
#include "rawtel/err.h"

/* Deepest AnyValue nesting accepted (arrays in kvlists in arrays ...). */
#define OTLP_MAX_DEPTH 32

int otlp_batch_new(struct otlp_batch **out, enum otlp_signal sig,
		   const struct otlp_batch_limits *lim)
{
	struct otlp_batch *b;

	*out = NULL;
	if (sig > OTLP_LOGS || !lim->arena_bytes || !lim->max_resources ||
	    !lim->max_scopes)
		return err_set(EINVAL, "batch limits must all be non-zero");
	b = calloc(1, sizeof(*b));
	if (!b)
		return err_set(ENOMEM, "cannot allocate a batch");
	b->sig = sig;
	b->arena = malloc(lim->arena_bytes);
	b->res = calloc(lim->max_resources, sizeof(*b->res));
	b->scopes = calloc(lim->max_scopes, sizeof(*b->scopes));
	if (!b->arena || !b->res || !b->scopes) {
		otlp_batch_free(b);
		return err_set(ENOMEM, "cannot allocate a batch of %zu bytes",
			       lim->arena_bytes);
	}
	b->arena_cap = lim->arena_bytes;
	b->max_res = lim->max_resources;
	b->max_scopes = lim->max_scopes;
	*out = b;
	return 0;
}

void otlp_batch_free(struct otlp_batch *b)
{
	if (!b)
		return;
	free(b->arena);
	free(b->res);
	free(b->scopes);
	free(b);
}

void otlp_batch_reset(struct otlp_batch *b)
{
	b->arena_used = 0;
	b->n_res = 0;
	b->n_scopes = 0;
	b->n_items = 0;
	b->gen++;
	b->store_used = b->store_head;
	b->store_items = 0;
}

void otlp_batch_set_store(struct otlp_batch *b, uint8_t *p, size_t cap, size_t head)
{
	b->store = p;
	b->store_cap = cap;
	b->store_head = b->store_used = head;
	b->store_items = 0;
}

enum otlp_signal otlp_batch_signal(const struct otlp_batch *b) { return b->sig; }
uint32_t otlp_batch_items(const struct otlp_batch *b) { return b->n_items; }
size_t otlp_batch_arena_used(const struct otlp_batch *b) { return b->arena_used; }
uint32_t otlp_batch_generation(const struct otlp_batch *b) { return b->gen; }

/* ---- arena copies (NULL = does not fit) -------------------------------- */

void *otlp_arena_alloc(struct otlp_batch *b, size_t n, size_t align)
{
	size_t off = (b->arena_used + align - 1) & ~(align - 1);

	if (off > b->arena_cap || n > b->arena_cap - off)
		return NULL;
	b->arena_used = off + n;
	return b->arena + off;
}

/* Return codes of the copy helpers: 0, -ENOSPC, -EINVAL (no message yet:
 * the add function records one for the whole item). */
int otlp_arena_str(struct otlp_batch *b, struct otlp_str *s)
{
	char *p;

	if (!s->len) {
		s->p = "";
		return 0;
	}
	if (!s->p)
		return -EINVAL;
	p = otlp_arena_alloc(b, (size_t)s->len + 1, 1);
	if (!p)
		return -ENOSPC;
	memcpy(p, s->p, s->len);
	p[s->len] = 0;
	s->p = p;
	return 0;
}

static int copy_array(struct otlp_batch *b, const void **arr, uint32_t n,
		      size_t elem)
{
	void *p;

	if (!n) {
		*arr = NULL;
		return 0;
	}
	if (!*arr)
		return -EINVAL;
	p = otlp_arena_alloc(b, (size_t)n * elem, 8);
	if (!p)
		return -ENOSPC;
	memcpy(p, *arr, (size_t)n * elem);
	*arr = p;
	return 0;
}

static int copy_kvs(struct otlp_batch *b, const struct otlp_kv **kvs,
		    uint32_t n, int depth);

static int copy_value(struct otlp_batch *b, struct otlp_value *v, int depth)
{
	struct otlp_str s;
	int ret;

	if (depth > OTLP_MAX_DEPTH)
		return -EINVAL;
	switch (v->type) {
	case OTLP_V_EMPTY:
	case OTLP_V_BOOL:
	case OTLP_V_INT:
	case OTLP_V_DOUBLE:
		return 0;
	case OTLP_V_STRING:
	case OTLP_V_BYTES:
		s = (struct otlp_str){ v->u.s, v->len };
		ret = otlp_arena_str(b, &s);
		v->u.s = s.p;
		return ret;
	case OTLP_V_ARRAY: {
		const void *arr = v->u.arr;
		struct otlp_value *a;

		ret = copy_array(b, &arr, v->len, sizeof(*a));
		if (ret)
			return ret;
		a = (struct otlp_value *)arr;
		for (uint32_t i = 0; i < v->len; i++)
			if ((ret = copy_value(b, &a[i], depth + 1)))
				return ret;
		v->u.arr = a;
		return 0;
	}
	case OTLP_V_KVLIST:
		return copy_kvs(b, &v->u.kvs, v->len, depth + 1);
	}
	return -EINVAL;
}

static int copy_kvs(struct otlp_batch *b, const struct otlp_kv **kvs,
		    uint32_t n, int depth)
{
	const void *arr = *kvs;
	struct otlp_kv *a;
	int ret;

	if ((ret = copy_array(b, &arr, n, sizeof(*a))))
		return ret;
	a = (struct otlp_kv *)arr;
	for (uint32_t i = 0; i < n; i++)
		if ((ret = otlp_arena_str(b, &a[i].key)) ||
		    (ret = copy_value(b, &a[i].v, depth)))
			return ret;
	*kvs = a;
	return 0;
}

/* Record why an add failed, undo its partial copies, return ret. */
static int add_failed(struct otlp_batch *b, size_t mark, int ret,
		      const char *what)
{
	b->arena_used = mark;
	if (ret == -ENOSPC)
		return err_set(ENOSPC, "OTLP batch full (%zu of %zu arena bytes) "
			       "adding a %s: export the batch and reset it",
			       mark, b->arena_cap, what);
	return err_set(EINVAL, "cannot add a %s to an OTLP batch: a NULL array "
		       "with a non-zero count, an unknown value type, "
		       "values nested deeper than %d or histogram bucket "
		       "counts that are not one more than the bounds", what, OTLP_MAX_DEPTH);
}

/* ---- resources and scopes ---------------------------------------------- */

int otlp_batch_add_resource(struct otlp_batch *b, const struct otlp_resource *r)
{
	size_t mark = b->arena_used;
	struct otlp_res_rec *rec;
	int ret;

	if (b->n_res == b->max_res)
		return err_set(ENOSPC, "OTLP batch full: it holds at most %u "
			       "resources; export it and reset it", b->max_res);
	rec = &b->res[b->n_res];
	rec->res = *r;
	if ((ret = copy_kvs(b, &rec->res.attrs, r->n_attrs, 0)) ||
	    (ret = otlp_arena_str(b, &rec->res.schema_url)))
		return add_failed(b, mark, ret, "resource");
	rec->first_scope = rec->last_scope = -1;
	rec->n_items = 0;
	return (int)b->n_res++;
}

static int str_eq(struct otlp_str a, struct otlp_str b)
{
	return a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len));
}

int otlp_batch_add_scope(struct otlp_batch *b, int res, const struct otlp_scope *s)
{
	size_t mark = b->arena_used;
	struct otlp_res_rec *rr;
	struct otlp_scope_rec *rec;
	int ret;

	if (res < 0 || (uint32_t)res >= b->n_res)
		return err_set(EINVAL, "OTLP batch: no resource handle %d", res);
	rr = &b->res[res];
	for (int i = rr->first_scope; i >= 0; i = b->scopes[i].next) {
		const struct otlp_scope *o = &b->scopes[i].scope;

		if (!o->n_attrs && !s->n_attrs && str_eq(o->name, s->name) &&
		    str_eq(o->version, s->version) &&
		    str_eq(o->schema_url, s->schema_url))
			return i;
	}
	if (b->n_scopes == b->max_scopes)
		return err_set(ENOSPC, "OTLP batch full: it holds at most %u "
			       "scopes; export it and reset it", b->max_scopes);
	rec = &b->scopes[b->n_scopes];
	rec->scope = *s;
	if ((ret = otlp_arena_str(b, &rec->scope.name)) ||
	    (ret = otlp_arena_str(b, &rec->scope.version)) ||
	    (ret = copy_kvs(b, &rec->scope.attrs, s->n_attrs, 0)) ||
	    (ret = otlp_arena_str(b, &rec->scope.schema_url)))
		return add_failed(b, mark, ret, "scope");
	rec->head = rec->tail = NULL;
	rec->n_items = 0;
	rec->res = res;
	rec->next = -1;
	rec->prev = rr->last_scope;
	if (rr->last_scope >= 0)
		b->scopes[rr->last_scope].next = (int)b->n_scopes;
	else
		rr->first_scope = (int)b->n_scopes;
	rr->last_scope = (int)b->n_scopes;
	return (int)b->n_scopes++;
}

/* ---- items -------------------------------------------------------------- */

static struct otlp_item *item_new(struct otlp_batch *b, int scope,
				  enum otlp_signal sig, int *ret)
{
	struct otlp_item *it;

	if (b->sig != sig) {
		*ret = err_set(EINVAL, "OTLP batch holds another signal");
		return NULL;
	}
	if (scope < 0 || (uint32_t)scope >= b->n_scopes) {
		*ret = err_set(EINVAL, "OTLP batch: no scope handle %d", scope);
		return NULL;
	}
	it = otlp_arena_alloc(b, sizeof(*it), 8);
	if (!it)
		*ret = -ENOSPC;
	return it;
}

void otlp_batch_link(struct otlp_batch *b, int scope, struct otlp_item *it)
{
	struct otlp_scope_rec *s = &b->scopes[scope];

	it->pb = NULL;
	it->pb_len = 0;
	it->viewed = 0;
	it->next = NULL;
	it->prev = s->tail;
	if (s->tail)
		s->tail->next = it;
	else
		s->head = it;
	s->tail = it;
	s->n_items++;
	b->res[s->res].n_items++;
	b->n_items++;
}

static int copy_events(struct otlp_batch *b, struct otlp_span *s)
{
	const void *arr = s->events;
	struct otlp_event *ev;
	int ret;

	if ((ret = copy_array(b, &arr, s->n_events, sizeof(*ev))))
		return ret;
	ev = (struct otlp_event *)arr;
	for (uint32_t i = 0; i < s->n_events; i++)
		if ((ret = otlp_arena_str(b, &ev[i].name)) ||
		    (ret = copy_kvs(b, &ev[i].attrs, ev[i].n_attrs, 0)))
			return ret;
	s->events = ev;
	return 0;
}

static int copy_links(struct otlp_batch *b, struct otlp_span *s)
{
	const void *arr = s->links;
	struct otlp_link *l;
	int ret;

	if ((ret = copy_array(b, &arr, s->n_links, sizeof(*l))))
		return ret;
	l = (struct otlp_link *)arr;
	for (uint32_t i = 0; i < s->n_links; i++)
		if ((ret = otlp_arena_str(b, &l[i].trace_state)) ||
		    (ret = copy_kvs(b, &l[i].attrs, l[i].n_attrs, 0)))
			return ret;
	s->links = l;
	return 0;
}

int otlp_batch_add_span(struct otlp_batch *b, int scope, const struct otlp_span *s)
{
	size_t mark = b->arena_used;
	struct otlp_item *it;
	struct otlp_span *c;
	int ret = 0;

	if (!(it = item_new(b, scope, OTLP_TRACES, &ret)))
		return ret == -ENOSPC ? add_failed(b, mark, ret, "span") : ret;
	c = &it->u.span;
	*c = *s;
	if ((ret = otlp_arena_str(b, &c->trace_state)) ||
	    (ret = otlp_arena_str(b, &c->name)) ||
	    (ret = copy_kvs(b, &c->attrs, s->n_attrs, 0)) ||
	    (ret = copy_events(b, c)) || (ret = copy_links(b, c)) ||
	    (ret = otlp_arena_str(b, &c->status_msg)))
		return add_failed(b, mark, ret, "span");
	otlp_batch_link(b, scope, it);
	return 0;
}

int otlp_batch_keep(struct otlp_batch *b, int scope, struct otlp_item *it, int ret,
		    int *skipped)
{
	if (ret < 0)
		return ret;
	if (b->sig == OTLP_METRICS && ret != 1) {
		(*skipped)++;
		return 0;
	}
	otlp_batch_link(b, scope, it);
	return 0;
}

/* A span into the store goes after its prefix: a tag and a 2-byte length
 * (spans of 128 bytes to 16 KB: all but freak ones). One whose length
 * takes another size is kept behind a gap: the batch is then encoded
 * around the spans, not in place. */
static int store_span(struct otlp_batch *b, const struct otlp_span *s, uint8_t **pb, size_t *len)
{
	uint8_t *d = b->store + b->store_used;
	size_t room = b->store_cap - b->store_used;
	int ret;

	if (room < 3)
		return -ENOSPC;
	if ((ret = otlp_pb_span_put(d + 3, room - 3, s, len)))
		return ret;
	if (*len >= 128 && *len < 16384) {
		d[0] = 2 << 3 | 2;	/* Span: field 2 of ScopeSpans, length-delimited */
		d[1] = (uint8_t)(*len | 0x80);
		d[2] = (uint8_t)(*len >> 7);
		b->store_items++;
	}
	*pb = d + 3;
	b->store_used += 3 + *len;
	return 0;
}

int otlp_batch_add_span_pb(struct otlp_batch *b, int scope, const struct otlp_span *s)
{
	size_t mark = b->arena_used, len = 0;
	uint8_t *pb = NULL;
	struct otlp_item *it;
	int ret = 0;

	if (!b->store)
		goto model;
	if (!(it = item_new(b, scope, OTLP_TRACES, &ret)))
		return ret == -ENOSPC ? add_failed(b, mark, ret, "span") : ret;
	ret = store_span(b, s, &pb, &len);
	if (ret == -EINVAL) {
		b->arena_used = mark;
model:
		return otlp_batch_add_span(b, scope, s);
	}
	if (ret)
		return add_failed(b, mark, -ENOSPC, "span");
	otlp_batch_link(b, scope, it);
	it->pb = pb;
	it->pb_len = (uint32_t)len;
	return 0;
}

int otlp_item_view(const struct otlp_batch *cb, const struct otlp_item *cit)
{
	/* the batch and item are the caller's: const is for what they show */
	struct otlp_batch *b = (struct otlp_batch *)cb;
	struct otlp_item *it = (struct otlp_item *)cit;
	int ret;

	if (!it->pb || it->viewed)
		return 0;
	memset(&it->u.span, 0, sizeof(it->u.span));
	if ((ret = otlp_pb_span_decode(b, it->pb, it->pb_len, &it->u.span)))
		return ret;
	it->viewed = 1;
	return 0;
}

int otlp_batch_add_log(struct otlp_batch *b, int scope, const struct otlp_log *l)
{
	size_t mark = b->arena_used;
	struct otlp_item *it;
	struct otlp_log *c;
	int ret = 0;

	if (!(it = item_new(b, scope, OTLP_LOGS, &ret)))
		return ret == -ENOSPC ? add_failed(b, mark, ret, "log record") : ret;
	c = &it->u.log;
	*c = *l;
	if ((ret = otlp_arena_str(b, &c->severity_text)) ||
	    (ret = copy_value(b, &c->body, 0)) ||
	    (ret = copy_kvs(b, &c->attrs, l->n_attrs, 0)) ||
	    (ret = otlp_arena_str(b, &c->event_name)))
		return add_failed(b, mark, ret, "log record");
	otlp_batch_link(b, scope, it);
	return 0;
}

static int copy_points(struct otlp_batch *b, struct otlp_metric *m)
{
	int ret;

	if (m->type != OTLP_HISTOGRAM) {
		const void *arr = m->nums;
		struct otlp_num_point *p;

		if ((ret = copy_array(b, &arr, m->n_points, sizeof(*p))))
			return ret;
		p = (struct otlp_num_point *)arr;
		for (uint32_t i = 0; i < m->n_points; i++)
			if ((ret = copy_kvs(b, &p[i].attrs, p[i].n_attrs, 0)))
				return ret;
		m->nums = p;
		m->hists = NULL;
		return 0;
	}
	const void *arr = m->hists;
	struct otlp_hist_point *h;

	if ((ret = copy_array(b, &arr, m->n_points, sizeof(*h))))
		return ret;
	h = (struct otlp_hist_point *)arr;
	for (uint32_t i = 0; i < m->n_points; i++) {
		const void *bc = h[i].bucket_counts, *bd = h[i].bounds;

		if (h[i].n_buckets && h[i].n_buckets != h[i].n_bounds + 1)
			return -EINVAL;
		if ((ret = copy_kvs(b, &h[i].attrs, h[i].n_attrs, 0)) ||
		    (ret = copy_array(b, &bc, h[i].n_buckets, sizeof(uint64_t))) ||
		    (ret = copy_array(b, &bd, h[i].n_bounds, sizeof(double))))
			return ret;
		h[i].bucket_counts = bc;
		h[i].bounds = bd;
	}
	m->hists = h;
	m->nums = NULL;
	return 0;
}

int otlp_batch_add_metric(struct otlp_batch *b, int scope,
			  const struct otlp_metric *m)
{
	size_t mark = b->arena_used;
	struct otlp_item *it;
	struct otlp_metric *c;
	int ret = 0;

	if (m->type < OTLP_GAUGE || m->type > OTLP_HISTOGRAM)
		return err_set(EINVAL, "metric '%.*s': unknown type %u",
			       (int)m->name.len, m->name.p ? m->name.p : "",
			       m->type);
	if (!(it = item_new(b, scope, OTLP_METRICS, &ret)))
		return ret == -ENOSPC ? add_failed(b, mark, ret, "metric") : ret;
	c = &it->u.metric;
	*c = *m;
	if ((ret = otlp_arena_str(b, &c->name)) ||
	    (ret = otlp_arena_str(b, &c->description)) ||
	    (ret = otlp_arena_str(b, &c->unit)) || (ret = copy_points(b, c)))
		return add_failed(b, mark, ret, "metric");
	otlp_batch_link(b, scope, it);
	return 0;
}

int otlp_batch_walk(const struct otlp_batch *b, otlp_walk_fn fn, void *ctx)
{
	for (uint32_t r = 0; r < b->n_res; r++) {
		const struct otlp_res_rec *rr = &b->res[r];

		for (int i = rr->first_scope; i >= 0; i = b->scopes[i].next) {
			const struct otlp_scope_rec *s = &b->scopes[i];

			for (const struct otlp_item *it = s->head; it; it = it->next) {
				int ret = otlp_item_view(b, it);

				if (!ret)
					ret = fn(ctx, &rr->res, &s->scope, &it->u);

				if (ret)
					return ret;
			}
		}
	}
	return 0;
}
