/* A corpus of every instruction form, with a spread of registers, offsets
 * and immediates, for the assembler's oracle and round-trip tests. Each
 * line names the oracle that checks it:
 *   OR_LLVM_MC   llvm-mc-14 assembles the same text; bytes must match.
 *                Every form LLVM 14's BPF parser reads.
 *   OR_OBJDUMP   llvm-objdump-14 (--mattr=+alu32) disassembles our bytes
 *                back to exactly this text: the fetch atomics, xchg and
 *                cmpxchg (64- and 32-bit), which llvm-mc-14 cannot parse.
 *   OR_ABI       the expected encoding is written here from the ABI facts
 *                (opcode = class | op | source ...), with the host's
 *                <linux/bpf.h> constants, not rawtel's: jset, mod, store
 *                immediate, the v4 instructions (sdiv/smod, movsx, ldsx,
 *                bswap, gotol), LD_IND with an offset, bpf-to-bpf calls,
 *                map_fd loads, helper calls by name and the verifier's
 *                spellings. */
#ifndef ASM_CORPUS_H
#define ASM_CORPUS_H

#include <linux/bpf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* v4 sign-extending load mode (Documentation/bpf/standardization/
 * instruction-set.rst); newer than the host headers of Debian 12. */
#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80
#endif

enum asm_oracle { OR_LLVM_MC, OR_OBJDUMP, OR_ABI };

struct citem {
	char text[112];
	enum asm_oracle o;
	uint8_t exp[16];	/* OR_ABI: the expected bytes */
	int n;			/* their count (8 or 16) */
};

struct corpus {
	struct citem *v;
	size_t n, cap;
};

static struct citem *c_add(struct corpus *c, enum asm_oracle o,
			   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct citem *c_add(struct corpus *c, enum asm_oracle o,
			   const char *fmt, ...)
{
	va_list ap;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		if (!c->v)
			abort();
	}
	struct citem *it = &c->v[c->n++];

	memset(it, 0, sizeof(*it));
	it->o = o;
	va_start(ap, fmt);
	vsnprintf(it->text, sizeof(it->text), fmt, ap);
	va_end(ap);
	return it;
}

/* Appends one 8-byte instruction: code, dst | src << 4, off LE, imm LE. */
static void c_enc(struct citem *it, int code, int dst, int src, int off,
		  int32_t imm)
{
	uint8_t *b = it->exp + it->n;
	uint32_t u = (uint32_t)imm;

	b[0] = (uint8_t)code;
	b[1] = (uint8_t)(dst | src << 4);
	b[2] = (uint8_t)((uint16_t)off & 0xff);
	b[3] = (uint8_t)((uint16_t)off >> 8);
	for (int i = 0; i < 4; i++)
		b[4 + i] = (uint8_t)(u >> (8 * i));
	it->n += 8;
}

/* sx: the written value is not what a 64-bit operation, which sign-extends
 * its immediate, would use; rawtel refuses those there (LLVM does not). */
static const struct {
	const char *text;
	int32_t v;
	int sx;
} c_imms[] = {
	{ "0", 0, 0 }, { "1", 1, 0 }, { "-1", -1, 0 },
	{ "-2147483648", INT32_MIN, 0 }, { "2147483647", INT32_MAX, 0 },
	{ "0x7fffffff", INT32_MAX, 0 }, { "0xffffffff", -1, 1 },
	{ "0x80000000", INT32_MIN, 1 }, { "42", 42, 0 }, { "-4096", -4096, 0 },
};
#define N_IMMS (int)(sizeof(c_imms) / sizeof(c_imms[0]))

static const struct {
	const char *text;	/* as LLVM prints it, but for the hex one */
	int16_t v;
	int hex;
} c_offs[] = {
	{ "+ 0", 0, 0 }, { "+ 1", 1, 0 }, { "- 1", -1, 0 }, { "+ 8", 8, 0 },
	{ "- 8", -8, 0 }, { "+ 32767", 32767, 0 }, { "- 32768", -32768, 0 },
	{ "+ 0x10", 16, 1 },
};
#define N_OFFS (int)(sizeof(c_offs) / sizeof(c_offs[0]))

