/* What the running kernel can do, found by trying it (user/bpf/feature.c),
 * never assumed from build-time headers. Each probe runs once per process
 * and its answer is cached. */
#ifndef RAWTEL_FEATURE_H
#define RAWTEL_FEATURE_H

#include <stdbool.h>
#include <stddef.h>

enum feature_id {
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
	FEAT_CGROUP_ID,		/* bpf_get_current_cgroup_id (4.18) */
	FEAT_N
};

enum feature_state {
	FEAT_YES,
	FEAT_NO,		/* the kernel does not have it */
	FEAT_NOPERM,		/* it might, but we may not use it */
	FEAT_UNKNOWN,		/* could not tell (a prerequisite is missing) */
};

struct feature_result {
	enum feature_state state;
	char detail[160];
};

const struct feature_result *feature_get(enum feature_id id);
bool feature_has(enum feature_id id);
const char *feature_name(enum feature_id id);
/* One-line reason the process lacks privileges, or NULL when it has them. */
const char *feature_priv_problem(void);

#endif
