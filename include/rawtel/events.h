/* Event records the kern/ programs emit and user space decodes. The offsets
 * are #defines so kern/ assembly (through cpp) and C share one definition;
 * the C structs below are checked against them with _Static_assert.
 *
 * Every record starts with the same 24-byte header. Times are nanoseconds
 * of CLOCK_BOOTTIME where the kernel has bpf_ktime_get_boot_ns (5.8+), else
 * CLOCK_MONOTONIC; user space converts with the matching clock. */
#ifndef RAWTEL_EVENTS_H
#define RAWTEL_EVENTS_H

/* ---- common header ------------------------------------------------------ */
#define EV_OFF_TYPE	0	/* u16 EV_* */
#define EV_OFF_SIZE	2	/* u16 bytes in the record, header included */
#define EV_OFF_FLAGS	4	/* u32, per type */
#define EV_OFF_TS	8	/* u64 ns */
#define EV_OFF_TID	16	/* u32; with PID it is bpf_get_current_pid_tgid */
#define EV_OFF_PID	20	/* u32 (the thread group id) */
#define EV_HDR_SIZE	24

#define EV_EXEC		1
#define EV_EXIT		2
#define EV_OPEN		3
#define EV_UPROBE	4
#define EV_DNS		5
#define EV_TCP		6
#define EV_RETRANS	7
#define EV_SOCK		8	/* a tracked socket learned or closed */
#define EV_DATA		9	/* bytes through a tracked socket */
#define EV_TLS_EXEC	10	/* a selected process exec'd: a bare header, for
				 * user/probes/tls_late.c (TLS probes on) */
#define EV_TYPE_MAX	16	/* slots in the per-CPU `drops` map */

/* ---- exec: execve/execveat, reported when the call returns --------------- */
#define EXEC_OFF_PPID	24	/* u32, 0 when unknown to the kernel side */
#define EXEC_OFF_UID	28	/* u32 */
#define EXEC_OFF_RET	32	/* s32: 0 or -errno */
#define EXEC_OFF_ARGC	36	/* u16 arguments captured */
#define EXEC_OFF_DLEN	38	/* u16 bytes used in data */
#define EXEC_OFF_COMM	40	/* char[16] after the call */
#define EXEC_OFF_UARGV	56	/* u64 the caller's argv pointer */
#define EXEC_OFF_UFNAME	64	/* u64 the caller's filename pointer */
#define EXEC_OFF_FNAME	72	/* NUL-terminated filename */
#define EXEC_FILENAME_MAX 256
#define EXEC_OFF_DATA	(EXEC_OFF_FNAME + EXEC_FILENAME_MAX) /* argv, NUL each */
#define EXEC_ARG_MAX	128	/* bytes per argument */
#define EXEC_ARGS_MAX	16	/* arguments captured */
#define EXEC_DATA_MAX	1024
#define EXEC_REC_MAX	(EXEC_OFF_DATA + EXEC_DATA_MAX)
#define EXEC_F_ARGS_TRUNC 1	/* more arguments than captured */
#define EXEC_F_FNAME_OK	2	/* the filename was read */
#define EXEC_F_ARGS_FAULT 4	/* an argument was not readable: argv incomplete */
#define EXEC_F_ARGS_LATE 8	/* argv read when the call returned */
#define EXEC_F_COMPAT	16	/* a 32-bit program now (arm64): its syscalls
				 * other than open are not seen */

/* ---- exit: a process (thread group) ended -------------------------------- */
#define EXIT_OFF_PPID	24	/* u32 */
#define EXIT_OFF_CODE	28	/* u32 exit code (0-255) or signal number */
#define EXIT_OFF_START	32	/* u64 start time in ns, when EXIT_F_START */
#define EXIT_OFF_COMM	40	/* char[16] */
#define EXIT_REC_SIZE	56
#define EXIT_F_CODE	1	/* CODE is an exit status (exit/exit_group) */
#define EXIT_F_SIGNAL	2	/* CODE is the signal that killed it */
#define EXIT_F_START	4	/* START is known */
#define EXIT_F_FINAL	8	/* (kernel side) a group exit is under way */

/* ---- open: open/openat/openat2, reported when the call returns ----------- */
#define OPEN_OFF_RET	24	/* s32 fd or -errno */
#define OPEN_OFF_UID	28	/* u32 */
#define OPEN_OFF_OFLAGS	32	/* u32 O_* flags */
#define OPEN_OFF_MODE	36	/* u32 */
#define OPEN_OFF_COMM	40	/* char[16] */
#define OPEN_OFF_PATH	56	/* NUL-terminated, up to OPEN_PATH_MAX */
#define OPEN_PATH_MAX	256
#define OPEN_REC_MAX	(OPEN_OFF_PATH + OPEN_PATH_MAX)

