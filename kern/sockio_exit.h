// Body of a data exit program (kern/sockio.S defines EXIT_CALL, the
// DATA_CALL_* its entry parked, and EXIT_SHAPE: 0 no bytes (sendfile),
// 1 one buffer, 2 an iovec array). Claims this thread's slot and, when
// the call moved bytes, writes the record: in place in the ring (reserved
// at its largest), or in the per-CPU scratch for perf buffers.
// A walk of iovecs writes at a variable offset a variable length, each
// bounded by $capture only as far as the verifier knows: its reservation
// is twice $capture. Registers: r6 ctx, r7 pid_tgid, r8 slot then bytes
// captured, r9 record. Stack: fp-8 bytes of the return not yet walked,
// fp-16 buffer, fp-24 iovecs, fp-32 bytes captured, fp-48 one iovec.
#if EXIT_SHAPE == 2
#define EXIT_RESERVE (DATA_OFF_BYTES + 2 * $capture)
#elif EXIT_SHAPE == 1
#define EXIT_RESERVE (DATA_OFF_BYTES + $capture)
#else
#define EXIT_RESERVE DATA_OFF_BYTES
#endif
	r6 = r1
	call bpf_get_current_pid_tgid
	r7 = r0
	r1 = r7
	r1 &= SK_IO_SLOTS - 1
	*(u32 *)(r10 - 4) = r1
	r2 = r10
	r2 += -4
	r1 = sk_io ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r8 = r0
	r1 = *(u64 *)(r8 + SKIO_ID)
	if r1 != r7 goto out
	r1 = *(u8 *)(r8 + SKIO_CALL)
	if r1 != EXIT_CALL goto release
	r1 = *(u64 *)(r6 + field(ret))
	*(u64 *)(r10 - 8) = r1
	if r1 s> 0 goto moved
release:
	*(u64 *)(r8 + SKIO_ID) = 0
	goto out
moved:
.if $perf_buffer
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = sk_scratch ll
	call bpf_map_lookup_elem
	if r0 == 0 goto release
.else
	r1 = events ll
	r2 = EXIT_RESERVE
	r3 = 0
	call bpf_ringbuf_reserve
	if r0 != 0 goto reserved
	*(u64 *)(r8 + SKIO_ID) = 0
	COUNT_DROP(EV_DATA)
	goto out
reserved:
.endif
	r9 = r0
	// what entry saw (fd, dir, call in the record's order), then release
	// the slot: if another thread took it meanwhile, those were its values
	r1 = *(u64 *)(r8 + SKIO_CONN)
	*(u64 *)(r9 + DATA_OFF_CONN) = r1
	r1 = *(u64 *)(r8 + SKIO_START)
	*(u64 *)(r9 + DATA_OFF_START) = r1
	r1 = *(u64 *)(r8 + SKIO_FD)
	*(u64 *)(r9 + DATA_OFF_FD) = r1
	r1 = *(u64 *)(r8 + SKIO_BUF)
	*(u64 *)(r10 - 16) = r1
	r1 = *(u16 *)(r8 + SKIO_VLEN)
	*(u64 *)(r10 - 24) = r1
	r1 = *(u64 *)(r8 + SKIO_ID)
	*(u64 *)(r8 + SKIO_ID) = 0
	if r1 != r7 goto collided
	*(u64 *)(r9 + EV_OFF_TID) = r7
	*(u32 *)(r9 + EV_OFF_FLAGS) = 0
	r1 = *(u64 *)(r10 - 8)
	*(u64 *)(r9 + DATA_OFF_TOTAL) = r1
	KTIME
	*(u64 *)(r9 + EV_OFF_TS) = r0
	r8 = 0
#if EXIT_SHAPE == 1
.if $capture
	r2 = *(u64 *)(r10 - 8)
	if r2 s< 1 goto captured
	if r2 <= $capture goto +1
	r2 = $capture
	r8 = r2
	r1 = r9
	r1 += DATA_OFF_BYTES
	r3 = *(u64 *)(r10 - 16)
	READ_USER
	if r0 == 0 goto captured
	r8 = 0
	r1 = DATA_F_FAULT
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
.endif
#elif EXIT_SHAPE == 2
.if $capture
#include "sockio_iov.h"
.endif
#endif
captured:
	*(u16 *)(r9 + DATA_OFF_CAP) = r8
	r8 += DATA_OFF_BYTES
	r1 = r8
	r1 <<= 16
	r1 |= EV_DATA
	*(u32 *)(r9 + EV_OFF_TYPE) = r1
.if $perf_buffer
	if r8 > EXIT_RESERVE goto out
	EMIT(r6, r9, r8, EV_DATA)
	goto out
collided:
	COUNT_DROP(EV_DATA)
.else
	// wake the reader only when this record takes the ring across the
	// mark (see EMIT in common.h); the reserve counted it already
	r1 = events ll
	r2 = 0
	call bpf_ringbuf_query
	r2 = RT_BPF_RB_NO_WAKEUP
	if r0 < $wake_bytes goto submit
	r0 -= EXIT_RESERVE + RT_BPF_RINGBUF_HDR_SZ
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
	COUNT_DROP(EV_DATA)
.endif
out:
	r0 = 0
	exit
#undef EXIT_RESERVE
