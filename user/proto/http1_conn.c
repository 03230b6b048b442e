/* One HTTP/1.x connection: two directions parsed by http1_msg.c, a queue
 * pairing requests with responses in order, and the decisions that need
 * both directions: body framing of responses (HEAD, CONNECT), when a
 * response whose framing was lost has ended, upgrades, and what is
 * reported when a connection closes or an exchange waits too long. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "rawtel/err.h"
#include "http1_int.h"

#define DEFAULT_MAX_WAIT_NS (120ull * 1000000000ull)
#define DEFAULT_QUIET_NS (2ull * 1000000000ull)

void http1_stat_add(const struct http1_conn *c, size_t off, uint64_t n)
{
	if (c->o && c->o->stats)
		*(uint64_t *)(void *)((char *)c->o->stats + off) += n;
}

_Static_assert(sizeof(struct http1_side) - offsetof(struct http1_side, name) <= 20 + 64 + 8,
	       "only the scratch name and value after http1_side.name");
/* http1_msg_begin clears an exchange up to its first string and empties
 * the strings: nothing else may follow them. */
_Static_assert(sizeof(struct http1_exchange) - offsetof(struct http1_exchange, tracestate) <
		       HTTP1_TRACESTATE_MAX + 8, "only strings after http1_exchange.method");

static struct http1_exchange *slot(struct http1_conn *c, uint64_t seq)
{
	return &c->q[seq % HTTP1_PIPELINE];
}

struct http1_exchange *http1_cur_req(struct http1_conn *c)
{
	const struct http1_side *s = &c->req;

	if (!s->has_slot || s->seq < c->head_seq)
		return NULL;
	return slot(c, s->seq);
}

void http1_conn_init(struct http1_conn *c, uint64_t id, enum http1_role role,
		     const struct http1_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->o = o;
	c->role = (uint8_t)role;
	c->req.is_req = 1;
	c->req.state = D_SEEK;
	c->resp.state = D_SEEK;
}

int http1_conn_state(const struct http1_conn *c)
{
	return c->done ? HTTP1_DONE : HTTP1_MORE;
}

static void emit(struct http1_conn *c, struct http1_exchange *x)
{
	x->conn_id = c->id;
	HTTP1_STAT(c, exchanges, 1);
	if (x->flags & HTTP1_X_NO_REQUEST)
		HTTP1_STAT(c, no_request, 1);
	if (x->flags & HTTP1_X_NO_RESPONSE)
		HTTP1_STAT(c, no_response, 1);
	if (c->o && c->o->on_exchange)
		c->o->on_exchange(c->o->arg, x);
}

static void report_unanswered(struct http1_conn *c, uint64_t seq, uint64_t ts);

/* Copy what the request side knows of its current message into its slot. */
static void req_sync(struct http1_conn *c)
{
	struct http1_side *s = &c->req;
	struct http1_exchange *x = http1_cur_req(c);

	if (!x || !s->committed)
		return;
	x->flags |= s->flags;
	x->req_minor = s->minor;
	x->req_bytes = s->msg_bytes;
	x->req_body_bytes = s->head_bytes ? s->msg_bytes - s->head_bytes : 0;
	x->req_content_length = s->clen;
	x->req_end_ns = s->last_ns;
	/* unpaired: a request is reported without a response once it ended */
	if (c->unpaired && !s->active)
		report_unanswered(c, s->seq, s->last_ns);
}

/* About to report `x`: a request still arriving has no final size. */
static void req_report(struct http1_conn *c, uint64_t seq, struct http1_exchange *x)
{
	if (c->req.has_slot && c->req.seq == seq) {
		req_sync(c);
		if (c->req.active)
			x->flags |= HTTP1_X_REQ_SIZE_UNKNOWN;
	}
}

