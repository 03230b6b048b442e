/* Opening an ELF file: map it, validate the ELF header and the header
 * tables' bounds, and read section and program headers on demand. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_int.h"
#include "rawtel/err.h"

static const char *elf_ftype(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/* Map PATH read-only. O_NONBLOCK so that opening a FIFO cannot hang. */
static int elf_map(struct elf_file *f, const char *path)
{
	struct stat st;
	void *p;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return err_set(errno, "cannot open %s: %s", path,
			       strerror(errno));
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		return err_set(e, "cannot stat %s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(EINVAL, "%s is %s, not an ELF file", path,
			       elf_ftype(st.st_mode));
	}
	if (st.st_size == 0) {
		close(fd);
		return err_set(ENOEXEC, "%s is empty, not an ELF file", path);
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return err_set(EFBIG, "%s is too large to map here", path);
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	e = errno;
	close(fd);
	if (p == MAP_FAILED)
		return err_set(e, "cannot map %s: %s", path, strerror(e));
	f->map = p;
	f->size = (size_t)st.st_size;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	return 0;
}

/* e_ident and the header fields, with the ELF32/ELF64 layouts. */
static int elf_header(struct elf_file *f)
{
	const uint8_t *m = f->map;
	uint16_t shentsize, phentsize, shnum, phnum, shstrndx;
	size_t ehsize;

	if (f->size < EI_NIDENT || memcmp(m, ELFMAG, SELFMAG))
		return err_set(ENOEXEC, "%s: not an ELF file (no \\177ELF magic at offset 0)",
			       f->path);
	if (m[EI_DATA] == ELFDATA2MSB)
		return err_set(ENOEXEC, "%s: big-endian ELF (EI_DATA=2 at offset 0x%x) is not supported",
			       f->path, EI_DATA);
	if (m[EI_DATA] != ELFDATA2LSB)
		return err_set(ENOEXEC, "%s: unknown ELF data encoding %u at offset 0x%x",
			       f->path, m[EI_DATA], EI_DATA);
	if (m[EI_CLASS] != ELFCLASS32 && m[EI_CLASS] != ELFCLASS64)
		return err_set(ENOEXEC, "%s: unknown ELF class %u at offset 0x%x",
			       f->path, m[EI_CLASS], EI_CLASS);
	if (m[EI_VERSION] != EV_CURRENT)
		return err_set(ENOEXEC, "%s: unknown ELF version %u at offset 0x%x",
			       f->path, m[EI_VERSION], EI_VERSION);
	f->is64 = m[EI_CLASS] == ELFCLASS64;
	ehsize = f->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (f->size < ehsize)
		return err_set(ENOEXEC, "%s: truncated ELF header (%zu of %zu bytes)",
			       f->path, f->size, ehsize);
	if (f->is64) {
		f->type = elf_rd16(m + offsetof(Elf64_Ehdr, e_type));
		f->machine = elf_rd16(m + offsetof(Elf64_Ehdr, e_machine));
		f->phoff = elf_rd64(m + offsetof(Elf64_Ehdr, e_phoff));
		f->shoff = elf_rd64(m + offsetof(Elf64_Ehdr, e_shoff));
		phentsize = elf_rd16(m + offsetof(Elf64_Ehdr, e_phentsize));
		phnum = elf_rd16(m + offsetof(Elf64_Ehdr, e_phnum));
		shentsize = elf_rd16(m + offsetof(Elf64_Ehdr, e_shentsize));
		shnum = elf_rd16(m + offsetof(Elf64_Ehdr, e_shnum));
		shstrndx = elf_rd16(m + offsetof(Elf64_Ehdr, e_shstrndx));
	} else {
		f->type = elf_rd16(m + offsetof(Elf32_Ehdr, e_type));
		f->machine = elf_rd16(m + offsetof(Elf32_Ehdr, e_machine));
		f->phoff = elf_rd32(m + offsetof(Elf32_Ehdr, e_phoff));
		f->shoff = elf_rd32(m + offsetof(Elf32_Ehdr, e_shoff));
		phentsize = elf_rd16(m + offsetof(Elf32_Ehdr, e_phentsize));
		phnum = elf_rd16(m + offsetof(Elf32_Ehdr, e_phnum));
		shentsize = elf_rd16(m + offsetof(Elf32_Ehdr, e_shentsize));
		shnum = elf_rd16(m + offsetof(Elf32_Ehdr, e_shnum));
		shstrndx = elf_rd16(m + offsetof(Elf32_Ehdr, e_shstrndx));
	}
	f->phnum = phnum;
	f->shnum = shnum;
	f->shstrndx = shstrndx;
	if (f->shoff && shentsize != (f->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)))
		return err_set(ENOEXEC, "%s: e_shentsize %u is not the size of a section header",
			       f->path, shentsize);
	if (phnum && phentsize != (f->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return err_set(ENOEXEC, "%s: e_phentsize %u is not the size of a program header",
			       f->path, phentsize);
	return 0;
}

/* Section 0 carries the real counts when they do not fit the header
 * (e_shnum 0, e_shstrndx SHN_XINDEX, e_phnum PN_XNUM). */
static int elf_extended_counts(struct elf_file *f)
{
	uint32_t e_shnum = f->shnum;
	struct elf_shdr sh0;

	if (!f->shoff) {
		f->shnum = 0;
		return 0;
	}
	if (e_shnum && f->shstrndx != SHN_XINDEX && f->phnum != PN_XNUM)
		return 0;
	f->shnum = 1;		/* just enough to read section 0 */
	if (elf_shdr_get(f, 0, &sh0))
		return -ENOEXEC;
	f->shnum = e_shnum;
	if (!e_shnum) {
		if (sh0.size > UINT32_MAX)
			return err_set(ENOEXEC, "%s: section count %llu in section header 0 is too large",
				       f->path, (unsigned long long)sh0.size);
		f->shnum = (uint32_t)sh0.size;
	}
	if (f->shstrndx == SHN_XINDEX)
		f->shstrndx = sh0.link;
	if (f->phnum == PN_XNUM)
		f->phnum = sh0.info;
	return 0;
}

/* Both header tables lie inside the file. */
static int elf_tables_check(struct elf_file *f)
{
	uint64_t shsz = f->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	uint64_t phsz = f->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);

	if (f->shnum && (f->shoff > f->size || f->shnum > (f->size - f->shoff) / shsz))
		return err_set(ENOEXEC, "%s: section header table (%u entries at offset 0x%llx) extends past the end of the file (size 0x%zx)",
			       f->path, f->shnum, (unsigned long long)f->shoff, f->size);
	if (f->phnum && (f->phoff > f->size || f->phnum > (f->size - f->phoff) / phsz))
		return err_set(ENOEXEC, "%s: program header table (%u entries at offset 0x%llx) extends past the end of the file (size 0x%zx)",
			       f->path, f->phnum, (unsigned long long)f->phoff, f->size);
	if (f->shnum && f->shstrndx != SHN_UNDEF && f->shstrndx >= f->shnum)
		return err_set(ENOEXEC, "%s: section name table index %u is out of range (%u sections)",
			       f->path, f->shstrndx, f->shnum);
	return 0;
}

