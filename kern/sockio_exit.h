// Body of a data exit program (kern/sockio.S defines EXIT_CALL, the
// DATA_CALL_* of its syscall, and EXIT_SHAPE: 0 no bytes (sendfile), 1 one
// buffer, 2 an iovec array). When the call moved bytes through a tracked
// socket, moves the socket's stream offset on and, unless user space gave
// the connection up (sk_nocopy), writes the record: in
// place in the ring (reserved at its largest), or in the per-CPU scratch
// for perf buffers. What the record needs is first copied to fixed stack
// slots, from one of two sources:
//  - $task_regs (5.15+ with BTF): the caller's registers saved at the
//    syscall's entry, read here; no entry program runs, the start time
//    is the return's (include/rawtel/events.h DATA_OFF_START);
//  - elsewhere: this thread's sk_io slot, parked by the entry program
//    (kern/sockio.S), claimed here.
// A walk of iovecs writes at a variable offset a variable length, each
// bounded by $capture only as far as the verifier knows: its reservation
// is twice $capture. Registers: r6 ctx, r7 pid_tgid, r8 slot or
// registers, then bytes captured, r9 record. Stack: the FP_* slots of
// kern/sockio.S. EXIT_CALL_BY_NR (task registers only): one program for
// readv, writev, recvmsg and sendmsg, which call it is read from the
// tracepoint's __syscall_nr into FP_CALL_DIR (dir | call << 8).
#if EXIT_SHAPE == 2
#define EXIT_RESERVE (DATA_OFF_BYTES + 2 * $capture)
#elif EXIT_SHAPE == 1
#define EXIT_RESERVE (DATA_OFF_BYTES + $capture)
#else
#define EXIT_RESERVE DATA_OFF_BYTES
#endif
#if EXIT_CALL == EXIT_CALL_BY_NR
#define EXIT_DIR r9				/* set at seq_done */
#elif EXIT_CALL >= DATA_CALL_WRITE
#define EXIT_DIR DATA_DIR_SEND
#define EXIT_SEQ SKF_SEQ_SEND
#define EXIT_PEER SKF_SEQ_RECV
#else
#define EXIT_DIR DATA_DIR_RECV
#define EXIT_SEQ SKF_SEQ_RECV
#define EXIT_PEER SKF_SEQ_SEND
#endif
// The socket's stream offsets in two steps. SEQ_ADVANCE/SEQ_MOVE, before
// the record: FP_PEER_SEQ = the other direction's count (or both FP_SEQ
// and it DATA_SEQ_NONE when the socket is no longer tracked: then goto
// LABEL), the sk_fds entry kept at FP_SKF_PTR (0: none). SEQ_CLAIM, once
// the record has its place in the ring (or there will be none: no record,
// the ring full): FP_SEQ = where the call's bytes (FP_LEFT of them) begin,
// and this direction's count moves on past them. Why the order: a record's
// peer count says what moved the other way before it, and user space
// takes bytes counted there but not yet seen as lost. Another thread's
// call in flight the other way (gRPC reads and writes one connection from
// two threads) must not be in that count before its record is in the ring
// ahead of this one: counted after its reservation, read before ours, it
// is. A record lost still moves its count on (user space sees the gap). A
// plain load, add and store: two threads moving bytes one way through one
// socket at once are unordered anyway.
#define SEQ_ADVANCE(LABEL) \
	*(u64 *)(r10 + FP_KTLS) = 0 ; \
	*(u64 *)(r10 + FP_SKF_PTR) = 0 ; \
	r1 = -1 ;				/* DATA_SEQ_NONE, unless tracked */ \
	*(u64 *)(r10 + FP_SEQ) = r1 ; \
	*(u64 *)(r10 + FP_PEER_SEQ) = r1 ; \
	r1 = *(u32 *)(r10 + FP_FD_DIR) ;	/* r0 = sk_fds[tgid, fd] */ \
	FD_KEY(r7, r1, FP_SKF_KEY) ; \
	r1 = sk_fds ll ; \
	r2 = r10 ; \
	r2 += FP_SKF_KEY ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto LABEL ; \
	r1 = *(u64 *)(r0 + SKF_CONN) ;		/* the same socket still? */ \
	r2 = *(u64 *)(r10 + FP_CONN) ; \
	if r1 != r2 goto LABEL ; \
	SEQ_MOVE
