/* Feature probes: each tries the smallest real thing (load a two-instruction
 * program, create a one-page map, open a perf event) and caches the answer.
 * "Not supported" (EINVAL/ENOSYS/ENOENT) is told apart from "not allowed"
 * (EPERM/EACCES). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rawtel/attach.h"
#include "rawtel/bpf.h"
#include "rawtel/feature.h"
#include "rawtel/tracefs.h"
#include "rt_perf.h"

static struct feat_result results[FEAT_N];
static bool probed[FEAT_N];

static const char *const names[FEAT_N] = {
	[FEAT_PRIV] = "privileges",
	[FEAT_BPF_SYSCALL] = "bpf() syscall",
	[FEAT_TRACEFS] = "tracefs",
	[FEAT_TRACEPOINTS] = "tracepoints",
	[FEAT_RINGBUF] = "BPF ring buffer",
	[FEAT_PERF_ARRAY] = "perf event array",
	[FEAT_PROBE_READ_USER] = "probe_read_user",
	[FEAT_BOOT_NS] = "ktime_get_boot_ns",
	[FEAT_LINKS] = "BPF links",
	[FEAT_TASK_REGS] = "task registers (BTF)",
	[FEAT_UPROBE_PMU] = "uprobe PMU",
	[FEAT_UPROBE_TRACEFS] = "tracefs uprobe_events",
	[FEAT_KPROBES] = "kprobes",
	[FEAT_BTF] = "BTF",
	[FEAT_JIT] = "BPF JIT",
};

const char *feat_name(enum feat_id id)
{
	return id < FEAT_N ? names[id] : "?";
}

static void set(enum feat_id id, enum feat_state st, const char *fmt, const char *arg)
{
	results[id].state = st;
	snprintf(results[id].detail, sizeof(results[id].detail), fmt, arg ? arg : "");
}

static void set_errno(enum feat_id id, int err, const char *yes)
{
	if (err >= 0)
		set(id, FEAT_YES, "%s", yes);
	else if (err == -EPERM || err == -EACCES)
		set(id, FEAT_NOPERM, "%s", strerror(-err));
	else
		set(id, FEAT_NO, "%s", strerror(-err));
}

/* call get_current_task_btf; call task_pt_regs; r0 = regs->sp: accepted
 * only where the kernel has BTF and both helpers (5.15+) */
static int load_task_regs_prog(void)
{
	struct rt_bpf_insn p[] = {
		{ RT_BPF_JMP | RT_BPF_CALL, 0, 0, 0, 158 },
		{ RT_BPF_ALU64 | RT_BPF_MOV | RT_BPF_X, 1, 0, 0, 0 },
		{ RT_BPF_JMP | RT_BPF_CALL, 0, 0, 0, 175 },
		{ RT_BPF_LDX | RT_BPF_MEM | RT_BPF_DW, 0, 0, 152, 0 },
		{ RT_BPF_ALU64 | RT_BPF_MOV | RT_BPF_K, 0, 0, 0, 0 },
		{ RT_BPF_JMP | RT_BPF_EXIT, 0, 0, 0, 0 },
	};

	return bpf_prog_load(RT_BPF_PROG_TYPE_TRACEPOINT, p, 6, "GPL", "rawtel_probe", 0, NULL, 0);
}

/* A kprobe-type program calling bpf_get_attach_cookie(ctx). */
static int load_cookie_prog(void)
{
	struct rt_bpf_insn p[] = {
		{ RT_BPF_JMP | RT_BPF_CALL, 0, 0, 0, 174 },
		{ RT_BPF_ALU64 | RT_BPF_MOV | RT_BPF_K, 0, 0, 0, 0 },
		{ RT_BPF_JMP | RT_BPF_EXIT, 0, 0, 0, 0 },
	};

	return bpf_prog_load(RT_BPF_PROG_TYPE_KPROBE, p, 3, "GPL", "rawtel_probe", 0, NULL, 0);
}

