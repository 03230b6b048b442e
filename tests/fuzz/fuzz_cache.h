/* The libFuzzer body shared by the Redis and Memcached parser targets
 * (fuzz_redis.c, fuzz_memcached.c): define FUZZ_PARSER (a struct
 * proto_parser) and FUZZ_NAME, then include this. The input is a
 * connection's syscalls (fuzz_feed.h; byte 0 bit 0: the client role, the
 * largest gap 2 MB).
 * Checked: no crash or sanitizer report; every exchange is sane (strings
 * terminated and printable, flags known, times ordered, a status only
 * with an error, a push never paired with a request); fed again with
 * every captured byte in a syscall of its own, the connection gives the
 * same exchanges up to the first time framing was lost or a syscall was
 * passed over. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_db.h"

static void on_x(void *arg, const struct db_exchange *x)
{
	struct run *r = arg;

	fuzz_db_sane(x, 9);
	if (!!x->status[0] != !!(x->flags & DB_X_ERROR))
		die("a status without an error, or an error without one", x);
	if ((x->flags & DB_X_NO_RESPONSE) && (x->flags & (DB_X_ERROR | DB_X_NO_REQUEST)))
		die("no response, yet an error or no request", x);
	if ((x->flags & DB_X_PUSH) && (x->text[0] || x->req_bytes))
		die("a push paired with a request", x);
	if (x->batch != 1 || x->rows < -1)
		die("batch or rows out of range", x);
	fuzz_db_keep(r, x, !r->st.sync_lost && !r->st.skipped);
}

static int feed(void *c, const struct fuzz_rec *r, const uint8_t *p, size_t cap, uint64_t total)
{
	enum proto_dir dir = r->ctrl & 0x80 ? PROTO_SEND : PROTO_RECV;

	return FUZZ_PARSER.feed(c, dir, r->ts, p, cap, total);
}

static void run(const uint8_t *d, size_t n, int bytewise, struct run *r)
{
	static uint64_t conn[(1u << 16) / 8];
	struct proto_opts o = { .on_db = on_x, .arg = r, .stats = &r->st, .max_wait_ns = 200 };
	enum proto_role role = n && (d[0] & 1) ? PROTO_CLIENT : PROTO_SERVER;
	struct fuzz_in in = { .d = d, .n = n, .i = 1, .gap_max = 2u << 20 };
	struct fuzz_rec rec;
	int kind;

	if (FUZZ_PARSER.conn_size > sizeof(conn))
		die("connection block larger than the target's", NULL);
	memset(r, 0, sizeof(*r));
	memset(conn, 0, sizeof(conn));
	FUZZ_PARSER.init(conn, 1, role, &o);
	while ((kind = fuzz_next(&in, &rec)) >= 0) {
		if (kind == FUZZ_TICK) {
			FUZZ_PARSER.tick(conn, rec.ts);
		} else if (kind == FUZZ_CLOSE) {
			FUZZ_PARSER.close(conn, rec.ts);
			FUZZ_PARSER.init(conn, 1, role, &o);
		} else if (fuzz_split(&rec, bytewise, feed, conn) < 0) {
			die("feed refused valid arguments", NULL);
		}
	}
	FUZZ_PARSER.close(conn, in.ts + 1);
	r->lost = r->st.sync_lost || r->st.skipped;
}

static int same(const struct db_exchange *a, const struct db_exchange *b)
{
	return a->start_ns == b->start_ns && a->end_ns == b->end_ns && a->flags == b->flags &&
	       a->rows == b->rows && a->req_bytes == b->req_bytes &&
	       a->resp_bytes == b->resp_bytes && !strcmp(a->op, b->op) &&
	       !strcmp(a->text, b->text) && !strcmp(a->ns, b->ns) &&
	       !strcmp(a->status, b->status);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_db_both(data, size, run, same);
	return 0;
}
