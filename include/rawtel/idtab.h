/* Things by id: an open-addressing hash table of fixed-size entries, each
 * starting with its uint64_t key (user/util/idtab.c). Linear probing over a
 * power-of-two number of slots; deleting shifts the rest of the run back,
 * so there are no tombstones and a lookup stops at the first free slot.
 * Key 0 is allowed (kept in a slot of its own: 0 marks free slots).
 *
 * A growing table doubles before it is more than half full; a fixed one
 * keeps its slots and refuses an insert past `max` entries, counting it in
 * `refused`. Pointers to entries are valid until the next insert (which may
 * grow the table) or delete (which may move entries). */
#ifndef RAWTEL_IDTAB_H
#define RAWTEL_IDTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define IDTAB_FIRST_SLOTS 16

struct idtab {
	unsigned char *slots;	/* mask + 2 entries: the last one is key 0's */
	uint32_t esize, mask;
	uint32_t n;		/* entries held */
	uint32_t max;		/* at most this many (fixed tables) */
	bool grow, has_zero;
	uint64_t refused;	/* inserts refused: full, or out of memory */
};

/* An empty table of entries of esize bytes (at least 8: the key). slots is
 * rounded up to a power of two (at least 2). grow: double when more than
 * half full, max unused; slots 0 then allocates nothing until the first
 * insert (IDTAB_FIRST_SLOTS). Else at most max entries (below slots).
 * 0 or -ENOMEM. */
int idtab_init(struct idtab *t, size_t esize, uint32_t slots, uint32_t max, bool grow);
void idtab_free(struct idtab *t);

/* The slot key's probe run starts at: the finalizer of MurmurHash3, so
 * sequential ids (pids, fds, counters) spread over the whole table. */
static inline uint32_t idtab_home(const struct idtab *t, uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (uint32_t)key & t->mask;
}

/* The entry of key, or NULL. Inline: the lookup is on the per-record path
 * of the HTTP probe. */
static inline void *idtab_find(const struct idtab *t, uint64_t key)
{
	uint64_t k;

	if (!key)
		return t->has_zero ? t->slots + ((size_t)t->mask + 1) * t->esize : NULL;
	if (!t->slots)
		return NULL;
	for (uint32_t i = idtab_home(t, key);; i = (i + 1) & t->mask) {
		unsigned char *e = t->slots + (size_t)i * t->esize;

		memcpy(&k, e, sizeof(k));
		if (k == key)
			return e;
		if (!k)
			return NULL;
	}
}
/* The entry of key, added when absent (zeroed, but for the key; *added
 * says so when added is not NULL); NULL when it is full or out of memory. */
void *idtab_insert(struct idtab *t, uint64_t key, bool *added);
/* Remove an entry (a pointer from idtab_find, idtab_insert or idtab_next). */
void idtab_delete(struct idtab *t, void *entry);
/* The entry after prev in slot order (NULL: the first), or NULL at the end;
 * not across inserts or deletes. */
void *idtab_next(const struct idtab *t, const void *prev);

#endif