static const int c_regs[][2] = {
	{ 0, 1 }, { 1, 2 }, { 2, 0 }, { 3, 4 }, { 5, 6 }, { 7, 8 }, { 9, 10 },
	{ 10, 9 }, { 6, 6 },
};
#define N_REGS (int)(sizeof(c_regs) / sizeof(c_regs[0]))

static const int c_joffs[] = { 0, 1, -1, 100, -100, 32767, -32768 };
#define N_JOFFS (int)(sizeof(c_joffs) / sizeof(c_joffs[0]))

static const char *const c_sizes[] = { "u32", "u16", "u8", "u64" };
/* BPF_W H B DW are 0x00 0x08 0x10 0x18: the size name's index << 3 */

static void corpus_llvm_mc(struct corpus *c)
{
	static const char *const ops[] = { "+=", "-=", "*=", "/=", "|=", "&=",
					   "<<=", ">>=", "^=", "s>>=", "=" };
	static const char *const jops[] = { "==", "!=", ">", ">=", "<", "<=",
					    "s>", "s>=", "s<", "s<=" };
	static const struct {
		const char *text;
	} ld64[] = {
		{ "0" }, { "1" }, { "-1" }, { "0x123456789" },
		{ "-9223372036854775808" }, { "9223372036854775807" },
		{ "0xffffffff" }, { "4294967296" }, { "0xffffffffffffffff" },
	};
	static const char *const lock_ops[] = { "+=", "&=", "|=", "^=" };

	for (int w = 0; w < 2; w++) {
		char r = w ? 'w' : 'r';

		for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
			for (int i = 0; i < N_REGS; i++)
				c_add(c, OR_LLVM_MC, "%c%d %s %c%d", r, c_regs[i][0],
				      ops[o], r, c_regs[i][1]);
			for (int i = 0; i < N_IMMS; i++)
				if (w || !c_imms[i].sx)
					c_add(c, OR_LLVM_MC, "%c%d %s %s", r, i % 11,
					      ops[o], c_imms[i].text);
		}
		for (int d = 0; d <= 10; d++)
			c_add(c, OR_LLVM_MC, "%c%d = -%c%d", r, d, r, d);
		for (size_t o = 0; o < sizeof(jops) / sizeof(jops[0]); o++) {
			for (int i = 0; i < N_REGS; i++)
				for (int j = 0; j < N_JOFFS; j++)
					c_add(c, OR_LLVM_MC, "if %c%d %s %c%d goto %+d",
					      r, c_regs[i][0], jops[o], r,
					      c_regs[i][1], c_joffs[j]);
			for (int i = 0; i < N_IMMS; i++)
				for (int j = 0; j < N_JOFFS; j++)
					c_add(c, OR_LLVM_MC, "if %c%d %s %s goto %+d",
					      r, (i + j) % 11, jops[o],
					      c_imms[i].text, c_joffs[j]);
		}
	}
	for (int b = 0; b < 2; b++)
		for (int bits = 16; bits <= 64; bits *= 2)
			for (int d = 0; d <= 10; d += 5)
				c_add(c, OR_LLVM_MC, "r%d = %s%d r%d", d,
				      b ? "be" : "le", bits, d);
	for (int j = 0; j < N_JOFFS; j++)
		c_add(c, OR_LLVM_MC, "goto %+d", c_joffs[j]);
	c_add(c, OR_LLVM_MC, "call 0");
	c_add(c, OR_LLVM_MC, "call 1");
	c_add(c, OR_LLVM_MC, "call 130");
	c_add(c, OR_LLVM_MC, "call 211");
	c_add(c, OR_LLVM_MC, "call 4096");
	c_add(c, OR_LLVM_MC, "exit");
	for (int s = 0; s < 4; s++) {
		for (int i = 0; i < N_REGS; i++)
			for (int k = 0; k < N_OFFS; k++) {
				c_add(c, OR_LLVM_MC, "r%d = *(%s *)(r%d %s)",
				      c_regs[i][0], c_sizes[s], c_regs[i][1],
				      c_offs[k].text);
				c_add(c, OR_LLVM_MC, "*(%s *)(r%d %s) = r%d",
				      c_sizes[s], c_regs[i][0], c_offs[k].text,
				      c_regs[i][1]);
			}
		if (s == 3)
			continue;
		for (int i = 0; i < N_REGS; i++) {	/* 32-bit subregisters */
			c_add(c, OR_LLVM_MC, "w%d = *(%s *)(r%d %s)", c_regs[i][0],
			      c_sizes[s], c_regs[i][1], c_offs[i % N_OFFS].text);
			c_add(c, OR_LLVM_MC, "*(%s *)(r%d %s) = w%d", c_sizes[s],
			      c_regs[i][0], c_offs[i % N_OFFS].text, c_regs[i][1]);
		}
		for (int i = 0; i < N_IMMS; i++)
			c_add(c, OR_LLVM_MC, "r0 = *(%s *)skb[%s]", c_sizes[s],
			      c_imms[i].text);
		for (int d = 0; d <= 10; d++)
			c_add(c, OR_LLVM_MC, "r0 = *(%s *)skb[r%d]", c_sizes[s], d);
	}
	for (size_t i = 0; i < sizeof(ld64) / sizeof(ld64[0]); i++)
		for (int d = 0; d <= 10; d += 5)
			c_add(c, OR_LLVM_MC, "r%d = %s ll", d, ld64[i].text);
	for (int o = 0; o < 4; o++)
		for (int i = 0; i < N_REGS; i++) {
			c_add(c, OR_LLVM_MC, "lock *(u64 *)(r%d %s) %s r%d",
			      c_regs[i][0], c_offs[i % N_OFFS].text, lock_ops[o],
			      c_regs[i][1]);
			c_add(c, OR_LLVM_MC, "lock *(u32 *)(r%d %s) %s w%d",
			      c_regs[i][0], c_offs[(i + 3) % N_OFFS].text,
			      lock_ops[o], c_regs[i][1]);
		}
}

