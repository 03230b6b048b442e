/* Finding files: library names against what a process really maps
 * (/proc/PID/maps), ld.so.cache parsing against `ldconfig -p` and crafted
 * caches of both formats, PATH lookup against the shell's `command -v`,
 * resolution inside another root against chroot(2) + realpath(3), and a
 * static musl process resolving "libc" to its own executable. */
/* Failure messages are cut to t.h's buffer on purpose; paths are PATH_MAX. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "elf_img.h"
#include "rawtel/elf.h"
#include "rawtel/err.h"
#include "t.h"

static char tmp[64];

#define MSG_HAS(part)                                                         \
	do {                                                                  \
		if (!strstr(err_msg(), part))                                 \
			T_FAILF("message \"%s\" lacks \"%s\"", err_msg(), part); \
	} while (0)

static const char *progs(void)
{
	const char *p = getenv("RAWTEL_PROGS");

	return p ? p : "build/progs";
}

/* The file a process maps whose base name contains NEEDLE, read
 * independently of the code under test. */
static int maps_find(int pid, const char *needle, char *out, size_t size)
{
	char path[64], line[4096];
	FILE *fp;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fp = fopen(path, "r");
	if (!fp)
		return 0;
	while (!found && fgets(line, sizeof(line), fp)) {
		char *file = strchr(line, '/'), *base;

		if (!file)
			continue;
		file[strcspn(file, "\n")] = 0;
		base = strrchr(file, '/') + 1;
		if (strstr(base, needle)) {
			snprintf(out, size, "%s", file);
			found = 1;
		}
	}
	fclose(fp);
	return found;
}

