// Body of an exec entry program (execve, execveat): filename and arguments
// into the per-CPU scratch record, then parked under this thread's id.
// Registers: r6 ctx, r7 record, r8 bytes of argv data, r9 argv.
// EXEC_FNAME_AT/EXEC_ARGV_AT: where r1's object holds the two pointers
// (the tracepoint's fields, or, EXEC_AT_REGS, a compat task's saved
// registers, whose upper halves are dropped).
#ifndef EXEC_FNAME_AT
#define EXEC_FNAME_AT field(filename)
#define EXEC_ARGV_AT field(argv)
#define EXEC_AT_FIELDS
#endif
	r6 = r1
	*(u32 *)(r10 + FP_SCRATCH_KEY) = 0
	r2 = r10
	r2 += FP_SCRATCH_KEY
	r1 = scratch ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r7 = r0
	*(u32 *)(r7 + EV_OFF_FLAGS) = 0
	*(u32 *)(r7 + EXEC_OFF_ARGC) = 0	// and DLEN
	r1 = *(u64 *)(r6 + EXEC_ARGV_AT)
#ifdef EXEC_AT_REGS
	r1 <<= 32			// a 32-bit register's value
	r1 >>= 32
#endif
	*(u64 *)(r7 + EXEC_OFF_UARGV) = r1
	r3 = *(u64 *)(r6 + EXEC_FNAME_AT)
#ifdef EXEC_AT_REGS
	r3 <<= 32
	r3 >>= 32
#endif
	*(u64 *)(r7 + EXEC_OFF_UFNAME) = r3
	r1 = r7
	r1 += EXEC_OFF_FNAME
	r2 = EXEC_FILENAME_MAX
	READ_USER_STR
	if r0 s> 0 goto fname_ok
	*(u8 *)(r7 + EXEC_OFF_FNAME) = 0
	goto fname_done
fname_ok:
	r1 = EXEC_F_FNAME_OK
	*(u32 *)(r7 + EV_OFF_FLAGS) = r1
fname_done:
	r8 = 0
	r9 = *(u64 *)(r7 + EXEC_OFF_UARGV)
	ARGS_READ
	call bpf_get_current_pid_tgid
	*(u64 *)(r10 + FP_PEND_KEY) = r0
	r1 = exec_pending ll
	r2 = r10
	r2 += FP_PEND_KEY
	r3 = r7
	r4 = RT_BPF_ANY
	call bpf_map_update_elem
out:
	r0 = 0
	exit
#ifdef EXEC_AT_FIELDS
#undef EXEC_FNAME_AT
#undef EXEC_ARGV_AT
#undef EXEC_AT_FIELDS
#endif