// ...its second half: r0 the socket's sk_fds entry
#define SEQ_MOVE_OF(PEER) \
	r1 = *(u8 *)(r0 + SKF_KTLS) ;		/* its kTLS directions */ \
	*(u64 *)(r10 + FP_KTLS) = r1 ; \
	r1 = *(u64 *)(r0 + PEER) ; \
	*(u64 *)(r10 + FP_PEER_SEQ) = r1 ; \
	*(u64 *)(r10 + FP_SKF_PTR) = r0
// SEQ_CLAIM of direction SEQ (clobbers r1-r3)
#define SEQ_CLAIM_OF(SEQ) \
	r1 = *(u64 *)(r10 + FP_SKF_PTR) ; \
	if r1 == 0 goto 3f ; \
	r2 = *(u64 *)(r1 + SEQ) ; \
	*(u64 *)(r10 + FP_SEQ) = r2 ; \
	r3 = *(u64 *)(r10 + FP_LEFT) ; \
	r2 += r3 ; \
	*(u64 *)(r1 + SEQ) = r2 ; \
3: ;
#if EXIT_CALL == EXIT_CALL_BY_NR
#define SEQ_MOVE \
	r1 = *(u64 *)(r10 + FP_CALL_DIR) ; \
	r1 &= 0xff ; \
	if r1 == DATA_DIR_SEND goto 1f ; \
	SEQ_MOVE_OF(SKF_SEQ_SEND) ; \
	goto 2f ; \
1: ; \
	SEQ_MOVE_OF(SKF_SEQ_RECV) ; \
2:
#define SEQ_CLAIM \
	r1 = *(u64 *)(r10 + FP_CALL_DIR) ; \
	r1 &= 0xff ; \
	if r1 == DATA_DIR_SEND goto 4f ; \
	SEQ_CLAIM_OF(SKF_SEQ_RECV) ; \
	goto 5f ; \
4: ; \
	SEQ_CLAIM_OF(SKF_SEQ_SEND) ; \
5:
#define DIR_CALL r2 = *(u64 *)(r10 + FP_CALL_DIR)
#else
#define SEQ_MOVE SEQ_MOVE_OF(EXIT_PEER)
#define SEQ_CLAIM SEQ_CLAIM_OF(EXIT_SEQ)
#define DIR_CALL r2 = EXIT_DIR | (EXIT_CALL << 8)
#endif

// r0 = the sk_fds entry of the call's fd (registers at r8), FP_FD_DIR
// and FP_SKF_KEY set (task registers)
#define REGS_FD \
	r1 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG1) ; \
	r1 <<= 32 ; \
	r1 >>= 32 ; \
	DIR_CALL ; \
	r2 <<= 32 ; \
	r2 |= r1 ; \
	*(u64 *)(r10 + FP_FD_DIR) = r2 ; \
	FD_KEY(r7, r1, FP_SKF_KEY) ; \
	r1 = sk_fds ll ; \
	r2 = r10 ; \
	r2 += FP_SKF_KEY ; \
	call bpf_map_lookup_elem

// r0 = this thread's note (sk_note), taken away; or goto LABEL (none)
#define NOTE_TAKE(LABEL) \
	THREAD_SLOT(sk_note, SK_NOTE_SLOTS, r7, FP_INH_KEY, LABEL) ; \
	r1 = *(u64 *)(r0 + NOTE_ID) ; \
	if r1 != r7 goto LABEL ; \
	*(u64 *)(r0 + NOTE_ID) = 0

.if $task_regs
	// cheapest first: most calls of everyone else's move no bytes or
	// belong to a process without tracked sockets
	r6 = r1
	r1 = *(u64 *)(r6 + field(ret))
	if r1 s<= 0 goto out
	call bpf_get_current_pid_tgid
	r7 = r0
	GATE(r7, out)
	*(u64 *)(r10 + FP_KTLS) = 0		// until SEQ_MOVE reads the socket's
	r1 = *(u64 *)(r6 + field(ret))		// GATE used r0-r5
	*(u64 *)(r10 + FP_LEFT) = r1
	call bpf_get_current_task_btf
	r1 = r0
	call bpf_task_pt_regs
	r8 = r0
	// MSG_PEEK leaves the bytes queued: they will be read again
	// (recvfrom's flags are its 4th argument, recvmsg's its 3rd)
