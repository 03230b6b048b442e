/* Instructions in the syntax the kernel verifier and LLVM print: jumps,
 * calls, stores and the dispatch of everything that starts with a
 * register (asm_assign.c has `rD = ...`). */
#include <errno.h>
#include <string.h>

#include "asm_insn.h"

int asm_tok_reg(struct asm_ctx *c, const struct asm_tok *t, int *reg,
		bool *is_w)
{
	int r = asm_reg(t, is_w);

	if (r == -2)
		return asm_fail(c, t->col, "no register %.*s: registers are r0..r10 (w0..w10 for their low 32 bits)",
				(int)(t->len > 40 ? 40 : t->len), t->s);
	if (r < 0)
		return 0;
	*reg = r;
	return 1;
}

int asm_lex_reg(struct asm_ctx *c, int *reg, bool *is_w, const char *what)
{
	struct asm_tok t;
	char b[64];
	int ret = asm_lex(c, &t);

	if (!ret)
		ret = asm_tok_reg(c, &t, reg, is_w);
	if (ret == 0)
		return asm_fail(c, t.col, "expected a register as %s, found %s",
				what, asm_tok_show(&t, b, sizeof(b)));
	return ret < 0 ? ret : 0;
}

/* "(u32 *)": size code, whether it is a signed (s8..s32) size. */
int asm_parse_size(struct asm_ctx *c, int *size, bool *is_signed)
{
	static const char *const names[] = { "u32", "u16", "u8", "u64",
					     "s32", "s16", "s8" };
	struct asm_tok t;
	char b[64];
	int ret = asm_expect(c, "(", "a size cast like (u32 *)");
	size_t i;

	if (!ret)
		ret = asm_lex(c, &t);
	if (ret)
		return ret;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (asm_tok_ident(&t, names[i]))
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return asm_fail(c, t.col, "expected a size (u8 u16 u32 u64, or s8 s16 s32 for sign-extending loads), found %s",
				asm_tok_show(&t, b, sizeof(b)));
	*size = (int)(i & 3) << 3;	/* RT_BPF_W H B DW */
	*is_signed = i >= 4;
	ret = asm_expect(c, "*", "a size cast like (u32 *)");
	if (!ret)
		ret = asm_expect(c, ")", "a size cast like (u32 *)");
	return ret;
}

/* "rB + EXPR", "rB - EXPR", "rB": base and offset, in parentheses or not.
 * For the `skb[...]` form the value may be 32 bits. */
int asm_parse_mem(struct asm_ctx *c, struct asm_mem *m, bool parens,
		  bool wide)
{
	struct asm_tok t;
	bool is_w;
	int64_t v = 0;
	int ret = parens ? asm_expect(c, "(", "a memory operand") : 0;

	if (!ret)
		ret = asm_lex(c, &t);
	if (ret)
		return ret;
	m->col = t.col;
	ret = asm_tok_reg(c, &t, &m->reg, &is_w);
	if (ret == 0 || (ret > 0 && is_w))
		return asm_fail(c, t.col, "expected an r register as the base of a memory operand");
	if (ret < 0)
		return ret;
	memset(&m->info, 0, sizeof(m->info));
	ret = asm_peek(c, &t);
	if (ret)
		return ret;
	m->off_col = t.col;
	if (asm_tok_is(&t, "+") || asm_tok_is(&t, "-")) {
		if (t.s[0] == '+') {	/* a '-' stays: it negates the first term */
			asm_lex(c, &t);
			asm_skip_ws(c);
			m->off_col = asm_col(c);
		}
		ret = asm_expr(c, &v, &m->info);
		if (ret)
			return ret;
	}
	if (wide) {
		ret = asm_imm32(c, v, m->off_col, &m->imm);
		if (ret)
			return ret;
	} else if (v < INT16_MIN || v > INT16_MAX) {
		return asm_fail(c, m->off_col, "offset %lld out of range for 16 bits (-32768..32767)",
				(long long)v);
	}
	m->off = (int)v;
	m->value = v;
	return parens ? asm_expect(c, ")", "a memory operand") : 0;
}

