/* Each BPF program's run count and run time, for benchmarks (see
 * session_bench_report in rawtel/session.h). */
#include <string.h>
#include <unistd.h>

#include "rawtel/fmt.h"
#include "rawtel/bpf.h"
#include "rawtel/session.h"
#include "rawtel/stage.h"

/* open for the life of the process: the kernel counts while it is */
static int stats_fd = -1;

void session_bench_start(void)
{
	if (stage_on() && stats_fd < 0)
		stats_fd = bpf_enable_stats();
}

void session_bench_report(const struct session *s, FILE *f)
{
	if (!stage_on())
		return;
	if (stats_fd < 0)
		fmt_fprintf(f, "rawtel: bench: BPF_ENABLE_STATS failed (%s): run times are counted only "
			"with sysctl kernel.bpf_stats_enabled=1\n", strerror(-stats_fd));
	for (uint32_t i = 0; i < s->obj.n_progs; i++) {
		const struct bpf_obj_prog *bp = &s->obj.progs[i];
		struct rt_bpf_prog_info info;

		/* a program sharing another's load is counted there */
		if (bp->fd < 0 || bp->same || bpf_prog_info(bp->fd, &info))
			continue;
		fmt_fprintf(f, "rawtel: bench: bpf %s runs %llu ns %llu misses %llu\n", bp->name,
			(unsigned long long)info.run_cnt, (unsigned long long)info.run_time_ns,
			(unsigned long long)info.recursion_misses);
	}
}
