/* Internals shared by user/proto/h2_*.c. */
#ifndef RAWTEL_H2_INT_H
#define RAWTEL_H2_INT_H

#include <string.h>

#include "rawtel/h2.h"
#include "rawtel/hpack.h"

/* A decoded header field's name is the literal lit: its length first
 * (most names differ in it), then the bytes by words (h2_field.c: the
 * static build's memcmp goes a byte at a time, and this runs for every
 * field). lit is 4 to 16 bytes, checked when compiled. */
#define H2_NAME_IS(f, lit)                                                       \
	((f)->nlen == sizeof(lit) - 1 &&                                         \
	 h2_name_eq((f)->name, lit, sizeof(lit) - 1 +                            \
		    0 * sizeof(char[sizeof(lit) >= 5 && sizeof(lit) <= 17 ? 1 : -1])))
#if defined(__x86_64__) || defined(__i386__)
int h2_name_eq(const char *a, const char *b, size_t n);
#else
/* elsewhere memcmp, as it was: the words cost the arm64 binary 90 bytes */
#define h2_name_eq(a, b, n) (!memcmp(a, b, n))
#endif

#define H2_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define H2_PREFACE_LEN 24
#define H2_FRAME_DEFAULT 16384	/* SETTINGS_MAX_FRAME_SIZE's initial value */

enum h2_type {
	H2_DATA = 0, H2_HEADERS, H2_PRIORITY, H2_RST_STREAM, H2_SETTINGS,
	H2_PUSH_PROMISE, H2_PING, H2_GOAWAY, H2_WINDOW_UPDATE, H2_CONTINUATION,
};
#define H2_F_END_STREAM 0x1
#define H2_F_ACK 0x1
#define H2_F_END_HEADERS 0x4
#define H2_F_PADDED 0x8
#define H2_F_PRIORITY 0x20

/* struct h2_side.state */
enum h2_state {
	H2_S_START = 0,	/* nothing seen yet in this direction */
	H2_S_PREFACE,	/* inside the client preface */
	H2_S_HEAD,	/* reading a frame header */
	H2_S_PAYLOAD,	/* inside a frame's payload */
	H2_S_LOST,	/* framing lost: wait for a syscall starting a frame */
};

/* gRPC message framing of one direction of a stream. */
struct h2_grpc {
	uint32_t left;		/* message bytes still to come */
	uint8_t have;		/* prefix bytes gathered (0-5) */
	uint8_t lost;
	uint8_t pre[5];
};

struct h2_stream {
	uint8_t used, req_done, resp_begun, resp_headers;
	uint8_t req_told;	/* on_h2_request was called */
	uint8_t doubt;		/* response bytes were lost since it began:
				 * its end may have been in them */
	uint64_t last_ns;
	struct h2_grpc g[2];	/* [is_response] */
	struct h2_exchange x;
};

/* One direction of the connection. */
struct h2_side {
	uint8_t state;
	uint8_t probe;		/* the first frame header decides whether
				 * this is HTTP/2 and a fresh start */
	uint8_t pre;		/* preface bytes matched */
	uint8_t hlen;		/* frame header bytes gathered */
	uint8_t hdr[9];
	uint8_t type, flags;
	uint32_t sid, len;	/* current frame */
	uint32_t off;		/* payload bytes consumed */
	uint32_t pad;		/* padding at the payload's end */
	uint32_t lead;		/* payload bytes before the content (pad
				 * length, priority, promised id) */
	uint8_t ctl[8];		/* the payload's first bytes (control) */
	uint8_t set[6];		/* a SETTINGS entry being gathered */
	uint8_t setn;
	/* the header block being gathered */
	uint8_t in_block, block_cut, block_push, block_end_stream;
	uint32_t block_sid, blen;
	uint32_t max_frame;	/* the peer's SETTINGS_MAX_FRAME_SIZE */
	struct hpack_dec hp;
	uint8_t blk[H2_BLOCK_MAX];
};

