/* Internals shared by the files of user/elf/. Everything read from the mapping goes
 * through elf_rd*(): explicit little-endian loads, so an unaligned or odd
 * offset is never undefined behaviour and the host's byte order does not
 * matter. */
#ifndef RAWTEL_ELF_INT_H
#define RAWTEL_ELF_INT_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "rawtel/elf.h"

static inline uint16_t elf_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t elf_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t elf_rd64(const uint8_t *p)
{
	return (uint64_t)elf_rd32(p) | (uint64_t)elf_rd32(p + 4) << 32;
}

/* A section header or program header, widened to 64 bits. */
struct elf_shdr {
	uint32_t name, type, link, info;
	uint64_t flags, addr, offset, size, addralign, entsize;
};
struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

/* A symbol table and its string table, both inside the mapping. */
struct elf_tab {
	const uint8_t *syms;	/* entry 0; NULL when the table is absent */
	uint32_t count, entsize;
	const char *str;
	size_t strsz;		/* up to and including the last NUL */
	uint32_t sec;		/* section index, for messages */
	const struct elf_file *owner;	/* file holding it (debug file?) */
};

/* A version index's name (from .gnu.version_d or .gnu.version_r). */
struct elf_ver {
	const char *name;	/* NULL: index not defined */
	uint8_t needed;		/* from .gnu.version_r: always "@" */
};

struct elf_file {
	char *path;
	const uint8_t *map;
	size_t size;
	uint64_t dev, ino;		/* to tell a debug file from the binary */
	uint8_t is64;
	uint16_t type, machine;
	uint64_t phoff, shoff;
	uint32_t phnum, shnum, shstrndx;

	struct elf_tab tab[2];		/* [ELF_DYNSYM], [ELF_SYMTAB] */
	const uint8_t *versym;		/* one u16 per .dynsym entry, or NULL */
	struct elf_ver *vers;
	uint32_t nvers;

	struct elf_file *debug;		/* supplies tab[ELF_SYMTAB] */
	struct elf_nidx {		/* per table, elf_nidx.c */
		uint32_t *head;		/* per bucket, the first entry */
		uint32_t *next;		/* per entry, the next in its bucket */
		uint32_t *key;		/* per entry */
		uint32_t mask, count;
		int state;		/* 0 unbuilt, 1 built, -1 not indexable */
	} nidx[2];
	int seg_state;			/* 0 unchecked, 1 valid, <0 malformed */
};

/* 1 when [off, off+len) lies inside the mapping (overflow-safe). */
static inline int elf_in_file(const struct elf_file *f, uint64_t off,
			      uint64_t len)
{
	return off <= f->size && len <= f->size - off;
}

/* elf_file.c */
int elf_shdr_get(const struct elf_file *f, uint32_t i, struct elf_shdr *sh);
int elf_phdr_get(const struct elf_file *f, uint32_t i, struct elf_phdr *ph);
/* The section's name, or "?" when it has none or it is out of range. */
const char *elf_sec_name(const struct elf_file *f, const struct elf_shdr *sh);
/* Check a section's bytes lie in the file and its offset honours its
 * alignment; messages name section I. */
int elf_sec_check(const struct elf_file *f, uint32_t i,
		  const struct elf_shdr *sh);

/* elf_sym.c */
/* The fields a lookup filters on, without decoding the rest: 0, or -1 when
 * the entry is out of range or its name index is bad (elf_table_sym then
 * says why). NAME is the stored string, "name@VER" in .symtab. */
struct elf_rawsym {
	const char *name;
	uint64_t value;
	uint8_t type, bind;
};
int elf_sym_raw(const struct elf_file *f, enum elf_table t, uint32_t i,
		struct elf_rawsym *r);
int elf_tabs_load(struct elf_file *f);
void elf_tabs_free(struct elf_file *f);

/* elf_nidx.c: the entries of a table by name part (.dynsym: the whole
 * name; .symtab: up to '@'). elf_nidx_ready: 1 when table T is indexed
 * (built on first use), 0 when it has an entry elf_table_sym refuses
 * (scan it instead), -errno. elf_nidx_next: from *POS (0 to start),
 * the next entry index whose name part has KEY, ascending; 0 at the
 * end. The caller compares the names. */
uint32_t elf_nidx_key(const char *name, size_t len);
int elf_nidx_ready(struct elf_file *f, enum elf_table t);
uint32_t elf_nidx_next(const struct elf_file *f, enum elf_table t, uint32_t key,
		       uint32_t *pos);
void elf_nidx_free(struct elf_file *f);

#endif
