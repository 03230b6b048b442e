/* Every symbol once (.dynsym, then what only .symtab has), pattern lookup,
 * and picking the one function a uprobe attaches to. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_int.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"

/* elf_is_dup through the .dynsym name index: the same entries match
 * (name, value, type), only found by name instead of by value. */
static int elf_is_dup_named(struct elf_file *f, const struct elf_sym *s)
{
	uint32_t key = elf_nidx_key(s->name, s->name_len), pos = 0, i;
	struct elf_rawsym r;
	struct elf_sym d;
	int ret;

	while ((i = elf_nidx_next(f, ELF_DYNSYM, key, &pos))) {
		if (elf_sym_raw(f, ELF_DYNSYM, i, &r) || r.value != s->value || r.type != s->type ||
		    strncmp(r.name, s->name, s->name_len) || r.name[s->name_len])
			continue;
		if (!s->version)
			return 1;
		ret = elf_table_sym(f, ELF_DYNSYM, i, &d);
		if (ret)
			return ret;
		if (d.version && d.hidden == s->hidden && !strcmp(d.version, s->version))
			return 1;
	}
	return 0;
}

/* 1 when .symtab entry S is also in .dynsym: same name, value and type,
 * and the same version, or none (older linkers left .symtab names
 * unversioned). */
static int elf_is_dup(struct elf_file *f, const struct elf_sym *s)
{
	uint32_t n = elf_table_count(f, ELF_DYNSYM);
	struct elf_sym d;
	int ret;

	if (n < 2)
		return 0;
	ret = elf_nidx_ready(f, ELF_DYNSYM);
	if (ret)
		return ret < 0 ? ret : elf_is_dup_named(f, s);
	/* not indexable: an entry elf_table_sym refuses, the error to return
	 * (a table of value-hashed entries was built here, and failed so) */
	for (uint32_t i = 1; i < n; i++)
		if ((ret = elf_table_sym(f, ELF_DYNSYM, i, &d)))
			return ret;
	return 0;
}

/* A pattern split at its first '@': name part, version part. The name
 * part's literal prefix and suffix reject most symbols before the glob
 * (or the decoding) runs. */
struct elf_pat {
	char name[512], ver[512];
	size_t len, plen, slen;
	int has_ver, dflt_only, name_glob, ver_glob;
};

static int elf_pat_compile(const char *pattern, struct elf_pat *p)
{
	const char *at = pattern ? strchr(pattern, '@') : NULL;
	size_t n = at ? (size_t)(at - pattern) : (pattern ? strlen(pattern) : 0);

	memset(p, 0, sizeof(*p));
	if (n >= sizeof(p->name) || (at && strlen(at) >= sizeof(p->ver)))
		return err_set(EINVAL, "symbol pattern is too long (at most %zu characters)",
			       sizeof(p->name) - 1);
	memcpy(p->name, n ? pattern : "*", n ? n : 1);
	p->len = strlen(p->name);
	p->plen = strcspn(p->name, "*?[\\");
	p->name_glob = p->plen < p->len;
	if (p->name_glob && !strchr(p->name, '\\')) {
		while (p->slen < p->len - p->plen &&
		       !strchr("*?[]", p->name[p->len - 1 - p->slen]))
			p->slen++;
	}
	if (!at)
		return 0;
	p->has_ver = 1;
	p->dflt_only = at[1] == '@';
	strcpy(p->ver, at + 1 + p->dflt_only);
	if (!p->ver[0])
		return err_set(EINVAL, "symbol pattern '%s' has nothing after '@'; write name@VERSION or name@@VERSION",
			       pattern);
	p->ver_glob = strpbrk(p->ver, "*?[\\") != NULL;
	return 0;
}

/* Can the stored name RAW ("name" or "name@VER") match at all? */
static int elf_pat_maybe(const struct elf_pat *p, const char *raw)
{
	if (strncmp(raw, p->name, p->plen))
		return 0;
	return p->name_glob || !raw[p->len] || raw[p->len] == '@';
}

