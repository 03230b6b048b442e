/* Build tool: compress preprocessed kern/ units into the C file rawtel
 * embeds (build/gen/kern_text.c). The units go into one LZ77 stream, each
 * followed by a NUL: they expand the same macros, so a unit's runs are
 * mostly found in the ones before it (a stream per unit was 60% larger).
 * Each unit is first rewritten so that it packs smaller and assembles to
 * the same instructions at the same file, line and column (kp_trim; tests/
 * unit/test_kern_pack.c checks it).
 *   kern-pack build/kern/a.i ... > out.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/lz.h"

#define KERN_PACK_MAX (4u << 20)

static void unit_name(const char *path, char *name, size_t name_size)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	snprintf(name, name_size, "%.*s", (int)strcspn(base, "."), base);
}

/* A jump forward of this many lines or fewer within a file is written as
 * blank lines, a longer one as a linemarker: the blank lines pack smaller. */
#define KP_GAP 5

/* Where the assembler is in the text: the file (the linemarker's quoted
 * bytes, as cpp wrote them) and the line the next line is. */
struct kp_pos {
	const char *file;
	size_t file_len;
	unsigned long line;
};

static const char *kp_skip(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* A line the assembler takes as a linemarker (user/asm/asm_lex.c
 * asm_linemarker: blanks, '#', blanks, "line", blanks, a number, blanks, an
 * optional quoted name): 1 and *pos updated; 0 for any other line. */
static int kp_marker(const char *p, const char *e, struct kp_pos *pos)
{
	unsigned long n = 0;

	p = kp_skip(p, e);
	if (p == e || *p++ != '#')
		return 0;
	p = kp_skip(p, e);
	if (e - p >= 4 && !memcmp(p, "line", 4))
		p = kp_skip(p + 4, e);
	if (p == e || *p < '0' || *p > '9')
		return 0;
	for (; p < e && *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	p = kp_skip(p, e);
	if (p < e && *p == '"') {
		const char *f = ++p;

		while (p < e && *p != '"')
			p += *p == '\\' && p + 1 < e ? 2 : 1;
		if (p > f) {	/* an empty name keeps the file */
			pos->file = f;
			pos->file_len = (size_t)(p - f);
		}
	}
	pos->line = n;
	return 1;
}

/* Appends len bytes to out (cap bytes) at *o; -1 when they do not fit. */
static int kp_put(char *out, size_t cap, size_t *o, const char *s, size_t len)
{
	if (len > cap - *o)
		return -1;
	memcpy(out + *o, s, len);
	*o += len;
	return 0;
}

/* The marker or blank lines that take the assembler from `dst` (where the
 * next line would be) to `at` (where it must be). */
static int kp_move(char *out, size_t cap, size_t *o, const struct kp_pos *dst,
		   const struct kp_pos *at)
{
	char m[64];
	int r = 0;

	if (at->file_len != dst->file_len || memcmp(at->file, dst->file, at->file_len)) {
		snprintf(m, sizeof(m), "# %lu \"", at->line);
		r = kp_put(out, cap, o, m, strlen(m)) || kp_put(out, cap, o, at->file, at->file_len) ||
		    kp_put(out, cap, o, "\"\n", 2);
	} else if (at->line > dst->line && at->line - dst->line <= KP_GAP) {
		r = kp_put(out, cap, o, "\n\n\n\n\n", at->line - dst->line);
	} else if (at->line != dst->line) {
		snprintf(m, sizeof(m), "# %lu\n", at->line);
		r = kp_put(out, cap, o, m, strlen(m));
	}
	return r;
}

/* Writes unit `in` (its cpp output) to out (cap bytes) without blank
 * lines, comment lines (a '#' without a line number) and cpp's
 * linemarkers, with a linemarker (`# N "FILE"` or `# N`) or blank lines
 * only where a line's file or line is not the one after the line before:
 * every other line stays as it is, at the same file, line and column.
 * Returns its length, or -1 when it does not fit. */
static long kp_trim(const char *in, size_t n, char *out, size_t cap, const char *unit)
{
	struct kp_pos src = { unit, strlen(unit), 1 }, dst = src;
	const char *p = in, *end = in + n;
	size_t o = 0;

	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		struct kp_pos at = src;

		e = e ? e : end;
		if (!kp_marker(p, e, &src)) {
			const char *q = kp_skip(p, e);

			src.line++;
			if (q < e && *q != '#') {
				if (kp_move(out, cap, &o, &dst, &at) || kp_put(out, cap, &o, p, (size_t)(e - p)) ||
				    kp_put(out, cap, &o, "\n", 1))
					return -1;
				dst = at;
				dst.line++;
			}
		}
		p = e < end ? e + 1 : end;
	}
	return (long)o;
}

/* Appends the unit at `path`, rewritten, and a NUL to buf[*n..]; -1 on an
 * error. */
static int append(const char *path, const char *unit, unsigned char *buf, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *raw = malloc(KERN_PACK_MAX);
	size_t got = 0;
	long len = -1;

	if (f && raw)
		got = fread(raw, 1, KERN_PACK_MAX, f);
	if (f && raw && got < KERN_PACK_MAX)
		len = kp_trim(raw, got, (char *)buf + *n, KERN_PACK_MAX - 1 - *n, unit);
	if (f)
		fclose(f);
	free(raw);
	if (len < 0)
		return -1;
	*n += (size_t)len;
	buf[(*n)++] = 0;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned char *in = malloc(KERN_PACK_MAX), *z = malloc(KERN_PACK_MAX + KERN_PACK_MAX / 8 + 16);
	size_t n = 0, off[64];
	long zn;

	if (!in || !z || argc - 1 > 64)
		return 1;
	for (int i = 1; i < argc; i++) {
		char name[64];

		unit_name(argv[i], name, sizeof(name));
		off[i - 1] = n;
		if (append(argv[i], name, in, &n)) {
			fprintf(stderr, "kern-pack: cannot read %s\n", argv[i]);
			return 1;
		}
	}
	zn = lz_encode(in, n, z, KERN_PACK_MAX + KERN_PACK_MAX / 8 + 16);
	if (zn < 0)
		return 1;
	printf("/* generated by scripts/kern-pack from the kern/ units; do not edit */\n"
	       "#include \"rawtel/kern.h\"\n\nconst unsigned char kern_z[] = {");
	for (long i = 0; i < zn; i++)
		printf("%s0x%02x,", i % 16 ? "" : "\n\t", z[i]);
	printf("\n};\nconst size_t kern_zlen = %ld, kern_len = %zu;\n", zn, n);
	printf("const struct kern_text kern_texts[] = {\n");
	for (int i = 1; i < argc; i++) {
		char name[64];
		size_t end = i < argc - 1 ? off[i] : n;

		unit_name(argv[i], name, sizeof(name));
		printf("\t{ \"%s\", %zu, %zu },\n", name, off[i - 1], end - off[i - 1] - 1);
	}
	printf("\t{ 0, 0, 0 }\n};\n");
	free(in);
	free(z);
	return 0;
}
