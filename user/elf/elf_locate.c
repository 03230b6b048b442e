/* Finding the file a user means: "libc", "libssl.so.3", "python3", a path;
 * as a given process sees it (its mappings, its mount namespace) or as the
 * dynamic linker would find it here (ld.so.cache, standard directories). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "elf_int.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/util.h"

#if defined(__x86_64__) && defined(__ILP32__)
#define ELF_NATIVE_MACHINE EM_X86_64
#define ELF_MULTIARCH "x86_64-linux-gnux32"
#elif defined(__x86_64__)
#define ELF_NATIVE_MACHINE EM_X86_64
#define ELF_MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define ELF_NATIVE_MACHINE EM_AARCH64
#define ELF_MULTIARCH "aarch64-linux-gnu"
#elif defined(__i386__)
#define ELF_NATIVE_MACHINE EM_386
#define ELF_MULTIARCH "i386-linux-gnu"
#elif defined(__arm__)
#define ELF_NATIVE_MACHINE EM_ARM
#define ELF_MULTIARCH "arm-linux-gnueabihf"
#elif defined(__riscv)
#define ELF_NATIVE_MACHINE EM_RISCV
#define ELF_MULTIARCH "riscv64-linux-gnu"
#else
#define ELF_NATIVE_MACHINE EM_NONE	/* accept any */
#define ELF_MULTIARCH "unknown"
#endif

/* "c" and "ssl" mean "libc" and "libssl". */
static int elf_lib_like(const char *name)
{
	return !strncmp(name, "lib", 3) || strstr(name, ".so");
}

int elf_lib_matches(const char *name, const char *file)
{
	char norm[256];
	size_t p = elf_lib_like(name) ? 0 : 3, n = strlen(name);

	/* not fmt_snprintf: called for every entry of every library
	 * directory and ld.so.cache (8,000 times a start-up, 9% of its
	 * instructions when it was) */
	if (p + n >= sizeof(norm))
		return 0;
	memcpy(norm, "lib", p);
	memcpy(norm + p, name, n + 1);
	n += p;
	if (!strcmp(file, norm))
		return 1;
	/* musl is one file, mapped as its dynamic linker */
	if (!strcmp(norm, "libc") && !strncmp(file, "ld-musl-", 8))
		return 1;
	if (strncmp(file, norm, n) || (file[n] != '.' && file[n] != '-'))
		return 0;
	/* "libc" names libc.so.6 and libc-2.31.so, not libc.a */
	return strstr(file + n, ".so") || strstr(norm, ".so");
}

/* A library or program for this machine (ld.so.cache also lists the
 * 32-bit ones, lib dirs may hold linker scripts named libc.so). */
static int elf_native(const char *path)
{
	struct elf_file *f;
	int ok;

	if (elf_open(path, &f))
		return 0;
	ok = f->is64 == (sizeof(void *) == 8) &&
	     (ELF_NATIVE_MACHINE == EM_NONE || f->machine == ELF_NATIVE_MACHINE);
	elf_close(f);
	return ok;
}

static int elf_copy(char *out, size_t size, const char *a, const char *b)
{
	if (fmt_snprintf(out, size, "%s%s", a, b) >= (int)size)
		return err_set(ENAMETOOLONG, "path too long: %s%s", a, b);
	return 0;
}

/* PATH as seen by a process with root ROOT, opened from here: the kernel
 * writes /proc/PID/maps and /proc/PID/exe paths relative to the reader's
 * root, which for a process in another mount namespace is its own root
 * (so ROOT + PATH) and for a chrooted one ours (so PATH). The one holding
 * inode DEV:INO wins; else MAGIC, a /proc link that always opens it. */
static int elf_pick(const char *root, const char *path, dev_t dev, ino_t ino,
		    const char *magic, char *out, size_t size)
{
	const char *cands[2] = { root, "" };
	struct stat st;

	for (int k = 0; k < (*root ? 2 : 1); k++)
		if (!elf_copy(out, size, cands[k], path) && !stat(out, &st) &&
		    st.st_dev == dev && st.st_ino == ino)
			return 0;
	return elf_copy(out, size, magic, "");
}

/* A file PID has mapped whose base name is the library NAME (LIB set) or
 * exactly NAME. */
