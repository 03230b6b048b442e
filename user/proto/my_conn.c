/* One MySQL / MariaDB connection: the two directions' framing, the
 * queue pairing requests with replies in order, and the parser's entry
 * points (proto_mysql). */
#include <errno.h>
#include <string.h>

#include "my_int.h"

#define DEFAULT_MAX_WAIT_NS (120ull * 1000000000ull)

struct my_req *my_head(struct my_conn *c)
{
	return my_queued(c) ? &c->q[c->head % MY_PIPE] : NULL;
}

struct my_req *my_new_req(struct my_conn *c, int noreply)
{
	if (noreply)
		return &c->tmp;
	if (c->overflow || my_queued(c) >= MY_PIPE)
		return NULL;
	return &c->q[c->tail % MY_PIPE];
}

void my_emit(struct my_conn *c, struct db_exchange *x)
{
	x->conn_id = c->id;
	x->proto = PROTO_MYSQL;
	if (c->mariadb)
		x->flags |= DB_X_MARIADB;
	MY_STAT(c, exchanges, 1);
	if (x->flags & DB_X_NO_REQUEST)
		MY_STAT(c, no_request, 1);
	if (x->flags & DB_X_NO_RESPONSE)
		MY_STAT(c, no_response, 1);
	if (x->flags & DB_X_ERROR)
		MY_STAT(c, errors, 1);
	if (c->o && c->o->on_db)
		c->o->on_db(c->o->arg, x);
}

void my_commit(struct my_conn *c, struct my_req *rq, int noreply)
{
	struct my_reply *r = &c->r;

	if (noreply) {
		rq->x.flags |= DB_X_NOREPLY;
		my_emit(c, &rq->x);
		return;
	}
	/* the only reply waiting lost its framing, and the client asks
	 * again: it had read the whole reply */
	if (c->resp.state == S_SEEK && r->state != R_IDLE && r->lost &&
	    my_queued(c) + c->overflow == 1)
		my_finish(c, DB_X_SIZE_UNKNOWN);
	if (!rq) {
		c->overflow++;
		MY_STAT(c, queue_full, 1);
		return;
	}
	c->tail++;
	if (c->o && c->o->on_db_request) {
		rq->x.conn_id = c->id;
		c->o->on_db_request(c->o->arg, &rq->x);
	}
}

/* The reply's findings into x. */
static void reply_into(const struct my_reply *r, struct db_exchange *x, uint32_t flags)
{
	x->flags |= flags | (r->err ? DB_X_ERROR : 0);
	x->end_ns = r->end_ns;
	x->resp_bytes = r->bytes;
	x->batch = r->batch;
	x->rows = (flags & DB_X_SIZE_UNKNOWN) || r->err || r->unsure ? -1 : r->rows;
	memcpy(x->status, r->status, sizeof(x->status));
	memcpy(x->sqlstate, r->sqlstate, sizeof(x->sqlstate));
	if (x->end_ns < x->start_ns)
		x->end_ns = x->start_ns;
}

void my_finish(struct my_conn *c, uint32_t flags)
{
	struct my_reply *r = &c->r;
	struct db_exchange *x = &c->tmp.x;

	if (r->orphan || !my_queued(c)) {
		/* a reply without its request: seen mid-stream, or the
		 * request did not fit the queue */
		if (!r->orphan && c->overflow)
			c->overflow--;
		memset(x, 0, sizeof(*x));
		x->flags = DB_X_NO_REQUEST;
		x->start_ns = r->start_ns;
		memcpy(x->ns, c->ns, sizeof(x->ns));
		reply_into(r, x, flags);
		my_emit(c, x);
	} else {
		struct my_req *rq = my_head(c);

		c->head++;
		if (!rq->reported) {
			reply_into(r, &rq->x, flags);
			my_emit(c, &rq->x);
		}
	}
	memset(r, 0, sizeof(*r));
}

