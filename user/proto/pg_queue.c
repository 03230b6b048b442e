/* The queue pairing a PostgreSQL connection's requests with its replies,
 * the pending exchanges, what is reported, and what happens to pairing
 * when either direction lost its framing. */
#include <string.h>

#include "pg_int.h"

#define DEFAULT_MAX_WAIT_NS (120ull * 1000000000ull)

void pg_stat(const struct pg_conn *c, size_t off, uint64_t n)
{
	if (c->o && c->o->stats)
		*(uint64_t *)(void *)((char *)c->o->stats + off) += n;
}

static int is_unit(uint8_t kind)
{
	return kind == K_SYNC || kind == K_QUERY || kind == K_FCALL || kind == K_STARTUP;
}

static int has_slot(const struct pg_item *it)
{
	return (it->kind == K_EXEC || it->kind == K_QUERY || it->kind == K_FCALL) &&
	       it->slot != PG_NO_SLOT;
}

uint8_t pg_pend_new(struct pg_conn *c, uint64_t ts)
{
	for (uint8_t i = 0; i < PG_PENDING; i++) {
		struct pg_pend *p = &c->p[i];

		if (p->used)
			continue;
		memset(p, 0, offsetof(struct pg_pend, x) + offsetof(struct db_exchange, op));
		p->x.op[0] = p->x.text[0] = p->x.stmt[0] = p->x.status[0] = 0;
		p->x.conn_id = c->id;
		p->x.proto = PROTO_POSTGRES;
		p->x.start_ns = ts;
		p->x.rows = -1;
		p->x.batch = 1;
		memcpy(p->x.ns, c->ns, sizeof(c->ns));
		p->data_rows = 0;
		p->tag_rows = -1;
		p->results = 0;
		p->reported = 0;
		p->unsure = 0;
		p->used = 1;
		return i;
	}
	PG_STAT(c, queue_full, 1);
	return PG_NO_SLOT;
}

/* Report a pending exchange; `keep`: aged out, the slot stays for its
 * reply. */
static void report(struct pg_conn *c, struct pg_pend *p, uint64_t ts, uint32_t flags)
{
	struct db_exchange *x = &p->x;

	x->flags |= flags | (p->unsure ? DB_X_NO_RESPONSE : 0);
	x->end_ns = ts > x->start_ns ? ts : x->start_ns;
	if (p->tag_rows >= 0)
		x->rows = p->tag_rows;
	else if (p->data_rows)
		x->rows = p->data_rows;
	x->batch = p->results > 1 ? p->results : 1;
	PG_STAT(c, exchanges, 1);
	if (x->flags & DB_X_NO_REQUEST)
		PG_STAT(c, no_request, 1);
	if (x->flags & DB_X_NO_RESPONSE)
		PG_STAT(c, no_response, 1);
	if (x->flags & DB_X_ERROR)
		PG_STAT(c, errors, 1);
	if (c->o && c->o->on_db)
		c->o->on_db(c->o->arg, x);
}

void pg_emit(struct pg_conn *c, uint8_t slot, uint64_t ts, uint32_t flags)
{
	struct pg_pend *p;

	if (slot >= PG_PENDING || !c->p[slot].used)
		return;
	p = &c->p[slot];
	if (!p->reported)
		report(c, p, ts, flags);
	p->used = 0;
	if (c->ph == slot)
		c->ph = PG_NO_SLOT;
}

int pg_push(struct pg_conn *c, uint8_t kind, uint8_t slot, uint16_t gen)
{
	struct pg_item *it;

	if (pg_queued(c) == PG_QUEUE) {
		PG_STAT(c, queue_full, 1);
		/* an item not kept: replies cannot be counted any more */
		pg_unpair(c, c->last_ns, DB_X_NO_RESPONSE);
		return -1;
	}
	it = &c->q[c->tail++ % PG_QUEUE];
	it->kind = kind;
	it->slot = slot;
	it->gen = gen;
	if (c->be_lost)
		c->fe_since_loss = 1;
	return 0;
}

void pg_pop(struct pg_conn *c)
{
	if (pg_queued(c))
		c->head++;
}

void pg_pop_emit(struct pg_conn *c, uint64_t ts, uint32_t flags)
{
	struct pg_item *it = pg_head(c);

	if (!it)
		return;
	if (has_slot(it))
		pg_emit(c, it->slot, ts, flags);
	else if (it->kind == K_PARSE && (flags & DB_X_NO_RESPONSE))
		pg_stmt_drop(c, it->slot, it->gen);
	pg_pop(c);
}

