/* The probe table and the gate every record passes before a decoder sees
 * it: types unique, size bounds sane, and records with a short, long,
 * lying or unknown header turned away rather than decoded. */
#include <stdint.h>
#include <string.h>

#include "rawtel/probes.h"
#include "t.h"

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
		T_CHECK(probe_by_type(p->ev_type) == p);
		for (size_t j = 0; j < i; j++)
			T_CHECK(probes[j].ev_type != p->ev_type && strcmp(probes[j].name, p->name));
	}
	T_CHECK(probe_find("nosuch") == NULL);
	T_CHECK(probe_by_type(0xffff) == NULL);
}

static void test_record_gate(void)
{
	static uint8_t buf[70000];
	struct ev_hdr *h = (struct ev_hdr *)buf;

	for (size_t i = 0; i < n_probes; i++) {
		const struct probe *p = &probes[i];

		memset(buf, 0, sizeof(buf));
		h->type = p->ev_type;
		/* both bounds are accepted, in a buffer exactly that long or
		 * longer (perf buffers pad to 8 bytes) */
		h->size = (uint16_t)p->ev_min;
		T_CHECK(probe_of_record(buf, p->ev_min) == p);
		T_CHECK(probe_of_record(buf, p->ev_min + 7) == p);
		h->size = (uint16_t)p->ev_max;
		T_CHECK(probe_of_record(buf, p->ev_max) == p);
		/* one byte outside either bound is not */
		h->size = (uint16_t)(p->ev_min - 1);
		T_CHECK(probe_of_record(buf, sizeof(buf)) == NULL);
		if (p->ev_max < UINT16_MAX) {
			h->size = (uint16_t)(p->ev_max + 1);
			T_CHECK(probe_of_record(buf, sizeof(buf)) == NULL);
		}
		/* a header claiming more than was delivered */
		h->size = (uint16_t)p->ev_max;
		T_CHECK(probe_of_record(buf, p->ev_max - 1) == NULL);
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
}

int main(void)
{
	T_RUN(test_table);
	T_RUN(test_record_gate);
	return t_done();
}
