/* Directives: .map .prog .license and conditional assembly. */
#include <errno.h>
#include <string.h>

#include "asm_int.h"

static const struct {
	const char *name;
	uint32_t type;
} map_types[] = {
	{ "hash", RT_BPF_MAP_TYPE_HASH },
	{ "array", RT_BPF_MAP_TYPE_ARRAY },
	{ "percpu_hash", RT_BPF_MAP_TYPE_PERCPU_HASH },
	{ "percpu_array", RT_BPF_MAP_TYPE_PERCPU_ARRAY },
	{ "lru_hash", RT_BPF_MAP_TYPE_LRU_HASH },
	{ "lru_percpu_hash", RT_BPF_MAP_TYPE_LRU_PERCPU_HASH },
	{ "ringbuf", RT_BPF_MAP_TYPE_RINGBUF },
	{ "perf_event_array", RT_BPF_MAP_TYPE_PERF_EVENT_ARRAY },
	{ "prog_array", RT_BPF_MAP_TYPE_PROG_ARRAY },
	{ "stack_trace", RT_BPF_MAP_TYPE_STACK_TRACE },
	{ "queue", RT_BPF_MAP_TYPE_QUEUE },
	{ "lpm_trie", RT_BPF_MAP_TYPE_LPM_TRIE },
};

/* Program kinds; `target` says whether a TARGET may follow (without one
 * it is given when attaching), `tp` that it has the cat/event form. */
static const struct {
	const char *name;
	enum asm_prog_kind kind;
	uint32_t type;
	bool target, tp;
} prog_kinds[] = {
	{ "tracepoint", ASM_PROG_TRACEPOINT, RT_BPF_PROG_TYPE_TRACEPOINT, 1, 1 },
	{ "raw_tracepoint", ASM_PROG_RAW_TRACEPOINT,
	  RT_BPF_PROG_TYPE_RAW_TRACEPOINT, 1, 0 },
	{ "kprobe", ASM_PROG_KPROBE, RT_BPF_PROG_TYPE_KPROBE, 1, 0 },
	{ "kretprobe", ASM_PROG_KRETPROBE, RT_BPF_PROG_TYPE_KPROBE, 1, 0 },
	{ "uprobe", ASM_PROG_UPROBE, RT_BPF_PROG_TYPE_KPROBE, 0, 0 },
	{ "uretprobe", ASM_PROG_URETPROBE, RT_BPF_PROG_TYPE_KPROBE, 0, 0 },
	{ "socket_filter", ASM_PROG_SOCKET_FILTER,
	  RT_BPF_PROG_TYPE_SOCKET_FILTER, 0, 0 },
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

bool asm_active(const struct asm_ctx *c)
{
	return c->n_cond == 0 || c->cond[c->n_cond - 1].active;
}

/* A name for a map or program: an identifier that reads as nothing else. */
static int decl_name(struct asm_ctx *c, char *buf, const char *what)
{
	struct asm_tok t;
	int ret = asm_lex(c, &t);

	if (!ret)
		ret = asm_tok_name(c, &t, buf, what);
	if (ret)
		return ret;
	if (asm_is_reg_name(t.s, t.len) || !strcmp(buf, "pc") ||
	    !strcmp(buf, "map_fd") || !strcmp(buf, "ll") ||
	    asm_is_expr_func(&t))
		return asm_fail(c, t.col, "'%s' is reserved and cannot name a %s",
				buf, what);
	return 0;
}

static int parse_u32(struct asm_ctx *c, uint32_t *out, const char *what)
{
	uint32_t col;
	int64_t v;
	int ret;

	asm_skip_ws(c);
	col = asm_col(c);
	ret = asm_expr(c, &v, NULL);
	if (ret)
		return ret;
	if (v < 0 || v > (int64_t)UINT32_MAX)
		return asm_fail(c, col, "%s=%lld out of range 0..4294967295",
				what, (long long)v);
	*out = (uint32_t)v;
	return 0;
}

/* .map NAME TYPE key=EXPR value=EXPR max=EXPR [flags=EXPR] */
static int dir_map(struct asm_ctx *c, uint32_t col)
{
	static const char *const keys[] = { "key", "value", "max", "flags" };
	struct asm_unit *u = c->u;
	struct asm_map m;
	uint32_t vals[4] = { 0 }, seen = 0, i;
	struct asm_tok t;
	char b[64];
	int ret;

	memset(&m, 0, sizeof(m));
	ret = decl_name(c, m.name, "map");
	if (ret)
		return ret;
	if (asm_find_map(u, m.name) >= 0)
		return asm_fail(c, col, "duplicate map '%s'", m.name);
	ret = asm_lex(c, &t);
	if (ret)
		return ret;
	for (i = 0; i < N_OF(map_types); i++)
		if (asm_tok_ident(&t, map_types[i].name))
			break;
	if (i == N_OF(map_types))
		return asm_fail(c, t.col, "unknown map type %s (hash array percpu_hash percpu_array lru_hash lru_percpu_hash ringbuf perf_event_array prog_array stack_trace queue lpm_trie)",
				asm_tok_show(&t, b, sizeof(b)));
	m.type = map_types[i].type;
	for (;;) {
		ret = asm_lex(c, &t);
		if (ret)
			return ret;
		if (t.kind == TK_END)
			break;
		for (i = 0; i < N_OF(keys); i++)
			if (asm_tok_ident(&t, keys[i]))
				break;
		if (i == N_OF(keys))
			return asm_fail(c, t.col, "unknown .map parameter %s (key= value= max= flags=)",
					asm_tok_show(&t, b, sizeof(b)));
		if (seen & (1u << i))
			return asm_fail(c, t.col, "%s= given twice", keys[i]);
		seen |= 1u << i;
		ret = asm_expect(c, "=", ".map");
		if (!ret)
			ret = parse_u32(c, &vals[i], keys[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < 3; i++)
		if (!(seen & (1u << i)))
			return asm_fail(c, col, ".map %s needs %s=", m.name, keys[i]);
	m.key_size = vals[0];
	m.value_size = vals[1];
	m.max_entries = vals[2];
	m.flags = vals[3];
	ret = asm_loc_here(c, col, &m.loc);
	if (!ret)
		ret = asm_grow(c, (void **)&u->maps, &c->cap_maps, u->n_maps,
			       sizeof(*u->maps));
	if (ret)
		return ret;
	u->maps[u->n_maps++] = m;
	return 0;
}

static bool target_ok(const char *s, size_t n, bool tp)
{
	size_t slashes = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == '/' && tp && i > 0 && i + 1 < n && s[i - 1] != '/')
			slashes++;
		else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			   (ch >= '0' && ch <= '9') || ch == '_' ||
			   (ch == '.' && !tp)))
			return false;
	}
	return n > 0 && (!tp || slashes == 1);
}

