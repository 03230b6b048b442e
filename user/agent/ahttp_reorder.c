/* The reorder buffer of the perf-buffer path (see http.h): a binary heap
 * of record copies by (time, arrival), bounded in records and bytes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

struct held {
	uint64_t ts, seq;
	void *rec;
	size_t len;
};

struct ahttp_reorder {
	struct held *h;		/* REORDER_MAX_RECS */
	uint32_t n;
	size_t bytes;
	uint64_t seq;
};

int ahttp_reorder_new(struct ahttp_reorder **out)
{
	struct ahttp_reorder *r = calloc(1, sizeof(*r));

	if (r)
		r->h = calloc(REORDER_MAX_RECS, sizeof(*r->h));
	if (!r || !r->h) {
		free(r);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

void ahttp_reorder_free(struct ahttp_reorder *r)
{
	if (!r)
		return;
	for (uint32_t i = 0; i < r->n; i++)
		free(r->h[i].rec);
	free(r->h);
	free(r);
}

static int before(const struct held *a, const struct held *b)
{
	return a->ts != b->ts ? a->ts < b->ts : a->seq < b->seq;
}

static void swap(struct held *a, struct held *b)
{
	struct held t = *a;

	*a = *b;
	*b = t;
}

/* Take the oldest out and hand it to cb. */
static void pop(struct ahttp_reorder *r, ahttp_reorder_cb cb, void *ctx)
{
	struct held top = r->h[0];
	uint32_t i = 0;

	r->h[0] = r->h[--r->n];
	for (;;) {
		uint32_t l = 2 * i + 1, m = i;
		if (l < r->n && before(&r->h[l], &r->h[m]))
			m = l;
		if (l + 1 < r->n && before(&r->h[l + 1], &r->h[m]))
			m = l + 1;
		if (m == i)
			break;
		swap(&r->h[i], &r->h[m]);
		i = m;
	}
	r->bytes -= top.len;
	cb(ctx, top.rec, top.len);
	free(top.rec);
}

int ahttp_reorder_push(struct ahttp_reorder *r, const void *rec, size_t len, uint64_t ts,
		       ahttp_reorder_cb cb, void *ctx)
{
	uint32_t i;
	void *copy;

	/* full: the oldest go now, out of their window but still in order */
	while (r->n && (r->n == REORDER_MAX_RECS || r->bytes + len > REORDER_MAX_BYTES))
		pop(r, cb, ctx);
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, rec, len);
	i = r->n++;
	r->h[i] = (struct held){ ts, r->seq++, copy, len };
	r->bytes += len;
	while (i && before(&r->h[i], &r->h[(i - 1) / 2])) {
		swap(&r->h[i], &r->h[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	return 0;
}

void ahttp_reorder_release(struct ahttp_reorder *r, uint64_t upto, ahttp_reorder_cb cb, void *ctx)
{
	while (r->n && r->h[0].ts <= upto)
		pop(r, cb, ctx);
}

uint32_t ahttp_reorder_held(const struct ahttp_reorder *r)
{
	return r->n;
}
