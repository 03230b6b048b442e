/* Disassembler: assemble -> disassemble -> assemble is byte-identical over
 * the whole corpus and over random encodings the disassembler accepts;
 * invalid encodings are rejected; every opcode the disassembler accepts is
 * one the oracle-checked corpus covers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm_corpus.h"
#include "rawtel/asm.h"
#include "t.h"

static struct corpus corpus;
static uint8_t corpus_ops[256];	/* opcodes the corpus assembles to */

/* Assembles `text` as one program; returns the instruction count or -1. */
static int assemble(const char *text, struct rt_bpf_insn *out, int max,
		    char *why, size_t wsz)
{
	char src[512];
	struct asm_unit u;
	struct asm_error e;
	int n;

	snprintf(src, sizeof(src), ".prog t socket_filter\n%s\n", text);
	if (asm_assemble(src, strlen(src), "rt", NULL, &u, &e)) {
		asm_error_format(&e, why, wsz);
		return -1;
	}
	n = (int)u.n_insns < max ? (int)u.n_insns : max;
	memcpy(out, u.insns, (size_t)n * sizeof(*out));
	asm_unit_free(&u);
	return n;
}

static void test_corpus_roundtrip(void)
{
	size_t insns = 0, bad = 0;

	for (size_t i = 0; i < corpus.n; i++) {
		struct rt_bpf_insn a[2], b[2];
		char text[128], why[300];
		int n = assemble(corpus.v[i].text, a, 2, why, sizeof(why)), m;

		if (n <= 0) {
			if (!bad++)
				T_FAILF("'%.100s' does not assemble: %.150s",
					corpus.v[i].text, why);
			continue;
		}
		corpus_ops[a[0].code] = 1;
		m = asm_disasm_insn(a, (size_t)n, text, sizeof(text));
		if (m != n) {
			if (!bad++)
				T_FAILF("'%.100s': disassembler returned %d", corpus.v[i].text, m);
			continue;
		}
		if (assemble(text, b, 2, why, sizeof(why)) != n ||
		    memcmp(a, b, (size_t)n * sizeof(*a))) {
			if (!bad++)
				T_FAILF("'%.100s' -> '%.100s' does not reassemble to the same bytes",
					corpus.v[i].text, text);
		}
		/* LLVM's printed form is also ours: exactly the same text */
		if (corpus.v[i].o == OR_OBJDUMP && strcmp(text, corpus.v[i].text)) {
			if (!bad++)
				T_FAILF("'%.100s' disassembles as '%.100s'",
					corpus.v[i].text, text);
		}
		insns++;
	}
	T_EQ_INT(bad, 0);
	printf("# round trip: %zu corpus instructions\n", insns);
}

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);	/* splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Random instructions biased towards fields valid encodings use (each
 * field is zero half of the time), so that a good share is accepted. */
static void random_insn(struct rt_bpf_insn *in)
{
	static const int16_t offs[] = { 1, 8, 16, 32, -1, 0x7fff };
	static const int32_t imms[] = { 1, 16, 32, 64, -1, 0x7fffffff,
					0xe1, 0xf1 };

	memset(in, 0, 2 * sizeof(*in));
	in[0].code = (uint8_t)rnd();
	in[0].dst_reg = (uint8_t)(rnd() % 2 ? 0 : rnd() % 4 ? rnd() % 11 : rnd() % 16);
	in[0].src_reg = (uint8_t)(rnd() % 2 ? 0 : rnd() % 4 ? rnd() % 11 : rnd() % 16);
	if (rnd() % 2)
		in[0].off = rnd() % 2 ? offs[rnd() % 6] : (int16_t)rnd();
	switch (rnd() % 6) {
	case 0: in[0].imm = imms[rnd() % 8]; break;
	case 1: in[0].imm = (int32_t)(rnd() & 0xf1); break;	/* atomics */
	case 2: in[0].imm = (int32_t)rnd(); break;
	default: break;
	}
	if (rnd() % 4) {	/* a plausible second half of ld_imm64 */
		in[1].imm = (int32_t)rnd();
	} else {
		uint64_t v = rnd();

		memcpy(&in[1], &v, sizeof(v));
	}
}

