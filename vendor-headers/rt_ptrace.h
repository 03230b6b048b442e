/* x86_64 struct pt_regs: where a task's user registers sit when it is in
 * the kernel (the same order as ptrace's user_regs_struct). Byte offsets,
 * for kern/ programs reading registers through bpf_task_pt_regs and for
 * uprobe programs, whose context is a pt_regs. Checked against the host's
 * <asm/ptrace.h> by tests/unit/test_abi.c. */
#ifndef RT_PTRACE_ABI_H
#define RT_PTRACE_ABI_H

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

/* Function arguments in the System V AMD64 calling convention. */
#define PT_REGS_ARG1	PT_REGS_DI
#define PT_REGS_ARG2	PT_REGS_SI
#define PT_REGS_ARG3	PT_REGS_DX
#define PT_REGS_ARG4	PT_REGS_CX
#define PT_REGS_ARG5	PT_REGS_R8
#define PT_REGS_ARG6	PT_REGS_R9
#define PT_REGS_RET	PT_REGS_AX

#endif
