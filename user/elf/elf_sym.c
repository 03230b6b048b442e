/* Symbol tables (.dynsym, .symtab) and GNU symbol versions
 * (.gnu.version, .gnu.version_d, .gnu.version_r), read off the mapping. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elf_int.h"
#include "rawtel/err.h"

/* String table section I, trimmed to its last NUL so that every index below
 * *size starts a string that ends inside the section. */
static int elf_strtab(const struct elf_file *f, uint32_t i, uint32_t from,
		      const char **str, size_t *size)
{
	struct elf_shdr sh;
	const uint8_t *p;
	int ret;

	if (i == 0 || i >= f->shnum)
		return err_set(ENOEXEC, "%s: section [%u] links to string table %u, out of range (%u sections)",
			       f->path, from, i, f->shnum);
	ret = elf_shdr_get(f, i, &sh);
	if (ret)
		return ret;
	if (sh.type != SHT_STRTAB)
		return err_set(ENOEXEC, "%s: section [%u] links to section [%u] %s, which is not a string table",
			       f->path, from, i, elf_sec_name(f, &sh));
	ret = elf_sec_check(f, i, &sh);
	if (ret)
		return ret;
	p = f->map + sh.offset;
	*size = sh.size;
	while (*size && p[*size - 1])
		(*size)--;
	*str = (const char *)p;
	return 0;
}

static int elf_tab_load(struct elf_file *f, uint32_t i,
			const struct elf_shdr *sh, struct elf_tab *tab)
{
	uint32_t entsize = f->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	int ret;

	ret = elf_sec_check(f, i, sh);
	if (ret)
		return ret;
	if (sh->entsize != entsize)
		return err_set(ENOEXEC, "%s: section [%u] %s has entry size %llu, not %u",
			       f->path, i, elf_sec_name(f, sh),
			       (unsigned long long)sh->entsize, entsize);
	if (sh->size % entsize || sh->size / entsize > UINT32_MAX)
		return err_set(ENOEXEC, "%s: section [%u] %s size 0x%llx is not a whole number of symbols",
			       f->path, i, elf_sec_name(f, sh),
			       (unsigned long long)sh->size);
	ret = elf_strtab(f, sh->link, i, &tab->str, &tab->strsz);
	if (ret)
		return ret;
	tab->syms = f->map + sh->offset;
	tab->count = (uint32_t)(sh->size / entsize);
	tab->entsize = entsize;
	tab->sec = i;
	tab->owner = f;
	return 0;
}

/* Record version index NDX's name; with f->vers NULL only track the
 * largest index, so the array can be sized first. */
static int elf_ver_put(struct elf_file *f, uint32_t sec, uint64_t off,
		       uint16_t ndx, const char *str, size_t strsz,
		       uint32_t name, uint8_t needed)
{
	ndx &= 0x7fff;
	if (!f->vers) {
		if (ndx >= f->nvers)
			f->nvers = ndx + 1u;
		return 0;
	}
	if (name >= strsz)
		return err_set(ENOEXEC, "%s: section [%u] offset 0x%llx: version name index 0x%x is past its string table (size 0x%zx)",
			       f->path, sec, (unsigned long long)off, name, strsz);
	if (f->vers[ndx].name)
		return err_set(ENOEXEC, "%s: section [%u] offset 0x%llx: version index %u is defined twice",
			       f->path, sec, (unsigned long long)off, ndx);
	f->vers[ndx].name = str + name;
	f->vers[ndx].needed = needed;
	return 0;
}

/* Walk .gnu.version_d (NEED 0) or .gnu.version_r (NEED 1). Entries are
 * chained by byte offsets; the chain is bounded by the section's entry
 * count (sh_info) and each link must stay inside and aligned. */