/* "label", "1f", "1b", "+N", "-N", "pc+N", "pc-N" */
static int parse_target(struct asm_ctx *c, struct asm_target *tg)
{
	struct asm_tok t;
	char b[64];
	bool is_w;
	int reg, ret;

	memset(tg, 0, sizeof(*tg));
	ret = asm_local_ref(c, &tg->t, &tg->num);
	if (ret) {
		tg->label = tg->local = true;
		return 0;
	}
	ret = asm_lex(c, &t);
	if (ret)
		return ret;
	tg->t = t;
	if (asm_tok_ident(&t, "pc")) {
		ret = asm_lex(c, &t);
		if (ret)
			return ret;
	}
	if (asm_tok_is(&t, "+") || asm_tok_is(&t, "-")) {
		struct asm_tok n;

		ret = asm_lex(c, &n);
		if (ret)
			return ret;
		if (n.kind != TK_NUM || n.num > (uint64_t)INT32_MAX + 1)
			return asm_fail(c, n.col, "expected an instruction count after '%c'",
					t.s[0]);
		tg->rel = t.s[0] == '-' ? -(int64_t)n.num : (int64_t)n.num;
		return 0;
	}
	ret = t.kind == TK_IDENT ? asm_tok_reg(c, &t, &reg, &is_w) : 0;
	if (ret < 0)
		return ret;
	if (t.kind != TK_IDENT || ret > 0 || asm_tok_ident(&tg->t, "pc"))
		return asm_fail(c, t.col, "expected a jump target (a label, 1f, 1b, +N, -N or pc+N), found %s",
				asm_tok_show(&t, b, sizeof(b)));
	tg->label = true;
	return 0;
}

/* Emits a jump whose target goes in off (16 bits) or, for gotol, imm. */
static int emit_jump(struct asm_ctx *c, uint8_t code, int dst, int src,
		     int32_t imm, const struct asm_target *tg, uint32_t col)
{
	bool wide = code == (RT_BPF_JMP32 | RT_BPF_JA);
	uint32_t idx = c->u->n_insns;
	int ret;

	if (!tg->label && wide && (tg->rel < INT32_MIN || tg->rel > INT32_MAX))
		return asm_fail(c, tg->t.col, "jump offset %lld out of range for 32 bits",
				(long long)tg->rel);
	if (!tg->label && !wide && (tg->rel < INT16_MIN || tg->rel > INT16_MAX))
		return asm_fail(c, tg->t.col, "jump offset %lld out of the 16-bit range -32768..32767 (use gotol)",
				(long long)tg->rel);
	ret = asm_emit(c, code, dst, src, wide ? 0 : (int)tg->rel,
		       wide ? (int32_t)tg->rel : imm, col);
	if (!ret && tg->local)
		ret = asm_local_fixup(c, wide ? FIX_JMP32 : FIX_JMP, &tg->t,
				      tg->num, idx);
	else if (!ret && tg->label)
		ret = asm_add_fixup(c, wide ? FIX_JMP32 : FIX_JMP, &tg->t, idx);
	return ret;
}

static int insn_goto(struct asm_ctx *c, bool wide, uint32_t col)
{
	struct asm_target tg;
	int ret = parse_target(c, &tg);

	if (ret)
		return ret;
	return emit_jump(c, (wide ? RT_BPF_JMP32 : RT_BPF_JMP) | RT_BPF_JA, 0, 0,
			 0, &tg, col);
}

/* call NAME (helper or label), call NAME#ID (verifier), call pc+N,
 * call EXPR (helper id). */
static int insn_call(struct asm_ctx *c, uint32_t col)
{
	const uint8_t code = RT_BPF_JMP | RT_BPF_CALL;
	char name[ASM_NAME_MAX];
	struct asm_tok t, n;
	int64_t v;
	int32_t imm;
	int ret = asm_peek(c, &t);

	if (ret)
		return ret;
	if (asm_tok_ident(&t, "pc")) {
		struct asm_target tg;

		ret = parse_target(c, &tg);
		if (!ret && (tg.rel < INT32_MIN || tg.rel > INT32_MAX))
			ret = asm_fail(c, t.col, "call offset out of range for 32 bits");
		return ret ? ret : asm_emit(c, code, 0, RT_BPF_PSEUDO_CALL, 0,
					    (int32_t)tg.rel, col);
	}
	if (t.kind == TK_IDENT && !asm_is_expr_func(&t)) {
		asm_lex(c, &t);
		if (c->p == c->eol || *c->p != '#') {
			uint32_t idx = c->u->n_insns;

			ret = asm_emit(c, code, 0, 0, 0, 0, col);
			return ret ? ret : asm_add_fixup(c, FIX_CALL, &t, idx);
		}
		c->p++;		/* bpf_map_lookup_elem#1 */
		ret = asm_tok_name(c, &t, name, "helper");
		if (!ret)
			ret = asm_lex(c, &n);
		if (ret)
			return ret;
		int id = asm_helper_id(name);

		if (id < 0)
			return asm_fail(c, t.col, "unknown helper '%s'", name);
		if (n.kind != TK_NUM || n.num != (uint64_t)id)
			return asm_fail(c, n.col, "helper '%s' has id %d, not '%.*s'",
					name, id, (int)(n.len > 20 ? 20 : n.len), n.s);
		return asm_emit(c, code, 0, 0, 0, id, col);
	}
	ret = asm_expr(c, &v, NULL);
	if (!ret)
		ret = asm_imm32(c, v, t.col, &imm);
	return ret ? ret : asm_emit(c, code, 0, 0, 0, imm, col);
}