/* In-flight opens, one slot per tid modulo OPEN_SLOTS: an array map, whose
 * lookups the verifier inlines, is far cheaper than a hash on this path. */
#define OPEN_SLOTS	16384
#define OPEN_SLOT_ID	0	/* u64 pid_tgid owning the slot, 0 = free */
#define OPEN_SLOT_PATH	8	/* u64 user pointer */
#define OPEN_SLOT_FLAGS	16	/* u32 */
#define OPEN_SLOT_MODE	20	/* u32 */
#define OPEN_SLOT_SIZE	24

/* ---- uprobe: a call of a user function, reported when it returns ------- */
#define UP_OFF_FUNC	24	/* u32 which function (the attach cookie) */
#define UP_OFF_LAT	32	/* u64 ns from entry to return */
#define UP_OFF_RET	40	/* u64 return value (rax) */
#define UP_OFF_COMM	48	/* char[16] */
#define UP_REC_SIZE	64
/* in flight, keyed by thread and function {u64 pid_tgid, u64 cookie}:
 * entry time, how deep a recursion is (only the outermost call of a
 * recursive function is reported, with its whole latency), and the stack
 * pointer at entry: a call is nested only if the recorded frame lies above
 * it; otherwise the record is stale (its return was never seen) and is
 * replaced */
#define UP_PEND_TS	0
#define UP_PEND_DEPTH	8
#define UP_PEND_SP	16
#define UP_PEND_SIZE	24
#define UP_KEY_SIZE	16

/* ---- dns: getaddrinfo/gethostbyname[2] in libc, reported on return ------ */
#define DNS_OFF_FUNC	24	/* u32 DNS_FN_* */
#define DNS_OFF_HLEN	28	/* u32 bytes of host, its NUL included */
#define DNS_OFF_RET	32	/* rax: getaddrinfo's int (low 32 bits), or the
				 * hostent pointer (0: failed); while in flight,
				 * the stack pointer at entry (see UP_PEND_SP) */
#define DNS_OFF_LAT	40	/* u64: entry time while in flight, then latency */
#define DNS_OFF_UNAME	48	/* u64 the caller's name pointer (re-read at return) */
#define DNS_OFF_COMM	56	/* char[16] */
#define DNS_OFF_HOST	72	/* NUL-terminated name queried */
#define DNS_HOST_MAX	256
#define DNS_REC_MAX	(DNS_OFF_HOST + DNS_HOST_MAX)
#define DNS_FN_GETADDRINFO	0
#define DNS_FN_GETHOSTBYNAME	1
#define DNS_FN_GETHOSTBYNAME2	2
#define DNS_F_HOST_OK	1	/* host was read */
/* nested calls in flight (musl's gethostbyname calls gethostbyname2):
 * counted in flags from this bit on; only the outermost is reported */
#define DNS_DEPTH_ONE	0x100

/* ---- tcp: one TCP connection, reported when its socket closes ----------
 * The header's tid/pid are the connection's owner (see TCP_PID_*), not the
 * task current at the close, which often runs in softirq context; 0 when
 * no owner was seen. ts is the time of the close. */
#define TCP_OFF_DUR	24	/* u64 ns from the first state to the close (TCP_F_START) */
#define TCP_OFF_SENT	32	/* u64 bytes the owner sent through the socket API */
#define TCP_OFF_RECV	40	/* u64 bytes it received (MSG_PEEK not counted) */
#define TCP_OFF_FAMILY	48	/* u16 AF_INET or AF_INET6 */
#define TCP_OFF_LPORT	50	/* u16 local port, host order */
#define TCP_OFF_RPORT	52	/* u16 remote port, host order */
#define TCP_OFF_STATES	54	/* u16 bit (1 << TCP_ST_*) for every state entered */
#define TCP_OFF_LAST	56	/* u8 state before the close */
#define TCP_OFF_FIRST	57	/* u8 first state seen (0: none before the close) */
#define TCP_OFF_PIDHOW	58	/* u8 TCP_PID_*: how the owner was found */
#define TCP_OFF_DIR	59	/* u8 TCP_DIR_* */
#define TCP_OFF_RETRANS	60	/* u32 segments retransmitted (sent) while traced */
#define TCP_OFF_SADDR	64	/* local address, IPv6 form (IPv4 ones IPv4-mapped) */
#define TCP_OFF_DADDR	80	/* remote address, the same */
#define TCP_OFF_COMM	96	/* char[16] the owner's command */
#define TCP_REC_SIZE	112
#define TCP_F_START	1	/* the connection began while traced: DUR is known */
#define TCP_F_RST_SENT	2	/* this socket sent a reset */
#define TCP_F_RST_RECV	4	/* it received one */
#define TCP_DIR_UNKNOWN	0	/* opened before rawtel started */
#define TCP_DIR_OUT	1	/* active open: this side connected */
#define TCP_DIR_IN	2	/* passive open: accepted from a listener */
#define TCP_PID_NONE	0
#define TCP_PID_CONNECT	1	/* the task that called connect() (SYN_SENT) */
#define TCP_PID_IO	2	/* the first task seen sending or receiving on it */
#define TCP_PID_CLOSE	3	/* the task that closed or shut it down */

