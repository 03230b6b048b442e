/* The packets of a reply in the command phase: OK, ERR, EOF, result sets
 * (column count, definitions, rows, and the EOF or 0xfe OK that ends
 * them), the prepare's reply and its definitions, LOCAL INFILE, and
 * more results after SERVER_MORE_RESULTS_EXISTS (one exchange: batch).
 * Only the first bytes of each packet are looked at. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "my_int.h"
#include "rawtel/fmt.h"

void my_reply_begin(struct my_conn *c, int orphan)
{
	struct my_reply *r = &c->r;

	memset(r, 0, sizeof(*r));
	r->state = R_FIRST;
	r->orphan = (uint8_t)orphan;
	r->batch = 1;
}

/* ERR: code, and SQLSTATE after '#'. MariaDB's progress reports use
 * code 0xffff and are not the reply's end: 0 then. */
static int err_packet(struct my_conn *c, const struct my_side *s)
{
	struct my_reply *r = &c->r;
	uint32_t code;

	if (s->have < 3)
		return 1;
	code = my_le16(s->buf + 1);
	if (code == 0xffff)
		return 0;
	fmt_snprintf(r->status, sizeof(r->status), "%u", code);
	if (s->have >= 9 && s->buf[3] == '#')
		my_copy_str(r->sqlstate, sizeof(r->sqlstate), s->buf + 4, 5);
	r->err = 1;
	return 1;
}

/* USE db as the first statement of a query that succeeded. */
static void use_ns(struct my_conn *c, const char *t, int cut)
{
	size_t n = 0;
	char q = 0;

	while (*t == ' ')
		t++;
	if (strncasecmp(t, "use", 3) || t[3] != ' ')
		return;
	t += 4;
	while (*t == ' ')
		t++;
	if (*t == '`')
		q = *t++;
	while (t[n] && (q ? t[n] != q : t[n] != ' ' && t[n] != ';'))
		n++;
	if (!t[n] && cut) {
		c->ns[0] = 0;	/* the name may go on: unknown */
		return;
	}
	if (n && n < sizeof(c->ns) && (!q || t[n] == q)) {
		memcpy(c->ns, t, n);
		c->ns[n] = 0;
	}
}

/* The session state of an OK (CLIENT_SESSION_TRACK): the schema, when
 * it changed, is the namespace whatever statement changed it. */
static void session_ns(struct my_conn *c, const uint8_t *p, size_t n, size_t off)
{
	uint64_t len, total, type;

	if (my_lenenc(p, n, &off, &len) || len > n - off)
		return;	/* the info string */
	off += len;
	if (my_lenenc(p, n, &off, &total) || total > n - off)
		return;
	n = off + total;
	while (off < n) {
		size_t d;

		type = p[off++];
		if (my_lenenc(p, n, &off, &len) || len > n - off)
			return;
		d = off;
		off += len;
		if (type == 1 && !my_lenenc(p, off, &d, &len) && len <= off - d &&
		    len < sizeof(c->ns))
			my_copy_str(c->ns, sizeof(c->ns), p + d, len);
	}
}

/* OK (0x00, or 0xfe ending a result set): affected rows, status. */
static uint32_t ok_packet(struct my_conn *c, const struct my_side *s, struct my_req *rq)
{
	struct my_reply *r = &c->r;
	size_t off = 1;
	uint64_t affected, id;
	uint32_t status;

	if (my_lenenc(s->buf, s->have, &off, &affected)) {
		r->unsure = 1;	/* cut: the rows are not known */
		return 0;
	}
	if (s->buf[0] == 0x00)
		r->rows += (int64_t)affected;
	/* the schema switched to (unknown when its name was cut) */
	if (rq && rq->cmd == MY_COM_INIT_DB) {
		memcpy(c->ns, rq->x.ns, sizeof(c->ns));
		if (rq->x.flags & DB_X_TRUNC)
			c->ns[0] = 0;
	}
	if (rq && rq->cmd == MY_COM_QUERY && r->batch == 1)
		use_ns(c, rq->x.text, rq->x.flags & DB_X_TRUNC);
	if (my_lenenc(s->buf, s->have, &off, &id) || s->have - off < 4)
		return 0;
	status = my_le16(s->buf + off);
	if (c->caps_known && (c->caps & MY_CAP_SESSION_TRACK) &&
	    (status & MY_ST_SESSION_CHANGED) && !s->cut)
		session_ns(c, s->buf, s->have, off + 4);
	return status;
}