static void test_random_sweep(void)
{
	const long n = 300000;
	long accepted = 0, bad = 0;
	uint8_t seen[256] = { 0 };
	int distinct = 0;

	for (long i = 0; i < n; i++) {
		struct rt_bpf_insn in[2], out[2];
		char text[128], why[300];
		int m;

		random_insn(in);
		m = asm_disasm_insn(in, 2, text, sizeof(text));
		if (m == -EINVAL)
			continue;
		if (m != 1 && m != 2) {
			if (!bad++)
				T_FAILF("disassembler returned %d for code 0x%02x", m, in[0].code);
			continue;
		}
		accepted++;
		if (!seen[in[0].code]) {
			seen[in[0].code] = 1;
			distinct++;
		}
		if (assemble(text, out, 2, why, sizeof(why)) != m ||
		    memcmp(in, out, (size_t)m * sizeof(*in))) {
			if (!bad++)
				T_FAILF("code 0x%02x dst %d src %d off %d imm %d prints '%.80s', which reassembles differently (%.100s)",
					in[0].code, in[0].dst_reg, in[0].src_reg,
					in[0].off, in[0].imm, text, why);
		}
	}
	T_EQ_INT(bad, 0);
	/* every opcode the disassembler accepts is checked by an oracle */
	for (int op = 0; op < 256; op++)
		if (seen[op] && !corpus_ops[op])
			T_FAILF("opcode 0x%02x is accepted but not in the corpus", op);
	for (int op = 0; op < 256; op++)
		if (corpus_ops[op] && !seen[op])
			T_FAILF("opcode 0x%02x of the corpus never came up in the sweep", op);
	/* valid opcodes, counted from the ABI: ALU 12 ops x K/X + neg + le/be
	 * = 27; ALU64 the same but one bswap = 26; JMP ja + 11 conditions x
	 * K/X + call + exit = 25; JMP32 gotol + 22 = 23; LD imm64 + 3 abs + 3
	 * ind = 7; LDX 4 mem + 3 memsx = 7; ST 4; STX 4 mem + 2 atomic = 6 */
	T_EQ_INT(distinct, 27 + 26 + 25 + 23 + 7 + 7 + 4 + 6);
	T_CHECK(accepted > n / 10);
	printf("# random sweep: %ld of %ld accepted, %d distinct opcodes, all reassemble identically\n",
	       accepted, n, distinct);
}

struct bad_enc {
	const char *why;
	uint8_t code, dst, src;
	int16_t off;
	int32_t imm;
	uint8_t code2;		/* second slot's code, for ld_imm64 */
	int32_t imm2;
};

