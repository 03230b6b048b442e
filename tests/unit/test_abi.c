/* Our vendor-headers/ ABI definitions against the host's kernel UAPI
 * headers: every constant and layout we define that the host also defines
 * must match. The build of rawtel never includes these host headers; this
 * test is the only place they meet. Constants newer than the host's headers
 * are checked under #ifdef. */
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <asm/ptrace.h>
#include <stddef.h>
#include <stdint.h>

#include "rt_bpf.h"
#include "rt_bpf_helpers.h"
#include "rt_perf.h"
#include "rt_ptrace.h"
#include "t.h"

#define EQ(ours, theirs) T_EQ_INT(ours, theirs)

static void test_bpf_commands(void)
{
	EQ(RT_BPF_MAP_CREATE, BPF_MAP_CREATE);
	EQ(RT_BPF_MAP_LOOKUP_ELEM, BPF_MAP_LOOKUP_ELEM);
	EQ(RT_BPF_MAP_UPDATE_ELEM, BPF_MAP_UPDATE_ELEM);
	EQ(RT_BPF_MAP_DELETE_ELEM, BPF_MAP_DELETE_ELEM);
	EQ(RT_BPF_MAP_GET_NEXT_KEY, BPF_MAP_GET_NEXT_KEY);
	EQ(RT_BPF_PROG_LOAD, BPF_PROG_LOAD);
	EQ(RT_BPF_OBJ_PIN, BPF_OBJ_PIN);
	EQ(RT_BPF_OBJ_GET, BPF_OBJ_GET);
	EQ(RT_BPF_PROG_TEST_RUN, BPF_PROG_TEST_RUN);
	EQ(RT_BPF_OBJ_GET_INFO_BY_FD, BPF_OBJ_GET_INFO_BY_FD);
	EQ(RT_BPF_RAW_TRACEPOINT_OPEN, BPF_RAW_TRACEPOINT_OPEN);
	EQ(RT_BPF_MAP_LOOKUP_AND_DELETE_ELEM, BPF_MAP_LOOKUP_AND_DELETE_ELEM);
	EQ(RT_BPF_MAP_LOOKUP_BATCH, BPF_MAP_LOOKUP_BATCH);
	EQ(RT_BPF_LINK_CREATE, BPF_LINK_CREATE);
	EQ(RT_BPF_LINK_DETACH, BPF_LINK_DETACH);
	EQ(RT_BPF_ENABLE_STATS, BPF_ENABLE_STATS);
	EQ(RT_BPF_STATS_RUN_TIME, BPF_STATS_RUN_TIME);
#ifdef __NR_bpf
	EQ(RT_NR_bpf, __NR_bpf);
#endif
#ifdef __NR_perf_event_open
	EQ(RT_NR_perf_event_open, __NR_perf_event_open);
#endif
}

