/* Internals shared by user/proto/my_*.c: the MySQL / MariaDB
 * client/server protocol seen from outside (proto_mysql).
 *
 * Each direction is a stream of packets (3-byte little-endian length,
 * 1-byte sequence id); a payload of 0xffffff bytes goes on in the next
 * packet, so one logical message may span many. my_frame.c walks the
 * packets and keeps the first `keep` bytes of each logical message (no
 * more: a command's head, a reply's head), my_req.c turns client
 * messages into requests, my_resp.c follows the replies, my_conn.c holds
 * the queue that pairs them and the parser's entry points. */
#ifndef RAWTEL_MY_INT_H
#define RAWTEL_MY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "rawtel/db.h"
#include "rawtel/proto.h"

#define MY_PIPE 8		/* requests waiting for their replies */
#define MY_STMTS 16		/* prepared statements remembered */
#define MY_PKT_MAX 0xffffffu	/* a packet this long continues */
/* the head of a client message kept: the command byte, a query
 * attributes prefix, the text and one byte to know it was cut */
#define MY_BUF (1 + 18 + DB_TEXT_MAX + 1)
#define MY_RESP_KEEP 512	/* an OK with session state, a greeting */
#define MY_GIVE_UP 64		/* syscalls passed over, nothing found */
#define MY_GIVE_UP_CMD 4096	/* ... by a client side that had commands */
#define MY_PROBE 256		/* a greeting, a handshake response */
#define MY_PROBE_STARTS 16

/* capability flags (the handshake's, both sides') */
#define MY_CAP_MYSQL (1u << 0)	/* MariaDB: clear when extended caps follow */
#define MY_CAP_CONNECT_WITH_DB (1u << 3)
#define MY_CAP_COMPRESS (1u << 5)
#define MY_CAP_PROTOCOL_41 (1u << 9)
#define MY_CAP_SSL (1u << 11)
#define MY_CAP_SECURE_CONN (1u << 15)
#define MY_CAP_AUTH_LENENC (1u << 21)
#define MY_CAP_SESSION_TRACK (1u << 23)
#define MY_CAP_DEPRECATE_EOF (1u << 24)
#define MY_CAP_QUERY_ATTRS (1u << 27)

/* server status flags (OK and EOF packets) */
#define MY_ST_MORE_RESULTS 0x0008
#define MY_ST_CURSOR 0x0040
#define MY_ST_SESSION_CHANGED 0x4000

enum {
	MY_COM_QUIT = 0x01,
	MY_COM_INIT_DB = 0x02,
	MY_COM_QUERY = 0x03,
	MY_COM_FIELD_LIST = 0x04,
	MY_COM_CHANGE_USER = 0x11,
	MY_COM_BINLOG_DUMP = 0x12,
	MY_COM_STMT_PREPARE = 0x16,
	MY_COM_STMT_EXECUTE = 0x17,
	MY_COM_STMT_SEND_LONG_DATA = 0x18,
	MY_COM_STMT_CLOSE = 0x19,
	MY_COM_STMT_RESET = 0x1a,
	MY_COM_STMT_FETCH = 0x1c,
	MY_COM_LAST = 0x1f,		/* COM_RESET_CONNECTION */
	MY_COM_STMT_BULK_EXECUTE = 0xfa,	/* MariaDB */
	MY_COM_NONE = 0xff,		/* not seen (a gap, a full queue) */
};

/* struct my_side.state */
enum { S_SEEK, S_HDR, S_BODY };

/* struct my_conn.phase */
enum {
	PH_START,	/* nothing known: the greeting or a command next */
	PH_GREETED,	/* the server's greeting seen: the client's answer */
	PH_AUTH,	/* authentication: nothing kept until the OK */
	PH_CMD,		/* the command phase */
};

/* struct my_reply.state: where the head request's reply is */
enum {
	R_IDLE,		/* not begun */
	R_FIRST,	/* its first packet (or a next result's) */
	R_PARAMS,	/* prepare: parameter definitions */
	R_PARAMS_EOF,	/* ... their EOF (absent with DEPRECATE_EOF) */
	R_COLS,		/* column definitions */
	R_COLS_EOF,
	R_ROWS,		/* rows until EOF / OK / ERR */
	R_FIELDS,	/* COM_FIELD_LIST: definitions until EOF */
	R_AUTH,		/* COM_CHANGE_USER: auth exchange until OK / ERR */
};

