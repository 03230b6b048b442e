/* libFuzzer target for the assembler and disassembler.
 *   1. asm_assemble over the input as text, with a fake resolver. On
 *      success every instruction must disassemble and its text must
 *      assemble back to the same bytes, and the unit must be consistent;
 *      on failure the error must say where and what.
 *   2. asm_disasm_insn over the input as instructions: whatever it accepts
 *      must assemble back to the same bytes.
 * A broken property aborts, which libFuzzer reports as a crash. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/asm.h"

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Fields exist unless their name starts with 'x'; "bad" cannot be read. */
static int fake_field(void *ctx, const char *tp, const char *name,
		      struct asm_field *out)
{
	uint32_t h = hash(name) ^ hash(tp);

	(void)ctx;
	if (name[0] == 'x')
		return -ENOENT;
	if (!strcmp(name, "bad"))
		return -EIO;
	out->offset = h % 128;
	out->size = 1u << (h >> 8) % 5;
	out->is_signed = h & 1;
	out->is_array = out->size == 16;
	out->is_data_loc = out->size == 4 && (h & 2);
	return 0;
}

static int fake_const(void *ctx, const char *name, int64_t *val)
{
	(void)ctx;
	if (name[0] == 'X')
		return -ENOENT;
	*val = (int64_t)hash(name) - 0x40000000;
	return 0;
}

static const struct asm_resolver res = { fake_field, fake_const, NULL };

/* The text of one instruction assembles to exactly these n instructions. */
static void check_reassembles(const struct rt_bpf_insn *in, int n,
			      const char *text)
{
	char src[192];
	struct asm_unit u;
	struct asm_error e;
	int len = snprintf(src, sizeof(src), ".prog f socket_filter\n%s\n", text);

	if (len < 0 || (size_t)len >= sizeof(src))
		abort();
	if (asm_assemble(src, (size_t)len, "re", NULL, &u, &e)) {
		fprintf(stderr, "'%s' does not assemble: %s\n", text, e.msg);
		abort();
	}
	if (u.n_insns != (uint32_t)n || memcmp(u.insns, in, (size_t)n * sizeof(*in))) {
		fprintf(stderr, "'%s' assembles to different bytes\n", text);
		abort();
	}
	asm_unit_free(&u);
}

static void check_unit(const struct asm_unit *u)
{
	char text[128];

	for (uint32_t i = 0; i < u->n_insns; i++)
		if (u->locs[i].file >= u->n_files)
			abort();
	for (uint32_t i = 0; i < u->n_progs; i++)
		if (!u->progs[i].count ||
		    u->progs[i].start + u->progs[i].count > u->n_insns)
			abort();
	for (uint32_t i = 0; i < u->n_relocs; i++)
		if (u->relocs[i].map >= u->n_maps ||
		    u->relocs[i].insn + 1 >= u->n_insns ||
		    u->insns[u->relocs[i].insn].code != 0x18)
			abort();
	for (uint32_t i = 0; i < u->n_insns;) {
		int n = asm_disasm_insn(&u->insns[i], u->n_insns - i, text,
					sizeof(text));

		if (n <= 0) {
			fprintf(stderr, "assembled instruction %u does not disassemble\n", i);
			abort();
		}
		check_reassembles(&u->insns[i], n, text);
		i += (uint32_t)n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct asm_unit u;
	struct asm_error e;
	char text[128];

	if (asm_assemble((const char *)data, size, "fuzz", &res, &u, &e) == 0) {
		check_unit(&u);
		asm_unit_free(&u);
	} else if (!e.msg[0] || !e.file[0] || u.insns || u.n_insns) {
		abort();
	}
	for (size_t off = 0; off + 8 <= size; off += 8) {
		struct rt_bpf_insn in[2] = { { 0 } };
		size_t n = size - off >= 16 ? 2 : 1;
		int ret;

		memcpy(in, data + off, n * 8);
		ret = asm_disasm_insn(in, n, text, sizeof(text));
		if (ret > 0)
			check_reassembles(in, ret, text);
		else if (ret != -EINVAL)
			abort();
	}
	return 0;
}
