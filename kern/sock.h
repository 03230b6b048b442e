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
.if $task_regs ; .else ; .map sk_io array key=4 value=SKIO_SIZE max=SK_IO_SLOTS ; .endif ; \
.map sk_procs hash key=4 value=4 max=SKP_MAX ; \
.map sk_listen lru_hash key=8 value=SKL_SIZE max=SKL_MAX ; \
.map sk_pend lru_hash key=8 value=SKP_SIZE max=SKP_PEND_MAX ; \
.map sk_ids percpu_array key=4 value=8 max=1

// Jump to LABEL unless the process of pid_tgid R may have tracked sockets
// (its sk_gate slot is not zero) and rawtel is live. Clobbers r0-r5,
// fp-8..fp-1 (fp-4 keeps the slot).
#define GATE(R, LABEL) r1 = R ; r1 >>= 32 ; r1 &= SK_GATE_SLOTS - 1 ; \
	*(u32 *)(r10 - 4) = r1 ; r2 = r10 ; r2 += -4 ; r1 = sk_gate ll ; \
	call bpf_map_lookup_elem ; if r0 == 0 goto LABEL ; r1 = *(u64 *)(r0 + 0) ; \
	if r1 == 0 goto LABEL ; LIVE(8, LABEL)

// fp-OFF = the sk_fds key of fd FD (a register, not r1/r2) in process R
#define FD_KEY(R, FD, OFF) r1 = FD ; r1 <<= 32 ; r1 >>= 32 ; r2 = R ; r2 >>= 32 ; \
	r2 <<= 32 ; r1 |= r2 ; *(u64 *)(r10 - (OFF)) = r1

// Jump to LABEL unless the process of pid_tgid R is selected: never
// rawtel itself; under --pid/--port one in sel; under --comm a task of
// that name; and only while rawtel is live. Clobbers r0-r5, fp-24..fp-1.
#define SELECT(R, LABEL) r1 = R ; r1 >>= 32 ; if r1 == $self_pid goto LABEL ; \
	.if $sel_map ; *(u32 *)(r10 - 24) = r1 ; r2 = r10 ; r2 += -24 ; r1 = sel ll ; \
	call bpf_map_lookup_elem ; if r0 == 0 goto LABEL ; .endif ; FILTER_COMM(LABEL) ; \
	LIVE(24, LABEL)

// A sockaddr_in/_in6 read to fp-64 (28 bytes): family to (R + FAM) as u16,
// port (host order) to (R + PORT), address in IPv6 form to R + ADDR.
// Jumps to LABEL for other families; L6, LEND: labels of the caller's.
#define SOCKADDR(R, FAM, PORT, ADDR, LABEL, L6, LEND) r1 = *(u16 *)(r10 - 64) ; \
	*(u16 *)(R + (FAM)) = r1 ; r2 = *(u16 *)(r10 - 62) ; r2 = be16 r2 ; \
	*(u16 *)(R + (PORT)) = r2 ; if r1 == RT_AF_INET6 goto L6 ; \
	if r1 != RT_AF_INET goto LABEL ; *(u64 *)(R + (ADDR)) = 0 ; w1 = 0xffff0000 ; \
	*(u32 *)(R + (ADDR) + 8) = r1 ; r1 = *(u32 *)(r10 - 60) ; \
	*(u32 *)(R + (ADDR) + 12) = r1 ; goto LEND ; \
L6: ; r1 = *(u64 *)(r10 - 56) ; *(u64 *)(R + (ADDR)) = r1 ; \
	r1 = *(u64 *)(r10 - 48) ; *(u64 *)(R + (ADDR) + 8) = r1 ; \
LEND:

// Read the sockaddr at user pointer P (a register, not r1-r2) to fp-64.
// Jumps to LABEL when it cannot be read.
#define READ_SOCKADDR(P, LABEL) *(u64 *)(r10 - 64) = 0 ; *(u64 *)(r10 - 56) = 0 ; \
	*(u64 *)(r10 - 48) = 0 ; *(u64 *)(r10 - 40) = 0 ; r3 = P ; \
	if r3 == 0 goto LABEL ; r1 = r10 ; r1 += -64 ; r2 = 28 ; READ_USER ; \
	if r0 != 0 goto LABEL