static const struct {
	const char *op;
	uint8_t code;
} jmp_ops[] = {
	{ "==", RT_BPF_JEQ }, { "!=", RT_BPF_JNE }, { ">", RT_BPF_JGT },
	{ ">=", RT_BPF_JGE }, { "<", RT_BPF_JLT }, { "<=", RT_BPF_JLE },
	{ "s>", RT_BPF_JSGT }, { "s>=", RT_BPF_JSGE }, { "s<", RT_BPF_JSLT },
	{ "s<=", RT_BPF_JSLE }, { "&", RT_BPF_JSET },
};

/* A register or an expression: the X or K source of ALU and jumps; `sx`
 * refuses immediates that sign extension would change. */
int asm_parse_src(struct asm_ctx *c, bool dst_w, bool sx, struct asm_src *s)
{
	struct asm_tok t;
	int64_t v;
	int ret = asm_peek(c, &t);

	if (ret)
		return ret;
	s->col = t.col;
	ret = asm_tok_reg(c, &t, &s->reg, &s->is_w);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		asm_lex(c, &t);
		if (s->is_w != dst_w)
			return asm_fail(c, t.col, "%.*s mixes 32-bit (w) and 64-bit (r) registers",
					(int)t.len, t.s);
		s->x = true;
		s->imm = 0;
		return 0;
	}
	s->x = false;
	s->reg = 0;
	ret = asm_expr(c, &v, NULL);
	if (ret)
		return ret;
	return sx ? asm_imm32_sx(c, v, s->col, &s->imm) :
		    asm_imm32(c, v, s->col, &s->imm);
}

static int insn_if(struct asm_ctx *c, uint32_t col)
{
	struct asm_target tg;
	struct asm_src s;
	struct asm_tok t;
	char b[64];
	bool w;
	size_t i;
	int dst, ret = asm_lex_reg(c, &dst, &w, "the left side of a comparison");

	if (!ret)
		ret = asm_lex(c, &t);
	if (ret)
		return ret;
	for (i = 0; i < sizeof(jmp_ops) / sizeof(jmp_ops[0]); i++)
		if (asm_tok_is(&t, jmp_ops[i].op))
			break;
	if (i == sizeof(jmp_ops) / sizeof(jmp_ops[0]))
		return asm_fail(c, t.col, "expected a comparison (== != > >= < <= s> s>= s< s<= &), found %s",
				asm_tok_show(&t, b, sizeof(b)));
	/* comparisons keep the verifier's spelling, where 0xffffffff is -1 */
	ret = asm_parse_src(c, w, false, &s);
	if (!ret)
		ret = asm_lex(c, &t);
	if (ret)
		return ret;
	if (!asm_tok_ident(&t, "goto"))
		return asm_fail(c, t.col, "expected 'goto' after the comparison, found %s",
				asm_tok_show(&t, b, sizeof(b)));
	ret = parse_target(c, &tg);
	if (ret)
		return ret;
	return emit_jump(c, (w ? RT_BPF_JMP32 : RT_BPF_JMP) | jmp_ops[i].code |
			 (s.x ? RT_BPF_X : RT_BPF_K), dst, s.reg, s.imm, &tg, col);
}

