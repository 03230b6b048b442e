// Body of an open exit program: claim this thread's slot, then write the
// record. On the ring buffer it is written in place in the ring (reserved
// at its largest size, the path read straight into it): no copy on the
// stack and no second copy by bpf_ringbuf_output, this being the hottest
// path rawtel has. Perf buffers have no reserve: the record is built on the
// stack and copied out. Registers: r6 ctx, r7 pid_tgid, r8 slot, r9 record.
	r6 = r1
	call bpf_get_current_pid_tgid
	r7 = r0
	r1 = r7
	r1 &= OPEN_SLOTS - 1
	*(u32 *)(r10 - 4) = r1
	r2 = r10
	r2 += -4
	r1 = open_inflight ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r8 = r0
	r1 = *(u64 *)(r8 + OPEN_SLOT_ID)
	if r1 != r7 goto out
.if $perf_buffer
	r9 = r10
	r9 += -OPEN_REC_MAX
.else
	r1 = events ll
	r2 = OPEN_REC_MAX
	r3 = 0
	call bpf_ringbuf_reserve
	if r0 != 0 goto reserved
	*(u64 *)(r8 + OPEN_SLOT_ID) = 0
	COUNT_DROP(EV_OPEN)
	goto out
reserved:
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
	*(u64 *)(r9 + EV_OFF_TID) = r7
	r1 = *(u64 *)(r6 + field(ret))
	*(u32 *)(r9 + OPEN_OFF_RET) = r1
	*(u32 *)(r9 + OPEN_OFF_UID) = 0		// not read on this path (cost)
	r8 = *(u64 *)(r9 + EV_OFF_TS)		// the path pointer
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
	// wake the reader only when this record takes the ring across the
	// mark (see EMIT in common.h); the reserve counted it already
	r1 = events ll
	r2 = 0
	call bpf_ringbuf_query
	r2 = RT_BPF_RB_NO_WAKEUP
	if r0 < $wake_bytes goto submit
	r0 -= OPEN_REC_MAX + RT_BPF_RINGBUF_HDR_SZ
	if r0 s>= $wake_bytes goto submit
	r2 = RT_BPF_RB_FORCE_WAKEUP
submit:
	r1 = r9
	call bpf_ringbuf_submit
	goto out
collided:
	r1 = r9
	r2 = RT_BPF_RB_NO_WAKEUP
	call bpf_ringbuf_discard
	COUNT_DROP(EV_OPEN)
.endif