/* r0 = 0; exit  (or a helper call before it) */
static int load_probe_prog(int helper)
{
	struct rt_bpf_insn p[8];
	uint32_t n = 0;

	memset(p, 0, sizeof(p));
	if (helper == 112 || helper == 114) {	/* probe_read_user(fp-8, 8, 0) */
		p[n++] = (struct rt_bpf_insn){ RT_BPF_ALU64 | RT_BPF_MOV | RT_BPF_X, 1, 10, 0, 0 };
		p[n++] = (struct rt_bpf_insn){ RT_BPF_ALU64 | RT_BPF_ADD | RT_BPF_K, 1, 0, 0, -8 };
		p[n++] = (struct rt_bpf_insn){ RT_BPF_ALU64 | RT_BPF_MOV | RT_BPF_K, 2, 0, 0, 8 };
		p[n++] = (struct rt_bpf_insn){ RT_BPF_ALU64 | RT_BPF_MOV | RT_BPF_K, 3, 0, 0, 0 };
	}
	if (helper)
		p[n++] = (struct rt_bpf_insn){ RT_BPF_JMP | RT_BPF_CALL, 0, 0, 0, helper };
	p[n++] = (struct rt_bpf_insn){ RT_BPF_ALU64 | RT_BPF_MOV | RT_BPF_K, 0, 0, 0, 0 };
	p[n++] = (struct rt_bpf_insn){ RT_BPF_JMP | RT_BPF_EXIT, 0, 0, 0, 0 };
	return bpf_prog_load(RT_BPF_PROG_TYPE_TRACEPOINT, p, n, "GPL", "rawtel_probe", 0, NULL, 0);
}

static int read_int_file(const char *path, long *v)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	char *end;
	*v = strtol(buf, &end, 10);
	return end != buf && (*end == '\n' || !*end) ? 0 : -EINVAL;
}

/* A tracepoint every kernel with syscall tracing has; fallbacks after. */
static const char *probe_tracepoint(const struct tp_format **fmt)
{
	static const char *const tps[] = { "syscalls/sys_enter_getpid",
					   "sched/sched_process_exec", "sched/sched_switch" };

	for (size_t i = 0; i < 3; i++)
		if (tracefs_format(tps[i], fmt) == 0)
			return tps[i];
	return NULL;
}

