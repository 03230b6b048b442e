/* The static (musl-gcc -static) twin of elf_target.c: its libc functions
 * live inside the executable, so "libc" for its pid resolves to itself.
 * "wait" prints "ready" and sleeps until killed. Its functions carry their
 * own names, so a test cannot find elf_target's by mistake. */
#define elf_target_fn elf_static_fn
#define elf_target_local elf_static_local
#include "elf_target.c"
