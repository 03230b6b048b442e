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
.map sk_nocopy_n percpu_array key=4 value=8 max=1

// Stack slots of these macros
#define FP_GATE_KEY -4		/* u32: GATE's sk_gate key */
#define FP_GATE_LIVE -8		/* u32: GATE's live key */
#define FP_SEL_TGID -24		/* u32: SELECT's sel key, then its live key */
#define FP_SOCKADDR -64		/* 32 bytes: a sockaddr read from the caller */

// Jump to LABEL unless the process of pid_tgid R may have tracked sockets
// (its sk_gate slot is not zero) and rawtel is live. Clobbers r0-r5,
// FP_GATE_KEY, FP_GATE_LIVE.
#define GATE(R, LABEL) \
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
	if r1 == 0 goto LABEL ; \
	LIVE(FP_GATE_LIVE, LABEL)

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
// rawtel itself; under --pid/--port one in sel; under --comm a task of
// that name; and only while rawtel is live. Clobbers r0-r5, fp-24..fp-1.
#define SELECT(R, LABEL) \
	r1 = R ; \
	r1 >>= 32 ;				/* the tgid */ \
	if r1 == $self_pid goto LABEL ; \
.if $sel_map ; \
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
