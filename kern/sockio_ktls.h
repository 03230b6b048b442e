// The kTLS half of a data exit (kern/sockio_exit.h). A kTLS socket's
// sendmsg or recvmsg whose control message is SOL_TLS's record type
// (TLS_SET_RECORD_TYPE at a send, TLS_GET_RECORD_TYPE filled in at a
// receive) moved a record that is not application data (type 23): an
// alert, a session ticket, a key update. OpenSSL moves those so (its
// application data through write, read and sendfile): they are not the
// plaintext stream's, goto CTRL. Task registers only (the msghdr is the
// call's second argument); elsewhere such a record reaches the parsers,
// whose detection passes over it. The record is still made (flagged
// DATA_F_KTLS_CTRL), so user space counts its bytes in the stream, not
// as a loss. r8 the caller's registers; clobbers
// r0-r5 and FP_KTLS_CMSG.
#define FP_KTLS_CMSG -136	/* 24 bytes: msg_control, msg_controllen,
				 * then the first cmsghdr and its first byte
				 * (TLS_PREFIX_BIND's slots: done with) */
#define KTLS_CMSG(CTRL) \
.if $task_regs ; \
	r1 = r10 ; \
	r1 += FP_KTLS_CMSG ; \
	r2 = 2 * $uptr ; \
	r3 = *(u64 *)(r8 + PT_REGS_SYSCALL_ARG2) ; \
	r3 += 4 * $uptr ;			/* msg_control, msg_controllen */ \
	READ_USER ; \
	if r0 != 0 goto 1f ; \
	LOAD_UPTR(r1, r10 + FP_KTLS_CMSG + $uptr) ; \
	if r1 < $uptr + 9 goto 1f ;		/* room for a header and a byte */ \
	LOAD_UPTR(r3, r10 + FP_KTLS_CMSG) ; \
	r1 = r10 ; \
	r1 += FP_KTLS_CMSG ; \
	r2 = $uptr + 9 ;			/* len, level, type, the byte */ \
	READ_USER ; \
	if r0 != 0 goto 1f ; \
	r1 = *(u32 *)(r10 + FP_KTLS_CMSG + $uptr) ;	/* cmsg_level */ \
	if r1 != RT_SOL_TLS goto 1f ; \
	r1 = *(u8 *)(r10 + FP_KTLS_CMSG + $uptr + 8) ;	/* the record type */ \
	if r1 != RT_TLS_APP_DATA goto CTRL ; \
1: ; \
.endif
