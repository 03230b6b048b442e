/* Separate debug files: build/progs/elf_target split with objcopy into a
 * stripped binary and its debug file, which elf_debug_attach must find in
 * each place it looks (next to the binary, .debug/, /usr/lib/debug/DIR/,
 * /usr/lib/debug/.build-id/), and refuse when its CRC or build id do not
 * match. Symbols then come from the debug file while offsets still come
 * from the stripped binary's program headers; the oracle is the unstripped
 * binary. (--strip-all, not --strip-debug: the latter keeps .symtab, and
 * then no debug file is needed.) */
/* Failure messages are cut to t.h's buffer on purpose; paths are PATH_MAX. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "rawtel/elf.h"
#include "rawtel/err.h"
#include "t.h"

static char tmp[64], bindir[128], prog[192], full[192], dbg[192];

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return n < (int)sizeof(cmd) ? system(cmd) : -1;
}

/* Offset and value of FN in F (-1 when not found). */
static int64_t func_off(struct elf_file *f, const char *fn, struct elf_sym *s)
{
	uint64_t off;

	return elf_func_find(f, fn, s, &off) ? -1 : (int64_t)off;
}

/* The debug file must be attached from WHERE, and give the unstripped
 * binary's answers. */
static void expect_attached(const char *root, const char *where)
{
	struct elf_file *f, *orig;
	struct elf_sym s, so;

	T_ASSERT(elf_open(prog, &f) == 0);
	T_EQ_INT(elf_table_count(f, ELF_SYMTAB), 0);
	T_EQ_INT(elf_debug_attach(f, root), 1);
	T_EQ_STR(elf_debug_path(f), where);
	T_ASSERT(elf_open(full, &orig) == 0);
	/* a static function: only .symtab has it */
	T_EQ_INT(func_off(f, "elf_target_local", &s), func_off(orig, "elf_target_local", &so));
	T_CHECK(func_off(f, "elf_target_local", &s) > 0);
	T_EQ_INT(s.table, ELF_SYMTAB);
	T_EQ_INT(s.value, so.value);
	T_EQ_INT(s.size, so.size);
	T_EQ_INT(func_off(f, "elf_target_fn", &s), func_off(orig, "elf_target_fn", &so));
	elf_close(orig);
	elf_close(f);
}

static int count_fn(const struct elf_sym *s, void *arg)
{
	(void)s;
	++*(int *)arg;
	return 0;
}

static void test_next_to_binary(void)
{
	struct elf_file *f, *orig;
	int a = 0, b = 0;

	expect_attached("", dbg);
	/* the same set of symbols as the unstripped binary (deduplicated) */
	T_ASSERT(elf_open(prog, &f) == 0);
	T_EQ_INT(elf_debug_attach(f, ""), 1);
	T_ASSERT(elf_open(full, &orig) == 0);
	T_EQ_INT(elf_sym_match(f, NULL, count_fn, &a), elf_sym_match(orig, NULL, count_fn, &b));
	T_EQ_INT(a, b);
	T_CHECK(a > 20);
	T_EQ_INT(elf_sym_match(f, "elf_target_fn", count_fn, &a), 1);
	elf_close(orig);
	elf_close(f);
	/* elf_open_target attaches it by itself */
	T_ASSERT(elf_open_target(prog, 0, &f) == 0);
	T_EQ_STR(elf_debug_path(f), dbg);
	elf_close(f);
}

static void test_dot_debug_dir(void)
{
	char where[256];

	snprintf(where, sizeof(where), "%s/.debug/prog.debug", bindir);
	T_ASSERT(run("mkdir -p %s/.debug && mv %s %s", bindir, dbg, where) == 0);
	expect_attached("", where);
	T_ASSERT(run("mv %s %s", where, dbg) == 0);
}

