/* The backend's (server's) messages of a PostgreSQL connection: replies
 * that complete or fail the head request, result rows counted, and the
 * asynchronous messages (notices, parameter changes, notifications) that
 * answer nothing and are never paired. */
#include <string.h>

#include "pg_int.h"

uint32_t pg_back_keep(uint8_t type)
{
	switch (type) {
	case 'C': return 64;
	case 'E': return PG_BE_KEEP;
	case 'A': return 4 + PG_NAME_MAX;
	case 'Z': return 1;
	default: return 0;
	}
}

/* The row count a CommandComplete tag ends with ("SELECT 5", "INSERT 0
 * 1", "UPDATE 3", "COPY 7"), -1 when it has none ("CREATE TABLE"). */
static int64_t tag_rows(const uint8_t *b, size_t n)
{
	long k = pg_cstr(b, n);
	size_t end = k < 0 ? n : (size_t)k, i = end;
	int64_t v = 0;

	while (i > 0 && b[i - 1] >= '0' && b[i - 1] <= '9')
		i--;
	if (i == end || i == 0 || b[i - 1] != ' ' || end - i > 18)
		return -1;
	for (; i < end; i++)
		v = v * 10 + (b[i] - '0');
	return v;
}

/* ErrorResponse: its SQLSTATE (field 'C') into status; returns the
 * exchange flags it means (class 00 and 01 are no error). */
static uint32_t error_code(const struct pg_conn *c, char status[DB_STATUS_MAX])
{
	const uint8_t *b = c->be_buf;
	size_t n = c->be.keep, i = 0;

	status[0] = 0;
	while (i < n && b[i]) {
		long k = pg_cstr(b + i + 1, n - i - 1);

		if (k < 0)
			break;
		if (b[i] == 'C') {
			pg_copy(status, DB_STATUS_MAX, b + i + 1, (size_t)k);
			break;
		}
		i += (size_t)k + 2;
	}
	if (status[0] == '0' && (status[1] == '0' || status[1] == '1'))
		return 0;
	return DB_X_ERROR;
}

/* An error in the extended protocol: it is the answer to the head item;
 * the server skips the rest up to the next Sync. The group's first
 * Execute (or, without one, the failed message) carries the error. */
static void ext_error(struct pg_conn *c, uint64_t ts, uint32_t flags, const char *status)
{
	struct pg_item *it = pg_head(c);
	uint8_t kind = it->kind, carried = 0;
	char text[DB_TEXT_MAX] = "";
	uint32_t extra = kind == K_PARSE ? DB_X_STMT_UNKNOWN : 0;

	/* (a later Parse may have redefined the statement already) */
	if (kind == K_PARSE && it->slot < PG_STMTS && c->st[it->slot].gen == it->gen &&
	    c->st[it->slot].used) {
		memcpy(text, c->st[it->slot].text, sizeof(text));
		extra = c->st[it->slot].trunc ? DB_X_TRUNC : 0;
	}
	while ((it = pg_head(c)) && it->kind != K_SYNC) {
		if (it->kind == K_EXEC && !carried && it->slot != PG_NO_SLOT) {
			memcpy(c->p[it->slot].x.status, status, DB_STATUS_MAX);
			c->p[it->slot].unsure = 0;
			pg_emit(c, it->slot, ts, flags);
			carried = 1;
		} else if (it->kind == K_EXEC && it->slot != PG_NO_SLOT) {
			c->p[it->slot].used = 0;	/* never executed */
		} else if (it->kind == K_PARSE) {
			pg_stmt_drop(c, it->slot, it->gen);
		}
		carried |= it->kind == K_EXEC;
		pg_pop(c);
	}
	if (!it)
		c->skip_sync = 1;
	if (!carried) {
		static const char *const ops[] = { [K_BIND] = "Bind", [K_DESCRIBE] = "Describe",
						   [K_CLOSE] = "Close" };
		uint8_t slot = pg_pend_new(c, ts);

		if (slot == PG_NO_SLOT)
			return;
		memcpy(c->p[slot].x.text, text, sizeof(text));
		if (kind != K_PARSE && kind < sizeof(ops) / sizeof(ops[0]) && ops[kind])
			strcpy(c->p[slot].x.op, ops[kind]);
		memcpy(c->p[slot].x.status, status, DB_STATUS_MAX);
		pg_emit(c, slot, ts, flags | extra);
	}
}

static void error_msg(struct pg_conn *c, uint64_t ts)
{
	char status[DB_STATUS_MAX];
	uint32_t flags = error_code(c, status);
	struct pg_item *it = pg_head(c);
	struct pg_pend *p;

	if (it && it->kind == K_STARTUP) {
		pg_pop(c);
		return;
	}
	if (it && (it->kind == K_PARSE || it->kind == K_BIND || it->kind == K_DESCRIBE ||
		   it->kind == K_CLOSE || it->kind == K_EXEC)) {
		ext_error(c, ts, flags, status);
		return;
	}
	p = pg_target(c, ts, 1);
	if (!p)
		return;
	p->x.flags |= flags;
	p->results++;
	p->unsure = 0;
	if (!p->x.status[0])
		memcpy(p->x.status, status, DB_STATUS_MAX);
	if (c->ph != PG_NO_SLOT)
		pg_emit(c, c->ph, ts, 0);
}

