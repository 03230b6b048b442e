/* The functions uprobe probes attach to, found with rawtel's own ELF
 * resolver: `uprobe` from the user's BINARY:SYMBOL[,SYMBOL...] (globs
 * allowed), `dns` from the C libraries processes actually use. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rawtel/elf.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/probes.h"
#include "rawtel/session.h"
#include "rawtel/util.h"

#define UPROBE_GLOB_MAX 64	/* functions one pattern may attach to */

static int add(struct uprobe_target *t, int n, int max, const struct elf_file *f,
	       const char *func, size_t func_len, uint64_t off, const char *enter, const char *ret)
{
	if (n >= max)
		return err_set(E2BIG, "more than %d functions to probe: narrow the patterns", max);
	t[n].found = false;
	fmt_snprintf(t[n].path, sizeof(t[n].path), "%s", elf_path(f));
	fmt_snprintf(t[n].func, sizeof(t[n].func), "%.*s", (int)func_len, func);
	t[n].offset = off;
	t[n].enter = enter;
	t[n].ret = ret;
	return n + 1;
}

/* ---- uprobe BINARY:SYMBOL[,SYMBOL...] -------------------------------------- */
struct glob_ctx {
	struct elf_file *f;
	struct uprobe_target *t;
	int n, max, matched;
	int err;
};

static int on_match(const struct elf_sym *s, void *arg)
{
	struct glob_ctx *c = arg;
	char name[256];
	uint64_t off;

	/* functions defined here; duplicates by address are one function */
	if (!s->shndx || (s->type != ELF_SYM_FUNC && s->type != ELF_SYM_IFUNC) || !s->value ||
	    s->name_len >= sizeof(name))
		return 0;
	if (elf_addr_offset(c->f, s->value, &off))
		return 0;
	for (int i = 0; i < c->n; i++)
		if (c->t[i].offset == off && !strcmp(c->t[i].path, elf_path(c->f)))
			return 0;
	if (++c->matched > UPROBE_GLOB_MAX) {
		c->err = err_set(E2BIG, "the pattern matches more than %d functions: narrow it",
				 UPROBE_GLOB_MAX);
		return -1;
	}
	c->n = add(c->t, c->n, c->max, c->f, s->name, s->name_len, off, "up_enter", "up_return");
	if (c->n < 0) {
		c->err = c->n;
		return -1;
	}
	return 0;
}

int utargets_uprobe(const struct session_opts *o, struct uprobe_target *t, int max)
{
	char spec[sizeof(o->uprobe_spec)], *colon, *save = NULL;
	struct elf_file *f;
	int n = 0, r;

	fmt_snprintf(spec, sizeof(spec), "%s", o->uprobe_spec);
	colon = strrchr(spec, ':');
	if (!spec[0] || !colon || colon == spec || !colon[1])
		return err_set(EINVAL, "uprobe needs BINARY:SYMBOL[,SYMBOL...] (e.g. libc:malloc, "
			       "/usr/bin/python3:PyEval_*): got '%s'", spec);
	*colon = 0;
	r = elf_open_target(spec, (int)o->pid, &f);
	if (r)
		return r;
	/* strsep, not strtok_r: a smaller static binary */
	save = colon + 1;
	for (char *sym; (sym = strsep(&save, ","));) {
		uint64_t off;
		struct elf_sym s;

		if (!*sym)
			continue;

		if (strpbrk(sym, "*?[")) {
			struct glob_ctx c = { f, t, n, max, 0, 0 };
			elf_sym_match(f, sym, on_match, &c);
			if (c.err) {
				elf_close(f);
				return err_wrap(c.err, "%s in %s", sym, spec);
			}
			if (!c.matched) {
				elf_close(f);
				return err_set(ENOENT, "no function in %s matches '%s' (rawtel sym %s lists "
					       "them)", spec, sym, spec);
			}
			n = c.n;
			continue;
		}
		r = elf_func_find(f, sym, &s, &off);
		if (r) {
			elf_close(f);
			return err_wrap(r, "%s", spec);
		}
		n = add(t, n, max, f, sym, strlen(sym), off, "up_enter", "up_return");
		if (n < 0) {
			elf_close(f);
			return n;
		}
	}
	elf_close(f);
	return n;
}

/* ---- dns: the resolver functions of every libc in use ---------------------- */
static const struct {
	const char *name, *enter;
} dns_funcs[] = {
	{ "getaddrinfo", "dns_gai_enter" },
	{ "gethostbyname", "dns_ghbn_enter" },
	{ "gethostbyname2", "dns_ghbn2_enter" },
};

/* Files already taken, by device and inode: one file is one set of
 * probes however many paths lead to it. */
struct dns_seen {
	struct {
		dev_t dev;
		ino_t ino;
	} f[16];
	int n;
};

