/* Memcached lines, streamed: tokens split on spaces, each handed over
 * at its end with its first bytes; the line ends at LF (the server takes
 * a bare LF from clients; a CR must come right before the LF). Data
 * blocks: `remain` bytes of which the last two are CRLF. */
#include <string.h>

#include "memcache_int.h"

static void tok_end(struct mc_conn *c, struct mc_side *s, const struct mc_line_ops *ops)
{
	if (!s->tok_len)
		return;
	s->tok[s->tok_n] = 0;
	ops->tok(c, s);
	s->tok_i++;
	s->tok_len = 0;
	s->tok_n = 0;
}

long mc_line(struct mc_conn *c, struct mc_side *s, const struct mc_line_ops *ops,
	     const uint8_t *p, size_t n, uint64_t ts)
{
	size_t i = 0;

	for (; i < n; i++) {
		uint8_t ch = p[i];

		s->bytes++;
		if (ch == '\n') {
			tok_end(c, s, ops);
			s->cr = 0;
			return ops->end(c, s, ts) ? -1 : (long)i + 1;
		}
		if (s->cr || ++s->llen > MC_LINE_MAX)
			return -1;
		if (ch == '\r') {
			s->cr = 1;
			continue;
		}
		if (ch < 0x20 && ch != '\t')
			return -1;
		if (ops->bytes)
			ops->bytes(c, &ch, 1);
		if (ch == ' ' || ch == '\t') {
			tok_end(c, s, ops);
			continue;
		}
		if (s->tok_n < sizeof(s->tok) - 1)
			s->tok[s->tok_n++] = (char)ch;
		s->tok_len++;
	}
	return (long)i;
}

int mc_data(struct mc_side *s, const uint8_t *p, uint64_t k)
{
	uint64_t data = s->remain > 2 ? s->remain - 2 : 0, d = k < data ? k : data;

	for (uint64_t i = d; i < k; i++)
		if (p && p[i] != (s->remain - i == 2 ? '\r' : '\n'))
			return -1;
	s->remain -= k;
	s->bytes += k;
	return 0;
}

/* The token as an unsigned decimal; -1 when it is not one. */
int64_t mc_num(const struct mc_side *s)
{
	int64_t v = 0;

	if (!s->tok_len || s->tok_len > 18)
		return -1;
	for (uint32_t i = 0; i < s->tok_len; i++) {
		if (s->tok[i] < '0' || s->tok[i] > '9')
			return -1;
		v = v * 10 + (s->tok[i] - '0');
	}
	return v;
}

int mc_tok_is(const struct mc_side *s, const char *w)
{
	return s->tok_len == strlen(w) && !strcmp(s->tok, w);
}

size_t mc_side_parse(void *conn, const struct lpf_dir *d, const uint8_t *p, size_t n,
		     uint64_t ts)
{
	struct mc_conn *c = conn;
	const struct mc_line_ops *ops = d->arg;
	struct mc_side *s = ops->req ? &c->req : &c->resp;
	size_t off = 0;

	while (off < n) {
		long k;

		if (s->state == MS_IDLE) {
			if (!ops->first(p[off])) {
				ops->lose(c);
				return off;
			}
			ops->begin(c, ts);
		}
		s->last_ns = ts;
		if (s->state == MS_LINE) {
			k = mc_line(c, s, ops, p + off, n - off, ts);
		} else if (s->state == MS_DATA) {
			uint64_t m = n - off < s->remain ? n - off : s->remain;

			k = mc_data(s, p + off, m) ? -1 : (long)m;
			if (k >= 0 && !s->remain)
				ops->done(c, ts);
		} else {
			return off;
		}
		if (k < 0) {
			ops->lose(c);
			return off;
		}
		off += (size_t)k;
	}
	return off;
}

uint64_t mc_side_gap(struct mc_conn *c, struct mc_side *s, const struct mc_line_ops *ops,
		     uint64_t gap, uint64_t ts)
{
	uint64_t m = gap < s->remain ? gap : s->remain;

	mc_data(s, NULL, m);
	s->last_ns = ts;
	if (!s->remain)
		ops->done(c, ts);
	return gap - m;
}

void mc_msg_begin(struct mc_side *s, uint64_t ts)
{
	s->active = 1;
	s->start_ns = ts;
	s->bytes = 0;
}

void mc_msg_end(struct mc_conn *c, struct mc_side *s)
{
	s->active = 0;
	s->state = MS_IDLE;
	s->synced = 1;
	c->lp.seen = 1;
	c->lp.misses = 0;
}

void mc_line_begin(struct mc_side *s)
{
	s->llen = 0;
	s->tok_i = 0;
	s->tok_n = 0;
	s->tok_len = 0;
	s->cr = 0;
	s->data = -1;
	s->state = MS_LINE;
}

void mc_lost_stat(const struct mc_conn *c)
{
	/* before anything was seen this was no message: passed over */
	mc_stat(c, c->lp.seen ? offsetof(struct proto_stats, sync_lost)
			      : offsetof(struct proto_stats, skipped), 1);
}

int mc_word_index(const struct mc_word *t, size_t nt, const char *w, size_t n)
{
	for (size_t i = 0; i < nt; i++)
		if (strlen(t[i].w) == n && !memcmp(t[i].w, w, n))
			return (int)i;
	return -1;
}

int mc_starts(const struct mc_word *t, size_t nt, int req, const uint8_t *p, size_t n,
	      int strict)
{
	uint8_t lo = req ? 'a' : 'A';
	size_t i = 0;

	while (i < n && i < 16 && ((p[i] >= lo && p[i] <= lo + 25) || p[i] == '_'))
		i++;
	if (i == n && !strict) {
		/* a short first syscall: the start of a known word */
		for (size_t k = 0; k < nt; k++)
			if (strlen(t[k].w) >= n && !memcmp(t[k].w, p, n))
				return 1;
	}
	if (!i || i == n || mc_word_index(t, nt, (const char *)p, i) < 0)
		return 0;
	/* a command may end at its word ("quit\n"), a reply has a CR */
	if (p[i] != ' ' && p[i] != '\r' && !(req && p[i] == '\n'))
		return 0;
	for (; i < n && p[i] != '\n'; i++)
		if ((p[i] < 0x20 && p[i] != '\r' && !(req && p[i] == '\t')) || p[i] >= 0x7f)
			return 0;
	return i < n || !strict;
}
