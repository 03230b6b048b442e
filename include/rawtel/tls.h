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

/* Memory BIOs (node's TLSWrap, Python's MemoryBIO under asyncio): the
 * library writes a call's ciphertext into a buffer the runtime sends
 * later, outside the call, so no syscall binds it. BIO_write inside a
 * parked call (the SSL object's output: its wbio, the handshake's buffer
 * BIO flushing into it) of an object not bound yet notes the first
 * TLS_PREFIX_LEN bytes of that ciphertext, a TLS record's header and the
 * start of its encrypted body (or a hello's random), in tls_prefix by
 * {tgid, bytes}. A send on a tracked socket of that process whose first
 * bytes are those binds the object to the socket's connection
 * (kern/tls_bind.h): proof, not a guess, since the runtime sends exactly
 * what the library produced. SSL_do_handshake is parked too (direction
 * TLSP_DIR_NONE: it binds nothing, makes no record) so the handshake's
 * flight binds the object before its first plaintext. */
#define TLS_PREFIX_LEN	16
#define TLSX_KEY_SIZE	24	/* u64 tgid, the bytes */
#define TLSX_SIZE	8	/* u64 the SSL object */
#define TLS_PREFIX_MAX	1024
#define TLSP_DIR_NONE	2	/* a parked SSL_do_handshake */
/* tls_gate: an array slot per (tgid & TLS_GATE_SLOTS - 1) counting the
 * tls_prefix entries noted there and not used up yet. Every send exit
 * looks at it first (an array lookup the verifier inlines): a process
 * whose slot is 0 has no prefix to match, and skips the 16-byte read and
 * the hash lookup. A prefix never used up (evicted, or sent through a
 * socket rawtel does not track) leaves its slot open: those processes pay
 * the check as before, none misses a binding. */
#define TLS_GATE_SLOTS	4096

/* User space: the plaintext of a connection is parsed as a stream of its
 * own, under the connection's id with this bit set (the ciphertext's
 * stream, given up at its first TLS record, stays apart). Kernel ids use
 * bits 0-61, seeds bit 63 (rawtel/sockmap.h). */
#define TLS_PLAIN_ID	(1ULL << 62)
/* ...and the plaintext of an SSL object no connection is proven for
 * (DATA_F_TLS_UNBOUND: its record's PEER holds the object's address) as
 * a connection of its own, this bit and the address (user space
 * addresses are below 2^57), with no peer */
#define TLS_SSL_ID	(1ULL << 61)
#define TLS_SSL_MASK	((1ULL << 57) - 1)

#ifndef __ASSEMBLER__
/* The connection a TLS data record's plaintext belongs to (its CONN,
 * PEER and whether DATA_F_TLS_UNBOUND is set): the socket's, or its SSL
 * object's own */
static inline unsigned long long tls_plain_conn(int unbound, unsigned long long conn,
						unsigned long long peer)
{
	return unbound && !conn ? TLS_SSL_ID | (peer & TLS_SSL_MASK) : conn;
}
#endif

#endif
