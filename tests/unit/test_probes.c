/* The probe table and the gate every record passes before a decoder sees
 * it: types unique (but for the socket probes, which share one capture:
 * the same records, bounds and printer), size bounds sane, and records
 * with a short, long, lying or unknown header turned away rather than
 * decoded. */
#include <stdint.h>
#include <string.h>

#include "rawtel/probes.h"
#include "t.h"

/* q and p take the same records the same way (http and postgres) */
static int shared(const struct probe *q, const struct probe *p)
{
	return q->ev_type == p->ev_type && q->ev_type2 == p->ev_type2 && q->print == p->print &&
	       q->ev_min == p->ev_min && q->ev_max == p->ev_max && q->ev_min2 == p->ev_min2 &&
	       q->ev_max2 == p->ev_max2 && q->progs == p->progs;
}

static void test_table(void)
{
	T_CHECK(n_probes >= 5);
	for (size_t i = 0; i < n_probes; i++) {
		const struct probe *p = &probes[i];

		T_CHECK(p->name && p->summary && p->print && p->header);
		T_CHECK(p->ev_min >= EV_HDR_SIZE);
		T_CHECK(p->ev_max >= p->ev_min);
		T_CHECK(p->ev_max <= UINT16_MAX);	/* ev_hdr.size is 16 bits */
		T_CHECK(probe_find(p->name) == p);
		T_CHECK(shared(probe_by_type(p->ev_type), p));
		T_CHECK(p->progs && p->progs[0].name);
		if (p->ev_type2) {
			T_CHECK(shared(probe_by_type(p->ev_type2), p) && p->ev_type2 != p->ev_type);
			T_CHECK(p->ev_min2 >= EV_HDR_SIZE && p->ev_max2 >= p->ev_min2 &&
				p->ev_max2 <= UINT16_MAX);
		}
		for (size_t j = 0; j < i; j++)
			T_CHECK((shared(&probes[j], p) || (!probe_has_type(&probes[j], p->ev_type) &&
				!probe_has_type(&probes[j], p->ev_type2))) && strcmp(probes[j].name, p->name));
	}
	T_CHECK(probe_find("nosuch") == NULL);
	T_CHECK(probe_by_type(0xffff) == NULL);
}

static void test_record_gate(void)
{
	static uint8_t buf[70000];
	struct ev_hdr *h = (struct ev_hdr *)buf;

	for (size_t k = 0; k < 2 * n_probes; k++) {
		/* the first of the probes sharing its records takes them */
		const struct probe *p = probe_by_type(probes[k / 2].ev_type);
		/* each record type of the probe with its own bounds */
		struct { uint16_t ev_type; size_t ev_min, ev_max; } b = { p->ev_type, p->ev_min, p->ev_max },
			*q = &b;

		if (k % 2) {
			if (!p->ev_type2)
				continue;
			b.ev_type = p->ev_type2;
			b.ev_min = p->ev_min2;
			b.ev_max = p->ev_max2;
		}
		memset(buf, 0, sizeof(buf));
		h->type = q->ev_type;
		/* both bounds are accepted, in a buffer exactly that long or
		 * longer (perf buffers pad to 8 bytes) */
		h->size = (uint16_t)q->ev_min;
		T_CHECK(probe_of_record(buf, q->ev_min) == p);
		T_CHECK(probe_of_record(buf, q->ev_min + 7) == p);
		h->size = (uint16_t)q->ev_max;
		T_CHECK(probe_of_record(buf, q->ev_max) == p);
		/* one byte outside either bound is not */
		h->size = (uint16_t)(q->ev_min - 1);
		T_CHECK(probe_of_record(buf, sizeof(buf)) == NULL);
		if (q->ev_max < UINT16_MAX) {
			h->size = (uint16_t)(q->ev_max + 1);
			T_CHECK(probe_of_record(buf, sizeof(buf)) == NULL);
		}
		/* a header claiming more than was delivered */
		h->size = (uint16_t)q->ev_max;
		T_CHECK(probe_of_record(buf, q->ev_max - 1) == NULL);
	}
	/* shorter than a header, a header saying less than a header, and a
	 * type nobody emits */
	h->type = probes[0].ev_type;
	h->size = (uint16_t)probes[0].ev_min;
	T_CHECK(probe_of_record(buf, EV_HDR_SIZE - 1) == NULL);
	h->size = EV_HDR_SIZE - 1;
	T_CHECK(probe_of_record(buf, sizeof(buf)) == NULL);
	h->type = 0xffff;
	h->size = 200;
	T_CHECK(probe_of_record(buf, sizeof(buf)) == NULL);
	/* a data record's size judged by the data bounds, not the sock ones */
	h->type = EV_DATA;
	h->size = SOCK_REC_SIZE - 1;
	T_CHECK(probe_of_record(buf, sizeof(buf)) == probe_find("http"));
	h->size = DATA_OFF_BYTES - 1;
	T_CHECK(probe_of_record(buf, sizeof(buf)) == NULL);
	h->type = EV_SOCK;
	h->size = DATA_OFF_BYTES + 100;
	T_CHECK(probe_of_record(buf, sizeof(buf)) == NULL);
}

int main(void)
{
	T_RUN(test_table);
	T_RUN(test_record_gate);
	return t_done();
}
