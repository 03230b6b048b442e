/* The entry-point logic the line-oriented cache protocols share (Redis,
 * Memcached: user/proto/redis_feed.c, memcache_feed.c): checking a
 * syscall, choosing its direction, finding a message start while a
 * side's framing is unknown, giving up on a connection that shows none,
 * and the gap after the captured bytes.
 *
 * Resynchronisation: the command side at the next syscall that starts a
 * command; the reply side, once pairing was lost (or before anything was
 * seen), only after a command was seen following the loss, at a syscall
 * that starts a reply: a client reads the replies it waits for before it
 * writes again. A client that writes while replies to commands rawtel
 * did not see are still arriving (asynchronous pipelining over a gap)
 * would get those replies paired with its new commands; a reply syscall
 * that does not start a reply after the new command proves that case and
 * gives up the pairing again. */
#ifndef RAWTEL_LPF_H
#define RAWTEL_LPF_H

#include <stddef.h>
#include <stdint.h>

#include "rawtel/proto.h"

#define LPF_MISSES 8		/* garbage syscalls before any message: give up */
#define LPF_MAX_WAIT_NS (120ull * 1000000000ull)	/* proto_opts.max_wait_ns unset */

/* the side states both parsers begin their own enums with */
enum { LPF_SEEK, LPF_IDLE };

/* The connection state the shared logic reads and writes; the parser's
 * connection holds it as `lp`. */
struct lpf_conn {
	uint8_t role;		/* enum proto_role */
	uint8_t done;
	uint8_t seen;		/* a valid message was seen */
	uint8_t misses;		/* syscalls without one before that */
	uint8_t wait_req;	/* replies are not paired: 1 until a command
				 * comes after the loss, 2 then */
};

/* One side's framing as the shared logic sees it. */
struct lpf_side {
	uint8_t *state;		/* LPF_SEEK, LPF_IDLE or the parser's own */
	uint8_t synced;		/* framing was known once */
};

/* One direction's parser (the commands', the replies'); `c` is the
 * parser's connection. */
struct lpf_dir {
	/* bytes taken (fewer only when the framing broke); d is this */
	size_t (*parse)(void *c, const struct lpf_dir *d, const uint8_t *p, size_t n, uint64_t ts);
	/* `gap` bytes after the captured ones were not seen */
	void (*gap)(void *c, uint64_t gap, uint64_t ts);
	/* does a syscall's data start a message? strict: surely (a
	 * resynchronisation) */
	int (*starts)(const uint8_t *p, size_t n, int strict);
	const void *arg;	/* the parser's own description of the direction */
};

/* What a parser supplies; `c` is its connection, `req` picks the command
 * side (1) or the reply side (0). */
struct lpf_ops {
	const char *name;	/* in error messages */
	uint8_t dead;		/* the parser's dead side state */
	/* not this protocol before anything was seen (TLS, a binary one) */
	int (*alien)(const uint8_t *p, size_t cap);
	struct lpf_conn *(*lp)(void *c);
	struct lpf_side (*side)(void *c, int req);
	void (*stat)(const void *c, size_t off, uint64_t n);
	/* the command side's parser, the reply side's */
	const struct lpf_dir *req, *resp;
	/* replies to commands not seen still come: report the waiting ones */
	void (*unpair)(void *c);
};

/* proto_parser.feed for such a parser. */
int lpf_feed(void *c, const struct lpf_ops *ops, enum proto_dir dir, uint64_t ts,
	     const void *data, size_t cap, uint64_t total);
/* Both sides dead and nothing more parsed (the close, giving up). */
void lpf_stop(void *c, const struct lpf_ops *ops);
/* 1 when a syscall in direction dir carries commands. */
int lpf_is_req(enum proto_role role, enum proto_dir dir);
/* proto_opts.max_wait_ns or its default. */
uint64_t lpf_max_wait(const struct proto_opts *o);

#endif