struct h2_conn {
	uint64_t id;
	enum proto_role role;
	const struct proto_opts *o;
	uint8_t synced_ever;	/* HTTP/2 was seen */
	uint8_t misses;		/* syscalls of no HTTP/2 before any */
	uint8_t done;
	uint32_t last_sid;	/* highest client stream begun */
	uint32_t first_sid;	/* the first stream seen (1 on a fresh
				 * connection): older ones began unseen */
	uint8_t req_gap;	/* the request direction lost frames since
				 * the highest request seen (h2_unseen.c) */
	uint32_t unseen_base;	/* streams begun unseen: bit i of unseen */
	uint64_t unseen;	/* is stream unseen_base + 2i */
	uint64_t now;		/* the current syscall's time */
	struct h2_side side[2];	/* [enum proto_dir] */
	/* the stream id st[i] was last taken for (its used says whether it
	 * still is): a lookup reads this line, and a slot only on a match,
	 * not one line of each kilobyte-long slot */
	uint32_t sids[H2_STREAMS];
	struct h2_stream st[H2_STREAMS];
};

static inline int h2_is_req(const struct h2_conn *c, int dir)
{
	return c->role == PROTO_SERVER ? dir == PROTO_RECV : dir == PROTO_SEND;
}

#define h2_stat(c, field, n)                                                \
	do {                                                                \
		if ((c)->o && (c)->o->stats)                                \
			(c)->o->stats->field += (n);                        \
	} while (0)

/* h2_frame.c */
int h2_plausible(const uint8_t *p, size_t n, uint32_t max_frame);
void h2_side_bytes(struct h2_conn *c, int dir, const uint8_t *p, size_t n);
void h2_side_gap(struct h2_conn *c, int dir, uint64_t gap);
void h2_side_lose(struct h2_conn *c, int dir);
/* h2_payload.c */
size_t h2_payload(struct h2_conn *c, int dir, const uint8_t *p, size_t n);
void h2_payload_gap(struct h2_conn *c, int dir, uint32_t k);
void h2_frame_begin(struct h2_conn *c, int dir);
void h2_frame_end(struct h2_conn *c, int dir);
/* h2_block.c */
void h2_block_add(struct h2_conn *c, int dir, const uint8_t *p, size_t n);
/* The block ends: decode p[0..n) (s->blk, or the payload in place). */
void h2_block_end(struct h2_conn *c, int dir, const uint8_t *p, size_t n);
/* h2_stream.c */
struct h2_stream *h2_stream_find(struct h2_conn *c, uint32_t sid);
struct h2_stream *h2_stream_new(struct h2_conn *c, uint32_t sid, int no_request);
void h2_stream_report(struct h2_conn *c, struct h2_stream *s, uint32_t flags);
void h2_stream_data(struct h2_conn *c, int dir, uint32_t sid, const uint8_t *p,
		    size_t n, uint64_t gap);
void h2_stream_end(struct h2_conn *c, int dir, uint32_t sid);
void h2_stream_reset(struct h2_conn *c, uint32_t sid, uint32_t code);
void h2_goaway(struct h2_conn *c, int dir, uint32_t last, uint32_t code);
/* h2_unseen.c: stream `sid` (odd) is seen to exist, by */
enum h2_seen {
	H2_SEEN_REQUEST,	/* its request headers */
	H2_SEEN_RESPONSE,	/* its response headers */
	H2_SEEN_ALIVE,		/* its DATA: the headers were not seen */
	H2_SEEN_ENDED,		/* its reset, nothing else seen */
};
void h2_unseen_open(struct h2_conn *c, uint32_t sid, enum h2_seen how);
int h2_unseen_take(struct h2_conn *c, uint32_t sid);
void h2_unseen_end(struct h2_conn *c);
/* h2_field.c */
void h2_field(struct h2_stream *s, int resp, const struct hpack_field *f);
void h2_copy(char *dst, size_t size, const char *src, size_t n, uint32_t *flags);

#endif
