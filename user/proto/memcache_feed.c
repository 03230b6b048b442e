/* The Memcached parser's entry points (rawtel/proto.h).
 *
 * Detection: a known command word with its delimiter in the command
 * direction, a known reply word in the other: likely, not sure (an
 * inline Redis command "get k" looks the same; the port breaks the tie),
 * except a storage command line ("set k 0 0 5\r\n"), which is Memcached.
 * The binary protocol (magic 0x80 requests, 0x81 responses) is not
 * parsed: detect() says no and feed() gives it up.
 *
 * Syscalls, resynchronisation and giving up as Redis's (lpf.h): the
 * command side at the next syscall that starts with a known command
 * word; the reply side only after a command was seen following the
 * loss. */
#include <string.h>

#include "memcache_int.h"

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
	int req = lpf_is_req(role, dir);

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
	c->lp.role = (uint8_t)role;
	c->req.state = MS_SEEK;
	c->resp.state = MS_SEEK;
	c->head_seq = c->tail_seq = 1;
	c->lost_seq = MC_NO_LOSS;
	c->lp.wait_req = 1;
}

/* the binary protocol, or TLS */
static int alien(const uint8_t *p, size_t cap)
{
	(void)cap;
	return p[0] == 0x80 || p[0] == 0x81 || p[0] == 0x16;
}

static struct lpf_conn *lp(void *conn)
{
	return &((struct mc_conn *)conn)->lp;
}

static struct lpf_side side(void *conn, int req)
{
	struct mc_conn *c = conn;
	struct mc_side *s = req ? &c->req : &c->resp;

	return (struct lpf_side){ .state = &s->state, .synced = s->synced };
}

static void stat(const void *conn, size_t off, uint64_t n)
{
	mc_stat(conn, off, n);
}

static void unpair(void *conn)
{
	struct mc_conn *c = conn;

	mc_flush(c, c->req.last_ns);
}

static const struct lpf_ops ops = {
	.name = "Memcached",
	.dead = MS_DEAD,
	.alien = alien,
	.lp = lp,
	.side = side,
	.stat = stat,
	.req = &mc_req_dir,
	.resp = &mc_resp_dir,
	.unpair = unpair,
};

static int mc_feed(void *conn, enum proto_dir dir, uint64_t ts, const void *data, size_t cap,
		   uint64_t total)
{
	return lpf_feed(conn, &ops, dir, ts, data, cap, total);
}

static void mc_close(void *conn, uint64_t ts)
{
	struct mc_conn *c = conn;

	if (c->req.active && c->lp.seen && c->req.state != MS_SEEK) {
		c->req.last_ns = ts;
		mc_req_lose(c);
	}
	mc_flush(c, ts);
	lpf_stop(c, &ops);
}

static void mc_tick_cb(void *conn, uint64_t now)
{
	struct mc_conn *c = conn;

	if (!c->lp.done)
		mc_tick(c, now, lpf_max_wait(c->o));
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
