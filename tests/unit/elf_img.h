/* Builds small ELF images for the user/elf/ tests: a valid ELF64 shared
 * object with every table the resolver reads (so that each test can break
 * one field), and a minimal ELF32 executable. Host is little-endian x86, so
 * <elf.h>'s structs are written directly. */
#ifndef RAWTEL_TEST_ELF_IMG_H
#define RAWTEL_TEST_ELF_IMG_H

#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	S_NULL, S_TEXT, S_DYNSYM, S_DYNSTR, S_VERSYM, S_VERDEF, S_VERNEED,
	S_SYMTAB, S_STRTAB, S_NOTE, S_DEBUGLINK, S_SHSTRTAB, S_NUM
};

struct img {
	uint8_t b[8192];
	size_t size;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;		/* [0] R headers, [1] R+X .text */
	Elf64_Shdr *sh;		/* S_NUM entries */
	Elf64_Sym *dynsym, *symtab;
	uint16_t *versym;
	Elf64_Verdef *vd;	/* 3 definitions, each followed by its aux */
	Elf64_Verneed *vn;
	Elf64_Vernaux *vna;
	Elf64_Nhdr *note;
};

/* Offsets of the parts. */
#define IMG_TEXT 0x400u		/* vaddr 0x1400, 0x40 bytes */
#define IMG_TEXT_VA 0x1400u
#define IMG_DYNSYM 0x480u	/* 5 x 24 */
#define IMG_DYNSTR 0x500u
#define IMG_VERSYM 0x540u	/* 5 x 2 */
#define IMG_VERDEF 0x560u	/* 3 x (20 + 8) */
#define IMG_VERNEED 0x5c0u	/* 16 + 16 */
#define IMG_SYMTAB 0x600u	/* 5 x 24 */
#define IMG_STRTAB 0x680u
#define IMG_NOTE 0x6c0u		/* 12 + 4 + 8 */
#define IMG_DEBUGLINK 0x6e0u	/* "x.debug\0" + CRC */
#define IMG_SHSTRTAB 0x700u
#define IMG_SHDRS 0x800u

static const char img_dynstr[] = "\0foo\0bar\0baz\0V1\0V0\0GLIBC_X\0libx.so";
static const char img_strtab[] = "\0foo\0local_fn\0bar@@V1\0data";
static const char img_shstr[] =
	"\0.text\0.dynsym\0.dynstr\0.gnu.version\0.gnu.version_d\0"
	".gnu.version_r\0.symtab\0.strtab\0.note.gnu.build-id\0"
	".gnu_debuglink\0.shstrtab";

static inline uint32_t img_off(const char *tab, size_t len, const char *s)
{
	for (size_t i = 0; i + strlen(s) < len; i++)
		if (!strcmp(tab + i, s) && (i == 0 || tab[i - 1] == 0))
			return (uint32_t)i;
	abort();
}
#define DSTR(s) img_off(img_dynstr, sizeof(img_dynstr), s)
#define STR(s) img_off(img_strtab, sizeof(img_strtab), s)
#define SHSTR(s) img_off(img_shstr, sizeof(img_shstr), s)

static inline void img_sec(struct img *m, int i, const char *name,
			   uint32_t type, uint64_t off, uint64_t size,
			   uint32_t link, uint32_t info, uint64_t align,
			   uint64_t entsize)
{
	Elf64_Shdr *s = &m->sh[i];

	s->sh_name = name ? SHSTR(name) : 0;
	s->sh_type = type;
	s->sh_offset = off;
	s->sh_size = size;
	s->sh_link = link;
	s->sh_info = info;
	s->sh_addralign = align;
	s->sh_entsize = entsize;
}

static inline void img_sym(Elf64_Sym *s, uint32_t name, int type, int bind,
			   uint16_t shndx, uint64_t value, uint64_t size)
{
	s->st_name = name;
	s->st_info = (unsigned char)ELF64_ST_INFO(bind, type);
	s->st_shndx = shndx;
	s->st_value = value;
	s->st_size = size;
}

