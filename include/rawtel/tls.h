/* TLS plaintext capture (kern/tls.S, user/probes/tls_targets.c): the maps
 * the library's uprobes and the socket syscalls share, as #defines for
 * kern/ (through cpp) and C alike. The records themselves are data
 * records with DATA_F_TLS (rawtel/events.h).
 *
 * How a plaintext record finds its connection: the entry of SSL_read,
 * SSL_write and their _ex forms parks the call in tls_pend (by thread).
 * A syscall on a tracked socket that the same thread makes before the
 * return, in the call's direction (receive-side syscalls for reads,
 * send-side for writes: kern/sockio_exit.h), writes its connection into
 * the parked call and makes no record of its own (ciphertext: counted in
 * sk_nocopy_n). The return learns tls_ssl[SSL object] from it, or, when
 * the call made no syscall (a read served from the library's buffer),
 * takes the binding the SSL object had. Never the thread's last socket. */
#ifndef RAWTEL_TLS_H
#define RAWTEL_TLS_H

/* tls_pend: a TLS call in flight, by pid_tgid */
#define TLSP_SSL	0	/* u64 the SSL object */
#define TLSP_BUF	8	/* u64 the caller's buffer */
#define TLSP_EXLEN	16	/* u64 _ex: where the byte count goes; else 0 */
#define TLSP_START	24	/* u64 ns at entry */
#define TLSP_CONN	32	/* u64 connection of its syscalls, 0 none yet */
#define TLSP_FD		40	/* s32 their fd */
#define TLSP_DIR	44	/* u8 DATA_DIR_* */
#define TLSP_CALL	45	/* u8 DATA_CALL_SSL_* */
#define TLSP_MISMATCH	46	/* u8 1: syscalls on two connections */
#define TLSP_SIZE	48
#define TLS_PEND_MAX	8192

/* tls_ssl: the connection an SSL object was last seen on, by
 * {tgid, SSL pointer} (pointers are per address space) */
#define TLSS_KEY_SIZE	16
#define TLSS_CONN	0	/* u64 */
#define TLSS_FD		8	/* s32 */
#define TLSS_SIZE	16
#define TLS_SSL_MAX	16384

/* User space: the plaintext of a connection is parsed as a stream of its
 * own, under the connection's id with this bit set (the ciphertext's
 * stream, given up at its first TLS record, stays apart). Kernel ids use
 * bits 0-61, seeds bit 63 (rawtel/sockmap.h). */
#define TLS_PLAIN_ID	(1ULL << 62)

#endif
