/* HTTP/2 header blocks: gathered from HEADERS / PUSH_PROMISE and their
 * CONTINUATIONs, decoded by the direction's HPACK decoder when the block
 * ends (in capture order, so the dynamic table follows the encoder's),
 * and their fields given to the stream they belong to. */
#include <string.h>

#include "h2_int.h"

struct h2_block_ctx {
	struct h2_stream *st;	/* NULL: fields not kept */
	int resp;
	uint16_t status;	/* :status of this block */
};

static void on_field(void *arg, const struct hpack_field *f)
{
	struct h2_block_ctx *b = arg;

	if (!b->st || (f->flags & HPACK_F_UNKNOWN))
		return;
	if (b->resp && H2_NAME_IS(f, ":status")) {
		unsigned v = 0;

		for (size_t i = 0; i < f->vlen && i < 3; i++)
			v = v * 10 + (unsigned)(f->value[i] - '0');
		if (f->vlen == 3 && v >= 100 && v <= 999)
			b->status = (uint16_t)v;
		return;
	}
	h2_field(b->st, b->resp, f);
}

void h2_block_add(struct h2_conn *c, int dir, const uint8_t *p, size_t n)
{
	struct h2_side *s = &c->side[dir];

	if (s->block_cut)
		return;
	if (n > H2_BLOCK_MAX - s->blen) {
		s->block_cut = 1;
		return;
	}
	memcpy(s->blk + s->blen, p, n);
	s->blen += (uint32_t)n;
}

/* The stream a block belongs to. Stream ids only grow, so a new id above
 * the highest seen opens a stream (without request when it is the
 * response's), one below the first seen began before rawtel did, one
 * whose request headers were lost is in h2_unseen.c's window (their
 * responses open them without request), and any other is a stream already
 * reported (a late response after a reset) or not followed. */
static struct h2_stream *block_stream(struct h2_conn *c, int dir, uint32_t sid)
{
	struct h2_stream *st = h2_stream_find(c, sid);
	int req = h2_is_req(c, dir);

	if (st || !(sid & 1))
		return st;
	if (sid > c->last_sid) {
		h2_unseen_open(c, sid, req ? H2_SEEN_REQUEST : H2_SEEN_RESPONSE);
		return h2_stream_new(c, sid, !req);
	}
	if (!req && (sid < c->first_sid || h2_unseen_take(c, sid)))
		return h2_stream_new(c, sid, 1);
	return NULL;
}

/* After a response block: interim 1xx, final status, trailers-only. */
static void response_block(struct h2_conn *c, struct h2_stream *st, uint16_t status,
			   int end_stream)
{
	if (!st->resp_begun) {
		st->resp_begun = 1;
		st->x.resp_start_ns = c->now;
	}
	if (status >= 200 || (status && !st->x.status))
		st->x.status = status;
	if (status >= 200 && !st->resp_headers) {
		st->resp_headers = 1;
		if (end_stream)
			st->x.flags |= H2_X_TRAILERS_ONLY;
	}
}

/* The request's first block is decoded: the stream is in progress (its
 * handling thread is the one that read it) */
static void request_told(struct h2_conn *c, struct h2_stream *st)
{
	if (st->req_told || (st->x.flags & H2_X_NO_REQUEST))
		return;
	st->req_told = 1;
	if (c->o && c->o->on_h2_request)
		c->o->on_h2_request(c->o->arg, &st->x);
}

void h2_block_end(struct h2_conn *c, int dir, const uint8_t *p, size_t n)
{
	struct h2_side *s = &c->side[dir];
	struct h2_block_ctx b = { 0 };
	uint64_t unknown = s->hp.unknown;
	int end = s->block_end_stream;

	s->in_block = 0;
	b.resp = !h2_is_req(c, dir);
	b.st = s->block_push ? NULL : block_stream(c, dir, s->block_sid);
	if (s->block_cut) {
		hpack_lose(&s->hp);
		if (b.st)
			b.st->x.flags |= H2_X_HEADERS_LOST;
	} else if (hpack_decode(&s->hp, p, n, on_field, &b) < 0 && b.st) {
		b.st->x.flags |= H2_X_HEADERS_LOST;
	}
	/* gathered bytes may hold credentials: not kept past their use */
	if (s->blen)
		memset(s->blk, 0, s->blen);
	s->blen = 0;
	if (s->hp.unknown != unknown) {
		h2_stat(c, undecoded, s->hp.unknown - unknown);
		if (b.st) {
			b.st->x.flags |= H2_X_UNKNOWN_FIELDS;
			b.st->x.unknown_fields += (uint32_t)(s->hp.unknown - unknown);
		}
	}
	if (!b.st)
		return;
	b.st->last_ns = c->now;
	if (b.resp)
		response_block(c, b.st, b.status, end);
	else
		request_told(c, b.st);
	if (end)
		h2_stream_end(c, dir, s->block_sid);
}