/* Start PROG wait; returns its pid once it printed "ready". */
static pid_t spawn_wait(const char *prog)
{
	int fd[2];
	char buf[8] = "";
	pid_t pid;

	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		execl(prog, prog, "wait", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	if (pid > 0 && read(fd[0], buf, 6) != 6) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(fd[0]);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_lib_matches(void)
{
	static const struct {
		const char *name, *file;
		int want;
	} c[] = {
		{ "libc", "libc.so.6", 1 }, { "c", "libc.so.6", 1 },
		{ "libc", "libc-2.31.so", 1 }, { "libc", "libcrypt.so.1", 0 },
		{ "libc", "libc.a", 0 }, { "c", "libcap.so.2", 0 },
		{ "libc", "ld-musl-x86_64.so.1", 1 }, { "libm", "ld-musl-x86_64.so.1", 0 },
		{ "libssl", "libssl.so.3", 1 }, { "ssl", "libssl.so.3", 1 },
		{ "libssl.so.3", "libssl.so.3", 1 }, { "libssl.so.3", "libssl.so.1.1", 0 },
		{ "libssl.so", "libssl.so.3", 1 }, { "libssl", "libssl3.so", 0 },
		{ "libpython3", "libpython3.11.so.1.0", 1 }, { "libssl", "libssl", 1 },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (elf_lib_matches(c[i].name, c[i].file) != c[i].want)
			T_FAILF("elf_lib_matches(%s, %s) should be %d", c[i].name,
				c[i].file, c[i].want);
}

/* "libc" and "c" for our own pid: exactly the libc this process maps. */
static void test_libc_of_self(void)
{
	char want[PATH_MAX], got[PATH_MAX], r1[PATH_MAX], r2[PATH_MAX];
	size_t rl;

	T_ASSERT(maps_find(getpid(), "libc.so", want, sizeof(want)), "no libc in /proc/self/maps");
	T_EQ_INT(elf_locate("libc", getpid(), got, sizeof(got), &rl), 0);
	T_EQ_STR(got, want);
	T_EQ_INT(rl, 0);	/* same mount namespace: no /proc/PID/root */
	T_EQ_INT(elf_locate("c", getpid(), got, sizeof(got), &rl), 0);
	T_EQ_STR(got, want);
	/* and without a pid, through ld.so.cache: the same file */
	T_EQ_INT(elf_locate("libc", 0, got, sizeof(got), &rl), 0);
	T_ASSERT(realpath(got, r1) && realpath(want, r2));
	T_EQ_STR(r1, r2);
	T_EQ_INT(elf_locate("libc.so.6", 0, got, sizeof(got), &rl), 0);
	T_ASSERT(realpath(got, r1));
	T_EQ_STR(r1, r2);
}

/* ---- ld.so.cache --------------------------------------------------------- */

static const char *ldc_flags(int32_t f, char *buf, size_t n)
{
	static const char *const type[] = { "libc4", "ELF", "libc5", "libc6" };
	const char *arch = "";

	switch (f & 0xff00) {
	case 0: break;
	case 0x0300: arch = ",x86-64"; break;
	case 0x0800: arch = ",x32"; break;
	case 0x0a00: arch = ",AArch64"; break;
	default: arch = ",?"; break;
	}
	snprintf(buf, n, "%s%s", (f & 0xff) < 4 ? type[f & 0xff] : "unknown", arch);
	return buf;
}

struct ldc_out {
	FILE *fp;
	int n, bad;
	char why[512];
};

/* Each entry must be the next line of `ldconfig -p`. */
static int ldc_cmp(const struct elf_ldcache_ent *e, void *arg)
{
	struct ldc_out *o = arg;
	char want[4096], line[4096], fl[64];

	o->n++;
	if (!fgets(line, sizeof(line), o->fp)) {
		snprintf(o->why, sizeof(o->why), "ldconfig -p ended before entry %d", o->n);
		o->bad = 1;
		return 1;
	}
	line[strcspn(line, "\n")] = 0;
	if (e->hwcap) {	/* ldconfig spells hwcaps its own way: key and path only */
		snprintf(want, sizeof(want), "\t%s (", e->key);
		if (strncmp(line, want, strlen(want)) || !strstr(line, e->value))
			o->bad = 1;
	} else {
		snprintf(want, sizeof(want), "\t%s (%s) => %s", e->key,
			 ldc_flags(e->flags, fl, sizeof(fl)), e->value);
		o->bad = strcmp(line, want) != 0;
	}
	if (o->bad)
		snprintf(o->why, sizeof(o->why), "entry %d: ours \"%.200s\", ldconfig \"%.200s\"",
			 o->n, want, line);
	return o->bad;
}

static void *slurp(const char *path, size_t *len)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	*len = buf ? (size_t)read(fd, buf, (size_t)st.st_size) : 0;
	close(fd);
	return buf;
}

static void test_ldcache_vs_ldconfig(void)
{
	struct ldc_out o = { 0 };
	char head[256];
	size_t len;
	void *buf = slurp("/etc/ld.so.cache", &len);
	int n, total = -1;

	if (!buf)
		T_SKIP("no /etc/ld.so.cache here");
	o.fp = popen("ldconfig -p", "r");
	T_ASSERT(o.fp != NULL);
	T_ASSERT(fgets(head, sizeof(head), o.fp) != NULL);
	sscanf(head, "%d libs found", &total);
	n = elf_ldcache_parse(buf, len, ldc_cmp, &o);
	pclose(o.fp);
	free(buf);
	if (o.bad)
		T_FAILF("%s", o.why);
	T_EQ_INT(n, total);
	T_CHECK(total > 10);
	printf("ld.so.cache: %d entries equal to ldconfig -p\n", n);
}

struct ent {
	int32_t flags;
	const char *key, *value;
};

/* Build a cache image: FMT 0 old, 1 new, 2 old followed by new. */
static size_t ldc_build(uint8_t *b, size_t cap, int fmt, const struct ent *e, int n)
{
	size_t old_end = 16 + (size_t)n * 12, base = fmt == 1 ? 0 : (old_end + 7) & ~(size_t)7;
	size_t str = fmt == 0 ? old_end : base + 48 + (size_t)n * 24, pos = str;
	uint32_t k;

	memset(b, 0, cap);
	if (fmt != 1) {
		memcpy(b, "ld.so-1.7.0", 11);
		k = (uint32_t)n;
		memcpy(b + 12, &k, 4);
	}
	if (fmt != 0) {
		memcpy(b + base, "glibc-ld.so.cache1.1", 20);
		k = (uint32_t)n;
		memcpy(b + base + 20, &k, 4);
		b[base + 28] = 2;	/* little-endian */
	}
	for (int i = 0; i < n; i++) {
		uint32_t key = (uint32_t)pos, val;

		strcpy((char *)b + pos, e[i].key);
		pos += strlen(e[i].key) + 1;
		val = (uint32_t)pos;
		strcpy((char *)b + pos, e[i].value);
		pos += strlen(e[i].value) + 1;
		if (fmt != 1) {	/* old offsets count from the end of its entries */
			uint32_t ko = key - (uint32_t)old_end, vo = val - (uint32_t)old_end;

			memcpy(b + 16 + i * 12, &e[i].flags, 4);
			memcpy(b + 16 + i * 12 + 4, &ko, 4);
			memcpy(b + 16 + i * 12 + 8, &vo, 4);
		}
		if (fmt != 0) {	/* new offsets count from the new header */
			uint32_t ko = key - (uint32_t)base, vo = val - (uint32_t)base;
			uint8_t *p = b + base + 48 + i * 24;

			memcpy(p, &e[i].flags, 4);
			memcpy(p + 4, &ko, 4);
			memcpy(p + 8, &vo, 4);
		}
	}
	return pos;
}

struct ldc_list {
	char s[512];
};

static int ldc_list(const struct elf_ldcache_ent *e, void *arg)
{
	struct ldc_list *l = arg;
	size_t n = strlen(l->s);

	snprintf(l->s + n, sizeof(l->s) - n, "%s=%s/%x ", e->key, e->value, e->flags);
	return 0;
}

static void test_ldcache_crafted(void)
{
	static const struct ent ents[] = {
		{ 0x0003, "libfoo.so.1", "/lib32/libfoo.so.1" },
		{ 0x0303, "libfoo.so.1", "/lib64/libfoo.so.1" },
		{ 0x0303, "libc.so.6", "/lib/libc.so.6" },
	};
	static const char *const want = "libfoo.so.1=/lib32/libfoo.so.1/3 libfoo.so.1=/lib64/libfoo.so.1/303 libc.so.6=/lib/libc.so.6/303 ";
	uint8_t b[1024];
	char path[256], out[256];
	size_t len;

	for (int fmt = 0; fmt < 3; fmt++) {
		struct ldc_list l = { "" };

		len = ldc_build(b, sizeof(b), fmt, ents, 3);
		T_EQ_INT(elf_ldcache_parse(b, len, ldc_list, &l), 3);
		T_EQ_STR(l.s, want);
		/* the native (x86-64) entry, not the 32-bit one listed first */
		snprintf(path, sizeof(path), "%s/ld.so.cache", tmp);
		FILE *fp = fopen(path, "w");
		T_ASSERT(fp && fwrite(b, 1, len, fp) == len);
		fclose(fp);
		T_EQ_INT(elf_ldcache_find(path, "libfoo", out, sizeof(out)), 0);
		T_EQ_STR(out, "/lib64/libfoo.so.1");
		T_EQ_INT(elf_ldcache_find(path, "libbar", out, sizeof(out)), -ENOENT);
	}
	/* malformed */
	len = ldc_build(b, sizeof(b), 1, ents, 3);
	T_EQ_INT(elf_ldcache_parse(b, 30, ldc_list, &(struct ldc_list){ "" }), -EINVAL);
	MSG_HAS("truncated header");
	b[20] = 0xff;	/* nlibs */
	b[21] = 0xff;
	T_EQ_INT(elf_ldcache_parse(b, len, ldc_list, &(struct ldc_list){ "" }), -EINVAL);
	MSG_HAS("65535 entries do not fit");
	len = ldc_build(b, sizeof(b), 1, ents, 3);
	b[48 + 24 + 8] = 0xf0;	/* entry 1's value offset */
	T_EQ_INT(elf_ldcache_parse(b, len, ldc_list, &(struct ldc_list){ "" }), -EINVAL);
	MSG_HAS("entry 1 (offset 0x48) has a string offset past the end");
	len = ldc_build(b, sizeof(b), 1, ents, 3);
	b[28] = 3;
	T_EQ_INT(elf_ldcache_parse(b, len, ldc_list, &(struct ldc_list){ "" }), -EINVAL);
	MSG_HAS("big-endian");
	len = ldc_build(b, sizeof(b), 0, ents, 3);
	b[12] = 0xff;
	b[13] = 0xff;
	b[14] = 0xff;
	T_EQ_INT(elf_ldcache_parse(b, len, ldc_list, &(struct ldc_list){ "" }), -EINVAL);
	MSG_HAS("old-format entries do not fit");
	len = ldc_build(b, sizeof(b), 0, ents, 3);
	T_EQ_INT(elf_ldcache_parse(b, len - 3, ldc_list, &(struct ldc_list){ "" }), -EINVAL);
	MSG_HAS("entry 2 (offset 0x28)");	/* its value lost its NUL */
	T_EQ_INT(elf_ldcache_parse("hello world, this is no cache", 29, ldc_list,
				   &(struct ldc_list){ "" }), -EINVAL);
	MSG_HAS("not an ld.so.cache file");
}

/* ---- PATH ------------------------------------------------------------------ */

static void test_path_lookup(void)
{
	char want[PATH_MAX] = "", got[PATH_MAX], r1[PATH_MAX], r2[PATH_MAX];
	char dir[256], tool[300], *old;
	size_t rl;
	FILE *fp = popen("command -v sh", "r");
	int fd;

	T_ASSERT(fp && fgets(want, sizeof(want), fp));
	pclose(fp);
	want[strcspn(want, "\n")] = 0;
	T_EQ_INT(elf_locate("sh", 0, got, sizeof(got), &rl), 0);
	T_ASSERT(realpath(got, r1) && realpath(want, r2));
	T_EQ_STR(r1, r2);

	/* our own PATH: a non-executable file is passed over */
	old = strdup(getenv("PATH"));
	snprintf(dir, sizeof(dir), "%s/bin1:%s/bin2", tmp, tmp);
	snprintf(tool, sizeof(tool), "%s/bin1", tmp);
	mkdir(tool, 0755);
	snprintf(tool, sizeof(tool), "%s/bin2", tmp);
	mkdir(tool, 0755);
	snprintf(tool, sizeof(tool), "%s/bin1/rt-tool", tmp);
	fd = open(tool, O_CREAT | O_WRONLY, 0644);
	close(fd);
	snprintf(tool, sizeof(tool), "%s/bin2/rt-tool", tmp);
	fd = open(tool, O_CREAT | O_WRONLY, 0755);
	close(fd);
	setenv("PATH", dir, 1);
	T_EQ_INT(elf_locate("rt-tool", 0, got, sizeof(got), &rl), 0);
	setenv("PATH", old, 1);
	free(old);
	T_ASSERT(realpath(tool, r2));
	T_EQ_STR(got, r2);
	T_EQ_INT(elf_locate("no-such-tool-rt", 0, got, sizeof(got), &rl), -ENOENT);
	MSG_HAS("cannot find 'no-such-tool-rt': not in PATH, ld.so.cache");
	T_EQ_INT(elf_locate("libno-such-lib-rt", 0, got, sizeof(got), &rl), -ENOENT);
	MSG_HAS("not in ld.so.cache or the standard library directories");
}

/* ---- another root ------------------------------------------------------------ */

/* The oracle: what realpath(3) says inside chroot(ROOT). */
static int chroot_realpath(const char *root, const char *path, char *out, size_t size)
{
	int fd[2], st;
	pid_t pid;
	ssize_t n;

	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid == 0) {
		char buf[PATH_MAX];

		close(fd[0]);
		if (chroot(root) || chdir("/") || !realpath(path, buf))
			_exit(1);
		n = write(fd[1], buf, strlen(buf));
		_exit(n < 0);
	}
	close(fd[1]);
	n = read(fd[0], out, size - 1);
	close(fd[0]);
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) || n < 0)
		return -1;
	out[n] = 0;
	return 0;
}