/* One direction. */
struct my_side {
	uint8_t state;
	uint8_t is_req;		/* the client's direction */
	uint8_t hdr[4];
	uint8_t hdr_have;
	uint8_t seq;		/* the current packet's */
	uint8_t first_seq;	/* the message's first packet's */
	uint8_t more;		/* it is MY_PKT_MAX long: the message goes on */
	uint8_t in_msg;		/* a message has begun */
	uint8_t cut;		/* a gap inside the kept head */
	uint8_t gap;		/* a gap anywhere inside the message */
	uint8_t lost;		/* framing was lost: the next sync is a resync */
	uint32_t remain;	/* payload bytes of the current packet left */
	uint32_t keep;		/* first bytes of the message to keep */
	uint32_t have;		/* bytes in buf */
	uint32_t skipped;	/* syscalls passed over in a row */
	uint32_t wipe_from;	/* handshake response: the authentication */
	uint32_t wipe_to;	/* data is at [from, to), never kept (0: unknown) */
	uint64_t len;		/* payload bytes so far, gaps included */
	uint64_t wire;		/* bytes on the wire so far, headers included */
	uint64_t start_ns, last_ns;
	/* without framing: small whole syscalls gathered until they can
	 * be judged (a header written apart from its payload) */
	uint32_t probe_n;	/* bytes gathered */
	uint32_t probe_k;	/* syscall starts among them */
	uint32_t probe_at[MY_PROBE_STARTS];
	uint64_t probe_ts[MY_PROBE_STARTS];
	uint8_t probe[MY_PROBE];
	uint8_t buf[MY_BUF];
};

/* A request waiting for its reply. */
struct my_req {
	struct db_exchange x;
	uint8_t cmd;
	uint8_t seq;		/* its last packet's: the reply follows on */
	uint8_t reported;	/* aged out: its reply is consumed unreported */
	uint8_t has_id;
	uint32_t stmt_id;
};

/* The reply being read (the head request's). */
struct my_reply {
	uint8_t state;
	uint8_t orphan;		/* no request: an OK or ERR seen mid-stream */
	uint8_t lost;		/* its framing was lost: its end is unknown */
	uint8_t exp;		/* the next packet's sequence id */
	uint8_t err;
	uint8_t prep;		/* a prepare's reply: no rows follow */
	uint8_t unsure;		/* a packet's first byte was not seen */
	uint32_t batch;
	uint64_t left;		/* definitions left */
	uint64_t cols;		/* prepare: column definitions after params */
	int64_t rows;
	uint64_t bytes;
	uint64_t start_ns, end_ns;
	char status[DB_STATUS_MAX];
	char sqlstate[8];
};

struct my_stmt {
	uint32_t id;
	uint8_t used;
	uint8_t trunc;
	uint32_t age;
	char text[DB_TEXT_MAX];
};

struct my_conn {
	uint64_t id;
	const struct proto_opts *o;
	uint8_t role;
	uint8_t phase;
	uint8_t done;
	uint8_t caps_known;	/* the handshake was seen */
	uint8_t infile;		/* the client sends LOCAL INFILE data */
	uint8_t mariadb;	/* the greeting's version names MariaDB */
	uint8_t req_seq;	/* the client's last packet's sequence id */
	uint32_t caps;		/* client & server */
	uint32_t srv_caps;
	uint32_t ext, srv_ext;	/* MariaDB extended capabilities */
	uint32_t stmt_age;
	uint32_t last_stmt;	/* the id the last prepare got (+1; 0 none) */
	uint64_t head, tail;	/* queue: q[head % MY_PIPE] .. */
	uint64_t overflow;	/* requests after the queue, not kept */
	struct my_reply r;
	struct my_side req, resp;
	char ns[DB_NS_MAX];
	struct my_req tmp;	/* an exchange reported without queueing */
	struct my_req q[MY_PIPE];
	struct my_stmt stmts[MY_STMTS];
};

/* little-endian reads */
static inline uint32_t my_le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
static inline uint32_t my_le24(const uint8_t *p)
{
	return my_le16(p) | (uint32_t)p[2] << 16;
}
static inline uint32_t my_le32(const uint8_t *p)
{
	return my_le24(p) | (uint32_t)p[3] << 24;
}

