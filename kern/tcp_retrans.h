// Retransmissions and resets (kern/tcp.S includes this: its maps and
// macros). Each sends a retrans record, with the connection's owner when
// its socket is in tcp_conns, and leaves a mark on the entry.
// The record at FP_RETR (r9), key (socket address) at FP_SK.
#define RETR_BEGIN(KIND) \
	r6 = r1 ; \
	ZERO96(FP_RETR) ; \
	r9 = r10 ; \
	r9 += FP_RETR ; \
	r1 = EV_RETRANS | (RETR_REC_SIZE << 16) ; \
	*(u32 *)(r9 + EV_OFF_TYPE) = r1 ; \
	r1 = KIND ; \
	*(u8 *)(r9 + RETR_OFF_KIND) = r1
// ...for a socket: its address (field skaddr) at FP_SK, the key
#define RETR_SK_BEGIN(KIND) \
	RETR_BEGIN(KIND) ; \
	r1 = *(u64 *)(r6 + field(skaddr)) ; \
	*(u64 *)(r10 + FP_SK) = r1
// The socket's state, on kernels whose tracepoint gives it
#define RETR_STATE \
.if has_field(state) ; \
	r1 = *(u32 *)(r6 + field(state)) ; \
	*(u8 *)(r9 + RETR_OFF_STATE) = r1 ; \
.endif
// The ports and addresses, from the tracepoint's fields
#define RETR_ADDRS \
	PORTS(r9, RETR_OFF_LPORT, RETR_OFF_RPORT) ; \
	ADDRS(r9, RETR_OFF_FAMILY, RETR_OFF_SADDR, RETR_OFF_DADDR)
// What the entry r7 knows of the connection
#define RETR_OWNER \
	r1 = *(u64 *)(r7 + TCPC_PIDTGID) ; \
	*(u64 *)(r9 + EV_OFF_TID) = r1 ; \
	r1 = *(u8 *)(r7 + TCPC_DIR) ; \
	*(u8 *)(r9 + RETR_OFF_DIR) = r1 ; \
	r1 = *(u8 *)(r7 + TCPC_PIDHOW) ; \
	*(u8 *)(r9 + RETR_OFF_PIDHOW) = r1 ; \
	r1 = *(u64 *)(r7 + TCPC_COMM) ; \
	*(u64 *)(r9 + RETR_OFF_COMM) = r1 ; \
	r1 = *(u64 *)(r7 + TCPC_COMM + 8) ; \
	*(u64 *)(r9 + RETR_OFF_COMM + 8) = r1
// Stamp, filter, send
#define RETR_SEND \
	KTIME ; \
	*(u64 *)(r9 + EV_OFF_TS) = r0 ; \
.if $probe_retrans ; \
	OWNER_FILTER(r9, RETR_OFF_COMM, out) ; \
	EMIT(r6, r9, RETR_REC_SIZE, EV_RETRANS) ; \
.endif
// The end of a program on a known connection: what its entry r7 knows,
// then (send:) the record stamped, filtered and sent
#define RETR_END \
	RETR_OWNER ; \
send: ; \
	RETR_SEND
// r7 = the entry of a socket closed a moment ago (key at FP_SK), or goto
// LABEL: a close that sends a reset changes the state first
#define CLOSED_LOOKUP(LABEL) \
	r1 = *(u64 *)(r10 + FP_SK) ; \
	if r1 == 0 goto LABEL ; \
	r2 = r1 ;				/* its tcp_closed slot */ \
	r2 >>= 14 ; \
	r1 >>= 6 ; \
	r1 ^= r2 ; \
	r1 &= TCPC_CLOSED_SLOTS - 1 ; \
	*(u32 *)(r10 + FP_CLOSED_KEY) = r1 ; \
	LOOKUP(tcp_closed, FP_CLOSED_KEY, LABEL) ; \
	r7 = r0 ; \
	r1 = *(u64 *)(r7 + TCPC_SK) ;		/* still that socket's? */ \
	r2 = *(u64 *)(r10 + FP_SK) ; \
	if r1 != r2 goto LABEL

