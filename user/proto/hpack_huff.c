/* HPACK's Huffman code (RFC 7541 5.2 and Appendix B). The code of the
 * appendix is canonical: ordered by (length, symbol), each code is the
 * previous one plus one, shifted left when the length grows. So the code
 * lengths alone define it, and decoding needs only how many codes each
 * length has and the symbols in that order: a code of length L is
 * complete when its value minus the first code of length L is below the
 * number of codes of length L. Work is one step per input bit. */
#include <errno.h>

#include "rawtel/hpack.h"

#define HUFF_LEN_MAX 30
#define HUFF_EOS 256

/* Codes of each length 5..30 (Appendix B): 10, 26, 32, 6, 0, 5, 3, 2,
 * 6, 2, 3, 0, 0, 0, 3, 8, 13, 26, 29, 12, 4, 15, 19, 29, 0, 4. */

/* The 257 symbols ordered by (code length, symbol). */
static const uint16_t huff_sym[257] = {
	48, 49, 50, 97, 99, 101, 105, 111, 115, 116, 32, 37, 45, 46, 47, 51, 52, 53, 54, 55, 56,
	57, 61, 65, 95, 98, 100, 102, 103, 104, 108, 109, 110, 112, 114, 117, 58, 66, 67, 68, 69,
	70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 89, 106, 107, 113,
	118, 119, 120, 121, 122, 38, 42, 44, 59, 88, 90, 33, 34, 40, 41, 63, 39, 43, 124, 35, 62,
	0, 36, 64, 91, 93, 126, 94, 125, 60, 96, 123, 92, 195, 208, 128, 130, 131, 162, 184, 194,
	224, 226, 153, 161, 167, 172, 176, 177, 179, 209, 216, 217, 227, 229, 230, 129, 132, 133,
	134, 136, 146, 154, 156, 160, 163, 164, 169, 170, 173, 178, 181, 185, 186, 187, 189, 190,
	196, 198, 228, 232, 233, 1, 135, 137, 138, 139, 140, 141, 143, 147, 149, 150, 151, 152,
	155, 157, 158, 165, 166, 168, 174, 175, 180, 182, 183, 188, 191, 197, 231, 239, 9, 142,
	144, 145, 148, 159, 171, 206, 215, 225, 236, 237, 199, 207, 234, 235, 192, 193, 200, 201,
	202, 205, 210, 213, 218, 219, 238, 240, 242, 243, 255, 203, 204, 211, 212, 214, 221, 222,
	223, 241, 244, 245, 246, 247, 248, 250, 251, 252, 253, 254, 2, 3, 4, 5, 6, 7, 8, 11, 12,
	14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127, 220, 249, 10, 13,
	22, 256,
};

/* Derived from huff_count, for lengths 5..30: the first code of each
 * length, the index of its first symbol, and the end of its codes as a
 * 30-bit left-aligned value: a code's length is the first L whose end is
 * above the next 30 input bits. */
static const uint32_t huff_first[HUFF_LEN_MAX + 1] = {
	[5] = 0, 20, 92, 248, 508, 1016, 2042, 4090, 8184, 16380, 32764, 65534, 131068,
	262136, 524272, 1048550, 2097116, 4194258, 8388568, 16777194, 33554412, 67108832,
	134217694, 268435426, 536870910, 1073741820,
};
static const uint16_t huff_idx[HUFF_LEN_MAX + 1] = {
	[5] = 0, 10, 36, 68, 74, 74, 79, 82, 84, 90, 92, 95, 95, 95, 95, 98, 106, 119, 145,
	174, 186, 190, 205, 224, 253, 253,
};
static const uint32_t huff_end[HUFF_LEN_MAX + 1] = {
	[5] = 0x14000000, 0x2e000000, 0x3e000000, 0x3f800000, 0x3f800000, 0x3fd00000,
	0x3fe80000, 0x3ff00000, 0x3ffc0000, 0x3ffe0000, 0x3fff8000, 0x3fff8000, 0x3fff8000,
	0x3fff8000, 0x3fff9800, 0x3fffb800, 0x3fffd200, 0x3fffec00, 0x3ffffa80, 0x3ffffd80,
	0x3ffffe00, 0x3ffffef0, 0x3fffff88, 0x3ffffffc, 0x3ffffffc, 0x40000000,
};

/* The last `nb` bits (< 8) as padding: the most significant bits of EOS,
 * all ones. */
static int huff_pad_ok(uint64_t acc, int nb)
{
	return nb < 8 && (nb == 0 || acc >> (64 - nb) == (1u << nb) - 1);
}

long hpack_huff_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	uint64_t acc = 0;	/* input bits, left-aligned */
	int nb = 0;
	size_t i = 0;
	long k = 0;

	for (;;) {
		uint32_t v;
		unsigned len = 5;
		int sym;

		while (nb <= 56 && i < n) {
			acc |= (uint64_t)in[i++] << (56 - nb);
			nb += 8;
		}
		if (!nb)
			return k;
		v = (uint32_t)(acc >> 34);
		while (v >= huff_end[len])
			len++;
		if ((int)len > nb)
			return huff_pad_ok(acc, nb) ? k : -EINVAL;
		sym = huff_sym[huff_idx[len] + (v >> (30 - len)) - huff_first[len]];
		if (sym == HUFF_EOS)
			return -EINVAL;
		if (out && (size_t)k < cap)
			out[k] = (uint8_t)sym;
		k++;
		acc <<= len;
		nb -= (int)len;
	}
}
