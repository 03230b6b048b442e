/* BPF ring buffer consumer (see include/rawtel/ring.h). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rawtel/arch.h"
#include "rawtel/err.h"
#include "rawtel/ring.h"
#include "rawtel/util.h"
#include "rt_bpf.h"

int ringbuf_init_mem(struct ringbuf *rb, void *consumer_pos,
		     const void *producer_pos, const uint8_t *data,
		     uint64_t size, unsigned pos_bytes)
{
	if (size < 8 || (size & (size - 1)))
		return err_set(EINVAL, "ring buffer size %llu is not a power of two",
			       (unsigned long long)size);
	if (pos_bytes != 8 && pos_bytes != 4)
		return err_set(EINVAL, "ring buffer positions of %u bytes", pos_bytes);
	memset(rb, 0, sizeof(*rb));
	rb->pos_bytes = pos_bytes;
	rb->consumer_pos = consumer_pos;
	rb->producer_pos = producer_pos;
	rb->data = data;
	rb->mask = size - 1;
	rb->map_fd = -1;
	return 0;
}

/* Our consumer position: the kernel's own (a 4-byte one as it is: below
 * 4 GiB, the start of the 64-bit positions of this drain). */
static uint64_t cons_load(const struct ringbuf *rb)
{
	if (rb->pos_bytes == 4)
		return __atomic_load_n((const uint32_t *)rb->consumer_pos, __ATOMIC_RELAXED);
	return __atomic_load_n((const uint64_t *)rb->consumer_pos, __ATOMIC_RELAXED);
}

static void cons_store(struct ringbuf *rb, uint64_t cons)
{
	if (rb->pos_bytes == 4)
		__atomic_store_n((uint32_t *)rb->consumer_pos, (uint32_t)cons, __ATOMIC_RELEASE);
	else
		__atomic_store_n((uint64_t *)rb->consumer_pos, cons, __ATOMIC_RELEASE);
}

/* The producer position, in the 64-bit terms of cons: a 4-byte one is at
 * most a ring ahead of cons modulo 2^32. */
static uint64_t prod_load(const struct ringbuf *rb, uint64_t cons)
{
	if (rb->pos_bytes == 4) {
		uint32_t p = __atomic_load_n((const uint32_t *)rb->producer_pos, __ATOMIC_ACQUIRE);

		return cons + (uint32_t)(p - (uint32_t)cons);
	}
	return __atomic_load_n((const uint64_t *)rb->producer_pos, __ATOMIC_ACQUIRE);
}

int ringbuf_open(struct ringbuf *rb, int map_fd, uint64_t size)
{
	size_t page = util_page_size();
	void *cons, *prod;
	int r;

	if (size < page || (size & (size - 1)))
		return err_set(EINVAL, "ring buffer size %llu must be a power of two of at least %zu",
			       (unsigned long long)size, page);
	cons = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (cons == MAP_FAILED)
		return err_set(errno, "cannot map the ring buffer's consumer page: %s",
			       strerror(errno));
	/* producer page + data area, which the kernel lays out twice */
	prod = mmap(NULL, page + 2 * size, PROT_READ, MAP_SHARED, map_fd, (off_t)page);
	if (prod == MAP_FAILED) {
		int e = errno;
		munmap(cons, page);
		return err_set(e, "cannot map the ring buffer's data (%llu bytes): %s",
			       (unsigned long long)size, strerror(e));
	}
	r = ringbuf_init_mem(rb, cons, prod, (const uint8_t *)prod + page, size,
			     arch_kernel_long());
	if (r) {
		munmap(cons, page);
		munmap(prod, page + 2 * size);
		return r;
	}
	rb->cons_map = cons;
	rb->prod_map = prod;
	rb->prod_map_len = page + 2 * size;
	rb->page_size = page;
	rb->map_fd = map_fd;
	return 0;
}

int ringbuf_consume(struct ringbuf *rb, ring_cb cb, void *ctx)
{
	uint64_t cons = cons_load(rb);
	/* at most one ring's worth per call: producers that keep up with us
	 * must not keep the loop from its timers (flushes, exports); what is
	 * left keeps the ring's fd readable */
	uint64_t stop = cons + rb->mask + 1, published = cons;
	/* the consumer position is read by every producer's reserve: written
	 * once per record, its cache line went back and forth between our CPU
	 * and the producers' on each one. Published an eighth of the ring at
	 * a time (and whenever we catch up), the space is still handed back
	 * long before the ring could fill. */
	uint64_t batch = (rb->mask + 1) / 8;
	int n = 0;

	for (;;) {
		uint64_t prod = prod_load(rb, cons);
		bool progress = false;

		if (cons >= stop)
			break;

		while (cons < prod) {
			const uint32_t *hdr = (const uint32_t *)(rb->data + (cons & rb->mask));
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			uint64_t need, total;

			if (len & RT_BPF_RINGBUF_BUSY_BIT)
				goto out;	/* reserved, not yet committed */
			need = len & ~(RT_BPF_RINGBUF_BUSY_BIT | RT_BPF_RINGBUF_DISCARD_BIT);
			total = (need + RT_BPF_RINGBUF_HDR_SZ + 7) & ~7ULL;
			if (total > rb->mask + 1 || total > prod - cons) {
				/* no record boundary can be trusted past this
				 * one: skip all there is, or the ring stays stuck */
				rb->bad++;
				cons_store(rb, prod);
				return err_set(EBADMSG, "corrupt ring buffer record of %u bytes at %llu",
					       len, (unsigned long long)cons);
			}
			if (cons + total < prod) {
				/* the next record was written on another CPU: its
				 * header and first bytes come while this one is
				 * handled, not when we get to it */
				const uint8_t *next = rb->data + ((cons + total) & rb->mask);

				__builtin_prefetch(next);
				__builtin_prefetch(next + 64);
				__builtin_prefetch(next + 128);
			}
			if (!(len & RT_BPF_RINGBUF_DISCARD_BIT)) {
				int r = cb(ctx, (const uint8_t *)hdr + RT_BPF_RINGBUF_HDR_SZ, need);
				if (r < 0) {
					/* the record was seen: do not deliver it twice */
					cons_store(rb, cons + total);
					return r;
				}
				n++;
			}
			cons += total;
			/* release: the kernel may reuse the space once it sees this */
			if (cons - published >= batch) {
				cons_store(rb, cons);
				published = cons;
			}
			progress = true;
		}
		if (cons != published) {
			cons_store(rb, cons);
			published = cons;
		}
		if (!progress)
			break;
	}
out:
	if (cons != published)
		cons_store(rb, cons);
	return n;
}

void ringbuf_close(struct ringbuf *rb)
{
	if (rb->cons_map)
		munmap(rb->cons_map, rb->page_size);
	if (rb->prod_map)
		munmap(rb->prod_map, rb->prod_map_len);
	memset(rb, 0, sizeof(*rb));
	rb->map_fd = -1;
}
