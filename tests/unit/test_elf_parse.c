/* user/elf/ on crafted files: the valid image's symbols, versions,
 * deduplication, lookups and offsets with exact expected values; then one
 * broken field per case, each of which must give its one-line error (never
 * a crash; the ASan build checks no byte outside the mapping is read). */
#include <errno.h>
#include <sys/stat.h>

#include "elf_img.h"
#include "rawtel/util.h"
#include "rawtel/elf.h"
#include "rawtel/err.h"
#include "t.h"

static char tmp[64];

static int has(const char *msg, const char *part)
{
	return strstr(msg, part) != NULL;
}

/* Open the image; returns elf_open's result (file closed again unless
 * OUT). */
static int open_img(const void *buf, size_t len, struct elf_file **out)
{
	struct elf_file *f;
	const char *p = img_write(tmp, "img", buf, len);
	int ret;

	err_clear();
	ret = elf_open(p, &f);
	if (!ret && out)
		*out = f;
	else if (!ret)
		elf_close(f);
	return ret;
}

/* The recorded error message must contain PART. */
#define MSG_HAS(part)                                                         \
	do {                                                                  \
		if (!has(err_msg(), part))                                    \
			T_FAILF("message \"%s\" lacks \"%s\"", err_msg(), part); \
	} while (0)
