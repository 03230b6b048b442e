/* Virtual address to file offset through the PT_LOAD program headers: the
 * offset a uprobe takes. The segments are checked once, when first needed
 * (a debug file's segments are never used, and are often nonsense). */
#include <errno.h>

#include "elf_int.h"
#include "rawtel/err.h"

/* Every PT_LOAD: file image inside the file, filesz <= memsz, alignment a
 * power of two that vaddr and offset agree on, and ascending,
 * non-overlapping address ranges (the ELF spec's order, which makes an
 * address's segment unique). */
static int elf_segs_check(struct elf_file *f)
{
	struct elf_phdr ph;
	uint64_t prev_end = 0;
	uint32_t prev = 0;
	int seen = 0, ret;

	for (uint32_t i = 0; i < f->phnum; i++) {
		uint64_t at = f->phoff + (uint64_t)i * (f->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr));

		ret = elf_phdr_get(f, i, &ph);
		if (ret)
			return ret;
		if (ph.type != PT_LOAD)
			continue;
		if (!elf_in_file(f, ph.offset, ph.filesz))
			return err_set(ENOEXEC, "%s: PT_LOAD program header %u (at offset 0x%llx): file image 0x%llx+0x%llx extends past the end of the file (size 0x%zx)",
				       f->path, i, (unsigned long long)at,
				       (unsigned long long)ph.offset,
				       (unsigned long long)ph.filesz, f->size);
		if (ph.filesz > ph.memsz || ph.vaddr + ph.memsz < ph.vaddr)
			return err_set(ENOEXEC, "%s: PT_LOAD program header %u (at offset 0x%llx): bad sizes (filesz 0x%llx, memsz 0x%llx, vaddr 0x%llx)",
				       f->path, i, (unsigned long long)at,
				       (unsigned long long)ph.filesz,
				       (unsigned long long)ph.memsz,
				       (unsigned long long)ph.vaddr);
		if (ph.align & (ph.align - 1) ||
		    (ph.align > 1 && ph.vaddr % ph.align != ph.offset % ph.align))
			return err_set(ENOEXEC, "%s: PT_LOAD program header %u (at offset 0x%llx): alignment 0x%llx is not a power of two that vaddr 0x%llx and offset 0x%llx agree on",
				       f->path, i, (unsigned long long)at,
				       (unsigned long long)ph.align,
				       (unsigned long long)ph.vaddr,
				       (unsigned long long)ph.offset);
		if (seen && ph.vaddr < prev_end)
			return err_set(ENOEXEC, "%s: PT_LOAD program header %u (at offset 0x%llx): vaddr 0x%llx overlaps or precedes PT_LOAD %u, which ends at 0x%llx",
				       f->path, i, (unsigned long long)at,
				       (unsigned long long)ph.vaddr, prev,
				       (unsigned long long)prev_end);
		prev_end = ph.vaddr + ph.memsz;
		prev = i;
		seen = 1;
	}
	return 0;
}

int elf_addr_offset(struct elf_file *f, uint64_t addr, uint64_t *off)
{
	struct elf_phdr ph;
	int ret;

	if (f->seg_state <= 0) {
		ret = elf_segs_check(f);
		f->seg_state = ret ? ret : 1;
		if (ret)
			return ret;
	}
	for (uint32_t i = 0; i < f->phnum; i++) {
		ret = elf_phdr_get(f, i, &ph);
		if (ret)
			return ret;
		if (ph.type == PT_LOAD && (ph.flags & PF_X) &&
		    addr >= ph.vaddr && addr - ph.vaddr < ph.filesz) {
			*off = addr - ph.vaddr + ph.offset;
			return 0;
		}
	}
	return err_set(ENOENT, "%s: address 0x%llx is in no executable PT_LOAD segment",
		       f->path, (unsigned long long)addr);
}
