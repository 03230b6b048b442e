// The TLS half of a data exit (included by kern/sockio_exit.h where a
// call on a tracked socket moved bytes: FP_CONN, FP_FD_DIR set; r7
// pid_tgid). If this thread is inside SSL_read/SSL_write (tls_pend, from
// kern/tls.S) and the syscall goes the call's way (a receive for a read,
// a send for a write), the syscall's connection is the TLS call's: it is
// written into the parked call, and this ciphertext makes no record (goto
// SKIP: counted as a copy avoided). A syscall the other way (a
// renegotiation's write inside SSL_read, say) binds nothing and is left
// to the layer like any other. A second connection within one call is
// flagged, never chosen. Clobbers r0-r5 and FP_TLS_KEY.
#include "rawtel/tls.h"

#define FP_TLS_KEY -112		/* u64: tls_pend key */

#define TLS_BIND(SKIP) \
.if $tls ; \
	*(u64 *)(r10 + FP_TLS_KEY) = r7 ; \
	r1 = tls_pend ll ;			/* in a TLS call? */ \
	r2 = r10 ; \
	r2 += FP_TLS_KEY ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto 1f ; \
	r1 = *(u8 *)(r0 + TLSP_DIR) ;		/* its direction? */ \
	if r1 != EXIT_DIR goto 1f ; \
	r1 = *(u64 *)(r0 + TLSP_CONN) ;		/* a first connection, */ \
	r2 = *(u64 *)(r10 + FP_CONN) ; \
	if r1 == 0 goto 2f ; \
	if r1 == r2 goto SKIP ;			/* the same again, */ \
	r1 = 1 ;				/* or another: flagged */ \
	*(u8 *)(r0 + TLSP_MISMATCH) = r1 ; \
	goto 1f ; \
2: ; \
	*(u64 *)(r0 + TLSP_CONN) = r2 ; \
	r1 = *(u32 *)(r10 + FP_FD_DIR) ; \
	*(u32 *)(r0 + TLSP_FD) = r1 ; \
	goto SKIP ; \
1: ; \
.endif

// r0 = the tls_gate slot of process r7 (pid_tgid), its u32 key at SLOT;
// or goto LABEL. Clobbers r0-r5.
#define TLS_GATE(SLOT, LABEL) \
	r1 = r7 ; \
	r1 >>= 32 ; \
	r1 &= TLS_GATE_SLOTS - 1 ; \
	*(u32 *)(r10 + (SLOT)) = r1 ; \
	r1 = tls_gate ll ; \
	r2 = r10 ; \
	r2 += (SLOT) ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto LABEL

// A send whose first bytes are ciphertext an unbound SSL object wrote
// into its memory BIO (tls_prefix, kern/tls.S tls_bio_write): the object
// is this connection's from now on (rawtel/tls.h). Send exits with a
// buffer (IOV0 empty) or iovecs (IOV0 TLS_PFX_IOV0); the entry is used
// up. Only where the process's tls_gate slot says a prefix is pending:
// elsewhere (plain traffic, TLS through socket BIOs) an inlined array
// lookup is all it costs. Clobbers r0-r5, FP_TLS_PFX, FP_TLS_VAL.
#define FP_TLS_PFX -136		/* TLSX_KEY_SIZE: tls_prefix key, then tls_ssl's */
#define FP_TLS_VAL -152		/* TLSS_SIZE: the binding */
// ...an iovec array's (FP_BUF): r3 = its first iovec's base, when that
// holds the prefix whole
#define TLS_PFX_IOV0 \
	r1 = r10 ; \
	r1 += FP_TLS_VAL ; \
	r2 = 2 * $uptr ; \
	READ_USER ; \
	if r0 != 0 goto 8f ; \
	LOAD_UPTR(r1, r10 + FP_TLS_VAL + $uptr) ; \
	if r1 < TLS_PREFIX_LEN goto 8f ; \
	LOAD_UPTR(r3, r10 + FP_TLS_VAL)
