/* The MySQL parser on built conversations with exact expected exchanges:
 * the handshake (database, SSL request), text queries and result sets
 * with and without DEPRECATE_EOF, errors, COM_INIT_DB and USE, session
 * state, multi-statements, prepared statements (prepare, execute, fetch,
 * send long data, reset, close, unknown ids), LOCAL INFILE, payloads
 * over 16 MB in several packets, pipelining and a full queue, long text.
 * Each as a server and as a client, whole, split in two at every byte of
 * every syscall, and in pieces of 1 to 16 bytes. */
#include "t.h"
#include "t_fmt.h"
#include "my_build.h"

static struct mconv cv;

static void expect(const char *name, const char *const *want, int splits)
{
	mexpect(&cv, name, want, splits);
}

/* Neither in an exchange nor anywhere in the connection's state after
 * any syscall, fed whole or a byte at a time: authentication data,
 * bound values. */
static void absent(const char *secret)
{
	static struct mrec r;
	struct proto_opts o = { .on_db = mrec_cb, .arg = &r };
	void *c = aligned_alloc(64, (proto_mysql.conn_size + 63) / 64 * 64);
	size_t len = strlen(secret);

	T_ASSERT(c);
	for (int bytewise = 0; bytewise < 2; bytewise++) {
		memset(&r, 0, sizeof(r));
		memset(c, 0, proto_mysql.conn_size);
		proto_mysql.init(c, 7, (enum proto_role)bytewise, &o);
		for (size_t i = 0; i < cv.n; i++) {
			struct mstep one = cv.s[i];

			for (size_t k = 0; k < cv.s[i].n; k += one.n) {
				one.p = cv.s[i].p + k;
				one.n = bytewise ? 1 : cv.s[i].n;
				mfeed(c, bytewise, &one, 100 + i);
				T_ASSERTF(!memmem(c, proto_mysql.conn_size, secret, len),
					  "%s in the state after step %zu byte %zu", secret, i, k);
			}
		}
		for (int i = 0; i < r.n && i < MY_T_MAXX; i++)
			T_CHECKF(!strstr(r.line[i], secret), "%s", r.line[i]);
	}
	free(c);
}

static void text_queries(void)
{
	static const char *const want[] = {
		"|SELECT id, name FROM items|stmt=|ns=shop|st=/|rows=3|b=1|f=0|31/151",
		"|SELECT * FROM nope|stmt=|ns=shop|st=1146/42S02|rows=-1|b=1|f=0x4|23/44",
		"|UPDATE items SET price = 1|stmt=|ns=shop|st=/|rows=7|b=1|f=0|31/11",
		"COM_INIT_DB||stmt=|ns=mysql|st=/|rows=0|b=1|f=0|10/11",
		"|SELECT 1|stmt=|ns=mysql|st=/|rows=0|b=1|f=0|13/115",
		"|use `other db`|stmt=|ns=mysql|st=/|rows=0|b=1|f=0|19/11",
		"COM_PING||stmt=|ns=other db|st=/|rows=0|b=1|f=0|5/11",
		"COM_QUIT||stmt=|ns=other db|st=/|rows=-1|b=1|f=0x40|5/0",
		NULL,
	};
	const struct mrec *m;

	m_begin(&cv, CAPS_BASE, "shop");
	c_cmd(&cv, 0x03, "SELECT id, name FROM items");
	s_result(&cv, 1, 3, 0, 0x0002);
	c_cmd(&cv, 0x03, "SELECT * FROM nope");
	s_err(&cv, 1, 1146, "42S02", "Table 'shop.nope' doesn't exist");
	c_cmd(&cv, 0x03, "UPDATE items SET price = 1");
	s_ok(&cv, 1, 7, 0x0002);
	c_cmd(&cv, 0x02, "mysql");
	s_ok(&cv, 1, 0, 0x0002);
	c_cmd(&cv, 0x03, "SELECT 1");
	s_result(&cv, 1, 0, 0, 0x0002);
	c_cmd(&cv, 0x03, "use `other db`");
	s_ok(&cv, 1, 0, 0x0002);
	c_cmd(&cv, 0x0e, NULL);
	s_ok(&cv, 1, 0, 0x0002);
	c_cmd(&cv, 0x01, NULL);
	/* the times: the request's syscall, the reply's (mrun's clock:
	 * step i at 1000 + 11 * (i + 1) - 1) */
	m = mexpect(&cv, "text_queries", want, 1);
	T_EQ_INT(m->start[0], 1043);
	T_EQ_INT(m->end[0], 1054);
	T_EQ_INT(m->st.exchanges, 8);
	T_EQ_INT(m->st.errors, 1);
	T_EQ_INT(m->st.no_request + m->st.no_response + m->st.sync_lost + m->st.skipped, 0);
	absent("PASSWORD-HASH");
}


