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

// tls_pend, shared by kern/tls.S and kern/sockio.S; one entry when no
// TLS library is probed (the programs load, nothing attaches them)
#define DECLARE_TLS_PEND \
.if $tls ; .map tls_pend lru_hash key=8 value=TLSP_SIZE max=TLS_PEND_MAX ; \
.else ; .map tls_pend lru_hash key=8 value=TLSP_SIZE max=1 ; .endif
