/* Batch internals shared by the encoders and decoders in user/otlp/. */
#ifndef RAWTEL_OTLP_BATCH_INT_H
#define RAWTEL_OTLP_BATCH_INT_H

#include "rawtel/otlp.h"

struct otlp_item {
	struct otlp_item *next, *prev;
	/* otlp_batch_add_span_pb: the Span message's bytes, what the encoder
	 * sends; u.span is only made from them (decoded) by otlp_batch_walk
	 * (`viewed`). NULL for every other item. */
	const uint8_t *pb;
	uint32_t pb_len;
	uint8_t viewed;
	union {
		struct otlp_span span;
		struct otlp_log log;
		struct otlp_metric metric;
	} u;
};

struct otlp_scope_rec {
	struct otlp_scope scope;
	struct otlp_item *head, *tail;
	uint32_t n_items;
	int res;		/* owning resource */
	int next, prev;		/* scopes of the same resource, -1 at ends */
};

struct otlp_res_rec {
	struct otlp_resource res;
	int first_scope, last_scope;	/* -1: none */
	uint32_t n_items;
};

struct otlp_batch {
	enum otlp_signal sig;
	uint8_t *arena;
	size_t arena_cap, arena_used;
	struct otlp_res_rec *res;
	uint32_t n_res, max_res;
	struct otlp_scope_rec *scopes;
	uint32_t n_scopes, max_scopes;
	uint32_t n_items, gen;
	/* otlp_batch_set_store: where protobuf spans go instead of the
	 * arena, each after its field prefix, in arrival order, from
	 * store_head on (the room before is the request's head) */
	uint8_t *store;
	size_t store_cap, store_head, store_used;
	uint32_t store_items;
};

/* For the decoders, which build items in place: arena memory (NULL when
 * full), a string copied into the arena (0 or -ENOSPC; s is updated), and
 * linking a finished item under a valid scope handle. */
void *otlp_arena_alloc(struct otlp_batch *b, size_t n, size_t align);
int otlp_arena_str(struct otlp_batch *b, struct otlp_str *s);
void otlp_batch_link(struct otlp_batch *b, int scope, struct otlp_item *it);
/* An item decoded in place (from otlp_arena_alloc, zeroed) with result
 * ret: below 0 an error, returned; for metrics 0 is a type the model lacks
 * (counted in *skipped, not kept) and 1 kept; other items are kept. Kept:
 * linked under scope. 0 or ret. */
int otlp_batch_keep(struct otlp_batch *b, int scope, struct otlp_item *it, int ret,
		    int *skipped);

/* enc_span.c: a Span message for s at d, room bytes free: 0 and its
 * length; -ENOSPC when it does not fit, -EINVAL when s is not plain
 * (events, links, nested values, NULL with a length: the model's). */
int otlp_pb_span_put(uint8_t *d, size_t room, const struct otlp_span *s, size_t *len);
/* An item's u for readers of the model (walk, JSON): a span kept as
 * protobuf is decoded into the arena the first time. 0 or -errno. */
int otlp_item_view(const struct otlp_batch *b, const struct otlp_item *it);
/* dec_pb.c: a Span message (n bytes at p) into s, its strings and arrays
 * in b's arena. 0 or -errno. */
int otlp_pb_span_decode(struct otlp_batch *b, const uint8_t *p, size_t n, struct otlp_span *s);

#endif
