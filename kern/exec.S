// exec: every execve/execveat with its filename, first arguments, parent,
// uid, new comm and result. The entry program parks a record per thread;
// the exit program completes and sends it.
//
// Arguments are read on entry, but a child fresh from fork() has no page
// table entries for its parent's read-only pages (string literals), and a
// BPF program cannot fault them in. What entry could not read is read again
// when the call returns: after a successful exec the filename comes from
// the kernel's own copy (sched_process_exec) and argv from the new
// program's stack, which the kernel has just written (reached through the
// task's registers: kernels with BTF, 5.15+; elsewhere user space falls back
// to /proc/PID/cmdline); after a failed exec the caller's own pointers are
// read again, the kernel having faulted their pages in meanwhile.
#include "common.h"

DECLARE_EVENTS
DECLARE_SCRATCH
DECLARE_PROCS
.map exec_pending lru_hash key=8 value=EXEC_REC_MAX max=512

// Stack slots (each program uses its own few)
#define FP_ARGV_I -8		/* u64: argv[I], read from the caller */
#define FP_SCRATCH_KEY -4	/* u32 0: the scratch record's key */
#define FP_PEND_KEY -16		/* u64 pid_tgid: exec_pending key (entries) */
#define FP_OLD_KEY -8		/* exec_sched: the key before the exec */
#define FP_NEW_KEY -16		/* exec_sched: the key after it */
#define FP_EXIT_KEY -24		/* exits: exec_pending key */
#define FP_PROC_KEY -28		/* exits: procs key (tgid) */

// argv[I] (array at r9) read into FP_ARGV_I, r0 0 or -errno: a user
// pointer of EXEC_UPTR bytes (4 in 32-bit programs: the target's $uptr,
// or 4 in the programs of compat tasks), the slot's upper half zeroed for it.
#define EXEC_UPTR $uptr
#define ARGV_PTR(I) \
.if EXEC_UPTR == 4 ; \
	*(u64 *)(r10 + FP_ARGV_I) = 0 ; \
.endif ; \
	r3 = r9 ; \
	r3 += (I) * EXEC_UPTR ; \
	r1 = r10 ; \
	r1 += FP_ARGV_I ; \
	r2 = EXEC_UPTR ; \
	READ_USER

// One argument: argv[I] -> data at offset r8 of record r7.
// A failed read of argv[] or of a string is a fault; a NULL ends argv.
#define ARG(I) \
	ARGV_PTR(I) ;				/* argv[I], the pointer */ \
	if r0 != 0 goto args_fault ; \
	r3 = *(u64 *)(r10 + FP_ARGV_I) ; \
	if r3 == 0 goto args_done ;		/* the NULL after the last */ \
	if r8 > EXEC_DATA_MAX - EXEC_ARG_MAX goto args_trunc ; \
	r1 = r7 ;				/* the string, after the others */ \
	r1 += EXEC_OFF_DATA ; \
	r1 += r8 ; \
	r2 = EXEC_ARG_MAX ; \
	READ_USER_STR ; \
	if r0 s<= 0 goto args_fault ; \
	if r0 > EXEC_ARG_MAX goto args_done ; \
	r8 += r0 ; \
	r1 = *(u16 *)(r7 + EXEC_OFF_ARGC) ;	/* argc += 1 */ \
	r1 += 1 ; \
	*(u16 *)(r7 + EXEC_OFF_ARGC) = r1

// All EXEC_ARGS_MAX (16) arguments, unrolled (bounded loops need 5.3+),
// then whether argv has another entry (truncated); a fault or truncation
// is flagged; the data length stored. Labels args_trunc, args_fault,
// args_flag, args_done (once per program).
#define ARGS_READ \
	ARG(0) ; ARG(1) ; ARG(2) ; ARG(3) ; ARG(4) ; ARG(5) ; ARG(6) ; ARG(7) ; \
	ARG(8) ; ARG(9) ; ARG(10) ; ARG(11) ; ARG(12) ; ARG(13) ; ARG(14) ; ARG(15) ; \
	ARGV_PTR(EXEC_ARGS_MAX) ;		/* argv[EXEC_ARGS_MAX] */ \
	if r0 != 0 goto args_done ; \
	r3 = *(u64 *)(r10 + FP_ARGV_I) ; \
	if r3 == 0 goto args_done ; \
args_trunc: ; \
	r2 = EXEC_F_ARGS_TRUNC ; \
	goto args_flag ; \
args_fault: ; \
	r2 = EXEC_F_ARGS_FAULT ; \
args_flag: ; \
	r1 = *(u32 *)(r7 + EV_OFF_FLAGS) ; \
	r1 |= r2 ; \
	*(u32 *)(r7 + EV_OFF_FLAGS) = r1 ; \
args_done: ; \
	*(u16 *)(r7 + EXEC_OFF_DLEN) = r8

.prog exec_enter tracepoint syscalls/sys_enter_execve
#include "exec_enter.h"

.prog execat_enter tracepoint syscalls/sys_enter_execveat
#include "exec_enter.h"