/* An EOF or an OK that ends a result (or the whole reply). */
static void result_end(struct my_conn *c, const struct my_side *s, struct my_req *rq)
{
	struct my_reply *r = &c->r;
	uint32_t status;

	if (s->len < 7)
		status = s->have >= 5 ? my_le16(s->buf + 3) : 0;
	else
		status = ok_packet(c, s, rq);
	if (status & MY_ST_MORE_RESULTS) {
		r->batch++;
		r->state = R_FIRST;
		return;
	}
	my_finish(c, 0);
}

static int is_eof(const struct my_side *s)
{
	return s->buf[0] == 0xfe && s->len < 7;
}

static int is_end(const struct my_side *s)
{
	return s->buf[0] == 0xfe && s->len < MY_PKT_MAX;
}

/* COM_STMT_PREPARE_OK: the statement id, then definitions to skip. */
static void prepare_ok(struct my_conn *c, const struct my_side *s, struct my_req *rq)
{
	struct my_reply *r = &c->r;
	uint32_t id, cols, params;

	if (s->have < 9) {
		my_finish(c, DB_X_SIZE_UNKNOWN);
		return;
	}
	id = my_le32(s->buf + 1);
	cols = my_le16(s->buf + 5);
	params = my_le16(s->buf + 7);
	if (rq) {
		fmt_snprintf(rq->x.stmt, sizeof(rq->x.stmt), "%u", id);
		my_stmt_put(c, id, &rq->x);
	}
	r->prep = 1;
	/* MySQL's optional metadata: a 0 after the warnings, none sent */
	if (s->len >= 13 && s->have >= 13 && s->buf[12] == 0)
		cols = params = 0;
	r->cols = cols;
	r->left = params ? params : cols;
	r->state = params ? R_PARAMS : R_COLS;
	if (!r->left)
		my_finish(c, 0);
}

/* A result's first packet: OK, LOCAL INFILE, or a column count. */
static void result_first(struct my_conn *c, const struct my_side *s, struct my_req *rq)
{
	struct my_reply *r = &c->r;
	size_t off = 0;
	uint64_t cols;

	if (s->buf[0] == 0x00) {
		result_end(c, s, rq);
		return;
	}
	if (s->buf[0] == 0xfb) {
		c->infile = 1;	/* the client sends the file, then the OK */
		return;
	}
	if (is_end(s)) {
		result_end(c, s, rq);
		return;
	}
	if (my_lenenc(s->buf, s->have, &off, &cols) || !cols) {
		r->unsure = 1;
		return;
	}
	r->left = cols;
	r->state = R_COLS;
	/* MariaDB's cached metadata: a 0 after the count, none sent */
	if (s->len == off + 1 && s->have > off && s->buf[off] == 0)
		r->state = R_COLS_EOF;
}

static void first_packet(struct my_conn *c, const struct my_side *s, struct my_req *rq)
{
	uint8_t cmd = rq && !c->r.orphan ? rq->cmd : MY_COM_QUERY;
	uint8_t b = s->buf[0];

	switch (cmd) {
	case MY_COM_QUERY:
	case MY_COM_STMT_EXECUTE:
	case MY_COM_STMT_BULK_EXECUTE:
	case MY_COM_NONE:
		result_first(c, s, rq);
		return;
	case MY_COM_STMT_FETCH:
		c->r.state = R_ROWS;
		if (is_end(s))
			result_end(c, s, rq);
		else
			c->r.rows++;
		return;
	case MY_COM_STMT_PREPARE:
		if (b == 0x00)
			prepare_ok(c, s, rq);
		else
			my_finish(c, DB_X_SIZE_UNKNOWN);
		return;
	case MY_COM_FIELD_LIST:
		if (is_end(s))
			my_finish(c, 0);
		else
			c->r.state = R_FIELDS;
		return;
	case MY_COM_CHANGE_USER:
		if (b != 0x00) {
			c->r.state = R_AUTH;	/* switch, more data */
			return;
		}
		c->ns[0] = 0;	/* the new user's database: unseen */
		break;
	default:
		break;
	}
	if (b == 0x00)
		ok_packet(c, s, rq);
	my_finish(c, 0);
}

