/* Shared by every kern/ unit: the event stream, drop counters, and macros
 * for what every probe does. Macros put several statements on one line
 * separated by ';' (as in LLVM's BPF assembler). Load-time constants set
 * by user space:
 *   $perf_buffer      1: per-CPU perf buffers instead of the ring buffer
 *   $ring_size        ring buffer bytes (power of two)
 *   $wake_bytes       wake the reader once the ring holds this much
 *   $ncpus            possible CPUs (perf event array size)
 *   $boot_ns          1: bpf_ktime_get_boot_ns exists (5.8+)
 *   $probe_read_user  1: bpf_probe_read_user[_str] exist (5.5+)
 *   $task_regs        1: a task's user registers are reachable through BTF
 *                     (bpf_get_current_task_btf + bpf_task_pt_regs, 5.15+)
 *   $cookie           1: bpf_get_attach_cookie works (BPF links, 5.15+)
 *   $n_targets        functions the uprobe probes attach to (cookies 0..n-1)
 *   $atomics          1: the JIT has atomic adds (0 on 32-bit ARM), ATOMIC_ADD
 *   $uptr             bytes of a user pointer in the traced programs (8; 4
 *                     on 32-bit ARM), for pointer arrays read from them
 *   $self_pid         rawtel's own pid: never reported
 *   $filter_pid       1: report only the processes in sel (--pid: the
 *                     process and its descendants)
 *   $sel_map          1: sel is filled (--pid, --port, --cgroup) and kept
 *                     by kern/proc.S (sel_fork, sel_free)
 *   $filter_comm      1: report only tasks whose comm is $comm_lo/$comm_hi
 *   $filter_cgroup    1: report only tasks whose cgroup v2 id is in cgsel
 *                     (--cgroup, --container); sel then holds the tgids
 *                     seen in them where a probe needs the owner of a
 *                     record made in another task's context (tcp)
 */
#include "rawtel/events.h"
#include "rt_bpf.h"
#include "rt_ptrace.h"

/* Conventions. Stack slots are named once, as offsets from r10 (FP_*,
 * negative), by the unit or fragment that owns the frame, and written
 * (r10 + FP_X). Jumps go to labels, never to a counted +N: inside a macro
 * to GNU-style numeric local labels ("1:" ... "goto 1f"), which resolve to
 * the nearest definition and so cannot clash between two expansions. A
 * macro that contains another must not jump across it with a number the
 * inner one defines: common.h's macros use 90-99 (each its own), units
 * 1-89. Long macros are one instruction per line, C comments in the
 * #define (cpp removes them); each expands to one line of ';'-separated
 * statements (as in LLVM's BPF assembler).
 */

/* Stack slots of common.h's macros (bytes below r10) */
#define FP_COMM -16		/* FILTER_COMM: the task's comm, 16 bytes */
#define FP_SEL_KEY -8		/* FILTER_PID: u32 sel key, then LIVE's */
#define FP_DROP_KEY -512	/* COUNT_DROP: u32 key */

/* The one stream of records to user space, and what could not enter it. */
#define DECLARE_EVENTS \
.if $perf_buffer ; .map events perf_event_array key=4 value=4 max=$ncpus ; \
.else ; .map events ringbuf key=0 value=0 max=$ring_size ; .endif ; \
.map drops percpu_array key=4 value=8 max=EV_TYPE_MAX ; \
DECLARE_SEL ; \
.map live array key=4 value=4 max=1

/* The selected processes (tgid -> 1): the one --pid names and its
 * descendants, the --port binders and theirs. */
#define DECLARE_SEL \
.if $sel_map ; .map sel hash key=4 value=4 max=SEL_MAX ; \
.else ; .map sel hash key=4 value=4 max=1 ; .endif ; \
.if $filter_cgroup ; .map cgsel hash key=8 value=4 max=CGSEL_MAX ; .endif

/* Jump to LABEL unless the current task's cgroup (v2) is selected. SLOT: a
 * u64 stack slot (FP_*); clobbers r0-r5. */
#define FILTER_CGROUP(SLOT, LABEL) \
.if $filter_cgroup ; \
	call bpf_get_current_cgroup_id ; \
	*(u64 *)(r10 + (SLOT)) = r0 ;		/* in cgsel? */ \
	r2 = r10 ; \
	r2 += (SLOT) ; \
	r1 = cgsel ll ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto LABEL ; \