/* All requests waiting, with or without their fields. */
static uint64_t http1_waiting(const struct http1_conn *c)
{
	uint64_t n = http1_queued(c) + c->overflow;

	for (uint64_t seq = c->head_seq; seq < c->tail_seq; seq++)
		n += c->skip[seq % HTTP1_PIPELINE];
	return n;
}

/* A waiting request is reported without its response, once (its slot
 * stays until a response or unpaired_pop takes it). */
static void report_unanswered(struct http1_conn *c, uint64_t seq, uint64_t ts)
{
	struct http1_exchange *x = slot(c, seq);
	uint8_t *rep = &c->reported[seq % HTTP1_PIPELINE];

	if (*rep)
		return;
	*rep = 1;
	req_report(c, seq, x);
	x->flags |= HTTP1_X_NO_RESPONSE;
	x->end_ns = ts;
	emit(c, x);
}

/* Unpaired: reported requests leave the queue (requests that found it
 * full, counted as queue_full, with them), unless the response in
 * progress answers the oldest. */
static void unpaired_pop(struct http1_conn *c)
{
	if (c->resp.active && !c->resp.orphan)
		return;
	while (http1_queued(c) && c->reported[c->head_seq % HTTP1_PIPELINE]) {
		c->skip[c->head_seq % HTTP1_PIPELINE] = 0;
		c->reported[c->head_seq++ % HTTP1_PIPELINE] = 0;
	}
	if (!http1_queued(c))
		c->overflow = 0;
}

/* The request's head is over (parsed, or cut short): it joins the queue,
 * after the requests that found it full. */
static void req_commit(struct http1_conn *c)
{
	struct http1_side *s = &c->req;

	s->committed = 1;
	if (s->has_slot) {
		c->skip[c->tail_seq % HTTP1_PIPELINE] = c->overflow;
		c->overflow = 0;
		c->tail_seq++;
		req_sync(c);
		if (c->o && c->o->on_request) {
			struct http1_exchange *x = slot(c, s->seq);

			x->conn_id = c->id;
			c->o->on_request(c->o->arg, x);
		}
	} else {
		c->overflow++;
		HTTP1_STAT(c, queue_full, 1);
	}
}

/* The final response ended at `end`: report it with its request. */
static void resp_finish(struct http1_conn *c, uint64_t end, uint32_t flags)
{
	struct http1_side *r = &c->resp;
	struct http1_exchange tmp, *x = &tmp;
	int queued = http1_queued(c) > 0;

	if (c->unpaired && r->orphan) {
		HTTP1_STAT(c, unpaired, 1);
		r->active = 0;
		r->orphan = 0;
		c->interim = 0;
		return;
	}
	flags |= r->flags;
	if (c->interim)
		flags |= HTTP1_X_INTERIM;
	if (r->orphan) {
		/* began before any request we know of: tracing joined
		 * mid-conversation, or its request was lost */
		memset(&tmp, 0, sizeof(tmp));
		tmp.flags = HTTP1_X_NO_REQUEST;
		tmp.start_ns = r->start_ns;
		tmp.req_minor = -1;
		tmp.req_content_length = -1;
		queued = 0;
	} else if (http1_head_is_slot(c) && c->reported[c->head_seq % HTTP1_PIPELINE]) {
		/* aged out and reported already */
		HTTP1_STAT(c, late, 1);
		x = NULL;
	} else if (http1_head_is_slot(c)) {
		x = slot(c, c->head_seq);
		req_report(c, c->head_seq, x);
	} else {
		/* a request whose fields were not kept, or not seen */
		memset(&tmp, 0, sizeof(tmp));
		tmp.flags = HTTP1_X_NO_REQUEST;
		tmp.start_ns = r->start_ns;
		tmp.req_minor = -1;
		tmp.req_content_length = -1;
		if (queued)
			c->skip[c->head_seq % HTTP1_PIPELINE]--;
		else if (c->overflow)
			c->overflow--;
		queued = 0;
	}
	if (x) {
		x->flags |= flags;
		x->resp_start_ns = r->start_ns;
		x->end_ns = end;
		x->status = r->status;
		x->resp_minor = r->minor;
		x->resp_bytes = r->msg_bytes;
		x->resp_body_bytes = r->head_bytes ? r->msg_bytes - r->head_bytes : 0;
		x->resp_content_length = r->clen;
		emit(c, x);
	}
	if (queued)
		c->reported[c->head_seq++ % HTTP1_PIPELINE] = 0;
	r->active = 0;
	r->orphan = 0;
	c->interim = 0;
	if (c->unpaired)
		unpaired_pop(c);
}

