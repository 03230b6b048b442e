/* Pairing Redis replies with commands: in order, one reply each, except
 * that SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE get one confirmation per
 * channel, and UNSUBSCRIBE without channels one per subscription until
 * the count reaches 0. Pushes are never paired: RESP3 '>' frames (but a
 * subscribe confirmation answering its command), and in RESP2 the
 * "message" / "pmessage" / "smessage" arrays of a subscribed connection
 * (or of one with no command waiting); they are reported as DB_X_PUSH.
 * MULTI's queued commands are paired with their "+QUEUED", EXEC with its
 * array (rows: its element count). SELECT's "+OK" sets the namespace of
 * the commands answered after it (RESET's "+RESET" sets "0"); the
 * namespace is empty until a SELECT is seen. */
#include <stddef.h>
#include <string.h>

#include "redis_int.h"

void redis_stat(const struct redis_conn *c, size_t off, uint64_t n)
{
	if (c->o && c->o->stats)
		*(uint64_t *)(void *)((char *)c->o->stats + off) += n;
}

static struct redis_cmd *slot(struct redis_conn *c, uint64_t seq)
{
	struct redis_cmd *k = &c->q[seq % REDIS_PIPELINE];

	return k->seq == seq ? k : NULL;
}

static void emit(struct redis_conn *c, struct db_exchange *x)
{
	x->conn_id = c->id;
	x->proto = PROTO_REDIS;
	x->batch = 1;
	REDIS_STAT(c, exchanges, 1);
	if (x->flags & DB_X_NO_REQUEST)
		REDIS_STAT(c, no_request, 1);
	if (x->flags & DB_X_NO_RESPONSE)
		REDIS_STAT(c, no_response, 1);
	if (x->flags & DB_X_ERROR)
		REDIS_STAT(c, errors, 1);
	if (c->o && c->o->on_db)
		c->o->on_db(c->o->arg, x);
}

/* The exchange of command k, its strings empty: all but the text and
 * namespace written field by field (the static build's memset of them
 * was a string instruction slower than the stores) */
static void x_head(const struct redis_conn *c, const struct redis_cmd *k,
		   struct db_exchange *x)
{
	x->conn_id = c->id;
	x->proto = PROTO_REDIS;
	x->start_ns = k->start_ns;
	x->end_ns = 0;
	x->flags = k->flags;
	x->batch = 1;
	x->rows = -1;
	x->req_bytes = k->bytes;
	x->resp_bytes = 0;
	memcpy(x->op, k->op, sizeof(x->op));
	x->text[0] = x->stmt[0] = x->ns[0] = x->status[0] = x->sqlstate[0] = 0;
}

static void from_cmd(const struct redis_conn *c, const struct redis_cmd *k,
		     struct db_exchange *x)
{
	/* the strings as far as they go (the text's length is known, the
	 * namespace mostly empty): the arrays are most of the exchange */
	x_head(c, k, x);
	memcpy(x->text, k->text, (size_t)k->tlen + 1);
	if (c->ns[0])
		memcpy(x->ns, c->ns, sizeof(x->ns));
}

void redis_cmd_commit(struct redis_conn *c, uint64_t ts)
{
	uint64_t seq = c->tail_seq++;

	(void)ts;
	if (c->lp.wait_req == 1)
		c->lp.wait_req = 2;
	if (seq - c->head_seq >= REDIS_PIPELINE) {
		REDIS_STAT(c, queue_full, 1);
		return;
	}
	struct redis_cmd *k = &c->q[seq % REDIS_PIPELINE];

	memcpy(k, &c->b.c, offsetof(struct redis_cmd, text) + c->b.c.tlen + 1);
	k->seq = seq;
	if (c->o && c->o->on_db_request) {
		/* who calls and when is what the callback uses: the text
		 * and namespace are not copied for it */
		struct db_exchange x;

		x_head(c, k, &x);
		c->o->on_db_request(c->o->arg, &x);
	}
}

/* Every waiting command is given up: no reply will be paired with it. */
static void flush(struct redis_conn *c, uint64_t ts)
{
	for (; c->head_seq < c->tail_seq; c->head_seq++) {
		struct redis_cmd *k = slot(c, c->head_seq);
		struct db_exchange x;

		if (!k || k->reported)
			continue;
		from_cmd(c, k, &x);
		x.flags |= DB_X_NO_RESPONSE;
		x.end_ns = ts > k->start_ns ? ts : k->start_ns;
		emit(c, &x);
	}
	c->lost_seq = REDIS_NO_LOSS;
}

static uint64_t last_ts(const struct redis_conn *c)
{
	return c->req.last_ns > c->resp.last_ns ? c->req.last_ns : c->resp.last_ns;
}

/* From here on replies cannot be paired: those of the commands waiting
 * now are lost, and the next reply seen may still be one of theirs. */
void redis_unpaired(struct redis_conn *c)
{
	flush(c, last_ts(c));
	c->lp.wait_req = 1;
	c->resp.state = RS_SEEK;
	c->resp.active = 0;
	c->resp.depth = 0;
}

void redis_pair_lost(struct redis_conn *c)
{
	/* the replies of the commands seen before the loss still come
	 * first and in order */
	if (c->head_seq < c->tail_seq) {
		c->lost_seq = c->tail_seq - 1;
		return;
	}
	redis_unpaired(c);
}