static int elf_from_maps(int pid, const char *name, int lib, const char *root,
			 char *out, size_t size)
{
	char path[64], magic[96], *line = NULL;
	size_t cap = 0;
	int found = -ENOENT;
	FILE *fp;

	fmt_snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fp = fopen(path, "re");
	if (!fp)
		return err_set(errno, "cannot read %s: %s", path, strerror(errno));
	while (found == -ENOENT && util_getline(&line, &cap, fp) > 0) {
		char *file = strchr(line, '/'), *base, *nl;
		unsigned long start, end, ino, maj, min;
		const char *p;
		char *fl[5];

		/* "start-end perms offset major:minor inode path" */
		if (!file)
			continue;
		file[-1] = 0;
		if (util_fields(line, fl, 5) != 5 || util_ulong(fl[0], 16, '-', &start, &p) ||
		    util_ulong(p, 16, 0, &end, NULL) || util_ulong(fl[3], 16, ':', &maj, &p) ||
		    util_ulong(p, 16, 0, &min, NULL) || util_ulong(fl[4], 10, 0, &ino, NULL))
			continue;
		nl = strchr(file, '\n');
		if (nl)
			*nl = 0;
		/* replaced since it was mapped: its path is another file now */
		if (strstr(file, " (deleted)"))
			continue;
		base = strrchr(file, '/') + 1;
		if (lib ? !elf_lib_matches(name, base) : strcmp(name, base))
			continue;
		fmt_snprintf(magic, sizeof(magic), "/proc/%d/map_files/%lx-%lx", pid, start, end);
		found = elf_pick(root, file, makedev(maj, min), ino, magic, out, size);
	}
	free(line);
	fclose(fp);
	return found;
}

/* "" when PID shares our root directory, else "/proc/PID/root". */
static void elf_pid_root(int pid, char *root, size_t size)
{
	struct stat a, b;

	fmt_snprintf(root, size, "/proc/%d/root", pid);
	if (!stat(root, &a) && !stat("/", &b) && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		root[0] = 0;
}

/* A static PID has no libc mapped: its libraries are inside its
 * executable. */
static int elf_static_exe(int pid, const char *root, char *out, size_t size)
{
	char link[64], exe[PATH_MAX];
	struct elf_file *f;
	struct stat st;
	ssize_t n;
	int interp;

	fmt_snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n <= 0 || stat(link, &st))
		return -ENOENT;
	exe[n] = 0;
	if (elf_pick(root, exe, st.st_dev, st.st_ino, link, out, size) ||
	    elf_open(out, &f))
		return -ENOENT;
	interp = elf_has_interp(f);
	elf_close(f);
	return interp ? -ENOENT : 0;
}

/* strverscmp for library names (libssl.so.3 after libssl.so.1.1): runs of
 * digits compare as numbers, the rest byte by byte. musl's strverscmp is
 * 288 bytes of the static binary for this one use. */
static int ver_cmp(const char *a, const char *b)
{
	while (*a && *a == *b && !(*a >= '0' && *a <= '9'))
		a++, b++;
	if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
		size_t na = 0, nb = 0;
		int c;

		while (a[na] >= '0' && a[na] <= '9')
			na++;
		while (b[nb] >= '0' && b[nb] <= '9')
			nb++;

		while (na > 1 && *a == '0')
			a++, na--;
		while (nb > 1 && *b == '0')
			b++, nb--;
		if (na != nb)
			return na < nb ? -1 : 1;
		if ((c = strncmp(a, b, na)))
			return c;
		return ver_cmp(a + na, b + nb);
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/* The best-versioned native library matching NAME in the standard
 * directories. */
static int elf_from_dirs(const char *name, const char *root, char *out,
			 size_t size)
{
	static const char *const dirs[] = {
		"/lib/" ELF_MULTIARCH, "/usr/lib/" ELF_MULTIARCH, "/lib64",
		"/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
	};
	char dir[PATH_MAX], cand[PATH_MAX], best[NAME_MAX + 1];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct dirent *de;
		DIR *d;

		if (elf_root_path(root, dirs[i], dir, sizeof(dir)) || !(d = opendir(dir)))
			continue;
		best[0] = 0;
		while ((de = readdir(d))) {
			if (!elf_lib_matches(name, de->d_name) ||
			    (best[0] && ver_cmp(de->d_name, best) <= 0) ||
			    fmt_snprintf(cand, sizeof(cand), "%s/%s", dir, de->d_name) >= (int)sizeof(cand) ||
			    !elf_native(cand))
				continue;
			fmt_snprintf(best, sizeof(best), "%s", de->d_name);
		}
		closedir(d);
		if (best[0] && fmt_snprintf(cand, sizeof(cand), "%s/%s", dir, best) < (int)sizeof(cand))
			return elf_copy(out, size, cand, "");
	}
	return -ENOENT;
}