int elf_open(const char *path, struct elf_file **out)
{
	struct elf_file *f;
	int ret;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		return err_set(ENOMEM, "out of memory opening %s", path);
	}
	ret = elf_map(f, path);
	if (ret) {
		free(f->path);
		free(f);
		return ret;
	}
	ret = elf_header(f);
	if (!ret)
		ret = elf_extended_counts(f);
	if (!ret)
		ret = elf_tables_check(f);
	if (!ret)
		ret = elf_tabs_load(f);
	if (ret) {
		elf_close(f);
		return ret;
	}
	*out = f;
	return 0;
}

void elf_close(struct elf_file *f)
{
	if (!f)
		return;
	if (f->debug)
		elf_close(f->debug);
	elf_tabs_free(f);
	munmap((void *)f->map, f->size);
	free(f->path);
	free(f);
}

const char *elf_path(const struct elf_file *f)
{
	return f->path;
}

int elf_bits(const struct elf_file *f)
{
	return f->is64 ? 64 : 32;
}

int elf_type(const struct elf_file *f)
{
	return f->type;
}

int elf_shdr_get(const struct elf_file *f, uint32_t i, struct elf_shdr *sh)
{
	uint64_t size = f->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	uint64_t off = f->shoff + (uint64_t)i * size;
	const uint8_t *p;

	if (i >= f->shnum)
		return err_set(ENOEXEC, "%s: section index %u is out of range (%u sections)",
			       f->path, i, f->shnum);
	if (off < f->shoff || !elf_in_file(f, off, size))
		return err_set(ENOEXEC, "%s: section header %u at offset 0x%llx is past the end of the file (size 0x%zx)",
			       f->path, i, (unsigned long long)off, f->size);
	p = f->map + off;
	if (f->is64) {
		sh->name = elf_rd32(p + offsetof(Elf64_Shdr, sh_name));
		sh->type = elf_rd32(p + offsetof(Elf64_Shdr, sh_type));
		sh->flags = elf_rd64(p + offsetof(Elf64_Shdr, sh_flags));
		sh->addr = elf_rd64(p + offsetof(Elf64_Shdr, sh_addr));
		sh->offset = elf_rd64(p + offsetof(Elf64_Shdr, sh_offset));
		sh->size = elf_rd64(p + offsetof(Elf64_Shdr, sh_size));
		sh->link = elf_rd32(p + offsetof(Elf64_Shdr, sh_link));
		sh->info = elf_rd32(p + offsetof(Elf64_Shdr, sh_info));
		sh->addralign = elf_rd64(p + offsetof(Elf64_Shdr, sh_addralign));
		sh->entsize = elf_rd64(p + offsetof(Elf64_Shdr, sh_entsize));
	} else {
		sh->name = elf_rd32(p + offsetof(Elf32_Shdr, sh_name));
		sh->type = elf_rd32(p + offsetof(Elf32_Shdr, sh_type));
		sh->flags = elf_rd32(p + offsetof(Elf32_Shdr, sh_flags));
		sh->addr = elf_rd32(p + offsetof(Elf32_Shdr, sh_addr));
		sh->offset = elf_rd32(p + offsetof(Elf32_Shdr, sh_offset));
		sh->size = elf_rd32(p + offsetof(Elf32_Shdr, sh_size));
		sh->link = elf_rd32(p + offsetof(Elf32_Shdr, sh_link));
		sh->info = elf_rd32(p + offsetof(Elf32_Shdr, sh_info));
		sh->addralign = elf_rd32(p + offsetof(Elf32_Shdr, sh_addralign));
		sh->entsize = elf_rd32(p + offsetof(Elf32_Shdr, sh_entsize));
	}
	return 0;
}