static void test_invalid_encodings(void)
{
	static const struct bad_enc bad[] = {
		{ "LD | IMM | W (second half of ld_imm64 alone)", 0x00, 0, 0, 0, 0, 0, 0 },
		{ "LD | IMM | H", 0x08, 1, 0, 0, 0, 0, 0 },
		{ "ALU op 0xe0", 0xe4, 1, 0, 0, 0, 0, 0 },
		{ "ALU64 op 0xf0", 0xf7, 1, 0, 0, 0, 0, 0 },
		{ "JMP op 0xe0", 0xe5, 1, 0, 0, 0, 0, 0 },
		{ "callx", 0x8d, 1, 0, 0, 0, 0, 0 },
		{ "JMP32 call", 0x86, 0, 0, 0, 1, 0, 0 },
		{ "JMP32 exit", 0x96, 0, 0, 0, 0, 0, 0 },
		{ "JA with X", 0x0d, 0, 0, 1, 0, 0, 0 },
		{ "ALU64 END with X", 0xdf, 1, 0, 0, 16, 0, 0 },
		{ "ldsx u64", 0x99, 1, 2, 0, 0, 0, 0 },
		{ "LD ABS u64", 0x38, 0, 0, 0, 4, 0, 0 },
		{ "LDX ATOMIC", 0xc1, 1, 2, 0, 0, 0, 0 },
		{ "ST ATOMIC", 0xc2, 1, 0, 0, 0, 0, 0 },
		{ "STX ATOMIC u8", 0xd3, 1, 2, 0, 0, 0, 0 },
		{ "STX MEMSX", 0x9b, 1, 2, 0, 0, 0, 0 },
		{ "LD MEM", 0x61 & ~7, 1, 2, 0, 0, 0, 0 },
		{ "dst r11", 0xb7, 11, 0, 0, 1, 0, 0 },
		{ "src r12", 0xbf, 1, 12, 0, 0, 0, 0 },
		{ "dst r15 in a load", 0x61, 15, 1, 0, 0, 0, 0 },
		{ "ALU K with src", 0x07, 1, 2, 0, 5, 0, 0 },
		{ "ALU X with imm", 0x0f, 1, 2, 0, 5, 0, 0 },
		{ "add with off", 0x07, 1, 0, 1, 5, 0, 0 },
		{ "div with off 2", 0x3f, 1, 2, 2, 0, 0, 0 },
		{ "neg with imm", 0x87, 1, 0, 0, 1, 0, 0 },
		{ "neg with X", 0x8f, 1, 2, 0, 0, 0, 0 },
		{ "END imm 8", 0xdc, 1, 0, 0, 8, 0, 0 },
		{ "END with src", 0xd4, 1, 1, 0, 16, 0, 0 },
		{ "mov K with off", 0xb7, 1, 0, 8, 1, 0, 0 },
		{ "movsx off 64", 0xbf, 1, 2, 64, 0, 0, 0 },
		{ "movsx32 from s32", 0xbc, 1, 2, 32, 0, 0, 0 },
		{ "mov X with imm", 0xbf, 1, 2, 0, 1, 0, 0 },
		{ "exit with imm", 0x95, 0, 0, 0, 1, 0, 0 },
		{ "exit with dst", 0x95, 1, 0, 0, 0, 0, 0 },
		{ "call with dst", 0x85, 1, 0, 0, 1, 0, 0 },
		{ "call with off", 0x85, 0, 0, 1, 1, 0, 0 },
		{ "kfunc call", 0x85, 0, 2, 0, 1, 0, 0 },
		{ "goto with imm", 0x05, 0, 0, 1, 1, 0, 0 },
		{ "goto with dst", 0x05, 1, 0, 1, 0, 0, 0 },
		{ "gotol with off", 0x06, 0, 0, 1, 1, 0, 0 },
		{ "jeq K with src", 0x15, 1, 2, 1, 0, 0, 0 },
		{ "jeq X with imm", 0x1d, 1, 2, 1, 1, 0, 0 },
		{ "LDX with imm", 0x61, 1, 2, 0, 1, 0, 0 },
		{ "STX MEM with imm", 0x63, 1, 2, 0, 1, 0, 0 },
		{ "ST with src", 0x62, 1, 2, 0, 1, 0, 0 },
		{ "LD ABS with dst", 0x20, 1, 0, 0, 1, 0, 0 },
		{ "LD ABS with src", 0x20, 0, 1, 0, 1, 0, 0 },
		{ "LD IND with off", 0x40, 0, 1, 1, 0, 0, 0 },
		{ "atomic imm 0xe0 (xchg without fetch)", 0xdb, 1, 2, 0, 0xe0, 0, 0 },
		{ "atomic imm 0x02", 0xdb, 1, 2, 0, 0x02, 0, 0 },
		{ "atomic sub", 0xdb, 1, 2, 0, 0x10, 0, 0 },
		{ "atomic imm 0x100 (load-acquire)", 0xdb, 1, 2, 0, 0x100, 0, 0 },
		{ "ld_imm64 with a non-zero second code", 0x18, 1, 0, 0, 1, 0x18, 0 },
		{ "ld_imm64 with off", 0x18, 1, 0, 1, 1, 0, 0 },
		{ "ld_imm64 map_value (src 2)", 0x18, 1, 2, 0, 3, 0, 0 },
		{ "ld_imm64 map_fd with a second imm", 0x18, 1, 1, 0, 3, 0, 4 },
		{ "ld_imm64 map_fd negative", 0x18, 1, 1, 0, -3, 0, 0 },
	};
	char buf[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rt_bpf_insn in[2];
		int ret;

		memset(in, 0, sizeof(in));
		in[0].code = bad[i].code;
		in[0].dst_reg = bad[i].dst & 0xf;
		in[0].src_reg = bad[i].src & 0xf;
		in[0].off = bad[i].off;
		in[0].imm = bad[i].imm;
		in[1].code = bad[i].code2;
		in[1].imm = bad[i].imm2;
		ret = asm_disasm_insn(in, 2, buf, sizeof(buf));
		if (ret != -EINVAL)
			T_FAILF("%s: returned %d (%.60s), not -EINVAL", bad[i].why,
				ret, ret > 0 ? buf : "");
	}
	/* ld_imm64 cut off after its first half */
	struct rt_bpf_insn ld = { .code = 0x18, .dst_reg = 1, .imm = 5 };

	T_EQ_INT(asm_disasm_insn(&ld, 1, buf, sizeof(buf)), -EINVAL);
	T_EQ_INT(asm_disasm_insn(NULL, 1, buf, sizeof(buf)), -EINVAL);
}

