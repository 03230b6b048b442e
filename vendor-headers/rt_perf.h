/* Minimal perf_event ABI for rawtel: perf_event_open(2) attr, the ioctls we
 * use, the mmap'd control page and record headers. Written from the kernel's
 * user ABI with an RT_ prefix; tests/unit/test_abi.c compares them with the
 * host's <linux/perf_event.h>. The attr flag bitfield is spelled as a plain
 * u64 with bit numbers, so its layout does not depend on the compiler's
 * bitfield rules. */
#ifndef RT_PERF_ABI_H
#define RT_PERF_ABI_H

#define RT_PERF_TYPE_HARDWARE	0
#define RT_PERF_TYPE_SOFTWARE	1
#define RT_PERF_TYPE_TRACEPOINT	2
#define RT_PERF_TYPE_HW_CACHE	3
#define RT_PERF_TYPE_RAW	4
#define RT_PERF_TYPE_BREAKPOINT	5

#define RT_PERF_COUNT_SW_CPU_CLOCK	0
#define RT_PERF_COUNT_SW_DUMMY		9
#define RT_PERF_COUNT_SW_BPF_OUTPUT	10

#define RT_PERF_SAMPLE_IP	(1ULL << 0)
#define RT_PERF_SAMPLE_TID	(1ULL << 1)
#define RT_PERF_SAMPLE_TIME	(1ULL << 2)
#define RT_PERF_SAMPLE_CPU	(1ULL << 7)
#define RT_PERF_SAMPLE_RAW	(1ULL << 10)

/* bit numbers inside perf_event_attr.flags */
#define RT_PERF_ATTR_DISABLED		0
#define RT_PERF_ATTR_INHERIT		1
#define RT_PERF_ATTR_EXCLUDE_USER	4
#define RT_PERF_ATTR_EXCLUDE_KERNEL	5
#define RT_PERF_ATTR_FREQ		10
#define RT_PERF_ATTR_ENABLE_ON_EXEC	12
#define RT_PERF_ATTR_WATERMARK		14
#define RT_PERF_ATTR_SAMPLE_ID_ALL	18
#define RT_PERF_ATTR_USE_CLOCKID	25

#define RT_PERF_FLAG_FD_CLOEXEC		(1UL << 3)

/* ioctl numbers: _IO('$', n) and _IOW('$', n, u32) on x86_64 */
#define RT_PERF_IOC_ENABLE	0x2400
#define RT_PERF_IOC_DISABLE	0x2401
#define RT_PERF_IOC_SET_BPF	0x40042408

#define RT_PERF_RECORD_LOST	2
#define RT_PERF_RECORD_SAMPLE	9

/* data_head/data_tail/data_offset/data_size sit at byte 1024 of the first
 * mmap'd page, after the counter fields and reserved space. */
#define RT_PERF_MMAP_DATA_HEAD_OFF	1024

#ifndef __ASSEMBLER__
#include <stdint.h>

struct rt_perf_event_attr {
	uint32_t type;
	uint32_t size;
	uint64_t config;
	uint64_t sample_period;		/* or sample_freq */
	uint64_t sample_type;
	uint64_t read_format;
	uint64_t flags;			/* RT_PERF_ATTR_* bits */
	uint32_t wakeup_events;		/* or wakeup_watermark */
	uint32_t bp_type;
	uint64_t config1;		/* uprobe_path, kprobe_func */
	uint64_t config2;		/* probe_offset */
	uint64_t branch_sample_type;
	uint64_t sample_regs_user;
	uint32_t sample_stack_user;
	int32_t clockid;
	uint64_t sample_regs_intr;
	uint32_t aux_watermark;
	uint16_t sample_max_stack;
	uint16_t reserved_2;
	uint32_t aux_sample_size;
	uint32_t reserved_3;
	uint64_t sig_data;
};

struct rt_perf_event_mmap_page {
	uint32_t version;
	uint32_t compat_version;
	uint32_t lock;
	uint32_t index;
	int64_t offset;
	uint64_t time_enabled;
	uint64_t time_running;
	uint64_t capabilities;
	uint16_t pmc_width;
	uint16_t time_shift;
	uint32_t time_mult;
	uint64_t time_offset;
	uint64_t time_zero;
	uint32_t size;
	uint32_t reserved_1;
	uint64_t time_cycles;
	uint64_t time_mask;
	uint8_t reserved[116 * 8];
	uint64_t data_head;	/* written by the kernel */
	uint64_t data_tail;	/* written by the reader */
	uint64_t data_offset;
	uint64_t data_size;
	uint64_t aux_head;
	uint64_t aux_tail;
	uint64_t aux_offset;
	uint64_t aux_size;
};

struct rt_perf_event_header {
	uint32_t type;
	uint16_t misc;
	uint16_t size;
};
#endif /* !__ASSEMBLER__ */

#endif
