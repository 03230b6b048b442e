// Head of an open exit program that reads the call's arguments from the
// task's saved registers (kern/open_regs.h, kern/compat.S), after r7 =
// pid_tgid: the filters, then r9 = the record (reserved in the ring, or on
// the stack at FP_REC for perf buffers) and r8 = the saved registers.
	FILTER_PID(r7, out)
	FILTER_COMM(out)
.if $perf_buffer
	r9 = r10
	r9 += FP_REC
.else
	RESERVE(OPEN_REC_MAX, EV_OPEN, out)
	r9 = r0
.endif
	TASK_REGS
	r8 = r0
