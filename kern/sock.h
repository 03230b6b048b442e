// Shared by kern/sock.S (sockets learned and forgotten) and kern/sockio.S
// (their payloads): the maps (layouts in include/rawtel/sockmap.h) and
// the macros both use. Load-time constants of their own:
//   $capture   bytes of payload a data record holds (0..DATA_CAP_MAX)
//   $sel_map   1: only processes in sel are selected (--pid, --port)
//   $sel_port  0, or the port whose binders become selected (--port)
#include "common.h"
#include "rawtel/sockmap.h"

#define DECLARE_SOCK_MAPS DECLARE_EVENTS ; \
.map sk_fds lru_hash key=8 value=SKF_SIZE max=SKF_MAX ; \
.map sk_gate array key=4 value=8 max=SK_GATE_SLOTS ; \
.if !$task_regs ; .map sk_io array key=4 value=SKIO_SIZE max=SK_IO_SLOTS ; .endif ; \
.map sk_procs hash key=4 value=4 max=SKP_MAX ; \
.map sk_listen lru_hash key=8 value=SKL_SIZE max=SKL_MAX ; \
.map sk_pend lru_hash key=8 value=SKP_SIZE max=SKP_PEND_MAX ; \
.map sk_ids percpu_array key=4 value=8 max=1 ; \
.map sk_nocopy lru_hash key=8 value=8 max=SKN_MAX ; \
.map sk_nocopy_n percpu_array key=4 value=8 max=1 ; \
.map sk_born lru_hash key=8 value=SKB_SIZE max=SKB_MAX ; \
.if $first_use & $task_regs ; .map sk_note array key=4 value=NOTE_SIZE max=SK_NOTE_SLOTS ; .endif

// Stack slots of these macros
#define FP_GATE_KEY -4		/* u32: GATE's sk_gate key */
#define FP_GATE_LIVE -8		/* u32: GATE's live key */
#define FP_SEL_TGID -24		/* u32: SELECT's sel key, then its live key */
#define FP_SOCKADDR -64		/* 32 bytes: a sockaddr read from the caller */

// Jump to LABEL unless the process of pid_tgid R may have tracked sockets
// (its sk_gate slot is not zero) and rawtel is live. Clobbers r0-r5,
// FP_GATE_KEY, FP_GATE_LIVE.
#define GATE(R, LABEL) \
	GATE_SLOT(R, LABEL) ; \
	LIVE(FP_GATE_LIVE, LABEL)
// ...its first half: the sk_gate slot alone
#define GATE_SLOT(R, LABEL) \
	r1 = R ;				/* key: tgid's slot */ \
	r1 >>= 32 ; \
	r1 &= SK_GATE_SLOTS - 1 ; \
	*(u32 *)(r10 + FP_GATE_KEY) = r1 ; \
	r2 = r10 ; \
	r2 += FP_GATE_KEY ; \
	r1 = sk_gate ll ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto LABEL ; \
	r1 = *(u64 *)(r0 + 0) ;			/* sockets tracked: not 0 */ \
	if r1 == 0 goto LABEL

// sk_born's SKB_FD when the process of SKB_TGID was not selected: no fd
// (above fs.nr_open's largest)
#define SKB_FD_UNSEL 0x7fffffff

// r0 = the sk_born entry made for a socket established before rawtel
// started (sk_born keyed at r10 + KEY has none), of family FAM (r1): its
// addresses not known (LPORT 0: user space finds them, and the role, in
// /proc by the fd: user/probes/sockseed.c); built at r10 + VAL (SKB_SIZE
// bytes). Or goto LABEL (not IPv4 or IPv6). Clobbers r0-r5.
#define BORN_BEFORE(KEY, VAL, LABEL) \
	if r1 == RT_AF_INET goto 1f ; \
	if r1 != RT_AF_INET6 goto LABEL ; \
1: ; \
	*(u64 *)(r10 + VAL) = 0 ; *(u64 *)(r10 + VAL + 8) = 0 ; \
	*(u64 *)(r10 + VAL + 16) = 0 ; *(u64 *)(r10 + VAL + 24) = 0 ; \
	*(u64 *)(r10 + VAL + 32) = 0 ; *(u64 *)(r10 + VAL + 40) = 0 ; \
	*(u16 *)(r10 + VAL + SKB_FAMILY) = r1 ; \
	*(u8 *)(r10 + VAL + SKB_ROLE) = SOCK_ROLE_CLIENT ; \
	UPDATE(sk_born, KEY, VAL, RT_BPF_NOEXIST) ; \
	LOOKUP(sk_born, KEY, LABEL)

