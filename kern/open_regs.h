// Head of an open exit program where the caller's registers are reachable
// (task registers through BTF, 5.15+): a syscall's arguments are still in
// the registers saved at its entry when it returns, so no entry program
// runs at all: half the hooks on the hottest path, and no slot to claim.
// OPEN_PATH_REG, OPEN_FLAGS_REG, OPEN_MODE_REG: the PT_REGS_* offsets of
// the arguments (OPEN_HOW_REG instead of the last two: openat2's struct
// open_how); undefined again at the end. Registers: r6 ctx, r7 pid_tgid,
// r8 registers then the path pointer, r9 record.
	CTX_PID(r7)
#include "open_head.h"
#ifdef OPEN_HOW_REG
	// flags and mode (the low halves of open_how's first two u64s), read
	// through the path's room, which the path overwrites next
	*(u64 *)(r9 + OPEN_OFF_OFLAGS) = 0
	r1 = r9
	r1 += OPEN_OFF_PATH
	r2 = 16
	r3 = *(u64 *)(r8 + OPEN_HOW_REG)
	READ_USER
	if r0 != 0 goto 1f
	r1 = *(u32 *)(r9 + OPEN_OFF_PATH)
	*(u32 *)(r9 + OPEN_OFF_OFLAGS) = r1
	r1 = *(u32 *)(r9 + OPEN_OFF_PATH + 8)
	*(u32 *)(r9 + OPEN_OFF_MODE) = r1
1:
#else
	r1 = *(u64 *)(r8 + OPEN_FLAGS_REG)
	*(u32 *)(r9 + OPEN_OFF_OFLAGS) = r1
	r1 = *(u64 *)(r8 + OPEN_MODE_REG)
	*(u32 *)(r9 + OPEN_OFF_MODE) = r1
#endif
	r8 = *(u64 *)(r8 + OPEN_PATH_REG)
#include "open_tail.h"
#undef OPEN_PATH_REG
#undef OPEN_FLAGS_REG
#undef OPEN_MODE_REG
#undef OPEN_HOW_REG