.endif

/* In the task owning a connection: when its cgroup is selected, its tgid
 * enters sel, where probes whose records are made in softirq context
 * find the owner selected (tcp's). SLOT: 16 bytes of stack (FP_*);
 * clobbers r0-r5. */
#define SEL_CGROUP_MEMBER(SLOT) \
.if $filter_cgroup ; \
	FILTER_CGROUP(SLOT, 95f) ; \
	call bpf_get_current_pid_tgid ; \
	r0 >>= 32 ; \
	*(u32 *)(r10 + (SLOT)) = r0 ;		/* sel[tgid] = 1 */ \
	*(u32 *)(r10 + (SLOT) + 4) = 1 ; \
	r1 = sel ll ; \
	r2 = r10 ; \
	r2 += (SLOT) ; \
	r3 = r10 ; \
	r3 += (SLOT) + 4 ; \
	r4 = RT_BPF_ANY ; \
	call bpf_map_update_elem ; \
.endif ; \
95:

/* Jump to LABEL unless rawtel is taking records: live[0] is set once every
 * program is attached and cleared before the first is detached, so no
 * record is made while attaching or detaching (tens of ms per tracepoint)
 * with nobody reading the ring: losses counted are then real ones.
 * SLOT: a u32 stack slot for the key (FP_*); clobbers r0-r5. */
#define LIVE(SLOT, LABEL) \
	*(u32 *)(r10 + (SLOT)) = 0 ;		/* key 0 */ \
	r2 = r10 ; \
	r2 += (SLOT) ; \
	r1 = live ll ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto LABEL ; \
	r0 = *(u32 *)(r0 + 0) ;			/* live[0] != 0? */ \
	if r0 == 0 goto LABEL

/* r0 = MAP's value for the key at (r10 + KEY), or goto LABEL when there
 * is none. Clobbers r0-r5. */
#define LOOKUP(MAP, KEY, LABEL) \
	r1 = MAP ll ; \
	r2 = r10 ; \
	r2 += KEY ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto LABEL

/* MAP's entry for the key at (r10 + KEY) set to the value at (r10 + VAL),
 * FLAGS as bpf_map_update_elem takes them (RT_BPF_ANY...). Clobbers r0-r5. */
#define UPDATE(MAP, KEY, VAL, FLAGS) \
	r1 = MAP ll ; \
	r2 = r10 ; \
	r2 += KEY ; \
	r3 = r10 ; \
	r3 += VAL ; \
	r4 = FLAGS ; \
	call bpf_map_update_elem

/* MAP's entry for the key at (r10 + KEY) set to the value R points at
 * (another map's value, say), FLAGS as in UPDATE. Clobbers r0-r5. */
#define UPDATE_PTR(MAP, KEY, R, FLAGS) \
	r3 = R ; \
	r1 = MAP ll ; \
	r2 = r10 ; \
	r2 += KEY ; \
	r4 = FLAGS ; \
	call bpf_map_update_elem

/* r0 = this thread's slot in MAP, an array of SLOTS (a power of two)
 * entries indexed by the tid of pid_tgid R modulo SLOTS, with the u32 key
 * at (r10 + KEY); goto LABEL on failure. Clobbers r0-r5. */
#define THREAD_SLOT(MAP, SLOTS, R, KEY, LABEL) \
	r1 = R ; \
	r1 &= SLOTS - 1 ; \
	*(u32 *)(r10 + KEY) = r1 ; \
	r2 = r10 ; \
	r2 += KEY ; \
	r1 = MAP ll ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto LABEL

/* MAP's entry for the key at (r10 + KEY), if any, deleted. Clobbers r0-r5. */
#define DELETE(MAP, KEY) \
	r1 = MAP ll ; \
	r2 = r10 ; \
	r2 += KEY ; \
	call bpf_map_delete_elem

/* A program's last lines: at LABEL, MAP's entry for the key at (r10 + KEY)
 * deleted; at out, return 0. */
#define DELETE_END(LABEL, MAP, KEY) \
LABEL: ; \
	DELETE(MAP, KEY) ; \
