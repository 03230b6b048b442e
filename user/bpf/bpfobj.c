/* Assembling, creating maps and loading programs for a set of kern/ units. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "rawtel/arch.h"
#include "rawtel/bpf.h"
#include "rawtel/bpfobj.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/kern.h"
#include "rawtel/phase.h"
#include "rawtel/tracefs.h"
#include "rawtel/util.h"
#include "vlog.h"

void bpf_obj_init(struct bpf_obj *o)
{
	memset(o, 0, sizeof(*o));
}

int bpf_obj_set_const(struct bpf_obj *o, const char *name, int64_t value)
{
	for (uint32_t i = 0; i < o->n_consts; i++) {
		if (!strcmp(o->consts[i].name, name)) {
			o->consts[i].value = value;
			return 0;
		}
	}
	if (o->n_consts == BPF_OBJ_MAX_CONSTS || strlen(name) >= ASM_NAME_MAX)
		return err_set(ENOSPC, "too many load-time constants (at %s)", name);
	fmt_snprintf(o->consts[o->n_consts].name, ASM_NAME_MAX, "%s", name);
	o->consts[o->n_consts++].value = value;
	return 0;
}

static int obj_const(void *ctx, const char *name, int64_t *val)
{
	const struct bpf_obj *o = ctx;

	for (uint32_t i = 0; i < o->n_consts; i++) {
		if (!strcmp(o->consts[i].name, name)) {
			*val = o->consts[i].value;
			return 0;
		}
	}
	/* the target's register offsets ($pt_*): never set per session */
	return arch_const(name, val);
}

static int same_map(const struct asm_map *a, const struct asm_map *b)
{
	return a->type == b->type && a->key_size == b->key_size &&
	       a->value_size == b->value_size && a->max_entries == b->max_entries &&
	       a->flags == b->flags;
}

static const struct bpf_obj_map *bpf_obj_map(const struct bpf_obj *o, const char *name)
{
	for (uint32_t i = 0; i < o->n_maps; i++)
		if (!strcmp(o->maps[i].def.name, name))
			return &o->maps[i];
	return NULL;
}

/* Register the unit's maps in the shared namespace. */
static int merge_maps(struct bpf_obj *o, const struct bpf_obj_unit *un)
{
	for (uint32_t i = 0; i < un->u.n_maps; i++) {
		const struct asm_map *m = &un->u.maps[i];
		const struct bpf_obj_map *have = bpf_obj_map(o, m->name);

		if (have) {
			if (!same_map(&have->def, m))
				return err_set(EINVAL, "map '%s' is declared differently in kern/%s.S "
					       "and kern/%s.S", m->name, have->unit, un->name);
			continue;
		}
		struct bpf_obj_map *nm = realloc(o->maps, (o->n_maps + 1) * sizeof(*nm));
		if (!nm)
			return -ENOMEM;
		o->maps = nm;
		nm[o->n_maps].def = *m;
		fmt_snprintf(nm[o->n_maps].unit, sizeof(nm->unit), "%s", un->name);
		nm[o->n_maps].fd = -1;
		o->n_maps++;
	}
	return 0;
}

/* Assemble one unit against the running kernel's tracepoint formats. */
static int bpf_obj_add(struct bpf_obj *o, const char *name, const char *text, size_t len)
{
	struct asm_resolver res = { tracefs_asm_field, obj_const, o };
	struct bpf_obj_unit *un;
	struct asm_error ae;
	int r;

	for (uint32_t i = 0; i < o->n_units; i++)
		if (!strcmp(o->units[i].name, name))
			return 0;	/* already added */
	un = realloc(o->units, (o->n_units + 1) * sizeof(*un));
	if (!un)
		return -ENOMEM;
	o->units = un;
	un = &o->units[o->n_units];
	memset(un, 0, sizeof(*un));
	fmt_snprintf(un->name, sizeof(un->name), "%s", name);
	un->text = text;
	un->len = len;
	r = asm_assemble(text, len, name, &res, &un->u, &ae);
	if (r) {
		char msg[900];
		asm_error_format(&ae, msg, sizeof(msg));
		return err_set(-r, "%s", msg);
	}
	o->n_units++;
	r = merge_maps(o, un);
	if (r)
		return r;
	for (uint32_t i = 0; i < un->u.n_progs; i++) {
		const struct asm_prog *p = &un->u.progs[i];
		struct bpf_obj_prog *np;

		if (bpf_obj_prog(o, p->name))
			return err_set(EINVAL, "program '%s' is defined twice (kern/%s.S)", p->name, name);
		np = realloc(o->progs, (o->n_progs + 1) * sizeof(*np));
		if (!np)
			return -ENOMEM;
		o->progs = np;
		fmt_snprintf(np[o->n_progs].name, sizeof(np->name), "%s", p->name);
		/* points into the unit's heap arrays, which never move */
		np[o->n_progs].def = p;
		np[o->n_progs].unit = o->n_units - 1;
		np[o->n_progs].fd = -1;
		np[o->n_progs].same = 0;
		o->n_progs++;
	}
	return 0;
}