#define TLS_PREFIX_BIND(IOV0) \
.if $tls ; \
	r1 = *(u64 *)(r10 + FP_LEFT) ; \
	if r1 < TLS_PREFIX_LEN goto 8f ; \
	TLS_GATE(FP_TLS_PFX, 8f) ;		/* a prefix pending here? */ \
	r1 = *(u64 *)(r0 + 0) ; \
	if r1 == 0 goto 8f ; \
	r3 = *(u64 *)(r10 + FP_BUF) ; \
	IOV0 ; \
	r1 = r7 ; \
	r1 >>= 32 ; \
	*(u64 *)(r10 + FP_TLS_PFX) = r1 ; \
	r1 = r10 ; \
	r1 += FP_TLS_PFX + 8 ; \
	r2 = TLS_PREFIX_LEN ; \
	READ_USER ; \
	if r0 != 0 goto 8f ; \
	r1 = *(u8 *)(r10 + FP_TLS_PFX + 8) ;	/* a record's content type */ \
	if r1 < 20 goto 8f ; \
	if r1 > 23 goto 8f ; \
	r1 = tls_prefix ll ; \
	r2 = r10 ; \
	r2 += FP_TLS_PFX ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto 8f ; \
	r1 = *(u64 *)(r0 + 0) ; \
	*(u64 *)(r10 + FP_TLS_VAL) = r1 ; \
	r1 = tls_prefix ll ; \
	r2 = r10 ; \
	r2 += FP_TLS_PFX ; \
	call bpf_map_delete_elem ; \
	if r0 != 0 goto 7f ;			/* used up here: one less */ \
	TLS_GATE(FP_TLS_PFX + 16, 7f) ; \
	r1 = -1 ; \
	ATOMIC_ADD(u64, r0 + 0, r1, r2) ; \
7: ; \
	r1 = *(u64 *)(r10 + FP_TLS_VAL) ;	/* key {tgid, SSL} */ \
	*(u64 *)(r10 + FP_TLS_PFX + 8) = r1 ; \
	r1 = *(u64 *)(r10 + FP_CONN) ; \
	*(u64 *)(r10 + FP_TLS_VAL + TLSS_CONN) = r1 ; \
	r1 = *(u32 *)(r10 + FP_FD_DIR) ; \
	*(u64 *)(r10 + FP_TLS_VAL + TLSS_FD) = r1 ; \
	r1 = tls_ssl ll ; \
	r2 = r10 ; \
	r2 += FP_TLS_PFX ; \
	r3 = r10 ; \
	r3 += FP_TLS_VAL ; \
	r4 = RT_BPF_ANY ; \
	call bpf_map_update_elem ; \
8: ; \
.endif

// tls_pend, tls_ssl, tls_prefix and tls_gate, shared by kern/tls.S and
// kern/sockio.S; one entry when no TLS library is probed (the programs
// load, nothing attaches them)
#define DECLARE_TLS_PEND \
.if $tls ; .map tls_pend lru_hash key=8 value=TLSP_SIZE max=TLS_PEND_MAX ; \
.map tls_ssl lru_hash key=TLSS_KEY_SIZE value=TLSS_SIZE max=TLS_SSL_MAX ; \
.map tls_prefix lru_hash key=TLSX_KEY_SIZE value=TLSX_SIZE max=TLS_PREFIX_MAX ; \
.map tls_gate array key=4 value=8 max=TLS_GATE_SLOTS ; \
.else ; .map tls_pend lru_hash key=8 value=TLSP_SIZE max=1 ; \
.map tls_ssl lru_hash key=TLSS_KEY_SIZE value=TLSS_SIZE max=1 ; \
.map tls_prefix lru_hash key=TLSX_KEY_SIZE value=TLSX_SIZE max=1 ; \
.map tls_gate array key=4 value=8 max=1 ; .endif
