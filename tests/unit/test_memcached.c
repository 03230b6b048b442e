/* The Memcached parser (user/proto/memcache_*.c) on hand-written
 * conversations: storage, retrieval with many keys, the other text
 * commands, noreply, errors, the meta commands with quiet mode and
 * opaque tokens, pipelining, data blocks through gaps at every capture
 * size, gaps elsewhere, garbage, the binary protocol, the close and the
 * clock, detection. Lines are "op|text|status|ns|flags|rows" (flags in
 * hex: 1 no request, 2 no response, 4 error, 8 cut, 40 noreply, 80
 * sizes unknown). */
#include "t.h"
#include "cache_t.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define S(w, lit) { w, lit, sizeof(lit) - 1, 0 }
#define G(w, lit, cap) { w, lit, sizeof(lit) - 1, cap }

static const struct proto_parser *const M = &proto_memcached;

static void text_cmds(void)
{
	static const struct step st[] = {
		S('c', "set k 0 0 5\r\nhello\r\n"), S('s', "STORED\r\n"),
		S('c', "get k nosuch k2\r\n"),
		S('s', "VALUE k 0 5\r\nhello\r\nVALUE k2 3 2\r\nhi\r\nEND\r\n"),
		S('c', "gets nosuch\r\n"), S('s', "END\r\n"),
		S('c', "add k 0 0 1\r\nx\r\n"), S('s', "NOT_STORED\r\n"),
		S('c', "cas k 0 0 1 99\r\ny\r\n"), S('s', "EXISTS\r\n"),
		S('c', "delete nosuch\r\n"), S('s', "NOT_FOUND\r\n"),
		S('c', "incr n 5\r\n"), S('s', "15\r\n"),
		S('c', "touch n 10\r\n"), S('s', "TOUCHED\r\n"),
		S('c', "gat 10 n\r\n"), S('s', "VALUE n 0 2\r\n15\r\nEND\r\n"),
		S('c', "stats\r\n"), S('s', "STAT pid 1\r\nSTAT uptime 2\r\nEND\r\n"),
		S('c', "version\n"), S('s', "VERSION 1.6.18\r\n"),
		S('c', "bogus\r\n"), S('s', "ERROR\r\n"),
		S('c', "set k 0 0 xx\r\n"), S('s', "CLIENT_ERROR bad command line format\r\n"),
		S('c', "get k\r\n"), S('s', "SERVER_ERROR out of memory\r\n"),
	};
	static const char *const want[] = {
		"set|set k 0 0 5|||0|-1",
		"get|get k nosuch k2|||0|2",
		"gets|gets nosuch|||0|0",
		"add|add k 0 0 1|||0|-1",
		"cas|cas k 0 0 1 99|||0|-1",
		"delete|delete nosuch|||0|-1",
		"incr|incr n 5|||0|-1",
		"touch|touch n 10|||0|-1",
		"gat|gat 10 n|||0|1",
		"stats|stats|||0|-1",
		"version|version|||0|-1",
		"bogus|bogus|ERROR||4|-1",
		"set|set k 0 0 xx|CLIENT_ERROR||4|-1",
		"get|get k|SERVER_ERROR||4|-1",
		NULL,
	};
	static struct xlog l;

	CONV_CHECK(M, st, N(st), want);
	conv_run(M, PROTO_CLIENT, st, 4, CUT_WHOLE, &l);
	T_EQ_INT(l.req_bytes[0], 20);
	T_EQ_INT(l.resp_bytes[1], sizeof("VALUE k 0 5\r\nhello\r\nVALUE k2 3 2\r\nhi\r\nEND\r\n") - 1);
}

static void noreply(void)
{
	static const struct step st[] = {
		S('c', "set a 0 0 1 noreply\r\n1\r\n"), S('c', "delete b noreply\r\n"),
		S('c', "get a\r\n"), S('s', "VALUE a 0 1\r\n1\r\nEND\r\n"),
		S('c', "incr a 1 noreply\r\n"), S('c', "quit\r\n"),
	};
	static const char *const want[] = {
		"set|set a 0 0 1 noreply|||40|-1",
		"delete|delete b noreply|||40|-1",
		"get|get a|||0|1",
		"incr|incr a 1 noreply|||40|-1",
		"quit|quit|||40|-1",
		NULL,
	};
	static struct xlog l;

	CONV_CHECK(M, st, N(st), want);
	conv_run(M, PROTO_SERVER, st, N(st), CUT_WHOLE, &l);
	T_EQ_INT(l.st.no_response, 0);
}

