// sockio: the payload of every syscall that moves bytes through a tracked
// socket (kern/sock.S learns them): read, readv, recvfrom, recvmsg, write,
// writev, sendto, sendmsg, sendfile. The exit, when the call moved bytes,
// writes the data record with the first $capture of them, in place in the
// ring (kern/sockio_exit.h). Where the caller's registers are reachable
// ($task_regs, 5.15+ with BTF) the exit reads the syscall's arguments
// from them and no entry program is loaded or attached: one program per
// call, not two. Elsewhere entry parks what the exit needs in this
// thread's sk_io slot (an array: the verifier inlines its lookup).
//
// Cost for everyone else: every process's read and write pass here. With
// task registers, a call that moved no bytes stops at its return value,
// a process none of whose sockets is tracked at its sk_gate slot (inlined
// array lookup); one with tracked sockets pays a hash lookup on its other
// fds. With entries, the entry stops at the gate or the hash lookup, and
// exits of untracked calls find their slot not theirs.
#include "sock.h"
#include "tls_bind.h"
#include "sockio_ktls.h"

DECLARE_SOCK_MAPS
DECLARE_TLS_PEND
.if $perf_buffer
.map sk_scratch percpu_array key=4 value=DATA_OFF_BYTES + 2 * DATA_CAP_MAX max=1
.endif

// ---- entries: kernels without task registers ------------------------------
// Stack of the entries (GATE's key is at FP_GATE_KEY, FP_FD_KEY the sk_fds
// key: kern/sock.h)
#define FP_SLOT_KEY -4		/* u32: sk_io key, after GATE */
#define FP_MSG -32		/* a msghdr's msg_iov and msg_iovlen */

// Entry, first part: r8 = the sk_fds entry of the fd in field FD, r9 = this
// thread's slot, claimed; or goto out. r6 ctx, r7 pid_tgid. A slot still
// held by another thread (tids equal modulo SK_IO_SLOTS, both in a call)
// is taken over: that call's record is lost, and counted; what its exit
// needs to count its bytes in the socket's stream offset is kept (VCONN,
// VFD, VCALL written before VID, which the exit looks for).
#define IO_SLOT(FD, CALL, DIR) \
	CTX_PID(r7) ; \
	GATE(r7, out) ; \
	r1 = *(u64 *)(r6 + field(FD)) ;		/* r8 = sk_fds[tgid, fd] */ \
	FD_KEY(r7, r1, FP_FD_KEY) ; \
	LOOKUP(sk_fds, FP_FD_KEY, out) ; \
	r8 = r0 ; \
	/* r9 = this thread's slot */ \
	THREAD_SLOT(sk_io, SK_IO_SLOTS, r7, FP_SLOT_KEY, out) ; \
	r9 = r0 ; \
	r1 = *(u64 *)(r9 + SKIO_ID) ;		/* free, or ours: claim it */ \
	if r1 == 0 goto 1f ; \
	if r1 == r7 goto 1f ; \
	r2 = *(u64 *)(r9 + SKIO_CONN) ;		/* another's: keep its socket */ \
	*(u64 *)(r9 + SKIO_VCONN) = r2 ; \
	r2 = *(u32 *)(r9 + SKIO_FD) ; \
	*(u32 *)(r9 + SKIO_VFD) = r2 ; \
	r2 = *(u8 *)(r9 + SKIO_CALL) ; \
	*(u8 *)(r9 + SKIO_VCALL) = r2 ; \
	*(u64 *)(r9 + SKIO_VID) = r1 ; \
	COUNT_DROP(EV_DATA) ;			/* and lose its record */ \
1: ; \
	*(u64 *)(r9 + SKIO_ID) = r7 ;		/* the call, as entry sees it */ \
	r1 = *(u64 *)(r8 + SKF_CONN) ; \
	*(u64 *)(r9 + SKIO_CONN) = r1 ; \
	r1 = *(u64 *)(r6 + field(FD)) ; \
	*(u32 *)(r9 + SKIO_FD) = r1 ; \
	r1 = DIR | (CALL << 8) ; \
	*(u16 *)(r9 + SKIO_DIR) = r1 ; \
	*(u64 *)(r9 + SKIO_BUF) = 0 ; \
	*(u16 *)(r9 + SKIO_VLEN) = 0 ; \
	KTIME ; \
	*(u64 *)(r9 + SKIO_START) = r0