int bpf_obj_add_kern(struct bpf_obj *o, const char *name)
{
	size_t len;
	const char *text = kern_find(name, &len);

	if (!text)
		return err_set(ENOENT, "no kern/%s.S in this build", name);
	return bpf_obj_add(o, name, text, len);
}

static int create_maps(struct bpf_obj *o)
{
	for (uint32_t i = 0; i < o->n_maps; i++) {
		struct bpf_obj_map *m = &o->maps[i];
		int fd = bpf_map_create(m->def.type, m->def.key_size, m->def.value_size,
					m->def.max_entries, m->def.flags, m->def.name);
		if (fd < 0)
			return err_set(-fd, "cannot create map '%s' (kern/%s.S, type %u, %u entries): %s%s",
				       m->def.name, m->unit, m->def.type, m->def.max_entries,
				       strerror(-fd), fd == -EPERM ?
				       " (needs root, or CAP_BPF; on kernels before 5.11 also a higher "
				       "RLIMIT_MEMLOCK)" : fd == -EINVAL ?
				       " (this kernel may not support that map type)" : "");
		m->fd = fd;
	}
	return 0;
}

/* Patch a copy of the program's instructions with this run's map fds. */
static int prog_insns(const struct bpf_obj *o, const struct bpf_obj_unit *un,
		      const struct asm_prog *p, struct rt_bpf_insn **out)
{
	struct rt_bpf_insn *in = malloc((p->count ? p->count : 1) * sizeof(*in));

	if (!in)
		return -ENOMEM;
	memcpy(in, un->u.insns + p->start, p->count * sizeof(*in));
	for (uint32_t i = 0; i < un->u.n_relocs; i++) {
		const struct asm_reloc *rl = &un->u.relocs[i];
		if (rl->insn < p->start || rl->insn >= p->start + p->count)
			continue;
		int fd = bpf_obj_map_fd(o, un->u.maps[rl->map].name);
		in[rl->insn - p->start].imm = fd;
		in[rl->insn - p->start].src_reg = RT_BPF_PSEUDO_MAP_FD;
	}
	*out = in;
	return 0;
}

/* RAWTEL_DEBUG_STARTUP: a load over a millisecond is named, with the
 * verifier's statistics (log level 4: how many instructions and states it
 * walked), which is where start-up time goes */
static int load_timed(const struct asm_prog *p, const struct rt_bpf_insn *in, const char *lic)
{
	unsigned long long t0 = phase_now_ns(), dt;
	char st[512] = "";
	const char *s;
	int fd = bpf_prog_load(p->prog_type, in, p->count, lic, p->name, 4, st, sizeof(st));

	dt = phase_now_ns() - t0;
	if (fd < 0 && fd != -EPERM)
		/* the stats did not fit, or a rejection: the plain load decides */
		fd = bpf_prog_load(p->prog_type, in, p->count, lic, p->name, 0, NULL, 0);
	if (fd >= 0 && dt > 1000000 && (s = strstr(st, "processed")))
		phase_mark("loaded %s: %u insns in %.2f ms, %.*s", p->name, p->count,
			   (double)dt / 1e6, (int)strcspn(s, "\n"), s);
	else if (fd >= 0 && dt > 1000000)
		phase_mark("loaded %s: %u insns in %.2f ms", p->name, p->count, (double)dt / 1e6);
	return fd;
}

/* A program of the same unit loaded before this one with the same type
 * and instructions (map fds patched in): a unit gives tracepoints of one
 * format the same code (execve's and execveat's exits), and each load
 * costs a verifier run. Returns its index + 1, or 0. */
