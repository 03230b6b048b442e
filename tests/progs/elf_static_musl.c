/* The static (musl-gcc -static) twin of elf_target.c: its libc functions
 * live inside the executable, so "libc" for its pid resolves to itself.
 * "wait" prints "ready" and sleeps until killed. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) int elf_static_fn(int x)
{
	return x * 3 + 1;
}

__attribute__((noinline)) static int elf_static_local(int x)
{
	return x ^ 5;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "wait")) {
		printf("ready\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	return elf_static_fn(argc) + elf_static_local(argc) == 0;
}
