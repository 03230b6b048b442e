/* Instructions that start with a register: ALU operations (rD += ...),
 * moves, loads, byte swaps, 64-bit immediates and map loads, and the
 * value-returning atomics (rD = atomic_fetch_add(...)). */
#include <errno.h>
#include <string.h>

#include "asm_insn.h"

static const struct {
	const char *op;
	uint8_t code;
	uint8_t off;		/* 1: the signed form (sdiv, smod) */
} alu_ops[] = {
	{ "+=", RT_BPF_ADD, 0 }, { "-=", RT_BPF_SUB, 0 },
	{ "*=", RT_BPF_MUL, 0 }, { "/=", RT_BPF_DIV, 0 },
	{ "%=", RT_BPF_MOD, 0 }, { "|=", RT_BPF_OR, 0 },
	{ "&=", RT_BPF_AND, 0 }, { "^=", RT_BPF_XOR, 0 },
	{ "<<=", RT_BPF_LSH, 0 }, { ">>=", RT_BPF_RSH, 0 },
	{ "s>>=", RT_BPF_ARSH, 0 }, { "s/=", RT_BPF_DIV, 1 },
	{ "s%=", RT_BPF_MOD, 1 },
};

enum { AT_FETCH, AT_XCHG, AT_CMPXCHG };

/* Value-returning atomics in LLVM's spelling (no size cast: xchg_64) and
 * the verifier's (atomic64_xchg((u64 *)...)). size 0: from the cast. */
static const struct {
	const char *name;
	uint8_t kind, size;
	bool cast;
	int32_t op;
} atomics[] = {
	{ "atomic_fetch_add", AT_FETCH, 0, 1, RT_BPF_ADD },
	{ "atomic_fetch_and", AT_FETCH, 0, 1, RT_BPF_AND },
	{ "atomic_fetch_or", AT_FETCH, 0, 1, RT_BPF_OR },
	{ "atomic_fetch_xor", AT_FETCH, 0, 1, RT_BPF_XOR },
	{ "atomic64_fetch_add", AT_FETCH, RT_BPF_DW, 1, RT_BPF_ADD },
	{ "atomic64_fetch_and", AT_FETCH, RT_BPF_DW, 1, RT_BPF_AND },
	{ "atomic64_fetch_or", AT_FETCH, RT_BPF_DW, 1, RT_BPF_OR },
	{ "atomic64_fetch_xor", AT_FETCH, RT_BPF_DW, 1, RT_BPF_XOR },
	{ "xchg_64", AT_XCHG, RT_BPF_DW, 0, RT_BPF_XCHG },
	{ "xchg32_32", AT_XCHG, RT_BPF_W, 0, RT_BPF_XCHG },
	{ "atomic_xchg", AT_XCHG, 0, 1, RT_BPF_XCHG },
	{ "atomic64_xchg", AT_XCHG, RT_BPF_DW, 1, RT_BPF_XCHG },
	{ "cmpxchg_64", AT_CMPXCHG, RT_BPF_DW, 0, RT_BPF_CMPXCHG },
	{ "cmpxchg32_32", AT_CMPXCHG, RT_BPF_W, 0, RT_BPF_CMPXCHG },
	{ "atomic_cmpxchg", AT_CMPXCHG, 0, 1, RT_BPF_CMPXCHG },
	{ "atomic64_cmpxchg", AT_CMPXCHG, RT_BPF_DW, 1, RT_BPF_CMPXCHG },
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *size_name(int size, bool sgn)
{
	static const char *const n[] = { "u32", "u16", "u8", "u64" };

	return sgn ? (size == RT_BPF_W ? "s32" : size == RT_BPF_H ? "s16" : "s8")
		   : n[size >> 3];
}

static int size_bytes(int size)
{
	return size == RT_BPF_B ? 1 : size == RT_BPF_H ? 2 :
	       size == RT_BPF_W ? 4 : 8;
}

/* A u64 load of exactly a 4-byte scalar field: a long or a pointer of a
 * 32-bit kernel, which kern/ reads as the 64-bit value it is elsewhere. */
static bool field_narrows(const struct asm_mem *m, int size, bool sgn)
{
	const struct asm_field *f = &m->info.field;

	return m->info.n_fields == 1 && size == RT_BPF_DW && !sgn &&
	       m->value == f->offset && f->size == 4 && !f->is_array &&
	       !f->is_data_loc;
}

/* A load through field(NAME) must stay inside that field. */
static int check_field(struct asm_ctx *c, const struct asm_mem *m, int size,
		       bool sgn)
{
	const struct asm_field *f = &m->info.field;
	const char *tp = c->u->progs[c->prog].target;
	int64_t n = size_bytes(size);

	if (m->info.n_fields != 1 || field_narrows(m, size, sgn) ||
	    (m->value >= f->offset && m->value + n <= (int64_t)f->offset + f->size))
		return 0;
	if (m->value == f->offset)
		return asm_fail(c, m->off_col, "%s load is wider than field '%s' of tracepoint '%s' (%u bytes)",
				size_name(size, sgn), m->info.name, tp, f->size);
	return asm_fail(c, m->off_col, "%s load at offset %lld reads outside field '%s' of tracepoint '%s' (%u bytes at offset %u)",
			size_name(size, sgn), (long long)m->value, m->info.name,
			tp, f->size, f->offset);
}

/* r0 = *(u16 *)skb[imm] and r0 = *(u32 *)skb[rS + imm] */
static int load_skb(struct asm_ctx *c, int dst, int size, bool sgn,
		    uint32_t col)
{
	struct asm_tok t;
	struct asm_mem m;
	bool w;
	int64_t v;
	int32_t imm;
	int reg, ret;

	if (dst != 0)
		return asm_fail(c, col, "skb[] loads always load into r0");
	if (sgn || size == RT_BPF_DW)
		return asm_fail(c, col, "skb[] loads are u8, u16 or u32");
	asm_lex(c, &t);		/* skb */
	ret = asm_expect(c, "[", "an skb[] load");
	if (!ret)
		ret = asm_peek(c, &t);
	if (!ret)
		ret = asm_tok_reg(c, &t, &reg, &w);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		ret = asm_parse_mem(c, &m, false, true);
		if (!ret)
			ret = asm_expect(c, "]", "an skb[] load");
		return ret ? ret : asm_emit(c, RT_BPF_LD | RT_BPF_IND | (uint8_t)size,
					    0, m.reg, 0, m.imm, col);
	}
	ret = asm_expr(c, &v, NULL);
	if (!ret)
		ret = asm_imm32(c, v, t.col, &imm);
	if (!ret)
		ret = asm_expect(c, "]", "an skb[] load");
	return ret ? ret : asm_emit(c, RT_BPF_LD | RT_BPF_ABS | (uint8_t)size, 0,
				    0, 0, imm, col);
}

