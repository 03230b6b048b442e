/* Output buffers for the encoders (see otlp.h). otlp_buf_grow is the one
 * place an encoder's output ever grows. */
#include <errno.h>
#include <stdlib.h>

#include "rawtel/err.h"
#include "rawtel/otlp.h"

void otlp_buf_init(struct otlp_buf *o, size_t max)
{
	*o = (struct otlp_buf){ .max = max };
}

void otlp_buf_init_fixed(struct otlp_buf *o, void *mem, size_t cap)
{
	*o = (struct otlp_buf){ .p = mem, .cap = cap, .max = cap, .fixed = 1 };
}

void otlp_buf_free(struct otlp_buf *o)
{
	if (!o->fixed)
		free(o->p);
	o->p = NULL;
	o->len = o->cap = 0;
}

int otlp_buf_grow(struct otlp_buf *o, size_t need)
{
	size_t cap;
	uint8_t *p;

	if (need <= o->cap)
		return 0;
	if (o->fixed || need > o->max)
		return err_set(ENOSPC, "encoded OTLP needs more than %zu bytes: "
			       "export smaller batches", o->max);
	cap = o->cap ? o->cap : 4096;
	while (cap < need)
		cap = cap > o->max / 2 ? o->max : cap * 2;
	p = realloc(o->p, cap);
	if (!p)
		return err_set(ENOMEM, "cannot grow an OTLP buffer to %zu bytes", cap);
	o->p = p;
	o->cap = cap;
	return 0;
}
