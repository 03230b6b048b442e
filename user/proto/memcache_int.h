/* Internals shared by user/proto/memcache_*.c: the Memcached parser (the
 * text protocol and the meta protocol; the binary protocol is detected
 * and left alone).
 *
 * Both directions are lines (a command, a reply line), some followed by
 * a data block of a length the line gave (storage commands, VALUE, VA):
 * data blocks are skipped exactly, through gaps too, and never copied.
 * Commands wait in order for their replies; noreply commands get none,
 * and quiet meta commands (flag q) none for their uninteresting results,
 * so a reply goes to the first waiting command that can have sent it
 * (its kind fits the command; an opaque token O... and a key returned
 * by the k flag must match), the quiet
 * ones passed over being reported as DB_X_NOREPLY. A reply two quiet
 * commands could both have caused (no opaque token to tell) is reported
 * without a request rather than guessed. */
#ifndef RAWTEL_MEMCACHE_INT_H
#define RAWTEL_MEMCACHE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "rawtel/db.h"
#include "rawtel/proto.h"
#include "lpf.h"

#define MC_PIPELINE 32		/* commands kept with their text */
#define MC_TEXT 256		/* a kept command line (cut: DB_X_TRUNC) */
#define MC_LINE_MAX (64u << 10)	/* a line longer than this is no command */
#define MC_DATA_MAX (1ull << 30)
#define MC_NO_LOSS UINT64_MAX

enum { MS_SEEK = LPF_SEEK, MS_IDLE = LPF_IDLE, MS_LINE, MS_DATA, MS_DEAD };

/* command classes (what replies fit) */
enum {
	MC_OTHER, MC_STORE, MC_GET, MC_STATS,
	MC_MG, MC_MS, MC_MD, MC_MA, MC_MN, MC_ME,
};

/* reply kinds */
enum {
	RK_OTHER, RK_VALUE, RK_END, RK_STAT, RK_ERR,
	RK_VA, RK_HD, RK_EN, RK_NF, RK_NS, RK_EX, RK_MN, RK_ME,
};

/* struct mc_cmd.quiet */
enum { MQ_NONE, MQ_META, MQ_NOREPLY };

struct mc_cmd {
	uint64_t seq;
	uint64_t start_ns;
	uint64_t bytes;
	uint32_t flags;
	uint8_t cls;		/* MC_* */
	uint8_t quiet;		/* MQ_* */
	uint8_t reported;	/* reported already (noreply, tick) */
	char op[16];
	char opaque[16];	/* meta O flag's token */
	char key[24];		/* a meta command's key (its first bytes) */
	char text[MC_TEXT];
};

/* One direction's line and data-block state. */
struct mc_side {
	uint8_t state;
	uint8_t active;		/* a message has begun */
	uint8_t synced;
	uint8_t cr;
	uint8_t tok_n;		/* bytes of the token in tok[] */
	uint32_t tok_len;	/* the token's length */
	uint32_t tok_i;		/* the token's index in the line */
	uint32_t llen;		/* the line's length */
	char tok[32];
	uint64_t remain;	/* data block bytes left with the CRLF */
	int64_t data;		/* the data block announced, -1 none */
	uint64_t start_ns, last_ns, bytes;
};

/* The reply being read. */
struct mc_reply {
	uint8_t kind;		/* RK_* of its first line */
	uint8_t multi;		/* VALUE / STAT lines until END */
	uint8_t err;		/* an error line ended it */
	uint8_t line_kind;	/* RK_* of the line being read */
	uint32_t lines;
	int64_t rows;
	char status[DB_STATUS_MAX];
	char opaque[16];
	char key[24];		/* the k flag's token: the key */
};

struct mc_conn {
	uint64_t id;
	const struct proto_opts *o;
	struct lpf_conn lp;
	uint16_t text_len;
	uint64_t head_seq, tail_seq;
	uint64_t lost_seq;
	struct mc_side req, resp;
	struct mc_cmd cur;	/* the command being read */
	struct mc_reply r;
	struct mc_cmd q[MC_PIPELINE];
};