/* The 4-byte field as a 64-bit value: zero-extended (pointers, unsigned
 * long), or sign-extended when the format says signed (a syscall's long
 * ret, -errno): u32 load, then << 32 and s>> 32 (sign-extending loads need
 * cpu v4, 6.6+). */
static int load_narrow(struct asm_ctx *c, int dst, const struct asm_mem *m,
		       uint32_t col)
{
	int ret = asm_emit(c, RT_BPF_LDX | RT_BPF_MEM | RT_BPF_W, dst, m->reg,
			   m->off, 0, col);

	if (ret || !m->info.field.is_signed)
		return ret;
	ret = asm_emit(c, RT_BPF_ALU64 | RT_BPF_LSH | RT_BPF_K, dst, 0, 0, 32, col);
	return ret ? ret : asm_emit(c, RT_BPF_ALU64 | RT_BPF_ARSH | RT_BPF_K, dst,
				    0, 0, 32, col);
}

static int insn_load(struct asm_ctx *c, int dst, bool w, uint32_t col)
{
	struct asm_tok t;
	struct asm_mem m;
	int size;
	bool sgn;
	int ret;

	asm_lex(c, &t);		/* '*' */
	ret = asm_parse_size(c, &size, &sgn);
	if (!ret)
		ret = asm_peek(c, &t);
	if (ret)
		return ret;
	if (asm_tok_ident(&t, "skb"))
		return load_skb(c, dst, size, sgn, col);
	if (w && (sgn || size == RT_BPF_DW))
		return asm_fail(c, col, "a w register takes u8, u16 or u32 loads");
	ret = asm_parse_mem(c, &m, true, false);
	if (!ret)
		ret = check_field(c, &m, size, sgn);
	if (ret)
		return ret;
	if (field_narrows(&m, size, sgn))
		return load_narrow(c, dst, &m, col);
	return asm_emit(c, RT_BPF_LDX | (sgn ? RT_BPF_MEMSX : RT_BPF_MEM) |
			(uint8_t)size, dst, m.reg, m.off, 0, col);
}

