// exec: every execve/execveat with its filename, first arguments, parent,
// uid, new comm and result. Arguments must be read on entry (a successful
// exec replaces the address space), so the entry program parks a record
// per thread and the exit program completes and sends it.
#include "common.h"

DECLARE_EVENTS
DECLARE_SCRATCH
DECLARE_PROCS
.map exec_pending lru_hash key=8 value=EXEC_REC_MAX max=512

// One argument: argv[I] -> data at offset r8 (r6 ctx, r7 record, r9 argv).
#define ARG(I) \
	r3 = r9 ; r3 += I * 8 ; r1 = r10 ; r1 += -8 ; r2 = 8 ; READ_USER ; \
	if r0 != 0 goto args_done ; r3 = *(u64 *)(r10 - 8) ; if r3 == 0 goto args_done ; \
	if r8 > EXEC_DATA_MAX - EXEC_ARG_MAX goto args_trunc ; \
	r1 = r7 ; r1 += EXEC_OFF_DATA ; r1 += r8 ; r2 = EXEC_ARG_MAX ; READ_USER_STR ; \
	if r0 s<= 0 goto args_done ; if r0 > EXEC_ARG_MAX goto args_done ; r8 += r0 ; \
	r1 = *(u16 *)(r7 + EXEC_OFF_ARGC) ; r1 += 1 ; *(u16 *)(r7 + EXEC_OFF_ARGC) = r1

// Entry: filename and arguments into the scratch record, parked by thread.
#define EXEC_ENTER \
	r6 = r1 ; \
	*(u32 *)(r10 - 4) = 0 ; r2 = r10 ; r2 += -4 ; r1 = scratch ll ; \
	call bpf_map_lookup_elem ; if r0 == 0 goto out ; r7 = r0 ; \
	*(u32 *)(r7 + EV_OFF_FLAGS) = 0 ; *(u32 *)(r7 + EXEC_OFF_ARGC) = 0 ; \
	r1 = r7 ; r1 += EXEC_OFF_DATA ; r2 = EXEC_FILENAME_MAX ; \
	r3 = *(u64 *)(r6 + field(filename)) ; READ_USER_STR ; \
	r8 = 1 ; if r0 s<= 0 goto fname_empty ; if r0 > EXEC_FILENAME_MAX goto fname_empty ; \
	r8 = r0 ; goto fname_ok

.prog exec_enter tracepoint syscalls/sys_enter_execve
	EXEC_ENTER
#include "exec_args.h"

.prog execat_enter tracepoint syscalls/sys_enter_execveat
	EXEC_ENTER
#include "exec_args.h"

// Exit: complete the parked record and send it.
#define EXEC_EXIT \
	r6 = r1 ; call bpf_get_current_pid_tgid ; r9 = r0 ; *(u64 *)(r10 - 24) = r0 ; \
	r1 = exec_pending ll ; r2 = r10 ; r2 += -24 ; call bpf_map_lookup_elem ; \
	if r0 == 0 goto out ; r7 = r0 ; \
	FILTER_PID(r9, done) ; FILTER_COMM(done) ; \
	*(u16 *)(r7 + EV_OFF_TYPE) = EV_EXEC ; *(u64 *)(r7 + EV_OFF_TID) = r9 ; \
	r1 = *(u64 *)(r6 + field(ret)) ; *(u32 *)(r7 + EXEC_OFF_RET) = r1 ; \
	KTIME ; *(u64 *)(r7 + EV_OFF_TS) = r0 ; \
	call bpf_get_current_uid_gid ; *(u32 *)(r7 + EXEC_OFF_UID) = r0 ; \
	r1 = r7 ; r1 += EXEC_OFF_COMM ; r2 = 16 ; call bpf_get_current_comm ; \
	*(u32 *)(r7 + EXEC_OFF_PPID) = 0 ; r1 = r9 ; r1 >>= 32 ; *(u32 *)(r10 - 28) = r1 ; \
	r2 = r10 ; r2 += -28 ; r1 = procs ll ; call bpf_map_lookup_elem ; \
	if r0 == 0 goto +2 ; r1 = *(u32 *)(r0 + PROC_OFF_PPID) ; *(u32 *)(r7 + EXEC_OFF_PPID) = r1 ; \
	r8 = *(u16 *)(r7 + EXEC_OFF_DLEN) ; if r8 > EXEC_DATA_MAX goto done ; \
	r8 += EXEC_OFF_DATA ; *(u16 *)(r7 + EV_OFF_SIZE) = r8 ; \
	EMIT(r6, r7, r8, EV_EXEC)

.prog exec_exit tracepoint syscalls/sys_exit_execve
	EXEC_EXIT
done:
	r1 = exec_pending ll
	r2 = r10
	r2 += -24
	call bpf_map_delete_elem
out:
	r0 = 0
	exit

.prog execat_exit tracepoint syscalls/sys_exit_execveat
	EXEC_EXIT
done:
	r1 = exec_pending ll
	r2 = r10
	r2 += -24
	call bpf_map_delete_elem
out:
	r0 = 0
	exit

// A thread other than the leader that execs takes over the leader's pid:
// move its parked record to the new key so the exit program finds it.
.prog exec_newpid tracepoint sched/sched_process_exec
	r6 = r1
	r7 = *(u32 *)(r6 + field(old_pid))
	r1 = *(u32 *)(r6 + field(pid))
	if r1 == r7 goto out
	call bpf_get_current_pid_tgid
	r8 = r0				// new key: tgid << 32 | pid
	r0 >>= 32
	r0 <<= 32
	r0 |= r7
	*(u64 *)(r10 - 8) = r0		// old key
	*(u64 *)(r10 - 16) = r8
	r1 = exec_pending ll
	r2 = r10
	r2 += -8
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r3 = r0
	r1 = exec_pending ll
	r2 = r10
	r2 += -16
	r4 = RT_BPF_ANY
	call bpf_map_update_elem
	r1 = exec_pending ll
	r2 = r10
	r2 += -8
	call bpf_map_delete_elem
out:
	r0 = 0
	exit
