/* HTTP/2 (RFC 9113) seen from outside the process, gRPC on top of it
 * (user/proto/h2_*.c): the parser `proto_http2` of the protocol layer
 * (rawtel/proto.h, whose input model it follows) turns a connection's
 * frames into one struct h2_exchange per stream.
 *
 * Framing. Frames are read across syscalls; a gap inside a frame's payload
 * is skipped exactly (its length is in the frame header); a gap that runs
 * past a payload loses the framing, found again at the first later syscall
 * that starts with plausible frame headers (counted). Header blocks
 * (HEADERS or PUSH_PROMISE and their CONTINUATIONs) are decoded by one HPACK
 * decoder per direction (rawtel/hpack.h), in capture order. A connection
 * whose start was not seen (no client preface in the client's direction,
 * no first SETTINGS in the server's), a block cut by a gap, or lost framing
 * leaves that direction's dynamic table partly unknown: fields that refer
 * to the unknown part are reported missing (H2_X_UNKNOWN_FIELDS), never as
 * other names.
 *
 * Streams. Up to H2_STREAMS concurrent client-initiated streams are
 * followed per connection (more are counted in proto_stats.queue_full).
 * Streams whose request headers were in lost bytes are found by their
 * ids (a client's only grow): a response opens one without request, the
 * others are counted in proto_stats.unseen; every stream is reported or
 * counted.
 * A stream is reported when its response ends (END_STREAM from the
 * responder: the request side may still be open, H2_X_REQ_OPEN), when
 * either side resets it, when a GOAWAY says it was never processed, when
 * the connection closes, when it stays silent past max_wait_ns (tick), or
 * when the table is full and its response may have ended in lost bytes
 * (H2_X_EVICTED: the oldest such makes room for a new stream).
 * DATA is counted, never copied: only the 5-byte prefixes of gRPC messages
 * (compressed flag and length) are read, to count messages each way.
 *
 * SETTINGS: HEADER_TABLE_SIZE bounds the peer's decoder as sent (no wait
 * for the ACK: the table size itself changes only by the encoder's size
 * updates), MAX_FRAME_SIZE bounds what resynchronisation accepts.
 *
 * Privacy: only the values below are kept; authorization, cookie and
 * never-indexed values are never stored (rawtel/hpack.h). A header block
 * whole in one frame and one syscall (the usual case) is decoded where it
 * lies; one gathered across syscalls or CONTINUATIONs is wiped once
 * decoded.
 *
 * Bounds: proto_http2.conn_size is about 60 KB (two HPACK decoders, two
 * block buffers, H2_STREAMS exchanges); no allocation; work per syscall is
 * linear in the captured bytes, constant for gaps. */
#ifndef RAWTEL_H2_H
#define RAWTEL_H2_H

#include <stddef.h>
#include <stdint.h>

#include "rawtel/http1.h"
#include "rawtel/proto.h"

#define H2_STREAMS 16		/* concurrent streams followed */
#define H2_BLOCK_MAX 8192	/* a header block split across syscalls or
				 * CONTINUATIONs is gathered up to this */
#define H2_PROBE_MISSES 4	/* syscalls of no HTTP/2 before giving up */
#define H2_UNSEEN 64		/* streams begun unseen that a response may
				 * still open (user/proto/h2_unseen.c) */

/* Sizes of the kept strings, NUL included; longer values are cut
 * (H2_X_VALUE_TRUNC). Printable ASCII; other bytes become '?'. */
#define H2_METHOD_MAX 24
#define H2_SCHEME_MAX 8
#define H2_AUTHORITY_MAX 128
#define H2_PATH_MAX 256
#define H2_CTYPE_MAX 64
#define H2_GRPC_MESSAGE_MAX 128
#define H2_UA_MAX 128
#define H2_TRACESTATE_MAX 256

/* struct h2_exchange.flags */
#define H2_X_NO_REQUEST (1u << 0)	/* request headers not seen (joined
					 * late, table full): request fields
					 * empty */
#define H2_X_NO_RESPONSE (1u << 1)	/* no response headers: reset,
					 * refused, closed, aged out */
#define H2_X_UNKNOWN_FIELDS (1u << 2)	/* some fields could not be decoded
					 * (HPACK state lost): any field may
					 * be missing (unknown_fields) */
#define H2_X_RESET (1u << 3)		/* RST_STREAM (error_code) */
#define H2_X_GOAWAY (1u << 4)		/* refused by a GOAWAY (error_code) */
#define H2_X_TRAILERS_ONLY (1u << 5)	/* the response was one HEADERS with
					 * END_STREAM (gRPC trailers-only) */
#define H2_X_REQ_OPEN (1u << 6)		/* the request side had not ended */
#define H2_X_RESP_OPEN (1u << 7)	/* the response had not ended */
#define H2_X_VALUE_TRUNC (1u << 8)	/* a kept string was cut */
#define H2_X_GRPC (1u << 9)		/* content-type application/grpc* */
#define H2_X_GRPC_LOST (1u << 10)	/* gRPC message framing lost in a
					 * gap: message counts are lower
					 * bounds */