static void meta(void)
{
	static const struct step st[] = {
		S('c', "ms k 5 T0 F3\r\nhello\r\n"), S('s', "HD\r\n"),
		S('c', "mg k v f\r\n"), S('s', "VA 5 f3\r\nhello\r\n"),
		S('c', "mg x v\r\n"), S('s', "EN\r\n"),
		/* a quiet miss says nothing; mn closes the batch */
		S('c', "mg x v q\r\nmg k v q O9\r\nmn\r\n"), S('s', "VA 5 O9\r\nhello\r\nMN\r\n"),
		/* the opaque token tells which command a reply answers */
		S('c', "ms k 1 q\r\nz\r\nmd k q\r\nmd x O5\r\nmn\r\n"), S('s', "NF O5\r\nMN\r\n"),
		S('c', "ma n N0 J5 v\r\n"), S('s', "VA 1\r\n5\r\n"),
		S('c', "me k\r\n"), S('s', "ME k exp=-1 la=1 cas=2 fetch=no cls=1 size=63\r\n"),
		/* the key the k flag returns tells */
		S('c', "mg a v q k\r\nmg b v q k\r\nmn\r\n"), S('s', "VA 1 kb\r\nB\r\nMN\r\n"),
		/* both quiet gets could have hit: not guessed */
		S('c', "mg a v q\r\nmg b v q\r\nmn\r\n"), S('s', "VA 1\r\nA\r\nMN\r\n"),
	};
	static const char *const want[] = {
		"ms|ms k 5 T0 F3|||0|-1",
		"mg|mg k v f|||0|1",
		"mg|mg x v|||0|0",
		"mg|mg x v q|||40|-1",
		"mg|mg k v q O9|||0|1",
		"mn|mn|||0|-1",
		"ms|ms k 1 q|||40|-1",
		"md|md k q|||40|-1",
		"md|md x O5|||0|-1",
		"mn|mn|||0|-1",
		"ma|ma n N0 J5 v|||0|1",
		"me|me k|||0|-1",
		"mg|mg a v q k|||40|-1",
		"mg|mg b v q k|||0|1",
		"mn|mn|||0|-1",
		"||||1|1",
		"mg|mg a v q|||40|-1",
		"mg|mg b v q|||40|-1",
		"mn|mn|||0|-1",
		NULL,
	};

	CONV_CHECK(M, st, N(st), want);
}

static void pipeline(void)
{
	static const struct step st[] = {
		S('c', "set a 0 0 1\r\n1\r\nget a b\r\ndelete a\r\nget a\r\n"),
		S('s', "STORED\r\nVALUE a 0 1\r\n1\r\nEND\r\nDELETED\r\nEND\r\n"),
	};
	static const char *const want[] = {
		"set|set a 0 0 1|||0|-1",
		"get|get a b|||0|1",
		"delete|delete a|||0|-1",
		"get|get a|||0|0",
		NULL,
	};
	CONV_CHECK_SPLITS(M, st, want);
}

/* A 1000-byte set and get with every capture size: data skipped exactly. */
static void data_every_cap(void)
{
	static char set[1100], val[1100];
	static const char *const want[] = {
		"set|set k 0 0 1000|||8|-1",
		"get|get k|||0|1",
		"get|get k|||0|0",
		NULL,
	};
	int hs = snprintf(set, sizeof(set), "set k 0 0 1000\r\n");
	int hv = snprintf(val, sizeof(val), "VALUE k 0 1000\r\n");
	static struct xlog l;

	memset(set + hs, 'x', 1000);
	memcpy(set + hs + 1000, "\r\n", 2);
	memset(val + hv, 'y', 1000);
	memcpy(val + hv + 1000, "\r\n", 2);
	for (size_t cap = (size_t)hs; cap < (size_t)hs + 1002; cap++) {
		struct step st[] = {
			{ 'c', set, (size_t)hs + 1002, cap }, S('s', "STORED\r\n"),
			S('c', "get k\r\n"), { 's', val, (size_t)hv + 1002, cap - (size_t)hs + (size_t)hv },
			S('s', "END\r\n"), S('c', "get k\r\n"), S('s', "END\r\n"),
		};
		char why[600];

		for (int r = 0; r < 2; r++) {
			conv_run(M, r ? PROTO_CLIENT : PROTO_SERVER, st, N(st), CUT_WHOLE, &l);
			if (!xlog_is(&l, want, why, sizeof(why)))
				T_FAILF("cap %zu role %d: %s", cap, r, why);
			T_EQ_INT(l.req_bytes[0], hs + 1002);
			T_EQ_INT(l.resp_bytes[1], hv + 1007);
		}
	}
}

static void gaps_garbage(void)
{
	static const struct step st[] = {
		/* a gap in the line: the command kept, pairing lost after it */
		G('c', "get a\r\nget b\r\nget c\r\n", 9), S('s', "END\r\nEND\r\nEND\r\n"),
		S('c', "get d\r\n"), S('s', "END\r\n"),
		S('c', "\001\002junk\r\n"), S('s', "ERROR\r\n"),
		S('c', "version\r\n"), S('s', "VERSION 1\r\n"),
		S('c', "get e\r\n"), S('s', "\377garbage\r\n"),
		S('c', "version\r\n"), S('s', "VERSION 1\r\n"),
	};
	static const char *const want[] = {
		"get|get a|||0|0",
		"ge|ge|||88|0",
		"get|get d|||0|0",
		"version|version|||0|-1",
		"get|get e|||2|-1",
		"version|version|||0|-1",
		NULL,
	};

	CONV_CHECK_CUTS(M, st, N(st), want, 1);
}

