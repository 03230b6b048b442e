/* HPACK (RFC 7541) header block decoding, for HTTP/2 seen from outside
 * the process (user/proto/hpack_*.c). One decoder per direction of a
 * connection; it owns that direction's dynamic table.
 *
 * Seen from outside, part of what the peer's encoder did may be unknown:
 * rawtel joined the connection late (the table already held entries), or
 * a gap hid part of a header block (entries were added that were never
 * seen). Index k of the dynamic table is always the k-th newest entry
 * added, so the entries added since the loss keep their meaning whatever
 * was evicted: the decoder follows them (with their sizes), and knows
 * whether entries it does not follow may lie beyond them. A reference
 * into that unknown part decodes as an unknown field (HPACK_F_UNKNOWN,
 * counted), never as another entry's name. Eviction is exact while the
 * table size is known; otherwise entries past the bound kept are dropped
 * into the unknown part. A table emptied (size update to 0, or an entry
 * larger than the table), or filled by followed entries so that no
 * unknown one can remain, is known again.
 *
 * Privacy: values of never-indexed fields and of authorization, proxy-
 * authorization, cookie and set-cookie are never stored, not in the table
 * and not passed on (HPACK_F_HIDDEN, value empty).
 *
 * Bounds: a fixed-size struct, no allocation; at most HPACK_SIZE_CAP bytes
 * of entries are followed (of a larger table, the oldest entries are
 * unknown). Work is linear in the block's bytes. */
#ifndef RAWTEL_HPACK_H
#define RAWTEL_HPACK_H

#include <stddef.h>
#include <stdint.h>

#define HPACK_SIZE_DEFAULT 4096	/* SETTINGS_HEADER_TABLE_SIZE's initial value */
#define HPACK_SIZE_CAP 8192	/* largest table size followed */
#define HPACK_ENTRIES (HPACK_SIZE_CAP / 32)	/* an entry is >= 32 bytes */
#define HPACK_NAME_MAX 128	/* longer names are not kept (unknown) */
#define HPACK_VALUE_MAX 1024	/* longer values are passed on cut */
#define HPACK_STATIC_N 61

/* struct hpack_field.flags */
#define HPACK_F_UNKNOWN (1u << 0)	/* reference into the unknown part of
					 * the table (or a name too long to
					 * keep): name and value empty */
#define HPACK_F_HIDDEN (1u << 1)	/* value withheld: never-indexed or a
					 * credential; value empty */
#define HPACK_F_CUT (1u << 2)		/* value longer than passed (vlen) */
#define HPACK_F_NEVER (1u << 3)		/* literal never indexed */
#define HPACK_F_INDEXED (1u << 4)	/* added to the dynamic table */

struct hpack_field {
	const char *name, *value;	/* not NUL-terminated */
	size_t nlen, vlen;		/* bytes passed */
	size_t vlen_wire;		/* the value's whole decoded length */
	unsigned flags;
};

/* Called for each field of a block, in order; valid during the call. */
typedef void (*hpack_field_fn)(void *arg, const struct hpack_field *f);

struct hpack_entry {
	uint32_t size;		/* RFC 7541 4.1: name + value + 32 */
	uint32_t off;		/* of its kept bytes in the ring */
	uint16_t nlen, vlen;	/* kept bytes: name, then value */
	uint8_t flags;		/* HPACK_E_* (hpack_table.c) */
};

struct hpack_dec {
	uint32_t size;		/* current maximum (size updates) */
	uint32_t limit;		/* SETTINGS_HEADER_TABLE_SIZE acknowledged */
	uint32_t used;		/* sum of the known entries' sizes */
	uint16_t first, n;	/* ring of entries, newest at first */
	uint8_t tail_unknown;	/* entries not followed may be in the table */
	uint8_t size_known;	/* size is the encoder's (not lost since
				 * the last size update) */
	uint32_t head, bytes;	/* byte ring: next write, bytes kept */
	uint64_t unknown;	/* fields decoded as unknown (monotonic) */
	uint64_t blocks;	/* header blocks decoded (monotonic) */
	struct hpack_entry e[HPACK_ENTRIES];
	uint8_t ring[HPACK_SIZE_CAP];
};

/* A decoder for a connection's start: empty table of the default size. */
void hpack_init(struct hpack_dec *d);
/* Lost: part of what the encoder did was not seen (joined late, a gap in
 * a header block, a malformed block): every entry now unknown. */
void hpack_lose(struct hpack_dec *d);
/* SETTINGS_HEADER_TABLE_SIZE acknowledged by this decoder's side: the
 * bound of later size updates (the size itself changes only by them). */
void hpack_set_limit(struct hpack_dec *d, uint32_t limit);
/* Decode one whole header block. 0, or -EINVAL when it is malformed (the
 * fields before the fault were passed on; the table is then lost). */
int hpack_decode(struct hpack_dec *d, const uint8_t *p, size_t n, hpack_field_fn fn,
		 void *arg);
/* RFC 7541 5.1 integer with an n-bit prefix at p[0..len): its value in *v
 * and its length in bytes, 0 when incomplete, -EINVAL when over 2^32. */
int hpack_int(const uint8_t *p, size_t len, unsigned prefix, uint32_t *v);
/* Huffman-decode in[0..n) (RFC 7541 5.2, Appendix B): up to `cap` bytes
 * into out; returns the whole decoded length, or -EINVAL (EOS inside,
 * padding over 7 bits or not all ones). out may be NULL to count. */
long hpack_huff_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);

#endif
