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
#define OFF_EQ(ours_t, ours_f, theirs_t, theirs_f)                           \
	T_EQ_INT(offsetof(ours_t, ours_f), offsetof(theirs_t, theirs_f))

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

static void test_attr_layouts(void)
{
	OFF_EQ(struct rt_bpf_map_create_attr, map_type, union bpf_attr, map_type);
	OFF_EQ(struct rt_bpf_map_create_attr, key_size, union bpf_attr, key_size);
	OFF_EQ(struct rt_bpf_map_create_attr, value_size, union bpf_attr, value_size);
	OFF_EQ(struct rt_bpf_map_create_attr, max_entries, union bpf_attr, max_entries);
	OFF_EQ(struct rt_bpf_map_create_attr, map_flags, union bpf_attr, map_flags);
	OFF_EQ(struct rt_bpf_map_create_attr, inner_map_fd, union bpf_attr, inner_map_fd);
	OFF_EQ(struct rt_bpf_map_create_attr, numa_node, union bpf_attr, numa_node);
	OFF_EQ(struct rt_bpf_map_create_attr, map_name, union bpf_attr, map_name);
	OFF_EQ(struct rt_bpf_map_create_attr, map_ifindex, union bpf_attr, map_ifindex);
	OFF_EQ(struct rt_bpf_map_create_attr, btf_fd, union bpf_attr, btf_fd);
	OFF_EQ(struct rt_bpf_map_create_attr, btf_vmlinux_value_type_id, union bpf_attr, btf_vmlinux_value_type_id);
	OFF_EQ(struct rt_bpf_map_create_attr, map_extra, union bpf_attr, map_extra);

	OFF_EQ(struct rt_bpf_map_elem_attr, map_fd, union bpf_attr, map_fd);
	OFF_EQ(struct rt_bpf_map_elem_attr, key, union bpf_attr, key);
	OFF_EQ(struct rt_bpf_map_elem_attr, value, union bpf_attr, value);
	OFF_EQ(struct rt_bpf_map_elem_attr, flags, union bpf_attr, flags);

	OFF_EQ(struct rt_bpf_map_batch_attr, in_batch, union bpf_attr, batch.in_batch);
	OFF_EQ(struct rt_bpf_map_batch_attr, out_batch, union bpf_attr, batch.out_batch);
	OFF_EQ(struct rt_bpf_map_batch_attr, keys, union bpf_attr, batch.keys);
	OFF_EQ(struct rt_bpf_map_batch_attr, values, union bpf_attr, batch.values);
	OFF_EQ(struct rt_bpf_map_batch_attr, count, union bpf_attr, batch.count);
	OFF_EQ(struct rt_bpf_map_batch_attr, map_fd, union bpf_attr, batch.map_fd);
	OFF_EQ(struct rt_bpf_map_batch_attr, elem_flags, union bpf_attr, batch.elem_flags);
	OFF_EQ(struct rt_bpf_map_batch_attr, flags, union bpf_attr, batch.flags);

	OFF_EQ(struct rt_bpf_prog_load_attr, prog_type, union bpf_attr, prog_type);
	OFF_EQ(struct rt_bpf_prog_load_attr, insn_cnt, union bpf_attr, insn_cnt);
	OFF_EQ(struct rt_bpf_prog_load_attr, insns, union bpf_attr, insns);
	OFF_EQ(struct rt_bpf_prog_load_attr, license, union bpf_attr, license);
	OFF_EQ(struct rt_bpf_prog_load_attr, log_level, union bpf_attr, log_level);
	OFF_EQ(struct rt_bpf_prog_load_attr, log_size, union bpf_attr, log_size);
	OFF_EQ(struct rt_bpf_prog_load_attr, log_buf, union bpf_attr, log_buf);
	OFF_EQ(struct rt_bpf_prog_load_attr, kern_version, union bpf_attr, kern_version);
	OFF_EQ(struct rt_bpf_prog_load_attr, prog_flags, union bpf_attr, prog_flags);
	OFF_EQ(struct rt_bpf_prog_load_attr, prog_name, union bpf_attr, prog_name);
	OFF_EQ(struct rt_bpf_prog_load_attr, prog_ifindex, union bpf_attr, prog_ifindex);
	OFF_EQ(struct rt_bpf_prog_load_attr, expected_attach_type, union bpf_attr, expected_attach_type);

	OFF_EQ(struct rt_bpf_obj_info_attr, bpf_fd, union bpf_attr, info.bpf_fd);
	OFF_EQ(struct rt_bpf_obj_info_attr, info_len, union bpf_attr, info.info_len);
	OFF_EQ(struct rt_bpf_obj_info_attr, info, union bpf_attr, info.info);

	OFF_EQ(struct rt_bpf_raw_tp_attr, name, union bpf_attr, raw_tracepoint.name);
	OFF_EQ(struct rt_bpf_raw_tp_attr, prog_fd, union bpf_attr, raw_tracepoint.prog_fd);

	OFF_EQ(struct rt_bpf_link_create_attr, prog_fd, union bpf_attr, link_create.prog_fd);
	OFF_EQ(struct rt_bpf_link_create_attr, target_fd, union bpf_attr, link_create.target_fd);
	OFF_EQ(struct rt_bpf_link_create_attr, attach_type, union bpf_attr, link_create.attach_type);
	OFF_EQ(struct rt_bpf_link_create_attr, flags, union bpf_attr, link_create.flags);
	OFF_EQ(struct rt_bpf_link_create_attr, bpf_cookie, union bpf_attr, link_create.perf_event.bpf_cookie);

	OFF_EQ(struct rt_bpf_prog_info, type, struct bpf_prog_info, type);
	OFF_EQ(struct rt_bpf_prog_info, id, struct bpf_prog_info, id);
	OFF_EQ(struct rt_bpf_prog_info, tag, struct bpf_prog_info, tag);
	OFF_EQ(struct rt_bpf_prog_info, xlated_prog_len, struct bpf_prog_info, xlated_prog_len);
	OFF_EQ(struct rt_bpf_prog_info, load_time, struct bpf_prog_info, load_time);
	OFF_EQ(struct rt_bpf_prog_info, nr_map_ids, struct bpf_prog_info, nr_map_ids);
	OFF_EQ(struct rt_bpf_prog_info, map_ids, struct bpf_prog_info, map_ids);
	OFF_EQ(struct rt_bpf_prog_info, name, struct bpf_prog_info, name);
	OFF_EQ(struct rt_bpf_prog_info, netns_dev, struct bpf_prog_info, netns_dev);
	OFF_EQ(struct rt_bpf_prog_info, jited_ksyms, struct bpf_prog_info, jited_ksyms);
	OFF_EQ(struct rt_bpf_prog_info, func_info, struct bpf_prog_info, func_info);
	OFF_EQ(struct rt_bpf_prog_info, nr_prog_tags, struct bpf_prog_info, nr_prog_tags);
	OFF_EQ(struct rt_bpf_prog_info, prog_tags, struct bpf_prog_info, prog_tags);
	OFF_EQ(struct rt_bpf_prog_info, run_time_ns, struct bpf_prog_info, run_time_ns);
	OFF_EQ(struct rt_bpf_prog_info, run_cnt, struct bpf_prog_info, run_cnt);
	OFF_EQ(struct rt_bpf_prog_info, recursion_misses, struct bpf_prog_info, recursion_misses);
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

	OFF_EQ(struct rt_perf_event_attr, type, struct perf_event_attr, type);
	OFF_EQ(struct rt_perf_event_attr, size, struct perf_event_attr, size);
	OFF_EQ(struct rt_perf_event_attr, config, struct perf_event_attr, config);
	OFF_EQ(struct rt_perf_event_attr, sample_period, struct perf_event_attr, sample_period);
	OFF_EQ(struct rt_perf_event_attr, sample_type, struct perf_event_attr, sample_type);
	OFF_EQ(struct rt_perf_event_attr, read_format, struct perf_event_attr, read_format);
	OFF_EQ(struct rt_perf_event_attr, wakeup_events, struct perf_event_attr, wakeup_events);
	OFF_EQ(struct rt_perf_event_attr, bp_type, struct perf_event_attr, bp_type);
	OFF_EQ(struct rt_perf_event_attr, config1, struct perf_event_attr, config1);
	OFF_EQ(struct rt_perf_event_attr, config2, struct perf_event_attr, config2);
	OFF_EQ(struct rt_perf_event_attr, branch_sample_type, struct perf_event_attr, branch_sample_type);
	OFF_EQ(struct rt_perf_event_attr, sample_regs_user, struct perf_event_attr, sample_regs_user);
	OFF_EQ(struct rt_perf_event_attr, sample_stack_user, struct perf_event_attr, sample_stack_user);
	OFF_EQ(struct rt_perf_event_attr, clockid, struct perf_event_attr, clockid);
	OFF_EQ(struct rt_perf_event_attr, sample_regs_intr, struct perf_event_attr, sample_regs_intr);
	OFF_EQ(struct rt_perf_event_attr, aux_watermark, struct perf_event_attr, aux_watermark);
	OFF_EQ(struct rt_perf_event_attr, sample_max_stack, struct perf_event_attr, sample_max_stack);
	OFF_EQ(struct rt_perf_event_attr, aux_sample_size, struct perf_event_attr, aux_sample_size);
	OFF_EQ(struct rt_perf_event_attr, sig_data, struct perf_event_attr, sig_data);
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

	OFF_EQ(struct rt_perf_event_mmap_page, data_head, struct perf_event_mmap_page, data_head);
	OFF_EQ(struct rt_perf_event_mmap_page, data_tail, struct perf_event_mmap_page, data_tail);
	OFF_EQ(struct rt_perf_event_mmap_page, data_offset, struct perf_event_mmap_page, data_offset);
	OFF_EQ(struct rt_perf_event_mmap_page, data_size, struct perf_event_mmap_page, data_size);
	OFF_EQ(struct rt_perf_event_mmap_page, aux_size, struct perf_event_mmap_page, aux_size);
	OFF_EQ(struct rt_perf_event_mmap_page, time_mask, struct perf_event_mmap_page, time_mask);
	EQ(RT_PERF_MMAP_DATA_HEAD_OFF, offsetof(struct perf_event_mmap_page, data_head));
	EQ(sizeof(struct rt_perf_event_header), sizeof(struct perf_event_header));
	OFF_EQ(struct rt_perf_event_header, misc, struct perf_event_header, misc);
	OFF_EQ(struct rt_perf_event_header, size, struct perf_event_header, size);
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
