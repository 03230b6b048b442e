/* Feature probes: each tries the smallest real thing (load a two-instruction
 * program, create a one-page map, open a perf event) and caches the answer.
 * "Not supported" (EINVAL/ENOSYS/ENOENT) is told apart from "not allowed"
 * (EPERM/EACCES). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rawtel/attach.h"
#include "rawtel/bpf.h"
#include "rawtel/bpf_insn.h"
#include "rawtel/feature.h"
#include "rawtel/fmt.h"
#include "rawtel/tracefs.h"
#include "rawtel/util.h"
#include "rt_perf.h"
#include "rt_ptrace.h"

static struct feature_result results[FEAT_N];
static bool probed[FEAT_N];

static void set(enum feature_id id, enum feature_state st, const char *fmt, ...) FMT_ATTR(3, 4);
static void set(enum feature_id id, enum feature_state st, const char *fmt, ...)
{
	va_list ap;

	results[id].state = st;
	va_start(ap, fmt);
	fmt_vsnprintf(results[id].detail, sizeof(results[id].detail), fmt, ap);
	va_end(ap);
}

static void set_errno(enum feature_id id, int err, const char *yes)
{
	if (err >= 0)
		set(id, FEAT_YES, "%s", yes);
	else if (err == -EPERM || err == -EACCES)
		set(id, FEAT_NOPERM, "%s", strerror(-err));
	else
		set(id, FEAT_NO, "%s", strerror(-err));
}

/* The answer of a probe that made an fd (or failed to), which it closes. */
static void probe_fd(enum feature_id id, int fd, const char *yes)
{
	set_errno(id, fd, yes);
	if (fd >= 0)
		close(fd);
}

static int load(uint32_t type, const struct rt_bpf_insn *p, uint32_t n)
{
	return bpf_prog_load(type, p, n, "GPL", "rawtel_probe", 0, NULL, 0);
}

