/* Internals shared by the assembler's files (user/asm/). The parser works
 * one source line at a time with a cursor into the caller's buffer: tokens
 * and labels point into that buffer, so nothing is allocated per token. */
#ifndef RAWTEL_ASM_INT_H
#define RAWTEL_ASM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawtel/asm.h"

#define ASM_MAX_PROG_INSNS 1000000
#define ASM_MAX_COND_DEPTH 32
#define ASM_MAX_EXPR_DEPTH 64
#define ASM_NO_FILE UINT32_MAX

enum asm_tok_kind {
	TK_END,			/* end of line (or a comment) */
	TK_IDENT,		/* [A-Za-z_][A-Za-z0-9_]* */
	TK_NUM,			/* decimal or 0x hex, C suffixes ignored */
	TK_STR,			/* "..." (s/len exclude the quotes) */
	TK_CONST,		/* $NAME (s/len exclude the '$') */
	TK_PUNCT,		/* operator or punctuation, longest match */
};

struct asm_tok {
	enum asm_tok_kind kind;
	const char *s;
	uint32_t len;
	uint32_t col;		/* 1-based column of the token's first byte */
	uint64_t num;		/* TK_NUM */
};

struct asm_label {
	const char *name;	/* into the source text */
	uint32_t len;
	uint32_t insn;		/* absolute index the label points at */
	struct asm_loc loc;
};

enum asm_fix_kind {
	FIX_JMP,		/* 16-bit off of a jump */
	FIX_JMP32,		/* 32-bit imm of gotol */
	FIX_CALL,		/* call NAME: a label, else a helper */
};

struct asm_fixup {
	const char *name;	/* as written: "out", or "1f" */
	uint32_t len;
	uint32_t insn;
	uint8_t kind;
	uint32_t num;		/* a numeric local label's number, */
	uint32_t next;		/* and 1 + the index of the reference to it
				 * waiting before this one (0: none) */
	bool done;
	struct asm_loc loc;
};

/* A number used as a local label in the current program: where "N:" was
 * last defined, and the "Nf" references waiting for the next one. */
struct asm_nlabel {
	bool used;
	uint32_t num;
	uint32_t last;		/* insn of the latest "N:", UINT32_MAX none */
	uint32_t wait;		/* 1 + index in nfwd of the latest "Nf"
				 * still waiting, 0 none */
};

struct asm_cond {
	struct asm_loc loc;	/* of the .if, for "unterminated .if" */
	bool parent_active;	/* the region around the .if is assembled */
	bool taken;		/* some branch so far was true */
	bool seen_else;
	bool active;		/* the current branch is assembled */
};

/* What field() references an expression made, for the load-width check. */
struct asm_expr_info {
	int n_fields;
	struct asm_field field;	/* the last one */
	char name[ASM_NAME_MAX];
};

struct asm_ctx {
	struct asm_unit *u;
	struct asm_error *err;
	const struct asm_resolver *res;
	const char *end;	/* end of the whole text */
	const char *lstart;	/* start of the current line */
	const char *eol;	/* its end (before '\r'/'\n') */
	const char *p;		/* cursor within the line */
	uint32_t line;
	uint32_t next_line;	/* set by a linemarker */
	char file[256];		/* current source name */
	uint32_t file_idx;	/* its index in u->files, or ASM_NO_FILE */
	uint32_t cap_insns, cap_maps, cap_progs, cap_relocs, cap_files;
	int prog;		/* current program, -1 before the first .prog */
	struct asm_label *labels;
	uint32_t n_labels, cap_labels;
	uint32_t *lhash;	/* label index + 1, 0 = empty; size is 2^k */
	uint32_t lhash_size;
	struct asm_fixup *fix;
	uint32_t n_fix, cap_fix;
	struct asm_nlabel *nlabels;	/* by number: open addressing, 2^k */
	uint32_t n_nlabels, nlabels_size;
	struct asm_fixup *nfwd;		/* this program's "Nf" references */
	uint32_t n_nfwd, cap_nfwd, n_waiting;
	struct asm_cond cond[ASM_MAX_COND_DEPTH];
	int n_cond;
	bool license_set;
	int depth;		/* expression recursion */
};

/* asm_lex.c */
void asm_skip_ws(struct asm_ctx *c);
uint32_t asm_col(const struct asm_ctx *c);
int asm_lex(struct asm_ctx *c, struct asm_tok *t);
int asm_peek(struct asm_ctx *c, struct asm_tok *t);
bool asm_tok_is(const struct asm_tok *t, const char *s);
bool asm_tok_ident(const struct asm_tok *t, const char *s);
/* "'text'" (at most 40 bytes of it) or "end of line", for messages */
const char *asm_tok_show(const struct asm_tok *t, char *buf, size_t size);
int asm_expect(struct asm_ctx *c, const char *punct, const char *what);
int asm_expect_end(struct asm_ctx *c, const char *what);
int asm_reg(const struct asm_tok *t, bool *is_w);
bool asm_is_reg_name(const char *s, uint32_t len);
int asm_linemarker(struct asm_ctx *c);
int asm_tok_name(struct asm_ctx *c, const struct asm_tok *t, char *buf,
		 const char *what);

/* asm_unit.c: errors, growth, locations, labels */
int asm_fail(struct asm_ctx *c, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int asm_fail_at(struct asm_ctx *c, const struct asm_loc *loc,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int asm_nomem(struct asm_ctx *c);
int asm_loc_here(struct asm_ctx *c, uint32_t col, struct asm_loc *loc);
int asm_emit(struct asm_ctx *c, uint8_t code, int dst, int src, int off,
	     int32_t imm, uint32_t col);
int asm_add_label(struct asm_ctx *c, const struct asm_tok *t);
int asm_add_fixup(struct asm_ctx *c, enum asm_fix_kind kind,
		  const struct asm_tok *t, uint32_t insn);
int asm_add_reloc(struct asm_ctx *c, uint32_t insn, uint32_t map);
int asm_end_prog(struct asm_ctx *c);
int asm_fix_jump(struct asm_ctx *c, const struct asm_fixup *f,
		 uint32_t target);

/* asm_local.c: numeric local labels "N:", referenced as "Nf" / "Nb" */
int asm_local_label(struct asm_ctx *c, const struct asm_tok *t);
int asm_local_ref(struct asm_ctx *c, struct asm_tok *t, uint32_t *num);
int asm_local_fixup(struct asm_ctx *c, enum asm_fix_kind kind,
		    const struct asm_tok *t, uint32_t num, uint32_t insn);
int asm_local_end(struct asm_ctx *c);
int asm_grow(struct asm_ctx *c, void **arr, uint32_t *cap, uint32_t n,
	     size_t elem);

/* asm_expr.c */
int asm_expr(struct asm_ctx *c, int64_t *val, struct asm_expr_info *info);
int asm_imm32(struct asm_ctx *c, int64_t v, uint32_t col, int32_t *out);
int asm_imm32_sx(struct asm_ctx *c, int64_t v, uint32_t col, int32_t *out);
bool asm_is_expr_func(const struct asm_tok *t);

/* asm_dir.c */
int asm_directive(struct asm_ctx *c);
int asm_skipped_line(struct asm_ctx *c);
bool asm_active(const struct asm_ctx *c);

/* asm_insn.c */
int asm_insn(struct asm_ctx *c);

#endif