static int elf_ver_walk(struct elf_file *f, uint32_t i, int need)
{
	const size_t ent = need ? sizeof(Elf64_Verneed) : sizeof(Elf64_Verdef);
	const size_t aux = need ? sizeof(Elf64_Vernaux) : sizeof(Elf64_Verdaux);
	struct elf_shdr sh;
	const uint8_t *p;
	const char *str;
	size_t strsz;
	uint64_t off = 0;
	int ret;

	ret = elf_shdr_get(f, i, &sh);
	if (!ret)
		ret = elf_sec_check(f, i, &sh);
	if (!ret)
		ret = elf_strtab(f, sh.link, i, &str, &strsz);
	if (ret)
		return ret;
	p = f->map + sh.offset;
	if (sh.info > sh.size / ent)
		return err_set(ENOEXEC, "%s: section [%u] %s claims %u entries but has room for %llu",
			       f->path, i, elf_sec_name(f, &sh), sh.info,
			       (unsigned long long)(sh.size / ent));
	for (uint32_t n = 0; n < sh.info; n++) {
		uint64_t a;
		uint32_t next, cnt;

		if (off % 4 || off > sh.size || sh.size - off < ent)
			return err_set(ENOEXEC, "%s: section [%u] %s: entry %u at offset 0x%llx is misaligned or past the section end",
				       f->path, i, elf_sec_name(f, &sh), n,
				       (unsigned long long)(sh.offset + off));
		if (elf_rd16(p + off) != 1)
			return err_set(ENOEXEC, "%s: section [%u] %s: entry %u at offset 0x%llx has unknown version %u",
				       f->path, i, elf_sec_name(f, &sh), n,
				       (unsigned long long)(sh.offset + off),
				       elf_rd16(p + off));
		cnt = elf_rd16(p + off + (need ? offsetof(Elf64_Verneed, vn_cnt) : offsetof(Elf64_Verdef, vd_cnt)));
		a = off + elf_rd32(p + off + (need ? offsetof(Elf64_Verneed, vn_aux) : offsetof(Elf64_Verdef, vd_aux)));
		/* A definition is named by its first aux entry; a need has
		 * one aux entry per version it needs. Links only go forward,
		 * so every chain ends. */
		for (uint32_t k = 0; k < (need ? cnt : (cnt ? 1u : 0u)); k++) {
			uint32_t anext;

			if (a % 4 || a > sh.size || sh.size - a < aux)
				return err_set(ENOEXEC, "%s: section [%u] %s: aux entry at offset 0x%llx is misaligned or past the section end",
					       f->path, i, elf_sec_name(f, &sh),
					       (unsigned long long)(sh.offset + a));
			if (need)
				ret = elf_ver_put(f, i, sh.offset + a,
						  elf_rd16(p + a + offsetof(Elf64_Vernaux, vna_other)),
						  str, strsz,
						  elf_rd32(p + a + offsetof(Elf64_Vernaux, vna_name)), 1);
			else
				ret = elf_ver_put(f, i, sh.offset + a,
						  elf_rd16(p + off + offsetof(Elf64_Verdef, vd_ndx)),
						  str, strsz,
						  elf_rd32(p + a + offsetof(Elf64_Verdaux, vda_name)), 0);
			if (ret)
				return ret;
			anext = need ? elf_rd32(p + a + offsetof(Elf64_Vernaux, vna_next)) : 0;
			if (!anext)
				break;
			a += anext;
		}
		next = elf_rd32(p + off + (need ? offsetof(Elf64_Verneed, vn_next) : offsetof(Elf64_Verdef, vd_next)));
		if (!next)
			break;
		off += next;
	}
	return 0;
}

/* .gnu.version must parallel .dynsym; the definitions and needs name the
 * indexes it uses. */
