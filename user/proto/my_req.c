/* Client messages: the handshake response (capabilities, database;
 * authentication data is wiped, never kept), the commands turned into
 * requests, LOCAL INFILE data passed over. Statement text is copied;
 * the values bound to prepared statements never are (only a command's
 * first five bytes are kept: the byte and the statement id). */
#include <stdio.h>
#include <string.h>

#include "my_int.h"
#include "rawtel/fmt.h"

/* A command whose first 4 bytes after its code are a statement id. */
static int names_stmt(uint8_t cmd)
{
	switch (cmd) {
	case MY_COM_STMT_EXECUTE:
	case MY_COM_STMT_SEND_LONG_DATA:
	case MY_COM_STMT_CLOSE:
	case MY_COM_STMT_RESET:
	case MY_COM_STMT_FETCH:
	case MY_COM_STMT_BULK_EXECUTE:
		return 1;
	default:
		return 0;
	}
}

uint32_t my_req_keep(const struct my_conn *c, const struct my_side *s, uint8_t first)
{
	if (c->infile || c->phase == PH_AUTH)
		return 0;
	if (c->phase == PH_GREETED)
		return MY_BUF;
	if (s->first_seq != 0)
		return 0;	/* COM_CHANGE_USER's authentication data */
	if (names_stmt(first))
		return 5;
	switch (first) {
	case MY_COM_QUERY:
	case MY_COM_STMT_PREPARE:
		return MY_BUF;
	case MY_COM_INIT_DB:
		return 1 + DB_NS_MAX;
	default:
		return 1;
	}
}

int my_req_seq_ok(struct my_conn *c, uint8_t seq)
{
	const struct my_req *h;

	if (c->infile)
		return 1;
	switch (c->phase) {
	case PH_GREETED:
		return seq == 1;
	case PH_AUTH:
		if (seq == 0)
			c->phase = PH_CMD;	/* the server's OK went unseen */
		return 1;
	case PH_CMD:
		if (seq == 0)
			return 1;
		h = my_head(c);
		return h && h->cmd == MY_COM_CHANGE_USER && c->r.state == R_AUTH;
	default:
		return 0;
	}
}

/* COM_QUERY's text: after MySQL 8's query attributes when they were
 * negotiated (or, on a connection joined mid-stream, when the payload
 * starts with their empty form: text never starts with a NUL). */
static void query_text(const struct my_conn *c, const struct my_side *s, struct db_exchange *x)
{
	size_t off = 1, n = s->have;
	uint64_t params = 0, sets;

	if ((c->caps_known && (c->caps & MY_CAP_QUERY_ATTRS)) ||
	    (!c->caps_known && n >= 3 && s->buf[1] == 0 && s->buf[2] == 1)) {
		if (my_lenenc(s->buf, n, &off, &params) || my_lenenc(s->buf, n, &off, &sets) ||
		    params) {
			/* bound values come before the text: none kept */
			x->flags |= DB_X_TRUNC;
			return;
		}
	}
	if (off > n)
		return;
	if (my_copy_str(x->text, sizeof(x->text), s->buf + off, n - off) || s->len > n)
		x->flags |= DB_X_TRUNC;
}

/* MariaDB's id -1, "the statement prepared last" (sent right after its
 * COM_STMT_PREPARE, before its id came back): that prepare's text. */
static int last_prepare(struct my_conn *c, struct db_exchange *x)
{
	for (uint64_t i = c->tail; i > c->head; i--) {
		const struct my_req *p = &c->q[(i - 1) % MY_PIPE];

		if (p->cmd != MY_COM_STMT_PREPARE)
			continue;
		memcpy(x->text, p->x.text, sizeof(x->text));
		x->flags |= DB_X_PREPARED | (p->x.flags & DB_X_TRUNC);
		if (x->op[0] && !strcmp(x->op, "COM_STMT_EXECUTE"))
			x->op[0] = 0;
		return 1;
	}
	return 0;
}

