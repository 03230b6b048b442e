/* The gzip container (RFC 1952) around deflate_encode: a 10-byte header
 * (no name, no time: the same body always gives the same bytes), the
 * stream, CRC-32 and the size mod 2^32. */
#include <errno.h>

#include "rawtel/util.h"
#include "rawtel/gzip.h"

size_t gzip_bound(size_t n)
{
	/* stored blocks at worst: 5 bytes per 65535 and per block of 16384
	 * symbols (each one byte at least), the final block, the container */
	return n + 6 * (n / 16384 + n / 65535 + 2) + 18;
}

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

long gzip_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	static const uint8_t head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255 };
	long z;

	if (cap < 18)
		return -ENOSPC;
	for (int i = 0; i < 10; i++)
		out[i] = head[i];
	z = deflate_encode(in, n, out + 10, cap - 18);
	if (z < 0)
		return z;
	le32(out + 10 + z, util_crc32(0, in, n));
	le32(out + 14 + z, (uint32_t)n);
	return z + 18;
}
