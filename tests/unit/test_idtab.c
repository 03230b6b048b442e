/* The open-addressing table of things by id: against a plain array as the
 * model, through collisions, wrap-around, backward-shift deletes, growth,
 * key 0, and a fixed table's bound. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "rawtel/idtab.h"
#include "t.h"

struct ent {
	uint64_t key;
	uint32_t val;
};

static void test_basic(void)
{
	struct idtab t;
	struct ent *e;
	bool added;

	T_EQ_INT(idtab_init(&t, sizeof(struct ent), 4, 0, true), 0);
	T_CHECK(!idtab_find(&t, 7));
	e = idtab_insert(&t, 7, &added);
	T_ASSERT(e && added);
	T_CHECK(e->key == 7 && e->val == 0);
	e->val = 70;
	e = idtab_insert(&t, 7, &added);
	T_ASSERT(e && !added);
	T_EQ_INT(e->val, 70);
	/* key 0 is a key like any other */
	T_CHECK(!idtab_find(&t, 0));
	e = idtab_insert(&t, 0, &added);
	T_ASSERT(e && added);
	e->val = 1;
	T_EQ_INT(t.n, 2);
	for (uint64_t k = 100; k < 140; k++)	/* grows from 4 slots */
		((struct ent *)idtab_insert(&t, k, NULL))->val = (uint32_t)k;
	T_EQ_INT(t.n, 42);
	T_CHECK(t.mask + 1 >= 2 * 42);
	T_EQ_INT(((struct ent *)idtab_find(&t, 0))->val, 1);
	T_EQ_INT(((struct ent *)idtab_find(&t, 7))->val, 70);
	T_EQ_INT(((struct ent *)idtab_find(&t, 139))->val, 139);
	idtab_delete(&t, idtab_find(&t, 0));
	T_CHECK(!idtab_find(&t, 0));
	T_EQ_INT(t.n, 41);
	T_EQ_INT(t.refused, 0);
	idtab_free(&t);
	T_EQ_INT(idtab_init(&t, 4, 4, 0, true), -EINVAL);	/* no room for the key */
	/* a growing table of 0 slots allocates them with its first entry */
	T_EQ_INT(idtab_init(&t, sizeof(struct ent), 0, 0, true), 0);
	T_CHECK(t.slots == NULL && !idtab_find(&t, 5) && !idtab_find(&t, 0) &&
		!idtab_next(&t, NULL));
	T_CHECK(idtab_insert(&t, 5, NULL) != NULL);
	T_EQ_INT(t.mask + 1, IDTAB_FIRST_SLOTS);
	T_CHECK(idtab_find(&t, 5) != NULL);
	idtab_free(&t);
}

/* A fixed table holds at most max entries and counts what it refused. */
static void test_bounded(void)
{
	struct idtab t;

	T_EQ_INT(idtab_init(&t, sizeof(struct ent), 8, 5, false), 0);
	for (uint64_t k = 1; k <= 5; k++)
		T_CHECK(idtab_insert(&t, k * 1000, NULL) != NULL);
	T_CHECK(idtab_insert(&t, 6000, NULL) == NULL);
	T_CHECK(idtab_insert(&t, 0, NULL) == NULL);
	T_CHECK(idtab_insert(&t, 3000, NULL) != NULL);	/* present: not refused */
	T_EQ_INT(t.refused, 2);
	T_EQ_INT(t.mask + 1, 8);
	idtab_delete(&t, idtab_find(&t, 2000));
	T_CHECK(idtab_insert(&t, 6000, NULL) != NULL);
	idtab_free(&t);
	/* max at or past the slots: one slot stays free, so lookups end */
	T_EQ_INT(idtab_init(&t, sizeof(struct ent), 4, 100, false), 0);
	T_EQ_INT(t.max, 3);
	idtab_free(&t);
}

/* Random inserts and deletes over few slots (long runs that wrap around
 * the end), checked against a model after every step. */
static void check_model(const struct idtab *t, const uint32_t *model, uint32_t nkeys)
{
	uint32_t seen = 0, held = 0;

	for (uint32_t k = 0; k < nkeys; k++) {
		struct ent *e = idtab_find(t, k * 7919u);

		held += model[k] != 0;
		if (model[k] ? !e || e->val != model[k] : e != NULL) {
			T_FAILF("key %u: expected %u, found %s", k * 7919u, model[k],
				e ? "another value" : "nothing");
			return;
		}
	}
	for (struct ent *e = idtab_next(t, NULL); e; e = idtab_next(t, e))
		seen++;
	T_EQ_INT(seen, held);
	T_EQ_INT(t->n, held);
}

static void test_model(void)
{
	enum { NKEYS = 48 };
	uint32_t model[NKEYS] = { 0 }, x = 12345;

	for (int grow = 0; grow < 2; grow++) {
		struct idtab t;

		memset(model, 0, sizeof(model));
		T_EQ_INT(idtab_init(&t, sizeof(struct ent), grow ? 2 : 64, 63, grow), 0);
		for (uint32_t step = 1; step <= 4000; step++) {
			uint32_t k;
			struct ent *e;

			x = x * 1103515245u + 12345u;
			k = (x >> 8) % NKEYS;
			e = idtab_find(&t, k * 7919u);
			if (e && (x >> 20) % 3 == 0) {
				idtab_delete(&t, e);
				model[k] = 0;
			} else if ((e = idtab_insert(&t, k * 7919u, NULL))) {
				e->val = step;
				model[k] = step;
			}
			check_model(&t, model, NKEYS);
			if (t_case_failed)
				break;
		}
		T_EQ_INT(t.refused, 0);
		idtab_free(&t);
	}
}

int main(void)
{
	T_RUN(test_basic);
	T_RUN(test_bounded);
	T_RUN(test_model);
	return t_done();
}
