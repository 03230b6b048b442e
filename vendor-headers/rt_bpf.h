/* Minimal BPF ABI for rawtel: bpf(2) commands, the attr layouts of the
 * commands we issue, instruction encoding, map/program/attach types, flags
 * and the BPF ring buffer record header. Written from the kernel's stable
 * user ABI (the numbers are facts of that ABI), with an RT_ prefix so a test
 * can include the host's <linux/bpf.h> next to it and compare every value
 * (tests/unit/test_abi.c). Usable from C and from kern/ assembly (cpp). */
#ifndef RT_BPF_ABI_H
#define RT_BPF_ABI_H

/* ---- bpf(2) commands ------------------------------------------------- */
#define RT_BPF_MAP_CREATE		0
#define RT_BPF_MAP_LOOKUP_ELEM		1
#define RT_BPF_MAP_UPDATE_ELEM		2
#define RT_BPF_MAP_DELETE_ELEM		3
#define RT_BPF_MAP_GET_NEXT_KEY		4
#define RT_BPF_PROG_LOAD		5
#define RT_BPF_OBJ_PIN			6
#define RT_BPF_OBJ_GET			7
#define RT_BPF_PROG_TEST_RUN		10
#define RT_BPF_OBJ_GET_INFO_BY_FD	15
#define RT_BPF_RAW_TRACEPOINT_OPEN	17
#define RT_BPF_MAP_LOOKUP_AND_DELETE_ELEM 21
#define RT_BPF_MAP_LOOKUP_BATCH		24
#define RT_BPF_LINK_CREATE		28
#define RT_BPF_ENABLE_STATS		32
#define RT_BPF_LINK_DETACH		34
#define RT_BPF_STATS_RUN_TIME		0	/* BPF_ENABLE_STATS type */

/* Syscall numbers of bpf(2) and perf_event_open(2) for the architecture
 * the C code is compiled for (only user space makes syscalls, so the
 * compiler's own target macros are the right test here, unlike in kern/).
 * An architecture without numbers here fails the build, not at run time. */
#if defined(__x86_64__)
#define RT_NR_bpf		321
#define RT_NR_perf_event_open	298
#elif defined(__aarch64__)
#define RT_NR_bpf		280
#define RT_NR_perf_event_open	241
#elif defined(__arm__)
#define RT_NR_bpf		386
#define RT_NR_perf_event_open	364
#elif !defined(__ASSEMBLER__)
#error "rawtel: no bpf()/perf_event_open() syscall numbers for this architecture"
#endif

/* ---- map types --------------------------------------------------------- */
#define RT_BPF_MAP_TYPE_HASH		1
#define RT_BPF_MAP_TYPE_ARRAY		2
#define RT_BPF_MAP_TYPE_PROG_ARRAY	3
#define RT_BPF_MAP_TYPE_PERF_EVENT_ARRAY 4
#define RT_BPF_MAP_TYPE_PERCPU_HASH	5
#define RT_BPF_MAP_TYPE_PERCPU_ARRAY	6
#define RT_BPF_MAP_TYPE_STACK_TRACE	7
#define RT_BPF_MAP_TYPE_LRU_HASH	9
#define RT_BPF_MAP_TYPE_LRU_PERCPU_HASH	10
#define RT_BPF_MAP_TYPE_LPM_TRIE	11
#define RT_BPF_MAP_TYPE_QUEUE		22
#define RT_BPF_MAP_TYPE_RINGBUF		27

/* ---- program types ----------------------------------------------------- */
#define RT_BPF_PROG_TYPE_SOCKET_FILTER	1
#define RT_BPF_PROG_TYPE_KPROBE		2
#define RT_BPF_PROG_TYPE_TRACEPOINT	5
#define RT_BPF_PROG_TYPE_PERF_EVENT	7
#define RT_BPF_PROG_TYPE_RAW_TRACEPOINT	17

/* ---- attach types (BPF_LINK_CREATE) ------------------------------------ */
#define RT_BPF_TRACE_RAW_TP		23
#define RT_BPF_PERF_EVENT		41