#define H2_X_BODY_GAP (1u << 11)	/* DATA bytes not all captured (the
					 * counts, from frame lengths, are
					 * exact) */
#define H2_X_UPGRADED (1u << 12)	/* stream 1 of an h2c Upgrade */
#define H2_X_CLOSED (1u << 13)		/* the connection closed first */
#define H2_X_AGED (1u << 14)		/* given up by tick() */
#define H2_X_HEADERS_LOST (1u << 15)	/* a header block of this stream was
					 * cut (gap, over H2_BLOCK_MAX) */
#define H2_X_EVICTED (1u << 16)		/* given up for a new stream, the
					 * table full: response bytes were
					 * lost since it began (its end may
					 * have been in them) */

/* One stream: a request and its response. Timestamps are the syscalls'
 * (0: not seen). */
struct h2_exchange {
	uint64_t conn_id;
	uint32_t stream_id;
	uint32_t flags;		/* H2_X_* */
	uint64_t start_ns;	/* request HEADERS (without: first frame seen) */
	uint64_t req_end_ns;	/* request END_STREAM */
	uint64_t resp_start_ns;	/* first response HEADERS */
	uint64_t end_ns;	/* response END_STREAM, or when given up */
	uint32_t error_code;	/* RST_STREAM / GOAWAY */
	uint16_t status;	/* final :status; 0 without */
	int16_t grpc_status;	/* grpc-status; -1 without */
	uint32_t unknown_fields;	/* header fields not decodable */
	uint64_t grpc_timeout_ns;	/* the request's grpc-timeout; 0 none */
	uint64_t req_bytes, resp_bytes;	/* DATA payload, padding excluded */
	uint32_t req_msgs, resp_msgs;	/* gRPC messages begun each way */
	enum http1_tp_state tp_state;	/* traceparent */
	struct http1_traceparent tp;
	/* the strings last: a new stream clears what comes before them and
	 * empties them (h2_stream.c) */
	char method[H2_METHOD_MAX];
	char scheme[H2_SCHEME_MAX];
	char authority[H2_AUTHORITY_MAX];	/* :authority, else host */
	char path[H2_PATH_MAX];
	char content_type[H2_CTYPE_MAX];	/* the response's, else the
						 * request's */
	char grpc_message[H2_GRPC_MESSAGE_MAX];	/* percent-encoded as sent */
	char user_agent[H2_UA_MAX];
	char tracestate[H2_TRACESTATE_MAX];
};

/* A gRPC call's status (0 OK ... 16 UNAUTHENTICATED) from its stream:
 * grpc-status, else gRPC's HTTP/2 mapping of a refusal, a reset or the
 * HTTP status, a RST_STREAM(CANCEL) once the grpc-timeout has run out
 * (less H2_DEADLINE_SLACK) being DEADLINE_EXCEEDED (user/proto/h2_grpc.c);
 * -1 when nothing says, or when a header block that may have held
 * grpc-status was not decoded. */
int h2_grpc_status(const struct h2_exchange *x);
/* gRPC's name of a status code (0-16: "OK" ... "UNAUTHENTICATED"), the
 * RFC 9113 name of an error code (0-13: "NO_ERROR" ...); NULL for others */
const char *h2_grpc_name(int code);
const char *h2_error_name(uint32_t code);
#define H2_DEADLINE_SLACK(t) (1000000ull + (t) / 64)
/* A grpc-timeout value in ns (0: malformed) */
uint64_t h2_grpc_timeout(const char *v, size_t n);

/* The HTTP/1.1 request that an h2c Upgrade turned into stream 1 (RFC 7540
 * 3.2), as the HTTP/1 parser saw it (strings NUL-terminated, may be ""). */
struct h2_upgrade {
	uint64_t start_ns, req_end_ns;
	const char *method, *path, *authority, *user_agent, *tracestate;
	enum http1_tp_state tp_state;
	struct http1_traceparent tp;
};

/* Start an HTTP/2 connection in `conn` (proto_http2.conn_size bytes) after
 * a 101 Switching Protocols to h2c: both directions start fresh (the
 * client preface and the server's SETTINGS come next), and stream 1 is
 * the upgraded request, its response still to come. */
void h2_conn_upgraded(void *conn, uint64_t id, enum proto_role role,
		      const struct proto_opts *o, const struct h2_upgrade *u);
/* The same from the HTTP/1 parser's 101 exchange (user/proto/h2_up.c). */
void h2_conn_from_http1(void *conn, uint64_t id, enum proto_role role, const struct proto_opts *o,
			const struct http1_exchange *x);
/* The offset past the head of the "HTTP/1.1 101" response in p[0..cap)
 * (cap when there is none): where HTTP/2 begins in that syscall. */
size_t h2_after_101(const uint8_t *p, size_t cap);

#endif
