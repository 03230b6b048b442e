/* Harness for scripts/bench-elf: times the ELF resolver on real files.
 * For each FILE (a path or library name): resolve = elf_open_target +
 * elf_func_find(NAME) + elf_close, where NAME is the last symbol the
 * iteration yields (the worst case for a scan) unless given as FILE:NAME;
 * glob = elf_sym_match("*alloc") on the open file; iterate = every symbol.
 * Prints the median of RUNS runs (and the first, cold-cache-ish run). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rawtel/elf.h"
#include "rawtel/err.h"

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int count_fn(const struct elf_sym *s, void *arg)
{
	(void)s;
	++*(long *)arg;
	return 0;
}

#define RUNS 21

static int bench(const char *arg)
{
	char target[4096], name[1024] = "";
	double t[RUNS], first = 0, t0;
	struct elf_sym_iter it = { 0, 0 };
	struct elf_file *f;
	struct elf_sym s;
	uint64_t off;
	long nsym = 0, nglob = 0;
	char *colon;

	snprintf(target, sizeof(target), "%s", arg);
	colon = strrchr(target, ':');
	if (colon) {
		*colon = 0;
		snprintf(name, sizeof(name), "%s", colon + 1);
	}
	if (elf_open_target(target, 0, &f)) {
		fprintf(stderr, "bench-elf: %s\n", err_msg());
		return 1;
	}
	t0 = now_us();
	while (elf_sym_next(f, &it, &s) > 0) {
		nsym++;
		if (!colon && s.shndx && (s.type == ELF_SYM_FUNC) && s.name_len < 900)
			snprintf(name, sizeof(name), "%.*s%s%s", (int)s.name_len, s.name,
				 s.version ? (s.hidden ? "@" : "@@") : "", s.version ? s.version : "");
	}
	printf("%s: %s%s%s, %ld symbols (iterate all: %.0f us)\n", target, elf_path(f),
	       elf_debug_path(f) ? " + " : "", elf_debug_path(f) ? elf_debug_path(f) : "",
	       nsym, now_us() - t0);
	for (int r = 0; r < RUNS; r++) {
		t0 = now_us();
		nglob = 0;
		elf_sym_match(f, "*alloc", count_fn, &nglob);
		t[r] = now_us() - t0;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_d);
	printf("  glob '*alloc': %ld matches, median %.0f us\n", nglob, t[RUNS / 2]);
	elf_close(f);
	if (!name[0]) {
		printf("  no defined function to look up\n");
		return 0;
	}
	for (int r = 0; r < RUNS; r++) {
		int ret;

		t0 = now_us();
		ret = elf_open_target(target, 0, &f);
		if (!ret)
			ret = elf_func_find(f, name, &s, &off);
		if (!ret)
			elf_close(f);
		t[r] = now_us() - t0;
		if (ret) {
			fprintf(stderr, "bench-elf: %s\n", err_msg());
			return 1;
		}
		if (!r)
			first = t[r];
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_d);
	printf("  resolve '%.60s%s' (open, find, close): median %.0f us, first %.0f us, offset 0x%llx\n",
	       name, strlen(name) > 60 ? "..." : "", t[RUNS / 2], first, (unsigned long long)off);
	return 0;
}

int main(int argc, char **argv)
{
	int ret = 0;

	for (int i = 1; i < argc; i++)
		ret |= bench(argv[i]);
	return ret;
}