/* Framing lost with pipelined requests waiting: the lost bytes may hold
 * whole responses (or requests, whose responses are still to come), so
 * no later response can be told to answer one request rather than
 * another. Every waiting request but the one a response in progress
 * answers is reported now without its response, later ones as they
 * come; responses are counted, not paired, until the connection has
 * been quiet between messages (http1_conn_tick). */
static void unpair(struct http1_conn *c, uint64_t ts)
{
	struct http1_side *r = &c->resp;
	uint64_t seq;

	c->unpaired = 1;
	seq = c->head_seq;
	if (r->active && !r->orphan && http1_head_is_slot(c))
		seq++;
	for (; seq < c->tail_seq; seq++)
		report_unanswered(c, seq, ts);
	unpaired_pop(c);
}

/* The response side lost its framing and the request side starts a new
 * request: with nothing pipelined, the client had the whole response
 * (it only asks again after one), so the response ended at its last
 * byte seen. The same holds for a body read until a close that did not
 * come. */
static void resp_ended_by_request(struct http1_conn *c)
{
	struct http1_side *r = &c->resp;

	if (!((r->state == D_SEEK && r->active) || r->state == B_CLOSE))
		return;
	if (http1_waiting(c) > 1)
		return;
	resp_finish(c, r->last_ns, HTTP1_X_RESP_SIZE_UNKNOWN);
	r->state = D_SEEK;
}

void http1_msg_begin(struct http1_conn *c, struct http1_side *s, uint64_t ts)
{
	uint8_t synced = s->synced, is_req = s->is_req, orphan = c->interim && s->orphan;
	uint64_t start = s->start_ns;

	/* everything per message is reset: lengths, flags; the scratch
	 * name and value (the struct's end) are read only as far as
	 * their lengths say they were written */
	memset(s, 0, offsetof(struct http1_side, name));
	s->is_req = is_req;
	s->synced = synced;
	s->active = 1;
	s->in_head = 1;
	s->clen = -1;
	s->minor = -1;
	s->start_ns = ts;
	s->last_ns = ts;
	if (!is_req) {
		/* after a 1xx the exchange's response began earlier */
		if (c->interim)
			s->start_ns = start;
		/* a response answers a request sent before it began */
		s->orphan = (uint8_t)(orphan || (!c->interim && !http1_waiting(c)) ||
				      c->unpaired);
		s->state = SL_VERSION;
		return;
	}
	resp_ended_by_request(c);
	s->state = RL_METHOD;
	if (c->unpaired) {
		/* a response whose framing was lost ended before this
		 * request (its queue slot is wanted) */
		if (c->resp.active && !c->resp.orphan && c->resp.state == D_SEEK)
			resp_finish(c, c->resp.last_ns, HTTP1_X_RESP_SIZE_UNKNOWN);
		unpaired_pop(c);
	}
	if (http1_queued(c) < HTTP1_PIPELINE) {
		struct http1_exchange *x = slot(c, c->tail_seq);

		/* the numbers zeroed and the strings emptied: clearing all
		 * 1.8 KB of string room was most of a small request's start */
		memset(x, 0, offsetof(struct http1_exchange, method));
		x->method[0] = x->path[0] = x->query[0] = 0;
		x->host[0] = x->user_agent[0] = x->tracestate[0] = 0;
		c->reported[c->tail_seq % HTTP1_PIPELINE] = 0;
		c->mid[c->tail_seq % HTTP1_PIPELINE] = MT_OTHER;
		x->start_ns = ts;
		x->req_minor = -1;
		x->resp_minor = -1;
		x->req_content_length = -1;
		x->resp_content_length = -1;
		s->seq = c->tail_seq;
		s->has_slot = 1;
	}
}

