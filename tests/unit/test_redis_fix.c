/* The Redis parser on conversations recorded from Debian's redis-server
 * 7.0 with redis-cli (RESP2 and -3 for RESP3), a subscriber and a
 * publisher, and redis-benchmark -P 16 (tests/fixtures/redis/record.sh):
 * the exact exchanges as the client and as the server, whole and a byte
 * per syscall. The real client and server are the oracle of what is a
 * message. */
#include "t.h"
#include "cache_t.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DIR "tests/fixtures/redis/"

static const struct proto_parser *const R = &proto_redis;
static struct step st[100];

static int load(const char *name)
{
	return rec_steps(name, st, N(st));
}

static void resp2(void)
{
	static const char *const want[] = {
		/* COMMAND is renamed away by record.sh */
		"COMMAND DOCS|COMMAND DOCS|ERR||4|-1",
		"COMMAND|COMMAND|ERR||4|-1",
		"SET|SET k v|||0|-1",
		"GET|GET k|||0|-1",
		"LPUSH|LPUSH l a b|||0|-1",
		"GET|GET l|WRONGTYPE||4|-1",
		"INCR|INCR k|ERR||4|-1",
		"AUTH|AUTH ?|ERR||4|-1",
		"CONFIG GET|CONFIG GET maxmemory|||0|2",
		"CLIENT SETNAME|CLIENT SETNAME rec|||0|-1",
		"SELECT|SELECT 2|||0|-1",
		"SET|SET x 1||2|0|-1",
		"GET|GET x||2|0|-1",
		"MULTI|MULTI||2|0|-1",
		"SET|SET a 1||2|0|-1",
		"INCR|INCR a||2|0|-1",
		"EXEC|EXEC||2|0|2",
		"LRANGE|LRANGE l 0 -1||2|0|0",
		"DEL|DEL nosuch||2|0|-1",
		NULL,
	};
	REC_CHECK(R, DIR "resp2.1.rec", want);
}

static void resp3(void)
{
	static const char *const want[] = {
		"HELLO|HELLO 3|||0|7",
		"COMMAND DOCS|COMMAND DOCS|ERR||4|-1",
		"COMMAND|COMMAND|ERR||4|-1",
		"HSET|HSET h f1 v1 f2 v2|||0|-1",
		"HGETALL|HGETALL h|||0|2",
		"SADD|SADD s m1|||0|-1",
		"SMEMBERS|SMEMBERS s|||0|1",
		"ZADD|ZADD z 1.5 a|||0|-1",
		"ZSCORE|ZSCORE z a|||0|-1",
		"GET|GET nosuch|||0|-1",
		"EXISTS|EXISTS h|||0|-1",
		"HELLO|HELLO 2|||0|14",
		"HGETALL|HGETALL h|||0|4",
		NULL,
	};
	REC_CHECK(R, DIR "resp3.1.rec", want);
}

static void pubsub(void)
{
	static const char *const sub2[] = {
		"SUBSCRIBE|SUBSCRIBE ch1 ch2|||0|-1",
		"message||||100|-1",
		NULL,
	};
	static const char *const sub3[] = {
		"HELLO|HELLO 3|||0|7",
		"SUBSCRIBE|SUBSCRIBE ch3|||0|-1",
		"message||||100|-1",
		NULL,
	};
	static const char *const pub1[] = { "PUBLISH|PUBLISH ch1 hello|||0|-1", NULL };
	static const char *const pub3[] = { "PUBLISH|PUBLISH ch3 hi3|||0|-1", NULL };
	REC_CHECK(R, DIR "pubsub.1.rec", sub2);
	REC_CHECK(R, DIR "pubsub.2.rec", sub3);
	REC_CHECK(R, DIR "pubsub.3.rec", pub1);
	REC_CHECK(R, DIR "pubsub.4.rec", pub3);
}

static void inline_telnet(void)
{
	static const char *const want[] = {
		"PING|PING|||0|-1",
		"SET|SET inl 42|||0|-1",
		"GET|GET inl|||0|-1",
		"AUTH|auth ?|ERR||4|-1",
		"INCR|INCR inl|||0|-1",
		NULL,
	};
	int n = load(DIR "inline.1.rec");

	/* an inline first command is recognised whole only: no byte cut */
	CONV_CHECK_CUTS(R, st, (size_t)n, want, 1);
}

/* 320 SETs then 320 GETs, 16 per syscall, on their own connections. */
static void benchmark(void)
{
	static const char *cfg[] = {
		"CONFIG GET|CONFIG GET save|||0|2", "CONFIG GET|CONFIG GET appendonly|||0|2", NULL,
	};
	static const char *want[321];
	static struct xlog l;
	int n;

	REC_CHECK(R, DIR "bench.1.rec", cfg);
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 320; i++)
			want[i] = k ? "GET|GET key:__rand_int__|||0|-1"
				    : "SET|SET key:__rand_int__ VXK|||0|-1";
		n = load(k ? DIR "bench.3.rec" : DIR "bench.2.rec");
		T_EQ_INT(n, 40);
		CONV_CHECK(R, st, (size_t)n, want);
		conv_run(R, PROTO_SERVER, st, (size_t)n, CUT_WHOLE, &l);
		T_EQ_INT(l.st.queue_full, 0);
		T_EQ_INT(l.st.sync_lost + l.st.skipped + l.st.no_request + l.st.no_response, 0);
	}
}

int main(void)
{
	T_RUN(resp2);
	T_RUN(resp3);
	T_RUN(pubsub);
	T_RUN(inline_telnet);
	T_RUN(benchmark);
	return t_done();
}
