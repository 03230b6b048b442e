/* The Memcached parser on conversations recorded from Debian's memcached
 * 1.6 (tests/fixtures/memcached/record.sh): every text command form with
 * noreply and errors, the meta commands with quiet mode and opaque
 * tokens, a pipelined batch, and libmemcached-tools. The exact exchanges
 * as the client and as the server, whole and a byte per syscall. Where
 * two quiet gets could both have sent a VA (no opaque token, no key in
 * the reply) the reply is reported without a request, not guessed. */
#include "t.h"
#include "cache_t.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DIR "tests/fixtures/memcached/"

static const struct proto_parser *const M = &proto_memcached;

static void text(void)
{
	static const char *const want[] = {
		"set|set k 0 0 5|||0|-1", "get|get k|||0|1", "gets|gets k|||0|1",
		"add|add k 0 0 1|||0|-1", "replace|replace k 5 0 5|||0|-1",
		"append|append k 0 0 1|||0|-1", "prepend|prepend k 0 0 1|||0|-1",
		"cas|cas k 0 0 1 1|||0|-1", "get|get k nosuch k|||0|2",
		"delete|delete nosuch|||0|-1", "incr|incr n 1|||0|-1", "set|set n 0 0 2|||0|-1",
		"incr|incr n 5|||0|-1", "decr|decr n 2|||0|-1", "touch|touch n 100|||0|-1",
		"gat|gat 0 n|||0|1", "gats|gats 0 n k|||0|2", "set|set q 0 0 3 noreply|||40|-1",
		"delete|delete q noreply|||40|-1", "incr|incr n 1 noreply|||40|-1",
		"get|get n q|||0|1", "delete|delete k|||0|-1", "version|version|||0|-1",
		"verbosity|verbosity 1|||0|-1", "stats|stats|||0|-1", "bogus|bogus|ERROR||4|-1",
		"set|set k 0 0 xx|CLIENT_ERROR||4|-1", "flush_all|flush_all|||0|-1",
		"quit|quit|||40|-1", NULL,
	};
	REC_CHECK(M, DIR "text.1.rec", want);
}

static void meta(void)
{
	static const char *const want[] = {
		"ms|ms mk 5 T0 F3|||0|-1", "mg|mg mk v|||0|1", "mg|mg mk s v f t k|||0|1",
		"mg|mg nosuch v|||0|0",
		/* "mg nosuch v q / mg mk v q / mn": the VA is one of theirs */
		"||||1|1", "mg|mg nosuch v q|||40|-1", "mg|mg mk v q|||40|-1", "mn|mn|||0|-1",
		/* the opaque token tells */
		"ms|ms mq 1 q|||40|-1", "mg|mg mq v O77 q|||0|1", "mn|mn|||0|-1",
		/* "md nosuch q / md mq": the server sends NF for the quiet one,
		 * which md mq could have sent too */
		"||||1|-1", "md|md nosuch q|||40|-1", "md|md mq|||0|-1",
		"md|md nosuch|||0|-1", "ma|ma cnt|||0|-1", "ma|ma cnt N0 J5|||0|-1",
		"ma|ma cnt D3 v|||0|1", "me|me mk|||0|-1", "mg|mg mk v Oab1|||0|1", "mn|mn|||0|-1",
		/* "S2" is no length: the server refuses the line, then reads
		 * the data as a command */
		"ms|ms mk S2|CLIENT_ERROR||4|-1", "xx|xx|ERROR||4|-1", NULL,
	};
	REC_CHECK(M, DIR "meta.1.rec", want);
}

static void pipe_batch(void)
{
	static const char *const want[] = {
		"set|set a 0 0 1|||0|-1", "set|set b 0 0 1|||0|-1", "get|get a b|||0|2",
		"get|get a|||0|1", "get|get b|||0|1", "delete|delete a|||0|-1", "get|get a|||0|0",
		"set|set c 0 0 1 noreply|||40|-1", "get|get c|||0|1", "||||1|1",
		"mg|mg c v q|||40|-1", "mg|mg nope v q|||40|-1", "mn|mn|||0|-1", NULL,
	};
	REC_CHECK(M, DIR "pipe.1.rec", want);
}

static void tools(void)
{
	static const char *const cp[] = { "set|set f1 0 0 10|||0|-1", "quit|quit|||40|-1", NULL };
	static const char *const cat[] = { "get|get f1|||0|1", "quit|quit|||40|-1", NULL };
	static const char *const stat[] = {
		"version|version|||0|-1", "stats|stats |||0|-1", "quit|quit|||40|-1", NULL,
	};
	static const char *const rm[] = { "delete|delete f1|||0|-1", "quit|quit|||40|-1", NULL };
	REC_CHECK(M, DIR "tools.1.rec", cp);
	REC_CHECK(M, DIR "tools.2.rec", cat);
	REC_CHECK(M, DIR "tools.3.rec", stat);
	REC_CHECK(M, DIR "tools.4.rec", rm);
}

int main(void)
{
	T_RUN(text);
	T_RUN(meta);
	T_RUN(pipe_batch);
	T_RUN(tools);
	return t_done();
}
