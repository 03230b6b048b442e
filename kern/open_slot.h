// Body of an open exit program where an entry program parked the
// arguments (kernels without task registers): claim this thread's slot,
// then write the record (kern/open_tail.h). Registers: r6 ctx, r7 pid_tgid,
// r8 slot, r9 record.
	CTX_PID(r7)
	THREAD_SLOT(open_inflight, OPEN_SLOTS, r7, FP_EXIT_KEY, out)
	r8 = r0
	r1 = *(u64 *)(r8 + OPEN_SLOT_ID)
	if r1 != r7 goto out
.if $perf_buffer
	r9 = r10
	r9 += FP_REC
.else
	// a full ring releases the slot too
	RESERVE(OPEN_REC_MAX, EV_OPEN, out, *(u64 *)(r8 + OPEN_SLOT_ID) = 0)
	r9 = r0
.endif
	// what entry saw, then release the slot; if another thread took it
	// meanwhile (a collision), its values are not ours: drop the record
	r1 = *(u64 *)(r8 + OPEN_SLOT_PATH)
	*(u64 *)(r9 + EV_OFF_TS) = r1
	r1 = *(u64 *)(r8 + OPEN_SLOT_FLAGS)
	*(u64 *)(r9 + OPEN_OFF_OFLAGS) = r1
	r1 = *(u64 *)(r8 + OPEN_SLOT_ID)
	*(u64 *)(r8 + OPEN_SLOT_ID) = 0
	if r1 != r7 goto collided
	r8 = *(u64 *)(r9 + EV_OFF_TS)		// the path pointer
#include "open_tail.h"
