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
//   setsockopt       SOL_TLS TLS_TX/TLS_RX: kernel TLS, its plaintext
//                    directions marked (kern/sock_ktls.h)
//   fork             children of selected processes are selected (sel_fork,
//                    kern/proc.S)
//   first use        a TCP socket a process moves bytes through but did
//                    not make (fork, exec, SCM_RIGHTS): learned then, with
//                    the role and addresses its establishment showed
//                    (sk_born; SOCK_K_INHERIT, kern/sockio_exit.h)
#include "sock.h"

DECLARE_SOCK_MAPS

// Stack (SELECT and FILTER_COMM use fp-24..fp-1; GATE FP_GATE_KEY, the
// sockaddr macros FP_SOCKADDR, LEARN's slots: all in kern/sock.h)
#define FP_PEND_KEY -32		/* u64 pid_tgid: sk_pend key */
#define FP_PEND -104		/* an sk_pend value (SKP_SIZE), entries */
#define FP_LISTEN -128		/* an sk_listen value (SKL_SIZE), bind */
#define FP_BORN_KEY -32		/* u64 struct sock address: sk_born key */
#define FP_NOTE_KEY -36		/* u32: sk_note key */
#define FP_INH -152		/* an sk_born value (SKB_SIZE) */
#define FP_XPEND -248		/* an sk_pend value (SKP_SIZE), accept's exit */

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
// The entry's call and its fd argument into the sk_pend value at r8 (r6 ctx)
#define PEND_CALL(KIND) \
	r1 = KIND ; \
	*(u8 *)(r8 + SKP_KIND) = r1 ; \
	r1 = *(u64 *)(r6 + field(fd)) ; \
	*(u32 *)(r8 + SKP_FD) = r1
// The end of an entry program: the sk_pend value built at FP_PEND parked
// under this thread's pid_tgid (r7)
#define PARK_END \
	*(u64 *)(r10 + FP_PEND_KEY) = r7 ; \
	UPDATE(sk_pend, FP_PEND_KEY, FP_PEND, RT_BPF_ANY) ; \
out: ; \
	r0 = 0 ; \
	exit
// r8 = the sk_pend value at FP_PEND, zeroed
#define ZERO_PEND \
	*(u64 *)(r10 + FP_PEND) = 0 ; *(u64 *)(r10 + FP_PEND + 8) = 0 ; \
	*(u64 *)(r10 + FP_PEND + 16) = 0 ; *(u64 *)(r10 + FP_PEND + 24) = 0 ; \
	*(u64 *)(r10 + FP_PEND + 32) = 0 ; \
	r8 = r10 ; \
	r8 += FP_PEND

// ---- accept ------------------------------------------------------------------
#define ACCEPT_ENTER \
	CTX_PID(r7) ; \
	SELECT(r7, out) ; \
	ZERO_PEND ;				/* {ACCEPT, listener fd, sockaddr ptr} */ \
	PEND_CALL(SKP_K_ACCEPT) ; \
	r1 = *(u64 *)(r6 + field(upeer_sockaddr)) ; \
	*(u64 *)(r8 + SKP_UADDR) = r1 ; \
	PARK_END

.prog sk_accept_enter tracepoint syscalls/sys_enter_accept
	ACCEPT_ENTER
.prog sk_accept4_enter tracepoint syscalls/sys_enter_accept4
	ACCEPT_ENTER

// The peer's family tells TCP from UNIX sockets. Without a sockaddr and a
// listener rawtel saw bound (an fd inherited across fork: nginx's workers),
// family 0: user space finds the listener in /proc, and forgets the
// socket if it is not TCP.
// Without the peer's sockaddr (libuv, nghttpd: accept4(fd, NULL, NULL))
// and where sockets are learned at their first use (task registers and
// $first_use: 6.3+), the socket is left to that: its first bytes' call
// names it by its struct sock, whose establishment rawtel saw with both
// addresses (sk_born), so a connection closed at once still has its peer.
// Elsewhere it is learned here, the reader woken at once to find the
// peer in /proc while the connection lives.
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
.if $first_use & $task_regs ; \
	r1 = *(u32 *)(r9 + EV_OFF_FLAGS) ; \
	if r1 == 0 goto forget ; \
.endif ; \
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
	LEARN_BY(SOCK_K_ACCEPT, forget, EMIT_ACCEPT) ; \
	FORGET
// EMIT, the reader woken at once for a socket without its peer
#define EMIT_ACCEPT(CTX, PTR, SIZE, TYPE) \
	r1 = *(u32 *)(PTR + EV_OFF_FLAGS) ; \
	r1 &= SOCK_F_REMOTE ; \
	if r1 == 0 goto 97f ; \
	EMIT(CTX, PTR, SIZE, TYPE) ; \
	goto 98f ; \
