// tcp: TCP connections from their first state to their close, and the
// retransmissions and resets on the way, from tracepoints only.
//
// sock:inet_sock_set_state follows each socket (by its address) through its
// states: tcp_conns holds, per live connection, when it began, its owner,
// the states it went through and what the other programs counted. The
// close sends the connection's record (probe tcp) and moves the entry to
// the closed ring, where a reset sent right after the close still finds
// its owner. An entry never outlives its socket's close; tcp_conns is an
// LRU map as well, so a close that was missed cannot fill it.
//
// The owner. Most transitions run in softirq context, where the current
// task is whoever was on the CPU. Only these run in the task that owns the
// socket, so only these name it:
//   SYN_SENT            connect() (or sendto with MSG_FASTOPEN): always
//   sock_send_length,   a send or receive through the socket API, for a
//   sock_recv_length    connection with no owner yet (accepted ones)
//   FIN_WAIT1, LAST_ACK close() or shutdown(), when still without an owner
// A connection whose owner was never seen is reported with pid 0.
//
// Bytes: sock:sock_send_length and sock:sock_recv_length carry the socket
// and the byte count of each send and receive through the socket API
// (newer kernels: 6.18 has them, Debian's 6.1 does not). Without them the
// record has no byte counts, and an accepted connection's owner is only
// seen when it closes in order.
// Resets: kernels before 6.10 report only those sent by a full socket;
// later ones also those sent for segments no socket wanted.
#include "common.h"

DECLARE_EVENTS
.map tcp_conns lru_hash key=8 value=TCPC_SIZE max=TCPC_MAX
.map tcp_closed array key=4 value=TCPC_SIZE max=TCPC_CLOSED_SLOTS

// ---- stack -------------------------------------------------------------------
#define FP_SK -8		/* u64: the socket's address, tcp_conns key */
#define FP_CLOSED_KEY -12	/* u32: tcp_closed slot */
#define FP_OWNER_KEY -12	/* u32: OWNER_FILTER's sel / live key (the
				 * closed slot is dead where it runs) */
#define FP_ENTRY -80		/* a new tcp_conns entry (TCPC_SIZE) */
#define FP_RETR -112		/* a retrans record (kern/tcp_retrans.h) */
#define FP_REC -128		/* the tcp record of a close */
#define FP_CGSEL -144		/* 16 bytes: SET_OWNER's cgroup id, sel key */

// ---- copying tracepoint fields ------------------------------------------
// Addresses sit at offsets that differ between kernels and need not be
// aligned, while tracepoint context loads must be aligned to their size:
// they are copied with the helper. N bytes of field F (from byte FO on) of
// the context in r6 to R + OFF.
#define READ_KERNEL .if $probe_read_user ; call bpf_probe_read_kernel ; \
	.else ; call bpf_probe_read ; .endif
#define CPY(R, OFF, F, FO, N) \
	r1 = R ; \
	r1 += (OFF) ; \
	r2 = N ; \
	r3 = r6 ; \
	r3 += field(F) + (FO) ; \
	READ_KERNEL
// Family, local and remote address (IPv4 ones stored IPv4-mapped) from the
// fields every TCP tracepoint but the 6.10+ tcp_send_reset has: saddr[4],
// daddr[4], saddr_v6[16], daddr_v6[16]. Kernels from before `family` put
// IPv4 addresses IPv4-mapped into the v6 fields.
#define MAPPED(R, OFF, F, FO) \
	w1 = 0xffff0000 ;			/* ::ffff:, then the 4 bytes */ \
	*(u32 *)(R + (OFF) + 8) = r1 ; \
	CPY(R, (OFF) + 12, F, FO, 4)
#define ADDRS(R, FAM, S, D) \
.if has_field(family) ; \
	r1 = *(u16 *)(r6 + field(family)) ; \
.else ; \
	r1 = RT_AF_INET6 ; \
.endif ; \
	*(u16 *)(R + (FAM)) = r1 ; \
	if r1 != RT_AF_INET6 goto 1f ; \
	CPY(R, S, saddr_v6, 0, 16) ; \
	CPY(R, D, daddr_v6, 0, 16) ; \
	goto 2f ; \
1: ; \
	MAPPED(R, S, saddr, 0) ; \
	MAPPED(R, D, daddr, 0) ; \
2:
#define PORTS(R, L, RP) \
	r1 = *(u16 *)(r6 + field(sport)) ; \
	*(u16 *)(R + (L)) = r1 ; \
	r1 = *(u16 *)(r6 + field(dport)) ; \
	*(u16 *)(R + (RP)) = r1

