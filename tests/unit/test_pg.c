/* The PostgreSQL parser (user/proto/pg_*.c), message by message: the
 * startup variants, simple queries, the extended protocol, COPY and the
 * asynchronous messages, each conversation checked from both roles, fed
 * whole, a byte per syscall and cut in two at every position. Gaps,
 * resync, limits and detection: test_pg_edge.c. */
#include "pg_conv.h"

#define W(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void startup_ns(void)
{
	struct conv v = { 0 };
	struct pb *b;

	cv_hello(&v, "alice", NULL);
	b = cv_add(&v, 'c');
	pb_msg(b, 'Q', STR("SELECT 1"), NULL);
	b = cv_add(&v, 's');
	pb_row(b);
	pb_cc(b, "SELECT 1");
	pb_rfq(b);
	cv_expect(&v, W("- ns=alice op= stmt= status= rows=1 batch=1 text=SELECT 1"), 0);
}

/* Protocol 3.2, SSLRequest glued to the startup (as a server reads them
 * when the client does not wait), GSSENCRequest refused. */
static void startup_32_glued(void)
{
	struct conv v = { 0 };
	struct pb *b = cv_add(&v, 'c');

	pb_u32(b, 8);
	pb_u32(b, 80877104);
	b = cv_add(&v, 's');
	b->b[b->n++] = 'N';
	b = cv_add(&v, 'c');
	pb_u32(b, 8);
	pb_u32(b, 80877103);
	pb_startup(b, 0x30002, "user", "u", "database", "shop", "options", "-c x=y", NULL);
	b = cv_add(&v, 's');
	b->b[b->n++] = 'N';
	/* an older server offers 3.0 (NegotiateProtocolVersion) */
	pb_msg(b, 'v', LIT("\0\3\0\0\0\0\0\0"), NULL);
	pb_msg(b, 'R', LIT("\0\0\0\0"), NULL);
	pb_msg(b, 'K', LIT("\0\0\0\1\1\2\3\4\5\6\7\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
			   "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20"), NULL);
	pb_rfq(b);
	b = cv_add(&v, 'c');
	pb_msg(b, 'Q', STR("DELETE FROM t"), NULL);
	b = cv_add(&v, 's');
	pb_cc(b, "DELETE 3");
	pb_rfq(b);
	cv_expect(&v, W("- ns=shop op= stmt= status= rows=3 batch=1 text=DELETE FROM t"), 0);
}

/* 'S': TLS follows; 'G': GSS encryption follows. Never parsed. */
static void startup_tls(void)
{
	for (int g = 0; g < 2; g++)
		for (int role = 0; role < 2; role++) {
			struct pt t;
			uint8_t req[8] = { 0, 0, 0, 8, 4, 0xd2, 0x16, g ? 0x30 : 0x2f };
			uint8_t hello[] = { 0x16, 3, 1, 0, 5, 1, 0, 0, 1, 0 };

			pt_init(&t, role ? PROTO_CLIENT : PROTO_SERVER);
			T_EQ_INT(pt_feed(&t, 'c', req, 8), PROTO_MORE);
			T_EQ_INT(pt_feed(&t, 's', g ? "G" : "S", 1), PROTO_DONE);
			T_EQ_INT(pt_feed(&t, 'c', hello, sizeof(hello)), PROTO_DONE);
			T_EQ_INT(t.st.given_up, 1);
			T_EQ_INT(t.n, 0);
			pt_free(&t);
		}
}

static void cancel_request(void)
{
	struct conv v = { 0 };
	struct pb *b = cv_add(&v, 'c');

	pb_u32(b, 16);
	pb_u32(b, 80877102);
	pb_u32(b, 1234);
	pb_u32(b, 5678);
	cv_expect(&v, W(NULL), 1);
}

/* Multiple statements in one Query, an error part-way, an empty query, a
 * warning-class code, notices and parameter changes in between. */
