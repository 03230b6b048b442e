/* The MySQL parser where the input is not a clean conversation: an SSL
 * request, payloads over 16 MB seen in part, a connection joined
 * mid-stream (replies without requests, capabilities unknown), garbage
 * and gaps (counted losses and resyncs), requests given up by close and
 * tick, a full pipeline queue, text cut at its limit, and detect(). */
#include "t.h"
#include "t_fmt.h"
#include "my_build.h"

static struct mconv cv;
static struct mrec r;

static void dump(const struct mrec *m)
{
	for (int i = 0; getenv("RAWTEL_MY_DUMP") && i < m->n && i < MY_T_MAXX; i++)
		fprintf(stderr, "\t\t\"%s\",\n", m->line[i]);
}

/* An SSL request: TLS follows, the parser is done. */
static void ssl_request(void)
{
	m_begin(&cv, CAPS_BASE, NULL);
	while (cv.n > 1)	/* the greeting only */
		free(cv.s[--cv.n].p);
	ple(CAPS_BASE | CAP_SSL, 4);
	ple(1 << 24, 4);
	pbyte(33);
	ple(0, 23);
	mp(1);
	mflush(&cv, 'C', 0);
	pb("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
	mp(2);
	mflush(&cv, 'C', 0);
	for (int role = 0; role < 2; role++) {
		mrun(&cv, role, 0, SIZE_MAX, 0, &r, NULL, 0);
		T_EQ_INT(r.state, PROTO_DONE);
		T_EQ_INT(r.n, 0);
		T_EQ_INT(r.st.given_up, 1);
	}
}

/* A packet header of 0xffffff bytes and the first n of its payload as
 * one syscall; the rest of the payload unseen. */
static void big_head(char who, uint8_t seq, const void *p, size_t n)
{
	uint8_t b[512];

	b[0] = b[1] = b[2] = 0xff;
	b[3] = seq;
	memcpy(b + 4, p, n);
	mstep_add(&cv, who, b, n + 4, 0xffffffu - n);
}

/* The compressed protocol negotiated: not parsed, the parser is done. */
static void compressed(void)
{
	m_begin(&cv, CAPS_BASE | 0x20u, "shop");
	c_cmd(&cv, 0x03, "SELECT 1");
	for (int role = 0; role < 2; role++) {
		mrun(&cv, role, 0, SIZE_MAX, 0, &r, NULL, 0);
		T_EQ_INT(r.state, PROTO_DONE);
		T_EQ_INT(r.n, 0);
		T_EQ_INT(r.st.given_up, 1);
	}
}

/* Payloads over 16 MB: a query in two packets, mostly unseen (its text
 * cut), a row in two packets; a payload of exactly 0xffffff bytes ends
 * with an empty packet. */
static void big_payloads(void)
{
	static const char *const want[] = {
		"|SELECT 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|stmt=|ns=shop|st=/|rows=1|b=1|f=0x8|16777243/16777293",
		"|INSERT INTO t VALUES ('|stmt=|ns=shop|st=/|rows=1|b=1|f=0x8|16777223/11",
		"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
		NULL,
	};
	char q[300];

	m_begin(&cv, CAPS_BASE, "shop");
	memset(q, 'a', sizeof(q));
	memcpy(q, "\x03SELECT '", 9);
	big_head('C', 0, q, 196);
	pb(q + 9, 18);
	pstr("';");
	mp(1);
	mflush(&cv, 'C', 0);
	plenenc(1);
	mp(2);
	p_coldef(3, "b");
	p_eof(4, 2);
	mflush(&cv, 'S', 0);
	big_head('S', 5, q + 9, 100);
	pstr("abcde");
	mp(6);
	p_eof(7, 2);
	mflush(&cv, 'S', 0);
	/* exactly 0xffffff: an empty packet ends it */
	big_head('C', 0, "\x03INSERT INTO t VALUES ('", 24);
	mp(1);
	mflush(&cv, 'C', 0);
	s_ok(&cv, 2, 1, 2);
	c_cmd(&cv, 0x0e, NULL);
	s_ok(&cv, 1, 0, 2);
	T_EQ_INT(mexpect(&cv, "big_payloads", want, 1)->st.sync_lost, 0);
}

/* Joined mid-stream: the rest of an old reply is passed over, a lone OK
 * is a reply without request, then commands are found at syscall starts;
 * capabilities unknown: a result set without EOFs (DEPRECATE_EOF), a
 * query with MySQL 8's empty query attributes, an unknown statement. */
static void midstream(void)
{
	static const char *const want[] = {
		"||stmt=|ns=|st=/|rows=4|b=1|f=0x1|0/11",
		"|SELECT id, name FROM items|stmt=|ns=|st=/|rows=2|b=1|f=0|31/132",
		"|SELECT id, name FROM empty|stmt=|ns=|st=/|rows=0|b=1|f=0|31/108",
		"|SELECT 2|stmt=|ns=|st=/|rows=1|b=1|f=0|15/127",
		"COM_STMT_EXECUTE||stmt=3|ns=|st=/|rows=1|b=1|f=0x20|14/11",
		NULL,
	};

	mconv_free(&cv);
	p_row(5, "2", "pear");
	p_row(6, "3", "plum");
	p_eof(7, 2);
	mflush(&cv, 'S', 0);
	s_ok(&cv, 1, 4, 2);
	c_cmd(&cv, 0x03, "SELECT id, name FROM items");
	s_result(&cv, 1, 2, 1, 2);
	c_cmd(&cv, 0x03, "SELECT id, name FROM empty");
	s_result(&cv, 1, 0, 1, 2);
	pb("\x03\x00\x01SELECT 2", 11);
	mp(0);
	mflush(&cv, 'C', 0);
	s_result(&cv, 1, 1, 0, 2);
	p_stmt_cmd(0x17, 3, "\x00\x01\x00\x00\x00", 5);
	mflush(&cv, 'C', 0);
	s_ok(&cv, 1, 1, 2);
	mexpect(&cv, "midstream", want, 1);
}

/* Garbage on either side: the framing is lost (counted), found again at
 * the next command; a gap over a header: the same. Pairing stays right. */
static void garbage_and_gaps(void)
{
	static const char *const want[] = {
		"|SELECT 1|stmt=|ns=shop|st=/|rows=1|b=1|f=0|13/127",
		"||stmt=|ns=shop|st=/|rows=0|b=1|f=0x1|0/11",
		"|SELECT 3|stmt=|ns=shop|st=/|rows=1|b=1|f=0|13/127",
		"|SELECT |stmt=|ns=shop|st=1054/42S22|rows=-1|b=1|f=0xc|41/27",
		"COM_PING||stmt=|ns=shop|st=/|rows=-1|b=1|f=0x80|5/0",
		"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
		NULL,
	};

	m_begin(&cv, CAPS_BASE, "shop");
	mstep_add(&cv, 'C', "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27, 0);
	c_cmd(&cv, 0x03, "SELECT 1");
	s_result(&cv, 1, 1, 0, 2);
	/* a query whose header is cut: its reply has no request */
	mstep_add(&cv, 'C', "\x0d\x00\x00", 3, 10);
	s_ok(&cv, 1, 0, 2);
	c_cmd(&cv, 0x03, "SELECT 3");
	s_result(&cv, 1, 1, 0, 2);
	/* a gap inside a known length: skipped exactly */
	c_cmd(&cv, 0x03, "SELECT 'long literal, mostly unseen'");
	cv.s[cv.n - 1].n = 12;
	cv.s[cv.n - 1].gap = 41 - 12;
	s_err(&cv, 1, 1054, "42S22", "Unknown column");
	/* server garbage: lost, then found at the reply to the next one */
	c_cmd(&cv, 0x0e, NULL);
	mstep_add(&cv, 'S', "\x16\x03\x03\x00\x5a\x02\x00", 7, 0);
	c_cmd(&cv, 0x0e, NULL);
	s_ok(&cv, 1, 0, 2);
	mexpect(&cv, "garbage_and_gaps", want, 1);
	mrun(&cv, PROTO_SERVER, 0, SIZE_MAX, 0, &r, NULL, 0);
	dump(&r);
	/* the HTTP bytes, the header cut, the server's garbage */
	T_EQ_INT(r.st.sync_lost, 3);
	T_EQ_INT(r.st.resyncs, 3);
	T_EQ_INT(r.st.no_request, 1);
}

/* Requests given up: tick() after max_wait_ns (the late reply is then
 * passed over, the next pairs right), close() with one waiting. */
static void close_and_tick(void)
{
	static const char *const want[] = {
		"|SELECT SLEEP(10)|stmt=|ns=shop|st=/|rows=-1|b=1|f=0x2|21/0",
		"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
		"|SELECT 2|stmt=|ns=shop|st=/|rows=-1|b=1|f=0x2|13/0",
		NULL,
	};
	struct proto_opts o = { .on_db = mrec_cb, .arg = &r, .stats = &r.st, .max_wait_ns = 100 };

	m_begin(&cv, CAPS_BASE, "shop");
	c_cmd(&cv, 0x03, "SELECT SLEEP(10)");
	s_result(&cv, 1, 1, 0, 2);
	c_cmd(&cv, 0x0e, NULL);
	s_ok(&cv, 1, 0, 2);
	c_cmd(&cv, 0x03, "SELECT 2");
	for (int role = 0; role < 2; role++) {
		void *c = aligned_alloc(64, (proto_mysql.conn_size + 63) / 64 * 64);
		uint64_t ts = 1000;

		T_ASSERT(c);
		memset(&r, 0, sizeof(r));
		memset(c, 0, proto_mysql.conn_size);
		proto_mysql.init(c, 7, (enum proto_role)role, &o);
		for (size_t i = 0; i < 4; i++)
			mfeed(c, role, &cv.s[i], ts += 10);
		proto_mysql.tick(c, ts + 99);
		T_EQ_INT(r.n, 0);
		proto_mysql.tick(c, ts + 100);
		T_EQ_INT(r.n, 1);
		proto_mysql.tick(c, ts + 500);
		T_EQ_INT(r.n, 1);
		T_EQ_INT(r.end[0], ts + 100);
		for (size_t i = 4; i < cv.n; i++)
			mfeed(c, role, &cv.s[i], ts += 1000);
		proto_mysql.close(c, ts + 5);
		T_ASSERT(r.n == 3);
		for (int i = 0; i < 3; i++)
			T_CHECKF(!strcmp(r.line[i], want[i]), "#%d %s", i, r.line[i]);
		T_EQ_INT(r.end[2], ts + 5);
		T_EQ_INT(r.st.no_response, 2);
		free(c);
	}
}

/* Pipelined commands: replies in order; a MariaDB progress report
 * (ERR 0xffff) is no reply; more than the queue holds: the replies of
 * those not kept have no request, counted. */
static void pipeline(void)
{
	static const char *const want[] = {
		"|ALTER TABLE items ADD c INT|stmt=|ns=shop|st=/|rows=3|b=1|f=0|32/21",
		"|SELECT id, name FROM items|stmt=|ns=shop|st=/|rows=2|b=1|f=0|31/139",
		"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
		"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
		"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
		"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
		"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
		"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
		"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
		"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
		"||stmt=|ns=shop|st=/|rows=0|b=1|f=0x1|0/11",
		"||stmt=|ns=shop|st=/|rows=0|b=1|f=0x1|0/11",
		NULL,
	};

	m_begin(&cv, CAPS_BASE, "shop");
	p_cmd(0x03, "ALTER TABLE items ADD c INT");
	c_cmd(&cv, 0x03, "SELECT id, name FROM items");
	p_err(1, 0xffff, NULL, "\x01\x01\x01\x00\x10\x00\x00\x05stage");
	p_ok(2, 3, 2);
	s_result(&cv, 1, 2, 0, 2);
	for (int i = 0; i < 10; i++)
		c_cmd(&cv, 0x0e, NULL);
	for (int i = 0; i < 10; i++)
		s_ok(&cv, 1, 0, 2);
	T_EQ_INT(mexpect(&cv, "pipeline", want, 1)->st.queue_full, 2);
}

/* Text over DB_TEXT_MAX is cut and flagged; non-ASCII bytes become '?'. */
static void long_text(void)
{
	static char q[3001];

	memset(q, 'x', sizeof(q) - 1);
	memcpy(q, "SELECT '\xc3\xa9\t" "x", 12);
	m_begin(&cv, CAPS_BASE, "shop");
	c_cmd(&cv, 0x03, q);
	s_ok(&cv, 1, 0, 2);
	for (int role = 0; role < 2; role++) {
		const char *t = r.line[0] + 1, *end;

		mrun(&cv, role, 0, SIZE_MAX, 0, &r, NULL, 0);
		T_ASSERT(r.n == 1);
		end = strchr(t, '|');
		T_ASSERT(end);
		T_EQ_INT(end - t, DB_TEXT_MAX - 1);
		T_CHECK(!strncmp(t, "SELECT '?? xxx", 14));
		T_CHECK(strstr(end, "|f=0x8|3005/11") != NULL);
	}
}

/* detect(): each side's first bytes; other protocols are not claimed. */
static void detect(void)
{
	static const struct {
		const char *what;
		int from_server;
		const char *p;
		size_t n;
		int want;
		size_t more;	/* bytes after the captured ones */
	} cases[] = {
		{ "greeting", 1, "\x4a\x00\x00\x00\x0a" "10.11.19-MariaDB\0" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 78, PROTO_YES, 0 },
		{ "greeting cut", 1, "\x4a\x00\x00\x00\x0a" "10.11", 10, PROTO_MAYBE, 68 },
		{ "COM_QUERY", 0, "\x09\x00\x00\x00\x03SELECT 1", 13, PROTO_YES, 0 },
		{ "COM_QUERY cut", 0, "\x40\x00\x00\x00\x03SELECT 1", 13, PROTO_MAYBE, 30 },
		{ "COM_PING", 0, "\x01\x00\x00\x00\x0e", 5, PROTO_MAYBE, 0 },
		{ "COM_STMT_CLOSE", 0, "\x05\x00\x00\x00\x19\x01\x00\x00\x00", 9, PROTO_MAYBE, 0 },
		{ "OK mid-stream", 1, "\x07\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00", 11, PROTO_MAYBE, 0 },
		{ "ERR before handshake", 1, "\x05\x00\x00\x00\xff\x6a\x04" "ab", 9, PROTO_MAYBE, 0 },
		{ "a command as a reply", 1, "\x09\x00\x00\x00\x03SELECT 1", 13, PROTO_NO, 0 },
		{ "HTTP request", 0, "GET / HTTP/1.1\r\n\r\n", 18, PROTO_NO, 0 },
		{ "HTTP response", 1, "HTTP/1.1 200 OK\r\n\r\n", 19, PROTO_NO, 0 },
		{ "TLS hello", 0, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11, PROTO_NO, 0 },
		{ "TLS server", 1, "\x16\x03\x03\x00\x5a\x02\x00\x00\x56", 9, PROTO_NO, 0 },
		{ "PG startup", 0, "\x00\x00\x00\x29\x00\x03\x00\x00user\0app\0", 17, PROTO_NO, 0 },
		{ "PG SSLRequest", 0, "\x00\x00\x00\x08\x04\xd2\x16\x2f", 8, PROTO_NO, 0 },
		{ "PG query", 0, "Q\x00\x00\x00\x0dSELECT 1\0", 14, PROTO_NO, 0 },
		{ "PG ready", 1, "Z\x00\x00\x00\x05I", 6, PROTO_NO, 0 },
		{ "RESP", 0, "*1\r\n$4\r\nPING\r\n", 14, PROTO_NO, 0 },
		{ "RESP reply", 1, "+PONG\r\n", 7, PROTO_NO, 0 },
		{ "memcached", 0, "get k\r\n", 7, PROTO_NO, 0 },
		{ "memcached reply", 1, "VALUE k 0 1\r\nx\r\nEND\r\n", 21, PROTO_NO, 0 },
		{ "HTTP/2 preface", 0, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24, PROTO_NO, 0 },
		{ "zeros", 0, "\x00\x00\x00\x00\x00\x00", 6, PROTO_NO, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int role = 0; role < 2; role++) {
			/* the server's bytes: what a server sends, a client receives */
			enum proto_dir dir = cases[i].from_server == (role == PROTO_SERVER)
						     ? PROTO_SEND : PROTO_RECV;
			int v = proto_mysql.detect((enum proto_role)role, dir,
						   (const uint8_t *)cases[i].p, cases[i].n,
						   cases[i].n + cases[i].more);

			T_CHECKF(v == cases[i].want, "%s (role %d): %d, want %d", cases[i].what,
				 role, v, cases[i].want);
		}
	}
	T_EQ_INT(proto_mysql.ports[0], 3306);
	T_EQ_STR(proto_mysql.name, "mysql");
}

/* MariaDB's execute-direct: prepare, execute and close of id -1 ("the
 * last prepared") in one write, before the id comes back. */
static void execute_direct(void)
{
	static const char *const want[] = {
		"COM_STMT_CLOSE|DELETE FROM items WHERE id = ?|stmt=-1|ns=shop|st=/|rows=-1|b=1|f=0x50|9/0",
		"COM_STMT_PREPARE|DELETE FROM items WHERE id = ?|stmt=9|ns=shop|st=/|rows=0|b=1|f=0|35/67",
		"|DELETE FROM items WHERE id = ?|stmt=-1|ns=shop|st=/|rows=1|b=1|f=0x10|20/11",
		NULL,
	};

	m_begin(&cv, CAPS_BASE, "shop");
	p_cmd(0x16, "DELETE FROM items WHERE id = ?");
	p_stmt_cmd(0x17, UINT32_MAX, "\x00\x01\x00\x00\x00\x00\x01\x03\x00\x01" "7", 11);
	p_stmt_cmd(0x19, UINT32_MAX, "", 0);
	mflush(&cv, 'C', 0);
	p_prepare_ok(9, 0, 1);
	p_coldef(2, "?");
	p_eof(3, 2);
	mflush(&cv, 'S', 0);
	s_ok(&cv, 1, 1, 2);
	mexpect(&cv, "execute_direct", want, 1);
}

/* The greeting seen, the client's answer lost in a gap: the commands
 * that follow are still found. */
static void handshake_lost(void)
{
	static const char *const want[] = {
		"|SELECT 1|stmt=|ns=|st=/|rows=1|b=1|f=0|13/127",
		NULL,
	};

	m_begin(&cv, CAPS_BASE, "shop");
	cv.s[1].n = 3;
	cv.s[1].gap = 60;
	c_cmd(&cv, 0x03, "SELECT 1");
	s_result(&cv, 1, 1, 0, 2);
	mexpect(&cv, "handshake_lost", want, 1);
}

/* Not MySQL: a new connection whose bytes never start a message is
 * given up after MY_GIVE_UP syscalls a side (PROTO_DONE, counted). */
static void give_up(void)
{
	mconv_free(&cv);
	for (int i = 0; i < 140; i++)
		mstep_add(&cv, i & 1 ? 'S' : 'C', "\x16\x03\x01\x02\x00\x01\x00\x01", 8, 300);
	for (int role = 0; role < 2; role++) {
		mrun(&cv, role, 0, SIZE_MAX, 0, &r, NULL, 0);
		T_EQ_INT(r.state, PROTO_DONE);
		T_EQ_INT(r.st.given_up, 1);
		T_EQ_INT(r.n, 0);
	}
	cv.n = 120;	/* 60 a side */
	mrun(&cv, PROTO_SERVER, 0, SIZE_MAX, 0, &r, NULL, 0);
	T_EQ_INT(r.state, PROTO_MORE);
	cv.n = 140;
}

int main(void)
{
	T_RUN(ssl_request);
	T_RUN(compressed);
	T_RUN(big_payloads);
	T_RUN(midstream);
	T_RUN(garbage_and_gaps);
	T_RUN(close_and_tick);
	T_RUN(pipeline);
	T_RUN(long_text);
	T_RUN(detect);
	T_RUN(execute_direct);
	T_RUN(handshake_lost);
	T_RUN(give_up);
	mconv_free(&cv);
	return t_done();
}
