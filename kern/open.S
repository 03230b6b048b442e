// open: open/openat/openat2 with path, flags, mode, result. The path is
// read when the call returns: by then the kernel has copied it, so its page
// is resident and the read cannot fail for want of a page fault. Where the
// caller's registers are reachable ($task_regs, 5.15+ with BTF) the exit
// programs read the arguments from them and no entry program is loaded or
// attached (kern/open_regs.h). Elsewhere entry parks the arguments in an
// array slot indexed by thread id (the verifier inlines array lookups: no
// hash on this hot path) for the exit (kern/open_slot.h).
#include "common.h"

DECLARE_EVENTS
.if !$task_regs
.map open_inflight array key=4 value=OPEN_SLOT_SIZE max=OPEN_SLOTS
.endif

// Stack (entries and exits): the open_inflight key, and open_how read by
// the openat2 entry
#define FP_SLOT_KEY -20		/* u32, entries (below FILTER_COMM's) */
#define FP_EXIT_KEY -4		/* u32, exits */
#define FP_HOW -16		/* struct open_how's first 16 bytes */
#define FP_REC (-OPEN_REC_MAX)	/* the record, exits on perf buffers */

// Exits: the record (kern/open_exit.h: kern/open_regs.h or
// kern/open_slot.h, then kern/open_tail.h), the arguments by their place in
// the call.
.prog open_exit_openat tracepoint syscalls/sys_exit_openat
#define OPEN_PATH_REG PT_REGS_SYSCALL_ARG2
#define OPEN_FLAGS_REG PT_REGS_SYSCALL_ARG3
#define OPEN_MODE_REG PT_REGS_SYSCALL_ARG4
#include "open_exit.h"

.prog open_exit_open tracepoint syscalls/sys_exit_open
#define OPEN_PATH_REG PT_REGS_SYSCALL_ARG1
#define OPEN_FLAGS_REG PT_REGS_SYSCALL_ARG2
#define OPEN_MODE_REG PT_REGS_SYSCALL_ARG3
#include "open_exit.h"

.prog open_exit_openat2 tracepoint syscalls/sys_exit_openat2
#define OPEN_PATH_REG PT_REGS_SYSCALL_ARG2
#define OPEN_HOW_REG PT_REGS_SYSCALL_ARG3
#include "open_exit.h"

// Entries (kernels without task registers): park the arguments.
.if !$task_regs
// Entry, first half: the slot for this thread in r8 (or goto out); r6 ctx,
// r7 pid_tgid. A slot still owned by another thread means two in-flight
// calls collided: that one's event is lost, and counted.
#define OPEN_SLOT \
	CTX_PID(r7) ; \
	FILTER_PID(r7, out) ; \
	FILTER_COMM(out) ; \
	/* key: the thread's slot */ \
	THREAD_SLOT(open_inflight, OPEN_SLOTS, r7, FP_SLOT_KEY, out) ; \
	r8 = r0 ; \
	r1 = *(u64 *)(r8 + OPEN_SLOT_ID) ;	/* free, or ours: claim it */ \
	if r1 == 0 goto 1f ; \
	if r1 == r7 goto 1f ; \
	COUNT_DROP(EV_OPEN) ;			/* another thread's: it loses */ \
1: ; \
	*(u64 *)(r8 + OPEN_SLOT_ID) = r7 ; \
	r1 = *(u64 *)(r6 + field(filename)) ; \
	*(u64 *)(r8 + OPEN_SLOT_PATH) = r1

.prog open_enter_openat tracepoint syscalls/sys_enter_openat
	OPEN_SLOT
	r1 = *(u64 *)(r6 + field(flags))
	*(u32 *)(r8 + OPEN_SLOT_FLAGS) = r1
	r1 = *(u64 *)(r6 + field(mode))
	*(u32 *)(r8 + OPEN_SLOT_MODE) = r1
out:
	r0 = 0
	exit

// open(2) exists on x86_64 but not on newer architectures
.prog open_enter_open tracepoint syscalls/sys_enter_open
.if has_field(filename)
	OPEN_SLOT
	r1 = *(u64 *)(r6 + field(flags))
	*(u32 *)(r8 + OPEN_SLOT_FLAGS) = r1
	r1 = *(u64 *)(r6 + field(mode))
	*(u32 *)(r8 + OPEN_SLOT_MODE) = r1
.endif
out:
	r0 = 0
	exit

// openat2 (5.6+): flags and mode live in the user's struct open_how
.prog open_enter_openat2 tracepoint syscalls/sys_enter_openat2
.if has_field(how)
	OPEN_SLOT
	*(u64 *)(r8 + OPEN_SLOT_FLAGS) = 0	// flags and mode, if unreadable
	r1 = r10
	r1 += FP_HOW
	r2 = 16
	r3 = *(u64 *)(r6 + field(how))
	READ_USER
	if r0 != 0 goto out
	r1 = *(u64 *)(r10 + FP_HOW)
	*(u32 *)(r8 + OPEN_SLOT_FLAGS) = r1
	r1 = *(u64 *)(r10 + FP_HOW + 8)
	*(u32 *)(r8 + OPEN_SLOT_MODE) = r1
.endif
out:
	r0 = 0
	exit

.endif
