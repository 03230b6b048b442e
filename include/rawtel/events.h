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

/* ---- process table (kern/proc.S): parent and start time per tgid ------- */
#define PROC_OFF_PPID	0	/* u32 */
#define PROC_OFF_PAD	4
#define PROC_OFF_START	8	/* u64 ns */
#define PROC_SIZE	16
#define PROC_MAX	8192

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
#endif /* !__ASSEMBLER__ */

#endif