/* rD = atomic_fetch_add((u64 *)(rB + off), rD), xchg_64(rB + off, rD),
 * cmpxchg_64(rB + off, r0, rS) and the verifier's spellings. */
static int insn_atomic(struct asm_ctx *c, int dst, bool w, size_t k,
		       uint32_t col)
{
	int size = atomics[k].size, src, r0;
	struct asm_tok t;
	struct asm_mem m;
	bool sgn, sw, w0;
	int ret;

	asm_lex(c, &t);		/* the name */
	ret = asm_expect(c, "(", atomics[k].name);
	if (!ret && atomics[k].cast) {
		int cast;

		ret = asm_parse_size(c, &cast, &sgn);
		if (!ret && (sgn || (cast != RT_BPF_W && cast != RT_BPF_DW)))
			ret = asm_fail(c, col, "atomic operations are u32 or u64");
		if (!ret && size && cast != size)
			ret = asm_fail(c, col, "%s takes (u64 *)", atomics[k].name);
		size = cast;
	}
	if (!ret)
		ret = asm_parse_mem(c, &m, atomics[k].cast, false);
	if (!ret)
		ret = asm_expect(c, ",", atomics[k].name);
	if (!ret && atomics[k].kind == AT_CMPXCHG) {
		ret = asm_lex_reg(c, &r0, &w0, "the compared value");
		if (!ret && r0 != 0)
			ret = asm_fail(c, col, "cmpxchg compares with r0");
		if (!ret)
			ret = asm_expect(c, ",", atomics[k].name);
	}
	if (!ret)
		ret = asm_lex_reg(c, &src, &sw, "the source of an atomic operation");
	if (!ret)
		ret = asm_expect(c, ")", atomics[k].name);
	if (ret)
		return ret;
	if (atomics[k].kind == AT_CMPXCHG && dst != 0)
		return asm_fail(c, col, "cmpxchg returns into r0 (r0 = %s(...))",
				atomics[k].name);
	if (atomics[k].kind != AT_CMPXCHG && dst != src)
		return asm_fail(c, col, "%s returns into its source register: write r%d = %s(..., r%d)",
				atomics[k].name, src, atomics[k].name, src);
	if (size == RT_BPF_DW && (w || sw))
		return asm_fail(c, col, "a u64 atomic operation takes r registers");
	return asm_emit(c, RT_BPF_STX | RT_BPF_ATOMIC | (uint8_t)size, m.reg,
			src, m.off, atomics[k].op |
			(atomics[k].kind == AT_FETCH ? RT_BPF_FETCH : 0), col);
}

static int emit_ld64(struct asm_ctx *c, int dst, int src, uint64_t v,
		     uint32_t col)
{
	int ret = asm_emit(c, RT_BPF_LD | RT_BPF_IMM | RT_BPF_DW, dst, src, 0,
			   (int32_t)(uint32_t)v, col);

	return ret ? ret : asm_emit(c, 0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32),
				    col);
}

static int expect_ll(struct asm_ctx *c, bool w, uint32_t col)
{
	struct asm_tok t;
	char b[64];
	int ret = asm_lex(c, &t);

	if (ret)
		return ret;
	if (!asm_tok_ident(&t, "ll"))
		return asm_fail(c, t.col, "expected 'll' after a map load, found %s",
				asm_tok_show(&t, b, sizeof(b)));
	if (w)
		return asm_fail(c, col, "64-bit loads (ll) take an r register");
	return 0;
}

