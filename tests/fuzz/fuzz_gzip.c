/* libFuzzer round trip of rawtel's gzip encoder (user/otlp/gzip.c,
 * deflate*.c): whatever the bytes, zlib must inflate the stream back to
 * exactly them, and the output must stay within gzip_bound. The first
 * byte repeats the rest that many times (longer inputs, more blocks). */
// test-ldlibs: -lz
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "rawtel/gzip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t reps = size ? (size_t)data[0] % 64 + 1 : 1, n = size ? (size - 1) * reps : 0;
	uint8_t *in = malloc(n + 1), *z, *back = malloc(n + 1);
	size_t cap = gzip_bound(n);
	z_stream s;
	long zn;

	z = malloc(cap);
	if (!in || !z || !back)
		abort();
	for (size_t r = 0; r < reps && size; r++)
		memcpy(in + r * (size - 1), data + 1, size - 1);
	zn = gzip_encode(in, n, z, cap);
	if (zn <= 0 || (size_t)zn > cap)
		abort();
	memset(&s, 0, sizeof(s));
	if (inflateInit2(&s, 16 + 15) != Z_OK)
		abort();
	s.next_in = z;
	s.avail_in = (uInt)zn;
	s.next_out = back;
	s.avail_out = (uInt)(n + 1);
	if (inflate(&s, Z_FINISH) != Z_STREAM_END || s.total_out != n || memcmp(in, back, n))
		abort();
	inflateEnd(&s);
	free(in);
	free(z);
	free(back);
	return 0;
}
