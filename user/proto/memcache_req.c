/* The command direction of a Memcached connection: a command line, and
 * for the storage commands (set add replace append prepend cas, meta ms)
 * the data block whose length the line gives. The operation is the
 * command word as sent ("get", "mg"); the text is the line with its keys
 * and numbers (the data never). A final "noreply" asks for no reply; a
 * meta "q" flag for none on an uninteresting result; "O<token>" is
 * echoed by the reply. */
#include <string.h>

#include "memcache_int.h"

static const struct mc_word cmds[] = {
	{ "set", MC_STORE }, { "add", MC_STORE }, { "replace", MC_STORE },
	{ "append", MC_STORE }, { "prepend", MC_STORE }, { "cas", MC_STORE },
	{ "get", MC_GET }, { "gets", MC_GET }, { "gat", MC_GET }, { "gats", MC_GET },
	{ "stats", MC_STATS }, { "mg", MC_MG }, { "ms", MC_MS }, { "md", MC_MD },
	{ "ma", MC_MA }, { "mn", MC_MN }, { "me", MC_ME }, { "delete", MC_OTHER },
	{ "incr", MC_OTHER }, { "decr", MC_OTHER }, { "touch", MC_OTHER },
	{ "flush_all", MC_OTHER }, { "version", MC_OTHER }, { "verbosity", MC_OTHER },
	{ "quit", MC_OTHER }, { "lru_crawler", MC_STATS }, { "slabs", MC_OTHER },
	{ "cache_memlimit", MC_OTHER }, { "shutdown", MC_OTHER }, { "watch", MC_OTHER },
};

static int cmd_index(const char *w, size_t n)
{
	return mc_word_index(cmds, sizeof(cmds) / sizeof(cmds[0]), w, n);
}

static void req_tok(struct mc_conn *c, struct mc_side *s)
{
	struct mc_cmd *k = &c->cur;
	uint32_t i = s->tok_i;

	if (i == 0) {
		int x = cmd_index(s->tok, s->tok_len);

		size_t j = 0;

		for (; j < sizeof(k->op) - 1 && s->tok[j]; j++)
			k->op[j] = s->tok[j] > 0x20 && s->tok[j] < 0x7f ? s->tok[j] : '?';
		k->op[j] = 0;
		k->cls = x < 0 ? MC_OTHER : cmds[x].cls;
		return;
	}
	if ((k->cls == MC_STORE && i == 4) || (k->cls == MC_MS && i == 2))
		s->data = mc_num(s);
	if (k->cls < MC_MG) {
		k->quiet = mc_tok_is(s, "noreply") ? MQ_NOREPLY : MQ_NONE;
		return;
	}
	if (i == 1 && k->cls != MC_MN) {
		memcpy(k->key, s->tok, sizeof(k->key) - 1);
		k->key[sizeof(k->key) - 1] = 0;
	}
	if (i < (k->cls == MC_MN ? 1u : k->cls == MC_MS ? 3u : 2u))
		return;
	if (mc_tok_is(s, "q")) {
		k->quiet = MQ_META;
	} else if (s->tok[0] == 'O') {
		memcpy(k->opaque, s->tok + 1, sizeof(k->opaque) - 1);
		k->opaque[sizeof(k->opaque) - 1] = 0;
	}
}

static void req_bytes(struct mc_conn *c, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (c->text_len < MC_TEXT - 1)
			c->cur.text[c->text_len++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
		else
			c->cur.flags |= DB_X_TRUNC;
	}
}

static void cmd_done(struct mc_conn *c, uint64_t ts)
{
	struct mc_side *s = &c->req;

	c->cur.bytes = s->bytes;
	mc_msg_end(c, s);
	mc_commit(c, ts);
}

static int req_end(struct mc_conn *c, struct mc_side *s, uint64_t ts)
{
	c->cur.text[c->text_len] = 0;
	if (!strcmp(c->cur.op, "quit"))
		c->cur.quiet = MQ_NOREPLY;	/* the server closes */
	if (s->data >= 0 && (c->cur.cls == MC_STORE || c->cur.cls == MC_MS)) {
		if ((uint64_t)s->data > MC_DATA_MAX)
			return -1;
		s->remain = (uint64_t)s->data + 2;
		s->state = MS_DATA;
		return 0;
	}
	cmd_done(c, ts);
	return 0;
}

static void begin(struct mc_conn *c, uint64_t ts)
{
	struct mc_side *s = &c->req;

	memset(&c->cur, 0, sizeof(c->cur));
	c->cur.start_ns = ts;
	c->text_len = 0;
	mc_msg_begin(s, ts);
	mc_line_begin(s);
}

void mc_req_lose(struct mc_conn *c)
{
	struct mc_side *s = &c->req;

	mc_lost_stat(c);
	if (s->active && c->lp.seen) {
		if (s->state == MS_LINE && s->tok_len) {
			s->tok[s->tok_n] = 0;
			req_tok(c, s);	/* the word cut short */
		}
		c->cur.flags |= DB_X_TRUNC | DB_X_SIZE_UNKNOWN;
		c->cur.text[c->text_len] = 0;
		cmd_done(c, s->last_ns);
	}
	s->active = 0;
	s->state = MS_SEEK;
	if (c->lp.seen)
		mc_pair_lost(c);
}

/* the binary protocol, or garbage, is not a command */
static int req_first(uint8_t ch)
{
	return ch < 0x80 && (ch >= 0x20 || ch == '\r' || ch == '\n');
}

static const struct mc_line_ops req_ops = {
	.tok = req_tok, .end = req_end, .bytes = req_bytes,
	.first = req_first, .begin = begin, .done = cmd_done, .lose = mc_req_lose, .req = 1,
};

static void req_gap(void *conn, uint64_t gap, uint64_t ts)
{
	struct mc_conn *c = conn;
	struct mc_side *s = &c->req;

	if (s->state == MS_SEEK || s->state == MS_DEAD)
		return;
	if (s->state == MS_DATA) {
		c->cur.flags |= DB_X_TRUNC;	/* not all captured */
		gap = mc_side_gap(c, s, &req_ops, gap, ts);
		if (!gap)
			return;
	}
	if (s->active)
		s->bytes += gap;
	mc_req_lose(c);
}

/* A known command word and its delimiter (strict: the line's LF too). */
int mc_req_starts(const uint8_t *p, size_t n, int strict)
{
	return mc_starts(cmds, sizeof(cmds) / sizeof(cmds[0]), 1, p, n, strict);
}

const struct lpf_dir mc_req_dir = { mc_side_parse, req_gap, mc_req_starts, &req_ops };