// ---- helpers ----------------------------------------------------------------
// r0 = the tcp_conns entry of the socket whose address is at FP_SK, or 0
#define CONN_LOOKUP \
	r1 = tcp_conns ll ; \
	r2 = r10 ; \
	r2 += FP_SK ; \
	call bpf_map_lookup_elem
// Zero the I-th u64 from SLOT on; 96 bytes from SLOT on
#define ZERO8(SLOT, I) *(u64 *)(r10 + (SLOT) + (I) * 8) = 0
#define ZERO96(SLOT) ZERO8(SLOT, 0) ; ZERO8(SLOT, 1) ; ZERO8(SLOT, 2) ; ZERO8(SLOT, 3) ; \
	ZERO8(SLOT, 4) ; ZERO8(SLOT, 5) ; ZERO8(SLOT, 6) ; ZERO8(SLOT, 7) ; ZERO8(SLOT, 8) ; \
	ZERO8(SLOT, 9) ; ZERO8(SLOT, 10) ; ZERO8(SLOT, 11)
// Jump to LABEL unless the owner in record R (pid at EV_OFF_PID, command
// at R + COMM) is selected and rawtel live; rawtel's own connections never
// are. Clobbers r0-r5, FP_OWNER_KEY (dead where records are sent).
#define OWNER_FILTER(R, COMM, LABEL) \
	r1 = *(u32 *)(R + EV_OFF_PID) ; \
	if r1 == $self_pid goto LABEL ; \
.if $filter_pid | $filter_cgroup ;	/* --cgroup: SET_OWNER fills sel */ \
	*(u32 *)(r10 + FP_OWNER_KEY) = r1 ;	/* the owner in sel? */ \
	r2 = r10 ; \
	r2 += FP_OWNER_KEY ; \
	r1 = sel ll ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto LABEL ; \
.endif ; \
.if $filter_comm ; \
	r1 = *(u64 *)(R + (COMM)) ; \
	r2 = $comm_lo ll ; \
	if r1 != r2 goto LABEL ; \
	r1 = *(u64 *)(R + (COMM) + 8) ; \
	r2 = $comm_hi ll ; \
	if r1 != r2 goto LABEL ; \
.endif ; \
	LIVE(FP_OWNER_KEY, LABEL)
// The task that owns the socket of entry r7 is the current one: HOW
#define SET_OWNER(HOW) \
	r1 = HOW ; \
	*(u8 *)(r7 + TCPC_PIDHOW) = r1 ; \
	call bpf_get_current_pid_tgid ; \
	*(u64 *)(r7 + TCPC_PIDTGID) = r0 ; \
	*(u64 *)(r7 + TCPC_COMM) = 0 ; \
	*(u64 *)(r7 + TCPC_COMM + 8) = 0 ; \
	r1 = r7 ; \
	r1 += TCPC_COMM ; \
	r2 = 16 ; \
	call bpf_get_current_comm ; \
	SEL_CGROUP_MEMBER(FP_CGSEL)

// ---- connection lifecycle --------------------------------------------------
// Registers: r6 ctx, r7 entry, r8 new state, r9 old state (then the record).
.prog tcp_state tracepoint sock/inet_sock_set_state
	r6 = r1
	r1 = *(u16 *)(r6 + field(protocol))
	if r1 != RT_IPPROTO_TCP goto out	// SCTP, MPTCP's own socket
	r8 = *(u32 *)(r6 + field(newstate))
	r8 &= 15
	r9 = *(u32 *)(r6 + field(oldstate))
	r9 &= 15
	if r8 == TCP_ST_LISTEN goto out		// listen(): not a connection
	r1 = *(u64 *)(r6 + field(skaddr))
	*(u64 *)(r10 + FP_SK) = r1
	if r8 == TCP_ST_CLOSE goto closed
	// out of CLOSE (connect) or LISTEN (a new child): a new connection,
	// whatever an entry left for this address says
	if r9 == TCP_ST_CLOSE goto fresh
	if r9 == TCP_ST_LISTEN goto fresh
	CONN_LOOKUP
	if r0 != 0 goto have
