/* The HTTP/2 parser on frames written here, for what the recordings do
 * not show: padding, priority, CONTINUATION, unknown frame types, resets,
 * GOAWAY, a full stream table, aging, the h2c Upgrade entry point, gRPC
 * messages across frames and gaps, credentials never kept, a lost dynamic
 * table, and detect()'s verdicts. */
#include "t.h"
#include "t_fmt.h"
#include "test_h2_t.h"

struct buf {
	size_t n;
	uint8_t b[8192];
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n <= sizeof(b->b)) {
		memcpy(b->b + b->n, p, n);
		b->n += n;
	}
}

static void frame(struct buf *b, uint8_t type, uint8_t flags, uint32_t sid, const void *p,
		  size_t n)
{
	uint8_t h[9] = { (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n, type, flags,
			 (uint8_t)(sid >> 24), (uint8_t)(sid >> 16), (uint8_t)(sid >> 8),
			 (uint8_t)sid };

	put(b, h, 9);
	put(b, p, n);
}

/* A header block of literals without indexing, "name: value\n" each. */
static size_t block(uint8_t *out, const char *fields)
{
	size_t n = 0;

	while (*fields) {
		const char *colon = strstr(fields, ": "), *nl = strchr(fields, '\n');
		size_t kn = (size_t)(colon - fields), kv = (size_t)(nl - colon - 2);

		out[n++] = 0x00;
		out[n++] = (uint8_t)kn;
		memcpy(out + n, fields, kn);
		n += kn;
		out[n++] = (uint8_t)kv;
		memcpy(out + n, colon + 2, kv);
		n += kv;
		fields = nl + 1;
	}
	return n;
}

static void headers(struct buf *b, uint8_t flags, uint32_t sid, const char *fields)
{
	uint8_t blk[2048];

	frame(b, 1, flags | 0x4, sid, blk, block(blk, fields));
}

#define REQ(path) ":method: POST\n:scheme: http\n:authority: h\n:path: " path "\n"
#define GRPC_CT "content-type: application/grpc\n"

static _Alignas(16) uint8_t conn[1 << 17];
static struct xlines got;
static struct proto_opts opts = { .on_h2 = on_h2_x, .arg = &got, .stats = &got.st,
				  .max_wait_ns = 100 };

static enum proto_role cur_role;

static void start(enum proto_role role)
{
	cur_role = role;
	memset(&got, 0, sizeof(got));
	memset(conn, 0, proto_http2.conn_size);
	proto_http2.init(conn, 1, role, &opts);
}

/* c: client to server bytes, as seen by a server */
static void feed(char who, uint64_t ts, const struct buf *b)
{
	int recv = (who == 'c') == (cur_role == PROTO_SERVER);

	proto_http2.feed(conn, recv ? PROTO_RECV : PROTO_SEND, ts, b->b, b->n, b->n);
}

static void preface(void)
{
	static struct buf c, s;

	c.n = s.n = 0;
	put(&c, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24);
	frame(&c, 4, 0, 0, "\0\1\0\0\x10\0", 6);
	frame(&s, 4, 0, 0, "", 0);
	feed('c', 1, &c);
	feed('s', 1, &s);
}

/* A connection of the role, past its preface; the test's buffers c and s
 * (s may be NULL) emptied */
static void begin(enum proto_role role, struct buf *c, struct buf *s)
{
	start(role);
	preface();
	c->n = 0;
	if (s)
		s->n = 0;
}

/* The server's response on stream 1 at ts: HEADERS with block, then DATA
 * (n bytes of body) ending the stream */
static void respond(uint64_t ts, const char *block, const char *body, size_t n)
{
	static struct buf s;

	s.n = 0;
	headers(&s, 0, 1, block);
	frame(&s, 0, 0x1, 1, body, n);
	feed('s', ts, &s);
}

static void padding_priority_continuation(void)
{
	static struct buf c;
	uint8_t blk[512], pl[600];
	size_t n = block(blk, REQ("/p") "user-agent: ua\n");

	begin(PROTO_SERVER, &c, NULL);
	/* HEADERS: pad 3, priority, half the block; CONTINUATION: the rest */
	pl[0] = 3;
	memcpy(pl + 1, "\x80\0\0\1\x10", 5);
	memcpy(pl + 6, blk, 10);
	memcpy(pl + 16, "\0\0\0", 3);
	frame(&c, 1, 0x8 | 0x20, 1, pl, 19);
	frame(&c, 9, 0x4, 1, blk + 10, n - 10);
	frame(&c, 0xa, 0, 1, "unknown type", 12);	/* skipped */
	frame(&c, 6, 0, 0, "12345678", 8);		/* PING */
	frame(&c, 8, 0, 0, "\0\0\1\0", 4);		/* WINDOW_UPDATE */
	frame(&c, 2, 0, 3, "\0\0\0\1\7", 5);		/* PRIORITY */
	pl[0] = 2;
	memcpy(pl + 1, "abcd\0\0", 6);
	frame(&c, 0, 0x8 | 0x1, 1, pl, 7);		/* DATA padded, 4 bytes */
	feed('c', 2, &c);
	T_EQ_INT(got.n, 0);
	respond(3, ":status: 200\ncontent-type: text/plain\n", "hello", 5);
	T_ASSERT(got.n == 1);
	T_EQ_STR(got.line[0], "1 POST http h /p 200 ct=text/plain grpc=-1/ ua=ua tp=0 ts= f=0 "
		 "err=0 unk=0 req=4/0 resp=5/0");
	T_EQ_INT(got.x[0].start_ns, 2);
	T_EQ_INT(got.x[0].req_end_ns, 2);
	T_EQ_INT(got.x[0].resp_start_ns, 3);
	T_EQ_INT(got.x[0].end_ns, 3);
	T_EQ_INT(got.st.sync_lost, 0);
}

/* A block ends with its last byte, not with the padding after it: the
 * request's time is the syscall that completed it, whole or gathered. */
static void block_before_padding(void)
{
	static struct buf c;
	uint8_t pl[600];
	size_t n = block(pl + 1, REQ("/pad"));

	for (int split = 0; split < 2; split++) {
		begin(PROTO_SERVER, &c, NULL);
		pl[0] = 100;
		memset(pl + 1 + n, 0, 100);
		frame(&c, 1, 0x8 | 0x4 | 0x1, 1, pl, 1 + n + 100);
		if (split) {
			proto_http2.feed(conn, PROTO_RECV, 2, c.b, 20, 20);
			proto_http2.feed(conn, PROTO_RECV, 3, c.b + 20, c.n - 120, c.n - 120);
		} else {
			proto_http2.feed(conn, PROTO_RECV, 3, c.b, c.n - 100, c.n - 100);
		}
		proto_http2.feed(conn, PROTO_RECV, 4, c.b + c.n - 100, 100, 100);
		proto_http2.close(conn, 5);
		T_ASSERT(got.n == 1);
		T_EQ_STR(got.x[0].path, "/pad");
		T_EQ_INT(got.x[0].start_ns, 3);
		T_EQ_INT(got.x[0].req_end_ns, 3);
	}
}

static void reset_and_goaway(void)
{
	static struct buf c, s;

	begin(PROTO_SERVER, &c, &s);
	headers(&c, 0x1, 1, REQ("/a"));
	headers(&c, 0x1, 3, REQ("/b"));
	headers(&c, 0x1, 5, REQ("/c"));
	headers(&c, 0x1, 7, REQ("/d"));
	frame(&c, 3, 0, 7, "\0\0\0\x08", 4);	/* RST_STREAM CANCEL */
	feed('c', 2, &c);
	T_ASSERT(got.n == 1);
	T_CHECKF(strstr(got.line[0], "7 POST http h /d 0 ") == got.line[0], "%s", got.line[0]);
	T_EQ_INT(got.x[0].flags, H2_X_RESET | H2_X_NO_RESPONSE);
	T_EQ_INT(got.x[0].error_code, 8);
	frame(&s, 7, 0, 0, "\0\0\0\1\0\0\0\0", 8);	/* GOAWAY last 1 */
	headers(&s, 0x1, 1, ":status: 204\n");
	feed('s', 3, &s);
	T_ASSERT(got.n == 4);
	T_EQ_INT(got.x[1].flags, H2_X_GOAWAY | H2_X_NO_RESPONSE);
	T_EQ_INT(got.x[2].flags, H2_X_GOAWAY | H2_X_NO_RESPONSE);
	T_EQ_INT(got.x[1].stream_id + got.x[2].stream_id, 8);
	T_EQ_INT(got.x[3].stream_id, 1);
	T_EQ_INT(got.x[3].status, 204);
	T_EQ_INT(got.x[3].flags, H2_X_TRAILERS_ONLY);
	T_EQ_INT(got.st.no_response, 3);
}

static void table_full_and_aging(void)
{
	static struct buf c, s;

	begin(PROTO_CLIENT, &c, &s);
	for (uint32_t sid = 1; sid <= 2 * H2_STREAMS + 1; sid += 2)
		headers(&c, 0x1, sid, REQ("/many"));
	feed('c', 2, &c);
	T_EQ_INT(got.st.queue_full, 1);
	headers(&s, 0x1, 2 * H2_STREAMS + 1, ":status: 200\n");	/* not followed */
	headers(&s, 0x1, 1, ":status: 200\n");
	feed('s', 3, &s);
	T_ASSERT(got.n == 1);
	T_EQ_INT(got.x[0].stream_id, 1);
	proto_http2.tick(conn, 50);
	T_EQ_INT(got.n, 1);
	proto_http2.tick(conn, 200);
	T_ASSERT(got.n == H2_STREAMS);
	T_EQ_INT(got.x[1].flags, H2_X_AGED | H2_X_NO_RESPONSE);
	T_EQ_INT(got.x[1].end_ns, 200);
}

/* The table full of streams whose responses may have ended in lost
 * bytes: the longest silent makes room for a new one, never a stream
 * whose response was not cut. */
static void evicted_in_doubt(void)
{
	static struct buf c, s;

	begin(PROTO_SERVER, &c, &s);
	for (uint32_t sid = 1; sid <= 2 * H2_STREAMS - 1; sid += 2)
		headers(&c, 0x1, sid, REQ("/many"));
	feed('c', 2, &c);
	c.n = 0;
	headers(&c, 0x1, 2 * H2_STREAMS + 1, REQ("/new"));
	feed('c', 3, &c);
	T_EQ_INT(got.st.queue_full, 1);	/* none in doubt */
	headers(&s, 0, 3, ":status: 200\n");
	proto_http2.feed(conn, PROTO_SEND, 4, s.b, s.n, s.n + 50);	/* cut */
	c.n = 0;
	headers(&c, 0x1, 2 * H2_STREAMS + 3, REQ("/newer"));
	feed('c', 5, &c);
	T_ASSERT(got.n == 1);
	T_EQ_INT(got.x[0].stream_id, 1);
	T_EQ_INT(got.x[0].flags, H2_X_EVICTED | H2_X_NO_RESPONSE);
	T_EQ_INT(got.st.queue_full, 1);
	proto_http2.close(conn, 6);
	T_EQ_INT(got.n, H2_STREAMS + 1);
}

static void upgraded(void)
{
	struct h2_upgrade u = { .start_ns = 1, .req_end_ns = 1, .method = "GET", .path = "/up",
				.authority = "h:80", .user_agent = "curl" };

	memset(&got, 0, sizeof(got));
	cur_role = PROTO_SERVER;
	h2_conn_upgraded(conn, 9, PROTO_SERVER, &opts, &u);
	preface();
	respond(4, ":status: 200\n", "ok", 2);
	T_ASSERT(got.n == 1);
	T_EQ_STR(got.line[0], "1 GET http h:80 /up 200 ct= grpc=-1/ ua=curl tp=0 ts= f=0x1000 "
		 "err=0 unk=0 req=0/0 resp=2/0");
	T_EQ_INT(got.x[0].conn_id, 9);
}

/* Messages across DATA frames; a gap inside a message body is skipped
 * exactly, one over a prefix loses the count. */
static void grpc_messages(void)
{
	static struct buf c, s;
	static const uint8_t two[] = { 0, 0, 0, 0, 3, 'a', 'b', 'c', 1, 0, 0, 0, 2, 'd', 'e' };
	static uint8_t big[4101] = { 0, 0, 0, 0x10, 0, 'x', 'x' };	/* 4096 */

	begin(PROTO_SERVER, &c, &s);
	headers(&c, 0, 1, REQ("/svc/M") GRPC_CT);
	frame(&c, 0, 0, 1, two, 7);
	frame(&c, 0, 0, 1, two + 7, 8);
	feed('c', 2, &c);
	c.n = 0;
	frame(&c, 0, 0, 1, big, 4101);	/* only the first 7 bytes captured */
	proto_http2.feed(conn, PROTO_RECV, 3, c.b, 16, 4110);
	c.n = 0;
	frame(&c, 0, 0x1, 1, two, 15);
	feed('c', 4, &c);
	headers(&s, 0, 1, ":status: 200\n" GRPC_CT);
	frame(&s, 0, 0, 1, big, 4101);
	proto_http2.feed(conn, PROTO_SEND, 5, s.b, s.n - 4101 + 3, s.n);	/* prefix cut */
	s.n = 0;
	headers(&s, 0x1, 1, "grpc-status: 0\n");
	feed('s', 6, &s);
	T_ASSERT(got.n == 1);
	T_EQ_INT(got.x[0].req_msgs, 5);
	T_EQ_INT(got.x[0].req_bytes, 15 + 4101 + 15);
	T_EQ_INT(got.x[0].resp_msgs, 0);
	T_EQ_INT(got.x[0].resp_bytes, 4101);
	T_EQ_INT(got.x[0].grpc_status, 0);
	T_EQ_INT(got.x[0].flags, H2_X_GRPC | H2_X_GRPC_LOST | H2_X_BODY_GAP);
	T_EQ_INT(got.st.sync_lost, 0);
}

static int has(const void *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle)) != NULL;
}