static int elf_pat_match(const struct elf_pat *p, const struct elf_sym *s)
{
	if (p->name_glob) {
		if (s->name_len < p->plen + p->slen ||
		    memcmp(s->name + s->name_len - p->slen, p->name + p->len - p->slen, p->slen) ||
		    !elf_glob(p->name, s->name, s->name_len))
			return 0;
	} else if (p->len != s->name_len || memcmp(p->name, s->name, s->name_len)) {
		return 0;
	}
	if (!p->has_ver)
		return 1;
	if (!s->version || (p->dflt_only && s->hidden))
		return 0;
	return p->ver_glob ? elf_glob(p->ver, s->version, strlen(s->version))
			   : !strcmp(p->ver, s->version);
}

/* The next symbol matching P (NULL: any): .dynsym, then what only .symtab
 * has. Filters before the dedup check, which costs the most. */
static int elf_sym_step(struct elf_file *f, struct elf_sym_iter *it,
			struct elf_sym *s, const struct elf_pat *p)
{
	struct elf_rawsym r;
	int ret;

	for (; it->table <= ELF_SYMTAB; it->table++, it->i = 0) {
		while (it->i + 1 < elf_table_count(f, it->table)) {
			it->i++;
			if (p && !elf_sym_raw(f, it->table, it->i, &r) &&
			    !elf_pat_maybe(p, r.name))
				continue;
			ret = elf_table_sym(f, it->table, it->i, s);
			if (ret)
				return ret;
			if (p && !elf_pat_match(p, s))
				continue;
			if (it->table == ELF_DYNSYM)
				return 1;
			ret = elf_is_dup(f, s);
			if (ret < 0)
				return ret;
			if (!ret)
				return 1;
		}
	}
	return 0;
}

int elf_sym_next(struct elf_file *f, struct elf_sym_iter *it,
		 struct elf_sym *s)
{
	return elf_sym_step(f, it, s, NULL);
}

/* elf_sym_step over a name without globs, through the name indexes:
 * the same symbols in the same order (each table's matches ascending),
 * without reading every other name. 1 when done (*n counted), 0 when a
 * table cannot be indexed (then scan), -errno. */
static int elf_sym_exact(struct elf_file *f, const struct elf_pat *p,
			 elf_sym_fn fn, void *arg, int *n)
{
	uint32_t key = elf_nidx_key(p->name, p->len);
	struct elf_rawsym r;
	struct elf_sym s;
	int ret;

	for (int t = ELF_DYNSYM; t <= ELF_SYMTAB; t++)
		if ((ret = elf_nidx_ready(f, (enum elf_table)t)) <= 0)
			return ret;
	for (int t = ELF_DYNSYM; t <= ELF_SYMTAB; t++) {
		uint32_t pos = 0, i;

		while ((i = elf_nidx_next(f, (enum elf_table)t, key, &pos))) {
			if (elf_sym_raw(f, (enum elf_table)t, i, &r) || !elf_pat_maybe(p, r.name))
				continue;
			ret = elf_table_sym(f, (enum elf_table)t, i, &s);
			if (ret)
				return ret;
			if (!elf_pat_match(p, &s))
				continue;
			if (t == ELF_SYMTAB && (ret = elf_is_dup(f, &s))) {
				if (ret < 0)
					return ret;
				continue;
			}
			(*n)++;
			if (fn && fn(&s, arg))
				return 1;
		}
	}
	return 1;
}

int elf_sym_match(struct elf_file *f, const char *pattern, elf_sym_fn fn,
		  void *arg)
{
	struct elf_sym_iter it = { 0, 0 };
	struct elf_pat pat;
	struct elf_sym s;
	int ret, n = 0;

	ret = elf_pat_compile(pattern, &pat);
	if (ret)
		return ret;
	if (!pat.name_glob && (ret = elf_sym_exact(f, &pat, fn, arg, &n)))
		return ret < 0 ? ret : n;
	while ((ret = elf_sym_step(f, &it, &s, &pat)) > 0) {
		n++;
		if (fn && fn(&s, arg))
			break;
	}
	return ret < 0 ? ret : n;
}