static void simple_query(void)
{
	struct conv v = { 0 };
	struct pb *b;

	cv_hello(&v, "u", "db");
	b = cv_add(&v, 'c');
	pb_msg(b, 'Q', STR("INSERT INTO t VALUES (1); UPDATE t SET a = 2; SELECT * FROM t"), NULL);
	b = cv_add(&v, 's');
	pb_cc(b, "INSERT 0 1");
	pb_msg(b, 'N', LIT("SNOTICE\0C00000\0Mhi\0\0"), NULL);
	pb_cc(b, "UPDATE 1");
	pb_msg(b, 'T', LIT("\0\1a\0\0\0\0\0\0\0\0\0\0\x17\0\4\xff\xff\xff\xff\0\0"), NULL);
	pb_row(b);
	pb_row(b);
	pb_msg(b, 'S', STR("TimeZone"), STR("UTC"), NULL);
	pb_cc(b, "SELECT 2");
	pb_rfq(b);
	b = cv_add(&v, 'c');
	pb_msg(b, 'Q', STR("SELECT 1; SELECT x; SELECT 3"), NULL);
	b = cv_add(&v, 's');
	pb_row(b);
	pb_cc(b, "SELECT 1");
	pb_err(b, "42703");
	pb_rfq(b);
	b = cv_add(&v, 'c');
	pb_msg(b, 'Q', STR(""), NULL);
	b = cv_add(&v, 's');
	pb_msg(b, 'I', NULL);
	pb_rfq(b);
	b = cv_add(&v, 'c');
	pb_msg(b, 'Q', STR("CREATE TABLE u ()"), NULL);
	b = cv_add(&v, 's');
	pb_err(b, "01000");
	pb_rfq(b);
	cv_expect(&v, W("- ns=db op= stmt= status= rows=4 batch=3 text=INSERT INTO t VALUES (1); "
			"UPDATE t SET a = 2; SELECT * FROM t",
			"ERROR ns=db op= stmt= status=42703 rows=1 batch=2 text=SELECT 1; SELECT x; SELECT 3",
			"- ns=db op= stmt= status= rows=-1 batch=1 text=",
			"- ns=db op= stmt= status=01000 rows=-1 batch=1 text=CREATE TABLE u ()"), 0);
}

/* Extended protocol: a named statement run twice through the unnamed
 * portal and a named portal, the unnamed statement replaced by the next
 * Parse, a Close that forgets, a Bind of a statement never seen. */
static void extended(void)
{
	struct conv v = { 0 };
	struct pb *b;

	cv_hello(&v, "u", "db");
	b = cv_add(&v, 'c');
	pb_msg(b, 'P', STR("s1"), STR("SELECT $1"), LIT("\0\0"), NULL);
	pb_msg(b, 'B', STR(""), STR("s1"), LIT("\0\0\0\1\0\0\0\6secret\0\0"), NULL);
	pb_msg(b, 'D', LIT("P"), STR(""), NULL);
	pb_msg(b, 'E', STR(""), LIT("\0\0\0\0"), NULL);
	pb_msg(b, 'B', STR("cur"), STR("s1"), LIT("\0\0\0\0\0\0"), NULL);
	pb_msg(b, 'E', STR("cur"), LIT("\0\0\0\0"), NULL);
	pb_msg(b, 'S', NULL);
	b = cv_add(&v, 's');
	pb_msg(b, '1', NULL);
	pb_msg(b, '2', NULL);
	pb_msg(b, 'T', LIT("\0\0"), NULL);
	pb_row(b);
	pb_cc(b, "SELECT 1");
	pb_msg(b, '2', NULL);
	pb_row(b);
	pb_cc(b, "SELECT 1");
	pb_rfq(b);
	b = cv_add(&v, 'c');
	pb_msg(b, 'P', STR(""), STR("UPDATE a SET x = 1"), LIT("\0\0"), NULL);
	pb_msg(b, 'B', STR(""), STR(""), LIT("\0\0\0\0\0\0"), NULL);
	pb_msg(b, 'E', STR(""), LIT("\0\0\0\0"), NULL);
	pb_msg(b, 'P', STR(""), STR("UPDATE b SET y = 2"), LIT("\0\0"), NULL);
	pb_msg(b, 'B', STR(""), STR(""), LIT("\0\0\0\0\0\0"), NULL);
	pb_msg(b, 'E', STR(""), LIT("\0\0\0\0"), NULL);
	pb_msg(b, 'C', LIT("S"), STR("s1"), NULL);
	pb_msg(b, 'B', STR(""), STR("s1"), LIT("\0\0\0\0\0\0"), NULL);
	pb_msg(b, 'E', STR(""), LIT("\0\0\0\0"), NULL);
	pb_msg(b, 'S', NULL);
	b = cv_add(&v, 's');
	pb_msg(b, '1', NULL);
	pb_msg(b, '2', NULL);
	pb_cc(b, "UPDATE 5");
	pb_msg(b, '1', NULL);
	pb_msg(b, '2', NULL);
	pb_cc(b, "UPDATE 6");
	pb_msg(b, '3', NULL);
	pb_err(b, "26000");
	pb_rfq(b);
	cv_expect(&v, W("PREPARED ns=db op= stmt=s1 status= rows=1 batch=1 text=SELECT $1",
			"PREPARED ns=db op= stmt=s1 status= rows=1 batch=1 text=SELECT $1",
			"PREPARED ns=db op= stmt= status= rows=5 batch=1 text=UPDATE a SET x = 1",
			"PREPARED ns=db op= stmt= status= rows=6 batch=1 text=UPDATE b SET y = 2",
			"ERROR,UNKNOWN ns=db op= stmt=s1 status=26000 rows=-1 batch=1 text="), 0);
}

