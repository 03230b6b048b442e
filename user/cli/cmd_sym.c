/* rawtel sym [--pid PID] FILE [PATTERN]: list a binary's or library's
 * symbols, nm-like, with the file offset a uprobe on each would take. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/cli.h"
#include "rawtel/elf.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/util.h"

struct sym_row {
	struct elf_sym s;
	uint64_t off;
	int has_off;
};

struct sym_list {
	struct elf_file *f;
	struct sym_row *rows;
	size_t n, cap;
	int oom, seg_err;
	char seg_msg[256];
};

static int sym_collect(const struct elf_sym *s, void *arg)
{
	struct sym_list *l = arg;
	struct sym_row *r;

	/* as nm: section and file symbols are not what anyone looks up */
	if (!s->name_len || s->type == ELF_SYM_SECTION || s->type == ELF_SYM_FILE)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		struct sym_row *p = realloc(l->rows, cap * sizeof(*p));

		if (!p) {
			l->oom = 1;
			return 1;
		}
		l->rows = p;
		l->cap = cap;
	}
	r = &l->rows[l->n++];
	r->s = *s;
	r->has_off = 0;
	if (s->shndx != 0 && s->shndx < 0xff00 && s->type != ELF_SYM_TLS) {
		int ret = elf_addr_offset(l->f, s->value, &r->off);

		r->has_off = !ret;
		/* malformed program headers: no offsets, and say why once */
		if (ret == -ENOEXEC && !l->seg_err++)
			fmt_snprintf(l->seg_msg, sizeof(l->seg_msg), "%s", err_msg());
	}
	return 0;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct elf_sym *x = &((const struct sym_row *)a)->s;
	const struct elf_sym *y = &((const struct sym_row *)b)->s;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int c;

	if ((x->shndx == 0) != (y->shndx == 0))
		return x->shndx == 0 ? -1 : 1;	/* undefined first, as nm */
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	c = memcmp(x->name, y->name, n);
	if (c || x->name_len == y->name_len)
		return c;
	return x->name_len < y->name_len ? -1 : 1;
}

static const char *sym_type(int t)
{
	static const char *const names[] = {
		"NOTYPE", "OBJECT", "FUNC", "SECTION", "FILE", "COMMON", "TLS",
	};

	if (t < (int)(sizeof(names) / sizeof(names[0])))
		return names[t];
	return t == ELF_SYM_IFUNC ? "IFUNC" : "OTHER";
}

static const char *sym_bind(int b)
{
	switch (b) {
	case ELF_BIND_LOCAL: return "LOCAL";
	case ELF_BIND_GLOBAL: return "GLOBAL";
	case ELF_BIND_WEAK: return "WEAK";
	case ELF_BIND_UNIQUE: return "UNIQUE";
	}
	return "OTHER";
}

static void sym_print(const struct sym_list *l, int bits)
{
	int aw = bits / 4, ow = 6, sw = 4;
	char buf[32];

	for (size_t i = 0; i < l->n; i++) {
		int w = fmt_snprintf(buf, sizeof(buf), "%llx", (unsigned long long)l->rows[i].off);

		if (l->rows[i].has_off && w > ow)
			ow = w;
		w = fmt_snprintf(buf, sizeof(buf), "%llu", (unsigned long long)l->rows[i].s.size);
		if (w > sw)
			sw = w;
	}
	fmt_printf("%-*s %-*s %*s %-7s %-6s %s\n", aw, "ADDRESS", ow, "OFFSET", sw,
	       "SIZE", "TYPE", "BIND", "NAME");
	for (size_t i = 0; i < l->n; i++) {
		const struct sym_row *r = &l->rows[i];
		const struct elf_sym *s = &r->s;

		if (s->shndx == 0)
			fmt_printf("%*s ", aw, "");
		else
			fmt_printf("%0*llx ", aw, (unsigned long long)s->value);
		if (r->has_off)
			fmt_printf("%-*llx ", ow, (unsigned long long)r->off);
		else
			fmt_printf("%-*s ", ow, "-");
		fmt_printf("%*llu %-7s %-6s %.*s%s%s\n", sw, (unsigned long long)s->size,
		       sym_type(s->type), sym_bind(s->bind), (int)s->name_len, s->name,
		       s->version ? (s->hidden ? "@" : "@@") : "",
		       s->version ? s->version : "");
	}
}

static int sym_usage(void)
{
	fmt_fprintf(stderr,
		"usage: rawtel sym [--pid PID] FILE [PATTERN]\n"
		"  FILE     a path, a program in PATH, or a library: libc, c, libssl.so.3\n"
		"  PATTERN  name, name@VER, name@@VER, or a glob: 'SSL_*', '*alloc'\n"
		"  --pid    find FILE as process PID sees it (its mappings, its root)\n"
		"Prints address, uprobe file offset, size, type, binding and name\n"
		"(with version), sorted by address. Exit 0 if a symbol matched, 1 if not.\n");
	return CLI_USAGE;
}

int cmd_sym(int argc, char **argv)
{
	struct sym_list l = { 0 };
	const char *file = NULL, *pattern = NULL;
	int pid = 0, ret;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			sym_usage();
			return CLI_OK;
		} else if (!strcmp(argv[i], "--pid") || !strcmp(argv[i], "-p")) {
			long v;

			if (++i == argc)
				return sym_usage();
			errno = 0;
			v = strtol(argv[i], &end, 10);
			if (errno || *end || v <= 0 || v > 0x3fffffff) {
				cli_err("--pid: '%s' is not a process id", argv[i]);
				return CLI_USAGE;
			}
			pid = (int)v;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cli_err("sym: unknown option '%s'", argv[i]);
			return sym_usage();
		} else if (!file) {
			file = argv[i];
		} else if (!pattern) {
			pattern = argv[i];
		} else {
			return sym_usage();
		}
	}
	if (!file)
		return sym_usage();
	ret = elf_open_target(file, pid, &l.f);
	if (ret) {
		cli_err("%s", err_msg());
		return CLI_ERR;
	}
	if (strcmp(file, elf_path(l.f)) || elf_debug_path(l.f))
		fmt_fprintf(stderr, "%s: %s%s%s\n", file, elf_path(l.f),
			elf_debug_path(l.f) ? ", symbols from " : "",
			elf_debug_path(l.f) ? elf_debug_path(l.f) : "");
	ret = elf_sym_match(l.f, pattern, sym_collect, &l);
	if (ret < 0 || l.oom) {
		cli_err("%s", l.oom ? "out of memory listing symbols" : err_msg());
		ret = CLI_ERR;
	} else if (!l.n) {
		cli_err("no symbol %s%s%s in %s", pattern ? "matches '" : "",
			pattern ? pattern : "", pattern ? "'" : "", elf_path(l.f));
		ret = CLI_ERR;
	} else {
		util_sort(l.rows, l.n, sizeof(*l.rows), sym_cmp);
		sym_print(&l, elf_bits(l.f));
		if (l.seg_err)
			cli_err("no file offsets: %s", l.seg_msg);
		ret = CLI_OK;
	}
	free(l.rows);
	elf_close(l.f);
	return ret;
}
