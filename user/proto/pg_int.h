/* Internals shared by user/proto/pg_*.c: the PostgreSQL v3 protocol seen
 * from outside (frontend = the client's messages, backend = the server's).
 *
 * After the startup every message is {type byte, int32 BE length counting
 * itself, body}; the startup-phase frontend messages (StartupMessage,
 * SSLRequest, GSSENCRequest, CancelRequest) have no type byte, and the
 * answer to SSLRequest / GSSENCRequest is one bare byte. Each direction is
 * framed by struct pg_side; a message's body is kept only as far as its
 * type needs (names and SQL text; never a password, an authentication
 * message or a bound value), and handled when its last byte is consumed.
 *
 * Pairing: every frontend message that the backend answers becomes an
 * item in a queue (in order); the backend's replies pop them. Items that
 * will be reported (Query, Execute, FunctionCall) hold a pending
 * exchange slot with their text. Pairing is certain only from the
 * connection's start: joined mid-stream, after the frontend lost framing
 * (requests may be in what was lost, unless only COPY data can be), or
 * after the backend lost it with more than one reply possibly in what was
 * lost, the connection is "unpaired": requests are reported without a
 * response at once, replies are not paired, until the connection is idle
 * (both sides in frame, quiet after a ReadyForQuery; pg_tick). A client
 * may pipeline, so nothing less proves that no reply is still coming for
 * a request not seen. */
#ifndef RAWTEL_PG_INT_H
#define RAWTEL_PG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "rawtel/db.h"
#include "rawtel/proto.h"

#define PG_QUEUE 64	/* items waiting for their replies */
#define PG_PENDING 8	/* ... of which exchanges with their text */
#define PG_STMTS 9	/* slot 0: the unnamed statement */
#define PG_PORTALS 4	/* slot 0: the unnamed portal */
#define PG_NAME_MAX 64	/* NAMEDATALEN: longer names are cut */
#define PG_FE_KEEP (PG_NAME_MAX + DB_TEXT_MAX + 8)
#define PG_BE_KEEP 256
#define PG_MAX_LEN 0x40000000u	/* 1 GiB: the server's own limit */
#define PG_RESYNC_MAX 64	/* syscalls passed over before giving up */

/* the startup-phase request codes */
#define PG_SSL_CODE 80877103u
#define PG_GSS_CODE 80877104u
#define PG_CANCEL_CODE 80877102u
#define PG_V30 0x00030000u
#define PG_V32 0x00030002u

/* struct pg_side.state */
enum {
	PS_SEEK,	/* framing unknown: a message must start a syscall */
	PS_UNTYPED,	/* frontend: a startup-phase message comes next */
	PS_HDR,		/* collecting a typed header (type + length) */
	PS_BODY,	/* inside a body: `len - got` bytes left */
	PS_DEAD,	/* TLS or given up: nothing more is parsed */
};

/* struct pg_item.kind */
enum {
	K_STARTUP,	/* answered by ReadyForQuery or an error */
	K_PARSE,	/* slot, gen: the statement it defined */
	K_BIND,
	K_DESCRIBE,
	K_CLOSE,
	K_SYNC,		/* answered by ReadyForQuery */
	K_EXEC,		/* slot: its pending exchange (or PG_NO_SLOT) */
	K_QUERY,	/* simple query: replies until ReadyForQuery */
	K_FCALL,	/* FunctionCall: like a simple query */
};
#define PG_NO_SLOT 0xff

struct pg_item {
	uint8_t kind;
	uint8_t slot;
	uint16_t gen;
};

struct pg_pend {
	struct db_exchange x;
	int64_t data_rows;	/* DataRow messages counted */
	int64_t tag_rows;	/* from CommandComplete tags, -1 none */
	uint32_t results;	/* CommandComplete, EmptyQuery, errors */
	uint8_t used;
	uint8_t reported;	/* aged out: reported, kept for pairing */
	uint8_t unsure;		/* reply bytes were lost: its outcome is
				 * known only if its end (CommandComplete,
				 * error...) is seen after them */
};