/* A Parse that fails with no Execute, then a pipeline whose middle
 * Execute fails: the rest up to Sync is skipped by the server. */
static void extended_errors(void)
{
	struct conv v = { 0 };
	struct pb *b;

	cv_hello(&v, "u", "db");
	b = cv_add(&v, 'c');
	pb_msg(b, 'P', STR("bad"), STR("SELEC 1"), LIT("\0\0"), NULL);
	pb_msg(b, 'S', NULL);
	b = cv_add(&v, 's');
	pb_err(b, "42601");
	pb_rfq(b);
	b = cv_add(&v, 'c');
	for (int i = 0; i < 3; i++) {
		static const char *const q[] = { "SELECT 1", "SELECT 1/0", "SELECT 3" };

		pb_msg(b, 'P', STR(""), STR(q[i]), LIT("\0\0"), NULL);
		pb_msg(b, 'B', STR(""), STR(""), LIT("\0\0\0\0\0\0"), NULL);
		pb_msg(b, 'E', STR(""), LIT("\0\0\0\0"), NULL);
	}
	pb_msg(b, 'S', NULL);
	b = cv_add(&v, 's');
	pb_msg(b, '1', NULL);
	pb_msg(b, '2', NULL);
	pb_row(b);
	pb_cc(b, "SELECT 1");
	pb_msg(b, '1', NULL);
	pb_msg(b, '2', NULL);
	pb_err(b, "22012");
	pb_rfq(b);
	/* the statement that failed to parse is not known afterwards */
	b = cv_add(&v, 'c');
	pb_msg(b, 'B', STR(""), STR("bad"), LIT("\0\0\0\0\0\0"), NULL);
	pb_msg(b, 'E', STR(""), LIT("\0\0\0\0"), NULL);
	pb_msg(b, 'S', NULL);
	b = cv_add(&v, 's');
	pb_err(b, "26000");
	pb_rfq(b);
	cv_expect(&v, W("ERROR ns=db op= stmt= status=42601 rows=-1 batch=1 text=SELEC 1",
			"PREPARED ns=db op= stmt= status= rows=1 batch=1 text=SELECT 1",
			"ERROR,PREPARED ns=db op= stmt= status=22012 rows=-1 batch=1 text=SELECT 1/0",
			"ERROR,UNKNOWN ns=db op= stmt=bad status=26000 rows=-1 batch=1 text="), 0);
}

/* An error answered before the client sent Sync (after a Flush): what
 * comes until Sync is ignored by the server, and by the parser. */
static void error_before_sync(void)
{
	struct conv v = { 0 };
	struct pb *b;

	cv_hello(&v, "u", "db");
	b = cv_add(&v, 'c');
	pb_msg(b, 'P', STR(""), STR("SELECT nope"), LIT("\0\0"), NULL);
	pb_msg(b, 'H', NULL);
	b = cv_add(&v, 's');
	pb_err(b, "42703");
	b = cv_add(&v, 'c');
	pb_msg(b, 'B', STR(""), STR(""), LIT("\0\0\0\0\0\0"), NULL);
	pb_msg(b, 'E', STR(""), LIT("\0\0\0\0"), NULL);
	pb_msg(b, 'S', NULL);
	b = cv_add(&v, 's');
	pb_rfq(b);
	b = cv_add(&v, 'c');
	pb_msg(b, 'Q', STR("SELECT 2"), NULL);
	b = cv_add(&v, 's');
	pb_cc(b, "SELECT 0");
	pb_rfq(b);
	cv_expect(&v, W("ERROR ns=db op= stmt= status=42703 rows=-1 batch=1 text=SELECT nope",
			"- ns=db op= stmt= status= rows=0 batch=1 text=SELECT 2"), 0);
}

/* Describe of a statement (ParameterDescription, then RowDescription or
 * NoData) and of a portal, then the statement run. */
