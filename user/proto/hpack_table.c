/* The HPACK dynamic table as seen from outside (RFC 7541 2.3.2, 4). Every
 * entry followed keeps its size, so eviction is exact; its bytes are kept
 * in a byte ring in insertion order (a FIFO, like the entries). Entries
 * not followed (joined late, lost in a gap) are older than every followed
 * one, so they are evicted first and never change which followed entries
 * stay: the followed entries are the newest ones, and indices past them
 * are unknown while tail_unknown says unfollowed entries may remain. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "hpack_int.h"

void hpack_init(struct hpack_dec *d)
{
	memset(d, 0, offsetof(struct hpack_dec, e));
	d->size = d->limit = HPACK_SIZE_DEFAULT;
	d->size_known = 1;
}

void hpack_lose(struct hpack_dec *d)
{
	d->n = 0;
	d->used = 0;
	d->bytes = 0;
	d->tail_unknown = 1;
	d->size_known = 0;	/* a size update may have been missed */
}

void hpack_set_limit(struct hpack_dec *d, uint32_t limit)
{
	d->limit = limit;
}

int hpack_secret_name(const char *name, size_t n)
{
	/* by length first: one compare at most per field */
	const char *want = n == 13 ? "authorization" : n == 19 ? "proxy-authorization" :
			   n == 6 ? "cookie" : n == 10 ? "set-cookie" : NULL;

	return want && !strncasecmp(want, name, n);
}

static struct hpack_entry *ent(struct hpack_dec *d, unsigned k)
{
	return &d->e[(d->first + k) % HPACK_ENTRIES];
}

/* The size is the encoder's and within what is followed. */
static int exact(const struct hpack_dec *d)
{
	return d->size_known && d->size <= HPACK_SIZE_CAP;
}

/* Drop the oldest entries until `room` more bytes fit: those the encoder
 * evicts, or, when that is not known, those past what is kept (they may
 * still be in the table: unknown now). */
static void evict(struct hpack_dec *d, uint32_t room)
{
	uint32_t bound = exact(d) ? d->size : HPACK_SIZE_CAP;

	while (d->n && d->used + room > bound) {
		struct hpack_entry *o = ent(d, d->n - 1u);

		d->used -= o->size;
		d->bytes -= (uint32_t)o->nlen + o->vlen;
		d->n--;
		if (!exact(d))
			d->tail_unknown = 1;
	}
}

/* No unfollowed entry (each at least 32 bytes) can be left. */
static void check_tail(struct hpack_dec *d)
{
	if (d->tail_unknown && exact(d) && d->used + 32 > d->size)
		d->tail_unknown = 0;
}

void hpack_resize(struct hpack_dec *d, uint32_t size)
{
	d->size = size;
	d->size_known = 1;
	evict(d, 0);
	if (size == 0)
		d->tail_unknown = 0;
	check_tail(d);
}

/* The byte ring in at most two pieces (it wraps at most once) */
static void ring_put(struct hpack_dec *d, const char *s, size_t n)
{
	size_t k = HPACK_SIZE_CAP - d->head < n ? HPACK_SIZE_CAP - d->head : n;

	memcpy(d->ring + d->head, s, k);
	memcpy(d->ring, s + k, n - k);
	d->head = (uint32_t)((d->head + n) % HPACK_SIZE_CAP);
}

static void ring_get(const struct hpack_dec *d, uint32_t off, char *out, size_t n)
{
	size_t k;

	off %= HPACK_SIZE_CAP;
	k = HPACK_SIZE_CAP - off < n ? HPACK_SIZE_CAP - off : n;
	memcpy(out, d->ring + off, k);
	memcpy(out + k, d->ring, n - k);
}

void hpack_add(struct hpack_dec *d, const struct hpack_field *f, unsigned keep)
{
	uint64_t size = (uint64_t)f->nlen + f->vlen_wire + 32;
	struct hpack_entry *e;

	if (d->size_known && size > d->size) {
		/* RFC 7541 4.4: the table empties (the unfollowed entries
		 * too), nothing is added */
		d->n = 0;
		d->used = d->bytes = 0;
		d->tail_unknown = 0;
		return;
	}
	if (size > HPACK_SIZE_CAP) {
		hpack_lose(d);	/* too large to follow */
		return;
	}
	evict(d, (uint32_t)size);
	if (d->n == HPACK_ENTRIES) {
		hpack_lose(d);
		return;
	}
	d->first = (uint16_t)((d->first + HPACK_ENTRIES - 1) % HPACK_ENTRIES);
	d->n++;
	e = ent(d, 0);
	e->size = (uint32_t)size;
	e->off = d->head;
	e->flags = (uint8_t)keep;
	e->nlen = (keep & HPACK_E_NAME) ? (uint16_t)f->nlen : 0;
	e->vlen = (keep & HPACK_E_VALUE) ? (uint16_t)f->vlen : 0;
	ring_put(d, f->name, e->nlen);
	ring_put(d, f->value, e->vlen);
	d->bytes += (uint32_t)e->nlen + e->vlen;
	d->used += e->size;
	check_tail(d);
}

int hpack_lookup(const struct hpack_dec *d, uint32_t idx, struct hpack_got *g)
{
	const struct hpack_entry *e;

	/* field by field: a memset of the struct costs more here */
	g->f.name = g->f.value = "";
	g->f.nlen = g->f.vlen = g->f.vlen_wire = 0;
	g->f.flags = 0;
	if (idx == 0)
		return -EINVAL;
	if (idx <= HPACK_STATIC_N)
		return hpack_static_get(idx, &g->f);
	idx -= HPACK_STATIC_N + 1;
	if (idx >= d->n) {
		if (!d->tail_unknown)
			return -EINVAL;
		g->f.flags = HPACK_F_UNKNOWN;
		return 1;
	}
	e = &d->e[(d->first + idx) % HPACK_ENTRIES];
	if (!(e->flags & HPACK_E_NAME)) {
		g->f.flags = HPACK_F_UNKNOWN;
		return 1;
	}
	if (e->off + e->nlen + e->vlen <= HPACK_SIZE_CAP) {
		/* where it lies (the usual case): not copied */
		g->f.name = (const char *)d->ring + e->off;
		g->f.value = g->f.name + e->nlen;
	} else {
		ring_get(d, e->off, g->name, e->nlen);
		ring_get(d, e->off + e->nlen, g->value, e->vlen);
		g->f.name = g->name;
		g->f.value = g->value;
	}
	g->f.nlen = e->nlen;
	g->f.vlen = e->vlen;
	g->f.vlen_wire = e->size - 32u - e->nlen;
	if (e->flags & HPACK_E_HIDDEN)
		g->f.flags |= HPACK_F_HIDDEN;
	if (e->flags & HPACK_E_CUT)
		g->f.flags |= HPACK_F_CUT;
	return 0;
}
