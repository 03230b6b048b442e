/* libFuzzer target for the PostgreSQL parser (user/proto/pg_*.c). The
 * input is a connection's syscalls (fuzz_feed.h; byte 0 bit 0: the
 * client role, the largest gap 2 MB).
 * Checked: no crash or sanitizer report; detect() on every record; every
 * exchange is sane (strings terminated and printable, flags known, batch
 * at least 1, rows -1 or more, timestamps ordered, a push never paired);
 * fed again with every captured byte in a syscall of its own, the
 * connection gives the same exchanges up to the first time its framing
 * was lost or a syscall was passed over. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_NAME "fuzz_pg"
#include "fuzz_db.h"

static void on_x(void *arg, const struct db_exchange *x)
{
	struct run *r = arg;

	fuzz_db_sane(x, 9);
	if (!x->batch || x->rows < -1)
		die("batch or rows out of range", x);
	if (x->proto != PROTO_POSTGRES || x->conn_id != 1)
		die("wrong protocol or connection", x);
	if ((x->flags & DB_X_PUSH) && !(x->flags & DB_X_NO_REQUEST))
		die("a push paired with a request", x);
	if ((x->flags & DB_X_ERROR) && !(x->flags & DB_X_NO_RESPONSE) && x->status[0] == '0' &&
	    (x->status[1] == '0' || x->status[1] == '1'))
		die("class 00/01 taken as an error", x);
	fuzz_db_keep(r, x, !r->st.sync_lost && !r->st.skipped && !r->st.queue_full);
}

static void *conn;

static int feed(void *arg, const struct fuzz_rec *r, const uint8_t *p, size_t cap, uint64_t total)
{
	enum proto_dir dir = r->ctrl & 0x80 ? PROTO_SEND : PROTO_RECV;

	return proto_postgres.feed(arg, dir, r->ts, p, cap, total);
}

static void run(const uint8_t *d, size_t n, int bytewise, struct run *r)
{
	struct proto_opts o = { .on_db = on_x, .arg = r, .stats = &r->st, .max_wait_ns = 200 };
	enum proto_role role = n && (d[0] & 1) ? PROTO_CLIENT : PROTO_SERVER;
	struct fuzz_in in = { .d = d, .n = n, .i = 1, .gap_max = 2u << 20 };
	struct fuzz_rec rec;
	int kind;

	memset(r, 0, sizeof(*r));
	memset(conn, 0, proto_postgres.conn_size);
	proto_postgres.init(conn, 1, role, &o);
	while ((kind = fuzz_next(&in, &rec)) >= 0) {
		enum proto_dir dir = rec.ctrl & 0x80 ? PROTO_SEND : PROTO_RECV;

		if (kind == FUZZ_TICK) {
			proto_postgres.tick(conn, rec.ts);
			continue;
		}
		if (kind == FUZZ_CLOSE) {
			proto_postgres.close(conn, rec.ts);
			proto_postgres.init(conn, 1, role, &o);
			continue;
		}
		if (proto_postgres.detect(role, dir, rec.p, rec.len, rec.len + rec.gap) > PROTO_YES)
			die("detect out of range", NULL);
		if (fuzz_split(&rec, bytewise, feed, conn) < 0)
			die("feed refused valid arguments", NULL);
	}
	proto_postgres.close(conn, in.ts + 1);
	r->lost = r->st.sync_lost || r->st.skipped || r->st.queue_full;
}

static int same(const struct db_exchange *a, const struct db_exchange *b)
{
	return a->start_ns == b->start_ns && a->end_ns == b->end_ns && a->flags == b->flags &&
	       a->batch == b->batch && a->rows == b->rows && a->req_bytes == b->req_bytes &&
	       a->resp_bytes == b->resp_bytes && !strcmp(a->op, b->op) &&
	       !strcmp(a->text, b->text) && !strcmp(a->stmt, b->stmt) &&
	       !strcmp(a->ns, b->ns) && !strcmp(a->status, b->status);
}

static struct run whole, split;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!conn)
		conn = malloc(proto_postgres.conn_size);
	run(data, size, 0, &whole);
	run(data, size, 1, &split);
	fuzz_db_compare(&whole, &split, same);
	if (!whole.lost && !split.lost && whole.n != split.n)
		die("a byte per syscall gave another number of exchanges", NULL);
	return 0;
}