static int elf_vers_load(struct elf_file *f, uint32_t vsym, uint32_t vdef,
			 uint32_t vneed)
{
	const struct elf_tab *dyn = &f->tab[ELF_DYNSYM];
	struct elf_shdr sh;
	int ret;

	ret = elf_shdr_get(f, vsym, &sh);
	if (!ret)
		ret = elf_sec_check(f, vsym, &sh);
	if (ret)
		return ret;
	if (sh.link != dyn->sec || sh.size != (uint64_t)dyn->count * 2)
		return err_set(ENOEXEC, "%s: section [%u] %s (size 0x%llx, link %u) does not parallel .dynsym [%u] (%u symbols)",
			       f->path, vsym, elf_sec_name(f, &sh),
			       (unsigned long long)sh.size, sh.link, dyn->sec,
			       dyn->count);
	f->versym = f->map + sh.offset;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			f->vers = calloc(f->nvers ? f->nvers : 1, sizeof(*f->vers));
			if (!f->vers)
				return err_set(ENOMEM, "out of memory reading versions of %s",
					       f->path);
		}
		if (vdef && (ret = elf_ver_walk(f, vdef, 0)))
			return ret;
		if (vneed && (ret = elf_ver_walk(f, vneed, 1)))
			return ret;
	}
	return 0;
}

int elf_tabs_load(struct elf_file *f)
{
	uint32_t vsym = 0, vdef = 0, vneed = 0;
	struct elf_shdr sh;
	int ret;

	for (uint32_t i = 1; i < f->shnum; i++) {
		ret = elf_shdr_get(f, i, &sh);
		if (ret)
			return ret;
		if (sh.type == SHT_DYNSYM && !f->tab[ELF_DYNSYM].sec)
			ret = elf_tab_load(f, i, &sh, &f->tab[ELF_DYNSYM]);
		else if (sh.type == SHT_SYMTAB && !f->tab[ELF_SYMTAB].sec)
			ret = elf_tab_load(f, i, &sh, &f->tab[ELF_SYMTAB]);
		else if (sh.type == SHT_GNU_versym && !vsym)
			vsym = i;
		else if (sh.type == SHT_GNU_verdef && !vdef)
			vdef = i;
		else if (sh.type == SHT_GNU_verneed && !vneed)
			vneed = i;
		if (ret)
			return ret;
	}
	if (vsym && f->tab[ELF_DYNSYM].sec)
		return elf_vers_load(f, vsym, vdef, vneed);
	return 0;
}

void elf_tabs_free(struct elf_file *f)
{
	free(f->vers);
	f->vers = NULL;
	elf_nidx_free(f);
}

static const struct elf_tab *elf_tab(const struct elf_file *f,
				     enum elf_table t)
{
	if (t == ELF_SYMTAB && !f->tab[t].syms && f->debug)
		return &f->debug->tab[t];
	return &f->tab[t];
}

/* 1 when table TAB (absent: 1) cannot name a symbol NAME (N bytes): its
 * strings lack "NAME\0" and "NAME@". */
static int elf_str_lacks(const struct elf_tab *tab, const char *name, size_t n)
{
	const char *p = tab->str, *end = p + tab->strsz;

	for (; tab->syms && (p = memchr(p, name[0], (size_t)(end - p))); p++)
		if ((size_t)(end - p) > n && !memcmp(p, name, n) && (!p[n] || p[n] == '@'))
			return 0;
	return 1;
}

int elf_name_absent(const struct elf_file *f, const char *name)
{
	size_t n = strlen(name);

	return n && elf_str_lacks(elf_tab(f, ELF_DYNSYM), name, n) &&
	       elf_str_lacks(elf_tab(f, ELF_SYMTAB), name, n);
}

uint32_t elf_table_count(const struct elf_file *f, enum elf_table t)
{
	return t == ELF_DYNSYM || t == ELF_SYMTAB ? elf_tab(f, t)->count : 0;
}

/* Version of .dynsym entry I. */
static int elf_sym_version(const struct elf_file *f, uint32_t i,
			   struct elf_sym *s)
{
	uint16_t v, ndx;

	s->version = NULL;
	s->hidden = 0;
	if (!f->versym)
		return 0;
	v = elf_rd16(f->versym + (size_t)i * 2);
	ndx = v & 0x7fff;
	if (ndx <= 1)		/* VER_NDX_LOCAL, VER_NDX_GLOBAL: unversioned */
		return 0;
	if (ndx >= f->nvers || !f->vers[ndx].name)
		return err_set(ENOEXEC, "%s: .dynsym symbol %u has version index %u, which no version definition or need names",
			       f->path, i, ndx);
	s->version = f->vers[ndx].name;
	s->hidden = (v & 0x8000) || f->vers[ndx].needed;
	return 0;
}