#if EXIT_CALL == EXIT_CALL_BY_NR
	r1 = *(u32 *)(r6 + field(__syscall_nr))
	r2 = DATA_DIR_RECV | (DATA_CALL_READV << 8)
	if r1 == $nr_readv goto 1f
	r2 = DATA_DIR_SEND | (DATA_CALL_WRITEV << 8)
	if r1 == $nr_writev goto 1f
	r2 = DATA_DIR_SEND | (DATA_CALL_SENDMSG << 8)
	if r1 == $nr_sendmsg goto 1f
	if r1 != $nr_recvmsg goto out
	r1 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG3)
	r1 &= 2
	if r1 != 0 goto out
	r2 = DATA_DIR_RECV | (DATA_CALL_RECVMSG << 8)
1:
	*(u64 *)(r10 + FP_CALL_DIR) = r2
#elif EXIT_CALL == DATA_CALL_RECVFROM
	r1 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG4)
	r1 &= 2
	if r1 != 0 goto out
#elif EXIT_CALL == DATA_CALL_RECVMSG
	r1 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG3)
	r1 &= 2
	if r1 != 0 goto out
#endif
	// the fd (the first argument, sendfile's out_fd too): tracked?
	REGS_FD
	if r0 == 0 goto inherit
found:
	r1 = *(u64 *)(r0 + SKF_CONN)
	*(u64 *)(r10 + FP_CONN) = r1
	SEQ_MOVE
.if $first_use
	NOTE_TAKE(1f)				// this call's note, if any (sk_note)
1:
.endif
#if EXIT_SHAPE == 1
	r1 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG2)
	*(u64 *)(r10 + FP_BUF) = r1
#elif EXIT_SHAPE == 2
#if EXIT_CALL == EXIT_CALL_BY_NR
	r1 = *(u64 *)(r10 + FP_CALL_DIR)
	r1 >>= 8
	if r1 == DATA_CALL_READV goto vec
	if r1 == DATA_CALL_WRITEV goto vec
#endif
#if EXIT_CALL == EXIT_CALL_BY_NR || EXIT_CALL == DATA_CALL_RECVMSG || \
	EXIT_CALL == DATA_CALL_SENDMSG
	// the msghdr's msg_iov (at 16) and msg_iovlen (at 24); unreadable,
	// the record says only how many bytes moved (no iovecs: flagged)
	*(u64 *)(r10 + FP_NIOV) = 0
	r1 = r10
	r1 += FP_IOV
	r2 = 16
	r3 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG2)
	r3 += 16
	READ_USER
	if r0 != 0 goto seq_done
	r1 = *(u64 *)(r10 + FP_IOV)
	*(u64 *)(r10 + FP_BUF) = r1
	r1 = *(u64 *)(r10 + FP_IOV + 8)
	*(u64 *)(r10 + FP_NIOV) = r1
#endif
#if EXIT_CALL == EXIT_CALL_BY_NR
	goto seq_done
vec:
#endif
#if EXIT_CALL != DATA_CALL_RECVMSG && EXIT_CALL != DATA_CALL_SENDMSG
	r1 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG2)
	*(u64 *)(r10 + FP_BUF) = r1
	r1 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG3)
	*(u64 *)(r10 + FP_NIOV) = r1
#endif
#endif
	goto seq_done
.else
	r6 = r1
	call bpf_get_current_pid_tgid
	r7 = r0
	THREAD_SLOT(sk_io, SK_IO_SLOTS, r7, FP_SLOT_KEY, out)
	r8 = r0
	r1 = *(u64 *)(r8 + SKIO_ID)
	if r1 != r7 goto displaced
	r1 = *(u8 *)(r8 + SKIO_CALL)
	if r1 != EXIT_CALL goto release
	r1 = *(u64 *)(r6 + field(ret))
	*(u64 *)(r10 + FP_LEFT) = r1
	if r1 s> 0 goto moved