// (r10 + SLOT) = the sk_fds key of fd FD (a register, not r1/r2) in
// process R: tgid << 32 | fd
#define FD_KEY(R, FD, SLOT) \
	r1 = FD ; \
	r1 <<= 32 ;				/* the fd, zero-extended */ \
	r1 >>= 32 ; \
	r2 = R ; \
	r2 >>= 32 ;				/* the tgid, in the high half */ \
	r2 <<= 32 ; \
	r1 |= r2 ; \
	*(u64 *)(r10 + (SLOT)) = r1

// Jump to LABEL unless the process of pid_tgid R is selected: never
// rawtel itself; under --pid/--port one in sel; under --cgroup one whose
// cgroup is (sel holds tcp's owners then, not every selected process);
// under --comm a task of that name; and only while rawtel is live.
// Clobbers r0-r5, fp-24..fp-1.
#define SELECT(R, LABEL) \
	r1 = R ; \
	r1 >>= 32 ;				/* the tgid */ \
	if r1 == $self_pid goto LABEL ; \
.if $filter_pid | $sel_port ; \
	*(u32 *)(r10 + FP_SEL_TGID) = r1 ;	/* in sel? */ \
	r2 = r10 ; \
	r2 += FP_SEL_TGID ; \
	r1 = sel ll ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto LABEL ; \
.endif ; \
	FILTER_CGROUP(FP_SEL_TGID, LABEL) ; \
	FILTER_COMM(LABEL) ; \
	LIVE(FP_SEL_TGID, LABEL)

// A sockaddr_in/_in6 read to FP_SOCKADDR (28 bytes): family to (R + FAM)
// as u16, port (host order) to (R + PORT), address in IPv6 form to
// R + ADDR. Jumps to LABEL for other families.
#define SOCKADDR(R, FAM, PORT, ADDR, LABEL) \
	r1 = *(u16 *)(r10 + FP_SOCKADDR) ;		/* sa_family */ \
	*(u16 *)(R + (FAM)) = r1 ; \
	r2 = *(u16 *)(r10 + FP_SOCKADDR + 2) ;	/* the port, network order */ \
	r2 = be16 r2 ; \
	*(u16 *)(R + (PORT)) = r2 ; \
	if r1 == RT_AF_INET6 goto 1f ; \
	if r1 != RT_AF_INET goto LABEL ; \
	*(u64 *)(R + (ADDR)) = 0 ;			/* IPv4: ::ffff:a.b.c.d */ \
	w1 = 0xffff0000 ; \
	*(u32 *)(R + (ADDR) + 8) = r1 ; \
	r1 = *(u32 *)(r10 + FP_SOCKADDR + 4) ; \
	*(u32 *)(R + (ADDR) + 12) = r1 ; \
	goto 2f ; \
1: ; \
	r1 = *(u64 *)(r10 + FP_SOCKADDR + 8) ;	/* IPv6: sin6_addr */ \
	*(u64 *)(R + (ADDR)) = r1 ; \
	r1 = *(u64 *)(r10 + FP_SOCKADDR + 16) ; \
	*(u64 *)(R + (ADDR) + 8) = r1 ; \
2:

// Read the sockaddr at user pointer P (a register, not r1-r2) to
// FP_SOCKADDR. Jumps to LABEL when it cannot be read.
#define READ_SOCKADDR(P, LABEL) \
	*(u64 *)(r10 + FP_SOCKADDR) = 0 ; \
	*(u64 *)(r10 + FP_SOCKADDR + 8) = 0 ; \
	*(u64 *)(r10 + FP_SOCKADDR + 16) = 0 ; \
	*(u64 *)(r10 + FP_SOCKADDR + 24) = 0 ; \
	r3 = P ; \
	if r3 == 0 goto LABEL ; \
	r1 = r10 ; \
	r1 += FP_SOCKADDR ; \
	r2 = 28 ; \
	READ_USER ; \
	if r0 != 0 goto LABEL

