// exit: every process that ends, with its exit code or the signal that
// killed it, parent and lifetime. No tracepoint carries the exit code, so
// it is gathered on the way: exit_group()/exit() give the status, a fatal
// signal delivered with the default action gives the signal; the process's
// end (sched_process_exit) sends the record. Start time and parent come
// from the process table (kern/proc.S).
#include "common.h"

DECLARE_EVENTS
DECLARE_PROCS
// tgid -> u32 code or signal, u32 EXIT_F_* flags
.map exit_info lru_hash key=4 value=8 max=4096

// Signals whose default action does not end the process: CHLD CONT STOP
// TSTP TTIN TTOU URG WINCH.
#define SIG_NONFATAL ((1 << 17) | (1 << 18) | (1 << 19) | (1 << 20) | (1 << 21) | \
	(1 << 22) | (1 << 23) | (1 << 28))

// Stack: the exit_info key and value, and exit_done's record (below
// FILTER_COMM's slots)
#define FP_KEY -4		/* u32 tgid */
#define FP_INFO -16		/* {u32 code or signal, u32 flags} */
#define FP_DONE_KEY -20		/* u32 tgid, exit_done */
#define FP_REC -80		/* the exit record, exit_done */

#define KEY_TGID \
	call bpf_get_current_pid_tgid ; \
	r0 >>= 32 ; \
	*(u32 *)(r10 + FP_KEY) = r0
// exit_info[tgid] = {the code at FP_INFO, FLAGS}
#define SAVE(FLAGS) \
	r1 = FLAGS ; \
	*(u32 *)(r10 + FP_INFO + 4) = r1 ; \
	UPDATE(exit_info, FP_KEY, FP_INFO, RT_BPF_ANY)
// skip (goto out) when a group exit or fatal signal is already recorded
#define UNLESS_FINAL \
	r1 = exit_info ll ; \
	r2 = r10 ; \
	r2 += FP_KEY ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto 1f ;			/* nothing recorded yet */ \
	r1 = *(u32 *)(r0 + 4) ; \
	r1 &= EXIT_F_FINAL ; \
	if r1 != 0 goto out ; \
1:

// exit_group(code): the process's status, whatever other threads do next
// (they are killed with a SIGKILL that must not overwrite it).
.prog exit_group_enter tracepoint syscalls/sys_enter_exit_group
	r1 = *(u64 *)(r1 + field(error_code))
	r1 &= 0xff
	*(u32 *)(r10 + FP_INFO) = r1
	KEY_TGID
	SAVE(EXIT_F_CODE | EXIT_F_FINAL)
	r0 = 0
	exit

// exit(code) of one thread: the status if it turns out to be the last one.
.prog exit_thread_enter tracepoint syscalls/sys_enter_exit
	r6 = *(u64 *)(r1 + field(error_code))
	r6 &= 0xff
	KEY_TGID
	UNLESS_FINAL
	*(u32 *)(r10 + FP_INFO) = r6
	SAVE(EXIT_F_CODE)
out:
	r0 = 0
	exit

// A signal delivered with its default action: fatal ones end the process.
.prog exit_signal tracepoint signal/signal_deliver
	r2 = *(u64 *)(r1 + field(sa_handler))
	if r2 != 0 goto out		// a handler runs: not fatal (SIG_DFL is 0)
	r6 = *(u32 *)(r1 + field(sig))
	if r6 s<= 0 goto out
	if r6 s>= 32 goto fatal		// real-time signals terminate by default
	r2 = SIG_NONFATAL
	r2 >>= r6
	r2 &= 1
	if r2 != 0 goto out
fatal:
	KEY_TGID
	UNLESS_FINAL
	*(u32 *)(r10 + FP_INFO) = r6
	SAVE(EXIT_F_SIGNAL | EXIT_F_FINAL)
out:
	r0 = 0
	exit

// exec kills the other threads with SIGKILL; that is not the process's end.
.prog exit_exec tracepoint sched/sched_process_exec
	KEY_TGID
	DELETE(exit_info, FP_KEY)
	r0 = 0
	exit

// The end of a process: the last thread (group_dead, 6.x kernels) or, on
// kernels without that field, the thread group leader.
.prog exit_done tracepoint sched/sched_process_exit
	PROCESS_END(r9, out)
	r1 = r9
	r1 >>= 32
	*(u32 *)(r10 + FP_DONE_KEY) = r1
	FILTER_PID(r9, forget)
	FILTER_COMM(forget)
	// the record, on the stack
	r7 = r10
	r7 += FP_REC
	*(u64 *)(r7 + 0) = 0
	*(u64 *)(r7 + 24) = 0
	*(u64 *)(r7 + 32) = 0
	r1 = EV_EXIT | (EXIT_REC_SIZE << 16)
	*(u32 *)(r7 + EV_OFF_TYPE) = r1
	*(u64 *)(r7 + EV_OFF_TID) = r9
	KTIME
	*(u64 *)(r7 + EV_OFF_TS) = r0
	r1 = r7
	r1 += EXIT_OFF_COMM
	r2 = 16
	call bpf_get_current_comm
	LOOKUP(exit_info, FP_DONE_KEY, no_info)
	r1 = *(u32 *)(r0 + 0)
	*(u32 *)(r7 + EXIT_OFF_CODE) = r1
	r1 = *(u32 *)(r0 + 4)
	r1 &= EXIT_F_CODE | EXIT_F_SIGNAL
	*(u32 *)(r7 + EV_OFF_FLAGS) = r1
no_info:
	LOOKUP(procs, FP_DONE_KEY, send)
	r1 = *(u32 *)(r0 + PROC_OFF_PPID)
	*(u32 *)(r7 + EXIT_OFF_PPID) = r1
	r1 = *(u64 *)(r0 + PROC_OFF_START)
	*(u64 *)(r7 + EXIT_OFF_START) = r1
	r1 = *(u32 *)(r7 + EV_OFF_FLAGS)
	r1 |= EXIT_F_START
	*(u32 *)(r7 + EV_OFF_FLAGS) = r1
send:
	EMIT(r6, r7, EXIT_REC_SIZE, EV_EXIT)
forget:
	DELETE(exit_info, FP_DONE_KEY)
	DELETE(procs, FP_DONE_KEY)
out:
	r0 = 0
	exit
