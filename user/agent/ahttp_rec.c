/* The http probe's records in rawtel run: per process an HTTP/1 table (the
 * parser's connections) and our own table of what the sock records said
 * (role, addresses) and of the span contexts of requests in progress.
 *
 * Timestamps fed to the parser make its exchange times the semantic
 * conventions' duration, "from the first request byte to the last
 * response byte": a server's bytes are stamped with the return of the
 * call (a request has arrived when the read that brought it returns; a
 * response has left when the write returns), a client's requests with the
 * entry of the write that sends them (the request starts leaving then)
 * and its responses with the return of the read. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_int.h"
#include "rawtel/sink.h"
#include "ah2.h"
#include "http.h"
#include "rawtel/pconn.h"
#include "rawtel/sockcap.h"
#include "rawtel/tls.h"
#include "rawtel/stage.h"

/* ---- connections of a process: by id (rawtel/idtab.h) ----------------- */
static struct ahttp_conn *conn_find(const struct ahttp_proc *p, uint64_t id)
{
	return idtab_find(&p->conns, id);
}

static void act_release(struct ahttp_proc *p, struct ahttp_conn *c)
{
	for (int i = 0; i < c->n_ctx; i++)
		ahttp_act_end(p, &c->ctx[i]);
	c->n_ctx = 0;
}

/* A new entry: the table grows by doubling (at most half full); at its
 * bound the connection fed least recently makes room. */
static struct ahttp_conn *conn_add(struct ahttp_state *h, struct ahttp_proc *p, uint64_t id)
{
	uint32_t max = h->po.max_conns ? h->po.max_conns : HTTP_CONNS_DEFAULT;

	if (p->conns.n >= max) {
		struct ahttp_conn *old = NULL;
		for (struct ahttp_conn *c = idtab_next(&p->conns, NULL); c; c = idtab_next(&p->conns, c))
			if (!old || c->last_ts < old->last_ts)
				old = c;
		act_release(p, old);
		idtab_delete(&p->conns, old);
	}
	return idtab_insert(&p->conns, id, NULL);
}

/* ---- processes ----------------------------------------------------------- */
static struct ahttp_proc *proc_find(struct ahttp_state *h, uint32_t pid, int *idx)
{
	for (uint32_t i = 0; i < h->n_procs; i++)
		if (h->procs[i]->pid == pid) {
			*idx = (int)i;
			return h->procs[i];
		}
	return NULL;
}

/* Forget a process: what its connections wait for is reported now, as
 * `why` says (NULL: rawtel let go, the outcome is unknown). */
static void proc_drop(struct ahttp_state *h, int idx, uint64_t ts, const char *why)
{
	struct ahttp_proc *p = h->procs[idx];

	h->cur = p;
	h->why = why;
	pconn_free(p->t, ts);
	h->cur = NULL;
	http1_routes_free(p->routes);
	idtab_free(&p->conns);
	free(p);
	h->procs[idx] = h->procs[--h->n_procs];
}

static struct ahttp_proc *proc_get(struct ahttp_state *h, uint32_t pid, uint64_t ts)
{
	const struct agent_opts *o = h->a->o;
	struct ahttp_proc *p;
	int idx;

