// The end of sockets and processes (kern/sock.S includes this: its maps
// and macros).

// close() of a tracked socket: forgotten (sk_fds, sk_nocopy), and said,
// with the bytes that moved through it (user space learns of records lost
// at the end).
// Closing forgets a bound address too. The fd is gone whatever close
// returns.
.prog sk_close tracepoint syscalls/sys_enter_close
	CTX_PID(r7)
	GATE(r7, out)
	r1 = *(u64 *)(r6 + field(fd))
	FD_KEY(r7, r1, FP_FD_KEY)
	LOOKUP(sk_listen, FP_FD_KEY, 1f)	// a lookup takes no lock: most
	DELETE(sk_listen, FP_FD_KEY)		// closed fds are no listener
1:
	LOOKUP(sk_fds, FP_FD_KEY, out)
	r8 = r0
	ZERO_REC
	r1 = *(u64 *)(r8 + SKF_CONN)
	*(u64 *)(r9 + SOCK_OFF_CONN) = r1
	r1 = *(u8 *)(r8 + SKF_ROLE)
	*(u8 *)(r9 + SOCK_OFF_ROLE) = r1
	r1 = *(u64 *)(r8 + SKF_SEQ_RECV)
	*(u64 *)(r9 + SOCK_OFF_SEQ) = r1
	r1 = *(u64 *)(r8 + SKF_SEQ_SEND)
	*(u64 *)(r9 + SOCK_OFF_SEQ + 8) = r1
	r1 = SOCK_F_SEQ
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1
	r1 = *(u64 *)(r6 + field(fd))
	*(u32 *)(r9 + SOCK_OFF_FD) = r1
	r1 = -1
	*(u32 *)(r9 + SOCK_OFF_LFD) = r1
	DELETE(sk_fds, FP_FD_KEY)
	r1 = sk_nocopy ll		// its payloads wanted or not: forgotten
	r2 = r9
	r2 += SOCK_OFF_CONN
	call bpf_map_delete_elem
	SEND_SOCK(SOCK_K_CLOSE)
out:
	r0 = 0
	exit

// The end of a process (its last thread; on kernels without group_dead,
// its leader): if it had tracked sockets, out of sk_procs,
// its gate slot closed by one, and a SOCK_K_EXIT record for user space,
// which knows its sockets and forgets them (here and in sk_fds).
.prog sk_exit tracepoint sched/sched_process_exit
	PROCESS_END(r7, out)
	r1 = r7
	r1 >>= 32
	*(u32 *)(r10 + FP_TGID) = r1
	GATE(r7, out)
	DELETE(sk_procs, FP_TGID)
	if r0 != 0 goto out
	r2 = r10			// GATE's key is still there
	r2 += FP_GATE_KEY
	r1 = sk_gate ll
	call bpf_map_lookup_elem
	if r0 == 0 goto gone
	r1 = -1
	ATOMIC_ADD(u64, r0 + 0, r1, r2)
gone:
	ZERO_REC
	r1 = -1
	*(u32 *)(r9 + SOCK_OFF_FD) = r1
	*(u32 *)(r9 + SOCK_OFF_LFD) = r1
	SEND_SOCK(SOCK_K_EXIT)
out:
	r0 = 0
	exit
