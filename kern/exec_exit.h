// Body of an exec exit program: complete the parked record and send it.
// Registers: r6 ctx, r7 record, r8 bytes of argv data, r9 pid_tgid, then
// argv on the new stack. EXEC_COMPAT defined: the exit on raw_syscalls of
// an exec that involved a 32-bit program (flagged when it runs one now;
// argv as read at entry).
	CTX_PID(r9)
	*(u64 *)(r10 + FP_EXIT_KEY) = r0
	LOOKUP(exec_pending, FP_EXIT_KEY, out)
	r7 = r0
#ifdef EXEC_COMPAT
	COMPAT_TASK(1f)			// a 32-bit program now?
	r1 = *(u32 *)(r7 + EV_OFF_FLAGS)
	r1 |= EXEC_F_COMPAT
	*(u32 *)(r7 + EV_OFF_FLAGS) = r1
1:
#endif
	FILTER_PID(r9, done)
	FILTER_COMM(done)
	r1 = EV_EXEC
	*(u16 *)(r7 + EV_OFF_TYPE) = r1
	*(u64 *)(r7 + EV_OFF_TID) = r9
	r1 = *(u64 *)(r6 + field(ret))
	*(u32 *)(r7 + EXEC_OFF_RET) = r1
	KTIME
	*(u64 *)(r7 + EV_OFF_TS) = r0
	call bpf_get_current_uid_gid
	*(u32 *)(r7 + EXEC_OFF_UID) = r0
	r1 = r7
	r1 += EXEC_OFF_COMM
	r2 = 16
	call bpf_get_current_comm
	*(u32 *)(r7 + EXEC_OFF_PPID) = 0
	r1 = r9
	r1 >>= 32
	*(u32 *)(r10 + FP_PROC_KEY) = r1
	r2 = r10
	r2 += FP_PROC_KEY
	r1 = procs ll
	call bpf_map_lookup_elem
	if r0 == 0 goto no_parent
	r1 = *(u32 *)(r0 + PROC_OFF_PPID)
	*(u32 *)(r7 + EXEC_OFF_PPID) = r1
no_parent:
	r1 = *(u32 *)(r7 + EXEC_OFF_RET)
	if r1 == 0 goto exec_ok
	// failed: still the caller's address space, read its pointers again
	REREAD_STR(r7, EXEC_F_FNAME_OK, EXEC_OFF_FNAME, EXEC_FILENAME_MAX,
		   EXEC_OFF_UFNAME, fname_kept)
	if r0 s<= 0 goto fname_kept
	r1 = *(u32 *)(r7 + EV_OFF_FLAGS)
	r1 |= EXEC_F_FNAME_OK
	*(u32 *)(r7 + EV_OFF_FLAGS) = r1
fname_kept:
	r9 = *(u64 *)(r7 + EXEC_OFF_UARGV)
	goto reread
exec_ok:
#ifdef EXEC_COMPAT
	goto args_kept
#else
.if $task_regs
	// the new program's stack: argc, argv[0..argc-1], NULL
	TASK_REGS
	r9 = *(u64 *)(r0 + PT_REGS_SP)
	r9 += 8
.else
	goto args_kept
.endif
#endif
reread:
	r1 = *(u32 *)(r7 + EV_OFF_FLAGS)
	r2 = r1
	r2 &= EXEC_F_ARGS_FAULT
	if r2 == 0 goto args_kept
	r1 &= ~EXEC_F_ARGS_FAULT
	r1 |= EXEC_F_ARGS_LATE
	*(u32 *)(r7 + EV_OFF_FLAGS) = r1
	*(u32 *)(r7 + EXEC_OFF_ARGC) = 0	// and DLEN
	r8 = 0
	ARGS_READ
args_kept:
	r8 = *(u16 *)(r7 + EXEC_OFF_DLEN)
	EMIT_SIZED(r6, r7, r8, EXEC_OFF_DATA, EXEC_DATA_MAX, EV_EXEC, done)
	DELETE_END(done, exec_pending, FP_EXIT_KEY)
