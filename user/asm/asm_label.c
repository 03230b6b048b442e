/* Labels and the references to them, resolved when a program ends. Labels
 * are local to their program (numeric local labels: asm_local.c); a hash
 * table keeps lookups constant-time so large generated programs stay
 * linear. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asm_int.h"

static uint32_t label_hash(const char *s, uint32_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static const struct asm_label *label_find(const struct asm_ctx *c,
					  const char *s, uint32_t len)
{
	if (!c->lhash_size)
		return NULL;
	for (uint32_t i = label_hash(s, len);; i++) {
		uint32_t v = c->lhash[i & (c->lhash_size - 1)];

		if (!v)
			return NULL;
		const struct asm_label *l = &c->labels[v - 1];

		if (l->len == len && memcmp(l->name, s, len) == 0)
			return l;
	}
}

static void hash_put(struct asm_ctx *c, uint32_t idx)
{
	const struct asm_label *l = &c->labels[idx];
	uint32_t i = label_hash(l->name, l->len);

	while (c->lhash[i & (c->lhash_size - 1)])
		i++;
	c->lhash[i & (c->lhash_size - 1)] = idx + 1;
}

/* Keeps the table at most half full. */
static int hash_reserve(struct asm_ctx *c, uint32_t n)
{
	uint32_t size = c->lhash_size ? c->lhash_size : 64;

	while (size / 2 <= n)
		size *= 2;
	if (size == c->lhash_size)
		return 0;
	uint32_t *t = calloc(size, sizeof(*t));

	if (!t)
		return asm_nomem(c);
	free(c->lhash);
	c->lhash = t;
	c->lhash_size = size;
	for (uint32_t i = 0; i < c->n_labels; i++)
		hash_put(c, i);
	return 0;
}

int asm_add_label(struct asm_ctx *c, const struct asm_tok *t)
{
	const struct asm_label *old;
	struct asm_label *l;
	int ret;

	if (c->prog < 0)
		return asm_fail(c, t->col, "label '%.*s' before any .prog",
				(int)(t->len > 40 ? 40 : t->len), t->s);
	if (asm_is_reg_name(t->s, t->len) || asm_tok_ident(t, "pc"))
		return asm_fail(c, t->col, "'%.*s' is a register name, not a label",
				(int)(t->len > 40 ? 40 : t->len), t->s);
	old = label_find(c, t->s, t->len);
	if (old)
		return asm_fail(c, t->col,
				"duplicate label '%.*s' (first defined at %s:%u:%u)",
				(int)(t->len > 40 ? 40 : t->len), t->s,
				c->u->files[old->loc.file], old->loc.line,
				old->loc.col);
	ret = asm_grow(c, (void **)&c->labels, &c->cap_labels, c->n_labels,
		       sizeof(*c->labels));
	if (!ret)
		ret = hash_reserve(c, c->n_labels + 1);
	if (ret)
		return ret;
	l = &c->labels[c->n_labels];
	l->name = t->s;
	l->len = t->len;
	l->insn = c->u->n_insns;
	ret = asm_loc_here(c, t->col, &l->loc);
	if (ret)
		return ret;
	hash_put(c, c->n_labels++);
	return 0;
}

int asm_add_fixup(struct asm_ctx *c, enum asm_fix_kind kind,
		  const struct asm_tok *t, uint32_t insn)
{
	struct asm_fixup *f;
	int ret = asm_grow(c, (void **)&c->fix, &c->cap_fix, c->n_fix,
			   sizeof(*c->fix));

	if (ret)
		return ret;
	f = &c->fix[c->n_fix];
	f->name = t->s;
	f->len = t->len;
	f->insn = insn;
	f->kind = (uint8_t)kind;
	ret = asm_loc_here(c, t->col, &f->loc);
	if (ret)
		return ret;
	c->n_fix++;
	return 0;
}

/* Writes the jump at f->insn so that it lands on instruction `target`. */
int asm_fix_jump(struct asm_ctx *c, const struct asm_fixup *f, uint32_t target)
{
	struct rt_bpf_insn *in = &c->u->insns[f->insn];
	int64_t rel = (int64_t)target - ((int64_t)f->insn + 1);

	if (f->kind == FIX_JMP32) {
		in->imm = (int32_t)rel;
		return 0;
	}
	if (rel < INT16_MIN || rel > INT16_MAX)
		return asm_fail_at(c, &f->loc,
				   "jump to '%.*s' is %lld instructions away: out of the 16-bit offset range -32768..32767 (use gotol)",
				   (int)(f->len > 40 ? 40 : f->len), f->name,
				   (long long)rel);
	in->off = (int16_t)rel;
	return 0;
}

static int resolve(struct asm_ctx *c, const struct asm_fixup *f)
{
	struct asm_prog *pr = &c->u->progs[c->prog];
	struct rt_bpf_insn *in = &c->u->insns[f->insn];
	const struct asm_label *l = label_find(c, f->name, f->len);
	int n = (int)(f->len > 40 ? 40 : f->len);

	if (f->kind == FIX_CALL) {
		if (l) {
			in->src_reg = RT_BPF_PSEUDO_CALL;
			in->imm = (int32_t)((int64_t)l->insn - ((int64_t)f->insn + 1));
			return 0;
		}
		char name[ASM_NAME_MAX];
		int id = -ENOENT;

		if (f->len < sizeof(name)) {
			memcpy(name, f->name, f->len);
			name[f->len] = 0;
			id = asm_helper_id(name);
		}
		if (id < 0)
			return asm_fail_at(c, &f->loc,
					   "unknown helper '%.*s' (no such helper, and no label '%.*s' in program '%s')",
					   n, f->name, n, f->name, pr->name);
		in->imm = id;
		return 0;
	}
	if (!l)
		return asm_fail_at(c, &f->loc,
				   "unresolved label '%.*s' (not defined in program '%s')",
				   n, f->name, pr->name);
	return asm_fix_jump(c, f, l->insn);
}

/* Ends the current program: resolves its references, forgets its labels. */
int asm_end_prog(struct asm_ctx *c)
{
	struct asm_prog *pr;

	if (c->prog < 0)
		return 0;
	pr = &c->u->progs[c->prog];
	pr->count = c->u->n_insns - pr->start;
	for (uint32_t i = 0; i < c->n_fix; i++) {
		int ret = resolve(c, &c->fix[i]);

		if (ret)
			return ret;
	}
	int ret = asm_local_end(c);

	if (ret)
		return ret;
	if (!pr->count)
		return asm_fail_at(c, &pr->loc, "program '%s' has no instructions",
				   pr->name);
	c->n_fix = 0;
	c->n_labels = 0;
	if (c->lhash)
		memset(c->lhash, 0, c->lhash_size * sizeof(*c->lhash));
	return 0;
}
