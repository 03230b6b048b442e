/* Where MySQL framing can start: at a syscall whose first bytes are a
 * packet header that fits what may come there (a command with sequence
 * id 0 from the client; from the server the greeting, or the reply to
 * the next request waiting), and detect(), the same shapes judged on a
 * connection's first bytes without any state.
 *
 * detect() says YES for the server's greeting (a new connection: the
 * server's direction alone suffices), a whole handshake response, and a
 * whole COM_QUERY / COM_STMT_PREPARE whose text starts like SQL (a
 * connection joined mid-stream: the client's direction suffices); other
 * commands and a lone OK / ERR from the server are MAYBE (the port breaks
 * the tie); TLS, HTTP, PostgreSQL, RESP and memcached bytes are NO: their
 * first bytes make a length or sequence id no MySQL packet starts with. */
#include <string.h>

#include "my_int.h"

/* A command's text: printable ASCII, whitespace or UTF-8 in the first
 * bytes seen (or MySQL 8's empty query attributes first). */
static int text_ok(const uint8_t *t, size_t n, int strict)
{
	size_t k = n < 32 ? n : 32;

	if (n >= 2 && t[0] == 0 && t[1] == 1) {
		t += 2;
		k = n - 2 < 30 ? n - 2 : 30;
	}
	if (strict && (k < 4 || !((t[0] | 0x20) >= 'a' && (t[0] | 0x20) <= 'z')))
		return 0;
	for (size_t i = 0; i < k; i++)
		if (!(t[i] >= 0x20 || t[i] == '\t' || t[i] == '\n' || t[i] == '\r') || t[i] == 0x7f)
			return 0;
	return k > 0;
}

/* The payload lengths commands have: 0 any (at least 2), or exact. */
static int cmd_len_ok(uint8_t cmd, uint32_t len)
{
	switch (cmd) {
	case MY_COM_QUIT:
	case 0x09:	/* COM_STATISTICS */
	case 0x0d:	/* COM_DEBUG */
	case 0x0e:	/* COM_PING */
	case MY_COM_LAST:	/* COM_RESET_CONNECTION */
		return len == 1;
	case MY_COM_STMT_CLOSE:
	case MY_COM_STMT_RESET:
	case 0x0c:	/* COM_PROCESS_KILL */
		return len == 5;
	case MY_COM_STMT_FETCH:
		return len == 9;
	case 0x1b:	/* COM_SET_OPTION */
		return len == 3;
	case MY_COM_INIT_DB:
		return len >= 2 && len <= 1 + 64;
	case MY_COM_QUERY:
	case MY_COM_STMT_PREPARE:
	case MY_COM_FIELD_LIST:
	case MY_COM_CHANGE_USER:
		return len >= 2;
	case MY_COM_STMT_EXECUTE:
	case MY_COM_STMT_BULK_EXECUTE:
		return len >= 10;
	case MY_COM_STMT_SEND_LONG_DATA:
		return len >= 7;
	default:
		return 0;
	}
}

/* A command at p (cap bytes seen of total); 2 when beyond doubt. */
static int cmd_start(const uint8_t *p, size_t cap, uint64_t total)
{
	uint32_t len = my_le24(p);
	uint8_t cmd = p[4];
	int longer = cmd == MY_COM_QUERY || cmd == MY_COM_STMT_PREPARE ||
		     cmd == MY_COM_STMT_EXECUTE || cmd == MY_COM_STMT_SEND_LONG_DATA ||
		     cmd == MY_COM_STMT_BULK_EXECUTE;

	if (p[3] != 0 || !cmd_len_ok(cmd, len) || (4ull + len > total && !longer))
		return 0;
	if (cmd == MY_COM_QUERY || cmd == MY_COM_STMT_PREPARE || cmd == MY_COM_INIT_DB) {
		size_t n = cap - 5 < len - 1 ? cap - 5 : len - 1;

		if (!text_ok(p + 5, n, 0))
			return 0;
		if (cmd != MY_COM_INIT_DB && 4ull + len == total && text_ok(p + 5, n, 1))
			return 2;
	}
	return 1;
}

/* HandshakeV10: protocol 10, a version string of printable bytes
 * starting with a digit, NUL-terminated within the first bytes. */
