/* Attaching loaded programs to kernel hooks (user/trace/attach.c). An
 * attachment owns the perf event fd and, where the kernel has them, a BPF
 * link fd; attach_close releases both (the kernel detaches on close, so
 * even a crash leaves nothing attached). */
#ifndef RAWTEL_ATTACH_H
#define RAWTEL_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

struct attach {
	int perf_fd;
	int link_fd;		/* -1 when attached with PERF_EVENT_IOC_SET_BPF */
	char what[160];		/* "tracepoint syscalls/sys_enter_openat" */
	char tracefs_event[64];	/* "rawtel_123/p_4": created in uprobe_events,
				 * removed again by attach_close */
};

/* Attach prog_fd to tracepoint `tp` ("cat/event"), for all CPUs and
 * processes. Uses a BPF link when available, else the ioctl. */
int attach_tracepoint(int prog_fd, const char *tp, struct attach *out);
void attach_close(struct attach *a);

/* Attach prog_fd (a kprobe-type program) as a uprobe, or a uretprobe, at
 * file offset `offset` of `path`: in process `pid`, or in every process
 * mapping the file (pid 0). `cookie` reaches the program through
 * bpf_get_attach_cookie where the kernel has BPF links (5.15); `*cookie_ok`
 * says whether it will. Uses the uprobe PMU (4.17), else tracefs
 * uprobe_events. */
int uprobe_attach(int prog_fd, const char *path, uint64_t offset, bool retprobe,
		  int pid, uint64_t cookie, bool *cookie_ok, struct attach *out);
/* Remove uprobe_events entries left by rawtel processes that are gone
 * (a crash or SIGKILL): they would otherwise stay until reboot. */
void uprobe_cleanup_stale(void);

/* Give a perf event's fd the program: a BPF link (with cookie) when the
 * kernel has them, else PERF_EVENT_IOC_SET_BPF + ENABLE. */
int attach_perf_prog(int prog_fd, uint64_t cookie, struct attach *a, bool *cookie_ok);

/* perf_event_open(2) wrapper: fd or -errno. */
int attach_perf_event_open(void *attr, int pid, int cpu, int group,
			   unsigned long flags);

#endif