static void test_root_path(void)
{
	static const char *const paths[] = {
		"/usr/lib/x/libz.so", "/lib/x/libz.so", "/lib64/x/libz.so",
		"/a/b/lib/x/libz.so", "/usr/../usr/./lib/x/libz.so", "/../../usr/lib",
		"/abs/libz.so", "/rel", "/", "/missing/file", "/loop1/x",
	};
	char root[128], p[256], want[PATH_MAX], got[PATH_MAX], full[PATH_MAX];

	if (getuid() != 0)
		T_SKIP("chroot needs root");
	snprintf(root, sizeof(root), "%s/root", tmp);
	mkdir(root, 0755);
#define MK(fmt) (snprintf(p, sizeof(p), "%s" fmt, root), p)
	mkdir(MK("/usr"), 0755);
	mkdir(MK("/usr/lib"), 0755);
	mkdir(MK("/usr/lib/x"), 0755);
	close(open(MK("/usr/lib/x/libz.so.1"), O_CREAT | O_WRONLY, 0644));
	symlink("libz.so.1", MK("/usr/lib/x/libz.so"));
	symlink("usr/lib", MK("/lib"));		/* relative */
	symlink("/usr/lib", MK("/lib64"));	/* absolute: must stay inside */
	mkdir(MK("/a"), 0755);
	symlink("../usr", MK("/a/b"));
	symlink("/lib64/x/libz.so", MK("/abs"));
	symlink("abs", MK("/rel"));
	symlink("loop2", MK("/loop1"));
	symlink("loop1", MK("/loop2"));
#undef MK
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int o = chroot_realpath(root, paths[i], want, sizeof(want));
		int r = elf_root_path(root, paths[i], got, sizeof(got));

		if (o) {
			if (!r)
				T_FAILF("%s: resolved to %s, chroot realpath fails", paths[i], got);
			continue;
		}
		snprintf(full, sizeof(full), "%s%s", root, strcmp(want, "/") ? want : "/");
		if (r)
			T_FAILF("%s: %s (chroot realpath: %s)", paths[i], err_msg(), want);
		else if (strcmp(got, full))
			T_FAILF("%s: got %s, chroot realpath says %s", paths[i], got, full);
	}
	T_EQ_INT(elf_root_path(root, "/loop1", got, sizeof(got)), -ELOOP);
}