97: ; \
	EMIT_NOW(CTX, PTR, SIZE, TYPE) ; \
98:

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
	PEND_CALL(KIND) ; \
	PARK_END

.prog sk_connect_enter tracepoint syscalls/sys_enter_connect
	CTX_PID(r7)
	SELECT(r7, out)
	ADDR_ENTER(uservaddr, SKP_K_CONNECT)

// Every TCP socket's state changes (any process's, often in softirq):
//  SYN_SENT     a connect of a selected thread in flight is TCP (in the
//               caller's context: its sk_pend entry);
//  ESTABLISHED  the connection's role and addresses, by its struct sock
//               (sk_born), for a process that uses it without having
//               made it (sk_*_inherit, below);
//  CLOSE        forgotten there.
.prog sk_state tracepoint sock/inet_sock_set_state
	r6 = r1
	r1 = *(u32 *)(r6 + field(newstate))
	if r1 == TCP_ST_ESTABLISHED goto born
	if r1 == TCP_ST_CLOSE goto dead
	if r1 != TCP_ST_SYN_SENT goto out
	call bpf_get_current_pid_tgid
	*(u64 *)(r10 + FP_PEND_KEY) = r0
	LOOKUP(sk_pend, FP_PEND_KEY, out)
	r1 = *(u8 *)(r0 + SKP_KIND)
	if r1 != SKP_K_CONNECT goto out
	*(u8 *)(r0 + SKP_TCP) = 1
	goto out
// the role from the state it leaves: accepted (the listener's side) or
// connected; the addresses in IPv6 form either way (IPv4 ones mapped)
born:
	r1 = *(u16 *)(r6 + field(protocol))
	if r1 != RT_IPPROTO_TCP goto out
	r1 = *(u32 *)(r6 + field(oldstate))
	r2 = SOCK_ROLE_SERVER
	if r1 == TCP_ST_SYN_RECV goto role
	r2 = SOCK_ROLE_CLIENT
	if r1 != TCP_ST_SYN_SENT goto out
role:
	*(u64 *)(r10 + FP_INH) = 0
	*(u64 *)(r10 + FP_INH + 8) = 0
	*(u8 *)(r10 + FP_INH + SKB_ROLE) = r2
	r1 = *(u16 *)(r6 + field(family))
	*(u16 *)(r10 + FP_INH + SKB_FAMILY) = r1
	r1 = *(u16 *)(r6 + field(sport))
	*(u16 *)(r10 + FP_INH + SKB_LPORT) = r1
	r1 = *(u16 *)(r6 + field(dport))
	*(u16 *)(r10 + FP_INH + SKB_RPORT) = r1
	// the addresses 4 bytes at a time: on 32-bit kernels they sit at
	// offsets that are not 8-aligned, and the verifier refuses a
	// misaligned 8-byte context load
	r1 = *(u32 *)(r6 + field(saddr_v6))
	*(u32 *)(r10 + FP_INH + SKB_LADDR) = r1
	r1 = *(u32 *)(r6 + field(saddr_v6) + 4)
	*(u32 *)(r10 + FP_INH + SKB_LADDR + 4) = r1
	r1 = *(u32 *)(r6 + field(saddr_v6) + 8)
	*(u32 *)(r10 + FP_INH + SKB_LADDR + 8) = r1
	r1 = *(u32 *)(r6 + field(saddr_v6) + 12)
	*(u32 *)(r10 + FP_INH + SKB_LADDR + 12) = r1
	r1 = *(u32 *)(r6 + field(daddr_v6))
	*(u32 *)(r10 + FP_INH + SKB_RADDR) = r1
	r1 = *(u32 *)(r6 + field(daddr_v6) + 4)
	*(u32 *)(r10 + FP_INH + SKB_RADDR + 4) = r1
	r1 = *(u32 *)(r6 + field(daddr_v6) + 8)
	*(u32 *)(r10 + FP_INH + SKB_RADDR + 8) = r1
	r1 = *(u32 *)(r6 + field(daddr_v6) + 12)
	*(u32 *)(r10 + FP_INH + SKB_RADDR + 12) = r1
	r1 = *(u64 *)(r6 + field(skaddr))
	*(u64 *)(r10 + FP_BORN_KEY) = r1
	UPDATE(sk_born, FP_BORN_KEY, FP_INH, RT_BPF_ANY)
	goto out
dead:
	r1 = *(u64 *)(r6 + field(skaddr))
	*(u64 *)(r10 + FP_BORN_KEY) = r1
	DELETE(sk_born, FP_BORN_KEY)
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
	LEARN(SOCK_K_CONNECT, forget)
	FORGET