// ...then the buffer (read, write, recvfrom, sendto)
#define IO_BUF(BUF) \
	r1 = *(u64 *)(r6 + field(BUF)) ; \
	*(u64 *)(r9 + SKIO_BUF) = r1
// the iovec count in r1, capped at 0xffff, to the slot
#define IO_VLEN \
	if r1 <= 0xffff goto 1f ; \
	r1 = 0xffff ; \
1: ; \
	*(u16 *)(r9 + SKIO_VLEN) = r1
// ...or the iovec array and its length (readv, writev)
#define IO_VEC(VEC, VLEN) \
	IO_BUF(VEC) ; \
	r1 = *(u64 *)(r6 + field(VLEN)) ; \
	IO_VLEN
// ...or those of a msghdr (recvmsg, sendmsg: msg_iov at 16, msg_iovlen at
// 24; at 8 and 12 in 32-bit programs); unreadable, the record says only
// how many bytes moved
#define IO_MSG(MSG) \
	r1 = r10 ; \
	r1 += FP_MSG ; \
	r2 = 2 * $uptr ; \
	r3 = *(u64 *)(r6 + field(MSG)) ; \
	r3 += 2 * $uptr ; \
	READ_USER ; \
	if r0 != 0 goto out ; \
	LOAD_UPTR(r1, r10 + FP_MSG) ; \
	*(u64 *)(r9 + SKIO_BUF) = r1 ; \
	LOAD_UPTR(r1, r10 + FP_MSG + $uptr) ; \
	IO_VLEN
// MSG_PEEK leaves the bytes queued: they will be read again
#define NOT_PEEK \
	r2 = *(u64 *)(r1 + field(flags)) ; \
	r2 &= 2 ; \
	if r2 != 0 goto out

// One entry program, sk_NAME_enter on syscall SYS: PRE (a check of the
// raw ctx in r1, or nothing), this thread's slot for the fd in field FD,
// then BODY (where the bytes are)
#define IO_ENTRY(NAME, SYS, PRE, FD, CALL, DIR, BODY) \
.prog sk_##NAME##_enter tracepoint syscalls/sys_enter_##SYS ; \
	PRE ; \
	IO_SLOT(FD, CALL, DIR) ; \
	BODY ; \
out: ; \
	r0 = 0 ; \
	exit

.if !$task_regs
IO_ENTRY(read, read, , fd, DATA_CALL_READ, DATA_DIR_RECV, IO_BUF(buf))
IO_ENTRY(write, write, , fd, DATA_CALL_WRITE, DATA_DIR_SEND, IO_BUF(buf))
IO_ENTRY(recvfrom, recvfrom, NOT_PEEK, fd, DATA_CALL_RECVFROM, DATA_DIR_RECV,
	 IO_BUF(ubuf))
IO_ENTRY(sendto, sendto, , fd, DATA_CALL_SENDTO, DATA_DIR_SEND, IO_BUF(buff))
IO_ENTRY(readv, readv, , fd, DATA_CALL_READV, DATA_DIR_RECV, IO_VEC(vec, vlen))
IO_ENTRY(writev, writev, , fd, DATA_CALL_WRITEV, DATA_DIR_SEND,
	 IO_VEC(vec, vlen))
IO_ENTRY(recvmsg, recvmsg, NOT_PEEK, fd, DATA_CALL_RECVMSG, DATA_DIR_RECV,
	 IO_MSG(msg))
IO_ENTRY(sendmsg, sendmsg, , fd, DATA_CALL_SENDMSG, DATA_DIR_SEND, IO_MSG(msg))
// sendfile's bytes come from a file: only how many
IO_ENTRY(sendfile, sendfile64, , out_fd, DATA_CALL_SENDFILE, DATA_DIR_SEND, )
.endif

