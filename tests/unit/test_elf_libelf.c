/* Differential test of user/elf/ against libelf (elfutils), the independent
 * oracle: over real ELF files of this machine, every symbol of .dynsym and
 * .symtab (name, value, size, type, binding, section index, version), the
 * deduplicated iteration, the build id, and the uprobe file offset of every
 * defined symbol computed from libelf's program headers.
 *
 * Files: /usr/bin, /usr/sbin and /usr/lib/x86_64-linux-gnu, each walked
 * recursively in sorted order, taken round-robin up to RAWTEL_ELF_DIFF_MAX
 * (default 400) ELF files, plus the 5 largest ELF files of all three.
 * RAWTEL_ELF_DIFF_DIRS (colon-separated) compares other directories. */
// test-ldlibs: -lelf
/* Failure messages are cut to t.h's buffer on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <fcntl.h>
#include <ftw.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rawtel/elf.h"
#include "rawtel/err.h"
#include "t.h"

/* ---- the file list --------------------------------------------------- */

struct cand {
	char *path;
	off_t size;
};
struct cands {
	struct cand *v;
	size_t n, cap;
};
static struct cands walk_list;

static int walk_add(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	(void)ftw;
	if (type != FTW_F || !S_ISREG(st->st_mode) || st->st_size < 64)
		return 0;
	if (walk_list.n == walk_list.cap) {
		walk_list.cap = walk_list.cap ? 2 * walk_list.cap : 1024;
		walk_list.v = realloc(walk_list.v, walk_list.cap * sizeof(*walk_list.v));
		if (!walk_list.v)
			abort();
	}
	walk_list.v[walk_list.n].path = strdup(path);
	walk_list.v[walk_list.n++].size = st->st_size;
	return 0;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct cand *)a)->path, ((const struct cand *)b)->path);
}

static int by_size_desc(const void *a, const void *b)
{
	off_t x = ((const struct cand *)a)->size, y = ((const struct cand *)b)->size;

	return x < y ? 1 : x > y ? -1 : strcmp(((const struct cand *)a)->path,
					       ((const struct cand *)b)->path);
}

static int is_elf(const char *path)
{
	unsigned char m[4];
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), ok;

	if (fd < 0)
		return 0;
	ok = read(fd, m, 4) == 4 && !memcmp(m, "\177ELF", 4);
	close(fd);
	return ok;
}

#define MAXDIRS 8
static const char *dirs[MAXDIRS] = {
	"/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu",
};
static int NDIRS = 3;

static void pick_dirs(void)
{
	static char buf[1024];
	char *save = NULL, *d;
	const char *env = getenv("RAWTEL_ELF_DIFF_DIRS");

	if (!env)
		return;
	snprintf(buf, sizeof(buf), "%s", env);
	NDIRS = 0;
	for (d = strtok_r(buf, ":", &save); d && NDIRS < MAXDIRS; d = strtok_r(NULL, ":", &save))
		dirs[NDIRS++] = d;
}

/* The files to compare, NULL-terminated. */
static char **pick_files(size_t max)
{
	struct cands per[MAXDIRS], all = { 0 };
	size_t pos[MAXDIRS] = { 0 }, n = 0, big = 0;
	char **out = calloc(max + 6, sizeof(*out));

	for (int d = 0; d < NDIRS; d++) {
		memset(&walk_list, 0, sizeof(walk_list));
		nftw(dirs[d], walk_add, 16, FTW_PHYS);
		per[d] = walk_list;
		if (per[d].n)
			qsort(per[d].v, per[d].n, sizeof(struct cand), by_path);
	}
	/* round-robin over the directories, each in sorted order */
	for (int progress = 1; progress && n < max;) {
		progress = 0;
		for (int d = 0; d < NDIRS && n < max; d++) {
			while (pos[d] < per[d].n && !is_elf(per[d].v[pos[d]].path))
				pos[d]++;
			if (pos[d] < per[d].n) {
				out[n++] = strdup(per[d].v[pos[d]++].path);
				progress = 1;
			}
		}
	}
	for (int d = 0; d < NDIRS; d++) {
		if (!per[d].n)
			continue;
		all.v = realloc(all.v, (all.n + per[d].n) * sizeof(struct cand));
		memcpy(all.v + all.n, per[d].v, per[d].n * sizeof(struct cand));
		all.n += per[d].n;
		free(per[d].v);
	}
	if (all.n)
		qsort(all.v, all.n, sizeof(struct cand), by_size_desc);
	for (size_t i = 0; i < all.n && big < 5; i++) {
		int dup = 0;

		if (!is_elf(all.v[i].path))
			continue;
		for (size_t k = 0; k < n; k++)
			dup |= !strcmp(out[k], all.v[i].path);
		if (!dup)
			out[n++] = strdup(all.v[i].path);
		big++;
	}
	for (size_t i = 0; i < all.n; i++)
		free(all.v[i].path);
	free(all.v);
	return out;
}

