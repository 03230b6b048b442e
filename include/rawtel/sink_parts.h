/* The OTLP sink's parts (user/sink/), declared here so unit tests can
 * reach them: retry backoff, collector response decoding, the memory
 * queue, the on-disk spool, the files writer and rate-limited logging. */
#ifndef RAWTEL_SINK_PARTS_H
#define RAWTEL_SINK_PARTS_H

#include <stddef.h>
#include <stdint.h>

#include "rawtel/sink.h"

/* ---- backoff.c ---------------------------------------------------------- */
/* Delay before retry number `attempt` (0-based): the exponential step
 * min(max, initial * 2^attempt), less up to half of it at random ("equal
 * jitter": never below half the step, so retries still spread out). */
uint64_t backoff_delay_ms(uint32_t attempt, uint32_t initial_ms, uint32_t max_ms,
			  uint32_t rnd);
/* A 32-bit pseudo-random number for jitter (xorshift, seeded once). */
uint32_t backoff_rand(void);

/* ---- rpc.c: collector responses, protobuf or JSON ----------------------- */
/* google.rpc.Status.message of an error response body into msg (printable
 * ASCII, truncated to cap); 0 when found, -EBADMSG when malformed, -ENOENT
 * when absent. */
int rpc_status_message(const uint8_t *body, size_t len, int json, char *msg,
		       size_t cap);
/* Export*ServiceResponse.partial_success: 1 and its rejected count and
 * error_message when present, 0 when absent, -EBADMSG when malformed. */
int rpc_partial_success(const uint8_t *body, size_t len, int json, int sig,
			int64_t *rejected, char *msg, size_t cap);

/* ---- queue.c: bounded FIFO of request bodies in memory ----------------- */
struct sink_req {
	uint64_t seq;		/* order of submission, per signal */
	uint32_t len;
	/* the spans, log records or data points in it (0: not known, as
	 * after the spool), added to dropped_items when it is dropped */
	uint32_t items;
	uint8_t proto;		/* enum sink_proto */
	uint8_t enc;		/* enum sink_comp: the body as sent */
	/* in mem: at its start, or where a body written in place ends up
	 * (sink_submit_req); one block, freed with free() */
	uint8_t *body;
	uint8_t mem[];
};

struct sink_queue {
	struct sink_req **ring;
	uint32_t head, count, cap;
	uint64_t bytes;
};

int queue_init(struct sink_queue *q, uint32_t cap);
void queue_free(struct sink_queue *q);
/* Append (the queue takes ownership); -ENOSPC when `cap` requests are in. */
int queue_push(struct sink_queue *q, struct sink_req *r);
struct sink_req *queue_pop(struct sink_queue *q);	/* oldest or NULL */
struct sink_req *queue_peek(const struct sink_queue *q);
/* A request with a copy of body; NULL when out of memory. */
struct sink_req *sink_req_new(uint64_t seq, const void *body, size_t len, int proto);
/* A request with room for cap bytes at mem, its body there (len 0);
 * NULL when out of memory or cap is over SINK_BODY_MAX. */
struct sink_req *sink_req_alloc(size_t cap);

/* ---- spool.c: on-disk FIFO per signal ----------------------------------- */
/* Files "<signal>-<seq, 16 hex digits>.req" (0600), written to a temporary
 * name, fsync'd and renamed, so a crash leaves either a whole file or a
 * temporary one that the next start deletes. */
struct spool_item {
	uint64_t seq;
	uint64_t bytes;		/* file size */
};

struct spool_sig {
	struct spool_item *ring;
	uint32_t head, count;
	uint64_t bytes;
};

struct spool {
	int dirfd;
	uint64_t max_bytes;	/* per signal */
	uint32_t max_files;	/* per signal */
	uint64_t next_seq[SINK_NSIG];	/* past every file found at open */
	struct spool_sig sig[SINK_NSIG];
	uint64_t bad_files;	/* unreadable or torn files removed */
	uint64_t dropped[SINK_NSIG];	/* files removed to stay in bounds */
};

/* Open (creating it 0700) and index the spool directory. */
int spool_open(struct spool *sp, const char *dir, uint64_t max_bytes,
	       uint32_t max_files);
void spool_close(struct spool *sp);
/* Store one request; the oldest files go (counted in dropped[]) to keep
 * the bounds. Items may come in any order: the index stays sorted by seq.
 * -EFBIG when the request alone is over the byte bound. */
int spool_put(struct spool *sp, int sig, uint64_t seq, const void *body,
	      size_t len, int proto);
/* The same for a queued request, its encoding kept (a gzip body stays so). */
int spool_put_req(struct spool *sp, int sig, const struct sink_req *r);
/* fsync the directory so renames survive a crash. */
int spool_sync(struct spool *sp);
/* The oldest item of `sig`, or NULL. */
const struct spool_item *spool_head(const struct spool *sp, int sig);
/* Read the file of `seq` into a new sink_req. -ENOENT, -EBADMSG (then the
 * file is removed and counted in bad_files). */
int spool_load(struct spool *sp, int sig, uint64_t seq, struct sink_req **out);
/* Remove the file of `seq` when it is still the oldest. */
void spool_remove(struct spool *sp, int sig, uint64_t seq);

/* ---- files.c: the files sink -------------------------------------------- */
struct files_out {
	int fd;
	uint64_t size;		/* bytes in the file, flushed or not */
	uint8_t *buf;		/* write buffer */
	size_t buf_len;
	uint64_t records;
};

struct files {
	int dirfd;
	int format;		/* enum sink_proto */
	uint64_t rotate_bytes;
	uint32_t rotate_keep;
	uint64_t rotations;
	struct files_out out[SINK_NSIG];
};

/* Open DIR/<signal>.jsonl (or .pb) for append, cutting away a torn last
 * record a crash left (logged: which file and how many bytes). */
int files_open(struct files *f, const char *dir, int format, uint64_t rotate_bytes,
	       uint32_t rotate_keep);
/* Append one request: a JSON line, or a 4-byte big-endian length and the
 * protobuf bytes. Buffered; rotates when the file would pass rotate_bytes. */
int files_write(struct files *f, int sig, const void *body, size_t len, int proto);
/* Write the buffers out; with `sync`, fsync the files too. */
int files_flush(struct files *f, int sync);
void files_close(struct files *f);

/* ---- log.c -------------------------------------------------------------- */
void sink_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Log unless this limiter logged less than interval_ms ago; the next line
 * that gets through says how many were suppressed meanwhile. */
struct sink_loglim {
	uint64_t last;		/* loop_now_ms() of the last line, 0: never */
	uint64_t suppressed;
};
enum { SINK_LOGK_REJECTED, SINK_LOGK_PARTIAL, SINK_LOGK_RETRY, SINK_LOGK_DOWN,
       SINK_LOGK_SPOOL, SINK_LOGK_DROP, SINK_LOGK_N };
void sink_log_limited(struct sink_loglim *lim, uint32_t interval_ms, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