/* A program NAME in PATH (inside ROOT). */
static int elf_from_path(const char *name, const char *root, char *out,
			 size_t size)
{
	const char *p = getenv("PATH");
	char cand[PATH_MAX];

	if (!p || !*p)
		p = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (p) {
		const char *colon = strchr(p, ':');
		int len = colon ? (int)(colon - p) : (int)strlen(p);
		struct stat st;

		if (fmt_snprintf(cand, sizeof(cand), "%.*s/%s", len, len ? p : ".", name) < (int)sizeof(cand) &&
		    !elf_root_path(root, cand, out, size) && !stat(out, &st) &&
		    S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return 0;
		p = colon ? colon + 1 : NULL;
	}
	return -ENOENT;
}

static int elf_find(const char *target, int pid, const char *root,
		    char *path, size_t size)
{
	char cache[PATH_MAX], val[PATH_MAX];
	int lib, ret;

	if (strchr(target, '/')) {
		if (!pid || target[0] != '/')
			return elf_copy(path, size, target, "");
		return elf_root_path(root, target, path, size);
	}
	lib = elf_lib_like(target);
	if (pid) {
		ret = elf_from_maps(pid, target, lib, root, path, size);
		if (ret != -ENOENT)
			return ret;
		if (!lib && !elf_from_path(target, root, path, size))
			return 0;
		if ((lib || elf_lib_matches(target, "libc.so.6")) &&
		    !elf_static_exe(pid, root, path, size))
			return 0;
	} else if (!lib && !elf_from_path(target, "", path, size)) {
		return 0;
	}
	fmt_snprintf(cache, sizeof(cache), "%s/etc/ld.so.cache", root);
	if (!elf_ldcache_find(cache, target, val, sizeof(val)) &&
	    !elf_root_path(root, val, path, size))
		return 0;
	if (!elf_from_dirs(target, root, path, size))
		return 0;
	if (pid)
		return err_set(ENOENT, "cannot find '%s' for process %d: not mapped by it, not in its PATH, ld.so.cache or library directories; give its path",
			       target, pid);
	return err_set(ENOENT, "cannot find '%s': not in %sld.so.cache or the standard library directories; give its path",
		       target, lib ? "" : "PATH, ");
}

int elf_locate(const char *target, int pid, char *path, size_t size,
	       size_t *root_len)
{
	char root[64] = "";
	size_t rl;
	int ret;

	*root_len = 0;
	if (!target || !*target)
		return err_set(EINVAL, "no file or library named");
	if (pid < 0)
		return err_set(EINVAL, "bad process id %d", pid);
	if (pid) {
		fmt_snprintf(root, sizeof(root), "/proc/%d", pid);
		if (access(root, F_OK))
			return err_set(ESRCH, "no process %d (is it running?)", pid);
		elf_pid_root(pid, root, sizeof(root));
	}
	ret = elf_find(target, pid, root, path, size);
	/* a chrooted process's mappings are named from our root */
	rl = strlen(root);
	if (!ret && rl && !strncmp(path, root, rl) && path[rl] == '/')
		*root_len = rl;
	return ret;
}

int elf_open_target(const char *target, int pid, struct elf_file **out)
{
	char path[PATH_MAX], root[PATH_MAX];
	size_t rl;
	int ret;

	ret = elf_locate(target, pid, path, sizeof(path), &rl);
	if (!ret)
		ret = elf_open(path, out);
	if (ret)
		return ret;
	memcpy(root, path, rl);
	root[rl] = 0;
	elf_debug_attach(*out, root);
	return 0;
}