// ---- exits: kern/sockio_exit.h, by the shape of the buffer -----------------
// (EXIT_CALL and EXIT_SHAPE are its parameters; it #undefs them)
// Stack of the exits (GATE's key at FP_GATE_KEY, kern/sock.h; the sk_io
// key at FP_SLOT_KEY, as for the entries)
#define FP_SCRATCH_KEY -4	/* u32 0: sk_scratch key (perf buffers) */
#define FP_LEFT -8		/* bytes of the return not yet walked */
#define FP_BUF -16		/* the buffer, or the iovec array */
#define FP_NIOV -24		/* iovecs in the array */
#define FP_CAPTURED -32		/* bytes captured so far */
#define FP_IOV -48		/* one iovec: base, then length */
#define FP_IOV_COPY -56		/* bytes being copied from it */
#define FP_SEQ -64		/* stream offset of the call's first byte */
#define FP_SKF_KEY -72		/* u64: sk_fds key */
#define FP_CONN -80		/* connection id */
#define FP_START -88		/* start time (slots only) */
#define FP_FD_DIR -96		/* fd, dir and call, as in the record */
#define FP_PEER_SEQ -104	/* the other direction's stream offset */
#define FP_INH_KEY -208		/* u32 sk_note key, then the u64 sk_born key
				 * (LEARN's slots and record above: kern/sock.h) */
#define FP_CALL_DIR -216	/* u64: dir | call << 8 (sk_iov_exit: by number) */
#define FP_KTLS -224		/* u64: the socket's SKF_KTLS, then DATA_F_KTLS
				 * for the call's direction, or 0 */
#define FP_SKF_PTR -232		/* the socket's sk_fds entry, or 0 (SEQ_CLAIM) */
#define EXIT_CALL_BY_NR 0	/* EXIT_CALL: from __syscall_nr, at run time */

#define EXIT_CALL DATA_CALL_READ
#define EXIT_SHAPE 1
.prog sk_read_exit tracepoint syscalls/sys_exit_read
#include "sockio_exit.h"

#define EXIT_CALL DATA_CALL_WRITE
#define EXIT_SHAPE 1
.prog sk_write_exit tracepoint syscalls/sys_exit_write
#include "sockio_exit.h"

#define EXIT_CALL DATA_CALL_RECVFROM
#define EXIT_SHAPE 1
.prog sk_recvfrom_exit tracepoint syscalls/sys_exit_recvfrom
#include "sockio_exit.h"

#define EXIT_CALL DATA_CALL_SENDTO
#define EXIT_SHAPE 1
.prog sk_sendto_exit tracepoint syscalls/sys_exit_sendto
#include "sockio_exit.h"

// The iovec walk is most of the verifier's work at start-up (~5,300
// instructions walked per program). With task registers the four vector
// calls share one program, attached to each one's exit (user/probes/
// probes.c) and telling them apart by the syscall's number (EXIT_CALL
// EXIT_CALL_BY_NR): the four paths meet before the walk, which the
// verifier then walks once. The slots' path keeps a program per call.
.if $task_regs
#define EXIT_CALL EXIT_CALL_BY_NR
#define EXIT_SHAPE 2
.prog sk_iov_exit tracepoint syscalls/sys_exit_readv
#include "sockio_exit.h"
.else
#define EXIT_CALL DATA_CALL_READV
#define EXIT_SHAPE 2
.prog sk_readv_exit tracepoint syscalls/sys_exit_readv
#include "sockio_exit.h"

#define EXIT_CALL DATA_CALL_WRITEV
#define EXIT_SHAPE 2
.prog sk_writev_exit tracepoint syscalls/sys_exit_writev
#include "sockio_exit.h"

#define EXIT_CALL DATA_CALL_RECVMSG
#define EXIT_SHAPE 2
.prog sk_recvmsg_exit tracepoint syscalls/sys_exit_recvmsg
#include "sockio_exit.h"

#define EXIT_CALL DATA_CALL_SENDMSG
#define EXIT_SHAPE 2
.prog sk_sendmsg_exit tracepoint syscalls/sys_exit_sendmsg
#include "sockio_exit.h"
.endif

#define EXIT_CALL DATA_CALL_SENDFILE
#define EXIT_SHAPE 0
.prog sk_sendfile_exit tracepoint syscalls/sys_exit_sendfile64
#include "sockio_exit.h"