void pg_emit_all(struct pg_conn *c, uint64_t ts, uint32_t flags)
{
	while (pg_queued(c))
		pg_pop_emit(c, ts, flags);
	if (c->ph != PG_NO_SLOT)
		pg_emit(c, c->ph, ts, DB_X_NO_REQUEST | DB_X_SIZE_UNKNOWN);
}

struct pg_pend *pg_target(struct pg_conn *c, uint64_t ts, int start)
{
	struct pg_item *it = pg_head(c);

	if (c->ph != PG_NO_SLOT)
		return &c->p[c->ph];
	if (it && has_slot(it))
		return &c->p[it->slot];
	if (it || !start)
		return NULL;
	c->ph = pg_pend_new(c, ts);
	if (c->ph == PG_NO_SLOT)
		return NULL;
	c->p[c->ph].x.flags = DB_X_NO_REQUEST;
	return &c->p[c->ph];
}

void pg_unpair(struct pg_conn *c, uint64_t ts, uint32_t flags)
{
	if (c->unpaired)
		return;
	pg_emit_all(c, ts, flags);
	c->unpaired = 1;
	c->copy_in = 0;
}

/* Framing lost on one side. Requests in what the frontend lost would
 * have replies that no queue entry expects: pairing stops (unless all
 * that can be lost there is COPY data, pg_fe_resynced). The backend's
 * decision waits for its resync. */
void pg_lost(struct pg_conn *c, int fe, uint64_t ts)
{
	struct pg_pend *t;

	if (fe) {
		if (c->copy_in)
			c->fe_lost_copy = 1;
		else
			pg_unpair(c, ts, DB_X_NO_RESPONSE);
		return;
	}
	t = pg_target(c, ts, 0);
	if (t) {
		t->x.flags |= DB_X_SIZE_UNKNOWN;
		t->unsure = 1;
	}
	c->be_lost = 1;
	c->fe_since_loss = 0;
	c->loss_tail = c->tail;
}

/* t: the type of the message found, 0 when none was (then, or when the
 * server answers meanwhile, requests may have been lost too). */
void pg_fe_resynced(struct pg_conn *c, uint8_t t, uint64_t ts)
{
	if (c->fe_lost_copy && t != 'd' && t != 'c' && t != 'f')
		pg_unpair(c, ts, DB_X_NO_RESPONSE);
	c->fe_lost_copy = 0;
}

/* The backend is in frame again after a loss. Replies still go to the
 * head request when nothing was sent since the loss and at most one
 * request was waiting; otherwise what was lost may have ended some
 * replies and begun others, and nobody can say which reply is whose. */
void pg_be_resynced(struct pg_conn *c, uint64_t ts)
{
	uint32_t units = 0;

	c->be_lost = 0;
	if (c->unpaired)
		return;
	if (c->ph != PG_NO_SLOT)
		pg_emit(c, c->ph, ts, DB_X_SIZE_UNKNOWN);
	for (uint32_t i = c->head; i != c->tail && (int32_t)(c->loss_tail - i) > 0; i++)
		units += is_unit(c->q[i % PG_QUEUE].kind);
	if (!c->fe_since_loss && units <= 1)
		return;
	pg_unpair(c, ts, DB_X_NO_RESPONSE | DB_X_SIZE_UNKNOWN);
}

void pg_close(void *conn, uint64_t ts)
{
	struct pg_conn *c = conn;

	pg_emit_all(c, ts, DB_X_NO_RESPONSE);
	c->unpaired = 0;
}

/* Overdue requests are reported once (their slots stay, so that their
 * late replies still pair); an unpaired connection in frame on both
 * sides that went quiet after a ReadyForQuery is idle: pairing starts
 * again. */
void pg_tick(void *conn, uint64_t now)
{
	struct pg_conn *c = conn;
	uint64_t wait = c->o && c->o->max_wait_ns ? c->o->max_wait_ns : DEFAULT_MAX_WAIT_NS;

	for (uint32_t i = c->head; i != c->tail; i++) {
		struct pg_item *it = &c->q[i % PG_QUEUE];
		struct pg_pend *p = has_slot(it) ? &c->p[it->slot] : NULL;

		if (p && !p->reported && now > p->x.start_ns && now - p->x.start_ns > wait) {
			report(c, p, now, DB_X_NO_RESPONSE);
			p->reported = 1;
		}
	}
	if (c->unpaired && c->last_z && now > c->last_ns && now - c->last_ns > wait / 120 &&
	    c->fe.state != PS_SEEK && c->be.state != PS_SEEK) {
		c->unpaired = 0;
		PG_STAT(c, resyncs, 1);
	}
}
