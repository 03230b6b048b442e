// The iovec walk of a readv/writev/recvmsg/sendmsg exit (kern/sockio_exit.h):
// the bytes the call moved fill its iovecs in order, so each iovec gets
// min(its length, what is left of the return), of which what still fits
// in $capture is copied. Unrolled over SK_IOV_WALK iovecs; a call with
// more, and bytes and room left after them, is flagged DATA_F_IOV_TRUNC.
// In: fp-8 return, fp-16 iovec array, fp-24 count; r9 record. Out: r8
// bytes captured.
#define SK_IOV_WALK 8
#define IOV(I) \
	r1 = *(u64 *)(r10 - 24) ; if r1 <= I goto iov_end ; \
	r1 = *(u64 *)(r10 - 32) ; if r1 >= $capture goto iov_end ; \
	r1 = *(u64 *)(r10 - 8) ; if r1 s<= 0 goto iov_end ; \
	r1 = r10 ; r1 += -48 ; r2 = 16 ; r3 = *(u64 *)(r10 - 16) ; r3 += (I) * 16 ; \
	READ_USER ; if r0 != 0 goto iov_fault ; \
	r2 = *(u64 *)(r10 - 40) ; r1 = *(u64 *)(r10 - 8) ; if r2 <= r1 goto +1 ; r2 = r1 ; \
	r1 -= r2 ; *(u64 *)(r10 - 8) = r1 ; \
	r1 = *(u64 *)(r10 - 32) ; if r1 > $capture goto iov_end ; r3 = $capture ; r3 -= r1 ; \
	if r2 <= r3 goto +1 ; r2 = r3 ; if r2 == 0 goto iov_next ## I ; \
	if r2 > $capture goto iov_end ; *(u64 *)(r10 - 56) = r2 ; r4 = r9 ; r4 += r1 ; \
	r1 = r4 ; r1 += DATA_OFF_BYTES ; r3 = *(u64 *)(r10 - 48) ; READ_USER ; \
	if r0 != 0 goto iov_fault ; r1 = *(u64 *)(r10 - 32) ; r2 = *(u64 *)(r10 - 56) ; \
	r1 += r2 ; *(u64 *)(r10 - 32) = r1 ; \
iov_next ## I:

	*(u64 *)(r10 - 32) = 0
	r1 = *(u64 *)(r10 - 24)
	if r1 != 0 goto iov_walk
	// a msghdr that could not be read at entry
	r1 = DATA_F_FAULT
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
	goto iov_end
iov_walk:
	IOV(0)
	IOV(1)
	IOV(2)
	IOV(3)
	IOV(4)
	IOV(5)
	IOV(6)
	IOV(7)
	// iovecs left unwalked, with bytes in them and room for them
	r1 = *(u64 *)(r10 - 24)
	if r1 <= SK_IOV_WALK goto iov_end
	r1 = *(u64 *)(r10 - 32)
	if r1 >= $capture goto iov_end
	r1 = *(u64 *)(r10 - 8)
	if r1 s<= 0 goto iov_end
	r1 = DATA_F_IOV_TRUNC
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
	goto iov_end
iov_fault:
	r1 = DATA_F_FAULT
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
iov_end:
	r8 = *(u64 *)(r10 - 32)
	if r8 <= $capture goto captured
	r8 = 0
#undef IOV
#undef SK_IOV_WALK
