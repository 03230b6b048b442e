/* The frontend's (client's) messages of a PostgreSQL connection: the
 * startup, simple queries, the extended protocol's Parse/Bind/Describe/
 * Execute/Close/Sync, function calls; authentication answers and COPY
 * data pass without being kept. */
#include <string.h>

#include "pg_int.h"

uint32_t pg_front_keep(uint8_t type)
{
	switch (type) {
	case 'Q': case 'P':
		return PG_FE_KEEP;
	case 'B':	/* its two names; body_bytes stops at the second NUL */
		return 2 * PG_NAME_MAX + 2;
	case 'E': case 'D': case 'C':
		return PG_NAME_MAX + 2;
	default:	/* passwords, SASL, COPY data, function arguments */
		return 0;
	}
}

/* The NUL-terminated string at *off of the kept body, cut to a name;
 * *off moves past it. Returns 0 when its end was not seen (a gap, or
 * longer than kept): then `out` is only a prefix of the real name. */
static int name_at(const struct pg_conn *c, uint32_t *off, char out[PG_NAME_MAX])
{
	const struct pg_side *s = &c->fe;
	uint32_t o = *off < s->keep ? *off : s->keep;
	long k = pg_cstr(c->fe_buf + o, s->keep - o);
	size_t n = k < 0 ? s->keep - o : (size_t)k;

	pg_copy(out, PG_NAME_MAX, c->fe_buf + o, n);
	*off = o + (uint32_t)n + (k < 0 ? 0 : 1);
	return k >= 0 && k < PG_NAME_MAX;
}

/* StartupMessage: (name, value)* pairs; database, else user, is the
 * namespace. */
static void startup(struct pg_conn *c, uint64_t ts)
{
	const uint8_t *b = c->fe_buf + 4;
	size_t n = c->fe.keep > 4 ? c->fe.keep - 4 : 0, i = 0;
	char user[DB_NS_MAX] = "", db[DB_NS_MAX] = "";

	while (i < n && b[i]) {
		long k = pg_cstr(b + i, n - i), v;

		if (k < 0)
			break;
		v = pg_cstr(b + i + k + 1, n - i - (size_t)k - 1);
		if (v < 0)
			break;
		if (k == 4 && !memcmp(b + i, "user", 4))
			pg_copy(user, sizeof(user), b + i + k + 1, (size_t)v);
		else if (k == 8 && !memcmp(b + i, "database", 8))
			pg_copy(db, sizeof(db), b + i + k + 1, (size_t)v);
		i += (size_t)(k + v + 2);
	}
	memcpy(c->ns, db[0] ? db : user, sizeof(c->ns));
	c->grp_ns = 0;
	c->grp_bytes = 0;
	pg_push(c, K_STARTUP, 0, 0);
	(void)ts;
}

static void untyped(struct pg_conn *c, uint64_t ts)
{
	uint32_t code = c->fe.keep >= 4 ? pg_be32(c->fe_buf) : 0;

	if (code != PG_SSL_CODE && code != PG_GSS_CODE && code != PG_V30 && code != PG_V32 &&
	    code != PG_CANCEL_CODE) {
		pg_side_lose(c, 1, ts);
		return;
	}
	/* the connection's start: nothing can be waiting before it, and the
	 * server's first message starts its stream */
	c->unpaired = 0;
	if (c->be.state == PS_SEEK && c->be.fresh)
		c->be.state = PS_HDR;
	if (code == PG_SSL_CODE || code == PG_GSS_CODE) {
		c->fe.state = PS_UNTYPED;
		c->answer = 1;
	} else if (code == PG_V30 || code == PG_V32) {
		startup(c, ts);
	}
	/* CancelRequest: the connection ends; nothing to pair */
}

/* A request that will be reported: its exchange, queued. */
static void request(struct pg_conn *c, uint8_t kind, uint8_t slot)
{
	struct pg_pend *p = slot == PG_NO_SLOT ? NULL : &c->p[slot];

	if (p) {
		p->x.start_ns = c->grp_ns ? c->grp_ns : c->fe.start_ns;
		p->x.req_bytes = c->grp_bytes;
		if (c->fe.cut)
			p->x.flags |= DB_X_TRUNC;
	}
	c->grp_ns = 0;
	c->grp_bytes = 0;
	if (c->unpaired) {
		/* no reply can be told apart: reported at once */
		if (p)
			pg_emit(c, slot, c->fe.start_ns, DB_X_NO_RESPONSE);
		return;
	}
	if (pg_push(c, kind, slot, 0) < 0) {
		if (p)
			pg_emit(c, slot, c->fe.start_ns, DB_X_NO_RESPONSE);
		return;
	}
	if (p && c->o && c->o->on_db_request)
		c->o->on_db_request(c->o->arg, &p->x);
}

static void query(struct pg_conn *c, uint64_t ts)
{
	uint8_t slot = pg_pend_new(c, ts);
	long k = pg_cstr(c->fe_buf, c->fe.keep);

	if (slot != PG_NO_SLOT) {
		struct db_exchange *x = &c->p[slot].x;
		size_t n = k < 0 ? c->fe.keep : (size_t)k;

		if (pg_copy(x->text, sizeof(x->text), c->fe_buf, n) || k < 0)
			x->flags |= DB_X_TRUNC;
	}
	request(c, K_QUERY, slot);
}

