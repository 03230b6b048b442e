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

/* How many codes have each length 0..30 (Appendix B). */
static const uint8_t huff_count[HUFF_LEN_MAX + 1] = {
	0, 0, 0, 0, 0, 10, 26, 32, 6, 0, 5, 3, 2, 6, 2, 3,
	0, 0, 0, 3, 8, 13, 26, 29, 12, 4, 15, 19, 29, 0, 4,
};

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

/* A code being read: its bits so far, and where length `len`'s codes
 * begin (their first value, the index of their first symbol). */
struct huff_code {
	uint32_t code, first, idx;
	unsigned len, ones;
};

static void huff_reset(struct huff_code *c)
{
	c->code = c->first = c->idx = 0;
	c->len = 0;
	c->ones = 1;
}

/* One more bit: the symbol it completes, -1 for none yet, -2 for an
 * invalid code (EOS, or longer than any code). */
static int huff_bit(struct huff_code *c, unsigned bit)
{
	if (c->len) {
		c->first = (c->first + huff_count[c->len]) << 1;
		c->idx += huff_count[c->len];
	}
	c->len++;
	c->code = c->code << 1 | bit;
	c->ones &= bit;
	if (c->code - c->first < huff_count[c->len]) {
		int sym = huff_sym[c->idx + c->code - c->first];

		huff_reset(c);
		return sym == HUFF_EOS ? -2 : sym;
	}
	return c->len >= HUFF_LEN_MAX ? -2 : -1;
}

long hpack_huff_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	struct huff_code c;
	long k = 0;

	huff_reset(&c);
	for (size_t i = 0; i < n; i++) {
		for (int b = 7; b >= 0; b--) {
			int sym = huff_bit(&c, (in[i] >> b) & 1u);

			if (sym == -2)
				return -EINVAL;
			if (sym < 0)
				continue;
			if (out && (size_t)k < cap)
				out[k] = (uint8_t)sym;
			k++;
		}
	}
	/* padding: the most significant bits of EOS (all ones), < 8 bits */
	if (c.len > 7 || !c.ones)
		return -EINVAL;
	return k;
}