out: ; \
	r0 = 0 ; \
	exit

/* A program's first lines: r6 = the context (r1), R = the current task's
 * pid_tgid. */
#define CTX_PID(R) \
	r6 = r1 ; \
	call bpf_get_current_pid_tgid ; \
	R = r0

/* First lines of a sched_process_exit program that acts once per process:
 * r6 = the context, R = pid_tgid, and goto LABEL unless this task ends its
 * process: the last thread (group_dead, 6.x kernels) or, on kernels
 * without that field, the thread group leader. Clobbers r0-r5. */
#define PROCESS_END(R, LABEL) \
	CTX_PID(R) ; \
.if has_field(group_dead) ; \
	r1 = *(u8 *)(r6 + field(group_dead)) ; \
	if r1 == 0 goto LABEL ; \
.else ; \
	r1 = R ;				/* pid == tgid? */ \
	r1 >>= 32 ; \
	r2 = R ; \
	r2 <<= 32 ; \
	r2 >>= 32 ; \
	if r1 != r2 goto LABEL ; \
.endif

/* r0 = now, in the clock user space expects */
#define KTIME .if $boot_ns ; call bpf_ktime_get_boot_ns ; .else ; call bpf_ktime_get_ns ; .endif

/* r0 = the current task's user registers, as saved when it entered the
 * kernel (a struct pt_regs; $task_regs). Clobbers r0-r5. */
#define TASK_REGS \
	call bpf_get_current_task_btf ; \
	r1 = r0 ; \
	call bpf_task_pt_regs

/* r0 = the current task's saved registers (TASK_REGS); goto LABEL unless
 * the task runs in 32-bit state (a compat task on a 64-bit kernel,
 * $pt_compat). Clobbers r0-r5. */
#define COMPAT_TASK(LABEL) \
	TASK_REGS ; \
	r1 = *(u64 *)(r0 + PT_REGS_COMPAT_STATE) ; \
	r1 &= PT_COMPAT_MODE32 ; \
	if r1 == 0 goto LABEL

/* R = the user pointer (or long) of $uptr bytes at MEM ("r10 + FP_X"),
 * read from a 32- or 64-bit program's structures (iovecs, msghdrs) */
#define LOAD_UPTR(R, MEM) \
.if $uptr == 4 ; \
	R = *(u32 *)(MEM) ; \
.else ; \
	R = *(u64 *)(MEM) ; \
.endif

/* user-memory reads (bpf_probe_read[_str] on kernels before 5.5) */
#define READ_USER_STR .if $probe_read_user ; call bpf_probe_read_user_str ; \
	.else ; call bpf_probe_read_str ; .endif
#define READ_USER .if $probe_read_user ; call bpf_probe_read_user ; \
	.else ; call bpf_probe_read ; .endif
#define READ_KERNEL_STR .if $probe_read_user ; call bpf_probe_read_kernel_str ; \
	.else ; call bpf_probe_read_str ; .endif

/* Jump to LABEL unless the process (pid_tgid in register R) is selected
 * (--pid: in sel; --cgroup: its cgroup in cgsel) and rawtel live; rawtel
 * itself never is. Other processes cost one map lookup. Clobbers r0-r5
 * and fp-16..fp-1.
 * FILTER_COMM compares all 16 bytes, so it zeroes them first: kernels before
 * 6.4 copy the comm with strscpy, not strscpy_pad, leaving what was on the
 * stack after the NUL (seen on 6.1: opens and exits of the selected
 * command were dropped). */
#define FILTER_PID(R, LABEL) \
	r0 = R ; \
	r0 >>= 32 ;				/* the tgid */ \
	if r0 == $self_pid goto LABEL ; \
.if $filter_pid ; \
	*(u32 *)(r10 + FP_SEL_KEY) = r0 ;	/* in sel? */ \
	r2 = r10 ; \
	r2 += FP_SEL_KEY ; \
	r1 = sel ll ; \
	call bpf_map_lookup_elem ; \
	if r0 == 0 goto LABEL ; \
.endif ; \
	FILTER_CGROUP(FP_SEL_KEY, LABEL) ; \
	LIVE(FP_SEL_KEY, LABEL)