/* The definitions counted down ended: their EOF, rows, or the end. */
static void defs_done(struct my_conn *c, uint8_t eof_state)
{
	struct my_reply *r = &c->r;
	int no_eof = c->caps_known && (c->caps & MY_CAP_DEPRECATE_EOF);

	if (!no_eof) {
		r->state = eof_state;
	} else if (eof_state == R_PARAMS_EOF && r->cols) {
		r->left = r->cols;
		r->state = R_COLS;
	} else if (r->prep) {
		my_finish(c, 0);
	} else {
		r->state = R_ROWS;
	}
}

/* After a definitions' EOF (or where it would be) */
static void after_defs(struct my_conn *c, const struct my_side *s, struct my_req *rq)
{
	struct my_reply *r = &c->r;
	int eof = is_eof(s);
	uint32_t status = eof && s->have >= 5 ? my_le16(s->buf + 3) : 0;

	if (r->state == R_PARAMS_EOF && r->cols) {
		r->left = r->cols;
		r->state = R_COLS;
		if (!eof && --r->left == 0)	/* DEPRECATE_EOF: a definition */
			defs_done(c, R_COLS_EOF);
		return;
	}
	if (r->prep || (eof && (status & MY_ST_CURSOR))) {
		/* a prepare's, or rows to be fetched by COM_STMT_FETCH */
		my_finish(c, 0);
		return;
	}
	r->state = R_ROWS;
	if (eof)
		return;
	if (is_end(s))
		result_end(c, s, rq);	/* DEPRECATE_EOF: no rows */
	else
		r->rows++;
}

void my_reply_packet(struct my_conn *c, const struct my_side *s)
{
	struct my_reply *r = &c->r;
	struct my_req *rq = r->orphan ? NULL : my_head(c);

	if (r->state == R_IDLE)
		return;
	if (!r->bytes)
		r->start_ns = s->start_ns;
	r->bytes += s->wire;
	r->end_ns = s->last_ns;
	if (!s->have) {
		/* its first byte unseen: counted as what was expected */
		r->unsure = 1;
		if (r->state == R_ROWS)
			r->rows++;
		else if ((r->state == R_COLS || r->state == R_PARAMS) && r->left && --r->left == 0)
			defs_done(c, r->state == R_PARAMS ? R_PARAMS_EOF : R_COLS_EOF);
		return;
	}
	if (s->buf[0] == 0xff) {
		if (err_packet(c, s))
			my_finish(c, DB_X_ERROR);
		return;
	}
	switch (r->state) {
	case R_FIRST:
		first_packet(c, s, rq);
		return;
	case R_PARAMS:
	case R_COLS:
		if (r->left && --r->left == 0)
			defs_done(c, r->state == R_PARAMS ? R_PARAMS_EOF : R_COLS_EOF);
		return;
	case R_PARAMS_EOF:
	case R_COLS_EOF:
		after_defs(c, s, rq);
		return;
	case R_ROWS:
		if (is_end(s))
			result_end(c, s, rq);
		else
			r->rows++;
		return;
	case R_FIELDS:
		if (is_end(s))
			my_finish(c, 0);
		return;
	case R_AUTH:
		if (s->buf[0] == 0x00) {
			c->ns[0] = 0;	/* the new user's database: unseen */
			ok_packet(c, s, rq);
			my_finish(c, 0);
		}
		return;
	default:
		return;
	}
}