fresh:
	// the entry, built at FP_ENTRY
	ZERO8(FP_ENTRY, 0)
	ZERO8(FP_ENTRY, 1)
	ZERO8(FP_ENTRY, 2)
	ZERO8(FP_ENTRY, 3)
	ZERO8(FP_ENTRY, 4)
	ZERO8(FP_ENTRY, 5)
	ZERO8(FP_ENTRY, 6)
	ZERO8(FP_ENTRY, 7)
	ZERO8(FP_ENTRY, 8)
	*(u8 *)(r10 + FP_ENTRY + TCPC_FIRST) = r8
	r1 = TCP_DIR_OUT
	if r8 == TCP_ST_SYN_SENT goto dir_known
	r1 = TCP_DIR_IN
	if r9 == TCP_ST_LISTEN goto dir_known
	if r8 == TCP_ST_SYN_RECV goto dir_known
	r1 = TCP_DIR_UNKNOWN			// opened before rawtel started
dir_known:
	*(u8 *)(r10 + FP_ENTRY + TCPC_DIR) = r1
	// ESTABLISHED, SYN_SENT and SYN_RECV begin a connection; a first
	// sight in a later state means it began before rawtel did
	if r8 > TCP_ST_SYN_RECV goto insert
	KTIME
	*(u64 *)(r10 + FP_ENTRY + TCPC_START) = r0
insert:
	UPDATE(tcp_conns, FP_SK, FP_ENTRY, RT_BPF_ANY)
	CONN_LOOKUP
	if r0 == 0 goto out
have:
	r7 = r0
	// transitions of one socket are serialized by its lock: a plain
	// read-modify-write of the state bits is safe
	r1 = 1
	r1 <<= r8
	r2 = 1
	r2 <<= r9
	r1 |= r2
	r1 &= ~(1 << TCP_ST_LISTEN)		// the listener's, not this socket's
	r2 = *(u16 *)(r7 + TCPC_STATES)
	r1 |= r2
	*(u16 *)(r7 + TCPC_STATES) = r1
	*(u8 *)(r7 + TCPC_CUR) = r8
	if r8 == TCP_ST_SYN_SENT goto by_connect
	if r8 == TCP_ST_FIN_WAIT1 goto by_close
	if r8 == TCP_ST_LAST_ACK goto by_close
	goto out
by_close:
	r1 = *(u64 *)(r7 + TCPC_PIDTGID)
	if r1 != 0 goto out
	SET_OWNER(TCP_PID_CLOSE)
	goto out
by_connect:
	SET_OWNER(TCP_PID_CONNECT)
	goto out

	// The close: the record at FP_REC (r9), from the tracepoint's
	// addresses and what the entry gathered. r8: now.
closed:
	if r9 == TCP_ST_LISTEN goto out		// a listener closing
	if r9 == TCP_ST_CLOSE goto out
	ZERO8(FP_REC, 0)
	ZERO8(FP_REC, 1)
	ZERO8(FP_REC, 2)
	ZERO8(FP_REC, 3)
	ZERO8(FP_REC, 4)
	ZERO8(FP_REC, 5)
	ZERO8(FP_REC, 6)
	ZERO8(FP_REC, 7)
	ZERO8(FP_REC, 8)
	ZERO8(FP_REC, 9)
	ZERO8(FP_REC, 10)
	ZERO8(FP_REC, 11)
	ZERO8(FP_REC, 12)
	ZERO8(FP_REC, 13)
	*(u8 *)(r10 + FP_REC + TCP_OFF_LAST) = r9
	r1 = 1
	r1 <<= r9
	r1 |= 1 << TCP_ST_CLOSE
	*(u16 *)(r10 + FP_REC + TCP_OFF_STATES) = r1
	r9 = r10
	r9 += FP_REC
	r1 = EV_TCP | (TCP_REC_SIZE << 16)
	*(u32 *)(r9 + EV_OFF_TYPE) = r1
	KTIME
	r8 = r0
	*(u64 *)(r9 + EV_OFF_TS) = r8
	PORTS(r9, TCP_OFF_LPORT, TCP_OFF_RPORT)
	ADDRS(r9, TCP_OFF_FAMILY, TCP_OFF_SADDR, TCP_OFF_DADDR)
	CONN_LOOKUP
	if r0 == 0 goto send			// opened and owned before rawtel started
	r7 = r0
	r1 = *(u64 *)(r7 + TCPC_PIDTGID)
	*(u64 *)(r9 + EV_OFF_TID) = r1
	r1 = *(u64 *)(r7 + TCPC_START)
	if r1 == 0 goto no_start
	r2 = r8
	r2 -= r1
	*(u64 *)(r9 + TCP_OFF_DUR) = r2
	r1 = TCP_F_START
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
no_start:
	r1 = *(u64 *)(r7 + TCPC_SENT)
	*(u64 *)(r9 + TCP_OFF_SENT) = r1
	r1 = *(u64 *)(r7 + TCPC_RECV)
	*(u64 *)(r9 + TCP_OFF_RECV) = r1
	r1 = *(u16 *)(r7 + TCPC_STATES)
	r2 = *(u16 *)(r9 + TCP_OFF_STATES)
	r1 |= r2
	*(u16 *)(r9 + TCP_OFF_STATES) = r1
	r1 = *(u8 *)(r7 + TCPC_FIRST)
	*(u8 *)(r9 + TCP_OFF_FIRST) = r1
	r1 = *(u8 *)(r7 + TCPC_PIDHOW)
	*(u8 *)(r9 + TCP_OFF_PIDHOW) = r1
	r1 = *(u8 *)(r7 + TCPC_DIR)
	*(u8 *)(r9 + TCP_OFF_DIR) = r1
	r1 = *(u32 *)(r7 + TCPC_RETRANS)
	*(u32 *)(r9 + TCP_OFF_RETRANS) = r1
	r1 = *(u64 *)(r7 + TCPC_COMM)
	*(u64 *)(r9 + TCP_OFF_COMM) = r1
	r1 = *(u64 *)(r7 + TCPC_COMM + 8)
	*(u64 *)(r9 + TCP_OFF_COMM + 8) = r1
	r2 = *(u32 *)(r9 + EV_OFF_FLAGS)
	r1 = *(u8 *)(r7 + TCPC_RST_SENT)
	if r1 == 0 goto no_rst_sent
	r2 |= TCP_F_RST_SENT