#define ASSERT_OK(expr)                                                       \
	do {                                                                  \
		if ((expr) != 0) {                                            \
			T_FAILF("%s: %s", #expr, err_msg());                  \
			longjmp(t_jmp, 1);                                    \
		}                                                             \
	} while (0)

/* elf_open must fail with -ENOEXEC and a message containing PART. */
#define EXPECT_BAD(buf, len, part)                                            \
	do {                                                                  \
		int r_ = open_img(buf, len, NULL);                            \
		T_EQ_INT(r_, -ENOEXEC);                                       \
		MSG_HAS(part);               \
	} while (0)

/* A fresh image with one field spoiled by `edit`: refused, saying `part` */
#define BAD_AFTER(m, edit, part)                                              \
	do {                                                                  \
		img_build(&(m));                                              \
		edit;                                                         \
		EXPECT_BAD((m).b, (m).size, part);                            \
	} while (0)

static void symstr(const struct elf_sym *s, char *buf, size_t n)
{
	snprintf(buf, n, "%.*s%s%s", (int)s->name_len, s->name,
		 s->version ? (s->hidden ? "@" : "@@") : "",
		 s->version ? s->version : "");
}

static void test_valid64_tables(void)
{
	struct img m;
	struct elf_file *f;
	struct elf_sym s;
	char name[64];

	img_build(&m);
	ASSERT_OK(open_img(m.b, m.size, &f));
	T_EQ_INT(elf_bits(f), 64);
	T_EQ_INT(elf_type(f), ET_DYN);
	T_EQ_INT(elf_table_count(f, ELF_DYNSYM), 5);
	T_EQ_INT(elf_table_count(f, ELF_SYMTAB), 5);
	static const char *const dyn[] = { "", "foo@@V1", "bar@V0", "baz@GLIBC_X", "bar@@V1" };
	for (uint32_t i = 0; i < 5; i++) {
		ASSERT_OK(elf_table_sym(f, ELF_DYNSYM, i, &s));
		symstr(&s, name, sizeof(name));
		T_EQ_STR(name, dyn[i]);
	}
	T_ASSERT(elf_table_sym(f, ELF_SYMTAB, 3, &s) == 0);
	T_EQ_INT(s.name_len, 3);
	T_EQ_STR(s.version, "V1");
	T_EQ_INT(s.hidden, 0);
	T_EQ_INT(s.value, 0x1420);
	T_EQ_INT(s.size, 8);
	T_EQ_INT(s.type, ELF_SYM_FUNC);
	T_EQ_INT(s.bind, ELF_BIND_GLOBAL);
	T_EQ_INT(s.shndx, S_TEXT);
	T_EQ_INT(elf_table_sym(f, ELF_SYMTAB, 5, &s), -ERANGE);
	elf_close(f);
}

static void test_dedup(void)
{
	struct elf_sym_iter it = { 0, 0 };
	struct img m;
	struct elf_file *f;
	struct elf_sym s;
	char got[256] = "", name[64];
	int ret;

	img_build(&m);
	ASSERT_OK(open_img(m.b, m.size, &f));
	while ((ret = elf_sym_next(f, &it, &s)) > 0) {
		symstr(&s, name, sizeof(name));
		strcat(got, name);
		strcat(got, " ");
	}
	T_EQ_INT(ret, 0);
	/* .symtab's foo (unversioned) and bar@@V1 are .dynsym's */
	T_EQ_STR(got, "foo@@V1 bar@V0 baz@GLIBC_X bar@@V1 local_fn data ");
	elf_close(f);
}

struct collect {
	char s[256];
};

static int collect_fn(const struct elf_sym *s, void *arg)
{
	struct collect *c = arg;
	char name[64];

	symstr(s, name, sizeof(name));
	strcat(c->s, name);
	strcat(c->s, " ");
	return 0;
}

static const char *match(struct elf_file *f, const char *pat, int *n)
{
	static struct collect c;

	c.s[0] = 0;
	*n = elf_sym_match(f, pat, collect_fn, &c);
	return c.s;
}

static void test_match(void)
{
	struct img m;
	struct elf_file *f;
	int n;

	img_build(&m);
	ASSERT_OK(open_img(m.b, m.size, &f));
	T_EQ_STR(match(f, "bar", &n), "bar@V0 bar@@V1 ");
	T_EQ_INT(n, 2);
	T_EQ_STR(match(f, "bar@V0", &n), "bar@V0 ");
	T_EQ_STR(match(f, "bar@V1", &n), "bar@@V1 ");	/* @ also finds the default */
	T_EQ_STR(match(f, "bar@@V1", &n), "bar@@V1 ");
	T_EQ_STR(match(f, "bar@@V0", &n), "");	/* V0 is not bar's default */
	T_EQ_INT(n, 0);
	T_EQ_STR(match(f, "ba?", &n), "bar@V0 baz@GLIBC_X bar@@V1 ");
	T_EQ_STR(match(f, "*_fn", &n), "local_fn ");
	T_EQ_STR(match(f, "[fd]*", &n), "foo@@V1 data ");
	T_EQ_STR(match(f, "*@V*", &n), "foo@@V1 bar@V0 bar@@V1 ");
	T_EQ_STR(match(f, "*@@V*", &n), "foo@@V1 bar@@V1 ");
	T_EQ_STR(match(f, "*@GLIBC_?", &n), "baz@GLIBC_X ");
	T_EQ_STR(match(f, "nothing", &n), "");
	match(f, NULL, &n);
	T_EQ_INT(n, 6);
	T_EQ_INT(elf_sym_match(f, "", NULL, NULL), 6);
	T_EQ_INT(elf_sym_match(f, "ba*", NULL, NULL), 3);
	match(f, "foo@", &n);
	T_EQ_INT(n, -EINVAL);
	MSG_HAS("nothing after '@'");
	elf_close(f);
}

static void test_func_find(void)
{
	struct img m;
	struct elf_file *f;
	struct elf_sym s;
	uint64_t off = 0;

	img_build(&m);
	ASSERT_OK(open_img(m.b, m.size, &f));
	T_EQ_INT(elf_func_find(f, "foo", &s, &off), 0);
	T_EQ_INT(off, 0x400);
	/* two definitions: the default version wins */
	T_EQ_INT(elf_func_find(f, "bar", &s, &off), 0);
	T_EQ_INT(s.value, 0x1420);
	T_EQ_INT(off, 0x420);
	T_EQ_INT(elf_func_find(f, "bar@V0", &s, &off), 0);
	T_EQ_INT(off, 0x410);
	T_EQ_INT(elf_func_find(f, "local_fn", &s, &off), 0);
	T_EQ_INT(off, 0x430);
	T_EQ_INT(elf_func_find(f, "baz", &s, &off), -ENOENT);
	MSG_HAS("only imported");
	T_EQ_INT(elf_func_find(f, "data", &s, &off), -ENOENT);
	T_EQ_INT(elf_func_find(f, "b*", &s, &off), -EINVAL);
	/* make both bars default: ambiguous */
	elf_close(f);
	m.versym[2] = 2;
	ASSERT_OK(open_img(m.b, m.size, &f));
	T_EQ_INT(elf_func_find(f, "bar", &s, &off), -ENOTUNIQ);
	MSG_HAS("bar@@V1 at 0x1410, bar@@V1 at 0x1420");
	elf_close(f);
	/* two versions at one address: one function, named by its default */
	img_build(&m);
	m.dynsym[4].st_value = 0x1410;
	m.symtab[3].st_value = 0x1410;
	T_ASSERT(open_img(m.b, m.size, &f) == 0);
	T_EQ_INT(elf_func_find(f, "bar", &s, &off), 0);
	T_EQ_INT(off, 0x410);
	T_EQ_STR(s.version, "V1");
	T_EQ_INT(s.hidden, 0);
	elf_close(f);
}

static void test_offsets(void)
{
	struct img m;
	struct elf_file *f;
	uint64_t off;

	img_build(&m);
	ASSERT_OK(open_img(m.b, m.size, &f));
	T_EQ_INT(elf_addr_offset(f, 0x1400, &off), 0);
	T_EQ_INT(off, 0x400);
	T_EQ_INT(elf_addr_offset(f, 0x143f, &off), 0);
	T_EQ_INT(off, 0x43f);
	T_EQ_INT(elf_addr_offset(f, 0x1440, &off), -ENOENT);	/* one past */
	T_EQ_INT(elf_addr_offset(f, 0x100, &off), -ENOENT);	/* not executable */
	MSG_HAS("in no executable PT_LOAD");
	elf_close(f);

	/* ET_EXEC-style: text at a high vaddr, offset from p_offset */
	m.eh->e_type = ET_EXEC;
	m.ph[1].p_vaddr = 0x401400;
	ASSERT_OK(open_img(m.b, m.size, &f));
	T_EQ_INT(elf_addr_offset(f, 0x401410, &off), 0);
	T_EQ_INT(off, 0x410);
	elf_close(f);
}

static void test_elf32(void)
{
	uint8_t b[4096];
	size_t n = img_build32(b, sizeof(b));
	struct elf_file *f;
	struct elf_sym s;
	uint64_t off;

	ASSERT_OK(open_img(b, n, &f));
	T_EQ_INT(elf_bits(f), 32);
	T_EQ_INT(elf_table_count(f, ELF_SYMTAB), 3);
	T_ASSERT(elf_table_sym(f, ELF_SYMTAB, 1, &s) == 0);
	T_EQ_INT(s.value, 0x8048110);
	T_EQ_INT(s.size, 6);
	T_EQ_INT(s.type, ELF_SYM_FUNC);
	T_EQ_INT(elf_func_find(f, "f32", &s, &off), 0);
	T_EQ_INT(off, 0x110);
	T_EQ_INT(elf_func_find(f, "v32", &s, &off), -ENOENT);
	elf_close(f);
}

static void test_notes(void)
{
	struct img m;
	struct elf_file *f;
	const uint8_t *id;
	const char *name;
	uint32_t crc;

	img_build(&m);
	ASSERT_OK(open_img(m.b, m.size, &f));
	T_EQ_INT(elf_build_id(f, &id), 8);
	T_CHECK(!memcmp(id, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8));
	T_EQ_INT(elf_debuglink(f, &name, &crc), 1);
	T_EQ_STR(name, "x.debug");
	T_EQ_INT(crc, 0x12345678);
	elf_close(f);

	m.note->n_descsz = 0x7fffffff;
	T_ASSERT(open_img(m.b, m.size, &f) == 0);
	T_EQ_INT(elf_build_id(f, &id), -ENOEXEC);
	MSG_HAS("note at offset 0x6c0");
	elf_close(f);

	img_build(&m);
	memset(m.b + IMG_DEBUGLINK, 'x', 12);	/* no NUL, no CRC */
	T_ASSERT(open_img(m.b, m.size, &f) == 0);
	T_EQ_INT(elf_debuglink(f, &name, &crc), -ENOEXEC);
	MSG_HAS(".gnu_debuglink at offset 0x6e0 is malformed");
	elf_close(f);
}

static void test_crc32(void)
{
	/* the standard check value of CRC-32/ISO-HDLC */
	T_EQ_INT(util_crc32(0, "123456789", 9), 0xcbf43926);
	T_EQ_INT(util_crc32(util_crc32(0, "1234", 4), "56789", 5), 0xcbf43926);
	T_EQ_INT(util_crc32(0, "", 0), 0);
}

static void test_glob(void)
{
	static const struct {
		const char *pat, *str;
		int want;
	} c[] = {
		{ "*", "", 1 }, { "*", "abc", 1 }, { "", "", 1 }, { "", "a", 0 },
		{ "SSL_*", "SSL_read", 1 }, { "SSL_*", "xSSL_read", 0 },
		{ "*alloc", "malloc", 1 }, { "*alloc", "alloca", 0 },
		{ "?", "a", 1 }, { "?", "ab", 0 }, { "?", "", 0 },
		{ "[a-c]x", "bx", 1 }, { "[a-c]x", "dx", 0 },
		{ "[!a-c]x", "dx", 1 }, { "[^a-c]x", "ax", 0 },
		{ "[]]", "]", 1 }, { "[!]]", "]", 0 }, { "[a-]", "-", 1 },
		{ "\\*", "*", 1 }, { "\\*", "a", 0 }, { "[abc", "[abc", 1 },
		{ "a*b*c", "aXbYbZc", 1 }, { "a*b*c", "aXbYbZ", 0 },
		{ "*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
		{ "**x", "abx", 1 }, { "mem*", "memcpy", 1 },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (elf_glob(c[i].pat, c[i].str, strlen(c[i].str)) != c[i].want)
			T_FAILF("pattern '%s' on '%s' should give %d", c[i].pat,
				c[i].str, c[i].want);
	/* the subject is length-delimited: "foo@@V1" seen as "foo" */
	T_EQ_INT(elf_glob("foo", "foo@@V1", 3), 1);
	T_EQ_INT(elf_glob("fo", "foo@@V1", 3), 0);
}

/* ---- files that are not ELF files ----------------------------------------- */

static void test_not_regular(void)
{
	char fifo[128];
	struct elf_file *f;

	T_EQ_INT(elf_open("/dev/zero", &f), -EINVAL);
	MSG_HAS("character device");
	T_EQ_INT(elf_open(tmp, &f), -EINVAL);
	MSG_HAS("a directory");
	snprintf(fifo, sizeof(fifo), "%s/fifo", tmp);
	T_ASSERT(mkfifo(fifo, 0600) == 0);
	T_EQ_INT(elf_open(fifo, &f), -EINVAL);	/* and must not block */
	MSG_HAS("a FIFO");
	unlink(fifo);
	T_EQ_INT(elf_open("/nonexistent/x", &f), -ENOENT);
	MSG_HAS("cannot open /nonexistent/x");
	T_CHECK(f == NULL);
}

static void test_bad_header(void)
{
	struct img m;

	T_EQ_INT(open_img("", 0, NULL), -ENOEXEC);
	MSG_HAS("is empty");
	EXPECT_BAD("#!/bin/sh\necho hi\n", 18, "not an ELF file");
	EXPECT_BAD("\177ELF", 4, "not an ELF file");	/* shorter than e_ident */
	img_build(&m);
	EXPECT_BAD(m.b, 40, "truncated ELF header (40 of 64 bytes)");
	m.b[EI_DATA] = ELFDATA2MSB;
	EXPECT_BAD(m.b, m.size, "big-endian ELF");
	m.b[EI_DATA] = 7;
	EXPECT_BAD(m.b, m.size, "unknown ELF data encoding 7 at offset 0x5");
	BAD_AFTER(m, m.b[EI_CLASS] = 3, "unknown ELF class 3 at offset 0x4");
	BAD_AFTER(m, m.b[EI_VERSION] = 2, "unknown ELF version 2");
	BAD_AFTER(m, m.eh->e_shentsize = 40, "e_shentsize 40");
	BAD_AFTER(m, m.eh->e_phentsize = 1, "e_phentsize 1");
}

static void test_bad_tables(void)
{
	struct img m;

	img_build(&m);
	/* section header table cut off by the end of the file */
	EXPECT_BAD(m.b, m.size - 10, "section header table (12 entries at offset 0x800) extends past the end");
	m.eh->e_shoff = 0xffffffffffffff00ull;
	EXPECT_BAD(m.b, m.size, "section header table");
	BAD_AFTER(m, m.eh->e_phoff = m.size - 8,
		  "program header table (2 entries at offset 0xaf8) extends past the end");
	/* huge counts through section 0 (extended numbering) */
	img_build(&m);
	m.eh->e_shnum = 0;
	m.sh[0].sh_size = 0xffffffffull;
	EXPECT_BAD(m.b, m.size, "section header table (4294967295 entries");
	m.sh[0].sh_size = 0x100000000ull;
	EXPECT_BAD(m.b, m.size, "section count 4294967296 in section header 0 is too large");
	img_build(&m);
	m.eh->e_phnum = PN_XNUM;
	m.sh[0].sh_info = 0x7fffffff;
	EXPECT_BAD(m.b, m.size, "program header table (2147483647 entries");
	BAD_AFTER(m, m.eh->e_shstrndx = 40,
		  "section name table index 40 is out of range (12 sections)");
}

static void test_bad_sections(void)
{
	struct img m;

	BAD_AFTER(m, m.sh[S_SYMTAB].sh_size = 0x10000000 * 24ull,
		  "section [7] .symtab (offset 0x600, size 0x180000000) extends past the end");
	BAD_AFTER(m, m.sh[S_SYMTAB].sh_offset = 0x601,
		  "section [7] .symtab at offset 0x601 is not aligned to its sh_addralign 8");
	BAD_AFTER(m, m.sh[S_SYMTAB].sh_addralign = 3, "sh_addralign 0x3 is not a power of two");
	BAD_AFTER(m, m.sh[S_SYMTAB].sh_entsize = 16,
		  "section [7] .symtab has entry size 16, not 24");
	BAD_AFTER(m, m.sh[S_SYMTAB].sh_size = 100, "size 0x64 is not a whole number of symbols");
	BAD_AFTER(m, m.sh[S_SYMTAB].sh_link = 99,
		  "section [7] links to string table 99, out of range");
	m.sh[S_SYMTAB].sh_link = S_TEXT;
	EXPECT_BAD(m.b, m.size, "links to section [1] .text, which is not a string table");
	/* a bad section name index only loses the name */
	img_build(&m);
	m.sh[S_SYMTAB].sh_name = 0xffff;
	m.sh[S_SYMTAB].sh_entsize = 8;
	EXPECT_BAD(m.b, m.size, "section [7] ? has entry size 8");
}

static void test_bad_symbols(void)
{
	struct img m;
	struct elf_file *f;
	struct elf_sym s;
	int n;

	img_build(&m);
	m.symtab[2].st_name = 0x10000;
	T_ASSERT(open_img(m.b, m.size, &f) == 0);
	T_EQ_INT(elf_table_sym(f, ELF_SYMTAB, 2, &s), -ENOEXEC);
	MSG_HAS("section [7] symbol 2 (offset 0x630): name index 0x10000 is past its string table (size 0x1b)");
	match(f, "*", &n);
	T_EQ_INT(n, -ENOEXEC);
	elf_close(f);
	/* a string table without a final NUL: its last string is cut off */
	img_build(&m);
	m.sh[S_STRTAB].sh_size = sizeof(img_strtab) - 1;
	T_ASSERT(open_img(m.b, m.size, &f) == 0);
	T_EQ_INT(elf_table_sym(f, ELF_SYMTAB, 4, &s), -ENOEXEC);	/* "data" */
	T_EQ_INT(elf_table_sym(f, ELF_SYMTAB, 2, &s), 0);
	elf_close(f);
}

static void test_bad_versions(void)
{
	struct img m;
	struct elf_file *f;
	struct elf_sym s;

	BAD_AFTER(m, m.sh[S_VERSYM].sh_size = 8, "does not parallel .dynsym [2] (5 symbols)");
	BAD_AFTER(m, m.vd->vd_next = 0x1000,
		  "section [5] .gnu.version_d: entry 1 at offset 0x1560 is misaligned or past the section end");
	BAD_AFTER(m, m.vd->vd_next = 30, "misaligned or past the section end");
	BAD_AFTER(m, m.vd->vd_aux = 0x7ffffff0, "aux entry at offset");
	BAD_AFTER(m, m.sh[S_VERDEF].sh_info = 1000, "claims 1000 entries but has room for 4");
	BAD_AFTER(m, m.vd->vd_version = 9, "has unknown version 9");
	BAD_AFTER(m, m.vna->vna_name = 0x4000,
		  "version name index 0x4000 is past its string table");
	BAD_AFTER(m, m.vna->vna_other = 2,	/* V1's index again */
		  "version index 2 is defined twice");
	img_build(&m);
	m.vn->vn_cnt = 50000;	/* the aux chain ends (vna_next 0) first */
	T_EQ_INT(open_img(m.b, m.size, NULL), 0);
	m.vna->vna_next = 16;	/* ... unless it runs off the section */
	EXPECT_BAD(m.b, m.size, "aux entry at offset 0x5e0");
	/* a symbol naming an undefined version index */
	img_build(&m);
	m.versym[1] = 0x7ffe;
	T_ASSERT(open_img(m.b, m.size, &f) == 0);
	T_EQ_INT(elf_table_sym(f, ELF_DYNSYM, 1, &s), -ENOEXEC);
	MSG_HAS(".dynsym symbol 1 has version index 32766");
	elf_close(f);
}

/* Program headers made bad, up to two fields each (a 64-bit one; field 0,
 * p_type, is never edited: it ends the list), and what elf_addr_offset
 * says about the address. */
struct ph_edit {
	int ph;
	size_t field;
	uint64_t v;
};
#define PH(i, f, v) { i, offsetof(Elf64_Phdr, f), v }
static const struct seg_case {
	struct ph_edit e[2];
	uint64_t addr;
	const char *msg;
} seg_cases[] = {
	/* segment 1 starts inside segment 0 */
	{ { PH(0, p_memsz, 0x500), PH(1, p_vaddr, 0x400) }, 0x410,
	  "PT_LOAD program header 1 (at offset 0x78): vaddr 0x400 overlaps or precedes PT_LOAD 0, which ends at 0x500" },
	{ { PH(1, p_filesz, 0x100000), PH(1, p_memsz, 0x100000) }, 0x1400,
	  "file image 0x400+0x100000 extends past the end of the file" },
	{ { PH(1, p_vaddr, 0x1500) }, 0x1500,
	  "alignment 0x1000 is not a power of two that vaddr 0x1500 and offset 0x400 agree on" },
	/* filesz > memsz */
	{ { PH(1, p_memsz, 0x10) }, 0x1400, "bad sizes" },
};

static void test_bad_segments(void)
{
	struct img m;
	struct elf_file *f;
	uint64_t off;

	for (size_t i = 0; i < sizeof(seg_cases) / sizeof(seg_cases[0]); i++) {
		const struct seg_case *c = &seg_cases[i];

		img_build(&m);
		for (int k = 0; k < 2 && c->e[k].field; k++)
			memcpy((char *)&m.ph[c->e[k].ph] + c->e[k].field, &c->e[k].v, 8);
		T_ASSERT(open_img(m.b, m.size, &f) == 0);
		T_EQ_INT(elf_addr_offset(f, c->addr, &off), -ENOEXEC);
		MSG_HAS(c->msg);
		if (i == 0) {
			/* checked once, failing the same way every time */
			T_EQ_INT(elf_addr_offset(f, 0x410, &off), -ENOEXEC);
			MSG_HAS("overlaps");
			T_EQ_INT(elf_func_find(f, "foo", &(struct elf_sym){ 0 }, &off), -ENOEXEC);
			MSG_HAS("overlaps");
		}
		elf_close(f);
	}
}

static void test_big_endian_elf32(void)
{
	uint8_t b[4096];
	size_t n = img_build32(b, sizeof(b));

	b[EI_DATA] = ELFDATA2MSB;
	EXPECT_BAD(b, n, "big-endian ELF (EI_DATA=2 at offset 0x5) is not supported");
	n = img_build32(b, sizeof(b));
	EXPECT_BAD(b, 30, "truncated ELF header (30 of 52 bytes)");
	((Elf32_Ehdr *)b)->e_shoff = 0xfffffff0u;
	EXPECT_BAD(b, n, "section header table (5 entries at offset 0xfffffff0)");
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/rawtel-elf.XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	T_RUN(test_valid64_tables);
	T_RUN(test_dedup);
	T_RUN(test_match);
	T_RUN(test_func_find);
	T_RUN(test_offsets);
	T_RUN(test_elf32);
	T_RUN(test_notes);
	T_RUN(test_crc32);
	T_RUN(test_glob);
	T_RUN(test_not_regular);
	T_RUN(test_bad_header);
	T_RUN(test_bad_tables);
	T_RUN(test_bad_sections);
	T_RUN(test_bad_symbols);
	T_RUN(test_bad_versions);
	T_RUN(test_bad_segments);
	T_RUN(test_big_endian_elf32);
	unlink(img_write(tmp, "img", "", 0));
	rmdir(tmp);
	return t_done();
}
