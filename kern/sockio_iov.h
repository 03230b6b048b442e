// The iovec walk of a readv/writev/recvmsg/sendmsg exit (kern/sockio_exit.h):
// the bytes the call moved fill its iovecs in order, so each iovec gets
// min(its length, what is left of the return), of which what still fits
// in $capture is copied. Unrolled over SK_IOV_WALK iovecs (gRPC's C core
// writes a request's first header block as ~26 small iovecs, nginx and
// Envoy gather up to 64 buffers); a call with more, and bytes and room
// left after them, is flagged DATA_F_IOV_TRUNC.
// Verifier cost: linear in the steps (64: the per-call programs are
// ~3,500 instructions, ~4,500-4,750 verified on 6.18, in ~290 states;
// under the 4,096-instruction cap of kernels before 5.2) because each
// step leaves the same states behind: `left` and `captured` are masked to
// ranges they never leave (a read or write moves at most MAX_RW_COUNT <
// 2^31 bytes; captured <= $capture <= 4096), which drops the bounds the
// verifier would otherwise carry from step to step (how many bytes were
// walked so far); without the masks distinct states pile up and the cost
// grows with the cube of the steps (8: 11k, 32: 660k). Each branch the
// verifier cannot decide costs it a copy of the whole state, so a step
// has as few as it can: the two minimums are computed without one, the
// count captured stays in r8 (its bound from the step's room check holds
// through the helper calls) and one unsigned test both skips an empty
// copy and bounds the copy's length (before: 7,105 instructions verified
// in 624 states for sk_iov_exit, now 6,255 in 397).
// In: FP_LEFT the return, FP_BUF the iovec array, FP_NIOV its count; r9
// record. Out: r8 bytes captured (r8 is free until then: the caller's
// slot or registers are no longer read).
#define SK_IOV_WALK 64
// D = min(D, S) for D and S in [0, 2^31), without a branch (r4 and r5
// clobbered): D + ((S - D) & (S - D) s>> 63). A branch would hand the
// verifier two states to carry through the rest of the step.
#define MIN_SMALL(D, S) \
	r4 = S ; \
	r4 -= D ; \
	r5 = r4 ; \
	r5 s>>= 63 ; \
	r4 &= r5 ; \
	D += r4
#define IOV(I) \
	r1 = *(u64 *)(r10 + FP_NIOV) ;		/* iovec I exists, */ \
	if r1 <= I goto iov_end ; \
	if r8 >= $capture goto iov_end ;	/* there is room, */ \
	r1 = *(u64 *)(r10 + FP_LEFT) ;		/* and bytes for it */ \
	if r1 s<= 0 goto iov_end ; \
	r1 = r10 ;				/* FP_IOV = iovec I */ \
	r1 += FP_IOV ; \
	r2 = 2 * $uptr ;			/* { base, len }: 2 user words */ \
	r3 = *(u64 *)(r10 + FP_BUF) ; \
	r3 += (I) * 2 * $uptr ; \
	READ_USER ; \
	if r0 != 0 goto iov_fault ; \
	LOAD_UPTR(r2, r10 + FP_IOV + $uptr) ;	/* r2 = min(iov_len, 2^31 - 1) */ \
	r3 = r2 ; \
	r3 >>= 31 ; \
	r3 = -r3 ;				/* < 0 when iov_len >= 2^31 */ \
	r3 s>>= 63 ; \
	r2 |= r3 ; \
	r2 &= 0x7fffffff ; \
	r1 = *(u64 *)(r10 + FP_LEFT) ;		/* r2 = min(r2, left) */ \
	MIN_SMALL(r2, r1) ; \
	r1 -= r2 ;				/* left -= r2 */ \
	r1 &= 0x7fffffff ;			/* (the same bounds every step) */ \
	*(u64 *)(r10 + FP_LEFT) = r1 ; \
	r3 = $capture ;				/* r2 = min(r2, room) */ \
	r3 -= r8 ; \
	MIN_SMALL(r2, r3) ; \
	r2 -= 1 ;				/* none: the next; 1..$capture */ \
	if r2 >= $capture goto 3f ;		/* for the verifier */ \
	r2 += 1 ; \
	*(u64 *)(r10 + FP_IOV_COPY) = r2 ; \
	r1 = r9 ;				/* copy r2 bytes after those */ \
	r1 += r8 ; \
	r1 += DATA_OFF_BYTES ; \
	LOAD_UPTR(r3, r10 + FP_IOV) ; \
	READ_USER ; \
	if r0 != 0 goto iov_fault ; \
	r2 = *(u64 *)(r10 + FP_IOV_COPY) ;	/* captured += r2 */ \
	r8 += r2 ; \
	r8 &= 0xffff ;				/* (the same bounds every step) */ \
3: ;
#define IOV4(I) IOV(I) IOV((I) + 1) IOV((I) + 2) IOV((I) + 3)
#define IOV16(I) IOV4(I) IOV4((I) + 4) IOV4((I) + 8) IOV4((I) + 12)

	r8 = 0
	r1 = *(u64 *)(r10 + FP_NIOV)
	if r1 != 0 goto iov_walk
	// a msghdr that could not be read at entry
	r1 = DATA_F_FAULT
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
	goto iov_end
iov_walk:
	IOV16(0)
	IOV16(16)
	IOV16(32)
	IOV16(48)
	// iovecs left unwalked, with bytes in them and room for them
	r1 = *(u64 *)(r10 + FP_NIOV)
	if r1 <= SK_IOV_WALK goto iov_end
	if r8 >= $capture goto iov_end
	r1 = *(u64 *)(r10 + FP_LEFT)
	if r1 s<= 0 goto iov_end
	r1 = DATA_F_IOV_TRUNC
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
	goto iov_end
iov_fault:
	r1 = DATA_F_FAULT
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
iov_end:
	if r8 <= $capture goto captured
	r8 = 0
#undef IOV
#undef IOV4
#undef MIN_SMALL
#undef IOV16
#undef SK_IOV_WALK
