/* A program for the ELF resolver tests (tests/unit/test_elf_*.c): functions
 * with known names to find, and "wait" mode, which prints "ready" and
 * sleeps until killed so a test can resolve libraries through its pid. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) int elf_target_fn(int x)
{
	return x * 3 + 1;
}

__attribute__((noinline)) static int elf_target_local(int x)
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
	return elf_target_fn(argc) + elf_target_local(argc) == 0;
}