/* ---- map and element flags --------------------------------------------- */
#define RT_BPF_F_NO_PREALLOC	(1U << 0)
#define RT_BPF_F_RDONLY_PROG	(1U << 7)
#define RT_BPF_F_MMAPABLE	(1U << 10)
#define RT_BPF_ANY		0
#define RT_BPF_NOEXIST		1
#define RT_BPF_EXIST		2
/* bpf_perf_event_output flags: write to the current CPU's ring. */
#define RT_BPF_F_INDEX_MASK	0xffffffffULL
#define RT_BPF_F_CURRENT_CPU	RT_BPF_F_INDEX_MASK
/* bpf_ringbuf_output/submit flags */
#define RT_BPF_RB_NO_WAKEUP	(1U << 0)
#define RT_BPF_RB_FORCE_WAKEUP	(1U << 1)

#define RT_BPF_OBJ_NAME_LEN	16
#define RT_BPF_TAG_SIZE		8

/* ---- instruction encoding ---------------------------------------------- */
/* opcode = class | (size|mode for loads/stores) or (op|source for ALU/JMP) */
#define RT_BPF_LD	0x00
#define RT_BPF_LDX	0x01
#define RT_BPF_ST	0x02
#define RT_BPF_STX	0x03
#define RT_BPF_ALU	0x04
#define RT_BPF_JMP	0x05
#define RT_BPF_JMP32	0x06
#define RT_BPF_ALU64	0x07
#define RT_BPF_CLASS(code) ((code) & 0x07)

#define RT_BPF_W	0x00
#define RT_BPF_H	0x08
#define RT_BPF_B	0x10
#define RT_BPF_DW	0x18
#define RT_BPF_SIZE(code) ((code) & 0x18)

#define RT_BPF_IMM	0x00
#define RT_BPF_ABS	0x20
#define RT_BPF_IND	0x40
#define RT_BPF_MEM	0x60
#define RT_BPF_MEMSX	0x80
#define RT_BPF_ATOMIC	0xc0
#define RT_BPF_MODE(code) ((code) & 0xe0)

#define RT_BPF_ADD	0x00
#define RT_BPF_SUB	0x10
#define RT_BPF_MUL	0x20
#define RT_BPF_DIV	0x30
#define RT_BPF_OR	0x40
#define RT_BPF_AND	0x50
#define RT_BPF_LSH	0x60
#define RT_BPF_RSH	0x70
#define RT_BPF_NEG	0x80
#define RT_BPF_MOD	0x90
#define RT_BPF_XOR	0xa0
#define RT_BPF_MOV	0xb0
#define RT_BPF_ARSH	0xc0
#define RT_BPF_END	0xd0
#define RT_BPF_OP(code) ((code) & 0xf0)

#define RT_BPF_JA	0x00
#define RT_BPF_JEQ	0x10
#define RT_BPF_JGT	0x20
#define RT_BPF_JGE	0x30
#define RT_BPF_JSET	0x40
#define RT_BPF_JNE	0x50
#define RT_BPF_JSGT	0x60
#define RT_BPF_JSGE	0x70
#define RT_BPF_CALL	0x80
#define RT_BPF_EXIT	0x90
#define RT_BPF_JLT	0xa0
#define RT_BPF_JLE	0xb0
#define RT_BPF_JSLT	0xc0
#define RT_BPF_JSLE	0xd0

#define RT_BPF_K	0x00
#define RT_BPF_X	0x08
#define RT_BPF_SRC(code) ((code) & 0x08)
#define RT_BPF_TO_LE	0x00
#define RT_BPF_TO_BE	0x08

/* atomic operations live in imm of BPF_STX|BPF_ATOMIC */
#define RT_BPF_FETCH	0x01
#define RT_BPF_XCHG	(0xe0 | RT_BPF_FETCH)
#define RT_BPF_CMPXCHG	(0xf0 | RT_BPF_FETCH)

/* src_reg of ld_imm64 / call says what imm means */
#define RT_BPF_PSEUDO_MAP_FD		1
#define RT_BPF_PSEUDO_MAP_VALUE		2
#define RT_BPF_PSEUDO_BTF_ID		3
#define RT_BPF_PSEUDO_FUNC		4
#define RT_BPF_PSEUDO_MAP_IDX		5
#define RT_BPF_PSEUDO_MAP_IDX_VALUE	6
#define RT_BPF_PSEUDO_CALL		1
#define RT_BPF_PSEUDO_KFUNC_CALL	2

#define RT_BPF_MAXINSNS		4096	/* unprivileged limit; root gets 1M */
#define RT_BPF_REG_FP		10