static int greeting(const uint8_t *p, size_t cap, uint64_t total)
{
	uint32_t len = my_le24(p);
	size_t k;

	if (p[3] != 0 || p[4] != 0x0a || len < 30 || len > 1024 || 4ull + len > total ||
	    cap < 7 || p[5] < '0' || p[5] > '9')
		return 0;
	for (k = 5; k < cap && k < 5 + 64 && p[k]; k++)
		if (p[k] < 0x20 || p[k] >= 0x7f)
			return 0;
	return k < cap && !p[k] ? 2 : 1;
}

/* HandshakeResponse41 (or the SSL request): protocol 41 capabilities,
 * a filler of zeros (MariaDB: its last 4 bytes extended caps). */
static int hs_response(const uint8_t *p, size_t cap, uint64_t total)
{
	uint32_t len = my_le24(p);

	if (p[3] != 1 || len < 32 || len > 8192 || 4ull + len > total || cap < 8 ||
	    !(my_le32(p + 4) & MY_CAP_PROTOCOL_41))
		return 0;
	if (cap < 4 + 28)
		return 1;
	for (size_t i = 4 + 13; i < 4 + 28; i++)
		if (p[i])
			return 0;
	return 4ull + len == total ? 2 : 1;
}

int my_sync_req(struct my_conn *c, const uint8_t *p, size_t cap, uint64_t total)
{
	if (cap < 5)
		return 0;
	/* the greeting's answer: its start is enough */
	if (c->phase == PH_GREETED && p[3] == 1)
		return my_le24(p) >= 32 && cap >= 8 && (my_le32(p + 4) & MY_CAP_PROTOCOL_41);
	/* else a command: the handshake went unseen, or its answer was
	 * lost in a gap */
	if ((c->phase == PH_GREETED && !c->req.lost && !c->req.skipped) ||
	    !cmd_start(p, cap, total))
		return 0;
	/* a connection joined mid-stream: CLIENT_PROTOCOL_41 assumed */
	c->phase = PH_CMD;
	c->infile = 0;
	if (c->req.lost && my_queued(c) + c->overflow) {
		/* requests may have gone unseen in between: which reply is
		 * whose is unknown, the waiting ones are given up */
		my_drop_all(c, c->req.last_ns);
		c->resp.state = S_SEEK;
	}
	return 1;
}

int my_sync_resp(struct my_conn *c, const uint8_t *p, size_t cap, uint64_t total)
{
	if (cap < 5)
		return 0;
	if (c->phase == PH_START && greeting(p, cap, total))
		return 1;
	/* no reply starts with an empty packet */
	if ((c->phase != PH_CMD && c->phase != PH_START) || !my_le24(p))
		return 0;
	return my_sync_resp_cmd(c, p[3], p[4], my_le24(p), cap, total);
}

int my_detect(enum proto_role role, enum proto_dir dir, const uint8_t *p, size_t cap,
	      uint64_t total)
{
	int from_server = (dir == PROTO_SEND) == (role == PROTO_SERVER);
	uint32_t len;
	int v;

	if (!p || cap < 4)
		return cap && p && cap >= 3 && !my_le24(p) ? PROTO_NO : PROTO_MAYBE;
	len = my_le24(p);
	if (!len || p[3] > 1)
		return PROTO_NO;
	if (cap < 5)
		return PROTO_MAYBE;
	if (from_server) {
		v = greeting(p, cap, total);
		if (v)
			return v == 2 ? PROTO_YES : PROTO_MAYBE;
		/* an ERR before the handshake, or a reply mid-stream */
		if ((p[4] == 0xff || (p[4] == 0x00 && p[3] == 1)) && len >= 3 && 4ull + len == total)
			return PROTO_MAYBE;
		return PROTO_NO;
	}
	/* a TLS record header (content type 20..23, version 3.x) reads as a
	 * 200 KB command: a TLS connection joined after its handshake */
	if (p[0] >= 0x14 && p[0] <= 0x17 && p[1] == 0x03 && p[2] <= 0x04)
		return PROTO_NO;
	v = p[3] == 1 ? hs_response(p, cap, total) : cmd_start(p, cap, total);
	return v == 2 ? PROTO_YES : v ? PROTO_MAYBE : PROTO_NO;
}