/* Credentials and never-indexed values are in no exchange and nowhere in
 * the connection's state. */
static void credentials_never_kept(void)
{
	static struct buf c;
	static const uint8_t never[] = { 0x10, 6, 'x', '-', 'n', 'e', 'v', 'r', 7,
					 's', '3', 'c', 'r', '3', 't', '3' };
	uint8_t blk[512];
	size_t n = block(blk, REQ("/") "authorization: Bearer s1cr1t1\ncookie: s2cr2t2\n");

	begin(PROTO_SERVER, &c, NULL);
	memcpy(blk + n, never, sizeof(never));
	/* and once more with incremental indexing */
	blk[n + sizeof(never)] = 0x40;
	blk[n + sizeof(never) + 1] = 6;
	memcpy(blk + n + sizeof(never) + 2, "cookie\x07s4cr4t4", 14);
	frame(&c, 1, 0x5, 1, blk, n + sizeof(never) + 16);
	feed('c', 2, &c);
	proto_http2.close(conn, 3);
	T_ASSERT(got.n == 1);
	T_CHECK(!has(conn, proto_http2.conn_size, "cr1t"));
	T_CHECK(!has(conn, proto_http2.conn_size, "s2cr") && !has(conn, proto_http2.conn_size, "s3cr"));
	T_CHECK(!has(conn, proto_http2.conn_size, "s4cr"));
	T_CHECK(!has(&got.x[0], sizeof(got.x[0]), "cr"));
}