static void test_bpf_types(void)
{
	EQ(RT_BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_HASH);
	EQ(RT_BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_ARRAY);
	EQ(RT_BPF_MAP_TYPE_PROG_ARRAY, BPF_MAP_TYPE_PROG_ARRAY);
	EQ(RT_BPF_MAP_TYPE_PERF_EVENT_ARRAY, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	EQ(RT_BPF_MAP_TYPE_PERCPU_HASH, BPF_MAP_TYPE_PERCPU_HASH);
	EQ(RT_BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_PERCPU_ARRAY);
	EQ(RT_BPF_MAP_TYPE_STACK_TRACE, BPF_MAP_TYPE_STACK_TRACE);
	EQ(RT_BPF_MAP_TYPE_LRU_HASH, BPF_MAP_TYPE_LRU_HASH);
	EQ(RT_BPF_MAP_TYPE_LRU_PERCPU_HASH, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	EQ(RT_BPF_MAP_TYPE_LPM_TRIE, BPF_MAP_TYPE_LPM_TRIE);
	EQ(RT_BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_QUEUE);
	EQ(RT_BPF_MAP_TYPE_RINGBUF, BPF_MAP_TYPE_RINGBUF);
	EQ(RT_BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_SOCKET_FILTER);
	EQ(RT_BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_KPROBE);
	EQ(RT_BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT);
	EQ(RT_BPF_PROG_TYPE_PERF_EVENT, BPF_PROG_TYPE_PERF_EVENT);
	EQ(RT_BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_PROG_TYPE_RAW_TRACEPOINT);
	EQ(RT_BPF_TRACE_RAW_TP, BPF_TRACE_RAW_TP);
	EQ(RT_BPF_PERF_EVENT, BPF_PERF_EVENT);
	EQ(RT_BPF_F_NO_PREALLOC, BPF_F_NO_PREALLOC);
	EQ(RT_BPF_F_RDONLY_PROG, BPF_F_RDONLY_PROG);
	EQ(RT_BPF_F_MMAPABLE, BPF_F_MMAPABLE);
	EQ(RT_BPF_ANY, BPF_ANY);
	EQ(RT_BPF_NOEXIST, BPF_NOEXIST);
	EQ(RT_BPF_EXIST, BPF_EXIST);
	EQ(RT_BPF_F_INDEX_MASK, BPF_F_INDEX_MASK);
	EQ(RT_BPF_F_CURRENT_CPU, BPF_F_CURRENT_CPU);
	EQ(RT_BPF_RB_NO_WAKEUP, BPF_RB_NO_WAKEUP);
	EQ(RT_BPF_RB_FORCE_WAKEUP, BPF_RB_FORCE_WAKEUP);
	EQ(RT_BPF_OBJ_NAME_LEN, BPF_OBJ_NAME_LEN);
	EQ(RT_BPF_TAG_SIZE, BPF_TAG_SIZE);
	EQ(RT_BPF_RINGBUF_BUSY_BIT, BPF_RINGBUF_BUSY_BIT);
	EQ(RT_BPF_RINGBUF_DISCARD_BIT, BPF_RINGBUF_DISCARD_BIT);
	EQ(RT_BPF_RINGBUF_HDR_SZ, BPF_RINGBUF_HDR_SZ);
}

static void test_insn_encoding(void)
{
	EQ(sizeof(struct rt_bpf_insn), sizeof(struct bpf_insn));
	EQ(RT_BPF_LD, BPF_LD);
	EQ(RT_BPF_LDX, BPF_LDX);
	EQ(RT_BPF_ST, BPF_ST);
	EQ(RT_BPF_STX, BPF_STX);
	EQ(RT_BPF_ALU, BPF_ALU);
	EQ(RT_BPF_JMP, BPF_JMP);
	EQ(RT_BPF_JMP32, BPF_JMP32);
	EQ(RT_BPF_ALU64, BPF_ALU64);
	EQ(RT_BPF_W, BPF_W);
	EQ(RT_BPF_H, BPF_H);
	EQ(RT_BPF_B, BPF_B);
	EQ(RT_BPF_DW, BPF_DW);
	EQ(RT_BPF_IMM, BPF_IMM);
	EQ(RT_BPF_ABS, BPF_ABS);
	EQ(RT_BPF_IND, BPF_IND);
	EQ(RT_BPF_MEM, BPF_MEM);
#ifdef BPF_MEMSX
	EQ(RT_BPF_MEMSX, BPF_MEMSX);
#endif
	EQ(RT_BPF_ATOMIC, BPF_ATOMIC);
	EQ(RT_BPF_ADD, BPF_ADD);
	EQ(RT_BPF_SUB, BPF_SUB);
	EQ(RT_BPF_MUL, BPF_MUL);
	EQ(RT_BPF_DIV, BPF_DIV);
	EQ(RT_BPF_OR, BPF_OR);
	EQ(RT_BPF_AND, BPF_AND);
	EQ(RT_BPF_LSH, BPF_LSH);
	EQ(RT_BPF_RSH, BPF_RSH);
	EQ(RT_BPF_NEG, BPF_NEG);
	EQ(RT_BPF_MOD, BPF_MOD);
	EQ(RT_BPF_XOR, BPF_XOR);
	EQ(RT_BPF_MOV, BPF_MOV);
	EQ(RT_BPF_ARSH, BPF_ARSH);
	EQ(RT_BPF_END, BPF_END);
	EQ(RT_BPF_JA, BPF_JA);
	EQ(RT_BPF_JEQ, BPF_JEQ);
	EQ(RT_BPF_JGT, BPF_JGT);
	EQ(RT_BPF_JGE, BPF_JGE);
	EQ(RT_BPF_JSET, BPF_JSET);
	EQ(RT_BPF_JNE, BPF_JNE);
	EQ(RT_BPF_JSGT, BPF_JSGT);
	EQ(RT_BPF_JSGE, BPF_JSGE);
	EQ(RT_BPF_CALL, BPF_CALL);
	EQ(RT_BPF_EXIT, BPF_EXIT);
	EQ(RT_BPF_JLT, BPF_JLT);
	EQ(RT_BPF_JLE, BPF_JLE);
	EQ(RT_BPF_JSLT, BPF_JSLT);
	EQ(RT_BPF_JSLE, BPF_JSLE);
	EQ(RT_BPF_K, BPF_K);
	EQ(RT_BPF_X, BPF_X);
	EQ(RT_BPF_TO_LE, BPF_TO_LE);
	EQ(RT_BPF_TO_BE, BPF_TO_BE);
	EQ(RT_BPF_FETCH, BPF_FETCH);
	EQ(RT_BPF_XCHG, BPF_XCHG);
	EQ(RT_BPF_CMPXCHG, BPF_CMPXCHG);
	EQ(RT_BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_FD);
	EQ(RT_BPF_PSEUDO_MAP_VALUE, BPF_PSEUDO_MAP_VALUE);
	EQ(RT_BPF_PSEUDO_BTF_ID, BPF_PSEUDO_BTF_ID);
	EQ(RT_BPF_PSEUDO_FUNC, BPF_PSEUDO_FUNC);
	EQ(RT_BPF_PSEUDO_CALL, BPF_PSEUDO_CALL);
	EQ(RT_BPF_PSEUDO_KFUNC_CALL, BPF_PSEUDO_KFUNC_CALL);
#ifdef BPF_PSEUDO_MAP_IDX
	EQ(RT_BPF_PSEUDO_MAP_IDX, BPF_PSEUDO_MAP_IDX);
	EQ(RT_BPF_PSEUDO_MAP_IDX_VALUE, BPF_PSEUDO_MAP_IDX_VALUE);
#endif
	EQ(RT_BPF_MAXINSNS, BPF_MAXINSNS);

	/* bitfield order of dst_reg/src_reg within byte 1 */
	struct bpf_insn k = { .dst_reg = 3, .src_reg = 7 };
	struct rt_bpf_insn o = { .dst_reg = 3, .src_reg = 7 };
	T_CHECK(memcmp(&k, &o, sizeof(k)) == 0);
}

/* One row per field: its offset in ours and in the host's struct. */
struct off_case { const char *field; size_t ours, host; };
#define ATTR(view, f)                                                       \
	{ #view "." #f, offsetof(struct rt_bpf_##view##_attr, f),           \
	  offsetof(union bpf_attr, f) }
#define ATTR_IN(view, member, f)                                            \
	{ #view "." #f, offsetof(struct rt_bpf_##view##_attr, f),           \
	  offsetof(union bpf_attr, member.f) }
#define SAME(host_t, f)                                                     \
	{ #host_t "." #f, offsetof(struct rt_##host_t, f),                  \
	  offsetof(struct host_t, f) }

static void offs_eq(const struct off_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].ours != c[i].host)
			T_FAILF("%s: ours at %zu, host at %zu", c[i].field,
				c[i].ours, c[i].host);
}
#define OFFS_EQ(cases) offs_eq(cases, sizeof(cases) / sizeof(cases[0]))