/* .prog NAME TYPE [TARGET] */
static int dir_prog(struct asm_ctx *c, uint32_t col)
{
	struct asm_unit *u = c->u;
	struct asm_prog pr;
	struct asm_tok t;
	uint32_t i, tcol;
	const char *w;
	char b[64];
	int ret;

	memset(&pr, 0, sizeof(pr));
	ret = decl_name(c, pr.name, "program");
	if (ret)
		return ret;
	if (asm_find_prog(u, pr.name) >= 0)
		return asm_fail(c, col, "duplicate program '%s'", pr.name);
	ret = asm_lex(c, &t);
	if (ret)
		return ret;
	for (i = 0; i < N_OF(prog_kinds); i++)
		if (asm_tok_ident(&t, prog_kinds[i].name))
			break;
	if (i == N_OF(prog_kinds))
		return asm_fail(c, t.col, "unknown program type %s (tracepoint raw_tracepoint kprobe kretprobe uprobe uretprobe socket_filter)",
				asm_tok_show(&t, b, sizeof(b)));
	pr.kind = prog_kinds[i].kind;
	pr.prog_type = prog_kinds[i].type;
	asm_skip_ws(c);
	tcol = asm_col(c);
	for (w = c->p; c->p < c->eol && *c->p != ' ' && *c->p != '\t'; c->p++)
		;
	if (c->p > w && !prog_kinds[i].target)
		return asm_fail(c, tcol, "%s programs take no target here (it is given when attaching)",
				prog_kinds[i].name);
	if (c->p > w && !target_ok(w, (size_t)(c->p - w), prog_kinds[i].tp))
		return asm_fail(c, tcol, "bad %s target '%.*s'%s",
				prog_kinds[i].name,
				(int)(c->p - w > 60 ? 60 : c->p - w), w,
				prog_kinds[i].tp ? ": expected category/event" : "");
	if ((size_t)(c->p - w) >= sizeof(pr.target))
		return asm_fail(c, tcol, "target is longer than %d characters",
				(int)sizeof(pr.target) - 1);
	memcpy(pr.target, w, (size_t)(c->p - w));
	ret = asm_expect_end(c, ".prog");
	if (!ret)
		ret = asm_end_prog(c);
	if (!ret)
		ret = asm_loc_here(c, col, &pr.loc);
	if (!ret)
		ret = asm_grow(c, (void **)&u->progs, &c->cap_progs, u->n_progs,
			       sizeof(*u->progs));
	if (ret)
		return ret;
	pr.start = u->n_insns;
	u->progs[u->n_progs] = pr;
	c->prog = (int)u->n_progs++;
	return 0;
}

static int dir_license(struct asm_ctx *c, uint32_t col)
{
	struct asm_tok t;
	char b[64];
	int ret = asm_lex(c, &t);

	if (ret)
		return ret;
	if (t.kind != TK_STR)
		return asm_fail(c, t.col, "expected a quoted string after .license, found %s",
				asm_tok_show(&t, b, sizeof(b)));
	if (c->license_set)
		return asm_fail(c, col, "duplicate .license");
	if (t.len >= sizeof(c->u->license))
		return asm_fail(c, t.col, "license is longer than %d characters",
				(int)sizeof(c->u->license) - 1);
	memcpy(c->u->license, t.s, t.len);
	c->u->license[t.len] = 0;
	c->license_set = true;
	return asm_expect_end(c, ".license");
}

