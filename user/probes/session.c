/* Tracing sessions: load, attach, read, release (see session.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rawtel/bpf.h"
#include "rawtel/err.h"
#include "rawtel/events.h"
#include "rawtel/feature.h"
#include "rawtel/fmt.h"
#include "rawtel/probes.h"
#include "rawtel/phase.h"
#include "rawtel/proctab.h"
#include "rawtel/session.h"
#include "rawtel/sockcap.h"
#include "rawtel/tls_late.h"
#include "rawtel/tracefs.h"
#include "rawtel/util.h"

void session_opts_init(struct session_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->ring_size = 256 << 10;
	o->perf_pages = 0;	/* session_perf_pages() */
	o->capture = DATA_CAP_DEFAULT;
}

static bool has_http(const struct session_opts *o)
{
	for (int i = 0; i < o->n_probes; i++)
		if (o->probes[i]->ev_type == EV_SOCK)
			return true;
	return false;
}

/* Per-CPU perf buffer pages: what the user asked for, else 64 KB per CPU,
 * or 256 KB with http capture, whose payload records fill 64 KB in a few
 * milliseconds under load (nginx at 50k requests/s lost 5% of them). In
 * pages of this kernel (4, 16 or 64 KB: arm64 kernels have all three),
 * at least one. */
uint32_t session_perf_pages(const struct session_opts *o, uint64_t page)
{
	uint64_t bytes = has_http(o) ? 256 << 10 : 64 << 10;

	if (o->perf_pages)
		return o->perf_pages;
	return bytes > page ? (uint32_t)(bytes / page) : 1;
}

/* The ring: what the user said, else the default raised for http so it
 * holds 128 of the largest payload records (an iovec's are reserved at
 * twice the capture): with --capture-bytes 4096 a burst of big writes
 * fills 256 KB faster than a reader wakes. */
uint32_t session_ring_size(const struct session_opts *o, uint64_t page)
{
	/* the kernel wants a whole number of its pages: a 4K ring on a 64K
	 * page kernel is raised to 64K */
	uint64_t need = 128ull * (DATA_OFF_BYTES + 2ull * o->capture), r = o->ring_size;

	if (o->ring_size_set || !has_http(o))
		need = 0;
	while ((r < need || r < page) && r < (1u << 30))
		r <<= 1;
	return (uint32_t)r;
}

int session_opts_check(const struct session_opts *o)
{
	bool cg = o->cgroup[0] || o->container[0];

	if (o->all && (o->pid || o->comm[0] || o->port))
		return err_set(EINVAL, "--all selects every process: it goes with none of "
			       "--pid, --comm, --port");
	/* --pid, --port and these fill sel (tcp finds connection owners there) */
	if (cg && (o->pid || o->port || o->all))
		return err_set(EINVAL, "--cgroup and --container go with none of --pid, --port, --all");
	if ((o->port || o->all) && !has_http(o))
		return err_set(EINVAL, "--port and --all select processes for the http probe only");
#if UINTPTR_MAX == 0xffffffffu
	/* kern/uprobe.S and dns.S read 8-byte registers; a 32-bit kernel's
	 * are 4 bytes and its fifth argument is on the stack (http's TLS
	 * uprobes: left out, utargets_tls) */
	for (int i = 0; i < o->n_probes; i++)
		if (o->probes[i]->targets && o->probes[i]->targets != utargets_tls)
			return err_set(EOPNOTSUPP, "%s: not on 32-bit ARM kernels: the uprobe-based "
				       "probes (dns, uprobe, TLS plaintext) need a 64-bit one",
				       o->probes[i]->name);
#endif
	return 0;
}