.prog exec_exit tracepoint syscalls/sys_exit_execve
#include "exec_exit.h"

.prog execat_exit tracepoint syscalls/sys_exit_execveat
#include "exec_exit.h"

// Compat tasks (arm64, $pt_compat): the syscalls:* tracepoints skip them;
// raw_syscalls:sys_enter/sys_exit fire, with the 32-bit ARM numbers (EABI:
// execve 11, execveat 387) and the 32-bit registers r0..r2 in x0..x2.
#define COMPAT_NR_EXECVE 11
#define COMPAT_NR_EXECVEAT 387

// A 32-bit task's execve/execveat (a 32-bit shell running a program):
// parked as exec_enter parks it, its filename and argv[] entries 4-byte
// user pointers read from the saved registers (execveat's one register
// later). Every other syscall pays a load and two compares.
.if $pt_compat
.if $task_regs
.prog exec_compat_enter tracepoint raw_syscalls/sys_enter
	r6 = *(u64 *)(r1 + field(id))
	if r6 == COMPAT_NR_EXECVE goto 1f
	if r6 != COMPAT_NR_EXECVEAT goto out
1:
	COMPAT_TASK(out)
	r1 = r0
	if r6 == COMPAT_NR_EXECVE goto 2f
	r1 += PT_REGS_ARG2 - PT_REGS_ARG1
2:
#undef EXEC_UPTR
#define EXEC_UPTR 4
#define EXEC_FNAME_AT PT_REGS_ARG1
#define EXEC_ARGV_AT PT_REGS_ARG2
#define EXEC_AT_REGS
#include "exec_enter.h"
#undef EXEC_FNAME_AT
#undef EXEC_ARGV_AT
#undef EXEC_AT_REGS
#undef EXEC_UPTR
#define EXEC_UPTR $uptr
.endif
.endif

// A 64-bit task that exec'd a 32-bit program (arm64, $pt_compat): now a
// compat task, its syscalls:* exit is skipped; raw_syscalls:sys_exit still
// fires, with the 64-bit number it entered with. And a 32-bit task's exec
// (exec_compat_enter), with its 32-bit number, whatever it became: the
// 64-bit syscalls:* exit takes that number for another call. A failed one
// is still that task, its argv[] of 4-byte pointers. The record parked at
// entry is completed here, and flagged EXEC_F_COMPAT when the program is
// a 32-bit one. Every other syscall pays a load and four compares.
.if $pt_compat
.if $task_regs
.prog exec_compat_exit tracepoint raw_syscalls/sys_exit
	r6 = r1
	r2 = *(u64 *)(r6 + field(id))
	if r2 == COMPAT_NR_EXECVE goto 1f
	if r2 == COMPAT_NR_EXECVEAT goto 1f
	if r2 == $nr_execve goto 2f
	if r2 != $nr_execveat goto out
2:
	// a 64-bit number: only a task now in 32-bit state, whose
	// syscalls:* exit is skipped
	COMPAT_TASK(out)
1:
	r1 = r6
#undef EXEC_UPTR
#define EXEC_UPTR 4
#define EXEC_COMPAT
#include "exec_exit.h"
#undef EXEC_COMPAT
#undef EXEC_UPTR
#define EXEC_UPTR $uptr
.endif
.endif

// A successful exec, in the new program: take the filename from the
// kernel's copy if the entry could not read it, and when a thread other
// than the leader exec'd (it takes over the leader's pid) move its parked
// record to the new key so the exit program finds it.
.prog exec_sched tracepoint sched/sched_process_exec
	r6 = r1
	call bpf_get_current_pid_tgid
	r8 = r0				// key now: tgid << 32 | pid
	*(u64 *)(r10 + FP_NEW_KEY) = r8
	r7 = *(u32 *)(r6 + field(old_pid))
	r1 = *(u32 *)(r6 + field(pid))
	if r1 == r7 goto lookup
	r0 >>= 32
	r0 <<= 32
	r0 |= r7
	*(u64 *)(r10 + FP_OLD_KEY) = r0	// key before the exec
	LOOKUP(exec_pending, FP_OLD_KEY, out)
	UPDATE_PTR(exec_pending, FP_NEW_KEY, r0, RT_BPF_ANY)
	DELETE(exec_pending, FP_OLD_KEY)
lookup:
	LOOKUP(exec_pending, FP_NEW_KEY, out)
	r7 = r0
	r1 = *(u32 *)(r7 + EV_OFF_FLAGS)
	r1 &= EXEC_F_FNAME_OK
	if r1 != 0 goto out
	r3 = *(u32 *)(r6 + field(filename))	// __data_loc: len << 16 | offset
	r3 &= 0xffff
	r3 += r6
	r1 = r7
	r1 += EXEC_OFF_FNAME
	r2 = EXEC_FILENAME_MAX
	READ_KERNEL_STR
	if r0 s<= 0 goto out
	r1 = *(u32 *)(r7 + EV_OFF_FLAGS)
	r1 |= EXEC_F_FNAME_OK
	*(u32 *)(r7 + EV_OFF_FLAGS) = r1
out:
	r0 = 0
	exit