/* Tracing begins inside a data block and a reply to a command not seen. */
static void mid_stream(void)
{
	static const struct step st[] = {
		S('c', "llo world\r\n"), S('s', "STORED\r\n"),
		S('c', "get k\r\n"), S('s', "END\r\n"),
	};
	static const char *const want[] = { "get|get k|||0|0", NULL };
	static struct xlog l;

	CONV_CHECK_CUTS(M, st, N(st), want, 1);
	conv_run(M, PROTO_SERVER, st, N(st), CUT_WHOLE, &l);
	T_EQ_INT(l.st.skipped, 2);
}

static void limits(void)
{
	static char q[40 * 7 + 1], r[40 * 5 + 1], many[1200], want_many[400];
	static const char *want[42];
	struct step st[4];
	int m = snprintf(many, sizeof(many), "get");

	for (int i = 0; i < 40; i++) {
		memcpy(q + 7 * i, "get a\r\n", 7);
		memcpy(r + 5 * i, "END\r\n", 5);
		want[i] = i < 32 ? "get|get a|||0|0" : "||||1|0";
	}
	for (int i = 0; i < 100; i++)
		m += snprintf(many + m, sizeof(many) - (size_t)m, " key%03d", i);
	m += snprintf(many + m, sizeof(many) - (size_t)m, "\r\n");
	/* 36 keys of 7 bytes after "get" fill the 255 of the text */
	snprintf(want_many, sizeof(want_many), "get|%.255s|||8|0", many);
	want[40] = want_many;
	st[0] = (struct step){ 'c', q, 40 * 7, 0 };
	st[1] = (struct step){ 's', r, 40 * 5, 0 };
	st[2] = (struct step){ 'c', many, (size_t)m, 0 };
	st[3] = (struct step){ 's', "END\r\n", 5, 0 };
	CONV_CHECK(M, st, 4, want);
}

static void binary_tls(void)
{
	static const struct step bin[] = {
		{ 'c', "\x80\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01", 12, 0 },
		{ 's', "\x81\x00\x00\x00", 4, 0 },
	};
	static struct xlog l;

	T_EQ_INT(conv_run(M, PROTO_SERVER, bin, N(bin), CUT_WHOLE, &l), 2);
	T_EQ_INT(l.n, 0);
	T_EQ_INT(l.st.given_up, 1);
	T_EQ_INT(M->detect(PROTO_SERVER, PROTO_RECV, (const uint8_t *)bin[0].data, 12, 12),
		 PROTO_NO);
	T_EQ_INT(M->detect(PROTO_CLIENT, PROTO_RECV, (const uint8_t *)bin[1].data, 4, 4), PROTO_NO);
}

static void close_tick(void)
{
	static const struct tick_case k = {
		"get a\r\nmg b v q\r\nget c\r\n", "END\r\n", "END\r\n", "set x 0 0 9\r\nabc",
		"mg|mg b v q|||40|-1", "get|get c|||2|-1", "set|set x 0 0 9|||8a|-1",
	};

	tick_check(M, &k);
}

static void detect(void)
{
	static const struct detect_case t[] = {
		{ "set k 0 0 5\r\n", 1, PROTO_YES }, { "get k\r\n", 1, PROTO_MAYBE },
		{ "mg k v\r\n", 1, PROTO_MAYBE }, { "GET / HTTP/1.1\r\n", 1, PROTO_NO },
		{ "*1\r\n$4\r\nPING\r\n", 1, PROTO_NO }, { "hello\r\n", 1, PROTO_NO },
		{ "VALUE k 0 1\r\n", 0, PROTO_MAYBE }, { "END\r\n", 0, PROTO_MAYBE },
		{ "HD\r\n", 0, PROTO_MAYBE }, { "+OK\r\n", 0, PROTO_NO },
		{ "HTTP/1.1 200 OK\r\n", 0, PROTO_NO }, { "\026\003\001", 1, PROTO_NO },
	};

	detect_check(M, t, N(t));
}

int main(void)
{
	T_RUN(text_cmds);
	T_RUN(noreply);
	T_RUN(meta);
	T_RUN(pipeline);
	T_RUN(data_every_cap);
	T_RUN(gaps_garbage);
	T_RUN(mid_stream);
	T_RUN(limits);
	T_RUN(binary_tls);
	T_RUN(close_tick);
	T_RUN(detect);
	return t_done();
}
