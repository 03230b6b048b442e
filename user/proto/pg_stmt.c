/* Prepared statements and portals of one PostgreSQL connection: a
 * statement's name -> its text (Parse), a portal -> its statement (Bind),
 * bounded tables where the least recently used named statement makes
 * room, the unnamed statement and portal each in a slot of their own. */
#include <string.h>

#include "pg_int.h"

int pg_copy(char *dst, size_t size, const uint8_t *src, size_t n)
{
	size_t k = n < size - 1 ? n : size - 1;

	for (size_t i = 0; i < k; i++)
		dst[i] = src[i] >= 0x20 && src[i] <= 0x7e ? (char)src[i] : '?';
	dst[k] = 0;
	return k < n;
}

int pg_stmt_find(struct pg_conn *c, const char *name)
{
	if (!name[0])
		return c->st[0].used ? 0 : -1;
	for (int i = 1; i < PG_STMTS; i++)
		if (c->st[i].used && !strcmp(c->st[i].name, name)) {
			c->st[i].lru = ++c->lru;
			return i;
		}
	return -1;
}

static int stmt_slot(struct pg_conn *c, const char *name)
{
	int i = pg_stmt_find(c, name), old = 1;

	if (i >= 0 || !name[0])
		return i >= 0 ? i : 0;
	for (i = 1; i < PG_STMTS; i++) {
		if (!c->st[i].used)
			return i;
		if (c->st[i].lru < c->st[old].lru)
			old = i;
	}
	return old;
}

int pg_stmt_define(struct pg_conn *c, const char *name, const uint8_t *text, size_t n,
		   int cut)
{
	int i = stmt_slot(c, name);
	struct pg_stmt *s = &c->st[i];

	s->used = 1;
	s->gen++;
	s->lru = ++c->lru;
	memcpy(s->name, name, sizeof(s->name));
	s->name[sizeof(s->name) - 1] = 0;
	s->trunc = (uint8_t)(pg_copy(s->text, sizeof(s->text), text, n) | !!cut);
	return i;
}

void pg_stmt_drop(struct pg_conn *c, int slot, uint16_t gen)
{
	if (slot >= 0 && slot < PG_STMTS && c->st[slot].gen == gen)
		c->st[slot].used = 0;
}

struct pg_portal *pg_portal_find(struct pg_conn *c, const char *portal)
{
	if (!portal[0])
		return c->po[0].used ? &c->po[0] : NULL;
	for (int i = 1; i < PG_PORTALS; i++)
		if (c->po[i].used && !strcmp(c->po[i].name, portal))
			return &c->po[i];
	return NULL;
}

void pg_portal_bind(struct pg_conn *c, const char *portal, const char *stmt, int known)
{
	struct pg_portal *p = pg_portal_find(c, portal);
	int s;

	if (!p && portal[0]) {
		/* a free slot, else the one after the last taken */
		int i = 1;

		while (i < PG_PORTALS && c->po[i].used)
			i++;
		if (i == PG_PORTALS)
			i = 1 + (int)(c->lru % (PG_PORTALS - 1));
		p = &c->po[i];
	}
	if (!p)
		p = &c->po[0];
	p->used = 1;
	memcpy(p->name, portal, sizeof(p->name));
	memcpy(p->stmt, stmt, sizeof(p->stmt));
	p->name[sizeof(p->name) - 1] = p->stmt[sizeof(p->stmt) - 1] = 0;
	s = known ? pg_stmt_find(c, stmt) : -1;
	p->slot = s < 0 ? PG_NO_SLOT : (uint8_t)s;
	p->gen = s < 0 ? 0 : c->st[s].gen;
}

void pg_portal_close(struct pg_conn *c, const char *portal)
{
	struct pg_portal *p = pg_portal_find(c, portal);

	if (p)
		p->used = 0;
}

/* Names of which only a prefix was seen: every entry it may be goes. */
void pg_stmt_forget(struct pg_conn *c, const char *prefix)
{
	size_t n = strlen(prefix);

	for (int i = 0; i < PG_STMTS; i++)
		if (!strncmp(c->st[i].name, prefix, n))
			c->st[i].used = 0;
}

void pg_portal_forget(struct pg_conn *c, const char *prefix)
{
	size_t n = strlen(prefix);

	for (int i = 0; i < PG_PORTALS; i++)
		if (!strncmp(c->po[i].name, prefix, n))
			c->po[i].used = 0;
}
