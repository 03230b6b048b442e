// compat: 32-bit processes on a 64-bit kernel (an armhf userland on an
// arm64 kernel). The syscalls:* tracepoints skip such tasks;
// raw_syscalls:sys_exit fires for every syscall of every task, with the
// number from the task's own table (the 32-bit one for these) and its
// registers as they were. So this program costs every other task's every
// syscall a load and two compares of that number; only for the numbers of
// 32-bit ARM's open and openat does it ask the saved registers whether the
// task runs in 32-bit state. Its record is the open probe's
// (kern/open_tail.h). Built where the target names its compat state
// ($pt_compat) and the task's registers are reachable ($task_regs).
#include "common.h"

DECLARE_EVENTS

#define COMPAT_NR_OPEN 5	/* arch/arm/tools/syscall.tbl */
#define COMPAT_NR_OPENAT 322
#define FP_REC (-OPEN_REC_MAX)	/* the record, on perf buffers */

.if $task_regs
.if $pt_compat
.prog compat_open_exit tracepoint raw_syscalls/sys_exit
	r6 = r1
	r1 = *(u64 *)(r6 + field(id))
	if r1 == COMPAT_NR_OPENAT goto is_open
	if r1 != COMPAT_NR_OPEN goto out
is_open:
	COMPAT_TASK(out)
	call bpf_get_current_pid_tgid
	r7 = r0
#include "open_head.h"
	// the 32-bit registers r0..r3, zero-extended into x0..x3 (r0 in orig_x0)
	r1 = *(u64 *)(r6 + field(id))
	if r1 == COMPAT_NR_OPEN goto nr_open
	r1 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG3)
	*(u32 *)(r9 + OPEN_OFF_OFLAGS) = r1
	r1 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG4)
	*(u32 *)(r9 + OPEN_OFF_MODE) = r1
	r8 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG2)
	goto have_args
nr_open:
	r1 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG2)
	*(u32 *)(r9 + OPEN_OFF_OFLAGS) = r1
	r1 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG3)
	*(u32 *)(r9 + OPEN_OFF_MODE) = r1
	r8 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG1)
have_args:
#include "open_tail.h"
out:
	r0 = 0
	exit
.endif
.endif