struct pg_stmt {
	uint8_t used;
	uint8_t trunc;
	uint16_t gen;		/* changes whenever the slot is redefined */
	uint32_t lru;
	char name[PG_NAME_MAX];
	char text[DB_TEXT_MAX];
};

struct pg_portal {
	uint8_t used;
	uint8_t slot;		/* statement slot, PG_NO_SLOT unknown */
	uint16_t gen;
	char name[PG_NAME_MAX];
	char stmt[PG_NAME_MAX];
};

struct pg_side {
	uint8_t state;
	uint8_t type;		/* typed: the type byte; untyped: 0 */
	uint8_t hdr_n;
	uint8_t cut;		/* the body had a gap */
	uint8_t fresh;		/* nothing parsed yet: the first message
				 * found is not a resync */
	uint8_t hdr[8];
	uint32_t len;		/* body length (the length field minus 4) */
	uint32_t got;		/* body bytes passed (seen or not) */
	uint32_t keep;		/* body bytes kept in the buffer */
	uint32_t keep_max;	/* ... at most, for this message */
	uint32_t skipped;	/* syscalls passed over since sync was lost */
	uint64_t start_ns;	/* the syscall with the message's first byte */
	uint64_t bytes;		/* on the wire, gaps included */
};

struct pg_conn {
	uint64_t id;
	const struct proto_opts *o;
	uint8_t role;
	uint8_t done;		/* PROTO_DONE returned */
	uint8_t answer;		/* the backend owes a one-byte SSL/GSS answer */
	uint8_t unpaired;	/* replies are not paired until in step */
	uint8_t skip_sync;	/* after an extended-protocol error: the
				 * server ignores messages until Sync */
	uint8_t copy_in;	/* the client sends COPY data */
	uint8_t fe_lost_copy;	/* the frontend lost its framing in COPY
				 * data: fine if it resumes in COPY data */
	uint8_t fe_since_loss;	/* a request was queued since the backend
				 * lost its framing */
	uint8_t be_lost;	/* the backend lost its framing, not resynced */
	uint8_t ph;		/* pending slot of a reply to an unseen
				 * request, PG_NO_SLOT none */
	uint8_t last_z;		/* the backend's last message: ReadyForQuery */
	uint32_t lru;
	uint32_t loss_tail;	/* the queue's tail when the backend lost
				 * its framing */
	uint64_t last_ns;	/* the latest syscall of either direction */
	uint64_t grp_ns;	/* first message of the request being built */
	uint64_t grp_bytes;
	char ns[DB_NS_MAX];
	struct pg_side fe, be;
	uint32_t head, tail;	/* queue: items[head..tail) modulo PG_QUEUE */
	struct pg_item q[PG_QUEUE];
	struct pg_pend p[PG_PENDING];
	struct pg_stmt st[PG_STMTS];
	struct pg_portal po[PG_PORTALS];
	uint8_t fe_buf[PG_FE_KEEP];
	uint8_t be_buf[PG_BE_KEEP];
};

static inline uint32_t pg_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t pg_queued(const struct pg_conn *c)
{
	return c->tail - c->head;
}

static inline struct pg_item *pg_head(struct pg_conn *c)
{
	return pg_queued(c) ? &c->q[c->head % PG_QUEUE] : NULL;
}

/* pg_frame.c: framing lost on one side (fe: the frontend). */
void pg_side_lose(struct pg_conn *c, int fe, uint64_t ts);

/* pg_check.c: 1 when `t` can be a typed message of length field `len`
 * from the frontend (fe) or the backend. */
int pg_type_ok(int fe, uint8_t t, uint32_t len);
/* A run of captured bytes that starts a message: 2 when all of it is
 * whole well-formed messages, 1 when it starts with well-formed ones and
 * ends inside one, 0 when it cannot start a message; *whole: how many
 * whole ones. */
