/* libFuzzer target: the PostgreSQL parser never pairs a reply with the
 * wrong request. The input drives a generator of valid conversations in
 * which every request carries an id that its reply repeats (the row count
 * of "UPDATE <id>", or the SQLSTATE "22<id>" of an error): simple queries,
 * unnamed and named extended-protocol statements, pipelines of up to four
 * requests, notices and parameter changes between replies, COPY FROM
 * STDIN with data that looks like messages. The input also
 * cuts both directions into syscalls of random sizes, some captured only
 * in part (the rest a gap). Checked: every exchange reported as paired
 * (no NO_REQUEST, NO_RESPONSE, STMT_UNKNOWN or TRUNC flag) shows its own
 * reply's id, and nothing crashes.
 *   byte 0: options (bit 0 client role), then the program's bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/db.h"
#include "rawtel/proto.h"

struct src {
	const uint8_t *d;
	size_t n, i;
};

static uint8_t next(struct src *s)
{
	return s->i < s->n ? s->d[s->i++] : 0;
}

struct buf {
	uint8_t b[16384];
	size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n <= sizeof(b->b)) {
		memcpy(b->b + b->n, p, n);
		b->n += n;
	}
}

static void h5(struct buf *b, char type, size_t n)
{
	uint8_t h[5] = { (uint8_t)type, 0, 0, (uint8_t)((n + 4) >> 8), (uint8_t)(n + 4) };

	put(b, h, 5);
}

/* A typed message whose body is the NUL-separated pieces of `body` (a
 * string with '|' standing for NUL). */
static void msg(struct buf *b, char type, const char *body)
{
	size_t n = strlen(body);
	uint8_t tmp[256];

	for (size_t i = 0; i < n && i < sizeof(tmp); i++)
		tmp[i] = body[i] == '|' ? 0 : (uint8_t)body[i];
	h5(b, type, n);
	put(b, tmp, n);
}

static void die(const char *why, const struct db_exchange *x)
{
	fprintf(stderr, "fuzz_pg_pair: %s (flags %#x rows %lld status \"%s\" text \"%s\")\n", why,
		x->flags, (long long)x->rows, x->status, x->text);
	abort();
}

static void on_x(void *arg, const struct db_exchange *x)
{
	unsigned id;

	(void)arg;
	if (x->flags & (DB_X_NO_REQUEST | DB_X_NO_RESPONSE | DB_X_STMT_UNKNOWN | DB_X_TRUNC))
		return;
	if (sscanf(x->text, "UPDATE t SET a = %u", &id) == 1 ||
	    sscanf(x->text, "COPY t%u FROM STDIN", &id) == 1) {
		if (x->flags & DB_X_ERROR)
			die("a success reported as an error", x);
		if (x->rows != (int64_t)id &&
		    !((x->flags & DB_X_SIZE_UNKNOWN) && x->rows <= 3))
			die("rows of another reply", x);
	} else if (sscanf(x->text, "FAIL %u", &id) == 1) {
		char want[8];

		snprintf(want, sizeof(want), "22%03u", id % 1000);
		if (!(x->flags & DB_X_ERROR))
			die("an error reported as a success", x);
		if (x->status[0] && strcmp(x->status, want))
			die("status of another reply", x);
	} else {
		die("text of no request", x);
	}
}

static unsigned ids;

/* Parse, Bind, Execute of `q` as statement `name`; with Sync if `sync`. */
static void extended(struct buf *fe, const char *name, const char *q, int sync)
{
	char body[160];

	snprintf(body, sizeof(body), "%s|%s|\x01\x01", name, q);
	body[strlen(body) - 2] = '|';
	body[strlen(body) - 1] = '|';
	msg(fe, 'P', body);
	snprintf(body, sizeof(body), "|%s|||||||", name);
	msg(fe, 'B', body);
	msg(fe, 'E', "|||||");
	if (sync)
		msg(fe, 'S', "");
}

/* One request (fe) and its reply (be). Kinds: 0 a query; 1-3 an
 * extended-protocol statement (unnamed, named a, named b); errors: 4 of a
 * query, 5 of an Execute, 6 of a Parse (no Execute), 7 of the first of
 * two Executes before one Sync (the second never runs). */
