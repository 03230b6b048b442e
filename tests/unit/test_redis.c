/* The Redis parser (user/proto/redis_*.c) on hand-written conversations:
 * every reply type of RESP2 and RESP3, commands as arrays and inline,
 * pipelining, MULTI/EXEC, SELECT, pub/sub and pushes, secrets, limits,
 * gaps, resynchronisation and detection. Each conversation is checked as
 * the client and as the server, whole and a byte per syscall. Lines are
 * "op|text|status|ns|flags|rows" (flags in hex: 1 no request, 2 no
 * response, 4 error, 8 cut, 80 sizes unknown, 100 push). */
#include "t.h"
#include "cache_t.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define REDIS_ARG_MAX_T 64 /* bytes of an argument kept */
#define S(w, lit) { w, lit, sizeof(lit) - 1, 0 }

static const struct proto_parser *const R = &proto_redis;

static void basic(void)
{
	static const struct step st[] = {
		S('c', "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"), S('s', "+OK\r\n"),
		S('c', "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), S('s', "$1\r\nv\r\n"),
		S('c', "*2\r\n$3\r\nGET\r\n$1\r\nn\r\n"), S('s', "$-1\r\n"),
		S('c', "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"), S('s', ":1\r\n"),
	};
	static const char *const want[] = {
		"SET|SET k v|||0|-1",
		"GET|GET k|||0|-1",
		"GET|GET n|||0|-1",
		"INCR|INCR n|||0|-1",
		NULL,
	};
	static struct xlog l;

	CONV_CHECK(R, st, N(st), want);
	conv_run(R, PROTO_CLIENT, st, N(st), CUT_WHOLE, &l);
	T_EQ_INT(l.req_bytes[0], sizeof("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n") - 1);
	T_EQ_INT(l.resp_bytes[1], 7);
	T_EQ_INT(l.st.exchanges, 4);
	T_EQ_INT(l.st.sync_lost, 0);
}

static void pipeline(void)
{
	static const struct step st[] = {
		S('c', "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n"
		       "*4\r\n$6\r\nLRANGE\r\n$1\r\nb\r\n$1\r\n0\r\n$2\r\n-1\r\n"),
		S('s', "+PONG\r\n$-1\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n"),
	};
	static const char *const want[] = {
		"PING|PING|||0|-1",
		"GET|GET a|||0|-1",
		"LRANGE|LRANGE b 0 -1|||0|2",
		NULL,
	};
	/* also both streams cut in two at every position */
	CONV_CHECK_SPLITS(R, st, want);
}

static void errors(void)
{
	static const struct step st[] = {
		S('c', "*2\r\n$3\r\nGET\r\n$1\r\nl\r\n"),
		S('s', "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		S('c', "*1\r\n$3\r\nFOO\r\n"), S('s', "-ERR unknown command 'FOO'\r\n"),
		S('c', "*1\r\n$4\r\nKEYS\r\n"), S('s', "-NOAUTH Authentication required.\r\n"),
		S('c', "*1\r\n$4\r\nEVAL\r\n"), S('s', "!21\r\nSYNTAX invalid syntax\r\n"),
		S('c', "*1\r\n$4\r\nPING\r\n"), S('s', "-\r\n"),
	};
	static const char *const want[] = {
		"GET|GET l|WRONGTYPE||4|-1",
		"FOO|FOO|ERR||4|-1",
		"KEYS|KEYS|NOAUTH||4|-1",
		"EVAL|EVAL|SYNTAX||4|-1",
		"PING|PING|ERR||4|-1",
		NULL,
	};

	CONV_CHECK(R, st, N(st), want);
}

static void resp3(void)
{
	static const struct step st[] = {
		S('c', "*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n"),
		S('s', "%2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n"),
		S('c', "*2\r\n$4\r\nMGET\r\n$1\r\na\r\n"),
		S('s', "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n$1\r\nx\r\n"),
		S('c', "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"),
		S('s', ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n:5\r\n"),
		S('c', "*1\r\n$1\r\nA\r\n*1\r\n$1\r\nB\r\n*1\r\n$1\r\nC\r\n*1\r\n$1\r\nD\r\n"
		       "*1\r\n$1\r\nE\r\n*1\r\n$1\r\nF\r\n*1\r\n$1\r\nG\r\n"),
		S('s', ",3.14\r\n(3492890328409238509324850943850943825024385\r\n#t\r\n_\r\n"
		       "=15\r\ntxt:Some string\r\n~2\r\n+a\r\n+b\r\n"
		       "%1\r\n+k\r\n*2\r\n%1\r\n+a\r\n:1\r\n|1\r\n+x\r\n+y\r\n_\r\n"),
	};
	static const char *const want[] = {
		"HELLO|HELLO 3|||0|2",
		"MGET|MGET a|||0|1",
		"message||||100|-1",
		"INCR|INCR n|||0|-1",
		"A|A|||0|-1",
		"B|B|||0|-1",
		"C|C|||0|-1",
		"D|D|||0|-1",
		"E|E|||0|-1",
		"F|F|||0|2",
		"G|G|||0|1",
		NULL,
	};

	CONV_CHECK(R, st, N(st), want);
}

static void pubsub(void)
{
	static const struct step st[] = {
		S('c', "*3\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n"),
		S('s', "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"),
		S('s', "*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"),
		S('s', "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n"),
		S('s', "*4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$2\r\nab\r\n$1\r\nx\r\n"),
		S('c', "*1\r\n$4\r\nPING\r\n"), S('s', "*2\r\n$4\r\npong\r\n$0\r\n\r\n"),
		S('c', "*1\r\n$11\r\nUNSUBSCRIBE\r\n"),
		S('s', "*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n"),
		S('s', "*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:0\r\n"),
		S('c', "*2\r\n$6\r\nLRANGE\r\n$1\r\nm\r\n"),
		S('s', "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n"),
	};
	static const char *const want[] = {
		"SUBSCRIBE|SUBSCRIBE a b|||0|-1",
		"message||||100|-1",
		"pmessage||||100|-1",
		"PING|PING|||0|2",
		"UNSUBSCRIBE|UNSUBSCRIBE|||0|-1",
		/* not subscribed any more: a list that looks like a message */
		"LRANGE|LRANGE m|||0|3",
		NULL,
	};

	CONV_CHECK(R, st, N(st), want);
}

static void multi_select(void)
{
	static const struct step st[] = {
		S('c', "*1\r\n$5\r\nMULTI\r\n"), S('s', "+OK\r\n"),
		S('c', "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"), S('s', "+QUEUED\r\n"),
		S('c', "*2\r\n$4\r\nINCR\r\n$1\r\na\r\n"), S('s', "+QUEUED\r\n"),
		S('c', "*1\r\n$4\r\nEXEC\r\n"), S('s', "*2\r\n+OK\r\n:2\r\n"),
		S('c', "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*2\r\n$3\r\nGET\r\n$1\r\nx\r\n"),
		S('s', "+OK\r\n$-1\r\n"),
		S('c', "*2\r\n$6\r\nSELECT\r\n$2\r\n99\r\n"), S('s', "-ERR DB index is out of range\r\n"),
		S('c', "*1\r\n$5\r\nRESET\r\n"), S('s', "+RESET\r\n"),
		S('c', "*1\r\n$4\r\nQUIT\r\n"), S('s', "+OK\r\n"),
	};
	static const char *const want[] = {
		"MULTI|MULTI|||0|-1",
		"SET|SET a 1|||0|-1",
		"INCR|INCR a|||0|-1",
		"EXEC|EXEC|||0|2",
		"SELECT|SELECT 2|||0|-1",
		"GET|GET x||2|0|-1",
		"SELECT|SELECT 99|ERR|2|4|-1",
		"RESET|RESET||2|0|-1",
		"QUIT|QUIT||0|0|-1",
		NULL,
	};

	CONV_CHECK(R, st, N(st), want);
}

static void secrets(void)
{
	static const struct step st[] = {
		S('c', "*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n"), S('s', "+OK\r\n"),
		S('c', "*3\r\n$4\r\nauth\r\n$3\r\nbob\r\n$6\r\nsecret\r\n"), S('s', "+OK\r\n"),
		S('c', "*7\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$4\r\nAUTH\r\n$3\r\nbob\r\n$6\r\nsecret\r\n"
		       "$7\r\nSETNAME\r\n$1\r\nn\r\n"),
		S('s', "%0\r\n"),
		S('c', "*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$11\r\nrequirepass\r\n$6\r\nsecret\r\n"),
		S('s', "+OK\r\n"),
		S('c', "*5\r\n$3\r\nACL\r\n$7\r\nSETUSER\r\n$3\r\nbob\r\n$7\r\n>secret\r\n$2\r\n~*\r\n"),
		S('s', "+OK\r\n"),
		S('c', "auth secret\r\n"), S('s', "-ERR invalid password\r\n"),
	};
	static const char *const want[] = {
		"AUTH|AUTH ?|||0|-1",
		"AUTH|auth ? ?|||0|-1",
		"HELLO|HELLO 3 AUTH ? ? SETNAME n|||0|0",
		"CONFIG SET|CONFIG SET requirepass ?|||0|-1",
		"ACL SETUSER|ACL SETUSER bob ? ~*|||0|-1",
		"AUTH|auth ?|ERR||4|-1",
		NULL,
	};

	CONV_CHECK(R, st, N(st), want);
}

static void inline_cmds(void)
{
	static const struct step st[] = {
		/* an inline first command must come whole (detection) */
		S('c', "*1\r\n$4\r\nPING\r\n"), S('s', "+PONG\r\n"),
		S('c', "PING\r\n"), S('s', "+PONG\r\n"),
		S('c', "SET a  b\r\n\r\nGET a\n"), S('s', "+OK\r\n$1\r\nb\r\n"),
		S('c', "client setname x\r\n"), S('s', "+OK\r\n"),
	};
	static const char *const want[] = {
		"PING|PING|||0|-1",
		"PING|PING|||0|-1",
		"SET|SET a b|||0|-1",
		"GET|GET a|||0|-1",
		"CLIENT SETNAME|client setname x|||0|-1",
		NULL,
	};

	CONV_CHECK(R, st, N(st), want);
}

static void limits(void)
{
	static char big[300], many[2400];
	static char want_big[200], want_many[400];
	static const char *want[4];
	struct step st[4];
	int n = snprintf(big, sizeof(big), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$200\r\n");
	int m = 0;

	memset(big + n, 'x', 200);
	memcpy(big + n + 200, "\r\n", 2);
	snprintf(want_big, sizeof(want_big), "SET|SET k %.*s|||8|-1", REDIS_ARG_MAX_T, big + n);
	m = snprintf(many, sizeof(many), "*101\r\n$3\r\nDEL\r\n");
	for (int i = 0; i < 100; i++)
		m += snprintf(many + m, sizeof(many) - (size_t)m, "$3\r\nk%02d\r\n", i);
	st[0] = (struct step){ 'c', big, (size_t)n + 202, 0 };
	st[1] = (struct step){ 's', "+OK\r\n", 5, 0 };
	st[2] = (struct step){ 'c', many, (size_t)m, 0 };
	st[3] = (struct step){ 's', ":0\r\n", 4, 0 };
	/* 63 words of 4 bytes after DEL fill the 255 of the text */
	snprintf(want_many, sizeof(want_many), "DEL|DEL");
	for (int i = 0; i < 63; i++)
		snprintf(want_many + strlen(want_many), 8, " k%02d", i);
	strcat(want_many, "|||8|-1");
	want[0] = want_big;
	want[1] = want_many;
	CONV_CHECK(R, st, 4, want);
}

static void queue_full(void)
{
	static char q[40 * 14 + 1], r[40 * 7 + 1];
	static const char *want[41];
	struct step st[2];

	for (int i = 0; i < 40; i++) {
		memcpy(q + 14 * i, "*1\r\n$4\r\nPING\r\n", 14);
		memcpy(r + 7 * i, "+PONG\r\n", 7);
		want[i] = i < 32 ? "PING|PING|||0|-1" : "||||1|-1";
	}
	st[0] = (struct step){ 'c', q, 40 * 14, 0 };
	st[1] = (struct step){ 's', r, 40 * 7, 0 };
	CONV_CHECK(R, st, 2, want);
}

int main(void)
{
	T_RUN(basic);
	T_RUN(pipeline);
	T_RUN(errors);
	T_RUN(resp3);
	T_RUN(pubsub);
	T_RUN(multi_select);
	T_RUN(secrets);
	T_RUN(inline_cmds);
	T_RUN(limits);
	T_RUN(queue_full);
	return t_done();
}