static void test_disasm_output(void)
{
	const char *src =
		".map m hash key=4 value=8 max=16\n"
		".prog p tracepoint a/b\n"
		"r6 = r1\n"
		"r1 = m ll\n"
		"if r0 == 0 goto out\n"
		"call bpf_map_lookup_elem\n"
		"call 999\n"
		"w0 = be16 w0\n"
		"out: r0 = 0\n"
		"exit\n";
	const char *want =
		"0: r6 = r1\n"
		"1: r1 = map_fd(0) ll\n"
		"3: if r0 == 0 goto +3\n"
		"4: call bpf_map_lookup_elem\n"
		"5: call 999\n"
		"6: r0 = be16 r0\n"
		"7: r0 = 0\n"
		"8: exit\n";
	struct asm_unit u;
	struct asm_error e;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	T_ASSERT(asm_assemble(src, strlen(src), "d", NULL, &u, &e) == 0);
	f = open_memstream(&text, &len);
	T_ASSERT(f);
	ret = asm_disasm(u.insns, u.n_insns, f);
	fclose(f);
	T_EQ_INT(ret, 0);
	T_EQ_STR(text, want);
	free(text);
	/* an invalid instruction is shown as raw bytes and reported */
	u.insns[0].code = 0xe7;
	text = NULL;
	f = open_memstream(&text, &len);
	T_ASSERT(f);
	ret = asm_disasm(u.insns, 1, f);
	fclose(f);
	T_EQ_INT(ret, -EINVAL);
	T_EQ_STR(text, "0: <invalid e7 16 00 00 00 00 00 00>\n");
	free(text);
	/* too small a buffer is -ENOSPC, never a truncated line */
	char small[8];

	T_EQ_INT(asm_disasm_insn(&u.insns[1], 2, small, sizeof(small)), -ENOSPC);
	asm_unit_free(&u);
}

int main(void)
{
	corpus_build(&corpus);
	T_RUN(test_corpus_roundtrip);
	T_RUN(test_random_sweep);
	T_RUN(test_invalid_encodings);
	T_RUN(test_disasm_output);
	free(corpus.v);
	return t_done();
}
