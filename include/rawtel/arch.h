/* What differs between the architectures rawtel is built for, as the
 * target compiler sees it (user/bpf/arch.c). kern/ text is the same for
 * every target; it gets these values as load-time constants. */
#ifndef RAWTEL_ARCH_H
#define RAWTEL_ARCH_H

#include <stdint.h>

/* The target's name as uname -m prints it ("x86_64", "aarch64", ...). */
const char *arch_name(void);

/* The load-time constant NAME kern/ reads through vendor-headers/
 * rt_ptrace.h ($pt_sp, $pt_sysarg1, ...): 0 with *val set, or -ENOENT
 * for a name that is not one of them. */
int arch_const(const char *name, int64_t *val);

/* Bytes of the running kernel's unsigned long (BPF ring buffer
 * positions): this build's, but 8 for a 32-bit build on a 64-bit kernel. */
unsigned arch_kernel_long(void);

#endif
