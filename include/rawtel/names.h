/* Symbolic names for numbers the kernel reports (user/util/names.c):
 * x86_64 Linux ABI values, so output is the same on any libc. */
#ifndef RAWTEL_NAMES_H
#define RAWTEL_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* "ENOENT"; "E80" for one without a name here (never NULL, so callers can
 * tell failure by the sign alone) */
const char *names_errno(int err);
/* "SIGKILL", "SIGRTMIN+3"; writes into buf */
const char *names_signal(int sig, char *buf, size_t size);
/* "O_WRONLY|O_CREAT|O_CLOEXEC" (unknown bits as hex) */
const char *names_open_flags(uint32_t flags, char *buf, size_t size);

#endif
