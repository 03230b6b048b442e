// sock: the TCP sockets of selected processes, learned from the syscalls
// that make them and forgotten when they close, for kern/sockio.S to
// capture their payloads. Every socket learned or forgotten is a sock
// record (events.h); sockets older than rawtel are seeded by user space.
//   accept/accept4   server side: the peer from the caller's sockaddr
//                    (read at exit), the local address from the listener
//                    (sk_listen, learned at bind or seeded from /proc)
//   connect          client side: the peer from the sockaddr at entry;
//                    TCP only (the socket entering SYN_SENT tells it from
//                    a UDP connect), when it returns 0 or EINPROGRESS
//   bind             the listener's address; under --port, selects the
//                    process that binds the port
//   close            forgets it
//   process end      a SOCK_K_EXIT record: user space forgets the rest
//   fork             children of selected processes are selected (sel_fork,
//                    kern/proc.S)
#include "sock.h"

DECLARE_SOCK_MAPS

// Stack (SELECT and FILTER_COMM use fp-24..fp-1; GATE FP_GATE_KEY, the
// sockaddr macros FP_SOCKADDR, both in kern/sock.h)
#define FP_IDS_KEY -4		/* u32: sk_ids / sk_gate key */
#define FP_FD_KEY -16		/* u64: sk_fds / sk_listen key */
#define FP_ONE -20		/* u32 1: the value of sk_procs and sel */
#define FP_TGID -24		/* u32: sk_procs / sel key */
#define FP_PEND_KEY -32		/* u64 pid_tgid: sk_pend key */
#define FP_SKF -80		/* an sk_fds value (SKF_SIZE) */
#define FP_PEND -104		/* an sk_pend value (SKP_SIZE), entries */
#define FP_LISTEN -128		/* an sk_listen value (SKL_SIZE), bind */
#define FP_REC -200		/* the sock record, exits */
#define FP_XPEND -248		/* an sk_pend value (SKP_SIZE), accept's exit */

#define REC(OFF) (r10 + FP_REC + (OFF))
#define ZERO_REC \
	*(u64 *)REC(0) = 0 ; *(u64 *)REC(8) = 0 ; *(u64 *)REC(16) = 0 ; \
	*(u64 *)REC(24) = 0 ; *(u64 *)REC(32) = 0 ; *(u64 *)REC(40) = 0 ; \
	*(u64 *)REC(48) = 0 ; *(u64 *)REC(56) = 0 ; *(u64 *)REC(64) = 0 ; \
	*(u64 *)REC(72) = 0 ; *(u64 *)REC(80) = 0 ; *(u64 *)REC(88) = 0 ; \
	*(u64 *)REC(96) = 0 ; *(u64 *)REC(104) = 0 ; \
	r9 = r10 ; \
	r9 += FP_REC
// Stamp the record at r9 (KIND) and send it. r6 ctx, r7 pid_tgid.
#define SEND_SOCK(KIND) \
	r1 = KIND ; \
	*(u8 *)(r9 + SOCK_OFF_KIND) = r1 ; \
	r1 = EV_SOCK | (SOCK_REC_SIZE << 16) ; \
	*(u32 *)(r9 + EV_OFF_TYPE) = r1 ; \
	*(u64 *)(r9 + EV_OFF_TID) = r7 ; \
	KTIME ; \
	*(u64 *)(r9 + EV_OFF_TS) = r0 ; \
	r1 = r9 ; \
	r1 += SOCK_OFF_COMM ; \
	r2 = 16 ; \
	call bpf_get_current_comm ; \
	EMIT(r6, r9, SOCK_REC_SIZE, EV_SOCK)
// The pending call of this thread in r8, or goto out (none) or forget
// (another kind)
#define PEND(KIND) \
	CTX_PID(r7) ; \
	*(u64 *)(r10 + FP_PEND_KEY) = r7 ; \
	LOOKUP(sk_pend, FP_PEND_KEY, out) ; \
	r8 = r0 ; \
	r1 = *(u8 *)(r8 + SKP_KIND) ; \
	if r1 != KIND goto forget