/* rD = NAME ll (relocated by the loader) and rD = map_fd(N) ll */
static int insn_map(struct asm_ctx *c, int dst, bool w, uint32_t col)
{
	char name[ASM_NAME_MAX];
	struct asm_tok t;
	int64_t fd;
	int idx, ret;

	asm_lex(c, &t);
	if (asm_tok_ident(&t, "map_fd")) {
		ret = asm_expect(c, "(", "map_fd(N)");
		if (!ret)
			ret = asm_expr(c, &fd, NULL);
		if (!ret && (fd < 0 || fd > INT32_MAX))
			ret = asm_fail(c, t.col, "map_fd(%lld): not a file descriptor",
				       (long long)fd);
		if (!ret)
			ret = asm_expect(c, ")", "map_fd(N)");
		if (!ret)
			ret = expect_ll(c, w, col);
		return ret ? ret : emit_ld64(c, dst, RT_BPF_PSEUDO_MAP_FD,
					     (uint64_t)fd, col);
	}
	struct asm_tok ll;

	ret = asm_peek(c, &ll);
	if (ret)
		return ret;
	if (!asm_tok_ident(&ll, "ll"))
		return asm_fail(c, t.col, "unknown operand '%.*s' (a map load is written rD = MAP ll)",
				(int)(t.len > 40 ? 40 : t.len), t.s);
	ret = asm_tok_name(c, &t, name, "map");
	if (ret)
		return ret;
	idx = asm_find_map(c->u, name);
	if (idx < 0)
		return asm_fail(c, t.col, "unknown map '%s' (declare it with .map before its use)",
				name);
	ret = expect_ll(c, w, col);
	if (!ret)
		ret = asm_add_reloc(c, c->u->n_insns, (uint32_t)idx);
	return ret ? ret : emit_ld64(c, dst, RT_BPF_PSEUDO_MAP_FD, 0, col);
}

/* rD = be16 rD, rD = le32 rD (ALU class), rD = bswap64 rD (ALU64) */
static int insn_swap(struct asm_ctx *c, int dst, const struct asm_tok *t,
		     uint32_t col)
{
	bool bswap = t->len > 4;
	const char *bits = t->s + (bswap ? 5 : 2);
	int imm = bits[0] == '1' ? 16 : bits[0] == '3' ? 32 : 64;
	int src;
	bool w;
	struct asm_tok name;
	int ret;

	asm_lex(c, &name);
	ret = asm_lex_reg(c, &src, &w, "the operand of a byte swap");
	if (ret)
		return ret;
	if (src != dst)
		return asm_fail(c, col, "a byte swap works in place: write r%d = %.*s r%d",
				dst, (int)t->len, t->s, dst);
	if (bswap)
		return asm_emit(c, RT_BPF_ALU64 | RT_BPF_END | RT_BPF_TO_LE, dst, 0,
				0, imm, col);
	return asm_emit(c, RT_BPF_ALU | RT_BPF_END |
			(t->s[0] == 'b' ? RT_BPF_TO_BE : RT_BPF_TO_LE), dst, 0, 0,
			imm, col);
}

static bool is_swap(const struct asm_tok *t)
{
	static const char *const n[] = { "be16", "be32", "be64", "le16", "le32",
					 "le64", "bswap16", "bswap32", "bswap64" };

	for (size_t i = 0; i < N_OF(n); i++)
		if (asm_tok_ident(t, n[i]))
			return true;
	return false;
}

/* rD = (s8) rS: sign-extending move. false when the text is not that. */
static int try_movsx(struct asm_ctx *c, int dst, bool w, uint32_t col,
		     bool *done)
{
	const char *save = c->p;
	struct asm_tok a, b, d;
	int src, bits, ret;
	bool sw;

	*done = false;
	asm_lex(c, &a);
	ret = asm_lex(c, &b);
	if (!ret)
		ret = asm_lex(c, &d);
	if (ret || !(asm_tok_ident(&b, "s8") || asm_tok_ident(&b, "s16") ||
		     asm_tok_ident(&b, "s32")) || !asm_tok_is(&d, ")")) {
		c->p = save;
		return ret;
	}
	*done = true;
	bits = b.s[1] == '8' ? 8 : b.s[1] == '1' ? 16 : 32;
	if (w && bits == 32)
		return asm_fail(c, b.col, "w registers sign-extend from s8 or s16 only");
	ret = asm_lex_reg(c, &src, &sw, "the source of a sign-extending move");
	if (ret)
		return ret;
	if (sw != w)
		return asm_fail(c, col, "a move mixes 32-bit (w) and 64-bit (r) registers");
	return asm_emit(c, (w ? RT_BPF_ALU : RT_BPF_ALU64) | RT_BPF_MOV | RT_BPF_X,
			dst, src, bits, 0, col);
}

