/* Internals shared by user/proto/http1_*.c. */
#ifndef RAWTEL_HTTP1_INT_H
#define RAWTEL_HTTP1_INT_H

#include <string.h>

#include "rawtel/http1.h"

/* struct http1_side.state */
enum {
	D_SEEK,		/* framing unknown: look for a message start at the
			 * next syscall's first byte */
	D_DEAD,		/* nothing more to parse on this connection */
	M_IDLE,		/* between messages */
	RL_METHOD, RL_TARGET, RL_VERSION,	/* request line */
	SL_VERSION, SL_CODE, SL_REASON,		/* status line */
	F_LINE,		/* start of a field line (or the empty line) */
	F_NAME, F_VALUE,
	F_FOLD,		/* obs-fold continuation: skipped */
	B_LEN,		/* Content-Length body: `remain` left */
	B_CLOSE,	/* body delimited by the close */
	C_SIZE, C_EXT,	/* chunk-size line */
	C_DATA,		/* `remain` chunk bytes left */
	C_DATA_END,	/* the CRLF after chunk data */
};

/* struct http1_side.hdr: fields whose values matter */
enum {
	H_OTHER, H_HOST, H_UA, H_CLEN, H_TE, H_TP, H_TS,
};
/* A bit for each length of those fields' names (host; user-agent and
 * tracestate; traceparent; content-length; transfer-encoding): a name
 * of any other length is H_OTHER unread. Kept with name_id() in
 * http1_field.c. */
#define H_NAME_LENS ((1u << 4) | (1u << 10) | (1u << 11) | (1u << 14) | (1u << 17))
/* ... of them, those a response's fields are looked at for (framing) */
#define H_RESP_NAME_LENS ((1u << 14) | (1u << 17))

/* method ids the framing depends on */
enum { MT_OTHER, MT_HEAD, MT_CONNECT };
/* http1_field.c: the index of a method the semantic conventions know
 * (HEAD 2, CONNECT 8), or -1; and its MT_* id */
int http1_method_index(const char *m, size_t n);
static inline int http1_method_mid(int i)
{
	return i == 2 ? MT_HEAD : i == 8 ? MT_CONNECT : MT_OTHER;
}

/* The queue slot of the request being parsed or NULL (no room, or
 * already answered and popped). */
struct http1_exchange *http1_cur_req(struct http1_conn *c);
/* Committed requests waiting for a response with their fields. */
static inline uint64_t http1_queued(const struct http1_conn *c)
{
	return c->tail_seq - c->head_seq;
}
/* The oldest waiting request is a queue slot (not a count). */
static inline int http1_head_is_slot(const struct http1_conn *c)
{
	return http1_queued(c) && !c->skip[c->head_seq % HTTP1_PIPELINE];
}

/* http1_msg.c: parse up to n captured bytes of side s; returns how many
 * were taken (fewer than n only when the side left the message grammar:
 * D_SEEK or D_DEAD). */
size_t http1_parse(struct http1_conn *c, struct http1_side *s,
		   const uint8_t *p, size_t n, uint64_t ts);
/* The side skips `gap` unseen bytes. */
void http1_gap(struct http1_conn *c, struct http1_side *s, uint64_t gap,
	       uint64_t ts);

/* http1_conn.c: events the parser raises. */
void http1_msg_begin(struct http1_conn *c, struct http1_side *s, uint64_t ts);
/* The head ended well: choose the body framing (sets s->state). */
void http1_head_done(struct http1_conn *c, struct http1_side *s, uint64_t ts);
void http1_msg_done(struct http1_conn *c, struct http1_side *s, uint64_t ts);
/* Framing lost: `flag` is HTTP1_X_*_TRUNC when the head is incomplete,
 * 0 when only the body's end is unknown; with HTTP1_LOSE_BAD when a byte
 * broke the grammar (not a gap): a message that broke on its start line
 * before anything recognisable is not counted as a message. */
#define HTTP1_LOSE_BAD (1u << 31)
void http1_lose(struct http1_conn *c, struct http1_side *s, uint32_t flag);
/* A request or response began inside a gap: it exists, nothing seen. */
void http1_lose_unseen(struct http1_conn *c, struct http1_side *s, uint64_t ts);
void http1_stat_add(const struct http1_conn *c, size_t field_off, uint64_t n);
#define HTTP1_STAT(c, field, n) \
	http1_stat_add((c), offsetof(struct http1_stats, field), (n))

/* A start line ended: field lines follow. */
static inline void http1_line_to_fields(struct http1_side *s)
{
	s->state = F_LINE;
	s->line_len = 0;
	s->newline = 1;
	s->cr = 0;
	s->fields = 0;
}

