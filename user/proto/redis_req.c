/* The command direction of a Redis connection: arrays of bulk strings
 * ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), or inline lines ("PING\r\n", as
 * typed into telnet). Bulk strings have their length first, so a gap
 * inside one is skipped exactly; a gap anywhere else hides how many
 * commands it holds, and pairing is lost after the last command seen. */
#include <string.h>
#include <strings.h>

#include "redis_int.h"

int64_t redis_line_int(const char *s, size_t n)
{
	int64_t v = 0;
	size_t i = 0;
	int neg = 0;

	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	if (i == n || n - i > 18)
		return -2;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -2;
		v = v * 10 + (s[i] - '0');
	}
	return neg ? (v == 1 ? -1 : -2) : v;
}

static void msg_begin(struct redis_conn *c, uint64_t ts)
{
	struct redis_side *s = &c->req;

	s->active = 1;
	s->start_ns = ts;
	s->last_ns = ts;
	s->bytes = 0;
	redis_cmd_begin(&c->b, ts);
}

static void cmd_done(struct redis_conn *c, uint64_t ts)
{
	struct redis_side *s = &c->req;

	redis_cmd_end(&c->b);
	c->b.c.bytes = s->bytes;
	s->active = 0;
	s->state = RS_IDLE;
	s->synced = 1;
	c->lp.seen = 1;
	c->lp.misses = 0;
	redis_cmd_commit(c, ts);
}

void redis_req_lose(struct redis_conn *c)
{
	struct redis_side *s = &c->req;

	/* before anything was seen this was no message: passed over */
	redis_stat(c, c->lp.seen ? offsetof(struct proto_stats, sync_lost)
		       : offsetof(struct proto_stats, skipped), 1);
	if (s->active && c->lp.seen) {
		/* the command was sent: it is answered, whatever it was */
		c->b.c.flags |= DB_X_TRUNC | DB_X_SIZE_UNKNOWN;
		if (s->state == RS_BULK || (s->state == RS_INLINE && !c->b.inline_ws))
			redis_arg_end(&c->b);
		cmd_done(c, s->last_ns);
	}
	s->active = 0;
	s->state = RS_SEEK;
	if (c->lp.seen)
		redis_pair_lost(c);
}

/* The end of a type line: what it announces. 0, or -1 when broken. */
static int line_done(struct redis_conn *c)
{
	struct redis_side *s = &c->req;
	int64_t v = redis_line_int(s->line, s->llen);

	s->llen = 0;
	s->cr = 0;
	if (s->type == '*') {
		if (v == -2 || v > REDIS_ARGS_MAX)
			return -1;
		if (v <= 0) {
			/* an empty command: the server skips it silently */
			s->active = 0;
			s->state = RS_IDLE;
			return 0;
		}
		c->b.args_left = (uint32_t)v;
		s->type = 0;
		return 0;
	}
	if (v < 0 || (uint64_t)v > REDIS_BULK_MAX)
		return -1;
	s->remain = (uint64_t)v + 2;
	s->state = RS_BULK;
	redis_arg_begin(&c->b, 0);
	return 0;
}

/* Type line bytes; returns bytes taken, or -1 on a broken line. */
static long line_bytes(struct redis_conn *c, const uint8_t *p, size_t n)
{
	struct redis_side *s = &c->req;
	size_t i = 0;

	if (s->type == 0) {
		if (p[0] != '$')
			return -1;
		s->type = '$';
		return 1;
	}
	for (; i < n; i++) {
		uint8_t ch = p[i];

		if (s->cr) {
			if (ch != '\n')
				return -1;
			return line_done(c) ? -1 : (long)i + 1;
		}
		if (ch == '\r')
			s->cr = 1;
		else if (s->llen < sizeof(s->line) - 1)
			s->line[s->llen++] = (char)ch;
		else
			return -1;
	}
	return (long)i;
}

/* k bulk bytes pass (data, when p is set; else unseen): the argument's
 * CRLF is checked where seen. Returns -1 when it is not CRLF. */
static int bulk_pass(struct redis_conn *c, const uint8_t *p, uint64_t k, uint64_t ts)
{
	struct redis_side *s = &c->req;
	uint64_t data = s->remain > 2 ? s->remain - 2 : 0, d = k < data ? k : data;

	if (d && p)
		redis_arg_bytes(&c->b, p, (size_t)d);
	else if (d)
		c->b.arg_n += d;
	for (uint64_t i = d; i < k; i++) {
		uint8_t want = s->remain - i == 2 ? '\r' : '\n';

		if (p && p[i] != want)
			return -1;
	}
	s->remain -= k;
	if (s->remain)
		return 0;
	redis_arg_end(&c->b);
	if (--c->b.args_left == 0) {
		cmd_done(c, ts);
	} else {
		s->state = RS_LINE;
		s->type = 0;
	}
	return 0;
}

/* Inline command bytes up to and with the LF; -1 when not a command. */
static long inline_bytes(struct redis_conn *c, const uint8_t *p, size_t n, uint64_t ts)
{
	struct redis_side *s = &c->req;
	struct redis_build *b = &c->b;
	size_t i = 0;

	for (; i < n; i++) {
		uint8_t ch = p[i];

		if (++s->bytes > REDIS_INLINE_MAX)
			return -1;
		if (ch == '\n' || ch == '\r' || ch == ' ' || ch == '\t') {
			if (!b->inline_ws)
				redis_arg_end(b);
			b->inline_ws = 1;
			if (ch == '\n') {
				cmd_done(c, ts);
				return (long)i + 1;
			}
			continue;
		}
		if (ch < 0x20 || ch == 0x7f)
			return -1;
		if (b->inline_ws)
			redis_arg_begin(b, ch);
		b->inline_ws = 0;
		redis_arg_bytes(b, &ch, 1);
	}
	return (long)i;
}