void my_drop_all(struct my_conn *c, uint64_t ts)
{
	struct my_reply *r = &c->r;

	for (; my_queued(c); c->head++) {
		struct my_req *rq = my_head(c);

		if (rq->reported)
			continue;
		if (r->state != R_IDLE && !r->orphan) {
			/* the head's reply began: what came of it */
			reply_into(r, &rq->x, DB_X_SIZE_UNKNOWN);
			memset(r, 0, sizeof(*r));
		} else {
			rq->x.flags |= DB_X_NO_RESPONSE;
			rq->x.end_ns = ts > rq->x.start_ns ? ts : rq->x.start_ns;
		}
		my_emit(c, &rq->x);
	}
	c->overflow = 0;
	memset(r, 0, sizeof(*r));
}

static void my_init(void *conn, uint64_t id, enum proto_role role, const struct proto_opts *o)
{
	struct my_conn *c = conn;

	memset(c, 0, sizeof(*c));	/* both sides S_SEEK, PH_START */
	c->id = id;
	c->o = o;
	c->role = (uint8_t)role;
	c->req.is_req = 1;
}

static int judge(struct my_conn *c, struct my_side *s, const uint8_t *p, size_t cap,
		 uint64_t total)
{
	return s->is_req ? my_sync_req(c, p, cap, total) : my_sync_resp(c, p, cap, total);
}

static void synced(struct my_conn *c, struct my_side *s)
{
	if (s->lost)
		MY_STAT(c, resyncs, 1);
	s->lost = 0;
	s->skipped = 0;
	s->state = S_HDR;
	s->hdr_have = 0;
}

static void passed_over(struct my_conn *c, struct my_side *s)
{
	MY_STAT(c, skipped, 1);
	/* nothing of MySQL on a new connection for long, or no command
	 * from a client for very long: not (or no longer) MySQL */
	if ((++s->skipped > MY_GIVE_UP && c->phase == PH_START) ||
	    (s->is_req && s->skipped > MY_GIVE_UP_CMD))
		c->done = 1;
}

/* Gathered bytes go: none of them stays in memory (they may be
 * authentication data or bound values). */
static void probe_clear(struct my_side *s)
{
	memset(s->probe, 0, s->probe_n);
	s->probe_n = 0;
	s->probe_k = 0;
}

/* Gathered bytes before the start k go: k starts fewer. */
static void probe_drop(struct my_side *s, uint32_t k)
{
	uint32_t off = k < s->probe_k ? s->probe_at[k] : s->probe_n;

	memmove(s->probe, s->probe + off, s->probe_n - off);
	memset(s->probe + s->probe_n - off, 0, off);	/* nothing kept */
	s->probe_n -= off;
	for (uint32_t i = k; i < s->probe_k; i++) {
		s->probe_at[i - k] = s->probe_at[i] - off;
		s->probe_ts[i - k] = s->probe_ts[i];
	}
	s->probe_k = k < s->probe_k ? s->probe_k - k : 0;
}

/* A small whole syscall joins the gathered bytes (older ones make room):
 * a message may start at any of their syscall starts, and be judged
 * only once more of it came (a header written apart from its payload). */
static void probe_add(struct my_side *s, const uint8_t *p, size_t cap, uint64_t ts)
{
	while (s->probe_k && s->probe_n + cap > MY_PROBE)
		probe_drop(s, 1);
	if (s->probe_k == MY_PROBE_STARTS) {
		/* the oldest start stays (the likeliest after a loss), the
		 * next oldest goes */
		memmove(s->probe_at + 1, s->probe_at + 2, (MY_PROBE_STARTS - 2) * sizeof(uint32_t));
		memmove(s->probe_ts + 1, s->probe_ts + 2, (MY_PROBE_STARTS - 2) * sizeof(uint64_t));
		s->probe_k--;
	}
	s->probe_at[s->probe_k] = s->probe_n;
	s->probe_ts[s->probe_k++] = ts;
	memcpy(s->probe + s->probe_n, p, cap);
	s->probe_n += (uint32_t)cap;
}

/* The gathered bytes, from the oldest of their syscall starts on: where
 * a message begins, framing starts (what came before is passed over). */