/* ---- retrans: retransmissions and resets ---------------------------------
 * tid/pid: the connection's owner when its socket is known (as for tcp). */
#define RETR_OFF_KIND	24	/* u8 RETR_K_* */
#define RETR_OFF_STATE	25	/* u8 TCP_ST_* of the socket (0: unknown) */
#define RETR_OFF_DIR	26	/* u8 TCP_DIR_* */
#define RETR_OFF_PIDHOW	27	/* u8 TCP_PID_* */
#define RETR_OFF_FAMILY	28	/* u16 */
#define RETR_OFF_LPORT	30	/* u16 host order */
#define RETR_OFF_RPORT	32	/* u16 host order */
#define RETR_OFF_ERR	36	/* s32 retransmission result: 0 sent, else -errno
				 * or a NET_XMIT code (kernels that report it) */
#define RETR_OFF_REASON	40	/* u32 the kernel's enum sk_rst_reason (RETR_F_REASON) */
#define RETR_OFF_SADDR	48	/* local address, IPv6 form (IPv4 ones IPv4-mapped) */
#define RETR_OFF_DADDR	64	/* remote address, the same */
#define RETR_OFF_COMM	80	/* char[16] the owner's command */
#define RETR_REC_SIZE	96
#define RETR_K_SEGMENT	0	/* a data (or SYN/FIN) segment sent again */
#define RETR_K_SYNACK	1	/* a SYN-ACK sent again for a pending connection */
#define RETR_K_RST_SENT	2
#define RETR_K_RST_RECV	3
#define RETR_F_REASON	1	/* REASON is the kernel's (6.10+) */
#define RETR_F_SOCKET	2	/* a socket was involved (resets to no socket lack it) */

/* Connections in flight (kern/tcp.S), by socket address; the closed ring
 * keeps the last ones closed, with the socket address, for the reset a
 * close sends right after it (SO_LINGER 0, unread data). */
#define TCPC_PIDTGID	0	/* u64 owner, 0 unknown */
#define TCPC_START	8	/* u64 ns, 0 unknown */
#define TCPC_SENT	16	/* u64 */
#define TCPC_RECV	24	/* u64 */
#define TCPC_STATES	32	/* u16 */
#define TCPC_FIRST	34	/* u8 */
#define TCPC_PIDHOW	35	/* u8 */
#define TCPC_DIR	36	/* u8 */
#define TCPC_CUR	37	/* u8 current state */
#define TCPC_RST_SENT	38	/* u8 1: a reset was sent */
#define TCPC_RST_RECV	39	/* u8 1: one was received */
#define TCPC_RETRANS	40	/* u32 */
#define TCPC_PAD	44
#define TCPC_COMM	48	/* char[16] */
#define TCPC_SK		64	/* u64 socket address (closed ring only) */
#define TCPC_SIZE	72
#define TCPC_MAX	16384
#define TCPC_CLOSED_SLOTS 256

/* TCP states as Linux numbers them (stable since 2.x), address families */
#define TCP_ST_ESTABLISHED	1
#define TCP_ST_SYN_SENT		2
#define TCP_ST_SYN_RECV		3
#define TCP_ST_FIN_WAIT1	4
#define TCP_ST_FIN_WAIT2	5
#define TCP_ST_TIME_WAIT	6
#define TCP_ST_CLOSE		7
#define TCP_ST_CLOSE_WAIT	8
#define TCP_ST_LAST_ACK		9
#define TCP_ST_LISTEN		10
#define TCP_ST_CLOSING		11
#define TCP_ST_NEW_SYN_RECV	12
#define RT_AF_INET	2
#define RT_AF_INET6	10
#define RT_IPPROTO_TCP	6
/* kernel TLS (kern/sock_ktls.h, kern/sockio_ktls.h): setsockopt's level
 * and options, the record type of application data */
