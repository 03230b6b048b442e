/* The reply direction of a Memcached connection: a reply line, VALUE
 * lines (each with its data block) or STAT lines until END, a meta VA
 * line with its data block. What pairing needs is kept: the first line's
 * kind, an error word (ERROR, CLIENT_ERROR, SERVER_ERROR: the status),
 * the meta opaque token, the VALUE count (rows). NOT_FOUND, NOT_STORED
 * and EXISTS are answers, not errors: the command ran and said so. */
#include <string.h>

#include "memcache_int.h"

static const struct mc_word words[] = {
	{ "VALUE", RK_VALUE }, { "END", RK_END }, { "STAT", RK_STAT }, { "ITEM", RK_STAT },
	{ "ERROR", RK_ERR }, { "CLIENT_ERROR", RK_ERR }, { "SERVER_ERROR", RK_ERR },
	{ "VA", RK_VA }, { "HD", RK_HD }, { "EN", RK_EN }, { "NF", RK_NF }, { "NS", RK_NS },
	{ "EX", RK_EX }, { "MN", RK_MN }, { "ME", RK_ME }, { "STORED", RK_OTHER },
	{ "NOT_STORED", RK_OTHER }, { "EXISTS", RK_OTHER }, { "NOT_FOUND", RK_OTHER },
	{ "DELETED", RK_OTHER }, { "TOUCHED", RK_OTHER }, { "OK", RK_OTHER },
	{ "RESET", RK_OTHER }, { "VERSION", RK_OTHER },
};

static int word_index(const char *w, size_t n)
{
	return mc_word_index(words, sizeof(words) / sizeof(words[0]), w, n);
}

static void resp_tok(struct mc_conn *c, struct mc_side *s)
{
	struct mc_reply *r = &c->r;

	if (s->tok_i == 0) {
		int x = word_index(s->tok, s->tok_len);

		r->line_kind = x < 0 ? RK_OTHER : words[x].cls;
		if (r->line_kind == RK_ERR)
			memcpy(r->status, s->tok, sizeof(r->status) - 1);
		return;
	}
	if ((r->line_kind == RK_VALUE && s->tok_i == 3) ||
	    (r->line_kind == RK_VA && s->tok_i == 1))
		s->data = mc_num(s);
	if (r->line_kind < RK_VA || s->tok_i < (r->line_kind == RK_VA ? 2u : 1u))
		return;
	if (s->tok[0] == 'O') {
		memcpy(r->opaque, s->tok + 1, sizeof(r->opaque) - 1);
		r->opaque[sizeof(r->opaque) - 1] = 0;
	} else if (s->tok[0] == 'k') {
		memcpy(r->key, s->tok + 1, sizeof(r->key) - 1);
		r->key[sizeof(r->key) - 1] = 0;
	}
}

static void reply_end(struct mc_conn *c, struct mc_side *s, uint64_t ts)
{
	mc_msg_end(c, s);
	mc_reply_done(c, ts);
}

static int resp_end(struct mc_conn *c, struct mc_side *s, uint64_t ts)
{
	struct mc_reply *r = &c->r;
	uint8_t k = s->tok_i ? r->line_kind : RK_OTHER;

	if (!r->lines++)
		r->kind = k;
	s->llen = 0;
	s->tok_i = 0;
	if (k == RK_VALUE || k == RK_VA) {
		if (s->data < 0 || (uint64_t)s->data > MC_DATA_MAX)
			return -1;
		r->multi = k == RK_VALUE;
		r->rows = r->rows < 0 ? 1 : r->rows + 1;
		s->remain = (uint64_t)s->data + 2;
		s->state = MS_DATA;
		return 0;
	}
	if (k == RK_ERR)
		r->err = 1;
	if (r->multi && k != RK_END && k != RK_ERR) {
		r->rows++;
		return 0;	/* more STAT lines, or the like */
	}
	if (k == RK_STAT) {
		r->multi = 1;
		r->rows = 1;
		return 0;
	}
	if (k == RK_END && r->rows < 0)
		r->rows = 0;
	reply_end(c, s, ts);
	return 0;
}

static void begin(struct mc_conn *c, uint64_t ts)
{
	struct mc_side *s = &c->resp;

	if (!s->active) {
		memset(&c->r, 0, sizeof(c->r));
		c->r.rows = -1;
		mc_msg_begin(s, ts);
	}
	mc_line_begin(s);
}

void mc_resp_lose(struct mc_conn *c)
{
	struct mc_side *s = &c->resp;

	mc_lost_stat(c);
	s->state = MS_SEEK;
	s->active = 0;
	if (c->lp.seen)
		mc_unpaired(c);
}

/* The data block ended: a VA reply is over, VALUE lines go on. */
static void data_done(struct mc_conn *c, uint64_t ts)
{
	if (c->r.multi) {
		begin(c, ts);
		return;
	}
	reply_end(c, &c->resp, ts);
}

/* replies begin with a word or a number */
static int resp_first(uint8_t ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static const struct mc_line_ops resp_ops = {
	.tok = resp_tok, .end = resp_end, .bytes = NULL,
	.first = resp_first, .begin = begin, .done = data_done, .lose = mc_resp_lose,
};

static void resp_gap(void *conn, uint64_t gap, uint64_t ts)
{
	struct mc_conn *c = conn;
	struct mc_side *s = &c->resp;

	if (s->state == MS_DATA) {
		gap = mc_side_gap(c, s, &resp_ops, gap, ts);
		if (!gap)
			return;
	}
	if (s->state == MS_SEEK || s->state == MS_DEAD)
		return;
	mc_resp_lose(c);
}

/* A known reply word and its delimiter (strict: the line's LF too). */
int mc_resp_starts(const uint8_t *p, size_t n, int strict)
{
	return mc_starts(words, sizeof(words) / sizeof(words[0]), 0, p, n, strict);
}

const struct lpf_dir mc_resp_dir = { mc_side_parse, resp_gap, mc_resp_starts, &resp_ops };
