/* Constant expressions: C operators and precedence on 64-bit integers
 * (wrapping, like the hardware; ! == != give 0 or 1, for .if), $NAME
 * constants and tracepoint fields through the caller's resolver. */
#include <errno.h>
#include <string.h>

#include "asm_int.h"

static int expr_or(struct asm_ctx *c, int64_t *v, struct asm_expr_info *in);

bool asm_is_expr_func(const struct asm_tok *t)
{
	return asm_tok_ident(t, "field") || asm_tok_ident(t, "sizeof") ||
	       asm_tok_ident(t, "has_field");
}

/* field(NAME), sizeof(NAME), has_field(NAME) of the current program's
 * tracepoint. */
static int expr_field(struct asm_ctx *c, const struct asm_tok *fn,
		      int64_t *v, struct asm_expr_info *in)
{
	const struct asm_resolver *r = c->res;
	bool has = asm_tok_ident(fn, "has_field");
	char name[ASM_NAME_MAX];
	struct asm_field f;
	struct asm_tok t;
	int ret;

	ret = asm_expect(c, "(", "a field reference");
	if (!ret)
		ret = asm_lex(c, &t);
	if (!ret)
		ret = asm_tok_name(c, &t, name, "field");
	if (!ret)
		ret = asm_expect(c, ")", "a field reference");
	if (ret)
		return ret;
	if (c->prog < 0)
		return asm_fail(c, fn->col, "%.*s(%s) outside a program: fields belong to a .prog tracepoint",
				(int)fn->len, fn->s, name);
	const struct asm_prog *pr = &c->u->progs[c->prog];

	if (pr->kind != ASM_PROG_TRACEPOINT)
		return asm_fail(c, fn->col, "%.*s(%s) in program '%s', which is not a tracepoint",
				(int)fn->len, fn->s, name, pr->name);
	if (!pr->target[0])
		return asm_fail(c, fn->col, "%.*s(%s) in program '%s', which names no tracepoint (.prog %s tracepoint CATEGORY/EVENT)",
				(int)fn->len, fn->s, name, pr->name, pr->name);
	if (!r || !r->field)
		return asm_fail(c, fn->col, "%.*s(%s) needs tracepoint formats, but no field resolver was given",
				(int)fn->len, fn->s, name);
	memset(&f, 0, sizeof(f));
	ret = r->field(r->ctx, pr->target, name, &f);
	if (ret == -ENOENT && has) {
		*v = 0;
		return 0;
	}
	if (ret == -ENOENT)
		return asm_fail(c, t.col, "unknown field '%s' of tracepoint '%s'",
				name, pr->target);
	if (ret)
		return asm_fail(c, t.col, "cannot read the format of tracepoint '%s' for field '%s': %s",
				pr->target, name, strerror(ret < 0 ? -ret : ret));
	if (has)
		*v = 1;
	else if (asm_tok_ident(fn, "sizeof"))
		*v = f.size;
	else {
		*v = f.offset;
		if (in) {
			in->n_fields++;
			in->field = f;
			memcpy(in->name, name, sizeof(name));
		}
	}
	return 0;
}

static int expr_const(struct asm_ctx *c, const struct asm_tok *t, int64_t *v)
{
	const struct asm_resolver *r = c->res;
	char name[ASM_NAME_MAX];
	int ret;

	if (t->len >= ASM_NAME_MAX)
		return asm_fail(c, t->col, "constant name '$%.40s...' is too long",
				t->s);
	memcpy(name, t->s, t->len);
	name[t->len] = 0;
	if (!r || !r->constant)
		return asm_fail(c, t->col, "constant '$%s' needs a resolver, but none was given",
				name);
	ret = r->constant(r->ctx, name, v);
	if (ret == -ENOENT)
		return asm_fail(c, t->col, "unknown constant '$%s'", name);
	if (ret)
		return asm_fail(c, t->col, "cannot resolve constant '$%s': %s",
				name, strerror(ret < 0 ? -ret : ret));
	return 0;
}

static int expr_unary(struct asm_ctx *c, int64_t *v, struct asm_expr_info *in)
{
	struct asm_tok t;
	char b[64];
	int ret = asm_lex(c, &t);

	if (ret)
		return ret;
	if (++c->depth > ASM_MAX_EXPR_DEPTH)
		return asm_fail(c, t.col, "expression nested more than %d deep",
				ASM_MAX_EXPR_DEPTH);
	if (asm_tok_is(&t, "-") || asm_tok_is(&t, "~") || asm_tok_is(&t, "!")) {
		ret = expr_unary(c, v, in);
		if (!ret)
			*v = t.s[0] == '!' ? *v == 0 :
			     (int64_t)(t.s[0] == '-' ? 0 - (uint64_t)*v :
				       ~(uint64_t)*v);
	} else if (asm_tok_is(&t, "(")) {
		ret = expr_or(c, v, in);
		if (!ret)
			ret = asm_expect(c, ")", "an expression");
	} else if (t.kind == TK_NUM) {
		*v = (int64_t)t.num;
	} else if (t.kind == TK_CONST) {
		ret = expr_const(c, &t, v);
	} else if (asm_is_expr_func(&t)) {
		ret = expr_field(c, &t, v, in);
	} else if (t.kind == TK_IDENT) {
		ret = asm_fail(c, t.col, "unknown operand %s in an expression",
			       asm_tok_show(&t, b, sizeof(b)));
	} else {
		ret = asm_fail(c, t.col, "expected an expression, found %s",
			       asm_tok_show(&t, b, sizeof(b)));
	}
	c->depth--;
	return ret;
}