/* Joined late: a request indexing the dynamic table (from before) gives
 * unknown fields, never others; literals and static entries decode. */
static void joined_late_table(void)
{
	static struct buf c, s;
	/* :method GET (static), :path from dynamic 62, :authority from 63,
	 * then a literal user-agent with incremental indexing */
	static const uint8_t blk[] = { 0x82, 0xbe, 0xbf, 0x7a, 2, 'u', 'a', 0xbe };

	start(PROTO_SERVER);
	c.n = s.n = 0;
	frame(&c, 1, 0x5, 3, blk, sizeof(blk));
	feed('c', 1, &c);
	headers(&s, 0x1, 3, ":status: 200\n");
	feed('s', 2, &s);
	T_ASSERT(got.n == 1);
	/* the last 0xbe: the entry just added, known again */
	T_EQ_STR(got.line[0], "3 GET    200 ct= grpc=-1/ ua=ua tp=0 ts= f=0x24 err=0 unk=2 "
		 "req=0/0 resp=0/0");
	T_EQ_INT(got.st.undecoded, 2);
	T_EQ_INT(got.st.sync_lost, 0);
}

/* Lost framing (a gap past a frame) is found again at a syscall that
 * starts with frames; garbage is passed over. */
static void resync_after_gap(void)
{
	static struct buf c, s;

	begin(PROTO_SERVER, &c, &s);
	headers(&c, 0x1, 1, REQ("/one"));
	proto_http2.feed(conn, PROTO_RECV, 2, c.b, c.n, c.n + 20);	/* 20 unseen */
	proto_http2.feed(conn, PROTO_RECV, 3, "garbage, not frames", 19, 19);
	c.n = 0;
	headers(&c, 0x1, 3, REQ("/two"));
	feed('c', 4, &c);
	headers(&s, 0x1, 1, ":status: 200\n");
	headers(&s, 0x1, 3, ":status: 201\n");
	feed('s', 5, &s);
	T_ASSERT(got.n == 2);
	T_CHECKF(strstr(got.line[0], "1 POST http h /one 200") == got.line[0], "%s", got.line[0]);
	T_CHECKF(strstr(got.line[1], "3 POST http h /two 201") == got.line[1], "%s", got.line[1]);
	T_EQ_INT(got.st.sync_lost, 1);
	T_EQ_INT(got.st.resyncs, 1);
	T_EQ_INT(got.st.skipped, 1);
	T_EQ_INT(got.st.gap_bytes, 20);
}