/* Between commands: the next one's first byte. Returns bytes taken
 * (0: the state changed, nothing taken), or -1. */
static long idle_byte(struct redis_conn *c, uint8_t ch, uint64_t ts)
{
	struct redis_side *s = &c->req;

	if (ch == '\r' || ch == '\n')
		return 1;	/* empty inline lines: skipped by the server */
	if (ch <= 0x20 || ch >= 0x7f)
		return -1;
	msg_begin(c, ts);
	if (ch == '*') {
		s->state = RS_LINE;
		s->type = '*';
		s->llen = 0;
		s->cr = 0;
		s->bytes = 1;
		return 1;
	}
	s->state = RS_INLINE;
	c->b.inline_ws = 1;
	return 0;
}

/* One step of the command stream at p (n > 0 bytes): bytes taken, -1
 * framing lost, REDIS_STOP not in a parsing state */
static long req_step(struct redis_conn *c, const uint8_t *p, size_t n, uint64_t ts)
{
	struct redis_side *s = &c->req;
	long k;

	if (s->active)
		s->last_ns = ts;
	switch (s->state) {
	case RS_IDLE:
		return idle_byte(c, p[0], ts);
	case RS_LINE:
		k = line_bytes(c, p, n);
		if (k > 0)
			s->bytes += (uint64_t)k;
		return k;
	case RS_BULK: {
		uint64_t m = n < s->remain ? n : s->remain;

		s->bytes += m;
		return bulk_pass(c, p, m, ts) ? -1 : (long)m;
	}
	case RS_INLINE:
		return inline_bytes(c, p, n, ts);
	default:
		return REDIS_STOP;
	}
}

static void req_gap(void *conn, uint64_t gap, uint64_t ts)
{
	struct redis_conn *c = conn;
	struct redis_side *s = &c->req;

	if (s->state == RS_SEEK || s->state == RS_DEAD)
		return;
	if (s->state == RS_BULK) {
		uint64_t m = gap < s->remain ? gap : s->remain;

		s->bytes += m;
		s->last_ns = ts;
		c->b.c.flags |= DB_X_TRUNC;
		bulk_pass(c, NULL, m, ts);
		gap -= m;
		if (!gap)
			return;
	}
	if (s->active)
		s->bytes += gap;
	redis_req_lose(c);
}

/* Inline commands a resynchronisation accepts: the tail of a value that
 * happens to start a syscall is rarely one of these words. One string,
 * not a table of pointers to them (a third of its size). */
static int inline_known(const uint8_t *p, size_t n)
{
	static const char w[] =
		"PING\0AUTH\0HELLO\0INFO\0QUIT\0SELECT\0GET\0SET\0DEL\0"
		"EXISTS\0INCR\0DECR\0KEYS\0TTL\0EXPIRE\0TYPE\0MGET\0MSET\0"
		"HGET\0HSET\0HGETALL\0LPUSH\0RPUSH\0LPOP\0RPOP\0LRANGE\0"
		"SADD\0SMEMBERS\0ZADD\0ZRANGE\0PUBLISH\0SUBSCRIBE\0FLUSHALL\0"
		"FLUSHDB\0DBSIZE\0CONFIG\0CLIENT\0MONITOR\0ECHO\0SCAN\0";

	for (const char *k = w; *k; k += strlen(k) + 1)
		if (strlen(k) == n && !strncasecmp(k, (const char *)p, n))
			return 1;
	return 0;
}

/* A known word and its delimiter, then a printable line (strict:
 * through its LF). */
static int inline_starts(const uint8_t *p, size_t n, int strict)
{
	size_t i = 0;

	while (i < n && i <= 20 && (p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z')
		i++;
	if (!i || i > 20 || i == n)
		return 0;
	if (p[i] != ' ' && p[i] != '\r' && p[i] != '\n')
		return 0;
	if (!inline_known(p, i))
		return 0;
	for (; i < n && p[i] != '\n'; i++)
		if ((p[i] < 0x20 && p[i] != '\r' && p[i] != '\t') || p[i] >= 0x7f)
			return 0;
	return i < n || !strict;
}

/* "*N\r\n$" (strict: "*N\r\n$M\r\n"), or an inline command. */
int redis_req_starts(const uint8_t *p, size_t n, int strict)
{
	static const char rest[] = "\r\n$";
	size_t i = 1, d;

	if (!n)
		return 0;
	if (p[0] != '*')
		return inline_starts(p, n, strict);
	for (d = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		d++;
	if (i == n)
		return !strict && d <= 7;
	if (!d || d > 7 || p[i] != '\r')
		return 0;
	for (size_t k = 0; k < 3; k++, i++) {
		if (i == n)
			return !strict;
		if (p[i] != (uint8_t)rest[k])
			return 0;
	}
	for (d = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		d++;
	if (i == n)
		return !strict && d <= 10;
	return d && d <= 10 && p[i] == '\r' && (i + 1 == n ? !strict : p[i + 1] == '\n');
}

static const struct redis_dir req_dir = { req_step, redis_req_lose };
const struct lpf_dir redis_req_dir = { redis_run, req_gap, redis_req_starts, &req_dir };
