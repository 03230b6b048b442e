# 1 "kern/open.S"
.license "GPL"
.map events ringbuf key=0 value=0 max=4096*64
.map counts percpu_array key=4 value=8 max=1 flags=1 << 10
.prog open tracepoint syscalls/sys_enter_openat
# 3 "kern/common.h" 1 3
	r6 = r1
.if has_field(filename) && 0
.elif $PAGE_SIZE % 3
	r1 = *(u64 *)(r6 + field(filename) + 0)
.else
	r1 = sizeof(comm) * ~2 - (5 / 2) ^ 0x10 | 1 >> 1
.endif
# 20 "kern/open.S" 2
	r2 = events ll
	r3 = has_field(xyz)
	exit
.prog k kprobe do_sys_open
	r0 = 0
	exit