/* Our per-command attr structs are views of the host's union bpf_attr:
 * fields at its top level, then fields inside one of its named members. */
static const struct off_case attr_offs[] = {
	ATTR(map_create, map_type),
	ATTR(map_create, key_size),
	ATTR(map_create, value_size),
	ATTR(map_create, max_entries),
	ATTR(map_create, map_flags),
	ATTR(map_create, inner_map_fd),
	ATTR(map_create, numa_node),
	ATTR(map_create, map_name),
	ATTR(map_create, map_ifindex),
	ATTR(map_create, btf_fd),
	ATTR(map_create, btf_vmlinux_value_type_id),
	ATTR(map_create, map_extra),
	ATTR(map_elem, map_fd),
	ATTR(map_elem, key),
	ATTR(map_elem, value),
	ATTR(map_elem, flags),
	ATTR(prog_load, prog_type),
	ATTR(prog_load, insn_cnt),
	ATTR(prog_load, insns),
	ATTR(prog_load, license),
	ATTR(prog_load, log_level),
	ATTR(prog_load, log_size),
	ATTR(prog_load, log_buf),
	ATTR(prog_load, kern_version),
	ATTR(prog_load, prog_flags),
	ATTR(prog_load, prog_name),
	ATTR(prog_load, prog_ifindex),
	ATTR(prog_load, expected_attach_type),
};

