/* Connections by id, bounded: at most max_conns records, least recently
 * fed first out. A connection found not to be HTTP/1 (or that left it)
 * keeps only its record, so its later syscalls cost a lookup; the
 * parser state (a struct http1_conn) exists only for connections still
 * being parsed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/err.h"
#include "rawtel/http1.h"
#include "rawtel/idtab.h"

#define NIL UINT32_MAX
#define DEFAULT_MAX_CONNS 1024
#define DEFAULT_IDLE_NS (600ull * 1000000000ull)

struct rec {
	uint64_t id, last_ns;
	struct http1_conn *conn;	/* NULL: finished with */
	uint32_t prev, next;		/* LRU list (head: most recent) */
};

/* the index: a record by connection id */
struct slot {
	uint64_t id;
	uint32_t rec;
};

struct http1_table {
	const struct http1_opts *o;
	uint32_t max, count, parsing;
	struct rec *recs;
	struct idtab index;		/* struct slot, at most max */
	uint32_t free_list;		/* through rec.next */
	uint32_t head, tail;
};

int http1_table_new(struct http1_table **out, const struct http1_opts *o)
{
	struct http1_table *t = calloc(1, sizeof(*t));

	if (!t)
		return err_set(ENOMEM, "HTTP connection table: out of memory");
	t->o = o;
	t->max = o && o->max_conns ? o->max_conns : DEFAULT_MAX_CONNS;
	if (t->max > (1u << 28))
		t->max = 1u << 28;
	t->recs = calloc(t->max, sizeof(*t->recs));
	/* at most half full: short probe runs */
	if (!t->recs || idtab_init(&t->index, sizeof(struct slot), 2 * t->max, t->max, false)) {
		uint32_t max = t->max;

		free(t->recs);
		idtab_free(&t->index);
		free(t);
		return err_set(ENOMEM, "HTTP connection table of %u: out of memory", max);
	}
	for (uint32_t i = 0; i < t->max; i++)
		t->recs[i].next = i + 1 < t->max ? i + 1 : NIL;
	t->free_list = 0;
	t->head = t->tail = NIL;
	*out = t;
	return 0;
}

static void lru_unlink(struct http1_table *t, uint32_t r)
{
	struct rec *e = &t->recs[r];

	if (e->prev != NIL)
		t->recs[e->prev].next = e->next;
	else
		t->head = e->next;
	if (e->next != NIL)
		t->recs[e->next].prev = e->prev;
	else
		t->tail = e->prev;
}

static void lru_front(struct http1_table *t, uint32_t r)
{
	struct rec *e = &t->recs[r];

	e->prev = NIL;
	e->next = t->head;
	if (t->head != NIL)
		t->recs[t->head].prev = r;
	t->head = r;
	if (t->tail == NIL)
		t->tail = r;
}

static void drop_conn(struct http1_table *t, struct rec *e, uint64_t ts, int close)
{
	if (!e->conn)
		return;
	if (close)
		http1_conn_close(e->conn, ts);
	free(e->conn);
	e->conn = NULL;
	t->parsing--;
}

static void remove_rec(struct http1_table *t, uint32_t r, uint64_t ts)
{
	struct rec *e = &t->recs[r];

	drop_conn(t, e, ts, 1);
	idtab_delete(&t->index, idtab_find(&t->index, e->id));
	lru_unlink(t, r);
	e->next = t->free_list;
	t->free_list = r;
	t->count--;
}

int http1_table_feed(struct http1_table *t, uint64_t id, enum http1_role role,
		     enum http1_dir dir, uint64_t ts, const void *data,
		     size_t cap, uint64_t total)
{
	struct slot *sl = idtab_find(&t->index, id);
	struct rec *e;
	uint32_t r;
	int ret;

	if (cap > total || (cap && !data))
		return err_set(EINVAL, "HTTP feed: %zu bytes captured of %llu", cap,
			       (unsigned long long)total);
	if (!sl) {
		struct http1_conn *c = malloc(sizeof(*c));

		if (!c)
			return err_set(ENOMEM, "HTTP connection %llu: out of memory",
				       (unsigned long long)id);
		if (t->count == t->max) {
			if (t->o && t->o->stats)
				t->o->stats->evicted++;
			remove_rec(t, t->tail, ts);
		}
		r = t->free_list;
		e = &t->recs[r];
		t->free_list = e->next;
		memset(e, 0, sizeof(*e));
		e->id = id;
		e->conn = c;
		http1_conn_init(c, id, role, t->o);
		/* never refused: count < max, and the index holds count */
		sl = idtab_insert(&t->index, id, NULL);
		sl->rec = r;
		lru_front(t, r);
		t->count++;
		t->parsing++;
	} else {
		r = sl->rec;
		e = &t->recs[r];
		lru_unlink(t, r);
		lru_front(t, r);
	}
	if (ts > e->last_ns)
		e->last_ns = ts;
	if (!e->conn)
		return HTTP1_DONE;
	ret = http1_conn_feed(e->conn, dir, ts, data, cap, total);
	if (ret == HTTP1_DONE)
		drop_conn(t, e, ts, 0);
	return ret;
}

void http1_table_close(struct http1_table *t, uint64_t id, uint64_t ts)
{
	struct slot *sl = idtab_find(&t->index, id);

	if (sl)
		remove_rec(t, sl->rec, ts);
}

void http1_table_tick(struct http1_table *t, uint64_t now)
{
	uint64_t idle = t->o && t->o->idle_ns ? t->o->idle_ns : DEFAULT_IDLE_NS;

	while (t->tail != NIL) {
		struct rec *e = &t->recs[t->tail];

		if (now < e->last_ns || now - e->last_ns < idle)
			break;
		remove_rec(t, t->tail, now);
	}
	for (uint32_t r = t->head; r != NIL; r = t->recs[r].next)
		if (t->recs[r].conn)
			http1_conn_tick(t->recs[r].conn, now);
}

void http1_table_count(const struct http1_table *t, size_t *all, size_t *parsing)
{
	if (all)
		*all = t->count;
	if (parsing)
		*parsing = t->parsing;
}

void http1_table_free(struct http1_table *t, uint64_t now)
{
	if (!t)
		return;
	while (t->tail != NIL)
		remove_rec(t, t->tail, now);
	free(t->recs);
	idtab_free(&t->index);
	free(t);
}
