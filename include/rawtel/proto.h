/* Application protocols seen from outside the process (user/proto/): the
 * one interface every protocol parser implements, so that the connection
 * layer can find a connection's protocol from its first bytes and feed
 * that parser, and adding a protocol is one parser here plus one mapping
 * in user/agent/.
 *
 * Input model (the same as HTTP/1's, rawtel/http1.h). Per connection (an
 * opaque id) and per direction (bytes the observed process received, bytes
 * it sent), the syscalls in the order they happened, each as (timestamp,
 * total bytes transferred, the first `cap` of them). The (total - cap)
 * bytes after the captured prefix are a gap: known to exist, never seen.
 * A parser skips a gap exactly where its framing says how long the current
 * message is; anywhere else the framing is lost, and it resynchronises at
 * the first later syscall that starts a message it can recognise (a new
 * message almost always begins a new syscall), counting the resync.
 *
 * Output: exchanges (a request and its response, with times, status,
 * sizes, and flags for what was not seen) through the callback of the
 * protocol's options. Database and cache protocols share one exchange type
 * (rawtel/db.h); HTTP/1 keeps its own (rawtel/http1.h).
 *
 * Bounds: a connection's state is a fixed-size block of conn_size bytes
 * that the layer allocates; parsers never allocate per message, and work
 * per syscall is linear in the captured bytes (constant for gaps). Every
 * byte is untrusted: any input gives an answer or a counted resync, never
 * a crash, an out-of-bounds read or a wrong pairing. */
#ifndef RAWTEL_PROTO_H
#define RAWTEL_PROTO_H

#include <stddef.h>
#include <stdint.h>

enum proto_id {
	PROTO_NONE = 0,		/* not (yet) known */
	PROTO_HTTP1,
	PROTO_POSTGRES,
	PROTO_MYSQL,
	PROTO_REDIS,
	PROTO_MEMCACHED,
	PROTO_HTTP2,
	PROTO_N
};

/* Direction from the observed process's side. */
enum proto_dir { PROTO_RECV = 0, PROTO_SEND = 1 };
/* Which side of the connection the observed process is: a server receives
 * requests and sends responses, a client the reverse. */
enum proto_role { PROTO_SERVER = 0, PROTO_CLIENT = 1 };

/* detect() verdicts on the first bytes of one direction. */
#define PROTO_NO 0	/* these bytes cannot start this protocol */
#define PROTO_MAYBE 1	/* they could (too few bytes, or ambiguous:
			 * a port hint may break the tie) */
#define PROTO_YES 2	/* they start this protocol beyond doubt */

/* feed() results (>= 0); errors are -errno. */
#define PROTO_MORE 0	/* keep feeding this connection */
#define PROTO_DONE 1	/* no longer this protocol (switched to TLS,
			 * upgraded, or garbage past the resync limit): its
			 * payloads may stop being captured */

/* Counters a parser adds to, one set per protocol (all monotonic). */
struct proto_stats {
	uint64_t exchanges;	/* reported, any flags */
	uint64_t no_request;	/* ... of which the request was not seen */
	uint64_t no_response;	/* ... of which no response came */
	uint64_t errors;	/* ... of which the response was an error */
	uint64_t sync_lost;	/* framing lost (gap inside a message, or
				 * bytes that are no valid message) */
	uint64_t resyncs;	/* framing found again */
	uint64_t skipped;	/* syscalls passed over while unsynced */
	uint64_t gap_bytes;	/* bytes fed as not captured */
	uint64_t given_up;	/* connections that returned PROTO_DONE */
	uint64_t queue_full;	/* requests not kept: the pipeline queue
				 * was full (their replies: no_request) */
	uint64_t undecoded;	/* header fields not decodable: their
				 * compression state was lost (HTTP/2) */
	uint64_t unseen;	/* streams begun in lost bytes, never
				 * reported (HTTP/2) */
};

struct db_exchange;
struct h2_exchange;
struct http1_opts;

/* What every connection of one protocol shares; must outlive them. */
struct proto_opts {
	/* Called for every exchange; `x` is valid during the call only. */
	void (*on_db)(void *arg, const struct db_exchange *x);
	/* Optional: a request was fully seen and now waits for its reply
	 * (its fields as far as known; valid during the call only): the
	 * moment a tracer learns which thread is making the call. */
	void (*on_db_request)(void *arg, const struct db_exchange *x);
	/* HTTP/2: called for every stream (rawtel/h2.h). */
	void (*on_h2)(void *arg, const struct h2_exchange *x);
	/* Optional: a stream's request headers were decoded (once per
	 * stream later reported without H2_X_NO_REQUEST, before that
	 * report), as on_db_request. */
	void (*on_h2_request)(void *arg, const struct h2_exchange *x);
	void *arg;
	struct proto_stats *stats;	/* optional */
	/* A request whose reply has not begun after this long is reported
	 * without a response by tick() (0: 120 s). */
	uint64_t max_wait_ns;
	/* Keep statement text unsanitized (--capture-query-text); the
	 * parser itself never sanitizes: the flag travels to the mapping. */
	int raw_text;
	/* HTTP/1 only (proto_http1, rawtel/pconn.h): its own options, and
	 * its own exchange type through them. */
	const struct http1_opts *http;
};

/* One protocol parser. All functions take the connection block the layer
 * allocated (conn_size bytes, suitably aligned, zeroed before init). */
struct proto_parser {
	const char *name;		/* "postgres": the probe name too */
	enum proto_id id;
	size_t conn_size;
	/* Well-known server ports, 0-terminated: a hint that breaks ties
	 * between MAYBE verdicts, never the only evidence. */
	uint16_t ports[4];
	/* The first captured bytes of one direction of a connection (the
	 * first syscall that carried any): PROTO_NO, PROTO_MAYBE or
	 * PROTO_YES. Pure: no state, reads only data[0..cap). */
	int (*detect)(enum proto_role role, enum proto_dir dir, const uint8_t *data,
		      size_t cap, uint64_t total);
	void (*init)(void *conn, uint64_t id, enum proto_role role,
		     const struct proto_opts *o);
	/* One syscall's bytes: `total` transferred at ts_ns, the first `cap`
	 * of them in data. PROTO_MORE, PROTO_DONE, or -EINVAL (cap > total,
	 * or no data for cap > 0). */
	int (*feed)(void *conn, enum proto_dir dir, uint64_t ts_ns, const void *data,
		    size_t cap, uint64_t total);
	/* The connection closed: requests still waiting are reported
	 * without a response. The block may then be reused or freed. */
	void (*close)(void *conn, uint64_t ts_ns);
	/* Time passes (ts on the feed's clock): overdue requests are
	 * reported without a response. */
	void (*tick)(void *conn, uint64_t now_ns);
};

/* The parsers, each defined at the bottom of its own file. */
extern const struct proto_parser proto_postgres;
extern const struct proto_parser proto_mysql;
extern const struct proto_parser proto_redis;
extern const struct proto_parser proto_memcached;
extern const struct proto_parser proto_http2;

#endif