static void describe(void)
{
	struct conv v = { 0 };
	struct pb *b;

	cv_hello(&v, "u", "db");
	b = cv_add(&v, 'c');
	pb_msg(b, 'P', STR("d1"), STR("SELECT $1::int"), LIT("\0\1\0\0\0\x17"), NULL);
	pb_msg(b, 'D', LIT("S"), STR("d1"), NULL);
	pb_msg(b, 'P', STR("d2"), STR("VACUUM"), LIT("\0\0"), NULL);
	pb_msg(b, 'D', LIT("S"), STR("d2"), NULL);
	pb_msg(b, 'S', NULL);
	b = cv_add(&v, 's');
	pb_msg(b, '1', NULL);
	pb_msg(b, 't', LIT("\0\1\0\0\0\x17"), NULL);
	pb_msg(b, 'T', LIT("\0\0"), NULL);
	pb_msg(b, '1', NULL);
	pb_msg(b, 't', LIT("\0\0"), NULL);
	pb_msg(b, 'n', NULL);
	pb_rfq(b);
	b = cv_add(&v, 'c');
	pb_msg(b, 'B', STR(""), STR("d1"), LIT("\0\0\0\1\0\0\0\1" "7\0\0"), NULL);
	pb_msg(b, 'D', LIT("P"), STR(""), NULL);
	pb_msg(b, 'E', STR(""), LIT("\0\0\0\0"), NULL);
	pb_msg(b, 'B', STR(""), STR("d2"), LIT("\0\0\0\0\0\0"), NULL);
	pb_msg(b, 'E', STR(""), LIT("\0\0\0\0"), NULL);
	pb_msg(b, 'S', NULL);
	b = cv_add(&v, 's');
	pb_msg(b, '2', NULL);
	pb_msg(b, 'T', LIT("\0\0"), NULL);
	pb_row(b);
	pb_cc(b, "SELECT 1");
	pb_msg(b, '2', NULL);
	pb_cc(b, "VACUUM");
	pb_rfq(b);
	cv_expect(&v, W("PREPARED ns=db op= stmt=d1 status= rows=1 batch=1 text=SELECT $1::int",
			"PREPARED ns=db op= stmt=d2 status= rows=-1 batch=1 text=VACUUM"), 0);
}

/* Execute with a row limit: PortalSuspended, then the rest. */
static void portal_suspended(void)
{
	struct conv v = { 0 };
	struct pb *b;

	cv_hello(&v, "u", "db");
	b = cv_add(&v, 'c');
	pb_msg(b, 'P', STR("q"), STR("SELECT g FROM generate_series(1,3) g"), LIT("\0\0"), NULL);
	pb_msg(b, 'B', STR("p"), STR("q"), LIT("\0\0\0\0\0\0"), NULL);
	pb_msg(b, 'E', STR("p"), LIT("\0\0\0\2"), NULL);
	pb_msg(b, 'E', STR("p"), LIT("\0\0\0\2"), NULL);
	pb_msg(b, 'C', LIT("P"), STR("p"), NULL);
	pb_msg(b, 'S', NULL);
	b = cv_add(&v, 's');
	pb_msg(b, '1', NULL);
	pb_msg(b, '2', NULL);
	pb_row(b);
	pb_row(b);
	pb_msg(b, 's', NULL);
	pb_row(b);
	pb_cc(b, "SELECT 1");
	pb_msg(b, '3', NULL);
	pb_rfq(b);
	cv_expect(&v, W("PREPARED ns=db op= stmt=q status= rows=2 batch=1 text=SELECT g FROM "
			"generate_series(1,3) g",
			"PREPARED ns=db op= stmt=q status= rows=1 batch=1 text=SELECT g FROM "
			"generate_series(1,3) g"), 0);
}

