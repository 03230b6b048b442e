/* The Redis parser where bytes are missing or wrong: gaps inside bulk
 * strings skipped exactly at every capture size, gaps elsewhere losing
 * the pairing without ever pairing a reply with the wrong command,
 * resynchronisation after garbage, a connection picked up mid-stream,
 * the close and the clock, TLS, and detection. */
#include "t.h"
#include "cache_t.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define S(w, lit) { w, lit, sizeof(lit) - 1, 0 }
#define G(w, lit, cap) { w, lit, sizeof(lit) - 1, cap }

static const struct proto_parser *const R = &proto_redis;

/* A SET of 1000 bytes and a GET whose reply is 1000 bytes, with every
 * capture size of both: the same exchanges, sizes exact. */
static void bulk_every_cap(void)
{
	static char set[1100], val[1100];
	static char want0[200];
	static const char *want[] = { want0, "GET|GET k|||0|-1", NULL };
	int hs = snprintf(set, sizeof(set), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000\r\n");
	int hv = snprintf(val, sizeof(val), "$1000\r\n");
	static struct xlog l;

	memset(set + hs, 'x', 1000);
	memcpy(set + hs + 1000, "\r\n", 2);
	memset(val + hv, 'y', 1000);
	memcpy(val + hv + 1000, "\r\n", 2);
	for (size_t cap = (size_t)hs; cap <= (size_t)hs + 1002; cap++) {
		size_t got = cap - (size_t)hs < 64 ? cap - (size_t)hs : 64;
		struct step st[] = {
			{ 'c', set, (size_t)hs + 1002, cap }, S('s', "+OK\r\n"),
			S('c', "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"),
			{ 's', val, (size_t)hv + 1002, cap - (size_t)hs + (size_t)hv },
		};

		snprintf(want0, sizeof(want0), "SET|SET k %.*s|||8|-1", (int)got, set + hs);
		if (cap == (size_t)hs + 1002)
			continue;	/* all seen: test_redis */
		for (int r = 0; r < 2; r++) {
			char why[600];

			conv_run(R, r ? PROTO_CLIENT : PROTO_SERVER, st, N(st), CUT_WHOLE, &l);
			if (!xlog_is(&l, want, why, sizeof(why)))
				T_FAILF("cap %zu role %d: %s", cap, r, why);
			T_EQ_INT(l.req_bytes[0], hs + 1002);
			T_EQ_INT(l.resp_bytes[1], hv + 1002);
			T_EQ_INT(l.st.sync_lost, 0);
		}
	}
}

/* A gap in the command stream outside a bulk string: the commands before
 * it and the one it cuts keep their replies; the replies after are not
 * paired until a command follows. */
static void req_header_gap(void)
{
	static const struct step st[] = {
		G('c', "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n*1\r\n$4\r\nPING\r\n", 27),
		S('s', "+PONG\r\n$-1\r\n+PONG\r\n"),
		S('s', "+PONG\r\n"),
		S('c', "*2\r\n$4\r\nECHO\r\n$1\r\nz\r\n"), S('s', "$1\r\nz\r\n"),
	};
	static const char *const want[] = {
		"PING|PING|||0|-1", "GET|GET|||88|-1", "ECHO|ECHO z|||0|-1", NULL,
	};
	static struct xlog l;

	CONV_CHECK_CUTS(R, st, N(st), want, 1);
	conv_run(R, PROTO_CLIENT, st, N(st), CUT_WHOLE, &l);
	T_EQ_INT(l.st.sync_lost, 1);
	T_EQ_INT(l.st.resyncs, 2);
	T_EQ_INT(l.st.skipped, 1);
}

/* A gap in a reply's header: the waiting commands are given up, the
 * rest of the old replies passed over, the next command paired again. */
static void resp_header_gap(void)
{
	static const struct step st[] = {
		S('c', "*2\r\n$3\r\nGET\r\n$1\r\na\r\n"), S('c', "*2\r\n$3\r\nGET\r\n$1\r\nb\r\n"),
		G('s', "$1\r\nA\r\n$1\r\nB\r\n", 2),
		S('s', "$1\r\nC\r\n"),
		S('c', "*2\r\n$3\r\nGET\r\n$1\r\nc\r\n"), S('s', "$1\r\nC\r\n"),
	};
	static const char *const want[] = {
		"GET|GET a|||2|-1", "GET|GET b|||2|-1", "GET|GET c|||0|-1", NULL,
	};

	CONV_CHECK_CUTS(R, st, N(st), want, 1);
}

/* Old replies still arrive after the next command (an asynchronous
 * client over a gap): the new command is given up too, never paired
 * with an old reply. */
static void resp_gap_async(void)
{
	static const struct step st[] = {
		S('c', "*2\r\n$3\r\nGET\r\n$1\r\na\r\n"), G('s', "$100\r\nAAAA", 3),
		S('c', "*2\r\n$3\r\nGET\r\n$1\r\nb\r\n"), S('s', "AAAAAAAA\r\n"),
		S('s', "$1\r\nB\r\n"),
		S('c', "*2\r\n$3\r\nGET\r\n$1\r\nc\r\n"), S('s', "$1\r\nC\r\n"),
	};
	static const char *const want[] = {
		"GET|GET a|||2|-1", "GET|GET b|||2|-1", "GET|GET c|||0|-1", NULL,
	};

	CONV_CHECK_CUTS(R, st, N(st), want, 1);
}

static void garbage(void)
{
	static const struct step st[] = {
		S('c', "*1\r\n$4\r\nPING\r\n"), S('s', "+PONG\r\n"),
		S('c', "\001\002\003garbage"), S('s', "-ERR Protocol error\r\n"),
		S('c', "*1\r\n$4\r\nPING\r\n"), S('s', "+PONG\r\n"),
		S('c', "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), S('s', "?garbage\r\n"),
		S('c', "*1\r\n$4\r\nPING\r\n"), S('s', "+PONG\r\n"),
	};
	static const char *const want[] = {
		"PING|PING|||0|-1", "PING|PING|||0|-1", "GET|GET k|||2|-1", "PING|PING|||0|-1", NULL,
	};
	static struct xlog l;

	CONV_CHECK_CUTS(R, st, N(st), want, 1);
	conv_run(R, PROTO_SERVER, st, N(st), CUT_WHOLE, &l);
	T_EQ_INT(l.st.sync_lost, 2);
	T_EQ_INT(l.st.given_up, 0);
}

/* Tracing begins in the middle: the tail of a value, a reply to a
 * command not seen, then a command and its reply. */
static void mid_stream(void)
{
	static const struct step st[] = {
		S('c', "value-tail\r\n"), S('s', "+OK\r\n"),
		S('c', "*1\r\n$4\r\nPING\r\n"), S('s', "+PONG\r\n"),
	};
	static const char *const want[] = { "PING|PING|||0|-1", NULL };
	static struct xlog l;

	CONV_CHECK_CUTS(R, st, N(st), want, 1);
	conv_run(R, PROTO_SERVER, st, N(st), CUT_WHOLE, &l);
	T_EQ_INT(l.st.skipped, 2);
}

static void not_redis(void)
{
	static const struct step tls[] = {
		S('c', "\026\003\001\002\000\001\000\001\374\003\003"), S('c', "*1\r\n$4\r\nPING\r\n"),
	};
	static const struct step junk[] = {
		S('c', "\001a"), S('c', "\002b"), S('c', "\003c"), S('c', "\004d"),
		S('c', "\005a"), S('c', "\006b"), S('c', "\007c"), S('c', "\010d"),
		S('c', "*1\r\n$4\r\nPING\r\n"), S('s', "+PONG\r\n"),
	};
	static struct xlog l;

	T_EQ_INT(conv_run(R, PROTO_SERVER, tls, N(tls), CUT_WHOLE, &l), 2);
	T_EQ_INT(l.n, 0);
	T_EQ_INT(l.st.given_up, 1);
	T_EQ_INT(conv_run(R, PROTO_CLIENT, junk, N(junk), CUT_WHOLE, &l), 3);
	T_EQ_INT(l.n, 0);
}

/* late replies pop the commands already reported */
static void close_tick(void)
{
	static const struct tick_case k = {
		"*1\r\n$4\r\nPING\r\n*2\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n*1\r\n$4\r\nPING\r\n",
		"+PONG\r\n", "*-1\r\n+PONG\r\n", "*2\r\n$3\r\nGET\r\n$1\r\nk",
		"BLPOP|BLPOP q|||2|-1", "PING|PING|||2|-1", "GET|GET k|||8a|-1",
	};

	tick_check(R, &k);
}

static void detect(void)
{
	static const struct detect_case t[] = {
		{ "*2\r\n$3\r\nGET\r\n", 1, PROTO_YES }, { "*2\r\n", 1, PROTO_MAYBE },
		{ "*2\r\nxx", 1, PROTO_NO }, { "PING\r\n", 1, PROTO_MAYBE },
		{ "get k\r\n", 1, PROTO_MAYBE }, { "GET / HTTP/1.1\r\n", 1, PROTO_NO },
		{ "foo bar\r\n", 1, PROTO_NO }, { "\026\003\001\002", 1, PROTO_NO },
		{ "+OK\r\n", 0, PROTO_MAYBE }, { "-ERR x\r\n", 0, PROTO_MAYBE },
		{ "$5\r\nhello\r\n", 0, PROTO_MAYBE }, { "HTTP/1.1 200 OK\r\n", 0, PROTO_NO },
		{ "VALUE k 0 1\r\n", 0, PROTO_NO }, { "$x\r\n", 0, PROTO_NO },
		{ "\026\003\003\000", 0, PROTO_NO }, { "*1\r\n$4\r\nPING\r\n", 0, PROTO_MAYBE },
	};

	detect_check(R, t, N(t));
}

int main(void)
{
	T_RUN(bulk_every_cap);
	T_RUN(req_header_gap);
	T_RUN(resp_header_gap);
	T_RUN(resp_gap_async);
	T_RUN(garbage);
	T_RUN(mid_stream);
	T_RUN(not_redis);
	T_RUN(close_tick);
	T_RUN(detect);
	return t_done();
}