release:
	*(u64 *)(r8 + SKIO_ID) = 0
	goto out
// Another thread's entry took the slot over while this call was in it:
// its record is lost (counted there), but its bytes still count in the
// socket's stream offset, from what that entry kept.
displaced:
	r1 = *(u64 *)(r8 + SKIO_VID)
	if r1 != r7 goto out
	*(u64 *)(r8 + SKIO_VID) = 0
	r1 = *(u8 *)(r8 + SKIO_VCALL)
	if r1 != EXIT_CALL goto out
	r1 = *(u64 *)(r6 + field(ret))
	*(u64 *)(r10 + FP_LEFT) = r1
	if r1 s<= 0 goto out
	r1 = *(u64 *)(r8 + SKIO_VCONN)
	*(u64 *)(r10 + FP_CONN) = r1
	r1 = *(u32 *)(r8 + SKIO_VFD)
	*(u64 *)(r10 + FP_FD_DIR) = r1
	SEQ_ADVANCE(out)
	SEQ_CLAIM
	goto out
moved:
	// what entry saw, then release the slot: if another thread took it
	// meanwhile, those may be its values (and ours are the displaced
	// call's)
	r1 = *(u64 *)(r8 + SKIO_CONN)
	*(u64 *)(r10 + FP_CONN) = r1
	r1 = *(u64 *)(r8 + SKIO_START)
	*(u64 *)(r10 + FP_START) = r1
	r1 = *(u64 *)(r8 + SKIO_FD)
	*(u64 *)(r10 + FP_FD_DIR) = r1
	r1 = *(u64 *)(r8 + SKIO_BUF)
	*(u64 *)(r10 + FP_BUF) = r1
	r1 = *(u16 *)(r8 + SKIO_VLEN)
	*(u64 *)(r10 + FP_NIOV) = r1
	r1 = *(u64 *)(r8 + SKIO_ID)
	*(u64 *)(r8 + SKIO_ID) = 0
	if r1 != r7 goto displaced
	SEQ_ADVANCE(seq_done)
.endif
seq_done:
#if EXIT_CALL == EXIT_CALL_BY_NR
	r9 = *(u64 *)(r10 + FP_CALL_DIR)	// EXIT_DIR
	r9 &= 0xff
	if r9 != DATA_DIR_SEND goto prefix_done
	TLS_PREFIX_BIND(TLS_PFX_IOV0)
prefix_done:
#elif EXIT_DIR == DATA_DIR_SEND && EXIT_SHAPE == 1
	TLS_PREFIX_BIND()
#elif EXIT_DIR == DATA_DIR_SEND && EXIT_SHAPE == 2
	TLS_PREFIX_BIND(TLS_PFX_IOV0)
#endif
	// the ciphertext of a TLS call in flight: its connection is the
	// call's, no record (kern/tls_bind.h)
	TLS_BIND(no_record)
	// a kTLS socket's plaintext direction: the TLS connection's
	// plaintext, made by no library call (sendfile under SSL_sendfile, a
	// program that keyed the socket itself); user space parses it, so it
	// is wanted even where the ciphertext's stream was given up
	r1 = *(u64 *)(r10 + FP_KTLS)
	r1 >>= EXIT_DIR
	r1 &= 1
	r1 *= DATA_F_KTLS
	*(u64 *)(r10 + FP_KTLS) = r1
	if r1 == 0 goto ktls_done
#if EXIT_CALL == EXIT_CALL_BY_NR
	r1 = *(u64 *)(r10 + FP_CALL_DIR)
	r1 >>= 8
	if r1 == DATA_CALL_READV goto wanted
	if r1 == DATA_CALL_WRITEV goto wanted
#endif
#if EXIT_CALL == EXIT_CALL_BY_NR || EXIT_CALL == DATA_CALL_RECVMSG || \
	EXIT_CALL == DATA_CALL_SENDMSG
	// not application data: an alert, a ticket (kern/sockio_ktls.h)
	KTLS_CMSG(ktls_ctrl)
.if $task_regs
	goto wanted
ktls_ctrl:
	r1 = DATA_F_KTLS | DATA_F_KTLS_CTRL
	*(u64 *)(r10 + FP_KTLS) = r1