#define FILTER_COMM(LABEL) \
.if $filter_comm ; \
	*(u64 *)(r10 + FP_COMM) = 0 ;		/* the 16 bytes, zeroed */ \
	*(u64 *)(r10 + FP_COMM + 8) = 0 ; \
	r1 = r10 ; \
	r1 += FP_COMM ; \
	r2 = 16 ; \
	call bpf_get_current_comm ; \
	r1 = *(u64 *)(r10 + FP_COMM) ;		/* first 8 bytes == $comm_lo? */ \
	r2 = $comm_lo ll ; \
	if r1 != r2 goto LABEL ; \
	r1 = *(u64 *)(r10 + FP_COMM + 8) ;	/* last 8 bytes == $comm_hi? */ \
	r2 = $comm_hi ll ; \
	if r1 != r2 goto LABEL ; \
.endif

/* *(SIZE *)(MEM) += R, atomically where the JIT can ($atomics: 64-bit
 * kernels); 32-bit ARM's JIT has no atomic instructions, and a kernel
 * that cannot JIT a program it was asked to JIT refuses it (6.1.129+), so
 * there the add is a load, add and store through TMP (a register this
 * may clobber; w registers for u32). */
#define ATOMIC_ADD(SIZE, MEM, R, TMP) \
.if $atomics ; \
	lock *(SIZE *)(MEM) += R ; \
.else ; \
	TMP = *(SIZE *)(MEM) ; \
	TMP += R ; \
	*(SIZE *)(MEM) = TMP ; \
.endif

/* Count one lost record of type TYPE in the per-CPU drops map.
 * Clobbers r0-r5 and FP_DROP_KEY, a slot no program uses otherwise: after
 * a loss, keys a program still needs (to delete an entry, say) must be
 * intact. */
#define COUNT_DROP(TYPE) \
	*(u32 *)(r10 + FP_DROP_KEY) = TYPE ; \
	r2 = r10 ; \
	r2 += FP_DROP_KEY ; \
	r1 = drops ll ; \
	call bpf_map_lookup_elem ;		/* r0 = this CPU's counter */ \
	if r0 == 0 goto 90f ; \
	r1 = 1 ; \
	ATOMIC_ADD(u64, r0 + 0, r1, r2) ; \
90:

/* Send SIZE bytes at PTR (registers other than r1-r5) as one record of
 * type TYPE; CTX is the register holding the program's context. A record
 * that does not fit is counted, never waited for.
 * Wakeups: each costs the traced task an interrupt (irq_work; microseconds
 * in a VM), so the reader is woken only by the record that takes the ring
 * across $wake_bytes. Not when the reader has caught up (the ring buffer's
 * default, a wakeup per record for a fast reader), nor on every record
 * above the mark (a slow reader). The reader drains until the ring is
 * empty before it waits again, so no crossing goes unseen, and it also
 * drains on a short timer for quiet rings. Perf buffers use a watermark. */
#define EMIT(CTX, PTR, SIZE, TYPE) \
.if $perf_buffer ; \
	r1 = CTX ; \
	r2 = events ll ; \
	r3 = RT_BPF_F_CURRENT_CPU ll ; \
	r4 = PTR ; \
	r5 = SIZE ; \
	call bpf_perf_event_output ; \
.else ; \
	r1 = events ll ;			/* r0 = bytes in the ring */ \
	r2 = 0 ; \
	call bpf_ringbuf_query ; \
	r4 = RT_BPF_RB_NO_WAKEUP ; \
	if r0 >= $wake_bytes goto 91f ;		/* past the mark already */ \
	r0 += SIZE ; \
	if r0 < $wake_bytes goto 91f ;		/* still below it after this */ \
	r4 = RT_BPF_RB_FORCE_WAKEUP ; \
91: ; \
	r1 = events ll ; \
	r2 = PTR ; \
	r3 = SIZE ; \
	call bpf_ringbuf_output ; \
.endif ; \
	if r0 == 0 goto 92f ; \
	COUNT_DROP(TYPE) ; \
92:

/* EMIT, the reader woken at once (ring buffer; perf buffers keep their
 * watermark): for a rare record user space must act on while the task
 * that made it still runs (/proc/PID/fd: kern/sockio_exit.h). */