static int cond_value(struct asm_ctx *c, bool *val, const char *dir)
{
	int64_t v;
	int ret;

	asm_skip_ws(c);
	if (c->p == c->eol)
		return asm_fail(c, asm_col(c), "%s needs an expression", dir);
	ret = asm_expr(c, &v, NULL);
	if (!ret)
		ret = asm_expect_end(c, dir);
	*val = v != 0;
	return ret;
}

/* .if .elif .else .endif; `skipping` when the line is in a region that is
 * not assembled, where expressions are not evaluated. */
static int dir_cond(struct asm_ctx *c, const struct asm_tok *d, uint32_t col)
{
	struct asm_cond *top = c->n_cond ? &c->cond[c->n_cond - 1] : NULL;
	bool v = false;
	int ret;

	if (asm_tok_ident(d, "if")) {
		if (c->n_cond == ASM_MAX_COND_DEPTH)
			return asm_fail(c, col, ".if nested more than %d deep",
					ASM_MAX_COND_DEPTH);
		struct asm_cond *n = &c->cond[c->n_cond];

		memset(n, 0, sizeof(*n));
		n->parent_active = asm_active(c);
		if (n->parent_active) {
			ret = cond_value(c, &v, ".if");
			if (ret)
				return ret;
		}
		ret = asm_loc_here(c, col, &n->loc);
		if (ret)
			return ret;
		n->taken = n->active = n->parent_active && v;
		c->n_cond++;
		return 0;
	}
	if (!top)
		return asm_fail(c, col, ".%.*s without .if", (int)d->len, d->s);
	if (asm_tok_ident(d, "endif")) {
		c->n_cond--;
		return top->parent_active ? asm_expect_end(c, ".endif") : 0;
	}
	if (top->seen_else)
		return asm_fail(c, col, ".%.*s after .else", (int)d->len, d->s);
	if (asm_tok_ident(d, "else")) {
		top->seen_else = true;
		top->active = top->parent_active && !top->taken;
		top->taken = true;
		return top->parent_active ? asm_expect_end(c, ".else") : 0;
	}
	/* .elif: evaluated only when no branch was taken yet */
	if (top->parent_active && !top->taken) {
		ret = cond_value(c, &v, ".elif");
		if (ret)
			return ret;
	}
	top->active = top->parent_active && !top->taken && v;
	top->taken |= top->active;
	return 0;
}

static bool is_cond(const struct asm_tok *t)
{
	return asm_tok_ident(t, "if") || asm_tok_ident(t, "elif") ||
	       asm_tok_ident(t, "else") || asm_tok_ident(t, "endif");
}

/* A line in a region that is not assembled: only conditionals count, and
 * nothing else on it is looked at (so it cannot be an error). */
int asm_skipped_line(struct asm_ctx *c)
{
	static const char *const conds[] = { "if", "elif", "else", "endif" };
	const char *w;
	uint32_t col;

	asm_skip_ws(c);
	/* labels before a conditional ("done: .endif") must not hide it, or
	 * the nesting of what is skipped goes wrong */
	for (;;) {
		const char *q = c->p;

		while (q < c->eol && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
				      (*q >= '0' && *q <= '9') || *q == '_'))
			q++;
		if (q == c->p)
			break;
		while (q < c->eol && (*q == ' ' || *q == '\t'))
			q++;
		if (q == c->eol || *q != ':')
			break;
		c->p = q + 1;
		asm_skip_ws(c);
	}
	if (c->p == c->eol || *c->p != '.')
		return 0;
	col = asm_col(c);
	for (w = ++c->p; c->p < c->eol && ((*c->p >= 'a' && *c->p <= 'z') ||
					   (*c->p >= 'A' && *c->p <= 'Z') ||
					   (*c->p >= '0' && *c->p <= '9') ||
					   *c->p == '_'); c->p++)
		;
	for (size_t i = 0; i < N_OF(conds); i++) {
		if (strlen(conds[i]) == (size_t)(c->p - w) &&
		    memcmp(w, conds[i], (size_t)(c->p - w)) == 0) {
			struct asm_tok t = {
				.kind = TK_IDENT, .s = w,
				.len = (uint32_t)(c->p - w), .col = col + 1,
			};

			return dir_cond(c, &t, col);
		}
	}
	return 0;
}

int asm_directive(struct asm_ctx *c)
{
	uint32_t col = asm_col(c);
	struct asm_tok t;
	int ret;

	c->p++;			/* the '.' */
	ret = asm_lex(c, &t);
	if (ret)
		return ret;
	if (t.kind != TK_IDENT || t.col != col + 1)
		return asm_fail(c, col, "expected a directive name after '.'");
	if (is_cond(&t))
		return dir_cond(c, &t, col);
	if (asm_tok_ident(&t, "map"))
		return dir_map(c, col);
	if (asm_tok_ident(&t, "prog"))
		return dir_prog(c, col);
	if (asm_tok_ident(&t, "license"))
		return dir_license(c, col);
	return asm_fail(c, col, "unknown directive '.%.*s' (.map .prog .license .if .elif .else .endif)",
			(int)(t.len > 40 ? 40 : t.len), t.s);
}
