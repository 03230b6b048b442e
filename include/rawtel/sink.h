/* Delivery of encoded OTLP requests (user/sink/): OTLP/HTTP over a plain
 * non-blocking socket with keep-alive, retries and an on-disk spool, or
 * files for air-gapped hosts (JSON Lines or length-prefixed protobuf).
 *
 * The caller encodes (user/otlp/) and submits request bodies; the sink
 * copies them into a bounded per-signal queue and delivers them from the
 * event loop. Nothing here blocks the loop on the network: sockets are
 * non-blocking, and a host name is resolved on the loop by rawtel's own
 * resolver (/etc/hosts, then DNS over UDP to the nameservers of
 * /etc/resolv.conf) at each (re)connect, bounded by the request timeout
 * (numeric addresses skip that). Disk writes are plain regular-file writes, with fsync only
 * where durability is promised (each spool file, rotation, shutdown). */
#ifndef RAWTEL_SINK_H
#define RAWTEL_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;

enum sink_signal { SINK_TRACES, SINK_METRICS, SINK_LOGS, SINK_NSIG };
enum sink_proto { SINK_PROTO_PROTOBUF, SINK_PROTO_JSON };
/* Content-Encoding of OTLP/HTTP bodies (OTEL_EXPORTER_OTLP_COMPRESSION) */
enum sink_comp { SINK_COMP_NONE, SINK_COMP_GZIP };

#define SINK_URL_MAX 512
#define SINK_HOST_MAX 256
#define SINK_HDRS_MAX 4096	/* formatted extra headers, per signal */
#define SINK_PATH_MAX 256	/* spool and output directories */
#define SINK_BODY_MAX (64u << 20)	/* spec's recommended request limit */

/* One signal's exporter settings. Zero/-1/"" mean "not set here": the
 * generic value (or the default) applies. */
struct sink_sig_conf {
	char url[SINK_URL_MAX];		/* endpoint used as-is */
	char headers[SINK_HDRS_MAX];	/* "Name: value\r\n" lines */
	int headers_set;
	uint32_t timeout_ms;
	int protocol;			/* enum sink_proto or -1 */
	int compression;		/* enum sink_comp or -1 */
};

struct sink_config {
	char base_url[SINK_URL_MAX];	/* OTEL_EXPORTER_OTLP_ENDPOINT */
	struct sink_sig_conf generic;	/* url unused */
	struct sink_sig_conf sig[SINK_NSIG];
	/* memory queue bounds: bytes over all signals (one request being
	 * sent per endpoint is not counted), requests per signal; past them
	 * the queues go to the spool, else the oldest request is dropped */
	uint64_t queue_max_bytes;
	uint32_t queue_max_requests;
	/* retries: exponential backoff with jitter, Retry-After capped */
	uint32_t backoff_initial_ms, backoff_max_ms, retry_after_max_ms;
	/* spool: "" disables it; bounds apply per signal */
	char spool_dir[SINK_PATH_MAX];
	uint64_t spool_max_bytes;
	uint32_t spool_max_files;
	/* files sink instead of HTTP when output_dir is set */
	char output_dir[SINK_PATH_MAX];
	int output_format;		/* enum sink_proto */
	uint64_t rotate_bytes;		/* rotate a file past this size */
	uint32_t rotate_keep;		/* rotated files kept per signal */
	uint32_t log_interval_ms;	/* rate limit of repeated log lines */
};

/* An endpoint resolved for one signal. */
struct sink_target {
	char host[SINK_HOST_MAX];	/* name or address, IPv6 without [] */
	uint16_t port;
	char path[SINK_URL_MAX];	/* request target: path and query */
	char hostport[SINK_HOST_MAX + 8];	/* Host header value */
	const char *headers;		/* points into the config */
	uint32_t timeout_ms;
	int protocol;
	int compression;		/* enum sink_comp */
};

/* Defaults: http://localhost:4318, http/protobuf, 10 s timeout, no spool. */
void sink_config_init(struct sink_config *c);
/* Apply the OTEL_EXPORTER_OTLP_* variables (an empty one counts as unset). */
int sink_config_env(struct sink_config *c);
/* Whether `name` is one of the variables sink_config_env reads. */
bool sink_config_env_known(const char *name);
/* Setters shared by the environment and the command line; `sig` is a
 * signal or -1 for the generic setting. Each validates its value and fails
 * with a message saying what to write instead. */