/* ---- through a process ------------------------------------------------------- */

static void test_pid_dynamic(void)
{
	char prog[PATH_MAX], want[PATH_MAX], got[PATH_MAX], r1[PATH_MAX];
	size_t rl;
	pid_t pid;

	snprintf(prog, sizeof(prog), "%s/elf_target", progs());
	pid = spawn_wait(prog);
	T_ASSERT(pid > 0, "cannot start build/progs/elf_target");
	T_CHECK(maps_find(pid, "libc.so", want, sizeof(want)));
	T_EQ_INT(elf_locate("libc", pid, got, sizeof(got), &rl), 0);
	T_EQ_STR(got, want);
	/* the program itself, by its base name */
	T_EQ_INT(elf_locate("elf_target", pid, got, sizeof(got), &rl), 0);
	T_ASSERT(realpath(prog, r1));
	T_EQ_STR(got, r1);
	reap(pid);
	T_EQ_INT(elf_locate("libc", 0x3ffffff0, got, sizeof(got), &rl), -ESRCH);
	MSG_HAS("no process 1073741808");
}

static void test_pid_static_musl(void)
{
	char prog[PATH_MAX], real[PATH_MAX], got[PATH_MAX];
	struct elf_file *f;
	struct elf_sym s;
	uint64_t off;
	size_t rl;
	pid_t pid;

	snprintf(prog, sizeof(prog), "%s/elf_static_musl", progs());
	T_ASSERT(realpath(prog, real), "no build/progs/elf_static_musl");
	pid = spawn_wait(prog);
	T_ASSERT(pid > 0);
	/* no libc mapped: libc's functions are inside the executable */
	T_EQ_INT(elf_locate("libc", pid, got, sizeof(got), &rl), 0);
	T_EQ_STR(got, real);
	T_EQ_INT(elf_open_target("c", pid, &f), 0);
	reap(pid);
	T_EQ_STR(elf_path(f), real);
	T_EQ_INT(elf_func_find(f, "pause", &s, &off), 0);
	T_CHECK(off > 0);
	T_EQ_INT(elf_func_find(f, "elf_static_fn", &s, &off), 0);
	elf_close(f);
}

