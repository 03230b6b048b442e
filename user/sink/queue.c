/* The per-signal memory queue: a ring of owned request copies whose
 * capacity is fixed at start, so its memory is bounded by construction
 * (the byte bound is enforced by the sink, which decides what to drop). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/err.h"
#include "rawtel/sink_parts.h"

struct sink_req *sink_req_alloc(size_t cap)
{
	struct sink_req *r = cap > SINK_BODY_MAX ? NULL : malloc(sizeof(*r) + cap);

	if (r)
		*r = (struct sink_req){ .body = r->mem };
	return r;
}

struct sink_req *sink_req_new(uint64_t seq, const void *body, size_t len, int proto)
{
	struct sink_req *r = sink_req_alloc(len);

	if (!r)
		return NULL;
	r->seq = seq;
	r->len = (uint32_t)len;
	r->proto = (uint8_t)proto;
	memcpy(r->body, body, len);
	return r;
}

int queue_init(struct sink_queue *q, uint32_t cap)
{
	memset(q, 0, sizeof(*q));
	if (!cap)
		return err_set(EINVAL, "queue size must be at least 1 request");
	q->ring = calloc(cap, sizeof(*q->ring));
	if (!q->ring)
		return err_set(ENOMEM, "out of memory for a %u-request queue", cap);
	q->cap = cap;
	return 0;
}

void queue_free(struct sink_queue *q)
{
	struct sink_req *r;

	while ((r = queue_pop(q)))
		free(r);
	free(q->ring);
	memset(q, 0, sizeof(*q));
}

int queue_push(struct sink_queue *q, struct sink_req *r)
{
	if (q->count == q->cap)
		return -ENOSPC;
	q->ring[(q->head + q->count) % q->cap] = r;
	q->count++;
	q->bytes += r->len;
	return 0;
}

struct sink_req *queue_peek(const struct sink_queue *q)
{
	return q->count ? q->ring[q->head] : NULL;
}

struct sink_req *queue_pop(struct sink_queue *q)
{
	struct sink_req *r;

	if (!q->count)
		return NULL;
	r = q->ring[q->head];
	q->ring[q->head] = NULL;
	q->head = (q->head + 1) % q->cap;
	q->count--;
	q->bytes -= r->len;
	return r;
}