// The end of an exit program: forget this thread's pending call
#define FORGET DELETE_END(forget, sk_pend, FP_PEND_KEY)
// Park the sk_pend value built at FP_PEND
#define PARK \
	r1 = sk_pend ll ; \
	r2 = r10 ; \
	r2 += FP_PEND_KEY ; \
	r3 = r10 ; \
	r3 += FP_PEND ; \
	r4 = RT_BPF_ANY ; \
	call bpf_map_update_elem
// r8 = the sk_pend value at FP_PEND, zeroed
#define ZERO_PEND \
	*(u64 *)(r10 + FP_PEND) = 0 ; *(u64 *)(r10 + FP_PEND + 8) = 0 ; \
	*(u64 *)(r10 + FP_PEND + 16) = 0 ; *(u64 *)(r10 + FP_PEND + 24) = 0 ; \
	*(u64 *)(r10 + FP_PEND + 32) = 0 ; \
	r8 = r10 ; \
	r8 += FP_PEND

// The record at r9 (fd, role, addresses set) becomes a tracked socket:
// a new connection id (cpu << 48 | this CPU's count: per-CPU, as tracing
// programs do not run nested on a CPU), the sk_fds entry (its stream
// offsets at 0), the process in sk_procs and its gate slot opened; then
// the record goes out.
#define LEARN(KIND) \
	*(u32 *)(r10 + FP_IDS_KEY) = 0 ;		/* r8 = ++this CPU's count */ \
	r2 = r10 ; \
	r2 += FP_IDS_KEY ; \
	r1 = sk_ids ll ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto forget ; \
	r8 = *(u64 *)(r0 + 0) ; \
	r8 += 1 ; \
	*(u64 *)(r0 + 0) = r8 ; \
	call bpf_get_smp_processor_id ;		/* conn = cpu << 48 | count */ \
	r0 &= 0x7fff ; \
	r0 <<= 48 ; \
	r8 <<= 16 ; \
	r8 >>= 16 ; \
	r8 |= r0 ; \
	*(u64 *)(r9 + SOCK_OFF_CONN) = r8 ; \
	r1 = *(u32 *)(r9 + SOCK_OFF_FD) ;		/* sk_fds[tgid, fd] = */ \
	FD_KEY(r7, r1, FP_FD_KEY) ; \
	*(u64 *)(r10 + FP_SKF + SKF_CONN) = r8 ;	/* {conn, role, 0, 0} */ \
	*(u64 *)(r10 + FP_SKF + SKF_ROLE) = 0 ; \
	r1 = *(u8 *)(r9 + SOCK_OFF_ROLE) ; \
	*(u8 *)(r10 + FP_SKF + SKF_ROLE) = r1 ; \
	*(u64 *)(r10 + FP_SKF + SKF_SEQ_RECV) = 0 ; \
	*(u64 *)(r10 + FP_SKF + SKF_SEQ_SEND) = 0 ; \
	r1 = sk_fds ll ; \
	r2 = r10 ; \
	r2 += FP_FD_KEY ; \
	r3 = r10 ; \
	r3 += FP_SKF ; \
	r4 = RT_BPF_ANY ; \
	call bpf_map_update_elem ; \
	r1 = r7 ;					/* sk_procs[tgid] = 1, if new */ \
	r1 >>= 32 ; \
	*(u32 *)(r10 + FP_TGID) = r1 ; \
	*(u32 *)(r10 + FP_ONE) = 1 ; \
	r1 = sk_procs ll ; \
	r2 = r10 ; \
	r2 += FP_TGID ; \
	r3 = r10 ; \
	r3 += FP_ONE ; \
	r4 = RT_BPF_NOEXIST ; \
	call bpf_map_update_elem ; \
	if r0 == -17 goto 4f ;			/* EEXIST: its gate is open */ \
	r1 = r7 ;					/* sk_gate[slot of tgid] += 1 */ \
	r1 >>= 32 ; \
	r1 &= SK_GATE_SLOTS - 1 ; \
	*(u32 *)(r10 + FP_IDS_KEY) = r1 ; \
	r2 = r10 ; \
	r2 += FP_IDS_KEY ; \
	r1 = sk_gate ll ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto 4f ; \
	r1 = 1 ; \
	lock *(u64 *)(r0 + 0) += r1 ; \
