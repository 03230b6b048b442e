/* Host name resolution off the event loop: getaddrinfo() can block for
 * the resolver's whole timeout, so it runs in a short-lived detached
 * thread that signals an eventfd when done. The loop may give up first
 * (the request timeout); the job is reference-counted so whichever side
 * finishes last frees it. Numeric addresses never get here. */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "sink_int.h"

struct sink_resolve_job {
	atomic_int refs;
	int efd;
	int rc;			/* getaddrinfo's return */
	struct addrinfo *ai;
	char host[SINK_HOST_MAX];
	char port[8];
};

static void job_put(struct sink_resolve_job *j)
{
	if (atomic_fetch_sub(&j->refs, 1) != 1)
		return;
	if (j->ai)
		freeaddrinfo(j->ai);
	close(j->efd);
	free(j);
}

static void *resolve_thread(void *arg)
{
	struct sink_resolve_job *j = arg;
	struct addrinfo hints;
	uint64_t one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
	j->rc = getaddrinfo(j->host, j->port, &hints, &j->ai);
	if (write(j->efd, &one, sizeof(one)) < 0)
		j->rc = EAI_SYSTEM;
	job_put(j);
	return NULL;
}

int sink_resolve_start(const char *host, uint16_t port, struct sink_resolve_job **out, int *fd)
{
	struct sink_resolve_job *j = calloc(1, sizeof(*j));
	pthread_attr_t attr;
	pthread_t th;
	int ret;

	if (!j)
		return err_set(ENOMEM, "out of memory to resolve %s", host);
	j->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (j->efd < 0) {
		ret = err_set(errno, "eventfd: %s", strerror(errno));
		free(j);
		return ret;
	}
	fmt_snprintf(j->host, sizeof(j->host), "%s", host);
	fmt_snprintf(j->port, sizeof(j->port), "%u", port);
	atomic_init(&j->refs, 2);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 << 10);
	ret = pthread_create(&th, &attr, resolve_thread, j);
	pthread_attr_destroy(&attr);
	if (ret) {
		close(j->efd);
		free(j);
		return err_set(ret, "cannot start a thread to resolve %s: %s", host, strerror(ret));
	}
	*out = j;
	*fd = j->efd;
	return 0;
}

int sink_resolve_finish(struct sink_resolve_job *j, struct sockaddr_storage *addrs, socklen_t *lens,
	       int max, int *n)
{
	int ret = 0;

	*n = 0;
	if (j->rc) {
		ret = err_set(EHOSTUNREACH, "cannot resolve %s: %s; check the name or use a numeric address",
			      j->host, gai_strerror(j->rc));
	} else {
		for (struct addrinfo *a = j->ai; a && *n < max; a = a->ai_next) {
			if (a->ai_addrlen > sizeof(*addrs))
				continue;
			memcpy(&addrs[*n], a->ai_addr, a->ai_addrlen);
			lens[*n] = a->ai_addrlen;
			(*n)++;
		}
		if (!*n)
			ret = err_set(EHOSTUNREACH, "%s has no usable address", j->host);
	}
	job_put(j);
	return ret;
}

void sink_resolve_abandon(struct sink_resolve_job *j)
{
	job_put(j);
}
