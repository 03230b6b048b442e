/* Per-CPU perf event buffers: the fallback for kernels without the BPF ring
 * buffer (before 5.8), also selectable so it is tested everywhere. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rawtel/attach.h"
#include "rawtel/bpf.h"
#include "rawtel/err.h"
#include "rawtel/ring.h"
#include "rawtel/util.h"
#include "rt_perf.h"

#define PERF_MAX_RECORD 65536	/* u16 header size: no record is larger */

static void cpu_close(struct perfbuf_cpu *c, size_t page)
{
	if (c->base)
		munmap(c->base, page + c->size);
	if (c->fd >= 0)
		close(c->fd);
	c->base = NULL;
	c->fd = -1;
}

int perfbuf_open(struct perfbuf *pb, int map_fd, uint32_t pages)
{
	size_t page = util_page_size();
	int n = bpf_num_possible_cpus(), opened = 0;

	memset(pb, 0, sizeof(*pb));
	if (!pages || (pages & (pages - 1)))
		return err_set(EINVAL, "perf buffer pages per CPU (%u) must be a power of two", pages);
	pb->cpus = calloc((size_t)n, sizeof(*pb->cpus));
	pb->scratch = malloc(PERF_MAX_RECORD);
	pb->aligned = malloc(PERF_MAX_RECORD);
	if (!pb->cpus || !pb->scratch || !pb->aligned) {
		perfbuf_close(pb);
		return -ENOMEM;
	}
	pb->n_cpus = n;
	for (int i = 0; i < n; i++)
		pb->cpus[i].fd = -1;
	for (int i = 0; i < n; i++) {
		struct perfbuf_cpu *c = &pb->cpus[i];
		struct rt_perf_event_attr a;
		int fd, r;

		memset(&a, 0, sizeof(a));
		a.type = RT_PERF_TYPE_SOFTWARE;
		a.size = sizeof(a);
		a.config = RT_PERF_COUNT_SW_BPF_OUTPUT;
		a.sample_type = RT_PERF_SAMPLE_RAW;
		a.sample_period = 1;
		/* wake the reader once a quarter of the ring is full; the
		 * event loop also drains on a short timer, so a quiet ring is
		 * never left unread for long and a busy one costs few wakeups */
		a.flags = 1ULL << RT_PERF_ATTR_WATERMARK;
		a.wakeup_events = (uint32_t)(pages * page / 4);
		fd = attach_perf_event_open(&a, -1, i, -1, RT_PERF_FLAG_FD_CLOEXEC);
		if (fd == -ENODEV || fd == -EINVAL)
			continue;	/* possible but offline CPU */
		if (fd < 0) {
			perfbuf_close(pb);
			return err_set(-fd, "cannot open the perf buffer for CPU %d: %s", i,
				       strerror(-fd));
		}
		c->fd = fd;
		c->size = (uint64_t)pages * page;
		c->base = mmap(NULL, page + c->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (c->base == MAP_FAILED) {
			int e = errno;
			c->base = NULL;
			perfbuf_close(pb);
			return err_set(e, "cannot map the perf buffer for CPU %d (%u pages): %s%s",
				       i, pages, strerror(e),
				       e == EPERM ? " (raise kernel.perf_event_mlock_kb)" : "");
		}
		r = bpf_map_update(map_fd, &i, &fd, RT_BPF_ANY);
		if (r) {
			perfbuf_close(pb);
			return err_set(-r, "cannot register the perf buffer of CPU %d: %s", i,
				       strerror(-r));
		}
		opened++;
	}
	if (!opened) {
		perfbuf_close(pb);
		return err_set(ENODEV, "no CPU accepted a perf buffer");
	}
	return 0;
}

int perfbuf_consume_one(struct perfbuf *pb, struct perfbuf_cpu *c, ring_cb cb,
			void *ctx)
{
	struct rt_perf_event_mmap_page *meta = (void *)c->base;
	uint8_t *data = c->base + (meta->data_offset ? meta->data_offset
						     : (uint64_t)util_page_size());
	uint64_t size = meta->data_size ? meta->data_size : c->size;
	uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = meta->data_tail;
	int n = 0, ret = 0;

	if (size != c->size || head - tail > size) {
		/* the control page disagrees with what we mapped: skip it all */
		pb->bad++;
		__atomic_store_n(&meta->data_tail, head, __ATOMIC_RELEASE);
		return err_set(EBADMSG, "corrupt perf buffer control page");
	}
	while (tail < head) {
		struct rt_perf_event_header hdr;
		uint64_t off = tail & (size - 1);
		const uint8_t *rec;

		if (head - tail < sizeof(hdr))
			break;
		/* the header itself may straddle the end */
		for (size_t i = 0; i < sizeof(hdr); i++)
			((uint8_t *)&hdr)[i] = data[(off + i) & (size - 1)];
		if (hdr.size < sizeof(hdr) || hdr.size > head - tail) {
			pb->bad++;
			tail = head;
			break;
		}
		if (off + hdr.size <= size) {
			rec = data + off;
		} else {
			uint64_t first = size - off;
			memcpy(pb->scratch, data + off, first);
			memcpy(pb->scratch + first, data, hdr.size - first);
			rec = pb->scratch;
		}
		if (hdr.type == RT_PERF_RECORD_SAMPLE && hdr.size >= sizeof(hdr) + 4) {
			uint32_t raw;
			memcpy(&raw, rec + sizeof(hdr), 4);
			if (raw <= hdr.size - sizeof(hdr) - 4) {
				/* raw data follows an 8-byte header and a u32: it is
				 * only 4-byte aligned; records hold u64 fields */
				memcpy(pb->aligned, rec + sizeof(hdr) + 4, raw);
				ret = cb(ctx, pb->aligned, raw);
				n++;
			} else {
				pb->bad++;
			}
		} else if (hdr.type == RT_PERF_RECORD_LOST && hdr.size >= sizeof(hdr) + 16) {
			uint64_t lost;
			memcpy(&lost, rec + sizeof(hdr) + 8, 8);
			pb->lost += lost;
		}
		tail += hdr.size;
		if (ret < 0)
			break;
	}
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	return ret < 0 ? ret : n;
}

int perfbuf_consume(struct perfbuf *pb, ring_cb cb, void *ctx)
{
	int total = 0;

	for (int i = 0; i < pb->n_cpus; i++) {
		int r;

		if (pb->cpus[i].fd < 0)
			continue;
		r = perfbuf_consume_one(pb, &pb->cpus[i], cb, ctx);
		if (r < 0 && r != -EBADMSG)
			return r;
		if (r > 0)
			total += r;
	}
	return total;
}

void perfbuf_close(struct perfbuf *pb)
{
	size_t page = util_page_size();

	for (int i = 0; pb->cpus && i < pb->n_cpus; i++)
		cpu_close(&pb->cpus[i], page);
	free(pb->cpus);
	free(pb->scratch);
	free(pb->aligned);
	memset(pb, 0, sizeof(*pb));
}