4: ; \
	SEND_SOCK(KIND)

// ---- accept ------------------------------------------------------------------
#define ACCEPT_ENTER \
	CTX_PID(r7) ; \
	SELECT(r7, out) ; \
	ZERO_PEND ;				/* {ACCEPT, listener fd, sockaddr ptr} */ \
	r1 = SKP_K_ACCEPT ; \
	*(u8 *)(r8 + SKP_KIND) = r1 ; \
	r1 = *(u64 *)(r6 + field(fd)) ; \
	*(u32 *)(r8 + SKP_FD) = r1 ; \
	r1 = *(u64 *)(r6 + field(upeer_sockaddr)) ; \
	*(u64 *)(r8 + SKP_UADDR) = r1 ; \
	*(u64 *)(r10 + FP_PEND_KEY) = r7 ; \
	PARK ; \
out: ; \
	r0 = 0 ; \
	exit

.prog sk_accept_enter tracepoint syscalls/sys_enter_accept
	ACCEPT_ENTER
.prog sk_accept4_enter tracepoint syscalls/sys_enter_accept4
	ACCEPT_ENTER

// The peer's family tells TCP from UNIX sockets. Without a sockaddr and a
// listener rawtel saw bound (an fd inherited across fork: nginx's workers),
// family 0: user space finds the listener in /proc, and forgets the
// socket if it is not TCP.
// An accept that began before rawtel did (a server blocked in accept()
// when tracing started: single-threaded servers wait there between
// connections) parked nothing. Where the caller's registers are reachable
// ($task_regs) its arguments are read there instead, so the connection it
// returns is followed like the next ones; elsewhere it is missed.
// r8 = the parked call, or the one made from the registers; or goto out.
#define ACCEPT_PEND \
	CTX_PID(r7) ; \
	*(u64 *)(r10 + FP_PEND_KEY) = r7 ; \
	LOOKUP(sk_pend, FP_PEND_KEY, 1f) ; \
	r8 = r0 ; \
	r1 = *(u8 *)(r8 + SKP_KIND) ; \
	if r1 != SKP_K_ACCEPT goto forget ; \
	goto 2f ; \
1: ; \
.if $task_regs ; \
	SELECT(r7, out) ; \
	call bpf_get_current_task_btf ; \
	r1 = r0 ; \
	call bpf_task_pt_regs ; \
	r1 = *(u64 *)(r0 + PT_REGS_SYSCALL_ARG1) ;	/* the listener */ \
	*(u32 *)(r10 + FP_XPEND + SKP_FD) = r1 ; \
	r1 = *(u64 *)(r0 + PT_REGS_SYSCALL_ARG2) ;	/* the sockaddr */ \
	*(u64 *)(r10 + FP_XPEND + SKP_UADDR) = r1 ; \
	r8 = r10 ; \
	r8 += FP_XPEND ; \
.else ; \
	goto out ; \