/* ---- the oracle --------------------------------------------------------- */

struct over {
	const char *name;
	int needed;
};
static struct over vmap[0x8000];

/* Version names by index, from libelf's view of verdef/verneed. */
static void oracle_versions(Elf *e)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	memset(vmap, 0, sizeof(vmap));
	while ((scn = elf_nextscn(e, scn))) {
		Elf_Data *d;
		size_t off = 0;

		if (!gelf_getshdr(scn, &sh) || !(d = elf_getdata(scn, NULL)))
			continue;
		if (sh.sh_type == SHT_GNU_verdef) {
			for (unsigned n = 0; n < sh.sh_info; n++) {
				GElf_Verdef vd;
				GElf_Verdaux va;

				if (!gelf_getverdef(d, (int)off, &vd))
					break;
				if (vd.vd_cnt && gelf_getverdaux(d, (int)(off + vd.vd_aux), &va))
					vmap[vd.vd_ndx & 0x7fff].name =
						elf_strptr(e, sh.sh_link, va.vda_name);
				if (!vd.vd_next)
					break;
				off += vd.vd_next;
			}
		} else if (sh.sh_type == SHT_GNU_verneed) {
			for (unsigned n = 0; n < sh.sh_info; n++) {
				GElf_Verneed vn;
				size_t a;

				if (!gelf_getverneed(d, (int)off, &vn))
					break;
				a = off + vn.vn_aux;
				for (unsigned k = 0; k < vn.vn_cnt; k++) {
					GElf_Vernaux vna;

					if (!gelf_getvernaux(d, (int)a, &vna))
						break;
					vmap[vna.vna_other & 0x7fff].name =
						elf_strptr(e, sh.sh_link, vna.vna_name);
					vmap[vna.vna_other & 0x7fff].needed = 1;
					if (!vna.vna_next)
						break;
					a += vna.vna_next;
				}
				if (!vn.vn_next)
					break;
				off += vn.vn_next;
			}
		}
	}
}

/* One symbol as the oracle sees it, with the version split the way both
 * tables spell it: from .gnu.version for .dynsym, "name@VER"/"name@@VER"
 * in .symtab. */
struct osym {
	const char *name;	/* libelf's string; the name is name_len bytes */
	size_t name_len;
	const char *version;
	int hidden;
	GElf_Sym s;
	uint32_t index;
};

static int oracle_sym(Elf *e, Elf_Data *d, GElf_Shdr *sh, Elf_Data *versym,
		      uint32_t i, int dynamic, struct osym *o)
{
	const char *raw, *at;

	if (!gelf_getsym(d, (int)i, &o->s))
		return -1;
	raw = o->s.st_name ? elf_strptr(e, sh->sh_link, o->s.st_name) : "";
	if (!raw)
		return -1;
	o->index = i;
	o->version = NULL;
	o->hidden = 0;
	o->name = raw;
	o->name_len = strlen(raw);
	if (dynamic && versym) {
		GElf_Versym v;

		if (!gelf_getversym(versym, (int)i, &v))
			return -1;
		if ((v & 0x7fff) > 1) {
			if (!vmap[v & 0x7fff].name)
				return -1;
			o->version = vmap[v & 0x7fff].name;
			o->hidden = (v & 0x8000) || vmap[v & 0x7fff].needed;
		}
	} else if (!dynamic && (at = strchr(raw, '@'))) {
		o->name_len = (size_t)(at - raw);
		o->hidden = at[1] != '@';
		o->version = at + (o->hidden ? 1 : 2);
	}
	return 0;
}

