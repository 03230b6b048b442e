// tls: the plaintext of OpenSSL's SSL_read, SSL_write, SSL_read_ex and
// SSL_write_ex (1.1.1 and 3.x: the same symbols) and GnuTLS's
// gnutls_record_recv and gnutls_record_send (the same shape as SSL_read
// and SSL_write: session, buffer, size; a negative return an error code,
// a record's count well within an int), as data records with
// DATA_F_TLS, tied in the kernel to the TCP connection the call's own
// syscalls used (include/rawtel/tls.h says how; kern/tls_bind.h is the
// syscall side). The entry parks the call by thread; the return checks
// what the call returned (<= 0: no bytes; _ex: 1, then the count from its
// out-parameter), learns or looks up the SSL object's connection, and
// copies the first $capture bytes of the caller's buffer (at the return a
// read's holds the bytes read, a write's still what was written).
// Load-time constants: those of kern/sock.h, and $tls (1: this unit is
// loaded, kern/tls_bind.h binds).
#include "sock.h"
#include "tls_bind.h"

DECLARE_SOCK_MAPS
DECLARE_TLS_PEND
.if $perf_buffer
// perf buffers have no reservation: the record is made in a map, by
// thread (a per-CPU scratch could be shared by a preempted program)
.if $tls
.map tls_rec lru_hash key=8 value=DATA_REC_MAX max=1024
.else
.map tls_rec lru_hash key=8 value=DATA_REC_MAX max=1
.endif
.map tls_zero array key=4 value=DATA_REC_MAX max=1
.endif

// Stack (SELECT's slots, kern/sock.h, are above -24)
#define FP_KEY -32		/* u64 pid_tgid: tls_pend key */
#define FP_PEND -80		/* TLSP_SIZE: the call parked */
#define FP_SKEY -96		/* {tgid, SSL*}: tls_ssl key */
#define FP_SVAL -112		/* {conn, fd}: its binding */
#define FP_TOTAL -120		/* bytes the call moved */
#define FP_ZKEY -124		/* u32 0: tls_zero key */

// An entry program's body: CALL DATA_CALL_SSL_*, DIR DATA_DIR_*, EXLEN a
// statement setting r1 to the _ex out-parameter (its 4th argument) or 0.
// r6 ctx, r7 pid_tgid. A call still parked on this thread is replaced: its
// return was never seen (or this is nested, and only the inner one is
// told).
#define TLS_ENTER(CALL, DIR, EXLEN) \
	r6 = r1 ; \
	call bpf_get_current_pid_tgid ; \
	r7 = r0 ; \
	SELECT(r7, out) ; \
	*(u64 *)(r10 + FP_KEY) = r7 ; \
	r1 = *(u64 *)(r6 + PT_REGS_ARG1) ;	/* the SSL object */ \
	*(u64 *)(r10 + FP_PEND + TLSP_SSL) = r1 ; \
	r1 = *(u64 *)(r6 + PT_REGS_ARG2) ;	/* the buffer */ \
	*(u64 *)(r10 + FP_PEND + TLSP_BUF) = r1 ; \
	EXLEN ; \
	*(u64 *)(r10 + FP_PEND + TLSP_EXLEN) = r1 ; \
	*(u64 *)(r10 + FP_PEND + TLSP_CONN) = 0 ; \
	r1 = DIR | (CALL << 8) ;		/* fd 0, dir, call, no mismatch */ \
	r1 <<= 32 ; \
	*(u64 *)(r10 + FP_PEND + TLSP_FD) = r1 ; \
	KTIME ; \
	*(u64 *)(r10 + FP_PEND + TLSP_START) = r0 ; \
	r1 = tls_pend ll ; \
	r2 = r10 ; \
	r2 += FP_KEY ; \
	r3 = r10 ; \
	r3 += FP_PEND ; \
	r4 = RT_BPF_ANY ; \
	call bpf_map_update_elem ; \
out: ; \
	r0 = 0 ; \
	exit

