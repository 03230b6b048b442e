// Body of an open exit program: kern/open.S defines the OPEN_*_REG of its
// syscall (kern/open_regs.h reads and undefines them), then includes this.
// Where the tracepoint is missing (no open syscall on arm64, no openat2
// before 5.6) has_field(ret) is 0 and the program only returns; it is
// optional (user/probes/probes.c).
.if has_field(ret)
.if $task_regs
#include "open_regs.h"
.else
#include "open_slot.h"
.endif
.endif
out:
	r0 = 0
	exit
