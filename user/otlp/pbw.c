/* The protobuf writer's one out-of-line step (pbw.h): growing the buffer
 * when a field does not fit, rarely enough not to be inlined. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "pbw.h"

int pbw_make_room(struct pbw *w, size_t n)
{
	struct otlp_buf *o = w->o;
	size_t size = pbw_size(w), old_cap = o->cap;
	int ret;

	if (w->err)
		return w->err;
	if (n > SIZE_MAX - size || (ret = otlp_buf_grow(o, size + n))) {
		w->err = n > SIZE_MAX - size ? -ENOSPC : ret;
		return w->err;
	}
	/* the output lives at the end: move it to the end of the new room */
	memmove(o->p + o->cap - size, o->p + old_cap - size, size);
	w->pos = o->cap - size;
	return 0;
}