static void parse_msg(struct pg_conn *c)
{
	char name[PG_NAME_MAX];
	uint32_t off = 0;
	long k;
	int slot;

	if (!name_at(c, &off, name)) {
		/* whichever statement it was is redefined: forget all it can be */
		pg_stmt_forget(c, name);
		if (!c->unpaired)
			pg_push(c, K_PARSE, PG_NO_SLOT, 0);
		return;
	}
	k = pg_cstr(c->fe_buf + off, c->fe.keep - off);
	slot = pg_stmt_define(c, name, c->fe_buf + off, k < 0 ? c->fe.keep - off : (size_t)k,
			      k < 0 || c->fe.cut);
	if (!c->unpaired)
		pg_push(c, K_PARSE, (uint8_t)slot, c->st[slot].gen);
}

/* Execute: the portal's statement's text, or its name when unknown. */
static void execute(struct pg_conn *c, uint64_t ts)
{
	char portal[PG_NAME_MAX];
	uint32_t off = 0;
	uint8_t slot = pg_pend_new(c, ts);
	struct pg_portal *po;
	struct db_exchange *x;

	if (!name_at(c, &off, portal))
		portal[0] = 1;	/* matches no portal */
	if (slot == PG_NO_SLOT) {
		request(c, K_EXEC, slot);
		return;
	}
	x = &c->p[slot].x;
	po = pg_portal_find(c, portal);
	if (po && po->slot != PG_NO_SLOT && c->st[po->slot].used &&
	    c->st[po->slot].gen == po->gen) {
		const struct pg_stmt *st = &c->st[po->slot];

		size_t n = strnlen(st->text, sizeof(st->text) - 1);

		memcpy(x->text, st->text, n);
		x->text[n] = 0;
		x->flags |= DB_X_PREPARED | (st->trunc ? DB_X_TRUNC : 0);
	} else {
		x->flags |= DB_X_STMT_UNKNOWN;
	}
	if (po)
		memcpy(x->stmt, po->stmt, sizeof(po->stmt));
	request(c, K_EXEC, slot);
}

static void bind_msg(struct pg_conn *c)
{
	char portal[PG_NAME_MAX], stmt[PG_NAME_MAX];
	uint32_t off = 0;

	if (!name_at(c, &off, portal))
		pg_portal_forget(c, portal);
	else
		pg_portal_bind(c, portal, stmt, name_at(c, &off, stmt));
	if (!c->unpaired)
		pg_push(c, K_BIND, 0, 0);
}

static void close_msg(struct pg_conn *c)
{
	char name[PG_NAME_MAX];
	uint32_t off = 1;
	int slot, whole;

	if (c->fe.keep < 1)
		return;
	whole = name_at(c, &off, name);
	if (c->fe_buf[0] == 'S' && !whole) {
		pg_stmt_forget(c, name);
	} else if (c->fe_buf[0] == 'S') {
		slot = pg_stmt_find(c, name);
		if (slot >= 0)
			pg_stmt_drop(c, slot, c->st[slot].gen);
	} else if (!whole) {
		pg_portal_forget(c, name);
	} else {
		pg_portal_close(c, name);
	}
	if (!c->unpaired)
		pg_push(c, K_CLOSE, 0, 0);
}

/* After an error in the extended protocol the server skips all but Sync. */
static int skipped_by_server(const struct pg_conn *c, uint8_t t)
{
	return c->skip_sync && (t == 'P' || t == 'B' || t == 'E' || t == 'D' || t == 'C' ||
				t == 'Q' || t == 'F');
}

void pg_front_msg(struct pg_conn *c, uint64_t ts)
{
	uint8_t t = c->fe.type;
	struct pg_pend *p;

	if (!t) {
		untyped(c, ts);
		return;
	}
	if (skipped_by_server(c, t))
		return;
	if (t != 'd' && t != 'c' && t != 'f' && t != 'p' && t != 'X') {
		if (!c->grp_ns)
			c->grp_ns = c->fe.start_ns;
		c->grp_bytes += c->fe.bytes;
	}
	switch (t) {
	case 'Q': query(c, ts); break;
	case 'P': parse_msg(c); break;
	case 'B': bind_msg(c); break;
	case 'E': execute(c, ts); break;
	case 'C': close_msg(c); break;
	case 'D':
		if (!c->unpaired)
			pg_push(c, K_DESCRIBE, 0, 0);
		break;
	case 'S':
		c->skip_sync = 0;
		c->grp_ns = 0;
		c->grp_bytes = 0;
		if (!c->unpaired)
			pg_push(c, K_SYNC, 0, 0);
		break;
	case 'F': {
		uint8_t slot = pg_pend_new(c, ts);

		if (slot != PG_NO_SLOT)
			memcpy(c->p[slot].x.op, "FunctionCall", sizeof("FunctionCall"));
		request(c, K_FCALL, slot);
		break;
	}
	case 'd': case 'c': case 'f':
		if (t != 'd')
			c->copy_in = 0;
		p = c->unpaired ? NULL : pg_target(c, ts, 0);
		if (p)
			p->x.req_bytes += c->fe.bytes;
		break;
	default:	/* Flush, Terminate, authentication answers */
		break;
	}
}
