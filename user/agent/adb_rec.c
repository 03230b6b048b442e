/* Database and cache exchanges of the connection layer in rawtel run: the
 * callbacks of proto_opts (rawtel/proto.h) for the DB parsers, feeding
 * adb_exchange (adb.h) with what the http probe's records said of the
 * connection and with the span's trace context.
 *
 * The context of a client call is decided when its request has been seen
 * (on_db_request), as for an HTTP client request: the parser is then fed
 * the sending thread's syscall, so a thread serving one HTTP request makes
 * the call its child (ahttp_ctx_child). Only a context with a parent waits
 * on the connection for the report; any other is made when the exchange is
 * reported (a new trace either way, and a pipeline of calls made outside
 * any request keeps nothing). The database server's own view (role
 * server) and exchanges without their request are new traces. */
#include <string.h>

#include "adb.h"
#include "agent_int.h"
#include "http.h"
#include "rawtel/tls.h"

static struct ahttp_conn *conn_of(struct ahttp_state *h, uint64_t id)
{
	/* a TLS plaintext stream's operations are its connection's */
	return h->cur && !h->quiet ? idtab_find(&h->cur->conns, id & ~TLS_PLAIN_ID) : NULL;
}

static void on_db_request(void *arg, const struct db_exchange *x)
{
	struct ahttp_state *h = arg;
	struct ahttp_conn *c = conn_of(h, x->conn_id);
	struct ahttp_ctx ctx;

	if (!c || c->role != HTTP1_CLIENT)
		return;
	if (!ahttp_ctx_child(h, h->cur, &ctx))
		return;
	ctx.start_ns = x->start_ns;
	ahttp_ctx_push(h->cur, c, &ctx);
}

static void conn_describe(const struct ahttp_state *h, struct ahttp_conn *c,
			  struct adb_conn *out)
{
	const struct ahttp_proc *p = h->cur;

	out->pid = p->pid;
	memcpy(out->comm, p->comm, sizeof(out->comm));
	out->role = c->role == HTTP1_CLIENT ? PROTO_CLIENT : PROTO_SERVER;
	out->known = c->known;
	out->family = c->family;
	out->lport = c->lport;
	out->rport = c->rport;
	memcpy(out->laddr, c->laddr, 16);
	memcpy(out->raddr, c->raddr, 16);
	out->peer = c->known ? ahttp_peer_str(c) : NULL;
	out->raw_text = h->a->o->capture_query_text;
	out->mc = &c->mc;
}

static void on_db(void *arg, const struct db_exchange *x)
{
	struct ahttp_state *h = arg;
	struct ahttp_conn *c = conn_of(h, x->conn_id);
	struct adb_conn dc;

	if (!c) {
		if (!h->quiet)
			h->ev[HEV_LOST_STATE]++;
		return;
	}
	if (x->flags & DB_X_PUSH)
		return;
	conn_describe(h, c, &dc);
	if ((x->flags & DB_X_NO_REQUEST) || dc.role == PROTO_SERVER ||
	    !ahttp_ctx_take(c, x->start_ns, &dc.ctx))
		ahttp_ctx_root(h, &dc.ctx);
	adb_exchange(h->a, &dc, x);
}

void adb_opts(struct ahttp_state *h, struct proto_opts *o)
{
	o->on_db = on_db;
	o->on_db_request = on_db_request;
	o->arg = h;
	o->raw_text = h->a->o->capture_query_text;
}
