/* Internals shared by user/proto/hpack_*.c. */
#ifndef RAWTEL_HPACK_INT_H
#define RAWTEL_HPACK_INT_H

#include "rawtel/hpack.h"

/* struct hpack_entry.flags */
#define HPACK_E_NAME 1		/* its name is kept */
#define HPACK_E_VALUE 2		/* its value is kept (maybe cut) */
#define HPACK_E_CUT 4		/* ... cut to vlen bytes */
#define HPACK_E_HIDDEN 8	/* a credential: value never kept */

/* An entry looked up: its bytes where they lie (the static table, the
 * ring), or copied out of the ring into name and value when they wrap
 * around its end. */
struct hpack_got {
	char name[HPACK_NAME_MAX];
	char value[HPACK_VALUE_MAX];
	struct hpack_field f;
};

/* Index 1.. of static then dynamic table into g: 0, 1 when the entry is
 * in the unknown part (g->f flagged HPACK_F_UNKNOWN), -EINVAL when no
 * entry can have this index. */
int hpack_lookup(const struct hpack_dec *d, uint32_t idx, struct hpack_got *g);
/* Add a field (RFC 7541 4.4); flags HPACK_E_* of what to keep of the
 * name/value passed (their lengths on the wire decide its size). */
void hpack_add(struct hpack_dec *d, const struct hpack_field *f, unsigned keep);
/* A dynamic table size update (RFC 7541 6.3). */
void hpack_resize(struct hpack_dec *d, uint32_t size);
/* Static table (RFC 7541 Appendix A) entry i (1..61) into f's name,
 * value and lengths (NUL-terminated); -1 for other indices. */
int hpack_static_get(unsigned i, struct hpack_field *f);
/* 1 for the names whose values are credentials. */
int hpack_secret_name(const char *name, size_t n);

#endif
