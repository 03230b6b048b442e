/* ELF symbol resolver (user/elf/): finds the file offset a uprobe needs for
 * a function named in a binary or library, with no libelf or debug tools at
 * run time. A file is mmap'd read-only; lookups work off the mapping and
 * never copy the symbol tables. Every field read from a file is
 * bounds-checked: a malformed file gets a one-line error (err_msg()) naming
 * what is wrong and at which offset. Little-endian ELF32 and ELF64 only.
 *
 * Typical use (the uprobe attacher):
 *	struct elf_file *f;
 *	struct elf_sym s;
 *	uint64_t off;
 *	elf_open_target("libc", pid, &f);            // as process pid sees it
 *	elf_func_find(f, "getaddrinfo", &s, &off);   // off: for the uprobe
 *	... attach to elf_path(f) at off ...
 *	elf_close(f);
 */
#ifndef RAWTEL_ELF_H
#define RAWTEL_ELF_H

#include <stddef.h>
#include <stdint.h>

struct elf_file;

/* Symbol types and bindings, numbered as ELF's st_info numbers them. */
enum {
	ELF_SYM_NOTYPE = 0,
	ELF_SYM_OBJECT = 1,
	ELF_SYM_FUNC = 2,
	ELF_SYM_SECTION = 3,
	ELF_SYM_FILE = 4,
	ELF_SYM_COMMON = 5,
	ELF_SYM_TLS = 6,
	ELF_SYM_IFUNC = 10,	/* a uprobe here hits the resolver, not the
				 * implementation it picks */
};
enum {
	ELF_BIND_LOCAL = 0,
	ELF_BIND_GLOBAL = 1,
	ELF_BIND_WEAK = 2,
	ELF_BIND_UNIQUE = 10,
};

/* The two symbol tables; ELF_SYMTAB may come from a separate debug file. */
enum elf_table { ELF_DYNSYM = 0, ELF_SYMTAB = 1 };

struct elf_sym {
	/* Points into the mapping. The name ends at name_len, which is not
	 * always a NUL: .symtab stores versioned names as "name@@VER", and the
	 * version is split off into `version`. Print with "%.*s". */
	const char *name;
	size_t name_len;
	const char *version;	/* NUL-terminated; NULL when unversioned */
	uint64_t value;		/* st_value: the address in ET_EXEC/ET_DYN */
	uint64_t size;
	uint32_t index;		/* in its table */
	uint16_t shndx;		/* st_shndx as stored; 0: undefined */
	uint8_t type;		/* ELF_SYM_* */
	uint8_t bind;		/* ELF_BIND_* */
	uint8_t hidden;		/* "name@VER": not the default version, or a
				 * reference to another object's version */
	uint8_t table;		/* enum elf_table */
};

/* ---- files (elf_file.c) ------------------------------------------------ */

/* Map and validate PATH (a regular file; FIFOs, devices, directories and
 * empty files are refused) and find its symbol and version tables. */
int elf_open(const char *path, struct elf_file **out);
void elf_close(struct elf_file *f);
/* The path elf_open was given. */
const char *elf_path(const struct elf_file *f);
/* 32 or 64. */
int elf_bits(const struct elf_file *f);
/* e_type: 1 ET_REL, 2 ET_EXEC, 3 ET_DYN, 4 ET_CORE. */
int elf_type(const struct elf_file *f);
/* 1 when the file has a PT_INTERP (a dynamically linked program). */
int elf_has_interp(struct elf_file *f);

/* ---- symbols (elf_sym.c) ------------------------------------------------ */

/* Entries in a table, counting the null entry 0; 0 when absent. For
 * ELF_SYMTAB this is the attached debug file's table when the file itself
 * has none (elf_debug_attach). */
uint32_t elf_table_count(const struct elf_file *f, enum elf_table t);
/* Entry I of a table (I < elf_table_count). */
int elf_table_sym(const struct elf_file *f, enum elf_table t, uint32_t i,
		  struct elf_sym *s);

/* Every symbol once: all of .dynsym, then the .symtab entries that are not
 * the same symbol as a .dynsym entry (same name, value and type, and same
 * version or none). Null entries are skipped. Zero the iterator first.
 * Returns 1 with *s filled, 0 at the end, -errno on a malformed entry. */
struct elf_sym_iter {
	uint32_t table, i;
};
int elf_sym_next(struct elf_file *f, struct elf_sym_iter *it,
		 struct elf_sym *s);

/* Calls fn for every symbol (deduplicated as elf_sym_next) whose name
 * matches PATTERN; fn returns non-zero to stop (NULL fn: just count).
 * Returns the number of matches or -errno. PATTERN (NULL or "" matches
 * all):
 *	name		that name, any version or none
 *	name@VER	version VER, default or not
 *	name@@VER	VER as the default version only
 *	globs		*, ?, [a-z], [!a-z] in the name and version parts
 *			("SSL_*", "*alloc", "mem*@GLIBC_2.*"); \ escapes */
typedef int (*elf_sym_fn)(const struct elf_sym *s, void *arg);
int elf_sym_match(struct elf_file *f, const char *pattern, elf_sym_fn fn,
		  void *arg);

