/* rawtel asm: the assembler and disassembler from the command line.
 *   rawtel asm FILE [-D NAME=VALUE]... [-o OUT] [--prog NAME]
 *   rawtel asm --kern UNIT [-D ...]      an embedded kern/ unit
 *   rawtel asm -d FILE                    disassemble raw instructions
 * tracepoint fields resolve against the running kernel's tracefs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rawtel/arch.h"
#include "rawtel/asm.h"
#include "rawtel/bpf.h"
#include "rawtel/cli.h"
#include "rawtel/err.h"
#include "rawtel/events.h"
#include "rawtel/feature.h"
#include "rawtel/fmt.h"
#include "rawtel/kern.h"
#include "rawtel/tracefs.h"

#define ASM_MAX_DEFS 32
#define ASM_MAX_FILE (64u << 20)

struct asm_defs {
	const char *name[ASM_MAX_DEFS];
	int64_t value[ASM_MAX_DEFS];
	int n;
	bool kern;		/* default the constants kern/ units use */
};

/* The constants kern/ units expect (kern/common.h), as rawtel trace would
 * set them for an unfiltered ring-buffer run on this kernel. */
static int64_t kern_default(const char *name, bool *found)
{
	static const char *const zero[] = { "perf_buffer", "self_pid", "filter_pid",
					    "filter_comm", "comm_lo", "comm_hi", "sel_map",
					    "sel_port", "first_use", "filter_cgroup" };

	*found = true;
	if (!strcmp(name, "ring_size"))
		return 256 << 10;
	if (!strcmp(name, "wake_bytes"))
		return 32 << 10;
	if (!strcmp(name, "ncpus"))
		return bpf_num_possible_cpus();
	if (!strcmp(name, "boot_ns"))
		return feature_has(FEAT_BOOT_NS);
	if (!strcmp(name, "probe_read_user"))
		return feature_has(FEAT_PROBE_READ_USER);
	if (!strcmp(name, "task_regs"))
		return feature_has(FEAT_TASK_REGS);
	if (!strcmp(name, "cookie"))
		return feature_has(FEAT_LINKS);
	if (!strcmp(name, "n_targets"))
		return 1;
	if (!strcmp(name, "capture"))
		return DATA_CAP_DEFAULT;
	if (!strcmp(name, "tls"))	/* TLS libraries probed (kern/tls_bind.h) */
		return 1;
	if (!strncmp(name, "probe_", 6))	/* every probe on */
		return 1;
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (!strcmp(name, zero[i]))
			return 0;
	*found = false;
	return 0;
}

static int defs_const(void *ctx, const char *name, int64_t *val)
{
	const struct asm_defs *d = ctx;
	bool found;

	for (int i = 0; i < d->n; i++) {
		if (!strcmp(d->name[i], name)) {
			*val = d->value[i];
			return 0;
		}
	}
	if (d->kern) {
		*val = kern_default(name, &found);
		if (found)
			return 0;
		return arch_const(name, val);
	}
	return -ENOENT;
}

static int read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return err_set(errno, "cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > ASM_MAX_FILE) {
		close(fd);
		return err_set(EINVAL, "%s: not a regular file of at most 64 MB", path);
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, *buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(*buf);
		return err_set(EIO, "short read of %s", path);
	}
	(*buf)[n] = 0;
	*len = (size_t)n;
	return 0;
}

static void listing(const struct asm_unit *u, const char *only)
{
	for (uint32_t p = 0; p < u->n_progs; p++) {
		const struct asm_prog *pr = &u->progs[p];

		if (only && strcmp(only, pr->name))
			continue;
		fmt_printf("%s: %s%s%s, %u instructions\n", pr->name,
		       pr->kind == ASM_PROG_TRACEPOINT ? "tracepoint " : "",
		       pr->target, pr->target[0] ? "" : "(attached at run time)", pr->count);
		for (uint32_t i = 0; i < pr->count;) {
			const struct rt_bpf_insn *in = u->insns + pr->start + i;
			const struct asm_loc *l = u->locs + pr->start + i;
			char text[160], hex[64] = "";
			int n = asm_disasm_insn(in, pr->count - i, text, sizeof(text));

			if (n < 1) {
				fmt_snprintf(text, sizeof(text), "(invalid)");
				n = 1;
			}
			for (int k = 0; k < 8 * n; k++)
				fmt_snprintf(hex + strlen(hex), sizeof(hex) - strlen(hex), "%02x",
					 ((const uint8_t *)in)[k]);
			fmt_printf("%5u: %-32s %-40s %s:%u\n", i, hex, text,
			       l->file < u->n_files ? u->files[l->file] : "?", l->line);
			i += (uint32_t)n;
		}
	}
	for (uint32_t m = 0; m < u->n_maps; m++)
		fmt_printf("map %s: type %u key %u value %u max %u flags %u\n", u->maps[m].name,
		       u->maps[m].type, u->maps[m].key_size, u->maps[m].value_size,
		       u->maps[m].max_entries, u->maps[m].flags);
}

/* Raw instructions of one program (or all of them) to a file. */
static int write_insns(const char *path, const struct asm_unit *u, const char *only)
{
	const struct asm_prog *p = only ? &u->progs[asm_find_prog(u, only)] : NULL;
	uint32_t start = p ? p->start : 0, n = p ? p->count : u->n_insns;
	FILE *f = fopen(path, "wbe");
	int bad;

	if (!f)
		return err_set(errno, "cannot create %s: %s", path, strerror(errno));
	/* a unit with no program for this kernel (compat on a new one) has
	 * no instructions at all: an empty file */
	bad = n && fwrite(u->insns + start, sizeof(*u->insns), n, f) != n;
	bad |= fclose(f) != 0;
	return bad ? err_set(EIO, "cannot write %s", path) : 0;
}