int sink_config_set_endpoint(struct sink_config *c, int sig, const char *url);
int sink_config_set_headers(struct sink_config *c, int sig, const char *list);
int sink_config_set_timeout(struct sink_config *c, int sig, const char *ms);
int sink_config_set_protocol(struct sink_config *c, int sig, const char *name);
int sink_config_set_compression(struct sink_config *c, int sig, const char *name);
/* Effective protocol for a signal: which encoding to submit. */
int sink_config_protocol(const struct sink_config *c, int sig);
/* The endpoint, headers and timeout that apply to `sig`. */
int sink_config_target(const struct sink_config *c, int sig, struct sink_target *t);

/* Parse an http:// URL into host, port (80 when absent) and path ("/" when
 * empty); https and anything else are refused with advice. */
int sink_url_parse(const char *url, struct sink_target *t);

enum sink_drop {
	SINK_DROP_QUEUE_FULL,	/* memory queue full, no spool */
	SINK_DROP_SPOOL_FULL,	/* spool bound reached: oldest removed */
	SINK_DROP_REJECTED,	/* non-retryable HTTP status */
	SINK_DROP_TOO_LARGE,	/* body larger than a bound */
	SINK_DROP_SPOOL_BAD,	/* unreadable or torn spool file */
	SINK_DROP_IO,		/* spool or output file write failed */
	SINK_DROP_SHUTDOWN,	/* undelivered at exit with no spool */
	SINK_DROP_N
};

struct sink_stats {
	uint64_t sent;		/* requests written to a socket (attempts) */
	uint64_t succeeded;	/* 2xx */
	uint64_t failed;	/* non-retryable status: dropped */
	uint64_t retried;	/* attempts that will be tried again */
	uint64_t dropped[SINK_DROP_N];
	uint64_t dropped_items;	/* records in the dropped requests (counted in memory) */
	uint64_t bytes_sent;	/* body bytes of requests written */
	uint64_t partial_rejected;	/* items a 200 partial_success refused */
	uint64_t queue_bytes, queue_requests;	/* in memory now */
	uint64_t queue_bytes_peak;
	uint64_t spool_bytes, spool_files;	/* on disk now */
	uint64_t file_records;	/* records written by the files sink */
};

struct sink;

/* Start a sink on `loop` (HTTP, or files when c->output_dir is set). The
 * spool (or output files) left by an earlier run are picked up. */
int sink_new(struct loop *loop, const struct sink_config *c, struct sink **out);
/* Queue a copy of one encoded request (`proto`: its content type). */
int sink_submit(struct sink *s, int sig, const void *body, size_t len, int proto);
/* sink_submit without the copy: the body is the len bytes at off in r's
 * mem (r from sink_req_alloc, rawtel/sink_parts.h), written there by the
 * caller; the sink takes r over, whatever it returns. */
struct sink_req;
int sink_submit_req(struct sink *s, int sig, struct sink_req *r, size_t off, size_t len, int proto);
/* Deliver what is pending until `deadline_ms` (loop_now_ms() clock) by
 * running the loop, then spool what is left. Returns how many requests
 * were not delivered (now in the spool or, without one, dropped and
 * counted as SINK_DROP_SHUTDOWN). A files sink writes out its buffers and
 * fsyncs: 0 or -errno. */
int sink_flush(struct sink *s, uint64_t deadline_ms);
/* 1 when nothing is queued, spooled or in flight. */
int sink_idle(const struct sink *s);
void sink_stats(const struct sink *s, int sig, struct sink_stats *out);
/* TCP connections opened so far (keep-alive reuse shows as few). */
uint64_t sink_connections(const struct sink *s);
/* 1 when ADDR (IPv6 form, IPv4 ones IPv4-mapped) and PORT are the local
 * end of one of the sink's recent connections: a collector traced on this
 * host sees rawtel's own exports arrive from there (and tracing them would
 * make spans about spans, forever). */
int sink_own_endpoint(const struct sink *s, const uint8_t addr[16], uint16_t port);
/* Close sockets and files and free (before the loop is freed); call
 * sink_flush first to keep what is pending. */
void sink_free(struct sink *s);

const char *sink_signal_name(int sig);	/* "traces", "metrics", "logs" */
const char *sink_drop_name(int reason);	/* "queue_full", ... */

/* Where the sink's log lines go (default: stderr, "rawtel: sink: ..."). */
void sink_set_log(void (*fn)(const char *line));

#endif