/* A field line (or chunk-size line) ended. */
static inline void http1_next_line(struct http1_side *s, uint8_t state)
{
	s->state = state;
	s->line_len = 0;
	s->newline = 1;
	s->cr = 0;
}

/* Field-name bytes (tchar): kept lower-cased as far as s->name goes,
 * their count up to 255. */
static inline void http1_name_bytes(struct http1_side *s, const uint8_t *p, size_t k)
{
	size_t i = 0, len = s->name_len;

	for (; i < k && len < sizeof(s->name); i++, len++) {
		uint8_t b = p[i];

		s->name[len] = (char)(b | ((b >= 'A' && b <= 'Z') ? 0x20 : 0));
	}
	len += k - i;
	s->name_len = (uint8_t)(len < 255 ? len : 255);
}

/* http1_msg.c: a field line's end (the LF); -1 when the message breaks
 * a rule there. */
int http1_field_line_end(struct http1_conn *c, struct http1_side *s);

/* http1_line.c: a whole start line, or the whole field lines that
 * follow each other, at the start of p (n bytes within the head limit;
 * each line within the line limit) in one step, the common case of lines
 * that came in one piece and follow the grammar. Returns their length
 * with their state taken; 0 when the byte-at-a-time machine must take
 * the first (nothing changed); or -1 - k when the message broke a rule
 * at its byte k, the k before it taken (as the machine would). */
long http1_line(struct http1_conn *c, struct http1_side *s, const uint8_t *p, size_t n);

/* http1_field.c */
void http1_field_name_done(struct http1_side *s);
/* The H_* id of the field named by the k tchar bytes at p (any case). */
uint8_t http1_name_id(const uint8_t *p, size_t k, int is_req);
/* A field name ended (its id found): what http1_field_name_done sets. */
void http1_field_name_set(struct http1_side *s, uint8_t id);
/* A run of a kept field's value bytes (no control bytes): OWS at either
 * end dropped, inner OWS kept as spaces once something follows it. */
void http1_value_run(struct http1_conn *c, struct http1_side *s, const uint8_t *p, size_t k);
/* The field line ended: returns 0, or -1 when its value breaks the
 * framing rules (bad Content-Length). */
int http1_field_done(struct http1_conn *c, struct http1_side *s);
/* The head was cut (gap, malformed, over a limit) in its current state:
 * drop a kept header value half read, flag a path cut short. */
void http1_head_cut(struct http1_conn *c, struct http1_side *s);
/* The head ended: finish kept values (tracestate cut, traceparent). */
void http1_fields_finish(struct http1_conn *c, struct http1_side *s);
/* Request-target bytes (no SP, no controls). */
void http1_target_bytes(struct http1_conn *c, struct http1_side *s,
			const uint8_t *p, size_t n);
void http1_target_done(struct http1_conn *c, struct http1_side *s);
int http1_method_id(const char *m, size_t n);

/* http1_start.c: 1 when the captured bytes can start a request (is_req)
 * or response; `strict` asks for enough bytes to be sure. */
int http1_starts_msg(int is_req, const uint8_t *p, size_t n, int strict);

/* http1_start.c: byte classes, a table lookup per byte on hot paths */
#define H1_TCHAR 1
#define H1_CTL 2
extern const uint8_t http1_class[256];
static inline int http1_tchar(uint8_t ch)
{
	return http1_class[ch] & H1_TCHAR;
}
/* controls but HT, and DEL */
static inline int http1_ctl(uint8_t ch)
{
	return http1_class[ch] & H1_CTL;
}

/* Eight bytes at a time (SWAR): a word loaded in little-endian order, so
 * that the lowest flagged byte of a mask below is its first in memory and
 * exact (a borrow only spills into later bytes). */
#define H1_ONES 0x0101010101010101ull
#define H1_HIGH 0x8080808080808080ull
static inline uint64_t h1_word(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}
/* The high bit of bytes below b (b <= 0x80; bytes >= 0x80 never). */
static inline uint64_t h1_below(uint64_t w, uint8_t b)
{
	return (w - b * H1_ONES) & ~w & H1_HIGH;
}
static inline uint64_t h1_eq(uint64_t w, uint8_t b)
{
	return h1_below(w ^ (b * H1_ONES), 1);
}
/* Index of the first flagged byte of a non-zero mask. */
static inline size_t h1_first(uint64_t m)
{
	return (size_t)__builtin_ctzll(m) >> 3;
}

/* http1_tp.c: traceparent validity of a trimmed value of length n;
 * reads s[0..55] only, so n may be the length of a longer value of
 * which the first 56 bytes are at s. */
int http1_tp_check(const char *s, size_t n, struct http1_traceparent *tp);


#endif