/* The statement id of COM_STMT_*: its text when it was prepared here. */
static void stmt_ref(struct my_conn *c, const struct my_side *s, struct my_req *rq)
{
	const struct my_stmt *st;
	struct db_exchange *x = &rq->x;

	if (s->have < 5) {
		x->flags |= DB_X_TRUNC;
		return;
	}
	rq->has_id = 1;
	rq->stmt_id = my_le32(s->buf + 1);
	if (rq->stmt_id == UINT32_MAX) {
		if (last_prepare(c, x)) {
			fmt_snprintf(x->stmt, sizeof(x->stmt), "-1");
			return;
		}
		if (c->last_stmt)
			rq->stmt_id = c->last_stmt - 1;
	}
	fmt_snprintf(x->stmt, sizeof(x->stmt), "%u", rq->stmt_id);
	st = my_stmt_get(c, rq->stmt_id);
	if (!st) {
		x->flags |= DB_X_STMT_UNKNOWN;
		return;
	}
	memcpy(x->text, st->text, sizeof(x->text));
	x->flags |= DB_X_PREPARED | (st->trunc ? DB_X_TRUNC : 0);
	if (rq->cmd == MY_COM_STMT_EXECUTE)
		x->op[0] = 0;	/* the text names the operation */
}

static void cmd_fields(struct my_conn *c, const struct my_side *s, struct my_req *rq)
{
	struct db_exchange *x = &rq->x;

	if (names_stmt(rq->cmd)) {
		stmt_ref(c, s, rq);
		if (rq->cmd == MY_COM_STMT_CLOSE && rq->has_id)
			my_stmt_drop(c, rq->stmt_id);
		return;
	}
	switch (rq->cmd) {
	case MY_COM_QUERY:
		query_text(c, s, x);
		return;
	case MY_COM_STMT_PREPARE:
		if (my_copy_str(x->text, sizeof(x->text), s->buf + 1, s->have - 1) ||
		    s->len > s->have)
			x->flags |= DB_X_TRUNC;
		return;
	case MY_COM_INIT_DB:
		/* the span's namespace: the schema it switches to */
		if (my_copy_str(x->ns, sizeof(x->ns), s->buf + 1, s->have - 1) ||
		    s->len > s->have)
			x->flags |= DB_X_TRUNC;
		return;
	default:
		return;
	}
}

/* A command (whole, or cut short with `flags`): a request. */
static void cmd_msg(struct my_conn *c, const struct my_side *s, uint32_t flags)
{
	uint8_t cmd = s->have ? s->buf[0] : MY_COM_NONE;
	int noreply = cmd == MY_COM_QUIT || cmd == MY_COM_STMT_CLOSE ||
		      cmd == MY_COM_STMT_SEND_LONG_DATA;
	struct my_req *rq = my_new_req(c, noreply);
	struct db_exchange *x;

	if (!rq) {
		my_commit(c, NULL, 0);
		return;
	}
	x = &rq->x;
	memset(x, 0, sizeof(*x));
	x->proto = PROTO_MYSQL;
	x->start_ns = s->start_ns;
	x->end_ns = s->last_ns;
	x->flags = flags | (s->cut || s->gap ? DB_X_TRUNC : 0);
	x->batch = 1;
	x->rows = -1;
	x->req_bytes = s->wire;
	memcpy(x->ns, c->ns, sizeof(x->ns));
	if (cmd != MY_COM_QUERY && cmd != MY_COM_NONE)
		my_cmd_name(cmd, x->op, sizeof(x->op));
	rq->cmd = cmd;
	rq->seq = s->seq;
	rq->reported = 0;
	rq->has_id = 0;
	if (s->have)
		cmd_fields(c, s, rq);
	my_commit(c, rq, noreply);
}

void my_req_msg(struct my_conn *c, struct my_side *s)
{
	c->req_seq = s->seq;
	if (c->infile) {
		/* LOCAL INFILE data ends with an empty packet; the server's
		 * OK or ERR counts on from its sequence id */
		if (s->len == 0) {
			c->infile = 0;
			c->r.exp = (uint8_t)(s->seq + 1);
		}
		return;
	}
	if (c->phase == PH_GREETED) {
		my_handshake_resp(c, s);
		return;
	}
	if (c->phase != PH_CMD || s->first_seq != 0)
		return;
	cmd_msg(c, s, 0);
}