.endif
#endif
	goto wanted
ktls_done:
	// a connection user space gave up (sk_nocopy): its offsets moved on,
	// no record, no copy; counted
	r1 = sk_nocopy ll
	r2 = r10
	r2 += FP_CONN
	call bpf_map_lookup_elem
	if r0 == 0 goto wanted
no_record:
	SEQ_CLAIM
	*(u32 *)(r10 + FP_SCRATCH_KEY) = 0
	r2 = r10
	r2 += FP_SCRATCH_KEY
	r1 = sk_nocopy_n ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = *(u64 *)(r0 + 0)		// per CPU: no other writer
	r1 += 1
	*(u64 *)(r0 + 0) = r1
	goto out
wanted:
.if $perf_buffer
	*(u32 *)(r10 + FP_SCRATCH_KEY) = 0
	r2 = r10
	r2 += FP_SCRATCH_KEY
	r1 = sk_scratch ll
	call bpf_map_lookup_elem
	if r0 == 0 goto claim_out
.else
	RESERVE(EXIT_RESERVE, EV_DATA, claim_out)
.endif
	r9 = r0
	r1 = *(u64 *)(r10 + FP_CONN)
	*(u64 *)(r9 + DATA_OFF_CONN) = r1
	r1 = *(u64 *)(r10 + FP_FD_DIR)
	*(u64 *)(r9 + DATA_OFF_FD) = r1
	*(u64 *)(r9 + EV_OFF_TID) = r7
	*(u32 *)(r9 + EV_OFF_FLAGS) = 0
	r1 = *(u64 *)(r10 + FP_LEFT)
	*(u64 *)(r9 + DATA_OFF_TOTAL) = r1
.if $task_regs
	// the start is the return: nothing ran at the entry
	KTIME
	*(u64 *)(r9 + EV_OFF_TS) = r0
	*(u64 *)(r9 + DATA_OFF_START) = r0
.else
	r1 = *(u64 *)(r10 + FP_START)
	*(u64 *)(r9 + DATA_OFF_START) = r1
	KTIME
	*(u64 *)(r9 + EV_OFF_TS) = r0
.endif
	// its place in the ring (and, on perf buffers, its time) taken
	SEQ_CLAIM
	r1 = *(u64 *)(r10 + FP_SEQ)
	*(u64 *)(r9 + DATA_OFF_SEQ) = r1
	r1 = *(u64 *)(r10 + FP_PEER_SEQ)
	*(u64 *)(r9 + DATA_OFF_PEER) = r1
	r8 = 0
#if EXIT_SHAPE == 1
.if $capture
	r2 = *(u64 *)(r10 + FP_LEFT)
	if r2 s< 1 goto captured
	if r2 <= $capture goto 1f
	r2 = $capture
1:
	r8 = r2
	r1 = r9
	r1 += DATA_OFF_BYTES
	r3 = *(u64 *)(r10 + FP_BUF)
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
	r1 = *(u32 *)(r9 + EV_OFF_FLAGS)	// DATA_F_KTLS, or 0
	r2 = *(u64 *)(r10 + FP_KTLS)
	r1 |= r2
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
	DATA_SEAL(r9, r8)
.if $perf_buffer
	if r8 > EXIT_RESERVE goto out
	EMIT(r6, r9, r8, EV_DATA)
	goto out
.else
	SUBMIT(r9, EXIT_RESERVE)
	goto out
.endif
claim_out:
	SEQ_CLAIM
out:
	r0 = 0
	exit
.if $task_regs & $first_use
// An fd the process does not track: a socket it did not make, noted in
// this call (kern/sock.S, sk_*_inherit)? Learned when the note's bytes
// and direction are this call's, the process selected, and the socket
// not learned under this fd before (user space drops one it cannot
// place: not again on every call), then captured as if tracked from
// the start. The note is taken away either way.
inherit:
	NOTE_TAKE(out)
	r8 = r0
	r1 = *(u32 *)(r8 + NOTE_RET)		// the call's bytes and direction?
	r2 = *(u64 *)(r10 + FP_LEFT)
	r2 <<= 32
	r2 >>= 32
	if r1 != r2 goto out
	r1 = *(u8 *)(r8 + NOTE_DIR)
	r2 = *(u64 *)(r10 + FP_FD_DIR)
	r2 >>= 32
	r2 &= 0xff
	if r1 != r2 goto out
	r1 = *(u64 *)(r8 + NOTE_SK)		// r8 = sk_born[sk]
	*(u64 *)(r10 + FP_INH_KEY) = r1
	LOOKUP(sk_born, FP_INH_KEY, 1f)
	goto 2f
