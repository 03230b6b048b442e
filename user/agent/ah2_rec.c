/* HTTP/2 streams in rawtel run: the parser's two callbacks, called while
 * ahttp_rec.c feeds a process's table (h->cur, h->cur_tid, h->why set as
 * for HTTP/1).
 *
 * A stream's trace context is decided when its request headers are
 * decoded, by ahttp_ctx.c's rules, from a view of the stream shaped as an
 * HTTP/1 request (traceparent, user agent, path): a server stream becomes
 * a request in progress on the thread that read it, so that client calls
 * that thread makes meanwhile (HTTP/1, HTTP/2, databases) are its
 * children. The context waits in a small hash table keyed by (process,
 * connection, stream) until the stream is reported; the parser reports
 * every stream it told (end, reset, close, age), so slots come back. The
 * upgraded stream 1 of an h2c Upgrade was told by the HTTP/1 parser: its
 * context waits with the connection's HTTP/1 requests. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent_int.h"
#include "ah2.h"
#include "rawtel/tls.h"

static struct ah2_slot *slot_base(struct ah2_state *s, uint32_t pid, uint64_t conn, uint32_t sid)
{
	uint64_t k = (conn ^ ((uint64_t)pid << 32) ^ sid) * 0x9e3779b97f4a7c15ULL;

	return &s->slot[(k >> 40) & (AH2_SLOTS - AH2_PROBE)];
}

/* A free slot in the stream's window, else the oldest (its act ends:
 * its stream will be reported with a context of its own) */
static struct ah2_slot *slot_put(struct ahttp_state *h, struct ahttp_proc *p,
				 const struct h2_exchange *x)
{
	struct ah2_slot *b = slot_base(h->h2, p->pid, x->conn_id, x->stream_id), *old = b;

	for (int i = 0; i < AH2_PROBE; i++) {
		if (!b[i].conn)
			return &b[i];
		if (b[i].seq < old->seq)
			old = &b[i];
	}
	for (uint32_t i = 0; i < h->n_procs; i++)
		if (h->procs[i]->pid == old->pid)
			ahttp_act_end(h->procs[i], &old->ctx);
	h->ev[HEV_LOST_STATE]++;
	return old;
}

static int slot_take(struct ah2_state *s, uint32_t pid, const struct h2_exchange *x,
		     struct ahttp_ctx *out)
{
	struct ah2_slot *b = slot_base(s, pid, x->conn_id, x->stream_id);

	for (int i = 0; i < AH2_PROBE; i++)
		if (b[i].conn == x->conn_id && b[i].pid == pid && b[i].sid == x->stream_id) {
			*out = b[i].ctx;
			b[i].conn = 0;
			return 1;
		}
	return 0;
}

/* What ahttp_ctx.c reads of a request: its traceparent, and a server's
 * user agent and path (`v` is the caller's: only the fields read are set;
 * HTTP/2's strings are shorter than HTTP/1's, so they fit whole) */
static const struct http1_exchange *as_http1(const struct h2_exchange *x, struct http1_exchange *v,
					     bool server)
{
	_Static_assert(sizeof(x->user_agent) <= sizeof(v->user_agent) &&
		       sizeof(x->path) <= sizeof(v->path), "HTTP/2 strings fit HTTP/1's");
	v->tp_state = x->tp_state;
	v->tp = x->tp;
	if (server) {
		memcpy(v->user_agent, x->user_agent, strlen(x->user_agent) + 1);
		memcpy(v->path, x->path, strlen(x->path) + 1);
	}
	return v;
}

static void ctx_for(struct ahttp_state *h, struct ahttp_proc *p, const struct ahttp_conn *c,
		    const struct h2_exchange *x, struct ahttp_ctx *ctx)
{
	struct http1_exchange v;

	if (c->role == HTTP1_SERVER)
		ahttp_ctx_server(h, as_http1(x, &v, true), ctx);
	else
		ahttp_ctx_client(h, p, as_http1(x, &v, false), ctx);
}

static void on_request(void *arg, const struct h2_exchange *x)
{
	struct ahttp_state *h = arg;
	struct ahttp_proc *p = h->cur;
	struct ahttp_conn *c = p ? idtab_find(&p->conns, x->conn_id & ~TLS_PLAIN_ID) : NULL;
	struct ah2_slot *s;

	if (!c)
		return;
	s = slot_put(h, p, x);
	ctx_for(h, p, c, x, &s->ctx);
	if (c->role == HTTP1_SERVER)
		ahttp_act_begin(h, p, c->id, &s->ctx);
	s->conn = x->conn_id;
	s->pid = p->pid;
	s->sid = x->stream_id;
	s->seq = ++h->h2->seq;
}

static void on_stream(void *arg, const struct h2_exchange *x)
{
	struct ahttp_state *h = arg;
	struct ahttp_proc *p = h->cur;
	struct ahttp_conn *c = p ? idtab_find(&p->conns, x->conn_id & ~TLS_PLAIN_ID) : NULL;
	struct ahttp_ctx ctx;
	int got;

	if (!c) {
		h->ev[HEV_LOST_STATE]++;
		return;
	}
	got = x->flags & H2_X_UPGRADED ? ahttp_ctx_take(c, x->start_ns, &ctx) :
	      slot_take(h->h2, p->pid, x, &ctx);
	if (!got) {
		struct h2_exchange none;

		/* no request seen: a context of its own, no parent */
		memset(&none, 0, sizeof(none));
		h->cur_tid = 0;
		ctx_for(h, p, c, &none, &ctx);
	}
	ahttp_act_end(p, &ctx);
	/* ahttp_free: nothing is exported any more */
	if (h->po.on_exchange && ahttp_ctx_count(h, &ctx))
		ah2_exchange(h, p, c, &ctx, x);
}

int ah2_init(struct ahttp_state *h)
{
	if (!(h->h2 = calloc(1, sizeof(*h->h2))))
		return -ENOMEM;
	if (h->co.protos & (1u << PROTO_HTTP1))
		h->co.protos |= 1u << PROTO_HTTP2;
	h->co.db.on_h2 = on_stream;
	h->co.db.on_h2_request = on_request;
	h->co.db.arg = h;
	return 0;
}

void ah2_free(struct ahttp_state *h)
{
	free(h->h2);
	h->h2 = NULL;
}