static int read_int_file(const char *path, long *v)
{
	char buf[64], *end;
	int n = util_read_file(path, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 ? n : -EIO;
	*v = strtol(buf, &end, 10);
	return end != buf && (*end == '\n' || !*end) ? 0 : -EINVAL;
}

static void probe_priv(enum feature_id id)
{
	const char *msg = feature_priv_problem();

	set(id, msg ? FEAT_NOPERM : FEAT_YES, "%s", msg ? msg : (geteuid() == 0 ? "root" :
	    "CAP_BPF and CAP_PERFMON"));
}

static void probe_bpf_syscall(enum feature_id id)
{
	const struct rt_bpf_insn p[] = { INSN_MOV64_IMM(0, 0), INSN_EXIT() };

	probe_fd(id, load(RT_BPF_PROG_TYPE_TRACEPOINT, p, 2), "loads tracing programs");
}

static void probe_tracefs(enum feature_id id)
{
	const char *path;
	int r = tracefs_root(&path);

	if (r == 0)
		set(id, FEAT_YES, tracefs_mounted_by_us() ? "%s (mounted by rawtel)" : "%s", path);
	else
		set(id, r == -EPERM || r == -EACCES ? FEAT_NOPERM : FEAT_NO, "%s",
		    r == -EACCES ? "not readable" : "not mounted");
}

/* A tracepoint every kernel with syscall tracing has; fallbacks after. */
static const char *some_tracepoint(const struct tp_format **fmt)
{
	static const char *const tps[] = { "syscalls/sys_enter_getpid",
					   "sched/sched_process_exec", "sched/sched_switch" };

	for (size_t i = 0; i < 3; i++)
		if (tracefs_format(tps[i], fmt) == 0)
			return tps[i];
	return NULL;
}

static void probe_tracepoints(enum feature_id id)
{
	const struct tp_format *fmt;
	struct rt_perf_event_attr a;
	const char *tp;
	char what[200];

	if (!feature_has(FEAT_TRACEFS)) {
		set(id, FEAT_UNKNOWN, "%s", "needs tracefs");
		return;
	}
	if (!(tp = some_tracepoint(&fmt))) {
		set(id, FEAT_NO, "%s", "no syscall or sched tracepoints");
		return;
	}
	memset(&a, 0, sizeof(a));
	a.type = RT_PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = fmt->id;
	a.sample_period = 1;
	fmt_snprintf(what, sizeof(what), "perf_event_open(%s)", tp);
	probe_fd(id, attach_perf_event_open(&a, -1, 0, -1, RT_PERF_FLAG_FD_CLOEXEC), what);
}

static void probe_ringbuf(enum feature_id id)
{
	probe_fd(id, bpf_map_create(RT_BPF_MAP_TYPE_RINGBUF, 0, 0, (uint32_t)util_page_size(),
				    0, "rawtel_probe"), "events through one shared ring");
}

static void probe_perf_array(enum feature_id id)
{
	probe_fd(id, bpf_map_create(RT_BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 1, 0, "rawtel_probe"),
		 "per-CPU perf buffers");
}

static void probe_read_user(enum feature_id id)
{
	const struct rt_bpf_insn p[] = {
		INSN_MOV64_REG(1, INSN_FP),	/* bpf_probe_read_user(fp - 8, 8, NULL) */
		INSN_ADD64_IMM(1, -8),
		INSN_MOV64_IMM(2, 8),
		INSN_MOV64_IMM(3, 0),
		INSN_CALL(probe_read_user),
		INSN_MOV64_IMM(0, 0),
		INSN_EXIT(),
	};

	probe_fd(id, load(RT_BPF_PROG_TYPE_TRACEPOINT, p, 7), "helper available");
}

/* A program calling helper `fn` loads */
static void probe_helper(enum feature_id id, int32_t fn)
{
	const struct rt_bpf_insn p[] = {
		INSN(RT_BPF_JMP | RT_BPF_CALL, 0, 0, 0, fn),
		INSN_MOV64_IMM(0, 0),
		INSN_EXIT(),
	};

	probe_fd(id, load(RT_BPF_PROG_TYPE_TRACEPOINT, p, 3), "helper available");
}

static void probe_boot_ns(enum feature_id id)
{
	probe_helper(id, RT_BPF_FUNC_ktime_get_boot_ns);
}

/* --cgroup and --container select by it */
static void probe_cgroup_id(enum feature_id id)
{
	probe_helper(id, RT_BPF_FUNC_get_current_cgroup_id);
}

/* bpf_get_attach_cookie arrived with perf-event links (5.15): loading a
 * kprobe program that calls it answers without attaching anything
 * (detaching a tracepoint costs an RCU grace period) */
static void probe_links(enum feature_id id)
{
	const struct rt_bpf_insn p[] = {
		INSN_CALL(get_attach_cookie),
		INSN_MOV64_IMM(0, 0),
		INSN_EXIT(),
	};

	probe_fd(id, load(RT_BPF_PROG_TYPE_KPROBE, p, 3), "perf-event links with cookies");
}

/* Accepted only where the kernel has BTF and both helpers (5.15+). */
static void probe_task_regs(enum feature_id id)
{
	const struct rt_bpf_insn p[] = {
		INSN_CALL(get_current_task_btf),
		INSN_MOV64_REG(1, 0),
		INSN_CALL(task_pt_regs),
		INSN_LDX_DW(0, 0, PT_REGS_SP),	/* r0 = regs->sp */
		INSN_MOV64_IMM(0, 0),
		INSN_EXIT(),
	};

	probe_fd(id, load(RT_BPF_PROG_TYPE_TRACEPOINT, p, 6),
		 "exec arguments re-read from the new stack");
}

static void probe_uprobe_pmu(enum feature_id id)
{
	char buf[200];
	long v = 0;
	int r = read_int_file("/sys/bus/event_source/devices/uprobe/type", &v);

	if (r == 0)
		fmt_snprintf(buf, sizeof(buf), "perf type %ld", v);
	set(id, r == 0 ? FEAT_YES : FEAT_NO, "%s", r == 0 ? buf : "no uprobe PMU");
}

/* tracefs's `file` exists, or `missing` says why not */
static void probe_tracefs_file(enum feature_id id, const char *file, const char *missing)
{
	const char *root;
	struct stat st;
	char path[200];

	if (tracefs_root(&root)) {
		set(id, FEAT_UNKNOWN, "%s", "needs tracefs");
		return;
	}
	fmt_snprintf(path, sizeof(path), "%s/%s", root, file);
	if (stat(path, &st) == 0)
		set(id, FEAT_YES, "%s", path);
	else
		set(id, FEAT_NO, "%s", missing);
}

static void probe_uprobe_tracefs(enum feature_id id)
{
	probe_tracefs_file(id, "uprobe_events", "no uprobe_events");
}

static void probe_kprobes(enum feature_id id)
{
	long v;

	if (read_int_file("/sys/bus/event_source/devices/kprobe/type", &v) == 0)
		set(id, FEAT_YES, "%s", "kprobe PMU");
	else
		probe_tracefs_file(id, "kprobe_events", "CONFIG_KPROBES off");
}

static void probe_btf(enum feature_id id)
{
	struct stat st;
	int r = stat("/sys/kernel/btf/vmlinux", &st);

	set(id, r == 0 ? FEAT_YES : FEAT_NO, "%s", r == 0 ? "/sys/kernel/btf/vmlinux" :
	    "no /sys/kernel/btf/vmlinux");
}

static void probe_jit(enum feature_id id)
{
	long v = 0;
	int r = read_int_file("/proc/sys/net/core/bpf_jit_enable", &v);

	if (r == 0 && v > 0)
		set(id, FEAT_YES, "%s", "enabled");
	else
		set(id, r == 0 ? FEAT_NO : FEAT_UNKNOWN, "%s", r == 0 ?
		    "interpreter (slower): sysctl net.core.bpf_jit_enable=1" : "unknown");
}

/* One row per feature: its name in `rawtel probe`, the key that turns it
 * off in RAWTEL_FEATURES_OFF=a,b (the paths older kernels take, run on this
 * one), and the probe. */
static const struct feature_probe {
	const char *name, *off_key;
	void (*probe)(enum feature_id id);
} feature_probes[FEAT_N] = {
	[FEAT_PRIV] = { "privileges", NULL, probe_priv },
	[FEAT_BPF_SYSCALL] = { "bpf() syscall", NULL, probe_bpf_syscall },
	[FEAT_TRACEFS] = { "tracefs", NULL, probe_tracefs },
	[FEAT_TRACEPOINTS] = { "tracepoints", NULL, probe_tracepoints },
	[FEAT_RINGBUF] = { "BPF ring buffer", "ringbuf", probe_ringbuf },
	[FEAT_PERF_ARRAY] = { "perf event array", NULL, probe_perf_array },
	[FEAT_PROBE_READ_USER] = { "probe_read_user", "probe_read_user", probe_read_user },
	[FEAT_BOOT_NS] = { "ktime_get_boot_ns", "boot_ns", probe_boot_ns },
	[FEAT_LINKS] = { "BPF links", "links", probe_links },
	[FEAT_TASK_REGS] = { "task registers (BTF)", "task_regs", probe_task_regs },
	[FEAT_UPROBE_PMU] = { "uprobe PMU", NULL, probe_uprobe_pmu },
	[FEAT_UPROBE_TRACEFS] = { "tracefs uprobe_events", NULL, probe_uprobe_tracefs },
	[FEAT_KPROBES] = { "kprobes", NULL, probe_kprobes },
	[FEAT_BTF] = { "BTF", NULL, probe_btf },
	[FEAT_JIT] = { "BPF JIT", NULL, probe_jit },
	[FEAT_CGROUP_ID] = { "current_cgroup_id", "cgroup_id", probe_cgroup_id },
};

const char *feature_name(enum feature_id id)
{
	return id < FEAT_N ? feature_probes[id].name : "?";
}

static bool turned_off(enum feature_id id)
{
	const char *list = getenv("RAWTEL_FEATURES_OFF"), *key = feature_probes[id].off_key, *p;
	size_t n;

	if (!list || !key)
		return false;
	n = strlen(key);
	for (p = list; (p = strstr(p, key)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
			return true;
	return false;
}

const struct feature_result *feature_get(enum feature_id id)
{
	if (id >= FEAT_N)
		return NULL;
	if (!probed[id]) {
		probed[id] = true;
		feature_probes[id].probe(id);
		if (results[id].state == FEAT_YES && turned_off(id))
			set(id, FEAT_NO, "%s", "turned off by RAWTEL_FEATURES_OFF");
	}
	return &results[id];
}

bool feature_has(enum feature_id id)
{
	const struct feature_result *r = feature_get(id);

	return r && r->state == FEAT_YES;
}

/* capget(2) with the v3 ABI: two 32-bit words per set. */
struct cap_hdr {
	uint32_t version;
	int pid;
};
struct cap_data {
	uint32_t effective, permitted, inheritable;
};

#define CAP_SYS_ADMIN 21
#define CAP_PERFMON 38
#define CAP_BPF 39

static bool has_cap(const struct cap_data d[2], int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

const char *feature_priv_problem(void)
{
	struct cap_hdr h = { 0x20080522, 0 };
	struct cap_data d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) != 0)
		return geteuid() == 0 ? NULL : "not root (and capabilities unreadable)";
	if (has_cap(d, CAP_SYS_ADMIN) || (has_cap(d, CAP_BPF) && has_cap(d, CAP_PERFMON)))
		return NULL;
	return "rawtel needs root, or CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN): run it with "
	       "sudo, or: setcap cap_bpf,cap_perfmon,cap_sys_admin+ep rawtel";
}