/* The file offset from libelf's program headers, or -1. */
static int64_t oracle_offset(Elf *e, uint64_t addr)
{
	size_t n;
	GElf_Phdr ph;

	if (elf_getphdrnum(e, &n))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    (ph.p_flags & PF_X) && addr >= ph.p_vaddr &&
		    addr - ph.p_vaddr < ph.p_filesz)
			return (int64_t)(addr - ph.p_vaddr + ph.p_offset);
	return -1;
}

/* ---- comparing one file -------------------------------------------------- */

static long n_files, n_syms, n_offsets, n_versioned, n_dups, n_buildids;

static int same_version(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Compare table T of F with libelf's section of type TYPE; fills DYN (the
 * oracle's .dynsym) for the dedup check. Returns 0 or -1 (failure noted). */
static int diff_table(const char *path, Elf *e, struct elf_file *f, int t,
		      unsigned type, struct osym **dyn, uint32_t *ndyn,
		      uint32_t **keep, uint32_t *nkeep)
{
	Elf_Scn *scn = NULL, *vs = NULL;
	Elf_Data *d, *versym = NULL;
	GElf_Shdr sh, vsh;
	uint32_t count;
	struct osym o;
	struct elf_sym s;
	uint64_t off;

	while ((scn = elf_nextscn(e, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == type)
			break;
	while ((vs = elf_nextscn(e, vs)))
		if (gelf_getshdr(vs, &vsh) && vsh.sh_type == SHT_GNU_versym)
			versym = elf_getdata(vs, NULL);
	count = scn && sh.sh_entsize ? (uint32_t)(sh.sh_size / sh.sh_entsize) : 0;
	if (elf_table_count(f, t) != count) {
		T_FAILF("%s: table %d: %u symbols, libelf says %u", path, t,
			elf_table_count(f, t), count);
		return -1;
	}
	if (!count)
		return 0;
	d = elf_getdata(scn, NULL);
	if (t == ELF_DYNSYM) {
		*dyn = calloc(count, sizeof(**dyn));
		*ndyn = count;
	}
	for (uint32_t i = 0; i < count; i++) {
		int64_t want;
		int have;

		if (oracle_sym(e, d, &sh, versym, i, t == ELF_DYNSYM, &o)) {
			T_FAILF("%s: libelf cannot read symbol %u of table %d", path, i, t);
			return -1;
		}
		if (elf_table_sym(f, t, i, &s)) {
			T_FAILF("%s: symbol %u of table %d: %s", path, i, t, err_msg());
			return -1;
		}
		if (o.name_len != s.name_len || memcmp(o.name, s.name, s.name_len) ||
		    !same_version(o.version, s.version) ||
		    (o.version && o.hidden != s.hidden) ||
		    o.s.st_value != s.value || o.s.st_size != s.size ||
		    GELF_ST_TYPE(o.s.st_info) != s.type ||
		    GELF_ST_BIND(o.s.st_info) != s.bind || o.s.st_shndx != s.shndx) {
			T_FAILF("%s: table %d symbol %u: ours %.*s%s%s v=%llx sz=%llu t=%u b=%u sh=%u, libelf %.*s%s%.60s v=%llx sz=%llu t=%u b=%u sh=%u",
				path, t, i, (int)s.name_len, s.name,
				s.version ? (s.hidden ? "@" : "@@") : "",
				s.version ? s.version : "", (unsigned long long)s.value,
				(unsigned long long)s.size, s.type, s.bind, s.shndx,
				(int)(o.name_len < 200 ? o.name_len : 200), o.name,
				o.version ? (o.hidden ? "@" : "@@") : "",
				o.version ? o.version : "", (unsigned long long)o.s.st_value,
				(unsigned long long)o.s.st_size, GELF_ST_TYPE(o.s.st_info),
				GELF_ST_BIND(o.s.st_info), o.s.st_shndx);
			return -1;
		}
		n_syms++;
		n_versioned += s.version != NULL;
		if (t == ELF_DYNSYM)
			(*dyn)[i] = o;
		else if (i)
			(*keep)[(*nkeep)++] = i;
		/* the uprobe offset of every defined symbol */
		if (!i || !s.shndx || s.shndx >= SHN_LORESERVE || s.type == ELF_SYM_TLS)
			continue;
		want = oracle_offset(e, s.value);
		have = !elf_addr_offset(f, s.value, &off);
		if (have != (want >= 0) || (have && (int64_t)off != want)) {
			T_FAILF("%s: symbol %.*s at 0x%llx: offset %s0x%llx, libelf's phdrs say %s0x%llx (%s)",
				path, (int)s.name_len, s.name, (unsigned long long)s.value,
				have ? "" : "none ", (unsigned long long)(have ? off : 0),
				want >= 0 ? "" : "none ", (unsigned long long)(want >= 0 ? want : 0),
				have ? "" : err_msg());
			return -1;
		}
		n_offsets += have;
	}
	return 0;
}

/* Is .symtab's O the same symbol as one in .dynsym (by brute force over
 * the entries with its value)? */
static int oracle_is_dup(const struct osym *dyn, uint32_t ndyn, const struct osym *o)
{
	for (uint32_t j = 1; j < ndyn; j++) {
		const struct osym *d = &dyn[j];

		if (d->s.st_value != o->s.st_value ||
		    GELF_ST_TYPE(d->s.st_info) != GELF_ST_TYPE(o->s.st_info) ||
		    d->name_len != o->name_len || memcmp(d->name, o->name, o->name_len))
			continue;
		if (!o->version || (d->version && d->hidden == o->hidden &&
				    !strcmp(d->version, o->version)))
			return 1;
	}
	return 0;
}

/* How many symbols the .symtab has (0 without one) */
static uint32_t symtab_count(Elf *e)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	uint32_t nsym = 0;

	while ((scn = elf_nextscn(e, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB && sh.sh_entsize)
			nsym = (uint32_t)(sh.sh_size / sh.sh_entsize);
	return nsym;
}

/* The deduplicated sequence: .dynsym, then .symtab minus the symbols
 * .dynsym already has; returns how many of keep[] stay */
static uint32_t dedup_keep(Elf *e, const struct osym *dyn, uint32_t ndyn, uint32_t *keep,
			   uint32_t nkeep)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	struct osym o;
	uint32_t w = 0;

	while ((scn = elf_nextscn(e, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			break;
	for (uint32_t i = 0; scn && i < nkeep; i++) {
		if (oracle_sym(e, elf_getdata(scn, NULL), &sh, NULL, keep[i], 0, &o))
			continue;
		if (oracle_is_dup(dyn, ndyn, &o))
			n_dups++;
		else
			keep[w++] = keep[i];
	}
	return w;
}

/* The build id, against libelf's note reader: 0, or -1 after a failure */
static int diff_build_id(const char *path, Elf *e, struct elf_file *f)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	const uint8_t *id = NULL, *ours;
	size_t idlen = 0;
	int ret;

	while (!id && (scn = elf_nextscn(e, scn))) {
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, no, dof;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(d, off, &nh, &no, &dof)) > 0)
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp((char *)d->d_buf + no, "GNU", 4)) {
				id = (const uint8_t *)d->d_buf + dof;
				idlen = nh.n_descsz;
				break;
			}
	}
	ret = elf_build_id(f, &ours);
	if (ret != (int)idlen || (idlen && memcmp(ours, id, idlen))) {
		T_FAILF("%s: build id of %d bytes, libelf finds %zu", path, ret, idlen);
		return -1;
	}
	n_buildids += idlen > 0;
	return 0;
}

static void diff_file(const char *path)
{
	struct osym *dyn = NULL;
	uint32_t ndyn = 0, *keep = NULL, nkeep = 0, nexp, k;
	struct elf_sym_iter it = { 0, 0 };
	struct elf_file *f;
	struct elf_sym s;
	Elf *e;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		if (e)
			elf_end(e);
		close(fd);
		return;
	}
	if (elf_open(path, &f)) {
		T_FAILF("%s: libelf reads it, we do not: %s", path, err_msg());
		goto out_elf;
	}
	oracle_versions(e);
	keep = calloc(symtab_count(e) + 1, sizeof(*keep));
	if (diff_table(path, e, f, ELF_DYNSYM, SHT_DYNSYM, &dyn, &ndyn, &keep, &nkeep) ||
	    diff_table(path, e, f, ELF_SYMTAB, SHT_SYMTAB, &dyn, &ndyn, &keep, &nkeep))
		goto out;
	nkeep = dedup_keep(e, dyn, ndyn, keep, nkeep);
	nexp = (ndyn ? ndyn - 1 : 0) + nkeep;
	for (k = 0; (ret = elf_sym_next(f, &it, &s)) > 0; k++) {
		int t = k + 1 < ndyn ? ELF_DYNSYM : ELF_SYMTAB;
		uint32_t want = t == ELF_DYNSYM ? k + 1 : (k - (ndyn ? ndyn - 1 : 0) < nkeep ?
				keep[k - (ndyn ? ndyn - 1 : 0)] : 0);

		if (s.table != t || s.index != want) {
			T_FAILF("%s: deduplicated symbol %u is table %d index %u, expected table %d index %u",
				path, k, s.table, s.index, t, want);
			goto out;
		}
	}
	if (ret < 0 || k != nexp) {
		T_FAILF("%s: deduplicated iteration gave %u symbols (%s), expected %u",
			path, k, ret < 0 ? err_msg() : "ok", nexp);
		goto out;
	}
	if (diff_build_id(path, e, f))
		goto out;
	n_files++;
out:
	free(dyn);
	free(keep);
	elf_close(f);
out_elf:
	elf_end(e);
	close(fd);
}

static void test_elf_vs_libelf(void)
{
	const char *m = getenv("RAWTEL_ELF_DIFF_MAX");
	size_t max = m ? strtoul(m, NULL, 10) : 400;
	struct timespec t0, t1;
	char **files;

	T_ASSERT(elf_version(EV_CURRENT) != EV_NONE);
	n_files = n_syms = n_offsets = n_versioned = n_dups = n_buildids = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pick_dirs();
	files = pick_files(max);
	for (size_t i = 0; files[i]; i++) {
		if (!t_case_failed)
			diff_file(files[i]);
		free(files[i]);
	}
	free(files);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("compared %ld files with libelf: %ld symbols (%ld versioned, %ld .symtab duplicates of .dynsym), %ld offsets, %ld build ids, in %.1f s\n",
	       n_files, n_syms, n_versioned, n_dups, n_offsets, n_buildids,
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	T_CHECK(n_files >= 100, "too few ELF files found to compare");
	T_CHECK(n_versioned > 0 && n_dups > 0 && n_offsets > 0);
}

/* libelf's value for symbol NAME in .symtab, or -1. */
static int64_t oracle_symtab_value(Elf *e, const char *name)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym sym;

	while ((scn = elf_nextscn(e, scn))) {
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		for (int i = 0; gelf_getsym(d, i, &sym); i++) {
			const char *n = elf_strptr(e, sh.sh_link, sym.st_name);

			if (n && !strcmp(n, name) && sym.st_shndx != SHN_UNDEF)
				return (int64_t)sym.st_value;
		}
	}
	return -1;
}

/* The test programs, including the static musl one: whole-file
 * comparison, and functions found where libelf says they are. */
static void test_progs_vs_libelf(void)
{
	static const struct {
		const char *prog, *fn;
	} c[] = {
		{ "elf_static_musl", "elf_static_fn" }, { "elf_static_musl", "pause" },
		{ "elf_static_musl", "elf_static_local" }, { "elf_target", "elf_target_fn" },
		{ "elf_target", "elf_target_local" },
	};
	const char *dir = getenv("RAWTEL_PROGS");
	char path[512];

	T_ASSERT(elf_version(EV_CURRENT) != EV_NONE);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct elf_file *f;
		struct elf_sym s;
		uint64_t off;
		int64_t val, want;
		Elf *e;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir ? dir : "build/progs", c[i].prog);
		diff_file(path);
		fd = open(path, O_RDONLY);
		T_ASSERT(fd >= 0, "test program missing: run make progs");
		e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
		val = oracle_symtab_value(e, c[i].fn);
		want = val >= 0 ? oracle_offset(e, (uint64_t)val) : -1;
		elf_end(e);
		close(fd);
		T_ASSERT(want > 0, "libelf finds no executable symbol");
		T_ASSERT(elf_open(path, &f) == 0);
		if (elf_func_find(f, c[i].fn, &s, &off))
			T_FAILF("%s in %s: %s", c[i].fn, path, err_msg());
		else if ((int64_t)off != want || (int64_t)s.value != val)
			T_FAILF("%s in %s: offset 0x%llx, libelf 0x%llx", c[i].fn, path,
				(unsigned long long)off, (unsigned long long)want);
		elf_close(f);
	}
}

int main(void)
{
	T_RUN(test_progs_vs_libelf);
	T_RUN(test_elf_vs_libelf);
	return t_done();
}