static int disassemble(const char *path)
{
	char *buf;
	size_t len;
	int r = read_file(path, &buf, &len);

	if (r)
		return r;
	if (len % 8) {
		free(buf);
		return err_set(EINVAL, "%s: %zu bytes is not a whole number of 8-byte instructions",
			       path, len);
	}
	r = asm_disasm((const struct rt_bpf_insn *)buf, len / 8, stdout);
	free(buf);
	return r < 0 ? err_set(-r, "%s: invalid instruction encoding", path) : 0;
}

static void usage(FILE *f)
{
	fmt_fprintf(f, "usage: rawtel asm FILE [-D NAME=VALUE]... [-o OUT] [--prog NAME]\n"
		"       rawtel asm --kern UNIT [-D NAME=VALUE]...\n"
		"       rawtel asm -d FILE\n\n"
		"Assemble BPF programs written in the verifier's syntax and print the\n"
		"encoding of each instruction with its source line, or write the raw\n"
		"instructions to OUT. -D sets a load-time constant ($NAME); field(x)\n"
		"resolves against this kernel's tracepoint formats. --kern assembles\n"
		"one of the kern/ units built into rawtel. -d prints raw instructions\n"
		"(8 bytes each) back as text.\n");
}

struct asm_args {
	const char *file, *out, *kern, *only;
	bool dis;		/* -d */
	struct asm_defs defs;
};

/* -D NAME=VALUE (v is changed: the name is cut at its '='). */
static int add_def(struct asm_defs *defs, char *v)
{
	char *eq = strchr(v, '='), *end;

	if (!eq || eq == v || defs->n == ASM_MAX_DEFS) {
		cli_err("-D %s: expected NAME=VALUE", v);
		return CLI_USAGE;
	}
	*eq = 0;
	defs->name[defs->n] = v;
	defs->value[defs->n] = strtoll(eq + 1, &end, 0);
	if (*end || end == eq + 1) {
		cli_err("-D %s=%s: not an integer", v, eq + 1);
		return CLI_USAGE;
	}
	defs->n++;
	return 0;
}

/* -1 to go on, else the exit code (--help, or a usage error reported). */
static int parse_args(int argc, char **argv, struct asm_args *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return CLI_OK;
		} else if (!strcmp(a, "-d")) {
			o->dis = true;
		} else if ((!strcmp(a, "-o") || !strcmp(a, "--kern") || !strcmp(a, "--prog") ||
			    !strcmp(a, "-D")) && !v) {
			cli_err("%s needs a value; see rawtel asm --help", a);
			return CLI_USAGE;
		} else if (!strcmp(a, "-o")) {
			o->out = argv[++i];
		} else if (!strcmp(a, "--kern")) {
			o->kern = argv[++i];
		} else if (!strcmp(a, "--prog")) {
			o->only = argv[++i];
		} else if (!strcmp(a, "-D")) {
			if (add_def(&o->defs, v))
				return CLI_USAGE;
			i++;
		} else if (a[0] == '-' && a[1]) {
			cli_err("unknown option %s; see rawtel asm --help", a);
			return CLI_USAGE;
		} else if (!o->file) {
			o->file = a;
		} else {
			cli_err("one input file only");
			return CLI_USAGE;
		}
	}
	if (!o->file == !o->kern || (o->dis && o->kern)) {
		usage(stderr);
		return CLI_USAGE;
	}
	return -1;
}

int cmd_asm(int argc, char **argv)
{
	struct asm_args o = { .defs.n = 0 };
	struct asm_resolver res = { tracefs_asm_field, defs_const, &o.defs };
	struct asm_unit u;
	struct asm_error ae;
	char *text = NULL;
	size_t len = 0;
	int r;

	if ((r = parse_args(argc, argv, &o)) >= 0)
		return r;
	if (o.dis) {
		r = disassemble(o.file);
		if (r)
			cli_err("%s", err_msg());
		return r ? CLI_ERR : CLI_OK;
	}
	if (o.kern) {
		size_t klen;
		const char *ktext = kern_find(o.kern, &klen);
		o.defs.kern = true;
		if (!ktext) {
			cli_err("no kern/%s.S in this build", o.kern);
			return CLI_USAGE;
		}
		r = asm_assemble(ktext, klen, o.kern, &res, &u, &ae);
	} else {
		if ((r = read_file(o.file, &text, &len))) {
			cli_err("%s", err_msg());
			return CLI_ERR;
		}
		r = asm_assemble(text, len, o.file, &res, &u, &ae);
	}
	if (r) {
		char msg[900];
		asm_error_format(&ae, msg, sizeof(msg));
		fmt_fprintf(stderr, "%s\n", msg);
		free(text);
		return CLI_ERR;
	}
	if (o.only && asm_find_prog(&u, o.only) < 0) {
		cli_err("no program '%s' in %s", o.only, o.kern ? o.kern : o.file);
		r = -ENOENT;
	} else if (o.out) {
		r = write_insns(o.out, &u, o.only);
		if (r)
			cli_err("%s", err_msg());
	} else {
		listing(&u, o.only);
	}
	asm_unit_free(&u);
	free(text);
	tracefs_cache_free();
	return r ? CLI_ERR : CLI_OK;
}
