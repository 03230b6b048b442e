/* Pairing Memcached replies with commands (memcache_int.h says how):
 * the reply goes to the first waiting command that can have sent it,
 * looking past quiet ones; a noreply command is reported (DB_X_NOREPLY)
 * as soon as the next command is seen, a quiet meta command once a later
 * command's reply passes it, both at the close. */
#include <string.h>

#include "memcache_int.h"

void mc_stat(const struct mc_conn *c, size_t off, uint64_t n)
{
	if (c->o && c->o->stats)
		*(uint64_t *)(void *)((char *)c->o->stats + off) += n;
}

static struct mc_cmd *slot(struct mc_conn *c, uint64_t seq)
{
	struct mc_cmd *k = &c->q[seq % MC_PIPELINE];

	return k->seq == seq ? k : NULL;
}

static void emit(struct mc_conn *c, struct db_exchange *x)
{
	x->conn_id = c->id;
	x->proto = PROTO_MEMCACHED;
	x->batch = 1;
	MC_STAT(c, exchanges, 1);
	if (x->flags & DB_X_NO_REQUEST)
		MC_STAT(c, no_request, 1);
	if (x->flags & DB_X_NO_RESPONSE)
		MC_STAT(c, no_response, 1);
	if (x->flags & DB_X_ERROR)
		MC_STAT(c, errors, 1);
	if (c->o && c->o->on_db)
		c->o->on_db(c->o->arg, x);
}

static void from_cmd(const struct mc_cmd *k, struct db_exchange *x)
{
	memset(x, 0, sizeof(*x));
	x->start_ns = k->start_ns;
	x->flags = k->flags;
	x->rows = -1;
	x->req_bytes = k->bytes;
	memcpy(x->op, k->op, sizeof(k->op));
	memcpy(x->text, k->text, sizeof(k->text));
}

/* A command given up without a reply: a noreply or quiet one expected
 * none. */
static void report_unanswered(struct mc_conn *c, struct mc_cmd *k, uint64_t ts)
{
	struct db_exchange x;

	if (k->reported)
		return;
	from_cmd(k, &x);
	x.flags |= k->quiet ? DB_X_NOREPLY : DB_X_NO_RESPONSE;
	x.end_ns = ts > k->start_ns ? ts : k->start_ns;
	emit(c, &x);
	k->reported = 1;
}

void mc_commit(struct mc_conn *c, uint64_t ts)
{
	uint64_t seq = c->tail_seq++;

	if (c->lp.wait_req == 1)
		c->lp.wait_req = 2;
	/* the noreply commands before this one are over */
	for (uint64_t i = c->head_seq; i < seq; i++) {
		struct mc_cmd *k = slot(c, i);

		if (k && k->quiet == MQ_NOREPLY)
			report_unanswered(c, k, ts);
	}
	if (seq - c->head_seq >= MC_PIPELINE) {
		MC_STAT(c, queue_full, 1);
		return;
	}
	struct mc_cmd *k = &c->q[seq % MC_PIPELINE];

	*k = c->cur;
	k->seq = seq;
	if (c->o && c->o->on_db_request) {
		struct db_exchange x;

		from_cmd(k, &x);
		x.conn_id = c->id;
		x.proto = PROTO_MEMCACHED;
		x.batch = 1;
		c->o->on_db_request(c->o->arg, &x);
	}
}

void mc_flush(struct mc_conn *c, uint64_t ts)
{
	for (; c->head_seq < c->tail_seq; c->head_seq++) {
		struct mc_cmd *k = slot(c, c->head_seq);

		if (k)
			report_unanswered(c, k, ts);
	}
	c->lost_seq = MC_NO_LOSS;
}

void mc_unpaired(struct mc_conn *c)
{
	uint64_t ts = c->req.last_ns > c->resp.last_ns ? c->req.last_ns : c->resp.last_ns;

	mc_flush(c, ts);
	c->lp.wait_req = 1;
	c->resp.state = MS_SEEK;
	c->resp.active = 0;
}

void mc_pair_lost(struct mc_conn *c)
{
	if (c->head_seq < c->tail_seq) {
		c->lost_seq = c->tail_seq - 1;
		return;
	}
	mc_unpaired(c);
}