void mc_stat(const struct mc_conn *c, size_t off, uint64_t n);
#define MC_STAT(c, field, n) mc_stat((c), offsetof(struct proto_stats, field), (n))

/* memcache_line.c: the line machinery both directions share. `tok` is
 * called at each token's end and `end` at the line's (returns -1 when
 * the line breaks the protocol); `first` says whether a byte can begin
 * a message, `begin` starts one there, `done` is called at a data
 * block's end and `lose` when the framing broke. */
struct mc_line_ops {
	void (*tok)(struct mc_conn *c, struct mc_side *s);
	int (*end)(struct mc_conn *c, struct mc_side *s, uint64_t ts);
	void (*bytes)(struct mc_conn *c, const uint8_t *p, size_t n);
	int (*first)(uint8_t ch);
	void (*begin)(struct mc_conn *c, uint64_t ts);
	void (*done)(struct mc_conn *c, uint64_t ts);
	void (*lose)(struct mc_conn *c);
	int req;		/* the command side's, else the reply side's */
};
/* A message begins on the side at ts (the first line's state too). */
void mc_msg_begin(struct mc_side *s, uint64_t ts);
/* A message ended whole: the side waits for the next one, in sync, and
 * the connection has shown it speaks the protocol. */
void mc_msg_end(struct mc_conn *c, struct mc_side *s);
/* A line begins: its token state reset. */
void mc_line_begin(struct mc_side *s);
/* The framing broke: sync_lost, or before anything was seen skipped. */
void mc_lost_stat(const struct mc_conn *c);
/* Returns bytes taken or -1. */
long mc_line(struct mc_conn *c, struct mc_side *s, const struct mc_line_ops *ops,
	     const uint8_t *p, size_t n, uint64_t ts);
/* lpf_dir.parse of both directions (d->arg: their mc_line_ops): up to n
 * captured bytes; returns how many were taken (fewer only when the
 * framing broke). */
size_t mc_side_parse(void *conn, const struct lpf_dir *d, const uint8_t *p, size_t n,
		     uint64_t ts);
/* A gap inside a data block: its bytes skipped, the block ended if it
 * was all; returns the gap's bytes after the block. */
uint64_t mc_side_gap(struct mc_conn *c, struct mc_side *s, const struct mc_line_ops *ops,
		     uint64_t gap, uint64_t ts);
/* Data block bytes (p NULL: not seen); -1 when its CRLF is not. */
int mc_data(struct mc_side *s, const uint8_t *p, uint64_t k);
int64_t mc_num(const struct mc_side *s);
int mc_tok_is(const struct mc_side *s, const char *w);
/* A protocol word and its class (commands: MC_*, replies: RK_*) */
struct mc_word {
	const char *w;
	uint8_t cls;
};
/* w[0..n) in the table t of nt words: its index, or -1 */
int mc_word_index(const struct mc_word *t, size_t nt, const char *w, size_t n);
/* Does p start a line of table t: a known word (a command's in lower
 * case, req; a reply's in upper case), its delimiter, printable bytes
 * (strict: to the line's LF)? */
int mc_starts(const struct mc_word *t, size_t nt, int req, const uint8_t *p, size_t n,
	      int strict);

/* memcache_req.c */
extern const struct lpf_dir mc_req_dir;
void mc_req_lose(struct mc_conn *c);
int mc_req_starts(const uint8_t *p, size_t n, int strict);

/* memcache_resp.c */
extern const struct lpf_dir mc_resp_dir;
void mc_resp_lose(struct mc_conn *c);
int mc_resp_starts(const uint8_t *p, size_t n, int strict);

/* memcache_conn.c */
void mc_commit(struct mc_conn *c, uint64_t ts);
void mc_reply_done(struct mc_conn *c, uint64_t ts);
void mc_pair_lost(struct mc_conn *c);
void mc_unpaired(struct mc_conn *c);
void mc_flush(struct mc_conn *c, uint64_t ts);
void mc_tick(struct mc_conn *c, uint64_t now, uint64_t wait);

#endif