static const struct off_case attr_member_offs[] = {
	ATTR_IN(map_batch, batch, in_batch),
	ATTR_IN(map_batch, batch, out_batch),
	ATTR_IN(map_batch, batch, keys),
	ATTR_IN(map_batch, batch, values),
	ATTR_IN(map_batch, batch, count),
	ATTR_IN(map_batch, batch, map_fd),
	ATTR_IN(map_batch, batch, elem_flags),
	ATTR_IN(map_batch, batch, flags),
	ATTR_IN(obj_info, info, bpf_fd),
	ATTR_IN(obj_info, info, info_len),
	ATTR_IN(obj_info, info, info),
	ATTR_IN(raw_tp, raw_tracepoint, name),
	ATTR_IN(raw_tp, raw_tracepoint, prog_fd),
	ATTR_IN(link_create, link_create, prog_fd),
	ATTR_IN(link_create, link_create, target_fd),
	ATTR_IN(link_create, link_create, attach_type),
	ATTR_IN(link_create, link_create, flags),
	ATTR_IN(link_create, link_create.perf_event, bpf_cookie),
};

static const struct off_case prog_info_offs[] = {
	SAME(bpf_prog_info, type),
	SAME(bpf_prog_info, id),
	SAME(bpf_prog_info, tag),
	SAME(bpf_prog_info, xlated_prog_len),
	SAME(bpf_prog_info, load_time),
	SAME(bpf_prog_info, nr_map_ids),
	SAME(bpf_prog_info, map_ids),
	SAME(bpf_prog_info, name),
	SAME(bpf_prog_info, netns_dev),
	SAME(bpf_prog_info, jited_ksyms),
	SAME(bpf_prog_info, func_info),
	SAME(bpf_prog_info, nr_prog_tags),
	SAME(bpf_prog_info, prog_tags),
	SAME(bpf_prog_info, run_time_ns),
	SAME(bpf_prog_info, run_cnt),
	SAME(bpf_prog_info, recursion_misses),
};

static void test_attr_layouts(void)
{
	OFFS_EQ(attr_offs);
	OFFS_EQ(attr_member_offs);
	OFFS_EQ(prog_info_offs);
}

/* Every helper the host knows must have the same id in our list. */
struct helper_ent { int id; const char *name; };
#define OUR_HELPER(id, name) { id, #name },
static const struct helper_ent our_helpers[] = { RT_BPF_HELPERS(OUR_HELPER) };

static int our_helper_id(const char *name)
{
	for (size_t i = 0; i < sizeof(our_helpers) / sizeof(our_helpers[0]); i++)
		if (!strcmp(our_helpers[i].name, name))
			return our_helpers[i].id;
	return -1;
}

#ifdef ___BPF_FUNC_MAPPER
#define HOST_HELPER(name, id, ctx) { id, #name },
static const struct helper_ent host_helpers[] = { ___BPF_FUNC_MAPPER(HOST_HELPER, ) };
#else
#define HOST_HELPER(name) { BPF_FUNC_##name, #name }
static const struct helper_ent host_helpers[] = { __BPF_FUNC_MAPPER(HOST_HELPER) };
#endif

static void test_helper_ids(void)
{
	size_t n = sizeof(host_helpers) / sizeof(host_helpers[0]), checked = 0;

	for (size_t i = 0; i < n; i++) {
		if (host_helpers[i].id == 0)
			continue;	/* "unspec" */
		int ours = our_helper_id(host_helpers[i].name);
		if (ours != host_helpers[i].id)
			T_FAILF("helper %s: ours %d, host %d", host_helpers[i].name,
				ours, host_helpers[i].id);
		checked++;
	}
	T_CHECK(checked >= 200, "host header lists too few helpers");
	/* ids are dense and unique in our list */
	for (size_t i = 0; i < sizeof(our_helpers) / sizeof(our_helpers[0]); i++)
		T_EQ_INT(our_helpers[i].id, (int)i + 1);
}

static const struct off_case perf_event_attr_offs[] = {
	SAME(perf_event_attr, type),
	SAME(perf_event_attr, size),
	SAME(perf_event_attr, config),
	SAME(perf_event_attr, sample_period),
	SAME(perf_event_attr, sample_type),
	SAME(perf_event_attr, read_format),
	SAME(perf_event_attr, wakeup_events),
	SAME(perf_event_attr, bp_type),
	SAME(perf_event_attr, config1),
	SAME(perf_event_attr, config2),
	SAME(perf_event_attr, branch_sample_type),
	SAME(perf_event_attr, sample_regs_user),
	SAME(perf_event_attr, sample_stack_user),
	SAME(perf_event_attr, clockid),
	SAME(perf_event_attr, sample_regs_intr),
	SAME(perf_event_attr, aux_watermark),
	SAME(perf_event_attr, sample_max_stack),
	SAME(perf_event_attr, aux_sample_size),
	SAME(perf_event_attr, sig_data),
};