/* After a 101, or a 2xx to CONNECT, the bytes are another protocol. */
static void leave_http(struct http1_conn *c, uint64_t ts)
{
	HTTP1_STAT(c, upgraded, 1);
	http1_conn_close(c, ts);
}

void http1_head_done(struct http1_conn *c, struct http1_side *s, uint64_t ts)
{
	c->seen_http = 1;
	c->misses = 0;
	s->synced = 1;
	s->in_head = 0;
	s->head_bytes = s->msg_bytes;
	s->line_len = 0;
	s->cr = 0;
	http1_fields_finish(c, s);
	if (s->is_req) {
		req_commit(c);
		/* CONNECT has no content; what follows is the tunnel */
		if (s->mid == MT_CONNECT || (!s->te_seen && s->clen <= 0)) {
			http1_msg_done(c, s, ts);
		} else if (s->te_seen) {
			/* a request's framing is chunked or invalid */
			if (!s->te_chunked) {
				http1_lose(c, s, 0);
				return;
			}
			s->state = C_SIZE;
		} else {
			s->state = B_LEN;
			s->remain = (uint64_t)s->clen;
		}
		return;
	}

	int mid = MT_OTHER;

	if (!s->orphan && http1_head_is_slot(c) && !c->reported[c->head_seq % HTTP1_PIPELINE])
		mid = c->mid[c->head_seq % HTTP1_PIPELINE];
	if (s->status < 200 && s->status != 101) {
		/* interim (100 Continue, 103 Early Hints): the final
		 * response is still to come */
		c->interim = 1;
		s->active = 0;
		s->state = M_IDLE;
		return;
	}
	if (s->status == 101 || (mid == MT_CONNECT && s->status / 100 == 2)) {
		s->flags |= HTTP1_X_UPGRADED;
		http1_msg_done(c, s, ts);
		leave_http(c, ts);
		return;
	}
	if (mid == MT_HEAD || s->status == 204 || s->status == 304 ||
	    (!s->te_seen && s->clen == 0)) {
		http1_msg_done(c, s, ts);
	} else if (s->te_seen && s->te_chunked) {
		s->state = C_SIZE;
	} else if (s->te_seen || s->clen < 0) {
		s->state = B_CLOSE;
	} else {
		s->state = B_LEN;
		s->remain = (uint64_t)s->clen;
	}
}

void http1_msg_done(struct http1_conn *c, struct http1_side *s, uint64_t ts)
{
	s->last_ns = ts;
	s->state = M_IDLE;
	if (s->is_req) {
		s->active = 0;
		req_sync(c);
		return;
	}
	resp_finish(c, ts, 0);
}

static void give_up(struct http1_conn *c)
{
	HTTP1_STAT(c, not_http, 1);
	c->done = 1;
	c->req.state = D_DEAD;
	c->resp.state = D_DEAD;
	c->req.active = 0;
	c->resp.active = 0;
}