/* The one function a uprobe named NAME ("getaddrinfo", "memcpy@GLIBC_2.2.5",
 * "foo@@V1"; no globs) attaches to: a defined FUNC, IFUNC or NOTYPE symbol
 * at an executable address. When definitions at different addresses match,
 * the default version wins; if that still leaves several, it is an error
 * listing them. Fills *s and *off (the file offset). */
int elf_func_find(struct elf_file *f, const char *name, struct elf_sym *s,
		  uint64_t *off);

/* 1 when no symbol of F can be NAME (no globs, no version): neither
 * string table holds it. One memchr pass over their bytes, much cheaper
 * than the name index a lookup builds (user/elf/elf_nidx.c), for asking
 * every running executable whether it defines a function (most do not). */
int elf_name_absent(const struct elf_file *f, const char *name);

/* glob match of PAT against the LEN bytes at STR (elf_sym_match's rules);
 * 1 match, 0 no match. */
int elf_glob(const char *pat, const char *str, size_t len);

/* ---- addresses (elf_seg.c) ---------------------------------------------- */

/* The file offset of virtual address ADDR: through the executable PT_LOAD
 * segment that holds it in its file image (vaddr..vaddr+filesz), for
 * ET_EXEC and ET_DYN alike. That is the offset a uprobe takes. Error when
 * no executable segment holds ADDR or the segments are malformed. Always
 * the original file's program headers, never a debug file's. */
int elf_addr_offset(struct elf_file *f, uint64_t addr, uint64_t *off);

/* ---- build id, debuglink and debug files (elf_debug.c) ------------------- */

/* The GNU build-id note's bytes: returns its length (0: none). */
int elf_build_id(struct elf_file *f, const uint8_t **id);
/* .gnu_debuglink: 1 with *name (in the mapping) and *crc, 0 when none. */
int elf_debuglink(struct elf_file *f, const char **name, uint32_t *crc);
/* When F has no .symtab, look for its separate debug file and use that
 * file's .symtab: ROOT/usr/lib/debug/.build-id/xx/rest.debug (build id must
 * match), then the debuglink name next to the binary, in its .debug/
 * directory and under ROOT/usr/lib/debug/DIR/ (CRC must match). ROOT is ""
 * or a prefix such as "/proc/PID/root" that elf_path(f) starts with.
 * Returns 1 when a debug file was attached, 0 when none is needed or found. */
int elf_debug_attach(struct elf_file *f, const char *root);
/* The attached debug file's path, or NULL. */
const char *elf_debug_path(const struct elf_file *f);

/* ---- finding files (elf_locate.c, elf_ldcache.c) ------------------------- */

/* Where TARGET is, as process PID sees it (PID 0: as rawtel sees it):
 *	a path (contains '/')	that file
 *	a library name		"libc", "c", "libssl", "libssl.so.3": the one
 *				PID has mapped (/proc/PID/maps), else the one
 *				/etc/ld.so.cache names, else the standard lib
 *				directories; a static PID resolves libraries
 *				to its own executable
 *	a program name		"python3": mapped by PID, else found in PATH
 * With a PID in another mount namespace the path goes through
 * /proc/PID/root; *root_len says how long that prefix is. Writes a path
 * rawtel can open into PATH (SIZE bytes). */
int elf_locate(const char *target, int pid, char *path, size_t size,
	       size_t *root_len);
/* elf_locate, elf_open, then elf_debug_attach. */
int elf_open_target(const char *target, int pid, struct elf_file **out);
/* 1 when FILE (a base name) is the library NAME names: "libc" and "c" match
 * "libc.so.6" and "libc-2.31.so"; "libssl.so.3" only itself. */
int elf_lib_matches(const char *name, const char *file);
/* Resolve PATH inside ROOT ("" for /) following symlinks as a process
 * chrooted at ROOT would (absolute links stay inside ROOT); writes ROOT +
 * the resolved path to OUT. */
int elf_root_path(const char *root, const char *path, char *out, size_t size);

/* One ld.so.cache entry. */
struct elf_ldcache_ent {
	const char *key;	/* soname: "libc.so.6" */
	const char *value;	/* path */
	int32_t flags;		/* ldconfig's: 0x0303 libc6,x86-64 */
	uint64_t hwcap;		/* 0 in the old format */
};
typedef int (*elf_ldcache_fn)(const struct elf_ldcache_ent *e, void *arg);
/* Parse an ld.so.cache image: old ("ld.so-1.7.0"), new
 * ("glibc-ld.so.cache1.1") or the old format followed by the new one (then
 * only the new entries are reported). Calls fn per entry until it returns
 * non-zero; returns the number of entries visited or -errno. */
int elf_ldcache_parse(const void *buf, size_t len, elf_ldcache_fn fn,
		      void *arg);
/* The path the cache file CACHE gives library NAME (elf_lib_matches) for
 * this machine's architecture. -ENOENT when none. */
int elf_ldcache_find(const char *cache, const char *name, char *out,
		     size_t size);

#endif