// ---- sockets used by a process that did not make them -------------------
// A postmaster accepts and forks a backend that serves the connection; an
// fd passes over a UNIX socket (SCM_RIGHTS); a child is exec'd with it.
// The syscalls that made the socket were another process's: the first
// time a selected process moves bytes through a TCP socket under an fd
// it does not track, the data exit of that call learns it
// (kern/sockio_exit.h) and captures the call's bytes. The exit knows the
// fd, not the socket: these programs, on every TCP send and receive,
// leave the exit a note of the socket (sk_note, the thread's slot: its
// struct sock, bytes and direction), and nothing else when the process
// may track sockets (its gate open): the common case, a tracked socket,
// costs a pid and two array slots here, no hash lookup and no helper
// for the fd; the exit, which finds the fd tracked, takes the note away.
// A process whose gate is closed tracks no socket: if it is selected,
// its gate is opened here (for its exit to look), then the note left. A
// process found unselected is cached in the socket's sk_born entry (its
// tgid, SKB_FD_UNSEL): the common case of a process rawtel does not
// trace, a load generator, stops at that lookup. A socket established
// before rawtel started is not in sk_born: it enters at its first use
// (BORN_BEFORE). Within a syscall only (task registers): elsewhere such
// sockets stay unseen. r6 ctx; DIR the DATA_DIR_* of the program.
#define INHERIT_NOTE(DIR) \
	r1 = *(u16 *)(r6 + field(protocol)) ; \
	if r1 != RT_IPPROTO_TCP goto out ; \
	r1 = *(u32 *)(r6 + field(ret)) ;	/* bytes moved, or an error */ \
	r1 <<= 32 ; \
	r1 s>>= 32 ; \
	if r1 s<= 0 goto out ; \
	call bpf_get_current_pid_tgid ; \
	r7 = r0 ; \
	GATE_SLOT(r7, closed) ; \
note: ; \
	THREAD_SLOT(sk_note, SK_NOTE_SLOTS, r7, FP_NOTE_KEY, out) ; \
	*(u64 *)(r0 + NOTE_ID) = r7 ; \
	r1 = *(u64 *)(r6 + field(sk)) ; \
	*(u64 *)(r0 + NOTE_SK) = r1 ; \
	r1 = *(u32 *)(r6 + field(ret)) ; \
	*(u32 *)(r0 + NOTE_RET) = r1 ; \
	r1 = *(u16 *)(r6 + field(family)) ; \
	*(u16 *)(r0 + NOTE_FAMILY) = r1 ; \
	*(u8 *)(r0 + NOTE_DIR) = DIR ; \
	goto out ; \
closed: ; \
	r1 = *(u64 *)(r6 + field(sk)) ;	/* r8 = sk_born[sk] */ \
	*(u64 *)(r10 + FP_BORN_KEY) = r1 ; \
	LOOKUP(sk_born, FP_BORN_KEY, 2f) ; \
	goto 3f ; \
2: ; \
	r1 = *(u16 *)(r6 + field(family)) ; \
	BORN_BEFORE(FP_BORN_KEY, FP_INH, out) ; \
3: ; \
	r8 = r0 ; \
	r1 = r7 ;				/* found unselected already? */ \
	r1 >>= 32 ; \
	r2 = *(u32 *)(r8 + SKB_TGID) ; \
	if r1 != r2 goto 4f ; \
	r2 = *(u32 *)(r8 + SKB_FD) ; \
	if r2 == SKB_FD_UNSEL goto out ; \
4: ; \
	SELECT(r7, 5f) ; \
	OPEN_GATE(r7) ; \
	goto note ; \
5: ; \
	r1 = r7 ; \
	r1 >>= 32 ; \
	*(u32 *)(r8 + SKB_TGID) = r1 ; \
	r1 = SKB_FD_UNSEL ; \
	*(u32 *)(r8 + SKB_FD) = r1

.if $task_regs & $first_use
.prog sk_send_inherit tracepoint sock/sock_send_length
.if has_field(sk)
	r6 = r1
	INHERIT_NOTE(DATA_DIR_SEND)
.endif
out:
	r0 = 0
	exit

.prog sk_recv_inherit tracepoint sock/sock_recv_length
.if has_field(sk)
	r6 = r1
	r1 = *(u32 *)(r6 + field(flags))
	r1 &= 2					// MSG_PEEK: the bytes stay queued
	if r1 != 0 goto out
	INHERIT_NOTE(DATA_DIR_RECV)
.endif
out:
	r0 = 0
	exit
.endif

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
	UPDATE(sel, FP_TGID, FP_ONE, RT_BPF_ANY)
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
	UPDATE(sk_listen, FP_FD_KEY, FP_LISTEN, RT_BPF_ANY)
	FORGET

#include "sock_ktls.h"
#include "sock_end.h"
