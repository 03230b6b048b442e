/* One interface over the BPF ring buffer and per-CPU perf buffers. */
#include "rawtel/ring.h"

int evring_fds(const struct evring *r, int *fds, int max)
{
	int n = 0;

	if (!r->perf) {
		if (max > 0 && r->rb.map_fd >= 0)
			fds[n++] = r->rb.map_fd;
		return n;
	}
	for (int i = 0; i < r->pb.n_cpus && n < max; i++)
		if (r->pb.cpus[i].fd >= 0)
			fds[n++] = r->pb.cpus[i].fd;
	return n;
}

int evring_consume(struct evring *r, ring_cb cb, void *ctx)
{
	return r->perf ? perfbuf_consume(&r->pb, cb, ctx) : ringbuf_consume(&r->rb, cb, ctx);
}

void evring_close(struct evring *r)
{
	if (r->perf)
		perfbuf_close(&r->pb);
	else
		ringbuf_close(&r->rb);
}
