/* struct pt_regs: where a task's user registers sit while it is in the
 * kernel. kern/ programs read them through bpf_task_pt_regs (a syscall's
 * arguments at its exit, the user stack pointer) and as a uprobe's context
 * (a function's arguments at entry, its return value at return).
 *
 * kern/ is preprocessed by the build machine's compiler, whatever the
 * target, so in kern/ (__ASSEMBLER__) the names below are load-time
 * constants ($pt_*), which rawtel sets from the table compiled for the
 * target it was built for (user/bpf/arch.c). An #ifdef __aarch64__ in
 * kern/ would silently keep the x86_64 offsets in a cross build, and the
 * verifier accepts them (they are in bounds).
 *
 * kern/ names what it means, never a machine register:
 *   PT_REGS_SYSCALL_ARG1..6  a syscall's arguments as saved at its entry,
 *                            still there at its exit (x86_64: rdi rsi rdx
 *                            r10 r8 r9; arm64: orig_x0, then x1..x5, since
 *                            x0 holds the return value by then)
 *   PT_REGS_ARG1..6          a function's arguments at its entry (uprobe)
 *   PT_REGS_RET              a function's return value (uretprobe)
 *   PT_REGS_SP               the user stack pointer
 *   PT_REGS_COMPAT_STATE     where a 64-bit kernel keeps the user's
 *                            execution state, whose bit PT_COMPAT_MODE32
 *                            says the task runs 32-bit code (arm64:
 *                            pstate); 0 where rawtel knows no compat tasks
 * In C the names are the target's byte offsets, with each architecture's
 * own register names beside them, checked against the C library's headers
 * by tests/unit/test_abi.c. */
#ifndef RT_PTRACE_ABI_H
#define RT_PTRACE_ABI_H

/* PSR_MODE32_BIT: AArch32 state */
#define PT_COMPAT_MODE32	0x10

#ifdef __ASSEMBLER__
#define PT_REGS_SYSCALL_ARG1	$pt_sysarg1
#define PT_REGS_SYSCALL_ARG2	$pt_sysarg2
#define PT_REGS_SYSCALL_ARG3	$pt_sysarg3
#define PT_REGS_SYSCALL_ARG4	$pt_sysarg4
#define PT_REGS_SYSCALL_ARG5	$pt_sysarg5
#define PT_REGS_SYSCALL_ARG6	$pt_sysarg6
#define PT_REGS_ARG1		$pt_arg1
#define PT_REGS_ARG2		$pt_arg2
#define PT_REGS_ARG3		$pt_arg3
#define PT_REGS_ARG4		$pt_arg4
#define PT_REGS_ARG5		$pt_arg5
#define PT_REGS_ARG6		$pt_arg6
#define PT_REGS_RET		$pt_ret
#define PT_REGS_SP		$pt_sp
#define PT_REGS_COMPAT_STATE	$pt_compat

#elif defined(__x86_64__)
/* the same order as ptrace's user_regs_struct */
#define PT_REGS_R15	0
#define PT_REGS_R14	8
#define PT_REGS_R13	16
#define PT_REGS_R12	24
#define PT_REGS_BP	32
#define PT_REGS_BX	40
#define PT_REGS_R11	48
#define PT_REGS_R10	56
#define PT_REGS_R9	64
#define PT_REGS_R8	72
#define PT_REGS_AX	80
#define PT_REGS_CX	88
#define PT_REGS_DX	96
#define PT_REGS_SI	104
#define PT_REGS_DI	112
#define PT_REGS_ORIG_AX	120
#define PT_REGS_IP	128
#define PT_REGS_CS	136
#define PT_REGS_FLAGS	144
#define PT_REGS_SP	152
#define PT_REGS_SS	160
#define PT_REGS_SIZE	168

/* the syscall convention: r10, not the functions' rcx, carries the 4th
 * argument (syscall itself clobbers rcx) */
