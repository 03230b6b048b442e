/* Build-id notes, .gnu_debuglink, and separate debug files: a stripped
 * binary's .symtab usually lives in a debug package's file, found by build
 * id or by the debuglink name (verified by CRC-32). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "elf_int.h"
#include "rawtel/util.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"

/* Find the "GNU" note of TYPE in the ALIGN-padded notes at P (SIZE bytes).
 * Returns its descriptor size with *desc set, 0 when absent. */
static int elf_note_find(const struct elf_file *f, uint64_t at, uint64_t size,
			 uint64_t align, uint32_t type, const uint8_t **desc)
{
	const uint8_t *p = f->map + at;
	uint64_t off = 0;

	while (size - off >= 12) {
		uint32_t namesz = elf_rd32(p + off), descsz = elf_rd32(p + off + 4);
		uint64_t name = off + 12, d, end;

		/* padding aligns the offsets (from the section start, which
		 * itself is aligned), not the sizes */
		d = (name + namesz + align - 1) & ~(align - 1);
		if (d > size || descsz > size - d)
			return err_set(ENOEXEC, "%s: note at offset 0x%llx (name size %u, descriptor size %u) runs past its section",
				       f->path, (unsigned long long)(at + off),
				       namesz, descsz);
		if (elf_rd32(p + off + 8) == type && namesz == 4 &&
		    !memcmp(p + name, "GNU", 4)) {
			if (descsz > INT_MAX)
				return err_set(ENOEXEC, "%s: note at offset 0x%llx is too large",
					       f->path, (unsigned long long)(at + off));
			*desc = p + d;
			return (int)descsz;
		}
		end = (d + descsz + align - 1) & ~(align - 1);
		if (end > size)
			break;
		off = end;
	}
	return 0;
}

int elf_build_id(struct elf_file *f, const uint8_t **id)
{
	struct elf_shdr sh;
	struct elf_phdr ph;
	int ret;

	/* Sections when there are any (they name the notes exactly), the
	 * PT_NOTE segments otherwise. */
	for (uint32_t i = 1; i < f->shnum; i++) {
		ret = elf_shdr_get(f, i, &sh);
		if (ret)
			return ret;
		if (sh.type != SHT_NOTE)
			continue;
		ret = elf_sec_check(f, i, &sh);
		if (!ret)
			ret = elf_note_find(f, sh.offset, sh.size,
					    sh.addralign == 8 ? 8 : 4,
					    NT_GNU_BUILD_ID, id);
		if (ret)
			return ret;
	}
	for (uint32_t i = 0; !f->shnum && i < f->phnum; i++) {
		ret = elf_phdr_get(f, i, &ph);
		if (ret)
			return ret;
		if (ph.type != PT_NOTE)
			continue;
		if (!elf_in_file(f, ph.offset, ph.filesz))
			return err_set(ENOEXEC, "%s: PT_NOTE program header %u (offset 0x%llx, size 0x%llx) extends past the end of the file",
				       f->path, i, (unsigned long long)ph.offset,
				       (unsigned long long)ph.filesz);
		ret = elf_note_find(f, ph.offset, ph.filesz,
				    ph.align == 8 ? 8 : 4, NT_GNU_BUILD_ID, id);
		if (ret)
			return ret;
	}
	return 0;
}

int elf_debuglink(struct elf_file *f, const char **name, uint32_t *crc)
{
	struct elf_shdr sh;
	const uint8_t *p, *nul;
	uint64_t at;
	int ret;

	for (uint32_t i = 1; i < f->shnum; i++) {
		ret = elf_shdr_get(f, i, &sh);
		if (ret)
			return ret;
		if (sh.type == SHT_NOBITS || strcmp(elf_sec_name(f, &sh), ".gnu_debuglink"))
			continue;
		ret = elf_sec_check(f, i, &sh);
		if (ret)
			return ret;
		/* the file name, NUL, padding to 4, then the CRC */
		p = f->map + sh.offset;
		nul = memchr(p, 0, sh.size);
		at = nul ? (((uint64_t)(nul - p) + 1 + 3) & ~3ull) : 0;
		if (!nul || nul == p || at > sh.size || sh.size - at < 4)
			return err_set(ENOEXEC, "%s: section [%u] .gnu_debuglink at offset 0x%llx is malformed (no name, NUL and CRC)",
				       f->path, i, (unsigned long long)sh.offset);
		*name = (const char *)p;
		*crc = elf_rd32(p + at);
		return 1;
	}
	return 0;
}

/* Use PATH as F's debug file if it is one: another file than F, same class
 * and machine, has a .symtab, and matches ID (when given) or CRC. */
static int elf_debug_try(struct elf_file *f, const char *path,
			 const uint8_t *id, int idlen, uint32_t crc)
{
	struct elf_file *d;
	const uint8_t *did;
	struct stat st;

	if (stat(path, &st) || (st.st_dev == f->dev && st.st_ino == f->ino))
		return 0;
	if (elf_open(path, &d))
		return 0;
	if (d->is64 == f->is64 && d->machine == f->machine &&
	    d->tab[ELF_SYMTAB].syms &&
	    (id ? elf_build_id(d, &did) == idlen && !memcmp(did, id, (size_t)idlen)
		: util_crc32(0, d->map, d->size) == crc)) {
		f->debug = d;
		return 1;
	}
	elf_close(d);
	return 0;
}

int elf_debug_attach(struct elf_file *f, const char *root)
{
	char path[PATH_MAX], real[PATH_MAX], *slash;
	const uint8_t *id;
	const char *name, *dir;
	uint32_t crc;
	size_t rl;
	int n;

	if (f->tab[ELF_SYMTAB].syms || f->debug)
		return 0;
	root = root ? root : "";
	rl = strlen(root);
	n = elf_build_id(f, &id);
	if (n >= 2 && n <= 64) {
		char hex[130];

		for (int k = 0; k < n; k++)
			fmt_snprintf(hex + 2 * k, 3, "%02x", id[k]);
		if (fmt_snprintf(path, sizeof(path), "%s/usr/lib/debug/.build-id/%.2s/%s.debug",
			     root, hex, hex + 2) < (int)sizeof(path) &&
		    elf_debug_try(f, path, id, n, 0))
			return 1;
	}
	if (elf_debuglink(f, &name, &crc) != 1 || strchr(name, '/'))
		return 0;
	/* the directory the binary really is in, inside ROOT */
	if (strncmp(f->path, root, rl) ||
	    elf_root_path(root, f->path + rl, real, sizeof(real)) < 0)
		return 0;
	dir = real + rl;
	slash = strrchr(real, '/');
	if (!slash || slash < dir)
		return 0;
	*slash = 0;
	if ((fmt_snprintf(path, sizeof(path), "%s/%s", real, name) < (int)sizeof(path) &&
	     elf_debug_try(f, path, NULL, 0, crc)) ||
	    (fmt_snprintf(path, sizeof(path), "%s/.debug/%s", real, name) < (int)sizeof(path) &&
	     elf_debug_try(f, path, NULL, 0, crc)) ||
	    (fmt_snprintf(path, sizeof(path), "%s/usr/lib/debug%s/%s", root, dir, name) < (int)sizeof(path) &&
	     elf_debug_try(f, path, NULL, 0, crc)))
		return 1;
	return 0;
}

const char *elf_debug_path(const struct elf_file *f)
{
	return f->debug ? f->debug->path : NULL;
}