static void probe(enum feat_id id)
{
	const struct tp_format *fmt;
	const char *path, *msg, *tp;
	struct stat st;
	char buf[200];
	long v = 0;
	int fd, r;

	switch (id) {
	case FEAT_PRIV:
		msg = feat_priv_problem();
		set(id, msg ? FEAT_NOPERM : FEAT_YES, "%s", msg ? msg : (geteuid() == 0 ? "root" :
		    "CAP_BPF and CAP_PERFMON"));
		break;
	case FEAT_BPF_SYSCALL:
		fd = load_probe_prog(0);
		set_errno(id, fd, "loads tracing programs");
		if (fd >= 0)
			close(fd);
		break;
	case FEAT_TRACEFS:
		r = tracefs_root(&path);
		if (r == 0)
			set(id, FEAT_YES, tracefs_mounted_by_us() ? "%s (mounted by rawtel)" : "%s", path);
		else
			set(id, r == -EPERM || r == -EACCES ? FEAT_NOPERM : FEAT_NO, "%s",
			    r == -EACCES ? "not readable" : "not mounted");
		break;
	case FEAT_TRACEPOINTS:
		if (!feat_has(FEAT_TRACEFS)) {
			set(id, FEAT_UNKNOWN, "%s", "needs tracefs");
			break;
		}
		tp = probe_tracepoint(&fmt);
		if (!tp) {
			set(id, FEAT_NO, "%s", "no syscall or sched tracepoints");
			break;
		}
		{
			struct rt_perf_event_attr a;
			memset(&a, 0, sizeof(a));
			a.type = RT_PERF_TYPE_TRACEPOINT;
			a.size = sizeof(a);
			a.config = fmt->id;
			a.sample_period = 1;
			fd = attach_perf_event_open(&a, -1, 0, -1, RT_PERF_FLAG_FD_CLOEXEC);
		}
		snprintf(buf, sizeof(buf), "perf_event_open(%s)", tp);
		set_errno(id, fd, buf);
		if (fd >= 0)
			close(fd);
		break;
	case FEAT_RINGBUF:
		fd = bpf_map_create(RT_BPF_MAP_TYPE_RINGBUF, 0, 0, (uint32_t)sysconf(_SC_PAGESIZE), 0,
				    "rawtel_probe");
		set_errno(id, fd, "events through one shared ring");
		if (fd >= 0)
			close(fd);
		break;
	case FEAT_PERF_ARRAY:
		fd = bpf_map_create(RT_BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 1, 0, "rawtel_probe");
		set_errno(id, fd, "per-CPU perf buffers");
		if (fd >= 0)
			close(fd);
		break;
	case FEAT_PROBE_READ_USER:
	case FEAT_BOOT_NS:
		fd = load_probe_prog(id == FEAT_BOOT_NS ? 125 : 112);
		set_errno(id, fd, "helper available");
		if (fd >= 0)
			close(fd);
		break;
	case FEAT_LINKS:
		/* bpf_get_attach_cookie arrived with perf-event links (5.15):
		 * loading a program that calls it answers without attaching
		 * anything (detaching a tracepoint costs an RCU grace period) */
		fd = load_cookie_prog();
		set_errno(id, fd, "perf-event links with cookies");
		if (fd >= 0)
			close(fd);
		break;
	case FEAT_TASK_REGS:
		fd = load_task_regs_prog();
		set_errno(id, fd, "exec arguments re-read from the new stack");
		if (fd >= 0)
			close(fd);
		break;
	case FEAT_UPROBE_PMU:
		r = read_int_file("/sys/bus/event_source/devices/uprobe/type", &v);
		if (r == 0)
			snprintf(buf, sizeof(buf), "perf type %ld", v);
		set(id, r == 0 ? FEAT_YES : FEAT_NO, "%s", r == 0 ? buf : "no uprobe PMU");
		break;
	case FEAT_UPROBE_TRACEFS:
	case FEAT_KPROBES:
		if (id == FEAT_KPROBES &&
		    read_int_file("/sys/bus/event_source/devices/kprobe/type", &v) == 0) {
			set(id, FEAT_YES, "%s", "kprobe PMU");
			break;
		}
		if (tracefs_root(&path) == 0) {
			snprintf(buf, sizeof(buf), "%s/%s", path,
				 id == FEAT_KPROBES ? "kprobe_events" : "uprobe_events");
			r = stat(buf, &st);
			set(id, r == 0 ? FEAT_YES : FEAT_NO, "%s", r == 0 ? buf :
			    (id == FEAT_KPROBES ? "CONFIG_KPROBES off" : "no uprobe_events"));
		} else {
			set(id, FEAT_UNKNOWN, "%s", "needs tracefs");
		}
		break;
	case FEAT_BTF:
		r = stat("/sys/kernel/btf/vmlinux", &st);
		set(id, r == 0 ? FEAT_YES : FEAT_NO, "%s", r == 0 ? "/sys/kernel/btf/vmlinux" :
		    "no /sys/kernel/btf/vmlinux");
		break;
	case FEAT_JIT:
		r = read_int_file("/proc/sys/net/core/bpf_jit_enable", &v);
		if (r == 0 && v > 0)
			set(id, FEAT_YES, "%s", "enabled");
		else
			set(id, r == 0 ? FEAT_NO : FEAT_UNKNOWN, "%s",
			    r == 0 ? "interpreter (slower)" : "unknown");
		break;
	case FEAT_N:
		break;
	}
}

/* Features a user (or a test) may turn off with RAWTEL_FEATURES_OFF=a,b:
 * the paths older kernels take, run on this one. */
static const char *const off_keys[FEAT_N] = {
	[FEAT_RINGBUF] = "ringbuf",
	[FEAT_PROBE_READ_USER] = "probe_read_user",
	[FEAT_BOOT_NS] = "boot_ns",
	[FEAT_LINKS] = "links",
	[FEAT_TASK_REGS] = "task_regs",
};

static bool turned_off(enum feat_id id)
{
	const char *list = getenv("RAWTEL_FEATURES_OFF"), *p;
	size_t n;

	if (!list || !off_keys[id])
		return false;
	n = strlen(off_keys[id]);
	for (p = list; (p = strstr(p, off_keys[id])); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
			return true;
	return false;
}

const struct feat_result *feat_get(enum feat_id id)
{
	if (id >= FEAT_N)
		return NULL;
	if (!probed[id]) {
		probed[id] = true;
		probe(id);
		if (results[id].state == FEAT_YES && turned_off(id))
			set(id, FEAT_NO, "%s", "turned off by RAWTEL_FEATURES_OFF");
	}
	return &results[id];
}

bool feat_has(enum feat_id id)
{
	const struct feat_result *r = feat_get(id);

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

const char *feat_priv_problem(void)
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