.prog tls_read_enter uprobe
	TLS_ENTER(DATA_CALL_SSL_READ, DATA_DIR_RECV, r1 = 0)

.prog tls_read_ex_enter uprobe
	TLS_ENTER(DATA_CALL_SSL_READ_EX, DATA_DIR_RECV, r1 = *(u64 *)(r6 + PT_REGS_ARG4))

.prog tls_write_enter uprobe
	TLS_ENTER(DATA_CALL_SSL_WRITE, DATA_DIR_SEND, r1 = 0)

.prog tls_write_ex_enter uprobe
	TLS_ENTER(DATA_CALL_SSL_WRITE_EX, DATA_DIR_SEND, r1 = *(u64 *)(r6 + PT_REGS_ARG4))

// SSL_write_ex2 (3.3+): flags before the out-parameter. A call of
// SSL_write_ex that goes through it is parked twice on the thread: the
// inner one, replacing the outer, makes the one record
.prog tls_write_ex2_enter uprobe
	TLS_ENTER(DATA_CALL_SSL_WRITE_EX, DATA_DIR_SEND, r1 = *(u64 *)(r6 + PT_REGS_ARG5))

.prog tls_grecv_enter uprobe
	TLS_ENTER(DATA_CALL_GNUTLS_RECV, DATA_DIR_RECV, r1 = 0)

.prog tls_gsend_enter uprobe
	TLS_ENTER(DATA_CALL_GNUTLS_SEND, DATA_DIR_SEND, r1 = 0)

// SSL_do_handshake (SSL_connect, SSL_accept): parked for tls_bio_write,
// binding nothing, making no record (TLSP_DIR_NONE)
.prog tls_hs_enter uprobe
	TLS_ENTER(0, TLSP_DIR_NONE, r1 = 0)

// BIO_write inside a parked call of an SSL object not bound yet: the
// first bytes of its ciphertext, for the send that will carry them
// (rawtel/tls.h, kern/tls_bind.h). Anything but a TLS record is left.
#define FP_PFX -152		/* TLSX_KEY_SIZE: {tgid, bytes} */
.prog tls_bio_write uprobe
	r6 = r1
	call bpf_get_current_pid_tgid
	r7 = r0
	SELECT(r7, out)
	*(u64 *)(r10 + FP_KEY) = r7
	LOOKUP(tls_pend, FP_KEY, out)
	r1 = r7					// already bound?
	r1 >>= 32
	*(u64 *)(r10 + FP_SKEY) = r1
	*(u64 *)(r10 + FP_PFX) = r1
	r1 = *(u64 *)(r0 + TLSP_SSL)
	*(u64 *)(r10 + FP_SKEY + 8) = r1
	*(u64 *)(r10 + FP_SVAL) = r1
	r1 = tls_ssl ll
	r2 = r10
	r2 += FP_SKEY
	call bpf_map_lookup_elem
	if r0 != 0 goto out
	r1 = *(u64 *)(r6 + PT_REGS_ARG3)	// an int length
	r1 <<= 32
	r1 s>>= 32
	if r1 s< TLS_PREFIX_LEN goto out
	r1 = r10
	r1 += FP_PFX + 8
	r2 = TLS_PREFIX_LEN
	r3 = *(u64 *)(r6 + PT_REGS_ARG2)
	READ_USER
	if r0 != 0 goto out
	r1 = *(u8 *)(r10 + FP_PFX + 8)		// content type 20-23
	if r1 < 20 goto out
	if r1 > 23 goto out
	UPDATE(tls_prefix, FP_PFX, FP_SVAL, RT_BPF_ANY)
	if r0 != 0 goto out
	TLS_GATE(FP_ZKEY, out)			// one more pending in the process
	r1 = 1
	ATOMIC_ADD(u64, r0 + 0, r1, r2)
out:
	r0 = 0
	exit

