/* Disassembler: prints the syntax asm_assemble reads (LLVM's spelling), so
 * text and bytes round-trip. Anything that is not a valid instruction
 * (unknown opcode, register above r10, reserved fields set) is -EINVAL, as
 * are valid ones rawtel never emits and its syntax cannot express: kfunc
 * calls, ld_imm64 with pseudo sources other than a map fd, and the newer
 * addr_space_cast and load-acquire/store-release encodings. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rawtel/asm.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"

struct dis {
	const struct rt_bpf_insn *in;
	char *buf;
	size_t size;
};

/* ALU op strings by BPF_OP >> 4; NULL where the op prints otherwise. */
static const char *const alu_ops[16] = {
	"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
	NULL, "%=", "^=", NULL, "s>>=", NULL, NULL, NULL,
};

static const char *const jmp_ops[16] = {
	NULL, "==", ">", ">=", "&", "!=", "s>", "s>=",
	NULL, NULL, "<", "<=", "s<", "s<=", NULL, NULL,
};

static const char *const sizes[4] = { "u32", "u16", "u8", "u64" };

static int put(struct dis *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int put(struct dis *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(d->buf, d->size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= d->size)
		return err_set(ENOSPC, "disassembly buffer of %zu bytes is too small",
			       d->size);
	return 1;
}

/* "(r1 - 8)" without the parentheses */
static void mem(char *b, size_t n, int reg, long long off)
{
	fmt_snprintf(b, n, "r%d %c %lld", reg, off < 0 ? '-' : '+',
		 off < 0 ? -off : off);
}

static int dis_alu(struct dis *d)
{
	const struct rt_bpf_insn *in = d->in;
	bool r64 = RT_BPF_CLASS(in->code) == RT_BPF_ALU64;
	bool x = RT_BPF_SRC(in->code) == RT_BPF_X;
	int op = RT_BPF_OP(in->code), dst = in->dst_reg, src = in->src_reg;
	char r = r64 ? 'r' : 'w';

	switch (op) {
	case RT_BPF_NEG:
		if (x || src || in->off || in->imm)
			return -EINVAL;
		return put(d, "%c%d = -%c%d", r, dst, r, dst);
	case RT_BPF_END:
		if (src || in->off ||
		    (in->imm != 16 && in->imm != 32 && in->imm != 64))
			return -EINVAL;
		if (r64)	/* v4 bswap: ALU64 with the TO_LE bit only */
			return x ? -EINVAL : put(d, "r%d = bswap%d r%d", dst,
						 in->imm, dst);
		return put(d, "r%d = %s%d r%d", dst, x ? "be" : "le", in->imm,
			   dst);
	case RT_BPF_MOV:
		if (!x)
			return src || in->off ? -EINVAL :
			       put(d, "%c%d = %d", r, dst, in->imm);
		if (in->imm)
			return -EINVAL;
		if (!in->off)
			return put(d, "%c%d = %c%d", r, dst, r, src);
		if (in->off != 8 && in->off != 16 && (in->off != 32 || !r64))
			return -EINVAL;
		return put(d, "%c%d = (s%d)%c%d", r, dst, in->off, r, src);
	case RT_BPF_DIV:
	case RT_BPF_MOD:
		if (in->off != 0 && in->off != 1)
			return -EINVAL;
		break;
	case 0xe0:
	case 0xf0:
		return -EINVAL;
	default:
		if (in->off)
			return -EINVAL;
	}
	const char *s = in->off ? "s" : "";

	if (x)
		return in->imm ? -EINVAL : put(d, "%c%d %s%s %c%d", r, dst, s,
					       alu_ops[op >> 4], r, src);
	return src ? -EINVAL : put(d, "%c%d %s%s %d", r, dst, s,
				   alu_ops[op >> 4], in->imm);
}

static int dis_jmp(struct dis *d)
{
	const struct rt_bpf_insn *in = d->in;
	bool j32 = RT_BPF_CLASS(in->code) == RT_BPF_JMP32;
	bool x = RT_BPF_SRC(in->code) == RT_BPF_X;
	int op = RT_BPF_OP(in->code), dst = in->dst_reg, src = in->src_reg;
	char r = j32 ? 'w' : 'r';
	const char *name;

	switch (op) {
	case RT_BPF_JA:
		if (x || src || dst)
			return -EINVAL;
		if (j32)	/* v4 gotol: the offset is imm */
			return in->off ? -EINVAL : put(d, "gotol %+d", in->imm);
		return in->imm ? -EINVAL : put(d, "goto %+d", in->off);
	case RT_BPF_CALL:
		if (j32 || x || dst || in->off)
			return -EINVAL;
		if (src == RT_BPF_PSEUDO_CALL)
			return put(d, "call pc%+d", in->imm);
		if (src)
			return -EINVAL;	/* kfunc calls need BTF: not ours */
		name = asm_helper_name(in->imm);
		return name ? put(d, "call bpf_%s", name) : put(d, "call %d", in->imm);
	case RT_BPF_EXIT:
		if (j32 || x || src || dst || in->off || in->imm)
			return -EINVAL;
		return put(d, "exit");
	case 0xe0:
	case 0xf0:
		return -EINVAL;
	}
	if (x)
		return in->imm ? -EINVAL : put(d, "if %c%d %s %c%d goto %+d", r,
					       dst, jmp_ops[op >> 4], r, src,
					       in->off);
	return src ? -EINVAL : put(d, "if %c%d %s %d goto %+d", r, dst,
				   jmp_ops[op >> 4], in->imm, in->off);
}

static int dis_ld(struct dis *d, size_t n)
{
	const struct rt_bpf_insn *in = d->in;
	int size = RT_BPF_SIZE(in->code);
	char m[48];

	switch (RT_BPF_MODE(in->code)) {
	case RT_BPF_IMM:
		if (size != RT_BPF_DW || n < 2 || in->off ||
		    in->src_reg > RT_BPF_PSEUDO_MAP_FD)
			return -EINVAL;
		const struct rt_bpf_insn *hi = &in[1];

		if (hi->code || hi->dst_reg || hi->src_reg || hi->off)
			return -EINVAL;
		if (in->src_reg == RT_BPF_PSEUDO_MAP_FD) {
			if (hi->imm || in->imm < 0)
				return -EINVAL;
			return put(d, "r%d = map_fd(%d) ll", in->dst_reg, in->imm) < 0
				? -ENOSPC : 2;
		}
		uint64_t v = (uint64_t)(uint32_t)hi->imm << 32 |
			     (uint32_t)in->imm;

		return put(d, "r%d = %lld ll", in->dst_reg, (long long)v) < 0 ?
		       -ENOSPC : 2;
	case RT_BPF_ABS:
		if (size == RT_BPF_DW || in->dst_reg || in->src_reg || in->off)
			return -EINVAL;
		return put(d, "r0 = *(%s *)skb[%d]", sizes[size >> 3], in->imm);
	case RT_BPF_IND:
		if (size == RT_BPF_DW || in->dst_reg || in->off)
			return -EINVAL;
		if (!in->imm)
			return put(d, "r0 = *(%s *)skb[r%d]", sizes[size >> 3],
				   in->src_reg);
		mem(m, sizeof(m), in->src_reg, in->imm);
		return put(d, "r0 = *(%s *)skb[%s]", sizes[size >> 3], m);
	}
	return -EINVAL;
}

static int dis_ldx(struct dis *d)
{
	const struct rt_bpf_insn *in = d->in;
	int size = RT_BPF_SIZE(in->code);
	char m[48];

	mem(m, sizeof(m), in->src_reg, in->off);
	if (in->imm)
		return -EINVAL;
	if (RT_BPF_MODE(in->code) == RT_BPF_MEM)
		return put(d, "r%d = *(%s *)(%s)", in->dst_reg, sizes[size >> 3], m);
	if (RT_BPF_MODE(in->code) != RT_BPF_MEMSX || size == RT_BPF_DW)
		return -EINVAL;
	return put(d, "r%d = *(s%d *)(%s)", in->dst_reg,
		   size == RT_BPF_B ? 8 : size == RT_BPF_H ? 16 : 32, m);
}

static int dis_atomic(struct dis *d, const char *m)
{
	const struct rt_bpf_insn *in = d->in;
	int size = RT_BPF_SIZE(in->code), src = in->src_reg;
	char r = size == RT_BPF_DW ? 'r' : 'w';
	static const char *const ops[16] = {
		[RT_BPF_ADD >> 4] = "add", [RT_BPF_OR >> 4] = "or",
		[RT_BPF_AND >> 4] = "and", [RT_BPF_XOR >> 4] = "xor",
	};

	if (size != RT_BPF_W && size != RT_BPF_DW)
		return -EINVAL;
	if (in->imm == RT_BPF_XCHG)
		return put(d, "%c%d = xchg%s(%s, %c%d)", r, src,
			   r == 'r' ? "_64" : "32_32", m, r, src);
	if (in->imm == RT_BPF_CMPXCHG)
		return put(d, "%c0 = cmpxchg%s(%s, %c0, %c%d)", r,
			   r == 'r' ? "_64" : "32_32", m, r, r, src);
	if (in->imm & ~(0xf0 | RT_BPF_FETCH) || !ops[in->imm >> 4])
		return -EINVAL;
	if (in->imm & RT_BPF_FETCH)
		return put(d, "%c%d = atomic_fetch_%s((%s *)(%s), %c%d)", r, src,
			   ops[in->imm >> 4], sizes[size >> 3], m, r, src);
	return put(d, "lock *(%s *)(%s) %s %c%d", sizes[size >> 3], m,
		   alu_ops[in->imm >> 4], r, src);
}

static int dis_store(struct dis *d)
{
	const struct rt_bpf_insn *in = d->in;
	int size = RT_BPF_SIZE(in->code), mode = RT_BPF_MODE(in->code);
	char m[48];

	mem(m, sizeof(m), in->dst_reg, in->off);
	if (RT_BPF_CLASS(in->code) == RT_BPF_ST)
		return mode != RT_BPF_MEM || in->src_reg ? -EINVAL :
		       put(d, "*(%s *)(%s) = %d", sizes[size >> 3], m, in->imm);
	if (mode == RT_BPF_ATOMIC)
		return dis_atomic(d, m);
	if (mode != RT_BPF_MEM || in->imm)
		return -EINVAL;
	return put(d, "*(%s *)(%s) = r%d", sizes[size >> 3], m, in->src_reg);
}

int asm_disasm_insn(const struct rt_bpf_insn *insns, size_t n, char *buf,
		    size_t size)
{
	struct dis d = { insns, buf, size };
	int ret;

	if (!insns || !n || !buf || !size)
		return err_set(EINVAL, "asm_disasm_insn: no instruction or no buffer");
	if (insns->dst_reg > 10 || insns->src_reg > 10) {
		ret = -EINVAL;
	} else {
		switch (RT_BPF_CLASS(insns->code)) {
		case RT_BPF_ALU:
		case RT_BPF_ALU64:
			ret = dis_alu(&d);
			break;
		case RT_BPF_JMP:
		case RT_BPF_JMP32:
			ret = dis_jmp(&d);
			break;
		case RT_BPF_LD:
			ret = dis_ld(&d, n);
			break;
		case RT_BPF_LDX:
			ret = dis_ldx(&d);
			break;
		default:
			ret = dis_store(&d);
		}
	}
	if (ret == -EINVAL)
		return err_set(EINVAL, "invalid BPF instruction: code 0x%02x dst %d src %d off %d imm %d",
			       insns->code, insns->dst_reg, insns->src_reg,
			       insns->off, insns->imm);
	return ret;
}

int asm_disasm(const struct rt_bpf_insn *insns, size_t n, FILE *out)
{
	size_t bad = 0, n_bad = 0;
	char buf[128];

	if (!out || (!insns && n))
		return err_set(EINVAL, "asm_disasm: no instructions or no output");
	for (size_t i = 0; i < n;) {
		int ret = asm_disasm_insn(&insns[i], n - i, buf, sizeof(buf));

		if (ret < 0) {
			const uint8_t *b = (const uint8_t *)&insns[i];

			fmt_fprintf(out, "%zu: <invalid %02x %02x %02x %02x %02x %02x %02x %02x>\n",
				i, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
			if (!n_bad++)
				bad = i;
			i++;
			continue;
		}
		fmt_fprintf(out, "%zu: %s\n", i, buf);
		i += (size_t)ret;
	}
	if (ferror(out))
		return err_set(EIO, "cannot write the disassembly");
	if (n_bad)
		return err_set(EINVAL, "%zu invalid instruction(s), the first at index %zu (code 0x%02x)",
			       n_bad, bad, insns[bad].code);
	return 0;
}
