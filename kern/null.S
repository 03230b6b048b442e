// The smallest program: the overhead benchmark's floor (rawtel trace
// --null attaches it wherever the selected probes would attach theirs).
.prog null tracepoint syscalls/sys_enter_getpid
	r0 = 0
	exit

// the same for uprobes (a kprobe-type program)
.prog null_up uprobe
	r0 = 0
	exit