// SSL_free, gnutls_deinit: the object's binding goes with it (its address
// may be a new object's next, whose first call might make no syscall)
.prog tls_free_enter uprobe
	r6 = r1
	call bpf_get_current_pid_tgid
	r0 >>= 32
	*(u64 *)(r10 + FP_SKEY) = r0
	r2 = *(u64 *)(r6 + PT_REGS_ARG1)
	*(u64 *)(r10 + FP_SKEY + 8) = r2
	DELETE(tls_ssl, FP_SKEY)
	r0 = 0
	exit

// The return of any of the seven. Registers: r6 ctx, r7 pid_tgid, r8 the
// parked call (in the map until the end), r9 the record.
.prog tls_ret uretprobe
	r6 = r1
	call bpf_get_current_pid_tgid
	r7 = r0
	*(u64 *)(r10 + FP_KEY) = r7
	LOOKUP(tls_pend, FP_KEY, out)
	r8 = r0
	r1 = r7					// key: {tgid, SSL*}
	r1 >>= 32
	*(u64 *)(r10 + FP_SKEY) = r1
	r1 = *(u64 *)(r8 + TLSP_SSL)
	*(u64 *)(r10 + FP_SKEY + 8) = r1
	*(u64 *)(r10 + FP_SVAL + TLSS_CONN) = 0
	*(u64 *)(r10 + FP_SVAL + TLSS_FD) = 0
	r1 = *(u8 *)(r8 + TLSP_MISMATCH)	// two connections: neither
	if r1 != 0 goto bound
	r1 = *(u64 *)(r8 + TLSP_CONN)
	if r1 == 0 goto earlier
	// this call's syscalls tell the connection: the SSL object's now
	*(u64 *)(r10 + FP_SVAL + TLSS_CONN) = r1
	r1 = *(u32 *)(r8 + TLSP_FD)
	*(u64 *)(r10 + FP_SVAL + TLSS_FD) = r1
	UPDATE(tls_ssl, FP_SKEY, FP_SVAL, RT_BPF_ANY)
	goto bound
earlier:
	// none (a read from the library's buffer): what the object had
	LOOKUP(tls_ssl, FP_SKEY, bound)
	r1 = *(u64 *)(r0 + TLSS_CONN)
	*(u64 *)(r10 + FP_SVAL + TLSS_CONN) = r1
	r1 = *(u64 *)(r0 + TLSS_FD)
	*(u64 *)(r10 + FP_SVAL + TLSS_FD) = r1
bound:
	r1 = *(u8 *)(r8 + TLSP_DIR)		// a handshake: no bytes
	if r1 == TLSP_DIR_NONE goto done
	// the bytes: an int return (the upper half of the register is not
	// the function's), <= 0 none; the _ex forms return 1 and the count
	// through their out-parameter
	r1 = *(u64 *)(r6 + PT_REGS_RET)
	r1 <<= 32
	r1 s>>= 32
	if r1 s<= 0 goto done
	*(u64 *)(r10 + FP_TOTAL) = r1
	r3 = *(u64 *)(r8 + TLSP_EXLEN)
	if r3 == 0 goto counted
	if r1 != 1 goto done
	r1 = r10
	r1 += FP_TOTAL
	r2 = 8
	READ_USER
	if r0 != 0 goto done
	r1 = *(u64 *)(r10 + FP_TOTAL)
	if r1 == 0 goto done
counted:
.if $perf_buffer
	*(u32 *)(r10 + FP_ZKEY) = 0		// a record of this thread's
	LOOKUP(tls_zero, FP_ZKEY, done)
	UPDATE_PTR(tls_rec, FP_KEY, r0, RT_BPF_ANY)
	LOOKUP(tls_rec, FP_KEY, done)
.else
	RESERVE(DATA_OFF_BYTES + $capture, EV_DATA, done)
.endif
	r9 = r0
	r1 = *(u64 *)(r10 + FP_SVAL + TLSS_CONN)
	*(u64 *)(r9 + DATA_OFF_CONN) = r1
	r2 = DATA_F_TLS
	r3 = -1					// PEER: none, or unbound the SSL object
	if r1 != 0 goto 1f
	r2 = DATA_F_TLS | DATA_F_TLS_UNBOUND
	r3 = *(u64 *)(r8 + TLSP_SSL)