#define RT_SOL_TLS	282
#define RT_TLS_TX	1
#define RT_TLS_RX	2
#define RT_TLS_APP_DATA	23

/* ---- sock: a TCP socket of a selected process, learned or forgotten ------
 * Learned from accept/accept4 (server side), connect (client side) or the
 * /proc seed of sockets older than rawtel (user space makes those records
 * itself, with the same layout). Forgotten on close(); a process's exit
 * forgets all of its sockets (user space, from the exit record). The
 * header's pid/tid are the process and thread that made the call. */
#define SOCK_OFF_CONN	24	/* u64 connection id: unique while rawtel runs
				 * (tgid, fd and a generation); every data
				 * record of the connection carries it */
#define SOCK_OFF_FD	32	/* s32 the socket's fd in the process */
#define SOCK_OFF_LFD	36	/* s32 accept: the listening fd; else -1 */
#define SOCK_OFF_KIND	40	/* u8 SOCK_K_* */
#define SOCK_OFF_ROLE	41	/* u8 SOCK_ROLE_* */
#define SOCK_OFF_FAMILY	42	/* u16 RT_AF_INET or RT_AF_INET6 (0: unknown) */
#define SOCK_OFF_LPORT	44	/* u16 local port, host order (0: unknown) */
#define SOCK_OFF_RPORT	46	/* u16 remote port, host order (0: unknown) */
#define SOCK_OFF_LADDR	48	/* local address, IPv6 form (IPv4 ones IPv4-mapped) */
#define SOCK_OFF_RADDR	64	/* remote address, the same */
#define SOCK_OFF_COMM	80	/* char[16] */
#define SOCK_OFF_SEQ	96	/* u64[2] close (SOCK_F_SEQ): the bytes moved
				 * through it, received and sent, as counted
				 * for data records' SEQ */
#define SOCK_REC_SIZE	112
#define SOCK_K_ACCEPT	1	/* accept/accept4 returned this fd */
#define SOCK_K_CONNECT	2	/* connect() on it (0 or EINPROGRESS) */
#define SOCK_K_SEED	3	/* open before rawtel started (from /proc) */
#define SOCK_K_CLOSE	4	/* close(): the id is no longer in use */
#define SOCK_K_EXIT	5	/* kernel side to the session only, never
				 * delivered: a process with tracked sockets
				 * ended (conn 0, fd -1); the session turns it
				 * into a SOCK_K_CLOSE per connection it had */
#define SOCK_K_INHERIT	6	/* first used by a process that did not make
				 * it (fork, exec, SCM_RIGHTS): the role and
				 * addresses are the connection's own, as
				 * established while rawtel ran */
#define SOCK_K_KTLS	7	/* kernel TLS turned on for it (setsockopt
				 * SOL_TLS TLS_TX / TLS_RX returned 0): from
				 * now on the kernel encrypts what it sends
				 * (SOCK_F_KTLS_TX) / decrypts what it
				 * receives (SOCK_F_KTLS_RX), so those
				 * syscalls carry plaintext (DATA_F_KTLS);
				 * the flags are every direction so far.
				 * No addresses: the socket's own record
				 * has them */
#define SOCK_ROLE_SERVER 0	/* it was accepted: requests come in */
#define SOCK_ROLE_CLIENT 1	/* it connected: requests go out */
#define SOCK_F_LOCAL	1	/* LADDR/LPORT are known */
#define SOCK_F_REMOTE	2	/* RADDR/RPORT are known */
#define SOCK_F_SEQ	4	/* SEQ is known */
#define SOCK_F_GAP	16	/* bytes of its end were never seen (a gap
				 * came before this close): requests still
				 * waiting may have been answered */
#define SOCK_F_KTLS_TX	32	/* SOCK_K_KTLS: sends are plaintext */
#define SOCK_F_KTLS_RX	64	/* SOCK_K_KTLS: receives are plaintext */
#define SOCK_F_INFERRED	8	/* a close user space inferred (the fd is
				 * another socket's now: the kernel's close
				 * record was lost), not seen: how what was
				 * under way ended is unknown */

/* ---- data: one syscall's bytes through a tracked socket -----------------
 * read, readv, recvfrom, recvmsg (DATA_DIR_RECV) and write, writev, sendto,
 * sendmsg, sendfile (DATA_DIR_SEND) that moved at least one byte. TOTAL is
 * what the call moved (its return value); the record holds the first CAP
 * of those bytes (at most the --capture-bytes set at load time; 0 for
 * sendfile, whose bytes come from a file). The header's ts is the call's
 * return, START its entry: a server's request arrives by the return of
 * its read, a client's request leaves from the entry of its write. Where
 * the kernel side runs at the exit only (task registers reachable), START
 * is the return too.
 * SEQ is where the call's bytes begin in the socket's stream in this
 * direction: the kernel side counts the bytes every call moved since the
 * socket was learned (or seeded), records lost or not, so a SEQ beyond
 * the end of the last record user space saw says how many bytes it did
 * not see (DATA_SEQ_NONE: not known). PEER is the other direction's count
 * when the call returned: bytes lost that way before this call (a request
 * before its response) are known by this record already. */