#define EMIT_NOW(CTX, PTR, SIZE, TYPE) \
.if $perf_buffer ; \
	EMIT(CTX, PTR, SIZE, TYPE) ; \
.else ; \
	r1 = events ll ; \
	r2 = PTR ; \
	r3 = SIZE ; \
	r4 = RT_BPF_RB_FORCE_WAKEUP ; \
	call bpf_ringbuf_output ; \
	if r0 == 0 goto 96f ; \
	COUNT_DROP(TYPE) ; \
96: ; \
.endif

/* Send the record at REC whose variable part (R bytes, R one of r6-r9)
 * starts at offset OFF: its size, OFF + R, in EV_OFF_SIZE; goto LABEL when
 * R is over MAX. CTX as for EMIT. */
#define EMIT_SIZED(CTX, REC, R, OFF, MAX, TYPE, LABEL) \
	if R > MAX goto LABEL ; \
	R += OFF ; \
	*(u16 *)(REC + EV_OFF_SIZE) = R ; \
	EMIT(CTX, REC, R, TYPE)

/* The end of a call in the record at REC: the time now, the latency since
 * the u64 start time at START (a memory operand: "r8 + OFF") to REC + LAT,
 * and the task's comm to REC + COMM. Clobbers r0-r5. */
#define RETURN_STAMP(REC, START, LAT, COMM) \
	KTIME ; \
	*(u64 *)(REC + EV_OFF_TS) = r0 ; \
	r1 = *(u64 *)(START) ; \
	r0 -= r1 ;				/* the latency */ \
	*(u64 *)(REC + LAT) = r0 ; \
	r1 = REC ; \
	r1 += COMM ; \
	r2 = 16 ; \
	call bpf_get_current_comm

/* goto LABEL if flag FLAG of the record at REC says its string is there;
 * else read it again from the user pointer kept at REC + UPTR, at most MAX
 * bytes to REC + OFF (r0: the length with the NUL, or -errno): at a return
 * whose entry could not read it. Clobbers r0-r5. */
#define REREAD_STR(REC, FLAG, OFF, MAX, UPTR, LABEL) \
	r1 = *(u32 *)(REC + EV_OFF_FLAGS) ; \
	r1 &= FLAG ; \
	if r1 != 0 goto LABEL ; \
	r1 = REC ; \
	r1 += OFF ; \
	r2 = MAX ; \
	r3 = *(u64 *)(REC + UPTR) ; \
	READ_USER_STR

/* r0 = SIZE bytes reserved in the ring for a record of type TYPE, written
 * in place and sent with SUBMIT; when the ring is full, run the optional
 * statements after LABEL (release what the record was for), count the drop
 * and goto LABEL. */
#define RESERVE(SIZE, TYPE, LABEL, ...) \
	r1 = events ll ; \
	r2 = SIZE ; \
	r3 = 0 ; \
	call bpf_ringbuf_reserve ; \
	if r0 != 0 goto 93f ; \
	__VA_ARGS__ ; \
	COUNT_DROP(TYPE) ; \
	goto LABEL ; \
93:

/* Submit the record at REC, reserved at SIZE bytes; the reader is woken
 * only when it takes the ring across the mark (see EMIT): the reserve
 * counted it in the ring already, so "before" is the query less it. */
#define SUBMIT(REC, SIZE) \
	r1 = events ll ; \
	r2 = 0 ; \
	call bpf_ringbuf_query ; \
	r2 = RT_BPF_RB_NO_WAKEUP ; \
	if r0 < $wake_bytes goto 94f ;		/* below the mark with it */ \
	r0 -= SIZE + RT_BPF_RINGBUF_HDR_SZ ; \
	if r0 s>= $wake_bytes goto 94f ;	/* past the mark without it */ \
	r2 = RT_BPF_RB_FORCE_WAKEUP ; \
94: ; \
	r1 = REC ; \
	call bpf_ringbuf_submit

/* Per-CPU scratch space for records larger than the 512-byte stack. */
#define DECLARE_SCRATCH .map scratch percpu_array key=4 value=EXEC_REC_MAX max=1

/* Process table filled by kern/proc.S: tgid -> parent tgid, start time. */
#define DECLARE_PROCS .map procs lru_hash key=4 value=PROC_SIZE max=PROC_MAX