/* Request headers in bytes not captured: the ids skipped once framing
 * was lost are streams begun unseen; a response opens one (no request),
 * the others are counted when the connection ends. Without a loss a
 * client's skipped ids (priority anchors) are no streams. */
static void unseen_streams(void)
{
	static struct buf c, s;
	size_t cut;

	begin(PROTO_SERVER, &c, &s);
	headers(&c, 0x1, 1, REQ("/one"));
	cut = c.n;
	headers(&c, 0x1, 3, REQ("/three"));
	headers(&c, 0x1, 5, REQ("/five"));
	headers(&c, 0x1, 7, REQ("/seven"));
	proto_http2.feed(conn, PROTO_RECV, 2, c.b, cut + 4, c.n);	/* 3, 5, 7 cut */
	c.n = 0;
	headers(&c, 0x1, 9, REQ("/nine"));
	feed('c', 3, &c);
	headers(&s, 0x1, 1, ":status: 200\n");
	headers(&s, 0x1, 5, ":status: 200\n");
	headers(&s, 0x1, 9, ":status: 200\n");
	feed('s', 4, &s);
	T_ASSERT(got.n == 3);
	T_EQ_INT(got.x[1].stream_id, 5);
	T_CHECK(got.x[1].flags & H2_X_NO_REQUEST);
	T_EQ_INT(got.st.unseen, 0);
	/* a response to a stream already reported opens nothing */
	s.n = 0;
	headers(&s, 0x1, 5, ":status: 200\n");
	feed('s', 5, &s);
	T_EQ_INT(got.n, 3);
	proto_http2.close(conn, 6);
	T_EQ_INT(got.st.unseen, 2);	/* 3 and 7 */
	/* more than the window: the oldest counted at once */
	begin(PROTO_SERVER, &c, &s);
	headers(&c, 0x1, 1, REQ("/one"));
	proto_http2.feed(conn, PROTO_RECV, 2, c.b, c.n, c.n + 100);
	c.n = 0;
	headers(&c, 0x1, 1 + 2 * (H2_UNSEEN + 11), REQ("/far"));
	feed('c', 3, &c);
	T_EQ_INT(got.st.unseen, 10);
	proto_http2.close(conn, 4);
	T_EQ_INT(got.st.unseen, H2_UNSEEN + 10);
	/* no loss: ids left idle are not counted */
	begin(PROTO_SERVER, &c, &s);
	headers(&c, 0x1, 1, REQ("/one"));
	headers(&c, 0x1, 13, REQ("/thirteen"));
	feed('c', 2, &c);
	proto_http2.close(conn, 3);
	T_EQ_INT(got.n, 2);
	T_EQ_INT(got.st.unseen, 0);
}

