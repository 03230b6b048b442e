/* The LZ77 coder of the embedded kern/ text: round trips over real and
 * synthetic inputs, malformed streams refused, and every unit the binary
 * embeds decoding to exactly the cpp output it was built from. */
#include <stdlib.h>

#include "rawtel/kern.h"
#include "rawtel/lz.h"
#include "t.h"

static void roundtrip(const uint8_t *in, size_t n)
{
	size_t cap = n + n / 8 + 16;
	uint8_t *z = malloc(cap), *out = malloc(n + 1);
	long zn;

	T_ASSERT(z && out);
	zn = lz_encode(in, n, z, cap);
	T_ASSERT(zn >= 0);
	T_EQ_INT(lz_decode(z, (size_t)zn, out, n), 0);
	T_CHECK(memcmp(in, out, n) == 0);
	free(z);
	free(out);
}

static void test_roundtrips(void)
{
	static uint8_t buf[200000];
	unsigned seed = 1;

	roundtrip(buf, 0);
	roundtrip((const uint8_t *)"a", 1);
	roundtrip((const uint8_t *)"abcabcabcabcabcabcabcabc", 24);	/* overlapping */
	memset(buf, 'x', sizeof(buf));			/* longest matches */
	roundtrip(buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++) {	/* incompressible */
		seed = seed * 1103515245 + 12345;
		buf[i] = (uint8_t)(seed >> 16);
	}
	roundtrip(buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)	/* matches far back */
		buf[i] = (uint8_t)((i % 70001) * 7);
	roundtrip(buf, sizeof(buf));
}

static void test_malformed(void)
{
	uint8_t out[64];
	const uint8_t bad_dist[] = { 0x01, 0x05, 0x00, 0x00 };	/* before the start */
	const uint8_t zero_dist[] = { 0x02, 'a', 0x00, 0x00, 0x00 };
	const uint8_t trunc[] = { 0x01, 0x01 };
	const uint8_t too_long[] = { 0x02, 'a', 0x01, 0x00, 0xff };
	const uint8_t lit[] = { 0x00, 'a', 'b' };

	T_EQ_INT(lz_decode(bad_dist, sizeof(bad_dist), out, 3), -EINVAL);
	T_EQ_INT(lz_decode(zero_dist, sizeof(zero_dist), out, 4), -EINVAL);
	T_EQ_INT(lz_decode(trunc, sizeof(trunc), out, 3), -EINVAL);
	T_EQ_INT(lz_decode(too_long, sizeof(too_long), out, 10), -EINVAL);
	T_EQ_INT(lz_decode(lit, sizeof(lit), out, 1), -EINVAL);	/* more than n */
	T_EQ_INT(lz_decode(lit, sizeof(lit), out, 3), -EINVAL);	/* fewer than n */
	T_EQ_INT(lz_decode(lit, sizeof(lit), out, 2), 0);
}

/* What the binary carries is what cpp produced: build/kern/NAME.i */
static void test_embedded_units(void)
{
	int units = 0;
	size_t raw = 0, packed = 0;

	for (const struct kern_text *k = kern_texts; k->name; k++) {
		char path[256];
		size_t len;
		const char *text = kern_find(k->name, &len);
		FILE *f;

		snprintf(path, sizeof(path), "%s/build/kern/%s.i",
			 getenv("RAWTEL_TOP") ? getenv("RAWTEL_TOP") : ".", k->name);
		f = fopen(path, "rb");
		T_ASSERT(text && f, "unit or its cpp output missing");
		char *want = malloc(len + 2);
		size_t n = fread(want, 1, len + 1, f);
		fclose(f);
		T_CHECK(n == len && memcmp(want, text, len) == 0, "embedded text differs");
		free(want);
		T_CHECK(text[len] == 0, "unit not NUL-terminated");
		raw += len;
		units++;
	}
	packed = kern_zlen;
	T_CHECK(units >= 7);
	printf("# %d units: %zu bytes of text embedded as %zu\n", units, raw, packed);
}

int main(void)
{
	T_RUN(test_roundtrips);
	T_RUN(test_malformed);
	T_RUN(test_embedded_units);
	return t_done();
}