/* The framing broke inside a client message: a command whose start was
 * seen is still a request, its reply will come. */
void my_req_lost(struct my_conn *c, struct my_side *s)
{
	if (c->phase == PH_GREETED) {
		/* a handshake response cut short: its auth data goes */
		memset(s->buf, 0, s->have);
		s->have = 0;
		return;
	}
	if (c->infile || c->phase != PH_CMD || s->first_seq != 0)
		return;
	cmd_msg(c, s, DB_X_TRUNC | DB_X_SIZE_UNKNOWN);
}

void my_hs_scrub(struct my_side *s)
{
	const uint8_t *p = s->buf, *nul;
	uint32_t caps, n = s->have;
	size_t off;
	uint64_t alen;

	if (!s->wipe_to && n > 33 && !s->cut) {
		caps = my_le32(p);
		nul = memchr(p + 32, 0, n - 32);
		if (!nul)
			return;
		off = (size_t)(nul - p) + 1;
		if (caps & MY_CAP_AUTH_LENENC) {
			if (my_lenenc(p, n, &off, &alen))
				return;
		} else if (caps & MY_CAP_SECURE_CONN) {
			if (off >= n)
				return;
			alen = p[off++];
		} else {
			alen = MY_BUF;	/* NUL-terminated: all that follows */
		}
		s->wipe_from = (uint32_t)off;
		s->wipe_to = (uint32_t)(alen < MY_BUF - off ? off + alen : MY_BUF);
	}
	if (s->wipe_to && s->wipe_from < n)
		memset(s->buf + s->wipe_from, 0, (n < s->wipe_to ? n : s->wipe_to) - s->wipe_from);
}

/* HandshakeResponse41 up to the database: capabilities, user, the
 * authentication response (skipped), the database. */
static void hs_fields(struct my_conn *c, const uint8_t *p, size_t n)
{
	const uint8_t *nul = memchr(p + 32, 0, n - 32);
	size_t off;
	uint64_t alen;

	if (!nul)
		return;
	off = (size_t)(nul - p) + 1;
	if (c->caps & MY_CAP_AUTH_LENENC) {
		if (my_lenenc(p, n, &off, &alen))
			return;
	} else if (c->caps & MY_CAP_SECURE_CONN) {
		if (off >= n)
			return;
		alen = p[off++];
	} else {
		nul = memchr(p + off, 0, n - off);
		if (!nul)
			return;
		alen = (uint64_t)(nul - (p + off)) + 1;
	}
	if (alen > n - off || !(c->caps & MY_CAP_CONNECT_WITH_DB))
		return;
	off += alen;
	nul = memchr(p + off, 0, n - off);
	if (nul)
		my_copy_str(c->ns, sizeof(c->ns), p + off, (size_t)(nul - (p + off)));
}

void my_handshake_resp(struct my_conn *c, struct my_side *s)
{
	const uint8_t *p = s->buf;
	size_t n = s->have;
	uint32_t caps = n >= 4 ? my_le32(p) : 0;

	c->phase = PH_AUTH;
	if (s->len == 32 && (caps & MY_CAP_SSL)) {
		c->done = 1;	/* an SSL request: TLS follows */
		return;
	}
	if (n < 32 || !(caps & MY_CAP_PROTOCOL_41) || s->cut) {
		memset(s->buf, 0, s->have);
		return;
	}
	c->caps = caps & (c->srv_caps ? c->srv_caps : caps);
	c->caps_known = 1;
	if (!(caps & MY_CAP_MYSQL))
		c->ext = my_le32(p + 28) & c->srv_ext;
	if (c->caps & MY_CAP_COMPRESS)
		c->done = 1;	/* compressed packets are not parsed */
	else
		hs_fields(c, p, n);
	/* the authentication response is not kept past this point */
	memset(s->buf, 0, s->have);
	s->have = 0;
}