static void detect(void)
{
	static struct buf b;
	static const uint8_t tls[] = { 0x16, 3, 1, 2, 0, 1, 0, 1, 0xfc, 3, 3 };
	static const uint8_t pg[] = { 0, 0, 0, 8, 4, 0xd2, 0x16, 0x2f, 0, 0, 0 };
	const char *pre = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
	const char *get = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";

#define D(role, dir, p, n) proto_http2.detect(role, dir, (const uint8_t *)(p), n, n)
	T_EQ_INT(D(PROTO_SERVER, PROTO_RECV, pre, 24), PROTO_YES);
	T_EQ_INT(D(PROTO_CLIENT, PROTO_SEND, pre, 24), PROTO_YES);
	T_EQ_INT(D(PROTO_SERVER, PROTO_SEND, pre, 24), PROTO_MAYBE);
	T_EQ_INT(D(PROTO_SERVER, PROTO_RECV, pre, 8), PROTO_MAYBE);
	T_EQ_INT(D(PROTO_SERVER, PROTO_RECV, get, strlen(get)), PROTO_NO);
	T_EQ_INT(D(PROTO_SERVER, PROTO_RECV, tls, sizeof(tls)), PROTO_NO);
	T_EQ_INT(D(PROTO_CLIENT, PROTO_SEND, pg, sizeof(pg)), PROTO_NO);
	T_EQ_INT(D(PROTO_SERVER, PROTO_RECV, "", 0), PROTO_NO);
	b.n = 0;
	frame(&b, 4, 0, 0, "\0\3\0\0\0\x64\0\4\0\0\xff\xff", 12);
	T_EQ_INT(D(PROTO_SERVER, PROTO_SEND, b.b, b.n), PROTO_YES);
	T_EQ_INT(D(PROTO_CLIENT, PROTO_RECV, b.b, b.n), PROTO_YES);
	T_EQ_INT(D(PROTO_SERVER, PROTO_SEND, b.b, 9), PROTO_MAYBE);
	b.n = 0;
	headers(&b, 0x1, 5, REQ("/mid"));
	T_EQ_INT(D(PROTO_SERVER, PROTO_RECV, b.b, b.n), PROTO_MAYBE);
	b.b[3] = 0x0b;	/* no such frame type */
	T_EQ_INT(D(PROTO_SERVER, PROTO_RECV, b.b, b.n), PROTO_NO);
#undef D
}

/* Garbage from the start: given up after a few syscalls. */
static void not_http2(void)
{
	int r = PROTO_MORE;

	start(PROTO_SERVER);
	for (int i = 0; i < H2_PROBE_MISSES && r == PROTO_MORE; i++)
		r = proto_http2.feed(conn, PROTO_RECV, 1, "GET / HTTP/1.1\r\n\r\n", 18, 18);
	T_EQ_INT(r, PROTO_DONE);
	T_EQ_INT(got.st.given_up, 1);
	T_EQ_INT(proto_http2.feed(conn, PROTO_RECV, 1, "x", 2, 1), -EINVAL);
}

int main(void)
{
	T_RUN(padding_priority_continuation);
	T_RUN(block_before_padding);
	T_RUN(reset_and_goaway);
	T_RUN(table_full_and_aging);
	T_RUN(evicted_in_doubt);
	T_RUN(upgraded);
	T_RUN(grpc_messages);
	T_RUN(credentials_never_kept);
	T_RUN(joined_late_table);
	T_RUN(resync_after_gap);
	T_RUN(unseen_streams);
	T_RUN(detect);
	T_RUN(not_http2);
	return t_done();
}