/* Candidates for elf_func_find: defined functions at distinct addresses. */
struct elf_func_cands {
	struct elf_file *f;
	struct elf_sym s[8];
	uint64_t off[8];
	int n, more, undef, err;
};

static int elf_func_cand(const struct elf_sym *s, void *arg)
{
	struct elf_func_cands *c = arg;
	uint64_t off;
	int ret;

	if (s->shndx == SHN_UNDEF) {
		c->undef = 1;
		return 0;
	}
	if (s->type != ELF_SYM_FUNC && s->type != ELF_SYM_IFUNC &&
	    s->type != ELF_SYM_NOTYPE)
		return 0;
	ret = elf_addr_offset(c->f, s->value, &off);
	if (ret == -ENOEXEC) {	/* malformed segments: say so */
		c->err = ret;
		return 1;
	}
	if (ret)
		return 0;
	for (int k = 0; k < c->n; k++) {
		if (c->s[k].value != s->value)
			continue;
		/* the same address again: keep the better name, a global
		 * over a local, the default version over another */
		if ((c->s[k].bind == ELF_BIND_LOCAL && s->bind != ELF_BIND_LOCAL) ||
		    (c->s[k].hidden && !s->hidden))
			c->s[k] = *s;
		return 0;
	}
	if (c->n == 8) {
		c->more = 1;
		return 0;
	}
	c->s[c->n] = *s;
	c->off[c->n++] = off;
	return 0;
}

/* Among definitions at different addresses: the default version (or the
 * unversioned one), then a global over a file-local static. */
static int elf_func_pick(const struct elf_func_cands *c)
{
	int best = -1, nbest = 0;

	for (int pass = 0; pass < 2 && nbest != 1; pass++) {
		best = -1;
		nbest = 0;
		for (int k = 0; k < c->n; k++) {
			if (c->s[k].hidden)
				continue;
			if (pass == 1 && c->s[k].bind == ELF_BIND_LOCAL)
				continue;
			best = k;
			nbest++;
		}
	}
	return nbest == 1 && !c->more ? best : -1;
}

int elf_func_find(struct elf_file *f, const char *name, struct elf_sym *s,
		  uint64_t *off)
{
	struct elf_func_cands c;
	char list[256];
	size_t used = 0;
	int ret, k;

	if (!name || !*name || strpbrk(name, "*?[\\"))
		return err_set(EINVAL, "'%s' is not a function name (no globs here)",
			       name ? name : "");
	memset(&c, 0, sizeof(c));
	c.f = f;
	ret = elf_sym_match(f, name, elf_func_cand, &c);
	if (ret < 0 || c.err)
		return ret < 0 ? ret : c.err;
	if (!c.n)
		return err_set(ENOENT, c.undef ?
			       "%s is not defined in %s, only imported; name the library that defines it" :
			       "no function %s in %s; rawtel sym FILE PATTERN lists what it has",
			       name, f->path);
	k = c.n == 1 ? 0 : elf_func_pick(&c);
	if (k >= 0) {
		*s = c.s[k];
		*off = c.off[k];
		return 0;
	}
	for (int j = 0; j < c.n && used < sizeof(list) - 1; j++) {
		int w = fmt_snprintf(list + used, sizeof(list) - used, "%s%.*s%s%s at 0x%llx",
				 j ? ", " : "", (int)c.s[j].name_len, c.s[j].name,
				 c.s[j].version ? (c.s[j].hidden ? "@" : "@@") : "",
				 c.s[j].version ? c.s[j].version : "",
				 (unsigned long long)c.s[j].value);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return err_set(ENOTUNIQ, "%s is ambiguous in %s: %s%s; name a version (name@@VER), or use the address rawtel sym shows",
		       name, f->path, list, c.more ? ", ..." : "");
}
