// The rest of an exec entry program (included after EXEC_ENTER, once per
// program: labels are per program).
fname_empty:
	*(u8 *)(r7 + EXEC_OFF_DATA) = 0
fname_ok:
	r9 = *(u64 *)(r6 + field(argv))
	ARG(0)
	ARG(1)
	ARG(2)
	ARG(3)
	ARG(4)
	ARG(5)
	ARG(6)
	ARG(7)
	ARG(8)
	ARG(9)
	ARG(10)
	ARG(11)
	ARG(12)
	ARG(13)
	ARG(14)
	ARG(15)
	// 16 captured: is there a 17th?
	r3 = r9
	r3 += EXEC_ARGS_MAX * 8
	r1 = r10
	r1 += -8
	r2 = 8
	READ_USER
	if r0 != 0 goto args_done
	r3 = *(u64 *)(r10 - 8)
	if r3 == 0 goto args_done
args_trunc:
	r1 = EXEC_F_ARGS_TRUNC
	*(u32 *)(r7 + EV_OFF_FLAGS) = r1
args_done:
	*(u16 *)(r7 + EXEC_OFF_DLEN) = r8
	call bpf_get_current_pid_tgid
	*(u64 *)(r10 - 16) = r0
	r1 = exec_pending ll
	r2 = r10
	r2 += -16
	r3 = r7
	r4 = RT_BPF_ANY
	call bpf_map_update_elem
out:
	r0 = 0
	exit