static void request(struct src *s, struct buf *fe, struct buf *be)
{
	unsigned id = ++ids % 100000, kind = next(s) % 8, rows = next(s) % 4;
	int fail = kind >= 4;
	char q[64], tag[32], body[160];

	snprintf(q, sizeof(q), fail ? "FAIL %u" : "UPDATE t SET a = %u", id);
	snprintf(tag, sizeof(tag), "UPDATE %u|", id);
	if (kind == 0 || kind == 4) {
		snprintf(body, sizeof(body), "%s|", q);
		msg(fe, 'Q', body);
	} else if (kind == 6) {
		snprintf(body, sizeof(body), "|%s|||", q);
		msg(fe, 'P', body);
		msg(fe, 'S', "");
	} else {
		extended(fe, kind == 2 ? "a" : kind == 3 ? "b" : "", q, kind != 7);
		if (kind == 7)
			extended(fe, "", "UPDATE t SET a = 99999", 1);
		msg(be, '1', "");
		msg(be, '2', "");
	}
	for (unsigned r = 0; r < rows && !fail; r++)
		msg(be, 'D', "|\x01||||\x01x");
	if (next(s) % 4 == 0)
		msg(be, 'N', "SNOTICE|C00000|Mhi||");
	if (fail) {
		snprintf(body, sizeof(body), "SERROR|C22%03u|Mno||", id % 1000);
		msg(be, 'E', body);
	} else {
		msg(be, 'C', tag);
	}
	if (next(s) % 8 == 0)
		msg(be, 'S', "a|b|");
	msg(be, 'Z', "I");
}

static void *conn;
static enum proto_role role;
static uint64_t ts;
static void feed(struct src *s, char who, const struct buf *b);

/* COPY FROM STDIN: the client's data follows the server's CopyInResponse;
 * its rows look like requests and replies. */
static void copy_round(struct src *s, struct buf *fe, struct buf *be)
{
	unsigned id = ++ids % 100000, rows = next(s) % 5;
	char body[64];

	fe->n = be->n = 0;
	snprintf(body, sizeof(body), "COPY t%u FROM STDIN|", id);
	msg(fe, 'Q', body);
	feed(s, 'c', fe);
	msg(be, 'G', "|||");
	feed(s, 's', be);
	fe->n = be->n = 0;
	for (unsigned r = 0; r < rows; r++) {
		static const uint8_t fake[] = "Q\0\0\0\x0b" "FAIL 9\0Z\0\0\0\5I";

		h5(fe, 'd', sizeof(fake) - 1);
		put(fe, fake, sizeof(fake) - 1);
	}
	msg(fe, 'c', "");
	feed(s, 'c', fe);
	snprintf(body, sizeof(body), "COPY %u|", id);
	msg(be, 'C', body);
	msg(be, 'Z', "I");
	feed(s, 's', be);
}

/* Feed a stream cut into syscalls, some captured only in part. */
static void feed(struct src *s, char who, const struct buf *b)
{
	enum proto_dir dir = (who == 'c') == (role == PROTO_SERVER) ? PROTO_RECV : PROTO_SEND;

	for (size_t i = 0; i < b->n;) {
		uint8_t c = next(s);
		size_t len = c & 0x80 ? b->n - i : 1 + (c & 0x3f);
		size_t cap;

		if (len > b->n - i)
			len = b->n - i;
		cap = (c & 0x40) && !(c & 0x80) ? next(s) % (len + 1) : len;
		ts += 10;
		if (proto_postgres.feed(conn, dir, ts, b->b + i, cap, len) < 0)
			abort();
		i += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf fe, be;
	struct src s = { data, size, 1 };
	struct proto_opts o = { .on_db = on_x, .max_wait_ns = 1000 };

	if (!conn)
		conn = malloc(proto_postgres.conn_size);
	role = size && (data[0] & 1) ? PROTO_CLIENT : PROTO_SERVER;
	memset(conn, 0, proto_postgres.conn_size);
	proto_postgres.init(conn, 1, role, &o);
	ids = 0;
	ts = 0;
	while (s.i < s.n) {
		unsigned n = 1 + next(&s) % 4;

		if (next(&s) % 8 == 1) {
			copy_round(&s, &fe, &be);
			continue;
		}

		fe.n = be.n = 0;
		for (unsigned k = 0; k < n; k++)
			request(&s, &fe, &be);
		feed(&s, 'c', &fe);
		feed(&s, 's', &be);
		if (next(&s) % 16 == 0)
			proto_postgres.tick(conn, ts + 5000);
	}
	proto_postgres.close(conn, ts + 1);
	return 0;
}
