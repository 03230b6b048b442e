/* The assembler's encodings against independent oracles (asm_corpus.h says
 * which oracle covers which form): llvm-mc-14 assembling the same text,
 * llvm-objdump-14 disassembling our bytes, and a table of ABI facts. The
 * LLVM tools are test dependencies: when they are missing the oracle
 * tests fail and say how to install them. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asm_corpus.h"
#include "rawtel/asm.h"
#include "t.h"

static struct corpus corpus;
static char tmpdir[64];

static int have_tool(const char *name)
{
	const char *path = getenv("PATH");
	char buf[512];

	while (path && *path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, name);
		if (access(buf, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

#define REQUIRE_LLVM()                                                      \
	do {                                                                \
		T_ASSERT(have_tool("llvm-mc-14") && have_tool("llvm-objdump-14"), \
			 "llvm-mc-14/llvm-objdump-14 not found: run scripts/install-deps test"); \
	} while (0)

/* Our encoding of one instruction's text: byte count, or -1 with why. */
static int asm_text(const char *text, uint8_t *out, char *why, size_t wsz)
{
	char src[256];
	struct asm_unit u;
	struct asm_error e;
	int n;

	snprintf(src, sizeof(src), ".prog t socket_filter\n%s\n", text);
	if (asm_assemble(src, strlen(src), "corpus", NULL, &u, &e)) {
		asm_error_format(&e, why, wsz);
		return -1;
	}
	n = (int)u.n_insns * 8;
	if (n > 16)
		n = 16;
	memcpy(out, u.insns, (size_t)n);
	asm_unit_free(&u);
	return n;
}

static void hex(const uint8_t *b, int n, char *out, size_t size)
{
	out[0] = 0;
	for (int i = 0; i < n && (size_t)(3 * i + 3) < size; i++)
		snprintf(out + 3 * i, size - 3 * (size_t)i, "%02x ", b[i]);
}

static int run(const char *cmd)
{
	int rc = system(cmd);

	return rc == 0 ? 0 : -1;
}

/* Parses "[0xb7,0x01,...]" after "encoding: " into b. */
/* The file `name` in tmpdir, opened with `mode` */
static FILE *tmp_open(const char *name, const char *mode)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, mode);
	T_ASSERT(f);
	return f;
}

/* An oracle's output read to its end: every line written was checked, and
 * none disagreed */
static void oracle_done(FILE *f, size_t checked, size_t count, size_t bad)
{
	fclose(f);
	T_EQ_INT(checked, count);
	T_EQ_INT(bad, 0);
}

static int parse_encoding(const char *line, uint8_t *b)
{
	const char *p = strstr(line, "encoding: [");
	int n = 0;

	if (!p)
		return -1;
	for (p += 11; *p && *p != ']' && n < 16; n++) {
		char *end;
		unsigned long v = strtoul(p, &end, 16);

		if (end == p || v > 255)
			return -1;
		b[n] = (uint8_t)v;
		p = *end == ',' ? end + 1 : end;
	}
	return *p == ']' ? n : -1;
}

/* The text of the next corpus line, from *i on, that oracle checks (*i
 * then after it); NULL past the last. */
static const char *next_for(size_t *i, enum asm_oracle oracle)
{
	while (*i < corpus.n && corpus.v[*i].o != oracle)
		(*i)++;
	return *i < corpus.n ? corpus.v[(*i)++].text : NULL;
}

/* llvm-mc's input: the lines it checks, as text; how many. */
static size_t mc_input(void)
{
	FILE *f = tmp_open("mc.s", "w");
	size_t count = 0;

	for (size_t i = 0; i < corpus.n; i++)
		if (corpus.v[i].o == OR_LLVM_MC) {
			fprintf(f, "%s\n", corpus.v[i].text);
			count++;
		}
	fclose(f);
	return count;
}

static void test_llvm_mc_differential(void)
{
	char cmd[1024], line[512], why[300];
	size_t count, checked = 0, bad = 0, i = 0;
	FILE *f;

	REQUIRE_LLVM();
	count = mc_input();
	snprintf(cmd, sizeof(cmd), "llvm-mc-14 -triple bpfel -show-encoding %s/mc.s > %s/mc.out 2> %s/mc.err",
		 tmpdir, tmpdir, tmpdir);
	T_ASSERT(run(cmd) == 0, "llvm-mc-14 rejected the corpus: see its mc.err");
	f = tmp_open("mc.out", "r");
	while (fgets(line, sizeof(line), f)) {
		uint8_t theirs[16], ours[16];
		int n = parse_encoding(line, theirs), m;
		const char *text;

		if (n < 0)
			continue;
		text = next_for(&i, OR_LLVM_MC);
		T_ASSERT(text, "llvm-mc printed more encodings than lines");
		m = asm_text(text, ours, why, sizeof(why));
		if (m != n || memcmp(ours, theirs, (size_t)n)) {
			char a[64], b[64];

			hex(theirs, n, a, sizeof(a));
			if (m > 0)
				hex(ours, m, b, sizeof(b));
			if (!bad++)
				T_FAILF("'%.100s': llvm-mc %.60s, rawtel %.150s",
					text, a, m > 0 ? b : why);
		}
		checked++;
	}
	oracle_done(f, checked, count, bad);
	printf("# llvm-mc-14 oracle: %zu instructions byte-identical\n", checked);
}