1:
	r1 = *(u16 *)(r8 + NOTE_FAMILY)
	BORN_BEFORE(FP_INH_KEY, FP_REC, out)
2:
	r8 = r0
	r3 = *(u32 *)(r10 + FP_FD_DIR)		// the fd
	r1 = r7
	r1 >>= 32
	r2 = *(u32 *)(r8 + SKB_TGID)
	if r1 != r2 goto 3f
	r2 = *(u32 *)(r8 + SKB_FD)
	if r2 == SKB_FD_UNSEL goto out
	if r2 == r3 goto out
3:
	*(u32 *)(r8 + SKB_TGID) = r1
	*(u32 *)(r8 + SKB_FD) = r3
	SELECT(r7, unsel)
	r1 = *(u32 *)(r10 + FP_FD_DIR)
	ZERO_REC
	*(u32 *)(r9 + SOCK_OFF_FD) = r1
	r1 = -1
	*(u32 *)(r9 + SOCK_OFF_LFD) = r1
	r1 = *(u8 *)(r8 + SKB_ROLE)
	*(u8 *)(r9 + SOCK_OFF_ROLE) = r1
	r1 = *(u16 *)(r8 + SKB_FAMILY)
	*(u16 *)(r9 + SOCK_OFF_FAMILY) = r1
	r1 = *(u16 *)(r8 + SKB_LPORT)
	*(u16 *)(r9 + SOCK_OFF_LPORT) = r1
	r1 = *(u16 *)(r8 + SKB_RPORT)
	*(u16 *)(r9 + SOCK_OFF_RPORT) = r1
	r1 = *(u64 *)(r8 + SKB_LADDR)
	*(u64 *)(r9 + SOCK_OFF_LADDR) = r1
	r1 = *(u64 *)(r8 + SKB_LADDR + 8)
	*(u64 *)(r9 + SOCK_OFF_LADDR + 8) = r1
	r1 = *(u64 *)(r8 + SKB_RADDR)
	*(u64 *)(r9 + SOCK_OFF_RADDR) = r1
	r1 = *(u64 *)(r8 + SKB_RADDR + 8)
	*(u64 *)(r9 + SOCK_OFF_RADDR + 8) = r1
	r1 = *(u16 *)(r8 + SKB_LPORT)		// 0: born before rawtel, the
	if r1 == 0 goto 4f			// addresses for user space
	r1 = SOCK_F_LOCAL | SOCK_F_REMOTE
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
4:
	// the reader woken now: a socket older than rawtel has its
	// addresses found in /proc by the fd, while the process holds it
	LEARN_BY(SOCK_K_INHERIT, out, EMIT_NOW)
	// the call again: its return, its registers, the socket's new entry
	r1 = *(u64 *)(r6 + field(ret))
	*(u64 *)(r10 + FP_LEFT) = r1
	call bpf_get_current_task_btf
	r1 = r0
	call bpf_task_pt_regs
	r8 = r0
	REGS_FD
	if r0 == 0 goto out
	goto found
unsel:
	r1 = SKB_FD_UNSEL
	*(u32 *)(r8 + SKB_FD) = r1
	goto out
.elif $task_regs
inherit:
	goto out
.endif
#undef REGS_FD
#undef NOTE_TAKE
#undef EXIT_RESERVE
#undef EXIT_DIR
#undef EXIT_SEQ
#undef EXIT_PEER
#undef SEQ_ADVANCE
#undef SEQ_MOVE
#undef SEQ_MOVE_OF
#undef SEQ_CLAIM
#undef SEQ_CLAIM_OF
#undef DIR_CALL
#undef EXIT_CALL
#undef EXIT_SHAPE