int elf_phdr_get(const struct elf_file *f, uint32_t i, struct elf_phdr *ph)
{
	uint64_t off;
	const uint8_t *p;

	if (i >= f->phnum)
		return err_set(ENOEXEC, "%s: program header index %u is out of range (%u headers)",
			       f->path, i, f->phnum);
	off = f->phoff + (uint64_t)i * (f->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr));
	if (off < f->phoff || !elf_in_file(f, off, f->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return err_set(ENOEXEC, "%s: program header %u at offset 0x%llx is past the end of the file",
			       f->path, i, (unsigned long long)off);
	p = f->map + off;
	if (f->is64) {
		ph->type = elf_rd32(p + offsetof(Elf64_Phdr, p_type));
		ph->flags = elf_rd32(p + offsetof(Elf64_Phdr, p_flags));
		ph->offset = elf_rd64(p + offsetof(Elf64_Phdr, p_offset));
		ph->vaddr = elf_rd64(p + offsetof(Elf64_Phdr, p_vaddr));
		ph->filesz = elf_rd64(p + offsetof(Elf64_Phdr, p_filesz));
		ph->memsz = elf_rd64(p + offsetof(Elf64_Phdr, p_memsz));
		ph->align = elf_rd64(p + offsetof(Elf64_Phdr, p_align));
	} else {
		ph->type = elf_rd32(p + offsetof(Elf32_Phdr, p_type));
		ph->flags = elf_rd32(p + offsetof(Elf32_Phdr, p_flags));
		ph->offset = elf_rd32(p + offsetof(Elf32_Phdr, p_offset));
		ph->vaddr = elf_rd32(p + offsetof(Elf32_Phdr, p_vaddr));
		ph->filesz = elf_rd32(p + offsetof(Elf32_Phdr, p_filesz));
		ph->memsz = elf_rd32(p + offsetof(Elf32_Phdr, p_memsz));
		ph->align = elf_rd32(p + offsetof(Elf32_Phdr, p_align));
	}
	return 0;
}

const char *elf_sec_name(const struct elf_file *f, const struct elf_shdr *sh)
{
	struct elf_shdr st;

	if (f->shstrndx == SHN_UNDEF || f->shstrndx >= f->shnum ||
	    elf_shdr_get(f, f->shstrndx, &st) || st.type == SHT_NOBITS ||
	    !elf_in_file(f, st.offset, st.size) || sh->name >= st.size ||
	    !memchr(f->map + st.offset + sh->name, 0, st.size - sh->name))
		return "?";
	return (const char *)f->map + st.offset + sh->name;
}

int elf_sec_check(const struct elf_file *f, uint32_t i,
		  const struct elf_shdr *sh)
{
	if (sh->addralign & (sh->addralign - 1))
		return err_set(ENOEXEC, "%s: section [%u] %s: sh_addralign 0x%llx is not a power of two",
			       f->path, i, elf_sec_name(f, sh),
			       (unsigned long long)sh->addralign);
	if (sh->type == SHT_NOBITS)
		return 0;
	if (sh->addralign > 1 && sh->offset % sh->addralign)
		return err_set(ENOEXEC, "%s: section [%u] %s at offset 0x%llx is not aligned to its sh_addralign %llu",
			       f->path, i, elf_sec_name(f, sh),
			       (unsigned long long)sh->offset,
			       (unsigned long long)sh->addralign);
	if (!elf_in_file(f, sh->offset, sh->size))
		return err_set(ENOEXEC, "%s: section [%u] %s (offset 0x%llx, size 0x%llx) extends past the end of the file (size 0x%zx)",
			       f->path, i, elf_sec_name(f, sh),
			       (unsigned long long)sh->offset,
			       (unsigned long long)sh->size, f->size);
	return 0;
}

int elf_has_interp(struct elf_file *f)
{
	struct elf_phdr ph;

	for (uint32_t i = 0; i < f->phnum; i++)
		if (!elf_phdr_get(f, i, &ph) && ph.type == PT_INTERP)
			return 1;
	return 0;
}
