// uprobe: any function in any binary. The entry program stamps the call,
// keyed by thread and function; the return program sends latency and
// return value. Which function it was comes from the attach cookie (5.15+)
// when several are traced; with $cookie 0 only one is attached at a time.
// A recursive call only deepens the outer one, which is reported with its
// whole latency. A thread that dies inside a call (exit, a signal) would
// leave its entries behind: sched_process_exit removes them, so the map
// cannot fill with orphans (it is an LRU map as well, as a second guard).
#include "common.h"

DECLARE_EVENTS
.map up_pending lru_hash key=UP_KEY_SIZE value=UP_PEND_SIZE max=16384

// Stack: the up_pending key and a new value
#define FP_KEY -16		/* {u64 pid_tgid, u64 cookie} */
#define FP_PEND -40		/* {ts, depth, sp} (UP_PEND_SIZE) */
#define FP_REC -80		/* the uprobe record, returns */

// the key at FP_KEY: {pid_tgid (r7), the function's cookie}
#define UP_KEY(CTX) \
	*(u64 *)(r10 + FP_KEY) = r7 ; \
.if $cookie ; \
	r1 = CTX ; \
	call bpf_get_attach_cookie ; \
	*(u64 *)(r10 + FP_KEY + 8) = r0 ; \
.else ; \
	*(u64 *)(r10 + FP_KEY + 8) = 0 ; \
.endif

.prog up_enter uprobe
	CTX_PID(r7)
	FILTER_PID(r7, out)
	FILTER_COMM(out)
	UP_KEY(r6)
	LOOKUP(up_pending, FP_KEY, fresh)
	// nested only if the recorded call's frame is above this one (the
	// stack grows down); else that call's return was never seen: replace it
	r1 = *(u64 *)(r0 + UP_PEND_SP)
	r2 = *(u64 *)(r6 + PT_REGS_SP)
	if r1 <= r2 goto fresh
	r1 = 1
	lock *(u64 *)(r0 + UP_PEND_DEPTH) += r1
	goto out
fresh:
	KTIME
	*(u64 *)(r10 + FP_PEND + UP_PEND_TS) = r0
	*(u64 *)(r10 + FP_PEND + UP_PEND_DEPTH) = 0
	r1 = *(u64 *)(r6 + PT_REGS_SP)
	*(u64 *)(r10 + FP_PEND + UP_PEND_SP) = r1
	UPDATE(up_pending, FP_KEY, FP_PEND, RT_BPF_ANY)
out:
	r0 = 0
	exit

.prog up_return uretprobe
	CTX_PID(r7)
	UP_KEY(r6)
	LOOKUP(up_pending, FP_KEY, out)
	r8 = r0
	r1 = *(u64 *)(r8 + UP_PEND_DEPTH)
	if r1 == 0 goto outermost
	r1 = -1
	lock *(u64 *)(r8 + UP_PEND_DEPTH) += r1
	goto out
outermost:
	// the record, on the stack
	r9 = r10
	r9 += FP_REC
	r1 = EV_UPROBE | (UP_REC_SIZE << 16)
	*(u64 *)(r9 + EV_OFF_TYPE) = r1
	*(u64 *)(r9 + EV_OFF_TID) = r7
	r1 = *(u64 *)(r10 + FP_KEY + 8)		// the cookie
	*(u64 *)(r9 + UP_OFF_FUNC) = r1
	r1 = *(u64 *)(r6 + PT_REGS_RET)
	*(u64 *)(r9 + UP_OFF_RET) = r1
	RETURN_STAMP(r9, r8 + UP_PEND_TS, UP_OFF_LAT, UP_OFF_COMM)
	EMIT(r6, r9, UP_REC_SIZE, EV_UPROBE)
	DELETE(up_pending, FP_KEY)
out:
	r0 = 0
	exit

// A thread ends: forget the calls it never returned from, one key per
// function traced ($n_targets of them; more than one needs cookies, 5.15+,
// whose verifiers take the loop; older ones allow no back-edge).
.prog up_thread_exit tracepoint sched/sched_process_exit
	call bpf_get_current_pid_tgid
	*(u64 *)(r10 + FP_KEY) = r0
	r6 = 0
next:
	*(u64 *)(r10 + FP_KEY + 8) = r6
	DELETE(up_pending, FP_KEY)
.if $cookie
	r6 += 1
	if r6 < $n_targets goto next
.endif
	r0 = 0
	exit