static const struct off_case perf_event_mmap_page_offs[] = {
	SAME(perf_event_mmap_page, data_head),
	SAME(perf_event_mmap_page, data_tail),
	SAME(perf_event_mmap_page, data_offset),
	SAME(perf_event_mmap_page, data_size),
	SAME(perf_event_mmap_page, aux_size),
	SAME(perf_event_mmap_page, time_mask),
};

static const struct off_case perf_event_header_offs[] = {
	SAME(perf_event_header, misc),
	SAME(perf_event_header, size),
};

static void test_perf_abi(void)
{
	EQ(RT_PERF_TYPE_HARDWARE, PERF_TYPE_HARDWARE);
	EQ(RT_PERF_TYPE_SOFTWARE, PERF_TYPE_SOFTWARE);
	EQ(RT_PERF_TYPE_TRACEPOINT, PERF_TYPE_TRACEPOINT);
	EQ(RT_PERF_TYPE_HW_CACHE, PERF_TYPE_HW_CACHE);
	EQ(RT_PERF_TYPE_RAW, PERF_TYPE_RAW);
	EQ(RT_PERF_TYPE_BREAKPOINT, PERF_TYPE_BREAKPOINT);
	EQ(RT_PERF_COUNT_SW_CPU_CLOCK, PERF_COUNT_SW_CPU_CLOCK);
	EQ(RT_PERF_COUNT_SW_DUMMY, PERF_COUNT_SW_DUMMY);
	EQ(RT_PERF_COUNT_SW_BPF_OUTPUT, PERF_COUNT_SW_BPF_OUTPUT);
	EQ(RT_PERF_SAMPLE_IP, PERF_SAMPLE_IP);
	EQ(RT_PERF_SAMPLE_TID, PERF_SAMPLE_TID);
	EQ(RT_PERF_SAMPLE_TIME, PERF_SAMPLE_TIME);
	EQ(RT_PERF_SAMPLE_CPU, PERF_SAMPLE_CPU);
	EQ(RT_PERF_SAMPLE_RAW, PERF_SAMPLE_RAW);
	EQ(RT_PERF_FLAG_FD_CLOEXEC, PERF_FLAG_FD_CLOEXEC);
	EQ(RT_PERF_IOC_ENABLE, PERF_EVENT_IOC_ENABLE);
	EQ(RT_PERF_IOC_DISABLE, PERF_EVENT_IOC_DISABLE);
	EQ(RT_PERF_IOC_SET_BPF, PERF_EVENT_IOC_SET_BPF);
	EQ(RT_PERF_RECORD_LOST, PERF_RECORD_LOST);
	EQ(RT_PERF_RECORD_SAMPLE, PERF_RECORD_SAMPLE);

	OFFS_EQ(perf_event_attr_offs);
	EQ(sizeof(struct rt_perf_event_attr), PERF_ATTR_SIZE_VER7);

	/* flag bits: set each named bitfield in the host struct and find the
	 * bit we number it with */
	struct perf_event_attr h;
	uint64_t v;
#define BIT_EQ(field, bit)                                                  \
	do {                                                                \
		memset(&h, 0, sizeof(h));                                   \
		h.field = 1;                                                \
		memcpy(&v, (char *)&h + offsetof(struct rt_perf_event_attr, flags), 8); \
		T_EQ_INT(v, 1ULL << (bit));                                 \
	} while (0)
	BIT_EQ(disabled, RT_PERF_ATTR_DISABLED);
	BIT_EQ(inherit, RT_PERF_ATTR_INHERIT);
	BIT_EQ(exclude_user, RT_PERF_ATTR_EXCLUDE_USER);
	BIT_EQ(exclude_kernel, RT_PERF_ATTR_EXCLUDE_KERNEL);
	BIT_EQ(freq, RT_PERF_ATTR_FREQ);
	BIT_EQ(enable_on_exec, RT_PERF_ATTR_ENABLE_ON_EXEC);
	BIT_EQ(watermark, RT_PERF_ATTR_WATERMARK);
	BIT_EQ(sample_id_all, RT_PERF_ATTR_SAMPLE_ID_ALL);
	BIT_EQ(use_clockid, RT_PERF_ATTR_USE_CLOCKID);

	OFFS_EQ(perf_event_mmap_page_offs);
	EQ(RT_PERF_MMAP_DATA_HEAD_OFF, offsetof(struct perf_event_mmap_page, data_head));
	EQ(sizeof(struct rt_perf_event_header), sizeof(struct perf_event_header));
	OFFS_EQ(perf_event_header_offs);
}

