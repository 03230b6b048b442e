/* rawtel's DEFLATE encoder and gzip container (user/otlp/deflate*.c,
 * gzip.c) against zlib as the independent decoder: every stream inflates
 * to exactly its input (empty, one byte, runs, random, text over several
 * blocks, stored blocks over 64 KiB), the CRC-32 is zlib's, and the ratio
 * on OTLP-shaped data is within 15% of zlib's level 6 (gzip -6).
 * test-ldlibs below: zlib is a test-only dependency. */
// test-ldlibs: -lz
#include <stdlib.h>
#include <zlib.h>

#include "rawtel/util.h"
#include "rawtel/gzip.h"
#include "t.h"

/* Inflate with zlib (gzip wrapper when gz, raw otherwise); the size or -1. */
static long z_inflate(const uint8_t *in, size_t n, uint8_t *out, size_t cap, int gz)
{
	z_stream z;
	long got;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, gz ? 16 + 15 : -15) != Z_OK)
		return -1;
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	got = inflate(&z, Z_FINISH) == Z_STREAM_END && z.avail_in == 0 ? (long)z.total_out : -1;
	inflateEnd(&z);
	return got;
}

/* Our size, after checking zlib gets the input back. */
static long roundtrip(const uint8_t *in, size_t n)
{
	size_t cap = gzip_bound(n);
	uint8_t *z = malloc(cap), *out = malloc(n + 1);
	long zn, back;

	T_ASSERT(z && out);
	zn = gzip_encode(in, n, z, cap);
	T_ASSERT(zn > 0);
	T_CHECK((size_t)zn <= cap);
	back = z_inflate(z, (size_t)zn, out, n + 1, 1);
	T_EQ_INT(back, (long)n);
	T_CHECK(back != (long)n || memcmp(in, out, n) == 0);
	free(z);
	free(out);
	return zn;
}

static unsigned seed = 12345;

static unsigned rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

/* JSON spans much like rawtel's exports: fixed keys, hex ids, paths,
 * timestamps and durations that vary. */
static size_t otlp_like(char *buf, size_t cap, int spans)
{
	static const char *const paths[] = { "/api/users/{id}", "/health", "/api/orders", "/static/*" };
	size_t n = 0;

	for (int i = 0; i < spans && n + 600 < cap; i++) {
		unsigned long long t = 1765000000000000000ull + (unsigned long long)i * 1234567 + rnd() % 1000;

		n += (size_t)snprintf(buf + n, cap - n,
			"{\"traceId\":\"%08x%08x%08x%08x\",\"spanId\":\"%08x%08x\",\"name\":\"GET %s\","
			"\"kind\":2,\"startTimeUnixNano\":\"%llu\",\"endTimeUnixNano\":\"%llu\","
			"\"attributes\":[{\"key\":\"http.request.method\",\"value\":{\"stringValue\":\"GET\"}},"
			"{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":\"%d\"}},"
			"{\"key\":\"client.address\",\"value\":{\"stringValue\":\"10.0.%u.%u\"}},"
			"{\"key\":\"server.port\",\"value\":{\"intValue\":\"8080\"}}],\"status\":{}}\n",
			rnd(), rnd(), rnd(), rnd(), rnd(), rnd(), paths[rnd() % 4], t, t + rnd() % 5000000,
			rnd() % 7 ? 200 : 500, rnd() % 4, rnd() % 250);
	}
	return n;
}

static void test_roundtrips(void)
{
	static uint8_t buf[300000];
	const uint8_t one = 'x';

	roundtrip(buf, 0);
	roundtrip(&one, 1);
	memset(buf, 'a', sizeof(buf));
	T_CHECK(roundtrip(buf, sizeof(buf)) < 1000);	/* a run: a few hundred bytes */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnd();
	/* random: stored blocks (5 bytes a block of 16384 symbols) */
	T_CHECK((size_t)roundtrip(buf, sizeof(buf)) <= sizeof(buf) + sizeof(buf) / 2000 + 32);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)"ab"[rnd() % 2];	/* two symbols: skewed codes */
	roundtrip(buf, sizeof(buf));
	for (size_t n = 2; n < 300; n += 7) {
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)(rnd() % 3 ? 'q' : rnd());
		roundtrip(buf, n);
	}
	roundtrip(buf, otlp_like((char *)buf, sizeof(buf), 1000));	/* several blocks */
}

static void test_raw_and_crc(void)
{
	const uint8_t text[] = "hello hello hello, deflate";
	uint8_t z[128], out[64];
	long zn = deflate_encode(text, sizeof(text), z, sizeof(z));

	T_ASSERT(zn > 0);
	T_EQ_INT(z_inflate(z, (size_t)zn, out, sizeof(out), 0), (long)sizeof(text));
	T_CHECK(memcmp(out, text, sizeof(text)) == 0);
	T_EQ_INT(util_crc32(0, text, sizeof(text)), (uint32_t)crc32(0, text, sizeof(text)));
	T_EQ_INT(util_crc32(util_crc32(0, text, 5), text + 5, sizeof(text) - 5),
		 (uint32_t)crc32(0, text, sizeof(text)));
	/* too small an output: refused, never overrun */
	T_EQ_INT(gzip_encode(text, sizeof(text), z, 20), -ENOSPC);
	T_EQ_INT(gzip_encode(text, sizeof(text), z, 10), -ENOSPC);
}

static void test_ratio_vs_zlib(void)
{
	static uint8_t in[200000], z[220000];
	size_t n = otlp_like((char *)in, sizeof(in), 400);
	uLongf zl = sizeof(z);
	long ours = gzip_encode(in, n, z, sizeof(z));

	T_ASSERT(ours > 0);
	T_ASSERT(compress2(z, &zl, in, n, 6) == Z_OK);
	printf("# %zu bytes: rawtel %ld, zlib -6 %lu (%.1f%%)\n", n, ours, (unsigned long)zl,
	       100.0 * (double)ours / (double)zl);
	T_CHECK((double)ours <= 1.15 * (double)zl);
}

int main(void)
{
	T_RUN(test_roundtrips);
	T_RUN(test_raw_and_crc);
	T_RUN(test_ratio_vs_zlib);
	return t_done();
}
