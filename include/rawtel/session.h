/* A tracing session: the kern/ units of the selected probes assembled,
 * loaded and attached, and their event ring open (user/probes/session.c).
 * Shared by `rawtel trace` (prints events) and `rawtel run` (exports them). */
#ifndef RAWTEL_SESSION_H
#define RAWTEL_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rawtel/attach.h"
#include "rawtel/bpfobj.h"
#include "rawtel/events.h"
#include "rawtel/opt.h"
#include "rawtel/probes.h"
#include "rawtel/ring.h"

#define SESSION_MAX_PROBES 16
#define SESSION_MAX_ATTACH (64 + 2 * UTARGETS_MAX)
#define SESSION_MAX_CGROUPS CGSEL_MAX

struct session_opts {
	const struct probe *probes[SESSION_MAX_PROBES];
	int n_probes;
	uint32_t pid;		/* 0: every process; else it and all its
				 * descendants, older ones included */
	char comm[16];		/* "": every command */
	char cgroup[256];	/* --cgroup: "" every cgroup; else it and those
				 * below it now */
	char container[65];	/* --container: an id or its unique prefix */
	uint16_t port;		/* http: processes listening on it */
	bool all;		/* --all: said, the default without the above */
	uint32_t capture;	/* http: payload bytes per syscall */
	bool perf_buffer;	/* per-CPU perf buffers instead of the ring */
	bool null;		/* attach empty programs (overhead floor) */
	uint32_t ring_size;	/* bytes, power of two */
	bool ring_size_set;	/* --ring-size said: not raised for http */
	uint32_t perf_pages;	/* per CPU, power of two */
	char uprobe_spec[1024];	/* uprobe: BINARY:SYMBOL[,SYMBOL...] */
	const char *binaries[8];	/* dns: more programs to probe (static) */
	int n_binaries;
	bool no_tls;		/* http: no uprobes on TLS libraries */
};

/* The cgroup v2 ids --cgroup and --container select
 * (user/probes/session_cgroup.c). */
struct session_cgsel {
	uint64_t ids[SESSION_MAX_CGROUPS];
	int n;
	char container[65];	/* --container: the full id */
};

struct session {
	struct session_opts opt;
	struct bpf_obj obj;
	struct evring ring;
	bool ring_open;
	struct attach att[SESSION_MAX_ATTACH];
	const char *att_prog[SESSION_MAX_ATTACH];
	int n_att;
	struct uprobe_target targets[UTARGETS_MAX];	/* cookie = index */
	int n_targets;
	int skipped_targets;	/* discovered ones gone before attach */
	int64_t wall_off_ns;	/* event clock -> Unix time */
	uint64_t bad;		/* malformed records skipped */
	struct sockcap *sockcap;	/* http (user/probes/sockcap.c) */
	struct tls_late *tls_late;	/* TLS files seen later (tls_late.c) */
	bool detached;		/* nothing new comes: deliver all held */
	int seeded;		/* http: sockets older than rawtel */
	struct session_cgsel cgsel;
};

/* Defaults: 256 KB ring, 16 pages per CPU, DATA_CAP_DEFAULT captured. */
void session_opts_init(struct session_opts *o);
/* Add probes from a comma-separated list; -EINVAL naming an unknown one. */
int session_opts_add_probes(struct session_opts *o, const char *list);

/* Options shared by rawtel trace and run, as setters their option tables
 * name (rawtel/opt.h; user/probes/session_opts.c). `cmd` is the command's
 * options, whose first member is its struct session_opts. */
int session_opt_pid(void *cmd, const char *v, const char *what);
int session_opt_comm(void *cmd, const char *v, const char *what);
int session_opt_port(void *cmd, const char *v, const char *what);
int session_opt_cgroup(void *cmd, const char *v, const char *what);
int session_opt_container(void *cmd, const char *v, const char *what);
int session_opt_all(void *cmd, const char *v, const char *what);
int session_opt_capture(void *cmd, const char *v, const char *what);
int session_opt_no_tls(void *cmd, const char *v, const char *what);
int session_opt_perf_buffer(void *cmd, const char *v, const char *what);
int session_opt_ring_size(void *cmd, const char *v, const char *what);
int session_opt_perf_pages(void *cmd, const char *v, const char *what);
int session_opt_binary(void *cmd, const char *v, const char *what);
/* --help: one line per probe of the probe table (user/probes/probes.c). */
void session_probes_help(FILE *f);
/* Whether the probe named `probe` is selected. */
bool session_opts_has(const struct session_opts *o, const char *probe);
/* Options that one probe reads (the rows' .probe) need that probe: with
 * `add`, each given one turns its probe on; else the first given one whose
 * probe is off is refused (-EINVAL, "--raw is for the http probe"), with
 * "add http to LIST_OPT" when list_opt names the option choosing probes. */
int session_opts_need(struct session_opts *o, const struct opt *rows, uint64_t given, bool add,
		      const char *list_opt);
/* After parsing: options that do not go together, or not with the probes
 * chosen (--port, --all: http only); -EINVAL with the message set. */
int session_opts_check(const struct session_opts *o);
/* The buffers' sizes for a kernel of `page`-byte pages (sysconf's: 4, 16
 * or 64 KB on arm64), whole pages each: the ring's bytes (a power of two,
 * at least a page), and the perf buffer's pages per CPU (at least one). */
uint32_t session_ring_size(const struct session_opts *o, uint64_t page);
uint32_t session_perf_pages(const struct session_opts *o, uint64_t page);

/* The cgroup ids of --cgroup (the directory, a path of the cgroup2 mount
 * or as /proc/PID/cgroup shows it, and those below it) and --container
 * (the cgroups of the processes in it): 0, or -errno with one line set. */
int session_cgroup_resolve(const struct session_opts *o, struct session_cgsel *c);

/* Load, open the ring and attach; records are made from the moment every
 * program is attached: read them soon. On failure everything is released and
 * the error recorded (err_msg); -EPERM means privileges are missing,
 * -ENOENT/-ENOTSUP that the kernel lacks something. */
int session_open(struct session *s, const struct session_opts *o);

/* Called once per well-formed record of a selected probe. */
typedef int (*session_cb)(void *ctx, const struct probe *p, const void *rec, size_t size);
/* The fds to watch for EPOLLIN. */
int session_fds(const struct session *s, int *fds, int max);
/* Deliver every record waiting in the ring. */
int session_consume(struct session *s, session_cb cb, void *ctx);
/* Stop every program at once (none makes a record from then on), then
 * detach them; what is in the ring stays, for session_consume. */
void session_detach(struct session *s);
/* Whether program `prog` (a .prog of kern/) is attached: optional ones
 * are not where the kernel lacks their tracepoint. */
bool session_attached(const struct session *s, const char *prog);
/* Records lost in the kernel for every record type of probe p (http has
 * two): ring full, collisions, and runs of its programs the kernel skipped
 * (recursion misses). */
uint64_t session_lost_probe(const struct session *s, const struct probe *p);
void session_close(struct session *s);

/* RAWTEL_BENCH_STATS=1 (rawtel/stage.h): the kernel counts every BPF
 * program's runs and run time from session_open on (BPF_ENABLE_STATS),
 * and session_bench_report prints them, one "rawtel: bench: bpf" line
 * per loaded program (user/probes/session_bench.c). */
void session_bench_start(void);
void session_bench_report(const struct session *s, FILE *f);

#endif