#define DATA_OFF_CONN	24	/* u64 SOCK_OFF_CONN of its socket */
#define DATA_OFF_FD	32	/* s32 */
#define DATA_OFF_DIR	36	/* u8 DATA_DIR_* */
#define DATA_OFF_CALL	37	/* u8 DATA_CALL_*: which syscall */
#define DATA_OFF_CAP	38	/* u16 bytes captured below */
#define DATA_OFF_TOTAL	40	/* u64 bytes the call moved */
#define DATA_OFF_START	48	/* u64 ns at the call's entry; with task
				 * registers ($task_regs: no entry program
				 * runs) the call's return, = ts. A server's
				 * request arrival is its read's return
				 * anyway */
#define DATA_OFF_SEQ	56	/* u64 stream offset of its first byte */
#define DATA_OFF_PEER	64	/* u64 the other direction's offset */
#define DATA_OFF_BYTES	72	/* the captured bytes */
#define DATA_CAP_MAX	4096	/* the largest --capture-bytes */
#define DATA_CAP_DEFAULT 512
#define DATA_REC_MAX	(DATA_OFF_BYTES + DATA_CAP_MAX)
#define DATA_DIR_RECV	0	/* the process received them */
#define DATA_DIR_SEND	1	/* it sent them */
#define DATA_CALL_READ	1
#define DATA_CALL_READV	2
#define DATA_CALL_RECVFROM 3
#define DATA_CALL_RECVMSG 4
#define DATA_CALL_WRITE	5
#define DATA_CALL_WRITEV 6
#define DATA_CALL_SENDTO 7
#define DATA_CALL_SENDMSG 8
#define DATA_CALL_SENDFILE 9
/* TLS plaintext (kern/tls.S, DATA_F_TLS): the library call, not a syscall */
#define DATA_CALL_SSL_READ 10
#define DATA_CALL_SSL_WRITE 11
#define DATA_CALL_SSL_READ_EX 12
#define DATA_CALL_SSL_WRITE_EX 13
#define DATA_CALL_GNUTLS_RECV 14	/* gnutls_record_recv */
#define DATA_CALL_GNUTLS_SEND 15	/* gnutls_record_send */
#define DATA_F_IOV_TRUNC 1	/* more iovecs than the kernel side walks:
				 * CAP may be short of what it could be */
#define DATA_F_FAULT	2	/* the user buffer could not be read */
#define DATA_F_GAP	4	/* made by user space (sockcap), never by the
				 * kernel: TOTAL bytes moved at SEQ that no
				 * record brought (lost); CAP 0 */
#define DATA_F_RESET	8	/* with DATA_F_GAP: bytes were lost both ways
				 * since the last record: how requests and
				 * responses in them paired is unknown, so
				 * what waits has an unknown outcome and
				 * pairing starts afresh (a reset, not bytes
				 * to feed) */
#define DATA_F_TLS	16	/* the plaintext of a TLS library call
				 * (kern/tls.S): CONN and FD are the socket
				 * the call's own syscalls used (or the SSL
				 * object's earlier one); SEQ, PEER
				 * DATA_SEQ_NONE (the ciphertext's stream
				 * offsets do not count these bytes) */
#define DATA_F_TLS_UNBOUND 32	/* with DATA_F_TLS: no socket known for
				 * the SSL object yet (memory BIO, or the
				 * call made no syscall): CONN is 0, PEER
				 * the SSL object's address */
#define DATA_F_KTLS	64	/* a kTLS socket's syscall in a direction
				 * the kernel encrypts or decrypts
				 * (SOCK_K_KTLS): its bytes are the TLS
				 * connection's plaintext, made by no TLS
				 * library call rawtel saw (sendfile under
				 * SSL_sendfile, a program keying the socket
				 * itself); parsed with the connection's
				 * DATA_F_TLS plaintext. SEQ, PEER as for
				 * any socket's */
#define DATA_F_KTLS_CTRL 128	/* with DATA_F_KTLS: a record of another
				 * type than application data (an alert, a
				 * session ticket: sendmsg/recvmsg with
				 * SOL_TLS's record type, task registers
				 * only): its bytes moved in the socket's
				 * stream and are no one's to parse
				 * (sockcap counts them, delivers nothing) */