static void test_llvm_objdump_atomics(void)
{
	char cmd[1024], line[512], why[300];
	size_t count = 0, checked = 0, bad = 0, i = 0;
	FILE *f;

	REQUIRE_LLVM();
	f = tmp_open("od.s", "w");
	for (size_t i = 0; i < corpus.n; i++) {
		uint8_t b[16];
		int n;

		if (corpus.v[i].o != OR_OBJDUMP)
			continue;
		n = asm_text(corpus.v[i].text, b, why, sizeof(why));
		if (n != 8) {
			T_FAILF("'%.100s': %.200s", corpus.v[i].text, why);
			fclose(f);
			return;
		}
		fprintf(f, ".byte");
		for (int k = 0; k < n; k++)
			fprintf(f, "%s0x%02x", k ? "," : " ", b[k]);
		fprintf(f, "\n");
		count++;
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "llvm-mc-14 -triple bpfel -filetype=obj %s/od.s -o %s/od.o 2> %s/od.err && "
		 "llvm-objdump-14 -d --mattr=+alu32 --no-show-raw-insn %s/od.o > %s/od.out 2>> %s/od.err",
		 tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
	T_ASSERT(run(cmd) == 0, "llvm-mc-14/llvm-objdump-14 failed");
	f = tmp_open("od.out", "r");
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *tab;
		const char *text;

		while (isspace((unsigned char)*p))
			p++;
		if (!isdigit((unsigned char)*p) || !(tab = strchr(p, '\t')) ||
		    tab[-1] != ':')
			continue;
		tab++;
		tab[strcspn(tab, "\n")] = 0;
		text = next_for(&i, OR_OBJDUMP);
		T_ASSERT(text, "llvm-objdump printed more lines than instructions");
		if (strcmp(tab, text)) {
			if (!bad++)
				T_FAILF("rawtel's bytes for '%.100s' disassemble as '%.100s'",
					text, tab);
		}
		checked++;
	}
	oracle_done(f, checked, count, bad);
	printf("# llvm-objdump-14 oracle: %zu atomics decode to their source text\n", checked);
}

static void test_abi_table(void)
{
	size_t checked = 0, bad = 0;
	char why[300];

	for (size_t i = 0; i < corpus.n; i++) {
		const struct citem *it = &corpus.v[i];
		uint8_t ours[16];
		int n;

		if (it->o != OR_ABI)
			continue;
		n = asm_text(it->text, ours, why, sizeof(why));
		if (n != it->n || memcmp(ours, it->exp, (size_t)n)) {
			char a[64], b[64];

			hex(it->exp, it->n, a, sizeof(a));
			if (n > 0)
				hex(ours, n, b, sizeof(b));
			if (!bad++)
				T_FAILF("'%.100s': expected %.60s, rawtel %.150s",
					it->text, a, n > 0 ? b : why);
		}
		checked++;
	}
	T_EQ_INT(bad, 0);
	T_CHECK(checked > 500);
	printf("# ABI table oracle: %zu instructions\n", checked);
}

/* The oracles must see every opcode the corpus claims to cover. */
static void test_corpus_spread(void)
{
	size_t n[3] = { 0 };

	for (size_t i = 0; i < corpus.n; i++)
		n[corpus.v[i].o]++;
	printf("# corpus: %zu llvm-mc, %zu llvm-objdump, %zu ABI table\n", n[0],
	       n[1], n[2]);
	T_CHECK(n[OR_LLVM_MC] > 3000);
	T_CHECK(n[OR_OBJDUMP] > 100);
	T_CHECK(n[OR_ABI] > 500);
}

static void remove_tmpdir(void)
{
	static const char *const files[] = { "mc.s", "mc.out", "mc.err", "od.s",
					     "od.o", "od.out", "od.err" };
	char path[128];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
		unlink(path);
	}
	if (rmdir(tmpdir))
		perror(tmpdir);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rawtel-asm-llvm.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	corpus_build(&corpus);
	T_RUN(test_corpus_spread);
	T_RUN(test_llvm_mc_differential);
	T_RUN(test_llvm_objdump_atomics);
	T_RUN(test_abi_table);
	remove_tmpdir();
	free(corpus.v);
	return t_done();
}
