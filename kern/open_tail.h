// Tail of every open exit program: the record at r9 (reserved in the ring,
// or on the stack for perf buffers) has its flags and mode; r8 holds the
// caller's path pointer, r7 pid_tgid, r6 the context. On the ring buffer the
// record is written in place (reserved at its largest size, the path read
// straight into it): no copy on the stack and no second copy by
// bpf_ringbuf_output, this being the hottest path rawtel has.
	*(u64 *)(r9 + EV_OFF_TID) = r7
	r1 = *(u64 *)(r6 + field(ret))
	*(u32 *)(r9 + OPEN_OFF_RET) = r1
	*(u32 *)(r9 + OPEN_OFF_UID) = 0		// not read on this path (cost)
	KTIME
	*(u64 *)(r9 + EV_OFF_TS) = r0
	r1 = r9
	r1 += OPEN_OFF_COMM
	r2 = 16
	call bpf_get_current_comm
	r1 = r9
	r1 += OPEN_OFF_PATH
	r2 = OPEN_PATH_MAX
	r3 = r8
	READ_USER_STR
	r8 = r0
	if r8 s> 0 goto path_ok
	*(u8 *)(r9 + OPEN_OFF_PATH) = 0
	r8 = 1
path_ok:
	if r8 > OPEN_PATH_MAX goto collided
	r8 += OPEN_OFF_PATH
	r1 = r8
	r1 <<= 16
	r1 |= EV_OPEN
	*(u64 *)(r9 + EV_OFF_TYPE) = r1
.if $perf_buffer
	EMIT(r6, r9, r8, EV_OPEN)
	goto out
collided:
	COUNT_DROP(EV_OPEN)
.else
	SUBMIT(r9, OPEN_REC_MAX)
	goto out
collided:
	r1 = r9
	r2 = RT_BPF_RB_NO_WAKEUP
	call bpf_ringbuf_discard
	COUNT_DROP(EV_OPEN)
.endif