/* Pub/sub words in a reply's first element. */
#define KIND_MSG 100
static int kind_of(const struct redis_side *s)
{
	static const char *const w[] = {
		[SUB_SUB] = "subscribe", [SUB_PSUB] = "psubscribe",
		[SUB_SSUB] = "ssubscribe", [SUB_UNSUB] = "unsubscribe",
		[SUB_PUNSUB] = "punsubscribe", [SUB_SUNSUB] = "sunsubscribe",
	};

	if (!s->head_el || (s->top != '*' && s->top != '>'))
		return 0;
	if (!strcmp(s->head, "message") || !strcmp(s->head, "pmessage") ||
	    !strcmp(s->head, "smessage"))
		return KIND_MSG;
	for (int k = SUB_SUB; k <= SUB_SUNSUB; k++)
		if (!strcmp(s->head, w[k]))
			return k;
	return 0;
}

static void push(struct redis_conn *c, uint64_t ts)
{
	const struct redis_side *s = &c->resp;
	struct db_exchange x;

	memset(&x, 0, sizeof(x));
	x.flags = DB_X_PUSH;
	x.start_ns = s->start_ns;
	x.end_ns = ts;
	x.rows = -1;
	x.resp_bytes = s->bytes;
	if (s->head_el)
		for (size_t i = 0; i < sizeof(x.op) - 1 && s->head[i]; i++)
			x.op[i] = s->head[i] >= 0x20 && s->head[i] < 0x7f ? s->head[i] : '?';
	memcpy(x.ns, c->ns, sizeof(x.ns));
	emit(c, &x);
}

/* The reply's status: the error prefix, "ERR" when the error has none. */
static void status(const struct redis_side *s, struct db_exchange *x)
{
	size_t i = 0;

	if (s->top != '-' && s->top != '!')
		return;
	x->flags |= DB_X_ERROR;
	for (; i < sizeof(x->status) - 1 && s->head[i] > 0x20 && s->head[i] < 0x7f; i++)
		x->status[i] = s->head[i];
	x->status[i] = 0;
	if (!i)
		strcpy(x->status, "ERR");
}

/* The head command's (remaining) reply count after this reply: 0 when
 * the command is answered. */
static int more_replies(struct redis_conn *c, struct redis_cmd *k, int kind)
{
	if (!k || !k->sub || kind != k->sub)
		return 0;
	c->subscribed = (uint8_t)(c->resp.third > 0);
	if (k->replies == 0)
		return c->resp.third > 0;
	return --k->replies > 0;
}

static void answer(struct redis_conn *c, struct redis_cmd *k, uint64_t ts)
{
	const struct redis_side *s = &c->resp;
	struct db_exchange x;

	if (k && k->reported)
		return;	/* aged out by tick(): reported already */
	if (k) {
		from_cmd(c, k, &x);
	} else {
		memset(&x, 0, sizeof(x));
		x.flags = DB_X_NO_REQUEST;
		x.start_ns = s->start_ns;
		x.rows = -1;
		memcpy(x.ns, c->ns, sizeof(x.ns));
	}
	x.end_ns = ts;
	x.resp_bytes = s->bytes + (k ? k->rbytes : 0);
	if ((s->top == '*' || s->top == '~' || s->top == '%') && !(k && k->sub))
		x.rows = s->total;
	status(s, &x);
	emit(c, &x);
	if (!k || s->top != '+')
		return;
	if (k->select && k->tlen > 7) {
		memcpy(c->ns, k->text + 7, sizeof(c->ns) - 1);
		c->ns[sizeof(c->ns) - 1] = 0;
	} else if (k->op[0] == 'R' && !strcmp(k->op, "RESET")) {
		strcpy(c->ns, "0");
	}
}

void redis_reply_done(struct redis_conn *c, uint64_t ts)
{
	struct redis_side *s = &c->resp;
	int kind = kind_of(s), waiting = c->head_seq < c->tail_seq;
	struct redis_cmd *k = waiting ? slot(c, c->head_seq) : NULL;
	int mine = k && k->sub && kind == k->sub;

	if (!mine && (s->top == '>' || (kind == KIND_MSG && (c->subscribed || !waiting)))) {
		push(c, ts);
		return;
	}
	if (!waiting) {
		answer(c, NULL, ts);
	} else if (more_replies(c, k, kind)) {
		k->rbytes += s->bytes;
		return;
	} else {
		answer(c, k, ts);
		c->head_seq++;
	}
	if (c->lost_seq != REDIS_NO_LOSS && c->head_seq > c->lost_seq)
		redis_unpaired(c);
}

void redis_conn_flush(struct redis_conn *c, uint64_t ts)
{
	flush(c, ts);
}

void redis_conn_tick(struct redis_conn *c, uint64_t now, uint64_t wait)
{
	for (uint64_t seq = c->head_seq; seq < c->tail_seq; seq++) {
		struct redis_cmd *k = slot(c, seq);
		struct db_exchange x;

		/* only commands whose reply has not begun */
		if (!k || k->reported || (seq == c->head_seq && c->resp.active))
			continue;
		if (now < k->start_ns || now - k->start_ns < wait)
			continue;
		from_cmd(c, k, &x);
		x.flags |= DB_X_NO_RESPONSE;
		x.end_ns = now;
		emit(c, &x);
		k->reported = 1;
	}
}

size_t redis_run(void *conn, const struct lpf_dir *d, const uint8_t *p, size_t n, uint64_t ts)
{
	const struct redis_dir *rd = d->arg;
	size_t off = 0;

	while (off < n) {
		long k = rd->step(conn, p + off, n - off, ts);

		if (k == REDIS_STOP)
			break;
		if (k < 0) {
			rd->lose(conn);
			break;
		}
		off += (size_t)k;
	}
	return off;
}