#if defined(__x86_64__)
static void test_pt_regs(void)
{
	EQ(PT_REGS_R15, offsetof(struct pt_regs, r15));
	EQ(PT_REGS_R14, offsetof(struct pt_regs, r14));
	EQ(PT_REGS_R13, offsetof(struct pt_regs, r13));
	EQ(PT_REGS_R12, offsetof(struct pt_regs, r12));
	EQ(PT_REGS_BP, offsetof(struct pt_regs, rbp));
	EQ(PT_REGS_BX, offsetof(struct pt_regs, rbx));
	EQ(PT_REGS_R11, offsetof(struct pt_regs, r11));
	EQ(PT_REGS_R10, offsetof(struct pt_regs, r10));
	EQ(PT_REGS_R9, offsetof(struct pt_regs, r9));
	EQ(PT_REGS_R8, offsetof(struct pt_regs, r8));
	EQ(PT_REGS_AX, offsetof(struct pt_regs, rax));
	EQ(PT_REGS_CX, offsetof(struct pt_regs, rcx));
	EQ(PT_REGS_DX, offsetof(struct pt_regs, rdx));
	EQ(PT_REGS_SI, offsetof(struct pt_regs, rsi));
	EQ(PT_REGS_DI, offsetof(struct pt_regs, rdi));
	EQ(PT_REGS_ORIG_AX, offsetof(struct pt_regs, orig_rax));
	EQ(PT_REGS_IP, offsetof(struct pt_regs, rip));
	EQ(PT_REGS_CS, offsetof(struct pt_regs, cs));
	EQ(PT_REGS_FLAGS, offsetof(struct pt_regs, eflags));
	EQ(PT_REGS_SP, offsetof(struct pt_regs, rsp));
	EQ(PT_REGS_SS, offsetof(struct pt_regs, ss));
	EQ(PT_REGS_SIZE, sizeof(struct pt_regs));
	/* the syscall convention's 4th argument is r10, the functions' rcx */
	EQ(PT_REGS_SYSCALL_ARG4, offsetof(struct pt_regs, r10));
	EQ(PT_REGS_ARG4, offsetof(struct pt_regs, rcx));
	EQ(PT_REGS_SYSCALL_ARG1, offsetof(struct pt_regs, rdi));
	EQ(PT_REGS_RET, offsetof(struct pt_regs, rax));
}
#elif defined(__aarch64__)
static void test_pt_regs(void)
{
	for (int i = 0; i < 31; i++)
		EQ(PT_REGS_X(i), offsetof(struct user_pt_regs, regs[i]));
	EQ(PT_REGS_SP, offsetof(struct user_pt_regs, sp));
	EQ(PT_REGS_PC, offsetof(struct user_pt_regs, pc));
	EQ(PT_REGS_PSTATE, offsetof(struct user_pt_regs, pstate));
	/* the kernel's pt_regs begins with user_pt_regs; orig_x0 follows */
	EQ(PT_REGS_ORIG_X0, sizeof(struct user_pt_regs));
	/* at a syscall's exit x0 holds the result: the first argument is in
	 * orig_x0 */
	EQ(PT_REGS_SYSCALL_ARG1, PT_REGS_ORIG_X0);
	EQ(PT_REGS_SYSCALL_ARG2, offsetof(struct user_pt_regs, regs[1]));
	EQ(PT_REGS_ARG1, offsetof(struct user_pt_regs, regs[0]));
	EQ(PT_REGS_RET, offsetof(struct user_pt_regs, regs[0]));
}
#endif

int main(void)
{
	T_RUN(test_bpf_commands);
	T_RUN(test_bpf_types);
	T_RUN(test_insn_encoding);
	T_RUN(test_attr_layouts);
	T_RUN(test_helper_ids);
	T_RUN(test_perf_abi);
	T_RUN(test_pt_regs);
	return t_done();
}
