/* libFuzzer target for user/elf/: the input is opened as an ELF file
 * (through a memfd, so elf_open's mmap path is the one fuzzed) and every
 * lookup runs over it; the same bytes also go to the ld.so.cache parser.
 * Nothing may crash, hang or read outside the mapping (ASan). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rawtel/elf.h"

static int fz_fd = -1;
static char fz_path[64];

static int fz_count(const struct elf_sym *s, void *arg)
{
	(*(size_t *)arg) += s->name_len;
	return 0;
}

static int fz_ldc(const struct elf_ldcache_ent *e, void *arg)
{
	(*(size_t *)arg) += strlen(e->key) + strlen(e->value);
	return 0;
}

/* An exact name is looked up through the name indexes; "\\name" means
 * the same but takes the scan. Where the scan succeeds (it decodes more
 * entries, so it may fail where the index need not) both must agree. */
static void fz_exact_vs_scan(struct elf_file *f, const char *name)
{
	char esc[302];
	size_t a = 0, b = 0;
	int ra, rb;

	if (!*name || strpbrk(name, "*?[\\") || *name == '@')
		return;
	snprintf(esc, sizeof(esc), "\\%s", name);
	ra = elf_sym_match(f, name, fz_count, &a);
	rb = elf_sym_match(f, esc, fz_count, &b);
	if (rb >= 0 && (ra != rb || a != b)) {
		fprintf(stderr, "fuzz_elf: %s: index %d (%zu), scan %d (%zu)\n", name, ra, a, rb, b);
		abort();
	}
}

/* Lookups with names the file itself provides: the first symbols'. */
static void fz_lookups(struct elf_file *f)
{
	static const char *const pats[] = {
		"*", "_*", "*@*", "*@@*", "[a-m]?*", "[!_]*", "main", "foo@V1",
		"foo@@V1", "\\*", "*a*b*c*",
	};
	struct elf_sym_iter it = { 0, 0 };
	struct elf_sym s;
	const uint8_t *id;
	const char *name;
	uint32_t crc;
	uint64_t off;
	size_t sum = 0;
	int n = 0;

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++)
		elf_sym_match(f, pats[i], fz_count, &sum);
	while (elf_sym_next(f, &it, &s) > 0 && n++ < 64) {
		char buf[300];

		elf_addr_offset(f, s.value, &off);
		if (s.name_len && s.name_len < 200) {
			snprintf(buf, sizeof(buf), "%.*s%s%s", (int)s.name_len, s.name,
				 s.version ? (s.hidden ? "@" : "@@") : "",
				 s.version && strlen(s.version) < 80 ? s.version : "");
			elf_func_find(f, buf, &s, &off);
			fz_exact_vs_scan(f, buf);
		}
	}
	for (int t = ELF_DYNSYM; t <= ELF_SYMTAB; t++) {
		uint32_t cnt = elf_table_count(f, t);

		for (uint32_t i = 0; i < cnt && i < 4096; i++)
			elf_table_sym(f, t, i, &s);
		elf_table_sym(f, t, cnt, &s);
	}
	elf_addr_offset(f, 0, &off);
	elf_addr_offset(f, UINT64_MAX, &off);
	elf_build_id(f, &id);
	elf_debuglink(f, &name, &crc);
	elf_has_interp(f);
	/* a root that does not exist: the lookups run, no file is found */
	elf_debug_attach(f, "/nonexistent-rawtel-fuzz-root");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_file *f;
	size_t sum = 0;

	if (fz_fd < 0) {
		fz_fd = memfd_create("fuzz_elf", 0);
		if (fz_fd < 0)
			return 0;
		snprintf(fz_path, sizeof(fz_path), "/proc/self/fd/%d", fz_fd);
	}
	if (ftruncate(fz_fd, 0) || pwrite(fz_fd, data, size, 0) != (ssize_t)size)
		return 0;
	if (!elf_open(fz_path, &f)) {
		fz_lookups(f);
		elf_close(f);
	}
	elf_ldcache_parse(data, size, fz_ldc, &sum);
	if (size > 1 && size < 64) {
		char pat[64];

		memcpy(pat, data + 1, size - 1);
		pat[size - 1] = 0;
		elf_glob(pat, (const char *)data, data[0] % size);
	}
	return 0;
}