.endif ; \
2:
#define ACCEPT_EXIT \
	ACCEPT_PEND ; \
	r1 = *(u64 *)(r6 + field(ret)) ;	/* the new fd */ \
	if r1 s< 0 goto forget ; \
	ZERO_REC ; \
	*(u32 *)(r9 + SOCK_OFF_FD) = r1 ; \
	r1 = *(u32 *)(r8 + SKP_FD) ; \
	*(u32 *)(r9 + SOCK_OFF_LFD) = r1 ; \
	r3 = *(u64 *)(r8 + SKP_UADDR) ;		/* the peer, if given */ \
	READ_SOCKADDR(r3, 5f) ; \
	SOCKADDR(r9, SOCK_OFF_FAMILY, SOCK_OFF_RPORT, SOCK_OFF_RADDR, forget) ; \
	r1 = SOCK_F_REMOTE ; \
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1 ; \
5: ; \
	r1 = *(u32 *)(r9 + SOCK_OFF_LFD) ;	/* the listener, if bound */ \
	FD_KEY(r7, r1, FP_FD_KEY) ; \
	LOOKUP(sk_listen, FP_FD_KEY, 6f) ; \
	r1 = *(u16 *)(r0 + SKL_FAMILY) ;	/* its family if no peer's */ \
	r2 = *(u16 *)(r9 + SOCK_OFF_FAMILY) ; \
	if r2 != 0 goto 3f ; \
	*(u16 *)(r9 + SOCK_OFF_FAMILY) = r1 ; \
3: ; \
	r1 = *(u16 *)(r0 + SKL_PORT) ;		/* its address, if chosen */ \
	if r1 == 0 goto 6f ; \
	*(u16 *)(r9 + SOCK_OFF_LPORT) = r1 ; \
	r1 = *(u64 *)(r0 + SKL_ADDR) ; \
	*(u64 *)(r9 + SOCK_OFF_LADDR) = r1 ; \
	r1 = *(u64 *)(r0 + SKL_ADDR + 8) ; \
	*(u64 *)(r9 + SOCK_OFF_LADDR + 8) = r1 ; \
	r1 = *(u32 *)(r9 + EV_OFF_FLAGS) ; \
	r1 |= SOCK_F_LOCAL ; \
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1 ; \
6: ; \
	LEARN(SOCK_K_ACCEPT) ; \
	FORGET

.prog sk_accept_exit tracepoint syscalls/sys_exit_accept
	ACCEPT_EXIT
.prog sk_accept4_exit tracepoint syscalls/sys_exit_accept4
	ACCEPT_EXIT

// ---- connect -------------------------------------------------------------------
// The rest of connect's and bind's entry: {KIND, fd, the sockaddr in field
// ADDR} parked for the exit, unless the address cannot be read or is
// neither IPv4 nor IPv6. r6 ctx, r7 pid_tgid.
#define ADDR_ENTER(ADDR, KIND) \
	r3 = *(u64 *)(r6 + field(ADDR)) ; \
	READ_SOCKADDR(r3, out) ; \
	ZERO_PEND ; \
	SOCKADDR(r8, SKP_FAMILY, SKP_PORT, SKP_ADDR, out) ; \
	r1 = KIND ; \
	*(u8 *)(r8 + SKP_KIND) = r1 ; \
	r1 = *(u64 *)(r6 + field(fd)) ; \
	*(u32 *)(r8 + SKP_FD) = r1 ; \
	*(u64 *)(r10 + FP_PEND_KEY) = r7 ; \
	PARK ; \
out: ; \
	r0 = 0 ; \
	exit

.prog sk_connect_enter tracepoint syscalls/sys_enter_connect
	CTX_PID(r7)
	SELECT(r7, out)
	ADDR_ENTER(uservaddr, SKP_K_CONNECT)

// A TCP connect moves its socket to SYN_SENT in the caller's context.
.prog sk_syn_sent tracepoint sock/inet_sock_set_state
	r1 = *(u32 *)(r1 + field(newstate))
	if r1 != TCP_ST_SYN_SENT goto out
	call bpf_get_current_pid_tgid
	*(u64 *)(r10 + FP_PEND_KEY) = r0
	LOOKUP(sk_pend, FP_PEND_KEY, out)
	r1 = *(u8 *)(r0 + SKP_KIND)
	if r1 != SKP_K_CONNECT goto out
	*(u8 *)(r0 + SKP_TCP) = 1
