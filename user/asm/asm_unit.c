/* asm_assemble's driver: lines, errors, locations, the growing arrays of
 * struct asm_unit, and the unit's lookups. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm_int.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"

static void set_err(struct asm_ctx *c, const char *file, uint32_t line,
		    uint32_t col, const char *fmt, va_list ap)
{
	struct asm_error *e = c->err;
	size_t n = strlen(file);

	if (e->msg[0])		/* the first error is the one reported */
		return;
	if (n >= sizeof(e->file))
		n = sizeof(e->file) - 1;
	memcpy(e->file, file, n);
	e->file[n] = 0;
	e->line = line;
	e->col = col;
	fmt_vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int asm_fail(struct asm_ctx *c, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_err(c, c->file, c->line, col, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int asm_fail_at(struct asm_ctx *c, const struct asm_loc *loc,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_err(c, c->u->files[loc->file], loc->line, loc->col, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int asm_nomem(struct asm_ctx *c)
{
	asm_fail(c, asm_col(c), "out of memory");
	return -ENOMEM;
}

/* Makes room for element n (0-based) of *arr. */
int asm_grow(struct asm_ctx *c, void **arr, uint32_t *cap, uint32_t n,
	     size_t elem)
{
	if (n < *cap)
		return 0;
	if (*cap > UINT32_MAX / 2)
		return asm_nomem(c);
	uint32_t ncap = *cap ? *cap * 2 : 16;
	void *p = realloc(*arr, (size_t)ncap * elem);

	if (!p)
		return asm_nomem(c);
	*arr = p;
	*cap = ncap;
	return 0;
}

/* The location of column `col` of the current line; the current file name
 * joins u->files the first time something needs it. */
int asm_loc_here(struct asm_ctx *c, uint32_t col, struct asm_loc *loc)
{
	struct asm_unit *u = c->u;

	if (c->file_idx == ASM_NO_FILE) {
		uint32_t i;

		for (i = 0; i < u->n_files; i++)
			if (strcmp(u->files[i], c->file) == 0)
				break;
		if (i == u->n_files) {
			char *name;
			int ret = asm_grow(c, (void **)&u->files, &c->cap_files,
					   u->n_files, sizeof(*u->files));

			if (ret)
				return ret;
			name = strdup(c->file);
			if (!name)
				return asm_nomem(c);
			u->files[u->n_files++] = name;
		}
		c->file_idx = i;
	}
	loc->file = c->file_idx;
	loc->line = c->line;
	loc->col = col;
	return 0;
}

int asm_emit(struct asm_ctx *c, uint8_t code, int dst, int src, int off,
	     int32_t imm, uint32_t col)
{
	struct asm_unit *u = c->u;
	struct asm_prog *pr = &u->progs[c->prog];
	int ret;

	if (u->n_insns - pr->start >= ASM_MAX_PROG_INSNS)
		return asm_fail(c, col, "program '%s' has more than %d instructions",
				pr->name, ASM_MAX_PROG_INSNS);
	if (u->n_insns == c->cap_insns) {
		/* insns and locs grow together: one capacity for both */
		uint32_t a = c->cap_insns, b = c->cap_insns;

		ret = asm_grow(c, (void **)&u->insns, &a, u->n_insns,
			       sizeof(*u->insns));
		if (ret)
			return ret;
		ret = asm_grow(c, (void **)&u->locs, &b, u->n_insns,
			       sizeof(*u->locs));
		if (ret)
			return ret;
		c->cap_insns = a;
	}
	struct rt_bpf_insn *in = &u->insns[u->n_insns];

	memset(in, 0, sizeof(*in));
	in->code = code;
	in->dst_reg = (uint8_t)dst & 0xf;
	in->src_reg = (uint8_t)src & 0xf;
	in->off = (int16_t)off;
	in->imm = imm;
	ret = asm_loc_here(c, col, &u->locs[u->n_insns]);
	if (ret)
		return ret;
	u->n_insns++;
	return 0;
}

int asm_add_reloc(struct asm_ctx *c, uint32_t insn, uint32_t map)
{
	struct asm_unit *u = c->u;
	int ret = asm_grow(c, (void **)&u->relocs, &c->cap_relocs,
			   u->n_relocs, sizeof(*u->relocs));

	if (ret)
		return ret;
	u->relocs[u->n_relocs].insn = insn;
	u->relocs[u->n_relocs].map = map;
	u->n_relocs++;
	return 0;
}

/* End of the statement starting at p: the first ';' outside a string
 * literal and before a comment, or eol. A linemarker is one statement. */
static const char *stmt_end(const char *p, const char *eol)
{
	const char *q = p;

	while (q < eol && (*q == ' ' || *q == '\t'))
		q++;
	if (q < eol && *q == '#')
		return eol;
	/* every byte of every kern/ line passes here (skipped .if branches
	 * too): letters, '_', '=', brackets are past ';' and cost one test */
	for (; q < eol; q++) {
		if (*q > ';')
			continue;
		if (*q == ';')
			return q;
		if (*q == '/' && q + 1 < eol && q[1] == '/')
			return eol;
		if (*q != '"')
			continue;
		for (q++; q < eol && *q != '"'; q++)	/* the string */
			q += *q == '\\' && q + 1 < eol;
		if (q == eol)
			break;
	}
	return eol;
}

static int asm_line(struct asm_ctx *c)
{
	struct asm_tok t;
	int ret;

	while (c->p < c->eol && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
	if (c->p < c->eol && *c->p == '#')
		return asm_linemarker(c);
	if (!asm_active(c))
		return asm_skipped_line(c);
	for (;;) {		/* labels: "name:" or "N:", several allowed */
		const char *save = c->p;

		ret = asm_lex(c, &t);
		if (ret)
			return ret;
		asm_skip_ws(c);
		/* not lexed: what follows a word may be "1f", no number */
		if ((t.kind == TK_IDENT || t.kind == TK_NUM) &&
		    c->p < c->eol && *c->p == ':') {
			c->p++;
			ret = t.kind == TK_NUM ? asm_local_label(c, &t) :
			      asm_add_label(c, &t);
			if (ret)
				return ret;
			continue;
		}
		c->p = save;
		break;
	}
	asm_skip_ws(c);
	if (c->p == c->eol)
		return 0;
	if (*c->p == '.')
		return asm_directive(c);
	return asm_insn(c);
}

static void ctx_free(struct asm_ctx *c)
{
	free(c->labels);
	free(c->lhash);
	free(c->fix);
	free(c->nlabels);
	free(c->nfwd);
}

int asm_assemble(const char *src, size_t len, const char *name,
		 const struct asm_resolver *res, struct asm_unit *out,
		 struct asm_error *err)
{
	struct asm_error scratch;
	struct asm_ctx c;
	const char *p = src;
	int ret = 0;

	if (!err)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	if (!out || (!src && len))
		return err_set(EINVAL, "asm_assemble: no text or no unit to fill");
	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.u = out;
	c.err = err;
	c.res = res;
	c.end = src + len;
	c.prog = -1;
	c.line = 1;
	c.file_idx = ASM_NO_FILE;
	fmt_snprintf(c.file, sizeof(c.file), "%s", name ? name : "<input>");
	while (p && p < c.end) {
		const char *nl = memchr(p, '\n', (size_t)(c.end - p));

		c.lstart = c.p = p;
		c.eol = nl ? nl : c.end;
		p = nl ? nl + 1 : c.end;
		if (c.eol > c.lstart && c.eol[-1] == '\r')
			c.eol--;
		c.next_line = c.line + 1;
		/* ';' separates statements on one line (as in LLVM's BPF
		 * assembler): cpp macros expand to one line. Columns stay
		 * relative to the physical line. */
		const char *line_end = c.eol;
		for (;;) {
			c.eol = stmt_end(c.p, line_end);
			ret = asm_line(&c);
			if (ret)
				goto fail;
			if (c.eol >= line_end)
				break;
			c.p = c.eol + 1;
		}
		c.line = c.next_line;
	}
	if (c.n_cond) {
		ret = asm_fail_at(&c, &c.cond[c.n_cond - 1].loc,
				  "unterminated .if: no .endif before the end of the text");
		goto fail;
	}
	ret = asm_end_prog(&c);
	if (ret)
		goto fail;
	if (!c.license_set)
		memcpy(out->license, "GPL", 4);
	ctx_free(&c);
	return 0;
fail:
	if (!err->msg[0])
		asm_fail(&c, asm_col(&c), "cannot assemble (error %d)", ret);
	ctx_free(&c);
	asm_unit_free(out);
	return err_set(-ret, "%s:%u:%u: %s", err->file, err->line, err->col,
		       err->msg);
}

void asm_unit_free(struct asm_unit *u)
{
	if (!u)
		return;
	free(u->insns);
	free(u->locs);
	free(u->maps);
	free(u->progs);
	free(u->relocs);
	for (uint32_t i = 0; i < u->n_files; i++)
		free(u->files[i]);
	free(u->files);
	memset(u, 0, sizeof(*u));
}

int asm_error_format(const struct asm_error *err, char *buf, size_t size)
{
	if (!err || (!buf && size))
		return -EINVAL;
	return fmt_snprintf(buf, size, "%s:%u:%u: error: %s", err->file, err->line,
			err->col, err->msg);
}

int asm_find_prog(const struct asm_unit *u, const char *name)
{
	for (uint32_t i = 0; u && name && i < u->n_progs; i++)
		if (strcmp(u->progs[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int asm_find_map(const struct asm_unit *u, const char *name)
{
	for (uint32_t i = 0; u && name && i < u->n_maps; i++)
		if (strcmp(u->maps[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}
