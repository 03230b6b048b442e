/* A name server that knows no names, for the qemu tests' resolver runs
 * (a VM has no other): every query on 127.0.0.1:53 (UDP) is answered
 * NXDOMAIN at once, so a failing lookup ends in EAI_NONAME, as on a
 * machine with a real resolver, not in a timeout.
 *   rtt_dnsd          runs until killed; prints "ready" once bound */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(53) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("rtt_dnsd: 127.0.0.1:53");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		unsigned char m[512];
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, m, sizeof(m), 0, (struct sockaddr *)&from, &fl);

		if (n < 12)
			continue;
		/* the query back, as a response (QR, RD kept, RA) with rcode 3
		 * and no answer, authority or additional records */
		m[2] = (unsigned char)(0x80 | (m[2] & 0x01));
		m[3] = 0x83;
		memset(m + 6, 0, 6);
		sendto(fd, m, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
}