#define DATA_SEQ_NONE	(~0ULL)	/* the socket was forgotten mid-call */

/* ---- process table (kern/proc.S): parent and start time per tgid ------- */
#define PROC_OFF_PPID	0	/* u32 */
#define PROC_OFF_PAD	4
#define PROC_OFF_START	8	/* u64 ns */
#define PROC_SIZE	16
#define PROC_MAX	8192
/* the selected processes (map sel, kern/common.h): tgid -> 1 */
#define SEL_MAX		16384
/* the selected cgroups (map cgsel, --cgroup/--container): v2 id -> 1 */
#define CGSEL_MAX	1024

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct ev_hdr {
	uint16_t type;
	uint16_t size;
	uint32_t flags;
	uint64_t ts;
	uint32_t tid;
	uint32_t pid;
};

struct ev_exec {
	struct ev_hdr h;
	uint32_t ppid, uid;
	int32_t ret;
	uint16_t argc, dlen;
	char comm[16];
	uint64_t uargv, ufname;
	char filename[EXEC_FILENAME_MAX];
	char data[EXEC_DATA_MAX];
};

struct ev_exit {
	struct ev_hdr h;
	uint32_t ppid;
	uint32_t code;
	uint64_t start;
	char comm[16];
};

struct ev_open {
	struct ev_hdr h;
	int32_t ret;
	uint32_t uid, oflags, mode;
	char comm[16];
	char path[OPEN_PATH_MAX];
};

struct ev_sock {
	struct ev_hdr h;
	uint64_t conn;
	int32_t fd, lfd;
	uint8_t kind, role;
	uint16_t family, lport, rport;
	uint8_t laddr[16], raddr[16];
	char comm[16];
	uint64_t seq[2];	/* DATA_DIR_RECV, DATA_DIR_SEND */
};

struct ev_data {
	struct ev_hdr h;
	uint64_t conn;
	int32_t fd;
	uint8_t dir, call;
	uint16_t cap;
	uint64_t total;
	uint64_t start;
	uint64_t seq, peer;
	uint8_t bytes[DATA_CAP_MAX];
};

struct ev_uprobe {
	struct ev_hdr h;
	uint32_t func, pad;
	uint64_t latency;
	uint64_t ret;
	char comm[16];
};

struct ev_dns {
	struct ev_hdr h;
	uint32_t func, hlen;
	int64_t ret;
	uint64_t latency;
	uint64_t uname;
	char comm[16];
	char host[DNS_HOST_MAX];
};

struct ev_tcp {
	struct ev_hdr h;
	uint64_t duration;
	uint64_t sent, received;
	uint16_t family, lport, rport, states;
	uint8_t last, first, pid_how, dir;
	uint32_t retrans;
	uint8_t saddr[16], daddr[16];
	char comm[16];
};

struct ev_retrans {
	struct ev_hdr h;
	uint8_t kind, state, dir, pid_how;
	uint16_t family, lport, rport, pad;
	int32_t err;
	uint32_t reason, pad2;
	uint8_t saddr[16], daddr[16];
	char comm[16];
};