void http1_lose(struct http1_conn *c, struct http1_side *s, uint32_t flag)
{
	int garbage = (flag & HTTP1_LOSE_BAD) &&
		      (s->is_req ? s->state == RL_METHOD
				 : s->state == SL_VERSION && !http1_waiting(c));

	flag &= ~HTTP1_LOSE_BAD;
	if (garbage)
		s->active = 0;
	if (!c->seen_http) {
		/* never HTTP here: that was a miss, not a message */
		s->state = D_SEEK;
		s->active = 0;
		HTTP1_STAT(c, probe_misses, 1);
		if (++c->misses >= HTTP1_PROBE_MISSES)
			give_up(c);
		return;
	}
	HTTP1_STAT(c, sync_lost, 1);
	if (s->active) {
		/* A response cut while other requests wait (the client
		 * pipelines): whole responses may be in what was lost. A
		 * request cut is different: requests in what was lost are
		 * answered after the ones seen, in order, so their responses
		 * find no request waiting (HTTP1_X_NO_REQUEST), as long as
		 * the server answers what it has read before it reads on,
		 * as servers of pipelined HTTP/1 do. */
		int others = !s->is_req && !s->orphan && http1_waiting(c) > 1;

		s->flags |= flag | (s->is_req ? HTTP1_X_REQ_SIZE_UNKNOWN
					      : HTTP1_X_RESP_SIZE_UNKNOWN);
		if (s->in_head)
			http1_head_cut(c, s);
		if (s->is_req && s->in_head) {
			http1_fields_finish(c, s);
			req_commit(c);
		}
		s->in_head = 0;
		if (s->is_req)
			req_sync(c);
		if (others && !c->unpaired)
			unpair(c, s->last_ns);
	}
	s->state = D_SEEK;
}

void http1_lose_unseen(struct http1_conn *c, struct http1_side *s, uint64_t ts)
{
	http1_msg_begin(c, s, ts);
	http1_lose(c, s, s->is_req ? HTTP1_X_REQ_TRUNC : HTTP1_X_RESP_TRUNC);
}

/* Bytes of a message whose framing is lost still count towards it. */
static void attribute(struct http1_conn *c, struct http1_side *s, uint64_t n,
		      uint64_t ts)
{
	if (!s->active)
		return;
	s->msg_bytes += n;
	s->last_ns = ts;
	if (s->is_req)
		req_sync(c);
}

/* A syscall starts with a message: the lost one ended before it. */
static void resync(struct http1_conn *c, struct http1_side *s)
{
	if (s->synced)
		HTTP1_STAT(c, resyncs, 1);
	if (s->active) {
		if (s->is_req) {
			s->active = 0;
			req_sync(c);
		} else {
			resp_finish(c, s->last_ns, 0);
		}
	}
	s->state = M_IDLE;
}

int http1_conn_feed(struct http1_conn *c, enum http1_dir dir, uint64_t ts,
		    const void *data, size_t cap, uint64_t total)
{
	const uint8_t *p = data;
	struct http1_side *s;
	size_t off = 0;

	if (cap > total || (cap && !data))
		return err_set(EINVAL, "HTTP feed: %zu bytes captured of %llu", cap,
			       (unsigned long long)total);
	if (c->done)
		return HTTP1_DONE;
	if (!total)
		return HTTP1_MORE;
	s = ((dir == HTTP1_RECV) == (c->role == HTTP1_SERVER)) ? &c->req : &c->resp;
	if (total > cap)
		HTTP1_STAT(c, gap_bytes, total - cap);
	if (s->state == D_SEEK) {
		if (cap && http1_starts_msg(s->is_req, p, cap, s->synced)) {
			resync(c, s);
		} else if (!s->is_req && !s->active && http1_waiting(c)) {
			/* requests wait and no response is under way: on an
			 * HTTP connection this can only be a response, one
			 * whose start was not seen (or is not HTTP/1) */
			s->state = M_IDLE;
			http1_lose_unseen(c, s, ts);
			attribute(c, s, total, ts);
			return c->done ? HTTP1_DONE : HTTP1_MORE;
		} else {
			HTTP1_STAT(c, skipped, 1);
			if (cap && !c->seen_http) {
				HTTP1_STAT(c, probe_misses, 1);
				if (++c->misses >= HTTP1_PROBE_MISSES) {
					give_up(c);
					return HTTP1_DONE;
				}
			}
			attribute(c, s, total, ts);
			return HTTP1_MORE;
		}
	}
	while (off < cap && !c->done) {
		off += http1_parse(c, s, p + off, cap - off, ts);
		if (off < cap && !c->done) {
			/* out of the grammar: the rest belongs to the lost
			 * message */
			attribute(c, s, cap - off, ts);
			break;
		}
	}
	if (total > cap && !c->done)
		http1_gap(c, s, total - cap, ts);
	return c->done ? HTTP1_DONE : HTTP1_MORE;
}

