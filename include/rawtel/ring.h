/* Reading events the BPF programs emit (user/ring/).
 *
 * BPF ring buffer (5.8+): one ring shared by all CPUs. The consumer page is
 * mapped read-write, the producer page and the data area read-only; the
 * kernel maps the data area twice back to back so a record never wraps.
 * Records are read with acquire ordering; busy (uncommitted) records stop
 * the drain, discarded ones are skipped.
 *
 * Per-CPU perf buffers (the fallback for older kernels, or --perf-buffer):
 * one BPF_OUTPUT perf event and mmap'd ring per CPU, stored in a
 * PERF_EVENT_ARRAY map; PERF_RECORD_LOST records are counted. */
#ifndef RAWTEL_RING_H
#define RAWTEL_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Called once per record; a negative return stops the drain and is
 * returned by it. `len` is the record's payload size (for perf buffers it
 * includes the kernel's padding to 8 bytes). */
typedef int (*ring_cb)(void *ctx, const void *data, size_t len);

/* The kernel's positions are unsigned longs: 4 bytes on a 32-bit kernel,
 * where they wrap at 4 GiB. The reader keeps 64-bit positions and takes
 * the kernel's modulo its width. */
struct ringbuf {
	void *consumer_pos;		/* written by us */
	const void *producer_pos;	/* written by the kernel */
	unsigned pos_bytes;		/* 8, or 4 (32-bit kernels) */
	const uint8_t *data;		/* 2 * size bytes, twice mapped */
	uint64_t mask;			/* size - 1 */
	void *cons_map, *prod_map;	/* NULL when not owned (tests) */
	size_t prod_map_len, page_size;
	int map_fd;
	uint64_t bad;			/* corrupt stretches skipped */
};

/* Map the ring of a BPF_MAP_TYPE_RINGBUF map of `size` bytes (a power of
 * two, multiple of the page size). */
int ringbuf_open(struct ringbuf *rb, int map_fd, uint64_t size);
/* Use memory laid out like the kernel's (for tests): data must be mapped
 * twice in a row, size a power of two; positions of pos_bytes (8 or 4). */
int ringbuf_init_mem(struct ringbuf *rb, void *consumer_pos,
		     const void *producer_pos, const uint8_t *data,
		     uint64_t size, unsigned pos_bytes);
/* Deliver committed records, at most a ring's worth of bytes per call;
 * returns the number delivered, or the callback's negative value, or
 * -EBADMSG for a corrupt record (all that was produced is skipped). */
int ringbuf_consume(struct ringbuf *rb, ring_cb cb, void *ctx);
void ringbuf_close(struct ringbuf *rb);

struct perfbuf_cpu {
	int fd;			/* -1 for a CPU that is offline */
	uint8_t *base;		/* control page, then the data area */
	uint64_t size;		/* data area bytes (power of two) */
};

struct perfbuf {
	struct perfbuf_cpu *cpus;
	int n_cpus;
	uint8_t *scratch;	/* for records that wrap around the end */
	uint64_t *aligned;	/* samples re-aligned to 8 bytes for callers */
	uint64_t lost;		/* samples the kernel reported lost */
	uint64_t bad;		/* malformed records skipped */
};

/* One ring of `pages` data pages (a power of two) per possible CPU, each
 * stored in the PERF_EVENT_ARRAY `map_fd` at the CPU's index. */
int perfbuf_open(struct perfbuf *pb, int map_fd, uint32_t pages);
/* Read a ring laid out in memory like the kernel's (for tests). */
int perfbuf_consume_one(struct perfbuf *pb, struct perfbuf_cpu *c, ring_cb cb,
			void *ctx);
int perfbuf_consume(struct perfbuf *pb, ring_cb cb, void *ctx);
void perfbuf_close(struct perfbuf *pb);

/* One interface over both kinds, for the event loop. */
struct evring {
	bool perf;
	struct ringbuf rb;
	struct perfbuf pb;
};

/* The fds to poll for EPOLLIN (one for the ring buffer, one per CPU for
 * perf buffers); returns how many were written to fds (at most max). */
int evring_fds(const struct evring *r, int *fds, int max);
int evring_consume(struct evring *r, ring_cb cb, void *ctx);
void evring_close(struct evring *r);

#endif
