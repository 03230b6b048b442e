/* Framing of one direction of a PostgreSQL connection: headers collected
 * across syscalls, bodies kept as far as their type needs, gaps skipped
 * exactly inside a body, and the framing found again at a syscall's start
 * after it was lost (a gap over a header, bytes that are no message). */
#include <errno.h>
#include <string.h>

#include "pg_int.h"

static int is_fe(const struct pg_conn *c, enum proto_dir dir)
{
	return (c->role == PROTO_SERVER) == (dir == PROTO_RECV);
}

void pg_side_lose(struct pg_conn *c, int fe, uint64_t ts)
{
	struct pg_side *s = fe ? &c->fe : &c->be;

	s->state = PS_SEEK;
	s->hdr_n = 0;
	s->fresh = 0;
	s->skipped = 0;
	PG_STAT(c, sync_lost, 1);
	pg_lost(c, fe, ts);
}

/* The syscall at p starts a message (or the side gives up on it). */
static int resync(struct pg_conn *c, struct pg_side *s, int fe, const uint8_t *p,
		  size_t cap, uint64_t ts)
{
	unsigned whole = 0;
	int r = cap ? pg_chain(fe, p, cap, &whole) : 0;

	/* a connection's first bytes: a startup-phase message (whose length
	 * starts with a 0 byte, which no type letter is) */
	if (fe && s->fresh && cap && !p[0]) {
		s->state = PS_UNTYPED;
		s->hdr_n = 0;
		return 1;
	}
	if (r && whole) {
		if (!s->fresh)
			PG_STAT(c, resyncs, 1);
		s->state = PS_HDR;
		s->hdr_n = 0;
		if (!fe && !s->fresh)
			pg_be_resynced(c, ts);
		else if (!s->fresh)
			pg_fe_resynced(c, p[0], ts);
		return 1;
	}
	PG_STAT(c, skipped, 1);
	if (fe)
		pg_fe_resynced(c, 0, ts);	/* not COPY data at once: unsure */
	if (++s->skipped > PG_RESYNC_MAX) {
		s->state = PS_DEAD;
		c->done = 1;
		PG_STAT(c, given_up, 1);
	}
	return 0;
}

/* A header is complete: check it and start the body. */
static int hdr_done(struct pg_side *s, int fe)
{
	uint32_t len;

	if (s->state == PS_UNTYPED) {
		len = pg_be32(s->hdr);
		if (len < 8 || len > 10000)
			return -1;
		s->type = 0;
		s->keep_max = PG_FE_KEEP;
	} else {
		s->type = s->hdr[0];
		len = pg_be32(s->hdr + 1);
		if (!pg_type_ok(fe, s->type, len))
			return -1;
		s->keep_max = fe ? pg_front_keep(s->type) : pg_back_keep(s->type);
	}
	s->len = len - 4;
	s->got = 0;
	s->keep = 0;
	s->cut = 0;
	s->bytes = len + (s->type ? 1 : 0);
	s->state = PS_BODY;
	return 0;
}

static void msg_done(struct pg_conn *c, struct pg_side *s, int fe, uint64_t ts)
{
	s->state = PS_HDR;
	s->hdr_n = 0;
	s->fresh = 0;
	if (fe)
		pg_front_msg(c, ts);
	else
		pg_back_msg(c, ts);
}

/* Body bytes: kept up to keep_max; a Bind keeps its two names only. */
static void body_bytes(struct pg_conn *c, struct pg_side *s, int fe, const uint8_t *p,
		       size_t k)
{
	uint8_t *buf = fe ? c->fe_buf : c->be_buf;
	/* after a gap, nothing more: the kept bytes stay one run */
	size_t room = s->keep < s->keep_max && !s->cut ? s->keep_max - s->keep : 0;
	size_t n = k < room ? k : room;

	if (n && fe && s->type == 'B') {
		size_t nul = 0, i;

		for (i = 0; i < s->keep; i++)
			nul += !buf[i];
		for (i = 0; i < n && nul < 2; i++)
			nul += !p[i];
		n = i;
	}
	/* most bodies keep nothing: no copy call (a rep movsb at -Os) */
	if (n) {
		memcpy(buf + s->keep, p, n);
		s->keep += (uint32_t)n;
	}
	s->got += (uint32_t)k;
}

/* Bytes of a side in sync; returns how many were taken (all, unless the
 * framing broke or the side ended). */