/* Binary levels, loosest first, as in C; each entry lists its operators. */
static const char *const levels[][3] = {
	{ "|" }, { "^" }, { "&" }, { "==", "!=" }, { "<<", ">>" }, { "+", "-" },
	{ "*", "/", "%" },
};
#define N_LEVELS (int)(sizeof(levels) / sizeof(levels[0]))

static int apply(struct asm_ctx *c, const struct asm_tok *op, int64_t a,
		 int64_t b, int64_t *v)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	switch (op->s[0]) {
	case '=': *v = a == b; return 0;
	case '!': *v = a != b; return 0;
	case '|': *v = (int64_t)(ua | ub); return 0;
	case '^': *v = (int64_t)(ua ^ ub); return 0;
	case '&': *v = (int64_t)(ua & ub); return 0;
	case '+': *v = (int64_t)(ua + ub); return 0;
	case '-': *v = (int64_t)(ua - ub); return 0;
	case '*': *v = (int64_t)(ua * ub); return 0;
	}
	if (op->s[0] == '<' || op->s[0] == '>') {
		if (b < 0 || b > 63)
			return asm_fail(c, op->col, "shift count %lld out of range 0..63",
					(long long)b);
		/* >> is arithmetic, as for int64_t in C */
		*v = op->s[0] == '<' ? (int64_t)(ua << b) :
		     a < 0 ? (int64_t)~(~ua >> b) : (int64_t)(ua >> b);
		return 0;
	}
	if (b == 0)
		return asm_fail(c, op->col, "division by zero in a constant expression");
	if (b == -1)		/* INT64_MIN / -1 would trap */
		*v = op->s[0] == '/' ? (int64_t)(0 - ua) : 0;
	else
		*v = op->s[0] == '/' ? a / b : a % b;
	return 0;
}

static int expr_level(struct asm_ctx *c, int level, int64_t *v,
		      struct asm_expr_info *in);

static int operand(struct asm_ctx *c, int level, int64_t *v,
		   struct asm_expr_info *in)
{
	return level + 1 == N_LEVELS ? expr_unary(c, v, in) :
	       expr_level(c, level + 1, v, in);
}

static int expr_level(struct asm_ctx *c, int level, int64_t *v,
		      struct asm_expr_info *in)
{
	int ret = operand(c, level, v, in);

	while (!ret) {
		struct asm_tok op;
		bool match = false;
		int64_t rhs;

		ret = asm_peek(c, &op);
		if (ret)
			return ret;
		for (int i = 0; i < 3 && levels[level][i]; i++)
			match |= asm_tok_is(&op, levels[level][i]);
		if (!match)
			return 0;
		asm_lex(c, &op);
		ret = operand(c, level, &rhs, in);
		if (!ret)
			ret = apply(c, &op, *v, rhs, v);
	}
	return ret;
}

static int expr_or(struct asm_ctx *c, int64_t *v, struct asm_expr_info *in)
{
	return expr_level(c, 0, v, in);
}

int asm_expr(struct asm_ctx *c, int64_t *val, struct asm_expr_info *info)
{
	if (info)
		memset(info, 0, sizeof(*info));
	c->depth = 0;
	return expr_or(c, val, info);
}

/* A 32-bit immediate: any value whose two's complement fits in 32 bits
 * (-2147483648..4294967295), as LLVM and GNU as accept it. */
int asm_imm32(struct asm_ctx *c, int64_t v, uint32_t col, int32_t *out)
{
	if (v < INT32_MIN || v > (int64_t)UINT32_MAX)
		return asm_fail(c, col, "immediate %lld out of range for 32 bits",
				(long long)v);
	*out = (int32_t)(uint32_t)(uint64_t)v;
	return 0;
}

/* For 64-bit operations, which sign-extend their 32-bit immediate: there
 * 0x80000000..0xffffffff would not mean the value written, so they are
 * refused rather than silently turned negative. */
int asm_imm32_sx(struct asm_ctx *c, int64_t v, uint32_t col, int32_t *out)
{
	if (v > INT32_MAX && v <= (int64_t)UINT32_MAX)
		return asm_fail(c, col, "immediate %lld would be sign-extended to 64 bits as %d: write %d, or use a 64-bit load (rD = %lld ll)",
				(long long)v, (int32_t)(uint32_t)v,
				(int32_t)(uint32_t)v, (long long)v);
	return asm_imm32(c, v, col, out);
}
