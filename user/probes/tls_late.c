/* TLS functions in files first seen after rawtel started (see
 * rawtel/tls_late.h). A uprobe is on a file (an inode): once a file is
 * probed, every process that maps it later is covered, so what is left is
 * files never seen. kern/tls.S (tls_exec) sends a bare record when a
 * selected process execs; for each:
 *   - its executable, if not looked into before (by device and inode): its
 *     TLS functions when it defines them itself (node, programs linked
 *     statically against OpenSSL or BoringSSL);
 *   - with that executable, the TLS libraries it maps SETTLE_NS after the
 *     exec, when new (the record wakes the reader at once, before the
 *     dynamic loader has mapped the linked ones: a read of the ring that
 *     late, or the timer's, looks);
 *   - once more at its first socket record (a connection learned): a
 *     libssl dlopen'd after start-up (Python's ssl module) is mapped by
 *     then. Kept for the last PEND_MAX exec'd processes.
 * Bounded per exec: a stat, at most two reads of the process's maps (one
 * for a known executable), an ELF file opened only for a device and inode
 * not seen before, and at most FILES_MAX files probed in all (a line on
 * stderr for each). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rawtel/attach.h"
#include "rawtel/err.h"
#include "rawtel/events.h"
#include "rawtel/fmt.h"
#include "rawtel/probes.h"
#include "rawtel/session.h"
#include "rawtel/tls_late.h"

#define FILES_MAX 16		/* files probed after start */
#define SEEN_MAX (UTARGETS_MAX + FILES_MAX)	/* probed files, start's too */
#define EXES_MAX 256		/* executables looked into (the oldest forgotten) */
#define PEND_MAX 64		/* exec'd processes waiting for their first socket */
#define FUNCS_MAX 12		/* TLS functions of one file (tls_targets.c has 11) */
#define SETTLE_NS 2000000ULL	/* exec to the loader's libraries mapped */

struct file_id {
	dev_t dev;
	ino_t ino;
};

struct tls_late {
	struct file_id seen[SEEN_MAX], exes[EXES_MAX];
	int n_seen, n_exes, exe_next;
	struct {
		uint32_t pid;	/* 0: free */
		uint64_t settle;	/* exec time (event clock) of a new
					 * executable's, its maps not read yet */
	} pend[PEND_MAX];
	int pend_next;
	struct uprobe_target t[FUNCS_MAX];
	struct attach att[FILES_MAX * 2 * FUNCS_MAX];
	int n_att, n_files;
	unsigned attached, failed, full;
};

static bool id_in(const struct file_id *ids, int n, const struct stat *st)
{
	for (int i = 0; i < n; i++)
		if (ids[i].dev == st->st_dev && ids[i].ino == st->st_ino)
			return true;
	return false;
}

static void seen_add(struct tls_late *l, const struct stat *st)
{
	if (l->n_seen < SEEN_MAX)
		l->seen[l->n_seen++] = (struct file_id){ st->st_dev, st->st_ino };
}

int tls_late_open(struct session *s)
{
	struct tls_late *l = calloc(1, sizeof(*l));
	struct stat st;

	if (!l)
		return -ENOMEM;
	/* the files probed at start, stat'ed while their paths (through a
	 * running process's root) still lead to them */
	for (int i = 0; i < s->n_targets; i++)
		if (!strncmp(s->targets[i].enter, "tls_", 4) && !stat(s->targets[i].path, &st) &&
		    !id_in(l->seen, l->n_seen, &st))
			seen_add(l, &st);
	s->tls_late = l;
	return 0;
}

/* Targets T[0..N) of one file left out: its attachments ATT[FIRST..*END)
 * closed, none counted attached, and a line with T[I]'s error (R) unless
 * its file or process is gone */
static void file_off(struct attach *att, int first, int *end, struct uprobe_target *t, int n,
		     int i, int r)
{
	while (*end > first)
		attach_close(&att[--*end]);
	while (n--)
		t[n].attached = false;
	if (r != -ENOENT && r != -ESRCH)
		fmt_fprintf(stderr, "rawtel: TLS library not probed: %s: %s\n", t[i].func, err_msg());
	err_clear();
}

int tls_file_left_out(struct session *s, int i, int r)
{
	struct uprobe_target *t = s->targets;
	int f = i, e = i + 1, first = s->n_att;

	/* the file's targets are consecutive (tls_targets.c), those before
	 * I each on with its return probe (if any): the last in s->att */
	while (f > 0 && !strcmp(t[f - 1].path, t[i].path))
		first -= !t[--f].attached ? 0 : t[f].ret ? 2 : 1;
	while (e < s->n_targets && !strcmp(t[e].path, t[i].path))
		e++;
	file_off(s->att, first, &s->n_att, t + f, e - f, i - f, r);
	return e - 1;
}