/* DEPRECATE_EOF: no EOF after the definitions, a 0xfe OK at the end;
 * multi-statements (MORE_RESULTS) as one exchange; session state. */
static void deprecate_eof_multi(void)
{
	static const char *const want[] = {
		"|SELECT id, name FROM items|stmt=|ns=|st=/|rows=2|b=1|f=0|31/132",
		"|SELECT 1; SELECT 2; INSERT INTO t VALUES (1)|stmt=|ns=|st=/|rows=2|b=3|f=0|49/239",
		"|CALL switch_db()|stmt=|ns=|st=/|rows=0|b=1|f=0|21/20",
		"|SELECT 2|stmt=|ns=shop|st=1064/42000|rows=-1|b=1|f=0x4|13/19",
		NULL,
	};
	uint8_t seq;

	m_begin(&cv, CAPS_BASE | CAP_DEPRECATE_EOF | CAP_SESSION_TRACK, NULL);
	c_cmd(&cv, 0x03, "SELECT id, name FROM items");
	s_result(&cv, 1, 2, 1, 0x0002);
	p_cmd(0x03, "SELECT 1; SELECT 2; INSERT INTO t VALUES (1)");
	mflush(&cv, 'C', 0);
	seq = p_result(1, 1, 1, 0x000a);
	seq = p_result(seq, 0, 1, 0x000a);
	s_ok(&cv, seq, 1, 0x0002);
	/* a procedure switched the schema: the OK's session state says so */
	c_cmd(&cv, 0x03, "CALL switch_db()");
	pbyte(0);
	pbyte(0);
	pbyte(0);
	ple(0x4002, 2);
	ple(0, 2);
	plstr("");
	plenenc(7);
	pbyte(1);
	plenenc(5);
	plstr("shop");
	mp(1);
	mflush(&cv, 'S', 0);
	c_cmd(&cv, 0x03, "SELECT 2");
	s_err(&cv, 1, 1064, "42000", "syntax");
	expect("deprecate_eof_multi", want, 1);
}

/* Prepared statements: text by id, binary rows, a cursor fetched, long
 * data and close without a reply, reset, an id never prepared. */
