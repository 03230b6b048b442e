/* The kern/ text the binary embeds is not cpp's output byte for byte:
 * scripts/kern-pack.c drops blank and comment lines and rewrites the
 * linemarkers. Proof that nothing else changed: every unit, assembled from
 * its cpp output (build/kern/NAME.i) and from the embedded text under
 * several sets of constants and tracepoint formats, gives the same
 * instructions, maps, programs, relocations, files and source locations
 * (file, line, column) byte for byte, or the same error; every line that is
 * not blank sits at the same file and line in both; and the source line a
 * verifier rejection shows (vlog_source_line) is the same. */
#include <stdlib.h>

#include "../user/bpf/vlog.h"
#include "rawtel/arch.h"
#include "rawtel/asm.h"
#include "rawtel/events.h"
#include "rawtel/kern.h"
#include "t.h"

#define N_CONFIGS 6

static uint32_t name_hash(const char *a, const char *b, int config)
{
	uint32_t h = 2166136261u ^ (uint32_t)config;

	for (const char *p = a; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	for (const char *p = b ? b : ""; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return h ^ h >> 15;
}

/* Configs 0 and 1: every field exists; 2 and up: about two thirds do.
 * Offsets and signedness vary by name. */
static int fake_field(void *ctx, const char *tp, const char *name, struct asm_field *out)
{
	int config = *(const int *)ctx;
	uint32_t h = name_hash(tp, name, 0);

	if (config >= 2 && name_hash(tp, name, config) % 3 == 0)
		return -ENOENT;
	*out = (struct asm_field){ .offset = 8 + h % 8 * 8, .size = h & 8 ? 4 : 8,
				   .is_signed = h & 16 };
	return 0;
}

/* Sizes as a run sets them; every on/off constant off (config 0), on (1)
 * or mixed (2 and up); odd configs a 32-bit target's $uptr and $atomics. */
static int fake_const(void *ctx, const char *name, int64_t *val)
{
	static const struct {
		const char *name;
		int64_t v;
	} sizes[] = { { "ring_size", 256 << 10 }, { "wake_bytes", 32 << 10 }, { "ncpus", 4 },
		      { "capture", DATA_CAP_DEFAULT }, { "n_targets", 2 }, { "self_pid", 77 },
		      { "comm_lo", 0x6e69676e }, { "comm_hi", 0 }, { "sel_port", 8080 } };
	int config = *(const int *)ctx;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (!strcmp(name, sizes[i].name)) {
			*val = sizes[i].v;
			return 0;
		}
	if (!strcmp(name, "uptr") && config % 2) {
		*val = 4;
		return 0;
	}
	if (!strcmp(name, "atomics") && config % 2) {
		*val = 0;
		return 0;
	}
	if (!strcmp(name, "uptr") || !strcmp(name, "atomics") || !strncmp(name, "pt_", 3) ||
	    !strncmp(name, "nr_", 3))
		return arch_const(name, val);
	*val = config < 2 ? config : (int)(name_hash(name, NULL, config) & 1);
	return 0;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(4u << 20);

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	*len = fread(buf, 1, (4u << 20) - 1, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

static void same_unit(const char *name, int config, const struct asm_unit *a,
		      const struct asm_unit *b)
{
	T_ASSERT(a->n_insns == b->n_insns && a->n_maps == b->n_maps && a->n_progs == b->n_progs &&
		 a->n_relocs == b->n_relocs && a->n_files == b->n_files, "counts differ");
	if (a->n_insns && memcmp(a->insns, b->insns, a->n_insns * sizeof(*a->insns)))
		T_FAILF("kern/%s config %d: instructions differ", name, config);
	if (a->n_insns && memcmp(a->locs, b->locs, a->n_insns * sizeof(*a->locs)))
		T_FAILF("kern/%s config %d: instruction locations differ", name, config);
	if (a->n_relocs && memcmp(a->relocs, b->relocs, a->n_relocs * sizeof(*a->relocs)))
		T_FAILF("kern/%s config %d: relocations differ", name, config);
	for (uint32_t i = 0; i < a->n_files; i++)
		T_EQ_STR(a->files[i], b->files[i]);
	for (uint32_t i = 0; i < a->n_maps; i++) {
		const struct asm_map *x = &a->maps[i], *y = &b->maps[i];

		T_CHECK(!strcmp(x->name, y->name) && x->type == y->type &&
			x->key_size == y->key_size && x->value_size == y->value_size &&
			x->max_entries == y->max_entries && x->flags == y->flags &&
			!memcmp(&x->loc, &y->loc, sizeof(x->loc)), "a map differs");
	}
	for (uint32_t i = 0; i < a->n_progs; i++) {
		const struct asm_prog *x = &a->progs[i], *y = &b->progs[i];

		T_CHECK(!strcmp(x->name, y->name) && x->kind == y->kind &&
			x->prog_type == y->prog_type && !strcmp(x->target, y->target) &&
			x->start == y->start && x->count == y->count &&
			!memcmp(&x->loc, &y->loc, sizeof(x->loc)), "a program differs");
	}
	T_EQ_STR(a->license, b->license);
}

/* The source line a rejection at each of up to 64 instructions (spread
 * over the unit) would show, from either text. */
static void same_source_lines(const struct asm_unit *u, const char *orig, size_t olen,
			      const char *packed, size_t plen)
{
	uint32_t step = u->n_insns / 64 + 1;

	for (uint32_t i = 0; i < u->n_insns; i += step) {
		const struct asm_loc *l = &u->locs[i];
		char a[200] = "", b[200] = "";
		int ra = vlog_source_line(orig, olen, u->files[l->file], l->line, a, sizeof(a));
		int rb = vlog_source_line(packed, plen, u->files[l->file], l->line, b, sizeof(b));

		T_EQ_INT(ra, 0);
		T_EQ_INT(ra, rb);
		if (strcmp(a, b))
			T_FAILF("%s:%u shows \"%.60s\" from cpp, \"%.60s\" packed", u->files[l->file],
				l->line, a, b);
	}
}

/* The lines that are not blank, comments or linemarkers, each with the
 * file and line the assembler gives it (user/asm/asm_lex.c
 * asm_linemarker), as "FILE\tLINE\tTEXT\n" records. */
static char *line_map(const char *text, size_t len, const char *unit, size_t *n)
{
	char file[256], *out = malloc(len * 2 + 4096);
	const char *p = text, *end = text + len;
	unsigned long line = 1;
	size_t o = 0;

	snprintf(file, sizeof(file), "%s", unit);
	while (out && p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p)), *q = p;

		e = e ? e : end;
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (q < e && *q == '#') {
			q++;
			while (q < e && (*q == ' ' || *q == '\t'))
				q++;
			if (e - q >= 4 && !memcmp(q, "line", 4))
				for (q += 4; q < e && (*q == ' ' || *q == '\t'); q++)
					;
			if (q < e && *q >= '0' && *q <= '9') {
				char *r;
				unsigned long nl = strtoul(q, &r, 10);
				const char *f = r;

				while (f < e && (*f == ' ' || *f == '\t'))
					f++;
				if (f < e && *f == '"') {
					const char *fe = memchr(f + 1, '"', (size_t)(e - f - 1));
					if (fe && fe > f + 1 && (size_t)(fe - f) < sizeof(file))
						snprintf(file, sizeof(file), "%.*s", (int)(fe - f - 1),
							 f + 1);
				}
				line = nl;
				p = e < end ? e + 1 : end;
				continue;
			}
		} else if (q < e) {
			if (o + strlen(file) + (size_t)(e - p) + 32 > len * 2 + 4096)
				break;
			o += (size_t)sprintf(out + o, "%s\t%lu\t%.*s\n", file, line, (int)(e - p), p);
		}
		line++;
		p = e < end ? e + 1 : end;
	}
	*n = o;
	return out;
}

static void test_units_assemble_the_same(void)
{
	int units = 0, assembled = 0;

	for (const struct kern_text *k = kern_texts; k->name; k++, units++) {
		char path[256];
		size_t olen = 0, plen, ma, mb;
		const char *packed = kern_find(k->name, &plen);
		char *orig;

		snprintf(path, sizeof(path), "%s/build/kern/%s.i",
			 getenv("RAWTEL_TOP") ? getenv("RAWTEL_TOP") : ".", k->name);
		orig = read_all(path, &olen);
		T_ASSERT(orig && packed, "unit or its cpp output missing");
		T_CHECK(packed[plen] == 0, "unit not NUL-terminated");

		char *a = line_map(orig, olen, k->name, &ma), *b = line_map(packed, plen, k->name, &mb);
		T_ASSERT(a && b);
		if (ma != mb || memcmp(a, b, ma))
			T_FAILF("kern/%s: a line moved (file, line or text)", k->name);
		free(a);
		free(b);
		for (int config = 0; config < N_CONFIGS; config++) {
			struct asm_resolver res = { fake_field, fake_const, &config };
			struct asm_unit ua, ub;
			struct asm_error ea, eb;
			int ra = asm_assemble(orig, olen, k->name, &res, &ua, &ea);
			int rb = asm_assemble(packed, plen, k->name, &res, &ub, &eb);

			T_EQ_INT(ra, rb);
			if (ra || rb) {
				T_CHECK(!memcmp(&ea, &eb, sizeof(ea)), "the errors differ");
			} else {
				same_unit(k->name, config, &ua, &ub);
				if (config == 0)
					same_source_lines(&ua, orig, olen, packed, plen);
				assembled++;
			}
			if (!ra)
				asm_unit_free(&ua);
			if (!rb)
				asm_unit_free(&ub);
		}
		free(orig);
	}
	T_CHECK(units >= 10, "fewer kern/ units than expected");
	/* most configs assemble: the comparison is not only of errors */
	T_CHECK(assembled >= units * 3, "too few configs assembled");
	printf("# %d units, %d assemblies compared\n", units, assembled);
}

int main(void)
{
	T_RUN(test_units_assemble_the_same);
	return t_done();
}