#define PT_REGS_SYSCALL_ARG1	PT_REGS_DI
#define PT_REGS_SYSCALL_ARG2	PT_REGS_SI
#define PT_REGS_SYSCALL_ARG3	PT_REGS_DX
#define PT_REGS_SYSCALL_ARG4	PT_REGS_R10
#define PT_REGS_SYSCALL_ARG5	PT_REGS_R8
#define PT_REGS_SYSCALL_ARG6	PT_REGS_R9
/* the System V AMD64 calling convention */
#define PT_REGS_ARG1	PT_REGS_DI
#define PT_REGS_ARG2	PT_REGS_SI
#define PT_REGS_ARG3	PT_REGS_DX
#define PT_REGS_ARG4	PT_REGS_CX
#define PT_REGS_ARG5	PT_REGS_R8
#define PT_REGS_ARG6	PT_REGS_R9
#define PT_REGS_RET	PT_REGS_AX
/* ia32 tasks: not handled (rawtel targets arm64's) */
#define PT_REGS_COMPAT_STATE	0

#elif defined(__aarch64__)
/* user_pt_regs (x0..x30, sp, pc, pstate), then the kernel's own fields,
 * of which orig_x0 is stable (syscall tracing and seccomp read it) */
#define PT_REGS_X(n)	((n) * 8)
#define PT_REGS_SP	248
#define PT_REGS_PC	256
#define PT_REGS_PSTATE	264
#define PT_REGS_ORIG_X0	272

#define PT_REGS_SYSCALL_ARG1	PT_REGS_ORIG_X0
#define PT_REGS_SYSCALL_ARG2	PT_REGS_X(1)
#define PT_REGS_SYSCALL_ARG3	PT_REGS_X(2)
#define PT_REGS_SYSCALL_ARG4	PT_REGS_X(3)
#define PT_REGS_SYSCALL_ARG5	PT_REGS_X(4)
#define PT_REGS_SYSCALL_ARG6	PT_REGS_X(5)
/* AAPCS64: x0..x7 carry the arguments, x0 the result */
#define PT_REGS_ARG1	PT_REGS_X(0)
#define PT_REGS_ARG2	PT_REGS_X(1)
#define PT_REGS_ARG3	PT_REGS_X(2)
#define PT_REGS_ARG4	PT_REGS_X(3)
#define PT_REGS_ARG5	PT_REGS_X(4)
#define PT_REGS_ARG6	PT_REGS_X(5)
#define PT_REGS_RET	PT_REGS_X(0)
#define PT_REGS_COMPAT_STATE	PT_REGS_PSTATE

#elif defined(__arm__)
/* uregs[18] of 4 bytes: r0..r15, cpsr, ORIG_r0. A 32-bit kernel's
 * registers are 4 bytes wide, where kern/ reads 8: these serve the
 * 32-bit build's C code; its kern/ support is not done. */
#define PT_REGS_R(n)	((n) * 4)
#define PT_REGS_SP	PT_REGS_R(13)
#define PT_REGS_PC	PT_REGS_R(15)
#define PT_REGS_CPSR	64
#define PT_REGS_ORIG_R0	68

#define PT_REGS_SYSCALL_ARG1	PT_REGS_ORIG_R0
#define PT_REGS_SYSCALL_ARG2	PT_REGS_R(1)
#define PT_REGS_SYSCALL_ARG3	PT_REGS_R(2)
#define PT_REGS_SYSCALL_ARG4	PT_REGS_R(3)
#define PT_REGS_SYSCALL_ARG5	PT_REGS_R(4)
#define PT_REGS_SYSCALL_ARG6	PT_REGS_R(5)
/* AAPCS: r0..r3, then the stack (not reachable here: -1) */
#define PT_REGS_ARG1	PT_REGS_R(0)
#define PT_REGS_ARG2	PT_REGS_R(1)
#define PT_REGS_ARG3	PT_REGS_R(2)
#define PT_REGS_ARG4	PT_REGS_R(3)
#define PT_REGS_ARG5	(-1)
#define PT_REGS_ARG6	(-1)
#define PT_REGS_RET	PT_REGS_R(0)
#define PT_REGS_COMPAT_STATE	0

#else
#error "rawtel: no pt_regs layout for this architecture"
#endif

#endif