/* ---- BPF ring buffer (BPF_MAP_TYPE_RINGBUF) ---------------------------- */
/* Each record starts with an 8-byte header: u32 len (with the two flag bits
 * below), u32 page offset used by the kernel. Records are 8-byte aligned.
 * mmap layout: page 0 consumer_pos (rw), page 1 producer_pos (ro), then the
 * data area, which the kernel maps twice in a row so a record never wraps. */
#define RT_BPF_RINGBUF_BUSY_BIT		(1U << 31)
#define RT_BPF_RINGBUF_DISCARD_BIT	(1U << 30)
#define RT_BPF_RINGBUF_HDR_SZ		8

#ifndef __ASSEMBLER__
#include <stdint.h>

struct rt_bpf_insn {
	uint8_t code;
	uint8_t dst_reg : 4;
	uint8_t src_reg : 4;
	int16_t off;
	int32_t imm;
};

/* One struct per command: each is a prefix of the kernel's union bpf_attr
 * member; bpf(2) accepts a smaller size and treats the rest as zero. */
struct rt_bpf_map_create_attr {
	uint32_t map_type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	uint32_t inner_map_fd;
	uint32_t numa_node;
	char map_name[RT_BPF_OBJ_NAME_LEN];
	uint32_t map_ifindex;
	uint32_t btf_fd;
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint32_t btf_vmlinux_value_type_id;
	uint64_t map_extra;
};

struct rt_bpf_map_elem_attr {
	uint32_t map_fd;
	uint32_t pad0;
	uint64_t key;
	uint64_t value;		/* or next_key */
	uint64_t flags;
};

struct rt_bpf_map_batch_attr {
	uint64_t in_batch;
	uint64_t out_batch;
	uint64_t keys;
	uint64_t values;
	uint32_t count;
	uint32_t map_fd;
	uint64_t elem_flags;
	uint64_t flags;
};

struct rt_bpf_prog_load_attr {
	uint32_t prog_type;
	uint32_t insn_cnt;
	uint64_t insns;
	uint64_t license;
	uint32_t log_level;
	uint32_t log_size;
	uint64_t log_buf;
	uint32_t kern_version;
	uint32_t prog_flags;
	char prog_name[RT_BPF_OBJ_NAME_LEN];
	uint32_t prog_ifindex;
	uint32_t expected_attach_type;
};

struct rt_bpf_obj_info_attr {
	uint32_t bpf_fd;
	uint32_t info_len;
	uint64_t info;
};

struct rt_bpf_raw_tp_attr {
	uint64_t name;
	uint32_t prog_fd;
	uint32_t pad0;
};

struct rt_bpf_link_create_attr {
	uint32_t prog_fd;
	uint32_t target_fd;
	uint32_t attach_type;
	uint32_t flags;
	uint64_t bpf_cookie;	/* perf_event.bpf_cookie */
};

/* Leading part of struct bpf_prog_info, through recursion_misses: a
 * program's id, tag, run statistics (run_time_ns/run_cnt need
 * bpf_stats_enabled) and the runs the kernel skipped because another BPF
 * program was running on that CPU (5.12+; zero before). The pointer and
 * count fields are left zero: the kernel then writes nothing through them. */
struct rt_bpf_prog_info {
	uint32_t type;
	uint32_t id;
	uint8_t tag[RT_BPF_TAG_SIZE];
	uint32_t jited_prog_len;
	uint32_t xlated_prog_len;
	uint64_t jited_prog_insns;
	uint64_t xlated_prog_insns;
	uint64_t load_time;
	uint32_t created_by_uid;
	uint32_t nr_map_ids;
	uint64_t map_ids;
	char name[RT_BPF_OBJ_NAME_LEN];
	uint32_t ifindex;
	uint32_t gpl_compatible;	/* bit 0 */
	uint64_t netns_dev;
	uint64_t netns_ino;
	uint32_t nr_jited_ksyms;
	uint32_t nr_jited_func_lens;
	uint64_t jited_ksyms;
	uint64_t jited_func_lens;
	uint32_t btf_id;
	uint32_t func_info_rec_size;
	uint64_t func_info;
	uint32_t nr_func_info;
	uint32_t nr_line_info;
	uint64_t line_info;
	uint64_t jited_line_info;
	uint32_t nr_jited_line_info;
	uint32_t line_info_rec_size;
	uint32_t jited_line_info_rec_size;
	uint32_t nr_prog_tags;
	uint64_t prog_tags;
	uint64_t run_time_ns;
	uint64_t run_cnt;
	uint64_t recursion_misses;
};
#endif /* !__ASSEMBLER__ */

#endif
