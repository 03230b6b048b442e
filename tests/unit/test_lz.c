/* The LZ77 and range coder of the embedded kern/ text: round trips over real and
 * synthetic inputs, malformed streams refused, and every unit the binary
 * embeds decoding. */
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
	static const char text[] = "r1 = *(u64 *)(r6 + 8) ; r1 = *(u64 *)(r6 + 16) ; exit";
	uint8_t z[256], bad[256], out[128];
	long zn = lz_encode((const uint8_t *)text, sizeof(text), z, sizeof(z));
	unsigned seed = 7;

	T_ASSERT(zn > 5);
	T_EQ_INT(lz_decode(z, (size_t)zn, out, sizeof(text)), 0);
	T_EQ_INT(lz_decode(z, (size_t)zn - 1, out, sizeof(text)), -EINVAL);	/* cut short */
	T_EQ_INT(lz_decode(z, (size_t)zn, out, sizeof(text) - 1), -EINVAL);	/* fewer than n */
	T_EQ_INT(lz_decode(z, (size_t)zn, out, sizeof(text) + 1), -EINVAL);	/* more than n */
	memcpy(bad, z, (size_t)zn);
	bad[zn] = 0;
	T_EQ_INT(lz_decode(bad, (size_t)zn + 1, out, sizeof(text)), -EINVAL);	/* trailing */
	bad[0] = 1;	/* the first byte is always 0 */
	T_EQ_INT(lz_decode(bad, (size_t)zn, out, sizeof(text)), -EINVAL);
	/* garbage: refused or decoded within n bytes, never past them (ASan) */
	for (int round = 0; round < 2000; round++) {
		size_t len = 5 + (size_t)round % 200;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			bad[i] = (uint8_t)(seed >> 16);
		}
		bad[0] = 0;
		int rc = lz_decode(bad, len, out, 1 + (size_t)round % sizeof(out));
		T_CHECK(rc == 0 || rc == -EINVAL);
	}
}

/* Every unit the binary carries unpacks, NUL-terminated (that it
 * assembles as cpp's output does: test_kern_pack.c). */
static void test_embedded_units(void)
{
	int units = 0;
	size_t raw = 0, packed = 0;

	for (const struct kern_text *k = kern_texts; k->name; k++) {
		size_t len;
		const char *text = kern_find(k->name, &len);

		T_ASSERT(text, "an embedded unit cannot be unpacked");
		T_CHECK(len == k->len && text[len] == 0, "unit not NUL-terminated");
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
