/* The protobuf reader on good and malformed input. */
#include <errno.h>

#include "rawtel/err.h"
#include "rawtel/pb.h"
#include "t_fmt.h"

/* Read every field; the last pb_next result (0 or -errno). */
static int drain(const uint8_t *p, size_t n, int *count)
{
	struct pb_reader r;
	struct pb_field f;
	int ret;

	*count = 0;
	pb_init(&r, p, n);
	while ((ret = pb_next(&r, &f)) > 0)
		(*count)++;
	return ret;
}

static void every_wire_type(void)
{
	static const uint8_t m[] = {
		0x08, 0xac, 0x02,			/* 1: varint 300 */
		0x79, 1, 2, 3, 4, 5, 6, 7, 0x88,	/* 15: fixed64 */
		0x82, 0x01, 0x03, 'a', 'b', 'c',	/* 16: LEN "abc" */
		0xfd, 0xff, 0xff, 0xff, 0x0f, 0x78, 0x56, 0x34, 0x12,	/* 2^29-1: fixed32 */
		0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, /* 2: -1 */
	};
	struct pb_reader r;
	struct pb_field f;

	pb_init(&r, m, sizeof(m));
	T_ASSERT(pb_next(&r, &f) == 1);
	T_CHECK(f.num == 1 && f.wt == PB_WT_VARINT && f.u == 300);
	T_ASSERT(pb_next(&r, &f) == 1);
	T_CHECK(f.num == 15 && f.wt == PB_WT_I64 && f.u == 0x8807060504030201ull);
	T_ASSERT(pb_next(&r, &f) == 1);
	T_CHECK(f.num == 16 && f.wt == PB_WT_LEN && f.len == 3 && !memcmp(f.data, "abc", 3));
	T_ASSERT(pb_next(&r, &f) == 1);
	T_CHECK(f.num == 0x1fffffff && f.wt == PB_WT_I32 && f.u == 0x12345678);
	T_ASSERT(pb_next(&r, &f) == 1);
	T_CHECK(f.num == 2 && f.u == UINT64_MAX);
	T_EQ_INT(pb_next(&r, &f), 0);
	T_EQ_INT(pb_next(&r, &f), 0);
}

static void malformed(void)
{
	static const struct {
		const char *what;
		uint8_t b[16];
		size_t n;
	} cases[] = {
		{ "truncated tag varint", { 0x80 }, 1 },
		{ "truncated value varint", { 0x08, 0xff, 0xff }, 3 },
		{ "11-byte varint", { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }, 12 },
		{ "varint over 64 bits", { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 }, 11 },
		{ "length past the end", { 0x0a, 0x05, 'a', 'b' }, 4 },
		{ "huge length", { 0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f }, 10 },
		{ "field number 0", { 0x00, 0x01 }, 2 },
		{ "field number 2^29", { 0x80, 0x80, 0x80, 0x80, 0x10, 0x00 }, 6 },
		{ "start group", { 0x0b }, 1 },
		{ "end group", { 0x0c }, 1 },
		{ "wire type 6", { 0x0e, 0 }, 2 },
		{ "wire type 7", { 0x0f, 0 }, 2 },
		{ "short fixed64", { 0x09, 1, 2, 3, 4, 5, 6, 7 }, 8 },
		{ "short fixed32", { 0x0d, 1, 2, 3 }, 4 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int count, ret = drain(cases[i].b, cases[i].n, &count);

		T_CHECKF(ret == -EBADMSG, "%s: %d", cases[i].what, ret);
		T_CHECKF(strstr(err_msg(), "malformed protobuf at byte") != NULL,
			 "%s: %s", cases[i].what, err_msg());
	}
}

/* Nested messages: PB_MAX_DEPTH levels below the top are fine, one more
 * is refused. */
static int nest(int levels)
{
	static uint8_t buf[256];
	size_t n = 0;
	struct pb_reader r[64];
	struct pb_field f;

	/* levels x (0x0a, len) then one varint field, lengths from inside out */
	for (int i = 0; i < levels; i++) {
		buf[2 * i] = 0x0a;
		buf[2 * i + 1] = (uint8_t)(2 * (levels - i - 1) + 2);
	}
	n = 2 * (size_t)levels;
	buf[n++] = 0x08;
	buf[n++] = 0x01;
	pb_init(&r[0], buf, n);
	for (int i = 0; i < levels; i++) {
		int ret;

		if (pb_next(&r[i], &f) != 1)
			return -1;
		if ((ret = pb_enter(&r[i], &f, &r[i + 1])))
			return ret;
	}
	return pb_next(&r[levels], &f) == 1 && f.u == 1 ? 0 : -2;
}

static void depth_limit(void)
{
	T_EQ_INT(nest(PB_MAX_DEPTH), 0);
	T_EQ_INT(nest(PB_MAX_DEPTH + 1), -EBADMSG);
	T_CHECK(strstr(err_msg(), "nested too deep") != NULL);
}

static void enter_and_count(void)
{
	static const uint8_t m[] = { 0x0a, 0x04, 0x10, 0x01, 0x10, 0x02, 0x08, 0x05, 0x0a, 0x00 };
	struct pb_reader r, s;
	struct pb_field f;
	uint32_t n;

	pb_init(&r, m, sizeof(m));
	T_EQ_INT(pb_count(&r, 1, &n), 0);
	T_EQ_INT(n, 3);					/* 0a, 08 and 0a */
	T_ASSERT(pb_next(&r, &f) == 1 && pb_enter(&r, &f, &s) == 0);
	T_EQ_INT(pb_count(&s, 2, &n), 0);
	T_EQ_INT(n, 2);
	T_ASSERT(pb_next(&r, &f) == 1);
	T_EQ_INT(pb_enter(&r, &f, &s), -EBADMSG);		/* a varint is no message */
	T_EQ_INT(pb_offset(&r), 8);
}

int main(void)
{
	T_RUN(every_wire_type);
	T_RUN(malformed);
	T_RUN(depth_limit);
	T_RUN(enter_and_count);
	return t_done();
}