static int probe_judge(struct my_conn *c, struct my_side *s, uint64_t ts)
{
	for (uint32_t k = 0; k < s->probe_k; k++) {
		uint32_t off = s->probe_at[k], n;
		uint64_t at = s->probe_ts[k];

		if (!judge(c, s, s->probe + off, s->probe_n - off, s->probe_n - off))
			continue;
		if (k)
			passed_over(c, s);
		synced(c, s);
		probe_drop(s, k);
		n = s->probe_n;
		s->probe_k = 0;
		s->probe_n = 0;
		my_frame_bytes(c, s, s->probe, n, at);
		memset(s->probe, 0, n);
		s->last_ns = ts;
		return 1;
	}
	return 0;
}

/* A side without framing looks at the syscall's first bytes, or at the
 * small whole syscalls gathered with it: 1 when framing starts at data
 * (the caller feeds it), 2 when it started in the gathered bytes (fed
 * here, this syscall's included), 0 when not yet. */
static int seek(struct my_conn *c, struct my_side *s, const uint8_t *p, size_t cap,
		uint64_t total, uint64_t ts)
{
	if (judge(c, s, p, cap, total)) {
		if (s->probe_k)
			passed_over(c, s);
		probe_clear(s);
		synced(c, s);
		return 1;
	}
	if (cap != total || cap >= MY_PROBE) {
		probe_clear(s);
		passed_over(c, s);
		return 0;
	}
	probe_add(s, p, cap, ts);
	return probe_judge(c, s, ts) ? 2 : 0;
}

/* feed()'s answer; a connection given up now is counted */
static int result(struct my_conn *c, int was_done)
{
	if (c->done && !was_done)
		MY_STAT(c, given_up, 1);
	return c->done ? PROTO_DONE : PROTO_MORE;
}

static int my_feed(void *conn, enum proto_dir dir, uint64_t ts, const void *data, size_t cap,
		   uint64_t total)
{
	struct my_conn *c = conn;
	int is_req = (dir == PROTO_RECV) == (c->role == PROTO_SERVER);
	struct my_side *s = is_req ? &c->req : &c->resp;
	int was_done = c->done;

	if (cap > total || (cap && !data))
		return -EINVAL;
	if (c->done)
		return PROTO_DONE;
	MY_STAT(c, gap_bytes, total - cap);
	if (s->state == S_SEEK) {
		int how = cap ? seek(c, s, data, cap, total, ts) : 0;

		if (!cap && s->probe_k) {
			probe_clear(s);	/* bytes unseen: no longer whole */
			passed_over(c, s);
		}
		if (how != 1)
			return result(c, was_done);
	}
	my_frame_bytes(c, s, data, cap, ts);
	my_frame_gap(c, s, total - cap, ts);
	return result(c, was_done);
}

static void my_close(void *conn, uint64_t ts)
{
	struct my_conn *c = conn;

	my_drop_all(c, ts);
}

static void my_tick(void *conn, uint64_t now)
{
	struct my_conn *c = conn;
	uint64_t wait = c->o && c->o->max_wait_ns ? c->o->max_wait_ns : DEFAULT_MAX_WAIT_NS;

	for (uint64_t i = c->head; i < c->tail; i++) {
		struct my_req *rq = &c->q[i % MY_PIPE];

		if (rq->reported || (i == c->head && c->r.state != R_IDLE))
			continue;
		if (now < rq->x.start_ns || now - rq->x.start_ns < wait)
			continue;
		/* reported now; its reply, if it comes, is passed over */
		rq->reported = 1;
		rq->x.flags |= DB_X_NO_RESPONSE;
		rq->x.end_ns = now;
		my_emit(c, &rq->x);
	}
}

const struct proto_parser proto_mysql = {
	.name = "mysql",
	.id = PROTO_MYSQL,
	.conn_size = sizeof(struct my_conn),
	.ports = { 3306, 0 },
	.detect = my_detect,
	.init = my_init,
	.feed = my_feed,
	.close = my_close,
	.tick = my_tick,
};
