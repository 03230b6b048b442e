/* Operand parsers shared by asm_insn.c and asm_assign.c. */
#ifndef RAWTEL_ASM_INSN_H
#define RAWTEL_ASM_INSN_H

#include "asm_int.h"

/* A memory operand "(rB + off)", or the inside of "skb[rB + imm]". */
struct asm_mem {
	int reg;
	int off;		/* 16-bit offset */
	int32_t imm;		/* the same as a 32-bit value (skb[] forms) */
	int64_t value;		/* as written, for the field-width check */
	uint32_t col, off_col;
	struct asm_expr_info info;
};

/* The source of an ALU operation or comparison. */
struct asm_src {
	bool x;			/* a register (BPF_X), else imm (BPF_K) */
	bool is_w;
	int reg;
	int32_t imm;
	uint32_t col;
};

struct asm_target {
	bool label;
	bool local;		/* "Nf" / "Nb": a numeric local label */
	uint32_t num;		/* its N */
	struct asm_tok t;	/* the label, or the first token */
	int64_t rel;		/* for +N, -N, pc+N */
};

/* 1 and *reg when t names a register, 0 when it does not, <0 for a
 * register-like name that does not exist. */
int asm_tok_reg(struct asm_ctx *c, const struct asm_tok *t, int *reg,
		bool *is_w);
int asm_lex_reg(struct asm_ctx *c, int *reg, bool *is_w, const char *what);
int asm_parse_size(struct asm_ctx *c, int *size, bool *is_signed);
int asm_parse_mem(struct asm_ctx *c, struct asm_mem *m, bool parens,
		  bool wide);
int asm_parse_src(struct asm_ctx *c, bool dst_w, bool sx, struct asm_src *s);
int asm_insn_reg(struct asm_ctx *c, int dst, bool w, uint32_t col);

#endif