/* The symbols, by name: .dynsym's (dyn) then .symtab's, each from index
 * 1 in this order. */
static const struct img_symdef {
	int dyn;
	const char *name;
	int type, bind;
	uint16_t shndx;
	uint64_t value, size;
} img_syms[] = {
	{ 1, "foo", STT_FUNC, STB_GLOBAL, S_TEXT, 0x1400, 8 },
	{ 1, "bar", STT_FUNC, STB_GLOBAL, S_TEXT, 0x1410, 8 },
	{ 1, "baz", STT_FUNC, STB_GLOBAL, SHN_UNDEF, 0, 0 },
	{ 1, "bar", STT_FUNC, STB_GLOBAL, S_TEXT, 0x1420, 8 },
	{ 0, "foo", STT_FUNC, STB_GLOBAL, S_TEXT, 0x1400, 8 },
	{ 0, "local_fn", STT_FUNC, STB_LOCAL, S_TEXT, 0x1430, 4 },
	{ 0, "bar@@V1", STT_FUNC, STB_GLOBAL, S_TEXT, 0x1420, 8 },
	{ 0, "data", STT_OBJECT, STB_GLOBAL, S_TEXT, 0x100, 4 },
};

static inline void img_put_syms(struct img *m)
{
	int nd = 1, ns = 1;

	for (size_t i = 0; i < sizeof(img_syms) / sizeof(img_syms[0]); i++) {
		const struct img_symdef *d = &img_syms[i];

		if (d->dyn)
			img_sym(&m->dynsym[nd++], DSTR(d->name), d->type, d->bind, d->shndx,
				d->value, d->size);
		else
			img_sym(&m->symtab[ns++], STR(d->name), d->type, d->bind, d->shndx,
				d->value, d->size);
	}
}

/* .dynsym: foo@@V1 0x1400, bar@V0 0x1410, baz@GLIBC_X undefined,
 * bar@@V1 0x1420. .symtab: foo 0x1400 (dup of .dynsym's), local_fn 0x1430,
 * bar@@V1 0x1420 (dup), data 0x100 (not executable). */