/* Can a command of class `cls` get a reply of kind `rk`? */
static int fits(uint8_t cls, uint8_t rk)
{
	static const uint16_t ok[] = {
		[MC_OTHER] = 1u << RK_OTHER, [MC_STORE] = 1u << RK_OTHER,
		[MC_GET] = 1u << RK_VALUE | 1u << RK_END,
		[MC_STATS] = 1u << RK_STAT | 1u << RK_END | 1u << RK_OTHER,
		[MC_MG] = 1u << RK_VA | 1u << RK_HD | 1u << RK_EN,
		[MC_MS] = 1u << RK_HD | 1u << RK_NS | 1u << RK_EX | 1u << RK_NF,
		[MC_MD] = 1u << RK_HD | 1u << RK_NF | 1u << RK_EX,
		[MC_MA] = 1u << RK_HD | 1u << RK_VA | 1u << RK_NF | 1u << RK_NS | 1u << RK_EX,
		[MC_MN] = 1u << RK_MN, [MC_ME] = 1u << RK_ME | 1u << RK_EN,
	};

	return rk == RK_ERR || (ok[cls] >> rk & 1);
}

/* ... and a quiet one (the results its quiet mode hides cannot be it) */
static int may_answer(const struct mc_cmd *k, const struct mc_reply *r)
{
	if (!k)
		return 1;	/* not kept: its kind is unknown */
	if (k->reported && k->quiet != MQ_NOREPLY)
		return 0;
	if (!fits(k->cls, r->kind))
		return 0;
	if (r->opaque[0] && strcmp(r->opaque, k->opaque))
		return 0;
	if (r->key[0] && k->cls >= MC_MG && strcmp(r->key, k->key))
		return 0;
	if (k->quiet == MQ_NOREPLY)
		return r->kind == RK_ERR;
	/* what memcached 1.6 hides in quiet mode: a miss of mg, the HD
	 * of the others (md's NF is sent) */
	if (k->quiet == MQ_META)
		return k->cls == MC_MG ? r->kind != RK_EN : r->kind != RK_HD;
	return 1;
}

/* The waiting command the reply answers: its sequence number, 0 when
 * none or more than one can be it. */
static uint64_t choose(struct mc_conn *c)
{
	uint64_t found = 0, first_loud = 0;
	int n = 0;

	for (uint64_t seq = c->head_seq; seq < c->tail_seq; seq++) {
		struct mc_cmd *k = slot(c, seq);
		int loud = !k || !k->quiet;

		if (may_answer(k, &c->r)) {
			if (!found)
				found = seq;
			n++;
		}
		if (loud) {
			first_loud = seq;
			break;
		}
	}
	if (n == 1)
		return found;
	/* nothing fits: the order says the first command that answers */
	return n == 0 ? first_loud : 0;
}

static void reply_x(struct mc_conn *c, struct db_exchange *x, uint64_t ts)
{
	const struct mc_reply *r = &c->r;

	x->end_ns = ts;
	x->resp_bytes = c->resp.bytes;
	if (r->kind == RK_VALUE || r->kind == RK_END || r->kind == RK_VA || r->kind == RK_EN)
		x->rows = r->rows < 0 ? 0 : r->rows;
	if (r->err) {
		x->flags |= DB_X_ERROR;
		strcpy(x->status, r->status[0] ? r->status : "ERROR");
	}
}

void mc_reply_done(struct mc_conn *c, uint64_t ts)
{
	uint64_t seq = c->head_seq < c->tail_seq ? choose(c) : 0;
	struct db_exchange x;

	if (!seq) {
		memset(&x, 0, sizeof(x));
		x.flags = DB_X_NO_REQUEST;
		x.start_ns = c->resp.start_ns;
		x.rows = -1;
		reply_x(c, &x, ts);
		emit(c, &x);
		return;
	}
	for (; c->head_seq < seq; c->head_seq++) {
		struct mc_cmd *k = slot(c, c->head_seq);

		if (k)
			report_unanswered(c, k, ts);
	}
	struct mc_cmd *k = slot(c, seq);

	if (!k) {
		memset(&x, 0, sizeof(x));
		x.flags = DB_X_NO_REQUEST;
		x.start_ns = c->resp.start_ns;
		x.rows = -1;
	} else {
		from_cmd(k, &x);
		x.flags &= ~(uint32_t)DB_X_NOREPLY;
	}
	c->head_seq++;
	/* a command reported already (noreply, aged out) is not again */
	if (!k || !k->reported) {
		reply_x(c, &x, ts);
		emit(c, &x);
	}
	if (c->lost_seq != MC_NO_LOSS && c->head_seq > c->lost_seq)
		mc_unpaired(c);
}

void mc_tick(struct mc_conn *c, uint64_t now, uint64_t wait)
{
	for (uint64_t seq = c->head_seq; seq < c->tail_seq; seq++) {
		struct mc_cmd *k = slot(c, seq);

		if (!k || k->reported || (seq == c->head_seq && c->resp.active))
			continue;
		if (now < k->start_ns || now - k->start_ns < wait)
			continue;
		report_unanswered(c, k, now);
	}
}
