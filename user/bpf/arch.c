/* The target architecture's pt_regs offsets, for kern/ ($pt_* constants;
 * see vendor-headers/rt_ptrace.h). This file is compiled by the target's
 * compiler, so its rt_ptrace.h values are the target's, whichever machine
 * preprocessed kern/. */
#include <errno.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "rawtel/arch.h"
#include "rt_ptrace.h"

static const struct {
	const char *name;
	int64_t value;
} pt_consts[] = {
	{ "pt_sysarg1", PT_REGS_SYSCALL_ARG1 }, { "pt_sysarg2", PT_REGS_SYSCALL_ARG2 },
	{ "pt_sysarg3", PT_REGS_SYSCALL_ARG3 }, { "pt_sysarg4", PT_REGS_SYSCALL_ARG4 },
	{ "pt_sysarg5", PT_REGS_SYSCALL_ARG5 }, { "pt_sysarg6", PT_REGS_SYSCALL_ARG6 },
	{ "pt_arg1", PT_REGS_ARG1 }, { "pt_arg2", PT_REGS_ARG2 }, { "pt_arg3", PT_REGS_ARG3 },
	{ "pt_arg4", PT_REGS_ARG4 }, { "pt_arg5", PT_REGS_ARG5 }, { "pt_arg6", PT_REGS_ARG6 },
	{ "pt_ret", PT_REGS_RET }, { "pt_sp", PT_REGS_SP },
	/* kern/sockio.S's one exit of the four vector calls tells them
	 * apart by the target's numbers */
	{ "nr_readv", SYS_readv }, { "nr_writev", SYS_writev },
	{ "nr_recvmsg", SYS_recvmsg }, { "nr_sendmsg", SYS_sendmsg },
};

const char *arch_name(void)
{
#if defined(__x86_64__)
	return "x86_64";
#elif defined(__aarch64__)
	return "aarch64";
#elif defined(__arm__)
	return "armv7l";
#endif
}

unsigned arch_kernel_long(void)
{
	static unsigned bytes;
	struct utsname u;

	if (sizeof(long) == 8)
		return 8;
	if (!bytes) {
		/* a 32-bit rawtel on an arm64 kernel: "aarch64", or "armv8l"
		 * under the PER_LINUX32 personality */
		bytes = 4;
		if (!uname(&u) && (!strncmp(u.machine, "aarch64", 7) ||
				   !strncmp(u.machine, "armv8", 5)))
			bytes = 8;
	}
	return bytes;
}

/* $pt_compat, where this machine runs 32-bit programs at all: an arm64
 * kernel refuses the PER_LINUX32 personality when its CPUs have no 32-bit
 * user mode (or it has no compat support). Elsewhere 0, which leaves out
 * kern/compat.S's program: it would run at every syscall of every task. */
static int64_t compat_state(void)
{
	static int runs32 = -1;

	if (!PT_REGS_COMPAT_STATE)
		return 0;
	if (runs32 < 0) {
		int old = personality(0xffffffffu);

		runs32 = old != -1 &&
			 personality((unsigned long)((old & ~PER_MASK) | PER_LINUX32)) != -1;
		if (runs32)
			personality((unsigned long)old);
	}
	return runs32 ? PT_REGS_COMPAT_STATE : 0;
}

int arch_const(const char *name, int64_t *val)
{
	/* $uptr: bytes of a user pointer (argv[] entries) in the programs
	 * traced, those of the target (4 on 32-bit ARM) */
	/* $atomics: the JIT of 64-bit targets has BPF atomics, 32-bit
	 * ARM's has none (kern/common.h ATOMIC_ADD) */
	if (!strcmp(name, "atomics")) {
		*val = sizeof(void *) == 8;
		return 0;
	}
	if (!strcmp(name, "uptr")) {
		*val = (int64_t)sizeof(void *);
		return 0;
	}
	/* $nr_execve, $nr_execveat: the target's own numbers, which a task
	 * that exec'd a 32-bit program still carries at the call's exit */
	if (!strcmp(name, "nr_execve") || !strcmp(name, "nr_execveat")) {
		*val = strcmp(name, "nr_execve") ? SYS_execveat : SYS_execve;
		return 0;
	}
	if (!strcmp(name, "pt_compat")) {
		*val = compat_state();
		return 0;
	}
	for (size_t i = 0; i < sizeof(pt_consts) / sizeof(pt_consts[0]); i++) {
		if (!strcmp(pt_consts[i].name, name)) {
			*val = pt_consts[i].value;
			return 0;
		}
	}
	return -ENOENT;
}