/* COPY data that looks like messages is data. */
static void copy_both_ways(void)
{
	struct conv v = { 0 };
	struct pb *b;
	static const char fake[] = "Q\0\0\0\x0bSELECT\0Z\0\0\0\5I";

	cv_hello(&v, "u", "db");
	b = cv_add(&v, 'c');
	pb_msg(b, 'Q', STR("COPY t FROM STDIN"), NULL);
	b = cv_add(&v, 's');
	pb_msg(b, 'G', LIT("\0\0\0"), NULL);
	b = cv_add(&v, 'c');
	pb_msg(b, 'd', LIT(fake), NULL);
	pb_msg(b, 'd', LIT("C\0\0\0\x0d"), NULL);
	pb_msg(b, 'c', NULL);
	b = cv_add(&v, 's');
	pb_cc(b, "COPY 2");
	pb_rfq(b);
	b = cv_add(&v, 'c');
	pb_msg(b, 'Q', STR("COPY t TO STDOUT"), NULL);
	b = cv_add(&v, 's');
	pb_msg(b, 'H', LIT("\0\0\0"), NULL);
	pb_msg(b, 'd', LIT(fake), NULL);
	pb_msg(b, 'c', NULL);
	pb_cc(b, "COPY 1");
	pb_rfq(b);
	b = cv_add(&v, 'c');
	pb_msg(b, 'Q', STR("COPY t FROM STDIN"), NULL);
	b = cv_add(&v, 's');
	pb_msg(b, 'G', LIT("\0\0\0"), NULL);
	b = cv_add(&v, 'c');
	pb_msg(b, 'f', STR("aborted"), NULL);
	b = cv_add(&v, 's');
	pb_err(b, "57014");
	pb_rfq(b);
	cv_expect(&v, W("- ns=db op= stmt= status= rows=2 batch=1 text=COPY t FROM STDIN",
			"- ns=db op= stmt= status= rows=1 batch=1 text=COPY t TO STDOUT",
			"ERROR ns=db op= stmt= status=57014 rows=-1 batch=1 text=COPY t FROM STDIN"),
		  0);
}

/* A notification while idle is pushed, never paired; a FunctionCall. */
static void notify_and_fcall(void)
{
	struct conv v = { 0 };
	struct pb *b;

	cv_hello(&v, "u", "db");
	b = cv_add(&v, 's');
	pb_msg(b, 'A', LIT("\0\0\0\7"), STR("jobs"), STR("payload"), NULL);
	b = cv_add(&v, 'c');
	pb_msg(b, 'F', LIT("\0\0\1\0\0\0\0\1\0\0\0\4\0\0\0\1\0\0"), NULL);
	b = cv_add(&v, 's');
	pb_msg(b, 'V', LIT("\0\0\0\1x"), NULL);
	pb_rfq(b);
	cv_expect(&v, W("NOREQ,PUSH ns=db op=NOTIFY stmt= status= rows=-1 batch=1 text=jobs",
			"- ns=db op=FunctionCall stmt= status= rows=-1 batch=1 text="), 0);
}

/* Nothing secret is kept: password, SASL answers, bound values. */
static void privacy(void)
{
	for (int role = 0; role < 2; role++) {
		struct conv v = { 0 };
		struct pb *b;
		struct pt t;

		cv_hello(&v, "u", "db");
		b = cv_add(&v, 'c');
		pb_msg(b, 'p', STR("hunter2-password"), NULL);
		pb_msg(b, 'p', STR("SCRAM-SHA-256"), LIT("\0\0\0\x0cn,,n=,r=NONCE"), NULL);
		b = cv_add(&v, 'c');
		pb_msg(b, 'P', STR("s"), STR("SELECT $1"), LIT("\0\0"), NULL);
		pb_msg(b, 'B', STR("p"), STR("s"), LIT("\0\0\0\1\0\0\0\x0c" "bound-secret\0\0"),
		       NULL);
		pb_msg(b, 'B', STR(""), STR(""), LIT("\0\0\0\1\0\0\0\x0c" "bound-second\0\0"),
		       NULL);
		pb_msg(b, 'F', LIT("\0\0\1\0\0\0\0\1\0\0\0\x0b" "fcall-value\0\0"), NULL);
		pt_init(&t, role ? PROTO_CLIENT : PROTO_SERVER);
		cv_run(&t, &v, 0, 0);
		T_CHECK(!memmem(t.c, proto_postgres.conn_size, "hunter2", 7));
		T_CHECK(!memmem(t.c, proto_postgres.conn_size, "NONCE", 5));
		T_CHECK(!memmem(t.c, proto_postgres.conn_size, "bound-se", 8));
		T_CHECK(!memmem(t.c, proto_postgres.conn_size, "fcall-va", 8));
		T_CHECK(memmem(t.c, proto_postgres.conn_size, "SELECT $1", 9));
		pt_free(&t);
	}
}

int main(void)
{
	T_RUN(startup_ns);
	T_RUN(startup_32_glued);
	T_RUN(startup_tls);
	T_RUN(cancel_request);
	T_RUN(simple_query);
	T_RUN(extended);
	T_RUN(extended_errors);
	T_RUN(error_before_sync);
	T_RUN(describe);
	T_RUN(portal_suspended);
	T_RUN(copy_both_ways);
	T_RUN(notify_and_fcall);
	T_RUN(privacy);
	return t_done();
}