out:
	r0 = 0
	exit

.prog sk_connect_exit tracepoint syscalls/sys_exit_connect
	PEND(SKP_K_CONNECT)
	r1 = *(u8 *)(r8 + SKP_TCP)
	if r1 == 0 goto forget
	r1 = *(u64 *)(r6 + field(ret))
	if r1 == 0 goto connected
	if r1 != -115 goto forget		// EINPROGRESS: non-blocking
connected:
	ZERO_REC
	r1 = *(u32 *)(r8 + SKP_FD)
	*(u32 *)(r9 + SOCK_OFF_FD) = r1
	r1 = -1
	*(u32 *)(r9 + SOCK_OFF_LFD) = r1
	r1 = SOCK_ROLE_CLIENT
	*(u8 *)(r9 + SOCK_OFF_ROLE) = r1
	r1 = *(u16 *)(r8 + SKP_FAMILY)
	*(u16 *)(r9 + SOCK_OFF_FAMILY) = r1
	r1 = *(u16 *)(r8 + SKP_PORT)
	*(u16 *)(r9 + SOCK_OFF_RPORT) = r1
	r1 = *(u64 *)(r8 + SKP_ADDR)
	*(u64 *)(r9 + SOCK_OFF_RADDR) = r1
	r1 = *(u64 *)(r8 + SKP_ADDR + 8)
	*(u64 *)(r9 + SOCK_OFF_RADDR + 8) = r1
	r1 = SOCK_F_REMOTE
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
	LEARN(SOCK_K_CONNECT)
	FORGET

// ---- bind ----------------------------------------------------------------------
.prog sk_bind_enter tracepoint syscalls/sys_enter_bind
	CTX_PID(r7)
	r1 = r7
	r1 >>= 32
	if r1 == $self_pid goto out
	ADDR_ENTER(umyaddr, SKP_K_BIND)

// A bind that worked: under --port, binding the port selects the process;
// a selected process's bound address is kept for accept.
.prog sk_bind_exit tracepoint syscalls/sys_exit_bind
	PEND(SKP_K_BIND)
	r1 = *(u64 *)(r6 + field(ret))
	if r1 != 0 goto forget
.if $sel_port
	r1 = *(u16 *)(r8 + SKP_PORT)
	if r1 != $sel_port goto select
	r1 = r7
	r1 >>= 32
	*(u32 *)(r10 + FP_TGID) = r1
	*(u32 *)(r10 + FP_ONE) = 1
	r1 = sel ll
	r2 = r10
	r2 += FP_TGID
	r3 = r10
	r3 += FP_ONE
	r4 = RT_BPF_ANY
	call bpf_map_update_elem
select:
.endif
	SELECT(r7, forget)
	*(u64 *)(r10 + FP_LISTEN) = 0
	r1 = *(u16 *)(r8 + SKP_FAMILY)
	*(u16 *)(r10 + FP_LISTEN + SKL_FAMILY) = r1
	r1 = *(u16 *)(r8 + SKP_PORT)
	*(u16 *)(r10 + FP_LISTEN + SKL_PORT) = r1
	r1 = *(u64 *)(r8 + SKP_ADDR)
	*(u64 *)(r10 + FP_LISTEN + SKL_ADDR) = r1
	r1 = *(u64 *)(r8 + SKP_ADDR + 8)
	*(u64 *)(r10 + FP_LISTEN + SKL_ADDR + 8) = r1
	r1 = *(u32 *)(r8 + SKP_FD)
	FD_KEY(r7, r1, FP_FD_KEY)
	r1 = sk_listen ll
	r2 = r10
	r2 += FP_FD_KEY
	r3 = r10
	r3 += FP_LISTEN
	r4 = RT_BPF_ANY
	call bpf_map_update_elem
	FORGET

#include "sock_end.h"