static void put_file(const char *path, const void *buf, size_t len, int mode)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, mode);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		abort();
	close(fd);
}

/* A process chrooted into a directory of ours: its libraries are found
 * through /proc/PID/root, in its ld.so.cache or its lib directories, with
 * its symlinks resolved inside it. */
static void test_pid_in_other_root(void)
{
	static const struct ent cache[] = {
		{ 0x0303, "libbar.so.1", "/opt/libbar.so.1" },
	};
	char root[128], p[256], got[PATH_MAX], want[PATH_MAX], prog[PATH_MAX];
	char cmd[2048];
	uint8_t b[4096];
	size_t rl, n;
	int fd[2];
	pid_t pid;
	char c;

	if (getuid() != 0)
		T_SKIP("chroot needs root");
	snprintf(root, sizeof(root), "%s/croot", tmp);
	snprintf(prog, sizeof(prog), "%s/elf_target", progs());
	T_ASSERT(snprintf(cmd, sizeof(cmd), "mkdir -p %s/usr/lib/x86_64-linux-gnu %s/etc %s/opt %s/usr/bin && "
			  "cp %s %s/usr/lib/x86_64-linux-gnu/libfoo.so.1 && "
			  "cp %s %s/usr/lib/x86_64-linux-gnu/libfoo.so.2 && cp %s %s/usr/bin/rt-prog",
			  root, root, root, root, prog, root, prog, root, prog, root) < (int)sizeof(cmd));
	T_ASSERT(system(cmd) == 0);
	/* not candidates: a linker script, and a 32-bit library */
	snprintf(p, sizeof(p), "%s/usr/lib/x86_64-linux-gnu/libfoo.so", root);
	put_file(p, "INPUT(libfoo.so.2)\n", 19, 0644);
	n = img_build32(b, sizeof(b));
	snprintf(p, sizeof(p), "%s/usr/lib/x86_64-linux-gnu/libfoo.so.3", root);
	put_file(p, b, n, 0644);
	n = ldc_build(b, sizeof(b), 1, cache, 1);
	snprintf(p, sizeof(p), "%s/etc/ld.so.cache", root);
	put_file(p, b, n, 0644);
	snprintf(p, sizeof(p), "%s/opt/libbar.so.1", root);
	T_ASSERT(symlink("/usr/lib/x86_64-linux-gnu/libfoo.so.1", p) == 0);

	T_ASSERT(pipe(fd) == 0);
	pid = fork();
	if (pid == 0) {
		if (chroot(root) || chdir("/") || write(fd[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(fd[1]);
	T_ASSERT(pid > 0 && read(fd[0], &c, 1) == 1, "chrooted child did not start");
	close(fd[0]);

	T_EQ_INT(elf_locate("libfoo", pid, got, sizeof(got), &rl), 0);
	snprintf(want, sizeof(want), "/proc/%d/root/usr/lib/x86_64-linux-gnu/libfoo.so.2", pid);
	T_EQ_STR(got, want);
	snprintf(want, sizeof(want), "/proc/%d/root", pid);
	T_EQ_INT(rl, strlen(want));
	/* the cache's path is an absolute symlink: followed inside the root */
	T_EQ_INT(elf_locate("bar", pid, got, sizeof(got), &rl), 0);
	snprintf(want, sizeof(want), "/proc/%d/root/usr/lib/x86_64-linux-gnu/libfoo.so.1", pid);
	T_EQ_STR(got, want);
	T_EQ_INT(elf_locate("rt-prog", pid, got, sizeof(got), &rl), 0);
	snprintf(want, sizeof(want), "/proc/%d/root/usr/bin/rt-prog", pid);
	T_EQ_STR(got, want);
	T_EQ_INT(elf_locate("/usr/bin/rt-prog", pid, got, sizeof(got), &rl), 0);
	T_EQ_STR(got, want);
	T_EQ_INT(elf_locate("libnothere", pid, got, sizeof(got), &rl), -ENOENT);
	/* a chroot shares our mount namespace: what it mapped before the
	 * chroot (our libc) is named in /proc/PID/maps from our root */
	T_ASSERT(maps_find(pid, "libc.so", want, sizeof(want)));
	T_EQ_INT(elf_locate("libc", pid, got, sizeof(got), &rl), 0);
	T_EQ_STR(got, want);
	T_EQ_INT(rl, 0);
	{
		struct elf_file *f;
		struct elf_sym s;
		uint64_t off;

		T_EQ_INT(elf_open_target("libfoo", pid, &f), 0);
		T_EQ_INT(elf_func_find(f, "elf_target_fn", &s, &off), 0);
		elf_close(f);
	}
	reap(pid);
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/rawtel-loc.XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	T_RUN(test_lib_matches);
	T_RUN(test_libc_of_self);
	T_RUN(test_ldcache_vs_ldconfig);
	T_RUN(test_ldcache_crafted);
	T_RUN(test_path_lookup);
	T_RUN(test_root_path);
	T_RUN(test_pid_dynamic);
	T_RUN(test_pid_static_musl);
	T_RUN(test_pid_in_other_root);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		if (system(cmd))
			return 1;
	}
	return t_done();
}
