/* Protobuf reader over untrusted bytes (see pb.h). */
#include <errno.h>

#include "rawtel/err.h"
#include "rawtel/pb.h"

void pb_init(struct pb_reader *r, const void *p, size_t n)
{
	r->p = r->base = p;
	r->end = r->p + n;
	r->depth = 0;
}

size_t pb_offset(const struct pb_reader *r)
{
	return (size_t)(r->p - r->base);
}

int pb_bad(const struct pb_reader *r, const char *what)
{
	return err_set(EBADMSG, "malformed protobuf at byte %zu: %s",
		       pb_offset(r), what);
}

static int read_varint(struct pb_reader *r, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned i = 0; i < 10; i++) {
		uint8_t c;

		if (r->p == r->end)
			return pb_bad(r, "varint runs past the end");
		c = *r->p++;
		if (i == 9 && c > 1)
			return pb_bad(r, "varint longer than 64 bits");
		x |= (uint64_t)(c & 0x7f) << (7 * i);
		if (!(c & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return pb_bad(r, "varint longer than 10 bytes");
}

static uint64_t read_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

int pb_next(struct pb_reader *r, struct pb_field *f)
{
	uint64_t tag, len;
	int ret;

	if (r->p == r->end)
		return 0;
	if ((ret = read_varint(r, &tag)))
		return ret;
	if (tag >> 3 == 0 || tag >> 3 > 0x1fffffff)
		return pb_bad(r, "field number out of range");
	f->num = (uint32_t)(tag >> 3);
	f->wt = (uint32_t)(tag & 7);
	f->data = NULL;
	f->len = 0;
	f->u = 0;
	switch (f->wt) {
	case PB_WT_VARINT:
		return (ret = read_varint(r, &f->u)) ? ret : 1;
	case PB_WT_I64:
	case PB_WT_I32: {
		unsigned n = f->wt == PB_WT_I64 ? 8 : 4;

		if ((size_t)(r->end - r->p) < n)
			return pb_bad(r, "fixed-size value runs past the end");
		f->u = read_le(r->p, n);
		r->p += n;
		return 1;
	}
	case PB_WT_LEN:
		if ((ret = read_varint(r, &len)))
			return ret;
		if (len > (uint64_t)(r->end - r->p))
			return pb_bad(r, "length runs past the end");
		f->data = r->p;
		f->len = (size_t)len;
		r->p += len;
		return 1;
	}
	return pb_bad(r, "group or unknown wire type");
}

int pb_enter(const struct pb_reader *r, const struct pb_field *f,
	     struct pb_reader *sub)
{
	if (f->wt != PB_WT_LEN)
		return pb_bad(r, "a message field is not length-delimited");
	if (r->depth >= PB_MAX_DEPTH)
		return pb_bad(r, "messages nested too deep");
	sub->p = f->data;
	sub->end = f->data + f->len;
	sub->base = r->base;
	sub->depth = r->depth + 1;
	return 0;
}

int pb_count(const struct pb_reader *r, uint32_t num, uint32_t *count)
{
	struct pb_reader c = *r;
	struct pb_field f;
	int ret;

	*count = 0;
	while ((ret = pb_next(&c, &f)) > 0)
		if (f.num == num)
			(*count)++;
	return ret;
}
