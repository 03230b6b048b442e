/* Things by id (see include/rawtel/idtab.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/idtab.h"

static unsigned char *slot(const struct idtab *t, uint32_t i)
{
	return t->slots + (size_t)i * t->esize;
}

static uint64_t key_at(const struct idtab *t, uint32_t i)
{
	uint64_t k;

	memcpy(&k, slot(t, i), sizeof(k));
	return k;
}

/* key 0's entry sits after the mask + 1 probed slots */
static unsigned char *zero_slot(const struct idtab *t)
{
	return slot(t, t->mask + 1);
}

static int alloc_slots(struct idtab *t, uint32_t n)
{
	t->slots = calloc((size_t)n + 1, t->esize);
	if (!t->slots)
		return -ENOMEM;
	t->mask = n - 1;
	return 0;
}

int idtab_init(struct idtab *t, size_t esize, uint32_t slots, uint32_t max, bool grow)
{
	uint32_t n = grow && !slots ? IDTAB_FIRST_SLOTS : 2;

	memset(t, 0, sizeof(*t));
	if (esize < sizeof(uint64_t) || esize > UINT32_MAX || slots > (1u << 31))
		return -EINVAL;
	while (n < slots)
		n <<= 1;
	t->esize = (uint32_t)esize;
	t->grow = grow;
	t->max = grow || max < n ? max : n - 1;
	if (grow && !slots) {	/* allocated by the first insert */
		t->mask = n - 1;
		return 0;
	}
	return alloc_slots(t, n);
}

void idtab_free(struct idtab *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* The free slot key's probe run reaches first (key not in the table). */
static unsigned char *free_slot(const struct idtab *t, uint64_t key)
{
	uint32_t i = idtab_home(t, key);

	while (key_at(t, i))
		i = (i + 1) & t->mask;
	return slot(t, i);
}

static int grow(struct idtab *t)
{
	struct idtab old = *t;

	if (t->mask >= (1u << 30) || alloc_slots(t, 2 * (old.mask + 1))) {
		*t = old;
		return -ENOMEM;
	}
	for (uint32_t i = 0; i <= old.mask; i++)
		if (key_at(&old, i))
			memcpy(free_slot(t, key_at(&old, i)), slot(&old, i), t->esize);
	memcpy(zero_slot(t), zero_slot(&old), t->esize);
	free(old.slots);
	return 0;
}

void *idtab_insert(struct idtab *t, uint64_t key, bool *added)
{
	unsigned char *e = idtab_find(t, key);

	if (added)
		*added = !e;
	if (e)
		return e;
	if (!t->slots && alloc_slots(t, t->mask + 1)) {
		t->refused++;
		return NULL;
	}
	if (t->grow ? 2 * ((uint64_t)t->n + 1) > (uint64_t)t->mask + 1 && grow(t) < 0
		    : t->n >= t->max) {
		t->refused++;
		return NULL;
	}
	if (key) {
		e = free_slot(t, key);
	} else {
		e = zero_slot(t);
		t->has_zero = true;
	}
	memset(e, 0, t->esize);
	memcpy(e, &key, sizeof(key));
	t->n++;
	return e;
}

void idtab_delete(struct idtab *t, void *entry)
{
	unsigned char *e = entry;
	uint32_t i, j;

	t->n--;
	if (e == zero_slot(t)) {
		t->has_zero = false;
		return;
	}
	i = j = (uint32_t)((size_t)(e - t->slots) / t->esize);
	for (;;) {
		uint32_t h;

		j = (j + 1) & t->mask;
		if (!key_at(t, j))
			break;
		h = idtab_home(t, key_at(t, j));
		/* j stays unless its home lies cyclically outside (i, j] */
		if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		memcpy(slot(t, i), slot(t, j), t->esize);
		i = j;
	}
	memset(slot(t, i), 0, sizeof(uint64_t));
}

void *idtab_next(const struct idtab *t, const void *prev)
{
	uint32_t i = 0;

	if (!t->slots)
		return NULL;
	if (!prev) {
		if (t->has_zero)
			return zero_slot(t);
	} else if ((const unsigned char *)prev != zero_slot(t)) {
		i = (uint32_t)((size_t)((const unsigned char *)prev - t->slots) / t->esize) + 1;
	}
	for (; i <= t->mask; i++)
		if (key_at(t, i))
			return slot(t, i);
	return NULL;
}
