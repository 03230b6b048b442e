/* HTTP/2 streams of one connection: a bounded table of the streams in
 * flight, their DATA counted (and gRPC messages with it), and their end:
 * the response's END_STREAM, a reset, a GOAWAY that refused them. */
#include <stddef.h>
#include <string.h>

#include "h2_int.h"

struct h2_stream *h2_stream_find(struct h2_conn *c, uint32_t sid)
{
	for (int i = 0; i < H2_STREAMS; i++)
		if (c->sids[i] == sid && c->st[i].used)
			return &c->st[i];
	return NULL;
}

/* A free slot; the table full, that of the stream longest silent of
 * those whose response may have ended in lost bytes, reported now
 * (H2_X_EVICTED); NULL when none is in doubt. */
static struct h2_stream *free_slot(struct h2_conn *c)
{
	struct h2_stream *old = NULL;

	for (int i = 0; i < H2_STREAMS; i++) {
		struct h2_stream *s = &c->st[i];

		if (!s->used)
			return s;
		if (s->doubt && (!old || s->last_ns < old->last_ns))
			old = s;
	}
	if (old)
		h2_stream_report(c, old, H2_X_EVICTED | (old->resp_begun ? H2_X_RESP_OPEN : 0));
	return old;
}

struct h2_stream *h2_stream_new(struct h2_conn *c, uint32_t sid, int no_request)
{
	struct h2_stream *s = free_slot(c);

	if (!s) {
		h2_stat(c, queue_full, 1);
		return NULL;
	}
	/* the numbers cleared, the strings emptied: clearing all of their
	 * kilobyte cost more than the rest of a stream's start */
	memset(s, 0, offsetof(struct h2_stream, x.method));
	s->x.method[0] = s->x.scheme[0] = s->x.authority[0] = s->x.path[0] = 0;
	s->x.content_type[0] = s->x.grpc_message[0] = s->x.user_agent[0] = s->x.tracestate[0] = 0;
	s->used = 1;
	c->sids[s - c->st] = sid;
	s->last_ns = c->now;
	s->x.conn_id = c->id;
	s->x.stream_id = sid;
	s->x.start_ns = c->now;
	s->x.grpc_status = -1;
	if (no_request) {
		s->x.flags |= H2_X_NO_REQUEST;
		s->g[0].lost = 1;	/* the request's DATA was not followed */
	}
	return s;
}

void h2_stream_report(struct h2_conn *c, struct h2_stream *s, uint32_t flags)
{
	struct h2_exchange *x = &s->x;

	x->flags |= flags;
	if (!s->req_done)
		x->flags |= H2_X_REQ_OPEN;
	if (!s->resp_begun)
		x->flags |= H2_X_NO_RESPONSE;
	if (!x->end_ns)
		x->end_ns = c->now;
	if ((s->g[0].lost || s->g[1].lost) && (x->flags & H2_X_GRPC))
		x->flags |= H2_X_GRPC_LOST;
	h2_stat(c, exchanges, 1);
	if (x->flags & H2_X_NO_REQUEST)
		h2_stat(c, no_request, 1);
	if (x->flags & H2_X_NO_RESPONSE)
		h2_stat(c, no_response, 1);
	if (x->status >= 500 || x->grpc_status > 0)
		h2_stat(c, errors, 1);
	if (c->o && c->o->on_h2)
		c->o->on_h2(c->o->arg, x);
	s->used = 0;
}

static void grpc_feed(struct h2_grpc *g, uint32_t *msgs, const uint8_t *p, size_t n)
{
	while (n) {
		if (g->left) {
			uint32_t k = g->left < n ? g->left : (uint32_t)n;

			g->left -= k;
			p += k;
			n -= k;
			continue;
		}
		g->pre[g->have++] = *p++;
		n--;
		if (g->have == 5) {
			(*msgs)++;
			g->have = 0;
			g->left = (uint32_t)g->pre[1] << 24 | (uint32_t)g->pre[2] << 16 |
				  (uint32_t)g->pre[3] << 8 | g->pre[4];
		}
	}
}

void h2_stream_data(struct h2_conn *c, int dir, uint32_t sid, const uint8_t *p,
		    size_t n, uint64_t gap)
{
	struct h2_stream *s = h2_stream_find(c, sid);
	int resp = !h2_is_req(c, dir);
	struct h2_grpc *g;

	if (!s) {
		/* DATA of a stream whose headers were lost */
		h2_unseen_open(c, sid, H2_SEEN_ALIVE);
		return;
	}
	s->last_ns = c->now;
	*(resp ? &s->x.resp_bytes : &s->x.req_bytes) += n + gap;
	if (gap)
		s->x.flags |= H2_X_BODY_GAP;
	g = &s->g[resp];
	if (!(s->x.flags & H2_X_GRPC) || g->lost)
		return;
	grpc_feed(g, resp ? &s->x.resp_msgs : &s->x.req_msgs, p, n);
	if (gap && g->left >= gap && !g->have)
		g->left -= (uint32_t)gap;
	else if (gap)
		g->lost = 1;
}

void h2_stream_end(struct h2_conn *c, int dir, uint32_t sid)
{
	struct h2_stream *s = h2_stream_find(c, sid);

	if (!s)
		return;
	s->last_ns = c->now;
	if (h2_is_req(c, dir)) {
		s->req_done = 1;
		s->x.req_end_ns = c->now;
		return;
	}
	s->x.end_ns = c->now;
	h2_stream_report(c, s, 0);
}

void h2_stream_reset(struct h2_conn *c, uint32_t sid, uint32_t code)
{
	struct h2_stream *s = h2_stream_find(c, sid);

	if (!s) {
		/* a stream begun unseen ends here: a late response to it
		 * opens nothing */
		h2_unseen_open(c, sid, H2_SEEN_ENDED);
		return;
	}
	s->x.error_code = code;
	h2_stream_report(c, s, H2_X_RESET | (s->resp_begun ? H2_X_RESP_OPEN : 0));
}

/* A GOAWAY from the server: client streams above `last` were never
 * processed (RFC 9113 6.8). One from the client concerns pushed streams,
 * not followed. */
void h2_goaway(struct h2_conn *c, int dir, uint32_t last, uint32_t code)
{
	if (h2_is_req(c, dir))
		return;
	for (int i = 0; i < H2_STREAMS; i++) {
		struct h2_stream *s = &c->st[i];

		if (s->used && s->x.stream_id > last) {
			s->x.error_code = code;
			h2_stream_report(c, s, H2_X_GOAWAY);
		}
	}
}