1:
	*(u32 *)(r9 + EV_OFF_FLAGS) = r2
	*(u64 *)(r9 + DATA_OFF_PEER) = r3
	r1 = *(u64 *)(r8 + TLSP_FD)		// fd 0, dir, call
	r2 = *(u64 *)(r10 + FP_SVAL + TLSS_FD)
	r2 <<= 32
	r2 >>= 32
	r1 >>= 32
	r1 <<= 32
	r1 |= r2
	r1 <<= 16				// the mismatch byte out
	r1 >>= 16
	*(u64 *)(r9 + DATA_OFF_FD) = r1
	r1 = -1
	*(u64 *)(r9 + DATA_OFF_SEQ) = r1
	*(u64 *)(r9 + EV_OFF_TID) = r7
	r1 = *(u64 *)(r10 + FP_TOTAL)
	*(u64 *)(r9 + DATA_OFF_TOTAL) = r1
	r1 = *(u64 *)(r8 + TLSP_START)
	*(u64 *)(r9 + DATA_OFF_START) = r1
	KTIME
	*(u64 *)(r9 + EV_OFF_TS) = r0
	// the first $capture bytes of the buffer
	r2 = 0
.if $capture
	r2 = *(u64 *)(r10 + FP_TOTAL)
	if r2 <= $capture goto 2f
	r2 = $capture
2:
	r1 = r9
	r1 += DATA_OFF_BYTES
	r3 = *(u64 *)(r8 + TLSP_BUF)
	*(u64 *)(r10 + FP_TOTAL) = r2		// (the total is in the record)
	READ_USER
	r2 = *(u64 *)(r10 + FP_TOTAL)
	if r0 == 0 goto 3f
	r2 = 0
	r1 = *(u32 *)(r9 + EV_OFF_FLAGS)
	r1 |= DATA_F_FAULT
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
3:
.endif
	r8 = r2					// (the parked call: done with it)
	DATA_SEAL(r9, r8)
.if $perf_buffer
	if r8 > DATA_REC_MAX goto done
	EMIT(r6, r9, r8, EV_DATA)
	DELETE(tls_rec, FP_KEY)
.else
	SUBMIT(r9, DATA_OFF_BYTES + $capture)
.endif
	DELETE_END(done, tls_pend, FP_KEY)

// A selected process exec'd (the new program's comm, for --comm): a bare
// header for user space, which looks into the new executable, and into
// the libraries it maps, for TLS functions no probe is on yet
// (user/probes/tls_late.c). Attached only while TLS functions are probed.
.prog tls_exec tracepoint sched/sched_process_exec
	r6 = r1
	call bpf_get_current_pid_tgid
	r7 = r0
	SELECT(r7, 1f)
	*(u16 *)(r10 + FP_PEND + EV_OFF_TYPE) = EV_TLS_EXEC
	*(u16 *)(r10 + FP_PEND + EV_OFF_SIZE) = EV_HDR_SIZE
	*(u32 *)(r10 + FP_PEND + EV_OFF_FLAGS) = 0
	*(u32 *)(r10 + FP_PEND + EV_OFF_TID) = r7
	r7 >>= 32
	*(u32 *)(r10 + FP_PEND + EV_OFF_PID) = r7
	KTIME
	*(u64 *)(r10 + FP_PEND + EV_OFF_TS) = r0
	r8 = r10
	r8 += FP_PEND
.if $perf_buffer
	EMIT(r6, r8, EV_HDR_SIZE, EV_TLS_EXEC)
.else
	// the reader woken at once (an exec costs far more than the
	// wakeup): the sooner the probes are on, the fewer of the new
	// program's first calls run before them
	r1 = events ll
	r2 = r8
	r3 = EV_HDR_SIZE
	r4 = RT_BPF_RB_FORCE_WAKEUP
	call bpf_ringbuf_output
	if r0 == 0 goto 1f
	COUNT_DROP(EV_TLS_EXEC)
.endif
1:
	r0 = 0
	exit
