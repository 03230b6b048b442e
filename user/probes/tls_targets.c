/* The TLS library functions the socket probes (http, postgres) attach to
 * (kern/tls.S): SSL_read, SSL_write, SSL_read_ex, SSL_write_ex,
 * SSL_write_ex2, SSL_do_handshake (and SSL_free) of OpenSSL's libssl,
 * BIO_write of its libcrypto (memory BIOs), gnutls_record_recv,
 * _send (and gnutls_deinit) of GnuTLS: in every copy the selected
 * processes map (their own, through /proc/PID/root: containers, chroots),
 * in the system's (processes that start later with it are covered: a
 * uprobe is on the file), and the executables themselves that define them
 * (OpenSSL or BoringSSL linked in statically: node), --pid's or every
 * running process's (later processes of the same file are covered too;
 * files first mapped or exec'd after rawtel started: user/probes/tls_late.c).
 * A file without
 * some is no error: the _ex forms are 1.1.1's, _ex2 3.3's. Found files
 * are skipped at attach time when gone meanwhile. */
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
#include "rawtel/tls.h"
#include "rawtel/util.h"

#define TLS_FILES_MAX 16	/* distinct files probed */
#define TLS_EXES_MAX 512	/* distinct executables looked into */

/* ret NULL: the entry alone. An end (the object's) is probed only in a
 * file with calls; BIO_write (libcrypto's, or an executable's own: the
 * memory BIOs' ciphertext, rawtel/tls.h) wherever it is */
enum { TLS_CALL, TLS_END, TLS_BIO };
static const struct {
	const char *name, *enter, *ret;
	int kind;
} tls_funcs[] = {
	{ "SSL_read", "tls_read_enter", "tls_ret", TLS_CALL },
	{ "SSL_write", "tls_write_enter", "tls_ret", TLS_CALL },
	{ "SSL_read_ex", "tls_read_ex_enter", "tls_ret", TLS_CALL },
	{ "SSL_write_ex", "tls_write_ex_enter", "tls_ret", TLS_CALL },
	{ "SSL_write_ex2", "tls_write_ex2_enter", "tls_ret", TLS_CALL },
	{ "SSL_do_handshake", "tls_hs_enter", "tls_ret", TLS_CALL },
	{ "gnutls_record_recv", "tls_grecv_enter", "tls_ret", TLS_CALL },
	{ "gnutls_record_send", "tls_gsend_enter", "tls_ret", TLS_CALL },
	{ "SSL_free", "tls_free_enter", NULL, TLS_END },
	{ "gnutls_deinit", "tls_free_enter", NULL, TLS_END },
	{ "BIO_write", "tls_bio_write", NULL, TLS_BIO },
};

/* OpenSSL 3.x and 1.1.x (with their libcrypto), GnuTLS 3.x */
static const char *const tls_sonames[] = { "libssl.so.3", "libssl.so.1.1", "libgnutls.so.30",
					   "libcrypto.so.3", "libcrypto.so.1.1" };

struct tls_walk {
	struct {
		dev_t dev;
		ino_t ino;
	} f[TLS_FILES_MAX], exe[TLS_EXES_MAX];
	int nf, nexe;
	struct uprobe_target *t;
	int n, max;
};

/* A file not seen yet (by device and inode: one file, one set of
 * probes, however many paths lead to it); false when gone or full */
static bool tls_new_file(struct tls_walk *w, const char *path)
{
	struct stat st;

	if (stat(path, &st) || w->nf == TLS_FILES_MAX)
		return false;
	for (int i = 0; i < w->nf; i++)
		if (w->f[i].dev == st.st_dev && w->f[i].ino == st.st_ino)
			return false;
	w->f[w->nf].dev = st.st_dev;
	w->f[w->nf++].ino = st.st_ino;
	return true;
}

/* The functions of one open file, those it defines (the table's order:
 * the calls, then, if there were any, the objects' ends); how many. Each
 * name is looked up in the file's name index (user/elf/elf_nidx.c, one
 * pass over its symbols to build), not searched for: a glob pass per
 * family of names (SSL_*, gnutls_*) first cost two more passes. */
static int tls_file(struct tls_walk *w, struct elf_file *f)
{
	int found = 0;

	for (size_t k = 0; k < sizeof(tls_funcs) / sizeof(tls_funcs[0]); k++) {
		struct uprobe_target *t = &w->t[w->n];
		const char *name = tls_funcs[k].name;
		struct elf_sym s;
		uint64_t off;

		if (tls_funcs[k].kind == TLS_END && !found)
			continue;
		if (elf_func_find(f, name, &s, &off))
			continue;
		if (w->n >= w->max)
			return err_set(E2BIG, "more than %d functions to probe: select processes "
				       "with --pid", w->max);
		fmt_snprintf(t->path, sizeof(t->path), "%s", elf_path(f));
		fmt_snprintf(t->func, sizeof(t->func), "%s", name);
		t->offset = off;
		t->enter = tls_funcs[k].enter;
		t->ret = tls_funcs[k].ret;
		t->found = true;
		w->n++;
		found += tls_funcs[k].kind == TLS_CALL;
	}
	return found;
}

/* Probe PATH if it is a file not seen yet; errors only for a full table */
static int tls_path(struct tls_walk *w, const char *path)
{
	struct elf_file *f;
	int r;

	if (!tls_new_file(w, path) || elf_open(path, &f))
		return 0;
	r = tls_file(w, f);
	elf_close(f);
	return r < 0 ? r : 0;
}

/* "…/libssl.so.3": OpenSSL's (not NSS's libssl3.so); "…/libgnutls.so.30";
 * "…/libcrypto.so.3" */