int session_opts_add_probes(struct session_opts *o, const char *list)
{
	char buf[256], *save = buf;

	fmt_snprintf(buf, sizeof(buf), "%s", list);
	/* strsep, not strtok_r (a smaller static binary):
	 * empty items are passed over here */
	for (char *n; (n = strsep(&save, ","));) {
		const struct probe *p = probe_find(n);
		bool dup = false;

		if (!*n)
			continue;
		if (!p)
			return err_set(EINVAL, "unknown probe '%s'; rawtel trace --help lists them", n);
		for (int i = 0; i < o->n_probes; i++)
			dup |= o->probes[i] == p;
		if (!dup && o->n_probes < SESSION_MAX_PROBES)
			o->probes[o->n_probes++] = p;
	}
	return 0;
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Unix time minus the clock kern/ stamps events with (KTIME in
 * kern/common.h) */
static int64_t wall_offset(void)
{
	return (int64_t)clock_ns(CLOCK_REALTIME) -
	       (int64_t)clock_ns(feature_has(FEAT_BOOT_NS) ? CLOCK_BOOTTIME : CLOCK_MONOTONIC);
}

/* Whether the TLS libraries are probed: kern/tls_bind.h then binds */
static bool tls_probed(const struct session *s)
{
	for (int i = 0; i < s->n_targets; i++)
		if (s->targets[i].ret && !strcmp(s->targets[i].ret, "tls_ret"))
			return true;
	return false;
}

/* Sockets can be learned at their first use (kern/sock.S sk_*_inherit,
 * with task registers): sock_recv_length (6.3+), its sock pointer */
static bool first_use(void)
{
	const struct tp_format *f;

	return !tracefs_format("sock/sock_recv_length", &f);
}

static int set_consts(struct session *s)
{
	struct bpf_obj *o = &s->obj;
	char comm[16] = { 0 };
	int64_t lo, hi;
	int r = 0;

	memcpy(comm, s->opt.comm, strnlen(s->opt.comm, 15));
	memcpy(&lo, comm, 8);
	memcpy(&hi, comm + 8, 8);
	r |= bpf_obj_set_const(o, "perf_buffer", s->opt.perf_buffer);
	r |= bpf_obj_set_const(o, "ring_size", s->opt.ring_size);
	/* half the ring: a wakeup is an interrupt charged to the traced task
	 * (microseconds in a VM), so they must stay rare under load; the
	 * reader still has half the ring to catch up in when woken */
	r |= bpf_obj_set_const(o, "wake_bytes", s->opt.ring_size / 2);
	r |= bpf_obj_set_const(o, "ncpus", bpf_num_possible_cpus());
	r |= bpf_obj_set_const(o, "boot_ns", feature_has(FEAT_BOOT_NS));
	r |= bpf_obj_set_const(o, "probe_read_user", feature_has(FEAT_PROBE_READ_USER));
	r |= bpf_obj_set_const(o, "task_regs", feature_has(FEAT_TASK_REGS));
	r |= bpf_obj_set_const(o, "first_use", first_use());
	/* attach cookies ride on BPF links (5.15) */
	r |= bpf_obj_set_const(o, "cookie", feature_has(FEAT_LINKS));
	r |= bpf_obj_set_const(o, "n_targets", s->n_targets > 0 ? s->n_targets : 1);
	r |= bpf_obj_set_const(o, "self_pid", getpid());
	r |= bpf_obj_set_const(o, "filter_pid", s->opt.pid != 0);
	r |= bpf_obj_set_const(o, "filter_comm", s->opt.comm[0] != 0);
	r |= bpf_obj_set_const(o, "comm_lo", lo);
	r |= bpf_obj_set_const(o, "comm_hi", hi);
	r |= bpf_obj_set_const(o, "capture", s->opt.capture);
	r |= bpf_obj_set_const(o, "tls", tls_probed(s));
	r |= bpf_obj_set_const(o, "filter_cgroup", s->cgsel.n > 0);
	r |= bpf_obj_set_const(o, "sel_map", s->opt.pid || s->opt.port || s->cgsel.n > 0);
	r |= bpf_obj_set_const(o, "sel_port", s->opt.port);
	/* $probe_NAME: whether NAME was asked for, for units whose programs
	 * serve several probes (kern/tcp.S) */
	for (size_t i = 0; i < n_probes; i++) {
		char name[ASM_NAME_MAX];
		bool on = false;

		for (int k = 0; k < s->opt.n_probes; k++)
			on |= s->opt.probes[k] == &probes[i];
		fmt_snprintf(name, sizeof(name), "probe_%s", probes[i].name);
		r |= bpf_obj_set_const(o, name, on);
	}
	return r;
}

/* One program on its tracepoint, detached with the rest. */
static int attach_one(struct session *s, const char *name)
{
	const struct bpf_obj_prog *bp = bpf_obj_prog(&s->obj, name);
	int r;

	if (!bp)
		return err_set(ENOENT, "program %s is missing from kern/", name);
	if (s->n_att == SESSION_MAX_ATTACH)
		return err_set(ENOSPC, "too many attachments");
	if ((r = attach_tracepoint(bp->fd, bp->def->target, &s->att[s->n_att])))
		return r;
	s->att_prog[s->n_att++] = name;
	return 0;
}

/* Add the descendants of --pid that /proc shows and sel lacks; returns
 * how many were added. */
static int select_scan(struct session *s, int fd)
{
	struct proctab t;
	uint32_t *desc, one = 1, v;
	int n, added = 0;

	if ((n = proctab_scan(&t)) < 0)
		return err_set(-n, "cannot list the processes in /proc");
	desc = calloc(t.tab.n ? t.tab.n : 1, sizeof(*desc));
	if (!desc) {
		proctab_free(&t);
		return -ENOMEM;
	}
	n = proctab_descendants(&t, s->opt.pid, desc, (int)t.tab.n);
	for (int i = 0; i < n; i++) {
		if (!bpf_map_lookup(fd, &desc[i], &v))
			continue;	/* known already */
		if (bpf_map_update(fd, &desc[i], &one, RT_BPF_ANY)) {
			added = err_set(ENOSPC, "--pid %u: more than %d descendants", s->opt.pid,
					SEL_MAX);
			break;
		}
		added++;
	}
	free(desc);
	proctab_free(&t);
	return added;
}

/* --pid: the process and every descendant. The kernel adds the children
 * of selected processes as they are forked (sel_fork, kern/proc.S, on
 * first); those older than rawtel come from /proc. A child forked by an
 * older one before that one was added is found by the next scan: scans
 * repeat until one adds nothing (a bounded number of times). */
static int select_tree(struct session *s)
{
	int fd = bpf_obj_map_fd(&s->obj, "sel"), r;
	uint32_t one = 1;
	struct proc_ent e;

	if (proctab_read(s->opt.pid, &e))
		return err_set(ESRCH, "--pid %u: no such process", s->opt.pid);
	if (bpf_map_update(fd, &s->opt.pid, &one, RT_BPF_ANY))
		return err_set(EIO, "cannot select process %u", s->opt.pid);
	for (int pass = 0; pass < 8; pass++)
		if ((r = select_scan(s, fd)) <= 0)
			return r;
	return 0;
}

/* Records are made only while live[0] is 1 (LIVE, kern/common.h). */
static void set_live(struct session *s, uint32_t on)
{
	int fd = bpf_obj_map_fd(&s->obj, "live");
	uint32_t key = 0;

	if (fd >= 0)
		bpf_map_update(fd, &key, &on, RT_BPF_ANY);
}

static bool selecting(const struct session *s)
{
	return !s->opt.null && (s->opt.pid || s->opt.port || s->cgsel.n > 0);
}

/* --cgroup, --container: the kernel selects by the running task's cgroup
 * id (FILTER_CGROUP, kern/common.h), found before anything is loaded */
static int cgroup_resolve(struct session *s)
{
	if (!s->opt.cgroup[0] && !s->opt.container[0])
		return 0;
	if (!feature_has(FEAT_CGROUP_ID))
		return err_set(ENOTSUP, "--cgroup, --container: kernel without "
			       "bpf_get_current_cgroup_id (4.18+)");
	return session_cgroup_resolve(&s->opt, &s->cgsel);
}

static int cgroup_fill(struct session *s)
{
	int fd = bpf_obj_map_fd(&s->obj, "cgsel");
	uint32_t one = 1;

	for (int i = 0; i < s->cgsel.n; i++)
		if (fd < 0 || bpf_map_update(fd, &s->cgsel.ids[i], &one, RT_BPF_ANY))
			return err_set(EIO, "cannot fill cgsel");
	return 0;
}

/* One program on its tracepoint, and on those probe_also names for it */
static int attach_tps(struct session *s, const struct probe_prog *pp, const struct bpf_obj_prog *bp,
		      int fd)
{
	const char *tp = bp->def->target;
	const struct probe_also *a = probe_also;
	int r;

	for (;;) {
		if (s->n_att == SESSION_MAX_ATTACH)
			return err_set(ENOSPC, "too many attachments");
		r = attach_tracepoint(fd, tp, &s->att[s->n_att]);
		if (r && (r != -ENOENT || !pp->optional))
			return r;	/* ENOENT, optional: e.g. no openat2 before 5.6 */
		if (!r)
			s->att_prog[s->n_att++] = pp->name;
		while (a->prog && strcmp(a->prog, pp->name))
			a++;
		if (!a->prog)
			return 0;
		tp = a++->tp;
	}
}

static int attach_all(struct session *s)
{
	for (int i = 0; i < s->opt.n_probes; i++) {
		const struct probe *p = s->opt.probes[i];

		for (const struct probe_prog *pp = p->progs; pp->name; pp++) {
			const struct bpf_obj_prog *bp = bpf_obj_prog(&s->obj, pp->name);
			const struct bpf_obj_prog *run = s->opt.null ?
				bpf_obj_prog(&s->obj, "null") : bp;
			bool dup = false;
			int r;

			if (!bp && pp->conditional)
				continue;	/* not needed on this kernel */
			if (!bp || !run)
				return err_set(ENOENT, "program %s is missing from kern/", pp->name);
			/* programs shared by probes (proc_fork) attach once */
			for (int k = 0; k < s->n_att; k++)
				dup |= !strcmp(s->att_prog[k], pp->name);
			if (!dup && (r = attach_tps(s, pp, bp, run->fd)))
				return r;
		}
	}
	return 0;
}

/* Targets whose programs tell functions apart by the attach cookie (the
 * others have a program per function: dns, tls) */
static int targets_with_cookie(const struct session *s)
{
	int n = 0;

	for (int i = 0; i < s->n_targets; i++)
		n += !strcmp(s->targets[i].enter, "up_enter");
	return n;
}

/* Uprobe probes: the functions, resolved before the programs are
 * assembled (up_thread_exit loops over them). */
static int resolve_targets(struct session *s)
{
	for (int i = 0; i < s->opt.n_probes; i++) {
		const struct probe *p = s->opt.probes[i];
		int n;

		bool again = false;

		/* http and postgres share the TLS libraries' targets */
		for (int k = 0; k < i; k++)
			again |= s->opt.probes[k]->targets == p->targets;
		if (!p->targets || again)
			continue;
		n = p->targets(&s->opt, s->targets + s->n_targets, UTARGETS_MAX - s->n_targets);
		if (n < 0)
			/* the user's naming, not the kernel: a usage-level error */
			return n == -ENOMEM ? n : (err_wrap(n, "%s", p->name), -EINVAL);
		s->n_targets += n;
	}
	return 0;
}

int session_attach_target(struct session *s, struct uprobe_target *t, uint64_t cookie,
			  struct attach *att, int *n)
{
	const struct bpf_obj_prog *en = bpf_obj_prog(&s->obj, s->opt.null ? "null_up" : t->enter);
	const struct bpf_obj_prog *rt =
		!t->ret ? NULL : bpf_obj_prog(&s->obj, s->opt.null ? "null_up" : t->ret);
	bool cookie_ok;

	if (!en || (t->ret && !rt))
		return err_set(ENOEXEC, "programs %s/%s are missing from kern/", t->enter, t->ret);
	/* the return probe first: a call entering between the two would
	 * leave an entry no return ever clears */
	for (int k = t->ret ? 1 : 0; k >= 0; k--) {
		/* every process: --pid's descendants have their own address
		 * spaces (the programs select, kern/common.h) */
		int r = uprobe_attach(k ? rt->fd : en->fd, t->path, t->offset, k, 0, cookie,
				      &cookie_ok, &att[*n]);

		if (r) {
			if (k == 0 && t->ret)
				attach_close(&att[--*n]);
			return r;
		}
		++*n;
	}
	t->attached = true;
	return 0;
}

/* An entry and a return probe on each function (the entry alone where
 * the target names no return program), the cookie telling the programs
 * which function it was. */
static int attach_uprobes(struct session *s)
{
	for (int i = 0; i < s->n_targets; i++) {
		struct uprobe_target *t = &s->targets[i];
		int first = s->n_att, r;

		if (s->n_att + 2 > SESSION_MAX_ATTACH)
			return err_set(ENOSPC, "too many attachments");
		r = session_attach_target(s, t, (uint64_t)i, s->att, &s->n_att);
		for (int k = first; k < s->n_att; k++)
			s->att_prog[k] = k == first && t->ret ? t->ret : t->enter;
		/* a running process's libc, gone with its process */
		if (r && t->found && (r == -ENOENT || r == -ESRCH))
			s->skipped_targets++;
		else if (r && r != -ENOEXEC && !strncmp(t->enter, "tls_", 4))
			i = tls_file_left_out(s, i, r);	/* a TLS library: the others go on */
		else if (r)
			return err_wrap(r, "%s in %s", t->func, t->path);
	}
	return 0;
}

/* kern/tls.S's uprobes read 8-byte registers: a 32-bit build leaves the
 * unit out (utargets_tls says so in one line). Nor is it loaded when no
 * TLS library was found (or --no-tls): its programs attach only to those
 * (12 program loads less at start-up). */
static bool unit_left_out(const struct session *s, const char *unit)
{
	return !strcmp(unit, "tls") && (UINTPTR_MAX == 0xffffffffu || !tls_probed(s));
}

static int open_all(struct session *s)
{
	const char *why = feature_priv_problem();
	int r;

	phase_mark("privileges checked");
	if (why)
		return err_set(EPERM, "%s", why);
	if (!s->opt.perf_buffer && !feature_has(FEAT_RINGBUF)) {
		if (!feature_has(FEAT_PERF_ARRAY))
			return err_set(ENOTSUP, "this kernel has neither the BPF ring buffer nor "
				       "perf event arrays: see rawtel probe");
		s->opt.perf_buffer = true;	/* kernels before 5.8 */
	}
	if ((r = resolve_targets(s)) || (r = cgroup_resolve(s)))
		return r;
	phase_mark("%d functions to probe resolved", s->n_targets);
	if (targets_with_cookie(s) > 1 && !feature_has(FEAT_LINKS))
		return err_set(ENOTSUP, "tracing %d functions at once needs BPF cookies (kernel 5.15 "
			       "or later); trace one function at a time", s->n_targets);
	if ((r = set_consts(s)))
		return r;
	for (int i = 0; i < s->opt.n_probes; i++)
		for (int u = 0; u < 3 && s->opt.probes[i]->units[u]; u++)
			if (!unit_left_out(s, s->opt.probes[i]->units[u]) &&
			    (r = bpf_obj_add_kern(&s->obj, s->opt.probes[i]->units[u])))
				return r;
	if (s->opt.null && (r = bpf_obj_add_kern(&s->obj, "null")))
		return r;
	if (selecting(s) && (r = bpf_obj_add_kern(&s->obj, "proc")))
		return r;
	phase_mark("%u units assembled", s->obj.n_units);
	if (s->n_targets)
		uprobe_cleanup_stale();
	if ((r = bpf_obj_load(&s->obj)) || (s->cgsel.n && (r = cgroup_fill(s))))
		return r;
	phase_mark("%u maps created, %u programs loaded", s->obj.n_maps, s->obj.n_progs);
	if (!s->opt.null && has_http(&s->opt) && (r = sockcap_new(s)))
		return r;
	if (!s->opt.null) {
		int fd = bpf_obj_map_fd(&s->obj, "events");
		uint64_t page = (uint64_t)util_page_size();

		s->ring.perf = s->opt.perf_buffer;
		r = s->ring.perf ? perfbuf_open(&s->ring.pb, fd, session_perf_pages(&s->opt, page))
				 : ringbuf_open(&s->ring.rb, fd, s->opt.ring_size);
		if (r)
			return r;
		s->ring_open = true;
	}
	phase_mark("ring open");
	/* --cgroup: a child inherits its cgroup, and enters sel itself where
	 * it owns a connection (SEL_CGROUP_MEMBER, kern/common.h) */
	if (selecting(s) && (s->opt.pid || s->opt.port) && (r = attach_one(s, "sel_fork")))
		return r;
	if (selecting(s) && (r = attach_one(s, "sel_free")))
		return r;
	if (selecting(s) && s->opt.pid && (r = select_tree(s)))
		return r;
	phase_mark("selection filled");
	if ((r = attach_all(s)))
		return r;
	phase_mark("%d tracepoints attached", s->n_att);
	if ((r = attach_uprobes(s)))
		return r;
	phase_mark("uprobes attached (%d attachments in all)", s->n_att);
	/* TLS files first seen later, from the execs of selected processes
	 * (only where TLS functions were found at start: $tls, set at load,
	 * has the syscalls bind plaintext to connections) */
	if (tls_probed(s) && !s->opt.null &&
	    ((r = tls_late_open(s)) || (r = attach_one(s, "tls_exec"))))
		return r;
	/* all at once, now that every program is on (the reader must start
	 * draining soon) */
	set_live(s, 1);
	/* sockets older than rawtel, once the programs see new ones */
	r = sockseed_scan(s);
	s->seeded = r > 0 ? r : 0;
	phase_mark("%d sockets seeded", s->seeded);
	return r < 0 ? r : 0;
}

int session_open(struct session *s, const struct session_opts *o)
{
	int r;

	memset(s, 0, sizeof(*s));
	s->opt = *o;
	s->opt.ring_size = session_ring_size(o, (uint64_t)util_page_size());
	bpf_obj_init(&s->obj);
	session_bench_start();
	s->wall_off_ns = wall_offset();
	r = open_all(s);
	if (r)
		session_close(s);
	return r;
}

int session_fds(const struct session *s, int *fds, int max)
{
	return s->ring_open ? evring_fds(&s->ring, fds, max) : 0;
}

struct consume_ctx {
	struct session *s;
	session_cb cb;
	void *ctx;
};

/* sock and data records, as sockcap passes them on */
static int deliver(void *ctx, const void *rec, size_t size)
{
	struct consume_ctx *c = ctx;

	return c->cb(c->ctx, probe_by_type(EV_SOCK), rec, size);
}

static int on_record(void *ctx, const void *data, size_t len)
{
	struct consume_ctx *c = ctx;
	const struct ev_hdr *h = data;
	const struct probe *p;

	if (c->s->tls_late && tls_late_record(c->s, data, len))
		return 0;
	if (!(p = probe_of_record(data, len))) {
		c->s->bad++;
		return 0;
	}
	/* a record of any selected probe of its type: the socket probes
	 * (http, postgres) share one capture and one printer */
	for (int i = 0; i < c->s->opt.n_probes; i++)
		if (probe_has_type(c->s->opt.probes[i], h->type))
			return c->s->sockcap && p->ev_type == EV_SOCK ?
				sockcap_record(c->s->sockcap, data, h->size, deliver, c) :
				c->cb(c->ctx, p, data, h->size);
	return 0;
}

int session_consume(struct session *s, session_cb cb, void *ctx)
{
	struct consume_ctx c = { s, cb, ctx };
	int r;

	if (!s->ring_open)
		return 0;
	/* the wall clock may have been stepped (NTP on a box without an RTC):
	 * convert with the offset of now, not of start-up */
	s->wall_off_ns = wall_offset();
	if (s->tls_late)
		tls_late_tick(s, clock_ns(feature_has(FEAT_BOOT_NS) ? CLOCK_BOOTTIME : CLOCK_MONOTONIC));
	/* seeds first; held records (perf buffers) once their time has come */
	if (s->sockcap && !s->opt.perf_buffer && (r = sockcap_flush(s->sockcap, true, deliver, &c)))
		return r;
	r = evring_consume(&s->ring, on_record, &c);
	if (s->sockcap && s->opt.perf_buffer && (r >= 0 || r == -EBADMSG)) {
		int f = sockcap_flush(s->sockcap, s->detached, deliver, &c);
		if (f)
			return f;
	}
	/* a corrupt ring was skipped past and reported: not fatal */
	return r < 0 && r != -EBADMSG ? r : 0;
}

void session_detach(struct session *s)
{
	/* every program stops making records at once: detaching takes tens
	 * of ms per tracepoint, and records made meanwhile would fill the
	 * ring with nobody reading it */
	if (s->n_att)
		set_live(s, 0);
	for (int i = 0; i < s->n_att; i++)
		attach_close(&s->att[i]);
	s->n_att = 0;
	tls_late_detach(s);
	s->detached = true;
}

bool session_attached(const struct session *s, const char *prog)
{
	for (int i = 0; i < s->n_att; i++)
		if (!strcmp(s->att_prog[i], prog))
			return true;
	return false;
}

static bool probe_names_prog(const struct probe *p, const char *prog)
{
	for (int i = 0; p->progs[i].name; i++)
		if (!strcmp(p->progs[i].name, prog))
			return true;
	return false;
}

/* The selected probe a loaded program counts for: the first that names
 * it (proc_fork serves exec and exit), else the one whose own unit holds
 * it (uprobe entry and return programs). */
static const struct probe *prog_owner(const struct session *s, const struct bpf_obj_prog *bp)
{
	const char *unit = s->obj.units[bp->unit].name;

	for (int i = 0; i < s->opt.n_probes; i++)
		if (probe_names_prog(s->opt.probes[i], bp->name))
			return s->opt.probes[i];
	for (int i = 0; i < s->opt.n_probes; i++) {
		const struct probe *p = s->opt.probes[i];
		int last = 0;

		while (last + 1 < (int)(sizeof(p->units) / sizeof(p->units[0])) && p->units[last + 1])
			last++;
		if (p->units[last] && !strcmp(p->units[last], unit))
			return p;
	}
	return NULL;
}

/* Runs the kernel skipped because another BPF program was running on that
 * CPU (another tracer, or ours interrupted; 5.12+): each may be a record
 * never made, so they count as lost. */
static uint64_t recursion_misses(const struct session *s, uint16_t ev_type)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < s->obj.n_progs; i++) {
		const struct bpf_obj_prog *bp = &s->obj.progs[i];
		const struct probe *p;
		struct rt_bpf_prog_info info;

		/* a program sharing another's load: its runs are counted there */
		if (bp->fd < 0 || bp->same || !(p = prog_owner(s, bp)) || p->ev_type != ev_type)
			continue;
		if (bpf_prog_info(bp->fd, &info) == 0)
			n += info.recursion_misses;
	}
	return n;
}

static uint64_t drops(const struct session *s, uint16_t ev_type)
{
	int fd = bpf_obj_map_fd(&s->obj, "drops");
	uint64_t n = 0;

	if (fd >= 0 && bpf_obj_percpu_sum(fd, ev_type, &n))
		n = 0;
	return n;
}

/* Records lost in the kernel for an event type: ring full, collisions,
 * and runs of its programs the kernel skipped (recursion misses). */
static uint64_t session_lost(const struct session *s, uint16_t ev_type)
{
	return drops(s, ev_type) + recursion_misses(s, ev_type);
}

uint64_t session_lost_probe(const struct session *s, const struct probe *p)
{
	return session_lost(s, p->ev_type) + (p->ev_type2 ? drops(s, p->ev_type2) : 0);
}

void session_close(struct session *s)
{
	session_detach(s);
	if (s->ring_open)
		evring_close(&s->ring);
	s->ring_open = false;
	sockcap_free(s->sockcap);
	s->sockcap = NULL;
	tls_late_free(s);
	bpf_obj_close(&s->obj);
}