/* rD = -rD */
static int try_neg(struct asm_ctx *c, int dst, bool w, uint32_t col,
		   bool *done)
{
	const char *save = c->p;
	struct asm_tok m, t;
	int src, ret;
	bool sw;

	*done = false;
	asm_lex(c, &m);
	ret = asm_lex(c, &t);
	if (!ret)
		ret = asm_tok_reg(c, &t, &src, &sw);
	if (ret <= 0) {
		c->p = save;
		return ret;
	}
	*done = true;
	if (src != dst || sw != w)
		return asm_fail(c, t.col, "negation works in place: write %c%d = -%c%d",
				w ? 'w' : 'r', dst, w ? 'w' : 'r', dst);
	return asm_emit(c, (w ? RT_BPF_ALU : RT_BPF_ALU64) | RT_BPF_NEG, dst, 0,
			0, 0, col);
}

static int insn_assign(struct asm_ctx *c, int dst, bool w, uint32_t col)
{
	uint8_t cls = w ? RT_BPF_ALU : RT_BPF_ALU64;
	struct asm_tok t, ll;
	struct asm_src s;
	bool done;
	int64_t v;
	int32_t imm;
	int ret = asm_peek(c, &t);

	if (ret)
		return ret;
	if (asm_tok_is(&t, "*"))
		return insn_load(c, dst, w, col);
	if (asm_tok_is(&t, "-") || asm_tok_is(&t, "(")) {
		ret = t.s[0] == '-' ? try_neg(c, dst, w, col, &done) :
		      try_movsx(c, dst, w, col, &done);
		if (ret || done)
			return ret;
	}
	if (t.kind == TK_IDENT && !asm_is_expr_func(&t)) {
		for (size_t k = 0; k < N_OF(atomics); k++)
			if (asm_tok_ident(&t, atomics[k].name))
				return insn_atomic(c, dst, w, k, col);
		if (is_swap(&t))
			return insn_swap(c, dst, &t, col);
		ret = asm_tok_reg(c, &t, &s.reg, &s.is_w);
		if (ret < 0)
			return ret;
		if (ret == 0)
			return insn_map(c, dst, w, col);
		asm_lex(c, &t);
		if (s.is_w != w)
			return asm_fail(c, t.col, "a move mixes 32-bit (w) and 64-bit (r) registers");
		return asm_emit(c, cls | RT_BPF_MOV | RT_BPF_X, dst, s.reg, 0, 0, col);
	}
	ret = asm_expr(c, &v, NULL);
	if (!ret)
		ret = asm_peek(c, &ll);
	if (ret)
		return ret;
	if (asm_tok_ident(&ll, "ll")) {
		asm_lex(c, &ll);
		if (w)
			return asm_fail(c, col, "64-bit loads (ll) take an r register");
		return emit_ld64(c, dst, 0, (uint64_t)v, col);
	}
	if (v < INT32_MIN || v > (int64_t)UINT32_MAX)
		return asm_fail(c, t.col, "immediate %lld out of range for 32 bits (a 64-bit constant is written rD = N ll)",
				(long long)v);
	ret = w ? asm_imm32(c, v, t.col, &imm) : asm_imm32_sx(c, v, t.col, &imm);
	return ret ? ret : asm_emit(c, cls | RT_BPF_MOV | RT_BPF_K, dst, 0, 0,
				    imm, col);
}

int asm_insn_reg(struct asm_ctx *c, int dst, bool w, uint32_t col)
{
	struct asm_tok t;
	struct asm_src s;
	char b[64];
	size_t i;
	int ret = asm_lex(c, &t);

	if (ret)
		return ret;
	if (asm_tok_is(&t, "="))
		return insn_assign(c, dst, w, col);
	for (i = 0; i < N_OF(alu_ops); i++)
		if (asm_tok_is(&t, alu_ops[i].op))
			break;
	if (i == N_OF(alu_ops))
		return asm_fail(c, t.col, "expected an assignment (= += -= *= /= %%= |= &= ^= <<= >>= s>>= s/= s%%=), found %s",
				asm_tok_show(&t, b, sizeof(b)));
	ret = asm_parse_src(c, w, !w, &s);
	if (ret)
		return ret;
	return asm_emit(c, (w ? RT_BPF_ALU : RT_BPF_ALU64) | alu_ops[i].code |
			(s.x ? RT_BPF_X : RT_BPF_K), dst, s.reg, alu_ops[i].off,
			s.imm, col);
}
