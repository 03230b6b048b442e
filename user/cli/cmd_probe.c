/* rawtel probe: what this kernel offers, what rawtel needs, and whether
 * tracing can work here. Exit 0 when it can, CLI_NOPERM when privileges
 * are missing, CLI_NOFEATURE when the kernel lacks something required. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "rawtel/cli.h"
#include "rawtel/feature.h"
#include "rawtel/fmt.h"

static const char *const need[FEAT_N] = {
	[FEAT_PRIV] = "required",
	[FEAT_BPF_SYSCALL] = "required",
	[FEAT_TRACEFS] = "required",
	[FEAT_TRACEPOINTS] = "required",
	[FEAT_RINGBUF] = "one of these",
	[FEAT_PERF_ARRAY] = "one of these",
	[FEAT_PROBE_READ_USER] = "preferred",
	[FEAT_BOOT_NS] = "preferred",
	[FEAT_LINKS] = "optional",
	[FEAT_TASK_REGS] = "optional",
	[FEAT_UPROBE_PMU] = "for uprobes",
	[FEAT_UPROBE_TRACEFS] = "for uprobes",
	[FEAT_KPROBES] = "not needed",
	[FEAT_BTF] = "not needed",
	[FEAT_JIT] = "preferred",
	[FEAT_CGROUP_ID] = "for --cgroup",
};

static const char *state_name(enum feature_state s)
{
	switch (s) {
	case FEAT_YES:
		return "yes";
	case FEAT_NO:
		return "no";
	case FEAT_NOPERM:
		return "denied";
	default:
		return "unknown";
	}
}

int cmd_probe(int argc, char **argv)
{
	struct utsname u;
	char missing[512] = "";
	bool perm = false;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fmt_printf("usage: rawtel probe\n\nProbe the running kernel for what tracing needs and "
		       "print a table.\nExit status: 0 ready, 3 a required kernel feature is "
		       "missing, 4 not enough privileges.\n");
		return CLI_OK;
	}
	if (argc > 1) {
		cli_err("probe takes no arguments; see rawtel probe --help");
		return CLI_USAGE;
	}
	uname(&u);
	fmt_printf("rawtel %s on %s %s %s\n\n", RAWTEL_VERSION, u.sysname, u.release, u.machine);
	fmt_printf("%-22s %-7s %-13s %s\n", "FEATURE", "STATE", "NEEDED", "DETAIL");
	for (int i = 0; i < FEAT_N; i++) {
		const struct feature_result *r = feature_get((enum feature_id)i);
		fmt_printf("%-22s %-7s %-13s %s\n", feature_name((enum feature_id)i), state_name(r->state),
		       need[i], r->detail);
	}
	for (int i = FEAT_PRIV; i <= FEAT_TRACEPOINTS; i++) {
		const struct feature_result *r = feature_get((enum feature_id)i);
		if (r->state == FEAT_YES)
			continue;
		if (r->state == FEAT_NOPERM)
			perm = true;
		size_t n = strlen(missing);
		fmt_snprintf(missing + n, sizeof(missing) - n, "%s%s (%s)", n ? ", " : "",
			 feature_name((enum feature_id)i), r->detail);
	}
	if (!feature_has(FEAT_RINGBUF) && !feature_has(FEAT_PERF_ARRAY) && !missing[0]) {
		fmt_snprintf(missing, sizeof(missing), "both the BPF ring buffer and perf event arrays");
		perm = feature_get(FEAT_RINGBUF)->state == FEAT_NOPERM;
	}
	if (missing[0]) {
		fmt_printf("\ntracing: not possible here: missing %s\n", missing);
		if (perm)
			fmt_printf("%s\n", feature_priv_problem() ? feature_priv_problem() :
			       "run rawtel as root");
		return perm ? CLI_NOPERM : CLI_NOFEATURE;
	}
	fmt_printf("\ntracing: ready (%s%s%s)\n",
	       feature_has(FEAT_RINGBUF) ? "BPF ring buffer" : "per-CPU perf buffers",
	       feature_has(FEAT_LINKS) ? ", BPF links" : "",
	       feature_has(FEAT_UPROBE_PMU) || feature_has(FEAT_UPROBE_TRACEFS) ? ", uprobes" : "");
	/* 32-bit ARM kernels ship with the JIT off: every event then costs
	 * several times more */
	if (feature_get(FEAT_JIT)->state == FEAT_NO)
		fmt_printf("advice: the BPF JIT is off; turn it on: sysctl -w net.core.bpf_jit_enable=1\n");
	return CLI_OK;
}
