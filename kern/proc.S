// Process table: parent and start time of every process created while
// rawtel runs (older ones are looked up in /proc by user space). Feeds the
// ppid of exec events and the lifetime of exit events without BTF.
// And the selected processes (sel, kern/common.h) followed through fork.
#include "common.h"

DECLARE_PROCS
DECLARE_SEL

// Stack: the procs key and the new value
#define FP_KEY -4		/* u32: the child's pid (sel: also the parent's) */
#define FP_ONE -8		/* u32 1: sel's value */
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
	UPDATE(procs, FP_KEY, FP_PROC, RT_BPF_ANY)
out:
	r0 = 0
	exit

// Under --pid/--port a child of a selected process is selected from its
// creation (task_newtask runs in the parent, before the child runs).
// User space fills sel with the processes older than rawtel.
.prog sel_fork tracepoint task/task_newtask
.if $sel_map
	r6 = r1
	r1 = *(u64 *)(r6 + field(clone_flags))
	r1 &= 0x10000			// CLONE_THREAD: a thread, not a process
	if r1 != 0 goto out
	call bpf_get_current_pid_tgid
	r0 >>= 32
	*(u32 *)(r10 + FP_KEY) = r0		// the forking process in sel?
	LOOKUP(sel, FP_KEY, out)
	r1 = *(u32 *)(r6 + field(pid))
	*(u32 *)(r10 + FP_KEY) = r1		// key: the child's pid
	*(u32 *)(r10 + FP_ONE) = 1
	UPDATE(sel, FP_KEY, FP_ONE, RT_BPF_ANY)
.endif
out:
	r0 = 0
	exit

// A process leaves sel when its leader's task is freed: after its last
// event (the exit programs on sched_process_exit still find it, whatever
// order they run in). Other tasks' pids are no process's key.
.prog sel_free tracepoint sched/sched_process_free
.if $sel_map
	r1 = *(u32 *)(r1 + field(pid))
	*(u32 *)(r10 + FP_KEY) = r1
	DELETE(sel, FP_KEY)
.endif
	r0 = 0
	exit
