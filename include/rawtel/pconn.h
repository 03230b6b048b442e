/* Connections of any application protocol (user/proto/pconn.c): the one
 * path from captured socket bytes to a protocol parser (rawtel/proto.h).
 *
 * Per connection (an opaque id, with the role the caller knows), the
 * protocol is found from the first captured bytes of either direction:
 * every enabled parser's detect() is asked; a YES decides, a MAYBE decides
 * when it is the only one, and between several MAYBEs the parser whose
 * well-known port is the connection's breaks the tie (a port is never the
 * only evidence). Bytes 0x16 0x03 first are TLS: with on_tls set, its
 * first records are read for the handshake's facts (rawtel/tls_hello.h:
 * at most TLS_TRACK_CALLS syscalls), told once, and then (or at once
 * without on_tls) the connection is given up; the first plaintext of the
 * same connection (id | TLS_PLAIN_ID) ends a handshake still read. No
 * decision within PCONN_DETECT_RECORDS syscalls that carried bytes (or
 * NO from every parser until then): "none of ours", given up. A parser
 * that says PROTO_DONE (TLS negotiated, upgraded, garbage) gives its
 * connection up too. A given-up connection keeps a small record, so its
 * later syscalls cost a lookup and no parsing; the caller is told once
 * (on_give_up), to stop the kernel copying its payloads.
 *
 * The chosen parser's block (conn_size bytes) is allocated when the
 * protocol is decided and freed at the close, the eviction or the give-up.
 * The table is bounded: at max_conns the connection fed least recently is
 * closed (what waits is reported) and forgotten, counted. */
#ifndef RAWTEL_PCONN_H
#define RAWTEL_PCONN_H

#include <stddef.h>
#include <stdint.h>

#include "rawtel/proto.h"

struct http1_opts;
struct tls_facts;

/* Syscalls with bytes looked at before a connection is given up; HTTP/1's
 * own tolerance for a first syscall that starts no message. */
#define PCONN_DETECT_RECORDS 4

/* Why a connection stopped being parsed (on_give_up, stats) */
enum pconn_outcome {
	PCONN_UNKNOWN = 0,	/* no parser recognised its bytes */
	PCONN_TLS,		/* it began with a TLS record */
	PCONN_DONE,		/* its parser left it (PROTO_DONE) */
	PCONN_OUTCOME_N
};

/* The HTTP/1 parser behind the same interface: its options travel in
 * proto_opts.http, its exchanges keep their own type (rawtel/http1.h). */
extern const struct proto_parser proto_http1;

/* Every parser the layer knows, by enum proto_id (NULL: not built in). */
extern const struct proto_parser *const pconn_parsers[PROTO_N];

struct pconn_stats {
	/* per parser (HTTP/1 counts in its own http1_stats) */
	struct proto_stats proto[PROTO_N];
	uint64_t conns[PROTO_N];	/* connections decided, by protocol */
	uint64_t outcome[PCONN_OUTCOME_N];	/* connections given up, by why */
	uint64_t evicted;		/* pushed out of the full table */
	uint64_t ignored;		/* syscalls of given-up connections */
};

struct pconn_opts {
	uint32_t protos;		/* enabled: bits 1u << PROTO_* */
	/* What every DB parser's connections share (callbacks, max_wait_ns,
	 * raw_text); the layer sets stats to its own per protocol. */
	struct proto_opts db;
	const struct http1_opts *http;	/* for PROTO_HTTP1 */
	/* Optional: the handshake facts of TLS connection id, once: when
	 * they are final, or at its close, eviction or idle end (a hello
	 * seen at least). */
	void (*on_tls)(void *arg, uint64_t id, const struct tls_facts *f);
	/* Optional: connection id stopped being parsed, once. */
	void (*on_give_up)(void *arg, uint64_t id, enum pconn_outcome why);
	void *arg;
	/* Optional: where the counters go (shared by several tables, say
	 * one per process); NULL: the table's own. */
	struct pconn_stats *stats;
	unsigned max_conns;		/* 0: 4096 */
	uint64_t idle_ns;		/* silent this long: dropped (0: 600 s) */
};

struct pconn;

/* A table; `o` is copied. 0 or -ENOMEM (message set). */
int pconn_new(struct pconn **out, const struct pconn_opts *o);
/* Closes every connection (reporting what waits) and frees the table. */
void pconn_free(struct pconn *t, uint64_t now_ns);
/* One syscall of connection `id` (created with `role` and the server
 * port `port`, 0 unknown, when new), as proto_parser.feed: PROTO_MORE,
 * PROTO_DONE (given up, now or before), -EINVAL, -ENOMEM. A syscall
 * without bytes (cap 0: a gap) passes through to a decided parser and
 * is ignored while detecting. */
int pconn_feed(struct pconn *t, uint64_t id, enum proto_role role, uint16_t port,
	       enum proto_dir dir, uint64_t ts_ns, const void *data, size_t cap,
	       uint64_t total);
/* Connection `id` closed: its parser's close, then forgotten. */
void pconn_close(struct pconn *t, uint64_t id, uint64_t ts_ns);
/* Each parser's tick; connections idle past idle_ns are closed and
 * forgotten. About once a second. */
void pconn_tick(struct pconn *t, uint64_t now_ns);
/* The protocol of connection id: PROTO_NONE while undecided, given up or
 * unknown. */
enum proto_id pconn_proto(const struct pconn *t, uint64_t id);
const struct pconn_stats *pconn_stats(const struct pconn *t);

#endif
