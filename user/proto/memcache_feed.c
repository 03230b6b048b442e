/* The Memcached parser's entry points (rawtel/proto.h).
 *
 * Detection: a known command word with its delimiter in the command
 * direction, a known reply word in the other: likely, not sure (an
 * inline Redis command "get k" looks the same; the port breaks the tie),
 * except a storage command line ("set k 0 0 5\r\n"), which is Memcached.
 * The binary protocol (magic 0x80 requests, 0x81 responses) is not
 * parsed: detect() says no and feed() gives it up.
 *
 * Resynchronisation as Redis's (redis_feed.c): the command side at the
 * next syscall that starts with a known command word; the reply side
 * only after a command was seen following the loss. */
#include <errno.h>
#include <string.h>

#include "rawtel/err.h"
#include "memcache_int.h"

#define DEFAULT_MAX_WAIT_NS (120ull * 1000000000ull)

/* "set k 0 0 5\r\n": a storage command line, whole */
static int storage_line(const uint8_t *p, size_t n)
{
	static const char *const w[] = { "set ", "add ", "replace ", "append ", "prepend ", "cas " };
	size_t i, sp = 0;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (n > strlen(w[i]) && !memcmp(p, w[i], strlen(w[i])))
			break;
	if (i == sizeof(w) / sizeof(w[0]))
		return 0;
	for (i = 0; i < n && p[i] != '\r'; i++)
		sp += p[i] == ' ';
	return i + 1 < n && p[i + 1] == '\n' && sp >= 4;
}

static int mc_detect(enum proto_role role, enum proto_dir dir, const uint8_t *p,
		     size_t cap, uint64_t total)
{
	int req = (dir == PROTO_RECV) == (role == PROTO_SERVER);

	(void)total;
	if (!cap || p[0] >= 0x80)
		return PROTO_NO;
	if (req) {
		if (storage_line(p, cap))
			return PROTO_YES;
		return mc_req_starts(p, cap, 1) ? PROTO_MAYBE : PROTO_NO;
	}
	return mc_resp_starts(p, cap, 1) ? PROTO_MAYBE : PROTO_NO;
}

static void mc_init(void *conn, uint64_t id, enum proto_role role, const struct proto_opts *o)
{
	struct mc_conn *c = conn;

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->o = o;
	c->role = (uint8_t)role;
	c->req.state = MS_SEEK;
	c->resp.state = MS_SEEK;
	c->head_seq = c->tail_seq = 1;
	c->lost_seq = MC_NO_LOSS;
	c->wait_req = 1;
}

static void give_up(struct mc_conn *c)
{
	MC_STAT(c, given_up, 1);
	c->done = 1;
	c->req.state = MS_DEAD;
	c->resp.state = MS_DEAD;
}

static int seek(struct mc_conn *c, struct mc_side *s, const uint8_t *p, size_t cap)
{
	int req = s == &c->req;

	if (req && cap && mc_req_starts(p, cap, s->synced)) {
		if (s->synced)
			MC_STAT(c, resyncs, 1);
		s->state = MS_IDLE;
		return 1;
	}
	if (!req && c->wait_req == 2 && cap && mc_resp_starts(p, cap, s->synced)) {
		if (s->synced)
			MC_STAT(c, resyncs, 1);
		c->wait_req = 0;
		s->state = MS_IDLE;
		return 1;
	}
	MC_STAT(c, skipped, 1);
	if (!req && c->wait_req == 2) {
		mc_flush(c, c->req.last_ns);
		c->wait_req = 1;
	}
	if (cap && !c->seen && ++c->misses >= MC_MISSES)
		give_up(c);
	return 0;
}

static int mc_feed(void *conn, enum proto_dir dir, uint64_t ts, const void *data, size_t cap,
		   uint64_t total)
{
	struct mc_conn *c = conn;
	const uint8_t *p = data;
	struct mc_side *s;
	size_t off;

	if (cap > total || (cap && !data))
		return err_set(EINVAL, "Memcached feed: %zu bytes captured of %llu", cap,
			       (unsigned long long)total);
	if (c->done)
		return PROTO_DONE;
	if (!total)
		return PROTO_MORE;
	s = (dir == PROTO_RECV) == (c->role == PROTO_SERVER) ? &c->req : &c->resp;
	if (total > cap)
		MC_STAT(c, gap_bytes, total - cap);
	if (!c->seen && cap && (p[0] == 0x80 || p[0] == 0x81 || p[0] == 0x16)) {
		give_up(c);	/* binary protocol, or TLS */
		return PROTO_DONE;
	}
	if (s->state == MS_SEEK && !seek(c, s, p, cap))
		return c->done ? PROTO_DONE : PROTO_MORE;
	if (s == &c->req)
		off = mc_req_parse(c, p, cap, ts);
	else
		off = mc_resp_parse(c, p, cap, ts);
	if (off < cap && !c->seen && ++c->misses >= MC_MISSES) {
		give_up(c);
		return PROTO_DONE;
	}
	if (total > cap && off == cap) {
		if (s == &c->req)
			mc_req_gap(c, total - cap, ts);
		else
			mc_resp_gap(c, total - cap, ts);
	}
	return PROTO_MORE;
}

static void mc_close(void *conn, uint64_t ts)
{
	struct mc_conn *c = conn;

	if (c->req.active && c->seen && c->req.state != MS_SEEK) {
		c->req.last_ns = ts;
		mc_req_lose(c);
	}
	mc_flush(c, ts);
	c->done = 1;
	c->req.state = MS_DEAD;
	c->resp.state = MS_DEAD;
}

static void mc_tick_cb(void *conn, uint64_t now)
{
	struct mc_conn *c = conn;
	uint64_t wait = c->o && c->o->max_wait_ns ? c->o->max_wait_ns : DEFAULT_MAX_WAIT_NS;

	if (!c->done)
		mc_tick(c, now, wait);
}

const struct proto_parser proto_memcached = {
	.name = "memcached",
	.id = PROTO_MEMCACHED,
	.conn_size = sizeof(struct mc_conn),
	.ports = { 11211, 0 },
	.detect = mc_detect,
	.init = mc_init,
	.feed = mc_feed,
	.close = mc_close,
	.tick = mc_tick_cb,
};
