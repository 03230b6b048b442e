/* A name index per symbol table, built on a file's first exact-name
 * lookup: one pass over the table instead of one per lookup (a node
 * binary has 185k symbols and the TLS probes look up a dozen names in
 * it). Keyed by the name part (up to "@VER" in .symtab) so it answers
 * exactly what a scan with elf_pat_maybe would find; a table with an
 * entry a scan would fail on is not indexed (the scan then says why). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elf_int.h"
#include "rawtel/err.h"

/* The length and the first and last (up to) 8 bytes: O(1) per name once
 * its end is found, and enough to spread C++ names sharing a prefix. */
uint32_t elf_nidx_key(const char *name, size_t len)
{
	uint64_t h = len * 0x9e3779b97f4a7c15ull, a = 0, b = 0;
	size_t n = len < 8 ? len : 8;

	for (size_t k = 0; k < n; k++) {
		a = a << 8 | (unsigned char)name[k];
		b = b << 8 | (unsigned char)name[len - n + k];
	}
	h = (h ^ a) * 0xff51afd7ed558ccdull;
	h = (h ^ b ^ h >> 29) * 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h ^ h >> 32);
}

/* Every entry's name index in range, and in .dynsym its version known:
 * what elf_table_sym checks; 0 when so. */
static int elf_nidx_entry(const struct elf_file *f, enum elf_table t, uint32_t i,
			  struct elf_rawsym *r)
{
	uint16_t ndx;

	if (elf_sym_raw(f, t, i, r))
		return -1;
	if (t != ELF_DYNSYM || !f->versym)
		return 0;
	ndx = elf_rd16(f->versym + (size_t)i * 2) & 0x7fff;
	return ndx > 1 && (ndx >= f->nvers || !f->vers[ndx].name) ? -1 : 0;
}

static void elf_nidx_drop(struct elf_nidx *x)
{
	free(x->head);
	free(x->next);
	free(x->key);
	x->head = x->next = x->key = NULL;
}

/* Chained buckets, each chain ascending (filled from the last entry
 * down): no probing, so many entries of one name (806 `__ioinit`s in
 * node) cost nothing to insert. */
static int elf_nidx_build(struct elf_file *f, enum elf_table t)
{
	struct elf_nidx *x = &f->nidx[t];
	uint32_t n = elf_table_count(f, t), size = 16;
	struct elf_rawsym r;

	x->state = -1;
	x->count = n;
	while (size < (uint64_t)n)
		size *= 2;
	x->head = calloc(size, sizeof(*x->head));
	x->next = malloc((n ? n : 1) * sizeof(*x->next));
	x->key = malloc((n ? n : 1) * sizeof(*x->key));
	if (!x->head || !x->next || !x->key) {
		elf_nidx_drop(x);
		return err_set(ENOMEM, "out of memory indexing %s", f->path);
	}
	x->mask = size - 1;
	for (uint32_t i = n; i-- > 1;) {
		size_t len;

		if (elf_nidx_entry(f, t, i, &r)) {
			elf_nidx_drop(x);
			return 0;
		}
		len = t == ELF_DYNSYM ? strlen(r.name) : strcspn(r.name, "@");
		x->key[i] = elf_nidx_key(r.name, len);
		x->next[i] = x->head[x->key[i] & x->mask];
		x->head[x->key[i] & x->mask] = i;
	}
	x->state = 1;
	return 0;
}

int elf_nidx_ready(struct elf_file *f, enum elf_table t)
{
	struct elf_nidx *x = &f->nidx[t];
	int ret;

	/* a debug file attached since supplies another .symtab */
	if (x->state && x->count != elf_table_count(f, t)) {
		elf_nidx_drop(x);
		x->state = 0;
	}
	if (!x->state && (ret = elf_nidx_build(f, t)))
		return ret;
	return x->state > 0;
}

/* *POS: 0 before the first call, then where the walk goes on
 * (UINT32_MAX: done). */
uint32_t elf_nidx_next(const struct elf_file *f, enum elf_table t, uint32_t key,
		       uint32_t *pos)
{
	const struct elf_nidx *x = &f->nidx[t];
	uint32_t i = !*pos ? x->head[key & x->mask] : *pos == UINT32_MAX ? 0 : *pos;

	while (i && x->key[i] != key)
		i = x->next[i];
	*pos = i && x->next[i] ? x->next[i] : UINT32_MAX;
	return i;
}

void elf_nidx_free(struct elf_file *f)
{
	for (int t = 0; t < 2; t++) {
		elf_nidx_drop(&f->nidx[t]);
		f->nidx[t].state = 0;
	}
}
