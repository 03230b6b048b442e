/* libFuzzer target for the MySQL / MariaDB parser (user/proto/my_*.c,
 * proto_mysql). The input is a connection's syscalls (fuzz_feed.h;
 * byte 0 bit 0: the client role; ctrl bit 7 set: the server's bytes; the
 * largest gap 16 MB).
 * Checked: no crash or sanitizer report; every exchange is sane (strings
 * terminated and printable, known flags, a status only with an error,
 * times ordered, batch >= 1); detect() on every record is pure and in
 * range; fed again with every captured byte in a syscall of its own, the
 * connection gives the same exchanges up to the first time its framing
 * was lost or a syscall was passed over. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_NAME "fuzz_mysql"
#include "fuzz_db.h"

static void on_x(void *arg, const struct db_exchange *x)
{
	struct run *r = arg;
	const char *why;

	fuzz_db_sane(x, 10);
	if ((why = fuzz_str_bad(x->sqlstate, sizeof(x->sqlstate))))
		die(why, x);
	if (!x->batch)
		die("batch 0", x);
	if (x->status[0] && !(x->flags & DB_X_ERROR))
		die("a status without an error", x);
	if ((x->flags & (DB_X_NO_RESPONSE | DB_X_NOREPLY)) && (x->status[0] || x->resp_bytes))
		die("a reply's fields without a reply", x);
	if ((x->flags & DB_X_NO_REQUEST) && (x->text[0] || x->op[0] || x->req_bytes))
		die("a request's fields without a request", x);
	if (x->proto != PROTO_MYSQL || x->conn_id != 1)
		die("wrong connection", x);
	fuzz_db_keep(r, x, !r->st.sync_lost && !r->st.skipped);
}

/* ctrl bit 7 set: the server's bytes */
static enum proto_dir dir_of(const struct fuzz_rec *r, enum proto_role role)
{
	return (r->ctrl & 0x80) == (role == PROTO_SERVER ? 0x80 : 0) ? PROTO_SEND : PROTO_RECV;
}

struct target {
	void *conn;
	enum proto_role role;
};

static int feed(void *arg, const struct fuzz_rec *r, const uint8_t *p, size_t cap, uint64_t total)
{
	struct target *t = arg;

	return proto_mysql.feed(t->conn, dir_of(r, t->role), r->ts, cap ? p : NULL, cap, total);
}

static void run(const uint8_t *d, size_t n, int bytewise, struct run *r)
{
	static _Alignas(64) uint8_t conn[1 << 17];
	const struct proto_parser *pp = &proto_mysql;
	struct proto_opts o = { .on_db = on_x, .arg = r, .stats = &r->st, .max_wait_ns = 200 };
	struct target t = { conn, n && (d[0] & 1) ? PROTO_CLIENT : PROTO_SERVER };
	struct fuzz_in in = { .d = d, .n = n, .i = 1, .gap_max = 16u << 20 };
	struct fuzz_rec rec;
	int kind;

	if (pp->conn_size > sizeof(conn))
		die("conn_size too large for the harness", NULL);
	memset(r, 0, sizeof(*r));
	memset(conn, 0, pp->conn_size);
	pp->init(conn, 1, t.role, &o);
	while ((kind = fuzz_next(&in, &rec)) >= 0) {
		if (kind == FUZZ_TICK) {
			pp->tick(conn, rec.ts);
			continue;
		}
		if (kind == FUZZ_CLOSE) {
			pp->close(conn, rec.ts);
			continue;
		}
		if (!bytewise) {
			enum proto_dir dir = dir_of(&rec, t.role);
			uint64_t total = rec.len + rec.gap;
			int v = pp->detect(t.role, dir, rec.p, rec.len, total);

			if (v < PROTO_NO || v > PROTO_YES ||
			    v != pp->detect(t.role, dir, rec.p, rec.len, total))
				die("detect out of range or not pure", NULL);
		}
		if (fuzz_split(&rec, bytewise, feed, &t) < 0)
			die("feed refused valid arguments", NULL);
	}
	pp->close(conn, in.ts + 1);
}

static int same(const struct db_exchange *a, const struct db_exchange *b)
{
	return a->flags == b->flags && a->batch == b->batch && a->rows == b->rows &&
	       a->req_bytes == b->req_bytes && a->resp_bytes == b->resp_bytes &&
	       !strcmp(a->op, b->op) && !strcmp(a->text, b->text) &&
	       !strcmp(a->stmt, b->stmt) && !strcmp(a->ns, b->ns) &&
	       !strcmp(a->status, b->status) && !strcmp(a->sqlstate, b->sqlstate);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_db_both(data, size, run, same);
	return 0;
}