no_rst_sent:
	r1 = *(u8 *)(r7 + TCPC_RST_RECV)
	if r1 == 0 goto no_rst_recv
	r2 |= TCP_F_RST_RECV
no_rst_recv:
	*(u32 *)(r9 + EV_OFF_FLAGS) = r2
	// into the closed ring, then out of the live map
	r1 = *(u64 *)(r10 + FP_SK)
	*(u64 *)(r7 + TCPC_SK) = r1
	r2 = r1
	r2 >>= 14
	r1 >>= 6
	r1 ^= r2
	r1 &= TCPC_CLOSED_SLOTS - 1
	*(u32 *)(r10 + FP_CLOSED_KEY) = r1
	r1 = tcp_closed ll
	r2 = r10
	r2 += FP_CLOSED_KEY
	r3 = r7
	r4 = RT_BPF_ANY
	call bpf_map_update_elem
	DELETE(tcp_conns, FP_SK)
send:
.if $probe_tcp
	OWNER_FILTER(r9, TCP_OFF_COMM, out)
	EMIT(r6, r9, TCP_REC_SIZE, EV_TCP)
.endif
out:
	r0 = 0
	exit

// ---- bytes, and the owner of accepted connections ----------------------------
// Every send and receive through the socket API, of every protocol: the
// cheapest test (the protocol) comes first.
#define IO_COUNT(OFF) \
	r2 = *(u16 *)(r1 + field(protocol)) ; \
	if r2 != RT_IPPROTO_TCP goto out ; \
	r6 = *(u32 *)(r1 + field(ret)) ;	/* bytes moved (s32) */ \
	r6 <<= 32 ; \
	r6 s>>= 32 ; \
	if r6 s<= 0 goto out ; \
	r2 = *(u64 *)(r1 + field(sk)) ; \
	*(u64 *)(r10 + FP_SK) = r2 ; \
	CONN_LOOKUP ; \
	if r0 == 0 goto out ; \
	r7 = r0 ; \
	ATOMIC_ADD(u64, r7 + (OFF), r6, r1) ; \
	r1 = *(u64 *)(r7 + TCPC_PIDTGID) ;	/* no owner yet: this task */ \
	if r1 != 0 goto out ; \
	SET_OWNER(TCP_PID_IO)

.prog tcp_io_send tracepoint sock/sock_send_length
.if has_field(sk)
	IO_COUNT(TCPC_SENT)
.endif
out:
	r0 = 0
	exit

.prog tcp_io_recv tracepoint sock/sock_recv_length
.if has_field(sk)
	r2 = *(u32 *)(r1 + field(flags))
	r2 &= 2					// MSG_PEEK: the bytes stay queued
	if r2 != 0 goto out
	IO_COUNT(TCPC_RECV)
.endif
out:
	r0 = 0
	exit

// ---- retransmissions and resets (the same unit: the same maps)
#include "tcp_retrans.h"