void http1_conn_close(struct http1_conn *c, uint64_t ts)
{
	struct http1_side *r = &c->resp, *q = &c->req;

	/* a response begun on a connection never seen to be HTTP is noise */
	if (r->active && c->seen_http) {
		uint32_t f = 0;

		if (r->state == B_CLOSE)
			f = HTTP1_X_CLOSE_DELIMITED;
		else if (r->state != D_SEEK)
			f = HTTP1_X_RESP_ABORTED | HTTP1_X_RESP_SIZE_UNKNOWN |
			    (r->in_head ? HTTP1_X_RESP_TRUNC : 0);
		if (r->in_head)
			http1_head_cut(c, r);
		resp_finish(c, r->last_ns, f);
	}
	/* a request cut by the close: reported if it was HTTP at all */
	if (q->active && q->in_head && c->seen_http && q->state != D_SEEK) {
		q->flags |= HTTP1_X_REQ_TRUNC;
		http1_head_cut(c, q);
		q->in_head = 0;
		http1_fields_finish(c, q);
		req_commit(c);
	}
	if (q->active) {
		q->flags |= HTTP1_X_REQ_SIZE_UNKNOWN;
		req_sync(c);
		q->active = 0;
	}
	for (; c->head_seq < c->tail_seq; c->head_seq++) {
		struct http1_exchange *x = slot(c, c->head_seq);

		if (c->reported[c->head_seq % HTTP1_PIPELINE])
			continue;
		x->flags |= HTTP1_X_NO_RESPONSE | (c->interim ? HTTP1_X_INTERIM : 0);
		x->end_ns = ts;
		c->interim = 0;
		emit(c, x);
	}
	c->overflow = 0;
	c->done = 1;
	q->state = D_DEAD;
	r->state = D_DEAD;
}

/* Quiet with no message under way (a side whose framing was lost finds
 * it again at the next syscall's start): every request sent has had its
 * response, or waits past anything pipelined before it, so pairing
 * starts again with the next request. */
static void repair(struct http1_conn *c, uint64_t now, uint64_t quiet)
{
	const struct http1_side *q = &c->req, *r = &c->resp;
	uint64_t last = q->last_ns > r->last_ns ? q->last_ns : r->last_ns;

	if (q->active || r->active || (q->state != M_IDLE && q->state != D_SEEK) ||
	    (r->state != M_IDLE && r->state != D_SEEK) || now < last || now - last < quiet)
		return;
	unpaired_pop(c);
	if (http1_queued(c))
		return;
	c->unpaired = 0;
	HTTP1_STAT(c, resyncs, 1);
}

void http1_conn_tick(struct http1_conn *c, uint64_t now)
{
	const struct http1_opts *o = c->o;
	uint64_t quiet = o && o->quiet_ns ? o->quiet_ns : DEFAULT_QUIET_NS;
	uint64_t wait = o && o->max_wait_ns ? o->max_wait_ns : DEFAULT_MAX_WAIT_NS;
	struct http1_side *r = &c->resp;

	if (c->done)
		return;
	if (r->state == D_SEEK && r->active && now >= r->last_ns &&
	    now - r->last_ns >= quiet)
		resp_finish(c, r->last_ns, 0);
	for (uint64_t seq = c->head_seq; seq < c->tail_seq; seq++) {
		const struct http1_exchange *x = slot(c, seq);

		/* only requests whose response has not begun */
		if (seq == c->head_seq && (r->active || c->interim))
			continue;
		if (now >= x->start_ns && now - x->start_ns >= wait)
			report_unanswered(c, seq, now);
	}
	if (c->unpaired)
		repair(c, now, quiet);
}
