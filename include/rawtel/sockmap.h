/* The maps of the http probe's kernel side (kern/sock.S, kern/sockio.S)
 * that user space also reads or seeds (user/probes/sockcap.c): layouts as
 * #defines for kern/ (through cpp) and C alike. Not records: nothing here
 * reaches a session callback. */
#ifndef RAWTEL_SOCKMAP_H
#define RAWTEL_SOCKMAP_H

/* sk_fds: the tracked sockets, by (tgid << 32 | fd). LRU: an exit or a
 * close that was missed cannot fill it. SEQ: the bytes moved through the
 * socket so far in each direction (data records' DATA_OFF_SEQ); 0 when
 * learned or seeded. */
#define SKF_CONN	0	/* u64 SOCK_OFF_CONN */
#define SKF_ROLE	8	/* u8 SOCK_ROLE_* */
#define SKF_KTLS	9	/* u8 kTLS: bit 1 << DATA_DIR_* set where
				 * that direction's bytes are plaintext
				 * (kern/sock_ktls.h) */
#define SKF_SEQ		16	/* u64[2] by DATA_DIR_* */
#define SKF_SEQ_RECV	16
#define SKF_SEQ_SEND	24
#define SKF_SIZE	32
#define SKF_MAX		16384

/* sk_listen: sockets bound to an address (listeners, mostly), by
 * (tgid << 32 | fd): where accept's local address comes from. */
#define SKL_FAMILY	0	/* u16 */
#define SKL_PORT	2	/* u16 host order, 0: not chosen at bind */
#define SKL_ADDR	8	/* 16 bytes, IPv6 form */
#define SKL_SIZE	24
#define SKL_MAX		4096

/* sk_procs: processes with tracked sockets (tgid -> 1). The selected
 * processes are kern/common.h's sel. */
#define SKP_MAX		16384

/* sk_gate: an array slot per (tgid & SK_GATE_SLOTS - 1), counting the
 * processes of that slot in sk_procs. The data path looks there first
 * (an array lookup the verifier inlines): a zero means no process of the
 * slot has a tracked socket, and the hash lookup is skipped. Seeds from
 * user space add SK_GATE_SEED, which no exit takes away. */
#define SK_GATE_SLOTS	16384
#define SK_GATE_SEED	(1ULL << 32)

/* sk_io: the syscall in flight per thread (tid & SK_IO_SLOTS - 1) on a
 * tracked socket, from its entry to its exit (kernels without task
 * registers; with them the exit alone does the work). A slot another
 * thread's entry takes over keeps what the exit of the call it displaced
 * needs to count that call's bytes in the socket's SEQ (VID, VFD, VCALL,
 * VCONN): its record is lost, its bytes are not forgotten. */
#define SKIO_ID		0	/* u64 pid_tgid owning the slot, 0 free */
#define SKIO_CONN	8	/* u64 */
#define SKIO_START	16	/* u64 ns at entry */
#define SKIO_BUF	24	/* u64 user buffer, or iovec array */
#define SKIO_FD		32	/* s32; FD, DIR, CALL as in a data record */
#define SKIO_DIR	36	/* u8 DATA_DIR_* */
#define SKIO_CALL	37	/* u8 DATA_CALL_* */
#define SKIO_VLEN	38	/* u16 iovecs (capped at 0xffff) */
#define SKIO_VID	40	/* u64 pid_tgid of the call displaced, 0 none */
#define SKIO_VCONN	48	/* u64 its socket's connection id */
#define SKIO_VFD	56	/* s32 its fd */
#define SKIO_VCALL	60	/* u8 its DATA_CALL_* */
#define SKIO_SIZE	64
#define SK_IO_SLOTS	16384

/* sk_pend: accept, connect or bind in flight, by pid_tgid. */
#define SKP_KIND	0	/* u8 SKP_K_* */
#define SKP_TCP		1	/* u8 connect: the socket entered SYN_SENT */
#define SKP_KTLS	1	/* u8 setsockopt: the kTLS direction bit */
#define SKP_FAMILY	2	/* u16 connect, bind: of the sockaddr */
#define SKP_PORT	4	/* u16 connect: remote; bind: local (host order) */
#define SKP_FD		8	/* s32 accept: the listener; else the socket */
#define SKP_UADDR	16	/* u64 accept: the caller's sockaddr buffer */
#define SKP_ADDR	24	/* 16 bytes, IPv6 form */
#define SKP_SIZE	40
#define SKP_PEND_MAX	4096
#define SKP_K_ACCEPT	1
#define SKP_K_CONNECT	2
#define SKP_K_BIND	3
#define SKP_K_KTLS	4	/* setsockopt SOL_TLS TLS_TX / TLS_RX */

/* sk_nocopy: connections whose payloads user space no longer wants (not
 * a protocol it parses, or TLS), by connection id (SKF_CONN) -> 1. LRU:
 * a close missed cannot fill it. Their syscalls still move the stream
 * offsets, and make no record. sk_nocopy_n: per-CPU count of those
 * syscalls (copies avoided). */
#define SKN_MAX		4096

/* sk_born: TCP connections established while rawtel runs, by struct sock
 * address, from sock/inet_sock_set_state (every process's: a socket is
 * often used by a process that did not make it: a forked backend, an fd
 * passed over a UNIX socket, an exec'd child). ROLE from how it got
 * established: SYN_RECV -> ESTABLISHED server (it was accepted),
 * SYN_SENT -> ESTABLISHED client. TGID, FD: the last process and fd that
 * learned it at its first use (so a socket user space dropped is not
 * learned again on every call), or FD SKB_FD_UNSEL when that process
 * was not selected. */
#define SKB_TGID	0	/* u32 */
#define SKB_ROLE	4	/* u8 SOCK_ROLE_* */
#define SKB_FAMILY	6	/* u16 */
#define SKB_LPORT	8	/* u16 host order */
#define SKB_RPORT	10	/* u16 host order */
#define SKB_FD		12	/* u32 */
#define SKB_LADDR	16	/* 16 bytes, IPv6 form */
#define SKB_RADDR	32
#define SKB_SIZE	48
#define SKB_MAX		8192

/* sk_note: per thread (tid & SK_NOTE_SLOTS - 1), the TCP socket its call
 * in flight last moved bytes through, from sock_send_length /
 * sock_recv_length, for the data exit of the same call: a call whose fd
 * the process does not track learns the socket from it (SOCK_K_INHERIT),
 * when the note's bytes and direction are the call's. Every data exit
 * past the gate takes its thread's note away, so a note is never a
 * later call's. A slot a cache line: the threads of two CPUs do not
 * write one line. */
#define NOTE_ID		0	/* u64 pid_tgid, 0: none */
#define NOTE_SK		8	/* u64 struct sock address */
#define NOTE_RET	16	/* u32 bytes moved */
#define NOTE_FAMILY	20	/* u16 */
#define NOTE_DIR	22	/* u8 DATA_DIR_* */
#define NOTE_SIZE	64
#define SK_NOTE_SLOTS	4096

/* Connection ids: the kernel side's are (cpu << 48 | a per-CPU count),
 * user space's (seeds) have bit 63 set: never the same, never 0. */
#define SK_CONN_USER	(1ULL << 63)

#endif