static size_t parse(struct pg_conn *c, struct pg_side *s, int fe, const uint8_t *p,
		    size_t n, uint64_t ts)
{
	size_t i = 0;

	while (i < n && !c->done) {
		if (s->state == PS_HDR && !fe && c->answer && s->hdr_n == 0) {
			c->answer = 0;
			if (p[i] == 'S' || p[i] == 'G') {
				s->state = PS_DEAD;
				c->done = 1;
				PG_STAT(c, given_up, 1);
				return n;
			}
			if (p[i] == 'N') {
				i++;
				continue;
			}
		}
		if (s->state == PS_HDR || s->state == PS_UNTYPED) {
			size_t need = s->state == PS_HDR ? 5 : 4;

			if (s->hdr_n == 0)
				s->start_ns = ts;
			if (s->hdr_n == 0 && n - i >= need) {
				/* the whole header here: one copy, not a byte
				 * loop through the side's fields */
				memcpy(s->hdr, p + i, 4);
				s->hdr[4] = need == 5 ? p[i + 4] : 0;
				s->hdr_n = (uint8_t)need;
				i += need;
			}
			while (i < n && s->hdr_n < need)
				s->hdr[s->hdr_n++] = p[i++];
			if (s->hdr_n < need)
				break;
			if (hdr_done(s, fe)) {
				pg_side_lose(c, fe, ts);
				return i;
			}
		}
		if (s->state == PS_BODY) {
			size_t k = s->len - s->got;

			if (k > n - i)
				k = n - i;
			body_bytes(c, s, fe, p + i, k);
			i += k;
			if (s->got == s->len)
				msg_done(c, s, fe, ts);
		} else if (s->state != PS_HDR && s->state != PS_UNTYPED) {
			break;
		}
	}
	return i;
}

/* `gap` bytes not seen after the captured ones. */
static void gap(struct pg_conn *c, struct pg_side *s, int fe, uint64_t gap, uint64_t ts)
{
	PG_STAT(c, gap_bytes, gap);
	if (s->state == PS_SEEK || s->state == PS_DEAD)
		return;
	if (s->state == PS_BODY && gap <= (uint64_t)(s->len - s->got)) {
		s->got += (uint32_t)gap;
		s->cut = 1;
		if (s->got == s->len)
			msg_done(c, s, fe, ts);
		return;
	}
	if (s->state == PS_BODY) {
		/* the message ends inside the gap; what follows is unknown */
		s->cut = 1;
		s->got = s->len;
		msg_done(c, s, fe, ts);
	}
	if (s->state != PS_DEAD && s->state != PS_SEEK && !c->done)
		pg_side_lose(c, fe, ts);
}

int pg_feed(void *conn, enum proto_dir dir, uint64_t ts, const void *data, size_t cap,
	    uint64_t total)
{
	struct pg_conn *c = conn;
	int fe = is_fe(c, dir);
	struct pg_side *s = fe ? &c->fe : &c->be;
	const uint8_t *p = data;
	size_t used = 0;

	if (cap > total || (cap && !data))
		return -EINVAL;
	if (c->done)
		return PROTO_DONE;
	c->last_ns = ts;
	if (s->state == PS_SEEK && !resync(c, s, fe, p, cap, ts)) {
		PG_STAT(c, gap_bytes, total - cap);
		return c->done ? PROTO_DONE : PROTO_MORE;
	}
	while (used < cap && s->state != PS_SEEK && s->state != PS_DEAD && !c->done)
		used += parse(c, s, fe, p + used, cap - used, ts);
	if (c->done)
		return PROTO_DONE;
	if (used < cap)
		PG_STAT(c, gap_bytes, total - cap);
	else if (total > cap)
		gap(c, s, fe, total - cap, ts);
	return c->done ? PROTO_DONE : PROTO_MORE;
}

static void pg_init(void *conn, uint64_t id, enum proto_role role, const struct proto_opts *o)
{
	struct pg_conn *c = conn;

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->o = o;
	c->role = (uint8_t)role;
	c->ph = PG_NO_SLOT;
	/* until its start is seen, earlier requests may still be waiting */
	c->unpaired = 1;
	c->fe.state = c->be.state = PS_SEEK;
	c->fe.fresh = c->be.fresh = 1;
}

const struct proto_parser proto_postgres = {
	.name = "postgres",
	.id = PROTO_POSTGRES,
	.conn_size = sizeof(struct pg_conn),
	.ports = { 5432, 0 },
	.detect = pg_detect,
	.init = pg_init,
	.feed = pg_feed,
	.close = pg_close,
	.tick = pg_tick,
};