static bool tls_is_lib(const char *file)
{
	const char *base = strrchr(file, '/');

	return base && (!strncmp(base + 1, "libssl.so", 9) || !strncmp(base + 1, "libgnutls.so", 12) ||
			!strncmp(base + 1, "libcrypto.so", 12));
}

int utargets_tls_maps(int pid, int (*fn)(void *ctx, const char *path), void *ctx)
{
	char maps[64], *line = NULL, path[4096];
	size_t cap = 0;
	FILE *m;
	int r = 0;

	fmt_snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
	if (!(m = util_fopen_maps(maps)))
		return 0;
	while (!r && util_getline(&line, &cap, m) > 0) {
		char *file = strchr(line, '/');

		if (!file)
			continue;
		file[strcspn(file, "\n")] = 0;
		if (!tls_is_lib(file) || util_maps_repeat(file))
			continue;
		fmt_snprintf(path, sizeof(path), "/proc/%d/root%s", pid, file);
		r = fn(ctx, path);
	}
	free(line);
	fclose(m);
	return r;
}

static int tls_maps_path(void *w, const char *path)
{
	return tls_path(w, path);
}

/* The libssl copies process PID maps */
static int tls_maps(struct tls_walk *w, int pid)
{
	return utargets_tls_maps(pid, tls_maps_path, w);
}

/* Whether F defines SSL_read (one that imports it from libssl does not);
 * most executables do not even name it, and say so without a name index */
static bool tls_defines(struct elf_file *f)
{
	return !elf_name_absent(f, "SSL_read") &&
	       !elf_func_find(f, "SSL_read", &(struct elf_sym){ 0 }, &(uint64_t){ 0 });
}

/* Process PID's executable when it defines the functions itself; each
 * file looked into once (most define none: only those that do take a
 * place among the probed files) */
static int tls_exe(struct tls_walk *w, int pid)
{
	char exe[64];
	struct stat st;
	struct elf_file *f;
	int r;

	fmt_snprintf(exe, sizeof(exe), "/proc/%d/exe", pid);
	if (stat(exe, &st) || !S_ISREG(st.st_mode))
		return 0;
	for (int i = 0; i < w->nexe; i++)
		if (w->exe[i].dev == st.st_dev && w->exe[i].ino == st.st_ino)
			return 0;
	if (w->nexe < TLS_EXES_MAX) {
		w->exe[w->nexe].dev = st.st_dev;
		w->exe[w->nexe++].ino = st.st_ino;
	}
	/* no room for all its functions: left out, not an error (the
	 * libraries keep the room they need) */
	if (w->n + (int)(sizeof(tls_funcs) / sizeof(tls_funcs[0])) > w->max / 2 || elf_open(exe, &f))
		return 0;
	r = 0;
	if (tls_defines(f) && tls_new_file(w, exe))
		r = tls_file(w, f);
	elf_close(f);
	return r < 0 ? r : 0;
}

/* Every process's libssl copies and executables with the functions */
static int tls_running(struct tls_walk *w)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int r = 0;

	if (!d)
		return 0;
	while (!r && (de = readdir(d)) && w->nf < TLS_FILES_MAX) {
		int pid = atoi(de->d_name);

		if (pid > 0 && !(r = tls_maps(w, pid)))
			r = tls_exe(w, pid);
	}
	closedir(d);
	return r;
}

int utargets_tls(const struct session_opts *o, struct uprobe_target *t, int max)
{
	struct tls_walk w = { .t = t, .max = max };
	char exe[64];
	int r;

	if (o->no_tls)
		return 0;
#if UINTPTR_MAX == 0xffffffffu
	/* uprobes on a 32-bit kernel: see session_opts_check */
	fmt_fprintf(stderr, "rawtel: not seen on 32-bit ARM kernels: the plaintext of TLS "
		"connections (HTTPS): uprobes there are not supported\n");
	return 0;
#endif
	if (o->pid) {
		fmt_snprintf(exe, sizeof(exe), "/proc/%u/exe", o->pid);
		if ((r = tls_maps(&w, (int)o->pid)) || (r = tls_path(&w, exe)))
			return r;
	} else if ((r = tls_running(&w))) {
		return r;
	}
	/* the system's (as the process sees it), for processes yet to start
	 * or to exec: a --pid shell that runs curl, say */
	for (size_t k = 0; k < sizeof(tls_sonames) / sizeof(tls_sonames[0]); k++) {
		char sys[UTARGET_PATH_MAX];
		size_t root_len;

		if (elf_locate(tls_sonames[k], (int)o->pid, sys, sizeof(sys), &root_len) == 0 &&
		    (r = tls_path(&w, sys)))
			return r;
	}
	return w.n;
}

int utargets_tls_one(const char *path, bool exe, struct uprobe_target *t, int max)
{
	struct tls_walk *w = calloc(1, sizeof(*w));
	struct elf_file *f;
	int r = 0;

	if (!w)
		return -ENOMEM;
	w->t = t;
	w->max = max;
	if (!elf_open(path, &f)) {
		if (!exe || tls_defines(f))
			r = tls_file(w, f);
		elf_close(f);
	}
	r = r < 0 ? r : w->n;
	free(w);
	return r;
}

/* One file's targets are consecutive (tls_file); a file is attached when
 * any of its functions is */
void utargets_tls_libs(const struct uprobe_target *t, int n, unsigned *attached, unsigned *failed)
{
	*attached = *failed = 0;
	for (int i = 0; i < n; i++) {
		bool any = false;
		int k = i;

		if (strncmp(t[i].enter, "tls_", 4))
			continue;
		for (; k < n && !strcmp(t[k].path, t[i].path); k++)
			any |= t[k].attached;
		*(any ? attached : failed) += 1;
		i = k - 1;
	}
}
