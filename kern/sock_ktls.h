// Kernel TLS on a tracked socket (kern/sock.S includes this: its maps,
// macros and stack slots). setsockopt(SOL_TLS, TLS_TX or TLS_RX) that
// worked hands the record layer of one direction to the kernel: from then
// on what the process sends through the socket is plaintext the kernel
// encrypts (TX), what it receives plaintext the kernel decrypted (RX).
// OpenSSL does it after its handshake (nginx's SSL_sendfile), a program
// can do it with keys of its own and no TLS library at all. The socket's
// sk_fds entry gets the direction's bit (SKF_KTLS), which the data exits
// put on their records (DATA_F_KTLS, kern/sockio_exit.h), and a
// SOCK_K_KTLS record tells user space. TCP_ULP "tls" alone changes no
// byte: the socket still carries what the process wrote (its handshake's
// records) until a direction is keyed.
#define FP_KTLS_DIR	-264	/* u64: the direction bit, at entry */

// Entry: a kTLS option on a tracked socket of this process parked
// {SKP_K_KTLS, fd, direction bit} for the exit. Other options (nearly
// every setsockopt) stop at the level.
.prog sk_ktls_enter tracepoint syscalls/sys_enter_setsockopt
	CTX_PID(r7)
	r1 = *(u64 *)(r6 + field(level))
	if r1 != RT_SOL_TLS goto out
	r1 = *(u64 *)(r6 + field(optname))
	r2 = 1 << DATA_DIR_SEND
	if r1 == RT_TLS_TX goto keyed
	r2 = 1 << DATA_DIR_RECV
	if r1 != RT_TLS_RX goto out
keyed:
	*(u64 *)(r10 + FP_KTLS_DIR) = r2
	GATE(r7, out)
	r1 = *(u64 *)(r6 + field(fd))
	FD_KEY(r7, r1, FP_FD_KEY)
	LOOKUP(sk_fds, FP_FD_KEY, out)
	ZERO_PEND
	PEND_CALL(SKP_K_KTLS)
	r1 = *(u64 *)(r10 + FP_KTLS_DIR)
	*(u8 *)(r8 + SKP_KTLS) = r1
	PARK_END

// Exit: when it returned 0 and the fd is still the socket, its bit set
// and the SOCK_K_KTLS record sent (every direction keyed so far).
.prog sk_ktls_exit tracepoint syscalls/sys_exit_setsockopt
	PEND(SKP_K_KTLS)
	r1 = *(u64 *)(r6 + field(ret))
	if r1 != 0 goto forget
	ZERO_REC
	r1 = *(u32 *)(r8 + SKP_FD)
	*(u32 *)(r9 + SOCK_OFF_FD) = r1
	FD_KEY(r7, r1, FP_FD_KEY)
	LOOKUP(sk_fds, FP_FD_KEY, forget)
	r1 = *(u8 *)(r0 + SKF_KTLS)
	r2 = *(u8 *)(r8 + SKP_KTLS)
	r1 |= r2
	*(u8 *)(r0 + SKF_KTLS) = r1
	r2 = 0					// the record's flags
	r3 = r1
	r3 &= 1 << DATA_DIR_SEND
	if r3 == 0 goto no_tx
	r2 |= SOCK_F_KTLS_TX
no_tx:
	r1 &= 1 << DATA_DIR_RECV
	if r1 == 0 goto no_rx
	r2 |= SOCK_F_KTLS_RX
no_rx:
	*(u32 *)(r9 + EV_OFF_FLAGS) = r2
	r1 = *(u64 *)(r0 + SKF_CONN)
	*(u64 *)(r9 + SOCK_OFF_CONN) = r1
	r1 = *(u8 *)(r0 + SKF_ROLE)
	*(u8 *)(r9 + SOCK_OFF_ROLE) = r1
	r1 = -1
	*(u32 *)(r9 + SOCK_OFF_LFD) = r1
	SEND_SOCK(SOCK_K_KTLS)
	FORGET
