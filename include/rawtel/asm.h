/* rawtel's BPF assembler and disassembler (user/asm/).
 *
 * Input is the text of one kern/ unit after cpp: the instruction syntax the
 * kernel verifier and LLVM's BPF assembler print, plus a few directives and
 * load-time extensions. cpp linemarkers (`# 12 "kern/open.S" 2`) are honoured
 * so every instruction and error carries the original kern/ file:line:col.
 * Comments run from // (or # after a blank) to the end of the line; ';'
 * separates statements on one line, as in LLVM's BPF assembler, so a cpp
 * macro can expand to several instructions.
 *
 * Directives
 *   .map NAME TYPE key=EXPR value=EXPR max=EXPR [flags=EXPR]
 *        TYPE: hash array percpu_hash percpu_array lru_hash lru_percpu_hash
 *              ringbuf perf_event_array prog_array stack_trace queue lpm_trie
 *   .prog NAME TYPE [TARGET]   starts a program; TYPE: tracepoint
 *        (TARGET cat/event), raw_tracepoint (TARGET name), kprobe, kretprobe
 *        (TARGET function), uprobe, uretprobe (no TARGET: given at attach),
 *        socket_filter. Labels are local to their program.
 *   .license "STRING"           default "GPL"
 *   .if EXPR / .elif EXPR / .else / .endif   conditional assembly on
 *        constant expressions (nestable); skipped lines are not parsed
 *        beyond finding directives. `.if !$x` for "unless", `.if $a == 2`.
 *
 * Constant expressions (immediates, offsets, directive values)
 *   integers (decimal, 0x hex, 0 octal not special), + - * / % << >> & | ^ ~
 *   unary - and !, == and != (1 or 0), C precedence, parentheses, and:
 *     $NAME          load-time constant from asm_resolver.constant
 *     field(NAME)    byte offset of field NAME of the current program's
 *                    tracepoint, from its tracefs format file
 *     sizeof(NAME)   that field's size in bytes
 *     has_field(NAME) 1 if the tracepoint has the field, else 0
 *   A 32-bit immediate is any value whose two's complement fits 32 bits
 *   (-2147483648..4294967295), except where the CPU sign-extends it to 64
 *   bits (r-register ALU operations, u64 stores): there 0x80000000..
 *   0xffffffff would silently turn negative and are refused (write -1, or
 *   load the constant with ll). 64-bit comparisons accept them as the
 *   verifier prints them (if r1 == 0xffffffff: imm -1).
 *
 * Extensions in instructions
 *   call NAME          helper by name, with or without the bpf_ prefix
 *   call LABEL         bpf-to-bpf call to a label of the current program
 *                      (a label wins over a helper of the same name)
 *   rD = MAPNAME ll    map reference: ld_imm64 with src_reg PSEUDO_MAP_FD,
 *                      imm filled by the loader (see asm_reloc)
 *   rD = map_fd(N) ll  the same with a literal fd (what the disassembler
 *                      prints for an unrelocated map load)
 *   goto LABEL / if ... goto LABEL: labels resolve to pc-relative offsets,
 *   forward and backward; `+N`, `-N`, `pc+N`, `pc-N` are accepted too.
 *   Numeric local labels, as in GNU as: `1:` may be defined any number of
 *   times in a program; `goto 1f` jumps to the nearest `1:` after the jump,
 *   `goto 1b` to the nearest one before it (a label on the jump's own line
 *   counts as before). Resolved by position, so a cpp macro that uses them
 *   can be expanded many times in one program without clashing:
 *       #define SKIP_IF_ZERO(R, INSN) if R == 0 goto 1f ; INSN ; 1:
 *   Only decimal numbers (0..4294967295) name local labels; a `1f` with no
 *   `1:` after it (or `1b` with none before) is an error.
 *   gotol LABEL: the v4 jump with a 32-bit offset, for targets beyond the
 *   16-bit range of goto.
 * Loads through field(NAME) wider than the field are an error, but one: a
 * u64 load of exactly a 4-byte scalar field (a long or pointer of a 32-bit
 * kernel) loads those 4 bytes as a 64-bit value, sign-extended when the
 * format says the field is signed (u32 load, <<= 32, s>>= 32), so kern/
 * reads longs and pointers the same on 32- and 64-bit kernels.
 */
#ifndef RAWTEL_ASM_H
#define RAWTEL_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rt_bpf.h"

#define ASM_NAME_MAX 48
#define ASM_TARGET_MAX 128

