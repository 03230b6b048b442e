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
	mconv_free(&cv);
	p_handshake(&cv, CAPS_BASE, NULL);
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

	mconv_free(&cv);
	p_handshake(&cv, CAPS_BASE, "shop");
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
	p_ok(2, 1, 2);
	mflush(&cv, 'S', 0);
	p_cmd(0x0e, NULL);
	mflush(&cv, 'C', 0);
	p_ok(1, 0, 2);
	mflush(&cv, 'S', 0);
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
	p_ok(1, 4, 2);
	mflush(&cv, 'S', 0);
	p_cmd(0x03, "SELECT id, name FROM items");
	mflush(&cv, 'C', 0);
	p_result(1, 2, 1, 2);
	mflush(&cv, 'S', 0);
	p_cmd(0x03, "SELECT id, name FROM empty");
	mflush(&cv, 'C', 0);
	p_result(1, 0, 1, 2);
	mflush(&cv, 'S', 0);
	pb("\x03\x00\x01SELECT 2", 11);
	mp(0);
	mflush(&cv, 'C', 0);
	p_result(1, 1, 0, 2);
	mflush(&cv, 'S', 0);
	p_stmt_cmd(0x17, 3, "\x00\x01\x00\x00\x00", 5);
	mflush(&cv, 'C', 0);
	p_ok(1, 1, 2);
	mflush(&cv, 'S', 0);
	mexpect(&cv, "midstream", want, 1);
}

/* Garbage on either side: the framing is lost (counted), found again at
 * the next command; a gap over a header: the same. Pairing stays right. */
static void garbage_and_gaps(void)
{
	static const char *const want[] = {
		"|SELECT 1|stmt=|ns=shop|st=/|rows=1|b=1|f=0|13/127",
		"|SELECT 3|stmt=|ns=shop|st=/|rows=1|b=1|f=0|13/127",
		"|SELECT |stmt=|ns=shop|st=1054/42S22|rows=-1|b=1|f=0xc|41/27",
		"COM_PING||stmt=|ns=shop|st=/|rows=-1|b=1|f=0x80|5/0",
		"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
		NULL,
	};

	mconv_free(&cv);
	p_handshake(&cv, CAPS_BASE, "shop");
	mstep_add(&cv, 'C', "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27, 0);
	p_cmd(0x03, "SELECT 1");
	mflush(&cv, 'C', 0);
	p_result(1, 1, 0, 2);
	mflush(&cv, 'S', 0);
	/* a query whose header is cut: its reply has no request */
	mstep_add(&cv, 'C', "\x0d\x00\x00", 3, 10);
	p_ok(1, 0, 2);
	mflush(&cv, 'S', 0);
	p_cmd(0x03, "SELECT 3");
	mflush(&cv, 'C', 0);
	p_result(1, 1, 0, 2);
	mflush(&cv, 'S', 0);
	/* a gap inside a known length: skipped exactly */
	p_cmd(0x03, "SELECT 'long literal, mostly unseen'");
	mflush(&cv, 'C', 0);
	cv.s[cv.n - 1].n = 12;
	cv.s[cv.n - 1].gap = 41 - 12;
	p_err(1, 1054, "42S22", "Unknown column");
	mflush(&cv, 'S', 0);
	/* server garbage: lost, then found at the reply to the next one */
	p_cmd(0x0e, NULL);
	mflush(&cv, 'C', 0);
	mstep_add(&cv, 'S', "\x16\x03\x03\x00\x5a\x02\x00", 7, 0);
	p_cmd(0x0e, NULL);
	mflush(&cv, 'C', 0);
	p_ok(1, 0, 2);
	mflush(&cv, 'S', 0);
	mexpect(&cv, "garbage_and_gaps", want, 1);
	mrun(&cv, PROTO_SERVER, 0, SIZE_MAX, 0, &r, NULL, 0);
	dump(&r);
	T_EQ_INT(r.st.sync_lost, 4);
	T_EQ_INT(r.st.resyncs, 4);
}

int main(void)
{
	T_RUN(ssl_request);
	T_RUN(big_payloads);
	T_RUN(midstream);
	T_RUN(garbage_and_gaps);
	mconv_free(&cv);
	return t_done();
}
