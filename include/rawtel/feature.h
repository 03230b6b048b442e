/* What the running kernel can do, found by trying it (user/bpf/feature.c),
 * never assumed from build-time headers. Each probe runs once per process
 * and its answer is cached. */
#ifndef RAWTEL_FEATURE_H
#define RAWTEL_FEATURE_H

#include <stdbool.h>
#include <stddef.h>

enum feat_id {
	FEAT_PRIV,		/* root, or CAP_BPF+CAP_PERFMON, or CAP_SYS_ADMIN */
	FEAT_BPF_SYSCALL,	/* bpf(2) loads a tracing program */
	FEAT_TRACEFS,
	FEAT_TRACEPOINTS,	/* perf_event_open on a tracepoint */
	FEAT_RINGBUF,		/* BPF_MAP_TYPE_RINGBUF (5.8) */
	FEAT_PERF_ARRAY,	/* BPF_MAP_TYPE_PERF_EVENT_ARRAY */
	FEAT_PROBE_READ_USER,	/* bpf_probe_read_user[_str] (5.5) */
	FEAT_BOOT_NS,		/* bpf_ktime_get_boot_ns (5.8) */
	FEAT_LINKS,		/* BPF links on perf events (5.15) */
	FEAT_TASK_REGS,		/* user registers via BTF task pt_regs (5.15) */
	FEAT_UPROBE_PMU,	/* uprobe PMU (4.17) */
	FEAT_UPROBE_TRACEFS,	/* tracefs uprobe_events */
	FEAT_KPROBES,		/* not needed: reported for information */
	FEAT_BTF,		/* not needed: reported for information */
	FEAT_JIT,
	FEAT_N
};

enum feat_state {
	FEAT_YES,
	FEAT_NO,		/* the kernel does not have it */
	FEAT_NOPERM,		/* it might, but we may not use it */
	FEAT_UNKNOWN,		/* could not tell (a prerequisite is missing) */
};

struct feat_result {
	enum feat_state state;
	char detail[160];
};

const struct feat_result *feat_get(enum feat_id id);
bool feat_has(enum feat_id id);
const char *feat_name(enum feat_id id);
/* One-line reason the process lacks privileges, or NULL when it has them. */
const char *feat_priv_problem(void);

#endif