int elf_sym_raw(const struct elf_file *f, enum elf_table t, uint32_t i,
		struct elf_rawsym *r)
{
	const struct elf_tab *tab = elf_tab(f, t);
	const uint8_t *p;
	uint32_t name;
	uint8_t info;

	if (i >= tab->count)
		return -1;
	p = tab->syms + (size_t)i * tab->entsize;
	if (f->is64) {
		name = elf_rd32(p + offsetof(Elf64_Sym, st_name));
		info = p[offsetof(Elf64_Sym, st_info)];
		r->value = elf_rd64(p + offsetof(Elf64_Sym, st_value));
	} else {
		name = elf_rd32(p + offsetof(Elf32_Sym, st_name));
		info = p[offsetof(Elf32_Sym, st_info)];
		r->value = elf_rd32(p + offsetof(Elf32_Sym, st_value));
	}
	if (name && name >= tab->strsz)
		return -1;
	r->name = name ? tab->str + name : "";
	r->type = ELF64_ST_TYPE(info);
	r->bind = ELF64_ST_BIND(info);
	return 0;
}

int elf_table_sym(const struct elf_file *f, enum elf_table t, uint32_t i,
		  struct elf_sym *s)
{
	const struct elf_tab *tab;
	const uint8_t *p;
	uint32_t name;
	uint8_t info;

	if (t != ELF_DYNSYM && t != ELF_SYMTAB)
		return err_set(EINVAL, "no symbol table %d", (int)t);
	tab = elf_tab(f, t);
	if (i >= tab->count)
		return err_set(ERANGE, "%s: symbol %u is past the end of its table (%u symbols)",
			       f->path, i, tab->count);
	p = tab->syms + (size_t)i * tab->entsize;
	if (f->is64) {
		name = elf_rd32(p + offsetof(Elf64_Sym, st_name));
		info = p[offsetof(Elf64_Sym, st_info)];
		s->shndx = elf_rd16(p + offsetof(Elf64_Sym, st_shndx));
		s->value = elf_rd64(p + offsetof(Elf64_Sym, st_value));
		s->size = elf_rd64(p + offsetof(Elf64_Sym, st_size));
	} else {
		name = elf_rd32(p + offsetof(Elf32_Sym, st_name));
		info = p[offsetof(Elf32_Sym, st_info)];
		s->shndx = elf_rd16(p + offsetof(Elf32_Sym, st_shndx));
		s->value = elf_rd32(p + offsetof(Elf32_Sym, st_value));
		s->size = elf_rd32(p + offsetof(Elf32_Sym, st_size));
	}
	if (name && name >= tab->strsz)
		return err_set(ENOEXEC, "%s: section [%u] symbol %u (offset 0x%llx): name index 0x%x is past its string table (size 0x%zx)",
			       tab->owner->path, tab->sec, i,
			       (unsigned long long)(p - tab->owner->map), name,
			       tab->strsz);
	s->name = name ? tab->str + name : "";
	s->type = ELF64_ST_TYPE(info);
	s->bind = ELF64_ST_BIND(info);
	s->index = i;
	s->table = (uint8_t)t;
	if (t == ELF_DYNSYM) {
		s->name_len = strlen(s->name);
		return elf_sym_version(f, i, s);
	}
	/* .symtab spells versions into the name: "name@VER", "name@@VER" */
	s->name_len = strcspn(s->name, "@");
	s->version = NULL;
	s->hidden = 0;
	if (s->name[s->name_len]) {
		s->hidden = s->name[s->name_len + 1] != '@';
		s->version = s->name + s->name_len + (s->hidden ? 1 : 2);
	}
	return 0;
}