static void prepared(void)
{
	static const char *const want[] = {
		"COM_STMT_PREPARE|SELECT id, name FROM items WHERE id > ?|stmt=5|ns=shop|st=/|rows=0|b=1|f=0|44/168",
		"|SELECT id, name FROM items WHERE id > ?|stmt=5|ns=shop|st=/|rows=2|b=1|f=0x10|25/146",
		"|SELECT id, name FROM items WHERE id > ?|stmt=5|ns=shop|st=/|rows=0|b=1|f=0x10|15/106",
		"COM_STMT_FETCH|SELECT id, name FROM items WHERE id > ?|stmt=5|ns=shop|st=/|rows=1|b=1|f=0x10|13/24",
		"COM_STMT_SEND_LONG_DATA|SELECT id, name FROM items WHERE id > ?|stmt=5|ns=shop|st=/|rows=-1|b=1|f=0x50|22/0",
		"COM_STMT_RESET|SELECT id, name FROM items WHERE id > ?|stmt=5|ns=shop|st=/|rows=0|b=1|f=0x10|9/11",
		"COM_STMT_CLOSE|SELECT id, name FROM items WHERE id > ?|stmt=5|ns=shop|st=/|rows=-1|b=1|f=0x50|9/0",
		"COM_STMT_EXECUTE||stmt=5|ns=shop|st=1243/HY000|rows=-1|b=1|f=0x24|14/47",
		"COM_STMT_EXECUTE||stmt=77|ns=shop|st=/|rows=3|b=1|f=0x20|14/11",
		NULL,
	};

	m_begin(&cv, CAPS_BASE, "shop");
	c_cmd(&cv, 0x16, "SELECT id, name FROM items WHERE id > ?");
	p_prepare_ok(5, 2, 1);
	p_coldef(2, "?");
	p_eof(3, 2);
	p_coldef(4, "id");
	p_coldef(5, "name");
	p_eof(6, 2);
	mflush(&cv, 'S', 0);
	p_stmt_cmd(0x17, 5, "\x00\x01\x00\x00\x00\x01\x03\x00s3cr3t!!", 16);
	mflush(&cv, 'C', 0);
	p_eof(p_cols(1), 2);
	pb("\x00\x00\x01\x00\x00\x00\x05apple", 12);
	mp(5);
	pb("\x00\x00\x02\x00\x00\x00\x04pear", 11);
	mp(6);
	p_eof(7, 2);
	mflush(&cv, 'S', 0);
	/* with a cursor: the rows come by COM_STMT_FETCH */
	p_stmt_cmd(0x17, 5, "\x01\x01\x00\x00\x00\x00", 6);
	mflush(&cv, 'C', 0);
	p_eof(p_cols(1), 0x0042);
	mflush(&cv, 'S', 0);
	p_stmt_cmd(0x1c, 5, "\x0a\x00\x00\x00", 4);
	mflush(&cv, 'C', 0);
	pb("\x00\x00\x03\x00\x00\x00\x04plum", 11);
	mp(1);
	p_eof(2, 0x0082);
	mflush(&cv, 'S', 0);
	p_stmt_cmd(0x18, 5, "\x00\x00s3cr3t-long", 13);
	p_stmt_cmd(0x1a, 5, "", 0);
	mflush(&cv, 'C', 0);
	s_ok(&cv, 1, 0, 2);
	p_stmt_cmd(0x19, 5, "", 0);
	p_stmt_cmd(0x17, 5, "\x00\x01\x00\x00\x00", 5);
	mflush(&cv, 'C', 0);
	s_err(&cv, 1, 1243, "HY000", "Unknown prepared statement handler");
	p_stmt_cmd(0x17, 77, "\x00\x01\x00\x00\x00", 5);
	mflush(&cv, 'C', 0);
	s_ok(&cv, 1, 3, 2);
	expect("prepared", want, 1);
	absent("s3cr3t");
}

/* LOAD DATA LOCAL INFILE: the file's packets are no commands. */
static void local_infile(void)
{
	static const char *const want[] = {
		"|LOAD DATA LOCAL INFILE 'x.csv' INTO TABLE items|stmt=|ns=shop|st=/|rows=2|b=1|f=0|52/21",
		"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
		NULL,
	};

	m_begin(&cv, CAPS_BASE, "shop");
	c_cmd(&cv, 0x03, "LOAD DATA LOCAL INFILE 'x.csv' INTO TABLE items");
	pbyte(0xfb);
	pstr("x.csv");
	mp(1);
	mflush(&cv, 'S', 0);
	pstr("\x03SELECT looks like a command,1\n");
	mp(2);
	mflush(&cv, 'C', 0);
	pstr("4,b\n");
	mp(3);
	mp(4);
	mflush(&cv, 'C', 0);
	s_ok(&cv, 5, 2, 2);
	c_cmd(&cv, 0x0e, NULL);
	s_ok(&cv, 1, 0, 2);
	expect("local_infile", want, 1);
}

int main(void)
{
	T_RUN(text_queries);
	T_RUN(deprecate_eof_multi);
	T_RUN(prepared);
	T_RUN(local_infile);
	mconv_free(&cv);
	return t_done();
}