static uint32_t prog_twin(const struct bpf_obj *o, uint32_t i, const struct rt_bpf_insn *in)
{
	const struct bpf_obj_prog *bp = &o->progs[i];

	for (uint32_t k = 0; k < i; k++) {
		const struct bpf_obj_prog *q = &o->progs[k];
		struct rt_bpf_insn *qin;
		bool same;

		if (q->unit != bp->unit || q->same || q->def->count != bp->def->count ||
		    q->def->prog_type != bp->def->prog_type ||
		    prog_insns(o, &o->units[q->unit], q->def, &qin))
			continue;
		same = !memcmp(qin, in, bp->def->count * sizeof(*in));
		free(qin);
		if (same)
			return k + 1;
	}
	return 0;
}

static int load_prog(struct bpf_obj *o, uint32_t i)
{
	struct bpf_obj_prog *bp = &o->progs[i];
	const struct bpf_obj_unit *un = &o->units[bp->unit];
	const struct asm_prog *p = bp->def;
	struct rt_bpf_insn *in;
	const char *lic = un->u.license[0] ? un->u.license : "GPL";
	int fd, r;

	r = prog_insns(o, un, p, &in);
	if (r)
		return r;
	if ((bp->same = prog_twin(o, i, in))) {
		free(in);
		bp->fd = o->progs[bp->same - 1].fd;	/* closed once, there */
		return 0;
	}
	fd = phase_on() ? load_timed(p, in, lic)
			: bpf_prog_load(p->prog_type, in, p->count, lic, p->name, 0, NULL, 0);
	if (fd >= 0) {
		bp->fd = fd;
		free(in);
		return 0;
	}
	/* EPERM is privileges; EACCES is what the verifier says for most
	 * rejections, explained below with its log */
	if (fd == -EPERM) {
		free(in);
		return err_set(-fd, "cannot load BPF program '%s': %s (needs root, or CAP_BPF and "
			       "CAP_PERFMON)", p->name, strerror(-fd));
	}
	/* Rejected: load again with the verifier's log to say why, and where */
	r = vlog_load_explain(un, p, in, lic, fd);
	free(in);
	if (r >= 0) {
		bp->fd = r;
		return 0;
	}
	return r;
}

int bpf_obj_load(struct bpf_obj *o)
{
	struct rlimit inf = { RLIM_INFINITY, RLIM_INFINITY };
	int r;

	/* kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK */
	util_setrlimit(RLIMIT_MEMLOCK, &inf);
	r = create_maps(o);
	if (r)
		return r;
	phase_mark("%u maps created", o->n_maps);
	for (uint32_t i = 0; i < o->n_progs; i++) {
		r = load_prog(o, i);
		if (r)
			return r;
	}
	return 0;
}

int bpf_obj_map_fd(const struct bpf_obj *o, const char *name)
{
	const struct bpf_obj_map *m = bpf_obj_map(o, name);

	return m ? m->fd : -ENOENT;
}

const struct bpf_obj_prog *bpf_obj_prog(const struct bpf_obj *o, const char *name)
{
	for (uint32_t i = 0; i < o->n_progs; i++)
		if (!strcmp(o->progs[i].name, name))
			return &o->progs[i];
	return NULL;
}

void bpf_obj_close(struct bpf_obj *o)
{
	for (uint32_t i = 0; i < o->n_progs; i++)
		if (o->progs[i].fd >= 0 && !o->progs[i].same)
			close(o->progs[i].fd);
	for (uint32_t i = 0; i < o->n_maps; i++)
		if (o->maps[i].fd >= 0)
			close(o->maps[i].fd);
	for (uint32_t i = 0; i < o->n_units; i++)
		asm_unit_free(&o->units[i].u);
	free(o->units);
	free(o->maps);
	free(o->progs);
	memset(o, 0, sizeof(*o));
}

int bpf_obj_percpu_sum(int map_fd, uint32_t key, uint64_t *sum)
{
	int n = bpf_num_possible_cpus(), r;
	uint64_t *vals = calloc((size_t)n, sizeof(*vals));

	if (!vals)
		return -ENOMEM;
	r = bpf_map_lookup(map_fd, &key, vals);
	*sum = 0;
	if (r == 0)
		for (int i = 0; i < n; i++)
			*sum += vals[i];
	free(vals);
	return r;
}
