/* Internals shared by user/proto/redis_*.c: the Redis parser (RESP2 and
 * RESP3, commands as arrays of bulk strings or inline lines).
 *
 * Pairing: Redis answers commands in order, one reply each (SUBSCRIBE and
 * friends: one per channel), so commands get sequence numbers and replies
 * take the oldest waiting one. The last REDIS_PIPELINE commands are kept
 * with their text; older ones only counted (queue_full: their replies are
 * reported without a request). Where the number of commands or replies in
 * between is unknown (a gap that is not inside a bulk string), pairing is
 * lost from that point: the waiting commands are reported without a reply
 * and replies are paired again only after a command was seen following
 * the loss (a client waits for its replies before it writes again; see
 * redis_conn.c). */
#ifndef RAWTEL_REDIS_INT_H
#define RAWTEL_REDIS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "rawtel/db.h"
#include "rawtel/proto.h"
#include "lpf.h"

#define REDIS_PIPELINE 32	/* commands kept with their text */
#define REDIS_TEXT 256		/* a kept command's text (cut: DB_X_TRUNC) */
#define REDIS_ARG_MAX 64	/* bytes of one argument in the text */
#define REDIS_DEPTH 16		/* nested aggregates in a reply */
#define REDIS_INLINE_MAX (64u << 10)	/* the server's own limit */
#define REDIS_BULK_MAX (512ull << 20)
#define REDIS_ARGS_MAX (1u << 20)

/* side states */
enum {
	RS_SEEK = LPF_SEEK,	/* framing unknown: wait for a syscall starting a message */
	RS_IDLE = LPF_IDLE,	/* between messages */
	RS_LINE,	/* a type line (after its type byte) */
	RS_BULK,	/* bulk payload: `remain` bytes left with its CRLF */
	RS_INLINE,	/* an inline command line */
	RS_DEAD,
};

/* subscribe-family commands: their replies are counted per channel */
enum { SUB_NONE, SUB_SUB, SUB_PSUB, SUB_SSUB, SUB_UNSUB, SUB_PUNSUB, SUB_SUNSUB };

/* One command waiting for its reply. */
struct redis_cmd {
	uint64_t seq;
	uint64_t start_ns;
	uint64_t bytes;
	uint64_t rbytes;	/* replies before the last (subscribe) */
	uint32_t flags;
	uint32_t replies;	/* replies still expected (subscribe: per channel;
				 * 0 for unsubscribe without channels: until
				 * the count reaches 0) */
	uint8_t sub;		/* SUB_* */
	uint8_t reported;	/* aged out by tick() already */
	uint8_t select;		/* SELECT: its +OK changes the namespace */
	uint8_t tlen;		/* text's length (< REDIS_TEXT) */
	char op[DB_OP_MAX];
	char text[REDIS_TEXT];
};

/* Parsing state of one direction. */
struct redis_side {
	uint8_t state;
	uint8_t type;		/* the current line's type byte */
	uint8_t cr;		/* the line's CR was seen */
	uint8_t depth;
	uint8_t active;		/* a message has begun */
	uint8_t synced;		/* framing was known once */
	uint8_t top;		/* the message's type (after attributes) */
	uint8_t attr_top;	/* the message is still in a top attribute */
	uint8_t first_kind;	/* reply: the first element's pub/sub word */
	uint16_t llen;		/* line bytes so far (counted past line[]) */
	char line[40];
	char head[24];		/* a reply's first string (error, pub/sub) */
	uint8_t head_len;
	uint8_t head_el;	/* head[] is the first element's */
	uint8_t cap_head;	/* the bulk string read goes to head[] */
	uint8_t attr[REDIS_DEPTH];	/* the level is an attribute */
	int64_t left[REDIS_DEPTH];	/* elements left per level */
	int64_t total;		/* top aggregate's elements */
	int64_t third;		/* reply: the third element, an integer */
	uint64_t remain;	/* bulk bytes left, CRLF included */
	uint64_t bulk_len;	/* request: the argument's length */
	uint64_t start_ns, last_ns, bytes;
	uint32_t flags;
};

/* struct redis_build.secret_at: the command (HELLO, MIGRATE, CONFIG SET)
 * whose later words can announce a secret */
enum { SECRET_NONE, SECRET_HELLO, SECRET_MIGRATE, SECRET_CONFIG_SET };