static void corpus_objdump(struct corpus *c)
{
	static const char *const ops[] = { "add", "and", "or", "xor" };

	for (int s = 0; s < 2; s++) {
		char r = s ? 'r' : 'w';
		const char *sz = s ? "u64" : "u32";

		for (int i = 0; i < N_REGS; i++) {
			int base = c_regs[i][0], src = c_regs[i][1];
			const char *off = c_offs[i % 7].text;	/* decimal ones */

			for (int o = 0; o < 4; o++)
				c_add(c, OR_OBJDUMP, "%c%d = atomic_fetch_%s((%s *)(r%d %s), %c%d)",
				      r, src, ops[o], sz, base, off, r, src);
			c_add(c, OR_OBJDUMP, "%c%d = xchg%s(r%d %s, %c%d)", r, src,
			      s ? "_64" : "32_32", base, off, r, src);
			c_add(c, OR_OBJDUMP, "%c0 = cmpxchg%s(r%d %s, %c0, %c%d)", r,
			      s ? "_64" : "32_32", base, off, r, r, src);
		}
	}
}

static void abi(struct corpus *c, int code, int dst, int src, int off,
		int32_t imm, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void abi(struct corpus *c, int code, int dst, int src, int off,
		int32_t imm, const char *fmt, ...)
{
	struct citem *it = c_add(c, OR_ABI, "%s", "");
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(it->text, sizeof(it->text), fmt, ap);
	va_end(ap);
	c_enc(it, code, dst, src, off, imm);
}

static void corpus_abi(struct corpus *c)
{
	static const int sizes[] = { BPF_W, BPF_H, BPF_B, BPF_DW };

	for (int w = 0; w < 2; w++) {
		char r = w ? 'w' : 'r';
		int alu = w ? BPF_ALU : BPF_ALU64, jmp = w ? BPF_JMP32 : BPF_JMP;

		for (int i = 0; i < N_REGS; i++) {
			int d = c_regs[i][0], s = c_regs[i][1];

			for (int j = 0; j < N_JOFFS; j++)
				abi(c, jmp | BPF_JSET | BPF_X, d, s, c_joffs[j], 0,
				    "if %c%d & %c%d goto %+d", r, d, r, s, c_joffs[j]);
			abi(c, alu | BPF_MOD | BPF_X, d, s, 0, 0, "%c%d %%= %c%d", r, d, r, s);
			/* v4: signed division and modulo are DIV/MOD with off 1 */
			abi(c, alu | BPF_DIV | BPF_X, d, s, 1, 0, "%c%d s/= %c%d", r, d, r, s);
			abi(c, alu | BPF_MOD | BPF_X, d, s, 1, 0, "%c%d s%%= %c%d", r, d, r, s);
			/* v4: sign-extending move is MOV X with off = source bits */
			abi(c, alu | BPF_MOV | BPF_X, d, s, 8, 0, "%c%d = (s8)%c%d", r, d, r, s);
			abi(c, alu | BPF_MOV | BPF_X, d, s, 16, 0, "%c%d = (s16) %c%d", r, d, r, s);
			if (!w)
				abi(c, alu | BPF_MOV | BPF_X, d, s, 32, 0, "r%d = (s32)r%d", d, s);
		}
		for (int i = 0; i < N_IMMS; i++) {
			int d = i % 11;

			if (!w && c_imms[i].sx) {	/* refused: see c_imms */
				abi(c, jmp | BPF_JSET | BPF_K, d, 0, 0, c_imms[i].v,
				    "if %c%d & %s goto +0", r, d, c_imms[i].text);
				continue;
			}
			for (int j = 0; j < N_JOFFS; j += 3)
				abi(c, jmp | BPF_JSET | BPF_K, d, 0, c_joffs[j], c_imms[i].v,
				    "if %c%d & %s goto %+d", r, d, c_imms[i].text, c_joffs[j]);
			abi(c, alu | BPF_MOD | BPF_K, d, 0, 0, c_imms[i].v, "%c%d %%= %s", r, d, c_imms[i].text);
			abi(c, alu | BPF_DIV | BPF_K, d, 0, 1, c_imms[i].v, "%c%d s/= %s", r, d, c_imms[i].text);
			abi(c, alu | BPF_MOD | BPF_K, d, 0, 1, c_imms[i].v, "%c%d s%%= %s", r, d, c_imms[i].text);
		}
	}
	for (int s = 0; s < 4; s++)
		for (int i = 0; i < N_REGS; i++)
			for (int k = 0; k < N_OFFS; k++) {
				int32_t imm = c_imms[(i + k) % N_IMMS].v;

				if (s < 3 || !c_imms[(i + k) % N_IMMS].sx)
					abi(c, BPF_ST | BPF_MEM | sizes[s], c_regs[i][0], 0,
					    c_offs[k].v, imm, "*(%s *)(r%d %s) = %s",
					    c_sizes[s], c_regs[i][0], c_offs[k].text,
					    c_imms[(i + k) % N_IMMS].text);
				if (s < 3)	/* v4 ldsx: s8 s16 s32 */
					abi(c, BPF_LDX | BPF_MEMSX | sizes[s], c_regs[i][0],
					    c_regs[i][1], c_offs[k].v, 0, "r%d = *(s%d *)(r%d %s)",
					    c_regs[i][0], s == 0 ? 32 : s == 1 ? 16 : 8,
					    c_regs[i][1], c_offs[k].text);
			}
	/* v4 bswap: ALU64 | END with the TO_LE (0) source bit */
	for (int bits = 16; bits <= 64; bits *= 2)
		for (int d = 0; d <= 10; d++)
			abi(c, BPF_ALU64 | BPF_END | BPF_TO_LE, d, 0, 0, bits, "r%d = bswap%d r%d", d, bits, d);
	/* v4 gotol: JMP32 | JA with the offset in imm */
	static const int32_t gl[] = { 0, 1, -1, 32768, -32769, 65536, INT32_MAX, INT32_MIN };

	for (size_t i = 0; i < sizeof(gl) / sizeof(gl[0]); i++)
		abi(c, BPF_JMP32 | BPF_JA, 0, 0, 0, gl[i], "gotol %+d", gl[i]);
	for (int s = 0; s < 3; s++)
		for (int i = 0; i < N_IMMS; i++) {
			int reg = i % 11;

			if (c_imms[i].v < 0 && c_imms[i].text[0] == '-')
				abi(c, BPF_LD | BPF_IND | sizes[s], 0, reg, 0, c_imms[i].v,
				    "r0 = *(%s *)skb[r%d - %s]", c_sizes[s], reg, c_imms[i].text + 1);
			else
				abi(c, BPF_LD | BPF_IND | sizes[s], 0, reg, 0, c_imms[i].v,
				    "r0 = *(%s *)skb[r%d + %s]", c_sizes[s], reg, c_imms[i].text);
		}
	for (int j = 0; j < N_JOFFS; j++)
		abi(c, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, c_joffs[j], "call pc%+d", c_joffs[j]);
	for (int fd = 0; fd < 3; fd++) {
		struct citem *it = c_add(c, OR_ABI, "r%d = map_fd(%d) ll", fd * 5, fd * 1000);

		c_enc(it, BPF_LD | BPF_IMM | BPF_DW, fd * 5, BPF_PSEUDO_MAP_FD, 0, fd * 1000);
		c_enc(it, 0, 0, 0, 0, 0);
	}
	/* helpers by name: ids from the host's enum bpf_func_id */
	abi(c, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem, "call bpf_map_lookup_elem");
	abi(c, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem, "call map_lookup_elem");
	abi(c, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_output, "call bpf_ringbuf_output");
	abi(c, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_probe_read_user_str, "call probe_read_user_str");
	abi(c, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ktime_get_ns, "call bpf_ktime_get_ns#%d", BPF_FUNC_ktime_get_ns);
	abi(c, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_current_pid_tgid, "call bpf_get_current_pid_tgid#%d", BPF_FUNC_get_current_pid_tgid);
	abi(c, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ktime_get_tai_ns, "call bpf_ktime_get_tai_ns");
	/* the verifier's spellings */
	abi(c, BPF_JMP | BPF_JA, 0, 0, 3, 0, "goto pc+3");
	abi(c, BPF_JMP | BPF_JA, 0, 0, -7, 0, "goto pc-7");
	abi(c, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3, 0, "if r0 == 0x0 goto pc+3");
	abi(c, BPF_JMP | BPF_JNE | BPF_K, 1, 0, -2, -1, "if r1 != 0xffffffff goto pc-2");
	abi(c, BPF_JMP32 | BPF_JSGT | BPF_K, 2, 0, 1, 0x7f, "if w2 s> 0x7f goto pc+1");
	abi(c, BPF_JMP | BPF_JSET | BPF_K, 3, 0, 5, 8, "if r3 & 0x8 goto pc+5");
	abi(c, BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 5, "r1 = 0x5");
	abi(c, BPF_ALU64 | BPF_ADD | BPF_K, 10, 0, 0, -8, "r10 += -8");
	abi(c, BPF_LDX | BPF_MEM | BPF_W, 1, 2, 8, 0, "r1 = *(u32 *)(r2 +8)");
	abi(c, BPF_LDX | BPF_MEM | BPF_DW, 0, 1, -16, 0, "r0 = *(u64 *)(r1 -16)");
	abi(c, BPF_LDX | BPF_MEMSX | BPF_B, 1, 2, 0, 0, "r1 = *(s8 *)(r2 +0)");
	abi(c, BPF_STX | BPF_MEM | BPF_DW, 10, 1, -8, 0, "*(u64 *)(r10 -8) = r1");
	abi(c, BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 5, "*(u32 *)(r10 -4) = 5");
	abi(c, BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 0, BPF_ADD, "lock *(u32 *)(r1 +0) += r2");
	abi(c, BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_ADD | BPF_FETCH,
	    "r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)");
	abi(c, BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, -8, BPF_OR | BPF_FETCH,
	    "r2 = atomic_fetch_or((u32 *)(r1 -8), r2)");
	abi(c, BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_XCHG, "r2 = atomic64_xchg((u64 *)(r1 +0), r2)");
	abi(c, BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 4, BPF_XCHG, "r2 = atomic_xchg((u32 *)(r1 +4), r2)");
	abi(c, BPF_STX | BPF_ATOMIC | BPF_DW, 10, 3, -8, BPF_CMPXCHG,
	    "r0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r3)");
	abi(c, BPF_STX | BPF_ATOMIC | BPF_W, 1, 5, 4, BPF_CMPXCHG, "r0 = atomic_cmpxchg((u32 *)(r1 +4), r0, r5)");
	abi(c, BPF_LD | BPF_IND | BPF_H, 0, 1, 0, -4, "r0 = *(u16 *)skb[r1 + -4]");
	abi(c, BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 4, "r0 = *(u32 *)skb[4]");
	abi(c, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 5, "call pc+5");
}

static void corpus_build(struct corpus *c)
{
	memset(c, 0, sizeof(*c));
	corpus_llvm_mc(c);
	corpus_objdump(c);
	corpus_abi(c);
}

#endif
