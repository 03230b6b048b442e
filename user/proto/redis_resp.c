/* The reply direction of a Redis connection: one RESP2 or RESP3 value
 * per reply, aggregates nested up to REDIS_DEPTH. Attributes ('|') come
 * before a value and are not one (nor an element of their aggregate).
 * What pairing needs is kept: the reply's type, its error prefix (a
 * simple error's or a blob error's first word), its element count, and
 * for arrays and pushes the first element's word and the third's integer
 * (pub/sub: "message", "subscribe" ... and the subscription count). Blob
 * strings are skipped exactly through gaps; RESP3 streamed strings and
 * aggregates ("$?", "*?": not sent by the Redis server) lose the framing. */
#include <string.h>

#include "redis_int.h"

static int is_type(uint8_t ch)
{
	return ch && strchr("+-:$*%~>_,#!=(|", ch) != NULL;
}

void redis_resp_lose(struct redis_conn *c)
{
	struct redis_side *s = &c->resp;

	/* before anything was seen this was no message: passed over */
	redis_stat(c, c->lp.seen ? offsetof(struct proto_stats, sync_lost)
		       : offsetof(struct proto_stats, skipped), 1);
	s->state = RS_SEEK;
	s->depth = 0;
	if (c->lp.seen)
		redis_unpaired(c);
	s->active = 0;
}

/* The element being read is the top aggregate's element i. */
static int top_elem(const struct redis_side *s, int64_t i)
{
	return s->depth == 1 && !s->attr[0] && s->total >= 0 && s->left[0] == s->total - i;
}

static void head_bytes(struct redis_side *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n && s->head_len < sizeof(s->head) - 1; i++)
		s->head[s->head_len++] = p[i];
	s->head[s->head_len] = 0;
}

/* A value ended: close the aggregates it completes; at the top, the
 * reply ended (unless it was an attribute). */
static void value_done(struct redis_conn *c, uint64_t ts)
{
	struct redis_side *s = &c->resp;

	s->state = RS_IDLE;
	while (s->depth) {
		if (--s->left[s->depth - 1] > 0)
			return;
		s->depth--;
		if (s->attr[s->depth])
			return;	/* not an element of what holds it */
	}
	if (!s->top)
		return;	/* a top-level attribute: the reply follows */
	s->active = 0;
	s->synced = 1;
	c->lp.seen = 1;
	c->lp.misses = 0;
	redis_reply_done(c, ts);
}

/* An aggregate of n elements (pairs for maps and attributes) begins. */
static int aggregate(struct redis_conn *c, int64_t n, uint64_t ts)
{
	struct redis_side *s = &c->resp;
	int pairs = s->type == '%' || s->type == '|';

	if (n == -1 && (s->type == '*' || s->type == '%')) {
		value_done(c, ts);	/* null aggregate */
		return 0;
	}
	if (n < 0 || s->depth == REDIS_DEPTH)
		return -1;
	if (s->depth == 0 && s->type != '|')
		s->total = n;
	if (n == 0) {
		if (s->type == '|')
			s->state = RS_IDLE;
		else
			value_done(c, ts);
		return 0;
	}
	s->left[s->depth] = pairs ? 2 * n : n;
	s->attr[s->depth] = s->type == '|';
	s->depth++;
	s->state = RS_IDLE;
	return 0;
}

static int line_done(struct redis_conn *c, uint64_t ts)
{
	struct redis_side *s = &c->resp;
	size_t n = s->llen < sizeof(s->line) ? s->llen : sizeof(s->line) - 1;
	int64_t v = redis_line_int(s->line, n);
	uint8_t t = s->type;

	s->cr = 0;
	if (t == '-' && s->depth == 0) {
		head_bytes(s, s->line, n);
	} else if (t == '+' && top_elem(s, 0)) {
		head_bytes(s, s->line, n);
		s->head_el = 1;
	} else if (t == ':' && top_elem(s, 2)) {
		s->third = v;
	}
	if (strchr("$!=", t)) {
		if (v == -1 && t == '$') {
			value_done(c, ts);
			return 0;
		}
		if (v < 0 || (uint64_t)v > REDIS_BULK_MAX)
			return -1;
		s->remain = (uint64_t)v + 2;
		s->cap_head = (t == '!' && s->depth == 0) || top_elem(s, 0);
		if (top_elem(s, 0))
			s->head_el = 1;
		s->state = RS_BULK;
		return 0;
	}
	if (strchr("*%~|>", t))
		return aggregate(c, v, ts);
	value_done(c, ts);
	return 0;
}