static inline void img_build(struct img *m)
{
	uint8_t *b = m->b;

	memset(m, 0, sizeof(*m));
	m->size = IMG_SHDRS + S_NUM * sizeof(Elf64_Shdr);
	m->eh = (Elf64_Ehdr *)b;
	m->ph = (Elf64_Phdr *)(b + sizeof(Elf64_Ehdr));
	m->sh = (Elf64_Shdr *)(b + IMG_SHDRS);
	memcpy(m->eh->e_ident, ELFMAG, SELFMAG);
	m->eh->e_ident[EI_CLASS] = ELFCLASS64;
	m->eh->e_ident[EI_DATA] = ELFDATA2LSB;
	m->eh->e_ident[EI_VERSION] = EV_CURRENT;
	m->eh->e_type = ET_DYN;
	m->eh->e_machine = EM_X86_64;
	m->eh->e_version = EV_CURRENT;
	m->eh->e_phoff = sizeof(Elf64_Ehdr);
	m->eh->e_shoff = IMG_SHDRS;
	m->eh->e_ehsize = sizeof(Elf64_Ehdr);
	m->eh->e_phentsize = sizeof(Elf64_Phdr);
	m->eh->e_phnum = 2;
	m->eh->e_shentsize = sizeof(Elf64_Shdr);
	m->eh->e_shnum = S_NUM;
	m->eh->e_shstrndx = S_SHSTRTAB;
	m->ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R, .p_offset = 0,
				 .p_vaddr = 0, .p_filesz = IMG_TEXT, .p_memsz = IMG_TEXT,
				 .p_align = 0x1000 };
	m->ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
				 .p_offset = IMG_TEXT, .p_vaddr = IMG_TEXT_VA,
				 .p_filesz = 0x40, .p_memsz = 0x40, .p_align = 0x1000 };
	memset(b + IMG_TEXT, 0xc3, 0x40);

	m->dynsym = (Elf64_Sym *)(b + IMG_DYNSYM);
	m->symtab = (Elf64_Sym *)(b + IMG_SYMTAB);
	img_put_syms(m);
	memcpy(b + IMG_DYNSTR, img_dynstr, sizeof(img_dynstr));
	m->versym = (uint16_t *)(b + IMG_VERSYM);
	m->versym[1] = 2;
	m->versym[2] = 0x8003;
	m->versym[3] = 4;
	m->versym[4] = 2;
	m->vd = (Elf64_Verdef *)(b + IMG_VERDEF);
	for (int k = 0; k < 3; k++) {
		Elf64_Verdef *vd = (Elf64_Verdef *)(b + IMG_VERDEF + k * 28);
		Elf64_Verdaux *va = (Elf64_Verdaux *)((uint8_t *)vd + 20);
		static const char *const names[] = { "libx.so", "V1", "V0" };

		vd->vd_version = 1;
		vd->vd_flags = k == 0 ? VER_FLG_BASE : 0;
		vd->vd_ndx = (uint16_t)(k + 1);
		vd->vd_cnt = 1;
		vd->vd_aux = 20;
		vd->vd_next = k < 2 ? 28 : 0;
		va->vda_name = DSTR(names[k]);
	}
	m->vn = (Elf64_Verneed *)(b + IMG_VERNEED);
	m->vn->vn_version = 1;
	m->vn->vn_cnt = 1;
	m->vn->vn_file = DSTR("libx.so");
	m->vn->vn_aux = 16;
	m->vna = (Elf64_Vernaux *)(b + IMG_VERNEED + 16);
	m->vna->vna_other = 4;
	m->vna->vna_name = DSTR("GLIBC_X");
	memcpy(b + IMG_STRTAB, img_strtab, sizeof(img_strtab));

	m->note = (Elf64_Nhdr *)(b + IMG_NOTE);
	m->note->n_namesz = 4;
	m->note->n_descsz = 8;
	m->note->n_type = NT_GNU_BUILD_ID;
	memcpy(b + IMG_NOTE + 12, "GNU", 4);
	memcpy(b + IMG_NOTE + 16, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	memcpy(b + IMG_DEBUGLINK, "x.debug\0\x78\x56\x34\x12", 12);
	memcpy(b + IMG_SHSTRTAB, img_shstr, sizeof(img_shstr));

	img_sec(m, S_TEXT, ".text", SHT_PROGBITS, IMG_TEXT, 0x40, 0, 0, 16, 0);
	m->sh[S_TEXT].sh_addr = IMG_TEXT_VA;
	m->sh[S_TEXT].sh_flags = SHF_ALLOC | SHF_EXECINSTR;
	img_sec(m, S_DYNSYM, ".dynsym", SHT_DYNSYM, IMG_DYNSYM, 5 * 24, S_DYNSTR, 1, 8, 24);
	img_sec(m, S_DYNSTR, ".dynstr", SHT_STRTAB, IMG_DYNSTR, sizeof(img_dynstr), 0, 0, 1, 0);
	img_sec(m, S_VERSYM, ".gnu.version", SHT_GNU_versym, IMG_VERSYM, 10, S_DYNSYM, 0, 2, 2);
	img_sec(m, S_VERDEF, ".gnu.version_d", SHT_GNU_verdef, IMG_VERDEF, 3 * 28, S_DYNSTR, 3, 8, 0);
	img_sec(m, S_VERNEED, ".gnu.version_r", SHT_GNU_verneed, IMG_VERNEED, 32, S_DYNSTR, 1, 8, 0);
	img_sec(m, S_SYMTAB, ".symtab", SHT_SYMTAB, IMG_SYMTAB, 5 * 24, S_STRTAB, 3, 8, 24);
	img_sec(m, S_STRTAB, ".strtab", SHT_STRTAB, IMG_STRTAB, sizeof(img_strtab), 0, 0, 1, 0);
	img_sec(m, S_NOTE, ".note.gnu.build-id", SHT_NOTE, IMG_NOTE, 24, 0, 0, 4, 0);
	img_sec(m, S_DEBUGLINK, ".gnu_debuglink", SHT_PROGBITS, IMG_DEBUGLINK, 12, 0, 0, 4, 0);
	img_sec(m, S_SHSTRTAB, ".shstrtab", SHT_STRTAB, IMG_SHSTRTAB, sizeof(img_shstr), 0, 0, 1, 0);
}