enum asm_prog_kind {
	ASM_PROG_TRACEPOINT,
	ASM_PROG_RAW_TRACEPOINT,
	ASM_PROG_KPROBE,
	ASM_PROG_KRETPROBE,
	ASM_PROG_UPROBE,
	ASM_PROG_URETPROBE,
	ASM_PROG_SOCKET_FILTER,
};

/* Where an instruction or declaration came from. */
struct asm_loc {
	uint32_t file;		/* index into asm_unit.files */
	uint32_t line;		/* 1-based */
	uint32_t col;		/* 1-based */
};

struct asm_map {
	char name[ASM_NAME_MAX];
	uint32_t type;		/* RT_BPF_MAP_TYPE_* */
	uint32_t key_size, value_size, max_entries, flags;
	struct asm_loc loc;
};

struct asm_prog {
	char name[ASM_NAME_MAX];
	enum asm_prog_kind kind;
	uint32_t prog_type;	/* RT_BPF_PROG_TYPE_* */
	char target[ASM_TARGET_MAX];	/* "syscalls/sys_enter_openat", ...;
					 * "" when given at attach */
	uint32_t start, count;	/* slice of asm_unit.insns */
	struct asm_loc loc;
};

/* insns[insn] is an ld_imm64 that must receive the fd of maps[map]. */
struct asm_reloc {
	uint32_t insn;		/* absolute index into asm_unit.insns */
	uint32_t map;
};

struct asm_unit {
	struct rt_bpf_insn *insns;	/* all programs back to back */
	struct asm_loc *locs;		/* one per insn (both halves of ld_imm64) */
	uint32_t n_insns;
	struct asm_map *maps;
	uint32_t n_maps;
	struct asm_prog *progs;
	uint32_t n_progs;
	struct asm_reloc *relocs;
	uint32_t n_relocs;
	char **files;			/* source names seen in linemarkers */
	uint32_t n_files;
	char license[64];
};

/* A tracepoint field as its tracefs format file describes it. */
struct asm_field {
	uint32_t offset;
	uint32_t size;
	bool is_signed;
	bool is_array;		/* "char comm[16]" */
	bool is_data_loc;	/* "__data_loc char[] name": u32 len<<16|off */
};

/* Callbacks that bind a unit to the running kernel and the command line.
 * Either may be NULL; then using what it resolves is an error. */
struct asm_resolver {
	/* 0 and *out, -ENOENT when the tracepoint has no such field (or does
	 * not exist), other -errno when its format cannot be read. */
	int (*field)(void *ctx, const char *tracepoint, const char *field,
		     struct asm_field *out);
	/* 0 and *val, or -ENOENT for an unknown name. */
	int (*constant)(void *ctx, const char *name, int64_t *val);
	void *ctx;
};

struct asm_error {
	char file[256];
	uint32_t line, col;
	char msg[512];
};

/* Assemble `len` bytes of `src`. `name` labels the text when it carries no
 * linemarkers. On failure returns -EINVAL (or -ENOMEM) with *err filled and
 * the unit left empty; "file:line:col: error: msg" via asm_error_format. */
int asm_assemble(const char *src, size_t len, const char *name,
		 const struct asm_resolver *res, struct asm_unit *out,
		 struct asm_error *err);
void asm_unit_free(struct asm_unit *u);
int asm_error_format(const struct asm_error *err, char *buf, size_t size);

/* Index of the program / map with this name, or -ENOENT. */
int asm_find_prog(const struct asm_unit *u, const char *name);
int asm_find_map(const struct asm_unit *u, const char *name);

/* Helper ids by name ("ringbuf_output" or "bpf_ringbuf_output"): id or
 * -ENOENT. Name by id, without "bpf_": NULL when unknown. */
int asm_helper_id(const char *name);
const char *asm_helper_name(int id);

/* Disassemble the instruction at insns[0] (and insns[1] for ld_imm64) into
 * buf, in the syntax asm_assemble reads, so that text round-trips to the
 * same bytes. Jumps print as "goto +N"/"goto -N", helper calls by name,
 * map loads as "map_fd(N)". Returns the number of instructions consumed
 * (1 or 2), -EINVAL for an encoding that is not a valid instruction (or
 * one this syntax cannot express: kfunc calls, ld_imm64 pseudo sources
 * other than map fds), -ENOSPC when buf is too small (128 bytes is). */
int asm_disasm_insn(const struct rt_bpf_insn *insns, size_t n, char *buf,
		    size_t size);
/* Print a whole program, one "N: text" line per instruction; an invalid
 * instruction prints as "N: <invalid xx xx ...>" and makes it return
 * -EINVAL after the rest is printed. */
int asm_disasm(const struct rt_bpf_insn *insns, size_t n, FILE *out);

#endif