static long line_bytes(struct redis_conn *c, const uint8_t *p, size_t n, uint64_t ts)
{
	struct redis_side *s = &c->resp;

	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i];

		s->bytes++;
		if (s->cr) {
			if (ch != '\n')
				return -1;
			s->llen = s->llen < sizeof(s->line) ? s->llen : sizeof(s->line) - 1;
			return line_done(c, ts) ? -1 : (long)i + 1;
		}
		if (ch == '\r') {
			s->cr = 1;
		} else if (ch == '\n') {
			return -1;
		} else {
			if (s->llen < sizeof(s->line))
				s->line[s->llen] = (char)ch;
			if (s->llen < UINT16_MAX)
				s->llen++;
		}
	}
	return (long)n;
}

static long bulk_bytes(struct redis_conn *c, const uint8_t *p, uint64_t k, uint64_t ts)
{
	struct redis_side *s = &c->resp;
	uint64_t data = s->remain > 2 ? s->remain - 2 : 0, d = k < data ? k : data;

	s->bytes += k;
	if (p && d && s->cap_head)
		head_bytes(s, (const char *)p, (size_t)d);
	for (uint64_t i = d; i < k; i++)
		if (p && p[i] != (s->remain - i == 2 ? '\r' : '\n'))
			return -1;
	s->remain -= k;
	if (!s->remain) {
		s->cap_head = 0;
		value_done(c, ts);
	}
	return (long)k;
}

static long idle_byte(struct redis_conn *c, uint8_t ch, uint64_t ts)
{
	struct redis_side *s = &c->resp;

	if (!is_type(ch))
		return -1;
	if (!s->active) {
		s->active = 1;
		s->start_ns = ts;
		s->bytes = 0;
		s->top = 0;
		s->head_len = 0;
		s->head[0] = 0;
		s->head_el = 0;
		s->cap_head = 0;
		s->total = -1;
		s->third = -1;
		s->depth = 0;
	}
	if (s->depth == 0 && ch != '|')
		s->top = ch;
	s->bytes++;
	s->type = ch;
	s->llen = 0;
	s->cr = 0;
	s->state = RS_LINE;
	return 1;
}

/* One step of the reply stream, as the command stream's */
static long resp_step(struct redis_conn *c, const uint8_t *p, size_t n, uint64_t ts)
{
	struct redis_side *s = &c->resp;
	long k;

	switch (s->state) {
	case RS_IDLE:
		k = idle_byte(c, p[0], ts);
		break;
	case RS_LINE:
		k = line_bytes(c, p, n, ts);
		break;
	case RS_BULK:
		k = bulk_bytes(c, p, n < s->remain ? n : s->remain, ts);
		break;
	default:
		return REDIS_STOP;
	}
	if (k >= 0)
		s->last_ns = ts;
	return k;
}

static void resp_gap(void *conn, uint64_t gap, uint64_t ts)
{
	struct redis_conn *c = conn;
	struct redis_side *s = &c->resp;

	if (s->state == RS_BULK) {
		uint64_t m = gap < s->remain ? gap : s->remain;

		s->last_ns = ts;
		bulk_bytes(c, NULL, m, ts);
		gap -= m;
		if (!gap)
			return;
	}
	if (s->state == RS_SEEK || s->state == RS_DEAD)
		return;
	redis_resp_lose(c);
}

/* A type byte and a line that fits it; strict: the line's end seen. */
int redis_resp_starts(const uint8_t *p, size_t n, int strict)
{
	size_t i;

	if (!n || !is_type(p[0]))
		return 0;
	for (i = 1; i < n && p[i] != '\r'; i++) {
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return 0;
		/* numbers after the types that announce a length */
		if (strchr("$*%~>|!=", p[0]) && !(p[i] >= '0' && p[i] <= '9') &&
		    !(i == 1 && (p[i] == '-' || p[i] == '?')))
			return 0;
	}
	if (i == n)
		return !strict;
	return i + 1 < n ? p[i + 1] == '\n' : !strict;
}

static const struct redis_dir resp_dir = { resp_step, redis_resp_lose };
const struct lpf_dir redis_resp_dir = { redis_run, resp_gap, redis_resp_starts, &resp_dir };