/* A minimal ELF32 executable: .text at vaddr 0x8048100 (offset 0x100),
 * .symtab with f32 (FUNC 0x8048110) and v32 (OBJECT, not executable). */
static inline size_t img_build32(uint8_t *b, size_t cap)
{
	static const char str[] = "\0f32\0v32";
	static const char shs[] = "\0.text\0.symtab\0.strtab\0.shstrtab";
	Elf32_Ehdr *eh = (Elf32_Ehdr *)b;
	Elf32_Phdr *ph = (Elf32_Phdr *)(b + sizeof(*eh));
	Elf32_Sym *sy = (Elf32_Sym *)(b + 0x200);
	Elf32_Shdr *sh = (Elf32_Shdr *)(b + 0x300);

	if (cap < 0x300 + 5 * sizeof(*sh))
		abort();
	memset(b, 0, cap);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_shoff = 0x300;
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	eh->e_shentsize = sizeof(*sh);
	eh->e_shnum = 5;
	eh->e_shstrndx = 4;
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_X;
	ph->p_offset = 0x100;
	ph->p_vaddr = 0x8048100;
	ph->p_filesz = ph->p_memsz = 0x40;
	ph->p_align = 0x1000;
	sy[1] = (Elf32_Sym){ .st_name = 1, .st_value = 0x8048110, .st_size = 6,
			     .st_info = ELF32_ST_INFO(STB_GLOBAL, STT_FUNC), .st_shndx = 1 };
	sy[2] = (Elf32_Sym){ .st_name = 5, .st_value = 0x8049000, .st_size = 4,
			     .st_info = ELF32_ST_INFO(STB_GLOBAL, STT_OBJECT), .st_shndx = 1 };
	memcpy(b + 0x280, str, sizeof(str));
	memcpy(b + 0x2c0, shs, sizeof(shs));
	sh[1] = (Elf32_Shdr){ .sh_name = 1, .sh_type = SHT_PROGBITS, .sh_offset = 0x100,
			      .sh_size = 0x40, .sh_addr = 0x8048100, .sh_addralign = 16 };
	sh[2] = (Elf32_Shdr){ .sh_name = 7, .sh_type = SHT_SYMTAB, .sh_offset = 0x200,
			      .sh_size = 3 * sizeof(*sy), .sh_link = 3, .sh_info = 1,
			      .sh_addralign = 4, .sh_entsize = sizeof(*sy) };
	sh[3] = (Elf32_Shdr){ .sh_name = 15, .sh_type = SHT_STRTAB, .sh_offset = 0x280,
			      .sh_size = sizeof(str), .sh_addralign = 1 };
	sh[4] = (Elf32_Shdr){ .sh_name = 23, .sh_type = SHT_STRTAB, .sh_offset = 0x2c0,
			      .sh_size = sizeof(shs), .sh_addralign = 1 };
	return 0x300 + 5 * sizeof(*sh);
}

/* Write LEN bytes to DIR/NAME; returns a static path. */
static inline const char *img_write(const char *dir, const char *name,
				    const void *buf, size_t len)
{
	static char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		abort();
	close(fd);
	return path;
}

#endif