/* Attach the N functions found in one file: all of them, or none */
static bool late_attach(struct session *s, int n)
{
	struct tls_late *l = s->tls_late;
	int first = l->n_att, r = 0, i;

	for (i = 0; !r && i < n && l->n_att + 2 <= (int)(sizeof(l->att) / sizeof(l->att[0])); i++)
		r = session_attach_target(s, &l->t[i], 0, l->att, &l->n_att);
	if (r)
		file_off(l->att, first, &l->n_att, l->t, n, i - 1, r);
	return l->n_att > first;
}

/* PATH's TLS functions (EXE: only if it defines them itself), when it is
 * a file not probed yet */
static int late_file(void *ctx, const char *path, bool exe)
{
	struct session *s = ctx;
	struct tls_late *l = s->tls_late;
	struct stat st;
	char shown[256];
	ssize_t k;
	int n;

	if (stat(path, &st) || id_in(l->seen, l->n_seen, &st))
		return 0;
	if (l->n_files == FILES_MAX) {
		if (!l->full++)
			fmt_fprintf(stderr, "rawtel: more than %d TLS files first seen after start: "
				    "%s and later ones not probed\n", FILES_MAX, path);
		seen_add(l, &st);
		l->failed++;
		return 0;
	}
	/* a library without the functions is not opened again */
	n = utargets_tls_one(path, exe, l->t, FUNCS_MAX);
	if (n > 0 || !exe)
		seen_add(l, &st);
	if (n <= 0)
		return 0;
	l->n_files++;
	if (!late_attach(s, n)) {
		l->failed++;
		return 0;
	}
	l->attached++;
	/* an executable by its name, not /proc/PID/exe */
	k = exe ? readlink(path, shown, sizeof(shown) - 1) : -1;
	if (k < 0)
		fmt_snprintf(shown, sizeof(shown), "%s", path);
	else
		shown[k] = 0;
	fmt_fprintf(stderr, "rawtel: TLS functions probed in %s (first seen after start)\n", shown);
	return 0;
}

static int late_lib(void *ctx, const char *path)
{
	return late_file(ctx, path, false);
}

/* A selected process exec'd at TS */
static void late_exec(struct session *s, uint32_t pid, uint64_t ts)
{
	struct tls_late *l = s->tls_late;
	char exe[64];
	struct stat st;

	fmt_snprintf(exe, sizeof(exe), "/proc/%u/exe", pid);
	l->pend[l->pend_next].pid = pid;
	l->pend[l->pend_next].settle = 0;
	/* a program run before maps the same libraries: its maps are read
	 * at its first connection only (an exec storm of known programs
	 * costs a stat each) */
	if (!stat(exe, &st) && S_ISREG(st.st_mode) && !id_in(l->exes, l->n_exes, &st)) {
		l->exes[l->exe_next] = (struct file_id){ st.st_dev, st.st_ino };
		l->exe_next = (l->exe_next + 1) % EXES_MAX;
		l->n_exes += l->n_exes < EXES_MAX;
		late_file(s, exe, true);
		l->pend[l->pend_next].settle = ts ? ts : 1;
	}
	l->pend_next = (l->pend_next + 1) % PEND_MAX;
}

bool tls_late_record(struct session *s, const void *rec, size_t len)
{
	const struct ev_hdr *h = rec;
	struct tls_late *l = s->tls_late;

	if (len < EV_HDR_SIZE)
		return false;
	/* after session_detach: what is left in the ring, probed no more */
	if (h->type == EV_TLS_EXEC) {
		if (!s->detached)
			late_exec(s, h->pid, h->ts);
		return true;
	}
	if (h->type != EV_SOCK || !h->pid || s->detached)
		return false;
	for (int i = 0; i < PEND_MAX; i++)
		if (l->pend[i].pid == h->pid) {
			l->pend[i].pid = 0;
			l->pend[i].settle = 0;
			utargets_tls_maps((int)h->pid, late_lib, s);
		}
	return false;
}

void tls_late_tick(struct session *s, uint64_t now)
{
	struct tls_late *l = s->tls_late;

	for (int i = 0; l && !s->detached && i < PEND_MAX; i++)
		if (l->pend[i].settle && now - l->pend[i].settle >= SETTLE_NS) {
			l->pend[i].settle = 0;
			utargets_tls_maps((int)l->pend[i].pid, late_lib, s);
		}
}

void tls_late_detach(struct session *s)
{
	struct tls_late *l = s->tls_late;

	for (int i = 0; l && i < l->n_att; i++)
		attach_close(&l->att[i]);
	if (l)
		l->n_att = 0;
}

void tls_late_free(struct session *s)
{
	tls_late_detach(s);
	free(s->tls_late);
	s->tls_late = NULL;
}

void tls_late_libs(const struct session *s, unsigned *attached, unsigned *failed)
{
	utargets_tls_libs(s->targets, s->n_targets, attached, failed);
	if (s->tls_late) {
		*attached += s->tls_late->attached;
		*failed += s->tls_late->failed;
	}
}