// ---- learning a socket (kern/sock.S at accept and connect, and at the
// first use by a process that did not make it; kern/sockio_exit.h) ----
// Stack of LEARN and its record (besides SELECT's fp-24..fp-1)
#define FP_IDS_KEY -4		/* u32: sk_ids / sk_gate key */
#define FP_FD_KEY -16		/* u64: sk_fds / sk_listen key */
#define FP_ONE -20		/* u32 1: the value of sk_procs and sel */
#define FP_TGID -24		/* u32: sk_procs / sel key */
#define FP_SKF -80		/* an sk_fds value (SKF_SIZE) */
#define FP_REC -200		/* the sock record */

#define REC(OFF) (r10 + FP_REC + (OFF))
#define ZERO_REC \
	*(u64 *)REC(0) = 0 ; *(u64 *)REC(8) = 0 ; *(u64 *)REC(16) = 0 ; \
	*(u64 *)REC(24) = 0 ; *(u64 *)REC(32) = 0 ; *(u64 *)REC(40) = 0 ; \
	*(u64 *)REC(48) = 0 ; *(u64 *)REC(56) = 0 ; *(u64 *)REC(64) = 0 ; \
	*(u64 *)REC(72) = 0 ; *(u64 *)REC(80) = 0 ; *(u64 *)REC(88) = 0 ; \
	*(u64 *)REC(96) = 0 ; *(u64 *)REC(104) = 0 ; \
	r9 = r10 ; \
	r9 += FP_REC
// Stamp the record at r9 (KIND) and send it (HOW: EMIT, or EMIT_NOW).
// r6 ctx, r7 pid_tgid.
#define SEND_SOCK(KIND) SEND_SOCK_BY(KIND, EMIT)
#define SEND_SOCK_BY(KIND, HOW) \
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
	HOW(r6, r9, SOCK_REC_SIZE, EV_SOCK)

// The process of pid_tgid R into sk_procs, and its gate slot opened if it
// was not there: the data exits look at its fds from now on. Clobbers
// r0-r5, FP_TGID, FP_ONE, FP_IDS_KEY.
#define OPEN_GATE(R) \
	r1 = R ;					/* sk_procs[tgid] = 1, if new */ \
	r1 >>= 32 ; \
	*(u32 *)(r10 + FP_TGID) = r1 ; \
	*(u32 *)(r10 + FP_ONE) = 1 ; \
	UPDATE(sk_procs, FP_TGID, FP_ONE, RT_BPF_NOEXIST) ; \
	if r0 == -17 goto 4f ;			/* EEXIST: its gate is open */ \
	r1 = R ;					/* sk_gate[slot of tgid] += 1 */ \
	r1 >>= 32 ; \
	r1 &= SK_GATE_SLOTS - 1 ; \
	*(u32 *)(r10 + FP_IDS_KEY) = r1 ; \
	r2 = r10 ; \
	r2 += FP_IDS_KEY ; \
	r1 = sk_gate ll ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto 4f ; \
	r1 = 1 ; \
	ATOMIC_ADD(u64, r0 + 0, r1, r2) ; \
4:

// The record at r9 (fd, role, addresses set) becomes a tracked socket:
// a new connection id (cpu << 48 | this CPU's count: per-CPU, as tracing
// programs do not run nested on a CPU), the sk_fds entry (its stream
// offsets at 0), the process's gate opened; then the record goes out.
// r6 ctx, r7 pid_tgid; FAIL when the count cannot be had; HOW as for
// SEND_SOCK_BY. Clobbers r0-r5, r8 and LEARN's stack slots.
#define LEARN(KIND, FAIL) LEARN_BY(KIND, FAIL, EMIT)
#define LEARN_BY(KIND, FAIL, HOW) \
	*(u32 *)(r10 + FP_IDS_KEY) = 0 ;		/* r8 = ++this CPU's count */ \
	r2 = r10 ; \
	r2 += FP_IDS_KEY ; \
	r1 = sk_ids ll ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto FAIL ; \
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
	UPDATE(sk_fds, FP_FD_KEY, FP_SKF, RT_BPF_ANY) ; \
	OPEN_GATE(r7) ; \
	SEND_SOCK_BY(KIND, HOW)

// A data record at REC with R captured bytes sealed: its capture length,
// R += the header (R is then the record's size), and its type word (size
// << 16 | EV_DATA). Clobbers r1.
#define DATA_SEAL(REC, R) \
	*(u16 *)(REC + DATA_OFF_CAP) = R ; \
	R += DATA_OFF_BYTES ; \
	r1 = R ; \
	r1 <<= 16 ; \
	r1 |= EV_DATA ; \
	*(u32 *)(REC + EV_OFF_TYPE) = r1