int pg_chain(int fe, const uint8_t *p, size_t n, unsigned *whole);
/* An untyped startup-phase message at p: its code, or 0 when not one. */
uint32_t pg_untyped(const uint8_t *p, size_t n);
int pg_detect(enum proto_role role, enum proto_dir dir, const uint8_t *p, size_t cap,
	      uint64_t total);

/* pg_front.c / pg_back.c: a whole message (body kept in the buffer as far
 * as keep_max allowed; s->cut when part of it was not seen). */
void pg_front_msg(struct pg_conn *c, uint64_t ts);
void pg_back_msg(struct pg_conn *c, uint64_t ts);
/* How much of a body of this type is kept. */
uint32_t pg_front_keep(uint8_t type);
uint32_t pg_back_keep(uint8_t type);

/* pg_queue.c */
void pg_stat(const struct pg_conn *c, size_t off, uint64_t n);
#define PG_STAT(c, field, n) pg_stat((c), offsetof(struct proto_stats, field), (n))
int pg_push(struct pg_conn *c, uint8_t kind, uint8_t slot, uint16_t gen);
void pg_pop(struct pg_conn *c);
/* A free pending slot set up for a request (PG_NO_SLOT when none). */
uint8_t pg_pend_new(struct pg_conn *c, uint64_t ts);
void pg_emit(struct pg_conn *c, uint8_t slot, uint64_t ts, uint32_t flags);
void pg_emit_all(struct pg_conn *c, uint64_t ts, uint32_t flags);
/* Pop the head item, reporting its exchange (if any) with `flags`. */
void pg_pop_emit(struct pg_conn *c, uint64_t ts, uint32_t flags);
/* The pending exchange the replies now go to: the head item's, or one
 * for a reply to an unseen request (`start`: create it); NULL none. */
struct pg_pend *pg_target(struct pg_conn *c, uint64_t ts, int start);
int pg_feed(void *conn, enum proto_dir dir, uint64_t ts, const void *data, size_t cap,
	    uint64_t total);
void pg_close(void *conn, uint64_t ts);
void pg_tick(void *conn, uint64_t now);
/* Framing lost on one side (fe: the frontend). */
void pg_lost(struct pg_conn *c, int fe, uint64_t ts);
/* The backend found its framing again. */
void pg_be_resynced(struct pg_conn *c, uint64_t ts);
/* The frontend found its framing again at a message of type t. */
void pg_fe_resynced(struct pg_conn *c, uint8_t t, uint64_t ts);
/* Stop pairing: what waits is reported without a response. */
void pg_unpair(struct pg_conn *c, uint64_t ts, uint32_t flags);

/* pg_stmt.c */
int pg_stmt_find(struct pg_conn *c, const char *name);
int pg_stmt_define(struct pg_conn *c, const char *name, const uint8_t *text, size_t n,
		   int cut);
void pg_stmt_drop(struct pg_conn *c, int slot, uint16_t gen);
/* known: the statement's whole name was seen */
void pg_portal_bind(struct pg_conn *c, const char *portal, const char *stmt, int known);
/* Only a prefix of a name was seen: forget every entry it may be. */
void pg_stmt_forget(struct pg_conn *c, const char *prefix);
void pg_portal_forget(struct pg_conn *c, const char *prefix);
void pg_portal_close(struct pg_conn *c, const char *portal);
struct pg_portal *pg_portal_find(struct pg_conn *c, const char *portal);
/* A NUL-terminated string at p (n bytes left): its length, or -1. */
long pg_cstr(const uint8_t *p, size_t n);
/* Copy n bytes as printable ASCII into dst (size bytes with its NUL);
 * returns 1 when cut. */
int pg_copy(char *dst, size_t size, const uint8_t *src, size_t n);

#endif
