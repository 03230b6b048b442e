// Process table: parent and start time of every process created while
// rawtel runs (older ones are looked up in /proc by user space). Feeds the
// ppid of exec events and the lifetime of exit events without BTF.
#include "common.h"

DECLARE_PROCS

// Stack: the procs key and the new value
#define FP_KEY -4		/* u32: the child's pid */
#define FP_PROC -24		/* {u32 ppid, u32 0, u64 start} (PROC_SIZE) */

// task:task_newtask fires in the parent, for the new task.
.prog proc_fork tracepoint task/task_newtask
	r6 = r1
	r1 = *(u64 *)(r6 + field(clone_flags))
	r1 &= 0x10000			// CLONE_THREAD: a thread, not a process
	if r1 != 0 goto out
	r1 = *(u32 *)(r6 + field(pid))
	*(u32 *)(r10 + FP_KEY) = r1
	call bpf_get_current_pid_tgid
	r0 >>= 32
	*(u32 *)(r10 + FP_PROC + PROC_OFF_PPID) = r0	// the forking process
	*(u32 *)(r10 + FP_PROC + PROC_OFF_PAD) = 0
	r1 = *(u64 *)(r6 + field(clone_flags))
	r1 &= 0x8000			// CLONE_PARENT: our parent is the child's too
	if r1 == 0 goto stamp
	r2 = r10				// our own entry (its ppid)
	r2 += FP_PROC + PROC_OFF_PPID
	r1 = procs ll
	call bpf_map_lookup_elem
	*(u32 *)(r10 + FP_PROC + PROC_OFF_PPID) = 0	// unknown unless we know it
	if r0 == 0 goto stamp
	r1 = *(u32 *)(r0 + PROC_OFF_PPID)
	*(u32 *)(r10 + FP_PROC + PROC_OFF_PPID) = r1
stamp:
	KTIME
	*(u64 *)(r10 + FP_PROC + PROC_OFF_START) = r0
	r1 = procs ll
	r2 = r10
	r2 += FP_KEY
	r3 = r10
	r3 += FP_PROC
	r4 = RT_BPF_ANY
	call bpf_map_update_elem
out:
	r0 = 0
	exit