_Static_assert(sizeof(struct ev_hdr) == EV_HDR_SIZE, "header");
_Static_assert(offsetof(struct ev_uprobe, func) == UP_OFF_FUNC, "uprobe func");
_Static_assert(offsetof(struct ev_uprobe, latency) == UP_OFF_LAT, "uprobe latency");
_Static_assert(offsetof(struct ev_uprobe, ret) == UP_OFF_RET, "uprobe ret");
_Static_assert(offsetof(struct ev_uprobe, comm) == UP_OFF_COMM, "uprobe comm");
_Static_assert(sizeof(struct ev_uprobe) == UP_REC_SIZE, "uprobe size");
_Static_assert(offsetof(struct ev_dns, func) == DNS_OFF_FUNC, "dns func");
_Static_assert(offsetof(struct ev_dns, hlen) == DNS_OFF_HLEN, "dns hlen");
_Static_assert(offsetof(struct ev_dns, ret) == DNS_OFF_RET, "dns ret");
_Static_assert(offsetof(struct ev_dns, latency) == DNS_OFF_LAT, "dns latency");
_Static_assert(offsetof(struct ev_dns, uname) == DNS_OFF_UNAME, "dns uname");
_Static_assert(offsetof(struct ev_dns, comm) == DNS_OFF_COMM, "dns comm");
_Static_assert(offsetof(struct ev_dns, host) == DNS_OFF_HOST, "dns host");
_Static_assert(sizeof(struct ev_dns) == DNS_REC_MAX, "dns size");
_Static_assert(offsetof(struct ev_hdr, size) == EV_OFF_SIZE, "size");
_Static_assert(offsetof(struct ev_hdr, flags) == EV_OFF_FLAGS, "flags");
_Static_assert(offsetof(struct ev_hdr, ts) == EV_OFF_TS, "ts");
_Static_assert(offsetof(struct ev_hdr, tid) == EV_OFF_TID, "tid");
_Static_assert(offsetof(struct ev_hdr, pid) == EV_OFF_PID, "pid");
_Static_assert(offsetof(struct ev_exec, ppid) == EXEC_OFF_PPID, "exec ppid");
_Static_assert(offsetof(struct ev_exec, uid) == EXEC_OFF_UID, "exec uid");
_Static_assert(offsetof(struct ev_exec, ret) == EXEC_OFF_RET, "exec ret");
_Static_assert(offsetof(struct ev_exec, argc) == EXEC_OFF_ARGC, "exec argc");
_Static_assert(offsetof(struct ev_exec, dlen) == EXEC_OFF_DLEN, "exec dlen");
_Static_assert(offsetof(struct ev_exec, comm) == EXEC_OFF_COMM, "exec comm");
_Static_assert(offsetof(struct ev_exec, uargv) == EXEC_OFF_UARGV, "exec uargv");
_Static_assert(offsetof(struct ev_exec, ufname) == EXEC_OFF_UFNAME, "exec ufname");
_Static_assert(offsetof(struct ev_exec, filename) == EXEC_OFF_FNAME, "exec filename");
_Static_assert(offsetof(struct ev_exec, data) == EXEC_OFF_DATA, "exec data");
_Static_assert(sizeof(struct ev_exec) == EXEC_REC_MAX, "exec size");
_Static_assert(offsetof(struct ev_exit, ppid) == EXIT_OFF_PPID, "exit ppid");
_Static_assert(offsetof(struct ev_exit, code) == EXIT_OFF_CODE, "exit code");
_Static_assert(offsetof(struct ev_exit, start) == EXIT_OFF_START, "exit start");
_Static_assert(offsetof(struct ev_exit, comm) == EXIT_OFF_COMM, "exit comm");
_Static_assert(sizeof(struct ev_exit) == EXIT_REC_SIZE, "exit size");
_Static_assert(offsetof(struct ev_open, ret) == OPEN_OFF_RET, "open ret");
_Static_assert(offsetof(struct ev_open, uid) == OPEN_OFF_UID, "open uid");
_Static_assert(offsetof(struct ev_open, oflags) == OPEN_OFF_OFLAGS, "open flags");
_Static_assert(offsetof(struct ev_open, mode) == OPEN_OFF_MODE, "open mode");
_Static_assert(offsetof(struct ev_open, comm) == OPEN_OFF_COMM, "open comm");
_Static_assert(offsetof(struct ev_open, path) == OPEN_OFF_PATH, "open path");
_Static_assert(sizeof(struct ev_open) == OPEN_REC_MAX, "open size");
_Static_assert(offsetof(struct ev_tcp, duration) == TCP_OFF_DUR, "tcp duration");
_Static_assert(offsetof(struct ev_tcp, sent) == TCP_OFF_SENT, "tcp sent");
_Static_assert(offsetof(struct ev_tcp, received) == TCP_OFF_RECV, "tcp recv");
_Static_assert(offsetof(struct ev_tcp, family) == TCP_OFF_FAMILY, "tcp family");
_Static_assert(offsetof(struct ev_tcp, lport) == TCP_OFF_LPORT, "tcp lport");
_Static_assert(offsetof(struct ev_tcp, rport) == TCP_OFF_RPORT, "tcp rport");
_Static_assert(offsetof(struct ev_tcp, states) == TCP_OFF_STATES, "tcp states");
_Static_assert(offsetof(struct ev_tcp, last) == TCP_OFF_LAST, "tcp last");
_Static_assert(offsetof(struct ev_tcp, first) == TCP_OFF_FIRST, "tcp first");
_Static_assert(offsetof(struct ev_tcp, pid_how) == TCP_OFF_PIDHOW, "tcp pid_how");
_Static_assert(offsetof(struct ev_tcp, dir) == TCP_OFF_DIR, "tcp dir");
_Static_assert(offsetof(struct ev_tcp, retrans) == TCP_OFF_RETRANS, "tcp retrans");
_Static_assert(offsetof(struct ev_tcp, saddr) == TCP_OFF_SADDR, "tcp saddr");
_Static_assert(offsetof(struct ev_tcp, daddr) == TCP_OFF_DADDR, "tcp daddr");
_Static_assert(offsetof(struct ev_tcp, comm) == TCP_OFF_COMM, "tcp comm");
_Static_assert(sizeof(struct ev_tcp) == TCP_REC_SIZE, "tcp size");
_Static_assert(offsetof(struct ev_retrans, kind) == RETR_OFF_KIND, "retrans kind");
_Static_assert(offsetof(struct ev_retrans, state) == RETR_OFF_STATE, "retrans state");
_Static_assert(offsetof(struct ev_retrans, dir) == RETR_OFF_DIR, "retrans dir");
_Static_assert(offsetof(struct ev_retrans, pid_how) == RETR_OFF_PIDHOW, "retrans pid_how");
_Static_assert(offsetof(struct ev_retrans, family) == RETR_OFF_FAMILY, "retrans family");
_Static_assert(offsetof(struct ev_retrans, lport) == RETR_OFF_LPORT, "retrans lport");
_Static_assert(offsetof(struct ev_retrans, rport) == RETR_OFF_RPORT, "retrans rport");
_Static_assert(offsetof(struct ev_retrans, err) == RETR_OFF_ERR, "retrans err");
_Static_assert(offsetof(struct ev_retrans, reason) == RETR_OFF_REASON, "retrans reason");
_Static_assert(offsetof(struct ev_retrans, saddr) == RETR_OFF_SADDR, "retrans saddr");
_Static_assert(offsetof(struct ev_retrans, daddr) == RETR_OFF_DADDR, "retrans daddr");
_Static_assert(offsetof(struct ev_retrans, comm) == RETR_OFF_COMM, "retrans comm");
_Static_assert(sizeof(struct ev_retrans) == RETR_REC_SIZE, "retrans size");
_Static_assert(TCPC_COMM + 16 + 8 == TCPC_SIZE && TCPC_SK == TCPC_COMM + 16, "tcp conn entry");
_Static_assert(offsetof(struct ev_sock, conn) == SOCK_OFF_CONN, "sock conn");
_Static_assert(offsetof(struct ev_sock, fd) == SOCK_OFF_FD, "sock fd");
_Static_assert(offsetof(struct ev_sock, lfd) == SOCK_OFF_LFD, "sock lfd");
_Static_assert(offsetof(struct ev_sock, kind) == SOCK_OFF_KIND, "sock kind");
_Static_assert(offsetof(struct ev_sock, role) == SOCK_OFF_ROLE, "sock role");
_Static_assert(offsetof(struct ev_sock, family) == SOCK_OFF_FAMILY, "sock family");
_Static_assert(offsetof(struct ev_sock, lport) == SOCK_OFF_LPORT, "sock lport");
_Static_assert(offsetof(struct ev_sock, rport) == SOCK_OFF_RPORT, "sock rport");
_Static_assert(offsetof(struct ev_sock, laddr) == SOCK_OFF_LADDR, "sock laddr");
_Static_assert(offsetof(struct ev_sock, raddr) == SOCK_OFF_RADDR, "sock raddr");
_Static_assert(offsetof(struct ev_sock, comm) == SOCK_OFF_COMM, "sock comm");
_Static_assert(offsetof(struct ev_sock, seq) == SOCK_OFF_SEQ, "sock seq");
_Static_assert(sizeof(struct ev_sock) == SOCK_REC_SIZE, "sock size");
_Static_assert(offsetof(struct ev_data, conn) == DATA_OFF_CONN, "data conn");
_Static_assert(offsetof(struct ev_data, fd) == DATA_OFF_FD, "data fd");
_Static_assert(offsetof(struct ev_data, dir) == DATA_OFF_DIR, "data dir");
_Static_assert(offsetof(struct ev_data, call) == DATA_OFF_CALL, "data call");
_Static_assert(offsetof(struct ev_data, cap) == DATA_OFF_CAP, "data cap");
_Static_assert(offsetof(struct ev_data, total) == DATA_OFF_TOTAL, "data total");
_Static_assert(offsetof(struct ev_data, start) == DATA_OFF_START, "data start");
_Static_assert(offsetof(struct ev_data, seq) == DATA_OFF_SEQ, "data seq");
_Static_assert(offsetof(struct ev_data, peer) == DATA_OFF_PEER, "data peer");
_Static_assert(offsetof(struct ev_data, bytes) == DATA_OFF_BYTES, "data bytes");
_Static_assert(sizeof(struct ev_data) == DATA_REC_MAX, "data size");
#endif /* !__ASSEMBLER__ */

#endif