static bool seen_before(struct dns_seen *sn, const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return true;	/* gone meanwhile: nothing to probe */
	for (int i = 0; i < sn->n; i++)
		if (sn->f[i].dev == st.st_dev && sn->f[i].ino == st.st_ino)
			return true;
	if (sn->n == 16)
		return false;	/* too many to remember: probe it all the same */
	sn->f[sn->n].dev = st.st_dev;
	sn->f[sn->n++].ino = st.st_ino;
	return false;
}

/* Attach to the resolver functions of one file; how many were found (0
 * when none, or when the file was already taken). */
static int dns_file(struct dns_seen *sn, struct elf_file *f, struct uprobe_target *t,
		    int *n, int max)
{
	int found = 0;

	if (seen_before(sn, elf_path(f)))
		return 1;
	for (size_t k = 0; k < sizeof(dns_funcs) / sizeof(dns_funcs[0]); k++) {
		struct elf_sym s;
		uint64_t off;
		int r;

		if (elf_func_find(f, dns_funcs[k].name, &s, &off))
			continue;
		r = add(t, *n, max, f, dns_funcs[k].name, strlen(dns_funcs[k].name), off,
			dns_funcs[k].enter, "dns_return");
		if (r < 0)
			return r;
		*n = r;
		found++;
	}
	return found;
}

/* The C libraries running processes map (their own, through
 * /proc/PID/root: containers and chroots). */
static void dns_running(struct dns_seen *sn, struct uprobe_target *t, int *n, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) && sn->n < 16) {
		char maps[64], *line = NULL, path[4096];
		size_t cap = 0;
		int pid = atoi(de->d_name);
		FILE *m;

		if (pid <= 0)
			continue;
		fmt_snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
		if (!(m = util_fopen_maps(maps)))
			continue;
		while (util_getline(&line, &cap, m) > 0) {
			char *file = strchr(line, '/'), *base;
			struct elf_file *f;

			if (!file)
				continue;
			file[strcspn(file, "\n")] = 0;
			base = strrchr(file, '/') + 1;
			if ((strncmp(base, "libc.", 5) && strncmp(base, "libc-", 5) &&
			     strncmp(base, "ld-musl", 7)) || util_maps_repeat(file))
				continue;
			fmt_snprintf(path, sizeof(path), "/proc/%d/root%s", pid, file);
			/* seen_before would also stop it, but without opening */
			struct stat st;
			bool dup = stat(path, &st) != 0;
			for (int i = 0; !dup && i < sn->n; i++)
				dup = sn->f[i].dev == st.st_dev && sn->f[i].ino == st.st_ino;
			if (!dup && elf_open(path, &f) == 0) {
				int before = *n;
				dns_file(sn, f, t, n, max);
				for (int i = before; i < *n; i++)
					t[i].found = true;
				elf_close(f);
			}
		}
		free(line);
		fclose(m);
	}
	closedir(d);
}

int utargets_dns(const struct session_opts *o, struct uprobe_target *t, int max)
{
	struct dns_seen sn = { .n = 0 };
	struct elf_file *f;
	int n = 0, r;

	/* what was asked for first, so nothing displaces it */
	for (int i = 0; i < o->n_binaries; i++) {
		if ((r = elf_open_target(o->binaries[i], (int)o->pid, &f)))
			return err_wrap(r, "dns --binary %s", o->binaries[i]);
		r = dns_file(&sn, f, t, &n, max);
		elf_close(f);
		if (r < 0)
			return r;
		if (r == 0)
			return err_set(ENOENT, "%s has no getaddrinfo, gethostbyname or gethostbyname2 "
				       "(is it statically linked with a libc?)", o->binaries[i]);
	}
	/* the libc of the process asked for, or the system's */
	r = elf_open_target("libc", (int)o->pid, &f);
	if (r == 0) {
		r = dns_file(&sn, f, t, &n, max);
		elf_close(f);
		if (r < 0)
			return r;
	} else if (!o->n_binaries) {
		return err_wrap(r, "dns: cannot find the C library (statically linked programs: "
				"--binary PATH)");
	}
	if (!o->pid)
		dns_running(&sn, t, &n, max);
	if (!n)
		return err_set(ENOENT, "dns: no getaddrinfo or gethostbyname in any C library found");
	return n;
}

const char *probe_eai_name(int rc)
{
	static const char *const names[] = {
		[1] = "EAI_BADFLAGS", [2] = "EAI_NONAME", [3] = "EAI_AGAIN", [4] = "EAI_FAIL",
		[5] = "EAI_NODATA", [6] = "EAI_FAMILY", [7] = "EAI_SOCKTYPE", [8] = "EAI_SERVICE",
		[9] = "EAI_ADDRFAMILY", [10] = "EAI_MEMORY", [11] = "EAI_SYSTEM",
		[12] = "EAI_OVERFLOW",
	};

	if (rc == 0)
		return "0";
	if (rc < 0 && -rc < (int)(sizeof(names) / sizeof(names[0])) && names[-rc])
		return names[-rc];
	return "EAI_?";
}