/* ReadyForQuery: the end of a simple query's (or function call's) reply,
 * or the answer to Sync; whatever came before it is over. */
static void ready(struct pg_conn *c, uint64_t ts)
{
	struct pg_item *it;

	c->copy_in = 0;
	if (c->ph != PG_NO_SLOT)
		pg_emit(c, c->ph, ts, 0);
	while ((it = pg_head(c))) {
		uint8_t kind = it->kind;

		if (kind == K_QUERY || kind == K_FCALL) {
			pg_pop_emit(c, ts, 0);
			return;
		}
		if (kind == K_SYNC || kind == K_STARTUP) {
			pg_pop(c);
			return;
		}
		/* an extended message whose answer was lost */
		pg_pop_emit(c, ts, DB_X_NO_RESPONSE | DB_X_SIZE_UNKNOWN);
	}
}

/* A reply that answers the head item alone ('1', '2', '3', 'n', 'T'). */
static void answer(struct pg_conn *c, uint8_t kind, uint64_t ts)
{
	struct pg_item *it = pg_head(c);

	if (!it)
		return;		/* the answer to a message not seen */
	if (it->kind == kind) {
		pg_pop(c);
		return;
	}
	/* not what was asked: the pairing is out of step */
	pg_unpair(c, ts, DB_X_NO_RESPONSE | DB_X_SIZE_UNKNOWN);
	c->last_z = 0;
	PG_STAT(c, sync_lost, 1);
}

/* CommandComplete, EmptyQueryResponse, PortalSuspended. */
static void complete(struct pg_conn *c, uint8_t t, uint64_t ts)
{
	struct pg_pend *p = pg_target(c, ts, 1);
	struct pg_item *it = pg_head(c);

	if (!p)
		return;
	if (t == 'C' && !c->be.cut) {
		int64_t r = tag_rows(c->be_buf, c->be.keep);

		if (r >= 0)
			p->tag_rows = (p->tag_rows < 0 ? 0 : p->tag_rows) + r;
	}
	if (t != 's')
		p->results++;
	p->unsure = 0;
	if (c->ph != PG_NO_SLOT)
		pg_emit(c, c->ph, ts, 0);
	else if (it && it->kind == K_EXEC)
		pg_pop_emit(c, ts, 0);
}

static void notification(struct pg_conn *c, uint64_t ts)
{
	uint8_t slot;
	struct db_exchange *x;
	long k;

	if (c->be.keep < 4)
		return;
	slot = pg_pend_new(c, c->be.start_ns);
	if (slot == PG_NO_SLOT)
		return;
	x = &c->p[slot].x;
	strcpy(x->op, "NOTIFY");
	k = pg_cstr(c->be_buf + 4, c->be.keep - 4);
	pg_copy(x->text, sizeof(x->text), c->be_buf + 4, k < 0 ? c->be.keep - 4 : (size_t)k);
	x->resp_bytes = c->be.bytes;
	pg_emit(c, slot, ts, DB_X_PUSH | DB_X_NO_REQUEST);
}

void pg_back_msg(struct pg_conn *c, uint64_t ts)
{
	uint8_t t = c->be.type;
	struct pg_pend *p;

	c->last_z = t == 'Z';
	/* the client lost framing in COPY data and is not back in it: a
	 * request may be in what it lost */
	if (c->fe_lost_copy)
		pg_fe_resynced(c, 0, ts);
	if (t == 'A') {
		notification(c, ts);
		return;
	}
	if (c->unpaired || t == 'N' || t == 'S' || t == 'K' || t == 'R' || t == 'v')
		return;
	/* bytes of a reply: to the exchange it belongs to */
	p = pg_target(c, ts, t == 'T' || t == 'D' || t == 'C' || t == 'I' || t == 'E' ||
				     t == 's' || t == 'G' || t == 'H' || t == 'd' || t == 'V');
	if (p && !(pg_head(c) && pg_head(c)->kind == K_DESCRIBE)) {
		p->x.resp_bytes += c->be.bytes;
		if (c->be.cut)
			p->x.flags |= DB_X_SIZE_UNKNOWN;
	}
	switch (t) {
	case 'Z': ready(c, ts); break;
	case 'E': error_msg(c, ts); break;
	case 'C': case 'I': case 's': complete(c, t, ts); break;
	case 'D':
		if (p)
			p->data_rows++;
		break;
	case '1': answer(c, K_PARSE, ts); break;
	case '2': answer(c, K_BIND, ts); break;
	case '3': answer(c, K_CLOSE, ts); break;
	case 'n': answer(c, K_DESCRIBE, ts); break;
	case 't': break;
	case 'T':
		if (pg_head(c) && pg_head(c)->kind == K_DESCRIBE)
			pg_pop(c);
		break;
	case 'V':
		if (p)
			p->results++;
		break;
	case 'G':
		c->copy_in = 1;
		break;
	default:	/* COPY responses and data: part of the current reply */
		break;
	}
}