// A segment sent again: counted on its connection when it went out (err 0;
// kernels before the err field report only those).
.prog tcp_retrans tracepoint tcp/tcp_retransmit_skb
	RETR_SK_BEGIN(RETR_K_SEGMENT)
	RETR_STATE
.if has_field(err)
	r1 = *(u32 *)(r6 + field(err))
	*(u32 *)(r9 + RETR_OFF_ERR) = r1
.endif
	RETR_ADDRS
	CONN_LOOKUP
	if r0 == 0 goto send
	r7 = r0
	r1 = *(u32 *)(r9 + RETR_OFF_ERR)
	if r1 != 0 goto owner
	r1 = 1
	ATOMIC_ADD(u32, r7 + TCPC_RETRANS, w1, w2)
owner:
	RETR_END
out:
	r0 = 0
	exit

// A SYN-ACK sent again by a listener for a connection not yet accepted.
.prog tcp_retrans_synack tracepoint tcp/tcp_retransmit_synack
.if has_field(req)
	RETR_BEGIN(RETR_K_SYNACK)
	r1 = TCP_ST_NEW_SYN_RECV
	*(u8 *)(r9 + RETR_OFF_STATE) = r1
	r1 = TCP_DIR_IN
	*(u8 *)(r9 + RETR_OFF_DIR) = r1
	RETR_ADDRS
	RETR_SEND
.endif
out:
	r0 = 0
	exit

// A reset sent: by a connection (abort, bad segment) or for a segment no
// socket wanted (skaddr 0). 6.10+ give the reason and the addresses as
// struct sockaddr_in/_in6 (family, port in network order, address).
.prog tcp_rst_sent tracepoint tcp/tcp_send_reset
.if has_field(skaddr)
	RETR_SK_BEGIN(RETR_K_RST_SENT)
	RETR_STATE
.if has_field(reason)
	r1 = *(u32 *)(r6 + field(reason))
	*(u32 *)(r9 + RETR_OFF_REASON) = r1
	r1 = RETR_F_REASON
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
.endif
.if has_field(saddr_v6)
	RETR_ADDRS
.else
	r1 = *(u16 *)(r6 + field(saddr))
	*(u16 *)(r9 + RETR_OFF_FAMILY) = r1
	r1 = *(u16 *)(r6 + field(saddr) + 2)
	r1 = be16 r1
	*(u16 *)(r9 + RETR_OFF_LPORT) = r1
	r1 = *(u16 *)(r6 + field(daddr) + 2)
	r1 = be16 r1
	*(u16 *)(r9 + RETR_OFF_RPORT) = r1
	r1 = *(u16 *)(r9 + RETR_OFF_FAMILY)
	if r1 == RT_AF_INET6 goto rs_sa6
	// sockaddr_in: the address at byte 4
	MAPPED(r9, RETR_OFF_SADDR, saddr, 4)
	MAPPED(r9, RETR_OFF_DADDR, daddr, 4)
	goto rs_sa_done
rs_sa6:
	// sockaddr_in6: the address at byte 8
	CPY(r9, RETR_OFF_SADDR, saddr, 8, 16)
	CPY(r9, RETR_OFF_DADDR, daddr, 8, 16)
rs_sa_done:
.endif
	CONN_LOOKUP
	if r0 == 0 goto just_closed
	r7 = r0
	*(u8 *)(r7 + TCPC_RST_SENT) = 1
	goto owner
just_closed:
	CLOSED_LOOKUP(send)
owner:
	RETR_END
.endif
out:
	r0 = 0
	exit

// A reset received by a connection (it is closed right after).
.prog tcp_rst_recv tracepoint tcp/tcp_receive_reset
.if has_field(skaddr)
	RETR_SK_BEGIN(RETR_K_RST_RECV)
	RETR_ADDRS
	CONN_LOOKUP
	if r0 == 0 goto send
	r7 = r0
	*(u8 *)(r7 + TCPC_RST_RECV) = 1
	r1 = *(u8 *)(r7 + TCPC_CUR)
	*(u8 *)(r9 + RETR_OFF_STATE) = r1
	RETR_END
.endif
out:
	r0 = 0
	exit
