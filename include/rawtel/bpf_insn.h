/* Named constructors for the few BPF instructions user space writes by hand
 * (the feature probes in user/bpf/feature.c); kern/ programs are assembled
 * from text instead. Each is an expression of type struct rt_bpf_insn. */
#ifndef RAWTEL_BPF_INSN_H
#define RAWTEL_BPF_INSN_H

#include "rt_bpf.h"
#include "rt_bpf_helpers.h"

#define INSN(CODE, DST, SRC, OFF, IMM) \
	((struct rt_bpf_insn){ .code = (CODE), .dst_reg = (DST), .src_reg = (SRC), \
			       .off = (OFF), .imm = (IMM) })

/* dst = imm; dst = src; dst += imm (64-bit) */
#define INSN_MOV64_IMM(DST, IMM) INSN(RT_BPF_ALU64 | RT_BPF_MOV | RT_BPF_K, DST, 0, 0, IMM)
#define INSN_MOV64_REG(DST, SRC) INSN(RT_BPF_ALU64 | RT_BPF_MOV | RT_BPF_X, DST, SRC, 0, 0)
#define INSN_ADD64_IMM(DST, IMM) INSN(RT_BPF_ALU64 | RT_BPF_ADD | RT_BPF_K, DST, 0, 0, IMM)
/* dst = *(u64 *)(src + off) */
#define INSN_LDX_DW(DST, SRC, OFF) INSN(RT_BPF_LDX | RT_BPF_MEM | RT_BPF_DW, DST, SRC, OFF, 0)
/* call bpf_NAME (an enum rt_bpf_func); exit */
#define INSN_CALL(NAME) INSN(RT_BPF_JMP | RT_BPF_CALL, 0, 0, 0, RT_BPF_FUNC_##NAME)
#define INSN_EXIT() INSN(RT_BPF_JMP | RT_BPF_EXIT, 0, 0, 0, 0)

/* the frame pointer register (r10) */
#define INSN_FP 10

#endif
