/* Drives name lookups and function calls for rawtel's uprobe tests:
 *   rtt_dns N   -> N x getaddrinfo("localhost"), N x getaddrinfo of a name
 *                  that fails at once (AI_NUMERICHOST: no network needed),
 *                  1 x gethostbyname("localhost"), N x rtt_target_fn(i),
 *                  2N x rtt_target_other(); prints the pid as JSON.
 *   rtt_dns 1 exit-inside -> ends inside rtt_exit_inside()
 * Built twice: with the system's libc (rtt_dns) and static with musl
 * (rtt_dns_musl, from rtt_dns_musl.c). */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

__attribute__((noinline)) int rtt_target_fn(int x)
{
	__asm__ volatile("" ::: "memory");	/* keep the call */
	return 2 * x + 1;
}

__attribute__((noinline)) long rtt_target_other(void)
{
	__asm__ volatile("" ::: "memory");
	return -7;
}

/* Never returns: the thread (here the process) ends inside the call. */
__attribute__((noinline)) void rtt_exit_inside(void)
{
	__asm__ volatile("" ::: "memory");
	_exit(0);
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[2], "exit-inside"))
		rtt_exit_inside();
	int n = argc > 1 ? atoi(argv[1]) : 5, ok = 0, failed = 0;
	struct addrinfo hints, *res;
	long sum = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	for (int i = 0; i < n; i++) {
		if (getaddrinfo("localhost", "80", &hints, &res) == 0) {
			ok++;
			freeaddrinfo(res);
		}
	}
	hints.ai_flags = AI_NUMERICHOST;
	for (int i = 0; i < n; i++)
		if (getaddrinfo("rtt-no-such-host.invalid", NULL, &hints, &res) == EAI_NONAME)
			failed++;
	int ghbn = gethostbyname("localhost") != NULL;
	for (int i = 0; i < n; i++)
		sum += rtt_target_fn(i);
	for (int i = 0; i < 2 * n; i++)
		sum += rtt_target_other();
	printf("{\"pid\":%d,\"ok\":%d,\"failed\":%d,\"ghbn\":%d,\"sum\":%ld}\n", getpid(), ok,
	       failed, ghbn, sum);
	return ok == n && failed == n ? 0 : 1;
}
