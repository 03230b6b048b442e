/* Numeric local labels, as in GNU as: "1:" may be defined any number of
 * times in a program, and "goto 1f" / "goto 1b" jump to the nearest
 * definition of 1 after / before the jump. A reference is resolved by
 * position, so a cpp macro using them can be expanded twice in a program
 * without its labels clashing, and no jump has to count instructions.
 *
 * A table by number keeps, per number, its latest definition (what "Nb"
 * means now) and the chain of "Nf" references waiting for the next one:
 * each reference and definition costs constant time, as named labels do.
 * What still waits when the program ends has no target: an error. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asm_int.h"

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static const char *prog_name(const struct asm_ctx *c)
{
	return c->u->progs[c->prog].name;
}

static struct asm_nlabel *slot_of(struct asm_nlabel *t, uint32_t size,
				  uint32_t num)
{
	for (uint32_t i = num * 2654435769u;; i++) {	/* Fibonacci hash */
		struct asm_nlabel *e = &t[i & (size - 1)];

		if (!e->used || e->num == num)
			return e;
	}
}

/* The entry of `num`, made (no definition, nothing waiting) if new; the
 * table stays at most half full. NULL when out of memory. */
static struct asm_nlabel *entry(struct asm_ctx *c, uint32_t num)
{
	struct asm_nlabel *e;

	if ((c->n_nlabels + 1) * 2 > c->nlabels_size) {
		uint32_t size = c->nlabels_size ? c->nlabels_size * 2 : 64;
		struct asm_nlabel *t = calloc(size, sizeof(*t));

		if (!t)
			return NULL;
		for (uint32_t i = 0; i < c->nlabels_size; i++)
			if (c->nlabels[i].used)
				*slot_of(t, size, c->nlabels[i].num) = c->nlabels[i];
		free(c->nlabels);
		c->nlabels = t;
		c->nlabels_size = size;
	}
	e = slot_of(c->nlabels, c->nlabels_size, num);
	if (!e->used) {
		*e = (struct asm_nlabel){ .used = true, .num = num, .last = UINT32_MAX };
		c->n_nlabels++;
	}
	return e;
}

/* t is a TK_NUM followed by ':'. Only plain decimal numbers are labels:
 * "0x1:" or "1u:" would read as one number and jump as another. */
int asm_local_label(struct asm_ctx *c, const struct asm_tok *t)
{
	struct asm_nlabel *e;

	for (uint32_t i = 0; i < t->len; i++)
		if (!is_digit(t->s[i]))
			return asm_fail(c, t->col, "local label '%.*s' is not a decimal number",
					(int)(t->len > 40 ? 40 : t->len), t->s);
	if (t->num > UINT32_MAX)
		return asm_fail(c, t->col, "local label %llu is larger than 4294967295",
				(unsigned long long)t->num);
	if (c->prog < 0)
		return asm_fail(c, t->col, "label '%.*s' before any .prog",
				(int)(t->len > 40 ? 40 : t->len), t->s);
	e = entry(c, (uint32_t)t->num);
	if (!e)
		return asm_nomem(c);
	e->last = c->u->n_insns;
	/* the nearest definition after every "Nf" waiting */
	while (e->wait) {
		struct asm_fixup *f = &c->nfwd[e->wait - 1];
		int ret = asm_fix_jump(c, f, e->last);

		if (ret)
			return ret;
		f->done = true;
		c->n_waiting--;
		e->wait = f->next;
	}
	return 0;
}

/* At the cursor: "Nf" or "Nb" (digits, then f or b, then no word
 * character)? Returns 1 and consumes it, filling *t (s/len as written) and
 * *num, or 0 and leaves the cursor alone. */
int asm_local_ref(struct asm_ctx *c, struct asm_tok *t, uint32_t *num)
{
	const char *p;
	uint64_t n = 0;

	asm_skip_ws(c);
	for (p = c->p; p < c->eol && is_digit(*p); p++)
		if ((n = n * 10 + (uint64_t)(*p - '0')) > UINT32_MAX)
			return 0;	/* lexed (and refused) as a number */
	if (p == c->p || p == c->eol || (*p != 'f' && *p != 'b'))
		return 0;
	if (p + 1 < c->eol && (is_digit(p[1]) || p[1] == '_' ||
			       (p[1] >= 'a' && p[1] <= 'z') ||
			       (p[1] >= 'A' && p[1] <= 'Z')))
		return 0;
	memset(t, 0, sizeof(*t));
	t->kind = TK_IDENT;
	t->s = c->p;
	t->len = (uint32_t)(p + 1 - c->p);
	t->col = asm_col(c);
	*num = (uint32_t)n;
	c->p = p + 1;
	return 1;
}

/* The jump at insn refers to t ("Nf" or "Nb"). */
int asm_local_fixup(struct asm_ctx *c, enum asm_fix_kind kind,
		    const struct asm_tok *t, uint32_t num, uint32_t insn)
{
	struct asm_fixup f = {
		.name = t->s, .len = t->len, .insn = insn,
		.kind = (uint8_t)kind, .num = num,
	};
	struct asm_nlabel *e = entry(c, num);
	int ret;

	if (!e)
		return asm_nomem(c);
	ret = asm_loc_here(c, t->col, &f.loc);
	if (ret)
		return ret;
	if (t->s[t->len - 1] == 'b') {
		if (e->last == UINT32_MAX)
			return asm_fail(c, t->col, "no local label '%u:' before '%.*s' in program '%s'",
					num, (int)t->len, t->s, prog_name(c));
		return asm_fix_jump(c, &f, e->last);
	}
	ret = asm_grow(c, (void **)&c->nfwd, &c->cap_nfwd, c->n_nfwd,
		       sizeof(*c->nfwd));
	if (ret)
		return ret;
	f.next = e->wait;
	c->nfwd[c->n_nfwd++] = f;
	e->wait = c->n_nfwd;
	c->n_waiting++;
	return 0;
}

/* The program ends: a forward reference still waiting has no target (the
 * first one in the text is reported); then the next program starts with
 * no local labels. */
int asm_local_end(struct asm_ctx *c)
{
	for (uint32_t i = 0; c->n_waiting && i < c->n_nfwd; i++) {
		const struct asm_fixup *f = &c->nfwd[i];

		if (!f->done)
			return asm_fail_at(c, &f->loc, "no local label '%u:' after '%.*s' in program '%s'",
					   f->num, (int)f->len, f->name, prog_name(c));
	}
	c->n_nfwd = 0;
	c->n_nlabels = 0;
	if (c->nlabels)
		memset(c->nlabels, 0, c->nlabels_size * sizeof(*c->nlabels));
	return 0;
}
