/* Numeric local labels, as in GNU as: "1:" may be defined any number of
 * times in a program, and "goto 1f" / "goto 1b" jump to the nearest
 * definition of 1 after / before the jump. A reference is resolved by
 * position, so a cpp macro using them can be expanded twice in a program
 * without its labels clashing, and no jump has to count instructions.
 *
 * A backward reference resolves at once against the definitions seen so
 * far; a forward one waits in c->nfwd until the next definition of its
 * number (or the end of the program, where it is an error). */
#include <errno.h>
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

/* t is a TK_NUM followed by ':'. Only plain decimal numbers are labels:
 * "0x1:" or "1u:" would read as one number and jump as another. */
int asm_local_label(struct asm_ctx *c, const struct asm_tok *t)
{
	struct asm_nlabel *l;
	int ret;

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
	ret = asm_grow(c, (void **)&c->nlabels, &c->cap_nlabels, c->n_nlabels,
		       sizeof(*c->nlabels));
	if (ret)
		return ret;
	l = &c->nlabels[c->n_nlabels++];
	l->num = (uint32_t)t->num;
	l->insn = c->u->n_insns;
	/* this definition is the nearest one after every waiting "Nf" */
	for (uint32_t i = 0; i < c->n_nfwd;) {
		if (c->nfwd[i].num != l->num) {
			i++;
			continue;
		}
		ret = asm_fix_jump(c, &c->nfwd[i], l->insn);
		if (ret)
			return ret;
		c->nfwd[i] = c->nfwd[--c->n_nfwd];
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
	int ret = asm_loc_here(c, t->col, &f.loc);

	if (ret)
		return ret;
	if (t->s[t->len - 1] == 'b') {
		for (uint32_t i = c->n_nlabels; i-- > 0;)
			if (c->nlabels[i].num == num)
				return asm_fix_jump(c, &f, c->nlabels[i].insn);
		return asm_fail(c, t->col, "no local label '%u:' before '%.*s' in program '%s'",
				num, (int)t->len, t->s, prog_name(c));
	}
	ret = asm_grow(c, (void **)&c->nfwd, &c->cap_nfwd, c->n_nfwd,
		       sizeof(*c->nfwd));
	if (ret)
		return ret;
	c->nfwd[c->n_nfwd++] = f;
	return 0;
}

/* The program ends: a forward reference still waiting has no target. */
int asm_local_end(struct asm_ctx *c)
{
	if (c->n_nfwd) {
		const struct asm_fixup *f = &c->nfwd[0];

		for (uint32_t i = 1; i < c->n_nfwd; i++)	/* the first one */
			if (c->nfwd[i].insn < f->insn)
				f = &c->nfwd[i];
		return asm_fail_at(c, &f->loc, "no local label '%u:' after '%.*s' in program '%s'",
				   f->num, (int)f->len, f->name, prog_name(c));
	}
	c->n_nlabels = 0;
	return 0;
}