/* With a root: ROOT/usr/lib/debug/DIR/NAME, and the build-id path. */
static void test_in_root(void)
{
	char root[128], rprog[256], where[PATH_MAX], hex[64] = "";
	const uint8_t *id;
	struct elf_file *f;
	int n;

	snprintf(root, sizeof(root), "%s/root", tmp);
	snprintf(rprog, sizeof(rprog), "%s/opt/app/prog", root);
	T_ASSERT(run("mkdir -p %s/opt/app %s/usr/lib/debug/opt/app && cp %s %s && cp %s %s/usr/lib/debug/opt/app/",
		     root, root, prog, rprog, dbg, root) == 0);
	T_ASSERT(elf_open(rprog, &f) == 0);
	T_EQ_INT(elf_debug_attach(f, root), 1);
	snprintf(where, sizeof(where), "%s/usr/lib/debug/opt/app/prog.debug", root);
	T_EQ_STR(elf_debug_path(f), where);
	elf_close(f);

	/* by build id: it wins over the debuglink */
	T_ASSERT(elf_open(rprog, &f) == 0);
	n = elf_build_id(f, &id);
	T_ASSERT(n == 20, "gcc's build id is 20 bytes");
	for (int k = 0; k < n; k++)
		snprintf(hex + 2 * k, 3, "%02x", id[k]);
	snprintf(where, sizeof(where), "%s/usr/lib/debug/.build-id/%.2s/%s.debug", root, hex, hex + 2);
	T_ASSERT(run("mkdir -p %s/usr/lib/debug/.build-id/%.2s && cp %s %s", root, hex, dbg, where) == 0);
	T_EQ_INT(elf_debug_attach(f, root), 1);
	T_EQ_STR(elf_debug_path(f), where);
	elf_close(f);

	/* a debug file with another build id at that path is refused, and
	 * the debuglink one is used instead */
	T_ASSERT(run("objcopy --remove-section .note.gnu.build-id %s %s.tmp && "
		     "objcopy --add-section .note.gnu.build-id=/dev/null %s.tmp %s 2>/dev/null",
		     dbg, where, where, where) == 0);
	T_ASSERT(elf_open(rprog, &f) == 0);
	T_EQ_INT(elf_debug_attach(f, root), 1);
	snprintf(where, sizeof(where), "%s/usr/lib/debug/opt/app/prog.debug", root);
	T_EQ_STR(elf_debug_path(f), where);
	elf_close(f);
}

static void test_refused(void)
{
	struct elf_file *f;

	/* a stale debug file (CRC mismatch) is not used */
	T_ASSERT(run("cp %s %s.orig && printf x >> %s", dbg, dbg, dbg) == 0);
	T_ASSERT(elf_open(prog, &f) == 0);
	T_EQ_INT(elf_debug_attach(f, ""), 0);
	T_CHECK(elf_debug_path(f) == NULL);
	T_EQ_INT(elf_table_count(f, ELF_SYMTAB), 0);
	elf_close(f);
	T_ASSERT(run("mv %s.orig %s", dbg, dbg) == 0);
	/* a binary with its own .symtab needs none */
	T_ASSERT(elf_open(full, &f) == 0);
	T_EQ_INT(elf_debug_attach(f, ""), 0);
	elf_close(f);
	/* no debug file anywhere */
	T_ASSERT(run("mv %s %s.away", dbg, dbg) == 0);
	T_ASSERT(elf_open(prog, &f) == 0);
	T_EQ_INT(elf_debug_attach(f, ""), 0);
	T_EQ_INT(elf_func_find(f, "elf_target_local", &(struct elf_sym){ 0 }, &(uint64_t){ 0 }), -ENOENT);
	elf_close(f);
	T_ASSERT(run("mv %s.away %s", dbg, dbg) == 0);
}

int main(void)
{
	const char *p = getenv("RAWTEL_PROGS");

	snprintf(tmp, sizeof(tmp), "/tmp/rawtel-dbg.XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	snprintf(bindir, sizeof(bindir), "%s/bin", tmp);
	snprintf(full, sizeof(full), "%s/prog.full", bindir);
	snprintf(prog, sizeof(prog), "%s/prog", bindir);
	snprintf(dbg, sizeof(dbg), "%s/prog.debug", bindir);
	if (run("mkdir -p %s && cp %s/elf_target %s && cd %s && "
		"objcopy --only-keep-debug prog.full prog.debug && "
		"objcopy --strip-all --add-gnu-debuglink=prog.debug prog.full prog",
		bindir, p ? p : "build/progs", full, bindir)) {
		printf("FAIL setup: cannot split build/progs/elf_target with objcopy\n");
		return 1;
	}
	T_RUN(test_next_to_binary);
	T_RUN(test_dot_debug_dir);
	T_RUN(test_in_root);
	T_RUN(test_refused);
	run("rm -rf %s", tmp);
	return t_done();
}