/* The command being read (request side). */
struct redis_build {
	struct redis_cmd c;
	uint32_t args_left;	/* array elements still to come */
	uint32_t argi;		/* the current argument's index */
	uint16_t text_len;
	uint64_t arg_n;		/* the current argument's bytes so far */
	uint8_t redact;		/* the current argument becomes "?" */
	uint8_t redact_next;	/* that many following arguments too */
	uint8_t redact_rest;	/* all following arguments (AUTH) */
	uint8_t container;	/* op takes the second word (CONFIG GET) */
	uint8_t inline_ws;	/* inline: between words */
	uint8_t secret_at;	/* SECRET_*: which later words hide a secret */
	char word[24];		/* the current argument, upper-cased prefix */
	char cmd0[24];		/* the command word */
};

struct redis_conn {
	uint64_t id;
	const struct proto_opts *o;
	struct lpf_conn lp;
	uint8_t subscribed;	/* a SUBSCRIBE was answered: RESP2 message
				 * arrays are pushes */
	uint64_t head_seq, tail_seq;	/* waiting commands [head, tail) */
	uint64_t lost_seq;	/* pairing is lost after this command's reply
				 * (UINT64_MAX: not) */
	char ns[DB_NS_MAX];
	struct redis_side req, resp;
	struct redis_build b;
	struct redis_cmd q[REDIS_PIPELINE];
};

#define REDIS_NO_LOSS UINT64_MAX

/* redis_conn.c */
void redis_stat(const struct redis_conn *c, size_t off, uint64_t n);
#define REDIS_STAT(c, field, n) redis_stat((c), offsetof(struct proto_stats, field), (n))
/* A command was read whole (or cut: flags say so): it waits in order. */
void redis_cmd_commit(struct redis_conn *c, uint64_t ts);
/* Pairing is lost after the commands seen so far (a gap holds an unknown
 * number of commands or replies). */
void redis_pair_lost(struct redis_conn *c);
/* The reply stream lost its framing: no reply can be paired from here
 * until a command comes after this (the waiting ones are reported). */
void redis_unpaired(struct redis_conn *c);
/* A whole reply (not an attribute) ended at ts. */
void redis_reply_done(struct redis_conn *c, uint64_t ts);

/* Every waiting command reported without a reply (the close). */
void redis_conn_flush(struct redis_conn *c, uint64_t ts);
/* Commands waiting longer than `wait` reported without a reply. */
void redis_conn_tick(struct redis_conn *c, uint64_t now, uint64_t wait);

/* A side's bytes through its step function (bytes taken, -1: framing
 * lost, then `lose` is called, REDIS_STOP: not parsing) until all are
 * taken or one stops; returns how many were. */
#define REDIS_STOP (-2L)
typedef long (*redis_step_fn)(struct redis_conn *c, const uint8_t *p, size_t n, uint64_t ts);
/* A direction's stepping: the lpf_dir's arg. */
struct redis_dir {
	redis_step_fn step;
	void (*lose)(struct redis_conn *c);
};
/* lpf_dir.parse of both directions: d->arg is their struct redis_dir. */
size_t redis_run(void *conn, const struct lpf_dir *d, const uint8_t *p, size_t n, uint64_t ts);

/* redis_req.c: the command stream, for lpf (a parse that takes fewer
 * bytes than given leaves the side in RS_SEEK) */
extern const struct lpf_dir redis_req_dir;
/* Framing of the command stream broke (a gap outside a bulk string, or
 * bytes that are no command). */
void redis_req_lose(struct redis_conn *c);
/* Does a syscall's data start a command? strict: surely (resync). */
int redis_req_starts(const uint8_t *p, size_t n, int strict);

/* redis_arg.c: the command's words into op and text, secrets redacted */
void redis_cmd_begin(struct redis_build *b, uint64_t ts);
void redis_arg_begin(struct redis_build *b, uint8_t first);
void redis_arg_bytes(struct redis_build *b, const uint8_t *p, size_t n);
void redis_arg_end(struct redis_build *b);
void redis_cmd_end(struct redis_build *b);

/* redis_resp.c: the reply stream, likewise */
extern const struct lpf_dir redis_resp_dir;
void redis_resp_lose(struct redis_conn *c);
int redis_resp_starts(const uint8_t *p, size_t n, int strict);

/* A parsed decimal of a type line (RESP allows a sign); -2 when not. */
int64_t redis_line_int(const char *s, size_t n);

#endif
