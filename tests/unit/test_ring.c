/* Ring readers against synthetic producers laid out like the kernel's:
 * the BPF ring buffer's data area mapped twice in a row (memfd), records
 * with busy/discard bits, and perf buffers with records and headers that
 * straddle the end of the data area, plus PERF_RECORD_LOST. */
#include <stdint.h>
#include <sys/mman.h>

#include "rawtel/ring.h"
#include "rt_bpf.h"
#include "rt_perf.h"
#include "t.h"

/* ---- BPF ring buffer producer ----------------------------------------- */
struct fake_rb {
	uint64_t cons, prod;
	uint8_t *map;		/* 2 * size, the same memfd twice */
	uint64_t size;
	struct ringbuf rb;
};

static void fake_rb_init(struct fake_rb *f, uint64_t size)
{
	int fd = memfd_create("rb", 0);

	T_ASSERT(fd >= 0);
	T_ASSERT(ftruncate(fd, (off_t)size) == 0);
	memset(f, 0, sizeof(*f));
	f->size = size;
	f->map = mmap(NULL, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_ASSERT(f->map != MAP_FAILED);
	T_ASSERT(mmap(f->map, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == f->map);
	T_ASSERT(mmap(f->map + size, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
		 f->map + size);
	close(fd);
	T_ASSERT(ringbuf_init_mem(&f->rb, &f->cons, &f->prod, f->map, size, 8) == 0);
}

static void fake_rb_free(struct fake_rb *f)
{
	munmap(f->map, 2 * f->size);
}

/* Reserve a record of `len` payload bytes filled with `fill`; returns its
 * position. The header is left busy until fake_rb_commit. */
static uint64_t fake_rb_reserve(struct fake_rb *f, uint32_t len, uint8_t fill)
{
	uint64_t pos = f->prod, total = (len + 8 + 7) & ~7ULL;
	uint8_t *rec = f->map + (pos & (f->size - 1));
	uint32_t hdr = len | RT_BPF_RINGBUF_BUSY_BIT;

	memcpy(rec, &hdr, 4);
	memset(rec + 4, 0, 4);
	/* through the double mapping the payload may run past the end */
	memset(rec + 8, fill, len);
	__atomic_store_n(&f->prod, pos + total, __ATOMIC_RELEASE);
	return pos;
}

static void fake_rb_commit(struct fake_rb *f, uint64_t pos, int discard)
{
	uint32_t *hdr = (uint32_t *)(f->map + (pos & (f->size - 1)));
	uint32_t v = *hdr & ~RT_BPF_RINGBUF_BUSY_BIT;

	if (discard)
		v |= RT_BPF_RINGBUF_DISCARD_BIT;
	__atomic_store_n(hdr, v, __ATOMIC_RELEASE);
}

struct seen {
	int n;
	uint32_t len[4096];
	uint8_t fill[4096];
	int bad;		/* payload not uniform */
	int stop_after;		/* return -EINTR after this many (0: never) */
};

static int record_cb(void *ctx, const void *data, size_t len)
{
	struct seen *s = ctx;
	const uint8_t *p = data;

	for (size_t i = 1; i < len; i++)
		if (p[i] != p[0])
			s->bad++;
	if (s->n < 4096) {
		s->len[s->n] = (uint32_t)len;
		s->fill[s->n] = len ? p[0] : 0;
	}
	s->n++;
	if (s->stop_after && s->n == s->stop_after)
		return -EINTR;
	return 0;
}

static void test_ringbuf_in_order(void)
{
	struct fake_rb f;
	struct seen s = { 0 };

	fake_rb_init(&f, 4096);
	for (int i = 0; i < 10; i++)
		fake_rb_commit(&f, fake_rb_reserve(&f, (uint32_t)(10 + i), (uint8_t)i), 0);
	T_EQ_INT(ringbuf_consume(&f.rb, record_cb, &s), 10);
	for (int i = 0; i < 10; i++) {
		T_EQ_INT(s.len[i], 10 + i);
		T_EQ_INT(s.fill[i], i);
	}
	T_EQ_INT(s.bad, 0);
	T_EQ_INT(f.cons, f.prod);
	T_EQ_INT(ringbuf_consume(&f.rb, record_cb, &s), 0);
	fake_rb_free(&f);
}

static void test_ringbuf_wraparound(void)
{
	struct fake_rb f;
	struct seen s = { 0 };

	fake_rb_init(&f, 4096);
	/* move both positions close to the end, then write records that
	 * straddle it: the payload must arrive whole and uniform */
	f.cons = f.prod = 4096 * 3 - 40;
	for (int i = 0; i < 6; i++)
		fake_rb_commit(&f, fake_rb_reserve(&f, 100, (uint8_t)(0x40 + i)), 0);
	T_EQ_INT(ringbuf_consume(&f.rb, record_cb, &s), 6);
	T_EQ_INT(s.bad, 0);
	for (int i = 0; i < 6; i++) {
		T_EQ_INT(s.len[i], 100);
		T_EQ_INT(s.fill[i], 0x40 + i);
	}
	fake_rb_free(&f);
}

static void test_ringbuf_discard_and_busy(void)
{
	struct fake_rb f;
	struct seen s = { 0 };
	uint64_t a, b, c, d;

	fake_rb_init(&f, 4096);
	a = fake_rb_reserve(&f, 8, 1);
	b = fake_rb_reserve(&f, 8, 2);
	c = fake_rb_reserve(&f, 8, 3);
	d = fake_rb_reserve(&f, 8, 4);
	fake_rb_commit(&f, a, 0);
	fake_rb_commit(&f, b, 1);	/* discarded: never delivered */
	fake_rb_commit(&f, d, 0);	/* committed, but after a busy one */
	T_EQ_INT(ringbuf_consume(&f.rb, record_cb, &s), 1);
	T_EQ_INT(s.fill[0], 1);
	T_EQ_INT(f.cons, c);		/* stopped at the busy record */
	fake_rb_commit(&f, c, 0);
	T_EQ_INT(ringbuf_consume(&f.rb, record_cb, &s), 2);
	T_EQ_INT(s.fill[1], 3);
	T_EQ_INT(s.fill[2], 4);
	T_EQ_INT(f.cons, f.prod);
	fake_rb_free(&f);
}

static void test_ringbuf_corrupt_and_cb_error(void)
{
	struct fake_rb f;
	struct seen s = { .stop_after = 2 };
	uint32_t huge = 5000;

	fake_rb_init(&f, 4096);
	for (int i = 0; i < 4; i++)
		fake_rb_commit(&f, fake_rb_reserve(&f, 16, (uint8_t)i), 0);
	/* the callback's error stops the drain; the record it saw is not
	 * delivered again */
	T_EQ_INT(ringbuf_consume(&f.rb, record_cb, &s), -EINTR);
	s.stop_after = 0;
	T_EQ_INT(ringbuf_consume(&f.rb, record_cb, &s), 2);
	T_EQ_INT(s.n, 4);
	T_EQ_INT(s.fill[2], 2);
	/* a length larger than the ring is corruption, not a crash */
	uint64_t p = fake_rb_reserve(&f, 16, 9);
	memcpy(f.map + (p & 4095), &huge, 4);
	T_EQ_INT(ringbuf_consume(&f.rb, record_cb, &s), -EBADMSG);
	/* skipped, not stuck: what comes after is read */
	T_EQ_INT(f.cons, f.prod);
	T_EQ_INT(f.rb.bad, 1);
	fake_rb_commit(&f, fake_rb_reserve(&f, 24, 7), 0);
	T_EQ_INT(ringbuf_consume(&f.rb, record_cb, &s), 1);
	T_EQ_INT(s.n, 5);
	T_EQ_INT(s.fill[4], 7);
	fake_rb_free(&f);
}

/* A producer as fast as the consumer: each call stops after a ring's
 * worth, so the caller gets back to its timers; nothing is lost. */
struct refill {
	struct fake_rb *f;
	int made, delivered;
};

static int refill_cb(void *ctx, const void *data, size_t len)
{
	struct refill *r = ctx;

	(void)data;
	(void)len;
	r->delivered++;
	fake_rb_commit(r->f, fake_rb_reserve(r->f, 56, 1), 0);
	r->made++;
	return 0;
}

static void test_ringbuf_drain_budget(void)
{
	struct fake_rb f;
	struct refill r = { &f, 0, 0 };
	int n;

	fake_rb_init(&f, 4096);
	for (int i = 0; i < 8; i++)
		fake_rb_commit(&f, fake_rb_reserve(&f, 56, 1), 0);
	r.made = 8;
	n = ringbuf_consume(&f.rb, refill_cb, &r);
	T_EQ_INT(n, 4096 / 64);			/* 64 bytes per record */
	T_EQ_INT(f.prod - f.cons, 8 * 64);	/* the rest waits */
	T_EQ_INT(r.made - r.delivered, 8);
	fake_rb_free(&f);
}

/* Random sizes, random discards, commits in random order (as concurrent
 * producers on several CPUs do), and the consumer running at random
 * moments with some records still busy: what is delivered must be exactly
 * the non-discarded records, in ring order. */
struct model_rec { uint64_t pos; uint32_t len; uint8_t fill; int discard; };

static void test_ringbuf_random_model(void)
{
	static struct model_rec all[4096];
	struct fake_rb f;
	struct seen s = { 0 };
	int pending[64], n_pending = 0, n_all = 0, expect_n = 0;
	unsigned seed = 12345;

	fake_rb_init(&f, 8192);
	for (int step = 0; step < 6000 && n_all < 4000; step++) {
		seed = seed * 1103515245 + 12345;
		unsigned r = seed >> 8;
		uint64_t used = f.prod - f.cons;
		if (r % 3 != 0 && n_pending < 64 && used + 600 < f.size) {
			uint32_t len = r % 500;
			all[n_all] = (struct model_rec){ 0, len, (uint8_t)step, (r >> 20) % 5 == 0 };
			all[n_all].pos = fake_rb_reserve(&f, len, (uint8_t)step);
			pending[n_pending++] = n_all++;
		} else if (n_pending) {
			int k = (int)((r >> 4) % (unsigned)n_pending);
			fake_rb_commit(&f, all[pending[k]].pos, all[pending[k]].discard);
			pending[k] = pending[--n_pending];
		}
		if ((r >> 12) % 4 == 0)
			T_ASSERT(ringbuf_consume(&f.rb, record_cb, &s) >= 0);
	}
	while (n_pending) {
		fake_rb_commit(&f, all[pending[n_pending - 1]].pos, all[pending[n_pending - 1]].discard);
		n_pending--;
	}
	T_ASSERT(ringbuf_consume(&f.rb, record_cb, &s) >= 0);
	/* records were reserved in position order, so `all` is ring order */
	for (int i = 0; i < n_all; i++) {
		if (all[i].discard)
			continue;
		if (expect_n >= s.n || s.len[expect_n] != all[i].len ||
		    (all[i].len && s.fill[expect_n] != all[i].fill)) {
			T_FAILF("delivered record %d does not match reserved record %d", expect_n, i);
			break;
		}
		expect_n++;
	}
	T_EQ_INT(s.n, expect_n);
	T_EQ_INT(s.bad, 0);
	T_CHECK(expect_n > 1000, "the model should exercise many records");
	T_EQ_INT(f.cons, f.prod);
	fake_rb_free(&f);
}

/* A 32-bit kernel's ring: unsigned long positions of 4 bytes, which wrap
 * at 4 GiB; records on both sides of the wrap arrive in order, and the
 * consumer position written back is the kernel's 4-byte one. */
static void test_ringbuf_pos32(void)
{
	struct fake_rb f;
	struct seen s = { 0 };
	struct ringbuf rb;
	uint32_t c32, p32;

	fake_rb_init(&f, 4096);
	f.cons = f.prod = 0x100000000ULL - 48;
	for (int i = 0; i < 6; i++)
		fake_rb_commit(&f, fake_rb_reserve(&f, 20, (uint8_t)(0x60 + i)), 0);
	c32 = (uint32_t)f.cons;
	p32 = (uint32_t)f.prod;
	T_CHECK(p32 < c32, "the producer position wrapped past 2^32");
	T_ASSERT(ringbuf_init_mem(&rb, &c32, &p32, f.map, 4096, 4) == 0);
	T_EQ_INT(ringbuf_consume(&rb, record_cb, &s), 6);
	T_EQ_INT(s.bad, 0);
	for (int i = 0; i < 6; i++)
		T_EQ_INT(s.fill[i], 0x60 + i);
	T_EQ_INT(c32, p32);
	T_EQ_INT(ringbuf_consume(&rb, record_cb, &s), 0);
	T_EQ_INT(ringbuf_init_mem(&rb, &c32, &p32, f.map, 4096, 2), -EINVAL);
	fake_rb_free(&f);
}

static void test_ringbuf_bad_size(void)
{
	struct ringbuf rb;
	uint64_t c = 0, p = 0;
	uint8_t d[16] = { 0 };

	T_EQ_INT(ringbuf_init_mem(&rb, &c, &p, d, 12, 8), -EINVAL);
}

/* ---- perf buffer ---------------------------------------------------- */
#define PAGE 4096
struct fake_pb {
	uint8_t *base;		/* control page + data */
	uint64_t size;
	struct perfbuf pb;
	struct perfbuf_cpu cpu;
};

static void fake_pb_init(struct fake_pb *f, uint64_t size)
{
	struct rt_perf_event_mmap_page *m;

	memset(f, 0, sizeof(*f));
	f->size = size;
	f->base = calloc(1, PAGE + size);
	T_ASSERT(f->base);
	m = (void *)f->base;
	m->data_offset = PAGE;
	m->data_size = size;
	f->cpu.fd = 99;
	f->cpu.base = f->base;
	f->cpu.size = size;
	f->pb.scratch = malloc(65536);
	f->pb.aligned = malloc(65536);
	f->pb.n_cpus = 0;
}

static void fake_pb_free(struct fake_pb *f)
{
	free(f->base);
	free(f->pb.scratch);
	free(f->pb.aligned);
}

static void pb_put(struct fake_pb *f, const void *src, size_t n)
{
	struct rt_perf_event_mmap_page *m = (void *)f->base;
	uint8_t *data = f->base + PAGE;

	for (size_t i = 0; i < n; i++)
		data[(m->data_head + i) & (f->size - 1)] = ((const uint8_t *)src)[i];
	m->data_head += n;
}

/* A PERF_RECORD_SAMPLE with PERF_SAMPLE_RAW: header, u32 size, data,
 * padded to 8 bytes the way the kernel pads it. */
static void pb_sample(struct fake_pb *f, uint32_t len, uint8_t fill)
{
	uint32_t raw = len;
	uint16_t total = (uint16_t)((8 + 4 + len + 7) & ~7u);
	struct rt_perf_event_header h = { RT_PERF_RECORD_SAMPLE, 0, total };
	uint8_t buf[2048];

	memset(buf, fill, sizeof(buf));
	pb_put(f, &h, sizeof(h));
	pb_put(f, &raw, 4);
	pb_put(f, buf, total - 12);
}

static void pb_lost(struct fake_pb *f, uint64_t lost)
{
	struct rt_perf_event_header h = { RT_PERF_RECORD_LOST, 0, 24 };
	uint64_t id = 7;

	pb_put(f, &h, sizeof(h));
	pb_put(f, &id, 8);
	pb_put(f, &lost, 8);
}

static void test_perfbuf_records_and_wrap(void)
{
	struct fake_pb f;
	struct seen s = { 0 };
	struct rt_perf_event_mmap_page *m;

	fake_pb_init(&f, 4096);
	m = (void *)f.base;
	/* start near the end so records and one header straddle it */
	m->data_head = m->data_tail = 4096 * 5 - 4;
	pb_sample(&f, 100, 0xa1);
	pb_lost(&f, 17);
	pb_sample(&f, 1000, 0xa2);
	pb_sample(&f, 5, 0xa3);
	T_EQ_INT(perfbuf_consume_one(&f.pb, &f.cpu, record_cb, &s), 3);
	T_EQ_INT(f.pb.lost, 17);
	T_EQ_INT(s.n, 3);
	T_EQ_INT(s.len[0], 100);
	T_EQ_INT(s.fill[0], 0xa1);
	T_EQ_INT(s.len[1], 1000);
	T_EQ_INT(s.fill[1], 0xa2);
	T_EQ_INT(s.len[2], 5);
	T_EQ_INT(s.bad, 0);
	T_EQ_INT(m->data_tail, m->data_head);
	fake_pb_free(&f);
}

static void test_perfbuf_malformed(void)
{
	struct fake_pb f;
	struct seen s = { 0 };
	struct rt_perf_event_mmap_page *m;
	struct rt_perf_event_header h = { RT_PERF_RECORD_SAMPLE, 0, 4 };
	uint32_t raw = 4000;

	fake_pb_init(&f, 4096);
	m = (void *)f.base;
	pb_sample(&f, 10, 1);
	pb_put(&f, &h, sizeof(h));	/* size smaller than its own header */
	T_EQ_INT(perfbuf_consume_one(&f.pb, &f.cpu, record_cb, &s), 1);
	T_EQ_INT(f.pb.bad, 1);
	T_EQ_INT(m->data_tail, m->data_head);
	/* raw size larger than the record */
	h.size = 16;
	pb_put(&f, &h, sizeof(h));
	pb_put(&f, &raw, 4);
	pb_put(&f, &raw, 4);
	T_EQ_INT(perfbuf_consume_one(&f.pb, &f.cpu, record_cb, &s), 0);
	T_EQ_INT(f.pb.bad, 2);
	/* a head that claims more than the ring holds */
	m->data_head = m->data_tail + 3 * 4096;
	T_EQ_INT(perfbuf_consume_one(&f.pb, &f.cpu, record_cb, &s), -EBADMSG);
	T_EQ_INT(m->data_tail, m->data_head);
	fake_pb_free(&f);
}

int main(void)
{
	T_RUN(test_ringbuf_in_order);
	T_RUN(test_ringbuf_wraparound);
	T_RUN(test_ringbuf_discard_and_busy);
	T_RUN(test_ringbuf_corrupt_and_cb_error);
	T_RUN(test_ringbuf_drain_budget);
	T_RUN(test_ringbuf_random_model);
	T_RUN(test_ringbuf_bad_size);
	T_RUN(test_ringbuf_pos32);
	T_RUN(test_perfbuf_records_and_wrap);
	T_RUN(test_perfbuf_malformed);
	return t_done();
}
