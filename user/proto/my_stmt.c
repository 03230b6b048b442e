/* Prepared statements of one connection by id (the server's, from
 * COM_STMT_PREPARE_OK): their text, so that COM_STMT_EXECUTE can report
 * it. A bounded table: when full, the statement used longest ago goes;
 * COM_STMT_CLOSE frees its entry. */
#include <string.h>

#include "my_int.h"

static struct my_stmt *find(struct my_conn *c, uint32_t id)
{
	for (size_t i = 0; i < MY_STMTS; i++)
		if (c->stmts[i].used && c->stmts[i].id == id)
			return &c->stmts[i];
	return NULL;
}

void my_stmt_put(struct my_conn *c, uint32_t id, const struct db_exchange *x)
{
	struct my_stmt *st = find(c, id), *old = &c->stmts[0];

	for (size_t i = 0; !st && i < MY_STMTS; i++) {
		if (!c->stmts[i].used)
			st = &c->stmts[i];
		else if (c->stmts[i].age < old->age)
			old = &c->stmts[i];
	}
	if (!st)
		st = old;
	c->last_stmt = id + 1;
	st->id = id;
	st->used = 1;
	st->age = ++c->stmt_age;
	st->trunc = (x->flags & DB_X_TRUNC) != 0;
	memcpy(st->text, x->text, sizeof(st->text));
}

const struct my_stmt *my_stmt_get(struct my_conn *c, uint32_t id)
{
	struct my_stmt *st = find(c, id);

	if (st)
		st->age = ++c->stmt_age;
	return st;
}

void my_stmt_drop(struct my_conn *c, uint32_t id)
{
	struct my_stmt *st = find(c, id);

	if (st)
		st->used = 0;
}