/* my_util.c */
/* A length-encoded integer at p[*off] within n bytes: 0 and *off moved
 * past it, or -1 (cut, or the 0xfb / 0xff prefixes). */
int my_lenenc(const uint8_t *p, size_t n, size_t *off, uint64_t *v);
/* Copy n bytes as a db.h string (printable ASCII; whitespace -> ' ',
 * others '?') into dst of size bytes; returns 1 when it was cut. */
int my_copy_str(char *dst, size_t size, const uint8_t *src, size_t n);
void my_stat_add(const struct my_conn *c, size_t field_off, uint64_t n);
#define MY_STAT(c, field, n) my_stat_add((c), offsetof(struct proto_stats, field), (n))
/* 1 when a client command byte is one this parser knows */
int my_cmd_known(uint8_t cmd);
/* "COM_..." into out (size >= 5); "" for an unknown command. */
void my_cmd_name(uint8_t cmd, char *out, size_t size);

/* my_frame.c: one syscall's bytes for side s */
void my_frame_bytes(struct my_conn *c, struct my_side *s, const uint8_t *p, size_t n,
		    uint64_t ts);
void my_frame_gap(struct my_conn *c, struct my_side *s, uint64_t gap, uint64_t ts);
void my_frame_lose(struct my_conn *c, struct my_side *s);

/* my_sync.c: may side s (framing lost or not yet found) start here, at
 * a syscall's first bytes? Sets what the start implies. */
int my_sync_req(struct my_conn *c, const uint8_t *p, size_t cap, uint64_t total);
int my_sync_resp(struct my_conn *c, const uint8_t *p, size_t cap, uint64_t total);
/* the detect() of proto_mysql */
int my_detect(enum proto_role role, enum proto_dir dir, const uint8_t *p, size_t cap,
	      uint64_t total);

/* my_req.c: client messages */
uint32_t my_req_keep(const struct my_conn *c, const struct my_side *s, uint8_t first);
int my_req_seq_ok(struct my_conn *c, uint8_t seq);
void my_req_msg(struct my_conn *c, struct my_side *s);
void my_req_lost(struct my_conn *c, struct my_side *s);
void my_handshake_resp(struct my_conn *c, struct my_side *s);
/* the handshake response's authentication data zeroed in s->buf as soon
 * as its place is known (between two syscalls it is never there) */
void my_hs_scrub(struct my_side *s);

/* my_stmt.c: prepared statements by id */
void my_stmt_put(struct my_conn *c, uint32_t id, const struct db_exchange *x);
const struct my_stmt *my_stmt_get(struct my_conn *c, uint32_t id);
void my_stmt_drop(struct my_conn *c, uint32_t id);

/* my_resp.c: server messages */
int my_resp_seq_ok(struct my_conn *c, uint8_t seq);
void my_resp_msg(struct my_conn *c, struct my_side *s);
void my_resp_lost(struct my_conn *c);
void my_greeting(struct my_conn *c, const struct my_side *s);
/* my_sync_resp in the command phase: the packet header's fields */
int my_sync_resp_cmd(struct my_conn *c, uint8_t seq, uint8_t first, uint32_t len,
		     size_t cap, uint64_t total);
/* my_reply.c: result packets of the command phase */
void my_reply_packet(struct my_conn *c, const struct my_side *s);
void my_reply_begin(struct my_conn *c, int orphan);

/* my_conn.c: the queue */
static inline uint64_t my_queued(const struct my_conn *c)
{
	return c->tail - c->head;
}
/* the head request (NULL: none kept, or it overflowed) */
struct my_req *my_head(struct my_conn *c);
/* a request fully seen: queue it (or report it, when it has no reply) */
void my_commit(struct my_conn *c, struct my_req *rq, int noreply);
/* the slot a new request is built in (NULL: the queue is full) */
struct my_req *my_new_req(struct my_conn *c, int noreply);
/* the head's reply ended (flags: DB_X_*) */
void my_finish(struct my_conn *c, uint32_t flags);
void my_emit(struct my_conn *c, struct db_exchange *x);
/* give up every request waiting (reported without a response) */
void my_drop_all(struct my_conn *c, uint64_t ts);

#endif
