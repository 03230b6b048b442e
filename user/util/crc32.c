/* CRC-32 (IEEE 802.3, reflected, as gzip, zlib and .gnu_debuglink use it),
 * table-driven. The table is built on first use rather than stored: 1 KB
 * less in the static binary, and building it twice in a race writes the
 * same values. */
#include <stdint.h>

#include "rawtel/util.h"

uint32_t util_crc32(uint32_t crc, const void *buf, size_t n)
{
	static uint32_t table[256];
	const uint8_t *p = buf;

	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	crc = ~crc;
	while (n--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
