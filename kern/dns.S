// dns: name lookups through libc: getaddrinfo, gethostbyname and
// gethostbyname2, with the name asked for, the result and the latency.
// The record in flight is the record sent: the entry program makes it in
// the map and fills the name and start time, the return program the rest,
// in place.
#include "common.h"

DECLARE_EVENTS
.map dns_pending lru_hash key=8 value=DNS_REC_MAX max=4096
// never written: the zeroed record a new entry is made from (uprobe programs
// can be preempted on the same CPU, so no per-CPU scratch is shared)
.map dns_zero array key=4 value=DNS_REC_MAX max=1

// Stack
#define FP_ZERO_KEY -4		/* u32 0: dns_zero key */
#define FP_ENTER_KEY -16	/* u64 pid_tgid: dns_pending key, entries */
#define FP_KEY -8		/* u64 pid_tgid: dns_pending key, others */

// Entry: FN is DNS_FN_*; the name is the first argument of all three.
// A call inside another (musl's gethostbyname calls gethostbyname2) only
// deepens the outer one (musl's is a tail call: same frame, another
// function); any other entry whose frame is not above this call is stale
// (its return was never seen) and is replaced. The record is made in
// the map and filled there. Registers: r6 ctx, r7 pid_tgid, r9 record.
#define DNS_ENTER(FN) \
	CTX_PID(r7) ; \
	FILTER_PID(r7, out) ; \
	FILTER_COMM(out) ; \
	*(u64 *)(r10 + FP_ENTER_KEY) = r7 ;	/* a call of this thread's */ \
	LOOKUP(dns_pending, FP_ENTER_KEY, 2f) ;		/* in flight? */ \
	r1 = *(u64 *)(r0 + DNS_OFF_RET) ;	/* its frame (sp) is above */ \
	r2 = *(u64 *)(r6 + PT_REGS_SP) ; \
	if r1 > r2 goto 1f ; \
	if r1 != r2 goto 2f ;			/* or the same, and another */ \
	r1 = *(u64 *)(r0 + DNS_OFF_FUNC) ;	/* function (a tail call) */ \
	if r1 == FN goto 2f ; \
1: ; \
	r1 = DNS_DEPTH_ONE ;			/* nested: one deeper */ \
	lock *(u32 *)(r0 + EV_OFF_FLAGS) += w1 ; \
	goto out ; \
2: ; \
	*(u32 *)(r10 + FP_ZERO_KEY) = 0 ;	/* a fresh record, zeroed */ \
	r2 = r10 ; \
	r2 += FP_ZERO_KEY ; \
	r1 = dns_zero ll ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto out ; \
	r3 = r0 ; \
	r1 = dns_pending ll ; \
	r2 = r10 ; \
	r2 += FP_ENTER_KEY ; \
	r4 = RT_BPF_ANY ; \
	call bpf_map_update_elem ; \
	LOOKUP(dns_pending, FP_ENTER_KEY, out) ;		/* r9 = it, in the map */ \
	r9 = r0 ; \
	r1 = EV_DNS ; \
	*(u64 *)(r9 + EV_OFF_TYPE) = r1 ; \
	*(u64 *)(r9 + EV_OFF_TID) = r7 ; \
	r1 = FN ; \
	*(u64 *)(r9 + DNS_OFF_FUNC) = r1 ; \
	r1 = *(u64 *)(r6 + PT_REGS_SP) ;	/* the frame, until the return */ \
	*(u64 *)(r9 + DNS_OFF_RET) = r1 ; \
	r3 = *(u64 *)(r6 + PT_REGS_ARG1) ;	/* the name */ \
	*(u64 *)(r9 + DNS_OFF_UNAME) = r3 ; \
	r1 = r9 ; \
	r1 += DNS_OFF_HOST ; \
	r2 = DNS_HOST_MAX ; \
	READ_USER_STR ; \
	if r0 s<= 0 goto 3f ;			/* unreadable: at the return */ \
	*(u32 *)(r9 + DNS_OFF_HLEN) = r0 ; \
	r1 = DNS_F_HOST_OK ; \
	*(u32 *)(r9 + EV_OFF_FLAGS) = r1 ; \
3: ; \
	KTIME ; \
	*(u64 *)(r9 + DNS_OFF_LAT) = r0

.prog dns_gai_enter uprobe
	DNS_ENTER(DNS_FN_GETADDRINFO)
out:
	r0 = 0
	exit

.prog dns_ghbn_enter uprobe
	DNS_ENTER(DNS_FN_GETHOSTBYNAME)
out:
	r0 = 0
	exit

.prog dns_ghbn2_enter uprobe
	DNS_ENTER(DNS_FN_GETHOSTBYNAME2)
out:
	r0 = 0
	exit

// Return of any of the three: result, latency, comm; the name again if
// entry could not read it (the lookup has touched it since).
.prog dns_return uretprobe
	r6 = r1
	call bpf_get_current_pid_tgid
	*(u64 *)(r10 + FP_KEY) = r0
	LOOKUP(dns_pending, FP_KEY, out)
	r7 = r0
	// the return of a nested call: the outer one goes on
	r1 = *(u32 *)(r7 + EV_OFF_FLAGS)
	if r1 < DNS_DEPTH_ONE goto outermost
	r1 = -DNS_DEPTH_ONE
	lock *(u32 *)(r7 + EV_OFF_FLAGS) += w1
	goto out
outermost:
	r1 = *(u64 *)(r6 + PT_REGS_RET)
	*(u64 *)(r7 + DNS_OFF_RET) = r1
	RETURN_STAMP(r7, r7 + DNS_OFF_LAT, DNS_OFF_LAT, DNS_OFF_COMM)
	REREAD_STR(r7, DNS_F_HOST_OK, DNS_OFF_HOST, DNS_HOST_MAX, DNS_OFF_UNAME,
		   have_host)
	*(u32 *)(r7 + DNS_OFF_HLEN) = r0
	if r0 s> 0 goto have_host
	*(u8 *)(r7 + DNS_OFF_HOST) = 0
	r1 = 1
	*(u32 *)(r7 + DNS_OFF_HLEN) = r1
have_host:
	r8 = *(u32 *)(r7 + DNS_OFF_HLEN)
	if r8 == 0 goto forget
	EMIT_SIZED(r6, r7, r8, DNS_OFF_HOST, DNS_HOST_MAX, EV_DNS, forget)
	DELETE_END(forget, dns_pending, FP_KEY)

// A thread ends: forget a lookup it never returned from.
.prog dns_thread_exit tracepoint sched/sched_process_exit
	call bpf_get_current_pid_tgid
	*(u64 *)(r10 + FP_KEY) = r0
	DELETE(dns_pending, FP_KEY)
	r0 = 0
	exit