/* lock *(u64 *)(rD + off) += rS (also &= |= ^=) */
static int insn_lock(struct asm_ctx *c, uint32_t col)
{
	static const struct {
		const char *op;
		int32_t imm;
	} ops[] = { { "+=", RT_BPF_ADD }, { "|=", RT_BPF_OR },
		    { "&=", RT_BPF_AND }, { "^=", RT_BPF_XOR } };
	struct asm_mem m;
	struct asm_tok t;
	int size, src;
	bool sgn, w;
	char b[64];
	size_t i;
	int ret = asm_expect(c, "*", "a lock instruction");

	if (!ret)
		ret = asm_parse_size(c, &size, &sgn);
	if (!ret && (sgn || (size != RT_BPF_W && size != RT_BPF_DW)))
		ret = asm_fail(c, col, "atomic operations are u32 or u64");
	if (!ret)
		ret = asm_parse_mem(c, &m, true, false);
	if (!ret)
		ret = asm_lex(c, &t);
	if (ret)
		return ret;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (asm_tok_is(&t, ops[i].op))
			break;
	if (i == sizeof(ops) / sizeof(ops[0]))
		return asm_fail(c, t.col, "expected += &= |= or ^= after lock *(...), found %s",
				asm_tok_show(&t, b, sizeof(b)));
	ret = asm_lex_reg(c, &src, &w, "the source of an atomic operation");
	if (ret)
		return ret;
	if (w && size == RT_BPF_DW)
		return asm_fail(c, t.col, "a u64 atomic operation takes an r register");
	return asm_emit(c, RT_BPF_STX | RT_BPF_ATOMIC | (uint8_t)size, m.reg,
			src, m.off, ops[i].imm, col);
}

/* *(u32 *)(rD + off) = rS | EXPR; a w register fits stores up to 32 bits */
static int insn_store(struct asm_ctx *c, uint32_t col)
{
	struct asm_mem m;
	struct asm_tok t;
	int64_t v;
	int32_t imm;
	int size, src = 0;
	bool sgn, w = false;
	int ret = asm_parse_size(c, &size, &sgn);

	if (!ret && sgn)
		ret = asm_fail(c, col, "stores take u8 u16 u32 or u64, not a signed size");
	if (!ret)
		ret = asm_parse_mem(c, &m, true, false);
	if (!ret)
		ret = asm_expect(c, "=", "a store");
	if (!ret)
		ret = asm_peek(c, &t);
	if (!ret)
		ret = asm_tok_reg(c, &t, &src, &w);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		asm_lex(c, &t);
		if (w && size == RT_BPF_DW)
			return asm_fail(c, t.col, "a u64 store takes an r register");
		return asm_emit(c, RT_BPF_STX | RT_BPF_MEM | (uint8_t)size, m.reg,
				src, m.off, 0, col);
	}
	ret = asm_expr(c, &v, NULL);
	if (!ret)
		ret = size == RT_BPF_DW ? asm_imm32_sx(c, v, t.col, &imm) :
		      asm_imm32(c, v, t.col, &imm);
	return ret ? ret : asm_emit(c, RT_BPF_ST | RT_BPF_MEM | (uint8_t)size,
				    m.reg, 0, m.off, imm, col);
}

int asm_insn(struct asm_ctx *c)
{
	uint32_t col = asm_col(c);
	struct asm_tok t;
	char b[64];
	bool w = false;
	int reg = 0, ret;

	if (c->prog < 0)
		return asm_fail(c, col, "instruction before any .prog (start a program with .prog NAME TYPE [TARGET])");
	ret = asm_lex(c, &t);
	if (ret)
		return ret;
	if (asm_tok_ident(&t, "exit"))
		ret = asm_emit(c, RT_BPF_JMP | RT_BPF_EXIT, 0, 0, 0, 0, col);
	else if (asm_tok_ident(&t, "goto") || asm_tok_ident(&t, "gotol"))
		ret = insn_goto(c, t.len == 5, col);
	else if (asm_tok_ident(&t, "call"))
		ret = insn_call(c, col);
	else if (asm_tok_ident(&t, "if"))
		ret = insn_if(c, col);
	else if (asm_tok_ident(&t, "lock"))
		ret = insn_lock(c, col);
	else if (asm_tok_is(&t, "*"))
		ret = insn_store(c, col);
	else if ((ret = asm_tok_reg(c, &t, &reg, &w)) > 0)
		ret = asm_insn_reg(c, reg, w, col);
	else if (ret == 0)
		ret = asm_fail(c, t.col, "unknown mnemonic %s",
			       asm_tok_show(&t, b, sizeof(b)));
	if (ret)
		return ret;
	return asm_expect_end(c, "the instruction");
}