	p = proc_find(h, pid, &idx);
	if (p) {
		p->used = ++h->clock;
		return p;
	}
	if (h->n_procs == HTTP_PROCS_MAX) {
		idx = 0;
		for (uint32_t i = 1; i < h->n_procs; i++)
			if (h->procs[i]->used < h->procs[idx]->used)
				idx = (int)i;
		proc_drop(h, idx, ts, NULL);
		h->ev[HEV_PROC_EVICTED]++;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	/* allocates nothing: the first connection does */
	idtab_init(&p->conns, sizeof(struct ahttp_conn), 0, 0, true);
	if (pconn_new(&p->t, &h->co) ||
	    http1_routes_new(&p->routes, o->route_cap ? o->route_cap : HTTP1_ROUTES_DEFAULT)) {
		if (p->t)
			pconn_free(p->t, ts);
		free(p);
		return NULL;
	}
	/* checked when parsed: cannot fail but for memory */
	for (uint32_t i = 0; i < o->n_routes; i++)
		http1_routes_add(p->routes, o->routes[i]);
	p->pid = pid;
	p->used = ++h->clock;
	h->procs[h->n_procs++] = p;
	return p;
}

/* ---- the parser's callbacks ---------------------------------------------- */
static void on_request(void *arg, const struct http1_exchange *x)
{
	struct ahttp_state *h = arg;
	struct ahttp_proc *p = h->cur;
	/* a TLS plaintext stream's exchanges are its connection's */
	struct ahttp_conn *c = p ? conn_find(p, x->conn_id & ~TLS_PLAIN_ID) : NULL;
	struct ahttp_ctx ctx;

	if (!c)
		return;
	if (c->role == HTTP1_SERVER) {
		ahttp_ctx_server(h, x, &ctx);
		ahttp_act_begin(h, p, c->id, &ctx);
	} else {
		ahttp_ctx_client(h, p, x, &ctx);
	}
	ctx.start_ns = x->start_ns;
	ahttp_ctx_push(p, c, &ctx);
}

void ahttp_ctx_push(struct ahttp_proc *p, struct ahttp_conn *c, const struct ahttp_ctx *ctx)
{
	if (c->n_ctx == HTTP1_PIPELINE) {
		/* HTTP/1: cannot happen while the parser's queue is as long
		 * as ours; deeper DB pipelines lose their oldest's parent */
		ahttp_act_end(p, &c->ctx[0]);
		memmove(c->ctx, c->ctx + 1, sizeof(c->ctx[0]) * --c->n_ctx);
	}
	c->ctx[c->n_ctx++] = *ctx;
}

int ahttp_ctx_take(struct ahttp_conn *c, uint64_t start, struct ahttp_ctx *out)
{
	for (int i = 0; i < c->n_ctx; i++)
		if (c->ctx[i].start_ns == start) {
			*out = c->ctx[i];
			memmove(c->ctx + i, c->ctx + i + 1, sizeof(c->ctx[0]) * (size_t)(c->n_ctx - i - 1));
			c->n_ctx--;
			return 1;
		}
	return 0;
}

static void on_exchange(void *arg, const struct http1_exchange *x)
{
	struct ahttp_state *h = arg;
	struct ahttp_proc *p = h->cur;
	struct ahttp_conn *c = p ? conn_find(p, x->conn_id & ~TLS_PLAIN_ID) : NULL;
	struct ahttp_ctx ctx;

	if (!c) {
		/* our entry made room for another: the role is unknown */
		h->ev[HEV_LOST_STATE]++;
		return;
	}
	if ((x->flags & HTTP1_X_NO_REQUEST) || !ahttp_ctx_take(c, x->start_ns, &ctx)) {
		/* no request head seen: a context of its own */
		struct http1_exchange none;
		memset(&none, 0, sizeof(none));
		h->cur_tid = 0;		/* no thread: no parent */
		if (c->role == HTTP1_SERVER)
			ahttp_ctx_server(h, &none, &ctx);
		else
			ahttp_ctx_client(h, p, &none, &ctx);
	}
	stage_enter(STAGE_SPAN);
	ahttp_act_end(p, &ctx);
	if (ahttp_ctx_count(h, &ctx))
		ahttp_exchange(h, p, c, &ctx, x);
	stage_leave();
}

/* The layer no longer parses a connection: the kernel stops copying it */
static void on_give_up(void *arg, uint64_t id, enum pconn_outcome why)
{
	struct ahttp_state *h = arg;

	/* what the HTTP parser counted when it gave a connection up */
	if (why != PCONN_DONE)
		h->st.not_http++;
	/* a plaintext stream has no copy of its own to stop */
	if (!(id & TLS_PLAIN_ID))
		sockcap_nocopy(h->a->s.sockcap, id);
}

/* ---- records --------------------------------------------------------------- */
static void on_sock(struct ahttp_state *h, const struct ev_sock *e)
{
	struct ahttp_proc *p = proc_get(h, e->h.pid, e->h.ts);
	struct ahttp_conn *c;

	if (!p) {
		h->ev[HEV_LOST_STATE]++;
		return;
	}
	memcpy(p->comm, e->comm, sizeof(p->comm));
	c = conn_find(p, e->conn);
	if (e->kind == SOCK_K_KTLS) {
		/* TLS whether or not a handshake or a library call shows it */
		if (!c || !c->ktls)
			h->ev[HEV_KTLS]++;
		if (c)
			c->ktls = c->tls = 1;
		return;
	}
	if (e->kind == SOCK_K_CLOSE) {
		if (!c)
			return;
		h->cur = p;
		/* a close inferred (its record lost), or after bytes never
		 * seen: what waits may have been answered: outcome unknown */
		h->why = e->h.flags & (SOCK_F_INFERRED | SOCK_F_GAP) ? NULL : "connection_closed";
		pconn_close(p->t, e->conn, e->h.ts);
		pconn_close(p->t, e->conn | TLS_PLAIN_ID, e->h.ts);
		h->cur = NULL;
		act_release(p, c);
		idtab_delete(&p->conns, c);
		return;
	}
	if (!c && !(c = conn_add(h, p, e->conn))) {
		h->ev[HEV_LOST_STATE]++;
		return;
	}
	/* a record that came after the connection's data (reordered) keeps
	 * the role the parser was given */
	if (!c->last_ts)
		c->role = e->kind == SOCK_K_ACCEPT ? HTTP1_SERVER :
			  e->kind == SOCK_K_CONNECT ? HTTP1_CLIENT :
			  e->role == SOCK_ROLE_CLIENT ? HTTP1_CLIENT : HTTP1_SERVER;
	/* the peer's address: an accept whose caller passed no sockaddr may
	 * not have it (never 0.0.0.0 as a client.address) */
	c->known = (e->h.flags & SOCK_F_REMOTE) != 0;
	c->family = e->family;
	c->lport = e->lport;
	c->rport = e->rport;
	memcpy(c->laddr, e->laddr, 16);
	memcpy(c->raddr, e->raddr, 16);
	/* a local collector receiving rawtel's exports: tracing them would
	 * export a span about every export, for ever */
	c->own = c->role == HTTP1_SERVER && (e->h.flags & SOCK_F_REMOTE) && h->a->sink &&
		 sink_own_endpoint(h->a->sink, e->raddr, e->rport);
}

static void on_data(struct ahttp_state *h, const struct ev_data *d, size_t len, bool late)
{
	struct ahttp_proc *p;
	struct ahttp_conn *c;
	size_t cap = d->cap;
	bool tls = d->h.flags & DATA_F_TLS;
	/* a kTLS socket's plaintext goes with the library's (rawtel/events.h) */
	bool plain = d->h.flags & (DATA_F_TLS | DATA_F_KTLS);
	/* TLS on no connection rawtel can prove (a memory BIO's): a
	 * connection of its SSL object's, with no peer (never a guessed one) */
	uint64_t conn = tls ? tls_plain_conn(d->h.flags & DATA_F_TLS_UNBOUND, d->conn, d->peer) : d->conn;
	uint64_t ts, id = conn | (plain ? TLS_PLAIN_ID : 0);
	int r;

	if (d->dir > DATA_DIR_SEND || !conn)
		return;
	if (tls)
		h->ev[d->conn ? HEV_TLS : HEV_TLS_UNBOUND]++;
	p = proc_get(h, d->h.pid, d->h.ts);
	c = p ? conn_find(p, conn) : NULL;
	if (late && (!c || c->last_ts > d->h.ts)) {
		/* its connection moved on (or closed): fed now it would be
		 * parsed out of order */
		h->ev[HEV_REORDER_LATE]++;
		return;
	}
	if (!c && p && (c = conn_add(h, p, conn)))
		/* no sock record (lost, or reordered away): a status line says
		 * who answers, else who receives first is the server (the gaps
		 * before a first record come requests first: the same guess) */
		c->role = sockcap_role_guess(d, len) == SOCK_ROLE_CLIENT ? HTTP1_CLIENT : HTTP1_SERVER;
	if (!c) {
		h->ev[HEV_LOST_STATE]++;
		return;
	}
	if (c->own)
		return;
	c->tls |= plain;
	if (cap > len - DATA_OFF_BYTES)
		cap = len - DATA_OFF_BYTES;
	if (cap > d->total)
		cap = (size_t)d->total;
	if (d->h.flags & DATA_F_GAP)
		h->ev[HEV_GAP]++;
	if ((d->h.flags & (DATA_F_GAP | DATA_F_RESET)) == (DATA_F_GAP | DATA_F_RESET)) {
		/* lost both ways: what waits has an unknown outcome, and the
		 * parser starts the connection afresh (as when tracing began
		 * mid-connection) */
		c->last_ts = d->h.ts;
		h->cur = p;
		h->why = NULL;
		pconn_close(p->t, conn, d->h.ts);
		h->cur = NULL;
		return;
	}
	ts = c->role == HTTP1_CLIENT && d->dir == DATA_DIR_SEND && d->start ? d->start : d->h.ts;
	c->last_ts = d->h.ts;
	h->cur = p;
	h->cur_tid = d->h.tid;
	h->why = NULL;		/* only evictions give up requests here */
	stage_enter(STAGE_PARSE);
	r = pconn_feed(p->t, id, c->role == HTTP1_CLIENT ? PROTO_CLIENT : PROTO_SERVER,
		       c->role == HTTP1_CLIENT ? c->rport : c->lport,
		       d->dir == DATA_DIR_SEND ? PROTO_SEND : PROTO_RECV, ts, d->bytes, cap, d->total);
	stage_leave();
	h->cur = NULL;
	if (r == -ENOMEM)
		h->ev[HEV_LOST_STATE]++;
}

static void on_exit_pid(struct ahttp_state *h, uint32_t pid, uint64_t ts)
{
	int idx;

	if (proc_find(h, pid, &idx))
		proc_drop(h, idx, ts, "connection_closed");
}

static void dispatch(struct ahttp_state *h, const void *rec, size_t len, bool late)
{
	const struct ev_hdr *e = rec;

	if (e->pid == h->self_pid)
		return;		/* rawtel's own exports: spans about spans */
	if (e->type == EV_SOCK && len >= SOCK_REC_SIZE)
		on_sock(h, rec);
	else if (e->type == EV_DATA && len >= DATA_OFF_BYTES)
		on_data(h, rec, len, late);
	else if (e->type == EV_EXIT)
		on_exit_pid(h, e->pid, e->ts);
}

static void on_released(void *ctx, const void *rec, size_t len)
{
	struct ahttp_state *h = ctx;
	uint64_t ts = ((const struct ev_hdr *)rec)->ts;
	bool late = ts < h->released;

	if (!late)
		h->released = ts;
	dispatch(h, rec, len, late);
}

static void hold(struct ahttp_state *h, const void *rec, size_t len)
{
	if (ahttp_reorder_push(h->ro, rec, len, ((const struct ev_hdr *)rec)->ts, on_released, h))
		h->ev[HEV_LOST_STATE]++;
}

/* ---- the agent's side -------------------------------------------------------- */
int ahttp_init(struct agent *a)
{
	struct ahttp_state *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->a = a;
	h->po.on_exchange = on_exchange;
	h->po.on_request = on_request;
	h->po.arg = h;
	h->po.stats = &h->st;
	h->po.raw_query = a->o->capture_query;
	h->po.max_conns = a->o->http_max_conns;
	/* http set without the probes' list (embedders, tests): HTTP/1 */
	h->co.protos = a->o->protos ? a->o->protos : 1u << PROTO_HTTP1;
	h->co.http = &h->po;
	adb_opts(h, &h->co.db);
	h->co.stats = &h->cst;
	h->co.on_give_up = on_give_up;
	h->co.on_tls = atls_on_tls;
	h->co.arg = h;
	/* the HTTP table's bound, as before the layer */
	h->co.max_conns = h->po.max_conns ? h->po.max_conns : HTTP_CONNS_DEFAULT;
	h->self_pid = (uint32_t)getpid();
	if ((a->s.ring.perf && ahttp_reorder_new(&h->ro)) || ah2_init(h)) {
		ahttp_reorder_free(h->ro);
		free(h);
		return -ENOMEM;
	}
	a->http = h;
	return 0;
}

void ahttp_free(struct agent *a)
{
	struct ahttp_state *h = a->http;

	if (!h)
		return;
	/* nothing is exported any more: the parser's reports go nowhere */
	h->po.on_exchange = NULL;
	h->po.on_request = NULL;
	h->quiet = true;
	while (h->n_procs)
		proc_drop(h, 0, 0, NULL);
	ahttp_reorder_free(h->ro);
	ah2_free(h);
	atls_free(h);
	free(h);
	a->http = NULL;
}

void ahttp_on_record(struct agent *a, const void *rec, size_t len)
{
	if (!a->http)
		return;
	if (a->http->ro)
		hold(a->http, rec, len);
	else
		dispatch(a->http, rec, len, false);
}

void ahttp_on_exit(struct agent *a, uint32_t pid, uint64_t ts)
{
	struct ev_hdr e = { EV_EXIT, sizeof(e), 0, ts, pid, pid };

	if (!a->http)
		return;
	if (a->http->ro)
		hold(a->http, &e, sizeof(e));
	else
		on_exit_pid(a->http, pid, ts);
}

static uint64_t now_ev(const struct agent *a)
{
	return agent_now_ns() - (uint64_t)a->s.wall_off_ns;
}

void ahttp_drain_tick(struct agent *a)
{
	struct ahttp_state *h = a->http;

	if (h && h->ro && ahttp_reorder_held(h->ro))
		ahttp_reorder_release(h->ro, now_ev(a) - REORDER_WINDOW_NS, on_released, h);
}

void ahttp_tick(struct agent *a)
{
	struct ahttp_state *h = a->http;
	uint64_t now = now_ev(a);

	if (!h)
		return;
	for (uint32_t i = 0; i < h->n_procs; i++) {
		h->cur = h->procs[i];
		/* requests waiting too long for a response, and connections
		 * silent for long */
		h->why = "timeout";
		pconn_tick(h->cur->t, now);
	}
	h->cur = NULL;
}

void ahttp_finish(struct agent *a)
{
	struct ahttp_state *h = a->http;

	if (!h)
		return;
	if (h->ro)
		ahttp_reorder_release(h->ro, UINT64_MAX, on_released, h);
	/* requests still waiting: rawtel stops watching, outcome unknown */
	while (h->n_procs)
		proc_drop(h, 0, now_ev(a), NULL);
}
