/* /etc/ld.so.cache, as glibc's ldconfig writes it. Two layouts:
 *   old "ld.so-1.7.0": u32 nlibs at 12, then nlibs x {i32 flags, u32 key,
 *       u32 value}; string offsets count from the end of those entries.
 *   new "glibc-ld.so.cache1.1": u32 nlibs at 20, u32 string length at 24,
 *       u8 byte-order flags at 28, entries from 48 of {i32 flags, u32 key,
 *       u32 value, u32 osversion, u64 hwcap}; string offsets count from
 *       the start of this header.
 * glibc 2.2 to 2.31 wrote the old layout followed by the new one (aligned
 * to 8); the new part is then the one to read. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_int.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"

#define LDC_OLD "ld.so-1.7.0"
#define LDC_NEW "glibc-ld.so.cache1.1"
#define LDC_OLD_HDR 16u
#define LDC_OLD_ENT 12u
#define LDC_NEW_HDR 48u
#define LDC_NEW_ENT 24u

/* The string at BASE + IDX, if it ends (NUL) inside the buffer. */
static const char *ldc_str(const uint8_t *buf, size_t strend, uint64_t base,
			   uint32_t idx)
{
	return base + idx < strend ? (const char *)buf + base + idx : NULL;
}

int elf_ldcache_parse(const void *image, size_t len, elf_ldcache_fn fn,
		      void *arg)
{
	const uint8_t *buf = image;
	uint64_t base = 0, nlibs, strbase, ent;
	size_t strend = len;
	int is_new = 1;
	struct elf_ldcache_ent e;

	/* every string must end in a NUL before strend */
	while (strend && buf[strend - 1])
		strend--;
	if (len >= LDC_OLD_HDR && !memcmp(buf, LDC_OLD, sizeof(LDC_OLD) - 1)) {
		nlibs = elf_rd32(buf + 12);
		if (nlibs > (len - LDC_OLD_HDR) / LDC_OLD_ENT)
			return err_set(EINVAL, "ld.so.cache: %llu old-format entries do not fit in %zu bytes",
				       (unsigned long long)nlibs, len);
		strbase = LDC_OLD_HDR + nlibs * LDC_OLD_ENT;
		base = (strbase + 7) & ~7ull;
		is_new = base + sizeof(LDC_NEW) - 1 <= len &&
			 !memcmp(buf + base, LDC_NEW, sizeof(LDC_NEW) - 1);
		if (!is_new) {
			for (uint64_t i = 0; i < nlibs; i++) {
				ent = LDC_OLD_HDR + i * LDC_OLD_ENT;
				e.flags = (int32_t)elf_rd32(buf + ent);
				e.key = ldc_str(buf, strend, strbase, elf_rd32(buf + ent + 4));
				e.value = ldc_str(buf, strend, strbase, elf_rd32(buf + ent + 8));
				e.hwcap = 0;
				if (!e.key || !e.value)
					return err_set(EINVAL, "ld.so.cache: entry %llu (offset 0x%llx) has a string offset past the end",
						       (unsigned long long)i,
						       (unsigned long long)ent);
				if (fn(&e, arg))
					return (int)i + 1;
			}
			return (int)nlibs;
		}
	} else if (len < sizeof(LDC_NEW) - 1 || memcmp(buf, LDC_NEW, sizeof(LDC_NEW) - 1)) {
		return err_set(EINVAL, "not an ld.so.cache file (neither \"%s\" nor \"%s\" at the start)",
			       LDC_OLD, LDC_NEW);
	}
	if (base > len || len - base < LDC_NEW_HDR)
		return err_set(EINVAL, "ld.so.cache: truncated header at offset 0x%llx",
			       (unsigned long long)base);
	nlibs = elf_rd32(buf + base + 20);
	if (nlibs > (len - base - LDC_NEW_HDR) / LDC_NEW_ENT)
		return err_set(EINVAL, "ld.so.cache: %llu entries do not fit in %zu bytes",
			       (unsigned long long)nlibs, len);
	if ((buf[base + 28] & 3) == 3)
		return err_set(EINVAL, "ld.so.cache is big-endian; only little-endian caches are read");
	for (uint64_t i = 0; i < nlibs; i++) {
		ent = base + LDC_NEW_HDR + i * LDC_NEW_ENT;
		e.flags = (int32_t)elf_rd32(buf + ent);
		e.key = ldc_str(buf, strend, base, elf_rd32(buf + ent + 4));
		e.value = ldc_str(buf, strend, base, elf_rd32(buf + ent + 8));
		e.hwcap = elf_rd64(buf + ent + 16);
		if (!e.key || !e.value)
			return err_set(EINVAL, "ld.so.cache: entry %llu (offset 0x%llx) has a string offset past the end",
				       (unsigned long long)i, (unsigned long long)ent);
		if (fn(&e, arg))
			return (int)i + 1;
	}
	return (int)nlibs;
}

/* ldconfig's flags for this machine's libraries: ELF libc6 (3) plus the
 * architecture's ABI bits; -1 accepts any. */
static int32_t ldc_native_flags(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	return 0x0803;
#elif defined(__x86_64__)
	return 0x0303;
#elif defined(__aarch64__)
	return 0x0a03;
#elif defined(__i386__)
	return 0x0003;
#elif defined(__arm__) && defined(__ARM_PCS_VFP)
	return 0x0903;
#elif defined(__riscv) && __riscv_xlen == 64 && defined(__riscv_float_abi_double)
	return 0x1003;
#else
	return -1;
#endif
}

struct ldc_find {
	const char *name;
	char *out;
	size_t size;
	int found;
};

static int ldc_find_one(const struct elf_ldcache_ent *e, void *arg)
{
	struct ldc_find *q = arg;
	int32_t want = ldc_native_flags();

	/* hwcap entries are variants glibc picks by CPU; the plain entry is
	 * always there too */
	if (e->hwcap || (want != -1 && e->flags != want) ||
	    !elf_lib_matches(q->name, e->key))
		return 0;
	q->found = fmt_snprintf(q->out, q->size, "%s", e->value) < (int)q->size ? 1 : -1;
	return 1;
}

int elf_ldcache_find(const char *cache, const char *name, char *out,
		     size_t size)
{
	struct ldc_find q = { name, out, size, 0 };
	struct stat st;
	void *map;
	int fd, ret;

	fd = open(cache, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return err_set(errno, "cannot open %s: %s", cache, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return err_set(EINVAL, "%s is not a usable ld.so.cache (empty or not a regular file)",
			       cache);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return err_set(errno, "cannot map %s: %s", cache, strerror(errno));
	ret = elf_ldcache_parse(map, (size_t)st.st_size, ldc_find_one, &q);
	munmap(map, (size_t)st.st_size);
	if (ret < 0)
		return err_wrap(ret, "%s", cache);
	if (q.found < 0)
		return err_set(ENAMETOOLONG, "%s: the path for %s is too long", cache, name);
	if (!q.found)
		return err_set(ENOENT, "%s has no %s for this architecture", cache, name);
	return 0;
}
