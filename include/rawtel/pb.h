/* A protobuf reader over untrusted bytes: every varint, length and nesting
 * level is bounds-checked; malformed input is -EBADMSG with a message that
 * says where. Nothing is allocated; fields point into the input. */
#ifndef RAWTEL_PB_H
#define RAWTEL_PB_H

#include <stddef.h>
#include <stdint.h>

#define PB_MAX_DEPTH 32		/* nested messages below the top one */

enum { PB_WT_VARINT = 0, PB_WT_I64 = 1, PB_WT_LEN = 2, PB_WT_I32 = 5 };

struct pb_reader {
	const uint8_t *p, *end;
	const uint8_t *base;	/* start of the top-level message, for offsets */
	unsigned depth;
};

struct pb_field {
	uint32_t num;
	uint32_t wt;		/* PB_WT_* */
	uint64_t u;		/* VARINT, I64, I32 values */
	const uint8_t *data;	/* LEN: the bytes */
	size_t len;
};

void pb_init(struct pb_reader *r, const void *p, size_t n);
/* Next field: 1, 0 at the end, -EBADMSG (bad varint, length past the end,
 * field number 0 or > 2^29-1, group or unknown wire type). */
int pb_next(struct pb_reader *r, struct pb_field *f);
/* A reader over LEN field f (a nested message); -EBADMSG when f is not
 * length-delimited or nesting passes PB_MAX_DEPTH. */
int pb_enter(const struct pb_reader *r, const struct pb_field *f,
	     struct pb_reader *sub);
/* How many fields numbered `num` the message at r holds (r unchanged). */
int pb_count(const struct pb_reader *r, uint32_t num, uint32_t *count);
/* Byte offset of the reader's position in the top-level message. */
size_t pb_offset(const struct pb_reader *r);
/* Record "malformed protobuf at byte N: what" and return -EBADMSG. */
int pb_bad(const struct pb_reader *r, const char *what);

#endif
